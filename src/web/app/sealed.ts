/**
 * Sealed forfaiting quotes kept by the browser: a sealed quote is committed as a hash of (offer, bidder, price, salt)
 * and must be revealed later with the same price and salt — lose the salt and the quote is lost. The salt is drawn
 * here (32 random bytes), written to the browser's storage *before* the commitment is sent, kept per chain and
 * bidder account, and can be exported to a JSON file (and imported back on another machine or browser).
 */

export interface SealedQuoteRecord {
  offerId: string;
  bidder: string;
  /** Minor units, decimal. */
  price: string;
  salt: string;
  commitment?: string;
  /** Unix seconds when it was kept. */
  keptAt: number;
  revealed?: boolean;
}

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const EXPORT_FORMAT = "consortia.sealed-quotes.v1";

export const storageKey = (chainId: number, bidder: string): string =>
  `consortia.sealed-quotes.${chainId}.${bidder.toLowerCase()}`;

const HEX32 = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Whether `value` is a well-formed record (imports and storage are not trusted blindly). */
export function isSealedQuote(value: unknown): value is SealedQuoteRecord {
  const r = value as Partial<SealedQuoteRecord> | null;
  return (
    typeof r === "object" &&
    r !== null &&
    typeof r.offerId === "string" &&
    /^[0-9]+$/.test(r.offerId) &&
    typeof r.bidder === "string" &&
    ADDRESS.test(r.bidder) &&
    typeof r.price === "string" &&
    /^[0-9]+$/.test(r.price) &&
    typeof r.salt === "string" &&
    HEX32.test(r.salt) &&
    typeof r.keptAt === "number"
  );
}

export function loadSealed(storage: KeyValueStorage, key: string): SealedQuoteRecord[] {
  try {
    const parsed = JSON.parse(storage.getItem(key) ?? "[]") as unknown;
    return Array.isArray(parsed) ? parsed.filter(isSealedQuote) : [];
  } catch {
    return [];
  }
}

/** Keeps `record` (replacing one for the same offer and bidder) and returns the list now stored. */
export function keepSealed(storage: KeyValueStorage, key: string, record: SealedQuoteRecord): SealedQuoteRecord[] {
  const list = loadSealed(storage, key).filter(
    (r) => !(r.offerId === record.offerId && r.bidder.toLowerCase() === record.bidder.toLowerCase()),
  );
  list.push(record);
  storage.setItem(key, JSON.stringify(list));
  return list;
}

/** A fresh 32-byte salt, hex. */
export function freshSalt(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const bytes = random(new Uint8Array(32));
  return `0x${[...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

/** The JSON file an export writes. */
export function exportSealed(records: readonly SealedQuoteRecord[], chainId: number): string {
  return JSON.stringify({ format: EXPORT_FORMAT, chainId, quotes: records }, null, 2);
}

/** Records of an export for `chainId` (throws on another format or chain); malformed records are dropped. */
export function importSealed(text: string, chainId: number): SealedQuoteRecord[] {
  const parsed = JSON.parse(text) as { format?: unknown; chainId?: unknown; quotes?: unknown };
  if (parsed.format !== EXPORT_FORMAT) throw new Error(`not a ${EXPORT_FORMAT} file`);
  if (parsed.chainId !== chainId) throw new Error(`the file is for chain ${String(parsed.chainId)}, not ${chainId}`);
  return Array.isArray(parsed.quotes) ? parsed.quotes.filter(isSealedQuote) : [];
}

/** Whether the reveal window of an offer is open at `now`: after the quote deadline, until deadline + reveal period. */
export function revealOpen(offer: { quoteDeadline: number; revealPeriod: number }, now: number): boolean {
  return now > offer.quoteDeadline && now <= offer.quoteDeadline + offer.revealPeriod;
}
