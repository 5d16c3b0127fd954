/** Validation of command-line values; every failure is a `UsageError` (exit code 2). */
import { readFile } from "node:fs/promises";
import { ZeroHash, getAddress } from "ethers";
import {
  type Consortia,
  DocumentKind,
  formatAmount,
  InvalidAmountError,
  parseAmount,
  hashCanonicalJson,
  hashFile,
  hashUtf8,
  type JsonValue,
  MemberKind,
  type MemberKindName,
  type RoleName,
  Roles,
} from "@consortia/sdk";
import { UsageError } from "./errors.js";

export function parseAddress(value: string, what = "address"): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value.trim()))
    throw new UsageError(`malformed ${what} "${value}": expected 0x and 40 hex digits`);
  try {
    return getAddress(value.trim());
  } catch {
    // a mixed-case address whose checksum is wrong: likely a typo
    throw new UsageError(`malformed ${what} "${value}": bad checksum (use all lower case to skip the check)`);
  }
}

export function parseBytes32(value: string, what = "hash"): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value.trim()))
    throw new UsageError(`malformed ${what} "${value}": expected 0x and 64 hex digits`);
  return value.trim().toLowerCase();
}

/** The largest value of an unsigned integer of `bits` bits (the Solidity type a value is stored in). */
const maxOf = (bits: number): bigint => (1n << BigInt(bits)) - 1n;

/** An id: a canonical decimal (no sign, exponent, hex or leading zero) from 1 to the largest uint256. */
export function parseId(value: string, what = "id"): bigint {
  const text = value.trim();
  if (!/^[1-9]\d*$/.test(text)) {
    throw new UsageError(
      text === "0"
        ? `malformed ${what} "${value}": ids start at 1`
        : `malformed ${what} "${value}": expected a positive integer`,
    );
  }
  const id = BigInt(text);
  if (id > maxOf(256)) throw new UsageError(`malformed ${what} "${value}": above the largest uint256`);
  return id;
}

/** Where an amount goes: the bits of the contract field that stores it, and whether 0 means something there. */
export interface AmountField {
  /** The Solidity type's width (uint80 for a letter of credit's amount); 256 when not given. */
  bits?: number;
  /** Whether 0 is a valid value (a credit line of 0 closes it); otherwise the amount must be positive. */
  zero?: boolean;
  /** The decimals of the token the amount is in, when not the settlement token (an interbank currency's). */
  decimals?: number;
}

/**
 * A token amount for the option or argument `what` (`--amount`, `<amount>`): a decimal with at most the token's
 * decimals, positive unless `field.zero`, and within the contract field's type. Any failure is a usage error naming
 * `what`, raised before anything is sent.
 */
export async function parseTokenAmount(
  consortia: Consortia,
  value: string,
  what: string,
  field: AmountField = {},
): Promise<bigint> {
  const decimals = field.decimals ?? (await consortia.token.decimals());
  let amount: bigint;
  try {
    amount = parseAmount(value, decimals);
  } catch (error) {
    if (error instanceof InvalidAmountError) throw new UsageError(`${what}: ${error.message}`);
    throw error;
  }
  if (amount === 0n && field.zero !== true) throw new UsageError(`${what}: the amount must be more than 0`);
  const bits = field.bits ?? 256;
  if (amount > maxOf(bits)) {
    throw new UsageError(
      `${what}: ${value.trim()} is above the largest amount the contract stores (${formatAmount(maxOf(bits), decimals)}, uint${bits})`,
    );
  }
  return amount;
}

const GRANTABLE = (Object.keys(Roles) as RoleName[]).filter((name) => name !== "MEMBER" && name !== "SYSTEM");

/** "VOTER,TOKEN_HOLDER" (any case, comma or space separated) -> role set. */
export function parseRoles(value: string): { set: bigint; names: RoleName[] } {
  const names = value
    .split(/[\s,|]+/)
    .filter((part) => part !== "")
    .map((part) => part.toUpperCase());
  if (names.length === 0) throw new UsageError("no roles given");
  for (const name of names) {
    if (!(GRANTABLE as string[]).includes(name)) {
      throw new UsageError(`unknown role "${name}": expected some of ${GRANTABLE.join(", ")}`);
    }
  }
  const typed = names as RoleName[];
  return {
    set: typed.reduce((set, name) => set | Roles[name], 0n),
    names: typed,
  };
}

export function parseKind(value: string): number {
  const match = (Object.keys(MemberKind) as MemberKindName[]).find(
    (name) => name.toLowerCase() === value.toLowerCase(),
  );
  if (match === undefined)
    throw new UsageError(`unknown member kind "${value}": expected one of ${Object.keys(MemberKind).join(", ")}`);
  return MemberKind[match];
}

/**
 * A bytes32 hash given as `0x` + 64 hex digits, `file:<path>` (keccak-256 of the file, streamed) or `json:<path>`
 * (keccak-256 of the file's canonical JSON). Unreadable files and malformed JSON are usage errors too.
 */
