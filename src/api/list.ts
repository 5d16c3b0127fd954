import { z } from "zod";
import type { Queryable, Row } from "../indexer/db.js";
import { rowCondition, type Access } from "./access.js";
import {
  asOfFilter,
  asOfQuery,
  BadRequestError,
  blockNumber,
  checkAsOf,
  defineRoute,
  page,
  pageQuery,
  Sql,
  type ApiRoute,
  type RouteContext,
  type SqlType,
} from "./route.js";

/**
 * A list endpoint declared once: its path parameters, filters, history (`asOf` or a block range), sort orders,
 * paging and item shape. The query schema (validation and OpenAPI), the SQL, the keyset cursor and its checks are
 * derived from the declaration, so a rule fixed here holds on every list.
 */

// ------------------------------------------------------------------------------------------------- sort keys

export interface SortKey {
  /** SQL expression to order by. */
  sql: string;
  /** Field of the selected row holding the same value (for the cursor). */
  field: string;
  type: SqlType;
}

/** `key("l.lc_id", "numeric")`: order by a column; the cursor reads it from the row's field of the same name. */
export const key = (sql: string, type: SqlType, field = sql.split(".").at(-1)!): SortKey => ({ sql, field, type });

/** Chain order of an append table: block, log index and (when one log writes several rows) the row's position. */
export const chainOrder = (alias: string, seq = true): SortKey[] => [
  key(`${alias}.block_number`, "bigint"),
  key(`${alias}.log_index`, "integer"),
  ...(seq ? [key(`${alias}.seq`, "integer")] : []),
];

// ------------------------------------------------------------------------------------------------- filters

/** A query parameter that narrows a list: what it accepts and the SQL condition its value adds. */
export interface Filter<S extends z.ZodType = z.ZodType> {
  schema: S;
  /** The condition for the parameter's value; undefined adds none (e.g. a default meaning "any"). */
  where(value: z.output<S>, q: Sql, query: Record<string, unknown>): string | undefined;
  /** One end of a range: a request whose `from` end is above its `to` end is 400. */
  range?: { of: object; end: "from" | "to" };
}

export const filter = <S extends z.ZodType>(schema: S, where: Filter<S>["where"]): Filter<S> => ({ schema, where });

/** `column = value`. */
export const eq = <S extends z.ZodType>(sql: string, schema: S, type: SqlType = "text"): Filter<S> =>
  filter(schema, (value, q) => `${sql} = ${q.p(value, type)}`);

/** Any of the columns equals the value (a member in any party role). */
export const anyOf = <S extends z.ZodType>(sqls: readonly string[], schema: S, type: SqlType = "text"): Filter<S> =>
  filter(schema, (value, q) => {
    const p = q.p(value, type);
    return `(${sqls.map((s) => `${s} = ${p}`).join(" OR ")})`;
  });

/** Case-insensitive substring. */
export const contains = <S extends z.ZodType<string>>(sql: string, schema: S): Filter<S> =>
  filter(schema, (value, q) => `${sql} ILIKE ${q.p(`%${String(value).replace(/[\\%_]/g, "\\$&")}%`)}`);

/** `column >= value`. */
export const atLeast = <S extends z.ZodType>(sql: string, schema: S, type: SqlType): Filter<S> =>
  filter(schema, (value, q) => `${sql} >= ${q.p(value, type)}`);

/** Both ends of an inclusive range on one column, as two parameters (`maturityFrom`, `maturityTo`). */
export function range<S extends z.ZodType>(sql: string, schema: S, type: SqlType) {
  const of = {};
  return {
    from: { ...filter(schema, (value, q) => `${sql} >= ${q.p(value, type)}`), range: { of, end: "from" } } as Filter<S>,
    to: { ...filter(schema, (value, q) => `${sql} <= ${q.p(value, type)}`), range: { of, end: "to" } } as Filter<S>,
  };
}

/** `fromBlock`/`toBlock` on an append table's block column. */
export function blockRange(column: string) {
  const { from, to } = range(column, blockNumber, "bigint");
  return {
    fromBlock: { ...from, schema: blockNumber.describe("First block (inclusive)") },
    toBlock: { ...to, schema: blockNumber.describe("Last block (inclusive)") },
  };
}

// ------------------------------------------------------------------------------------------------- cursor

