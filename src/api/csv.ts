/**
 * CSV export of API answers (RFC 4180): a header line, then one line per row, fields separated by commas, lines by
 * CRLF. A field is quoted when it holds a comma, a double quote, CR or LF, or starts or ends with a space; a double quote
 * inside is doubled. Amounts stay exact integers in minor units (a `decimals` column says where the point goes): no
 * rounding, no thousands separators.
 *
 * Text that a spreadsheet would run as a formula (first character `=`, `+`, `-`, `@`, tab or CR: CSV injection) is
 * prefixed with `'`. Numbers (integers, including negative ones) are written as they are.
 */

/** A cell: text, a number or bigint (written exactly), a boolean, or empty (null/undefined). */
export type CsvCell = string | number | bigint | boolean | null | undefined;

const NUMBER = /^-?[0-9]+$/;
const FORMULA = /^[=+\-@\t\r]/;

/** One field, quoted when needed. */
export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`csv: ${value} is not a finite number`);
    return Number.isInteger(value) ? BigInt(value).toString() : String(value);
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  let text = value;
  if (!NUMBER.test(text) && FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n]|^ | $/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A CSV document of `rows` with `columns` (in that order) as its header. */
export function toCsv(columns: readonly string[], rows: readonly Record<string, CsvCell>[]): string {
  const lines = [columns.map(csvField).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** A route's CSV rendering: its columns and rows, and the file name offered to a browser. */
export interface CsvTable {
  filename: string;
  columns: readonly string[];
  rows: readonly Record<string, CsvCell>[];
}
