import type { Queryable } from "../indexer/db.js";
import type { Indexer } from "../indexer/indexer.js";
import type { NodeStatus } from "../indexer/nodes.js";
import type { IndexerRole } from "../indexer/service.js";
import type { ApiStatus } from "./route.js";

/** Status of an indexer in the same process. */
export function indexerStatus(indexer: Indexer): () => Promise<ApiStatus> {
  return async () => {
    const s = indexer.status;
    return {
      chainId: s.chainId,
      indexedBlock: s.indexedBlock,
      indexedBlockTime: s.indexedBlockTime,
      indexedBlockHash: s.indexedBlockHash,
      headBlock: s.headBlock,
      confirmations: s.confirmations,
      ready: indexer.isReady(),
      eventsTotal: s.eventsTotal,
      eventsPerSecond: indexer.eventsPerSecond(),
      reorgs: s.reorgs,
      nodeBehind: s.nodeBehind,
      nodes: s.nodes,
      failovers: s.failovers,
      halted: s.halted,
      lastError: s.lastError,
      role: "writer",
    };
  };
}

/**
 * Status of an indexer in another process, read from its checkpoint row (cached for a second): what an API replica
 * and a standby report (`role`). Ready while the writer's progress in the row is recent and caught up.
 */
export function databaseStatus(
  db: Queryable,
  confirmations: number,
  staleAfterMs = 30_000,
  role: IndexerRole = "replica",
): () => Promise<ApiStatus> {
  let cached: { at: number; value: ApiStatus } | undefined;
  return async () => {
    if (cached !== undefined && Date.now() - cached.at < 1_000) return cached.value;
    const [row] = await db.query<{
      chain_id: number;
      block_number: number;
      head_block: number | null;
      head_seen_ms: number | null;
      halted: string | null;
      node_behind_total: number;
      rpc_nodes: NodeStatus[] | null;
      failovers_total: number;
      block_time: number | null;
      block_hash: string | null;
    }>(
      `SELECT chain_id, block_number, block_time, block_hash, head_block, head_seen_ms, halted, node_behind_total, rpc_nodes, failovers_total FROM indexer_state LIMIT 1`,
    );
    const [count] =
      row === undefined ? [{ n: 0 }] : await db.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM events`);
    const head = row?.head_block ?? -1;
    const indexed = row?.block_number ?? -1;
    const fresh =
      row?.head_seen_ms !== null && row?.head_seen_ms !== undefined && Date.now() - row.head_seen_ms < staleAfterMs;
    const value: ApiStatus = {
      chainId: row?.chain_id ?? 0,
      indexedBlock: indexed,
      indexedBlockTime: row?.block_time ?? undefined,
      indexedBlockHash: row?.block_hash ?? undefined,
      headBlock: head,
      confirmations,
      ready: row !== undefined && row.halted === null && fresh && indexed >= head - confirmations,
      eventsTotal: count.n,
      eventsPerSecond: 0,
      reorgs: 0,
      nodeBehind: row?.node_behind_total ?? 0,
      nodes: row?.rpc_nodes ?? [],
      failovers: Number(row?.failovers_total ?? 0),
      halted: row?.halted ?? undefined,
      role,
    };
    cached = { at: Date.now(), value };
    return value;
  };
}
