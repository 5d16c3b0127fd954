import { expect } from "chai";
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import {
  DuplicateRecipientError,
  type EncryptionKeyPair,
  encryptionPublicKey,
  type Envelope,
  EnvelopeDecryptionError,
  envelopeHash,
  EnvelopeHashMismatchError,
  envelopeId,
  envelopeReaders,
  fromHex,
  generateEncryptionKeyPair,
  grantReader,
  hashCanonicalJson,
  type Hex,
  InvalidEnvelopeError,
  NotARecipientError,
  openEnvelope,
  parseEnvelope,
  sealEnvelope,
  toHex,
} from "@consortia/sdk";

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const untext = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

type Member = EncryptionKeyPair & { memberId: number };
const member = (memberId: number): Member => ({
  memberId,
  ...generateEncryptionKeyPair(),
});
const reader = (m: Member) => ({
  memberId: m.memberId,
  publicKey: m.publicKey,
});
const opener = (m: Member) => ({
  memberId: m.memberId,
  privateKey: m.privateKey,
});

/** Flips one bit of a hex field. */
function flipHex(value: Hex, byteIndex = 0): Hex {
  const bytes = fromHex(value, { field: "test" });
  bytes[byteIndex] ^= 0x01;
  return toHex(bytes);
}

function flipCiphertext(envelope: Envelope): Envelope {
  const bytes = Buffer.from(envelope.ciphertext, "base64");
  bytes[0] ^= 0x01;
  return { ...envelope, ciphertext: bytes.toString("base64") };
}

function expectThrow(fn: () => unknown, type: Function, message?: RegExp) {
  if (message === undefined) expect(fn).to.throw(type as ErrorConstructor);
  else expect(fn).to.throw(type as ErrorConstructor, message);
}

