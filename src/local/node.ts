import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { execa, type Subprocess } from "execa";
import { HARDHAT_CLI, hardhatEnv } from "./hardhat.js";
import { childOptions } from "./lifecycle.js";

export { HARDHAT_CLI } from "./hardhat.js";
/** Preloaded into the node so that it stops when the process that started it is SIGKILLed. */
export const ORPHAN_WATCH = fileURLToPath(new URL("./orphan.ts", import.meta.url));
/** The local chain listens on the loopback interface only (a container would otherwise expose it). */
export const LOCAL_HOST = "127.0.0.1";

const OUTPUT_TAIL = 64 * 1024;

export interface NodeProcess {
  /** JSON-RPC URL of the node, e.g. http://127.0.0.1:38545 */
  url: string;
  port: number;
  process: Subprocess;
  /** Settles when the node process has exited (for whatever reason). */
  exited: Promise<void>;
  /** Stops the node and waits for the process to exit. */
  stop(): Promise<void>;
}

/** Whether `port` can be listened on at 127.0.0.1 right now (false when something holds it). */
export async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, LOCAL_HOST, () => server.close(() => resolve(true)));
  });
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject()));
    });
  });
}

/** Sends one JSON-RPC request with fetch. */
export async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/**
 * Starts `hardhat node` (chain id 1337, hardfork berlin, zero gas price accepted; from hardhat.config.ts) as a real
 * child process on `port` (default: a free one) and waits until it answers `eth_chainId`.
 */
export async function startNode(port?: number): Promise<NodeProcess> {
  const chosen = port ?? (await freePort());
  const args = ["--import", "tsx", "--import", ORPHAN_WATCH, HARDHAT_CLI, "node"];
  const child = execa(
    process.execPath,
    [...args, "--hostname", LOCAL_HOST, "--port", String(chosen)],
    childOptions({
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      stdin: "ignore",
      buffer: false,
      env: hardhatEnv({ FORCE_COLOR: "0" }),
      extendEnv: false,
    }),
  );
  return superviseNode("hardhat node", child, chosen);
}

/**
 * Keeps the tail of a started node's output, waits until it answers `eth_chainId` at 127.0.0.1:`port` (60 s at most,
 * then SIGKILL), and gives it a `stop()`. `name` names the node in errors.
 */
export async function superviseNode(name: string, child: Subprocess, port: number): Promise<NodeProcess> {
  // Only the tail is kept: the node logs every request and may run for days under `npm start`.
  let output = "";
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited = false;
  const done = child.then(() => {
    exited = true;
  });
  const url = `http://${LOCAL_HOST}:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`${name} exited early:\n${output}`);
    try {
      await rpc(url, "eth_chainId");
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`${name} did not start within 60 s:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill("SIGTERM");
    await child;
  };
  return { url, port, process: child, exited: done, stop };
}
