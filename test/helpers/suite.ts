import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { keccak256, toUtf8Bytes, type BaseContract } from "ethers";
import hre from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import ConsortiaModule from "../../ignition/modules/Consortia.js";
import type {
  ApprovalProcesses,
  AuthorityAttestations,
  BankGuarantees,
  ConsortiumCalendar,
  ConsortiumRegistry,
  CreditBlacklist,
  DataSharing,
  DepositToken,
  ECertificates,
  ForfaitingMarket,
  InterbankPositions,
  LetterOfCredit,
  LcApplicantAccounts,
  LcPresentationChecks,
  LcConfirmations,
  LcTransfers,
  FinancedDocuments,
  FinancingRequests,
  RecourseClaims,
  MaturityArrangements,
  FreezeOrders,
  IssuanceLimits,
  PaymentLedger,
  ReceivableCertificate,
  ReceivableDesk,
  WarehouseReceipts,
} from "@consortia/sdk/typechain";
import { seedTestMembers, type Platform, type TestMemberName } from "./consortium.js";

/** Access levels of IConsortiumRegistry. */
export const AccessLevel = { None: 0, ReadOnly: 1, Transact: 2, Admin: 3 } as const;

/** Every contract of the suite, as `npm run deploy` deploys it (the Ignition module `Consortia`). */
export interface SuiteContracts {
  registry: ConsortiumRegistry;
  token: DepositToken;
  ledger: PaymentLedger;
  financedDocuments: FinancedDocuments;
  freezeOrders: FreezeOrders;
  calendar: ConsortiumCalendar;
  blacklist: CreditBlacklist;
  dataSharing: DataSharing;
  eCertificates: ECertificates;
  receivableCertificates: ReceivableCertificate;
  receivableDesk: ReceivableDesk;
  issuanceLimits: IssuanceLimits;
  financingRequests: FinancingRequests;
  recourseClaims: RecourseClaims;
  maturityArrangements: MaturityArrangements;
  positions: InterbankPositions;
  letterOfCredit: LetterOfCredit;
  lcApplicantAccounts: LcApplicantAccounts;
  lcPresentationChecks: LcPresentationChecks;
  lcConfirmations: LcConfirmations;
  lcTransfers: LcTransfers;
  guarantees: BankGuarantees;
  forfaiting: ForfaitingMarket;
  approvals: ApprovalProcesses;
  attestations: AuthorityAttestations;
  warehouseReceipts: WarehouseReceipts;
}

/** Accounts beside the members' admin accounts, each in a standing the security tests need. */
export interface StandingAccounts {
  /** A second Transact account of bankA. */
  bankA2: HardhatEthersSigner;
  /** A ReadOnly account of bankB. */
  bankBReadOnly: HardhatEthersSigner;
  /** An account of bankC that governance blacklists in `blacklistAccount`. */
  bankCSpare: HardhatEthersSigner;
  /** A Transact account of supplier2. */
  supplier2Spare: HardhatEthersSigner;
}

export interface Suite extends Platform, SuiteContracts {
  standing: StandingAccounts;
  /** Suspends a member by a passed governance proposal. */
  suspend(member: TestMemberName): Promise<void>;
  /** Reinstates a suspended member. */
  reinstate(member: TestMemberName): Promise<void>;
  /** Blacklists an account by a passed governance proposal. */
  blacklistAccount(account: HardhatEthersSigner | string): Promise<void>;
}

/**
 * Deploys the whole suite through the same Ignition module as `npm run deploy`, seeds the test members of
 * `helpers/consortium.ts` (plus a few accounts in particular standings), ends bootstrap, and funds the banks and
 * enterprises with settlement tokens. Contract-agnostic on purpose: whatever the module deploys (plain contracts or
 * proxies) is what the tests drive.
 */
