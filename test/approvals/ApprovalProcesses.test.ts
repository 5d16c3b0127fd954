import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { AbiCoder, encodeBytes32String, keccak256, ZeroHash } from "ethers";
import { network } from "hardhat";
import type { IApprovalProcesses } from "@consortia/sdk/typechain/approvals/ApprovalProcesses.js";
import { passProposal } from "../helpers/consortium.js";
import {
  APPLICANT_REF,
  CaseState,
  definition,
  deployApprovals,
  DOCUMENTS,
  governanceError,
  h,
  KIND,
  MONDAY,
  nineAm,
  RESULT_KIND,
  RESULT_VALIDITY,
  StepState,
  submitCase,
  type ApprovalsFixture,
} from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;
const abi = AbiCoder.defaultAbiCoder();
const DOCUMENT_TUPLE = "tuple(bytes32 kind, bytes32 contentHash)[]";

type Department = "gov1" | "gov2" | "gov3";
const fixture = () => deployApprovals(connection);
const as = (f: ApprovalsFixture, department: Department) => f.app.connect(f.officers[department]);
const goTo = (day: number) => networkHelpers.time.increaseTo(nineAm(day));

async function withCase(): Promise<ApprovalsFixture & { caseId: bigint }> {
  const f = await networkHelpers.loadFixture(fixture);
  return { ...f, caseId: await submitCase(f) };
}

/** Accepts and approves steps 0 and 1 (stage 0), which opens step 2. */
async function passStageZero(f: ApprovalsFixture, caseId: bigint): Promise<void> {
  for (const [step, department] of [
    [0, "gov1"],
    [1, "gov2"],
  ] as const) {
    await as(f, department).accept(caseId, step);
    await as(f, department).approve(caseId, step, h(`decision:${step}`));
  }
}

async function suspend(f: ApprovalsFixture, memberId: number): Promise<void> {
  const { registry } = f.platform;
  await passProposal(f.platform, registry, registry.interface.encodeFunctionData("suspendMember", [memberId]));
}

