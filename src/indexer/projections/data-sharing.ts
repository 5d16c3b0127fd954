import { AbiCoder, keccak256 } from "ethers";
import { DataSharing__factory } from "@consortia/sdk/typechain/factories/data-sharing/DataSharing__factory.js";
import { ECertificates__factory } from "@consortia/sdk/typechain/factories/data-sharing/ECertificates__factory.js";
import { createTableSql, defineProjection, type ProjectionStore, type TableSpec } from "../projection.js";
import { onPaused, onUnpaused } from "./platform.js";

/** Enum names of IDataSharing and IECertificates, by their uint8 value. */
export const CLASSIFICATIONS = ["Public", "Internal", "Confidential", "Secret"] as const;
export const DATASET_STATUSES = ["None", "Active", "Retired"] as const;
export const HASH_KINDS = ["ContentHash", "MerkleRoot"] as const;
export const GRANT_STATUSES = ["None", "Requested", "Refused", "Active", "Revoked"] as const;
export const GRANT_VALIDITIES = [
  "Valid",
  "Unknown",
  "NotActive",
  "Expired",
  "Revoked",
  "AncestorExpired",
  "AncestorRevoked",
  "DatasetRetired",
  "DelegatorInactive",
] as const;
export const SENSITIVE_OPERATIONS = [
  "Register",
  "PublishVersion",
  "Reclassify",
  "SetPolicy",
  "Retire",
  "Grant",
  "Refuse",
  "Revoke",
  "Delegate",
] as const;
export const CERTIFICATE_STATUSES = ["None", "Active", "Revoked", "Replaced"] as const;
export const CERTIFICATE_VALIDITIES = ["Unknown", "Valid", "NotYetValid", "Expired", "Revoked", "Replaced"] as const;

const name = (names: readonly string[], value: unknown): string => names[Number(value)] ?? `Unknown(${String(value)})`;

/**
 * Tables. uint64 bitmasks and user-chosen uint64 dates (grant expiry, certificate validity) are `numeric`: a value
 * above 2^63 must not stop the indexer. Dataset, grant and certificate ids are uint64 counters from 1: `bigint`.
 */
export const DATA_SHARING_TABLES = [
  {
    kind: "versioned",
    name: "datasets",
    key: ["dataset_id"],
    columns: {
      dataset_id: "bigint",
      contract: "text",
      owner: "bigint",
      owner_account: "text",
      classification: "text",
      status: "text",
      field_mask: "numeric",
      latest_version: "integer",
      access_count: "bigint",
      sensitive_count: "integer",
      sensitive_head: "text",
      registered_block: "bigint",
      registered_tx: "text",
    },
    indexes: [["owner"], ["status"], ["classification"]],
  },
  {
    kind: "append",
    name: "dataset_versions",
    columns: {
      dataset_id: "bigint",
      version: "integer",
      content_hash: "text",
      hash_kind: "text",
      metadata_hash: "text",
      account: "text",
    },
    indexes: [["dataset_id"], ["content_hash"]],
  },
  {
    kind: "versioned",
    name: "data_auto_grant_policies",
    key: ["dataset_id"],
    columns: {
      dataset_id: "bigint",
      member_kinds: "integer",
      required_roles: "numeric",
      max_scope: "numeric",
      duration: "bigint",
      may_delegate: "boolean",
      enabled: "boolean",
      account: "text",
      /** Purpose hashes the policy grants for (`AutoGrantPurposesSet`): a JSON array, `[]` while disabled. */
      allowed_purposes: "jsonb",
    },
  },
  {
    kind: "versioned",
    name: "data_grants",
    key: ["grant_id"],
    columns: {
      grant_id: "bigint",
      dataset_id: "bigint",
      grantee: "bigint",
      parent_id: "bigint",
      depth: "integer",
      status: "text",
      purpose_hash: "text",
      requested_scope: "numeric",
      scope: "numeric",
      expires_at: "numeric",
      may_delegate: "boolean",
      by_policy: "boolean",
      requested_by: "text",
      requested_block: "bigint",
      requested_tx: "text",
      granted_by: "text",
      granted_block: "bigint",
      granted_tx: "text",
      ended_by_member: "bigint",
      ended_by: "text",
      reason_hash: "text",
    },
    indexes: [["dataset_id"], ["grantee"], ["parent_id"]],
  },
  {
    kind: "append",
    name: "data_access_log",
    columns: {
      access_id: "text",
      grant_id: "bigint",
      result_hash: "text",
      dataset_id: "bigint",
      log_seq: "bigint",
      version: "integer",
      consumer: "bigint",
      consumer_account: "text",
      purpose_hash: "text",
    },
    indexes: [["dataset_id", "log_seq"], ["consumer"], ["access_id"], ["result_hash"], ["grant_id"]],
  },
  {
    kind: "append",
    name: "data_sensitive_ops",
    columns: {
      dataset_id: "bigint",
      log_seq: "integer",
      operation: "text",
      member_id: "bigint",
      account: "text",
      subject_id: "bigint",
      detail_hash: "text",
      head: "text",
    },
    indexes: [["dataset_id", "log_seq"]],
  },
  {
    kind: "versioned",
    name: "ecertificates",
    key: ["certificate_id"],
    columns: {
      certificate_id: "bigint",
      issuer: "bigint",
      holder_hash: "text",
      kind: "integer",
      document_hash: "text",
      valid_from: "numeric",
      valid_until: "numeric",
      status: "text",
      root: "bigint",
      replaces: "bigint",
      replaced_by: "bigint",
      reason_hash: "text",
      issued_by: "text",
      issued_block: "bigint",
      issued_tx: "text",
      ended_by: "text",
    },
    indexes: [["holder_hash"], ["issuer"], ["root"], ["status"]],
  },
  {
    kind: "append",
    name: "ecertificate_events",
    columns: {
      certificate_id: "bigint",
      root: "bigint",
      action: "text",
      related_id: "bigint",
      reason_hash: "text",
      account: "text",
    },
    indexes: [["certificate_id"], ["root"]],
  },
] as const satisfies readonly TableSpec[];

