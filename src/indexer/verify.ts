import { createPublicClient, http, type PublicClient } from "viem";
import type { Deployment } from "@consortia/sdk";
import type { Queryable } from "./db.js";
import type { Check, Context } from "./verify/check.js";
import { APP_CHECKS, VERIFY_GAPS } from "./verify/apps.js";
import { PLATFORM_CHECKS } from "./verify/platform.js";

export { VERIFY_GAPS };

/**
 * `consortia index verify`: compares the projections, as of one block, with the contracts' own views at that block
 * (eth_call with that block as its tag). Any difference is drift: the index no longer tells the chain's truth. The
 * checks live in src/indexer/verify/ (one module per application); what no view can check is listed in VERIFY_GAPS
 * and docs/indexer-verify.md.
 */

/** One value the index and the chain disagree on. */
export interface Drift {
  check: string;
  /** What it is about, e.g. the token and account. */
  key: string;
  indexed: string;
  chain: string;
}

export interface Verification {
  block: number;
  /** The block's time (unix seconds), from the node. */
  time: number;
  /** Values compared, by check. */
  compared: Record<string, number>;
  drift: Drift[];
  /** When it ran (ISO 8601, server clock: when, not what). */
  verifiedAt: string;
}

/** The block is not indexed yet, or the node cannot answer for it: a usage problem (exit 2), not drift. */
export class VerifyUsageError extends Error {}

const CHECKS: readonly Check[] = [...PLATFORM_CHECKS, ...APP_CHECKS];

/** The projection tables each check compares, by check name. */
export const VERIFY_TABLES: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  CHECKS.map((c) => [c.name, c.tables]),
);

/** The checks by name, in the order they run. */
export const VERIFY_CHECKS: readonly string[] = CHECKS.map((c) => c.name);

export interface VerifyOptions {
  db: Queryable;
  rpcUrl: string;
  deployments: Deployment;
  /** Default: the indexed block. */
  block?: number | undefined;
  timeoutMs?: number;
}

/** Runs every check at one block and records the result in the state row (for /status). */
export async function verifyIndex(options: VerifyOptions): Promise<Verification> {
  const [state] = await options.db.query<{ block_number: number }>(
    `SELECT block_number FROM indexer_state WHERE chain_id = $1`,
    [options.deployments.chainId],
  );
  if (state === undefined) throw new VerifyUsageError("nothing indexed yet: run the indexer first");
  const block = options.block ?? Number(state.block_number);
  if (block > Number(state.block_number))
    throw new VerifyUsageError(`block ${block} is not indexed yet (indexed up to ${state.block_number})`);
  if (block < options.deployments.deploymentBlock)
    throw new VerifyUsageError(`block ${block} is before the deployment block ${options.deployments.deploymentBlock}`);
  const client = createPublicClient({
    transport: http(options.rpcUrl, { batch: { batchSize: 200, wait: 0 }, retryCount: 2, timeout: options.timeoutMs }),
  }) as PublicClient;
  let time: number;
  try {
    const header = await client.getBlock({ blockNumber: BigInt(block) });
    time = Number(header.timestamp);
  } catch (error) {
    throw new VerifyUsageError(
      `cannot read block ${block} from ${new URL(options.rpcUrl).origin}: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  const ctx: Context = { db: options.db, client, deployments: options.deployments, block };
  const compared: Record<string, number> = {};
  const drift: Drift[] = [];
  for (const check of CHECKS) {
    const values = await check.run(ctx);
    compared[check.name] = values.length;
    for (const v of values) if (v.indexed !== v.chain) drift.push({ check: check.name, ...v });
  }
  const result: Verification = { block, time, compared, drift, verifiedAt: new Date().toISOString() };
  await options.db.query(`UPDATE indexer_state SET verification = $2::jsonb WHERE chain_id = $1`, [
    options.deployments.chainId,
    JSON.stringify(result),
  ]);
  return result;
}

/** The report `consortia index verify` prints. */
export function formatVerification(v: Verification): string {
  const total = Object.values(v.compared).reduce((a, b) => a + b, 0);
  const head = `block ${v.block} (${new Date(v.time * 1000).toISOString()}): ${total} values compared in ${
    Object.keys(v.compared).length
  } checks (${Object.entries(v.compared)
    .map(([name, n]) => `${name} ${n}`)
    .join(", ")})`;
  if (v.drift.length === 0) return `${head}\nno drift\n`;
  const lines = v.drift.map((d) => `drift  ${d.check}: ${d.key}: indexed ${d.indexed}, chain ${d.chain}`);
  return `${head}\n${lines.join("\n")}\n${v.drift.length} drifting value(s)\n`;
}
