import { z } from "zod";
import { party, row, rows, type Visible } from "../access.js";
import type { Row } from "../../indexer/db.js";
import { MARGIN_RECLAIM_GRACE, RELEASE_STATES, requiredMargin } from "../../indexer/projections/lc-applicant.js";
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
  sourceOf,
  Sql,
  uint256,
  versionSource,
} from "../route.js";

const RELEASE_STATE_VALUES = RELEASE_STATES.filter((s) => s !== "None") as [string, ...string[]];
const time = z.number().int().nullable();

// ------------------------------------------------------------------------------------------------- schemas

const marginSchema = z.object({
  lcId: z.string(),
  issuingBank: z.number().int(),
  applicant: z.number().int(),
  shareBps: z
    .number()
    .int()
    .describe("Margin share of the most the LC can draw (amount plus tolerance) the issuing bank set, basis points"),
  required: z
    .string()
    .describe("Margin the share asks for on the LC's amount plus tolerance (amendments included), rounded up"),
  locked: z.string().describe("Total the applicant locked"),
  due: z.string().describe("What the applicant must still lock: required - locked (0 when covered)"),
  applied: z.string().describe("Margin applied toward reimbursements (paid to the issuing bank)"),
  released: z.string().describe("Margin returned to the applicant after the LC closed"),
  free: z.string().describe("locked - applied - released"),
  heldDrawn: z.string().describe("Drawings whose documents the issuing bank recorded as held"),
  outstanding: z.number().int().describe("Held presentations not yet reimbursed"),
  beforeIssue: z
    .boolean()
    .nullable()
    .describe("The first lock came while the LC was an application (false: after issue; null: nothing locked)"),
  shareSetAt: time.describe("Block time the share was set, unix seconds"),
  firstLockedAt: time,
  lastLockedAt: time,
  releasedAt: time,
  reclaimableAt: time.describe(
    "After this time (unix seconds) the applicant may take back the margin not applied whatever the LC's state: expiry + tenor + 30 days",
  ),
  shareSet: source,
  source,
});
const documentsHeldSchema = z.object({
  presentationId: z.string(),
  lcId: z.string(),
  issuingBank: z.number().int(),
  bankAccount: z.string().describe("The bank's account that recorded the hold and receives the reimbursement"),
  documentsHash: z.string(),
  state: z.enum(RELEASE_STATES),
  amountPaid: z.string().describe("What the bank paid on the presentation"),
  marginApplied: z.string(),
  amountDue: z.string().describe("Reimbursement the applicant still owes (0 once settled)"),
  reimbursed: z.string().nullable().describe("What the applicant paid to settle (null until settled)"),
  payer: z.string().nullable(),
  undertakingHash: z.string().nullable().describe("The trust receipt's hash, when released on trust receipt"),
  releasedOnPayment: z
    .boolean()
    .nullable()
    .describe("Settled: the payment released the documents (false: released before, on trust receipt)"),
  nominatedBank: z
    .number()
    .int()
    .nullable()
    .describe("The nominated bank that paid the presentation (null: the issuing bank paid it)"),
  reimbursementObligationId: z
    .string()
    .nullable()
    .describe("The settled or netted interbank obligation by which the issuing bank reimbursed the nominated bank"),
  accountChangedAt: time.describe("When the issuing bank last named another account for the reimbursement"),
  heldAt: time,
  trustReceiptAt: time,
  settledAt: time,
  held: source,
  source,
});

// ------------------------------------------------------------------------------------------------- mapping

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

const toMargin = (r: Row) => {
  const share = BigInt(Number(r.share_bps));
  const required =
    share === 0n
      ? 0n
      : requiredMargin(BigInt((r.lc_amount as string | null) ?? "0"), share, BigInt(Number(r.lc_tolerance_plus ?? 0)));
  const expiry = num(r.lc_expiry);
  const [locked, applied, released] = [r.locked, r.applied, r.released].map((v) => BigInt(v as string));
  return {
    lcId: r.lc_id as string,
    issuingBank: Number(r.issuing_bank),
    applicant: Number(r.applicant),
    shareBps: Number(r.share_bps),
    required: required.toString(),
    locked: locked.toString(),
    due: (required > locked ? required - locked : 0n).toString(),
    applied: applied.toString(),
    released: released.toString(),
    free: (locked - applied - released).toString(),
    heldDrawn: r.held_drawn as string,
    outstanding: Number(r.outstanding),
    beforeIssue: (r.before_issue as boolean | null) ?? null,
    shareSetAt: num(r.share_set_at),
    firstLockedAt: num(r.first_locked_at),
    lastLockedAt: num(r.last_locked_at),
    releasedAt: num(r.released_at),
    reclaimableAt: expiry === null ? null : expiry + Number(r.lc_tenor_days ?? 0) * 86_400 + MARGIN_RECLAIM_GRACE,
    shareSet: sourceOf(r.share_set_block, r.share_set_tx),
    source: versionSource(r),
  };
};

const toDocumentsHeld = (r: Row) => ({
  presentationId: r.presentation_id as string,
  lcId: r.lc_id as string,
  issuingBank: Number(r.issuing_bank),
  bankAccount: r.bank_account as string,
  documentsHash: r.documents_hash as string,
  state: r.state as (typeof RELEASE_STATES)[number],
  amountPaid: r.amount_paid as string,
  marginApplied: r.margin_applied as string,
  amountDue: r.amount_due as string,
  reimbursed: (r.reimbursed as string | null) ?? null,
  payer: (r.payer as string | null) ?? null,
  undertakingHash: (r.undertaking_hash as string | null) ?? null,
  releasedOnPayment: (r.released_on_payment as boolean | null) ?? null,
  nominatedBank: num(r.nominated_bank),
  reimbursementObligationId: (r.reimbursement_obligation_id as string | null) ?? null,
  accountChangedAt: num(r.account_changed_at),
  heldAt: num(r.held_at),
  trustReceiptAt: num(r.trust_receipt_at),
  settledAt: num(r.settled_at),
  held: sourceOf(r.held_block, r.held_tx),
  source: versionSource(r),
});

