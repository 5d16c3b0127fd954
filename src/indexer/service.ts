import { pino, type Logger } from "pino";
import type { Config } from "./config.js";
import { observeTransactions, openDatabase, type Database, type TransactionObserver } from "./db.js";
import { readDeployment, type Deployment } from "@consortia/sdk";
import { Indexer } from "./indexer.js";
import type { Projection } from "./projection.js";
import { allMigrations, loadProjections } from "./projections.js";
import { AbortedError, sleep } from "./rpc.js";
import { CORE_MIGRATIONS, migrate, migrationsKey } from "./schema.js";
import { tryWriterLock, type WriterLock } from "./writer-lock.js";

export function createLogger(level: Config["logLevel"], name: string): Logger {
  return pino({ name, level }, pino.destination(2));
}

/**
 * What a process does with the index: `writer` indexes (PGlite always; PostgreSQL while it holds the writer lock),
 * `standby` waits for the lock and serves the API meanwhile, `replica` (an API without an indexer) never writes.
 */
export type IndexerRole = "writer" | "standby" | "replica";

export interface IndexerService {
  /** The indexer of the current (or the last) writer term; on a standby that never wrote, one not started. */
  readonly indexer: Indexer;
  db: Database;
  deployments: Deployment;
  projections: Projection[];
  logger: Logger;
  role(): IndexerRole;
  /** Stops indexing (releasing the writer lock) and closes the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Delete the index and re-index from the deployment block first (`consortia index rebuild`). */
  rebuild?: boolean;
  /**
   * Told of every write transaction on the index database (the API's caches, src/api/cache.ts): installed as soon as
   * the database is open, before migrations and before the indexer's loop starts, so that no batch already in flight
   * goes unreported (a cache filled during it would outlive its commit).
   */
  observers?: readonly TransactionObserver[];
}

export class WriterLockHeldError extends Error {
  constructor(schema: string) {
    super(
      `another indexer holds the writer lock of schema "${schema}": stop it before \`consortia index rebuild\`, ` +
        "or the rebuild would wait behind it",
    );
  }
}

/**
 * Opens the store, migrates, and starts indexing in the background. On PostgreSQL the process first takes the writer
 * lock (src/indexer/writer-lock.ts): without it, it is a standby and tries again every `writerRetryMs`.
 */
export async function startIndexer(
  config: Config,
  logger = createLogger(config.logLevel, "indexer"),
  options: StartOptions = {},
): Promise<IndexerService> {
  const deployments = await readDeployment(config.deployments);
  const projections = await loadProjections();
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    schema: config.databaseSchema,
    dataDir: config.dataDir,
    schemaKey: migrationsKey([...CORE_MIGRATIONS, ...allMigrations(projections)]),
  });
  for (const observer of options.observers ?? []) observeTransactions(db, observer);
  const base = { db, deployments, projections, logger };
  if (db.kind === "postgres" && config.databaseUrl !== undefined) {
    try {
      return await startWithWriterLock(config, config.databaseUrl, base, options);
    } catch (error) {
      await db.close();
      throw error;
    }
  }
  const indexer = new Indexer(db, deployments, projections, config, logger);
  try {
    await indexer.init();
    if (options.rebuild === true) await indexer.rebuild();
  } catch (error) {
    await db.close();
    throw error;
  }
  indexer.start();
  return {
    ...base,
    indexer,
    role: () => "writer",
    async stop() {
      await indexer.stop();
      await db.close();
    },
  };
}

interface Base {
  db: Database;
  deployments: Deployment;
  projections: Projection[];
  logger: Logger;
}

/**
 * One writer term after another: take the lock (or wait as a standby), index from the checkpoint in the database
 * until the lock is lost or the service stops, then stop the indexer and try again. The first attempt runs before
 * this resolves, so that a configuration error (wrong chain, unreachable node) fails the start as it does without HA.
 */
async function startWithWriterLock(
  config: Config,
  databaseUrl: string,
  base: Base,
  options: StartOptions,
): Promise<IndexerService> {
  const { db, deployments, projections, logger } = base;
  const stopping = new AbortController();
  const lockOptions = { databaseUrl, schema: config.databaseSchema, heartbeatMs: config.writerRetryMs };
  let indexer = new Indexer(db, deployments, projections, config, logger);
  let role: IndexerRole = "standby";

  // The standby serves the API from the same tables: they must exist before the first writer runs.
  await migrate(db, [...CORE_MIGRATIONS, ...allMigrations(projections)]);

  /** Takes the lock and starts a writer term; undefined when another process holds the lock. */
  const becomeWriter = async (rebuild: boolean): Promise<WriterLock | undefined> => {
    const lock = await tryWriterLock(lockOptions);
    if (lock === undefined) return undefined;
    const term = new Indexer(db, deployments, projections, { ...config, fence: lock.fence }, logger);
    try {
      await term.init();
      if (rebuild) await term.rebuild();
    } catch (error) {
      await lock.release();
      throw error;
    }
    indexer = term;
    role = "writer";
    logger.info({ lockSession: lock.pid, checkpoint: term.status.indexedBlock }, "writer: holding the writer lock");
    term.start();
    return lock;
  };

  /** Runs a term until its lock is lost or the service stops; then stops writing before anything else. */
  const serveTerm = async (lock: WriterLock): Promise<void> => {
    const stopped = new Promise<string>((resolve) => {
      if (stopping.signal.aborted) resolve("stopping");
      stopping.signal.addEventListener("abort", () => resolve("stopping"), { once: true });
    });
    const reason = await Promise.race([lock.lost, stopped]);
    role = "standby";
    if (reason !== "stopping") logger.error({ reason }, "writer lock lost: stopped writing, standby now");
    await indexer.stop();
    await lock.release();
  };

  const supervise = async (first: WriterLock | undefined): Promise<void> => {
    let lock = first;
    if (lock === undefined) logger.info({ retryMs: config.writerRetryMs }, "standby: another indexer holds the lock");
    while (!stopping.signal.aborted) {
      if (lock !== undefined) {
        await serveTerm(lock);
        lock = undefined;
        continue;
      }
      try {
        await sleep(config.writerRetryMs, stopping.signal);
        lock = await becomeWriter(false);
      } catch (error) {
        if (error instanceof AbortedError || stopping.signal.aborted) break;
        logger.error({ err: error }, "standby: could not become the writer; trying again");
      }
    }
    // Stopped while taking the lock: that term ends before it writes more than its start.
    if (lock !== undefined) await serveTerm(lock);
  };

  const first = await becomeWriter(options.rebuild === true);
  if (first === undefined && options.rebuild === true) throw new WriterLockHeldError(config.databaseSchema);
  // A standby checks its nodes as a writer does at start: a node of another chain fails now, not at the takeover.
  if (first === undefined) await indexer.nodes.init();
  const supervising = supervise(first);
  return {
    ...base,
    get indexer() {
      return indexer;
    },
    role: () => role,
    async stop() {
      stopping.abort();
      await supervising;
      await db.close();
    },
  };
}
