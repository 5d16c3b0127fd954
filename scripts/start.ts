/**
 * `npm start`: the main job. Starts a local JSON-RPC chain (127.0.0.1:8545, chain id 1337, berlin, zero gas price),
 * deploys the whole suite, seeds the local founders, prints what runs where, and stays up until Ctrl-C.
 */
import { spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { Command } from "commander";
import { HARDHAT_CLI, rpc, startNode } from "../src/local/node.js";

const LOCAL_CHAIN_ID = 1337;

const options = new Command()
  .name("npm start --")
  .option("--port <port>", "JSON-RPC port of the local chain", "8545")
  .option("--founders <file>", "founders file seeded at deployment", "config/founders.local.json")
  .parse()
  .opts<{ port: string; founders: string }>();

const port = Number(options.port);
const url = `http://127.0.0.1:${port}`;
try {
  await rpc(url, "eth_chainId");
  console.error(`Something already answers JSON-RPC at ${url}. Stop it, or pass --port <other>.`);
  process.exit(1);
} catch {
  // Nothing listens there: good.
}

console.log(`Starting the local chain at ${url} ...`);
const node = await startNode(port);

// A fresh chain: forget Ignition's journal and the addresses of any previous local run.
await rm(`ignition/deployments/chain-${LOCAL_CHAIN_ID}`, { recursive: true, force: true });
await rm(`deployments/${LOCAL_CHAIN_ID}.json`, { force: true });

const deployed = await new Promise<number>((resolve) => {
  const child = spawn(
    process.execPath,
    [HARDHAT_CLI, "deploy", "--network", "localhost", "--founders", options.founders],
    {
      stdio: "inherit",
      env: { ...process.env, CONSORTIA_LOCAL_RPC_URL: url },
    },
  );
  child.on("exit", (code) => resolve(code ?? 1));
});
if (deployed !== 0) {
  await node.stop();
  console.error("Deployment failed; the chain was stopped.");
  process.exit(1);
}

console.log(`
Consortia is up.
  chain       ${url}  (chain id ${LOCAL_CHAIN_ID}, hardfork berlin, gas price 0; accounts: the Hardhat test mnemonic)
  deployment  deployments/${LOCAL_CHAIN_ID}.json
Try:
  curl -s -X POST ${url} -H 'content-type: application/json' -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}'
Press Ctrl-C to stop.`);

let stopping = false;
const shutdown = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  console.log("\nStopping ...");
  await node.stop();
  process.exit(0);
};
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
node.process.on("exit", () => {
  if (!stopping) {
    console.error("The local chain exited unexpectedly.");
    process.exit(1);
  }
});
