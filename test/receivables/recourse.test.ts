import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import { ZeroAddress, keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { fund, passProposal } from "../helpers/consortium.js";
import { AccessLevel } from "../helpers/suite.js";
import { roleSet } from "@consortia/sdk";
import { DAY, ReceiverMode, Status, confirmed, deployReceivables, split, type Receivables } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

/** IRecourseClaims enums. */
const OfferStatus = { None: 0n, Pending: 1n, Accepted: 2n, Cancelled: 3n, Expired: 4n } as const;
const ClaimStatus = { None: 0n, Exercised: 1n, Honoured: 2n, Discharged: 3n } as const;

const FACE = 1_000_000n;
const PART = 400_000n;
const PRICE_A = 980_000n;
const PRICE_B = 395_000n;
const MONEY = 5_000_000n;

interface Fx extends Receivables {
  receivableId: bigint;
  tokenId: bigint;
  maturity: bigint;
}

async function deployed(): Promise<Fx> {
  const fx = await deployReceivables(connection);
  const { receivableId, rootTokenId, maturity } = await confirmed(fx);
  for (const payer of [fx.accounts.bankA, fx.accounts.bankB, fx.accounts.bankC, fx.accounts.supplier1]) {
    await fund(fx, payer, MONEY);
    await fx.token.connect(payer).approve(fx.recourse, MONEY);
  }
  // Holders let the recourse contract move their certificates at acceptance.
  for (const holder of [fx.accounts.supplier1, fx.accounts.bankA, fx.accounts.bankB]) {
    await fx.certificates.connect(holder).setApprovalForAll(fx.recourse, true);
  }
  return { ...fx, receivableId, tokenId: rootTokenId, maturity };
}

/** `seller` offers `value` of `tokenId` to `bank` for `price`, open for a day; returns the offer id. */
async function offered(
  fx: Fx,
  seller: HardhatEthersSigner,
  tokenId: bigint,
  value: bigint,
  bank: number,
  price: bigint,
  withRecourse: boolean,
): Promise<bigint> {
  const deadline = (await fx.now()) + DAY;
  const r = fx.recourse.connect(seller);
  const id = await r.offer.staticCall(tokenId, value, bank, price, withRecourse, deadline);
  await r.offer(tokenId, value, bank, price, withRecourse, deadline);
  return id;
}

/** `buyer` accepts the offer at its terms; returns the sale and the certificate received. */
async function accepted(fx: Fx, buyer: HardhatEthersSigner, offerId: bigint): Promise<[bigint, bigint]> {
  const o = await fx.recourse.offerOf(offerId);
  const r = fx.recourse.connect(buyer);
  const [saleId, tokenId] = await r.accept.staticCall(offerId, o.withRecourse, o.price);
  await r.accept(offerId, o.withRecourse, o.price);
  return [saleId, tokenId];
}

/**
 * supplier1 sells its whole certificate to bankA (`firstRecourse`), bankA sells PART of it to bankB
 * (`secondRecourse`): bankA keeps the root (600,000), bankB holds the split (400,000).
 */
async function chain(firstRecourse = true, secondRecourse = true) {
  const fx = await networkHelpers.loadFixture(deployed);
  const first = await offered(fx, fx.accounts.supplier1, fx.tokenId, FACE, fx.ids.bankA, PRICE_A, firstRecourse);
  const [sale1, token1] = await accepted(fx, fx.accounts.bankA, first);
  const second = await offered(fx, fx.accounts.bankA, token1, PART, fx.ids.bankB, PRICE_B, secondRecourse);
  const [sale2, token2] = await accepted(fx, fx.accounts.bankB, second);
  return { fx, sale1, token1, sale2, token2 };
}

/** What bankB sells on of token2 in `soldOnAndHonoured`. */
const SUB = 100_000n;

/**
 * After `chain()`: bankB sells SUB of token2 on to bankC with recourse (token3), bankA tops token2 back up to PART,
 * the receivable defaults, bankC claims on bankB and bankB honours: token3 is held by sale2 again.
 */
async function soldOnAndHonoured() {
  const { fx, token1, sale2, token2 } = await chain();
  await fx.certificates.connect(fx.accounts.bankB).setApprovalForAll(fx.recourse, true);
  const third = await offered(fx, fx.accounts.bankB, token2, SUB, fx.ids.bankC, SUB, true);
  const [, token3] = await accepted(fx, fx.accounts.bankC, third);
  await fx.certificates.connect(fx.accounts.bankA)["transferFrom(uint256,uint256,uint256)"](token1, token2, SUB);
  await defaulted(fx);
  const c3 = await exercised(fx, fx.accounts.bankC, token3);
  await fx.token.connect(fx.accounts.bankB).approve(fx.recourse, MONEY);
  await fx.recourse.connect(fx.accounts.bankB).honour(c3);
  return { fx, sale2, token2, token3 };
}

/** Moves past maturity plus the grace period and marks the receivable overdue. */
async function defaulted(fx: Fx): Promise<void> {
  await networkHelpers.time.increaseTo(fx.maturity + BigInt(DAY));
  await fx.desk.connect(fx.accounts.bankC).markOverdue(fx.receivableId);
}

async function exercised(fx: Fx, holder: HardhatEthersSigner, tokenId: bigint): Promise<bigint> {
  const r = fx.recourse.connect(holder);
  const id = await r.exercise.staticCall(tokenId);
  await r.exercise(tokenId);
  return id;
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

describe("RecourseClaims", () => {
  describe("attacks on the offer", () => {
    it("refuses an account that neither holds nor is approved for the certificate", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const deadline = (await fx.now()) + DAY;
      await expect(
        fx.recourse.connect(fx.accounts.supplier2).offer(fx.tokenId, FACE, fx.ids.bankA, PRICE_A, true, deadline),
      )
        .to.be.revertedWithCustomError(fx.recourse, "RecourseNotHolder")
        .withArgs(fx.tokenId, fx.accounts.supplier2.address);
    });

    it("refuses a buyer that is no active financier, and terms out of bounds", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const r = fx.recourse.connect(fx.accounts.supplier1);
      const deadline = (await fx.now()) + DAY;
      await expect(r.offer(fx.tokenId, FACE, fx.ids.supplier2, PRICE_A, true, deadline))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseIneligibleMember")
        .withArgs(fx.ids.supplier2, 1n << 11n);
      await expect(r.offer(fx.tokenId, FACE + 1n, fx.ids.bankA, PRICE_A, true, deadline))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseInvalidTerms")
        .withArgs(encodeField("value"));
      await expect(r.offer(fx.tokenId, PART, fx.ids.bankA, PART + 1n, true, deadline))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseInvalidTerms")
        .withArgs(encodeField("price"));
      await expect(r.offer(fx.tokenId, PART, fx.ids.bankA, PRICE_B, true, Number(fx.maturity)))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseInvalidTerms")
        .withArgs(encodeField("deadline"));
    });

    it("refuses a certificate under a freeze order", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await freeze(fx, fx.tokenId, 1n);
      const deadline = (await fx.now()) + DAY;
      await expect(
        fx.recourse.connect(fx.accounts.supplier1).offer(fx.tokenId, FACE, fx.ids.bankA, PRICE_A, true, deadline),
      )
        .to.be.revertedWithCustomError(fx.recourse, "RecourseCertificateFrozen")
        .withArgs(fx.tokenId);
    });
  });

  describe("attacks on the acceptance", () => {
    it("refuses a bank other than the one offered to", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await offered(fx, fx.accounts.supplier1, fx.tokenId, FACE, fx.ids.bankA, PRICE_A, true);
      await expect(fx.recourse.connect(fx.accounts.bankB).accept(id, true, PRICE_A))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseWrongParty")
        .withArgs(fx.accounts.bankB.address, fx.ids.bankB, fx.ids.bankA);
    });

    it("refuses terms other than the ones the bank priced (recourse or price)", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await offered(fx, fx.accounts.supplier1, fx.tokenId, FACE, fx.ids.bankA, PRICE_A, true);
      const r = fx.recourse.connect(fx.accounts.bankA);
      await expect(r.accept(id, false, PRICE_A)).to.be.revertedWithCustomError(fx.recourse, "RecourseTermsMismatch");
      await expect(r.accept(id, true, PRICE_A - 1n))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseTermsMismatch")
        .withArgs(id);
    });

    it("refuses a certificate whose value changed since the offer", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await offered(fx, fx.accounts.supplier1, fx.tokenId, PART, fx.ids.bankA, PRICE_B, true);
      await split(fx, fx.accounts.supplier1, fx.tokenId, fx.accounts.supplier2, 1n);
      await expect(fx.recourse.connect(fx.accounts.bankA).accept(id, true, PRICE_B))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseCertificateChanged")
        .withArgs(fx.tokenId);
    });

    it("refuses a contract buyer that passes the certificate on during the transfer (the right of recourse stays with a buyer)", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      // The receiver contract is a member's account; governance makes that member a financier.
      await passProposal(
        fx,
        fx.registry,
        fx.registry.interface.encodeFunctionData("setRoles", [
          fx.receiverId,
          roleSet("RECEIVABLE_HOLDER", "TOKEN_HOLDER", "FINANCIER"),
        ]),
      );
      const buyer = fx.receiver;
      await fund(fx, await buyer.getAddress(), MONEY);
      await buyer.execute(
        fx.token,
        fx.token.interface.encodeFunctionData("approve", [await fx.recourse.getAddress(), MONEY]),
      );
      const offerId = await offered(fx, fx.accounts.supplier1, fx.tokenId, PART, fx.receiverId, PRICE_B, true);
      const accept = fx.recourse.interface.encodeFunctionData("accept", [offerId, true, PRICE_B]);
      // During the split the hook passes the new certificate to supplier2, which bought nothing here.
      await buyer.setMode(ReceiverMode.Forward);
      await buyer.setForwardTo(fx.accounts.supplier2.address);
      await expect(buyer.execute(fx.recourse, accept)).to.be.revertedWithCustomError(
        fx.recourse,
        "RecourseCertificateChanged",
      );
      // The same buyer keeping what it bought: the sale is recorded.
      await buyer.setMode(ReceiverMode.Accept);
      await buyer.execute(fx.recourse, accept);
      expect((await fx.recourse.offerOf(offerId)).status).to.equal(OfferStatus.Accepted);
    });

    it("refuses a holder suspended since it offered", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await offered(fx, fx.accounts.supplier1, fx.tokenId, FACE, fx.ids.bankA, PRICE_A, true);
      await suspend(fx, fx.ids.supplier1);
      await expect(fx.recourse.connect(fx.accounts.bankA).accept(id, true, PRICE_A))
        .to.be.revertedWithCustomError(fx.registry, "MemberNotActive")
        .withArgs(fx.ids.supplier1, 2n);
    });

    it("refuses after the deadline, without the holder's approval, and twice", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await offered(fx, fx.accounts.supplier1, fx.tokenId, FACE, fx.ids.bankA, PRICE_A, true);
      const r = fx.recourse.connect(fx.accounts.bankA);
      await fx.certificates.connect(fx.accounts.supplier1).setApprovalForAll(fx.recourse, false);
      await expect(r.accept(id, true, PRICE_A))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseNotApproved")
        .withArgs(fx.tokenId);
      await fx.certificates.connect(fx.accounts.supplier1).setApprovalForAll(fx.recourse, true);
      await accepted(fx, fx.accounts.bankA, id);
      await expect(r.accept(id, true, PRICE_A))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseOfferWrongStatus")
        .withArgs(id, OfferStatus.Accepted);

      const late = await offered(fx, fx.accounts.bankA, fx.tokenId, PART, fx.ids.bankB, PRICE_B, true);
      const deadline = (await fx.recourse.offerOf(late)).deadline;
      await networkHelpers.time.increaseTo(deadline + 1n);
      await expect(fx.recourse.connect(fx.accounts.bankB).accept(late, true, PRICE_B))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseTooLate")
        .withArgs(deadline);
      await fx.recourse.connect(fx.accounts.supplier3).cancel(late);
      expect((await fx.recourse.offerOf(late)).status).to.equal(OfferStatus.Expired);
    });
  });

  describe("attacks on the exercise", () => {
    it("refuses before maturity plus the grace period, and while the receivable is not overdue", async () => {
      const { fx, token2 } = await chain();
      const r = fx.recourse.connect(fx.accounts.bankB);
      const notBefore = fx.maturity + BigInt(DAY);
      await expect(r.exercise(token2))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseTooEarly")
        .withArgs(notBefore);
      await networkHelpers.time.increaseTo(notBefore - 2n);
      await expect(r.exercise(token2))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseTooEarly")
        .withArgs(notBefore);
      await networkHelpers.time.increaseTo(notBefore);
      await expect(r.exercise(token2))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseReceivableNotDefaulted")
        .withArgs(fx.receivableId, Status.Active);
    });

    it("refuses an account that does not hold the certificate", async () => {
      const { fx, token2 } = await chain();
      await defaulted(fx);
      await expect(fx.recourse.connect(fx.accounts.bankA).exercise(token2))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseNotHolder")
        .withArgs(token2, fx.accounts.bankA.address);
    });

    it("refuses a sale made without recourse", async () => {
      const { fx, token2, sale2 } = await chain(true, false);
      await defaulted(fx);
      await expect(fx.recourse.connect(fx.accounts.bankB).exercise(token2))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseNotAgreed")
        .withArgs(sale2);
    });

    it("refuses a certificate acquired outside a recorded sale", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await split(fx, fx.accounts.supplier1, fx.tokenId, fx.accounts.bankC, PART);
      await defaulted(fx);
      await expect(fx.recourse.connect(fx.accounts.bankC).exercise(id))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseNoSale")
        .withArgs(id);
    });

    it("refuses a holder suspended or blacklisted since it bought", async () => {
      const { fx, token2, token1 } = await chain();
      await defaulted(fx);
      await blacklist(fx, fx.accounts.bankB.address);
      await expect(fx.recourse.connect(fx.accounts.bankB).exercise(token2))
        .to.be.revertedWithCustomError(fx.registry, "AccountNotActive")
        .withArgs(fx.accounts.bankB.address, 3n);
      // A fresh chain (governance needs bankB's vote, blacklisted above).
      const second = await chain();
      await defaulted(second.fx);
      await suspend(second.fx, second.fx.ids.bankA);
      await expect(second.fx.recourse.connect(second.fx.accounts.bankA).exercise(second.token1))
        .to.be.revertedWithCustomError(second.fx.registry, "MemberNotActive")
        .withArgs(second.fx.ids.bankA, 2n);
      expect(token1).to.equal(second.token1);
    });

    it("refuses a second exercise of the same holding", async () => {
      const { fx, token2 } = await chain();
      await defaulted(fx);
      const claimId = await exercised(fx, fx.accounts.bankB, token2);
      await expect(fx.recourse.connect(fx.accounts.bankB).exercise(token2))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseAlreadyExercised")
        .withArgs(token2, claimId);
    });

    it("refuses once the obligor paid: funded, then redeemed", async () => {
      const { fx, token2 } = await chain();
      await defaulted(fx);
      await fund(fx, fx.accounts.core, FACE);
      await fx.token.connect(fx.accounts.core).approve(fx.desk, FACE);
      await fx.desk.connect(fx.accounts.core).fund(fx.receivableId);
      await expect(fx.recourse.connect(fx.accounts.bankB).exercise(token2))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseReceivableNotDefaulted")
        .withArgs(fx.receivableId, Status.Funded);
      await fx.desk.connect(fx.accounts.bankB).redeem(token2);
      await expect(fx.recourse.connect(fx.accounts.bankB).exercise(token2))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseNotHolder")
        .withArgs(token2, fx.accounts.bankB.address);
    });
  });

  describe("attacks on the honour", () => {
    it("refuses a party other than the seller, and an unknown claim", async () => {
      const { fx, token2 } = await chain();
      await defaulted(fx);
      const claimId = await exercised(fx, fx.accounts.bankB, token2);
      await expect(fx.recourse.connect(fx.accounts.supplier1).honour(claimId))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseWrongParty")
        .withArgs(fx.accounts.supplier1.address, fx.ids.supplier1, fx.ids.bankA);
      await expect(fx.recourse.connect(fx.accounts.bankA).honour(claimId + 1n))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseClaimWrongStatus")
        .withArgs(claimId + 1n, ClaimStatus.None);
    });

    it("refuses a seller suspended since, and a claimant blacklisted since", async () => {
      const { fx, token2 } = await chain();
      await defaulted(fx);
      const claimId = await exercised(fx, fx.accounts.bankB, token2);
      await blacklist(fx, fx.accounts.bankB.address);
      await expect(fx.recourse.connect(fx.accounts.bankA).honour(claimId))
        .to.be.revertedWithCustomError(fx.registry, "AccountNotActive")
        .withArgs(fx.accounts.bankB.address, 3n);
      // A fresh chain (governance needs bankB's vote, blacklisted above).
      const second = await chain();
      await defaulted(second.fx);
      const secondClaim = await exercised(second.fx, second.fx.accounts.bankB, second.token2);
      await suspend(second.fx, second.fx.ids.bankA);
      await expect(second.fx.recourse.connect(second.fx.accounts.bankA).honour(secondClaim))
        .to.be.revertedWithCustomError(second.fx.registry, "MemberNotActive")
        .withArgs(second.fx.ids.bankA, 2n);
    });

    it("refuses once the obligor funded after the claim", async () => {
      const { fx, token2 } = await chain();
      await defaulted(fx);
      const claimId = await exercised(fx, fx.accounts.bankB, token2);
      await fund(fx, fx.accounts.core, FACE);
      await fx.token.connect(fx.accounts.core).approve(fx.desk, FACE);
      await fx.desk.connect(fx.accounts.core).fund(fx.receivableId);
      await expect(fx.recourse.connect(fx.accounts.bankA).honour(claimId))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseReceivableNotDefaulted")
        .withArgs(fx.receivableId, Status.Funded);
    });

    it("moves neither frozen value nor tokens: a freeze order on the certificate stops the return", async () => {
      const { fx, token2 } = await chain();
      await defaulted(fx);
      const claimId = await exercised(fx, fx.accounts.bankB, token2);
      await freeze(fx, token2, 1n);
      const before = await fx.token.balanceOf(fx.accounts.bankB);
      await expect(fx.recourse.connect(fx.accounts.bankA).honour(claimId)).to.be.revertedWithCustomError(
        fx.certificates,
        "AssetFrozen",
      );
      expect(await fx.certificates.ownerOf(token2)).to.equal(fx.accounts.bankB.address);
      expect(await fx.token.balanceOf(fx.accounts.bankB)).to.equal(before);
    });

    it("refuses a second honour; only the recourse contract returns a certificate, bound once", async () => {
      const { fx, token2 } = await chain();
      await defaulted(fx);
      const claimId = await exercised(fx, fx.accounts.bankB, token2);
      await fx.recourse.connect(fx.accounts.bankA).honour(claimId);
      await expect(fx.recourse.connect(fx.accounts.bankA).honour(claimId))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseClaimWrongStatus")
        .withArgs(claimId, ClaimStatus.Honoured);
      await expect(fx.certificates.connect(fx.accounts.bankA).returnOnRecourse(token2, fx.accounts.bankB))
        .to.be.revertedWithCustomError(fx.certificates, "CertificateOnlyRecourse")
        .withArgs(fx.accounts.bankA.address);
      await expect(fx.certificates.bindRecourse(fx.accounts.bankA))
        .to.be.revertedWithCustomError(fx.certificates, "CertificateRecourseBinding")
        .withArgs(fx.deployer.address, fx.accounts.bankA.address);
    });
  });

  describe("recourse down the lineage", () => {
    it("records the terms at the sale, delivers against the price and links each sale to the one below", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const supplierBefore = await fx.token.balanceOf(fx.accounts.supplier1);
      const first = await offered(fx, fx.accounts.supplier1, fx.tokenId, FACE, fx.ids.bankA, PRICE_A, true);
      const o = fx.recourse.connect(fx.accounts.bankA);
      await expect(o.accept(first, true, PRICE_A))
        .to.emit(fx.recourse, "RecourseSaleRecorded")
        .withArgs(1n, first, fx.tokenId, fx.receivableId, anyValue);
      const s1 = await fx.recourse.saleOf(1n);
      expect([s1.seller, s1.sellerMember, s1.buyer, s1.buyerMember]).to.deep.equal([
        fx.accounts.supplier1.address,
        BigInt(fx.ids.supplier1),
        fx.accounts.bankA.address,
        BigInt(fx.ids.bankA),
      ]);
      expect([s1.tokenId, s1.value, s1.price, s1.withRecourse, s1.prior]).to.deep.equal([
        fx.tokenId,
        FACE,
        PRICE_A,
        true,
        0n,
      ]);
      expect(await fx.token.balanceOf(fx.accounts.supplier1)).to.equal(supplierBefore + PRICE_A);
      expect(await fx.certificates.ownerOf(fx.tokenId)).to.equal(fx.accounts.bankA.address);
      expect(await fx.recourse.holdingOf(fx.tokenId)).to.equal(1n);
      const second = await offered(fx, fx.accounts.bankA, fx.tokenId, PART, fx.ids.bankB, PRICE_B, true);
      const [sale2, token2] = await accepted(fx, fx.accounts.bankB, second);
      const s2 = await fx.recourse.saleOf(sale2);
      expect([s2.prior, s2.tokenId, s2.value, s2.withRecourse]).to.deep.equal([1n, token2, PART, true]);
      const lineage = await fx.recourse.recourseChain(token2, 8);
      expect(lineage.map((s) => s.sellerMember)).to.deep.equal([BigInt(fx.ids.bankA), BigInt(fx.ids.supplier1)]);
    });

    it("walks an unpaid certificate back to the supplier that financed it, each step DvP", async () => {
      const { fx, sale1, token1, sale2, token2 } = await chain();
      await defaulted(fx);
      const balance = async (s: HardhatEthersSigner) => fx.token.balanceOf(s);
      const [a0, b0, s0] = [
        await balance(fx.accounts.bankA),
        await balance(fx.accounts.bankB),
        await balance(fx.accounts.supplier1),
      ];

      // bankB claims its 400,000 from bankA, which pays and takes the certificate back.
      const r = fx.recourse;
      await expect(r.connect(fx.accounts.bankB).exercise(token2))
        .to.emit(r, "RecourseExercised")
        .withArgs(1n, sale2, token2, fx.receivableId, fx.accounts.bankB.address, fx.ids.bankB, fx.ids.bankA, PART);
      await expect(r.connect(fx.accounts.bankA).honour(1n))
        .to.emit(r, "RecourseHonoured")
        .withArgs(
          1n,
          sale2,
          token2,
          fx.receivableId,
          fx.accounts.bankA.address,
          fx.ids.bankA,
          fx.accounts.bankB.address,
          fx.ids.bankB,
          PART,
          sale1,
        );
      expect(await fx.certificates.ownerOf(token2)).to.equal(fx.accounts.bankA.address);
      expect(await balance(fx.accounts.bankB)).to.equal(b0 + PART);
      expect(await r.holdingOf(token2)).to.equal(sale1);

      // bankA, holding both parts by its purchase from supplier1, claims both from supplier1.
      const c2 = await exercised(fx, fx.accounts.bankA, token2);
      const c1 = await exercised(fx, fx.accounts.bankA, token1);
      expect((await r.saleOf(sale1)).claimedValue).to.equal(FACE);
      await r.connect(fx.accounts.supplier1).honour(c2);
      await r.connect(fx.accounts.supplier1).honour(c1);
      expect(await fx.certificates.ownerOf(token1)).to.equal(fx.accounts.supplier1.address);
      expect(await fx.certificates.ownerOf(token2)).to.equal(fx.accounts.supplier1.address);
      expect(await balance(fx.accounts.bankA)).to.equal(a0 - PART + FACE);
      expect(await balance(fx.accounts.supplier1)).to.equal(s0 - FACE);

      // The supplier bought nothing: the chain ends with it, and its claim on the obligor stands.
      await expect(r.connect(fx.accounts.supplier1).exercise(token1))
        .to.be.revertedWithCustomError(r, "RecourseNoSale")
        .withArgs(token1);
      expect((await fx.desk.receivable(fx.receivableId)).status).to.equal(Status.Overdue);
    });

    it("stops at a sale without recourse below the claimant", async () => {
      const { fx, sale1, token2 } = await chain(false, true);
      await defaulted(fx);
      const claimId = await exercised(fx, fx.accounts.bankB, token2);
      await fx.recourse.connect(fx.accounts.bankA).honour(claimId);
      await expect(fx.recourse.connect(fx.accounts.bankA).exercise(token2))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseNotAgreed")
        .withArgs(sale1);
    });
  });
});

