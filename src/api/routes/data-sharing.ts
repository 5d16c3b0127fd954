import { z } from "zod";
import { membersAccess, party, publicAccess, row, rowCondition, rows, selfParam, type Visible } from "../access.js";
import type { Queryable, Row } from "../../indexer/db.js";
import {
  accessChainSeed,
  CERTIFICATE_STATUSES,
  CERTIFICATE_VALIDITIES,
  CLASSIFICATIONS,
  DATASET_STATUSES,
  GRANT_STATUSES,
  GRANT_VALIDITIES,
  HASH_KINDS,
  SENSITIVE_OPERATIONS,
} from "../../indexer/projections/data-sharing.js";
import { accessLogSelect, verifyAccessTrail, type AccessTrail } from "../../indexer/verify/data-sharing.js";
import { chainOrder, eq, key, listRoute } from "../list.js";
import {
  type RouteContext,
  appendSource,
  asOfFilter,
  asOfQuery,
  atQuery,
  BadRequestError,
  bytes32,
  checkAsOf,
  defineRoute,
  defineRoutes,
  findOne,
  id64,
  integer,
  memberId,
  NotFoundError,
  resolveAt,
  source,
  sourceOf,
  Sql,
  versionSource,
} from "../route.js";

const origin = (block: unknown, tx: unknown) => (block === null || block === undefined ? null : sourceOf(block, tx));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

// ------------------------------------------------------------------------------------------------- schemas

const versionSchema = z.object({
  version: z.number().int(),
  contentHash: z.string(),
  hashKind: z.enum(HASH_KINDS),
  metadataHash: z.string(),
  publishedBy: z.string(),
  source,
});
const policySchema = z.object({
  enabled: z.boolean(),
  memberKinds: z.number().int(),
  requiredRoles: z.string(),
  maxScope: z.string(),
  duration: z.number().int(),
  mayDelegate: z.boolean(),
  /** Purpose hashes the policy grants for (a request it covers with another purpose is refused). */
  allowedPurposes: z.array(z.string()),
  setBy: z.string(),
  source,
});
const datasetSchema = z.object({
  id: z.number().int(),
  contract: z.string(),
  owner: z.number().int(),
  ownerAccount: z.string(),
  classification: z.enum(CLASSIFICATIONS),
  status: z.enum(DATASET_STATUSES),
  fieldMask: z.string(),
  latestVersion: z.number().int(),
  accessCount: z.number().int(),
  sensitiveCount: z.number().int(),
  sensitiveHead: z.string().nullable(),
  registered: source,
  source,
});
const grantSchema = z.object({
  id: z.number().int(),
  datasetId: z.number().int(),
  grantee: z.number().int(),
  parentId: z.number().int().nullable(),
  depth: z.number().int(),
  status: z.enum(GRANT_STATUSES),
  validity: z.enum(GRANT_VALIDITIES).describe("Whether the grant may be used at `at`, as the contract checks it"),
  purposeHash: z.string(),
  scope: z.string(),
  requestedScope: z.string().nullable(),
  expiresAt: z.number().nullable(),
  mayDelegate: z.boolean(),
  byPolicy: z.boolean(),
  request: z.object({ account: z.string(), source }).nullable().describe("The consumer's request, if any"),
  grantedBy: z.string().nullable(),
  granted: source.nullable(),
  endedByMember: z.number().int().nullable(),
  endedBy: z.string().nullable(),
  reasonHash: z.string().nullable(),
  source,
});
type Grant = z.infer<typeof grantSchema>;
type GrantNode = Grant & { children: GrantNode[] };
const grantNodeSchema: z.ZodType<GrantNode> = grantSchema.extend({
  get children() {
    return z.array(grantNodeSchema);
  },
});
const accessSchema = z.object({
  accessId: z.string(),
  datasetId: z.number().int(),
  seq: z.number().int(),
  grantId: z.number().int(),
  version: z.number().int(),
  consumer: z.number().int(),
  consumerAccount: z.string(),
  purposeHash: z.string(),
  resultHash: z.string(),
  source,
});
const sensitiveSchema = z.object({
  datasetId: z.number().int(),
  seq: z.number().int(),
  operation: z.enum(SENSITIVE_OPERATIONS),
  member: z.number().int(),
  account: z.string(),
  subjectId: z.number().int(),
  detailHash: z.string(),
  head: z.string(),
  source,
});
const certificateSchema = z.object({
  id: z.number().int(),
  issuer: z.number().int(),
  holderHash: z.string(),
  kind: z.number().int(),
  documentHash: z.string(),
  validFrom: z.number(),
  validUntil: z.number().nullable(),
  status: z.enum(CERTIFICATE_STATUSES),
  validity: z.enum(CERTIFICATE_VALIDITIES).describe("Status combined with the validity period at `at`"),
  root: z.number().int(),
  replaces: z.number().int().nullable(),
  replacedBy: z.number().int().nullable(),
  reasonHash: z.string().nullable(),
  issuedBy: z.string(),
  endedBy: z.string().nullable(),
  issued: source,
  source,
});

