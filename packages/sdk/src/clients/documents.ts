/**
 * The suite's register of financed documents (FinancedDocuments): one invoice, financed once. Applications hold an
 * invoice's keyed id (see documentKey.ts) against its face value; members read a document's standing and check,
 * before they send, whether a financing would be refused.
 */
import { hexlify, toUtf8Bytes, toUtf8String } from "ethers";
import { FinancedDocuments__factory } from "../typechain/factories/platform/FinancedDocuments__factory.js";
import type { FinancedDocuments } from "../typechain/platform/FinancedDocuments.js";
import { defineClient, type ClientContext, type SendOptions } from "./define.js";

export const DOCUMENT_CLOSURE = ["None", "Paid", "Cancelled"] as const;
export type DocumentClosureName = (typeof DOCUMENT_CLOSURE)[number];

/** A document's standing in the register. `available` is what may still be financed (face - financed - paid). */
export interface DocumentStanding {
  documentId: string;
  /** Whether any application ever held it. */
  known: boolean;
  face: bigint;
  currency: string;
  financed: bigint;
  paid: bigint;
  available: bigint;
  openHolds: number;
  /** The application and record of the latest hold (zero address and 0 when never held). */
  lastApp: string;
  lastRecord: bigint;
}

/** Thrown before sending a step that the register would refuse: the document is financed (or paid) up to its face. */
export class DocumentAlreadyFinancedError extends Error {
  override name = "DocumentAlreadyFinancedError" as const;
  constructor(
    readonly standing: DocumentStanding,
    readonly requested: bigint,
  ) {
    super(
      standing.face !== 0n && standing.available < requested
        ? `document ${standing.documentId} is already financed: ${standing.financed} held and ${standing.paid} paid of ` +
            `face ${standing.face} ${standing.currency} (latest holder ${standing.lastApp} record ${standing.lastRecord}); ` +
            `${requested} more would exceed its face`
        : `document ${standing.documentId} is held with face ${standing.face} ${standing.currency}: the face or ` +
            `currency given differs, or the amount is not between 1 and the face`,
    );
  }
}

function currencyBytes(code: string): string {
  if (!/^[A-Z]{3}$/.test(code)) throw new Error(`malformed currency "${code}": expected an ISO 4217 code like CNY`);
  return hexlify(toUtf8Bytes(code));
}

/** A document's standing, read from the register. */
export async function documentStanding(contract: FinancedDocuments, documentId: string): Promise<DocumentStanding> {
  const d = await contract.document(documentId);
  const used = d.financed + d.paid;
  return {
    documentId,
    known: d.face !== 0n,
    face: d.face,
    currency: d.face === 0n ? "" : toUtf8String(d.currency),
    financed: d.financed,
    paid: d.paid,
    available: d.face > used ? d.face - used : 0n,
    openHolds: Number(d.holds),
    lastApp: d.lastApp,
    lastRecord: d.lastRecord,
  };
}

export type DocumentsClient = ReturnType<typeof createDocumentsClient>;

function createDocumentsClient(context: ClientContext) {
  const contract: FinancedDocuments = context.connect("FinancedDocuments", FinancedDocuments__factory);

  const standing = (documentId: string) => documentStanding(contract, documentId);

  return {
    contract,
    address: context.address("FinancedDocuments"),
    /** A document's standing by its keyed id. */
    standing,
    /** The amount held against the document now. */
    financedAmount: (documentId: string) => contract.financedAmount(documentId),
    /** Whether a hold of `amount` against the document with this face and currency would be accepted now. */
    canFinance: (documentId: string, face: bigint, currency: string, amount: bigint) =>
      contract.canFinance(documentId, face, currencyBytes(currency), amount),
    /** One application record's hold (amount 0 when none is open). */
    holdOf: async (documentId: string, app: string, record: bigint) => {
      const h = await contract.holdOf(documentId, app, record);
      return { amount: h.amount, financier: Number(h.financier), heldAt: Number(h.heldAt) };
    },
    /**
     * A bank's recorded check before financing (`FinancingChecked`; a refusal also `FinancingRefused`, which the
     * regulator's duplicate-financing report lists). Sends a transaction; the answer is in the receipt's event.
     */
    checkFinancing: (documentId: string, face: bigint, currency: string, amount: bigint, options?: SendOptions) =>
      context.send(contract, () => contract.checkFinancing(documentId, face, currencyBytes(currency), amount), options),
    /**
     * Checks before sending: throws `DocumentAlreadyFinancedError` (with the document's standing) when financing
     * `amount` of the document would be refused.
     */
    async requireFinanceable(documentId: string, face: bigint, currency: string, amount: bigint): Promise<void> {
      if (await contract.canFinance(documentId, face, currencyBytes(currency), amount)) return;
      throw new DocumentAlreadyFinancedError(await standing(documentId), amount);
    },
  };
}

export default defineClient({
  contracts: { FinancedDocuments: FinancedDocuments__factory },
  enums: { "IFinancedDocuments.Closure": DOCUMENT_CLOSURE },
  messages: {
    DocumentNotSystemContract: (p) => `${p.caller} is not a suite application: only applications hold documents`,
    DocumentOverFinanced: (p) =>
      `document ${p.documentId} is already financed: ${p.financed} held and ${p.paid} paid of face ${p.face}; ` +
      `${p.requested} more refused (latest holder ${p.holderApp} record ${p.holderRecord})`,
    DocumentFaceMismatch: (p) =>
      `document ${p.documentId} is held with face ${p.face} (${p.currency}), not ${p.givenFace} (${p.givenCurrency})`,
    DocumentAlreadyHeld: (p) => `record ${p.record} of ${p.app} already holds document ${p.documentId}`,
    DocumentNotHeld: (p) => `record ${p.record} of ${p.app} holds no document ${p.documentId}`,
    DocumentNoFinancierConsent: (p) =>
      `cancelling the financing of document ${p.documentId} needs an active account of its financier, member ` +
      `${p.financier} (given ${p.consentAccount})`,
    DocumentInvalid: (p) => `invalid ${p.field}`,
  },
  create: createDocumentsClient,
});
