import { MaturityArrangements__factory } from "@consortia/sdk/typechain/factories/receivables/MaturityArrangements__factory.js";
import { createTableSql, defineProjection, type IndexedEvent, type TableSpec } from "../projection.js";

/**
 * Part payments at maturity (MaturityArrangements, issue 20): per receivable what the obligor paid in part, what
 * holders claimed (certificates paid down by as much) and what went back to the obligor; every part payment and every
 * claimed share. The certificate's own `TransferValue(tokenId, 0, share)` pays the certificate down in the receivables
 * projection; this projection adds the share to the receivable's `redeemed` there too (the desk counts it as paid).
 */
/** MaturityArrangements.RAY: the scale of the surviving fraction. */
export const RAY = 10n ** 27n;

export const PART_PAYMENT_TABLES = [
  {
    kind: "versioned",
    name: "part_payments",
    key: ["receivable_id"],
    columns: {
      receivable_id: "numeric",
      obligor: "bigint",
      paid_in: "numeric",
      claimed: "numeric",
      refunded: "numeric",
      payments: "integer",
      survival: "numeric",
      last_paid_at: "bigint",
    },
    indexes: [["obligor"]],
  },
  {
    // Per certificate that claimed: the surviving fraction it claimed at (the unpaid rest of a certificate is
    // ceil(value * survival / claimed_at), RAY when it never claimed) and the shares it was paid.
    kind: "versioned",
    name: "part_payment_certificates",
    key: ["token_id"],
    columns: {
      token_id: "numeric",
      receivable_id: "numeric",
      claimed_at: "numeric",
      claimed: "numeric",
    },
    indexes: [["receivable_id"]],
  },
  {
    kind: "append",
    name: "part_payment_steps",
    columns: {
      receivable_id: "numeric",
      step: "text",
      token_id: "numeric",
      account: "text",
      member_id: "bigint",
      amount: "numeric",
      outstanding: "numeric",
      value_after: "numeric",
      caller: "text",
      at: "bigint",
    },
    indexes: [["receivable_id"], ["token_id"], ["member_id"]],
  },
] as const satisfies readonly TableSpec[];

type Row = Record<string, unknown>;

const time = (e: IndexedEvent): number | null => e.blockTime ?? null;

const big = (v: unknown): bigint => BigInt(String(v ?? 0));

export default defineProjection({
  name: "part-payments",
  contracts: { MaturityArrangements: MaturityArrangements__factory.abi },
  tables: PART_PAYMENT_TABLES,
  migrations: [{ id: "part-payments/001_tables", sql: PART_PAYMENT_TABLES.map(createTableSql).join(";\n") }],
  handlers: {
    MaturityArrangements: {
      PartPaymentMade: async (e, store) => {
        const current = (await store.get<Row>("part_payments", { receivable_id: e.args.receivableId })) ?? {
          receivable_id: e.args.receivableId,
          obligor: e.args.obligor,
          paid_in: 0n,
          claimed: 0n,
          refunded: 0n,
          payments: 0,
        };
        store.put("part_payments", {
          ...current,
          paid_in: big(current.paid_in) + (e.args.amount as bigint),
          payments: Number(current.payments) + 1,
          survival: e.args.survival,
          last_paid_at: time(e),
        });
        store.append("part_payment_steps", {
          receivable_id: e.args.receivableId,
          step: "Paid",
          token_id: null,
          account: e.args.payerAccount,
          member_id: e.args.obligor,
          amount: e.args.amount,
          outstanding: e.args.outstanding,
          value_after: null,
          caller: e.args.payerAccount,
          at: time(e),
        });
      },
      PartPaymentShareClaimed: async (e, store) => {
        const current = await store.get<Row>("part_payments", { receivable_id: e.args.receivableId });
        if (current === undefined)
          throw new Error(`share of receivable ${String(e.args.receivableId)} before a payment`);
        store.put("part_payments", { ...current, claimed: big(current.claimed) + (e.args.share as bigint) });
        // A claim sets the certificate's fraction to the receivable's current one (MaturityArrangements.claim).
        const certificate = await store.get<Row>("part_payment_certificates", { token_id: e.args.tokenId });
        store.put("part_payment_certificates", {
          token_id: e.args.tokenId,
          receivable_id: e.args.receivableId,
          claimed_at: current.survival,
          claimed: big(certificate?.claimed) + (e.args.share as bigint),
        });
        // The desk counts the share as paid (its `redeemed`), as the certificate's value went down by it.
        const r = await store.get<Row>("receivables", { receivable_id: e.args.receivableId });
        if (r !== undefined) store.put("receivables", { ...r, redeemed: big(r.redeemed) + (e.args.share as bigint) });
        store.append("part_payment_steps", {
          receivable_id: e.args.receivableId,
          step: "ShareClaimed",
          token_id: e.args.tokenId,
          account: e.args.holder,
          member_id: e.args.holderMember,
          amount: e.args.share,
          outstanding: null,
          value_after: e.args.valueAfter,
          caller: e.args.caller,
          at: time(e),
        });
      },
      PartPaymentsRefunded: async (e, store) => {
        const current = await store.get<Row>("part_payments", { receivable_id: e.args.receivableId });
        if (current === undefined)
          throw new Error(`refund of receivable ${String(e.args.receivableId)} before a payment`);
        store.put("part_payments", { ...current, refunded: big(current.refunded) + (e.args.amount as bigint) });
        store.append("part_payment_steps", {
          receivable_id: e.args.receivableId,
          step: "Refunded",
          token_id: null,
          account: e.args.account,
          member_id: current.obligor,
          amount: e.args.amount,
          outstanding: null,
          value_after: null,
          caller: e.args.account,
          at: time(e),
        });
      },
    },
  },
});
