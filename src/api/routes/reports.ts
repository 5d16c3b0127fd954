/**
 * Regulator reports (issue 20): exposure, overdue, concentration and refused duplicate-financing attempts, computed from the projections of the receivables,
 * letters of credit, guarantees, forfaiting and issuance limits, and served to the regulator and auditors only
 * (`supervisorsAccess`), as JSON or CSV (`Accept: text/csv` or `?format=csv`).
 *
 * Amounts are exact integers in minor units of their currency (decimal strings in JSON, integers in CSV), with the
 * currency and its ISO 4217 minor units (`decimals`) beside them; nothing is converted between currencies.
 *
 * Frozen value: each exposure record carries the part of its amount frozen by freeze orders in force as of the report's
 * block, judged at that block's time (an order past its expiry freezes nothing): certificates (certificate or claim
 * scopes on them) and accepted LC presentations (claim scopes). Deposit tokens frozen on members' accounts are listed
 * apart (`frozenDeposits`): they are not an exposure to a counterparty.
 *
 * To extend (an attested figure): add an `ExposureSource` to EXPOSURE_SOURCES (or an `OverdueSource`), or a route to
 * this file; CSV columns follow from the row type.
 */
import { z } from "zod";
import type { Queryable, Row } from "../../indexer/db.js";
import { supervisorsAccess } from "../access.js";
import type { CsvCell, CsvTable } from "../csv.js";
import {
  asOfFilter,
  asOfQuery,
  checkAsOf,
  csvQuery,
  defineRoute,
  defineRoutes,
  integer,
  Sql,
  unixSeconds,
  upTo,
} from "../route.js";

/** ISO 4217 minor units of the currencies the consortium uses; others are assumed to have 2. */
export const CURRENCY_DECIMALS: Readonly<Record<string, number>> = {
  CNY: 2,
  HKD: 2,
  USD: 2,
  EUR: 2,
  GBP: 2,
  SGD: 2,
  JPY: 0,
  KRW: 0,
};
export const decimalsOf = (currency: string): number => CURRENCY_DECIMALS[currency] ?? 2;

/** Member kinds whose holdings are a bank's exposure. */
const BANK = `'Bank'`;

/** What a bank is exposed to, by instrument. */
export const INSTRUMENTS = [
  "receivable", // receivable certificates a bank holds (financed, discounted or transferred to it), live value
  "receivable_pledged", // certificates pledged to a bank (active pledges), pledged value
  "receivable_guarantee", // receivables a bank guaranteed, confirmed and not settled: face value not yet redeemed
  "lc_undrawn", // letters of credit a bank issued, still open: amount not yet drawn
  "lc_accepted", // deferred-payment presentations the issuing bank accepted and has not paid
  "lc_claim", // accepted presentations (claims on the issuing bank) held by another bank
  "guarantee", // guarantees a bank issued, in force: amount not yet paid
  "forfaiting", // claims (certificates or LC claims) a bank bought in the forfaiting market and still holds
] as const;
export type Instrument = (typeof INSTRUMENTS)[number];

/** One record of exposure: the bank exposed, to whom, on what, how much, due when. */
interface ExposureRecord {
  bank: number;
  counterparty: number;
  instrument: Instrument;
  currency: string;
  amount: bigint;
  /** The part of `amount` frozen by freeze orders in force. */
  frozen: bigint;
  /** Unix seconds the amount falls due (null: none fixed, e.g. an LC's undrawn balance). */
  due: number | null;
}

/**
 * A source of exposure records: SQL over the projections giving columns bank, counterparty, instrument, currency,
 * amount, frozen, due, as of block `asOf` (current when undefined). `claims` is the SQL of the claims bought in the
 * forfaiting market (asset, claim_id, buyer), for sources whose records may have been; `frozen` gives the SQL of the
 * value frozen on a target (see `frozenValue`), for sources whose records a freeze order can hold.
 */
export interface ExposureSource {
  name: string;
  sql(q: Sql, asOf: number | undefined, claims: string, frozen: FrozenValue): string;
}

/** SQL of the value frozen on a target: orders in force on it, capped at `value` (an order of amount 0: all of it). */
type FrozenValue = (target: { where: string; value: string }) => string;

/** Freeze orders in force as of `asOf`, at chain time `at`: active (or release proposed) and before their expiry. */
const ordersInForce = (q: Sql, asOf: number | undefined, at: number) =>
  `(SELECT fo.scope_kind, lower(fo.asset) AS asset, lower(fo.claim_contract) AS claim_contract, fo.target_id,
      lower(fo.target_account) AS target_account, fo.amount
    FROM freeze_orders fo WHERE ${asOfFilter(q, "fo", asOf)} AND fo.status IN ('Active', 'ReleaseProposed')
      AND fo.expiry > ${q.p(at, "bigint")})`;