// ------------------------------------------------------------------------------------------------- mapping

const toDataset = (r: Row) => ({
  id: r.dataset_id as number,
  contract: r.contract as string,
  owner: r.owner as number,
  ownerAccount: r.owner_account as string,
  classification: r.classification as (typeof CLASSIFICATIONS)[number],
  status: r.status as (typeof DATASET_STATUSES)[number],
  fieldMask: r.field_mask as string,
  latestVersion: r.latest_version as number,
  accessCount: r.access_count as number,
  sensitiveCount: r.sensitive_count as number,
  sensitiveHead: text(r.sensitive_head),
  registered: sourceOf(r.registered_block, r.registered_tx),
  source: versionSource(r),
});

const toAccess = (r: Row) => ({
  accessId: r.access_id as string,
  datasetId: r.dataset_id as number,
  seq: r.log_seq as number,
  grantId: r.grant_id as number,
  version: r.version as number,
  consumer: r.consumer as number,
  consumerAccount: r.consumer_account as string,
  purposeHash: r.purpose_hash as string,
  resultHash: r.result_hash as string,
  source: appendSource(r),
});

/** A grant's validity at `at`, as `DataSharing._validity`: first failing reason walking up to the root. */
export function grantValidity(
  grant: Row,
  grants: ReadonlyMap<number, Row>,
  datasetStatus: string | undefined,
  at: number,
): (typeof GRANT_VALIDITIES)[number] {
  if (datasetStatus !== "Active") return "DatasetRetired";
  if (grant.status !== "Active") return grant.status === "Revoked" ? "Revoked" : "NotActive";
  if (BigInt(at) >= BigInt(grant.expires_at as string)) return "Expired";
  let parentId = (grant.parent_id as number | null) ?? 0;
  while (parentId !== 0) {
    const parent = grants.get(parentId);
    if (parent === undefined) throw new Error(`grant ${String(grant.grant_id)}: parent ${parentId} not indexed`);
    if (parent.status !== "Active") return "AncestorRevoked";
    if (BigInt(at) >= BigInt(parent.expires_at as string)) return "AncestorExpired";
    parentId = (parent.parent_id as number | null) ?? 0;
  }
  return "Valid";
}

function toGrant(r: Row, validity: (typeof GRANT_VALIDITIES)[number]): Grant {
  const parent = r.parent_id as number;
  return {
    id: r.grant_id as number,
    datasetId: r.dataset_id as number,
    grantee: r.grantee as number,
    parentId: parent === 0 ? null : parent,
    depth: r.depth as number,
    status: r.status as (typeof GRANT_STATUSES)[number],
    validity,
    purposeHash: r.purpose_hash as string,
    scope: r.scope as string,
    requestedScope: text(r.requested_scope),
    expiresAt: num(r.expires_at),
    mayDelegate: r.may_delegate as boolean,
    byPolicy: r.by_policy as boolean,
    request:
      r.requested_by === null
        ? null
        : {
            account: r.requested_by as string,
            source: sourceOf(r.requested_block, r.requested_tx),
          },
    grantedBy: text(r.granted_by),
    granted: origin(r.granted_block, r.granted_tx),
    endedByMember: num(r.ended_by_member),
    endedBy: text(r.ended_by),
    reasonHash: text(r.reason_hash),
    source: versionSource(r),
  };
}

function certificateValidity(r: Row, at: number): (typeof CERTIFICATE_VALIDITIES)[number] {
  if (r.status === "Revoked") return "Revoked";
  if (r.status === "Replaced") return "Replaced";
  if (BigInt(at) < BigInt(r.valid_from as string)) return "NotYetValid";
  if (r.valid_until !== null && BigInt(at) >= BigInt(r.valid_until as string)) return "Expired";
  return "Valid";
}

