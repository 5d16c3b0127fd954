/**
 * What every command shares: global options, the node connection, the key, the deployment and the SDK clients.
 * Keys come from the environment (`CONSORTIA_PRIVATE_KEY`) or an encrypted JSON keystore (`--keystore`, password in
 * `CONSORTIA_KEYSTORE_PASSWORD`), never from arguments.
 */
import { readFile, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type JsonRpcApiProvider, JsonRpcProvider, Network, Wallet, WebSocketProvider, type Signer } from "ethers";
import { type Consortia, createConsortia, type Deployment, deploymentPath, readDeployment } from "@consortia/sdk";
import { demoSigningKey } from "./demo-member.js";
import { ConfigError } from "./errors.js";
import { splitUrls } from "../indexer/rpc-urls.js";
import { createOutput, type Output } from "./output.js";

/** How long the CLI waits for the node to answer its first request. */
const CONNECT_TIMEOUT_MS = 15_000;

/** Root of the Consortia package (where hardhat.config.ts lives). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface GlobalOptions {
  rpc?: string;
  deployments: string;
  keystore?: string;
  json?: boolean;
  /** Sign as this member of the local demo (`npm start`), with its public demo key. */
  as?: string;
}

export interface Cli {
  readonly options: GlobalOptions;
  readonly out: Output;
  /**
   * The RPC URL (`--rpc` or CONSORTIA_RPC_URL; ConfigError when neither is set). Of a list `a,b,c`, the first node that
   * answered eth_chainId (the first before any did).
   */
  rpcUrl(): string;
  /** Every URL of `--rpc a,b,c` / CONSORTIA_RPC_URL, in order (the indexer fails over between them). */
  rpcUrls(): string[];
  /** A provider pinned to the node's chain (no endless network detection when the node is down); WebSocket for ws(s). */
  provider(): Promise<JsonRpcApiProvider>;
  /** The node's chain id. */
  chainId(): Promise<number>;
  /** The timestamp of the node's latest block (unix seconds): "now" for relative dates such as `+90d`. */
  chainTime(): Promise<bigint>;
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
  let wallet: Promise<Wallet> | undefined;
  let deployment: Promise<Deployment> | undefined;
  const out = createOutput(options.json === true);

