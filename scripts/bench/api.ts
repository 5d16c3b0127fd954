/**
 * API throughput under concurrency (a benchmark, not a test): `npm run bench:api`.
 *
 * 1. Starts a real `hardhat node` (BENCH_RPC_URL: uses that node instead, see options.ts), deploys the whole suite with the demo founders and runs the demo scenario (every
 *    application has data: members, credit entries and queries, datasets, LCs, offers, guarantees, receivables).
 * 2. Starts the indexer + API the way an operator runs them (`node --import tsx src/api/main.ts --with-indexer`, a
 *    child process of its own) over a fresh PGlite directory and, when DATABASE_URL is set, over a fresh PostgreSQL
 *    schema; waits until /ready, then signs in as the regulator (sign-in on, as deployed; the regulator reads every
 *    row, so a request does the most work) and sends its token with every request.
 * 3. Takes the list routes from the API's own /openapi.json: every GET whose 200 answer is a page (`items` and
 *    `nextCursor`). Path parameters come from what the demo created (SAMPLE_PARAMS); a list route with a parameter
 *    that has no sample stops the bench.
 * 4. Per route: a 1 s warm-up, then autocannon with CONNECTIONS (64) connections for DURATION (5) seconds. Reports
 *    requests/s and p50/p99 latency (the shared percentile definition of histogram.ts, fed by autocannon's
 *    per-response times); any non-2xx answer or socket error fails the bench.
 *
 * Env: STORES (`pglite,postgres`: which stores to measure; PostgreSQL needs DATABASE_URL), CONNECTIONS (64), DURATION (5 s), AMOUNT (instead of a duration: this many requests per route, for the
 * warm-up and again for the measurement), ROUTES (a regular expression to run a subset), POLL_INTERVAL_MS (the indexer's, 1000), DATABASE_URL,
 * API_NODE_ARGS (extra node flags for the API process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it).
 * BENCH_SIZE=smoke: 2 connections, AMOUNT 8 (every list route answered 2xx under concurrency, in seconds).
 * Writes bench/api.json (BENCH_OUT=<dir>: there instead) and prints the Markdown table of BENCHMARKS.md. The load
 * average is recorded before and after: the numbers only mean something on an otherwise idle machine.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { execa, type ResultPromise } from "execa";
import { Wallet } from "ethers";
import { deploymentPath, signIn } from "@consortia/sdk";
import { demoConsortium } from "../../src/demo/consortium.js";
import { runDemoScenario, type DemoScenarioResult } from "../../src/demo/scenario.js";
import { openDatabase } from "../../src/indexer/db.js";
import { freePort } from "../../src/local/node.js";
import { processCpuSeconds } from "./cpu.js";
import { benchNode, CHAIN_ID, deployDemoSuite } from "./deploy.js";
import { latencyHistogram, round, type LatencySummary } from "./histogram.js";
import { BENCH_SIZE, sized, writeJsonReport } from "./options.js";

const CONNECTIONS = sized("CONNECTIONS", 64, 2);
const DURATION = sized("DURATION", 5, 1);
/** Requests per route instead of DURATION seconds (unset in a full run). */
const AMOUNT = process.env.AMOUNT || BENCH_SIZE === "smoke" ? sized("AMOUNT", 0, 8) : undefined;
const ROUTES = new RegExp(process.env.ROUTES ?? ".");
/** The indexer keeps polling the (idle) node during the run, as in production. */
const POLL_INTERVAL_MS = Number(process.env.POLL_INTERVAL_MS ?? 1000);
const DATABASE_URL = process.env.DATABASE_URL || undefined;
/** Which stores to measure (comma-separated: `pglite`, `postgres`); default both (PostgreSQL only with DATABASE_URL). */
const STORES = (process.env.STORES ?? "pglite,postgres").split(",").map((s) => s.trim());
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** The goal of issue 23 for every list route, on the 2-core development machine. */
const GOAL = { requestsPerSecond: 1_000, p99Ms: 100 };

const log = (message: string) => process.stderr.write(`${new Date().toISOString()} ${message}\n`);

/** Values for the path parameters of list routes, by the path up to and including the parameter. */
function sampleParams(demo: DemoScenarioResult): Record<string, string> {
  const members = demoConsortium();
  return {
    "/credit/subjects/{subjectKey}": demo.credit.subjectKey,
    "/credit/members/{id}": String(members.bankA.memberId), // the bank that queried the subject
    "/datasets/{id}": String(demo.dataSharing.datasetId),
    "/consumers/{memberId}": String(members.gov2.memberId), // the tax bureau reads the land registry's dataset
    "/guarantees/{id}": String(demo.guarantees.guaranteeId),
    "/letters-of-credit/{id}": String(demo.lettersOfCredit.lcId),
    "/banks/{id}": String(members.bankA.memberId),
    "/approval-cases/{id}": String(demo.approvals.caseId),
  };
}

interface OpenApi {
  paths: Record<string, { get?: { responses?: Record<string, { content?: Record<string, { schema?: { properties?: object } }> }> } }>;
}

