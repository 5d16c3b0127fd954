import { ApprovalProcesses__factory } from "@consortia/sdk/typechain/factories/approvals/ApprovalProcesses__factory.js";
import { ConsortiumCalendar__factory } from "@consortia/sdk/typechain/factories/platform/ConsortiumCalendar__factory.js";
import {
  createTableSql,
  defineProjection,
  type EventHandler,
  type IndexedEvent,
  type ProjectionStore,
  type TableSpec,
} from "../projection.js";
import { onPaused, onUnpaused } from "./platform.js";

/** Enum names of IApprovalProcesses, by their uint8 value. */
export const APPROVAL_CASE_STATES = ["None", "Open", "Approved", "Rejected", "Withdrawn"] as const;
export const APPROVAL_STEP_STATES = [
  "Pending",
  "Open",
  "Accepted",
  "AwaitingDocuments",
  "Approved",
  "Rejected",
] as const;

/**
 * Tables. Days are day numbers of the consortium calendar (days since 1970-01-01, local time); a step's `overdue`
 * is final once decided (`decided_day > due_day`) and, while it runs, computed by the API against today.
 */
export const APPROVAL_TABLES = [
  {
    kind: "versioned",
    name: "approval_processes",
    key: ["process_id"],
    columns: {
      process_id: "bigint",
      issuer: "bigint",
      result_kind: "integer",
      result_validity: "numeric",
      terms_hash: "text",
      step_count: "integer",
      stage_count: "integer",
      retired: "boolean",
      defined_block: "bigint",
      defined_tx: "text",
    },
  },
  {
    kind: "versioned",
    name: "approval_process_steps",
    key: ["process_id", "step"],
    columns: {
      process_id: "bigint",
      step: "integer",
      department: "bigint",
      stage: "integer",
      deadline_days: "integer",
      document_kinds: "jsonb",
    },
    indexes: [["department"]],
  },
  {
    kind: "versioned",
    name: "approval_officers",
    key: ["account"],
    columns: { account: "text", department: "bigint", allowed: "boolean", granted_by: "text" },
    indexes: [["department"]],
  },
  {
    kind: "versioned",
    name: "approval_cases",
    key: ["case_id"],
    columns: {
      case_id: "numeric",
      process_id: "bigint",
      applicant: "bigint",
      applicant_account: "text",
      applicant_ref: "text",
      state: "text",
      stage: "integer",
      steps_left: "integer",
      record_hash: "text",
      certificate_id: "numeric",
      issuer: "bigint",
      rejected_step: "integer",
      submitted_block: "bigint",
      submitted_tx: "text",
      closed_block: "bigint",
    },
    indexes: [["process_id"], ["applicant"], ["state"]],
  },
  {
    kind: "versioned",
    name: "approval_case_steps",
    key: ["case_id", "step"],
    columns: {
      case_id: "numeric",
      step: "integer",
      process_id: "bigint",
      stage: "integer",
      department: "bigint",
      original_department: "bigint",
      state: "text",
      opened_day: "integer",
      due_day: "integer",
      paused_day: "integer",
      remaining_days: "integer",
      document_requests: "integer",
      decided_day: "integer",
      overdue: "boolean",
      decision_hash: "text",
      reason_hash: "text",
      acted_by: "text",
      delegations: "integer",
    },
    indexes: [["department"], ["state"]],
  },
  {
    kind: "append",
    name: "approval_delegations",
    columns: {
      case_id: "numeric",
      step: "integer",
      from_department: "bigint",
      to_department: "bigint",
      reason_hash: "text",
      account: "text",
    },
    indexes: [["case_id"]],
  },
  {
    kind: "append",
    name: "approval_documents",
    columns: { case_id: "numeric", step: "integer", kind: "text", content_hash: "text", account: "text" },
    indexes: [["case_id"], ["content_hash"]],
  },
  {
    kind: "append",
    name: "approval_timeline",
    columns: {
      case_id: "numeric",
      event: "text",
      step: "integer",
      department: "bigint",
      account: "text",
      details: "jsonb",
    },
    indexes: [["case_id"]],
  },
  {
    kind: "versioned",
    name: "calendar_years",
    key: ["year"],
    columns: {
      year: "integer",
      first_days: "numeric",
      last_days: "numeric",
      working_days: "integer",
      voted: "boolean",
    },
  },
] as const satisfies readonly TableSpec[];

type Row = Record<string, unknown>;

async function current(store: ProjectionStore, table: string, key: Row): Promise<Row> {
  const row = await store.get(table, key);
  if (row === undefined) throw new Error(`${table} ${JSON.stringify(key, (_k, v: unknown) => String(v))} unknown`);
  return row;
}

