/**
 * "Authorised decryption sharing": encrypt a payload once, let many members read it.
 *
 * A fresh random 32-byte data key encrypts the payload once. The data key is then wrapped separately for each
 * authorised member. Granting a new reader adds one wrapped key; the payload ciphertext, and so the on-chain hash,
 * never change.
 *
 * Format v2 (normative; what `sealEnvelope` writes). The key wrap is standard HPKE (RFC 9180, Base mode) with the
 * suite DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20-Poly1305 from the maintained `@hpke/*` implementation, so
 * a member's own systems open envelopes with any RFC 9180 library; the payload cipher is ChaCha20-Poly1305 (RFC 8439),
 * which every crypto library (Node's `crypto` included) has:
 *
 *   LP(x)          = uint32_be(byteLength(x)) || x
 *   keyCommitment  = SHA-256(LP("consortia:envelope:v2:key-commitment") || LP(dataKey))
 *   payload AAD    = LP("consortia:envelope:v2:payload") || LP(aad)
 *   ciphertext     = ChaCha20-Poly1305(dataKey, nonce (12 random bytes), payload AAD).encrypt(plaintext)
 *   envelopeId     = keccak-256 of the canonical JSON (RFC 8785) of {version, suite, nonce, aad, keyCommitment}
 *   envelopeHash   = keccak-256 of the canonical JSON of {version, suite, nonce, aad, keyCommitment, ciphertext}
 *                    (goes on chain; hex fields lower-case in both)
 *
 *   per recipient (memberId m, X25519 public key R):
 *   info           = LP("consortia:envelope:v2:wrap") || LP(envelopeId) || LP(uint64_be(m))
 *   (enc, wrappedKey) = HPKE SealBase(pkR = R, info, aad = envelopeId, pt = dataKey)
 *
 * Format v1 (read, and granted to, for envelopes sealed before v2): XChaCha20-Poly1305 payload with a 24-byte nonce,
 * labels "consortia:envelope:v1:...", and a home-made HPKE-like wrap: okm = HKDF-SHA256(ikm = X25519(e, R),
 * salt = envelopeId, info = LP("consortia:envelope:v1:wrap") || LP(E) || LP(R) || LP(uint64_be(m)), L = 56),
 * wrappedKey = XChaCha20-Poly1305(okm[0..32], okm[32..56], AAD = envelopeId).encrypt(dataKey). Granting a reader on a
 * v1 envelope wraps in v1 so that its on-chain hash stays valid; a new envelope is always v2.
 *
 * Format v3 (national cryptography, 国密; what `sealEnvelope({ suite: "gm" })` writes for a consortium deployed with
 * the GM suite): the same structure with SM algorithms only, from the maintained `sm-crypto-v2` (see ./gm.ts):
 *
 *   dataKey        = 16 random bytes (SM4-128)
 *   keyCommitment  = SM3(LP("consortia:envelope:v3:key-commitment") || LP(dataKey))
 *   payload AAD    = LP("consortia:envelope:v3:payload") || LP(aad)
 *   ciphertext     = SM4-GCM(dataKey, nonce (12 random bytes), payload AAD).encrypt(plaintext)   (RFC 8998's mode)
 *   envelopeId     = SM3 of the canonical JSON of {version, suite, nonce, aad, keyCommitment}
 *   envelopeHash   = SM3 of the canonical JSON of {version, suite, nonce, aad, keyCommitment, ciphertext}
 *
 *   per recipient (memberId m, SM2 public key R given by its x coordinate, even y):
 *   wrappedKey     = SM2-Encrypt(R, dataKey || envelopeId || uint64_be(m))   (GB/T 32918.4, C1 || C3 || C2)
 *
 * SM2 public-key encryption has no associated data, so the envelope id and member id travel inside the plaintext and
 * are compared on opening: a wrapped key moved to another entry or envelope is refused.
 *
 * Binding the member id and the envelope id into the wrap means a wrapped key cannot be moved to another recipient
 * entry or another envelope (HPKE's key schedule already binds E and R). The id leaves the ciphertext out so that
 * granting and opening do not hash a multi-megabyte payload; the ciphertext is still pinned, because the key
 * commitment fixes the data key and an AEAD under a fixed key and nonce opens a given ciphertext to at most one
 * plaintext, and envelopeHash covers it. The key commitment makes the on-chain hash commit to one data key, so a
 * dishonest sender cannot hand two readers different keys that open the same ciphertext to different documents
 * (Poly1305 alone is not key-committing).
 *
 * Revocation is not possible cryptographically: a reader who once unwrapped the data key (or kept a copy of the
 * plaintext) keeps it. Removing a recipient entry only stops future unwrapping from this copy. To withdraw access to
 * future versions, seal a new envelope with a new data key for the remaining readers and reference its new hash on
 * chain.
 */
