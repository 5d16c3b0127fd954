import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { IgnitionModule } from "@nomicfoundation/ignition-core";
import type { NetworkConnection } from "hardhat/types/network";
import {
  type Deployment,
  deploymentPath,
  type EnvelopeSuiteName,
  readDeployment,
  writeDeployment,
} from "@consortia/sdk";
import { bootstrapConsortium, readFounders } from "./founders.js";

export interface DeploySuiteOptions {
  /** A founders file to seed and end bootstrap with (skipped when bootstrap has ended). */
  foundersPath?: string;
  /** Where deployments/<chainId>.json goes. */
  deploymentsDir?: string;
  /**
   * Ignition deployment id (its journal lives in <ignitionDir>/deployments/<id>); default
   * `chain-<chainId>-<genesis hash[2..10]>`, so that a fresh chain with a reused chain id never resumes another
   * chain's journal.
   */
  deploymentId?: string;
  /**
   * The envelope suite members seal payloads with (`"gm"`: national cryptography); chosen once: a deployments file that
   * records another suite is not overwritten.
   */
  envelopeSuite?: EnvelopeSuiteName;
  /** Ignition's directory (the Hardhat config's `paths.ignition`); default `ignition`. */
  ignitionDir?: string;
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
  const envelopeSuite = options.envelopeSuite ?? "standard";
  const path = deploymentPath(chainId, options.deploymentsDir);
  const earlier = await readDeployment(path).catch(() => undefined);
  if (earlier !== undefined && (earlier.envelopeSuite ?? "standard") !== envelopeSuite) {
    // Members' registry keys are keys of the recorded suite: sealing with the other would wrap data keys no one opens.
    throw new Error(
      `${path} records the envelope suite "${earlier.envelopeSuite ?? "standard"}"; it is chosen once per consortium ` +
        `(asked for "${envelopeSuite}")`,
    );
  }
  log(`deploying the suite to chain ${chainId} (${connection.networkName})`);
  // The in-process network lives and dies with this process: Ignition must not journal it (a later run would find
  // "deployed" contracts on a fresh chain).
  const ephemeral = connection.networkConfig.type === "edr-simulated";
  const journals = join(options.ignitionDir ?? "ignition", "deployments");
  const deploymentId = ephemeral
    ? undefined
    : (options.deploymentId ?? (await defaultDeploymentId(connection, chainId, journals, log)));
  const result = await ignition.deploy(module, { displayUi: false, deploymentId });

  const blocks =
    deploymentId === undefined ? new Map<string, number>() : await deploymentBlocks(join(journals, deploymentId));
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
    ...(envelopeSuite === "gm" ? { envelopeSuite } : {}),
    contracts,
  };
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
 * The deployment id of a chain: `chain-<chainId>-<genesis hash[2..10]>`. A journal under the legacy id `chain-<chainId>`
 * is resumed only when every contract it recorded has code on this chain (it was this chain's); otherwise it belongs
 * to another chain with the same id (a restarted dev chain) and is left alone.
 */
async function defaultDeploymentId(
  connection: NetworkConnection,
  chainId: number,
  journals: string,
  log: (line: string) => void,
): Promise<string> {
  const { provider } = connection.ethers;
  const genesis = await provider.getBlock(0);
  if (genesis?.hash == null) throw new Error(`chain ${chainId} did not return its genesis block`);
  const legacy = `chain-${chainId}`;
  const recorded = [...(await deploymentBlocks(join(journals, legacy))).keys()];
  if (recorded.length > 0) {
    const codes = await Promise.all(recorded.map((address) => provider.getCode(address)));
    if (codes.every((code) => code !== "0x")) {
      log(`resuming the journal ${join(journals, legacy)}: its contracts are on this chain`);
      return legacy;
    }
    log(`leaving the journal ${join(journals, legacy)} alone: its contracts are not on this chain`);
  }
  return `${legacy}-${genesis.hash.slice(2, 10)}`;
}

/**
 * Deployment blocks from the Ignition journal in `deploymentDir`, which records every confirmed transaction. The
 * in-process network keeps no journal; its contracts all start at block 0 for an indexer.
 */
async function deploymentBlocks(deploymentDir: string): Promise<Map<string, number>> {
  const blocks = new Map<string, number>();
  let journal: string;
  try {
    journal = await readFile(join(deploymentDir, "journal.jsonl"), "utf8");
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
