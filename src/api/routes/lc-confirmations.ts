import { z } from "zod";
import { party, row, rows, type Visible } from "../access.js";
import type { Row } from "../../indexer/db.js";
import { eq, key, listRoute } from "../list.js";
import {
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
  Sql,
  uint256,
  versionSource,
} from "../route.js";

const time = z.number().int().nullable();
const OPEN = ["Issued", "Advised", "Acknowledged"];

// ------------------------------------------------------------------------------------------------- schemas

const termsSchema = z.object({
  amount: z.string(),
  tolerancePlus: z.number().int(),
  toleranceMinus: z.number().int(),
  expiry: z.number().int(),
  latestShipment: z.number().int(),
  termsHash: z.string(),
});

const confirmationSchema = z.object({
  lcId: z.string(),
  issuingBank: z.number().int().nullable(),
  confirmingBank: z.number().int().nullable().describe("The LC's nominated bank, named or confirming"),
  status: z
    .enum(["Authorized", "Withdrawn", "Declined", "Confirmed"])
    .describe("Authorized (pending), Withdrawn by the issuing bank, Declined by the bank (art. 8d), or Confirmed"),
  requested: z
    .boolean()
    .nullable()
    .describe("Issuing bank requested (MT700 49 CONFIRM) rather than authorised (MAY ADD)"),
  authorizedAt: time,
  confirmedAt: time.describe("From this time the confirming bank's undertaking is irrevocable (UCP 600 art. 8b)"),
  confirmedTerms: termsSchema
    .nullable()
    .describe("The terms the confirming bank is bound to: as confirmed, or as amended when it extended (art. 10b)"),
  currentTerms: termsSchema.nullable().describe("The LC's terms now (amendments the beneficiary accepted included)"),
  upToDate: z.boolean().describe("The confirmation covers the LC's current terms"),
  bound: z.boolean().describe("Confirmed, the LC open, and not past the confirmed expiry"),
  confirmedMaximum: z.string().describe("Confirmed amount plus its plus tolerance (UCP 600 art. 30)"),
  currentMaximum: z.string().describe("The LC's amount plus tolerance now"),
  drawn: z.string(),
  outstanding: z.string().describe("What the confirming bank may still have to honour: confirmed maximum - drawn"),
  amendmentsExtended: z.number().int(),
  extendedAt: time,
  declinedTermsHash: z
    .string()
    .nullable()
    .describe("Amended terms the confirming bank recorded not extending to (art. 10b), until it extends"),
  declinedNoticeHash: z.string().nullable(),
  declinedAt: time,
  source,
});

// ------------------------------------------------------------------------------------------------- mapping

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const maximum = (amount: bigint, plus: number) => amount + (amount * BigInt(plus)) / 100n;

const toConfirmation = (r: Row, now: number) => {
  const confirmed =
    r.status === "Confirmed"
      ? {
          amount: r.amount as string,
          tolerancePlus: Number(r.tolerance_plus),
          toleranceMinus: Number(r.tolerance_minus),
          expiry: Number(r.expiry),
          latestShipment: Number(r.latest_shipment),
          termsHash: r.terms_hash as string,
        }
      : null;
  const current =
    r.lc_amount === null || r.lc_amount === undefined
      ? null
      : {
          amount: r.lc_amount as string,
          tolerancePlus: Number(r.lc_tolerance_plus),
          toleranceMinus: Number(r.lc_tolerance_minus),
          expiry: Number(r.lc_expiry),
          latestShipment: Number(r.lc_latest_shipment),
          termsHash: r.lc_terms_hash as string,
        };
  const drawn = BigInt((r.lc_drawn as string | null) ?? "0");
  const confirmedMaximum = confirmed === null ? 0n : maximum(BigInt(confirmed.amount), confirmed.tolerancePlus);
  const bound = confirmed !== null && OPEN.includes(r.lc_state as string) && now <= confirmed.expiry;
  return {
    lcId: r.lc_id as string,
    issuingBank: num(r.issuing_bank),
    confirmingBank: num(r.confirming_bank),
    status: r.status as "Authorized" | "Withdrawn" | "Declined" | "Confirmed",
    requested: (r.requested as boolean | null) ?? null,
    authorizedAt: num(r.authorized_at),
    confirmedAt: num(r.confirmed_at),
    confirmedTerms: confirmed,
    currentTerms: current,
    upToDate: confirmed !== null && current !== null && JSON.stringify(confirmed) === JSON.stringify(current),
    bound,
    confirmedMaximum: confirmedMaximum.toString(),
    currentMaximum: (current === null ? 0n : maximum(BigInt(current.amount), current.tolerancePlus)).toString(),
    drawn: drawn.toString(),
    outstanding: (bound && confirmedMaximum > drawn ? confirmedMaximum - drawn : 0n).toString(),
    amendmentsExtended: Number(r.amendments_extended ?? 0),
    extendedAt: num(r.extended_at),
    declinedTermsHash: (r.declined_terms_hash as string | null) ?? null,
    declinedNoticeHash: (r.declined_notice_hash as string | null) ?? null,
    declinedAt: num(r.declined_at),
    source: versionSource(r),
  };
};

