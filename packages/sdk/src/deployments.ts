import { readFile, writeFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address");

/** `deployments/<chainId>.json`: where the suite lives on one chain. Written by the deploy command. */
export const deploymentSchema = z.object({
  chainId: z.number().int().positive(),
  /** First block that holds a suite contract: where an indexer starts. */
  deploymentBlock: z.number().int().nonnegative(),
  /**
   * The envelope suite the consortium chose at deployment (absent: `"standard"`, HPKE X25519 / ChaCha20-Poly1305;
   * `"gm"`: SM2 / SM3 / SM4-GCM). Members' registry encryption keys are keys of this suite.
   */
  envelopeSuite: z.enum(["standard", "gm"]).optional(),
  contracts: z.record(
    z.string(),
    z.object({
      address,
      /** Block of the contract's deployment transaction. */
      block: z.number().int().nonnegative(),
    }),
  ),
});

export type Deployment = z.infer<typeof deploymentSchema>;

/** Thrown when a deployments file is missing, unreadable or malformed. */
export class DeploymentFileError extends Error {
  override name = "DeploymentFileError";
}

/** The conventional path of a chain's deployments file under `dir` (default `deployments/`). */
export function deploymentPath(chainId: number | bigint, dir = "deployments"): string {
  return join(dir, `${chainId}.json`);
}

/** Reads and validates a deployments file. */
export async function readDeployment(path: string): Promise<Deployment> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new DeploymentFileError(`cannot read deployments file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DeploymentFileError(`malformed deployments file ${path}: not JSON (${(error as Error).message})`);
  }
  const parsed = deploymentSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new DeploymentFileError(`malformed deployments file ${path}: ${problems}`);
  }
  return parsed.data;
}

/** Writes a deployments file (pretty JSON, sorted contract names). */
export async function writeDeployment(path: string, deployment: Deployment): Promise<void> {
  const sorted: Deployment = {
    ...deployment,
    contracts: Object.fromEntries(Object.entries(deployment.contracts).sort(([a], [b]) => a.localeCompare(b))),
  };
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(deploymentSchema.parse(sorted), null, 2)}\n`);
}

/** The address of a contract in a deployment, or a clear error naming what exists. */
export function contractAddress(deployment: Deployment, name: string): `0x${string}` {
  const entry = deployment.contracts[name];
  if (entry === undefined) {
    const known = Object.keys(deployment.contracts).join(", ");
    throw new DeploymentFileError(`no contract ${name} in deployment of chain ${deployment.chainId} (has: ${known})`);
  }
  return entry.address as `0x${string}`;
}
