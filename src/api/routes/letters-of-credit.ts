import { z } from "zod";
import { membersAccess, party, row, rows, selfParam, type Visible } from "../access.js";
import type { Queryable, Row } from "../../indexer/db.js";
import {
  AMENDMENT_STATUSES,
  LC_STATES,
  OBLIGATION_STATUSES,
  PRESENTATION_STATES,
} from "../../indexer/projections/letters-of-credit.js";
import { CONTRACT_EVENTS } from "../contracts.js";
import { anyOf, chainOrder, eq, filter, key, listRoute, range, type Filter } from "../list.js";
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
  integer,
  memberId,
  NotFoundError,
  source,
  sourceOf,
  Sql,
  uint256,
  unixSeconds,
  upTo,
  versionSource,
} from "../route.js";

const created = (block: unknown, tx: unknown) => sourceOf(block, tx);

const LC_STATE_VALUES = LC_STATES.filter((s) => s !== "None") as [string, ...string[]];
const PRESENTATION_STATE_VALUES = PRESENTATION_STATES.filter((s) => s !== "None") as [string, ...string[]];
const OBLIGATION_STATUS_VALUES = OBLIGATION_STATUSES.filter((s) => s !== "None") as [string, ...string[]];

// ------------------------------------------------------------------------------------------------- schemas

const lcSchema = z.object({
  id: z.string(),
  state: z.enum(LC_STATES),
  applicant: z.number().int(),
  issuingBank: z.number().int(),
  advisingBank: z.number().int(),
  beneficiary: z.number().int(),
  nominatedBank: z.number().int().nullable(),
  accounts: z.object({ advisingBank: z.string(), beneficiary: z.string(), nominatedBank: z.string().nullable() }),
  amount: z.string(),
  currency: z.string(),
  tolerance: z.object({ plus: z.number().int(), minus: z.number().int() }),
  expiry: z.number().int(),
  latestShipment: z.number().int(),
  deferred: z.boolean(),
  tenorDays: z.number().int(),
  partialDrawings: z.boolean(),
  requiredDocuments: z.number().int(),
  termsHash: z.string(),
  drawn: z.string(),
  reserved: z.string(),
  presentationCount: z.number().int(),
  confirmed: z.boolean(),
  cancellationRequested: z.boolean(),
  pendingAmendment: z.string().nullable(),
  created: source,
  source,
});
const documentSchema = z.object({ contentHash: z.string(), uriHash: z.string(), kind: z.number().int() });
const presentationSchema = z.object({
  id: z.string(),
  lcId: z.string(),
  index: z.number().int(),
  state: z.enum(PRESENTATION_STATES),
  amount: z.string(),
  beneficiary: z.number().int(),
  presenter: z.string(),
  presentedKinds: z.number().int(),
  documents: z.array(documentSchema),
  examinedBy: z.number().int().nullable(),
  discrepancies: z.array(z.string()).nullable(),
  refusalNoticeHash: z.string().nullable(),
  examinationDeadline: z
    .number()
    .int()
    .nullable()
    .describe("Last second of the bank's five banking days to honour or refuse (UCP 600 art. 14b), unix seconds"),
  precluded: z.boolean().describe("The bank let the deadline pass: the presentation counts as complying (art. 16f)"),
  precludedBy: z.number().int().nullable().describe("The member that recorded the preclusion"),
  refusalDiscrepancies: z.array(z.string()).nullable().describe("Every discrepancy of the one refusal notice"),
  documentsStatus: z
    .enum(["held", "released", "returned"])
    .nullable()
    .describe("After a refusal notice: held pending waiver, released on waiver, or returned (art. 16c iii)"),
  maturity: z.number().int().nullable(),
  holder: z.string().nullable(),
  holderMember: z.number().int().nullable(),
  claimOperator: z.string().nullable(),
  payee: z.string().nullable(),
  paymentReference: z.string().nullable(),
  reimbursementObligationId: z.string().nullable(),
  presentedAt: z
    .number()
    .int()
    .nullable()
    .describe("When the documents were presented (the contract's presentedAt), unix seconds; starts the clocks"),
  checks: z
    .object({
      codes: z
        .array(z.string())
        .describe(
          "What the chain found (DOCUMENTS_MISSING, LATE_SHIPMENT, LATE_PRESENTATION, …): the bank must list each; " +
            "it may cite any other code (a clean result rests on the presenter's own statements)",
        ),
      missingKinds: z.number().int().describe("Bitmask of the required document kinds not presented"),
      shipmentDate: z
        .number()
        .int()
        .nullable()
        .describe("Shipment date the beneficiary stated (null: not stated; the shipment codes are the bank's)"),
      lastPresentationDay: z
        .number()
        .int()
        .nullable()
        .describe("Last day for presentation (art. 14c, 29a), a day number on the consortium calendar"),
    })
    .nullable()
    .describe("The automatic checks at presentation (LcPresentationChecks); null before they existed"),
  backingSubjectKey: z
    .string()
    .nullable()
    .describe("The keyed identifier whose authority attestations back the presentation (issue 22; null: none)"),
  presented: source,
  source,
});
const amendmentSchema = z.object({
  hash: z.string(),
  status: z.enum(AMENDMENT_STATUSES),
  amount: z.string(),
  expiry: z.number().int(),
  latestShipment: z.number().int(),
  termsHash: z.string(),
  proposedBy: z.number().int(),
  answeredBy: z.number().int().nullable(),
  proposed: source,
  source,
});
const timelineSchema = z.object({
  event: z.string(),
  lcId: z.string(),
  presentationId: z.string().nullable(),
  memberId: z.number().int().nullable(),
  account: z.string().nullable(),
  amount: z.string().nullable(),
  state: z.string().nullable(),
  hashes: z.record(z.string(), z.unknown()),
  details: z.record(z.string(), z.unknown()),
  source,
});
const holderSchema = z.object({
  holder: z.string(),
  holderMember: z.number().int().nullable(),
  from: z.string().nullable(),
  fromMember: z.number().int().nullable(),
  reason: z.enum(["accepted", "transferred"]),
  source,
});
const creditLineSchema = z.object({
  grantor: z.number().int(),
  grantee: z.number().int(),
  limit: z.string(),
  used: z.string(),
  available: z.string(),
  source,
});
const currency = z
  .number()
  .int()
  .describe("ISO 4217 numeric currency governance mapped to a deposit token; 0: the settlement token's");
