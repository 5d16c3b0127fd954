import type { PublicClient } from "viem";
import { z } from "zod";
import type { Deployment } from "@consortia/sdk";
import type { Queryable, Row } from "../indexer/db.js";
import type { NodeStatus } from "../indexer/nodes.js";
import type { TrailCache } from "../indexer/verify/data-sharing.js";
import type { IndexerRole } from "../indexer/service.js";
import type { Access, Viewer } from "./access.js";
import type { IndexCache } from "./cache.js";
import type { CsvTable } from "./csv.js";

/** The indexer's progress as the API sees it (in process, or read from the database). */
export interface ApiStatus {
  chainId: number;
  indexedBlock: number;
  headBlock: number;
  confirmations: number;
  ready: boolean;
  eventsTotal: number;
  eventsPerSecond: number;
  reorgs: number;
  /** Polls at which the node was found below the index (waited, not rolled back). */
  nodeBehind: number;
  /** The indexed block's time (unix seconds): the chain's "now" for `at` defaults; undefined before any block. */
  indexedBlockTime?: number | undefined;
  /** The indexed block's hash (undefined before any block, or where not known): the access trail reads it. */
  indexedBlockHash?: string | undefined;
  /** Each RPC node's head and health, in the configured order. */
  nodes: NodeStatus[];
  /** Times a node answered in place of one that went down. */
  failovers: number;
  /** Why indexing halted (a reorg deeper than the kept hashes), until `consortia index rebuild`. */
  halted?: string | undefined;
  lastError?: string | undefined;
  /** What this process does with the index (src/indexer/service.ts); `writer` when absent. */
  role?: IndexerRole | undefined;
}

export interface RouteContext {
  db: Queryable;
  status(): Promise<ApiStatus>;
  /** The node and deployments the API reads contract views from (see src/api/chain.ts); absent without a node. */
  chain?: ChainReader | undefined;
  /** Who asks, when the answer depends on it (src/api/access.ts); undefined: a caller that reads every row. */
  viewer?: Viewer | undefined;
  /** What access-trail verifications keep between requests (src/indexer/verify/data-sharing.ts). */
  trails?: TrailCache | undefined;
}

/** A node's JSON-RPC client and the suite's deployments on it: what a route needs to compare the index with views. */
export interface ChainReader {
  client: PublicClient;
  deployments: Deployment;
}

/**
 * One GET endpoint. `params` and `query` are zod object schemas: requests are validated with them (400 on failure)
 * and the OpenAPI document is generated from them and from `response`.
 */
export interface ApiRoute<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  /** Fastify path, e.g. `/members/:id`. */
  path: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  /** Who may read it, and which rows (src/api/access.ts). */
  access: Access;
  params?: P;
  query?: Q;
  response: R;
  handler(input: { params: z.output<P>; query: z.output<Q> }, ctx: RouteContext): Promise<z.input<R>>;
  /**
   * A CSV rendering of the answer (src/api/csv.ts), served for `Accept: text/csv` or `?format=csv` (the query schema
   * then takes `...csvQuery`).
   */
  csv?(answer: z.output<R>, query: z.output<Q>): CsvTable;
}

/** `format`: `csv` for the route's CSV rendering (as `Accept: text/csv`), `json` (default). */
export const csvQuery = {
  format: z.enum(["json", "csv"]).optional().describe("csv: the CSV rendering (as Accept: text/csv); json (default)"),
};

/** What an application contributes to the API: `export default defineRoutes({...})` in src/api/routes/<app>.ts. */
export interface RouteModule {
  name: string;
  routes: readonly ApiRoute[];
}

/** Declares a route with its types inferred from the schemas. */
export function defineRoute<
  P extends z.ZodType = z.ZodObject<{}>,
  Q extends z.ZodType = z.ZodObject<{}>,
  R extends z.ZodType = z.ZodType,
>(route: ApiRoute<P, Q, R>): ApiRoute {
  return route as unknown as ApiRoute;
}

