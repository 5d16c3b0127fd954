/**
 * Authority attestations for trade background (AuthorityAttestations): tax bureaus, customs, courts, the business
 * registry and warehouses attest facts about keyed identifiers (an invoice key, a company key); each bank declares the
 * attestation kinds it requires before it finances, per financing application. Subjects are keyed hashes only: derive
 * an invoice key with `deriveDocumentKey`, a company key with `deriveSubjectKey`.
 */
import { AuthorityAttestations__factory } from "../typechain/factories/attestations/AuthorityAttestations__factory.js";
import type { AuthorityAttestations } from "../typechain/attestations/AuthorityAttestations.js";
import { defineClient, type ClientContext, type SendOptions } from "./define.js";

/** `IAuthorityAttestations.Kind`, by name. */
export const AttestationKind = {
  None: 0,
  InvoiceGenuine: 1,
  ExportDeclaration: 2,
  CompanyRegistered: 3,
  CourtJudgement: 4,
  CourtFreeze: 5,
  WarehouseReceipt: 6,
} as const;
export type AttestationKindName = Exclude<keyof typeof AttestationKind, "None">;
export const ATTESTATION_KINDS = Object.keys(AttestationKind).filter((k) => k !== "None") as AttestationKindName[];

/** `IAuthorityAttestations.Application`, by name: the financing steps a bank's policy covers. */
export const FinancingApplication = {
  None: 0,
  ReceivableFinancing: 1,
  LcHonour: 2,
  GuaranteeIssue: 3,
  ForfaitingPurchase: 4,
} as const;
export type FinancingApplicationName = Exclude<keyof typeof FinancingApplication, "None">;
export const FINANCING_APPLICATIONS = Object.keys(FinancingApplication).filter(
  (k) => k !== "None",
) as FinancingApplicationName[];

/** A policy's kind set (bit `1 << kind`) from kind names. */
export function policyKinds(...kinds: AttestationKindName[]): bigint {
  return kinds.reduce((set, kind) => set | (1n << BigInt(AttestationKind[kind])), 0n);
}

/** Kind names of a policy's kind set. */
export function kindsOfPolicy(kinds: bigint): AttestationKindName[] {
  return ATTESTATION_KINDS.filter((kind) => (kinds >> BigInt(AttestationKind[kind])) & 1n);
}

/** What an authority attests. Times are seconds since the epoch; `amount` in minor units of `currency`. */
export interface FactInput {
  kind: AttestationKindName;
  subjectKey: string;
  evidenceHash: string;
  validFrom: number;
  validUntil: number;
  factDate?: number;
  amount?: bigint;
  /** ISO 4217 code, e.g. "CNY" (needed with an amount). */
  currency?: string;
}

/** An attestation as the contract holds it, with its kind named. */
export interface AttestationView {
  id: bigint;
  kind: AttestationKindName;
  attester: number;
  account: string;
  subjectKey: string;
  evidenceHash: string;
  validFrom: number;
  validUntil: number;
  revokedAt: number;
  factDate: number;
  amount: bigint;
  currency: string;
}

const KIND_NAMES = Object.keys(AttestationKind) as (keyof typeof AttestationKind)[];

function currencyBytes(code: string | undefined): string {
  if (code === undefined || code === "") return "0x000000";
  if (!/^[A-Z]{3}$/.test(code)) throw new Error(`currency must be an ISO 4217 code such as CNY, not ${code}`);
  return `0x${[...code].map((c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("")}`;
}

function currencyText(bytes: string): string {
  if (bytes === "0x000000") return "";
  return [0, 2, 4].map((i) => String.fromCharCode(parseInt(bytes.slice(2 + i, 4 + i), 16))).join("");
}

export type AttestationsClient = ReturnType<typeof createAttestationsClient>;

