// `npm run lint`'s checks after the build: solhint, prettier --check and the three type checks, side by side. They are
// independent (each reads the sources and the generated bindings, none writes), and tsc is mostly single-threaded, so
// on CI's two cores running them together takes about the time of the slowest instead of the sum. Each check's output
// is printed whole when it ends (never interleaved), and the script exits 1 when any check fails.
// LINT_SEQUENTIAL=1 runs them one after the other (to time each, or on a machine short of memory).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../node_modules/.bin/", import.meta.url));

const PRETTIER_FILES = [
  "contracts/**/*.sol",
  "test/**/*.sol",
  "src/**/*.{ts,tsx,css}",
  "packages/*/src/**/*.ts",
  "test/**/*.ts",
  "scripts/**/*.ts",
  "ignition/**/*.ts",
  "hardhat.config.ts",
];

/** The checks: a name and the command line (binaries of node_modules/.bin, as npm scripts run them). */
const CHECKS = [
  ["solhint", ["solhint", "--max-warnings", "0", "contracts/**/*.sol"]],
  ["prettier", ["prettier", "--check", ...PRETTIER_FILES]],
  ["tsc (project)", ["tsc", "--noEmit"]],
  ["tsc (sdk package)", ["tsc", "--noEmit", "-p", "packages/sdk/tsconfig.build.json"]],
  ["tsc (web console)", ["tsc", "--noEmit", "-p", "src/web/tsconfig.json"]],
];

function run([name, [command, ...args]]) {
  const started = Date.now();
  return new Promise((resolve) => {
    // The project's own binaries; no shell, so the globs reach the tools unexpanded, as in a quoted npm script.
    const child = spawn(BIN + command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    let ended = false;
    const done = (code) => {
      if (ended) return;
      ended = true;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const status = code === 0 ? "ok" : `FAILED (exit ${code})`;
      const body = output === "" || output.endsWith("\n") ? output : `${output}\n`;
      process.stdout.write(`> ${name}: ${[command, ...args].join(" ")}\n${body}< ${name}: ${status}, ${seconds} s\n`);
      resolve(code === 0);
    };
    child.on("error", (error) => {
      output += `${error.message}\n`;
      done(127);
    });
    child.on("close", (code, signal) => done(code ?? (signal === null ? 1 : `signal ${signal}`)));
  });
}

const results = [];
if (process.env.LINT_SEQUENTIAL === "1") for (const check of CHECKS) results.push(await run(check));
else results.push(...(await Promise.all(CHECKS.map(run))));
const failed = CHECKS.filter((_, i) => !results[i]).map(([name]) => name);
if (failed.length > 0) {
  console.error(`lint: ${failed.join(", ")} failed`);
  process.exit(1);
}
