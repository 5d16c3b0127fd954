import { LcApplicantAccounts__factory } from "@consortia/sdk/typechain/factories/letters-of-credit/LcApplicantAccounts__factory.js";
import {
  type ColumnType,
  createTableSql,
  defineProjection,
  type IndexedEvent,
  type ProjectionStore,
  type TableSpec,
} from "../projection.js";
import { onPaused, onUnpaused } from "./platform.js";

/** ILcApplicantAccounts.ReleaseState by its uint8 value. */
export const RELEASE_STATES = ["None", "Held", "ReleasedOnTrustReceipt", "Settled"] as const;

/** LcApplicantAccounts.MARGIN_RECLAIM_GRACE, seconds: the margin returns in any case after expiry + tenor + this. */
export const MARGIN_RECLAIM_GRACE = 30 * 86_400;

/** Basis points in one: the margin share's denominator (LcApplicantAccounts.BPS). */
export const BPS = 10_000n;

/**
 * The margin a share asks for on an LC: of the most it can draw, amount plus `tolerancePlus` percent (rounded down as
 * LetterOfCredit does, UCP 600 art. 30), rounded up as the contract does (`_required`).
 */
export function requiredMargin(amount: bigint, shareBps: bigint, tolerancePlus = 0n): bigint {
  const maximum = amount + (amount * tolerancePlus) / 100n;
  return (maximum * shareBps + BPS - 1n) / BPS;
}

/**
 * The applicant's side of an LC (LcApplicantAccounts, issue 19). Versioned: each LC's margin account (the share the
 * issuing bank set, locked, applied, released, held drawings and reimbursements outstanding, whether the first lock
 * came before issue) and each presentation's documents held for the applicant (state, amount paid, margin applied,
 * amount due, the trust receipt's hash, what the applicant paid). Append: every margin lock. Block times of each step.
 * What the applicant must still lock is not an event: the API derives it from the share and the LC's current amount
 * (`lc_letters.amount`, amendments included), as the contract's `marginDue` does.
 */
export const LC_APPLICANT_TABLES = [
  {
    kind: "versioned",
    name: "lc_margins",
    key: ["lc_id"],
    columns: {
      lc_id: "numeric",
      issuing_bank: "bigint",
      applicant: "bigint",
      share_bps: "integer",
      /** `required` of MarginShareSet: the margin asked on the LC amount when the share was set. */
      required_at_share: "numeric",
      locked: "numeric",
      applied: "numeric",
      held_drawn: "numeric",
      released: "numeric",
      outstanding: "integer",
      /** `beforeIssue` of the first MarginLocked (null: nothing locked yet). */
      before_issue: "boolean",
      share_set_at: "bigint",
      first_locked_at: "bigint",
      last_locked_at: "bigint",
      released_at: "bigint",
      share_set_block: "bigint",
      share_set_tx: "text",
    },
    indexes: [["issuing_bank"], ["applicant"], ["before_issue"]],
  },
  {
    kind: "append",
    name: "lc_margin_locks",
    columns: {
      lc_id: "numeric",
      applicant: "bigint",
      account: "text",
      amount: "numeric",
      locked: "numeric",
      before_issue: "boolean",
      block_time: "bigint",
    },
    indexes: [["lc_id"]],
  },
  {
    kind: "versioned",
    name: "lc_documents_held",
    key: ["presentation_id"],
    columns: {
      presentation_id: "numeric",
      lc_id: "numeric",
      issuing_bank: "bigint",
      bank_account: "text",
      documents_hash: "text",
      state: "text",
      amount_paid: "numeric",
      margin_applied: "numeric",
      amount_due: "numeric",
      /** What the applicant paid to settle (null until settled). */
      reimbursed: "numeric",
      payer: "text",
      /** The trust receipt's hash when released on trust receipt. */
      undertaking_hash: "text",
      /** Whether the documents went out with the payment (false: earlier, on trust receipt). */
      released_on_payment: "boolean",
      held_at: "bigint",
      trust_receipt_at: "bigint",
      settled_at: "bigint",
      held_block: "bigint",
      held_tx: "text",
    },
    indexes: [["lc_id"], ["issuing_bank"], ["state"]],
  },
] as const satisfies readonly TableSpec[];

