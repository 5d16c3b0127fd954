import { AbortedError, ChainMismatchError, ChainReader, type ChainReaderOptions } from "./rpc.js";

/** One node of the pool as `/status` and `/metrics` show it. */
export interface NodeStatus {
  /** `scheme://host:port` of its URL: the path, query and credentials are left out (they may hold API keys). */
  node: string;
  /** The last head it reported; -1 before its first answer. */
  head: number;
  /** Answering: asked for blocks up to its head. A node down is skipped until its retry time. */
  up: boolean;
  /** Failed requests in a row (0 when up). */
  failures: number;
  lastError?: string | undefined;
}

export interface NodePoolOptions extends Omit<ChainReaderOptions, "url"> {
  /** JSON-RPC URLs of the nodes, in order of preference. */
  urls: readonly string[];
  /** The chain every node must serve (eth_chainId): a node on another chain is never used. */
  chainId: number;
  /** Longest wait before a node down is asked again (default 30 s; the first wait is 1 s or this, if less). */
  retryMaxMs?: number | undefined;
  /** A node went down (a request failed) or came back up (answered again). */
  onChange?: (node: NodeStatus, up: boolean) => void;
  /** A node answered in place of the one asked first, which is down. */
  onFailover?: (from: NodeStatus, to: NodeStatus) => void;
}

interface PoolNode extends NodeStatus {
  reader: ChainReader;
  /** When a node down is asked again (ms since the epoch). */
  retryAt: number;
  /** eth_chainId answered with the expected chain. */
  verified: boolean;
  /** Answered another chain: never used again (a configuration mistake, not a fault that passes). */
  refused: boolean;
  /** The request asking a node down whether it is back, while it runs. */
  probe?: Promise<void> | undefined;
  /** The last failure, as thrown. */
  error?: unknown;
}

/** Every node of the pool is down (or behind `minHead`): the step fails and the indexer backs off. */
export class NoNodeError extends Error {
  constructor(what: string, nodes: readonly NodeStatus[]) {
    super(
      `no node can answer ${what}: ${nodes.map((n) => `${n.node} (head ${n.head}${n.up ? "" : `, down: ${n.lastError ?? "?"}`})`).join(", ")}`,
    );
  }
}

/** A node down is asked again after 1 s, doubling per failure in a row, at most `retryMaxMs` (30 s). */
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 30_000;

/** `scheme://host:port` of each URL; the same origin twice gets `#2`, `#3` (the label must tell nodes apart). */
function labels(urls: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return urls.map((url) => {
    const origin = new URL(url).origin;
    const n = (seen.get(origin) ?? 0) + 1;
    seen.set(origin, n);
    return n === 1 ? origin : `${origin}#${n}`;
  });
}

const view = ({ node, head, up, failures, lastError }: NodeStatus): NodeStatus => ({
  node,
  head,
  up,
  failures,
  lastError,
});

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split("\n")[0];

/**
 * The nodes the indexer reads (`RPC_URL=a,b,c`, in order of preference: list your own node first): each node's head is
 * tracked, a request for block N goes to the first node whose head is at least N (a node behind the others is never
 * asked above its head), a failing node is skipped and asked again later with backoff, and a request that fails on
 * one node is made again on the next (a failover). With one URL the reader retries as it always did.
 */
export class NodePool {
  private readonly nodes: PoolNode[];
  /** The node that answered last. */
  private primary = 0;
  /** Requests that failed on one node and went to another. */
  failovers = 0;

  constructor(private readonly options: NodePoolOptions) {
    if (options.urls.length === 0) throw new Error("no RPC URL");
    const names = labels(options.urls);
    // With several nodes, a failing request moves to the next node instead of retrying the same one for minutes.
    const retries = options.urls.length === 1 ? options.retries : Math.min(options.retries, 1);
    this.nodes = options.urls.map((url, i) => ({
      node: names[i],
      head: -1,
      up: true,
      failures: 0,
      lastError: undefined,
      reader: new ChainReader({ ...options, url, retries }),
      retryAt: 0,
      verified: false,
      refused: false,
    }));
  }

  /** Each node's head and health, in the configured order. */
  status(): NodeStatus[] {
    return this.nodes.map(view);
  }

  private markDown(node: PoolNode, error: unknown): void {
    if (node.up) this.options.onChange?.({ ...view(node), lastError: firstLine(error) }, false);
    node.up = false;
    node.failures++;
    node.lastError = firstLine(error);
    const max = this.options.retryMaxMs ?? RETRY_MAX_MS;
    node.retryAt = Date.now() + Math.min(max, RETRY_BASE_MS * 2 ** (node.failures - 1));
  }

