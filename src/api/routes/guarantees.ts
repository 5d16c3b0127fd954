import { z } from "zod";
import type { Queryable, Row } from "../../indexer/db.js";
import {
  AMENDMENT_STATES,
  CLAIM_STATES,
  GUARANTEE_KINDS,
  GUARANTEE_STATES,
} from "../../indexer/projections/guarantees.js";
import {
  appendSource,
  asOfFilter,
  asOfQuery,
  bytes32,
  checkAsOf,
  defineRoute,
  defineRoutes,
  fetchPage,
  id32,
  listPage,
  NotFoundError,
  page,
  pageQuery,
  source,
  Sql,
  uintString,
  versionSource,
} from "../route.js";

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** `at`: the moment (unix seconds) time-dependent values are computed for; the server's clock by default. */
const atQuery = {
  at: z.coerce
    .number()
    .int()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .describe("Unix seconds for the reduction schedule, availability and expiry (default: the server's clock)"),
};
const nowSeconds = () => Math.floor(Date.now() / 1000);

// ------------------------------------------------------------------------------------------------- schemas

const stepSchema = z.object({ date: z.number().int(), amount: z.string() });
const guaranteeSchema = z.object({
  id: z.string(),
  referenceId: z.string().nullable(),
  kind: z.enum(GUARANTEE_KINDS),
  state: z.enum(GUARANTEE_STATES),
  applicant: z.number().int(),
  guarantor: z.number().int(),
  beneficiary: z.number().int(),
  accounts: z.object({ applicant: z.string(), guarantor: z.string(), beneficiary: z.string() }),
  currency: z.string(),
  amount: z.string().describe("Amount before the reduction schedule (after accepted amendments)"),
  paid: z.string(),
  expiry: z.number().int(),
  examinationPeriod: z.number().int(),
  termsHash: z.string(),
  tenderReference: z.string(),
  schedule: z.array(stepSchema),
  claimCount: z.number().int(),
  amendmentCount: z.number().int(),
  at: z.number().int().describe("The moment the next three fields are computed for"),
  amountAt: z.string().describe("Amount lowered by the reduction steps reached at `at`"),
  available: z.string().describe("What a demand may ask for at `at` (0 unless Issued or Claimed)"),
  inForce: z.boolean().describe("Issued or Claimed, not expired at `at`, something available"),
  applied: source,
  source,
});
const amendmentSchema = z.object({
  number: z.number().int(),
  amount: z.string(),
  expiry: z.number().int(),
  amendmentHash: z.string(),
  state: z.enum(AMENDMENT_STATES),
  proposedBy: z.string(),
  answeredBy: z.string().nullable(),
  proposed: source,
  source,
});
const claimSchema = z.object({
  guaranteeId: z.string(),
  index: z.number().int(),
  beneficiary: z.number().int(),
  payee: z.string(),
  amount: z.string(),
  demandHash: z.string(),
  documents: z.array(z.object({ contentHash: z.string(), uriHash: z.string(), kind: z.number().int() })),
  extendOrPay: z.boolean(),
  extendTo: z.number().int().nullable(),
  examinationDeadline: z.number().int(),
  state: z.enum(CLAIM_STATES),
  paidTotal: z.string().nullable(),
  availableAfter: z.string().nullable(),
  offChainReference: z.string().nullable(),
  reasonHash: z.string().nullable(),
  newExpiry: z.number().int().nullable(),
  answeredBy: z.string().nullable(),
  presented: source,
  source,
});
const timelineSchema = z.object({
  event: z.string(),
  account: z.string().nullable(),
  claimIndex: z.number().int().nullable(),
  amendmentNumber: z.number().int().nullable(),
  details: z.record(z.string(), z.unknown()),
  source,
});

// ------------------------------------------------------------------------------------------------- mapping

/** The guarantee amount at `at`: as `BankGuarantees._amountAt` (steps in date order, the lowest reached applies). */
export function amountAt(amount: bigint, schedule: readonly { date: number | string; amount: string }[], at: number) {
  let result = amount;
  for (const step of schedule) {
    if (BigInt(step.date) > BigInt(at)) break;
    if (BigInt(step.amount) < result) result = BigInt(step.amount);
  }
  return result;
}

