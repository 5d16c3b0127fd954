/**
 * "Authorised decryption sharing": encrypt a payload once, let many members read it.
 *
 * A fresh random 32-byte data key encrypts the payload once (XChaCha20-Poly1305, random
 * 24-byte nonce). The data key is then wrapped separately for each authorised member with an
 * HPKE-style construction built only from audited primitives (@noble/curves X25519,
 * @noble/hashes HKDF-SHA256, @noble/ciphers XChaCha20-Poly1305). Granting a new reader adds
 * one wrapped key; the payload ciphertext, and so the on-chain hash, never change.
 *
 * Format v1 (normative):
 *
 *   LP(x)          = uint32_be(byteLength(x)) || x
 *   keyCommitment  = SHA-256(LP("consortia:envelope:v1:key-commitment") || LP(dataKey))
 *   payload AAD    = LP("consortia:envelope:v1:payload") || LP(aad)
 *   ciphertext     = XChaCha20-Poly1305(dataKey, nonce, payload AAD).encrypt(plaintext)
 *   envelopeId     = keccak-256 of the canonical JSON (RFC 8785) of
 *                    {version, suite, nonce, aad, keyCommitment}
 *   envelopeHash   = keccak-256 of the canonical JSON of
 *                    {version, suite, nonce, aad, keyCommitment, ciphertext}   (goes on chain)
 *                    (hex fields lower-case in both)
 *
 *   per recipient (memberId m, X25519 public key R), with a fresh ephemeral key pair (e, E):
 *   shared         = X25519(e, R)
 *   okm            = HKDF-SHA256(ikm = shared, salt = envelopeId,
 *                      info = LP("consortia:envelope:v1:wrap") || LP(E) || LP(R) || LP(uint64_be(m)),
 *                      length = 56)
 *   wrappedKey     = XChaCha20-Poly1305(okm[0..32], okm[32..56], AAD = envelopeId).encrypt(dataKey)
 *
 * Binding E, R, m and the envelope id into the key derivation means a wrapped key cannot be
 * moved to another recipient entry or another envelope. The id leaves the ciphertext out so
 * that granting and opening do not hash a multi-megabyte payload; the ciphertext is still
 * pinned, because the key commitment fixes the data key and an AEAD under a fixed key and
 * nonce opens a given ciphertext to at most one plaintext, and envelopeHash covers it. The key commitment makes the on-chain
 * hash commit to one data key, so a dishonest sender cannot hand two readers different keys
 * that open the same ciphertext to different documents (Poly1305 alone is not key-committing).
 *
 * Revocation is not possible cryptographically: a reader who once unwrapped the data key (or
 * kept a copy of the plaintext) keeps it. Removing a recipient entry only stops future
 * unwrapping from this copy. To withdraw access to future versions, seal a new envelope with a
 * new data key for the remaining readers and reference its new hash on chain.
 */
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { randomBytes } from "@noble/hashes/utils.js";
import { z } from "zod";
import { bytesFrom, constantTimeEqual, fromHex, lengthPrefixed, toHex, utf8, type Hex } from "./bytes.js";
import { hashCanonicalJson } from "./hashing.js";

export const ENVELOPE_VERSION = 1;
export const ENVELOPE_SUITE = "X25519-HKDF-SHA256-XChaCha20Poly1305";

const DATA_KEY_BYTES = 32;
const NONCE_BYTES = 24;
const KEY_BYTES = 32;
const WRAPPED_KEY_BYTES = DATA_KEY_BYTES + 16;
const LABEL_COMMITMENT = utf8("consortia:envelope:v1:key-commitment");
const LABEL_PAYLOAD = utf8("consortia:envelope:v1:payload");
const LABEL_WRAP = utf8("consortia:envelope:v1:wrap");

/** One authorised reader's copy of the data key. */
export type EnvelopeRecipient = {
  memberId: number;
  /** The reader's X25519 public key the data key was wrapped for (32 bytes). */
  publicKey: Hex;
  /** One-time X25519 public key of the wrapping (32 bytes). */
  ephemeralPublicKey: Hex;
  /** The data key encrypted for this reader, with its 16-byte tag (48 bytes). */
  wrappedKey: Hex;
};

