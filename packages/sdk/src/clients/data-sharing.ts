/**
 * Data sharing (DataSharing): dataset catalogue (hashes only), versions and file verification, access requests,
 * grants, refusals, revocations and delegations, the auto-grant policy, and the per-access audit trail; plus the
 * e-certificates (ECertificates, `certificates`): issue, replace, revoke, verify. Dates are unix seconds; scopes and
 * field masks are bitmasks (bit k = field k).
 */
import { ZeroHash, type ContractTransactionReceipt } from "ethers";
import { DataSharing__factory } from "../typechain/factories/data-sharing/DataSharing__factory.js";
import { ECertificates__factory } from "../typechain/factories/data-sharing/ECertificates__factory.js";
import type { DataSharing } from "../typechain/data-sharing/DataSharing.js";
import type { ECertificates } from "../typechain/data-sharing/ECertificates.js";
import { defineClient, type ClientContext, type SendOptions } from "./define.js";
import { eventArgs, eventsOf } from "./events.js";

export const CLASSIFICATION = ["Public", "Internal", "Confidential", "Secret"] as const;
export const DATASET_STATUS = ["None", "Active", "Retired"] as const;
export const HASH_KIND = ["ContentHash", "MerkleRoot"] as const;
export const GRANT_STATUS = ["None", "Requested", "Refused", "Active", "Revoked"] as const;
export const GRANT_VALIDITY = [
  "Valid",
  "Unknown",
  "NotActive",
  "Expired",
  "Revoked",
  "AncestorExpired",
  "AncestorRevoked",
  "DatasetRetired",
  "DelegatorInactive",
] as const;
export const SENSITIVE_OPERATION = [
  "Register",
  "PublishVersion",
  "Reclassify",
  "SetPolicy",
  "Retire",
  "Grant",
  "Refuse",
  "Revoke",
  "Delegate",
] as const;
export const E_CERTIFICATE_STATUS = ["None", "Active", "Revoked", "Replaced"] as const;
export const E_CERTIFICATE_VALIDITY = ["Unknown", "Valid", "NotYetValid", "Expired", "Revoked", "Replaced"] as const;

export type ClassificationName = (typeof CLASSIFICATION)[number];
export type HashKindName = (typeof HASH_KIND)[number];
export type GrantStatusName = (typeof GRANT_STATUS)[number];
export type GrantValidityName = (typeof GRANT_VALIDITY)[number];
export type ECertificateValidityName = (typeof E_CERTIFICATE_VALIDITY)[number];

export interface DatasetInput {
  /** keccak-256 of the file, or the Merkle root of a set of files (`hashKind: "MerkleRoot"`). */
  contentHash: string;
  hashKind?: HashKindName;
  /** Hash of the canonical metadata document (lists the fields). */
  metadataHash: string;
  classification: ClassificationName;
  /** One bit per field (at most 64). */
  fieldMask: bigint;
}

export interface VersionInput {
  contentHash: string;
  hashKind?: HashKindName;
  metadataHash: string;
}

export interface GrantTermsInput {
  scope: bigint;
  expiresAt: bigint | number;
  mayDelegate?: boolean;
}

/** Who is granted at once: member kinds (`MemberKind` values), roles all required (`roleSet(...)`), scope, duration. */
export interface AutoGrantPolicyInput {
  memberKinds: number[];
  requiredRoles?: bigint;
  maxScope: bigint;
  /** Seconds a policy grant lasts. */
  duration: number;
  mayDelegate?: boolean;
  /**
   * Purpose hashes (keccak-256 of the canonical purpose statements) a request must declare to be granted: 1 to
   * `MAX_POLICY_PURPOSES` (8) distinct hashes while enabled, none (the default) to disable. A request the policy
   * covers with another purpose waits for the owner, as any request the policy does not cover.
   */
  allowedPurposes?: string[];
}

export interface AccessInput {
  /** EIP-712 digest of the consumer's signed request. */
  accessId: string;
  grantId: bigint;
  datasetId: bigint;
  version: number;
  consumerAccount: string;
  /** keccak-256 of exactly the bytes served. */
  resultHash: string;
}