interface CursorPayload {
  k: string;
  v: unknown[];
}

const INT64 = Number.MAX_SAFE_INTEGER;
const cursorValue: Record<SqlType, z.ZodType> = {
  bigint: z.number().int().min(-INT64).max(INT64),
  integer: z.number().int().min(-2_147_483_648).max(2_147_483_647),
  numeric: z.string().regex(/^-?(0|[1-9][0-9]{0,77})$/),
  text: z
    .string()
    .max(1024)
    .refine((s) => !s.includes("\0")),
  boolean: z.boolean(),
  "bigint[]": z.never(),
  "text[]": z.never(),
};

const encodeCursor = (payload: CursorPayload) => Buffer.from(JSON.stringify(payload)).toString("base64url");

/** The cursor's position, checked against the list, sort and order it must belong to and the sort keys' types. */
function decodeCursor(cursor: string, kind: string, sort: readonly SortKey[]): unknown[] {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new BadRequestError("cursor: not a cursor (copy nextCursor from the previous page)");
  }
  const shape = z.object({ k: z.string(), v: z.array(z.unknown()) }).safeParse(payload);
  if (!shape.success) throw new BadRequestError("cursor: not a cursor (copy nextCursor from the previous page)");
  if (shape.data.k !== kind) throw new BadRequestError("cursor: belongs to another list, sort or order");
  const values = z.tuple(sort.map((s) => cursorValue[s.type]) as [z.ZodType, ...z.ZodType[]]).safeParse(shape.data.v);
  if (!values.success) throw new BadRequestError("cursor: altered (its position does not fit this list's sort)");
  return values.data;
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
  /** What the cursor is bound to (the list, sort and order); by default the sort keys and order. */
  kind?: string;
  /** Run as a prepared statement (`QueryOptions.prepare`, src/indexer/db.ts); the limit is then a parameter. */
  prepare?: boolean;
  /**
   * A second SELECT run in the same statement as the page (one round trip, not two): it must yield the same columns
   * as `select` (it is joined to the page with UNION ALL) and may use `q`'s parameters. Its rows come back as
   * `alongside`, in `order` (an ORDER BY list over its own column names).
   */
  alongside?: { sql: string; order: string };
}

/** Keyset pagination: stable under inserts, O(limit) per page; the cursor is bound to its list, sort and order. */
export async function fetchPage<R extends Row>(
  db: Queryable,
  request: PageRequest,
): Promise<{ rows: R[]; nextCursor: string | null; alongside: Row[] }> {
  const { q, sort, order: dir } = request;
  const kind = request.kind ?? `${sort.map((s) => s.field).join(",")}:${dir}`;
  const where = [...request.where];
  if (request.cursor !== undefined) {
    const position = decodeCursor(request.cursor, kind, sort);
    const left = sort.map((s) => s.sql).join(", ");
    const right = sort.map((s, i) => q.p(position[i], s.type)).join(", ");
    where.push(`(${left}) ${dir === "asc" ? ">" : "<"} (${right})`);
  }
  // A prepared statement takes the limit as a parameter: one text (one plan) for every page size.
  const limit = request.prepare === true ? q.p(request.limit + 1, "integer") : String(request.limit + 1);
  const orderBy = sort.map((s) => `${s.sql} ${dir.toUpperCase()}`).join(", ");
  const filtered = `${request.select}${where.length > 0 ? ` WHERE ${where.join(" AND ")}` : ""}`;
  let rows: R[];
  let alongside: Row[] = [];
  if (request.alongside === undefined) {
    rows = await db.query<R>(`${filtered} ORDER BY ${orderBy} LIMIT ${limit}`, q.params, {
      prepare: request.prepare === true,
    });
  } else {
    const fieldOrder = sort.map((s) => `"${s.field}" ${dir.toUpperCase()}`).join(", ");
    // Both parts numbered by their own order, then ordered by part and number: the order is the statement's, not
    // whatever order the plan happens to append them in.
    const both = await db.query<R & { __part: number; __n: number }>(
      `SELECT * FROM (
        (SELECT 0 AS __part, row_number() OVER (ORDER BY ${fieldOrder}) AS __n, page.* FROM (${filtered} ORDER BY ${orderBy} LIMIT ${limit}) page)
        UNION ALL
        (SELECT 1 AS __part, row_number() OVER (ORDER BY ${request.alongside.order}) AS __n, other.* FROM (${request.alongside.sql}) other)
      ) parts ORDER BY __part, __n`,
      q.params,
      { prepare: request.prepare === true },
    );
    rows = [];
    for (const row of both) {
      const part = Number(row.__part);
      delete (row as Partial<typeof row>).__part;
      delete (row as Partial<typeof row>).__n;
      (part === 0 ? rows : alongside).push(row);
    }
  }
  const more = rows.length > request.limit;
  const items = more ? rows.slice(0, request.limit) : rows;
  const last = items.at(-1);
  return {
    rows: items,
    nextCursor: more && last !== undefined ? encodeCursor({ k: kind, v: sort.map((s) => last[s.field]) }) : null,
    alongside,
  };
}

