import { forward, startProxyServer } from "./proxy-server.js";

export interface FaultCounts {
  requests: number;
  dropped: number;
  delayed: number;
  httpErrors: number;
  rpcErrors: number;
}

/**
 * A JSON-RPC proxy in front of a node that, for `rate` of requests (every fifth by default), drops the connection,
 * delays the answer past the client's timeout, answers HTTP 503, or answers a JSON-RPC error.
 */
export async function startFaultyProxy(
  target: string,
  rate = 0.2,
  delayMs = 1_500,
): Promise<{ url: string; faults: FaultCounts; stop(): Promise<void> }> {
  const faults: FaultCounts = { requests: 0, dropped: 0, delayed: 0, httpErrors: 0, rpcErrors: 0 };
  const server = await startProxyServer(async (body, request, response) => {
    faults.requests++;
    // Every 1/rate-th request fails, the kind of failure rotating: drop, delay, HTTP error, JSON-RPC error.
    const period = Math.round(1 / rate);
    const n = faults.requests - 1;
    const roll = n % period === period - 1 ? (Math.floor(n / period) % 4) * 0.25 + 0.1 : 1;
    if (roll < 0.25) {
      faults.dropped++;
      request.socket.destroy();
    } else if (roll < 0.5) {
      faults.delayed++;
      await new Promise((r) => setTimeout(r, delayMs));
      const text = await forward(target, body);
      if (!response.destroyed) response.writeHead(200, { "content-type": "application/json" }).end(text);
    } else if (roll < 0.75) {
      faults.httpErrors++;
      response.writeHead(503, { "content-type": "text/plain" }).end("busy");
    } else if (roll < 1) {
      faults.rpcErrors++;
      const id = (JSON.parse(body) as { id?: unknown }).id ?? null;
      response.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          jsonrpc: "2.0",
          id,
          error: { code: -32005, message: "query returned more than 10000 results" },
        }),
      );
    } else {
      const text = await forward(target, body);
      response.writeHead(200, { "content-type": "application/json" }).end(text);
    }
  });
  return { url: server.url, faults, stop: server.stop };
}
