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
  /** The scenario's log, one line per step. */
  lines: string[];
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
    const lines: string[] = [];
    const result = await runDemoScenario({
      rpcUrl: node.url,
      deployment: deployments,
      log: (line) => lines.push(line),
      dataDir: join(dir, "payloads"),
    });
    const head = Number(await rpc<string>(node.url, "eth_blockNumber"));
    return { node, url: node.url, deployments, deploymentsPath, dir, result, lines, head, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

let shared: Promise<DemoChain> | undefined;

/**
 * The demo chain shared by every suite of this mocha run (the demo takes minutes; several suites read it): started
 * on first use, stopped once after the whole run.
 */
export function sharedDemoChain(): Promise<DemoChain> {
  return (shared ??= startDemoChain());
}

// A root hook: runs once, after every file of the run.
after(async () => {
  const demo = await shared?.catch(() => undefined);
  await demo?.stop();
});

/**
 * For a mocha suite: the shared demo chain, filled in `before`. What the suite changes on chain is undone in `after`
 * (`evm_snapshot` / `evm_revert`), so the next suite finds the chain exactly as the demo left it.
 */
export function useDemoChain(): DemoChain {
  const demo = {} as DemoChain;
  let snapshot: string | undefined;
  before(async function () {
    this.timeout(300_000);
    Object.assign(demo, await sharedDemoChain());
    snapshot = await rpc<string>(demo.url, "evm_snapshot");
  });
  after(async () => {
    if (snapshot === undefined) return;
    const reverted = await rpc<boolean>(demo.url, "evm_revert", [snapshot]);
    if (!reverted) throw new Error(`evm_revert(${snapshot}) failed: the next suite would see this suite's changes`);
    const head = Number(await rpc<string>(demo.url, "eth_blockNumber"));
    if (head !== demo.head) throw new Error(`after evm_revert the head is ${head}, the demo left ${demo.head}`);
  });
  return demo;
}
