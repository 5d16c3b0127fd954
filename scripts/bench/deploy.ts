/** Deploys the whole suite with the demo founders onto a bench's local node (shared by the load and API benches). */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { type Deployment, deploymentPath, readDeployment } from "@consortia/sdk";
import { writeDemoFounders } from "../../src/demo/consortium.js";
import { HARDHAT_CLI, hardhatEnv } from "../../src/local/hardhat.js";
import type { NodeProcess } from "../../src/local/node.js";

export const CHAIN_ID = 1337;

/**
 * `hardhat deploy --founders <demo founders> --deployments <dir>/deployments` against `node`, the Ignition journal
 * in `<dir>/ignition` (CONSORTIA_IGNITION_DIR): everything in the caller's temporary directory.
 */
export async function deployDemoSuite(node: NodeProcess, dir: string): Promise<Deployment> {
  const founders = await writeDemoFounders(join(dir, "founders.json"));
  const deployments = join(dir, "deployments");
  const code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      [HARDHAT_CLI, "deploy", "--network", "localhost", "--founders", founders, "--deployments", deployments],
      {
        stdio: ["ignore", "ignore", "inherit"],
        env: hardhatEnv({ CONSORTIA_LOCAL_RPC_URL: node.url, CONSORTIA_IGNITION_DIR: join(dir, "ignition") }),
      },
    );
    child.on("exit", (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`deploy exited with ${code}`);
  return readDeployment(deploymentPath(CHAIN_ID, deployments));
}
