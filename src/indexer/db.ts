import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

/** A row as the database returns it: bigint columns as numbers, numeric as decimal strings, jsonb parsed. */
export type Row = Record<string, unknown>;

/** The SQL surface the indexer and the API use. PGlite and PostgreSQL implement it with the same SQL. */
export interface Queryable {
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /**
   * Runs several statements separated by semicolons, without parameters, in one round trip (the simple query
   * protocol): what migrations use. Absent: run them one by one with `query`.
   */
  exec?(sql: string): Promise<void>;
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
 * cache directory (`$XDG_CACHE_HOME/consortia` or `~/.cache/consortia`; PGLITE_TEMPLATE_CACHE=off: none).
 */
function templatePath(name: string): string | undefined {
  if (process.env.PGLITE_TEMPLATE_CACHE === "off") return undefined;
  let dir = dirname(fileURLToPath(import.meta.resolve("@electric-sql/pglite")));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  const { version } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string };
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(cache, "consortia", `pglite-${version}-${name}.tar`);
}

/** Writes a dump whole under another name, then renames it into place: a reader never sees half a template. */
async function saveTemplate(db: PGlite, path: string): Promise<void> {
  try {
    const dump = Buffer.from(await (await db.dumpDataDir("none")).arrayBuffer());
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, dump, { mode: 0o600 });
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
  if (dataDir !== undefined && template === undefined && isNewDataDir(dataDir)) {
    const migrated = schemaKey === undefined ? undefined : templatePath(`schema-${schemaKey}`);
    const path = templatePath("initdb");
    if (migrated !== undefined && existsSync(migrated)) template = new Blob([readFileSync(migrated)]);
    else {
      schemaTemplate = migrated;
      if (path !== undefined && existsSync(path)) template = new Blob([readFileSync(path)]);
      else initdbTemplate = path;
    }
  }
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir, {
    parsers: { [INT8]: parseInt8, [NUMERIC]: (v: string) => v },
    ...(template === undefined ? {} : { loadDataDir: template }),
  });
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
  return {
    kind: "postgres",
    async query<R extends Row>(sql: string, params: readonly unknown[] = []) {
      return (await pool.query(sql, params.map(toParam) as unknown[])).rows as R[];
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
