import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/**
 * An HTTP server on a free loopback port that hands each request's whole body to `handle` (the JSON-RPC proxies of
 * the fault tests); a handler that throws destroys the connection.
 */
export async function startProxyServer(
  handle: (body: string, request: IncomingMessage, response: ServerResponse) => Promise<void>,
): Promise<{ url: string; stop(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      handle(Buffer.concat(chunks).toString(), request, response).catch(() => response.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Forwards a JSON-RPC body to the node and returns the answer's text. */
export async function forward(target: string, body: string): Promise<string> {
  const answer = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body });
  return answer.text();
}
