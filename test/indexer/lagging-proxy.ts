import { forward, startProxyServer } from "./proxy-server.js";

export interface LagCounts {
  /** HTTP requests (a JSON-RPC batch is one). */
  requests: number;
  /** HTTP requests answered as the lagging backend. */
  lagging: number;
  /** eth_getLogs requests the lagging backend answered (any range). */
  logRequests: number;
  /** eth_blockNumber answered with the lagging head. */
  oldHeads: number;
  /** eth_getLogs ranges cut at the lagging head (answered short, without an error). */
  shortLogs: number;
  /** Logs those short answers left out. */
  droppedLogs: number;
  /** Headers answered null because they are above the lagging head. */
  nullHeaders: number;
  /** eth_getLogs by blockHash refused because the block is above the lagging head. */
  refusedByHash: number;
}

export interface LaggingProxyOptions {
  /** Share of HTTP requests the lagging backend answers (0..1), drawn pseudo-randomly; changeable while running. */
  share: number;
  /** The lagging backend's head, given the node's: e.g. `(head) => head - 20`, or a fixed block. */
  head(nodeHead: number): number;
}

interface RpcRequest {
  jsonrpc: "2.0";
  id: unknown;
  method: string;
  params?: unknown[];
}

type LogFilter = { fromBlock?: string; toBlock?: string; blockHash?: string; address?: unknown };

/**
 * A JSON-RPC proxy in front of a node that plays a load balancer with one node behind the others: for `share` of
 * HTTP requests, it answers as a node whose head is `head(nodeHead)` — an old eth_blockNumber, eth_getLogs cut at
 * its head without an error (as Hardhat and Geth answer a range above their head), null headers above its head, and
 * eth_getLogs by a block hash it does not have refused (EIP-234). A batch goes to one backend, as behind a balancer.
 */
export async function startLaggingProxy(
  target: string,
  options: LaggingProxyOptions,
): Promise<{ url: string; counts: LagCounts; options: LaggingProxyOptions; stop(): Promise<void> }> {
  const counts: LagCounts = {
    requests: 0,
    lagging: 0,
    logRequests: 0,
    oldHeads: 0,
    shortLogs: 0,
    droppedLogs: 0,
    nullHeaders: 0,
    refusedByHash: 0,
  };
  const call = async (method: string, params: unknown[] = []): Promise<{ result?: unknown; error?: unknown }> => {
    const answer = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    return (await answer.json()) as { result?: unknown; error?: unknown };
  };
  const quantity = (n: number) => `0x${n.toString(16)}`;

  /** One request as the lagging backend answers it. */
  async function lagging(request: RpcRequest, head: number): Promise<unknown> {
    const reply = (body: { result?: unknown; error?: unknown }) => ({ jsonrpc: "2.0", id: request.id, ...body });
    const params = request.params ?? [];
    switch (request.method) {
      case "eth_blockNumber":
        counts.oldHeads++;
        return reply({ result: quantity(head) });
      case "eth_getBlockByNumber": {
        const tag = params[0] as string;
        const n = tag === "latest" ? head : Number(tag);
        if (n > head) {
          counts.nullHeaders++;
          return reply({ result: null });
        }
        return reply(await call(request.method, [quantity(n), ...params.slice(1)]));
      }
      case "eth_getBlockByHash": {
        const answer = await call(request.method, params);
        const block = answer.result as { number: string } | null;
        if (block !== null && Number(block.number) > head) {
          counts.nullHeaders++;
          return reply({ result: null });
        }
        return reply(answer);
      }
      case "eth_getLogs": {
        counts.logRequests++;
        const filter = params[0] as LogFilter;
        if (filter.blockHash !== undefined) {
          const block = (await call("eth_getBlockByHash", [filter.blockHash, false])).result as {
            number: string;
          } | null;
          if (block === null || Number(block.number) > head) {
            counts.refusedByHash++;
            return reply({ error: { code: -32000, message: "unknown block" } });
          }
          return reply(await call(request.method, params));
        }
        const from = Number(filter.fromBlock);
        const to = Number(filter.toBlock);
        if (to <= head) return reply(await call(request.method, params));
        const full = ((await call(request.method, params)).result as unknown[] | undefined) ?? [];
        const short =
          from > head
            ? []
            : (((await call(request.method, [{ ...filter, toBlock: quantity(head) }])).result as unknown[]) ?? []);
        counts.shortLogs++;
        counts.droppedLogs += full.length - short.length;
        return reply({ result: short });
      }
      default:
        return reply(await call(request.method, params));
    }
  }

  // mulberry32, fixed seed.
  let seed = 7;
  const random = (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const server = await startProxyServer(async (body, _request, response) => {
    counts.requests++;
    // `share` of requests lag, drawn from a seeded generator: the same run every time, but no fixed period that a
    // client's fixed sequence of requests per step could fall in step with (always or never lagging on one call).
    const lags = options.share >= 1 || (options.share > 0 && random() < options.share);
    let text: string;
    if (!lags) {
      text = await forward(target, body);
    } else {
      counts.lagging++;
      const nodeHead = Number((await call("eth_blockNumber")).result);
      const head = Math.min(nodeHead, options.head(nodeHead));
      const parsed = JSON.parse(body) as RpcRequest | RpcRequest[];
      const answer = Array.isArray(parsed)
        ? await Promise.all(parsed.map((r) => lagging(r, head)))
        : await lagging(parsed, head);
      text = JSON.stringify(answer);
    }
    response.writeHead(200, { "content-type": "application/json" }).end(text);
  });
  return { url: server.url, counts, options, stop: server.stop };
}
