/**
 * Every bench runs, at smoke size, so that none rots between the hand runs BENCHMARKS.md quotes: each one is started
 * as its README/BENCHMARKS.md command starts it (`hardhat run` for gas, `node --import tsx` for the others) with
 * BENCH_SIZE=smoke and BENCH_OUT=<a temporary directory>, must exit 0 (the load run exits 1 when its own verification
 * fails, the API bench on any non-2xx answer) and write its report with the fields the full run writes. The values
 * are not checked: they are measurements. The committed reports in bench/ must be left byte for byte as they were.
 * The gateway and API benches run on one node this test starts (BENCH_RPC_URL, scripts/bench/options.ts: each still
 * deploys its own contracts onto it) instead of starting their own; the benches run in two lanes side by side (LANES).
 *
 * Sizes (scripts/bench/options.ts and each bench's header): every step of every bench runs, with a few requests,
 * transactions or samples each. What stays the same size as a full run: each bench's setup (a node, the suite or the
 * platform deployed, the API bench's demo scenario) and the gas bench (deterministic, every step once anyway); the
 * PostgreSQL half of the indexer and API benches runs only where PostgreSQL answers (CI sets DATABASE_URL).
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { HARDHAT_CLI, hardhatEnv } from "../../src/local/hardhat.js";
import { rpc, startNode, type NodeProcess } from "../../src/local/node.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * The shape a report must have: a string names the `typeof` of the value there; an object, its fields (others may
 * be there too); a one-element array, a non-empty array whose every element has that shape; `oneOf`, any of shapes.
 */
type Shape = "number" | "string" | "boolean" | Shape[] | { [field: string]: Shape } | { oneOf: Shape[] };

const oneOf = (...shapes: Shape[]): Shape => ({ oneOf: shapes });
const LATENCY: Shape = { count: "number", mean: "number", p50: "number", p95: "number", p99: "number", max: "number" };

/** Where `value` differs from `shape`, one line per difference (empty: it matches). */
function mismatches(value: unknown, shape: Shape, path = "$"): string[] {
  if (typeof shape === "string") return typeof value === shape ? [] : [`${path}: ${typeof value}, not ${shape}`];
  if (Array.isArray(shape)) {
    if (!Array.isArray(value) || value.length === 0) return [`${path}: not a non-empty array`];
    return value.flatMap((element, index) => mismatches(element, shape[0], `${path}[${index}]`));
  }
  if ("oneOf" in shape && Array.isArray(shape.oneOf)) {
    const tries = (shape.oneOf as Shape[]).map((option) => mismatches(value, option, path));
    return tries.some((found) => found.length === 0) ? [] : tries.flat();
  }
  if (typeof value !== "object" || value === null) return [`${path}: not an object`];
  return Object.entries(shape as Record<string, Shape>).flatMap(([field, inner]) =>
    field in value
      ? mismatches((value as Record<string, unknown>)[field], inner, `${path}.${field}`)
      : [`${path}.${field}: missing`],
  );
}

interface Bench {
  name: string;
  /** The command after `node`: the bench as its documented command runs it. */
  args: string[];
  /** Report files and their shapes. */
  reports: Record<string, Shape>;
  /** The text report (gas.md), checked by a pattern. */
  text?: Record<string, RegExp>;
}

