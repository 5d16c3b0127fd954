import { ForfaitingMarket__factory } from "@consortia/sdk/typechain/factories/forfaiting/ForfaitingMarket__factory.js";
import { OFFER_STATES } from "../projections/forfaiting.js";
import { asOf, counted, deployed, enumName, reader, rowByRow, type Check } from "./check.js";

/** The contract's quote states; the projection shows a sealed quote not yet revealed (None) as Committed. */
const CHAIN_QUOTE_STATES = ["Committed", "Active", "Withdrawn", "Accepted"] as const;

interface Offer {
  seller: string;
  sellerMember: number;
  obligor: number;
  state: number;
  asset: string;
  quoteDeadline: bigint;
  revealPeriod: number;
  claimId: bigint;
  amount: bigint;
  maturity: bigint;
}

export const FORFAITING_CHECKS: readonly Check[] = [
  {
    name: "forfaiting offers and notices",
    tables: ["ff_offers", "ff_notices", "ff_claim_contracts"],
    async run(ctx) {
      if (!deployed(ctx, "ForfaitingMarket")) return [];
      const call = reader(ctx, "ForfaitingMarket", ForfaitingMarket__factory.abi);
      const offers = await asOf(
        ctx,
        "t.offer_id, t.state, t.asset, t.claim_id, t.seller, t.seller_account, t.obligor, t.amount, t.maturity, t.quote_deadline, t.reveal_period, t.notice_hash",
        "ff_offers",
      );
      const notices = await asOf(ctx, "t.offer_id, t.notice_hash, t.status", "ff_notices");
      const offerStates = new Map(offers.map((o) => [String(o.offer_id), String(o.state)]));
      return [
        await counted("offerCount", offers, call("offerCount")),
        ...(await rowByRow<Offer>(
          offers,
          (o) => call("offer", [o.offer_id]),
          (o) => `offer ${String(o.offer_id)}`,
          (o, c) => [
            ["state", o.state, enumName(OFFER_STATES, c.state)],
            ["seller", o.seller_account, c.seller],
            ["sellerMember", o.seller, c.sellerMember],
            ["obligor", o.obligor, c.obligor],
            ["asset", o.asset, c.asset],
            ["claimId", o.claim_id, c.claimId],
            ["amount", o.amount, c.amount],
            ["maturity", o.maturity, c.maturity],
            ["quoteDeadline", o.quote_deadline, c.quoteDeadline],
            ["revealPeriod", o.reveal_period, c.revealPeriod],
          ],
        )),
        ...(await rowByRow<string>(
          offers,
          (o) => call("noticeOf", [o.offer_id]),
          (o) => `noticeOf(${String(o.offer_id)})`,
          (o, c) => [["", o.notice_hash, c]],
        )),
        ...(await rowByRow<string>(
          notices,
          (n) => call("noticeOf", [n.offer_id]),
          (n) => `notice ${String(n.offer_id)}`,
          (n, c) => [
            ["hash", n.notice_hash, c],
            // Acknowledged is the offer's NoticeAcknowledged state on chain.
            [
              "status",
              n.status,
              offerStates.get(String(n.offer_id)) === "NoticeAcknowledged" ? "Acknowledged" : "Pending",
            ],
          ],
        )),
        ...(await rowByRow<boolean>(
          await asOf(ctx, "t.asset, t.listed", "ff_claim_contracts"),
          (a) => call("isClaimContract", [a.asset]),
          (a) => `isClaimContract(${String(a.asset)})`,
          (a, c) => [["", a.listed, c]],
        )),
      ];
    },
  },
  {
    name: "forfaiting quotes",
    tables: ["ff_quotes"],
    async run(ctx) {
      if (!deployed(ctx, "ForfaitingMarket")) return [];
      const call = reader(ctx, "ForfaitingMarket", ForfaitingMarket__factory.abi);
      const quotes = await asOf(
        ctx,
        "t.offer_id, t.bidder, t.bidder_member, t.price, t.state, t.commitment",
        "ff_quotes",
      );
      const commitments = await Promise.all(quotes.map((q) => call("commitmentOf", [q.offer_id, q.bidder])));
      return rowByRow<{ price: bigint; bidderMember: number; state: number }>(
        quotes,
        (q) => call("quoteOf", [q.offer_id, q.bidder]),
        (q) => `quote ${String(q.offer_id)} ${String(q.bidder)}`,
        (q, c) => {
          const i = quotes.indexOf(q);
          return [
            ["state", q.state, enumName(CHAIN_QUOTE_STATES, c.state)],
            ["price", q.price, c.price],
            ["bidderMember", q.bidder_member, c.bidderMember],
            ...(q.state === "Committed"
              ? ([["commitment", q.commitment, commitments[i]]] as [string, unknown, unknown][])
              : []),
          ];
        },
      );
    },
  },
  {
    name: "forfaiting offers' backing subjects",
    tables: ["ff_offer_backing"],
    async run(ctx) {
      if (!deployed(ctx, "ForfaitingMarket")) return [];
      const call = reader(ctx, "ForfaitingMarket", ForfaitingMarket__factory.abi);
      return rowByRow<string>(
        await asOf(ctx, "t.offer_id, t.subject_key", "ff_offer_backing"),
        (b) => call("backingSubjectOf", [b.offer_id]),
        (b) => `backingSubjectOf(${String(b.offer_id)})`,
        (b, c) => [["", b.subject_key, c]],
      );
    },
  },
];

export const FORFAITING_GAPS: Readonly<Record<string, string>> = {
  ff_purchase_backing:
    "what a purchase was checked against (the buyer's policy in force then): PurchaseBacking events only, no view",
  ff_quote_events: "quote history: ForfaitingMarket keeps each bidder's current quote only",
  ff_trades:
    "trade records: the offer view has the state (Traded) but not the buyer, price, deed or reference (events only)",
  "ff_offers.asking_*/documents/buyer*/price/deed_hash/payment_reference/withdrawn_by":
    "the offer view has no asking terms, documents or trade terms (events only)",
  "ff_quotes.commitment (revealed)": "commitmentOf is cleared when a sealed quote is revealed",
};
