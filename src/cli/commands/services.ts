/** `consortia index` and `consortia serve`: start the indexer and the query API (separate modules). */
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { PACKAGE_ROOT, type Cli } from "../context.js";
import { ConfigError } from "../errors.js";

/**
 * Runs a service module (`src/indexer/main.ts`, `src/api/main.ts`) as a child process with tsx, passing the CLI's
 * node and the deployments file of its chain as the service's `RPC_URL` and `DEPLOYMENTS` (checked first: the file
 * must be the node's chain) and any further arguments through (`--database-url`, `--api-port`, ...).
 * Resolves with the child's exit code; Ctrl-C reaches the child (same process group).
 */
async function runService(cli: Cli, name: string, module: string, args: string[]): Promise<void> {
  const path = resolve(PACKAGE_ROOT, module);
  if (!existsSync(path)) throw new ConfigError(`the ${name} is not part of this installation (${module} is missing)`);
  const deployment = await cli.deployment();
  const location = resolve(cli.options.deployments);
  const file = statSync(location).isFile() ? location : resolve(location, `${deployment.chainId}.json`);
  const env: NodeJS.ProcessEnv = { ...process.env, RPC_URL: cli.rpcUrl(), DEPLOYMENTS: file };
  const child = spawn(process.execPath, ["--import", "tsx", path, ...args], {
    cwd: PACKAGE_ROOT,
    env,
    stdio: "inherit",
  });
  const code = await new Promise<number>((done) => child.on("close", (exit) => done(exit ?? 1)));
  if (code !== 0) {
    process.exitCode = code;
    throw new Error(`the ${name} exited with code ${code}`);
  }
}

export function register(program: Command, cli: () => Cli): void {
  program
    .command("index")
    .description(
      "run the indexer (src/indexer/main.ts); `index rebuild` first deletes the index and re-indexes from the " +
        "deployment block (after a halt); further arguments go to it",
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
