import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { encodeBytes32String, keccak256, toUtf8Bytes, ZeroAddress, ZeroHash } from "ethers";
import { network } from "hardhat";
import { deployPlatform, fund, passProposal, TEST_MEMBER_ROLES, type Platform } from "../helpers/consortium.js";
import type { BankGuarantees } from "@consortia/sdk/typechain";
import type { IBankGuarantees } from "@consortia/sdk/typechain/guarantees/BankGuarantees.js";
import { deployUpgradeable } from "../helpers/upgradeable.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const DAY = 86_400n;
const AMOUNT = 1_000_000n; // 10,000.00 in minor units
const h = (text: string) => keccak256(toUtf8Bytes(text));
const REF = h("guarantee-no:BG-2024-0001");

enum Kind {
  Bid,
  Performance,
  AdvancePayment,
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

interface Fixture {
  platform: Platform;
  app: BankGuarantees;
  now: bigint;
}

async function fixture(): Promise<Fixture> {
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
  await fund(platform, platform.accounts.bankA, 10n * AMOUNT);
  await platform.token.connect(platform.accounts.bankA).approve(app, ethers.MaxUint256);
  return { platform, app, now: BigInt(await networkHelpers.time.latest()) };
}

/** The last second (UTC+8) of the `n`th weekday following the local day of `timestamp` (no year voted). */
function weekdayDeadline(timestamp: bigint, n: number): bigint {
  const offset = 8n * 3600n;
  let day = (timestamp + offset) / DAY;
  while (n > 0) {
    day += 1n;
    // 1970-01-01 was a Thursday: Monday is 0
    if ((day + 3n) % 7n < 5n) n--;
  }
  return (day + 1n) * DAY - offset - 1n;
}

function application(
  f: Fixture,
  overrides: Partial<IBankGuarantees.ApplicationStruct> = {},
): IBankGuarantees.ApplicationStruct {
  const { accounts } = f.platform;
  return {
    guarantor: accounts.bankA.address,
    beneficiary: accounts.core.address,
    kind: Kind.Bid,
    currency: "0x434e59", // "CNY"
    amount: AMOUNT,
    expiry: f.now + 90n * DAY,
    examinationPeriod: 5n * DAY,
    termsHash: h("terms"),
    tenderReference: h("tender:2024-ROAD-17"),
    schedule: [],
    ...overrides,
  };
}

function demand(amount: bigint, extendTo = 0n): IBankGuarantees.DemandStruct {
  return {
    amount,
    demandHash: h("demand statement"),
    documents: [{ contentHash: h("bid evaluation"), uriHash: h("uri"), kind: 7 }],
    extendTo,
  };
}

/** Applied by supplier1 at bankA in favour of core. */
async function applied(overrides: Partial<IBankGuarantees.ApplicationStruct> = {}) {
  const f = await networkHelpers.loadFixture(fixture);
  await f.app.connect(f.platform.accounts.supplier1).applyFor(application(f, overrides));
  return { ...f, id: 1n };
}

async function issuedFixture() {
  const f = await fixture();
  await f.app.connect(f.platform.accounts.supplier1).applyFor(application(f));
  await f.app.connect(f.platform.accounts.bankA).issue(1n, REF);
  return { ...f, id: 1n };
}

async function issued() {
  return networkHelpers.loadFixture(issuedFixture);
}

async function scheduledFixture() {
  const f = await fixture();
  const schedule = [
    { date: f.now + 30n * DAY, amount: 600_000n },
    { date: f.now + 60n * DAY, amount: 300_000n },
  ];
  await f.app.connect(f.platform.accounts.supplier1).applyFor(application(f, { kind: Kind.AdvancePayment, schedule }));
  await f.app.connect(f.platform.accounts.bankA).issue(1n, REF);
  return { ...f, id: 1n };
}

async function claimedFixture() {
  const f = await issuedFixture();
  await f.app.connect(f.platform.accounts.core).presentClaim(1n, demand(400_000n));
  return f;
}

describe("BankGuarantees", () => {
  describe("application", () => {
    it("records the application and emits every term", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const { accounts, ids } = f.platform;
      await expect(f.app.connect(accounts.supplier1).applyFor(application(f)))
        .to.emit(f.app, "GuaranteeApplied")
        .withArgs(1n, ids.supplier1, ids.bankA, ids.core, accounts.supplier1.address, anyValue);
      const g = await f.app.guarantee(1n);
      expect(g.state).to.equal(GState.Applied);
      expect(g.applicant).to.equal(ids.supplier1);
      expect(g.guarantor).to.equal(ids.bankA);
      expect(g.beneficiary).to.equal(ids.core);
      expect(g.amount).to.equal(AMOUNT);
      expect(g.currency).to.equal("0x434e59");
      expect(g.termsHash).to.equal(h("terms"));
      expect(await f.app.guaranteeCount()).to.equal(1n);
    });

    it("rejects an applicant without the guarantee-party role", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      await expect(f.app.connect(f.platform.accounts.bankB).applyFor(application(f)))
        .to.be.revertedWithCustomError(f.platform.registry, "MissingRole")
        .withArgs(f.platform.ids.bankB, 1n << 15n);
    });

    it("rejects an account of no member", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      await expect(f.app.connect(f.platform.outsiders[0]).applyFor(application(f))).to.be.revertedWithCustomError(
        f.platform.registry,
        "UnknownAccount",
      );
    });

    it("rejects a guarantor that is not a guarantor bank", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const a = application(f, { guarantor: f.platform.accounts.supplier2.address });
      await expect(f.app.connect(f.platform.accounts.supplier1).applyFor(a)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MissingRole",
      );
    });