export async function parseHash(value: string, what = "hash"): Promise<string> {
  const text = value.trim();
  if (text.startsWith("file:") || text.startsWith("json:")) {
    const path = text.slice(5);
    if (path === "") throw new UsageError(`malformed ${what} "${value}": no path after ${text.slice(0, 5)}`);
    try {
      if (text.startsWith("file:")) return await hashFile(path);
      return hashCanonicalJson(JSON.parse(await readFile(path, "utf8")) as JsonValue);
    } catch (error) {
      throw new UsageError(`cannot hash ${what} from ${path}: ${(error as Error).message}`);
    }
  }
  if (!/^0x[0-9a-fA-F]{64}$/.test(text)) {
    throw new UsageError(`malformed ${what} "${value}": expected 0x and 64 hex digits, file:<path> or json:<path>`);
  }
  return text.toLowerCase();
}

/** An optional hash: zero when not given. */
export async function parseOptionalHash(value: string | undefined, what = "hash"): Promise<string> {
  return value === undefined ? ZeroHash : parseHash(value, what);
}

/** "Now" for relative dates: the chain's latest block time (`Cli.chainTime`), never the local clock. */
export type ChainClock = () => Promise<bigint>;

/**
 * A date as unix seconds: an integer (unix seconds), an ISO 8601 date or date-time (`2025-06-30`,
 * `2025-06-30T12:00:00Z`; a date alone is midnight UTC), or a time after the chain's latest block (`+90d`, `+12h`,
 * `+30m`, `+45s`): contracts compare dates with block time, and a chain's clock can be far from ours (the demo's is
 * months ahead). The clock is asked only for relative dates, after the text was checked.
 */
export async function parseDate(value: string, what: string, now: ChainClock): Promise<bigint> {
  const text = value.trim();
  if (/^\d+$/.test(text)) return BigInt(text);
  const relative = /^\+(\d+)([dhms])$/.exec(text);
  if (relative !== null) {
    const unit = { d: 86_400, h: 3_600, m: 60, s: 1 }[relative[2] as "d" | "h" | "m" | "s"];
    return (await now()) + BigInt(relative[1]) * BigInt(unit);
  }
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(
    text,
  );
  if (iso !== null) {
    const [year, month, day, hour = 0, minute = 0, second = 0] = iso.slice(1, 7).map((part) => Number(part ?? 0));
    // Date.parse rolls 2025-02-30 over to 2 March and 24:00 to the next day: accept only what round-trips.
    const fields = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
    const roundTrips =
      fields.getUTCFullYear() === year &&
      fields.getUTCMonth() === month - 1 &&
      fields.getUTCDate() === day &&
      fields.getUTCHours() === hour &&
      fields.getUTCMinutes() === minute &&
      fields.getUTCSeconds() === second;
    if (!roundTrips) throw new UsageError(`${what} "${value}" is not a real date or time of day`);
    const dateOnly = text.length === 10;
    const millis = Date.parse(dateOnly ? `${text}T00:00:00Z` : text);
    if (!Number.isNaN(millis)) return BigInt(Math.floor(millis / 1000));
  }
  throw new UsageError(
    `malformed ${what} "${value}": expected unix seconds, an ISO date (2025-06-30, 2025-06-30T12:00:00Z) or +90d`,
  );
}

/** Unix seconds as an ISO date-time (UTC) for tables. */
export function formatDate(seconds: number | bigint): string {
  const value = Number(seconds);
  return value === 0 ? "-" : new Date(value * 1000).toISOString().replace(".000Z", "Z");
}

/** A non-negative integer that fits `max` (percentages, days, counts). */
export function parseCount(value: string, what: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`malformed ${what} "${value}": expected a whole number`);
  const number = Number(value.trim());
  if (number > max) throw new UsageError(`${what} ${number} is above ${max}`);
  return number;
}

/** Parses a number that may be 0 (claim and entry indices). */
export function parseIndex(value: string, what = "index"): bigint {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`malformed ${what} "${value}": expected a whole number`);
  return BigInt(value.trim());
}

const DOCUMENT_KIND_NAMES = Object.keys(DocumentKind) as (keyof typeof DocumentKind)[];

/** A document kind by name (`invoice`, `transport-document`, any case) or number. */
export function parseDocumentKind(value: string): number {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const kind = Number(text);
    if (kind < 1 || kind > 255) throw new UsageError(`document kind ${kind} is not 1..255`);
    return kind;
  }
  const wanted = text.replace(/[-_\s]/g, "").toLowerCase();
  const match = DOCUMENT_KIND_NAMES.find((name) => name.toLowerCase() === wanted);
  if (match === undefined) {
    throw new UsageError(
      `unknown document kind "${value}": expected a number or one of ${DOCUMENT_KIND_NAMES.join(", ")}`,
    );
  }
  return DocumentKind[match];
}

/**
 * A document reference `<kind>=<hash>[@<uri>]`: kind by name or number, the content hash in any form `parseHash`
 * takes, and optionally the URI where it is kept (only its keccak-256 goes on chain).
 */
export async function parseDocument(value: string): Promise<{ contentHash: string; uriHash: string; kind: number }> {
  const match = /^([^=]+)=([^@]+)(?:@(.+))?$/.exec(value.trim());
  if (match === null) throw new UsageError(`malformed document "${value}": expected <kind>=<hash>[@<uri>]`);
  return {
    kind: parseDocumentKind(match[1]),
    contentHash: await parseHash(match[2], "document hash"),
    uriHash: match[3] === undefined ? ZeroHash : hashUtf8(match[3]),
  };
}

/** Repeatable option collector for commander: `--document a --document b`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A three-letter ISO 4217 currency code. */
export function parseCurrency(value: string): string {
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw new UsageError(`malformed currency "${value}": expected a code like CNY`);
  return code;
}
