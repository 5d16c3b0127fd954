/**
 * One receipt watcher per provider for many transactions in flight (deep pipelines on a block clock).
 *
 * ethers' `TransactionResponse.wait` costs each waiting transaction its own requests on every new block (a receipt
 * poll, and the sender's nonce and the head for replacement checks): with hundreds of transactions in flight that is
 * hundreds of JSON-RPC calls per block, and the client's CPU goes into them. The watcher instead polls the head once
 * per interval, reads each new block once (its transaction hashes only), and asks for a receipt only for a
 * transaction it saw mined (concurrent requests, which ethers' `JsonRpcProvider` batches into one HTTP call); per
 * sender with transactions not yet seen it reads the nonce count once per new block, at the scanned block, to tell a
 * replaced transaction (its nonce used by another) early. The waits end as `waitForReceipt`'s do: the receipt, a
 * revert as ethers' CALL_EXCEPTION, `TransactionReplacedError`, or at the timeout `TransactionTimeoutError` /
 * `TransactionDroppedError`.
 *
 * Browser-safe.
 */
import { getAddress, makeError, TransactionReceipt, type Provider, type TransactionReceiptParams } from "ethers";
import { DEFAULT_RECEIPT_TIMEOUT_MS, timedOut, TransactionReplacedError } from "./receipts.js";

/** A sent transaction the watcher can follow: sender and nonce let it see a replacement. */
export interface WatchedTransaction {
  readonly hash: string;
  readonly from: string;
  readonly nonce: number;
  /**
   * The first block that can hold it: one past the head known before it was sent (`ReceiptWatcher.head + 1`);
   * undefined when not known (its receipt is then asked for once).
   */
  readonly fromBlock?: number;
  /**
   * Its gas price, for a receipt without `effectiveGasPrice` (Berlin nodes): ethers would ask the node for the
   * transaction to learn it, a second request per receipt.
   */
  readonly gasPrice?: bigint;
}

export interface WatchOptions {
  /** Confirmations to wait for (default 1). */
  confirmations?: number;
  /** Milliseconds before giving up (default `DEFAULT_RECEIPT_TIMEOUT_MS`). */
  timeoutMs?: number;
}

/** Transactions of ours ready in one block from which its receipts are read at once (`eth_getBlockReceipts`). */
const BLOCK_RECEIPTS_FROM = 2;

/** How many scanned blocks' hashes are kept for transactions registered after their block was scanned. */
const RECENT_BLOCKS = 64;

interface Entry {
  tx: WatchedTransaction;
  confirmations: number;
  timeoutMs: number;
  /** Block it was seen in. */
  minedAt?: number;
  /**
   * A scanned block held it but its receipt was answered null (not served yet, or reorganised away): asked for
   * directly on every poll until answered, and left out of replacement detection (its nonce is used by itself).
   */
  seenAt?: number;
  /** Ask for its receipt directly on the next poll (its block may have been scanned before it was registered). */
  direct: boolean;
  fetching: boolean;
  timer?: ReturnType<typeof setTimeout>;
  resolve(receipt: TransactionReceipt): void;
  reject(error: Error): void;
}

type RawSender = (method: string, params: unknown[]) => Promise<unknown>;

const watchers = new WeakMap<Provider, ReceiptWatcher>();

export class ReceiptWatcher {
  readonly provider: Provider;
  readonly pollIntervalMs: number;
  #entries = new Map<string, Entry>();
  #head: number | undefined;
  #scanned: number | undefined;
  #recent = new Map<number, Set<string>>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #polling = false;
  /** Whether the node answers `eth_getBlockReceipts` (undefined: not tried yet). */
  #blockReceipts: boolean | undefined;
  /** JSON-RPC requests the watcher made (a counter for benchmarks and tests). */
  requests = 0;

  /** The watcher shared by every signer on `provider`. */
  static for(provider: Provider): ReceiptWatcher {
    let watcher = watchers.get(provider);
    if (watcher === undefined) {
      watcher = new ReceiptWatcher(provider);
      watchers.set(provider, watcher);
    }
    return watcher;
  }

