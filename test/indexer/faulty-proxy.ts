import { createServer, type Server } from "node:http";

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
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      faults.requests++;
      const body = Buffer.concat(chunks).toString();
      // Every 1/rate-th request fails, the kind of failure rotating: drop, delay, HTTP error, JSON-RPC error.
      const period = Math.round(1 / rate);
      const n = faults.requests - 1;
      const roll = n % period === period - 1 ? (Math.floor(n / period) % 4) * 0.25 + 0.1 : 1;
      const forward = async () => {
        const answer = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body });
        return answer.text();
      };
      void (async () => {
        try {
          if (roll < 0.25) {
            faults.dropped++;
            request.socket.destroy();
          } else if (roll < 0.5) {
            faults.delayed++;
            await new Promise((r) => setTimeout(r, delayMs));
            const text = await forward();
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
            const text = await forward();
            response.writeHead(200, { "content-type": "application/json" }).end(text);
          }
        } catch {
          response.destroy();
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    faults,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
