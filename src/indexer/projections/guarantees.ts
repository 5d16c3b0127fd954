import { BankGuarantees__factory } from "@consortia/sdk/typechain/factories/guarantees/BankGuarantees__factory.js";
import {
  createTableSql,
  type ColumnType,
  defineProjection,
  type EventHandler,
  type ProjectionStore,
  type TableSpec,
} from "../projection.js";
import { onPaused, onUnpaused } from "./platform.js";

/** Enum names of IBankGuarantees, by their uint8 value. */
export const GUARANTEE_KINDS = ["Bid", "Performance", "AdvancePayment", "Warranty", "Payment", "Standby"] as const;
export const COUNTER_STATES = ["None", "Issued", "Demanded", "Exhausted"] as const;
export const GUARANTEE_STATES = [
  "None",
  "Applied",
  "Issued",
  "Claimed",
  "Declined",
  "Cancelled",
  "Released",
  "Expired",
  "Exhausted",
] as const;
export const CLAIM_STATES = ["None", "Presented", "Paid", "Rejected", "Extended", "Withdrawn"] as const;
/** An amendment's fate (the contract keeps only the last one; the projection keeps them all). */
export const AMENDMENT_STATES = ["Pending", "Withdrawn", "Accepted", "Refused"] as const;

const name = (names: readonly string[], value: unknown): string => names[Number(value)] ?? `Unknown(${String(value)})`;

/** `bytes3` ISO 4217 code as text ("0x434e59" → "CNY"); a code that is not printable ASCII stays hex. */
export function currencyCode(value: unknown): string {
  const hex = String(value).replace(/^0x/, "");
  const text = Buffer.from(hex, "hex").toString("latin1");
  return /^[A-Z0-9]{1,3}$/.test(text.replace(/\0+$/, "")) ? text.replace(/\0+$/, "") : `0x${hex}`;
}

/**
 * Tables. User-chosen uint64 dates (expiry, extendTo) are `numeric`: a value above 2^63 (a "never" expiry) must not
 * stop the indexer. Claim indexes and amendment numbers are bounded by uint16 counters in the contract.
 */
export const GUARANTEE_TABLES = [
  {
    kind: "versioned",
    name: "guarantees",
    key: ["guarantee_id"],
    columns: {
      guarantee_id: "numeric",
      applicant: "bigint",
      guarantor: "bigint",
      beneficiary: "bigint",
      applicant_account: "text",
      guarantor_account: "text",
      beneficiary_account: "text",
      kind: "text",
      state: "text",
      currency: "text",
      amount: "numeric",
      paid: "numeric",
      expiry: "numeric",
      examination_period: "bigint",
      terms_hash: "text",
      tender_reference: "text",
      reference_id: "text",
      schedule: "jsonb",
      claim_count: "integer",
      amendment_count: "integer",
      applied_block: "bigint",
      applied_tx: "text",
    },
    indexes: [["reference_id"], ["applicant"], ["guarantor"], ["beneficiary"], ["state"], ["kind"]],
  },
  {
    kind: "versioned",
    name: "guarantee_claims",
    key: ["guarantee_id", "claim_index"],
    columns: {
      guarantee_id: "numeric",
      claim_index: "integer",
      beneficiary: "bigint",
      payee: "text",
      amount: "numeric",
      demand_hash: "text",
      documents: "jsonb",
      extend_to: "numeric",
      examination_deadline: "numeric",
      state: "text",
      paid_total: "numeric",
      available_after: "numeric",
      off_chain_reference: "text",
      reason_hash: "text",
      new_expiry: "numeric",
      answered_by: "text",
      presented_block: "bigint",
      presented_tx: "text",
    },
    indexes: [["state"]],
  },
  {
    kind: "versioned",
    name: "guarantee_amendments",
    key: ["guarantee_id", "number"],
    columns: {
      guarantee_id: "numeric",
      number: "integer",
      amount: "numeric",
      expiry: "numeric",
      amendment_hash: "text",
      state: "text",
      proposed_by: "text",
      answered_by: "text",
      proposed_block: "bigint",
      proposed_tx: "text",
    },
  },
  {
    kind: "append",
    name: "guarantee_timeline",
    columns: {
      guarantee_id: "numeric",
      event: "text",
      account: "text",
      claim_index: "integer",
      amendment_number: "integer",
      details: "jsonb",
    },
    indexes: [["guarantee_id"]],
  },
] as const satisfies readonly TableSpec[];

