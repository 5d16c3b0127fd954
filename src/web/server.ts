/**
 * Serves the built web console (`dist/web/`) with its run-time `config.json`, and proxies the query API under `/api`
 * and the chain's JSON-RPC under `/rpc`, so the browser talks to one origin (no CORS, no other host). Used by
 * `npm start`; `buildConsole()` builds the bundle with Vite when it is missing.
 */
import { access } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyHttpProxy from "@fastify/http-proxy";
import fastifyStatic from "@fastify/static";
import Fastify from "fastify";
import type { Deployment } from "@consortia/sdk";

/** Where `npm run build` (and `npm start`, when missing) writes the console. */
export const CONSOLE_DIR = fileURLToPath(new URL("../../dist/web/", import.meta.url));
export const VITE_CONFIG = fileURLToPath(new URL("./vite.config.ts", import.meta.url));
export const VITE_CLI = fileURLToPath(new URL("../../node_modules/vite/bin/vite.js", import.meta.url));

export interface DemoWalletMember {
  key: string;
  name: string;
  memberId: number;
  account: string;
  privateKey: string;
}

export interface WebServerOptions {
  port: number;
  host?: string;
  /** The built console (default `dist/web/`). */
  root?: string;
  /** The query API the console reads (proxied under /api). */
  apiUrl: string;
  /** The chain's JSON-RPC (proxied under /rpc): on-chain checks and the demo wallet. */
  rpcUrl: string;
  deployment: Deployment;
  token: { decimals: number; symbol: string; currency: string };
  /** The local demo only: the members the demo wallet may sign as, and the one chain it accepts. */
  demo?: { chainId: number; members: DemoWalletMember[] };
}

export interface WebServer {
  url: string;
  stop(): Promise<void>;
}

/** Whether the console has been built (its index.html exists). */
export async function consoleBuilt(root: string = CONSOLE_DIR): Promise<boolean> {
  return access(join(root, "index.html")).then(
    () => true,
    () => false,
  );
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const root = resolve(options.root ?? CONSOLE_DIR);
  const host = options.host ?? "127.0.0.1";
  // Close open connections too (a browser's event stream) when stopping: shutdown must not wait for a tab.
  const app = Fastify({ logger: false, forceCloseConnections: true });
  const config = {
    apiUrl: "/api",
    rpcUrl: "/rpc",
    deployment: options.deployment,
    token: options.token,
    ...(options.demo === undefined ? {} : { demo: options.demo }),
  };
  app.get("/config.json", async (_request, reply) => reply.header("cache-control", "no-store").send(config));
  await app.register(fastifyHttpProxy, { upstream: options.apiUrl, prefix: "/api", rewritePrefix: "" });
  await app.register(fastifyHttpProxy, {
    upstream: options.rpcUrl,
    prefix: "/rpc",
    rewritePrefix: "/",
    httpMethods: ["POST"],
  });
  await app.register(fastifyStatic, { root, prefix: "/", index: ["index.html"] });
  // Client-side routes (/queue, /verify/guarantee …) get the app's page.
  app.setNotFoundHandler((request, reply) => {
    if (request.method === "GET" && !request.url.startsWith("/api/") && !request.url.startsWith("/assets/")) {
      return reply.type("text/html").sendFile("index.html");
    }
    return reply.code(404).send({ error: "Not Found", message: `${request.method} ${request.url}` });
  });
  await app.listen({ port: options.port, host });
  return { url: `http://${host}:${options.port}`, stop: () => app.close() };
}
