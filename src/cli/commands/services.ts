/** `consortia index` and `consortia serve`: start the indexer and the query API (separate modules). */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { PACKAGE_ROOT, type Cli } from "../context.js";
import { ConfigError } from "../errors.js";

/**
 * Runs a service module (`src/indexer/main.ts`, `src/api/main.ts`) as a child process with tsx, passing the CLI's
 * connection settings as environment (CONSORTIA_RPC_URL, CONSORTIA_DEPLOYMENTS) and any further arguments through.
 * Resolves with the child's exit code; Ctrl-C reaches the child (same process group).
 */
async function runService(cli: Cli, name: string, module: string, args: string[]): Promise<void> {
  const path = resolve(PACKAGE_ROOT, module);
  if (!existsSync(path)) throw new ConfigError(`the ${name} is not part of this installation (${module} is missing)`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CONSORTIA_DEPLOYMENTS: resolve(cli.options.deployments),
  };
  const rpc = cli.options.rpc ?? process.env.CONSORTIA_RPC_URL;
  if (rpc !== undefined) env.CONSORTIA_RPC_URL = rpc;
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
    .description("run the indexer (src/indexer/main.ts); further arguments go to it")
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
