import { createPublicClient, hexToBytes, http, keccak256, webSocket, type Hex, type PublicClient } from "viem";

/** A raw log as eth_getLogs returns it. */
export interface RawLog {
  address: Hex;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex;
  blockHash: Hex;
  transactionHash: Hex;
  transactionIndex: Hex;
  logIndex: Hex;
  removed?: boolean;
}

export interface BlockHeader {
  number: number;
  hash: string;
  parentHash: string;
  /** Unix seconds. */
  timestamp: number;
  logsBloom: string;
  /** Gas the block used: with the bloom, what sizes the next eth_getLogs range (see ChainReader.plan). */
  gasUsed?: number | undefined;
}

interface RawHeader {
  number: Hex;
  hash: Hex;
  parentHash: Hex;
  timestamp: Hex;
  logsBloom: Hex;
  gasUsed?: Hex;
}

function toHeader(block: RawHeader | null): BlockHeader | undefined {
  if (block === null) return undefined;
  return {
    number: Number(block.number),
    hash: block.hash,
    parentHash: block.parentHash,
    timestamp: Number(block.timestamp),
    logsBloom: block.logsBloom,
    gasUsed: block.gasUsed === undefined ? undefined : Number(block.gasUsed),
  };
}

/** The three bloom bits (byte index in the 256-byte bloom, bit mask) of each address: computed once per indexer. */
export type BloomBits = readonly (readonly [number, number][])[];

export function bloomBits(addresses: readonly string[]): BloomBits {
  return addresses.map((address) => {
    const hash = hexToBytes(keccak256(address.toLowerCase() as Hex));
    return [0, 2, 4].map((i) => {
      const bit = ((hash[i] << 8) | hash[i + 1]) & 2047;
      return [255 - (bit >> 3), 1 << (bit & 7)] as [number, number];
    });
  });
}

/** Whether `bloom` may hold a log of one of the addresses whose bits are `bits` (false positives possible). */
export function bloomHas(bloom: string, bits: BloomBits): boolean {
  return bits.some((three) =>
    three.every(([index, mask]) => (parseInt(bloom.slice(2 + 2 * index, 4 + 2 * index), 16) & mask) !== 0),
  );
}

const toQuantity = (n: number): Hex => `0x${n.toString(16)}`;

export interface RetryOptions {
  retries: number;
  /** First delay; doubles each attempt up to `maxDelayMs`, with full jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  signal?: AbortSignal | undefined;
}

export class AbortedError extends Error {
  constructor() {
    super("aborted");
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) return reject(new AbortedError());
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Calls `fn` until it succeeds, waiting base·2^attempt ms (capped, full jitter) between attempts. */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const base = options.baseDelayMs ?? 100;
  const max = options.maxDelayMs ?? 5_000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= options.retries || options.signal?.aborted === true) throw error;
      const delay = Math.round(Math.random() * Math.min(max, base * 2 ** attempt));
      options.onRetry?.(error, attempt + 1, delay);
      await sleep(delay, options.signal);
    }
  }
}

export class ChainMismatchError extends Error {
  constructor(expected: number, actual: number, node = "the node") {
    super(`${node} serves chain ${actual}, the deployments file is for chain ${expected}`);
  }
}

export class BlockNotFoundError extends Error {
  constructor(readonly blockNumber: number) {
    super(`block ${blockNumber} not found`);
  }
}

export interface ChainReaderOptions {
  url: string;
  timeoutMs: number;
  retries: number;
  minRange: number;
  maxRange: number;
  signal?: AbortSignal;
  onRetry?: (what: string, error: unknown, attempt: number) => void;
}

/** Above this many logs in one answer the range stops growing (answers stay well under viem's 10 MiB cap). */
const TARGET_LOGS_PER_CALL = 10_000;
/**
 * How nodes and transports say an eth_getLogs answer is too large for one call (viem's 10 MiB body limit, Besu's and
 * Geth's result caps, providers' block-range caps).
 */
const RESPONSE_TOO_LARGE =
  /size limit|too large|too many|more than \d+ (results|logs)|limit exceeded|LimitExceeded|exceeds defined limit|range (is )?too (large|wide)/i;

/** An error's name, message and viem's details, for matching. */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { details } = error as { details?: unknown };
  return `${error.name} ${error.message} ${typeof details === "string" ? details : ""}`;
}
const INITIAL_RANGE = 100;
/**
 * What a planned eth_getLogs answer should weigh (estimated JSON bytes): well under viem's 10 MiB default, so that an
 * estimate off by a factor of a few still fits under the cap the reader sets for eth_getLogs (LOGS_BODY_LIMIT).
 */
const PLANNED_BYTES = 6 * 1024 * 1024;
/**
 * The body cap of eth_getLogs answers. viem refuses bodies over 10 MiB by default, after the node has built them (a
 * refused answer costs the node as much as an accepted one); the plan aims at PLANNED_BYTES, and this margin lets a
 * density misjudged by a few times through instead of throwing the node's work away.
 */
