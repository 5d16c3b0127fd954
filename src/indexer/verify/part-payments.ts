import { MaturityArrangements__factory } from "@consortia/sdk/typechain/factories/receivables/MaturityArrangements__factory.js";
import { asOf, deployed, reader, rowByRow, type Check } from "./check.js";

interface PartPaymentsView {
  survival: bigint;
  paidIn: bigint;
  payments: bigint;
  claimed: bigint;
  refunded: bigint;
}

export const PART_PAYMENT_CHECKS: readonly Check[] = [
  {
    name: "part payments at maturity",
    tables: ["part_payments"],
    async run(ctx) {
      if (!deployed(ctx, "MaturityArrangements")) return [];
      const call = reader(ctx, "MaturityArrangements", MaturityArrangements__factory.abi);
      const rows = await asOf(ctx, "t.*", "part_payments");
      return rowByRow<PartPaymentsView>(
        rows,
        (p) => call("partPaymentsOf", [p.receivable_id]),
        (p) => `part payments of receivable ${String(p.receivable_id)}`,
        (p, c) => [
          ["paidIn", p.paid_in, c.paidIn],
          ["claimed", p.claimed, c.claimed],
          ["refunded", p.refunded, c.refunded],
          ["payments", p.payments, c.payments],
          ["survival", p.survival, c.survival],
        ],
      );
    },
  },
];

export const PART_PAYMENT_GAPS: Readonly<Record<string, string>> = {
  "part_payments.obligor/last_paid_at":
    "the view keeps the amounts (compared); the obligor is the receivable's (compared there), the time is in events",
  part_payment_certificates:
    "the fraction a certificate claimed at has no view; each certificate's value (paid down by its claims) is " +
    "compared in receivable_certificates and its share by the sums in part_payments",
  part_payment_steps:
    "history: each part payment, claimed share and refund is an event; their sums are compared in part_payments",
};
