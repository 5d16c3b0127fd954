import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { GatewayConfigError } from "./errors.js";

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected 0x and 64 hex digits");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected an address");

/** The gateway's environment. The operator key comes from the environment only, never from arguments. */
export const GatewayEnvSchema = z.object({
  GATEWAY_RPC_URL: z.string().url(),
  GATEWAY_OPERATOR_KEY: hex32,
  GATEWAY_DATA_SHARING: address,
  GATEWAY_MANIFEST: z.string().min(1),
  GATEWAY_HOST: z.string().default("127.0.0.1"),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  GATEWAY_MAX_SKEW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Fixed gas price in wei ("0" on a Besu/GoQuorum network with free gas); fetched once at start when unset. */
  GATEWAY_GAS_PRICE: z.coerce.bigint().optional(),
  GATEWAY_POLLING_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  /** The consortium's envelope suite (its deployments file's `envelopeSuite`): what deliveries are sealed with. */
  GATEWAY_ENVELOPE_SUITE: z.enum(["standard", "gm"]).default("standard"),
  /** The gateway's store (fingerprint secret, delivery records with the signed requests); default: `gateway-store`
   * next to the manifest. */
  GATEWAY_STORE: z.string().min(1).optional(),
});

/** One file the gateway serves: a version of a dataset (a file of a Merkle version needs its proof). */
export const ManifestEntrySchema = z.object({
  datasetId: z.coerce.bigint().positive(),
  version: z.number().int().positive(),
  path: z.string().min(1),
  contentType: z.string().default("application/octet-stream"),
  proof: z.array(hex32).optional(),
  /** The version's metadata document (its keccak256 is the version's `metadataHash`): what each scope bit releases. */
  metadata: z.string().min(1).optional(),
});

export const ManifestSchema = z.object({
  files: z.array(ManifestEntrySchema).min(1),
});

export type ManifestEntry = z.infer<typeof ManifestEntrySchema>;

export interface GatewayConfig {
  rpcUrl: string;
  operatorKey: string;
  dataSharing: string;
  host: string;
  port: number;
  maxSkewSeconds: number;
  gasPrice?: bigint;
  pollingMs: number;
  /** Envelope suite of the consortium: deliveries are sealed to the consumer's registry key of this suite. */
  envelopeSuite: "standard" | "gm";
  /** Folder of the gateway's store (see store.ts). */
  storeDir: string;
  /** Files with absolute paths (relative ones resolve against the manifest's folder). */
  files: ManifestEntry[];
}

/**
 * Validates the environment and the manifest it names; throws a GatewayConfigError listing every problem (a missing,
 * unreadable or non-JSON manifest included).
 */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<GatewayConfig> {
  const parsed = GatewayEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new GatewayConfigError(`invalid gateway configuration: ${describeIssues(parsed.error)}`);
  }
  const e = parsed.data;
  const manifestPath = resolve(e.GATEWAY_MANIFEST);
  const manifest = ManifestSchema.safeParse(await readManifest(manifestPath));
  if (!manifest.success) {
    throw new GatewayConfigError(`invalid gateway manifest ${manifestPath}: ${describeIssues(manifest.error)}`);
  }
  const base = dirname(manifestPath);
  return {
    rpcUrl: e.GATEWAY_RPC_URL,
    operatorKey: e.GATEWAY_OPERATOR_KEY,
    dataSharing: e.GATEWAY_DATA_SHARING,
    host: e.GATEWAY_HOST,
    port: e.GATEWAY_PORT,
    maxSkewSeconds: e.GATEWAY_MAX_SKEW_SECONDS,
    ...(e.GATEWAY_GAS_PRICE === undefined ? {} : { gasPrice: e.GATEWAY_GAS_PRICE }),
    pollingMs: e.GATEWAY_POLLING_MS,
    envelopeSuite: e.GATEWAY_ENVELOPE_SUITE,
    storeDir: resolve(e.GATEWAY_STORE ?? resolve(base, "gateway-store")),
    files: manifest.data.files.map((f) => ({
      ...f,
      path: resolve(base, f.path),
      ...(f.metadata === undefined ? {} : { metadata: resolve(base, f.metadata) }),
    })),
  };
}

async function readManifest(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new GatewayConfigError(`cannot read the gateway manifest ${path} (GATEWAY_MANIFEST): ${reason}`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new GatewayConfigError(`the gateway manifest ${path} is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
}
