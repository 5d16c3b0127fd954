/**
 * The contract between `createConsortia` and one application's client file. An application adds itself to the SDK by
 * writing `src/sdk/clients/<app>.ts` that default-exports `defineClient({...})` and listing it in
 * `src/sdk/clients/index.ts`; see README.md, SDK "Adding an application client".
 *
 * Browser-safe: imports types only.
 */
import type {
  Addressable,
  ContractRunner,
  ContractTransactionReceipt,
  ContractTransactionResponse,
  InterfaceAbi,
  Provider,
  Signer,
} from "ethers";
import type { Deployment } from "../deployments.js";

/**
 * What a TypeChain factory offers that the SDK uses: `X__factory.abi` (`context.connect` builds the contract as
 * `X__factory.connect` does, `new Contract(address, abi, runner)`, over a shared interface) and `X__factory.connect`.
 */
export interface ContractFactoryLike<C> {
  readonly abi: InterfaceAbi;
  connect(address: string, runner?: ContractRunner | null): C;
}

/** Renders one custom error's decoded values as a sentence (see errors.ts). */
export type ErrorMessage = (params: Record<string, string>) => string;

/** Everything a client gets from `createConsortia`. */
export interface ClientContext {
  /** The signer (or provider for a read-only client) every contract is connected to. */
  readonly runner: ContractRunner;
  readonly provider: Provider;
  /** The signer, or undefined for a read-only client. */
  readonly signer: Signer | undefined;
  readonly deployment: Deployment;
  /** Whether the deployment has a contract of that name. */
  has(contractName: string): boolean;
  /** A contract's address, or a `DeploymentMismatchError` naming what the deployment holds. */
  address(contractName: string): string;
  /**
   * What `factory.connect(address(contractName), runner)` builds, over one interface per ABI that hashes each
   * signature once (abi.ts).
   */
  connect<C>(contractName: string, factory: ContractFactoryLike<C>): C;
  /** The signer's address; throws `ReadOnlyClientError` for a provider-only client. */
  signerAddress(): Promise<string>;
  /** Turns a thrown revert into a `ContractError` (the original error when it holds no revert data). */
  decode(error: unknown, to?: string): Error;
  /**
   * Sends a transaction to `contract` and waits for its receipt; a revert (at estimation or on chain) is thrown as a
   * `ContractError` with the decoded custom error, attributed to `contract`; a wait that ends without the receipt as
   * `TransactionTimeoutError`, `TransactionDroppedError` or `TransactionReplacedError` (receipts.ts). Use it for every state-changing call:
   * `context.send(token, () => token.mint(to, amount), options)`.
   */
  send(
    contract: { readonly target: string | Addressable },
    transaction: () => Promise<ContractTransactionResponse>,
    options?: SendOptions,
  ): Promise<ContractTransactionReceipt>;
}

export interface SendOptions {
  /** Confirmations to wait for (default 1). */
  confirmations?: number;
  /** Called with the hash as soon as the transaction is sent (progress output). */
  onSent?: (hash: string) => void;
  /** How long to wait for the receipt (default: `createConsortia`'s `receiptTimeoutMs`, else 120 s). */
  timeoutMs?: number;
}

/** One application's client: which contracts it needs and how it builds its API over them. */
export interface ClientDefinition<Client> {
  /**
   * The contracts this client uses, by their name in `deployments/<chainId>.json`, with their TypeChain factories.
   * Their ABIs also teach `decodeContractError` the contracts' custom errors.
   */
  readonly contracts: Readonly<Record<string, ContractFactoryLike<unknown>>>;
  /** Labels of the Solidity enums in the contracts' errors, by ABI `internalType` without "enum " (optional). */
  readonly enums?: Readonly<Record<string, readonly string[]>>;
  /** Human sentences for custom errors, by error name (optional; a generic rendering is used otherwise). */
  readonly messages?: Readonly<Record<string, ErrorMessage>>;
  /** Builds the client. Called lazily, the first time the application is used. */
  create(context: ClientContext): Client;
}

/** Identity helper that checks a client definition's shape and keeps its client type. */
export function defineClient<Client>(definition: ClientDefinition<Client>): ClientDefinition<Client> {
  return definition;
}

/** Thrown when a client needs a signer but was built over a provider. */
export class ReadOnlyClientError extends Error {
  override name = "ReadOnlyClientError";
  constructor(action = "send transactions") {
    super(`this client was created with a provider only: pass a signer to ${action}`);
  }
}
