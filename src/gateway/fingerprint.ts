import { hkdf } from "@noble/hashes/hkdf.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";

/**
 * Per-delivery fingerprints. Every delivery is unique to its consumer, so the access record's result hash names one
 * access, and a copy that was edited afterwards can still be traced by the owner:
 *
 * - a **table** gets one extra column, `row_ref`, whose value in each row is `deliveryTag ‖ rowTag` (32 hex digits):
 *     deliveryTag = HMAC-SHA256(K, "delivery" ‖ accessId)[0..8]
 *     rowTag      = HMAC-SHA256(K, "row" ‖ accessId ‖ uint64_be(source row index))[0..8]
 *   with K = HKDF-SHA256(owner secret, info = "consortia:gateway:fingerprint:v1"). To a consumer it is an opaque row
 *   identifier; nobody without K can make one for another access or tell which source row it stands for. The tracer
 *   finds the access by its delivery tag and checks each row tag, so it names the access for every row that kept the
 *   marker, whatever else happened to the file: re-sorted, filtered, columns dropped or reordered, the column
 *   renamed, re-quoted, converted between CSV and JSON. Only dropping the marker itself loses it (then the exact bytes
 *   still match the result hash on chain if nothing else changed).
 * - a **text file** gets a last line `consortia-delivery: <deliveryTag ‖ tag>` (the watermark), and every file is
 *   sealed to the consumer (an HPKE envelope, see server.ts), so its served bytes are unique even where the format
 *   takes no watermark.
 */
export const ROW_REF_COLUMN = "row_ref";
export const WATERMARK_PREFIX = "consortia-delivery: ";
/** The shape of a marker (row reference or watermark): 32 lower-case hex digits. */
export const MARKER_PATTERN = /\b[0-9a-f]{32}\b/g;

const INFO = utf8ToBytes("consortia:gateway:fingerprint:v1");
const DELIVERY = utf8ToBytes("delivery");
const ROW = utf8ToBytes("row");
const WATERMARK = utf8ToBytes("watermark");

/** The fingerprint key derived from the owner's gateway secret. */
export function fingerprintKey(secret: Uint8Array): Uint8Array {
  return hkdf(sha256, secret, undefined, INFO, 32);
}

function tag(key: Uint8Array, ...parts: Uint8Array[]): string {
  return bytesToHex(hmac(sha256, key, concatBytes(...parts)).subarray(0, 8));
}

function accessBytes(accessId: string): Uint8Array {
  return hexToBytes(accessId.replace(/^0x/, ""));
}

/** The 16-hex-digit tag that names a delivery (the first half of each of its markers). */
export function deliveryTag(key: Uint8Array, accessId: string): string {
  return tag(key, DELIVERY, accessBytes(accessId));
}

/** The `row_ref` value of source row `sourceRow` in the delivery `accessId`. */
export function rowRef(key: Uint8Array, accessId: string, sourceRow: number): string {
  const index = new Uint8Array(8);
  new DataView(index.buffer).setBigUint64(0, BigInt(sourceRow));
  return deliveryTag(key, accessId) + tag(key, ROW, accessBytes(accessId), index);
}

/** The watermark value of a text delivery. */
export function watermark(key: Uint8Array, accessId: string): string {
  return deliveryTag(key, accessId) + tag(key, WATERMARK, accessBytes(accessId));
}

/** Appends the watermark line to a text file (after a final newline, adding one if the text lacks it). */
export function watermarkText(bytes: Uint8Array, key: Uint8Array, accessId: string): Uint8Array {
  const needsNewline = bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a;
  return concatBytes(bytes, utf8ToBytes(`${needsNewline ? "\n" : ""}${WATERMARK_PREFIX}${watermark(key, accessId)}\n`));
}
