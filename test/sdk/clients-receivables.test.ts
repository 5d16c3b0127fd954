import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, toUtf8Bytes, ZeroAddress, type Signer } from "ethers";
import { deployPlatform, fund } from "../helpers/consortium.js";
import {
  type ContractError,
  createConsortia,
  type Deployment,
  DocumentAlreadyFinancedError,
  IssuanceLimitError,
  type ReceivableTermsInput,
} from "@consortia/sdk";
import { deployUpgradeable } from "../helpers/upgradeable.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const h = (text: string) => keccak256(toUtf8Bytes(text));
const DAY = 86_400n;

async function fixture() {
  const platform = await deployPlatform(connection);
  const certificates = await deployUpgradeable(ethers, "ReceivableCertificate", [
    platform.registry,
    2,
    platform.freezeOrders,
    ZeroAddress,
  ]);
  const financedDocuments = await deployUpgradeable(ethers, "FinancedDocuments", [platform.registry]);
  const limits = await deployUpgradeable(ethers, "IssuanceLimits", [platform.registry]);
  const desk = await deployUpgradeable(ethers, "ReceivableDesk", [
    platform.registry,
    platform.token,
    platform.ledger,
    certificates,
    financedDocuments,
    limits,
  ]);
  await certificates.bindDesk(desk);
  await platform.finishBootstrap([desk]);
  await fund(platform, platform.accounts.core, 10_000_000n);
  await fund(platform, platform.accounts.bankA, 10_000_000n);
  const entry = async (contract: { getAddress(): Promise<string> }) => ({
    address: await contract.getAddress(),
    block: 0,
  });
  const deployment: Deployment = {
    chainId: Number((await ethers.provider.getNetwork()).chainId),
    deploymentBlock: 0,
    contracts: {
      ConsortiumRegistry: await entry(platform.registry),
      DepositToken: await entry(platform.token),
      PaymentLedger: await entry(platform.ledger),
      ReceivableCertificate: await entry(certificates),
      ReceivableDesk: await entry(desk),
      FinancedDocuments: await entry(financedDocuments),
      IssuanceLimits: await entry(limits),
    },
  };
  const as = (signer: Signer) => createConsortia({ runner: signer, deployment });
  const now = BigInt(await networkHelpers.time.latest());
  return { platform, as, now };
}

