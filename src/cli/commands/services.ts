/** `consortia index` and `consortia serve`: start the indexer and the query API (separate modules). */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { PACKAGE_ROOT, type Cli } from "../context.js";
import { ConfigError, ServiceExitError } from "../errors.js";
import { isStopping, onShutdown, shutdown, spawnChild } from "../../local/lifecycle.js";

/**
 * Runs a service module (`src/indexer/main.ts`, `src/api/main.ts`) as a child process with tsx, passing the CLI's
 * nodes (`--rpc a,b,c`: the service fails over between them) and the deployments file of their chain as the
 * service's `RPC_URL` and `DEPLOYMENTS` (checked first: the file must be the node's chain) and any further arguments through (`--database-url`, `--api-port`, ...).
 * SIGINT/SIGTERM/SIGHUP to the CLI stop the child (src/local/lifecycle.ts); the child stops by itself if the CLI is
 * SIGKILLed. Resolves when the child exits.
 */
async function runService(cli: Cli, name: string, module: string, args: string[]): Promise<void> {
  const path = resolve(PACKAGE_ROOT, module);
  if (!existsSync(path)) throw new ConfigError(`the ${name} is not part of this installation (${module} is missing)`);
  const deployment = await cli.deployment();
  const location = resolve(cli.options.deployments);
  const file = statSync(location).isFile() ? location : resolve(location, `${deployment.chainId}.json`);
  const env: NodeJS.ProcessEnv = { ...process.env, RPC_URL: cli.rpcUrls().join(","), DEPLOYMENTS: file };
  const child = spawnChild(process.execPath, ["--import", "tsx", path, ...args], {
    cwd: PACKAGE_ROOT,
    env,
    stdio: "inherit",
  });
  onShutdown(`${name} (pid ${child.pid})`, async () => {
    child.kill("SIGTERM");
    await child;
  });
  const result = await child;
  // Stopped by a signal to the CLI: the shutdown in progress reports and exits.
  if (isStopping()) await shutdown(0);
  const code = result.exitCode ?? 1;
  if (code !== 0) throw new ServiceExitError(name, code);
}

export function register(program: Command, cli: () => Cli): void {
  program
    .command("index")
    .description(
      "run the indexer (src/indexer/main.ts); `index rebuild` first deletes the index and re-indexes from the " +
        "deployment block (after a halt); `index verify [--block N]` compares the projections with the contracts' " +
        "views at one block (exit 0 no drift, 1 drift, 2 usage or node unavailable); further arguments go to it",
    )
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (_options: unknown, command: Command) =>
      runService(cli(), "indexer", "src/indexer/main.ts", command.args),
    );

  program
    .command("serve")
    .description("run the query API (src/api/main.ts); further arguments go to it")
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (_options: unknown, command: Command) => runService(cli(), "API", "src/api/main.ts", command.args));
}
