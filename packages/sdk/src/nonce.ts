/**
 * A signer wrapper that lets one account send many transactions concurrently.
 *
 * ethers' own `NonceManager` counts a nonce as used before the transaction is even populated, so one send that fails
 * at gas estimation (a revert) leaves a gap and every later transaction waits forever. This one:
 * - estimates gas and fills fees outside any lock (concurrently), so a revert fails fast and consumes no nonce;
 * - then takes the next nonce and submits in nonce order, one submission at a time per account (only the
 *   `eth_sendRawTransaction` round trip is serialised, never the wait for mining), so a node never sees a gap —
 *   Hardhat's automining node rejects gaps, Besu would park them;
 * - forgets its count when a submission fails (the next send re-reads the pending nonce from the node), and retries
 *   once when the node says the nonce was used (another process sent from the same account).
 *
 * Browser-safe.
 */
import {
  AbstractSigner,
  copyRequest,
  FeeData,
  isError,
  type Provider,
  type Signer,
  type TransactionRequest,
  type TransactionResponse,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";

/** How long fee data is reused before the node is asked again. */
const FEE_DATA_TTL_MS = 10_000;

export class ManagedSigner extends AbstractSigner {
  readonly signer: Signer;
  #next: number | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #fees?: { data: Promise<FeeData | undefined>; at: number };

  constructor(signer: Signer) {
    super(signer.provider);
    this.signer = signer;
  }

  getAddress(): Promise<string> {
    return this.signer.getAddress();
  }

  connect(provider: Provider | null): ManagedSigner {
    return new ManagedSigner(this.signer.connect(provider));
  }

  /** The next nonce this signer will use (the node's pending count until the first send). */
  override async getNonce(blockTag?: string): Promise<number> {
    if (blockTag === "pending" && this.#next !== undefined) return this.#next;
    return this.signer.getNonce(blockTag);
  }

  /** Forgets the local count: the next send asks the node. */
  reset(): void {
    this.#next = undefined;
  }

  signTransaction(tx: TransactionRequest): Promise<string> {
    return this.signer.signTransaction(tx);
  }

  signMessage(message: string | Uint8Array): Promise<string> {
    return this.signer.signMessage(message);
  }

  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string> {
    return this.signer.signTypedData(domain, types, value);
  }

  override async sendTransaction(tx: TransactionRequest): Promise<TransactionResponse> {
    if (tx.nonce != null) return this.signer.sendTransaction(tx);
    const request = copyRequest(tx);
    request.from = await this.getAddress();
    // Outside the lock: a revert surfaces here and uses no nonce.
    if (request.gasLimit == null) request.gasLimit = await this.signer.estimateGas(request);
    if (request.gasPrice == null && request.maxFeePerGas == null) {
      const fees = await this.#feeData();
      if (fees?.maxFeePerGas != null && fees.maxPriorityFeePerGas != null && request.type !== 0) {
        request.maxFeePerGas = fees.maxFeePerGas;
        request.maxPriorityFeePerGas = fees.maxPriorityFeePerGas;
      } else if (fees?.gasPrice != null) {
        request.gasPrice = fees.gasPrice;
        request.type ??= 0;
      }
    }
    return this.#serialised(() => this.#submit(request, true));
  }

  /**
   * Fee data, reused for FEE_DATA_TTL_MS: a consortium chain's gas price is fixed (zero on Besu and GoQuorum), and
   * asking for it on every send (a block and `eth_gasPrice`) cost the load run a quarter of the client's time.
   */
  #feeData(): Promise<FeeData | undefined> {
    const now = Date.now();
    if (this.#fees === undefined || now - this.#fees.at > FEE_DATA_TTL_MS) {
      const data = this.#nodeFees();
      this.#fees = { data, at: now };
      data.catch(() => (this.#fees = undefined));
    }
    return this.#fees.data;
  }

  /**
   * What the node accepts, read from it: under London rules with a base fee of 0 (Besu's `zeroBaseFee`, a free-gas
   * network) type-2 fees of zero — ethers would fall back to a legacy price from `eth_gasPrice`, which such a node may
   * quote above zero, and an unfunded account could not pay it; otherwise ethers' reading (legacy `eth_gasPrice`
   * under Berlin, base fee plus tip under London).
   */
  async #nodeFees(): Promise<FeeData | undefined> {
    const provider = this.signer.provider;
    if (provider == null) return undefined;
    const [fees, block] = await Promise.all([provider.getFeeData(), provider.getBlock("latest")]);
    if (block?.baseFeePerGas === 0n) return new FeeData(null, 0n, 0n);
    return fees;
  }

  /**
   * The node's pending transaction count, read past ethers' 250 ms request cache (a count cached from before a send
   * would hand out a used nonce).
   */
  async #pendingCount(): Promise<number> {
    const provider = this.signer.provider as
      | (Provider & {
          send?: (method: string, params: unknown[]) => Promise<unknown>;
        })
      | null;
    if (typeof provider?.send !== "function") return this.signer.getNonce("pending");
    return Number(await provider.send("eth_getTransactionCount", [await this.getAddress(), "pending"]));
  }

  async #submit(request: TransactionRequest, retry: boolean): Promise<TransactionResponse> {
    this.#next ??= await this.#pendingCount();
    const nonce = this.#next;
    this.#next = nonce + 1;
    try {
      return await this.signer.sendTransaction({ ...request, nonce });
    } catch (error) {
      this.reset();
      if (retry && isError(error, "NONCE_EXPIRED")) return this.#submit(request, false);
      throw error;
    }
  }

  #serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/** Wraps a signer for concurrent sends (idempotent: a `ManagedSigner` is returned as is). */
export function withNonceManager(signer: Signer): ManagedSigner {
  return signer instanceof ManagedSigner ? signer : new ManagedSigner(signer);
}
