import { z } from "zod";
import { eventVisible, publicAccess, rows } from "../access.js";
import type { Row } from "../../indexer/db.js";
import type { Verification } from "../../indexer/verify.js";
import { CONTRACT_EVENTS } from "../contracts.js";
import { chainOrder, eq, listRoute } from "../list.js";
import { bytes32, chainTime, defineRoute, defineRoutes, timeFields } from "../route.js";

export const eventSchema = z.object({
  id: z.string().describe("block:logIndex, usable as an SSE Last-Event-ID"),
  blockNumber: z.number().int(),
  blockHash: z.string(),
  txHash: z.string(),
  logIndex: z.number().int(),
  ...chainTime,
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
  ...timeFields(r.block_time as number | null),
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
      access: rows(eventVisible("e")),
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
      access: publicAccess,
      summary: "Indexer progress: indexed block, head, lag, events",
      tags: ["events"],
      response: z.object({
        chainId: z.number().int(),
        indexedBlock: z.number().int(),
        indexedTime: chainTime.time.describe("The indexed block's time (unix seconds): the chain's latest time known"),
        indexedDate: chainTime.date.describe("The same in ISO 8601 (UTC)"),
        headBlock: z.number().int(),
        lag: z.number().int(),
        confirmations: z.number().int(),
        ready: z.boolean(),
        eventsTotal: z.number().int(),
        eventsPerSecond: z.number(),
        reorgs: z.number().int(),
        nodeBehind: z.number().int().describe("Polls at which the node was below the index (waited, not rolled back)"),
        nodes: z
          .array(
            z.object({
              node: z.string().describe("scheme://host:port of the URL (path, query and credentials left out)"),
              head: z.number().int().describe("Latest head it reported (-1 before its first answer)"),
              up: z.boolean().describe("Answering; a node down is skipped and asked again later"),
              failures: z.number().int().describe("Failed requests in a row"),
              lastError: z.string().optional(),
            }),
          )
          .describe("Each RPC node of RPC_URL (a,b,c), in the configured order"),
        failovers: z.number().int().describe("Times a node answered in place of one that went down"),
        halted: z
          .string()
          .optional()
          .describe("Why indexing halted (a reorg deeper than the kept hashes); cleared by `consortia index rebuild`"),
        lastError: z.string().optional(),
        role: z
          .enum(["writer", "standby", "replica"])
          .describe(
            "This process: `writer` indexes (on PostgreSQL it holds the writer lock), `standby` waits for the lock, " +
              "`replica` serves the API only; a standby and a replica report the writer's progress from the database",
          ),
        verification: z
          .object({
            block: z.number().int(),
            time: z.number().int(),
            compared: z.record(z.string(), z.number().int()).describe("Values compared, by check"),
            drift: z.array(z.object({ check: z.string(), key: z.string(), indexed: z.string(), chain: z.string() })),
            verifiedAt: z.string().describe("When it ran (ISO 8601)"),
          })
          .nullable()
          .describe("The last `consortia index verify`: projections against the contracts' views at one block"),
      }),
      async handler(_input, ctx) {
        const s = await ctx.status();
        const { time, date } = timeFields(s.indexedBlockTime);
        const [row] = await ctx.db.query<{ verification: Verification | null }>(
          `SELECT verification FROM indexer_state LIMIT 1`,
        );
        return {
          ...s,
          indexedTime: time,
          indexedDate: date,
          lag: Math.max(0, s.headBlock - s.indexedBlock),
          role: s.role ?? "writer",
          verification: row?.verification ?? null,
        };
      },
    }),
  ],
});
