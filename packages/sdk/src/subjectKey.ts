/**
 * Keyed identifiers of people and companies ("subject keys").
 *
 * Error messages never repeat the identifier (it is personal data and messages get logged).
 *
 * A plain hash of an 18-character resident ID number can be reversed by enumerating all
 * ~10^11 plausible numbers in minutes, so identifiers are never hashed bare: they are MACed
 * with a secret consortium key that only members hold. Everything on chain sees only the MAC.
 *
 * Derivation, version 1 (normative, so other implementations interoperate):
 *
 *   LP(x)   = uint32_be(byteLength(x)) || x          x as UTF-8 bytes
 *   message = LP("consortia:subject-key:v1") || LP(kind) || LP(normalisedValue)
 *   key     = HMAC-SHA256(consortiumKey, message)    32 bytes, 0x-hex = the on-chain bytes32
 *
 * where `kind` is one of "resident-id", "uscc", "passport", "other" and `normalisedValue` is
 * the output of {@link normaliseIdentifier}.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { randomBytes } from "@noble/hashes/utils.js";
import { bytesFrom, hasLoneSurrogate, lengthPrefixed, toHex, utf8, type Hex } from "./bytes.js";

export const SUBJECT_KEY_DOMAIN = "consortia:subject-key:v1";

/** Smallest accepted consortium key: HMAC-SHA256 gives its full strength from 32 bytes. */
export const MIN_CONSORTIUM_KEY_BYTES = 32;

export const SUBJECT_KINDS = ["resident-id", "uscc", "passport", "other"] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** Raised when an identifier is malformed; the message says what is wrong with it. */
export class InvalidIdentifierError extends Error {
  override name = "InvalidIdentifierError" as const;
  constructor(
    readonly kind: string,
    readonly reason: string,
  ) {
    super(`invalid ${kind} identifier: ${reason}`);
  }
}

/** Raised when the consortium key is missing, too short or obviously not random. */
export class InvalidConsortiumKeyError extends Error {
  override name = "InvalidConsortiumKeyError" as const;
}

/** A fresh random consortium key (32 bytes) for bootstrapping a consortium. */
export function generateConsortiumKey(): Uint8Array {
  return randomBytes(MIN_CONSORTIUM_KEY_BYTES);
}

/**
 * Derives the keyed identifier of a subject: HMAC-SHA256 over a domain-separated,
 * length-prefixed message (see the module comment for the exact bytes).
 */
export function deriveSubjectKey(params: { consortiumKey: Uint8Array | Hex; kind: SubjectKind; value: string }): Hex {
  const key = consortiumKeyBytes(params.consortiumKey);
  return toHex(hmac(sha256, key, subjectKeyMessage(params)));
}

/** The exact bytes that are MACed, exposed for interoperability tests in other languages. */
export function subjectKeyMessage(params: { kind: SubjectKind; value: string }): Uint8Array {
  const normalised = normaliseIdentifier(params.kind, params.value);
  return lengthPrefixed(utf8(SUBJECT_KEY_DOMAIN), utf8(params.kind), utf8(normalised));
}

/**
 * Brings an identifier to its one canonical spelling and validates it, so that "1101 0519
 * 4912 3100 2x" and "11010519491231002X" give the same subject key.
 *
 * - resident-id: NFKC (full-width digits become ASCII), whitespace removed, upper-case;
 *   18 characters, GB 11643-1999 structure, birth date and ISO 7064 MOD 11-2 check digit.
 * - uscc: NFKC, whitespace removed, upper-case; 18 characters of 0-9A-HJ-NPQRTUWXY,
 *   digits in the administrative-division code, GB 32100-2015 MOD 31 check character.
 * - passport: NFKC, whitespace removed, upper-case; 5 to 20 ASCII letters and digits.
 * - other: NFC, trimmed; non-empty, at most 1024 characters.
 */
export function normaliseIdentifier(kind: SubjectKind, value: string): string {
  if (typeof value !== "string") {
    throw new InvalidIdentifierError(String(kind), "value must be a string");
  }
  switch (kind) {
    case "resident-id":
      return normaliseResidentId(value);
    case "uscc":
      return normaliseUscc(value);
    case "passport":
      return normalisePassport(value);
    case "other":
      return normaliseOther(value);
    default:
      throw new InvalidIdentifierError(String(kind), `unknown kind; expected one of ${SUBJECT_KINDS.join(", ")}`);
  }
}

/** The consortium key as bytes, checked for length and an all-zero value (shared with `documentKey.ts`). */
export function consortiumKeyBytes(value: Uint8Array | Hex): Uint8Array {
  let key: Uint8Array;
  try {
    key = bytesFrom(value, { field: "consortiumKey" });
  } catch (error) {
    throw new InvalidConsortiumKeyError((error as Error).message);
  }
  if (key.length < MIN_CONSORTIUM_KEY_BYTES) {
    throw new InvalidConsortiumKeyError(
      `consortiumKey must be at least ${MIN_CONSORTIUM_KEY_BYTES} bytes, got ${key.length}`,
    );
  }
  if (key.every((byte) => byte === 0)) {
    throw new InvalidConsortiumKeyError("consortiumKey is all zero bytes; use generateConsortiumKey()");
  }
  return key;
}

function compact(value: string): string {
  return value.normalize("NFKC").replace(/\s+/g, "").toUpperCase();
}