/** A sealed payload; plain JSON, safe to store anywhere (only readers can open it). */
export type Envelope = {
  version: typeof ENVELOPE_VERSION;
  suite: typeof ENVELOPE_SUITE;
  /** 24-byte payload nonce. */
  nonce: Hex;
  /** Associated data: authenticated but not encrypted; "0x" when none. */
  aad: Hex;
  /** Commits the envelope to one data key (see module comment). */
  keyCommitment: Hex;
  /** Payload ciphertext with its 16-byte tag, base64 (RFC 4648 section 4, padded). */
  ciphertext: string;
  recipients: EnvelopeRecipient[];
};

export type EncryptionKeyPair = { privateKey: Hex; publicKey: Hex };
export type Reader = { memberId: number; publicKey: Hex };
/** Who is granting: the sender holding the data key, or a reader opening with its own key. */
export type EnvelopeAuthority = { dataKey: Uint8Array | Hex } | { memberId: number; privateKey: Uint8Array | Hex };

/** Raised when a key is wrong or any part of the envelope was tampered with. */
export class EnvelopeDecryptionError extends Error {
  override name = "EnvelopeDecryptionError" as const;
}

/** Raised when the member has no wrapped key in the envelope. */
export class NotARecipientError extends Error {
  override name = "NotARecipientError" as const;
  constructor(readonly memberId: number) {
    super(`member ${memberId} is not a recipient of this envelope; a current reader must grant access first`);
  }
}

/** Raised when a recipient is listed twice. */
export class DuplicateRecipientError extends Error {
  override name = "DuplicateRecipientError" as const;
  constructor(readonly memberId: number) {
    super(`member ${memberId} is already a recipient; pass { replace: true } to re-wrap for a rotated key`);
  }
}

/** Raised when an envelope is not the one the chain references. */
export class EnvelopeHashMismatchError extends Error {
  override name = "EnvelopeHashMismatchError" as const;
  constructor(
    readonly expected: Hex,
    readonly actual: Hex,
  ) {
    super(`envelope hash is ${actual} but ${expected} was expected: this is not the referenced envelope`);
  }
}

/** Raised for a structurally invalid envelope, reader or key. */
export class InvalidEnvelopeError extends Error {
  override name = "InvalidEnvelopeError" as const;
}

const hexSchema = (bytes?: number) =>
  z.string().refine(
    (value) => {
      try {
        fromHex(value, { field: "hex", length: bytes });
        return true;
      } catch {
        return false;
      }
    },
    {
      message: bytes === undefined ? "expected 0x-prefixed hex" : `expected 0x-prefixed hex of ${bytes} bytes`,
    },
  );

const base64Schema = z.string().refine((value) => Buffer.from(value, "base64").toString("base64") === value, {
  message: "expected canonical padded base64",
});

const memberIdSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const readerSchema = z.object({
  memberId: memberIdSchema,
  publicKey: hexSchema(KEY_BYTES),
});

const recipientSchema = readerSchema.extend({
  ephemeralPublicKey: hexSchema(KEY_BYTES),
  wrappedKey: hexSchema(WRAPPED_KEY_BYTES),
});

const envelopeSchema = z.object({
  version: z.literal(ENVELOPE_VERSION),
  suite: z.literal(ENVELOPE_SUITE),
  nonce: hexSchema(NONCE_BYTES),
  aad: hexSchema(),
  keyCommitment: hexSchema(32),
  ciphertext: base64Schema,
  recipients: z.array(recipientSchema),
});

function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
}

/**
 * Validates untrusted input (for example parsed JSON) as an envelope. Every function taking
 * an envelope calls this, so a malformed one fails early with a readable message.
 */
