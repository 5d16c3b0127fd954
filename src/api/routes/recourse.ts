import { z } from "zod";
import type { Row } from "../../indexer/db.js";
import { party, row, rowCondition, rows, type Visible } from "../access.js";
import { eq, key, listRoute } from "../list.js";
import {
  asOfFilter,
  asOfQuery,
  booleanParam,
  checkAsOf,
  defineRoute,
  defineRoutes,
  findOne,
  memberId,
  NotFoundError,
  source,
  Sql,
  timeFields,
  uint256,
  versionSource,
} from "../route.js";

const OFFER_STATUSES = ["Pending", "Accepted", "Cancelled", "Expired"] as const;
const CLAIM_STATUSES = ["Exercised", "Honoured", "Discharged"] as const;
/** The most sales the chain route walks down the lineage (the contract's `recourseChain` takes a `max` too). */
export const MAX_CHAIN = 100;

const when = z.object({
  time: z.number().int().nullable().describe("Unix seconds of the block (null when the block time is unknown)"),
  date: z.string().nullable(),
});

const offerSchema = z.object({
  id: z.string(),
  status: z.enum(OFFER_STATUSES),
  tokenId: z.string(),
  financier: z.number().int().describe("The bank offered the certificate"),
  holder: z.string(),
  holderMember: z.number().int(),
  value: z.string(),
  price: z.string(),
  withRecourse: z.boolean().describe("The holder answers for the obligor's default"),
  deadline: z.number().int(),
  saleId: z.string().nullable().describe("The sale it became (Accepted)"),
  offered: when,
  closed: when.nullable(),
  source,
});
const saleSchema = z.object({
  id: z.string(),
  offerId: z.string(),
  tokenId: z.string().describe("The certificate the buyer received (the offered one, or a split of it)"),
  receivableId: z.string(),
  prior: z
    .string()
    .nullable()
    .describe("The sale by which the seller held what it sold (null: none, no recourse below)"),
  seller: z.string(),
  sellerMember: z.number().int(),
  buyer: z.string(),
  buyerMember: z.number().int(),
  withRecourse: z.boolean(),
  value: z.string(),
  price: z.string(),
  claimedValue: z.string().describe("Unpaid value claimed on the sale so far"),
  sold: when,
  source,
});
const claimSchema = z.object({
  id: z.string(),
  status: z.enum(CLAIM_STATUSES),
  saleId: z.string(),
  tokenId: z.string(),
  receivableId: z.string(),
  holder: z.string(),
  holderMember: z.number().int(),
  sellerMember: z.number().int().describe("The seller of the sale, who owes the value"),
  value: z.string(),
  honour: z
    .object({
      payer: z.string(),
      payerMember: z.number().int(),
      prior: z
        .string()
        .nullable()
        .describe("The sale the payer now holds the certificate by (null: no recourse further)"),
    })
    .nullable(),
  discharge: z
    .object({
      by: z.string().describe("The member's account that closed the claim"),
      paid: z.boolean().describe("The certificate was paid (redeemed or paid off chain) after the claim"),
      receivableStatus: z.string().describe("The receivable's status then (Funded, Settled; Overdue: only it paid)"),
    })
    .nullable()
    .describe("A claim the obligor's side paid since: the seller owes nothing (null unless Discharged)"),
  exercised: when,
  honoured: when.nullable(),
  discharged: when.nullable(),
  source,
});

const num = (v: unknown): number => Number(v);
const at = (v: unknown) => timeFields(v === null || v === undefined ? null : Number(v));
const priorOf = (v: unknown): string | null => (v === null || v === undefined || String(v) === "0" ? null : String(v));

