import { z } from "zod";
import { membersAccess, party, row, rows, type Visible } from "../access.js";
import type { Row } from "../../indexer/db.js";
import { NOTICE_STATUSES, OFFER_STATES, QUOTE_ACTIONS, QUOTE_STATES } from "../../indexer/projections/forfaiting.js";
import { anyOf, chainOrder, eq, filter, key, listRoute, range } from "../list.js";
import {
  address,
  appendSource,
  asOfFilter,
  asOfQuery,
  checkAsOf,
  defineRoute,
  defineRoutes,
  findOne,
  memberId,
  NotFoundError,
  source,
  sourceOf,
  Sql,
  uint256,
  unixSeconds,
  upTo,
  versionSource,
} from "../route.js";

const OFFER_STATE_VALUES = OFFER_STATES.filter((s) => s !== "None") as [string, ...string[]];
const maturity = range("o.maturity", unixSeconds, "bigint");

// ------------------------------------------------------------------------------------------------- schemas

const documentSchema = z.object({ contentHash: z.string(), uriHash: z.string(), kind: z.number().int() });
const offerSchema = z.object({
  id: z.string(),
  state: z.enum(OFFER_STATES),
  asset: z.string(),
  claimId: z.string(),
  seller: z.number().int(),
  sellerAccount: z.string(),
  obligor: z.number().int(),
  amount: z.string(),
  maturity: z.number().int(),
  askingPrice: z.string(),
  askingDiscountBps: z.number().int(),
  askingTermsHash: z.string(),
  quoteDeadline: z.number().int(),
  revealPeriod: z.number().int(),
  sealed: z.boolean(),
  documents: z.array(documentSchema),
  buyer: z.number().int().nullable(),
  buyerAccount: z.string().nullable(),
  price: z.string().nullable(),
  deedHash: z.string().nullable(),
  noticeHash: z.string().nullable(),
  paymentReference: z.string().nullable(),
  withdrawnBy: z.string().nullable(),
  announced: source,
  source,
});
const quoteSchema = z.object({
  bidder: z.string(),
  bidderMember: z.number().int(),
  sealed: z.boolean(),
  commitment: z.string().nullable(),
  price: z.string().nullable().describe("null for a sealed quote not yet revealed"),
  state: z.enum(QUOTE_STATES),
  source,
});
const quoteEventSchema = z.object({
  bidder: z.string(),
  bidderMember: z.number().int(),
  action: z.enum(QUOTE_ACTIONS),
  price: z.string().nullable(),
  commitment: z.string().nullable(),
  source,
});
const tradeSchema = z.object({
  offerId: z.string(),
  asset: z.string(),
  claimId: z.string(),
  seller: z.number().int(),
  sellerAccount: z.string(),
  buyer: z.number().int(),
  buyerAccount: z.string(),
  obligor: z.number().int(),
  amount: z.string(),
  maturity: z.number().int(),
  price: z.string(),
  deedHash: z.string(),
  noticeHash: z.string(),
  paymentReference: z.string().nullable(),
  source,
});
const noticeSchema = z.object({
  noticeHash: z.string(),
  obligor: z.number().int(),
  status: z.enum(NOTICE_STATUSES),
  acknowledgedBy: z.string().nullable(),
  source,
});

// ------------------------------------------------------------------------------------------------- mapping

const nullable = <T>(v: unknown) => (v ?? null) as T | null;

const toOffer = (r: Row) => ({
  id: r.offer_id as string,
  state: r.state as (typeof OFFER_STATES)[number],
  asset: r.asset as string,
  claimId: r.claim_id as string,
  seller: r.seller as number,
  sellerAccount: r.seller_account as string,
  obligor: r.obligor as number,
  amount: r.amount as string,
  maturity: r.maturity as number,
  askingPrice: r.asking_price as string,
  askingDiscountBps: r.asking_discount_bps as number,
  askingTermsHash: r.asking_terms_hash as string,
  quoteDeadline: r.quote_deadline as number,
  revealPeriod: r.reveal_period as number,
  sealed: r.sealed as boolean,
  documents: r.documents as z.infer<typeof documentSchema>[],
  buyer: nullable<number>(r.buyer),
  buyerAccount: nullable<string>(r.buyer_account),
  price: nullable<string>(r.price),
  deedHash: nullable<string>(r.deed_hash),
  noticeHash: nullable<string>(r.notice_hash),
  paymentReference: nullable<string>(r.payment_reference),
  withdrawnBy: nullable<string>(r.withdrawn_by),
  announced: sourceOf(r.announced_block, r.announced_tx),
  source: versionSource(r),
});

