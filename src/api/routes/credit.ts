import { z } from "zod";
import { party, row, rows, selfParam, type Visible } from "../access.js";
import type { Row } from "../../indexer/db.js";
import {
  CATEGORIES,
  DISPUTE_STATES,
  ENTRY_STATUSES,
  RESOLUTIONS,
  SUBJECT_KINDS,
} from "../../indexer/projections/credit.js";
import { chainOrder, eq, filter, key, listRoute } from "../list.js";
import {
  address,
  appendSource,
  asOfQuery,
  atQuery,
  booleanParam,
  bytes32,
  checkAsOf,
  defineRoute,
  defineRoutes,
  findOne,
  integer,
  memberId,
  resolveAt,
  source,
  sourceOf,
  Sql,
  versionSource,
} from "../route.js";

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
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
  reported: sourceOf(r.reported_block, r.reported_tx),
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

const at = atQuery("that `listed` and `listed=true` compare expiry with");

/** `listed`: Active or Disputed and unexpired at `at`. */
const listed = filter(
  booleanParam.describe("true: only Active/Disputed entries unexpired at `at`"),
  (value, q, query) => {
    const condition = `(e.status IN ('Active', 'Disputed') AND e.expires_at > ${q.p(resolveAt(query), "bigint")})`;
    return value ? condition : `NOT ${condition}`;
  },
);

/** The query log, newest first, filtered by blocks. */
const queryLog = {
  tags: ["credit"],
  from: "credit_queries l",
  blocks: "l.block_number",
  sorts: { chain: chainOrder("l") },
  order: "desc",
  item: querySchema,
  toItem: toQuery,
} as const;

/**
 * A credit entry is read by its reporter, or by a member that logged a query of its subject (its own
 * `CreditQueried` for that subject key): browsing entries without a logged query is what the rules forbid.
 */
const ENTRY_READERS =
  (alias: string): Visible =>
  (q, member) =>
    `(${party(`${alias}.reporter`)(q, member)} OR EXISTS (SELECT 1 FROM credit_queries cq WHERE cq.subject_key = ${alias}.subject_key AND ${party("cq.querier")(q, member)}))`;

export default defineRoutes({
  name: "credit",
  routes: [
    listRoute({
      path: "/credit/subjects/:subjectKey/entries",
      access: rows(ENTRY_READERS("e")),
      summary: "Blacklist entries of a subject key (current, or as of a block)",
      description:
        "Subject keys are the keyed hashes reporters put on chain; the API never sees an identifier. An unknown " +
        "subject answers an empty list. This read is not a logged query: a compliant customer check is the " +
        "contract's `query` transaction.",
      tags: ["credit"],
      params: { subjectKey: bytes32 },
      from: "credit_entries e",
      asOf: "versioned",
      scope: ({ params }, q) => [`e.subject_key = ${q.p(params.subjectKey)}`],
      filters: {
        status: eq("e.status", z.enum(ENTRY_STATUSES)),
        reporter: eq("e.reporter", memberId, "bigint"),
        category: eq("e.category", z.enum(CATEGORIES)),
        listed,
      },
      query: at,
      sorts: { number: [key("e.number", "bigint")] },
      order: "desc",
      item: entrySchema,
      toItem: (row, { query }) => toEntry(row, resolveAt(query)),
    }),
    listRoute({
      path: "/credit/entries",
      access: rows(ENTRY_READERS("e")),
      summary: "Blacklist entries across subjects, by reporter, status, category or dispute state (newest first)",
      tags: ["credit"],
      from: "credit_entries e",
      asOf: "versioned",
      filters: {
        reporter: eq("e.reporter", memberId, "bigint"),
        status: eq("e.status", z.enum(ENTRY_STATUSES)),
        category: eq("e.category", z.enum(CATEGORIES)),
        disputeState: eq("e.dispute_state", z.enum(DISPUTE_STATES)),
      },
      query: at,
      sorts: {
        reported: [key("e.reported_block", "bigint"), key("e.subject_key", "text"), key("e.number", "bigint")],
      },
      order: "desc",
      item: entrySchema,
      toItem: (row, { query }) => toEntry(row, resolveAt(query)),
    }),
    defineRoute({
      path: "/credit/subjects/:subjectKey/entries/:number",
      access: row(
        "credit_entries e",
        { subject_key: ["subjectKey", "text"], number: ["number", "bigint"] },
        ENTRY_READERS("e"),
      ),
      summary: "One blacklist entry with its version history (hashes of every version) and its disputes",
      tags: ["credit"],
      params: z.object({ subjectKey: bytes32, number: integer(1, 4_294_967_295) }),
      query: z.object({ ...at, ...asOfQuery }),
      response: entrySchema.extend({ versions: z.array(versionSchema), disputes: z.array(disputeSchema) }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const row = await findOne(
          ctx.db,
          {
            from: "credit_entries e",
            key: { subject_key: [params.subjectKey, "text"], number: [params.number, "bigint"] },
            asOf: query.asOf,
          },
          `entry ${params.number} of ${params.subjectKey} not found`,
        );
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
          ...toEntry(row, resolveAt(query)),
          versions: (await log("credit_entry_versions")).map(toVersion),
          disputes: (await log("credit_disputes")).map(toDispute),
        };
      },
    }),
    listRoute({
      ...queryLog,
      path: "/credit/members/:id/queries",
      access: selfParam("id"),
      summary: "Query log of a member (for auditors): who asked about which subject, under which consent",
      params: { id: memberId },
      scope: ({ params }, q) => [`l.querier = ${q.p(params.id, "bigint")}`],
      filters: { subjectKey: eq("l.subject_key", bytes32), account: eq("l.account", address) },
    }),
    listRoute({
      ...queryLog,
      path: "/credit/subjects/:subjectKey/queries",
      access: rows(party("l.querier")),
      summary: "Logged queries of a subject key: which members asked, when, under which consent",
      params: { subjectKey: bytes32 },
      scope: ({ params }, q) => [`l.subject_key = ${q.p(params.subjectKey)}`],
      filters: { querier: eq("l.querier", memberId, "bigint") },
    }),
  ],
});
