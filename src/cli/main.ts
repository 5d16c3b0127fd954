/**
 * `consortia`: the operator CLI. Run through bin/consortia.js (or `npx tsx src/cli/main.ts`).
 * Exit codes: 0 ok, 1 contract/chain error, 2 usage/input error, 3 configuration error (see README.md "CLI").
 */
import { run } from "./program.js";

const exitCode = await run(process.argv.slice(2));
// Let stdout drain before exiting; open sockets (providers) must not keep the process alive.
process.exitCode = exitCode;
setImmediate(() => process.exit(exitCode));
