/**
 * Between SWIFT messages and the suite's terms. A message's fields are the full terms: they stay with the parties
 * (the locally held terms file, `SwiftTerms`) and only their canonical-JSON hash goes on chain as `termsHash`, as
 * `--terms json:<file>` hashes them. What the contracts enforce (amount, currency, tolerance, expiry, latest
 * shipment, partial drawings, deferred payment, required document kinds; a guarantee's amount and expiry) is read
 * from the fields on import and, on export, taken from the chain and checked against the terms.
 */
import { DocumentKind, hashCanonicalJson, hashUtf8, type JsonValue } from "@consortia/sdk";
import { MT700 } from "./mt700.js";
import { MT707 } from "./mt707.js";
import { MT760 } from "./mt760.js";
import { MT767 } from "./mt767.js";
import {
  type Field,
  type MessageSpec,
  type OutField,
  parseMessage,
  printMessage,
  SwiftMessageError,
  swiftAmount,
  swiftDate,
  toSwiftAmount,
  toSwiftDate,
  valueOf,
} from "./message.js";

export const MESSAGES: readonly MessageSpec[] = [MT700, MT707, MT760, MT767];

/** The locally held terms: the message type and its fields in order (tag as written, sequence, value). */
export interface SwiftTerms {
  message: string;
  fields: { tag: string; sequence: string; value: string }[];
}

export const termsOf = (spec: MessageSpec, fields: Field[]): SwiftTerms => ({
  message: `MT${spec.type}`,
  fields: fields.map((f) => ({ tag: f.tag, sequence: f.spec.sequence, value: f.value })),
});

/** The hash that goes on chain: canonical JSON, as `--terms json:<file>` computes it. */
export const termsHash = (terms: SwiftTerms): string => hashCanonicalJson(terms as unknown as JsonValue);

/** A problem with the message's content as suite terms (the message itself is well formed). */
export class SwiftMappingError extends SwiftMessageError {}

const fail = (type: string, field: Field | undefined, tag: string, message: string): never => {
  throw new SwiftMappingError(type, [{ tag: field?.tag ?? tag, line: field?.line ?? 0, message }]);
};

/** The member name a party field names: its first line that is not an account (`/…`). */
export function partyName(value: string): string {
  return (
    value
      .split("\n")
      .find((line) => !line.startsWith("/"))
      ?.trim() ?? ""
  );
}

/** Document kinds recognised in a 46A line (the rest stay in the terms only). */
const DOCUMENT_WORDS: [RegExp, number][] = [
  [/\bINVOICE\b/, DocumentKind.Invoice],
  [/\b(BILLS? OF LADING|WAYBILL|TRANSPORT DOCUMENT|CMR|AIR WAYBILL|CARGO RECEIPT)\b/, DocumentKind.TransportDocument],
  [/\bINSURANCE (POLICY|CERTIFICATE)\b/, DocumentKind.Insurance],
  [/\bINSPECTION CERTIFICATE\b/, DocumentKind.Inspection],
  [/\b(PACKING LIST|DELIVERY NOTE)\b/, DocumentKind.Delivery],
  [/\b(IMPORT|EXPORT) LICEN[CS]E\b/, DocumentKind.Licence],
  [/\bCONTRACT\b/, DocumentKind.Contract],
];

/** Each document of 46A (one per line starting with `+`, or per line) → its kind, or undefined. */
export function documentKindsOf(value: string): { kinds: number[]; unrecognised: string[] } {
  const items = value.includes("\n+") || value.startsWith("+") ? value.split(/\n(?=\+)/) : value.split("\n");
  const kinds = new Set<number>();
  const unrecognised: string[] = [];
  for (const item of items) {
    const text = item.replace(/\n/g, " ").toUpperCase();
    const match = DOCUMENT_WORDS.find(([re]) => re.test(text));
    if (match === undefined) unrecognised.push(item.replace(/^\+/, "").split("\n")[0]);
    else kinds.add(match[1]);
  }
  return { kinds: [...kinds].sort((x, y) => x - y), unrecognised };
}