/** The confirmation row's columns and the LC's current terms, drawn amount and state as of `asOf`. */
const confirmationColumns = (q: Sql, asOf: number | undefined) =>
  `c.*, ${[
    ["amount", "lc_amount"],
    ["tolerance_plus", "lc_tolerance_plus"],
    ["tolerance_minus", "lc_tolerance_minus"],
    ["expiry", "lc_expiry"],
    ["latest_shipment", "lc_latest_shipment"],
    ["terms_hash", "lc_terms_hash"],
    ["drawn", "lc_drawn"],
    ["state", "lc_state"],
  ]
    .map(
      ([column, as]) =>
        `(SELECT l.${column} FROM lc_letters l WHERE l.lc_id = c.lc_id AND ${asOfFilter(q, "l", asOf)}) AS ${as}`,
    )
    .join(", ")}`;

/** "Now" of the exposure: the time asked for, else the clock. */
const nowOf = (at?: number) => at ?? Math.floor(Date.now() / 1000);

// ------------------------------------------------------------------------------------------------- who sees what

/** A confirmation concerns all the LC's parties (the beneficiary must learn of a declined amendment, art. 10b). */
const LC_PARTIES = party("l.applicant", "l.issuing_bank", "l.advising_bank", "l.beneficiary", "l.nominated_bank");
const LC_PARTIES_OF =
  (alias: string): Visible =>
  (q, member) =>
    `EXISTS (SELECT 1 FROM lc_letters l WHERE l.lc_id = ${alias}.lc_id AND ${LC_PARTIES(q, member)})`;
const LC_ROW = row("lc_letters l", { lc_id: ["id", "numeric"] }, LC_PARTIES);

const atQuery = {
  at: z.coerce
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe("Time (unix seconds) at which `bound` and `outstanding` are judged (default: now)"),
};

// ------------------------------------------------------------------------------------------------- routes

export default defineRoutes({
  name: "lc-confirmations",
  routes: [
    defineRoute({
      path: "/letters-of-credit/:id/confirmation",
      access: LC_ROW,
      summary: "An LC's confirmation: the terms the confirming bank is bound to beside the LC's current terms",
      tags: ["letters-of-credit"],
      params: z.object({ id: uint256 }),
      query: z.object({ ...asOfQuery, ...atQuery }),
      response: confirmationSchema,
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        await findOne(
          ctx.db,
          { from: "lc_letters l", key: { lc_id: [params.id, "numeric"] }, asOf: query.asOf },
          `letter of credit ${params.id} not found`,
        );
        const q = new Sql();
        const [found] = await ctx.db.query(
          `SELECT ${confirmationColumns(q, query.asOf)} FROM lc_confirmations c
           WHERE c.lc_id = ${q.p(params.id, "numeric")} AND ${asOfFilter(q, "c", query.asOf)}`,
          q.params,
        );
        if (found === undefined) throw new NotFoundError(`letter of credit ${params.id} has no confirmation`);
        return toConfirmation(found, nowOf(query.at));
      },
    }),
    listRoute({
      path: "/lc-confirmations",
      access: rows(LC_PARTIES_OF("c")),
      summary: "LC confirmations and authorizations to confirm, by confirming bank, issuing bank and status",
      tags: ["letters-of-credit"],
      from: "lc_confirmations c",
      select: ({ query }, q) => confirmationColumns(q, query.asOf),
      asOf: "versioned",
      filters: {
        bank: eq("c.confirming_bank", memberId.describe("Confirmations by (or asked of) this bank"), "bigint"),
        issuingBank: eq("c.issuing_bank", memberId.describe("Confirmations of LCs this bank issued"), "bigint"),
        status: eq("c.status", z.enum(["Authorized", "Withdrawn", "Declined", "Confirmed"])),
        amendmentDeclined: eq(
          "(c.declined_terms_hash IS NOT NULL)",
          booleanParam.describe("The confirming bank declined to extend to the LC's latest amendment"),
          "boolean",
        ),
      },
      sorts: { id: [key("c.lc_id", "numeric")] },
      order: "asc",
      item: confirmationSchema,
      toItem: (r: Row) => toConfirmation(r, nowOf()),
    }),
  ],
});