export function defineRoutes(module: RouteModule): RouteModule {
  return module;
}

/** 404 with a message naming what is missing. */
export class NotFoundError extends Error {
  readonly statusCode = 404;
}

/** 400 for a request that is well-formed but cannot be answered (a cursor of another query, a future block). */
export class BadRequestError extends Error {
  readonly statusCode = 400;
}

// ----------------------------------------------------------------------------------------------- parameters

/**
 * Query and path parameters arrive as strings. Numbers accept only canonical decimals: no sign, exponent, hex,
 * leading zero or blank (`z.coerce.number()` read `0x1` as 1, `1e3` as 1000 and an empty value as 0).
 */
const DECIMAL = /^(0|[1-9][0-9]*)$/;
const DECIMAL_MESSAGE = "expected a decimal integer (digits only, no sign, exponent or leading zero)";

/** An integer parameter within [min, max] (both safe integers). */
export function integer(min: number, max: number) {
  return z
    .string()
    .max(String(max).length, `expected at most ${max}`)
    .regex(DECIMAL, DECIMAL_MESSAGE)
    .transform(Number)
    .pipe(z.number().min(min, `expected at least ${min}`).max(max, `expected at most ${max}`))
    .meta({ type: "integer", minimum: min, maximum: max });
}

const UINT256_MAX = 2n ** 256n - 1n;
/** A uint256 id or amount, kept as its decimal string (ids of LCs, receivables, offers, proposals). */
export const uint256 = z
  .string()
  .max(78, "expected at most 2^256-1")
  .regex(DECIMAL, DECIMAL_MESSAGE)
  // Checks all run (zod reports every issue): test the form again before BigInt would throw on it.
  .refine((v) => !DECIMAL.test(v) || BigInt(v) <= UINT256_MAX, "expected at most 2^256-1")
  .meta({ type: "string", pattern: "^(0|[1-9][0-9]*)$", maxLength: 78 });

/** Member ids (uint32 from 1). */
export const memberId = integer(1, 4_294_967_295);
/** Dataset, grant and certificate ids: uint64 counters from 1 (safe integers in practice). */
export const id64 = integer(1, Number.MAX_SAFE_INTEGER);
export const blockNumber = integer(0, Number.MAX_SAFE_INTEGER);
const DATE_MESSAGE =
  "expected unix seconds or an ISO 8601 date (2026-12-06, 2026-12-06T12:00:00Z, 2026-12-06T20:00:00+08:00)";

/**
 * An ISO 8601 date (midnight UTC) or date-time with its offset, as unix seconds. zod checks the calendar (no
 * 2025-02-30, no 24:00), which Date.parse would roll over; a date-time without an offset is refused (whose local time?).
 */
export const isoDate = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: DATE_MESSAGE })
  .transform((text) => Math.floor(Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text) / 1000))
  .pipe(z.number().min(0, "expected a date from 1970 on"));

/** Unix seconds, or an ISO 8601 date. */
export const unixSeconds = z.union([integer(0, Number.MAX_SAFE_INTEGER), isoDate], { error: DATE_MESSAGE });
export const booleanParam = z.enum(["true", "false"]).transform((v) => v === "true");

export const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte hex address")
  .transform((a) => a.toLowerCase());
export const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "expected a 32-byte hex value")
  .transform((a) => a.toLowerCase());
export const order = z.enum(["asc", "desc"]).default("asc");

/**
 * `asOf`: the state as of the end of a block, or as of a date. The server turns a date into the last indexed block at or
 * before it (`resolveAsOfDate`) before validation, so handlers always get a block number; a date that reached this
 * schema is refused rather than read as a block.
 */
