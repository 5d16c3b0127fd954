import { createDecipheriv } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { CipherSuite, HkdfSha256 } from "@hpke/core";
import { Chacha20Poly1305 } from "@hpke/chacha20poly1305";
import { DhkemX25519HkdfSha256 } from "@hpke/dhkem-x25519";
import { sha256 } from "@noble/hashes/sha2.js";
import {
  DuplicateRecipientError,
  ENVELOPE_SUITE,
  ENVELOPE_VERSION,
  type EncryptionKeyPair,
  encryptionPublicKey,
  type Envelope,
  type EnvelopeV1,
  type EnvelopeV2,
  EnvelopeDecryptionError,
  envelopeHash,
  EnvelopeHashMismatchError,
  envelopeId,
  envelopeReaders,
  fromHex,
  generateEncryptionKeyPair,
  grantReader,
  hashCanonicalJson,
  HPKE_SUITE_IDS,
  hpkeOpen,
  hpkeSeal,
  type Hex,
  InvalidEnvelopeError,
  NotARecipientError,
  openEnvelope,
  parseEnvelope,
  rewrapForRotatedKey,
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

/** Expects `fn` to throw or reject with `type` (and a message matching `message`). */
async function expectThrow(fn: () => unknown, type: Function, message?: RegExp) {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, "expected an error").to.be.instanceOf(type);
  if (message !== undefined) expect((caught as Error).message).to.match(message);
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
    it("each of three members and the regulator decrypts the payload", async () => {
      const { envelope } = await sealed();
      for (const m of [bank, supplier, core, regulator]) {
        expect(untext(await openEnvelope(envelope, opener(m)))).to.equal(untext(document));
      }
      expect(envelopeReaders(envelope)).to.deep.equal([1, 2, 3, 99]);
    });

    it("a fourth member cannot decrypt until granted, then can", async () => {
      const { envelope } = await sealed();
      await expectThrow(
        () => openEnvelope(envelope, opener(latecomer)),
        NotARecipientError,
        /member 4 is not a recipient/,
      );
      const granted = await grantReader(envelope, opener(bank), reader(latecomer));
      expect(untext(await openEnvelope(granted, opener(latecomer)))).to.equal(untext(document));
    });

    it("granting re-encrypts nothing: ciphertext, nonce and envelope hash are identical", async () => {
      const { envelope } = await sealed();
      const before = JSON.parse(JSON.stringify(envelope)) as Envelope;
      const granted = await grantReader(envelope, opener(core), reader(latecomer));
      expect(granted.ciphertext).to.equal(before.ciphertext);
      expect(granted.nonce).to.equal(before.nonce);
      expect(granted.keyCommitment).to.equal(before.keyCommitment);
      expect(envelopeHash(granted)).to.equal(envelopeHash(before));
      expect(envelopeId(granted)).to.equal(envelopeId(before));
      expect(granted.recipients.slice(0, 4)).to.deep.equal(before.recipients);
      // The input is not mutated.
      expect(envelope).to.deep.equal(before);
    });

    it("the sender can grant with the data key it kept", async () => {
      const { envelope, dataKey } = await sealed();
      const granted = await grantReader(envelope, { dataKey }, reader(latecomer));
      expect(untext(await openEnvelope(granted, opener(latecomer)))).to.equal(untext(document));
      expect(untext(await openEnvelope(envelope, { dataKey: toHex(dataKey) }))).to.equal(untext(document));
    });

    it("the regulator keeps access after further grants", async () => {
      let { envelope } = await sealed();
      for (const id of [10, 11, 12]) {
        envelope = await grantReader(envelope, opener(regulator), reader(member(id)));
      }
      expect(untext(await openEnvelope(envelope, opener(regulator)))).to.equal(untext(document));
    });

    it("survives a JSON round trip", async () => {
      const { envelope } = await sealed();
      const copy = JSON.parse(JSON.stringify(envelope)) as Envelope;
      expect(envelopeHash(copy)).to.equal(envelopeHash(envelope));
      expect(untext(await openEnvelope(copy, opener(supplier)))).to.equal(untext(document));
    });

    it("seals fresh: the same plaintext twice gives different keys, nonces and hashes", async () => {
      const a = await sealed();
      const b = await sealed();
      expect(a.envelope.nonce).to.not.equal(b.envelope.nonce);
      expect(toHex(a.dataKey)).to.not.equal(toHex(b.dataKey));
      expect(envelopeHash(a.envelope)).to.not.equal(envelopeHash(b.envelope));
    });

    it("a member who rotated its key is re-wrapped with replace: true", async () => {
      const { envelope } = await sealed();
      const rotated = {
        ...generateEncryptionKeyPair(),
        memberId: supplier.memberId,
      };
      await expectThrow(
        () => grantReader(envelope, opener(bank), reader(rotated)),
        DuplicateRecipientError,
        /already a recipient/,
      );
      const regranted = await grantReader(envelope, opener(bank), reader(rotated), {
        replace: true,
      });
      expect(envelopeReaders(regranted)).to.have.members([1, 2, 3, 99]);
      expect(untext(await openEnvelope(regranted, opener(rotated)))).to.equal(untext(document));
      await expectThrow(
        () => openEnvelope(regranted, opener(supplier)),
        EnvelopeDecryptionError,
        /was the key rotated/,
      );
    });

    it("round-trips an empty and a 4 MiB payload with associated data", async () => {
      const big = new Uint8Array(4 * 1024 * 1024).map((_, i) => i % 251);
      for (const plaintext of [new Uint8Array(0), big]) {
        const { envelope } = await sealEnvelope({
          plaintext,
          recipients: [reader(bank)],
          associatedData: text("blacklist-entry:42"),
        });
        expect(envelope.aad).to.equal(toHex(text("blacklist-entry:42")));
        const opened = await openEnvelope(envelope, opener(bank));
        expect(opened.length).to.equal(plaintext.length);
        expect(Buffer.from(opened).equals(Buffer.from(plaintext))).to.equal(true);
      }
    });
  });

  describe("wrong keys and tampering fail with named errors", () => {
    it("a wrong private key for a listed member fails", async () => {
      const { envelope } = await sealed();
      await expectThrow(
        () =>
          openEnvelope(envelope, {
            memberId: bank.memberId,
            privateKey: supplier.privateKey,
          }),
        EnvelopeDecryptionError,
        /does not match the public key/,
      );
    });

    it("a wrong data key fails the key commitment", async () => {
      const { envelope } = await sealed();
      const wrong = new Uint8Array(32).fill(7);
      await expectThrow(() => openEnvelope(envelope, { dataKey: wrong }), EnvelopeDecryptionError, /key commitment/);
      await expectThrow(
        () => grantReader(envelope, { dataKey: wrong }, reader(latecomer)),
        EnvelopeDecryptionError,
        /key commitment/,
      );
    });

    it("a tampered ciphertext fails for readers and for the data-key holder", async () => {
      const { envelope, dataKey } = await sealed();
      const tampered = flipCiphertext(envelope);
      await expectThrow(() => openEnvelope(tampered, opener(bank)), EnvelopeDecryptionError);
      await expectThrow(
        () => openEnvelope(tampered, { dataKey }),
        EnvelopeDecryptionError,
        /payload failed authentication/,
      );
    });

    it("tampered associated data or nonce fails", async () => {
      const { envelope, dataKey } = await sealEnvelope({
        plaintext: document,
        recipients: [reader(bank)],
        associatedData: text("entry 1"),
      });
      for (const tampered of [
        { ...envelope, aad: toHex(text("entry 2")) },
        { ...envelope, nonce: flipHex(envelope.nonce) },
      ]) {
        await expectThrow(() => openEnvelope(tampered, opener(bank)), EnvelopeDecryptionError);
        await expectThrow(
          () => openEnvelope(tampered, { dataKey }),
          EnvelopeDecryptionError,
          /payload failed authentication/,
        );
      }
    });

    it("a tampered wrapped key or HPKE enc fails", async () => {
      const { envelope } = await sealed();
      const [first, ...rest] = envelope.recipients;
      for (const entry of [
        { ...first, wrappedKey: flipHex(first.wrappedKey, 5) },
        { ...first, wrappedKey: flipHex(first.wrappedKey, 47) },
        { ...first, enc: flipHex(first.enc, 3) },
      ]) {
        await expectThrow(
          () => openEnvelope({ ...envelope, recipients: [entry, ...rest] }, opener(bank)),
          EnvelopeDecryptionError,
          /wrapped key of member 1 failed authentication/,
        );
      }
    });

    it("expectedHash proves the envelope is the one referenced on chain", async () => {
      const { envelope } = await sealed();
      const onChain = envelopeHash(envelope);
      const granted = await grantReader(envelope, opener(bank), reader(latecomer));
      expect(untext(await openEnvelope(granted, opener(latecomer), { expectedHash: onChain }))).to.equal(
        untext(document),
      );
      const other = (await sealed()).envelope;
      await expectThrow(
        () => openEnvelope(other, opener(bank), { expectedHash: onChain }),
        EnvelopeHashMismatchError,
        /not the referenced envelope/,
      );
      await expectThrow(
        () =>
          openEnvelope(flipCiphertext(envelope), opener(bank), {
            expectedHash: onChain,
          }),
        EnvelopeHashMismatchError,
      );
    });

    it("a tampered key commitment fails", async () => {
      const { envelope } = await sealed();
      await expectThrow(
        () => openEnvelope({ ...envelope, keyCommitment: flipHex(envelope.keyCommitment) }, opener(bank)),
        EnvelopeDecryptionError,
      );
    });

    it("a wrapped key cannot be relabelled to another member", async () => {
      const { envelope } = await sealed();
      // The attacker copies the bank's entry under the latecomer's id and public key.
      const stolen = {
        ...envelope.recipients[0],
        memberId: latecomer.memberId,
        publicKey: latecomer.publicKey,
      };
      await expectThrow(
        () => openEnvelope({ ...envelope, recipients: [...envelope.recipients, stolen] }, opener(latecomer)),
        EnvelopeDecryptionError,
      );
      // Relabelling only the member id is caught too (the id is bound into the wrap).
      const relabelled = { ...envelope.recipients[0], memberId: 7 };
      await expectThrow(
        () => openEnvelope({ ...envelope, recipients: [relabelled] }, { memberId: 7, privateKey: bank.privateKey }),
        EnvelopeDecryptionError,
        /failed authentication/,
      );
    });

    it("a wrapped key cannot be transplanted into another envelope", async () => {
      const a = (await sealed()).envelope;
      const b = (
        await sealEnvelope({
          plaintext: text("other"),
          recipients: [reader(supplier)],
        })
      ).envelope;
      const transplanted = { ...b, recipients: [a.recipients[0]] };
      await expectThrow(
        () => openEnvelope(transplanted, opener(bank)),
        EnvelopeDecryptionError,
        /failed authentication/,
      );
    });
  });

  describe("input validation", () => {
    it("rejects malformed envelopes with a readable message", async () => {
      const { envelope } = await sealed();
      const cases: [unknown, RegExp][] = [
        [{ ...envelope, version: 4 }, /version/],
        // Version 3 is the GM suite: an X25519 envelope relabelled as version 3 names the suite it lacks.
        [{ ...envelope, version: 3 }, /suite/],
        [{ ...envelope, version: 1 }, /suite/],
        [{ ...envelope, suite: "RSA" }, /suite/],
        [{ ...envelope, nonce: "0x00" }, /nonce: expected 0x-prefixed hex of 12 bytes/],
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
        await expectThrow(() => openEnvelope(input as Envelope, opener(bank)), InvalidEnvelopeError, message);
      }
      await expectThrow(
        () =>
          parseEnvelope({
            ...envelope,
            recipients: [envelope.recipients[0], envelope.recipients[0]],
          }),
        DuplicateRecipientError,
      );
    });

    it("rejects duplicate, missing or malformed recipients when sealing", async () => {
      await expectThrow(
        () =>
          sealEnvelope({
            plaintext: document,
            recipients: [reader(bank), reader(bank)],
          }),
        DuplicateRecipientError,
      );
      await expectThrow(
        () => sealEnvelope({ plaintext: document, recipients: [] }),
        InvalidEnvelopeError,
        /at least one reader/,
      );
      await expectThrow(
        () =>
          sealEnvelope({
            plaintext: document,
            recipients: [{ memberId: 1, publicKey: "0x1234" }],
          }),
        InvalidEnvelopeError,
        /publicKey/,
      );
    });

    it("rejects small-order X25519 public keys", async () => {
      const zero = toHex(new Uint8Array(32));
      const one = toHex(Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0)));
      for (const publicKey of [zero, one]) {
        await expectThrow(
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

    it("key pairs are 32-byte X25519 keys whose public half derives from the private one", async () => {
      const pair = generateEncryptionKeyPair();
      expect(pair.publicKey).to.match(/^0x[0-9a-f]{64}$/);
      expect(pair.privateKey).to.match(/^0x[0-9a-f]{64}$/);
      expect(encryptionPublicKey(pair.privateKey)).to.equal(pair.publicKey);
    });
  });

  describe("format v2 is reproducible from its written specification with any HPKE library", () => {
    const LP = (...parts: Uint8Array[]): Uint8Array =>
      Buffer.concat(
        parts.flatMap((part) => {
          const length = Buffer.alloc(4);
          length.writeUInt32BE(part.length);
          return [length, Buffer.from(part)];
        }),
      );

    it("seals format v2 with the RFC 9180 suite", async () => {
      const { envelope } = await sealed();
      expect(envelope.version).to.equal(ENVELOPE_VERSION).and.equal(2);
      expect(envelope.suite).to.equal(ENVELOPE_SUITE);
      expect(fromHex(envelope.nonce, { field: "nonce" }).length).to.equal(12);
      expect(HPKE_SUITE_IDS).to.deep.equal({ kem: 0x0020, kdf: 0x0001, aead: 0x0003 });
    });

    it("the envelope hash covers the payload part only", async () => {
      const { envelope } = await sealed();
      const { version, suite, nonce, aad, keyCommitment, ciphertext } = envelope;
      expect(envelopeHash(envelope)).to.equal(
        hashCanonicalJson({ version, suite, nonce, aad, keyCommitment, ciphertext }),
      );
    });

    it("a plain @hpke/core consumer and node:crypto open an envelope without the SDK", async () => {
      const { envelope, dataKey } = await sealed();
      const parsed = JSON.parse(JSON.stringify(envelope)) as EnvelopeV2;
      const { version, suite, nonce, aad, keyCommitment } = parsed;
      const id = fromHex(hashCanonicalJson({ version, suite, nonce, aad, keyCommitment }), { field: "id" });
      const entry = parsed.recipients.find((r) => r.memberId === core.memberId)!;
      const memberId = Buffer.alloc(8);
      memberId.writeBigUInt64BE(BigInt(core.memberId));
      // Only the library and the written format: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305, Base mode.
      const hpke = new CipherSuite({
        kem: new DhkemX25519HkdfSha256(),
        kdf: new HkdfSha256(),
        aead: new Chacha20Poly1305(),
      });
      const recipientKey = await hpke.kem.deserializePrivateKey(fromHex(core.privateKey, { field: "sk" }));
      const unwrapped = new Uint8Array(
        await hpke.open(
          {
            recipientKey,
            enc: fromHex(entry.enc, { field: "enc" }),
            info: LP(text("consortia:envelope:v2:wrap"), id, memberId),
          },
          fromHex(entry.wrappedKey, { field: "wrapped" }),
          id,
        ),
      );
      expect(toHex(unwrapped)).to.equal(toHex(dataKey));
      expect(parsed.keyCommitment).to.equal(toHex(sha256(LP(text("consortia:envelope:v2:key-commitment"), unwrapped))));
      const sealedPayload = Buffer.from(parsed.ciphertext, "base64");
      const decipher = createDecipheriv("chacha20-poly1305", unwrapped, fromHex(parsed.nonce, { field: "nonce" }), {
        authTagLength: 16,
      });
      decipher.setAAD(LP(text("consortia:envelope:v2:payload"), fromHex(parsed.aad, { field: "aad" })), {
        plaintextLength: sealedPayload.length - 16,
      });
      decipher.setAuthTag(sealedPayload.subarray(sealedPayload.length - 16));
      const plaintext = Buffer.concat([decipher.update(sealedPayload.subarray(0, -16)), decipher.final()]);
      expect(untext(plaintext)).to.equal(untext(document));
    });

    it("a plain @hpke/core sender can add a reader the SDK then opens", async () => {
      const { envelope, dataKey } = await sealed();
      const id = fromHex(envelopeId(envelope), { field: "id" });
      const hpke = new CipherSuite({
        kem: new DhkemX25519HkdfSha256(),
        kdf: new HkdfSha256(),
        aead: new Chacha20Poly1305(),
      });
      const memberId = Buffer.alloc(8);
      memberId.writeBigUInt64BE(BigInt(latecomer.memberId));
      const { enc, ct } = await hpke.seal(
        {
          recipientPublicKey: await hpke.kem.deserializePublicKey(fromHex(latecomer.publicKey, { field: "pk" })),
          info: LP(text("consortia:envelope:v2:wrap"), id, memberId),
        },
        dataKey,
        id,
      );
      const entry = {
        memberId: latecomer.memberId,
        publicKey: latecomer.publicKey,
        enc: toHex(new Uint8Array(enc)),
        wrappedKey: toHex(new Uint8Array(ct)),
      };
      const granted: EnvelopeV2 = { ...envelope, recipients: [...envelope.recipients, entry] };
      expect(untext(await openEnvelope(granted, opener(latecomer)))).to.equal(untext(document));
    });
  });

  describe("HPKE known answers (RFC 9180 appendix A.2.1: X25519, HKDF-SHA256, ChaCha20-Poly1305, Base)", () => {
    const vector = {
      info: "0x4f6465206f6e2061204772656369616e2055726e",
      ikmE: "0x909a9b35d3dc4713a5e72a4da274b55d3d3821a37e5d099e74a647db583a904b",
      pkRm: "0x4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a",
      skRm: "0x8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb",
      enc: "0x1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a",
      pt: "0x4265617574792069732074727574682c20747275746820626561757479",
      // sequence number 0 (the single-shot API)
      aad: "0x436f756e742d30",
      ct: "0x1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db21993c62ce81883d2dd1b51a28",
    } as const;
    const bytes = (value: string) => fromHex(value, { field: "vector" });

    it("the recipient side opens the RFC's ciphertext", async () => {
      const pt = await hpkeOpen({
        recipientPrivateKey: bytes(vector.skRm),
        enc: bytes(vector.enc),
        info: bytes(vector.info),
        aad: bytes(vector.aad),
        ciphertext: bytes(vector.ct),
      });
      expect(toHex(pt)).to.equal(vector.pt);
      expect(encryptionPublicKey(vector.skRm)).to.equal(vector.pkRm);
    });

    it("the sender side with the RFC's ephemeral key material gives the RFC's enc and ciphertext", async () => {
      const { enc, ciphertext } = await hpkeSeal({
        recipientPublicKey: bytes(vector.pkRm),
        info: bytes(vector.info),
        aad: bytes(vector.aad),
        plaintext: bytes(vector.pt),
        ekm: bytes(vector.ikmE),
      });
      expect(toHex(enc)).to.equal(vector.enc);
      expect(toHex(ciphertext)).to.equal(vector.ct);
    });

    it("a changed info, aad or enc fails to open", async () => {
      const base = {
        recipientPrivateKey: bytes(vector.skRm),
        enc: bytes(vector.enc),
        info: bytes(vector.info),
        aad: bytes(vector.aad),
        ciphertext: bytes(vector.ct),
      };
      for (const changed of [
        { ...base, info: text("other info") },
        { ...base, aad: text("Count-1") },
        { ...base, enc: fromHex(flipHex(vector.enc, 2), { field: "enc" }) },
      ]) {
        await expectThrow(() => hpkeOpen(changed), Error);
      }
    });
  });

  describe("format v1 envelopes sealed before HPKE still open", () => {
    const fixture = JSON.parse(readFileSync(new URL("./fixtures/envelope-v1.json", import.meta.url), "utf8")) as {
      plaintext: string;
      envelopeHash: Hex;
      readers: Member[];
      envelope: EnvelopeV1;
    };
    const [v1Bank, v1Regulator] = fixture.readers;

    it("each reader of a stored v1 envelope opens it against its on-chain hash", async () => {
      expect(parseEnvelope(fixture.envelope).version).to.equal(1);
      expect(envelopeHash(fixture.envelope)).to.equal(fixture.envelopeHash);
      for (const m of [v1Bank, v1Regulator]) {
        const opened = await openEnvelope(fixture.envelope, opener(m), { expectedHash: fixture.envelopeHash });
        expect(untext(opened)).to.equal(fixture.plaintext);
      }
    });

    it("granting a reader on a v1 envelope keeps it v1 and keeps its hash", async () => {
      const granted = await grantReader(fixture.envelope, opener(v1Regulator), reader(latecomer));
      expect(granted.version).to.equal(1);
      expect(envelopeHash(granted)).to.equal(fixture.envelopeHash);
      expect(untext(await openEnvelope(granted, opener(latecomer)))).to.equal(fixture.plaintext);
    });

    it("a rotated key re-wraps a v1 entry and still reads the old deal", async () => {
      const next = generateEncryptionKeyPair();
      const rotated = await rewrapForRotatedKey(fixture.envelope, {
        memberId: v1Bank.memberId,
        oldPrivateKey: v1Bank.privateKey,
        newPublicKey: next.publicKey,
      });
      expect(envelopeHash(rotated)).to.equal(fixture.envelopeHash);
      expect(untext(await openEnvelope(rotated, { memberId: v1Bank.memberId, privateKey: next.privateKey }))).to.equal(
        fixture.plaintext,
      );
    });

    it("a tampered v1 entry fails", async () => {
      const [first, ...rest] = fixture.envelope.recipients;
      const tampered: EnvelopeV1 = {
        ...fixture.envelope,
        recipients: [{ ...first, wrappedKey: flipHex(first.wrappedKey, 4) }, ...rest],
      };
      await expectThrow(() => openEnvelope(tampered, opener(v1Bank)), EnvelopeDecryptionError, /failed authentication/);
    });
  });

  describe("key rotation", () => {
    it("a rotated key still reads old deals; the old key no longer opens the re-wrapped copy", async () => {
      const { envelope } = await sealed();
      const next = generateEncryptionKeyPair();
      const rotated = await rewrapForRotatedKey(envelope, {
        memberId: bank.memberId,
        oldPrivateKey: bank.privateKey,
        newPublicKey: next.publicKey,
      });
      expect(envelopeHash(rotated)).to.equal(envelopeHash(envelope));
      expect(rotated.ciphertext).to.equal(envelope.ciphertext);
      expect(untext(await openEnvelope(rotated, { memberId: bank.memberId, privateKey: next.privateKey }))).to.equal(
        untext(document),
      );
      await expectThrow(() => openEnvelope(rotated, opener(bank)), EnvelopeDecryptionError, /was the key rotated/);
      expect(untext(await openEnvelope(rotated, opener(regulator)))).to.equal(untext(document));
    });
  });
});