describe("ApprovalProcesses", () => {
  describe("process definitions: by consortium vote only", () => {
    it("stores the process, its steps and their document kinds, and announces it", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const process = await f.app.process(1);
      expect(process.issuer).to.equal(BigInt(f.ids.gov1));
      expect(process.resultKind).to.equal(BigInt(RESULT_KIND));
      expect(process.stepCount).to.equal(3n);
      expect(process.stageCount).to.equal(2n);
      expect(process.retired).to.equal(false);
      const step1 = await f.app.processStep(1, 1);
      expect([step1.department, step1.stage, step1.deadlineDays]).to.deep.equal([BigInt(f.ids.gov2), 0n, 10n]);
      expect(step1.documentKinds).to.deep.equal([KIND.firePlan]);
      expect((await f.app.processStep(1, 2)).documentKinds).to.deep.equal([]);
      await expect(f.app.processStep(1, 3)).to.be.revertedWithCustomError(f.app, "InvalidStep");
      const data = f.app.interface.encodeFunctionData("defineProcess", [definition(f)]);
      await expect(passProposal(f.platform, f.app, data))
        .to.emit(f.app, "ProcessDefined")
        .withArgs(2, anyValue);
      expect(await f.app.processCount()).to.equal(2n);
    });

    it("refuses a member defining or retiring a process directly", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const bankA = f.app.connect(f.platform.accounts.bankA);
      await expect(bankA.defineProcess(definition(f))).to.be.revertedWithCustomError(f.app, "OnlyGovernance");
      await expect(bankA.retireProcess(1)).to.be.revertedWithCustomError(f.app, "OnlyGovernance");
    });

    it("refuses invalid definitions, naming the step and the field", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const [s0, s1, s2] = definition(f).steps as IApprovalProcesses.StepDefinitionStruct[];
      const field = (name: string) => encodeBytes32String(name);
      const cases: [Parameters<typeof definition>[1], string, unknown[] | undefined][] = [
        [{ steps: [] }, "InvalidValue", [field("steps")]],
        [
          {
            steps: Array(9)
              .fill(s0)
              .map((s, i) => ({ ...s, stage: i })),
          },
          "InvalidValue",
          [field("steps")],
        ],
        [{ steps: [{ ...s0, stage: 1 }] }, "InvalidStep", [0n, field("stage")]],
        [{ steps: [s0, { ...s2, stage: 2 }] }, "InvalidStep", [1n, field("stage")]],
        [{ steps: [{ ...s0, deadlineDays: 0 }] }, "InvalidStep", [0n, field("deadlineDays")]],
        [{ steps: [{ ...s0, deadlineDays: 61 }] }, "InvalidStep", [0n, field("deadlineDays")]],
        [{ steps: [s0, { ...s1, department: s0.department }] }, "InvalidStep", [1n, field("department")]],
        [{ steps: [{ ...s0, documentKinds: [ZeroHash] }] }, "InvalidStep", [0n, field("documentKinds")]],
        [{ steps: [{ ...s0, documentKinds: Array(5).fill(KIND.form) }] }, "InvalidStep", [0n, field("documentKinds")]],
        [{ resultKind: 0 }, "InvalidValue", [field("resultKind")]],
        [{ termsHash: ZeroHash }, "InvalidValue", [field("termsHash")]],
        [{ issuer: f.ids.gov2 }, "MissingRole", undefined],
        [{ steps: [{ ...s0, department: 999 }] }, "UnknownMember", undefined],
      ];
      for (const [overrides, name, args] of cases) {
        const error = await governanceError(
          f.platform,
          f.app,
          f.app.interface.encodeFunctionData("defineProcess", [definition(f, overrides)]),
          f.app.interface,
        );
        expect(
          error.name,
          JSON.stringify(overrides, (_, v) => (typeof v === "bigint" ? v.toString() : v)),
        ).to.equal(name);
        if (args) expect([...(error.args ?? [])]).to.deep.equal(args);
      }
      // The same department may decide steps of different stages.
      const twice = definition(f, { steps: [s0, { ...s0, stage: 1 }] });
      await expect(
        passProposal(f.platform, f.app, f.app.interface.encodeFunctionData("defineProcess", [twice])),
      ).to.emit(f.app, "ProcessDefined");
    });

    it("refuses a department suspended at definition", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      await suspend(f, f.ids.gov3);
      const error = await governanceError(
        f.platform,
        f.app,
        f.app.interface.encodeFunctionData("defineProcess", [definition(f)]),
        f.app.interface,
      );
      expect(error.name).to.equal("MemberNotActive");
    });

    it("a retired process takes no new case; a case already submitted continues", async () => {
      const f = await withCase();
      const data = f.app.interface.encodeFunctionData("retireProcess", [1]);
      await expect(passProposal(f.platform, f.app, data))
        .to.emit(f.app, "ProcessRetired")
        .withArgs(1);
      await expect(submitCase(f)).to.be.revertedWithCustomError(f.app, "ProcessIsRetired").withArgs(1);
      await as(f, "gov1").accept(f.caseId, 0);
      expect((await governanceError(f.platform, f.app, data, f.app.interface)).name).to.equal("ProcessIsRetired");
    });
  });

  describe("officers: granted by the department's admin account", () => {
    it("lets an officer act and refuses an account of the department that is not one", async () => {
      const f = await withCase();
      await expect(f.app.connect(f.clerk).accept(f.caseId, 0))
        .to.be.revertedWithCustomError(f.app, "NotOfficer")
        .withArgs(f.clerk.address, f.ids.gov1);
      await expect(as(f, "gov1").accept(f.caseId, 0))
        .to.emit(f.app, "StepAccepted")
        .withArgs(f.caseId, 0, f.ids.gov1, MONDAY, f.officers.gov1.address);
    });

    it("refuses a grant by a Transact account, and of another member's account", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      await expect(as(f, "gov1").setOfficer(f.clerk, true))
        .to.be.revertedWithCustomError(f.app, "NotDepartmentAdmin")
        .withArgs(f.officers.gov1.address, f.ids.gov1);
      await expect(f.app.connect(f.admins.gov1).setOfficer(f.officers.gov2, true))
        .to.be.revertedWithCustomError(f.app, "OfficerOfOtherMember")
        .withArgs(f.officers.gov2.address, f.ids.gov1);
      await expect(f.app.connect(f.outsider).setOfficer(f.outsider, true)).to.be.revertedWithCustomError(
        f.platform.registry,
        "UnknownAccount",
      );
    });

    it("a withdrawn officer can no longer act", async () => {
      const f = await withCase();
      await expect(f.app.connect(f.admins.gov1).setOfficer(f.officers.gov1, false))
        .to.emit(f.app, "OfficerSet")
        .withArgs(f.ids.gov1, f.officers.gov1.address, false, f.admins.gov1.address);
      expect(await f.app.officerOf(f.officers.gov1)).to.equal(0n);
      await expect(as(f, "gov1").accept(f.caseId, 0)).to.be.revertedWithCustomError(f.app, "NotOfficer");
    });
  });

  describe("submission", () => {
    it("opens the first stage's steps with their due days; later stages wait", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const app = f.app.connect(f.applicant);
      const recordHash = keccak256(
        abi.encode(
          ["uint256", "uint32", "bytes32", DOCUMENT_TUPLE],
          [1, 1, APPLICANT_REF, DOCUMENTS.map((d) => [d.kind, d.contentHash])],
        ),
      );
      await expect(app.submit(1, APPLICANT_REF, DOCUMENTS))
        .to.emit(f.app, "CaseSubmitted")
        .withArgs(1, 1, f.ids.applicant, APPLICANT_REF, anyValue, recordHash, f.applicant.address)
        .and.to.emit(f.app, "StepOpened")
        .withArgs(1, 0, f.ids.gov1, MONDAY, MONDAY + 7) // 5 working days
        .and.to.emit(f.app, "StepOpened")
        .withArgs(1, 1, f.ids.gov2, MONDAY, MONDAY + 14); // 10 working days
      const record = await f.app.caseRecord(1);
      expect([record.state, record.stage, record.stepsLeft, record.recordHash]).to.deep.equal([
        BigInt(CaseState.Open),
        0n,
        2n,
        recordHash,
      ]);
      expect((await f.app.caseStep(1, 2)).state).to.equal(BigInt(StepState.Pending));
      expect(await f.app.caseCount()).to.equal(1n);
    });

    it("refuses a case missing a document kind a step requires, naming the step and the kind", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      await expect(f.app.connect(f.applicant).submit(1, APPLICANT_REF, [DOCUMENTS[0]]))
        .to.be.revertedWithCustomError(f.app, "DocumentMissing")
        .withArgs(1, KIND.firePlan);
    });

    it("refuses empty, zero or too many documents, a zero applicant reference and an unknown process", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const app = f.app.connect(f.applicant);
      await expect(app.submit(1, APPLICANT_REF, []))
        .to.be.revertedWithCustomError(f.app, "InvalidDocuments")
        .withArgs(0);
      await expect(app.submit(1, APPLICANT_REF, [...DOCUMENTS, { kind: KIND.lease, contentHash: ZeroHash }]))
        .to.be.revertedWithCustomError(f.app, "InvalidDocuments")
        .withArgs(2);
      await expect(app.submit(1, APPLICANT_REF, [{ kind: ZeroHash, contentHash: h("x") }, ...DOCUMENTS]))
        .to.be.revertedWithCustomError(f.app, "InvalidDocuments")
        .withArgs(0);
      await expect(app.submit(1, APPLICANT_REF, Array(17).fill(DOCUMENTS[0])))
        .to.be.revertedWithCustomError(f.app, "InvalidDocuments")
        .withArgs(17);
      await expect(app.submit(1, ZeroHash, DOCUMENTS))
        .to.be.revertedWithCustomError(f.app, "InvalidValue")
        .withArgs(encodeBytes32String("applicantRef"));
      await expect(app.submit(7, APPLICANT_REF, DOCUMENTS))
        .to.be.revertedWithCustomError(f.app, "UnknownProcess")
        .withArgs(7);
    });

    it("refuses an outsider, a suspended applicant and a department of the process applying", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const { registry } = f.platform;
      await expect(f.app.connect(f.outsider).submit(1, APPLICANT_REF, DOCUMENTS)).to.be.revertedWithCustomError(
        registry,
        "UnknownAccount",
      );
      await expect(f.app.connect(f.admins.gov2).submit(1, APPLICANT_REF, DOCUMENTS))
        .to.be.revertedWithCustomError(f.app, "ApplicantIsDepartment")
        .withArgs(1, f.ids.gov2);
      await suspend(f, f.ids.applicant);
      await expect(submitCase(f)).to.be.revertedWithCustomError(registry, "MemberNotActive");
    });

    it("refuses a case while a department is suspended since the process was defined, or the issuer lost its role", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const { registry } = f.platform;
      await suspend(f, f.ids.gov3);
      await expect(submitCase(f)).to.be.revertedWithCustomError(registry, "MemberNotActive").withArgs(f.ids.gov3, 2);
      const reinstate = registry.interface.encodeFunctionData("reinstateMember", [f.ids.gov3]);
      await passProposal(f.platform, registry, reinstate);
      await passProposal(f.platform, registry, registry.interface.encodeFunctionData("setRoles", [f.ids.gov1, 1n]));
      await expect(submitCase(f)).to.be.revertedWithCustomError(registry, "MissingRole");
    });
  });

  describe("department actions: right department, right stage, right state", () => {
    it("refuses another department's officer, an outsider and a suspended department", async () => {
      const f = await withCase();
      const { registry } = f.platform;
      await expect(as(f, "gov2").accept(f.caseId, 0))
        .to.be.revertedWithCustomError(f.app, "WrongDepartment")
        .withArgs(f.caseId, 0, f.ids.gov2, f.ids.gov1);
      await expect(f.app.connect(f.outsider).accept(f.caseId, 0)).to.be.revertedWithCustomError(
        registry,
        "UnknownAccount",
      );
      await suspend(f, f.ids.gov1);
      await expect(as(f, "gov1").accept(f.caseId, 0)).to.be.revertedWithCustomError(registry, "MemberNotActive");
    });

    it("refuses a step of a later stage before the earlier stage completes", async () => {
      const f = await withCase();
      await expect(as(f, "gov3").accept(f.caseId, 2))
        .to.be.revertedWithCustomError(f.app, "StageNotReached")
        .withArgs(f.caseId, 2, 1, 0);
      await as(f, "gov1").accept(f.caseId, 0);
      await as(f, "gov1").approve(f.caseId, 0, h("decision:0"));
      // One of the two parallel steps is not enough.
      await expect(as(f, "gov3").accept(f.caseId, 2)).to.be.revertedWithCustomError(f.app, "StageNotReached");
    });

    it("refuses approval before acceptance, a second acceptance and a second approval", async () => {
      const f = await withCase();
      const gov1 = as(f, "gov1");
      await expect(gov1.approve(f.caseId, 0, h("d")))
        .to.be.revertedWithCustomError(f.app, "StepWrongState")
        .withArgs(f.caseId, 0, StepState.Open);
      await gov1.accept(f.caseId, 0);
      await expect(gov1.accept(f.caseId, 0)).to.be.revertedWithCustomError(f.app, "StepWrongState");
      await gov1.approve(f.caseId, 0, h("d"));
      await expect(gov1.approve(f.caseId, 0, h("d")))
        .to.be.revertedWithCustomError(f.app, "StepWrongState")
        .withArgs(f.caseId, 0, StepState.Approved);
      await expect(gov1.reject(f.caseId, 0, h("r"))).to.be.revertedWithCustomError(f.app, "StepWrongState");
      await expect(gov1.requestDocuments(f.caseId, 0, h("r"))).to.be.revertedWithCustomError(f.app, "StepWrongState");
    });

    it("refuses zero decision, reason and request hashes, an unknown case and an unknown step", async () => {
      const f = await withCase();
      const gov1 = as(f, "gov1");
      await gov1.accept(f.caseId, 0);
      await expect(gov1.approve(f.caseId, 0, ZeroHash)).to.be.revertedWithCustomError(f.app, "InvalidValue");
      await expect(gov1.reject(f.caseId, 0, ZeroHash)).to.be.revertedWithCustomError(f.app, "InvalidValue");
      await expect(gov1.requestDocuments(f.caseId, 0, ZeroHash)).to.be.revertedWithCustomError(f.app, "InvalidValue");
      await expect(gov1.accept(9, 0)).to.be.revertedWithCustomError(f.app, "UnknownCase").withArgs(9);
      await expect(gov1.accept(f.caseId, 3)).to.be.revertedWithCustomError(f.app, "UnknownStep").withArgs(f.caseId, 3);
    });

    it("refuses every action while the application is paused", async () => {
      const f = await withCase();
      await passProposal(f.platform, f.app, f.app.interface.encodeFunctionData("pause"));
      await expect(as(f, "gov1").accept(f.caseId, 0)).to.be.revertedWithCustomError(f.app, "EnforcedPause");
      await expect(submitCase(f)).to.be.revertedWithCustomError(f.app, "EnforcedPause");
    });
  });

  describe("result: the certificate is issued with the last approval, and only then", () => {
    it("opens stage 1 when stage 0 completes, and issues the issuer's certificate at the last approval", async () => {
      const f = await withCase();
      await goTo(MONDAY + 1);
      await as(f, "gov1").accept(f.caseId, 0);
      await as(f, "gov1").approve(f.caseId, 0, h("decision:0"));
      await as(f, "gov2").accept(f.caseId, 1);
      await expect(as(f, "gov2").approve(f.caseId, 1, h("decision:1")))
        .to.emit(f.app, "StepOpened")
        .withArgs(f.caseId, 2, f.ids.gov3, MONDAY + 1, MONDAY + 8);
      expect(await f.certificates.certificateCount()).to.equal(0n);
      expect((await f.app.caseRecord(f.caseId)).stage).to.equal(1n);

      await as(f, "gov3").accept(f.caseId, 2);
      const before = (await f.app.caseRecord(f.caseId)).recordHash;
      const recordHash = keccak256(
        abi.encode(
          ["bytes32", "bytes32"],
          [before, keccak256(abi.encode(["uint8", "uint32", "bytes32"], [2, f.ids.gov3, h("decision:2")]))],
        ),
      );
      await expect(as(f, "gov3").approve(f.caseId, 2, h("decision:2")))
        .to.emit(f.app, "CaseApproved")
        .withArgs(f.caseId, 1, f.ids.gov1, recordHash)
        .and.to.emit(f.certificates, "CertificateIssued");
      const record = await f.app.caseRecord(f.caseId);
      expect([record.state, record.certificateId, record.recordHash]).to.deep.equal([
        BigInt(CaseState.Approved),
        1n,
        recordHash,
      ]);
      const certificate = await f.certificates.certificate(1);
      expect(certificate.issuer).to.equal(BigInt(f.ids.gov1));
      expect(certificate.holderHash).to.equal(APPLICANT_REF);
      expect(certificate.kind).to.equal(BigInt(RESULT_KIND));
      expect(certificate.documentHash).to.equal(recordHash);
      expect(certificate.validUntil - certificate.issuedAt).to.equal(BigInt(RESULT_VALIDITY));
      const [validity, matches] = await f.certificates.verifyDocument(1, APPLICANT_REF, recordHash);
      expect([validity, matches]).to.deep.equal([1n, true]);
      // The certificate is the issuing department's own: it may revoke it.
      await f.certificates.connect(f.admins.gov1).revoke(1, h("revoked"));
      // A closed case takes no further action.
      await expect(as(f, "gov3").approve(f.caseId, 2, h("again")))
        .to.be.revertedWithCustomError(f.app, "CaseNotOpen")
        .withArgs(f.caseId, CaseState.Approved);
    });

    it("a rejection ends the case: no certificate, and every later action is refused", async () => {
      const f = await withCase();
      await as(f, "gov1").accept(f.caseId, 0);
      await as(f, "gov1").approve(f.caseId, 0, h("decision:0"));
      await expect(as(f, "gov2").reject(f.caseId, 1, h("reason:fire-exits")))
        .to.emit(f.app, "StepRejected")
        .withArgs(f.caseId, 1, f.ids.gov2, h("reason:fire-exits"), MONDAY, MONDAY + 14, f.officers.gov2.address)
        .and.to.emit(f.app, "CaseRejected")
        .withArgs(f.caseId, 1);
      expect((await f.app.caseRecord(f.caseId)).state).to.equal(BigInt(CaseState.Rejected));
      await expect(as(f, "gov2").accept(f.caseId, 1))
        .to.be.revertedWithCustomError(f.app, "CaseNotOpen")
        .withArgs(f.caseId, CaseState.Rejected);
      await expect(as(f, "gov3").accept(f.caseId, 2)).to.be.revertedWithCustomError(f.app, "CaseNotOpen");
      await expect(f.app.connect(f.applicant).withdraw(f.caseId)).to.be.revertedWithCustomError(f.app, "CaseNotOpen");
      expect(await f.certificates.certificateCount()).to.equal(0n);
    });

    it("the applicant withdraws an open case; nobody else may", async () => {
      const f = await withCase();
      await expect(f.app.connect(f.platform.accounts.core).withdraw(f.caseId))
        .to.be.revertedWithCustomError(f.app, "NotApplicant")
        .withArgs(f.caseId, f.platform.ids.core, f.ids.applicant);
      await expect(f.app.connect(f.applicant).withdraw(f.caseId))
        .to.emit(f.app, "CaseWithdrawn")
        .withArgs(f.caseId, f.applicant.address);
      await expect(as(f, "gov1").accept(f.caseId, 0)).to.be.revertedWithCustomError(f.app, "CaseNotOpen");
    });

    it("refuses the last approval while the applicant is suspended: the certificate goes to a member in good standing", async () => {
      const f = await withCase();
      await passStageZero(f, f.caseId);
      await as(f, "gov3").accept(f.caseId, 2);
      await suspend(f, f.ids.applicant);
      await expect(as(f, "gov3").approve(f.caseId, 2, h("d"))).to.be.revertedWithCustomError(
        f.platform.registry,
        "MemberNotActive",
      );
      expect(await f.certificates.certificateCount()).to.equal(0n);
    });

    it("refuses the last approval once governance withdrew the contract's system standing", async () => {
      const f = await withCase();
      await passStageZero(f, f.caseId);
      await as(f, "gov3").accept(f.caseId, 2);
      const { registry } = f.platform;
      await passProposal(
        f.platform,
        registry,
        registry.interface.encodeFunctionData("setSystemContract", [await f.app.getAddress(), false]),
      );
      await expect(as(f, "gov3").approve(f.caseId, 2, h("d")))
        .to.be.revertedWithCustomError(f.certificates, "NotSystemContract")
        .withArgs(await f.app.getAddress());
    });
  });

  describe("ECertificates.issueFor: only suite contracts, only for an issuer in good standing", () => {
    it("refuses a member calling it directly, even an issuer", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const terms = { holderHash: APPLICANT_REF, kind: 1, documentHash: h("doc"), validFrom: 0, validUntil: 0 };
      await expect(f.certificates.connect(f.admins.gov1).issueFor(f.ids.gov1, terms))
        .to.be.revertedWithCustomError(f.certificates, "NotSystemContract")
        .withArgs(f.admins.gov1.address);
    });

    it("refuses the last approval when the process's issuer lost CERTIFICATE_ISSUER meanwhile", async () => {
      const f = await withCase();
      await passStageZero(f, f.caseId);
      await as(f, "gov3").accept(f.caseId, 2);
      const { registry } = f.platform;
      await passProposal(f.platform, registry, registry.interface.encodeFunctionData("setRoles", [f.ids.gov1, 1n]));
      await expect(as(f, "gov3").approve(f.caseId, 2, h("d"))).to.be.revertedWithCustomError(registry, "MissingRole");
    });
  });

  describe("deadlines in working days: pause, resume, overdue", () => {
    it("pauses the clock on a request for documents and resumes it with the working days left", async () => {
      const f = await withCase();
      await as(f, "gov2").accept(f.caseId, 1);
      await goTo(MONDAY + 2); // Wednesday; due Monday + 14: 8 working days left
      await expect(as(f, "gov2").requestDocuments(f.caseId, 1, h("request:exits")))
        .to.emit(f.app, "DocumentsRequested")
        .withArgs(f.caseId, 1, f.ids.gov2, h("request:exits"), MONDAY + 2, 8, f.officers.gov2.address);
      await goTo(MONDAY + 9); // next Wednesday; the clock stood still meanwhile
      expect(await f.app.isOverdue(f.caseId, 1)).to.equal(false);
      const supplied = [{ kind: KIND.firePlan, contentHash: h("file:fire-plan-v2.pdf") }];
      await expect(f.app.connect(f.applicant).supplyDocuments(f.caseId, 1, supplied))
        .to.emit(f.app, "DocumentsSupplied")
        .withArgs(f.caseId, 1, anyValue, MONDAY + 9, MONDAY + 21, anyValue, f.applicant.address);
      const step = await f.app.caseStep(f.caseId, 1);
      expect([step.state, step.dueDay, step.documentRequests]).to.deep.equal([
        BigInt(StepState.Accepted),
        BigInt(MONDAY + 21),
        1n,
      ]);
    });

    it("refuses supplying documents by anyone but the applicant, or when none were asked for", async () => {
      const f = await withCase();
      const supplied = [{ kind: KIND.firePlan, contentHash: h("v2") }];
      await expect(f.app.connect(f.applicant).supplyDocuments(f.caseId, 1, supplied))
        .to.be.revertedWithCustomError(f.app, "StepWrongState")
        .withArgs(f.caseId, 1, StepState.Open);
      await as(f, "gov2").accept(f.caseId, 1);
      await as(f, "gov2").requestDocuments(f.caseId, 1, h("request"));
      await expect(
        f.app.connect(f.platform.accounts.core).supplyDocuments(f.caseId, 1, supplied),
      ).to.be.revertedWithCustomError(f.app, "NotApplicant");
      await expect(as(f, "gov2").supplyDocuments(f.caseId, 1, supplied)).to.be.revertedWithCustomError(
        f.app,
        "NotApplicant",
      );
      await expect(f.app.connect(f.applicant).supplyDocuments(f.caseId, 1, [])).to.be.revertedWithCustomError(
        f.app,
        "InvalidDocuments",
      );
      // While paused, the department cannot approve; it may still reject.
      await expect(as(f, "gov2").approve(f.caseId, 1, h("d"))).to.be.revertedWithCustomError(f.app, "StepWrongState");
      await expect(as(f, "gov2").reject(f.caseId, 1, h("no answer"))).to.emit(f.app, "CaseRejected");
    });

    it("a step is overdue after its due day; a late approval stays visible as late", async () => {
      const f = await withCase();
      await as(f, "gov1").accept(f.caseId, 0);
      await goTo(MONDAY + 7); // the due day itself
      expect(await f.app.isOverdue(f.caseId, 0)).to.equal(false);
      await goTo(MONDAY + 8);
      expect(await f.app.isOverdue(f.caseId, 0)).to.equal(true);
      expect(await f.app.isOverdue(f.caseId, 1)).to.equal(false); // due Monday + 14
      expect(await f.app.isOverdue(f.caseId, 2)).to.equal(false); // pending
      await expect(as(f, "gov1").approve(f.caseId, 0, h("late")))
        .to.emit(f.app, "StepApproved")
        .withArgs(f.caseId, 0, f.ids.gov1, h("late"), MONDAY + 8, MONDAY + 7, anyValue, f.officers.gov1.address);
      await goTo(MONDAY + 30);
      expect(await f.app.isOverdue(f.caseId, 0)).to.equal(true);
    });

    it("a step already late when paused stays late when the clock resumes", async () => {
      const f = await withCase();
      await as(f, "gov1").accept(f.caseId, 0);
      await goTo(MONDAY + 9);
      await expect(as(f, "gov1").requestDocuments(f.caseId, 0, h("request")))
        .to.emit(f.app, "DocumentsRequested")
        .withArgs(f.caseId, 0, f.ids.gov1, h("request"), MONDAY + 9, 0, f.officers.gov1.address);
      expect(await f.app.isOverdue(f.caseId, 0)).to.equal(true);
      await f.app.connect(f.applicant).supplyDocuments(f.caseId, 0, [{ kind: KIND.form, contentHash: h("v2") }]);
      expect((await f.app.caseStep(f.caseId, 0)).dueDay).to.equal(BigInt(MONDAY + 7));
      expect(await f.app.isOverdue(f.caseId, 0)).to.equal(true);
    });

    it("a step in time when the case closes stops counting then", async () => {
      const f = await withCase();
      await as(f, "gov1").accept(f.caseId, 0);
      await as(f, "gov1").reject(f.caseId, 0, h("reason"));
      await goTo(MONDAY + 30);
      // Step 1 was open and in time when the rejection closed the case.
      expect(await f.app.isOverdue(f.caseId, 1)).to.equal(false);
    });
  });

  describe("delegation", () => {
    it("hands a step to another department: recorded, the deadline kept, the delegate decides", async () => {
      const f = await withCase();
      await expect(as(f, "gov2").delegate(f.caseId, 1, f.ids.gov3, h("delegation:fire-to-env")))
        .to.emit(f.app, "StepDelegated")
        .withArgs(f.caseId, 1, f.ids.gov2, f.ids.gov3, h("delegation:fire-to-env"), f.officers.gov2.address);
      const step = await f.app.caseStep(f.caseId, 1);
      expect([step.department, step.dueDay]).to.deep.equal([BigInt(f.ids.gov3), BigInt(MONDAY + 14)]);
      await expect(as(f, "gov2").accept(f.caseId, 1))
        .to.be.revertedWithCustomError(f.app, "WrongDepartment")
        .withArgs(f.caseId, 1, f.ids.gov2, f.ids.gov3);
      await as(f, "gov3").accept(f.caseId, 1);
      await expect(as(f, "gov3").approve(f.caseId, 1, h("d"))).to.emit(f.app, "StepApproved");
    });

    it("refuses a delegation to a department deciding another step of the same stage, also after a delegation", async () => {
      const f = await withCase();
      // gov1 decides step 0 of stage 0: given step 1 as well, it would approve both parallel steps itself.
      await expect(as(f, "gov2").delegate(f.caseId, 1, f.ids.gov1, ZeroHash))
        .to.be.revertedWithCustomError(f.app, "InvalidDelegate")
        .withArgs(f.caseId, 1, f.ids.gov1);
      // The stage's current deciders count, not the definition's: once step 0 went to gov3, gov3 cannot take step 1.
      await as(f, "gov1").delegate(f.caseId, 0, f.ids.gov3, ZeroHash);
      await expect(as(f, "gov2").delegate(f.caseId, 1, f.ids.gov3, ZeroHash))
        .to.be.revertedWithCustomError(f.app, "InvalidDelegate")
        .withArgs(f.caseId, 1, f.ids.gov3);
      // gov1 no longer decides a step of stage 0, so step 1 may go to it.
      await expect(as(f, "gov2").delegate(f.caseId, 1, f.ids.gov1, ZeroHash)).to.emit(f.app, "StepDelegated");
    });

    it("refuses a delegation to the department itself, to the applicant, to a suspended member, or while paused", async () => {
      const f = await withCase();
      const gov2 = as(f, "gov2");
      await expect(gov2.delegate(f.caseId, 1, f.ids.gov2, ZeroHash))
        .to.be.revertedWithCustomError(f.app, "InvalidDelegate")
        .withArgs(f.caseId, 1, f.ids.gov2);
      await expect(gov2.delegate(f.caseId, 1, f.ids.applicant, ZeroHash)).to.be.revertedWithCustomError(
        f.app,
        "InvalidDelegate",
      );
      await expect(gov2.delegate(f.caseId, 1, 999, ZeroHash)).to.be.revertedWithCustomError(
        f.platform.registry,
        "UnknownMember",
      );
      await gov2.accept(f.caseId, 1);
      await gov2.requestDocuments(f.caseId, 1, h("request"));
      await expect(gov2.delegate(f.caseId, 1, f.ids.gov3, ZeroHash)).to.be.revertedWithCustomError(
        f.app,
        "StepWrongState",
      );
      await f.app.connect(f.applicant).supplyDocuments(f.caseId, 1, [{ kind: KIND.firePlan, contentHash: h("v2") }]);
      await suspend(f, f.ids.gov3);
      await expect(gov2.delegate(f.caseId, 1, f.ids.gov3, ZeroHash)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MemberNotActive",
      );
      await expect(as(f, "gov1").delegate(f.caseId, 1, f.ids.gov3, ZeroHash)).to.be.revertedWithCustomError(
        f.app,
        "WrongDepartment",
      );
    });
  });
});