/** Governance takes `role` from member `memberId` (its other roles stay). */
async function dropRole(fx: Fx, memberId: number, role: bigint): Promise<void> {
  const [, , roles] = await fx.registry.memberProfile(memberId);
  await passProposal(fx, fx.registry, fx.registry.interface.encodeFunctionData("setRoles", [memberId, roles & ~role]));
}

const FINANCIER = roleSet("FINANCIER");
const HOLDER = roleSet("RECEIVABLE_HOLDER");
/** The roles that may hold certificates (RECEIVABLE_HOLDER | FINANCIER | SYSTEM), as the registry names them. */
const HOLDER_ROLES = anyValue;

describe("RecourseClaims: rules the review found untested", () => {
  describe("standing of both parties between offer and acceptance", () => {
    for (const [label, act, error, args] of [
      [
        "the buying bank suspended",
        (fx: Fx) => suspend(fx, fx.ids.bankA),
        "MemberNotActive",
        (fx: Fx) => [fx.ids.bankA, 2n],
      ],
      [
        "the buying bank's account blacklisted",
        (fx: Fx) => blacklist(fx, fx.accounts.bankA.address),
        "AccountNotActive",
        (fx: Fx) => [fx.accounts.bankA.address, 3n],
      ],
      [
        "the buying bank's FINANCIER role taken",
        (fx: Fx) => dropRole(fx, fx.ids.bankA, FINANCIER),
        "MissingRole",
        (fx: Fx) => [fx.ids.bankA, FINANCIER],
      ],
      [
        "the seller's account blacklisted",
        (fx: Fx) => blacklist(fx, fx.accounts.supplier1.address),
        "AccountNotActive",
        (fx: Fx) => [fx.accounts.supplier1.address, 3n],
      ],
      [
        "the seller's holder role taken",
        (fx: Fx) => dropRole(fx, fx.ids.supplier1, HOLDER),
        "MissingRole",
        (fx: Fx) => [fx.ids.supplier1, HOLDER_ROLES],
      ],
    ] as const) {
      it(`refuses the acceptance with ${label}; nothing moves`, async () => {
        const fx = await networkHelpers.loadFixture(deployed);
        const id = await offered(fx, fx.accounts.supplier1, fx.tokenId, FACE, fx.ids.bankA, PRICE_A, true);
        await act(fx);
        const before = await fx.token.balanceOf(fx.accounts.supplier1);
        await expect(fx.recourse.connect(fx.accounts.bankA).accept(id, true, PRICE_A))
          .to.be.revertedWithCustomError(fx.registry, error)
          .withArgs(...args(fx));
        expect(await fx.certificates.ownerOf(fx.tokenId)).to.equal(fx.accounts.supplier1.address);
        expect(await fx.token.balanceOf(fx.accounts.supplier1)).to.equal(before);
        expect((await fx.recourse.offerOf(id)).status).to.equal(OfferStatus.Pending);
      });
    }
  });

  describe("standing at exercise and at honour", () => {
    it("refuses an exercise by a holder whose holder roles were taken", async () => {
      const { fx, token2 } = await chain();
      await defaulted(fx);
      await dropRole(fx, fx.ids.bankB, FINANCIER);
      await expect(fx.recourse.connect(fx.accounts.bankB).exercise(token2))
        .to.be.revertedWithCustomError(fx.registry, "MissingRole")
        .withArgs(fx.ids.bankB, HOLDER_ROLES);
    });

    it("records a claim on a suspended seller (its debt stands) but refuses its honour while suspended", async () => {
      const { fx, token2 } = await chain();
      await defaulted(fx);
      await suspend(fx, fx.ids.bankA);
      const claimId = await exercised(fx, fx.accounts.bankB, token2);
      expect((await fx.recourse.claimOf(claimId)).status).to.equal(ClaimStatus.Exercised);
      await expect(fx.recourse.connect(fx.accounts.bankA).honour(claimId))
        .to.be.revertedWithCustomError(fx.registry, "MemberNotActive")
        .withArgs(fx.ids.bankA, 2n);
    });

    it("refuses an honour by a seller blacklisted or stripped of its roles since the claim", async () => {
      const { fx, token2 } = await chain();
      await defaulted(fx);
      const claimId = await exercised(fx, fx.accounts.bankB, token2);
      await dropRole(fx, fx.ids.bankA, FINANCIER);
      await expect(fx.recourse.connect(fx.accounts.bankA).honour(claimId))
        .to.be.revertedWithCustomError(fx.registry, "MissingRole")
        .withArgs(fx.ids.bankA, HOLDER_ROLES);

      const second = await chain();
      await defaulted(second.fx);
      const secondClaim = await exercised(second.fx, second.fx.accounts.bankB, second.token2);
      await blacklist(second.fx, second.fx.accounts.bankA.address);
      await expect(second.fx.recourse.connect(second.fx.accounts.bankA).honour(secondClaim))
        .to.be.revertedWithCustomError(second.fx.registry, "AccountNotActive")
        .withArgs(second.fx.accounts.bankA.address, 3n);
    });

    it("refuses an honour to a claimant that may no longer hold certificates", async () => {
      const { fx, token2 } = await chain();
      await defaulted(fx);
      const claimId = await exercised(fx, fx.accounts.bankB, token2);
      await dropRole(fx, fx.ids.bankB, FINANCIER);
      await expect(fx.recourse.connect(fx.accounts.bankA).honour(claimId))
        .to.be.revertedWithCustomError(fx.registry, "MissingRole")
        .withArgs(fx.ids.bankB, HOLDER_ROLES);
    });
  });

  describe("cancel", () => {
    it("before the deadline only the offeror or the owner cancels; no acceptance after", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await offered(fx, fx.accounts.supplier1, fx.tokenId, FACE, fx.ids.bankA, PRICE_A, true);
      for (const stranger of [fx.accounts.bankA, fx.accounts.supplier2]) {
        await expect(fx.recourse.connect(stranger).cancel(id))
          .to.be.revertedWithCustomError(fx.recourse, "RecourseNotHolder")
          .withArgs(fx.tokenId, stranger.address);
      }
      await expect(fx.recourse.connect(fx.accounts.supplier1).cancel(id))
        .to.emit(fx.recourse, "RecourseOfferClosed")
        .withArgs(id, OfferStatus.Cancelled);
      await expect(fx.recourse.connect(fx.accounts.bankA).accept(id, true, PRICE_A))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseOfferWrongStatus")
        .withArgs(id, OfferStatus.Cancelled);
      await expect(fx.recourse.connect(fx.accounts.supplier1).cancel(id))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseOfferWrongStatus")
        .withArgs(id, OfferStatus.Cancelled);
    });

    it("the owner cancels an offer its operator made", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await fx.certificates.connect(fx.accounts.supplier1).setApprovalForAll(fx.accounts.supplier2, true);
      const id = await offered(fx, fx.accounts.supplier2, fx.tokenId, FACE, fx.ids.bankA, PRICE_A, true);
      expect((await fx.recourse.offerOf(id)).offeror).to.equal(fx.accounts.supplier2.address);
      await fx.recourse.connect(fx.accounts.supplier1).cancel(id);
      expect((await fx.recourse.offerOf(id)).status).to.equal(OfferStatus.Cancelled);
    });

    it("after the deadline any member closes it as expired, an outsider cannot, and the bank cannot accept", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await offered(fx, fx.accounts.supplier1, fx.tokenId, FACE, fx.ids.bankA, PRICE_A, true);
      await networkHelpers.time.increaseTo((await fx.recourse.offerOf(id)).deadline + 1n);
      const [outsider] = fx.outsiders;
      await expect(fx.recourse.connect(outsider).cancel(id))
        .to.be.revertedWithCustomError(fx.registry, "UnknownAccount")
        .withArgs(outsider.address);
      await expect(fx.recourse.connect(fx.accounts.supplier3).cancel(id))
        .to.emit(fx.recourse, "RecourseOfferClosed")
        .withArgs(id, OfferStatus.Expired);
      await expect(fx.recourse.connect(fx.accounts.bankA).accept(id, true, PRICE_A))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseOfferWrongStatus")
        .withArgs(id, OfferStatus.Expired);
    });
  });

  describe("pledged certificates", () => {
    async function pledge(fx: Fx, holder: HardhatEthersSigner, tokenId: bigint, value: bigint): Promise<bigint> {
      const due = (await fx.now()) + 2 * DAY;
      const d = fx.desk.connect(holder);
      const id = await d.pledge.staticCall(tokenId, value, fx.ids.bankC, due);
      await d.pledge(tokenId, value, fx.ids.bankC, due);
      return id;
    }

    it("refuses to offer a certificate with pledged value", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await pledge(fx, fx.accounts.supplier1, fx.tokenId, 1n);
      const deadline = (await fx.now()) + DAY;
      await expect(
        fx.recourse.connect(fx.accounts.supplier1).offer(fx.tokenId, PART, fx.ids.bankA, PRICE_B, true, deadline),
      )
        .to.be.revertedWithCustomError(fx.recourse, "RecourseInvalidTerms")
        .withArgs(encodeField("locked"));
    });

    it("refuses to accept a certificate pledged since the offer, and accepts once released", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await offered(fx, fx.accounts.supplier1, fx.tokenId, PART, fx.ids.bankA, PRICE_B, true);
      const pledgeId = await pledge(fx, fx.accounts.supplier1, fx.tokenId, 1n);
      await expect(fx.recourse.connect(fx.accounts.bankA).accept(id, true, PRICE_B))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseCertificateChanged")
        .withArgs(fx.tokenId);
      await fx.desk.connect(fx.accounts.bankC).releasePledge(pledgeId);
      await accepted(fx, fx.accounts.bankA, id);
    });

    it("refuses to exercise a certificate whose value is pledged, and exercises once released", async () => {
      const { fx, token2 } = await chain();
      const pledgeId = await pledge(fx, fx.accounts.bankB, token2, 1n);
      await defaulted(fx);
      await expect(fx.recourse.connect(fx.accounts.bankB).exercise(token2))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseCertificateChanged")
        .withArgs(token2);
      await fx.desk.connect(fx.accounts.bankC).releasePledge(pledgeId);
      await exercised(fx, fx.accounts.bankB, token2);
    });
  });

  describe("the certificate as offered", () => {
    it("refuses when the offering operator's approval was revoked before acceptance", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const owner = fx.certificates.connect(fx.accounts.supplier1);
      await owner.setApprovalForAll(fx.accounts.supplier2, true);
      const id = await offered(fx, fx.accounts.supplier2, fx.tokenId, FACE, fx.ids.bankA, PRICE_A, true);
      await owner.setApprovalForAll(fx.accounts.supplier2, false);
      await expect(fx.recourse.connect(fx.accounts.bankA).accept(id, true, PRICE_A))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseNotHolder")
        .withArgs(fx.tokenId, fx.accounts.supplier2.address);
      await owner.setApprovalForAll(fx.accounts.supplier2, true);
      await accepted(fx, fx.accounts.bankA, id);
      // The price goes to the owner, not to its operator.
      expect((await fx.recourse.saleOf(1n)).seller).to.equal(fx.accounts.supplier1.address);
    });

    it("refuses when the owner changed and changed back (the epoch moved)", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await offered(fx, fx.accounts.supplier1, fx.tokenId, FACE, fx.ids.bankA, PRICE_A, true);
      const s1 = fx.accounts.supplier1.address;
      const s2 = fx.accounts.supplier2.address;
      const whole = "transferFrom(address,address,uint256)";
      await fx.certificates.connect(fx.accounts.supplier1)[whole](s1, s2, fx.tokenId);
      await fx.certificates.connect(fx.accounts.supplier2)[whole](s2, s1, fx.tokenId);
      expect(await fx.certificates.ownerOf(fx.tokenId)).to.equal(s1);
      await expect(fx.recourse.connect(fx.accounts.bankA).accept(id, true, PRICE_A))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseCertificateChanged")
        .withArgs(fx.tokenId);
    });

    it("refuses when value was merged into the certificate since the offer", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const other = await split(fx, fx.accounts.supplier1, fx.tokenId, fx.accounts.supplier2, PART);
      const id = await offered(fx, fx.accounts.supplier1, fx.tokenId, FACE - PART, fx.ids.bankA, PRICE_B, true);
      await fx.certificates
        .connect(fx.accounts.supplier2)
        ["transferFrom(uint256,uint256,uint256)"](other, fx.tokenId, 1n);
      await expect(fx.recourse.connect(fx.accounts.bankA).accept(id, true, PRICE_B))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseCertificateChanged")
        .withArgs(fx.tokenId);
    });

    it("value split out and merged back leaves the bank exactly what it priced (same owner, epoch, value)", async () => {
      // Documented limit: the certificate has no value nonce, so an A-B-A of value is not seen; value is fungible
      // within a receivable and the offer's owner, epoch, value, lock and freeze are all as offered.
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await offered(fx, fx.accounts.supplier1, fx.tokenId, PART, fx.ids.bankA, PRICE_B, true);
      const out = await split(fx, fx.accounts.supplier1, fx.tokenId, fx.accounts.supplier2, 1n);
      await fx.certificates
        .connect(fx.accounts.supplier2)
        ["transferFrom(uint256,uint256,uint256)"](out, fx.tokenId, 1n);
      const [saleId, bought] = await accepted(fx, fx.accounts.bankA, id);
      expect(await fx.certificates["balanceOf(uint256)"](bought)).to.equal(PART);
      expect((await fx.recourse.saleOf(saleId)).value).to.equal(PART);
    });
  });

  describe("the claim", () => {
    it("a seller cannot escape recourse by merging value into the buyer's certificate: the claim is capped at the sale", async () => {
      const { fx, token1, sale2, token2 } = await chain();
      // Before maturity bankA pushes one unit of its own certificate into the one it sold bankB with recourse.
      await fx.certificates.connect(fx.accounts.bankA)["transferFrom(uint256,uint256,uint256)"](token1, token2, 1n);
      expect(await fx.certificates["balanceOf(uint256)"](token2)).to.equal(PART + 1n);
      await defaulted(fx);
      await expect(fx.recourse.connect(fx.accounts.bankB).exercise(token2))
        .to.emit(fx.recourse, "RecourseExercised")
        .withArgs(1n, sale2, token2, fx.receivableId, fx.accounts.bankB.address, fx.ids.bankB, fx.ids.bankA, PART);
      expect((await fx.recourse.claimOf(1n)).value).to.equal(PART);
      expect((await fx.recourse.saleOf(sale2)).claimedValue).to.equal(PART);
      const b0 = await fx.token.balanceOf(fx.accounts.bankB);
      await expect(fx.recourse.connect(fx.accounts.bankA).honour(1n))
        .to.emit(fx.recourse, "RecourseHonoured")
        .withArgs(1n, sale2, token2, fx.receivableId, anyValue, anyValue, anyValue, anyValue, PART, anyValue);
      // bankB is paid what it bought; bankA takes back the certificate with its own unit.
      expect(await fx.token.balanceOf(fx.accounts.bankB)).to.equal(b0 + PART);
      expect(await fx.certificates.ownerOf(token2)).to.equal(fx.accounts.bankA.address);
    });

    it("refuses a claim beyond what the sale sold, across the certificates it became", async () => {
      // bankB sells SUB of token2 on to bankC with recourse; bankA tops token2 back up to PART; after the default
      // bankC claims on bankB, which takes token3 back and holds it by sale2 again.
      const { fx, sale2, token2, token3 } = await soldOnAndHonoured();
      expect(await fx.recourse.holdingOf(token3)).to.equal(sale2);
      // token2 (PART again) takes all of sale2; token3 finds nothing left to claim.
      await exercised(fx, fx.accounts.bankB, token2);
      expect((await fx.recourse.saleOf(sale2)).claimedValue).to.equal(PART);
      await expect(fx.recourse.connect(fx.accounts.bankB).exercise(token3))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseInvalidTerms")
        .withArgs(encodeField("value"));
    });

    it("refuses an exercise on a certificate the paying bank paid off chain, and an honour of a claim paid since (RecourseCertificateChanged)", async () => {
      const { fx, token1, token2 } = await chain();
      await defaulted(fx);
      const claimId = await exercised(fx, fx.accounts.bankB, token2);
      await fx.desk.connect(fx.accounts.core).setPayingBank(fx.ids.bankC);
      const ref = keccak256(toUtf8Bytes("wire"));
      await fx.desk.connect(fx.accounts.bankC).payOffChain(token2, ref);
      const a0 = await fx.token.balanceOf(fx.accounts.bankA);
      await expect(fx.recourse.connect(fx.accounts.bankA).honour(claimId))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseCertificateChanged")
        .withArgs(token2);
      expect(await fx.token.balanceOf(fx.accounts.bankA)).to.equal(a0);
      // The receivable is still overdue for the rest, but a certificate paid off chain is no claim.
      await fx.desk.connect(fx.accounts.bankC).payOffChain(token1, keccak256(toUtf8Bytes("wire 2")));
      await expect(fx.recourse.connect(fx.accounts.bankA).exercise(token1))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseNotHolder")
        .withArgs(token1, fx.accounts.bankA.address);
    });
  });

  describe("the guarantee called path", () => {
    it("recourse while the guarantee is called, and none once the guarantor paid", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await fx.desk.connect(fx.accounts.core).requestGuarantee(fx.receivableId, fx.ids.bankC);
      await fx.desk.connect(fx.accounts.bankC).guarantee(fx.receivableId);
      const first = await offered(fx, fx.accounts.supplier1, fx.tokenId, FACE, fx.ids.bankA, PRICE_A, true);
      const [, token1] = await accepted(fx, fx.accounts.bankA, first);
      const second = await offered(fx, fx.accounts.bankA, token1, PART, fx.ids.bankB, PRICE_B, true);
      const [, token2] = await accepted(fx, fx.accounts.bankB, second);
      await defaulted(fx);
      await fx.desk.connect(fx.accounts.bankB).callGuarantee(token2);
      expect((await fx.desk.receivable(fx.receivableId)).status).to.equal(Status.GuaranteeCalled);
      // bankB claims on bankA, which pays and takes the certificate back (it can still claim on the guarantor).
      const c2 = await exercised(fx, fx.accounts.bankB, token2);
      await fx.recourse.connect(fx.accounts.bankA).honour(c2);
      expect(await fx.certificates.ownerOf(token2)).to.equal(fx.accounts.bankA.address);
      // bankA claims on supplier1; then the guarantor pays: the claim cannot be honoured, nor another exercised.
      const c1 = await exercised(fx, fx.accounts.bankA, token1);
      await fx.token.connect(fx.accounts.bankC).approve(fx.desk, FACE);
      await fx.desk.connect(fx.accounts.bankC).honourGuarantee(fx.receivableId);
      await expect(fx.recourse.connect(fx.accounts.supplier1).honour(c1))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseReceivableNotDefaulted")
        .withArgs(fx.receivableId, Status.Funded);
      await expect(fx.recourse.connect(fx.accounts.bankA).exercise(token2))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseReceivableNotDefaulted")
        .withArgs(fx.receivableId, Status.Funded);
    });
  });

  describe("pause", () => {
    it("every entry point refuses while paused", async () => {
      const { fx, token1, token2 } = await chain();
      const pending = await offered(fx, fx.accounts.bankA, token1, PART, fx.ids.bankC, PRICE_B, true);
      const pause = fx.recourse.interface.encodeFunctionData("pause");
      const unpause = fx.recourse.interface.encodeFunctionData("unpause");
      await passProposal(fx, fx.recourse, pause);
      const deadline = (await fx.now()) + DAY;
      const a = fx.recourse.connect(fx.accounts.bankA);
      for (const call of [
        () => a.offer(token1, PART, fx.ids.bankC, PRICE_B, true, deadline),
        () => a.cancel(pending),
        () => fx.recourse.connect(fx.accounts.bankC).accept(pending, true, PRICE_B),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(fx.recourse, "EnforcedPause");
      }
      await passProposal(fx, fx.recourse, unpause);
      await defaulted(fx);
      const claimId = await exercised(fx, fx.accounts.bankB, token2);
      await passProposal(fx, fx.recourse, pause);
      await expect(a.exercise(token1)).to.be.revertedWithCustomError(fx.recourse, "EnforcedPause");
      await expect(a.honour(claimId)).to.be.revertedWithCustomError(fx.recourse, "EnforcedPause");
      await passProposal(fx, fx.recourse, unpause);
      await a.honour(claimId);
    });
  });
});

