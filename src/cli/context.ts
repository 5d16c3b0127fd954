/**
 * What every command shares: global options, the node connection, the key, the deployment and the SDK clients.
 * Keys come from the environment (`CONSORTIA_PRIVATE_KEY`) or an encrypted JSON keystore (`--keystore`, password in
 * `CONSORTIA_KEYSTORE_PASSWORD`), never from arguments.
 */
import { readFile, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { JsonRpcProvider, Network, Wallet, type Signer } from "ethers";
import { type Consortia, createConsortia, type Deployment, deploymentPath, readDeployment } from "@consortia/sdk";
import { ConfigError } from "./errors.js";
import { createOutput, type Output } from "./output.js";

/** Root of the Consortia package (where hardhat.config.ts lives). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface GlobalOptions {
  rpc?: string;
  deployments: string;
  keystore?: string;
  json?: boolean;
}

export interface Cli {
  readonly options: GlobalOptions;
  readonly out: Output;
  /** The RPC URL (`--rpc` or CONSORTIA_RPC_URL); ConfigError when neither is set. */
  rpcUrl(): string;
  /** A provider pinned to the node's chain (no endless network detection when the node is down). */
  provider(): Promise<JsonRpcProvider>;
  /** The node's chain id. */
  chainId(): Promise<number>;
  /** The signing key's wallet, connected; ConfigError when no key is configured. */
  signer(): Promise<Wallet>;
  /** Whether a key is configured (without decrypting it). */
  hasKey(): boolean;
  /** The deployment for the node's chain; ConfigError (exit 3) for a missing file or another chain's. */
  deployment(): Promise<Deployment>;
  /** SDK clients over the signer (`sign: true`) or the provider. */
  consortia(options?: { sign?: boolean }): Promise<Consortia>;
}

export function createCli(options: GlobalOptions): Cli {
  let provider: Promise<JsonRpcProvider> | undefined;
  let chain: Promise<number> | undefined;
  let wallet: Promise<Wallet> | undefined;
  let deployment: Promise<Deployment> | undefined;
  const out = createOutput(options.json === true);

  const rpcUrl = (): string => {
    const url = options.rpc ?? process.env.CONSORTIA_RPC_URL;
    if (url === undefined || url === "") throw new ConfigError("no node: pass --rpc <url> or set CONSORTIA_RPC_URL");
    if (!/^(https?|wss?):\/\//.test(url))
      throw new ConfigError(`malformed RPC URL "${url}": expected http(s):// or ws(s)://`);
    return url;
  };

  async function fetchChainId(): Promise<number> {
    const url = rpcUrl();
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "eth_chainId",
          params: [],
        }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = (await response.json()) as {
        result?: string;
        error?: { message: string };
      };
      if (body.result === undefined) throw new Error(body.error?.message ?? `HTTP ${response.status}`);
      return Number(body.result);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`cannot reach the node at ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
  }

  const chainId = (): Promise<number> => (chain ??= fetchChainId());

  const getProvider = (): Promise<JsonRpcProvider> =>
    (provider ??= chainId().then(
      (id) =>
        new JsonRpcProvider(rpcUrl(), Network.from(id), {
          staticNetwork: true,
          batchMaxCount: 1,
        }),
    ));

  const keystorePath = (): string | undefined => options.keystore ?? process.env.CONSORTIA_KEYSTORE;

  async function loadWallet(): Promise<Wallet> {
    const key = process.env.CONSORTIA_PRIVATE_KEY;
    const path = keystorePath();
    if (key !== undefined && key !== "" && path !== undefined) {
      throw new ConfigError("both CONSORTIA_PRIVATE_KEY and a keystore are set: use one");
    }
    if (key !== undefined && key !== "") {
      const connected = await getProvider();
      try {
        return new Wallet(key.startsWith("0x") ? key : `0x${key}`, connected);
      } catch {
        throw new ConfigError("CONSORTIA_PRIVATE_KEY is not a valid private key (32 bytes of hex)");
      }
    }
    if (path === undefined) {
      throw new ConfigError(
        "no key: set CONSORTIA_PRIVATE_KEY, or pass --keystore <file> with CONSORTIA_KEYSTORE_PASSWORD",
      );
    }
    const password = process.env.CONSORTIA_KEYSTORE_PASSWORD;
    if (password === undefined) throw new ConfigError("set CONSORTIA_KEYSTORE_PASSWORD to unlock the keystore");
    let json: string;
    try {
      json = await readFile(path, "utf8");
    } catch (error) {
      throw new ConfigError(`cannot read keystore ${path}: ${(error as Error).message}`);
    }
    out.progress(`unlocking keystore ${path}…`);
    try {
      const decrypted = await Wallet.fromEncryptedJson(json, password);
      return new Wallet(decrypted.privateKey, await getProvider());
    } catch (error) {
      throw new ConfigError(`cannot unlock keystore ${path}: ${(error as Error).message}`);
    }
  }

  async function loadDeployment(): Promise<Deployment> {
    const id = await chainId();
    const location = resolve(options.deployments);
    const isFile = await stat(location).then(
      (entry) => entry.isFile(),
      () => location.endsWith(".json"),
    );
    const path = isFile ? location : deploymentPath(id, location);
    let loaded: Deployment;
    try {
      loaded = await readDeployment(path);
    } catch (error) {
      throw new ConfigError(
        isFile
          ? (error as Error).message
          : `no deployment for chain ${id} in ${location} (${(error as Error).message}); deploy first or pass --deployments`,
      );
    }
    if (loaded.chainId !== id) {
      throw new ConfigError(`wrong network: the node is chain ${id} but ${path} is for chain ${loaded.chainId}`);
    }
    return loaded;
  }

  return {
    options,
    out,
    rpcUrl,
    provider: getProvider,
    chainId,
    hasKey: () => (process.env.CONSORTIA_PRIVATE_KEY ?? "") !== "" || keystorePath() !== undefined,
    signer: () => (wallet ??= loadWallet()),
    deployment: () => (deployment ??= loadDeployment()),
    async consortia({ sign = false } = {}) {
      const runner: Signer | JsonRpcProvider = sign ? await this.signer() : await getProvider();
      return createConsortia({
        runner,
        deployment: await this.deployment(),
        checkChainId: false,
      });
    },
  };
}
