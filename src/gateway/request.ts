import { TypedDataEncoder, verifyTypedData, type Signer, type TypedDataDomain } from "ethers";

/** EIP-712 domain name and version of data requests: bound to one chain and one DataSharing deployment. */
export const GATEWAY_DOMAIN_NAME = "Consortia Data Gateway";
export const GATEWAY_DOMAIN_VERSION = "1";

/** Header names of a signed data request. */
export const Headers = {
  grant: "x-consortia-grant",
  purpose: "x-consortia-purpose",
  timestamp: "x-consortia-timestamp",
  nonce: "x-consortia-nonce",
  signature: "x-consortia-signature",
  accessId: "x-consortia-access-id",
  resultHash: "x-consortia-result-hash",
  version: "x-consortia-version",
  transaction: "x-consortia-transaction",
  /** On a sealed delivery: the content type of the file inside the envelope. */
  sealedType: "x-consortia-sealed-type",
} as const;

/** The EIP-712 type a consumer signs. `version` 0 asks for the latest version. */
export const DATA_REQUEST_TYPES = {
  DataRequest: [
    { name: "method", type: "string" },
    { name: "path", type: "string" },
    { name: "datasetId", type: "uint64" },
    { name: "version", type: "uint32" },
    { name: "grantId", type: "uint64" },
    { name: "purpose", type: "bytes32" },
    { name: "timestamp", type: "uint64" },
    { name: "nonce", type: "bytes32" },
  ],
};

/** A consumer's request for a dataset, as signed. */
export interface DataRequest {
  method: string;
  path: string;
  datasetId: bigint;
  version: number;
  grantId: bigint;
  /** keccak256 of the canonical purpose statement: must equal the grant's purpose. */
  purpose: string;
  /** Unix seconds when the request was made; the gateway rejects it outside its clock-skew window. */
  timestamp: bigint;
  /** 32 random bytes, never reused: the gateway rejects a replay. */
  nonce: string;
}

/** The domain of a DataSharing deployment. */
export function gatewayDomain(chainId: bigint | number, dataSharing: string): TypedDataDomain {
  return {
    name: GATEWAY_DOMAIN_NAME,
    version: GATEWAY_DOMAIN_VERSION,
    chainId,
    verifyingContract: dataSharing,
  };
}

/** The path a request for a dataset (and optionally a version) is sent to. */
export function datasetPath(datasetId: bigint, version = 0): string {
  return version === 0 ? `/datasets/${datasetId}` : `/datasets/${datasetId}/versions/${version}`;
}

/** EIP-712 digest of a request: the access id recorded on chain. */
export function requestDigest(domain: TypedDataDomain, request: DataRequest): string {
  return TypedDataEncoder.hash(domain, DATA_REQUEST_TYPES, request);
}

/** The account that signed a request (throws on a malformed signature). */
export function recoverRequester(domain: TypedDataDomain, request: DataRequest, signature: string): string {
  return verifyTypedData(domain, DATA_REQUEST_TYPES, request, signature);
}

/**
 * The EIP-712 type the data owner or an auditor signs to read the stored signed request(s) of an access
 * (`GET /accesses/{accessId}`), in the same domain as data requests.
 */
export const ACCESS_RECORD_REQUEST_TYPES = {
  AccessRecordRequest: [
    { name: "method", type: "string" },
    { name: "path", type: "string" },
    { name: "accessId", type: "bytes32" },
    { name: "timestamp", type: "uint64" },
    { name: "nonce", type: "bytes32" },
  ],
};

/** A request for the stored record of an access, as signed. */
export interface AccessRecordRequest {
  method: string;
  path: string;
  /** The access id (the EIP-712 digest of the consumer's data request, as recorded on chain). */
  accessId: string;
  /** Unix seconds; rejected outside the gateway's clock-skew window. */
  timestamp: bigint;
  /** 32 random bytes, never reused. */
  nonce: string;
}

/** The path the record of an access is read from. */
export function accessRecordPath(accessId: string): string {
  return `/accesses/${accessId.toLowerCase()}`;
}

/** The account that signed a request for an access record (throws on a malformed signature). */
export function recoverRecordReader(domain: TypedDataDomain, request: AccessRecordRequest, signature: string): string {
  return verifyTypedData(domain, ACCESS_RECORD_REQUEST_TYPES, request, signature);
}

/** Signs a request for an access record with an account of the data owner or of an auditor. */
export async function signAccessRecordRequest(
  signer: Signer,
  domain: TypedDataDomain,
  request: AccessRecordRequest,
): Promise<string> {
  return signer.signTypedData(domain, ACCESS_RECORD_REQUEST_TYPES, request);
}

/** Signs a request with a consumer member's account. */
export async function signDataRequest(signer: Signer, domain: TypedDataDomain, request: DataRequest): Promise<string> {
  return signer.signTypedData(domain, DATA_REQUEST_TYPES, request);
}