/**
 * URDG 758 (issue 19, migration guarantees/002_urdg): the certificate whose presentation ends a guarantee (art. 25a
 * iii) and the total of recorded advance repayments (art. 13) on `guarantees`; the suspension of an "extend or pay"
 * demand (art. 23) on `guarantee_claims`; counter-guarantees and the demands under them (art. 2, 15b), keyed by the
 * guarantee they back, so that a guarantee and its counter-guarantee read as one chain.
 */
export const URDG_GUARANTEE_COLUMNS = {
  expiry_document: "text",
  reduced_total: "numeric",
} as const satisfies Record<string, ColumnType>;
export const URDG_CLAIM_COLUMNS = { suspended_until: "numeric" } as const satisfies Record<string, ColumnType>;

export const COUNTER_GUARANTEE_TABLES = [
  {
    kind: "versioned",
    name: "counter_guarantees",
    key: ["guarantee_id"],
    columns: {
      guarantee_id: "numeric",
      instructing_bank: "bigint",
      instructing_account: "text",
      guarantor: "bigint",
      state: "text",
      amount: "numeric",
      paid: "numeric",
      expiry: "numeric",
      examination_period: "bigint",
      terms_hash: "text",
      issued_block: "bigint",
      issued_tx: "text",
    },
    indexes: [["instructing_bank"], ["guarantor"]],
  },
  {
    kind: "versioned",
    name: "counter_demands",
    key: ["guarantee_id", "claim_index"],
    columns: {
      guarantee_id: "numeric",
      claim_index: "integer",
      guarantor: "bigint",
      payee: "text",
      amount: "numeric",
      statement_hash: "text",
      examination_deadline: "numeric",
      state: "text",
      paid_total: "numeric",
      available_after: "numeric",
      off_chain_reference: "text",
      reason_hash: "text",
      answered_by: "text",
      presented_block: "bigint",
      presented_tx: "text",
    },
    indexes: [["state"]],
  },
] as const satisfies readonly TableSpec[];

const GUARANTEE_TABLES_NOW = GUARANTEE_TABLES.map((table) =>
  table.name === "guarantees"
    ? { ...table, columns: { ...table.columns, ...URDG_GUARANTEE_COLUMNS } }
    : table.name === "guarantee_claims"
      ? { ...table, columns: { ...table.columns, ...URDG_CLAIM_COLUMNS } }
      : table,
);

const addColumns = (table: string, columns: Record<string, ColumnType>) =>
  `ALTER TABLE ${table} ${Object.entries(columns)
    .map(([column, type]) => `ADD COLUMN ${column} ${type}`)
    .join(", ")}`;

const URDG_MIGRATION = [
  addColumns("guarantees", URDG_GUARANTEE_COLUMNS),
  addColumns("guarantee_claims", URDG_CLAIM_COLUMNS),
  ...COUNTER_GUARANTEE_TABLES.map(createTableSql),
].join(";\n");

type Row = Record<string, unknown>;

async function current(store: ProjectionStore, table: string, key: Row): Promise<Row> {
  const row = await store.get(table, key);
  if (row === undefined) throw new Error(`${table} ${JSON.stringify(key, (_k, v: unknown) => String(v))} unknown`);
  return row;
}

async function setGuarantee(store: ProjectionStore, id: unknown, changes: Row): Promise<void> {
  store.put("guarantees", { ...(await current(store, "guarantees", { guarantee_id: id })), ...changes });
}

async function setClaim(store: ProjectionStore, id: unknown, index: unknown, changes: Row): Promise<void> {
  const key = { guarantee_id: id, claim_index: Number(index) };
  store.put("guarantee_claims", { ...(await current(store, "guarantee_claims", key)), ...changes });
}

async function setCounter(store: ProjectionStore, id: unknown, changes: Row): Promise<void> {
  store.put("counter_guarantees", {
    ...(await current(store, "counter_guarantees", { guarantee_id: id })),
    ...changes,
  });
}

async function setCounterDemand(store: ProjectionStore, id: unknown, index: unknown, changes: Row): Promise<void> {
  const key = { guarantee_id: id, claim_index: Number(index) };
  store.put("counter_demands", { ...(await current(store, "counter_demands", key)), ...changes });
}

async function setAmendment(store: ProjectionStore, id: unknown, number: unknown, changes: Row): Promise<void> {
  const key = { guarantee_id: id, number: Number(number) };
  store.put("guarantee_amendments", { ...(await current(store, "guarantee_amendments", key)), ...changes });
}