/** The margin row's columns and the LC's amount, tolerance, expiry and tenor as of `asOf` (what the share asks now). */
const marginColumns = (q: Sql, asOf: number | undefined) =>
  `m.*, ${[
    ["amount", "lc_amount"],
    ["tolerance_plus", "lc_tolerance_plus"],
    ["expiry", "lc_expiry"],
    ["tenor_days", "lc_tenor_days"],
  ]
    .map(
      ([column, as]) =>
        `(SELECT l.${column} FROM lc_letters l WHERE l.lc_id = m.lc_id AND ${asOfFilter(q, "l", asOf)}) AS ${as}`,
    )
    .join(", ")}`;

// ------------------------------------------------------------------------------------------------- who sees what

/** The applicant's side of an LC: its applicant and issuing bank (regulators and auditors read every row). */
export const APPLICANT_SIDE = party("l.applicant", "l.issuing_bank");
/** A margin or documents row (`alias.lc_id`): readable by its LC's applicant and issuing bank. */
export const APPLICANT_SIDE_OF =
  (alias: string): Visible =>
  (q, member) =>
    `EXISTS (SELECT 1 FROM lc_letters l WHERE l.lc_id = ${alias}.lc_id AND ${APPLICANT_SIDE(q, member)})`;
const LC_ROW = row("lc_letters l", { lc_id: ["id", "numeric"] }, APPLICANT_SIDE);
const lcNotFound = (id: string) => `letter of credit ${id} not found`;

// ------------------------------------------------------------------------------------------------- routes

export default defineRoutes({
  name: "lc-applicant",
  routes: [
    defineRoute({
      path: "/letters-of-credit/:id/margin",
      access: LC_ROW,
      summary: "An LC's margin: share, required, locked, due, applied, released (applicant, issuing bank)",
      tags: ["letters-of-credit"],
      params: z.object({ id: uint256 }),
      query: z.object({ ...asOfQuery }),
      response: marginSchema,
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        await findOne(
          ctx.db,
          { from: "lc_letters l", key: { lc_id: [params.id, "numeric"] }, asOf: query.asOf },
          lcNotFound(params.id),
        );
        const q = new Sql();
        const [margin] = await ctx.db.query(
          `SELECT ${marginColumns(q, query.asOf)} FROM lc_margins m
           WHERE m.lc_id = ${q.p(params.id, "numeric")} AND ${asOfFilter(q, "m", query.asOf)}`,
          q.params,
        );
        if (margin === undefined) throw new NotFoundError(`letter of credit ${params.id} has no margin`);
        return toMargin(margin);
      },
    }),
    listRoute({
      path: "/letters-of-credit/:id/documents-held",
      access: LC_ROW,
      summary: "Documents the issuing bank holds (or held) for the applicant, per paid presentation",
      tags: ["letters-of-credit"],
      params: { id: uint256 },
      from: "lc_documents_held d",
      asOf: "versioned",
      scope: ({ params }, q) => [`d.lc_id = ${q.p(params.id, "numeric")}`],
      parent: ({ params }, ctx) =>
        findOne(ctx.db, { from: "lc_letters l", key: { lc_id: [params.id, "numeric"] } }, lcNotFound(params.id)),
      filters: { state: eq("d.state", z.enum(RELEASE_STATE_VALUES)) },
      sorts: { id: [key("d.presentation_id", "numeric")] },
      order: "asc",
      item: documentsHeldSchema,
      toItem: toDocumentsHeld,
    }),
    listRoute({
      path: "/lc-margins",
      access: rows(APPLICANT_SIDE_OF("m")),
      summary: "LC margin accounts, by issuing bank, applicant and whether the LC was issued before the margin",
      tags: ["letters-of-credit"],
      from: "lc_margins m",
      select: ({ query }, q) => marginColumns(q, query.asOf),
      asOf: "versioned",
      filters: {
        bank: eq("m.issuing_bank", memberId.describe("Margins of LCs this bank issued"), "bigint"),
        applicant: eq("m.applicant", memberId.describe("Margins of this applicant"), "bigint"),
        beforeIssue: eq(
          "m.before_issue",
          booleanParam.describe("First lock while an application (true), or after the LC was issued (false)"),
          "boolean",
        ),
        outstanding: eq(
          "(m.outstanding > 0)",
          booleanParam.describe("Held presentations not yet reimbursed (true) or none (false)"),
          "boolean",
        ),
      },
      sorts: { id: [key("m.lc_id", "numeric")], locked: [key("m.locked", "numeric"), key("m.lc_id", "numeric")] },
      order: "asc",
      item: marginSchema,
      toItem: toMargin,
    }),
    listRoute({
      path: "/lc-documents-held",
      access: rows(APPLICANT_SIDE_OF("d")),
      summary: "Documents held for applicants, by issuing bank and state (e.g. released on trust receipt, unpaid)",
      tags: ["letters-of-credit"],
      from: "lc_documents_held d",
      asOf: "versioned",
      filters: {
        bank: eq("d.issuing_bank", memberId.describe("Documents this bank holds"), "bigint"),
        lcId: eq("d.lc_id", uint256, "numeric"),
        state: eq("d.state", z.enum(RELEASE_STATE_VALUES)),
      },
      sorts: { id: [key("d.presentation_id", "numeric")] },
      order: "asc",
      item: documentsHeldSchema,
      toItem: toDocumentsHeld,
    }),
  ],
});
