import { z } from "zod";
import type { Row } from "../../indexer/db.js";
import { membersAccess, party, rowCondition, rows, type Visible } from "../access.js";
import { eq, key, listRoute } from "../list.js";
import {
  address,
  asOfFilter,
  asOfQuery,
  bytes32,
  checkAsOf,
  defineRoute,
  defineRoutes,
  findOne,
  memberId,
  source,
  sourceOf,
  Sql,
  versionSource,
} from "../route.js";

const HOLD_STATUSES = ["Held", "Paid", "Cancelled"] as const;

const documentSchema = z.object({
  documentId: z.string().describe("Keyed id of the document (HMAC of the issuer's tax id, invoice code and number)"),
  face: z.string(),
  currency: z.string(),
  financed: z.string().describe("Sum of the open holds"),
  paid: z.string().describe("Sum of the holds closed as paid: never financeable again"),
  available: z.string().describe("What may still be financed: face - financed - paid"),
  openHolds: z.number().int(),
  lastApp: z.string().describe("Application of the latest hold (named when a further financing is refused)"),
  lastRecord: z.string(),
  source,
});
const holdSchema = z.object({
  app: z.string().describe("The application contract that holds (receivable desk, ...)"),
  record: z.string().describe("The application's record: a receivable id, an offer id"),
  financier: z.number().int().nullable(),
  amount: z.string(),
  status: z.enum(HOLD_STATUSES),
  consentAccount: z.string().nullable().describe("The financier's account that consented to a cancellation"),
  held: source,
  closedTx: z.string().nullable(),
  source,
});

const toDocument = (r: Row) => {
  const face = BigInt(r.face as string);
  const used = BigInt(r.financed as string) + BigInt(r.paid as string);
  return {
    documentId: r.document_id as string,
    face: r.face as string,
    currency: r.currency as string,
    financed: r.financed as string,
    paid: r.paid as string,
    available: (face > used ? face - used : 0n).toString(),
    openHolds: r.open_holds as number,
    lastApp: r.last_app as string,
    lastRecord: r.last_record as string,
    source: versionSource(r),
  };
};

const toHold = (r: Row) => ({
  app: r.app as string,
  record: r.record as string,
  financier: (r.financier as number | null) ?? null,
  amount: r.amount as string,
  status: r.status as (typeof HOLD_STATUSES)[number],
  consentAccount: (r.consent_account as string | null) ?? null,
  held: sourceOf(r.held_block, r.held_tx),
  closedTx: (r.closed_tx as string | null) ?? null,
  source: versionSource(r),
});

/**
 * A hold: its financier, and the parties of the record that holds the document (a receivable of the desk: its
 * creditor, obligor, guarantor, funder, current certificate holders and sellers with recourse, as /receivables/:id
 * without the banks merely offered a discount or pledge).
 */
const HOLD_READERS =
  (alias: string): Visible =>
  (q, member) =>
    `(${party(`${alias}.financier`)(q, member)} OR EXISTS (SELECT 1 FROM receivables hr WHERE hr.receivable_id = ${alias}.record AND hr.invoice_key = ${alias}.document_id AND hr.valid_to_block IS NULL AND (${party("hr.creditor", "hr.obligor", "hr.guarantor", "hr.funded_by")(q, member)} OR EXISTS (SELECT 1 FROM receivable_certificates hc WHERE hc.receivable_id = hr.receivable_id AND hc.valid_to_block IS NULL AND ${party("hc.holder_member")(q, member)}) OR EXISTS (SELECT 1 FROM recourse_sales hs WHERE hs.receivable_id = hr.receivable_id AND hs.with_recourse AND ${party("hs.seller_member")(q, member)}))))`;
/** A document: the readers of any of its holds. */
const DOCUMENT_READERS =
  (alias: string): Visible =>
  (q, member) =>
    `EXISTS (SELECT 1 FROM document_holds dh WHERE dh.document_id = ${alias}.document_id AND dh.valid_to_block IS NULL AND ${HOLD_READERS("dh")(q, member)})`;

export default defineRoutes({
  name: "documents",
  routes: [
    listRoute({
      path: "/documents",
      access: rows(DOCUMENT_READERS("d")),
      summary: "Financed documents (invoices by keyed id), filtered by the application of their latest hold",
      tags: ["documents"],
      from: "financed_documents d",
      asOf: "versioned",
      filters: { lastApp: eq("d.last_app", address) },
      sorts: { id: [key("d.document_id", "text")] },
      order: "asc",
      item: documentSchema,
      toItem: toDocument,
    }),
    listRoute({
      path: "/document-holds",
      access: rows(HOLD_READERS("h")),
      summary: "Holds on financed documents, by application, financier or status",
      tags: ["documents"],
      from: "document_holds h",
      asOf: "versioned",
      filters: {
        app: eq("h.app", address),
        financier: eq("h.financier", memberId, "bigint"),
        status: eq("h.status", z.enum(HOLD_STATUSES)),
      },
      sorts: { held: [key("h.held_block", "bigint"), key("h.document_id", "text"), key("h.record", "numeric")] },
      order: "asc",
      item: holdSchema,
      toItem: toHold,
    }),
    defineRoute({
      path: "/documents/:documentId",
      access: membersAccess,
      summary: "A financed document's standing by its keyed id, with every hold on it and how each closed",
      description:
        "The API never sees an invoice's identity, only its keyed id (`consortia document key` computes it " +
        "locally). A document no application ever held answers 404: nothing is financed against it. Every member " +
        "may ask a document's standing (whether it may still be financed); its holds list only those the caller " +
        "may read (as /document-holds): the regulator and auditors see every hold.",
      tags: ["documents"],
      params: z.object({ documentId: bytes32 }),
      query: z.object({ ...asOfQuery }),
      response: documentSchema.extend({ holds: z.array(holdSchema) }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const row = await findOne(
          ctx.db,
          { from: "financed_documents d", key: { document_id: [params.documentId, "text"] }, asOf: query.asOf },
          `document ${params.documentId} was never financed`,
        );
        const q = new Sql();
        const visible = rowCondition(rows(HOLD_READERS("h")), ctx.viewer, q);
        const holds = await ctx.db.query(
          `SELECT * FROM document_holds h WHERE h.document_id = ${q.p(params.documentId)} AND ${asOfFilter(q, "h", query.asOf)}${visible === undefined ? "" : ` AND ${visible}`} ORDER BY h.held_block, h.app, h.record`,
          q.params,
        );
        return { ...toDocument(row), holds: holds.map(toHold) };
      },
    }),
  ],
});
