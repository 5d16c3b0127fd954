import { expect } from "chai";
import { JsonRpcProvider, makeError, parseUnits, TransactionReceipt, Wallet } from "ethers";
import {
  TransactionDroppedError,
  TransactionReplacedError,
  TransactionTimeoutError,
  waitForReceipt,
} from "@consortia/sdk";
import { localAnvilArgs, startAnvil } from "../../src/local/anvil.js";
import type { NodeProcess } from "../../src/local/node.js";
import { rejection } from "../helpers/rejection.js";

/** Well-known development key (account #12 of the test mnemonic); test chains only. */
const KEY = "0xa267530f49f8280200edf313ee7af6b827f2a8bce2897751d06a843f644967b1";

/** Receipt waits on a node that mines only when told (Anvil `--no-mining`): every way a wait can end. */
describe("sdk/receipts waitForReceipt on a node that does not mine at once", function () {
  this.timeout(60_000);
  let node: NodeProcess;
  let provider: JsonRpcProvider;
  let wallet: Wallet;

  before(async () => {
    node = await startAnvil([...localAnvilArgs(1337), "--no-mining"]);
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 100 });
    wallet = new Wallet(KEY, provider);
  });

  after(async () => {
    provider?.destroy();
    await node?.stop();
  });

  /**
   * Mines a block every 100 ms until `waiting` settles, as a node on a block clock does. A single `evm_mine` right after
   * the wait starts can fall before ethers watches blocks, and then no later block ever wakes the wait.
   */
  async function whileMining<T>(waiting: Promise<T>): Promise<T> {
    let settled = false;
    const done = waiting.finally(() => (settled = true));
    while (!settled) {
      await provider.send("evm_mine", []);
      await Promise.race([done.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 100))]);
    }
    return done;
  }

  const transfer = (overrides: { nonce?: number; gasPrice?: bigint } = {}) =>
    wallet.sendTransaction({ to: Wallet.createRandom().address, value: 1n, type: 0, gasLimit: 21_000n, ...overrides });

  it("returns the receipt once a later block includes the transaction", async () => {
    const response = await transfer();
    const receipt = await whileMining(waitForReceipt(response, { timeoutMs: 10_000 }));
    expect(receipt.hash).to.equal(response.hash);
  });

  it("gives up after the timeout with TransactionTimeoutError naming the hash, the transaction still pending", async () => {
    const response = await transfer();
    const error = await rejection(waitForReceipt(response, { timeoutMs: 1_000 }));
    expect(error).to.be.instanceOf(TransactionTimeoutError);
    expect((error as TransactionTimeoutError).hash).to.equal(response.hash);
    expect(error.message).to.contain(response.hash).and.to.contain("within 1 s");
    await provider.send("evm_mine", []);
  });

  it("reports a transaction the node dropped as TransactionDroppedError", async () => {
    const response = await transfer();
    await provider.send("anvil_dropTransaction", [response.hash]);
    const error = await rejection(waitForReceipt(response, { timeoutMs: 1_000 }));
    expect(error).to.be.instanceOf(TransactionDroppedError);
    expect(error.message).to.contain(response.hash);
  });

  it("reports a transaction replaced by another with the same nonce as TransactionReplacedError", async () => {
    const nonce = await provider.getTransactionCount(wallet, "pending");
    const original = await transfer({ nonce, gasPrice: parseUnits("1", "gwei") });
    const waiting = rejection(waitForReceipt(original, { timeoutMs: 20_000 }));
    const replacement = await transfer({ nonce, gasPrice: parseUnits("2", "gwei") });
    const error = await whileMining(waiting);
    expect(error).to.be.instanceOf(TransactionReplacedError);
    expect(error).to.include({ hash: original.hash, replacement: replacement.hash, reason: "replaced" });
  });
});

/** The node forgot the transaction and ethers timed out: the sender's nonce tells replaced from dropped. */
describe("sdk/receipts waitForReceipt when the node no longer knows the transaction", () => {
  const hash = "0x" + "ab".repeat(32);
  const from = "0x" + "cd".repeat(20);
  const forgotten = (count: () => Promise<number>) => ({
    hash,
    from,
    nonce: 7,
    provider: { getTransaction: async () => null, getTransactionCount: count },
    wait: async (): Promise<TransactionReceipt | null> => {
      throw makeError("timeout", "TIMEOUT", { operation: "wait", reason: "timeout" });
    },
  });

  it("reads a used nonce as replaced by another transaction (replacement not seen)", async () => {
    const error = await rejection(
      waitForReceipt(
        forgotten(async () => 8),
        { timeoutMs: 5 },
      ),
    );
    expect(error).to.be.instanceOf(TransactionReplacedError);
    expect(error).to.include({ hash, replacement: undefined, reason: "replaced" });
    expect(error.message).to.contain("another transaction of the same sender");
  });

  it("reads an unused nonce as dropped", async () => {
    const error = await rejection(
      waitForReceipt(
        forgotten(async () => 7),
        { timeoutMs: 5 },
      ),
    );
    expect(error).to.be.instanceOf(TransactionDroppedError);
  });

  it("keeps the cautious reading, a timeout, when the nonce cannot be read", async () => {
    const error = await rejection(
      waitForReceipt(
        forgotten(async () => {
          throw new Error("node down");
        }),
        { timeoutMs: 5 },
      ),
    );
    expect(error).to.be.instanceOf(TransactionTimeoutError);
  });
});
