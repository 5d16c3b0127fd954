import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { IgnitionModule } from "@nomicfoundation/ignition-core";
import type { NetworkConnection } from "hardhat/types/network";
import { type Deployment, deploymentPath, writeDeployment } from "@consortia/sdk";
import { bootstrapConsortium, readFounders } from "./founders.js";

export interface DeploySuiteOptions {
  /** A founders file to seed and end bootstrap with (skipped when bootstrap has ended). */
  foundersPath?: string;
  /** Where deployments/<chainId>.json goes. */
  deploymentsDir?: string;
  /** Ignition deployment id (its journal lives in ignition/deployments/<id>); default `chain-<chainId>`. */
  deploymentId?: string;
  log?: (line: string) => void;
}

interface JournalEntry {
  type: string;
  futureId?: string;
  result?: { type?: string; address?: string };
  receipt?: { blockNumber?: number };
}

/**
 * Deploys (or resumes) the Ignition module, seeds founders when asked, and writes the deployments file that the SDK,
 * indexer and CLI read: every contract's address and deployment block.
 */
export async function deploySuite(
  connection: NetworkConnection,
  module: IgnitionModule,
  options: DeploySuiteOptions = {},
): Promise<Deployment> {
  const log = options.log ?? (() => {});
  const { ethers, ignition } = connection as NetworkConnection & {
    ignition: {
      deploy(module: IgnitionModule, options?: object): Promise<Record<string, { getAddress(): Promise<string> }>>;
    };
  };
  const chainId = Number((await ethers.provider.getNetwork()).chainId);
  log(`deploying the suite to chain ${chainId} (${connection.networkName})`);
  // The in-process network lives and dies with this process: Ignition must not journal it (a later run would find
  // "deployed" contracts on a fresh chain).
  const ephemeral = connection.networkConfig.type === "edr-simulated";
  const deploymentId = ephemeral ? undefined : (options.deploymentId ?? `chain-${chainId}`);
  const result = await ignition.deploy(module, { displayUi: false, deploymentId });

  const blocks = deploymentId === undefined ? new Map<string, number>() : await deploymentBlocks(deploymentId);
  const contracts: Deployment["contracts"] = {};
  for (const [futureId, contract] of Object.entries(result)) {
    const address = await contract.getAddress();
    const name = contractNameOf(module, futureId);
    contracts[name] = { address, block: blocks.get(address.toLowerCase()) ?? 0 };
  }

  if (options.foundersPath !== undefined) {
    const founders = await readFounders(options.foundersPath);
    const registry = await ethers.getContractAt("ConsortiumRegistry", contracts.ConsortiumRegistry.address);
    const { seeded, ended } = await bootstrapConsortium(registry, founders);
    log(ended ? `seeded ${seeded.length} founding members; bootstrap ended` : "bootstrap had ended: founders skipped");
  }

  const deployment: Deployment = {
    chainId,
    deploymentBlock: Math.min(...Object.values(contracts).map((c) => c.block)),
    contracts,
  };
  const path = deploymentPath(chainId, options.deploymentsDir);
  await writeDeployment(path, deployment);
  log(`wrote ${path}`);
  return deployment;
}

/** The Solidity contract name behind a module result key (futures are named `<Module>#<Contract>`). */
function contractNameOf(module: IgnitionModule, resultKey: string): string {
  const future = module.results[resultKey] as { contractName?: string } | undefined;
  if (future?.contractName === undefined) throw new Error(`module result ${resultKey} is not a contract`);
  return future.contractName;
}

/**
 * Deployment blocks from Ignition's journal, which records every confirmed transaction. The in-process network keeps
 * no journal; its contracts all start at block 0 for an indexer.
 */
async function deploymentBlocks(deploymentId: string): Promise<Map<string, number>> {
  const blocks = new Map<string, number>();
  let journal: string;
  try {
    journal = await readFile(join("ignition", "deployments", deploymentId, "journal.jsonl"), "utf8");
  } catch {
    return blocks;
  }
  const receiptBlock = new Map<string, number>();
  for (const line of journal.split("\n")) {
    if (line.trim() === "") continue;
    const entry = JSON.parse(line) as JournalEntry;
    if (entry.futureId !== undefined && entry.receipt?.blockNumber !== undefined) {
      receiptBlock.set(entry.futureId, entry.receipt.blockNumber);
    }
    if (entry.type === "DEPLOYMENT_EXECUTION_STATE_COMPLETE" && entry.result?.address !== undefined) {
      const block = receiptBlock.get(entry.futureId ?? "");
      if (block !== undefined) blocks.set(entry.result.address.toLowerCase(), block);
    }
  }
  return blocks;
}
