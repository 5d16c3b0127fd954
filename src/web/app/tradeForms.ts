/**
 * The console's write forms in one place: each form is a definition (its fields, their kinds and labels, and the
 * checks across fields), and `parseForm` turns what the user typed into typed values — minor units, unix seconds,
 * member ids, 32-byte hashes of files hashed in the browser, discrepancy codes — or one message per bad field. The
 * pages render a definition with `DefinedForm` (TradeForm.tsx) and only map the parsed values onto the SDK call, so
 * the shapes are not repeated per page.
 */
import { DocumentKind } from "@consortia/sdk/hashing";
import { endOfDay, parseAmountInput, type UtcOffset } from "./format.js";
import type { MessageKey, Params } from "./i18n.js";

export type FieldKind =
  | "member" // a member id (picker); `memberKinds` narrows it
  | "amount" // token amount typed with decimals -> minor units (bigint > 0)
  | "date" // YYYY-MM-DD -> unix seconds at the end of that consortium-calendar day; after the chain's time
  | "integer" // whole number within min..max
  | "file" // a file hashed in the browser -> its keccak-256 (the raw value is the hash)
  | "text" // free text (kept in the browser unless the page seals it)
  | "secret" // hex key typed in, kept in the page's memory only
  | "lines" // one short code per line -> bytes32 strings (at most 31 UTF-8 bytes each)
  | "check" // a checkbox
  | "select" // one of `options`
  | "documents"; // a set of document kinds (checkboxes) -> DocumentKind numbers

export interface FieldDef {
  name: string;
  kind: FieldKind;
  label: MessageKey;
  optional?: boolean;
  memberKinds?: string[];
  options?: readonly string[];
  min?: number;
  max?: number;
  /** Initial raw value (checkboxes: true/false; selects: an option). */
  initial?: RawValue;
}

export interface FieldError {
  key: MessageKey;
  params?: Params;
}

export type RawValue = string | boolean | string[];
export type RawValues = Record<string, RawValue | undefined>;
export type Value = bigint | number | string | boolean | string[] | number[] | undefined;
export type Values = Record<string, Value>;

export interface FormDef {
  id: string;
  title: MessageKey;
  intro?: MessageKey;
  submit: MessageKey;
  fields: FieldDef[];
  /** Checks across fields, on the parsed values (only run when every field parsed). */
  check?: (values: Values) => Record<string, FieldError>;
}

export interface ParseContext {
  /** The deposit token's decimals. */
  decimals: number;
  /** The chain's time (unix seconds), from the API's /status (the demo moves the chain clock). */
  now: number;
  /**
   * The consortium calendar's UTC offset (seconds, `ConsortiumCalendar.utcOffset()`): a date is that calendar's day,
   * as the chain compares it, not the browser's. `null` when it could not be read (the user's zone, and the page says so).
   */
  utcOffset: UtcOffset;
  /** A date input's value as unix seconds (default: `endOfDay(value, utcOffset)`). */
  toUnix?: (isoDate: string) => number;
}

export type Parsed = { ok: true; values: Values } | { ok: false; errors: Record<string, FieldError> };

const HASH = /^0x[0-9a-fA-F]{64}$/;
const HEX = /^0x(?:[0-9a-fA-F]{2})+$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The contract takes at most this many discrepancies in one examination or refusal notice. */
export const MAX_DISCREPANCIES = 16;

/** Document kinds an LC may require, by name (the SDK's DocumentKind). */
export const DOCUMENT_KIND_NAMES = Object.keys(DocumentKind) as (keyof typeof DocumentKind)[];

const utf8Length = (text: string) => new TextEncoder().encode(text).length;

