/**
 * Property tests (fast-check) of the SDK's codecs and normalisers: subject-key normalisation, canonical JSON,
 * envelopes, amounts. A fixed seed and bounded runs in CI; FC_SEED and FC_RUNS explore further.
 */
import { expect } from "chai";
import fc from "fast-check";
import {
  canonicalJson,
  deriveSubjectKey,
  formatAmount,
  generateEncryptionKeyPair,
  hashCanonicalJson,
  InvalidAmountError,
  InvalidIdentifierError,
  normaliseIdentifier,
  openEnvelope,
  parseAmount,
  residentIdCheckDigit,
  sealEnvelope,
  usccCheckCharacter,
  type JsonValue,
} from "@consortia/sdk";

const SEED = Number(process.env.FC_SEED ?? 23);
const RUNS = Number(process.env.FC_RUNS ?? 200);
const params = (numRuns = RUNS) => ({ seed: SEED, numRuns });

const KEY = new Uint8Array(32).fill(7);
const FULL_WIDTH = (text: string) => text.replace(/[0-9A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** Spaces, tabs and newlines at random places, as people type and paste identifiers. */
function sprinkleWhitespace(text: string): fc.Arbitrary<string> {
  return fc
    .array(fc.constantFrom("", "", " ", "  ", "\t", "\n", "\u3000"), { minLength: text.length, maxLength: text.length })
    .map((gaps) => [...text].map((char, i) => gaps[i] + char).join(""));
}

/** A valid 18-character resident ID: province, 4 digits, a real birth date, 3 digits, its MOD 11-2 check digit. */
const residentId = fc
  .tuple(
    fc.constantFrom("11", "31", "44", "65", "81"),
    fc.stringMatching(/^\d{4}$/),
    fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2020-12-31T00:00:00Z"), noInvalidDate: true }),
    fc.stringMatching(/^\d{3}$/),
  )
  .map(([province, area, birth, serial]) => {
    const first17 = `${province}${area}${birth.toISOString().slice(0, 10).replace(/-/g, "")}${serial}`;
    return first17 + residentIdCheckDigit(first17);
  });

/** A valid USCC: registration authority, kind, 6-digit division, 9-character body, its MOD 31 check character. */
const uscc = fc
  .tuple(
    fc.constantFrom("9", "1", "5"),
    fc.constantFrom("1", "2", "3"),
    fc.stringMatching(/^\d{6}$/),
    fc.stringMatching(/^[0-9A-HJ-NPQRTUWXY]{9}$/),
  )
  .map(([authority, kind, division, body]) => {
    const first17 = `${authority}${kind}${division}${body}`;
    return first17 + usccCheckCharacter(first17);
  });

describe("sdk properties: subject-key normalisation", () => {
  it("resident IDs: any spacing, case and full-width spelling normalise to one form and one subject key", () => {
    fc.assert(
      fc.property(
        residentId.chain((id) => fc.tuple(fc.constant(id), sprinkleWhitespace(id), fc.boolean())),
        ([id, spaced, fullWidth]) => {
          const variant = (fullWidth ? FULL_WIDTH(spaced) : spaced).toLowerCase();
          expect(normaliseIdentifier("resident-id", variant)).to.equal(id);
          expect(normaliseIdentifier("resident-id", id)).to.equal(id);
          expect(deriveSubjectKey({ consortiumKey: KEY, kind: "resident-id", value: variant })).to.equal(
            deriveSubjectKey({ consortiumKey: KEY, kind: "resident-id", value: id }),
          );
        },
      ),
      params(),
    );
  });

  it("resident IDs: changing any one digit of a valid ID is refused or gives another ID (never the same key)", () => {
    fc.assert(
      fc.property(residentId, fc.nat({ max: 16 }), fc.nat({ max: 8 }), (id, position, delta) => {
        const digit = (Number(id[position]) + delta + 1) % 10;
        const changed = id.slice(0, position) + String(digit) + id.slice(position + 1);
        let normalised: string | undefined;
        try {
          normalised = normaliseIdentifier("resident-id", changed);
        } catch (error) {
          expect(error).to.be.instanceOf(InvalidIdentifierError);
        }
        // MOD 11-2 catches every single-digit error: a changed ID never passes with the old check digit.
        expect(normalised).to.equal(undefined);
      }),
      params(),
    );
  });

  it("USCCs: spacing and case normalise to one form; the check character catches a changed character", () => {
    fc.assert(
      fc.property(
        uscc.chain((code) => fc.tuple(fc.constant(code), sprinkleWhitespace(code), fc.nat({ max: 16 }))),
        ([code, spaced, position]) => {
          expect(normaliseIdentifier("uscc", spaced.toLowerCase())).to.equal(code);
          const charset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
          const other = charset[(charset.indexOf(code[position]) + 1) % charset.length];
          const changed = code.slice(0, position) + other + code.slice(position + 1);
          expect(() => normaliseIdentifier("uscc", changed)).to.throw(InvalidIdentifierError);
        },
      ),
      params(),
    );
  });

  it("every kind: normalising is idempotent, and whatever is refused is refused with InvalidIdentifierError", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("resident-id", "uscc", "passport", "other" as const),
        fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 30 }), residentId, uscc),
        (kind, value) => {
          let once: string;
          try {
            once = normaliseIdentifier(kind, value);
          } catch (error) {
            expect(error).to.be.instanceOf(InvalidIdentifierError);
            return;
          }
          expect(normaliseIdentifier(kind, once)).to.equal(once);
        },
      ),
      params(),
    );
  });
});