  const rpcUrls = (): string[] => {
    const list = options.rpc ?? process.env.CONSORTIA_RPC_URL;
    const urls = splitUrls(list ?? "");
    if (urls.length === 0) throw new ConfigError("no node: pass --rpc <url> or set CONSORTIA_RPC_URL");
    for (const url of urls)
      if (!/^(https?|wss?):\/\//.test(url))
        throw new ConfigError(`malformed RPC URL "${url}": expected http(s):// or ws(s)://`);
    return urls;
  };
  /** The node that answered eth_chainId: the one every later request goes to. */
  let answered: string | undefined;
  const rpcUrl = (): string => answered ?? rpcUrls()[0];

  /** The node's answer to `eth_chainId` over HTTP (a plain POST: no provider retrying forever when the node is down). */
  async function fetchChainId(url: string): Promise<number> {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS),
    });
    const body = (await response.json()) as { result?: string; error?: { message: string } };
    if (body.result === undefined) throw new Error(body.error?.message ?? `HTTP ${response.status}`);
    return Number(body.result);
  }

  /**
   * A WebSocket provider and its chain id. Node's WebSocket is used so that a refused connection is an error we see
   * (ethers' default socket would only log it and leave every request pending).
   */
  async function connectWebSocket(url: string): Promise<{ provider: WebSocketProvider; chainId: number }> {
    let refuse: (error: Error) => void = () => undefined;
    const refused = new Promise<never>((_resolve, reject) => (refuse = reject));
    const provider = new WebSocketProvider(
      () => {
        const socket = new WebSocket(url);
        socket.onerror = (event) => refuse(new Error((event as { message?: string }).message || "connection failed"));
        return socket;
      },
      undefined,
      { batchMaxCount: 1 },
    );
    const timeout = AbortSignal.timeout(CONNECT_TIMEOUT_MS);
    const timedOut = new Promise<never>((_resolve, reject) =>
      timeout.addEventListener("abort", () => reject(new Error("no answer"))),
    );
    try {
      const id = await Promise.race([provider.send("eth_chainId", []) as Promise<string>, refused, timedOut]);
      return { provider, chainId: Number(id) };
    } catch (error) {
      void provider.destroy();
      throw error;
    }
  }

  /** One node: the provider pinned to its chain id; an error naming the URL when it does not answer. */
  async function connectTo(url: string): Promise<{ provider: JsonRpcApiProvider; chainId: number }> {
    try {
      if (/^wss?:/.test(url)) return await connectWebSocket(url);
      const id = await fetchChainId(url);
      const pinned = new JsonRpcProvider(url, Network.from(id), { staticNetwork: true, batchMaxCount: 1 });
      return { provider: pinned as JsonRpcApiProvider, chainId: id };
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`cannot reach the node at ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
  }

  /** Connects once, to the first node of the list that answers: every later request goes to it. */
  async function connect(): Promise<{ provider: JsonRpcApiProvider; chainId: number }> {
    const failures: Error[] = [];
    for (const url of rpcUrls()) {
      try {
        const connection = await connectTo(url);
        answered = url;
        return connection;
      } catch (error) {
        failures.push(error as Error);
      }
    }
    throw new Error(failures.map((e) => e.message).join("; "));
  }

  let connection: ReturnType<typeof connect> | undefined;
  const connected = () => (connection ??= connect());
  const chainId = (): Promise<number> => connected().then((c) => c.chainId);
  const getProvider = (): Promise<JsonRpcApiProvider> => connected().then((c) => c.provider);

  let time: Promise<bigint> | undefined;
  /** One `eth_getBlockByNumber("latest")` per command: every relative date of a command counts from the same instant. */
  const chainTime = (): Promise<bigint> =>
    (time ??= getProvider().then(async (connectedProvider) => {
      const block = await connectedProvider.getBlock("latest");
      if (block === null) throw new Error("the node returned no latest block");
      return BigInt(block.timestamp);
    }));

  const keystorePath = (): string | undefined => options.keystore ?? process.env.CONSORTIA_KEYSTORE;

  async function loadWallet(): Promise<Wallet> {
    const key = process.env.CONSORTIA_PRIVATE_KEY;
    const path = keystorePath();
    if (options.as !== undefined) {
      if ((key !== undefined && key !== "") || path !== undefined) {
        throw new ConfigError("--as and CONSORTIA_PRIVATE_KEY or a keystore are both set: use one");
      }
      const { registry } = await consortiaOver(await getProvider());
      const memberAt = async (account: string) => {
        const id = await registry.memberOf(account);
        return id === undefined ? undefined : registry.member(id);
      };
      const demoKey = await demoSigningKey(options.as, await chainId(), rpcUrl(), memberAt);
      return new Wallet(demoKey, await getProvider());
    }
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
    let privateKey: string;
    try {
      privateKey = (await Wallet.fromEncryptedJson(json, password)).privateKey;
    } catch (error) {
      // ethers' message carries argument dumps after its short message; one line names the problem and the file.
      const problem = (error as { shortMessage?: string }).shortMessage ?? (error as Error).message;
      throw new ConfigError(
        /incorrect password/i.test(problem)
          ? `cannot unlock keystore ${path}: wrong password (CONSORTIA_KEYSTORE_PASSWORD)`
          : `cannot unlock keystore ${path}: not an encrypted JSON keystore (${problem})`,
      );
    }
    return new Wallet(privateKey, await getProvider());
  }

  async function loadDeployment(): Promise<Deployment> {
    const id = await chainId();
    const location = resolve(options.deployments);
    const isFile = await stat(location).then(
      (entry) => entry.isFile(),
      () => location.endsWith(".json"),
    );
    const path = isFile ? location : deploymentPath(id, location);
    const exists = await stat(path).then(
      () => true,
      () => false,
    );
    let loaded: Deployment;
    try {
      loaded = await readDeployment(path);
    } catch (error) {
      // A file that is there but broken is named as broken, not as missing.
      throw new ConfigError(
        isFile || exists
          ? (error as Error).message
          : `no deployment for chain ${id} in ${location} (${(error as Error).message}); deploy first or pass --deployments`,
      );
    }
    if (loaded.chainId !== id) {
      throw new ConfigError(`wrong network: the node is chain ${id} but ${path} is for chain ${loaded.chainId}`);
    }
    return loaded;
  }

  const getDeployment = (): Promise<Deployment> => (deployment ??= loadDeployment());
  const consortiaOver = async (runner: Signer | JsonRpcApiProvider): Promise<Consortia> =>
    createConsortia({ runner, deployment: await getDeployment(), checkChainId: false });

  return {
    options,
    out,
    rpcUrl,
    rpcUrls,
    provider: getProvider,
    chainId,
    chainTime,
    hasKey: () =>
      (process.env.CONSORTIA_PRIVATE_KEY ?? "") !== "" || keystorePath() !== undefined || options.as !== undefined,
    signer: () => (wallet ??= loadWallet()),
    deployment: getDeployment,
    async consortia({ sign = false } = {}) {
      return consortiaOver(sign ? await this.signer() : await getProvider());
    },
  };
}
