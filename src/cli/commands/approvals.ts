/**
 * `consortia approval ...`: cross-department approvals (processes by vote, cases, each department's steps), and
 * `consortia calendar ...`: the consortium's working days that deadlines count in.
 */
import type { Command } from "commander";
import {
  documentKind,
  isoDay,
  yearWorkingDays,
  type ApprovalDocumentInput,
  type ApprovalStepInput,
  type Consortia,
} from "@consortia/sdk";
import type { Cli } from "../context.js";
import { UsageError } from "../errors.js";
import { NotFoundError } from "../found.js";
import { details, table } from "../output.js";
import { collect, parseCount, parseHash, parseId } from "../parse.js";
import { accountOf, memberIdOf, printed } from "./parties.js";
import { progress } from "./shared.js";

/** A document kind: `0x` + 64 hex digits, or a name hashed as `documentKind(name)` ("fire-safety-plan"). */
function parseKindName(value: string): string {
  const text = value.trim();
  if (/^0x[0-9a-fA-F]{64}$/.test(text)) return text.toLowerCase();
  if (!/^[a-z0-9][a-z0-9-]*$/.test(text)) {
    throw new UsageError(`malformed document kind "${value}": expected a name like fire-safety-plan or a 0x hash`);
  }
  return documentKind(text);
}

/** `<kind>=<hash>`: a document by kind and content hash (0x…, file:<path> or json:<path>). */
async function parseApprovalDocument(value: string): Promise<ApprovalDocumentInput> {
  const at = value.indexOf("=");
  if (at <= 0) throw new UsageError(`malformed document "${value}": expected <kind>=<hash>`);
  return {
    kind: parseKindName(value.slice(0, at)),
    contentHash: await parseHash(value.slice(at + 1), "document hash"),
  };
}

/** `<member>@<stage>:<days>[:<kind>,<kind>…]`: one step of a process. */
async function parseStep(consortia: Consortia, value: string): Promise<ApprovalStepInput> {
  const match = /^(.+)@(\d+):(\d+)(?::(.*))?$/.exec(value.trim());
  if (match === null) {
    throw new UsageError(`malformed step "${value}": expected <member>@<stage>:<working days>[:<kind>,<kind>]`);
  }
  const [, member, stage, days, kinds] = match;
  return {
    department: await memberIdOf(consortia, member),
    stage: parseCount(stage, "stage", 255),
    deadlineDays: parseCount(days, "deadline days", 65_535),
    documentKinds: kinds === undefined || kinds === "" ? [] : kinds.split(",").map(parseKindName),
  };
}

/** A step index of a case (0..255). */
const parseStepIndex = (value: string): number => {
  if (!/^\d+$/.test(value.trim()) || Number(value) > 255) {
    throw new UsageError(`malformed step "${value}": expected 0..255`);
  }
  return Number(value);
};

/** A year the calendar covers. */
const parseYear = (value: string): number => {
  if (!/^\d{4}$/.test(value.trim()) || Number(value) < 1970 || Number(value) > 2199) {
    throw new UsageError(`malformed year "${value}": expected 1970..2199`);
  }
  return Number(value);
};

/** A record without its `steps` (shown as a table below the record). */
const head = (record: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(record).filter(([key]) => key !== "steps"));

/** A case id that exists (ids run 1..caseCount). */
async function existingCase(consortia: Consortia, text: string): Promise<bigint> {
  const id = parseId(text, "case id");
  if (id > (await consortia.approvals.caseCount())) throw new NotFoundError("approval case", id);
  return id;
}

/** Per department, over every case (read from the chain): steps, decisions, mean days per step, overdue share. */
async function departmentStatistics(consortia: Consortia, processId?: number) {
  const app = consortia.approvals;
  const count = Number(await app.caseCount());
  const stats = new Map<
    number,
    { steps: number; decided: number; days: number; overdue: number; open: number; openCases: Set<bigint> }
  >();
  for (let id = 1n; id <= BigInt(count); id++) {
    const c = await app.case(id);
    if (processId !== undefined && c.processId !== processId) continue;
    for (const step of c.steps) {
      if (step.state === "Pending") continue;
      const s = stats.get(step.department) ?? {
        steps: 0,
        decided: 0,
        days: 0,
        overdue: 0,
        open: 0,
        openCases: new Set<bigint>(),
      };
      s.steps += 1;
      if (step.state === "Approved" || step.state === "Rejected") {
        s.decided += 1;
        s.days += step.decidedDay - step.openedDay;
      } else if (c.state === "Open") {
        s.open += 1;
        s.openCases.add(id);
      }
      if (step.overdue) s.overdue += 1;
      stats.set(step.department, s);
    }
  }
  return [...stats.entries()]
    .sort(([a], [b]) => a - b)
    .map(([department, s]) => ({
      department,
      steps: s.steps,
      decided: s.decided,
      averageDays: s.decided === 0 ? null : s.days / s.decided,
      overdue: s.overdue,
      overdueShare: s.overdue / s.steps,
      open: s.open,
      openCases: s.openCases.size,
    }));
}

