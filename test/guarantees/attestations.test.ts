import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";
import type { AuthorityAttestations, BankGuarantees } from "@consortia/sdk/typechain";
import { deployPlatform, passProposal, type Platform } from "../helpers/consortium.js";
import { deployUpgradeable } from "../helpers/upgradeable.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const DAY = 86_400;
const h = (text: string) => keccak256(toUtf8Bytes(text));
/** `IAuthorityAttestations.Application.GuaranteeIssue` and the kinds used here, with their policy bits. */
const GUARANTEE_ISSUE = 3;
const FORFAITING_PURCHASE = 4;
const EXPORT_DECLARATION = 2;
const COMPANY_REGISTERED = 3;
const bit = (kind: number) => 1n << BigInt(kind);
/** The tender reference the applicant gives: the keyed identifier of the underlying contract. */
const TENDER = h("subject key: contract 2026-ROAD-17");
const REF = h("guarantee-no:BG-2026-0001");
/** `IBankGuarantees.GuaranteeState.Applied` and `.Issued`. */
const APPLIED = 1n;
const ISSUED = 2n;

interface Fixture {
  platform: Platform;
  attestations: AuthorityAttestations;
  app: BankGuarantees;
}

/** supplier1 applied at bankA (guarantor, no policy yet) in favour of core, on TENDER. gov2 is customs. */
async function applied(): Promise<Fixture> {
  const platform = await deployPlatform(connection);
  const attestations = await deployUpgradeable(ethers, "AuthorityAttestations", [platform.registry]);
  const calendar = await deployUpgradeable(ethers, "ConsortiumCalendar", [platform.registry], [8 * 3600]);
  const app = await deployUpgradeable(ethers, "BankGuarantees", [
    platform.registry,
    platform.token,
    platform.ledger,
    calendar,
    attestations,
  ]);
  await platform.finishBootstrap([app]);
  const { accounts } = platform;
  const now = await networkHelpers.time.latest();
  await app.connect(accounts.supplier1).applyFor({
    guarantor: accounts.bankA.address,
    beneficiary: accounts.core.address,
    kind: 1,
    currency: "0x434e59",
    amount: 1_000_000n,
    expiry: now + 90 * DAY,
    examinationPeriod: 5 * DAY,
    termsHash: h("terms"),
    tenderReference: TENDER,
    schedule: [],
  });
  return { platform, attestations, app };
}

/** `applied`, then bankA requires a customs export declaration before it issues a guarantee. */
async function underPolicy(): Promise<Fixture> {
  const f = await applied();
  await f.attestations.connect(f.platform.accounts.bankA).setPolicy(GUARANTEE_ISSUE, bit(EXPORT_DECLARATION));
  return f;
}

/** customs (gov2) declares the export behind `subjectKey`; the business registry is gov1. */
async function attest(f: Fixture, kind: number, subjectKey: string, validFor = 60 * DAY): Promise<bigint> {
  const now = await networkHelpers.time.latest();
  const fact = {
    kind,
    subjectKey,
    evidenceHash: h(`record ${kind} ${subjectKey}`),
    validFrom: now,
    validUntil: now + validFor,
    factDate: kind === EXPORT_DECLARATION ? now - DAY : 0,
    amount: kind === EXPORT_DECLARATION ? 1_000_000 : 0,
    currency: kind === EXPORT_DECLARATION ? "0x434e59" : "0x000000",
  };
  const authority = f.attestations.connect(
    kind === EXPORT_DECLARATION ? f.platform.accounts.gov2 : f.platform.accounts.gov1,
  );
  const id = await authority.attest.staticCall(fact);
  await authority.attest(fact);
  return id;
}

const issue = (f: Fixture) => f.app.connect(f.platform.accounts.bankA).issue(1n, REF);

async function refused(f: Fixture, kind: number, latest: bigint): Promise<void> {
  await expect(issue(f))
    .to.be.revertedWithCustomError(f.attestations, "AttestationRequired")
    .withArgs(f.platform.ids.bankA, GUARANTEE_ISSUE, TENDER, kind, latest);
  expect((await f.app.guarantee(1n)).state).to.equal(APPLIED);
}

describe("Guarantee issue under authority attestation policies", () => {
  it("the guarantees contract enforces the deployed attestations contract", async () => {
    const f = await networkHelpers.loadFixture(applied);
    expect(await f.app.attestations()).to.equal(await f.attestations.getAddress());
  });

  it("a guarantor without a GuaranteeIssue policy issues as before (another application's policy is no matter)", async () => {
    const f = await networkHelpers.loadFixture(applied);
    await f.attestations.connect(f.platform.accounts.bankA).setPolicy(FORFAITING_PURCHASE, bit(COMPANY_REGISTERED));
    await expect(issue(f)).to.emit(f.app, "GuaranteeIssued");
  });

  it("no attestation: refused; once customs declares the export behind the tender: issued", async () => {
    const f = await networkHelpers.loadFixture(underPolicy);
    await refused(f, EXPORT_DECLARATION, 0n);
    await attest(f, EXPORT_DECLARATION, TENDER);
    await expect(issue(f)).to.emit(f.app, "GuaranteeIssued");
    expect((await f.app.guarantee(1n)).state).to.equal(ISSUED);
  });

  it("a revoked attestation backs nothing", async () => {
    const f = await networkHelpers.loadFixture(underPolicy);
    const id = await attest(f, EXPORT_DECLARATION, TENDER);
    await f.attestations.connect(f.platform.accounts.gov2).revoke(id, h("declaration withdrawn"));
    await refused(f, EXPORT_DECLARATION, id);
  });

  it("an expired attestation backs nothing", async () => {
    const f = await networkHelpers.loadFixture(underPolicy);
    const id = await attest(f, EXPORT_DECLARATION, TENDER, DAY);
    await networkHelpers.time.increase(DAY + 1);
    await refused(f, EXPORT_DECLARATION, id);
  });

  it("an attestation of another kind, or on another subject, backs nothing", async () => {
    const f = await networkHelpers.loadFixture(underPolicy);
    await attest(f, COMPANY_REGISTERED, TENDER);
    await attest(f, EXPORT_DECLARATION, h("subject key: another contract"));
    await refused(f, EXPORT_DECLARATION, 0n);
  });

  it("an attestation by an authority suspended now backs nothing", async () => {
    const f = await networkHelpers.loadFixture(underPolicy);
    const { registry, ids } = f.platform;
    const id = await attest(f, EXPORT_DECLARATION, TENDER);
    await passProposal(f.platform, registry, registry.interface.encodeFunctionData("suspendMember", [ids.gov2]));
    await refused(f, EXPORT_DECLARATION, id);
  });

  it("the policy in force at issue applies: set after the application, it refuses until met", async () => {
    const f = await networkHelpers.loadFixture(underPolicy);
    await attest(f, EXPORT_DECLARATION, TENDER);
    await f.attestations
      .connect(f.platform.accounts.bankA)
      .setPolicy(GUARANTEE_ISSUE, bit(EXPORT_DECLARATION) | bit(COMPANY_REGISTERED));
    await refused(f, COMPANY_REGISTERED, 0n);
    await attest(f, COMPANY_REGISTERED, TENDER);
    await expect(issue(f)).to.emit(f.app, "GuaranteeIssued");
  });
});
