import { LcConfirmations__factory } from "@consortia/sdk/typechain/factories/letters-of-credit/LcConfirmations__factory.js";
import {
  createTableSql,
  defineProjection,
  type IndexedEvent,
  type ProjectionStore,
  type TableSpec,
} from "../projection.js";
import { onPaused, onUnpaused } from "./platform.js";

/**
 * Confirmations of letters of credit (LcConfirmations, UCP 600 art. 8 and 10). Versioned: each LC's confirmation —
 * the pending authorization (the bank named, request or authorisation, the terms' digest), then the terms the
 * confirming bank is bound to (amount, tolerances, expiry, latest shipment, terms hash), how many amendments it extended
 * to and the last amended terms it declined. Append: every step (authorised, withdrawn, declined, confirmed, extended,
 * amendment not confirmed) with its bank and notice. The LC's current terms are `lc_letters`: the API shows both.
 */
export const LC_CONFIRMATION_TABLES = [
  {
    kind: "versioned",
    name: "lc_confirmations",
    key: ["lc_id"],
    columns: {
      lc_id: "numeric",
      issuing_bank: "bigint",
      confirming_bank: "bigint",
      /** Authorized, Withdrawn, Declined (art. 8d) or Confirmed. */
      status: "text",
      requested: "boolean",
      authorized_at: "bigint",
      authorized_digest: "text",
      confirmed_at: "bigint",
      amount: "numeric",
      tolerance_plus: "integer",
      tolerance_minus: "integer",
      expiry: "bigint",
      latest_shipment: "bigint",
      terms_hash: "text",
      amendments_extended: "integer",
      extended_at: "bigint",
      /** The amended terms hash the bank last recorded not extending to (null after an extension). */
      declined_terms_hash: "text",
      declined_notice_hash: "text",
      declined_at: "bigint",
    },
    indexes: [["confirming_bank"], ["issuing_bank"], ["status"]],
  },
  {
    kind: "append",
    name: "lc_confirmation_steps",
    columns: {
      lc_id: "numeric",
      step: "text",
      bank: "bigint",
      terms_hash: "text",
      notice_hash: "text",
      block_time: "bigint",
    },
    indexes: [["lc_id"]],
  },
] as const satisfies readonly TableSpec[];

type Row = Record<string, unknown>;
type Args = Record<string, unknown>;

const time = (e: IndexedEvent): number | null => e.blockTime ?? null;

const EMPTY: Row = {
  issuing_bank: null,
  confirming_bank: null,
  status: null,
  requested: null,
  authorized_at: null,
  authorized_digest: null,
  confirmed_at: null,
  amount: null,
  tolerance_plus: null,
  tolerance_minus: null,
  expiry: null,
  latest_shipment: null,
  terms_hash: null,
  amendments_extended: 0,
  extended_at: null,
  declined_terms_hash: null,
  declined_notice_hash: null,
  declined_at: null,
};

async function update(store: ProjectionStore, lcId: unknown, changes: Row): Promise<void> {
  const row = (await store.get("lc_confirmations", { lc_id: lcId })) ?? { ...EMPTY, lc_id: lcId };
  store.put("lc_confirmations", { ...row, ...changes });
}

function step(store: ProjectionStore, e: IndexedEvent, name: string, bank: unknown, terms?: unknown, notice?: unknown) {
  store.append("lc_confirmation_steps", {
    lc_id: e.args.lcId,
    step: name,
    bank,
    terms_hash: terms ?? null,
    notice_hash: notice ?? null,
    block_time: time(e),
  });
}

const termsColumns = (terms: Args): Row => ({
  amount: terms.amount,
  tolerance_plus: Number(terms.tolerancePlus),
  tolerance_minus: Number(terms.toleranceMinus),
  expiry: terms.expiry,
  latest_shipment: terms.latestShipment,
  terms_hash: terms.termsHash,
});

export default defineProjection({
  name: "lc-confirmations",
  contracts: { LcConfirmations: LcConfirmations__factory.abi },
  tables: LC_CONFIRMATION_TABLES,
  migrations: [{ id: "lc-confirmations/001_tables", sql: LC_CONFIRMATION_TABLES.map(createTableSql).join(";\n") }],
  handlers: {
    LcConfirmations: {
      ConfirmationAuthorized: async (e, store) => {
        await update(store, e.args.lcId, {
          issuing_bank: e.args.issuingBank,
          confirming_bank: e.args.confirmingBank,
          status: "Authorized",
          requested: e.args.requested,
          authorized_at: time(e),
          authorized_digest: e.args.termsDigest,
        });
        step(store, e, "Authorized", e.args.issuingBank, e.args.termsDigest);
      },
      ConfirmationAuthorizationWithdrawn: async (e, store) => {
        await update(store, e.args.lcId, { status: "Withdrawn" });
        step(store, e, "Withdrawn", e.args.issuingBank);
      },
      ConfirmationDeclined: async (e, store) => {
        await update(store, e.args.lcId, { status: "Declined" });
        step(store, e, "Declined", e.args.confirmingBank, null, e.args.noticeHash);
      },
      ConfirmationAdded: async (e, store) => {
        const terms = e.args.terms as Args;
        await update(store, e.args.lcId, {
          issuing_bank: e.args.issuingBank,
          confirming_bank: e.args.confirmingBank,
          status: "Confirmed",
          confirmed_at: time(e),
          ...termsColumns(terms),
        });
        step(store, e, "Confirmed", e.args.confirmingBank, terms.termsHash);
      },
      ConfirmationExtended: async (e, store) => {
        const terms = e.args.terms as Args;
        await update(store, e.args.lcId, {
          amendments_extended: Number(e.args.amendmentsExtended),
          extended_at: time(e),
          declined_terms_hash: null,
          declined_notice_hash: null,
          declined_at: null,
          ...termsColumns(terms),
        });
        step(store, e, "Extended", e.args.confirmingBank, terms.termsHash);
      },
      AmendmentNotConfirmed: async (e, store) => {
        await update(store, e.args.lcId, {
          declined_terms_hash: e.args.amendedTermsHash,
          declined_notice_hash: e.args.noticeHash,
          declined_at: time(e),
        });
        step(store, e, "AmendmentNotConfirmed", e.args.confirmingBank, e.args.amendedTermsHash, e.args.noticeHash);
      },
      Paused: onPaused,
      Unpaused: onUnpaused,
    },
  },
});