/** What `lc issue` needs from an MT 700, parties as member names. */
export interface LcImport {
  terms: SwiftTerms;
  termsHash: string;
  parties: { applicant: string; beneficiary: string; nominatedBank?: string; advisingBank?: string };
  amount: string;
  currency: string;
  tolerancePlus: number;
  toleranceMinus: number;
  expiry: number;
  latestShipment: number;
  deferred: boolean;
  tenorDays: number;
  partialDrawings: boolean;
  requiredDocuments: number[];
  /** Documents of 46A whose kind the chain cannot check: held in the terms only. */
  documentsInTermsOnly: string[];
  /** 40A IRREVOCABLE TRANSFERABLE (UCP 600 art. 38): the suite issues no transferable credit yet. */
  transferable: boolean;
  /** 48: days after shipment for presentation (LcPresentationChecks; undefined: the 21 days of art. 14c). */
  presentationPeriodDays?: number;
  /** 49: the confirmation instruction; CONFIRM and MAY ADD go to the nominated bank (LcConfirmations, art. 8). */
  confirmation: ConfirmationInstruction;
}

/** MT 700 field 49 (and MT 707's): request (CONFIRM), authorisation (MAY ADD) or none (WITHOUT). */
export const CONFIRMATION_INSTRUCTIONS = ["CONFIRM", "MAY ADD", "WITHOUT"] as const;
export type ConfirmationInstruction = (typeof CONFIRMATION_INSTRUCTIONS)[number];

/** The longest presentation period LcPresentationChecks accepts (MAX_PRESENTATION_PERIOD_DAYS). */
export const MAX_PRESENTATION_PERIOD_DAYS = 365;
/** UCP 600 art. 14c: the period when the credit states none. */
export const DEFAULT_PRESENTATION_PERIOD_DAYS = 21;

const TENOR = /(\d{1,5}) DAYS/;

