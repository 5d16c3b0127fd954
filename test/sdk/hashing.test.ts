import { expect } from "chai";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak256, toUtf8Bytes } from "ethers";
import {
  canonicalJson,
  canonicalJsonBytes,
  DocumentKind,
  documentRef,
  hashBytes,
  hashCanonicalJson,
  hashFile,
  hashUtf8,
  InvalidDocumentRefError,
  type JsonValue,
  NonCanonicalJsonError,
} from "@consortia/sdk";

describe("sdk/hashing", () => {
  describe("keccak-256 hashes", () => {
    it("hashBytes of the empty input is the well-known keccak-256 constant", () => {
      expect(hashBytes(new Uint8Array(0))).to.equal(
        "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
      );
    });

    it("hashUtf8 equals the EVM's keccak256(bytes(text)) as ethers computes it", () => {
      for (const text of ["", "abc", "ipfs://bafy/合同.pdf", "😀"]) {
        expect(hashUtf8(text)).to.equal(keccak256(toUtf8Bytes(text)));
      }
    });

    it("hashes are 0x-prefixed lower-case 32-byte hex", () => {
      expect(hashBytes(randomBytes(100))).to.match(/^0x[0-9a-f]{64}$/);
    });
  });

  describe("RFC 8785 canonical JSON", () => {
    it("reproduces the RFC 8785 section 3.2.2 example byte for byte", () => {
      const input = JSON.parse(
        '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
          '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
          '"literals":[null,true,false]}',
      ) as JsonValue;
      const expected =
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}';
      expect(canonicalJson(input)).to.equal(expected);
      expect(Buffer.from(canonicalJsonBytes(input)).toString("hex")).to.equal(
        Buffer.from(expected, "utf8").toString("hex"),
      );
    });

    it("sorts members by UTF-16 code units (RFC 8785 section 3.2.3)", () => {
      const input: JsonValue = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\ud83d\ude00": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
      };
      expect(canonicalJson(input)).to.equal(
        '{"\\r":"Carriage Return","1":"One","\u0080":"Control",' +
          '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
          '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
      );
    });

    it("formats numbers as RFC 8785 appendix B requires", () => {
      const vectors: [string, string][] = [
        ["0000000000000000", "0"],
        ["8000000000000000", "0"],
        ["0000000000000001", "5e-324"],
        ["8000000000000001", "-5e-324"],
        ["7fefffffffffffff", "1.7976931348623157e+308"],
        ["ffefffffffffffff", "-1.7976931348623157e+308"],
        ["4340000000000000", "9007199254740992"],
        ["c340000000000000", "-9007199254740992"],
        ["4430000000000000", "295147905179352830000"],
        ["44b52d02c7e14af5", "9.999999999999997e+22"],
        ["44b52d02c7e14af6", "1e+23"],
        ["44b52d02c7e14af7", "1.0000000000000001e+23"],
        ["444b1ae4d6e2ef4e", "999999999999999700000"],
        ["444b1ae4d6e2ef4f", "999999999999999900000"],
        ["444b1ae4d6e2ef50", "1e+21"],
        ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
        ["3eb0c6f7a0b5ed8d", "0.000001"],
        ["41b3de4355555553", "333333333.3333332"],
        ["41b3de4355555554", "333333333.33333325"],
        ["41b3de4355555555", "333333333.3333333"],
        ["41b3de4355555556", "333333333.3333334"],
        ["41b3de4355555557", "333333333.33333343"],
        ["becbf647612f3696", "-0.0000033333333333333333"],
        ["43143ff3c1cb0959", "1424953923781206.2"],
      ];
      for (const [bits, expected] of vectors) {
        const value = Buffer.from(bits, "hex").readDoubleBE(0);
        expect(canonicalJson(value), bits).to.equal(expected);
      }
    });

    it("pins a known-answer hash of a nested document", () => {
      expect(canonicalJson({ b: 1, a: "x", c: [true, 2] })).to.equal('{"a":"x","b":1,"c":[true,2]}');
      expect(hashCanonicalJson({ b: 1, a: "x", c: [true, 2] })).to.equal(
        "0xd61638d617b8c7cade67b3f256b6abb6b8990197623b7cccb6e063757d5e8601",
      );
      expect(hashCanonicalJson({ c: [true, 2], a: "x", b: 1.0 })).to.equal(
        keccak256(toUtf8Bytes('{"a":"x","b":1,"c":[true,2]}')),
      );
    });

    it("member order and whitespace of the input do not change the hash", () => {
      const a = JSON.parse('{ "z": {"y": 1, "x": [1, {"b": 2, "a": 1}]}, "a": null }');
      const b = JSON.parse('{"a":null,"z":{"x":[1,{"a":1,"b":2}],"y":1}}');
      expect(hashCanonicalJson(a)).to.equal(hashCanonicalJson(b));
    });

    it("treats an undefined member as absent", () => {
      expect(canonicalJson({ a: 1, b: undefined })).to.equal('{"a":1}');
    });

    it("allows the same object twice when it is not a cycle", () => {
      const shared = { k: 1 };
      expect(canonicalJson({ a: shared, b: [shared, shared] })).to.equal('{"a":{"k":1},"b":[{"k":1},{"k":1}]}');
    });

    it("rejects values that have no single JSON form", () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const bad: [unknown, RegExp][] = [
        [Number.NaN, /NaN is not a JSON number/],
        [Number.POSITIVE_INFINITY, /Infinity is not a JSON number/],
        [10n, /bigint is not JSON/],
        [{ when: new Date(0) }, /\$\.when cannot be canonicalised: Date is not a plain object/],
        [[1, undefined], /\$\[1\] cannot be canonicalised: array element is missing/],
        // eslint-disable-next-line no-sparse-arrays
        [[1, , 3], /\$\[1\] cannot be canonicalised: array element is missing/],
        [{ f: () => 1 }, /function is not a JSON value/],
        ["\ud800", /lone surrogate/],
        [{ "\udc00": 1 }, /key has a lone surrogate/],
        [cyclic, /circular reference/],
        [new Map(), /Map is not a plain object/],
        [undefined, /undefined is not a JSON value/],
      ];
      for (const [value, message] of bad) {
        expect(() => canonicalJson(value as JsonValue)).to.throw(NonCanonicalJsonError, message);
      }
    });

    it("canonicalises deeply nested input without overflowing the stack", () => {
      let value: JsonValue = 0;
      for (let i = 0; i < 20_000; i++) value = [value];
      expect(canonicalJson(value)).to.have.length(40_001);
    });
  });

  describe("streaming file hash", () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "consortia-hash-"));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("hashFile of a multi-megabyte file equals the one-shot hash", async () => {
      const path = join(dir, "big.bin");
      // 9 MiB + 123 bytes so the last chunk is partial at every chunk size below.
      const content = randomBytes(9 * 1024 * 1024 + 123);
      await writeFile(path, content);
      const oneShot = hashBytes(content);
      expect(await hashFile(path)).to.equal(oneShot);
      expect(await hashFile(path, { chunkSize: 65_537 })).to.equal(oneShot);
      expect(oneShot).to.equal(keccak256(await readFile(path)));
    });

    it("hashFile of an empty file is the empty keccak-256", async () => {
      const path = join(dir, "empty.bin");
      await writeFile(path, new Uint8Array(0));
      expect(await hashFile(path)).to.equal(hashBytes(new Uint8Array(0)));
    });

    it("hashFile rejects a missing file", async () => {
      let error: unknown;
      try {
        await hashFile(join(dir, "missing.bin"));
      } catch (caught) {
        error = caught;
      }
      expect((error as NodeJS.ErrnoException).code).to.equal("ENOENT");
    });

    it("is keccak-256, not SHA3-256", async () => {
      const path = join(dir, "abc.txt");
      await writeFile(path, "abc");
      const sha3 = createHash("sha3-256").update("abc").digest("hex");
      expect(await hashFile(path)).to.not.equal(`0x${sha3}`);
      expect(await hashFile(path)).to.equal(keccak256(toUtf8Bytes("abc")));
    });
  });

  describe("DocumentRef", () => {
    const contentHash = hashUtf8("invoice #1 content");

    it("matches the Solidity struct: uriHash is keccak256 of the UTF-8 URI", () => {
      const ref = documentRef({
        contentHash,
        uri: "s3://consortia/invoices/发票-1.pdf",
        kind: DocumentKind.Invoice,
      });
      expect(ref).to.deep.equal({
        contentHash,
        uriHash: keccak256(toUtf8Bytes("s3://consortia/invoices/发票-1.pdf")),
        kind: 2,
      });
    });

    it("lower-cases the content hash", () => {
      const upper = `0x${contentHash.slice(2).toUpperCase()}` as const;
      expect(documentRef({ contentHash: upper, uri: "u", kind: DocumentKind.Other }).contentHash).to.equal(contentHash);
    });

    it("defines the registered kinds as small integers", () => {
      expect(DocumentKind).to.deep.equal({
        Contract: 1,
        Invoice: 2,
        Delivery: 3,
        TransportDocument: 4,
        Insurance: 5,
        Inspection: 6,
        Demand: 7,
        Deed: 8,
        Notice: 9,
        Evidence: 10,
        Licence: 11,
        Other: 255,
      });
    });

    it("rejects a short content hash, an empty URI and an unknown kind", () => {
      expect(() => documentRef({ contentHash: "0x1234", uri: "u", kind: 1 })).to.throw(
        InvalidDocumentRefError,
        /contentHash: expected 32 bytes/,
      );
      expect(() => documentRef({ contentHash, uri: "", kind: 1 })).to.throw(InvalidDocumentRefError, /uri/);
      expect(() => documentRef({ contentHash, uri: "u", kind: 12 as DocumentKind })).to.throw(
        InvalidDocumentRefError,
        /not a registered DocumentKind/,
      );
    });
  });
});
