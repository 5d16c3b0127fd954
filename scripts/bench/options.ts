/**
 * The knobs every bench shares, from the environment:
 *
 * - `BENCH_SIZE`: `full` (default: the sizes BENCHMARKS.md quotes) or `smoke` (a few transactions, requests and
 *   samples per step: enough to run every step of the bench once, in seconds; what test/bench/smoke.test.ts runs).
 *   A bench's own variables (`TXS`, `EVENTS`, `DURATION`, …) still override either size.
 * - `BENCH_OUT`: the directory the bench writes its report to (default `bench`, the committed reports); a smoke run
 *   writes to a temporary directory, so that it never changes a committed file.
 * - `BENCH_RPC_URL`: a running node (Hardhat development node, chain id 1337, the Hardhat test mnemonic's accounts
 *   funded) for the benches that can share one (gateway, API: each deploys its own contracts onto it, and leaves it
 *   running) instead of starting their own. The indexer bench (a chain at block 0) and the load run (interval mining)
 *   always start their own. Unset (the default): every bench starts its own node.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

export type BenchSize = "full" | "smoke";

function benchSize(): BenchSize {
  const value = process.env.BENCH_SIZE ?? "full";
  if (value !== "full" && value !== "smoke") throw new Error(`BENCH_SIZE must be "full" or "smoke", not "${value}"`);
  return value;
}

export const BENCH_SIZE: BenchSize = benchSize();

/** A running node for the benches that can share one (`BENCH_RPC_URL`); undefined: each starts its own. */
export const BENCH_RPC_URL: string | undefined = process.env.BENCH_RPC_URL || undefined;

/** The directory reports go to (`BENCH_OUT`, default `bench` in the working directory). */
export const BENCH_OUT = resolve(process.env.BENCH_OUT || "bench");

/**
 * A numeric setting: the environment variable `name` if set (a positive number), else the value for BENCH_SIZE.
 */
export function sized(name: string, full: number, smoke: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return BENCH_SIZE === "smoke" ? smoke : full;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`);
  return value;
}

/** Writes `text` to `<BENCH_OUT>/<file>` (creating the directory) and returns the path. */
export async function writeReport(file: string, text: string): Promise<string> {
  await mkdir(BENCH_OUT, { recursive: true });
  const path = join(BENCH_OUT, file);
  await writeFile(path, text);
  return path;
}

/** Writes `report` as indented JSON to `<BENCH_OUT>/<file>` and returns the path. */
export async function writeJsonReport(file: string, report: unknown): Promise<string> {
  return writeReport(file, `${JSON.stringify(report, null, 2)}\n`);
}
