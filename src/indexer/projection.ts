import type { Abi, AbiEvent } from "viem";
import type { Queryable, Row } from "./db.js";

/** SQL column types a projection table may use. Amounts are `numeric` (exact uint256), ids and dates `bigint`. */
export type ColumnType = "text" | "integer" | "bigint" | "numeric" | "boolean" | "jsonb";

/**
 * A table whose rows are versioned by block: a change closes the current version (`valid_to_block` = the block of
 * the change) and inserts a new one (`valid_from_block` = that block, `valid_to_block` NULL). Current state is
 * `valid_to_block IS NULL`; the state as of block N is `valid_from_block <= N AND (valid_to_block IS NULL OR
 * valid_to_block > N)`. A reorg deletes versions born after the common ancestor and reopens those closed after it.
 * Added columns: valid_from_block, valid_to_block, tx_hash, log_index (the event of the last change).
 */
export interface VersionedTable {
  kind: "versioned";
  name: string;
  /** Columns that identify an entity (for example `["member_id"]`). */
  key: readonly string[];
  /** Every column but the added ones, keys included. */
  columns: Readonly<Record<string, ColumnType>>;
  /** Extra indexes on current rows, e.g. `[["status"], ["holder", "amount"]]`. */
  indexes?: readonly (readonly string[])[];
}

/**
 * A table of facts that never change (a transfer, a vote). Added columns: block_number, log_index, seq (several rows
 * of one event), tx_hash. A reorg deletes the rows of the rolled-back blocks.
 */
export interface AppendTable {
  kind: "append";
  name: string;
  columns: Readonly<Record<string, ColumnType>>;
  indexes?: readonly (readonly string[])[];
}

export type TableSpec = VersionedTable | AppendTable;

/** One schema change; `id` is unique across projections (prefix it with the projection's name). */
export interface Migration {
  id: string;
  sql: string;
}

/** A decoded log, as handlers see it. */
export interface IndexedEvent {
  chainId: number;
  blockNumber: number;
  blockHash: string;
  /** The block's timestamp (unix seconds), from the header fetched for the coverage proof. */
  blockTime?: number | undefined;
  txHash: string;
  txIndex: number;
  logIndex: number;
  /** Lower-case address of the emitting contract. */
  address: string;
  /** Contract name as in the deployments file. */
  contract: string;
  /** Event name. */
  event: string;
  /** Decoded arguments by name: integers as bigint, addresses lower-case, bytes as hex. */
  args: Record<string, unknown>;
}

/**
 * The write side handlers get. Writes are buffered and flushed in bulk with the checkpoint, in one transaction.
 * `get` sees this batch's own earlier writes.
 */
export interface ProjectionStore {
  /** The current row of an entity of a versioned table, or undefined. */
  get<R extends Row = Row>(table: string, key: Row): Promise<R | undefined>;
  /** Sets the full current state of an entity (all columns) as of the event being handled. */
  put(table: string, row: Row): void;
  /** Ends an entity's current version (the entity no longer exists from this block on). */
  remove(table: string, key: Row): void;
  /** Appends a fact to an append table. */
  append(table: string, row: Row): void;
}

export type EventHandler = (event: IndexedEvent, store: ProjectionStore) => void | Promise<void>;

/**
 * What an application contributes to the indexer: the contracts it reads (by deployments name, with their ABI), its
 * tables and migrations, and a handler per event. Put one in `src/indexer/projections/<app>.ts` as the default
 * export (`export default defineProjection({...})`); the indexer discovers it.
 */
export interface Projection {
  /** Unique name, usually the application's (`platform`, `receivables`, ...). */
  name: string;
  /** Deployments-file contract names this projection reads, with the ABI that decodes their events. */
  contracts: Readonly<Record<string, Abi | readonly unknown[]>>;
  tables: readonly TableSpec[];
  /** Applied in order, once each, in the same transaction as their `schema_migrations` row. */
  migrations: readonly Migration[];
  /** `handlers[contractName][eventName]`; events without a handler are still stored in `events`. */
  handlers: Readonly<Record<string, Readonly<Record<string, EventHandler>>>>;
  /**
   * Handlers by event name for an event that every indexed contract may emit, whichever projection reads it (the
   * proxies' ERC-1967 `Upgraded`): run after the contract's own handler, if any. One projection per event name.
   */
  everyContract?: Readonly<Record<string, EventHandler>>;
}

