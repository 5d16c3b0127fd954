/**
 * Runs the indexer: `node --import tsx src/indexer/main.ts [--rpc-url ...]` (flags override environment variables;
 * see src/indexer/config.ts). Stops cleanly on SIGINT/SIGTERM; a SIGKILL loses nothing committed.
 */
import { ConfigError, configFromEnvAndArgs } from "./config.js";
import { startIndexer } from "./service.js";

try {
  const config = configFromEnvAndArgs(process.argv.slice(2));
  const service = await startIndexer(config);
  const shutdown = async (signal: string) => {
    service.logger.info({ signal }, "stopping");
    await service.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String((error as Error).stack ?? error)}\n`);
  process.exit(1);
}