const currencyParam = integer(0, 65_535).describe("ISO 4217 numeric currency (0: the settlement token's)");
const obligationSchema = z.object({
  id: z.string(),
  currency,
  debtor: z.number().int(),
  creditor: z.number().int(),
  amount: z.string(),
  dueAt: z.number().int(),
  status: z.enum(OBLIGATION_STATUSES),
  recorder: z.string(),
  purpose: z.string(),
  settlementReference: z.string().nullable(),
  nettingRunId: z.string().nullable(),
  recorded: source,
  source,
});
const positionSchema = z.object({ bank: z.number().int(), netPosition: z.string() });
const positionTotalsSchema = z.object({
  currency,
  owes: z.string().describe("Open obligations the bank owes, minor units of the currency's token"),
  owed: z.string().describe("Open obligations owed to the bank"),
  net: z.string().describe("owed - owes: what the bank would receive (negative: pay) if all were netted"),
  obligations: z.number().int().describe("Open obligations in the currency the bank is party to"),
});
const exclusionSchema = z.object({
  bank: z.number().int(),
  netDebit: z.string(),
  available: z.string(),
  shortfall: z.string(),
});
const nettingRunSchema = z.object({
  id: z.string(),
  currency: currency.describe("The one currency the run netted and settled in"),
  initiator: z.number().int(),
  obligationIds: z.array(z.string()),
  totalNetted: z.string(),
  positions: z.array(positionSchema),
  source,
});

// ------------------------------------------------------------------------------------------------- mapping

