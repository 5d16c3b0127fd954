import { expect } from "chai";
import { MaxUint256, ZeroAddress, ZeroHash, encodeBytes32String, type Addressable } from "ethers";
import { network } from "hardhat";
import { passProposal } from "../helpers/consortium.js";
import {
  CNY,
  LOAN,
  Mode,
  PRINCIPAL,
  QUANTITY,
  ReceiptStatus,
  VALUE,
  deployWarehouse,
  hash,
  issued,
  offered,
  pledged,
  terms,
  type Warehouse,
} from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

const deployed = () => deployWarehouse(connection);
const REFERENCE = hash("(2026) Hu 0101 Zhi Bao 7: order document");
const AUTHORITY = hash("authority: Shanghai Pudong People's Court");
const PAYMENT = hash("payment: bankA ref 0001");

/** The regulator proposes and its second account approves a freeze of `amount` units of receipt `id`. */
async function freeze(fx: Warehouse, id: bigint, amount: bigint) {
  const scope = { kind: 1, asset: fx.receipts.target as string | Addressable, claimContract: ZeroAddress, id, amount };
  const until = (await networkHelpers.time.latest()) + 30 * 86_400;
  const orderId = await fx.freezeOrders
    .connect(fx.accounts.regulator)
    .propose.staticCall(scope, REFERENCE, AUTHORITY, until);
  await fx.freezeOrders.connect(fx.accounts.regulator).propose(scope, REFERENCE, AUTHORITY, until);
  await fx.freezeOrders.connect(fx.regulator2).approve(orderId);
  return orderId;
}