export interface ECertificateTermsInput {
  /** Keyed hash (HMAC with the consortium key) of the holder's identifier. */
  holderHash: string;
  kind: number;
  documentHash: string;
  validFrom: bigint | number;
  validUntil: bigint | number;
}

const hashKindOf = (name: HashKindName | undefined): number => HASH_KIND.indexOf(name ?? "ContentHash");

function enumIndex<T extends string>(labels: readonly T[], value: T, what: string): number {
  const index = labels.indexOf(value);
  if (index < 0) throw new Error(`unknown ${what} "${value}": expected one of ${labels.join(", ")}`);
  return index;
}

/** Member kinds (1..7) as the policy's bitmask (bit k = `MemberKind(k)`). */
export function memberKindMask(kinds: number[]): number {
  return kinds.reduce((mask, kind) => {
    if (!Number.isInteger(kind) || kind < 1 || kind > 7) throw new Error(`member kind ${kind} is not 1..7`);
    return mask | (1 << kind);
  }, 0);
}

export type DataSharingClient = ReturnType<typeof createDataSharingClient>;

function createDataSharingClient(context: ClientContext) {
  const data: DataSharing = context.connect("DataSharing", DataSharing__factory);
  const certs: ECertificates = context.connect("ECertificates", ECertificates__factory);
  const dataAddress = context.address("DataSharing");
  const certsAddress = context.address("ECertificates");
  const send = (transaction: () => ReturnType<DataSharing["retireDataset"]>, options?: SendOptions) =>
    context.send(data, transaction, options);
  const sendCerts = (transaction: () => ReturnType<ECertificates["revoke"]>, options?: SendOptions) =>
    context.send(certs, transaction, options);
  const dataEvent = (receipt: ContractTransactionReceipt, name: string) =>
    eventArgs(receipt, dataAddress, data.interface, name);

  async function dataset(datasetId: bigint) {
    const d = await data.dataset(datasetId);
    return {
      id: datasetId,
      owner: Number(d.owner),
      status: DATASET_STATUS[Number(d.status)],
      classification: CLASSIFICATION[Number(d.classification)],
      latestVersion: Number(d.latestVersion),
      fieldMask: d.fieldMask,
      accessCount: d.accessCount,
      accessHead: d.accessHead,
      sensitiveCount: Number(d.sensitiveCount),
      sensitiveHead: d.sensitiveHead,
    };
  }

  async function grant(grantId: bigint) {
    const [g, validity] = await Promise.all([data.grant(grantId), data.grantValidity(grantId)]);
    return {
      id: grantId,
      datasetId: g.datasetId,
      grantee: Number(g.grantee),
      parentId: g.parentId,
      depth: Number(g.depth),
      status: GRANT_STATUS[Number(g.status)],
      validity: GRANT_VALIDITY[Number(validity)],
      scope: g.scope,
      mayDelegate: g.mayDelegate,
      purposeHash: g.purposeHash,
      requestedAt: Number(g.requestedAt),
      grantedAt: Number(g.grantedAt),
      expiresAt: Number(g.expiresAt),
      revokedAt: Number(g.revokedAt),
    };
  }

  /** The dataset's access log from its `AccessRecorded` events, in order. */
  async function accessLog(datasetId: bigint) {
    const events = await data.queryFilter(data.filters.AccessRecorded());
    return events
      .filter((event) => event.args.datasetId === datasetId)
      .map((event) => ({
        seq: event.args.seq,
        accessId: event.args.accessId,
        grantId: event.args.grantId,
        version: Number(event.args.version),
        consumer: Number(event.args.consumer),
        consumerAccount: event.args.consumerAccount,
        purposeHash: event.args.purposeHash,
        resultHash: event.args.resultHash,
        blockNumber: event.blockNumber,
        transactionHash: event.transactionHash,
      }))
      .sort((a, b) => (a.seq < b.seq ? -1 : 1));
  }

  async function eCertificate(certificateId: bigint) {
    const c = await certs.certificate(certificateId);
    return {
      id: certificateId,
      issuer: Number(c.issuer),
      kind: Number(c.kind),
      status: E_CERTIFICATE_STATUS[Number(c.status)],
      holderHash: c.holderHash,
      documentHash: c.documentHash,
      validFrom: Number(c.validFrom),
      validUntil: Number(c.validUntil),
      root: c.root,
      replaces: c.replaces,
      replacedBy: c.replacedBy,
      issuedAt: Number(c.issuedAt),
      endedAt: Number(c.endedAt),
    };
  }

  const certTerms = (terms: ECertificateTermsInput) => ({
    holderHash: terms.holderHash,
    kind: terms.kind,
    documentHash: terms.documentHash,
    validFrom: BigInt(terms.validFrom),
    validUntil: BigInt(terms.validUntil),
  });

  return {
    contract: data,
    address: dataAddress,
    // --- catalogue
    /** The owner (DATA_OWNER) registers a dataset with version 1. Returns its id. */
    async registerDataset(input: DatasetInput, options?: SendOptions) {
      const receipt = await send(
        () =>
          data.registerDataset(
            input.contentHash,
            hashKindOf(input.hashKind),
            input.metadataHash,
            enumIndex(CLASSIFICATION, input.classification, "classification"),
            input.fieldMask,
          ),
        options,
      );
      return { datasetId: dataEvent(receipt, "DatasetRegistered").datasetId as bigint, version: 1, receipt };
    },
    /** Publishes a new version; returns its number. */
    async publishVersion(datasetId: bigint, input: VersionInput, options?: SendOptions) {
      const receipt = await send(
        () => data.publishVersion(datasetId, input.contentHash, hashKindOf(input.hashKind), input.metadataHash),
        options,
      );
      return { version: Number(dataEvent(receipt, "VersionPublished").version), receipt };
    },
    setClassification: (datasetId: bigint, classification: ClassificationName, options?: SendOptions) =>
      send(
        () => data.setClassification(datasetId, enumIndex(CLASSIFICATION, classification, "classification")),
        options,
      ),
    retireDataset: (datasetId: bigint, options?: SendOptions) => send(() => data.retireDataset(datasetId), options),
    /** Sets (or with `memberKinds: []` disables) the auto-grant policy of a dataset. */
    setAutoGrantPolicy: (datasetId: bigint, policy: AutoGrantPolicyInput, options?: SendOptions) =>
      send(
        () =>
          data.setAutoGrantPolicy(
            datasetId,
            {
              memberKinds: memberKindMask(policy.memberKinds),
              mayDelegate: policy.mayDelegate ?? false,
              duration: policy.duration,
              requiredRoles: policy.requiredRoles ?? 0n,
              maxScope: policy.maxScope,
            },
            policy.allowedPurposes ?? [],
          ),
        options,
      ),
    // --- grants
    /** The consumer (DATA_CONSUMER) asks; returns the grant id and whether the policy granted it at once. */
    async requestAccess(datasetId: bigint, purposeHash: string, scope: bigint, options?: SendOptions) {
      const receipt = await send(() => data.requestAccess(datasetId, purposeHash, scope), options);
      const grantId = dataEvent(receipt, "AccessRequested").grantId as bigint;
      const [granted] = eventsOf(receipt, dataAddress, data.interface, "AccessGranted");
      return { grantId, granted: granted !== undefined, receipt };
    },
    /** The owner grants a request, possibly narrowing the scope. */
    grantAccess: (grantId: bigint, terms: GrantTermsInput, options?: SendOptions) =>
      send(() => data.grantAccess(grantId, terms.scope, BigInt(terms.expiresAt), terms.mayDelegate ?? false), options),
    refuseAccess: (grantId: bigint, reasonHash: string = ZeroHash, options?: SendOptions) =>
      send(() => data.refuseAccess(grantId, reasonHash), options),
    /** The owner grants member `grantee` without a request; returns the grant id. */
    async grantDirect(
      datasetId: bigint,
      grantee: number,
      purposeHash: string,
      terms: GrantTermsInput,
      options?: SendOptions,
    ) {
      const receipt = await send(
        () =>
          data.grantDirect(
            datasetId,
            grantee,
            purposeHash,
            terms.scope,
            BigInt(terms.expiresAt),
            terms.mayDelegate ?? false,
          ),
        options,
      );
      return { grantId: dataEvent(receipt, "AccessGranted").grantId as bigint, receipt };
    },
    /** A grantee passes (part of) its access on to member `grantee`; returns the child grant's id. */
    async delegateAccess(parentId: bigint, grantee: number, terms: GrantTermsInput, options?: SendOptions) {
      const receipt = await send(
        () => data.delegateAccess(parentId, grantee, terms.scope, BigInt(terms.expiresAt), terms.mayDelegate ?? false),
        options,
      );
      return { grantId: dataEvent(receipt, "AccessGranted").grantId as bigint, receipt };
    },
    /** Owner, delegator or grantee revokes; the whole subtree dies with it. */
    revokeAccess: (grantId: bigint, reasonHash: string = ZeroHash, options?: SendOptions) =>
      send(() => data.revokeAccess(grantId, reasonHash), options),
    /** The owner's gateway records an access before serving it; returns its place in the dataset's log. */
    async recordAccess(access: AccessInput, options?: SendOptions) {
      const receipt = await send(
        () =>
          data.recordAccess(
            access.accessId,
            access.grantId,
            access.datasetId,
            access.version,
            access.consumerAccount,
            access.resultHash,
          ),
        options,
      );
      return { seq: dataEvent(receipt, "AccessRecorded").seq as bigint, receipt };
    },
    // --- views
    dataset,
    version: async (datasetId: bigint, version: number) => {
      const v = await data.version(datasetId, version);
      return {
        datasetId,
        version,
        contentHash: v.contentHash,
        metadataHash: v.metadataHash,
        hashKind: HASH_KIND[Number(v.hashKind)],
        publishedAt: Number(v.publishedAt),
      };
    },
    verifyFile: (datasetId: bigint, version: number, fileHash: string) => data.verifyFile(datasetId, version, fileHash),
    verifyFileInTree: (datasetId: bigint, version: number, fileHash: string, proof: string[]) =>
      data.verifyFileInTree(datasetId, version, fileHash, proof),
    autoGrantPolicy: async (datasetId: bigint) => {
      const [p, purposes] = await Promise.all([data.autoGrantPolicy(datasetId), data.autoGrantPurposes(datasetId)]);
      const mask = Number(p.memberKinds);
      return {
        allowedPurposes: [...purposes],
        memberKinds: [1, 2, 3, 4, 5, 6, 7].filter((kind) => (mask & (1 << kind)) !== 0),
        requiredRoles: p.requiredRoles,
        maxScope: p.maxScope,
        duration: Number(p.duration),
        mayDelegate: p.mayDelegate,
      };
    },
    grant,
    grantValidity: async (grantId: bigint) => GRANT_VALIDITY[Number(await data.grantValidity(grantId))],
    accessLog,
    datasetCount: () => data.datasetCount(),
    grantCount: () => data.grantCount(),
    // --- e-certificates
    certificates: {
      contract: certs,
      address: certsAddress,
      /** The agency (CERTIFICATE_ISSUER) issues; returns the certificate id (its reference). */
      async issue(terms: ECertificateTermsInput, options?: SendOptions) {
        const receipt = await sendCerts(() => certs.issue(certTerms(terms)), options);
        const event = eventArgs(receipt, certsAddress, certs.interface, "CertificateIssued");
        return { certificateId: event.certificateId as bigint, receipt };
      },
      /** The issuing agency replaces a certificate; returns the new id (same lineage root). */
      async replace(certificateId: bigint, terms: ECertificateTermsInput, reasonHash: string, options?: SendOptions) {
        const receipt = await sendCerts(() => certs.replace(certificateId, certTerms(terms), reasonHash), options);
        const event = eventArgs(receipt, certsAddress, certs.interface, "CertificateReplaced");
        return { newId: event.replacedBy as bigint, receipt };
      },
      revoke: (certificateId: bigint, reasonHash: string = ZeroHash, options?: SendOptions) =>
        sendCerts(() => certs.revoke(certificateId, reasonHash), options),
      /** Anyone verifies: validity now and the latest id of the lineage; with holder and document, whether they match. */
      async verify(certificateId: bigint, presented?: { holderHash: string; documentHash: string }) {
        if (presented === undefined) {
          const [validity, latestId] = await certs.verify(certificateId);
          return { certificateId, validity: E_CERTIFICATE_VALIDITY[Number(validity)], latestId };
        }
        const [validity, matches, latestId] = await certs.verifyDocument(
          certificateId,
          presented.holderHash,
          presented.documentHash,
        );
        return { certificateId, validity: E_CERTIFICATE_VALIDITY[Number(validity)], latestId, matches };
      },
      certificate: eCertificate,
      latestOf: (certificateId: bigint) => certs.latestOf(certificateId),
      count: () => certs.certificateCount(),
    },
  };
}

