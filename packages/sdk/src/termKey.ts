/**
 * Keyed hashes of deal terms ("term keys"): for a term the chain must compare (a discrepancy code two banks match, a
 * tender reference a guarantee names, an interbank placement's purpose) but no third bank may read.
 *
 * A bare keccak-256 of "LATE_SHIPMENT" or of a tender number is no secret: the codes and reference formats are public,
 * so anyone reverses them by hashing the candidates. Like subject and document keys (subjectKey.ts, documentKey.ts),
 * the value is MACed with the consortium key that only members hold; only the MAC goes on chain. Equal values still
 * give equal keys, so the chain and the indexer can compare them. (Members hold the consortium key: a term key hides
 * a value from outsiders of the consortium and from anyone reading a leaked chain copy; from a member that guesses
 * the value it hides nothing. Terms a competitor must not learn go into an envelope, see envelope.ts.)
 *
 * Derivation, version 1 (normative, so other implementations interoperate):
 *
 *   LP(x)   = uint32_be(byteLength(x)) || x          x as UTF-8 bytes
 *   message = LP("consortia:term-key:v1") || LP(field) || LP(NFC(value))
 *   key     = HMAC-SHA256(consortiumKey, message)    32 bytes, 0x-hex = the on-chain bytes32
 *
 * where `field` names what the value is ("discrepancy", "tender", "purpose", ...: lower-case letters, digits and
 * hyphens) so that equal text in two fields gives unrelated keys.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { hasLoneSurrogate, lengthPrefixed, toHex, utf8, type Hex } from "./bytes.js";
import { InvalidIdentifierError, consortiumKeyBytes } from "./subjectKey.js";

export const TERM_KEY_DOMAIN = "consortia:term-key:v1";

const FIELD = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The exact bytes that are MACed, exposed for interoperability tests in other languages. */
export function termKeyMessage(field: string, value: string): Uint8Array {
  if (typeof field !== "string" || !FIELD.test(field)) {
    throw new InvalidIdentifierError("term", "field: expected 1 to 64 lower-case letters, digits and hyphens");
  }
  // The value is a deal term: messages never repeat it (they get logged).
  if (typeof value !== "string" || value.length === 0) throw new InvalidIdentifierError("term", "value is empty");
  if (value.length > 4096) throw new InvalidIdentifierError("term", "value is longer than 4096 characters");
  if (hasLoneSurrogate(value)) throw new InvalidIdentifierError("term", "value contains a lone UTF-16 surrogate");
  return lengthPrefixed(utf8(TERM_KEY_DOMAIN), utf8(field), utf8(value.normalize("NFC")));
}

/**
 * A term's keyed hash: HMAC-SHA256 with the consortium key over {@link termKeyMessage}. Deterministic, so two parties
 * (and the chain) compare terms by their keys.
 */
export function keyedTermHash(params: { consortiumKey: Uint8Array | Hex; field: string; value: string }): Hex {
  const key = consortiumKeyBytes(params.consortiumKey);
  return toHex(hmac(sha256, key, termKeyMessage(params.field, params.value)));
}