/** The `FrozenValue` over `orders` (the SQL of `ordersInForce`): as FreezeOrders.frozenAmount sums, capped at value. */
const frozenValue =
  (orders: string): FrozenValue =>
  ({ where, value }) =>
    `LEAST(${value}, COALESCE((SELECT CASE WHEN bool_or(f.amount = 0) THEN ${value} ELSE sum(f.amount) END
      FROM ${orders} f WHERE ${where}), 0))`;

/** A certificate's orders: certificate scopes on it, and claim scopes on it in the forfaiting market. */
const certificateOrders = (id: string) =>
  `f.target_id = ${id} AND ((f.scope_kind = 'Certificate' AND f.asset = ${contractAddress("ReceivableCertificate")})
    OR (f.scope_kind = 'Claim' AND f.claim_contract = ${contractAddress("ReceivableCertificate")}))`;
/** An LC presentation's orders: claim scopes on it in the forfaiting market. */
const presentationOrders = (id: string) =>
  `f.target_id = ${id} AND f.scope_kind = 'Claim' AND f.claim_contract = ${contractAddress("LetterOfCredit")}`;

/** The forfaiting market's trades, as of `asOf`: a claim its current holder bought there is `forfaiting`. */
const boughtClaims = (q: Sql, asOf: number | undefined) =>
  `(SELECT lower(t.asset) AS asset, t.claim_id, t.buyer FROM ff_trades t WHERE ${upTo(q, "t.block_number", asOf)})`;
function contractAddress(name: string): string {
  return `(SELECT lower(ev.address) FROM events ev WHERE ev.contract = '${name}' LIMIT 1)`;
}

export const EXPOSURE_SOURCES: ExposureSource[] = [
  {
    name: "receivable certificates held by banks",
    sql: (q, asOf, claims, frozen) => `
      SELECT c.holder_member AS bank, r.obligor AS counterparty,
        CASE WHEN EXISTS (SELECT 1 FROM ${claims} b WHERE b.asset = ${contractAddress("ReceivableCertificate")}
          AND b.claim_id = c.token_id AND b.buyer = c.holder_member) THEN 'forfaiting' ELSE 'receivable' END AS instrument,
        r.currency, c.value AS amount, ${frozen({ where: certificateOrders("c.token_id"), value: "c.value" })} AS frozen,
        r.maturity AS due
      FROM receivable_certificates c
      JOIN receivables r ON r.receivable_id = c.receivable_id AND ${asOfFilter(q, "r", asOf)}
      JOIN members m ON m.member_id = c.holder_member AND ${asOfFilter(q, "m", asOf)} AND m.kind = ${BANK}
      WHERE ${asOfFilter(q, "c", asOf)} AND c.status = 'Live' AND c.value > 0`,
  },
  {
    name: "certificates pledged to banks",
    sql: (q, asOf) => `
      SELECT p.counterparty_member AS bank, r.obligor AS counterparty, 'receivable_pledged' AS instrument,
        r.currency, p.value AS amount, 0::numeric AS frozen, r.maturity AS due
      FROM receivable_offers p
      JOIN receivables r ON r.receivable_id = p.receivable_id AND ${asOfFilter(q, "r", asOf)}
      WHERE ${asOfFilter(q, "p", asOf)} AND p.kind = 'pledge' AND p.status = 'Active' AND p.value > 0`,
  },
  {
    name: "receivables guaranteed by banks",
    sql: (q, asOf) => `
      SELECT r.guarantor AS bank, r.obligor AS counterparty, 'receivable_guarantee' AS instrument, r.currency,
        (r.face_value - r.redeemed - COALESCE(pp.paid_in - pp.claimed, 0)) AS amount, 0::numeric AS frozen,
        r.maturity AS due
      FROM receivables r
      LEFT JOIN part_payments pp ON pp.receivable_id = r.receivable_id AND ${asOfFilter(q, "pp", asOf)}
      WHERE ${asOfFilter(q, "r", asOf)} AND r.guarantor IS NOT NULL AND r.guarantor > 0
        AND r.status IN ('Active', 'Overdue', 'GuaranteeCalled') AND r.face_value > r.redeemed`,
  },
  {
    name: "letters of credit issued, undrawn",
    sql: (q, asOf) => `
      SELECT l.issuing_bank AS bank, l.applicant AS counterparty, 'lc_undrawn' AS instrument, l.currency,
        (l.amount - l.drawn) AS amount, 0::numeric AS frozen, NULL::bigint AS due
      FROM lc_letters l
      WHERE ${asOfFilter(q, "l", asOf)} AND l.state IN ('Issued', 'Advised', 'Acknowledged') AND l.amount > l.drawn`,
  },
  {
    name: "deferred presentations accepted, unpaid",
    sql: (q, asOf, claims, frozen) => `
      SELECT l.issuing_bank AS bank, l.applicant AS counterparty, 'lc_accepted' AS instrument, l.currency,
        p.amount, ${frozen({ where: presentationOrders("p.presentation_id"), value: "p.amount" })} AS frozen,
        p.maturity AS due
      FROM lc_presentations p
      JOIN lc_letters l ON l.lc_id = p.lc_id AND ${asOfFilter(q, "l", asOf)}
      WHERE ${asOfFilter(q, "p", asOf)} AND p.state = 'Accepted'
      UNION ALL
      SELECT p.holder_member AS bank, l.issuing_bank AS counterparty,
        CASE WHEN EXISTS (SELECT 1 FROM ${claims} b WHERE b.asset = ${contractAddress("LetterOfCredit")}
          AND b.claim_id = p.presentation_id AND b.buyer = p.holder_member) THEN 'forfaiting' ELSE 'lc_claim' END,
        l.currency, p.amount, ${frozen({ where: presentationOrders("p.presentation_id"), value: "p.amount" })},
        p.maturity
      FROM lc_presentations p
      JOIN lc_letters l ON l.lc_id = p.lc_id AND ${asOfFilter(q, "l", asOf)}
      JOIN members m ON m.member_id = p.holder_member AND ${asOfFilter(q, "m", asOf)} AND m.kind = ${BANK}
      WHERE ${asOfFilter(q, "p", asOf)} AND p.state = 'Accepted' AND p.holder_member <> l.issuing_bank`,
  },
  {
    name: "guarantees in force, unpaid",
    sql: (q, asOf) => `
      SELECT g.guarantor AS bank, g.applicant AS counterparty, 'guarantee' AS instrument, g.currency,
        (g.amount - g.paid) AS amount, 0::numeric AS frozen, g.expiry::bigint AS due
      FROM guarantees g
      WHERE ${asOfFilter(q, "g", asOf)} AND g.state IN ('Issued', 'Claimed') AND g.amount > g.paid`,
  },
];

