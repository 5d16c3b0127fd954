import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { AddressInfo } from "node:net";
import {
  isError,
  JsonRpcProvider,
  keccak256,
  Wallet,
  type ContractTransactionResponse,
  type TypedDataDomain,
} from "ethers";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { z } from "zod";
import { ConsortiumRegistry__factory } from "@consortia/sdk/typechain/factories/platform/ConsortiumRegistry__factory.js";
import { DataSharing__factory } from "@consortia/sdk/typechain/factories/data-sharing/DataSharing__factory.js";
import type { ConsortiumRegistry, DataSharing } from "@consortia/sdk/typechain";
import { ManagedSigner, Roles, sealEnvelope, type Hex } from "@consortia/sdk";
import type { GatewayConfig, ManifestEntry } from "./config.js";
import { GatewayConfigError, GatewayError, type GatewayErrorCode } from "./errors.js";
import { deliveryTag, fingerprintKey, ROW_REF_COLUMN, rowRef, watermarkText } from "./fingerprint.js";
import { MetadataError, parseMetadata, type FilesMetadata, type TableMetadata } from "./metadata.js";
import { NonceCache } from "./nonces.js";
import {
  accessRecordPath,
  gatewayDomain,
  Headers,
  recoverRecordReader,
  recoverRequester,
  requestDigest,
  type DataRequest,
} from "./request.js";
import { openStore, type Delivery, type GatewayStore } from "./store.js";
import { checkTableAgainstMetadata, readTable, selectView, TableError, writeView, type Table } from "./table.js";

/** `IDataSharing.GrantValidity` order, mapped to the refusal it causes (Valid maps to nothing). */
const VALIDITY_REFUSALS: (GatewayErrorCode | null)[] = [
  null,
  "UNKNOWN_GRANT",
  "GRANT_NOT_ACTIVE",
  "GRANT_EXPIRED",
  "GRANT_REVOKED",
  "ANCESTOR_EXPIRED",
  "ANCESTOR_REVOKED",
  "DATASET_RETIRED",
];
const HASH_KIND_MERKLE = 1n;
/** Content type of a sealed delivery (an SDK envelope, JSON); the file's own type is in `x-consortia-sealed-type`. */
export const SEALED_CONTENT_TYPE = "application/vnd.consortia.envelope+json";
/** Text types that take a watermark line without changing what the file means. */
const WATERMARKED_TYPES = /^text\/(plain|markdown)\b/;
const MAX_UINT64 = 2n ** 64n - 1n;

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
const RequestHeadersSchema = z.object({
  [Headers.grant]: z.string().regex(/^[1-9][0-9]{0,19}$/, "a grant id"),
  [Headers.purpose]: hex32,
  [Headers.timestamp]: z.string().regex(/^[0-9]{1,12}$/, "unix seconds"),
  [Headers.nonce]: hex32,
  [Headers.signature]: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "a 65-byte signature"),
});
const RecordHeadersSchema = z.object({
  [Headers.timestamp]: z.string().regex(/^[0-9]{1,12}$/, "unix seconds"),
  [Headers.nonce]: hex32,
  [Headers.signature]: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "a 65-byte signature"),
});
const RecordParamsSchema = z.object({ accessId: hex32 });
const ParamsSchema = z.object({
  datasetId: z.string().regex(/^[1-9][0-9]{0,19}$/, "a dataset id"),
  version: z
    .string()
    .regex(/^[1-9][0-9]{0,9}$/, "a version number")
    .refine((v) => Number(v) <= 0xffffffff, "a version number")
    .optional(),
});

/** What a file releases per scope bit, from its version's metadata document (none: the file is one indivisible unit). */
type FileContent =
  | { kind: "whole" }
  | { kind: "table"; metadata: TableMetadata; table: Table }
  | { kind: "files"; metadata: FilesMetadata; bits: bigint };

interface ServedFile {
  entry: ManifestEntry;
  bytes: Buffer;
  hash: string;
  /** The dataset's field mask (fixed at registration). */
  fieldMask: bigint;
  content: FileContent;
}

/** A running gateway. */
export interface Gateway {
  app: FastifyInstance;
  /** Base URL it listens on. */
  url: string;
  /** The owner's operator account that records accesses. */
  operator: string;
  /** The member that owns the datasets served. */
  ownerMember: number;
  /** The gateway's store folder (`consortia data trace --store`). */
  storeDir: string;
  domain: TypedDataDomain;
  close(): Promise<void>;
}

