import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ApiStatus } from "./route.js";

/**
 * Prometheus metrics of the API and the indexer it reads (prom-client): the indexer's progress, read from its status
 * at each scrape, and the API's request latency. Process and GC metrics (`process_*`, `nodejs_*`) come from one
 * registry per process (collectDefaultMetrics observes the runtime once, however many APIs a process builds).
 */

let processRegistry: Registry | undefined;

/** The process-wide registry of the default metrics, created on first use. */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** Latency buckets in seconds, 1 ms to 2.5 s. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export interface ApiMetrics {
  /** Records one answered request. */
  observe(labels: { route: string; method: string; status: string }, seconds: number): void;
  /** The exposition text for this status, and its content type. */
  render(status: ApiStatus): Promise<{ contentType: string; body: string }>;
}

export function apiMetrics(): ApiMetrics {
  const registry = new Registry();
  const registers = [registry];
  const gauge = (name: string, help: string) => new Gauge({ name, help, registers });
  const indexed = gauge("consortia_indexer_indexed_block", "Last block whose events are committed");
  const head = gauge("consortia_indexer_head_block", "Latest head seen on the node");
  const lag = gauge("consortia_indexer_head_lag_blocks", "Head minus indexed block");
  const events = new Counter({ name: "consortia_indexer_events_total", help: "Events projected", registers });
  const rate = gauge("consortia_indexer_events_per_second", "Events projected per second (last 10 s)");
  const reorgs = new Counter({ name: "consortia_indexer_reorgs_total", help: "Reorgs rolled back", registers });
  const ready = gauge("consortia_indexer_ready", "1 when caught up with head minus confirmations");
  const behind = new Counter({
    name: "consortia_indexer_node_behind_total",
    help: "Polls at which the node was below the index (waited, not rolled back)",
    registers,
  });
  const failovers = new Counter({
    name: "consortia_indexer_rpc_failovers_total",
    help: "Times an RPC node answered in place of one that went down",
    registers,
  });
  const nodeGauge = (name: string, help: string) => new Gauge({ name, help, labelNames: ["node"] as const, registers });
  const nodeHead = nodeGauge("consortia_indexer_rpc_node_head_block", "Latest head each RPC node reported");
  const nodeUp = nodeGauge("consortia_indexer_rpc_node_up", "1 when the RPC node answers, 0 while it is skipped");
  const halted = gauge("consortia_indexer_halted", "1 when indexing halted on a reorg deeper than the kept hashes");
  const writer = gauge(
    "consortia_indexer_writer",
    "1 in the process that writes the index (PostgreSQL: holds the writer lock), 0 in a standby or an API replica",
  );
  const latency = new Histogram({
    name: "consortia_api_request_duration_seconds",
    help: "API request latency",
    labelNames: ["route", "method", "status"] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  /** The indexer keeps its own totals: the counter shows them as they are. */
  const total = (counter: Counter, value: number) => {
    counter.reset();
    counter.inc(Number.isFinite(value) ? value : 0);
  };
  const finite = (value: number) => (Number.isFinite(value) ? value : 0);
  const defaults = processMetrics();
  return {
    observe(labels, seconds) {
      latency.observe(labels, seconds);
    },
    async render(s) {
      indexed.set(finite(s.indexedBlock));
      head.set(finite(s.headBlock));
      lag.set(Math.max(0, finite(s.headBlock - s.indexedBlock)));
      total(events, s.eventsTotal);
      rate.set(finite(s.eventsPerSecond));
      total(reorgs, s.reorgs);
      ready.set(s.ready ? 1 : 0);
      total(behind, s.nodeBehind);
      halted.set(s.halted === undefined ? 0 : 1);
      writer.set((s.role ?? "writer") === "writer" ? 1 : 0);
      total(failovers, s.failovers);
      nodeHead.reset();
      nodeUp.reset();
      for (const node of s.nodes) {
        nodeHead.set({ node: node.node }, finite(node.head));
        nodeUp.set({ node: node.node }, node.up ? 1 : 0);
      }
      return { contentType: registry.contentType, body: `${await registry.metrics()}\n${await defaults.metrics()}` };
    },
  };
}
