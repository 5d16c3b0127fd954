import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readDeployment, type Deployment } from "@consortia/sdk";
import { writeDemoFounders } from "../../src/demo/consortium.js";
import { runDemoScenario, type DemoScenarioResult } from "../../src/demo/scenario.js";
import { runHardhat } from "../helpers/commands.js";
import { rpc, startNode, type NodeProcess } from "../helpers/node-process.js";

/** A `hardhat node` with the whole suite deployed by `hardhat deploy` (demo founders) and the demo scenario run. */
export interface DemoChain {
  node: NodeProcess;
  url: string;
  deployments: Deployment;
  deploymentsPath: string;
  dir: string;
  result: DemoScenarioResult;
  /** The node's head after the scenario. */
  head: number;
  stop(): Promise<void>;
}

/** Starts a node, deploys the suite as `npm start` does and runs the whole demo scenario (about a minute). */
export async function startDemoChain(): Promise<DemoChain> {
  const node = await startNode();
  const dir = await mkdtemp(join(tmpdir(), "consortia-demo-index-"));
  const stop = async () => {
    await node.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const founders = await writeDemoFounders(join(dir, "founders.json"));
    const deploymentsDir = join(dir, "deployments");
    await runHardhat(["deploy", "--network", "localhost", "--founders", founders, "--deployments", deploymentsDir], {
      CONSORTIA_LOCAL_RPC_URL: node.url,
      CONSORTIA_IGNITION_DIR: join(dir, "ignition"),
    });
    const deploymentsPath = join(deploymentsDir, "1337.json");
    const deployments = await readDeployment(deploymentsPath);
    const result = await runDemoScenario({ rpcUrl: node.url, deployment: deployments, dataDir: join(dir, "payloads") });
    const head = Number(await rpc<string>(node.url, "eth_blockNumber"));
    return { node, url: node.url, deployments, deploymentsPath, dir, result, head, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** For a mocha suite: the demo chain, started in `before` and stopped in `after`; the object is filled in `before`. */
export function useDemoChain(): DemoChain {
  const demo = {} as DemoChain;
  before(async function () {
    this.timeout(300_000);
    Object.assign(demo, await startDemoChain());
  });
  after(async () => demo.stop?.());
  return demo;
}
