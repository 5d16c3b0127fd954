import { createPublicClient, fallback, http, webSocket, type PublicClient } from "viem";
import type { Deployment } from "@consortia/sdk";
import { splitUrls } from "../indexer/rpc-urls.js";
import type { ChainReader } from "./route.js";

/**
 * The API's reader of contract views: the configured RPC URL (several, comma-separated, are tried in order, as the
 * indexer's failover does) and the deployments. Routes call views at the indexed block, never at `latest`.
 */
export function chainReader(rpcUrl: string, deployments: Deployment): ChainReader {
  const transports = splitUrls(rpcUrl).map((url) =>
    /^wss?:/.test(url) ? webSocket(url, { retryCount: 1 }) : http(url, { retryCount: 1, timeout: 10_000 }),
  );
  const client = createPublicClient({
    transport: transports.length === 1 ? transports[0] : fallback(transports),
  }) as PublicClient;
  return { client, deployments };
}
