import { z } from "zod";
import type { Address } from "viem";
import { ConsortiumCalendar__factory } from "@consortia/sdk/typechain/factories/platform/ConsortiumCalendar__factory.js";
import type { Queryable, Row } from "../../indexer/db.js";
import { APPROVAL_CASE_STATES, APPROVAL_STEP_STATES } from "../../indexer/projections/approvals.js";
import { membersAccess, party, row, rows, type Visible } from "../access.js";
import { chainOrder, eq, filter, key, listRoute } from "../list.js";
import {
  appendSource,
  asOfFilter,
  asOfQuery,
  atQuery,
  checkAsOf,
  defineRoute,
  defineRoutes,
  findOne,
  id64,
  memberId,
  resolveAt,
  source,
  sourceOf,
  Sql,
  uint256,
  upTo,
  versionSource,
  type RouteContext,
} from "../route.js";

/** China's offset, the calendar's default (used when the API has no node to ask the calendar). */
const DEFAULT_UTC_OFFSET = 28_800;
/** `ConsortiumCalendar.LAST_DAY`: the last day the calendar covers. */
const LAST_DAY = 84_005;

/** The calendar day of `at` (unix seconds) in the consortium's time zone, as `ConsortiumCalendar.dayOf`. */
async function dayOf(ctx: RouteContext, at: number): Promise<number> {
  let offset = DEFAULT_UTC_OFFSET;
  const calendar = ctx.chain?.deployments.contracts.ConsortiumCalendar;
  if (ctx.chain !== undefined && calendar !== undefined) {
    offset = Number(
      await ctx.chain.client.readContract({
        address: calendar.address as Address,
        abi: ConsortiumCalendar__factory.abi,
        functionName: "utcOffset",
      }),
    );
  }
  // Days past the calendar's last (2199-12-31) are past every due day as well: clamp, so a far `at` stays a date.
  return Math.min(Math.max(Math.floor((at + offset) / 86_400), 0), LAST_DAY);
}

/** Whether a step missed its deadline at day `today`, as `ApprovalProcesses.isOverdue` for an open case. */
function overdueAt(r: Row, today: number, caseOpen: boolean): boolean {
  const state = r.state as string;
  if (state === "Pending") return false;
  if (state === "Approved" || state === "Rejected") return r.overdue as boolean;
  if (state === "AwaitingDocuments") return (r.paused_day as number) > (r.due_day as number);
  return caseOpen && today > (r.due_day as number);
}

const isoDay = (day: number): string | null =>
  day === 0 ? null : new Date(day * 86_400_000).toISOString().slice(0, 10);

// ------------------------------------------------------------------------------------------------- schemas

const processStepSchema = z.object({
  step: z.number().int(),
  department: z.number().int(),
  stage: z.number().int(),
  deadlineDays: z.number().int().describe("Working days of the consortium calendar"),
  documentKinds: z.array(z.string()),
});
const processSchema = z.object({
  id: z.number().int(),
  issuer: z.number().int(),
  resultKind: z.number().int(),
  resultValidity: z.string().describe("Seconds the result certificate is valid (0: no expiry)"),
  termsHash: z.string(),
  stepCount: z.number().int(),
  stageCount: z.number().int(),
  retired: z.boolean(),
  defined: source,
  source,
});
const caseSchema = z.object({
  id: z.string(),
  processId: z.number().int(),
  applicant: z.number().int(),
  applicantAccount: z.string(),
  applicantRef: z.string().describe("Keyed hash of the applicant's identifier (no personal data on chain)"),
  state: z.enum(APPROVAL_CASE_STATES),
  stage: z.number().int(),
  stepsLeft: z.number().int(),
  recordHash: z.string(),
  certificateId: z.string().nullable(),
  rejectedStep: z.number().int().nullable(),
  submitted: source,
  source,
});
const caseStepSchema = z.object({
  step: z.number().int(),
  stage: z.number().int(),
  department: z.number().int().describe("Deciding now (after any delegation)"),
  originalDepartment: z.number().int(),
  state: z.enum(APPROVAL_STEP_STATES),
  openedDay: z.string().nullable(),
  dueDay: z.string().nullable().describe("Last day for the decision (ISO date, consortium time zone)"),
  pausedDay: z.string().nullable(),
  remainingDays: z.number().int().describe("Working days left when the clock paused"),
  documentRequests: z.number().int(),
  decidedDay: z.string().nullable(),
  overdue: z.boolean().describe("Decided after its due day, or still undecided after it at `at`"),
  decisionHash: z.string().nullable(),
  reasonHash: z.string().nullable(),
  actedBy: z.string().nullable().describe("Account of the last action on the step"),
  delegations: z.number().int(),
  source,
});
const delegationSchema = z.object({
  step: z.number().int(),
  from: z.number().int(),
  to: z.number().int(),
  reasonHash: z.string(),
  account: z.string(),
  source,
});
const documentSchema = z.object({
  step: z.number().int().nullable().describe("null: brought with the submission"),
  kind: z.string(),
  contentHash: z.string(),
  account: z.string(),
  source,
});
const timelineSchema = z.object({
  event: z.string(),
  step: z.number().int().nullable(),
  department: z.number().int().nullable(),
  account: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  source,
});
const departmentSchema = z.object({
  department: z.number().int(),
  steps: z.number().int().describe("Case steps the department decides (opened so far)"),
  decided: z.number().int(),
  approved: z.number().int(),
  rejected: z.number().int(),
  open: z.number().int().describe("Steps running now in open cases"),
  openCases: z.number().int(),
  overdue: z.number().int().describe("Steps decided late, or running past their due day at `at`"),
  overdueShare: z.number().describe("overdue / steps (0 when none)"),
  averageDays: z.number().nullable().describe("Mean calendar days from opening to decision, decided steps"),
  delegatedAway: z.number().int(),
});