import { chacha20poly1305, xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { randomBytes } from "@noble/hashes/utils.js";
import { z } from "zod";
import {
  bytesFrom,
  constantTimeEqual,
  fromBase64,
  fromHex,
  isCanonicalBase64,
  lengthPrefixed,
  toBase64,
  toHex,
  utf8,
  type Hex,
} from "./bytes.js";
import { canonicalJsonBytes, hashCanonicalJson, type JsonValue } from "./hashing.js";
import {
  generateGmKeyPair,
  gmPublicKey,
  SM2_CIPHERTEXT_OVERHEAD,
  sm2Decrypt,
  sm2Encrypt,
  sm3Digest,
  SM4_KEY_BYTES,
  sm4GcmDecrypt,
  sm4GcmEncrypt,
} from "./gm.js";
import { HPKE_ENC_BYTES, hpkeOpen, hpkeSeal } from "./hpke.js";

/** The format `sealEnvelope` writes. */
export const ENVELOPE_VERSION = 2;
/** Its suite: RFC 9180 HPKE key wrap (KEM/KDF/AEAD) with a ChaCha20-Poly1305 payload. */
export const ENVELOPE_SUITE = "HPKE-DHKEM(X25519,HKDF-SHA256)-HKDF-SHA256-ChaCha20Poly1305";
/** Format v3's suite: national cryptography (SM2 key wrap, SM3, SM4-GCM payload). */
export const ENVELOPE_GM_SUITE = "SM2-SM3-SM4GCM";
/** Which suite a consortium seals with: chosen at deployment (`envelopeSuite` of the deployments file). */
export type EnvelopeSuiteName = "standard" | "gm";
/** Format v1, still read (and granted to, keeping its hash). */
export const ENVELOPE_V1_SUITE = "X25519-HKDF-SHA256-XChaCha20Poly1305";

const DATA_KEY_BYTES = { 1: 32, 2: 32, 3: SM4_KEY_BYTES } as const;
const KEY_BYTES = 32;
const WRAPPED_KEY_BYTES = DATA_KEY_BYTES[2] + 16;
/** v3 wraps dataKey || envelopeId || uint64_be(memberId) with SM2. */
const GM_WRAPPED_KEY_BYTES = SM2_CIPHERTEXT_OVERHEAD + SM4_KEY_BYTES + 32 + 8;
const NONCE_BYTES = { 1: 24, 2: 12, 3: 12 } as const;
const LABELS = {
  1: {
    commitment: utf8("consortia:envelope:v1:key-commitment"),
    payload: utf8("consortia:envelope:v1:payload"),
    wrap: utf8("consortia:envelope:v1:wrap"),
  },
  2: {
    commitment: utf8("consortia:envelope:v2:key-commitment"),
    payload: utf8("consortia:envelope:v2:payload"),
    wrap: utf8("consortia:envelope:v2:wrap"),
  },
  3: {
    commitment: utf8("consortia:envelope:v3:key-commitment"),
    payload: utf8("consortia:envelope:v3:payload"),
    wrap: utf8("consortia:envelope:v3:wrap"),
  },
} as const;
type Aead = (
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
) => { encrypt(plaintext: Uint8Array): Uint8Array; decrypt(ciphertext: Uint8Array): Uint8Array };
const sm4Gcm: Aead = (key, nonce, aad) => ({
  encrypt: (plaintext) => sm4GcmEncrypt(key, nonce, aad, plaintext),
  decrypt: (ciphertext) => sm4GcmDecrypt(key, nonce, aad, ciphertext),
});
const PAYLOAD_CIPHER: Record<Version, Aead> = { 1: xchacha20poly1305, 2: chacha20poly1305, 3: sm4Gcm };

type Version = 1 | 2 | 3;

/** One authorised reader's copy of the data key (v2: an HPKE encapsulation). */
export type EnvelopeRecipient = {
  memberId: number;
  /** The reader's X25519 public key the data key was wrapped for (32 bytes). */
  publicKey: Hex;
  /** HPKE `enc`: the serialized one-time X25519 public key of the wrapping (32 bytes). */
  enc: Hex;
  /** HPKE ciphertext of the data key, with its 16-byte tag (48 bytes). */
  wrappedKey: Hex;
};

/** One authorised reader's copy of the data key in a v1 envelope. */
export type EnvelopeRecipientV1 = {
  memberId: number;
  publicKey: Hex;
  /** One-time X25519 public key of the wrapping (32 bytes). */
  ephemeralPublicKey: Hex;
  wrappedKey: Hex;
};

type EnvelopeBody = {
  /** Payload nonce (v2: 12 bytes; v1: 24 bytes). */
  nonce: Hex;
  /** Associated data: authenticated but not encrypted; "0x" when none. */
  aad: Hex;
  /** Commits the envelope to one data key (see module comment). */
  keyCommitment: Hex;
  /** Payload ciphertext with its 16-byte tag, base64 (RFC 4648 section 4, padded). */
  ciphertext: string;
};

/** A sealed payload (format v2); plain JSON, safe to store anywhere (only readers can open it). */
export type EnvelopeV2 = EnvelopeBody & {
  version: 2;
  suite: typeof ENVELOPE_SUITE;
  recipients: EnvelopeRecipient[];
};

/** A payload sealed in format v1 (before HPKE). */
export type EnvelopeV1 = EnvelopeBody & {
  version: 1;
  suite: typeof ENVELOPE_V1_SUITE;
  recipients: EnvelopeRecipientV1[];
};

/** One authorised reader's copy of the data key in a v3 (GM) envelope. */
export type EnvelopeRecipientGm = {
  memberId: number;
  /** The reader's SM2 public key: the point's x coordinate (its y is even), as the registry stores it. */
  publicKey: Hex;
  /** SM2 ciphertext (C1 || C3 || C2) of dataKey || envelopeId || uint64_be(memberId). */
  wrappedKey: Hex;
};

/** A payload sealed in format v3 (national cryptography). */
export type EnvelopeV3 = EnvelopeBody & {
  version: 3;
  suite: typeof ENVELOPE_GM_SUITE;
  recipients: EnvelopeRecipientGm[];
};

/** Any envelope the SDK reads. */
export type Envelope = EnvelopeV3 | EnvelopeV2 | EnvelopeV1;

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

const base64Schema = z.string().refine((value) => isCanonicalBase64(value), {
  message: "expected canonical padded base64",
});

const memberIdSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const readerSchema = z.object({
  memberId: memberIdSchema,
  publicKey: hexSchema(KEY_BYTES),
});

const recipientSchema = readerSchema.extend({
  enc: hexSchema(HPKE_ENC_BYTES),
  wrappedKey: hexSchema(WRAPPED_KEY_BYTES),
});

const recipientGmSchema = readerSchema.extend({
  wrappedKey: hexSchema(GM_WRAPPED_KEY_BYTES),
});

const recipientV1Schema = readerSchema.extend({
  ephemeralPublicKey: hexSchema(KEY_BYTES),
  wrappedKey: hexSchema(WRAPPED_KEY_BYTES),
});

const bodySchema = {
  aad: hexSchema(),
  keyCommitment: hexSchema(32),
  ciphertext: base64Schema,
};

const envelopeSchema = z.discriminatedUnion("version", [
  z.object({
    version: z.literal(3),
    suite: z.literal(ENVELOPE_GM_SUITE),
    nonce: hexSchema(NONCE_BYTES[3]),
    ...bodySchema,
    recipients: z.array(recipientGmSchema),
  }),
  z.object({
    version: z.literal(2),
    suite: z.literal(ENVELOPE_SUITE),
    nonce: hexSchema(NONCE_BYTES[2]),
    ...bodySchema,
    recipients: z.array(recipientSchema),
  }),
  z.object({
    version: z.literal(1),
    suite: z.literal(ENVELOPE_V1_SUITE),
    nonce: hexSchema(NONCE_BYTES[1]),
    ...bodySchema,
    recipients: z.array(recipientV1Schema),
  }),
]);

function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
}