export function importMt700(text: string): LcImport {
  const fields = parseMessage(MT700, text);
  const get = (tag: string) => valueOf(fields, tag);
  const must = (tag: string) => get(tag) ?? fail("700", undefined, tag, "missing");
  const sequence = must("27");
  if (sequence.value !== "1/1")
    fail("700", sequence, "27", "only a complete credit (1/1) is imported: MT 701 continuations are not read");
  const amount = must("32B");
  const tolerance = get("39A");
  const [plus, minus] = (tolerance?.value ?? "0/0").split("/").map(Number);
  if (plus > 100 || minus > 100) fail("700", tolerance, "39A", "a tolerance is a percentage up to 100");
  const available = must("41a");
  const [withLine, ...rest] = available.value.split("\n");
  const by = rest.join(" ").trim();
  const nominated = available.tag === "41D" && !/^ANY BANK\b/.test(withLine) ? withLine.trim() : undefined;
  if (available.tag === "41A")
    fail("700", available, "41A", "give the nominated bank by name (41D): the suite names members, not BICs");
  const deferred = /^BY (DEF PAYMENT|ACCEPTANCE)$/.test(by);
  if (!/^BY (PAYMENT|DEF PAYMENT|ACCEPTANCE|NEGOTIATION|MIXED PYMT)$/.test(by))
    fail("700", available, "41a", `unknown "by" code ${JSON.stringify(by)}`);
  const tenorField = get("42P") ?? get("42C");
  const tenorDays = deferred ? Number(TENOR.exec(tenorField?.value ?? "")?.[1] ?? NaN) : 0;
  if (deferred && (Number.isNaN(tenorDays) || tenorDays > 65_535)) {
    fail("700", tenorField, "42P", "a deferred credit states its tenor as <n> DAYS in 42P or 42C");
  }
  const expiryField = must("31D");
  const shipment = get("44C");
  if (shipment === undefined)
    fail("700", undefined, "44C", "the suite checks the latest shipment date: 44C is required");
  const date = (field: Field, value: string) => {
    try {
      return swiftDate(value);
    } catch (error) {
      return fail("700", field, field.tag, (error as Error).message);
    }
  };
  const expiry = date(expiryField, expiryField.value.slice(0, 6));
  const latestShipment = date(shipment!, shipment!.value);
  if (latestShipment > expiry) fail("700", shipment, "44C", "the latest shipment date is after the expiry (31D)");
  const documents = documentKindsOf(get("46A")?.value ?? "");
  if (documents.kinds.length === 0)
    fail("700", get("46A"), "46A", "no document the suite can check is required (invoice, transport document, …)");
  const partial = get("43P")?.value;
  const advise = get("57a");
  const form = must("40A");
  if (form.value !== "IRREVOCABLE" && form.value !== "IRREVOCABLE TRANSFERABLE")
    fail("700", form, "40A", "a credit is IRREVOCABLE or IRREVOCABLE TRANSFERABLE (UCP 600 art. 3, 38)");
  const period = get("48");
  const periodDays = period === undefined ? undefined : Number(period.value.split("/")[0]);
  if (periodDays !== undefined && (periodDays < 1 || periodDays > MAX_PRESENTATION_PERIOD_DAYS))
    fail("700", period, "48", `the period for presentation is 1 to ${MAX_PRESENTATION_PERIOD_DAYS} days`);
  const instruction = must("49");
  const confirmation = instruction.value as ConfirmationInstruction;
  if (!CONFIRMATION_INSTRUCTIONS.includes(confirmation))
    fail("700", instruction, "49", "the confirmation instruction is CONFIRM, MAY ADD or WITHOUT");
  if (confirmation !== "WITHOUT" && nominated === undefined)
    fail("700", instruction, "49", "only the nominated bank (41D) confirms in the suite: name it, or WITHOUT");
  const requested = get("58a");
  if (requested !== undefined && confirmation !== "WITHOUT") {
    if (requested.tag === "58A")
      fail("700", requested, "58A", "give the requested confirmation party by name (58D): the suite names members");
    if (partyName(requested.value) !== nominated)
      fail("700", requested, requested.tag, "the requested confirmation party must be the nominated bank (41D)");
  }
  const terms = termsOf(MT700, fields);
  return {
    terms,
    termsHash: termsHash(terms),
    parties: {
      applicant: partyName(must("50").value),
      beneficiary: partyName(must("59").value),
      nominatedBank: nominated,
      advisingBank: advise?.tag === "57D" ? partyName(advise.value) : undefined,
    },
    amount: swiftAmount(amount.value.slice(3)),
    currency: amount.value.slice(0, 3),
    tolerancePlus: plus,
    toleranceMinus: minus,
    expiry,
    latestShipment,
    deferred,
    tenorDays,
    partialDrawings: partial === "ALLOWED",
    requiredDocuments: documents.kinds,
    documentsInTermsOnly: documents.unrecognised,
    transferable: form.value === "IRREVOCABLE TRANSFERABLE",
    presentationPeriodDays: periodDays,
    confirmation,
  };
}

/** The on-chain part of an LC as export reads it (amounts as decimal text). */
export interface LcOnChain {
  amount: string;
  currency: string;
  tolerancePlus: number;
  toleranceMinus: number;
  expiry: number;
  latestShipment: number;
  partialDrawings: boolean;
  termsHash: string;
  /** LcPresentationChecks' period for this LC (undefined: not deployed; field 48 left as in the terms). */
  presentationPeriodDays?: number;
  /** From LcConfirmations (undefined: not deployed; field 49 left as in the terms). */
  confirmation?: ConfirmationInstruction;
}

/** Checks that locally held terms are the ones the chain holds the hash of, and are of the message type wanted. */
export function checkTerms(terms: SwiftTerms, onChainHash: string, message: string): void {
  if (terms.message !== message) throw new Error(`the terms file holds ${terms.message} terms, not ${message}`);
  const hash = termsHash(terms);
  if (hash.toLowerCase() !== onChainHash.toLowerCase()) {
    throw new Error(`the terms file hashes to ${hash}, the chain holds ${onChainHash}: not the terms of this record`);
  }
}

const out = (terms: SwiftTerms): OutField[] =>
  terms.fields.map((f) => ({ tag: f.tag, value: f.value, sequence: f.sequence }));

function replace(fields: OutField[], tag: string, value: string | undefined, sequence?: string): void {
  const index = fields.findIndex(
    (f) =>
      f.tag.slice(0, 2) === tag.slice(0, 2) &&
      f.tag.length === tag.length &&
      (sequence === undefined || f.sequence === sequence) &&
      f.tag === tag,
  );
  if (value === undefined) {
    if (index >= 0) fields.splice(index, 1);
  } else if (index >= 0) fields[index] = { ...fields[index], value };
  else fields.push({ tag, value, sequence });
}