  private markUp(node: PoolNode, head: number): void {
    if (!node.up) this.options.onChange?.({ ...view(node), head }, true);
    node.up = true;
    node.failures = 0;
    node.lastError = undefined;
    node.head = head;
  }

  /** Nodes to ask now: those up or due for a retry; all (but refused ones) when none is, rather than none. */
  private due(): PoolNode[] {
    const usable = this.nodes.filter((n) => !n.refused);
    const due = usable.filter((n) => n.up || n.retryAt <= Date.now());
    return due.length > 0 ? due : usable;
  }

  /** Checks a node serves the expected chain; a node on another chain is refused for good. */
  private async verify(node: PoolNode): Promise<void> {
    if (node.verified) return;
    const chainId = await node.reader.chainId();
    if (chainId !== this.options.chainId) {
      node.refused = true;
      throw new ChainMismatchError(this.options.chainId, chainId, node.node);
    }
    node.verified = true;
  }

  /**
   * Checks every node's chain (start-up). A node on another chain is a configuration mistake: ChainMismatchError.
   * Unreachable nodes are marked down (checked when they answer again), unless none answers at all.
   */
  async init(): Promise<void> {
    const results = await Promise.allSettled(this.nodes.map((n) => this.verify(n)));
    for (const [i, result] of results.entries()) {
      if (result.status === "fulfilled") continue;
      if (result.reason instanceof ChainMismatchError || result.reason instanceof AbortedError) throw result.reason;
      if (this.nodes.length === 1) throw result.reason;
      this.markDown(this.nodes[i], result.reason);
    }
    if (this.nodes.every((n) => !n.up)) throw new NoNodeError("eth_chainId", this.status());
  }

  /** Asks a node for its chain (once) and head: up with that head, or down with the error. */
  private async ask(node: PoolNode): Promise<void> {
    try {
      await this.verify(node);
      this.markUp(node, await node.reader.blockNumber());
    } catch (error) {
      if (!(error instanceof AbortedError)) this.markDown(node, error);
      node.error = error;
      throw error;
    }
  }

  /**
   * Asks the nodes that are up for their heads, at once, and returns the highest. Nodes down and due for a retry are
   * asked in the background (a node that times out must not hold up every poll), and awaited only when no node is
   * up. NoNodeError when none answers (with one URL, that node's own error).
   */
  async refreshHeads(): Promise<number> {
    const due = this.due();
    for (const node of due)
      if (!node.up)
        node.probe ??= this.ask(node)
          .catch(() => undefined)
          .finally(() => (node.probe = undefined));
    const answers = await Promise.allSettled(due.filter((n) => n.up).map((n) => this.ask(n)));
    if (!this.nodes.some((n) => n.up)) await Promise.all(this.nodes.map((n) => n.probe));
    for (const answer of answers)
      if (answer.status === "rejected" && answer.reason instanceof AbortedError) throw answer.reason;
    this.abortIfAborted();
    const up = this.nodes.filter((n) => n.up);
    if (up.length === 0) {
      if (this.nodes.length === 1) throw this.nodes[0].error;
      throw new NoNodeError("eth_blockNumber", this.status());
    }
    return Math.max(...up.map((n) => n.head));
  }

  private abortIfAborted(): void {
    if (this.options.signal?.aborted === true) throw new AbortedError();
  }

  /**
   * Runs `request` on the first node, in the configured order, that is up and whose head is at least `minHead`. A
   * failure marks the node down and moves on to the next; the last failure is thrown when every node failed. A node
   * answering in place of the one that answered before, because that one went down, counts as a failover. `request`
   * gets the node's head: it must not ask for blocks above it.
   */
  async use<T>(minHead: number, what: string, request: (reader: ChainReader, head: number) => Promise<T>): Promise<T> {
    const single = this.nodes.length === 1;
    const order = this.nodes
      .map((node, index) => ({ node, index }))
      .filter(({ node }) => (node.up || single) && !node.refused && node.head >= minHead);
    if (order.length === 0) throw new NoNodeError(`${what} at block ${minHead}`, this.status());
    let last: unknown;
    for (const { node, index } of order) {
      try {
        const result = await request(node.reader, node.head);
        const previous = this.nodes[this.primary];
        if (index !== this.primary && !previous.up) {
          this.failovers++;
          this.options.onFailover?.(view(previous), view(node));
        }
        this.primary = index;
        return result;
      } catch (error) {
        if (error instanceof AbortedError || single) throw error;
        last = error;
        this.markDown(node, error);
      }
    }
    throw last;
  }
}