/**
 * Validates untrusted input (for example parsed JSON) as an envelope of either format. Every function taking
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

/**
 * A new encryption key pair; `publicKey` is what the registry stores as `bytes32 encryptionKey`: an X25519 key, or
 * with `"gm"` an SM2 key given by its x coordinate (generated with an even y, see ./gm.ts).
 */
export function generateEncryptionKeyPair(suite: EnvelopeSuiteName = "standard"): EncryptionKeyPair {
  if (suite === "gm") return generateGmKeyPair();
  const { secretKey, publicKey } = x25519.keygen();
  return { privateKey: toHex(secretKey), publicKey: toHex(publicKey) };
}

/** The public key (registry form) belonging to a private key of the suite. */
export function encryptionPublicKey(privateKey: Uint8Array | Hex, suite: EnvelopeSuiteName = "standard"): Hex {
  if (suite === "gm") return gmPublicKey(privateKey);
  return toHex(x25519.getPublicKey(bytesFrom(privateKey, { field: "privateKey", length: KEY_BYTES })));
}

/**
 * Encrypts `plaintext` once (format v2) and wraps its data key for every recipient with HPKE. Include the
 * regulator among the recipients: the SDK cannot know who the regulator is.
 *
 * Returns the data key as well, so the sender can grant further readers without holding a
 * reader key of its own; keep it secret or drop it.
 */
