import { WarehouseReceipts__factory } from "@consortia/sdk/typechain/factories/warehouse/WarehouseReceipts__factory.js";
import { createTableSql, defineProjection, type ProjectionStore, type TableSpec } from "../projection.js";
import { currencyCode } from "./receivables.js";

/** `IWarehouseReceipts.Mode` and `.Status` by uint8 value. */
export const RECEIPT_MODES = ["None", "Inventory", "Confirmed"] as const;
export const RECEIPT_STATUSES = ["None", "Issued", "Offered", "Pledged", "Closed", "Cancelled"] as const;

/**
 * Warehouse receipts (WarehouseReceipts): each receipt with its pledge, repayments and releases as they stand, and
 * every step (offer, acceptance, refusal, repayment, instruction, confirmed release) as a fact.
 */
export const WAREHOUSE_TABLES = [
  {
    kind: "versioned",
    name: "warehouse_receipts",
    key: ["receipt_id"],
    columns: {
      receipt_id: "numeric",
      warehouse: "bigint",
      depositor: "bigint",
      dealer: "bigint",
      mode: "text",
      status: "text",
      goods_hash: "text",
      location_hash: "text",
      document_id: "text",
      quantity: "numeric",
      released: "numeric",
      instructed: "numeric",
      value: "numeric",
      currency: "text",
      financier: "bigint",
      loan_ref: "text",
      principal: "numeric",
      repaid: "numeric",
      offer_hash: "text",
    },
    indexes: [["warehouse"], ["depositor"], ["financier"], ["document_id"], ["status"]],
  },
  {
    kind: "append",
    name: "warehouse_steps",
    columns: {
      receipt_id: "numeric",
      step: "text",
      member: "bigint",
      quantity: "numeric",
      amount: "numeric",
      reference: "text",
    },
    indexes: [["receipt_id"]],
  },
] as const satisfies readonly TableSpec[];

type ReceiptRow = Record<string, unknown>;

async function update(store: ProjectionStore, receiptId: unknown, changes: ReceiptRow): Promise<ReceiptRow> {
  const current = await store.get("warehouse_receipts", { receipt_id: receiptId });
  if (current === undefined) throw new Error(`warehouse receipt ${String(receiptId)} changed before it was issued`);
  const next = { ...current, ...changes };
  store.put("warehouse_receipts", next);
  return next;
}

function step(store: ProjectionStore, receiptId: unknown, name: string, member: unknown, extra: ReceiptRow = {}) {
  store.append("warehouse_steps", {
    receipt_id: receiptId,
    step: name,
    member,
    quantity: null,
    amount: null,
    reference: null,
    ...extra,
  });
}

const unpledged = {
  financier: null,
  loan_ref: null,
  principal: null,
  repaid: null,
  offer_hash: null,
  status: "Issued",
};

export default defineProjection({
  name: "warehouse",
  contracts: { WarehouseReceipts: WarehouseReceipts__factory.abi },
  tables: WAREHOUSE_TABLES,
  migrations: [{ id: "warehouse/001_tables", sql: WAREHOUSE_TABLES.map(createTableSql).join(";\n") }],
  handlers: {
    WarehouseReceipts: {
      ReceiptIssued: (e, store) => {
        const a = e.args;
        const r = a.receipt as Record<string, unknown>;
        store.put("warehouse_receipts", {
          receipt_id: a.receiptId,
          warehouse: a.warehouse,
          depositor: a.depositor,
          dealer: Number(r.dealer) === 0 ? null : r.dealer,
          mode: RECEIPT_MODES[Number(r.mode)] ?? `Unknown(${String(r.mode)})`,
          status: "Issued",
          goods_hash: r.goodsHash,
          location_hash: r.locationHash,
          document_id: r.documentId,
          quantity: r.quantity,
          released: 0n,
          instructed: 0n,
          value: r.value,
          currency: currencyCode(r.currency as string),
          financier: null,
          loan_ref: null,
          principal: null,
          repaid: null,
          offer_hash: null,
        });
        step(store, a.receiptId, "Issued", a.warehouse, { quantity: r.quantity, amount: r.value });
      },
      PledgeOffered: async (e, store) => {
        const a = e.args;
        await update(store, a.receiptId, {
          status: "Offered",
          financier: a.financier,
          loan_ref: a.loanRef,
          principal: a.principal,
          repaid: 0n,
          offer_hash: a.offerHash,
        });
        step(store, a.receiptId, "PledgeOffered", a.depositor, { amount: a.principal, reference: a.loanRef });
      },
      PledgeWithdrawn: async (e, store) => {
        await update(store, e.args.receiptId, unpledged);
        step(store, e.args.receiptId, "PledgeWithdrawn", null, { reference: e.args.by });
      },
      PledgeAccepted: async (e, store) => {
        await update(store, e.args.receiptId, { status: "Pledged" });
        step(store, e.args.receiptId, "PledgeAccepted", e.args.financier, {
          amount: e.args.principal,
          reference: e.args.loanRef,
        });
      },
      PledgeRefused: async (e, store) => {
        await update(store, e.args.receiptId, unpledged);
        step(store, e.args.receiptId, "PledgeRefused", e.args.financier, { reference: e.args.documentId });
      },
      RepaymentRecorded: async (e, store) => {
        await update(store, e.args.receiptId, { repaid: e.args.repaid });
        step(store, e.args.receiptId, "Repayment", e.args.financier, {
          amount: e.args.amount,
          reference: e.args.paymentRef,
        });
      },
      ReleaseInstructed: async (e, store) => {
        await update(store, e.args.receiptId, { instructed: e.args.instructed });
        step(store, e.args.receiptId, "ReleaseInstructed", e.args.financier, { quantity: e.args.quantity });
      },
      ReleaseConfirmed: async (e, store) => {
        const current = await store.get<{ instructed: string }>("warehouse_receipts", { receipt_id: e.args.receiptId });
        const instructed = BigInt(current?.instructed ?? 0) - BigInt(e.args.quantity as bigint);
        await update(store, e.args.receiptId, { released: e.args.released, instructed });
        step(store, e.args.receiptId, "ReleaseConfirmed", e.args.warehouse, {
          quantity: e.args.quantity,
          reference: String(e.args.to),
        });
      },
      ReceiptClosed: async (e, store) => {
        await update(store, e.args.receiptId, { status: e.args.cancelled ? "Cancelled" : "Closed" });
        step(store, e.args.receiptId, e.args.cancelled ? "Cancelled" : "Closed", null);
      },
    },
  },
});