// ------------------------------------------------------------------------------------------------- list routes

type Shape = Record<string, z.ZodType>;
type Filters = Record<string, Filter>;

/** The validated query of a list: its filters, extra parameters, history, sort and paging. */
export type ListQuery<F extends Filters, X extends Shape> = { [K in keyof F]?: z.output<F[K]["schema"]> } & {
  [K in keyof X]: z.output<X[K]>;
} & {
  asOf?: number;
  sort: string;
  order: "asc" | "desc";
  limit: number;
  cursor?: string;
};

export interface ListInput<P extends Shape, F extends Filters, X extends Shape> {
  params: { [K in keyof P]: z.output<P[K]> };
  query: ListQuery<F, X>;
}

export interface ListSpec<P extends Shape, F extends Filters, X extends Shape, T, E extends Shape> {
  path: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  /** Who may read the list, and which of its rows (src/api/access.ts): `rows` conditions use the `from` alias. */
  access: Access;
  params?: P;
  /** `table alias`, e.g. `lc_letters l`. */
  from: string;
  /** Selected columns (default `alias.*`); a function when they take parameters (related rows as of `asOf`). */
  select?: string | ((input: ListInput<P, F, X>, q: Sql) => string);
  /**
   * `asOf`: `"versioned"` reads a versioned table as of a block; a block column of an append table keeps the rows
   * up to that block. Without it the list has no `asOf`.
   */
  asOf?: "versioned" | { upTo: string };
  /** `fromBlock`/`toBlock` on this block column. */
  blocks?: string;
  filters?: F;
  /** Parameters that are not filters (e.g. `at`). */
  query?: X;
  /** Sort orders by name; the first is the default. A `sort` parameter exists when there are several. */
  sorts: Record<string, readonly SortKey[]>;
  order: "asc" | "desc";
  /** Conditions from the path parameters. */
  scope?(input: ListInput<P, F, X>, q: Sql, ctx: RouteContext): string[] | Promise<string[]>;
  /**
   * Checks that the parent the path names exists (throws NotFoundError). Run only when the page is empty: a row of
   * the page implies its parent, so a page with rows costs one query, not two.
   */
  parent?(input: ListInput<P, F, X>, ctx: RouteContext): Promise<unknown>;
  item: z.ZodType<T>;
  toItem?(row: Row, input: ListInput<P, F, X>): T;
  /** Instead of `toItem`, when items need more reads (one query for the page, not one per row). */
  toItems?(rows: Row[], input: ListInput<P, F, X>, ctx: RouteContext): Promise<T[]>;
  /**
   * Run the page query as a prepared statement on PostgreSQL (`QueryOptions.prepare`, src/indexer/db.ts): for a list
   * whose query costs far more to plan than to run (`/unattested-financing`: a union of three joins and an anti-join).
   */
  prepare?: boolean;
  /**
   * Rows `extra` needs, read in the same statement as the page (`PageRequest.alongside`: one round trip instead of
   * two); `context` is handed to `extra.compute` with them (e.g. the block they were read at).
   */
  alongside?(
    input: ListInput<P, F, X>,
    q: Sql,
    ctx: RouteContext,
  ): Promise<{ sql: string; order: string; context?: unknown }>;
  /** Fields beside `items` and `nextCursor` (e.g. totals over the whole filtered set). */
  extra?: {
    response: E;
    compute(
      input: ListInput<P, F, X>,
      ctx: RouteContext,
      alongside?: { rows: Row[]; context: unknown },
    ): Promise<z.input<z.ZodObject<E>>>;
  };
}

