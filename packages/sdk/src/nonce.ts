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
 *   once when the node says the nonce was used (another process sent from the same account);
 * - over a local key (an ethers `Wallet`) and a JSON-RPC provider, signs and submits the transaction itself: the chain
 *   id read once, fees reused, the nonce local, and the response built from what it signed — ethers'
 *   `broadcastTransaction` would recover the sender from the signature it just made (the costliest step of a send
 *   after signing); its receipt is then awaited through the provider's shared `ReceiptWatcher` (watcher.ts);
 * - takes a known gas limit instead of estimating when told one (`GasLimits`, e.g. `ReusedGasEstimates`): no
 *   `eth_estimateGas` round trip (and no execution on the node) per send. A revert is then found on chain, not before
 *   sending: the nonce is used, and the wait replays the call on the block's parent state to decode the reason.
 *
 * Browser-safe.
 */
import {
  AbstractSigner,
  BaseWallet,
  copyRequest,
  FeeData,
  isError,
  keccak256,
  resolveAddress,
  Transaction,
  TransactionResponse,
  type Provider,
  type Signer,
  type TransactionReceipt,
  type TransactionRequest,
  type TransactionResponseParams,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";
import { waitForReceipt, type WaitableTransaction, type WaitOptions } from "./receipts.js";
import { ReceiptWatcher, rpcErrors } from "./watcher.js";

/** How long fee data is reused before the node is asked again. */
const FEE_DATA_TTL_MS = 10_000;

/** Where gas limits come from when a request has none: a known limit, or (undefined) `eth_estimateGas`. */
export interface GasLimits {
  /** The gas limit to use for `request` without estimating, or undefined to estimate. */
  limit(request: TransactionRequest): bigint | undefined;
  /** Told every estimate made (to learn from). */
  estimated?(request: TransactionRequest, gas: bigint): void;
}

/**
 * Estimates the first call of each function of each contract (`to` and the 4-byte selector), then reuses the highest
 * estimate seen times `headroom` (default 1.5) for that function. For workloads whose calls cost about the same each
 * time (a consortium's business transactions: the same steps on fresh records); gas is free on such chains, so the
 * headroom costs nothing but block space. A call that needs more runs out of gas on chain (a failed receipt).
 */
export class ReusedGasEstimates implements GasLimits {
  readonly headroom: number;
  #limits = new Map<string, bigint>();

  constructor(headroom = 1.5) {
    if (!(headroom >= 1)) throw new RangeError(`headroom must be at least 1, not ${headroom}`);
    this.headroom = headroom;
  }

  static key(request: TransactionRequest): string | undefined {
    if (typeof request.to !== "string" || typeof request.data !== "string" || request.data.length < 10)
      return undefined;
    return `${request.to.toLowerCase()}:${request.data.slice(0, 10).toLowerCase()}`;
  }

  limit(request: TransactionRequest): bigint | undefined {
    const key = ReusedGasEstimates.key(request);
    return key === undefined ? undefined : this.#limits.get(key);
  }

  estimated(request: TransactionRequest, gas: bigint): void {
    const key = ReusedGasEstimates.key(request);
    if (key === undefined) return;
    const limit = (gas * BigInt(Math.round(this.headroom * 1000))) / 1000n;
    if (limit > (this.#limits.get(key) ?? 0n)) this.#limits.set(key, limit);
  }
}

export interface ManagedSignerOptions {
  /** Known gas limits (default: estimate every send). */
  gasLimits?: GasLimits;
  /**
   * Sign and submit locally and wait through the provider's `ReceiptWatcher` when the signer is a local key over a
   * JSON-RPC provider (default true; false: ethers' own send and wait).
   */
  localSigning?: boolean;
}

/** What the signer remembers of a transaction it signed itself, until its receipt is asked for. */
interface SentRecord {
  /** The first block that can hold it (undefined: unknown). */
  fromBlock: number | undefined;
  /** Its gas limit was known (no estimate ran): a revert shows only on chain. */
  unestimated: boolean;
  /** What it pays per gas (for a receipt that does not say). */
  gasPrice: bigint;
  /** Waits in progress through the watcher (the record is kept until the last one settles). */
  waits?: number;
}

/**
 * Estimates in progress per table of known limits, by `ReusedGasEstimates.key` (contract and selector): a send that
 * finds its function being estimated waits for that estimate and uses what the table learnt from it, instead of
 * estimating the same call again (a burst of first calls: the load run's first phase made 330 estimates, 48 per
 * account for each function, before any had answered). When the table learnt nothing from it (that estimate failed:
 * a revert), the send estimates itself, so a revert still fails fast without using a nonce.
 */
const estimating = new WeakMap<GasLimits, Map<string, Promise<void>>>();

function inFlightEstimates(limits: GasLimits): Map<string, Promise<void>> {
  let map = estimating.get(limits);
  if (map === undefined) {
    map = new Map();
    estimating.set(limits, map);
  }
  return map;
}

/** Records kept for transactions nobody waited for through the signer. */
const MAX_SENT_RECORDS = 8192;

type JsonRpcLike = Provider & { send(method: string, params: unknown[]): Promise<unknown> };

export class ManagedSigner extends AbstractSigner {
  readonly signer: Signer;
  readonly options: ManagedSignerOptions;
  #next: number | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #fees?: { data: Promise<FeeData | undefined>; at: number };
  #chainId?: Promise<bigint>;
  #sent = new Map<string, SentRecord>();
  #watcher: ReceiptWatcher | undefined;

  constructor(signer: Signer, options: ManagedSignerOptions = {}) {
    super(signer.provider);
    this.signer = signer;
    this.options = options;
    const provider = signer.provider as Partial<JsonRpcLike> | null;
    if (options.localSigning !== false && signer instanceof BaseWallet && typeof provider?.send === "function") {
      this.#watcher = ReceiptWatcher.for(provider as Provider);
    }
  }

  /** The receipt watcher this signer waits through (undefined: it sends and waits the ethers way). */
  get watcher(): ReceiptWatcher | undefined {
    return this.#watcher;
  }

  getAddress(): Promise<string> {
    return this.signer.getAddress();
  }

  connect(provider: Provider | null): ManagedSigner {
    return new ManagedSigner(this.signer.connect(provider), this.options);
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
    if (request.to != null && typeof request.to !== "string")
      request.to = await resolveAddress(request.to, this.provider);
    // Outside the lock: a revert surfaces here and uses no nonce.
    let unestimated = false;
    if (request.gasLimit == null) {
      const limits = this.options.gasLimits;
      let known = limits?.limit(request);
      const learning = limits?.estimated !== undefined ? inFlightEstimates(limits) : undefined;
      const key = learning === undefined ? undefined : ReusedGasEstimates.key(request);
      if (known === undefined && key !== undefined && learning!.has(key)) {
        // The same function is being estimated (a burst of first calls): its estimate teaches the table.
        await learning!.get(key);
        known = limits!.limit(request);
      }
      if (known !== undefined) {
        request.gasLimit = known;
        unestimated = true;
      } else {
        const estimate = this.signer.estimateGas(request);
        // The table learns before any send waiting for this estimate looks again.
        const learnt = estimate.then((gas) => limits?.estimated?.(request, gas));
        if (key !== undefined && !learning!.has(key)) {
          const done = learnt.catch(() => undefined);
          learning!.set(key, done);
          void done.then(() => {
            if (learning!.get(key) === done) learning!.delete(key);
          });
        }
        await learnt;
        request.gasLimit = await estimate;
      }
    }
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
    return this.#serialised(() => this.#submit(request, unestimated, true));
  }

  /**
   * The receipt of a transaction this signer sent: through the shared `ReceiptWatcher` for one it signed itself, else
   * `waitForReceipt` (ethers' wait). Ends as `waitForReceipt` does; for a transaction sent with a known gas limit that
   * reverted on chain, the error is the replay's (revert data the SDK decodes) when the replay reverts too.
   */
  async waitForReceipt<R extends TransactionReceipt>(
    response: WaitableTransaction<R>,
    options: WaitOptions = {},
  ): Promise<TransactionReceipt> {
    const record = this.#sent.get(response.hash);
    if (
      record === undefined ||
      this.#watcher === undefined ||
      response.from === undefined ||
      response.nonce === undefined
    ) {
      return waitForReceipt(response, options);
    }
    // Kept while waited for: a second wait() meanwhile joins the watcher's wait, not ethers' per-transaction one.
    record.waits = (record.waits ?? 0) + 1;
    try {
      return await this.#watcher.wait(
        {
          hash: response.hash,
          from: response.from,
          nonce: response.nonce,
          fromBlock: record.fromBlock,
          gasPrice: record.gasPrice,
        },
        options,
      );
    } catch (error) {
      if (record.unestimated && isError(error, "CALL_EXCEPTION") && error.receipt != null) {
        throw await this.#replayed(response as unknown as TransactionResponse, error.receipt, error);
      }
      throw error;
    } finally {
      record.waits--;
      if (record.waits === 0 && this.#sent.get(response.hash) === record) this.#sent.delete(response.hash);
    }
  }

  /** Whether this signer signed `hash` itself and can wait for it through its watcher. */
  watches(hash: string): boolean {
    return this.#watcher !== undefined && this.#sent.has(hash);
  }

  /** The reverted call replayed on its block's parent state: the revert with its data, or `original`. */
  async #replayed(response: TransactionResponse, receipt: TransactionReceipt, original: Error): Promise<Error> {
    try {
      await this.signer.provider!.call({
        from: response.from,
        to: response.to,
        data: response.data,
        value: response.value,
        blockTag: Math.max(0, receipt.blockNumber - 1),
      });
      return original;
    } catch (error) {
      return error as Error;
    }
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

  async #submit(request: TransactionRequest, unestimated: boolean, retry: boolean): Promise<TransactionResponse> {
    this.#next ??= await this.#pendingCount();
    const nonce = this.#next;
    this.#next = nonce + 1;
    try {
      if (this.#watcher !== undefined) return await this.#signAndSend({ ...request, nonce }, unestimated);
      return await this.signer.sendTransaction({ ...request, nonce });
    } catch (error) {
      this.reset();
      if (retry && isError(error, "NONCE_EXPIRED")) return this.#submit(request, unestimated, false);
      throw error;
    }
  }

  /**
   * Signs `request` (complete but for the chain id) with the local key, submits it raw and answers a response built
   * from what was signed: the sender is known, so nothing recovers it from the signature.
   */
  async #signAndSend(request: TransactionRequest, unestimated: boolean): Promise<TransactionResponse> {
    const wallet = this.signer as BaseWallet;
    const provider = this.signer.provider as JsonRpcLike;
    this.#chainId ??= provider.getNetwork().then((network) => network.chainId);
    const chainId = await this.#chainId.catch((error: unknown) => {
      this.#chainId = undefined;
      throw error;
    });
    const tx = Transaction.from({
      type: request.type ?? (request.maxFeePerGas != null ? 2 : request.gasPrice != null ? 0 : null),
      to: (request.to as string | null | undefined) ?? null,
      data: request.data ?? "0x",
      value: request.value ?? 0n,
      nonce: request.nonce!,
      gasLimit: request.gasLimit!,
      gasPrice: request.gasPrice ?? null,
      maxFeePerGas: request.maxFeePerGas ?? null,
      maxPriorityFeePerGas: request.maxPriorityFeePerGas ?? null,
      accessList: request.accessList ?? null,
      chainId,
    });
    tx.signature = wallet.signingKey.sign(tx.unsignedHash);
    const signed = tx.serialized;
    const hash = keccak256(signed);
    // Read before sending: a block holding it comes after the head known now (the watcher's, possibly stale: lower).
    const head = this.#watcher!.head;
    const returned = await this.#sendRaw(provider, signed, hash);
    if (typeof returned !== "string" || returned.toLowerCase() !== hash) {
      throw new Error(`the node answered transaction hash ${String(returned)}, not ${hash} as signed`);
    }
    if (this.#sent.size >= MAX_SENT_RECORDS) this.#sent.delete(this.#sent.keys().next().value!);
    this.#sent.set(hash, {
      fromBlock: head === undefined ? undefined : head + 1,
      unestimated,
      gasPrice: tx.gasPrice ?? tx.maxFeePerGas ?? 0n,
    });
    const params: TransactionResponseParams = {
      blockNumber: null,
      blockHash: null,
      hash,
      index: 0,
      type: tx.type ?? tx.inferType(),
      to: tx.to,
      from: wallet.address,
      nonce: tx.nonce,
      gasLimit: tx.gasLimit,
      gasPrice: tx.gasPrice ?? tx.maxFeePerGas ?? 0n,
      maxPriorityFeePerGas: tx.maxPriorityFeePerGas,
      maxFeePerGas: tx.maxFeePerGas,
      maxFeePerBlobGas: null,
      data: tx.data,
      value: tx.value,
      chainId: tx.chainId,
      signature: tx.signature,
      accessList: tx.accessList,
      blobVersionedHashes: null,
      authorizationList: null,
    };
    return new SignedTransactionResponse(params, provider, this);
  }

  /**
   * Submits `signed` (hash `hash`). The hash is known before sending: when the call fails in transport (the node may
   * have accepted it before the connection broke) or the node answers "already known", the node is asked whether it
   * has the transaction; if so the send succeeded (reporting it failed would reset the nonce and a retry would run
   * the call twice).
   */
  async #sendRaw(provider: JsonRpcLike, signed: string, hash: string): Promise<unknown> {
    try {
      return await provider.send("eth_sendRawTransaction", [signed]);
    } catch (error) {
      if (!transportFailure(error) && !alreadyKnown(error)) throw error;
      let known: unknown;
      try {
        known = await provider.send("eth_getTransactionByHash", [hash]);
      } catch {
        throw error;
      }
      if (known == null) throw error;
      return hash;
    }
  }

  #serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/**
 * A response for a transaction the `ManagedSigner` signed itself: `wait()` goes through the provider's
 * `ReceiptWatcher` (one block scan and receipts by block for every transaction in flight), not ethers' per-transaction
 * wait. ethers' wait on such a response (no start block: it cannot scan for replacements) checks the receipt once and
 * then only when its block poller reports a newer block: a receipt not yet served at that check, in a block the poller
 * had already seen, is never asked for again on an idle chain (the likely cause of the hang that kept `localSigning`
 * off by default: 50 sends on automining Anvil). The watcher asks again on its next poll. Ends as the watcher's waits
 * do: the receipt, CALL_EXCEPTION for a revert, `TransactionReplacedError`, and with a timeout
 * `TransactionTimeoutError` / `TransactionDroppedError`; `wait(0)` answers the receipt or null at once.
 */
