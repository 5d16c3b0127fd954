import { z } from "zod";
import { accountOf, either, party, row, rows, type Visible } from "../access.js";
import type { Queryable, Row } from "../../indexer/db.js";
import {
  CERTIFICATE_STATUSES,
  OFFER_KINDS,
  OFFER_STATUSES,
  PLEDGE_STATUSES,
  RECEIVABLE_STATUSES,
} from "../../indexer/projections/receivables.js";
import { atLeast, eq, filter, key, listRoute } from "../list.js";
import {
  address,
  appendSource,
  asOfFilter,
  asOfQuery,
  booleanParam,
  checkAsOf,
  defineRoute,
  defineRoutes,
  findOne,
  memberId,
  NotFoundError,
  source,
  sourceOf,
  Sql,
  uint256,
  upTo,
  versionSource,
} from "../route.js";

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** Append rows up to `asOf` (inclusive) when given. */
const upToBlock = (q: Sql, alias: string, asOf: number | undefined): string => upTo(q, `${alias}.block_number`, asOf);

// ------------------------------------------------------------------------------------------------- schemas

const documentSchema = z.object({ contentHash: z.string(), uriHash: z.string(), kind: z.number().int() });
const receivableSchema = z.object({
  id: z.string(),
  creditor: z.number().int(),
  creditorAccount: z.string(),
  obligor: z.number().int(),
  guarantor: z.number().int().nullable(),
  guarantorAccount: z.string().nullable(),
  status: z.enum(RECEIVABLE_STATUSES),
  faceValue: z.string(),
  redeemed: z.string(),
  outstanding: z.string().describe("Face value not yet redeemed"),
  escrowed: z.string(),
  fundedBy: z.number().int().nullable(),
  currency: z.string(),
  maturity: z.number().int().describe("Unix seconds"),
  invoiceKey: z.string(),
  documents: z.object({ contract: documentSchema, invoice: documentSchema, delivery: documentSchema }),
  documentsHash: z.string(),
  rootTokenId: z.string().nullable(),
  direct: z.boolean().nullable().describe("Issued directly by the obligor (true) or registered and confirmed"),
  rejectReasonHash: z.string().nullable(),
  registered: source,
  source,
});
const certificateSchema = z.object({
  tokenId: z.string(),
  receivableId: z.string(),
  parentId: z.string().nullable(),
  rootId: z.string(),
  tier: z.number().int(),
  holder: z.string().describe("Current holder; for a redeemed certificate, the holder it was redeemed for"),
  holderMember: z.number().int().nullable(),
  value: z.string(),
  locked: z.string(),
  redeemedValue: z.string().nullable(),
  status: z.enum(CERTIFICATE_STATUSES),
  created: source,
  source,
});
type Certificate = z.infer<typeof certificateSchema>;
type CertificateNode = Certificate & { children: CertificateNode[] };
const certificateNode: z.ZodType<CertificateNode> = certificateSchema.extend({
  get children() {
    return z.array(certificateNode);
  },
});
/** A row of `receivable_offers` is an offer (transfer, discount) or a pledge: either kind's statuses. */
const ROW_STATUSES = [...new Set([...OFFER_STATUSES, ...PLEDGE_STATUSES])] as [string, ...string[]];
const offerSchema = z.object({
  kind: z.enum(OFFER_KINDS),
  id: z.string(),
  tokenId: z.string(),
  holder: z.string(),
  counterpartyAccount: z.string().nullable(),
  counterpartyMember: z.number().int().nullable(),
  value: z.string(),
  price: z.string().nullable(),
  deadline: z.number().int().describe("Offer deadline, or a pledge's due date (unix seconds)"),
  status: z.string(),
  newTokenId: z.string().nullable(),
  paymentReference: z.string().nullable(),
  reasonHash: z.string().nullable(),
  source,
});
const financingSchema = z.object({
  action: z.string(),
  kind: z.enum(OFFER_KINDS),
  offerId: z.string(),
  tokenId: z.string(),
  newTokenId: z.string().nullable(),
  account: z.string().nullable(),
  memberId: z.number().int().nullable(),
  value: z.string(),
  price: z.string().nullable(),
  paymentReference: z.string().nullable(),
  reasonHash: z.string().nullable(),
  source,
});
const redemptionSchema = z.object({
  tokenId: z.string(),
  holder: z.string(),
  holderMember: z.number().int(),
  value: z.string(),
  paidFrom: z.enum(["escrow", "offchain"]),
  paymentReference: z.string().nullable(),
  source,
});
const partPaymentsSchema = z.object({
  payments: z.number().int().describe("Part payments the obligor made at maturity (MaturityArrangements)"),
  paidIn: z.string().describe("Paid in part by the obligor"),
  claimed: z.string().describe("Shares paid to holders (their certificates paid down by as much; in `redeemed`)"),
  pending: z.string().describe("Paid in, not yet claimed by holders (held for them) nor given back"),
  refunded: z.string().describe("Given back to the obligor once funded or settled"),
  paid: z.string().describe("What the obligor's side paid: redeemed (paid down included) plus pending shares"),
  unpaid: z
    .string()
    .describe("What the obligor still owes: outstanding less pending shares (0 once funded or settled)"),
  overdue: z.string().describe("The unpaid rest while the receivable is Overdue or GuaranteeCalled, else 0"),
});
const timelineSchema = z.object({
  action: z.string(),
  memberId: z.number().int().nullable(),
  account: z.string().nullable(),
  tokenId: z.string().nullable(),
  amount: z.string().nullable(),
  hash: z.string().nullable(),
  source,
});