export function parseEnvelope(input: unknown): Envelope {
  const result = envelopeSchema.safeParse(input);
  if (!result.success) {
    throw new InvalidEnvelopeError(`invalid envelope: ${formatIssues(result.error)}`);
  }
  const envelope = result.data as Envelope;
  assertUniqueMembers(envelope.recipients);
  return envelope;
}

function parseReader(input: unknown, field: string): Reader {
  const result = readerSchema.safeParse(input);
  if (!result.success) {
    throw new InvalidEnvelopeError(`invalid ${field}: ${formatIssues(result.error)}`);
  }
  return result.data as Reader;
}

function assertUniqueMembers(readers: readonly { memberId: number }[]): void {
  const seen = new Set<number>();
  for (const { memberId } of readers) {
    if (seen.has(memberId)) throw new DuplicateRecipientError(memberId);
    seen.add(memberId);
  }
}

/** A new X25519 key pair; `publicKey` is what the registry stores as `bytes32 encryptionKey`. */
export function generateEncryptionKeyPair(): EncryptionKeyPair {
  const { secretKey, publicKey } = x25519.keygen();
  return { privateKey: toHex(secretKey), publicKey: toHex(publicKey) };
}

/** The public key belonging to an X25519 private key. */
export function encryptionPublicKey(privateKey: Uint8Array | Hex): Hex {
  return toHex(x25519.getPublicKey(bytesFrom(privateKey, { field: "privateKey", length: KEY_BYTES })));
}

/**
 * Encrypts `plaintext` once and wraps its data key for every recipient. Include the
 * regulator among the recipients: the SDK cannot know who the regulator is.
 *
 * Returns the data key as well, so the sender can grant further readers without holding a
 * reader key of its own; keep it secret or drop it.
 */
export function sealEnvelope(params: { plaintext: Uint8Array; recipients: Reader[]; associatedData?: Uint8Array }): {
  envelope: Envelope;
  dataKey: Uint8Array;
} {
  const { plaintext, associatedData = new Uint8Array(0) } = params;
  if (!(plaintext instanceof Uint8Array)) {
    throw new InvalidEnvelopeError("plaintext must be a Uint8Array");
  }
  if (!(associatedData instanceof Uint8Array)) {
    throw new InvalidEnvelopeError("associatedData must be a Uint8Array");
  }
  if (!Array.isArray(params.recipients) || params.recipients.length === 0) {
    throw new InvalidEnvelopeError("recipients must list at least one reader (and normally the regulator)");
  }
  const recipients = params.recipients.map((reader, i) => parseReader(reader, `recipients[${i}]`));
  assertUniqueMembers(recipients);

  const dataKey = randomBytes(DATA_KEY_BYTES);
  const nonce = randomBytes(NONCE_BYTES);
  const ciphertext = xchacha20poly1305(dataKey, nonce, payloadAad(associatedData)).encrypt(plaintext);
  const sealed: Envelope = {
    version: ENVELOPE_VERSION,
    suite: ENVELOPE_SUITE,
    nonce: toHex(nonce),
    aad: toHex(associatedData),
    keyCommitment: toHex(keyCommitment(dataKey)),
    ciphertext: Buffer.from(ciphertext).toString("base64"),
    recipients: [],
  };
  const envelopeId = headerId(sealed);
  sealed.recipients = recipients.map((reader) => wrapDataKey(dataKey, envelopeId, reader));
  return { envelope: sealed, dataKey };
}

/**
 * Adds a reader by wrapping the existing data key for it. The payload is not re-encrypted:
 * `ciphertext`, `nonce` and the envelope hash stay byte-identical. Returns a new envelope
 * and leaves the input untouched.
 *
 * With `{ replace: true }` an existing entry of the same member is re-wrapped, for example
 * after that member rotated its encryption key.
 */
