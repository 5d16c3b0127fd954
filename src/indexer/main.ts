/**
 * Runs the indexer: `node --import tsx src/indexer/main.ts [--rpc-url ...]` (flags override environment variables;
 * see src/indexer/config.ts). Stops cleanly on SIGINT/SIGTERM/SIGHUP (src/local/lifecycle.ts); a SIGKILL loses nothing committed.
 */
import { ConfigError, configFromEnvAndArgs } from "./config.js";
import { installShutdown, onShutdown, shutdown } from "../local/lifecycle.js";
import { startIndexer } from "./service.js";

installShutdown();
try {
  const config = configFromEnvAndArgs(process.argv.slice(2));
  const service = await startIndexer(config);
  onShutdown(`indexer (pid ${process.pid})`, service.stop);
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String((error as Error).stack ?? error)}\n`);
  await shutdown(1);
}