// ------------------------------------------------------------------------------------------------- mapping

const toReceivable = (r: Row) => {
  const docs = (key: string) => r[key] as z.infer<typeof documentSchema>;
  return {
    id: r.receivable_id as string,
    creditor: r.creditor as number,
    creditorAccount: r.creditor_account as string,
    obligor: r.obligor as number,
    guarantor: (r.guarantor as number | null) ?? null,
    guarantorAccount: (r.guarantor_account as string | null) ?? null,
    status: r.status as (typeof RECEIVABLE_STATUSES)[number],
    faceValue: r.face_value as string,
    redeemed: r.redeemed as string,
    outstanding: (BigInt(r.face_value as string) - BigInt(r.redeemed as string)).toString(),
    escrowed: r.escrowed as string,
    fundedBy: (r.funded_by as number | null) ?? null,
    currency: r.currency as string,
    maturity: r.maturity as number,
    invoiceKey: r.invoice_key as string,
    documents: { contract: docs("contract_doc"), invoice: docs("invoice_doc"), delivery: docs("delivery_doc") },
    documentsHash: r.documents_hash as string,
    rootTokenId: str(r.root_token_id),
    direct: (r.direct as boolean | null) ?? null,
    rejectReasonHash: str(r.reject_reason_hash),
    registered: sourceOf(r.registered_block, r.registered_tx),
    source: versionSource(r),
  };
};

const UNPAID_STATUSES = new Set(["Active", "Overdue", "GuaranteeCalled"]);

/** Part payments of a receivable and what is paid, unpaid and overdue of it (the unpaid rest, issue 20). */
const toPartPayments = (r: ReturnType<typeof toReceivable>, p: Row | undefined) => {
  const big = (v: unknown) => BigInt(String(v ?? 0));
  const paidIn = big(p?.paid_in);
  const claimed = big(p?.claimed);
  const refunded = big(p?.refunded);
  const pending = paidIn - claimed - refunded;
  const unpaidStatus = UNPAID_STATUSES.has(r.status);
  const unpaid = unpaidStatus
    ? BigInt(r.outstanding) - pending
    : r.status === "Registered"
      ? BigInt(r.outstanding)
      : 0n;
  const overdue = r.status === "Overdue" || r.status === "GuaranteeCalled" ? unpaid : 0n;
  return {
    payments: Number(p?.payments ?? 0),
    paidIn: paidIn.toString(),
    claimed: claimed.toString(),
    pending: pending.toString(),
    refunded: refunded.toString(),
    paid: (BigInt(r.redeemed) + pending).toString(),
    unpaid: unpaid.toString(),
    overdue: overdue.toString(),
  };
};

const toCertificate = (r: Row): Certificate => ({
  tokenId: r.token_id as string,
  receivableId: r.receivable_id as string,
  parentId: str(r.parent_id),
  rootId: r.root_id as string,
  tier: r.tier as number,
  holder: r.holder as string,
  holderMember: (r.holder_member as number | null) ?? null,
  value: r.value as string,
  locked: r.locked as string,
  redeemedValue: str(r.redeemed_value),
  status: r.status as (typeof CERTIFICATE_STATUSES)[number],
  created: sourceOf(r.created_block, r.created_tx),
  source: versionSource(r),
});

