import { expect } from "chai";
import { ZeroAddress, ZeroHash, encodeBytes32String, keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";
import { fund, passProposal } from "../helpers/consortium.js";
import { CNY, DAY, Status, confirmed, deployReceivables, makeTerms, type Receivables } from "../receivables/fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const Closure = { None: 0, Paid: 1, Cancelled: 2 } as const;
const FACE = 1_000_000n;
const USD = "0x555344";
const doc = (label: string) => keccak256(toUtf8Bytes(`document:${label}`));

/** The receivables suite plus two application mocks made system contracts by governance, and one left out. */
async function deployed() {
  const fx = await deployReceivables(connection);
  const documents = fx.financedDocuments;
  const mock = () => ethers.deployContract("FinancedDocumentsAppMock", [documents]);
  const [appA, appB, outsider] = [await mock(), await mock(), await mock()];
  for (const app of [appA, appB]) {
    await passProposal(
      fx,
      fx.registry,
      fx.registry.interface.encodeFunctionData("setSystemContract", [await app.getAddress(), true]),
      `system contract ${await app.getAddress()}`,
    );
  }
  return { ...fx, documents, appA, appB, outsider };
}

async function suspend(fx: Receivables, memberId: number) {
  await passProposal(fx, fx.registry, fx.registry.interface.encodeFunctionData("suspendMember", [memberId]));
}

describe("FinancedDocuments", () => {
  describe("hold", () => {
    it("holds a document for a record and reports the totals", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = doc("hold");
      await expect(fx.appA.hold(id, 7, FACE, CNY, 600_000n, fx.ids.bankA))
        .to.emit(fx.documents, "DocumentHeld")
        .withArgs(id, await fx.appA.getAddress(), 7, fx.ids.bankA, 600_000n, FACE, CNY, 600_000n);
      expect(await fx.documents.financedAmount(id)).to.equal(600_000n);
      const d = await fx.documents.document(id);
      expect([d.face, d.financed, d.currency, d.holds, d.paid, d.lastApp, d.lastRecord]).to.deep.equal([
        FACE,
        600_000n,
        CNY,
        1n,
        0n,
        await fx.appA.getAddress(),
        7n,
      ]);
      const h = await fx.documents.holdOf(id, fx.appA, 7);
      expect([h.amount, h.financier]).to.deep.equal([600_000n, BigInt(fx.ids.bankA)]);
      expect(await fx.documents.canFinance(id, FACE, CNY, 400_000n)).to.equal(true);
      expect(await fx.documents.canFinance(id, FACE, CNY, 400_001n)).to.equal(false);
    });

    it("lets two applications share a document's face and refuses a second financing beyond it", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = doc("double");
      await fx.appA.hold(id, 1, FACE, CNY, 600_000n, fx.ids.bankA);
      await fx.appB.hold(id, 2, FACE, CNY, 400_000n, fx.ids.bankB);
      expect(await fx.documents.financedAmount(id)).to.equal(FACE);
      await expect(fx.appA.hold(id, 3, FACE, CNY, 1n, fx.ids.bankC))
        .to.be.revertedWithCustomError(fx.documents, "DocumentOverFinanced")
        .withArgs(id, FACE, FACE, 0n, 1n, await fx.appB.getAddress(), 2n);
    });

    it("refuses a hold with another face value or currency than the first", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = doc("face");
      await fx.appA.hold(id, 1, FACE, CNY, 100n, 0);
      await expect(fx.appB.hold(id, 1, FACE * 2n, CNY, 100n, 0))
        .to.be.revertedWithCustomError(fx.documents, "DocumentFaceMismatch")
        .withArgs(id, FACE, CNY, FACE * 2n, CNY);
      await expect(fx.appB.hold(id, 1, FACE, USD, 100n, 0))
        .to.be.revertedWithCustomError(fx.documents, "DocumentFaceMismatch")
        .withArgs(id, FACE, CNY, FACE, USD);
      expect(await fx.documents.canFinance(id, FACE * 2n, CNY, 100n)).to.equal(false);
    });

    it("takes a corrected face once every hold was cancelled, never after a payment", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = doc("corrected");
      await fx.appA.hold(id, 1, FACE, CNY, FACE, 0);
      await fx.appA.release(id, 1, Closure.Cancelled, ZeroAddress);
      expect(await fx.documents.canFinance(id, 900_000n, CNY, 900_000n)).to.equal(true);
      await fx.appB.hold(id, 2, 900_000n, CNY, 900_000n, 0);
      await fx.appB.release(id, 2, Closure.Paid, ZeroAddress);
      await expect(fx.appA.hold(id, 3, FACE, CNY, 1n, 0))
        .to.be.revertedWithCustomError(fx.documents, "DocumentFaceMismatch")
        .withArgs(id, 900_000n, CNY, FACE, CNY);
    });

    it("refuses a record that already holds the document", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = doc("twice");
      await fx.appA.hold(id, 1, FACE, CNY, 100n, 0);
      await expect(fx.appA.hold(id, 1, FACE, CNY, 100n, 0))
        .to.be.revertedWithCustomError(fx.documents, "DocumentAlreadyHeld")
        .withArgs(id, await fx.appA.getAddress(), 1n);
    });

    for (const [field, args] of [
      ["documentId", [ZeroHash, 1, FACE, CNY, 1n, 0]],
      ["face", [doc("x"), 1, 0n, CNY, 1n, 0]],
      ["face", [doc("x"), 1, 2n ** 96n, CNY, 1n, 0]],
      ["currency", [doc("x"), 1, FACE, "0x000000", 1n, 0]],
      ["amount", [doc("x"), 1, FACE, CNY, 0n, 0]],
      ["amount", [doc("x"), 1, FACE, CNY, FACE + 1n, 0]],
    ] as const) {
      it(`refuses an invalid ${field} (${String(args[2])}, ${String(args[4])})`, async () => {
        const fx = await networkHelpers.loadFixture(deployed);
        await expect(fx.appA.hold(...args))
          .to.be.revertedWithCustomError(fx.documents, "DocumentInvalid")
          .withArgs(encodeBytes32String(field));
        expect(await fx.documents.canFinance(args[0], args[2], args[3], args[4])).to.equal(false);
      });
    }
  });

  describe("who may hold and release", () => {
    it("refuses a contract governance did not make a system contract", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await expect(fx.outsider.hold(doc("o"), 1, FACE, CNY, 1n, 0))
        .to.be.revertedWithCustomError(fx.documents, "DocumentNotSystemContract")
        .withArgs(await fx.outsider.getAddress());
      await expect(fx.outsider.release(doc("o"), 1, Closure.Paid, ZeroAddress))
        .to.be.revertedWithCustomError(fx.documents, "DocumentNotSystemContract")
        .withArgs(await fx.outsider.getAddress());
    });

    it("refuses a member's own account, even a bank's", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = doc("member");
      await fx.appA.hold(id, 1, FACE, CNY, 1n, 0);
      const bank = fx.documents.connect(fx.accounts.bankA);
      await expect(bank.hold(doc("m"), 1, FACE, CNY, 1n, 0))
        .to.be.revertedWithCustomError(fx.documents, "DocumentNotSystemContract")
        .withArgs(fx.accounts.bankA.address);
      await expect(bank.release(id, 1, Closure.Paid, ZeroAddress))
        .to.be.revertedWithCustomError(fx.documents, "DocumentNotSystemContract")
        .withArgs(fx.accounts.bankA.address);
    });

    it("refuses a contract whose system standing governance withdrew since it held", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = doc("withdrawn");
      await fx.appA.hold(id, 1, FACE, CNY, 1n, 0);
      await passProposal(
        fx,
        fx.registry,
        fx.registry.interface.encodeFunctionData("setSystemContract", [await fx.appA.getAddress(), false]),
      );
      await expect(fx.appA.release(id, 1, Closure.Paid, ZeroAddress)).to.be.revertedWithCustomError(
        fx.documents,
        "DocumentNotSystemContract",
      );
    });

    it("lets only the application that holds release it", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = doc("other app");
      await fx.appA.hold(id, 1, FACE, CNY, 1n, 0);
      await expect(fx.appB.release(id, 1, Closure.Paid, ZeroAddress))
        .to.be.revertedWithCustomError(fx.documents, "DocumentNotHeld")
        .withArgs(id, await fx.appB.getAddress(), 1n);
    });

    it("refuses a suspended financier, and a member without a financing role", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await suspend(fx, fx.ids.bankC);
      await expect(fx.appA.hold(doc("s"), 1, FACE, CNY, 1n, fx.ids.bankC))
        .to.be.revertedWithCustomError(fx.registry, "MemberNotActive")
        .withArgs(fx.ids.bankC, 2);
      await expect(fx.appA.hold(doc("s"), 1, FACE, CNY, 1n, fx.ids.supplier1)).to.be.revertedWithCustomError(
        fx.registry,
        "MissingRole",
      );
    });
  });

  describe("release only by a recorded closure", () => {
    it("refuses a release without a closure", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = doc("none");
      await fx.appA.hold(id, 1, FACE, CNY, 1n, 0);
      await expect(fx.appA.release(id, 1, Closure.None, ZeroAddress))
        .to.be.revertedWithCustomError(fx.documents, "DocumentInvalid")
        .withArgs(encodeBytes32String("closure"));
    });

    it("refuses a release of a hold that is not open", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = doc("not open");
      await expect(fx.appA.release(id, 1, Closure.Paid, ZeroAddress))
        .to.be.revertedWithCustomError(fx.documents, "DocumentNotHeld")
        .withArgs(id, await fx.appA.getAddress(), 1n);
      await fx.appA.hold(id, 1, FACE, CNY, 1n, 0);
      await fx.appA.release(id, 1, Closure.Paid, ZeroAddress);
      await expect(fx.appA.release(id, 1, Closure.Paid, ZeroAddress)).to.be.revertedWithCustomError(
        fx.documents,
        "DocumentNotHeld",
      );
    });

    it("cancels a financed hold only with an active account of its financier", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = doc("consent");
      await fx.appA.hold(id, 1, FACE, CNY, FACE, fx.ids.bankA);
      await expect(fx.appA.release(id, 1, Closure.Cancelled, ZeroAddress))
        .to.be.revertedWithCustomError(fx.documents, "DocumentNoFinancierConsent")
        .withArgs(id, fx.ids.bankA, ZeroAddress);
      await expect(fx.appA.release(id, 1, Closure.Cancelled, fx.accounts.bankB.address))
        .to.be.revertedWithCustomError(fx.documents, "DocumentNoFinancierConsent")
        .withArgs(id, fx.ids.bankA, fx.accounts.bankB.address);
      await expect(fx.appA.release(id, 1, Closure.Cancelled, fx.accounts.bankA.address))
        .to.emit(fx.documents, "DocumentReleased")
        .withArgs(id, await fx.appA.getAddress(), 1, Closure.Cancelled, FACE, fx.accounts.bankA.address, 0n, 0n);
      // Cancelled frees the face: another application may finance the document now.
      await fx.appB.hold(id, 9, FACE, CNY, FACE, fx.ids.bankB);
    });

    it("refuses the consent of a financier suspended since it financed", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = doc("suspended consent");
      await fx.appA.hold(id, 1, FACE, CNY, FACE, fx.ids.bankC);
      await suspend(fx, fx.ids.bankC);
      await expect(fx.appA.release(id, 1, Closure.Cancelled, fx.accounts.bankC.address)).to.be.revertedWithCustomError(
        fx.registry,
        "MemberNotActive",
      );
    });

    it("keeps a paid amount used up: a paid invoice is not financed again", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = doc("paid");
      await fx.appA.hold(id, 1, FACE, CNY, 700_000n, fx.ids.bankA);
      await expect(fx.appA.release(id, 1, Closure.Paid, ZeroAddress))
        .to.emit(fx.documents, "DocumentReleased")
        .withArgs(id, await fx.appA.getAddress(), 1, Closure.Paid, 700_000n, ZeroAddress, 0n, 700_000n);
      expect(await fx.documents.financedAmount(id)).to.equal(0n);
      expect(await fx.documents.canFinance(id, FACE, CNY, 300_001n)).to.equal(false);
      await expect(fx.appB.hold(id, 2, FACE, CNY, 300_001n, 0))
        .to.be.revertedWithCustomError(fx.documents, "DocumentOverFinanced")
        .withArgs(id, FACE, 0n, 700_000n, 300_001n, await fx.appA.getAddress(), 1n);
      await fx.appB.hold(id, 2, FACE, CNY, 300_000n, 0);
    });
  });

  describe("receivables", () => {
    it("registering a receivable holds its invoice for the face value, under the desk and the receivable", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const terms = await makeTerms(fx);
      await expect(fx.desk.connect(fx.accounts.supplier1).register(terms))
        .to.emit(fx.documents, "DocumentHeld")
        .withArgs(terms.invoiceKey, await fx.desk.getAddress(), 1, 0, FACE, FACE, CNY, FACE);
      expect(await fx.desk.financedDocuments()).to.equal(await fx.documents.getAddress());
    });

    it("refuses to finance in another application an invoice a receivable holds", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const { receivableId } = await confirmed(fx);
      const { invoiceKey } = await fx.desk.receivable(receivableId);
      await expect(fx.appA.hold(invoiceKey, 1, FACE, CNY, 1n, fx.ids.bankA))
        .to.be.revertedWithCustomError(fx.documents, "DocumentOverFinanced")
        .withArgs(invoiceKey, FACE, FACE, 0n, 1n, await fx.desk.getAddress(), receivableId);
    });

    it("refuses a receivable on an invoice another application financed", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const terms = await makeTerms(fx);
      await fx.appA.hold(terms.invoiceKey, 5, FACE, CNY, 1n, fx.ids.bankA);
      await expect(fx.desk.connect(fx.accounts.supplier1).register(terms))
        .to.be.revertedWithCustomError(fx.documents, "DocumentOverFinanced")
        .withArgs(terms.invoiceKey, FACE, 1n, 0n, FACE, await fx.appA.getAddress(), 5n);
    });

    for (const [step, run] of [
      ["reject", (fx: Receivables, id: bigint) => fx.desk.connect(fx.accounts.core).reject(id, ZeroHash)],
      ["cancel", (fx: Receivables, id: bigint) => fx.desk.connect(fx.accounts.supplier1).cancel(id)],
    ] as const) {
      it(`a ${step} of a registration never confirmed releases the invoice (nothing was financed)`, async () => {
        const fx = await networkHelpers.loadFixture(deployed);
        const terms = await makeTerms(fx);
        await fx.desk.connect(fx.accounts.supplier1).register(terms);
        await expect(run(fx, 1n))
          .to.emit(fx.documents, "DocumentReleased")
          .withArgs(terms.invoiceKey, await fx.desk.getAddress(), 1, Closure.Cancelled, FACE, ZeroAddress, 0n, 0n);
        expect(await fx.documents.canFinance(terms.invoiceKey, FACE, CNY, FACE)).to.equal(true);
      });
    }

    it("a confirmed receivable cannot be rejected: its invoice stays held until it is paid", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const { receivableId, rootTokenId } = await confirmed(fx);
      await expect(fx.desk.connect(fx.accounts.core).reject(receivableId, ZeroHash))
        .to.be.revertedWithCustomError(fx.desk, "ReceivableWrongStatus")
        .withArgs(receivableId, Status.Active);
      const { invoiceKey } = await fx.desk.receivable(receivableId);
      expect(await fx.documents.financedAmount(invoiceKey)).to.equal(FACE);

      await fund(fx, fx.accounts.core, FACE);
      await fx.token.connect(fx.accounts.core).approve(fx.desk, FACE);
      await fx.desk.connect(fx.accounts.core).fund(receivableId);
      await networkHelpers.time.increase(91 * DAY);
      await expect(fx.desk.connect(fx.accounts.supplier1).redeem(rootTokenId))
        .to.emit(fx.documents, "DocumentReleased")
        .withArgs(invoiceKey, await fx.desk.getAddress(), receivableId, Closure.Paid, FACE, ZeroAddress, 0n, FACE);
      expect(await fx.documents.financedAmount(invoiceKey)).to.equal(0n);
      expect(await fx.documents.canFinance(invoiceKey, FACE, CNY, 1n)).to.equal(false);
    });
  });
});