const toLc = (r: Row) => ({
  id: r.lc_id as string,
  state: r.state as (typeof LC_STATES)[number],
  applicant: r.applicant as number,
  issuingBank: r.issuing_bank as number,
  advisingBank: r.advising_bank as number,
  beneficiary: r.beneficiary as number,
  nominatedBank: (r.nominated_bank as number | null) ?? null,
  accounts: {
    advisingBank: r.advising_bank_account as string,
    beneficiary: r.beneficiary_account as string,
    nominatedBank: (r.nominated_bank_account as string | null) ?? null,
  },
  amount: r.amount as string,
  currency: r.currency as string,
  tolerance: { plus: r.tolerance_plus as number, minus: r.tolerance_minus as number },
  expiry: r.expiry as number,
  latestShipment: r.latest_shipment as number,
  deferred: r.deferred as boolean,
  tenorDays: r.tenor_days as number,
  partialDrawings: r.partial_drawings as boolean,
  requiredDocuments: r.required_documents as number,
  termsHash: r.terms_hash as string,
  drawn: r.drawn as string,
  reserved: r.reserved as string,
  presentationCount: r.presentation_count as number,
  confirmed: r.confirmed as boolean,
  cancellationRequested: r.cancellation_requested as boolean,
  pendingAmendment: (r.pending_amendment as string | null) ?? null,
  created: created(r.created_block, r.created_tx),
  source: versionSource(r),
});

const toPresentation = (r: Row) => ({
  id: r.presentation_id as string,
  lcId: r.lc_id as string,
  index: r.presentation_index as number,
  state: r.state as (typeof PRESENTATION_STATES)[number],
  amount: r.amount as string,
  beneficiary: r.beneficiary as number,
  presenter: r.presenter as string,
  presentedKinds: r.presented_kinds as number,
  documents: r.documents as z.infer<typeof documentSchema>[],
  examinedBy: (r.examined_by as number | null) ?? null,
  discrepancies: (r.discrepancies as string[] | null) ?? null,
  refusalNoticeHash: (r.refusal_notice_hash as string | null) ?? null,
  examinationDeadline: (r.examination_deadline as number | null) ?? null,
  precluded: (r.precluded as boolean | null) ?? false,
  precludedBy: (r.precluded_by as number | null) ?? null,
  refusalDiscrepancies: (r.refusal_discrepancies as string[] | null) ?? null,
  documentsStatus: (r.documents_status as "held" | "released" | "returned" | null) ?? null,
  maturity: (r.maturity as number | null) ?? null,
  holder: (r.holder as string | null) ?? null,
  holderMember: (r.holder_member as number | null) ?? null,
  claimOperator: (r.claim_operator as string | null) ?? null,
  payee: (r.payee as string | null) ?? null,
  paymentReference: (r.payment_reference as string | null) ?? null,
  reimbursementObligationId: (r.reimbursement_obligation_id as string | null) ?? null,
  presentedAt: r.presented_at === null || r.presented_at === undefined ? null : Number(r.presented_at),
  checks:
    r.check_codes === null || r.check_codes === undefined
      ? null
      : {
          codes: r.check_codes as string[],
          missingKinds: Number(r.check_missing_kinds ?? 0),
          shipmentDate: r.shipment_date === null || r.shipment_date === undefined ? null : Number(r.shipment_date),
          lastPresentationDay:
            r.last_presentation_day === null || r.last_presentation_day === undefined
              ? null
              : Number(r.last_presentation_day),
        },
  backingSubjectKey: (r.backing_subject_key as string | null | undefined) ?? null,
  presented: created(r.presented_block, r.presented_tx),
  source: versionSource(r),
});

const toAmendment = (r: Row) => ({
  hash: r.amendment_hash as string,
  status: r.status as (typeof AMENDMENT_STATUSES)[number],
  amount: r.amount as string,
  expiry: r.expiry as number,
  latestShipment: r.latest_shipment as number,
  termsHash: r.terms_hash as string,
  proposedBy: r.proposed_by as number,
  answeredBy: (r.answered_by as number | null) ?? null,
  proposed: created(r.proposed_block, r.proposed_tx),
  source: versionSource(r),
});

const toTimeline = (r: Row) => ({
  event: r.event as string,
  lcId: r.lc_id as string,
  presentationId: (r.presentation_id as string | null) ?? null,
  memberId: (r.member_id as number | null) ?? null,
  account: (r.account as string | null) ?? null,
  amount: (r.amount as string | null) ?? null,
  state: (r.state as string | null) ?? null,
  hashes: r.hashes as Record<string, unknown>,
  details: r.details as Record<string, unknown>,
  source: appendSource(r),
});

const toHolder = (r: Row) => ({
  holder: r.holder as string,
  holderMember: (r.holder_member as number | null) ?? null,
  from: (r.from_address as string | null) ?? null,
  fromMember: (r.from_member as number | null) ?? null,
  reason: r.reason as "accepted" | "transferred",
  source: appendSource(r),
});

