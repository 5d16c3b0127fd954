/**
 * The side-by-side of `npm run bench:indexer` (scripts/bench/indexer.ts): our indexer and Ponder (the `ponder` package
 * pinned in PONDER_VERSION, with its project in scripts/bench/ponder/) index the same chain, each as its operator
 * starts it (our `src/api/main.ts --with-indexer`; `ponder start`), into a cold store (a new PGlite directory, a new
 * PostgreSQL schema, and for Ponder no RPC cache: its `ponder_sync` schema dropped first), in alternating runs. Time:
 * wall clock from the process's start until its `/ready` answers 200 (and, for Ponder, its `transfers` hold every
 * transfer: its /ready may come before the last blocks, which it indexes as "realtime"). After each run both sides'
 * transfers and balances are read and compared row for row: a difference fails the bench.
 *
 * Ponder is installed at bench time into a temporary project (`npm install --prefer-offline`), never into ours: it
 * brings its own vite 5, PGlite 0.2 and drizzle. `@ponder/utils` is overridden to 0.2.18: ponder 0.17.7 asks for
 * 0.3.0, which the registry here does not have (the utilities it uses are the same).
 */
import { cp, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { execa, type ResultPromise } from "execa";
import { openDatabase } from "../../src/indexer/db.js";
import { freePort } from "../../src/local/node.js";
import type { TestChain } from "../../test/indexer/chain.js";
import { round } from "./histogram.js";

export const PONDER_VERSION = "0.17.7";
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const PONDER_PROJECT = join(ROOT, "scripts/bench/ponder");

export type Store = "pglite" | "postgres";

export interface Run {
  side: "ours" | "ponder";
  store: Store;
  /** Process start to ready (seconds). */
  seconds: number;
  /** Events indexed: ours every suite event (/status), Ponder's DepositToken transfers. */
  events: number;
  transfers: number;
  eventsPerSecond: number;
  /** Transfers per second: the same work on both sides. */
  transfersPerSecond: number;
}

/** One transfer or balance row, as both sides' rows are compared: a canonical string. */
type Rows = { transfers: string[]; balances: string[] };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `url` until `done` says yes (the process must stay alive); seconds since `started`. */
async function waitFor(
  url: string,
  child: ResultPromise,
  started: bigint,
  done: (response: Response) => Promise<boolean>,
  timeoutMs = 900_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.then(
    () => (exited = true),
    () => (exited = true),
  );
  for (;;) {
    if (exited) throw new Error(`${url}: the process exited before it was ready`);
    if (Date.now() > deadline) throw new Error(`${url}: not ready after ${timeoutMs} ms`);
    try {
      const response = await fetch(url);
      if (await done(response)) return Number(process.hrtime.bigint() - started) / 1e9;
    } catch {
      // not listening yet
    }
    await sleep(25);
  }
}

async function stopProcess(child: ResultPromise): Promise<void> {
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await child.catch(() => undefined);
  clearTimeout(timer);
}

/** Installs the pinned Ponder into a new temporary project holding scripts/bench/ponder. Returns its folder. */
export async function preparePonder(log: (message: string) => void): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "consortia-bench-ponder-"));
  await cp(PONDER_PROJECT, dir, { recursive: true });
  const viem = (await import("viem/package.json", { with: { type: "json" } })).default.version;
  await writeFile(
    join(dir, "package.json"),
    JSON.stringify({ name: "bench-ponder", private: true, type: "module", overrides: { "@ponder/utils": "0.2.18" } }),
  );
  const started = Date.now();
  log(`installing ponder@${PONDER_VERSION} into ${dir}`);
  await execa(
    "npm",
    [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      `ponder@${PONDER_VERSION}`,
      `viem@${viem}`,
      "hono@4",
      "typescript@5.9.3",
    ],
    { cwd: dir, all: true },
  );
  log(`ponder installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return dir;
}

function toRows(transfers: string[], balances: string[]): Rows {
  return { transfers: transfers.sort(), balances: balances.sort() };
}

/** Our side: `src/api/main.ts --with-indexer` over a cold store, to /ready; then its rows. */
export async function runOurs(chain: TestChain, store: Store, databaseUrl: string): Promise<{ run: Run; rows: Rows }> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), "consortia-bench-ours-"));
  const schema = `bench_ours_${Date.now()}`;
  const env: Record<string, string> = {
    RPC_URL: chain.url,
    DEPLOYMENTS: chain.deploymentsPath,
    DATA_DIR: dataDir,
    API_PORT: String(port),
    LOG_LEVEL: "warn",
    PROGRESS: "log",
    // Empty: not the bench's own DATABASE_URL (an empty variable counts as unset).
    ...(store === "postgres" ? { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema } : { DATABASE_URL: "" }),
  };
  const started = process.hrtime.bigint();
  const child = execa(process.execPath, ["--import", "tsx", "src/api/main.ts", "--with-indexer"], {
    cwd: ROOT,
    env,
    extendEnv: true,
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    const seconds = await waitFor(`http://127.0.0.1:${port}/ready`, child, started, async (r) => {
      await r.arrayBuffer();
      return r.status === 200;
    });
    const status = (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as { eventsTotal?: number };
    await stopProcess(child);
    const db = await openDatabase(
      store === "postgres" ? { databaseUrl, schema } : { dataDir },
    );
    try {
      const transfers = await db.query<{ r: string }>(
        `SELECT concat_ws('|', block_number, log_index, token, from_address, to_address, amount::text, tx_hash) AS r FROM token_transfers`,
      );
      const balances = await db.query<{ r: string }>(
        `SELECT concat_ws('|', token, account, balance::text) AS r FROM token_balances WHERE valid_to_block IS NULL`,
      );
      const rows = toRows(
        transfers.map((t) => t.r),
        balances.map((b) => b.r),
      );
      const events = Number(status.eventsTotal ?? 0);
      return { run: metrics("ours", store, seconds, events, rows.transfers.length), rows };
    } finally {
      if (store === "postgres") await db.query(`DROP SCHEMA "${schema}" CASCADE`);
      await db.close();
    }
  } finally {
    await stopProcess(child);
    await rm(dataDir, { recursive: true, force: true });
  }
}

