import { LcTransfers__factory } from "@consortia/sdk/typechain/factories/letters-of-credit/LcTransfers__factory.js";
import {
  createTableSql,
  defineProjection,
  type IndexedEvent,
  type ProjectionStore,
  type TableSpec,
} from "../projection.js";
import { onPaused, onUnpaused } from "./platform.js";

/** ILcTransfers.TransferState by its uint8 value. */
export const TRANSFER_STATES = ["None", "Requested", "Executed", "Declined"] as const;
/** ILcTransfers.SecondPresentationState by its uint8 value. */
export const SECOND_PRESENTATION_STATES = ["None", "Presented", "Substituted", "LinkedAsReceived", "Paid"] as const;

/**
 * Transferable LCs and back-to-back links (LcTransfers, issue 19, UCP 600 art. 38). Versioned: each LC designated
 * transferable (issuing bank, transfers requested, total transferred, total paid to second beneficiaries), each
 * transfer (parties, reduced terms, state, amount presented under it), each second beneficiary's presentation (state,
 * the LC presentation it is linked to, substituted or as received, the payment) and each back-to-back LC's master.
 */
export const LC_TRANSFER_TABLES = [
  {
    kind: "versioned",
    name: "lc_transferable",
    key: ["lc_id"],
    columns: {
      lc_id: "numeric",
      issuing_bank: "bigint",
      transfer_count: "integer",
      transferred: "numeric",
      paid_to_second: "numeric",
      designated_at: "bigint",
    },
    indexes: [["issuing_bank"]],
  },
  {
    kind: "versioned",
    name: "lc_transfers",
    key: ["transfer_id"],
    columns: {
      transfer_id: "numeric",
      lc_id: "numeric",
      first_beneficiary: "bigint",
      second_beneficiary: "bigint",
      second_beneficiary_account: "text",
      transferring_bank: "bigint",
      state: "text",
      amount: "numeric",
      presented: "numeric",
      expiry: "bigint",
      latest_shipment: "bigint",
      presentation_period_days: "integer",
      terms_hash: "text",
      lc_fingerprint: "text",
      requested_at: "bigint",
      executed_at: "bigint",
      declined_at: "bigint",
      requested_block: "bigint",
      requested_tx: "text",
    },
    indexes: [["lc_id"], ["second_beneficiary"], ["state"]],
  },
  {
    kind: "versioned",
    name: "lc_transfer_presentations",
    key: ["second_presentation_id"],
    columns: {
      second_presentation_id: "numeric",
      transfer_id: "numeric",
      lc_id: "numeric",
      second_beneficiary: "bigint",
      state: "text",
      amount: "numeric",
      documents_hash: "text",
      shipment_date: "bigint",
      presented_at: "bigint",
      substitution_demanded_at: "bigint",
      /** The presentation under the LC it is linked to (null: not yet). */
      lc_presentation_id: "numeric",
      /** The first beneficiary's invoice (null: linked as received, art. 38i). */
      invoice_hash: "text",
      as_received: "boolean",
      linked_at: "bigint",
      payee: "text",
      off_chain_reference: "text",
      paid_at: "bigint",
    },
    indexes: [["transfer_id"], ["lc_id"], ["state"], ["lc_presentation_id"]],
  },
  {
    kind: "versioned",
    name: "lc_back_to_back",
    key: ["back_to_back_lc_id"],
    columns: {
      back_to_back_lc_id: "numeric",
      master_lc_id: "numeric",
      issuing_bank: "bigint",
      linked_at: "bigint",
      linked_block: "bigint",
      linked_tx: "text",
    },
    indexes: [["master_lc_id"]],
  },
] as const satisfies readonly TableSpec[];

type Row = Record<string, unknown>;

const time = (e: IndexedEvent): number | null => e.blockTime ?? null;
const big = (value: unknown): bigint => BigInt(value as string | bigint | number);

async function existing(store: ProjectionStore, table: string, key: Row, what: string): Promise<Row> {
  const row = await store.get(table, key);
  if (row === undefined) throw new Error(`${what} changed before it was recorded`);
  return row;
}

async function updateCredit(store: ProjectionStore, lcId: unknown, changes: (c: Row) => Row): Promise<void> {
  const row = await existing(store, "lc_transferable", { lc_id: lcId }, `transferable LC ${String(lcId)}`);
  store.put("lc_transferable", { ...row, ...changes(row) });
}

