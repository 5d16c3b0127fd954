import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { address, appsNetwork, type AppsNetwork } from "./apps.harness.js";

const h = (text: string) => keccak256(toUtf8Bytes(text));

describe("cli: approval and calendar commands against a real node", function () {
  this.timeout(240_000);
  let net: AppsNetwork;
  before(async () => {
    net = await appsNetwork();
  });

  /** Bank B approves and executes a proposal (the harness's threshold is two). */
  const pass = async (proposalId: string) => {
    await net.json(["member", "approve", proposalId], { as: "bankB" });
    await net.json(["member", "execute", proposalId], { as: "bankB" });
  };

  it("calendar: a year's working days by vote, then shown", async () => {
    const proposed = await net.json<{ proposalId: string; workingDays: number }>(
      [
        "calendar",
        "set-working-days",
        "2031",
        "--holiday",
        "2031-10-01",
        "--holiday",
        "2031-10-02",
        "--workday",
        "2031-09-27",
      ],
      { as: "bankA" },
    );
    expect(proposed.workingDays).to.equal(261 - 2 + 1);
    await pass(proposed.proposalId);
    const shown = await net.json<{ voted: boolean; workingDays: number; holidays: string[]; makeUpDays: string[] }>([
      "calendar",
      "show",
      "2031",
    ]);
    expect(shown).to.deep.include({
      voted: true,
      workingDays: 260,
      holidays: ["2031-10-01", "2031-10-02"],
      makeUpDays: ["2031-09-27"],
    });
    const human = await net.run(["calendar", "show", "2032"]);
    expect(human.stdout).to.match(/voted:\s+false/);
    expect(human.stdout).to.match(/utcOffsetHours:\s+8/);
    const bad = await net.run(["calendar", "set-working-days", "2031", "--holiday", "2030-01-02"], { as: "bankA" });
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include("2030-01-02 is not in 2031");
  });

  it("a process by vote; a case through two departments with a document request, approved with its certificate", async () => {
    // Officers: each department's admin makes its own account an officer.
    for (const party of ["civilAffairs", "pensions"] as const) {
      const granted = await net.run(["approval", "officer", address(party)], { as: party });
      expect(granted.code, granted.stderr).to.equal(0);
      expect(granted.stdout).to.match(/^granted the officer role to 0x/);
    }
    const proposed = await net.json<{ proposalId: string }>(
      [
        "approval",
        "define-process",
        "--issuer",
        "Civil Affairs",
        "--result-kind",
        "21",
        "--validity-days",
        "365",
        "--terms",
        h("process text"),
        "--step",
        "Civil Affairs@0:5:application-form",
        "--step",
        "Pension Bureau@0:10",
        "--description",
        "social organisation registration",
      ],
      { as: "regulator" },
    );
    await pass(proposed.proposalId);
    const process = await net.json<{ issuer: number; steps: { department: number }[] }>(["approval", "process", "1"]);
    expect(process.steps).to.have.length(2);

    const submitted = await net.json<{ caseId: string }>(
      [
        "approval",
        "submit",
        "1",
        "--applicant-ref",
        h("hmac:applicant"),
        "--document",
        `application-form=${h("form")}`,
      ],
      { as: "exporter" },
    );
    const id = submitted.caseId;
    const missing = await net.run(
      ["approval", "submit", "1", "--applicant-ref", h("x"), "--document", `lease=${h("l")}`],
      {
        as: "exporter",
      },
    );
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.include("step 0 requires a document of kind");

    expect((await net.run(["approval", "accept", id, "0"], { as: "civilAffairs" })).code).to.equal(0);
    const asked = await net.run(["approval", "request-documents", id, "0", "--request", h("need a charter")], {
      as: "civilAffairs",
    });
    expect(asked.stdout).to.match(new RegExp(`^asked for documents on step 0 of case ${id}: clock paused`));
    const supplied = await net.run(["approval", "supply-documents", id, "0", "--document", `charter=${h("charter")}`], {
      as: "exporter",
    });
    expect(supplied.code, supplied.stderr).to.equal(0);
    expect(supplied.stdout).to.match(/due \d{4}-\d{2}-\d{2}/);
    // The wrong department is refused with the rule in words.
    const wrong = await net.run(["approval", "approve", id, "0", "--decision", h("d")], { as: "pensions" });
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr).to.include(`case ${id} step 0 is decided by member`);
    await net.json(["approval", "approve", id, "0", "--decision", h("ok")], { as: "civilAffairs" });
    // Civil Affairs decided the parallel step 0: handing it step 1 would let one department approve both.
    const twice = await net.run(["approval", "delegate", id, "1", "--to", "Civil Affairs", "--reason", h("handover")], {
      as: "pensions",
    });
    expect(twice.code).to.equal(1);
    expect(twice.stderr).to.include("another step of the same stage");
    expect((await net.run(["approval", "officer", address("bankB")], { as: "bankB" })).code).to.equal(0);
    await net.json(["approval", "delegate", id, "1", "--to", "Bank B", "--reason", h("handover")], {
      as: "pensions",
    });
    await net.json(["approval", "accept", id, "1"], { as: "bankB" });
    const last = await net.json<{ certificateId: string }>(
      ["approval", "approve", id, "1", "--decision", h("granted")],
      { as: "bankB" },
    );
    expect(last.certificateId).to.match(/^\d+$/);

    const shown = await net.json<{
      state: string;
      certificateId: string;
      steps: { state: string; department: number }[];
    }>(["approval", "show", id]);
    expect(shown.state).to.equal("Approved");
    expect(shown.certificateId).to.equal(last.certificateId);
    expect(shown.steps.map((s) => s.state)).to.deep.equal(["Approved", "Approved"]);
    const human = await net.run(["approval", "show", id]);
    expect(human.stdout).to.match(/state:\s+Approved/);
    expect(human.stdout).to.match(/STEP\s+DEPARTMENT\s+STATE/);
  });

  it("reject with reasons, withdraw, statistics, and not found", async () => {
    const submit = async () =>
      (
        await net.json<{ caseId: string }>(
          ["approval", "submit", "1", "--applicant-ref", h("r"), "--document", `application-form=${h("f")}`],
          { as: "exporter" },
        )
      ).caseId;
    const rejected = await submit();
    const refused = await net.run(["approval", "reject", rejected, "1", "--reason", h("reasons")], { as: "pensions" });
    expect(refused.stdout).to.match(new RegExp(`^rejected case ${rejected} at step 1`));
    const withdrawn = await submit();
    expect((await net.run(["approval", "withdraw", withdrawn], { as: "exporter" })).code).to.equal(0);
    const stats = await net.json<{ departments: { department: number; steps: number; decided: number }[] }>([
      "approval",
      "stats",
    ]);
    expect(stats.departments.length).to.be.greaterThan(0);
    expect(stats.departments.reduce((n, d) => n + d.decided, 0)).to.equal(3);
    const none = await net.run(["approval", "show", "999"]);
    expect(none.code).to.equal(2);
    expect(none.stderr).to.include("no approval case 999");
    const badStep = await net.run(["approval", "accept", rejected, "x"], { as: "pensions" });
    expect(badStep.code).to.equal(2);
  });
});
