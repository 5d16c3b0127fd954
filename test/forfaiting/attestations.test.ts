import { expect } from "chai";
import { keccak256, toUtf8Bytes, ZeroHash } from "ethers";
import { network } from "hardhat";
import type { AuthorityAttestations, ClaimMock, ForfaitingMarket } from "@consortia/sdk/typechain";
import { deployPlatform, fund, passProposal, type Platform } from "../helpers/consortium.js";
import { deployUpgradeable } from "../helpers/upgradeable.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const DAY = 86_400;
const FACE = 10_000_000n;
const PRICE = 9_650_000n;
const h = (text: string) => keccak256(toUtf8Bytes(text));
const DEED = h("transfer deed");
const NOTICE = h("transfer notice");
/** `IAuthorityAttestations.Application.ForfaitingPurchase` and the kinds used here, with their policy bits. */
const FORFAITING_PURCHASE = 4;
const INVOICE_GENUINE = 1;
const COMPANY_REGISTERED = 3;
const bit = (kind: number) => 1n << BigInt(kind);
const INVOICE = h("invoice key: INV-2026-0042");
const OTHER_INVOICE = h("invoice key: INV-2026-0043");

interface Fixture {
  platform: Platform;
  attestations: AuthorityAttestations;
  market: ForfaitingMarket;
  claims: ClaimMock;
  now: number;
}

/**
 * bankC owes FACE on claim 1 (backed by INVOICE) to bankA, which announces it; bankB quotes PRICE. bankB has no policy
 * yet. gov1 is the tax bureau and the business registry.
 */
async function quoted(): Promise<Fixture> {
  const platform = await deployPlatform(connection);
  const attestations = await deployUpgradeable(ethers, "AuthorityAttestations", [platform.registry]);
  const claims = await ethers.deployContract("ClaimMock", [platform.registry, platform.token]);
  const market = await deployUpgradeable(
    ethers,
    "ForfaitingMarket",
    [platform.registry, platform.token, platform.ledger, platform.freezeOrders, attestations],
    [[await claims.getAddress()]],
  );
  await platform.finishBootstrap([market, claims]);
  const { accounts } = platform;
  const now = await networkHelpers.time.latest();
  await claims.connect(accounts.bankC).create(accounts.bankA, now + 180 * DAY, FACE);
  await claims.setBackingSubject(1n, INVOICE);
  for (const bank of [accounts.bankA, accounts.bankB]) {
    await fund(platform, bank, 10n * FACE);
    await platform.token.connect(bank).approve(market, ethers.MaxUint256);
  }
  await claims.connect(accounts.bankA).approveClaim(1n, market);
  await market.connect(accounts.bankA).announce({
    asset: await claims.getAddress(),
    claimId: 1n,
    askingPrice: 9_700_000n,
    askingDiscountBps: 600,
    askingTermsHash: h("asking terms"),
    quoteDeadline: now + 3 * DAY,
    revealPeriod: 0,
    documents: [],
  });
  await market.connect(accounts.bankB).quote(1n, PRICE);
  return { platform, attestations, market, claims, now };
}

/** `quoted`, then bankB requires InvoiceGenuine before it buys a claim (after it quoted). */
async function underPolicy(): Promise<Fixture> {
  const f = await quoted();
  await f.attestations.connect(f.platform.accounts.bankB).setPolicy(FORFAITING_PURCHASE, bit(INVOICE_GENUINE));
  return f;
}

async function attest(f: Fixture, kind: number, subjectKey: string, validFor = 60 * DAY): Promise<bigint> {
  const now = await networkHelpers.time.latest();
  const fact = {
    kind,
    subjectKey,
    evidenceHash: h(`record ${kind} ${subjectKey}`),
    validFrom: now,
    validUntil: now + validFor,
    factDate: 0,
    amount: 0,
    currency: "0x000000",
  };
  const gov1 = f.attestations.connect(f.platform.accounts.gov1);
  const id = await gov1.attest.staticCall(fact);
  await gov1.attest(fact);
  return id;
}

function accept(f: Fixture) {
  return f.market.connect(f.platform.accounts.bankA).acceptQuote(1n, f.platform.accounts.bankB, DEED, NOTICE, ZeroHash);
}

async function refused(f: Fixture, kind: number, latest: bigint, subjectKey = INVOICE): Promise<void> {
  await expect(accept(f))
    .to.be.revertedWithCustomError(f.attestations, "AttestationRequired")
    .withArgs(f.platform.ids.bankB, FORFAITING_PURCHASE, subjectKey, kind, latest);
  // Nothing moved: the offer is open, the claim still the seller's, the price still the buyer's.
  expect((await f.market.offer(1n)).state).to.equal(1n);
  expect((await f.claims.claimInfo(1n)).holder).to.equal(f.platform.accounts.bankA.address);
  expect(await f.platform.token.balanceOf(f.platform.accounts.bankB)).to.equal(10n * FACE);
}