describe("sdk/envelope", () => {
  const bank = member(1);
  const supplier = member(2);
  const core = member(3);
  const regulator = member(99);
  const latecomer = member(4);
  const document = text(JSON.stringify({ subject: "0xabc", category: "fraud", note: "详情" }));

  const sealed = () =>
    sealEnvelope({
      plaintext: document,
      recipients: [bank, supplier, core, regulator].map(reader),
    });

  describe("authorised readers", () => {
    it("each of three members and the regulator decrypts the payload", () => {
      const { envelope } = sealed();
      for (const m of [bank, supplier, core, regulator]) {
        expect(untext(openEnvelope(envelope, opener(m)))).to.equal(untext(document));
      }
      expect(envelopeReaders(envelope)).to.deep.equal([1, 2, 3, 99]);
    });

    it("a fourth member cannot decrypt until granted, then can", () => {
      const { envelope } = sealed();
      expectThrow(() => openEnvelope(envelope, opener(latecomer)), NotARecipientError, /member 4 is not a recipient/);
      const granted = grantReader(envelope, opener(bank), reader(latecomer));
      expect(untext(openEnvelope(granted, opener(latecomer)))).to.equal(untext(document));
    });

    it("granting re-encrypts nothing: ciphertext, nonce and envelope hash are identical", () => {
      const { envelope } = sealed();
      const before = JSON.parse(JSON.stringify(envelope)) as Envelope;
      const granted = grantReader(envelope, opener(core), reader(latecomer));
      expect(granted.ciphertext).to.equal(before.ciphertext);
      expect(granted.nonce).to.equal(before.nonce);
      expect(granted.keyCommitment).to.equal(before.keyCommitment);
      expect(envelopeHash(granted)).to.equal(envelopeHash(before));
      expect(envelopeId(granted)).to.equal(envelopeId(before));
      expect(granted.recipients.slice(0, 4)).to.deep.equal(before.recipients);
      // The input is not mutated.
      expect(envelope).to.deep.equal(before);
    });

    it("the sender can grant with the data key it kept", () => {
      const { envelope, dataKey } = sealed();
      const granted = grantReader(envelope, { dataKey }, reader(latecomer));
      expect(untext(openEnvelope(granted, opener(latecomer)))).to.equal(untext(document));
      expect(untext(openEnvelope(envelope, { dataKey: toHex(dataKey) }))).to.equal(untext(document));
    });

    it("the regulator keeps access after further grants", () => {
      let { envelope } = sealed();
      for (const id of [10, 11, 12]) {
        envelope = grantReader(envelope, opener(regulator), reader(member(id)));
      }
      expect(untext(openEnvelope(envelope, opener(regulator)))).to.equal(untext(document));
    });

    it("survives a JSON round trip", () => {
      const { envelope } = sealed();
      const copy = JSON.parse(JSON.stringify(envelope)) as Envelope;
      expect(envelopeHash(copy)).to.equal(envelopeHash(envelope));
      expect(untext(openEnvelope(copy, opener(supplier)))).to.equal(untext(document));
    });

    it("seals fresh: the same plaintext twice gives different keys, nonces and hashes", () => {
      const a = sealed();
      const b = sealed();
      expect(a.envelope.nonce).to.not.equal(b.envelope.nonce);
      expect(toHex(a.dataKey)).to.not.equal(toHex(b.dataKey));
      expect(envelopeHash(a.envelope)).to.not.equal(envelopeHash(b.envelope));
    });

    it("a member who rotated its key is re-wrapped with replace: true", () => {
      const { envelope } = sealed();
      const rotated = {
        ...generateEncryptionKeyPair(),
        memberId: supplier.memberId,
      };
      expectThrow(
        () => grantReader(envelope, opener(bank), reader(rotated)),
        DuplicateRecipientError,
        /already a recipient/,
      );
      const regranted = grantReader(envelope, opener(bank), reader(rotated), {
        replace: true,
      });
      expect(envelopeReaders(regranted)).to.have.members([1, 2, 3, 99]);
      expect(untext(openEnvelope(regranted, opener(rotated)))).to.equal(untext(document));
      expectThrow(() => openEnvelope(regranted, opener(supplier)), EnvelopeDecryptionError, /was the key rotated/);
    });

    it("round-trips an empty and a 4 MiB payload with associated data", () => {
      const big = new Uint8Array(4 * 1024 * 1024).map((_, i) => i % 251);
      for (const plaintext of [new Uint8Array(0), big]) {
        const { envelope } = sealEnvelope({
          plaintext,
          recipients: [reader(bank)],
          associatedData: text("blacklist-entry:42"),
        });
        expect(envelope.aad).to.equal(toHex(text("blacklist-entry:42")));
        const opened = openEnvelope(envelope, opener(bank));
        expect(opened.length).to.equal(plaintext.length);
        expect(Buffer.from(opened).equals(Buffer.from(plaintext))).to.equal(true);
      }
    });
  });

  describe("wrong keys and tampering fail with named errors", () => {
    it("a wrong private key for a listed member fails", () => {
      const { envelope } = sealed();
      expectThrow(
        () =>
          openEnvelope(envelope, {
            memberId: bank.memberId,
            privateKey: supplier.privateKey,
          }),
        EnvelopeDecryptionError,
        /does not match the public key/,
      );
    });

    it("a wrong data key fails the key commitment", () => {
      const { envelope } = sealed();
      const wrong = new Uint8Array(32).fill(7);
      expectThrow(() => openEnvelope(envelope, { dataKey: wrong }), EnvelopeDecryptionError, /key commitment/);
      expectThrow(
        () => grantReader(envelope, { dataKey: wrong }, reader(latecomer)),
        EnvelopeDecryptionError,
        /key commitment/,
      );
    });

    it("a tampered ciphertext fails for readers and for the data-key holder", () => {
      const { envelope, dataKey } = sealed();
      const tampered = flipCiphertext(envelope);
      expectThrow(() => openEnvelope(tampered, opener(bank)), EnvelopeDecryptionError);
      expectThrow(() => openEnvelope(tampered, { dataKey }), EnvelopeDecryptionError, /payload failed authentication/);
    });

    it("tampered associated data or nonce fails", () => {
      const { envelope, dataKey } = sealEnvelope({
        plaintext: document,
        recipients: [reader(bank)],
        associatedData: text("entry 1"),
      });
      for (const tampered of [
        { ...envelope, aad: toHex(text("entry 2")) },
        { ...envelope, nonce: flipHex(envelope.nonce) },
      ]) {
        expectThrow(() => openEnvelope(tampered, opener(bank)), EnvelopeDecryptionError);
        expectThrow(
          () => openEnvelope(tampered, { dataKey }),
          EnvelopeDecryptionError,
          /payload failed authentication/,
        );
      }
    });

    it("a tampered wrapped key or ephemeral key fails", () => {
      const { envelope } = sealed();
      const [first, ...rest] = envelope.recipients;
      for (const entry of [
        { ...first, wrappedKey: flipHex(first.wrappedKey, 5) },
        { ...first, wrappedKey: flipHex(first.wrappedKey, 47) },
        { ...first, ephemeralPublicKey: flipHex(first.ephemeralPublicKey, 3) },
      ]) {
        expectThrow(
          () => openEnvelope({ ...envelope, recipients: [entry, ...rest] }, opener(bank)),
          EnvelopeDecryptionError,
          /wrapped key of member 1 failed authentication/,
        );
      }
    });

    it("expectedHash proves the envelope is the one referenced on chain", () => {
      const { envelope } = sealed();
      const onChain = envelopeHash(envelope);
      const granted = grantReader(envelope, opener(bank), reader(latecomer));
      expect(untext(openEnvelope(granted, opener(latecomer), { expectedHash: onChain }))).to.equal(untext(document));
      const other = sealed().envelope;
      expectThrow(
        () => openEnvelope(other, opener(bank), { expectedHash: onChain }),
        EnvelopeHashMismatchError,
        /not the referenced envelope/,
      );
      expectThrow(
        () =>
          openEnvelope(flipCiphertext(envelope), opener(bank), {
            expectedHash: onChain,
          }),
        EnvelopeHashMismatchError,
      );
    });

    it("a tampered key commitment fails", () => {
      const { envelope } = sealed();
      expectThrow(
        () => openEnvelope({ ...envelope, keyCommitment: flipHex(envelope.keyCommitment) }, opener(bank)),
        EnvelopeDecryptionError,
      );
    });

    it("a wrapped key cannot be relabelled to another member", () => {
      const { envelope } = sealed();
      // The attacker copies the bank's entry under the latecomer's id and public key.
      const stolen = {
        ...envelope.recipients[0],
        memberId: latecomer.memberId,
        publicKey: latecomer.publicKey,
      };
      expectThrow(
        () => openEnvelope({ ...envelope, recipients: [...envelope.recipients, stolen] }, opener(latecomer)),
        EnvelopeDecryptionError,
      );
      // Relabelling only the member id is caught too (the id is bound into the wrap).
      const relabelled = { ...envelope.recipients[0], memberId: 7 };
      expectThrow(
        () => openEnvelope({ ...envelope, recipients: [relabelled] }, { memberId: 7, privateKey: bank.privateKey }),
        EnvelopeDecryptionError,
        /failed authentication/,
      );
    });

    it("a wrapped key cannot be transplanted into another envelope", () => {
      const a = sealed().envelope;
      const b = sealEnvelope({
        plaintext: text("other"),
        recipients: [reader(supplier)],
      }).envelope;
      const transplanted = { ...b, recipients: [a.recipients[0]] };
      expectThrow(() => openEnvelope(transplanted, opener(bank)), EnvelopeDecryptionError, /failed authentication/);
    });
  });

  describe("input validation", () => {
    it("rejects malformed envelopes with a readable message", () => {
      const { envelope } = sealed();
      const cases: [unknown, RegExp][] = [
        [{ ...envelope, version: 2 }, /version/],
        [{ ...envelope, suite: "RSA" }, /suite/],
        [{ ...envelope, nonce: "0x00" }, /nonce: expected 0x-prefixed hex of 24 bytes/],
        [{ ...envelope, ciphertext: "not base64!" }, /ciphertext/],
        [{ ...envelope, recipients: undefined }, /recipients/],
        [
          {
            ...envelope,
            recipients: [{ ...envelope.recipients[0], memberId: -1 }],
          },
          /recipients\.0\.memberId/,
        ],
        [null, /invalid envelope/],
      ];
      for (const [input, message] of cases) {
        expectThrow(() => openEnvelope(input as Envelope, opener(bank)), InvalidEnvelopeError, message);
      }
      expectThrow(
        () =>
          parseEnvelope({
            ...envelope,
            recipients: [envelope.recipients[0], envelope.recipients[0]],
          }),
        DuplicateRecipientError,
      );
    });

    it("rejects duplicate, missing or malformed recipients when sealing", () => {
      expectThrow(
        () =>
          sealEnvelope({
            plaintext: document,
            recipients: [reader(bank), reader(bank)],
          }),
        DuplicateRecipientError,
      );
      expectThrow(
        () => sealEnvelope({ plaintext: document, recipients: [] }),
        InvalidEnvelopeError,
        /at least one reader/,
      );
      expectThrow(
        () =>
          sealEnvelope({
            plaintext: document,
            recipients: [{ memberId: 1, publicKey: "0x1234" }],
          }),
        InvalidEnvelopeError,
        /publicKey/,
      );
    });

    it("rejects small-order X25519 public keys", () => {
      const zero = toHex(new Uint8Array(32));
      const one = toHex(Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0)));
      for (const publicKey of [zero, one]) {
        expectThrow(
          () =>
            sealEnvelope({
              plaintext: document,
              recipients: [{ memberId: 5, publicKey }],
            }),
          InvalidEnvelopeError,
          /small-order/,
        );
      }
    });

    it("key pairs are 32-byte X25519 keys whose public half derives from the private one", () => {
      const pair = generateEncryptionKeyPair();
      expect(pair.publicKey).to.match(/^0x[0-9a-f]{64}$/);
      expect(pair.privateKey).to.match(/^0x[0-9a-f]{64}$/);
      expect(encryptionPublicKey(pair.privateKey)).to.equal(pair.publicKey);
    });
  });

  describe("format v1 is reproducible from its written specification", () => {
    const LP = (...parts: Uint8Array[]): Uint8Array =>
      Buffer.concat(
        parts.flatMap((part) => {
          const length = Buffer.alloc(4);
          length.writeUInt32BE(part.length);
          return [length, Buffer.from(part)];
        }),
      );

    it("the envelope hash covers the payload part only", () => {
      const { envelope } = sealed();
      const { version, suite, nonce, aad, keyCommitment, ciphertext } = envelope;
      expect(envelopeHash(envelope)).to.equal(
        hashCanonicalJson({
          version,
          suite,
          nonce,
          aad,
          keyCommitment,
          ciphertext,
        }),
      );
    });

    it("a reader following the spec with raw primitives recovers the data key and payload", () => {
      const { envelope, dataKey } = sealed();
      const { version, suite, nonce, aad, keyCommitment } = envelope;
      const envelopeId = fromHex(hashCanonicalJson({ version, suite, nonce, aad, keyCommitment }), { field: "id" });
      const entry = envelope.recipients.find((r) => r.memberId === core.memberId)!;
      const E = fromHex(entry.ephemeralPublicKey, { field: "E" });
      const R = fromHex(entry.publicKey, { field: "R" });
      const memberId = Buffer.alloc(8);
      memberId.writeBigUInt64BE(BigInt(core.memberId));
      const shared = x25519.getSharedSecret(fromHex(core.privateKey, { field: "sk" }), E);
      const okm = hkdf(sha256, shared, envelopeId, LP(text("consortia:envelope:v1:wrap"), E, R, memberId), 56);
      const unwrapped = xchacha20poly1305(okm.subarray(0, 32), okm.subarray(32), envelopeId).decrypt(
        fromHex(entry.wrappedKey, { field: "wrapped" }),
      );
      expect(toHex(unwrapped)).to.equal(toHex(dataKey));
      expect(envelope.keyCommitment).to.equal(toHex(sha256(LP(text("consortia:envelope:v1:key-commitment"), dataKey))));
      const plaintext = xchacha20poly1305(
        dataKey,
        fromHex(envelope.nonce, { field: "nonce" }),
        LP(text("consortia:envelope:v1:payload"), fromHex(envelope.aad, { field: "aad" })),
      ).decrypt(Buffer.from(envelope.ciphertext, "base64"));
      expect(untext(plaintext)).to.equal(untext(document));
    });
  });
});
