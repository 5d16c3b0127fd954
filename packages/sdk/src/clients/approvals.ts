/**
 * Cross-department approvals (ApprovalProcesses, 行政审批) and the consortium calendar (ConsortiumCalendar) their
 * deadlines count in: processes defined by vote, cases submitted by an applicant member, each department's officer
 * accepting, approving, rejecting, asking for documents or delegating its step; the result e-certificate issued at the
 * last approval. Only hashes go on chain: the applicant is a keyed identifier, documents and reasons are hashes.
 * Days are day numbers of the calendar (days since 1970-01-01 in the consortium's time zone).
 */
import { keccak256, toUtf8Bytes, type ContractTransactionReceipt, type Interface } from "ethers";
import { ApprovalProcesses__factory } from "../typechain/factories/approvals/ApprovalProcesses__factory.js";
import { ConsortiumCalendar__factory } from "../typechain/factories/platform/ConsortiumCalendar__factory.js";
import { ConsortiumRegistry__factory } from "../typechain/factories/platform/ConsortiumRegistry__factory.js";
import type { ApprovalProcesses } from "../typechain/approvals/ApprovalProcesses.js";
import type { ConsortiumCalendar } from "../typechain/platform/ConsortiumCalendar.js";
import { defineClient, type ClientContext, type SendOptions } from "./define.js";
import { eventArgs } from "./events.js";

export const APPROVAL_CASE_STATE = ["None", "Open", "Approved", "Rejected", "Withdrawn"] as const;
export const APPROVAL_STEP_STATE = [
  "Pending",
  "Open",
  "Accepted",
  "AwaitingDocuments",
  "Approved",
  "Rejected",
] as const;
export type ApprovalCaseStateName = (typeof APPROVAL_CASE_STATE)[number];
export type ApprovalStepStateName = (typeof APPROVAL_STEP_STATE)[number];

/** `keccak256(utf8(name))`: how a document kind is named on chain (`documentKind("fire-safety-plan")`). */
export function documentKind(name: string): string {
  return keccak256(toUtf8Bytes(name));
}

/** One step of a process: the department deciding it, its stage (steps of a stage run in parallel), its deadline. */
export interface ApprovalStepInput {
  department: number;
  stage: number;
  /** Working days the department has from the day the step opens. */
  deadlineDays: number;
  /** Document kinds the case must bring for this step (hashes, see `documentKind`). */
  documentKinds?: string[];
}

/** A process, as a governance proposal defines it. */
export interface ApprovalProcessInput {
  /** Member (CERTIFICATE_ISSUER) in whose name the result e-certificate is issued. */
  issuer: number;
  /** E-certificate kind of the result. */
  resultKind: number;
  /** Seconds the result is valid from issuance (0: no expiry). */
  resultValidity?: bigint | number;
  /** Hash of the published process text. */
  termsHash: string;
  steps: ApprovalStepInput[];
}

/** A document a case brings: its kind and the hash of its content (the file stays off chain). */
export interface ApprovalDocumentInput {
  kind: string;
  contentHash: string;
}