export const asOfQuery = {
  asOf: z
    .union(
      [
        blockNumber,
        isoDate.transform((_seconds, ctx): never => {
          ctx.issues.push({
            code: "custom",
            message: "a date here must be resolved to a block first",
            input: _seconds,
          });
          return z.NEVER;
        }),
      ],
      { error: "expected a block number or an ISO 8601 date" },
    )
    .optional()
    .describe(
      "Block number: the state as of the end of that block; or an ISO 8601 date: the state at that time (the last " +
        "indexed block at or before it; 400 when it is after the indexed block's time)",
    ),
};
/** `at`: the moment time-dependent values (validity, expiry, availability) are computed for. */
export const atQuery = (what: string) => ({
  at: unixSeconds
    .optional()
    .describe(`Unix seconds or an ISO 8601 date ${what} (default: the time of the latest indexed block)`),
});
/**
 * The moment `at` stands for: the given one; the server fills a missing `at` with the latest indexed block's time (the
 * chain's clock, not the server's). The server clock only when nothing is indexed yet.
 */
export const resolveAt = (query: { at?: number | undefined }): number => query.at ?? Math.floor(Date.now() / 1000);

/**
 * The block an `asOf` date stands for: the last block with an indexed event at or before it (blocks without events
 * change no state), or 0 (nothing yet). BadRequestError when the date is after the indexed block's time: the index does
 * not know that moment yet.
 */
export async function resolveAsOfDate(ctx: RouteContext, seconds: number): Promise<number> {
  const { indexedBlockTime } = await ctx.status();
  if (indexedBlockTime === undefined || seconds > indexedBlockTime) {
    const known =
      indexedBlockTime === undefined ? "nothing is indexed yet" : `indexed up to ${timeFields(indexedBlockTime).date}`;
    throw new BadRequestError(`asOf: ${new Date(seconds * 1000).toISOString()} is not indexed yet (${known})`);
  }
  const [row] = await ctx.db.query<{ block: number | null }>(
    `SELECT max(block_number) AS block FROM block_times WHERE block_time <= $1::bigint`,
    [seconds],
  );
  return Number(row.block ?? 0);
}

export const pageQuery = {
  limit: integer(1, 500).default(50).describe("Items per page (1-500)"),
  cursor: z.string().max(512).optional().describe("Opaque cursor from a previous page's nextCursor"),
};

/** A block's time as the API shows it: `time` in unix seconds and `date` in ISO 8601 (UTC). */
export const chainTime = {
  time: z
    .number()
    .int()
    .nullable()
    .describe("Unix seconds of the block (null only for blocks indexed before block times were stored)"),
  date: z.string().nullable().describe("The block's time in ISO 8601 (UTC), e.g. 2026-12-06T02:04:55.000Z"),
};

/** `time` and `date` of a block time (nulls when unknown). */
export const timeFields = (time: number | null | undefined): { time: number | null; date: string | null } =>
  time === null || time === undefined
    ? { time: null, date: null }
    : { time, date: new Date(time * 1000).toISOString() };

/** Source of a row: the block and transaction it came from, and the block's time. */
export const source = z.object({ block: z.number().int(), tx: z.string(), logIndex: z.number().int(), ...chainTime });
export type Source = z.output<typeof source>;

/** Sources built by `sourceOf` whose time is still to be filled in (by `fillTimes`, before the answer is sent). */
const untimed = new WeakSet<object>();

/**
 * The source of a row: block, transaction and log index. Its `time` and `date` are filled in for the whole answer at
 * once (one query, `fillTimes`) by the server, so every route shows chain time without reading it row by row.
 */
export function sourceOf(block: unknown, tx: unknown, logIndex: unknown = 0): Source {
  const made: Source = {
    block: block as number,
    tx: tx as string,
    logIndex: logIndex as number,
    time: null,
    date: null,
  };
  untimed.add(made);
  return made;
}

/**
 * Fills `time` and `date` of every source in `value` (made by `sourceOf`) from the stored block times (`cache`: kept
 * between requests while this process's indexer is the only writer, see src/api/cache.ts).
 */