async function setCase(store: ProjectionStore, id: unknown, changes: Row): Promise<Row> {
  const row = { ...(await current(store, "approval_cases", { case_id: id })), ...changes };
  store.put("approval_cases", row);
  return row;
}

async function setStep(store: ProjectionStore, id: unknown, step: unknown, changes: Row): Promise<Row> {
  const key = { case_id: id, step: Number(step) };
  const row = { ...(await current(store, "approval_case_steps", key)), ...changes };
  store.put("approval_case_steps", row);
  return row;
}

function timeline(store: ProjectionStore, e: IndexedEvent, details: Row = {}): void {
  store.append("approval_timeline", {
    case_id: e.args.caseId,
    event: e.event,
    step: e.args.step === undefined ? null : Number(e.args.step),
    department: (e.args.department ?? e.args.from ?? null) as bigint | null,
    account: (e.args.account ?? null) as string | null,
    details,
  });
}

function documents(store: ProjectionStore, e: IndexedEvent, step: number | null): Row[] {
  const list = e.args.documents as readonly { kind: string; contentHash: string }[];
  for (const d of list) {
    store.append("approval_documents", {
      case_id: e.args.caseId,
      step,
      kind: d.kind,
      content_hash: d.contentHash,
      account: e.args.account,
    });
  }
  return list.map((d) => ({ kind: d.kind, contentHash: d.contentHash }));
}

interface DefinitionArgs {
  issuer: bigint;
  resultKind: bigint;
  resultValidity: bigint;
  termsHash: string;
  steps: readonly { department: bigint; stage: bigint; deadlineDays: bigint; documentKinds: readonly string[] }[];
}

const decided: (state: string) => EventHandler = (state) => async (e, store) => {
  const day = Number(e.args.decidedDay);
  const due = Number(e.args.dueDay);
  const hash = state === "Approved" ? e.args.decisionHash : e.args.reasonHash;
  await setStep(store, e.args.caseId, e.args.step, {
    state,
    decided_day: day,
    overdue: day > due,
    [state === "Approved" ? "decision_hash" : "reason_hash"]: hash,
    acted_by: e.args.account,
  });
  if (state === "Approved") {
    const c = await current(store, "approval_cases", { case_id: e.args.caseId });
    await setCase(store, e.args.caseId, {
      steps_left: Number(c.steps_left) - 1,
      record_hash: e.args.recordHash,
    });
  }
  timeline(store, e, { hash, decidedDay: day, dueDay: due, late: day > due });
};