const toCertificate = (r: Row, at: number) => ({
  id: r.certificate_id as number,
  issuer: r.issuer as number,
  holderHash: r.holder_hash as string,
  kind: r.kind as number,
  documentHash: r.document_hash as string,
  validFrom: Number(r.valid_from),
  validUntil: num(r.valid_until),
  status: r.status as (typeof CERTIFICATE_STATUSES)[number],
  validity: certificateValidity(r, at),
  root: r.root as number,
  replaces: num(r.replaces),
  replacedBy: num(r.replaced_by),
  reasonHash: text(r.reason_hash),
  issuedBy: r.issued_by as string,
  endedBy: text(r.ended_by),
  issued: sourceOf(r.issued_block, r.issued_tx),
  source: versionSource(r),
});

// ------------------------------------------------------------------------------------------------- queries

const datasetRow = (db: Queryable, id: number, asOf: number | undefined): Promise<Row> =>
  findOne(db, { from: "datasets d", key: { dataset_id: [id, "bigint"] }, asOf }, `dataset ${id} not found`);

/** Every grant of the datasets named, keyed by id (grant trees are per dataset: parents share the dataset). */
async function grantsOf(db: Queryable, datasetIds: readonly number[], asOf: number | undefined) {
  const q = new Sql();
  const rows = await db.query(
    `SELECT * FROM data_grants g WHERE g.dataset_id = ANY(${q.p(datasetIds, "bigint[]")}) AND ${asOfFilter(q, "g", asOf)} ORDER BY g.grant_id`,
    q.params,
  );
  return new Map(rows.map((r) => [r.grant_id as number, r]));
}

async function datasetStatuses(db: Queryable, ids: readonly number[], asOf: number | undefined) {
  const q = new Sql();
  const rows = await db.query(
    `SELECT dataset_id, status FROM datasets d WHERE d.dataset_id = ANY(${q.p(ids, "bigint[]")}) AND ${asOfFilter(q, "d", asOf)}`,
    q.params,
  );
  return new Map(rows.map((r) => [r.dataset_id as number, r.status as string]));
}

const at = atQuery("grant and certificate validity is computed for");

const trailSchema = z
  .object({
    verified: z
      .boolean()
      .describe(
        "The indexed entries replay to the contract's accessHead and number its accessCount, both read at `block`",
      ),
    block: z.number().int().describe("The indexed block both the replay and the contract's views are read at"),
    entries: z.number().int().describe("Indexed entries replayed (the dataset's whole log up to `block`)"),
    count: z.number().int().nullable().describe("DataSharing.dataset(id).accessCount at `block`"),
    head: z
      .string()
      .nullable()
      .describe("The head the indexed entries replay to (null: a gap or repeat in seq prevents the replay)"),
    chainHead: z.string().nullable().describe("DataSharing.dataset(id).accessHead at `block` (null: not read)"),
    problem: z.string().nullable().describe("Why the trail is not verified; null when it is"),
  })
  .describe(
    "The dataset's whole access trail (whatever the page and filters) verified against the contract: the indexed " +
      "entries replayed into their hash chain (see /datasets/:id/access-chain) and compared with the contract's head",
  );

/**
 * The access trail of one dataset, replayed from the index and compared with the contract at the indexed block (by
 * its hash): `read` is the dataset's whole log up to that block, read in the same statement as the page (`trailRows`).
 */
async function accessTrail(
  ctx: RouteContext,
  datasetId: number,
  read: { rows: Row[]; context: unknown } | undefined,
): Promise<AccessTrail> {
  if (read === undefined) throw new Error("the access trail's rows were not read");
  const { block, blockHash } = read.context as { block: number; blockHash: string | undefined };
  return verifyAccessTrail({ db: ctx.db, ...ctx.chain, block, blockHash, cache: ctx.trails }, datasetId, read.rows);
}

/** The dataset's whole log up to the indexed block, for the trail: read with the page, in one statement. */
async function trailRows(datasetId: number, q: Sql, ctx: RouteContext) {
  const { indexedBlock, indexedBlockHash } = await ctx.status();
  return {
    sql: accessLogSelect(q.p(indexedBlock, "bigint"), q.p(datasetId, "bigint")),
    order: "log_seq",
    context: { block: indexedBlock, blockHash: indexedBlockHash },
  };
}

