import { z } from "zod";
import type { Row } from "../../indexer/db.js";
import {
  CATEGORIES,
  DISPUTE_STATES,
  ENTRY_STATUSES,
  RESOLUTIONS,
  SUBJECT_KINDS,
} from "../../indexer/projections/credit.js";
import {
  address,
  appendSource,
  asOfFilter,
  asOfQuery,
  blockRangeQuery,
  bytes32,
  checkAsOf,
  defineRoute,
  defineRoutes,
  id32,
  listPage,
  NotFoundError,
  page,
  pageQuery,
  source,
  Sql,
  versionSource,
} from "../route.js";

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
const booleanQuery = z.enum(["true", "false"]).transform((v) => v === "true");
const entryNumber = z.coerce.number().int().min(1).max(4_294_967_295);
const unixSeconds = z.coerce
  .number()
  .int()
  .min(0)
  .max(2 ** 40);

// ------------------------------------------------------------------------------------------------- schemas

const entrySchema = z.object({
  subjectKey: z.string(),
  number: z.number().int(),
  reporter: z.number().int(),
  reporterAccount: z.string(),
  subjectKind: z.enum(SUBJECT_KINDS),
  category: z.enum(CATEGORIES),
  severity: z.number().int(),
  status: z.enum(ENTRY_STATUSES),
  version: z.number().int(),
  expiresAt: z.number().int().describe("Unix seconds"),
  listed: z
    .boolean()
    .describe("Active or Disputed and not expired at `at`: what a logged query of the subject would show"),
  evidenceHash: z.string(),
  payloadHash: z.string(),
  payloadLocationHash: z.string(),
  revokeReasonHash: z.string().nullable(),
  dispute: z
    .object({
      state: z.enum(DISPUTE_STATES),
      disputer: z.number().int(),
      version: z.number().int(),
      reasonHash: z.string(),
    })
    .nullable()
    .describe("The entry's latest dispute"),
  reported: source,
  updatedBlock: z.number().int(),
  source,
});
const versionSchema = z.object({
  version: z.number().int(),
  reporter: z.number().int(),
  account: z.string(),
  category: z.enum(CATEGORIES),
  severity: z.number().int(),
  expiresAt: z.number().int(),
  evidenceHash: z.string(),
  payloadHash: z.string(),
  payloadLocationHash: z.string(),
  source,
});
const disputeSchema = z.object({
  action: z.enum(["Disputed", "Resolved", "EndedByRevocation"]),
  memberId: z.number().int().nullable().describe("Disputer or resolver; null when governance resolved it"),
  account: z.string(),
  version: z.number().int(),
  resolution: z.enum(RESOLUTIONS).nullable(),
  hash: z.string().describe("Reason (dispute, revocation) or resolution hash"),
  source,
});
const querySchema = z.object({
  querier: z.number().int(),
  account: z.string(),
  subjectKey: z.string(),
  consentHash: z.string(),
  cursor: z.number().int().describe("Entry number the page started at (0: the newest)"),
  nextCursor: z.number().int().describe("Where the next page starts (0: no more)"),
  shown: z.number().int().describe("Active, unexpired entries the page returned"),
  source,
});

// ------------------------------------------------------------------------------------------------- mapping

const toEntry = (r: Row, at: number) => ({
  subjectKey: r.subject_key as string,
  number: r.number as number,
  reporter: r.reporter as number,
  reporterAccount: r.reporter_account as string,
  subjectKind: r.subject_kind as (typeof SUBJECT_KINDS)[number],
  category: r.category as (typeof CATEGORIES)[number],
  severity: r.severity as number,
  status: r.status as (typeof ENTRY_STATUSES)[number],
  version: r.version as number,
  expiresAt: r.expires_at as number,
  listed: (r.status === "Active" || r.status === "Disputed") && (r.expires_at as number) > at,
  evidenceHash: r.evidence_hash as string,
  payloadHash: r.payload_hash as string,
  payloadLocationHash: r.payload_location_hash as string,
  revokeReasonHash: str(r.revoke_reason_hash),
  dispute:
    r.dispute_state === null
      ? null
      : {
          state: r.dispute_state as (typeof DISPUTE_STATES)[number],
          disputer: r.disputer as number,
          version: r.dispute_version as number,
          reasonHash: r.dispute_reason_hash as string,
        },
  reported: { block: r.reported_block as number, tx: r.reported_tx as string, logIndex: 0 },
  updatedBlock: r.updated_block as number,
  source: versionSource(r),
});

