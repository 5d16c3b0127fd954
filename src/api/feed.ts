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
  /** Stops the feed; resolves once nothing it started still reads the database (close the database after it). */
  close(): Promise<void>;
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
      return Promise.resolve();
    },
  };
}

/**
 * For an API process apart from the indexer (PostgreSQL): polls the events table while anyone listens. `close` stops
 * the polling and waits for a poll in flight, which runs no further query once closing began: the database may be
 * closed once it resolves.
 */
export function pollingFeed(db: Queryable, intervalMs: number): EventFeed {
  const listeners = new Set<(message: FeedMessage) => void>();
  let timer: NodeJS.Timeout | undefined;
  let last: { block: number; logIndex: number } | undefined;
  let busy: Promise<void> | undefined;
  let closed = false;
  /** The database while the feed is open; once closed, a poll in flight stops at its next query. */
  const open: Queryable = {
    query: (sql, params) => (closed ? Promise.reject(new Error("the event feed is closed")) : db.query(sql, params)),
  };
  const tick = () => {
    if (busy !== undefined || closed) return;
    busy = poll().finally(() => (busy = undefined));
  };
  const poll = async () => {
    const db = open;
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
      // The next tick retries; the database may be restarting (or the feed closing).
    }
  };
  return {
    subscribe(listener) {
      if (closed) return () => {};
      listeners.add(listener);
      if (timer === undefined) {
        last = undefined;
        tick();
        timer = setInterval(tick, intervalMs);
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer !== undefined) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
    async close() {
      closed = true;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      listeners.clear();
      await busy;
    },
  };
}