export function defineProjection(projection: Projection): Projection {
  return projection;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`invalid SQL identifier "${name}"`);
  return name;
}

/** The columns the indexer adds to a table, after the projection's own. */
export function systemColumns(table: TableSpec): Record<string, ColumnType> {
  return table.kind === "versioned"
    ? { valid_from_block: "bigint", valid_to_block: "bigint", tx_hash: "text", log_index: "integer" }
    : { block_number: "bigint", log_index: "integer", seq: "integer", tx_hash: "text" };
}

/** CREATE TABLE and index statements for a table spec: the usual first migration of a projection. */
export function createTableSql(table: TableSpec): string {
  const name = ident(table.name);
  const own = Object.entries(table.columns).map(([column, type]) => `${ident(column)} ${type}`);
  const statements: string[] = [];
  if (table.kind === "versioned") {
    const key = table.key.map(ident).join(", ");
    statements.push(
      `CREATE TABLE ${name} (${[...own, "valid_from_block bigint NOT NULL", "valid_to_block bigint", "tx_hash text NOT NULL", "log_index integer NOT NULL", `PRIMARY KEY (${key}, valid_from_block)`].join(", ")})`,
      `CREATE UNIQUE INDEX ${name}_current ON ${name} (${key}) WHERE valid_to_block IS NULL`,
      `CREATE INDEX ${name}_valid_to ON ${name} (valid_to_block)`,
      `CREATE INDEX ${name}_valid_from ON ${name} (valid_from_block)`,
    );
    for (const columns of table.indexes ?? []) {
      statements.push(
        `CREATE INDEX ${name}_${columns.map(ident).join("_")} ON ${name} (${columns.join(", ")}) WHERE valid_to_block IS NULL`,
      );
    }
  } else {
    statements.push(
      `CREATE TABLE ${name} (${[...own, "block_number bigint NOT NULL", "log_index integer NOT NULL", "seq integer NOT NULL", "tx_hash text NOT NULL", "PRIMARY KEY (block_number, log_index, seq)"].join(", ")})`,
    );
    for (const columns of table.indexes ?? []) {
      statements.push(
        `CREATE INDEX ${name}_${columns.map(ident).join("_")} ON ${name} (${columns.join(", ")}, block_number, log_index)`,
      );
    }
  }
  return statements.join(";\n");
}

/** SQL cast of a parameter of a column type. */
function cast(type: ColumnType): string {
  return type;
}

/** Converts a handler's value to what the column stores (bigint → decimal string, objects → JSON). */
function toColumn(value: unknown, type: ColumnType): unknown {
  if (value === undefined || value === null) return null;
  if (type === "jsonb") return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number" && (type === "bigint" || type === "numeric" || type === "integer"))
    return String(value);
  return value;
}

const MAX_PARAMS = 30_000;
const UNNEST_CHUNK = 20_000;

/**
 * Inserts rows in chunks with one array parameter per column (`INSERT … SELECT * FROM unnest($1::t[], …)`): a
 * statement with a few parameters parses and plans much faster than multi-row VALUES with thousands.
 */
export async function bulkInsert(
  db: Queryable,
  table: string,
  columns: readonly (readonly [string, ColumnType])[],
  rows: readonly (readonly unknown[])[],
  suffix = "",
): Promise<Row[]> {
  const returned: Row[] = [];
  if (rows.length === 0) return returned;
  const names = columns.map(([c]) => ident(c)).join(", ");
  const arrays = columns.map(([, type], i) => `$${i + 1}::${cast(type)}[]`).join(", ");
  const sql = `INSERT INTO ${ident(table)} (${names}) SELECT * FROM unnest(${arrays}) ${suffix}`;
  for (let start = 0; start < rows.length; start += UNNEST_CHUNK) {
    const chunk = rows.slice(start, start + UNNEST_CHUNK);
    const params = columns.map((_, i) => chunk.map((row) => row[i] ?? null));
    returned.push(...(await db.query(sql, params)));
  }
  return returned;
}

