/**
 * `npm start`: the main job. Starts a local JSON-RPC chain (127.0.0.1:8545, chain id 1337, berlin, zero gas price),
 * deploys the whole suite, seeds the demo consortium and runs its scenario through every application (unless
 * `--no-demo`), starts the indexer and the query API beside the chain, prints what runs where, and stays up until
 * Ctrl-C.
 */
import { spawn } from "node:child_process";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { Command } from "commander";
import { startIndexerAndApi, type IndexerAndApi } from "../src/api/start.js";
import { demoConsortium, writeDemoFounders } from "../src/demo/consortium.js";
import { runDemoScenario, type DemoScenarioResult } from "../src/demo/scenario.js";
import { parseConfig } from "../src/indexer/config.js";
import { HARDHAT_CLI, rpc, startNode } from "../src/local/node.js";
import { deploymentPath, readDeployment } from "@consortia/sdk";

const LOCAL_CHAIN_ID = 1337;

const options = new Command()
  .name("npm start --")
  .option("--port <port>", "JSON-RPC port of the local chain", "8545")
  .option("--api-port <port>", "port of the query API", "8080")
  .option("--no-demo", "deploy with config/founders.local.json and run no scenario")
  .option("--data-dir <dir>", "where the indexer's PGlite store, demo founders and payloads go", "data")
  .parse()
  .opts<{ port: string; apiPort: string; demo: boolean; dataDir: string }>();

const url = `http://127.0.0.1:${options.port}`;
try {
  await rpc(url, "eth_chainId");
  console.error(`Something already answers JSON-RPC at ${url}. Stop it, or pass --port <other>.`);
  process.exit(1);
} catch {
  // Nothing listens there: good.
}

console.log(`Starting the local chain at ${url} ...`);
const node = await startNode(Number(options.port));
let stopping = false;
let services: IndexerAndApi | undefined;
// However this process ends (a signal to npm alone, an uncaught error), the chain process must not outlive it.
process.on("exit", () => node.process.kill("SIGKILL"));
node.process.on("exit", () => {
  if (!stopping) {
    console.error("The local chain exited unexpectedly.");
    process.exit(1);
  }
});

// A fresh chain: forget Ignition's journal, the addresses and the index of any previous local run.
await rm(join("ignition", "deployments", `chain-${LOCAL_CHAIN_ID}`), { recursive: true, force: true });
await rm(deploymentPath(LOCAL_CHAIN_ID), { force: true });
await rm(join(options.dataDir, "pglite"), { recursive: true, force: true });
await mkdir(options.dataDir, { recursive: true });

const founders = options.demo
  ? await writeDemoFounders(join(options.dataDir, "demo-founders.json"))
  : "config/founders.local.json";
const deployed = await new Promise<number>((resolve) => {
  const child = spawn(process.execPath, [HARDHAT_CLI, "deploy", "--network", "localhost", "--founders", founders], {
    stdio: "inherit",
    env: { ...process.env, CONSORTIA_LOCAL_RPC_URL: url },
  });
  child.on("exit", (code) => resolve(code ?? 1));
});
if (deployed !== 0) await fail("Deployment failed.");
const deployment = await readDeployment(deploymentPath(LOCAL_CHAIN_ID));

services = await startIndexerAndApi(
  parseConfig({
    rpcUrl: url,
    deployments: deploymentPath(LOCAL_CHAIN_ID),
    dataDir: join(options.dataDir, "pglite"),
    apiPort: Number(options.apiPort),
    pollIntervalMs: 250,
    logLevel: "warn",
    progress: "log",
  }),
);

let demo: DemoScenarioResult | undefined;
if (options.demo) {
  console.log("\nRunning the demo scenario through the six applications ...");
  try {
    demo = await runDemoScenario({
      rpcUrl: url,
      deployment,
      dataDir: join(options.dataDir, "payloads"),
      log: (line) => console.log(`  ${line}`),
    });
  } catch (error) {
    await fail(`The demo scenario failed: ${(error as Error).message}`);
  }
}

const api = services.url;
const members = options.demo
  ? Object.values(demoConsortium())
      .map((member) => `    ${String(member.memberId).padStart(2)}  ${member.name}  ${member.account}`)
      .join("\n")
  : "    see config/founders.local.json";
console.log(`
Consortia is up.
  chain       ${url}  (chain id ${LOCAL_CHAIN_ID}, hardfork berlin, gas price 0; accounts: the Hardhat test mnemonic)
  deployment  ${deploymentPath(LOCAL_CHAIN_ID)}
  query API   ${api}  (OpenAPI at ${api}/openapi.json; live events at ${api}/events/stream)
  members
${members}
Try:
  curl -s ${api}/ready
  curl -s ${api}/members
  curl -s '${api}/token/balances?limit=5'
${demoQueries(api, demo)}  curl -s ${api}/openapi.json | head -c 400
  npx consortia --rpc ${url} member list
Press Ctrl-C to stop.`);

process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

/** Example queries over what the demo created (nothing when it did not run). */
function demoQueries(base: string, result: DemoScenarioResult | undefined): string {
  if (result === undefined) return "";
  const { receivables, lettersOfCredit, forfaiting, guarantees, dataSharing, credit } = result;
  return [
    `${base}/receivables/${receivables.receivableId}/lineage`,
    `${base}/letters-of-credit/${lettersOfCredit.lcId}/timeline`,
    `${base}/netting-runs/${lettersOfCredit.nettingRun}`,
    `${base}/forfaiting/offers/${forfaiting.offerId}`,
    `${base}/guarantees/by-reference/${guarantees.referenceId}`,
    `${base}/access-trace?accessId=${dataSharing.accessId}`,
    `${base}/credit/subjects/${credit.subjectKey}/queries`,
  ]
    .map((url) => `  curl -s '${url}'\n`)
    .join("");
}

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log("\nStopping ...");
    await services?.stop().catch(() => {});
    await node.stop();
  }
  process.exit(code);
}

async function fail(message: string): Promise<never> {
  console.error(message);
  return shutdown(1);
}
