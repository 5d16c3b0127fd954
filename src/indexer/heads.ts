import { webSocket } from "viem";

/**
 * New heads pushed by the node (`eth_subscribe("newHeads")` over WebSocket): the indexer polls as soon as one arrives
 * instead of at its next poll. Polling goes on underneath at POLL_INTERVAL_MS, so a subscription that drops (or a
 * node that serves no WebSocket) only brings back the poll's latency; the subscription is tried again with backoff.
 */
export interface HeadWatcherOptions {
  /** ws:// or wss:// URL of the node. */
  url: string;
  timeoutMs: number;
  /** A head arrived (its number, when the node sent one). */
  onHead: (block: number | undefined) => void;
  /** Subscribed, or not any more (with why). */
  onState: (subscribed: boolean, error?: unknown) => void;
  /** Longest wait before subscribing again after a failure (doubles from 1 s per failure in a row). */
  retryMaxMs?: number;
}

export interface HeadWatcher {
  stop(): Promise<void>;
}

/**
 * The WebSocket URL the new heads are read from: `off` none; a ws(s):// URL as given; otherwise derived from the first
 * RPC URL (http → ws, https → wss, same host, port and path: Hardhat's and Anvil's nodes, Besu with `--rpc-ws-enabled`
 * on the HTTP port behind a proxy that upgrades, Geth's `--ws` on the same port).
 */
export function headsUrl(rpcUrl: string, wsUrl?: string): string | undefined {
  if (wsUrl === "off") return undefined;
  if (wsUrl !== undefined && wsUrl !== "") return wsUrl;
  const url = new URL(rpcUrl);
  if (url.protocol === "http:") url.protocol = "ws:";
  else if (url.protocol === "https:") url.protocol = "wss:";
  else if (url.protocol !== "ws:" && url.protocol !== "wss:") return undefined;
  return url.href;
}

let attempts = 0;

export function watchHeads(options: HeadWatcherOptions): HeadWatcher {
  const retryMaxMs = options.retryMaxMs ?? 60_000;
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let close: (() => void) | undefined;
  let attempt = 0;

  const retry = (error: unknown, which: number) => {
    if (stopped || which !== attempt) return; // a late error of an attempt already given up
    attempt++;
    close?.();
    close = undefined;
    options.onState(false, error);
    failures++;
    timer = setTimeout(connect, Math.min(retryMaxMs, 1_000 * 2 ** (failures - 1)));
    timer.unref();
  };

  const connect = () => {
    if (stopped) return;
    const which = attempt;
    // A key of its own per attempt: viem caches socket clients by key and URL, and a closed one must not be reused.
    const transport = webSocket(options.url, {
      key: `consortia-heads-${++attempts}`,
      reconnect: false,
      retryCount: 0,
      timeout: options.timeoutMs,
    })({});
    const value = transport.value as NonNullable<typeof transport.value>;
    const subscribe = async () => {
      const client = await value.getRpcClient(); // connects
      if (stopped || which !== attempt) return client.close();
      close = () => client.close();
      await value.subscribe({
        params: ["newHeads"],
        onData: (data: { result?: { number?: string } }) => {
          const number = data.result?.number;
          options.onHead(number === undefined ? undefined : Number(number));
        },
        onError: (error: unknown) => retry(error, which),
      });
      if (stopped || which !== attempt) return;
      failures = 0;
      options.onState(true);
    };
    subscribe().catch((error: unknown) => retry(error, which));
  };

  connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      close?.();
    },
  };
}
