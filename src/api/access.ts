/**
 * Who may read what: every route declares its access once (`access` of its ApiRoute), and the server and the list
 * builder apply it, so that no route filters rows by hand.
 *
 * - `public`: no sign-in (verification of a guarantee or an e-certificate, /status).
 * - `members`: any signed-in member in good standing reads it whole (the member directory, governance).
 * - `rows`: a list whose rows a member sees only where `visible` holds (it names the parties of a row); the list
 *   builder adds the condition to its query.
 * - `row`: one resource named by the path (or a list under it): the server checks, before the handler runs, that a row
 *   of `from` with the path's key is visible to the caller, and answers 404 otherwise, as for a missing one (existence
 *   is not revealed).
 *
 * - `supervisors`: the regulator and AUDITOR role holders only (supervisory reports across every member's business);
 *   any other signed-in member is refused with 403.
 *
 * Regulator members and AUDITOR role holders read every row; with API_AUTH=off every caller does.
 */
import { Sql, type SqlType } from "./route.js";

/** A row condition for member `member`, over the aliases of the route's query. */
export type Visible = (q: Sql, member: number) => string;

export type Access =
  | { kind: "public" }
  | { kind: "members" }
  | { kind: "supervisors" }
  | { kind: "rows"; visible: Visible }
  | {
      kind: "row";
      /** `table alias`. */
      from: string;
      /** Columns of `from` matched with path parameters: `{ lc_id: ["id", "numeric"] }`. */
      key: Record<string, readonly [param: string, type: SqlType]>;
      visible: Visible;
    };

export const publicAccess: Access = { kind: "public" };
export const membersAccess: Access = { kind: "members" };
/** Regulator members and AUDITOR role holders only (supervisory reports); others 403. */
export const supervisorsAccess: Access = { kind: "supervisors" };
export const rows = (visible: Visible): Access => ({ kind: "rows", visible });
export const row = (from: string, key: Record<string, readonly [string, SqlType]>, visible: Visible): Access => ({
  kind: "row",
  from,
  key,
  visible,
});

/** The member is one of these member-id columns (the parties of a row). */
export const party =
  (...columns: string[]): Visible =>
  (q, member) => {
    const p = q.p(member, "bigint");
    return `(${columns.map((c) => `${c} = ${p}`).join(" OR ")})`;
  };

/** The value of one of these address columns is (or was) an account of the member. */
export const accountOf =
  (...columns: string[]): Visible =>
  (q, member) => {
    const p = q.p(member, "bigint");
    return `(${columns.map((c) => `${c} IN (SELECT acc.address FROM accounts acc WHERE acc.member_id = ${p})`).join(" OR ")})`;
  };

/** Any of the conditions. */
export const either =
  (...conditions: Visible[]): Visible =>
  (q, member) =>
    `(${conditions.map((c) => c(q, member)).join(" OR ")})`;

/** A fixed SQL condition (e.g. a market's open offers). */
export const when =
  (sql: string): Visible =>
  () =>
    sql;

/** Rows named by a path parameter that is the member's own id (`/banks/:id/...`): `row` on the members table. */
export const selfParam = (param: string): Access =>
  row("members self", { member_id: [param, "bigint"] }, party("self.member_id"));

/** The viewer of a request: undefined reads everything (auth off, regulator, auditor). */
export interface Viewer {
  member: number;
}

/** The SQL condition `access` puts on a list's rows for `viewer` (undefined: none). */
export function rowCondition(access: Access, viewer: Viewer | undefined, q: Sql): string | undefined {
  if (viewer === undefined || access.kind !== "rows") return undefined;
  return access.visible(q, viewer.member);
}

/** `SELECT 1` of the path's row when the viewer may see it (for `row` access). */
export function rowCheck(
  access: Extract<Access, { kind: "row" }>,
  params: Record<string, unknown>,
  member: number,
): { sql: string; params: unknown[] } {
  const q = new Sql();
  const alias = access.from.trim().split(/\s+/).at(-1)!;
  const where = Object.entries(access.key).map(
    ([column, [param, type]]) => `${alias}.${column} = ${q.p(params[param], type)}`,
  );
  where.push(access.visible(q, member));
  return { sql: `SELECT 1 FROM ${access.from} WHERE ${where.join(" AND ")} LIMIT 1`, params: q.params };
}

// ------------------------------------------------------------------------------------------------- events

/** Event arguments that hold a member id (uint32 in the suite's events): the parties an event names. */
export const MEMBER_ARGS = [
  "advisingBank",
  "applicant",
  "attester",
  "bank",
  "banks",
  "beneficiary",
  "bidderMember",
  "buyer",
  "byMember",
  "confirmingBank",
  "consumer",
  "creditor",
  "debtor",
  "disputer",
  "financier",
  "grantee",
  "grantor",
  "guarantor",
  "holderMember",
  "initiator",
  "instructingBank",
  "issuer",
  "issuingBank",
  "member",
  "memberId",
  "nominatedBank",
  "obligor",
  "owner",
  "payee",
  "payer",
  "pledgee",
  "proposer",
  "querier",
  "reporter",
  "resolver",
  "seller",
] as const;

/** Contracts whose events every member reads (the registry: the member directory is open to members). */
export const OPEN_CONTRACTS = ["ConsortiumRegistry"] as const;

/**
 * A raw event is visible to a member when its contract is open to members, or one of its arguments names the member
 * (a member-id argument of MEMBER_ARGS, or an address that is one of its accounts). Top-level arguments only.
 */
export const eventVisible =
  (alias: string): Visible =>
  (q, member) => {
    const m = q.p(member, "bigint");
    const keys = q.p(MEMBER_ARGS, "text[]");
    const open = q.p(OPEN_CONTRACTS, "text[]");
    return `(${alias}.contract = ANY(${open}) OR EXISTS (SELECT 1 FROM jsonb_each(${alias}.args) kv WHERE
      (kv.key = ANY(${keys}) AND (kv.value #>> '{}' = ${m}::text
        OR (jsonb_typeof(kv.value) = 'array' AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(kv.value) x WHERE x = ${m}::text))))
      OR lower(kv.value #>> '{}') IN (SELECT acc.address FROM accounts acc WHERE acc.member_id = ${m})))`;
  };

/** The same rule in memory, for the event stream. */
export function eventVisibleTo(
  event: { contract: string; args: Record<string, unknown> },
  member: number,
  accounts: ReadonlySet<string>,
): boolean {
  if ((OPEN_CONTRACTS as readonly string[]).includes(event.contract)) return true;
  const keys = MEMBER_ARGS as readonly string[];
  for (const [key, value] of Object.entries(event.args)) {
    if (keys.includes(key)) {
      if (Array.isArray(value) ? value.some((v) => String(v) === String(member)) : String(value) === String(member))
        return true;
    }
    if (typeof value === "string" && accounts.has(value.toLowerCase())) return true;
  }
  return false;
}
