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

// ----------------------------------------------------------------------------------------------- shared schemas

export const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte hex address")
  .transform((a) => a.toLowerCase());
export const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "expected a 32-byte hex value")
  .transform((a) => a.toLowerCase());
export const uintString = z.string().regex(/^[0-9]{1,78}$/, "expected a non-negative integer");
export const blockNumber = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const id32 = z.coerce.number().int().min(1).max(4_294_967_295);
export const order = z.enum(["asc", "desc"]).default("asc");

/** `asOf`: read the state as of the end of that block (versioned projections only). */
export const asOfQuery = {
  asOf: blockNumber.optional().describe("Block number: the state as of the end of that block"),
};
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50).describe("Items per page (1-500)"),
  cursor: z.string().max(512).optional().describe("Opaque cursor from a previous page's nextCursor"),
};
export const blockRangeQuery = {
  fromBlock: blockNumber.optional().describe("First block (inclusive)"),
  toBlock: blockNumber.optional().describe("Last block (inclusive)"),
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

export interface SortKey {
  /** SQL expression to order by. */
  sql: string;
  /** Field of the selected row holding the same value (for the cursor). */
  field: string;
  type: SqlType;
}

export interface PageRequest {
  /** `SELECT ... FROM ...` without WHERE/ORDER/LIMIT. */
  select: string;
  where: string[];
  q: Sql;
  /** Sort keys, the last ones making the order total (unique). */
  sort: readonly SortKey[];
  order: "asc" | "desc";
  limit: number;
  cursor: string | undefined;
}

interface CursorPayload {
  k: string;
  v: unknown[];
}

const encodeCursor = (payload: CursorPayload) => Buffer.from(JSON.stringify(payload)).toString("base64url");

function decodeCursor(cursor: string): CursorPayload {
  try {
    const payload = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as CursorPayload;
    if (typeof payload.k !== "string" || !Array.isArray(payload.v)) throw new Error();
    return payload;
  } catch {
    throw new BadRequestError("invalid cursor");
  }
}

/** Keyset pagination: stable under inserts, O(limit) per page; the cursor is bound to its sort and order. */
export async function fetchPage<R extends Row>(
  db: Queryable,
  request: PageRequest,
): Promise<{ rows: R[]; nextCursor: string | null }> {
  const { q, sort, order: dir } = request;
  const kind = `${sort.map((s) => s.field).join(",")}:${dir}`;
  const where = [...request.where];
  if (request.cursor !== undefined) {
    const cursor = decodeCursor(request.cursor);
    if (cursor.k !== kind || cursor.v.length !== sort.length)
      throw new BadRequestError("cursor belongs to another sort order");
    const left = sort.map((s) => s.sql).join(", ");
    const right = sort.map((s, i) => q.p(cursor.v[i], s.type)).join(", ");
    where.push(`(${left}) ${dir === "asc" ? ">" : "<"} (${right})`);
  }
  const sql = `${request.select}${where.length > 0 ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${sort
    .map((s) => `${s.sql} ${dir.toUpperCase()}`)
    .join(", ")} LIMIT ${request.limit + 1}`;
  const rows = await db.query<R>(sql, q.params);
  const more = rows.length > request.limit;
  const items = more ? rows.slice(0, request.limit) : rows;
  const last = items.at(-1);
  return {
    rows: items,
    nextCursor: more && last !== undefined ? encodeCursor({ k: kind, v: sort.map((s) => last[s.field]) }) : null,
  };
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

/** The paging a list endpoint's query carries (`pageQuery`). */
export interface PagingQuery {
  order: "asc" | "desc";
  limit: number;
  cursor?: string;
}

/** A page of rows mapped to API items, paged as the request's query says. */
export async function listPage<T>(
  db: Queryable,
  request: Omit<PageRequest, "order" | "limit" | "cursor">,
  query: PagingQuery,
  toItem: (row: Row) => T,
): Promise<{ items: T[]; nextCursor: string | null }> {
  const { rows, nextCursor } = await fetchPage(db, {
    ...request,
    order: query.order,
    limit: query.limit,
    cursor: query.cursor,
  });
  return { items: rows.map(toItem), nextCursor };
}
