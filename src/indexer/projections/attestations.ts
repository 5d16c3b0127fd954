import { AuthorityAttestations__factory } from "@consortia/sdk/typechain/factories/attestations/AuthorityAttestations__factory.js";
import { createTableSql, defineProjection, type ProjectionStore, type TableSpec } from "../projection.js";
import { onPaused, onUnpaused } from "./platform.js";
import { currencyCode } from "./receivables.js";

/** Enum names of IAuthorityAttestations, by their uint8 value. */
export const ATTESTATION_KINDS = [
  "None",
  "InvoiceGenuine",
  "ExportDeclaration",
  "CompanyRegistered",
  "CourtJudgement",
  "CourtFreeze",
  "WarehouseReceipt",
] as const;
export const FINANCING_APPLICATIONS = [
  "None",
  "ReceivableFinancing",
  "LcHonour",
  "GuaranteeIssue",
  "ForfaitingPurchase",
] as const;

/** Kind names of a policy's kind set (bit `1 << kind`). */
export function policyKindNames(kinds: bigint): string[] {
  return ATTESTATION_KINDS.filter((_, i) => i > 0 && (kinds >> BigInt(i)) & 1n);
}

/**
 * Authority attestations (AuthorityAttestations): every attestation with its subject key (a keyed hash: an invoice
 * key, a company key), validity period and revocation; and each bank's financing policy per application. The API
 * joins the attestations to receivables (invoice key), LC presentations, guarantees and forfaiting offers by subject
 * key. Validity against the clock and the attester's standing is computed at query time.
 */
export const ATTESTATION_TABLES = [
  {
    kind: "versioned",
    name: "attestations",
    key: ["attestation_id"],
    columns: {
      attestation_id: "bigint",
      subject_key: "text",
      kind: "text",
      attester: "bigint",
      account: "text",
      evidence_hash: "text",
      valid_from: "bigint",
      valid_until: "bigint",
      fact_date: "bigint",
      amount: "numeric",
      currency: "text",
      supersedes: "bigint",
      superseded_by: "bigint",
      revoked: "boolean",
      revoked_block: "bigint",
      revoked_by_governance: "boolean",
      revoke_reason_hash: "text",
      attested_block: "bigint",
      attested_tx: "text",
    },
    indexes: [["subject_key", "kind"], ["attester"]],
  },
  {
    kind: "versioned",
    name: "financing_policies",
    key: ["bank", "application"],
    columns: { bank: "bigint", application: "text", kinds: "numeric", kind_names: "jsonb", account: "text" },
    indexes: [["application"]],
  },
] as const satisfies readonly TableSpec[];

async function setAttestation(store: ProjectionStore, id: unknown, changes: Record<string, unknown>): Promise<void> {
  const current = await store.get("attestations", { attestation_id: id });
  if (current === undefined) throw new Error(`attestation ${String(id)} changed before it was attested`);
  store.put("attestations", { ...current, ...changes });
}

export default defineProjection({
  name: "attestations",
  contracts: { AuthorityAttestations: AuthorityAttestations__factory.abi },
  tables: ATTESTATION_TABLES,
  migrations: [{ id: "attestations/001_tables", sql: ATTESTATION_TABLES.map(createTableSql).join(";\n") }],
  handlers: {
    AuthorityAttestations: {
      Attested: async (e, store) => {
        const superseded = BigInt(e.args.superseded as bigint);
        const fact = e.args.fact as {
          kind: bigint;
          evidenceHash: string;
          validFrom: bigint;
          validUntil: bigint;
          factDate: bigint;
          amount: bigint;
          currency: string;
        };
        store.put("attestations", {
          attestation_id: e.args.attestationId,
          subject_key: e.args.subjectKey,
          kind: ATTESTATION_KINDS[Number(fact.kind)],
          attester: e.args.attester,
          account: e.args.account,
          evidence_hash: fact.evidenceHash,
          valid_from: fact.validFrom,
          valid_until: fact.validUntil,
          fact_date: fact.factDate,
          amount: fact.amount,
          currency: BigInt(fact.amount) === 0n ? null : currencyCode(fact.currency),
          supersedes: superseded === 0n ? null : superseded,
          superseded_by: null,
          revoked: false,
          revoked_block: null,
          revoked_by_governance: null,
          revoke_reason_hash: null,
          attested_block: e.blockNumber,
          attested_tx: e.txHash,
        });
        if (superseded !== 0n) await setAttestation(store, superseded, { superseded_by: e.args.attestationId });
      },
      AttestationRevoked: async (e, store) => {
        await setAttestation(store, e.args.attestationId, {
          revoked: true,
          revoked_block: e.blockNumber,
          revoked_by_governance: e.args.byGovernance,
          revoke_reason_hash: e.args.reasonHash,
        });
      },
      FinancingPolicySet: (e, store) => {
        const kinds = BigInt(e.args.kinds as bigint);
        store.put("financing_policies", {
          bank: e.args.bank,
          application: FINANCING_APPLICATIONS[Number(e.args.application)],
          kinds,
          kind_names: policyKindNames(kinds),
          account: e.args.account,
        });
      },
      Paused: onPaused,
      Unpaused: onUnpaused,
    },
  },
});