export function grantReader(
  envelope: Envelope,
  authority: EnvelopeAuthority,
  recipient: Reader,
  options: { replace?: boolean } = {},
): Envelope {
  const parsed = parseEnvelope(envelope);
  const reader = parseReader(recipient, "recipient");
  const exists = parsed.recipients.some((entry) => entry.memberId === reader.memberId);
  if (exists && options.replace !== true) {
    throw new DuplicateRecipientError(reader.memberId);
  }
  const envelopeId = headerId(parsed);
  const dataKey = recoverDataKey(parsed, envelopeId, authority);
  const wrapped = wrapDataKey(dataKey, envelopeId, reader);
  return {
    ...parsed,
    recipients: [...parsed.recipients.filter((entry) => entry.memberId !== reader.memberId), wrapped],
  };
}

/**
 * Decrypts the payload as a recipient (`{ memberId, privateKey }`) or as the holder of the
 * data key (`{ dataKey }`). Fails with {@link NotARecipientError} when the member has no
 * wrapped key, and {@link EnvelopeDecryptionError} for a wrong key or any tampering.
 *
 * Pass `expectedHash` (the reference read from chain) to also prove that this is the very
 * envelope the chain points to; it costs one keccak-256 over the ciphertext.
 */
export function openEnvelope(
  envelope: Envelope,
  authority: EnvelopeAuthority,
  options: { expectedHash?: Hex } = {},
): Uint8Array {
  const parsed = parseEnvelope(envelope);
  if (options.expectedHash !== undefined) {
    const expected = toHex(fromHex(options.expectedHash, { field: "expectedHash", length: 32 }));
    const actual = payloadHash(parsed);
    if (actual !== expected) throw new EnvelopeHashMismatchError(expected, actual);
  }
  const envelopeId = headerId(parsed);
  const dataKey = recoverDataKey(parsed, envelopeId, authority);
  try {
    return xchacha20poly1305(
      dataKey,
      fromHex(parsed.nonce, { field: "nonce" }),
      payloadAad(fromHex(parsed.aad, { field: "aad" })),
    ).decrypt(Buffer.from(parsed.ciphertext, "base64"));
  } catch {
    throw new EnvelopeDecryptionError(
      "payload failed authentication: the ciphertext, nonce or associated data was altered",
    );
  }
}

/**
 * The on-chain reference of an envelope: keccak-256 of the canonical JSON of the payload part
 * {version, suite, nonce, aad, keyCommitment, ciphertext}. The recipients list is left out on
 * purpose so the reference stays valid when readers are granted; each wrapped key is bound to
 * the {@link envelopeId} instead.
 */
export function envelopeHash(envelope: Envelope): Hex {
  return payloadHash(parseEnvelope(envelope));
}

/**
 * The id every wrapped key is bound to (HKDF salt and key-wrap associated data): keccak-256
 * of the canonical JSON of {version, suite, nonce, aad, keyCommitment}.
 */
export function envelopeId(envelope: Envelope): Hex {
  return toHex(headerId(parseEnvelope(envelope)));
}

function header(envelope: Envelope) {
  const { version, suite, nonce, aad, keyCommitment } = envelope;
  // Hex is case-insensitive on input; hash one spelling so both give the same value.
  return {
    version,
    suite,
    nonce: nonce.toLowerCase(),
    aad: aad.toLowerCase(),
    keyCommitment: keyCommitment.toLowerCase(),
  };
}

function headerId(envelope: Envelope): Uint8Array {
  return fromHex(hashCanonicalJson(header(envelope)), { field: "envelopeId" });
}

function payloadHash(envelope: Envelope): Hex {
  return hashCanonicalJson({
    ...header(envelope),
    ciphertext: envelope.ciphertext,
  });
}

/** Member ids of everyone who holds a wrapped key. */
export function envelopeReaders(envelope: Envelope): number[] {
  return parseEnvelope(envelope).recipients.map((entry) => entry.memberId);
}

function payloadAad(associatedData: Uint8Array): Uint8Array {
  return lengthPrefixed(LABEL_PAYLOAD, associatedData);
}

function keyCommitment(dataKey: Uint8Array): Uint8Array {
  return sha256(lengthPrefixed(LABEL_COMMITMENT, dataKey));
}

function uint64be(value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value), false);
  return out;
}