function toGuarantee(r: Row, at: number) {
  const schedule = (r.schedule as { date: string; amount: string }[]).map((s) => ({
    date: Number(s.date),
    amount: String(s.amount),
  }));
  const reduced = amountAt(BigInt(r.amount as string), schedule, at);
  const paid = BigInt(r.paid as string);
  const state = r.state as (typeof GUARANTEE_STATES)[number];
  const open = state === "Issued" || state === "Claimed";
  const available = open && reduced > paid ? reduced - paid : 0n;
  const expiry = Number(r.expiry);
  return {
    id: r.guarantee_id as string,
    referenceId: (r.reference_id as string | null) ?? null,
    kind: r.kind as (typeof GUARANTEE_KINDS)[number],
    state,
    applicant: r.applicant as number,
    guarantor: r.guarantor as number,
    beneficiary: r.beneficiary as number,
    accounts: {
      applicant: r.applicant_account as string,
      guarantor: r.guarantor_account as string,
      beneficiary: r.beneficiary_account as string,
    },
    currency: r.currency as string,
    amount: r.amount as string,
    paid: r.paid as string,
    expiry,
    examinationPeriod: r.examination_period as number,
    termsHash: r.terms_hash as string,
    tenderReference: r.tender_reference as string,
    schedule,
    claimCount: r.claim_count as number,
    amendmentCount: r.amendment_count as number,
    at,
    amountAt: reduced.toString(),
    available: available.toString(),
    inForce: open && at <= expiry && available !== 0n,
    applied: { block: r.applied_block as number, tx: r.applied_tx as string, logIndex: 0 },
    source: versionSource(r),
  };
}

const toAmendment = (r: Row) => ({
  number: r.number as number,
  amount: r.amount as string,
  expiry: Number(r.expiry),
  amendmentHash: r.amendment_hash as string,
  state: r.state as (typeof AMENDMENT_STATES)[number],
  proposedBy: r.proposed_by as string,
  answeredBy: (r.answered_by as string | null) ?? null,
  proposed: { block: r.proposed_block as number, tx: r.proposed_tx as string, logIndex: 0 },
  source: versionSource(r),
});

const toClaim = (r: Row) => ({
  guaranteeId: r.guarantee_id as string,
  index: r.claim_index as number,
  beneficiary: r.beneficiary as number,
  payee: r.payee as string,
  amount: r.amount as string,
  demandHash: r.demand_hash as string,
  documents: r.documents as { contentHash: string; uriHash: string; kind: number }[],
  extendOrPay: r.extend_to !== null,
  extendTo: num(r.extend_to),
  examinationDeadline: Number(r.examination_deadline),
  state: r.state as (typeof CLAIM_STATES)[number],
  paidTotal: (r.paid_total as string | null) ?? null,
  availableAfter: (r.available_after as string | null) ?? null,
  offChainReference: (r.off_chain_reference as string | null) ?? null,
  reasonHash: (r.reason_hash as string | null) ?? null,
  newExpiry: num(r.new_expiry),
  answeredBy: (r.answered_by as string | null) ?? null,
  presented: { block: r.presented_block as number, tx: r.presented_tx as string, logIndex: 0 },
  source: versionSource(r),
});

/** The guarantee's row as of `asOf` (404 if it did not exist then). */
async function guaranteeRow(db: Queryable, id: string, asOf: number | undefined): Promise<Row> {
  const q = new Sql();
  const [row] = await db.query(
    `SELECT * FROM guarantees g WHERE g.guarantee_id = ${q.p(id, "numeric")} AND ${asOfFilter(q, "g", asOf)}`,
    q.params,
  );
  if (row === undefined) throw new NotFoundError(`guarantee ${id} not found`);
  return row;
}

const guaranteeSorts = {
  id: [{ sql: "g.guarantee_id", field: "guarantee_id", type: "numeric" }],
  expiry: [
    { sql: "g.expiry", field: "expiry", type: "numeric" },
    { sql: "g.guarantee_id", field: "guarantee_id", type: "numeric" },
  ],
  amount: [
    { sql: "g.amount", field: "amount", type: "numeric" },
    { sql: "g.guarantee_id", field: "guarantee_id", type: "numeric" },
  ],
} as const;