/** MT 700 from the chain's record and the locally held terms it hashes. */
export function exportMt700(record: LcOnChain, terms: SwiftTerms): string {
  checkTerms(terms, record.termsHash, "MT700");
  const fields = out(terms);
  const place = fields.find((f) => f.tag === "31D")?.value.slice(6) ?? "";
  replace(fields, "31D", `${toSwiftDate(record.expiry)}${place}`);
  replace(fields, "32B", `${record.currency}${toSwiftAmount(record.amount)}`);
  const tolerance = `${String(record.tolerancePlus).padStart(2, "0")}/${String(record.toleranceMinus).padStart(2, "0")}`;
  replace(
    fields,
    "39A",
    record.tolerancePlus === 0 && record.toleranceMinus === 0 && !fields.some((f) => f.tag === "39A")
      ? undefined
      : tolerance,
  );
  replace(fields, "44C", toSwiftDate(record.latestShipment));
  const partial = fields.find((f) => f.tag === "43P")?.value;
  replace(fields, "43P", record.partialDrawings ? "ALLOWED" : partial === "CONDITIONAL" ? partial : "NOT ALLOWED");
  const days = record.presentationPeriodDays;
  const period = fields.find((f) => f.tag === "48")?.value;
  if (days !== undefined && (period !== undefined || days !== DEFAULT_PRESENTATION_PERIOD_DAYS)) {
    // the days from the chain, the narrative (e.g. FROM THE DATE OF SHIPMENT) from the terms
    const narrative = period?.includes("/") ? period.slice(period.indexOf("/")) : "";
    replace(fields, "48", `${days}${narrative}`);
  }
  if (record.confirmation !== undefined) replace(fields, "49", record.confirmation);
  return printMessage(MT700, fields);
}

/** An amendment as the chain holds it (pending or accepted) and the date and number it goes out under. */
export interface LcAmendment {
  amount: string;
  previousAmount: string;
  currency: string;
  expiry: number;
  latestShipment: number;
  termsHash: string;
  number: number;
  date: number;
  issuingBank: string;
}

/** MT 707 from the terms the LC was issued with, the chain's amendment and (optional) the amended terms. */
export function exportMt707(issued: SwiftTerms, amendment: LcAmendment, amended?: SwiftTerms): string {
  if (issued.message !== "MT700") throw new Error(`the issued terms file holds ${issued.message} terms, not MT700`);
  if (amended !== undefined) checkTerms(amended, amendment.termsHash, "MT700");
  const value = (terms: SwiftTerms, tag: string) => terms.fields.find((f) => f.tag === tag)?.value;
  const fields: OutField[] = [
    { tag: "27", value: "1/1" },
    { tag: "20", value: value(issued, "20") ?? "NONREF" },
    { tag: "21", value: "NONREF" },
    { tag: "52D", value: amendment.issuingBank.slice(0, 35) },
    { tag: "31C", value: value(issued, "31C") ?? toSwiftDate(amendment.date) },
    { tag: "26E", value: String(amendment.number) },
    { tag: "30", value: toSwiftDate(amendment.date) },
    { tag: "22A", value: "ISSU" },
  ];
  const before = Number(swiftAmount((value(issued, "32B") ?? "XXX0,").slice(3)));
  const after = Number(amendment.amount);
  const delta = Math.abs(after - Number(amendment.previousAmount ?? before)).toFixed(
    amendment.amount.split(".")[1]?.length ?? 0,
  );
  if (after > Number(amendment.previousAmount))
    fields.push({ tag: "32B", value: `${amendment.currency}${toSwiftAmount(delta)}` });
  if (after < Number(amendment.previousAmount))
    fields.push({ tag: "33B", value: `${amendment.currency}${toSwiftAmount(delta)}` });
  const place = value(amended ?? issued, "31D")?.slice(6) ?? "";
  if (toSwiftDate(amendment.expiry) !== value(issued, "31D")?.slice(0, 6)) {
    fields.push({ tag: "31D", value: `${toSwiftDate(amendment.expiry)}${place}` });
  }
  if (toSwiftDate(amendment.latestShipment) !== value(issued, "44C")) {
    fields.push({ tag: "44C", value: toSwiftDate(amendment.latestShipment) });
  }
  if (amended !== undefined) {
    for (const [from, to] of [
      ["45A", "45B"],
      ["46A", "46B"],
      ["47A", "47B"],
    ]) {
      const now = value(amended, from);
      if (now !== undefined && now !== value(issued, from)) fields.push({ tag: to, value: `/REPALL/\n${now}` });
    }
  }
  return printMessage(MT707, fields);
}