export default defineProjection({
  name: "approvals",
  contracts: {
    ApprovalProcesses: ApprovalProcesses__factory.abi,
    ConsortiumCalendar: ConsortiumCalendar__factory.abi,
  },
  tables: APPROVAL_TABLES,
  migrations: [{ id: "approvals/001_tables", sql: APPROVAL_TABLES.map(createTableSql).join(";\n") }],
  handlers: {
    ApprovalProcesses: {
      ProcessDefined: (e, store) => {
        const d = e.args.definition as DefinitionArgs;
        const stages = d.steps.reduce((max, s) => Math.max(max, Number(s.stage)), 0) + 1;
        store.put("approval_processes", {
          process_id: e.args.processId,
          issuer: d.issuer,
          result_kind: Number(d.resultKind),
          result_validity: d.resultValidity,
          terms_hash: d.termsHash,
          step_count: d.steps.length,
          stage_count: stages,
          retired: false,
          defined_block: e.blockNumber,
          defined_tx: e.txHash,
        });
        d.steps.forEach((s, step) =>
          store.put("approval_process_steps", {
            process_id: e.args.processId,
            step,
            department: s.department,
            stage: Number(s.stage),
            deadline_days: Number(s.deadlineDays),
            document_kinds: [...s.documentKinds],
          }),
        );
      },
      ProcessRetired: async (e, store) => {
        const key = { process_id: e.args.processId };
        store.put("approval_processes", { ...(await current(store, "approval_processes", key)), retired: true });
      },
      OfficerSet: (e, store) => {
        store.put("approval_officers", {
          account: e.args.officer,
          department: e.args.department,
          allowed: e.args.allowed,
          granted_by: e.args.account,
        });
      },
      CaseSubmitted: (e, store) => {
        store.put("approval_cases", {
          case_id: e.args.caseId,
          process_id: e.args.processId,
          applicant: e.args.applicant,
          applicant_account: e.args.account,
          applicant_ref: e.args.applicantRef,
          state: "Open",
          stage: 0,
          steps_left: 0,
          record_hash: e.args.recordHash,
          certificate_id: null,
          issuer: null,
          rejected_step: null,
          submitted_block: e.blockNumber,
          submitted_tx: e.txHash,
          closed_block: null,
        });
        timeline(store, e, { documents: documents(store, e, null), applicantRef: e.args.applicantRef });
      },
      StepOpened: async (e, store) => {
        const c = await current(store, "approval_cases", { case_id: e.args.caseId });
        const definition = await current(store, "approval_process_steps", {
          process_id: c.process_id,
          step: Number(e.args.step),
        });
        const stage = Number(definition.stage);
        store.put("approval_case_steps", {
          case_id: e.args.caseId,
          step: Number(e.args.step),
          process_id: c.process_id,
          stage,
          department: e.args.department,
          original_department: e.args.department,
          state: "Open",
          opened_day: Number(e.args.openedDay),
          due_day: Number(e.args.dueDay),
          paused_day: 0,
          remaining_days: 0,
          document_requests: 0,
          decided_day: 0,
          overdue: false,
          decision_hash: null,
          reason_hash: null,
          acted_by: null,
          delegations: 0,
        });
        // The stage's steps open together: the case's stage and count of steps left follow each opening.
        const sameStage = Number(c.stage) === stage && c.state === "Open" && Number(c.steps_left) > 0;
        await setCase(store, e.args.caseId, { stage, steps_left: sameStage ? Number(c.steps_left) + 1 : 1 });
        timeline(store, e, { openedDay: Number(e.args.openedDay), dueDay: Number(e.args.dueDay) });
      },
      StepAccepted: async (e, store) => {
        await setStep(store, e.args.caseId, e.args.step, { state: "Accepted", acted_by: e.args.account });
        timeline(store, e, { day: Number(e.args.day) });
      },
      DocumentsRequested: async (e, store) => {
        const s = await current(store, "approval_case_steps", { case_id: e.args.caseId, step: Number(e.args.step) });
        await setStep(store, e.args.caseId, e.args.step, {
          state: "AwaitingDocuments",
          paused_day: Number(e.args.day),
          remaining_days: Number(e.args.remainingDays),
          document_requests: Number(s.document_requests) + 1,
          acted_by: e.args.account,
        });
        timeline(store, e, {
          requestHash: e.args.requestHash,
          day: Number(e.args.day),
          remainingDays: Number(e.args.remainingDays),
        });
      },
      DocumentsSupplied: async (e, store) => {
        await setStep(store, e.args.caseId, e.args.step, { state: "Accepted", due_day: Number(e.args.dueDay) });
        await setCase(store, e.args.caseId, { record_hash: e.args.recordHash });
        timeline(store, e, {
          documents: documents(store, e, Number(e.args.step)),
          day: Number(e.args.day),
          dueDay: Number(e.args.dueDay),
        });
      },
      StepApproved: decided("Approved"),
      StepRejected: decided("Rejected"),
      StepDelegated: async (e, store) => {
        const s = await current(store, "approval_case_steps", { case_id: e.args.caseId, step: Number(e.args.step) });
        await setStep(store, e.args.caseId, e.args.step, {
          department: e.args.to,
          delegations: Number(s.delegations) + 1,
          acted_by: e.args.account,
        });
        store.append("approval_delegations", {
          case_id: e.args.caseId,
          step: Number(e.args.step),
          from_department: e.args.from,
          to_department: e.args.to,
          reason_hash: e.args.reasonHash,
          account: e.args.account,
        });
        timeline(store, e, { to: e.args.to, reasonHash: e.args.reasonHash });
      },
      CaseApproved: async (e, store) => {
        await setCase(store, e.args.caseId, {
          state: "Approved",
          steps_left: 0,
          certificate_id: e.args.certificateId,
          issuer: e.args.issuer,
          record_hash: e.args.recordHash,
          closed_block: e.blockNumber,
        });
        timeline(store, e, { certificateId: e.args.certificateId, issuer: e.args.issuer });
      },
      CaseRejected: async (e, store) => {
        await setCase(store, e.args.caseId, {
          state: "Rejected",
          rejected_step: Number(e.args.step),
          closed_block: e.blockNumber,
        });
        timeline(store, e);
      },
      CaseWithdrawn: async (e, store) => {
        await setCase(store, e.args.caseId, { state: "Withdrawn", closed_block: e.blockNumber });
        timeline(store, e);
      },
      Paused: onPaused,
      Unpaused: onUnpaused,
    },
    ConsortiumCalendar: {
      WorkingDaysSet: (e, store) => {
        store.put("calendar_years", {
          year: Number(e.args.year),
          first_days: e.args.firstDays,
          last_days: e.args.lastDays,
          working_days: Number(e.args.workingDays),
          voted: true,
        });
      },
      WorkingDaysCleared: (e, store) => {
        store.remove("calendar_years", { year: Number(e.args.year) });
      },
    },
  },
});
