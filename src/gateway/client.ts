import { hexlify, keccak256, randomBytes, type Signer, type TypedDataDomain } from "ethers";
import { openEnvelope, parseEnvelope, type Hex } from "@consortia/sdk";
import type { GatewayErrorBody, GatewayErrorCode } from "./errors.js";
import {
  accessRecordPath,
  datasetPath,
  Headers,
  requestDigest,
  signAccessRecordRequest,
  signDataRequest,
  type AccessRecordRequest,
  type DataRequest,
} from "./request.js";
import type { Delivery } from "./store.js";
import { signer as storedRequestSigner } from "./trace.js";

/** One kept delivery of an access as `GET /accesses/{accessId}` returns it: the consumer's signed request and more. */
export type StoredRequest = Omit<Delivery, "tag" | "sourceRows">;

/** The answer of `GET /accesses/{accessId}`. */
export interface AccessRecord {
  accessId: string;
  /** Who asked, as the gateway saw it. */
  readBy: { account: string; member: number; as: "owner" | "auditor" };
  deliveries: StoredRequest[];
}

/**
 * The account that signed a stored request, recovered from its EIP-712 signature under its stored domain, or null
 * when it does not verify (the request's digest must also be its access id). Compare it with the consumer's account
 * and the `AccessRecorded` event on chain: the consumer cannot deny the access, and the gateway cannot invent one.
 */
export function verifyStoredRequest(stored: StoredRequest): string | null {
  return storedRequestSigner(stored);
}

/** What `GET /info` tells a client: the EIP-712 domain to sign under and the files served. */
export interface GatewayInfo {
  chainId: string;
  dataSharing: string;
  operator: string;
  ownerMember: number;
  files: { datasetId: string; version: number }[];
}

/** A refusal by the gateway, with its code (see `GatewayErrorCodes`). */
export class GatewayRequestError extends Error {
  readonly code: GatewayErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(status: number, body: GatewayErrorBody) {
    super(`${body.error.code}: ${body.error.message}`);
    this.name = "GatewayRequestError";
    this.code = body.error.code;
    this.status = status;
    this.details = body.error.details;
  }
}

/** A served dataset file and the proof of its on-chain access record. */
export interface DatasetResponse {
  /** The served bytes: a table view, or for a file an SDK envelope (JSON) sealed to the consumer member. */
  bytes: Uint8Array;
  contentType: string;
  /** The file's own content type when `bytes` is an envelope (open it with `openDelivery`). */
  sealedType?: string;
  version: number;
  /** EIP-712 digest of the signed request: the access's id on chain. */
  accessId: string;
  /** keccak256 of `bytes`, as recorded on chain. */
  resultHash: string;
  /** Hash of the `recordAccess` transaction. */
  transaction: string;
}

export interface FetchDatasetOptions {
  datasetId: bigint;
  grantId: bigint;
  /** keccak256 of the canonical purpose statement (the grant's purpose). */
  purpose: string;
  /** 0 or absent: the latest version. */
  version?: number;
  /** For tests: override the clock (unix seconds) and the nonce. */
  timestamp?: bigint;
  nonce?: string;
}

/** Builds and signs a request; returns the request and the headers that carry it. */
export async function signedRequest(
  signer: Signer,
  domain: TypedDataDomain,
  options: FetchDatasetOptions,
): Promise<{ request: DataRequest; headers: Record<string, string> }> {
  const version = options.version ?? 0;
  const request: DataRequest = {
    method: "GET",
    path: datasetPath(options.datasetId, version),
    datasetId: options.datasetId,
    version,
    grantId: options.grantId,
    purpose: options.purpose.toLowerCase(),
    timestamp: options.timestamp ?? BigInt(Math.floor(Date.now() / 1000)),
    nonce: (options.nonce ?? hexlify(randomBytes(32))).toLowerCase(),
  };
  const signature = await signDataRequest(signer, domain, request);
  return {
    request,
    headers: {
      [Headers.grant]: request.grantId.toString(),
      [Headers.purpose]: request.purpose,
      [Headers.timestamp]: request.timestamp.toString(),
      [Headers.nonce]: request.nonce,
      [Headers.signature]: signature,
    },
  };
}

/** A consumer's client of one owner's gateway: signs each request with the consumer's member account. */
export class GatewayClient {
  readonly url: string;
  readonly signer: Signer;
  readonly info: GatewayInfo;
  readonly domain: TypedDataDomain;

  private constructor(url: string, signer: Signer, info: GatewayInfo) {
    this.url = url.replace(/\/$/, "");
    this.signer = signer;
    this.info = info;
    this.domain = {
      name: "Consortia Data Gateway",
      version: "1",
      chainId: BigInt(info.chainId),
      verifyingContract: info.dataSharing,
    };
  }