/** Chain access the request path needs, built once at start. */
interface Chain {
  provider: JsonRpcProvider;
  /** The SDK's managed signer: concurrent sends get nonces in order, a failed submission resyncs from the node. */
  signer: ManagedSigner;
  dataSharing: DataSharing;
  registry: ConsortiumRegistry;
  gasPrice: bigint;
  /** The consortium's envelope suite: deliveries are sealed with it. */
  envelopeSuite: "standard" | "gm";
}

/**
 * Starts a data gateway in front of the files of one owner. At start it proves it may act for the owner (`DATA_OWNER`)
 * and that every file it serves matches the hash its owner registered on chain; it refuses to start otherwise.
 *
 * Per request: validate the headers, check the timestamp window, recover the signer (EIP-712), refuse a replayed
 * nonce, check the grant on chain (dataset, grantee, purpose, validity up the delegation chain), record the access on
 * chain with the hash of the exact bytes about to be served, and only once that transaction succeeded, serve them.
 */
export async function startGateway(config: GatewayConfig): Promise<Gateway> {
  const chain = await connectChain(config);
  try {
    const operator = await chain.signer.getAddress();
    const ownerMember = await operatorMember(chain, operator);
    const files = await loadFiles(config.files, chain.dataSharing, ownerMember);
    // Taken last, once everything else is known to be right: a second copy on the same store refuses to start.
    const store = await openStore(config.storeDir);
    try {
      return await serve(config, chain, store, { operator, ownerMember, files });
    } catch (error) {
      await store.close();
      throw error;
    }
  } catch (error) {
    chain.provider.destroy();
    throw error;
  }
}