const optional = (schema: z.ZodType): z.ZodType =>
  schema instanceof z.ZodDefault || schema instanceof z.ZodOptional ? schema : schema.optional();

/** A GET list endpoint from its declaration. */
export function listRoute<
  P extends Shape = {},
  F extends Filters = {},
  X extends Shape = {},
  T = unknown,
  E extends Shape = {},
>(spec: ListSpec<P, F, X, T, E>): ApiRoute {
  const alias = spec.from.trim().split(/\s+/).at(-1)!;
  const filters: Filters = {
    ...(spec.filters ?? {}),
    ...(spec.blocks === undefined ? {} : blockRange(spec.blocks)),
  };
  const sortNames = Object.keys(spec.sorts) as [string, ...string[]];
  const query = z.object({
    ...Object.fromEntries(Object.entries(filters).map(([name, f]) => [name, optional(f.schema)])),
    ...(spec.query ?? {}),
    ...(spec.asOf === undefined ? {} : asOfQuery),
    ...(sortNames.length > 1 ? { sort: z.enum(sortNames).default(sortNames[0]) } : {}),
    order: z.enum(["asc", "desc"]).default(spec.order),
    ...pageQuery,
  });
  const ranges = new Map<object, { from?: string; to?: string }>();
  for (const [name, f] of Object.entries(filters)) {
    if (f.range !== undefined) ranges.set(f.range.of, { ...ranges.get(f.range.of), [f.range.end]: name });
  }
  const extra = spec.extra;
  return defineRoute({
    path: spec.path,
    summary: spec.summary,
    description: spec.description,
    tags: spec.tags,
    access: spec.access,
    params: spec.params === undefined ? undefined : z.object(spec.params),
    query,
    response: extra === undefined ? page(spec.item) : page(spec.item).extend(extra.response),
    async handler({ params, query }, ctx) {
      const values = query as Record<string, unknown>;
      for (const { from, to } of ranges.values()) {
        if (from === undefined || to === undefined) continue;
        const low = values[from] as number | string | undefined;
        const high = values[to] as number | string | undefined;
        if (low !== undefined && high !== undefined && BigInt(low) > BigInt(high)) {
          throw new BadRequestError(`${from}: ${low} is after ${to} ${high}`);
        }
      }
      const input = { params, query } as unknown as ListInput<P, F, X>;
      const asOf = values.asOf as number | undefined;
      await checkAsOf(ctx, asOf);
      const q = new Sql();
      const where: string[] = [];
      if (spec.asOf === "versioned") where.push(asOfFilter(q, alias, asOf));
      else if (spec.asOf !== undefined && asOf !== undefined) where.push(`${spec.asOf.upTo} <= ${q.p(asOf, "bigint")}`);
      if (spec.scope !== undefined) where.push(...(await spec.scope(input, q, ctx)));
      const visible = rowCondition(spec.access, ctx.viewer, q);
      if (visible !== undefined) where.push(visible);
      for (const [name, f] of Object.entries(filters)) {
        const value = values[name];
        if (value === undefined) continue;
        const condition = f.where(value as never, q, values);
        if (condition !== undefined) where.push(condition);
      }
      const sortName = (values.sort as string | undefined) ?? sortNames[0];
      const order = values.order as "asc" | "desc";
      const along = await spec.alongside?.(input, q, ctx);
      const { rows, nextCursor, alongside } = await fetchPage(ctx.db, {
        select: `SELECT ${typeof spec.select === "function" ? spec.select(input, q) : (spec.select ?? `${alias}.*`)} FROM ${spec.from}`,
        where,
        q,
        sort: spec.sorts[sortName],
        order,
        limit: values.limit as number,
        cursor: values.cursor as string | undefined,
        kind: `${spec.path} ${sortName} ${order}`,
        prepare: spec.prepare,
        alongside: along,
      });
      if (rows.length === 0) await spec.parent?.(input, ctx);
      const items =
        spec.toItems !== undefined ? await spec.toItems(rows, input, ctx) : rows.map((row) => spec.toItem!(row, input));
      return {
        items,
        nextCursor,
        ...(extra === undefined
          ? {}
          : await extra.compute(
              input,
              ctx,
              along === undefined ? undefined : { rows: alongside, context: along.context },
            )),
      } as never;
    },
  });
}
