/**
 * The `consortia` program: a fresh commander program per run, and `run(argv)` returning the exit code. No side effect
 * on import (src/cli/main.ts is the process entry; tests run the CLI in this process through `run`).
 * Exit codes: 0 ok, 1 contract/chain error, 2 usage/input error, 3 configuration error (see README.md "CLI").
 */
import { Command, CommanderError } from "commander";
import { COMMANDS } from "./commands/index.js";
import { createCli, type Cli, type GlobalOptions } from "./context.js";
import { ExitCode, describeError, exitCodeOf } from "./errors.js";

export function buildProgram(): { program: Command; cli: () => Cli } {
  const program = new Command("consortia")
    .description("Operate a Consortia consortium chain: governance, settlement token, applications, deployment.")
    .option("--rpc <url>", "JSON-RPC URL of a node (env CONSORTIA_RPC_URL)")
    .option("--deployments <path>", "directory of <chainId>.json deployments files, or one such file", "deployments")
    .option(
      "--keystore <file>",
      "encrypted JSON keystore to sign with (env CONSORTIA_KEYSTORE; password in CONSORTIA_KEYSTORE_PASSWORD)",
    )
    .option("--json", "print machine-readable JSON on stdout")
    .option("--as <member>", "local demo only (npm start): sign as this demo member with its public demo key")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  let cli: Cli | undefined;
  const getCli = (): Cli => (cli ??= createCli(program.opts<GlobalOptions>()));
  for (const register of COMMANDS) register(program, getCli);
  // Subcommands inherit the override so that usage errors reach `run` instead of exiting.
  program.commands.forEach(function inherit(command: Command): void {
    command.exitOverride();
    command.commands.forEach(inherit);
  });
  return { program, cli: getCli };
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { program } = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      const benign = ["commander.helpDisplayed", "commander.version", "commander.help"];
      return benign.includes(error.code) || error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    const code = exitCodeOf(error);
    process.stderr.write(`error: ${describeError(error)}\n`);
    if (process.env.CONSORTIA_DEBUG === "1" && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return code;
  }
}
