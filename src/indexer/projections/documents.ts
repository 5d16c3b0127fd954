import { FinancedDocuments__factory } from "@consortia/sdk/typechain/factories/platform/FinancedDocuments__factory.js";
import { createTableSql, defineProjection, type ProjectionStore, type TableSpec } from "../projection.js";
import { currencyCode } from "./receivables.js";

/** `IFinancedDocuments.Closure` by its uint8 value. */
export const DOCUMENT_CLOSURES = ["None", "Paid", "Cancelled"] as const;

/**
 * The register of financed documents (FinancedDocuments): each document by its keyed id with what is held and paid
 * against its face, and each application record's hold with how it closed.
 */
export const DOCUMENT_TABLES = [
  {
    kind: "versioned",
    name: "financed_documents",
    key: ["document_id"],
    columns: {
      document_id: "text",
      face: "numeric",
      currency: "text",
      financed: "numeric",
      paid: "numeric",
      open_holds: "integer",
      last_app: "text",
      last_record: "numeric",
    },
    indexes: [["last_app"]],
  },
  {
    kind: "versioned",
    name: "document_holds",
    key: ["document_id", "app", "record"],
    columns: {
      document_id: "text",
      app: "text",
      record: "numeric",
      financier: "bigint",
      amount: "numeric",
      status: "text",
      consent_account: "text",
      held_block: "bigint",
      held_tx: "text",
      closed_tx: "text",
    },
    indexes: [["app", "record"], ["financier"], ["status"]],
  },
] as const satisfies readonly TableSpec[];

async function setDocument(store: ProjectionStore, documentId: unknown, changes: Record<string, unknown>) {
  const current = await store.get("financed_documents", { document_id: documentId });
  if (current === undefined) throw new Error(`document ${String(documentId)} released before it was held`);
  store.put("financed_documents", { ...current, ...changes });
}

export default defineProjection({
  name: "documents",
  contracts: { FinancedDocuments: FinancedDocuments__factory.abi },
  tables: DOCUMENT_TABLES,
  migrations: [{ id: "documents/001_tables", sql: DOCUMENT_TABLES.map(createTableSql).join(";\n") }],
  handlers: {
    FinancedDocuments: {
      DocumentHeld: async (e, store) => {
        const key = { document_id: e.args.documentId };
        const current = await store.get<{ paid: string; open_holds: number }>("financed_documents", key);
        store.put("financed_documents", {
          ...key,
          face: e.args.face,
          currency: currencyCode(e.args.currency as string),
          financed: e.args.financed,
          paid: current?.paid ?? 0n,
          open_holds: (current?.open_holds ?? 0) + 1,
          last_app: e.args.app,
          last_record: e.args.record,
        });
        store.put("document_holds", {
          ...key,
          app: e.args.app,
          record: e.args.record,
          financier: Number(e.args.financier) === 0 ? null : e.args.financier,
          amount: e.args.amount,
          status: "Held",
          consent_account: null,
          held_block: e.blockNumber,
          held_tx: e.txHash,
          closed_tx: null,
        });
      },
      DocumentReleased: async (e, store) => {
        const key = { document_id: e.args.documentId, app: e.args.app, record: e.args.record };
        const hold = await store.get("document_holds", key);
        if (hold === undefined) throw new Error(`hold ${JSON.stringify(key)} released before it was held`);
        const consent = e.args.consentAccount as string;
        store.put("document_holds", {
          ...hold,
          status: DOCUMENT_CLOSURES[Number(e.args.closure)] ?? `Unknown(${String(e.args.closure)})`,
          consent_account: /^0x0+$/.test(consent) ? null : consent,
          closed_tx: e.txHash,
        });
        const document = await store.get<{ open_holds: number }>("financed_documents", {
          document_id: e.args.documentId,
        });
        await setDocument(store, e.args.documentId, {
          financed: e.args.financed,
          paid: e.args.paid,
          open_holds: Math.max(0, (document?.open_holds ?? 1) - 1),
        });
      },
    },
  },
});