const toOffer = (r: Row) => ({
  id: String(r.offer_id),
  status: r.status as (typeof OFFER_STATUSES)[number],
  tokenId: String(r.token_id),
  financier: num(r.financier),
  holder: r.holder as string,
  holderMember: num(r.holder_member),
  value: String(r.value),
  price: String(r.price),
  withRecourse: r.with_recourse as boolean,
  deadline: num(r.deadline),
  saleId: r.sale_id === null ? null : String(r.sale_id),
  offered: at(r.offered_at),
  closed: r.status === "Pending" ? null : at(r.closed_at),
  source: versionSource(r),
});
const toSale = (r: Row) => ({
  id: String(r.sale_id),
  offerId: String(r.offer_id),
  tokenId: String(r.token_id),
  receivableId: String(r.receivable_id),
  prior: priorOf(r.prior),
  seller: r.seller as string,
  sellerMember: num(r.seller_member),
  buyer: r.buyer as string,
  buyerMember: num(r.buyer_member),
  withRecourse: r.with_recourse as boolean,
  value: String(r.value),
  price: String(r.price),
  claimedValue: String(r.claimed_value),
  sold: at(r.sold_at),
  source: versionSource(r),
});
const toClaim = (r: Row) => ({
  id: String(r.claim_id),
  status: r.status as (typeof CLAIM_STATUSES)[number],
  saleId: String(r.sale_id),
  tokenId: String(r.token_id),
  receivableId: String(r.receivable_id),
  holder: r.holder as string,
  holderMember: num(r.holder_member),
  sellerMember: num(r.seller_member),
  value: String(r.value),
  honour:
    r.status === "Honoured"
      ? { payer: r.payer as string, payerMember: num(r.payer_member), prior: priorOf(r.payer_prior) }
      : null,
  discharge:
    r.status === "Discharged"
      ? {
          by: r.discharged_by as string,
          paid: r.discharge_paid as boolean,
          receivableStatus: r.discharge_receivable_status as string,
        }
      : null,
  exercised: at(r.exercised_at),
  honoured: r.status === "Honoured" ? at(r.honoured_at) : null,
  discharged: r.status === "Discharged" ? at(r.discharged_at) : null,
  source: versionSource(r),
});

/** An offer: its holder and the bank offered it (regulator and auditors: all). */
export const OFFER_READERS = (alias: string): Visible => party(`${alias}.holder_member`, `${alias}.financier`);
/** A sale: its seller and its buyer. */
export const SALE_READERS = (alias: string): Visible => party(`${alias}.seller_member`, `${alias}.buyer_member`);
/** A claim: its holder (the claimant) and the seller it claims from. */
export const CLAIM_READERS = (alias: string): Visible => party(`${alias}.holder_member`, `${alias}.seller_member`);

