import { expect } from "chai";
import { ZeroAddress, encodeBytes32String, keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { roleSet } from "@consortia/sdk";
import { fund, passProposal } from "../helpers/consortium.js";
import { AccessLevel } from "../helpers/suite.js";
import { DAY, Status, confirmed, deployReceivables, split, type Receivables } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

const FACE = 1_000_000n;
const MONEY = 5_000_000n;
const reason = (s: string) => encodeBytes32String(s);

interface Fx extends Receivables {
  receivableId: bigint;
  maturity: bigint;
  /** supplier1's root, 600,000 after the splits. */
  t1: bigint;
  /** supplier2's split, 300,000. */
  t2: bigint;
  /** bankA's split, 100,000. */
  t3: bigint;
}

async function deployed(): Promise<Fx> {
  const fx = await deployReceivables(connection);
  const { receivableId, rootTokenId, maturity } = await confirmed(fx);
  const t2 = await split(fx, fx.accounts.supplier1, rootTokenId, fx.accounts.supplier2, 300_000n);
  const t3 = await split(fx, fx.accounts.supplier1, rootTokenId, fx.accounts.bankA, 100_000n);
  for (const payer of [fx.accounts.core, fx.accounts.bankA, fx.accounts.bankB]) {
    await fund(fx, payer, MONEY);
    await fx.token.connect(payer).approve(fx.arrangements, MONEY);
    await fx.token.connect(payer).approve(fx.desk, MONEY);
  }
  return { ...fx, receivableId, maturity, t1: rootTokenId, t2, t3 };
}

async function matured(): Promise<Fx> {
  const fx = await networkHelpers.loadFixture(deployed);
  await networkHelpers.time.increaseTo(fx.maturity);
  return fx;
}

async function paid(amount = 400_000n): Promise<Fx> {
  const fx = await matured();
  await fx.arrangements.connect(fx.accounts.core).pay(fx.receivableId, amount);
  return fx;
}

async function suspend(fx: Fx, memberId: number): Promise<void> {
  await passProposal(fx, fx.registry, fx.registry.interface.encodeFunctionData("suspendMember", [memberId]));
}

async function blacklist(fx: Fx, account: string): Promise<void> {
  await passProposal(fx, fx.registry, fx.registry.interface.encodeFunctionData("blacklistAccount", [account]));
}

async function freeze(fx: Fx, tokenId: bigint, amount: bigint): Promise<void> {
  const [regulator2] = fx.outsiders;
  await fx.registry.connect(fx.accounts.regulator).addAccount(fx.ids.regulator, regulator2, AccessLevel.Transact);
  const scope = { kind: 1, asset: fx.certificates.target, claimContract: ZeroAddress, id: tokenId, amount };
  const until = (await fx.now()) + 30 * DAY;
  const ref = keccak256(toUtf8Bytes("court order"));
  const orderId = await fx.freezeOrders.connect(fx.accounts.regulator).propose.staticCall(scope, ref, ref, until);
  await fx.freezeOrders.connect(fx.accounts.regulator).propose(scope, ref, ref, until);
  await fx.freezeOrders.connect(regulator2).approve(orderId);
}

async function valueOf(fx: Fx, tokenId: bigint): Promise<bigint> {
  return (await fx.certificates.certificate(tokenId)).value;
}

async function claim(fx: Fx, by: HardhatEthersSigner, tokenId: bigint): Promise<void> {
  await fx.arrangements.connect(by).claim(tokenId);
}

describe("MaturityArrangements: part payment at maturity", () => {
  describe("attacks on the part payment", () => {
    it("refuses anyone but an account of the receivable's obligor", async () => {
      const fx = await matured();
      await expect(
        fx.arrangements.connect(fx.accounts.supplier1).pay(fx.receivableId, 1n),
      ).to.be.revertedWithCustomError(fx.registry, "MissingRole");
      // Another obligor (supplier1, made one by a vote) is not this receivable's obligor.
      const [, , roles] = await fx.registry.memberProfile(fx.ids.supplier1);
      await passProposal(
        fx,
        fx.registry,
        fx.registry.interface.encodeFunctionData("setRoles", [fx.ids.supplier1, roles | roleSet("RECEIVABLE_OBLIGOR")]),
      );
      await expect(fx.arrangements.connect(fx.accounts.supplier1).pay(fx.receivableId, 1n))
        .to.be.revertedWithCustomError(fx.arrangements, "ArrangementWrongParty")
        .withArgs(fx.accounts.supplier1.address, fx.ids.supplier1, fx.ids.core);
      await expect(fx.arrangements.connect(fx.accounts.core).pay(99n, 1n))
        .to.be.revertedWithCustomError(fx.arrangements, "ArrangementWrongStatus")
        .withArgs(99n, Status.None);
    });

    it("refuses an obligor suspended since it confirmed", async () => {
      const fx = await matured();
      await suspend(fx, fx.ids.core);
      await expect(fx.arrangements.connect(fx.accounts.core).pay(fx.receivableId, 1n)).to.be.revertedWithCustomError(
        fx.registry,
        "MemberNotActive",
      );
    });

    it("refuses before maturity", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await expect(fx.arrangements.connect(fx.accounts.core).pay(fx.receivableId, 1n))
        .to.be.revertedWithCustomError(fx.arrangements, "ArrangementTooEarly")
        .withArgs(fx.maturity);
    });

    it("refuses nothing, and all of it or more (that is funding)", async () => {
      const fx = await matured();
      const a = fx.arrangements.connect(fx.accounts.core);
      await expect(a.pay(fx.receivableId, 0n))
        .to.be.revertedWithCustomError(fx.arrangements, "ArrangementInvalidAmount")
        .withArgs(0n, FACE);
      await expect(a.pay(fx.receivableId, FACE))
        .to.be.revertedWithCustomError(fx.arrangements, "ArrangementInvalidAmount")
        .withArgs(FACE, FACE);
      await a.pay(fx.receivableId, 400_000n);
      // What was paid in and not yet claimed is no longer outstanding.
      await expect(a.pay(fx.receivableId, 600_000n))
        .to.be.revertedWithCustomError(fx.arrangements, "ArrangementInvalidAmount")
        .withArgs(600_000n, 600_000n);
    });

    it("refuses a funded or settled receivable", async () => {
      const fx = await matured();
      await fx.desk.connect(fx.accounts.core).fund(fx.receivableId);
      await expect(fx.arrangements.connect(fx.accounts.core).pay(fx.receivableId, 1n))
        .to.be.revertedWithCustomError(fx.arrangements, "ArrangementWrongStatus")
        .withArgs(fx.receivableId, Status.Funded);
    });
  });

  describe("pro-rata distribution", () => {
    it("pays each certificate its share and pays it down: the rest stays overdue", async () => {
      const fx = await paid();
      expect(await fx.arrangements.shareOf(fx.t1)).to.equal(240_000n);
      expect(await fx.arrangements.shareOf(fx.t2)).to.equal(120_000n);
      expect(await fx.arrangements.shareOf(fx.t3)).to.equal(40_000n);
      expect(await fx.arrangements.unpaidOf(fx.receivableId)).to.equal(600_000n);
      const before = await fx.token.balanceOf(fx.accounts.supplier2);
      // Any member may claim for a holder: the share goes to the holder.
      await expect(fx.arrangements.connect(fx.accounts.bankC).claim(fx.t2))
        .to.emit(fx.arrangements, "PartPaymentShareClaimed")
        .withArgs(
          fx.receivableId,
          fx.t2,
          fx.accounts.supplier2.address,
          fx.ids.supplier2,
          120_000n,
          180_000n,
          fx.accounts.bankC.address,
        )
        .and.to.emit(fx.certificates, "TransferValue")
        .withArgs(fx.t2, 0n, 120_000n);
      expect((await fx.token.balanceOf(fx.accounts.supplier2)) - before).to.equal(120_000n);
      expect(await valueOf(fx, fx.t2)).to.equal(180_000n);
      expect((await fx.desk.receivable(fx.receivableId)).redeemed).to.equal(120_000n);
      expect(await fx.arrangements.unpaidOf(fx.receivableId)).to.equal(600_000n);
      await claim(fx, fx.accounts.supplier1, fx.t1);
      await claim(fx, fx.accounts.bankA, fx.t3);
      expect(await valueOf(fx, fx.t1)).to.equal(360_000n);
      expect(await valueOf(fx, fx.t3)).to.equal(60_000n);
      const r = await fx.desk.receivable(fx.receivableId);
      expect(r.faceValue - r.redeemed).to.equal(600_000n);
      const p = await fx.arrangements.partPaymentsOf(fx.receivableId);
      expect(p.paidIn).to.equal(400_000n);
      expect(p.claimed).to.equal(400_000n);
      // The issuance the obligor used is released by what was paid.
      expect(await fx.limits.usedBy(fx.desk, fx.receivableId)).to.equal(600_000n);
    });

    it("refuses a second claim of the same share", async () => {
      const fx = await paid();
      await claim(fx, fx.accounts.supplier2, fx.t2);
      await expect(fx.arrangements.connect(fx.accounts.supplier2).claim(fx.t2))
        .to.be.revertedWithCustomError(fx.arrangements, "ArrangementNoShare")
        .withArgs(fx.t2);
    });

    it("adds up several part payments whatever the order of claims, and never pays out more than paid in", async () => {
      const fx = await paid(333_333n);
      await claim(fx, fx.accounts.supplier2, fx.t2);
      await fx.arrangements.connect(fx.accounts.core).pay(fx.receivableId, 111_111n);
      await claim(fx, fx.accounts.supplier1, fx.t1);
      await claim(fx, fx.accounts.supplier2, fx.t2);
      await claim(fx, fx.accounts.bankA, fx.t3);
      const p = await fx.arrangements.partPaymentsOf(fx.receivableId);
      expect(p.paidIn).to.equal(444_444n);
      expect(p.claimed <= p.paidIn).to.equal(true);
      // Exactly pro rata up to rounding units: 600,000 / 300,000 / 100,000 of 444,444.
      const v1 = await valueOf(fx, fx.t1);
      const v2 = await valueOf(fx, fx.t2);
      const v3 = await valueOf(fx, fx.t3);
      for (const [v, w] of [
        [v1, 600_000n],
        [v2, 300_000n],
        [v3, 100_000n],
      ]) {
        const exact = w - (w * 444_444n) / FACE;
        expect(v >= exact && v <= exact + 2n, `${v} ~ ${exact}`).to.equal(true);
      }
      expect(p.paidIn - p.claimed <= 3n).to.equal(true);
      expect(await fx.token.balanceOf(fx.arrangements)).to.equal(p.paidIn - p.claimed);
    });

    it("refuses claims once the receivable is funded, and gives unclaimed shares back to the obligor", async () => {
      const fx = await paid();
      await claim(fx, fx.accounts.supplier1, fx.t1);
      await expect(fx.arrangements.connect(fx.accounts.core).refund(fx.receivableId))
        .to.be.revertedWithCustomError(fx.arrangements, "ArrangementNothingToRefund")
        .withArgs(fx.receivableId);
      const coreBefore = await fx.token.balanceOf(fx.accounts.core);
      // The escrow covers every certificate's value as it is: 360,000 + 300,000 + 100,000.
      await expect(fx.desk.connect(fx.accounts.core).fund(fx.receivableId))
        .to.emit(fx.desk, "ReceivableFunded")
        .withArgs(fx.receivableId, fx.ids.core, fx.accounts.core.address, 760_000n);
      await expect(fx.arrangements.connect(fx.accounts.supplier2).claim(fx.t2))
        .to.be.revertedWithCustomError(fx.arrangements, "ArrangementWrongStatus")
        .withArgs(fx.receivableId, Status.Funded);
      await expect(
        fx.arrangements.connect(fx.accounts.supplier1).refund(fx.receivableId),
      ).to.be.revertedWithCustomError(fx.registry, "MissingRole");
      await expect(fx.arrangements.connect(fx.accounts.core).refund(fx.receivableId))
        .to.emit(fx.arrangements, "PartPaymentsRefunded")
        .withArgs(fx.receivableId, fx.accounts.core.address, 160_000n);
      // The obligor paid the face value, no more: 400,000 + 760,000 - 160,000.
      expect(coreBefore - (await fx.token.balanceOf(fx.accounts.core))).to.equal(600_000n);
      for (const [holder, tokenId] of [
        [fx.accounts.supplier1, fx.t1],
        [fx.accounts.supplier2, fx.t2],
        [fx.accounts.bankA, fx.t3],
      ] as const) {
        await fx.desk.connect(holder).redeem(tokenId);
      }
      expect((await fx.desk.receivable(fx.receivableId)).status).to.equal(Status.Settled);
      expect(await fx.token.balanceOf(fx.arrangements)).to.equal(0n);
      await expect(fx.arrangements.connect(fx.accounts.core).refund(fx.receivableId))
        .to.be.revertedWithCustomError(fx.arrangements, "ArrangementNothingToRefund")
        .withArgs(fx.receivableId);
    });
  });

  describe("held shares", () => {
    it("holds a frozen certificate's share", async () => {
      const fx = await paid();
      await freeze(fx, fx.t2, 1n);
      await expect(fx.arrangements.connect(fx.accounts.supplier2).claim(fx.t2))
        .to.be.revertedWithCustomError(fx.arrangements, "ArrangementShareHeld")
        .withArgs(fx.t2, reason("frozen"));
      expect(await fx.arrangements.shareOf(fx.t2)).to.equal(120_000n);
    });

    it("holds the share of a holder suspended or blacklisted since it was issued", async () => {
      const fx = await paid();
      await suspend(fx, fx.ids.supplier2);
      await expect(fx.arrangements.connect(fx.accounts.bankC).claim(fx.t2))
        .to.be.revertedWithCustomError(fx.arrangements, "ArrangementShareHeld")
        .withArgs(fx.t2, reason("holder"));
      await blacklist(fx, fx.accounts.bankA.address);
      await expect(fx.arrangements.connect(fx.accounts.bankC).claim(fx.t3))
        .to.be.revertedWithCustomError(fx.arrangements, "ArrangementShareHeld")
        .withArgs(fx.t3, reason("holder"));
    });

    it("holds pledged value's share; a pledge taken at default claims its own share", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await fx.desk.connect(fx.accounts.supplier1).pledge(fx.t1, 200_000n, fx.ids.bankB, fx.maturity + BigInt(DAY));
      await networkHelpers.time.increaseTo(fx.maturity);
      await fx.arrangements.connect(fx.accounts.core).pay(fx.receivableId, 400_000n);
      await expect(fx.arrangements.connect(fx.accounts.supplier1).claim(fx.t1))
        .to.be.revertedWithCustomError(fx.arrangements, "ArrangementShareHeld")
        .withArgs(fx.t1, reason("locked"));
      await networkHelpers.time.increaseTo(fx.maturity + BigInt(DAY));
      const taken = await fx.desk.connect(fx.accounts.bankB).takePledge.staticCall(1n);
      await fx.desk.connect(fx.accounts.bankB).takePledge(1n);
      expect(await fx.arrangements.shareOf(taken)).to.equal(80_000n);
      expect(await fx.arrangements.shareOf(fx.t1)).to.equal(160_000n);
      await claim(fx, fx.accounts.bankB, taken);
      await claim(fx, fx.accounts.supplier1, fx.t1);
      expect(await valueOf(fx, taken)).to.equal(120_000n);
      expect(await valueOf(fx, fx.t1)).to.equal(240_000n);
    });
  });

  describe("the rest paid off chain, and recourse, are for the unpaid rest only", () => {
    it("refuses to record an off-chain payment of a certificate whose share is unclaimed", async () => {
      const fx = await paid();
      await fx.desk.connect(fx.accounts.core).setPayingBank(fx.ids.bankB);
      const ref = keccak256(toUtf8Bytes("wire 1"));
      await expect(fx.desk.connect(fx.accounts.bankB).payOffChain(fx.t2, ref))
        .to.be.revertedWithCustomError(fx.arrangements, "ArrangementShareUnclaimed")
        .withArgs(fx.t2, 120_000n);
      await claim(fx, fx.accounts.supplier2, fx.t2);
      await expect(fx.desk.connect(fx.accounts.bankB).payOffChain(fx.t2, ref))
        .to.emit(fx.desk, "CertificateRedeemed")
        .withArgs(fx.receivableId, fx.t2, fx.accounts.supplier2.address, fx.ids.supplier2, 180_000n, ref);
    });

    it("recourse on a certificate whose share is unclaimed claims the share for the holder, then the unpaid rest", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      // supplier2 sells its certificate to bankB with recourse.
      await fx.certificates.connect(fx.accounts.supplier2).setApprovalForAll(fx.recourse, true);
      await fx.token.connect(fx.accounts.bankB).approve(fx.recourse, MONEY);
      const deadline = (await fx.now()) + DAY;
      await fx.recourse.connect(fx.accounts.supplier2).offer(fx.t2, 300_000n, fx.ids.bankB, 290_000n, true, deadline);
      await fx.recourse.connect(fx.accounts.bankB).accept(1n, true, 290_000n);
      await networkHelpers.time.increaseTo(fx.maturity);
      await fx.arrangements.connect(fx.accounts.core).pay(fx.receivableId, 400_000n);
      await networkHelpers.time.increaseTo(fx.maturity + BigInt(DAY));
      await fx.desk.connect(fx.accounts.bankC).markOverdue(fx.receivableId);
      // A tiny part payment ahead of the exercise (the obligor's stall) adds to the share; it cannot refuse it.
      await fx.arrangements.connect(fx.accounts.core).pay(fx.receivableId, 1n);
      const before = await fx.token.balanceOf(fx.accounts.bankB);
      await expect(fx.recourse.connect(fx.accounts.bankB).exercise(fx.t2))
        .to.emit(fx.arrangements, "PartPaymentShareClaimed")
        .withArgs(
          fx.receivableId,
          fx.t2,
          fx.accounts.bankB.address,
          fx.ids.bankB,
          120_000n,
          180_000n,
          fx.recourse.target,
        )
        .and.to.emit(fx.recourse, "RecourseExercised")
        .withArgs(1n, 1n, fx.t2, fx.receivableId, fx.accounts.bankB.address, fx.ids.bankB, fx.ids.supplier2, 180_000n);
      expect((await fx.token.balanceOf(fx.accounts.bankB)) - before).to.equal(120_000n);
      // A further part payment while the claim is open holds the share: the honour needs the value claimed.
      await fx.arrangements.connect(fx.accounts.core).pay(fx.receivableId, 100_000n);
      await expect(fx.arrangements.connect(fx.accounts.bankB).claim(fx.t2))
        .to.be.revertedWithCustomError(fx.arrangements, "ArrangementShareHeld")
        .withArgs(fx.t2, reason("recourse"));
      await fund(fx, fx.accounts.supplier2, MONEY);
      await fx.token.connect(fx.accounts.supplier2).approve(fx.recourse, MONEY);
      await fx.recourse.connect(fx.accounts.supplier2).honour(1n);
      // The seller holds it again, with its share of the later payment to claim.
      await claim(fx, fx.accounts.supplier2, fx.t2);
      expect(await valueOf(fx, fx.t2)).to.equal(150_000n);
    });
  });

  describe("a called guarantee and a part payment never pay a holder twice", () => {
    const wire = keccak256(toUtf8Bytes("guarantor wire"));

    async function overdueGuaranteed(): Promise<Fx> {
      const fx = await networkHelpers.loadFixture(deployed);
      await fx.desk.connect(fx.accounts.core).requestGuarantee(fx.receivableId, fx.ids.bankA);
      await fx.desk.connect(fx.accounts.bankA).guarantee(fx.receivableId);
      await networkHelpers.time.increaseTo(fx.maturity + BigInt(await fx.desk.GRACE_PERIOD()));
      await fx.desk.connect(fx.accounts.bankC).markOverdue(fx.receivableId);
      return fx;
    }

    it("refuses a part payment once the guarantee is called (the guarantor's payment races it)", async () => {
      const fx = await overdueGuaranteed();
      await fx.desk.connect(fx.accounts.supplier2).callGuarantee(fx.t2);
      // The guarantor pays supplier2's 300,000 off chain; supplier2 acknowledges it.
      await fx.desk.connect(fx.accounts.supplier2).acknowledgeOffChainPayment(fx.t2, wire);
      await expect(fx.arrangements.connect(fx.accounts.core).pay(fx.receivableId, 500_000n))
        .to.be.revertedWithCustomError(fx.arrangements, "ArrangementWrongStatus")
        .withArgs(fx.receivableId, Status.GuaranteeCalled);
      await expect(fx.desk.connect(fx.accounts.bankA).payOffChain(fx.t2, wire))
        .to.emit(fx.desk, "CertificateRedeemed")
        .withArgs(fx.receivableId, fx.t2, fx.accounts.supplier2.address, fx.ids.supplier2, 300_000n, wire);
      expect(await fx.token.balanceOf(fx.accounts.supplier2)).to.equal(0n);
    });

    it("refuses to call the guarantee or acknowledge a payment of a certificate whose share is unclaimed", async () => {
      const fx = await overdueGuaranteed();
      await fx.arrangements.connect(fx.accounts.core).pay(fx.receivableId, 500_000n);
      await expect(fx.desk.connect(fx.accounts.supplier2).callGuarantee(fx.t2))
        .to.be.revertedWithCustomError(fx.arrangements, "ArrangementShareUnclaimed")
        .withArgs(fx.t2, 150_000n);
      await expect(fx.desk.connect(fx.accounts.supplier2).acknowledgeOffChainPayment(fx.t2, wire))
        .to.be.revertedWithCustomError(fx.arrangements, "ArrangementShareUnclaimed")
        .withArgs(fx.t2, 150_000n);
      // supplier1 claims and calls; supplier2, its share still unclaimed, cannot acknowledge its whole value.
      await claim(fx, fx.accounts.supplier1, fx.t1);
      await fx.desk.connect(fx.accounts.supplier1).callGuarantee(fx.t1);
      await expect(fx.desk.connect(fx.accounts.supplier2).acknowledgeOffChainPayment(fx.t2, wire))
        .to.be.revertedWithCustomError(fx.arrangements, "ArrangementShareUnclaimed")
        .withArgs(fx.t2, 150_000n);
      // Claimed first: the guarantor pays the unpaid rest only; supplier2 has 300,000 in all.
      await claim(fx, fx.accounts.bankB, fx.t2);
      await fx.desk.connect(fx.accounts.supplier2).acknowledgeOffChainPayment(fx.t2, wire);
      await expect(fx.desk.connect(fx.accounts.bankA).payOffChain(fx.t2, wire))
        .to.emit(fx.desk, "CertificateRedeemed")
        .withArgs(fx.receivableId, fx.t2, fx.accounts.supplier2.address, fx.ids.supplier2, 150_000n, wire);
      expect(await fx.token.balanceOf(fx.accounts.supplier2)).to.equal(150_000n);
    });
  });

  describe("hooks", () => {
    it("lets only the arrangements contract pay a certificate down, and only the certificate count it paid", async () => {
      const fx = await paid();
      await expect(fx.certificates.connect(fx.accounts.supplier1).payDown(fx.t1, 1n))
        .to.be.revertedWithCustomError(fx.certificates, "CertificateOnlyArrangements")
        .withArgs(fx.accounts.supplier1.address);
      await expect(
        fx.desk.connect(fx.accounts.supplier1).recordPaidDown(fx.receivableId, 1n),
      ).to.be.revertedWithCustomError(fx.desk, "ReceivableWrongParty");
      // Bound once: not even the deployer binds another.
      await expect(fx.certificates.connect(fx.deployer).bindArrangements(fx.accounts.supplier1.address))
        .to.be.revertedWithCustomError(fx.certificates, "CertificateArrangementsBinding")
        .withArgs(fx.deployer.address, fx.accounts.supplier1.address);
    });
  });
});
