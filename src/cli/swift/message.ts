/**
 * SWIFT MT (FIN) text blocks: one declared field table per message type (`./mt700.ts` …), from which the parser, the
 * printer and the field-mapping table in docs/swift.md are derived. Checks the X and Z character sets, the line and
 * field length rules of each field's format, field order, mandatory fields per sequence and unknown tags; every
 * problem is reported with its tag and line.
 */

/** One field of a message type's table. Tags with a lower-case letter (`41a`) take the letter options listed. */
export interface FieldSpec {
  /** The tag as the standard writes it: `20`, `32B`, `41a` (letter options in `options`). */
  tag: string;
  name: string;
  /** M (mandatory) or O (optional) within its sequence. */
  presence: "M" | "O";
  /** SWIFT format notation, lines separated by `\n`; per letter option for `a` tags. Empty string: empty field. */
  format: string | Record<string, string>;
  /** Sequence (MT 760/767: A, B, C; "" for messages without sequences). */
  sequence: string;
  /** ISO 20022 message element the field corresponds to (tsin/tsmt/ the MX for guarantees), when there is one. */
  iso20022?: string;
  /** CNAPS (China's HVPS/BEPS and the domestic L/C scheme) name, when there is one. */
  cnaps?: string;
  /** Where the suite keeps it: `chain:<field>` (on-chain term), `terms` (locally held terms, hashed on chain). */
  suite: string;
}

export interface MessageSpec {
  type: string;
  title: string;
  fields: readonly FieldSpec[];
  /** Sequences that may be left out whole (their mandatory fields bind only when the sequence is present). */
  optionalSequences?: readonly string[];
}

/** A parsed field: its tag as written (`41D`), the table entry, its value and the line it starts on. */
export interface Field {
  tag: string;
  spec: FieldSpec;
  value: string;
  line: number;
}

export interface Problem {
  tag: string;
  line: number;
  message: string;
}

/** A message with one or more problems, each with its tag and line (1-based in the file). */
export class SwiftMessageError extends Error {
  constructor(
    readonly type: string,
    readonly problems: Problem[],
  ) {
    super(
      `MT ${type}: ${problems.length} problem${problems.length === 1 ? "" : "s"}\n` +
        problems.map((p) => `  line ${p.line}, field ${p.tag}: ${p.message}`).join("\n"),
    );
    this.name = "SwiftMessageError";
  }
}

/** SWIFT X character set (no CrLf: lines are split first). */
const X = "A-Za-z0-9/\\-?:().,'+ ";
/** SWIFT Z character set: X plus = ! " % & * < > ; { @ # _ */
const Z = `${X}=!"%&*<>;{@#_`;
const CLASSES: Record<string, string> = {
  n: "0-9",
  a: "A-Z",
  c: "A-Z0-9",
  x: X,
  z: Z,
  d: "0-9,",
  h: "0-9A-F",
  e: " ",
};

/** Compiles one line of SWIFT format notation (`3!a15d`, `[/34x]`, `4!c[/35x]`) into a regular expression source. */
function compileLine(notation: string): string {
  let out = "";
  let i = 0;
  while (i < notation.length) {
    const ch = notation[i];
    if (ch === "[") {
      const end = notation.indexOf("]", i);
      out += `(?:${compileLine(notation.slice(i + 1, end))})?`;
      i = end + 1;
      continue;
    }
    const m = /^(\d+)(\*(\d+))?(!)?([ncaxzdhe])/.exec(notation.slice(i));
    if (m === null) {
      out += ch.replace(/[/\\^$.*+?()[\]{}|-]/g, "\\$&");
      i += 1;
      continue;
    }
    const [token, count, , lineLength, fixed, set] = m;
    const cls = `[${CLASSES[set]}]`;
    if (lineLength !== undefined) {
      const line = `${cls}{1,${lineLength}}`;
      out += `${line}(?:\\n${line}){0,${Number(count) - 1}}`;
    } else if (set === "d") {
      // decimal: digits, one decimal comma, at most `count` characters in all
      out += `(?=[0-9,]{1,${count}}(?![0-9,]))[0-9]+,[0-9]*`;
    } else {
      out += fixed === undefined ? `${cls}{1,${count}}` : `${cls}{${count}}`;
    }
    i += token.length;
  }
  return out;
}

const compiled = new Map<string, RegExp>();