/** The obligor funds the whole outstanding value into the desk's escrow (late, after the default). */
async function obligorFunds(fx: Fx): Promise<void> {
  await fund(fx, fx.accounts.core, FACE);
  await fx.token.connect(fx.accounts.core).approve(fx.desk, FACE);
  await fx.desk.connect(fx.accounts.core).fund(fx.receivableId);
}

/** The obligor's paying bank (bankC) records an off-chain payment of `tokenId`; the certificate is burned. */
async function paidOffChain(fx: Fx, tokenId: bigint, wire = "wire"): Promise<void> {
  if (Number(await fx.desk.payingBankOf(fx.ids.core)) !== fx.ids.bankC) {
    await fx.desk.connect(fx.accounts.core).setPayingBank(fx.ids.bankC);
  }
  await fx.desk.connect(fx.accounts.bankC).payOffChain(tokenId, keccak256(toUtf8Bytes(wire)));
}

describe("RecourseClaims: discharge of a claim the obligor's side paid since", () => {
  describe("attacks", () => {
    it("refuses while the claim is still due: certificate held by the claimant, receivable overdue", async () => {
      const { fx, sale2, token2 } = await chain();
      await defaulted(fx);
      const claimId = await exercised(fx, fx.accounts.bankB, token2);
      for (const caller of [fx.accounts.bankA, fx.accounts.bankB, fx.accounts.supplier3]) {
        await expect(fx.recourse.connect(caller).discharge(claimId))
          .to.be.revertedWithCustomError(fx.recourse, "RecourseClaimStillDue")
          .withArgs(claimId, fx.receivableId, Status.Overdue);
      }
      expect((await fx.recourse.claimOf(claimId)).status).to.equal(ClaimStatus.Exercised);
      expect((await fx.recourse.saleOf(sale2)).claimedValue).to.equal(PART);
    });

    it("refuses with the guarantee called and unpaid; discharges once the guarantor paid", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await fx.desk.connect(fx.accounts.core).requestGuarantee(fx.receivableId, fx.ids.bankC);
      await fx.desk.connect(fx.accounts.bankC).guarantee(fx.receivableId);
      const first = await offered(fx, fx.accounts.supplier1, fx.tokenId, FACE, fx.ids.bankA, PRICE_A, true);
      const [sale1, token1] = await accepted(fx, fx.accounts.bankA, first);
      await defaulted(fx);
      await fx.desk.connect(fx.accounts.bankA).callGuarantee(token1);
      const claimId = await exercised(fx, fx.accounts.bankA, token1);
      await expect(fx.recourse.connect(fx.accounts.supplier3).discharge(claimId))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseClaimStillDue")
        .withArgs(claimId, fx.receivableId, Status.GuaranteeCalled);
      await fx.token.connect(fx.accounts.bankC).approve(fx.desk, FACE);
      await fx.desk.connect(fx.accounts.bankC).honourGuarantee(fx.receivableId);
      await expect(fx.recourse.connect(fx.accounts.supplier3).discharge(claimId))
        .to.emit(fx.recourse, "RecourseDischarged")
        .withArgs(claimId, sale1, token1, fx.receivableId, fx.accounts.supplier3.address, FACE, false, Status.Funded);
      expect((await fx.recourse.saleOf(sale1)).claimedValue).to.equal(0n);
    });

    it("refuses an account of no member and one of a member suspended since", async () => {
      const { fx, token2 } = await chain();
      await defaulted(fx);
      const claimId = await exercised(fx, fx.accounts.bankB, token2);
      await obligorFunds(fx);
      const [outsider] = fx.outsiders;
      await expect(fx.recourse.connect(outsider).discharge(claimId))
        .to.be.revertedWithCustomError(fx.registry, "UnknownAccount")
        .withArgs(outsider.address);
      await suspend(fx, fx.ids.supplier3);
      await expect(fx.recourse.connect(fx.accounts.supplier3).discharge(claimId))
        .to.be.revertedWithCustomError(fx.registry, "MemberNotActive")
        .withArgs(fx.ids.supplier3, 2n);
      expect((await fx.recourse.claimOf(claimId)).status).to.equal(ClaimStatus.Exercised);
    });

    it("refuses a claim honoured, one discharged already and an unknown claim; an honour of a discharged claim", async () => {
      const { fx, token1, token2 } = await chain();
      await defaulted(fx);
      const c2 = await exercised(fx, fx.accounts.bankB, token2);
      await fx.recourse.connect(fx.accounts.bankA).honour(c2);
      const c1 = await exercised(fx, fx.accounts.bankA, token1);
      await obligorFunds(fx);
      // The honoured claim stays honoured (the seller paid it and now redeems the certificate it took back).
      await expect(fx.recourse.connect(fx.accounts.bankA).discharge(c2))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseClaimWrongStatus")
        .withArgs(c2, ClaimStatus.Honoured);
      await fx.recourse.connect(fx.accounts.bankA).discharge(c1);
      await expect(fx.recourse.connect(fx.accounts.bankA).discharge(c1))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseClaimWrongStatus")
        .withArgs(c1, ClaimStatus.Discharged);
      await expect(fx.recourse.connect(fx.accounts.supplier1).honour(c1))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseClaimWrongStatus")
        .withArgs(c1, ClaimStatus.Discharged);
      await expect(fx.recourse.connect(fx.accounts.bankA).discharge(c1 + 1n))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseClaimWrongStatus")
        .withArgs(c1 + 1n, ClaimStatus.None);
    });

    it("refuses while paused, and discharges once unpaused", async () => {
      const { fx, token2 } = await chain();
      await defaulted(fx);
      const claimId = await exercised(fx, fx.accounts.bankB, token2);
      await obligorFunds(fx);
      await passProposal(fx, fx.recourse, fx.recourse.interface.encodeFunctionData("pause"));
      await expect(fx.recourse.connect(fx.accounts.bankB).discharge(claimId)).to.be.revertedWithCustomError(
        fx.recourse,
        "EnforcedPause",
      );
      await passProposal(fx, fx.recourse, fx.recourse.interface.encodeFunctionData("unpause"));
      await fx.recourse.connect(fx.accounts.bankB).discharge(claimId);
      expect((await fx.recourse.claimOf(claimId)).status).to.equal(ClaimStatus.Discharged);
    });
  });

  describe("the claim lapses when the obligor's side pays", () => {
    it("paid off chain by the paying bank (receivable still overdue for the rest): any member discharges it, the value is released", async () => {
      const { fx, sale2, token2 } = await chain();
      await defaulted(fx);
      const claimId = await exercised(fx, fx.accounts.bankB, token2);
      await paidOffChain(fx, token2);
      expect((await fx.desk.receivable(fx.receivableId)).status).to.equal(Status.Overdue);
      const a0 = await fx.token.balanceOf(fx.accounts.bankA);
      await expect(fx.recourse.connect(fx.accounts.supplier3).discharge(claimId))
        .to.emit(fx.recourse, "RecourseDischarged")
        .withArgs(claimId, sale2, token2, fx.receivableId, fx.accounts.supplier3.address, PART, true, Status.Overdue);
      expect((await fx.recourse.claimOf(claimId)).status).to.equal(ClaimStatus.Discharged);
      expect((await fx.recourse.saleOf(sale2)).claimedValue).to.equal(0n);
      expect(await fx.token.balanceOf(fx.accounts.bankA)).to.equal(a0);
    });

    it("funded late by the obligor: discharged before or after the holder redeems", async () => {
      const { fx, sale1, token1, sale2, token2 } = await chain();
      await defaulted(fx);
      const c2 = await exercised(fx, fx.accounts.bankB, token2);
      const c1 = await exercised(fx, fx.accounts.bankA, token1);
      expect((await fx.recourse.saleOf(sale1)).claimedValue).to.equal(FACE - PART);
      await obligorFunds(fx);
      await expect(fx.recourse.connect(fx.accounts.bankB).discharge(c2))
        .to.emit(fx.recourse, "RecourseDischarged")
        .withArgs(c2, sale2, token2, fx.receivableId, fx.accounts.bankB.address, PART, false, Status.Funded);
      await fx.desk.connect(fx.accounts.bankA).redeem(token1);
      await fx.desk.connect(fx.accounts.bankB).redeem(token2);
      expect((await fx.desk.receivable(fx.receivableId)).status).to.equal(Status.Settled);
      await expect(fx.recourse.connect(fx.accounts.supplier1).discharge(c1))
        .to.emit(fx.recourse, "RecourseDischarged")
        .withArgs(c1, sale1, token1, fx.receivableId, fx.accounts.supplier1.address, FACE - PART, true, Status.Settled);
      expect((await fx.recourse.saleOf(sale1)).claimedValue).to.equal(0n);
      expect((await fx.recourse.saleOf(sale2)).claimedValue).to.equal(0n);
    });

    it("released value may be claimed by another certificate of the same sale still unpaid", async () => {
      // As in "refuses a claim beyond what the sale sold": token2 (PART again after a merge) takes all of sale2.
      const { fx, sale2, token2, token3 } = await soldOnAndHonoured();
      const c2 = await exercised(fx, fx.accounts.bankB, token2);
      await expect(fx.recourse.connect(fx.accounts.bankB).exercise(token3))
        .to.be.revertedWithCustomError(fx.recourse, "RecourseInvalidTerms")
        .withArgs(encodeField("value"));
      // token2 is paid off chain: its claim lapses, and token3, still unpaid, is what bankA sold and answers for.
      await paidOffChain(fx, token2);
      await fx.recourse.connect(fx.accounts.bankC).discharge(c2);
      await expect(fx.recourse.connect(fx.accounts.bankB).exercise(token3))
        .to.emit(fx.recourse, "RecourseExercised")
        .withArgs(anyValue, sale2, token3, fx.receivableId, fx.accounts.bankB.address, fx.ids.bankB, fx.ids.bankA, SUB);
      expect((await fx.recourse.saleOf(sale2)).claimedValue).to.equal(SUB);
    });
  });
});

function encodeField(field: string): string {
  return `0x${Buffer.from(field, "utf8").toString("hex").padEnd(64, "0")}`;
}
