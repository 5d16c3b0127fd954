/**
 * Registration-platform export (issue 20): the receivables' transfers, discounts and pledges as the registration and
 * amendment records a national receivables registration platform (中登网, the unified registration and publicity
 * system for movables financing) takes: registrant (the pledgee or transferee, who registers), counterparty (the
 * pledgor or transferor), registration type, the property described by hash references only (receivable, certificate,
 * the invoice's keyed id, the documents hash), amount, currency and term; a pledge released or enforced gives an
 * amendment (cancellation or change) of the earlier registration. Nothing in the clear: the platform's form takes the
 * hashes as the property description, and the parties are member ids (their registered names are in the directory).
 */
import { z } from "zod";
import type { Row } from "../../indexer/db.js";
import { accountOf, either, party, rows } from "../access.js";
import { eq, key, listRoute } from "../list.js";
import { asOfFilter, defineRoutes, Sql, source, uint256, versionSource } from "../route.js";

/** The platform's registration types, by the kind of the suite's record. */
export const REGISTRATION_TYPES = { pledge: "pledge", transfer: "transfer", discount: "factoring" } as const;

/** A registration's number in this export: the record's kind and id, stable across exports. */
export const registrationNumber = (kind: string, offerId: string) => `CNS-${kind.toUpperCase()}-${offerId}`;

const amendmentSchema = z.object({
  registrationNumber: z.string(),
  amends: z.string().describe("The registration it amends"),
  amendmentType: z.enum(["cancellation", "change"]),
  description: z.string(),
  newTokenId: z.string().nullable(),
});
const registrationSchema = z.object({
  registrationNumber: z.string(),
  registrationType: z.enum(["pledge", "transfer", "factoring"]),
  registrant: z.number().int().nullable().describe("Pledgee or transferee (the party that registers)"),
  counterparty: z.number().int().nullable().describe("Pledgor or transferor"),
  property: z.object({
    receivableId: z.string(),
    tokenId: z.string(),
    invoiceKey: z.string().describe("Keyed id of the invoice (HMAC; never the invoice in the clear)"),
    documentsHash: z.string(),
  }),
  amount: z.string().describe("Minor units of currency"),
  currency: z.string(),
  price: z.string().nullable().describe("Discount price paid (factoring)"),
  termEnd: z.number().int().describe("Unix seconds: the receivable's maturity (the pledge's due date for a pledge)"),
  status: z.enum(["registered", "cancelled", "changed"]),
  amendments: z.array(amendmentSchema),
  source,
});
export type Registration = z.output<typeof registrationSchema>;

/** The registration record of one accepted transfer or discount, or one pledge, with its amendments. */
export function toRegistration(r: Row): Registration {
  const kind = r.kind as keyof typeof REGISTRATION_TYPES;
  const number = registrationNumber(kind, r.offer_id as string);
  const amendments: z.output<typeof amendmentSchema>[] = [];
  if (kind === "pledge" && r.status === "Released")
    amendments.push({
      registrationNumber: `${number}-A1`,
      amends: number,
      amendmentType: "cancellation",
      description: "pledge released by the pledgee",
      newTokenId: null,
    });
  if (kind === "pledge" && r.status === "Taken")
    amendments.push({
      registrationNumber: `${number}-A1`,
      amends: number,
      amendmentType: "change",
      description: "pledge enforced: the pledged value passed to the pledgee",
      newTokenId: (r.new_token_id as string | null) ?? null,
    });
  return {
    registrationNumber: number,
    registrationType: REGISTRATION_TYPES[kind],
    registrant: r.counterparty_member === null ? null : Number(r.counterparty_member),
    counterparty: r.holder_member === null ? null : Number(r.holder_member),
    property: {
      receivableId: r.receivable_id as string,
      tokenId: r.token_id as string,
      invoiceKey: r.invoice_key as string,
      documentsHash: r.documents_hash as string,
    },
    amount: r.value as string,
    currency: r.currency as string,
    price: kind === "discount" ? ((r.price as string | null) ?? null) : null,
    termEnd: Number(kind === "pledge" ? r.deadline : r.maturity),
    status:
      amendments.length === 0 ? "registered" : amendments[0].amendmentType === "cancellation" ? "cancelled" : "changed",
    amendments,
    source: versionSource(r),
  };
}

/** Columns of the receivable and the holder's member beside the offer's, as of `asOf`. */
const columns = (q: Sql, asOf: number | undefined) => {
  const r = asOfFilter(q, "r", asOf);
  const a = asOfFilter(q, "a", asOf);
  const terms = (column: string) =>
    `(SELECT r.${column} FROM receivables r WHERE r.receivable_id = o.receivable_id AND ${r}) AS ${column}`;
  return [
    "o.*",
    terms("currency"),
    terms("maturity"),
    terms("invoice_key"),
    terms("documents_hash"),
    `(SELECT a.member_id FROM accounts a WHERE a.address = lower(o.holder) AND ${a}) AS holder_member`,
  ].join(", ");
};

export default defineRoutes({
  name: "registrations",
  routes: [
    listRoute({
      path: "/registrations",
      access: rows(either(party("o.counterparty_member"), accountOf("o.holder"))),
      summary: "Registration-platform export: transfers, discounts (factoring) and pledges with their amendments",
      description:
        "One registration per accepted transfer or discount and per pledge, in the shape of a national receivables " +
        "registration platform's form; a released pledge carries a cancellation, an enforced one a change. A member " +
        "reads the registrations it is registrant or counterparty of. `consortia registration export` writes them " +
        "as JSON or CSV; `consortia registration import` checks a platform query result against them.",
      tags: ["receivables"],
      from: "receivable_offers o",
      select: ({ query }, q) => columns(q, query.asOf),
      asOf: "versioned",
      scope: () => ["((o.kind IN ('transfer', 'discount') AND o.status = 'Accepted') OR o.kind = 'pledge')"],
      filters: {
        kind: eq("o.kind", z.enum(["pledge", "transfer", "discount"]), "text"),
        receivable: eq("o.receivable_id", uint256, "numeric"),
      },
      sorts: { registered: [key("o.created_block", "bigint"), key("o.kind", "text"), key("o.offer_id", "numeric")] },
      order: "asc",
      item: registrationSchema,
      toItem: toRegistration,
    }),
  ],
});