/** The list routes of the API's OpenAPI document, their path parameters filled in. */
function listRoutes(openapi: OpenApi, samples: Record<string, string>): string[] {
  const routes: string[] = [];
  for (const [path, item] of Object.entries(openapi.paths)) {
    const properties = item.get?.responses?.["200"]?.content?.["application/json"]?.schema?.properties ?? {};
    if (!("items" in properties && "nextCursor" in properties)) continue;
    routes.push(
      path.replace(/\{[^}]+\}/g, (parameter, offset: number) => {
        const prefix = path.slice(0, offset + parameter.length);
        const value = samples[prefix];
        if (value === undefined) throw new Error(`no sample value for ${prefix} (list route ${path}): add one to sampleParams`);
        return encodeURIComponent(value);
      }),
    );
  }
  return routes;
}

interface RouteResult {
  route: string;
  requests: number;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
  /** CPU time of the API process per request (user + system): what the route costs, whatever else the machine runs. */
  cpuMsPerRequest: number;
  withinGoal: boolean;
}

/**
 * autocannon against one URL for `duration` seconds (or AMOUNT requests); latency from its per-response times into
 * the shared histogram.
 */
async function cannon(url: string, token: string, duration: number): Promise<{ requests: number; seconds: number; latency: ReturnType<typeof latencyHistogram> }> {
  const latency = latencyHistogram();
  let failures = 0;
  let firstFailure = "";
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    // With AMOUNT, autocannon looks every 100 ms (sampleInt; its default is every second) whether it is done.
    const load = AMOUNT === undefined ? { duration } : { amount: AMOUNT, sampleInt: 100 };
    const instance = autocannon({ url, connections: CONNECTIONS, headers: { authorization: `Bearer ${token}` }, ...load }, (error, done) => (error ? reject(error) : resolve(done)));
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latency.record(responseTime);
      else if (failures++ === 0) firstFailure = `HTTP ${statusCode}`;
    });
    instance.on("reqError", (error) => {
      if (failures++ === 0) firstFailure = error.message;
    });
  });
  if (failures > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${url}: ${failures + result.errors + result.timeouts} failed requests (first: ${firstFailure || "timeout"})`);
  }
  return { requests: latency.count, seconds: result.duration, latency };
}

interface Api {
  url: string;
  process: ResultPromise;
  /** The regulator's sign-in token. */
  token: string;
}

/** The indexer + API as their own process, as an operator runs them; resolves when /ready answers 200. */
async function startApi(rpcUrl: string, deployments: string, dataDir: string, databaseUrl?: string, schema?: string): Promise<Api> {
  const port = await freePort();
  const args = [...(process.env.API_NODE_ARGS?.split(" ").filter(Boolean) ?? []), "--import", "tsx", "src/api/main.ts", "--with-indexer", "--rpc-url", rpcUrl, "--deployments", deployments, "--data-dir", dataDir];
  args.push("--api-port", String(port), "--log-level", "warn", "--poll-interval-ms", String(POLL_INTERVAL_MS));
  // Sign-in stays on, as deployed: the bench signs in as the regulator (every row: the most work per request), with a
  // token that outlives the run.
  args.push("--api-token-seconds", "86400");
  if (databaseUrl !== undefined) args.push("--database-url", databaseUrl, "--database-schema", schema!);
  const env = { ...process.env };
  delete env.DATABASE_URL; // only the flag chooses the store
  const child = execa(process.execPath, args, { cwd: ROOT, env, extendEnv: false, stdout: "ignore", stderr: "inherit", forceKillAfterDelay: 5_000 });
  let exited: string | undefined;
  child.then(
    (r) => (exited = `exited with ${r.exitCode}`),
    (error: Error) => (exited = error.message),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 300_000; // a backfill on a loaded machine takes minutes
  for (;;) {
    if (exited !== undefined) throw new Error(`the API process stopped: ${exited}`);
    const ready = await fetch(`${url}/ready`).then((r) => r.ok, () => false);
    if (ready) {
      const regulator = new Wallet(demoConsortium().regulator.privateKey);
      const { token } = await signIn({ api: url, account: regulator.address, signMessage: (m) => regulator.signMessage(m) });
      return { url, process: child, token };
    }
    if (Date.now() > deadline) throw new Error("the API was not ready within 300 s");
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function stopApi(api: Api): Promise<void> {
  api.process.kill("SIGTERM");
  await api.process.catch(() => {});
}

async function measure(store: string, api: Api, routes: string[]): Promise<RouteResult[]> {
  const results: RouteResult[] = [];
  for (const route of routes) {
    const url = api.url + route;
    await cannon(url, api.token, 1); // warm-up: JIT, prepared plans, caches
    const cpu0 = processCpuSeconds(api.process.pid!);
    const { requests, seconds, latency } = await cannon(url, api.token, DURATION);
    const cpuMsPerRequest = round(((processCpuSeconds(api.process.pid!) - cpu0) * 1000) / requests, 3);
    const summary = latency.summary();
    const requestsPerSecond = Math.round(requests / seconds);
    results.push({
      route,
      requests,
      requestsPerSecond,
      latencyMs: summary,
      cpuMsPerRequest,
      withinGoal: requestsPerSecond >= GOAL.requestsPerSecond && summary.p99 < GOAL.p99Ms,
    });
    log(`${store} ${route}: ${requestsPerSecond} req/s, p50 ${summary.p50} ms, p99 ${summary.p99} ms, ${cpuMsPerRequest} ms CPU`);
  }
  return results;
}

function table(results: RouteResult[]): string {
  const rows = results.map(
    (r) =>
      `| \`${r.route}\` | ${r.requestsPerSecond.toLocaleString("en-US")} | ${r.latencyMs.p50} | ${r.latencyMs.p99} | ${r.cpuMsPerRequest} | ${r.withinGoal ? "yes" : "**no**"} |`,
  );
  const header = ["| route | req/s | p50 ms | p99 ms | API CPU ms/req | goal |", "| --- | ---: | ---: | ---: | ---: | :---: |"];
  return [...header, ...rows].join("\n");
}

