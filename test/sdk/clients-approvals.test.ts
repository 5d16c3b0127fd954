import { expect } from "chai";
import { dayNumber, isoDay, workingDaysBitmap, yearWorkingDays, type ContractError } from "@consortia/sdk";
import { startChain, type TestChain } from "../indexer/chain.js";
import {
  approvalsScenario,
  DOCUMENTS,
  h,
  HOLIDAY,
  MAKE_UP,
  MONDAY,
  type ApprovalsScenario,
} from "../indexer/approvals-scenario.js";

/** The approvals client against a real node: the shared scenario runs every step through it. */
describe("sdk/clients approvals (against a node)", function () {
  this.timeout(180_000);
  let chain: TestChain;
  let s: ApprovalsScenario;

  before(async () => {
    chain = await startChain();
    s = await approvalsScenario(chain);
  });
  after(async () => chain?.stop());

  const refusal = async (promise: Promise<unknown>): Promise<ContractError> => {
    const caught = await promise.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(caught, "the call was refused").to.have.property("name", "ContractError");
    return caught as ContractError;
  };

  it("reads the process, the cases and their steps with names for states", async () => {
    const app = s.sdk.bankA.approvals;
    expect(await app.processCount()).to.equal(1);
    const process = await app.process(1);
    expect(process).to.include({ issuer: chain.ids.gov1, stageCount: 2, retired: false });
    expect(process.steps.map((step) => step.department)).to.deep.equal([
      chain.ids.gov1,
      chain.ids.gov2,
      chain.ids.agency,
    ]);
    const approved = await app.case(s.cases.approved);
    expect(approved).to.include({ state: "Approved", certificateId: s.certificateId, applicant: chain.ids.supplier1 });
    expect(approved.steps.map((step) => [step.state, step.overdue])).to.deep.equal([
      ["Approved", false],
      ["Approved", true],
      ["Approved", false],
    ]);
    expect((await app.case(s.cases.rejected)).state).to.equal("Rejected");
    expect(await app.caseCount()).to.equal(4n);
    expect(await app.officerOf(s.officers.gov2.address)).to.equal(chain.ids.gov2);
  });

  it("the deadline of a step in working days of the voted calendar", async () => {
    const app = s.sdk.bankA.approvals;
    // Case 1, step 0: opened Monday 2027-01-04 with 5 working days; Tuesday 5 is a holiday, Saturday 9 a working day.
    // Paused the same Monday with 5 days left, resumed Wednesday 6: due Tuesday 12.
    const step0 = await app.caseStep(s.cases.approved, 0);
    expect(step0).to.include({ remainingDays: 5, documentRequests: 1, dueDay: dayNumber("2027-01-12") });
    // The open case: opened on day MONDAY + 21, now MONDAY + 42 — both running steps past due, none left.
    const open = await app.deadline(s.cases.open, 0);
    expect(open).to.include({ state: "Accepted", overdue: true, workingDaysLeft: 0, paused: false });
    expect(open.today).to.equal(MONDAY + 42);
    expect(open.dueDate).to.equal(isoDay(open.dueDay));
    expect(open.dueDay).to.equal(await app.calendar.addWorkingDays(MONDAY + 21, 5));
    const closed = await app.deadline(s.cases.approved, 2);
    expect(closed).to.include({ state: "Approved", workingDaysLeft: 0, overdue: false });
  });

  it("the calendar: the voted year, working days, bitmaps", async () => {
    const calendar = s.sdk.bankA.approvals.calendar;
    expect(await calendar.utcOffset()).to.equal(8 * 3600);
    expect(await calendar.isWorkingDay(dayNumber(HOLIDAY))).to.equal(false);
    expect(await calendar.isWorkingDay(dayNumber(MAKE_UP))).to.equal(true);
    expect(await calendar.workingDaysBetween(MONDAY, MONDAY + 7)).to.equal(5);
    const year = await calendar.year(2027);
    expect(year.voted).to.equal(true);
    expect(year.workingDays).to.deep.equal(yearWorkingDays(2027, [HOLIDAY], [MAKE_UP]));
    const unvoted = await calendar.year(2028);
    expect(unvoted.voted).to.equal(false);
    expect(unvoted.workingDays).to.have.length(260);
    expect(workingDaysBitmap(2027, ["2027-01-01", "2027-12-31"])).to.deep.equal({
      firstDays: 1n,
      lastDays: 1n << 108n,
    });
    expect(() => workingDaysBitmap(2027, ["2028-01-03"])).to.throw(/not in 2027/);
  });

  it("refusals come back as decoded errors with a sentence", async () => {
    const app = s.sdk;
    // Wrong department: gov2's officer on gov1's step of the open case.
    const wrong = await refusal(app.officer2.approvals.approve(s.cases.open, 0, h("decision")));
    expect(wrong.decoded.message).to.equal(
      `case ${s.cases.open} step 0 is decided by member ${chain.ids.gov1}, not member ${chain.ids.gov2}`,
    );
    // gov1's admin account is not an officer.
    const admin = await refusal(app.gov1.approvals.approve(s.cases.open, 0, h("decision")));
    expect(admin.errorName).to.equal("NotOfficer");
    // A closed case; a step not reached; a case that does not exist.
    expect((await refusal(app.officer1.approvals.accept(s.cases.approved, 0))).decoded.message).to.equal(
      `case ${s.cases.approved} is Approved, not open`,
    );
    expect((await refusal(app.officer3.approvals.accept(s.cases.open, 2))).errorName).to.equal("StageNotReached");
    expect((await refusal(app.officer1.approvals.accept(99n, 0))).decoded.message).to.equal("no approval case 99");
    // Not the applicant; a department applying to its own process; a missing document kind.
    expect((await refusal(app.supplier2.approvals.withdraw(s.cases.open))).errorName).to.equal("NotApplicant");
    expect((await refusal(app.gov2.approvals.submit(1, h("ref"), DOCUMENTS))).errorName).to.equal(
      "ApplicantIsDepartment",
    );
    expect((await refusal(app.supplier1.approvals.submit(1, h("ref"), DOCUMENTS.slice(0, 1)))).errorName).to.equal(
      "DocumentMissing",
    );
    // Delegating to the applicant.
    expect(
      (await refusal(app.officer2.approvals.delegate(s.cases.open, 1, chain.ids.supplier1, h("no")))).errorName,
    ).to.equal("InvalidDelegate");
  });

  it("a withdrawn officer can no longer act", async () => {
    const gov2 = s.sdk.gov2.approvals;
    await gov2.setOfficer(s.officers.gov2.address, false);
    expect(await gov2.officerOf(s.officers.gov2.address)).to.equal(0);
    expect((await refusal(s.sdk.officer2.approvals.accept(s.cases.open, 1))).errorName).to.equal("NotOfficer");
    await gov2.setOfficer(s.officers.gov2.address, true);
    // ethers answers an identical request within 250 ms from its cache: let the refused estimate expire.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await s.sdk.officer2.approvals.accept(s.cases.open, 1);
    expect((await s.sdk.bankA.approvals.caseStep(s.cases.open, 1)).state).to.equal("Accepted");
  });
});