const LOGS_BODY_LIMIT = 64 * 1024 * 1024;
/** Logs per unit of gas assumed before any answer was seen: high (one log per 1,500 gas), so the first plan is small. */
const INITIAL_LOGS_PER_GAS = 1 / 1_500;
/** JSON bytes of a log besides its data and topics (keys, address, hashes, numbers). */
const LOG_OVERHEAD_BYTES = 420;
/**
 * Headers per JSON-RPC batch: ~1.2 KB each without transactions, so a batch answer stays far below viem's 10 MiB
 * limit, and few enough that one slow batch does not hold up a whole range.
 */
export const HEADER_BATCH = 250;
/** Header batches in flight at once. */
const HEADER_CONCURRENCY = 4;

/**
 * The indexer's view of a node: head, headers and logs, with retries, and an eth_getLogs block range that halves on
 * errors (too many results, response too large, timeouts) and doubles again on success.
 */
export class ChainReader {
  readonly client: PublicClient;
  /** Same node; requests made in one tick go out as one JSON-RPC batch (HTTP; a WebSocket sends them one by one). */
  private readonly batchClient: PublicClient;
  private range: number;

  constructor(private readonly options: ChainReaderOptions) {
    const ws = /^wss?:/.test(options.url);
    const transport = ws
      ? webSocket(options.url, { retryCount: 0, timeout: options.timeoutMs })
      : http(options.url, { retryCount: 0, timeout: options.timeoutMs, maxResponseBodySize: LOGS_BODY_LIMIT });
    this.client = createPublicClient({ transport }) as PublicClient;
    this.batchClient = ws
      ? this.client
      : (createPublicClient({
          transport: http(options.url, {
            retryCount: 0,
            timeout: options.timeoutMs,
            batch: { batchSize: HEADER_BATCH, wait: 0 },
          }),
        }) as PublicClient);
    // Start small and let `adapt` grow the range: a first call over maxRange dense blocks makes the node build a
    // response far over any limit.
    this.range = Math.min(options.maxRange, INITIAL_RANGE);
  }

  /** The smallest range that failed, and the largest that succeeded since: the next range searches between them. */
  private ceiling: number | undefined;
  private good = 0;
  private successes = 0;

  /**
   * Aims the next range at TARGET_LOGS_PER_CALL logs (at most doubling). After a failure, grows by bisection between
   * the largest good range and the failing one; 50 successes in a row forget the failure.
   */
  private adapt(blocks: number, logs: number): void {
    if (++this.successes >= 50) this.ceiling = undefined;
    this.good = Math.max(this.good, blocks);
    const ideal = logs === 0 ? blocks * 2 : Math.floor((blocks * TARGET_LOGS_PER_CALL) / logs);
    const bisect =
      this.ceiling === undefined ? Infinity : Math.max(this.good, Math.floor((this.good + this.ceiling) / 2));
    const upper = Math.min(this.options.maxRange, bisect, Math.max(blocks, this.range) * 2);
    this.range = Math.max(this.options.minRange, Math.min(ideal, upper));
  }

  get logRange(): number {
    return this.range;
  }

  /** Logs per gas in blocks holding indexed logs: the highest seen lately (each answer forgets a fifth of the old). */
  private logsPerGas = INITIAL_LOGS_PER_GAS;
  private gasSeen = false;
  /** Estimated JSON bytes per log, from the answers so far. */
  private bytesPerLog = LOG_OVERHEAD_BYTES + 200;

  /**
   * The last block of an eth_getLogs call starting at `headers[0]` whose answer is estimated to stay under
   * PLANNED_BYTES: a block whose bloom cannot hold an indexed address adds nothing, another adds its gas used times the
   * logs per gas seen so far (at least one log). Always at least the first block. Without gasUsed in the headers the
   * whole span is planned (the adaptive range alone then sizes calls).
   */
  plan(headers: readonly (BlockHeader | undefined)[], bits: BloomBits): number {
    const budget = PLANNED_BYTES / this.bytesPerLog;
    let logs = 0;
    let last = -1;
    for (const header of headers) {
      if (header === undefined) break;
      if (header.gasUsed !== undefined && bloomHas(header.logsBloom, bits))
        logs += Math.max(1, header.gasUsed * this.logsPerGas);
      if (last >= 0 && logs > budget) break;
      last = header.number;
    }
    return last;
  }

  /** Learns the density and the size of logs from an answer and the headers of its blocks. */
  learn(headers: readonly (BlockHeader | undefined)[], logs: readonly RawLog[], bits: BloomBits): void {
    if (logs.length === 0) return;
    let gas = 0;
    for (const header of headers)
      if (header?.gasUsed !== undefined && bloomHas(header.logsBloom, bits)) gas += header.gasUsed;
    if (gas > 0) {
      const seen = logs.length / gas;
      this.logsPerGas = this.gasSeen ? Math.max(seen, this.logsPerGas * 0.8) : seen;
      this.gasSeen = true;
    }
    let bytes = 0;
    for (const log of logs) bytes += LOG_OVERHEAD_BYTES + log.data.length + 68 * log.topics.length;
    this.bytesPerLog = Math.max(LOG_OVERHEAD_BYTES, bytes / logs.length);
  }

