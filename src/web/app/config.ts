/**
 * The console's run-time configuration: `config.json`, served beside the app (src/web/server.ts writes it from what
 * `npm start` runs), so one build serves any network. URLs may be relative to the page.
 */
import type { Deployment } from "@consortia/sdk/client";

export interface DemoMemberConfig {
  key: string;
  name: string;
  memberId: number;
  account: string;
  /** Public Hardhat test key: the local demo only. */
  privateKey: string;
}

export interface ConsoleConfig {
  /** The query API (e.g. "/api", proxied by the console's server). */
  apiUrl: string;
  /** A JSON-RPC node for on-chain checks and the demo wallet (e.g. "/rpc"); absent: no on-chain reads. */
  rpcUrl?: string;
  deployment: Deployment;
  /** The deposit token: amounts are shown with its decimals and currency. */
  token: { decimals: number; symbol: string; currency: string };
  /** Only on the local demo: the chain id the demo wallet accepts and the demo members it may sign as. */
  demo?: { chainId: number; members: DemoMemberConfig[] };
}

export async function loadConfig(url = "/config.json"): Promise<ConsoleConfig> {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  return (await response.json()) as ConsoleConfig;
}

/** `url` made absolute against the page (ethers' JsonRpcProvider needs an absolute URL). */
export function absoluteUrl(url: string, base: string = globalThis.location?.href ?? "http://localhost/"): string {
  return new URL(url, base).href;
}
