import { EventEmitter } from "node:events";
import type { Hex } from "viem";
import type { Logger } from "pino";
import type { Database, Queryable } from "./db.js";
import { argsToJson, buildTopicMap, decodeLog, type TopicMap } from "./decode.js";
import type { Deployment } from "@consortia/sdk";
import {
  BatchStore,
  bulkInsert,
  rollbackTables,
  type IndexedEvent,
  type Projection,
  type TableSpec,
} from "./projection.js";
import { allMigrations, allTables } from "./projections.js";
import { checkCoverage, RangeNotCoveredError } from "./coverage.js";
import { BackfillProgress } from "./progress.js";
import { NodePool, type NodeStatus } from "./nodes.js";
import { splitUrls } from "./rpc-urls.js";
import { headsUrl, watchHeads, type HeadWatcher } from "./heads.js";
import { AbortedError, bloomBits, sleep, type BlockHeader, type BloomBits, type RawLog } from "./rpc.js";
import { CORE_MIGRATIONS, migrate } from "./schema.js";

export interface IndexerOptions {
  /** One JSON-RPC URL, or several separated by commas (failover; see src/indexer/nodes.ts). */
  rpcUrl: string;
  confirmations: number;
  reorgWindow: number;
  pollIntervalMs: number;
  maxLogRange: number;
  minLogRange: number;
  requestTimeoutMs: number;
  maxRetries: number;
  /** Longest wait before a node that failed is asked again (default 30 s). */
  nodeRetryMs?: number;
  progress: "auto" | "tty" | "log";
  /**
   * Where new heads are pushed from (src/indexer/heads.ts): a ws(s):// URL, `off`, or absent (derived from the first
   * RPC URL: http → ws on the same host and port).
   */
  wsUrl?: string | undefined;
  /**
   * Throws unless this process may still write (PostgreSQL high availability: the writer lock is still ours, see
   * src/indexer/writer-lock.ts). Runs in every transaction that writes, after the checkpoint row is locked.
   */
  fence?: ((tx: Queryable) => Promise<void>) | undefined;
}

/** What /ready, /metrics and the progress line read. */
export interface IndexerStatus {
  chainId: number;
  /** Last block whose events are committed. */
  indexedBlock: number;
  /** That block's time (unix seconds): the chain's latest time the index knows; undefined before the first block. */
  indexedBlockTime: number | undefined;
  /** That block's hash (undefined before the first block): which block of that number the index holds. */
  indexedBlockHash?: string | undefined;
  /** Latest head seen on the node. */
  headBlock: number;
  /** The block the indexer aims at: head − confirmations. */
  targetBlock: number;
  confirmations: number;
  /** Caught up with head − confirmations at the last successful poll. */
  caughtUp: boolean;
  lastPollAt: number;
  lastError: string | undefined;
  eventsTotal: number;
  eventsPerSecond: number;
  reorgs: number;
  logRange: number;
  /** Polls at which the node was below the checkpoint (its head, or the checkpoint's block missing): waited. */
  nodeBehind: number;
  /** Ranges whose logs could not be proven complete (retried later). */
  uncoveredRanges: number;
  /** Blocks whose bloom matched without a log in the range's answer, so fetched again by hash (EIP-234). */
  refetchedBlocks: number;
  /** Why indexing stopped (a reorg deeper than the kept block hashes); cleared only by a rebuild. */
  halted: string | undefined;
  /** Each RPC node's head and health, in the configured order. */
  nodes: NodeStatus[];
  /** Times a node answered in place of one that went down (kept across restarts). */
  failovers: number;
  /** How new blocks are noticed: pushed over a WebSocket subscription (and polled), or polled only. */
  heads: "subscription" | "polling";
}

export interface IndexerEvents {
  /** Events committed (after the transaction), in chain order. */
  events: [IndexedEvent[]];
  /** A reorg rolled the projections back to `ancestor`. */
  rollback: [number];
}

export class ConcurrentWriterError extends Error {
  constructor(expected: number, found: number) {
    super(`checkpoint moved from ${expected} to ${found} under us: is another indexer writing to this database?`);
  }
}

const EVENT_COLUMNS = [
  ["chain_id", "integer"],
  ["block_number", "bigint"],
  ["log_index", "integer"],
  ["block_hash", "text"],
  ["tx_hash", "text"],
  ["tx_index", "integer"],
  ["address", "text"],
  ["contract", "text"],
  ["event", "text"],
  ["args", "jsonb"],
  ["block_time", "bigint"],
] as const;

