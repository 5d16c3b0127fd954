import { z } from "zod";
import type { Row } from "../../indexer/db.js";
import { NOTICE_STATUSES, OFFER_STATES, QUOTE_ACTIONS, QUOTE_STATES } from "../../indexer/projections/forfaiting.js";
import {
  address,
  appendSource,
  asOfFilter,
  asOfQuery,
  blockRangeQuery,
  checkAsOf,
  defineRoute,
  defineRoutes,
  id32,
  listPage,
  NotFoundError,
  order,
  page,
  pageQuery,
  source,
  Sql,
  uintString,
  upTo,
  versionSource,
} from "../route.js";

const OFFER_STATE_VALUES = OFFER_STATES.filter((s) => s !== "None") as [string, ...string[]];
const unixSeconds = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

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
  announced: { block: r.announced_block as number, tx: r.announced_tx as string, logIndex: 0 },
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

// ------------------------------------------------------------------------------------------------- routes

const offerSorts = {
  id: [{ sql: "o.offer_id", field: "offer_id", type: "numeric" }],
  maturity: [
    { sql: "o.maturity", field: "maturity", type: "bigint" },
    { sql: "o.offer_id", field: "offer_id", type: "numeric" },
  ],
  amount: [
    { sql: "o.amount", field: "amount", type: "numeric" },
    { sql: "o.offer_id", field: "offer_id", type: "numeric" },
  ],
  quoteDeadline: [
    { sql: "o.quote_deadline", field: "quote_deadline", type: "bigint" },
    { sql: "o.offer_id", field: "offer_id", type: "numeric" },
  ],
} as const;

const position = [
  { sql: "t.block_number", field: "block_number", type: "bigint" },
  { sql: "t.log_index", field: "log_index", type: "integer" },
] as const;

export default defineRoutes({
  name: "forfaiting",
  routes: [
    defineRoute({
      path: "/forfaiting/offers",
      summary: "Forfaiting offers, filtered by state (default Open), obligor, seller, claim and maturity range",
      tags: ["forfaiting"],
      query: z.object({
        state: z
          .enum([...OFFER_STATE_VALUES, "any"] as [string, ...string[]])
          .default("Open")
          .describe("Offer state, or any"),
        obligor: id32.optional(),
        seller: id32.optional(),
        asset: address.optional(),
        claimId: uintString.optional(),
        maturityFrom: unixSeconds.optional().describe("Maturity at or after (unix seconds)"),
        maturityTo: unixSeconds.optional().describe("Maturity at or before (unix seconds)"),
        sort: z.enum(["id", "maturity", "amount", "quoteDeadline"]).default("id"),
        order,
        ...asOfQuery,
        ...pageQuery,
      }),
      response: page(offerSchema),
      async handler({ query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const where = [asOfFilter(q, "o", query.asOf)];
        if (query.state !== "any") where.push(`o.state = ${q.p(query.state)}`);
        if (query.obligor !== undefined) where.push(`o.obligor = ${q.p(query.obligor, "bigint")}`);
        if (query.seller !== undefined) where.push(`o.seller = ${q.p(query.seller, "bigint")}`);
        if (query.asset !== undefined) where.push(`o.asset = ${q.p(query.asset)}`);
        if (query.claimId !== undefined) where.push(`o.claim_id = ${q.p(query.claimId, "numeric")}`);
        if (query.maturityFrom !== undefined) where.push(`o.maturity >= ${q.p(query.maturityFrom, "bigint")}`);
        if (query.maturityTo !== undefined) where.push(`o.maturity <= ${q.p(query.maturityTo, "bigint")}`);
        return listPage(
          ctx.db,
          {
            select: "SELECT o.* FROM ff_offers o",
            where,
            q,
            sort: offerSorts[query.sort],
          },
          query,
          toOffer,
        );
      },
    }),
    defineRoute({
      path: "/forfaiting/offers/:id",
      summary: "One offer with its quotes, quote history, trade and transfer notice",
      tags: ["forfaiting"],
      params: z.object({ id: uintString }),
      query: z.object({ ...asOfQuery }),
      response: offerSchema.extend({
        quotes: z.array(quoteSchema),
        quoteHistory: z.array(quoteEventSchema),
        trade: tradeSchema.nullable(),
        notice: noticeSchema.nullable(),
      }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const [row] = await ctx.db.query(
          `SELECT * FROM ff_offers o WHERE o.offer_id = ${q.p(params.id, "numeric")} AND ${asOfFilter(q, "o", query.asOf)}`,
          q.params,
        );
        if (row === undefined) throw new NotFoundError(`offer ${params.id} not found`);
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
      summary: "Trade history of a claim: every sale in the market, and who held it from when to when",
      description:
        "Holders are derived from the market's sales: the first seller held the claim until the first sale, each " +
        "buyer from its purchase until the next sale (`until` null: still the holder as far as the market knows). " +
        "Transfers outside the market are in the claim contract's own history (e.g. /lc-presentations/:id).",
      tags: ["forfaiting"],
      params: z.object({ asset: address, claimId: uintString }),
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
    defineRoute({
      path: "/forfaiting/trades",
      summary: "Claim trades, filtered by seller, buyer, obligor, asset and blocks",
      tags: ["forfaiting"],
      query: z.object({
        seller: id32.optional(),
        buyer: id32.optional(),
        member: id32.optional().describe("Trades where this member sold or bought"),
        obligor: id32.optional(),
        asset: address.optional(),
        sort: z.enum(["block", "price"]).default("block"),
        order: z.enum(["asc", "desc"]).default("desc"),
        ...blockRangeQuery,
        ...pageQuery,
      }),
      response: page(tradeSchema),
      async handler({ query }, ctx) {
        const q = new Sql();
        const where: string[] = [];
        for (const field of ["seller", "buyer", "obligor"] as const) {
          if (query[field] !== undefined) where.push(`t.${field} = ${q.p(query[field], "bigint")}`);
        }
        if (query.member !== undefined) {
          const m = q.p(query.member, "bigint");
          where.push(`(t.seller = ${m} OR t.buyer = ${m})`);
        }
        if (query.asset !== undefined) where.push(`t.asset = ${q.p(query.asset)}`);
        if (query.fromBlock !== undefined) where.push(`t.block_number >= ${q.p(query.fromBlock, "bigint")}`);
        if (query.toBlock !== undefined) where.push(`t.block_number <= ${q.p(query.toBlock, "bigint")}`);
        return listPage(
          ctx.db,
          {
            select: "SELECT t.* FROM ff_trades t",
            where,
            q,
            sort:
              query.sort === "price" ? [{ sql: "t.price", field: "price", type: "numeric" }, ...position] : position,
          },
          query,
          toTrade,
        );
      },
    }),
    defineRoute({
      path: "/forfaiting/claim-contracts",
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
