import { expect } from "chai";
import { createHmac } from "node:crypto";
import {
  DOCUMENT_KEY_DOMAIN,
  deriveDocumentKey,
  deriveSubjectKey,
  documentKeyMessage,
  InvalidConsortiumKeyError,
  InvalidIdentifierError,
  normaliseInvoiceIdentity,
  toHex,
} from "@consortia/sdk";

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const INVOICE = { issuerTaxId: "91350100M000100Y43", invoiceCode: "032002500111", invoiceNumber: "00012345" };

/** The derivation restated with node:crypto from the module's normative description. */
function reference(taxId: string, code: string, number: string): string {
  const lp = (text: string) => {
    const bytes = Buffer.from(text, "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  const message = Buffer.concat([lp(DOCUMENT_KEY_DOMAIN), lp("invoice"), lp(taxId), lp(code), lp(number)]);
  return `0x${createHmac("sha256", Buffer.from(KEY)).update(message).digest("hex")}`;
}

describe("sdk/documentKey", () => {
  it("is HMAC-SHA256 with the consortium key over the length-prefixed, domain-separated identity", () => {
    expect(deriveDocumentKey({ consortiumKey: KEY, ...INVOICE })).to.equal(
      reference(INVOICE.issuerTaxId, INVOICE.invoiceCode, INVOICE.invoiceNumber),
    );
    expect(toHex(documentKeyMessage(INVOICE)).length).to.be.greaterThan(2);
  });

  it("gives one key for every spelling of the same invoice (full-width digits, spaces, lower case)", () => {
    const spelled = {
      issuerTaxId: "9135 0100 m000 100y43",
      invoiceCode: "０３２００２５００１１１",
      invoiceNumber: " 0001 2345 ",
    };
    expect(deriveDocumentKey({ consortiumKey: KEY, ...spelled })).to.equal(
      deriveDocumentKey({ consortiumKey: KEY, ...INVOICE }),
    );
  });

  it("differs from the subject key of the issuer and between invoices, and with another consortium key", () => {
    const key = deriveDocumentKey({ consortiumKey: KEY, ...INVOICE });
    expect(key).to.not.equal(deriveSubjectKey({ consortiumKey: KEY, kind: "uscc", value: INVOICE.issuerTaxId }));
    expect(key).to.not.equal(deriveDocumentKey({ consortiumKey: KEY, ...INVOICE, invoiceNumber: "00012346" }));
    const other = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
    expect(key).to.not.equal(deriveDocumentKey({ consortiumKey: other, ...INVOICE }));
  });

  it("accepts a fully digital invoice (no code, 20-digit number) and a legacy 15-character tax id", () => {
    expect(
      normaliseInvoiceIdentity({ ...INVOICE, invoiceCode: "", invoiceNumber: "24322000000012345678" }),
    ).to.deep.equal({ ...INVOICE, invoiceCode: "", invoiceNumber: "24322000000012345678" });
    expect(normaliseInvoiceIdentity({ ...INVOICE, issuerTaxId: "110108600012345" }).issuerTaxId).to.equal(
      "110108600012345",
    );
  });

  for (const [what, identity, message] of [
    ["a USCC with a wrong check character", { ...INVOICE, issuerTaxId: "91350100M000100Y44" }, /check character/],
    ["a tax id of the wrong shape", { ...INVOICE, issuerTaxId: "12-34" }, /issuer tax id/],
    ["an 11-digit code", { ...INVOICE, invoiceCode: "03200250011" }, /invoice code/],
    ["a 9-digit number", { ...INVOICE, invoiceNumber: "000123456" }, /invoice number/],
    ["no code with an 8-digit number", { ...INVOICE, invoiceCode: "" }, /20-digit number/],
  ] as const) {
    it(`refuses ${what}, without repeating the identity`, () => {
      expect(() => deriveDocumentKey({ consortiumKey: KEY, ...identity }))
        .to.throw(InvalidIdentifierError, message)
        .and.satisfy((error: Error) => !error.message.includes(identity.invoiceNumber));
    });
  }

  it("refuses a short or all-zero consortium key", () => {
    expect(() => deriveDocumentKey({ consortiumKey: new Uint8Array(16).fill(1), ...INVOICE })).to.throw(
      InvalidConsortiumKeyError,
    );
    expect(() => deriveDocumentKey({ consortiumKey: new Uint8Array(32), ...INVOICE })).to.throw(
      InvalidConsortiumKeyError,
    );
  });
});
