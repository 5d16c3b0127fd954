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

/** A date input's value (YYYY-MM-DD) as unix seconds at the end of that day in the user's zone. */
/** The first second of a YYYY-MM-DD date in the user's zone, as unix seconds (a stated shipment date). */
export function startOfDay(isoDate: string): number {
  const [year, month, day] = isoDate.split("-").map(Number);
  return Math.floor(new Date(year, month - 1, day, 0, 0, 0).getTime() / 1000);
}

export function endOfDay(isoDate: string): number {
  const [year, month, day] = isoDate.split("-").map(Number);
  return Math.floor(new Date(year, month - 1, day, 23, 59, 59).getTime() / 1000);
}
