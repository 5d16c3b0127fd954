import { CreditBlacklist__factory } from "@consortia/sdk/typechain/factories/credit/CreditBlacklist__factory.js";
import {
  createTableSql,
  defineProjection,
  type EventHandler,
  type ProjectionStore,
  type TableSpec,
} from "../projection.js";
import { onPaused, onUnpaused } from "./platform.js";

/** Enum names of ICreditBlacklist, by their uint8 value. */
export const SUBJECT_KINDS = ["None", "Person", "Company"] as const;
export const CATEGORIES = [
  "None",
  "Fraud",
  "Default",
  "Overdue",
  "IdentityTheft",
  "MoneyLaundering",
  "JudgmentDebtor",
  "Other",
] as const;
export const ENTRY_STATUSES = ["None", "Active", "Disputed", "Revoked", "Withdrawn"] as const;
export const RESOLUTIONS = ["None", "Upheld", "Withdrawn"] as const;
/** State of an entry's latest dispute: none yet, open, or how it ended (`Revoked`: the entry was revoked meanwhile). */
export const DISPUTE_STATES = ["Open", "Upheld", "Withdrawn", "Revoked"] as const;

/**
 * Tables of the credit projection. Subject keys, evidence, payload and location hashes are stored exactly as on chain
 * (lower-case hex): the indexer never sees, decrypts or derives personal data.
 */
export const CREDIT_TABLES = [
  {
    kind: "versioned",
    name: "credit_entries",
    key: ["subject_key", "number"],
    columns: {
      subject_key: "text",
      number: "bigint",
      reporter: "bigint",
      reporter_account: "text",
      subject_kind: "text",
      category: "text",
      severity: "integer",
      status: "text",
      version: "integer",
      expires_at: "bigint",
      evidence_hash: "text",
      payload_hash: "text",
      payload_location_hash: "text",
      reported_block: "bigint",
      reported_tx: "text",
      updated_block: "bigint",
      revoke_reason_hash: "text",
      dispute_state: "text",
      disputer: "bigint",
      dispute_version: "integer",
      dispute_reason_hash: "text",
    },
    indexes: [["subject_key", "number"], ["reporter"], ["status"]],
  },
  {
    // Every version of an entry's content (version 1 = the report), with its hashes.
    kind: "append",
    name: "credit_entry_versions",
    columns: {
      subject_key: "text",
      number: "bigint",
      version: "integer",
      reporter: "bigint",
      account: "text",
      category: "text",
      severity: "integer",
      expires_at: "bigint",
      evidence_hash: "text",
      payload_hash: "text",
      payload_location_hash: "text",
    },
    indexes: [["subject_key", "number"]],
  },
  {
    // Disputes opened and resolved (and ended by a revocation), in order.
    kind: "append",
    name: "credit_disputes",
    columns: {
      subject_key: "text",
      number: "bigint",
      action: "text",
      member_id: "bigint",
      account: "text",
      version: "integer",
      resolution: "text",
      hash: "text",
    },
    indexes: [["subject_key", "number"], ["member_id"]],
  },
  {
    // The query log: who asked about whom, under which consent, which page, how many entries it was shown.
    kind: "append",
    name: "credit_queries",
    columns: {
      querier: "bigint",
      account: "text",
      subject_key: "text",
      consent_hash: "text",
      page_cursor: "bigint",
      next_cursor: "bigint",
      shown: "integer",
    },
    indexes: [["querier"], ["subject_key"], ["account"]],
  },
] as const satisfies readonly TableSpec[];

const name = (names: readonly string[], value: unknown): string => names[Number(value)] ?? `Unknown(${String(value)})`;

async function setEntry(store: ProjectionStore, subjectKey: unknown, number: unknown, changes: object) {
  const current = await store.get("credit_entries", { subject_key: subjectKey, number });
  if (current === undefined)
    throw new Error(`credit entry ${String(subjectKey)}/${String(number)} changed before it was reported`);
  store.put("credit_entries", { ...current, ...changes });
  return current;
}

function version(e: Parameters<EventHandler>[0], store: ProjectionStore, number: unknown) {
  store.append("credit_entry_versions", {
    subject_key: e.args.subjectKey,
    number,
    version: e.args.version ?? 1,
    reporter: e.args.reporter,
    account: e.args.account,
    category: name(CATEGORIES, e.args.category),
    severity: e.args.severity,
    expires_at: e.args.expiresAt,
    evidence_hash: e.args.evidenceHash,
    payload_hash: e.args.payloadHash,
    payload_location_hash: e.args.payloadLocationHash,
  });
}