const toVersion = (r: Row) => ({
  version: r.version as number,
  reporter: r.reporter as number,
  account: r.account as string,
  category: r.category as (typeof CATEGORIES)[number],
  severity: r.severity as number,
  expiresAt: r.expires_at as number,
  evidenceHash: r.evidence_hash as string,
  payloadHash: r.payload_hash as string,
  payloadLocationHash: r.payload_location_hash as string,
  source: appendSource(r),
});

const toDispute = (r: Row) => ({
  action: r.action as "Disputed" | "Resolved" | "EndedByRevocation",
  memberId: (r.member_id as number | null) ?? null,
  account: r.account as string,
  version: r.version as number,
  resolution: (r.resolution as (typeof RESOLUTIONS)[number] | null) ?? null,
  hash: r.hash as string,
  source: appendSource(r),
});

const toQuery = (r: Row) => ({
  querier: r.querier as number,
  account: r.account as string,
  subjectKey: r.subject_key as string,
  consentHash: r.consent_hash as string,
  cursor: r.page_cursor as number,
  nextCursor: r.next_cursor as number,
  shown: r.shown as number,
  source: appendSource(r),
});

const nowSeconds = () => Math.floor(Date.now() / 1000);
const atQuery = {
  at: unixSeconds
    .optional()
    .describe("Unix seconds that `listed` and `listed=true` compare expiry with (default: now)"),
};

const entrySorts = {
  number: [{ sql: "e.number", field: "number", type: "bigint" }],
  reported: [
    { sql: "e.reported_block", field: "reported_block", type: "bigint" },
    { sql: "e.subject_key", field: "subject_key", type: "text" },
    { sql: "e.number", field: "number", type: "bigint" },
  ],
} as const;

/** Query-log page: newest first by default. */
async function queryLog(
  ctx: Parameters<Parameters<typeof defineRoute>[0]["handler"]>[1],
  where: string[],
  q: Sql,
  query: { order: "asc" | "desc"; limit: number; cursor?: string | undefined; fromBlock?: number; toBlock?: number },
) {
  if (query.fromBlock !== undefined) where.push(`l.block_number >= ${q.p(query.fromBlock, "bigint")}`);
  if (query.toBlock !== undefined) where.push(`l.block_number <= ${q.p(query.toBlock, "bigint")}`);
  return listPage(
    ctx.db,
    {
      select: "SELECT l.* FROM credit_queries l",
      where,
      q,
      sort: [
        { sql: "l.block_number", field: "block_number", type: "bigint" },
        { sql: "l.log_index", field: "log_index", type: "integer" },
        { sql: "l.seq", field: "seq", type: "integer" },
      ],
    },
    query,
    toQuery,
  );
}

const newestFirst = z.enum(["asc", "desc"]).default("desc");

