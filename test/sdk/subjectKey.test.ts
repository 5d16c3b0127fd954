import { expect } from "chai";
import { createHash, createHmac } from "node:crypto";
import { keccak256, toUtf8Bytes } from "ethers";
import {
  deriveSubjectKey,
  generateConsortiumKey,
  InvalidConsortiumKeyError,
  InvalidIdentifierError,
  normaliseIdentifier,
  residentIdCheckDigit,
  subjectKeyMessage,
  type SubjectKind,
  toHex,
  usccCheckCharacter,
} from "@consortia/sdk";

/** Test key: bytes 0x00..0x1f. The published vectors below use it. */
const KAT_KEY = Uint8Array.from({ length: 32 }, (_, i) => i);

/** Independent restatements of the two check algorithms, straight from the standards. */
function isoMod11_2(first17: string): string {
  // GB 11643-1999: weight W_i = 2^(i-1) mod 11 counted from the right, check = (12 - S mod 11) mod 11.
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  const check = (12 - (sum % 11)) % 11;
  return check === 10 ? "X" : String(check);
}

function gb32100Check(first17: string): string {
  const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += alphabet.indexOf(first17[i]) * (3 ** i % 31);
  return alphabet[(31 - (sum % 31)) % 31];
}

describe("sdk/subjectKey", () => {
  describe("published known-answer vectors (consortium key 0x000102...1f)", () => {
    const vectors: [SubjectKind, string, string][] = [
      ["resident-id", "11010519491231002X", "0x5089792a01ef66d36fdcf3ffd379bb64ac8e7ccf9818ff871eefc1baed12e6a0"],
      ["uscc", "91350100M000100Y43", "0x622f53017b44d8f87d40c68ae0c8a9e8d0f56a2cf221d469043df7606d64f0e2"],
      ["passport", "E12345678", "0x26a25de538ca25801c622c4a8b05bb2ae625725c9c2cf56dc27eb202d26909f7"],
      ["other", "张三 Zhang San", "0x6b74c9e7a188f7fbd898b1c4c4bcda3ad6b742de4a5119c2f696df237c49aa67"],
    ];

    for (const [kind, value, expected] of vectors) {
      it(`${kind} ${value} derives ${expected.slice(0, 10)}...`, () => {
        expect(deriveSubjectKey({ consortiumKey: KAT_KEY, kind, value })).to.equal(expected);
      });
    }

    it("the MACed message is LP(domain) || LP(kind) || LP(value) with uint32 big-endian lengths", () => {
      expect(
        toHex(
          subjectKeyMessage({
            kind: "resident-id",
            value: "11010519491231002X",
          }),
        ),
      ).to.equal(
        "0x00000018" +
          "636f6e736f727469613a7375626a6563742d6b65793a7631" + // consortia:subject-key:v1
          "0000000b" +
          "7265736964656e742d6964" + // resident-id
          "00000012" +
          "313130313035313934393132333130303258", // 11010519491231002X
      );
    });

    it("equals HMAC-SHA256 as node:crypto computes it over the same message", () => {
      for (const [kind, value, expected] of vectors) {
        const mac = createHmac("sha256", KAT_KEY).update(subjectKeyMessage({ kind, value })).digest("hex");
        expect(`0x${mac}`).to.equal(expected);
      }
    });
  });

  describe("keying", () => {
    const value = "11010519491231002X";

    it("a different consortium key gives a different subject key", () => {
      const other = Uint8Array.from(KAT_KEY);
      other[31] ^= 1;
      expect(deriveSubjectKey({ consortiumKey: other, kind: "resident-id", value })).to.not.equal(
        deriveSubjectKey({
          consortiumKey: KAT_KEY,
          kind: "resident-id",
          value,
        }),
      );
    });

    it("never returns a plain (unkeyed) hash of the identifier", () => {
      const derived = deriveSubjectKey({
        consortiumKey: KAT_KEY,
        kind: "resident-id",
        value,
      });
      const message = subjectKeyMessage({ kind: "resident-id", value });
      const plain = [
        keccak256(toUtf8Bytes(value)),
        keccak256(message),
        `0x${createHash("sha256").update(value).digest("hex")}`,
        `0x${createHash("sha256").update(message).digest("hex")}`,
      ];
      expect(plain).to.not.include(derived);
    });

    it("separates kinds: the same string as passport and as other gives different keys", () => {
      const asPassport = deriveSubjectKey({
        consortiumKey: KAT_KEY,
        kind: "passport",
        value: "E12345678",
      });
      const asOther = deriveSubjectKey({
        consortiumKey: KAT_KEY,
        kind: "other",
        value: "E12345678",
      });
      expect(asPassport).to.not.equal(asOther);
    });

    it("accepts the key as hex or bytes alike, and longer keys", () => {
      const fromBytes = deriveSubjectKey({
        consortiumKey: KAT_KEY,
        kind: "resident-id",
        value,
      });
      expect(
        deriveSubjectKey({
          consortiumKey: toHex(KAT_KEY),
          kind: "resident-id",
          value,
        }),
      ).to.equal(fromBytes);
      const long = generateConsortiumKey();
      expect(
        deriveSubjectKey({
          consortiumKey: Uint8Array.from([...long, ...long]),
          kind: "resident-id",
          value,
        }),
      ).to.match(/^0x[0-9a-f]{64}$/);
    });

    it("rejects a consortium key shorter than 32 bytes or all zero", () => {
      expect(() =>
        deriveSubjectKey({
          consortiumKey: KAT_KEY.subarray(0, 31),
          kind: "resident-id",
          value,
        }),
      ).to.throw(InvalidConsortiumKeyError, /at least 32 bytes, got 31/);
      expect(() =>
        deriveSubjectKey({
          consortiumKey: new Uint8Array(32),
          kind: "resident-id",
          value,
        }),
      ).to.throw(InvalidConsortiumKeyError, /all zero/);
      expect(() =>
        deriveSubjectKey({
          consortiumKey: "0x1234" as const,
          kind: "resident-id",
          value,
        }),
      ).to.throw(InvalidConsortiumKeyError);
    });

    it("generateConsortiumKey returns 32 fresh random bytes", () => {
      const a = generateConsortiumKey();
      expect(a).to.have.length(32);
      expect(toHex(a)).to.not.equal(toHex(generateConsortiumKey()));
    });
  });

  describe("resident identity numbers (GB 11643-1999)", () => {
    it("the sample number 11010519491231002X has a valid ISO 7064 MOD 11-2 check digit", () => {
      expect(isoMod11_2("11010519491231002")).to.equal("X");
      expect(residentIdCheckDigit("11010519491231002")).to.equal("X");
    });

    it("agrees with an independent check-digit implementation on many numbers", () => {
      for (let n = 0; n < 2000; n++) {
        const body = `4403051990${String(101 + (n % 28))
          .padStart(4, "0")
          .slice(-4)}${String(n % 1000).padStart(3, "0")}`;
        expect(residentIdCheckDigit(body), body).to.equal(isoMod11_2(body));
      }
    });

    it("spaces, lower-case x and full-width digits normalise to one form and one key", () => {
      const canonical = deriveSubjectKey({
        consortiumKey: KAT_KEY,
        kind: "resident-id",
        value: "11010519491231002X",
      });
      for (const spelling of [
        "11010519491231002x",
        " 110105 19491231 002x ",
        "110105\u300019491231002X", // ideographic space
        "１１０１０５１９４９１２３１００２Ｘ", // full-width
      ]) {
        expect(normaliseIdentifier("resident-id", spelling)).to.equal("11010519491231002X");
        expect(
          deriveSubjectKey({
            consortiumKey: KAT_KEY,
            kind: "resident-id",
            value: spelling,
          }),
        ).to.equal(canonical);
      }
    });

    it("rejects a wrong check digit and says which one was expected", () => {
      expect(() => normaliseIdentifier("resident-id", "110105194912310021")).to.throw(
        InvalidIdentifierError,
        /check digit is 1 but .* require X/,
      );
    });

    it("rejects impossible birth dates (30 February, the future, before 1800)", () => {
      for (const birth of ["19490230", "29990101", "17991231"]) {
        const body = `110105${birth}002`;
        expect(() => normaliseIdentifier("resident-id", body + isoMod11_2(body))).to.throw(
          InvalidIdentifierError,
          /birth date/,
        );
      }
      const leap = "11010520000229002";
      expect(normaliseIdentifier("resident-id", leap + isoMod11_2(leap))).to.have.length(18);
    });

    it("rejects wrong length, stray letters, unknown provinces and 15-digit numbers", () => {
      const cases: [string, RegExp][] = [
        ["1101051949123100", /expected 18 characters, got 16/],
        ["1101051949123100AX", /17 digits followed by a digit or X/],
        ["99010519491231002X", /unknown province code 99/],
        ["110105491231002", /15-digit/],
      ];
      for (const [value, message] of cases) {
        expect(() => normaliseIdentifier("resident-id", value)).to.throw(InvalidIdentifierError, message);
      }
    });

    it("error messages do not repeat the identifier", () => {
      try {
        normaliseIdentifier("resident-id", "11010519490230002X");
        expect.fail("should throw");
      } catch (error) {
        expect((error as Error).message).to.not.include("19490230");
        expect((error as Error).message).to.not.include("110105");
      }
    });
  });

  describe("unified social credit codes (GB 32100-2015)", () => {
    it("the sample 91350100M000100Y43 has a valid MOD 31 check character", () => {
      expect(gb32100Check("91350100M000100Y4")).to.equal("3");
      expect(usccCheckCharacter("91350100M000100Y4")).to.equal("3");
      expect(normaliseIdentifier("uscc", "91350100M000100Y43")).to.equal("91350100M000100Y43");
    });

    it("agrees with an independent check-character implementation", () => {
      const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
      for (let n = 0; n < 2000; n++) {
        const org = Array.from({ length: 9 }, (_, i) => alphabet[(n * 7 + i * 13 + n * i) % 31]).join("");
        const body = `91${String(110000 + n).slice(0, 6)}${org}`;
        expect(usccCheckCharacter(body), body).to.equal(gb32100Check(body));
        expect(normaliseIdentifier("uscc", body + gb32100Check(body))).to.equal(body + gb32100Check(body));
      }
    });

    it("lower case and spaces normalise to the same key", () => {
      const a = deriveSubjectKey({
        consortiumKey: KAT_KEY,
        kind: "uscc",
        value: "9135 0100 m000 100y 43",
      });
      const b = deriveSubjectKey({
        consortiumKey: KAT_KEY,
        kind: "uscc",
        value: "91350100M000100Y43",
      });
      expect(a).to.equal(b);
    });

    it("rejects a wrong check character", () => {
      expect(() => normaliseIdentifier("uscc", "91350100M000100Y44")).to.throw(
        InvalidIdentifierError,
        /check character is 4 but .* require 3/,
      );
    });

    it("rejects letters outside the alphabet and names the look-alike", () => {
      expect(() => normaliseIdentifier("uscc", "91350100MOO0100Y43")).to.throw(
        InvalidIdentifierError,
        /letter O at position 10 .* did you mean 0\?/,
      );
      expect(() => normaliseIdentifier("uscc", "91350100M000100Y4-")).to.throw(
        InvalidIdentifierError,
        /not in 0-9A-HJ-NPQRTUWXY/,
      );
    });

    it("rejects a non-numeric administrative division code and wrong length", () => {
      const body = "91A50100M000100Y4";
      expect(() => normaliseIdentifier("uscc", body + gb32100Check(body))).to.throw(
        InvalidIdentifierError,
        /administrative division code/,
      );
      expect(() => normaliseIdentifier("uscc", "91350100M000100Y4")).to.throw(
        InvalidIdentifierError,
        /expected 18 characters, got 17/,
      );
    });
  });

  describe("passports and other identifiers", () => {
    it("passport numbers normalise to upper-case alphanumerics", () => {
      expect(normaliseIdentifier("passport", " e1234 5678 ")).to.equal("E12345678");
    });

    it("rejects passport numbers with punctuation or of implausible length", () => {
      for (const value of ["E1234-5678", "E12", "A".repeat(21)]) {
        expect(() => normaliseIdentifier("passport", value)).to.throw(InvalidIdentifierError, /5 to 20 letters/);
      }
    });

    it("other values are trimmed and NFC-normalised, so composed and decomposed forms match", () => {
      expect(normaliseIdentifier("other", "  Jos\u0065\u0301 ")).to.equal("Jos\u00e9");
      expect(
        deriveSubjectKey({
          consortiumKey: KAT_KEY,
          kind: "other",
          value: "Jos\u0065\u0301",
        }),
      ).to.equal(
        deriveSubjectKey({
          consortiumKey: KAT_KEY,
          kind: "other",
          value: "Jos\u00e9",
        }),
      );
    });

    it("rejects an empty other value and an unknown kind", () => {
      expect(() => normaliseIdentifier("other", "   ")).to.throw(InvalidIdentifierError, /empty/);
      expect(() => normaliseIdentifier("tax-id" as SubjectKind, "123")).to.throw(
        InvalidIdentifierError,
        /unknown kind/,
      );
    });
  });
});