// GB/T 2260 province-level codes, plus 71 (Taiwan) and 81-83 (residence permits of
// Hong Kong, Macao and Taiwan residents, which use the same 18-character format).
const PROVINCE_CODES: ReadonlySet<string> = new Set([
  "11", "12", "13", "14", "15",
  "21", "22", "23",
  "31", "32", "33", "34", "35", "36", "37",
  "41", "42", "43", "44", "45", "46",
  "50", "51", "52", "53", "54",
  "61", "62", "63", "64", "65",
  "71", "81", "82", "83",
]); // prettier-ignore

// ISO 7064 MOD 11-2: weight of position i is 2^(17-i) mod 11; the check maps sum mod 11.
const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const RESIDENT_ID_CHECK = "10X98765432";

/** The check character (0-9 or X) of the first 17 digits of a resident ID number. */
export function residentIdCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) {
    throw new InvalidIdentifierError("resident-id", "the check digit is computed over exactly 17 digits");
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * RESIDENT_ID_WEIGHTS[i];
  return RESIDENT_ID_CHECK[sum % 11];
}

function normaliseResidentId(raw: string): string {
  const id = compact(raw);
  const fail = (reason: string): never => {
    throw new InvalidIdentifierError("resident-id", reason);
  };
  if (/^\d{15}$/.test(id)) {
    fail("15-digit first-generation numbers are not accepted; use the 18-character number");
  }
  if (id.length !== 18) fail(`expected 18 characters, got ${id.length}`);
  if (!/^\d{17}[\dX]$/.test(id)) {
    fail("expected 17 digits followed by a digit or X");
  }
  if (!PROVINCE_CODES.has(id.slice(0, 2))) {
    fail(`unknown province code ${id.slice(0, 2)} in the address code`);
  }
  const birth = id.slice(6, 14);
  if (!isValidBirthDate(birth)) {
    // The date itself is personal data: keep it out of messages that end up in logs.
    fail("birth date (characters 7-14) is not a real date between 1800 and today");
  }
  const expected = residentIdCheckDigit(id.slice(0, 17));
  if (id[17] !== expected) {
    fail(`check digit is ${id[17]} but the first 17 digits require ${expected}`);
  }
  return id;
}

function isValidBirthDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < 1800 || month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) {
    return false;
  }
  // UTC+14 is the earliest calendar on Earth: a baby born "today" anywhere is accepted.
  return date.getTime() <= Date.now() + 14 * 3600 * 1000;
}

const USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const USCC_LOOKALIKES: Record<string, string> = {
  I: "1",
  O: "0",
  Z: "2",
  S: "5",
  V: "U or Y",
};

/** The GB 32100-2015 check character of the first 17 characters of a USCC. */
export function usccCheckCharacter(first17: string): string {
  if (first17.length !== 17) {
    throw new InvalidIdentifierError("uscc", "the check character is computed over exactly 17 characters");
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_CHARSET.indexOf(first17[i]);
    if (value < 0) {
      throw new InvalidIdentifierError("uscc", `character ${JSON.stringify(first17[i])} is not in the USCC alphabet`);
    }
    sum += value * USCC_WEIGHTS[i];
  }
  return USCC_CHARSET[(31 - (sum % 31)) % 31];
}

function normaliseUscc(raw: string): string {
  const code = compact(raw);
  const fail = (reason: string): never => {
    throw new InvalidIdentifierError("uscc", reason);
  };
  if (code.length !== 18) fail(`expected 18 characters, got ${code.length}`);
  for (let i = 0; i < 18; i++) {
    const char = code[i];
    if (USCC_CHARSET.includes(char)) continue;
    const hint = USCC_LOOKALIKES[char];
    fail(
      hint === undefined
        ? `character ${JSON.stringify(char)} at position ${i + 1} is not in 0-9A-HJ-NPQRTUWXY`
        : `letter ${char} at position ${i + 1} is never used in a USCC (I, O, S, V and Z are excluded); did you mean ${hint}?`,
    );
  }
  if (!/^\d{6}$/.test(code.slice(2, 8))) {
    fail(`positions 3-8 must be the 6-digit administrative division code, got ${code.slice(2, 8)}`);
  }
  const expected = usccCheckCharacter(code.slice(0, 17));
  if (code[17] !== expected) {
    fail(`check character is ${code[17]} but the first 17 characters require ${expected}`);
  }
  return code;
}

function normalisePassport(raw: string): string {
  const number = compact(raw);
  if (!/^[A-Z0-9]{5,20}$/.test(number)) {
    throw new InvalidIdentifierError(
      "passport",
      `expected 5 to 20 letters A-Z and digits 0-9 after removing spaces, got ${number.length} characters${/[^A-Z0-9]/.test(number) ? " including other characters" : ""}`,
    );
  }
  return number;
}

function normaliseOther(raw: string): string {
  const value = raw.normalize("NFC").trim();
  if (value.length === 0) {
    throw new InvalidIdentifierError("other", "value is empty");
  }
  if (value.length > 1024) {
    throw new InvalidIdentifierError("other", `value is ${value.length} characters; at most 1024 are accepted`);
  }
  if (hasLoneSurrogate(value)) {
    throw new InvalidIdentifierError("other", "value contains a lone UTF-16 surrogate");
  }
  return value;
}
