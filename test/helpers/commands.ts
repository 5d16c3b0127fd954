import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { HARDHAT_CLI, hardhatEnv } from "../../src/local/hardhat.js";
import { needsProcess, runCliInProcess } from "./cli-in-process.js";

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

/**
 * Runs the operator CLI and returns its standard output; on a non-zero exit, rejects with `{ code, stdout, stderr }`
 * (as execFile does). In this process (test/helpers/cli-in-process.ts), or bin/consortia.js as a child process when
 * the call needs one (NODE_* variables, a WebSocket node) or `spawn` is set.
 */
export async function runConsortia(
  args: string[],
  env: Record<string, string> = {},
  { spawn = false }: { spawn?: boolean } = {},
): Promise<string> {
  const childEnv = { ...process.env, FORCE_COLOR: "0", ...env };
  if (!spawn && !needsProcess(args, childEnv)) {
    const run = await runCliInProcess(args, childEnv);
    if (run.code !== 0)
      throw Object.assign(new Error(`consortia ${args.join(" ")} exited ${run.code}: ${run.stderr}`), run);
    return run.stdout;
  }
  const { stdout } = await execFileAsync(process.execPath, [CONSORTIA_CLI, ...args], {
    env: childEnv,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}