/** JSON values canonical JSON accepts: no -0 (RFC 8785 writes it as 0, so it cannot round-trip as itself). */
const json = fc.jsonValue({ maxDepth: 4, noUnicodeString: false }).map((value) => JSON.parse(JSON.stringify(value)));

/** The same value with every object's members inserted in the order `order` gives (reversed by default). */
function reorder(value: JsonValue, order = (keys: string[]) => keys.reverse()): JsonValue {
  if (Array.isArray(value)) return value.map((item) => reorder(item, order));
  if (value !== null && typeof value === "object") {
    const object = value as Record<string, JsonValue>;
    return Object.fromEntries(order(Object.keys(object)).map((k) => [k, reorder(object[k], order)]));
  }
  return value;
}

/** Sorted members: a canonical-enough form built without the library, to compare against. */
const sorted = (value: unknown) => reorder(value as JsonValue, (keys) => keys.sort());

describe("sdk properties: canonical JSON (RFC 8785)", () => {
  it("is a fixed point: parsing the canonical text and canonicalising again gives the same text", () => {
    fc.assert(
      fc.property(json, (value) => {
        const text = canonicalJson(value as JsonValue);
        expect(canonicalJson(JSON.parse(text) as JsonValue)).to.equal(text);
      }),
      params(),
    );
  });

  it("does not depend on member order, and keeps the value (parse(canonical) deep-equals the input)", () => {
    fc.assert(
      fc.property(json, (value) => {
        const text = canonicalJson(value as JsonValue);
        expect(canonicalJson(reorder(value as JsonValue))).to.equal(text);
        expect(hashCanonicalJson(reorder(value as JsonValue))).to.equal(hashCanonicalJson(value as JsonValue));
        expect(JSON.parse(text)).to.deep.equal(value);
        expect(text).to.not.match(/\n/);
      }),
      params(),
    );
  });

  it("two values with different canonical text are different values (no collisions through coercion)", () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        const same = canonicalJson(a as JsonValue) === canonicalJson(b as JsonValue);
        expect(same).to.equal(JSON.stringify(sorted(a)) === JSON.stringify(sorted(b)));
      }),
      params(),
    );
  });
});

describe("sdk properties: envelopes", () => {
  const members = [1, 2, 3].map((memberId) => ({ memberId, ...generateEncryptionKeyPair() }));

  it("every recipient opens what was sealed, byte for byte; a flipped ciphertext bit is refused", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 512 }),
        fc.subarray(members, { minLength: 1 }),
        fc.uint8Array({ maxLength: 32 }),
        async (plaintext, recipients, associatedData) => {
          const { envelope } = await sealEnvelope({
            plaintext,
            recipients: recipients.map(({ memberId, publicKey }) => ({ memberId, publicKey })),
            associatedData,
          });
          for (const member of recipients) {
            const opened = await openEnvelope(envelope, { memberId: member.memberId, privateKey: member.privateKey });
            expect(Buffer.from(opened).equals(Buffer.from(plaintext))).to.equal(true);
          }
          const outsider = members.find((member) => !recipients.includes(member));
          if (outsider !== undefined) {
            let refused = false;
            await openEnvelope(envelope, { memberId: outsider.memberId, privateKey: outsider.privateKey }).catch(
              () => (refused = true),
            );
            expect(refused, "a member who is not a recipient").to.equal(true);
          }
          const tampered = JSON.parse(JSON.stringify(envelope)) as typeof envelope;
          const bytes = Buffer.from(tampered.ciphertext, "base64");
          bytes[bytes.length >> 1] ^= 1;
          tampered.ciphertext = bytes.toString("base64");
          let refused = false;
          await openEnvelope(tampered, {
            memberId: recipients[0].memberId,
            privateKey: recipients[0].privateKey,
          }).catch(() => (refused = true));
          expect(refused, "a tampered ciphertext").to.equal(true);
        },
      ),
      params(Math.min(RUNS, 25)),
    );
  });
});

describe("sdk properties: amounts", () => {
  it("formatAmount then parseAmount gives the amount back, for every decimals count 0..18", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }), fc.integer({ min: 0, max: 18 }), (amount, decimals) => {
        const text = formatAmount(amount, decimals);
        expect(parseAmount(text, decimals)).to.equal(amount);
        if (decimals > 0) expect(text).to.match(new RegExp(`^\\d+\\.\\d{${decimals}}$`));
        else expect(text).to.match(/^\d+$/);
      }),
      params(),
    );
  });

  it("parseAmount reads a decimal with at most `decimals` digits exactly, and refuses one digit more", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^(0|[1-9]\d{0,30})$/),
        fc.integer({ min: 1, max: 18 }),
        fc.stringMatching(/^\d{1,18}$/),
        (whole, decimals, digits) => {
          const fraction = digits.slice(0, decimals);
          const amount = parseAmount(`${whole}.${fraction}`, decimals);
          expect(amount).to.equal(BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0")));
          expect(() => parseAmount(`${whole}.${fraction.padEnd(decimals, "0")}5`, decimals)).to.throw(
            InvalidAmountError,
          );
        },
      ),
      params(),
    );
  });

  it("refuses signs, exponents, separators and empty parts", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{1,10}$/),
        fc.constantFrom("-", "+", "e2", "E-1", ",", "..", ".", " 1", "0x"),
        fc.boolean(),
        (digits, junk, prefix) => {
          const text = prefix ? `${junk}${digits}` : `${digits}${junk}`;
          if (/^\d+(\.\d{1,2})?$/.test(text.trim())) return;
          expect(() => parseAmount(text, 2)).to.throw(InvalidAmountError);
        },
      ),
      params(),
    );
  });
});