    it("rejects a beneficiary without the guarantee-party role", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const a = application(f, { beneficiary: f.platform.accounts.supplier3.address });
      await expect(f.app.connect(f.platform.accounts.supplier1).applyFor(a)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MissingRole",
      );
    });

    it("rejects a bank applying to itself for a guarantee", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const { registry, ids, accounts } = f.platform;
      const roles = TEST_MEMBER_ROLES.bankA | (1n << 15n); // + GUARANTEE_PARTY
      await passProposal(f.platform, registry, registry.interface.encodeFunctionData("setRoles", [ids.bankA, roles]));
      await expect(f.app.connect(accounts.bankA).applyFor(application(f)))
        .to.be.revertedWithCustomError(f.app, "GuaranteeSameParty")
        .withArgs(ids.bankA);
    });

    it("rejects the applicant as its own beneficiary", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const a = application(f, { beneficiary: f.platform.accounts.supplier1.address });
      await expect(f.app.connect(f.platform.accounts.supplier1).applyFor(a))
        .to.be.revertedWithCustomError(f.app, "GuaranteeSameParty")
        .withArgs(f.platform.ids.supplier1);
    });

    const invalid: [string, (f: Fixture) => Partial<IBankGuarantees.ApplicationStruct>, string][] = [
      ["a zero amount", () => ({ amount: 0n }), "amount"],
      ["an expiry in the past", (f) => ({ expiry: f.now }), "expiry"],
      ["a zero examination period", () => ({ examinationPeriod: 0n }), "examinationPeriod"],
      ["an examination period above 30 days", () => ({ examinationPeriod: 31n * DAY }), "examinationPeriod"],
      ["empty terms", () => ({ termsHash: ZeroHash }), "termsHash"],
      [
        "more than 8 reduction steps",
        (f) => ({ schedule: Array.from({ length: 9 }, (_, i) => ({ date: f.now + BigInt(i + 1) * DAY, amount: 1n })) }),
        "schedule",
      ],
    ];
    for (const [name, overrides, field] of invalid) {
      it(`rejects ${name}`, async () => {
        const f = await networkHelpers.loadFixture(fixture);
        await expect(f.app.connect(f.platform.accounts.supplier1).applyFor(application(f, overrides(f))))
          .to.be.revertedWithCustomError(f.app, "InvalidValue")
          .withArgs(encodeBytes32String(field));
      });
    }

    const badSchedules: [string, (f: Fixture) => IBankGuarantees.ReductionStepStruct[], number][] = [
      ["a step that does not reduce", (f) => [{ date: f.now + DAY, amount: AMOUNT }], 0],
      [
        "steps out of date order",
        (f) => [
          { date: f.now + 2n * DAY, amount: 500n },
          { date: f.now + DAY, amount: 400n },
        ],
        1,
      ],
      [
        "a later step with a higher amount",
        (f) => [
          { date: f.now + DAY, amount: 500n },
          { date: f.now + 2n * DAY, amount: 600n },
        ],
        1,
      ],
      ["a step after expiry", (f) => [{ date: f.now + 91n * DAY, amount: 500n }], 0],
      ["a step in the past", (f) => [{ date: f.now, amount: 500n }], 0],
    ];
    for (const [name, schedule, index] of badSchedules) {
      it(`rejects a reduction schedule with ${name}`, async () => {
        const f = await networkHelpers.loadFixture(fixture);
        await expect(f.app.connect(f.platform.accounts.supplier1).applyFor(application(f, { schedule: schedule(f) })))
          .to.be.revertedWithCustomError(f.app, "GuaranteeInvalidSchedule")
          .withArgs(index);
      });
    }

    it("lets the applicant cancel before issue, and only then", async () => {
      const f = await applied();
      await expect(f.app.connect(f.platform.accounts.core).cancel(f.id))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongParty")
        .withArgs(f.id, f.platform.ids.core, f.platform.ids.supplier1);
      await expect(f.app.connect(f.platform.accounts.supplier1).cancel(f.id))
        .to.emit(f.app, "GuaranteeCancelled")
        .withArgs(f.id, f.platform.ids.supplier1, f.platform.accounts.supplier1.address);
      await expect(f.app.connect(f.platform.accounts.bankA).issue(f.id, REF))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongState")
        .withArgs(f.id, GState.Cancelled, GState.Applied);
    });

    it("refuses to cancel an issued guarantee", async () => {
      const f = await issued();
      await expect(f.app.connect(f.platform.accounts.supplier1).cancel(f.id))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongState")
        .withArgs(f.id, GState.Issued, GState.Applied);
    });

    it("rejects any step on an unknown guarantee", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      await expect(f.app.connect(f.platform.accounts.bankA).issue(7n, REF))
        .to.be.revertedWithCustomError(f.app, "GuaranteeUnknown")
        .withArgs(7n);
      await expect(f.app.guarantee(7n)).to.be.revertedWithCustomError(f.app, "GuaranteeUnknown");
    });
  });

  describe("issue and decline", () => {
    it("issues under a unique reference that verifies as genuine and in force", async () => {
      const f = await applied();
      await expect(f.app.connect(f.platform.accounts.bankA).issue(f.id, REF))
        .to.emit(f.app, "GuaranteeIssued")
        .withArgs(f.id, f.platform.ids.bankA, REF, f.platform.accounts.bankA.address);
      const v = await f.app.verify(REF);
      expect(v.genuine).to.equal(true);
      expect(v.inForce).to.equal(true);
      expect(v.guaranteeId).to.equal(f.id);
      expect(v.amount).to.equal(AMOUNT);
      expect(v.available).to.equal(AMOUNT);
      expect(v.guarantor).to.equal(f.platform.ids.bankA);
      expect(v.beneficiary).to.equal(f.platform.ids.core);
      expect(v.termsHash).to.equal(h("terms"));
    });

    it("verifies a forged reference as not genuine", async () => {
      const f = await issued();
      const v = await f.app.verify(h("guarantee-no:FORGED"));
      expect(v.genuine).to.equal(false);
      expect(v.inForce).to.equal(false);
      expect(v.amount).to.equal(0n);
    });

    it("verifies an applied but unissued guarantee as not genuine", async () => {
      await applied();
      const f = await networkHelpers.loadFixture(fixture);
      expect((await f.app.verify(REF)).genuine).to.equal(false);
    });

    it("rejects issue by a bank other than the named guarantor", async () => {
      const f = await applied();
      await expect(f.app.connect(f.platform.accounts.bankB).issue(f.id, REF))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongParty")
        .withArgs(f.id, f.platform.ids.bankB, f.platform.ids.bankA);
    });

    it("rejects issue by an account without the guarantor role", async () => {
      const f = await applied();
      await expect(f.app.connect(f.platform.accounts.supplier1).issue(f.id, REF)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MissingRole",
      );
    });

    it("rejects an empty or reused reference", async () => {
      const f = await issued();
      await f.app.connect(f.platform.accounts.supplier1).applyFor(application(f));
      await expect(f.app.connect(f.platform.accounts.bankA).issue(2n, REF))
        .to.be.revertedWithCustomError(f.app, "GuaranteeReferenceTaken")
        .withArgs(REF);
      await expect(f.app.connect(f.platform.accounts.bankA).issue(2n, ZeroHash)).to.be.revertedWithCustomError(
        f.app,
        "GuaranteeReferenceTaken",
      );
    });

    it("rejects a second issue", async () => {
      const f = await issued();
      await expect(f.app.connect(f.platform.accounts.bankA).issue(f.id, h("other")))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongState")
        .withArgs(f.id, GState.Issued, GState.Applied);
    });

    it("rejects issue after the expiry date", async () => {
      const f = await applied();
      await networkHelpers.time.increase(91n * DAY);
      await expect(f.app.connect(f.platform.accounts.bankA).issue(f.id, REF)).to.be.revertedWithCustomError(
        f.app,
        "GuaranteeExpiredAt",
      );
    });

    it("declines with a reason, after which it cannot be issued", async () => {
      const f = await applied();
      await expect(f.app.connect(f.platform.accounts.bankA).decline(f.id, ZeroHash))
        .to.be.revertedWithCustomError(f.app, "InvalidValue")
        .withArgs(encodeBytes32String("reasonHash"));
      await expect(f.app.connect(f.platform.accounts.bankB).decline(f.id, h("no"))).to.be.revertedWithCustomError(
        f.app,
        "GuaranteeWrongParty",
      );
      await expect(f.app.connect(f.platform.accounts.bankA).decline(f.id, h("insufficient collateral")))
        .to.emit(f.app, "GuaranteeDeclined")
        .withArgs(f.id, f.platform.ids.bankA, f.platform.accounts.bankA.address, h("insufficient collateral"));
      await expect(f.app.connect(f.platform.accounts.bankA).issue(f.id, REF))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongState")
        .withArgs(f.id, GState.Declined, GState.Applied);
    });
  });

  describe("reduction schedule", () => {
    it("lowers the amount on the set dates", async () => {
      const f = await networkHelpers.loadFixture(scheduledFixture);
      expect(await f.app.available(f.id)).to.equal(AMOUNT);
      expect(await f.app.amountAt(f.id, f.now + 30n * DAY)).to.equal(600_000n);
      expect(await f.app.amountAt(f.id, f.now + 60n * DAY)).to.equal(300_000n);
      const steps = await f.app.schedule(f.id);
      expect(steps.length).to.equal(2);
      expect(steps[1].amount).to.equal(300_000n);
      await networkHelpers.time.increaseTo(f.now + 30n * DAY);
      expect(await f.app.available(f.id)).to.equal(600_000n);
      expect((await f.app.verify(REF)).amount).to.equal(600_000n);
    });

    it("rejects a demand above the reduced amount", async () => {
      const f = await networkHelpers.loadFixture(scheduledFixture);
      await networkHelpers.time.increaseTo(f.now + 60n * DAY);
      await expect(f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(300_001n)))
        .to.be.revertedWithCustomError(f.app, "GuaranteeAmountUnavailable")
        .withArgs(f.id, 300_001n, 300_000n);
    });

    it("keeps a demand presented before a reduction payable in full", async () => {
      const f = await networkHelpers.loadFixture(scheduledFixture);
      await f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(800_000n));
      await networkHelpers.time.increaseTo(f.now + 30n * DAY);
      await expect(f.app.connect(f.platform.accounts.bankA).payClaim(f.id, 0n, ZeroHash))
        .to.emit(f.app, "GuaranteeExhausted")
        .withArgs(f.id);
      expect((await f.app.guarantee(f.id)).paid).to.equal(800_000n);
    });
  });

  describe("amendments", () => {
    it("binds an increase and extension only once the beneficiary accepts", async () => {
      const f = await issued();
      const expiry = f.now + 180n * DAY;
      await expect(f.app.connect(f.platform.accounts.bankA).proposeAmendment(f.id, 2n * AMOUNT, expiry, h("amend-1")))
        .to.emit(f.app, "AmendmentProposed")
        .withArgs(f.id, 1, f.platform.ids.bankA, f.platform.accounts.bankA.address, 2n * AMOUNT, expiry, h("amend-1"));
      expect((await f.app.guarantee(f.id)).amount).to.equal(AMOUNT);
      await expect(f.app.connect(f.platform.accounts.core).answerAmendment(f.id, true))
        .to.emit(f.app, "AmendmentAnswered")
        .withArgs(f.id, 1, true, f.platform.accounts.core.address, 2n * AMOUNT, expiry);
      const g = await f.app.guarantee(f.id);
      expect(g.amount).to.equal(2n * AMOUNT);
      expect(g.expiry).to.equal(expiry);
      expect((await f.app.amendment(f.id)).pending).to.equal(false);
    });

    it("leaves the guarantee unchanged when the beneficiary refuses", async () => {
      const f = await issued();
      await f.app
        .connect(f.platform.accounts.bankA)
        .proposeAmendment(f.id, AMOUNT / 2n, f.now + 90n * DAY, h("reduce"));
      await f.app.connect(f.platform.accounts.core).answerAmendment(f.id, false);
      expect((await f.app.guarantee(f.id)).amount).to.equal(AMOUNT);
    });

    it("applies an accepted reduction", async () => {
      const f = await issued();
      const g0 = await f.app.guarantee(f.id);
      await f.app.connect(f.platform.accounts.bankA).proposeAmendment(f.id, AMOUNT / 2n, g0.expiry, h("reduce"));
      await f.app.connect(f.platform.accounts.core).answerAmendment(f.id, true);
      expect(await f.app.available(f.id)).to.equal(AMOUNT / 2n);
    });

    it("lets only the guarantor propose and only the beneficiary answer", async () => {
      const f = await issued();
      await expect(
        f.app.connect(f.platform.accounts.bankB).proposeAmendment(f.id, 2n * AMOUNT, f.now + 99n * DAY, h("a")),
      ).to.be.revertedWithCustomError(f.app, "GuaranteeWrongParty");
      await f.app.connect(f.platform.accounts.bankA).proposeAmendment(f.id, 2n * AMOUNT, f.now + 99n * DAY, h("a"));
      await expect(f.app.connect(f.platform.accounts.supplier1).answerAmendment(f.id, true))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongParty")
        .withArgs(f.id, f.platform.ids.supplier1, f.platform.ids.core);
    });

    it("allows one pending amendment at a time, which the guarantor may withdraw", async () => {
      const f = await issued();
      await f.app.connect(f.platform.accounts.bankA).proposeAmendment(f.id, 2n * AMOUNT, f.now + 99n * DAY, h("a"));
      await expect(
        f.app.connect(f.platform.accounts.bankA).proposeAmendment(f.id, 3n * AMOUNT, f.now + 99n * DAY, h("b")),
      )
        .to.be.revertedWithCustomError(f.app, "AmendmentAlreadyPending")
        .withArgs(f.id, 1);
      await expect(f.app.connect(f.platform.accounts.bankB).withdrawAmendment(f.id)).to.be.revertedWithCustomError(
        f.app,
        "GuaranteeWrongParty",
      );
      await expect(f.app.connect(f.platform.accounts.bankA).withdrawAmendment(f.id))
        .to.emit(f.app, "AmendmentWithdrawn")
        .withArgs(f.id, 1, f.platform.accounts.bankA.address);
      await expect(f.app.connect(f.platform.accounts.bankA).withdrawAmendment(f.id))
        .to.be.revertedWithCustomError(f.app, "AmendmentNotPending")
        .withArgs(f.id);
      await expect(f.app.connect(f.platform.accounts.core).answerAmendment(f.id, true))
        .to.be.revertedWithCustomError(f.app, "AmendmentNotPending")
        .withArgs(f.id);
      await expect(
        f.app.connect(f.platform.accounts.bankA).proposeAmendment(f.id, 3n * AMOUNT, f.now + 99n * DAY, h("b")),
      )
        .to.emit(f.app, "AmendmentProposed")
        .withArgs(f.id, 2, anyValue, anyValue, anyValue, anyValue, anyValue);
    });

    it("rejects an amendment that changes nothing, expires in the past or has no text", async () => {
      const f = await issued();
      const g = await f.app.guarantee(f.id);
      const bank = f.app.connect(f.platform.accounts.bankA);
      await expect(bank.proposeAmendment(f.id, AMOUNT, g.expiry, h("a")))
        .to.be.revertedWithCustomError(f.app, "AmendmentInvalid")
        .withArgs(f.id, AMOUNT, g.expiry);
      await expect(bank.proposeAmendment(f.id, AMOUNT, f.now, h("a"))).to.be.revertedWithCustomError(
        f.app,
        "AmendmentInvalid",
      );
      await expect(bank.proposeAmendment(f.id, 2n * AMOUNT, g.expiry, ZeroHash))
        .to.be.revertedWithCustomError(f.app, "InvalidValue")
        .withArgs(encodeBytes32String("amendmentHash"));
    });

    it("rejects a reduction to or below what was paid, even if it was proposed before the payment", async () => {
      const f = await issued();
      const g = await f.app.guarantee(f.id);
      await f.app.connect(f.platform.accounts.bankA).proposeAmendment(f.id, 500_000n, g.expiry, h("reduce"));
      await f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(600_000n));
      await f.app.connect(f.platform.accounts.bankA).payClaim(f.id, 0n, ZeroHash);
      await expect(f.app.connect(f.platform.accounts.core).answerAmendment(f.id, true))
        .to.be.revertedWithCustomError(f.app, "AmendmentInvalid")
        .withArgs(f.id, 500_000n, g.expiry);
      await f.app.connect(f.platform.accounts.bankA).withdrawAmendment(f.id);
      await expect(
        f.app.connect(f.platform.accounts.bankA).proposeAmendment(f.id, 600_000n, g.expiry + DAY, h("r")),
      ).to.be.revertedWithCustomError(f.app, "AmendmentInvalid");
    });

    it("rejects accepting an amendment after the guarantee expired", async () => {
      const f = await issued();
      await f.app.connect(f.platform.accounts.bankA).proposeAmendment(f.id, 2n * AMOUNT, f.now + 200n * DAY, h("a"));
      await networkHelpers.time.increase(91n * DAY);
      await expect(f.app.connect(f.platform.accounts.core).answerAmendment(f.id, true)).to.be.revertedWithCustomError(
        f.app,
        "GuaranteeExpiredAt",
      );
    });

    it("rejects accepting an amendment whose new expiry has passed meanwhile", async () => {
      const f = await issued();
      await f.app.connect(f.platform.accounts.bankA).proposeAmendment(f.id, 2n * AMOUNT, f.now + 10n * DAY, h("a"));
      await networkHelpers.time.increase(11n * DAY);
      await expect(f.app.connect(f.platform.accounts.core).answerAmendment(f.id, true)).to.be.revertedWithCustomError(
        f.app,
        "AmendmentInvalid",
      );
    });

    it("refuses amendments while a demand is under examination", async () => {
      const f = await networkHelpers.loadFixture(claimedFixture);
      await expect(
        f.app.connect(f.platform.accounts.bankA).proposeAmendment(f.id, 2n * AMOUNT, f.now + 99n * DAY, h("a")),
      )
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongState")
        .withArgs(f.id, GState.Claimed, GState.Issued);
    });
  });

  describe("demands", () => {
    it("records a demand with its examination deadline and documents", async () => {
      const f = await issued();
      const tx = f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(400_000n));
      await expect(tx)
        .to.emit(f.app, "ClaimPresented")
        .withArgs(f.id, 0n, f.platform.ids.core, f.platform.accounts.core.address, anyValue, anyValue);
      const c = await f.app.claim(f.id, 0n);
      expect(c.state).to.equal(CState.Presented);
      expect(c.amount).to.equal(400_000n);
      expect(c.payee).to.equal(f.platform.accounts.core.address);
      const presented = BigInt(await networkHelpers.time.latest());
      expect(c.presentedAt).to.equal(presented);
      expect(c.examinationDeadline).to.equal(weekdayDeadline(presented, 5));
      expect((await f.app.guarantee(f.id)).state).to.equal(GState.Claimed);
      expect((await f.app.verify(REF)).inForce).to.equal(true);
    });

    it("rejects a demand after expiry", async () => {
      const f = await issued();
      await networkHelpers.time.increase(90n * DAY + 1n);
      await expect(f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(1n)))
        .to.be.revertedWithCustomError(f.app, "GuaranteeExpiredAt")
        .withArgs(f.id, f.now + 90n * DAY);
    });

    it("rejects a demand above the available amount", async () => {
      const f = await issued();
      await expect(f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(AMOUNT + 1n)))
        .to.be.revertedWithCustomError(f.app, "GuaranteeAmountUnavailable")
        .withArgs(f.id, AMOUNT + 1n, AMOUNT);
    });

    it("rejects a demand by anyone but the beneficiary", async () => {
      const f = await issued();
      await expect(f.app.connect(f.platform.accounts.supplier1).presentClaim(f.id, demand(1n)))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongParty")
        .withArgs(f.id, f.platform.ids.supplier1, f.platform.ids.core);
    });

    it("rejects a demand on a guarantee not issued", async () => {
      const f = await applied();
      await expect(f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(1n)))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongState")
        .withArgs(f.id, GState.Applied, GState.Issued);
    });

    it("rejects a zero amount, an empty demand, too many documents, and an extension not later", async () => {
      const f = await issued();
      const core = f.app.connect(f.platform.accounts.core);
      const doc = { contentHash: h("d"), uriHash: h("u"), kind: 10 };
      const cases: [IBankGuarantees.DemandStruct, string][] = [
        [demand(0n), "amount"],
        [{ ...demand(1n), demandHash: ZeroHash }, "demandHash"],
        [{ ...demand(1n), documents: Array(17).fill(doc) }, "documents"],
        [demand(1n, f.now + 90n * DAY), "extendTo"],
      ];
      for (const [d, field] of cases) {
        await expect(core.presentClaim(f.id, d))
          .to.be.revertedWithCustomError(f.app, "InvalidValue")
          .withArgs(encodeBytes32String(field));
      }
    });

    it("allows one demand under examination at a time", async () => {
      const f = await networkHelpers.loadFixture(claimedFixture);
      await expect(f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(1n)))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongState")
        .withArgs(f.id, GState.Claimed, GState.Issued);
    });

    it("pays in settlement tokens and reduces the available amount", async () => {
      const f = await networkHelpers.loadFixture(claimedFixture);
      const { token, accounts } = f.platform;
      const tx = f.app.connect(accounts.bankA).payClaim(f.id, 0n, ZeroHash);
      await expect(tx)
        .to.emit(f.app, "ClaimPaid")
        .withArgs(f.id, 0n, accounts.core.address, accounts.bankA.address, 400_000n, 400_000n, 600_000n, ZeroHash);
      await expect(tx).to.changeTokenBalances(ethers, token, [accounts.bankA, accounts.core], [-400_000n, 400_000n]);
      expect((await f.app.claim(f.id, 0n)).state).to.equal(CState.Paid);
      const g = await f.app.guarantee(f.id);
      expect(g.state).to.equal(GState.Issued);
      expect(g.paid).to.equal(400_000n);
      expect(await f.app.available(f.id)).to.equal(600_000n);
    });

    it("records an off-chain payment once per reference", async () => {
      const f = await networkHelpers.loadFixture(claimedFixture);
      const { ledger, accounts, ids } = f.platform;
      const reference = h("CNAPS:2024-0001");
      await expect(f.app.connect(accounts.bankA).payClaim(f.id, 0n, reference))
        .to.emit(ledger, "OffChainPaymentRecorded")
        .withArgs(reference, await f.app.getAddress(), ids.bankA, ids.bankA, ids.core, 400_000n);
      await f.app.connect(accounts.core).presentClaim(f.id, demand(1n));
      await expect(f.app.connect(accounts.bankA).payClaim(f.id, 1n, reference))
        .to.be.revertedWithCustomError(ledger, "ReferenceUsed")
        .withArgs(reference);
    });

    it("is exhausted once paid demands reach the amount, and takes no further demand", async () => {
      const f = await issued();
      await f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(AMOUNT));
      await expect(f.app.connect(f.platform.accounts.bankA).payClaim(f.id, 0n, ZeroHash))
        .to.emit(f.app, "GuaranteeExhausted")
        .withArgs(f.id);
      expect((await f.app.guarantee(f.id)).state).to.equal(GState.Exhausted);
      const v = await f.app.verify(REF);
      expect(v.genuine).to.equal(true);
      expect(v.inForce).to.equal(false);
      expect(v.available).to.equal(0n);
      await expect(f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(1n)))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongState")
        .withArgs(f.id, GState.Exhausted, GState.Issued);
    });

    it("lets only the guarantor pay, once", async () => {
      const f = await networkHelpers.loadFixture(claimedFixture);
      await expect(f.app.connect(f.platform.accounts.bankB).payClaim(f.id, 0n, ZeroHash))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongParty")
        .withArgs(f.id, f.platform.ids.bankB, f.platform.ids.bankA);
      await f.app.connect(f.platform.accounts.bankA).payClaim(f.id, 0n, ZeroHash);
      await expect(f.app.connect(f.platform.accounts.bankA).payClaim(f.id, 0n, ZeroHash))
        .to.be.revertedWithCustomError(f.app, "ClaimNotPresented")
        .withArgs(f.id, 0n, CState.Paid);
      await expect(f.app.connect(f.platform.accounts.bankA).payClaim(f.id, 5n, ZeroHash))
        .to.be.revertedWithCustomError(f.app, "ClaimNotPresented")
        .withArgs(f.id, 5n, CState.None);
    });

    it("rejects with reasons within the examination period", async () => {
      const f = await networkHelpers.loadFixture(claimedFixture);
      const bank = f.app.connect(f.platform.accounts.bankA);
      await expect(bank.rejectClaim(f.id, 0n, ZeroHash))
        .to.be.revertedWithCustomError(f.app, "InvalidValue")
        .withArgs(encodeBytes32String("reasonHash"));
      await expect(
        f.app.connect(f.platform.accounts.bankB).rejectClaim(f.id, 0n, h("x")),
      ).to.be.revertedWithCustomError(f.app, "GuaranteeWrongParty");
      await expect(bank.rejectClaim(f.id, 0n, h("statement missing")))
        .to.emit(f.app, "ClaimRejected")
        .withArgs(f.id, 0n, f.platform.accounts.bankA.address, h("statement missing"));
      expect((await f.app.guarantee(f.id)).state).to.equal(GState.Issued);
      expect(await f.app.available(f.id)).to.equal(AMOUNT);
    });

    it("cannot reject after the examination period, but can still pay", async () => {
      const f = await networkHelpers.loadFixture(claimedFixture);
      const c = await f.app.claim(f.id, 0n);
      await networkHelpers.time.increaseTo(c.examinationDeadline + 1n);
      await expect(f.app.connect(f.platform.accounts.bankA).rejectClaim(f.id, 0n, h("late")))
        .to.be.revertedWithCustomError(f.app, "ClaimExaminationOver")
        .withArgs(f.id, 0n, c.examinationDeadline);
      await expect(
        f.app.connect(f.platform.accounts.bankA).extendInsteadOfPaying(f.id, 0n),
      ).to.be.revertedWithCustomError(f.app, "ClaimExaminationOver");
      await expect(f.app.connect(f.platform.accounts.bankA).payClaim(f.id, 0n, ZeroHash)).to.emit(f.app, "ClaimPaid");
    });

    it("answers an extend-or-pay demand by extending to the date asked", async () => {
      const f = await issued();
      const extendTo = f.now + 150n * DAY;
      await f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(AMOUNT, extendTo));
      await expect(
        f.app.connect(f.platform.accounts.bankB).extendInsteadOfPaying(f.id, 0n),
      ).to.be.revertedWithCustomError(f.app, "GuaranteeWrongParty");
      await expect(f.app.connect(f.platform.accounts.bankA).extendInsteadOfPaying(f.id, 0n))
        .to.emit(f.app, "ClaimExtended")
        .withArgs(f.id, 0n, f.platform.accounts.bankA.address, extendTo);
      const g = await f.app.guarantee(f.id);
      expect(g.expiry).to.equal(extendTo);
      expect(g.state).to.equal(GState.Issued);
      expect((await f.app.claim(f.id, 0n)).state).to.equal(CState.Extended);
    });

    it("refuses to extend instead of paying an ordinary demand", async () => {
      const f = await networkHelpers.loadFixture(claimedFixture);
      await expect(f.app.connect(f.platform.accounts.bankA).extendInsteadOfPaying(f.id, 0n))
        .to.be.revertedWithCustomError(f.app, "ClaimNotExtendOrPay")
        .withArgs(f.id, 0n);
    });

    it("lets the beneficiary withdraw its demand", async () => {
      const f = await networkHelpers.loadFixture(claimedFixture);
      await expect(f.app.connect(f.platform.accounts.supplier1).withdrawClaim(f.id, 0n)).to.be.revertedWithCustomError(
        f.app,
        "GuaranteeWrongParty",
      );
      await expect(f.app.connect(f.platform.accounts.core).withdrawClaim(f.id, 0n))
        .to.emit(f.app, "ClaimWithdrawn")
        .withArgs(f.id, 0n, f.platform.accounts.core.address);
      expect((await f.app.guarantee(f.id)).state).to.equal(GState.Issued);
    });
  });

  describe("end of life", () => {
    it("is released by the beneficiary only", async () => {
      const f = await issued();
      await expect(f.app.connect(f.platform.accounts.supplier1).release(f.id)).to.be.revertedWithCustomError(
        f.app,
        "GuaranteeWrongParty",
      );
      await expect(f.app.connect(f.platform.accounts.core).release(f.id))
        .to.emit(f.app, "GuaranteeReleased")
        .withArgs(f.id, f.platform.ids.core, f.platform.accounts.core.address);
      const v = await f.app.verify(REF);
      expect(v.state).to.equal(GState.Released);
      expect(v.inForce).to.equal(false);
      await expect(f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(1n)))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongState")
        .withArgs(f.id, GState.Released, GState.Issued);
    });

    it("is not released while a demand is under examination", async () => {
      const f = await networkHelpers.loadFixture(claimedFixture);
      await expect(f.app.connect(f.platform.accounts.core).release(f.id))
        .to.be.revertedWithCustomError(f.app, "GuaranteeWrongState")
        .withArgs(f.id, GState.Claimed, GState.Issued);
    });

    it("expires after its expiry date, closed by any member, not before", async () => {
      const f = await issued();
      await expect(f.app.connect(f.platform.accounts.bankC).expire(f.id))
        .to.be.revertedWithCustomError(f.app, "GuaranteeNotExpired")
        .withArgs(f.id, f.now + 90n * DAY);
      await networkHelpers.time.increase(90n * DAY + 1n);
      expect((await f.app.verify(REF)).inForce).to.equal(false);
      await expect(f.app.connect(f.platform.outsiders[0]).expire(f.id)).to.be.revertedWithCustomError(
        f.platform.registry,
        "UnknownAccount",
      );
      await expect(f.app.connect(f.platform.accounts.bankC).expire(f.id))
        .to.emit(f.app, "GuaranteeExpired")
        .withArgs(f.id, f.platform.accounts.bankC.address);
      expect((await f.app.guarantee(f.id)).state).to.equal(GState.Expired);
    });

    it("does not expire while a demand presented in time is under examination", async () => {
      const f = await networkHelpers.loadFixture(claimedFixture);
      await networkHelpers.time.increase(91n * DAY);
      await expect(f.app.connect(f.platform.accounts.bankC).expire(f.id)).to.be.revertedWithCustomError(
        f.app,
        "GuaranteeWrongState",
      );
      await expect(f.app.connect(f.platform.accounts.bankA).payClaim(f.id, 0n, ZeroHash)).to.emit(f.app, "ClaimPaid");
    });
  });

  describe("governance and membership", () => {
    it("lets a suspended beneficiary do nothing new", async () => {
      const f = await issued();
      const { registry } = f.platform;
      await passProposal(
        f.platform,
        registry,
        registry.interface.encodeFunctionData("suspendMember", [f.platform.ids.core]),
      );
      await expect(f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(1n)))
        .to.be.revertedWithCustomError(registry, "MemberNotActive")
        .withArgs(f.platform.ids.core, 2);
    });

    // URDG 758 art. 20: a complying demand is paid, but not to a payee the consortium has since suspended or
    // blacklisted. The payment is held, not refused: the demand stays Presented (no rejection under art. 24, which is
    // for discrepancies), and is paid once the payee is in good standing again.
    const vote = (
      f: Fixture,
      fn: "suspendMember" | "reinstateMember" | "blacklistAccount" | "recoverAccount",
      arg: unknown,
    ) =>
      passProposal(
        f.platform,
        f.platform.registry,
        (f.platform.registry.interface as import("ethers").Interface).encodeFunctionData(fn, [arg]),
      );

    it("holds the payment of a demand whose beneficiary was suspended after presenting, in tokens and off chain", async () => {
      const f = await networkHelpers.loadFixture(claimedFixture);
      const { registry, accounts, ids } = f.platform;
      await vote(f, "suspendMember", ids.core);
      await expect(f.app.connect(accounts.bankA).payClaim(f.id, 0n, ZeroHash))
        .to.be.revertedWithCustomError(registry, "MemberNotActive")
        .withArgs(ids.core, 2);
      await expect(f.app.connect(accounts.bankA).payClaim(f.id, 0n, h("CNAPS:held")))
        .to.be.revertedWithCustomError(registry, "MemberNotActive")
        .withArgs(ids.core, 2);
      expect((await f.app.claim(f.id, 0n)).state).to.equal(CState.Presented);
      expect((await f.app.guarantee(f.id)).paid).to.equal(0n);
      // reinstated: the same demand is paid as presented
      await vote(f, "reinstateMember", ids.core);
      await expect(f.app.connect(accounts.bankA).payClaim(f.id, 0n, ZeroHash))
        .to.emit(f.app, "ClaimPaid")
        .withArgs(f.id, 0n, accounts.core.address, accounts.bankA.address, 400_000n, 400_000n, 600_000n, ZeroHash);
    });

    it("holds the payment to a payee account blacklisted after presenting, until governance recovers it", async () => {
      const f = await networkHelpers.loadFixture(claimedFixture);
      const { registry, accounts } = f.platform;
      await vote(f, "blacklistAccount", accounts.core.address);
      await expect(f.app.connect(accounts.bankA).payClaim(f.id, 0n, h("CNAPS:blacklisted")))
        .to.be.revertedWithCustomError(registry, "AccountNotActive")
        .withArgs(accounts.core.address, 3); // Blacklisted
      expect((await f.app.claim(f.id, 0n)).state).to.equal(CState.Presented);
      await vote(f, "recoverAccount", accounts.core.address);
      await expect(f.app.connect(accounts.bankA).payClaim(f.id, 0n, h("CNAPS:blacklisted"))).to.emit(
        f.app,
        "ClaimPaid",
      );
    });

    it("rejects every step while paused, and resumes when unpaused", async () => {
      const f = await issued();
      await passProposal(f.platform, f.app, f.app.interface.encodeFunctionData("pause"));
      await expect(
        f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(1n)),
      ).to.be.revertedWithCustomError(f.app, "EnforcedPause");
      await expect(f.app.connect(f.platform.accounts.supplier1).applyFor(application(f))).to.be.revertedWithCustomError(
        f.app,
        "EnforcedPause",
      );
      await passProposal(f.platform, f.app, f.app.interface.encodeFunctionData("unpause"));
      await expect(f.app.connect(f.platform.accounts.core).presentClaim(f.id, demand(1n))).to.emit(
        f.app,
        "ClaimPresented",
      );
    });

    it("is paused only by governance", async () => {
      const f = await issued();
      await expect(f.app.connect(f.platform.accounts.bankA).pause()).to.be.revertedWithCustomError(
        f.app,
        "OnlyGovernance",
      );
    });
  });
});
