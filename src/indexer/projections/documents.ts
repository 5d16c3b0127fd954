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

/**
 * Duplicate-financing attempts the register refused (`FinancingRefused`: a bank's recorded check, or an application
 * step that records instead of reverting) and every recorded check (`FinancingChecked`): facts, never changed.
 */
export const DOCUMENT_ATTEMPT_TABLES = [
  {
    kind: "append",
    name: "financing_refusals",
    columns: {
      document_id: "text",
      member: "bigint",
      /** The application whose step tried (null: the bank's own check). */
      app: "text",
      record: "numeric",
      amount: "numeric",
      face: "numeric",
      currency: "text",
      financed: "numeric",
      paid: "numeric",
      holder_app: "text",
      holder_record: "numeric",
      block_time: "bigint",
    },
    indexes: [["member"], ["document_id"]],
  },
  {
    kind: "append",
    name: "financing_checks",
    columns: {
      document_id: "text",
      member: "bigint",
      account: "text",
      financeable: "boolean",
      amount: "numeric",
      block_time: "bigint",
    },
    indexes: [["member"], ["document_id"]],
  },
] as const satisfies readonly TableSpec[];

const zeroToNull = (address: unknown) => (/^0x0+$/.test(address as string) ? null : (address as string));

async function setDocument(store: ProjectionStore, documentId: unknown, changes: Record<string, unknown>) {
  const current = await store.get("financed_documents", { document_id: documentId });
  if (current === undefined) throw new Error(`document ${String(documentId)} released before it was held`);
  store.put("financed_documents", { ...current, ...changes });
}

export default defineProjection({
  name: "documents",
  contracts: { FinancedDocuments: FinancedDocuments__factory.abi },
  tables: [...DOCUMENT_TABLES, ...DOCUMENT_ATTEMPT_TABLES],
  migrations: [
    { id: "documents/001_tables", sql: DOCUMENT_TABLES.map(createTableSql).join(";\n") },
    { id: "documents/002_financing_attempts", sql: DOCUMENT_ATTEMPT_TABLES.map(createTableSql).join(";\n") },
  ],
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
      FinancingRefused: (e, store) => {
        const app = zeroToNull(e.args.app);
        store.append("financing_refusals", {
          document_id: e.args.documentId,
          member: e.args.member,
          app,
          record: app === null ? null : e.args.record,
          amount: e.args.amount,
          face: e.args.face,
          currency: currencyCode(e.args.currency as string),
          financed: e.args.financed,
          paid: e.args.paid,
          holder_app: zeroToNull(e.args.holderApp),
          holder_record: zeroToNull(e.args.holderApp) === null ? null : e.args.holderRecord,
          block_time: e.blockTime ?? null,
        });
      },
      FinancingChecked: (e, store) => {
        store.append("financing_checks", {
          document_id: e.args.documentId,
          member: e.args.member,
          account: e.args.account,
          financeable: e.args.financeable,
          amount: e.args.amount,
          block_time: e.blockTime ?? null,
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