class SignedTransactionResponse extends TransactionResponse {
  readonly #signer: ManagedSigner;

  constructor(params: TransactionResponseParams, provider: Provider, signer: ManagedSigner) {
    super(params, provider);
    this.#signer = signer;
  }

  override async wait(confirms?: number, timeout?: number | null): Promise<TransactionReceipt | null> {
    if (confirms === 0 || !this.#signer.watches(this.hash)) return super.wait(confirms, timeout ?? undefined);
    return this.#signer.waitForReceipt(this, { confirmations: confirms ?? 1, timeoutMs: timeout ?? 0 });
  }
}

/** Whether `error` came from the transport (no JSON-RPC error answer from the node: the request may have been served). */
function transportFailure(error: unknown): boolean {
  if (rpcErrors(error).some((e) => typeof e.code === "number")) return false;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "number") return false; // a raw JSON-RPC error
  // ethers' codes for an answer the node gave: a transport failure is NETWORK_ERROR, TIMEOUT, SERVER_ERROR or none.
  return ![
    "NONCE_EXPIRED",
    "INSUFFICIENT_FUNDS",
    "REPLACEMENT_UNDERPRICED",
    "CALL_EXCEPTION",
    "UNSUPPORTED_OPERATION",
    "ACTION_REJECTED",
    "INVALID_ARGUMENT",
  ].includes(String(code));
}

/** Whether the node answered that it already has the transaction. */
function alreadyKnown(error: unknown): boolean {
  return [error, ...rpcErrors(error)].some((e) => {
    const message = (e as { message?: unknown } | null)?.message;
    return typeof message === "string" && /already known|known transaction|already imported/i.test(message);
  });
}

/** Wraps a signer for concurrent sends (idempotent: a `ManagedSigner` is returned as is). */
export function withNonceManager(signer: Signer, options?: ManagedSignerOptions): ManagedSigner {
  return signer instanceof ManagedSigner ? signer : new ManagedSigner(signer, options);
}
