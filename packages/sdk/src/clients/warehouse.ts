/**
 * Warehouse receipts pledged to banks (WarehouseReceipts; 融通仓 and 保兑仓): a warehouse issues a receipt for goods
 * (by hashes only), the depositor pledges it to a bank, the bank records repayments and instructs releases within the
 * repaid share, the warehouse confirms each physical release. The receipt holds its goods' keyed id in the register
 * of financed documents while pledged, so the same goods never back two financings.
 */
import { hexlify, toUtf8Bytes, toUtf8String } from "ethers";
import { WarehouseReceipts__factory } from "../typechain/factories/warehouse/WarehouseReceipts__factory.js";
import type { WarehouseReceipts } from "../typechain/warehouse/WarehouseReceipts.js";
import { defineClient, type ClientContext, type SendOptions } from "./define.js";

/** `IWarehouseReceipts.Mode` by name: 融通仓 (Inventory) and 保兑仓 (Confirmed). */
export const RECEIPT_MODE = { None: 0, Inventory: 1, Confirmed: 2 } as const;
/** `IWarehouseReceipts.Status` by name. */
export const RECEIPT_STATUS = { None: 0, Issued: 1, Offered: 2, Pledged: 3, Closed: 4 } as const;
const STATUS_NAMES = Object.keys(RECEIPT_STATUS) as (keyof typeof RECEIPT_STATUS)[];
const MODE_NAMES = Object.keys(RECEIPT_MODE) as (keyof typeof RECEIPT_MODE)[];

/** What a warehouse issues a receipt for: goods by hash only. */
export interface ReceiptIssue {
  depositor: number;
  mode: keyof typeof RECEIPT_MODE;
  /** 保兑仓: the dealer the goods are for (omit in 融通仓). */
  dealer?: number;
  goodsHash: string;
  locationHash: string;
  /** Keyed id of the goods in the register of financed documents (see `deriveDocumentKey`). */
  documentId: string;
  quantity: bigint;
  value: bigint;
  currency: string;
}

/** A receipt and its pledge, as read from the contract. */
export interface ReceiptView {
  receiptId: bigint;
  warehouse: number;
  depositor: number;
  dealer: number;
  status: keyof typeof RECEIPT_STATUS;
  mode: keyof typeof RECEIPT_MODE;
  quantity: bigint;
  released: bigint;
  instructed: bigint;
  value: bigint;
  currency: string;
  financier: number;
  documentId: string;
  principal: bigint;
  repaid: bigint;
  loanRef: string;
  offerHash: string;
  /** Units the bank may still instruct now. */
  releasable: bigint;
}

function currencyBytes(code: string): string {
  if (!/^[A-Z]{3}$/.test(code)) throw new Error(`malformed currency "${code}": expected an ISO 4217 code like CNY`);
  return hexlify(toUtf8Bytes(code));
}

export type WarehouseClient = ReturnType<typeof createWarehouseClient>;

/** A receipt with its pledge, read from the contract. */
export async function receiptOf(contract: WarehouseReceipts, receiptId: bigint): Promise<ReceiptView> {
  const [r, p, releasable] = await Promise.all([
    contract.receipt(receiptId),
    contract.pledge(receiptId),
    contract.releasable(receiptId),
  ]);
  return {
    receiptId,
    warehouse: Number(r.warehouse),
    depositor: Number(r.depositor),
    dealer: Number(r.dealer),
    status: STATUS_NAMES[Number(r.status)] ?? "None",
    mode: MODE_NAMES[Number(r.mode)] ?? "None",
    quantity: r.quantity,
    released: r.released,
    instructed: r.instructed,
    value: r.value,
    currency: r.value === 0n ? "" : toUtf8String(r.currency),
    financier: Number(r.financier),
    documentId: r.documentId,
    principal: p.principal,
    repaid: p.repaid,
    loanRef: p.loanRef,
    offerHash: p.offerHash,
    releasable,
  };
}