/** The regular expression of a (multi-line) format: a line that is all optional folds its line break in. */
export function formatPattern(notation: string): RegExp {
  let re = compiled.get(notation);
  if (re === undefined) {
    const lines = notation.split("\n");
    const optional = (line: string) => /^(\[[^\]]*\])+$/.test(line);
    let source = "";
    lines.forEach((line, index) => {
      const last = index === lines.length - 1;
      if (optional(line) && !last) source += `(?:${compileLine(line)}\\n)?`;
      else if (optional(line) && index > 0) source += `(?:\\n${compileLine(line.slice(1, -1))})?`;
      else
        source +=
          compileLine(line) + (last || (optional(lines[index + 1]) && index + 1 === lines.length - 1) ? "" : "\\n");
    });
    re = new RegExp(`^${source}$`);
    compiled.set(notation, re);
  }
  return re;
}

/** The table entry and format for a tag as written (`41D` → entry `41a`, option D), or undefined. */
function entryFor(spec: FieldSpec, tag: string): string | undefined {
  if (typeof spec.format === "string") return spec.tag === tag ? spec.format : undefined;
  if (tag.slice(0, -1) !== spec.tag.slice(0, -1) && !(spec.tag.endsWith("a") && tag === spec.tag.slice(0, -1))) {
    return undefined;
  }
  const option = tag === spec.tag.slice(0, -1) ? "" : tag.slice(-1);
  return spec.format[option];
}

/** Checks a value against its field's format and the character sets; returns the problem or undefined. */
export function checkValue(spec: FieldSpec, tag: string, value: string): string | undefined {
  const format = entryFor(spec, tag);
  if (format === undefined)
    return `option ${tag.slice(-1)} is not one of ${Object.keys(spec.format as object).join(", ")}`;
  if (format === "") return value === "" ? undefined : "must be empty";
  const charset = /z/.test(format) ? new RegExp(`^[${Z}\\n]*$`) : new RegExp(`^[${X}\\n]*$`);
  const bad = [...value].find((c) => !charset.test(c));
  if (bad !== undefined)
    return `character ${JSON.stringify(bad)} is outside the SWIFT ${/z/.test(format) ? "Z" : "X"} character set`;
  const lines = value.split("\n");
  const badLine = lines.findIndex((line, index) => index > 0 && /^[-:]/.test(line));
  if (badLine > 0) return `line ${badLine + 1} of the field starts with "${lines[badLine][0]}"`;
  if (!formatPattern(format).test(value)) return `does not match the format ${format.replace(/\n/g, " / ")}`;
  return undefined;
}

/** The block 4 text of a FIN message, or the whole text when it has no blocks; with the line it starts on. */
function textBlock(text: string): { body: string; firstLine: number } {
  const start = text.indexOf("{4:");
  if (start < 0) return { body: text, firstLine: 1 };
  const firstLine = text.slice(0, start).split("\n").length;
  const end = text.indexOf("\n-}", start);
  const body = text.slice(start + 3, end < 0 ? undefined : end);
  return { body: body.startsWith("\n") ? body.slice(1) : body, firstLine: firstLine + (body.startsWith("\n") ? 1 : 0) };
}

/** Parses a message of type `spec`; throws `SwiftMessageError` listing every problem. */
export function parseMessage(spec: MessageSpec, text: string): Field[] {
  const { body, firstLine } = textBlock(text.replace(/\r\n?/g, "\n"));
  const lines = body.split("\n");
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const raw: { tag: string; line: number; lines: string[] }[] = [];
  const problems: Problem[] = [];
  lines.forEach((line, index) => {
    const lineNo = firstLine + index;
    const m = /^:(\d\d[A-Z]?):(.*)$/.exec(line);
    if (m !== null) raw.push({ tag: m[1], line: lineNo, lines: [m[2]] });
    else if (raw.length === 0) problems.push({ tag: "-", line: lineNo, message: "text before the first field tag" });
    else raw[raw.length - 1].lines.push(line);
  });
  const fields: Field[] = [];
  let position = 0;
  const seen = new Set<number>();
  for (const item of raw) {
    const value = item.lines.join("\n");
    const tail = spec.fields.slice(position);
    const exact = tail.findIndex((f) => entryFor(f, item.tag) !== undefined);
    const ahead = exact >= 0 ? exact : tail.findIndex((f) => sameBase(f, item.tag));
    if (ahead < 0) {
      const known = spec.fields.some((f) => entryFor(f, item.tag) !== undefined || sameBase(f, item.tag));
      problems.push({
        tag: item.tag,
        line: item.line,
        message: known ? "out of order or repeated" : `unknown field in MT ${spec.type}`,
      });
      continue;
    }
    const index = position + ahead;
    const fieldSpec = spec.fields[index];
    position = index + 1;
    seen.add(index);
    const problem = checkValue(fieldSpec, item.tag, value);
    if (problem !== undefined) problems.push({ tag: item.tag, line: item.line, message: problem });
    fields.push({ tag: item.tag, spec: fieldSpec, value, line: item.line });
  }
  const present = new Set(fields.map((f) => f.spec.sequence));
  const lastLine = firstLine + Math.max(lines.length - 1, 0);
  spec.fields.forEach((f, index) => {
    if (f.presence === "M" && !seen.has(index) && (present.has(f.sequence) || isMandatorySequence(spec, f.sequence))) {
      problems.push({ tag: f.tag, line: lastLine, message: `mandatory field ${f.tag} (${f.name}) is missing` });
    }
  });
  if (problems.length > 0)
    throw new SwiftMessageError(
      spec.type,
      problems.sort((a, b) => a.line - b.line),
    );
  return fields;
}