export async function sealEnvelope<S extends EnvelopeSuiteName = "standard">(params: {
  plaintext: Uint8Array;
  recipients: Reader[];
  associatedData?: Uint8Array;
  /** `"gm"`: format v3 with SM2/SM3/SM4 (the readers' keys are SM2 keys); default `"standard"` (v2, HPKE). */
  suite?: S;
}): Promise<{ envelope: S extends "gm" ? EnvelopeV3 : EnvelopeV2; dataKey: Uint8Array }> {
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
  const suite: EnvelopeSuiteName = params.suite ?? "standard";
  if (suite !== "standard" && suite !== "gm") {
    throw new InvalidEnvelopeError(`unknown envelope suite ${String(suite)}: "standard" or "gm"`);
  }
  const recipients = params.recipients.map((reader, i) => parseReader(reader, `recipients[${i}]`));
  assertUniqueMembers(recipients);

  const version = suite === "gm" ? 3 : 2;
  const dataKey = randomBytes(DATA_KEY_BYTES[version]);
  const nonce = randomBytes(NONCE_BYTES[version]);
  const ciphertext = PAYLOAD_CIPHER[version](dataKey, nonce, payloadAad(version, associatedData)).encrypt(plaintext);
  const body = {
    nonce: toHex(nonce),
    aad: toHex(associatedData),
    keyCommitment: toHex(keyCommitment(version, dataKey)),
    ciphertext: toBase64(ciphertext),
  };
  if (version === 3) {
    const sealed: EnvelopeV3 = { version: 3, suite: ENVELOPE_GM_SUITE, ...body, recipients: [] };
    const envelopeId = headerId(sealed);
    sealed.recipients = recipients.map((reader) => wrapGm(dataKey, envelopeId, reader));
    return { envelope: sealed as S extends "gm" ? EnvelopeV3 : EnvelopeV2, dataKey };
  }
  const sealed: EnvelopeV2 = { version: 2, suite: ENVELOPE_SUITE, ...body, recipients: [] };
  const envelopeId = headerId(sealed);
  sealed.recipients = await Promise.all(recipients.map((reader) => wrapV2(dataKey, envelopeId, reader)));
  return { envelope: sealed as S extends "gm" ? EnvelopeV3 : EnvelopeV2, dataKey };
}

/**
 * Adds a reader by wrapping the existing data key for it. The payload is not re-encrypted:
 * `ciphertext`, `nonce` and the envelope hash stay byte-identical (a v1 envelope stays v1). Returns a new envelope
 * and leaves the input untouched.
 *
 * With `{ replace: true }` an existing entry of the same member is re-wrapped, for example
 * after that member rotated its encryption key (see {@link rewrapForRotatedKey}).
 */