export async function fillTimes(db: Queryable, value: unknown, cache?: IndexCache<number, number>): Promise<void> {
  const found: Source[] = [];
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== "object") return;
    if (untimed.has(v)) {
      found.push(v as Source);
      untimed.delete(v);
      return;
    }
    if (Array.isArray(v)) for (const child of v) walk(child);
    else for (const key in v) walk((v as Record<string, unknown>)[key]);
  };
  walk(value);
  if (found.length === 0) return;
  const blocks = [...new Set(found.map((s) => s.block))];
  const load = async (missing: number[]): Promise<Map<number, number>> => {
    const rows = await db.query<{ block_number: number; block_time: number }>(
      `SELECT block_number, block_time FROM block_times WHERE block_number = ANY($1::bigint[])`,
      [missing],
    );
    return new Map(rows.map((r) => [Number(r.block_number), Number(r.block_time)]));
  };
  const times = cache === undefined ? await load(blocks) : await cache.getMany(blocks, load);
  for (const s of found) Object.assign(s, timeFields(times.get(s.block)));
}

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

// ----------------------------------------------------------------------------------------------- SQL building

export type SqlType = "text" | "integer" | "bigint" | "numeric" | "boolean" | "bigint[]" | "text[]";

/** Collects parameters while a query is assembled: `q.p(value, "bigint")` returns `$n::bigint`. */
export class Sql {
  readonly params: unknown[] = [];
  p(value: unknown, type: SqlType = "text"): string {
    this.params.push(value);
    return `$${this.params.length}::${type}`;
  }
}

/** The rows of versioned table `alias` current now, or as of block `asOf`. */
export function asOfFilter(q: Sql, alias: string, asOf: number | undefined): string {
  if (asOf === undefined) return `${alias}.valid_to_block IS NULL`;
  const n = q.p(asOf, "bigint");
  return `${alias}.valid_from_block <= ${n} AND (${alias}.valid_to_block IS NULL OR ${alias}.valid_to_block > ${n})`;
}

/** Rejects `asOf` beyond the indexed block (the answer would silently be incomplete). */
export async function checkAsOf(ctx: RouteContext, asOf: number | undefined): Promise<void> {
  if (asOf === undefined) return;
  const { indexedBlock } = await ctx.status();
  if (asOf > indexedBlock)
    throw new BadRequestError(`block ${asOf} is not indexed yet (indexed up to ${indexedBlock})`);
}

/** Where a versioned row's current version came from. */
export const versionSource = (row: Row): Source => sourceOf(row.valid_from_block, row.tx_hash, row.log_index);

/** Where an append row came from. */
export const appendSource = (row: Row): Source => sourceOf(row.block_number, row.tx_hash, row.log_index);

/** SQL condition on an append table's block column: rows up to the end of block `asOf` (all when undefined). */
export const upTo = (q: Sql, column: string, asOf: number | undefined): string =>
  asOf === undefined ? "TRUE" : `${column} <= ${q.p(asOf, "bigint")}`;

/** One row by its key (current, or as of block `asOf` for versioned tables; `asOf: null`: append tables); 404 with `missing`. */
export async function findOne(
  db: Queryable,
  request: {
    from: string;
    key: Record<string, [value: unknown, type: SqlType]>;
    asOf?: number | undefined | null;
    /** Selected columns (default `*`). */
    select?: (q: Sql) => string;
  },
  missing: string,
): Promise<Row> {
  const q = new Sql();
  const alias = request.from.trim().split(/\s+/).at(-1)!;
  const where = Object.entries(request.key).map(
    ([column, [value, type]]) => `${alias}.${column} = ${q.p(value, type)}`,
  );
  if (request.asOf !== null) where.push(asOfFilter(q, alias, request.asOf));
  const columns = request.select?.(q) ?? "*";
  const [row] = await db.query(`SELECT ${columns} FROM ${request.from} WHERE ${where.join(" AND ")} LIMIT 1`, q.params);
  if (row === undefined) throw new NotFoundError(missing);
  return row;
}