describe("sdk/clients receivables", () => {
  const terms = (obligor: number, now: bigint, invoice: string): ReceivableTermsInput => ({
    obligor,
    maturity: now + 60n * DAY,
    faceValue: 1_000_000n,
    invoiceKey: h(invoice),
    contract: { contentHash: h("contract") },
    invoice: { contentHash: h(invoice), uriHash: h("vault://invoice") },
    delivery: { contentHash: h("delivery") },
  });

  it("register, confirm, split with and without sign-off, discount, pledge, guarantee, fund, redeem; lineage", async () => {
    const { platform, as, now } = await networkHelpers.loadFixture(fixture);
    const { accounts, ids } = platform;
    const [core, s1, s2, s3, bankA] = await Promise.all([
      as(accounts.core),
      as(accounts.supplier1),
      as(accounts.supplier2),
      as(accounts.supplier3),
      as(accounts.bankA),
    ]);
    const { receivableId } = await s1.receivables.register(terms(ids.core, now, "INV-1"));
    expect((await core.receivables.receivable(receivableId)).status).to.equal("Registered");
    const { rootTokenId } = await core.receivables.confirm(receivableId);
    await core.receivables.requestGuarantee(receivableId, ids.bankA);
    await bankA.receivables.guarantee(receivableId);
    expect(await core.receivables.receivable(receivableId)).to.deep.include({
      status: "Active",
      creditor: ids.supplier1,
      guarantor: ids.bankA,
      currency: "CNY",
      faceValue: 1_000_000n,
      outstanding: 1_000_000n,
      rootTokenId,
    });

    // Tier 2 with sign-off, tier 3 without.
    const { offerId } = await s1.receivables.offerTransfer(
      rootTokenId,
      accounts.supplier2.address,
      400_000n,
      now + 10n * DAY,
    );
    expect((await s1.receivables.transferOffer(offerId)).status).to.equal("Pending");
    const { newTokenId: tier2 } = await s2.receivables.acceptTransfer(offerId);
    const { newTokenId: tier3 } = await s2.receivables.split(tier2, accounts.supplier3.address, 150_000n);
    expect(await s3.receivables.certificate(tier3)).to.deep.include({
      receivableId,
      owner: accounts.supplier3.address,
      value: 150_000n,
      tier: 3,
      parent: tier2,
      root: rootTokenId,
    });

    // Discount the whole tier-3 certificate: DvP in tokens, same id.
    const discount = await s3.receivables.offerDiscount(tier3, 150_000n, ids.bankA, 147_000n, now + 10n * DAY);
    await bankA.token.approve(bankA.receivables.address, 147_000n);
    const { newTokenId: discounted } = await bankA.receivables.acceptDiscount(discount.offerId);
    expect(discounted).to.equal(tier3);
    expect(await s3.token.balanceOf(accounts.supplier3.address)).to.equal(147_000n);

    // Pledge part of the root and release it.
    const { pledgeId } = await s1.receivables.pledge(rootTokenId, 100_000n, ids.bankA, now + 30n * DAY);
    expect((await s1.receivables.certificate(rootTokenId)).locked).to.equal(100_000n);
    await bankA.receivables.releasePledge(pledgeId);
    expect((await s1.receivables.pledgeOf(pledgeId)).status).to.equal("Released");

    const tree = await core.receivables.lineage(receivableId);
    expect(tree.map((node) => [node.tokenId, node.parent, node.tier, node.owner, node.value])).to.deep.equal([
      [rootTokenId, 0n, 1, accounts.supplier1.address, 600_000n],
      [tier2, rootTokenId, 2, accounts.supplier2.address, 250_000n],
      [tier3, tier2, 3, accounts.bankA.address, 150_000n],
    ]);

    // A wrong party's revert is decoded.
    const early = await s1.receivables.redeem(rootTokenId).catch((caught: unknown) => caught);
    expect((early as ContractError).decoded.message).to.equal(`receivable ${receivableId} is Active`);

    await networkHelpers.time.increase(60n * DAY);
    await core.token.approve(core.receivables.address, 1_000_000n);
    await core.receivables.fund(receivableId);
    expect((await core.receivables.receivable(receivableId)).status).to.equal("Funded");
    for (const [client, tokenId, value] of [
      [s1, rootTokenId, 600_000n],
      [s2, tier2, 250_000n],
      [bankA, tier3, 150_000n],
    ] as const) {
      expect((await client.receivables.redeem(tokenId)).value).to.equal(value);
    }
    const settled = await core.receivables.receivable(receivableId);
    expect(settled).to.deep.include({ status: "Settled", redeemed: 1_000_000n, outstanding: 0n });
    const after = await core.receivables.lineage(receivableId);
    expect(after.every((node) => node.redeemed && node.owner === ZeroAddress)).to.equal(true);
  });

  it("rejects, issues directly and decodes a used invoice", async () => {
    const { platform, as, now } = await networkHelpers.loadFixture(fixture);
    const { accounts, ids } = platform;
    const [core, s1] = await Promise.all([as(accounts.core), as(accounts.supplier1)]);
    const { receivableId } = await s1.receivables.register(terms(ids.core, now, "INV-2"));
    // The SDK asks the register of financed documents before sending: the invoice is held by receivable 1.
    const again = await s1.receivables.register(terms(ids.core, now, "INV-2")).catch((caught: unknown) => caught);
    expect(again).to.be.instanceOf(DocumentAlreadyFinancedError);
    expect((again as DocumentAlreadyFinancedError).standing).to.deep.include({
      documentId: h("INV-2"),
      face: 1_000_000n,
      financed: 1_000_000n,
      available: 0n,
      lastRecord: receivableId,
    });
    expect((again as Error).message).to.match(/^document 0x[0-9a-f]{64} is already financed: 1000000 held and 0 paid/);
    expect(await s1.documents.canFinance(h("INV-2"), 1_000_000n, "CNY", 1n)).to.equal(false);
    expect(await s1.documents.financedAmount(h("INV-2"))).to.equal(1_000_000n);
    await core.receivables.reject(receivableId, h("wrong quantities"));
    expect((await core.receivables.receivable(receivableId)).status).to.equal("Rejected");
    const issued = await core.receivables.issue(terms(ids.core, now, "INV-2"), accounts.supplier1.address);
    expect(await s1.receivables.certificates.ownerOf(issued.rootTokenId)).to.equal(accounts.supplier1.address);
    expect(await s1.receivables.receivableOfInvoice(h("INV-2"))).to.equal(issued.receivableId);
    const twice = await core.receivables.confirm(issued.receivableId).catch((caught: unknown) => caught);
    expect((twice as ContractError).decoded.message).to.equal(`receivable ${issued.receivableId} is Active`);
    const notObligor = await s1.receivables.confirm(issued.receivableId).catch((caught: unknown) => caught);
    expect((notObligor as ContractError).decoded.name).to.equal("MissingRole");
  });

  it("issuance limits: a bank sets one, the client reads them and refuses a confirmation beyond them before sending", async () => {
    const { platform, as, now } = await networkHelpers.loadFixture(fixture);
    const { accounts, ids } = platform;
    const [core, s1, bankA] = await Promise.all([as(accounts.core), as(accounts.supplier1), as(accounts.bankA)]);
    expect((await core.limits.limitsOf(ids.core)).limited).to.equal(false);
    await bankA.limits.setLimit(ids.core, 1_500_000n);
    // The bank's limit binds once the core enterprise puts itself under its banks' limits.
    expect((await core.limits.limitsOf(ids.core)).available).to.equal(undefined);
    await core.limits.enforce(ids.core);
    const { receivableId } = await s1.receivables.register(terms(ids.core, now, "INV-L1"));
    await core.receivables.confirm(receivableId);
    expect(await core.limits.limitsOf(ids.core)).to.deep.include({
      obligor: ids.core,
      limited: true,
      total: 1_500_000n,
      utilised: 1_000_000n,
      available: 500_000n,
      banks: [{ bank: ids.bankA, limit: 1_500_000n }],
    });
    const beyond = await core.limits.requireAvailable(ids.core, 500_001n).catch((caught: unknown) => caught);
    expect(beyond).to.be.instanceOf(IssuanceLimitError);
    expect((beyond as Error).message).to.match(/may confirm 500000 more/);
    const second = await s1.receivables.register(terms(ids.core, now, "INV-L2"));
    const refused = await core.receivables.confirm(second.receivableId).catch((caught: unknown) => caught);
    expect((refused as ContractError).decoded.message).to.equal(
      `obligor ${ids.core} may confirm 500000 more (used 1000000): 1000000 is beyond its banks' issuance limits`,
    );
  });
});