export async function grantReader<E extends Envelope>(
  envelope: E,
  authority: EnvelopeAuthority,
  recipient: Reader,
  options: { replace?: boolean } = {},
): Promise<E> {
  const parsed = parseEnvelope(envelope);
  const reader = parseReader(recipient, "recipient");
  const exists = parsed.recipients.some((entry) => entry.memberId === reader.memberId);
  if (exists && options.replace !== true) {
    throw new DuplicateRecipientError(reader.memberId);
  }
  const envelopeId = headerId(parsed);
  const dataKey = await recoverDataKey(parsed, envelopeId, authority);
  if (parsed.version === 1 || parsed.version === 3) {
    const wrapped = parsed.version === 1 ? wrapV1(dataKey, envelopeId, reader) : wrapGm(dataKey, envelopeId, reader);
    return {
      ...parsed,
      recipients: [...parsed.recipients.filter((entry) => entry.memberId !== reader.memberId), wrapped],
    } as E;
  }
  const wrapped = await wrapV2(dataKey, envelopeId, reader);
  return {
    ...parsed,
    recipients: [...parsed.recipients.filter((entry) => entry.memberId !== reader.memberId), wrapped],
  } as E;
}

/**
 * Key rotation: a member that replaced its encryption key re-wraps its own entry for the new key, opening with the
 * old private key. The payload and the envelope hash are untouched; the old key no longer opens the returned copy.
 */
export async function rewrapForRotatedKey<E extends Envelope>(
  envelope: E,
  rotation: { memberId: number; oldPrivateKey: Uint8Array | Hex; newPublicKey: Hex },
): Promise<E> {
  return grantReader(
    envelope,
    { memberId: rotation.memberId, privateKey: rotation.oldPrivateKey },
    { memberId: rotation.memberId, publicKey: rotation.newPublicKey },
    { replace: true },
  );
}

/**
 * Decrypts the payload as a recipient (`{ memberId, privateKey }`) or as the holder of the
 * data key (`{ dataKey }`). Fails with {@link NotARecipientError} when the member has no
 * wrapped key, and {@link EnvelopeDecryptionError} for a wrong key or any tampering.
 *
 * Pass `expectedHash` (the reference read from chain) to also prove that this is the very
 * envelope the chain points to; it costs one keccak-256 over the ciphertext.
 */