/**
 * The node's chain and ours part below the oldest block hash kept: rolling back would mean deleting the whole index.
 * Indexing halts instead (the API keeps serving the last consistent state) until an operator runs a rebuild.
 */
export class DeepReorgError extends Error {
  constructor(
    readonly checkpoint: number,
    readonly oldestKept: number,
  ) {
    super(
      `reorg deeper than the kept block hashes: none of blocks ${oldestKept}..${checkpoint} is on the node's chain; ` +
        "indexing halted (run `consortia index rebuild` to re-index from the deployment block)",
    );
  }
}

/** The state row's copy of the RPC nodes' status ($2) and failover count ($3). */
const NODE_COLUMNS = "rpc_nodes = $2::jsonb, failovers_total = $3";

/** How often a repeated condition (node behind) is logged again. */
const REPEAT_LOG_MS = 30_000;

/** A proven range (Indexer.fetchCovered). */
interface FetchedRange {
  to: number;
  logs: RawLog[];
  headers: BlockHeader[];
}

interface BlockRef {
  number: number;
  hash: string | null;
  /** Unix seconds; null when unknown (before the deployment block, or indexed before times were stored). */
  time: number | null;
}

/**
 * Reads the events of the deployed contracts and keeps the projections. Each batch of blocks (events, projection
 * writes, checkpoint) commits in one transaction; a block already committed is never applied twice.
 */
export class Indexer extends EventEmitter<IndexerEvents> {
  readonly nodes: NodePool;
  private readonly abort = new AbortController();
  private readonly topics: TopicMap;
  private readonly addresses: string[];
  /** The bloom bits of `addresses`, computed once (ChainReader.plan). */
  private readonly bloomBits: BloomBits;
  /**
   * The next range, fetched (and proven) while the current batch is written: its first block follows the batch being
   * written and its parent hash is that batch's last block's. Used only if the checkpoint is there when it is needed.
   */
  private prefetched: { from: number; parentHash: string; result: Promise<FetchedRange | Error> } | undefined;
  private readonly handlers: Map<string, Map<string, NonNullable<Projection["handlers"][string][string]>>>;
  /** Handlers of events any indexed contract emits (`Projection.everyContract`), by event name. */
  private readonly everyContract: Map<string, NonNullable<Projection["handlers"][string][string]>>;
  /** `address:topic0` of logs no ABI decodes, warned about once each (see decode). */
  private readonly unknownTopics = new Set<string>();
  private readonly tables: TableSpec[];
  private checkpoint: BlockRef = { number: -1, hash: null, time: null };
  private loop: Promise<void> | undefined;
  private progress: BackfillProgress | undefined;
  private recent: { at: number; events: number }[] = [];
  readonly status: IndexerStatus;

  constructor(
    private readonly db: Database,
    private readonly deployments: Deployment,
    private readonly projections: readonly Projection[],
    private readonly options: IndexerOptions,
    private readonly logger: Logger,
  ) {
    super();
    this.nodes = new NodePool({
      urls: splitUrls(options.rpcUrl),
      chainId: deployments.chainId,
      retryMaxMs: options.nodeRetryMs,
      timeoutMs: options.requestTimeoutMs,
      retries: options.maxRetries,
      minRange: options.minLogRange,
      maxRange: options.maxLogRange,
      signal: this.abort.signal,
      onRetry: (what, error, attempt) =>
        this.logger.warn({ what, attempt, err: (error as Error).message?.split("\n")[0] }, "rpc retry"),
      onChange: (node, up) =>
        up
          ? this.logger.info({ node: node.node, head: node.head }, "RPC node up again")
          : this.logger.warn({ node: node.node, err: node.lastError }, "RPC node down: skipped until it answers"),
      onFailover: (from, to) => this.logger.warn({ from: from.node, to: to.node, err: from.lastError }, "RPC failover"),
    });
    const contracts = projections.flatMap((p) =>
      Object.entries(p.contracts).flatMap(([name, abi]) => {
        const deployed = deployments.contracts[name];
        if (deployed === undefined) {
          logger.info({ contract: name, projection: p.name }, "contract not in deployments file: skipped");
          return [];
        }
        return [{ name, address: deployed.address, abi }];
      }),
    );
    this.topics = buildTopicMap(contracts);
    this.addresses = contracts.map((c) => c.address.toLowerCase());
    this.bloomBits = bloomBits(this.addresses);
    this.handlers = new Map(
      projections.flatMap((p) =>
        Object.entries(p.handlers).map(([c, byEvent]) => [c, new Map(Object.entries(byEvent))] as const),
      ),
    );
    this.everyContract = new Map(projections.flatMap((p) => Object.entries(p.everyContract ?? {})));
    this.tables = allTables(projections);
    this.status = {
      chainId: deployments.chainId,
      indexedBlock: -1,
      indexedBlockTime: undefined,
      headBlock: -1,
      targetBlock: -1,
      confirmations: options.confirmations,
      caughtUp: false,
      lastPollAt: 0,
      lastError: undefined,
      eventsTotal: 0,
      eventsPerSecond: 0,
      reorgs: 0,
      logRange: options.maxLogRange,
      nodeBehind: 0,
      uncoveredRanges: 0,
      refetchedBlocks: 0,
      halted: undefined,
      nodes: this.nodes.status(),
      failovers: 0,
      heads: "polling",
    };
  }

