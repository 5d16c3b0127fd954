import { WarehouseReceipts__factory } from "@consortia/sdk/typechain/factories/warehouse/WarehouseReceipts__factory.js";
import { currencyCode } from "../projections/receivables.js";
import { RECEIPT_MODES } from "../projections/warehouse.js";
import { asOf, deployed, enumName, reader, rowByRow, type Check } from "./check.js";

/** `IWarehouseReceipts.Status` as the contract names it (a cancelled receipt is `Closed` on chain). */
const CHAIN_STATUSES = ["None", "Issued", "Offered", "Pledged", "Closed"] as const;

interface ReceiptView {
  warehouse: bigint;
  depositor: bigint;
  dealer: bigint;
  status: bigint;
  mode: bigint;
  currency: string;
  quantity: bigint;
  released: bigint;
  instructed: bigint;
  value: bigint;
  financier: bigint;
  goodsHash: string;
  locationHash: string;
  documentId: string;
}

interface PledgeView {
  principal: bigint;
  repaid: bigint;
  loanRef: string;
  offerHash: string;
}

export const WAREHOUSE_CHECKS: readonly Check[] = [
  {
    name: "warehouse receipts and their pledges",
    tables: ["warehouse_receipts"],
    async run(ctx) {
      if (!deployed(ctx, "WarehouseReceipts")) return [];
      const call = reader(ctx, "WarehouseReceipts", WarehouseReceipts__factory.abi);
      const receipts = await asOf(ctx, "t.*", "warehouse_receipts");
      return rowByRow<[ReceiptView, PledgeView]>(
        receipts,
        (r) => Promise.all([call("receipt", [r.receipt_id]), call("pledge", [r.receipt_id])]),
        (r) => `receipt ${String(r.receipt_id)}`,
        (r, [c, p]) => [
          ["warehouse", r.warehouse, c.warehouse],
          ["depositor", r.depositor, c.depositor],
          ["dealer", r.dealer, c.dealer],
          ["status", r.status === "Cancelled" ? "Closed" : r.status, enumName(CHAIN_STATUSES, c.status)],
          ["mode", r.mode, enumName(RECEIPT_MODES, c.mode)],
          ["goodsHash", r.goods_hash, c.goodsHash],
          ["locationHash", r.location_hash, c.locationHash],
          ["documentId", r.document_id, c.documentId],
          ["quantity", r.quantity, c.quantity],
          ["released", r.released, c.released],
          ["instructed", r.instructed, c.instructed],
          ["value", r.value, c.value],
          ["currency", r.currency, currencyCode(c.currency)],
          ["financier", r.financier, c.financier],
          ["principal", r.principal, p.principal],
          ["repaid", r.repaid, p.repaid],
          ["loanRef", r.loan_ref, p.loanRef],
          ["offerHash", r.offer_hash, p.offerHash],
        ],
      );
    },
  },
];

export const WAREHOUSE_GAPS: Readonly<Record<string, string>> = {
  warehouse_steps:
    "history of each receipt (offers, refusals, repayments with their payment references, instructions, releases): " +
    "the contract keeps the receipt and its pledge as they stand (compared in warehouse_receipts; events only)",
  financing_refusals:
    "refused duplicate-financing attempts: the register records them as events only (a refusal changes no state)",
  financing_checks: "banks' recorded checks before financing: events only (a check changes no state)",
};
