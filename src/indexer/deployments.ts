import { readFile } from "node:fs/promises";
import { z } from "zod/v4";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address");

/** `deployments/<chainId>.json`, as the deploy script writes it. */
export const deploymentsSchema = z.object({
  chainId: z.number().int().positive(),
  deploymentBlock: z.number().int().nonnegative(),
  contracts: z.record(z.string(), z.object({ address, block: z.number().int().nonnegative() })),
});

export type Deployments = z.infer<typeof deploymentsSchema>;

export class DeploymentsError extends Error {}

export async function readDeployments(path: string): Promise<Deployments> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new DeploymentsError(`cannot read deployments file ${path}: ${(error as Error).message}`);
  }
  const result = deploymentsSchema.safeParse(json);
  if (!result.success) {
    throw new DeploymentsError(
      `invalid deployments file ${path}: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return result.data;
}
