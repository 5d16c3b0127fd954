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
import { BackfillProgress } from "./progress.js";
import { AbortedError, ChainMismatchError, ChainReader, sleep, type RawLog } from "./rpc.js";
import { CORE_MIGRATIONS, migrate } from "./schema.js";

export interface IndexerOptions {
  rpcUrl: string;
  confirmations: number;
  reorgWindow: number;
  pollIntervalMs: number;
  maxLogRange: number;
  minLogRange: number;
  requestTimeoutMs: number;
  maxRetries: number;
  progress: "auto" | "tty" | "log";
}

/** What /ready, /metrics and the progress line read. */
export interface IndexerStatus {
  chainId: number;
  /** Last block whose events are committed. */
  indexedBlock: number;
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
] as const;

/** Blocks re-indexed when the chain changed under one batch. */
class ChainMovedError extends Error {}

interface BlockRef {
  number: number;
  hash: string | null;
}

/**
 * Reads the events of the deployed contracts and keeps the projections. Each batch of blocks (events, projection
 * writes, checkpoint) commits in one transaction; a block already committed is never applied twice.
 */
export class Indexer extends EventEmitter<IndexerEvents> {
  readonly reader: ChainReader;
  private readonly abort = new AbortController();
  private readonly topics: TopicMap;
  private readonly addresses: string[];
  private readonly handlers: Map<string, Map<string, NonNullable<Projection["handlers"][string][string]>>>;
  private readonly tables: TableSpec[];
  private checkpoint: BlockRef = { number: -1, hash: null };
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
    this.reader = new ChainReader({
      url: options.rpcUrl,
      timeoutMs: options.requestTimeoutMs,
      retries: options.maxRetries,
      minRange: options.minLogRange,
      maxRange: options.maxLogRange,
      signal: this.abort.signal,
      onRetry: (what, error, attempt) =>
        this.logger.warn({ what, attempt, err: (error as Error).message?.split("\n")[0] }, "rpc retry"),
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
    this.handlers = new Map(
      projections.flatMap((p) =>
        Object.entries(p.handlers).map(([c, byEvent]) => [c, new Map(Object.entries(byEvent))] as const),
      ),
    );
    this.tables = allTables(projections);
    this.status = {
      chainId: deployments.chainId,
      indexedBlock: -1,
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
    };
  }

  private get chainId(): number {
    return this.deployments.chainId;
  }

  /** Applies migrations, checks the node's chain and loads the checkpoint. */
  async init(): Promise<void> {
    const applied = await migrate(this.db, [...CORE_MIGRATIONS, ...allMigrations(this.projections)]);
    if (applied.length > 0) this.logger.info({ applied }, "migrations applied");
    const chainId = await this.reader.chainId();
    if (chainId !== this.chainId) throw new ChainMismatchError(this.chainId, chainId);
    const start = this.deployments.deploymentBlock - 1;
    await this.db.query(
      `INSERT INTO indexer_state (chain_id, block_number, block_hash, deployment_block) VALUES ($1, $2, NULL, $3) ON CONFLICT (chain_id) DO NOTHING`,
      [this.chainId, start, this.deployments.deploymentBlock],
    );
    const [state] = await this.db.query<{ block_number: number; block_hash: string | null }>(
      `SELECT block_number, block_hash FROM indexer_state WHERE chain_id = $1`,
      [this.chainId],
    );
    this.checkpoint = { number: state.block_number, hash: state.block_hash };
    this.status.indexedBlock = state.block_number;
    const [count] = await this.db.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM events WHERE chain_id = $1`, [
      this.chainId,
    ]);
    this.status.eventsTotal = count.n;
    this.logger.info(
      { chainId, checkpoint: state.block_number, contracts: this.addresses.length },
      "indexer ready to run",
    );
  }

  /** Runs until `stop()`: backfills, then follows the head. */
  start(): void {
    if (this.loop !== undefined) return;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.abort.signal.aborted) {
      try {
        const progressed = await this.step();
        failures = 0;
        this.status.lastError = undefined;
        if (!progressed) await sleep(this.options.pollIntervalMs, this.abort.signal);
      } catch (error) {
        if (error instanceof AbortedError || this.abort.signal.aborted) break;
        if (error instanceof ChainMovedError) continue;
        failures++;
        this.status.lastError = (error as Error).message;
        const delay = Math.round(Math.random() * Math.min(30_000, 250 * 2 ** Math.min(failures, 10)));
        this.logger.error({ err: error, failures, retryInMs: delay }, "indexing step failed");
        await sleep(delay, this.abort.signal).catch(() => undefined);
      }
    }
  }

  /** One poll: detect reorgs, then index one batch. Returns whether it indexed anything. */
  async step(): Promise<boolean> {
    const head = await this.reader.blockNumber();
    const target = head - this.options.confirmations;
    this.status.headBlock = head;
    this.status.targetBlock = target;
    this.status.lastPollAt = Date.now();
    await this.checkCanonical(head);
    if (this.checkpoint.number >= target) {
      if (!this.loggedCaughtUp) this.logger.info({ block: this.checkpoint.number, head }, "caught up");
      this.loggedCaughtUp = true;
      this.status.caughtUp = true;
      await this.recordHead(head);
      return false;
    }
    this.status.caughtUp = false;
    this.loggedCaughtUp = false;
    await this.indexBatch(this.checkpoint.number + 1, target, head);
    this.status.caughtUp = this.checkpoint.number >= target;
    return true;
  }

  private headWrittenAt = 0;
  private loggedCaughtUp = false;

  /** Keeps the head in the database while idle, for an API running in another process (/ready, lag). */
  private async recordHead(head: number): Promise<void> {
    if (Date.now() - this.headWrittenAt < 2_000) return;
    this.headWrittenAt = Date.now();
    await this.db.query(`UPDATE indexer_state SET head_block = $2, head_seen_ms = $3 WHERE chain_id = $1`, [
      this.chainId,
      head,
      Date.now(),
    ]);
  }

  /** Whether /ready should answer yes: caught up at a recent successful poll. */
  isReady(): boolean {
    const fresh = Date.now() - this.status.lastPollAt < Math.max(10_000, 5 * this.options.pollIntervalMs);
    return this.status.caughtUp && fresh && this.status.lastError === undefined;
  }

  /** Events projected per second over the 10 s before `now`: it falls to 0 when indexing goes idle. */
  eventsPerSecond(now = Date.now()): number {
    const recent = this.recent.filter((r) => r.at >= now - 10_000);
    if (recent.length === 0) return 0;
    return (recent.reduce((sum, r) => sum + r.events, 0) * 1000) / Math.max(1000, now - recent[0].at);
  }

  /** If the block we indexed last is no longer canonical, roll back to the last common block. */
  private async checkCanonical(head: number): Promise<void> {
    const cp = this.checkpoint;
    if (cp.hash === null) return;
    const node = cp.number <= head ? await this.reader.header(cp.number) : undefined;
    if (node?.hash === cp.hash) return;
    const ancestor = await this.findAncestor(Math.min(cp.number, head));
    this.logger.warn({ from: cp.number, ancestor: ancestor.number, head }, "reorg: rolling back");
    await this.rollback(ancestor);
  }

  private async findAncestor(below: number): Promise<BlockRef> {
    const stored = await this.db.query<{ block_number: number; block_hash: string }>(
      `SELECT block_number, block_hash FROM indexed_blocks WHERE chain_id = $1 AND block_number <= $2 ORDER BY block_number DESC`,
      [this.chainId, below],
    );
    for (const { block_number, block_hash } of stored) {
      const node = await this.reader.header(block_number);
      if (node?.hash === block_hash) return { number: block_number, hash: block_hash };
    }
    this.logger.error({ below }, "reorg deeper than the kept block hashes: re-indexing from the deployment block");
    return { number: this.deployments.deploymentBlock - 1, hash: null };
  }

  private async rollback(ancestor: BlockRef): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.lockCheckpoint(tx);
      await rollbackTables(tx, this.tables, ancestor.number);
      await tx.query(`DELETE FROM events WHERE chain_id = $1 AND block_number > $2`, [this.chainId, ancestor.number]);
      await tx.query(`DELETE FROM indexed_blocks WHERE chain_id = $1 AND block_number > $2`, [
        this.chainId,
        ancestor.number,
      ]);
      await tx.query(`UPDATE indexer_state SET block_number = $2, block_hash = $3 WHERE chain_id = $1`, [
        this.chainId,
        ancestor.number,
        ancestor.hash,
      ]);
    });
    const [count] = await this.db.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM events WHERE chain_id = $1`, [
      this.chainId,
    ]);
    this.status.eventsTotal = count.n;
    this.checkpoint = ancestor;
    this.status.indexedBlock = ancestor.number;
    this.status.reorgs++;
    this.emit("rollback", ancestor.number);
  }