/** `41D` against entry `41a`: same number, a letter option (used to tell "bad option" from "unknown tag"). */
function sameBase(spec: FieldSpec, tag: string): boolean {
  return spec.tag.endsWith("a") && tag.slice(0, 2) === spec.tag.slice(0, 2) && tag.length <= 3;
}

/** A sequence is mandatory unless the table lists it as optional. */
function isMandatorySequence(spec: MessageSpec, sequence: string): boolean {
  return !(spec.optionalSequences ?? []).includes(sequence);
}

/** A field to print: the tag as written (`41D`) and its value; `sequence` picks the entry where a tag repeats. */
export interface OutField {
  tag: string;
  value: string;
  sequence?: string;
}

/** Prints fields in table order as block 4 text (`:tag:value` lines); checks each, and parses the result back. */
export function printMessage(spec: MessageSpec, out: OutField[]): string {
  const problems: Problem[] = [];
  const placed = out.map((field) => {
    const index = spec.fields.findIndex(
      (f) => (field.sequence === undefined || f.sequence === field.sequence) && entryFor(f, field.tag) !== undefined,
    );
    if (index < 0) problems.push({ tag: field.tag, line: 0, message: `no such field in MT ${spec.type}` });
    else {
      const problem = checkValue(spec.fields[index], field.tag, field.value);
      if (problem !== undefined) problems.push({ tag: field.tag, line: 0, message: problem });
    }
    return { index, field };
  });
  if (problems.length > 0) throw new SwiftMessageError(spec.type, problems);
  const text = placed
    .sort((a, b) => a.index - b.index)
    .map(({ field }) => `:${field.tag}:${field.value}`)
    .join("\n");
  parseMessage(spec, text);
  return `${text}\n`;
}

/** The value of the first field with this tag (any letter option for `41a`) in `sequence`, or undefined. */
export function valueOf(fields: Field[], tag: string, sequence?: string): Field | undefined {
  return fields.find((f) => f.spec.tag === tag && (sequence === undefined || f.spec.sequence === sequence));
}

/** YYMMDD → unix seconds of that day's end (23:59:59 UTC): a SWIFT date is a whole day. */
export function swiftDate(value: string): number {
  const yy = Number(value.slice(0, 2));
  const year = yy < 80 ? 2000 + yy : 1900 + yy;
  const ms = Date.UTC(year, Number(value.slice(2, 4)) - 1, Number(value.slice(4, 6)));
  const date = new Date(ms);
  if (Number.isNaN(ms) || date.getUTCDate() !== Number(value.slice(4, 6))) throw new Error(`no such date ${value}`);
  return ms / 1000 + 86_399;
}

/** Unix seconds → YYMMDD (UTC). */
export function toSwiftDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${String(d.getUTCFullYear() % 100).padStart(2, "0")}${String(d.getUTCMonth() + 1).padStart(2, "0")}${String(d.getUTCDate()).padStart(2, "0")}`;
}

/** SWIFT amount `10000,5` → decimal text `10000.5`. */
export const swiftAmount = (value: string): string => value.replace(",", ".").replace(/\.$/, "");

/** Decimal text `10000.50` → SWIFT amount `10000,50` (the comma is mandatory). */
export const toSwiftAmount = (value: string): string => (value.includes(".") ? value.replace(".", ",") : `${value},`);
