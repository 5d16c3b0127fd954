import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { pino } from "pino";
import { openDatabase, type Database } from "../../src/indexer/db.js";
import { Indexer, type IndexerOptions } from "../../src/indexer/indexer.js";
import type { Deployment } from "@consortia/sdk";
import { allTables, loadProjections } from "../../src/indexer/projections.js";
import { CORE_TABLES, tableDigests } from "../../src/indexer/schema.js";
import pg from "pg";
import { indexerFeed } from "../../src/api/feed.js";
import { buildApi, loadRoutes } from "../../src/api/server.js";
import { indexerStatus } from "../../src/api/status.js";
import { rpc } from "../helpers/node-process.js";
import { floodTransfers, platformScenario, startChain, type TestChain } from "./chain.js";

/** The stores every indexer test runs on: PGlite always, PostgreSQL when DATABASE_URL is set. */
export interface TestStore {
  name: string;
  /** A fresh, empty database (PostgreSQL: a new schema, dropped by `cleanup`). */
  open(): Promise<Database & { schema?: string }>;
  cleanup(): Promise<void>;
}

let template: Promise<Blob> | undefined;

/** A fresh in-memory PGlite started from a dumped empty data directory (initdb once per process, not per test). */
export async function openTestPglite(): Promise<Database> {
  template ??= (async () => {
    const db = (await openDatabase({})) as Database & { pglite: { dumpDataDir(c: "none"): Promise<Blob> } };
    const dump = await db.pglite.dumpDataDir("none");
    await db.close();
    return dump;
  })();
  return openDatabase({ pgliteTemplate: await template });
}

export function testStores(): TestStore[] {
  const stores: TestStore[] = [{ name: "PGlite", open: openTestPglite, cleanup: async () => undefined }];
  const url = process.env.DATABASE_URL;
  if (url !== undefined && url !== "") {
    const schemas: string[] = [];
    stores.push({
      name: "PostgreSQL",
      async open() {
        const schema = `test_${process.pid}_${randomBytes(4).toString("hex")}`;
        schemas.push(schema);
        return Object.assign(await openDatabase({ databaseUrl: url, schema }), { schema });
      },
      async cleanup() {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        for (const schema of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      },
    });
  }
  return stores;
}

export const silent = pino({ level: process.env.TEST_LOG ?? "silent" });

export function indexerOptions(rpcUrl: string, overrides: Partial<IndexerOptions> = {}): IndexerOptions {
  return {
    rpcUrl,
    confirmations: 0,
    reorgWindow: 128,
    pollIntervalMs: 50,
    maxLogRange: 5000,
    minLogRange: 1,
    requestTimeoutMs: 5_000,
    maxRetries: 12,
    progress: "log",
    ...overrides,
  };
}

export async function createIndexer(db: Database, deployments: Deployment, options: IndexerOptions): Promise<Indexer> {
  const indexer = new Indexer(db, deployments, await loadProjections(), options, silent);
  await indexer.init();
  return indexer;
}

/** Steps the indexer until it has indexed head − confirmations. */
export async function catchUp(indexer: Indexer): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    await indexer.step();
    if (indexer.status.caughtUp) return;
  }
  throw new Error("indexer did not catch up");
}

/**
 * Steps the indexer until its index reaches `block` exactly (catchUp() stops early: a node behind the index also counts
 * as caught up), pausing briefly after a poll that indexed nothing (a node behind, or a node waiting for its retry).
 */
export async function indexUpTo(indexer: Indexer, block: number, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (indexer.status.indexedBlock < block && Date.now() < until)
    if (!(await indexer.step())) await new Promise((r) => setTimeout(r, 5));
  if (indexer.status.indexedBlock !== block)
    throw new Error(`indexed block ${indexer.status.indexedBlock}, expected ${block}`);
}

export interface FloodedChain {
  chain: TestChain;
  head: number;
  /** Digests of an index built straight from the node. */
  expected: Record<string, string>;
}

/**
 * For a mocha suite: a node with the platform scenario and 12 blocks of 10 transfers, started before the suite and
 * stopped after it; the object is filled in `before`.
 */
export function useFloodedChain(): FloodedChain {
  const flooded = {} as FloodedChain;
  before(async () => {
    const chain = await startChain();
    await platformScenario(chain);
    await floodTransfers(chain, 12, 10);
    const head = Number(await rpc<string>(chain.url, "eth_blockNumber"));
    Object.assign(flooded, { chain, head, expected: await directDigests(chain) });
  });
  after(async () => flooded.chain?.stop());
  return flooded;
}

/** The query API over an indexer in the same process (as `npm start` runs it). */
export async function indexerApi(db: Database, indexer: Indexer) {
  return buildApi({
    auth: "off",
    db,
    status: indexerStatus(indexer),
    feed: indexerFeed(indexer),
    routes: await loadRoutes(),
  });
}

/** Runs `consortia index verify` as the CLI does (src/indexer/main.ts verify): its exit code and output. */
export async function runVerify(
  env: Record<string, string>,
  args: readonly string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const inherited = { ...process.env };
  delete inherited.DATABASE_URL; // PGlite unless the test passes DATABASE_URL itself
  const child = spawn(process.execPath, ["--import", "tsx", "src/indexer/main.ts", "verify", ...args], {
    env: { ...inherited, LOG_LEVEL: "silent", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  return { code, stdout, stderr };
}

/** Digests of an index built straight from the node (the first test store), for proxied runs to compare with. */
export async function directDigests(chain: { url: string; deployments: Deployment }): Promise<Record<string, string>> {
  const [store] = testStores();
  const db = await store.open();
  try {
    await catchUp(await createIndexer(db, chain.deployments, indexerOptions(chain.url)));
    return await digests(db);
  } finally {
    await db.close();
  }
}

/** Digest of every projection table and the event log. */
export async function digests(db: Database): Promise<Record<string, string>> {
  return tableDigests(db, [...allTables(await loadProjections()), ...CORE_TABLES]);
}
