/**
 * Anvil (Foundry's node, a second EVM implementation) as a child process. The binary ships inside the
 * `@foundry-rs/anvil-<platform>-<arch>` npm package, so nothing is downloaded at run time; it runs through the
 * package's launcher, which forwards SIGINT/SIGTERM to it, with the orphan watch preloaded, so that Anvil stops when
 * the process that started it dies without stopping it (as `hardhat node` does).
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { execa } from "execa";
import { childOptions } from "./lifecycle.js";
import { freePort, LOCAL_HOST, ORPHAN_WATCH, superviseNode, type NodeProcess } from "./node.js";

const require = createRequire(import.meta.url);
/** The `@foundry-rs/anvil` launcher: runs this platform's binary and forwards stop signals to it. */
export const ANVIL_LAUNCHER = require.resolve("@foundry-rs/anvil/bin.mjs");

/** The local development chain on Anvil: what `hardhat node` runs (chain id, Berlin, gas price 0, 20 test accounts). */
export function localAnvilArgs(chainId: number): string[] {
  // Anvil's default mnemonic is Hardhat's ("test test … junk"): the same accounts, the same founders and demo keys.
  return ["--chain-id", String(chainId), "--hardfork", "berlin", "--gas-price", "0", "--accounts", "20"];
}

/**
 * Flags that make Anvil run the chain a genesis file describes: `--init` takes its chain id, timestamp and alloc;
 * the block gas limit and the fork rules are flags of their own (Anvil does not read them from the file), and
 * `--accounts 0` leaves only the genesis accounts funded.
 */
export async function anvilGenesisArgs(genesisPath: string, minGasPrice = 0n): Promise<string[]> {
  const genesis = JSON.parse(await readFile(genesisPath, "utf8")) as {
    gasLimit: string;
    config: Record<string, unknown>;
  };
  const london = genesis.config.londonBlock !== undefined;
  return [
    "--init",
    genesisPath,
    "--gas-limit",
    BigInt(genesis.gasLimit).toString(),
    "--hardfork",
    london ? "london" : "berlin",
    "--gas-price",
    minGasPrice.toString(),
    ...(london ? ["--base-fee", "0"] : []),
    "--accounts",
    "0",
  ];
}

/** Starts Anvil on 127.0.0.1:`port` (default: a free one) with `args` and waits until it answers. */
export async function startAnvil(args: readonly string[], port?: number): Promise<NodeProcess> {
  const chosen = port ?? (await freePort());
  const child = execa(
    process.execPath,
    [
      "--import",
      "tsx",
      "--import",
      ORPHAN_WATCH,
      ANVIL_LAUNCHER,
      ...args,
      "--host",
      LOCAL_HOST,
      "--port",
      String(chosen),
    ],
    childOptions({ stdin: "ignore", buffer: false, env: { TARGET_TOOL: "anvil" } }),
  );
  return superviseNode("anvil", child, chosen);
}
