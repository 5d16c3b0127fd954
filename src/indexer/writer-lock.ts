/**
 * The writer lock (high availability on PostgreSQL): of the indexer processes sharing one database schema, only the
 * one holding this session-level advisory lock writes; the others are standbys that serve the API and try again. The
 * lock lives on a dedicated connection held for the writer's whole term: PostgreSQL releases it the moment that
 * session ends (process killed, connection dropped, backend terminated), which is what lets a standby take over.
 *
 * Losing that connection means another process may already hold the lock, so the writer must stop before its next
 * write. Two guards: the connection's `error`/`end` events and a heartbeat end the term (`lost`), and every write
 * transaction runs `fence`, which asks pg_locks whether our lock session still holds the lock, after the transaction
 * has locked the checkpoint row. A new writer reads the checkpoint row FOR UPDATE once it holds the lock, so a stale
 * writer's transaction either commits before that read (the new writer resumes after it) or finds its lock gone.
 */
import { createHash } from "node:crypto";
import pg from "pg";
import type { Queryable } from "./db.js";

/**
 * First key of the two-integer advisory lock ("CnsW" in ASCII, to recognise it in pg_locks). The two-integer form
 * (objsubid 2 in pg_locks) never collides with the one-bigint form the migrations lock (src/indexer/schema.ts).
 */
export const WRITER_LOCK_CLASS = 0x436e7357;

/**
 * Second key: derived from the schema, because a schema holds one index (one chain's projections). Two consortia on
 * one database use two schemas, so their writers do not block each other; two processes on the same schema always
 * contend. Advisory locks are per database already, so the database name need not be part of the key. Two schemas
 * whose 31-bit hashes collide (about one pair in 2^31) would share one lock: one of their writers would wait, but
 * never would two processes write one schema.
 */
export function writerLockKey(schema: string): number {
  return createHash("sha256").update(`consortia-indexer-writer:${schema}`).digest().readUInt32BE(0) & 0x7fffffff;
}

export class LostWriterLockError extends Error {
  constructor(reason: string) {
    super(`writer lock lost (${reason}): another indexer may be writing; this one stops writing`);
  }
}

export interface WriterLock {
  /** Backend pid of the session holding the lock (pg_locks.pid). */
  readonly pid: number;
  /** Resolves with the reason once the lock may no longer be ours; never rejects. */
  readonly lost: Promise<string>;
  /** Throws LostWriterLockError unless our session still holds the lock; run inside each write transaction. */
  fence(tx: Queryable): Promise<void>;
  /** Unlocks (by closing the session) and stops the heartbeat. */
  release(): Promise<void>;
}

export interface WriterLockOptions {
  databaseUrl: string;
  schema: string;
  /** How often the lock session is checked (a query on it); a check unanswered in twice that (at least 2 s) loses. */
  heartbeatMs: number;
}

const FENCE_SQL = `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = $3 AND objsubid = 2
  AND classid = $1::int8::oid AND objid = $2::int8::oid
  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

/** Whether session `pid` holds the writer lock of `schema` now (what `fence` asks, in the caller's transaction). */
export async function holdsWriterLock(db: Queryable, schema: string, pid: number): Promise<boolean> {
  return (await db.query(FENCE_SQL, [WRITER_LOCK_CLASS, writerLockKey(schema), pid])).length > 0;
}

/**
 * Tries once to take the writer lock of `schema`: the lock, or undefined when another session holds it. The session
 * asks the server to probe the client every few seconds (TCP keepalives), so that a writer cut off by the network
 * frees the lock in about 11 s rather than the system default of hours.
 */
export async function tryWriterLock(options: WriterLockOptions): Promise<WriterLock | undefined> {
  const timeoutMs = Math.max(2_000, 2 * options.heartbeatMs);
  const client = new pg.Client({
    connectionString: options.databaseUrl,
    keepAlive: true,
    query_timeout: timeoutMs,
    connectionTimeoutMillis: timeoutMs,
    options: "-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3",
    application_name: "consortia-indexer-writer-lock",
  });
  let markLost: (reason: string) => void = () => undefined;
  const lost = new Promise<string>((resolve) => (markLost = resolve));
  let done = false;
  let heartbeat: NodeJS.Timeout | undefined;
  let ended: Promise<void> = Promise.resolve();
  const lose = (reason: string) => {
    if (done) return;
    done = true;
    clearInterval(heartbeat);
    markLost(reason);
    ended = client.end().catch(() => undefined);
  };
  client.on("error", (error) => lose(`lock connection error: ${error.message}`));
  client.on("end", () => lose("lock connection closed"));
  await client.connect();
  const key = writerLockKey(options.schema);
  let pid: number;
  try {
    const [row] = (
      await client.query<{ locked: boolean; pid: number }>(
        `SELECT pg_try_advisory_lock($1, $2) AS locked, pg_backend_pid() AS pid`,
        [WRITER_LOCK_CLASS, key],
      )
    ).rows;
    if (!row.locked) {
      done = true;
      await client.end();
      return undefined;
    }
    pid = row.pid;
  } catch (error) {
    done = true;
    await client.end().catch(() => undefined);
    throw error;
  }
  heartbeat = setInterval(() => {
    client.query("SELECT 1").catch((error: Error) => lose(`lock connection check failed: ${error.message}`));
  }, options.heartbeatMs);
  heartbeat.unref();
  return {
    pid,
    lost,
    async fence(tx) {
      if (done) throw new LostWriterLockError(await lost);
      if (!(await holdsWriterLock(tx, options.schema, pid))) {
        lose(`session ${pid} no longer holds it`);
        throw new LostWriterLockError(await lost);
      }
    },
    async release() {
      lose("released");
      await ended;
    },
  };
}
