import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { HARDHAT_CLI } from "../../src/local/node.js";

const execFileAsync = promisify(execFile);

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/** Runs the project's Hardhat CLI as a child process (the same thing `npm run <task>` runs). */
export async function runHardhat(args: string[], env: Record<string, string> = {}): Promise<CommandResult> {
  return execFileAsync(process.execPath, [HARDHAT_CLI, ...args], {
    env: { ...process.env, FORCE_COLOR: "0", ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
}