interface EntityVersions {
  key: Row;
  loaded: boolean;
  /** The DB's current row when loaded (undefined: none). */
  base: Row | undefined;
  /** New versions of this batch, ascending by block; `row` undefined means removed. */
  versions: { block: number; row: Row | undefined; txHash: string; logIndex: number }[];
}

/**
 * Buffers a batch's projection writes and flushes them in bulk. One instance per database transaction.
 */
export class BatchStore implements ProjectionStore {
  private readonly tables: Map<string, TableSpec>;
  private readonly entities = new Map<string, Map<string, EntityVersions>>();
  private readonly appends = new Map<string, unknown[][]>();
  private current: IndexedEvent | undefined;
  private seq = 0;

  constructor(
    private readonly db: Queryable,
    tables: readonly TableSpec[],
  ) {
    this.tables = new Map(tables.map((t) => [t.name, t]));
  }

  /** Sets the event the next writes come from. */
  setEvent(event: IndexedEvent): void {
    this.current = event;
    this.seq = 0;
  }

  private spec<K extends TableSpec["kind"]>(table: string, kind: K): Extract<TableSpec, { kind: K }> {
    const spec = this.tables.get(table);
    if (spec === undefined) throw new Error(`unknown projection table "${table}"`);
    if (spec.kind !== kind) throw new Error(`table "${table}" is ${spec.kind}, not ${kind}`);
    return spec as Extract<TableSpec, { kind: K }>;
  }

  private event(): IndexedEvent {
    if (this.current === undefined) throw new Error("no event set");
    return this.current;
  }

  private entity(spec: VersionedTable, key: Row): EntityVersions {
    let byKey = this.entities.get(spec.name);
    if (byKey === undefined) this.entities.set(spec.name, (byKey = new Map()));
    const keyValues = spec.key.map((k) => {
      const v = key[k];
      if (v === undefined || v === null) throw new Error(`${spec.name}: key column ${k} missing`);
      return String(toColumn(v, spec.columns[k]));
    });
    const id = JSON.stringify(keyValues);
    let entity = byKey.get(id);
    if (entity === undefined) {
      entity = {
        key: Object.fromEntries(spec.key.map((k) => [k, key[k]])),
        loaded: false,
        base: undefined,
        versions: [],
      };
      byKey.set(id, entity);
    }
    return entity;
  }

  async get<R extends Row = Row>(table: string, key: Row): Promise<R | undefined> {
    const spec = this.spec(table, "versioned");
    const entity = this.entity(spec, key);
    const last = entity.versions.at(-1);
    if (last !== undefined) return last.row === undefined ? undefined : ({ ...last.row } as R);
    if (!entity.loaded) {
      const where = spec.key.map((k, i) => `${ident(k)} = $${i + 1}::${spec.columns[k]}`).join(" AND ");
      const rows = await this.db.query(
        `SELECT * FROM ${ident(spec.name)} WHERE ${where} AND valid_to_block IS NULL`,
        spec.key.map((k) => toColumn(entity.key[k], spec.columns[k])),
      );
      entity.base = rows[0];
      entity.loaded = true;
    }
    if (entity.base === undefined) return undefined;
    const row: Row = {};
    for (const column of Object.keys(spec.columns)) row[column] = entity.base[column];
    return row as R;
  }

  private write(table: string, key: Row, row: Row | undefined): void {
    const spec = this.spec(table, "versioned");
    const event = this.event();
    const entity = this.entity(spec, key);
    const last = entity.versions.at(-1);
    const version = { block: event.blockNumber, row, txHash: event.txHash, logIndex: event.logIndex };
    if (last !== undefined && last.block === event.blockNumber) entity.versions[entity.versions.length - 1] = version;
    else entity.versions.push(version);
  }

