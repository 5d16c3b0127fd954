import { ForfaitingMarket__factory } from "@consortia/sdk/typechain/factories/forfaiting/ForfaitingMarket__factory.js";
import { createTableSql, defineProjection, type ProjectionStore, type TableSpec } from "../projection.js";
import { onPaused, onUnpaused } from "./platform.js";

/** IForfaitingMarket.OfferState names. */
export const OFFER_STATES = ["None", "Open", "Traded", "NoticeAcknowledged", "Withdrawn"] as const;
/**
 * Quote states as projected: the contract's Active, Withdrawn and Accepted, plus Committed for a sealed quote not yet
 * revealed (its price is unknown until then: only the commitment hash is on chain).
 */
export const QUOTE_STATES = ["Committed", "Active", "Withdrawn", "Accepted"] as const;
export const QUOTE_ACTIONS = ["submitted", "committed", "revealed", "withdrawn", "accepted"] as const;
export const NOTICE_STATUSES = ["Pending", "Acknowledged"] as const;

/**
 * Tables of the forfaiting projection. Versioned: offers (with the trade that closed them), quotes (one per offer and
 * bidder account), transfer notices, listed claim contracts. Append: every quote action, every trade (the sale
 * history of a claim: asset + claim id).
 */
export const FORFAITING_TABLES = [
  {
    kind: "versioned",
    name: "ff_offers",
    key: ["offer_id"],
    columns: {
      offer_id: "numeric",
      state: "text",
      asset: "text",
      claim_id: "numeric",
      seller: "bigint",
      seller_account: "text",
      obligor: "bigint",
      amount: "numeric",
      maturity: "bigint",
      asking_price: "numeric",
      asking_discount_bps: "integer",
      asking_terms_hash: "text",
      quote_deadline: "bigint",
      reveal_period: "bigint",
      sealed: "boolean",
      documents: "jsonb",
      buyer: "bigint",
      buyer_account: "text",
      price: "numeric",
      deed_hash: "text",
      notice_hash: "text",
      payment_reference: "text",
      withdrawn_by: "text",
      announced_block: "bigint",
      announced_tx: "text",
    },
    indexes: [["state", "maturity"], ["obligor"], ["seller"], ["asset", "claim_id"], ["maturity"]],
  },
  {
    kind: "versioned",
    name: "ff_quotes",
    key: ["offer_id", "bidder"],
    columns: {
      offer_id: "numeric",
      bidder: "text",
      bidder_member: "bigint",
      sealed: "boolean",
      commitment: "text",
      price: "numeric",
      state: "text",
    },
    indexes: [["bidder_member"]],
  },
  {
    kind: "append",
    name: "ff_quote_events",
    columns: {
      offer_id: "numeric",
      bidder: "text",
      bidder_member: "bigint",
      action: "text",
      price: "numeric",
      commitment: "text",
    },
    indexes: [["offer_id"]],
  },
  {
    kind: "append",
    name: "ff_trades",
    columns: {
      offer_id: "numeric",
      asset: "text",
      claim_id: "numeric",
      seller: "bigint",
      seller_account: "text",
      buyer: "bigint",
      buyer_account: "text",
      obligor: "bigint",
      amount: "numeric",
      maturity: "bigint",
      price: "numeric",
      deed_hash: "text",
      notice_hash: "text",
      payment_reference: "text",
    },
    indexes: [["asset", "claim_id"], ["offer_id"], ["seller"], ["buyer"]],
  },
  {
    kind: "versioned",
    name: "ff_notices",
    key: ["offer_id"],
    columns: {
      offer_id: "numeric",
      asset: "text",
      claim_id: "numeric",
      obligor: "bigint",
      notice_hash: "text",
      status: "text",
      acknowledged_by: "text",
    },
    indexes: [["obligor", "status"]],
  },
  {
    kind: "versioned",
    name: "ff_claim_contracts",
    key: ["asset"],
    columns: { asset: "text", listed: "boolean" },
  },
] as const satisfies readonly TableSpec[];

