import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { HARDHAT_CLI, hardhatEnv } from "../../src/local/hardhat.js";

const CONSORTIA_CLI = fileURLToPath(new URL("../../bin/consortia.js", import.meta.url));

const execFileAsync = promisify(execFile);

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs the project's Hardhat CLI as a child process (the same thing `npm run <task>` runs), in `cwd` (default: this
 * process's), with the environment of `hardhatEnv`: nothing the parent `hardhat test` exported leaks into it.
 */
export async function runHardhat(
  args: string[],
  env: Record<string, string> = {},
  cwd: string = process.cwd(),
): Promise<CommandResult> {
  return execFileAsync(process.execPath, [HARDHAT_CLI, ...args], {
    cwd,
    env: hardhatEnv({ FORCE_COLOR: "0", ...env }),
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Runs the operator CLI (bin/consortia.js) as a child process and returns its standard output. */
export async function runConsortia(args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, [CONSORTIA_CLI, ...args], {
    env: { ...process.env, FORCE_COLOR: "0", ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}