const BENCHES: Bench[] = [
  {
    name: "gas",
    // --no-compile: the test run built the contracts (hardhat test compiles first).
    args: [HARDHAT_CLI, "run", "--no-compile", "scripts/bench/gas.ts"],
    reports: {
      "gas.json": {
        evm: "string",
        compiler: "string",
        rows: [{ app: "string", step: "string", gas: "number" }],
      },
    },
    text: { "gas.md": /^### \w[\s\S]*\| step \| gas \| target \| within \| reference \|/ },
  },
  {
    name: "sdk",
    args: ["--import", "tsx", "scripts/bench/sdk.ts"],
    reports: {
      "sdk.json": {
        size: "string",
        cores: "number",
        budgetSecondsPerOperation: "number",
        results: [{ name: "string", ops: "number", seconds: "number", opsPerSecond: "number", meanMicros: "number" }],
      },
    },
  },
  {
    name: "gateway",
    args: ["--import", "tsx", "scripts/bench/gateway.ts"],
    reports: {
      "gateway.json": {
        size: "string",
        setup: { fileBytes: "number", accessesRecordedOnChain: "number" },
        runs: [
          {
            scenario: "string",
            concurrency: "number",
            requests: "number",
            requestsPerSecond: "number",
            latencyMs: { p50: "number", p95: "number", p99: "number", max: "number" },
          },
        ],
      },
    },
  },
  {
    name: "indexer",
    args: ["--import", "tsx", "scripts/bench/indexer.ts"],
    reports: {
      "indexer.json": {
        size: "string",
        events: "number",
        generationSeconds: "number",
        backfill: {
          pglite: { events: "number", seconds: "number", eventsPerSecond: "number" },
          postgres: oneOf({ events: "number", seconds: "number", eventsPerSecond: "number" }, { skipped: "string" }),
        },
        blockToApiMs: { confirmations: "number", samples: "number", ...LATENCY },
        apiLatencyMs: { store: "string" },
        targets: { backfillEventsPerSecond: "number", blockToApiP95Ms: "number", lineageQueryP95Ms: "number" },
      },
    },
  },
  {
    name: "load",
    args: ["--import", "tsx", "scripts/bench/load.ts"],
    reports: {
      "load.json": {
        size: "string",
        transactions: "number",
        mix: { "token.transfer": "number", "credit.report": "number", "lc.present": "number" },
        blocks: { first: "number", last: "number", count: "number" },
        throughput: { seconds: "number", txPerSecond: "number" },
        latencyMs: { callToReceipt: LATENCY, sendToReceipt: LATENCY, callToSent: LATENCY },
        client: { mainThreadCpuMsPerTx: "number", busyMsPerTx: "number", cpuMsPerTx: "number" },
        sideBySide: {
          sdk: { txPerSecond: "number", sendToReceiptP95Ms: "number", mainThreadCpuMsPerTx: "number" },
          ethers: { txPerSecond: "number", sendToReceiptP95Ms: "number", mainThreadCpuMsPerTx: "number" },
          sdkToEthersThroughput: "number",
        },
        phases: [
          {
            side: "string",
            mined: "number",
            txPerSecond: "number",
            loadAverage: { before: ["number"], after: ["number"] },
            client: { mainThreadCpuMsPerTx: "number", processCpuMsPerTx: "number" },
            rpc: { requestsPerTx: "number", httpCallsPerTx: "number" },
          },
        ],
        nodeCpuMsPerTx: "number",
        indexer: { lagBlocksAtLastReceipt: "number", lagMsAfterLastReceipt: "number" },
        verification: { mined: "number", errors: "number", noncesContiguous: "boolean", followedIndexed: "boolean" },
      },
    },
  },
  {
    name: "api",
    args: ["--import", "tsx", "scripts/bench/api.ts"],
    reports: {
      "api.json": {
        size: "string",
        connections: "number",
        requestsPerRoute: "number",
        goal: { requestsPerSecond: "number", p99Ms: "number" },
        loadAverage: { before: ["number"], after: ["number"] },
        stores: {
          pglite: [
            {
              route: "string",
              requests: "number",
              requestsPerSecond: "number",
              latencyMs: LATENCY,
              cpuMsPerRequest: "number",
              withinGoal: "boolean",
            },
          ],
        },
      },
    },
  },
  {
    name: "web",
    args: ["--import", "tsx", "scripts/bench/web.ts"],
    reports: {
      "web.json": {
        size: "string",
        runs: "number",
        bundle: { main: { name: "string", bytes: "number", gzipBytes: "number", withinBudget: "boolean" } },
        firstPageInteractiveMs: { p50: "number", max: "number", withinBudget: "boolean" },
      },
    },
  },
];

/**
 * The benches run in two lanes side by side, each lane one bench at a time, in its order:
 *
 * - The first lane runs the benches that share the node this test starts (BENCH_RPC_URL: the gateway bench, then the
 *   API bench, which moves the chain's clock forward with its demo scenario, so it comes second; both use the Hardhat
 *   test mnemonic's accounts, so never at the same time) and the two that build the project with Hardhat as they start
 *   (the API and load benches: the deploy task builds first, and two Hardhat builds in one project race on
 *   cache/compile-cache.json.tmp: seen in CI, one build's rename found the other's file gone, and its bench exited 1).
 * - The second lane runs the benches that neither build nor touch the shared node: the indexer bench (its own node:
 *   it needs a chain at block 0), the gas bench (`hardhat run --no-compile`, an in-process chain), the SDK and web
 *   benches (no node).
 *
 * The load run keeps its own node too (it switches its node to interval mining).
 */
const LANES: Bench[][] = [lane("gateway", "api", "load"), lane("indexer", "gas", "sdk", "web")];
/** Benches that get BENCH_RPC_URL (the others start their own node or need none). */
const SHARE_NODE = new Set(["gateway", "api"]);

function lane(...names: string[]): Bench[] {
  return names.map((name) => BENCHES.find((bench) => bench.name === name)!);
}

/** Every bench, in the order its test waits for it. */
const ORDER = LANES.flat();

interface Outcome {
  exitCode: number | undefined;
  output: string;
  seconds: number;
}

/** One bench at smoke size into `dir`; never rejects (a failure is in the outcome). */
async function runBench(bench: Bench, dir: string, rpcUrl: string): Promise<Outcome> {
  const started = Date.now();
  const shared = SHARE_NODE.has(bench.name) ? { BENCH_RPC_URL: rpcUrl } : {};
  const run = await execa(process.execPath, bench.args, {
    cwd: ROOT,
    env: hardhatEnv({ BENCH_SIZE: "smoke", BENCH_OUT: dir, FORCE_COLOR: "0", ...shared }),
    extendEnv: false,
    reject: false,
    all: true,
    timeout: 240_000,
  });
  return { exitCode: run.exitCode, output: String(run.all), seconds: (Date.now() - started) / 1000 };
}

/** Hash of every committed report in bench/, by file name. */
async function committedReports(): Promise<Record<string, string>> {
  const dir = join(ROOT, "bench");
  const hashes: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    hashes[name] = createHash("sha256")
      .update(await readFile(join(dir, name)))
      .digest("hex");
  }
  return hashes;
}