export async function openEnvelope(
  envelope: Envelope,
  authority: EnvelopeAuthority,
  options: { expectedHash?: Hex } = {},
): Promise<Uint8Array> {
  const parsed = parseEnvelope(envelope);
  if (options.expectedHash !== undefined) {
    const expected = toHex(fromHex(options.expectedHash, { field: "expectedHash", length: 32 }));
    const actual = payloadHash(parsed);
    if (actual !== expected) throw new EnvelopeHashMismatchError(expected, actual);
  }
  const envelopeId = headerId(parsed);
  const dataKey = await recoverDataKey(parsed, envelopeId, authority);
  try {
    return PAYLOAD_CIPHER[parsed.version](
      dataKey,
      fromHex(parsed.nonce, { field: "nonce" }),
      payloadAad(parsed.version, fromHex(parsed.aad, { field: "aad" })),
    ).decrypt(fromBase64(parsed.ciphertext));
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
 * The id every wrapped key is bound to (v2: in the HPKE info and as the HPKE aad; v1: HKDF salt and key-wrap
 * associated data): keccak-256 of the canonical JSON of {version, suite, nonce, aad, keyCommitment}.
 */
export function envelopeId(envelope: Envelope): Hex {
  return toHex(headerId(parseEnvelope(envelope)));
}

/** The HPKE `info` of member `memberId`'s wrapped key in a v2 envelope with id `envelopeId` (see module comment). */
export function envelopeWrapInfo(envelopeId: Uint8Array | Hex, memberId: number): Uint8Array {
  return lengthPrefixed(LABELS[2].wrap, bytesFrom(envelopeId, { field: "envelopeId", length: 32 }), uint64be(memberId));
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

/** keccak-256 of the canonical JSON (v1, v2); SM3 of it in a GM envelope (v3). */
function hashJson(version: Version, value: JsonValue): Hex {
  return version === 3 ? toHex(sm3Digest(canonicalJsonBytes(value))) : hashCanonicalJson(value);
}

function headerId(envelope: Envelope): Uint8Array {
  return fromHex(hashJson(envelope.version, header(envelope)), { field: "envelopeId" });
}

function payloadHash(envelope: Envelope): Hex {
  return hashJson(envelope.version, {
    ...header(envelope),
    ciphertext: envelope.ciphertext,
  });
}

/** Member ids of everyone who holds a wrapped key. */
export function envelopeReaders(envelope: Envelope): number[] {
  return parseEnvelope(envelope).recipients.map((entry) => entry.memberId);
}

function payloadAad(version: Version, associatedData: Uint8Array): Uint8Array {
  return lengthPrefixed(LABELS[version].payload, associatedData);
}

function keyCommitment(version: Version, dataKey: Uint8Array): Uint8Array {
  const committed = lengthPrefixed(LABELS[version].commitment, dataKey);
  return version === 3 ? sm3Digest(committed) : sha256(committed);
}

function uint64be(value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value), false);
  return out;
}

async function wrapV2(dataKey: Uint8Array, envelopeId: Uint8Array, reader: Reader): Promise<EnvelopeRecipient> {
  const recipientPublicKey = fromHex(reader.publicKey, { field: "publicKey", length: KEY_BYTES });
  let sealed: { enc: Uint8Array; ciphertext: Uint8Array };
  try {
    sealed = await hpkeSeal({
      recipientPublicKey,
      info: envelopeWrapInfo(envelopeId, reader.memberId),
      aad: envelopeId,
      plaintext: dataKey,
    });
  } catch {
    // DHKEM rejects the small-order points that would make the shared secret predictable (RFC 9180 section 7.1.4).
    throw new InvalidEnvelopeError(
      `public key of member ${reader.memberId} is not a usable X25519 key (small-order point)`,
    );
  }
  return {
    memberId: reader.memberId,
    publicKey: toHex(recipientPublicKey),
    enc: toHex(sealed.enc),
    wrappedKey: toHex(sealed.ciphertext),
  };
}

/** The SM2 plaintext of a v3 wrapped key: the data key bound to the envelope and the member. */
function gmWrapPlaintext(dataKey: Uint8Array, envelopeId: Uint8Array, memberId: number): Uint8Array {
  const out = new Uint8Array(SM4_KEY_BYTES + 32 + 8);
  out.set(dataKey, 0);
  out.set(envelopeId, SM4_KEY_BYTES);
  out.set(uint64be(memberId), SM4_KEY_BYTES + 32);
  return out;
}

function wrapGm(dataKey: Uint8Array, envelopeId: Uint8Array, reader: Reader): EnvelopeRecipientGm {
  const publicKey = fromHex(reader.publicKey, { field: "publicKey", length: KEY_BYTES });
  let wrapped: Uint8Array;
  try {
    wrapped = sm2Encrypt(publicKey, gmWrapPlaintext(dataKey, envelopeId, reader.memberId));
  } catch {
    throw new InvalidEnvelopeError(
      `public key of member ${reader.memberId} is not a usable SM2 key (no curve point has this x coordinate)`,
    );
  }
  return { memberId: reader.memberId, publicKey: toHex(publicKey), wrappedKey: toHex(wrapped) };
}

function wrapKeysV1(
  shared: Uint8Array,
  envelopeId: Uint8Array,
  ephemeralPublicKey: Uint8Array,
  recipientPublicKey: Uint8Array,
  memberId: number,
): { kek: Uint8Array; nonce: Uint8Array } {
  const info = lengthPrefixed(LABELS[1].wrap, ephemeralPublicKey, recipientPublicKey, uint64be(memberId));
  const okm = hkdf(sha256, shared, envelopeId, info, KEY_BYTES + NONCE_BYTES[1]);
  return { kek: okm.subarray(0, KEY_BYTES), nonce: okm.subarray(KEY_BYTES) };
}

function wrapV1(dataKey: Uint8Array, envelopeId: Uint8Array, reader: Reader): EnvelopeRecipientV1 {
  const recipientPublicKey = fromHex(reader.publicKey, { field: "publicKey", length: KEY_BYTES });
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
  const { kek, nonce } = wrapKeysV1(shared, envelopeId, ephemeral.publicKey, recipientPublicKey, reader.memberId);
  return {
    memberId: reader.memberId,
    publicKey: toHex(recipientPublicKey),
    ephemeralPublicKey: toHex(ephemeral.publicKey),
    wrappedKey: toHex(xchacha20poly1305(kek, nonce, envelopeId).encrypt(dataKey)),
  };
}

async function recoverDataKey(
  envelope: Envelope,
  envelopeId: Uint8Array,
  authority: EnvelopeAuthority,
): Promise<Uint8Array> {
  if (typeof authority !== "object" || authority === null) {
    throw new InvalidEnvelopeError("authority must be { dataKey } or { memberId, privateKey }");
  }
  const dataKey =
    "dataKey" in authority
      ? bytesFrom(authority.dataKey, { field: "dataKey", length: DATA_KEY_BYTES[envelope.version] })
      : await unwrapDataKey(envelope, envelopeId, authority);
  const expected = fromHex(envelope.keyCommitment, { field: "keyCommitment" });
  if (!constantTimeEqual(keyCommitment(envelope.version, dataKey), expected)) {
    throw new EnvelopeDecryptionError("data key does not match the envelope's key commitment");
  }
  return dataKey;
}

async function unwrapDataKey(
  envelope: Envelope,
  envelopeId: Uint8Array,
  authority: { memberId: number; privateKey: Uint8Array | Hex },
): Promise<Uint8Array> {
  const { memberId } = authority;
  const entry = envelope.recipients.find((item) => item.memberId === memberId);
  if (entry === undefined) throw new NotARecipientError(memberId);
  const privateKey = bytesFrom(authority.privateKey, { field: "privateKey", length: KEY_BYTES });
  const recipientPublicKey = fromHex(entry.publicKey, { field: "publicKey" });
  const wrappedKey = fromHex(entry.wrappedKey, { field: "wrappedKey" });
  if (envelope.version === 3) return unwrapGm(entry, envelopeId, memberId, privateKey, wrappedKey);
  try {
    if ("enc" in entry) {
      return await hpkeOpen({
        recipientPrivateKey: privateKey,
        enc: fromHex(entry.enc, { field: "enc" }),
        info: envelopeWrapInfo(envelopeId, memberId),
        aad: envelopeId,
        ciphertext: wrappedKey,
      });
    }
    if (!("ephemeralPublicKey" in entry)) throw new Error("unreachable: a v3 entry in a v1 envelope");
    const ephemeralPublicKey = fromHex(entry.ephemeralPublicKey, { field: "ephemeralPublicKey" });
    const shared = x25519.getSharedSecret(privateKey, ephemeralPublicKey);
    const { kek, nonce } = wrapKeysV1(shared, envelopeId, ephemeralPublicKey, recipientPublicKey, memberId);
    return xchacha20poly1305(kek, nonce, envelopeId).decrypt(wrappedKey);
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

function unwrapGm(
  entry: { publicKey: Hex },
  envelopeId: Uint8Array,
  memberId: number,
  privateKey: Uint8Array,
  wrappedKey: Uint8Array,
): Uint8Array {
  let opened: Uint8Array;
  try {
    opened = sm2Decrypt(privateKey, wrappedKey);
  } catch {
    let ours: Hex | undefined;
    try {
      ours = gmPublicKey(privateKey);
    } catch {
      ours = undefined;
    }
    if (ours === undefined || ours.toLowerCase() !== entry.publicKey.toLowerCase()) {
      throw new EnvelopeDecryptionError(
        `private key does not match the public key member ${memberId}'s data key was wrapped for (was the key rotated?)`,
      );
    }
    throw new EnvelopeDecryptionError(
      `wrapped key of member ${memberId} failed authentication: the entry or the envelope was altered`,
    );
  }
  const expected = gmWrapPlaintext(opened.subarray(0, SM4_KEY_BYTES), envelopeId, memberId);
  if (!constantTimeEqual(opened, expected)) {
    throw new EnvelopeDecryptionError(
      `wrapped key of member ${memberId} belongs to another envelope or member: it was moved`,
    );
  }
  return opened.slice(0, SM4_KEY_BYTES);
}
