import { z } from "zod";
import type { Queryable, Row } from "../indexer/db.js";

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
  /** Why indexing halted (a reorg deeper than the kept hashes), until `consortia index rebuild`. */
  halted?: string | undefined;
  lastError?: string | undefined;
}

export interface RouteContext {
  db: Queryable;
  status(): Promise<ApiStatus>;
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
  params?: P;
  query?: Q;
  response: R;
  handler(input: { params: z.output<P>; query: z.output<Q> }, ctx: RouteContext): Promise<z.input<R>>;
}

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
/** Unix seconds. */
export const unixSeconds = integer(0, Number.MAX_SAFE_INTEGER);
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

/** `asOf`: read the state as of the end of that block (versioned projections only). */
export const asOfQuery = {
  asOf: blockNumber.optional().describe("Block number: the state as of the end of that block"),
};
/** `at`: the moment (unix seconds) time-dependent values (validity, expiry, availability) are computed for. */
export const atQuery = (what: string) => ({
  at: unixSeconds.optional().describe(`Unix seconds ${what} (default: now)`),
});
/** The moment `at` stands for: the given one, or now. */
export const resolveAt = (query: { at?: number | undefined }): number => query.at ?? Math.floor(Date.now() / 1000);

export const pageQuery = {
  limit: integer(1, 500).default(50).describe("Items per page (1-500)"),
  cursor: z.string().max(512).optional().describe("Opaque cursor from a previous page's nextCursor"),
};

/** Source of a row: the block and transaction it came from. */
export const source = z.object({ block: z.number().int(), tx: z.string(), logIndex: z.number().int() });

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
export const versionSource = (row: Row) => ({
  block: row.valid_from_block as number,
  tx: row.tx_hash as string,
  logIndex: row.log_index as number,
});

/** Where an append row came from. */
export const appendSource = (row: Row) => ({
  block: row.block_number as number,
  tx: row.tx_hash as string,
  logIndex: row.log_index as number,
});

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
