import type { Queryable } from "../indexer/db.js";
import { argsToJson } from "../indexer/decode.js";
import type { Indexer } from "../indexer/indexer.js";
import type { IndexedEvent } from "../indexer/projection.js";
import { timeFields } from "./route.js";
import { toEventJson, type EventJson } from "./routes/events.js";

export type FeedMessage = { type: "event"; event: EventJson } | { type: "rollback"; ancestor: number };

/** Newly projected events, for the SSE stream. */
export interface EventFeed {
  subscribe(listener: (message: FeedMessage) => void): () => void;
  close(): void;
}

/** Pushed by the indexer in the same process right after each commit. */
export function indexerFeed(indexer: Indexer): EventFeed {
  const listeners = new Set<(message: FeedMessage) => void>();
  const onEvents = (events: IndexedEvent[]) => {
    if (listeners.size === 0) return;
    for (const e of events) {
      const event: EventJson = {
        id: `${e.blockNumber}:${e.logIndex}`,
        blockNumber: e.blockNumber,
        blockHash: e.blockHash,
        txHash: e.txHash,
        logIndex: e.logIndex,
        ...timeFields(e.blockTime),
        address: e.address,
        contract: e.contract,
        event: e.event,
        args: JSON.parse(argsToJson(e.args)) as Record<string, unknown>,
      };
      for (const listener of listeners) listener({ type: "event", event });
    }
  };
  const onRollback = (ancestor: number) => {
    for (const listener of listeners) listener({ type: "rollback", ancestor });
  };
  indexer.on("events", onEvents);
  indexer.on("rollback", onRollback);
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      indexer.off("events", onEvents);
      indexer.off("rollback", onRollback);
      listeners.clear();
    },
  };
}

/** For an API process apart from the indexer (PostgreSQL): polls the events table while anyone listens. */
export function pollingFeed(db: Queryable, intervalMs: number): EventFeed {
  const listeners = new Set<(message: FeedMessage) => void>();
  let timer: NodeJS.Timeout | undefined;
  let last: { block: number; logIndex: number } | undefined;
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      if (last === undefined) {
        const [row] = await db.query<{ block_number: number; log_index: number }>(
          `SELECT block_number, log_index FROM events ORDER BY block_number DESC, log_index DESC LIMIT 1`,
        );
        last = row === undefined ? { block: -1, logIndex: -1 } : { block: row.block_number, logIndex: row.log_index };
        return;
      }
      const [max] = await db.query<{ b: number | null }>(`SELECT max(block_number) AS b FROM events`);
      if ((max.b ?? -1) < last.block) {
        const ancestor = max.b ?? -1;
        for (const listener of listeners) listener({ type: "rollback", ancestor });
        last = { block: ancestor, logIndex: Number.MAX_SAFE_INTEGER };
      }
      const rows = await db.query(
        `SELECT * FROM events WHERE (block_number, log_index) > ($1::bigint, $2::integer) ORDER BY block_number, log_index LIMIT 5000`,
        [last.block, Math.min(last.logIndex, 2_147_483_647)],
      );
      for (const row of rows) {
        const event = toEventJson(row);
        last = { block: event.blockNumber, logIndex: event.logIndex };
        for (const listener of listeners) listener({ type: "event", event });
      }
    } catch {
      // The next tick retries; the database may be restarting.
    } finally {
      busy = false;
    }
  };
  return {
    subscribe(listener) {
      listeners.add(listener);
      if (timer === undefined) {
        last = undefined;
        void tick();
        timer = setInterval(() => void tick(), intervalMs);
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer !== undefined) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
    close() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      listeners.clear();
    },
  };
}