/** An access log, filtered by blocks. */
const accessLog = {
  tags: ["data-sharing"],
  from: "data_access_log a",
  blocks: "a.block_number",
  item: accessSchema,
  toItem: toAccess,
} as const;

/** A dataset's grant tree: its owner and the members it granted (or that asked) access. */
const DATASET_PARTIES =
  (alias: string): Visible =>
  (q, member) =>
    `(${party(`${alias}.owner`)(q, member)} OR EXISTS (SELECT 1 FROM data_grants dg WHERE dg.dataset_id = ${alias}.dataset_id AND ${party("dg.grantee")(q, member)}))`;
/** A grant: its grantee and the owner of its dataset. */
const GRANT_PARTIES =
  (alias: string): Visible =>
  (q, member) =>
    `(${party(`${alias}.grantee`)(q, member)} OR EXISTS (SELECT 1 FROM datasets dd WHERE dd.dataset_id = ${alias}.dataset_id AND ${party("dd.owner")(q, member)}))`;
/** A traced access: its consumer and the dataset's owner (a leak is traced by the owner or an auditor). */
const ACCESS_TRACE = rows(
  (q, member) =>
    `(${party("a.consumer")(q, member)} OR EXISTS (SELECT 1 FROM datasets dd WHERE dd.dataset_id = a.dataset_id AND ${party("dd.owner")(q, member)}))`,
);

