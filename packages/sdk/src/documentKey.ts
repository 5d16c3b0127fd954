/**
 * Keyed identifiers of financeable documents ("document keys"): the id under which the suite's register of financed
 * documents (contracts/platform/FinancedDocuments.sol) and a receivable's `invoiceKey` know an invoice.
 *
 * The same keyed scheme as subject keys (subjectKey.ts): an invoice's identity (its issuer's tax id, code and number)
 * is guessable, so it is MACed with the consortium key that only members hold; only the MAC goes on chain.
 *
 * Derivation, version 1 (normative, so other implementations interoperate):
 *
 *   LP(x)   = uint32_be(byteLength(x)) || x          x as UTF-8 bytes
 *   message = LP("consortia:document-key:v1") || LP(kind) || LP(issuerTaxId) || LP(invoiceCode) || LP(invoiceNumber)
 *   key     = HMAC-SHA256(consortiumKey, message)    32 bytes, 0x-hex = the on-chain bytes32
 *
 * where `kind` is "invoice" and the three fields are normalised by {@link normaliseInvoiceIdentity}.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { lengthPrefixed, toHex, utf8, type Hex } from "./bytes.js";
import { InvalidIdentifierError, consortiumKeyBytes, normaliseIdentifier } from "./subjectKey.js";

export const DOCUMENT_KEY_DOMAIN = "consortia:document-key:v1";

/** What identifies an invoice (a VAT invoice: 发票代码 and 发票号码; a fully digital invoice has no code). */
export interface InvoiceIdentity {
  /** The issuer's taxpayer id: an 18-character unified social credit code, or a 15 to 20 character legacy id. */
  issuerTaxId: string;
  /** The invoice code: 10 or 12 digits, or empty for a fully digital invoice. */
  invoiceCode: string;
  /** The invoice number: 8 digits, or 20 for a fully digital invoice. */
  invoiceNumber: string;
}

const compact = (value: string): string => value.normalize("NFKC").replace(/\s+/g, "").toUpperCase();

/**
 * Brings an invoice's identity to its one canonical spelling: NFKC, whitespace removed, upper case; an 18-character
 * tax id must be a valid unified social credit code (GB 32100-2015), others 15 to 20 letters and digits; the code 0,
 * 10 or 12 digits; the number 8 or 20 digits.
 */
export function normaliseInvoiceIdentity(identity: InvoiceIdentity): InvoiceIdentity {
  const fail = (reason: string): never => {
    throw new InvalidIdentifierError("invoice", reason);
  };
  if (typeof identity !== "object" || identity === null) fail("expected issuerTaxId, invoiceCode and invoiceNumber");
  const taxId = compact(String(identity.issuerTaxId ?? ""));
  const issuerTaxId =
    taxId.length === 18
      ? normaliseIdentifier("uscc", taxId)
      : /^[0-9A-Z]{15,20}$/.test(taxId)
        ? taxId
        : fail(`issuer tax id: expected a unified social credit code or 15 to 20 letters and digits`);
  const invoiceCode = compact(String(identity.invoiceCode ?? ""));
  if (!/^(\d{10}|\d{12})?$/.test(invoiceCode)) fail(`invoice code: expected 10 or 12 digits, or none`);
  const invoiceNumber = compact(String(identity.invoiceNumber ?? ""));
  if (!/^(\d{8}|\d{20})$/.test(invoiceNumber)) fail(`invoice number: expected 8 or 20 digits`);
  if (invoiceCode === "" && invoiceNumber.length !== 20) fail("an invoice without a code has a 20-digit number");
  return { issuerTaxId, invoiceCode, invoiceNumber };
}

/** The exact bytes that are MACed, exposed for interoperability tests in other languages. */
export function documentKeyMessage(identity: InvoiceIdentity): Uint8Array {
  const { issuerTaxId, invoiceCode, invoiceNumber } = normaliseInvoiceIdentity(identity);
  return lengthPrefixed(
    utf8(DOCUMENT_KEY_DOMAIN),
    utf8("invoice"),
    utf8(issuerTaxId),
    utf8(invoiceCode),
    utf8(invoiceNumber),
  );
}

/** Derives an invoice's keyed id: HMAC-SHA256 with the consortium key over {@link documentKeyMessage}. */
export function deriveDocumentKey(params: InvoiceIdentity & { consortiumKey: Uint8Array | Hex }): Hex {
  const key = consortiumKeyBytes(params.consortiumKey);
  return toHex(hmac(sha256, key, documentKeyMessage(params)));
}