const toLine = (r: Row) => ({
  grantor: r.grantor as number,
  grantee: r.grantee as number,
  limit: r.credit_limit as string,
  used: r.used as string,
  available: (BigInt(r.credit_limit as string) > BigInt(r.used as string)
    ? BigInt(r.credit_limit as string) - BigInt(r.used as string)
    : 0n
  ).toString(),
  source: versionSource(r),
});

const toObligation = (r: Row) => ({
  id: r.obligation_id as string,
  currency: Number(r.currency ?? 0),
  debtor: r.debtor as number,
  creditor: r.creditor as number,
  amount: r.amount as string,
  dueAt: r.due_at as number,
  status: r.status as (typeof OBLIGATION_STATUSES)[number],
  recorder: r.recorder as string,
  purpose: r.purpose as string,
  settlementReference: (r.settlement_reference as string | null) ?? null,
  nettingRunId: (r.netting_run_id as string | null) ?? null,
  recorded: created(r.recorded_block, r.recorded_tx),
  source: versionSource(r),
});

const toRun = (r: Row) => ({
  id: r.run_id as string,
  currency: Number(r.currency ?? 0),
  initiator: r.initiator as number,
  obligationIds: r.obligation_ids as string[],
  totalNetted: r.total_netted as string,
  positions: (r.banks as number[]).map((bank, i) => ({ bank, netPosition: (r.net_positions as string[])[i] })),
  source: appendSource(r),
});

async function timelineOf(db: Queryable, column: "lc_id" | "presentation_id", id: string, asOf: number | undefined) {
  const q = new Sql();
  const rows = await db.query(
    `SELECT * FROM lc_timeline t WHERE t.${column} = ${q.p(id, "numeric")} AND ${upTo(q, "t.block_number", asOf)}
     ORDER BY t.block_number, t.log_index, t.seq`,
    q.params,
  );
  return rows.map(toTimeline);
}

/** A bank's open obligations per currency (ascending): owes, owed, net and how many. */
async function openTotals(
  db: Queryable,
  bank: number,
  asOf: number | undefined,
): Promise<z.output<typeof positionTotalsSchema>[]> {
  const q = new Sql();
  const b = q.p(bank, "bigint");
  const totals = await db.query(
    `SELECT o.currency,
            COALESCE(SUM(CASE WHEN o.debtor = ${b} THEN o.amount END), 0)::text AS owes,
            COALESCE(SUM(CASE WHEN o.creditor = ${b} THEN o.amount END), 0)::text AS owed,
            COUNT(*)::int AS obligations
     FROM ib_obligations o WHERE o.status = 'Open' AND (o.debtor = ${b} OR o.creditor = ${b})
       AND ${asOfFilter(q, "o", asOf)}
     GROUP BY o.currency ORDER BY o.currency`,
    q.params,
  );
  return totals.map((t) => ({
    currency: Number(t.currency),
    owes: t.owes as string,
    owed: t.owed as string,
    net: (BigInt(t.owed as string) - BigInt(t.owes as string)).toString(),
    obligations: Number(t.obligations),
  }));
}

async function nettingRun(db: Queryable, runId: string): Promise<Row | undefined> {
  const [row] = await db.query(`SELECT * FROM ib_netting_runs WHERE run_id = $1::numeric`, [runId]);
  return row;
}

// ------------------------------------------------------------------------------------------------- who sees what

/** An LC's parties: applicant, issuing, advising and nominated banks, beneficiary. */
const LC_PARTIES = party("l.applicant", "l.issuing_bank", "l.advising_bank", "l.beneficiary", "l.nominated_bank");
/** A presentation: the parties of its LC, and the member holding its accepted claim. */
const PRESENTATION_PARTIES =
  (alias: string): Visible =>
  (q, member) =>
    `(${party(`${alias}.holder_member`)(q, member)} OR EXISTS (SELECT 1 FROM lc_letters l WHERE l.lc_id = ${alias}.lc_id AND ${LC_PARTIES(q, member)}))`;