export function register(program: Command, cli: () => Cli): void {
  const approval = program.command("approval").description("cross-department approvals (行政审批)");
  const signed = async () => cli().consortia({ sign: true });

  approval
    .command("define-process")
    .requiredOption("--issuer <member>", "department issuing the result e-certificate (CERTIFICATE_ISSUER)")
    .requiredOption("--result-kind <n>", "e-certificate kind of the result")
    .option("--validity-days <days>", "days the result is valid (0: no expiry)", "0")
    .requiredOption("--terms <hash>", "hash of the published process text")
    .requiredOption(
      "--step <member@stage:days[:kinds]>",
      "a step: department, stage (steps of a stage run in parallel), working days, required document kinds (repeat)",
      collect,
      [],
    )
    .option("--description <text>", "what the proposal is for (its hash goes on chain)")
    .description("propose a process to the consortium's vote")
    .action(
      async (options: {
        issuer: string;
        resultKind: string;
        validityDays: string;
        terms: string;
        step: string[];
        description?: string;
      }) => {
        const consortia = await signed();
        if (options.step.length === 0) throw new UsageError("a process needs at least one --step");
        const steps = await Promise.all(options.step.map((step) => parseStep(consortia, step)));
        const text = options.description ?? `define an approval process of ${steps.length} steps`;
        const { proposalId, transactionHash } = await consortia.approvals.proposeDefineProcess(
          {
            issuer: await memberIdOf(consortia, options.issuer),
            resultKind: parseCount(options.resultKind, "result kind", 65_535),
            resultValidity: parseCount(options.validityDays, "validity days", 36_500) * 86_400,
            termsHash: await parseHash(options.terms, "terms hash"),
            steps,
          },
          text,
          progress(cli(), "propose process"),
        );
        cli().out.result(
          { proposalId, transactionHash, steps: steps.length, description: text },
          () =>
            `proposal ${proposalId} created: ${text} (tx ${transactionHash}); voters approve with \`consortia member approve ${proposalId}\``,
        );
      },
    );

  approval
    .command("officer")
    .argument("<account>", "an account of your member")
    .option("--withdraw", "withdraw the role instead")
    .description("grant an account of your member the officer role (by an Admin account)")
    .action(async (account: string, options: { withdraw?: boolean }) => {
      const consortia = await signed();
      const address = await accountOf(consortia, account, "officer");
      const allowed = options.withdraw !== true;
      const receipt = await consortia.approvals.setOfficer(address, allowed, progress(cli(), "set officer"));
      printed(
        cli(),
        receipt,
        { officer: address, allowed },
        `${allowed ? "granted" : "withdrew"} the officer role ${allowed ? "to" : "of"} ${address}`,
      );
    });

  approval
    .command("submit")
    .argument("<process>", "process id")
    .requiredOption("--applicant-ref <hash>", "keyed hash of the applicant's identifier (never the identifier)")
    .requiredOption("--document <kind=hash>", "a document by kind and content hash (repeat)", collect, [])
    .description("submit a case (your member is the applicant)")
    .action(async (processText: string, options: { applicantRef: string; document: string[] }) => {
      const processId = parseCount(processText, "process id", 4_294_967_295);
      const documents = await Promise.all(options.document.map(parseApprovalDocument));
      const consortia = await signed();
      const { caseId, receipt } = await consortia.approvals.submit(
        processId,
        await parseHash(options.applicantRef, "applicant reference"),
        documents,
        progress(cli(), `submit to process ${processId}`),
      );
      printed(cli(), receipt, { caseId }, `submitted case ${caseId} to process ${processId}`);
    });

  approval
    .command("withdraw")
    .argument("<case>", "case id")
    .description("withdraw your open case (applicant)")
    .action(async (caseText: string) => {
      const consortia = await signed();
      const id = await existingCase(consortia, caseText);
      const receipt = await consortia.approvals.withdraw(id, progress(cli(), `withdraw case ${id}`));
      printed(cli(), receipt, { caseId: id }, `withdrew case ${id}`);
    });

  approval
    .command("accept")
    .argument("<case>", "case id")
    .argument("<step>", "step index (from 0)")
    .description("accept a step for review (officer of its department)")
    .action(async (caseText: string, stepText: string) => {
      const consortia = await signed();
      const id = await existingCase(consortia, caseText);
      const step = parseStepIndex(stepText);
      const receipt = await consortia.approvals.accept(id, step, progress(cli(), `accept case ${id} step ${step}`));
      printed(cli(), receipt, { caseId: id, step }, `accepted step ${step} of case ${id}`);
    });

  approval
    .command("approve")
    .argument("<case>", "case id")
    .argument("<step>", "step index (from 0)")
    .requiredOption("--decision <hash>", "hash of the decision document")
    .description("approve an accepted step (officer); the last approval issues the result e-certificate")
    .action(async (caseText: string, stepText: string, options: { decision: string }) => {
      const consortia = await signed();
      const id = await existingCase(consortia, caseText);
      const step = parseStepIndex(stepText);
      const decision = await parseHash(options.decision, "decision hash");
      const { certificateId, receipt } = await consortia.approvals.approve(
        id,
        step,
        decision,
        progress(cli(), `approve case ${id} step ${step}`),
      );
      printed(
        cli(),
        receipt,
        { caseId: id, step, certificateId: certificateId ?? null },
        `approved step ${step} of case ${id}${certificateId === undefined ? "" : `: e-certificate ${certificateId} issued`}`,
      );
    });

  approval
    .command("reject")
    .argument("<case>", "case id")
    .argument("<step>", "step index (from 0)")
    .requiredOption("--reason <hash>", "hash of the reasons (the document stays off chain)")
    .description("reject a step and with it the case (officer)")
    .action(async (caseText: string, stepText: string, options: { reason: string }) => {
      const consortia = await signed();
      const id = await existingCase(consortia, caseText);
      const step = parseStepIndex(stepText);
      const reason = await parseHash(options.reason, "reason hash");
      const receipt = await consortia.approvals.reject(id, step, reason, progress(cli(), `reject case ${id}`));
      printed(cli(), receipt, { caseId: id, step, reasonHash: reason }, `rejected case ${id} at step ${step}`);
    });

  approval
    .command("request-documents")
    .argument("<case>", "case id")
    .argument("<step>", "step index (from 0)")
    .requiredOption("--request <hash>", "hash of the request (what is missing)")
    .description("ask the applicant for more documents (officer): the step's clock pauses")
    .action(async (caseText: string, stepText: string, options: { request: string }) => {
      const consortia = await signed();
      const id = await existingCase(consortia, caseText);
      const step = parseStepIndex(stepText);
      const request = await parseHash(options.request, "request hash");
      const receipt = await consortia.approvals.requestDocuments(
        id,
        step,
        request,
        progress(cli(), `request documents on case ${id}`),
      );
      printed(cli(), receipt, { caseId: id, step }, `asked for documents on step ${step} of case ${id}: clock paused`);
    });

  approval
    .command("supply-documents")
    .argument("<case>", "case id")
    .argument("<step>", "step index (from 0)")
    .requiredOption("--document <kind=hash>", "a document by kind and content hash (repeat)", collect, [])
    .description("supply the documents asked for (applicant): the step's clock resumes")
    .action(async (caseText: string, stepText: string, options: { document: string[] }) => {
      const documents = await Promise.all(options.document.map(parseApprovalDocument));
      const consortia = await signed();
      const id = await existingCase(consortia, caseText);
      const step = parseStepIndex(stepText);
      const receipt = await consortia.approvals.supplyDocuments(
        id,
        step,
        documents,
        progress(cli(), `supply documents on case ${id}`),
      );
      const due = (await consortia.approvals.caseStep(id, step)).dueDay;
      printed(
        cli(),
        receipt,
        { caseId: id, step, dueDay: isoDay(due) },
        `supplied ${documents.length} document(s) on step ${step} of case ${id}: due ${isoDay(due)}`,
      );
    });

  approval
    .command("delegate")
    .argument("<case>", "case id")
    .argument("<step>", "step index (from 0)")
    .requiredOption("--to <member>", "department that decides the step from now on")
    .requiredOption("--reason <hash>", "hash of the reason")
    .description("hand a step to another department (officer); the deadline stays")
    .action(async (caseText: string, stepText: string, options: { to: string; reason: string }) => {
      const consortia = await signed();
      const id = await existingCase(consortia, caseText);
      const step = parseStepIndex(stepText);
      const to = await memberIdOf(consortia, options.to);
      const reason = await parseHash(options.reason, "reason hash");
      const receipt = await consortia.approvals.delegate(id, step, to, reason, progress(cli(), `delegate case ${id}`));
      printed(cli(), receipt, { caseId: id, step, to }, `handed step ${step} of case ${id} to member ${to}`);
    });

  approval
    .command("show")
    .argument("<case>", "case id")
    .description("a case: its state and each step's department, deadline and whether it is overdue")
    .action(async (caseText: string) => {
      const consortia = await cli().consortia();
      const id = await existingCase(consortia, caseText);
      const c = await consortia.approvals.case(id);
      const steps = c.steps.map((s) => ({
        step: s.index,
        department: s.department,
        state: s.state,
        opened: s.openedDay === 0 ? "" : isoDay(s.openedDay),
        due: s.dueDay === 0 ? "" : isoDay(s.dueDay),
        decided: s.decidedDay === 0 ? "" : isoDay(s.decidedDay),
        documentRequests: s.documentRequests,
        overdue: s.overdue,
      }));
      const data = {
        caseId: c.id,
        processId: c.processId,
        applicant: c.applicant,
        state: c.state,
        stage: c.stage,
        certificateId: c.certificateId === 0n ? null : c.certificateId,
        applicantRef: c.applicantRef,
        recordHash: c.recordHash,
        today: isoDay(c.today),
        steps,
      };
      cli().out.result(data, () => `${details(head(data))}\n${table(steps)}`);
    });

  approval
    .command("process")
    .argument("<id>", "process id")
    .description("a process: issuer, result, and its steps")
    .action(async (idText: string) => {
      const consortia = await cli().consortia();
      const processId = parseCount(idText, "process id", 4_294_967_295);
      if (processId === 0 || processId > (await consortia.approvals.processCount())) {
        throw new NotFoundError("approval process", BigInt(processId));
      }
      const p = await consortia.approvals.process(processId);
      cli().out.result(p, () => `${details(head(p))}\n${table(p.steps)}`);
    });

  approval
    .command("stats")
    .option("--process <id>", "one process only")
    .description("per department: steps, decisions, mean days per step, overdue share, open cases (from the chain)")
    .action(async (options: { process?: string }) => {
      const consortia = await cli().consortia();
      const processId =
        options.process === undefined ? undefined : parseCount(options.process, "process id", 4_294_967_295);
      const items = await departmentStatistics(consortia, processId);
      cli().out.result({ departments: items }, () =>
        items.length === 0
          ? "no case steps yet"
          : table(
              items.map((i) => ({
                ...i,
                averageDays: i.averageDays === null ? "" : i.averageDays.toFixed(1),
                overdueShare: `${Math.round(i.overdueShare * 100)}%`,
              })),
            ),
      );
    });

  const calendar = program.command("calendar").description("the consortium's working days");

  calendar
    .command("set-working-days")
    .argument("<year>", "calendar year")
    .option("--holiday <date>", "a weekday off (YYYY-MM-DD, repeat)", collect, [])
    .option("--workday <date>", "a Saturday or Sunday worked (YYYY-MM-DD, repeat)", collect, [])
    .option("--description <text>", "what the proposal is for (its hash goes on chain)")
    .description("propose a year's working days to the vote: Monday to Friday, less holidays, plus make-up days")
    .action(async (yearText: string, options: { holiday: string[]; workday: string[]; description?: string }) => {
      const year = parseYear(yearText);
      let days: string[];
      try {
        days = yearWorkingDays(year, options.holiday, options.workday);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const consortia = await signed();
      const text = options.description ?? `${year} working days: ${days.length}`;
      const { proposalId, transactionHash } = await consortia.approvals.calendar.proposeWorkingDays(
        year,
        days,
        text,
        progress(cli(), `propose ${year} working days`),
      );
      cli().out.result(
        { proposalId, transactionHash, year, workingDays: days.length, description: text },
        () =>
          `proposal ${proposalId} created: ${text} (tx ${transactionHash}); voters approve with \`consortia member approve ${proposalId}\``,
      );
    });

  calendar
    .command("show")
    .argument("[year]", "calendar year (default: this year)")
    .description("today, the time zone, and a year's working days: whether voted, holidays and make-up days")
    .action(async (yearText: string | undefined) => {
      const consortia = await cli().consortia();
      const c = consortia.approvals.calendar;
      const today = await c.today();
      const year = yearText === undefined ? Number(isoDay(today).slice(0, 4)) : parseYear(yearText);
      const { voted, workingDays } = await c.year(year);
      const weekdays = new Set(yearWorkingDays(year));
      const working = new Set(workingDays);
      const holidays = [...weekdays].filter((d) => !working.has(d));
      const makeUp = workingDays.filter((d) => !weekdays.has(d));
      const data = {
        today: isoDay(today),
        utcOffsetHours: (await c.utcOffset()) / 3600,
        year,
        voted,
        workingDays: workingDays.length,
        holidays,
        makeUpDays: makeUp,
      };
      cli().out.result(data, () =>
        details({ ...data, holidays: holidays.join(" ") || "-", makeUpDays: makeUp.join(" ") || "-" }),
      );
    });
}
