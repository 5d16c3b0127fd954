import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, keccak256, toUtf8Bytes, type JsonRpcSigner } from "ethers";
import {
  ConsortiumRegistry__factory,
  DepositToken__factory,
  EventFlood__factory,
  FreezeOrders__factory,
  PaymentLedger__factory,
  type ConsortiumRegistry,
  type DepositToken,
  type EventFlood,
  type FreezeOrders,
  type PaymentLedger,
} from "@consortia/sdk/typechain";
import { TEST_MEMBER_ROLES, type TestMemberName } from "../helpers/consortium.js";
import { rpc, startNode, type NodeProcess } from "../helpers/node-process.js";
import { MemberKind, type Deployment } from "@consortia/sdk";
import { deployProxy } from "../helpers/upgradeable.js";

const KINDS: Record<TestMemberName, number> = {
  bankA: MemberKind.Bank,
  bankB: MemberKind.Bank,
  bankC: MemberKind.Bank,
  core: MemberKind.Enterprise,
  supplier1: MemberKind.Enterprise,
  supplier2: MemberKind.Enterprise,
  supplier3: MemberKind.Enterprise,
  agency: MemberKind.CreditAgency,
  gov1: MemberKind.Government,
  gov2: MemberKind.Government,
  regulator: MemberKind.Regulator,
};

/** A real `hardhat node` with the platform deployed over JSON-RPC, and the deployments file the indexer reads. */
export interface TestChain {
  node: NodeProcess;
  url: string;
  provider: JsonRpcProvider;
  deployer: JsonRpcSigner;
  accounts: Record<TestMemberName, JsonRpcSigner>;
  ids: Record<TestMemberName, number>;
  outsiders: JsonRpcSigner[];
  registry: ConsortiumRegistry;
  token: DepositToken;
  freezeOrders: FreezeOrders;
  ledger: PaymentLedger;
  flood: EventFlood;
  deployments: Deployment;
  deploymentsPath: string;
  dir: string;
  stop(): Promise<void>;
}

export async function startChain(): Promise<TestChain> {
  const node = await startNode();
  const provider = new JsonRpcProvider(node.url, undefined, {
    staticNetwork: true,
    batchMaxCount: 1,
    polling: true,
    pollingInterval: 50,
  });
  // A fresh node is at block 0 with its clock at the wall clock: anything else means another process answers on the
  // port (a node left over by an earlier suite) or something moved this node already, and every time-based step of the
  // suite would be off. Fail here with what was found rather than with a deadline revert later.
  const head = await provider.getBlock("latest");
  const skew = head!.timestamp - Math.floor(Date.now() / 1000);
  if (head!.number !== 0 || Math.abs(skew) > 3_600) {
    await node.stop();
    throw new Error(`the node at ${node.url} is not fresh: block ${head!.number}, clock ${skew} s from the wall clock`);
  }
  const signers = await Promise.all(Array.from({ length: 16 }, (_, i) => provider.getSigner(i)));
  const deployer = signers[0];
  const registry = await deployProxy(await new ConsortiumRegistry__factory(deployer).deploy(), [], deployer);
  await registry.waitForDeployment();
  const firstBlock = (await registry.deploymentTransaction()!.wait())!.blockNumber;
  const freezeOrders = await deployProxy(await new FreezeOrders__factory(deployer).deploy(registry), [], deployer);
  await freezeOrders.waitForDeployment();
  const token = await deployProxy(
    await new DepositToken__factory(deployer).deploy(registry, freezeOrders),
    ["Consortia Deposit CNY", "dCNY", 2],
    deployer,
  );
  const ledger = await deployProxy(await new PaymentLedger__factory(deployer).deploy(registry), [], deployer);
  const flood = await new EventFlood__factory(deployer).deploy(token, ledger);
  await Promise.all([token.waitForDeployment(), ledger.waitForDeployment(), flood.waitForDeployment()]);
  const names = Object.keys(TEST_MEMBER_ROLES) as TestMemberName[];
  const accounts = {} as Record<TestMemberName, JsonRpcSigner>;
  const ids = {} as Record<TestMemberName, number>;
  for (const [index, name] of names.entries()) {
    const signer = signers[index + 1];
    await (
      await registry.bootstrapMember(
        KINDS[name],
        name,
        keccak256(toUtf8Bytes(`registration:${name}`)),
        keccak256(toUtf8Bytes(`encryption-key:${name}`)),
        TEST_MEMBER_ROLES[name],
        signer.address,
      )
    ).wait();
    accounts[name] = signer;
    ids[name] = index + 1;
  }
  await (await registry.bootstrapSystemContract(flood)).wait();
  await (await registry.endBootstrap(3)).wait();
  const block = async (c: { deploymentTransaction(): unknown; getAddress(): Promise<string> }) => ({
    address: await c.getAddress(),
    block: firstBlock,
  });
  const deployments: Deployment = {
    chainId: 1337,
    deploymentBlock: firstBlock,
    contracts: {
      ConsortiumRegistry: await block(registry),
      DepositToken: await block(token),
      FreezeOrders: await block(freezeOrders),
      PaymentLedger: await block(ledger),
      EventFlood: await block(flood),
    },
  };
  const dir = mkdtempSync(join(tmpdir(), "consortia-indexer-"));
  const deploymentsPath = join(dir, "1337.json");
  writeFileSync(deploymentsPath, JSON.stringify(deployments, null, 2));
  return {
    node,
    url: node.url,
    provider,
    deployer,
    accounts,
    ids,
    outsiders: signers.slice(names.length + 1),
    registry,
    token,
    freezeOrders,
    ledger,
    flood,
    deployments,
    deploymentsPath,
    dir,
    async stop() {
      provider.destroy();
      await node.stop();
    },
  };
}