/** The chain time of block `asOf` (of the latest indexed block when undefined); 0 before any block. */
export async function chainTimeOf(db: Queryable, asOf: number | undefined): Promise<number> {
  const q = new Sql();
  const upToBlock = asOf === undefined ? "TRUE" : `block_number <= ${q.p(asOf, "bigint")}`;
  const [row] = await db.query(`SELECT max(block_time) AS t FROM block_times WHERE ${upToBlock}`, q.params);
  return row?.t === null || row?.t === undefined ? 0 : Number(row.t);
}

/** Every exposure record as of `asOf`, frozen value judged at chain time `at`. */
async function exposureRecords(db: Queryable, asOf: number | undefined, at: number): Promise<ExposureRecord[]> {
  const q = new Sql();
  const claims = boughtClaims(q, asOf);
  const frozen = frozenValue(ordersInForce(q, asOf, at));
  const sql = EXPOSURE_SOURCES.map((s) => `(${s.sql(q, asOf, claims, frozen)})`).join("\nUNION ALL\n");
  const rows = await db.query(sql, q.params);
  return rows.map((r: Row) => ({
    bank: Number(r.bank),
    counterparty: Number(r.counterparty),
    instrument: r.instrument as Instrument,
    currency: r.currency as string,
    amount: BigInt(r.amount as string),
    frozen: BigInt(r.frozen as string),
    due: r.due === null || r.due === undefined ? null : Number(r.due),
  }));
}

/** Member names (the public directory) as of `asOf`. */
async function memberNames(db: Queryable, asOf: number | undefined): Promise<Map<number, string>> {
  const q = new Sql();
  const rows = await db.query(`SELECT m.member_id, m.name FROM members m WHERE ${asOfFilter(q, "m", asOf)}`, q.params);
  return new Map(rows.map((r: Row) => [Number(r.member_id), r.name as string]));
}

/** Sums `records` (their amount and frozen part) by `keyOf`, in key order. */
function sumBy<
  T extends { currency: string; amount: bigint; frozen?: bigint },
  K extends Record<string, number | string>,
>(
  records: readonly T[],
  keyOf: (r: T) => K,
): (K & { currency: string; amount: bigint; frozen: bigint; records: number })[] {
  const sums = new Map<string, K & { currency: string; amount: bigint; frozen: bigint; records: number }>();
  for (const r of records) {
    const key = { ...keyOf(r), currency: r.currency };
    const id = JSON.stringify(key);
    const sum = sums.get(id) ?? { ...key, amount: 0n, frozen: 0n, records: 0 };
    sum.amount += r.amount;
    sum.frozen += r.frozen ?? 0n;
    sum.records += 1;
    sums.set(id, sum);
  }
  return [...sums.values()].sort((a, b) => {
    for (const k of Object.keys(a) as (keyof typeof a)[]) {
      if (k === "amount" || k === "frozen" || k === "records") continue;
      if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
    }
    return 0;
  });
}