  private async lockCheckpoint(tx: Queryable): Promise<void> {
    const [row] = await tx.query<{ block_number: number }>(
      `SELECT block_number FROM indexer_state WHERE chain_id = $1 FOR UPDATE`,
      [this.chainId],
    );
    if (row.block_number !== this.checkpoint.number)
      throw new ConcurrentWriterError(this.checkpoint.number, row.block_number);
  }

  private async indexBatch(from: number, target: number, head: number): Promise<void> {
    if (this.progress === undefined && target - from > 100) {
      const tty =
        this.options.progress === "tty" || (this.options.progress === "auto" && process.stderr.isTTY === true);
      this.progress = new BackfillProgress(from - 1, tty ? "tty" : "log", this.logger);
    }
    // The header of the last block before and after eth_getLogs must agree, and our checkpoint must still be its
    // ancestor: otherwise the chain moved during the batch and it is fetched again.
    const t0 = performance.now();
    let fetched: { to: number; logs: RawLog[]; hash: string } | undefined;
    while (fetched === undefined) {
      const end = Math.min(target, from + this.reader.logRange - 1);
      const before = await this.reader.header(end);
      if (before === undefined) throw new ChainMovedError(`block ${end} vanished`);
      const { to, logs } = await this.reader.logs(this.addresses, from, end);
      this.status.logRange = this.reader.logRange;
      if (to !== end) continue; // the range shrank: plan again with the smaller range
      const after = await this.reader.header(to);
      if (after?.hash !== before.hash) throw new ChainMovedError(`block ${to} changed during the batch`);
      for (const log of logs) {
        if (log.removed === true || (Number(log.blockNumber) === to && log.blockHash !== after.hash)) {
          throw new ChainMovedError(`log of block ${Number(log.blockNumber)} is not on the canonical chain`);
        }
      }
      fetched = { to, logs, hash: after.hash };
    }
    if (this.checkpoint.hash !== null) {
      const cp = await this.reader.header(this.checkpoint.number);
      if (cp?.hash !== this.checkpoint.hash) throw new ChainMovedError("checkpoint no longer canonical");
    }
    const { to, logs } = fetched;
    const before = { hash: fetched.hash };

    const t1 = performance.now();
    const events = this.decode(logs);
    const t2 = performance.now();
    let t3 = 0;
    let t4 = 0;
    const blockHashes = new Map<number, string>([[to, before.hash]]);
    for (const e of events) blockHashes.set(e.blockNumber, e.blockHash);
    const applied = await this.db.transaction(async (tx) => {
      await this.lockCheckpoint(tx);
      const fresh = await this.insertEvents(tx, events);
      t3 = performance.now();
      const store = new BatchStore(tx, this.tables);
      for (const event of fresh) {
        const handler = this.handlers.get(event.contract)?.get(event.event);
        if (handler === undefined) continue;
        store.setEvent(event);
        await handler(event, store);
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
        ],
        [...blockHashes].filter(([n]) => n >= keep).map(([n, h]) => [this.chainId, n, h]),
        "ON CONFLICT (chain_id, block_number) DO UPDATE SET block_hash = EXCLUDED.block_hash",
      );
      await tx.query(`DELETE FROM indexed_blocks WHERE chain_id = $1 AND block_number < $2`, [this.chainId, keep]);
      await tx.query(
        `UPDATE indexer_state SET block_number = $2, block_hash = $3, head_block = $4, head_seen_ms = $5 WHERE chain_id = $1`,
        [this.chainId, to, before.hash, head, Date.now()],
      );
      return fresh;
    });
    this.checkpoint = { number: to, hash: before.hash };
    this.status.indexedBlock = to;
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

  private decode(logs: readonly RawLog[]): IndexedEvent[] {
    const events: IndexedEvent[] = [];
    for (const log of logs) {
      const address = log.address.toLowerCase();
      const decoder = this.topics.get(address)?.get(log.topics[0]?.toLowerCase() ?? "");
      if (decoder === undefined) continue;
      events.push({
        chainId: this.chainId,
        blockNumber: Number(log.blockNumber),
        blockHash: log.blockHash,
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

  /** Inserts events that are not stored yet and returns those: only they are applied to the projections. */
  private async insertEvents(tx: Queryable, events: readonly IndexedEvent[]): Promise<IndexedEvent[]> {
    if (events.length === 0) return [];
    const inserted = await bulkInsert(
      tx,
      "events",
      EVENT_COLUMNS,
      events.map((e) => [
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
      ]),
      "ON CONFLICT DO NOTHING RETURNING block_number, log_index",
    );
    if (inserted.length === events.length) return [...events];
    const keys = new Set(inserted.map((r) => `${String(r.block_number)}:${String(r.log_index)}`));
    return events.filter((e) => keys.has(`${e.blockNumber}:${e.logIndex}`));
  }
}