/** Columns added by a migration after the first release, by table: 001 creates the tables without them. */
const ADDED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  data_auto_grant_policies: ["allowed_purposes"], // 002
};

const TABLES_AS_RELEASED: readonly TableSpec[] = DATA_SHARING_TABLES.map((table) => {
  const added = ADDED_COLUMNS[table.name] ?? [];
  return { ...table, columns: Object.fromEntries(Object.entries(table.columns).filter(([c]) => !added.includes(c))) };
});

type Row = Record<string, unknown>;

async function current(store: ProjectionStore, table: string, key: Row): Promise<Row> {
  const row = await store.get(table, key);
  if (row === undefined) throw new Error(`${table} ${JSON.stringify(key, (_k, v: unknown) => String(v))} unknown`);
  return row;
}

async function update(store: ProjectionStore, table: string, key: Row, changes: Row): Promise<void> {
  store.put(table, { ...(await current(store, table, key)), ...changes });
}

const coder = AbiCoder.defaultAbiCoder();

/** One entry of a dataset's access log as the hash chain sees it. */
export interface AccessChainEntry {
  seq: bigint | number | string;
  accessId: string;
  grantId: bigint | number | string;
  version: bigint | number | string;
  consumer: bigint | number | string;
  purposeHash: string;
  resultHash: string;
  /** Timestamp of the block the access was recorded in. */
  timestamp: bigint | number | string;
}

/** `head_0`: what `registerDataset` seeds the access log's chain with. */
export function accessChainSeed(contract: string, datasetId: bigint | number | string): string {
  return keccak256(coder.encode(["address", "uint64"], [contract, datasetId]));
}

/**
 * Replays a dataset's access log (entries in `seq` order) and returns the head the contract must hold in
 * `dataset(datasetId).accessHead`; see `IDataSharing.AccessRecorded`. Throws on a gap or a repeat in `seq`.
 */
export function replayAccessChain(
  contract: string,
  datasetId: bigint | number | string,
  entries: readonly AccessChainEntry[],
  memo?: AccessChainMemo,
): string {
  if (memo !== undefined) return memo.replay(contract, datasetId, entries);
  let head = accessChainSeed(contract, datasetId);
  entries.forEach((e, i) => (head = nextAccessHead(head, e, i)));
  return head;
}