export default defineRoutes({
  name: "data-sharing",
  routes: [
    listRoute({
      path: "/datasets",
      access: membersAccess,
      summary: "The data catalogue: datasets of an owner, by classification and status",
      tags: ["data-sharing"],
      from: "datasets d",
      asOf: "versioned",
      filters: {
        owner: eq("d.owner", memberId, "bigint"),
        classification: eq("d.classification", z.enum(CLASSIFICATIONS)),
        status: eq("d.status", z.enum(DATASET_STATUSES)),
      },
      sorts: {
        id: [key("d.dataset_id", "bigint")],
        accesses: [key("d.access_count", "bigint"), key("d.dataset_id", "bigint")],
      },
      order: "asc",
      item: datasetSchema,
      toItem: toDataset,
    }),
    defineRoute({
      path: "/datasets/:id",
      access: membersAccess,
      summary: "A dataset with its versions (content and metadata hashes) and its auto-grant policy",
      tags: ["data-sharing"],
      params: z.object({ id: id64 }),
      query: z.object({ ...asOfQuery }),
      response: datasetSchema.extend({ versions: z.array(versionSchema), autoGrantPolicy: policySchema.nullable() }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const row = await datasetRow(ctx.db, params.id, query.asOf);
        const qv = new Sql();
        const versions = await ctx.db.query(
          `SELECT * FROM dataset_versions v WHERE v.dataset_id = ${qv.p(params.id, "bigint")}${
            query.asOf === undefined ? "" : ` AND v.block_number <= ${qv.p(query.asOf, "bigint")}`
          } ORDER BY v.version`,
          qv.params,
        );
        const qp = new Sql();
        const [policy] = await ctx.db.query(
          `SELECT * FROM data_auto_grant_policies p WHERE p.dataset_id = ${qp.p(params.id, "bigint")} AND ${asOfFilter(qp, "p", query.asOf)}`,
          qp.params,
        );
        return {
          ...toDataset(row),
          versions: versions.map((v) => ({
            version: v.version as number,
            contentHash: v.content_hash as string,
            hashKind: v.hash_kind as (typeof HASH_KINDS)[number],
            metadataHash: v.metadata_hash as string,
            publishedBy: v.account as string,
            source: appendSource(v),
          })),
          autoGrantPolicy:
            policy === undefined
              ? null
              : {
                  enabled: policy.enabled as boolean,
                  memberKinds: policy.member_kinds as number,
                  requiredRoles: policy.required_roles as string,
                  maxScope: policy.max_scope as string,
                  duration: policy.duration as number,
                  mayDelegate: policy.may_delegate as boolean,
                  allowedPurposes: (policy.allowed_purposes as string[] | null) ?? [],
                  setBy: policy.account as string,
                  source: versionSource(policy),
                },
        };
      },
    }),
    defineRoute({
      path: "/datasets/:id/grants",
      access: row("datasets d", { dataset_id: ["id", "bigint"] }, DATASET_PARTIES("d")),
      summary: "A dataset's grants as a tree: grants by the owner at the roots, delegations below",
      description:
        "Requests and refused requests are roots too (they have no parent). Each node's `validity` walks up.",
      tags: ["data-sharing"],
      params: z.object({ id: id64 }),
      query: z.object({
        grantee: memberId.optional().describe("Only the subtrees holding a grant to this member"),
        ...at,
        ...asOfQuery,
      }),
      response: z.object({ datasetId: z.number().int(), at: z.number().int(), roots: z.array(grantNodeSchema) }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const dataset = await datasetRow(ctx.db, params.id, query.asOf);
        const at = resolveAt(query);
        const grants = await grantsOf(ctx.db, [params.id], query.asOf);
        const nodes = new Map<number, GrantNode>();
        for (const [id, r] of grants) {
          nodes.set(id, { ...toGrant(r, grantValidity(r, grants, dataset.status as string, at)), children: [] });
        }
        const roots: GrantNode[] = [];
        for (const node of nodes.values()) {
          const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
          (parent === undefined ? roots : parent.children).push(node);
        }
        const holds = (n: GrantNode): boolean => n.grantee === query.grantee || n.children.some(holds);
        return {
          datasetId: params.id,
          at,
          roots: query.grantee === undefined ? roots : roots.filter(holds),
        };
      },
    }),
    defineRoute({
      path: "/grants/:id",
      access: row("data_grants g", { grant_id: ["id", "bigint"] }, GRANT_PARTIES("g")),
      summary: "A grant with its delegation chain up to the owner's grant, and its validity",
      tags: ["data-sharing"],
      params: z.object({ id: id64 }),
      query: z.object({ ...at, ...asOfQuery }),
      response: grantSchema.extend({ chain: z.array(grantSchema).describe("Parent first, up to the root") }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const [row] = await ctx.db.query(
          `SELECT dataset_id FROM data_grants g WHERE g.grant_id = ${q.p(params.id, "bigint")} AND ${asOfFilter(q, "g", query.asOf)}`,
          q.params,
        );
        if (row === undefined) throw new NotFoundError(`grant ${params.id} not found`);
        const datasetId = row.dataset_id as number;
        const grants = await grantsOf(ctx.db, [datasetId], query.asOf);
        const status = (await datasetStatuses(ctx.db, [datasetId], query.asOf)).get(datasetId);
        const at = resolveAt(query);
        const view = (r: Row) => toGrant(r, grantValidity(r, grants, status, at));
        const chain = ancestors(grants, params.id).slice(1);
        return { ...view(grants.get(params.id)!), chain: chain.map(view) };
      },
    }),
    listRoute({
      ...accessLog,
      path: "/datasets/:id/access-log",
      access: row("datasets d", { dataset_id: ["id", "bigint"] }, party("d.owner")),
      summary: "A dataset's access log, for auditors: who accessed which version under which grant",
      description:
        "`trail` says whether the indexed log is the one the contract committed to: the API replays the dataset's " +
        "entries into their hash chain and compares the head and count with `DataSharing.dataset(id)` read from the " +
        "node at the indexed block. A dropped, altered or invented entry makes `verified` false (the answer is " +
        "still 200, with the `problem`).",
      params: { id: id64 },
      // The page's columns and the trail's (its rows carry their block's time), so both are read in one statement.
      select: "a.*, NULL::bigint AS block_time",
      alongside: ({ params }, q, ctx) => trailRows(params.id, q, ctx),
      extra: {
        response: { trail: trailSchema },
        compute: async ({ params }, ctx, read) => ({ trail: await accessTrail(ctx, params.id, read) }),
      },
      scope: ({ params }, q) => [`a.dataset_id = ${q.p(params.id, "bigint")}`],
      parent: ({ params }, ctx) => datasetRow(ctx.db, params.id, undefined),
      filters: {
        consumer: eq("a.consumer", memberId, "bigint"),
        grantId: eq("a.grant_id", id64, "bigint"),
        // bigint: a version above 2^31 - 1 is valid input (uint32) that an integer parameter would refuse with a 500.
        version: eq("a.version", integer(1, 4_294_967_295), "bigint"),
      },
      sorts: { seq: [key("a.log_seq", "bigint")] },
      order: "asc",
    }),
    listRoute({
      ...accessLog,
      path: "/consumers/:memberId/access-log",
      access: selfParam("memberId"),
      summary: "Every access a consumer made, across datasets",
      params: { memberId },
      scope: ({ params }, q) => [`a.consumer = ${q.p(params.memberId, "bigint")}`],
      filters: { datasetId: eq("a.dataset_id", id64, "bigint") },
      sorts: { chain: chainOrder("a") },
      order: "desc",
    }),
    defineRoute({
      path: "/access-trace",
      access: ACCESS_TRACE,
      summary: "Trace an access (by access id, or a leaked file by its result hash) to its grant chain and request",
      description:
        "Give exactly one of `accessId` (the EIP-712 digest of the consumer's signed request) and `resultHash` " +
        "(keccak256 of what was served; several accesses may have served the same bytes). Grants are as of now.",
      tags: ["data-sharing"],
      query: z.object({ accessId: bytes32.optional(), resultHash: bytes32.optional(), ...at }),
      response: z.object({
        items: z.array(
          z.object({
            access: accessSchema,
            dataset: datasetSchema,
            version: versionSchema.nullable(),
            grantChain: z.array(grantSchema).describe("The grant used first, then its parents up to the owner's"),
            request: z
              .object({ grantId: z.number().int(), account: z.string(), source })
              .nullable()
              .describe("The consumer's request behind the chain's root grant (null: granted without request)"),
          }),
        ),
      }),
      async handler({ query }, ctx) {
        if ((query.accessId === undefined) === (query.resultHash === undefined)) {
          throw new BadRequestError("give exactly one of accessId and resultHash");
        }
        const q = new Sql();
        const filter =
          query.accessId !== undefined
            ? `a.access_id = ${q.p(query.accessId)}`
            : `a.result_hash = ${q.p(query.resultHash)}`;
        const visible = rowCondition(ACCESS_TRACE, ctx.viewer, q);
        const accesses = await ctx.db.query(
          `SELECT * FROM data_access_log a WHERE ${filter}${visible === undefined ? "" : ` AND ${visible}`} ORDER BY a.block_number, a.log_index LIMIT 500`,
          q.params,
        );
        if (accesses.length === 0) {
          throw new NotFoundError(`no access recorded with ${query.accessId ?? query.resultHash}`);
        }
        const datasetIds = [...new Set(accesses.map((a) => a.dataset_id as number))];
        const grants = await grantsOf(ctx.db, datasetIds, undefined);
        const statuses = await datasetStatuses(ctx.db, datasetIds, undefined);
        const qd = new Sql();
        const datasets = new Map(
          (
            await ctx.db.query(
              `SELECT * FROM datasets d WHERE d.dataset_id = ANY(${qd.p(datasetIds, "bigint[]")}) AND d.valid_to_block IS NULL`,
              qd.params,
            )
          ).map((d) => [d.dataset_id as number, d]),
        );
        const qv = new Sql();
        const versions = await ctx.db.query(
          `SELECT * FROM dataset_versions v WHERE v.dataset_id = ANY(${qv.p(datasetIds, "bigint[]")})`,
          qv.params,
        );
        const at = resolveAt(query);
        return {
          items: accesses.map((a) => {
            const datasetId = a.dataset_id as number;
            const chain = ancestors(grants, a.grant_id as number);
            const root = chain.at(-1);
            const v = versions.find((x) => x.dataset_id === datasetId && x.version === a.version);
            return {
              access: toAccess(a),
              dataset: toDataset(datasets.get(datasetId)!),
              version:
                v === undefined
                  ? null
                  : {
                      version: v.version as number,
                      contentHash: v.content_hash as string,
                      hashKind: v.hash_kind as (typeof HASH_KINDS)[number],
                      metadataHash: v.metadata_hash as string,
                      publishedBy: v.account as string,
                      source: appendSource(v),
                    },
              grantChain: chain.map((g) => toGrant(g, grantValidity(g, grants, statuses.get(datasetId), at))),
              request:
                root === undefined || root.requested_by === null
                  ? null
                  : {
                      grantId: root.grant_id as number,
                      account: root.requested_by as string,
                      source: sourceOf(root.requested_block, root.requested_tx),
                    },
            };
          }),
        };
      },
    }),
    defineRoute({
      path: "/datasets/:id/access-chain",
      access: row("datasets d", { dataset_id: ["id", "bigint"] }, party("d.owner")),
      summary: "What replaying a dataset's access log needs, and whether the indexed log is complete",
      description:
        "The access log is a hash chain committed on chain (`IDataSharing.AccessRecorded`): " +
        "head_0 = `seed`, head_n = keccak256(abi.encode(head_n-1, seq, accessId, grantId, version, consumer, " +
        "purposeHash, resultHash, block timestamp)). `complete` says the indexed entries are seq 1..count exactly " +
        "once and `count` equals the dataset's counter. Replay the entries of `/datasets/:id/access-log` with the " +
        "timestamps of `blocks` (each entry's `source.time`; `replayAccessChain` in " +
        "src/indexer/projections/data-sharing.ts) and compare with `DataSharing.dataset(id).accessHead`.",
      tags: ["data-sharing"],
      params: z.object({ id: id64 }),
      query: z.object({ ...asOfQuery }),
      response: z.object({
        datasetId: z.number().int(),
        contract: z.string(),
        seed: z.string(),
        count: z.number().int(),
        indexedEntries: z.number().int(),
        complete: z.boolean(),
        blocks: z.array(z.number().int()).describe("Blocks whose timestamps the replay needs, ascending"),
      }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const dataset = await datasetRow(ctx.db, params.id, query.asOf);
        const q = new Sql();
        const upTo = query.asOf === undefined ? "" : ` AND a.block_number <= ${q.p(query.asOf, "bigint")}`;
        const [stats] = await ctx.db.query(
          `SELECT count(*)::bigint AS n, count(DISTINCT a.log_seq)::bigint AS distinct_seqs, min(a.log_seq) AS first, max(a.log_seq) AS last
             FROM data_access_log a WHERE a.dataset_id = ${q.p(params.id, "bigint")}${upTo}`,
          q.params,
        );
        const qb = new Sql();
        const blocks = await ctx.db.query(
          `SELECT DISTINCT a.block_number FROM data_access_log a WHERE a.dataset_id = ${qb.p(params.id, "bigint")}${
            query.asOf === undefined ? "" : ` AND a.block_number <= ${qb.p(query.asOf, "bigint")}`
          } ORDER BY a.block_number`,
          qb.params,
        );
        const count = dataset.access_count as number;
        const n = stats.n as number;
        const complete =
          n === count &&
          stats.distinct_seqs === n &&
          (n === 0 || (Number(stats.first) === 1 && Number(stats.last) === n));
        return {
          datasetId: params.id,
          contract: dataset.contract as string,
          seed: accessChainSeed(dataset.contract as string, params.id),
          count,
          indexedEntries: n,
          complete,
          blocks: blocks.map((b) => b.block_number as number),
        };
      },
    }),
    listRoute({
      path: "/datasets/:id/sensitive-operations",
      access: row("datasets d", { dataset_id: ["id", "bigint"] }, party("d.owner")),
      summary: "The sensitive-operation log of a highly classified dataset, with each entry's chain head",
      tags: ["data-sharing"],
      params: { id: id64 },
      from: "data_sensitive_ops s",
      blocks: "s.block_number",
      scope: ({ params }, q) => [`s.dataset_id = ${q.p(params.id, "bigint")}`],
      parent: ({ params }, ctx) => datasetRow(ctx.db, params.id, undefined),
      filters: { operation: eq("s.operation", z.enum(SENSITIVE_OPERATIONS)) },
      sorts: { seq: [key("s.log_seq", "integer")] },
      order: "asc",
      item: sensitiveSchema,
      toItem: (r) => ({
        datasetId: r.dataset_id as number,
        seq: r.log_seq as number,
        operation: r.operation as (typeof SENSITIVE_OPERATIONS)[number],
        member: r.member_id as number,
        account: r.account as string,
        subjectId: r.subject_id as number,
        detailHash: r.detail_hash as string,
        head: r.head as string,
        source: appendSource(r),
      }),
    }),
    listRoute({
      path: "/ecertificates",
      access: rows(party("c.issuer")),
      summary: "E-certificates, by holder (keyed hash), issuer, kind and status",
      tags: ["certificates"],
      from: "ecertificates c",
      asOf: "versioned",
      filters: {
        holderHash: eq("c.holder_hash", bytes32),
        issuer: eq("c.issuer", memberId, "bigint"),
        kind: eq("c.kind", integer(1, 65_535), "integer"),
        status: eq("c.status", z.enum(CERTIFICATE_STATUSES)),
      },
      query: at,
      sorts: { id: [key("c.certificate_id", "bigint")] },
      order: "asc",
      item: certificateSchema,
      toItem: (row, { query }) => toCertificate(row, resolveAt(query)),
    }),
    defineRoute({
      path: "/ecertificates/:id",
      access: publicAccess,
      summary: "A certificate's status and validity, and the latest certificate of its lineage",
      tags: ["certificates"],
      params: z.object({ id: id64 }),
      query: z.object({ ...at, ...asOfQuery }),
      response: certificateSchema.extend({ latestId: z.number().int() }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const lineage = await lineageOf(ctx.db, params.id, query.asOf);
        const row = lineage.find((c) => c.certificate_id === params.id)!;
        return { ...toCertificate(row, resolveAt(query)), latestId: latestOf(lineage) };
      },
    }),
    defineRoute({
      path: "/ecertificates/:id/history",
      access: publicAccess,
      summary: "A certificate's history: its replacement chain from the first certificate to the latest, and events",
      tags: ["certificates"],
      params: z.object({ id: id64 }),
      query: z.object({ ...at, ...asOfQuery }),
      response: z.object({
        root: z.number().int(),
        latestId: z.number().int(),
        chain: z.array(certificateSchema).describe("Oldest first, each replacing the one before"),
        events: z.array(
          z.object({
            certificateId: z.number().int(),
            action: z.enum(["Issued", "IssuedAsReplacement", "Replaced", "Revoked"]),
            relatedId: z.number().int().nullable(),
            reasonHash: z.string().nullable(),
            account: z.string(),
            source,
          }),
        ),
      }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const lineage = await lineageOf(ctx.db, params.id, query.asOf);
        const root = lineage[0].root as number;
        const q = new Sql();
        const events = await ctx.db.query(
          `SELECT * FROM ecertificate_events e WHERE e.root = ${q.p(root, "bigint")}${
            query.asOf === undefined ? "" : ` AND e.block_number <= ${q.p(query.asOf, "bigint")}`
          } ORDER BY e.block_number, e.log_index, e.seq`,
          q.params,
        );
        const at = resolveAt(query);
        return {
          root,
          latestId: latestOf(lineage),
          chain: lineage.map((c) => toCertificate(c, at)),
          events: events.map((e) => ({
            certificateId: e.certificate_id as number,
            action: e.action as "Issued" | "IssuedAsReplacement" | "Replaced" | "Revoked",
            relatedId: num(e.related_id),
            reasonHash: text(e.reason_hash),
            account: e.account as string,
            source: appendSource(e),
          })),
        };
      },
    }),
  ],
});

