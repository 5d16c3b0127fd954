import { randomBytes } from "node:crypto";
import { pino } from "pino";
import { openDatabase, type Database } from "../../src/indexer/db.js";
import { Indexer, type IndexerOptions } from "../../src/indexer/indexer.js";
import type { Deployment } from "@consortia/sdk";
import { allTables, loadProjections } from "../../src/indexer/projections.js";
import { CORE_TABLES, tableDigests } from "../../src/indexer/schema.js";
import pg from "pg";

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

export const silent = pino({ level: "silent" });

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
