import { expect } from "chai";
import { AbiCoder, ZeroAddress, ZeroHash, encodeBytes32String, keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";
import { roleSet } from "@consortia/sdk";
import { fund, passProposal } from "../helpers/consortium.js";
import {
  DAY,
  OfferStatus,
  PledgeStatus,
  Status,
  confirmed,
  deployReceivables,
  eventNames,
  makeTerms,
  split,
  type Receivables,
} from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

const VALUE_OF = "balanceOf(uint256)";
const WHOLE = "transferFrom(address,address,uint256)";
const SPLIT = "transferFrom(uint256,address,uint256)";
const FACE = 1_000_000n;

async function deployed() {
  return deployReceivables(connection);
}

async function withRoot() {
  const fx = await deployReceivables(connection);
  const r = await confirmed(fx);
  return { fx, ...r };
}

/** Root held by supplier1 (600,000 left) and a tier-2 certificate of 400,000 held by supplier2. */
async function withTwoHolders() {
  const fx = await deployReceivables(connection);
  const r = await confirmed(fx);
  const child = await split(fx, fx.accounts.supplier1, r.rootTokenId, fx.accounts.supplier2, 400_000n);
  return { fx, ...r, child };
}

async function suspend(fx: Receivables, memberId: number) {
  await passProposal(fx, fx.registry, fx.registry.interface.encodeFunctionData("suspendMember", [memberId]));
}

function ref(label: string): string {
  return keccak256(toUtf8Bytes(label));
}

describe("ReceivableDesk", () => {
  describe("registration", () => {
    it("records the terms and the documents' hashes and reserves the invoice", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const terms = await makeTerms(fx);
      const tx = fx.desk.connect(fx.accounts.supplier1).register(terms);
      await expect(tx)
        .to.emit(fx.desk, "ReceivableRegistered")
        .withArgs(1, fx.ids.supplier1, fx.ids.core, fx.accounts.supplier1.address, (t: unknown[]) => {
          return (t as unknown[])[4] === terms.invoiceKey;
        });
      const r = await fx.desk.receivable(1);
      expect(r.status).to.equal(Status.Registered);
      expect(r.obligor).to.equal(BigInt(fx.ids.core));
      expect(r.creditor).to.equal(BigInt(fx.ids.supplier1));
      expect(r.creditorAccount).to.equal(fx.accounts.supplier1.address);
      expect(r.faceValue).to.equal(FACE);
      expect(r.currency).to.equal("0x434e59");
      expect(r.rootTokenId).to.equal(0n);
      const docType = "tuple(bytes32 contentHash, bytes32 uriHash, uint16 kind)";
      const encode = (d: { contentHash: unknown; uriHash: unknown; kind: unknown }) => [
        d.contentHash,
        d.uriHash,
        d.kind,
      ];
      expect(r.documentsHash).to.equal(
        keccak256(
          AbiCoder.defaultAbiCoder().encode(
            [docType, docType, docType],
            [encode(terms.contractDoc), encode(terms.invoiceDoc), encode(terms.deliveryDoc)],
          ),
        ),
      );
      expect(await fx.desk.receivableOfInvoice(terms.invoiceKey)).to.equal(1n);
      expect(await fx.desk.receivableCount()).to.equal(1n);
    });

    it("the same invoice cannot back two receivables", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const terms = await makeTerms(fx);
      await fx.desk.connect(fx.accounts.supplier1).register(terms);
      // The suite's register of financed documents refuses it: the invoice is held for its face by receivable 1.
      await expect(fx.desk.connect(fx.accounts.supplier2).register(terms))
        .to.be.revertedWithCustomError(fx.financedDocuments, "DocumentOverFinanced")
        .withArgs(terms.invoiceKey, 1_000_000n, 1_000_000n, 0n, 1_000_000n, await fx.desk.getAddress(), 1n);
      await expect(fx.desk.connect(fx.accounts.supplier2).register({ ...terms, faceValue: 5n }))
        .to.be.revertedWithCustomError(fx.financedDocuments, "DocumentFaceMismatch")
        .withArgs(terms.invoiceKey, 1_000_000n, terms.currency, 5n, terms.currency);
    });

    it("rejects incomplete or inconsistent terms", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const desk = fx.desk.connect(fx.accounts.supplier1);
      const now = await fx.now();
      const cases: [Record<string, unknown>, string][] = [
        [{ faceValue: 0n }, "faceValue"],
        [{ maturity: now }, "maturity"],
        [{ currency: "0x000000" }, "currency"],
        [{ invoiceKey: ZeroHash }, "invoiceKey"],
        [{ obligor: fx.ids.supplier1 }, "obligor"],
      ];
      for (const [override, field] of cases) {
        await expect(desk.register(await makeTerms(fx, override)))
          .to.be.revertedWithCustomError(desk, "ReceivableInvalidTerms")
          .withArgs(encodeBytes32String(field));
      }
      const t = await makeTerms(fx);
      await expect(desk.register({ ...t, contractDoc: { ...t.contractDoc, contentHash: ZeroHash } }))
        .to.be.revertedWithCustomError(desk, "ReceivableInvalidTerms")
        .withArgs(encodeBytes32String("contractDoc"));
      await expect(desk.register({ ...t, invoiceDoc: { ...t.invoiceDoc, kind: 3 } }))
        .to.be.revertedWithCustomError(desk, "ReceivableInvalidTerms")
        .withArgs(encodeBytes32String("invoiceDoc"));
      await expect(desk.register({ ...t, deliveryDoc: { ...t.deliveryDoc, contentHash: ZeroHash } }))
        .to.be.revertedWithCustomError(desk, "ReceivableInvalidTerms")
        .withArgs(encodeBytes32String("deliveryDoc"));
    });

    it("the obligor must be an active member able to owe receivables", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const desk = fx.desk.connect(fx.accounts.supplier1);
      await expect(desk.register(await makeTerms(fx, { obligor: fx.ids.supplier2 })))
        .to.be.revertedWithCustomError(desk, "ReceivableIneligibleMember")
        .withArgs(fx.ids.supplier2, roleSet("RECEIVABLE_OBLIGOR"));
      await expect(desk.register(await makeTerms(fx, { obligor: 999 }))).to.be.revertedWithCustomError(
        desk,
        "ReceivableIneligibleMember",
      );
      await suspend(fx, fx.ids.core);
      await expect(desk.register(await makeTerms(fx))).to.be.revertedWithCustomError(
        desk,
        "ReceivableIneligibleMember",
      );
    });

    it("only active members able to hold receivables register", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const terms = await makeTerms(fx);
      await expect(fx.desk.connect(fx.accounts.bankA).register(terms)).to.be.revertedWithCustomError(
        fx.registry,
        "MissingRole",
      );
      await expect(fx.desk.connect(fx.outsiders[0]).register(terms)).to.be.revertedWithCustomError(
        fx.registry,
        "UnknownAccount",
      );
      await suspend(fx, fx.ids.supplier1);
      await expect(fx.desk.connect(fx.accounts.supplier1).register(terms)).to.be.revertedWithCustomError(
        fx.registry,
        "MemberNotActive",
      );
    });

    it("is refused while the desk is paused", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await passProposal(fx, fx.desk, fx.desk.interface.encodeFunctionData("pause"));
      await expect(fx.desk.connect(fx.accounts.supplier1).register(await makeTerms(fx))).to.be.revertedWithCustomError(
        fx.desk,
        "EnforcedPause",
      );
    });
  });

  describe("confirmation, rejection, cancellation", () => {
    it("the obligor confirms: the root certificate goes to the creditor", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await fx.desk.connect(fx.accounts.supplier1).register(await makeTerms(fx));
      await expect(fx.desk.connect(fx.accounts.core).confirm(1))
        .to.emit(fx.desk, "ReceivableConfirmed")
        .withArgs(1, fx.ids.core, 1, fx.accounts.core.address, false);
      const r = await fx.desk.receivable(1);
      expect(r.status).to.equal(Status.Active);
      expect(r.rootTokenId).to.equal(1n);
      expect(await fx.certificates.ownerOf(1)).to.equal(fx.accounts.supplier1.address);
      expect(await fx.certificates[VALUE_OF](1)).to.equal(FACE);
      expect(await fx.desk.obligorOf(1)).to.equal(BigInt(fx.ids.core));
    });

    it("rejects double confirmation, a wrong party, an unknown receivable and a late confirmation", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const terms = await makeTerms(fx);
      await fx.desk.connect(fx.accounts.supplier1).register(terms);
      await expect(fx.desk.connect(fx.accounts.supplier1).confirm(1)).to.be.revertedWithCustomError(
        fx.registry,
        "MissingRole",
      );
      await expect(fx.desk.connect(fx.accounts.core).confirm(7))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableUnknown")
        .withArgs(7);
      // another obligor may not confirm core's receivable
      await passProposal(
        fx,
        fx.registry,
        fx.registry.interface.encodeFunctionData("setRoles", [fx.ids.supplier3, roleSet("RECEIVABLE_OBLIGOR")]),
      );
      await expect(fx.desk.connect(fx.accounts.supplier3).confirm(1))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableWrongParty")
        .withArgs(fx.accounts.supplier3.address, fx.ids.supplier3, fx.ids.core);
      await fx.desk.connect(fx.accounts.core).confirm(1);
      await expect(fx.desk.connect(fx.accounts.core).confirm(1))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableWrongStatus")
        .withArgs(1, Status.Active);
      const later = await makeTerms(fx);
      await fx.desk.connect(fx.accounts.supplier1).register(later);
      await networkHelpers.time.increaseTo(later.maturity);
      await expect(fx.desk.connect(fx.accounts.core).confirm(2)).to.be.revertedWithCustomError(
        fx.desk,
        "ReceivableTooLate",
      );
    });

    it("the obligor rejects with a reason, which frees the invoice", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const terms = await makeTerms(fx);
      await fx.desk.connect(fx.accounts.supplier1).register(terms);
      await expect(fx.desk.connect(fx.accounts.supplier1).reject(1, ref("no"))).to.be.revertedWithCustomError(
        fx.registry,
        "MissingRole",
      );
      await expect(fx.desk.connect(fx.accounts.core).reject(1, ref("wrong amount")))
        .to.emit(fx.desk, "ReceivableRejected")
        .withArgs(1, fx.ids.core, ref("wrong amount"));
      expect((await fx.desk.receivable(1)).status).to.equal(Status.Rejected);
      await expect(fx.desk.connect(fx.accounts.core).confirm(1))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableWrongStatus")
        .withArgs(1, Status.Rejected);
      expect(await fx.desk.receivableOfInvoice(terms.invoiceKey)).to.equal(0n);
      await fx.desk.connect(fx.accounts.supplier1).register({ ...terms, faceValue: 900_000n });
      expect(await fx.desk.receivableOfInvoice(terms.invoiceKey)).to.equal(2n);
    });

    it("the creditor cancels its registration before confirmation, only it", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const terms = await makeTerms(fx);
      await fx.desk.connect(fx.accounts.supplier1).register(terms);
      await expect(fx.desk.connect(fx.accounts.supplier2).cancel(1))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableWrongParty")
        .withArgs(fx.accounts.supplier2.address, fx.ids.supplier2, fx.ids.supplier1);
      await expect(fx.desk.connect(fx.accounts.supplier1).cancel(9)).to.be.revertedWithCustomError(
        fx.desk,
        "ReceivableUnknown",
      );
      await expect(fx.desk.connect(fx.accounts.supplier1).cancel(1))
        .to.emit(fx.desk, "ReceivableCancelled")
        .withArgs(1, fx.ids.supplier1);
      expect(await fx.desk.receivableOfInvoice(terms.invoiceKey)).to.equal(0n);
      await expect(fx.desk.connect(fx.accounts.supplier1).cancel(1)).to.be.revertedWithCustomError(
        fx.desk,
        "ReceivableWrongStatus",
      );
    });
  });

  describe("direct issue", () => {
    it("the obligor issues a certificate straight to a supplier", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const terms = await makeTerms(fx);
      await expect(fx.desk.connect(fx.accounts.core).issue(terms, fx.accounts.supplier2.address))
        .to.emit(fx.desk, "ReceivableConfirmed")
        .withArgs(1, fx.ids.core, 1, fx.accounts.core.address, true);
      const r = await fx.desk.receivable(1);
      expect(r.status).to.equal(Status.Active);
      expect(r.creditor).to.equal(BigInt(fx.ids.supplier2));
      expect(await fx.certificates.ownerOf(1)).to.equal(fx.accounts.supplier2.address);
      await expect(
        fx.desk.connect(fx.accounts.supplier1).register({ ...(await makeTerms(fx)), invoiceKey: terms.invoiceKey }),
      ).to.be.revertedWithCustomError(fx.financedDocuments, "DocumentOverFinanced");
    });

    it("rejects an issue for another obligor, by a non-obligor or to a non-holder", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const s2 = fx.accounts.supplier2.address;
      await expect(fx.desk.connect(fx.accounts.supplier1).issue(await makeTerms(fx), s2)).to.be.revertedWithCustomError(
        fx.registry,
        "MissingRole",
      );
      await expect(
        fx.desk.connect(fx.accounts.core).issue(await makeTerms(fx, { obligor: fx.ids.supplier1 }), s2),
      ).to.be.revertedWithCustomError(fx.desk, "ReceivableWrongParty");
      await expect(
        fx.desk.connect(fx.accounts.core).issue(await makeTerms(fx), fx.outsiders[0].address),
      ).to.be.revertedWithCustomError(fx.registry, "UnknownAccount");
      await expect(
        fx.desk.connect(fx.accounts.core).issue(await makeTerms(fx), fx.accounts.core.address),
      ).to.be.revertedWithCustomError(fx.desk, "ReceivableInvalidTerms");
    });
  });

  describe("sign-off transfers", () => {
    it("locks the value until the receiver accepts, then splits it to the receiver", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const [s1, s2] = [fx.accounts.supplier1, fx.accounts.supplier2];
      const deadline = (await fx.now()) + 7 * DAY;
      await expect(fx.desk.connect(s1).offerTransfer(rootTokenId, s2.address, 250_000n, deadline))
        .to.emit(fx.desk, "TransferOffered")
        .withArgs(1, rootTokenId, s2.address, s1.address, 250_000n, deadline)
        .and.to.emit(fx.certificates, "ValueLocked")
        .withArgs(rootTokenId, 250_000n, 250_000n);
      expect((await fx.certificates.certificate(rootTokenId)).locked).to.equal(250_000n);
      // locked value cannot move meanwhile
      await expect(fx.certificates.connect(s1)[SPLIT](rootTokenId, s2.address, 750_001n))
        .to.be.revertedWithCustomError(fx.certificates, "CertificateInsufficientValue")
        .withArgs(rootTokenId, 750_000n, 750_001n);
      await expect(
        fx.certificates.connect(s1)[WHOLE](s1.address, s2.address, rootTokenId),
      ).to.be.revertedWithCustomError(fx.certificates, "CertificateLocked");
      await expect(fx.desk.connect(s2).acceptTransfer(1))
        .to.emit(fx.desk, "TransferOfferClosed")
        .withArgs(1, OfferStatus.Accepted, 2, ZeroHash);
      expect(await fx.certificates.ownerOf(2)).to.equal(s2.address);
      expect(await fx.certificates[VALUE_OF](2)).to.equal(250_000n);
      expect(await fx.certificates.lineage(2)).to.deep.equal([rootTokenId, rootTokenId, 2n]);
      expect((await fx.certificates.certificate(rootTokenId)).locked).to.equal(0n);
      expect(await fx.certificates[VALUE_OF](rootTokenId)).to.equal(750_000n);
      expect((await fx.desk.transferOffer(1)).status).to.equal(OfferStatus.Accepted);
      await expect(fx.desk.connect(s2).acceptTransfer(1))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableOfferWrongStatus")
        .withArgs(1, OfferStatus.Accepted);
    });

    it("a refused transfer returns the value to the sender", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const [s1, s2, s3] = [fx.accounts.supplier1, fx.accounts.supplier2, fx.accounts.supplier3];
      await fx.desk.connect(s1).offerTransfer(rootTokenId, s2.address, 250_000n, (await fx.now()) + DAY);
      await expect(fx.desk.connect(s3).refuseTransfer(1, ref("x"))).to.be.revertedWithCustomError(
        fx.desk,
        "ReceivableWrongParty",
      );
      await expect(fx.desk.connect(s3).acceptTransfer(1)).to.be.revertedWithCustomError(
        fx.desk,
        "ReceivableWrongParty",
      );
      await expect(fx.desk.connect(s2).refuseTransfer(1, ref("goods not received")))
        .to.emit(fx.desk, "TransferOfferClosed")
        .withArgs(1, OfferStatus.Refused, 0, ref("goods not received"));
      expect((await fx.certificates.certificate(rootTokenId)).locked).to.equal(0n);
      expect(await fx.certificates[VALUE_OF](rootTokenId)).to.equal(FACE);
    });

    it("an unclaimed transfer expires after its deadline and anyone may return the value", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const [s1, s2, s3] = [fx.accounts.supplier1, fx.accounts.supplier2, fx.accounts.supplier3];
      const deadline = (await fx.now()) + DAY;
      await fx.desk.connect(s1).offerTransfer(rootTokenId, s2.address, 250_000n, deadline);
      await expect(fx.desk.connect(s3).cancelTransfer(1))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableNotHolder")
        .withArgs(rootTokenId, s3.address);
      await networkHelpers.time.increaseTo(deadline + 1);
      await expect(fx.desk.connect(s2).acceptTransfer(1))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableTooLate")
        .withArgs(deadline);
      await expect(fx.desk.connect(s3).cancelTransfer(1))
        .to.emit(fx.desk, "TransferOfferClosed")
        .withArgs(1, OfferStatus.Expired, 0, ZeroHash);
      expect((await fx.certificates.certificate(rootTokenId)).locked).to.equal(0n);
    });

    it("the sender withdraws a pending transfer", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const [s1, s2] = [fx.accounts.supplier1, fx.accounts.supplier2];
      await fx.desk.connect(s1).offerTransfer(rootTokenId, s2.address, 250_000n, (await fx.now()) + DAY);
      await expect(fx.desk.connect(s1).cancelTransfer(1))
        .to.emit(fx.desk, "TransferOfferClosed")
        .withArgs(1, OfferStatus.Cancelled, 0, ZeroHash);
      await expect(fx.desk.connect(s1).cancelTransfer(1)).to.be.revertedWithCustomError(
        fx.desk,
        "ReceivableOfferWrongStatus",
      );
    });

    it("rejects offers by a non-holder, to oneself, to a non-member, past maturity or above the free value", async () => {
      const { fx, rootTokenId, maturity } = await networkHelpers.loadFixture(withRoot);
      const [s1, s2] = [fx.accounts.supplier1, fx.accounts.supplier2];
      const deadline = (await fx.now()) + DAY;
      await expect(fx.desk.connect(s2).offerTransfer(rootTokenId, s2.address, 1n, deadline))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableNotHolder")
        .withArgs(rootTokenId, s2.address);
      await expect(
        fx.desk.connect(s1).offerTransfer(rootTokenId, s1.address, 1n, deadline),
      ).to.be.revertedWithCustomError(fx.desk, "ReceivableWrongParty");
      await expect(
        fx.desk.connect(s1).offerTransfer(rootTokenId, fx.outsiders[0].address, 1n, deadline),
      ).to.be.revertedWithCustomError(fx.registry, "UnknownAccount");
      await expect(fx.desk.connect(s1).offerTransfer(rootTokenId, s2.address, 1n, maturity))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableInvalidTerms")
        .withArgs(encodeBytes32String("deadline"));
      await expect(fx.desk.connect(s1).offerTransfer(rootTokenId, s2.address, FACE + 1n, deadline))
        .to.be.revertedWithCustomError(fx.certificates, "CertificateInsufficientValue")
        .withArgs(rootTokenId, FACE, FACE + 1n);
      await expect(
        fx.desk.connect(s1).offerTransfer(rootTokenId, s2.address, 0n, deadline),
      ).to.be.revertedWithCustomError(fx.certificates, "CertificateZeroValue");
    });
  });

  describe("discount", () => {
    async function offered() {
      const base = await withRoot();
      const { fx, rootTokenId } = base;
      const deadline = (await fx.now()) + 3 * DAY;
      await fx.desk
        .connect(fx.accounts.supplier1)
        .offerDiscount(rootTokenId, 400_000n, fx.ids.bankA, 390_000n, deadline);
      return { ...base, deadline };
    }

    it("the bank pays the price and receives the certificate in one transaction", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(offered);
      const bank = fx.accounts.bankA;
      await fund(fx, bank, 1_000_000n);
      await fx.token.connect(bank).approve(fx.desk, 390_000n);
      const tx = fx.desk.connect(bank).acceptDiscount(1, ZeroHash);
      await expect(tx).to.emit(fx.desk, "DiscountAccepted").withArgs(1, 2, bank.address, 390_000n, ZeroHash);
      await expect(tx).to.changeTokenBalances(
        connection.ethers,
        fx.token,
        [bank, fx.accounts.supplier1],
        [-390_000n, 390_000n],
      );
      expect(await fx.certificates.ownerOf(2)).to.equal(bank.address);
      expect(await fx.certificates[VALUE_OF](2)).to.equal(400_000n);
      expect(await fx.certificates[VALUE_OF](rootTokenId)).to.equal(600_000n);
      expect((await fx.desk.discountOffer(1)).status).to.equal(OfferStatus.Accepted);
    });

    it("a discount paid short moves nothing", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(offered);
      const bank = fx.accounts.bankA;
      await fund(fx, bank, 1_000_000n);
      await fx.token.connect(bank).approve(fx.desk, 389_999n);
      await expect(fx.desk.connect(bank).acceptDiscount(1, ZeroHash)).to.be.revertedWithCustomError(
        fx.token,
        "ERC20InsufficientAllowance",
      );
      await fx.token.connect(bank).transfer(fx.accounts.bankB, 700_000n);
      await fx.token.connect(bank).approve(fx.desk, 390_000n);
      await expect(fx.desk.connect(bank).acceptDiscount(1, ZeroHash)).to.be.revertedWithCustomError(
        fx.token,
        "ERC20InsufficientBalance",
      );
      expect(await fx.certificates.totalMinted()).to.equal(1n);
      expect((await fx.certificates.certificate(rootTokenId)).locked).to.equal(400_000n);
      expect((await fx.desk.discountOffer(1)).status).to.equal(OfferStatus.Pending);
    });

    it("a bank that pays on existing rails records its off-chain payment instead", async () => {
      const { fx } = await networkHelpers.loadFixture(offered);
      const paymentRef = ref("CNAPS-0001");
      await expect(fx.desk.connect(fx.accounts.bankA).acceptDiscount(1, paymentRef))
        .to.emit(fx.ledger, "OffChainPaymentRecorded")
        .withArgs(paymentRef, await fx.desk.getAddress(), fx.ids.bankA, fx.ids.bankA, fx.ids.supplier1, 390_000n);
      expect(await fx.ledger.isRecorded(paymentRef)).to.equal(true);
      expect(await fx.certificates.ownerOf(2)).to.equal(fx.accounts.bankA.address);
    });

    it("a whole certificate offered keeps its id when the bank takes it", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const bank = fx.accounts.bankB;
      await fx.desk
        .connect(fx.accounts.supplier1)
        .offerDiscount(rootTokenId, FACE, fx.ids.bankB, 970_000n, (await fx.now()) + DAY);
      await fund(fx, bank, 970_000n);
      await fx.token.connect(bank).approve(fx.desk, 970_000n);
      await expect(fx.desk.connect(bank).acceptDiscount(1, ZeroHash))
        .to.emit(fx.certificates, "Transfer")
        .withArgs(fx.accounts.supplier1.address, bank.address, rootTokenId);
      expect(await fx.certificates.ownerOf(rootTokenId)).to.equal(bank.address);
      expect(await fx.certificates.totalMinted()).to.equal(1n);
    });

    it("only the named bank accepts, before the deadline", async () => {
      const { fx, deadline } = await networkHelpers.loadFixture(offered);
      await expect(fx.desk.connect(fx.accounts.bankB).acceptDiscount(1, ZeroHash))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableWrongParty")
        .withArgs(fx.accounts.bankB.address, fx.ids.bankB, fx.ids.bankA);
      await expect(fx.desk.connect(fx.accounts.supplier2).acceptDiscount(1, ZeroHash)).to.be.revertedWithCustomError(
        fx.registry,
        "MissingRole",
      );
      await networkHelpers.time.increaseTo(deadline + 1);
      await expect(fx.desk.connect(fx.accounts.bankA).acceptDiscount(1, ZeroHash)).to.be.revertedWithCustomError(
        fx.desk,
        "ReceivableTooLate",
      );
      await expect(fx.desk.connect(fx.accounts.supplier3).cancelDiscount(1))
        .to.emit(fx.desk, "DiscountOfferClosed")
        .withArgs(1, OfferStatus.Expired);
      await expect(fx.desk.connect(fx.accounts.bankA).acceptDiscount(1, ZeroHash)).to.be.revertedWithCustomError(
        fx.desk,
        "ReceivableOfferWrongStatus",
      );
    });

    it("the holder withdraws its offer; others cannot before the deadline", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(offered);
      await expect(fx.desk.connect(fx.accounts.supplier2).cancelDiscount(1)).to.be.revertedWithCustomError(
        fx.desk,
        "ReceivableNotHolder",
      );
      await expect(fx.desk.connect(fx.accounts.supplier1).cancelDiscount(1))
        .to.emit(fx.desk, "DiscountOfferClosed")
        .withArgs(1, OfferStatus.Cancelled);
      expect((await fx.certificates.certificate(rootTokenId)).locked).to.equal(0n);
      await expect(fx.desk.connect(fx.accounts.supplier1).cancelDiscount(1)).to.be.revertedWithCustomError(
        fx.desk,
        "ReceivableOfferWrongStatus",
      );
    });

    it("rejects a price above the value or zero, a non-bank, oneself and a deadline past maturity", async () => {
      const { fx, rootTokenId, maturity } = await networkHelpers.loadFixture(withRoot);
      const desk = fx.desk.connect(fx.accounts.supplier1);
      const deadline = (await fx.now()) + DAY;
      await expect(desk.offerDiscount(rootTokenId, 100n, fx.ids.bankA, 101n, deadline))
        .to.be.revertedWithCustomError(desk, "ReceivableInvalidTerms")
        .withArgs(encodeBytes32String("price"));
      await expect(desk.offerDiscount(rootTokenId, 100n, fx.ids.bankA, 0n, deadline)).to.be.revertedWithCustomError(
        desk,
        "ReceivableInvalidTerms",
      );
      await expect(desk.offerDiscount(rootTokenId, 100n, fx.ids.supplier2, 90n, deadline))
        .to.be.revertedWithCustomError(desk, "ReceivableIneligibleMember")
        .withArgs(fx.ids.supplier2, roleSet("FINANCIER"));
      await expect(desk.offerDiscount(rootTokenId, 100n, fx.ids.bankA, 90n, maturity)).to.be.revertedWithCustomError(
        desk,
        "ReceivableInvalidTerms",
      );
      // a bank holding a certificate cannot offer it to itself
      const bankCert = await split(fx, fx.accounts.supplier1, rootTokenId, fx.accounts.bankA, 100n);
      await expect(
        fx.desk.connect(fx.accounts.bankA).offerDiscount(bankCert, 100n, fx.ids.bankA, 90n, deadline),
      ).to.be.revertedWithCustomError(desk, "ReceivableWrongParty");
    });
  });

  describe("pledge", () => {
    async function pledged() {
      const base = await withRoot();
      const { fx, rootTokenId } = base;
      const dueDate = (await fx.now()) + 30 * DAY;
      await fx.desk.connect(fx.accounts.supplier1).pledge(rootTokenId, 500_000n, fx.ids.bankA, dueDate);
      return { ...base, dueDate };
    }

    it("locks the pledged value: it cannot move", async () => {
      const { fx, rootTokenId, dueDate } = await networkHelpers.loadFixture(pledged);
      expect(await fx.desk.pledgeOf(1)).to.deep.equal([
        rootTokenId,
        BigInt(fx.ids.bankA),
        BigInt(dueDate),
        PledgeStatus.Active,
        500_000n,
      ]);
      const c = fx.certificates.connect(fx.accounts.supplier1);
      await expect(c[SPLIT](rootTokenId, fx.accounts.supplier2.address, 500_001n))
        .to.be.revertedWithCustomError(c, "CertificateInsufficientValue")
        .withArgs(rootTokenId, 500_000n, 500_001n);
      await expect(c[WHOLE](fx.accounts.supplier1.address, fx.accounts.supplier2.address, rootTokenId))
        .to.be.revertedWithCustomError(c, "CertificateLocked")
        .withArgs(rootTokenId, 500_000n);
      await split(fx, fx.accounts.supplier1, rootTokenId, fx.accounts.supplier2, 500_000n);
    });

    it("the pledgee releases it", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(pledged);
      await expect(fx.desk.connect(fx.accounts.bankB).releasePledge(1))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableWrongParty")
        .withArgs(fx.accounts.bankB.address, fx.ids.bankB, fx.ids.bankA);
      await expect(fx.desk.connect(fx.accounts.supplier1).releasePledge(1)).to.be.revertedWithCustomError(
        fx.registry,
        "MissingRole",
      );
      await expect(fx.desk.connect(fx.accounts.bankA).releasePledge(1))
        .to.emit(fx.desk, "PledgeReleased")
        .withArgs(1)
        .and.to.emit(fx.certificates, "ValueUnlocked")
        .withArgs(rootTokenId, 500_000n, 0n);
      await expect(fx.desk.connect(fx.accounts.bankA).releasePledge(1))
        .to.be.revertedWithCustomError(fx.desk, "ReceivablePledgeWrongStatus")
        .withArgs(1, PledgeStatus.Released);
    });

    it("the pledgee takes the value at default, from the due date on, even after maturity", async () => {
      const { fx, rootTokenId, dueDate, maturity } = await networkHelpers.loadFixture(pledged);
      await expect(fx.desk.connect(fx.accounts.bankA).takePledge(1))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableTooEarly")
        .withArgs(dueDate);
      await networkHelpers.time.increaseTo(maturity + 10n);
      await expect(fx.desk.connect(fx.accounts.bankA).takePledge(1))
        .to.emit(fx.desk, "PledgeTaken")
        .withArgs(1, 2, fx.accounts.bankA.address);
      expect(await fx.certificates.ownerOf(2)).to.equal(fx.accounts.bankA.address);
      expect(await fx.certificates[VALUE_OF](2)).to.equal(500_000n);
      expect(await fx.certificates[VALUE_OF](rootTokenId)).to.equal(500_000n);
      expect((await fx.desk.pledgeOf(1)).status).to.equal(PledgeStatus.Taken);
    });

    it("rejects a pledge to a non-bank, to oneself, with a past due date, or by a non-holder", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const desk = fx.desk.connect(fx.accounts.supplier1);
      const due = (await fx.now()) + DAY;
      await expect(desk.pledge(rootTokenId, 1n, fx.ids.core, due)).to.be.revertedWithCustomError(
        desk,
        "ReceivableIneligibleMember",
      );
      await expect(desk.pledge(rootTokenId, 1n, fx.ids.bankA, await fx.now())).to.be.revertedWithCustomError(
        desk,
        "ReceivableTooLate",
      );
      await expect(
        fx.desk.connect(fx.accounts.supplier2).pledge(rootTokenId, 1n, fx.ids.bankA, due),
      ).to.be.revertedWithCustomError(desk, "ReceivableNotHolder");
      const bankCert = await split(fx, fx.accounts.supplier1, rootTokenId, fx.accounts.bankA, 100n);
      await expect(
        fx.desk.connect(fx.accounts.bankA).pledge(bankCert, 1n, fx.ids.bankA, due),
      ).to.be.revertedWithCustomError(desk, "ReceivableWrongParty");
    });

    it("a suspended holder cannot pledge", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      await suspend(fx, fx.ids.supplier1);
      await expect(
        fx.desk.connect(fx.accounts.supplier1).pledge(rootTokenId, 1n, fx.ids.bankA, (await fx.now()) + DAY),
      ).to.be.revertedWithCustomError(fx.registry, "MemberNotActive");
    });
  });

  describe("guarantee", () => {
    it("a bank guarantees an active receivable once, before maturity", async () => {
      const { fx, receivableId, maturity } = await networkHelpers.loadFixture(withRoot);
      await fx.desk.connect(fx.accounts.core).requestGuarantee(receivableId, fx.ids.bankA);
      await expect(fx.desk.connect(fx.accounts.supplier1).guarantee(receivableId)).to.be.revertedWithCustomError(
        fx.registry,
        "MissingRole",
      );
      await expect(fx.desk.connect(fx.accounts.bankA).guarantee(99)).to.be.revertedWithCustomError(
        fx.desk,
        "ReceivableUnknown",
      );
      await expect(fx.desk.connect(fx.accounts.bankA).guarantee(receivableId))
        .to.emit(fx.desk, "ReceivableGuaranteed")
        .withArgs(receivableId, fx.ids.bankA, fx.accounts.bankA.address);
      expect((await fx.desk.receivable(receivableId)).guarantor).to.equal(BigInt(fx.ids.bankA));
      await expect(fx.desk.connect(fx.accounts.bankB).guarantee(receivableId))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableGuarantee")
        .withArgs(receivableId, fx.ids.bankA);
      const other = await confirmed(fx);
      expect(other.maturity).to.be.greaterThan(maturity);
      await fx.desk.connect(fx.accounts.core).requestGuarantee(other.receivableId, fx.ids.bankB);
      await networkHelpers.time.increaseTo(other.maturity);
      await expect(fx.desk.connect(fx.accounts.bankB).guarantee(other.receivableId)).to.be.revertedWithCustomError(
        fx.desk,
        "ReceivableTooLate",
      );
    });

    it("only an active receivable can be guaranteed", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await fx.desk.connect(fx.accounts.supplier1).register(await makeTerms(fx));
      await expect(fx.desk.connect(fx.accounts.bankA).guarantee(1))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableWrongStatus")
        .withArgs(1, Status.Registered);
    });
  });

  describe("funding and redemption", () => {
    it("the obligor funds the face value and each holder redeems its own value", async () => {
      const { fx, receivableId, rootTokenId, child, maturity } = await networkHelpers.loadFixture(withTwoHolders);
      const core = fx.accounts.core;
      await fund(fx, core, FACE);
      await fx.token.connect(core).approve(fx.desk, FACE);
      await networkHelpers.time.increaseTo(maturity);
      await expect(fx.desk.connect(core).fund(receivableId))
        .to.emit(fx.desk, "ReceivableFunded")
        .withArgs(receivableId, fx.ids.core, core.address, FACE);
      expect(await fx.token.balanceOf(fx.desk)).to.equal(FACE);
      const r1 = fx.desk.connect(fx.accounts.supplier2).redeem(child);
      await expect(r1)
        .to.emit(fx.desk, "CertificateRedeemed")
        .withArgs(receivableId, child, fx.accounts.supplier2.address, fx.ids.supplier2, 400_000n, ZeroHash);
      await expect(r1).to.changeTokenBalances(
        connection.ethers,
        fx.token,
        [fx.accounts.supplier2, fx.desk],
        [400_000n, -400_000n],
      );
      const r2 = fx.desk.connect(fx.accounts.supplier1).redeem(rootTokenId);
      await expect(r2).to.emit(fx.desk, "ReceivableSettled").withArgs(receivableId);
      await expect(r2).to.changeTokenBalances(connection.ethers, fx.token, [fx.accounts.supplier1], [600_000n]);
      const r = await fx.desk.receivable(receivableId);
      expect(r.status).to.equal(Status.Settled);
      expect(r.redeemed).to.equal(FACE);
      expect(r.escrowed).to.equal(0n);
      const info = await fx.certificates.claimInfo(child);
      expect(info.settled).to.equal(true);
      expect(info.holder).to.equal(ZeroAddress);
      // lineage survives redemption
      expect(await fx.certificates.lineage(child)).to.deep.equal([rootTokenId, rootTokenId, 2n]);
    });

    it("redeem emits the ERC-3525 burn events in order", async () => {
      const { fx, receivableId, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      await fund(fx, fx.accounts.core, FACE);
      await fx.token.connect(fx.accounts.core).approve(fx.desk, FACE);
      await fx.desk.connect(fx.accounts.core).fund(receivableId);
      const tx = await fx.desk.connect(fx.accounts.supplier1).redeem(rootTokenId);
      expect(await eventNames(tx, fx.certificates)).to.deep.equal(["TransferValue", "SlotChanged", "Transfer"]);
      await expect(tx).to.emit(fx.certificates, "TransferValue").withArgs(rootTokenId, 0, FACE);
      await expect(tx).to.emit(fx.certificates, "SlotChanged").withArgs(rootTokenId, receivableId, 0);
      await expect(tx)
        .to.emit(fx.certificates, "Transfer")
        .withArgs(fx.accounts.supplier1.address, ZeroAddress, rootTokenId);
    });

    it("rejects redemption before funding, twice, by a non-holder, or with locked value", async () => {
      const { fx, receivableId, rootTokenId, child } = await networkHelpers.loadFixture(withTwoHolders);
      await expect(fx.desk.connect(fx.accounts.supplier2).redeem(child))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableWrongStatus")
        .withArgs(receivableId, Status.Active);
      await fx.desk.connect(fx.accounts.supplier1).pledge(rootTokenId, 1n, fx.ids.bankA, (await fx.now()) + DAY);
      await fund(fx, fx.accounts.core, FACE);
      await fx.token.connect(fx.accounts.core).approve(fx.desk, FACE);
      await fx.desk.connect(fx.accounts.core).fund(receivableId);
      await expect(fx.desk.connect(fx.accounts.supplier1).redeem(child))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableNotHolder")
        .withArgs(child, fx.accounts.supplier1.address);
      await expect(fx.desk.connect(fx.accounts.supplier1).redeem(rootTokenId))
        .to.be.revertedWithCustomError(fx.certificates, "CertificateLocked")
        .withArgs(rootTokenId, 1n);
      await fx.desk.connect(fx.accounts.supplier2).redeem(child);
      await expect(fx.desk.connect(fx.accounts.supplier2).redeem(child))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableNotHolder")
        .withArgs(child, fx.accounts.supplier2.address);
      await expect(fx.desk.connect(fx.accounts.core).fund(receivableId))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableWrongStatus")
        .withArgs(receivableId, Status.Funded);
    });

    it("only the obligor funds", async () => {
      const { fx, receivableId } = await networkHelpers.loadFixture(withRoot);
      await expect(fx.desk.connect(fx.accounts.supplier1).fund(receivableId)).to.be.revertedWithCustomError(
        fx.registry,
        "MissingRole",
      );
      await expect(fx.desk.connect(fx.accounts.core).fund(42)).to.be.revertedWithCustomError(
        fx.desk,
        "ReceivableUnknown",
      );
      await expect(fx.desk.connect(fx.accounts.core).fund(receivableId)).to.be.revertedWithCustomError(
        fx.token,
        "ERC20InsufficientAllowance",
      );
    });

    it("the obligor's paying bank pays holders off chain, and funding covers only the rest", async () => {
      const { fx, receivableId, rootTokenId, child, maturity } = await networkHelpers.loadFixture(withTwoHolders);
      const bank = fx.accounts.bankA;
      await expect(fx.desk.connect(fx.accounts.core).setPayingBank(fx.ids.bankA))
        .to.emit(fx.desk, "PayingBankSet")
        .withArgs(fx.ids.core, fx.ids.bankA);
      expect(await fx.desk.payingBankOf(fx.ids.core)).to.equal(BigInt(fx.ids.bankA));
      const paymentRef = ref("CNAPS-42");
      await expect(fx.desk.connect(bank).payOffChain(child, paymentRef))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableTooEarly")
        .withArgs(maturity);
      await networkHelpers.time.increaseTo(maturity);
      await expect(fx.desk.connect(fx.accounts.bankB).payOffChain(child, paymentRef))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableWrongParty")
        .withArgs(fx.accounts.bankB.address, fx.ids.bankB, fx.ids.bankA);
      await expect(fx.desk.connect(bank).payOffChain(child, ZeroHash)).to.be.revertedWithCustomError(
        fx.desk,
        "ReceivableInvalidTerms",
      );
      await expect(fx.desk.connect(bank).payOffChain(child, paymentRef))
        .to.emit(fx.desk, "CertificateRedeemed")
        .withArgs(receivableId, child, fx.accounts.supplier2.address, fx.ids.supplier2, 400_000n, paymentRef)
        .and.to.emit(fx.ledger, "OffChainPaymentRecorded")
        .withArgs(paymentRef, await fx.desk.getAddress(), fx.ids.bankA, fx.ids.core, fx.ids.supplier2, 400_000n);
      await expect(fx.desk.connect(bank).payOffChain(rootTokenId, paymentRef)).to.be.revertedWithCustomError(
        fx.ledger,
        "ReferenceUsed",
      );
      await fund(fx, fx.accounts.core, FACE);
      await fx.token.connect(fx.accounts.core).approve(fx.desk, FACE);
      await expect(fx.desk.connect(fx.accounts.core).fund(receivableId))
        .to.emit(fx.desk, "ReceivableFunded")
        .withArgs(receivableId, fx.ids.core, fx.accounts.core.address, 600_000n);
      await expect(fx.desk.connect(bank).payOffChain(rootTokenId, ref("late"))).to.be.revertedWithCustomError(
        fx.desk,
        "ReceivableWrongStatus",
      );
      await fx.desk.connect(fx.accounts.supplier1).redeem(rootTokenId);
      expect((await fx.desk.receivable(receivableId)).status).to.equal(Status.Settled);
    });

    it("off-chain payments of every certificate settle the receivable", async () => {
      const { fx, receivableId, rootTokenId, maturity } = await networkHelpers.loadFixture(withRoot);
      await fx.desk.connect(fx.accounts.core).setPayingBank(fx.ids.bankC);
      await networkHelpers.time.increaseTo(maturity);
      await expect(fx.desk.connect(fx.accounts.bankC).payOffChain(rootTokenId, ref("all")))
        .to.emit(fx.desk, "ReceivableSettled")
        .withArgs(receivableId);
    });

    it("an obligor names only an active paying bank", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await expect(fx.desk.connect(fx.accounts.core).setPayingBank(fx.ids.supplier1))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableIneligibleMember")
        .withArgs(fx.ids.supplier1, roleSet("PAYMENT_BANK"));
      await fx.desk.connect(fx.accounts.core).setPayingBank(0);
      await expect(fx.desk.connect(fx.accounts.supplier1).setPayingBank(fx.ids.bankA)).to.be.revertedWithCustomError(
        fx.registry,
        "MissingRole",
      );
    });
  });

  describe("overdue and recourse to the guarantor", () => {
    async function guaranteed() {
      const base = await withTwoHolders();
      await base.fx.desk.connect(base.fx.accounts.core).requestGuarantee(base.receivableId, base.fx.ids.bankA);
      await base.fx.desk.connect(base.fx.accounts.bankA).guarantee(base.receivableId);
      return base;
    }

    it("an unfunded receivable goes overdue after the grace period; the guarantor pays when called", async () => {
      const { fx, receivableId, rootTokenId, child, maturity } = await networkHelpers.loadFixture(guaranteed);
      const grace = BigInt(await fx.desk.GRACE_PERIOD());
      await networkHelpers.time.increaseTo(maturity);
      await expect(fx.desk.connect(fx.accounts.supplier2).markOverdue(receivableId))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableTooEarly")
        .withArgs(maturity + grace);
      await expect(fx.desk.connect(fx.accounts.supplier2).callGuarantee(child))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableWrongStatus")
        .withArgs(receivableId, Status.Active);
      await networkHelpers.time.increaseTo(maturity + grace);
      await expect(fx.desk.connect(fx.accounts.supplier2).markOverdue(receivableId))
        .to.emit(fx.desk, "ReceivableOverdue")
        .withArgs(receivableId, FACE);
      await expect(fx.desk.connect(fx.accounts.supplier2).markOverdue(receivableId)).to.be.revertedWithCustomError(
        fx.desk,
        "ReceivableWrongStatus",
      );
      // overdue certificates do not move
      await expect(
        fx.certificates.connect(fx.accounts.supplier2)[SPLIT](child, fx.accounts.supplier3.address, 1n),
      ).to.be.revertedWithCustomError(fx.certificates, "CertificateMatured");
      await expect(fx.desk.connect(fx.accounts.bankA).honourGuarantee(receivableId))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableWrongStatus")
        .withArgs(receivableId, Status.Overdue);
      await expect(fx.desk.connect(fx.accounts.supplier3).callGuarantee(child)).to.be.revertedWithCustomError(
        fx.desk,
        "ReceivableNotHolder",
      );
      await expect(fx.desk.connect(fx.accounts.supplier2).callGuarantee(child))
        .to.emit(fx.desk, "GuaranteeCalled")
        .withArgs(receivableId, fx.ids.bankA, child, fx.accounts.supplier2.address);
      await expect(fx.desk.connect(fx.accounts.bankB).honourGuarantee(receivableId))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableWrongParty")
        .withArgs(fx.accounts.bankB.address, fx.ids.bankB, fx.ids.bankA);
      await fund(fx, fx.accounts.bankA, FACE);
      await fx.token.connect(fx.accounts.bankA).approve(fx.desk, FACE);
      await expect(fx.desk.connect(fx.accounts.bankA).honourGuarantee(receivableId))
        .to.emit(fx.desk, "ReceivableFunded")
        .withArgs(receivableId, fx.ids.bankA, fx.accounts.bankA.address, FACE);
      await fx.desk.connect(fx.accounts.supplier2).redeem(child);
      await fx.desk.connect(fx.accounts.supplier1).redeem(rootTokenId);
      expect((await fx.desk.receivable(receivableId)).status).to.equal(Status.Settled);
      expect(await fx.token.balanceOf(fx.desk)).to.equal(0n);
    });

    it("without a guarantor there is no one to call; the obligor may still pay late", async () => {
      const { fx, receivableId, child, maturity } = await networkHelpers.loadFixture(withTwoHolders);
      await networkHelpers.time.increaseTo(maturity + BigInt(await fx.desk.GRACE_PERIOD()));
      await fx.desk.connect(fx.accounts.supplier1).markOverdue(receivableId);
      await expect(fx.desk.connect(fx.accounts.supplier2).callGuarantee(child))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableGuarantee")
        .withArgs(receivableId, 0);
      await fund(fx, fx.accounts.core, FACE);
      await fx.token.connect(fx.accounts.core).approve(fx.desk, FACE);
      await fx.desk.connect(fx.accounts.core).fund(receivableId);
      expect((await fx.desk.receivable(receivableId)).status).to.equal(Status.Funded);
    });

    it("after a call the guarantor may pay holders off chain", async () => {
      const { fx, receivableId, child, maturity } = await networkHelpers.loadFixture(guaranteed);
      await networkHelpers.time.increaseTo(maturity + BigInt(await fx.desk.GRACE_PERIOD()));
      await fx.desk.connect(fx.accounts.supplier2).markOverdue(receivableId);
      await fx.desk.connect(fx.accounts.supplier2).callGuarantee(child);
      // The guarantor's payment ends the holder's claim once the holder acknowledged it.
      await fx.desk.connect(fx.accounts.supplier2).acknowledgeOffChainPayment(child, ref("guarantor-pays"));
      await expect(fx.desk.connect(fx.accounts.bankA).payOffChain(child, ref("guarantor-pays")))
        .to.emit(fx.ledger, "OffChainPaymentRecorded")
        .withArgs(
          ref("guarantor-pays"),
          await fx.desk.getAddress(),
          fx.ids.bankA,
          fx.ids.bankA,
          fx.ids.supplier2,
          400_000n,
        );
    });

    it("markOverdue needs a known, active receivable and a member", async () => {
      const { fx, receivableId } = await networkHelpers.loadFixture(withRoot);
      await expect(fx.desk.connect(fx.accounts.supplier1).markOverdue(77)).to.be.revertedWithCustomError(
        fx.desk,
        "ReceivableUnknown",
      );
      await expect(fx.desk.connect(fx.outsiders[0]).markOverdue(receivableId)).to.be.revertedWithCustomError(
        fx.registry,
        "UnknownAccount",
      );
      await expect(fx.desk.connect(fx.accounts.supplier1).honourGuarantee(77)).to.be.revertedWithCustomError(
        fx.desk,
        "ReceivableUnknown",
      );
    });
  });

  it("is deployed against its certificate contract", async () => {
    const fx = await networkHelpers.loadFixture(deployed);
    expect(await fx.desk.certificates()).to.equal(await fx.certificates.getAddress());
    expect(await fx.desk.settlementToken()).to.equal(await fx.token.getAddress());
    await expect(
      connection.ethers.deployContract("ReceivableDesk", [
        fx.registry,
        fx.token,
        fx.ledger,
        ZeroAddress,
        fx.financedDocuments,
        fx.limits,
      ]),
    ).to.be.revertedWithCustomError(fx.desk, "InvalidValue");
    await expect(
      connection.ethers.deployContract("ReceivableDesk", [
        fx.registry,
        fx.token,
        fx.ledger,
        fx.certificates,
        fx.financedDocuments,
        ZeroAddress,
      ]),
    )
      .to.be.revertedWithCustomError(fx.desk, "InvalidValue")
      .withArgs(encodeBytes32String("limits"));
    expect(await fx.desk.issuanceLimits()).to.equal(await fx.limits.getAddress());
  });
});
