/**
 * Connecting a wallet: an EIP-1193 provider (MetaMask, an institutional wallet) through ethers' BrowserProvider, or —
 * on the local demo chain only — the demo wallet, which signs with a demo member's public Hardhat test key over the
 * demo chain's JSON-RPC. Either way the SDK's clients are built on the signer (`createConsortia` refuses a wallet on
 * another chain than the deployment's) and the member is looked up in the query API.
 */
import { BrowserProvider, JsonRpcProvider, Wallet, type Eip1193Provider, type Signer } from "ethers";
import { createConsortia, type Consortia } from "@consortia/sdk/client";
import type { ApiClient } from "./api.js";
import { absoluteUrl, type ConsoleConfig, type DemoMemberConfig } from "./config.js";
import type { MessageKey, Params } from "./i18n.js";

export interface WalletSession {
  kind: "browser" | "demo";
  address: string;
  chainId: number;
  signer: Signer;
  consortia: Consortia;
  member: { id: number; name: string; roles: string[] };
}

/** A refusal the console shows in the user's language. */
export class WalletError extends Error {
  override name = "WalletError";
  constructor(
    readonly key: MessageKey,
    readonly params: Params = {},
  ) {
    super(
      `${key} ${JSON.stringify(params, (_, value: unknown) => (typeof value === "bigint" ? String(value) : value))}`,
    );
  }
}

/** The demo wallet signs only on the local demo chain, and only when the console serves that chain's deployment. */
export function checkDemoChain(config: ConsoleConfig, actualChainId: number): void {
  const expected = config.demo?.chainId;
  if (expected === undefined || actualChainId !== expected || config.deployment.chainId !== expected) {
    throw new WalletError("wallet.demoRefused", { expected: expected ?? "—", actual: actualChainId });
  }
}

export async function connectBrowserWallet(
  config: ConsoleConfig,
  api: ApiClient,
  ethereum: Eip1193Provider | undefined,
): Promise<WalletSession> {
  if (ethereum === undefined) throw new WalletError("wallet.noBrowser");
  const provider = new BrowserProvider(ethereum);
  provider.pollingInterval = 1000;
  const signer = await provider.getSigner();
  const chainId = Number((await provider.getNetwork()).chainId);
  if (chainId !== config.deployment.chainId) {
    throw new WalletError("wallet.wrongChain", { actual: chainId, expected: config.deployment.chainId });
  }
  return session("browser", config, api, signer, chainId);
}

export async function connectDemoWallet(
  config: ConsoleConfig,
  api: ApiClient,
  member: DemoMemberConfig,
): Promise<WalletSession> {
  if (config.demo === undefined || config.rpcUrl === undefined) {
    throw new WalletError("wallet.demoRefused", { expected: "—", actual: config.deployment.chainId });
  }
  const provider = new JsonRpcProvider(absoluteUrl(config.rpcUrl), undefined, { staticNetwork: false });
  provider.pollingInterval = 250;
  const chainId = Number((await provider.getNetwork()).chainId);
  checkDemoChain(config, chainId);
  return session("demo", config, api, new Wallet(member.privateKey, provider), chainId);
}

async function session(
  kind: WalletSession["kind"],
  config: ConsoleConfig,
  api: ApiClient,
  signer: Signer,
  chainId: number,
): Promise<WalletSession> {
  const address = await signer.getAddress();
  // The signer answers the API's login challenge (when the API asks for one) from here on.
  api.setSigner({ address, signMessage: (message) => signer.signMessage(message) });
  const consortia = await createConsortia({ runner: signer, deployment: config.deployment });
  let account: { memberId: number };
  try {
    account = await api.get<{ memberId: number }>(`/accounts/${address}`);
  } catch {
    api.setSigner(undefined);
    throw new WalletError("wallet.notMember", { account: address });
  }
  const member = await api.get<{ id: number; name: string; roles: string[] }>(`/members/${account.memberId}`);
  return {
    kind,
    address,
    chainId,
    signer,
    consortia,
    member: { id: member.id, name: member.name, roles: member.roles },
  };
}
