import { expect } from "chai";
import { ZeroHash, encodeBytes32String } from "ethers";
import { network } from "hardhat";
import { roleSet } from "@consortia/sdk";
import { fund, passProposal } from "../helpers/consortium.js";
import { DAY, confirmed, deployReceivables, makeTerms, type Receivables } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

const FACE = 1_000_000n;

async function deployed() {
  return deployReceivables(connection);
}

/** bankA 600,000 and bankB 500,000 for core: 1,100,000 in all; core put itself under them. */
async function withLimits() {
  const fx = await deployReceivables(connection);
  await fx.limits.connect(fx.accounts.bankA).setLimit(fx.ids.core, 600_000n);
  await fx.limits.connect(fx.accounts.bankB).setLimit(fx.ids.core, 500_000n);
  await fx.limits.connect(fx.accounts.core).enforceLimits(fx.ids.core, true);
  return fx;
}

async function suspend(fx: Receivables, memberId: number) {
  await passProposal(fx, fx.registry, fx.registry.interface.encodeFunctionData("suspendMember", [memberId]));
}

describe("IssuanceLimits", () => {
  describe("banks set limits", () => {
    it("a bank sets, raises and withdraws its limit for a core enterprise; the sum is tracked", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await expect(fx.limits.connect(fx.accounts.bankA).setLimit(fx.ids.core, 600_000n))
        .to.emit(fx.limits, "IssuanceLimitSet")
        .withArgs(fx.ids.core, fx.ids.bankA, fx.accounts.bankA.address, 600_000n, 600_000n);
      await fx.limits.connect(fx.accounts.bankB).setLimit(fx.ids.core, 500_000n);
      expect((await fx.limits.obligorLimits(fx.ids.core)).total).to.equal(1_100_000n);
      expect(await fx.limits.banksOf(fx.ids.core)).to.deep.equal([BigInt(fx.ids.bankA), BigInt(fx.ids.bankB)]);
      await fx.limits.connect(fx.accounts.bankA).setLimit(fx.ids.core, 0n);
      expect(await fx.limits.banksOf(fx.ids.core)).to.deep.equal([BigInt(fx.ids.bankB)]);
      const o = await fx.limits.obligorLimits(fx.ids.core);
      // Set, but not binding: the obligor is not under limits until it (or a vote) says so.
      expect([o.total, o.utilised, o.banks, o.limited]).to.deep.equal([500_000n, 0n, 1n, false]);
      expect(await fx.limits.available(fx.ids.core)).to.equal(2n ** 256n - 1n);
    });

    it("refuses a caller that is not a financing bank, a suspended bank, and an obligor that is not one", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await expect(fx.limits.connect(fx.accounts.supplier1).setLimit(fx.ids.core, 1n)).to.be.revertedWithCustomError(
        fx.registry,
        "MissingRole",
      );
      await suspend(fx, fx.ids.bankC);
      await expect(fx.limits.connect(fx.accounts.bankC).setLimit(fx.ids.core, 1n)).to.be.revertedWithCustomError(
        fx.registry,
        "MemberNotActive",
      );
      await expect(fx.limits.connect(fx.accounts.bankA).setLimit(fx.ids.bankB, 1n))
        .to.be.revertedWithCustomError(fx.limits, "IssuanceIneligibleObligor")
        .withArgs(fx.ids.bankB);
      await expect(fx.limits.connect(fx.accounts.bankA).setLimit(fx.ids.bankA, 1n))
        .to.be.revertedWithCustomError(fx.limits, "IssuanceIneligibleObligor")
        .withArgs(fx.ids.bankA);
      await expect(fx.limits.connect(fx.accounts.bankA).setLimit(fx.ids.core, 2n ** 112n))
        .to.be.revertedWithCustomError(fx.limits, "IssuanceInvalid")
        .withArgs(encodeBytes32String("limit"));
    });

    it("refuses to lower a limit below what confirmed receivables use", async () => {
      const fx = await networkHelpers.loadFixture(withLimits);
      await confirmed(fx); // 1,000,000 used of 1,100,000
      await expect(fx.limits.connect(fx.accounts.bankA).setLimit(fx.ids.core, 400_000n))
        .to.be.revertedWithCustomError(fx.limits, "IssuanceLimitBelowUtilisation")
        .withArgs(fx.ids.core, fx.ids.bankA, 900_000n, FACE);
      await fx.limits.connect(fx.accounts.bankA).setLimit(fx.ids.core, 500_000n);
      await fx.limits.connect(fx.accounts.bankA).setLimit(fx.ids.core, 700_000n);
    });
  });

  describe("who puts an obligor under limits", () => {
    it("a bank's limit alone binds nothing: a bank with no business with an obligor cannot cap its issuance", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      // The attack: bankC sets a limit of 1 for core, hoping to block its confirmations.
      await fx.limits.connect(fx.accounts.bankC).setLimit(fx.ids.core, 1n);
      await confirmed(fx);
      expect((await fx.limits.obligorLimits(fx.ids.core)).utilised).to.equal(FACE);
      // Nor can the obligor enter limits that would not cover what it has outstanding.
      await expect(fx.limits.connect(fx.accounts.core).enforceLimits(fx.ids.core, true))
        .to.be.revertedWithCustomError(fx.limits, "IssuanceLimitBelowUtilisation")
        .withArgs(fx.ids.core, 0, 1n, FACE);
    });

    it("the obligor puts itself under limits; only a governance vote takes it out", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await expect(fx.limits.connect(fx.accounts.core).enforceLimits(fx.ids.core, true))
        .to.emit(fx.limits, "IssuanceLimitsEnforced")
        .withArgs(fx.ids.core, true, fx.accounts.core.address);
      expect(await fx.limits.available(fx.ids.core)).to.equal(0n);
      await expect(fx.limits.connect(fx.accounts.core).enforceLimits(fx.ids.core, false))
        .to.be.revertedWithCustomError(fx.limits, "IssuanceNotObligorOrGovernance")
        .withArgs(fx.ids.core, fx.accounts.core.address);
      await passProposal(fx, fx.limits, fx.limits.interface.encodeFunctionData("enforceLimits", [fx.ids.core, false]));
      expect((await fx.limits.obligorLimits(fx.ids.core)).limited).to.equal(false);
      await passProposal(fx, fx.limits, fx.limits.interface.encodeFunctionData("enforceLimits", [fx.ids.core, true]));
      expect((await fx.limits.obligorLimits(fx.ids.core)).limited).to.equal(true);
    });

    it("refuses another member (a bank, a supplier) and an obligor suspended since it was admitted", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      // Another core enterprise cannot put this one under limits either.
      const [, , roles] = await fx.registry.memberProfile(fx.ids.supplier1);
      const obligor = roles | roleSet("RECEIVABLE_OBLIGOR");
      await passProposal(
        fx,
        fx.registry,
        fx.registry.interface.encodeFunctionData("setRoles", [fx.ids.supplier1, obligor]),
      );
      await expect(fx.limits.connect(fx.accounts.supplier1).enforceLimits(fx.ids.core, true))
        .to.be.revertedWithCustomError(fx.limits, "IssuanceNotObligorOrGovernance")
        .withArgs(fx.ids.core, fx.accounts.supplier1.address);
      await expect(fx.limits.connect(fx.accounts.bankA).enforceLimits(fx.ids.core, true)).to.be.revertedWithCustomError(
        fx.registry,
        "MissingRole",
      );
      await suspend(fx, fx.ids.core);
      await expect(fx.limits.connect(fx.accounts.core).enforceLimits(fx.ids.core, true)).to.be.revertedWithCustomError(
        fx.registry,
        "MemberNotActive",
      );
    });
  });

  describe("confirmations use the limits", () => {
    it("confirming uses the face value; a confirmation beyond the sum of the limits is refused", async () => {
      const fx = await networkHelpers.loadFixture(withLimits);
      const terms = await makeTerms(fx);
      await fx.desk.connect(fx.accounts.supplier1).register(terms);
      await expect(fx.desk.connect(fx.accounts.core).confirm(1))
        .to.emit(fx.limits, "IssuanceUsed")
        .withArgs(fx.ids.core, await fx.desk.getAddress(), 1, FACE, FACE, 100_000n);
      await fx.desk.connect(fx.accounts.supplier1).register(await makeTerms(fx));
      await expect(fx.desk.connect(fx.accounts.core).confirm(2))
        .to.be.revertedWithCustomError(fx.limits, "IssuanceLimitExceeded")
        .withArgs(fx.ids.core, 100_000n, FACE, FACE);
      await expect(
        fx.desk.connect(fx.accounts.core).issue(await makeTerms(fx), fx.accounts.supplier2.address),
      ).to.be.revertedWithCustomError(fx.limits, "IssuanceLimitExceeded");
      await fx.desk
        .connect(fx.accounts.core)
        .issue(await makeTerms(fx, { faceValue: 100_000n }), fx.accounts.supplier2);
      expect(await fx.limits.available(fx.ids.core)).to.equal(0n);
    });

    it("an obligor no bank limited is tracked, not limited; once limited, withdrawn limits leave it nothing", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const { receivableId } = await confirmed(fx);
      expect(await fx.limits.usedBy(fx.desk, receivableId)).to.equal(FACE);
      expect(await fx.limits.available(fx.ids.core)).to.equal(2n ** 256n - 1n);
      // A bank cannot set a limit that leaves what is outstanding uncovered.
      await expect(fx.limits.connect(fx.accounts.bankA).setLimit(fx.ids.core, FACE - 1n))
        .to.be.revertedWithCustomError(fx.limits, "IssuanceLimitBelowUtilisation")
        .withArgs(fx.ids.core, fx.ids.bankA, FACE - 1n, FACE);
      await fx.limits.connect(fx.accounts.bankA).setLimit(fx.ids.core, FACE);
      await fx.limits.connect(fx.accounts.core).enforceLimits(fx.ids.core, true);
      expect((await fx.limits.obligorLimits(fx.ids.core)).limited).to.equal(true);
      await fx.desk.connect(fx.accounts.supplier1).register(await makeTerms(fx));
      await expect(fx.desk.connect(fx.accounts.core).confirm(2))
        .to.be.revertedWithCustomError(fx.limits, "IssuanceLimitExceeded")
        .withArgs(fx.ids.core, 0n, FACE, FACE);
    });

    it("the limit of a bank suspended since it set it no longer backs new confirmations", async () => {
      const fx = await networkHelpers.loadFixture(withLimits);
      await suspend(fx, fx.ids.bankB);
      expect(await fx.limits.available(fx.ids.core)).to.equal(600_000n);
      await fx.desk.connect(fx.accounts.supplier1).register(await makeTerms(fx));
      await expect(fx.desk.connect(fx.accounts.core).confirm(1))
        .to.be.revertedWithCustomError(fx.limits, "IssuanceLimitExceeded")
        .withArgs(fx.ids.core, 600_000n, 0n, FACE);
    });

    it("redemptions release what they pay; utilisation returns to zero at settlement", async () => {
      const fx = await networkHelpers.loadFixture(withLimits);
      const { receivableId, rootTokenId } = await confirmed(fx);
      await fund(fx, fx.accounts.core, FACE);
      await fx.token.connect(fx.accounts.core).approve(fx.desk, FACE);
      await fx.desk.connect(fx.accounts.core).fund(receivableId);
      await networkHelpers.time.increase(91 * DAY);
      await expect(fx.desk.connect(fx.accounts.supplier1).redeem(rootTokenId))
        .to.emit(fx.limits, "IssuanceReleased")
        .withArgs(fx.ids.core, await fx.desk.getAddress(), receivableId, FACE, 0n);
      expect((await fx.limits.obligorLimits(fx.ids.core)).utilised).to.equal(0n);
      expect(await fx.limits.usedBy(fx.desk, receivableId)).to.equal(0n);
    });

    it("a rejected or cancelled registration used nothing", async () => {
      const fx = await networkHelpers.loadFixture(withLimits);
      await fx.desk.connect(fx.accounts.supplier1).register(await makeTerms(fx));
      await fx.desk.connect(fx.accounts.core).reject(1, ZeroHash);
      expect((await fx.limits.obligorLimits(fx.ids.core)).utilised).to.equal(0n);
    });
  });

  describe("who may use and release", () => {
    it("refuses a member's account and a contract that is not a suite contract", async () => {
      const fx = await networkHelpers.loadFixture(withLimits);
      for (const signer of [fx.accounts.bankA, fx.accounts.core]) {
        await expect(fx.limits.connect(signer).use(fx.ids.core, 1, 1n))
          .to.be.revertedWithCustomError(fx.limits, "IssuanceNotSystemContract")
          .withArgs(signer.address);
        await expect(fx.limits.connect(signer).release(fx.ids.core, 1, 1n))
          .to.be.revertedWithCustomError(fx.limits, "IssuanceNotSystemContract")
          .withArgs(signer.address);
      }
    });
  });
});
