import {
  decodeFunctionResult,
  encodeAbiParameters,
  encodeFunctionData,
  keccak256,
  type Abi,
  type Address,
  type Hex,
} from "viem";
import { DataSharing__factory } from "@consortia/sdk/typechain/factories/data-sharing/DataSharing__factory.js";
import { ECertificates__factory } from "@consortia/sdk/typechain/factories/data-sharing/ECertificates__factory.js";
import {
  CERTIFICATE_STATUSES,
  CLASSIFICATIONS,
  DATASET_STATUSES,
  GRANT_STATUSES,
  HASH_KINDS,
  replayAccessChain,
  SENSITIVE_OPERATIONS,
  type AccessChainMemo,
} from "../projections/data-sharing.js";
import type { Queryable, Row } from "../db.js";
import {
  asOf,
  counted,
  deployed,
  enumName,
  groupBy,
  reader,
  rowByRow,
  upTo,
  type Check,
  type Context,
} from "./check.js";

interface Dataset {
  owner: number;
  latestVersion: number;
  classification: number;
  status: number;
  fieldMask: bigint;
  sensitiveCount: number;
  accessCount: bigint;
  accessHead: string;
  sensitiveHead: string;
}

/** The access log replayed into its hash chain head, or why it cannot be (a gap or repeat in `seq`). */
function replayed(
  contract: string,
  datasetId: unknown,
  entries: readonly Record<string, unknown>[],
  memo?: AccessChainMemo,
): string {
  try {
    return replayAccessChain(
      contract,
      String(datasetId),
      entries.map((a) => ({
        seq: String(a.log_seq),
        accessId: String(a.access_id),
        grantId: String(a.grant_id),
        version: String(a.version),
        consumer: String(a.consumer),
        purposeHash: String(a.purpose_hash),
        resultHash: String(a.result_hash),
        timestamp: String(a.block_time),
      })),
      memo,
    );
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The SELECT of a dataset's indexed access log up to the end of a block, each entry with its block's time (the
 * chain's head hashes it in): `block` and `datasetId` are SQL parameters (`$n::bigint`). Unordered: order by
 * `log_seq` (the query API reads it in the same statement as a page of the log, src/api/routes/data-sharing.ts).
 */
export const accessLogSelect = (block: string, datasetId: string): string =>
  `SELECT t.*, b.block_time FROM data_access_log t LEFT JOIN block_times b ON b.block_number = t.block_number
   WHERE t.block_number <= ${block} AND t.dataset_id = ${datasetId}`;

/**
 * The indexed access log up to the end of `block`, each entry with its block's time (the chain's head hashes it in),
 * by dataset then `seq`; only dataset `datasetId`'s when given.
 */
async function accessLogRows(db: Queryable, block: number, datasetId?: number | bigint): Promise<Row[]> {
  if (datasetId !== undefined) {
    return db.query(`${accessLogSelect("$1::bigint", "$2::bigint")} ORDER BY t.log_seq`, [block, datasetId]);
  }
  return db.query(
    `SELECT t.*, b.block_time FROM data_access_log t LEFT JOIN block_times b ON b.block_number = t.block_number
     WHERE t.block_number <= $1::bigint ORDER BY t.dataset_id, t.log_seq`,
    [block],
  );
}

/** A dataset's access trail as the index holds it, replayed and compared with the contract's commitment. */
export interface AccessTrail {
  /** The indexed entries replay to the contract's `accessHead`, and there are `accessCount` of them. */
  verified: boolean;
  /** The block the index and the contract are read at. */
  block: number;
  /** Indexed entries replayed. */
  entries: number;
  /** The contract's `accessCount` at `block` (null when the node could not be read). */
  count: number | null;
  /** The head the indexed entries replay to; null when they cannot be replayed (a gap or repeat in `seq`). */
  head: string | null;
  /** The contract's `dataset(id).accessHead` at `block` (null when the node could not be read). */
  chainHead: string | null;
  /** Why the trail is not verified (null when it is). */
  problem: string | null;
}

/** The contract's side of a dataset's trail: `DataSharing.dataset(id)`'s head and counter at a block. */
export interface ChainTrail {
  accessHead: string;
  accessCount: number;
}

/**
 * What a process that verifies trails again and again keeps between calls (the query API): replayed heads (pure:
 * `AccessChainMemo`), and the contract's side by contract, dataset and block, kept only until the index is written
 * (an IndexCache of src/api/cache.ts: a reorg that rewrites a block is such a write).
 */
export interface TrailCache {
  replays?: AccessChainMemo | undefined;
  chain?: { get(key: string, load: () => Promise<ChainTrail>): Promise<ChainTrail> } | undefined;
}

/**
 * What the access-trail verification reads: the index, and the node with the deployments (absent: not compared).
 * `blockHash`: the hash of the indexed `block` (the query API knows it): the contract is then read at that very block
 * (EIP-1898, `requireCanonical`), and a kept view is keyed by it, so a reorg the index has not rolled back yet is never
 * compared with (or answered from) another block of the same number.
 */
export type TrailContext = Pick<Context, "db" | "block"> &
  Partial<Pick<Context, "client" | "deployments">> & { cache?: TrailCache | undefined; blockHash?: string | undefined };

/** `DataSharing.dataset(id)` at the block of `blockHash`, only while that block is on the node's canonical chain. */
async function datasetAtHash(ctx: Context, blockHash: string, datasetId: number | bigint): Promise<Dataset> {
  const abi = DataSharing__factory.abi as Abi;
  const to = ctx.deployments.contracts.DataSharing!.address as Address;
  const data = encodeFunctionData({ abi, functionName: "dataset", args: [BigInt(datasetId)] });
  const result = (await ctx.client.request({
    method: "eth_call",
    params: [
      { to, data },
      { blockHash, requireCanonical: true },
    ],
  } as never)) as Hex;
  return decodeFunctionResult({ abi, functionName: "dataset", data: result }) as unknown as Dataset;
}

/**
 * Replays one dataset's indexed access log (only that dataset's rows) and compares it with the contract's head and
 * count at `ctx.block`: what the "datasets and access trail" check does for every dataset, for one. Without a node
 * the replay is still done, and the trail says it could not be compared. `rows`: the log as `accessLogSelect` reads
 * it at `ctx.block`, in `log_seq` order, when the caller read it already (else it is read here).
 */
export async function verifyAccessTrail(
  ctx: TrailContext,
  datasetId: number | bigint,
  rows?: readonly Row[],
): Promise<AccessTrail> {
  const address =
    ctx.deployments?.contracts.DataSharing?.address ??
    (
      await ctx.db.query<{ contract: string }>(`SELECT contract FROM datasets WHERE dataset_id = $1::bigint LIMIT 1`, [
        datasetId,
      ])
    )[0]?.contract;
  const log = rows ?? (await accessLogRows(ctx.db, ctx.block, datasetId));
  const head =
    address === undefined ? "the dataset is not indexed" : replayed(address, datasetId, log, ctx.cache?.replays);
  const replayable = /^0x[0-9a-f]{64}$/.test(head);
  let chainHead: string | null = null;
  let count: number | null = null;
  let problem: string | null;
  if (ctx.client === undefined || ctx.deployments === undefined) {
    problem = "no node to read the contract from (RPC_URL and DEPLOYMENTS)";
  } else {
    try {
      const { blockHash } = ctx;
      const contract = ctx.deployments.contracts.DataSharing?.address;
      const read = async (): Promise<ChainTrail> => {
        const dataset =
          blockHash === undefined || contract === undefined
            ? ((await reader(
                ctx as Context,
                "DataSharing",
                DataSharing__factory.abi,
              )("dataset", [BigInt(datasetId)])) as Dataset)
            : await datasetAtHash(ctx as Context, blockHash, datasetId);
        return { accessHead: String(dataset.accessHead).toLowerCase(), accessCount: Number(dataset.accessCount) };
      };
      // Keyed by the block's hash where known: a view of one block is never reused for another of the same number.
      const key = `${contract?.toLowerCase()}:${String(datasetId)}:${ctx.block}:${blockHash?.toLowerCase() ?? "?"}`;
      const onChain =
        ctx.cache?.chain === undefined || contract === undefined ? await read() : await ctx.cache.chain.get(key, read);
      chainHead = onChain.accessHead;
      count = onChain.accessCount;
      problem = !replayable
        ? head
        : log.length !== count
          ? `${log.length} entries indexed, the contract counts ${count}`
          : head !== chainHead
            ? "the indexed entries do not replay to the contract's head"
            : null;
    } catch (error) {
      problem = `cannot read DataSharing.dataset(${datasetId}) at block ${ctx.block}: ${(error as Error).message.split("\n")[0]}`;
    }
  }
  return {
    verified: problem === null,
    block: ctx.block,
    entries: log.length,
    count,
    head: replayable ? head : null,
    chainHead,
    problem,
  };
}

const SENSITIVE_ENTRY = [
  "bytes32",
  "uint64",
  "uint32",
  "uint8",
  "uint32",
  "address",
  "uint64",
  "bytes32",
  "uint256",
].map((type) => ({ type }));

/**
 * The sensitive-operation log replayed from the indexed rows (`IDataSharing.SensitiveOperationRecorded`): the head it
 * reaches, or the first row whose recorded head the replay does not reproduce.
 */
function replayedSensitive(datasetId: unknown, rows: readonly Record<string, unknown>[]): string {
  let head = `0x${"0".repeat(64)}` as Hex;
  for (const [i, r] of rows.entries()) {
    if (Number(r.log_seq) !== i + 1) return `entry ${i + 1} has seq ${String(r.log_seq)}`;
    head = keccak256(
      encodeAbiParameters(SENSITIVE_ENTRY, [
        head,
        BigInt(String(datasetId)),
        Number(r.log_seq),
        SENSITIVE_OPERATIONS.indexOf(r.operation as (typeof SENSITIVE_OPERATIONS)[number]),
        Number(r.member_id),
        r.account as Hex,
        BigInt(String(r.subject_id)),
        r.detail_hash as Hex,
        BigInt(String(r.block_time)),
      ]),
    );
    if (head !== String(r.head).toLowerCase()) return `entry ${i + 1} does not chain`;
  }
  return head;
}

export const DATA_SHARING_CHECKS: readonly Check[] = [
  {
    name: "datasets and access trail",
    tables: ["datasets", "dataset_versions", "data_access_log", "data_sensitive_ops"],
    async run(ctx) {
      if (!deployed(ctx, "DataSharing")) return [];
      const call = reader(ctx, "DataSharing", DataSharing__factory.abi);
      const contract = ctx.deployments.contracts.DataSharing.address;
      const datasets = await asOf(
        ctx,
        "t.dataset_id, t.owner, t.classification, t.status, t.field_mask, t.latest_version, t.access_count, t.sensitive_count, t.sensitive_head",
        "datasets",
      );
      const versions = await upTo(
        ctx,
        "t.dataset_id, t.version, t.content_hash, t.hash_kind, t.metadata_hash",
        "dataset_versions",
      );
      const access = groupBy(await accessLogRows(ctx.db, ctx.block), "dataset_id");
      const sensitive = groupBy(
        await ctx.db.query(
          `SELECT t.*, b.block_time FROM data_sensitive_ops t LEFT JOIN block_times b ON b.block_number = t.block_number
           WHERE t.block_number <= $1::bigint ORDER BY t.dataset_id, t.log_seq`,
          [ctx.block],
        ),
        "dataset_id",
      );
      return [
        await counted("datasetCount", datasets, call("datasetCount")),
        ...(await rowByRow<Dataset>(
          datasets,
          (d) => call("dataset", [d.dataset_id]),
          (d) => `dataset ${String(d.dataset_id)}`,
          (d, c) => {
            const log = access.get(String(d.dataset_id)) ?? [];
            const ops = sensitive.get(String(d.dataset_id)) ?? [];
            return [
              ["owner", d.owner, c.owner],
              ["classification", d.classification, enumName(CLASSIFICATIONS, c.classification)],
              ["status", d.status, enumName(DATASET_STATUSES, c.status)],
              ["fieldMask", d.field_mask, c.fieldMask],
              ["latestVersion", d.latest_version, c.latestVersion],
              ["accessCount", d.access_count, c.accessCount],
              ["sensitiveCount", d.sensitive_count, c.sensitiveCount],
              ["sensitiveHead", d.sensitive_head, c.sensitiveHead],
              // The access log, replayed, must reach the contract's head: a dropped, altered or invented row breaks it.
              ["access log entries", log.length, c.accessCount],
              ["access log head", replayed(contract, d.dataset_id, log), c.accessHead],
              ["sensitive log entries", ops.length, c.sensitiveCount],
              ["sensitive log head", ops.length === 0 ? null : replayedSensitive(d.dataset_id, ops), c.sensitiveHead],
            ];
          },
        )),
        ...(await rowByRow<{ contentHash: string; metadataHash: string; hashKind: number }>(
          versions,
          (v) => call("version", [v.dataset_id, v.version]),
          (v) => `dataset ${String(v.dataset_id)} version ${String(v.version)}`,
          (v, c) => [
            ["contentHash", v.content_hash, c.contentHash],
            ["metadataHash", v.metadata_hash, c.metadataHash],
            ["hashKind", v.hash_kind, enumName(HASH_KINDS, c.hashKind)],
          ],
        )),
      ];
    },
  },
  {
    name: "automatic grant policies",
    tables: ["data_auto_grant_policies"],
    async run(ctx) {
      if (!deployed(ctx, "DataSharing")) return [];
      const call = reader(ctx, "DataSharing", DataSharing__factory.abi);
      const purposes = (list: unknown): string =>
        ((list ?? []) as readonly string[]).map((purpose) => purpose.toLowerCase()).join(",");
      return rowByRow<{
        memberKinds: number;
        mayDelegate: boolean;
        duration: number;
        requiredRoles: bigint;
        maxScope: bigint;
        allowedPurposes: readonly string[];
      }>(
        await asOf(
          ctx,
          "t.dataset_id, t.member_kinds, t.required_roles, t.max_scope, t.duration, t.may_delegate, t.enabled, " +
            "t.allowed_purposes",
          "data_auto_grant_policies",
        ),
        async (p) => {
          const [policy, allowedPurposes] = await Promise.all([
            call("autoGrantPolicy", [p.dataset_id]),
            call("autoGrantPurposes", [p.dataset_id]),
          ]);
          return { ...(policy as object), allowedPurposes };
        },
        (p) => `autoGrantPolicy ${String(p.dataset_id)}`,
        (p, c) => [
          ["allowedPurposes", purposes(p.allowed_purposes), purposes(c.allowedPurposes)],
          ["memberKinds", p.member_kinds, c.memberKinds],
          ["requiredRoles", p.required_roles, c.requiredRoles],
          ["maxScope", p.max_scope, c.maxScope],
          ["duration", p.duration, c.duration],
          ["mayDelegate", p.may_delegate, c.mayDelegate],
          ["enabled", p.enabled, Number(c.memberKinds) !== 0],
        ],
      );
    },
  },
  {
    name: "data grants",
    tables: ["data_grants"],
    async run(ctx) {
      if (!deployed(ctx, "DataSharing")) return [];
      const call = reader(ctx, "DataSharing", DataSharing__factory.abi);
      const grants = await asOf(
        ctx,
        "t.grant_id, t.dataset_id, t.grantee, t.parent_id, t.depth, t.status, t.purpose_hash, t.scope, t.expires_at, t.may_delegate",
        "data_grants",
      );
      return [
        await counted("grantCount", grants, call("grantCount")),
        ...(await rowByRow<{
          parentId: bigint;
          datasetId: bigint;
          expiresAt: bigint;
          grantee: number;
          depth: number;
          status: number;
          mayDelegate: boolean;
          scope: bigint;
          purposeHash: string;
        }>(
          grants,
          (g) => call("grant", [g.grant_id]),
          (g) => `grant ${String(g.grant_id)}`,
          (g, c) => [
            ["datasetId", g.dataset_id, c.datasetId],
            ["grantee", g.grantee, c.grantee],
            ["parentId", g.parent_id, c.parentId],
            ["depth", g.depth, c.depth],
            ["status", g.status, enumName(GRANT_STATUSES, c.status)],
            ["purposeHash", g.purpose_hash, c.purposeHash],
            ["scope", g.scope, c.scope],
            ["expiresAt", g.expires_at, c.expiresAt],
            ["mayDelegate", g.may_delegate, c.mayDelegate],
          ],
        )),
      ];
    },
  },
  {
    name: "e-certificates",
    tables: ["ecertificates"],
    async run(ctx) {
      if (!deployed(ctx, "ECertificates")) return [];
      const call = reader(ctx, "ECertificates", ECertificates__factory.abi);
      const certificates = await asOf(
        ctx,
        "t.certificate_id, t.issuer, t.holder_hash, t.kind, t.document_hash, t.valid_from, t.valid_until, t.status, t.root, t.replaces, t.replaced_by",
        "ecertificates",
      );
      return [
        await counted("certificateCount", certificates, call("certificateCount")),
        ...(await rowByRow<{
          issuer: number;
          kind: number;
          status: number;
          validFrom: bigint;
          validUntil: bigint;
          root: bigint;
          holderHash: string;
          documentHash: string;
          replaces: bigint;
          replacedBy: bigint;
        }>(
          certificates,
          (e) => call("certificate", [e.certificate_id]),
          (e) => `e-certificate ${String(e.certificate_id)}`,
          (e, c) => [
            ["issuer", e.issuer, c.issuer],
            ["kind", e.kind, c.kind],
            ["status", e.status, enumName(CERTIFICATE_STATUSES, c.status)],
            ["validFrom", e.valid_from, c.validFrom],
            ["validUntil", e.valid_until, c.validUntil],
            ["root", e.root, c.root],
            ["holderHash", e.holder_hash, c.holderHash],
            ["documentHash", e.document_hash, c.documentHash],
            ["replaces", e.replaces, c.replaces],
            ["replacedBy", e.replaced_by, c.replacedBy],
          ],
        )),
      ];
    },
  },
];

export const DATA_SHARING_GAPS: Readonly<Record<string, string>> = {
  ecertificate_events: "certificate history: ECertificates keeps the current record only (status, replacedBy)",
  "data_grants.requested_scope/by_policy/requested_by/granted_by/ended_by*/reason_hash":
    "the grant view has no requested scope, accounts or reasons (events only)",
  "ecertificates.reason_hash/issued_by/ended_by": "the certificate view has no reason or accounts (events only)",
};
