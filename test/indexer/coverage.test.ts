import { expect } from "chai";
import { bloomMayContain, checkCoverage, RangeNotCoveredError } from "../../src/indexer/coverage.js";
import type { BlockHeader, RawLog } from "../../src/indexer/rpc.js";
import { mine } from "./chain.js";
import { catchUp, createIndexer, digests, indexerOptions, indexUpTo, testStores, useFloodedChain } from "./harness.js";
import { startLaggingProxy } from "./lagging-proxy.js";

const ADDRESS = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const FULL_BLOOM = `0x${"f".repeat(512)}`;
const EMPTY_BLOOM = `0x${"0".repeat(512)}`;
/** One bit set: no address can match (an address sets three bits). */
const ONE_BIT_BLOOM = `0x${"0".repeat(511)}1`;

const hash = (n: number, fork = 0) => `0x${(n * 16 + fork).toString(16).padStart(64, "0")}`;
const header = (n: number, bloom = EMPTY_BLOOM, fork = 0): BlockHeader => ({
  number: n,
  hash: hash(n, fork),
  parentHash: hash(n - 1, fork),
  timestamp: 1_700_000_000 + n,
  logsBloom: bloom,
});
const log = (n: number, blockHash = hash(n)): RawLog => ({
  address: ADDRESS,
  topics: [],
  data: "0x",
  blockNumber: `0x${n.toString(16)}`,
  blockHash: blockHash as `0x${string}`,
  transactionHash: hash(1000 + n) as `0x${string}`,
  transactionIndex: "0x0",
  logIndex: "0x0",
});
const input = (headers: (BlockHeader | undefined)[], logs: RawLog[] = [], parentHash: string | null = hash(9)) => ({
  from: 10,
  headers,
  parentHash,
  logs,
  addresses: [ADDRESS],
});

describe("indexer: coverage proof of a range", () => {
  it("accepts linked headers and logs carrying their header's hash", () => {
    const coverage = checkCoverage(input([header(10), header(11, FULL_BLOOM), header(12)], [log(11)]));
    expect(coverage.to).to.equal(12);
    expect(coverage.logs).to.have.length(1);
    expect(coverage.suspects).to.deep.equal([]);
  });

  it("refuses a range whose first header the node does not have (node below the range)", () => {
    expect(() => checkCoverage(input([undefined, header(11)]))).to.throw(RangeNotCoveredError, /node is behind/);
  });

  it("proves only the prefix before a missing header, and drops the logs after it", () => {
    const coverage = checkCoverage(input([header(10), header(11), undefined, header(13)], [log(10), log(13)]));
    expect(coverage.to).to.equal(11);
    expect(coverage.headers.map((h) => h.number)).to.deep.equal([10, 11]);
    expect(coverage.logs.map((l) => Number(l.blockNumber))).to.deep.equal([10]);
  });

  it("refuses headers that do not link to the checkpoint", () => {
    expect(() => checkCoverage(input([header(10)], [], hash(9, 1)))).to.throw(RangeNotCoveredError, /checkpoint/);
  });

  it("refuses headers from different chains (broken parentHash link)", () => {
    expect(() => checkCoverage(input([header(10), header(11, EMPTY_BLOOM, 1)]))).to.throw(
      RangeNotCoveredError,
      /block 11 does not link to block 10/,
    );
  });

  it("refuses a header for another block number than asked", () => {
    expect(() => checkCoverage(input([header(10), header(12)]))).to.throw(RangeNotCoveredError, /got block 12/);
  });

  it("refuses a log whose block hash is not its header's (answered from another fork)", () => {
    expect(() => checkCoverage(input([header(10)], [log(10, hash(10, 1))]))).to.throw(
      RangeNotCoveredError,
      /not the header's/,
    );
  });

  it("refuses a removed log and a log outside the range", () => {
    expect(() => checkCoverage(input([header(10)], [{ ...log(10), removed: true }]))).to.throw(/removed/);
    expect(() => checkCoverage(input([header(10)], [log(12)]))).to.throw(/outside the range/);
  });

  it("suspects a block whose bloom may hold an indexed address but that returned no log", () => {
    const coverage = checkCoverage(input([header(10, FULL_BLOOM), header(11, ONE_BIT_BLOOM), header(12)]));
    expect(coverage.suspects.map((h) => h.number)).to.deep.equal([10]);
  });

  it("reads blooms with ethereum-bloom-filters: empty and unrelated blooms hold no address", () => {
    expect(bloomMayContain(FULL_BLOOM, [ADDRESS])).to.equal(true);
    expect(bloomMayContain(EMPTY_BLOOM, [ADDRESS])).to.equal(false);
    expect(bloomMayContain(ONE_BIT_BLOOM, [ADDRESS])).to.equal(false);
  });
});

