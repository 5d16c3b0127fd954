/**
 * National cryptography (国密): SM2 public-key encryption (GB/T 32918.4), SM3 (GB/T 32905) and SM4 (GB/T 32907) in
 * GCM mode (as TLS 1.3 uses it, RFC 8998), for members that must use them for their own encryption.
 *
 * A thin layer over `sm-crypto-v2` (maintained; built on the audited `@noble/curves` and `@noble/hashes` primitives; no
 * Node built-ins, so it runs in browsers too). Nothing here implements a cipher: it fixes encodings (raw bytes in and
 * out, C1C3C2 ciphertext order as GB/T 32918.4-2016 specifies it) and the key convention below.
 *
 * Key convention: the registry keeps one `bytes32 encryptionKey` per member. An SM2 public key is a curve point (33
 * bytes compressed), so a GM member publishes the point's x coordinate and its key pairs are generated with an even y
 * (`generateGmKeyPair` negates the private key when needed): the full point is `02 || x`, recovered by anyone.
 */
import { sm2, sm3, sm4 } from "sm-crypto-v2";
import { bytesFrom, fromHex, toHex, type Hex } from "./bytes.js";

/** SM2 ciphertext layout, GB/T 32918.4-2016 (C1 || C3 || C2). */
const C1C3C2 = 1;
const KEY_BYTES = 32;
/** SM4 keys and blocks are 128 bits; GCM nonces 96 bits; tags 128 bits. */
export const SM4_KEY_BYTES = 16;
export const SM4_GCM_NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** SM2 ciphertext overhead: C1 (uncompressed point, 65 bytes) and C3 (SM3 digest, 32 bytes). */
export const SM2_CIPHERTEXT_OVERHEAD = 65 + 32;

const hex = (bytes: Uint8Array): string => toHex(bytes).slice(2);

/** SM3 digest (32 bytes). */
export function sm3Digest(data: Uint8Array): Uint8Array {
  return fromHex(`0x${sm3(data)}`, { field: "sm3" });
}

/** SM3 digest as 0x-hex: the `bytes32` a GM consortium keeps on chain for a document. */
export function sm3Hash(data: Uint8Array): Hex {
  return toHex(sm3Digest(data));
}

/** SM4-GCM encryption; returns ciphertext || tag. */
export function sm4GcmEncrypt(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const { output, tag } = sm4.encrypt(plaintext, key, {
    mode: "gcm",
    iv: nonce,
    associatedData: aad,
    output: "array",
    outputTag: true,
  });
  const out = new Uint8Array(output.length + TAG_BYTES);
  out.set(output, 0);
  out.set(tag!, output.length);
  return out;
}

/** SM4-GCM decryption of ciphertext || tag; throws when the tag does not verify. */
export function sm4GcmDecrypt(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array {
  if (sealed.length < TAG_BYTES) throw new Error("SM4-GCM ciphertext shorter than its tag");
  return sm4.decrypt(sealed.subarray(0, sealed.length - TAG_BYTES), key, {
    mode: "gcm",
    iv: nonce,
    associatedData: aad,
    tag: sealed.subarray(sealed.length - TAG_BYTES),
    output: "array",
  }) as Uint8Array;
}

/** A GM encryption key pair: `publicKey` is the x coordinate (even y) the registry stores as `bytes32 encryptionKey`. */
export type GmKeyPair = { privateKey: Hex; publicKey: Hex };

/** The curve order n of the SM2 recommended curve (GB/T 32918.5-2017). */
const SM2_N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

/** A new SM2 key pair whose public point has an even y (so its x alone identifies it). */
export function generateGmKeyPair(): GmKeyPair {
  const pair = sm2.generateKeyPairHex();
  let d = BigInt(`0x${pair.privateKey}`);
  // Uncompressed "04 || x || y": an odd y means the point of n - d, which has the same x and an even y.
  if (BigInt(`0x${pair.publicKey.slice(-2)}`) % 2n === 1n) d = SM2_N - d;
  const privateKey = `0x${d.toString(16).padStart(64, "0")}` as Hex;
  return { privateKey, publicKey: gmPublicKey(privateKey) };
}

/** The registry form (x coordinate) of an SM2 private key's public point; refuses a key whose point has an odd y. */
export function gmPublicKey(privateKey: Uint8Array | Hex): Hex {
  const point = sm2.getPublicKeyFromPrivateKey(hex(bytesFrom(privateKey, { field: "privateKey", length: KEY_BYTES })));
  if (BigInt(`0x${point.slice(-2)}`) % 2n === 1n) {
    throw new Error("this SM2 key's public point has an odd y: generate GM envelope keys with generateGmKeyPair");
  }
  return `0x${point.slice(2, 66)}` as Hex;
}

/** SM2 public-key encryption (C1C3C2) to the member key `publicKey` (x coordinate, even y). */
export function sm2Encrypt(publicKey: Uint8Array | Hex, plaintext: Uint8Array): Uint8Array {
  const x = hex(bytesFrom(publicKey, { field: "publicKey", length: KEY_BYTES }));
  let text: string;
  try {
    // The library parses the compressed point `02 || x` and refuses an x that is on no point of the curve.
    text = sm2.doEncrypt(plaintext, `02${x}`, C1C3C2) as string;
  } catch {
    throw new Error(`0x${x} is not the x coordinate of an SM2 public key`);
  }
  return fromHex(`0x04${text}`, { field: "sm2 ciphertext" });
}

/** SM2 decryption (C1C3C2); throws when C3 does not verify (wrong key or altered ciphertext). */
export function sm2Decrypt(privateKey: Uint8Array | Hex, ciphertext: Uint8Array): Uint8Array {
  if (ciphertext.length <= SM2_CIPHERTEXT_OVERHEAD || ciphertext[0] !== 0x04) {
    throw new Error("not an SM2 C1C3C2 ciphertext (uncompressed C1 expected)");
  }
  const d = hex(bytesFrom(privateKey, { field: "privateKey", length: KEY_BYTES }));
  // sm-crypto-v2 takes C1 without its 04 prefix and answers an empty result when C3 does not verify.
  const out = sm2.doDecrypt(hex(ciphertext.subarray(1)), d, C1C3C2, { output: "array" }) as Uint8Array | string;
  if (typeof out === "string" || out.length !== ciphertext.length - SM2_CIPHERTEXT_OVERHEAD) {
    throw new Error("SM2 decryption failed: wrong key or altered ciphertext");
  }
  return out;
}
