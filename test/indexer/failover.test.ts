import { expect } from "chai";
import { closeApi } from "../../src/api/server.js";
import { databaseStatus } from "../../src/api/status.js";
import { parseConfig } from "../../src/indexer/config.js";
import {
  catchUp,
  createIndexer,
  digests,
  indexerApi,
  indexerOptions,
  indexUpTo,
  testStores,
  useFloodedChain,
} from "./harness.js";
import { startLaggingProxy } from "./lagging-proxy.js";
import { forward, startProxyServer } from "./proxy-server.js";

/** A proxy in front of the node that can be switched off (drops every connection) and on again. */
async function startSwitch(target: string) {
  const state = { down: false, requests: 0 };
  const server = await startProxyServer(async (body, request, response) => {
    if (state.down) {
      request.socket.destroy();
      return;
    }
    state.requests++;
    response.writeHead(200, { "content-type": "application/json" }).end(await forward(target, body));
  });
  return { ...server, state };
}

/** A loopback URL nothing listens on. */
async function deadUrl(): Promise<string> {
  const server = await startProxyServer(async () => undefined);
  await server.stop();
  return server.url;
}

describe("indexer: several RPC URLs (failover)", function () {
  this.timeout(180_000);
  const flooded = useFloodedChain();

  it("RPC_URL takes a comma-separated list; each URL is validated, none twice", () => {
    const config = parseConfig({ rpcUrl: "http://a:8545, http://b:8545", deployments: "d.json" });
    expect(config.rpcUrl).to.equal("http://a:8545, http://b:8545");
    expect(() => parseConfig({ rpcUrl: "http://a:8545,ftp://b", deployments: "d.json" })).to.throw(/http\(s\)/);
    expect(() => parseConfig({ rpcUrl: "http://a:8545,http://a:8545", deployments: "d.json" })).to.throw(/twice/);
    expect(() => parseConfig({ rpcUrl: " , ", deployments: "d.json" })).to.throw(/no URL/);
  });

  for (const store of testStores()) {
    it(`${store.name}: a dead first URL is skipped; the index equals a direct one; /status and /metrics show the nodes`, async () => {
      const { chain, head, expected } = flooded;
      const db = await store.open();
      const dead = await deadUrl();
      try {
        const indexer = await createIndexer(
          db,
          chain.deployments,
          indexerOptions(`${dead},${chain.url}`, { maxLogRange: 8, nodeRetryMs: 100 }),
        );
        await indexUpTo(indexer, head);
        expect(await digests(db)).to.deep.equal(expected);
        const [down, live] = indexer.status.nodes;
        expect(down).to.include({ node: new URL(dead).origin, up: false });
        expect(down.failures).to.be.greaterThan(0);
        expect(live).to.include({ node: new URL(chain.url).origin, up: true, head, failures: 0 });
        expect(indexer.status.failovers).to.equal(1);

        const api = await indexerApi(db, indexer);
        try {
          const status = (await api.inject({ url: "/status" })).json();
          expect(status.failovers).to.equal(1);
          expect(status.nodes.map((n: { up: boolean }) => n.up)).to.deep.equal([false, true]);
          const metrics = (await api.inject({ url: "/metrics" })).body;
          expect(metrics).to.include("consortia_indexer_rpc_failovers_total 1\n");
          expect(metrics).to.include(
            `consortia_indexer_rpc_node_head_block{node="${new URL(chain.url).origin}"} ${head}\n`,
          );
          expect(metrics).to.include(`consortia_indexer_rpc_node_up{node="${new URL(dead).origin}"} 0\n`);
        } finally {
          await closeApi(api);
        }
        // An API in another process reads the nodes from the state row.
        const apart = await databaseStatus(db, 0)();
        expect(apart.failovers).to.equal(1);
        expect(apart.nodes.map((n) => [n.node, n.up])).to.deep.equal([
          [new URL(dead).origin, false],
          [new URL(chain.url).origin, true],
        ]);
        // The count survives a restart.
        expect((await createIndexer(db, chain.deployments, indexerOptions(chain.url))).status.failovers).to.equal(1);
      } finally {
        await db.close();
        await store.cleanup();
      }
    });

    it(`${store.name}: a node behind the others serves up to its head and is never asked above it`, async () => {
      const { chain, head, expected } = flooded;
      const db = await store.open();
      const behindHead = chain.deployments.deploymentBlock + Math.floor((head - chain.deployments.deploymentBlock) / 2);
      // Every answer of this node is a node's at `behindHead`: asked above it, it would answer short, null or refuse.
      const behind = await startLaggingProxy(chain.url, { share: 1, head: () => behindHead });
      const full = await startSwitch(chain.url);
      try {
        // The node behind comes first in the list: it is asked for what it has, the full node for the rest.
        const options = indexerOptions(`${behind.url},${full.url}`, { maxLogRange: 8, nodeRetryMs: 100 });
        full.state.down = true;
        const indexer = await createIndexer(db, chain.deployments, options);
        // Only the node behind answers: the index follows it up to its head, and no further.
        await catchUp(indexer);
        expect(indexer.status.indexedBlock).to.equal(behindHead);
        expect(indexer.status.headBlock).to.equal(behindHead);

        full.state.down = false;
        await indexUpTo(indexer, head);
        expect(await digests(db)).to.deep.equal(expected);
        expect(full.state.requests).to.be.greaterThan(0);
        expect(behind.counts.logRequests).to.be.greaterThan(0);
        expect(behind.counts).to.include({ shortLogs: 0, nullHeaders: 0, refusedByHash: 0 });
        expect(indexer.status.nodes.map((n) => [n.head, n.up])).to.deep.equal([
          [behindHead, true],
          [head, true],
        ]);
        expect(indexer.status.reorgs).to.equal(0);

        // From scratch with both up: the first node serves blocks up to its head only, the next one the rest.
        const fresh = await store.open();
        try {
          const logsBefore = behind.counts.logRequests;
          const both = await createIndexer(fresh, chain.deployments, options);
          await indexUpTo(both, head);
          expect(await digests(fresh)).to.deep.equal(expected);
          expect(behind.counts.logRequests).to.be.greaterThan(logsBefore);
          expect(behind.counts).to.include({ shortLogs: 0, nullHeaders: 0, refusedByHash: 0 });
          expect(both.status.failovers).to.equal(0);
        } finally {
          await fresh.close();
        }
      } finally {
        await db.close();
        await full.stop();
        await behind.stop();
        await store.cleanup();
      }
    });

    it(`${store.name}: a node failing mid-run fails over to the next, and is used again once it answers`, async () => {
      const { chain, head, expected } = flooded;
      const db = await store.open();
      const first = await startSwitch(chain.url);
      const second = await startSwitch(chain.url);
      try {
        const indexer = await createIndexer(
          db,
          chain.deployments,
          indexerOptions(`${first.url},${second.url}`, { maxLogRange: 4, nodeRetryMs: 100 }),
        );
        const midway = chain.deployments.deploymentBlock + 10;
        while (indexer.status.indexedBlock < midway) await indexer.step();
        expect(indexer.status.failovers).to.equal(0);
        const secondBefore = second.state.requests;
        first.state.down = true;
        await indexUpTo(indexer, head);
        expect(await digests(db)).to.deep.equal(expected);
        expect(indexer.status.failovers).to.equal(1);
        expect(indexer.status.nodes[0].up).to.equal(false);
        expect(second.state.requests).to.be.greaterThan(secondBefore);

        // Back up: asked again after its retry time, and up again.
        first.state.down = false;
        const until = Date.now() + 10_000;
        while (!indexer.status.nodes[0].up && Date.now() < until) {
          await indexer.step();
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(indexer.status.nodes.map((n) => n.up)).to.deep.equal([true, true]);
      } finally {
        await db.close();
        await first.stop();
        await second.stop();
        await store.cleanup();
      }
    });

    it(`${store.name}: every node down fails the step with each node's error; a node on another chain is refused`, async () => {
      const { chain } = flooded;
      const db = await store.open();
      const [a, b] = [await deadUrl(), await deadUrl()];
      try {
        const options = indexerOptions(`${a},${b}`, { maxRetries: 0 });
        let failed: unknown;
        await createIndexer(db, chain.deployments, options).catch((error: unknown) => (failed = error));
        expect((failed as Error).message).to.match(/no node can answer eth_chainId/);
        expect((failed as Error).message)
          .to.include(new URL(a).origin)
          .and.include(new URL(b).origin);

        const wrongChain = { ...chain.deployments, chainId: chain.deployments.chainId + 1 };
        let mismatch: unknown;
        await createIndexer(db, wrongChain, indexerOptions(`${a},${chain.url}`, { maxRetries: 0 })).catch(
          (error: unknown) => (mismatch = error),
        );
        expect((mismatch as Error).message).to.match(/serves chain \d+, the deployments file is for chain/);
      } finally {
        await db.close();
        await store.cleanup();
      }
    });
  }
});