/**
 * Attestation backing (issue 22), added by migration 002: the subject (keyed identifier) the claim contract names for an
 * offer's claim (versioned, one row per offer), and what each purchase was checked against (append: the buyer's
 * forfaiting-purchase policy in force, zero for none), which the regulator's unattested-financing view reads.
 */
export const FORFAITING_BACKING_TABLES = [
  {
    kind: "versioned",
    name: "ff_offer_backing",
    key: ["offer_id"],
    columns: { offer_id: "numeric", subject_key: "text" },
    indexes: [["subject_key"]],
  },
  {
    kind: "append",
    name: "ff_purchase_backing",
    columns: { offer_id: "numeric", buyer: "bigint", subject_key: "text", policy: "numeric" },
    indexes: [["offer_id"], ["buyer"]],
  },
] as const satisfies readonly TableSpec[];

type Row = Record<string, unknown>;
const ZERO_HASH = `0x${"0".repeat(64)}`;

async function load(store: ProjectionStore, table: string, key: Row, what: string): Promise<Row> {
  const row = await store.get(table, key);
  if (row === undefined) throw new Error(`${what} changed before it was created`);
  return row;
}

async function updateOffer(store: ProjectionStore, offerId: unknown, changes: Row): Promise<Row> {
  const row = { ...(await load(store, "ff_offers", { offer_id: offerId }, `offer ${String(offerId)}`)), ...changes };
  store.put("ff_offers", row);
  return row;
}

function quoteEvent(
  store: ProjectionStore,
  offerId: unknown,
  bidder: unknown,
  member: unknown,
  action: string,
  extra: Row,
) {
  store.append("ff_quote_events", {
    offer_id: offerId,
    bidder,
    bidder_member: member,
    action,
    price: null,
    commitment: null,
    ...extra,
  });
}