function createWarehouseClient(context: ClientContext) {
  const contract: WarehouseReceipts = context.connect("WarehouseReceipts", WarehouseReceipts__factory);
  return {
    contract,
    address: context.address("WarehouseReceipts"),
    /** Warehouse: issues a receipt (WAREHOUSE). The id is in the `ReceiptIssued` event of the receipt. */
    issue: (r: ReceiptIssue, options?: SendOptions) =>
      context.send(
        contract,
        () =>
          contract.issue({
            depositor: r.depositor,
            mode: RECEIPT_MODE[r.mode],
            dealer: r.dealer ?? 0,
            goodsHash: r.goodsHash,
            locationHash: r.locationHash,
            documentId: r.documentId,
            quantity: r.quantity,
            value: r.value,
            currency: currencyBytes(r.currency),
          }),
        options,
      ),
    /** Warehouse: cancels an unencumbered receipt. */
    cancel: (receiptId: bigint, options?: SendOptions) =>
      context.send(contract, () => contract.cancel(receiptId), options),
    /** Depositor: offers the receipt as a pledge to a bank. */
    offerPledge: (receiptId: bigint, financier: number, loanRef: string, principal: bigint, options?: SendOptions) =>
      context.send(contract, () => contract.offerPledge(receiptId, financier, loanRef, principal), options),
    /** Depositor or the named bank: withdraws a standing offer. */
    withdrawPledge: (receiptId: bigint, options?: SendOptions) =>
      context.send(contract, () => contract.withdrawPledge(receiptId), options),
    /**
     * Bank: accepts the offer it priced (its `offerHash`). When the goods are financed elsewhere the transaction
     * succeeds with `PledgeRefused` (recorded for the regulator) and the receipt stays unpledged.
     */
    acceptPledge: (receiptId: bigint, offerHash: string, options?: SendOptions) =>
      context.send(contract, () => contract.acceptPledge(receiptId, offerHash), options),
    /** Bank: records a repayment (hash of its payment reference). */
    recordRepayment: (receiptId: bigint, amount: bigint, paymentRef: string, options?: SendOptions) =>
      context.send(contract, () => contract.recordRepayment(receiptId, amount, paymentRef), options),
    /** Bank: instructs a release within the repaid share. */
    instructRelease: (receiptId: bigint, quantity: bigint, options?: SendOptions) =>
      context.send(contract, () => contract.instructRelease(receiptId, quantity), options),
    /** Warehouse: confirms a physical release of instructed units. */
    confirmRelease: (receiptId: bigint, quantity: bigint, options?: SendOptions) =>
      context.send(contract, () => contract.confirmRelease(receiptId, quantity), options),
    /** A receipt with its pledge and what may be released now. */
    receipt: (receiptId: bigint) => receiptOf(contract, receiptId),
  };
}

export default defineClient({
  contracts: { WarehouseReceipts: WarehouseReceipts__factory },
  enums: { "IWarehouseReceipts.Mode": MODE_NAMES, "IWarehouseReceipts.Status": STATUS_NAMES },
  messages: {
    ReceiptUnknown: (p) => `no warehouse receipt ${p.receiptId}`,
    ReceiptWrongStatus: (p) => `receipt ${p.receiptId} is ${STATUS_NAMES[Number(p.status)] ?? p.status}: not now`,
    ReceiptWrongParty: (p) =>
      `member ${p.member} may not take this step on receipt ${p.receiptId}: member ${p.expected} must`,
    ReceiptInvalid: (p) => `invalid ${p.field}`,
    ReceiptOfferChanged: (p) =>
      `the pledge offer of receipt ${p.receiptId} changed since it was priced (standing ${p.offerHash}, accepted ${p.accepted})`,
    ReceiptOverRepaid: (p) =>
      `receipt ${p.receiptId}: ${p.amount} more would repay beyond the principal ${p.principal} (repaid ${p.repaid})`,
    ReceiptReleaseNotCovered: (p) =>
      `receipt ${p.receiptId}: ${p.quantity} units asked, the repaid share covers ${p.releasable} more`,
    ReceiptReleaseNotInstructed: (p) =>
      `receipt ${p.receiptId}: ${p.quantity} units confirmed, the bank instructed ${p.instructed}`,
  },
  create: createWarehouseClient,
});
