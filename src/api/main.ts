/**
 * Serves the API over a database an indexer fills: `node --import tsx src/api/main.ts` (same configuration as the
 * indexer; see src/indexer/config.ts). With `--with-indexer` (or when the store is PGlite, which one process owns)
 * it runs the indexer too.
 */
import { ConfigError, configFromEnvAndArgs } from "../indexer/config.js";
import { openDatabase } from "../indexer/db.js";
import { createLogger } from "../indexer/service.js";
import { pollingFeed } from "./feed.js";
import { buildApi, closeApi, loadRoutes } from "./server.js";
import { startIndexerAndApi } from "./start.js";
import { databaseStatus } from "./status.js";

try {
  const args = process.argv.slice(2);
  const withIndexer = args.includes("--with-indexer");
  const config = configFromEnvAndArgs(args.filter((a) => a !== "--with-indexer"));
  if (withIndexer || config.databaseUrl === undefined) {
    const running = await startIndexerAndApi(config);
    const shutdown = async () => {
      await running.stop();
      process.exit(0);
    };
    process.once("SIGINT", () => void shutdown());
    process.once("SIGTERM", () => void shutdown());
  } else {
    const logger = createLogger(config.logLevel, "consortia-api");
    const db = await openDatabase({ databaseUrl: config.databaseUrl, schema: config.databaseSchema });
    const feed = pollingFeed(db, Math.min(config.pollIntervalMs, 500));
    const api = await buildApi({
      db,
      status: databaseStatus(db, config.confirmations),
      feed,
      routes: await loadRoutes(),
      token: config.apiToken,
      logger,
    });
    const url = await api.listen({ host: config.apiHost, port: config.apiPort });
    logger.info({ url }, "API listening");
    const shutdown = async () => {
      await closeApi(api);
      feed.close();
      await db.close();
      process.exit(0);
    };
    process.once("SIGINT", () => void shutdown());
    process.once("SIGTERM", () => void shutdown());
  }
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String((error as Error).stack ?? error)}\n`);
  process.exit(1);
}
