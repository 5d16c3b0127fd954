/**
 * HPKE (RFC 9180) in Base mode with the cipher suite the envelopes use:
 * KEM DHKEM(X25519, HKDF-SHA256) 0x0020, KDF HKDF-SHA256 0x0001, AEAD ChaCha20-Poly1305 0x0003.
 *
 * A thin layer over the maintained `@hpke/*` implementation (hpke-js): single-shot seal and open with raw 32-byte
 * X25519 keys. Any other RFC 9180 implementation with the same suite opens what this seals, and the other way round.
 */
import { CipherSuite, HkdfSha256 } from "@hpke/core";
import { Chacha20Poly1305 } from "@hpke/chacha20poly1305";
import { DhkemX25519HkdfSha256 } from "@hpke/dhkem-x25519";

/** The RFC 9180 identifiers of the suite: KEM, KDF, AEAD. */
export const HPKE_SUITE_IDS = { kem: 0x0020, kdf: 0x0001, aead: 0x0003 } as const;
/** Length of `enc` (the serialized ephemeral X25519 public key). */
export const HPKE_ENC_BYTES = 32;

let suite: CipherSuite | undefined;

/** The cipher suite object, created once (its key and algorithm set-up is not free). */
export function hpkeSuite(): CipherSuite {
  suite ??= new CipherSuite({
    kem: new DhkemX25519HkdfSha256(),
    kdf: new HkdfSha256(),
    aead: new Chacha20Poly1305(),
  });
  return suite;
}

/**
 * Single-shot HPKE seal to `recipientPublicKey` (raw X25519, 32 bytes). `ekm` fixes the ephemeral key (input keying
 * material for DeriveKeyPair): for known-answer tests only.
 */
export async function hpkeSeal(params: {
  recipientPublicKey: Uint8Array;
  info: Uint8Array;
  aad: Uint8Array;
  plaintext: Uint8Array;
  ekm?: Uint8Array;
}): Promise<{ enc: Uint8Array; ciphertext: Uint8Array }> {
  const hpke = hpkeSuite();
  const recipientPublicKey = await hpke.kem.deserializePublicKey(params.recipientPublicKey);
  const sealed = await hpke.seal(
    { recipientPublicKey, info: params.info, ...(params.ekm === undefined ? {} : { ekm: params.ekm }) },
    params.plaintext,
    params.aad,
  );
  return { enc: new Uint8Array(sealed.enc), ciphertext: new Uint8Array(sealed.ct) };
}

/** Single-shot HPKE open with the recipient's raw X25519 private key (32 bytes). Throws when anything does not match. */
export async function hpkeOpen(params: {
  recipientPrivateKey: Uint8Array;
  enc: Uint8Array;
  info: Uint8Array;
  aad: Uint8Array;
  ciphertext: Uint8Array;
}): Promise<Uint8Array> {
  const hpke = hpkeSuite();
  const recipientKey = await hpke.kem.deserializePrivateKey(params.recipientPrivateKey);
  const plaintext = await hpke.open(
    { recipientKey, enc: params.enc, info: params.info },
    params.ciphertext,
    params.aad,
  );
  return new Uint8Array(plaintext);
}