/** A netting run: the banks with a position in it, and its initiator. */
const RUN_PARTIES =
  (alias: string): Visible =>
  (q, member) =>
    `(${party(`${alias}.initiator`)(q, member)} OR EXISTS (SELECT 1 FROM ib_netting_positions np WHERE np.run_id = ${alias}.run_id AND ${party("np.bank")(q, member)}))`;

// ------------------------------------------------------------------------------------------------- routes

const PARTY_COLUMNS = {
  applicant: "l.applicant",
  issuingBank: "l.issuing_bank",
  advisingBank: "l.advising_bank",
  beneficiary: "l.beneficiary",
  nominatedBank: "l.nominated_bank",
} as const;
const partyFilters = Object.fromEntries(
  Object.entries(PARTY_COLUMNS).map(([param, column]) => [param, eq(column, memberId, "bigint")]),
) as Record<keyof typeof PARTY_COLUMNS, Filter<typeof memberId>>;

const maturity = range("p.maturity", unixSeconds, "bigint");
const LC_EVENT = z.enum(
  ["LetterOfCredit", "InterbankPositions", "LcPresentationChecks"].flatMap((c) => CONTRACT_EVENTS.get(c) ?? []) as [
    string,
    ...string[],
  ],
  { error: "not an event of the LC contracts" },
);