export default defineProjection({
  name: "forfaiting",
  contracts: { ForfaitingMarket: ForfaitingMarket__factory.abi },
  tables: [...FORFAITING_TABLES, ...FORFAITING_BACKING_TABLES],
  migrations: [
    { id: "forfaiting/001_tables", sql: FORFAITING_TABLES.map(createTableSql).join(";\n") },
    { id: "forfaiting/002_backing", sql: FORFAITING_BACKING_TABLES.map(createTableSql).join(";\n") },
  ],
  handlers: {
    ForfaitingMarket: {
      ClaimContractSet: (e, store) => store.put("ff_claim_contracts", { asset: e.args.asset, listed: e.args.listed }),
      OfferAnnounced: (e, store) => {
        const a = e.args.announcement as Row;
        store.put("ff_offers", {
          offer_id: e.args.offerId,
          state: "Open",
          asset: a.asset,
          claim_id: a.claimId,
          seller: e.args.seller,
          seller_account: e.args.sellerAccount,
          obligor: e.args.obligor,
          amount: e.args.amount,
          maturity: e.args.maturity,
          asking_price: a.askingPrice,
          asking_discount_bps: a.askingDiscountBps,
          asking_terms_hash: a.askingTermsHash,
          quote_deadline: a.quoteDeadline,
          reveal_period: a.revealPeriod,
          sealed: Number(a.revealPeriod) !== 0,
          documents: a.documents,
          buyer: null,
          buyer_account: null,
          price: null,
          deed_hash: null,
          notice_hash: null,
          payment_reference: null,
          withdrawn_by: null,
          announced_block: e.blockNumber,
          announced_tx: e.txHash,
        });
      },
      OfferWithdrawn: async (e, store) => {
        await updateOffer(store, e.args.offerId, { state: "Withdrawn", withdrawn_by: e.args.account });
      },
      QuoteSubmitted: (e, store) => {
        const { offerId, bidder, bidderMember, price } = e.args;
        store.put("ff_quotes", {
          offer_id: offerId,
          bidder,
          bidder_member: bidderMember,
          sealed: false,
          commitment: null,
          price,
          state: "Active",
        });
        quoteEvent(store, offerId, bidder, bidderMember, "submitted", { price });
      },
      QuoteCommitted: (e, store) => {
        const { offerId, bidder, bidderMember, commitment } = e.args;
        store.put("ff_quotes", {
          offer_id: offerId,
          bidder,
          bidder_member: bidderMember,
          sealed: true,
          commitment,
          price: null,
          state: "Committed",
        });
        quoteEvent(store, offerId, bidder, bidderMember, "committed", { commitment });
      },
      QuoteRevealed: async (e, store) => {
        const { offerId, bidder, bidderMember, price } = e.args;
        const quote = await load(store, "ff_quotes", { offer_id: offerId, bidder }, "quote");
        store.put("ff_quotes", { ...quote, price, state: "Active" });
        quoteEvent(store, offerId, bidder, bidderMember, "revealed", { price, commitment: quote.commitment });
      },
      QuoteWithdrawn: async (e, store) => {
        const { offerId, bidder } = e.args;
        const quote = await load(store, "ff_quotes", { offer_id: offerId, bidder }, "quote");
        store.put("ff_quotes", { ...quote, state: "Withdrawn" });
        quoteEvent(store, offerId, bidder, quote.bidder_member, "withdrawn", {});
      },
      ClaimTraded: async (e, store) => {
        const trade = e.args.trade as Row;
        const reference = trade.offChainReference === ZERO_HASH ? null : trade.offChainReference;
        const offer = await updateOffer(store, e.args.offerId, {
          state: "Traded",
          buyer: e.args.buyer,
          buyer_account: trade.buyerAccount,
          price: trade.price,
          deed_hash: trade.deedHash,
          notice_hash: trade.noticeHash,
          payment_reference: reference,
        });
        const quoteKey = { offer_id: e.args.offerId, bidder: trade.buyerAccount };
        const quote = await load(store, "ff_quotes", quoteKey, "quote");
        // A sealed quote accepted by opening its commitment (acceptSealedQuote) was never revealed: its price is
        // known from the trade. Quotes not accepted keep only their commitment.
        store.put("ff_quotes", { ...quote, price: trade.price, state: "Accepted" });
        quoteEvent(store, e.args.offerId, trade.buyerAccount, e.args.buyer, "accepted", { price: trade.price });
        store.append("ff_trades", {
          offer_id: e.args.offerId,
          asset: trade.asset,
          claim_id: trade.claimId,
          seller: e.args.seller,
          seller_account: trade.sellerAccount,
          buyer: e.args.buyer,
          buyer_account: trade.buyerAccount,
          obligor: offer.obligor,
          amount: offer.amount,
          maturity: offer.maturity,
          price: trade.price,
          deed_hash: trade.deedHash,
          notice_hash: trade.noticeHash,
          payment_reference: reference,
        });
        store.put("ff_notices", {
          offer_id: e.args.offerId,
          asset: trade.asset,
          claim_id: trade.claimId,
          obligor: offer.obligor,
          notice_hash: trade.noticeHash,
          status: "Pending",
          acknowledged_by: null,
        });
      },
      OfferBacking: (e, store) =>
        store.put("ff_offer_backing", { offer_id: e.args.offerId, subject_key: e.args.subjectKey }),
      PurchaseBacking: (e, store) =>
        store.append("ff_purchase_backing", {
          offer_id: e.args.offerId,
          buyer: e.args.buyer,
          subject_key: e.args.subjectKey,
          policy: e.args.policy,
        }),
      NoticeAcknowledged: async (e, store) => {
        await updateOffer(store, e.args.offerId, { state: "NoticeAcknowledged" });
        const notice = await load(store, "ff_notices", { offer_id: e.args.offerId }, "notice");
        store.put("ff_notices", { ...notice, status: "Acknowledged", acknowledged_by: e.args.account });
      },
      Paused: onPaused,
      Unpaused: onUnpaused,
    },
  },
});
