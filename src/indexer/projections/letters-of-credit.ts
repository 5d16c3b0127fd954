import { PRESENTATION_CHECK_CODES } from "@consortia/sdk";
import { InterbankPositions__factory } from "@consortia/sdk/typechain/factories/letters-of-credit/InterbankPositions__factory.js";
import { LcPresentationChecks__factory } from "@consortia/sdk/typechain/factories/letters-of-credit/LcPresentationChecks__factory.js";
import { LetterOfCredit__factory } from "@consortia/sdk/typechain/factories/letters-of-credit/LetterOfCredit__factory.js";
import {
  createTableSql,
  defineProjection,
  type ColumnType,
  type IndexedEvent,
  type ProjectionStore,
  type TableSpec,
} from "../projection.js";
import { onPaused, onUnpaused } from "./platform.js";

/** Enum names of ILetterOfCredit / IInterbankPositions, by their uint8 value. */
export const LC_STATES = [
  "None",
  "Applied",
  "Issued",
  "Advised",
  "Acknowledged",
  "FullyDrawn",
  "Expired",
  "Cancelled",
  "Declined",
] as const;
export const PRESENTATION_STATES = [
  "None",
  "Presented",
  "Discrepant",
  "Waived",
  "Compliant",
  "Accepted",
  "Paid",
  "Refused",
  "Held",
] as const;
export const OBLIGATION_STATUSES = ["None", "Open", "Settled", "Netted", "Released"] as const;
export const AMENDMENT_STATUSES = ["Proposed", "Accepted", "Rejected"] as const;

/** A presentation id is `lcId << 16 | index`; an accepted deferred presentation is a claim with the same id. */
export const PRESENTATION_INDEX_BITS = 16n;

const name = (names: readonly string[], value: unknown): string => names[Number(value)] ?? `Unknown(${String(value)})`;

/**
 * Tables of the letters-of-credit projection. Versioned: LCs, presentations (claims), amendments, credit lines,
 * settlement accounts, obligations. Append: the LC timeline (every event of an LC, in chain order, with the acting
 * member and the hashes it carried), claim holder changes, netting runs, each bank's net position in a run and the
 * banks a run excluded for a shortfall.
 */
export const LC_TABLES = [
  {
    kind: "versioned",
    name: "lc_letters",
    key: ["lc_id"],
    columns: {
      lc_id: "numeric",
      applicant: "bigint",
      issuing_bank: "bigint",
      advising_bank: "bigint",
      beneficiary: "bigint",
      nominated_bank: "bigint",
      advising_bank_account: "text",
      beneficiary_account: "text",
      nominated_bank_account: "text",
      state: "text",
      amount: "numeric",
      currency: "text",
      tolerance_plus: "integer",
      tolerance_minus: "integer",
      expiry: "bigint",
      latest_shipment: "bigint",
      deferred: "boolean",
      tenor_days: "integer",
      partial_drawings: "boolean",
      required_documents: "bigint",
      terms_hash: "text",
      drawn: "numeric",
      reserved: "numeric",
      presentation_count: "integer",
      confirmed: "boolean",
      cancellation_requested: "boolean",
      pending_amendment: "text",
      created_block: "bigint",
      created_tx: "text",
    },
    indexes: [["state"], ["applicant"], ["issuing_bank"], ["advising_bank"], ["beneficiary"], ["nominated_bank"]],
  },
  {
    kind: "versioned",
    name: "lc_presentations",
    key: ["presentation_id"],
    columns: {
      presentation_id: "numeric",
      lc_id: "numeric",
      presentation_index: "integer",
      beneficiary: "bigint",
      presenter: "text",
      amount: "numeric",
      state: "text",
      presented_kinds: "bigint",
      documents: "jsonb",
      examined_by: "bigint",
      discrepancies: "jsonb",
      refusal_notice_hash: "text",
      maturity: "bigint",
      holder: "text",
      holder_member: "bigint",
      claim_operator: "text",
      payee: "text",
      payment_reference: "text",
      reimbursement_obligation_id: "numeric",
      presented_block: "bigint",
      presented_tx: "text",
    },
    indexes: [["lc_id"], ["state"], ["holder"], ["holder_member"]],
  },
  {
    kind: "versioned",
    name: "lc_amendments",
    key: ["lc_id", "amendment_hash"],
    columns: {
      lc_id: "numeric",
      amendment_hash: "text",
      amount: "numeric",
      expiry: "bigint",
      latest_shipment: "bigint",
      terms_hash: "text",
      status: "text",
      proposed_by: "bigint",
      answered_by: "bigint",
      proposed_block: "bigint",
      proposed_tx: "text",
    },
    indexes: [["lc_id"]],
  },
  {
    kind: "append",
    name: "lc_timeline",
    columns: {
      lc_id: "numeric",
      presentation_id: "numeric",
      event: "text",
      member_id: "bigint",
      account: "text",
      amount: "numeric",
      state: "text",
      hashes: "jsonb",
      details: "jsonb",
    },
    indexes: [["lc_id"], ["presentation_id"], ["member_id"]],
  },
  {
    kind: "append",
    name: "lc_claim_holders",
    columns: {
      claim_id: "numeric",
      lc_id: "numeric",
      from_address: "text",
      from_member: "bigint",
      holder: "text",
      holder_member: "bigint",
      reason: "text",
    },
    indexes: [["claim_id"], ["holder"]],
  },
  {
    kind: "versioned",
    name: "ib_credit_lines",
    key: ["grantor", "grantee"],
    columns: { grantor: "bigint", grantee: "bigint", credit_limit: "numeric", used: "numeric" },
    indexes: [["grantee"]],
  },
  {
    kind: "versioned",
    name: "ib_settlement_accounts",
    key: ["bank"],
    columns: { bank: "bigint", account: "text" },
  },
  {
    kind: "versioned",
    name: "ib_obligations",
    key: ["obligation_id"],
    columns: {
      obligation_id: "numeric",
      debtor: "bigint",
      creditor: "bigint",
      amount: "numeric",
      due_at: "bigint",
      status: "text",
      recorder: "text",
      purpose: "text",
      settlement_reference: "text",
      netting_run_id: "numeric",
      recorded_block: "bigint",
      recorded_tx: "text",
    },
    indexes: [["debtor", "status"], ["creditor", "status"], ["status"], ["netting_run_id"]],
  },
  {
    kind: "append",
    name: "ib_netting_runs",
    columns: {
      run_id: "numeric",
      initiator: "bigint",
      obligation_ids: "jsonb",
      banks: "jsonb",
      net_positions: "jsonb",
      total_netted: "numeric",
    },
    indexes: [["run_id"], ["initiator"]],
  },
  {
    kind: "append",
    name: "ib_netting_positions",
    columns: { run_id: "numeric", bank: "bigint", net_position: "numeric" },
    indexes: [["bank"], ["run_id"]],
  },
] as const satisfies readonly TableSpec[];