export default defineRoutes({
  name: "letters-of-credit",
  routes: [
    listRoute({
      path: "/letters-of-credit",
      access: rows(LC_PARTIES),
      summary: "Letters of credit, filtered by party and state",
      tags: ["letters-of-credit"],
      from: "lc_letters l",
      asOf: "versioned",
      filters: {
        party: anyOf(Object.values(PARTY_COLUMNS), memberId.describe("LCs where this member is any party"), "bigint"),
        ...partyFilters,
        state: eq("l.state", z.enum(LC_STATE_VALUES)),
        deferred: eq("l.deferred", booleanParam.describe("Deferred payment (true) or sight (false)"), "boolean"),
      },
      sorts: {
        id: [key("l.lc_id", "numeric")],
        amount: [key("l.amount", "numeric"), key("l.lc_id", "numeric")],
        expiry: [key("l.expiry", "bigint"), key("l.lc_id", "numeric")],
      },
      order: "asc",
      item: lcSchema,
      toItem: toLc,
    }),
    defineRoute({
      path: "/letters-of-credit/:id",
      access: row("lc_letters l", { lc_id: ["id", "numeric"] }, LC_PARTIES),
      summary: "One LC with its presentations, amendments and timeline",
      tags: ["letters-of-credit"],
      params: z.object({ id: uint256 }),
      query: z.object({ ...asOfQuery }),
      response: lcSchema.extend({
        presentations: z.array(presentationSchema),
        amendments: z.array(amendmentSchema),
        timeline: z.array(timelineSchema),
      }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const row = await findOne(
          ctx.db,
          { from: "lc_letters l", key: { lc_id: [params.id, "numeric"] }, asOf: query.asOf },
          `letter of credit ${params.id} not found`,
        );
        const qp = new Sql();
        const presentations = await ctx.db.query(
          `SELECT * FROM lc_presentations p WHERE p.lc_id = ${qp.p(params.id, "numeric")} AND ${asOfFilter(qp, "p", query.asOf)} ORDER BY p.presentation_id`,
          qp.params,
        );
        const qa = new Sql();
        const amendments = await ctx.db.query(
          `SELECT * FROM lc_amendments a WHERE a.lc_id = ${qa.p(params.id, "numeric")} AND ${asOfFilter(qa, "a", query.asOf)} ORDER BY a.proposed_block, a.amendment_hash`,
          qa.params,
        );
        return {
          ...toLc(row),
          presentations: presentations.map(toPresentation),
          amendments: amendments.map(toAmendment),
          timeline: await timelineOf(ctx.db, "lc_id", params.id, query.asOf),
        };
      },
    }),
    listRoute({
      path: "/letters-of-credit/:id/timeline",
      access: row("lc_letters l", { lc_id: ["id", "numeric"] }, LC_PARTIES),
      summary: "Every event of an LC in chain order, with the acting member and the hashes it carried",
      tags: ["letters-of-credit"],
      params: { id: uint256 },
      from: "lc_timeline t",
      scope: ({ params }, q) => [`t.lc_id = ${q.p(params.id, "numeric")}`],
      parent: ({ params }, ctx) =>
        findOne(
          ctx.db,
          { from: "lc_letters l", key: { lc_id: [params.id, "numeric"] } },
          `letter of credit ${params.id} not found`,
        ),
      filters: {
        event: eq("t.event", LC_EVENT.describe("Only this event name")),
        member: eq("t.member_id", memberId.describe("Only events this member took"), "bigint"),
      },
      sorts: { chain: chainOrder("t") },
      order: "asc",
      item: timelineSchema,
      toItem: toTimeline,
    }),
    listRoute({
      path: "/lc-presentations",
      access: rows(PRESENTATION_PARTIES("p")),
      summary: "Presentations and accepted claims, filtered by LC, state, holder and maturity",
      tags: ["letters-of-credit"],
      from: "lc_presentations p",
      select: "p.*, COALESCE(p.maturity, 0) AS maturity_key, COALESCE(p.examination_deadline, 0) AS deadline_key",
      asOf: "versioned",
      filters: {
        lcId: eq("p.lc_id", uint256, "numeric"),
        state: eq("p.state", z.enum(PRESENTATION_STATE_VALUES)),
        holder: eq("p.holder", address.describe("Claims held by this account")),
        holderMember: eq("p.holder_member", memberId.describe("Claims held by this member"), "bigint"),
        maturityFrom: { ...maturity.from, schema: unixSeconds.describe("Maturity at or after (unix seconds)") },
        maturityTo: { ...maturity.to, schema: unixSeconds.describe("Maturity at or before (unix seconds)") },
      },
      sorts: {
        id: [key("p.presentation_id", "numeric")],
        maturity: [key("COALESCE(p.maturity, 0)", "bigint", "maturity_key"), key("p.presentation_id", "numeric")],
        amount: [key("p.amount", "numeric"), key("p.presentation_id", "numeric")],
        // work queue: the nearest examination deadline first
        deadline: [
          key("COALESCE(p.examination_deadline, 0)", "bigint", "deadline_key"),
          key("p.presentation_id", "numeric"),
        ],
      },
      order: "asc",
      item: presentationSchema,
      toItem: toPresentation,
    }),
    defineRoute({
      path: "/lc-presentations/:id",
      access: row("lc_presentations p", { presentation_id: ["id", "numeric"] }, PRESENTATION_PARTIES("p")),
      summary: "A presentation (or accepted claim) with its holder history and timeline",
      tags: ["letters-of-credit"],
      params: z.object({ id: uint256 }),
      query: z.object({ ...asOfQuery }),
      response: presentationSchema.extend({ holders: z.array(holderSchema), timeline: z.array(timelineSchema) }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const row = await findOne(
          ctx.db,
          { from: "lc_presentations p", key: { presentation_id: [params.id, "numeric"] }, asOf: query.asOf },
          `presentation ${params.id} not found`,
        );
        const qh = new Sql();
        const holders = await ctx.db.query(
          `SELECT * FROM lc_claim_holders h WHERE h.claim_id = ${qh.p(params.id, "numeric")} AND ${upTo(qh, "h.block_number", query.asOf)}
           ORDER BY h.block_number, h.log_index, h.seq`,
          qh.params,
        );
        return {
          ...toPresentation(row),
          holders: holders.map(toHolder),
          timeline: await timelineOf(ctx.db, "presentation_id", params.id, query.asOf),
        };
      },
    }),
    defineRoute({
      path: "/banks/:id/credit-lines",
      access: selfParam("id"),
      summary: "Credit lines a bank granted and received (limit, used, available)",
      tags: ["interbank"],
      params: z.object({ id: memberId }),
      query: z.object({ ...asOfQuery }),
      response: z.object({
        bank: z.number().int(),
        settlementAccount: z.string().nullable(),
        granted: z.array(creditLineSchema),
        received: z.array(creditLineSchema),
      }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const bank = q.p(params.id, "bigint");
        const lines = await ctx.db.query(
          `SELECT * FROM ib_credit_lines c WHERE (c.grantor = ${bank} OR c.grantee = ${bank}) AND ${asOfFilter(q, "c", query.asOf)}
           ORDER BY c.grantor, c.grantee`,
          q.params,
        );
        const qs = new Sql();
        const [account] = await ctx.db.query(
          `SELECT account FROM ib_settlement_accounts s WHERE s.bank = ${qs.p(params.id, "bigint")} AND ${asOfFilter(qs, "s", query.asOf)}`,
          qs.params,
        );
        if (lines.length === 0 && account === undefined) {
          throw new NotFoundError(`bank ${params.id} has no credit lines or settlement account`);
        }
        return {
          bank: params.id,
          settlementAccount: (account?.account as string | undefined) ?? null,
          granted: lines.filter((l) => l.grantor === params.id).map(toLine),
          received: lines.filter((l) => l.grantee === params.id).map(toLine),
        };
      },
    }),
    listRoute({
      path: "/banks/:id/obligations",
      access: selfParam("id"),
      summary: "A bank's interbank obligations (as debtor, creditor or either), by status",
      tags: ["interbank"],
      params: { id: memberId },
      from: "ib_obligations o",
      asOf: "versioned",
      scope({ params, query }, q) {
        const bank = q.p(params.id, "bigint");
        return [
          query.role === "debtor"
            ? `o.debtor = ${bank}`
            : query.role === "creditor"
              ? `o.creditor = ${bank}`
              : `(o.debtor = ${bank} OR o.creditor = ${bank})`,
        ];
      },
      filters: {
        status: eq("o.status", z.enum(OBLIGATION_STATUS_VALUES)),
        counterparty: anyOf(["o.debtor", "o.creditor"], memberId, "bigint"),
        currency: eq("o.currency", currencyParam, "integer"),
      },
      query: { role: z.enum(["debtor", "creditor", "any"]).default("any") },
      sorts: {
        id: [key("o.obligation_id", "numeric")],
        dueAt: [key("o.due_at", "bigint"), key("o.obligation_id", "numeric")],
        amount: [key("o.amount", "numeric"), key("o.obligation_id", "numeric")],
      },
      order: "asc",
      item: obligationSchema,
      toItem: toObligation,
      extra: {
        response: {
          totals: z
            .object({ owes: z.string(), owed: z.string() })
            .describe(
              "Open obligations in the `currency` asked (else the settlement token's, 0): what the bank owes and is owed",
            ),
          totalsByCurrency: z
            .array(positionTotalsSchema)
            .describe("Open obligations per currency (amounts of two currencies are never added)"),
        },
        async compute({ params, query }, ctx) {
          const byCurrency = await openTotals(ctx.db, params.id, query.asOf);
          const asked = (query as { currency?: number }).currency ?? 0;
          const totals = byCurrency.find((t) => t.currency === asked) ?? { owes: "0", owed: "0" };
          return { totals: { owes: totals.owes, owed: totals.owed }, totalsByCurrency: byCurrency };
        },
      },
    }),
    defineRoute({
      path: "/banks/:id/positions",
      access: selfParam("id"),
      summary: "A bank's open interbank position per currency: what it owes, is owed and the net, one row a currency",
      description:
        "Each currency nets apart (a netting run settles one currency's deposit token), so amounts of two currencies " +
        "are never added. With `currency`, that currency's row only (zeros when the bank has none open in it).",
      tags: ["interbank"],
      params: z.object({ id: memberId }),
      query: z.object({ ...asOfQuery, currency: currencyParam.optional() }),
      response: z.object({ bank: z.number().int(), positions: z.array(positionTotalsSchema) }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const all = await openTotals(ctx.db, params.id, query.asOf);
        if (query.currency === undefined) return { bank: params.id, positions: all };
        const one = all.find((t) => t.currency === query.currency) ?? {
          currency: query.currency,
          owes: "0",
          owed: "0",
          net: "0",
          obligations: 0,
        };
        return { bank: params.id, positions: [one] };
      },
    }),
    defineRoute({
      path: "/interbank/currencies",
      access: membersAccess,
      summary: "Currencies interbank obligations may be recorded in, and the deposit token each settles in",
      description: "Governance maps each currency once; currency 0 is the settlement token's and is not listed.",
      tags: ["interbank"],
      query: z.object({ ...asOfQuery }),
      response: z.object({
        currencies: z.array(z.object({ currency, token: z.string(), source })),
      }),
      async handler({ query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const tokens = await ctx.db.query(
          `SELECT * FROM ib_currency_tokens c WHERE ${asOfFilter(q, "c", query.asOf)} ORDER BY c.currency`,
          q.params,
        );
        return {
          currencies: tokens.map((t) => ({
            currency: Number(t.currency),
            token: t.token as string,
            source: versionSource(t),
          })),
        };
      },
    }),
    defineRoute({
      path: "/banks/:id/netting",
      access: selfParam("id"),
      summary: "A bank's last netting result (in one currency when asked): the run and the bank's net position in it",
      tags: ["interbank"],
      params: z.object({ id: memberId }),
      query: z.object({ ...asOfQuery, currency: currencyParam.optional() }),
      response: nettingRunSchema.extend({ bank: z.number().int(), netPosition: z.string() }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const inCurrency = query.currency === undefined ? "" : `AND n.currency = ${q.p(query.currency, "integer")}`;
        const [last] = await ctx.db.query(
          `SELECT * FROM ib_netting_positions n WHERE n.bank = ${q.p(params.id, "bigint")} ${inCurrency} AND ${upTo(q, "n.block_number", query.asOf)}
           ORDER BY n.block_number DESC, n.log_index DESC LIMIT 1`,
          q.params,
        );
        if (last === undefined) {
          const which = query.currency === undefined ? "" : ` in currency ${query.currency}`;
          throw new NotFoundError(`bank ${params.id} has taken part in no netting run${which}`);
        }
        const run = await nettingRun(ctx.db, last.run_id as string);
        if (run === undefined) throw new NotFoundError(`netting run ${String(last.run_id)} not found`);
        return { ...toRun(run), bank: params.id, netPosition: last.net_position as string };
      },
    }),
    listRoute({
      path: "/netting-runs",
      access: rows(RUN_PARTIES("r")),
      summary: "Netting runs, optionally those a bank took part in",
      tags: ["interbank"],
      from: "ib_netting_runs r",
      filters: {
        bank: filter(
          memberId.describe("Runs this bank took part in"),
          (bank, q) =>
            `EXISTS (SELECT 1 FROM ib_netting_positions n WHERE n.run_id = r.run_id AND n.bank = ${q.p(bank, "bigint")})`,
        ),
        currency: eq("r.currency", currencyParam, "integer"),
      },
      sorts: { id: [key("r.run_id", "numeric")] },
      order: "desc",
      item: nettingRunSchema,
      toItem: toRun,
    }),
    defineRoute({
      path: "/netting-runs/:id",
      access: row("ib_netting_runs r", { run_id: ["id", "numeric"] }, RUN_PARTIES("r")),
      summary:
        "One netting run: its obligations, every settled bank's net position and the banks it excluded for a shortfall",
      tags: ["interbank"],
      params: z.object({ id: uint256 }),
      response: nettingRunSchema.extend({
        obligations: z.array(obligationSchema),
        excluded: z.array(exclusionSchema),
      }),
      async handler({ params }, ctx) {
        const run = await nettingRun(ctx.db, params.id);
        if (run === undefined) throw new NotFoundError(`netting run ${params.id} not found`);
        const obligations = await ctx.db.query(
          `SELECT * FROM ib_obligations o WHERE o.netting_run_id = $1::numeric AND o.valid_to_block IS NULL ORDER BY o.obligation_id`,
          [params.id],
        );
        const excluded = await ctx.db.query(
          `SELECT * FROM ib_netting_exclusions x WHERE x.run_id = $1::numeric ORDER BY x.log_index`,
          [params.id],
        );
        return {
          ...toRun(run),
          obligations: obligations.map(toObligation),
          excluded: excluded.map((x) => ({
            bank: Number(x.bank),
            netDebit: String(x.net_debit),
            available: String(x.available),
            shortfall: String(x.shortfall),
          })),
        };
      },
    }),
    defineRoute({
      path: "/obligations/:id",
      access: row("ib_obligations o", { obligation_id: ["id", "numeric"] }, party("o.debtor", "o.creditor")),
      summary: "One interbank obligation",
      tags: ["interbank"],
      params: z.object({ id: uint256 }),
      query: z.object({ ...asOfQuery }),
      response: obligationSchema,
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const row = await findOne(
          ctx.db,
          { from: "ib_obligations o", key: { obligation_id: [params.id, "numeric"] }, asOf: query.asOf },
          `obligation ${params.id} not found`,
        );
        return toObligation(row);
      },
    }),
  ],
});
