import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HDNodeWallet, JsonRpcProvider, keccak256, Mnemonic, toUtf8Bytes, type Wallet } from "ethers";
import { MemberKind, roleSet } from "@consortia/sdk";
import {
  ConsortiumRegistry__factory,
  DataSharing__factory,
  type ConsortiumRegistry,
  type DataSharing,
} from "@consortia/sdk/typechain";
import { startNode, type NodeProcess } from "../helpers/node-process.js";

/** The standard Hardhat test mnemonic: the accounts `hardhat node` funds and unlocks. */
export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

export function hardhatWallet(index: number, provider: JsonRpcProvider): HDNodeWallet {
  const phrase = Mnemonic.fromPhrase(HARDHAT_MNEMONIC);
  return HDNodeWallet.fromMnemonic(phrase, `m/44'/60'/0'/0/${index}`).connect(provider);
}

export interface ChainFixture {
  node: NodeProcess;
  provider: JsonRpcProvider;
  registry: ConsortiumRegistry;
  data: DataSharing;
  /** gov1: owns the datasets; its key runs the gateway. */
  owner: HDNodeWallet;
  /** gov2 and core: consumers; supplier: a member without data roles. */
  consumer: HDNodeWallet;
  core: HDNodeWallet;
  supplier: HDNodeWallet;
  ids: { gov1: number; gov2: number; core: number; supplier: number };
  dir: string;
}

/**
 * Starts a real `hardhat node`, deploys the registry and DataSharing with ethers `ContractFactory`s over JSON-RPC,
 * seeds four members (bootstrap left open: no governance needed here) and writes a working folder for files.
 */
export async function deployOnNode(): Promise<ChainFixture> {
  const node = await startNode();
  const provider = new JsonRpcProvider(node.url, undefined, {
    batchMaxCount: 1,
    cacheTimeout: -1,
  });
  provider.pollingInterval = 50;
  const [deployer, owner, consumer, core, supplier] = [0, 1, 2, 3, 4].map((i) => hardhatWallet(i, provider));
  const registry = await (await new ConsortiumRegistry__factory(deployer).deploy()).waitForDeployment();
  const seed = async (kind: number, name: string, roles: bigint, admin: Wallet | HDNodeWallet) => {
    const key = keccak256(toUtf8Bytes(name));
    await (await registry.bootstrapMember(kind, name, key, key, roles, admin.address)).wait();
  };
  await seed(MemberKind.Government, "gov1", roleSet("VOTER", "DATA_OWNER", "DATA_CONSUMER"), owner);
  await seed(MemberKind.Government, "gov2", roleSet("DATA_OWNER", "DATA_CONSUMER"), consumer);
  await seed(MemberKind.Enterprise, "core", roleSet("DATA_CONSUMER"), core);
  await seed(MemberKind.Enterprise, "supplier", roleSet("RECEIVABLE_HOLDER"), supplier);
  const data = await (await new DataSharing__factory(deployer).deploy(registry)).waitForDeployment();
  const dir = await mkdtemp(join(tmpdir(), "consortia-gateway-"));
  return {
    node,
    provider,
    registry,
    data,
    owner,
    consumer,
    core,
    supplier,
    ids: { gov1: 1, gov2: 2, core: 3, supplier: 4 },
    dir,
  };
}

/** Writes a file and returns its path and keccak256. */
export async function writeDataFile(
  dir: string,
  name: string,
  content: string,
): Promise<{ path: string; hash: string }> {
  const path = join(dir, name);
  await writeFile(path, content);
  return { path, hash: keccak256(toUtf8Bytes(content)) };
}

/** The environment a gateway process would get. */
export function gatewayEnv(fixture: ChainFixture, manifest: string): NodeJS.ProcessEnv {
  return {
    GATEWAY_RPC_URL: fixture.node.url,
    GATEWAY_OPERATOR_KEY: fixture.owner.privateKey,
    GATEWAY_DATA_SHARING: fixture.data.target as string,
    GATEWAY_MANIFEST: manifest,
    GATEWAY_PORT: "0",
    GATEWAY_MAX_SKEW_SECONDS: "30",
    GATEWAY_POLLING_MS: "20",
  };
}
