/**
 * Indexer benchmark (`npm run bench:indexer`, or `node --import tsx scripts/bench/indexer.ts`).
 *
 * 1. Starts a local `hardhat node`, deploys the platform and generates EVENTS (default 100,000) real DepositToken
 *    transfers: the EventFlood helper (a registered system contract) makes 600 transfers per transaction.
 * 2. Backfill, side by side with Ponder (scripts/bench/side-by-side.ts): per store (PGlite, then PostgreSQL at
 *    DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test, skipped when unreachable), RUNS alternating runs
 *    (ours, Ponder, ours, Ponder …), each a process started cold and timed to its /ready; both sides' transfers and
 *    balances compared row for row after every Ponder run (a difference fails the bench). Reports events/s of each
 *    run and the ratio of the medians (transfers/s: the same work on both sides). The load average at the start and
 *    the end is in the report (the machine may be shared).
 * 3. Block-to-API latency with 0 confirmations at default settings (new heads over WebSocket where the node serves
 *    them, else the 1 s poll; POLL_INTERVAL_MS overrides): records an off-chain payment, then polls the API until
 *    `/payments/<reference>` answers 200 (p50/p95 over SAMPLES).
 * 4. API latency of heavy queries (p50/p95): see HEAVY_QUERIES (among them the lineage tree of a receivable split into
 *    LINEAGE_CERTIFICATES certificates, default 1,000, generated before the backfill).
 * Writes bench/indexer.json (BENCH_OUT=<dir>: there instead).
 *
 * BENCH_SIZE=smoke: 600 events (one flood transaction), one run per store and no Ponder (installing it takes a minute or
 * more; PONDER=1 runs it at smoke size too), 3 latency samples, 10 lineage certificates, 3 timed requests per heavy
 * query: every step once, in seconds. EVENTS, RUNS, SAMPLES, LINEAGE_CERTIFICATES, QUERY_REPEATS override either size;
 * PONDER=0 skips Ponder at full size.
 */
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { keccak256, toUtf8Bytes } from "ethers";
import { startIndexerAndApi, type IndexerAndApi } from "../../src/api/start.js";
import { parseConfig } from "../../src/indexer/config.js";
import { openDatabase } from "../../src/indexer/db.js";
import { floodTransfers, platformScenario, startChain, type TestChain } from "../../test/indexer/chain.js";
import { deployReceivables, splitTree } from "../../test/indexer/receivables-scenario.js";
import { latencySummary, round } from "./histogram.js";
import { BENCH_SIZE, sized, writeJsonReport } from "./options.js";
import { compareRows, PONDER_VERSION, preparePonder, runOurs, runPonder, type Run, type Store } from "./side-by-side.js";

const EVENTS = sized("EVENTS", 100_000, 600);
const SAMPLES = sized("SAMPLES", 50, 3);
/** Timed requests per heavy query (after one untimed). */
const QUERY_REPEATS = sized("QUERY_REPEATS", 100, 3);
/** Runs of each side per store, alternating. */
const RUNS = sized("RUNS", 2, 1);
/** Ponder runs at full size unless PONDER=0, at smoke size only with PONDER=1. */
const WITH_PONDER = process.env.PONDER === undefined ? BENCH_SIZE === "full" : process.env.PONDER === "1";
/** Block-to-API: the configured default unless POLL_INTERVAL_MS is set. */
const POLL_INTERVAL_MS = process.env.POLL_INTERVAL_MS === undefined ? undefined : Number(process.env.POLL_INTERVAL_MS);
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


const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

interface StoreResult {
  ours: Run[];
  ponder: Run[] | { skipped: string };
  /** Median transfers/s of ours over Ponder's (the goal: at least 3). */
  ratio?: number;
}