describe("indexer: a node behind the others (lagging backend)", function () {
  this.timeout(180_000);
  const flooded = useFloodedChain();

  for (const store of testStores()) {
    it(`${store.name}: short eth_getLogs, null headers and old heads from a third of requests lose nothing`, async () => {
      const { chain, head, expected } = flooded;
      const lag = Math.floor((head - chain.deployments.deploymentBlock) / 2);
      const proxy = await startLaggingProxy(chain.url, { share: 1 / 3, head: (h) => h - lag });
      const db = await store.open();
      try {
        const indexer = await createIndexer(db, chain.deployments, indexerOptions(proxy.url, { maxLogRange: 4 }));
        await indexUpTo(indexer, head);
        expect(await digests(db)).to.deep.equal(expected);
        // The proxy really hid logs, answered old heads and missing headers: without the proof, events were lost.
        expect(proxy.counts.shortLogs).to.be.greaterThan(0);
        expect(proxy.counts.droppedLogs).to.be.greaterThan(0);
        expect(proxy.counts.nullHeaders).to.be.greaterThan(0);
        expect(proxy.counts.oldHeads).to.be.greaterThan(0);
        // Each block the short answers left out was found by its bloom and fetched again by hash.
        expect(indexer.status.refetchedBlocks).to.be.greaterThan(0);
        expect(indexer.status.nodeBehind).to.be.greaterThan(0);
        expect(indexer.status.reorgs).to.equal(0);
      } finally {
        await db.close();
        await proxy.stop();
        await store.cleanup();
      }
    });

    it(`${store.name}: a node far behind the checkpoint (beyond the kept window) is waited for, nothing wiped`, async () => {
      const { chain, head, expected } = flooded;
      const db = await store.open();
      const proxy = await startLaggingProxy(chain.url, {
        share: 1,
        head: () => chain.deployments.deploymentBlock + 1,
      });
      try {
        const options = indexerOptions(proxy.url, { reorgWindow: 4 });
        const direct = await createIndexer(db, chain.deployments, indexerOptions(chain.url, { reorgWindow: 4 }));
        await catchUp(direct);
        const indexer = await createIndexer(db, chain.deployments, options);
        for (let i = 0; i < 20; i++) expect(await indexer.step()).to.equal(false);
        expect(indexer.status.nodeBehind).to.equal(20);
        expect(indexer.status.reorgs).to.equal(0);
        expect(indexer.status.halted).to.equal(undefined);
        expect(indexer.status.indexedBlock).to.equal(head);
        expect(indexer.isReady()).to.equal(true);
        expect(await digests(db)).to.deep.equal(expected);
        const [state] = await db.query<{ node_behind_total: number }>(`SELECT node_behind_total FROM indexer_state`);
        expect(state.node_behind_total).to.equal(20);

        // The node catches up and the chain moves on: indexing resumes where it stopped.
        proxy.options.share = 0;
        await mine(chain.url, 2);
        await catchUp(indexer);
        expect(indexer.status.indexedBlock).to.equal(head + 2);
        expect(indexer.status.reorgs).to.equal(0);
        flooded.head += 2;
      } finally {
        await db.close();
        await proxy.stop();
        await store.cleanup();
      }
    });
  }
});