/** What `guarantee apply` needs from an MT 760, parties as member names. */
export interface GuaranteeImport {
  terms: SwiftTerms;
  termsHash: string;
  parties: { applicant?: string; guarantor: string; beneficiary: string };
  undertakingNumber: string;
  /** keccak-256 of the undertaking number: the reference `guarantee issue --reference` and `verify` use. */
  reference: string;
  amount: string;
  currency: string;
  expiry: number;
  /** keccak-256 of 45L (underlying transaction), or undefined. */
  tenderReference?: string;
}

export function importMt760(text: string): GuaranteeImport {
  const fields = parseMessage(MT760, text);
  const get = (tag: string, sequence = "B") => valueOf(fields, tag, sequence);
  const must = (tag: string, sequence = "B") => get(tag, sequence) ?? fail("760", undefined, tag, "missing");
  const purpose = must("22A", "A");
  if (purpose.value !== "ISSU")
    fail(
      "760",
      purpose,
      "22A",
      `${purpose.value}: only a direct undertaking (ISSU) is imported; counter-undertakings are not`,
    );
  if (must("27", "A").value !== "1/1")
    fail(
      "760",
      get("27", "A"),
      "27",
      "only a complete undertaking (1/1) is imported: MT 761 continuations are not read",
    );
  const form = must("22D");
  if (form.value !== "DGAR")
    fail("760", form, "22D", `${form.value}: only demand guarantees (DGAR) are a suite guarantee`);
  const expiryType = must("23B");
  if (expiryType.value !== "FIXD")
    fail("760", expiryType, "23B", `${expiryType.value}: the suite needs a fixed expiry date (FIXD with 31E)`);
  const expiryField = get("31E") ?? fail("760", expiryType, "31E", "FIXD needs a date of expiry (31E)");
  let expiry = 0;
  try {
    expiry = swiftDate(expiryField.value);
  } catch (error) {
    fail("760", expiryField, "31E", (error as Error).message);
  }
  const issuer = must("52a");
  if (issuer.tag === "52A")
    fail("760", issuer, "52A", "give the issuer by name (52D): the suite names members, not BICs");
  const beneficiary = must("59a");
  if (beneficiary.tag === "59A")
    fail("760", beneficiary, "59A", "give the beneficiary by name (59): the suite names members, not BICs");
  const amount = must("32B");
  const underlying = get("45L");
  const terms = termsOf(MT760, fields);
  const number = must("20").value;
  const applicant = get("50");
  return {
    terms,
    termsHash: termsHash(terms),
    parties: {
      applicant: applicant === undefined ? undefined : partyName(applicant.value),
      guarantor: partyName(issuer.value),
      beneficiary: partyName(beneficiary.value),
    },
    undertakingNumber: number,
    reference: hashUtf8(number),
    amount: swiftAmount(amount.value.slice(3)),
    currency: amount.value.slice(0, 3),
    expiry,
    tenderReference: underlying === undefined ? undefined : hashUtf8(underlying.value),
  };
}

export interface GuaranteeOnChain {
  amount: string;
  currency: string;
  expiry: number;
  termsHash: string;
}

/** MT 760 from the chain's record and the locally held terms it hashes. */
export function exportMt760(record: GuaranteeOnChain, terms: SwiftTerms): string {
  checkTerms(terms, record.termsHash, "MT760");
  const fields = out(terms);
  replace(fields, "31E", toSwiftDate(record.expiry), "B");
  replace(fields, "32B", `${record.currency}${toSwiftAmount(record.amount)}`, "B");
  return printMessage(MT760, fields);
}