// ------------------------------------------------------------------------------------------------- mapping

const toProcess = (r: Row) => ({
  id: r.process_id as number,
  issuer: r.issuer as number,
  resultKind: r.result_kind as number,
  resultValidity: String(r.result_validity),
  termsHash: r.terms_hash as string,
  stepCount: r.step_count as number,
  stageCount: r.stage_count as number,
  retired: r.retired as boolean,
  defined: sourceOf(r.defined_block, r.defined_tx),
  source: versionSource(r),
});

const toCase = (r: Row) => ({
  id: String(r.case_id),
  processId: r.process_id as number,
  applicant: r.applicant as number,
  applicantAccount: r.applicant_account as string,
  applicantRef: r.applicant_ref as string,
  state: r.state as (typeof APPROVAL_CASE_STATES)[number],
  stage: r.stage as number,
  stepsLeft: r.steps_left as number,
  recordHash: r.record_hash as string,
  certificateId: r.certificate_id === null ? null : String(r.certificate_id),
  rejectedStep: (r.rejected_step as number | null) ?? null,
  submitted: sourceOf(r.submitted_block, r.submitted_tx),
  source: versionSource(r),
});

const toCaseStep = (r: Row, today: number, caseOpen: boolean) => ({
  step: r.step as number,
  stage: r.stage as number,
  department: r.department as number,
  originalDepartment: r.original_department as number,
  state: r.state as (typeof APPROVAL_STEP_STATES)[number],
  openedDay: isoDay(r.opened_day as number),
  dueDay: isoDay(r.due_day as number),
  pausedDay: isoDay(r.paused_day as number),
  remainingDays: r.remaining_days as number,
  documentRequests: r.document_requests as number,
  decidedDay: isoDay(r.decided_day as number),
  overdue: overdueAt(r, today, caseOpen),
  decisionHash: (r.decision_hash as string | null) ?? null,
  reasonHash: (r.reason_hash as string | null) ?? null,
  actedBy: (r.acted_by as string | null) ?? null,
  delegations: r.delegations as number,
  source: versionSource(r),
});

const caseRow = (db: Queryable, id: string, asOf: number | undefined): Promise<Row> =>
  findOne(db, { from: "approval_cases c", key: { case_id: [id, "numeric"] }, asOf }, `approval case ${id} not found`);

const at = atQuery("for the overdue flags of running steps");

/**
 * A case: its applicant, and the departments of its steps (the one deciding now, after any delegation, and the one the
 * process named), and every department a step was delegated from or to.
 */
const CASE_READERS =
  (alias: string): Visible =>
  (q, member) => {
    const m = q.p(member, "bigint");
    return `(${party(`${alias}.applicant`)(q, member)} OR EXISTS (SELECT 1 FROM approval_case_steps cs WHERE cs.case_id = ${alias}.case_id AND cs.valid_to_block IS NULL AND (cs.department = ${m} OR cs.original_department = ${m})) OR EXISTS (SELECT 1 FROM approval_delegations cd WHERE cd.case_id = ${alias}.case_id AND (cd.from_department = ${m} OR cd.to_department = ${m})))`;
  };
const caseAccess = row("approval_cases c", { case_id: ["id", "numeric"] }, CASE_READERS("c"));

