import { createHash } from "node:crypto";
import type { Database, Queryable } from "./db.js";
import type { Migration, TableSpec } from "./projection.js";

/** The indexer's own tables: checkpoint, recent block hashes, the append-only log of every decoded event. */
export const CORE_MIGRATIONS: readonly Migration[] = [
  {
    id: "core/001_indexer",
    sql: `
CREATE TABLE indexer_state (
  chain_id integer PRIMARY KEY,
  block_number bigint NOT NULL,
  block_hash text,
  head_block bigint,
  head_seen_ms bigint,
  deployment_block bigint NOT NULL
);
CREATE TABLE indexed_blocks (
  chain_id integer NOT NULL,
  block_number bigint NOT NULL,
  block_hash text NOT NULL,
  PRIMARY KEY (chain_id, block_number)
);
CREATE TABLE events (
  chain_id integer NOT NULL,
  block_number bigint NOT NULL,
  log_index integer NOT NULL,
  block_hash text NOT NULL,
  tx_hash text NOT NULL,
  tx_index integer NOT NULL,
  address text NOT NULL,
  contract text NOT NULL,
  event text NOT NULL,
  args jsonb NOT NULL,
  PRIMARY KEY (chain_id, block_number, log_index)
);
CREATE INDEX events_contract_event ON events (contract, event, block_number, log_index);
CREATE INDEX events_tx ON events (tx_hash);
`,
  },
  {
    // Coverage proof and halting (docs/indexer-coverage.md): every kept block's time, why indexing halted, how often
    // the node was found behind; each event's block time (null for events indexed before this migration).
    id: "core/002_coverage",
    sql: `
ALTER TABLE indexer_state ADD COLUMN halted text;
ALTER TABLE indexer_state ADD COLUMN node_behind_total bigint NOT NULL DEFAULT 0;
ALTER TABLE indexed_blocks ADD COLUMN block_time bigint;
ALTER TABLE events ADD COLUMN block_time bigint;
`,
  },
  {
    // Several RPC URLs (src/indexer/nodes.ts): each node's head and health, and the failovers, for /status and
    // /metrics of an API in another process.
    id: "core/003_rpc_nodes",
    sql: `
ALTER TABLE indexer_state ADD COLUMN rpc_nodes jsonb;
ALTER TABLE indexer_state ADD COLUMN failovers_total bigint NOT NULL DEFAULT 0;
`,
  },
  {
    // Chain time on every record: the time of each block that holds an indexed event (every source the API shows
    // points to one; a block without events changes no state, so these also map a date to the state at that date),
    // and the checkpoint block's time (the chain's "now" for `at` defaults). One chain per database, as projections.
    id: "core/004_block_times",
    sql: `
CREATE TABLE block_times (
  block_number bigint PRIMARY KEY,
  block_time bigint NOT NULL
);
CREATE INDEX block_times_time ON block_times (block_time, block_number);
INSERT INTO block_times (block_number, block_time)
  SELECT block_number, min(block_time) FROM events WHERE block_time IS NOT NULL GROUP BY block_number;
ALTER TABLE indexer_state ADD COLUMN block_time bigint;
UPDATE indexer_state s SET block_time = b.block_time
  FROM indexed_blocks b WHERE b.chain_id = s.chain_id AND b.block_number = s.block_number;
`,
  },
  {
    // The last `consortia index verify` (src/indexer/verify.ts), for /status.
    id: "core/005_verification",
    sql: `ALTER TABLE indexer_state ADD COLUMN verification jsonb;`,
  },
];

/** Tables the digest covers besides the projections' (the state row is left out: it holds the head). */
export const CORE_TABLES = ["events", "block_times"] as const;

const LOCK_KEY = 7_305_219;

/**
 * Applies pending migrations in order, each with its bookkeeping row. A start on an up-to-date store costs one read
 * (the applied ids) and no lock: nothing to apply. Pending ones are applied under the migrations lock, all in one
 * transaction (each with its row, in order: a failing one rolls them all back), after reading the applied ids again
 * under the lock (another process may have applied them meanwhile).
 */
/** What identifies a list of migrations (ids and SQL, in order): the key of a PGlite store they left (DatabaseOptions). */
export function migrationsKey(migrations: readonly Migration[]): string {
  const hash = createHash("sha256");
  for (const m of migrations) hash.update(`${m.id}\0${m.sql}\0`);
  return hash.digest("hex").slice(0, 16);
}

export async function migrate(db: Database, migrations: readonly Migration[]): Promise<string[]> {
  const appliedIds = async (q: Queryable): Promise<Set<string>> =>
    new Set((await q.query<{ id: string }>(`SELECT id FROM schema_migrations`)).map((r) => r.id));
  const exists = await db.query(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`);
  if (exists[0]?.present === true) {
    const done = await appliedIds(db);
    if (migrations.every((m) => done.has(m.id))) return [];
  }
  // Under the lock: processes starting at once on a new schema would race on IF NOT EXISTS (the catalog's unique index).
  const applied = await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock($1)`, [LOCK_KEY]);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = await appliedIds(tx);
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.id)) continue;
      // One round trip per migration where the driver can (tens of statements each: on a new store, round trips
      // were most of the start); else statement by statement.
      if (tx.exec !== undefined) await tx.exec(migration.sql);
      else for (const statement of splitStatements(migration.sql)) await tx.query(statement);
      await tx.query(`INSERT INTO schema_migrations (id) VALUES ($1)`, [migration.id]);
      applied.push(migration.id);
    }
    return applied;
  });
  // A new PGlite store, now exactly what these migrations make of an empty one: the next new store starts from it.
  if (applied.length === migrations.length) await db.saveSchemaTemplate?.(migrationsKey(migrations));
  return applied;
}

/** Splits a migration on semicolons at line ends (migrations hold no procedural code). */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** md5 of each table's rows in a canonical order: equal digests mean equal contents, whichever store. */
export async function tableDigests(
  db: Queryable,
  tables: readonly (TableSpec | string)[],
): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const table of tables) {
    const name = typeof table === "string" ? table : table.name;
    const rows = await db.query<{ digest: string | null; n: number }>(
      `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest, count(*)::bigint AS n FROM ${name} t`,
    );
    digests[name] = `${rows[0].n}:${rows[0].digest ?? ""}`;
  }
  return digests;
}