const toOffer = (r: Row) => ({
  kind: r.kind as (typeof OFFER_KINDS)[number],
  id: r.offer_id as string,
  tokenId: r.token_id as string,
  holder: r.holder as string,
  counterpartyAccount: str(r.counterparty_account),
  counterpartyMember: (r.counterparty_member as number | null) ?? null,
  value: r.value as string,
  price: str(r.price),
  deadline: r.deadline as number,
  status: r.status as string,
  newTokenId: str(r.new_token_id),
  paymentReference: str(r.payment_reference),
  reasonHash: str(r.reason_hash),
  source: versionSource(r),
});

const toFinancing = (r: Row) => ({
  action: r.action as string,
  kind: r.kind as (typeof OFFER_KINDS)[number],
  offerId: r.offer_id as string,
  tokenId: r.token_id as string,
  newTokenId: str(r.new_token_id),
  account: str(r.account),
  memberId: (r.member_id as number | null) ?? null,
  value: r.value as string,
  price: str(r.price),
  paymentReference: str(r.payment_reference),
  reasonHash: str(r.reason_hash),
  source: appendSource(r),
});

const toRedemption = (r: Row) => ({
  tokenId: r.token_id as string,
  holder: r.holder as string,
  holderMember: r.holder_member as number,
  value: r.value as string,
  paidFrom: r.payment_reference === null ? ("escrow" as const) : ("offchain" as const),
  paymentReference: str(r.payment_reference),
  source: appendSource(r),
});

const toTimeline = (r: Row) => ({
  action: r.action as string,
  memberId: (r.member_id as number | null) ?? null,
  account: str(r.account),
  tokenId: str(r.token_id),
  amount: str(r.amount),
  hash: str(r.hash),
  source: appendSource(r),
});

/**
 * Columns of a certificate as one JSON array per row (`json_build_array` costs a third of `json_build_object` in
 * PGlite); amounts and ids as text, to keep uint256 precision through JSON.parse. `fromTuple` reads them back.
 */
const CERTIFICATE_TUPLE = `json_build_array(c.token_id::text, c.parent_id::text, c.root_id::text, c.tier, c.holder,
  c.holder_member, c.value::text, c.locked::text, c.redeemed_value::text, c.status, c.created_block, c.created_tx,
  c.valid_from_block, c.tx_hash, c.log_index)`;

type CertificateTuple = [
  string,
  string | null,
  string,
  number,
  string,
  number | null,
  string,
  string,
  string | null,
  Certificate["status"],
  number,
  string,
  number,
  string,
  number,
];

const fromTuple = (receivableId: string, t: CertificateTuple): Certificate => ({
  tokenId: t[0],
  receivableId,
  parentId: t[1],
  rootId: t[2],
  tier: t[3],
  holder: t[4],
  holderMember: t[5],
  value: t[6],
  locked: t[7],
  redeemedValue: t[8],
  status: t[9],
  created: sourceOf(t[10], t[11]),
  source: sourceOf(t[12], t[13], t[14]),
});

/** Nests a flat list (parents before children, as token ids grow down the tree) under its roots. */
export function nest(certificates: readonly Certificate[]): CertificateNode[] {
  const byId = new Map<string, CertificateNode>();
  const roots: CertificateNode[] = [];
  for (const c of certificates) byId.set(c.tokenId, { ...c, children: [] });
  for (const node of byId.values()) {
    const parent = node.parentId === null ? undefined : byId.get(node.parentId);
    if (parent === undefined) roots.push(node);
    else parent.children.push(node);
  }
  return roots;
}

const receivableRow = (db: Queryable, id: string, asOf: number | undefined): Promise<Row> =>
  findOne(db, { from: "receivables r", key: { receivable_id: [id, "numeric"] }, asOf }, `receivable ${id} not found`);

/**
 * A receivable: its creditor, obligor, guarantor and funder, the members holding one of its certificates now, and the
 * members that sold value of it with recourse (they may still answer for it). A member that held a certificate and
 * sold it on without recourse, or was paid out, no longer reads it.
 */
