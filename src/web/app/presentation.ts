/**
 * Before a presentation: a shipment date stated for the same documents and not yet used (a `stateShipment` that
 * succeeded before a `present` that reverted) stays on the chain, per presenting account and documents hash, and the
 * next presentation of those documents uses it. Presenting without a date when one is pending is therefore stopped
 * once, with the pending date shown; presenting again (acknowledged for these documents) uses it, and a date typed in
 * is always stated again (it replaces the pending one).
 */
import { presentationDocumentsHash } from "@consortia/sdk/client";

/** A document reference as presented (the SDK's `DocumentRefInput`). */
export type DocumentRef = Parameters<typeof presentationDocumentsHash>[0][number];

export interface PendingStatementReader {
  lettersOfCredit: { statedShipment: (documents: DocumentRef[], account: string) => Promise<number> };
}

export type PresentCheck = { proceed: true } | { proceed: false; pending: { date: number; documentsHash: string } };

export async function checkPendingStatement(
  c: PendingStatementReader,
  account: string,
  documents: DocumentRef[],
  shipmentDate: number | undefined,
  acknowledgedHash: string | undefined,
): Promise<PresentCheck> {
  if (shipmentDate !== undefined) return { proceed: true }; // stated again just before presenting
  const documentsHash = presentationDocumentsHash(documents);
  const date = await c.lettersOfCredit.statedShipment(documents, account);
  if (date === 0 || acknowledgedHash === documentsHash) return { proceed: true };
  return { proceed: false, pending: { date, documentsHash } };
}