  constructor(provider: Provider, pollIntervalMs?: number) {
    this.provider = provider;
    const interval = (provider as { pollingInterval?: number }).pollingInterval;
    this.pollIntervalMs = pollIntervalMs ?? Math.min(typeof interval === "number" ? interval : 250, 250);
  }

  /** The newest block number seen (undefined before the first poll). */
  get head(): number | undefined {
    return this.#head;
  }

  /** Transactions being waited for. */
  get pending(): number {
    return this.#entries.size;
  }

  /** Resolves with the receipt of `tx` (see the module comment for how a wait ends otherwise). */
  wait(tx: WatchedTransaction, options: WatchOptions = {}): Promise<TransactionReceipt> {
    const hash = tx.hash.toLowerCase();
    const existing = this.#entries.get(hash);
    if (existing !== undefined) {
      return new Promise((resolve, reject) => {
        const { resolve: first, reject: firstReject } = existing;
        existing.resolve = (receipt) => (first(receipt), resolve(receipt));
        existing.reject = (error) => (firstReject(error), reject(error));
      });
    }
    return new Promise<TransactionReceipt>((resolve, reject) => {
      const entry: Entry = {
        tx,
        confirmations: Math.max(1, options.confirmations ?? 1),
        timeoutMs: options.timeoutMs ?? DEFAULT_RECEIPT_TIMEOUT_MS,
        direct: false,
        fetching: false,
        resolve,
        reject,
      };
      entry.minedAt = this.#seenIn(hash, tx.fromBlock, entry);
      // An idle watcher polls at once: on an automining node (the CLI's one-off sends) the receipt is already there.
      const idle = this.#entries.size === 0;
      this.#entries.set(hash, entry);
      if (entry.timeoutMs > 0) {
        entry.timer = setTimeout(() => void this.#timeout(hash, entry), entry.timeoutMs);
      }
      this.#schedule(idle ? 0 : this.pollIntervalMs);
    });
  }

  /** The scanned block holding `hash` since `fromBlock`, or undefined; flags a direct check when unsure. */
  #seenIn(hash: string, fromBlock: number | undefined, entry: Entry): number | undefined {
    if (this.#scanned === undefined) {
      entry.direct = true;
      return undefined;
    }
    if (fromBlock === undefined) {
      entry.direct = true;
      return undefined;
    }
    for (let block = fromBlock; block <= this.#scanned; block++) {
      const hashes = this.#recent.get(block);
      if (hashes === undefined) {
        entry.direct = true;
        return undefined;
      }
      if (hashes.has(hash)) return block;
    }
    return undefined;
  }