export default defineRoutes({
  name: "guarantees",
  routes: [
    defineRoute({
      path: "/guarantees",
      summary: "Guarantees, filtered by party, state and kind",
      tags: ["guarantees"],
      query: z.object({
        party: id32.optional().describe("Member that is applicant, guarantor or beneficiary"),
        applicant: id32.optional(),
        guarantor: id32.optional(),
        beneficiary: id32.optional(),
        state: z.enum(GUARANTEE_STATES).optional(),
        kind: z.enum(GUARANTEE_KINDS).optional(),
        sort: z.enum(["id", "expiry", "amount"]).default("id"),
        order: z.enum(["asc", "desc"]).default("desc"),
        ...atQuery,
        ...asOfQuery,
        ...pageQuery,
      }),
      response: page(guaranteeSchema),
      async handler({ query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const where = [asOfFilter(q, "g", query.asOf)];
        if (query.party !== undefined) {
          const p = q.p(query.party, "bigint");
          where.push(`(g.applicant = ${p} OR g.guarantor = ${p} OR g.beneficiary = ${p})`);
        }
        for (const field of ["applicant", "guarantor", "beneficiary"] as const) {
          if (query[field] !== undefined) where.push(`g.${field} = ${q.p(query[field], "bigint")}`);
        }
        if (query.state !== undefined) where.push(`g.state = ${q.p(query.state)}`);
        if (query.kind !== undefined) where.push(`g.kind = ${q.p(query.kind)}`);
        const { rows, nextCursor } = await fetchPage(ctx.db, {
          select: "SELECT g.* FROM guarantees g",
          where,
          q,
          sort: guaranteeSorts[query.sort],
          order: query.order,
          limit: query.limit,
          cursor: query.cursor,
        });
        const at = query.at ?? nowSeconds();
        return { items: rows.map((r) => toGuarantee(r, at)), nextCursor };
      },
    }),
    defineRoute({
      path: "/guarantees/by-reference/:referenceId",
      summary: "Verify a guarantee by its reference id: genuine, in force, amount and what is available",
      description:
        "What a beneficiary (or anyone holding the reference) checks before relying on a guarantee, as " +
        "`BankGuarantees.verify`. 404 means no bank issued a guarantee under this reference (not genuine).",
      tags: ["guarantees"],
      params: z.object({ referenceId: bytes32 }),
      query: z.object({ ...atQuery, ...asOfQuery }),
      response: guaranteeSchema.extend({ genuine: z.literal(true) }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const [row] = await ctx.db.query(
          `SELECT * FROM guarantees g WHERE g.reference_id = ${q.p(params.referenceId)} AND ${asOfFilter(q, "g", query.asOf)}`,
          q.params,
        );
        if (row === undefined) {
          throw new NotFoundError(`no guarantee issued under reference ${params.referenceId}: not genuine`);
        }
        return { genuine: true as const, ...toGuarantee(row, query.at ?? nowSeconds()) };
      },
    }),
    defineRoute({
      path: "/guarantees/:id",
      summary: "A guarantee with its amendments",
      tags: ["guarantees"],
      params: z.object({ id: uintString }),
      query: z.object({ ...atQuery, ...asOfQuery }),
      response: guaranteeSchema.extend({
        amendments: z.array(amendmentSchema),
        pendingAmendment: amendmentSchema.nullable(),
      }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const row = await guaranteeRow(ctx.db, params.id, query.asOf);
        const q = new Sql();
        const amendments = (
          await ctx.db.query(
            `SELECT * FROM guarantee_amendments a WHERE a.guarantee_id = ${q.p(params.id, "numeric")} AND ${asOfFilter(q, "a", query.asOf)} ORDER BY a.number`,
            q.params,
          )
        ).map(toAmendment);
        return {
          ...toGuarantee(row, query.at ?? nowSeconds()),
          amendments,
          pendingAmendment: amendments.find((a) => a.state === "Pending") ?? null,
        };
      },
    }),
    defineRoute({
      path: "/guarantees/:id/claims",
      summary: "A guarantee's demands: amount, documents, state, payment or rejection",
      tags: ["guarantees"],
      params: z.object({ id: uintString }),
      query: z.object({
        state: z.enum(CLAIM_STATES).optional(),
        order: z.enum(["asc", "desc"]).default("asc"),
        ...asOfQuery,
        ...pageQuery,
      }),
      response: page(claimSchema),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        await guaranteeRow(ctx.db, params.id, query.asOf);
        const q = new Sql();
        const where = [`c.guarantee_id = ${q.p(params.id, "numeric")}`, asOfFilter(q, "c", query.asOf)];
        if (query.state !== undefined) where.push(`c.state = ${q.p(query.state)}`);
        return listPage(
          ctx.db,
          {
            select: "SELECT c.* FROM guarantee_claims c",
            where,
            q,
            sort: [{ sql: "c.claim_index", field: "claim_index", type: "integer" }],
          },
          query,
          toClaim,
        );
      },
    }),
    defineRoute({
      path: "/guarantees/:id/timeline",
      summary: "Everything that happened to a guarantee, in chain order",
      tags: ["guarantees"],
      params: z.object({ id: uintString }),
      query: z.object({
        order: z.enum(["asc", "desc"]).default("asc"),
        ...asOfQuery,
        ...pageQuery,
      }),
      response: page(timelineSchema),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        await guaranteeRow(ctx.db, params.id, query.asOf);
        const q = new Sql();
        const where = [`t.guarantee_id = ${q.p(params.id, "numeric")}`];
        if (query.asOf !== undefined) where.push(`t.block_number <= ${q.p(query.asOf, "bigint")}`);
        const { rows, nextCursor } = await fetchPage(ctx.db, {
          select: "SELECT t.* FROM guarantee_timeline t",
          where,
          q,
          sort: [
            { sql: "t.block_number", field: "block_number", type: "bigint" },
            { sql: "t.log_index", field: "log_index", type: "integer" },
            { sql: "t.seq", field: "seq", type: "integer" },
          ],
          order: query.order,
          limit: query.limit,
          cursor: query.cursor,
        });
        return {
          items: rows.map((r) => ({
            event: r.event as string,
            account: (r.account as string | null) ?? null,
            claimIndex: (r.claim_index as number | null) ?? null,
            amendmentNumber: (r.amendment_number as number | null) ?? null,
            details: r.details as Record<string, unknown>,
            source: appendSource(r),
          })),
          nextCursor,
        };
      },
    }),
  ],
});
