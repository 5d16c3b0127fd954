/** Tests start real node processes with the same code `npm start` uses. */
import { portIsFree } from "../../src/local/node.js";

export { freePort, rpc, startNode, type NodeProcess } from "../../src/local/node.js";

/** Resolves true once nothing listens on `port` any more (false after `ms`). */
export async function portFreed(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await portIsFree(port)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
