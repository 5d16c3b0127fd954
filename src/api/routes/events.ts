import { z } from "zod";
import type { Row } from "../../indexer/db.js";
import { blockRangeQuery, defineRoute, defineRoutes, listPage, pageQuery, Sql } from "../route.js";

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

const name = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected a contract or event name")
  .max(100);

/** The indexer's own endpoints: the raw event log and its progress. */
export default defineRoutes({
  name: "events",
  routes: [
    defineRoute({
      path: "/events",
      summary: "Every decoded event, as emitted (audit trail)",
      tags: ["events"],
      query: z.object({
        contract: name.optional(),
        event: name.optional(),
        txHash: z
          .string()
          .regex(/^0x[0-9a-fA-F]{64}$/)
          .transform((h) => h.toLowerCase())
          .optional(),
        order: z.enum(["asc", "desc"]).default("asc"),
        ...blockRangeQuery,
        ...pageQuery,
      }),
      response: z.object({ items: z.array(eventSchema), nextCursor: z.string().nullable() }),
      async handler({ query }, ctx) {
        const q = new Sql();
        const where: string[] = [];
        if (query.contract !== undefined) where.push(`e.contract = ${q.p(query.contract)}`);
        if (query.event !== undefined) where.push(`e.event = ${q.p(query.event)}`);
        if (query.txHash !== undefined) where.push(`e.tx_hash = ${q.p(query.txHash)}`);
        if (query.fromBlock !== undefined) where.push(`e.block_number >= ${q.p(query.fromBlock, "bigint")}`);
        if (query.toBlock !== undefined) where.push(`e.block_number <= ${q.p(query.toBlock, "bigint")}`);
        return listPage(
          ctx.db,
          {
            select: "SELECT e.* FROM events e",
            where,
            q,
            sort: [
              { sql: "e.block_number", field: "block_number", type: "bigint" },
              { sql: "e.log_index", field: "log_index", type: "integer" },
            ],
          },
          query,
          toEventJson,
        );
      },
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
        lastError: z.string().optional(),
      }),
      async handler(_input, ctx) {
        const s = await ctx.status();
        return { ...s, lag: Math.max(0, s.headBlock - s.indexedBlock) };
      },
    }),
  ],
});