export default defineRoutes({
  name: "credit",
  routes: [
    defineRoute({
      path: "/credit/subjects/:subjectKey/entries",
      summary: "Blacklist entries of a subject key (current, or as of a block)",
      description:
        "Subject keys are the keyed hashes reporters put on chain; the API never sees an identifier. An unknown " +
        "subject answers an empty list. This read is not a logged query: a compliant customer check is the " +
        "contract's `query` transaction.",
      tags: ["credit"],
      params: z.object({ subjectKey: bytes32 }),
      query: z.object({
        status: z.enum(ENTRY_STATUSES).optional(),
        reporter: id32.optional(),
        category: z.enum(CATEGORIES).optional(),
        listed: booleanQuery.optional().describe("true: only Active/Disputed entries unexpired at `at`"),
        ...atQuery,
        order: newestFirst,
        ...asOfQuery,
        ...pageQuery,
      }),
      response: page(entrySchema),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const at = query.at ?? nowSeconds();
        const q = new Sql();
        const where = [`e.subject_key = ${q.p(params.subjectKey)}`, asOfFilter(q, "e", query.asOf)];
        if (query.status !== undefined) where.push(`e.status = ${q.p(query.status)}`);
        if (query.reporter !== undefined) where.push(`e.reporter = ${q.p(query.reporter, "bigint")}`);
        if (query.category !== undefined) where.push(`e.category = ${q.p(query.category)}`);
        if (query.listed !== undefined) {
          const listed = `(e.status IN ('Active', 'Disputed') AND e.expires_at > ${q.p(at, "bigint")})`;
          where.push(query.listed ? listed : `NOT ${listed}`);
        }
        return listPage(
          ctx.db,
          {
            select: "SELECT e.* FROM credit_entries e",
            where,
            q,
            sort: entrySorts.number,
          },
          query,
          (r) => toEntry(r, at),
        );
      },
    }),
    defineRoute({
      path: "/credit/entries",
      summary: "Blacklist entries across subjects, by reporter, status, category or dispute state (newest first)",
      tags: ["credit"],
      query: z.object({
        reporter: id32.optional(),
        status: z.enum(ENTRY_STATUSES).optional(),
        category: z.enum(CATEGORIES).optional(),
        disputeState: z.enum(DISPUTE_STATES).optional(),
        ...atQuery,
        order: newestFirst,
        ...asOfQuery,
        ...pageQuery,
      }),
      response: page(entrySchema),
      async handler({ query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const at = query.at ?? nowSeconds();
        const q = new Sql();
        const where = [asOfFilter(q, "e", query.asOf)];
        if (query.reporter !== undefined) where.push(`e.reporter = ${q.p(query.reporter, "bigint")}`);
        if (query.status !== undefined) where.push(`e.status = ${q.p(query.status)}`);
        if (query.category !== undefined) where.push(`e.category = ${q.p(query.category)}`);
        if (query.disputeState !== undefined) where.push(`e.dispute_state = ${q.p(query.disputeState)}`);
        return listPage(
          ctx.db,
          {
            select: "SELECT e.* FROM credit_entries e",
            where,
            q,
            sort: entrySorts.reported,
          },
          query,
          (r) => toEntry(r, at),
        );
      },
    }),
    defineRoute({
      path: "/credit/subjects/:subjectKey/entries/:number",
      summary: "One blacklist entry with its version history (hashes of every version) and its disputes",
      tags: ["credit"],
      params: z.object({ subjectKey: bytes32, number: entryNumber }),
      query: z.object({ ...atQuery, ...asOfQuery }),
      response: entrySchema.extend({ versions: z.array(versionSchema), disputes: z.array(disputeSchema) }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const key = `subject_key = ${q.p(params.subjectKey)} AND number = ${q.p(params.number, "bigint")}`;
        const [row] = await ctx.db.query(
          `SELECT * FROM credit_entries e WHERE e.${key} AND ${asOfFilter(q, "e", query.asOf)}`,
          q.params,
        );
        if (row === undefined) throw new NotFoundError(`entry ${params.number} of ${params.subjectKey} not found`);
        const log = async (table: string) => {
          const ql = new Sql();
          return ctx.db.query(
            `SELECT * FROM ${table} t WHERE t.subject_key = ${ql.p(params.subjectKey)} AND t.number = ${ql.p(params.number, "bigint")}${
              query.asOf === undefined ? "" : ` AND t.block_number <= ${ql.p(query.asOf, "bigint")}`
            } ORDER BY t.block_number, t.log_index, t.seq`,
            ql.params,
          );
        };
        return {
          ...toEntry(row, query.at ?? nowSeconds()),
          versions: (await log("credit_entry_versions")).map(toVersion),
          disputes: (await log("credit_disputes")).map(toDispute),
        };
      },
    }),
    defineRoute({
      path: "/credit/members/:id/queries",
      summary: "Query log of a member (for auditors): who asked about which subject, under which consent",
      tags: ["credit"],
      params: z.object({ id: id32 }),
      query: z.object({
        subjectKey: bytes32.optional(),
        account: address.optional(),
        order: newestFirst,
        ...blockRangeQuery,
        ...pageQuery,
      }),
      response: page(querySchema),
      async handler({ params, query }, ctx) {
        const q = new Sql();
        const where = [`l.querier = ${q.p(params.id, "bigint")}`];
        if (query.subjectKey !== undefined) where.push(`l.subject_key = ${q.p(query.subjectKey)}`);
        if (query.account !== undefined) where.push(`l.account = ${q.p(query.account)}`);
        return queryLog(ctx, where, q, query);
      },
    }),
    defineRoute({
      path: "/credit/subjects/:subjectKey/queries",
      summary: "Logged queries of a subject key: which members asked, when, under which consent",
      tags: ["credit"],
      params: z.object({ subjectKey: bytes32 }),
      query: z.object({ querier: id32.optional(), order: newestFirst, ...blockRangeQuery, ...pageQuery }),
      response: page(querySchema),
      async handler({ params, query }, ctx) {
        const q = new Sql();
        const where = [`l.subject_key = ${q.p(params.subjectKey)}`];
        if (query.querier !== undefined) where.push(`l.querier = ${q.p(query.querier, "bigint")}`);
        return queryLog(ctx, where, q, query);
      },
    }),
  ],
});
