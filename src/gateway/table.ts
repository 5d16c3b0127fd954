import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { grants, type TableMetadata } from "./metadata.js";

/** A table read from a dataset file: its column names and rows (CSV cells are strings; JSON keeps its values). */
export interface Table {
  format: "csv" | "json";
  columns: string[];
  rows: unknown[][];
}

/** A table file that cannot be read as its metadata document says. */
export class TableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TableError";
  }
}

/** Reads a CSV file (header row first) or a JSON array of flat objects. */
export function readTable(bytes: Uint8Array, format: "csv" | "json"): Table {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new TableError("not UTF-8 text");
  }
  return format === "csv" ? readCsv(text) : readJson(text);
}

function readCsv(text: string): Table {
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: false, skip_empty_lines: true }) as string[][];
  } catch (error) {
    throw new TableError(`not CSV: ${(error as Error).message}`);
  }
  const [columns, ...rows] = records;
  if (columns === undefined) throw new TableError("no header row");
  checkColumns(columns);
  return { format: "csv", columns, rows };
}

function readJson(text: string): Table {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TableError(`not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(json)) throw new TableError("a JSON table is an array of objects");
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of json) {
    if (row === null || typeof row !== "object" || Array.isArray(row)) {
      throw new TableError("a JSON table is an array of objects");
    }
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  const rows = (json as Record<string, unknown>[]).map((row) => columns.map((c) => row[c]));
  return { format: "json", columns, rows };
}

function checkColumns(columns: string[]): void {
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) throw new TableError(`column "${c}" appears twice`);
    seen.add(c);
  }
}

/** Checks that every column the metadata names exists in the table (a typo would silently withhold a column). */
export function checkTableAgainstMetadata(table: Table, metadata: TableMetadata): void {
  const present = new Set(table.columns);
  for (const field of metadata.fields) {
    const named = "columns" in field ? field.columns : [field.rows.column];
    for (const column of named) {
      if (!present.has(column)) {
        throw new TableError(`field ${field.bit} ("${field.name}") names column "${column}", which the file lacks`);
      }
    }
  }
}

/** The part of a table a scope grants: which columns (source order) and which rows (source indices, in order). */
export interface TableView {
  columns: number[];
  rows: number[];
}

/**
 * Selects what `scope` grants: the columns of the granted column fields and, when the document defines row sets, the
 * rows of the granted row sets (none when no row set is granted). Columns no field lists are never selected.
 */
export function selectView(table: Table, metadata: TableMetadata, scope: bigint): TableView {
  const granted = new Set<string>();
  const rowSets: { column: number; values: Set<string> }[] = [];
  let definesRowSets = false;
  for (const field of metadata.fields) {
    if ("columns" in field) {
      if (grants(scope, field.bit)) field.columns.forEach((c) => granted.add(c));
    } else {
      definesRowSets = true;
      if (grants(scope, field.bit)) {
        rowSets.push({ column: table.columns.indexOf(field.rows.column), values: new Set(field.rows.in) });
      }
    }
  }
  const columns = table.columns.flatMap((c, i) => (granted.has(c) ? [i] : []));
  const rows: number[] = [];
  table.rows.forEach((row, index) => {
    if (!definesRowSets || rowSets.some((set) => set.values.has(cellText(row[set.column])))) rows.push(index);
  });
  return { columns, rows };
}

/** A cell as the text a row filter compares (JSON scalars by their JSON text without quotes for strings). */
function cellText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return "\u0000"; // null, objects, missing: never equal to a listed value
}

/**
 * Writes the view of a table in its own format. `extra` appends a column (name, value per source row index): the
 * delivery's fingerprint.
 */
export function writeView(
  table: Table,
  view: TableView,
  extra?: { column: string; value: (sourceRow: number) => string },
): Uint8Array {
  const header = view.columns.map((i) => table.columns[i]);
  if (extra !== undefined) header.push(extra.column);
  const rows = view.rows.map((r) => {
    const cells = view.columns.map((i) => table.rows[r][i]);
    if (extra !== undefined) cells.push(extra.value(r));
    return cells;
  });
  if (table.format === "csv") {
    return new TextEncoder().encode(stringify([header, ...rows], { record_delimiter: "\n" }));
  }
  const objects = rows.map((cells) => {
    const object: Record<string, unknown> = {};
    header.forEach((c, i) => {
      if (cells[i] !== undefined) object[c] = cells[i];
    });
    return object;
  });
  return new TextEncoder().encode(`${JSON.stringify(objects)}\n`);
}
