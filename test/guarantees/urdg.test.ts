import { expect } from "chai";
import { encodeBytes32String, keccak256, toUtf8Bytes, ZeroAddress, ZeroHash } from "ethers";
import { network } from "hardhat";
import { deployPlatform, fund, passProposal, type Platform } from "../helpers/consortium.js";
import type { BankGuarantees } from "@consortia/sdk/typechain";
import type { IBankGuarantees } from "@consortia/sdk/typechain/guarantees/BankGuarantees.js";
import { deployUpgradeable } from "../helpers/upgradeable.js";

// URDG 758 rules added by issue 19: counter-guarantees (art. 2, 15b), extend or pay (art. 23), the kinds, reduction
// as advances are repaid (art. 13) and expiry on a documentary event (art. 25a iii).

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const DAY = 86_400n;
const AMOUNT = 1_000_000n;
const h = (text: string) => keccak256(toUtf8Bytes(text));
const REF = h("guarantee-no:BG-2026-0019");
const STATEMENT = h("art. 15b statement: complying demand received under BG-2026-0019");
const CERTIFICATE = h("taking-over certificate");

enum Kind {
  Bid,
  Performance,
  AdvancePayment,
  Warranty,
  Payment,
  Standby,
}
enum GState {
  None,
  Applied,
  Issued,
  Claimed,
  Declined,
  Cancelled,
  Released,
  Expired,
  Exhausted,
}
enum CState {
  None,
  Presented,
  Paid,
  Rejected,
  Extended,
  Withdrawn,
}
enum Counter {
  None,
  Issued,
  Demanded,
  Exhausted,
}

interface Fixture {
  platform: Platform;
  app: BankGuarantees;
  now: bigint;
  id: bigint;
}

/** supplier1 applies at bankA in favour of core; bankB (the instructing bank) stands behind bankA. */
async function appliedFixture(): Promise<Fixture> {
  const platform = await deployPlatform(connection);
  const calendar = await deployUpgradeable(ethers, "ConsortiumCalendar", [platform.registry], [8 * 3600]);
  const app = await deployUpgradeable(ethers, "BankGuarantees", [
    platform.registry,
    platform.token,
    platform.ledger,
    calendar,
    ZeroAddress,
  ]);
  await platform.finishBootstrap([app]);
  for (const bank of [platform.accounts.bankA, platform.accounts.bankB]) {
    await fund(platform, bank, 10n * AMOUNT);
    await platform.token.connect(bank).approve(app, ethers.MaxUint256);
  }
  const now = BigInt(await networkHelpers.time.latest());
  const f = { platform, app, now, id: 1n };
  await app.connect(platform.accounts.supplier1).applyFor(application(f));
  return f;
}

function application(
  f: Pick<Fixture, "platform" | "now">,
  overrides: Partial<IBankGuarantees.ApplicationStruct> = {},
): IBankGuarantees.ApplicationStruct {
  return {
    guarantor: f.platform.accounts.bankA.address,
    beneficiary: f.platform.accounts.core.address,
    kind: Kind.Performance,
    currency: "0x434e59",
    amount: AMOUNT,
    expiry: f.now + 90n * DAY,
    examinationPeriod: 5n * DAY,
    termsHash: h("terms"),
    tenderReference: h("contract:2026-PORT-3"),
    schedule: [],
    ...overrides,
  };
}

function counterTerms(f: Pick<Fixture, "now">, overrides: Partial<IBankGuarantees.CounterTermsStruct> = {}) {
  return {
    amount: AMOUNT,
    expiry: f.now + 120n * DAY,
    examinationPeriod: 5n * DAY,
    termsHash: h("counter-guarantee terms"),
    ...overrides,
  };
}

function demand(amount: bigint, extendTo = 0n): IBankGuarantees.DemandStruct {
  return { amount, demandHash: h("demand statement"), documents: [], extendTo };
}

async function counteredFixture(): Promise<Fixture> {
  const f = await appliedFixture();
  await f.app.connect(f.platform.accounts.bankB).issueCounterGuarantee(f.id, counterTerms(f));
  await f.app.connect(f.platform.accounts.bankA).issue(f.id, REF);
  return f;
}