async function serve(
  config: GatewayConfig,
  chain: Chain,
  store: GatewayStore,
  { operator, ownerMember, files }: { operator: string; ownerMember: number; files: Map<string, ServedFile> },
): Promise<Gateway> {
  const key = fingerprintKey(store.secret);
  const { chainId } = await chain.provider.getNetwork();
  const domain = gatewayDomain(chainId, config.dataSharing);
  const nonces = new NonceCache(config.maxSkewSeconds);

  const app = Fastify({ logger: false });
  app.setErrorHandler((error: unknown, _request, reply) => {
    const refusal =
      error instanceof GatewayError
        ? error
        : isClientError(error)
          ? // Fastify's own refusals (malformed JSON body, unsupported content type, body too large): the client's fault.
            new GatewayError("BAD_REQUEST", `malformed request: ${error.message}`, { fastifyCode: error.code })
          : new GatewayError("CHAIN_UNAVAILABLE", "the gateway could not complete the request");
    void reply.code(refusal.status).type("application/json").send(refusal.toJSON());
  });
  app.setNotFoundHandler((_request, reply) => {
    void reply
      .code(404)
      .send(
        new GatewayError("NOT_FOUND", "no such route: GET /datasets/:id[/versions/:v] or /accesses/:accessId").toJSON(),
      );
  });

  app.get("/info", async () => ({
    chainId: chainId.toString(),
    dataSharing: config.dataSharing,
    operator,
    ownerMember,
    domain: { ...domain, chainId: chainId.toString() },
    files: [...files.values()].map((f) => ({
      datasetId: f.entry.datasetId.toString(),
      version: f.entry.version,
    })),
  }));

  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const { dataRequest, signature } = parseRequest(request);

    const now = Math.floor(Date.now() / 1000);
    const skew = Math.abs(now - Number(dataRequest.timestamp));
    if (skew > config.maxSkewSeconds) {
      throw new GatewayError("STALE_REQUEST", `request timestamp is ${skew} s away from the gateway's clock`, {
        maxSkewSeconds: config.maxSkewSeconds,
      });
    }

    let requester: string;
    try {
      requester = recoverRequester(domain, dataRequest, signature);
    } catch {
      throw new GatewayError("BAD_SIGNATURE", "the signature is not a valid EIP-712 signature of this request");
    }
    if (!nonces.use(requester, dataRequest.nonce)) {
      throw new GatewayError("REPLAYED_NONCE", "this nonce was already used", {
        nonce: dataRequest.nonce,
      });
    }
    if (![...files.values()].some((f) => f.entry.datasetId === dataRequest.datasetId)) {
      throw new GatewayError("UNKNOWN_DATASET", "this gateway does not serve that dataset", {
        datasetId: dataRequest.datasetId.toString(),
      });
    }

    const { version, file, scope, consumer } = await checkOnChain(chain, files, dataRequest, requester);
    const accessId = requestDigest(domain, dataRequest);
    const delivery = await render(chain, file, { scope, grantId: dataRequest.grantId, accessId, consumer, key });
    const resultHash = keccak256(delivery.bytes);
    // Kept before the access is recorded: a delivery on chain always has its signed request and fingerprint in store.
    try {
      await store.append({
        accessId,
        datasetId: dataRequest.datasetId.toString(),
        version,
        grantId: dataRequest.grantId.toString(),
        scope: `0x${scope.toString(16)}`,
        consumer,
        account: requester,
        kind: delivery.kind,
        tag: deliveryTag(key, accessId),
        sourceRows: delivery.sourceRows,
        resultHash,
        request: {
          ...dataRequest,
          datasetId: dataRequest.datasetId.toString(),
          grantId: dataRequest.grantId.toString(),
          timestamp: dataRequest.timestamp.toString(),
        },
        signature: signature.toLowerCase(),
        domain: { chainId: chainId.toString(), verifyingContract: config.dataSharing },
        at: new Date().toISOString(),
      });
    } catch {
      throw new GatewayError("STORE_UNAVAILABLE", "the gateway could not keep the delivery record");
    }
    const transaction = await recordAccess(chain, accessId, dataRequest, version, requester, resultHash);

    if (delivery.kind === "envelope" || delivery.sealed) {
      void reply.header("content-type", SEALED_CONTENT_TYPE).header(Headers.sealedType, file.entry.contentType);
    } else {
      void reply.header("content-type", file.entry.contentType);
    }
    return reply
      .code(200)
      .header(Headers.accessId, accessId)
      .header(Headers.resultHash, resultHash)
      .header(Headers.version, String(version))
      .header(Headers.transaction, transaction)
      .send(Buffer.from(delivery.bytes));
  };
  app.get("/datasets/:datasetId", handler);
  app.get("/datasets/:datasetId/versions/:version", handler);

  /**
   * The consumer's signed request(s) kept for an access, for the data owner (an account of the owner member that may
   * act as `DATA_OWNER` now) and auditors (an account whose member holds `AUDITOR` now), so that a consumer cannot deny
   * an access: anyone holding the answer recovers the consumer's account from the signature and checks that the
   * request's EIP-712 digest is the access id on chain. The caller signs `AccessRecordRequest` (request.ts) like a
   * data request: same headers but the grant and purpose, same skew window and nonce rules.
   */
  app.get("/accesses/:accessId", async (request) => {
    const params = RecordParamsSchema.safeParse(request.params);
    const headers = RecordHeadersSchema.safeParse(request.headers);
    if (!params.success || !headers.success) {
      const issues = [...(params.error?.issues ?? []), ...(headers.error?.issues ?? [])].map(
        (i) => `${i.path.join(".")}: ${i.message}`,
      );
      throw new GatewayError("BAD_REQUEST", "missing or malformed request fields", { issues });
    }
    const accessId = params.data.accessId.toLowerCase();
    const recordRequest = {
      method: request.method,
      path: request.url.split("?")[0],
      accessId,
      timestamp: BigInt(headers.data[Headers.timestamp]),
      nonce: headers.data[Headers.nonce].toLowerCase(),
    };
    if (recordRequest.path.toLowerCase() !== accessRecordPath(accessId)) {
      throw new GatewayError("BAD_REQUEST", "the path must name the access id in lower case hex");
    }
    const skew = Math.abs(Math.floor(Date.now() / 1000) - Number(recordRequest.timestamp));
    if (skew > config.maxSkewSeconds) {
      throw new GatewayError("STALE_REQUEST", `request timestamp is ${skew} s away from the gateway's clock`, {
        maxSkewSeconds: config.maxSkewSeconds,
      });
    }
    let reader: string;
    try {
      reader = recoverRecordReader(domain, recordRequest, headers.data[Headers.signature]);
    } catch {
      throw new GatewayError("BAD_SIGNATURE", "the signature is not a valid EIP-712 signature of this request");
    }
    if (!nonces.use(reader, recordRequest.nonce)) {
      throw new GatewayError("REPLAYED_NONCE", "this nonce was already used", { nonce: recordRequest.nonce });
    }
    let account;
    try {
      account = await chain.registry.account(reader);
    } catch {
      throw new GatewayError("CHAIN_UNAVAILABLE", "the chain could not be read");
    }
    if (account.memberId === 0n) {
      throw new GatewayError("UNKNOWN_SIGNER", "the request is not signed by an account of a member", { reader });
    }
    // The standing now: `effectiveRoles` is empty while the member or the account is suspended.
    const owner = Number(account.memberId) === ownerMember && (account.effectiveRoles & Roles.DATA_OWNER) !== 0n;
    const auditor = (account.effectiveRoles & Roles.AUDITOR) !== 0n;
    if (!owner && !auditor) {
      throw new GatewayError(
        "NOT_RECORD_READER",
        "only the data owner (DATA_OWNER) and auditors (AUDITOR) may read the stored requests",
        { reader, member: Number(account.memberId) },
      );
    }
    // Asked only once the reader is known to be allowed: others learn nothing, not even whether the access exists.
    const kept = store.deliveriesOf(accessId);
    if (kept.length === 0)
      throw new GatewayError("UNKNOWN_ACCESS", "this gateway keeps no request for that access", { accessId });
    return {
      accessId,
      readBy: { account: reader, member: Number(account.memberId), as: owner ? "owner" : "auditor" },
      // The fingerprint's tag and row count stay with the owner's store: they are not evidence of the request.
      deliveries: kept.map(({ tag: _tag, sourceRows: _rows, ...evidence }) => evidence),
    };
  });

  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address() as AddressInfo;
  return {
    app,
    url: `http://${config.host}:${address.port}`,
    operator,
    ownerMember,
    storeDir: store.dir,
    domain,
    close: async () => {
      await app.close();
      await store.close();
      chain.provider.destroy();
    },
  };
}