describe("bench: every benchmark runs at smoke size and writes its report (scripts/bench)", function () {
  // The shared node starts and the lanes start in `before`; each `it` waits for its own bench.
  this.timeout(300_000);
  let out: string;
  let committed: Record<string, string>;
  let node: NodeProcess | undefined;
  const outcomes = new Map<string, Promise<Outcome>>();

  before(async () => {
    out = await mkdtemp(join(tmpdir(), "consortia-bench-smoke-"));
    committed = await committedReports();
    node = await startNode();
    for (const benches of LANES) {
      let previous: Promise<unknown> = Promise.resolve();
      for (const bench of benches) {
        const outcome = previous.then(() => runBench(bench, join(out, bench.name), node!.url));
        outcomes.set(bench.name, outcome);
        previous = outcome;
      }
    }
  });
  after(async () => {
    await Promise.all(outcomes.values()); // none left running
    await node?.stop();
    if (out !== undefined) await rm(out, { recursive: true, force: true });
  });

  it("the shape check finds a missing field, a wrong type and an empty list", () => {
    const shape: Shape = { a: "number", b: [{ c: "string" }], d: oneOf({ e: "number" }, { skipped: "string" }) };
    expect(mismatches({ a: 1, b: [{ c: "x" }], d: { skipped: "no" } }, shape)).to.deep.equal([]);
    expect(mismatches({ a: "1", b: [], d: {} }, shape)).to.deep.equal([
      "$.a: string, not number",
      "$.b: not a non-empty array",
      "$.d.e: missing",
      "$.d.skipped: missing",
    ]);
  });

  it("every bench of scripts/bench is run here", async () => {
    // Helpers that are no bench of their own: the percentile definition, CPU time, the suite deploy, the knobs, the
    // indexer bench's runs of ours and Ponder's.
    const helpers = ["cpu.ts", "deploy.ts", "histogram.ts", "options.ts", "side-by-side.ts"];
    const scripts = (await readdir(join(ROOT, "scripts/bench"))).filter(
      (f) => f.endsWith(".ts") && !helpers.includes(f),
    );
    expect(ORDER.map((bench) => `${bench.name}.ts`).sort()).to.deep.equal(scripts.sort());
    expect(new Set(ORDER.map((bench) => bench.name)).size, "a bench in two lanes").to.equal(ORDER.length);
  });

  // Lane by lane, in the order they run: each test waits at most about as long as its own bench runs.
  for (const bench of ORDER) {
    it(`${bench.name}: exits 0 and writes ${[...Object.keys(bench.reports), ...Object.keys(bench.text ?? {})].join(", ")}`, async () => {
      const dir = join(out, bench.name);
      const outcome = await outcomes.get(bench.name)!;
      const seconds = outcome.seconds.toFixed(1);
      expect(outcome.exitCode, `${bench.name} (${seconds} s):\n${outcome.output.slice(-4000)}`).to.equal(0);
      console.log(`      ${bench.name}: ${seconds} s`);
      for (const [file, shape] of Object.entries(bench.reports)) {
        const report = JSON.parse(await readFile(join(dir, file), "utf8")) as { size?: string };
        const found = mismatches(report, shape);
        expect(found, `${file}:\n${found.join("\n")}`).to.deep.equal([]);
        if ("size" in (shape as object)) expect(report.size, `${file}: size`).to.equal("smoke");
      }
      for (const [file, pattern] of Object.entries(bench.text ?? {})) {
        expect(await readFile(join(dir, file), "utf8"), file).to.match(pattern);
      }
    });
  }

  it("the gateway and API benches ran on the shared node (BENCH_RPC_URL), not on nodes of their own", async () => {
    await Promise.all([...SHARE_NODE].map((name) => outcomes.get(name)!));
    // Each deploys its contracts onto the node it runs on: the shared one started at block 0.
    expect(Number(await rpc<string>(node!.url, "eth_blockNumber"))).to.be.greaterThan(0);
  });

  it("left the committed reports in bench/ as they were", async () => {
    expect(await committedReports()).to.deep.equal(committed);
  });
});
