/**
 * A bench's node, and the whole suite deployed with the demo founders onto it (shared by the load, API and gateway
 * benches).
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { type Deployment, deploymentPath, readDeployment } from "@consortia/sdk";
import { writeDemoFounders } from "../../src/demo/consortium.js";
import { HARDHAT_CLI, hardhatEnv } from "../../src/local/hardhat.js";
import { rpc, startNode } from "../../src/local/node.js";
import { BENCH_RPC_URL } from "./options.js";

export const CHAIN_ID = 1337;

/** The node a bench sends to: its JSON-RPC URL, and `stop()` (a no-op for a node the bench did not start). */
export interface BenchNode {
  url: string;
  stop(): Promise<void>;
}

/**
 * The node for a bench that can share one: the node at BENCH_RPC_URL when set (left running; it must be a Hardhat
 * development node with chain id 1337 and the Hardhat test mnemonic's accounts funded), else a `hardhat node` started
 * here (and stopped by `stop()`).
 */
export async function benchNode(): Promise<BenchNode> {
  if (BENCH_RPC_URL === undefined) return startNode();
  const chainId = Number(await rpc<string>(BENCH_RPC_URL, "eth_chainId"));
  if (chainId !== CHAIN_ID) throw new Error(`BENCH_RPC_URL ${BENCH_RPC_URL}: chain id ${chainId}, not ${CHAIN_ID}`);
  return { url: BENCH_RPC_URL, stop: async () => {} };
}

/**
 * `hardhat deploy --founders <demo founders> --deployments <dir>/deployments` against `node`, the Ignition journal
 * in `<dir>/ignition` (CONSORTIA_IGNITION_DIR): everything in the caller's temporary directory.
 */
export async function deployDemoSuite(node: BenchNode, dir: string): Promise<Deployment> {
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