export const RECEIVABLE_PARTIES =
  (alias: string): Visible =>
  (q, member) =>
    `(${party(`${alias}.creditor`, `${alias}.obligor`, `${alias}.guarantor`, `${alias}.funded_by`)(q, member)} OR EXISTS (SELECT 1 FROM receivable_certificates rc WHERE rc.receivable_id = ${alias}.receivable_id AND rc.valid_to_block IS NULL AND ${party("rc.holder_member")(q, member)}) OR EXISTS (SELECT 1 FROM recourse_sales rs WHERE rs.receivable_id = ${alias}.receivable_id AND rs.with_recourse AND ${party("rs.seller_member")(q, member)}) OR EXISTS (SELECT 1 FROM receivable_offers ro WHERE ro.receivable_id = ${alias}.receivable_id AND ${party("ro.counterparty_member")(q, member)}))`;
/** A certificate: its holder (in the version read), and the parties of its receivable. */
const CERTIFICATE_PARTIES =
  (alias: string): Visible =>
  (q, member) =>
    `(${party(`${alias}.holder_member`)(q, member)} OR EXISTS (SELECT 1 FROM receivables rr WHERE rr.receivable_id = ${alias}.receivable_id AND ${party("rr.creditor", "rr.obligor", "rr.guarantor", "rr.funded_by")(q, member)}))`;
/**
 * One certificate by id: the row check matches any version of it, so the holder must hold it now (a former holder
 * does not keep reading it), or be a party of its receivable.
 */
const CURRENT_CERTIFICATE_PARTIES =
  (alias: string): Visible =>
  (q, member) =>
    `((${alias}.valid_to_block IS NULL AND ${party(`${alias}.holder_member`)(q, member)}) OR EXISTS (SELECT 1 FROM receivables rr WHERE rr.receivable_id = ${alias}.receivable_id AND ${party("rr.creditor", "rr.obligor", "rr.guarantor", "rr.funded_by")(q, member)}))`;

/** An offer: the member it is made to, and the holder (account) that made it. */
const OFFER_PARTIES = (alias: string): Visible =>
  either(party(`${alias}.counterparty_member`), accountOf(`${alias}.holder`));

