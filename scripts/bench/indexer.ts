/**
 * Indexer benchmark (`npm run bench:indexer`, or `node --import tsx scripts/bench/indexer.ts`).
 *
 * 1. Starts a local `hardhat node`, deploys the platform and generates EVENTS (default 100,000) real DepositToken
 *    transfers: the EventFlood helper (a registered system contract) makes 600 transfers per transaction.
 * 2. Backfill: indexes them into a fresh PGlite data directory, then into a fresh PostgreSQL schema (DATABASE_URL,
 *    default postgres://postgres@127.0.0.1:5432/test; skipped when unreachable), and reports events/s.
 * 3. Block-to-API latency with 0 confirmations: records an off-chain payment, then polls the API until
 *    `/payments/<reference>` answers 200 (p50/p95 over SAMPLES).
 * 4. API latency of heavy queries (p50/p95): see HEAVY_QUERIES (among them the lineage tree of a receivable split into
 *    LINEAGE_CERTIFICATES certificates, default 1,000, generated before the backfill).
 * Writes bench/indexer.json (BENCH_OUT=<dir>: there instead).
 *
 * BENCH_SIZE=smoke: 600 events (one flood transaction), 3 latency samples, 10 lineage certificates, 3 timed requests per
 * heavy query: every step once, in seconds. EVENTS, SAMPLES, LINEAGE_CERTIFICATES, QUERY_REPEATS override either size.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { keccak256, toUtf8Bytes } from "ethers";
import { startIndexerAndApi, type IndexerAndApi } from "../../src/api/start.js";
import { parseConfig } from "../../src/indexer/config.js";
import { openDatabase } from "../../src/indexer/db.js";
import { startIndexer } from "../../src/indexer/service.js";
import { floodTransfers, platformScenario, startChain, type TestChain } from "../../test/indexer/chain.js";
import { deployReceivables, splitTree } from "../../test/indexer/receivables-scenario.js";
import { latencySummary, round } from "./histogram.js";
import { BENCH_SIZE, sized, writeJsonReport } from "./options.js";

const EVENTS = sized("EVENTS", 100_000, 600);
const SAMPLES = sized("SAMPLES", 50, 3);
/** Timed requests per heavy query (after one untimed). */
const QUERY_REPEATS = sized("QUERY_REPEATS", 100, 3);
const POLL_INTERVAL_MS = Number(process.env.POLL_INTERVAL_MS ?? 100);
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const PER_TX = 600;
const LINEAGE_CERTIFICATES = sized("LINEAGE_CERTIFICATES", 1_000, 10);
/** The receivable split into LINEAGE_CERTIFICATES certificates (set by main before the queries run). */
let lineageReceivable = 0n;

interface HeavyQuery {
  name: string;
  path(chain: TestChain): string;
}

/**
 * Queries whose latency is measured on the 100k-event database. The receivables lineage tree comes from `splitTree`
 * (test/indexer/receivables-scenario.ts): one receivable split into LINEAGE_CERTIFICATES certificates.
 */
export const HEAVY_QUERIES: HeavyQuery[] = [
  { name: "transfers of an account (33k matching, newest 100)", path: (c) => `/token/transfers?account=${c.accounts.core.address}&limit=100` },
  { name: "incoming transfers of an account, oldest first", path: (c) => `/token/transfers?account=${c.accounts.supplier1.address}&direction=in&order=asc&limit=100` },
  { name: "member directory with accounts and nodes", path: () => `/members?limit=500` },
  { name: "balances as of a past block", path: () => `/token/balances?limit=500&asOf=60` },
  { name: `lineage tree of ${LINEAGE_CERTIFICATES} certificates, flat`, path: () => `/receivables/${lineageReceivable}/lineage` },
  { name: `lineage tree of ${LINEAGE_CERTIFICATES} certificates, nested`, path: () => `/receivables/${lineageReceivable}/lineage?format=nested` },
];


async function backfill(chain: TestChain, store: "pglite" | "postgres"): Promise<{ events: number; seconds: number; eventsPerSecond: number } | { skipped: string }> {
  const schema = `bench_${Date.now()}`;
  if (store === "postgres") {
    try {
      const probe = await openDatabase({ databaseUrl: DATABASE_URL });
      await probe.close();
    } catch (error) {
      return { skipped: `PostgreSQL unreachable: ${(error as Error).message}` };
    }
  }
  const config = parseConfig({
    rpcUrl: chain.url,
    deployments: chain.deploymentsPath,
    dataDir: join(chain.dir, `bench-${Date.now()}`),
    databaseUrl: store === "postgres" ? DATABASE_URL : undefined,
    databaseSchema: schema,
    pollIntervalMs: 50,
    logLevel: "warn",
    progress: "log",
  });
  const service = await startIndexer(config); // opens the store and migrates before the clock starts
  const started = process.hrtime.bigint();
  while (!service.indexer.status.caughtUp) await new Promise((r) => setTimeout(r, 10));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const events = service.indexer.status.eventsTotal;
  await service.stop();
  if (store === "postgres") {
    const db = await openDatabase({ databaseUrl: DATABASE_URL });
    await db.query(`DROP SCHEMA "${schema}" CASCADE`);
    await db.close();
  }
  return { events, seconds: round(seconds), eventsPerSecond: Math.round(events / seconds) };
}