/**
 * Banks a netting run left out because their settlement account could not pay their net debit (issue 19): one row
 * per `NettingBankExcluded`; their obligations in the batch stay open. Added after the first release: migration
 * letters-of-credit/002.
 */
export const NETTING_EXCLUSION_TABLES = [
  {
    kind: "append",
    name: "ib_netting_exclusions",
    columns: {
      run_id: "numeric",
      bank: "bigint",
      net_debit: "numeric",
      available: "numeric",
      shortfall: "numeric",
    },
    indexes: [["run_id"], ["bank"]],
  },
] as const satisfies readonly TableSpec[];

/**
 * Columns the UCP 600 examination (issue 19) added to `lc_presentations` (migration letters-of-credit/003): the
 * examination deadline (art. 14b), the preclusion (art. 16f) and who recorded it, the refusal notice's discrepancies
 * (art. 16c; its hash is `refusal_notice_hash`) and what became of the documents: `held` after the notice,
 * `released` on the applicant's waiver of a held presentation, `returned` when the bank returned them.
 */
export const EXAMINATION_COLUMNS = {
  examination_deadline: "bigint",
  precluded: "boolean",
  precluded_by: "bigint",
  refusal_discrepancies: "jsonb",
  documents_status: "text",
} as const satisfies Record<string, ColumnType>;

/**
 * Columns added by migration letters-of-credit/004 (issue 19): the presentation's time (`presentedAt` on chain, the
 * block time of `DocumentsPresented`), and the currency of interbank obligations, netting runs and net positions (an
 * ISO 4217 numeric code governance mapped to a deposit token; 0 is the settlement token's, every row before
 * currencies existed). A run nets one currency, so its positions carry the run's currency.
 */
export const CURRENCY_COLUMNS: Readonly<Record<string, Record<string, ColumnType>>> = {
  lc_presentations: { presented_at: "bigint" },
  ib_obligations: { currency: "integer" },
  ib_netting_runs: { currency: "integer" },
  ib_netting_positions: { currency: "integer" },
};

/**
 * Columns the automatic checks at presentation (LcPresentationChecks, issue 19) added to `lc_presentations`
 * (migration letters-of-credit/005): what the chain found (`check_codes`, the codes by name; null for a presentation
 * made before the checks existed), the required kinds missing (bitmask), the shipment date the beneficiary stated
 * (null: not stated, the shipment codes were left to the bank) and the last day for presentation (day number on the
 * consortium calendar, art. 14c and 29a). `lc_letters.presentation_period_days` is the period its issuing bank set (null:
 * 21 days).
 */
export const CHECK_COLUMNS = {
  check_codes: "jsonb",
  check_missing_kinds: "bigint",
  shipment_date: "bigint",
  last_presentation_day: "bigint",
} as const satisfies Record<string, ColumnType>;

/** The codes of the checks set in `mask`, by finding bit (LcPresentationChecks.codeOf; the SDK declares the list). */
export const checkCodes = (mask: number): string[] =>
  PRESENTATION_CHECK_CODES.filter((_, bit) => (mask & (1 << bit)) !== 0);

const CHECK_MIGRATION = [
  `ALTER TABLE lc_presentations ${Object.entries(CHECK_COLUMNS)
    .map(([column, type]) => `ADD COLUMN ${column} ${type}`)
    .join(", ")}`,
  `ALTER TABLE lc_letters ADD COLUMN presentation_period_days integer`,
].join(";\n");