/** A demand of 400,000 under the guarantee, paid by bankA. */
async function paidFixture(): Promise<Fixture> {
  const f = await counteredFixture();
  await f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(400_000n));
  await f.app.connect(f.platform.accounts.bankA).payClaim(f.id, 0n, ZeroHash);
  return f;
}

async function counterDemandedFixture(): Promise<Fixture> {
  const f = await paidFixture();
  await f.app.connect(f.platform.accounts.bankA).demandUnderCounterGuarantee(f.id, 0n, 400_000n, STATEMENT);
  return f;
}

async function extendOrPayFixture(): Promise<Fixture> {
  const f = await counteredFixture();
  await f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(AMOUNT, f.now + 180n * DAY));
  return f;
}

async function suspendMember(f: Fixture, memberId: number) {
  const { registry } = f.platform;
  await passProposal(f.platform, registry, registry.interface.encodeFunctionData("suspendMember", [memberId]));
}

describe("BankGuarantees: URDG 758 (issue 19)", () => {
  describe("counter-guarantees (art. 2, 15b)", () => {
    it("is issued by an instructing bank in favour of the guarantor, with every term in the event", async () => {
      const f = await networkHelpers.loadFixture(appliedFixture);
      const { accounts, ids } = f.platform;
      const terms = counterTerms(f);
      await expect(f.app.connect(accounts.bankB).issueCounterGuarantee(f.id, terms))
        .to.emit(f.app, "CounterGuaranteeIssued")
        .withArgs(f.id, ids.bankB, ids.bankA, accounts.bankB.address, [
          terms.amount,
          terms.expiry,
          terms.examinationPeriod,
          terms.termsHash,
        ]);
      const cg = await f.app.counterGuarantee(f.id);
      expect(cg.instructingBank).to.equal(ids.bankB);
      expect(cg.state).to.equal(Counter.Issued);
      expect(cg.amount).to.equal(AMOUNT);
      expect(cg.expiry).to.equal(terms.expiry);
      expect(cg.termsHash).to.equal(terms.termsHash);
    });

    it("rejects the guarantor as its own instructing bank, and a party without the guarantor role", async () => {
      const f = await networkHelpers.loadFixture(appliedFixture);
      await expect(f.app.connect(f.platform.accounts.bankA).issueCounterGuarantee(f.id, counterTerms(f)))
        .to.be.revertedWithCustomError(f.app, "GuaranteeSameParty")
        .withArgs(f.platform.ids.bankA);
      await expect(
        f.app.connect(f.platform.accounts.supplier1).issueCounterGuarantee(f.id, counterTerms(f)),
      ).to.be.revertedWithCustomError(f.platform.registry, "MissingRole");
    });

    it("rejects a second counter-guarantee on the same guarantee", async () => {
      const f = await networkHelpers.loadFixture(counteredFixture);
      await expect(f.app.connect(f.platform.accounts.bankC).issueCounterGuarantee(f.id, counterTerms(f)))
        .to.be.revertedWithCustomError(f.app, "CounterGuaranteeWrongState")
        .withArgs(f.id, Counter.Issued, Counter.None);
    });

    it("rejects a counter-guarantee on a guarantee declined, cancelled or unknown", async () => {
      const f = await networkHelpers.loadFixture(appliedFixture);
      await f.app.connect(f.platform.accounts.supplier1).cancel(f.id);
      await expect(f.app.connect(f.platform.accounts.bankB).issueCounterGuarantee(f.id, counterTerms(f)))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongState")
        .withArgs(f.id, GState.Cancelled, GState.Issued);
      await expect(f.app.connect(f.platform.accounts.bankB).issueCounterGuarantee(9n, counterTerms(f)))
        .to.be.revertedWithCustomError(f.app, "GuaranteeUnknown")
        .withArgs(9n);
    });

    it("rejects a zero amount, a past expiry, an examination period out of range and empty terms", async () => {
      const f = await networkHelpers.loadFixture(appliedFixture);
      const bankB = f.app.connect(f.platform.accounts.bankB);
      const cases: [Partial<IBankGuarantees.CounterTermsStruct>, string][] = [
        [{ amount: 0n }, "amount"],
        [{ expiry: f.now }, "expiry"],
        [{ examinationPeriod: 0n }, "examinationPeriod"],
        [{ examinationPeriod: 31n * DAY }, "examinationPeriod"],
        [{ termsHash: ZeroHash }, "termsHash"],
      ];
      for (const [overrides, field] of cases) {
        await expect(bankB.issueCounterGuarantee(f.id, counterTerms(f, overrides)))
          .to.be.revertedWithCustomError(f.app, "InvalidValue")
          .withArgs(encodeBytes32String(field));
      }
    });

    it("rejects a suspended instructing bank", async () => {
      const f = await networkHelpers.loadFixture(appliedFixture);
      await suspendMember(f, f.platform.ids.bankB);
      await expect(f.app.connect(f.platform.accounts.bankB).issueCounterGuarantee(f.id, counterTerms(f)))
        .to.be.revertedWithCustomError(f.platform.registry, "MemberNotActive")
        .withArgs(f.platform.ids.bankB, 2);
    });

    it("lets the guarantor demand only after it paid a complying demand under the guarantee (invariant)", async () => {
      const f = await networkHelpers.loadFixture(counteredFixture);
      const bankA = f.app.connect(f.platform.accounts.bankA);
      await expect(bankA.demandUnderCounterGuarantee(f.id, 0n, 1n, STATEMENT))
        .to.be.revertedWithCustomError(f.app, "CounterDemandNotBacked")
        .withArgs(f.id, 0n, CState.None);
      await f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(400_000n));
      await expect(bankA.demandUnderCounterGuarantee(f.id, 0n, 1n, STATEMENT))
        .to.be.revertedWithCustomError(f.app, "CounterDemandNotBacked")
        .withArgs(f.id, 0n, CState.Presented);
      await bankA.rejectClaim(f.id, 0n, h("no statement of breach"));
      await expect(bankA.demandUnderCounterGuarantee(f.id, 0n, 1n, STATEMENT))
        .to.be.revertedWithCustomError(f.app, "CounterDemandNotBacked")
        .withArgs(f.id, 0n, CState.Rejected);
    });

    it("does not count a demand past its examination period as paid: the guarantor pays it first", async () => {
      const f = await networkHelpers.loadFixture(counteredFixture);
      await f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(400_000n));
      const c = await f.app.claim(f.id, 0n);
      await networkHelpers.time.increaseTo(c.examinationDeadline + 1n);
      await expect(
        f.app.connect(f.platform.accounts.bankA).demandUnderCounterGuarantee(f.id, 0n, 1n, STATEMENT),
      ).to.be.revertedWithCustomError(f.app, "CounterDemandNotBacked");
    });

    it("records the demand with the art. 15b statement and starts the instructing bank's examination", async () => {
      const f = await networkHelpers.loadFixture(paidFixture);
      const { accounts, ids } = f.platform;
      const tx = f.app.connect(accounts.bankA).demandUnderCounterGuarantee(f.id, 0n, 400_000n, STATEMENT);
      const at = BigInt(await networkHelpers.time.latest()) + 1n;
      await expect(tx)
        .to.emit(f.app, "CounterDemandPresented")
        .withArgs(f.id, 0n, ids.bankA, accounts.bankA.address, 400_000n, STATEMENT, at + 5n * DAY);
      const cg = await f.app.counterGuarantee(f.id);
      expect(cg.state).to.equal(Counter.Demanded);
      expect(cg.demanded).to.equal(400_000n);
      expect(cg.payee).to.equal(accounts.bankA.address);
    });

    it("rejects a demand by anyone but the guarantor: the beneficiary, the applicant, the instructing bank", async () => {
      const f = await networkHelpers.loadFixture(paidFixture);
      const { accounts, ids } = f.platform;
      await expect(f.app.connect(accounts.bankB).demandUnderCounterGuarantee(f.id, 0n, 1n, STATEMENT))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongParty")
        .withArgs(f.id, ids.bankB, ids.bankA);
      for (const party of [accounts.core, accounts.supplier1]) {
        await expect(
          f.app.connect(party).demandUnderCounterGuarantee(f.id, 0n, 1n, STATEMENT),
        ).to.be.revertedWithCustomError(f.platform.registry, "MissingRole");
      }
    });

    it("rejects a demand by a suspended guarantor", async () => {
      const f = await networkHelpers.loadFixture(paidFixture);
      await suspendMember(f, f.platform.ids.bankA);
      await expect(f.app.connect(f.platform.accounts.bankA).demandUnderCounterGuarantee(f.id, 0n, 1n, STATEMENT))
        .to.be.revertedWithCustomError(f.platform.registry, "MemberNotActive")
        .withArgs(f.platform.ids.bankA, 2);
    });

    it("rejects a demand above the paid demand or the counter-guarantee, without statement, or twice", async () => {
      const f = await networkHelpers.loadFixture(paidFixture);
      const bankA = f.app.connect(f.platform.accounts.bankA);
      await expect(bankA.demandUnderCounterGuarantee(f.id, 0n, 400_001n, STATEMENT))
        .to.be.revertedWithCustomError(f.app, "InvalidValue")
        .withArgs(encodeBytes32String("amount"));
      await expect(bankA.demandUnderCounterGuarantee(f.id, 0n, 0n, STATEMENT))
        .to.be.revertedWithCustomError(f.app, "InvalidValue")
        .withArgs(encodeBytes32String("amount"));
      await expect(bankA.demandUnderCounterGuarantee(f.id, 0n, 1n, ZeroHash))
        .to.be.revertedWithCustomError(f.app, "InvalidValue")
        .withArgs(encodeBytes32String("statementHash"));
      await bankA.demandUnderCounterGuarantee(f.id, 0n, 400_000n, STATEMENT);
      await expect(bankA.demandUnderCounterGuarantee(f.id, 0n, 1n, STATEMENT))
        .to.be.revertedWithCustomError(f.app, "CounterGuaranteeWrongState")
        .withArgs(f.id, Counter.Demanded, Counter.Issued);
      await f.app.connect(f.platform.accounts.bankB).payCounterDemand(f.id, ZeroHash);
      await expect(bankA.demandUnderCounterGuarantee(f.id, 0n, 1n, STATEMENT))
        .to.be.revertedWithCustomError(f.app, "CounterDemandNotBacked")
        .withArgs(f.id, 0n, CState.Paid);
    });

    it("rejects a demand above what is left of a smaller counter-guarantee", async () => {
      const f = await appliedFixture();
      await f.app.connect(f.platform.accounts.bankB).issueCounterGuarantee(f.id, counterTerms(f, { amount: 300_000n }));
      await f.app.connect(f.platform.accounts.bankA).issue(f.id, REF);
      await f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(400_000n));
      await f.app.connect(f.platform.accounts.bankA).payClaim(f.id, 0n, ZeroHash);
      await expect(f.app.connect(f.platform.accounts.bankA).demandUnderCounterGuarantee(f.id, 0n, 400_000n, STATEMENT))
        .to.be.revertedWithCustomError(f.app, "GuaranteeAmountUnavailable")
        .withArgs(f.id, 400_000n, 300_000n);
    });

    it("rejects a demand after the counter-guarantee expired", async () => {
      const f = await networkHelpers.loadFixture(paidFixture);
      const expiry = (await f.app.counterGuarantee(f.id)).expiry;
      await networkHelpers.time.increaseTo(expiry + 1n);
      await expect(f.app.connect(f.platform.accounts.bankA).demandUnderCounterGuarantee(f.id, 0n, 1n, STATEMENT))
        .to.be.revertedWithCustomError(f.app, "CounterGuaranteeExpiredAt")
        .withArgs(f.id, expiry);
    });

    it("rejects a demand when there is no counter-guarantee", async () => {
      const f = await appliedFixture();
      await f.app.connect(f.platform.accounts.bankA).issue(f.id, REF);
      await expect(f.app.connect(f.platform.accounts.bankA).demandUnderCounterGuarantee(f.id, 0n, 1n, STATEMENT))
        .to.be.revertedWithCustomError(f.app, "CounterGuaranteeWrongState")
        .withArgs(f.id, Counter.None, Counter.Issued);
    });

    it("is paid by the instructing bank to the guarantor's account, exhausting it", async () => {
      const f = await networkHelpers.loadFixture(counterDemandedFixture);
      const { accounts, token } = f.platform;
      const tx = f.app.connect(accounts.bankB).payCounterDemand(f.id, ZeroHash);
      await expect(tx)
        .to.emit(f.app, "CounterDemandPaid")
        .withArgs(f.id, 0n, accounts.bankA.address, accounts.bankB.address, 400_000n, 400_000n, 600_000n, ZeroHash);
      await expect(tx).to.changeTokenBalances(ethers, token, [accounts.bankB, accounts.bankA], [-400_000n, 400_000n]);
      const cg = await f.app.counterGuarantee(f.id);
      expect(cg.state).to.equal(Counter.Issued);
      expect(cg.paid).to.equal(400_000n);
      expect(cg.demanded).to.equal(0n);
    });

    it("is exhausted once paid in full", async () => {
      const f = await counteredFixture();
      await f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(AMOUNT));
      await f.app.connect(f.platform.accounts.bankA).payClaim(f.id, 0n, ZeroHash);
      await f.app.connect(f.platform.accounts.bankA).demandUnderCounterGuarantee(f.id, 0n, AMOUNT, STATEMENT);
      await f.app.connect(f.platform.accounts.bankB).payCounterDemand(f.id, h("CIPS:0019"));
      expect((await f.app.counterGuarantee(f.id)).state).to.equal(Counter.Exhausted);
    });

    it("lets only the instructing bank pay or reject, and pays nothing twice", async () => {
      const f = await networkHelpers.loadFixture(counterDemandedFixture);
      const { accounts, ids } = f.platform;
      for (const party of [accounts.bankA, accounts.bankC]) {
        const id = party === accounts.bankA ? ids.bankA : ids.bankC;
        await expect(f.app.connect(party).payCounterDemand(f.id, ZeroHash))
          .to.be.revertedWithCustomError(f.app, "GuaranteeWrongParty")
          .withArgs(f.id, id, ids.bankB);
        await expect(f.app.connect(party).rejectCounterDemand(f.id, h("x")))
          .to.be.revertedWithCustomError(f.app, "GuaranteeWrongParty")
          .withArgs(f.id, id, ids.bankB);
      }
      await f.app.connect(accounts.bankB).payCounterDemand(f.id, ZeroHash);
      await expect(f.app.connect(accounts.bankB).payCounterDemand(f.id, ZeroHash))
        .to.be.revertedWithCustomError(f.app, "CounterGuaranteeWrongState")
        .withArgs(f.id, Counter.Issued, Counter.Demanded);
    });

    it("does not pay a guarantor suspended since its demand", async () => {
      const f = await networkHelpers.loadFixture(counterDemandedFixture);
      await suspendMember(f, f.platform.ids.bankA);
      await expect(f.app.connect(f.platform.accounts.bankB).payCounterDemand(f.id, ZeroHash))
        .to.be.revertedWithCustomError(f.platform.registry, "MemberNotActive")
        .withArgs(f.platform.ids.bankA, 2);
    });

    it("is rejected with a notice within the examination period, after which the guarantor may demand again", async () => {
      const f = await networkHelpers.loadFixture(counterDemandedFixture);
      const bankB = f.app.connect(f.platform.accounts.bankB);
      await expect(bankB.rejectCounterDemand(f.id, ZeroHash))
        .to.be.revertedWithCustomError(f.app, "InvalidValue")
        .withArgs(encodeBytes32String("reasonHash"));
      await expect(bankB.rejectCounterDemand(f.id, h("statement not signed")))
        .to.emit(f.app, "CounterDemandRejected")
        .withArgs(f.id, 0n, f.platform.accounts.bankB.address, h("statement not signed"));
      expect((await f.app.counterGuarantee(f.id)).state).to.equal(Counter.Issued);
      await expect(
        f.app.connect(f.platform.accounts.bankA).demandUnderCounterGuarantee(f.id, 0n, 400_000n, STATEMENT),
      ).to.emit(f.app, "CounterDemandPresented");
    });

    it("cannot be rejected after the examination period, only paid", async () => {
      const f = await networkHelpers.loadFixture(counterDemandedFixture);
      const deadline = (await f.app.counterGuarantee(f.id)).examinationDeadline;
      await networkHelpers.time.increaseTo(deadline + 1n);
      await expect(f.app.connect(f.platform.accounts.bankB).rejectCounterDemand(f.id, h("late")))
        .to.be.revertedWithCustomError(f.app, "ClaimExaminationOver")
        .withArgs(f.id, 0n, deadline);
      await expect(f.app.connect(f.platform.accounts.bankB).payCounterDemand(f.id, ZeroHash)).to.emit(
        f.app,
        "CounterDemandPaid",
      );
    });

    it("rejects every counter-guarantee step while paused", async () => {
      const f = await networkHelpers.loadFixture(counterDemandedFixture);
      await passProposal(f.platform, f.app, f.app.interface.encodeFunctionData("pause"));
      await expect(
        f.app.connect(f.platform.accounts.bankB).payCounterDemand(f.id, ZeroHash),
      ).to.be.revertedWithCustomError(f.app, "EnforcedPause");
      await expect(
        f.app.connect(f.platform.accounts.bankB).rejectCounterDemand(f.id, h("x")),
      ).to.be.revertedWithCustomError(f.app, "EnforcedPause");
    });
  });

  describe("extend or pay (art. 23)", () => {
    it("suspends payment for the period the guarantor sets, informing the applicant", async () => {
      const f = await networkHelpers.loadFixture(extendOrPayFixture);
      const until = f.now + 20n * DAY;
      await expect(f.app.connect(f.platform.accounts.bankA).suspendForExtension(f.id, 0n, until))
        .to.emit(f.app, "ClaimSuspended")
        .withArgs(f.id, 0n, f.platform.ids.supplier1, f.platform.accounts.bankA.address, until);
      expect(await f.app.suspendedUntil(f.id, 0n)).to.equal(until);
    });

    it("rejects a suspension longer than 30 days after the demand, in the past, or set twice", async () => {
      const f = await networkHelpers.loadFixture(extendOrPayFixture);
      const bankA = f.app.connect(f.platform.accounts.bankA);
      const c = await f.app.claim(f.id, 0n);
      const latest = c.presentedAt + 30n * DAY;
      await expect(bankA.suspendForExtension(f.id, 0n, latest + 1n))
        .to.be.revertedWithCustomError(f.app, "ClaimSuspensionInvalid")
        .withArgs(f.id, 0n, latest + 1n, latest);
      await expect(bankA.suspendForExtension(f.id, 0n, f.now))
        .to.be.revertedWithCustomError(f.app, "ClaimSuspensionInvalid")
        .withArgs(f.id, 0n, f.now, latest);
      await bankA.suspendForExtension(f.id, 0n, latest);
      await expect(bankA.suspendForExtension(f.id, 0n, latest))
        .to.be.revertedWithCustomError(f.app, "ClaimSuspensionInvalid")
        .withArgs(f.id, 0n, latest, latest);
    });

    it("lets only the guarantor suspend, only an extend-or-pay demand, within the examination period", async () => {
      const f = await networkHelpers.loadFixture(extendOrPayFixture);
      const until = f.now + 20n * DAY;
      for (const party of [f.platform.accounts.bankB]) {
        await expect(f.app.connect(party).suspendForExtension(f.id, 0n, until))
          .to.be.revertedWithCustomError(f.app, "GuaranteeWrongParty")
          .withArgs(f.id, f.platform.ids.bankB, f.platform.ids.bankA);
      }
      await expect(
        f.app.connect(f.platform.accounts.supplier1).suspendForExtension(f.id, 0n, until),
      ).to.be.revertedWithCustomError(f.platform.registry, "MissingRole");
      const deadline = (await f.app.claim(f.id, 0n)).examinationDeadline;
      await networkHelpers.time.increaseTo(deadline + 1n);
      await expect(f.app.connect(f.platform.accounts.bankA).suspendForExtension(f.id, 0n, until))
        .to.be.revertedWithCustomError(f.app, "ClaimExaminationOver")
        .withArgs(f.id, 0n, deadline);
    });

    it("refuses to suspend an ordinary demand", async () => {
      const f = await networkHelpers.loadFixture(counteredFixture);
      await f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(1n));
      await expect(f.app.connect(f.platform.accounts.bankA).suspendForExtension(f.id, 0n, f.now + DAY))
        .to.be.revertedWithCustomError(f.app, "ClaimNotExtendOrPay")
        .withArgs(f.id, 0n);
    });

    it("refuses payment and rejection during the suspension; pays after it", async () => {
      const f = await networkHelpers.loadFixture(extendOrPayFixture);
      const bankA = f.app.connect(f.platform.accounts.bankA);
      const until = f.now + 20n * DAY;
      await bankA.suspendForExtension(f.id, 0n, until);
      await expect(bankA.payClaim(f.id, 0n, ZeroHash))
        .to.be.revertedWithCustomError(f.app, "ClaimSuspendedUntil")
        .withArgs(f.id, 0n, until);
      await expect(bankA.rejectClaim(f.id, 0n, h("no")))
        .to.be.revertedWithCustomError(f.app, "ClaimSuspendedUntil")
        .withArgs(f.id, 0n, until);
      await networkHelpers.time.increaseTo(until - 1n);
      await expect(bankA.payClaim(f.id, 0n, ZeroHash)).to.be.revertedWithCustomError(f.app, "ClaimSuspendedUntil");
      await networkHelpers.time.increaseTo(until);
      await expect(bankA.payClaim(f.id, 0n, ZeroHash)).to.emit(f.app, "ClaimPaid");
    });

    it("extends within the suspension (the demand is withdrawn), not after it", async () => {
      const f = await networkHelpers.loadFixture(extendOrPayFixture);
      const bankA = f.app.connect(f.platform.accounts.bankA);
      const until = f.now + 20n * DAY;
      await bankA.suspendForExtension(f.id, 0n, until);
      await networkHelpers.time.increaseTo(until - 10n);
      await expect(bankA.extendInsteadOfPaying(f.id, 0n)).to.emit(f.app, "ClaimExtended");
      expect((await f.app.claim(f.id, 0n)).state).to.equal(CState.Extended);
      expect((await f.app.guarantee(f.id)).state).to.equal(GState.Issued);
    });

    it("does not extend once the suspension ended: the guarantor pays", async () => {
      const f = await networkHelpers.loadFixture(extendOrPayFixture);
      const bankA = f.app.connect(f.platform.accounts.bankA);
      const until = f.now + 20n * DAY;
      await bankA.suspendForExtension(f.id, 0n, until);
      await networkHelpers.time.increaseTo(until + 1n);
      await expect(bankA.extendInsteadOfPaying(f.id, 0n))
        .to.be.revertedWithCustomError(f.app, "ClaimExaminationOver")
        .withArgs(f.id, 0n, until);
      await expect(bankA.payClaim(f.id, 0n, ZeroHash)).to.emit(f.app, "ClaimPaid");
    });
  });

  describe("kinds, reduction and documentary expiry (art. 13, 25)", () => {
    it("records warranty, payment and standby (ISP98) kinds", async () => {
      const f = await networkHelpers.loadFixture(appliedFixture);
      for (const kind of [Kind.Warranty, Kind.Payment, Kind.Standby]) {
        await f.app.connect(f.platform.accounts.supplier1).applyFor(application(f, { kind }));
        expect((await f.app.guarantee(await f.app.guaranteeCount())).kind).to.equal(kind);
      }
    });

    it("reduces an advance-payment guarantee as the advance is repaid, never to what was paid", async () => {
      const f = await appliedFixture();
      await f.app.connect(f.platform.accounts.supplier1).applyFor(application(f, { kind: Kind.AdvancePayment }));
      const id = 2n;
      const bankA = f.app.connect(f.platform.accounts.bankA);
      await bankA.issue(id, h("ref:AP"));
      await expect(bankA.recordReduction(id, 250_000n, h("repayment evidence")))
        .to.emit(f.app, "GuaranteeReduced")
        .withArgs(id, f.platform.accounts.bankA.address, 250_000n, 750_000n, h("repayment evidence"));
      expect(await f.app.available(id)).to.equal(750_000n);
      await expect(f.app.connect(f.platform.accounts.core).presentClaim(id, demand(750_001n)))
        .to.be.revertedWithCustomError(f.app, "GuaranteeAmountUnavailable")
        .withArgs(id, 750_001n, 750_000n);
      await expect(bankA.recordReduction(id, 750_000n, h("e")))
        .to.be.revertedWithCustomError(f.app, "GuaranteeAmountUnavailable")
        .withArgs(id, 750_000n, 750_000n);
      await expect(bankA.recordReduction(id, 0n, h("e"))).to.be.revertedWithCustomError(
        f.app,
        "GuaranteeAmountUnavailable",
      );
      await expect(bankA.recordReduction(id, 1n, ZeroHash))
        .to.be.revertedWithCustomError(f.app, "InvalidValue")
        .withArgs(encodeBytes32String("evidenceHash"));
      await expect(f.app.connect(f.platform.accounts.bankB).recordReduction(id, 1n, h("e")))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongParty")
        .withArgs(id, f.platform.ids.bankB, f.platform.ids.bankA);
    });

    it("records reductions only on advance-payment guarantees, not while a demand is examined", async () => {
      const f = await networkHelpers.loadFixture(counteredFixture);
      const bankA = f.app.connect(f.platform.accounts.bankA);
      await expect(bankA.recordReduction(f.id, 1n, h("e")))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongKind")
        .withArgs(f.id, Kind.Performance);
      await f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(1n));
      await expect(bankA.recordReduction(f.id, 1n, h("e")))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongState")
        .withArgs(f.id, GState.Claimed, GState.Issued);
    });

    it("ends the guarantee when the certificate named at issue is presented", async () => {
      const f = await networkHelpers.loadFixture(appliedFixture);
      const { accounts } = f.platform;
      await expect(f.app.connect(accounts.supplier1).nameExpiryDocument(f.id, CERTIFICATE))
        .to.emit(f.app, "ExpiryDocumentNamed")
        .withArgs(f.id, accounts.supplier1.address, CERTIFICATE);
      await f.app.connect(accounts.bankA).issue(f.id, REF);
      await expect(f.app.connect(accounts.supplier1).presentExpiryDocument(f.id, h("another certificate")))
        .to.be.revertedWithCustomError(f.app, "ExpiryDocumentMismatch")
        .withArgs(f.id, h("another certificate"));
      await expect(f.app.connect(accounts.supplier1).presentExpiryDocument(f.id, CERTIFICATE))
        .to.emit(f.app, "GuaranteeExpiredByDocument")
        .withArgs(f.id, accounts.supplier1.address, CERTIFICATE);
      expect((await f.app.guarantee(f.id)).state).to.equal(GState.Expired);
      await expect(f.app.connect(accounts.core).presentClaim(f.id, demand(1n)))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongState")
        .withArgs(f.id, GState.Expired, GState.Issued);
    });

    it("names the certificate only before issue, by the applicant only", async () => {
      const f = await networkHelpers.loadFixture(appliedFixture);
      const { accounts, ids } = f.platform;
      await expect(f.app.connect(accounts.core).nameExpiryDocument(f.id, CERTIFICATE))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongParty")
        .withArgs(f.id, ids.core, ids.supplier1);
      await expect(f.app.connect(accounts.supplier1).nameExpiryDocument(f.id, ZeroHash))
        .to.be.revertedWithCustomError(f.app, "InvalidValue")
        .withArgs(encodeBytes32String("documentHash"));
      await f.app.connect(accounts.bankA).issue(f.id, REF);
      await expect(f.app.connect(accounts.supplier1).nameExpiryDocument(f.id, CERTIFICATE))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongState")
        .withArgs(f.id, GState.Issued, GState.Applied);
    });

    it("accepts the certificate from the applicant or the guarantor only, and not when none was named", async () => {
      const f = await networkHelpers.loadFixture(counteredFixture);
      const { accounts, ids } = f.platform;
      await expect(f.app.connect(accounts.bankA).presentExpiryDocument(f.id, CERTIFICATE))
        .to.be.revertedWithCustomError(f.app, "ExpiryDocumentMismatch")
        .withArgs(f.id, CERTIFICATE);
      await expect(f.app.connect(accounts.bankB).presentExpiryDocument(f.id, CERTIFICATE))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongParty")
        .withArgs(f.id, ids.bankB, ids.bankA);
      await expect(f.app.connect(accounts.core).presentExpiryDocument(f.id, CERTIFICATE)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MissingRole",
      );
    });
  });
});
