import { expect } from "chai";
import {
  isError,
  JsonRpcProvider,
  makeError,
  parseUnits,
  Wallet,
  type JsonRpcPayload,
  type JsonRpcResult,
} from "ethers";
import {
  ManagedSigner,
  ReceiptWatcher,
  ReusedGasEstimates,
  TransactionDroppedError,
  TransactionReplacedError,
  TransactionTimeoutError,
} from "@consortia/sdk";
import { localAnvilArgs, startAnvil } from "../../src/local/anvil.js";
import type { NodeProcess } from "../../src/local/node.js";
import { rejection } from "../helpers/rejection.js";

/** Well-known development keys (accounts #8 and #9 of the test mnemonic); test chains only. */
const KEY = "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97";
const OTHER_KEY = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6";

/** Init code of a contract that accepts every call (runtime: STOP). */
const ACCEPTS_ALL = "0x6001600c60003960016000f300";
/** Init code of a contract whose every call reverts with the 4 bytes 0xdeadbeef. */
const REVERTS_DEADBEEF = "0x600d600c600039600d6000f363deadbeef6000526004601cfd";

/** Counts the JSON-RPC requests it sends, by method. */
class CountingProvider extends JsonRpcProvider {
  calls: Record<string, number> = {};
  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    for (const p of Array.isArray(payload) ? payload : [payload])
      this.calls[p.method] = (this.calls[p.method] ?? 0) + 1;
    return super._send(payload);
  }
  count(method: string): number {
    return this.calls[method] ?? 0;
  }
}

/** Answers eth_getBlockReceipts as a node without it does (method not found). */
class NoBlockReceipts extends CountingProvider {
  override async send(method: string, params: unknown[]): Promise<unknown> {
    if (method === "eth_getBlockReceipts") {
      this.calls[method] = (this.calls[method] ?? 0) + 1;
      throw makeError("the method eth_getBlockReceipts does not exist/is not available", "UNSUPPORTED_OPERATION", {
        operation: method,
      });
    }
    return super.send(method, params);
  }
}

/** Answers `null` to the next `hide` receipt requests: a node that announced a block before serving its receipts. */
class LateReceipts extends JsonRpcProvider {
  hide = 0;
  override async send(method: string, params: unknown[]): Promise<unknown> {
    const result = await super.send(method, params);
    if ((method === "eth_getTransactionReceipt" || method === "eth_getBlockReceipts") && this.hide > 0) {
      this.hide--;
      return null;
    }
    return result;
  }
}

/**
 * Answers `eth_getBlockReceipts` from `answers` while it holds any ("transient": a network error, "missing": JSON-RPC
 * -32601, `failing`: a network error every time), else as the node does; counts the calls the node answered.
 */
class OddBlockReceipts extends JsonRpcProvider {
  answers: unknown[] = [];
  failing = false;
  served = 0;
  override async send(method: string, params: unknown[]): Promise<unknown> {
    if (method === "eth_getBlockReceipts") {
      const answer = this.failing ? "transient" : this.answers.length > 0 ? this.answers.shift() : undefined;
      if (answer === "transient") throw new TypeError("fetch failed");
      if (answer === "missing") {
        throw makeError("could not coalesce error", "UNKNOWN_ERROR", {
          error: { code: -32601, message: "Method not found" },
        });
      }
      if (answer !== undefined) return answer;
      this.served++;
    }
    return super.send(method, params);
  }
}