/** An error Fastify raised for the request itself (its `statusCode` is a 4xx). */
function isClientError(error: unknown): error is { statusCode: number; code?: string; message: string } {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" && status >= 400 && status < 500;
}

async function connectChain(config: GatewayConfig): Promise<Chain> {
  // One short attempt: a wrong URL or a node that is down is a configuration problem, reported in one line.
  const probe = new JsonRpcProvider(config.rpcUrl, undefined, { staticNetwork: true });
  let network;
  try {
    network = await Promise.race([
      probe._detectNetwork(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no answer within 10 s")), 10_000).unref()),
    ]);
  } catch (error) {
    throw new GatewayConfigError(
      `cannot reach the chain at ${config.rpcUrl} (GATEWAY_RPC_URL): ${shortMessage(error)}`,
    );
  } finally {
    probe.destroy();
  }
  // One network, known up front: no chain-id round trip per call; no batching stall on the request path; no
  // response cache (a grant revoked a moment ago must be seen as revoked).
  const provider = new JsonRpcProvider(config.rpcUrl, network, {
    staticNetwork: network,
    batchMaxCount: 1,
    cacheTimeout: -1,
  });
  provider.pollingInterval = config.pollingMs;
  const signer = new ManagedSigner(new Wallet(config.operatorKey, provider));
  const dataSharing = DataSharing__factory.connect(config.dataSharing, signer);
  let registryAddress: string;
  try {
    registryAddress = await dataSharing.registry();
  } catch (error) {
    provider.destroy();
    throw new GatewayConfigError(
      `no DataSharing contract answers at ${config.dataSharing} (GATEWAY_DATA_SHARING): ${shortMessage(error)}`,
    );
  }
  const registry = ConsortiumRegistry__factory.connect(registryAddress, provider);
  const gasPrice = config.gasPrice ?? (await provider.getFeeData()).gasPrice ?? 0n;
  return { provider, signer, dataSharing, registry, gasPrice, envelopeSuite: config.envelopeSuite };
}

/** The member the operator key acts for as a data owner; a GatewayConfigError when it may not act as one now. */
async function operatorMember(chain: Chain, operator: string): Promise<number> {
  try {
    return Number(await chain.registry.authorize(operator, Roles.DATA_OWNER));
  } catch (error) {
    const reason = isError(error, "CALL_EXCEPTION") && error.revert != null ? error.revert.name : shortMessage(error);
    throw new GatewayConfigError(
      `the operator key's account ${operator} (GATEWAY_OPERATOR_KEY) may not act as a data owner now: ${reason}`,
    );
  }
}

function shortMessage(error: unknown): string {
  return (error as { shortMessage?: string }).shortMessage ?? (error as Error).message;
}

/** Reads every file of the manifest and checks it against the owner's registered hash. */
async function loadFiles(
  entries: ManifestEntry[],
  dataSharing: DataSharing,
  ownerMember: number,
): Promise<Map<string, ServedFile>> {
  const files = new Map<string, ServedFile>();
  for (const entry of entries) {
    let bytes: Buffer;
    try {
      bytes = await readFile(entry.path);
    } catch (error) {
      throw new GatewayConfigError(
        `cannot read ${entry.path} (dataset ${entry.datasetId} v${entry.version} of the manifest): ` +
          `${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    const hash = keccak256(bytes);
    const dataset = await dataSharing.dataset(entry.datasetId);
    if (Number(dataset.owner) !== ownerMember) {
      throw new GatewayConfigError(
        `dataset ${entry.datasetId} is not owned by member ${ownerMember} (owner ${dataset.owner}): ` +
          "the operator key must be an account of the dataset's owner",
      );
    }
    const version = await dataSharing.version(entry.datasetId, entry.version);
    const matches =
      version.hashKind === HASH_KIND_MERKLE
        ? await dataSharing.verifyFileInTree(entry.datasetId, entry.version, hash, entry.proof ?? [])
        : await dataSharing.verifyFile(entry.datasetId, entry.version, hash);
    if (!matches) {
      throw new GatewayConfigError(
        `${entry.path} does not match the hash registered for dataset ${entry.datasetId} v${entry.version}`,
      );
    }
    const content = await loadContent(entry, bytes, dataset.fieldMask, version.metadataHash);
    files.set(`${entry.datasetId}:${entry.version}`, { entry, bytes, hash, fieldMask: dataset.fieldMask, content });
  }
  return files;
}

/**
 * Reads the entry's metadata document, checks it against the version's registered `metadataHash` and the dataset's
 * field mask, and prepares what the file releases per bit (a table parsed once; a file's bits).
 */
async function loadContent(
  entry: ManifestEntry,
  bytes: Buffer,
  fieldMask: bigint,
  metadataHash: string,
): Promise<FileContent> {
  if (entry.metadata === undefined) return { kind: "whole" };
  const where = `the metadata document ${entry.metadata} (dataset ${entry.datasetId} v${entry.version})`;
  let document: Buffer;
  try {
    document = await readFile(entry.metadata);
  } catch (error) {
    throw new GatewayConfigError(`cannot read ${where}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  if (keccak256(document) !== metadataHash.toLowerCase()) {
    throw new GatewayConfigError(`${where} does not match the metadata hash registered for that version`);
  }
  try {
    const metadata = parseMetadata(document, fieldMask);
    if (metadata.content.kind === "files") {
      const name = basename(entry.path);
      let bits = 0n;
      for (const field of (metadata as FilesMetadata).fields) {
        if (field.files.includes(name)) bits |= 1n << BigInt(field.bit);
      }
      if (bits === 0n) throw new MetadataError(`no field lists the file "${name}"`);
      return { kind: "files", metadata: metadata as FilesMetadata, bits };
    }
    const tableMetadata = metadata as TableMetadata;
    const table = readTable(bytes, tableMetadata.content.format);
    checkTableAgainstMetadata(table, tableMetadata);
    if (table.columns.includes(ROW_REF_COLUMN)) {
      throw new TableError(`the table has a column "${ROW_REF_COLUMN}", the name of the fingerprint column`);
    }
    return { kind: "table", metadata: tableMetadata, table };
  } catch (error) {
    if (error instanceof MetadataError || error instanceof TableError) {
      throw new GatewayConfigError(`${where}: ${error.message}`);
    }
    throw error;
  }
}

/** What one consumer receives, made unique to its access (see fingerprint.ts). */
interface Rendered {
  bytes: Uint8Array;
  kind: Delivery["kind"];
  /** A text file sealed after its watermark (kind "text" is sealed too). */
  sealed: boolean;
  sourceRows: number;
}

/**
 * The bytes released to a grant of `scope`, made unique to this access: the granted view of a table with its
 * `row_ref` column; a file (only when a granted field lists it; without a metadata document only to a grant of every
 * field) watermarked when it is plain text and sealed to the consumer member's registered encryption key. Refuses
 * (OUT_OF_SCOPE, NO_ENCRYPTION_KEY) before anything is recorded.
 */
async function render(
  chain: Chain,
  file: ServedFile,
  access: { scope: bigint; grantId: bigint; accessId: string; consumer: number; key: Uint8Array },
): Promise<Rendered> {
  const { scope, grantId, accessId, key } = access;
  const refuse = (why: string) =>
    new GatewayError("OUT_OF_SCOPE", `the grant's scope ${why}`, {
      grantId: grantId.toString(),
      scope: `0x${scope.toString(16)}`,
    });
  const { content } = file;
  if (content.kind === "table") {
    const view = selectView(content.table, content.metadata, scope);
    if (view.columns.length === 0) throw refuse("releases no column of this table");
    const bytes = writeView(content.table, view, {
      column: ROW_REF_COLUMN,
      value: (row) => rowRef(key, accessId, row),
    });
    return { bytes, kind: "table", sealed: false, sourceRows: content.table.rows.length };
  }
  if (content.kind === "whole" && (scope & file.fieldMask) !== file.fieldMask) {
    throw refuse("does not cover every field of this file");
  }
  if (content.kind === "files" && (scope & content.bits) === 0n) throw refuse("does not include this file");
  const text = WATERMARKED_TYPES.test(file.entry.contentType);
  const plaintext = text ? watermarkText(file.bytes, key, accessId) : file.bytes;
  let publicKey: string;
  try {
    publicKey = (await chain.registry.member(access.consumer)).encryptionKey;
  } catch {
    throw new GatewayError("CHAIN_UNAVAILABLE", "the chain could not be read");
  }
  if (/^0x0{64}$/.test(publicKey)) {
    throw new GatewayError("NO_ENCRYPTION_KEY", "the consumer member has no encryption key registered to seal to", {
      member: access.consumer,
    });
  }
  const { envelope } = await sealEnvelope({
    plaintext,
    recipients: [{ memberId: access.consumer, publicKey: publicKey as Hex }],
    associatedData: new TextEncoder().encode(accessId),
    suite: chain.envelopeSuite,
  });
  return {
    bytes: new TextEncoder().encode(JSON.stringify(envelope)),
    kind: text ? "text" : "envelope",
    sealed: true,
    sourceRows: 0,
  };
}

function parseRequest(request: FastifyRequest): {
  dataRequest: DataRequest;
  signature: string;
} {
  const params = ParamsSchema.safeParse(request.params);
  const headers = RequestHeadersSchema.safeParse(request.headers);
  if (!params.success || !headers.success) {
    const issues = [...(params.error?.issues ?? []), ...(headers.error?.issues ?? [])].map(
      (i) => `${i.path.join(".")}: ${i.message}`,
    );
    throw new GatewayError("BAD_REQUEST", "missing or malformed request fields", { issues });
  }
  const h = headers.data;
  const grantId = BigInt(h[Headers.grant]);
  const datasetId = BigInt(params.data.datasetId);
  if (grantId > MAX_UINT64 || datasetId > MAX_UINT64) {
    throw new GatewayError("BAD_REQUEST", "id out of range");
  }
  return {
    dataRequest: {
      method: request.method,
      path: request.url.split("?")[0],
      datasetId,
      version: params.data.version === undefined ? 0 : Number(params.data.version),
      grantId,
      purpose: h[Headers.purpose].toLowerCase(),
      timestamp: BigInt(h[Headers.timestamp]),
      nonce: h[Headers.nonce].toLowerCase(),
    },
    signature: h[Headers.signature],
  };
}

/** Reads the grant, its validity, the dataset and the requester's account in parallel and refuses with the reason. */
async function checkOnChain(
  chain: Chain,
  files: Map<string, ServedFile>,
  request: DataRequest,
  requester: string,
): Promise<{ version: number; file: ServedFile; scope: bigint; consumer: number }> {
  let grant, validity, dataset, account;
  try {
    [grant, validity, dataset, account] = await Promise.all([
      chain.dataSharing.grant(request.grantId),
      chain.dataSharing.grantValidity(request.grantId),
      chain.dataSharing.dataset(request.datasetId),
      chain.registry.account(requester),
    ]);
  } catch {
    throw new GatewayError("CHAIN_UNAVAILABLE", "the chain could not be read");
  }
  const grantId = request.grantId.toString();
  if (account.memberId === 0n) {
    throw new GatewayError("UNKNOWN_SIGNER", "the request is not signed by an account of a member", { requester });
  }
  if (grant.status === 0n) throw new GatewayError("UNKNOWN_GRANT", "no such grant", { grantId });
  if (grant.datasetId !== request.datasetId) {
    throw new GatewayError("WRONG_DATASET", "the grant covers another dataset", {
      grantId,
      grantDatasetId: grant.datasetId.toString(),
      datasetId: request.datasetId.toString(),
    });
  }
  if (grant.grantee !== account.memberId) {
    throw new GatewayError("NOT_GRANTEE", "the signer's member is not the grant's grantee", {
      grantId,
      member: Number(account.memberId),
      grantee: Number(grant.grantee),
    });
  }
  if ((account.effectiveRoles & Roles.DATA_CONSUMER) === 0n) {
    throw new GatewayError("CONSUMER_NOT_AUTHORISED", "the signing account may not act as a data consumer now", {
      requester,
    });
  }
  if (grant.purposeHash.toLowerCase() !== request.purpose) {
    throw new GatewayError("PURPOSE_MISMATCH", "the request's purpose is not the grant's purpose", { grantId });
  }
  const refusal = VALIDITY_REFUSALS[Number(validity)];
  if (refusal !== null) {
    throw new GatewayError(refusal, `the grant cannot be used: ${refusal.toLowerCase().replaceAll("_", " ")}`, {
      grantId,
      expiresAt: grant.expiresAt.toString(),
    });
  }
  const latest = Number(dataset.latestVersion);
  const version = request.version === 0 ? latest : request.version;
  if (version > latest) {
    throw new GatewayError("UNKNOWN_VERSION", "no such version", {
      version,
      latestVersion: latest,
    });
  }
  const file = files.get(`${request.datasetId}:${version}`);
  if (file === undefined) {
    throw new GatewayError("VERSION_NOT_AVAILABLE", "this gateway does not hold that version", { version });
  }
  return { version, file, scope: grant.scope, consumer: Number(grant.grantee) };
}

/**
 * Records the access on chain and waits for it to succeed. Estimating first both re-checks everything at the latest
 * state and fixes the gas limit, with a margin; the SDK's managed signer then takes the next nonce and submits in order.
 */
async function recordAccess(
  chain: Chain,
  accessId: string,
  request: DataRequest,
  version: number,
  requester: string,
  resultHash: string,
): Promise<string> {
  const args = [accessId, request.grantId, request.datasetId, version, requester, resultHash] as const;
  let gasLimit: bigint;
  try {
    gasLimit = await chain.dataSharing.recordAccess.estimateGas(...args);
  } catch (error) {
    throw chainRefusal(error);
  }
  let tx: ContractTransactionResponse;
  try {
    // The managed signer submits in nonce order and forgets its count when a submission fails.
    tx = await chain.dataSharing.recordAccess(...args, {
      gasLimit: gasLimit + gasLimit / 5n,
      gasPrice: chain.gasPrice,
      type: 0,
    });
  } catch (error) {
    throw chainRefusal(error);
  }
  try {
    await tx.wait();
  } catch (error) {
    throw chainRefusal(error);
  }
  return tx.hash;
}

function chainRefusal(error: unknown): GatewayError {
  if (isError(error, "CALL_EXCEPTION") && error.revert != null) {
    return new GatewayError("CHAIN_REFUSED", `the chain refused to record the access: ${error.revert.name}`, {
      error: error.revert.name,
      args: error.revert.args.map((a: unknown) => (typeof a === "bigint" ? a.toString() : a)),
    });
  }
  if (isError(error, "CALL_EXCEPTION")) {
    return new GatewayError("CHAIN_REFUSED", "the chain refused to record the access", {});
  }
  return new GatewayError("CHAIN_UNAVAILABLE", "the access could not be recorded on chain");
}
