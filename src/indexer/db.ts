import { createHash, randomUUID } from "node:crypto";
import {
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

/** A row as the database returns it: bigint columns as numbers, numeric as decimal strings, jsonb parsed. */
export type Row = Record<string, unknown>;

/** The SQL surface the indexer and the API use. PGlite and PostgreSQL implement it with the same SQL. */
export interface Queryable {
  query<R extends Row = Row>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<R[]>;
  /**
   * Runs several statements separated by semicolons, without parameters, in one round trip (the simple query
   * protocol): what migrations use. Absent: run them one by one with `query`.
   */
  exec?(sql: string): Promise<void>;
}

export interface QueryOptions {
  /**
   * PostgreSQL: run the statement as a named prepared statement, planned once per connection and its plan reused
   * (a statement without parameters always reuses it; with parameters PostgreSQL switches to the generic plan once it
   * is no costlier than the custom ones). For a read whose planning costs far more than its execution (a union of
   * joins over small tables). Give it only statements whose text takes few shapes (values as parameters, not in the
   * text): each distinct text is kept on every pooled connection, and beyond `MAX_PREPARED` texts in a process the
   * rest run unnamed. Name the result columns (no `*` over a table a migration may widen: PostgreSQL refuses to run
   * a kept plan whose result type changed; such a refusal, or a statement gone from the connection, discards that
   * connection and runs the query once more unnamed). Inside a transaction, and on PGlite, it is ignored.
   */
  prepare?: boolean;
}

/** Distinct texts a process runs as named prepared statements (each kept on every pooled connection). */
export const MAX_PREPARED = 256;

/** SQLSTATEs on which a prepared query is run again unnamed, on another connection (see `openPostgres`). */
const STALE_PLAN = "0A000";
const NO_PREPARED_STATEMENT = "26000";

/** The name a text is prepared under: `c_` and 16 hex digits of its SHA-256 (the same in every process). */
export function preparedStatementName(sql: string): string {
  return `c_${createHash("sha256").update(sql).digest("hex").slice(0, 16)}`;
}

export interface Database extends Queryable {
  readonly kind: "pglite" | "postgres";
  /** Runs `fn` in one transaction: all of its writes commit together or not at all. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * PGlite opened as a new store with a `schemaKey`: dumps the store as the migrated template of that key (see
   * templatePath), once, if `key` is the one it was opened with. Called by `migrate` right after it applied every
   * migration to the new store, before anything else is written.
   */
  saveSchemaTemplate?(key: string): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; PGlite when absent. */
  databaseUrl?: string | undefined;
  /** PostgreSQL schema to use (created if missing); `public` by default. */
  schema?: string | undefined;
  /** PGlite data directory; in memory when absent. */
  dataDir?: string | undefined;
  /** PGlite only: a data directory dumped with `dumpDataDir()` to start from (skips initdb; tests use it). */
  pgliteTemplate?: Blob | undefined;
  /**
   * PGlite only: the key of the migrations this store will be given (`migrationsKey` in src/indexer/schema.ts). A new
   * data directory then starts from the cached store those migrations left (no initdb, no migration to apply), and
   * when there is none yet, `migrate` caches it.
   */
  schemaKey?: string | undefined;
}

const INT8 = 20;
/** Advisory lock key around schema creation (one-bigint form, as the migrations' in src/indexer/schema.ts). */
const SCHEMA_LOCK_KEY = 7_305_218;
const NUMERIC = 1700;

/** int8 holds block numbers, log indexes, member ids, dates: all far below 2^53. Amounts are numeric (strings). */
function parseInt8(value: string): number {
  return Number(value);
}

/** Converts JS values to SQL parameters the same way for both drivers (bigint → decimal string). */
function toParam(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(toParam);
  return value;
}

export class InvalidSchemaNameError extends Error {
  constructor(schema: string) {
    super(`invalid schema name "${schema}": use letters, digits and underscores`);
  }
}

/** Opens PostgreSQL when `databaseUrl` is set, otherwise PGlite (persisted in `dataDir`, or in memory). */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl !== undefined && options.databaseUrl !== "")
    return openPostgres(options.databaseUrl, options.schema);
  return openPglite(options.dataDir, options.pgliteTemplate, options.schemaKey);
}

/**
 * Where a new PGlite data directory is copied from instead of running initdb (seconds of WebAssembly, the larger
 * part of a new store's start): an empty cluster as initdb leaves it, dumped once per PGlite version into the user's
 * cache directory (`$XDG_CACHE_HOME/consortia` or `~/.cache/consortia`; PGLITE_TEMPLATE_CACHE=off: none). Each file
 * is the dump followed by its SHA-256, checked when loaded. A cache directory that another user owns, or that its
 * group or others may write, is not used (a planted template could seed privileged members): a warning, no cache.
 */
function templatePath(name: string): string | undefined {
  if (process.env.PGLITE_TEMPLATE_CACHE === "off") return undefined;
  const dir = cacheDir();
  if (dir === undefined) return undefined;
  return join(dir, `pglite-${pgliteVersion()}-${name}.sha256.tar`);
}

function pgliteVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.resolve("@electric-sql/pglite")));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
}

const warned = new Set<string>();
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.emitWarning(message, "ConsortiaWarning");
}

/** The template cache directory (created 0700 if missing), or undefined when it is not safe to use or to create. */
function cacheDir(): string | undefined {
  const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "consortia");
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    const uid = process.getuid?.();
    if (!stat.isDirectory()) throw new Error("not a directory");
    if (uid !== undefined && stat.uid !== uid) throw new Error(`owned by uid ${stat.uid}, not ${uid}`);
    if ((stat.mode & 0o022) !== 0)
      throw new Error(`writable by group or others (mode ${(stat.mode & 0o777).toString(8)})`);
    return dir;
  } catch (error) {
    warnOnce(`PGlite template cache ${dir} not used: ${(error as Error).message}`);
    return undefined;
  }
}

const DIGEST = 32;
const STALE_PARTIAL_MS = 3_600_000;

/**
 * A cached template, checked: undefined when absent; when its checksum does not match (a truncated or damaged file),
 * or another user owns it, it is deleted and undefined.
 */
function loadTemplate(path: string | undefined): Blob | undefined {
  if (path === undefined || !existsSync(path)) return undefined;
  try {
    const uid = process.getuid?.();
    if (uid !== undefined && statSync(path).uid !== uid) throw new Error("owned by another user");
    const file = readFileSync(path);
    const dump = file.subarray(0, file.length - DIGEST);
    if (file.length <= DIGEST || !createHash("sha256").update(dump).digest().equals(file.subarray(dump.length)))
      throw new Error("checksum mismatch");
    return new Blob([dump]);
  } catch (error) {
    warnOnce(`PGlite template ${path} discarded: ${(error as Error).message}`);
    discardTemplate(path);
    return undefined;
  }
}

function discardTemplate(path: string): void {
  rmSync(path, { force: true });
}

/**
 * Writes a dump and its checksum whole under a name of its own (flag wx), flushed to disk, then renames it into
 * place: a reader never sees half a template. Partial files a crashed writer left over an hour ago are removed.
 */
