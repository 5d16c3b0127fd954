/**
 * How this project starts Hardhat as a child process: the CLI's path, and the environment it runs with. Every child
 * Hardhat (the local node, `npm start`'s build and deploy, `consortia deploy`, the benches' deploys, the mutation
 * runs of `npm run test:mutants`, the tests' `runHardhat`) takes its environment from `hardhatEnv`.
 */
import { fileURLToPath } from "node:url";

/** The project's Hardhat CLI, resolved from this file so that any working directory works. */
export const HARDHAT_CLI = fileURLToPath(new URL("../../node_modules/hardhat/dist/src/cli.js", import.meta.url));

/**
 * Variables a running Hardhat exports to its own process for plugins and test code: `hardhat test mocha` sets every
 * resolved global option as `HARDHAT_<OPTION>` (`HARDHAT_CONFIG` = the parent's config file, `HARDHAT_NETWORK`,
 * `HARDHAT_COVERAGE`, `HARDHAT_BUILD_PROFILE`, …) and `HH_TEST`; telemetry sets `HARDHAT_TEST_SUBPROCESS_RESULT_PATH`.
 */
const INHERITED = /^(HARDHAT_|HH_TEST$)/;
/** Settings a user gives every Hardhat (not options of one run): children keep them. */
const USER_SETTINGS = new Set([
  "HARDHAT_DISABLE_TELEMETRY",
  "HARDHAT_IGNITION_CONFIRM_DEPLOYMENT",
  "HARDHAT_IGNITION_CONFIRM_RESET",
]);

/**
 * The environment of a child Hardhat process: this process's, without the variables a parent Hardhat run exported
 * (INHERITED, except USER_SETTINGS), plus `extra` (which may set any of them on purpose). Hardhat reads `HARDHAT_CONFIG` before it looks
 * for the closest `hardhat.config.ts`, so a child started from a test (under `hardhat test`) in another directory
 * would otherwise load the parent's project, and every child would run on the parent's network, build profile and
 * coverage setting. Pass it with execa's `extendEnv: false` (execa merges `process.env` back in otherwise).
 */
export function hardhatEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (!INHERITED.test(name) || USER_SETTINGS.has(name)) env[name] = value;
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) env[name] = value;
  return env;
}
