import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HDNodeWallet, JsonRpcProvider, keccak256, Mnemonic, toUtf8Bytes, type Wallet } from "ethers";
import { generateEncryptionKeyPair, MemberKind, roleSet, type EncryptionKeyPair } from "@consortia/sdk";
import {
  ConsortiumRegistry__factory,
  DataSharing__factory,
  type ConsortiumRegistry,
  type DataSharing,
} from "@consortia/sdk/typechain";
import { startNode, type NodeProcess } from "../helpers/node-process.js";
import { deployProxy } from "../helpers/upgradeable.js";

/** The standard Hardhat test mnemonic: the accounts `hardhat node` funds and unlocks. */
export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

export function hardhatWallet(index: number, provider: JsonRpcProvider): HDNodeWallet {
  const phrase = Mnemonic.fromPhrase(HARDHAT_MNEMONIC);
  return HDNodeWallet.fromMnemonic(phrase, `m/44'/60'/0'/0/${index}`).connect(provider);
}

/** The node a fixture runs on: only its URL and how to stop it (a no-op for a node someone else runs). */
export type FixtureNode = Pick<NodeProcess, "url" | "stop">;

export interface ChainFixture {
  node: FixtureNode;
  provider: JsonRpcProvider;
  registry: ConsortiumRegistry;
  data: DataSharing;
  /** gov1: owns the datasets; its key runs the gateway. */
  owner: HDNodeWallet;
  /** gov2 and core: consumers; supplier: a member without data roles. */
  consumer: HDNodeWallet;
  core: HDNodeWallet;
  supplier: HDNodeWallet;
  /** The regulator: holds AUDITOR (reads the stored signed requests of any access). */
  auditor: HDNodeWallet;
  ids: { gov1: number; gov2: number; core: number; supplier: number; auditor: number };
  /** Each member's X25519 key pair; the registry holds the public halves (the gateway seals files to them). */
  keys: {
    gov1: EncryptionKeyPair;
    gov2: EncryptionKeyPair;
    core: EncryptionKeyPair;
    supplier: EncryptionKeyPair;
    auditor: EncryptionKeyPair;
  };
  dir: string;
}

/**
 * Starts a real `hardhat node` (or uses `existing`: a running one with the Hardhat test mnemonic's accounts funded),
 * deploys the registry and DataSharing with ethers `ContractFactory`s over JSON-RPC, seeds four members (bootstrap
 * left open: no governance needed here) and writes a working folder for files.
 */
export async function deployOnNode(existing?: FixtureNode): Promise<ChainFixture> {
  const node = existing ?? (await startNode());
  const provider = new JsonRpcProvider(node.url, undefined, {
    batchMaxCount: 1,
    cacheTimeout: -1,
  });
  provider.pollingInterval = 50;
  const [deployer, owner, consumer, core, supplier, auditor] = [0, 1, 2, 3, 4, 5].map((i) =>
    hardhatWallet(i, provider),
  );
  const registry = await deployProxy(await new ConsortiumRegistry__factory(deployer).deploy(), [], deployer);
  const keys = {
    gov1: generateEncryptionKeyPair(),
    gov2: generateEncryptionKeyPair(),
    core: generateEncryptionKeyPair(),
    supplier: generateEncryptionKeyPair(),
    auditor: generateEncryptionKeyPair(),
  };
  const seed = async (kind: number, name: keyof typeof keys, roles: bigint, admin: Wallet | HDNodeWallet) => {
    const registration = keccak256(toUtf8Bytes(name));
    await (await registry.bootstrapMember(kind, name, registration, keys[name].publicKey, roles, admin.address)).wait();
  };
  await seed(MemberKind.Government, "gov1", roleSet("VOTER", "DATA_OWNER", "DATA_CONSUMER"), owner);
  await seed(MemberKind.Government, "gov2", roleSet("DATA_OWNER", "DATA_CONSUMER"), consumer);
  await seed(MemberKind.Enterprise, "core", roleSet("DATA_CONSUMER"), core);
  await seed(MemberKind.Enterprise, "supplier", roleSet("RECEIVABLE_HOLDER"), supplier);
  await seed(MemberKind.Regulator, "auditor", roleSet("VOTER", "AUDITOR"), auditor);
  const data = await deployProxy(await new DataSharing__factory(deployer).deploy(registry), [], deployer);
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
    auditor,
    ids: { gov1: 1, gov2: 2, core: 3, supplier: 4, auditor: 5 },
    keys,
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

let stores = 0;

/** The environment a gateway process would get; each call names a new store in the fixture's folder unless given. */
export function gatewayEnv(fixture: ChainFixture, manifest: string, store?: string): NodeJS.ProcessEnv {
  return {
    GATEWAY_STORE: store ?? join(fixture.dir, `store-${++stores}`),
    GATEWAY_RPC_URL: fixture.node.url,
    GATEWAY_OPERATOR_KEY: fixture.owner.privateKey,
    GATEWAY_DATA_SHARING: fixture.data.target as string,
    GATEWAY_MANIFEST: manifest,
    GATEWAY_PORT: "0",
    GATEWAY_MAX_SKEW_SECONDS: "30",
    GATEWAY_POLLING_MS: "20",
  };
}
