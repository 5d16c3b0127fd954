/** Output: human tables on stdout, or JSON with `--json`; progress and errors always on stderr. */
import stringWidth from "string-width";

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item), 2);
}

/** Pads to a display width: a CJK character takes two terminal columns, a combining mark none. */
function padDisplay(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - stringWidth(text)));
}

/** Renders rows as an aligned text table with a header line (columns aligned by display width, not UTF-16 length). */
export function table(rows: Record<string, unknown>[], columns?: string[]): string {
  if (rows.length === 0) return "(none)";
  const keys = columns ?? Object.keys(rows[0]);
  const cells = rows.map((row) => keys.map((key) => cell(row[key])));
  const widths = keys.map((key, index) => Math.max(stringWidth(key), ...cells.map((line) => stringWidth(line[index]))));
  const render = (line: string[]): string =>
    line
      .map((text, index) => padDisplay(text, widths[index]))
      .join("  ")
      .trimEnd();
  return [render(keys.map((key) => key.toUpperCase())), ...cells.map(render)].join("\n");
}

/** Renders one record as "key: value" lines. */
export function details(record: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(record).map((key) => key.length));
  return Object.entries(record)
    .map(([key, value]) => `${`${key}:`.padEnd(width + 1)} ${cell(value)}`)
    .join("\n");
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map(cell).join(", ");
  return String(value);
}

export interface Output {
  readonly json: boolean;
  /** Prints `human()` as text, or `data` as JSON with `--json`. */
  result(data: unknown, human: () => string): void;
  /** A progress line on stderr. */
  progress(line: string): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    result(data, human) {
      process.stdout.write(`${json ? toJson(data) : human()}\n`);
    },
    progress(line) {
      process.stderr.write(`${line}\n`);
    },
  };
}