describe("Forfaiting purchases under authority attestation policies", () => {
  it("the market enforces the deployed attestations contract and names the claim's subject", async () => {
    const f = await networkHelpers.loadFixture(quoted);
    expect(await f.market.attestations()).to.equal(await f.attestations.getAddress());
    expect(await f.market.backingSubjectOf(1n)).to.equal(INVOICE);
  });

  it("a buyer without a policy buys as before; the trade records the subject and no policy", async () => {
    const f = await networkHelpers.loadFixture(quoted);
    await expect(accept(f)).to.emit(f.market, "PurchaseBacking").withArgs(1n, f.platform.ids.bankB, INVOICE, 0n);
  });

  it("no attestation: refused; once the tax bureau attests the invoice: traded", async () => {
    const f = await networkHelpers.loadFixture(underPolicy);
    await refused(f, INVOICE_GENUINE, 0n);
    await attest(f, INVOICE_GENUINE, INVOICE);
    await expect(accept(f))
      .to.emit(f.market, "PurchaseBacking")
      .withArgs(1n, f.platform.ids.bankB, INVOICE, bit(INVOICE_GENUINE))
      .and.to.emit(f.market, "ClaimTraded");
    expect((await f.claims.claimInfo(1n)).holder).to.equal(f.platform.accounts.bankB.address);
  });

  it("a revoked attestation backs nothing", async () => {
    const f = await networkHelpers.loadFixture(underPolicy);
    const id = await attest(f, INVOICE_GENUINE, INVOICE);
    await f.attestations.connect(f.platform.accounts.gov1).revoke(id, h("issued in error"));
    await refused(f, INVOICE_GENUINE, id);
  });

  it("an expired attestation backs nothing", async () => {
    const f = await networkHelpers.loadFixture(underPolicy);
    const id = await attest(f, INVOICE_GENUINE, INVOICE, DAY);
    await networkHelpers.time.increase(DAY + 1);
    await refused(f, INVOICE_GENUINE, id);
  });

  it("an attestation of another kind backs nothing", async () => {
    const f = await networkHelpers.loadFixture(underPolicy);
    await attest(f, COMPANY_REGISTERED, INVOICE);
    await refused(f, INVOICE_GENUINE, 0n);
  });

  it("an attestation on another subject backs nothing", async () => {
    const f = await networkHelpers.loadFixture(underPolicy);
    await attest(f, INVOICE_GENUINE, OTHER_INVOICE);
    await refused(f, INVOICE_GENUINE, 0n);
  });

  it("an attestation by an authority suspended now backs nothing, and again once reinstated", async () => {
    const f = await networkHelpers.loadFixture(underPolicy);
    const { registry, ids } = f.platform;
    const id = await attest(f, INVOICE_GENUINE, INVOICE);
    await passProposal(f.platform, registry, registry.interface.encodeFunctionData("suspendMember", [ids.gov1]));
    await refused(f, INVOICE_GENUINE, id);
    await passProposal(f.platform, registry, registry.interface.encodeFunctionData("reinstateMember", [ids.gov1]));
    await expect(accept(f)).to.emit(f.market, "ClaimTraded");
  });

  it("the policy in force at acceptance applies: tightened after the quote, it refuses until met", async () => {
    const f = await networkHelpers.loadFixture(underPolicy);
    await attest(f, INVOICE_GENUINE, INVOICE);
    // bankB adds CompanyRegistered after it quoted and after the invoice was attested.
    await f.attestations
      .connect(f.platform.accounts.bankB)
      .setPolicy(FORFAITING_PURCHASE, bit(INVOICE_GENUINE) | bit(COMPANY_REGISTERED));
    await refused(f, COMPANY_REGISTERED, 0n);
    await attest(f, COMPANY_REGISTERED, INVOICE);
    await expect(accept(f)).to.emit(f.market, "ClaimTraded");
  });

  it("a claim whose contract names no subject cannot be bought by a bank with a policy", async () => {
    const f = await networkHelpers.loadFixture(underPolicy);
    await f.claims.setBackingSubject(1n, ZeroHash);
    expect(await f.market.backingSubjectOf(1n)).to.equal(ZeroHash);
    await refused(f, INVOICE_GENUINE, 0n, ZeroHash);
  });

  it("the seller's policy does not apply: only the buyer finances", async () => {
    const f = await networkHelpers.loadFixture(quoted);
    await f.attestations.connect(f.platform.accounts.bankA).setPolicy(FORFAITING_PURCHASE, bit(INVOICE_GENUINE));
    await expect(accept(f)).to.emit(f.market, "PurchaseBacking").withArgs(1n, f.platform.ids.bankB, INVOICE, 0n);
  });
});
