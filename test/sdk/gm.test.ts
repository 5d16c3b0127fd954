/**
 * National cryptography (国密): known answers from the standards, interop with OpenSSL, and the GM envelope (v3).
 */
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { expect } from "chai";
import { sm4 } from "sm-crypto-v2";
import {
  ENVELOPE_GM_SUITE,
  EnvelopeDecryptionError,
  envelopeHash,
  envelopeId,
  type EnvelopeV2,
  type EnvelopeV3,
  fromHex,
  generateEncryptionKeyPair,
  generateGmKeyPair,
  gmPublicKey,
  grantReader,
  hashCanonicalJson,
  InvalidEnvelopeError,
  openEnvelope,
  parseEnvelope,
  rewrapForRotatedKey,
  sealEnvelope,
  sm2Decrypt,
  sm2Encrypt,
  sm3Hash,
  sm4GcmDecrypt,
  sm4GcmEncrypt,
  toHex,
} from "@consortia/sdk";

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const untext = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const bytes = (hex: string): Uint8Array => fromHex(`0x${hex.replace(/\s/g, "")}`, { field: "fixture" });

describe("national cryptography (SM2/SM3/SM4)", () => {
  describe("known answers", () => {
    it("SM3: GB/T 32905-2016 appendix A, examples 1 and 2", () => {
      expect(sm3Hash(text("abc"))).to.equal("0x66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
      expect(sm3Hash(text("abcd".repeat(16)))).to.equal(
        "0xdebe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732",
      );
    });
    it("SM3 agrees with OpenSSL's (Node's crypto) on random inputs of every length up to 200 bytes", () => {
      for (let length = 0; length <= 200; length++) {
        const input = randomBytes(length);
        expect(sm3Hash(input), `length ${length}`).to.equal(`0x${createHash("sm3").update(input).digest("hex")}`);
      }
    });
    it("SM4: GB/T 32907-2016 appendix A, example 1 (the block cipher under the GCM mode)", () => {
      const key = "0123456789abcdeffedcba9876543210";
      expect(sm4.encrypt(bytes(key), key, { mode: "ecb", padding: "none", output: "string" })).to.equal(
        "681edf34d206965e86b3e94f536e4246",
      );
      const block = randomBytes(16);
      const openssl = createCipheriv("sm4-ecb", Buffer.from(key, "hex"), null).setAutoPadding(false).update(block);
      expect(sm4.encrypt(block, key, { mode: "ecb", padding: "none", output: "string" })).to.equal(
        openssl.toString("hex"),
      );
    });
    it("SM4-GCM: RFC 8998 appendix A.1", () => {
      const key = bytes("0123456789abcdeffedcba9876543210");
      const nonce = bytes("00001234567800000000abcd");
      const aad = bytes("feedfacedeadbeeffeedfacedeadbeefabaddad2");
      const plaintext = bytes(
        "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd" +
          "eeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa",
      );
      const expected =
        "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735" +
        "d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d" +
        "83de3541e4c2b58177e065a9bf7b62ec";
      const sealed = sm4GcmEncrypt(key, nonce, aad, plaintext);
      expect(toHex(sealed)).to.equal(`0x${expected}`);
      expect(sm4GcmDecrypt(key, nonce, aad, sealed)).to.deep.equal(plaintext);
      const altered = sealed.slice();
      altered[0] ^= 1;
      expect(() => sm4GcmDecrypt(key, nonce, aad, altered)).to.throw();
    });
    it("SM2 encryption: opens a ciphertext made by OpenSSL 3.0 (`openssl pkeyutl -encrypt`, SM2 key)", () => {
      // Made with: openssl genpkey -algorithm SM2; openssl pkeyutl -encrypt -pubin -inkey pub.pem -in m.txt.
      // OpenSSL writes SEQUENCE { INTEGER x, INTEGER y, OCTET STRING C3, OCTET STRING C2 } (GB/T 35276): the parts
      // below, reassembled as GB/T 32918.4's C1 || C3 || C2.
      const privateKey = "0x412d6e0bce733061a0981ecb83268f65a21cb73d9cf10f057dc8f0fe283413c5" as const;
      const x = "cfc60cf0588c5566c421e36b6f8b281f5e54ef4c01db569d678e2081f222c9b4";
      const y = "6826a316135ec2fbd4ee0007a054b2bc88557cb0ef2592d65c6f0e4b60ee3451";
      const c3 = "9d11280a19352b1e2b4c660197d0a65422163ba764b84dff3c93895ad182626a";
      const c2 =
        "a9794486d858eea7996f5e245daefd40b6229b898dbe5a08f073df3ba0ab5d9a85e2d14c7e882c95bb55743572aaaa6871823be0d78a";
      const opened = sm2Decrypt(privateKey, bytes(`04${x}${y}${c3}${c2}`));
      expect(untext(opened)).to.equal("Consortia 国密 interop: the data key travels wrapped");
      const altered = bytes(`04${x}${y}${c3}${c2.slice(0, -2)}00`);
      expect(() => sm2Decrypt(privateKey, altered)).to.throw(/wrong key or altered/);
    });
  });

  describe("keys", () => {
    it("a GM key pair publishes the x coordinate of a point with an even y; an odd-y key is refused", () => {
      for (let i = 0; i < 8; i++) {
        const pair = generateGmKeyPair();
        expect(gmPublicKey(pair.privateKey)).to.equal(pair.publicKey);
        expect(fromHex(pair.publicKey, { field: "k" })).to.have.length(32);
        const message = randomBytes(40);
        expect(sm2Decrypt(pair.privateKey, sm2Encrypt(pair.publicKey, message))).to.deep.equal(new Uint8Array(message));
      }
      // n - d has the same x and the opposite y: exactly one of d, n - d is a GM envelope key.
      const n = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
      const pair = generateGmKeyPair();
      const negated = `0x${(n - BigInt(pair.privateKey)).toString(16).padStart(64, "0")}` as const;
      expect(() => gmPublicKey(negated)).to.throw(/odd y/);
    });
    it("refuses to encrypt to an x that is on no point of the curve", () => {
      expect(() => sm2Encrypt(`0x${"ff".repeat(32)}`, text("k"))).to.throw(/not the x coordinate/);
    });
  });

  describe("GM envelope (format v3)", () => {
    const bank = { memberId: 3, ...generateEncryptionKeyPair("gm") };
    const regulator = { memberId: 9, ...generateEncryptionKeyPair("gm") };
    const auditor = { memberId: 11, ...generateEncryptionKeyPair("gm") };
    const reader = (k: { memberId: number; publicKey: `0x${string}` }) => ({
      memberId: k.memberId,
      publicKey: k.publicKey,
    });
    const seal = (plaintext = text("LC terms: USD 1,250,000, latest shipment 2027-01-31")) =>
      sealEnvelope({
        plaintext,
        recipients: [reader(bank), reader(regulator)],
        associatedData: text("lc:42"),
        suite: "gm",
      });

    it("seals with SM4-GCM under a 16-byte data key and SM2-wrapped keys; each reader opens it", async () => {
      const { envelope, dataKey } = await seal();
      expect(envelope.version).to.equal(3);
      expect(envelope.suite).to.equal(ENVELOPE_GM_SUITE);
      expect(dataKey).to.have.length(16);
      for (const k of [bank, regulator]) {
        const opened = await openEnvelope(envelope, k, { expectedHash: envelopeHash(envelope) });
        expect(untext(opened)).to.match(/USD 1,250,000/);
      }
      expect(untext(await openEnvelope(envelope, { dataKey }))).to.match(/latest shipment/);
    });
    it("its hash and id are SM3 over the canonical JSON, not keccak-256", async () => {
      const { envelope } = await seal();
      const { recipients: _, ciphertext, ...head } = envelope;
      expect(envelopeHash(envelope)).to.not.equal(hashCanonicalJson({ ...head, ciphertext }));
      const canonical = JSON.stringify(
        Object.fromEntries(Object.entries({ ...head, ciphertext }).sort(([a], [b]) => (a < b ? -1 : 1))),
      );
      expect(envelopeHash(envelope)).to.equal(sm3Hash(text(canonical)));
      expect(envelopeId(envelope)).to.not.equal(envelopeHash(envelope));
    });
    it("grants a reader and re-wraps for a rotated key without touching the payload or its hash", async () => {
      const { envelope } = await seal();
      const hash = envelopeHash(envelope);
      const granted = await grantReader(envelope, bank, reader(auditor));
      expect(envelopeHash(granted)).to.equal(hash);
      expect(granted.ciphertext).to.equal(envelope.ciphertext);
      expect(untext(await openEnvelope(granted, auditor))).to.match(/USD/);

      const rotated = generateEncryptionKeyPair("gm");
      const after = await rewrapForRotatedKey(granted, {
        memberId: bank.memberId,
        oldPrivateKey: bank.privateKey,
        newPublicKey: rotated.publicKey,
      });
      expect(envelopeHash(after)).to.equal(hash);
      expect(untext(await openEnvelope(after, { memberId: bank.memberId, privateKey: rotated.privateKey }))).to.match(
        /USD/,
      );
      const old = await openEnvelope(after, bank).catch((e: unknown) => e);
      expect(old).to.be.instanceOf(EnvelopeDecryptionError);
      expect((old as Error).message).to.match(/rotated/);
    });
    it("refuses a wrapped key moved to another member's entry or to another envelope", async () => {
      const { envelope } = await seal();
      const bankEntry = envelope.recipients.find((r) => r.memberId === bank.memberId)!;
      // The regulator's entry carrying the bank's wrapped key: the regulator cannot open it (wrong SM2 key) ...
      const swapped: EnvelopeV3 = {
        ...envelope,
        recipients: envelope.recipients.map((r) =>
          r.memberId === regulator.memberId ? { ...r, wrappedKey: bankEntry.wrappedKey } : r,
        ),
      };
      await openEnvelope(swapped, regulator).then(
        () => expect.fail("opened"),
        (e: unknown) => expect(e).to.be.instanceOf(EnvelopeDecryptionError),
      );
      // ... and the bank's entry relabelled as member 4 with the bank's own key: the member id inside is 3.
      const relabelled: EnvelopeV3 = {
        ...envelope,
        recipients: [{ ...bankEntry, memberId: 4 }],
      };
      const moved = await openEnvelope(relabelled, { memberId: 4, privateKey: bank.privateKey }).catch(
        (e: unknown) => e,
      );
      expect((moved as Error).message).to.match(/another envelope or member/);
      // The bank's entry in another envelope sealed for the bank: the envelope id inside differs.
      const other = (await seal(text("another deal"))).envelope;
      const transplanted: EnvelopeV3 = { ...other, recipients: [bankEntry] };
      const wrongEnvelope = await openEnvelope(transplanted, bank).catch((e: unknown) => e);
      expect(wrongEnvelope).to.be.instanceOf(EnvelopeDecryptionError);
    });
    it("refuses an altered payload, and an X25519 key where an SM2 key is needed", async () => {
      const { envelope } = await seal();
      const ciphertext = Buffer.from(envelope.ciphertext, "base64");
      ciphertext[3] ^= 0x20;
      const altered = { ...envelope, ciphertext: ciphertext.toString("base64") };
      await openEnvelope(altered, bank).then(
        () => expect.fail("opened"),
        (e: unknown) => expect(e).to.be.instanceOf(EnvelopeDecryptionError),
      );
      const x25519 = generateEncryptionKeyPair();
      // Half of all X25519 public keys are also an SM2 x coordinate; find one that is not to see the refusal.
      let refused = false;
      for (let i = 0; i < 64 && !refused; i++) {
        const candidate = i === 0 ? x25519 : generateEncryptionKeyPair();
        refused = await sealEnvelope({
          plaintext: text("x"),
          recipients: [{ memberId: 1, publicKey: candidate.publicKey }],
          suite: "gm",
        }).then(
          () => false,
          (e: unknown) => e instanceof InvalidEnvelopeError,
        );
      }
      expect(refused).to.equal(true);
    });
    it("v2 and v3 envelopes are read side by side, each by its own suite's keys", async () => {
      const standard = { memberId: 5, ...generateEncryptionKeyPair() };
      const v2: EnvelopeV2 = (await sealEnvelope({ plaintext: text("standard deal"), recipients: [reader(standard)] }))
        .envelope;
      const v3 = (await seal(text("gm deal"))).envelope;
      expect(parseEnvelope(JSON.parse(JSON.stringify(v2))).version).to.equal(2);
      expect(parseEnvelope(JSON.parse(JSON.stringify(v3))).version).to.equal(3);
      expect(untext(await openEnvelope(v2, standard))).to.equal("standard deal");
      expect(untext(await openEnvelope(v3, bank))).to.equal("gm deal");
      expect(() => parseEnvelope({ ...v3, suite: "HPKE" })).to.throw(InvalidEnvelopeError);
    });
  });
});