/** The node accepts the next `drop` raw transactions but the connection breaks before its answer arrives. */
class LostAnswers extends JsonRpcProvider {
  drop = 0;
  refuse = 0;
  override async send(method: string, params: unknown[]): Promise<unknown> {
    if (method === "eth_sendRawTransaction" && this.refuse > 0) {
      this.refuse--;
      throw new TypeError("fetch failed"); // never reached the node
    }
    const result = await super.send(method, params);
    if (method === "eth_sendRawTransaction" && this.drop > 0) {
      this.drop--;
      throw new TypeError("fetch failed");
    }
    return result;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`, or a rejection "still waiting" after `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The nonce manager over a local key: it signs and submits itself (no sender recovery, no per-send chain id, fee or
 * estimate round trip once known) and waits through the provider's `ReceiptWatcher`; every way a wait ends.
 */
describe("sdk/nonce ManagedSigner signing locally, receipts through the ReceiptWatcher", function () {
  this.timeout(120_000);

  describe("on 1 s blocks (Anvil --block-time 1)", () => {
    let node: NodeProcess;
    let provider: CountingProvider;

    before(async () => {
      node = await startAnvil([...localAnvilArgs(1337), "--block-time", "1"]);
      provider = new CountingProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 100 });
    });

    after(async () => {
      provider?.destroy();
      await node?.stop();
    });

    async function deploy(signer: ManagedSigner, initCode: string): Promise<string> {
      const response = await signer.sendTransaction({ data: initCode });
      const receipt = await signer.waitForReceipt(response, { timeoutMs: 30_000 });
      return receipt.contractAddress!;
    }

    it("sends 40 calls concurrently with one estimate, no sender recovery, receipts from the watcher", async () => {
      const wallet = new Wallet(KEY, provider);
      const signer = new ManagedSigner(wallet, { gasLimits: new ReusedGasEstimates(1.5), localSigning: true });
      expect(signer.watcher).to.equal(ReceiptWatcher.for(provider));
      const target = await deploy(signer, ACCEPTS_ALL);
      const start = await provider.getTransactionCount(wallet, "pending");
      const first = await signer.sendTransaction({ to: target, data: "0x12345678" });
      await signer.waitForReceipt(first, { timeoutMs: 30_000 });
      const before = { ...provider.calls };
      const delta = (method: string) => provider.count(method) - (before[method] ?? 0);

      const responses = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          signer.sendTransaction({ to: target, data: `0x12345678${i.toString(16).padStart(64, "0")}` }),
        ),
      );
      expect(responses.every((response) => signer.watches(response.hash))).to.equal(true);
      const receipts = await Promise.all(responses.map((r) => signer.waitForReceipt(r, { timeoutMs: 30_000 })));

      expect(delta("eth_estimateGas"), "estimates after the first call").to.equal(0);
      expect(delta("eth_sendRawTransaction")).to.equal(40);
      expect(delta("eth_chainId")).to.equal(0);
      // Receipts by block (eth_getBlockReceipts once per block holding several of them), no per-transaction polling.
      const blocks = new Set(receipts.map((r) => r.blockNumber)).size;
      expect(blocks).to.be.lessThan(10); // many per block
      expect(delta("eth_getBlockReceipts")).to.be.within(1, blocks);
      expect(delta("eth_getTransactionReceipt")).to.be.at.most(blocks);
      expect(delta("eth_getTransactionByHash")).to.equal(0);
      expect(receipts.map((r) => r.hash)).to.deep.equal(responses.map((r) => r.hash));
      expect(receipts.every((r) => r.status === 1 && r.from === wallet.address)).to.equal(true);
      expect(responses.map((r) => r.from)).to.deep.equal(responses.map(() => wallet.address));
      expect(responses.map((r) => r.nonce)).to.deep.equal(responses.map((_, i) => start + 1 + i));
      // The node has what was signed under the hash the SDK computed.
      const mined = await provider.getTransaction(responses[7].hash);
      expect(mined?.from).to.equal(wallet.address);
      expect(mined?.nonce).to.equal(start + 8);
      expect(mined?.gasLimit).to.equal(responses[7].gasLimit);
      expect(await provider.getTransactionCount(wallet, "latest")).to.equal(start + 41);
    });

    it("reuses the highest estimate of a function times the headroom, per contract and selector", () => {
      const limits = new ReusedGasEstimates(1.5);
      const call = (to: string, data: string) => ({ to, data });
      const a = "0x" + "11".repeat(20);
      expect(limits.limit(call(a, "0xaabbccdd00"))).to.equal(undefined);
      limits.estimated(call(a, "0xaabbccdd00"), 100_000n);
      limits.estimated(call(a, "0xaabbccdd01"), 80_000n); // lower: the higher stays
      expect(limits.limit(call(a, "0xAABBCCDDff"))).to.equal(150_000n);
      expect(limits.limit(call(a, "0x11223344"))).to.equal(undefined); // another function
      expect(limits.limit(call("0x" + "22".repeat(20), "0xaabbccdd"))).to.equal(undefined); // another contract
      expect(limits.limit({ to: a, value: 1n })).to.equal(undefined); // no calldata: always estimated
      expect(() => new ReusedGasEstimates(0.9)).to.throw(RangeError);
    });

    it("a burst of first calls of one function: one estimate, the others wait for it and use what it taught", async () => {
      const limits = new ReusedGasEstimates(1.5);
      const signer = new ManagedSigner(new Wallet(KEY, provider), { gasLimits: limits, localSigning: true });
      const other = new ManagedSigner(new Wallet(OTHER_KEY, provider), { gasLimits: limits, localSigning: true });
      const target = await deploy(signer, ACCEPTS_ALL);
      const before = provider.count("eth_estimateGas");
      const data = (i: number) => `0xabcdef01${i.toString(16).padStart(64, "0")}`;
      // Two signers sharing one table, none of the 20 calls' function estimated yet.
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? other : signer).sendTransaction({ to: target, data: data(i) })),
      );
      expect(provider.count("eth_estimateGas") - before, "estimates").to.equal(1);
      const limit = limits.limit({ to: target, data: data(0) });
      expect(limit === undefined, "a limit learnt").to.equal(false);
      expect(responses.filter((r) => r.gasLimit === limit).length, "sent with the learnt limit").to.be.at.least(19);
      const receipts = await Promise.all(responses.map((r) => signer.waitForReceipt(r, { timeoutMs: 30_000 })));
      expect(receipts.every((r) => r.status === 1)).to.equal(true);
    });

    it("a burst whose first estimate reverts: each send estimates itself and fails fast, no nonce used", async () => {
      const limits = new ReusedGasEstimates(1.5);
      const signer = new ManagedSigner(new Wallet(OTHER_KEY, provider), { gasLimits: limits, localSigning: true });
      const reverter = await deploy(signer, REVERTS_DEADBEEF);
      const nonce = await signer.getNonce("pending");
      const before = provider.count("eth_estimateGas");
      // Different arguments (ethers answers identical requests made within 250 ms once).
      const sends = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) =>
          signer.sendTransaction({ to: reverter, data: `0x12345678${i.toString(16).padStart(64, "0")}` }),
        ),
      );
      expect(sends.every((s) => s.status === "rejected")).to.equal(true);
      for (const s of sends) {
        const reason = (s as PromiseRejectedResult).reason as Error & { data?: string };
        expect(isError(reason, "CALL_EXCEPTION"), String(reason)).to.equal(true);
        expect(reason.data).to.equal("0xdeadbeef");
      }
      expect(provider.count("eth_estimateGas") - before, "estimates").to.equal(5);
      expect(limits.limit({ to: reverter, data: "0x12345678" })).to.equal(undefined);
      expect(await signer.getNonce("pending")).to.equal(nonce);
    });

    it("a revert sent with a known gas limit is mined, and the wait replays it to give the revert data", async () => {
      const signer = new ManagedSigner(new Wallet(OTHER_KEY, provider), {
        gasLimits: { limit: () => 100_000n },
        localSigning: true,
      });
      const reverter = await deploy(
        new ManagedSigner(new Wallet(OTHER_KEY, provider), { localSigning: true }),
        REVERTS_DEADBEEF,
      );
      const before = provider.count("eth_estimateGas");
      const response = await signer.sendTransaction({ to: reverter, data: "0x12345678" });
      expect(provider.count("eth_estimateGas")).to.equal(before); // not estimated: sent as is
      const error = await rejection(signer.waitForReceipt(response, { timeoutMs: 30_000 }));
      expect(isError(error, "CALL_EXCEPTION"), String(error)).to.equal(true);
      expect((error as Error & { data?: string }).data).to.equal("0xdeadbeef");
      // The nonce was used on chain: the next send follows it.
      const next = await signer.sendTransaction({ to: Wallet.createRandom().address, value: 1n, gasLimit: 21_000n });
      expect(next.nonce).to.equal(response.nonce + 1);
    });

    it("signs locally by default; the response's own wait() goes through the watcher", async () => {
      const wallet = new Wallet(KEY, provider);
      const signer = new ManagedSigner(wallet, { gasLimits: new ReusedGasEstimates(1.5) });
      expect(signer.watcher).to.equal(ReceiptWatcher.for(provider));
      const recipients = Array.from({ length: 20 }, () => Wallet.createRandom().address);
      const before = { ...provider.calls };
      const delta = (method: string) => provider.count(method) - (before[method] ?? 0);
      const responses = await Promise.all(recipients.map((to) => signer.sendTransaction({ to, value: 1n })));
      expect(responses.every((response) => signer.watches(response.hash))).to.equal(true);
      const receipts = await Promise.all(responses.map((response) => response.wait(1, 30_000)));
      expect(receipts.map((receipt) => receipt?.hash)).to.deep.equal(responses.map((response) => response.hash));
      expect(receipts.every((receipt) => receipt?.status === 1)).to.equal(true);
      // ethers' wait would poll each receipt on every block and read the sender's nonce: none of that.
      const blocks = new Set(receipts.map((receipt) => receipt?.blockNumber)).size;
      expect(delta("eth_getTransactionReceipt") + delta("eth_getBlockReceipts")).to.be.at.most(blocks + 2);
      expect(delta("eth_getTransactionByHash")).to.equal(0);
      // Waiting again (the watcher has forgotten it): ethers' wait, the receipt at once.
      expect((await responses[0].wait())?.hash).to.equal(responses[0].hash);
      expect((await responses[1].wait(0))?.hash).to.equal(responses[1].hash);
    });

    it("falls back to one receipt request per transaction when the node has no eth_getBlockReceipts", async () => {
      const bare = new NoBlockReceipts(node.url, undefined, { staticNetwork: true, pollingInterval: 100 });
      try {
        const signer = new ManagedSigner(new Wallet(OTHER_KEY, bare));
        const responses = await Promise.all(
          Array.from({ length: 10 }, () =>
            signer.sendTransaction({ to: Wallet.createRandom().address, value: 1n, gasLimit: 21_000n }),
          ),
        );
        const receipts = await Promise.all(responses.map((r) => signer.waitForReceipt(r, { timeoutMs: 30_000 })));
        expect(receipts.every((receipt) => receipt.status === 1)).to.equal(true);
        expect(bare.count("eth_getBlockReceipts")).to.be.at.most(1); // tried once, then per transaction
        expect(bare.count("eth_getTransactionReceipt")).to.be.at.least(10);
      } finally {
        bare.destroy();
      }
    });

    it("without local signing (option off) sends through the wrapped signer and waits the ethers way", async () => {
      const signer = new ManagedSigner(new Wallet(OTHER_KEY, provider), { localSigning: false });
      expect(signer.watcher).to.equal(undefined);
      const response = await signer.sendTransaction({ to: Wallet.createRandom().address, value: 1n });
      expect(signer.watches(response.hash)).to.equal(false);
      expect((await signer.waitForReceipt(response, { timeoutMs: 30_000 })).status).to.equal(1);
    });
  });

  describe("on a node that mines only when told (Anvil --no-mining)", () => {
    let node: NodeProcess;
    let provider: JsonRpcProvider;
    let signer: ManagedSigner;

    before(async () => {
      node = await startAnvil([...localAnvilArgs(1337), "--no-mining"]);
      provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 50 });
      signer = new ManagedSigner(new Wallet(KEY, provider), { localSigning: true });
    });

    after(async () => {
      provider?.destroy();
      await node?.stop();
    });

    const mine = () => provider.send("evm_mine", []);
    const transfer = () => signer.sendTransaction({ to: Wallet.createRandom().address, value: 1n, gasLimit: 21_000n });

    /** Mines a block every 100 ms until `waiting` settles. */
    async function whileMining<T>(waiting: Promise<T>): Promise<T> {
      let settled = false;
      const done = waiting.finally(() => (settled = true));
      while (!settled) {
        await mine();
        await Promise.race([done.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 100))]);
      }
      return done;
    }

    it("waits for the confirmations asked", async () => {
      const response = await transfer();
      const waiting = signer.waitForReceipt(response, { confirmations: 3, timeoutMs: 20_000 });
      const receipt = await whileMining(waiting);
      expect(receipt.hash).to.equal(response.hash);
      expect(await provider.getBlockNumber()).to.be.at.least(receipt.blockNumber + 2);
    });

    it("finds a transaction mined before its wait started", async () => {
      const response = await transfer();
      await mine();
      await new Promise((resolve) => setTimeout(resolve, 200)); // the watcher has scanned that block
      const receipt = await signer.waitForReceipt(response, { timeoutMs: 10_000 });
      expect(receipt.hash).to.equal(response.hash);
    });

    it("a block announced before its receipts are served: the receipt is asked for again, not waited for forever", async () => {
      const late = new LateReceipts(node.url, undefined, { staticNetwork: true, pollingInterval: 50 });
      try {
        const own = new ManagedSigner(new Wallet(OTHER_KEY, late));
        const response = await own.sendTransaction({ to: Wallet.createRandom().address, value: 1n, gasLimit: 21_000n });
        const waiting = own.waitForReceipt(response, { timeoutMs: 10_000 });
        await new Promise((resolve) => setTimeout(resolve, 200)); // the watcher knows the head
        late.hide = 1;
        await mine(); // one block, then none: the chain stays idle
        const started = Date.now();
        const receipt = await waiting;
        expect(receipt.hash).to.equal(response.hash);
        expect(late.hide).to.equal(0); // the first answer was hidden
        expect(Date.now() - started).to.be.lessThan(3_000); // the next poll, not the timeout
      } finally {
        late.destroy();
      }
    });

    it("a receipt answered null twice is asked for until served: wait() without a timeout ends on an idle chain", async () => {
      const late = new LateReceipts(node.url, undefined, { staticNetwork: true, pollingInterval: 50 });
      try {
        const own = new ManagedSigner(new Wallet(OTHER_KEY, late));
        const response = await own.sendTransaction({ to: Wallet.createRandom().address, value: 1n, gasLimit: 21_000n });
        const waiting = response.wait(); // no timeout
        await sleep(200); // the watcher knows the head
        late.hide = 2; // the block's answer and the direct ask after it
        await mine(); // then the chain stays idle
        const receipt = await within(waiting, 3_000);
        expect(receipt?.hash).to.equal(response.hash);
        expect(late.hide).to.equal(0);
      } finally {
        late.destroy();
      }
    });

    it("a mined transaction whose receipt is late is not reported replaced when the sender's nonce moves past it", async () => {
      const late = new LateReceipts(node.url, undefined, { staticNetwork: true, pollingInterval: 50 });
      try {
        const own = new ManagedSigner(new Wallet(OTHER_KEY, late));
        const response = await own.sendTransaction({ to: Wallet.createRandom().address, value: 1n, gasLimit: 21_000n });
        const waiting = response.wait(1, 10_000);
        await sleep(200);
        late.hide = 3;
        await mine();
        await sleep(500);
        await mine(); // a new block: the nonce check runs with the sender's count above the transaction's nonce
        const receipt = await within(waiting, 3_000);
        expect(receipt?.hash).to.equal(response.hash);
      } finally {
        late.destroy();
      }
    });

    /** Sends `n` transfers from `own`, lets the watcher see the head, mines them in one block, waits for them. */
    async function oneBlock(own: ManagedSigner, n: number) {
      const responses = await Promise.all(
        Array.from({ length: n }, () =>
          own.sendTransaction({ to: Wallet.createRandom().address, value: 1n, gasLimit: 21_000n }),
        ),
      );
      const waiting = Promise.all(responses.map((r) => own.waitForReceipt(r, { timeoutMs: 5_000 })));
      await sleep(200);
      await mine();
      const receipts = await waiting;
      expect(new Set(receipts.map((r) => r.blockNumber)).size).to.equal(1);
      expect(receipts.map((r) => r.hash)).to.deep.equal(responses.map((r) => r.hash));
    }

    it("a malformed eth_getBlockReceipts answer (not a list, a receipt without hash): receipts asked per transaction", async () => {
      const odd = new OddBlockReceipts(node.url, undefined, { staticNetwork: true, pollingInterval: 50 });
      try {
        const own = new ManagedSigner(new Wallet(OTHER_KEY, odd));
        odd.answers = [{ not: "a list" }];
        await oneBlock(own, 3);
        odd.answers = [[{ status: "0x1" }]];
        await oneBlock(own, 3);
        expect(odd.answers).to.deep.equal([]);
        await oneBlock(own, 3); // still batched
        expect(odd.served).to.equal(1);
      } finally {
        odd.destroy();
      }
    });

    it("eth_getBlockReceipts failing: per transaction for that round; disabled for good only on method not found", async () => {
      const odd = new OddBlockReceipts(node.url, undefined, { staticNetwork: true, pollingInterval: 50 });
      try {
        const own = new ManagedSigner(new Wallet(OTHER_KEY, odd));
        odd.answers = ["transient"]; // on the first try: not taken for a missing method
        await oneBlock(own, 3);
        await oneBlock(own, 3);
        expect(odd.served).to.equal(1);
        odd.failing = true; // after it worked (a failover to a node without it): blocks still settle
        await oneBlock(own, 3);
        odd.failing = false;
        await oneBlock(own, 3);
        expect(odd.served).to.equal(2);
        odd.answers = ["missing"];
        await oneBlock(own, 3);
        await oneBlock(own, 3);
        expect(odd.served).to.equal(2); // not asked again
      } finally {
        odd.destroy();
      }
    });

    it("a send whose answer was lost after the node accepted it is reported sent, its nonce kept", async () => {
      const lost = new LostAnswers(node.url, undefined, { staticNetwork: true, pollingInterval: 50 });
      try {
        const own = new ManagedSigner(new Wallet(OTHER_KEY, lost));
        const send = () => own.sendTransaction({ to: Wallet.createRandom().address, value: 1n, gasLimit: 21_000n });
        const first = await send();
        lost.drop = 1;
        const accepted = await send();
        expect(accepted.nonce).to.equal(first.nonce + 1);
        expect(own.watches(accepted.hash)).to.equal(true);
        lost.refuse = 1; // never reached the node: a failure, the nonce given again
        expect(String(await rejection(send()))).to.contain("fetch failed");
        const next = await send();
        expect(next.nonce).to.equal(accepted.nonce + 1);
        await whileMining(Promise.all([first, accepted, next].map((r) => r.wait(1, 10_000))));
        expect((await lost.getTransactionReceipt(accepted.hash))?.status).to.equal(1);
      } finally {
        lost.destroy();
      }
    });

    it("a second wait() while the first is pending goes through the watcher too", async () => {
      const response = await transfer();
      const first = response.wait(1, 10_000);
      expect(signer.watches(response.hash)).to.equal(true);
      const second = response.wait(1, 10_000);
      expect(signer.watcher!.pending).to.equal(1);
      const [a, b] = await whileMining(Promise.all([first, second]));
      expect(a?.hash).to.equal(response.hash);
      expect(b?.hash).to.equal(response.hash);
      expect(signer.watches(response.hash)).to.equal(false); // forgotten once settled
    });

    it("the response's wait(confirms, timeout) ends with the watcher's errors: timeout, dropped", async () => {
      const pending = await transfer();
      const timeout = await rejection(pending.wait(1, 800));
      expect(timeout).to.be.instanceOf(TransactionTimeoutError);
      await mine();
      const dropped = await transfer();
      await provider.send("anvil_dropTransaction", [dropped.hash]);
      expect(await rejection(dropped.wait(1, 800))).to.be.instanceOf(TransactionDroppedError);
      signer.reset(); // its nonce was never used
    });

    it("gives up after the timeout with TransactionTimeoutError, the transaction still pending", async () => {
      const response = await transfer();
      const error = await rejection(signer.waitForReceipt(response, { timeoutMs: 800 }));
      expect(error).to.be.instanceOf(TransactionTimeoutError);
      expect((error as TransactionTimeoutError).hash).to.equal(response.hash);
      await mine();
    });

    it("reports a transaction the node dropped as TransactionDroppedError", async () => {
      const response = await transfer();
      await provider.send("anvil_dropTransaction", [response.hash]);
      const error = await rejection(signer.waitForReceipt(response, { timeoutMs: 800 }));
      expect(error).to.be.instanceOf(TransactionDroppedError);
      signer.reset(); // its nonce was never used
    });

    it("reports a transaction replaced by another with its nonce as TransactionReplacedError, at the next block", async () => {
      const response = await transfer();
      const outside = new Wallet(KEY, new JsonRpcProvider(node.url, undefined, { staticNetwork: true }));
      const waiting = rejection(signer.waitForReceipt(response, { timeoutMs: 20_000 }));
      await outside.sendTransaction({
        to: outside.address,
        value: 0n,
        nonce: response.nonce,
        gasPrice: parseUnits("1", "gwei"),
        gasLimit: 21_000n,
        type: 0,
      });
      const started = Date.now();
      const error = await whileMining(waiting);
      expect(error).to.be.instanceOf(TransactionReplacedError);
      expect(error).to.include({ hash: response.hash, reason: "replaced" });
      expect(Date.now() - started).to.be.lessThan(5_000); // seen from the nonce, not at the timeout
      (outside.provider as JsonRpcProvider).destroy();
    });
  });
});
