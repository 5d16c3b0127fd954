import { ReceivableCertificate__factory } from "@consortia/sdk/typechain/factories/receivables/ReceivableCertificate__factory.js";
import { ReceivableDesk__factory } from "@consortia/sdk/typechain/factories/receivables/ReceivableDesk__factory.js";
import { currencyCode, OFFER_STATUSES, PLEDGE_STATUSES, RECEIVABLE_STATUSES } from "../projections/receivables.js";
import { asOf, counted, deployed, enumName, groupBy, reader, rowByRow, upTo, type Check, type Field } from "./check.js";

interface Receivable {
  obligor: number;
  creditor: number;
  guarantor: number;
  maturity: number;
  status: number;
  rootTokenId: bigint;
  currency: string;
  creditorAccount: string;
  faceValue: bigint;
  redeemed: bigint;
  escrowed: bigint;
  invoiceKey: string;
  documentsHash: string;
}

/** The three offer kinds: each its own view, and what of the row it returns. */
const OFFER_VIEWS = {
  transfer: {
    view: "transferOffer",
    fields: (o: Record<string, unknown>, c: Record<string, unknown>): Field[] => [
      ["status", o.status, enumName(OFFER_STATUSES, c.status)],
      ["counterparty", o.counterparty_account, c.to],
      ["deadline", o.deadline, c.deadline],
    ],
  },
  discount: {
    view: "discountOffer",
    fields: (o: Record<string, unknown>, c: Record<string, unknown>): Field[] => [
      ["status", o.status, enumName(OFFER_STATUSES, c.status)],
      ["financier", o.counterparty_member, c.financier],
      ["price", o.price, c.price],
      ["deadline", o.deadline, c.deadline],
    ],
  },
  pledge: {
    view: "pledgeOf",
    fields: (o: Record<string, unknown>, c: Record<string, unknown>): Field[] => [
      ["status", o.status, enumName(PLEDGE_STATUSES, c.status)],
      ["pledgee", o.counterparty_member, c.pledgee],
      ["dueDate", o.deadline, c.dueDate],
    ],
  },
} as const;

