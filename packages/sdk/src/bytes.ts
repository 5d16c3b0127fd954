/**
 * Byte and hex helpers shared by the SDK modules.
 *
 * Hex strings are the SDK's wire form for anything that also lives on chain (hashes,
 * public keys), so they are always 0x-prefixed and lower-case on output, and parsed
 * strictly on input: a silently truncated or mis-decoded key is worse than an error.
 */
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";

/** A 0x-prefixed hex string (same shape as viem's `Hex`). */
export type Hex = `0x${string}`;

/** Raised when a hex string is malformed or has the wrong length. */
export class InvalidHexError extends Error {
  override name = "InvalidHexError" as const;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const HEX_BODY = /^[0-9a-fA-F]*$/;

/** Encodes bytes as lower-case 0x-prefixed hex. */
export function toHex(bytes: Uint8Array): Hex {
  return `0x${bytesToHex(bytes)}`;
}

/**
 * Decodes a 0x-prefixed hex string. With `length`, the decoded value must be exactly that
 * many bytes. Upper- and lower-case digits are accepted; a missing prefix, odd length or
 * stray character is rejected.
 */
export function fromHex(value: unknown, options: { field: string; length?: number }): Uint8Array {
  const { field, length } = options;
  if (typeof value !== "string" || !value.startsWith("0x")) {
    throw new InvalidHexError(field, "expected a 0x-prefixed hex string");
  }
  const body = value.slice(2);
  if (body.length % 2 !== 0 || !HEX_BODY.test(body)) {
    throw new InvalidHexError(field, "expected an even number of hex digits after 0x");
  }
  if (length !== undefined && body.length !== length * 2) {
    throw new InvalidHexError(
      field,
      `expected ${length} bytes (${length * 2} hex digits), got ${body.length / 2} bytes`,
    );
  }
  return hexToBytes(body);
}

/** Accepts raw bytes or hex, so callers can pass keys in whichever form they store them. */
export function bytesFrom(value: Uint8Array | Hex, options: { field: string; length?: number }): Uint8Array {
  if (value instanceof Uint8Array) {
    if (options.length !== undefined && value.length !== options.length) {
      throw new InvalidHexError(options.field, `expected ${options.length} bytes, got ${value.length}`);
    }
    return value;
  }
  return fromHex(value, options);
}

const utf8Encoder = new TextEncoder();

// In /u mode a surrogate pair is one code point, so this matches unpaired halves only.
const LONE_SURROGATE = /\p{Surrogate}/u;

/** True when the string cannot be encoded as UTF-8 (it holds an unpaired surrogate). */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** UTF-8 encodes a string; lone surrogates are rejected because they have no UTF-8 form. */
export function utf8(text: string): Uint8Array {
  if (hasLoneSurrogate(text)) {
    throw new TypeError("string contains a lone UTF-16 surrogate and has no UTF-8 encoding");
  }
  return utf8Encoder.encode(text);
}

/** Big-endian uint32, used for length prefixes in the SDK's domain-separated messages. */
export function uint32be(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new RangeError(`${value} does not fit in an unsigned 32-bit integer`);
  }
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, false);
  return out;
}

/**
 * Length-prefixed concatenation: each part is preceded by its byte length as uint32 big-endian.
 * Prefixing makes the encoding injective, so ("ab","c") and ("a","bc") never collide.
 */
export function lengthPrefixed(...parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + 4 + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(uint32be(part.length), offset);
    out.set(part, offset + 4);
    offset += 4 + part.length;
  }
  return out;
}

/** Compares without an early exit so the time taken does not reveal where bytes differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

// Base64 without Node's Buffer (the SDK's browser entry and the console's bundle use these too): btoa/atob exist in
// browsers and in Node >= 16.

/** Standard padded base64 of the bytes. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Decodes base64 (throws on characters outside the alphabet). */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Whether `text` is canonical padded base64: it decodes and encodes back to itself (no whitespace, no stray bits). */
export function isCanonicalBase64(text: string): boolean {
  try {
    return toBase64(fromBase64(text)) === text;
  } catch {
    return false;
  }
}
