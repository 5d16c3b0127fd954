/**
 * Dates in the user's time zone and amounts with the token's decimals, for the language shown. Amounts are exact:
 * minor units (decimal strings from the API, or bigints) are split with bigint arithmetic, never through a float.
 */

/** The browser's time zone (IANA name), e.g. "Asia/Shanghai". */
export function userTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** A unix time (seconds) as a date and time in `timeZone` (default: the user's), with the zone's short name. */
export function formatDate(unixSeconds: number, locale: string, timeZone: string = userTimeZone()): string {
  return new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone,
    timeZoneName: "short",
  }).format(new Date(unixSeconds * 1000));
}

/**
 * Minor units as a grouped decimal with exactly `decimals` decimals and the currency code:
 * `formatAmount("120000000", 2, "en", "CNY")` → "CNY 1,200,000.00".
 */
export function formatAmount(minor: string | bigint, decimals: number, locale: string, currency?: string): string {
  const value = typeof minor === "bigint" ? minor : BigInt(minor);
  const negative = value < 0n;
  const absolute = negative ? -value : value;
  const scale = 10n ** BigInt(decimals);
  const whole = new Intl.NumberFormat(locale, { useGrouping: true }).format(absolute / scale);
  const fraction = decimals === 0 ? "" : `.${(absolute % scale).toString().padStart(decimals, "0")}`;
  const number = `${negative ? "-" : ""}${whole}${fraction}`;
  return currency === undefined || currency === "" ? number : `${currency} ${number}`;
}

/** `0x1234…abcd`: an address or hash shortened for a table cell (the full value goes in its title). */
export function shortHex(hex: string, keep = 6): string {
  return hex.length <= 2 + keep * 2 ? hex : `${hex.slice(0, 2 + keep)}…${hex.slice(-keep)}`;
}

/** Raised by `parseAmountInput` for text that is not an amount with at most `decimals` decimals. */
export class AmountInputError extends Error {
  override name = "AmountInputError";
}

/**
 * What a user typed ("1,200.5", "1200.50") as minor units with `decimals` decimals, exactly (no float): grouping commas
 * and spaces are ignored; more decimals than the token has, a sign or anything else is refused.
 */
export function parseAmountInput(text: string, decimals: number): bigint {
  const plain = text.trim().replace(/[,\s]/g, "");
  const match = /^(\d+)(?:\.(\d*))?$/.exec(plain);
  if (match === null || (match[2] ?? "").length > decimals) throw new AmountInputError(text);
  const fraction = (match[2] ?? "").padEnd(decimals, "0");
  return BigInt(match[1]) * 10n ** BigInt(decimals) + (decimals === 0 ? 0n : BigInt(fraction));
}

/**
 * Calendar dates (a shipment date, an expiry, a latest shipment date) are days of the consortium calendar, which the
 * chain counts with a fixed UTC offset (`ConsortiumCalendar.utcOffset()`, seconds; 28,800 for UTC+8), whatever the
 * browser's zone: `startOfDay`/`endOfDay` take that offset. `null` (the calendar could not be read) falls back to the
 * user's zone, and the pages say so.
 */
export type UtcOffset = number | null;

function isoParts(isoDate: string): [number, number, number] {
  const [year, month, day] = isoDate.split("-").map(Number);
  return [year, month, day];
}

/** The first second of a YYYY-MM-DD day of the consortium calendar (offset in seconds), as unix seconds. */
export function startOfDay(isoDate: string, utcOffset: UtcOffset): number {
  const [year, month, day] = isoParts(isoDate);
  if (utcOffset === null) return Math.floor(new Date(year, month - 1, day, 0, 0, 0).getTime() / 1000);
  return Date.UTC(year, month - 1, day) / 1000 - utcOffset;
}

/** The last second (23:59:59) of a YYYY-MM-DD day of the consortium calendar (offset in seconds), as unix seconds. */
export function endOfDay(isoDate: string, utcOffset: UtcOffset): number {
  const [year, month, day] = isoParts(isoDate);
  if (utcOffset === null) return Math.floor(new Date(year, month - 1, day, 23, 59, 59).getTime() / 1000);
  return Date.UTC(year, month - 1, day) / 1000 - utcOffset + 86_399;
}

/** "UTC+08:00" for 28,800 seconds. */
export function utcOffsetLabel(utcOffset: number): string {
  const sign = utcOffset < 0 ? "-" : "+";
  const minutes = Math.floor(Math.abs(utcOffset) / 60);
  return `UTC${sign}${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** The YYYY-MM-DD day of the consortium calendar that a unix time falls on (the inverse of `startOfDay`). */
export function calendarDay(unixSeconds: number, utcOffset: number): string {
  return new Date((unixSeconds + utcOffset) * 1000).toISOString().slice(0, 10);
}

/**
 * A unix time as a date and time on the consortium calendar's clock, with its offset ("Dec 7, 2026, 23:59 UTC+08:00"):
 * how the console shows calendar dates (expiry, latest shipment, a stated shipment date), so they read as the chain
 * counts them. `null` falls back to the user's zone (`formatDate`).
 */
export function formatCalendarDate(unixSeconds: number, locale: string, utcOffset: UtcOffset): string {
  if (utcOffset === null) return formatDate(unixSeconds, locale);
  const text = new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "UTC",
  }).format(new Date((unixSeconds + utcOffset) * 1000));
  return `${text} ${utcOffsetLabel(utcOffset)}`;
}
