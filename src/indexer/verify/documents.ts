import { FinancedDocuments__factory } from "@consortia/sdk/typechain/factories/platform/FinancedDocuments__factory.js";
import { IssuanceLimits__factory } from "@consortia/sdk/typechain/factories/receivables/IssuanceLimits__factory.js";
import { currencyCode } from "../projections/receivables.js";
import type { Row } from "../db.js";
import { asOf, deployed, groupBy, reader, rowByRow, upTo, type Check, type Field } from "./check.js";

interface DocumentView {
  face: bigint;
  financed: bigint;
  currency: string;
  holds: number;
  paid: bigint;
  lastApp: string;
  lastRecord: bigint;
}

interface HoldView {
  amount: bigint;
  financier: number;
  heldAt: number;
}

interface ObligorLimitsView {
  total: bigint;
  utilised: bigint;
  banks: number;
  limited: boolean;
}

const sum = (rows: readonly Row[] | undefined, column: string): bigint =>
  (rows ?? []).reduce((total, row) => total + BigInt(String(row[column])), 0n);

export const DOCUMENT_CHECKS: readonly Check[] = [
  {
    name: "financed documents and their holds",
    tables: ["financed_documents", "document_holds"],
    async run(ctx) {
      if (!deployed(ctx, "FinancedDocuments")) return [];
      const call = reader(ctx, "FinancedDocuments", FinancedDocuments__factory.abi);
      const documents = await asOf(ctx, "t.*", "financed_documents");
      const holds = await asOf(ctx, "t.*", "document_holds");
      // An application's record holds a document once (the desk's receivable ids are never reused; the register
      // refuses a second open hold), so the current rows' open and paid amounts add up to the document's totals.
      const open = groupBy(
        holds.filter((h) => h.status === "Held"),
        "document_id",
      );
      const paid = groupBy(
        holds.filter((h) => h.status === "Paid"),
        "document_id",
      );
      // An open hold's time is its block's; a closed hold is deleted on chain (all zero).
      const times = new Map<string, Promise<bigint>>();
      const heldAt = (block: unknown): Promise<bigint> => {
        const key = String(block);
        if (!times.has(key))
          times.set(
            key,
            ctx.client.getBlock({ blockNumber: BigInt(key) }).then((b) => b.timestamp),
          );
        return times.get(key)!;
      };
      return [
        ...(await rowByRow<DocumentView>(
          documents,
          (d) => call("document", [d.document_id]),
          (d) => `document ${String(d.document_id)}`,
          (d, c) => [
            ["face", d.face, c.face],
            ["currency", d.currency, currencyCode(c.currency)],
            ["financed", d.financed, c.financed],
            ["paid", d.paid, c.paid],
            ["holds", d.open_holds, c.holds],
            ["lastApp", d.last_app, c.lastApp],
            ["lastRecord", d.last_record, c.lastRecord],
            ["financed (sum of indexed open holds)", sum(open.get(String(d.document_id)), "amount"), c.financed],
            ["paid (sum of indexed holds closed as paid)", sum(paid.get(String(d.document_id)), "amount"), c.paid],
          ],
        )),
        ...(await rowByRow<[HoldView, bigint]>(
          holds,
          (h) =>
            Promise.all([
              call("holdOf", [h.document_id, h.app, h.record]),
              h.status === "Held" ? heldAt(h.held_block) : 0n,
            ]),
          (h) => `hold ${String(h.document_id)} ${String(h.app)} #${String(h.record)}`,
          (h, [c, time]): Field[] =>
            h.status === "Held"
              ? [
                  ["amount", h.amount, c.amount],
                  ["financier", h.financier, c.financier],
                  ["heldAt (time of the indexed block)", time, c.heldAt],
                ]
              : [["amount (closed: none on chain)", 0, c.amount]],
        )),
      ];
    },
  },
  {
    name: "issuance limits and utilisation",
    tables: ["issuance_limits", "obligor_issuance", "issuance_uses"],
    async run(ctx) {
      if (!deployed(ctx, "IssuanceLimits")) return [];
      const call = reader(ctx, "IssuanceLimits", IssuanceLimits__factory.abi);
      const limits = await asOf(ctx, "t.obligor, t.bank, t.limit_value", "issuance_limits");
      const obligors = await asOf(ctx, "t.*", "obligor_issuance");
      const uses = await upTo(ctx, "t.obligor, t.app, t.record, t.action, t.amount, t.utilised", "issuance_uses");
      const byObligor = groupBy(
        limits.filter((l) => BigInt(String(l.limit_value)) > 0n),
        "obligor",
      );
      const usesByObligor = groupBy(uses, "obligor");
      // What each record still uses: its uses less its releases (in the record's own words, per application).
      const records = [
        ...groupBy(
          uses.map((u) => ({ ...u, record_key: `${String(u.app).toLowerCase()} ${String(u.record)}` })),
          "record_key",
        ).values(),
      ].map((rows) => ({
        app: rows[0].app,
        record: rows[0].record,
        used: rows.reduce((total, u) => {
          const amount = BigInt(String(u.amount));
          return u.action === "Released" ? total - amount : total + amount;
        }, 0n),
      }));
      return [
        ...(await rowByRow<bigint>(
          limits,
          (l) => call("limitOf", [l.obligor, l.bank]),
          (l) => `limitOf(${String(l.obligor)}, ${String(l.bank)})`,
          (l, c) => [["", l.limit_value, c]],
        )),
        ...(await rowByRow<[ObligorLimitsView, readonly number[]]>(
          obligors,
          (o) => Promise.all([call("obligorLimits", [o.obligor]), call("banksOf", [o.obligor])]),
          (o) => `obligor ${String(o.obligor)}`,
          (o, [c, banks]) => {
            const indexed = byObligor.get(String(o.obligor)) ?? [];
            const last = (usesByObligor.get(String(o.obligor)) ?? []).at(-1);
            return [
              ["limited", o.limited, c.limited],
              ["total", o.total, c.total],
              ["utilised", o.utilised, c.utilised],
              ["total (sum of indexed limits)", sum(indexed, "limit_value"), c.total],
              [
                "banks",
                indexed
                  .map((l) => Number(l.bank))
                  .sort((a, b) => a - b)
                  .join(","),
                [...banks]
                  .map(Number)
                  .sort((a, b) => a - b)
                  .join(","),
              ],
              ["bank count", indexed.length, c.banks],
              ...(last === undefined ? [] : ([["utilised (last indexed use)", last.utilised, c.utilised]] as Field[])),
            ];
          },
        )),
        ...(await rowByRow<bigint>(
          records,
          (r) => call("usedBy", [r.app, r.record]),
          (r) => `usedBy(${String(r.app)}, ${String(r.record)})`,
          (r, c) => [["", r.used, c]],
        )),
      ];
    },
  },
];

export const DOCUMENT_GAPS: Readonly<Record<string, string>> = {
  "document_holds.status/consent_account/held_tx/closed_tx":
    "how and with whose consent a hold closed: the register deletes a closed hold (events only; the amounts of the " +
    "holds closed as paid are compared with the document's paid total)",
  "document_holds.financier/held_block (closed holds)":
    "a closed hold is deleted on chain (both are compared while the hold is open)",
  "issuance_limits.account": "which account of the bank set the limit: the contract keeps the bank only (events only)",
  "issuance_uses (rows)":
    "history of uses and releases: the contract keeps what each record still uses (usedBy, compared with its uses " +
    "less its releases) and the obligor's utilisation (compared with the last indexed use)",
};
