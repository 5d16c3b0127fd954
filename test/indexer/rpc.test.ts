import { createServer, type Server } from "node:http";
import { expect } from "chai";
import { ChainReader, withRetry } from "../../src/indexer/rpc.js";

/**
 * A fake node whose eth_getLogs refuses ranges above `limit` blocks and returns `perBlock` logs per block. `dense`
 * (optional) makes blocks from `dense.from` on so dense that a call covering more than `dense.limit` of them is refused.
 */
async function fakeNode(
  limit: number,
  perBlock: number,
  dense?: { from: number; limit: number },
): Promise<{ url: string; ranges: number[]; refused: boolean[]; server: Server }> {
  const ranges: number[] = [];
  const refused: boolean[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (c: Buffer) => (body += c.toString()));
    request.on("end", () => {
      const { id, params } = JSON.parse(body) as { id: number; params: [{ fromBlock: string; toBlock: string }] };
      const blocks = Number(params[0].toBlock) - Number(params[0].fromBlock) + 1;
      ranges.push(blocks);
      const [first, last] = [Number(params[0].fromBlock), Number(params[0].toBlock)];
      const denseBlocks = dense === undefined ? 0 : Math.max(0, last - Math.max(first, dense.from) + 1);
      const answer =
        blocks > limit || (dense !== undefined && denseBlocks > dense.limit)
          ? { jsonrpc: "2.0", id, error: { code: -32005, message: "query returned more than 10000 results" } }
          : { jsonrpc: "2.0", id, result: [] as unknown[] };
      if (blocks <= limit && perBlock > 0) {
        answer.result = Array.from({ length: blocks * perBlock }, () => ({}));
      }
      refused.push("error" in answer);
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, ranges, refused, server };
}

describe("indexer: adaptive eth_getLogs range", () => {
  it("halves on errors, then stays below the failing range instead of oscillating", async () => {
    const node = await fakeNode(100, 0);
    try {
      const reader = new ChainReader({ url: node.url, timeoutMs: 2_000, retries: 3, minRange: 1, maxRange: 5_000 });
      let from = 0;
      for (let i = 0; i < 40; i++) from = (await reader.logs([], from, 1_000_000)).to + 1;
      const failures = node.ranges.filter((r) => r > 100).length;
      expect(failures).to.be.lessThan(12); // 5000 → 2500 → … → 78, then a couple of probes
      expect(reader.logRange).to.be.at.most(100);
    } finally {
      node.server.close();
    }
  });

  it("halves at once when a range that worked over sparse blocks is too large over dense ones", async () => {
    // Blocks 0..999 are empty; from 1,000 on, more than 30 blocks in one call exceed the node's result cap.
    const node = await fakeNode(1_000_000, 0, { from: 1_000, limit: 30 });
    try {
      const reader = new ChainReader({ url: node.url, timeoutMs: 2_000, retries: 3, minRange: 1, maxRange: 400 });
      let from = 0;
      for (let i = 0; i < 40; i++) from = (await reader.logs([], from, 1_000_000)).to + 1;
      expect(from).to.be.greaterThan(1_000);
      // A refused size is never sent again right away (a too-large answer is not retried with backoff), and the few
      // refusals are the halvings and probes of the adaptive range, not a loop.
      const sent = node.ranges.join(",");
      const retried = node.ranges.filter((range, i) => i > 0 && node.refused[i - 1] && node.ranges[i - 1] === range);
      expect(retried, `ranges sent: ${sent}`).to.deep.equal([]);
      expect(node.refused.filter(Boolean).length, `ranges sent: ${sent}`).to.be.at.most(8);
    } finally {
      node.server.close();
    }
  });

  it("aims at about 10,000 logs per call on dense blocks", async () => {
    const node = await fakeNode(1_000_000, 500);
    try {
      const reader = new ChainReader({ url: node.url, timeoutMs: 5_000, retries: 3, minRange: 1, maxRange: 5_000 });
      await reader.logs([], 0, 1_000_000);
      expect(reader.logRange).to.equal(20); // 10,000 logs at 500 per block
    } finally {
      node.server.close();
    }
  });

  it("retries with backoff until success, and gives up after the configured retries", async () => {
    let calls = 0;
    const value = await withRetry(async () => (++calls < 3 ? Promise.reject(new Error("down")) : "up"), {
      retries: 5,
      baseDelayMs: 1,
    });
    expect(value).to.equal("up");
    expect(calls).to.equal(3);
    calls = 0;
    const failing = withRetry(async () => (calls++, Promise.reject(new Error("down"))), { retries: 2, baseDelayMs: 1 });
    await failing.then(
      () => expect.fail("should have thrown"),
      (error: Error) => expect(error.message).to.equal("down"),
    );
    expect(calls).to.equal(3);
  });
});