  private get chainId(): number {
    return this.deployments.chainId;
  }

  /** Applies migrations, checks the node's chain and loads the checkpoint. */
  async init(): Promise<void> {
    const applied = await migrate(this.db, [...CORE_MIGRATIONS, ...allMigrations(this.projections)]);
    if (applied.length > 0) this.logger.info({ applied }, "migrations applied");
    await this.nodes.init();
    const start = this.deployments.deploymentBlock - 1;
    // FOR UPDATE: a writer that lost its lock may still be committing a batch; the checkpoint is read after it.
    const state = await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO indexer_state (chain_id, block_number, block_hash, deployment_block) VALUES ($1, $2, NULL, $3) ON CONFLICT (chain_id) DO NOTHING`,
        [this.chainId, start, this.deployments.deploymentBlock],
      );
      const [row] = await tx.query<{
        block_number: number;
        block_hash: string | null;
        halted: string | null;
        node_behind_total: number;
        failovers_total: number;
        block_time: number | null;
      }>(
        `SELECT block_number, block_hash, halted, node_behind_total, failovers_total, block_time FROM indexer_state WHERE chain_id = $1 FOR UPDATE`,
        [this.chainId],
      );
      await this.options.fence?.(tx);
      return row;
    });
    this.checkpoint = { number: state.block_number, hash: state.block_hash, time: state.block_time };
    this.setIndexed(this.checkpoint);
    this.status.halted = state.halted ?? undefined;
    this.status.nodeBehind = state.node_behind_total;
    this.nodes.failovers = Number(state.failovers_total);
    this.status.failovers = this.nodes.failovers;
    if (state.halted !== null) this.logger.error({ reason: state.halted }, "indexing halted");
    const [count] = await this.db.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM events WHERE chain_id = $1`, [
      this.chainId,
    ]);
    this.status.eventsTotal = count.n;
    this.logger.info(
      { chainId: this.chainId, checkpoint: state.block_number, contracts: this.addresses.length },
      "indexer ready to run",
    );
  }

  /** Runs until `stop()`: backfills, then follows the head (pushed over WebSocket where the node offers it, polled). */
  start(): void {
    if (this.loop !== undefined) return;
    const url = headsUrl(splitUrls(this.options.rpcUrl)[0], this.options.wsUrl);
    if (url !== undefined)
      this.headWatcher = watchHeads({
        url,
        timeoutMs: this.options.requestTimeoutMs,
        onHead: () => this.wake(),
        onState: (subscribed, error) => {
          this.status.heads = subscribed ? "subscription" : "polling";
          if (subscribed) this.logger.info({ url: new URL(url).origin }, "new heads: subscribed over WebSocket");
          else
            this.logger.info(
              { url: new URL(url).origin, err: (error as Error | undefined)?.message?.split("\n")[0] },
              "new heads: no WebSocket subscription, polling",
            );
          if (!subscribed) this.wake(); // poll now: a head may have been missed while the subscription went down
        },
      });
    this.loop = this.run();
  }

  private headWatcher: HeadWatcher | undefined;
  /** Set by a pushed head; the loop's wait ends at once (or, while a step runs, right after it). */
  private woken = false;
  private wakeUp: (() => void) | undefined;

  private wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Waits `ms` or until a head is pushed, whichever comes first. */
  private async idle(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return;
    }
    const signal = this.abort.signal;
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      const onAbort = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        reject(new AbortedError());
      };
      const timer = setTimeout(done, ms);
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      this.wakeUp = done;
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.headWatcher?.stop();
    await this.loop;
    await this.prefetched?.result; // never rejects: a fetch still running ends with the abort
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.abort.signal.aborted) {
      try {
        const progressed = await this.step();
        failures = 0;
        this.status.lastError = undefined;
        if (!progressed) await this.idle(this.options.pollIntervalMs);
      } catch (error) {
        if (error instanceof AbortedError || this.abort.signal.aborted) break;
        failures++;
        this.status.lastError = (error as Error).message;
        const delay = Math.round(Math.random() * Math.min(30_000, 250 * 2 ** Math.min(failures, 10)));
        this.logger.error({ err: error, failures, retryInMs: delay }, "indexing step failed");
        await sleep(delay, this.abort.signal).catch(() => undefined);
      }
    }
  }

  /**
   * One poll: detect reorgs, then index one batch. Returns whether it indexed anything. A node below the checkpoint
   * is waited for (never taken for a reorg); a range whose answers cannot be proven complete is left for a later poll.
   */
  async step(): Promise<boolean> {
    try {
      return await this.poll();
    } finally {
      this.status.nodes = this.nodes.status();
      this.status.failovers = this.nodes.failovers;
    }
  }

  private async poll(): Promise<boolean> {
    if (this.status.halted !== undefined) return false;
    const head = await this.nodes.refreshHeads();
    const target = head - this.options.confirmations;
    this.status.headBlock = head;
    this.status.targetBlock = target;
    this.status.lastPollAt = Date.now();
    if (head < this.checkpoint.number) {
      await this.nodeBehind(head, `head ${head} is below the checkpoint`);
      return false;
    }
    try {
      if (!(await this.checkCanonical(head))) return false;
    } catch (error) {
      if (!(error instanceof DeepReorgError)) throw error;
      await this.halt(error);
      return false;
    }
    if (this.checkpoint.number >= target) {
      if (!this.loggedCaughtUp) this.logger.info({ block: this.checkpoint.number, head }, "caught up");
      this.loggedCaughtUp = true;
      this.status.caughtUp = true;
      await this.recordHead(head);
      return false;
    }
    this.status.caughtUp = false;
    this.loggedCaughtUp = false;
    try {
      await this.indexBatch(this.checkpoint.number + 1, target, head);
    } catch (error) {
      if (!(error instanceof RangeNotCoveredError)) throw error;
      this.status.uncoveredRanges++;
      this.logger.warn({ from: error.from, to: error.to, reason: error.reason }, "range not covered: retrying later");
      return false;
    }
    this.status.caughtUp = this.checkpoint.number >= target;
    return true;
  }

  private behindLoggedAt = 0;

  /** The node answering is below our checkpoint: wait for it (a log line now and then, a counter every poll). */
  private async nodeBehind(head: number, reason: string): Promise<void> {
    this.status.nodeBehind++;
    // Our checkpoint is at or above this node's head: nothing newer to index from it, and nothing to roll back.
    this.status.caughtUp = true;
    if (Date.now() - this.behindLoggedAt >= REPEAT_LOG_MS) {
      this.behindLoggedAt = Date.now();
      this.logger.warn(
        { head, checkpoint: this.checkpoint.number, times: this.status.nodeBehind },
        `node behind the index (${reason}): waiting, not rolling back`,
      );
    }
    await this.writeState(
      `UPDATE indexer_state SET node_behind_total = node_behind_total + 1, ${NODE_COLUMNS} WHERE chain_id = $1`,
      [this.chainId, ...this.nodeValues()],
    );
  }

  /** Stops indexing for good (until a rebuild) and records why, for /ready and /metrics in every process. */
  private async halt(error: DeepReorgError): Promise<void> {
    this.status.halted = error.message;
    this.status.caughtUp = false;
    this.logger.error({ checkpoint: error.checkpoint, oldestKept: error.oldestKept }, error.message);
    await this.writeState(`UPDATE indexer_state SET halted = $2 WHERE chain_id = $1`, [this.chainId, error.message]);
  }

  /** One write to the state row; fenced (the row locked, then the writer lock checked) when there is a fence. */
  private async writeState(sql: string, params: readonly unknown[]): Promise<void> {
    const fence = this.options.fence;
    if (fence === undefined) {
      await this.db.query(sql, params);
      return;
    }
    await this.db.transaction(async (tx) => {
      await tx.query(`SELECT 1 FROM indexer_state WHERE chain_id = $1 FOR UPDATE`, [this.chainId]);
      await fence(tx);
      await tx.query(sql, params);
    });
  }

  /**
   * Deletes every projection row, event and kept hash and moves the checkpoint back before the deployment block, in
   * one transaction; clears a halt. The operator's explicit choice (`consortia index rebuild`), never automatic.
   */
  async rebuild(): Promise<void> {
    const start: BlockRef = { number: this.deployments.deploymentBlock - 1, hash: null, time: null };
    await this.db.transaction(async (tx) => {
      await tx.query(`SELECT block_number FROM indexer_state WHERE chain_id = $1 FOR UPDATE`, [this.chainId]);
      await this.options.fence?.(tx);
      await this.truncateAbove(tx, start);
      await tx.query(`UPDATE indexer_state SET halted = NULL WHERE chain_id = $1`, [this.chainId]);
    });
    this.logger.warn(
      { from: this.deployments.deploymentBlock },
      "index rebuilt: re-indexing from the deployment block",
    );
    this.checkpoint = start;
    this.setIndexed(start);
    this.status.eventsTotal = 0;
    this.status.halted = undefined;
    this.status.caughtUp = false;
  }

  private setIndexed(block: BlockRef): void {
    this.status.indexedBlock = block.number;
    this.status.indexedBlockTime = block.time ?? undefined;
    this.status.indexedBlockHash = block.hash ?? undefined;
  }

  private headWrittenAt = 0;
  private loggedCaughtUp = false;

  /** Keeps the head in the database while idle, for an API running in another process (/ready, lag). */
  private async recordHead(head: number): Promise<void> {
    if (Date.now() - this.headWrittenAt < 2_000) return;
    this.headWrittenAt = Date.now();
    await this.writeState(
      `UPDATE indexer_state SET ${NODE_COLUMNS}, head_block = $4, head_seen_ms = $5 WHERE chain_id = $1`,
      [this.chainId, ...this.nodeValues(), head, Date.now()],
    );
  }

  /** Values of NODE_COLUMNS ($2, $3): the nodes as /status shows them, for an API in another process. */
  private nodeValues(): [string, number] {
    return [JSON.stringify(this.nodes.status()), this.nodes.failovers];
  }

  /** Whether /ready should answer yes: caught up at a recent successful poll. */
  isReady(): boolean {
    const fresh = Date.now() - this.status.lastPollAt < Math.max(10_000, 5 * this.options.pollIntervalMs);
    return this.status.halted === undefined && this.status.caughtUp && fresh && this.status.lastError === undefined;
  }

  /** Events projected per second over the 10 s before `now`: it falls to 0 when indexing goes idle. */
  eventsPerSecond(now = Date.now()): number {
    const recent = this.recent.filter((r) => r.at >= now - 10_000);
    if (recent.length === 0) return 0;
    return (recent.reduce((sum, r) => sum + r.events, 0) * 1000) / Math.max(1000, now - recent[0].at);
  }

  /**
   * Whether the block we indexed last is still canonical. A node without that block is behind: false (wait). A node
   * that has the block under another hash reports a reorg: roll back to the last common block, or throw
   * DeepReorgError when none of the kept hashes is on its chain.
   */
  private async checkCanonical(head: number): Promise<boolean> {
    const cp = this.checkpoint;
    if (cp.hash === null) return true;
    const node = await this.nodes.use(cp.number, "the checkpoint's header", (reader) => reader.header(cp.number));
    if (node === undefined) {
      await this.nodeBehind(head, `block ${cp.number} unknown to the node`);
      return false;
    }
    if (node.hash === cp.hash) return true;
    const ancestor = await this.findAncestor(cp.number);
    if (ancestor === undefined) return false;
    this.logger.warn({ from: cp.number, ancestor: ancestor.number, head }, "reorg: rolling back");
    await this.rollback(ancestor);
    return true;
  }

  /**
   * The newest kept block the node has under the same hash. Undefined when the node lacks one of the kept blocks
   * (it answered from behind: ask again later).
   */
  private async findAncestor(below: number): Promise<BlockRef | undefined> {
    const stored = await this.db.query<{ block_number: number; block_hash: string; block_time: number | null }>(
      `SELECT block_number, block_hash, block_time FROM indexed_blocks WHERE chain_id = $1 AND block_number <= $2 ORDER BY block_number DESC`,
      [this.chainId, below],
    );
    const headers = await this.nodes.use(below, "kept headers", (reader) =>
      reader.headers(stored.map((b) => b.block_number)),
    );
    for (const [i, { block_number, block_hash, block_time }] of stored.entries()) {
      if (headers[i] === undefined) return undefined;
      if (headers[i].hash === block_hash) return { number: block_number, hash: block_hash, time: block_time };
    }
    throw new DeepReorgError(below, stored.at(-1)?.block_number ?? below);
  }

  /** Deletes what was indexed above `ancestor` and moves the checkpoint there (inside the caller's transaction). */
  private async truncateAbove(tx: Queryable, ancestor: BlockRef): Promise<void> {
    await rollbackTables(tx, this.tables, ancestor.number);
    await tx.query(`DELETE FROM events WHERE chain_id = $1 AND block_number > $2`, [this.chainId, ancestor.number]);
    await tx.query(`DELETE FROM indexed_blocks WHERE chain_id = $1 AND block_number > $2`, [
      this.chainId,
      ancestor.number,
    ]);
    await tx.query(`DELETE FROM block_times WHERE block_number > $1`, [ancestor.number]);
    await tx.query(`UPDATE indexer_state SET block_number = $2, block_hash = $3, block_time = $4 WHERE chain_id = $1`, [
      this.chainId,
      ancestor.number,
      ancestor.hash,
      ancestor.time,
    ]);
  }

  private async rollback(ancestor: BlockRef): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.lockCheckpoint(tx);
      await this.truncateAbove(tx, ancestor);
    });
    const [count] = await this.db.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM events WHERE chain_id = $1`, [
      this.chainId,
    ]);
    this.status.eventsTotal = count.n;
    this.checkpoint = ancestor;
    this.setIndexed(ancestor);
    this.status.reorgs++;
    this.emit("rollback", ancestor.number);
  }

  private async lockCheckpoint(tx: Queryable): Promise<void> {
    const [row] = await tx.query<{ block_number: number }>(
      `SELECT block_number FROM indexer_state WHERE chain_id = $1 FOR UPDATE`,
      [this.chainId],
    );
    await this.options.fence?.(tx);
    if (row.block_number !== this.checkpoint.number)
      throw new ConcurrentWriterError(this.checkpoint.number, row.block_number);
  }

  private async indexBatch(from: number, target: number, head: number): Promise<void> {
    if (this.progress === undefined && target - from > 100) {
      const tty =
        this.options.progress === "tty" || (this.options.progress === "auto" && process.stderr.isTTY === true);
      this.progress = new BackfillProgress(from - 1, tty ? "tty" : "log", this.logger);
    }
    const t0 = performance.now();
    const { to, logs, headers } = await this.takeRange(from, target);
    const last = headers[headers.length - 1];
    // Pipeline: the next range is fetched (node, network, JSON parsing) while this one is decoded and written. Only in
    // the running loop (start()), which stop() ends after it: a caller stepping by hand gets one batch per step.
    if (to < target && this.loop !== undefined) {
      const parentHash = last.hash;
      this.prefetched = {
        from: to + 1,
        parentHash,
        result: this.fetchCovered(to + 1, target, parentHash).catch((error: unknown) =>
          error instanceof Error ? error : new Error(String(error)),
        ),
      };
    }

    const t1 = performance.now();
    const times = new Map(headers.map((h) => [h.number, h.timestamp]));
    const events = this.decode(logs, times);
    const t2 = performance.now();
    let t3 = 0;
    let t4 = 0;
    const applied = await this.db.transaction(async (tx) => {
      await this.lockCheckpoint(tx);
      const fresh = await this.insertEvents(tx, events, from);
      t3 = performance.now();
      const store = new BatchStore(tx, this.tables);
      for (const event of fresh) {
        const handler = this.handlers.get(event.contract)?.get(event.event);
        const common = this.everyContract.get(event.event);
        if (handler === undefined && common === undefined) continue;
        store.setEvent(event);
        if (handler !== undefined) await handler(event, store);
        if (common !== undefined) await common(event, store);
      }
      await store.flush();
      t4 = performance.now();
      const keep = Math.max(0, head - this.options.reorgWindow - this.options.confirmations);
      await bulkInsert(
        tx,
        "indexed_blocks",
        [
          ["chain_id", "integer"],
          ["block_number", "bigint"],
          ["block_hash", "text"],
          ["block_time", "bigint"],
        ],
        headers.filter((h) => h.number >= keep).map((h) => [this.chainId, h.number, h.hash, h.timestamp]),
        "ON CONFLICT (chain_id, block_number) DO UPDATE SET block_hash = EXCLUDED.block_hash, block_time = EXCLUDED.block_time",
      );
      await tx.query(`DELETE FROM indexed_blocks WHERE chain_id = $1 AND block_number < $2`, [this.chainId, keep]);
      // The time of every block an event of this batch is in: what the API's sources show as `time` and `date`.
      const eventBlocks = new Set(events.map((e) => e.blockNumber));
      await bulkInsert(
        tx,
        "block_times",
        [
          ["block_number", "bigint"],
          ["block_time", "bigint"],
        ],
        headers.filter((h) => eventBlocks.has(h.number)).map((h) => [h.number, h.timestamp]),
        "ON CONFLICT (block_number) DO UPDATE SET block_time = EXCLUDED.block_time",
      );
      await tx.query(
        `UPDATE indexer_state SET ${NODE_COLUMNS}, head_block = $4, head_seen_ms = $5, block_number = $6, block_hash = $7, block_time = $8 WHERE chain_id = $1`,
        [this.chainId, ...this.nodeValues(), head, Date.now(), to, last.hash, last.timestamp],
      );
      return fresh;
    });
    this.checkpoint = { number: to, hash: last.hash, time: last.timestamp };
    this.setIndexed(this.checkpoint);
    this.status.eventsTotal += applied.length;
    const now = Date.now();
    this.recent.push({ at: now, events: applied.length });
    while (this.recent.length > 1 && this.recent[0].at < now - 10_000) this.recent.shift();
    const span = Math.max(1000, now - this.recent[0].at);
    this.status.eventsPerSecond = (this.recent.reduce((s, r) => s + r.events, 0) * 1000) / span;
    const ms = (a: number, b: number) => Math.round(b - a);
    this.logger.debug(
      {
        from,
        to,
        events: applied.length,
        fetchMs: ms(t0, t1),
        decodeMs: ms(t1, t2),
        eventsMs: ms(t2, t3),
        projectMs: ms(t3, t4),
        commitMs: ms(t4, performance.now()),
      },
      "batch committed",
    );
    this.progress?.update(to, target, applied.length);
    if (this.progress !== undefined && to >= target) this.progress = undefined;
    if (applied.length > 0) this.emit("events", applied);
  }

  /**
   * The range from `from` on: the one fetched ahead while the previous batch was written if it starts there and links
   * to the checkpoint, else fetched now. A failed prefetch is thrown here, as a fetch made now would have thrown.
   */
  private async takeRange(from: number, target: number): Promise<FetchedRange> {
    const ahead = this.prefetched;
    this.prefetched = undefined;
    if (ahead !== undefined && ahead.from === from && ahead.parentHash === this.checkpoint.hash) {
      const result = await ahead.result;
      if (result instanceof Error) throw result;
      if (result.to <= target) return result;
    }
    return this.fetchCovered(from, target, this.checkpoint.hash);
  }

  /**
   * Logs and headers of from..(at most) target with the proof that the logs are complete (src/indexer/coverage.ts):
   * the headers, then the logs their plan asks for, checked, and each suspect block's logs fetched again by hash.
   * Throws RangeNotCoveredError when nothing could be proven: the checkpoint does not move.
   */
  private async fetchCovered(
    from: number,
    target: number,
    parentHash: string | null,
  ): Promise<{ to: number; logs: RawLog[]; headers: BlockHeader[] }> {
    // Logs, headers and refetches from one node, never above its head. The headers come first: their blooms and gas
    // used size the eth_getLogs call (ChainReader.plan), so that its answer is neither refused as too large (the node
    // would have built it for nothing) nor needlessly small.
    const { reader, fetched, headers } = await this.nodes.use(from, "logs", async (reader, nodeHead) => {
      const span = Math.min(target, nodeHead, from + reader.logRange - 1);
      const numbers = Array.from({ length: span - from + 1 }, (_, i) => from + i);
      // A first header missing means the answer came from a node behind (a load balancer's lagging backend): ask
      // again, twice at most, before leaving the range for a later poll.
      let headers = await reader.headers(numbers);
      for (let again = 0; again < 2 && headers[0] === undefined; again++) headers = await reader.headers(numbers);
      const end = reader.plan(headers, this.bloomBits);
      if (end < from) return { reader, fetched: { to: from - 1, logs: [] as RawLog[] }, headers };
      const fetched = await reader.logs(this.addresses, from, end);
      reader.learn(headers.slice(0, fetched.to - from + 1), fetched.logs, this.bloomBits);
      return { reader, fetched, headers };
    });
    if (fetched.to < from) throw new RangeNotCoveredError(from, from, `no header of block ${from}: the node is behind`);
    this.status.logRange = reader.logRange;
    // eth_getLogs may have answered a shorter range (it shrinks on errors): prove only what it answered.
    const coverage = checkCoverage({
      from,
      headers: headers.slice(0, fetched.to - from + 1),
      parentHash,
      logs: fetched.logs,
      addresses: this.addresses,
    });
    if (coverage.suspects.length === 0) return coverage;
    this.logger.debug({ blocks: coverage.suspects.map((h) => h.number) }, "bloom matches without logs: refetching");
    this.status.refetchedBlocks += coverage.suspects.length;
    const refetched = await Promise.all(
      coverage.suspects.map(async (header) => {
        let logs: RawLog[];
        try {
          logs = await reader.logsOfBlock(this.addresses, header.hash);
        } catch (error) {
          if (error instanceof AbortedError) throw error;
          throw new RangeNotCoveredError(
            header.number,
            header.number,
            `eth_getLogs by hash refused (${(error as Error).message.split("\n")[0]})`,
          );
        }
        for (const log of logs)
          if (log.blockHash !== header.hash || log.removed === true)
            throw new RangeNotCoveredError(header.number, header.number, "eth_getLogs by hash answered another block");
        return logs;
      }),
    );
    return { ...coverage, logs: [...coverage.logs, ...refetched.flat()] };
  }

  private decode(logs: readonly RawLog[], times: ReadonlyMap<number, number>): IndexedEvent[] {
    const events: IndexedEvent[] = [];
    for (const log of logs) {
      const address = log.address.toLowerCase();
      const topic = log.topics[0]?.toLowerCase() ?? "";
      const decoder = this.topics.get(address)?.get(topic);
      if (decoder === undefined) {
        this.warnUnknown(address, topic, Number(log.blockNumber));
        continue;
      }
      events.push({
        chainId: this.chainId,
        blockNumber: Number(log.blockNumber),
        blockHash: log.blockHash,
        blockTime: times.get(Number(log.blockNumber)),
        txHash: log.transactionHash,
        txIndex: Number(log.transactionIndex),
        logIndex: Number(log.logIndex),
        address,
        contract: decoder.contract,
        event: decoder.name,
        args: decodeLog(decoder, log.topics as Hex[], log.data),
      });
    }
    return events.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
  }

  /**
   * A log of a followed contract that no ABI of this build decodes: after an upgrade, an event the new implementation
   * added. It is skipped (nothing to project it with), loudly: run the indexer release that matches the implementation
   * (its ABI decodes the new events) and rebuild the index from the upgrade's block if they matter.
   */
  private warnUnknown(address: string, topic: string, block: number): void {
    const key = `${address}:${topic}`;
    if (this.unknownTopics.has(key)) return;
    this.unknownTopics.add(key);
    const contract = this.topics.get(address)?.values().next().value?.contract;
    this.logger.warn(
      { contract, address, topic, block },
      "event not in this indexer's ABI (a newer implementation?): skipped; run the indexer release matching the contract",
    );
  }

  /**
   * Inserts events that are not stored yet and returns those: only they are applied to the projections. Under the
   * locked checkpoint no event above it is stored (a batch's events commit with its checkpoint, a rollback deletes
   * them with it): one index probe proves it, and the rows then go in with a plain INSERT (no conflict arbitration,
   * no rows sent back). Should a stored event be found above the checkpoint anyway, the exactly-once guard of
   * `ON CONFLICT DO NOTHING RETURNING` decides which events are new.
   */
  private async insertEvents(tx: Queryable, events: readonly IndexedEvent[], from: number): Promise<IndexedEvent[]> {
    if (events.length === 0) return [];
    const rows = events.map((e) => [
      e.chainId,
      e.blockNumber,
      e.logIndex,
      e.blockHash,
      e.txHash,
      e.txIndex,
      e.address,
      e.contract,
      e.event,
      argsToJson(e.args),
      e.blockTime ?? null,
    ]);
    const stored = await tx.query(`SELECT 1 FROM events WHERE chain_id = $1 AND block_number >= $2 LIMIT 1`, [
      this.chainId,
      from,
    ]);
    if (stored.length === 0) {
      await bulkInsert(tx, "events", EVENT_COLUMNS, rows);
      return [...events];
    }
    const inserted = await bulkInsert(
      tx,
      "events",
      EVENT_COLUMNS,
      rows,
      "ON CONFLICT DO NOTHING RETURNING block_number, log_index",
    );
    if (inserted.length === events.length) return [...events];
    const keys = new Set(inserted.map((r) => `${String(r.block_number)}:${String(r.log_index)}`));
    return events.filter((e) => keys.has(`${e.blockNumber}:${e.logIndex}`));
  }
}