export default defineRoutes({
  name: "receivables",
  routes: [
    listRoute({
      path: "/receivables",
      access: rows(RECEIVABLE_PARTIES("r")),
      summary: "Receivables, filtered by creditor, obligor, guarantor and status",
      tags: ["receivables"],
      from: "receivables r",
      asOf: "versioned",
      filters: {
        creditor: eq("r.creditor", memberId, "bigint"),
        obligor: eq("r.obligor", memberId, "bigint"),
        guarantor: eq("r.guarantor", memberId, "bigint"),
        status: eq("r.status", z.enum(RECEIVABLE_STATUSES)),
      },
      sorts: { id: [key("r.receivable_id", "numeric")] },
      order: "asc",
      item: receivableSchema,
      toItem: toReceivable,
    }),
    defineRoute({
      path: "/receivables/:id",
      access: row("receivables r", { receivable_id: ["id", "numeric"] }, RECEIVABLE_PARTIES("r")),
      summary: "A receivable with its offers, pledges, financing history, redemptions and timeline",
      tags: ["receivables"],
      params: z.object({ id: uint256 }),
      query: z.object({ ...asOfQuery }),
      response: receivableSchema.extend({
        partPayments: partPaymentsSchema,
        offers: z.array(offerSchema),
        financing: z.array(financingSchema),
        redemptions: z.array(redemptionSchema),
        timeline: z.array(timelineSchema),
      }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const row = await receivableRow(ctx.db, params.id, query.asOf);
        const qo = new Sql();
        const offers = await ctx.db.query(
          `SELECT * FROM receivable_offers o WHERE o.receivable_id = ${qo.p(params.id, "numeric")} AND ${asOfFilter(qo, "o", query.asOf)} ORDER BY o.created_block, o.kind, o.offer_id`,
          qo.params,
        );
        const log = async (table: string) => {
          const q = new Sql();
          return ctx.db.query(
            `SELECT * FROM ${table} t WHERE t.receivable_id = ${q.p(params.id, "numeric")} AND ${upToBlock(q, "t", query.asOf)} ORDER BY t.block_number, t.log_index, t.seq`,
            q.params,
          );
        };
        const qp = new Sql();
        const [parts] = await ctx.db.query(
          `SELECT * FROM part_payments p WHERE p.receivable_id = ${qp.p(params.id, "numeric")} AND ${asOfFilter(qp, "p", query.asOf)}`,
          qp.params,
        );
        const receivable = toReceivable(row);
        return {
          ...receivable,
          partPayments: toPartPayments(receivable, parts),
          offers: offers.map(toOffer),
          financing: (await log("receivable_financing")).map(toFinancing),
          redemptions: (await log("receivable_redemptions")).map(toRedemption),
          timeline: (await log("receivable_timeline")).map(toTimeline),
        };
      },
    }),
    defineRoute({
      path: "/receivables/:id/lineage",
      access: row("receivables r", { receivable_id: ["id", "numeric"] }, RECEIVABLE_PARTIES("r")),
      summary: "Lineage tree of a receivable: every certificate with its parent, tier, holder and value",
      description:
        "`format=flat` lists the certificates by token id (parents before children) with their parent ids; " +
        "`format=nested` returns the root with `children` arrays. Redeemed certificates stay in the tree (status " +
        "Redeemed, value 0, redeemedValue) unless `includeRedeemed=false`.",
      tags: ["receivables"],
      params: z.object({ id: uint256 }),
      query: z.object({
        format: z.enum(["flat", "nested"]).default("flat"),
        includeRedeemed: booleanParam.default(true),
        ...asOfQuery,
      }),
      response: z.object({
        receivableId: z.string(),
        status: z.enum(RECEIVABLE_STATUSES),
        faceValue: z.string(),
        rootTokenId: z.string().nullable(),
        count: z.number().int(),
        certificates: z.array(certificateSchema).optional(),
        tree: z.array(certificateNode).optional().describe("Roots (one per receivable) with nested children"),
      }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        // One statement; the database builds the certificates' JSON: decoding 1,000 rows of a dozen columns costs
        // several times more than parsing one JSON text (the lineage-tree target is p95 < 50 ms for 1,000).
        const q = new Sql();
        const id = q.p(params.id, "numeric");
        const [row] = await ctx.db.query(
          `SELECT r.receivable_id, r.status, r.face_value, r.root_token_id, (
             SELECT json_agg(${CERTIFICATE_TUPLE} ORDER BY c.token_id) FROM receivable_certificates c
             WHERE c.receivable_id = ${id} AND ${asOfFilter(q, "c", query.asOf)}${
               query.includeRedeemed ? "" : ` AND c.status = 'Live'`
             })::text AS certificates
           FROM receivables r WHERE r.receivable_id = ${id} AND ${asOfFilter(q, "r", query.asOf)}`,
          q.params,
        );
        if (row === undefined) throw new NotFoundError(`receivable ${params.id} not found`);
        const receivableId = row.receivable_id as string;
        const tuples = JSON.parse((row.certificates as string | null) ?? "[]") as CertificateTuple[];
        const certificates = tuples.map((t) => fromTuple(receivableId, t));
        const head = {
          receivableId,
          status: row.status as (typeof RECEIVABLE_STATUSES)[number],
          faceValue: row.face_value as string,
          rootTokenId: str(row.root_token_id),
          count: certificates.length,
        };
        return query.format === "nested" ? { ...head, tree: nest(certificates) } : { ...head, certificates };
      },
    }),
    listRoute({
      path: "/receivable-offers",
      access: rows(OFFER_PARTIES("o")),
      summary:
        "Sign-off transfers, discount offers and pledges, by the member they are made to (a bank's offers to answer)",
      description:
        "`bank=<member>` lists what is offered to that member (the counterparty), e.g. `bank=2&kind=discount&status=Pending` " +
        "is a bank's discount offers to answer, nearest deadline first with `sort=deadline`. A row is visible to its " +
        "counterparty and to the holder that made it.",
      tags: ["receivables"],
      from: "receivable_offers o",
      asOf: "versioned",
      filters: {
        bank: eq("o.counterparty_member", memberId.describe("The member the offer is made to"), "bigint"),
        kind: eq("o.kind", z.enum(OFFER_KINDS)),
        status: eq("o.status", z.enum(ROW_STATUSES)),
        receivable: eq("o.receivable_id", uint256, "numeric"),
      },
      sorts: {
        deadline: [key("o.deadline", "bigint"), key("o.kind", "text"), key("o.offer_id", "numeric")],
        id: [key("o.kind", "text"), key("o.offer_id", "numeric")],
      },
      order: "asc",
      item: offerSchema.extend({ receivableId: z.string() }),
      toItem: (r) => ({ ...toOffer(r), receivableId: r.receivable_id as string }),
    }),
    listRoute({
      path: "/receivable-certificates",
      access: rows(CERTIFICATE_PARTIES("c")),
      summary: "Receivable certificates held by an account or a member (or of a receivable)",
      tags: ["receivables"],
      from: "receivable_certificates c",
      asOf: "versioned",
      filters: {
        holder: eq("c.holder", address.describe("Holding account")),
        member: eq("c.holder_member", memberId.describe("Holding member (any of its accounts)"), "bigint"),
        receivable: eq("c.receivable_id", uint256, "numeric"),
        status: filter(z.enum([...CERTIFICATE_STATUSES, "any"]).default("Live"), (status, q) =>
          status === "any" ? undefined : `c.status = ${q.p(status)}`,
        ),
        minValue: atLeast("c.value", uint256, "numeric"),
      },
      sorts: { id: [key("c.token_id", "numeric")], value: [key("c.value", "numeric"), key("c.token_id", "numeric")] },
      order: "asc",
      item: certificateSchema,
      toItem: toCertificate,
    }),
    defineRoute({
      path: "/receivable-certificates/:id",
      access: row("receivable_certificates c", { token_id: ["id", "numeric"] }, CURRENT_CERTIFICATE_PARTIES("c")),
      summary: "A certificate with its lineage to the root, its children, its versions and its financing",
      tags: ["receivables"],
      params: z.object({ id: uint256 }),
      query: z.object({ ...asOfQuery }),
      response: certificateSchema.extend({
        lineage: z.array(certificateSchema).describe("From the root down to this certificate's parent"),
        children: z.array(certificateSchema),
        history: z.array(certificateSchema).describe("Every version of this certificate, oldest first"),
        financing: z.array(financingSchema),
      }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const id = q.p(params.id, "numeric");
        // Ancestors: the parent chain is fixed at creation, so the walk follows current rows' parent ids and reads
        // each ancestor's state as of the requested block (tiers are bounded to 255).
        const chain = await ctx.db.query(
          `WITH RECURSIVE up(token_id, parent_id, depth) AS (
             SELECT token_id, parent_id, 0 FROM receivable_certificates WHERE token_id = ${id} AND valid_to_block IS NULL
             UNION ALL
             SELECT c.token_id, c.parent_id, up.depth + 1 FROM receivable_certificates c
               JOIN up ON c.token_id = up.parent_id AND c.valid_to_block IS NULL
           )
           SELECT c.*, up.depth FROM up JOIN receivable_certificates c ON c.token_id = up.token_id
           WHERE ${asOfFilter(q, "c", query.asOf)} ORDER BY up.depth DESC`,
          q.params,
        );
        const self = chain.at(-1);
        if (self === undefined || self.token_id !== params.id)
          throw new NotFoundError(`certificate ${params.id} not found`);
        const qc = new Sql();
        const children = await ctx.db.query(
          `SELECT * FROM receivable_certificates c WHERE c.parent_id = ${qc.p(params.id, "numeric")} AND ${asOfFilter(qc, "c", query.asOf)} ORDER BY c.token_id`,
          qc.params,
        );
        const qh = new Sql();
        const history = await ctx.db.query(
          `SELECT * FROM receivable_certificates c WHERE c.token_id = ${qh.p(params.id, "numeric")}${
            query.asOf === undefined ? "" : ` AND c.valid_from_block <= ${qh.p(query.asOf, "bigint")}`
          } ORDER BY c.valid_from_block`,
          qh.params,
        );
        const qf = new Sql();
        const token = qf.p(params.id, "numeric");
        const financing = await ctx.db.query(
          `SELECT * FROM receivable_financing f WHERE (f.token_id = ${token} OR f.new_token_id = ${token}) AND ${upToBlock(qf, "f", query.asOf)} ORDER BY f.block_number, f.log_index, f.seq`,
          qf.params,
        );
        return {
          ...toCertificate(self),
          lineage: chain.slice(0, -1).map(toCertificate),
          children: children.map(toCertificate),
          history: history.map(toCertificate),
          financing: financing.map(toFinancing),
        };
      },
    }),
  ],
});