/** The grant and its ancestors, the grant first. */
function ancestors(grants: ReadonlyMap<number, Row>, id: number): Row[] {
  const chain: Row[] = [];
  let next: number | null = id;
  while (next !== null && next !== 0) {
    const g = grants.get(next);
    if (g === undefined) break;
    chain.push(g);
    next = g.parent_id as number;
  }
  return chain;
}

/** Every certificate of the lineage `id` belongs to (same root), oldest first; 404 if `id` is unknown. */
async function lineageOf(db: Queryable, id: number, asOf: number | undefined): Promise<Row[]> {
  const q = new Sql();
  const rows = await db.query(
    `SELECT c.* FROM ecertificates c
      WHERE c.root = (SELECT x.root FROM ecertificates x WHERE x.certificate_id = ${q.p(id, "bigint")} AND ${asOfFilter(q, "x", asOf)})
        AND ${asOfFilter(q, "c", asOf)}
      ORDER BY c.certificate_id`,
    q.params,
  );
  if (rows.length === 0) throw new NotFoundError(`certificate ${id} not found`);
  return rows;
}

/** The lineage's latest certificate: the one nothing replaced (replacement is linear), as `latestOf`. */
function latestOf(lineage: readonly Row[]): number {
  const open = lineage.find((c) => c.replaced_by === null);
  return (open ?? lineage.at(-1)!).certificate_id as number;
}