function metrics(side: Run["side"], store: Store, seconds: number, events: number, transfers: number): Run {
  return {
    side,
    store,
    seconds: round(seconds),
    events,
    transfers,
    eventsPerSecond: Math.round(events / seconds),
    transfersPerSecond: Math.round(transfers / seconds),
  };
}

/** Ponder's side: `ponder start` over a cold store and no RPC cache, to /ready and every transfer; then its rows. */
export async function runPonder(
  project: string,
  chain: TestChain,
  store: Store,
  databaseUrl: string,
  expectedTransfers: number,
): Promise<{ run: Run; rows: Rows }> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), "consortia-bench-ponder-db-"));
  const schema = `bench_ponder_${Date.now()}`;
  if (store === "postgres") await dropSchemas(databaseUrl, ["ponder_sync"]);
  // Ponder's build cache and generated files from an earlier run of this project.
  for (const entry of await readdir(project)) if (entry === ".ponder") await rm(join(project, entry), { recursive: true });
  const token = chain.deployments.contracts.DepositToken;
  const env: Record<string, string> = {
    PONDER_RPC_URL: chain.url,
    PONDER_CHAIN_ID: String(chain.deployments.chainId),
    PONDER_TOKEN_ADDRESS: token.address,
    PONDER_START_BLOCK: String(token.block),
    PONDER_PGLITE_DIR: dataDir,
    PONDER_TELEMETRY_DISABLED: "true",
    PONDER_LOG_LEVEL: "warn",
    DATABASE_URL: "",
    ...(store === "postgres" ? { PONDER_DATABASE_URL: databaseUrl } : {}),
  };
  const started = process.hrtime.bigint();
  const child = execa(
    process.execPath,
    [join(project, "node_modules/ponder/dist/esm/bin/ponder.js"), "start", "--schema", schema, "-p", String(port)],
    { cwd: project, env, extendEnv: true, stdio: ["ignore", "ignore", "inherit"] },
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${base}/ready`, child, started, async (r) => {
      await r.arrayBuffer();
      return r.status === 200;
    });
    const seconds = await waitFor(`${base}/bench/count`, child, started, async (r) => {
      if (r.status !== 200) return false;
      return ((await r.json()) as { transfers: number }).transfers >= expectedTransfers;
    });
    const dump = (await (await fetch(`${base}/bench/dump`)).json()) as {
      transfers: Record<string, string | number>[];
      balances: Record<string, string>[];
    };
    const rows = toRows(
      dump.transfers.map((t) =>
        [t.blockNumber, t.logIndex, t.token, t.fromAddress, t.toAddress, t.amount, t.txHash].join("|"),
      ),
      dump.balances.map((b) => [b.token, b.account, b.balance].join("|")),
    );
    return { run: metrics("ponder", store, seconds, rows.transfers.length, rows.transfers.length), rows };
  } finally {
    await stopProcess(child);
    await rm(dataDir, { recursive: true, force: true });
    if (store === "postgres") await dropSchemas(databaseUrl, [schema, "ponder_sync"]);
  }
}

async function dropSchemas(databaseUrl: string, schemas: string[]): Promise<void> {
  const db = await openDatabase({ databaseUrl });
  try {
    for (const schema of schemas) await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await db.close();
  }
}

/** The first difference between both sides' rows, or undefined when they are equal row for row. */
export function compareRows(ours: Rows, ponder: Rows): string | undefined {
  for (const table of ["transfers", "balances"] as const) {
    const [a, b] = [ours[table], ponder[table]];
    if (a.length !== b.length) return `${table}: ours has ${a.length} rows, Ponder ${b.length}`;
    const i = a.findIndex((row, n) => row !== b[n]);
    if (i >= 0) return `${table}: row ${i} differs: ours ${a[i]}, Ponder ${b[i]}`;
  }
  return undefined;
}