/**
 * Attestation backing of presentations (issue 22, migration letters-of-credit/006): `lc_presentations.backing_subject_key`,
 * the subject (keyed identifier) whose authority attestations back a presentation (stated by the beneficiary for its
 * documents, or linked later by it or the issuing bank; null: none), and `lc_presentation_backing`, every check of it
 * against the issuing bank's LcHonour policy (at `present`, `examined` false, and at `examine` as complying, `examined`
 * true; `policy` the kinds bitmask in force, zero: none), which the regulator's unattested-financing view reads.
 */
export const BACKING_COLUMNS = { backing_subject_key: "text" } as const satisfies Record<string, ColumnType>;
export const BACKING_TABLES = [
  {
    kind: "append",
    name: "lc_presentation_backing",
    columns: {
      presentation_id: "numeric",
      lc_id: "numeric",
      bank: "bigint",
      subject_key: "text",
      policy: "numeric",
      examined: "boolean",
    },
    indexes: [["presentation_id"], ["bank"]],
  },
] as const satisfies readonly TableSpec[];

const BACKING_MIGRATION = [
  `ALTER TABLE lc_presentations ADD COLUMN backing_subject_key text`,
  ...BACKING_TABLES.map(createTableSql),
].join(";\n");

/** Governance's map of a currency to the deposit token it settles in (migration letters-of-credit/004). */
export const CURRENCY_TOKEN_TABLES = [
  {
    kind: "versioned",
    name: "ib_currency_tokens",
    key: ["currency"],
    columns: { currency: "integer", token: "text" },
  },
] as const satisfies readonly TableSpec[];

/** The tables as they are now: the first release's with the examination and currency columns. */
/** Columns later migrations added, by table (003 examination, 005 presentation checks). */
const ADDED_COLUMNS: Readonly<Record<string, Record<string, ColumnType>>> = {
  lc_presentations: { ...EXAMINATION_COLUMNS, ...CHECK_COLUMNS, ...BACKING_COLUMNS },
  lc_letters: { presentation_period_days: "integer" },
};
const LC_TABLES_NOW = LC_TABLES.map((table) => ({
  ...table,
  columns: { ...table.columns, ...(ADDED_COLUMNS[table.name] ?? {}), ...(CURRENCY_COLUMNS[table.name] ?? {}) },
}));

const EXAMINATION_MIGRATION = [
  `ALTER TABLE lc_presentations ${Object.entries(EXAMINATION_COLUMNS)
    .map(([column, type]) => `ADD COLUMN ${column} ${type}`)
    .join(", ")}`,
  // work queues: presentations whose deadline is near
  `CREATE INDEX lc_presentations_examination_deadline ON lc_presentations (examination_deadline) WHERE valid_to_block IS NULL`,
].join(";\n");

const CURRENCY_MIGRATION = [
  ...Object.entries(CURRENCY_COLUMNS).map(
    ([table, columns]) =>
      `ALTER TABLE ${table} ${Object.entries(columns)
        .map(([column, type]) => `ADD COLUMN ${column} ${type}${column === "currency" ? " NOT NULL DEFAULT 0" : ""}`)
        .join(", ")}`,
  ),
  // positions per currency: a bank's last run in one currency
  `CREATE INDEX ib_netting_positions_bank_currency ON ib_netting_positions (bank, currency)`,
  `CREATE INDEX ib_obligations_currency ON ib_obligations (currency) WHERE valid_to_block IS NULL`,
  ...CURRENCY_TOKEN_TABLES.map(createTableSql),
].join(";\n");

type Args = Record<string, unknown>;
type Row = Record<string, unknown>;

const ZERO = "0x0000000000000000000000000000000000000000";
const ZERO_HASH = `0x${"0".repeat(64)}`;
const orNull = (value: unknown, zero: unknown = 0) => (value === zero || value === 0n ? null : value);

/** bytes3 currency as its ISO letters when printable ("0x434e59" → "CNY"), else as hex. */
export function currencyCode(hex: string): string {
  const bytes = Buffer.from(hex.slice(2), "hex");
  return bytes.every((b) => b >= 0x20 && b < 0x7f) ? bytes.toString("ascii") : hex;
}

const lcOf = (presentationId: bigint) => presentationId >> PRESENTATION_INDEX_BITS;

async function load(store: ProjectionStore, table: string, key: Row, what: string): Promise<Row> {
  const row = await store.get(table, key);
  if (row === undefined) throw new Error(`${what} changed before it was created`);
  return row;
}

async function updateLc(store: ProjectionStore, lcId: unknown, changes: Row): Promise<Row> {
  const row = { ...(await load(store, "lc_letters", { lc_id: lcId }, `LC ${String(lcId)}`)), ...changes };
  store.put("lc_letters", row);
  return row;
}

async function updatePresentation(store: ProjectionStore, id: unknown, changes: Row): Promise<Row> {
  const key = { presentation_id: id };
  const row = { ...(await load(store, "lc_presentations", key, `presentation ${String(id)}`)), ...changes };
  store.put("lc_presentations", row);
  return row;
}

/** The member an account belongs to, from the platform projection (null if unknown). */
async function memberOf(store: ProjectionStore, account: string): Promise<number | null> {
  const row = await store.get<{ member_id: number }>("accounts", { address: account });
  return row?.member_id ?? null;
}

