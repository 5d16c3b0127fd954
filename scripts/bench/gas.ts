/**
 * Gas per business step of every application: `npm run bench:gas`.
 * Runs each scripts/bench/gas/<app>.ts on a fresh in-process chain (berlin, same compiler settings as deployment),
 * prints a table and writes bench/gas.json and bench/gas.md (the tables of BENCHMARKS.md). Steps over their target
 * are listed at the end. BENCH_OUT=<dir> writes the two files there instead; BENCH_SIZE changes nothing here (every
 * step runs once whatever the size: gas is deterministic).
 */
import { readdir } from "node:fs/promises";
import { network } from "hardhat";
import { writeJsonReport, writeReport } from "./options.js";
import type { GasRow, MeasureGas } from "./gas/types.js";

// BENCH_GAS_ONLY=lc-backing,guarantees: only the scenarios whose file name contains one of the words (a quick look:
// the tables are written only with BENCH_OUT, so bench/ keeps the full ones).
const only = (process.env.BENCH_GAS_ONLY ?? "").split(",").filter((word) => word !== "");
const modules = (await readdir(new URL("./gas/", import.meta.url)))
  .filter((file) => file.endsWith(".ts") && file !== "types.ts")
  .filter((file) => only.length === 0 || only.some((word) => file.includes(word)))
  .sort();

const rows: GasRow[] = [];
for (const file of modules) {
  const { measure } = (await import(`./gas/${file}`)) as { measure: MeasureGas };
  rows.push(...(await measure(await network.create())));
}

const format = (value: bigint | undefined): string => (value === undefined ? "" : value.toLocaleString("en-US"));
const table = rows.map((row) => ({
  app: row.app,
  step: row.step,
  gas: format(row.gas),
  target: format(row.target),
  within: row.target === undefined ? "" : row.gas <= row.target ? "yes" : "NO",
  reference: row.reference === undefined ? "" : `${row.reference.name}: ${format(row.reference.gas)}`,
  ratio: row.reference === undefined ? "" : (Number(row.gas) / Number(row.reference.gas)).toFixed(2),
}));
console.table(table);

// A filtered run writes its (partial) tables only where BENCH_OUT says, never over bench/.
if (only.length > 0 && process.env.BENCH_OUT === undefined) process.exit(0);
const json = await writeJsonReport("gas.json", {
  evm: "berlin",
  compiler: "solc 0.8.30, optimizer 200 runs",
  rows: rows.map((row) => ({
    ...row,
    gas: Number(row.gas),
    target: row.target === undefined ? undefined : Number(row.target),
    reference: row.reference === undefined ? undefined : { ...row.reference, gas: Number(row.reference.gas) },
  })),
});
const markdown = await writeReport("gas.md", markdownTables(rows));
console.log(`wrote ${json} and ${markdown}`);
/** One markdown table per application, for BENCHMARKS.md. */
function markdownTables(all: GasRow[]): string {
  const apps = [...new Set(all.map((row) => row.app))];
  return apps
    .map((app) => {
      const lines = all
        .filter((row) => row.app === app)
        .map((row) => {
          const within = row.target === undefined ? "" : row.gas <= row.target ? "yes" : "**no**";
          const reference =
            row.reference === undefined
              ? ""
              : `${row.reference.name}: ${format(row.reference.gas)} (${(Number(row.gas) / Number(row.reference.gas)).toFixed(2)}x)`;
          return `| ${row.step} | ${format(row.gas)} | ${format(row.target)} | ${within} | ${reference} |`;
        });
      return [`### ${app}`, "", "| step | gas | target | within | reference |", "| --- | ---: | ---: | :---: | --- |", ...lines, ""].join("\n");
    })
    .join("\n");
}

const over = rows.filter((row) => row.target !== undefined && row.gas > row.target);
if (over.length > 0) {
  console.warn(`${over.length} step(s) over target: ${over.map((row) => `${row.app}/${row.step}`).join(", ")}`);
}