export default defineRoutes({
  name: "recourse",
  routes: [
    listRoute({
      path: "/recourse/offers",
      access: rows(OFFER_READERS("o")),
      summary: "Offers of certificates to a bank with or without recourse (the caller's as holder or as the bank)",
      tags: ["receivables"],
      from: "recourse_offers o",
      asOf: "versioned",
      filters: {
        status: eq("o.status", z.enum(OFFER_STATUSES)),
        certificate: eq("o.token_id", uint256.describe("The certificate offered"), "numeric"),
        holder: eq("o.holder_member", memberId, "bigint"),
        financier: eq("o.financier", memberId, "bigint"),
      },
      sorts: { id: [key("o.offer_id", "numeric")] },
      order: "desc",
      item: offerSchema,
      toItem: toOffer,
    }),
    defineRoute({
      path: "/recourse/offers/:id",
      access: row("recourse_offers o", { offer_id: ["id", "numeric"] }, OFFER_READERS("o")),
      summary: "A recourse offer",
      tags: ["receivables"],
      params: z.object({ id: uint256 }),
      query: z.object({ ...asOfQuery }),
      response: offerSchema,
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        return toOffer(
          await findOne(
            ctx.db,
            { from: "recourse_offers o", key: { offer_id: [params.id, "numeric"] }, asOf: query.asOf },
            `recourse offer ${params.id} not found`,
          ),
        );
      },
    }),
    listRoute({
      path: "/recourse/sales",
      access: rows(SALE_READERS("s")),
      summary:
        "Sales of certificates recorded at acceptance, with or without recourse (the caller's as seller or buyer)",
      tags: ["receivables"],
      from: "recourse_sales s",
      asOf: "versioned",
      filters: {
        certificate: eq("s.token_id", uint256.describe("The certificate the buyer received"), "numeric"),
        receivable: eq("s.receivable_id", uint256, "numeric"),
        seller: eq("s.seller_member", memberId, "bigint"),
        buyer: eq("s.buyer_member", memberId, "bigint"),
        withRecourse: eq("s.with_recourse", booleanParam.describe("Sold with recourse (true) or without"), "boolean"),
      },
      sorts: { id: [key("s.sale_id", "numeric")] },
      order: "desc",
      item: saleSchema,
      toItem: toSale,
    }),
    defineRoute({
      path: "/recourse/sales/:id",
      access: row("recourse_sales s", { sale_id: ["id", "numeric"] }, SALE_READERS("s")),
      summary: "A recourse sale with the claims exercised on it",
      tags: ["receivables"],
      params: z.object({ id: uint256 }),
      query: z.object({ ...asOfQuery }),
      response: saleSchema.extend({ claims: z.array(claimSchema) }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const sale = await findOne(
          ctx.db,
          { from: "recourse_sales s", key: { sale_id: [params.id, "numeric"] }, asOf: query.asOf },
          `recourse sale ${params.id} not found`,
        );
        const q = new Sql();
        const visible = rowCondition(rows(CLAIM_READERS("c")), ctx.viewer, q);
        const claims = await ctx.db.query(
          `SELECT * FROM recourse_claims c WHERE c.sale_id = ${q.p(params.id, "numeric")} AND ${asOfFilter(q, "c", query.asOf)}${visible === undefined ? "" : ` AND ${visible}`} ORDER BY c.claim_id`,
          q.params,
        );
        return { ...toSale(sale), claims: claims.map(toClaim) };
      },
    }),
    defineRoute({
      path: "/recourse/sales/:id/chain",
      access: row("recourse_sales s", { sale_id: ["id", "numeric"] }, SALE_READERS("s")),
      summary: "The chain of recourse from a sale down the lineage to the first seller",
      description:
        "The sale, then the sale by which its seller held what it sold (`prior`), and so on down to the first sale " +
        `(at most ${MAX_CHAIN}). A sale without recourse ends the recourse: \`recourseEndsAt\` names the first such ` +
        "sale. A member reads the sales it is a party of: the chain stops above the first sale it may not read " +
        "(`more` is then true); the regulator and auditors read it whole.",
      tags: ["receivables"],
      params: z.object({ id: uint256 }),
      query: z.object({ ...asOfQuery }),
      response: z.object({
        sales: z.array(saleSchema),
        recourseEndsAt: z
          .string()
          .nullable()
          .describe("The first sale of the chain made without recourse (null: every sale listed is with recourse)"),
        more: z.boolean().describe("The lineage goes on below the last sale listed (not readable, or past the limit)"),
      }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const sales: Row[] = [];
        let next: string | null = params.id.toString();
        let more = false;
        while (next !== null) {
          if (sales.length === MAX_CHAIN) {
            more = true;
            break;
          }
          const q = new Sql();
          const visible = rowCondition(rows(SALE_READERS("s")), ctx.viewer, q);
          const [found] = await ctx.db.query(
            `SELECT * FROM recourse_sales s WHERE s.sale_id = ${q.p(next, "numeric")} AND ${asOfFilter(q, "s", query.asOf)}${visible === undefined ? "" : ` AND ${visible}`} LIMIT 1`,
            q.params,
          );
          if (found === undefined) {
            // The first sale passed the route's access check: a sale below it that the caller may not read (the first
            // one missing as of an earlier block is a 404).
            if (sales.length === 0) throw new NotFoundError(`recourse sale ${params.id} not found`);
            more = true;
            break;
          }
          sales.push(found);
          next = priorOf(found.prior);
        }
        const items = sales.map(toSale);
        return { sales: items, recourseEndsAt: items.find((s) => !s.withRecourse)?.id ?? null, more };
      },
    }),
    listRoute({
      path: "/recourse/claims",
      access: rows(CLAIM_READERS("c")),
      summary:
        "Recourse claims: exercised by a holder on its seller, then honoured, or discharged once the obligor's side " +
        "paid (the caller's as claimant or seller)",
      tags: ["receivables"],
      from: "recourse_claims c",
      asOf: "versioned",
      filters: {
        status: eq("c.status", z.enum(CLAIM_STATUSES)),
        sale: eq("c.sale_id", uint256, "numeric"),
        certificate: eq("c.token_id", uint256, "numeric"),
        holder: eq("c.holder_member", memberId, "bigint"),
        seller: eq("c.seller_member", memberId, "bigint"),
      },
      sorts: { id: [key("c.claim_id", "numeric")] },
      order: "desc",
      item: claimSchema,
      toItem: toClaim,
    }),
    defineRoute({
      path: "/recourse/claims/:id",
      access: row("recourse_claims c", { claim_id: ["id", "numeric"] }, CLAIM_READERS("c")),
      summary: "A recourse claim",
      tags: ["receivables"],
      params: z.object({ id: uint256 }),
      query: z.object({ ...asOfQuery }),
      response: claimSchema,
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        return toClaim(
          await findOne(
            ctx.db,
            { from: "recourse_claims c", key: { claim_id: [params.id, "numeric"] }, asOf: query.asOf },
            `recourse claim ${params.id} not found`,
          ),
        );
      },
    }),
  ],
});