/** Parses one field; `undefined` for an empty optional field. */
function parseField(
  field: FieldDef,
  raw: RawValue | undefined,
  ctx: ParseContext,
): { value?: Value; error?: FieldError } {
  const text = typeof raw === "string" ? raw.trim() : "";
  const empty =
    raw === undefined || (typeof raw === "string" && text === "") || (Array.isArray(raw) && raw.length === 0);
  if (field.kind === "check") return { value: raw === true };
  if (empty) {
    if (field.optional === true) return { value: undefined };
    const key: MessageKey =
      field.kind === "member"
        ? "form.pickMember"
        : field.kind === "date"
          ? "form.pickDate"
          : field.kind === "file"
            ? "form.pickFile"
            : field.kind === "documents"
              ? "form.pickDocuments"
              : field.kind === "amount"
                ? "form.badAmount"
                : field.kind === "lines"
                  ? "form.badLines"
                  : "form.required";
    return { error: { key, params: { decimals: ctx.decimals, max: MAX_DISCREPANCIES } } };
  }
  switch (field.kind) {
    case "member": {
      const id = Number(text);
      return Number.isSafeInteger(id) && id > 0 ? { value: id } : { error: { key: "form.pickMember" } };
    }
    case "amount": {
      try {
        const value = parseAmountInput(text, ctx.decimals);
        if (value > 0n) return { value };
      } catch {
        // falls through to the message
      }
      return { error: { key: "form.badAmount", params: { decimals: ctx.decimals } } };
    }
    case "date": {
      if (!ISO_DATE.test(text)) return { error: { key: "form.pickDate" } };
      const value = ctx.toUnix === undefined ? endOfDay(text, ctx.utcOffset) : ctx.toUnix(text);
      if (!Number.isFinite(value)) return { error: { key: "form.pickDate" } };
      if (value <= ctx.now) return { error: { key: "form.dateAfterChain", params: { now: ctx.now } } };
      return { value };
    }
    case "integer": {
      const value = Number(text);
      const min = field.min ?? 0;
      const max = field.max ?? Number.MAX_SAFE_INTEGER;
      if (!/^\d+$/.test(text) || value < min || value > max)
        return { error: { key: "form.badInteger", params: { min, max } } };
      return { value };
    }
    case "file":
      return HASH.test(text) ? { value: text.toLowerCase() } : { error: { key: "form.pickFile" } };
    case "secret":
      return HEX.test(text) ? { value: text } : { error: { key: "form.badHex" } };
    case "text":
      return { value: text };
    case "lines": {
      const lines = text
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== "");
      if (lines.length === 0 || lines.length > MAX_DISCREPANCIES)
        return { error: { key: "form.badLines", params: { max: MAX_DISCREPANCIES } } };
      const long = lines.find((line) => utf8Length(line) > 31);
      if (long !== undefined) return { error: { key: "form.lineTooLong", params: { line: long } } };
      if (new Set(lines).size !== lines.length) return { error: { key: "form.duplicateLine" } };
      return { value: lines };
    }
    case "select":
      return (field.options ?? []).includes(text) ? { value: text } : { error: { key: "form.required" } };
    case "documents": {
      const names = Array.isArray(raw) ? raw : [];
      const kinds = names.map((name) => DocumentKind[name as keyof typeof DocumentKind]);
      if (kinds.some((kind) => kind === undefined)) return { error: { key: "form.pickDocuments" } };
      return { value: [...new Set(kinds)].sort((a, b) => a - b) };
    }
  }
}