export const RECEIVABLE_CHECKS: readonly Check[] = [
  {
    name: "receivables",
    tables: ["receivables", "receivable_redemptions", "receivable_paying_banks", "part_payments"],
    async run(ctx) {
      if (!deployed(ctx, "ReceivableDesk")) return [];
      const call = reader(ctx, "ReceivableDesk", ReceivableDesk__factory.abi);
      const receivables = await asOf(ctx, "t.*", "receivables");
      // Certificates paid down by their share of a part payment count as redeemed on the desk (MaturityArrangements).
      const paidDown = new Map(
        (await asOf(ctx, "t.receivable_id, t.claimed", "part_payments")).map((p) => [
          String(p.receivable_id),
          BigInt(String(p.claimed)),
        ]),
      );
      const redemptions = groupBy(
        await upTo(ctx, "t.receivable_id, t.value", "receivable_redemptions"),
        "receivable_id",
      );
      return [
        await counted("receivableCount", receivables, call("receivableCount")),
        ...(await rowByRow<Receivable>(
          receivables,
          (r) => call("receivable", [r.receivable_id]),
          (r) => `receivable ${String(r.receivable_id)}`,
          (r, c) => [
            ["obligor", r.obligor, c.obligor],
            ["creditor", r.creditor, c.creditor],
            ["creditorAccount", r.creditor_account, c.creditorAccount],
            ["guarantor", r.guarantor, c.guarantor],
            ["maturity", r.maturity, c.maturity],
            ["status", r.status, enumName(RECEIVABLE_STATUSES, c.status)],
            ["rootTokenId", r.root_token_id, c.rootTokenId],
            ["currency", r.currency, currencyCode(c.currency)],
            ["faceValue", r.face_value, c.faceValue],
            ["redeemed", r.redeemed, c.redeemed],
            ["escrowed", r.escrowed, c.escrowed],
            ["invoiceKey", r.invoice_key, c.invoiceKey],
            ["documentsHash", r.documents_hash, c.documentsHash],
            [
              "redeemed (sum of indexed redemptions and part-payment shares)",
              (redemptions.get(String(r.receivable_id)) ?? []).reduce((sum, x) => sum + BigInt(String(x.value)), 0n) +
                (paidDown.get(String(r.receivable_id)) ?? 0n),
              c.redeemed,
            ],
          ],
        )),
        ...(await rowByRow<number>(
          await asOf(ctx, "t.obligor, t.bank", "receivable_paying_banks"),
          (p) => call("payingBankOf", [p.obligor]),
          (p) => `payingBankOf(${String(p.obligor)})`,
          (p, c) => [["", p.bank, c]],
        )),
      ];
    },
  },
  {
    name: "receivable certificates",
    tables: ["receivable_certificates"],
    async run(ctx) {
      if (!deployed(ctx, "ReceivableCertificate")) return [];
      const call = reader(ctx, "ReceivableCertificate", ReceivableCertificate__factory.abi);
      const rows = await asOf(
        ctx,
        "t.token_id, t.holder, t.value, t.locked, t.status, t.parent_id, t.root_id, t.tier",
        "receivable_certificates",
      );
      const lineage = (await Promise.all(rows.map((r) => call("lineage", [r.token_id])))) as [bigint, bigint, number][];
      return [
        await counted("totalMinted", rows, call("totalMinted")),
        ...(await rowByRow<{ owner: string; value: bigint; locked: bigint }>(
          rows,
          (r) => call("certificate", [r.token_id]),
          (r) => `certificate ${String(r.token_id)}`,
          (r, c) => {
            // A redeemed (burnt) certificate has no owner on chain; the index keeps whom it was redeemed for.
            const redeemed = /^0x0{40}$/.test(c.owner);
            const [parent, root, tier] = lineage[rows.indexOf(r)];
            return [
              ["value", r.value, c.value],
              ["locked", r.locked, c.locked],
              ["status", r.status, redeemed ? "Redeemed" : "Live"],
              ...(redeemed ? [] : ([["holder", r.holder, c.owner]] as Field[])),
              ["parent", r.parent_id, parent],
              ["root", r.root_id, root],
              ["tier", r.tier, tier],
            ];
          },
        )),
      ];
    },
  },
  {
    name: "receivable offers and pledges",
    tables: ["receivable_offers"],
    async run(ctx) {
      if (!deployed(ctx, "ReceivableDesk")) return [];
      const call = reader(ctx, "ReceivableDesk", ReceivableDesk__factory.abi);
      const offers = await asOf(ctx, "t.*", "receivable_offers");
      return rowByRow<Record<string, unknown>>(
        offers,
        (o) => call(OFFER_VIEWS[o.kind as keyof typeof OFFER_VIEWS].view, [o.offer_id]),
        (o) => `${String(o.kind)} ${String(o.offer_id)}`,
        (o, c) => [
          ["tokenId", o.token_id, c.tokenId],
          ["value", o.value, c.value],
          ...OFFER_VIEWS[o.kind as keyof typeof OFFER_VIEWS].fields(o, c),
        ],
      );
    },
  },
];

export const RECEIVABLE_GAPS: Readonly<Record<string, string>> = {
  receivable_financing:
    "financing history: the desk keeps each offer's and pledge's current record (compared in receivable_offers)",
  receivable_timeline: "receivable history: the desk keeps the current record only (status and amounts are compared)",
  "receivables.contract_doc/invoice_doc/delivery_doc":
    "the documents themselves: the desk keeps their hash (documentsHash, compared)",
  "receivables.funded_by/reject_reason_hash/direct": "not in the receivable view (events only)",
  "receivable_offers.new_token_id/payment_reference/reason_hash/holder": "not in the offer views (events only)",
};
