/**
 * LC presentations backed by authority attestations (issue 22): an issuing bank's `LcHonour` policy is enforced by
 * LcPresentationChecks at `present` (a presentation the policy forbids is not made) and at `examine` as complying (the
 * bank's determination to honour, UCP 600 art. 15a), never as a discrepancy. Attack tests first: no attestation,
 * revoked, expired, another kind or subject, attester suspended or stripped of its role between link and examination,
 * policy tightened after presentation, wrong party and wrong state for the link.
 */
import { expect } from "chai";
import { AbiCoder, keccak256 } from "ethers";
import { network } from "hardhat";
import { passProposal } from "../helpers/consortium.js";
import { Kind, PresentationState, code, deployLettersOfCredit, hash, operativeLc, type LcFixture } from "./fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const DAY = 86_400;
/** `IAuthorityAttestations.Application.LcHonour` and `.GuaranteeIssue`, and the kinds used here. */
const LC_HONOUR = 2;
const GUARANTEE_ISSUE = 3;
const EXPORT_DECLARATION = 2;
const COMPANY_REGISTERED = 3;
const bit = (kind: number) => 1n << BigInt(kind);
/** The subject the beneficiary names: the keyed identifier of its export declaration. */
const SUBJECT = hash("subject key: export declaration 2026-EX-0042");

type Doc = { contentHash: string; uriHash: string; kind: number };
const ALL = [Kind.INVOICE, Kind.TRANSPORT_DOCUMENT, Kind.INSURANCE];
const docs = (tag: string): Doc[] =>
  ALL.map((kind) => ({ contentHash: hash(`${tag}-${kind}`), uriHash: hash(`uri-${tag}-${kind}`), kind }));
const documentsHash = (documents: Doc[]): string =>
  keccak256(
    AbiCoder.defaultAbiCoder().encode(["tuple(bytes32 contentHash, bytes32 uriHash, uint16 kind)[]"], [documents]),
  );

interface Fixture {
  f: LcFixture;
  lcId: bigint;
}

/** An operative LC (bankA issuing, supplier1 beneficiary) whose checks enforce the attestations register. */
async function operative(): Promise<Fixture> {
  const f = await deployLettersOfCredit(connection, { attestations: true });
  const lcId = await operativeLc(f);
  return { f, lcId };
}

/** `operative`, then bankA requires a customs export declaration before it honours. */
async function underPolicy(): Promise<Fixture> {
  const x = await operative();
  await x.f.attestations!.connect(x.f.platform.accounts.bankA).setPolicy(LC_HONOUR, bit(EXPORT_DECLARATION));
  return x;
}

/** customs (gov2) declares the export behind `subjectKey`; the business registry (gov1) registers the company. */
async function attest(f: LcFixture, kind: number, subjectKey: string, validFor = 60 * DAY): Promise<bigint> {
  const now = await networkHelpers.time.latest();
  const customs = kind === EXPORT_DECLARATION;
  const fact = {
    kind,
    subjectKey,
    evidenceHash: hash(`record ${kind} ${subjectKey}`),
    validFrom: now,
    validUntil: now + validFor,
    factDate: customs ? now - DAY : 0,
    amount: customs ? 100_000 : 0,
    currency: customs ? "0x434e59" : "0x000000",
  };
  const authority = f.attestations!.connect(customs ? f.platform.accounts.gov2 : f.platform.accounts.gov1);
  const id = await authority.attest.staticCall(fact);
  await authority.attest(fact);
  return id;
}

/** supplier1 states `subject` for the documents tagged `tag` (unless null) and presents them; returns the id. */
async function present(x: Fixture, tag: string, subject: string | null = SUBJECT): Promise<bigint> {
  const beneficiary = x.f.platform.accounts.supplier1;
  const documents = docs(tag);
  if (subject !== null)
    await x.f.presentationChecks.connect(beneficiary).stateBacking(documentsHash(documents), subject);
  const id = await x.f.lc.connect(beneficiary).present.staticCall(x.lcId, 50_000n, documents);
  await x.f.lc.connect(beneficiary).present(x.lcId, 50_000n, documents);
  return id;
}

const examine = (x: Fixture, id: bigint, discrepancies: string[] = []) =>
  x.f.lc.connect(x.f.platform.accounts.bankA).examine(id, discrepancies);

