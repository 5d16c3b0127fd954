import { z } from "zod";
import type { Row } from "../../indexer/db.js";
import { CONTRACT_EVENTS } from "../contracts.js";
import { chainOrder, eq, listRoute } from "../list.js";
import { bytes32, defineRoute, defineRoutes } from "../route.js";

export const eventSchema = z.object({
  id: z.string().describe("block:logIndex, usable as an SSE Last-Event-ID"),
  blockNumber: z.number().int(),
  blockHash: z.string(),
  txHash: z.string(),
  logIndex: z.number().int(),
  address: z.string(),
  contract: z.string(),
  event: z.string(),
  args: z.record(z.string(), z.unknown()),
});

export type EventJson = z.infer<typeof eventSchema>;

export const toEventJson = (r: Row): EventJson => ({
  id: `${String(r.block_number)}:${String(r.log_index)}`,
  blockNumber: r.block_number as number,
  blockHash: r.block_hash as string,
  txHash: r.tx_hash as string,
  logIndex: r.log_index as number,
  address: r.address as string,
  contract: r.contract as string,
  event: r.event as string,
  args: r.args as Record<string, unknown>,
});

const EVENT_NAMES = [...new Set([...CONTRACT_EVENTS.values()].flat())].sort();

/** A contract name the indexer knows (400 for any other: a typo would silently match nothing). */
export const contractName = z.enum([...CONTRACT_EVENTS.keys()].sort() as [string, ...string[]], {
  error: "unknown contract (see the enum in /openapi.json)",
});
/** An event name of one of those contracts. */
export const eventName = z.enum(EVENT_NAMES as [string, ...string[]], {
  error: "unknown event (see the enum in /openapi.json)",
});

/** The indexer's own endpoints: the raw event log and its progress. */
export default defineRoutes({
  name: "events",
  routes: [
    listRoute({
      path: "/events",
      summary: "Every decoded event, as emitted (audit trail)",
      tags: ["events"],
      from: "events e",
      blocks: "e.block_number",
      filters: {
        contract: eq("e.contract", contractName),
        event: eq("e.event", eventName),
        txHash: eq("e.tx_hash", bytes32),
      },
      sorts: { chain: chainOrder("e", false) },
      order: "asc",
      item: eventSchema,
      toItem: toEventJson,
    }),
    defineRoute({
      path: "/status",
      summary: "Indexer progress: indexed block, head, lag, events",
      tags: ["events"],
      response: z.object({
        chainId: z.number().int(),
        indexedBlock: z.number().int(),
        headBlock: z.number().int(),
        lag: z.number().int(),
        confirmations: z.number().int(),
        ready: z.boolean(),
        eventsTotal: z.number().int(),
        eventsPerSecond: z.number(),
        reorgs: z.number().int(),
        nodeBehind: z.number().int().describe("Polls at which the node was below the index (waited, not rolled back)"),
        halted: z
          .string()
          .optional()
          .describe("Why indexing halted (a reorg deeper than the kept hashes); cleared by `consortia index rebuild`"),
        lastError: z.string().optional(),
      }),
      async handler(_input, ctx) {
        const s = await ctx.status();
        return { ...s, lag: Math.max(0, s.headBlock - s.indexedBlock) };
      },
    }),
  ],
});