const amount = z.string().describe("Exact integer, in minor units of `currency`");
const member = z.number().int();
const name = z.string().nullable();
const money = { currency: z.string(), decimals: z.number().int(), amount };
const frozen = amount.describe(
  "The part of `amount` frozen by freeze orders in force as of the report's block, at its time (minor units of `currency`)",
);
const exposureRow = z.object({
  bank: member,
  bankName: name,
  counterparty: member,
  counterpartyName: name,
  instrument: z.enum(INSTRUMENTS),
  ...money,
  frozen,
  records: z.number().int(),
});
const bankTotal = z.object({ bank: member, bankName: name, ...money, frozen, records: z.number().int() });
const obligorTotal = z.object({ obligor: member, obligorName: name, ...money, frozen, records: z.number().int() });
const frozenDeposit = z.object({
  member: member.nullable().describe("The member whose account it is (null: an account of no member)"),
  memberName: name,
  account: z.string(),
  token: z.string().describe("The deposit token"),
  balance: amount.describe("The account's balance of the token (token minor units)"),
  frozen: amount.describe("The part of the balance frozen by tokens-scope orders in force (token minor units)"),
  orders: z.number().int().describe("Orders in force on the account"),
});
const limitRow = z.object({
  obligor: member,
  obligorName: name,
  bank: member,
  bankName: name,
  limit: amount.describe("The bank's issuance limit for the obligor (token minor units)"),
  total: amount.describe("Sum of the obligor's banks' limits"),
  utilised: amount.describe("The obligor's confirmed receivable value not yet redeemed"),
  limited: z.boolean(),
});
const reportHead = {
  asOf: z.number().int().nullable().describe("The block the report is as of (null: the latest indexed)"),
};
const chainTime = z
  .number()
  .int()
  .describe("The block's time (unix seconds) freeze orders are judged at: one past its expiry freezes nothing");

const exposureResponse = z.object({
  ...reportHead,
  rows: z.array(exposureRow).describe("Per bank, counterparty (obligor), instrument and currency"),
  byBank: z.array(bankTotal),
  byObligor: z.array(obligorTotal),
  limits: z.array(limitRow).describe("Issuance limits and their utilisation, per core enterprise and bank"),
  frozenAt: chainTime,
  frozenDeposits: z
    .array(frozenDeposit)
    .describe("Deposit tokens frozen on members' accounts (not an exposure: listed apart), per account and token"),
});
type ExposureAnswer = z.output<typeof exposureResponse>;

/** Deposit tokens frozen as of `asOf` at chain time `at`: per account and token, as the token's transfer check has it. */
async function frozenDeposits(db: Queryable, asOf: number | undefined, at: number) {
  const q = new Sql();
  const orders = ordersInForce(q, asOf, at);
  const rows = await db.query(
    `SELECT f.asset AS token, f.target_account AS account, a.member_id, COALESCE(b.balance, 0) AS balance,
        count(*) AS orders, bool_or(f.amount = 0) AS whole, sum(f.amount) AS ordered
      FROM ${orders} f
      LEFT JOIN token_balances b ON lower(b.token) = f.asset AND lower(b.account) = f.target_account
        AND ${asOfFilter(q, "b", asOf)}
      LEFT JOIN accounts a ON lower(a.address) = f.target_account AND ${asOfFilter(q, "a", asOf)}
      WHERE f.scope_kind = 'Tokens'
      GROUP BY f.asset, f.target_account, a.member_id, b.balance
      ORDER BY a.member_id, f.target_account, f.asset`,
    q.params,
  );
  return rows.map((r: Row) => {
    const balance = BigInt(r.balance as string);
    const ordered = BigInt(r.ordered as string);
    return {
      member: r.member_id === null || r.member_id === undefined ? null : Number(r.member_id),
      account: r.account as string,
      token: r.token as string,
      balance,
      frozen: r.whole === true || ordered > balance ? balance : ordered,
      orders: Number(r.orders),
    };
  });
}

/** The exposure report (JSON) as of `asOf`; freeze orders judged at `at` (default: the block's chain time). */
export async function exposureReport(db: Queryable, asOf: number | undefined, at?: number): Promise<ExposureAnswer> {
  const frozenAt = at ?? (await chainTimeOf(db, asOf));
  const records = await exposureRecords(db, asOf, frozenAt);
  const names = await memberNames(db, asOf);
  const nameOf = (id: number) => names.get(id) ?? null;
  const withMoney = <T extends { currency: string; amount: bigint; frozen: bigint }>(r: T) => ({
    ...r,
    decimals: decimalsOf(r.currency),
    amount: r.amount.toString(),
    frozen: r.frozen.toString(),
  });
  const rows = sumBy(records, (r) => ({ bank: r.bank, counterparty: r.counterparty, instrument: r.instrument })).map(
    (r) => withMoney({ ...r, bankName: nameOf(r.bank), counterpartyName: nameOf(r.counterparty) }),
  );
  const byBank = sumBy(records, (r) => ({ bank: r.bank })).map((r) => withMoney({ ...r, bankName: nameOf(r.bank) }));
  const byObligor = sumBy(records, (r) => ({ obligor: r.counterparty })).map((r) =>
    withMoney({ ...r, obligorName: nameOf(r.obligor) }),
  );
  const q = new Sql();
  const limits = await db.query(
    `SELECT l.obligor, l.bank, l.limit_value, o.total, o.utilised, o.limited FROM issuance_limits l
     JOIN obligor_issuance o ON o.obligor = l.obligor AND ${asOfFilter(q, "o", asOf)}
     WHERE ${asOfFilter(q, "l", asOf)} AND l.limit_value > 0 ORDER BY l.obligor, l.bank`,
    q.params,
  );
  return {
    asOf: asOf ?? null,
    rows,
    byBank,
    byObligor,
    limits: limits.map((r: Row) => ({
      obligor: Number(r.obligor),
      obligorName: nameOf(Number(r.obligor)),
      bank: Number(r.bank),
      bankName: nameOf(Number(r.bank)),
      limit: r.limit_value as string,
      total: r.total as string,
      utilised: r.utilised as string,
      limited: r.limited as boolean,
    })),
    frozenAt,
    frozenDeposits: (await frozenDeposits(db, asOf, frozenAt)).map((d) => ({
      ...d,
      memberName: d.member === null ? null : nameOf(d.member),
      balance: d.balance.toString(),
      frozen: d.frozen.toString(),
    })),
  };
}

