import { expect } from "chai";
import { anyUint, anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { ZeroAddress, keccak256, toUtf8Bytes, type ContractTransactionResponse } from "ethers";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { IFinancingRequests } from "@consortia/sdk/typechain";
import { fund, passProposal } from "../helpers/consortium.js";
import { AccessLevel } from "../helpers/suite.js";
import { DAY, confirmed, deployReceivables, split, type Receivables } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

/** IFinancingRequests enums. */
const RequestStatus = { None: 0n, Open: 1n, Accepted: 2n, Cancelled: 3n } as const;
const QuoteStatus = { None: 0n, Committed: 1n, Quoted: 2n, Accepted: 3n, Withdrawn: 4n } as const;
const DayCount = { None: 0, Act360: 1, Act365: 2 } as const;
/** IAuthorityAttestations.Application.ReceivableFinancing and the InvoiceGenuine policy bit. */
const RECEIVABLE_FINANCING = 1;
const REQUIRES_INVOICE = 1n << 1n;

const VALUE = 400_000n;
const FACE = 1_000_000n;

interface Fx extends Receivables {
  tokenId: bigint;
  maturity: bigint;
}

type Terms = IFinancingRequests.QuoteTermsStruct;

async function deployed(): Promise<Fx> {
  const fx = await deployReceivables(connection);
  const { rootTokenId, maturity } = await confirmed(fx);
  for (const bank of [fx.accounts.bankA, fx.accounts.bankB, fx.accounts.bankC]) {
    await fund(fx, bank, 2_000_000n);
    await fx.token.connect(bank).approve(fx.financing, 2_000_000n);
  }
  // The holder lets the financing contract move the certificate at acceptance.
  await fx.certificates.connect(fx.accounts.supplier1)["approve(address,uint256)"](fx.financing, rootTokenId);
  return { ...fx, tokenId: rootTokenId, maturity };
}

async function terms(fx: Fx, overrides: Partial<Terms> = {}): Promise<Terms> {
  return { rateBps: 360, dayCount: DayCount.Act360, fee: 1_000n, validUntil: (await fx.now()) + 5 * DAY, ...overrides };
}

/** supplier1 asks bankA and bankB (open quotes until 3 days from now) for `value` of its certificate. */
async function requested(fx: Fx, value = VALUE, sealedQuotes = false): Promise<bigint> {
  const now = await fx.now();
  const f = fx.financing.connect(fx.accounts.supplier1);
  const args = [
    fx.tokenId,
    value,
    [fx.ids.bankA, fx.ids.bankB],
    sealedQuotes,
    now + 3 * DAY,
    sealedQuotes ? now + 4 * DAY : 0,
  ] as [bigint, bigint, number[], boolean, number, number];
  const id = await f.request.staticCall(...args);
  await f.request(...args);
  return id;
}

/** An open request with quotes from bankA (3.60 % ACT/360, fee 1,000) and bankB (3.50 % ACT/365, fee 2,000). */
async function quoted(value = VALUE): Promise<{ fx: Fx; requestId: bigint; a: Terms; b: Terms }> {
  const fx = await networkHelpers.loadFixture(deployed);
  const requestId = await requested(fx, value);
  const a = await terms(fx);
  const b = await terms(fx, { rateBps: 350, dayCount: DayCount.Act365, fee: 2_000n });
  await fx.financing.connect(fx.accounts.bankA).quote(requestId, a);
  await fx.financing.connect(fx.accounts.bankB).quote(requestId, b);
  return { fx, requestId, a, b };
}

const SALT_A = keccak256(toUtf8Bytes("salt bank A"));
const SALT_B = keccak256(toUtf8Bytes("salt bank B"));

/** A sealed request with commitments from bankA and bankB (the terms of `quoted`), still in the quoting window. */
async function committed(): Promise<{ fx: Fx; requestId: bigint; a: Terms; b: Terms }> {
  const fx = await networkHelpers.loadFixture(deployed);
  const requestId = await requested(fx, VALUE, true);
  const a = await terms(fx);
  const b = await terms(fx, { rateBps: 350, dayCount: DayCount.Act365, fee: 2_000n });
  await fx.financing
    .connect(fx.accounts.bankA)
    .commitQuote(requestId, await fx.financing.quoteCommitment(requestId, fx.ids.bankA, a, SALT_A));
  await fx.financing
    .connect(fx.accounts.bankB)
    .commitQuote(requestId, await fx.financing.quoteCommitment(requestId, fx.ids.bankB, b, SALT_B));
  return { fx, requestId, a, b };
}

/** The price the contract must compute, by the same formula written out in TypeScript. */
function expectedPrice(
  value: bigint,
  maturity: bigint,
  t: Terms,
  at: bigint,
): { days: bigint; interest: bigint; price: bigint } {
  const days = (maturity - at + BigInt(DAY) - 1n) / BigInt(DAY);
  const basis = Number(t.dayCount) === DayCount.Act360 ? 360n : 365n;
  const interest = (value * BigInt(t.rateBps) * days) / (basis * 10_000n);
  return { days, interest, price: value - interest - BigInt(t.fee) };
}

async function suspend(fx: Fx, memberId: number): Promise<ContractTransactionResponse> {
  return passProposal(fx, fx.registry, fx.registry.interface.encodeFunctionData("suspendMember", [memberId]));
}

async function acceptTime(fx: Fx): Promise<bigint> {
  const at = BigInt(await fx.now()) + 1n;
  await networkHelpers.time.setNextBlockTimestamp(at);
  return at;
}

describe("FinancingRequests", () => {
  describe("attacks on the request", () => {
    it("refuses a request from an account that is not the certificate's holder or approved", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const now = await fx.now();
      await expect(
        fx.financing.connect(fx.accounts.supplier2).request(fx.tokenId, VALUE, [fx.ids.bankA], false, now + DAY, 0),
      )
        .to.be.revertedWithCustomError(fx.financing, "FinancingNotHolder")
        .withArgs(fx.tokenId, fx.accounts.supplier2.address);
    });

    it("refuses banks that are not active financiers, the holder's own member, and repeated banks", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const now = await fx.now();
      const f = fx.financing.connect(fx.accounts.supplier1);
      await expect(f.request(fx.tokenId, VALUE, [fx.ids.supplier2], false, now + DAY, 0))
        .to.be.revertedWithCustomError(fx.financing, "FinancingIneligibleMember")
        .withArgs(fx.ids.supplier2, 1n << 11n);
      await expect(f.request(fx.tokenId, VALUE, [fx.ids.bankA, fx.ids.bankA], false, now + DAY, 0))
        .to.be.revertedWithCustomError(fx.financing, "FinancingInvalidTerms")
        .withArgs(ethersBytes32("banks"));
      await expect(f.request(fx.tokenId, VALUE, [fx.ids.supplier1], false, now + DAY, 0))
        .to.be.revertedWithCustomError(fx.financing, "FinancingInvalidTerms")
        .withArgs(ethersBytes32("banks"));
      await expect(f.request(fx.tokenId, VALUE, [], false, now + DAY, 0))
        .to.be.revertedWithCustomError(fx.financing, "FinancingInvalidTerms")
        .withArgs(ethersBytes32("banks"));
      await suspend(fx, fx.ids.bankC);
      await expect(f.request(fx.tokenId, VALUE, [fx.ids.bankC], false, now + DAY, 0))
        .to.be.revertedWithCustomError(fx.financing, "FinancingIneligibleMember")
        .withArgs(fx.ids.bankC, 1n << 11n);
    });

    it("refuses a value above the certificate, a deadline at maturity and an inconsistent reveal window", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const now = await fx.now();
      const f = fx.financing.connect(fx.accounts.supplier1);
      await expect(f.request(fx.tokenId, FACE + 1n, [fx.ids.bankA], false, now + DAY, 0))
        .to.be.revertedWithCustomError(fx.financing, "FinancingInvalidTerms")
        .withArgs(ethersBytes32("value"));
      await expect(f.request(fx.tokenId, VALUE, [fx.ids.bankA], false, fx.maturity, 0))
        .to.be.revertedWithCustomError(fx.financing, "FinancingInvalidTerms")
        .withArgs(ethersBytes32("deadline"));
      await expect(f.request(fx.tokenId, VALUE, [fx.ids.bankA], true, now + DAY, now + DAY))
        .to.be.revertedWithCustomError(fx.financing, "FinancingInvalidTerms")
        .withArgs(ethersBytes32("revealDeadline"));
      await expect(f.request(fx.tokenId, VALUE, [fx.ids.bankA], false, now + DAY, now + 2 * DAY))
        .to.be.revertedWithCustomError(fx.financing, "FinancingInvalidTerms")
        .withArgs(ethersBytes32("revealDeadline"));
    });
  });

  describe("attacks on quotes", () => {
    it("refuses a quote from a bank not asked, from a non-bank and after the quote deadline", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const requestId = await requested(fx);
      const t = await terms(fx);
      await expect(fx.financing.connect(fx.accounts.bankC).quote(requestId, t))
        .to.be.revertedWithCustomError(fx.financing, "FinancingBankNotAsked")
        .withArgs(requestId, fx.ids.bankC);
      await expect(fx.financing.connect(fx.accounts.supplier1).quote(requestId, t))
        .to.be.revertedWithCustomError(fx.registry, "MissingRole")
        .withArgs(fx.ids.supplier1, 1n << 11n);
      await networkHelpers.time.increase(3 * DAY + 1);
      await expect(
        fx.financing.connect(fx.accounts.bankA).quote(requestId, await terms(fx)),
      ).to.be.revertedWithCustomError(fx.financing, "FinancingTooLate");
    });

    it("refuses terms with no convention, a rate above 100 %, a validity past maturity or no positive price", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const requestId = await requested(fx);
      const bank = fx.financing.connect(fx.accounts.bankA);
      await expect(bank.quote(requestId, await terms(fx, { dayCount: DayCount.None })))
        .to.be.revertedWithCustomError(fx.financing, "FinancingInvalidTerms")
        .withArgs(ethersBytes32("dayCount"));
      await expect(bank.quote(requestId, await terms(fx, { rateBps: 10_001 })))
        .to.be.revertedWithCustomError(fx.financing, "FinancingInvalidTerms")
        .withArgs(ethersBytes32("rateBps"));
      await expect(bank.quote(requestId, await terms(fx, { validUntil: fx.maturity })))
        .to.be.revertedWithCustomError(fx.financing, "FinancingInvalidTerms")
        .withArgs(ethersBytes32("validUntil"));
      await expect(bank.quote(requestId, await terms(fx, { fee: VALUE })))
        .to.be.revertedWithCustomError(fx.financing, "FinancingInvalidTerms")
        .withArgs(ethersBytes32("price"));
    });

    it("keeps sealed and open requests apart", async () => {
      const { fx, requestId } = await committed();
      await expect(fx.financing.connect(fx.accounts.bankA).quote(requestId, await terms(fx)))
        .to.be.revertedWithCustomError(fx.financing, "FinancingQuoteMode")
        .withArgs(requestId, true);
      const open = await requested(fx);
      await expect(fx.financing.connect(fx.accounts.bankA).commitQuote(open, SALT_A))
        .to.be.revertedWithCustomError(fx.financing, "FinancingQuoteMode")
        .withArgs(open, false);
    });

    it("refuses a reveal before quoting closes, after the reveal deadline, and one that does not match", async () => {
      const { fx, requestId, a, b } = await committed();
      const bankA = fx.financing.connect(fx.accounts.bankA);
      const request = await fx.financing.requestOf(requestId);
      await expect(bankA.revealQuote(requestId, a, SALT_A))
        .to.be.revertedWithCustomError(fx.financing, "FinancingTooEarly")
        .withArgs(request.quoteDeadline + 1n);
      await networkHelpers.time.increaseTo(request.quoteDeadline + 1n);
      // Bank B's terms, bank A's salt; bank A's terms with a different rate; bank B's commitment revealed by bank A.
      await expect(bankA.revealQuote(requestId, b, SALT_A))
        .to.be.revertedWithCustomError(fx.financing, "FinancingRevealMismatch")
        .withArgs(requestId, fx.ids.bankA);
      await expect(bankA.revealQuote(requestId, { ...a, rateBps: 100 }, SALT_A))
        .to.be.revertedWithCustomError(fx.financing, "FinancingRevealMismatch")
        .withArgs(requestId, fx.ids.bankA);
      await expect(bankA.revealQuote(requestId, b, SALT_B))
        .to.be.revertedWithCustomError(fx.financing, "FinancingRevealMismatch")
        .withArgs(requestId, fx.ids.bankA);
      await networkHelpers.time.increaseTo(request.revealDeadline + 1n);
      await expect(bankA.revealQuote(requestId, a, SALT_A))
        .to.be.revertedWithCustomError(fx.financing, "FinancingTooLate")
        .withArgs(request.revealDeadline);
    });

    it("refuses commitments after quoting closes and a commitment from a bank not asked", async () => {
      const { fx, requestId } = await committed();
      await expect(fx.financing.connect(fx.accounts.bankC).commitQuote(requestId, SALT_A))
        .to.be.revertedWithCustomError(fx.financing, "FinancingBankNotAsked")
        .withArgs(requestId, fx.ids.bankC);
      const request = await fx.financing.requestOf(requestId);
      await networkHelpers.time.increaseTo(request.quoteDeadline + 1n);
      await expect(fx.financing.connect(fx.accounts.bankA).commitQuote(requestId, SALT_B))
        .to.be.revertedWithCustomError(fx.financing, "FinancingTooLate")
        .withArgs(request.quoteDeadline);
    });
  });

  describe("attacks on acceptance", () => {
    it("refuses acceptance by anyone but the requester", async () => {
      const { fx, requestId } = await quoted();
      for (const signer of [fx.accounts.supplier2, fx.accounts.bankA, fx.accounts.core]) {
        await expect(fx.financing.connect(signer).accept(requestId, fx.ids.bankA))
          .to.be.revertedWithCustomError(fx.financing, "FinancingWrongParty")
          .withArgs(signer.address, 0, fx.ids.supplier1);
      }
    });

    it("refuses acceptance by an operator of the certificate that did not make the request", async () => {
      const { fx, requestId } = await quoted();
      // supplier2 may move the certificate for supplier1, but the choice of bank belongs to whoever asked.
      await fx.certificates.connect(fx.accounts.supplier1).setApprovalForAll(fx.accounts.supplier2, true);
      expect(await fx.certificates.isApprovedOrOwner(fx.accounts.supplier2, fx.tokenId)).to.equal(true);
      await expect(fx.financing.connect(fx.accounts.supplier2).accept(requestId, fx.ids.bankA))
        .to.be.revertedWithCustomError(fx.financing, "FinancingWrongParty")
        .withArgs(fx.accounts.supplier2.address, 0, fx.ids.supplier1);
    });

    /** supplier2, an operator supplier1 approved for all its certificates, asks bankA and bankB; both quote. */
    async function requestedByOperator(): Promise<{ fx: Fx; requestId: bigint }> {
      const fx = await networkHelpers.loadFixture(deployed);
      await fx.certificates.connect(fx.accounts.supplier1).setApprovalForAll(fx.accounts.supplier2, true);
      const now = await fx.now();
      const f = fx.financing.connect(fx.accounts.supplier2);
      const args = [fx.tokenId, VALUE, [fx.ids.bankA, fx.ids.bankB], false, now + 3 * DAY, 0] as [
        bigint,
        bigint,
        number[],
        boolean,
        number,
        number,
      ];
      const requestId = await f.request.staticCall(...args);
      await f.request(...args);
      await fx.financing.connect(fx.accounts.bankA).quote(requestId, await terms(fx));
      await fx.financing.connect(fx.accounts.bankB).quote(requestId, await terms(fx, { rateBps: 350 }));
      return { fx, requestId };
    }

    it("lets the operator that made the request accept while approved; the price goes to the holder", async () => {
      const { fx, requestId } = await requestedByOperator();
      expect((await fx.financing.requestOf(requestId)).requester).to.equal(fx.accounts.supplier2.address);
      const before = await fx.token.balanceOf(fx.accounts.supplier2);
      await expect(fx.financing.connect(fx.accounts.supplier2).accept(requestId, fx.ids.bankA))
        .to.emit(fx.financing, "FinancingAccepted")
        .withArgs(requestId, fx.ids.bankA, anyUint, fx.accounts.bankA.address, fx.accounts.supplier1.address, anyValue);
      expect(await fx.token.balanceOf(fx.accounts.supplier2)).to.equal(before);
    });

    it("refuses the requesting operator once its approval is revoked, and lets the holder accept its request", async () => {
      const { fx, requestId } = await requestedByOperator();
      await fx.certificates.connect(fx.accounts.supplier1).setApprovalForAll(fx.accounts.supplier2, false);
      await expect(fx.financing.connect(fx.accounts.supplier2).accept(requestId, fx.ids.bankA))
        .to.be.revertedWithCustomError(fx.financing, "FinancingNotHolder")
        .withArgs(fx.tokenId, fx.accounts.supplier2.address);
      await expect(fx.financing.connect(fx.accounts.supplier1).accept(requestId, fx.ids.bankB))
        .to.emit(fx.financing, "FinancingAccepted")
        .withArgs(requestId, fx.ids.bankB, anyUint, fx.accounts.bankB.address, fx.accounts.supplier1.address, anyValue);
    });

    it("refuses a bank suspended since it quoted", async () => {
      const { fx, requestId } = await quoted();
      await suspend(fx, fx.ids.bankB);
      await expect(fx.financing.connect(fx.accounts.supplier1).accept(requestId, fx.ids.bankB))
        .to.be.revertedWithCustomError(fx.registry, "MemberNotActive")
        .withArgs(fx.ids.bankB, 2n);
    });

    it("refuses a bank whose quoting account was blacklisted since it quoted", async () => {
      const { fx, requestId } = await quoted();
      await passProposal(
        fx,
        fx.registry,
        fx.registry.interface.encodeFunctionData("blacklistAccount", [fx.accounts.bankB.address]),
      );
      await expect(fx.financing.connect(fx.accounts.supplier1).accept(requestId, fx.ids.bankB))
        .to.be.revertedWithCustomError(fx.registry, "AccountNotActive")
        .withArgs(fx.accounts.bankB.address, 3n);
    });

    it("refuses a bank that lost the FINANCIER role since it quoted", async () => {
      const { fx, requestId } = await quoted();
      const roles = (await fx.registry.member(fx.ids.bankA)).roles & ~(1n << 11n);
      await passProposal(fx, fx.registry, fx.registry.interface.encodeFunctionData("setRoles", [fx.ids.bankA, roles]));
      await expect(fx.financing.connect(fx.accounts.supplier1).accept(requestId, fx.ids.bankA))
        .to.be.revertedWithCustomError(fx.registry, "MissingRole")
        .withArgs(fx.ids.bankA, 1n << 11n);
    });

    it("refuses a certificate split or locked since the quote", async () => {
      const { fx, requestId } = await quoted();
      const supplier = fx.accounts.supplier1;
      const splitId = await split(fx, supplier, fx.tokenId, fx.accounts.supplier2, 1n);
      await expect(fx.financing.connect(supplier).accept(requestId, fx.ids.bankA))
        .to.be.revertedWithCustomError(fx.financing, "FinancingCertificateChanged")
        .withArgs(requestId, fx.tokenId);
      expect(splitId).to.be.greaterThan(fx.tokenId);

      const second = await quoted(FACE);
      const deadline = (await second.fx.now()) + DAY;
      await second.fx.desk.connect(supplier).offerDiscount(second.fx.tokenId, 1n, second.fx.ids.bankC, 1n, deadline);
      await expect(second.fx.financing.connect(supplier).accept(second.requestId, second.fx.ids.bankA))
        .to.be.revertedWithCustomError(second.fx.financing, "FinancingCertificateChanged")
        .withArgs(second.requestId, second.fx.tokenId);
    });

    it("refuses a certificate that changed owner since the quote, even back to the holder", async () => {
      const { fx, requestId } = await quoted();
      const c = fx.certificates;
      await c
        .connect(fx.accounts.supplier1)
        ["transferFrom(address,address,uint256)"](fx.accounts.supplier1, fx.accounts.supplier2, fx.tokenId);
      await c
        .connect(fx.accounts.supplier2)
        ["transferFrom(address,address,uint256)"](fx.accounts.supplier2, fx.accounts.supplier1, fx.tokenId);
      await c.connect(fx.accounts.supplier1)["approve(address,uint256)"](fx.financing, fx.tokenId);
      await expect(fx.financing.connect(fx.accounts.supplier1).accept(requestId, fx.ids.bankA))
        .to.be.revertedWithCustomError(fx.financing, "FinancingCertificateChanged")
        .withArgs(requestId, fx.tokenId);
    });

    it("refuses a certificate under a freeze order", async () => {
      const { fx, requestId } = await quoted();
      const [regulator2] = fx.outsiders;
      await fx.registry.connect(fx.accounts.regulator).addAccount(fx.ids.regulator, regulator2, AccessLevel.Transact);
      const scope = { kind: 1, asset: fx.certificates.target, claimContract: ZeroAddress, id: fx.tokenId, amount: 1n };
      const until = (await fx.now()) + 30 * DAY;
      const ref = keccak256(toUtf8Bytes("court order"));
      const orderId = await fx.freezeOrders.connect(fx.accounts.regulator).propose.staticCall(scope, ref, ref, until);
      await fx.freezeOrders.connect(fx.accounts.regulator).propose(scope, ref, ref, until);
      await fx.freezeOrders.connect(regulator2).approve(orderId);
      await expect(fx.financing.connect(fx.accounts.supplier1).accept(requestId, fx.ids.bankA))
        .to.be.revertedWithCustomError(fx.financing, "FinancingCertificateFrozen")
        .withArgs(fx.tokenId);
    });

    it("refuses an expired quote, an unknown quote and a withdrawn quote", async () => {
      const { fx, requestId, a } = await quoted();
      const f = fx.financing.connect(fx.accounts.supplier1);
      await expect(f.accept(requestId, fx.ids.bankC))
        .to.be.revertedWithCustomError(fx.financing, "FinancingQuoteWrongStatus")
        .withArgs(requestId, fx.ids.bankC, QuoteStatus.None);
      await fx.financing.connect(fx.accounts.bankB).withdrawQuote(requestId);
      await expect(f.accept(requestId, fx.ids.bankB))
        .to.be.revertedWithCustomError(fx.financing, "FinancingQuoteWrongStatus")
        .withArgs(requestId, fx.ids.bankB, QuoteStatus.Withdrawn);
      await networkHelpers.time.increaseTo(BigInt(a.validUntil) + 1n);
      await expect(f.accept(requestId, fx.ids.bankA))
        .to.be.revertedWithCustomError(fx.financing, "FinancingTooLate")
        .withArgs(a.validUntil);
    });

    it("refuses a sealed quote before quoting closes, and one committed but never revealed", async () => {
      const { fx, requestId, a } = await committed();
      const f = fx.financing.connect(fx.accounts.supplier1);
      await expect(f.accept(requestId, fx.ids.bankA))
        .to.be.revertedWithCustomError(fx.financing, "FinancingQuoteWrongStatus")
        .withArgs(requestId, fx.ids.bankA, QuoteStatus.Committed);
      const request = await fx.financing.requestOf(requestId);
      await networkHelpers.time.increaseTo(request.quoteDeadline + 1n);
      await fx.financing.connect(fx.accounts.bankA).revealQuote(requestId, a, SALT_A);
      await networkHelpers.time.increaseTo(request.revealDeadline + 1n);
      await expect(f.accept(requestId, fx.ids.bankB))
        .to.be.revertedWithCustomError(fx.financing, "FinancingQuoteWrongStatus")
        .withArgs(requestId, fx.ids.bankB, QuoteStatus.Committed);
      await expect(f.accept(requestId, fx.ids.bankA)).to.emit(fx.financing, "FinancingAccepted");
    });

    it("refuses the first revealed sealed quote while another bank's commitment is unrevealed, until the reveal deadline", async () => {
      const { fx, requestId, a, b } = await committed();
      const f = fx.financing.connect(fx.accounts.supplier1);
      const request = await fx.financing.requestOf(requestId);
      await networkHelpers.time.increaseTo(request.quoteDeadline + 1n);
      await fx.financing.connect(fx.accounts.bankA).revealQuote(requestId, a, SALT_A);
      expect(await fx.financing.pendingReveals(requestId)).to.equal(1n);
      // Bank B, still sealed, may yet reveal a better price: the supplier cannot be steered to bank A's.
      await expect(f.accept(requestId, fx.ids.bankA))
        .to.be.revertedWithCustomError(fx.financing, "FinancingTooEarly")
        .withArgs(request.revealDeadline + 1n);
      await networkHelpers.time.setNextBlockTimestamp(request.revealDeadline - 2n);
      await expect(f.accept(requestId, fx.ids.bankA))
        .to.be.revertedWithCustomError(fx.financing, "FinancingTooEarly")
        .withArgs(request.revealDeadline + 1n);
      // Once bank B reveals, both are known and the supplier may choose before the deadline (here: the better B).
      await networkHelpers.time.setNextBlockTimestamp(request.revealDeadline - 1n);
      await fx.financing.connect(fx.accounts.bankB).revealQuote(requestId, b, SALT_B);
      expect(await fx.financing.pendingReveals(requestId)).to.equal(0n);
      await networkHelpers.time.setNextBlockTimestamp(request.revealDeadline);
      await expect(f.accept(requestId, fx.ids.bankB)).to.emit(fx.financing, "FinancingAccepted");
    });

    it("accepts a revealed sealed quote after the reveal deadline when another bank never revealed", async () => {
      const { fx, requestId, a } = await committed();
      const request = await fx.financing.requestOf(requestId);
      await networkHelpers.time.increaseTo(request.quoteDeadline + 1n);
      await fx.financing.connect(fx.accounts.bankA).revealQuote(requestId, a, SALT_A);
      await networkHelpers.time.setNextBlockTimestamp(request.revealDeadline + 1n);
      await expect(fx.financing.connect(fx.accounts.supplier1).accept(requestId, fx.ids.bankA)).to.emit(
        fx.financing,
        "FinancingAccepted",
      );
    });

    it("counts pending reveals: a repeated commitment once, a reveal or a withdrawn commitment releases one", async () => {
      const { fx, requestId, a } = await committed();
      expect(await fx.financing.pendingReveals(requestId)).to.equal(2n);
      await fx.financing
        .connect(fx.accounts.bankA)
        .commitQuote(requestId, await fx.financing.quoteCommitment(requestId, fx.ids.bankA, a, SALT_A));
      expect(await fx.financing.pendingReveals(requestId)).to.equal(2n);
      // A commitment withdrawn before quoting closes, and one withdrawn during the reveal window.
      await fx.financing.connect(fx.accounts.bankB).withdrawQuote(requestId);
      expect(await fx.financing.pendingReveals(requestId)).to.equal(1n);
      const request = await fx.financing.requestOf(requestId);
      await networkHelpers.time.increaseTo(request.quoteDeadline + 1n);
      await fx.financing.connect(fx.accounts.bankA).revealQuote(requestId, a, SALT_A);
      expect(await fx.financing.pendingReveals(requestId)).to.equal(0n);
      await fx.financing.connect(fx.accounts.bankA).withdrawQuote(requestId);
      expect(await fx.financing.pendingReveals(requestId)).to.equal(0n);
    });

    it("accepts a revealed sealed quote before the reveal deadline once the other commitment is withdrawn", async () => {
      const { fx, requestId, a } = await committed();
      const f = fx.financing.connect(fx.accounts.supplier1);
      const request = await fx.financing.requestOf(requestId);
      await networkHelpers.time.increaseTo(request.quoteDeadline + 1n);
      await fx.financing.connect(fx.accounts.bankA).revealQuote(requestId, a, SALT_A);
      await expect(f.accept(requestId, fx.ids.bankA))
        .to.be.revertedWithCustomError(fx.financing, "FinancingTooEarly")
        .withArgs(request.revealDeadline + 1n);
      await fx.financing.connect(fx.accounts.bankB).withdrawQuote(requestId);
      await expect(f.accept(requestId, fx.ids.bankA)).to.emit(fx.financing, "FinancingAccepted");
    });

    it("open quotes: accepted as soon as made, before the quote deadline; never after the quote's validity", async () => {
      const { fx, requestId, a, b } = await quoted();
      const request = await fx.financing.requestOf(requestId);
      expect(BigInt(await fx.now())).to.be.lessThan(request.quoteDeadline);
      expect(await fx.financing.pendingReveals(requestId)).to.equal(0n);
      const f = fx.financing.connect(fx.accounts.supplier1);
      // The supplier chose open quotes: it may take one while quoting is still open.
      const [, price] = await f.accept.staticCall(requestId, fx.ids.bankA);
      expect(price).to.be.greaterThan(0n);
      // Bank B's validity ends first: after it, bank B's quote is refused while bank A's still stands.
      const bUntil = BigInt(a.validUntil) - 10n;
      await fx.financing.connect(fx.accounts.bankB).quote(requestId, { ...b, validUntil: bUntil });
      await networkHelpers.time.setNextBlockTimestamp(bUntil + 1n);
      await expect(f.accept(requestId, fx.ids.bankB))
        .to.be.revertedWithCustomError(fx.financing, "FinancingTooLate")
        .withArgs(bUntil);
      await expect(fx.financing.connect(fx.accounts.supplier1).accept(requestId, fx.ids.bankA)).to.emit(
        fx.financing,
        "FinancingAccepted",
      );
    });

    it("refuses a second acceptance and a cancelled request", async () => {
      const { fx, requestId } = await quoted();
      const f = fx.financing.connect(fx.accounts.supplier1);
      await f.accept(requestId, fx.ids.bankA);
      await expect(f.accept(requestId, fx.ids.bankB))
        .to.be.revertedWithCustomError(fx.financing, "FinancingWrongStatus")
        .withArgs(requestId, RequestStatus.Accepted);
      await expect(f.accept(requestId, fx.ids.bankA))
        .to.be.revertedWithCustomError(fx.financing, "FinancingWrongStatus")
        .withArgs(requestId, RequestStatus.Accepted);
      await expect(f.cancel(requestId))
        .to.be.revertedWithCustomError(fx.financing, "FinancingWrongStatus")
        .withArgs(requestId, RequestStatus.Accepted);
    });

    it("lets only the requester or holder cancel; a cancelled request takes no quote or acceptance", async () => {
      const { fx, requestId } = await quoted();
      await expect(fx.financing.connect(fx.accounts.bankA).cancel(requestId))
        .to.be.revertedWithCustomError(fx.financing, "FinancingNotHolder")
        .withArgs(fx.tokenId, fx.accounts.bankA.address);
      await expect(fx.financing.connect(fx.accounts.supplier1).cancel(requestId))
        .to.emit(fx.financing, "FinancingRequestCancelled")
        .withArgs(requestId, fx.ids.supplier1, fx.accounts.supplier1.address);
      await expect(fx.financing.connect(fx.accounts.supplier1).accept(requestId, fx.ids.bankA))
        .to.be.revertedWithCustomError(fx.financing, "FinancingWrongStatus")
        .withArgs(requestId, RequestStatus.Cancelled);
      await expect(fx.financing.connect(fx.accounts.bankA).quote(requestId, await terms(fx)))
        .to.be.revertedWithCustomError(fx.financing, "FinancingWrongStatus")
        .withArgs(requestId, RequestStatus.Cancelled);
    });

    it("refuses acceptance without the holder's approval of the certificate", async () => {
      const { fx, requestId } = await quoted();
      await fx.certificates.connect(fx.accounts.supplier1)["approve(address,uint256)"](ZeroAddress, fx.tokenId);
      await expect(fx.financing.connect(fx.accounts.supplier1).accept(requestId, fx.ids.bankA))
        .to.be.revertedWithCustomError(fx.financing, "FinancingNotApproved")
        .withArgs(fx.tokenId);
    });

    it("refuses acceptance when the bank's account has not approved the price, leaving everything in place", async () => {
      const { fx, requestId } = await quoted();
      await fx.token.connect(fx.accounts.bankA).approve(fx.financing, 0n);
      await expect(
        fx.financing.connect(fx.accounts.supplier1).accept(requestId, fx.ids.bankA),
      ).to.be.revertedWithCustomError(fx.token, "ERC20InsufficientAllowance");
      expect((await fx.certificates.certificate(fx.tokenId)).value).to.equal(FACE);
      expect((await fx.financing.requestOf(requestId)).status).to.equal(RequestStatus.Open);
    });

    it("honours the bank's attestation policy as a discount does", async () => {
      const { fx, requestId } = await quoted();
      await fx.attestations.connect(fx.accounts.bankA).setPolicy(RECEIVABLE_FINANCING, REQUIRES_INVOICE);
      await expect(
        fx.financing.connect(fx.accounts.supplier1).accept(requestId, fx.ids.bankA),
      ).to.be.revertedWithCustomError(fx.attestations, "AttestationRequired");
      // Bank B has no policy: its quote is accepted.
      await expect(fx.financing.connect(fx.accounts.supplier1).accept(requestId, fx.ids.bankB)).to.emit(
        fx.financing,
        "FinancingAccepted",
      );
    });
  });

  describe("acceptance", () => {
    it("prices bank B's ACT/365 quote on chain and settles part of the certificate against the price", async () => {
      const { fx, requestId, b } = await quoted();
      const supplier = fx.accounts.supplier1;
      const before = {
        supplier: await fx.token.balanceOf(supplier),
        bank: await fx.token.balanceOf(fx.accounts.bankB),
      };
      const at = await acceptTime(fx);
      const e = expectedPrice(VALUE, fx.maturity, b, at);
      const newTokenId = (await fx.certificates.totalMinted()) + 1n;
      await expect(fx.financing.connect(supplier).accept(requestId, fx.ids.bankB))
        .to.emit(fx.financing, "FinancingAccepted")
        .withArgs(requestId, fx.ids.bankB, newTokenId, fx.accounts.bankB.address, supplier.address, [
          VALUE,
          e.days,
          e.interest,
          b.fee,
          e.price,
        ]);
      expect(e.days).to.equal(90n);
      // 400,000 x 3.50 % x 90 / 365 = 3,452.05 -> 3,452; minus the 2,000 fee.
      expect(e.price).to.equal(VALUE - 3_452n - 2_000n);
      expect(await fx.token.balanceOf(supplier)).to.equal(before.supplier + e.price);
      expect(await fx.token.balanceOf(fx.accounts.bankB)).to.equal(before.bank - e.price);
      expect(await fx.certificates.ownerOf(newTokenId)).to.equal(fx.accounts.bankB.address);
      expect((await fx.certificates.certificate(newTokenId)).value).to.equal(VALUE);
      expect((await fx.certificates.certificate(fx.tokenId)).value).to.equal(FACE - VALUE);
      const request = await fx.financing.requestOf(requestId);
      expect(request.status).to.equal(RequestStatus.Accepted);
      expect(request.acceptedBank).to.equal(fx.ids.bankB);
      expect((await fx.financing.quoteOf(requestId, fx.ids.bankB)).status).to.equal(QuoteStatus.Accepted);
      expect((await fx.financing.quoteOf(requestId, fx.ids.bankA)).status).to.equal(QuoteStatus.Quoted);
    });

    it("prices ACT/360 and moves the whole certificate when the whole value is financed", async () => {
      const { fx, requestId, a } = await quoted(FACE);
      const at = await acceptTime(fx);
      const e = expectedPrice(FACE, fx.maturity, a, at);
      expect((await fx.financing.priceOf(FACE, fx.maturity, a, at)).price).to.equal(e.price);
      // 1,000,000 x 3.60 % x 90 / 360 = 9,000; minus the 1,000 fee.
      expect(e.price).to.equal(FACE - 9_000n - 1_000n);
      await expect(fx.financing.connect(fx.accounts.supplier1).accept(requestId, fx.ids.bankA))
        .to.emit(fx.financing, "FinancingAccepted")
        .withArgs(requestId, fx.ids.bankA, fx.tokenId, fx.accounts.bankA.address, fx.accounts.supplier1.address, [
          FACE,
          90n,
          9_000n,
          1_000n,
          e.price,
        ]);
      expect(await fx.certificates.ownerOf(fx.tokenId)).to.equal(fx.accounts.bankA.address);
    });

    it("counts a started day as a whole day", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const t = await terms(fx, { fee: 0n, rateBps: 1_000, dayCount: DayCount.Act365 });
      const p = await fx.financing.priceOf(365_000n, 10n * BigInt(DAY) + 1n, t, 0n);
      expect(p.daysToMaturity).to.equal(11n);
      expect(p.interest).to.equal(11n * 100n);
    });

    it("settles a sealed quote once revealed", async () => {
      const { fx, requestId, a, b } = await committed();
      const request = await fx.financing.requestOf(requestId);
      await networkHelpers.time.increaseTo(request.quoteDeadline + 1n);
      await expect(fx.financing.connect(fx.accounts.bankA).revealQuote(requestId, a, SALT_A))
        .to.emit(fx.financing, "QuoteSubmitted")
        .withArgs(requestId, fx.ids.bankA, fx.accounts.bankA.address, Object.values(a), true);
      await fx.financing.connect(fx.accounts.bankB).revealQuote(requestId, b, SALT_B);
      const at = await acceptTime(fx);
      const e = expectedPrice(VALUE, fx.maturity, a, at);
      const before = [await fx.token.balanceOf(fx.accounts.supplier1), await fx.token.balanceOf(fx.accounts.bankA)];
      await fx.financing.connect(fx.accounts.supplier1).accept(requestId, fx.ids.bankA);
      expect(await fx.token.balanceOf(fx.accounts.supplier1)).to.equal(before[0] + e.price);
      expect(await fx.token.balanceOf(fx.accounts.bankA)).to.equal(before[1] - e.price);
    });
  });

  describe("conservation (fuzz, fixed seed)", () => {
    it("keeps tokens and certificate value conserved across random requests, quotes and acceptances", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      let seed = 20_2612;
      const random = (n: number): number => {
        // mulberry32
        seed = (seed + 0x6d2b79f5) | 0;
        let t = seed;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) % n;
      };
      const parties: HardhatEthersSigner[] = [
        fx.accounts.supplier1,
        fx.accounts.bankA,
        fx.accounts.bankB,
        fx.accounts.bankC,
      ];
      const banks = [fx.ids.bankA, fx.ids.bankB, fx.ids.bankC];
      const bankAccounts = [fx.accounts.bankA, fx.accounts.bankB, fx.accounts.bankC];
      const totalTokens = async (): Promise<bigint> => {
        let sum = 0n;
        for (const p of parties) sum += await fx.token.balanceOf(p);
        return sum;
      };
      const tokens0 = await totalTokens();
      const supply0 = await fx.token.totalSupply();
      const receivableId = (await fx.certificates.certificate(fx.tokenId)).slot;
      let accepted = 0;
      let paid = 0n;
      for (let round = 0; round < 12; ++round) {
        // The supplier's certificates of the receivable with value left.
        const held: bigint[] = [];
        const minted = await fx.certificates.totalMinted();
        for (let id = 1n; id <= minted; ++id) {
          const c = await fx.certificates.certificate(id);
          if (c.owner === fx.accounts.supplier1.address && c.value > 1n && c.locked === 0n) held.push(id);
        }
        if (held.length === 0) break;
        const tokenId = held[random(held.length)];
        const c = await fx.certificates.certificate(tokenId);
        const value = 1n + BigInt(random(Number(c.value)));
        await fx.certificates.connect(fx.accounts.supplier1)["approve(address,uint256)"](fx.financing, tokenId);
        const now = await fx.now();
        const asked = banks.filter(() => random(2) === 0);
        if (asked.length === 0) asked.push(banks[random(3)]);
        const f = fx.financing.connect(fx.accounts.supplier1);
        const requestId = await f.request.staticCall(tokenId, value, asked, false, now + DAY, 0);
        await f.request(tokenId, value, asked, false, now + DAY, 0);
        const quoting = asked.filter(() => random(3) !== 0);
        for (const bank of quoting) {
          const account = bankAccounts[banks.indexOf(bank)];
          const t = await terms(fx, { rateBps: random(1_000), dayCount: 1 + random(2), fee: BigInt(random(50)) });
          await fx.financing
            .connect(account)
            .quote(requestId, t)
            .catch(() => undefined);
        }
        const choice = random(4);
        if (quoting.length > 0 && choice !== 0) {
          const bank = quoting[random(quoting.length)];
          const q = await fx.financing.quoteOf(requestId, bank);
          if (q.status !== QuoteStatus.Quoted) continue;
          const account = bankAccounts[banks.indexOf(bank)];
          const before = { s: await fx.token.balanceOf(fx.accounts.supplier1), b: await fx.token.balanceOf(account) };
          const tx = await f.accept(requestId, bank);
          const receipt = await tx.wait();
          const log = receipt!.logs
            .map((l) => fx.financing.interface.parseLog(l))
            .find((p) => p !== null && p.name === "FinancingAccepted");
          const price = (log!.args.pricing as { price: bigint }).price;
          expect(price).to.be.lessThanOrEqual(value);
          expect(await fx.token.balanceOf(fx.accounts.supplier1)).to.equal(before.s + price);
          expect(await fx.token.balanceOf(account)).to.equal(before.b - price);
          expect(await fx.certificates.ownerOf(log!.args.newTokenId as bigint)).to.equal(account.address);
          ++accepted;
          paid += price;
        } else if (choice === 0) {
          await f.cancel(requestId);
        }
        // Invariants: no token created or lost; the receivable's certificates still add up to its face value.
        expect(await totalTokens()).to.equal(tokens0);
        expect(await fx.token.totalSupply()).to.equal(supply0);
        expect(await fx.token.balanceOf(fx.financing)).to.equal(0n);
        let sum = 0n;
        const count = await fx.certificates.totalMinted();
        for (let id = 1n; id <= count; ++id) {
          const cert = await fx.certificates.certificate(id);
          if (cert.slot === receivableId) sum += cert.value;
        }
        expect(sum).to.equal(FACE);
      }
      expect(accepted).to.be.greaterThan(2);
      expect(paid).to.be.greaterThan(0n);
    });
  });
});

function ethersBytes32(text: string): string {
  const hex = Buffer.from(text, "utf8").toString("hex");
  return `0x${hex.padEnd(64, "0")}`;
}
