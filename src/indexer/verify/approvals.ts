import { ApprovalProcesses__factory } from "@consortia/sdk/typechain/factories/approvals/ApprovalProcesses__factory.js";
import { ConsortiumCalendar__factory } from "@consortia/sdk/typechain/factories/platform/ConsortiumCalendar__factory.js";
import { APPROVAL_CASE_STATES, APPROVAL_STEP_STATES } from "../projections/approvals.js";
import { asOf, counted, deployed, enumName, reader, rowByRow, type Check } from "./check.js";

interface ProcessView {
  issuer: number;
  resultKind: number;
  stepCount: number;
  stageCount: number;
  retired: boolean;
  resultValidity: bigint;
  termsHash: string;
}

interface StepDefinitionView {
  department: number;
  stage: number;
  deadlineDays: number;
  documentKinds: readonly string[];
}

interface CaseView {
  processId: number;
  applicant: number;
  state: number;
  stage: number;
  stepsLeft: number;
  certificateId: bigint;
  applicantRef: string;
  recordHash: string;
}

interface CaseStepView {
  department: number;
  state: number;
  openedDay: number;
  dueDay: number;
  pausedDay: number;
  remainingDays: number;
  documentRequests: number;
  decidedDay: number;
}

const kinds = (list: unknown): string => ((list ?? []) as string[]).map((k) => k.toLowerCase()).join(",");

export const APPROVAL_CHECKS: readonly Check[] = [
  {
    name: "approval processes and officers",
    tables: ["approval_processes", "approval_process_steps", "approval_officers"],
    async run(ctx) {
      if (!deployed(ctx, "ApprovalProcesses")) return [];
      const call = reader(ctx, "ApprovalProcesses", ApprovalProcesses__factory.abi);
      const processes = await asOf(ctx, "t.*", "approval_processes");
      const steps = await asOf(ctx, "t.*", "approval_process_steps");
      const officers = await asOf(ctx, "t.account, t.department, t.allowed", "approval_officers");
      return [
        await counted("processCount", processes, call("processCount")),
        ...(await rowByRow<ProcessView>(
          processes,
          (p) => call("process", [p.process_id]),
          (p) => `approval process ${String(p.process_id)}`,
          (p, c) => [
            ["issuer", p.issuer, c.issuer],
            ["resultKind", p.result_kind, c.resultKind],
            ["resultValidity", p.result_validity, c.resultValidity],
            ["stepCount", p.step_count, c.stepCount],
            ["stageCount", p.stage_count, c.stageCount],
            ["retired", p.retired, c.retired],
            ["termsHash", p.terms_hash, c.termsHash],
          ],
        )),
        ...(await rowByRow<StepDefinitionView>(
          steps,
          (s) => call("processStep", [s.process_id, s.step]),
          (s) => `approval process ${String(s.process_id)} step ${String(s.step)}`,
          (s, c) => [
            ["department", s.department, c.department],
            ["stage", s.stage, c.stage],
            ["deadlineDays", s.deadline_days, c.deadlineDays],
            ["documentKinds", kinds(s.document_kinds), kinds(c.documentKinds)],
          ],
        )),
        ...(await rowByRow<number>(
          officers,
          (o) => call("officerOf", [o.account]),
          (o) => `approval officer ${String(o.account)}`,
          (o, c) => [["department", o.allowed === true ? o.department : 0, c]],
        )),
      ];
    },
  },
  {
    name: "approval cases and their steps",
    tables: ["approval_cases", "approval_case_steps"],
    async run(ctx) {
      if (!deployed(ctx, "ApprovalProcesses")) return [];
      const call = reader(ctx, "ApprovalProcesses", ApprovalProcesses__factory.abi);
      const cases = await asOf(ctx, "t.*", "approval_cases");
      const steps = await asOf(ctx, "t.*", "approval_case_steps");
      return [
        await counted("caseCount", cases, call("caseCount")),
        ...(await rowByRow<CaseView>(
          cases,
          (c) => call("caseRecord", [c.case_id]),
          (c) => `approval case ${String(c.case_id)}`,
          (r, c) => [
            ["processId", r.process_id, c.processId],
            ["applicant", r.applicant, c.applicant],
            ["state", r.state, enumName(APPROVAL_CASE_STATES, c.state)],
            ["stage", r.stage, c.stage],
            ["stepsLeft", r.steps_left, c.stepsLeft],
            ["certificateId", r.certificate_id, c.certificateId],
            ["applicantRef", r.applicant_ref, c.applicantRef],
            ["recordHash", r.record_hash, c.recordHash],
          ],
        )),
        ...(await rowByRow<CaseStepView>(
          steps,
          (s) => call("caseStep", [s.case_id, s.step]),
          (s) => `approval case ${String(s.case_id)} step ${String(s.step)}`,
          (s, c) => [
            ["department", s.department, c.department],
            ["state", s.state, enumName(APPROVAL_STEP_STATES, c.state)],
            ["openedDay", s.opened_day, c.openedDay],
            ["dueDay", s.due_day, c.dueDay],
            ["pausedDay", s.paused_day, c.pausedDay],
            ["remainingDays", s.remaining_days, c.remainingDays],
            ["documentRequests", s.document_requests, c.documentRequests],
            ["decidedDay", s.decided_day, c.decidedDay],
          ],
        )),
      ];
    },
  },
  {
    name: "consortium calendar",
    tables: ["calendar_years"],
    async run(ctx) {
      if (!deployed(ctx, "ConsortiumCalendar")) return [];
      const call = reader(ctx, "ConsortiumCalendar", ConsortiumCalendar__factory.abi);
      const years = await asOf(ctx, "t.*", "calendar_years");
      return rowByRow<[bigint, bigint, boolean]>(
        years,
        (y) => call("workingDaysOf", [y.year]),
        (y) => `calendar year ${String(y.year)}`,
        (y, c) => [
          // The stored second word carries the vote marker (bit 255); the event's does not.
          ["firstDays", y.first_days, c[0]],
          ["lastDays", y.last_days, c[1] & ((1n << 255n) - 1n)],
          ["voted", y.voted, c[2]],
        ],
      );
    },
  },
];

export const APPROVAL_GAPS: Readonly<Record<string, string>> = {
  approval_timeline: "case history: ApprovalProcesses keeps the current record only (states and days are compared)",
  approval_delegations: "who handed a step to whom: the contract keeps the step's current department only (compared)",
  approval_documents: "documents by hash: on chain only in events (the case's record hash, compared, chains them)",
  "approval_case_steps.decision_hash/reason_hash/acted_by/overdue/delegations/original_department":
    "the case step view has days, state and department only (events only; overdue is derived from the days)",
  "approval_cases.applicant_account/issuer/rejected_step/closed_block":
    "the case view has no accounts or closing details (events only)",
  "approval_officers.granted_by": "the officer view names the member only (events only)",
};