export default defineRoutes({
  name: "approvals",
  routes: [
    listRoute({
      path: "/approval-processes",
      access: membersAccess,
      summary: "Approval processes defined by vote, filtered by department or issuer",
      tags: ["approvals"],
      from: "approval_processes p",
      asOf: "versioned",
      filters: {
        issuer: eq("p.issuer", memberId, "bigint"),
        retired: eq(
          "p.retired",
          z.enum(["true", "false"]).transform((v) => v === "true"),
          "boolean",
        ),
        department: filter(
          memberId.describe("Member deciding one of the process's steps"),
          (value, q) =>
            `EXISTS (SELECT 1 FROM approval_process_steps s WHERE s.process_id = p.process_id AND ` +
            `s.valid_to_block IS NULL AND s.department = ${q.p(value, "bigint")})`,
        ),
      },
      sorts: { id: [key("p.process_id", "bigint")] },
      order: "asc",
      item: processSchema,
      toItem: toProcess,
    }),
    defineRoute({
      path: "/approval-processes/:id",
      access: membersAccess,
      summary: "A process with its steps (departments, stages, deadlines, required document kinds)",
      tags: ["approvals"],
      params: z.object({ id: id64 }),
      query: z.object(asOfQuery),
      response: processSchema.extend({ steps: z.array(processStepSchema) }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const row = await findOne(
          ctx.db,
          { from: "approval_processes p", key: { process_id: [params.id, "bigint"] }, asOf: query.asOf },
          `approval process ${params.id} not found`,
        );
        const q = new Sql();
        const steps = await ctx.db.query(
          `SELECT * FROM approval_process_steps s WHERE s.process_id = ${q.p(params.id, "bigint")} AND ${asOfFilter(q, "s", query.asOf)} ORDER BY s.step`,
          q.params,
        );
        return {
          ...toProcess(row),
          steps: steps.map((s) => ({
            step: s.step as number,
            department: s.department as number,
            stage: s.stage as number,
            deadlineDays: s.deadline_days as number,
            documentKinds: s.document_kinds as string[],
          })),
        };
      },
    }),
    listRoute({
      path: "/approval-cases",
      access: rows(CASE_READERS("c")),
      summary: "Approval cases, filtered by process, applicant, state or a department deciding one of its steps",
      tags: ["approvals"],
      from: "approval_cases c",
      asOf: "versioned",
      filters: {
        process: eq("c.process_id", id64, "bigint"),
        applicant: eq("c.applicant", memberId, "bigint"),
        state: eq("c.state", z.enum(APPROVAL_CASE_STATES)),
        department: filter(
          memberId.describe("Member deciding (now) one of the case's opened steps"),
          (value, q) =>
            `EXISTS (SELECT 1 FROM approval_case_steps s WHERE s.case_id = c.case_id AND ` +
            `s.valid_to_block IS NULL AND s.department = ${q.p(value, "bigint")})`,
        ),
      },
      sorts: { id: [key("c.case_id", "numeric")] },
      order: "desc",
      item: caseSchema,
      toItem: toCase,
    }),
    defineRoute({
      path: "/approval-cases/:id",
      access: caseAccess,
      summary: "A case: its status, each step's department, deadline and who acted, delegations and document hashes",
      tags: ["approvals"],
      params: z.object({ id: uint256 }),
      query: z.object({ ...at, ...asOfQuery }),
      response: caseSchema.extend({
        today: z.string().describe("The day `at` falls on (consortium time zone)"),
        steps: z.array(caseStepSchema),
        delegations: z.array(delegationSchema),
        documents: z.array(documentSchema),
      }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const row = await caseRow(ctx.db, params.id, query.asOf);
        const today = await dayOf(ctx, resolveAt(query));
        const q = new Sql();
        const id = q.p(params.id, "numeric");
        const steps = await ctx.db.query(
          `SELECT * FROM approval_case_steps s WHERE s.case_id = ${id} AND ${asOfFilter(q, "s", query.asOf)} ORDER BY s.step`,
          q.params,
        );
        const r = new Sql();
        const rid = r.p(params.id, "numeric");
        const delegations = await ctx.db.query(
          `SELECT * FROM approval_delegations d WHERE d.case_id = ${rid} AND ${upTo(r, "d.block_number", query.asOf)} ORDER BY d.block_number, d.log_index, d.seq`,
          r.params,
        );
        const t = new Sql();
        const tid = t.p(params.id, "numeric");
        const documents = await ctx.db.query(
          `SELECT * FROM approval_documents d WHERE d.case_id = ${tid} AND ${upTo(t, "d.block_number", query.asOf)} ORDER BY d.block_number, d.log_index, d.seq`,
          t.params,
        );
        return {
          ...toCase(row),
          today: isoDay(today)!,
          steps: steps.map((s) => toCaseStep(s, today, row.state === "Open")),
          delegations: delegations.map((d) => ({
            step: d.step as number,
            from: d.from_department as number,
            to: d.to_department as number,
            reasonHash: d.reason_hash as string,
            account: d.account as string,
            source: appendSource(d),
          })),
          documents: documents.map((d) => ({
            step: (d.step as number | null) ?? null,
            kind: d.kind as string,
            contentHash: d.content_hash as string,
            account: d.account as string,
            source: appendSource(d),
          })),
        };
      },
    }),
    listRoute({
      path: "/approval-cases/:id/timeline",
      access: caseAccess,
      summary: "Everything that happened to a case, in chain order: submissions, steps opened, decisions, delegations",
      tags: ["approvals"],
      params: { id: uint256 },
      from: "approval_timeline t",
      asOf: { upTo: "t.block_number" },
      scope: ({ params }, q) => [`t.case_id = ${q.p(params.id, "numeric")}`],
      parent: ({ params, query }, ctx) => caseRow(ctx.db, params.id, query.asOf),
      filters: { step: eq("t.step", z.coerce.number().int().min(0).max(255), "integer") },
      sorts: { chain: chainOrder("t") },
      order: "asc",
      item: timelineSchema,
      toItem: (r) => ({
        event: r.event as string,
        step: (r.step as number | null) ?? null,
        department: (r.department as number | null) ?? null,
        account: (r.account as string | null) ?? null,
        details: r.details as Record<string, unknown>,
        source: appendSource(r),
      }),
    }),
    defineRoute({
      path: "/approval-departments",
      access: membersAccess,
      summary: "Per department: steps decided, time per step, overdue share, open steps and cases",
      description:
        "Statistics over every case step a department decides (after delegations), optionally of one process. " +
        "A running step counts as overdue once `at` is past its due day; a paused step if it was late when paused.",
      tags: ["approvals"],
      query: z.object({ ...at, process: id64.optional() }),
      response: z.object({ today: z.string(), items: z.array(departmentSchema) }),
      async handler({ query }, ctx) {
        const today = await dayOf(ctx, resolveAt(query));
        const q = new Sql();
        const day = q.p(today, "integer");
        const process = query.process === undefined ? "TRUE" : `s.process_id = ${q.p(query.process, "bigint")}`;
        const rows = await ctx.db.query(
          `SELECT s.department,
             count(*)::integer AS steps,
             count(*) FILTER (WHERE s.state IN ('Approved', 'Rejected'))::integer AS decided,
             count(*) FILTER (WHERE s.state = 'Approved')::integer AS approved,
             count(*) FILTER (WHERE s.state = 'Rejected')::integer AS rejected,
             count(*) FILTER (WHERE c.state = 'Open' AND s.state IN ('Open', 'Accepted', 'AwaitingDocuments'))::integer
               AS open,
             count(DISTINCT s.case_id) FILTER (WHERE c.state = 'Open'
               AND s.state IN ('Open', 'Accepted', 'AwaitingDocuments'))::integer AS open_cases,
             count(*) FILTER (WHERE s.overdue
               OR (s.state = 'AwaitingDocuments' AND s.paused_day > s.due_day)
               OR (c.state = 'Open' AND s.state IN ('Open', 'Accepted') AND ${day} > s.due_day))::integer AS overdue,
             avg(s.decided_day - s.opened_day) FILTER (WHERE s.state IN ('Approved', 'Rejected'))::float8 AS average_days
           FROM approval_case_steps s
           JOIN approval_cases c ON c.case_id = s.case_id AND c.valid_to_block IS NULL
           WHERE s.valid_to_block IS NULL AND ${process}
           GROUP BY s.department ORDER BY s.department`,
          q.params,
        );
        const d = new Sql();
        const away = await ctx.db.query(
          `SELECT from_department AS department, count(*)::integer AS n FROM approval_delegations d
           ${query.process === undefined ? "" : `JOIN approval_cases c ON c.case_id = d.case_id AND c.valid_to_block IS NULL WHERE c.process_id = ${d.p(query.process, "bigint")}`}
           GROUP BY from_department`,
          d.params,
        );
        const delegated = new Map(away.map((a) => [Number(a.department), a.n as number]));
        const departments = new Set([...rows.map((r) => Number(r.department)), ...delegated.keys()]);
        const byDepartment = new Map(rows.map((r) => [Number(r.department), r]));
        return {
          today: isoDay(today)!,
          items: [...departments]
            .sort((a, b) => a - b)
            .map((department) => {
              const r = byDepartment.get(department);
              const steps = (r?.steps as number | undefined) ?? 0;
              const overdue = (r?.overdue as number | undefined) ?? 0;
              return {
                department,
                steps,
                decided: (r?.decided as number | undefined) ?? 0,
                approved: (r?.approved as number | undefined) ?? 0,
                rejected: (r?.rejected as number | undefined) ?? 0,
                open: (r?.open as number | undefined) ?? 0,
                openCases: (r?.open_cases as number | undefined) ?? 0,
                overdue,
                overdueShare: steps === 0 ? 0 : overdue / steps,
                averageDays: r?.average_days == null ? null : Number(r.average_days),
                delegatedAway: delegated.get(department) ?? 0,
              };
            }),
        };
      },
    }),
  ],
});