export default defineProjection({
  name: "lc-transfers",
  contracts: { LcTransfers: LcTransfers__factory.abi },
  tables: LC_TRANSFER_TABLES,
  migrations: [{ id: "lc-transfers/001_tables", sql: LC_TRANSFER_TABLES.map(createTableSql).join(";\n") }],
  handlers: {
    LcTransfers: {
      TransferableDesignated: (e, store) => {
        store.put("lc_transferable", {
          lc_id: e.args.lcId,
          issuing_bank: e.args.issuingBank,
          transfer_count: 0,
          transferred: 0n,
          paid_to_second: 0n,
          designated_at: time(e),
        });
      },
      TransferRequested: async (e, store) => {
        const terms = e.args.terms as Row;
        await updateCredit(store, e.args.lcId, (c) => ({ transfer_count: Number(c.transfer_count) + 1 }));
        store.put("lc_transfers", {
          transfer_id: e.args.transferId,
          lc_id: e.args.lcId,
          first_beneficiary: e.args.firstBeneficiary,
          second_beneficiary: e.args.secondBeneficiary,
          second_beneficiary_account: terms.secondBeneficiary,
          transferring_bank: null,
          state: "Requested",
          amount: terms.amount,
          presented: 0n,
          expiry: terms.expiry,
          latest_shipment: terms.latestShipment,
          presentation_period_days: Number(terms.presentationPeriodDays),
          terms_hash: terms.termsHash,
          lc_fingerprint: e.args.lcFingerprint,
          requested_at: time(e),
          executed_at: null,
          declined_at: null,
          requested_block: e.blockNumber,
          requested_tx: e.txHash,
        });
      },
      TransferExecuted: async (e, store) => {
        const row = await existing(store, "lc_transfers", { transfer_id: e.args.transferId }, "transfer");
        store.put("lc_transfers", {
          ...row,
          state: "Executed",
          transferring_bank: e.args.transferringBank,
          executed_at: time(e),
        });
        await updateCredit(store, e.args.lcId, () => ({ transferred: e.args.transferred }));
      },
      TransferDeclined: async (e, store) => {
        const row = await existing(store, "lc_transfers", { transfer_id: e.args.transferId }, "transfer");
        store.put("lc_transfers", {
          ...row,
          state: "Declined",
          transferring_bank: e.args.transferringBank,
          declined_at: time(e),
        });
      },
      SecondBeneficiaryPresented: async (e, store) => {
        const transfer = await existing(store, "lc_transfers", { transfer_id: e.args.transferId }, "transfer");
        store.put("lc_transfers", { ...transfer, presented: big(transfer.presented) + big(e.args.amount) });
        store.put("lc_transfer_presentations", {
          second_presentation_id: e.args.secondPresentationId,
          transfer_id: e.args.transferId,
          lc_id: transfer.lc_id,
          second_beneficiary: e.args.secondBeneficiary,
          state: "Presented",
          amount: e.args.amount,
          documents_hash: e.args.documentsHash,
          shipment_date: e.args.shipmentDate,
          presented_at: time(e),
          substitution_demanded_at: null,
          lc_presentation_id: null,
          invoice_hash: null,
          as_received: null,
          linked_at: null,
          payee: null,
          off_chain_reference: null,
          paid_at: null,
        });
      },
      SubstitutionDemanded: async (e, store) => {
        const key = { second_presentation_id: e.args.secondPresentationId };
        const row = await existing(store, "lc_transfer_presentations", key, "second presentation");
        store.put("lc_transfer_presentations", { ...row, substitution_demanded_at: time(e) });
      },
      PresentationsLinked: async (e, store) => {
        const asReceived = e.args.asReceived as boolean;
        for (const id of e.args.secondPresentationIds as unknown[]) {
          const row = await existing(
            store,
            "lc_transfer_presentations",
            { second_presentation_id: id },
            "second presentation",
          );
          store.put("lc_transfer_presentations", {
            ...row,
            state: asReceived ? "LinkedAsReceived" : "Substituted",
            lc_presentation_id: e.args.lcPresentationId,
            invoice_hash: asReceived ? null : e.args.invoiceHash,
            as_received: asReceived,
            linked_at: time(e),
          });
        }
      },
      SecondBeneficiaryPaid: async (e, store) => {
        const key = { second_presentation_id: e.args.secondPresentationId };
        const row = await existing(store, "lc_transfer_presentations", key, "second presentation");
        const reference = e.args.offChainReference as string;
        store.put("lc_transfer_presentations", {
          ...row,
          state: "Paid",
          payee: e.args.payee,
          off_chain_reference: /^0x0{64}$/.test(reference) ? null : reference,
          paid_at: time(e),
        });
        await updateCredit(store, row.lc_id, (c) => ({ paid_to_second: big(c.paid_to_second) + big(e.args.amount) }));
      },
      BackToBackLinked: (e, store) => {
        store.put("lc_back_to_back", {
          back_to_back_lc_id: e.args.backToBackLcId,
          master_lc_id: e.args.masterLcId,
          issuing_bank: e.args.issuingBank,
          linked_at: time(e),
          linked_block: e.blockNumber,
          linked_tx: e.txHash,
        });
      },
      Paused: onPaused,
      Unpaused: onUnpaused,
    },
  },
});
