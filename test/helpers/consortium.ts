import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { keccak256, toUtf8Bytes, type BaseContract, type ContractTransactionResponse } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import { MemberKind, roleSet } from "@consortia/sdk";
import type { ConsortiumRegistry, DepositToken, FreezeOrders, PaymentLedger } from "@consortia/sdk/typechain";
import { deployUpgradeable } from "./upgradeable.js";

/** Roles each seeded test member holds. */
export const TEST_MEMBER_ROLES = {
  bankA: roleSet(
    "VOTER",
    "TOKEN_ISSUER",
    "TOKEN_HOLDER",
    "PAYMENT_BANK",
    "CREDIT_REPORTER",
    "CREDIT_QUERIER",
    "FINANCIER",
    "LC_BANK",
    "GUARANTOR",
    "FORFAITER",
    "DATA_CONSUMER",
  ),
  bankB: roleSet(
    "VOTER",
    "TOKEN_ISSUER",
    "TOKEN_HOLDER",
    "PAYMENT_BANK",
    "CREDIT_REPORTER",
    "CREDIT_QUERIER",
    "FINANCIER",
    "LC_BANK",
    "GUARANTOR",
    "FORFAITER",
  ),
  bankC: roleSet(
    "VOTER",
    "TOKEN_HOLDER",
    "PAYMENT_BANK",
    "CREDIT_QUERIER",
    "FINANCIER",
    "LC_BANK",
    "GUARANTOR",
    "FORFAITER",
  ),
  core: roleSet(
    "RECEIVABLE_OBLIGOR",
    "RECEIVABLE_HOLDER",
    "TOKEN_HOLDER",
    "LC_TRADER",
    "GUARANTEE_PARTY",
    "DATA_OWNER",
    "DATA_CONSUMER",
  ),
  supplier1: roleSet("RECEIVABLE_HOLDER", "TOKEN_HOLDER", "LC_TRADER", "GUARANTEE_PARTY", "DATA_CONSUMER"),
  supplier2: roleSet("RECEIVABLE_HOLDER", "TOKEN_HOLDER", "LC_TRADER", "GUARANTEE_PARTY"),
  supplier3: roleSet("RECEIVABLE_HOLDER", "TOKEN_HOLDER"),
  agency: roleSet("CREDIT_REPORTER", "CREDIT_QUERIER"),
  gov1: roleSet("VOTER", "DATA_OWNER", "DATA_CONSUMER", "CERTIFICATE_ISSUER", "TAX_AUTHORITY", "BUSINESS_REGISTRY"),
  gov2: roleSet("DATA_OWNER", "DATA_CONSUMER", "CUSTOMS", "COURT", "WAREHOUSE"),
  regulator: roleSet("VOTER", "AUDITOR"),
} as const;

export type TestMemberName = keyof typeof TEST_MEMBER_ROLES;

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

/** Threshold the seeded consortium uses: 3 of its 5 voters (bankA, bankB, bankC, gov1, regulator). */
export const TEST_THRESHOLD = 3;

export interface Platform {
  registry: ConsortiumRegistry;
  token: DepositToken;
  /** The register of freeze orders the token (and the certificates and market built on this platform) obey. */
  freezeOrders: FreezeOrders;
  ledger: PaymentLedger;
  deployer: HardhatEthersSigner;
  /** The admin account of each seeded member. */
  accounts: Record<TestMemberName, HardhatEthersSigner>;
  /** The id of each seeded member. */
  ids: Record<TestMemberName, number>;
  /** Signers that belong to no member. */
  outsiders: HardhatEthersSigner[];
  /** Registers suite contracts that hold or move settlement, then ends bootstrap with `TEST_THRESHOLD`. */
  finishBootstrap(systemContracts?: BaseContract[]): Promise<void>;
}

/**
 * Deploys registry, deposit token and payment ledger and seeds eleven members (three banks, a core enterprise, three
 * suppliers, a credit agency, two government departments, a regulator), each with one admin account. Bootstrap stays
 * open so that an application test can register its contracts before calling `finishBootstrap`.
 */
export async function deployPlatform(connection: NetworkConnection): Promise<Platform> {
  const { ethers } = connection;
  const registry = await deployUpgradeable(ethers, "ConsortiumRegistry");
  const freezeOrders = await deployUpgradeable(ethers, "FreezeOrders", [registry]);
  const token = await deployUpgradeable(
    ethers,
    "DepositToken",
    [registry, freezeOrders],
    ["Consortia Deposit CNY", "dCNY", 2],
  );
  const ledger = await deployUpgradeable(ethers, "PaymentLedger", [registry]);
  const { deployer, accounts, ids, outsiders } = await seedTestMembers(connection, registry);

  async function finishBootstrap(systemContracts: BaseContract[] = []): Promise<void> {
    for (const contract of systemContracts) await registry.bootstrapSystemContract(contract);
    await registry.endBootstrap(TEST_THRESHOLD);
  }

  return { registry, token, freezeOrders, ledger, deployer, accounts, ids, outsiders, finishBootstrap };
}

/**
 * Seeds the eleven test members into a registry still in bootstrap, signer i+1 as the admin account of member i (the
 * deployer, signer 0, is the bootstrapper). The signers after them belong to no member.
 */
export async function seedTestMembers(
  { ethers }: NetworkConnection,
  registry: ConsortiumRegistry,
): Promise<Pick<Platform, "deployer" | "accounts" | "ids" | "outsiders">> {
  const signers = await ethers.getSigners();
  const [deployer] = signers;
  const names = Object.keys(TEST_MEMBER_ROLES) as TestMemberName[];
  const accounts = {} as Record<TestMemberName, HardhatEthersSigner>;
  const ids = {} as Record<TestMemberName, number>;
  for (const [index, name] of names.entries()) {
    const signer = signers[index + 1];
    await registry.bootstrapMember(
      KINDS[name],
      name,
      keccak256(toUtf8Bytes(`registration:${name}`)),
      keccak256(toUtf8Bytes(`encryption-key:${name}`)),
      TEST_MEMBER_ROLES[name],
      signer.address,
    );
    accounts[name] = signer;
    ids[name] = Number(await registry.memberOf(signer.address));
  }
  return { deployer, accounts, ids, outsiders: signers.slice(names.length + 1) };
}

/**
 * Passes a governance proposal: bankA proposes, bankB and bankC approve (3 of 5), bankA executes.
 * Returns the execution transaction.
 */
export async function passProposal(
  platform: Platform,
  target: BaseContract,
  data: string,
  description = "test proposal",
): Promise<ContractTransactionResponse> {
  const { registry, accounts } = platform;
  const id = await proposeAndGetId(platform, target, data, description);
  await registry.connect(accounts.bankB).approve(id);
  await registry.connect(accounts.bankC).approve(id);
  return registry.connect(accounts.bankA).execute(id);
}

/** Creates a proposal from bankA and returns its id. */
export async function proposeAndGetId(
  { registry, accounts }: Platform,
  target: BaseContract,
  data: string,
  description = "test proposal",
): Promise<bigint> {
  const proposer = registry.connect(accounts.bankA);
  const descriptionHash = keccak256(toUtf8Bytes(description));
  const id = await proposer.propose.staticCall(target, data, descriptionHash);
  await proposer.propose(target, data, descriptionHash);
  return id;
}

/** Mints settlement tokens to `to` from bankA (an issuing bank). */
export async function fund(platform: Platform, to: HardhatEthersSigner | string, amount: bigint): Promise<void> {
  const address = typeof to === "string" ? to : to.address;
  await platform.token.connect(platform.accounts.bankA).mint(address, amount);
}