describe("WarehouseReceipts", () => {
  describe("issue", () => {
    it("refuses a member without the WAREHOUSE role", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await expect(fx.receipts.connect(fx.accounts.bankA).issue(terms(fx))).to.be.revertedWithCustomError(
        fx.registry,
        "MissingRole",
      );
    });

    it("refuses a suspended warehouse and a suspended depositor", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await fx.suspend(fx.ids.supplier1);
      await expect(issued(fx)).to.be.revertedWithCustomError(fx.registry, "MemberNotActive");
      await fx.suspend(fx.ids.gov2);
      await expect(issued(fx, "lot-2", Mode.Confirmed)).to.be.revertedWithCustomError(fx.registry, "MemberNotActive");
    });

    it("refuses empty hashes, zero quantity or value, a dealer in 融通仓 and none in 保兑仓", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const w = fx.receipts.connect(fx.accounts.gov2);
      const invalid = async (changes: Record<string, unknown>, field: string) =>
        expect(w.issue(terms(fx, changes)))
          .to.be.revertedWithCustomError(fx.receipts, "ReceiptInvalid")
          .withArgs(encodeBytes32String(field));
      await invalid({ goodsHash: ZeroHash }, "goodsHash");
      await invalid({ locationHash: ZeroHash }, "locationHash");
      await invalid({ documentId: ZeroHash }, "documentId");
      await invalid({ quantity: 0 }, "quantity");
      await invalid({ value: 0 }, "value");
      await invalid({ dealer: fx.ids.supplier2 }, "dealer");
      await invalid({ mode: Mode.Confirmed }, "dealer");
      await invalid({ depositor: fx.ids.gov2 }, "depositor");
    });

    it("issues a receipt with the goods by hash only", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const tx = fx.receipts.connect(fx.accounts.gov2).issue(terms(fx));
      await expect(tx).to.emit(fx.receipts, "ReceiptIssued");
      const receipt = await (await tx).wait();
      const event = fx.receipts.interface.parseLog(receipt!.logs[0])!;
      expect([event.args.receiptId, event.args.warehouse, event.args.depositor]).to.deep.equal([
        1n,
        BigInt(fx.ids.gov2),
        BigInt(fx.ids.supplier1),
      ]);
      expect([
        event.args.receipt.goodsHash,
        event.args.receipt.locationHash,
        event.args.receipt.quantity,
      ]).to.deep.equal([hash("g"), hash("l"), QUANTITY]);
      const r = await fx.receipts.receipt(1n);
      expect([r.status, r.quantity, r.released, r.documentId]).to.deep.equal([
        ReceiptStatus.Issued,
        QUANTITY,
        0n,
        hash("d"),
      ]);
    });
  });

  describe("pledge: offer and acceptance", () => {
    it("only the depositor offers, once, to a member with the FINANCIER role", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await issued(fx);
      await expect(fx.receipts.connect(fx.accounts.supplier2).offerPledge(id, fx.ids.bankA, LOAN, PRINCIPAL))
        .to.be.revertedWithCustomError(fx.receipts, "ReceiptWrongParty")
        .withArgs(id, fx.ids.supplier2, fx.ids.supplier1);
      await expect(
        fx.receipts.connect(fx.accounts.supplier1).offerPledge(id, fx.ids.core, LOAN, PRINCIPAL),
      ).to.be.revertedWithCustomError(fx.registry, "MissingRole");
      await offered(fx, id);
      await expect(fx.receipts.connect(fx.accounts.supplier1).offerPledge(id, fx.ids.bankB, LOAN, PRINCIPAL))
        .to.be.revertedWithCustomError(fx.receipts, "ReceiptWrongStatus")
        .withArgs(id, ReceiptStatus.Offered);
    });

    it("refuses acceptance by another bank than the one offered", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await issued(fx);
      const offer = await offered(fx, id);
      await expect(fx.receipts.connect(fx.accounts.bankB).acceptPledge(id, offer))
        .to.be.revertedWithCustomError(fx.receipts, "ReceiptWrongParty")
        .withArgs(id, fx.ids.bankB, fx.ids.bankA);
    });

    it("refuses an acceptance of terms changed since the bank priced them", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await issued(fx);
      const priced = await offered(fx, id);
      await fx.receipts.connect(fx.accounts.supplier1).withdrawPledge(id);
      await fx.receipts.connect(fx.accounts.supplier1).offerPledge(id, fx.ids.bankA, LOAN, PRINCIPAL * 2n);
      const standing = (await fx.receipts.pledge(id)).offerHash;
      await expect(fx.receipts.connect(fx.accounts.bankA).acceptPledge(id, priced))
        .to.be.revertedWithCustomError(fx.receipts, "ReceiptOfferChanged")
        .withArgs(id, standing, priced);
    });

    it("refuses acceptance once the pledgor, the dealer or the warehouse is suspended since the offer", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await issued(fx);
      const offer = await offered(fx, id);
      await fx.suspend(fx.ids.supplier1);
      await expect(fx.receipts.connect(fx.accounts.bankA).acceptPledge(id, offer))
        .to.be.revertedWithCustomError(fx.registry, "MemberNotActive")
        .withArgs(fx.ids.supplier1, 2);
      const confirmedId = await issued(fx, "lot-2", Mode.Confirmed);
      const offer2 = await offered(fx, confirmedId, fx.accounts.core);
      await fx.suspend(fx.ids.supplier2);
      await expect(fx.receipts.connect(fx.accounts.bankA).acceptPledge(confirmedId, offer2))
        .to.be.revertedWithCustomError(fx.registry, "MemberNotActive")
        .withArgs(fx.ids.supplier2, 2);
    });

    it("refuses acceptance once the warehouse is suspended", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await issued(fx);
      const offer = await offered(fx, id);
      await fx.suspend(fx.ids.gov2);
      await expect(fx.receipts.connect(fx.accounts.bankA).acceptPledge(id, offer))
        .to.be.revertedWithCustomError(fx.registry, "MemberNotActive")
        .withArgs(fx.ids.gov2, 2);
    });

    it("refuses a bank account blacklisted since the offer", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await issued(fx);
      const offer = await offered(fx, id);
      await passProposal(
        fx,
        fx.registry,
        fx.registry.interface.encodeFunctionData("blacklistAccount", [fx.accounts.bankA.address]),
      );
      await expect(fx.receipts.connect(fx.accounts.bankA).acceptPledge(id, offer)).to.be.revertedWithCustomError(
        fx.registry,
        "AccountNotActive",
      );
    });

    it("the receipt holds its goods' document: pledged once, never twice", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await issued(fx);
      const offer = await offered(fx, id);
      await expect(fx.receipts.connect(fx.accounts.bankA).acceptPledge(id, offer))
        .to.emit(fx.receipts, "PledgeAccepted")
        .withArgs(id, fx.ids.bankA, LOAN, PRINCIPAL)
        .and.to.emit(fx.documents, "DocumentHeld");
      expect((await fx.receipts.receipt(id)).status).to.equal(ReceiptStatus.Pledged);
      expect(await fx.documents.financedAmount(hash("document:lot-1"))).to.equal(VALUE);
      await expect(fx.receipts.connect(fx.accounts.supplier1).offerPledge(id, fx.ids.bankB, LOAN, PRINCIPAL))
        .to.be.revertedWithCustomError(fx.receipts, "ReceiptWrongStatus")
        .withArgs(id, ReceiptStatus.Pledged);
    });

    it("a second receipt over the same goods is refused at acceptance, and the attempt is recorded, not reverted", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const first = await pledged(fx);
      const second = await issued(fx); // the same goods' document id, issued again
      await fx.receipts.connect(fx.accounts.supplier1).offerPledge(second, fx.ids.bankB, LOAN, PRINCIPAL);
      const offer = (await fx.receipts.pledge(second)).offerHash;
      const documentId = hash("document:lot-1");
      await expect(fx.receipts.connect(fx.accounts.bankB).acceptPledge(second, offer))
        .to.emit(fx.receipts, "PledgeRefused")
        .withArgs(second, fx.ids.bankB, documentId)
        .and.to.emit(fx.documents, "FinancingRefused")
        .withArgs(
          documentId,
          fx.ids.bankB,
          fx.receipts.target,
          second,
          VALUE,
          VALUE,
          CNY,
          VALUE,
          0n,
          fx.receipts.target,
          first,
        );
      const r = await fx.receipts.receipt(second);
      expect([r.status, r.financier]).to.deep.equal([ReceiptStatus.Issued, 0n]);
      expect(await fx.documents.financedAmount(documentId)).to.equal(VALUE);
    });
  });

  describe("repayment and release (融通仓)", () => {
    it("only the pledgee bank records repayments, never beyond the principal, only while pledged", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await issued(fx);
      await expect(fx.receipts.connect(fx.accounts.bankA).recordRepayment(id, 1n, PAYMENT))
        .to.be.revertedWithCustomError(fx.receipts, "ReceiptWrongStatus")
        .withArgs(id, ReceiptStatus.Issued);
      await fx.receipts.connect(fx.accounts.bankA).acceptPledge(id, await offered(fx, id));
      await expect(fx.receipts.connect(fx.accounts.bankB).recordRepayment(id, 1n, PAYMENT))
        .to.be.revertedWithCustomError(fx.receipts, "ReceiptWrongParty")
        .withArgs(id, fx.ids.bankB, fx.ids.bankA);
      await expect(fx.receipts.connect(fx.accounts.bankA).recordRepayment(id, PRINCIPAL + 1n, PAYMENT))
        .to.be.revertedWithCustomError(fx.receipts, "ReceiptOverRepaid")
        .withArgs(id, PRINCIPAL, 0n, PRINCIPAL + 1n);
    });

    it("releases goods only in proportion to repayment", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await pledged(fx);
      const bank = fx.receipts.connect(fx.accounts.bankA);
      await expect(bank.instructRelease(id, 1n))
        .to.be.revertedWithCustomError(fx.receipts, "ReceiptReleaseNotCovered")
        .withArgs(id, 0n, 1n);
      await bank.recordRepayment(id, 250_000n, PAYMENT);
      expect(await fx.receipts.releasable(id)).to.equal(250n);
      await expect(bank.instructRelease(id, 251n))
        .to.be.revertedWithCustomError(fx.receipts, "ReceiptReleaseNotCovered")
        .withArgs(id, 250n, 251n);
      await expect(bank.instructRelease(id, 200n))
        .to.emit(fx.receipts, "ReleaseInstructed")
        .withArgs(id, fx.ids.bankA, 200n, 200n);
      expect(await fx.receipts.releasable(id)).to.equal(50n);
    });

    it("only the bank instructs; only the issuing warehouse confirms, never beyond the instruction", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await pledged(fx);
      await fx.receipts.connect(fx.accounts.bankA).recordRepayment(id, 500_000n, PAYMENT);
      await expect(fx.receipts.connect(fx.accounts.supplier1).instructRelease(id, 10n)).to.be.revertedWithCustomError(
        fx.registry,
        "MissingRole",
      );
      await expect(fx.receipts.connect(fx.accounts.bankB).instructRelease(id, 10n))
        .to.be.revertedWithCustomError(fx.receipts, "ReceiptWrongParty")
        .withArgs(id, fx.ids.bankB, fx.ids.bankA);
      await fx.receipts.connect(fx.accounts.bankA).instructRelease(id, 100n);
      await expect(fx.receipts.connect(fx.accounts.supplier1).confirmRelease(id, 100n)).to.be.revertedWithCustomError(
        fx.registry,
        "MissingRole",
      );
      await expect(fx.receipts.connect(fx.accounts.gov2).confirmRelease(id, 101n))
        .to.be.revertedWithCustomError(fx.receipts, "ReceiptReleaseNotInstructed")
        .withArgs(id, 100n, 101n);
      await expect(fx.receipts.connect(fx.accounts.gov2).confirmRelease(id, 100n))
        .to.emit(fx.receipts, "ReleaseConfirmed")
        .withArgs(id, fx.ids.gov2, fx.ids.supplier1, 100n, 100n);
    });

    it("a warehouse suspended since the instruction cannot confirm the release", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await pledged(fx);
      await fx.receipts.connect(fx.accounts.bankA).recordRepayment(id, 500_000n, PAYMENT);
      await fx.receipts.connect(fx.accounts.bankA).instructRelease(id, 100n);
      await fx.suspend(fx.ids.gov2);
      await expect(fx.receipts.connect(fx.accounts.gov2).confirmRelease(id, 100n)).to.be.revertedWithCustomError(
        fx.registry,
        "MemberNotActive",
      );
    });

    it("full repayment and release close the receipt and release its document as paid", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await pledged(fx);
      await fx.receipts.connect(fx.accounts.bankA).recordRepayment(id, PRINCIPAL, PAYMENT);
      await fx.receipts.connect(fx.accounts.bankA).instructRelease(id, QUANTITY);
      await expect(fx.receipts.connect(fx.accounts.gov2).confirmRelease(id, QUANTITY))
        .to.emit(fx.receipts, "ReceiptClosed")
        .withArgs(id, false)
        .and.to.emit(fx.documents, "DocumentReleased");
      const d = await fx.documents.document(hash("document:lot-1"));
      expect([d.financed, d.paid]).to.deep.equal([0n, VALUE]);
      expect((await fx.receipts.receipt(id)).status).to.equal(ReceiptStatus.Closed);
      await expect(fx.receipts.connect(fx.accounts.bankA).instructRelease(id, 1n))
        .to.be.revertedWithCustomError(fx.receipts, "ReceiptWrongStatus")
        .withArgs(id, ReceiptStatus.Closed);
    });
  });

  describe("保兑仓: a seller's goods for a dealer", () => {
    it("releases to the dealer against its tranches; a dealer suspended since gets nothing", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await pledged(fx, "lot-c", Mode.Confirmed);
      const bank = fx.receipts.connect(fx.accounts.bankA);
      await bank.recordRepayment(id, 300_000n, PAYMENT);
      await bank.instructRelease(id, 300n);
      await expect(fx.receipts.connect(fx.accounts.gov2).confirmRelease(id, 300n))
        .to.emit(fx.receipts, "ReleaseConfirmed")
        .withArgs(id, fx.ids.gov2, fx.ids.supplier2, 300n, 300n);
      await bank.recordRepayment(id, 300_000n, PAYMENT);
      await fx.suspend(fx.ids.supplier2);
      await expect(bank.instructRelease(id, 300n))
        .to.be.revertedWithCustomError(fx.registry, "MemberNotActive")
        .withArgs(fx.ids.supplier2, 2);
    });
  });

  describe("freeze orders", () => {
    it("frozen goods do not move: no pledge, no release beyond the unfrozen units", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const free = await issued(fx, "lot-f");
      await freeze(fx, free, 0n);
      await expect(fx.receipts.connect(fx.accounts.supplier1).offerPledge(free, fx.ids.bankA, LOAN, PRINCIPAL))
        .to.be.revertedWithCustomError(fx.receipts, "AssetFrozen")
        .withArgs(fx.receipts.target, free, MaxUint256, QUANTITY, QUANTITY);
      const id = await pledged(fx);
      await fx.receipts.connect(fx.accounts.bankA).recordRepayment(id, PRINCIPAL, PAYMENT);
      await fx.receipts.connect(fx.accounts.bankA).instructRelease(id, 500n);
      await freeze(fx, id, 600n);
      await expect(fx.receipts.connect(fx.accounts.gov2).confirmRelease(id, 401n))
        .to.be.revertedWithCustomError(fx.receipts, "AssetFrozen")
        .withArgs(fx.receipts.target, id, 600n, QUANTITY, 401n);
      await fx.receipts.connect(fx.accounts.gov2).confirmRelease(id, 400n);
      await expect(fx.receipts.connect(fx.accounts.bankA).instructRelease(id, 1n)).to.be.revertedWithCustomError(
        fx.receipts,
        "AssetFrozen",
      );
    });

    it("only the register changes freeze counts; only open receipts are freezable", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await expect(fx.receipts.freezeCountChanged(ZeroAddress, 1n, true)).to.be.revertedWithCustomError(
        fx.receipts,
        "FreezeNotRegister",
      );
      await expect(fx.receipts.freezableValue(1, ZeroAddress, 9n)).to.be.revertedWithCustomError(
        fx.receipts,
        "FreezeScopeUnsupported",
      );
    });
  });

  describe("duplicate-financing check (FinancedDocuments.checkFinancing)", () => {
    it("a bank's check is recorded under its own member; a refused one as FinancingRefused", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await pledged(fx);
      const documentId = hash("document:lot-1");
      await expect(
        fx.documents.connect(fx.accounts.supplier1).checkFinancing(documentId, VALUE, CNY, 1n),
      ).to.be.revertedWithCustomError(fx.registry, "MissingRole");
      await expect(fx.documents.connect(fx.accounts.bankB).checkFinancing(hash("document:other"), VALUE, CNY, VALUE))
        .to.emit(fx.documents, "FinancingChecked")
        .withArgs(hash("document:other"), fx.ids.bankB, fx.accounts.bankB.address, true, VALUE)
        .and.not.to.emit(fx.documents, "FinancingRefused");
      await expect(fx.documents.connect(fx.accounts.bankB).checkFinancing(documentId, VALUE, CNY, 1n))
        .to.emit(fx.documents, "FinancingRefused")
        .withArgs(documentId, fx.ids.bankB, ZeroAddress, 0n, 1n, VALUE, CNY, VALUE, 0n, fx.receipts.target, id);
    });
  });
});