export default defineProjection({
  name: "credit",
  contracts: { CreditBlacklist: CreditBlacklist__factory.abi },
  tables: CREDIT_TABLES,
  migrations: [
    {
      id: "credit/001_tables",
      sql: [
        ...CREDIT_TABLES.map(createTableSql),
        // Historical ("asOf") reads of a subject's entries: the generated indexes cover current rows only.
        "CREATE INDEX credit_entries_subject_history ON credit_entries (subject_key, valid_from_block)",
      ].join(";\n"),
    },
  ],
  handlers: {
    CreditBlacklist: {
      EntryReported: (e, store) => {
        store.put("credit_entries", {
          subject_key: e.args.subjectKey,
          number: e.args.number,
          reporter: e.args.reporter,
          reporter_account: e.args.account,
          subject_kind: name(SUBJECT_KINDS, e.args.subjectKind),
          category: name(CATEGORIES, e.args.category),
          severity: e.args.severity,
          status: "Active",
          version: 1,
          expires_at: e.args.expiresAt,
          evidence_hash: e.args.evidenceHash,
          payload_hash: e.args.payloadHash,
          payload_location_hash: e.args.payloadLocationHash,
          reported_block: e.blockNumber,
          reported_tx: e.txHash,
          updated_block: e.blockNumber,
          revoke_reason_hash: null,
          dispute_state: null,
          disputer: null,
          dispute_version: null,
          dispute_reason_hash: null,
        });
        version(e, store, e.args.number);
      },
      EntryUpdated: async (e, store) => {
        await setEntry(store, e.args.subjectKey, e.args.number, {
          reporter_account: e.args.account,
          category: name(CATEGORIES, e.args.category),
          severity: e.args.severity,
          version: e.args.version,
          expires_at: e.args.expiresAt,
          evidence_hash: e.args.evidenceHash,
          payload_hash: e.args.payloadHash,
          payload_location_hash: e.args.payloadLocationHash,
          updated_block: e.blockNumber,
        });
        version(e, store, e.args.number);
      },
      EntryRevoked: async (e, store) => {
        const wasDisputed = Number(e.args.previous) === ENTRY_STATUSES.indexOf("Disputed");
        await setEntry(store, e.args.subjectKey, e.args.number, {
          status: "Revoked",
          revoke_reason_hash: e.args.reasonHash,
          ...(wasDisputed ? { dispute_state: "Revoked" } : {}),
        });
        if (wasDisputed) {
          store.append("credit_disputes", {
            subject_key: e.args.subjectKey,
            number: e.args.number,
            action: "EndedByRevocation",
            member_id: e.args.reporter,
            account: e.args.account,
            version: e.args.version,
            resolution: null,
            hash: e.args.reasonHash,
          });
        }
      },
      EntryDisputed: async (e, store) => {
        await setEntry(store, e.args.subjectKey, e.args.number, {
          status: "Disputed",
          dispute_state: "Open",
          disputer: e.args.disputer,
          dispute_version: e.args.version,
          dispute_reason_hash: e.args.reasonHash,
        });
        store.append("credit_disputes", {
          subject_key: e.args.subjectKey,
          number: e.args.number,
          action: "Disputed",
          member_id: e.args.disputer,
          account: e.args.account,
          version: e.args.version,
          resolution: null,
          hash: e.args.reasonHash,
        });
      },
      DisputeResolved: async (e, store) => {
        const resolution = name(RESOLUTIONS, e.args.resolution);
        await setEntry(store, e.args.subjectKey, e.args.number, {
          status: resolution === "Upheld" ? "Active" : "Withdrawn",
          dispute_state: resolution,
        });
        store.append("credit_disputes", {
          subject_key: e.args.subjectKey,
          number: e.args.number,
          action: "Resolved",
          // 0 = governance (the registry executing a proposal): kept as null, `account` is the registry.
          member_id: Number(e.args.resolver) === 0 ? null : e.args.resolver,
          account: e.args.account,
          version: e.args.version,
          resolution,
          hash: e.args.resolutionHash,
        });
      },
      SubjectQueried: (e, store) =>
        store.append("credit_queries", {
          querier: e.args.querier,
          account: e.args.account,
          subject_key: e.args.subjectKey,
          consent_hash: e.args.consentHash,
          page_cursor: e.args.cursor,
          next_cursor: e.args.nextCursor,
          shown: e.args.shown,
        }),
      Paused: onPaused,
      Unpaused: onUnpaused,
    },
  },
});