function wrapKeys(
  shared: Uint8Array,
  envelopeId: Uint8Array,
  ephemeralPublicKey: Uint8Array,
  recipientPublicKey: Uint8Array,
  memberId: number,
): { kek: Uint8Array; nonce: Uint8Array } {
  const info = lengthPrefixed(LABEL_WRAP, ephemeralPublicKey, recipientPublicKey, uint64be(memberId));
  const okm = hkdf(sha256, shared, envelopeId, info, KEY_BYTES + NONCE_BYTES);
  return { kek: okm.subarray(0, KEY_BYTES), nonce: okm.subarray(KEY_BYTES) };
}

function wrapDataKey(dataKey: Uint8Array, envelopeId: Uint8Array, reader: Reader): EnvelopeRecipient {
  const recipientPublicKey = fromHex(reader.publicKey, {
    field: "publicKey",
    length: KEY_BYTES,
  });
  const ephemeral = x25519.keygen();
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(ephemeral.secretKey, recipientPublicKey);
  } catch {
    // noble rejects the small-order points that would make the shared secret predictable.
    throw new InvalidEnvelopeError(
      `public key of member ${reader.memberId} is not a usable X25519 key (small-order point)`,
    );
  }
  const { kek, nonce } = wrapKeys(shared, envelopeId, ephemeral.publicKey, recipientPublicKey, reader.memberId);
  return {
    memberId: reader.memberId,
    publicKey: toHex(recipientPublicKey),
    ephemeralPublicKey: toHex(ephemeral.publicKey),
    wrappedKey: toHex(xchacha20poly1305(kek, nonce, envelopeId).encrypt(dataKey)),
  };
}

function recoverDataKey(envelope: Envelope, envelopeId: Uint8Array, authority: EnvelopeAuthority): Uint8Array {
  if (typeof authority !== "object" || authority === null) {
    throw new InvalidEnvelopeError("authority must be { dataKey } or { memberId, privateKey }");
  }
  const dataKey =
    "dataKey" in authority
      ? bytesFrom(authority.dataKey, {
          field: "dataKey",
          length: DATA_KEY_BYTES,
        })
      : unwrapDataKey(envelope, envelopeId, authority);
  const expected = fromHex(envelope.keyCommitment, { field: "keyCommitment" });
  if (!constantTimeEqual(keyCommitment(dataKey), expected)) {
    throw new EnvelopeDecryptionError("data key does not match the envelope's key commitment");
  }
  return dataKey;
}

function unwrapDataKey(
  envelope: Envelope,
  envelopeId: Uint8Array,
  authority: { memberId: number; privateKey: Uint8Array | Hex },
): Uint8Array {
  const { memberId } = authority;
  const entry = envelope.recipients.find((item) => item.memberId === memberId);
  if (entry === undefined) throw new NotARecipientError(memberId);
  const privateKey = bytesFrom(authority.privateKey, {
    field: "privateKey",
    length: KEY_BYTES,
  });
  const recipientPublicKey = fromHex(entry.publicKey, { field: "publicKey" });
  const ephemeralPublicKey = fromHex(entry.ephemeralPublicKey, {
    field: "ephemeralPublicKey",
  });
  try {
    const shared = x25519.getSharedSecret(privateKey, ephemeralPublicKey);
    const { kek, nonce } = wrapKeys(shared, envelopeId, ephemeralPublicKey, recipientPublicKey, memberId);
    return xchacha20poly1305(kek, nonce, envelopeId).decrypt(fromHex(entry.wrappedKey, { field: "wrappedKey" }));
  } catch {
    // Only now pay for deriving our public key, to tell a wrong key from tampering.
    if (!constantTimeEqual(x25519.getPublicKey(privateKey), recipientPublicKey)) {
      throw new EnvelopeDecryptionError(
        `private key does not match the public key member ${memberId}'s data key was wrapped for (was the key rotated?)`,
      );
    }
    throw new EnvelopeDecryptionError(
      `wrapped key of member ${memberId} failed authentication: the entry or the envelope was altered`,
    );
  }
}
