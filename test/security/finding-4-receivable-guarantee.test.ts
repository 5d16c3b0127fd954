import { expect } from "chai";
import { network } from "hardhat";
import { DAY, deploySuite, h, issueReceivable, type Suite } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

const FACE = 1_000_000n;

async function issued(): Promise<Suite & { receivableId: bigint; tokenId: bigint; maturity: bigint }> {
  const suite = await deploySuite(connection);
  return { ...suite, ...(await issueReceivable(suite, connection, suite.accounts.supplier1, FACE)) };
}

/** As `issued`, with bankA guaranteeing at core's request, the receivable overdue and the guarantee called. */
async function called(): Promise<Suite & { receivableId: bigint; tokenId: bigint; maturity: bigint }> {
  const f = await issued();
  const { receivableDesk: desk, accounts, ids } = f;
  await desk.connect(accounts.core).requestGuarantee(f.receivableId, ids.bankA);
  await desk.connect(accounts.bankA).guarantee(f.receivableId);
  await networkHelpers.time.increaseTo(f.maturity + DAY + 1n);
  await desk.connect(accounts.bankC).markOverdue(f.receivableId);
  await desk.connect(accounts.supplier1).callGuarantee(f.tokenId);
  return f;
}

describe("audit finding 4 (medium): a receivable guarantee needs consent, and its off-chain payment the holder's", () => {
  it("refuses a guarantor that attaches itself to a receivable without being asked", async () => {
    const { receivableDesk: desk, accounts, ids, receivableId } = await networkHelpers.loadFixture(issued);
    await expect(desk.connect(accounts.bankA).guarantee(receivableId))
      .to.be.revertedWithCustomError(desk, "ReceivableGuaranteeNotRequested")
      .withArgs(receivableId, ids.bankA, 0);
  });

  it("refuses a guarantor other than the bank the obligor asked", async () => {
    const { receivableDesk: desk, accounts, ids, receivableId } = await networkHelpers.loadFixture(issued);
    await desk.connect(accounts.core).requestGuarantee(receivableId, ids.bankB);
    await expect(desk.connect(accounts.bankA).guarantee(receivableId))
      .to.be.revertedWithCustomError(desk, "ReceivableGuaranteeNotRequested")
      .withArgs(receivableId, ids.bankA, ids.bankB);
  });

  it("lets only the obligor ask for a guarantee, of a bank that holds the guarantor role", async () => {
    const { receivableDesk: desk, registry, accounts, ids, receivableId } = await networkHelpers.loadFixture(issued);
    await expect(
      desk.connect(accounts.supplier1).requestGuarantee(receivableId, ids.bankA),
    ).to.be.revertedWithCustomError(registry, "MissingRole");
    await expect(desk.connect(accounts.core).requestGuarantee(receivableId, ids.supplier2))
      .to.be.revertedWithCustomError(desk, "ReceivableIneligibleMember")
      .withArgs(ids.supplier2, 1n << 14n);
    await expect(desk.connect(accounts.core).requestGuarantee(receivableId, ids.bankA))
      .to.emit(desk, "GuaranteeRequested")
      .withArgs(receivableId, ids.core, ids.bankA, accounts.core.address);
    await expect(desk.connect(accounts.bankA).guarantee(receivableId))
      .to.emit(desk, "ReceivableGuaranteed")
      .withArgs(receivableId, ids.bankA, accounts.bankA.address);
  });

  it("does not let a called guarantor end a holder's claim by a self-attested off-chain payment", async () => {
    const {
      receivableDesk: desk,
      receivableCertificates: certificates,
      accounts,
      tokenId,
    } = await networkHelpers.loadFixture(called);
    await expect(desk.connect(accounts.bankA).payOffChain(tokenId, h("swift 1")))
      .to.be.revertedWithCustomError(desk, "ReceivablePaymentNotAcknowledged")
      .withArgs(tokenId, h("swift 1"));
    expect(await certificates.ownerOf(tokenId)).to.equal(accounts.supplier1.address);
  });

  it("ends the claim once the holder acknowledged that very payment", async () => {
    const {
      receivableDesk: desk,
      receivableCertificates: certificates,
      accounts,
      ids,
      tokenId,
      receivableId,
    } = await networkHelpers.loadFixture(called);
    await expect(
      desk.connect(accounts.bankA).acknowledgeOffChainPayment(tokenId, h("swift 1")),
    ).to.be.revertedWithCustomError(desk, "ReceivableNotHolder");
    await expect(desk.connect(accounts.supplier1).acknowledgeOffChainPayment(tokenId, h("swift 1")))
      .to.emit(desk, "OffChainPaymentAcknowledged")
      .withArgs(tokenId, receivableId, accounts.supplier1.address, FACE, h("swift 1"));
    await expect(desk.connect(accounts.bankA).payOffChain(tokenId, h("swift 2"))).to.be.revertedWithCustomError(
      desk,
      "ReceivablePaymentNotAcknowledged",
    );
    await expect(desk.connect(accounts.bankA).payOffChain(tokenId, h("swift 1")))
      .to.emit(desk, "CertificateRedeemed")
      .withArgs(receivableId, tokenId, accounts.supplier1.address, ids.supplier1, FACE, h("swift 1"));
    await expect(certificates.ownerOf(tokenId)).to.be.revertedWithCustomError(certificates, "ERC721NonexistentToken");
  });

  it("still lets the obligor's own paying bank pay off chain without an acknowledgement", async () => {
    const {
      receivableDesk: desk,
      receivableCertificates: certificates,
      accounts,
      ids,
      tokenId,
      maturity,
    } = await networkHelpers.loadFixture(issued);
    await desk.connect(accounts.core).setPayingBank(ids.bankB);
    await networkHelpers.time.increaseTo(maturity);
    await expect(desk.connect(accounts.bankB).payOffChain(tokenId, h("cips 1"))).to.emit(desk, "CertificateRedeemed");
    await expect(certificates.ownerOf(tokenId)).to.be.revertedWithCustomError(certificates, "ERC721NonexistentToken");
  });
});
