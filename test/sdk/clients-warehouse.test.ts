import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, toUtf8Bytes, type Signer } from "ethers";
import { type ContractError, createConsortia, type Deployment } from "@consortia/sdk";
import { deployWarehouse } from "../warehouse/fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const h = (text: string) => keccak256(toUtf8Bytes(text));

async function fixture() {
  const fx = await deployWarehouse(connection);
  const entry = async (contract: { getAddress(): Promise<string> }) => ({
    address: await contract.getAddress(),
    block: 0,
  });
  const deployment: Deployment = {
    chainId: Number((await ethers.provider.getNetwork()).chainId),
    deploymentBlock: 0,
    contracts: {
      ConsortiumRegistry: await entry(fx.registry),
      DepositToken: await entry(fx.token),
      PaymentLedger: await entry(fx.ledger),
      FinancedDocuments: await entry(fx.documents),
      WarehouseReceipts: await entry(fx.receipts),
    },
  };
  const as = (signer: Signer) => createConsortia({ runner: signer, deployment });
  return { ...fx, as };
}

describe("SDK: warehouse client (融通仓 / 保兑仓) and the recorded duplicate-financing check", () => {
  it("issues, pledges, repays and releases through the client; reads the receipt with what is releasable", async () => {
    const fx = await networkHelpers.loadFixture(fixture);
    const [warehouse, seller, bank] = await Promise.all([
      fx.as(fx.accounts.gov2),
      fx.as(fx.accounts.core),
      fx.as(fx.accounts.bankA),
    ]);
    await warehouse.warehouse.issue({
      depositor: fx.ids.core,
      mode: "Confirmed",
      dealer: fx.ids.supplier2,
      goodsHash: h("goods"),
      locationHash: h("location"),
      documentId: h("document"),
      quantity: 1_000n,
      value: 2_000_000n,
      currency: "CNY",
    });
    await seller.warehouse.offerPledge(1n, fx.ids.bankA, h("loan"), 1_000_000n);
    const offered = await bank.warehouse.receipt(1n);
    expect(offered).to.deep.include({
      status: "Offered",
      mode: "Confirmed",
      currency: "CNY",
      dealer: fx.ids.supplier2,
    });
    await bank.warehouse.acceptPledge(1n, offered.offerHash);
    await bank.warehouse.recordRepayment(1n, 300_000n, h("tranche 1"));
    expect((await bank.warehouse.receipt(1n)).releasable).to.equal(300n);
    await bank.warehouse.instructRelease(1n, 300n);
    await warehouse.warehouse.confirmRelease(1n, 300n);
    expect(await bank.warehouse.receipt(1n)).to.deep.include({ status: "Pledged", released: 300n, releasable: 0n });
  });

  it("decodes a refusal: a release beyond the repaid share names what is covered", async () => {
    const fx = await networkHelpers.loadFixture(fixture);
    const [warehouse, depositor, bank] = await Promise.all([
      fx.as(fx.accounts.gov2),
      fx.as(fx.accounts.supplier1),
      fx.as(fx.accounts.bankA),
    ]);
    await warehouse.warehouse.issue({
      depositor: fx.ids.supplier1,
      mode: "Inventory",
      goodsHash: h("g"),
      locationHash: h("l"),
      documentId: h("d"),
      quantity: 100n,
      value: 1_000n,
      currency: "CNY",
    });
    await depositor.warehouse.offerPledge(1n, fx.ids.bankA, h("loan"), 1_000n);
    await bank.warehouse.acceptPledge(1n, (await bank.warehouse.receipt(1n)).offerHash);
    const error = await bank.warehouse.instructRelease(1n, 1n).then(
      () => undefined,
      (e: unknown) => e as ContractError,
    );
    expect(error?.message).to.match(/1 units asked, the repaid share covers 0 more/);
  });

  it("a bank's recorded check through the documents client", async () => {
    const fx = await networkHelpers.loadFixture(fixture);
    const bank = await fx.as(fx.accounts.bankB);
    const receipt = await bank.documents.checkFinancing(h("free document"), 1_000n, "CNY", 1_000n);
    const log = receipt!.logs
      .map((l) => fx.documents.interface.parseLog(l))
      .find((l) => l?.name === "FinancingChecked");
    expect(log?.args.financeable).to.equal(true);
    expect(Number(log?.args.member)).to.equal(fx.ids.bankB);
  });
});