// ------------------------------------------------------------------------------------------------- overdue

const overdueRow = z.object({
  creditor: member,
  creditorName: name,
  debtor: member,
  debtorName: name,
  instrument: z.enum(["receivable", "forfaiting", "lc_claim", "lc_accepted", "guarantee_claim"]),
  record: z.string().describe("Certificate token id, LC presentation id, or guarantee id/claim index"),
  ...money,
  due: z.number().int().describe("Unix seconds it fell due"),
  daysOverdue: z.number().int(),
});
const overdueResponse = z.object({
  ...reportHead,
  at: z.number().int().describe("The moment overdue is judged at (unix seconds)"),
  rows: z.array(overdueRow),
  byCreditor: z.array(z.object({ creditor: member, creditorName: name, ...money, records: z.number().int() })),
});
type OverdueAnswer = z.output<typeof overdueResponse>;

/** Past due at `at`, as of `asOf`: unpaid receivables past maturity, LC claims past maturity, guarantee claims unanswered past their examination deadline. */
export async function overdueReport(db: Queryable, asOf: number | undefined, at: number): Promise<OverdueAnswer> {
  const q = new Sql();
  const claims = boughtClaims(q, asOf);
  const now = q.p(at, "bigint");
  const rows = await db.query(
    `SELECT c.holder_member AS creditor, r.obligor AS debtor,
        CASE WHEN EXISTS (SELECT 1 FROM ${claims} b WHERE b.asset = ${contractAddress("ReceivableCertificate")}
          AND b.claim_id = c.token_id AND b.buyer = c.holder_member) THEN 'forfaiting' ELSE 'receivable' END AS instrument,
        c.token_id::text AS record, r.currency,
        -- The unpaid rest (issue 20): a share of a part payment the certificate has not claimed yet is paid by the
        -- obligor (held for the holder), so it is not overdue. MaturityArrangements: ceil(value * survival /
        -- claimed_at), claimed_at RAY (10^27) for a certificate that never claimed; the whole value once funded.
        CASE WHEN pp.survival IS NOT NULL AND r.status IN ('Active', 'Overdue', 'GuaranteeCalled')
          THEN CEIL(c.value * pp.survival / COALESCE(pc.claimed_at, 1000000000000000000000000000::numeric))
          ELSE c.value END AS amount,
        r.maturity AS due
      FROM receivable_certificates c
      JOIN receivables r ON r.receivable_id = c.receivable_id AND ${asOfFilter(q, "r", asOf)}
      LEFT JOIN part_payments pp ON pp.receivable_id = c.receivable_id AND ${asOfFilter(q, "pp", asOf)}
      LEFT JOIN part_payment_certificates pc ON pc.token_id = c.token_id AND ${asOfFilter(q, "pc", asOf)}
      WHERE ${asOfFilter(q, "c", asOf)} AND c.status = 'Live' AND c.value > 0 AND r.maturity < ${now}
        AND c.holder_member IS NOT NULL
    UNION ALL
    SELECT p.holder_member, l.issuing_bank,
        CASE WHEN EXISTS (SELECT 1 FROM ${claims} b WHERE b.asset = ${contractAddress("LetterOfCredit")}
          AND b.claim_id = p.presentation_id AND b.buyer = p.holder_member) THEN 'forfaiting'
          WHEN p.holder_member = l.issuing_bank THEN 'lc_accepted' ELSE 'lc_claim' END,
        p.presentation_id::text, l.currency, p.amount, p.maturity
      FROM lc_presentations p
      JOIN lc_letters l ON l.lc_id = p.lc_id AND ${asOfFilter(q, "l", asOf)}
      WHERE ${asOfFilter(q, "p", asOf)} AND p.state = 'Accepted' AND p.maturity < ${now}
    UNION ALL
    SELECT g.beneficiary, g.guarantor, 'guarantee_claim', (gc.guarantee_id::text || '/' || gc.claim_index::text),
        g.currency, gc.amount, gc.examination_deadline::bigint
      FROM guarantee_claims gc
      JOIN guarantees g ON g.guarantee_id = gc.guarantee_id AND ${asOfFilter(q, "g", asOf)}
      WHERE ${asOfFilter(q, "gc", asOf)} AND gc.state = 'Presented' AND gc.examination_deadline < ${now}
    ORDER BY due, record`,
    q.params,
  );
  const names = await memberNames(db, asOf);
  const nameOf = (id: number) => names.get(id) ?? null;
  const records = rows.map((r: Row) => ({
    creditor: Number(r.creditor),
    debtor: Number(r.debtor),
    instrument: r.instrument as z.output<typeof overdueRow>["instrument"],
    record: r.record as string,
    currency: r.currency as string,
    amount: BigInt(r.amount as string),
    due: Number(r.due),
  }));
  return {
    asOf: asOf ?? null,
    at,
    rows: records.map((r) => ({
      ...r,
      creditorName: nameOf(r.creditor),
      debtorName: nameOf(r.debtor),
      decimals: decimalsOf(r.currency),
      amount: r.amount.toString(),
      daysOverdue: Math.floor((at - r.due) / 86_400),
    })),
    byCreditor: sumBy(records, (r) => ({ creditor: r.creditor })).map((r) => ({
      creditor: r.creditor,
      creditorName: nameOf(r.creditor),
      currency: r.currency,
      decimals: decimalsOf(r.currency),
      amount: r.amount.toString(),
      records: r.records,
    })),
  };
}

