import { expect } from "chai";
import { ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";
import { fund } from "../helpers/consortium.js";
import { DAY, OfferStatus, PledgeStatus, confirmed, deployReceivables, type Receivables } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

/** `IAuthorityAttestations.Application.ReceivableFinancing` and `.GuaranteeIssue`. */
const RECEIVABLE_FINANCING = 1;
const GUARANTEE_ISSUE = 3;
/** `IAuthorityAttestations.Kind.InvoiceGenuine` and `.WarehouseReceipt`, and their policy bits. */
const INVOICE_GENUINE = 1;
const WAREHOUSE_RECEIPT = 6;
const REQUIRES_INVOICE = 1n << BigInt(INVOICE_GENUINE);

function ref(label: string): string {
  return keccak256(toUtf8Bytes(label));
}

/** The tax bureau (gov1) attests `subjectKey` genuine, valid from now for `validFor` seconds. */
async function attestInvoice(fx: Receivables, subjectKey: string, validFor = 60 * DAY): Promise<bigint> {
  const now = await fx.now();
  const fact = {
    kind: INVOICE_GENUINE,
    subjectKey,
    evidenceHash: ref(`tax record ${subjectKey}`),
    validFrom: now,
    validUntil: now + validFor,
    factDate: 0,
    amount: 0,
    currency: "0x000000",
  };
  const id = await fx.attestations.connect(fx.accounts.gov1).attest.staticCall(fact);
  await fx.attestations.connect(fx.accounts.gov1).attest(fact);
  return id;
}

async function deployed() {
  return deployReceivables(connection);
}

/** A confirmed receivable; supplier1 offers 400,000 of its root to bankA for 390,000 (bankA funded and approved). */
async function offered() {
  const fx = await deployReceivables(connection);
  const r = await confirmed(fx);
  const invoiceKey = (await fx.desk.receivable(r.receivableId)).invoiceKey;
  const deadline = (await fx.now()) + 3 * DAY;
  await fx.desk.connect(fx.accounts.supplier1).offerDiscount(r.rootTokenId, 400_000n, fx.ids.bankA, 390_000n, deadline);
  await fund(fx, fx.accounts.bankA, 1_000_000n);
  await fx.token.connect(fx.accounts.bankA).approve(fx.desk, 390_000n);
  return { fx, ...r, invoiceKey, deadline };
}

/** `offered` with bankA requiring a tax attestation before it finances a receivable. */
async function offeredUnderPolicy() {
  const base = await offered();
  await base.fx.attestations.connect(base.fx.accounts.bankA).setPolicy(RECEIVABLE_FINANCING, REQUIRES_INVOICE);
  return base;
}

describe("Receivable financing under authority attestation policies", () => {
  it("the certificate enforces the deployed attestations contract", async () => {
    const { fx } = await networkHelpers.loadFixture(offered);
    expect(await fx.certificates.attestations()).to.equal(await fx.attestations.getAddress());
  });

  it("a bank requiring InvoiceGenuine cannot accept a discount before the tax attestation, and can after", async () => {
    const { fx, invoiceKey } = await networkHelpers.loadFixture(offeredUnderPolicy);
    const bank = fx.desk.connect(fx.accounts.bankA);
    await expect(bank.acceptDiscount(1, ZeroHash))
      .to.be.revertedWithCustomError(fx.attestations, "AttestationRequired")
      .withArgs(fx.ids.bankA, RECEIVABLE_FINANCING, invoiceKey, INVOICE_GENUINE, 0);
    // Nothing moved: the offer is still pending, the value still locked with the holder.
    expect((await fx.desk.discountOffer(1)).status).to.equal(OfferStatus.Pending);
    expect(await fx.token.balanceOf(fx.accounts.bankA)).to.equal(1_000_000n);

    await attestInvoice(fx, invoiceKey);
    await expect(bank.acceptDiscount(1, ZeroHash)).to.emit(fx.desk, "DiscountAccepted");
    expect(await fx.certificates.ownerOf(2)).to.equal(fx.accounts.bankA.address);
  });

  it("an attestation of another invoice does not back this receivable", async () => {
    const { fx, invoiceKey } = await networkHelpers.loadFixture(offeredUnderPolicy);
    await attestInvoice(fx, ref("another invoice"));
    await expect(fx.desk.connect(fx.accounts.bankA).acceptDiscount(1, ZeroHash))
      .to.be.revertedWithCustomError(fx.attestations, "AttestationRequired")
      .withArgs(fx.ids.bankA, RECEIVABLE_FINANCING, invoiceKey, INVOICE_GENUINE, 0);
  });

  it("a revoked attestation refuses the discount again", async () => {
    const { fx, invoiceKey } = await networkHelpers.loadFixture(offeredUnderPolicy);
    const id = await attestInvoice(fx, invoiceKey);
    await fx.attestations.connect(fx.accounts.gov1).revoke(id, ref("invoice reversed"));
    await expect(fx.desk.connect(fx.accounts.bankA).acceptDiscount(1, ZeroHash))
      .to.be.revertedWithCustomError(fx.attestations, "AttestationRequired")
      .withArgs(fx.ids.bankA, RECEIVABLE_FINANCING, invoiceKey, INVOICE_GENUINE, id);
  });

  it("an expired attestation refuses the discount again", async () => {
    const { fx, invoiceKey } = await networkHelpers.loadFixture(offeredUnderPolicy);
    const id = await attestInvoice(fx, invoiceKey, DAY);
    await networkHelpers.time.increase(DAY + 1);
    await expect(fx.desk.connect(fx.accounts.bankA).acceptDiscount(1, ZeroHash))
      .to.be.revertedWithCustomError(fx.attestations, "AttestationRequired")
      .withArgs(fx.ids.bankA, RECEIVABLE_FINANCING, invoiceKey, INVOICE_GENUINE, id);
  });

  it("the policy in force at acceptance applies, not the one at the offer", async () => {
    const { fx, invoiceKey } = await networkHelpers.loadFixture(offered);
    await fx.attestations.connect(fx.accounts.bankA).setPolicy(RECEIVABLE_FINANCING, REQUIRES_INVOICE);
    await expect(fx.desk.connect(fx.accounts.bankA).acceptDiscount(1, ZeroHash))
      .to.be.revertedWithCustomError(fx.attestations, "AttestationRequired")
      .withArgs(fx.ids.bankA, RECEIVABLE_FINANCING, invoiceKey, INVOICE_GENUINE, 0);
    await fx.attestations.connect(fx.accounts.bankA).setPolicy(RECEIVABLE_FINANCING, 0);
    await expect(fx.desk.connect(fx.accounts.bankA).acceptDiscount(1, ZeroHash)).to.emit(fx.desk, "DiscountAccepted");
  });

  it("every kind the policy requires must stand: InvoiceGenuine alone does not meet InvoiceGenuine + WarehouseReceipt", async () => {
    const { fx, invoiceKey } = await networkHelpers.loadFixture(offered);
    await fx.attestations
      .connect(fx.accounts.bankA)
      .setPolicy(RECEIVABLE_FINANCING, REQUIRES_INVOICE | (1n << BigInt(WAREHOUSE_RECEIPT)));
    await attestInvoice(fx, invoiceKey);
    await expect(fx.desk.connect(fx.accounts.bankA).acceptDiscount(1, ZeroHash))
      .to.be.revertedWithCustomError(fx.attestations, "AttestationRequired")
      .withArgs(fx.ids.bankA, RECEIVABLE_FINANCING, invoiceKey, WAREHOUSE_RECEIPT, 0);
  });

  it("a bank without a receivable-financing policy is unaffected (another bank's or another application's policy)", async () => {
    const { fx } = await networkHelpers.loadFixture(offered);
    await fx.attestations.connect(fx.accounts.bankB).setPolicy(RECEIVABLE_FINANCING, REQUIRES_INVOICE);
    await fx.attestations.connect(fx.accounts.bankA).setPolicy(GUARANTEE_ISSUE, REQUIRES_INVOICE);
    await expect(fx.desk.connect(fx.accounts.bankA).acceptDiscount(1, ZeroHash)).to.emit(fx.desk, "DiscountAccepted");
    expect(await fx.certificates.ownerOf(2)).to.equal(fx.accounts.bankA.address);
  });

  it("a pledgee requiring InvoiceGenuine cannot take the pledge before the tax attestation, and can after", async () => {
    const fx = await networkHelpers.loadFixture(deployed);
    const r = await confirmed(fx);
    const invoiceKey = (await fx.desk.receivable(r.receivableId)).invoiceKey;
    const dueDate = (await fx.now()) + 30 * DAY;
    await fx.desk.connect(fx.accounts.supplier1).pledge(r.rootTokenId, 500_000n, fx.ids.bankA, dueDate);
    await fx.attestations.connect(fx.accounts.bankA).setPolicy(RECEIVABLE_FINANCING, REQUIRES_INVOICE);
    await networkHelpers.time.increaseTo(dueDate);
    await expect(fx.desk.connect(fx.accounts.bankA).takePledge(1))
      .to.be.revertedWithCustomError(fx.attestations, "AttestationRequired")
      .withArgs(fx.ids.bankA, RECEIVABLE_FINANCING, invoiceKey, INVOICE_GENUINE, 0);
    expect((await fx.desk.pledgeOf(1)).status).to.equal(PledgeStatus.Active);
    await attestInvoice(fx, invoiceKey);
    await expect(fx.desk.connect(fx.accounts.bankA).takePledge(1)).to.emit(fx.desk, "PledgeTaken");
  });
});
