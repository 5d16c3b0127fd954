import { createServer, Socket } from "node:net";
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { headsUrl } from "../../src/indexer/heads.js";
import { createIndexer, indexerOptions, openTestPglite } from "./harness.js";
import { startChain, type TestChain } from "./chain.js";
import type { Indexer } from "../../src/indexer/indexer.js";

/**
 * A TCP proxy to the node (HTTP and WebSocket alike): `cut()` ends every open connection and from then on refuses
 * WebSocket upgrades (HTTP goes on), so that only polling can follow the chain.
 */
async function tcpProxy(target: string): Promise<{ url: string; cut(): void; stop(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let refuseWebSockets = false;
  const server = createServer((client) => {
    const upstream = new Socket();
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.once("data", (first: Buffer) => {
      if (refuseWebSockets && /^upgrade: websocket/im.test(first.toString("latin1"))) return client.destroy();
      upstream.connect(Number(port), hostname, () => {
        upstream.write(first);
        client.pipe(upstream).pipe(client);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    cut: () => {
      refuseWebSockets = true;
      sockets.forEach((s) => s.destroy());
    },
    stop: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}

async function until(what: string, check: () => boolean, ms: number): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - started;
}

/** Records an off-chain payment (one block, automine) and returns its block number. */
async function newBlock(chain: TestChain, i: number): Promise<number> {
  const reference = keccak256(toUtf8Bytes(`heads-${Date.now()}-${i}`));
  const tx = await chain.flood
    .connect(chain.accounts.bankA)
    .recordPayment(chain.ids.core, chain.ids.supplier1, 1n, reference);
  return (await tx.wait())!.blockNumber;
}

describe("indexer: new heads over WebSocket, polling as the fallback", function () {
  this.timeout(120_000);
  let chain: TestChain;
  before(async () => (chain = await startChain()));
  after(async () => chain?.stop());

  it("derives the WebSocket URL from the RPC URL, takes one given, and `off` turns it off", () => {
    expect(headsUrl("http://127.0.0.1:8545")).to.equal("ws://127.0.0.1:8545/");
    expect(headsUrl("https://node.example/rpc/key")).to.equal("wss://node.example/rpc/key");
    expect(headsUrl("http://a:1", "ws://b:2/")).to.equal("ws://b:2/");
    expect(headsUrl("http://a:1", "off")).to.equal(undefined);
  });

  it("indexes a block pushed over the subscription without waiting for the poll (poll every 60 s)", async () => {
    const db = await openTestPglite();
    let indexer: Indexer | undefined;
    try {
      indexer = await createIndexer(db, chain.deployments, indexerOptions(chain.url, { pollIntervalMs: 60_000 }));
      indexer.start();
      const ready = indexer;
      await until(
        "caught up and subscribed",
        () => ready.status.caughtUp && ready.status.heads === "subscription",
        30_000,
      );
      await new Promise((r) => setTimeout(r, 200)); // the loop is idle in its 60 s wait now
      const block = await newBlock(chain, 1);
      const ms = await until("the pushed block indexed", () => ready.status.indexedBlock >= block, 10_000);
      expect(ms).to.be.lessThan(10_000); // far below the 60 s poll
    } finally {
      await indexer?.stop();
      await db.close();
    }
  });

  it("falls back to polling when the subscription drops, and keeps indexing", async () => {
    const proxy = await tcpProxy(chain.url);
    const db = await openTestPglite();
    let indexer: Indexer | undefined;
    try {
      indexer = await createIndexer(db, chain.deployments, indexerOptions(proxy.url, { pollIntervalMs: 300 }));
      indexer.start();
      const running = indexer;
      await until("subscribed", () => running.status.caughtUp && running.status.heads === "subscription", 30_000);
      proxy.cut(); // the WebSocket (and any HTTP connection) ends under the indexer
      await until("back to polling", () => running.status.heads === "polling", 10_000);
      const block = await newBlock(chain, 2);
      await until("the block indexed by polling", () => running.status.indexedBlock >= block, 20_000);
      expect(running.status.heads).to.equal("polling"); // WebSocket refused since the cut: the poll indexed it
    } finally {
      await indexer?.stop();
      await db.close();
      await proxy.stop();
    }
  });
});
