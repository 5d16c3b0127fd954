/** Deploys the whole suite with the demo founders onto a bench's local node (shared by the load and API benches). */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { type Deployment, deploymentPath, readDeployment } from "@consortia/sdk";
import { writeDemoFounders } from "../../src/demo/consortium.js";
import { HARDHAT_CLI, type NodeProcess } from "../../src/local/node.js";

export const CHAIN_ID = 1337;

/**
 * `hardhat deploy --founders <demo founders> --deployments <dir>/deployments --deployment-id <id>` against `node`.
 * The Ignition journal lands in `ignition/deployments/<deploymentId>`: the caller removes it when done.
 */
export async function deployDemoSuite(node: NodeProcess, dir: string, deploymentId: string): Promise<Deployment> {
  const founders = await writeDemoFounders(join(dir, "founders.json"));
  const deployments = join(dir, "deployments");
  const code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      [HARDHAT_CLI, "deploy", "--network", "localhost", "--founders", founders, "--deployments", deployments, "--deployment-id", deploymentId],
      { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, CONSORTIA_LOCAL_RPC_URL: node.url } },
    );
    child.on("exit", (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`deploy exited with ${code}`);
  return readDeployment(deploymentPath(CHAIN_ID, deployments));
}