function createAttestationsClient(context: ClientContext) {
  const contract: AuthorityAttestations = context.connect("AuthorityAttestations", AuthorityAttestations__factory);
  async function attestationOf(id: bigint): Promise<AttestationView> {
    const a = await contract.attestation(id);
    return {
      id,
      kind: KIND_NAMES[Number(a.kind)] as AttestationKindName,
      attester: Number(a.attester),
      account: a.account,
      subjectKey: a.subjectKey,
      evidenceHash: a.evidenceHash,
      validFrom: Number(a.validFrom),
      validUntil: Number(a.validUntil),
      revokedAt: Number(a.revokedAt),
      factDate: Number(a.factDate),
      amount: a.amount,
      currency: currencyText(a.currency),
    };
  }
  return {
    contract,
    address: context.address("AuthorityAttestations"),
    /** Attests a fact (the caller's member must hold the kind's authority role). Returns its id and the receipt. */
    async attest(fact: FactInput, options?: SendOptions) {
      const receipt = await context.send(
        contract,
        () =>
          contract.attest({
            kind: AttestationKind[fact.kind],
            subjectKey: fact.subjectKey,
            evidenceHash: fact.evidenceHash,
            validFrom: fact.validFrom,
            validUntil: fact.validUntil,
            factDate: fact.factDate ?? 0,
            amount: fact.amount ?? 0n,
            currency: currencyBytes(fact.currency),
          }),
        options,
      );
      for (const log of receipt.logs) {
        if (log.address.toLowerCase() !== contract.target.toString().toLowerCase()) continue;
        const parsed = contract.interface.parseLog(log);
        if (parsed?.name === "Attested") return { attestationId: parsed.args.attestationId as bigint, receipt };
      }
      throw new Error(`transaction ${receipt.hash} emitted no Attested`);
    },
    /** Revokes an attestation (its attester's accounts; governance through a proposal). */
    revoke: (id: bigint, reasonHash: string, options?: SendOptions) =>
      context.send(contract, () => contract.revoke(id, reasonHash), options),
    /** The caller's bank requires these kinds before financing under `application` (none: `[]`). */
    setPolicy: (application: FinancingApplicationName, kinds: AttestationKindName[], options?: SendOptions) =>
      context.send(
        contract,
        () => contract.setPolicy(FinancingApplication[application], policyKinds(...kinds)),
        options,
      ),
    /** A bank's required kinds for an application. */
    policyOf: async (bank: number, application: FinancingApplicationName) =>
      kindsOfPolicy(await contract.policyOf(bank, FinancingApplication[application])),
    /** The first kind the bank's policy requires that the subject lacks now (undefined: backed). */
    missingKind: async (bank: number, application: FinancingApplicationName, subjectKey: string) => {
      const kind = Number(await contract.missingKind(bank, FinancingApplication[application], subjectKey));
      return kind === 0 ? undefined : (KIND_NAMES[kind] as AttestationKindName);
    },
    /** One attestation. */
    attestationOf,
    /** The latest attestation of a kind on a subject (undefined: none). */
    latestOf: async (subjectKey: string, kind: AttestationKindName) => {
      const id = await contract.latestOf(subjectKey, AttestationKind[kind]);
      return id === 0n ? undefined : attestationOf(id);
    },
    /** Whether an attestation is valid now for financing by `bank` (0: any bank). */
    isValid: (id: bigint, bank = 0) => contract.isValid(id, bank),
  };
}

export default defineClient({
  contracts: { AuthorityAttestations: AuthorityAttestations__factory },
  enums: {
    "IAuthorityAttestations.Kind": KIND_NAMES,
    "IAuthorityAttestations.Application": Object.keys(FinancingApplication),
  },
  messages: {
    AttestationInvalid: (p) => `invalid ${p.field}`,
    AttestationUnknown: (p) => `no attestation ${p.attestationId}`,
    AttestationAlreadyRevoked: (p) => `attestation ${p.attestationId} was already revoked at ${p.revokedAt}`,
    AttestationNotAttester: (p) =>
      `${p.caller} (member ${p.callerMember}) may not revoke attestation ${p.attestationId}: only its attester ` +
      `(member ${p.attester}) or a governance vote may`,
    AttestationPolicyInvalid: (p) =>
      `policy kinds ${p.kinds} for ${p.application} are not allowed: a policy may require InvoiceGenuine, ` +
      `ExportDeclaration, CompanyRegistered and WarehouseReceipt only`,
    AttestationRequired: (p) =>
      `bank ${p.bank}'s policy for ${p.application} requires a valid ${p.kind} attestation on ${p.subjectKey} ` +
      `(latest: ${p.latest === "0" ? "none" : p.latest}) by an authority in standing other than the bank`,
  },
  create: createAttestationsClient,
});