  /** Reads the gateway's domain from `GET /info`. Pin `expectedDataSharing` to refuse a gateway of another deployment. */
  static async connect(url: string, signer: Signer, expectedDataSharing?: string): Promise<GatewayClient> {
    const response = await fetch(`${url.replace(/\/$/, "")}/info`);
    if (!response.ok) throw new Error(`gateway info: HTTP ${response.status}`);
    const info = (await response.json()) as GatewayInfo;
    if (expectedDataSharing !== undefined && info.dataSharing.toLowerCase() !== expectedDataSharing.toLowerCase()) {
      throw new Error(`gateway serves DataSharing ${info.dataSharing}, expected ${expectedDataSharing}`);
    }
    return new GatewayClient(url, signer, info);
  }

  /**
   * Fetches a dataset file. Throws `GatewayRequestError` on a refusal; checks that the bytes hash to the recorded
   * result hash and that the access id is the digest of the request it signed.
   */
  async fetchDataset(options: FetchDatasetOptions): Promise<DatasetResponse> {
    const { request, headers } = await signedRequest(this.signer, this.domain, options);
    const response = await fetch(`${this.url}${request.path}`, { headers });
    if (!response.ok) throw new GatewayRequestError(response.status, (await response.json()) as GatewayErrorBody);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const resultHash = response.headers.get(Headers.resultHash) ?? "";
    const accessId = response.headers.get(Headers.accessId) ?? "";
    if (keccak256(bytes) !== resultHash) throw new Error("served bytes do not match the recorded result hash");
    if (accessId !== requestDigest(this.domain, request)) throw new Error("access id is not this request's digest");
    const sealedType = response.headers.get(Headers.sealedType);
    return {
      bytes,
      contentType: response.headers.get("content-type") ?? "application/octet-stream",
      ...(sealedType === null ? {} : { sealedType }),
      version: Number(response.headers.get(Headers.version)),
      accessId,
      resultHash,
      transaction: response.headers.get(Headers.transaction) ?? "",
    };
  }

  /** The consumer's signed request(s) kept for an access; for the data owner and auditors (see `fetchAccessRecord`). */
  fetchAccessRecord(accessId: string, options?: { timestamp?: bigint; nonce?: string }): Promise<AccessRecord> {
    return fetchAccessRecord(this, accessId, options);
  }
}

/**
 * Reads the consumer's signed request(s) kept for an access, signed by `signer`: an account of the data owner or of an
 * auditor (`AUDITOR`). Throws `GatewayRequestError` on a refusal (`NOT_RECORD_READER`, `UNKNOWN_ACCESS`, ...). Connect
 * with `GatewayClient.connect(url, signer)` and call `client.fetchAccessRecord(accessId)`.
 */
export async function fetchAccessRecord(
  client: { url: string; signer: Signer; domain: TypedDataDomain },
  accessId: string,
  options: { timestamp?: bigint; nonce?: string } = {},
): Promise<AccessRecord> {
  const request: AccessRecordRequest = {
    method: "GET",
    path: accessRecordPath(accessId),
    accessId: accessId.toLowerCase(),
    timestamp: options.timestamp ?? BigInt(Math.floor(Date.now() / 1000)),
    nonce: (options.nonce ?? hexlify(randomBytes(32))).toLowerCase(),
  };
  const signature = await signAccessRecordRequest(client.signer, client.domain, request);
  const response = await fetch(`${client.url}${request.path}`, {
    headers: {
      [Headers.timestamp]: request.timestamp.toString(),
      [Headers.nonce]: request.nonce,
      [Headers.signature]: signature,
    },
  });
  if (!response.ok) throw new GatewayRequestError(response.status, (await response.json()) as GatewayErrorBody);
  const record = (await response.json()) as AccessRecord;
  if (record.deliveries.some((d) => d.accessId.toLowerCase() !== request.accessId)) {
    throw new Error("the gateway answered with a record of another access");
  }
  return record;
}

/**
 * The file inside a sealed delivery, opened with the consumer member's encryption key (the private half of the key its
 * member registered); a table view is returned as served. The envelope is bound to the access id.
 */
export async function openDelivery(
  served: DatasetResponse,
  reader: { memberId: number; privateKey: Uint8Array | Hex },
): Promise<Uint8Array> {
  if (served.sealedType === undefined) return served.bytes;
  const envelope = parseEnvelope(JSON.parse(new TextDecoder().decode(served.bytes)));
  if (envelope.aad !== hexlify(new TextEncoder().encode(served.accessId))) {
    throw new Error("the envelope is not bound to this access");
  }
  return openEnvelope(envelope, reader);
}