const toQuote = (r: Row) => ({
  bidder: r.bidder as string,
  bidderMember: r.bidder_member as number,
  sealed: r.sealed as boolean,
  commitment: nullable<string>(r.commitment),
  price: nullable<string>(r.price),
  state: r.state as (typeof QUOTE_STATES)[number],
  source: versionSource(r),
});

const toQuoteEvent = (r: Row) => ({
  bidder: r.bidder as string,
  bidderMember: r.bidder_member as number,
  action: r.action as (typeof QUOTE_ACTIONS)[number],
  price: nullable<string>(r.price),
  commitment: nullable<string>(r.commitment),
  source: appendSource(r),
});

const toTrade = (r: Row) => ({
  offerId: r.offer_id as string,
  asset: r.asset as string,
  claimId: r.claim_id as string,
  seller: r.seller as number,
  sellerAccount: r.seller_account as string,
  buyer: r.buyer as number,
  buyerAccount: r.buyer_account as string,
  obligor: r.obligor as number,
  amount: r.amount as string,
  maturity: r.maturity as number,
  price: r.price as string,
  deedHash: r.deed_hash as string,
  noticeHash: r.notice_hash as string,
  paymentReference: nullable<string>(r.payment_reference),
  source: appendSource(r),
});

const toNotice = (r: Row) => ({
  noticeHash: r.notice_hash as string,
  obligor: r.obligor as number,
  status: r.status as (typeof NOTICE_STATUSES)[number],
  acknowledgedBy: nullable<string>(r.acknowledged_by),
  source: versionSource(r),
});

// ------------------------------------------------------------------------------------------------- who sees what

/**
 * An offer: every member sees the market's open offers (forfaiters must find them); once closed (its current state),
 * only its seller, obligor, buyer and the members that quoted on it.
 */
export const OFFER_READERS =
  (alias: string): Visible =>
  (q, member) =>
    `(EXISTS (SELECT 1 FROM ff_offers cur WHERE cur.offer_id = ${alias}.offer_id AND cur.valid_to_block IS NULL AND cur.state = 'Open') OR ${party(`${alias}.seller`, `${alias}.obligor`, `${alias}.buyer`)(q, member)} OR EXISTS (SELECT 1 FROM ff_quotes fq WHERE fq.offer_id = ${alias}.offer_id AND ${party("fq.bidder_member")(q, member)}))`;

// ------------------------------------------------------------------------------------------------- routes

