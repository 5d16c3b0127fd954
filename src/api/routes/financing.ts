import { z } from "zod";
import type { Row } from "../../indexer/db.js";
import { party, row, rowCondition, rows, type Visible } from "../access.js";
import { eq, filter, key, listRoute } from "../list.js";
import {
  asOfFilter,
  asOfQuery,
  checkAsOf,
  defineRoute,
  defineRoutes,
  findOne,
  memberId,
  source,
  Sql,
  uint256,
  versionSource,
} from "../route.js";

const REQUEST_STATUSES = ["Open", "Accepted", "Cancelled"] as const;
const QUOTE_STATUSES = ["None", "Committed", "Quoted", "Accepted", "Withdrawn"] as const;

const requestSchema = z.object({
  id: z.string(),
  status: z.enum(REQUEST_STATUSES),
  tokenId: z.string(),
  receivableId: z.string(),
  supplier: z.number().int(),
  holder: z.string(),
  requester: z.string(),
  value: z.string().describe("Value of the certificate offered for financing"),
  maturity: z.number().int(),
  sealed: z.boolean().describe("Quotes are commitments revealed after the quote deadline"),
  quoteDeadline: z.number().int(),
  revealDeadline: z.number().int().describe("0 when quotes are in the clear"),
  bankCount: z.number().int(),
  acceptance: z
    .object({
      bank: z.number().int(),
      bankAccount: z.string(),
      newTokenId: z.string(),
      daysToMaturity: z.number().int(),
      interest: z.string(),
      fee: z.string(),
      price: z.string().describe("value - interest - fee, paid to the holder in deposit tokens"),
    })
    .nullable(),
  cancelledBy: z.string().nullable(),
  source,
});
const quoteSchema = z.object({
  bank: z.number().int(),
  status: z.enum(QUOTE_STATUSES),
  account: z.string().nullable(),
  commitment: z.string().nullable().describe("Sealed quotes: the commitment (terms unknown until revealed)"),
  rateBps: z.number().int().nullable().describe("Annual rate in basis points"),
  dayCount: z.enum(["ACT/360", "ACT/365"]).nullable(),
  fee: z.string().nullable(),
  validUntil: z.number().int().nullable(),
  source,
});

const toRequest = (r: Row) => ({
  id: r.request_id as string,
  status: r.status as (typeof REQUEST_STATUSES)[number],
  tokenId: r.token_id as string,
  receivableId: r.receivable_id as string,
  supplier: Number(r.supplier),
  holder: r.holder as string,
  requester: r.requester as string,
  value: r.value as string,
  maturity: Number(r.maturity),
  sealed: r.sealed as boolean,
  quoteDeadline: Number(r.quote_deadline),
  revealDeadline: Number(r.reveal_deadline),
  bankCount: Number(r.bank_count),
  acceptance:
    r.status === "Accepted"
      ? {
          bank: Number(r.accepted_bank),
          bankAccount: r.bank_account as string,
          newTokenId: r.new_token_id as string,
          daysToMaturity: Number(r.days_to_maturity),
          interest: r.interest as string,
          fee: r.fee as string,
          price: r.price as string,
        }
      : null,
  cancelledBy: (r.cancelled_by as string | null) ?? null,
  source: versionSource(r),
});
const toQuote = (r: Row) => ({
  bank: Number(r.bank),
  status: r.status as (typeof QUOTE_STATUSES)[number],
  account: (r.account as string | null) ?? null,
  commitment: (r.commitment as string | null) ?? null,
  rateBps: r.rate_bps === null ? null : Number(r.rate_bps),
  dayCount: (r.day_count as "ACT/360" | "ACT/365" | null) ?? null,
  fee: (r.fee as string | null) ?? null,
  validUntil: r.valid_until === null ? null : Number(r.valid_until),
  source: versionSource(r),
});

/** A request: its supplier and every bank it asked. */
export const REQUEST_READERS =
  (alias: string): Visible =>
  (q, member) =>
    `(${party(`${alias}.supplier`)(q, member)} OR EXISTS (SELECT 1 FROM financing_request_banks fb WHERE fb.request_id = ${alias}.request_id AND ${party("fb.bank")(q, member)}))`;

/** A quote: its bank, and the supplier that chooses among the quotes (never another bank). */
export const QUOTE_READERS =
  (alias: string): Visible =>
  (q, member) =>
    `(${party(`${alias}.bank`)(q, member)} OR EXISTS (SELECT 1 FROM financing_requests fr WHERE fr.request_id = ${alias}.request_id AND ${party("fr.supplier")(q, member)}))`;

export default defineRoutes({
  name: "financing",
  routes: [
    listRoute({
      path: "/financing-requests",
      access: rows(REQUEST_READERS("r")),
      summary: "Multi-bank financing requests (the caller's as supplier or as an asked bank)",
      tags: ["receivables"],
      from: "financing_requests r",
      asOf: "versioned",
      filters: {
        status: eq("r.status", z.enum(REQUEST_STATUSES)),
        supplier: eq("r.supplier", memberId, "bigint"),
        tokenId: eq("r.token_id", uint256, "numeric"),
        bank: filter(
          memberId.describe("A bank asked to quote"),
          (bank, q) =>
            `EXISTS (SELECT 1 FROM financing_request_banks fb2 WHERE fb2.request_id = r.request_id AND fb2.bank = ${q.p(bank, "bigint")})`,
        ),
      },
      sorts: { id: [key("r.request_id", "numeric")] },
      order: "desc",
      item: requestSchema,
      toItem: toRequest,
    }),
    defineRoute({
      path: "/financing-requests/:id",
      access: row("financing_requests r", { request_id: ["id", "numeric"] }, REQUEST_READERS("r")),
      summary: "A financing request with the banks asked and the quotes the caller may read",
      description:
        "The supplier reads every quote (to choose one); an asked bank reads its own quote only; the regulator and " +
        "auditors read all. Sealed quotes show their commitment until revealed.",
      tags: ["receivables"],
      params: z.object({ id: uint256 }),
      query: z.object({ ...asOfQuery }),
      response: requestSchema.extend({ banks: z.array(z.number().int()), quotes: z.array(quoteSchema) }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const found = await findOne(
          ctx.db,
          { from: "financing_requests r", key: { request_id: [params.id, "numeric"] }, asOf: query.asOf },
          `financing request ${params.id} not found`,
        );
        const qb = new Sql();
        const banks = await ctx.db.query(
          `SELECT b.bank FROM financing_request_banks b WHERE b.request_id = ${qb.p(params.id, "numeric")} AND ${asOfFilter(qb, "b", query.asOf)} ORDER BY b.bank`,
          qb.params,
        );
        const qq = new Sql();
        const visible = rowCondition(rows(QUOTE_READERS("x")), ctx.viewer, qq);
        const quotes = await ctx.db.query(
          `SELECT * FROM financing_quotes x WHERE x.request_id = ${qq.p(params.id, "numeric")} AND ${asOfFilter(qq, "x", query.asOf)}${visible === undefined ? "" : ` AND ${visible}`} ORDER BY x.bank`,
          qq.params,
        );
        return { ...toRequest(found), banks: banks.map((b) => Number(b.bank)), quotes: quotes.map(toQuote) };
      },
    }),
  ],
});
