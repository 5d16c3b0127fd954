/**
 * Runs the indexer: `node --import tsx src/indexer/main.ts [rebuild] [--rpc-url ...]` (flags override environment
 * variables; see src/indexer/config.ts). `rebuild` first deletes the index and re-indexes from the deployment block
 * (the operator's way out of a halt). Stops cleanly on SIGINT/SIGTERM; a SIGKILL loses nothing committed.
 */
import { ConfigError, configFromEnvAndArgs } from "./config.js";
import { startIndexer } from "./service.js";

try {
  const [first, ...rest] = process.argv.slice(2);
  const rebuild = first === "rebuild";
  const config = configFromEnvAndArgs(rebuild ? rest : process.argv.slice(2));
  const service = await startIndexer(config, undefined, { rebuild });
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