/** Every field of `def` parsed from `raw`, then the form's checks across fields; errors keyed by field name. */
export function parseForm(def: FormDef, raw: RawValues, ctx: ParseContext): Parsed {
  const values: Values = {};
  const errors: Record<string, FieldError> = {};
  for (const field of def.fields) {
    const { value, error } = parseField(field, raw[field.name] ?? field.initial, ctx);
    if (error !== undefined) errors[field.name] = error;
    else values[field.name] = value;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const across = def.check?.(values) ?? {};
  return Object.keys(across).length > 0 ? { ok: false, errors: across } : { ok: true, values };
}

/** The raw values a form starts with (its fields' `initial`). */
export function initialValues(def: FormDef): RawValues {
  return Object.fromEntries(
    def.fields.map((field) => [field.name, field.initial ?? (field.kind === "check" ? false : "")]),
  );
}

const shipmentBeforeExpiry = (values: Values): Record<string, FieldError> =>
  (values.latestShipment as number) > (values.expiry as number)
    ? { latestShipment: { key: "form.shipmentAfterExpiry" } }
    : {};

// ------------------------------------------------------------------------------------------------- the forms

/** The issuing bank issues an LC for an applicant (its customer) to a beneficiary, advised by another bank. */
export const LC_ISSUE: FormDef = {
  id: "lc-issue",
  title: "forms.lcIssue.title",
  intro: "forms.lcIssue.intro",
  submit: "forms.lcIssue.submit",
  fields: [
    { name: "applicant", kind: "member", label: "trade.applicant", memberKinds: ["Enterprise"] },
    { name: "beneficiary", kind: "member", label: "trade.beneficiary", memberKinds: ["Enterprise"] },
    { name: "advisingBank", kind: "member", label: "forms.advisingBank", memberKinds: ["Bank"] },
    { name: "amount", kind: "amount", label: "trade.amount" },
    { name: "expiry", kind: "date", label: "guarantee.expiry" },
    { name: "latestShipment", kind: "date", label: "forms.latestShipment" },
    { name: "documents", kind: "documents", label: "forms.requiredDocuments", initial: ["Invoice"] },
    { name: "partialDrawings", kind: "check", label: "forms.partialDrawings", initial: true },
    { name: "deferred", kind: "check", label: "forms.deferred" },
    { name: "tenorDays", kind: "integer", label: "forms.tenorDays", optional: true, min: 1, max: 360 },
    { name: "terms", kind: "file", label: "forms.termsFile" },
  ],
  check: (values) => ({
    ...shipmentBeforeExpiry(values),
    ...(values.deferred === true && values.tenorDays === undefined
      ? { tenorDays: { key: "form.tenorForDeferred" } as FieldError }
      : {}),
    ...(values.applicant === values.beneficiary ? { beneficiary: { key: "form.sameParty" } as FieldError } : {}),
  }),
};

/** The issuing bank proposes an amendment: new amount, expiry, latest shipment, and the amended text's hash. */
export const LC_AMEND: FormDef = {
  id: "lc-amend",
  title: "forms.lcAmend.title",
  intro: "forms.lcAmend.intro",
  submit: "forms.lcAmend.submit",
  fields: [
    { name: "amount", kind: "amount", label: "trade.amount" },
    { name: "expiry", kind: "date", label: "guarantee.expiry" },
    { name: "latestShipment", kind: "date", label: "forms.latestShipment" },
    { name: "terms", kind: "file", label: "forms.amendmentFile" },
  ],
  check: shipmentBeforeExpiry,
};

/** The honouring bank's one refusal notice (UCP 600 art. 16c): every discrepancy at once, documents held or returned. */
export const LC_REFUSAL: FormDef = {
  id: "lc-refusal",
  title: "forms.lcRefusal.title",
  intro: "forms.lcRefusal.intro",
  submit: "forms.lcRefusal.submit",
  fields: [
    { name: "discrepancies", kind: "lines", label: "forms.discrepancies" },
    { name: "notice", kind: "file", label: "forms.noticeFile" },
    { name: "holdDocuments", kind: "check", label: "forms.holdDocuments", initial: true },
  ],
};

/** The beneficiary demands payment under a guarantee: amount, the demand statement (hashed), optionally extend-or-pay. */
export const GUARANTEE_DEMAND: FormDef = {
  id: "guarantee-demand",
  title: "forms.demand.title",
  intro: "forms.demand.intro",
  submit: "forms.demand.submit",
  fields: [
    { name: "amount", kind: "amount", label: "trade.amount" },
    { name: "statement", kind: "file", label: "forms.demandFile" },
    { name: "extendTo", kind: "date", label: "forms.extendTo", optional: true },
  ],
};

export const DEMAND_DECISIONS = ["pay", "reject"] as const;

/** The guarantor decides a demand: pay it (tokens, after the allowance step) or reject it with the reasons (hashed). */
export const GUARANTEE_DECISION: FormDef = {
  id: "guarantee-decision",
  title: "forms.decision.title",
  intro: "forms.decision.intro",
  submit: "forms.decision.submit",
  fields: [
    { name: "decision", kind: "select", label: "forms.decision", options: DEMAND_DECISIONS, initial: "pay" },
    { name: "reason", kind: "file", label: "forms.reasonFile", optional: true },
  ],
  check: (values): Record<string, FieldError> =>
    values.decision === "reject" && values.reason === undefined ? { reason: { key: "form.reasonForReject" } } : {},
};

export const IDENTIFIER_KINDS = ["uscc", "resident-id", "passport", "other"] as const;
export const SUBJECT_KINDS = ["Company", "Person"] as const;
export const CREDIT_CATEGORIES = [
  "Fraud",
  "Default",
  "Overdue",
  "IdentityTheft",
  "MoneyLaundering",
  "JudgmentDebtor",
  "Other",
] as const;
/** The contract's MAX_SEVERITY. */
export const MAX_SEVERITY = 5;

/**
 * A credit reporter reports an entry: the identifier becomes the subject key in the browser (never sent), the
 * customer's consent / evidence file is hashed in the browser, the details are sealed in the browser for the regulator
 * (and readers) and only the envelope's hash goes on chain.
 */
export const CREDIT_REPORT: FormDef = {
  id: "credit-report",
  title: "forms.creditReport.title",
  intro: "forms.creditReport.intro",
  submit: "forms.creditReport.submit",
  fields: [
    { name: "consortiumKey", kind: "secret", label: "credit.consortiumKey" },
    { name: "identifierKind", kind: "select", label: "credit.kind", options: IDENTIFIER_KINDS, initial: "uscc" },
    { name: "identifier", kind: "text", label: "credit.identifier" },
    { name: "subjectKind", kind: "select", label: "forms.subjectKind", options: SUBJECT_KINDS, initial: "Company" },
    { name: "category", kind: "select", label: "credit.category", options: CREDIT_CATEGORIES, initial: "Default" },
    { name: "severity", kind: "integer", label: "credit.severity", min: 1, max: MAX_SEVERITY, initial: "3" },
    { name: "expiresAt", kind: "date", label: "guarantee.expiry" },
    { name: "evidence", kind: "file", label: "forms.evidenceFile" },
    { name: "details", kind: "text", label: "forms.details" },
  ],
};

/** The contract's bounds of a margin share (basis points; 10,000 is full cash cover). */
export const MAX_MARGIN_BPS = 10_000;

/**
 * The issuing bank sets the applicant's margin share (LcApplicantAccounts.setMarginShare), basis points of the most
 * the LC can draw; only until margin is locked.
 */
export const LC_MARGIN_SHARE: FormDef = {
  id: "lc-margin-share",
  title: "forms.marginShare.title",
  intro: "forms.marginShare.intro",
  submit: "forms.marginShare.submit",
  fields: [{ name: "shareBps", kind: "integer", label: "forms.marginShareBps", min: 1, max: MAX_MARGIN_BPS }],
};

/** The issuing bank sets the LC's presentation period (UCP 600 art. 14c: 21 days unless the LC says otherwise). */
export const LC_PRESENTATION_PERIOD: FormDef = {
  id: "lc-presentation-period",
  title: "forms.presentationPeriod.title",
  intro: "forms.presentationPeriod.intro",
  submit: "forms.presentationPeriod.submit",
  fields: [{ name: "days", kind: "integer", label: "forms.presentationPeriodDays", min: 1, max: 365, initial: "21" }],
};

/**
 * A stated shipment date (YYYY-MM-DD, the day's first second on the consortium calendar, `startOfDay(value, offset)`
 * as `toUnix`): not after the chain's time (the contract refuses a date in the future). Undefined for an empty input
 * (no statement).
 */
export function parseShipmentDate(
  text: string,
  now: number,
  toUnix: (isoDate: string) => number,
): { value?: number; error?: FieldError } {
  const trimmed = text.trim();
  if (trimmed === "") return {};
  if (!ISO_DATE.test(trimmed)) return { error: { key: "form.pickDate" } };
  const value = toUnix(trimmed);
  if (!Number.isFinite(value)) return { error: { key: "form.pickDate" } };
  if (value > now) return { error: { key: "form.shipmentInFuture" } };
  return { value };
}

/** Every form, by id (the pages and the tests take them from here). */
export const FORMS = {
  LC_ISSUE,
  LC_AMEND,
  LC_REFUSAL,
  LC_MARGIN_SHARE,
  LC_PRESENTATION_PERIOD,
  GUARANTEE_DEMAND,
  GUARANTEE_DECISION,
  CREDIT_REPORT,
} as const;

export { allowanceShortfall } from "./allowance.js";