async function timeRequest(url: string): Promise<number> {
  const started = process.hrtime.bigint();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function blockToApi(chain: TestChain, api: IndexerAndApi): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const reference = keccak256(toUtf8Bytes(`bench-${Date.now()}-${i}`));
    // Automine: the block is mined when eth_sendTransaction returns.
    await chain.flood.connect(chain.accounts.bankA).recordPayment(chain.ids.core, chain.ids.supplier1, 1n, reference);
    const mined = process.hrtime.bigint();
    for (;;) {
      const response = await fetch(`${api.url}/payments/${reference}`);
      await response.arrayBuffer();
      if (response.status === 200) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    latencies.push(Number(process.hrtime.bigint() - mined) / 1e6);
    await new Promise((r) => setTimeout(r, Math.random() * POLL_INTERVAL_MS)); // decorrelate from the poll phase
  }
  return latencies;
}

async function main(): Promise<void> {
  const log = (message: string) => process.stderr.write(`${new Date().toISOString()} ${message}\n`);
  log("starting node and deploying the platform");
  const chain = await startChain();
  try {
    await platformScenario(chain);
    log(`splitting a receivable into ${LINEAGE_CERTIFICATES} certificates`);
    lineageReceivable = await splitTree(await deployReceivables(chain), LINEAGE_CERTIFICATES);
    const transactions = Math.max(1, Math.ceil(EVENTS / PER_TX));
    log(`generating ${transactions * PER_TX} transfers (${transactions} transactions of ${PER_TX})`);
    const generationStarted = Date.now();
    await floodTransfers(chain, transactions, PER_TX / 3);
    const generationSeconds = (Date.now() - generationStarted) / 1000;
    log(`generated in ${generationSeconds.toFixed(1)} s; backfilling into PGlite`);
    const pglite = await backfill(chain, "pglite");
    log(`PGlite: ${JSON.stringify(pglite)}; backfilling into PostgreSQL`);
    const postgres = await backfill(chain, "postgres");
    log(`PostgreSQL: ${JSON.stringify(postgres)}; measuring block-to-API latency`);

    const api = await startIndexerAndApi(
      parseConfig({
        // Block-to-API latency measures indexing: sign-in is off (its cost is in bench:api, which signs in).
        apiAuth: "off",
        rpcUrl: chain.url,
        deployments: chain.deploymentsPath,
        dataDir: join(chain.dir, "bench-api"),
        pollIntervalMs: POLL_INTERVAL_MS,
        apiPort: 0,
        logLevel: "warn",
        progress: "log",
      }),
    );
    let latency: number[];
    const heavy: Record<string, { p50: number; p95: number }> = {};
    try {
      while (!api.service.indexer.isReady()) await new Promise((r) => setTimeout(r, 50));
      latency = await blockToApi(chain, api);
      log("measuring heavy queries");
      for (const query of HEAVY_QUERIES) {
        const url = api.url + query.path(chain);
        await timeRequest(url);
        const times: number[] = [];
        for (let i = 0; i < QUERY_REPEATS; i++) times.push(await timeRequest(url));
        const { p50, p95 } = latencySummary(times);
        heavy[query.name] = { p50, p95 };
      }
    } finally {
      await api.stop();
    }
    const result = {
      date: new Date().toISOString(),
      machine: `${(await import("node:os")).cpus().length} cores, node ${process.version}`,
      size: BENCH_SIZE,
      events: transactions * PER_TX,
      generationSeconds: round(generationSeconds),
      backfill: { pglite, postgres },
      blockToApiMs: { confirmations: 0, pollIntervalMs: POLL_INTERVAL_MS, samples: SAMPLES, ...latencySummary(latency) },
      apiLatencyMs: { store: "pglite", ...heavy },
      targets: { backfillEventsPerSecond: 5000, blockToApiP95Ms: 1000, lineageQueryP95Ms: 50 },
    };
    await writeJsonReport("indexer.json", result);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await chain.stop();
    rmSync(chain.dir, { recursive: true, force: true }); // the deployments file and the PGlite directories
  }
}

await main();
