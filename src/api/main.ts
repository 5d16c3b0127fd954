/**
 * Serves the API over a database an indexer fills: `node --import tsx src/api/main.ts` (same configuration as the
 * indexer; see src/indexer/config.ts). With `--with-indexer` (or when the store is PGlite, which one process owns)
 * it runs the indexer too. On PostgreSQL, several such processes elect one writer (src/indexer/service.ts): the others
 * are standbys that serve the API and take over when the writer dies; without `--with-indexer` it is an API replica
 * that never writes.
 */
import { ConfigError, configFromEnvAndArgs } from "../indexer/config.js";
import { installShutdown, onShutdown, shutdown } from "../local/lifecycle.js";
import { readDeployment } from "@consortia/sdk";
import { openDatabase } from "../indexer/db.js";
import { createLogger } from "../indexer/service.js";
import { pollingFeed } from "./feed.js";
import { chainReader } from "./chain.js";
import { authFromConfig } from "./auth.js";
import { buildApi, closeApi, loadRoutes } from "./server.js";
import { startIndexerAndApi } from "./start.js";
import { databaseStatus } from "./status.js";

installShutdown();
try {
  const args = process.argv.slice(2);
  const withIndexer = args.includes("--with-indexer");
  const config = configFromEnvAndArgs(args.filter((a) => a !== "--with-indexer"));
  if (withIndexer || config.databaseUrl === undefined) {
    const running = await startIndexerAndApi(config);
    onShutdown(`indexer and query API ${running.url}`, running.stop);
  } else {
    const logger = createLogger(config.logLevel, "consortia-api");
    const db = await openDatabase({ databaseUrl: config.databaseUrl, schema: config.databaseSchema });
    onShutdown("database connection", () => db.close());
    const feed = pollingFeed(db, Math.min(config.pollIntervalMs, 500));
    // Stopped after the API (steps run in reverse), before the database: a poll in flight ends first.
    onShutdown("event feed", () => feed.close());
    const status = databaseStatus(db, config.confirmations);
    const api = await buildApi({
      db,
      status,
      feed,
      routes: await loadRoutes(),
      // Without the deployments file the API still serves; the access trail then says it could not verify.
      chain: await readDeployment(config.deployments).then(
        (deployments) => chainReader(config.rpcUrl, deployments),
        (error: unknown) => {
          logger.warn({ err: error }, "no deployments: the access trail is served unverified");
          return undefined;
        },
      ),
      auth: authFromConfig(config, status),
      token: config.apiToken,
      logger,
    });
    const url = await api.listen({ host: config.apiHost, port: config.apiPort });
    onShutdown(`query API ${url}`, () => closeApi(api));
    logger.info({ url }, "API listening");
  }
} catch (error) {
  const { code, port, address } = error as NodeJS.ErrnoException & { port?: number; address?: string };
  if (code === "EADDRINUSE") {
    // As npm start refuses a taken port: one line, exit 2 (what was started before it has been stopped).
    process.stderr.write(
      `error: port ${port} (API_PORT, --api-port) is already in use on ${address}; pass --api-port <other>\n`,
    );
    await shutdown(2);
  }
  process.stderr.write(`${error instanceof ConfigError ? error.message : String((error as Error).stack ?? error)}\n`);
  await shutdown(1);
}