/**
 * Migration lc-applicant/002_nominated (the review's fixes): the hold of a presentation a nominated bank paid names the
 * interbank obligation by which the issuing bank reimbursed it; the bank may name another account for the
 * reimbursement due.
 */
const NOMINATED_COLUMNS = {
  /** NominatedBankReimbursed: the nominated bank that paid the presentation (null: the issuing bank paid it). */
  nominated_bank: "bigint",
  /** The settled or netted interbank obligation that reimbursed it. */
  reimbursement_obligation_id: "numeric",
  /** ReimbursementAccountChanged: when the bank last named another account (`bank_account` is the current one). */
  account_changed_at: "bigint",
} as const satisfies Record<string, ColumnType>;

const NOMINATED_MIGRATION = `ALTER TABLE lc_documents_held ${Object.entries(NOMINATED_COLUMNS)
  .map(([column, type]) => `ADD COLUMN ${column} ${type}`)
  .join(", ")}`;

const LC_APPLICANT_TABLES_NOW = LC_APPLICANT_TABLES.map((table) =>
  table.name === "lc_documents_held" ? { ...table, columns: { ...table.columns, ...NOMINATED_COLUMNS } } : table,
);

type Row = Record<string, unknown>;

const time = (e: IndexedEvent): number | null => e.blockTime ?? null;
const big = (value: unknown): bigint => BigInt(value as string | bigint | number);

/** The LC's margin row, or a fresh one (the first event of an LC may be DocumentsHeld on an LC without margin). */
async function margin(store: ProjectionStore, lcId: unknown): Promise<Row> {
  const current = await store.get("lc_margins", { lc_id: lcId });
  if (current !== undefined) return current;
  const lc = await store.get<{ applicant: number; issuing_bank: number }>("lc_letters", { lc_id: lcId });
  return {
    lc_id: lcId,
    issuing_bank: lc?.issuing_bank ?? null,
    applicant: lc?.applicant ?? null,
    share_bps: 0,
    required_at_share: 0n,
    locked: 0n,
    applied: 0n,
    held_drawn: 0n,
    released: 0n,
    outstanding: 0,
    before_issue: null,
    share_set_at: null,
    first_locked_at: null,
    last_locked_at: null,
    released_at: null,
    share_set_block: null,
    share_set_tx: null,
  };
}

async function updateMargin(store: ProjectionStore, lcId: unknown, changes: (m: Row) => Row): Promise<void> {
  const row = await margin(store, lcId);
  store.put("lc_margins", { ...row, ...changes(row) });
}

async function held(store: ProjectionStore, id: unknown): Promise<Row> {
  const row = await store.get("lc_documents_held", { presentation_id: id });
  if (row === undefined) throw new Error(`documents of presentation ${String(id)} changed before they were held`);
  return row;
}