/** Passes a governance proposal: bankA proposes, bankB and bankC approve, bankA executes. */
export async function passProposal(
  chain: TestChain,
  target: string,
  data: string,
  description = "proposal",
): Promise<bigint> {
  const { registry, accounts } = chain;
  const hash = keccak256(toUtf8Bytes(description));
  const id = await registry.connect(accounts.bankA).propose.staticCall(target, data, hash);
  await (await registry.connect(accounts.bankA).propose(target, data, hash)).wait();
  await (await registry.connect(accounts.bankB).approve(id)).wait();
  await (await registry.connect(accounts.bankC).approve(id)).wait();
  await (await registry.connect(accounts.bankA).execute(id)).wait();
  return id;
}

/** Mints to the flood contract and makes `rounds` × recipients real token transfers per transaction. */
export async function floodTransfers(chain: TestChain, transactions: number, rounds: number): Promise<number> {
  const recipients = [chain.accounts.core.address, chain.accounts.supplier1.address, chain.accounts.supplier2.address];
  const perTx = rounds * recipients.length;
  await (
    await chain.token.connect(chain.accounts.bankA).mint(await chain.flood.getAddress(), BigInt(perTx * transactions))
  ).wait();
  for (let i = 0; i < transactions; i++)
    await (await chain.flood.flood(recipients, 1, rounds, { gasLimit: 29_000_000 })).wait();
  return perTx * transactions;
}

/** A mixed scenario over every platform event family. Returns the number of the last block. */
export async function platformScenario(chain: TestChain): Promise<number> {
  const { registry, token, accounts, ids, outsiders, flood } = chain;
  const bankA = token.connect(accounts.bankA);
  await (await bankA.mint(accounts.core.address, 10_000n)).wait();
  await (await bankA.mint(accounts.supplier1.address, 5_000n)).wait();
  await (await token.connect(accounts.core).transfer(accounts.supplier1.address, 1_250n)).wait();
  await (await token.connect(accounts.supplier1).transfer(accounts.bankA.address, 300n)).wait();
  await (await bankA.burn(100n)).wait();
  await (await registry.connect(accounts.core).addAccount(ids.core, outsiders[0].address, 2)).wait();
  await (await registry.connect(accounts.core).setAccount(outsiders[0].address, 2, 2)).wait();
  await (await registry.connect(accounts.bankB).setEncryptionKey(keccak256(toUtf8Bytes("new key")))).wait();
  await (await registry.connect(accounts.bankC).addNode("enode://c1@10.0.0.3:30303")).wait();
  await (await registry.connect(accounts.bankC).addNode("enode://c2@10.0.0.4:30303")).wait();
  const nodeId = keccak256(toUtf8Bytes("enode://c1@10.0.0.3:30303"));
  await (await registry.connect(accounts.bankC).removeNode(nodeId)).wait();
  const registryAddress = await registry.getAddress();
  await passProposal(
    chain,
    registryAddress,
    registry.interface.encodeFunctionData("suspendMember", [ids.supplier3]),
    "suspend s3",
  );
  await passProposal(
    chain,
    registryAddress,
    registry.interface.encodeFunctionData("setRoles", [ids.gov2, 1n << 6n]),
    "roles gov2",
  );
  await passProposal(
    chain,
    registryAddress,
    registry.interface.encodeFunctionData("setVotingPeriod", [2 * 86_400]),
    "period",
  );
  const hash = keccak256(toUtf8Bytes("cancel me"));
  const cancelled = await registry.connect(accounts.bankA).propose.staticCall(registryAddress, "0x", hash);
  await (await registry.connect(accounts.bankA).propose(registryAddress, "0x", hash)).wait();
  await (await registry.connect(accounts.gov1).approve(cancelled)).wait();
  await (await registry.connect(accounts.bankA).cancel(cancelled)).wait();
  await (
    await flood.connect(accounts.bankB).recordPayment(ids.core, ids.supplier1, 777n, keccak256(toUtf8Bytes("MT103-1")))
  ).wait();
  await (
    await flood.connect(accounts.bankA).recordPayment(ids.supplier2, ids.core, 1n, keccak256(toUtf8Bytes("MT103-2")))
  ).wait();
  await floodTransfers(chain, 2, 5);
  return Number(await rpc<string>(chain.url, "eth_blockNumber"));
}

export async function mine(url: string, blocks = 1): Promise<void> {
  for (let i = 0; i < blocks; i++) await rpc(url, "evm_mine");
}
