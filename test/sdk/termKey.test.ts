import { expect } from "chai";
import { createHmac } from "node:crypto";
import {
  InvalidConsortiumKeyError,
  InvalidIdentifierError,
  TERM_KEY_DOMAIN,
  deriveSubjectKey,
  hashUtf8,
  keyedTermHash,
  termKeyMessage,
} from "@consortia/sdk";

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

/** The derivation restated with node:crypto from the module's normative description. */
function reference(field: string, value: string): string {
  const lp = (text: string) => {
    const bytes = Buffer.from(text, "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  const message = Buffer.concat([lp(TERM_KEY_DOMAIN), lp(field), lp(value.normalize("NFC"))]);
  return `0x${createHmac("sha256", Buffer.from(KEY)).update(message).digest("hex")}`;
}

describe("sdk/termKey", () => {
  it("is HMAC-SHA256 with the consortium key over the length-prefixed, domain-separated field and value", () => {
    expect(keyedTermHash({ consortiumKey: KEY, field: "discrepancy", value: "LATE_SHIPMENT" })).to.equal(
      reference("discrepancy", "LATE_SHIPMENT"),
    );
    expect(Buffer.from(termKeyMessage("tender", "NSPC-2025-ZB-017")).subarray(0, 4).readUInt32BE()).to.equal(
      TERM_KEY_DOMAIN.length,
    );
  });

  it("matches the known answers README lists (consortium key 0x000102...1f)", () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i);
    expect(keyedTermHash({ consortiumKey: key, field: "discrepancy", value: "LATE_SHIPMENT" })).to.equal(
      "0xdaceb921bdc81a4310b91a6afc89677ef3696b910da407e4b7b4b4ce2f9f233a",
    );
    expect(keyedTermHash({ consortiumKey: key, field: "tender", value: "NSPC-2025-ZB-017" })).to.equal(
      "0xaa9fd96e2285cf2efe5a89593c05dacbb342ac7200cea73267d13a8e97b925a2",
    );
  });

  it("is deterministic (the chain compares keys) and differs per field, per value and per consortium key", () => {
    const key = (field: string, value: string, consortiumKey: Uint8Array = KEY) =>
      keyedTermHash({ consortiumKey, field, value });
    expect(key("discrepancy", "LATE_SHIPMENT")).to.equal(key("discrepancy", "LATE_SHIPMENT"));
    expect(key("discrepancy", "LATE_SHIPMENT")).to.not.equal(key("tender", "LATE_SHIPMENT"));
    expect(key("discrepancy", "LATE_SHIPMENT")).to.not.equal(key("discrepancy", "LATE_PRESENTATION"));
    const other = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
    expect(key("discrepancy", "LATE_SHIPMENT")).to.not.equal(key("discrepancy", "LATE_SHIPMENT", other));
    // Not a bare hash anybody can recompute from a list of codes.
    expect(key("discrepancy", "LATE_SHIPMENT")).to.not.equal(hashUtf8("LATE_SHIPMENT"));
    // Nor a subject key of the same text.
    expect(key("other", "LATE_SHIPMENT")).to.not.equal(
      deriveSubjectKey({ consortiumKey: KEY, kind: "other", value: "LATE_SHIPMENT" }),
    );
  });

  it("normalises the value to NFC: composed and decomposed spellings give one key", () => {
    expect(keyedTermHash({ consortiumKey: KEY, field: "tender", value: "Caf\u00e9" })).to.equal(
      keyedTermHash({ consortiumKey: KEY, field: "tender", value: "Cafe\u0301" }),
    );
  });

  it("rejects a malformed field, an empty or oversized value and a weak key, without repeating the value", () => {
    const secret = "NSPC-2025-ZB-017";
    for (const field of ["", "Tender", "tender reference", "x".repeat(65)]) {
      expect(() => keyedTermHash({ consortiumKey: KEY, field, value: secret })).to.throw(InvalidIdentifierError);
    }
    for (const value of ["", "x".repeat(4097), "\ud800"]) {
      expect(() => keyedTermHash({ consortiumKey: KEY, field: "tender", value })).to.throw(InvalidIdentifierError);
    }
    expect(() => keyedTermHash({ consortiumKey: new Uint8Array(32), field: "tender", value: secret })).to.throw(
      InvalidConsortiumKeyError,
    );
    expect(() => keyedTermHash({ consortiumKey: KEY.subarray(0, 16), field: "tender", value: secret })).to.throw(
      InvalidConsortiumKeyError,
    );
    try {
      keyedTermHash({ consortiumKey: KEY, field: "Bad", value: secret });
    } catch (error) {
      expect((error as Error).message).to.not.contain(secret);
    }
  });
});
