import { expect } from "chai";
import { JsonRpcProvider, Wallet } from "ethers";
import { ManagedSigner } from "@consortia/sdk";
import { startAnvil } from "../../src/local/anvil.js";
import { startNode, type NodeProcess } from "../helpers/node-process.js";

/**
 * Fees come from the node: a free-gas network under London rules (base fee 0, as Besu's zeroBaseFee runs) gets type-2
 * transactions with zero fees, which an account without any balance can send; Berlin gets legacy transactions.
 */
describe("sdk/nonce ManagedSigner chooses fees from the node", function () {
  this.timeout(120_000);

  async function sendFromEmptyAccount(node: NodeProcess) {
    const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 100 });
    try {
      const empty = new ManagedSigner(Wallet.createRandom(provider));
      expect(await provider.getBalance(empty)).to.equal(0n);
      const response = await empty.sendTransaction({ to: Wallet.createRandom().address, value: 0n });
      const receipt = await response.wait();
      return { response, receipt };
    } finally {
      provider.destroy();
    }
  }

  it("London with a zero base fee: type 2 with zero fees, sent by an account without balance", async () => {
    const node = await startAnvil([
      "--chain-id",
      "1337",
      "--hardfork",
      "london",
      "--base-fee",
      "0",
      "--gas-price",
      "0",
    ]);
    try {
      const { response, receipt } = await sendFromEmptyAccount(node);
      expect(response.type).to.equal(2);
      expect(response.maxFeePerGas).to.equal(0n);
      expect(response.maxPriorityFeePerGas).to.equal(0n);
      expect(receipt?.status).to.equal(1);
      expect(receipt?.gasPrice).to.equal(0n);
    } finally {
      await node.stop();
    }
  });

  it("Berlin (the Hardhat node, gas price 0): a legacy transaction", async () => {
    const node = await startNode();
    try {
      const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
      const funded = new ManagedSigner(await provider.getSigner(5));
      const response = await funded.sendTransaction({ to: Wallet.createRandom().address, value: 1n });
      expect(response.type).to.equal(0);
      expect((await response.wait())?.status).to.equal(1);
      provider.destroy();
    } finally {
      await node.stop();
    }
  });
});
