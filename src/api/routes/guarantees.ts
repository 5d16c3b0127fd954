import { z } from "zod";
import { either, party, publicAccess, row, rows } from "../access.js";
import type { Queryable, Row } from "../../indexer/db.js";
import {
  AMENDMENT_STATES,
  CLAIM_STATES,
  COUNTER_STATES,
  GUARANTEE_KINDS,
  GUARANTEE_STATES,
} from "../../indexer/projections/guarantees.js";
import { anyOf, chainOrder, eq, key, listRoute } from "../list.js";
import {
  appendSource,
  asOfFilter,
  asOfQuery,
  atQuery,
  bytes32,
  checkAsOf,
  defineRoute,
  defineRoutes,
  findOne,
  memberId,
  resolveAt,
  source,
  sourceOf,
  Sql,
  uint256,
  versionSource,
} from "../route.js";

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

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
  expiryDocument: z
    .string()
    .nullable()
    .describe("Hash of the certificate whose presentation ends the guarantee (URDG 758 art. 25a iii); null: none"),
  reducedTotal: z.string().describe("Advance repayments recorded as reductions (art. 13), already out of `amount`"),
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
  suspendedUntil: z
    .number()
    .int()
    .nullable()
    .describe("Extend or pay (URDG 758 art. 23): payment suspended until then; null: not suspended"),
  presented: source,
  source,
});
const counterDemandSchema = z.object({
  claimIndex: z.number().int().describe("The paid demand under the guarantee this demand rests on (art. 15b)"),
  guarantor: z.number().int(),
  payee: z.string(),
  amount: z.string(),
  statementHash: z.string().describe("Hash of the guarantor's statement that it received a complying demand"),
  examinationDeadline: z.number().int(),
  state: z.enum(["Presented", "Paid", "Rejected"]),
  paidTotal: z.string().nullable(),
  availableAfter: z.string().nullable(),
  offChainReference: z.string().nullable(),
  reasonHash: z.string().nullable(),
  answeredBy: z.string().nullable(),
  presented: source,
  source,
});
const counterGuaranteeSchema = z.object({
  instructingBank: z.number().int(),
  instructingAccount: z.string(),
  guarantor: z.number().int(),
  state: z.enum(COUNTER_STATES),
  amount: z.string(),
  paid: z.string(),
  available: z.string(),
  expiry: z.number().int(),
  examinationPeriod: z.number().int(),
  termsHash: z.string(),
  issued: source,
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
    expiryDocument: (r.expiry_document as string | null) ?? null,
    reducedTotal: String(r.reduced_total ?? 0),
    at,
    amountAt: reduced.toString(),
    available: available.toString(),
    inForce: open && at <= expiry && available !== 0n,
    applied: sourceOf(r.applied_block, r.applied_tx),
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
  proposed: sourceOf(r.proposed_block, r.proposed_tx),
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
  suspendedUntil: num(r.suspended_until),
  presented: sourceOf(r.presented_block, r.presented_tx),
  source: versionSource(r),
});

const toCounterDemand = (r: Row) => ({
  claimIndex: r.claim_index as number,
  guarantor: r.guarantor as number,
  payee: r.payee as string,
  amount: r.amount as string,
  statementHash: r.statement_hash as string,
  examinationDeadline: Number(r.examination_deadline),
  state: r.state as "Presented" | "Paid" | "Rejected",
  paidTotal: (r.paid_total as string | null) ?? null,
  availableAfter: (r.available_after as string | null) ?? null,
  offChainReference: (r.off_chain_reference as string | null) ?? null,
  reasonHash: (r.reason_hash as string | null) ?? null,
  answeredBy: (r.answered_by as string | null) ?? null,
  presented: sourceOf(r.presented_block, r.presented_tx),
  source: versionSource(r),
});

const toCounterGuarantee = (r: Row) => ({
  instructingBank: r.instructing_bank as number,
  instructingAccount: r.instructing_account as string,
  guarantor: r.guarantor as number,
  state: r.state as (typeof COUNTER_STATES)[number],
  amount: r.amount as string,
  paid: r.paid as string,
  available: (BigInt(r.amount as string) - BigInt(r.paid as string)).toString(),
  expiry: Number(r.expiry),
  examinationPeriod: Number(r.examination_period),
  termsHash: r.terms_hash as string,
  issued: sourceOf(r.issued_block, r.issued_tx),
  source: versionSource(r),
});

