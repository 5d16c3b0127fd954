import { expect } from "chai";
import { JsonRpcProvider, Wallet, parseEther } from "ethers";
import { rpc, startNode, type NodeProcess } from "../helpers/node-process.js";
import { localAnvilArgs, startAnvil } from "../../src/local/anvil.js";
import { ManagedSigner, withNonceManager } from "@consortia/sdk";

/** Well-known Hardhat development keys (accounts #10 and #11 of the default mnemonic); test chains only. */
const KEY_A = "0xf214f2b2cd398c806f84e317254e0f0b801d0643303237d97a22a48e01628897";
const KEY_B = "0x701b615bbdfb9de65240bc28bd21bbc0d996645a3dd57e7b12bc2bdf6f192c82";

/**
 * Two EVM implementations, and block periods like QBFT's (many transactions per block, nothing mined before the next
 * send) besides automine: the nonce manager must be right on all of them.
 */
const TARGETS: { name: string; interval: boolean; start(): Promise<NodeProcess> }[] = [
  { name: "Hardhat node, automine", interval: false, start: () => startNode() },
  {
    name: "Hardhat node, 1 s blocks (evm_setIntervalMining)",
    interval: true,
    start: async () => {
      const node = await startNode();
      await rpc(node.url, "evm_setAutomine", [false]);
      await rpc(node.url, "evm_setIntervalMining", [1000]);
      return node;
    },
  },
  { name: "Anvil, automine", interval: false, start: () => startAnvil(localAnvilArgs(1337)) },
  ...[1, 2].map((seconds) => ({
    name: `Anvil, ${seconds} s blocks`,
    interval: true,
    start: () => startAnvil([...localAnvilArgs(1337), "--block-time", String(seconds)]),
  })),
];

for (const target of TARGETS) describeNonces(target);

function describeNonces(target: (typeof TARGETS)[number]): void {
  describe(`sdk/nonce ManagedSigner against a real node (${target.name})`, function () {
    this.timeout(120_000);
    let node: NodeProcess;
    let provider: JsonRpcProvider;

    before(async () => {
      node = await target.start();
      // No cache: ethers answers an identical request within 250 ms from its cache, and Anvil runs a whole test in
      // less (a nonce count read at the end of one test came back as the next test's final count).
      provider = new JsonRpcProvider(node.url, undefined, {
        staticNetwork: true,
        batchMaxCount: 1,
        cacheTimeout: -1,
      });
    });

    after(async () => {
      provider?.destroy();
      await node?.stop();
    });

    it("sends 50 transactions concurrently from one account with consecutive nonces, none lost", async () => {
      const signer = new ManagedSigner(new Wallet(KEY_A, provider));
      const start = await provider.getTransactionCount(signer, "pending");
      const recipients = Array.from({ length: 50 }, () => Wallet.createRandom().address);
      const responses = await Promise.all(recipients.map((to) => signer.sendTransaction({ to, value: 1n })));
      const receipts = await Promise.all(responses.map((response) => response.wait()));
      expect(receipts.every((receipt) => receipt?.status === 1)).to.equal(true);
      // Automine: one block per transaction; interval mining: many transactions share a block.
      const blocks = new Set(receipts.map((receipt) => receipt?.blockNumber)).size;
      if (target.interval) expect(blocks).to.be.lessThan(10);
      else expect(blocks).to.equal(50);
      expect(responses.map((response) => response.nonce).sort((a, b) => a - b)).to.deep.equal(
        Array.from({ length: 50 }, (_, index) => start + index),
      );
      expect(await provider.getTransactionCount(signer, "latest")).to.equal(start + 50);
      const balances = await Promise.all(recipients.map((to) => provider.getBalance(to)));
      expect(balances.every((balance) => balance === 1n)).to.equal(true);
    });

    it("sends that fail at estimation or at submission leave no nonce gap: every other send is mined", async () => {
      const signer = withNonceManager(new Wallet(KEY_A, provider));
      // A contract whose every call reverts: init code returning the runtime PUSH1 0 PUSH1 0 REVERT.
      const deployed = await (await signer.sendTransaction({ data: "0x6460006000fd6000526005601bf3" })).wait();
      const reverter = deployed!.contractAddress!;
      const start = await provider.getTransactionCount(signer, "pending");
      const tooMuch = parseEther("1000000000"); // passes estimation, rejected by the node for lack of funds
      const kinds = Array.from({ length: 40 }, (_, index) =>
        index % 4 === 1 ? "revert" : index % 4 === 3 ? "funds" : "ok",
      );
      const outcomes = await Promise.allSettled(
        kinds.map((kind) =>
          kind === "revert"
            ? signer.sendTransaction({ to: reverter, data: "0x12345678" })
            : signer.sendTransaction({
                to: Wallet.createRandom().address,
                value: kind === "funds" ? tooMuch : 1n,
              }),
        ),
      );
      outcomes.forEach((outcome, index) =>
        expect(outcome.status, `${kinds[index]} #${index}`).to.equal(kinds[index] === "ok" ? "fulfilled" : "rejected"),
      );
      const sent = outcomes.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
      await Promise.all(sent.map((response) => response.wait()));
      expect(await provider.getTransactionCount(signer, "latest")).to.equal(start + 20);
    });

    it("recovers when another sender used the account's next nonce (re-reads and retries once)", async () => {
      const signer = new ManagedSigner(new Wallet(KEY_B, provider));
      await (
        await signer.sendTransaction({
          to: Wallet.createRandom().address,
          value: 1n,
        })
      ).wait();
      // Another process: its own provider (and ethers request cache).
      const outside = new Wallet(KEY_B, new JsonRpcProvider(node.url, undefined, { staticNetwork: true }));
      await (
        await outside.sendTransaction({
          to: Wallet.createRandom().address,
          value: 1n,
        })
      ).wait();
      const response = await signer.sendTransaction({
        to: Wallet.createRandom().address,
        value: 1n,
      });
      expect((await response.wait())?.status).to.equal(1);
      expect(response.nonce).to.equal((await provider.getTransactionCount(signer, "latest")) - 1);
    });

    it("withNonceManager does not wrap twice", () => {
      const signer = new ManagedSigner(new Wallet(KEY_A));
      expect(withNonceManager(signer) === signer).to.equal(true); // identity (chai-ethers compares addressables by address)
    });
  });
}