async function examineRefused(x: Fixture, id: bigint, kind: number, latest: bigint, subject = SUBJECT): Promise<void> {
  await expect(examine(x, id))
    .to.be.revertedWithCustomError(x.f.attestations!, "AttestationRequired")
    .withArgs(x.f.platform.ids.bankA, LC_HONOUR, subject, kind, latest);
  expect((await x.f.lc.presentation(id)).state).to.equal(PresentationState.Presented);
}

describe("LC presentations backed by authority attestations (issue 22)", () => {
  it("the checks enforce the deployed attestations register; LC_BANK banks may set an LcHonour policy", async () => {
    const x = await networkHelpers.loadFixture(operative);
    const { accounts, ids } = x.f.platform;
    expect(await x.f.presentationChecks.attestations()).to.equal(await x.f.attestations!.getAddress());
    await expect(x.f.attestations!.connect(accounts.bankA).setPolicy(LC_HONOUR, bit(EXPORT_DECLARATION)))
      .to.emit(x.f.attestations!, "FinancingPolicySet")
      .withArgs(ids.bankA, LC_HONOUR, bit(EXPORT_DECLARATION), accounts.bankA.address);
    // an enterprise (no LC_BANK role) cannot
    await expect(x.f.attestations!.connect(accounts.supplier1).setPolicy(LC_HONOUR, 2n)).to.be.revertedWithCustomError(
      x.f.platform.registry,
      "MissingRole",
    );
  });

  it("an issuing bank without an LcHonour policy honours as before (another application's policy is no matter)", async () => {
    const x = await networkHelpers.loadFixture(operative);
    await x.f.attestations!.connect(x.f.platform.accounts.bankA).setPolicy(GUARANTEE_ISSUE, bit(COMPANY_REGISTERED));
    const id = await present(x, "none", null);
    await expect(examine(x, id))
      .to.emit(x.f.presentationChecks, "PresentationBacking")
      .withArgs(await x.f.lc.getAddress(), id, x.f.platform.ids.bankA, ethers.ZeroHash, 0n, true);
    await expect(x.f.lc.connect(x.f.platform.accounts.bankA).pay(id, ethers.ZeroHash)).to.emit(
      x.f.lc,
      "PresentationPaid",
    );
  });

  it("at present: no attestation on the stated subject, or no subject stated, is refused (nothing presented)", async () => {
    const x = await networkHelpers.loadFixture(underPolicy);
    const { supplier1 } = x.f.platform.accounts;
    await expect(x.f.lc.connect(supplier1).present(x.lcId, 50_000n, docs("a")))
      .to.be.revertedWithCustomError(x.f.attestations!, "AttestationRequired")
      .withArgs(x.f.platform.ids.bankA, LC_HONOUR, ethers.ZeroHash, EXPORT_DECLARATION, 0n);
    await x.f.presentationChecks.connect(supplier1).stateBacking(documentsHash(docs("a")), SUBJECT);
    await expect(x.f.lc.connect(supplier1).present(x.lcId, 50_000n, docs("a"))).to.be.revertedWithCustomError(
      x.f.attestations!,
      "AttestationRequired",
    );
    expect((await x.f.lc.letterOfCredit(x.lcId)).reserved).to.equal(0n);
  });

  it("backed: presented and examined as complying, each check recorded with the policy in force", async () => {
    const x = await networkHelpers.loadFixture(underPolicy);
    await attest(x.f, EXPORT_DECLARATION, SUBJECT);
    const lcAddress = await x.f.lc.getAddress();
    const documents = docs("b");
    const { supplier1, bankA } = x.f.platform.accounts;
    await expect(x.f.presentationChecks.connect(supplier1).stateBacking(documentsHash(documents), SUBJECT))
      .to.emit(x.f.presentationChecks, "BackingStated")
      .withArgs(supplier1.address, documentsHash(documents), SUBJECT);
    const id = await x.f.lc.connect(supplier1).present.staticCall(x.lcId, 50_000n, documents);
    await expect(x.f.lc.connect(supplier1).present(x.lcId, 50_000n, documents))
      .to.emit(x.f.presentationChecks, "PresentationBacking")
      .withArgs(lcAddress, id, x.f.platform.ids.bankA, SUBJECT, bit(EXPORT_DECLARATION), false);
    expect(await x.f.presentationChecks.backingOf(lcAddress, id)).to.equal(SUBJECT);
    // the statement is used up
    expect(await x.f.presentationChecks.statedBacking(supplier1.address, documentsHash(documents))).to.equal(
      ethers.ZeroHash,
    );
    await expect(examine(x, id))
      .to.emit(x.f.presentationChecks, "PresentationBacking")
      .withArgs(lcAddress, id, x.f.platform.ids.bankA, SUBJECT, bit(EXPORT_DECLARATION), true);
    await expect(x.f.lc.connect(bankA).pay(id, ethers.ZeroHash)).to.emit(x.f.lc, "PresentationPaid");
  });

  it("revoked between presentation and examination: examining as complying is refused, and it is no discrepancy", async () => {
    const x = await networkHelpers.loadFixture(underPolicy);
    const attestationId = await attest(x.f, EXPORT_DECLARATION, SUBJECT);
    const id = await present(x, "c");
    await x.f.attestations!.connect(x.f.platform.accounts.gov2).revoke(attestationId, hash("declaration withdrawn"));
    await examineRefused(x, id, EXPORT_DECLARATION, attestationId);
    // nothing was found at presentation: the refusal added no finding the bank must (or could be made to) list
    expect((await x.f.presentationChecks.findings(await x.f.lc.getAddress(), id)).codes).to.equal(0n);
    // a fresh declaration on the same subject backs it again
    await attest(x.f, EXPORT_DECLARATION, SUBJECT);
    await expect(examine(x, id)).to.emit(x.f.lc, "PresentationExamined");
  });

  it("expired between presentation and examination: refused", async () => {
    const x = await networkHelpers.loadFixture(underPolicy);
    const attestationId = await attest(x.f, EXPORT_DECLARATION, SUBJECT, DAY);
    const id = await present(x, "d");
    await networkHelpers.time.increase(DAY + 1);
    await examineRefused(x, id, EXPORT_DECLARATION, attestationId);
  });

  it("attester suspended, or stripped of the customs role, between presentation and examination: refused", async () => {
    const x = await networkHelpers.loadFixture(underPolicy);
    const { registry, ids } = x.f.platform;
    const attestationId = await attest(x.f, EXPORT_DECLARATION, SUBJECT);
    const id = await present(x, "e");
    await passProposal(x.f.platform, registry, registry.interface.encodeFunctionData("suspendMember", [ids.gov2]));
    await examineRefused(x, id, EXPORT_DECLARATION, attestationId);
    await passProposal(x.f.platform, registry, registry.interface.encodeFunctionData("reinstateMember", [ids.gov2]));
    await expect(examine(x, id)).to.emit(x.f.lc, "PresentationExamined");

    const x2 = await networkHelpers.loadFixture(underPolicy);
    const a2 = await attest(x2.f, EXPORT_DECLARATION, SUBJECT);
    const id2 = await present(x2, "e2");
    const profile = await x2.f.platform.registry.memberProfile(x2.f.platform.ids.gov2);
    const customsRole = BigInt(await x2.f.attestations!.roleOf(EXPORT_DECLARATION));
    await passProposal(
      x2.f.platform,
      x2.f.platform.registry,
      x2.f.platform.registry.interface.encodeFunctionData("setRoles", [
        x2.f.platform.ids.gov2,
        BigInt(profile[2]) & ~customsRole,
      ]),
    );
    await examineRefused(x2, id2, EXPORT_DECLARATION, a2);
  });

  it("another kind, or another subject, backs nothing", async () => {
    const x = await networkHelpers.loadFixture(underPolicy);
    await attest(x.f, COMPANY_REGISTERED, SUBJECT);
    await attest(x.f, EXPORT_DECLARATION, hash("subject key: another declaration"));
    await expect(present(x, "f")).to.be.revertedWithCustomError(x.f.attestations!, "AttestationRequired");
  });

  it("the policy in force at examination applies: tightened after presentation, refused until met", async () => {
    const x = await networkHelpers.loadFixture(underPolicy);
    await attest(x.f, EXPORT_DECLARATION, SUBJECT);
    const id = await present(x, "g");
    await x.f
      .attestations!.connect(x.f.platform.accounts.bankA)
      .setPolicy(LC_HONOUR, bit(EXPORT_DECLARATION) | bit(COMPANY_REGISTERED));
    await examineRefused(x, id, COMPANY_REGISTERED, 0n);
    await attest(x.f, COMPANY_REGISTERED, SUBJECT);
    await expect(examine(x, id)).to.emit(x.f.lc, "PresentationExamined");
  });

  it("examining with discrepancies, and refusing, are not checked (the bank may always refuse what it finds)", async () => {
    const x = await networkHelpers.loadFixture(underPolicy);
    const attestationId = await attest(x.f, EXPORT_DECLARATION, SUBJECT);
    const id = await present(x, "h");
    await x.f.attestations!.connect(x.f.platform.accounts.gov2).revoke(attestationId, hash("withdrawn"));
    await expect(
      x.f.lc.connect(x.f.platform.accounts.bankA).refuse(id, [code("INVOICE_AMOUNT")], hash("notice"), false),
    ).to.emit(x.f.lc, "RefusalNoticeSent");
  });

  it("linkBacking: the beneficiary or the issuing bank re-links a presented presentation to another subject", async () => {
    const x = await networkHelpers.loadFixture(underPolicy);
    const { supplier1, supplier2, bankA, bankB, core } = x.f.platform.accounts;
    const attestationId = await attest(x.f, EXPORT_DECLARATION, SUBJECT);
    const id = await present(x, "i");
    const lcAddress = await x.f.lc.getAddress();
    await x.f.attestations!.connect(x.f.platform.accounts.gov2).revoke(attestationId, hash("replaced"));
    const other = hash("subject key: corrected declaration");
    await attest(x.f, EXPORT_DECLARATION, other);
    // wrong party: the applicant, another trader; the advising bank (no LC_TRADER role, not the issuing bank)
    for (const stranger of [core, supplier2]) {
      await expect(
        x.f.presentationChecks.connect(stranger).linkBacking(x.f.lc, id, other),
      ).to.be.revertedWithCustomError(x.f.presentationChecks, "BackingWrongParty");
    }
    await expect(x.f.presentationChecks.connect(bankB).linkBacking(x.f.lc, id, other)).to.be.revertedWithCustomError(
      x.f.platform.registry,
      "MissingRole",
    );
    await expect(x.f.presentationChecks.connect(supplier1).linkBacking(x.f.lc, id, ethers.ZeroHash))
      .to.be.revertedWithCustomError(x.f.presentationChecks, "InvalidValue")
      .withArgs(code("subjectKey"));
    await expect(x.f.presentationChecks.connect(bankA).linkBacking(x.f.lc, id, other))
      .to.emit(x.f.presentationChecks, "PresentationBackingLinked")
      .withArgs(lcAddress, id, other, x.f.platform.ids.bankA, bankA.address);
    await expect(examine(x, id)).to.emit(x.f.lc, "PresentationExamined");
    // wrong state: examined, it can no longer be re-linked
    await expect(x.f.presentationChecks.connect(supplier1).linkBacking(x.f.lc, id, SUBJECT))
      .to.be.revertedWithCustomError(x.f.presentationChecks, "BackingNotLinkable")
      .withArgs(id, PresentationState.Compliant);
  });

  it("linkBacking: a beneficiary suspended since it presented is refused; a stranger LC contract is refused", async () => {
    const x = await networkHelpers.loadFixture(underPolicy);
    const { registry, ids, accounts } = x.f.platform;
    await attest(x.f, EXPORT_DECLARATION, SUBJECT);
    const id = await present(x, "j");
    await passProposal(x.f.platform, registry, registry.interface.encodeFunctionData("suspendMember", [ids.supplier1]));
    await expect(
      x.f.presentationChecks.connect(accounts.supplier1).linkBacking(x.f.lc, id, SUBJECT),
    ).to.be.revertedWithCustomError(registry, "MemberNotActive");
    await expect(
      x.f.presentationChecks.connect(accounts.bankA).linkBacking(accounts.bankA.address, id, SUBJECT),
    ).to.be.revertedWithCustomError(x.f.presentationChecks, "NotLetterOfCreditContract");
  });
});