interface TimelineEntry {
  lcId: unknown;
  presentationId?: unknown;
  member?: unknown;
  account?: string | null;
  amount?: unknown;
  state?: string | null;
  hashes?: Record<string, unknown>;
  details?: Record<string, unknown>;
}

/** Whether `address` is the indexed LetterOfCredit (another LC contract's presentation ids may be the same numbers). */
async function indexedLc(store: ProjectionStore, address: unknown): Promise<boolean> {
  const indexed = await store.get("contract_implementations", { address: address as string });
  return indexed?.contract === "LetterOfCredit";
}

function timeline(store: ProjectionStore, e: IndexedEvent, entry: TimelineEntry): void {
  store.append("lc_timeline", {
    lc_id: entry.lcId,
    presentation_id: entry.presentationId ?? null,
    event: e.event,
    member_id: entry.member ?? null,
    account: entry.account ?? null,
    amount: entry.amount ?? null,
    state: entry.state ?? null,
    hashes: entry.hashes ?? {},
    details: entry.details ?? {},
  });
}

function onCreated(state: "Applied" | "Issued") {
  return (e: IndexedEvent, store: ProjectionStore) => {
    const { lcId, applicant, issuingBank, parties, terms } = e.args as {
      lcId: bigint;
      applicant: number;
      issuingBank: number;
      parties: Args;
      terms: Args;
    };
    store.put("lc_letters", {
      lc_id: lcId,
      applicant,
      issuing_bank: issuingBank,
      advising_bank: parties.advisingBank,
      beneficiary: parties.beneficiary,
      nominated_bank: orNull(parties.nominatedBank),
      advising_bank_account: terms.advisingBank,
      beneficiary_account: terms.beneficiary,
      nominated_bank_account: orNull(terms.nominatedBank, ZERO),
      state,
      amount: terms.amount,
      currency: currencyCode(terms.currency as string),
      tolerance_plus: terms.tolerancePlus,
      tolerance_minus: terms.toleranceMinus,
      expiry: terms.expiry,
      latest_shipment: terms.latestShipment,
      deferred: terms.deferred,
      tenor_days: terms.tenorDays,
      partial_drawings: terms.partialDrawings,
      required_documents: terms.requiredDocuments,
      terms_hash: terms.termsHash,
      drawn: 0n,
      reserved: 0n,
      presentation_count: 0,
      confirmed: false,
      cancellation_requested: false,
      pending_amendment: null,
      created_block: e.blockNumber,
      created_tx: e.txHash,
    });
    timeline(store, e, {
      lcId,
      member: state === "Applied" ? applicant : issuingBank,
      amount: terms.amount,
      state,
      hashes: { termsHash: terms.termsHash },
      details: { applicant, issuingBank, ...parties },
    });
  };
}

/** Frees an obligation's amount from the line its creditor granted its debtor. */
async function freeLine(store: ProjectionStore, obligation: Row): Promise<void> {
  const key = { grantor: obligation.creditor, grantee: obligation.debtor };
  const line = await load(store, "ib_credit_lines", key, "credit line");
  store.put("ib_credit_lines", { ...line, used: BigInt(line.used as string) - BigInt(obligation.amount as string) });
}

async function closeObligation(store: ProjectionStore, id: unknown, changes: Row): Promise<void> {
  const obligation = await load(store, "ib_obligations", { obligation_id: id }, `obligation ${String(id)}`);
  store.put("ib_obligations", { ...obligation, ...changes });
  await freeLine(store, obligation);
}

