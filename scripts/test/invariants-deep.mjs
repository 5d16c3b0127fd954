#!/usr/bin/env node
/**
 * `npm run test:invariants` — every Solidity invariant suite (test/solidity/*Invariant.t.sol) with one campaign
 * depth, run count and seed, reproducibly:
 *
 *   CONSORTIA_INVARIANT_RUNS=512 CONSORTIA_INVARIANT_DEPTH=96 CONSORTIA_FUZZ_SEED=0x2a npm run test:invariants
 *
 * Defaults: 256 runs of 64 steps on the fixed seed of hardhat.config.ts. CONSORTIA_INVARIANT_SUITES=Attestation,Netting
 * keeps the suites whose file name contains one of the words.
 *
 * `npm run test:deep` alone cannot do this: a suite's own `/// hardhat-config: invariant.runs|depth` lines override the
 * global settings (CrossContractInvariant pins 256 x 48, AttestationPolicyInvariant 64 x 48, for CI). So the suites are
 * copied, without those lines, into test/invariants-deep.tmp/ (the same depth as test/solidity/, so their relative
 * imports resolve unchanged, utils/ copied along), hardhat runs that directory only (CONSORTIA_SOLIDITY_TESTS), and the
 * copy is removed afterwards, also on failure or Ctrl-C. The source suites are never changed.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const SOURCE = "test/solidity";
const COPY = "test/invariants-deep.tmp";
const runs = process.env.CONSORTIA_INVARIANT_RUNS ?? "256";
const depth = process.env.CONSORTIA_INVARIANT_DEPTH ?? "64";
const seed = process.env.CONSORTIA_FUZZ_SEED ?? "";
const words = (process.env.CONSORTIA_INVARIANT_SUITES ?? "").split(",").filter((w) => w.trim() !== "");
for (const [name, value] of [
  ["CONSORTIA_INVARIANT_RUNS", runs],
  ["CONSORTIA_INVARIANT_DEPTH", depth],
]) {
  if (!/^[1-9]\d*$/.test(value)) throw new Error(`${name} must be a positive whole number, got "${value}"`);
}
if (seed !== "" && !/^0x[0-9a-fA-F]+$/.test(seed)) throw new Error(`CONSORTIA_FUZZ_SEED must be 0x-hex, got "${seed}"`);

const suites = readdirSync(SOURCE)
  .filter((f) => f.endsWith("Invariant.t.sol"))
  .filter((f) => words.length === 0 || words.some((w) => f.includes(w.trim())));
if (suites.length === 0) throw new Error(`no invariant suite in ${SOURCE} matches "${words.join(",")}"`);

const cleanup = () => rmSync(COPY, { recursive: true, force: true });
cleanup();
mkdirSync(COPY, { recursive: true });
cpSync(join(SOURCE, "utils"), join(COPY, "utils"), { recursive: true });
for (const suite of suites) {
  const text = readFileSync(join(SOURCE, suite), "utf8").replace(
    /^[ \t]*\/\/\/ hardhat-config: invariant\.(runs|depth) = \d+\n/gm,
    "",
  );
  writeFileSync(join(COPY, suite), text);
}
console.log(
  `invariant suites: ${suites.join(", ")}\n${runs} runs of ${depth} steps, seed ${seed || "hardhat.config.ts's fixed seed"}`,
);

const started = Date.now();
const child = spawn("npx", ["hardhat", "test", "solidity"], {
  stdio: "inherit",
  env: {
    ...process.env,
    CONSORTIA_SOLIDITY_TESTS: COPY,
    CONSORTIA_INVARIANT_RUNS: runs,
    CONSORTIA_INVARIANT_DEPTH: depth,
    ...(seed === "" ? {} : { CONSORTIA_FUZZ_SEED: seed }),
  },
});
const stop = (signal) => child.kill(signal);
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
child.on("exit", (code, signal) => {
  cleanup();
  console.log(`invariant run: ${((Date.now() - started) / 1000).toFixed(0)} s, exit ${signal ?? code}`);
  process.exit(code ?? 1);
});