async function saveTemplate(db: PGlite, path: string): Promise<void> {
  try {
    const dump = Buffer.from(await (await db.dumpDataDir("none")).arrayBuffer());
    const dir = dirname(path);
    const now = Date.now();
    for (const name of readdirSync(dir)) {
      if (!name.endsWith(".partial")) continue;
      const stale = join(dir, name);
      try {
        if (now - statSync(stale).mtimeMs > STALE_PARTIAL_MS) unlinkSync(stale);
      } catch {
        // Removed by another process meanwhile.
      }
    }
    const partial = `${path}.${randomUUID()}.partial`;
    const fd = openSync(partial, "wx", 0o600);
    try {
      writeSync(fd, dump);
      writeSync(fd, createHash("sha256").update(dump).digest());
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(partial, path);
  } catch {
    // No cache directory to write to: the next new store starts without this template.
  }
}

/** A directory PGlite has not initialised yet (absent or empty). */
function isNewDataDir(dataDir: string): boolean {
  return !existsSync(dataDir) || readdirSync(dataDir).length === 0;
}

async function openPglite(
  dataDir: string | undefined,
  given: Blob | undefined,
  schemaKey: string | undefined,
): Promise<Database & { pglite: PGlite }> {
  let template = given;
  let initdbTemplate: string | undefined;
  /** Where `saveSchemaTemplate` dumps this new store once migrated (no template of its migrations yet). */
  let schemaTemplate: string | undefined;
  /** The cached template `template` was loaded from: discarded, and the store made anew, if PGlite cannot open it. */
  let cached: string | undefined;
  let migrated: string | undefined;
  let path: string | undefined;
  if (dataDir !== undefined && template === undefined && isNewDataDir(dataDir)) {
    migrated = schemaKey === undefined ? undefined : templatePath(`schema-${schemaKey}`);
    path = templatePath("initdb");
    template = loadTemplate(migrated);
    if (template !== undefined) cached = migrated;
    else {
      schemaTemplate = migrated;
      template = loadTemplate(path);
      if (template !== undefined) cached = path;
      else initdbTemplate = path;
    }
  }
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const create = (from: Blob | undefined) =>
    PGlite.create(dataDir, {
      parsers: { [INT8]: parseInt8, [NUMERIC]: (v: string) => v },
      ...(from === undefined ? {} : { loadDataDir: from }),
    });
  let db: PGlite;
  try {
    db = await create(template);
  } catch (error) {
    if (cached === undefined || dataDir === undefined) throw error;
    // A cached template PGlite cannot load: drop it, empty the new store and make it with initdb (and migrations).
    warnOnce(`PGlite template ${cached} discarded: ${(error as Error).message}`);
    discardTemplate(cached);
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    schemaTemplate = migrated;
    initdbTemplate = path;
    db = await create(undefined);
  }
  // Right after initdb, before anything is written.
  if (initdbTemplate !== undefined) await saveTemplate(db, initdbTemplate);
  return {
    kind: "pglite",
    pglite: db,
    async saveSchemaTemplate(key: string) {
      if (schemaTemplate === undefined || key !== schemaKey) return;
      const path = schemaTemplate;
      schemaTemplate = undefined;
      await saveTemplate(db, path);
    },
    async query<R extends Row>(sql: string, params: readonly unknown[] = []) {
      return (await db.query<R>(sql, params.map(toParam))).rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      return db.transaction(async (tx) =>
        fn({
          async query<R extends Row>(sql: string, params: readonly unknown[] = []) {
            return (await tx.query<R>(sql, params.map(toParam))).rows;
          },
          async exec(sql: string) {
            await tx.exec(sql);
          },
        }),
      );
    },
    async close() {
      await db.close();
    },
  };
}

async function openPostgres(databaseUrl: string, schema = "public"): Promise<Database> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) throw new InvalidSchemaNameError(schema);
  const types = {
    getTypeParser(oid: number, format?: "text" | "binary") {
      if (oid === INT8) return parseInt8;
      if (oid === NUMERIC) return (v: string) => v;
      return pg.types.getTypeParser(oid, format);
    },
  };
  const bootstrap = new pg.Client({ connectionString: databaseUrl });
  await bootstrap.connect();
  try {
    // Serialized: two processes starting at once (a writer and a standby) would both try to create it, and
    // IF NOT EXISTS does not stop the second from failing on the catalog's unique index.
    await bootstrap.query("BEGIN");
    await bootstrap.query(`SELECT pg_advisory_xact_lock($1)`, [SCHEMA_LOCK_KEY]);
    await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await bootstrap.query("COMMIT");
  } finally {
    await bootstrap.end();
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 8, types, options: `-c search_path="${schema}"` });
  // An idle connection ended by the server (restart, failover, pg_terminate_backend) is reported here; without a
  // listener the process would crash. The pool drops it and the next query opens a new one (or fails and is retried).
  pool.on("error", () => undefined);
  // Names of the texts run as prepared statements (QueryOptions.prepare): a hash of the text, so that a name always
  // means one text, whichever process prepared it on a connection (a transaction-pooling PgBouncer hands one server
  // connection to several processes; a counter per process would map one name to different texts there).
  const prepared = new Map<string, string>();
  const statementName = (sql: string): string | undefined => {
    let name = prepared.get(sql);
    if (name === undefined && prepared.size < MAX_PREPARED) {
      name = preparedStatementName(sql);
      prepared.set(sql, name);
    }
    return name;
  };
  return {
    kind: "postgres",
    async query<R extends Row>(sql: string, params: readonly unknown[] = [], options: QueryOptions = {}) {
      const values = params.map(toParam) as unknown[];
      const name = options.prepare === true ? statementName(sql) : undefined;
      if (name === undefined) return (await pool.query(sql, values)).rows as R[];
      const client = await pool.connect();
      // As in `transaction`: an error the server sends while the connection is checked out is kept, not thrown.
      let broken: Error | undefined;
      const onError = (error: Error) => (broken = error);
      client.on("error", onError);
      try {
        return (await client.query({ name, text: sql, values })).rows as R[];
      } catch (error) {
        // The statement this connection keeps cannot run (its plan's result type changed under a migration: 0A000,
        // "cached plan must not change result type") or is gone (a pooler moved us to another server connection:
        // 26000). The connection is discarded with what it keeps, and the query runs once more, unnamed.
        const code = (error as { code?: unknown }).code;
        if (code !== STALE_PLAN && code !== NO_PREPARED_STATEMENT) throw error;
        broken ??= error as Error;
      } finally {
        client.off("error", onError);
        client.release(broken);
      }
      return (await pool.query(sql, values)).rows as R[];
    },
    async exec(sql: string) {
      await pool.query(sql); // no parameters: the simple query protocol, several statements at once
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect();
      // A connection the server ends while it is checked out emits "error" besides failing its query, and the pool
      // listens only on idle ones: without this the process would crash. The caller sees the query's error; the
      // broken connection is discarded on release.
      let broken: Error | undefined;
      const onError = (error: Error) => (broken = error);
      client.on("error", onError);
      try {
        await client.query("BEGIN");
        const result = await fn({
          async query<R extends Row>(sql: string, params: readonly unknown[] = []) {
            return (await client.query(sql, params.map(toParam) as unknown[])).rows as R[];
          },
          async exec(sql: string) {
            await client.query(sql);
          },
        });
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.off("error", onError);
        client.release(broken);
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/** Told when a transaction of `observeTransactions` starts and when it ended (committed, or rolled back). */
export interface TransactionObserver {
  beginWrite(): void;
  endWrite(): void;
}

/**
 * Reports every transaction run through `db` from now on to `observer` (the API's standing cache, src/api/auth.ts):
 * `beginWrite` before it starts, `endWrite` after it committed or failed. The indexer writes the index only in
 * transactions, so an observer hears of every write of this process.
 */
export function observeTransactions(db: Database, observer: TransactionObserver): void {
  const transaction = db.transaction.bind(db);
  db.transaction = async <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> => {
    observer.beginWrite();
    try {
      return await transaction(fn);
    } finally {
      observer.endWrite();
    }
  };
}