/** head_i from head_(i-1) and entry i (0-based `index`); throws unless the entry's seq is index + 1. */
function nextAccessHead(head: string, e: AccessChainEntry, index: number): string {
  if (BigInt(e.seq) !== BigInt(index + 1)) throw new Error(`access log: entry ${index + 1} has seq ${String(e.seq)}`);
  return keccak256(
    coder.encode(
      ["bytes32", "uint64", "bytes32", "uint64", "uint32", "uint32", "bytes32", "bytes32", "uint256"],
      [head, e.seq, e.accessId, e.grantId, e.version, e.consumer, e.purposeHash, e.resultHash, e.timestamp],
    ),
  );
}

/** An entry's whole content, unambiguously (what a kept head is reused for; never a digest of it). */
const entryContent = (e: AccessChainEntry): string =>
  JSON.stringify([
    String(e.seq),
    e.accessId,
    String(e.grantId),
    String(e.version),
    String(e.consumer),
    e.purposeHash,
    e.resultHash,
    String(e.timestamp),
  ]);

/** Entries an `AccessChainMemo` keeps by default, over all datasets (each kept entry costs roughly 400 bytes of heap). */
export const ACCESS_CHAIN_MEMO_ENTRIES = 100_000;

/**
 * Access-log replays kept between calls (the query API replays a dataset's whole log on every access-log request:
 * ABI-encoding and hashing each entry was most of that route's CPU). Per contract and dataset it keeps the entries
 * last replayed, each with its full content and the head it chained to; a replay reuses the heads of the longest
 * prefix whose entries are unchanged, content compared in full, and hashes the rest. A head is a pure function of the
 * seed and the entries up to it, so what is reused is what a replay from scratch computes: an altered, dropped,
 * inserted or reordered entry (a tampered index) is hashed again from there on, and a new entry costs one hash.
 * Nothing needs invalidating. At most `maxEntries` entries are kept in all: beyond that, the datasets replayed least
 * recently are dropped first; a dataset whose log alone is longer than the bound is replayed from scratch every time
 * and never kept (it would otherwise push out every other dataset and still not fit).
 */
export class AccessChainMemo {
  /** In least recently replayed first order (a Map iterates in insertion order; a replay re-inserts its key). */
  private readonly logs = new Map<string, { seed: string; contents: string[]; heads: string[] }>();
  private kept = 0;

  constructor(private readonly maxEntries = ACCESS_CHAIN_MEMO_ENTRIES) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 0) throw new Error(`bad memo bound ${String(maxEntries)}`);
  }

  /** Entries kept now, over all datasets. */
  get size(): number {
    return this.kept;
  }

  /** Datasets kept now. */
  get datasets(): number {
    return this.logs.size;
  }

  /** What `replayAccessChain(contract, datasetId, entries)` answers (and throws). */
  replay(contract: string, datasetId: bigint | number | string, entries: readonly AccessChainEntry[]): string {
    const key = `${contract.toLowerCase()}:${String(datasetId)}`;
    let log = this.logs.get(key);
    if (log !== undefined) this.logs.delete(key);
    if (entries.length > this.maxEntries) {
      // Too long to keep: verified without keeping (and what was kept for it is dropped: it is not this log).
      if (log !== undefined) this.kept -= log.contents.length;
      return replayAccessChain(contract, datasetId, entries);
    }
    if (log === undefined) log = { seed: accessChainSeed(contract, datasetId), contents: [], heads: [] };
    this.logs.set(key, log); // now the most recently replayed
    try {
      const contents = entries.map(entryContent);
      let same = 0;
      while (same < contents.length && same < log.contents.length && contents[same] === log.contents[same]) same++;
      // Keep the unchanged prefix, then hash (and keep) the rest; a throw keeps what chained before it.
      this.kept -= log.contents.length - same;
      log.contents.length = same;
      log.heads.length = same;
      let head = same === 0 ? log.seed : log.heads[same - 1];
      for (let i = same; i < entries.length; i++) {
        head = nextAccessHead(head, entries[i], i);
        log.contents.push(contents[i]);
        log.heads.push(head);
        this.kept++;
      }
      return head;
    } finally {
      // Within the bound again, whether the replay chained to the end or stopped at a gap: least recent first.
      for (const [other, kept] of this.logs) {
        if (this.kept <= this.maxEntries || other === key) break;
        this.logs.delete(other);
        this.kept -= kept.contents.length;
      }
    }
  }
}