// ------------------------------------------------------------------------------------------------- concentration

const concentrationRow = z.object({
  bank: member,
  bankName: name,
  currency: z.string(),
  decimals: z.number().int(),
  total: amount.describe("The bank's exposure in this currency, all counterparties"),
  counterparties: z.number().int(),
  top: z.array(
    z.object({
      rank: z.number().int(),
      counterparty: member,
      counterpartyName: name,
      amount,
      shareBps: z.number().int().describe("Share of the bank's total, basis points (rounded down)"),
    }),
  ),
  topShareBps: z.number().int().describe("Share of the top N counterparties together, basis points (rounded down)"),
  hhi: z
    .number()
    .int()
    .describe("Herfindahl-Hirschman index of the counterparties' shares, 0-10000 (sum of squared shares in percent)"),
});
const concentrationResponse = z.object({ ...reportHead, top: z.number().int(), banks: z.array(concentrationRow) });
type ConcentrationAnswer = z.output<typeof concentrationResponse>;

/** Share of the top `top` counterparties per bank and currency, and the HHI, from the exposure records. */
export async function concentrationReport(
  db: Queryable,
  asOf: number | undefined,
  top: number,
): Promise<ConcentrationAnswer> {
  const records = await exposureRecords(db, asOf, await chainTimeOf(db, asOf));
  const names = await memberNames(db, asOf);
  const nameOf = (id: number) => names.get(id) ?? null;
  const perCounterparty = sumBy(records, (r) => ({ bank: r.bank, counterparty: r.counterparty }));
  const groups = new Map<string, typeof perCounterparty>();
  for (const r of perCounterparty) {
    const key = JSON.stringify([r.bank, r.currency]);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const banks = [...groups.values()].map((group) => {
    const sorted = [...group].sort((a, b) =>
      a.amount === b.amount ? a.counterparty - b.counterparty : a.amount > b.amount ? -1 : 1,
    );
    const total = sorted.reduce((s, r) => s + r.amount, 0n);
    const bps = (part: bigint) => (total === 0n ? 0 : Number((part * 10_000n) / total));
    const leaders = sorted.slice(0, top);
    const squares = sorted.reduce((s, r) => s + r.amount * r.amount, 0n);
    return {
      bank: sorted[0].bank,
      bankName: nameOf(sorted[0].bank),
      currency: sorted[0].currency,
      decimals: decimalsOf(sorted[0].currency),
      total: total.toString(),
      counterparties: sorted.length,
      top: leaders.map((r, i) => ({
        rank: i + 1,
        counterparty: r.counterparty,
        counterpartyName: nameOf(r.counterparty),
        amount: r.amount.toString(),
        shareBps: bps(r.amount),
      })),
      topShareBps: bps(leaders.reduce((s, r) => s + r.amount, 0n)),
      hhi: total === 0n ? 0 : Number((squares * 10_000n) / (total * total)),
    };
  });
  banks.sort((a, b) => a.bank - b.bank || (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
  return { asOf: asOf ?? null, top, banks };
}

// ------------------------------------------------------------------------------------------- duplicate financing

const duplicateRow = z.object({
  block: z.number().int(),
  time: z.number().int().nullable().describe("Block time (unix seconds)"),
  txHash: z.string(),
  member: member.describe("The member that tried (or checked before trying) to finance the document"),
  memberName: name,
  source: z.enum(["check", "application"]).describe("check: the bank's recorded check; application: a step's refusal"),
  app: z.string().nullable().describe("The application whose step was refused (null: a bank's check)"),
  appName: z.string().nullable(),
  record: z.string().nullable().describe("That application's record (a warehouse receipt, ...)"),
  documentId: z.string().describe("Keyed id of the document (never the invoice or goods in the clear)"),
  ...money,
  face: amount.describe("The document's face the attempt named"),
  financed: amount.describe("Held against the document at the attempt"),
  paid: amount.describe("Closed as paid against the document at the attempt"),
  holderApp: z.string().nullable().describe("The application of the latest hold"),
  holderAppName: z.string().nullable(),
  holderRecord: z.string().nullable(),
});
const duplicateResponse = z.object({
  ...reportHead,
  rows: z.array(duplicateRow),
  byMember: z.array(z.object({ member, memberName: name, attempts: z.number().int(), documents: z.number().int() })),
});
type DuplicateAnswer = z.output<typeof duplicateResponse>;

/** Refused duplicate-financing attempts up to `asOf` (FinancingRefused of the register), oldest first. */
export async function duplicateFinancingReport(
  db: Queryable,
  asOf: number | undefined,
  member: number | undefined,
): Promise<DuplicateAnswer> {
  const q = new Sql();
  const byMember = member === undefined ? "" : ` AND r.member = ${q.p(member, "bigint")}`;
  const rows = await db.query(
    `SELECT r.*, (SELECT ev.contract FROM events ev WHERE lower(ev.address) = r.app LIMIT 1) AS app_name,
        (SELECT ev.contract FROM events ev WHERE lower(ev.address) = r.holder_app LIMIT 1) AS holder_app_name
      FROM financing_refusals r WHERE ${upTo(q, "r.block_number", asOf)}${byMember}
      ORDER BY r.block_number, r.log_index, r.seq`,
    q.params,
  );
  const names = await memberNames(db, asOf);
  const nameOf = (id: number) => names.get(id) ?? null;
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const records = rows.map((r: Row) => ({
    block: Number(r.block_number),
    time: r.block_time === null || r.block_time === undefined ? null : Number(r.block_time),
    txHash: r.tx_hash as string,
    member: Number(r.member),
    memberName: nameOf(Number(r.member)),
    source: (r.app === null ? "check" : "application") as "check" | "application",
    app: text(r.app),
    appName: text(r.app_name),
    record: text(r.record),
    documentId: r.document_id as string,
    currency: r.currency as string,
    decimals: decimalsOf(r.currency as string),
    amount: String(r.amount),
    face: String(r.face),
    financed: String(r.financed),
    paid: String(r.paid),
    holderApp: text(r.holder_app),
    holderAppName: text(r.holder_app_name),
    holderRecord: text(r.holder_record),
  }));
  const perMember = new Map<number, { attempts: number; documents: Set<string> }>();
  for (const r of records) {
    const m = perMember.get(r.member) ?? { attempts: 0, documents: new Set<string>() };
    m.attempts += 1;
    m.documents.add(r.documentId);
    perMember.set(r.member, m);
  }
  return {
    asOf: asOf ?? null,
    rows: records,
    byMember: [...perMember.entries()]
      .sort(([a], [b]) => a - b)
      .map(([id, m]) => ({ member: id, memberName: nameOf(id), attempts: m.attempts, documents: m.documents.size })),
  };
}

// ------------------------------------------------------------------------------------------------- routes

const cells = <T extends object>(rows: readonly T[]) => rows as unknown as Record<string, CsvCell>[];
const stamp = (asOf: number | null) => (asOf === null ? "latest" : `block-${asOf}`);

export const EXPOSURE_VIEWS = ["detail", "bank", "obligor", "limits", "frozen"] as const;

export default defineRoutes({
  name: "reports",
  routes: [
    defineRoute({
      path: "/reports/exposure",
      access: supervisorsAccess,
      summary: "Exposure per bank and per core enterprise across receivables, LCs, guarantees and forfaiting",
      description:
        "Outstanding amounts by bank, counterparty (obligor), instrument and currency, with the part frozen by freeze " +
        "orders in force at the block's time; totals per bank and per obligor; issuance limits and utilisation; " +
        "deposit tokens frozen on members' accounts. CSV (`Accept: text/csv` or `format=csv`): the table `view` names.",
      tags: ["reports"],
      query: z.object({
        ...asOfQuery,
        ...csvQuery,
        view: z
          .enum(EXPOSURE_VIEWS)
          .default("detail")
          .describe("CSV only: which table (detail, bank, obligor, limits, frozen: deposits frozen)"),
      }),
      response: exposureResponse,
      async handler({ query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        return exposureReport(ctx.db, query.asOf);
      },
      csv(answer, query): CsvTable {
        const filename = `exposure-${query.view}-${stamp(answer.asOf)}.csv`;
        const money = ["currency", "decimals", "amount", "frozen", "records"];
        if (query.view === "bank")
          return { filename, columns: ["bank", "bankName", ...money], rows: cells(answer.byBank) };
        if (query.view === "obligor")
          return { filename, columns: ["obligor", "obligorName", ...money], rows: cells(answer.byObligor) };
        if (query.view === "frozen")
          return {
            filename,
            columns: ["member", "memberName", "account", "token", "balance", "frozen", "orders"],
            rows: cells(answer.frozenDeposits),
          };
        if (query.view === "limits")
          return {
            filename,
            columns: ["obligor", "obligorName", "bank", "bankName", "limit", "total", "utilised", "limited"],
            rows: cells(answer.limits),
          };
        return {
          filename,
          columns: ["bank", "bankName", "counterparty", "counterpartyName", "instrument", ...money],
          rows: cells(answer.rows),
        };
      },
    }),
    defineRoute({
      path: "/reports/overdue",
      access: supervisorsAccess,
      summary: "Overdue: receivables past maturity unpaid, LC claims past maturity, guarantee claims past deadline",
      tags: ["reports"],
      query: z.object({
        ...asOfQuery,
        ...csvQuery,
        overdueAt: unixSeconds
          .optional()
          .describe(
            "Unix seconds or an ISO 8601 date at which payment is judged overdue (default: the asOf block's time, " +
              "or the latest indexed block's time)",
          ),
      }),
      response: overdueResponse,
      async handler({ query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        let at = query.overdueAt;
        if (at === undefined && query.asOf !== undefined) {
          // As of a past block: judged at that block's time, what was overdue then.
          const q = new Sql();
          const [row] = await ctx.db.query(
            `SELECT max(block_time) AS t FROM block_times WHERE block_number <= ${q.p(query.asOf, "bigint")}`,
            q.params,
          );
          if (row?.t !== null && row?.t !== undefined) at = Number(row.t);
        }
        at ??= (await ctx.status()).indexedBlockTime ?? Math.floor(Date.now() / 1000);
        return overdueReport(ctx.db, query.asOf, at);
      },
      csv: (answer) => ({
        filename: `overdue-${stamp(answer.asOf)}.csv`,
        columns: [
          "creditor",
          "creditorName",
          "debtor",
          "debtorName",
          "instrument",
          "record",
          "currency",
          "decimals",
          "amount",
          "due",
          "daysOverdue",
        ],
        rows: cells(answer.rows),
      }),
    }),
    defineRoute({
      path: "/reports/duplicate-financing",
      access: supervisorsAccess,
      summary: "Duplicate-financing attempts refused by the register of financed documents",
      description:
        "Every FinancingRefused of the register up to the block: a bank's recorded check that found the document " +
        "financed, or an application step (a warehouse receipt's pledge) that the register refused and recorded " +
        "instead of reverting; with the latest holder. Per member: attempts and distinct documents. CSV: the rows.",
      tags: ["reports"],
      query: z.object({
        ...asOfQuery,
        ...csvQuery,
        member: integer(1, 2 ** 32 - 1)
          .optional()
          .describe("Only the attempts of this member"),
      }),
      response: duplicateResponse,
      async handler({ query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        return duplicateFinancingReport(ctx.db, query.asOf, query.member);
      },
      csv: (answer) => ({
        filename: `duplicate-financing-${stamp(answer.asOf)}.csv`,
        columns: [
          "block",
          "time",
          "txHash",
          "member",
          "memberName",
          "source",
          "appName",
          "app",
          "record",
          "documentId",
          "currency",
          "decimals",
          "amount",
          "face",
          "financed",
          "paid",
          "holderAppName",
          "holderApp",
          "holderRecord",
        ],
        rows: cells(answer.rows),
      }),
    }),
    defineRoute({
      path: "/reports/concentration",
      access: supervisorsAccess,
      summary: "Concentration: share of each bank's top counterparties, and the Herfindahl-Hirschman index",
      tags: ["reports"],
      query: z.object({
        ...asOfQuery,
        ...csvQuery,
        top: integer(1, 100).default(5).describe("How many of the largest counterparties per bank (1-100)"),
      }),
      response: concentrationResponse,
      async handler({ query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        return concentrationReport(ctx.db, query.asOf, query.top);
      },
      csv: (answer) => ({
        filename: `concentration-top${answer.top}-${stamp(answer.asOf)}.csv`,
        columns: [
          "bank",
          "bankName",
          "currency",
          "decimals",
          "total",
          "counterparties",
          "topShareBps",
          "hhi",
          "rank",
          "counterparty",
          "counterpartyName",
          "amount",
          "shareBps",
        ],
        rows: answer.banks.flatMap((b) =>
          b.top.map((t) => ({ ...b, top: undefined, ...t }) as unknown as Record<string, CsvCell>),
        ),
      }),
    }),
  ],
});
