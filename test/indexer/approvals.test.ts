import { expect } from "chai";
import type { Database } from "../../src/indexer/db.js";
import { APPROVAL_CASE_STATES, APPROVAL_STEP_STATES } from "../../src/indexer/projections/approvals.js";
import { verifyIndex } from "../../src/indexer/verify.js";
import { startChain, type TestChain } from "./chain.js";
import { approvalsScenario, h, MONDAY, type ApprovalsScenario } from "./approvals-scenario.js";
import { catchUp, createIndexer, indexerOptions, testStores } from "./harness.js";

describe("indexer: approvals projection", function () {
  this.timeout(180_000);
  let chain: TestChain;
  let s: ApprovalsScenario;

  before(async () => {
    chain = await startChain();
    s = await approvalsScenario(chain);
  });
  after(async () => chain?.stop());

  for (const store of testStores()) {
    describe(`on ${store.name}`, () => {
      let db: Database;
      before(async () => {
        db = await store.open();
        await catchUp(await createIndexer(db, chain.deployments, indexerOptions(chain.url)));
      });
      after(async () => {
        await db?.close();
        await store.cleanup();
      });

      const current = (table: string, where = "TRUE", params: unknown[] = []) =>
        db.query(`SELECT * FROM ${table} WHERE valid_to_block IS NULL AND ${where}`, params);

      it("the process and its steps are the contract's definition", async () => {
        const [p] = await current("approval_processes");
        expect(p).to.include({ step_count: 3, stage_count: 2, retired: false, result_kind: 11 });
        const steps = await current("approval_process_steps", "TRUE ORDER BY step");
        expect(steps.map((r) => [Number(r.department), r.stage, r.deadline_days])).to.deep.equal([
          [chain.ids.gov1, 0, 5],
          [chain.ids.gov2, 0, 10],
          [chain.ids.agency, 1, 3],
        ]);
        const officers = await current("approval_officers", "TRUE ORDER BY department");
        expect(officers.map((o) => o.account)).to.have.members(
          Object.values(s.officers).map((o) => o.address.toLowerCase()),
        );
      });

      it("cases and case steps equal the contract's records: state, stage, days, department", async () => {
        const app = s.sdk.bankA.approvals;
        const cases = await current("approval_cases", "TRUE ORDER BY case_id");
        expect(cases.map((c) => c.state)).to.deep.equal(["Approved", "Rejected", "Withdrawn", "Open"]);
        for (const row of cases) {
          const c = await app.contract.caseRecord(BigInt(row.case_id as string));
          expect(row).to.include({
            state: APPROVAL_CASE_STATES[Number(c.state)],
            stage: Number(c.stage),
            steps_left: Number(c.stepsLeft),
            record_hash: c.recordHash,
            applicant_ref: c.applicantRef,
          });
        }
        const steps = await current("approval_case_steps", "TRUE ORDER BY case_id, step");
        for (const row of steps) {
          const c = await app.contract.caseStep(BigInt(row.case_id as string), row.step as number);
          expect(row, `case ${String(row.case_id)} step ${String(row.step)}`).to.include({
            state: APPROVAL_STEP_STATES[Number(c.state)],
            department: Number(c.department),
            opened_day: Number(c.openedDay),
            due_day: Number(c.dueDay),
            paused_day: Number(c.pausedDay),
            remaining_days: Number(c.remainingDays),
            document_requests: Number(c.documentRequests),
            decided_day: Number(c.decidedDay),
          });
        }
      });

      it("records the certificate, the late decision, who acted, the delegation and the document hashes", async () => {
        const [c1] = await current("approval_cases", "case_id = $1", [s.cases.approved.toString()]);
        expect(c1.certificate_id).to.equal(s.certificateId.toString());
        const steps = await current("approval_case_steps", "case_id = $1 ORDER BY step", [s.cases.approved.toString()]);
        expect(steps.map((r) => r.overdue)).to.deep.equal([false, true, false]);
        expect(steps[0].document_requests).to.equal(1);
        expect(steps[1].acted_by).to.equal(s.officers.gov2.address.toLowerCase());
        expect(steps[2]).to.include({
          department: chain.ids.gov2,
          original_department: chain.ids.agency,
          delegations: 1,
        });
        const [delegation] = await db.query(`SELECT * FROM approval_delegations WHERE case_id = $1`, [
          s.cases.approved.toString(),
        ]);
        expect(delegation).to.include({
          step: 2,
          from_department: chain.ids.agency,
          to_department: chain.ids.gov2,
          reason_hash: h("fire safety decides the signage too"),
          account: s.officers.agency.address.toLowerCase(),
        });
        const documents = await db.query(
          `SELECT step, content_hash FROM approval_documents WHERE case_id = $1 ORDER BY block_number, log_index, seq`,
          [s.cases.approved.toString()],
        );
        expect(documents.map((d) => [d.step, d.content_hash])).to.deep.equal([
          [null, h("file:form.pdf")],
          [null, h("file:fire-plan.pdf")],
          [0, h("file:lease")],
        ]);
        const [rejected] = await current("approval_case_steps", "case_id = $1 AND step = 0", [
          s.cases.rejected.toString(),
        ]);
        expect(rejected).to.include({ state: "Rejected", reason_hash: h("reasons: zoning") });
      });

      it("the timeline tells a case's story in chain order", async () => {
        const events = await db.query(
          `SELECT event, step FROM approval_timeline WHERE case_id = $1 ORDER BY block_number, log_index, seq`,
          [s.cases.approved.toString()],
        );
        expect(events.map((e) => (e.step === null ? e.event : `${String(e.event)}#${String(e.step)}`))).to.deep.equal([
          "CaseSubmitted",
          "StepOpened#0",
          "StepOpened#1",
          "StepAccepted#0",
          "DocumentsRequested#0",
          "DocumentsSupplied#0",
          "StepApproved#0",
          "StepAccepted#1",
          "StepApproved#1",
          "StepOpened#2",
          "StepDelegated#2",
          "StepAccepted#2",
          "StepApproved#2",
          "CaseApproved",
        ]);
      });

      it("the calendar's voted year is indexed", async () => {
        const [year] = await current("calendar_years");
        expect(year).to.include({ year: 2027, voted: true });
        // 2027: 261 weekdays, one holiday off, one Saturday on.
        expect(year.working_days).to.equal(261);
        expect(MONDAY).to.be.a("number");
      });

      it("index verify compares every approvals table with the chain: no drift, and a tampered row is drift", async () => {
        const clean = await verifyIndex({ db, rpcUrl: chain.url, deployments: chain.deployments });
        expect(clean.drift).to.deep.equal([]);
        for (const check of [
          "approval processes and officers",
          "approval cases and their steps",
          "consortium calendar",
        ])
          expect(clean.compared[check], check).to.be.greaterThan(0);
        await db.query(
          `UPDATE approval_case_steps SET due_day = due_day + 1 WHERE valid_to_block IS NULL AND case_id = $1 AND step = 1`,
          [s.cases.open.toString()],
        );
        await db.query(`UPDATE approval_cases SET state = 'Approved' WHERE valid_to_block IS NULL AND case_id = $1`, [
          s.cases.rejected.toString(),
        ]);
        try {
          const tampered = await verifyIndex({ db, rpcUrl: chain.url, deployments: chain.deployments });
          expect(tampered.drift.map((d) => d.key)).to.have.members([
            `approval case ${s.cases.open} step 1 dueDay`,
            `approval case ${s.cases.rejected} state`,
          ]);
        } finally {
          await db.query(
            `UPDATE approval_case_steps SET due_day = due_day - 1 WHERE valid_to_block IS NULL AND case_id = $1 AND step = 1`,
            [s.cases.open.toString()],
          );
          await db.query(`UPDATE approval_cases SET state = 'Rejected' WHERE valid_to_block IS NULL AND case_id = $1`, [
            s.cases.rejected.toString(),
          ]);
        }
      });
    });
  }
});