export default defineProjection({
  name: "data-sharing",
  contracts: { DataSharing: DataSharing__factory.abi, ECertificates: ECertificates__factory.abi },
  tables: DATA_SHARING_TABLES,
  migrations: [
    // 001 created the tables as first released (without the columns that later migrations add).
    { id: "data-sharing/001_tables", sql: TABLES_AS_RELEASED.map(createTableSql).join(";\n") },
    {
      id: "data-sharing/002_policy_purposes",
      sql: "ALTER TABLE data_auto_grant_policies ADD COLUMN allowed_purposes jsonb",
    },
  ],
  handlers: {
    DataSharing: {
      DatasetRegistered: (e, store) =>
        store.put("datasets", {
          dataset_id: e.args.datasetId,
          contract: e.address,
          owner: e.args.owner,
          owner_account: e.args.account,
          classification: name(CLASSIFICATIONS, e.args.classification),
          status: "Active",
          field_mask: e.args.fieldMask,
          latest_version: 0,
          access_count: 0,
          sensitive_count: 0,
          sensitive_head: null,
          registered_block: e.blockNumber,
          registered_tx: e.txHash,
        }),
      VersionPublished: async (e, store) => {
        store.append("dataset_versions", {
          dataset_id: e.args.datasetId,
          version: Number(e.args.version),
          content_hash: e.args.contentHash,
          hash_kind: name(HASH_KINDS, e.args.hashKind),
          metadata_hash: e.args.metadataHash,
          account: e.args.account,
        });
        await update(store, "datasets", { dataset_id: e.args.datasetId }, { latest_version: Number(e.args.version) });
      },
      ClassificationChanged: (e, store) =>
        update(
          store,
          "datasets",
          { dataset_id: e.args.datasetId },
          { classification: name(CLASSIFICATIONS, e.args.current) },
        ),
      DatasetRetired: (e, store) => update(store, "datasets", { dataset_id: e.args.datasetId }, { status: "Retired" }),
      // Emitted just before `AutoGrantPurposesSet`, which completes the row (a policy set before the purposes existed
      // keeps an empty list).
      AutoGrantPolicySet: (e, store) =>
        store.put("data_auto_grant_policies", {
          allowed_purposes: [],
          dataset_id: e.args.datasetId,
          member_kinds: Number(e.args.memberKinds),
          required_roles: e.args.requiredRoles,
          max_scope: e.args.maxScope,
          duration: BigInt(e.args.duration as number),
          may_delegate: e.args.mayDelegate,
          enabled: Number(e.args.memberKinds) !== 0,
          account: e.args.account,
        }),
      AutoGrantPurposesSet: (e, store) =>
        update(
          store,
          "data_auto_grant_policies",
          { dataset_id: e.args.datasetId },
          { allowed_purposes: [...(e.args.allowedPurposes as readonly string[])].map((p) => p.toLowerCase()) },
        ),
      AccessRequested: (e, store) =>
        store.put("data_grants", {
          grant_id: e.args.grantId,
          dataset_id: e.args.datasetId,
          grantee: e.args.consumer,
          parent_id: 0n,
          depth: 0,
          status: "Requested",
          purpose_hash: e.args.purposeHash,
          requested_scope: e.args.scope,
          scope: e.args.scope,
          expires_at: null,
          may_delegate: false,
          by_policy: false,
          requested_by: e.args.account,
          requested_block: e.blockNumber,
          requested_tx: e.txHash,
          granted_by: null,
          granted_block: null,
          granted_tx: null,
          ended_by_member: null,
          ended_by: null,
          reason_hash: null,
        }),
      AccessGranted: async (e, store) => {
        // On a request (by the owner or by policy) the grant exists; directly or by delegation it is new.
        const existing = await store.get("data_grants", { grant_id: e.args.grantId });
        store.put("data_grants", {
          requested_scope: null,
          requested_by: null,
          requested_block: null,
          requested_tx: null,
          ended_by_member: null,
          ended_by: null,
          reason_hash: null,
          ...existing,
          grant_id: e.args.grantId,
          dataset_id: e.args.datasetId,
          grantee: e.args.grantee,
          parent_id: e.args.parentId,
          depth: Number(e.args.depth),
          status: "Active",
          purpose_hash: e.args.purposeHash,
          scope: e.args.scope,
          expires_at: e.args.expiresAt,
          may_delegate: e.args.mayDelegate,
          by_policy: e.args.byPolicy,
          granted_by: e.args.account,
          granted_block: e.blockNumber,
          granted_tx: e.txHash,
        });
      },
      AccessRefused: (e, store) =>
        update(
          store,
          "data_grants",
          { grant_id: e.args.grantId },
          { status: "Refused", ended_by: e.args.account, reason_hash: e.args.reasonHash },
        ),
      AccessRevoked: (e, store) =>
        update(
          store,
          "data_grants",
          { grant_id: e.args.grantId },
          {
            status: "Revoked",
            ended_by_member: e.args.byMember,
            ended_by: e.args.account,
            reason_hash: e.args.reasonHash,
          },
        ),
      AccessRecorded: async (e, store) => {
        store.append("data_access_log", {
          access_id: e.args.accessId,
          grant_id: e.args.grantId,
          result_hash: e.args.resultHash,
          dataset_id: e.args.datasetId,
          log_seq: e.args.seq,
          version: Number(e.args.version),
          consumer: e.args.consumer,
          consumer_account: e.args.consumerAccount,
          purpose_hash: e.args.purposeHash,
        });
        await update(store, "datasets", { dataset_id: e.args.datasetId }, { access_count: e.args.seq });
      },
      SensitiveOperationRecorded: async (e, store) => {
        store.append("data_sensitive_ops", {
          dataset_id: e.args.datasetId,
          log_seq: Number(e.args.seq),
          operation: name(SENSITIVE_OPERATIONS, e.args.operation),
          member_id: e.args.member,
          account: e.args.account,
          subject_id: e.args.subjectId,
          detail_hash: e.args.detailHash,
          head: e.args.head,
        });
        await update(
          store,
          "datasets",
          { dataset_id: e.args.datasetId },
          { sensitive_count: Number(e.args.seq), sensitive_head: e.args.head },
        );
      },
      Paused: onPaused,
      Unpaused: onUnpaused,
    },
    ECertificates: {
      CertificateIssued: (e, store) => {
        const replaces = BigInt(e.args.replaces as bigint);
        store.put("ecertificates", {
          certificate_id: e.args.certificateId,
          issuer: e.args.issuer,
          holder_hash: e.args.holderHash,
          kind: Number(e.args.kind),
          document_hash: e.args.documentHash,
          valid_from: e.args.validFrom,
          valid_until: BigInt(e.args.validUntil as bigint) === 0n ? null : e.args.validUntil,
          status: "Active",
          root: e.args.root,
          replaces: replaces === 0n ? null : replaces,
          replaced_by: null,
          reason_hash: null,
          issued_by: e.args.account,
          issued_block: e.blockNumber,
          issued_tx: e.txHash,
          ended_by: null,
        });
        store.append("ecertificate_events", {
          certificate_id: e.args.certificateId,
          root: e.args.root,
          action: replaces === 0n ? "Issued" : "IssuedAsReplacement",
          related_id: replaces === 0n ? null : replaces,
          reason_hash: null,
          account: e.args.account,
        });
      },
      CertificateReplaced: async (e, store) => {
        await update(
          store,
          "ecertificates",
          { certificate_id: e.args.certificateId },
          {
            status: "Replaced",
            replaced_by: e.args.replacedBy,
            reason_hash: e.args.reasonHash,
            ended_by: e.args.account,
          },
        );
        store.append("ecertificate_events", {
          certificate_id: e.args.certificateId,
          root: e.args.root,
          action: "Replaced",
          related_id: e.args.replacedBy,
          reason_hash: e.args.reasonHash,
          account: e.args.account,
        });
      },
      CertificateRevoked: async (e, store) => {
        const c = await current(store, "ecertificates", { certificate_id: e.args.certificateId });
        store.put("ecertificates", {
          ...c,
          status: "Revoked",
          reason_hash: e.args.reasonHash,
          ended_by: e.args.account,
        });
        store.append("ecertificate_events", {
          certificate_id: e.args.certificateId,
          root: c.root,
          action: "Revoked",
          related_id: null,
          reason_hash: e.args.reasonHash,
          account: e.args.account,
        });
      },
      Paused: onPaused,
      Unpaused: onUnpaused,
    },
  },
});
