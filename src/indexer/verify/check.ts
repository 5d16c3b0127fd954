import type { Abi, Address, PublicClient } from "viem";
import type { Deployment } from "@consortia/sdk";
import type { Queryable, Row } from "../db.js";

/** What a check runs against: the index, the node, the deployments, and the block both are read at. */
export interface Context {
  db: Queryable;
  client: PublicClient;
  deployments: Deployment;
  block: number;
}

/** One value as the index holds it and as the chain's view answers it (both as strings). */
export type Compared = { key: string; indexed: string; chain: string };

/** One comparison: the projection tables it reads, and the values of the index and the chain for the same keys. */
export interface Check {
  name: string;
  /** Projection tables this check compares with the chain (the rest are documented gaps, see VERIFY_GAPS). */
  tables: readonly string[];
  run(ctx: Context): Promise<Compared[]>;
}

/** A field of a row: name, indexed value, chain value. */
export type Field = [string, unknown, unknown];

/** Rows of a versioned table as of the end of `block` (`extra` adds conditions on `t`, parameters from $2). */
export async function asOf(
  ctx: Context,
  select: string,
  table: string,
  extra = "",
  params: readonly unknown[] = [],
): Promise<Row[]> {
  return ctx.db.query(
    `SELECT ${select} FROM ${table} t WHERE t.valid_from_block <= $1::bigint AND (t.valid_to_block IS NULL OR t.valid_to_block > $1::bigint)${
      extra === "" ? "" : ` AND ${extra}`
    }`,
    [ctx.block, ...params],
  );
}

/** Rows of an append table up to the end of `block`, in chain order. */
export async function upTo(ctx: Context, select: string, table: string): Promise<Row[]> {
  return ctx.db.query(
    `SELECT ${select} FROM ${table} t WHERE t.block_number <= $1::bigint ORDER BY t.block_number, t.log_index, t.seq`,
    [ctx.block],
  );
}

/** eth_call of one deployed contract's view at the context's block; undefined when the contract is not deployed. */
export function reader(ctx: Context, contract: string, abi: Abi | readonly unknown[]) {
  const deployed = ctx.deployments.contracts[contract];
  return async (functionName: string, args: readonly unknown[] = []): Promise<unknown> =>
    deployed === undefined
      ? undefined
      : ctx.client.readContract({
          address: deployed.address as Address,
          abi: abi as Abi,
          functionName,
          args,
          blockNumber: BigInt(ctx.block),
        });
}

export const deployed = (ctx: Context, contract: string): boolean => ctx.deployments.contracts[contract] !== undefined;

export const enumName = (names: readonly string[], value: unknown): string =>
  names[Number(value)] ?? `Unknown(${String(value)})`;

const ZERO_HASH = `0x${"0".repeat(64)}`;
const ZERO_ADDRESS = `0x${"0".repeat(40)}`;

/** An indexed value as compared: null (nothing) is the chain's zero of the same kind. */
export function show(value: unknown): string {
  if (value === null || value === undefined) return "0";
  if (typeof value === "string" && /^0x[0-9a-fA-F]*$/.test(value)) {
    const lower = value.toLowerCase();
    return lower === ZERO_HASH || lower === ZERO_ADDRESS ? "0" : lower;
  }
  return String(value);
}

/**
 * Row by row: the contract's view of each indexed row (`view`, all at once in JSON-RPC batches), and the fields to
 * compare.
 */
export async function rowByRow<C>(
  rows: readonly Row[],
  view: (row: Row) => Promise<unknown>,
  label: (row: Row) => string,
  fields: (row: Row, chain: C) => Field[],
): Promise<Compared[]> {
  const chain = (await Promise.all(rows.map(view))) as C[];
  return rows.flatMap((row, i) =>
    fields(row, chain[i]).map(([field, indexed, value]) => ({
      key: field === "" ? label(row) : `${label(row)} ${field}`,
      indexed: show(indexed),
      chain: show(value),
    })),
  );
}

/** The number of indexed entities against a count view (entities the index never saw would otherwise pass). */
export async function counted(key: string, rows: readonly Row[] | number, chain: Promise<unknown>): Promise<Compared> {
  return { key, indexed: String(typeof rows === "number" ? rows : rows.length), chain: String(await chain) };
}

/** Groups rows by a key column, keeping chain order. */
export function groupBy(rows: readonly Row[], column: string): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = String(row[column]);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return groups;
}
