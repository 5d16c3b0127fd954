/**
 * Runs the indexer: `node --import tsx src/indexer/main.ts [rebuild] [--rpc-url ...]` (flags override environment
 * variables; see src/indexer/config.ts). `rebuild` first deletes the index and re-indexes from the deployment block
 * (the operator's way out of a halt). `verify [--block N]` compares the projections with the contracts' views at one
 * block and exits 0 (no drift), 1 (drift) or 2 (usage, or the node or block unavailable). Stops cleanly on
 * SIGINT/SIGTERM/SIGHUP (src/local/lifecycle.ts); a SIGKILL loses nothing committed.
 */
import { readDeployment } from "@consortia/sdk";
import { ConfigError, configFromEnvAndArgs } from "./config.js";
import { installShutdown, onShutdown, shutdown } from "../local/lifecycle.js";
import { openDatabase } from "./db.js";
import { allMigrations, loadProjections } from "./projections.js";
import { splitUrls } from "./rpc-urls.js";
import { CORE_MIGRATIONS, migrate } from "./schema.js";
import { startIndexer, WriterLockHeldError } from "./service.js";

/**
 * `verify [--block N]`: the exit code. The verifier (src/indexer/verify.ts and its per-application readers) is imported
 * by this command only, not when the indexer starts.
 */
async function verify(args: string[]): Promise<number> {
  const { formatVerification, verifyIndex, VerifyUsageError } = await import("./verify.js");
  const at = args.indexOf("--block");
  let block: number | undefined;
  if (at >= 0) {
    const value = args[at + 1] ?? "";
    if (!/^(0|[1-9][0-9]*)$/.test(value))
      throw new VerifyUsageError(`--block: expected a block number, got "${value}"`);
    block = Number(value);
    args.splice(at, 2);
  }
  const config = configFromEnvAndArgs(args);
  const deployments = await readDeployment(config.deployments);
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    schema: config.databaseSchema,
    dataDir: config.dataDir,
  });
  try {
    await migrate(db, [...CORE_MIGRATIONS, ...allMigrations(await loadProjections())]);
    const result = await verifyIndex({
      db,
      rpcUrl: splitUrls(config.rpcUrl)[0],
      deployments,
      block,
      timeoutMs: config.requestTimeoutMs,
    });
    process.stdout.write(formatVerification(result));
    return result.drift.length === 0 ? 0 : 1;
  } finally {
    await db.close();
  }
}

installShutdown();
const [first, ...rest] = process.argv.slice(2);
if (first === "verify") {
  let code: number;
  try {
    code = await verify(rest);
  } catch (error) {
    const { VerifyUsageError } = await import("./verify.js");
    const usage = error instanceof VerifyUsageError || error instanceof ConfigError;
    process.stderr.write(`verify: ${usage ? error.message : String((error as Error).stack ?? error)}\n`);
    code = 2;
  }
  await shutdown(code);
}
try {
  const rebuild = first === "rebuild";
  const config = configFromEnvAndArgs(rebuild ? rest : process.argv.slice(2));
  const service = await startIndexer(config, undefined, { rebuild });
  onShutdown(`indexer (pid ${process.pid})`, service.stop);
} catch (error) {
  const known = error instanceof ConfigError || error instanceof WriterLockHeldError;
  process.stderr.write(`${known ? error.message : String((error as Error).stack ?? error)}\n`);
  await shutdown(1);
}