export default defineRoutes({
  name: "forfaiting",
  routes: [
    listRoute({
      path: "/forfaiting/offers",
      access: rows(OFFER_READERS("o")),
      summary: "Forfaiting offers, filtered by state (default Open), obligor, seller, claim and maturity range",
      tags: ["forfaiting"],
      from: "ff_offers o",
      asOf: "versioned",
      filters: {
        state: filter(
          z
            .enum([...OFFER_STATE_VALUES, "any"] as [string, ...string[]])
            .default("Open")
            .describe("Offer state, or any"),
          (state, q) => (state === "any" ? undefined : `o.state = ${q.p(state)}`),
        ),
        obligor: eq("o.obligor", memberId, "bigint"),
        seller: eq("o.seller", memberId, "bigint"),
        asset: eq("o.asset", address),
        claimId: eq("o.claim_id", uint256, "numeric"),
        maturityFrom: { ...maturity.from, schema: unixSeconds.describe("Maturity at or after (unix seconds)") },
        maturityTo: { ...maturity.to, schema: unixSeconds.describe("Maturity at or before (unix seconds)") },
      },
      sorts: {
        id: [key("o.offer_id", "numeric")],
        maturity: [key("o.maturity", "bigint"), key("o.offer_id", "numeric")],
        amount: [key("o.amount", "numeric"), key("o.offer_id", "numeric")],
        quoteDeadline: [key("o.quote_deadline", "bigint"), key("o.offer_id", "numeric")],
      },
      order: "asc",
      item: offerSchema,
      toItem: toOffer,
    }),
    defineRoute({
      path: "/forfaiting/offers/:id",
      access: row("ff_offers o", { offer_id: ["id", "numeric"] }, OFFER_READERS("o")),
      summary: "One offer with its quotes, quote history, trade and transfer notice",
      tags: ["forfaiting"],
      params: z.object({ id: uint256 }),
      query: z.object({ ...asOfQuery }),
      response: offerSchema.extend({
        quotes: z.array(quoteSchema),
        quoteHistory: z.array(quoteEventSchema),
        trade: tradeSchema.nullable(),
        notice: noticeSchema.nullable(),
      }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const row = await findOne(
          ctx.db,
          { from: "ff_offers o", key: { offer_id: [params.id, "numeric"] }, asOf: query.asOf },
          `offer ${params.id} not found`,
        );
        const qq = new Sql();
        const quotes = await ctx.db.query(
          `SELECT * FROM ff_quotes x WHERE x.offer_id = ${qq.p(params.id, "numeric")} AND ${asOfFilter(qq, "x", query.asOf)}
           ORDER BY x.price DESC NULLS LAST, x.bidder`,
          qq.params,
        );
        const qh = new Sql();
        const history = await ctx.db.query(
          `SELECT * FROM ff_quote_events e WHERE e.offer_id = ${qh.p(params.id, "numeric")} AND ${upTo(qh, "e.block_number", query.asOf)}
           ORDER BY e.block_number, e.log_index, e.seq`,
          qh.params,
        );
        const qt = new Sql();
        const [trade] = await ctx.db.query(
          `SELECT * FROM ff_trades t WHERE t.offer_id = ${qt.p(params.id, "numeric")} AND ${upTo(qt, "t.block_number", query.asOf)}`,
          qt.params,
        );
        const qn = new Sql();
        const [notice] = await ctx.db.query(
          `SELECT * FROM ff_notices n WHERE n.offer_id = ${qn.p(params.id, "numeric")} AND ${asOfFilter(qn, "n", query.asOf)}`,
          qn.params,
        );
        return {
          ...toOffer(row),
          quotes: quotes.map(toQuote),
          quoteHistory: history.map(toQuoteEvent),
          trade: trade === undefined ? null : toTrade(trade),
          notice: notice === undefined ? null : toNotice(notice),
        };
      },
    }),
    defineRoute({
      path: "/forfaiting/claims/:asset/:claimId",
      access: row("ff_offers o", { asset: ["asset", "text"], claim_id: ["claimId", "numeric"] }, OFFER_READERS("o")),
      summary: "Trade history of a claim: every sale in the market, and who held it from when to when",
      description:
        "Holders are derived from the market's sales: the first seller held the claim until the first sale, each " +
        "buyer from its purchase until the next sale (`until` null: still the holder as far as the market knows). " +
        "Transfers outside the market are in the claim contract's own history (e.g. /lc-presentations/:id).",
      tags: ["forfaiting"],
      params: z.object({ asset: address, claimId: uint256 }),
      query: z.object({ ...asOfQuery }),
      response: z.object({
        asset: z.string(),
        claimId: z.string(),
        obligor: z.number().int(),
        amount: z.string(),
        maturity: z.number().int(),
        offers: z.array(offerSchema),
        trades: z.array(tradeSchema),
        holders: z.array(
          z.object({
            account: z.string(),
            member: z.number().int(),
            since: source.nullable().describe("The sale it bought the claim in (null: held before its first offer)"),
            until: source.nullable().describe("The sale it sold the claim in (null: holds it)"),
          }),
        ),
      }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const offers = await ctx.db.query(
          `SELECT * FROM ff_offers o WHERE o.asset = ${q.p(params.asset)} AND o.claim_id = ${q.p(params.claimId, "numeric")}
           AND ${asOfFilter(q, "o", query.asOf)} ORDER BY o.offer_id`,
          q.params,
        );
        if (offers.length === 0)
          throw new NotFoundError(`claim ${params.claimId} of ${params.asset} was never offered`);
        const qt = new Sql();
        const trades = (
          await ctx.db.query(
            `SELECT * FROM ff_trades t WHERE t.asset = ${qt.p(params.asset)} AND t.claim_id = ${qt.p(params.claimId, "numeric")}
             AND ${upTo(qt, "t.block_number", query.asOf)} ORDER BY t.block_number, t.log_index`,
            qt.params,
          )
        ).map(toTrade);
        type Holding = { account: string; member: number; since: z.infer<typeof source> | null };
        const holders: (Holding & { until: z.infer<typeof source> | null })[] = [];
        let holding: Holding = trades[0]
          ? { account: trades[0].sellerAccount, member: trades[0].seller, since: null }
          : { account: offers[0].seller_account as string, member: offers[0].seller as number, since: null };
        for (const trade of trades) {
          holders.push({ ...holding, until: trade.source });
          holding = { account: trade.buyerAccount, member: trade.buyer, since: trade.source };
        }
        holders.push({ ...holding, until: null });
        const first = offers[0];
        return {
          asset: params.asset,
          claimId: params.claimId,
          obligor: first.obligor as number,
          amount: first.amount as string,
          maturity: first.maturity as number,
          offers: offers.map(toOffer),
          trades,
          holders,
        };
      },
    }),
    listRoute({
      path: "/forfaiting/quotes",
      access: rows(party("x.bidder_member")),
      summary: "Quotes across offers, filtered by bidder, offer, state and the offer's state (a bank reads its own)",
      description:
        "One row per bidder and offer, as on /forfaiting/offers/{id}. This list answers a member with the quotes it made " +
        "only (regulators and auditors read all); it hides nothing the offer does not show: while an offer is open, " +
        "/forfaiting/offers/{id} gives every member all its quotes — open quotes' prices are public, as in an open " +
        "market, and a sealed quote shows only its commitment until revealed. `offerState=Open` with `bidder` answers " +
        "in one request which open offers a forfaiter has already quoted on.",
      tags: ["forfaiting"],
      from: "ff_quotes x",
      asOf: "versioned",
      filters: {
        bidder: eq("x.bidder_member", memberId.describe("Quotes this member made"), "bigint"),
        offer: eq("x.offer_id", uint256, "numeric"),
        state: eq("x.state", z.enum(QUOTE_STATES)),
        offerState: filter(
          z.enum(OFFER_STATE_VALUES).describe("The offer's current state"),
          (state, q) =>
            `EXISTS (SELECT 1 FROM ff_offers cur WHERE cur.offer_id = x.offer_id AND cur.valid_to_block IS NULL AND cur.state = ${q.p(state)})`,
        ),
      },
      sorts: { offer: [key("x.offer_id", "numeric"), key("x.bidder", "text")] },
      order: "asc",
      item: quoteSchema.extend({ offerId: z.string() }),
      toItem: (r: Row) => ({ offerId: r.offer_id as string, ...toQuote(r) }),
    }),
    listRoute({
      path: "/forfaiting/trades",
      access: rows(party("t.seller", "t.buyer", "t.obligor")),
      summary: "Claim trades, filtered by seller, buyer, obligor, asset and blocks",
      tags: ["forfaiting"],
      from: "ff_trades t",
      blocks: "t.block_number",
      filters: {
        seller: eq("t.seller", memberId, "bigint"),
        buyer: eq("t.buyer", memberId, "bigint"),
        member: anyOf(["t.seller", "t.buyer"], memberId.describe("Trades where this member sold or bought"), "bigint"),
        obligor: eq("t.obligor", memberId, "bigint"),
        asset: eq("t.asset", address),
      },
      sorts: { block: chainOrder("t", false), price: [key("t.price", "numeric"), ...chainOrder("t", false)] },
      order: "desc",
      item: tradeSchema,
      toItem: toTrade,
    }),
    defineRoute({
      path: "/forfaiting/claim-contracts",
      access: membersAccess,
      summary: "Claim contracts governance listed for the market",
      tags: ["forfaiting"],
      query: z.object({ ...asOfQuery }),
      response: z.array(z.object({ asset: z.string(), listed: z.boolean(), source })),
      async handler({ query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const rows = await ctx.db.query(
          `SELECT * FROM ff_claim_contracts c WHERE ${asOfFilter(q, "c", query.asOf)} ORDER BY c.asset`,
          q.params,
        );
        return rows.map((r) => ({ asset: r.asset as string, listed: r.listed as boolean, source: versionSource(r) }));
      },
    }),
  ],
});