  private retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, {
      retries: this.options.retries,
      signal: this.options.signal,
      onRetry: (error, attempt) => this.options.onRetry?.(what, error, attempt),
    });
  }

  async chainId(): Promise<number> {
    return this.retry("eth_chainId", async () => Number(await this.client.request({ method: "eth_chainId" })));
  }

  async blockNumber(): Promise<number> {
    return this.retry("eth_blockNumber", async () => Number(await this.client.request({ method: "eth_blockNumber" })));
  }

  /** The header of a block, or undefined when the node does not have it (yet, or any more after a reorg). */
  async header(blockNumber: number): Promise<BlockHeader | undefined> {
    return this.retry("eth_getBlockByNumber", async () =>
      toHeader(
        (await this.client.request({
          method: "eth_getBlockByNumber",
          params: [toQuantity(blockNumber), false],
        })) as RawHeader | null,
      ),
    );
  }

  /**
   * Headers of `numbers` (in that order), fetched in JSON-RPC batches of HEADER_BATCH; undefined for a block the node
   * that answered does not have. Each batch is retried as a whole.
   */
  async headers(numbers: readonly number[]): Promise<(BlockHeader | undefined)[]> {
    const batches: number[][] = [];
    for (let i = 0; i < numbers.length; i += HEADER_BATCH) batches.push(numbers.slice(i, i + HEADER_BATCH));
    const results: (BlockHeader | undefined)[][] = new Array<(BlockHeader | undefined)[]>(batches.length);
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const index = next++;
        results[index] = await this.retry("eth_getBlockByNumber (batch)", () =>
          Promise.all(
            batches[index].map(async (n) =>
              toHeader(
                (await this.batchClient.request({
                  method: "eth_getBlockByNumber",
                  params: [toQuantity(n), false],
                })) as RawHeader | null,
              ),
            ),
          ),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(HEADER_CONCURRENCY, batches.length) }, worker));
    return results.flat();
  }

  /**
   * Logs of `addresses` in the block with this hash (EIP-234): a node that does not have the block refuses instead of
   * answering short. Few retries: a refusal usually means this node is behind, and the range is retried later.
   */
  async logsOfBlock(addresses: readonly string[], blockHash: string): Promise<RawLog[]> {
    return withRetry(
      async () =>
        (await this.client.request({
          method: "eth_getLogs",
          params: [{ address: addresses as Hex[], blockHash: blockHash as Hex }],
        })) as RawLog[],
      {
        retries: Math.min(2, this.options.retries),
        signal: this.options.signal,
        onRetry: (error, attempt) => this.options.onRetry?.("eth_getLogs by blockHash", error, attempt),
      },
    );
  }

  /**
   * Logs of `addresses` from `from` up to at most `to`, over as many blocks as the node answers at once. Returns the
   * last block covered (≤ to). Errors halve the range (down to minRange, then back off and retry).
   */
  async logs(addresses: readonly string[], from: number, to: number): Promise<{ to: number; logs: RawLog[] }> {
    let failures = 0;
    let inARow = 0;
    for (;;) {
      const end = Math.min(to, from + this.range - 1);
      try {
        const logs = (await this.client.request({
          method: "eth_getLogs",
          params: [{ address: addresses as Hex[], fromBlock: toQuantity(from), toBlock: toQuantity(end) }],
        })) as RawLog[];
        this.adapt(end - from + 1, logs.length);
        return { to: end, logs };
      } catch (error) {
        if (this.options.signal?.aborted === true) throw new AbortedError();
        inARow++;
        // An answer too large for the node or the transport is about this range's density, not a passing fault: halve
        // at once, whatever worked before over sparser blocks. A range larger than any that worked is probably too
        // large too. A range that worked before is probably a transient fault: retry it with backoff, unless it keeps
        // failing (denser blocks).
        const tooLarge = RESPONSE_TOO_LARGE.test(errorText(error));
        if (this.range > this.options.minRange && (tooLarge || this.range > this.good || inARow >= 3)) {
          this.ceiling = Math.min(this.ceiling ?? Infinity, this.range);
          this.good = Math.min(this.good, tooLarge ? Math.floor(this.range / 2) : this.ceiling - 1);
          this.successes = 0;
          this.range = Math.max(this.options.minRange, Math.floor(this.range / 2));
          this.options.onRetry?.(`eth_getLogs (range now ${this.range})`, error, inARow);
          continue;
        }
        if (failures >= this.options.retries) throw error;
        const delay = Math.round(Math.random() * Math.min(5_000, 100 * 2 ** failures));
        failures++;
        this.options.onRetry?.("eth_getLogs", error, failures);
        await sleep(delay, this.options.signal);
      }
    }
  }
}