/** The guarantee's row as of `asOf` (404 if it did not exist then). */
const guaranteeRow = (db: Queryable, id: string, asOf: number | undefined): Promise<Row> =>
  findOne(db, { from: "guarantees g", key: { guarantee_id: [id, "numeric"] }, asOf }, `guarantee ${id} not found`);

const at = atQuery("for the reduction schedule, availability and expiry");

/** A guarantee's parties: applicant, guarantor, beneficiary (verification by reference is public). */
export const GUARANTEE_PARTIES = party("g.applicant", "g.guarantor", "g.beneficiary");

/** The guarantee's parties, or the instructing bank of its counter-guarantee (the chain's other bank). */
const CHAIN_PARTIES = either(GUARANTEE_PARTIES, (q, member) => {
  const p = q.p(member, "bigint");
  return `EXISTS (SELECT 1 FROM counter_guarantees cg WHERE cg.guarantee_id = g.guarantee_id AND cg.instructing_bank = ${p})`;
});

export default defineRoutes({
  name: "guarantees",
  routes: [
    listRoute({
      path: "/guarantees",
      access: rows(GUARANTEE_PARTIES),
      summary: "Guarantees, filtered by party, state and kind",
      tags: ["guarantees"],
      from: "guarantees g",
      asOf: "versioned",
      filters: {
        party: anyOf(
          ["g.applicant", "g.guarantor", "g.beneficiary"],
          memberId.describe("Member that is applicant, guarantor or beneficiary"),
          "bigint",
        ),
        applicant: eq("g.applicant", memberId, "bigint"),
        guarantor: eq("g.guarantor", memberId, "bigint"),
        beneficiary: eq("g.beneficiary", memberId, "bigint"),
        state: eq("g.state", z.enum(GUARANTEE_STATES)),
        kind: eq("g.kind", z.enum(GUARANTEE_KINDS)),
      },
      query: at,
      sorts: {
        id: [key("g.guarantee_id", "numeric")],
        expiry: [key("g.expiry", "numeric"), key("g.guarantee_id", "numeric")],
        amount: [key("g.amount", "numeric"), key("g.guarantee_id", "numeric")],
      },
      order: "desc",
      item: guaranteeSchema,
      toItem: (row, { query }) => toGuarantee(row, resolveAt(query)),
    }),
    defineRoute({
      path: "/guarantees/by-reference/:referenceId",
      access: publicAccess,
      summary: "Verify a guarantee by its reference id: genuine, in force, amount and what is available",
      description:
        "What a beneficiary (or anyone holding the reference) checks before relying on a guarantee, as " +
        "`BankGuarantees.verify`. 404 means no bank issued a guarantee under this reference (not genuine).",
      tags: ["guarantees"],
      params: z.object({ referenceId: bytes32 }),
      query: z.object({ ...at, ...asOfQuery }),
      response: guaranteeSchema.extend({
        genuine: z.literal(true),
        guarantorName: z
          .string()
          .nullable()
          .describe(
            "The issuing bank's name (the member directory is for members; a verifier needs to know who issued)",
          ),
      }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const row = await findOne(
          ctx.db,
          { from: "guarantees g", key: { reference_id: [params.referenceId, "text"] }, asOf: query.asOf },
          `no guarantee issued under reference ${params.referenceId}: not genuine`,
        );
        const q = new Sql();
        const [bank] = await ctx.db.query(
          `SELECT m.name FROM members m WHERE m.member_id = ${q.p(row.guarantor, "bigint")} AND m.valid_to_block IS NULL`,
          q.params,
        );
        return {
          genuine: true as const,
          ...toGuarantee(row, resolveAt(query)),
          guarantorName: (bank?.name as string | undefined) ?? null,
        };
      },
    }),
    defineRoute({
      path: "/guarantees/:id",
      access: row("guarantees g", { guarantee_id: ["id", "numeric"] }, GUARANTEE_PARTIES),
      summary: "A guarantee with its amendments",
      tags: ["guarantees"],
      params: z.object({ id: uint256 }),
      query: z.object({ ...at, ...asOfQuery }),
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
          ...toGuarantee(row, resolveAt(query)),
          amendments,
          pendingAmendment: amendments.find((a) => a.state === "Pending") ?? null,
        };
      },
    }),
    listRoute({
      path: "/guarantees/:id/claims",
      access: row("guarantees g", { guarantee_id: ["id", "numeric"] }, GUARANTEE_PARTIES),
      summary: "A guarantee's demands: amount, documents, state, payment or rejection",
      tags: ["guarantees"],
      params: { id: uint256 },
      from: "guarantee_claims c",
      asOf: "versioned",
      scope: ({ params }, q) => [`c.guarantee_id = ${q.p(params.id, "numeric")}`],
      parent: ({ params, query }, ctx) => guaranteeRow(ctx.db, params.id, query.asOf),
      filters: { state: eq("c.state", z.enum(CLAIM_STATES)) },
      sorts: { index: [key("c.claim_index", "integer")] },
      order: "asc",
      item: claimSchema,
      toItem: toClaim,
    }),
    defineRoute({
      path: "/guarantees/:id/chain",
      access: row("guarantees g", { guarantee_id: ["id", "numeric"] }, CHAIN_PARTIES),
      summary: "A guarantee and the counter-guarantee behind it as one chain (URDG 758 art. 2, 15b)",
      description:
        "The local guarantee, the instructing bank's counter-guarantee (null when there is none), and each demand " +
        "under the guarantee with the demand under the counter-guarantee that rests on it. Visible to the " +
        "guarantee's parties and the instructing bank.",
      tags: ["guarantees"],
      params: z.object({ id: uint256 }),
      query: z.object({ ...at, ...asOfQuery }),
      response: z.object({
        guarantee: guaranteeSchema,
        counterGuarantee: counterGuaranteeSchema.nullable(),
        demands: z.array(claimSchema.extend({ counterDemand: counterDemandSchema.nullable() })),
      }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const row = await guaranteeRow(ctx.db, params.id, query.asOf);
        const select = async (table: string, alias: string, order: string) => {
          const q = new Sql();
          return ctx.db.query(
            `SELECT * FROM ${table} ${alias} WHERE ${alias}.guarantee_id = ${q.p(params.id, "numeric")} AND ${asOfFilter(q, alias, query.asOf)}${order}`,
            q.params,
          );
        };
        const [counters, claims, counterDemands] = await Promise.all([
          select("counter_guarantees", "cg", ""),
          select("guarantee_claims", "c", " ORDER BY c.claim_index"),
          select("counter_demands", "d", " ORDER BY d.claim_index"),
        ]);
        const byClaim = new Map(counterDemands.map((d) => [d.claim_index as number, toCounterDemand(d)]));
        return {
          guarantee: toGuarantee(row, resolveAt(query)),
          counterGuarantee: counters[0] === undefined ? null : toCounterGuarantee(counters[0]),
          demands: claims.map((c) => ({ ...toClaim(c), counterDemand: byClaim.get(c.claim_index as number) ?? null })),
        };
      },
    }),
    listRoute({
      path: "/guarantees/:id/timeline",
      access: row("guarantees g", { guarantee_id: ["id", "numeric"] }, GUARANTEE_PARTIES),
      summary: "Everything that happened to a guarantee, in chain order",
      tags: ["guarantees"],
      params: { id: uint256 },
      from: "guarantee_timeline t",
      asOf: { upTo: "t.block_number" },
      scope: ({ params }, q) => [`t.guarantee_id = ${q.p(params.id, "numeric")}`],
      parent: ({ params, query }, ctx) => guaranteeRow(ctx.db, params.id, query.asOf),
      sorts: { chain: chainOrder("t") },
      order: "asc",
      item: timelineSchema,
      toItem: (r) => ({
        event: r.event as string,
        account: (r.account as string | null) ?? null,
        claimIndex: (r.claim_index as number | null) ?? null,
        amendmentNumber: (r.amendment_number as number | null) ?? null,
        details: r.details as Record<string, unknown>,
        source: appendSource(r),
      }),
    }),
  ],
});
