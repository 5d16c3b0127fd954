import { pino, type Logger } from "pino";
import type { Config } from "./config.js";
import { openDatabase, type Database } from "./db.js";
import { readDeployment, type Deployment } from "@consortia/sdk";
import { Indexer } from "./indexer.js";
import type { Projection } from "./projection.js";
import { loadProjections } from "./projections.js";

export function createLogger(level: Config["logLevel"], name: string): Logger {
  return pino({ name, level }, pino.destination(2));
}

export interface IndexerService {
  indexer: Indexer;
  db: Database;
  deployments: Deployment;
  projections: Projection[];
  logger: Logger;
  /** Stops indexing and closes the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Delete the index and re-index from the deployment block first (`consortia index rebuild`). */
  rebuild?: boolean;
}

/** Opens the store, migrates, and starts indexing in the background. */
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
  });
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
    indexer,
    db,
    deployments,
    projections,
    logger,
    async stop() {
      await indexer.stop();
      await db.close();
    },
  };
}