export default defineClient({
  contracts: { DataSharing: DataSharing__factory, ECertificates: ECertificates__factory },
  enums: {
    "IDataSharing.Classification": CLASSIFICATION,
    "IDataSharing.DatasetStatus": DATASET_STATUS,
    "IDataSharing.HashKind": HASH_KIND,
    "IDataSharing.GrantStatus": GRANT_STATUS,
    "IDataSharing.GrantValidity": GRANT_VALIDITY,
    "IECertificates.CertificateStatus": E_CERTIFICATE_STATUS,
  },
  messages: {
    UnknownDataset: (p) => `no dataset ${p.datasetId}`,
    DatasetWrongStatus: (p) => `dataset ${p.datasetId} is ${p.current}, expected ${p.expected}`,
    NotDatasetOwner: (p) => `member ${p.memberId} does not own dataset ${p.datasetId} (member ${p.owner} does)`,
    UnknownVersion: (p) => `dataset ${p.datasetId} has no version ${p.version} (latest ${p.latestVersion})`,
    UnknownGrant: (p) => `no grant ${p.grantId}`,
    GrantWrongStatus: (p) => `grant ${p.grantId} is ${p.current}, expected ${p.expected}`,
    GrantNotValid: (p) => `grant ${p.grantId} is not valid: ${p.validity}`,
    GrantForOtherDataset: (p) => `grant ${p.grantId} is for dataset ${p.grantDatasetId}, not ${p.datasetId}`,
    NotGrantee: (p) => `member ${p.memberId} is not the grantee of grant ${p.grantId} (member ${p.grantee})`,
    NotRevoker: (p) => `member ${p.memberId} may not revoke grant ${p.grantId}`,
    ScopeNotAllowed: (p) => `scope ${p.scope} exceeds the allowed ${p.allowed}`,
    ExpiryNotAllowed: (p) => `expiry ${p.expiresAt} is not allowed (limit ${p.limit})`,
    DelegationNotAllowed: (p) => `grant ${p.parentId} may not be delegated`,
    DelegationTooDeep: (p) => `grant ${p.parentId} is at depth ${p.depth}: no deeper delegation`,
    NotEligibleGrantee: (p) => `member ${p.memberId} may not be granted access (DATA_CONSUMER, active)`,
    TooManyPolicyPurposes: (p) => `${p.count} allowed purposes: at most ${p.max}`,
    UnknownCertificate: (p) => `no certificate ${p.certificateId}`,
    NotIssuer: (p) => `member ${p.memberId} did not issue certificate ${p.certificateId} (member ${p.issuer} did)`,
    CertificateWrongStatus: (p) => `certificate ${p.certificateId} is ${p.current}, expected ${p.expected}`,
    InvalidValidity: (p) => `validity from ${p.validFrom} until ${p.validUntil} is empty`,
  },
  create: createDataSharingClient,
});
