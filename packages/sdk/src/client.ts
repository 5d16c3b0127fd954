/**
 * `createConsortia({ runner, deployment })`: typed clients for every application of the suite over one ethers v6
 * signer or provider. Browser-safe: loading a deployments file from a directory (Node only) is a dynamic import.
 */
import {
  Contract,
  getAddress,
  isAddress,
  type ContractRunner,
  type Interface,
  type Provider,
  type Signer,
} from "ethers";
import { interfaceOf } from "./abi.js";
import { CLIENTS, type ClientName } from "./clients/index.js";
import type { ClientContext, ClientDefinition, ContractFactoryLike, SendOptions } from "./clients/define.js";
import { ReadOnlyClientError } from "./clients/define.js";
import type { Deployment } from "./deployments.js";
import { ContractError, toContractError } from "./errors.js";
import { ParsedLogsReceipt } from "./eventLogs.js";
import { ManagedSigner, withNonceManager, type GasLimits } from "./nonce.js";
import {
  TransactionDroppedError,
  TransactionReplacedError,
  TransactionTimeoutError,
  waitForReceipt,
} from "./receipts.js";

/** The deployment is missing a contract, malformed, or for another chain than the runner's. */
export class DeploymentMismatchError extends Error {
  override name = "DeploymentMismatchError";
}

export interface CreateConsortiaOptions {
  /** An ethers v6 Signer (to send) or Provider (read only). */
  runner: Signer | Provider;
  /**
   * A parsed `deployments/<chainId>.json` object, or `{ directory }` to load `<directory>/<chainId>.json` for the
   * runner's chain (Node only).
   */
  deployment: Deployment | { directory: string };
  /** Wrap a signer in a nonce manager for concurrent sends (default true). */
  manageNonces?: boolean;
  /** Check that the runner's chain id matches the deployment's (default true; one `eth_chainId` call). */
  checkChainId?: boolean;
  /** How long `send` waits for a receipt before `TransactionTimeoutError` (default 120 s; `SendOptions.timeoutMs`). */
  receiptTimeoutMs?: number;
  /**
   * Known gas limits for the nonce manager (default: estimate every send), e.g. `new ReusedGasEstimates()` for a
   * steady business workload on a free-gas network: no `eth_estimateGas` per send (see nonce.ts).
   */
  gasLimits?: GasLimits;
  /**
   * Over a local key (ethers `Wallet`) and a JSON-RPC provider, sign and submit in the SDK and wait for receipts
   * through one `ReceiptWatcher` per provider (default true; see nonce.ts and watcher.ts).
   */
  localSigning?: boolean;
}

/** A wait that ended without our receipt: passed on as is (no revert to decode). */
function isWaitError(error: unknown): boolean {
  return (
    error instanceof TransactionTimeoutError ||
    error instanceof TransactionDroppedError ||
    error instanceof TransactionReplacedError
  );
}

/** The clients, one property per entry of `CLIENTS`, each built on first access. */
export type ConsortiaClients = {
  readonly [K in ClientName]: (typeof CLIENTS)[K] extends ClientDefinition<infer C> ? C : never;
};

export interface Consortia extends ConsortiaClients {
  readonly deployment: Deployment;
  readonly runner: ContractRunner;
  readonly provider: Provider;
  readonly signer: Signer | undefined;
  readonly chainId: number;
  /** Whether the deployment holds every contract of an application (for suites deployed without it). */
  has(client: ClientName): boolean;
}

