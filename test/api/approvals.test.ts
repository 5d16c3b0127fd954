import { expect } from "chai";
import type { IndexerAndApi } from "../../src/api/start.js";
import { startChain, type TestChain } from "../indexer/chain.js";
import { approvalsScenario, h, MONDAY, type ApprovalsScenario } from "../indexer/approvals-scenario.js";
import { startChainApi, stopChainApi } from "./harness.js";

const iso = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

describe("API: approvals", function () {
  this.timeout(180_000);
  let chain: TestChain;
  let api: IndexerAndApi;
  let s: ApprovalsScenario;

  const get = async (path: string) => {
    const response = await fetch(api.url + path);
    const body: any = await response.json().catch(() => undefined);
    return { status: response.status, body };
  };
  const ok = async (path: string) => {
    const { status, body } = await get(path);
    expect(status, `${path}: ${JSON.stringify(body)}`).to.equal(200);
    return body;
  };

  before(async () => {
    chain = await startChain();
    s = await approvalsScenario(chain);
    // The data of the routes; who reads which case is test/api/auth.test.ts's.
    api = await startChainApi(chain, "api_approvals");
  });
  after(() => stopChainApi(api, chain));

  it("lists processes, filtered by a department deciding a step, and shows one with its steps", async () => {
    expect((await ok("/approval-processes")).items.map((p: any) => p.id)).to.deep.equal([1]);
    expect((await ok(`/approval-processes?department=${chain.ids.gov2}`)).items).to.have.length(1);
    expect((await ok(`/approval-processes?department=${chain.ids.supplier1}`)).items).to.have.length(0);
    const process = await ok("/approval-processes/1");
    expect(process).to.include({ issuer: chain.ids.gov1, stepCount: 3, stageCount: 2, retired: false });
    expect(process.steps.map((step: any) => [step.department, step.stage, step.deadlineDays])).to.deep.equal([
      [chain.ids.gov1, 0, 5],
      [chain.ids.gov2, 0, 10],
      [chain.ids.agency, 1, 3],
    ]);
    expect((await get("/approval-processes/2")).status).to.equal(404);
  });

  it("lists cases by state, applicant and department", async () => {
    const all = await ok("/approval-cases");
    expect(all.items.map((c: any) => c.state)).to.deep.equal(["Open", "Withdrawn", "Rejected", "Approved"]);
    expect((await ok("/approval-cases?state=Open")).items.map((c: any) => c.id)).to.deep.equal([
      s.cases.open.toString(),
    ]);
    expect((await ok(`/approval-cases?applicant=${chain.ids.supplier2}`)).items).to.have.length(1);
    // The agency handed its only reached step to gov2: no case waits on the agency.
    expect((await ok(`/approval-cases?department=${chain.ids.agency}`)).items).to.have.length(0);
    expect((await ok(`/approval-cases?department=${chain.ids.gov2}`)).items).to.have.length(4);
    expect((await get("/approval-cases?state=Lost")).status).to.equal(400);
  });

  it("shows a case: status, deadlines, who acted, the late step, the delegation, documents, the certificate", async () => {
    const c = await ok(`/approval-cases/${s.cases.approved}`);
    expect(c).to.include({ state: "Approved", certificateId: s.certificateId.toString(), stepsLeft: 0 });
    expect(c.steps.map((step: any) => step.overdue)).to.deep.equal([false, true, false]);
    expect(c.steps[0]).to.include({ openedDay: iso(MONDAY), documentRequests: 1, decidedDay: iso(MONDAY + 2) });
    expect(c.steps[1].actedBy).to.equal(s.officers.gov2.address.toLowerCase());
    expect(c.steps[2]).to.include({ department: chain.ids.gov2, originalDepartment: chain.ids.agency });
    expect(c.delegations[0]).to.include({
      step: 2,
      from: chain.ids.agency,
      to: chain.ids.gov2,
      reasonHash: h("fire safety decides the signage too"),
    });
    expect(c.documents.map((d: any) => d.contentHash)).to.deep.equal([
      h("file:form.pdf"),
      h("file:fire-plan.pdf"),
      h("file:lease"),
    ]);
    const open = await ok(`/approval-cases/${s.cases.open}`);
    expect(open.today).to.equal(iso(MONDAY + 42));
    expect(open.steps.map((step: any) => [step.state, step.overdue])).to.deep.equal([
      ["Accepted", true],
      ["Open", true],
    ]);
    // Before the due days, the same steps were not overdue.
    const early = await ok(`/approval-cases/${s.cases.open}?at=${iso(MONDAY + 22)}`);
    expect(early.steps.map((step: any) => step.overdue)).to.deep.equal([false, false]);
    expect((await get("/approval-cases/99")).status).to.equal(404);
  });

  it("a case's timeline is its events in chain order", async () => {
    const timeline = await ok(`/approval-cases/${s.cases.approved}/timeline?limit=100`);
    expect(timeline.items.map((e: any) => e.event)).to.include.ordered.members([
      "CaseSubmitted",
      "StepOpened",
      "StepOpened",
      "StepAccepted",
      "DocumentsRequested",
      "DocumentsSupplied",
    ]);
    expect(timeline.items.at(-1)).to.include({ event: "CaseApproved" });
    const step2 = await ok(`/approval-cases/${s.cases.approved}/timeline?step=2`);
    expect(step2.items.map((e: any) => e.event)).to.deep.equal([
      "StepOpened",
      "StepDelegated",
      "StepAccepted",
      "StepApproved",
    ]);
    expect((await get("/approval-cases/99/timeline")).status).to.equal(404);
  });

  it("statistics per department: steps, decisions, time per step, overdue share, open cases, delegations", async () => {
    const stats = await ok("/approval-departments");
    const by = new Map(stats.items.map((d: any) => [d.department, d]));
    expect(by.get(chain.ids.gov1)).to.deep.include({
      steps: 4,
      decided: 2,
      approved: 1,
      rejected: 1,
      open: 1,
      openCases: 1,
      overdue: 1,
      overdueShare: 0.25,
      averageDays: 1,
    });
    expect(by.get(chain.ids.gov2)).to.deep.include({ steps: 5, decided: 2, overdue: 2, openCases: 1 });
    expect(by.get(chain.ids.agency)).to.deep.include({ steps: 0, delegatedAway: 1 });
    const early = await ok(`/approval-departments?at=${iso(MONDAY + 22)}`);
    expect(early.items.find((d: any) => d.department === chain.ids.gov1).overdue).to.equal(0);
  });
});