/** One line per store: how many routes meet the goal, and which miss it (and why). */
function goalSummary(store: string, results: RouteResult[]): string {
  const missed = results.filter((r) => !r.withinGoal);
  const why = (r: RouteResult) =>
    [
      r.requestsPerSecond < GOAL.requestsPerSecond ? `${r.requestsPerSecond} req/s` : "",
      r.latencyMs.p99 >= GOAL.p99Ms ? `p99 ${r.latencyMs.p99} ms` : "",
    ]
      .filter(Boolean)
      .join(", ");
  const list = missed.map((r) => `${r.route} (${why(r)})`).join("; ");
  return `${store}: ${results.length - missed.length} of ${results.length} list routes meet the goal${missed.length === 0 ? "" : `; missed: ${list}`}`;
}

async function main(): Promise<void> {
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), node ${process.version}`;
  const loadBefore = loadavg().map((n) => round(n, 2));
  log(`starting hardhat node (${machine}, load average ${loadBefore.join(" ")})`);
  const node = await benchNode();
  const dir = await mkdtemp(join(tmpdir(), "consortia-bench-api-"));
  try {
    const deployment = await deployDemoSuite(node, dir);
    const demo = await runDemoScenario({ rpcUrl: node.url, deployment, dataDir: join(dir, "payloads") });
    log(`deployed the suite and ran the demo scenario (${demo.steps} steps)`);
    const deployments = deploymentPath(CHAIN_ID, join(dir, "deployments"));
    const stores: { name: string; databaseUrl?: string }[] = [];
    if (STORES.includes("pglite")) stores.push({ name: "pglite" });
    if (STORES.includes("postgres") && DATABASE_URL !== undefined) stores.push({ name: "postgres", databaseUrl: DATABASE_URL });
    if (stores.length === 0) throw new Error(`STORES=${STORES.join(",")}: nothing to measure (postgres needs DATABASE_URL)`);
    const measured: Record<string, RouteResult[]> = {};
    for (const store of stores) {
      const schema = `bench_api_${Date.now()}`;
      const api = await startApi(node.url, deployments, join(dir, `pglite-${store.name}`), store.databaseUrl, schema);
      try {
        const openapi = (await (await fetch(`${api.url}/openapi.json`)).json()) as OpenApi;
        const routes = listRoutes(openapi, sampleParams(demo)).filter((r) => ROUTES.test(r));
        const each = AMOUNT === undefined ? `${DURATION} s` : `${AMOUNT} requests`;
        log(`${store.name}: ${routes.length} list routes, ${CONNECTIONS} connections, ${each} each`);
        measured[store.name] = await measure(store.name, api, routes);
      } finally {
        await stopApi(api);
        if (store.databaseUrl !== undefined) {
          const db = await openDatabase({ databaseUrl: store.databaseUrl });
          await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          await db.close();
        }
      }
    }
    const loadAfter = loadavg().map((n) => round(n, 2));
    const result = {
      date: new Date().toISOString(),
      machine,
      command: "npm run bench:api",
      size: BENCH_SIZE,
      connections: CONNECTIONS,
      ...(AMOUNT === undefined ? { durationSeconds: DURATION } : { requestsPerRoute: AMOUNT }),
      goal: GOAL,
      loadAverage: { before: loadBefore, after: loadAfter },
      stores: measured,
    };
    await writeJsonReport("api.json", result);
    for (const [store, results] of Object.entries(measured)) process.stdout.write(`\n${store}\n\n${table(results)}\n`);
    process.stdout.write(`\ngoal (issue 23): every list route >= ${GOAL.requestsPerSecond} req/s and p99 < ${GOAL.p99Ms} ms\n`);
    for (const [store, results] of Object.entries(measured)) process.stdout.write(`${goalSummary(store, results)}\n`);
    process.stdout.write(`\nload average before ${loadBefore.join(" ")}, after ${loadAfter.join(" ")}\n`);
  } finally {
    await node.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