export default defineProjection({
  name: "letters-of-credit",
  contracts: {
    LetterOfCredit: LetterOfCredit__factory.abi,
    InterbankPositions: InterbankPositions__factory.abi,
    LcPresentationChecks: LcPresentationChecks__factory.abi,
  },
  tables: [...LC_TABLES_NOW, ...NETTING_EXCLUSION_TABLES, ...CURRENCY_TOKEN_TABLES, ...BACKING_TABLES],
  migrations: [
    { id: "letters-of-credit/001_tables", sql: LC_TABLES.map(createTableSql).join(";\n") },
    {
      id: "letters-of-credit/002_netting_exclusions",
      sql: NETTING_EXCLUSION_TABLES.map(createTableSql).join(";\n"),
    },
    { id: "letters-of-credit/003_examination", sql: EXAMINATION_MIGRATION },
    { id: "letters-of-credit/004_currencies", sql: CURRENCY_MIGRATION },
    { id: "letters-of-credit/005_presentation_checks", sql: CHECK_MIGRATION },
    { id: "letters-of-credit/006_backing", sql: BACKING_MIGRATION },
  ],
  handlers: {
    LcPresentationChecks: {
      // emitted in `present`'s transaction, after DocumentsPresented: the same transaction binds it to this LC contract
      PresentationChecked: async (e, store) => {
        const row = await store.get("lc_presentations", { presentation_id: e.args.presentationId });
        if (row === undefined || row.presented_tx !== e.txHash) return;
        const codes = checkCodes(Number(e.args.codes));
        const stated = e.args.shipmentStated as boolean;
        store.put("lc_presentations", {
          ...row,
          check_codes: codes,
          check_missing_kinds: e.args.missingKinds,
          shipment_date: stated ? e.args.shipmentDate : null,
          last_presentation_day: stated ? e.args.lastPresentationDay : null,
        });
        timeline(store, e, {
          lcId: lcOf(e.args.presentationId as bigint),
          presentationId: e.args.presentationId,
          details: { codes, missingKinds: e.args.missingKinds, shipmentDate: stated ? e.args.shipmentDate : null },
        });
      },
      PresentationBackingLinked: async (e, store) => {
        if (!(await indexedLc(store, e.args.letterOfCredit))) return;
        const row = await store.get("lc_presentations", { presentation_id: e.args.presentationId });
        if (row === undefined) return;
        store.put("lc_presentations", { ...row, backing_subject_key: e.args.subjectKey });
        timeline(store, e, {
          lcId: lcOf(e.args.presentationId as bigint),
          presentationId: e.args.presentationId,
          member: e.args.linkedBy,
          account: e.args.account as string,
          hashes: { subjectKey: e.args.subjectKey },
        });
      },
      PresentationBacking: async (e, store) => {
        if (!(await indexedLc(store, e.args.letterOfCredit))) return;
        const row = await store.get("lc_presentations", { presentation_id: e.args.presentationId });
        if (row === undefined) return;
        const subject = e.args.subjectKey as string;
        const named = /^0x0{64}$/.test(subject) ? null : subject;
        if (!(e.args.examined as boolean)) store.put("lc_presentations", { ...row, backing_subject_key: named });
        store.append("lc_presentation_backing", {
          presentation_id: e.args.presentationId,
          lc_id: lcOf(e.args.presentationId as bigint),
          bank: e.args.bank,
          subject_key: named,
          policy: e.args.policy,
          examined: e.args.examined,
        });
        timeline(store, e, {
          lcId: lcOf(e.args.presentationId as bigint),
          presentationId: e.args.presentationId,
          member: e.args.bank,
          details: { subjectKey: named, policy: String(e.args.policy), examined: e.args.examined },
        });
      },
      PresentationPeriodSet: async (e, store) => {
        // only a period of the indexed LetterOfCredit (the proxy whose `Upgraded` the platform projection recorded):
        // another LC contract's lcId may be the same number
        const indexed = await store.get("contract_implementations", { address: e.args.letterOfCredit });
        if (indexed?.contract !== "LetterOfCredit") return;
        const lc = await store.get("lc_letters", { lc_id: e.args.lcId });
        if (lc === undefined) return;
        store.put("lc_letters", { ...lc, presentation_period_days: Number(e.args.periodDays) });
        timeline(store, e, { lcId: e.args.lcId, member: e.args.bank, details: { periodDays: e.args.periodDays } });
      },
      Paused: onPaused,
      Unpaused: onUnpaused,
    },
    LetterOfCredit: {
      LetterOfCreditApplied: onCreated("Applied"),
      LetterOfCreditIssued: onCreated("Issued"),
      ApplicationApproved: async (e, store) => {
        await updateLc(store, e.args.lcId, { state: "Issued" });
        timeline(store, e, { lcId: e.args.lcId, member: e.args.issuingBank, state: "Issued" });
      },
      ApplicationDeclined: async (e, store) => {
        await updateLc(store, e.args.lcId, { state: "Declined" });
        timeline(store, e, {
          lcId: e.args.lcId,
          member: e.args.issuingBank,
          state: "Declined",
          hashes: { reasonHash: e.args.reasonHash },
        });
      },
      LetterOfCreditAdvised: async (e, store) => {
        await updateLc(store, e.args.lcId, { state: "Advised" });
        timeline(store, e, {
          lcId: e.args.lcId,
          member: e.args.advisingBank,
          account: e.args.account as string,
          state: "Advised",
        });
      },
      LetterOfCreditAcknowledged: async (e, store) => {
        await updateLc(store, e.args.lcId, { state: "Acknowledged" });
        timeline(store, e, {
          lcId: e.args.lcId,
          member: e.args.beneficiary,
          account: e.args.account as string,
          state: "Acknowledged",
        });
      },
      LetterOfCreditConfirmed: async (e, store) => {
        await updateLc(store, e.args.lcId, { confirmed: true });
        timeline(store, e, { lcId: e.args.lcId, member: e.args.confirmingBank });
      },
      AmendmentProposed: async (e, store) => {
        const amendment = e.args.amendment as Args;
        store.put("lc_amendments", {
          lc_id: e.args.lcId,
          amendment_hash: e.args.amendmentHash,
          amount: amendment.amount,
          expiry: amendment.expiry,
          latest_shipment: amendment.latestShipment,
          terms_hash: amendment.termsHash,
          status: "Proposed",
          proposed_by: e.args.issuingBank,
          answered_by: null,
          proposed_block: e.blockNumber,
          proposed_tx: e.txHash,
        });
        await updateLc(store, e.args.lcId, { pending_amendment: e.args.amendmentHash });
        timeline(store, e, {
          lcId: e.args.lcId,
          member: e.args.issuingBank,
          amount: amendment.amount,
          hashes: { amendmentHash: e.args.amendmentHash, termsHash: amendment.termsHash },
          details: { expiry: amendment.expiry, latestShipment: amendment.latestShipment },
        });
      },
      AmendmentAccepted: async (e, store) => {
        const amendment = e.args.amendment as Args;
        const key = { lc_id: e.args.lcId, amendment_hash: e.args.amendmentHash };
        const row = await load(store, "lc_amendments", key, "amendment");
        store.put("lc_amendments", { ...row, status: "Accepted", answered_by: e.args.beneficiary });
        await updateLc(store, e.args.lcId, {
          pending_amendment: null,
          amount: amendment.amount,
          expiry: amendment.expiry,
          latest_shipment: amendment.latestShipment,
          terms_hash: amendment.termsHash,
        });
        timeline(store, e, {
          lcId: e.args.lcId,
          member: e.args.beneficiary,
          amount: amendment.amount,
          hashes: { amendmentHash: e.args.amendmentHash, termsHash: amendment.termsHash },
        });
      },
      AmendmentRejected: async (e, store) => {
        const key = { lc_id: e.args.lcId, amendment_hash: e.args.amendmentHash };
        const row = await load(store, "lc_amendments", key, "amendment");
        store.put("lc_amendments", { ...row, status: "Rejected", answered_by: e.args.beneficiary });
        await updateLc(store, e.args.lcId, { pending_amendment: null });
        timeline(store, e, {
          lcId: e.args.lcId,
          member: e.args.beneficiary,
          hashes: { amendmentHash: e.args.amendmentHash },
        });
      },
      DocumentsPresented: async (e, store) => {
        const id = e.args.presentationId as bigint;
        const documents = e.args.documents as Args[];
        store.put("lc_presentations", {
          presentation_id: id,
          lc_id: e.args.lcId,
          presentation_index: Number(id & ((1n << PRESENTATION_INDEX_BITS) - 1n)),
          beneficiary: e.args.beneficiary,
          presenter: e.args.presenter,
          amount: e.args.amount,
          state: "Presented",
          presented_kinds: e.args.presentedKinds,
          documents,
          examined_by: null,
          discrepancies: null,
          refusal_notice_hash: null,
          maturity: null,
          holder: null,
          holder_member: null,
          claim_operator: null,
          payee: null,
          payment_reference: null,
          reimbursement_obligation_id: null,
          presented_at: e.blockTime ?? null,
          presented_block: e.blockNumber,
          presented_tx: e.txHash,
          examination_deadline: null,
          precluded: false,
          precluded_by: null,
          refusal_discrepancies: null,
          documents_status: null,
        });
        const lc = await load(store, "lc_letters", { lc_id: e.args.lcId }, "LC");
        await updateLc(store, e.args.lcId, {
          reserved: e.args.reserved,
          presentation_count: Number(lc.presentation_count) + 1,
        });
        timeline(store, e, {
          lcId: e.args.lcId,
          presentationId: id,
          member: e.args.beneficiary,
          account: e.args.presenter as string,
          amount: e.args.amount,
          state: "Presented",
          hashes: { documents: documents.map((d) => d.contentHash) },
          details: { presentedKinds: e.args.presentedKinds, reserved: e.args.reserved },
        });
      },
      PresentationExamined: async (e, store) => {
        const state = name(PRESENTATION_STATES, e.args.result);
        await updatePresentation(store, e.args.presentationId, {
          state,
          examined_by: e.args.bank,
          discrepancies: e.args.discrepancies,
        });
        timeline(store, e, {
          lcId: e.args.lcId,
          presentationId: e.args.presentationId,
          member: e.args.bank,
          state,
          hashes: { discrepancies: e.args.discrepancies },
        });
      },
      ExaminationClockStarted: async (e, store) => {
        await updatePresentation(store, e.args.presentationId, { examination_deadline: e.args.examinationDeadline });
        timeline(store, e, {
          lcId: e.args.lcId,
          presentationId: e.args.presentationId,
          details: { examinationDeadline: e.args.examinationDeadline },
        });
      },
      DiscrepanciesWaived: async (e, store) => {
        const before = await load(
          store,
          "lc_presentations",
          { presentation_id: e.args.presentationId },
          "presentation",
        );
        // a waiver of held documents releases them to the bank's honour (art. 16c iii b)
        const released = before.documents_status === "held";
        await updatePresentation(store, e.args.presentationId, {
          state: "Waived",
          ...(released ? { documents_status: "released" } : {}),
        });
        timeline(store, e, {
          lcId: e.args.lcId,
          presentationId: e.args.presentationId,
          member: e.args.applicant,
          state: "Waived",
          details: released ? { documents: "released" } : {},
        });
      },
      RefusalNoticeSent: async (e, store) => {
        const held = e.args.documentsHeld as boolean;
        await updatePresentation(store, e.args.presentationId, {
          state: held ? "Held" : "Refused",
          refusal_notice_hash: e.args.noticeHash,
          refusal_discrepancies: e.args.discrepancies,
          documents_status: held ? "held" : "returned",
        });
        timeline(store, e, {
          lcId: e.args.lcId,
          presentationId: e.args.presentationId,
          member: e.args.bank,
          state: held ? "Held" : "Refused",
          hashes: { noticeHash: e.args.noticeHash, discrepancies: e.args.discrepancies },
          details: { documentsHeld: held },
        });
      },
      // Emitted before release 0.1.0's implementation was upgraded (refusal and return in one step).
      PresentationRefused: async (e, store) => {
        await updatePresentation(store, e.args.presentationId, {
          state: "Refused",
          refusal_notice_hash: e.args.noticeHash,
          documents_status: "returned",
        });
        await updateLc(store, e.args.lcId, { reserved: e.args.reserved });
        timeline(store, e, {
          lcId: e.args.lcId,
          presentationId: e.args.presentationId,
          member: e.args.bank,
          state: "Refused",
          hashes: { noticeHash: e.args.noticeHash },
          details: { reserved: e.args.reserved },
        });
      },
      DocumentsReturned: async (e, store) => {
        await updatePresentation(store, e.args.presentationId, { state: "Refused", documents_status: "returned" });
        await updateLc(store, e.args.lcId, { reserved: e.args.reserved });
        timeline(store, e, {
          lcId: e.args.lcId,
          presentationId: e.args.presentationId,
          member: e.args.bank,
          state: "Refused",
          details: { reserved: e.args.reserved },
        });
      },
      ExaminationPrecluded: async (e, store) => {
        await updatePresentation(store, e.args.presentationId, {
          state: "Compliant",
          precluded: true,
          precluded_by: e.args.recordedBy,
        });
        timeline(store, e, {
          lcId: e.args.lcId,
          presentationId: e.args.presentationId,
          member: e.args.recordedBy,
          state: "Compliant",
          details: { bank: e.args.bank, examinationDeadline: e.args.examinationDeadline },
        });
      },
      CalendarSet: async () => {
        // a platform setting: the calendar's address is in the contract's events table
      },
      PresentationAccepted: async (e, store) => {
        const lc = await load(store, "lc_letters", { lc_id: e.args.lcId }, "LC");
        // The first holder is the LC's beneficiary account (its member is the LC's beneficiary).
        await updatePresentation(store, e.args.presentationId, {
          state: "Accepted",
          maturity: e.args.maturity,
          holder: e.args.holder,
          holder_member: lc.beneficiary,
        });
        await updateLc(store, e.args.lcId, {
          drawn: e.args.drawn,
          reserved: BigInt(lc.reserved as string) - BigInt(e.args.amount as bigint),
        });
        store.append("lc_claim_holders", {
          claim_id: e.args.presentationId,
          lc_id: e.args.lcId,
          from_address: null,
          from_member: null,
          holder: e.args.holder,
          holder_member: lc.beneficiary,
          reason: "accepted",
        });
        timeline(store, e, {
          lcId: e.args.lcId,
          presentationId: e.args.presentationId,
          member: e.args.bank,
          account: e.args.holder as string,
          amount: e.args.amount,
          state: "Accepted",
          details: { maturity: e.args.maturity, drawn: e.args.drawn, holder: e.args.holder },
        });
      },
      PresentationPaid: async (e, store) => {
        const before = await load(
          store,
          "lc_presentations",
          { presentation_id: e.args.presentationId },
          "presentation",
        );
        const sight = before.state !== "Accepted";
        await updatePresentation(store, e.args.presentationId, {
          state: "Paid",
          payee: e.args.payee,
          payment_reference: orNull(e.args.offChainReference, ZERO_HASH),
        });
        if (sight) {
          const lc = await load(store, "lc_letters", { lc_id: e.args.lcId }, "LC");
          await updateLc(store, e.args.lcId, {
            drawn: e.args.drawn,
            reserved: BigInt(lc.reserved as string) - BigInt(e.args.amount as bigint),
          });
        }
        timeline(store, e, {
          lcId: e.args.lcId,
          presentationId: e.args.presentationId,
          member: e.args.bank,
          account: e.args.payee as string,
          amount: e.args.amount,
          state: "Paid",
          hashes: { offChainReference: e.args.offChainReference },
          details: { payee: e.args.payee, drawn: e.args.drawn, sight },
        });
      },
      ReimbursementRecorded: async (e, store) => {
        const id = e.args.presentationId as bigint;
        await updatePresentation(store, id, { reimbursement_obligation_id: e.args.obligationId });
        timeline(store, e, {
          lcId: lcOf(id),
          presentationId: id,
          member: e.args.nominatedBank,
          details: { obligationId: e.args.obligationId, issuingBank: e.args.issuingBank },
        });
      },
      CancellationRequested: async (e, store) => {
        await updateLc(store, e.args.lcId, { cancellation_requested: true });
        timeline(store, e, { lcId: e.args.lcId, member: e.args.issuingBank });
      },
      CancellationRejected: async (e, store) => {
        await updateLc(store, e.args.lcId, { cancellation_requested: false });
        timeline(store, e, { lcId: e.args.lcId, member: e.args.beneficiary });
      },
      LetterOfCreditClosed: async (e, store) => {
        const state = name(LC_STATES, e.args.state);
        const lc = await updateLc(store, e.args.lcId, { state, drawn: e.args.drawn });
        // Cancelled: the beneficiary consented; fully drawn: the honouring bank's step; expired: any party (unknown).
        const member =
          state === "Cancelled"
            ? lc.beneficiary
            : state === "FullyDrawn"
              ? (lc.nominated_bank ?? lc.issuing_bank)
              : null;
        timeline(store, e, { lcId: e.args.lcId, member, state, details: { drawn: e.args.drawn } });
      },
      ClaimTransferred: async (e, store) => {
        const id = e.args.claimId as bigint;
        const to = e.args.to as string;
        const from = e.args.from as string;
        const [toMember, fromMember] = [await memberOf(store, to), await memberOf(store, from)];
        await updatePresentation(store, id, { holder: to, holder_member: toMember, claim_operator: null });
        store.append("lc_claim_holders", {
          claim_id: id,
          lc_id: lcOf(id),
          from_address: from,
          from_member: fromMember,
          holder: to,
          holder_member: toMember,
          reason: "transferred",
        });
        timeline(store, e, {
          lcId: lcOf(id),
          presentationId: id,
          member: fromMember,
          account: from,
          details: { from, to, toMember },
        });
      },
      ClaimApproval: async (e, store) => {
        const id = e.args.claimId as bigint;
        const operator = e.args.operator as string;
        await updatePresentation(store, id, { claim_operator: orNull(operator, ZERO) });
        timeline(store, e, {
          lcId: lcOf(id),
          presentationId: id,
          member: await memberOf(store, e.args.holder as string),
          account: e.args.holder as string,
          details: { operator },
        });
      },
      Paused: onPaused,
      Unpaused: onUnpaused,
    },
    InterbankPositions: {
      CreditLineSet: (e, store) =>
        store.put("ib_credit_lines", {
          grantor: e.args.grantor,
          grantee: e.args.grantee,
          credit_limit: e.args.limit,
          used: e.args.used,
        }),
      SettlementAccountSet: (e, store) =>
        store.put("ib_settlement_accounts", { bank: e.args.bank, account: e.args.account }),
      ObligationRecorded: async (e, store) => {
        store.put("ib_obligations", {
          obligation_id: e.args.obligationId,
          debtor: e.args.debtor,
          creditor: e.args.creditor,
          amount: e.args.amount,
          due_at: e.args.dueAt,
          status: "Open",
          recorder: e.args.recorder,
          purpose: e.args.purpose,
          currency: 0, // ObligationCurrency follows in the same transaction when it is another
          settlement_reference: null,
          netting_run_id: null,
          recorded_block: e.blockNumber,
          recorded_tx: e.txHash,
        });
        const key = { grantor: e.args.creditor, grantee: e.args.debtor };
        const line = await load(store, "ib_credit_lines", key, "credit line");
        store.put("ib_credit_lines", { ...line, used: e.args.lineUsed });
      },
      ObligationSettled: (e, store) =>
        closeObligation(store, e.args.obligationId, {
          status: "Settled",
          settlement_reference: orNull(e.args.offChainReference, ZERO_HASH),
        }),
      ObligationReleased: (e, store) => closeObligation(store, e.args.obligationId, { status: "Released" }),
      NettingRun: async (e, store) => {
        const ids = e.args.obligationIds as bigint[];
        const banks = e.args.banks as number[];
        const positions = e.args.netPositions as bigint[];
        let total = 0n;
        // A run nets one currency (the contract refuses mixed batches): its obligations'.
        const currencies = new Set<number>();
        for (const id of ids) {
          const obligation = await load(store, "ib_obligations", { obligation_id: id }, `obligation ${id}`);
          total += BigInt(obligation.amount as string);
          currencies.add(Number(obligation.currency ?? 0));
          await closeObligation(store, id, { status: "Netted", netting_run_id: e.args.runId });
        }
        if (currencies.size !== 1) throw new Error(`netting run ${String(e.args.runId)} mixes currencies`);
        const [currency] = currencies;
        store.append("ib_netting_runs", {
          run_id: e.args.runId,
          initiator: e.args.initiator,
          obligation_ids: ids,
          banks,
          net_positions: positions,
          total_netted: total,
          currency,
        });
        banks.forEach((bank, i) =>
          store.append("ib_netting_positions", { run_id: e.args.runId, bank, net_position: positions[i], currency }),
        );
      },
      CurrencyTokenSet: (e, store) =>
        store.put("ib_currency_tokens", { currency: Number(e.args.currency), token: e.args.token }),
      ObligationCurrency: async (e, store) => {
        const key = { obligation_id: e.args.obligationId };
        const obligation = await load(store, "ib_obligations", key, `obligation ${String(e.args.obligationId)}`);
        store.put("ib_obligations", { ...obligation, currency: Number(e.args.currency) });
      },
      // The run's currency is its obligations' (set by NettingRun above: the contract nets one currency a run and
      // emits this event only for a currency other than 0); `index verify` checks the two agree.
      NettingRunCurrency: () => undefined,
      // The run's obligations of an excluded bank are not in NettingRun's list: they stay open, nothing to change.
      NettingBankExcluded: (e, store) =>
        store.append("ib_netting_exclusions", {
          run_id: e.args.runId,
          bank: e.args.bank,
          net_debit: e.args.netDebit,
          available: e.args.available,
          shortfall: e.args.shortfall,
        }),
      Paused: onPaused,
      Unpaused: onUnpaused,
    },
  },
});