function timeline(
  store: ProjectionStore,
  e: Parameters<EventHandler>[0],
  extra: { claim?: unknown; amendment?: unknown; details?: Row } = {},
): void {
  store.append("guarantee_timeline", {
    guarantee_id: e.args.guaranteeId,
    event: e.event,
    account: (e.args.account ?? e.args.applicantAccount ?? e.args.payee ?? null) as string | null,
    claim_index: extra.claim === undefined ? null : Number(extra.claim),
    amendment_number: extra.amendment === undefined ? null : Number(extra.amendment),
    details: extra.details ?? {},
  });
}

interface ApplicationArgs {
  guarantor: string;
  beneficiary: string;
  kind: number;
  currency: string;
  amount: bigint;
  expiry: bigint;
  examinationPeriod: number;
  termsHash: string;
  tenderReference: string;
  schedule: readonly { date: bigint; amount: bigint }[];
}

interface DemandArgs {
  amount: bigint;
  demandHash: string;
  documents: readonly { contentHash: string; uriHash: string; kind: number }[];
  extendTo: bigint;
}

export default defineProjection({
  name: "guarantees",
  contracts: { BankGuarantees: BankGuarantees__factory.abi },
  tables: [...GUARANTEE_TABLES_NOW, ...COUNTER_GUARANTEE_TABLES],
  migrations: [
    { id: "guarantees/001_tables", sql: GUARANTEE_TABLES.map(createTableSql).join(";\n") },
    { id: "guarantees/002_urdg", sql: URDG_MIGRATION },
  ],
  handlers: {
    BankGuarantees: {
      GuaranteeApplied: (e, store) => {
        const a = e.args.application as ApplicationArgs;
        store.put("guarantees", {
          guarantee_id: e.args.guaranteeId,
          applicant: e.args.applicant,
          guarantor: e.args.guarantor,
          beneficiary: e.args.beneficiary,
          applicant_account: e.args.applicantAccount,
          guarantor_account: a.guarantor,
          beneficiary_account: a.beneficiary,
          kind: name(GUARANTEE_KINDS, a.kind),
          state: "Applied",
          currency: currencyCode(a.currency),
          amount: a.amount,
          paid: 0n,
          expiry: a.expiry,
          examination_period: BigInt(a.examinationPeriod),
          terms_hash: a.termsHash,
          tender_reference: a.tenderReference,
          reference_id: null,
          schedule: a.schedule.map((s) => ({ date: BigInt(s.date), amount: BigInt(s.amount) })),
          claim_count: 0,
          amendment_count: 0,
          expiry_document: null,
          reduced_total: 0n,
          applied_block: e.blockNumber,
          applied_tx: e.txHash,
        });
        timeline(store, e, {
          details: { amount: a.amount, expiry: a.expiry, kind: name(GUARANTEE_KINDS, a.kind) },
        });
      },
      GuaranteeIssued: async (e, store) => {
        await setGuarantee(store, e.args.guaranteeId, { state: "Issued", reference_id: e.args.referenceId });
        timeline(store, e, { details: { referenceId: e.args.referenceId } });
      },
      GuaranteeDeclined: async (e, store) => {
        await setGuarantee(store, e.args.guaranteeId, { state: "Declined" });
        timeline(store, e, { details: { reasonHash: e.args.reasonHash } });
      },
      GuaranteeCancelled: async (e, store) => {
        await setGuarantee(store, e.args.guaranteeId, { state: "Cancelled" });
        timeline(store, e);
      },
      AmendmentProposed: async (e, store) => {
        const number = Number(e.args.number);
        store.put("guarantee_amendments", {
          guarantee_id: e.args.guaranteeId,
          number,
          amount: e.args.amount,
          expiry: e.args.expiry,
          amendment_hash: e.args.amendmentHash,
          state: "Pending",
          proposed_by: e.args.account,
          answered_by: null,
          proposed_block: e.blockNumber,
          proposed_tx: e.txHash,
        });
        await setGuarantee(store, e.args.guaranteeId, { amendment_count: number });
        timeline(store, e, {
          amendment: number,
          details: { amount: e.args.amount, expiry: e.args.expiry, amendmentHash: e.args.amendmentHash },
        });
      },
      AmendmentWithdrawn: async (e, store) => {
        await setAmendment(store, e.args.guaranteeId, e.args.number, { state: "Withdrawn" });
        timeline(store, e, { amendment: e.args.number });
      },
      AmendmentAnswered: async (e, store) => {
        const accepted = e.args.accepted as boolean;
        await setAmendment(store, e.args.guaranteeId, e.args.number, {
          state: accepted ? "Accepted" : "Refused",
          answered_by: e.args.account,
        });
        if (accepted) {
          await setGuarantee(store, e.args.guaranteeId, { amount: e.args.amount, expiry: e.args.expiry });
        }
        timeline(store, e, {
          amendment: e.args.number,
          details: { accepted, amount: e.args.amount, expiry: e.args.expiry },
        });
      },
      ClaimPresented: async (e, store) => {
        const d = e.args.demand as DemandArgs;
        const index = Number(e.args.claimIndex);
        store.put("guarantee_claims", {
          guarantee_id: e.args.guaranteeId,
          claim_index: index,
          beneficiary: e.args.beneficiary,
          payee: e.args.payee,
          amount: d.amount,
          demand_hash: d.demandHash,
          documents: d.documents.map((doc) => ({
            contentHash: doc.contentHash,
            uriHash: doc.uriHash,
            kind: Number(doc.kind),
          })),
          extend_to: BigInt(d.extendTo) === 0n ? null : d.extendTo,
          examination_deadline: e.args.examinationDeadline,
          state: "Presented",
          paid_total: null,
          available_after: null,
          off_chain_reference: null,
          reason_hash: null,
          new_expiry: null,
          answered_by: null,
          suspended_until: null,
          presented_block: e.blockNumber,
          presented_tx: e.txHash,
        });
        await setGuarantee(store, e.args.guaranteeId, { state: "Claimed", claim_count: index + 1 });
        timeline(store, e, {
          claim: index,
          details: {
            amount: d.amount,
            demandHash: d.demandHash,
            extendTo: d.extendTo,
            examinationDeadline: e.args.examinationDeadline,
          },
        });
      },
      ClaimPaid: async (e, store) => {
        const reference = e.args.offChainReference as string;
        const offChain = BigInt(reference) === 0n ? null : reference;
        await setClaim(store, e.args.guaranteeId, e.args.claimIndex, {
          state: "Paid",
          paid_total: e.args.paidTotal,
          available_after: e.args.available,
          off_chain_reference: offChain,
          answered_by: e.args.account,
        });
        const left = e.args.available as bigint;
        await setGuarantee(store, e.args.guaranteeId, {
          paid: e.args.paidTotal,
          state: left === 0n ? "Exhausted" : "Issued",
        });
        timeline(store, e, {
          claim: e.args.claimIndex,
          details: {
            amount: e.args.amount,
            paidTotal: e.args.paidTotal,
            available: e.args.available,
            offChainReference: offChain,
          },
        });
      },
      ClaimRejected: async (e, store) => {
        await setClaim(store, e.args.guaranteeId, e.args.claimIndex, {
          state: "Rejected",
          reason_hash: e.args.reasonHash,
          answered_by: e.args.account,
        });
        await setGuarantee(store, e.args.guaranteeId, { state: "Issued" });
        timeline(store, e, { claim: e.args.claimIndex, details: { reasonHash: e.args.reasonHash } });
      },
      ClaimExtended: async (e, store) => {
        await setClaim(store, e.args.guaranteeId, e.args.claimIndex, {
          state: "Extended",
          new_expiry: e.args.newExpiry,
          answered_by: e.args.account,
        });
        await setGuarantee(store, e.args.guaranteeId, { state: "Issued", expiry: e.args.newExpiry });
        timeline(store, e, { claim: e.args.claimIndex, details: { newExpiry: e.args.newExpiry } });
      },
      ClaimWithdrawn: async (e, store) => {
        await setClaim(store, e.args.guaranteeId, e.args.claimIndex, {
          state: "Withdrawn",
          answered_by: e.args.account,
        });
        await setGuarantee(store, e.args.guaranteeId, { state: "Issued" });
        timeline(store, e, { claim: e.args.claimIndex });
      },
      GuaranteeExhausted: async (e, store) => {
        await setGuarantee(store, e.args.guaranteeId, { state: "Exhausted" });
        timeline(store, e);
      },
      GuaranteeReleased: async (e, store) => {
        await setGuarantee(store, e.args.guaranteeId, { state: "Released" });
        timeline(store, e);
      },
      GuaranteeExpired: async (e, store) => {
        await setGuarantee(store, e.args.guaranteeId, { state: "Expired" });
        timeline(store, e);
      },
      ClaimSuspended: async (e, store) => {
        await setClaim(store, e.args.guaranteeId, e.args.claimIndex, { suspended_until: e.args.until });
        timeline(store, e, {
          claim: e.args.claimIndex,
          details: { until: e.args.until, applicant: Number(e.args.applicant) },
        });
      },
      GuaranteeReduced: async (e, store) => {
        const g = await current(store, "guarantees", { guarantee_id: e.args.guaranteeId });
        await setGuarantee(store, e.args.guaranteeId, {
          amount: e.args.amount,
          reduced_total: BigInt(String(g.reduced_total ?? 0)) + (e.args.repaid as bigint),
        });
        timeline(store, e, {
          details: { repaid: e.args.repaid, amount: e.args.amount, evidenceHash: e.args.evidenceHash },
        });
      },
      ExpiryDocumentNamed: async (e, store) => {
        await setGuarantee(store, e.args.guaranteeId, { expiry_document: e.args.documentHash });
        timeline(store, e, { details: { documentHash: e.args.documentHash } });
      },
      GuaranteeExpiredByDocument: async (e, store) => {
        await setGuarantee(store, e.args.guaranteeId, { state: "Expired" });
        timeline(store, e, { details: { documentHash: e.args.documentHash } });
      },
      CounterGuaranteeIssued: (e, store) => {
        const t = e.args.terms as { amount: bigint; expiry: bigint; examinationPeriod: bigint; termsHash: string };
        store.put("counter_guarantees", {
          guarantee_id: e.args.guaranteeId,
          instructing_bank: e.args.instructingBank,
          instructing_account: e.args.account,
          guarantor: e.args.guarantor,
          state: "Issued",
          amount: t.amount,
          paid: 0n,
          expiry: t.expiry,
          examination_period: BigInt(t.examinationPeriod),
          terms_hash: t.termsHash,
          issued_block: e.blockNumber,
          issued_tx: e.txHash,
        });
        timeline(store, e, {
          details: { instructingBank: Number(e.args.instructingBank), amount: t.amount, expiry: t.expiry },
        });
      },
      CounterDemandPresented: async (e, store) => {
        store.put("counter_demands", {
          guarantee_id: e.args.guaranteeId,
          claim_index: Number(e.args.claimIndex),
          guarantor: e.args.guarantor,
          payee: e.args.payee,
          amount: e.args.amount,
          statement_hash: e.args.statementHash,
          examination_deadline: e.args.examinationDeadline,
          state: "Presented",
          paid_total: null,
          available_after: null,
          off_chain_reference: null,
          reason_hash: null,
          answered_by: null,
          presented_block: e.blockNumber,
          presented_tx: e.txHash,
        });
        await setCounter(store, e.args.guaranteeId, { state: "Demanded" });
        timeline(store, e, {
          claim: e.args.claimIndex,
          details: {
            counter: true,
            amount: e.args.amount,
            statementHash: e.args.statementHash,
            examinationDeadline: e.args.examinationDeadline,
          },
        });
      },
      CounterDemandPaid: async (e, store) => {
        const reference = e.args.offChainReference as string;
        const offChain = BigInt(reference) === 0n ? null : reference;
        await setCounterDemand(store, e.args.guaranteeId, e.args.claimIndex, {
          state: "Paid",
          paid_total: e.args.paidTotal,
          available_after: e.args.available,
          off_chain_reference: offChain,
          answered_by: e.args.account,
        });
        await setCounter(store, e.args.guaranteeId, {
          paid: e.args.paidTotal,
          state: (e.args.available as bigint) === 0n ? "Exhausted" : "Issued",
        });
        timeline(store, e, {
          claim: e.args.claimIndex,
          details: { counter: true, amount: e.args.amount, available: e.args.available, offChainReference: offChain },
        });
      },
      CounterDemandRejected: async (e, store) => {
        await setCounterDemand(store, e.args.guaranteeId, e.args.claimIndex, {
          state: "Rejected",
          reason_hash: e.args.reasonHash,
          answered_by: e.args.account,
        });
        await setCounter(store, e.args.guaranteeId, { state: "Issued" });
        timeline(store, e, { claim: e.args.claimIndex, details: { counter: true, reasonHash: e.args.reasonHash } });
      },
      Paused: onPaused,
      Unpaused: onUnpaused,
    },
  },
});