export interface GuaranteeAmendment {
  amount: string;
  previousAmount: string;
  currency: string;
  expiry: number;
  previousExpiry: number;
  number: number;
  date: number;
  issuer: string;
  /** The amendment's text (77U), whose hash the chain holds. */
  text?: string;
}

/** MT 767 from the terms the guarantee was issued with and the chain's amendment. */
export function exportMt767(issued: SwiftTerms, amendment: GuaranteeAmendment): string {
  if (issued.message !== "MT760") throw new Error(`the issued terms file holds ${issued.message} terms, not MT760`);
  const number = issued.fields.find((f) => f.tag === "20" && f.sequence === "B")?.value ?? "NONREF";
  const fields: OutField[] = [
    { tag: "15A", value: "", sequence: "A" },
    { tag: "27", value: "1/1", sequence: "A" },
    { tag: "21", value: number, sequence: "A" },
    { tag: "22A", value: "ISCA", sequence: "A" },
    { tag: "15B", value: "", sequence: "B" },
    { tag: "20", value: number, sequence: "B" },
    { tag: "26E", value: String(amendment.number), sequence: "B" },
    { tag: "30", value: toSwiftDate(amendment.date), sequence: "B" },
    { tag: "52D", value: amendment.issuer.slice(0, 35), sequence: "B" },
  ];
  const after = Number(amendment.amount);
  const before = Number(amendment.previousAmount);
  const delta = Math.abs(after - before).toFixed(amendment.amount.split(".")[1]?.length ?? 0);
  if (after > before) fields.push({ tag: "32B", value: `${amendment.currency}${toSwiftAmount(delta)}`, sequence: "B" });
  if (after < before) fields.push({ tag: "33B", value: `${amendment.currency}${toSwiftAmount(delta)}`, sequence: "B" });
  if (toSwiftDate(amendment.expiry) !== toSwiftDate(amendment.previousExpiry)) {
    fields.push(
      { tag: "23B", value: "FIXD", sequence: "B" },
      { tag: "31E", value: toSwiftDate(amendment.expiry), sequence: "B" },
    );
  }
  if (amendment.text !== undefined) fields.push({ tag: "77U", value: amendment.text, sequence: "B" });
  return printMessage(MT767, fields);
}

/** The field-mapping table of docs/swift.md, generated from the declared tables. */
export function mappingMarkdown(): string {
  const lines = [
    "# SWIFT MT field mapping",
    "",
    "Generated from the field tables in `src/cli/swift/` (`UPDATE_SWIFT_DOCS=1 npx hardhat test mocha",
    "test/cli/swift.test.ts` rewrites it; the test fails when it differs). `chain:<field>` is an on-chain term the",
    "contracts enforce; `terms` stays in the locally held terms file, whose canonical-JSON hash is the record's",
    "`termsHash`. M: mandatory, O: optional (within its sequence). Formats in SWIFT notation; X and Z character sets.",
    "ISO 20022: for MT 760/767 the element of tsrv.001 UndertakingIssuance / tsrv.004 UndertakingAmendment; for MT",
    "700/707 an indicative element name (no ISO 20022 documentary-credit message is mapped yet). The last column gives",
    "the term used in Chinese practice (domestic L/C, 国内信用证); CNAPS payment-message elements are not mapped yet.",
    "",
  ];
  for (const spec of MESSAGES) {
    lines.push(
      `## MT ${spec.type} ${spec.title}`,
      "",
      "| Seq | Tag | Name | M/O | Format | Suite | ISO 20022 | Chinese term |",
      "|---|---|---|---|---|---|---|---|",
    );
    for (const f of spec.fields) {
      const format =
        typeof f.format === "string"
          ? f.format === ""
            ? "(empty)"
            : f.format
          : Object.entries(f.format)
              .map(([option, notation]) => `${option === "" ? "no letter" : option}: ${notation}`)
              .join("; ");
      const cell = (text: string | undefined) => (text ?? "").replace(/\n/g, " ").replace(/\|/g, "\\|");
      lines.push(
        `| ${f.sequence || "-"} | ${f.tag} | ${cell(f.name)} | ${f.presence} | \`${cell(format)}\` | ${cell(f.suite)} | ${cell(f.iso20022)} | ${cell(f.cnaps)} |`,
      );
    }
    lines.push("");
  }
  return lines.join("\n");
}