/** Alternating runs of ours and Ponder's on one store; throws when their rows differ. */
async function sideBySide(
  chain: TestChain,
  store: Store,
  ponder: string | { skipped: string },
  log: (message: string) => void,
): Promise<StoreResult | { skipped: string }> {
  if (store === "postgres") {
    try {
      const probe = await openDatabase({ databaseUrl: DATABASE_URL });
      await probe.close();
    } catch (error) {
      return { skipped: `PostgreSQL unreachable: ${(error as Error).message}` };
    }
  }
  const ours: Run[] = [];
  const theirs: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    const mine = await runOurs(chain, store, DATABASE_URL);
    ours.push(mine.run);
    log(`${store} ours #${i + 1}: ${JSON.stringify(mine.run)}`);
    if (typeof ponder !== "string") continue;
    const other = await runPonder(ponder, chain, store, DATABASE_URL, mine.rows.transfers.length);
    theirs.push(other.run);
    log(`${store} Ponder #${i + 1}: ${JSON.stringify(other.run)}`);
    const difference = compareRows(mine.rows, other.rows);
    if (difference !== undefined) throw new Error(`${store}: ours and Ponder's tables differ: ${difference}`);
    log(`${store}: tables equal row for row (${mine.rows.transfers.length} transfers, ${mine.rows.balances.length} balances)`);
  }
  if (typeof ponder !== "string") return { ours, ponder };
  const ratio = median(ours.map((r) => r.transfersPerSecond)) / median(theirs.map((r) => r.transfersPerSecond));
  return { ours, ponder: theirs, ratio: round(ratio, 2) };
}

/** The report's summary of our runs on a store: events, seconds and events/s of the median run. */
function summary(result: StoreResult | { skipped: string }) {
  if ("skipped" in result) return result;
  const run = [...result.ours].sort((a, b) => a.seconds - b.seconds)[Math.floor((result.ours.length - 1) / 2)];
  return { events: run.events, seconds: run.seconds, eventsPerSecond: run.eventsPerSecond };
}

async function timeRequest(url: string): Promise<number> {
  const started = process.hrtime.bigint();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function blockToApi(chain: TestChain, api: IndexerAndApi, pollIntervalMs: number): Promise<number[]> {
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
    await new Promise((r) => setTimeout(r, Math.random() * pollIntervalMs)); // decorrelate from the poll phase
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
    log(`generated in ${generationSeconds.toFixed(1)} s`);
    const loadBefore = loadavg().map((n) => round(n, 2));
    const ponder = WITH_PONDER
      ? await preparePonder(log)
      : { skipped: `Ponder not run at ${BENCH_SIZE} size (PONDER=${BENCH_SIZE === "smoke" ? "1 runs it" : "0 was set"})` };
    let stores: Record<Store, StoreResult | { skipped: string }>;
    try {
      stores = {
        pglite: await sideBySide(chain, "pglite", ponder, log),
        postgres: await sideBySide(chain, "postgres", ponder, log),
      };
    } finally {
      if (typeof ponder === "string") rmSync(ponder, { recursive: true, force: true }); // the Ponder project
    }
    const loadAfterBackfill = loadavg().map((n) => round(n, 2));
    log("measuring block-to-API latency");

    const apiConfig = parseConfig({
      // Block-to-API latency measures indexing: sign-in is off (its cost is in bench:api, which signs in).
      apiAuth: "off",
        rpcUrl: chain.url,
        deployments: chain.deploymentsPath,
        dataDir: join(chain.dir, "bench-api"),
        ...(POLL_INTERVAL_MS === undefined ? {} : { pollIntervalMs: POLL_INTERVAL_MS }),
        apiPort: 0,
        logLevel: "warn",
        progress: "log",
      });
    const api = await startIndexerAndApi(apiConfig);
    let latency: number[];
    const heavy: Record<string, { p50: number; p95: number }> = {};
    try {
      while (!api.service.indexer.isReady()) await new Promise((r) => setTimeout(r, 50));
      latency = await blockToApi(chain, api, apiConfig.pollIntervalMs);
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
      loadAverage: { before: loadBefore, afterBackfill: loadAfterBackfill, after: loadavg().map((n) => round(n, 2)) },
      backfill: { pglite: summary(stores.pglite), postgres: summary(stores.postgres) },
      sideBySide: { ponderVersion: PONDER_VERSION, runsPerSide: RUNS, ...stores },
      blockToApiMs: {
        confirmations: 0,
        pollIntervalMs: apiConfig.pollIntervalMs,
        heads: api.service.indexer.status.heads,
        samples: SAMPLES,
        ...latencySummary(latency),
      },
      apiLatencyMs: { store: "pglite", ...heavy },
      targets: { backfillEventsPerSecond: 5000, ratioToPonder: 3, blockToApiP95Ms: 300, lineageQueryP95Ms: 50 },
    };
    await writeJsonReport("indexer.json", result);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await chain.stop();
    rmSync(chain.dir, { recursive: true, force: true }); // the deployments file and the PGlite directories
  }
}

await main();
