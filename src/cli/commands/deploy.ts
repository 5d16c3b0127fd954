/** `consortia deploy` and `consortia permissioning`. */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import type { Command } from "commander";
import { ConsortiumRegistry__factory } from "@consortia/sdk/typechain/factories/platform/ConsortiumRegistry__factory.js";
import { readRegistrySnapshot, writeAllowlists } from "../../deploy/permissioning.js";
import { HARDHAT_CLI, hardhatEnv } from "../../local/hardhat.js";
import { deploymentPath, readDeployment } from "@consortia/sdk";
import { PACKAGE_ROOT, type Cli } from "../context.js";
import { ConfigError } from "../errors.js";
import { table } from "../output.js";

/**
 * Runs a Hardhat task in the package root, its output shown as progress on stderr. With an RPC URL the task runs on
 * Hardhat's `besu` network (any JSON-RPC node, zero gas price) configured through its environment variables, signing
 * with the CLI's key; without one it runs on the named network (`localhost`: the node's own unlocked accounts).
 */
async function runHardhatTask(cli: Cli, task: string, network: string | undefined, args: string[]): Promise<void> {
  const env = hardhatEnv({ FORCE_COLOR: "0" });
  let chosen = network;
  const rpc = cli.options.rpc ?? process.env.CONSORTIA_RPC_URL;
  if (chosen === undefined && rpc !== undefined) {
    chosen = "besu";
    const signer = await cli.signer();
    env.BESU_RPC_URL = cli.rpcUrl();
    env.BESU_CHAIN_ID = String(await cli.chainId());
    env.BESU_OPERATOR_KEY = signer.privateKey;
  }
  chosen ??= "localhost";
  cli.out.progress(`running hardhat ${task} on network ${chosen}…`);
  const child = spawn(process.execPath, [HARDHAT_CLI, task, "--network", chosen, ...args], {
    cwd: PACKAGE_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk: Buffer) => process.stderr.write(chunk));
  let errors = "";
  child.stderr.on("data", (chunk: Buffer) => {
    errors += chunk.toString();
    process.stderr.write(chunk);
  });
  const code = await new Promise<number>((done) => child.on("close", (exit) => done(exit ?? 1)));
  if (code !== 0) {
    const hint = /HHE\d+|configuration variable/i.test(errors) ? " (check the network's configuration)" : "";
    throw new Error(`hardhat ${task} failed with exit code ${code}${hint}`);
  }
}

export function register(program: Command, cli: () => Cli): void {
  program
    .command("deploy")
    .description("deploy (or resume) the whole suite and write <deployments>/<chainId>.json")
    .option("--network <name>", "Hardhat network (default: besu configured from --rpc, else localhost)")
    .option("--founders <file>", "founders file that seeds members and ends bootstrap")
    .option(
      "--envelope-suite <suite>",
      'envelope suite members seal payloads with, chosen once: "standard" (HPKE X25519) or "gm" (SM2/SM3/SM4)',
    )
    .action(async (options: { network?: string; founders?: string; envelopeSuite?: string }) => {
      const c = cli();
      const directory = resolve(c.options.deployments);
      const args = ["--deployments", directory];
      if (options.founders !== undefined) args.push("--founders", resolve(options.founders));
      if (options.envelopeSuite !== undefined) {
        if (options.envelopeSuite !== "standard" && options.envelopeSuite !== "gm") {
          throw new ConfigError(`--envelope-suite: "standard" or "gm", not "${options.envelopeSuite}"`);
        }
        args.push("--envelope-suite", options.envelopeSuite);
      }
      if (
        options.network !== undefined &&
        options.network !== "besu" &&
        (c.options.rpc ?? process.env.CONSORTIA_RPC_URL) !== undefined
      ) {
        throw new ConfigError("--network and --rpc conflict: --rpc deploys through the `besu` network's settings");
      }
      await runHardhatTask(c, "deploy", options.network, args);
      const chainId = options.network === undefined || options.network === "besu" ? await c.chainId() : undefined;
      if (chainId === undefined) {
        c.out.result({ deployments: directory }, () => `deployed; see ${directory}`);
        return;
      }
      const deployment = await readDeployment(deploymentPath(chainId, directory));
      c.out.result(deployment, () =>
        [
          `chain ${deployment.chainId}, from block ${deployment.deploymentBlock}; wrote ${deploymentPath(chainId, directory)}`,
          table(
            Object.entries(deployment.contracts).map(([contract, entry]) => ({
              contract,
              ...entry,
            })),
          ),
        ].join("\n"),
      );
    });

  program
    .command("permissioning")
    .description("write Besu and GoQuorum node/account allowlists from the registry")
    .option("--out <dir>", "output directory", "permissioning")
    .action(async (options: { out: string }) => {
      const c = cli();
      const deployment = await c.deployment();
      const registry = ConsortiumRegistry__factory.connect(
        deployment.contracts.ConsortiumRegistry.address,
        await c.provider(),
      );
      c.out.progress("reading the registry…");
      const snapshot = await readRegistrySnapshot(registry);
      const files = await writeAllowlists(snapshot, resolve(options.out));
      c.out.result({ ...snapshot, files }, () =>
        [
          `${snapshot.accounts.length} accounts, ${snapshot.nodes.length} nodes -> ${files.join(", ")}`,
          "Reload on every Besu node: perm_reloadPermissionsFromFile; on GoQuorum nodes: restart or admin_addPeer.",
        ].join("\n"),
      );
    });
}