/** Builds the suite's clients. Throws `DeploymentMismatchError` for a deployment of another chain. */
export async function createConsortia(options: CreateConsortiaOptions): Promise<Consortia> {
  const provider = providerOf(options.runner);
  const isSigner = "getAddress" in options.runner && typeof options.runner.getAddress === "function";
  const signer = isSigner
    ? options.manageNonces === false
      ? (options.runner as Signer)
      : withNonceManager(options.runner as Signer, { gasLimits: options.gasLimits, localSigning: options.localSigning })
    : undefined;
  const runner: ContractRunner = signer ?? provider;

  let deployment: Deployment;
  if ("directory" in options.deployment) {
    const chainId = (await provider.getNetwork()).chainId;
    deployment = await loadDeploymentFile(options.deployment.directory, chainId);
  } else {
    deployment = checkDeployment(options.deployment);
    if (options.checkChainId !== false) {
      const chainId = Number((await provider.getNetwork()).chainId);
      if (chainId !== deployment.chainId) {
        throw new DeploymentMismatchError(
          `wrong network: the node is chain ${chainId} but the deployment is for chain ${deployment.chainId}`,
        );
      }
    }
  }

  const context: ClientContext = {
    runner,
    provider,
    signer,
    deployment,
    has: (name) => deployment.contracts[name] !== undefined,
    address: (name) => addressIn(deployment, name),
    // ethers' Contract over an interface shared per ABI that hashes each signature once (abi.ts); what the factory's
    // own connect builds otherwise (`new Contract(address, abi, runner)`).
    connect: <C>(name: string, factory: ContractFactoryLike<C>) =>
      new Contract(addressIn(deployment, name), interfaceOf(factory.abi), runner) as unknown as C,
    signerAddress: async () => {
      if (signer === undefined) throw new ReadOnlyClientError();
      return signer.getAddress();
    },
    decode: (error, to) => toContractError(error, { to, deployment }),
    send: async (contract, transaction, sendOptions?: SendOptions) => {
      if (signer === undefined) throw new ReadOnlyClientError();
      const to = typeof contract.target === "string" ? contract.target : await contract.target.getAddress();
      try {
        const response = await transaction();
        sendOptions?.onSent?.(response.hash);
        const wait = {
          confirmations: sendOptions?.confirmations,
          timeoutMs: sendOptions?.timeoutMs ?? options.receiptTimeoutMs,
        };
        const contractInterface = (contract as { interface?: Interface }).interface;
        if (signer instanceof ManagedSigner && signer.watches(response.hash) && contractInterface !== undefined) {
          // Signed by the SDK: its receipt comes through the provider's watcher, with the contract's events parsed
          // (once, on first access: eventLogs.ts).
          const receipt = await signer.waitForReceipt(response, wait);
          return new ParsedLogsReceipt(contractInterface, provider, receipt);
        }
        return await waitForReceipt(response, wait);
      } catch (error) {
        if (isWaitError(error)) throw error;
        throw toContractError(error, { to, deployment });
      }
    },
  };

  const built = new Map<ClientName, unknown>();
  const consortia = {
    deployment,
    runner,
    provider,
    signer,
    chainId: deployment.chainId,
    has: (name: ClientName) => Object.keys(CLIENTS[name].contracts).every((contract) => context.has(contract)),
  } as Record<string, unknown>;
  for (const name of Object.keys(CLIENTS) as ClientName[]) {
    Object.defineProperty(consortia, name, {
      enumerable: true,
      get: () => {
        if (!built.has(name)) built.set(name, (CLIENTS[name] as ClientDefinition<unknown>).create(context));
        return built.get(name);
      },
    });
  }
  return consortia as unknown as Consortia;
}

export { ContractError };

function providerOf(runner: Signer | Provider): Provider {
  if ("getNetwork" in runner && typeof runner.getNetwork === "function") return runner as Provider;
  const provider = (runner as Signer).provider;
  if (provider === null || provider === undefined) throw new Error("the signer has no provider: connect it to one");
  return provider;
}

function addressIn(deployment: Deployment, name: string): string {
  const entry = deployment.contracts[name];
  if (entry === undefined) {
    const known = Object.keys(deployment.contracts).join(", ") || "none";
    throw new DeploymentMismatchError(
      `no contract ${name} in the deployment of chain ${deployment.chainId} (has: ${known})`,
    );
  }
  return entry.address;
}

/** Light validation of a deployment object (the full zod schema lives in deployments.ts, which needs Node). */
function checkDeployment(value: Deployment): Deployment {
  const fail = (what: string): never => {
    throw new DeploymentMismatchError(`malformed deployment object: ${what}`);
  };
  if (typeof value !== "object" || value === null) fail("not an object");
  if (!Number.isInteger(value.chainId) || value.chainId <= 0) fail("chainId must be a positive integer");
  if (typeof value.contracts !== "object" || value.contracts === null) fail("contracts missing");
  for (const [name, entry] of Object.entries(value.contracts)) {
    if (typeof entry?.address !== "string" || !isAddress(entry.address)) fail(`contracts.${name}.address`);
    getAddress(entry.address);
  }
  return value;
}

async function loadDeploymentFile(directory: string, chainId: bigint): Promise<Deployment> {
  // A variable specifier keeps front-end bundlers from following this Node-only module.
  const specifier = "./deployments.js";
  const files = (await import(/* @vite-ignore */ specifier)) as typeof import("./deployments.js");
  return files.readDeployment(files.deploymentPath(chainId, directory));
}