export async function deploySuite(
  connection: NetworkConnection,
  options: { ignitionDir?: string } = {},
): Promise<Suite> {
  const { ethers } = connection;
  const deployed = (await deployModule(connection, options.ignitionDir)) as unknown as Record<string, BaseContract>;
  const at = async <T>(name: string, key: string): Promise<T> =>
    (await ethers.getContractAt(name, await deployed[key].getAddress())) as unknown as T;
  const contracts: SuiteContracts = {
    registry: await at("ConsortiumRegistry", "registry"),
    token: await at("DepositToken", "token"),
    ledger: await at("PaymentLedger", "ledger"),
    financedDocuments: await at("FinancedDocuments", "financedDocuments"),
    freezeOrders: await at("FreezeOrders", "freezeOrders"),
    calendar: await at("ConsortiumCalendar", "calendar"),
    blacklist: await at("CreditBlacklist", "blacklist"),
    dataSharing: await at("DataSharing", "dataSharing"),
    eCertificates: await at("ECertificates", "eCertificates"),
    receivableCertificates: await at("ReceivableCertificate", "receivableCertificates"),
    receivableDesk: await at("ReceivableDesk", "receivableDesk"),
    issuanceLimits: await at("IssuanceLimits", "issuanceLimits"),
    financingRequests: await at("FinancingRequests", "financingRequests"),
    recourseClaims: await at("RecourseClaims", "recourseClaims"),
    maturityArrangements: await at("MaturityArrangements", "maturityArrangements"),
    positions: await at("InterbankPositions", "positions"),
    letterOfCredit: await at("LetterOfCredit", "letterOfCredit"),
    lcApplicantAccounts: await at("LcApplicantAccounts", "lcApplicantAccounts"),
    lcPresentationChecks: await at("LcPresentationChecks", "lcPresentationChecks"),
    lcConfirmations: await at("LcConfirmations", "lcConfirmations"),
    lcTransfers: await at("LcTransfers", "lcTransfers"),
    guarantees: await at("BankGuarantees", "guarantees"),
    forfaiting: await at("ForfaitingMarket", "forfaiting"),
    approvals: await at("ApprovalProcesses", "approvals"),
    attestations: await at("AuthorityAttestations", "attestations"),
    warehouseReceipts: await at("WarehouseReceipts", "warehouseReceipts"),
  };
  const { registry } = contracts;
  const { accounts, ids, outsiders, deployer } = await seedTestMembers(connection, registry);
  const [bankA2, bankBReadOnly, bankCSpare, supplier2Spare, ...rest] = outsiders;
  await registry.connect(accounts.bankA).addAccount(ids.bankA, bankA2, AccessLevel.Transact);
  await registry.connect(accounts.bankB).addAccount(ids.bankB, bankBReadOnly, AccessLevel.ReadOnly);
  await registry.connect(accounts.bankC).addAccount(ids.bankC, bankCSpare, AccessLevel.Transact);
  await registry.connect(accounts.supplier2).addAccount(ids.supplier2, supplier2Spare, AccessLevel.Transact);
  const platform: Platform = {
    registry,
    token: contracts.token,
    freezeOrders: contracts.freezeOrders,
    ledger: contracts.ledger,
    deployer,
    accounts,
    ids,
    outsiders: rest,
    finishBootstrap: async () => {
      throw new Error("the suite fixture has ended bootstrap");
    },
  };
  await registry.endBootstrap(3);

  const supply = 1_000_000_000n;
  for (const name of ["bankA", "bankB", "bankC", "core", "supplier1", "supplier2"] as const) {
    await contracts.token.connect(accounts.bankA).mint(accounts[name], supply);
  }
  await contracts.token.connect(accounts.bankA).mint(bankA2, supply);

  /** Passes a registry proposal with three voters in good standing other than `exclude` (VOTER is role bit 0). */
  const govern = async (data: string, exclude?: TestMemberName) => {
    const voters: TestMemberName[] = [];
    for (const v of ["bankA", "bankB", "bankC", "gov1", "regulator"] as const) {
      if (v !== exclude && (await registry.isAuthorized(accounts[v], 1n))) voters.push(v);
    }
    const [proposer, ...approvers] = voters.slice(0, 3).map((v) => registry.connect(accounts[v]));
    const description = keccak256(toUtf8Bytes(`suite proposal ${++proposals}`));
    const id = await proposer.propose.staticCall(registry, data, description);
    await proposer.propose(registry, data, description);
    for (const approver of approvers) await approver.approve(id);
    await proposer.execute(id);
  };
  let proposals = 0;
  const suspend = async (member: TestMemberName) => {
    await govern(registry.interface.encodeFunctionData("suspendMember", [ids[member]]), member);
  };
  const reinstate = async (member: TestMemberName) => {
    await govern(registry.interface.encodeFunctionData("reinstateMember", [ids[member]]), member);
  };
  const blacklistAccount = async (account: HardhatEthersSigner | string) => {
    const address = typeof account === "string" ? account : account.address;
    await govern(registry.interface.encodeFunctionData("blacklistAccount", [address]));
  };
  return {
    ...platform,
    ...contracts,
    standing: { bankA2, bankBReadOnly, bankCSpare, supplier2Spare },
    suspend,
    reinstate,
    blacklistAccount,
  };
}

/**
 * Deploys the Ignition module. On a real node Ignition journals under `<paths.ignition>/deployments/<id>`; a test
 * gives a temporary `ignitionDir` so that nothing lands in the work tree, even when the run is killed. Ignition reads
 * the directory from the Hardhat config at each deploy and has no per-deploy option for it: the config's path is set
 * for this one deploy.
 */
async function deployModule(connection: NetworkConnection, ignitionDir: string | undefined): Promise<unknown> {
  const paths = hre.config.paths as { ignition: string };
  const previous = paths.ignition;
  if (ignitionDir !== undefined) paths.ignition = ignitionDir;
  try {
    return await connection.ignition.deploy(ConsortiaModule, { displayUi: false });
  } finally {
    paths.ignition = previous;
  }
}