  put(table: string, row: Row): void {
    const spec = this.spec(table, "versioned");
    for (const column of Object.keys(row)) {
      if (!(column in spec.columns)) throw new Error(`${table}: unknown column ${column}`);
    }
    this.write(table, row, { ...row });
  }

  remove(table: string, key: Row): void {
    this.write(table, key, undefined);
  }

  append(table: string, row: Row): void {
    const spec = this.spec(table, "append");
    const event = this.event();
    for (const column of Object.keys(row)) {
      if (!(column in spec.columns)) throw new Error(`${table}: unknown column ${column}`);
    }
    let rows = this.appends.get(table);
    if (rows === undefined) this.appends.set(table, (rows = []));
    rows.push([
      ...Object.entries(spec.columns).map(([c, type]) => toColumn(row[c], type)),
      event.blockNumber,
      event.logIndex,
      this.seq++,
      event.txHash,
    ]);
  }

  /** Writes everything buffered. */
  async flush(): Promise<void> {
    for (const [table, rows] of this.appends) {
      const spec = this.spec(table, "append");
      const columns = Object.entries({ ...spec.columns, ...systemColumns(spec) });
      await bulkInsert(this.db, table, columns, rows, "ON CONFLICT DO NOTHING");
    }
    for (const [table, byKey] of this.entities) {
      const spec = this.spec(table, "versioned");
      const changed = [...byKey.values()].filter((e) => e.versions.length > 0);
      if (changed.length === 0) continue;
      // Close the current versions: one UPDATE joined with the (key, first new block) list.
      const keyCols = spec.key.map((k) => [k, spec.columns[k]] as const);
      const perChunk = Math.max(1, Math.floor(MAX_PARAMS / (keyCols.length + 1)));
      for (let start = 0; start < changed.length; start += perChunk) {
        const chunk = changed.slice(start, start + perChunk);
        const params: unknown[] = [];
        const tuples = chunk.map((e) => {
          const cells = keyCols.map(([k, type]) => {
            params.push(toColumn(e.key[k], type));
            return `$${params.length}::${type}`;
          });
          params.push(e.versions[0].block);
          return `(${cells.join(", ")}, $${params.length}::bigint)`;
        });
        const names = spec.key.map(ident).join(", ");
        const join = spec.key.map((k) => `t.${k} = v.${k}`).join(" AND ");
        await this.db.query(
          `UPDATE ${ident(table)} AS t SET valid_to_block = v.block FROM (VALUES ${tuples.join(", ")}) AS v(${names}, block) WHERE ${join} AND t.valid_to_block IS NULL`,
          params,
        );
      }
      const columns = Object.entries({ ...spec.columns, ...systemColumns(spec) });
      const rows: unknown[][] = [];
      for (const e of changed) {
        e.versions.forEach((v, i) => {
          if (v.row === undefined) return;
          const next = e.versions[i + 1];
          rows.push([
            ...Object.entries(spec.columns).map(([c, type]) => toColumn(v.row?.[c], type)),
            v.block,
            next === undefined ? null : next.block,
            v.txHash,
            v.logIndex,
          ]);
        });
      }
      await bulkInsert(this.db, table, columns, rows);
    }
    this.entities.clear();
    this.appends.clear();
  }
}

/** Undoes every projection write after `ancestor` (the last block both chains share). */
export async function rollbackTables(db: Queryable, tables: readonly TableSpec[], ancestor: number): Promise<void> {
  for (const table of tables) {
    const name = ident(table.name);
    if (table.kind === "versioned") {
      await db.query(`DELETE FROM ${name} WHERE valid_from_block > $1`, [ancestor]);
      await db.query(`UPDATE ${name} SET valid_to_block = NULL WHERE valid_to_block > $1`, [ancestor]);
    } else {
      await db.query(`DELETE FROM ${name} WHERE block_number > $1`, [ancestor]);
    }
  }
}

/** An event's ABI item with the selector it was matched by. */
export interface EventAbi {
  contract: string;
  item: AbiEvent;
}