export default defineProjection({
  name: "lc-applicant",
  contracts: { LcApplicantAccounts: LcApplicantAccounts__factory.abi },
  tables: LC_APPLICANT_TABLES_NOW,
  migrations: [
    { id: "lc-applicant/001_tables", sql: LC_APPLICANT_TABLES.map(createTableSql).join(";\n") },
    { id: "lc-applicant/002_nominated", sql: NOMINATED_MIGRATION },
  ],
  handlers: {
    LcApplicantAccounts: {
      MarginShareSet: (e, store) =>
        updateMargin(store, e.args.lcId, () => ({
          issuing_bank: e.args.issuingBank,
          share_bps: Number(e.args.shareBps),
          required_at_share: e.args.required,
          share_set_at: time(e),
          share_set_block: e.blockNumber,
          share_set_tx: e.txHash,
        })),
      MarginLocked: async (e, store) => {
        await updateMargin(store, e.args.lcId, (m) => ({
          applicant: e.args.applicant,
          locked: e.args.locked,
          before_issue: m.before_issue ?? e.args.beforeIssue,
          first_locked_at: m.first_locked_at ?? time(e),
          last_locked_at: time(e),
        }));
        store.append("lc_margin_locks", {
          lc_id: e.args.lcId,
          applicant: e.args.applicant,
          account: e.args.account,
          amount: e.args.amount,
          locked: e.args.locked,
          before_issue: e.args.beforeIssue,
          block_time: time(e),
        });
      },
      DocumentsHeld: async (e, store) => {
        const due = big(e.args.amountDue);
        await updateMargin(store, e.args.lcId, (m) => ({
          applied: big(m.applied) + big(e.args.marginApplied),
          held_drawn: big(m.held_drawn) + big(e.args.amountPaid),
          outstanding: Number(m.outstanding) + (due === 0n ? 0 : 1),
        }));
        // NominatedBankReimbursed, just before in the same transaction, left the obligation (or nothing)
        const prior = await store.get("lc_documents_held", { presentation_id: e.args.presentationId });
        store.put("lc_documents_held", {
          nominated_bank: prior?.nominated_bank ?? null,
          reimbursement_obligation_id: prior?.reimbursement_obligation_id ?? null,
          account_changed_at: null,
          presentation_id: e.args.presentationId,
          lc_id: e.args.lcId,
          issuing_bank: e.args.issuingBank,
          bank_account: e.args.bankAccount,
          documents_hash: e.args.documentsHash,
          // the contract settles at once what the margin covered in full (ReimbursementPaid follows)
          state: due === 0n ? "Settled" : "Held",
          amount_paid: e.args.amountPaid,
          margin_applied: e.args.marginApplied,
          amount_due: due,
          reimbursed: null,
          payer: null,
          undertaking_hash: null,
          released_on_payment: null,
          held_at: time(e),
          trust_receipt_at: null,
          settled_at: null,
          held_block: e.blockNumber,
          held_tx: e.txHash,
        });
      },
      NominatedBankReimbursed: (e, store) => {
        store.put("lc_documents_held", {
          presentation_id: e.args.presentationId,
          lc_id: e.args.lcId,
          nominated_bank: e.args.nominatedBank,
          reimbursement_obligation_id: e.args.obligationId,
        });
      },
      ReimbursementAccountChanged: async (e, store) => {
        const row = await held(store, e.args.presentationId);
        store.put("lc_documents_held", { ...row, bank_account: e.args.account, account_changed_at: time(e) });
      },
      DocumentsReleasedOnTrustReceipt: async (e, store) => {
        const row = await held(store, e.args.presentationId);
        store.put("lc_documents_held", {
          ...row,
          state: "ReleasedOnTrustReceipt",
          undertaking_hash: e.args.undertakingHash,
          trust_receipt_at: time(e),
        });
      },
      ReimbursementPaid: async (e, store) => {
        const row = await held(store, e.args.presentationId);
        // Held or on trust receipt: one reimbursement less outstanding (a hold the margin covered never counted).
        if (row.state !== "Settled") {
          await updateMargin(store, e.args.lcId, (m) => ({ outstanding: Number(m.outstanding) - 1 }));
        }
        const account = e.args.account as string;
        store.put("lc_documents_held", {
          ...row,
          state: "Settled",
          amount_due: 0n,
          reimbursed: e.args.amount,
          payer: /^0x0{40}$/.test(account) ? null : account,
          released_on_payment: e.args.released,
          settled_at: time(e),
        });
      },
      MarginReleased: (e, store) =>
        updateMargin(store, e.args.lcId, (m) => ({
          released: big(m.released) + big(e.args.amount),
          released_at: time(e),
        })),
      Paused: onPaused,
      Unpaused: onUnpaused,
    },
  },
});
