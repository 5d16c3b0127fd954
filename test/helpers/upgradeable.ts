import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  BaseContract,
  getAddress,
  resolveAddress,
  zeroPadValue,
  type Addressable,
  type ContractTransactionResponse,
  type Provider,
  type Signer,
} from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import { SuiteProxy__factory } from "@consortia/sdk/typechain";
import type * as Typechain from "@consortia/sdk/typechain";
import { IMPLEMENTATION_SLOT } from "../../src/upgrades/contracts.js";

/** The implementation a proxy runs now, read from its ERC-1967 slot. */
export async function implementationOf(provider: Provider, proxy: Addressable): Promise<string> {
  const word = await provider.getStorage(await proxy.getAddress(), IMPLEMENTATION_SLOT);
  return getAddress(`0x${zeroPadValue(word, 32).slice(26)}`);
}

/** The suite contracts that sit behind a `SuiteProxy`, by artifact name. */
export interface UpgradeableContracts {
  ConsortiumRegistry: Typechain.ConsortiumRegistry;
  DepositToken: Typechain.DepositToken;
  PaymentLedger: Typechain.PaymentLedger;
  FinancedDocuments: Typechain.FinancedDocuments;
  FreezeOrders: Typechain.FreezeOrders;
  CreditBlacklist: Typechain.CreditBlacklist;
  DataSharing: Typechain.DataSharing;
  ECertificates: Typechain.ECertificates;
  ReceivableCertificate: Typechain.ReceivableCertificate;
  ReceivableDesk: Typechain.ReceivableDesk;
  IssuanceLimits: Typechain.IssuanceLimits;
  FinancingRequests: Typechain.FinancingRequests;
  RecourseClaims: Typechain.RecourseClaims;
  MaturityArrangements: Typechain.MaturityArrangements;
  InterbankPositions: Typechain.InterbankPositions;
  LetterOfCredit: Typechain.LetterOfCredit;
  LcApplicantAccounts: Typechain.LcApplicantAccounts;
  LcPresentationChecks: Typechain.LcPresentationChecks;
  LcConfirmations: Typechain.LcConfirmations;
  LcTransfers: Typechain.LcTransfers;
  BankGuarantees: Typechain.BankGuarantees;
  ForfaitingMarket: Typechain.ForfaitingMarket;
  ConsortiumCalendar: Typechain.ConsortiumCalendar;
  ApprovalProcesses: Typechain.ApprovalProcesses;
  AuthorityAttestations: Typechain.AuthorityAttestations;
  WarehouseReceipts: Typechain.WarehouseReceipts;
}
export type UpgradeableName = keyof UpgradeableContracts;

/**
 * Deploys `name` as Ignition does (ignition/modules/upgradeable.ts): the implementation with `constructorArgs`, then a
 * `SuiteProxy` whose constructor runs `initialize(...initializeArgs)`. Returns the proxy through the implementation's
 * ABI, connected to `signer` (the first signer by default), which is also the account that initializes it.
 */
export async function deployUpgradeable<N extends UpgradeableName>(
  ethers: NetworkConnection["ethers"],
  name: N,
  constructorArgs: unknown[] = [],
  initializeArgs: unknown[] = [],
  signer?: HardhatEthersSigner,
): Promise<UpgradeableContracts[N]> {
  const deployer = signer ?? (await ethers.getSigners())[0];
  const implementation = await ethers.deployContract(name, constructorArgs, deployer);
  return (await deployProxy(implementation, initializeArgs, deployer)) as unknown as UpgradeableContracts[N];
}

/**
 * Puts a deployed implementation behind a new `SuiteProxy` that runs `initialize(...initializeArgs)` as `signer`.
 * Returns the proxy with the implementation's ABI; its `deploymentTransaction()` is the proxy's (the first block in
 * which the contract's address emits events).
 */
export async function deployProxy<C extends BaseContract>(
  implementation: C,
  initializeArgs: unknown[],
  signer: Signer,
): Promise<C> {
  const data = implementation.interface.encodeFunctionData("initialize", await resolveAll(initializeArgs));
  const proxy = await new SuiteProxy__factory(signer).deploy(implementation, data);
  await proxy.waitForDeployment();
  const deployTx = proxy.deploymentTransaction() as ContractTransactionResponse;
  return new BaseContract(await proxy.getAddress(), implementation.interface, signer, deployTx) as C;
}

/** Arguments with every contract or signer replaced by its address (as `deployContract` does for constructors). */
async function resolveAll(args: unknown[]): Promise<unknown[]> {
  return Promise.all(
    args.map(async (arg): Promise<unknown> => {
      if (Array.isArray(arg)) return resolveAll(arg);
      if (typeof arg === "object" && arg !== null && "getAddress" in arg) {
        return resolveAddress(arg as Parameters<typeof resolveAddress>[0]);
      }
      return arg;
    }),
  );
}