/** A day number as an ISO date (`2027-01-04`). */
export function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** The day number of an ISO date (`2027-01-04`). */
export function dayNumber(isoDate: string): number {
  const ms = Date.parse(`${isoDate}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate) || Number.isNaN(ms)) {
    throw new Error(`malformed date "${isoDate}": expected YYYY-MM-DD`);
  }
  return ms / 86_400_000;
}

/**
 * A year's working days as the calendar's two words (bit `i` is day `i` of the year): `days` lists the working
 * days (ISO dates of `year`).
 */
export function workingDaysBitmap(year: number, days: readonly string[]): { firstDays: bigint; lastDays: bigint } {
  const start = dayNumber(`${String(year).padStart(4, "0")}-01-01`);
  let firstDays = 0n;
  let lastDays = 0n;
  for (const date of days) {
    if (!date.startsWith(`${year}-`)) throw new Error(`${date} is not in ${year}`);
    const index = dayNumber(date) - start;
    if (index < 256) firstDays |= 1n << BigInt(index);
    else lastDays |= 1n << BigInt(index - 256);
  }
  return { firstDays, lastDays };
}

/**
 * The working days of `year` by the default rule (Monday to Friday) with `holidays` taken off and `workdays`
 * (make-up Saturdays or Sundays) put on; what `consortia calendar set-working-days` proposes.
 */
export function yearWorkingDays(year: number, holidays: readonly string[] = [], workdays: readonly string[] = []) {
  const off = new Set(holidays);
  const on = new Set(workdays);
  const days: string[] = [];
  const start = dayNumber(`${String(year).padStart(4, "0")}-01-01`);
  const end = dayNumber(`${String(year + 1).padStart(4, "0")}-01-01`);
  for (let day = start; day < end; day++) {
    const date = isoDay(day);
    const weekday = new Date(day * 86_400_000).getUTCDay();
    if (on.has(date) || (weekday !== 0 && weekday !== 6 && !off.has(date))) days.push(date);
  }
  for (const date of [...off, ...on]) if (!date.startsWith(`${year}-`)) throw new Error(`${date} is not in ${year}`);
  return days;
}

export type ApprovalsClient = ReturnType<typeof createApprovalsClient>;

function createApprovalsClient(context: ClientContext) {
  const contract: ApprovalProcesses = context.connect("ApprovalProcesses", ApprovalProcesses__factory);
  const address = context.address("ApprovalProcesses");
  const calendarContract: ConsortiumCalendar = context.connect("ConsortiumCalendar", ConsortiumCalendar__factory);
  const calendarAddress = context.address("ConsortiumCalendar");
  const send = (transaction: () => ReturnType<ApprovalProcesses["accept"]>, options?: SendOptions) =>
    context.send(contract, transaction, options);
  const event = (receipt: ContractTransactionReceipt, name: string) =>
    eventArgs(receipt, address, contract.interface, name);

  /** Proposes a governance call to `target` (the registry votes it) and returns the proposal id. */
  async function propose(target: string, data: string, description: string, options?: SendOptions) {
    const registry = context.connect("ConsortiumRegistry", ConsortiumRegistry__factory);
    const registryAddress = context.address("ConsortiumRegistry");
    const receipt = await context.send(
      registry,
      () => registry.propose(target, data, keccak256(toUtf8Bytes(description))),
      options,
    );
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() !== registryAddress.toLowerCase()) continue;
      const parsed = (registry.interface as Interface).parseLog(log);
      if (parsed?.name === "ProposalCreated") {
        return { proposalId: parsed.args.proposalId as bigint, transactionHash: receipt.hash };
      }
    }
    throw new Error(`transaction ${receipt.hash} created no proposal`);
  }

  const documents = (list: readonly ApprovalDocumentInput[]) =>
    list.map((d) => ({ kind: d.kind, contentHash: d.contentHash }));

  function processStruct(input: ApprovalProcessInput) {
    return {
      issuer: input.issuer,
      resultKind: input.resultKind,
      resultValidity: BigInt(input.resultValidity ?? 0),
      termsHash: input.termsHash,
      steps: input.steps.map((s) => ({
        department: s.department,
        stage: s.stage,
        deadlineDays: s.deadlineDays,
        documentKinds: s.documentKinds ?? [],
      })),
    };
  }

  async function processInfo(processId: number) {
    const record = await contract.process(processId);
    if (record.stepCount === 0n) throw new Error(`no approval process ${processId}`);
    const steps = await Promise.all(
      Array.from({ length: Number(record.stepCount) }, async (_, index) => {
        const s = await contract.processStep(processId, index);
        return {
          index,
          department: Number(s.department),
          stage: Number(s.stage),
          deadlineDays: Number(s.deadlineDays),
          documentKinds: [...s.documentKinds],
        };
      }),
    );
    return {
      id: processId,
      issuer: Number(record.issuer),
      resultKind: Number(record.resultKind),
      resultValidity: Number(record.resultValidity),
      stageCount: Number(record.stageCount),
      retired: record.retired,
      definedAt: Number(record.definedAt),
      termsHash: record.termsHash,
      steps,
    };
  }

  async function caseInfo(caseId: bigint) {
    const record = await contract.caseRecord(caseId);
    if (record.state === 0n) throw new Error(`no approval case ${caseId}`);
    const processRecord = await contract.process(record.processId);
    const [today, steps] = await Promise.all([
      calendarContract.today(),
      Promise.all(Array.from({ length: Number(processRecord.stepCount) }, (_, index) => caseStep(caseId, index))),
    ]);
    return {
      id: caseId,
      processId: Number(record.processId),
      applicant: Number(record.applicant),
      state: APPROVAL_CASE_STATE[Number(record.state)],
      stage: Number(record.stage),
      stepsLeft: Number(record.stepsLeft),
      submittedAt: Number(record.submittedAt),
      closedAt: Number(record.closedAt),
      certificateId: record.certificateId,
      applicantRef: record.applicantRef,
      recordHash: record.recordHash,
      today: Number(today),
      steps,
    };
  }

  async function caseStep(caseId: bigint, step: number) {
    const [s, overdue] = await Promise.all([contract.caseStep(caseId, step), contract.isOverdue(caseId, step)]);
    return {
      index: step,
      department: Number(s.department),
      state: APPROVAL_STEP_STATE[Number(s.state)],
      openedDay: Number(s.openedDay),
      dueDay: Number(s.dueDay),
      pausedDay: Number(s.pausedDay),
      remainingDays: Number(s.remainingDays),
      documentRequests: Number(s.documentRequests),
      decidedDay: Number(s.decidedDay),
      overdue,
    };
  }

  /**
   * A step's deadline in the calendar: its due day (and date), the working days left from today (0 once due), and
   * whether it is overdue. A step awaiting documents has its clock paused: `paused` is true and `workingDaysLeft` is
   * what the clock will resume with.
   */
  async function deadline(caseId: bigint, step: number) {
    const [s, today] = await Promise.all([caseStep(caseId, step), calendarContract.today()]);
    const paused = s.state === "AwaitingDocuments";
    const open = s.state === "Open" || s.state === "Accepted";
    const left = paused
      ? s.remainingDays
      : open
        ? Number(await calendarContract.workingDaysBetween(today, s.dueDay))
        : 0;
    return {
      caseId,
      step,
      state: s.state,
      dueDay: s.dueDay,
      dueDate: s.dueDay === 0 ? undefined : isoDay(s.dueDay),
      today: Number(today),
      workingDaysLeft: left,
      paused,
      overdue: s.overdue,
    };
  }

  return {
    contract,
    address,
    // --- governance
    /** The calldata of `defineProcess` (what a proposal carries). */
    encodeDefineProcess: (input: ApprovalProcessInput) =>
      contract.interface.encodeFunctionData("defineProcess", [processStruct(input)]),
    /** Proposes a process definition to the consortium's vote; returns the proposal id. */
    proposeDefineProcess: (input: ApprovalProcessInput, description: string, options?: SendOptions) =>
      propose(
        address,
        contract.interface.encodeFunctionData("defineProcess", [processStruct(input)]),
        description,
        options,
      ),
    /** Proposes retiring a process (no new cases). */
    proposeRetireProcess: (processId: number, description: string, options?: SendOptions) =>
      propose(address, contract.interface.encodeFunctionData("retireProcess", [processId]), description, options),
    // --- departments' admins
    /** Grants (or withdraws) the officer role of one of the caller member's accounts. By an Admin account. */
    setOfficer: (officer: string, allowed = true, options?: SendOptions) =>
      send(() => contract.setOfficer(officer, allowed), options),
    officerOf: async (account: string) => Number(await contract.officerOf(account)),
    // --- applicant
    /** Submits a case (the caller's member is the applicant); returns its id. */
    async submit(
      processId: number,
      applicantRef: string,
      docs: readonly ApprovalDocumentInput[],
      options?: SendOptions,
    ) {
      const receipt = await send(() => contract.submit(processId, applicantRef, documents(docs)), options);
      return { caseId: event(receipt, "CaseSubmitted").caseId as bigint, receipt };
    },
    withdraw: (caseId: bigint, options?: SendOptions) => send(() => contract.withdraw(caseId), options),
    /** Supplies the documents a department asked for: the step's clock resumes. */
    supplyDocuments: (caseId: bigint, step: number, docs: readonly ApprovalDocumentInput[], options?: SendOptions) =>
      send(() => contract.supplyDocuments(caseId, step, documents(docs)), options),
    // --- department officers
    accept: (caseId: bigint, step: number, options?: SendOptions) => send(() => contract.accept(caseId, step), options),
    /** Approves an accepted step; the last approval of all issues the result certificate (returned then). */
    async approve(caseId: bigint, step: number, decisionHash: string, options?: SendOptions) {
      const receipt = await send(() => contract.approve(caseId, step, decisionHash), options);
      let certificateId: bigint | undefined;
      for (const log of receipt.logs) {
        if (log.address.toLowerCase() !== address.toLowerCase()) continue;
        const parsed = contract.interface.parseLog(log);
        if (parsed?.name === "CaseApproved") certificateId = parsed.args.certificateId as bigint;
      }
      return { certificateId, receipt };
    },
    /** Rejects the step (and the case) with the hash of the reasons. */
    reject: (caseId: bigint, step: number, reasonHash: string, options?: SendOptions) =>
      send(() => contract.reject(caseId, step, reasonHash), options),
    /** Asks the applicant for more documents (hash of the request): the step's clock pauses. */
    requestDocuments: (caseId: bigint, step: number, requestHash: string, options?: SendOptions) =>
      send(() => contract.requestDocuments(caseId, step, requestHash), options),
    /** Hands the step to another department (recorded with the hash of the reason); the deadline stays. */
    delegate: (caseId: bigint, step: number, to: number, reasonHash: string, options?: SendOptions) =>
      send(() => contract.delegate(caseId, step, to, reasonHash), options),
    // --- views
    process: processInfo,
    case: caseInfo,
    caseStep,
    deadline,
    processCount: async () => Number(await contract.processCount()),
    caseCount: () => contract.caseCount(),
    /** The consortium calendar: working days, and the proposals that set a year's. */
    calendar: {
      contract: calendarContract,
      address: calendarAddress,
      today: async () => Number(await calendarContract.today()),
      dayOf: async (timestamp: bigint | number) => Number(await calendarContract.dayOf(BigInt(timestamp))),
      isWorkingDay: (day: number) => calendarContract.isWorkingDay(day),
      addWorkingDays: async (start: number, count: number) =>
        Number(await calendarContract.addWorkingDays(start, count)),
      workingDaysBetween: async (fromDay: number, toDay: number) =>
        Number(await calendarContract.workingDaysBetween(fromDay, toDay)),
      utcOffset: async () => Number(await calendarContract.utcOffset()),
      /** A year's working days (ISO dates) and whether a vote set them. */
      async year(year: number) {
        const [firstDays, lastDays, voted] = await calendarContract.workingDaysOf(year);
        const start = dayNumber(`${String(year).padStart(4, "0")}-01-01`);
        const end = dayNumber(`${String(year + 1).padStart(4, "0")}-01-01`);
        const days: string[] = [];
        for (let day = start; day < end; day++) {
          const index = day - start;
          const word = index < 256 ? firstDays : lastDays;
          const bit = BigInt(index < 256 ? index : index - 256);
          const working = voted
            ? ((word >> bit) & 1n) === 1n
            : ![0, 6].includes(new Date(day * 86_400_000).getUTCDay());
          if (working) days.push(isoDay(day));
        }
        return { year, voted, workingDays: days };
      },
      /** Proposes a year's working days (ISO dates) to the consortium's vote. */
      proposeWorkingDays: (year: number, days: readonly string[], description: string, options?: SendOptions) => {
        const { firstDays, lastDays } = workingDaysBitmap(year, days);
        const data = calendarContract.interface.encodeFunctionData("setWorkingDays", [year, firstDays, lastDays]);
        return propose(calendarAddress, data, description, options);
      },
      /** Proposes withdrawing a year's vote (Monday to Friday again). */
      proposeClearWorkingDays: (year: number, description: string, options?: SendOptions) =>
        propose(
          calendarAddress,
          calendarContract.interface.encodeFunctionData("clearWorkingDays", [year]),
          description,
          options,
        ),
    },
  };
}

const caseOf = (p: Record<string, string>) => `case ${p.caseId}`;
const stepOf = (p: Record<string, string>) => `case ${p.caseId} step ${p.step}`;

export default defineClient({
  contracts: {
    ApprovalProcesses: ApprovalProcesses__factory,
    ConsortiumCalendar: ConsortiumCalendar__factory,
  },
  enums: {
    "IApprovalProcesses.CaseState": APPROVAL_CASE_STATE,
    "IApprovalProcesses.StepState": APPROVAL_STEP_STATE,
  },
  messages: {
    UnknownProcess: (p) => `no approval process ${p.processId}`,
    ProcessIsRetired: (p) => `approval process ${p.processId} is retired and takes no new cases`,
    InvalidStep: (p) => `step ${p.step} of the process definition is invalid (${p.field})`,
    UnknownCase: (p) => `no approval ${caseOf(p)}`,
    UnknownStep: (p) => `${caseOf(p)} has no step ${p.step}`,
    CaseNotOpen: (p) => `${caseOf(p)} is ${p.state}, not open`,
    StageNotReached: (p) => `${stepOf(p)} is in stage ${p.stage}; the case is at stage ${p.currentStage}`,
    StepWrongState: (p) => `${stepOf(p)} is ${p.state}`,
    WrongDepartment: (p) => `${stepOf(p)} is decided by member ${p.department}, not member ${p.memberId}`,
    NotOfficer: (p) => `account ${p.account} is not an officer of member ${p.memberId} (its admin grants the role)`,
    NotDepartmentAdmin: (p) => `account ${p.account} is not an admin account of member ${p.memberId}`,
    OfficerOfOtherMember: (p) => `account ${p.officer} does not belong to member ${p.memberId}`,
    NotApplicant: (p) => `${caseOf(p)} was submitted by member ${p.applicant}, not member ${p.memberId}`,
    ApplicantIsDepartment: (p) =>
      `member ${p.applicant} is a department of process ${p.processId} and cannot apply to it`,
    DocumentMissing: (p) => `step ${p.step} requires a document of kind ${p.kind}`,
    InvalidDocuments: (p) => `document ${p.index} has no kind or hash, or the list is empty or too long`,
    InvalidDelegate: (p) =>
      `${stepOf(p)} cannot be delegated to member ${p.to} (its department, the applicant, or the department of ` +
      `another step of the same stage)`,
    CalendarYearOutOfRange: (p) => `year ${p.year} is outside the calendar (1970..2199)`,
    CalendarDaysBeyondYear: (p) => `the working days of ${p.year} mark days beyond its ${p.daysInYear} days`,
    CalendarTooManyDays: (p) => `${p.count} working days asked for; a deadline spans at most ${p.max}`,
    CalendarSpanExceeded: (p) => `counting from day ${p.fromDay} passes ${p.maxSpan} calendar days`,
  },
  create: createApprovalsClient,
});