  #schedule(delayMs = this.pollIntervalMs): void {
    if (this.#timer !== undefined || this.#polling || this.#entries.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#poll();
    }, delayMs);
  }

  #send: RawSender = (method, params) => {
    this.requests++;
    const provider = this.provider as Provider & { send?: RawSender };
    if (typeof provider.send === "function") return provider.send(method, params);
    throw new Error(`the provider cannot send ${method}: give the watcher a JsonRpcProvider`);
  };

  async #poll(): Promise<void> {
    this.#polling = true;
    try {
      const head = Number(await this.#send("eth_blockNumber", []));
      this.#head = head;
      if (this.#scanned === undefined) this.#scanned = head;
      if (head - this.#scanned > RECENT_BLOCKS) {
        // Idle for long (no wait registered): skip the gap, asking directly for the receipts it may hold.
        for (const entry of this.#entries.values()) if (entry.minedAt === undefined) entry.direct = true;
        this.#recent.clear();
        this.#scanned = head;
      }
      const newBlocks = head > this.#scanned;
      for (let block = this.#scanned + 1; block <= head; block++) {
        const body = (await this.#send("eth_getBlockByNumber", [`0x${block.toString(16)}`, false])) as {
          transactions: string[];
        } | null;
        if (body === null) break; // not served yet: next poll
        const hashes = new Set(body.transactions.map((h) => h.toLowerCase()));
        this.#recent.set(block, hashes);
        this.#recent.delete(block - RECENT_BLOCKS);
        for (const hash of hashes) {
          const entry = this.#entries.get(hash);
          if (entry !== undefined && entry.minedAt === undefined) entry.minedAt = block;
        }
        this.#scanned = block;
      }
      const work: Promise<void>[] = [];
      const byBlock = new Map<number, [string, Entry][]>();
      for (const [hash, entry] of this.#entries) {
        if (entry.fetching) continue;
        const ready = entry.minedAt !== undefined && head >= entry.minedAt + entry.confirmations - 1;
        if (ready && !entry.direct && this.#blockReceipts !== false) {
          const list = byBlock.get(entry.minedAt!) ?? [];
          list.push([hash, entry]);
          byBlock.set(entry.minedAt!, list);
        } else if (ready || entry.direct) work.push(this.#fetch(hash, entry));
      }
      for (const [block, list] of byBlock) {
        if (list.length >= BLOCK_RECEIPTS_FROM) work.push(this.#fetchBlock(block, list));
        else for (const [hash, entry] of list) work.push(this.#fetch(hash, entry));
      }
      if (newBlocks) work.push(this.#checkReplacements(this.#scanned));
      await Promise.all(work);
    } catch {
      // A failed poll is retried on the next one; the timeouts still run.
    } finally {
      this.#polling = false;
      this.#schedule();
    }
  }

  /**
   * The receipts of several transactions seen in one block with one `eth_getBlockReceipts` (one request and one
   * response instead of one each). Per transaction for this round when that fails or answers something malformed
   * (a transient error, a node behind a failover without the method, a size limit); per transaction from now on only
   * when the node says it does not know the method.
   */
  async #fetchBlock(block: number, list: [string, Entry][]): Promise<void> {
    for (const [, entry] of list) entry.fetching = true;
    const perTransaction: [string, Entry][] = [];
    try {
      let raws: unknown;
      try {
        raws = await this.#send("eth_getBlockReceipts", [`0x${block.toString(16)}`]);
      } catch (error) {
        if (methodMissing(error)) this.#blockReceipts = false;
        raws = undefined;
      }
      const byHash = blockReceipts(raws);
      if (byHash === undefined) perTransaction.push(...list);
      else {
        this.#blockReceipts = true;
        for (const [hash, entry] of list) {
          try {
            this.#settle(hash, entry, byHash.get(hash) ?? null);
          } catch {
            perTransaction.push([hash, entry]); // a receipt ethers cannot read: asked for on its own
          }
        }
      }
    } finally {
      for (const [, entry] of list) entry.fetching = false;
    }
    await Promise.all(perTransaction.map(([hash, entry]) => this.#fetch(hash, entry)));
  }

  /** Asks for the receipt of one transaction seen mined (or to be checked directly) and ends its wait if ready. */
  async #fetch(hash: string, entry: Entry): Promise<void> {
    entry.fetching = true;
    try {
      this.#settle(hash, entry, (await this.#send("eth_getTransactionReceipt", [hash])) as RawReceipt | null);
    } finally {
      entry.fetching = false;
    }
  }

  /** Ends the wait of `entry` with its receipt (`raw`, null: not served) if it has its confirmations. */
  #settle(hash: string, entry: Entry, raw: RawReceipt | null): void {
    if (this.#entries.get(hash) !== entry) return; // ended meanwhile (timed out)
    const receipt = raw === null ? null : receiptOf(raw, entry.tx.gasPrice, this.provider);
    if (receipt === null) {
      // Seen in a scanned block but its receipt not served (Anvil can answer a new head before storing the block's
      // receipts; or the block was reorganised away): ask again directly on the next poll — the scan has passed
      // that block and would not find it there again, and on an idle chain no later block would end the wait.
      // Remembered as seen (not as mined: a reorganisation may have moved it), so that a second null does not stop the
      // direct asks (a wait without timeout would hang on an idle chain) nor let the nonce read it as replaced.
      if (entry.minedAt !== undefined) entry.seenAt = entry.minedAt;
      entry.direct = entry.seenAt !== undefined;
      entry.minedAt = undefined;
      return;
    }
    entry.seenAt = undefined;
    entry.direct = false;
    entry.minedAt = receipt.blockNumber;
    if ((this.#head ?? 0) < receipt.blockNumber + entry.confirmations - 1) return;
    this.#finish(hash, entry);
    if (receipt.status === 0) {
      entry.reject(
        makeError("transaction execution reverted", "CALL_EXCEPTION", {
          action: "sendTransaction",
          data: null,
          reason: null,
          invocation: null,
          revert: null,
          transaction: { to: receipt.to, from: receipt.from, data: "" },
          receipt,
        }),
      );
    } else entry.resolve(receipt);
  }

  /**
   * Per sender with transactions not seen mined: its nonce count at the last scanned block. A transaction whose nonce
   * is below it, and that no scanned block held, was replaced — once the node confirms it does not have it mined
   * (`eth_getTransactionByHash`: null or no block), so that a mined transaction is never reported replaced.
   */
  async #checkReplacements(atBlock: number): Promise<void> {
    const lowest = new Map<string, number>();
    for (const entry of this.#entries.values()) {
      if (entry.minedAt !== undefined || entry.seenAt !== undefined || entry.direct) continue;
      const from = entry.tx.from.toLowerCase();
      lowest.set(from, Math.min(lowest.get(from) ?? Infinity, entry.tx.nonce));
    }
    await Promise.all(
      [...lowest].map(async ([from, nonce]) => {
        const count = Number(await this.#send("eth_getTransactionCount", [from, `0x${atBlock.toString(16)}`]));
        if (count <= nonce) return;
        for (const [hash, entry] of this.#entries) {
          if (entry.minedAt !== undefined || entry.seenAt !== undefined || entry.direct) continue;
          if (entry.tx.from.toLowerCase() !== from || entry.tx.nonce >= count) continue;
          const known = (await this.#send("eth_getTransactionByHash", [hash])) as {
            blockNumber?: string | null;
          } | null;
          if (this.#entries.get(hash) !== entry) continue; // ended meanwhile
          if (known != null && known.blockNumber != null) {
            // Mined: its receipt is asked for directly until served.
            entry.seenAt = Number(known.blockNumber);
            entry.direct = true;
            continue;
          }
          this.#finish(hash, entry);
          entry.reject(new TransactionReplacedError(entry.tx.hash, undefined, "replaced"));
        }
      }),
    );
  }

  async #timeout(hash: string, entry: Entry): Promise<void> {
    if (this.#entries.get(hash) !== entry) return;
    this.#finish(hash, entry);
    const provider = this.provider;
    entry.reject(
      await timedOut(
        {
          hash: entry.tx.hash,
          from: entry.tx.from,
          nonce: entry.tx.nonce,
          provider: {
            getTransaction: (h: string) => provider.getTransaction(h),
            getTransactionCount: (address: string, tag: "latest") => provider.getTransactionCount(address, tag),
          },
        },
        entry.timeoutMs,
      ),
    );
  }

  #finish(hash: string, entry: Entry): void {
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    this.#entries.delete(hash);
  }
}

/** The receipts of an `eth_getBlockReceipts` answer by lowercase hash, or undefined when the answer is malformed. */
function blockReceipts(raws: unknown): Map<string, RawReceipt> | undefined {
  if (!Array.isArray(raws)) return undefined;
  const byHash = new Map<string, RawReceipt>();
  for (const raw of raws as (RawReceipt | null)[]) {
    if (typeof raw?.transactionHash !== "string") return undefined;
    byHash.set(raw.transactionHash.toLowerCase(), raw);
  }
  return byHash;
}

/** Whether `error` is the node saying it does not know a method (JSON-RPC -32601, or its wording). */
export function methodMissing(error: unknown): boolean {
  for (const e of [error, ...rpcErrors(error)]) {
    const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
    if (code === -32601 || code === "UNSUPPORTED_OPERATION") return true;
    if (
      typeof message === "string" &&
      /method not found|not supported|does not exist|unsupported method/i.test(message)
    )
      return true;
  }
  return false;
}

/** The JSON-RPC error objects an ethers error wraps (`error`, `info.error`, `info.info.error`). */
export function rpcErrors(error: unknown): { code?: unknown; message?: unknown }[] {
  const e = error as { error?: unknown; info?: { error?: unknown; info?: { error?: unknown } } } | null;
  return [e?.error, e?.info?.error, e?.info?.info?.error].filter(
    (x): x is { code?: unknown; message?: unknown } => typeof x === "object" && x !== null,
  );
}

interface RawLog {
  transactionHash: string;
  blockHash: string;
  blockNumber: string;
  removed?: boolean;
  address: string;
  data: string;
  topics: string[];
  logIndex: string;
  transactionIndex: string;
}

interface RawReceipt {
  to: string | null;
  from: string;
  contractAddress: string | null;
  transactionHash: string;
  transactionIndex: string;
  blockHash: string;
  blockNumber: string;
  logsBloom: string;
  logs: RawLog[];
  gasUsed: string;
  cumulativeGasUsed: string;
  blobGasUsed?: string | null;
  effectiveGasPrice?: string | null;
  gasPrice?: string | null;
  type?: string | null;
  status?: string | null;
  root?: string | null;
}

/** Checksummed addresses by the node's spelling: a receipt names the same few contracts and senders again and again. */
const checksummed = new Map<string, string>();
const CHECKSUMMED_MAX = 4096;

/** `getAddress(raw)` (a keccak256 per call), remembered. */
function address(raw: string): string {
  let known = checksummed.get(raw);
  if (known === undefined) {
    known = getAddress(raw);
    if (checksummed.size >= CHECKSUMMED_MAX) checksummed.clear();
    checksummed.set(raw, known);
  }
  return known;
}

/** An ethers receipt from the node's JSON (what ethers' formatter makes of it, the gas price taken as known). */
function receiptOf(raw: RawReceipt, gasPrice: bigint | undefined, provider: Provider): TransactionReceipt {
  const price = raw.effectiveGasPrice ?? raw.gasPrice;
  const params: TransactionReceiptParams = {
    to: raw.to == null ? null : address(raw.to),
    from: address(raw.from),
    contractAddress: raw.contractAddress == null ? null : address(raw.contractAddress),
    hash: raw.transactionHash,
    index: Number(raw.transactionIndex),
    blockHash: raw.blockHash,
    blockNumber: Number(raw.blockNumber),
    logsBloom: raw.logsBloom,
    logs: raw.logs.map((log) => ({
      transactionHash: log.transactionHash,
      blockHash: log.blockHash,
      blockNumber: Number(log.blockNumber),
      removed: log.removed === true,
      address: address(log.address),
      data: log.data,
      topics: log.topics,
      index: Number(log.logIndex),
      transactionIndex: Number(log.transactionIndex),
    })),
    gasUsed: BigInt(raw.gasUsed),
    blobGasUsed: raw.blobGasUsed == null ? null : BigInt(raw.blobGasUsed),
    cumulativeGasUsed: BigInt(raw.cumulativeGasUsed),
    gasPrice: price != null ? BigInt(price) : (gasPrice ?? 0n),
    blobGasPrice: null,
    type: raw.type == null ? 0 : Number(raw.type),
    status: raw.status == null ? null : Number(raw.status),
    root: raw.root ?? null,
  };
  return new TransactionReceipt(params, provider);
}
