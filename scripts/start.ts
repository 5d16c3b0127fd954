/**
 * `npm start`: the main job. Compiles the contracts, starts a local JSON-RPC chain (127.0.0.1:8545, chain id 1337,
 * berlin, zero gas price; `--node anvil` runs it on Anvil instead of Hardhat's node), deploys the whole suite, seeds the demo consortium and runs its scenario through every
 * application (unless `--no-demo`), starts the indexer and the query API beside the chain, prints what runs where, and
 * stays up until SIGINT/SIGTERM/SIGHUP, which stop everything it started (src/local/lifecycle.ts).
 *
 * Before it touches any file it validates the flags, takes the data directory's pid lock and checks both ports, so
 * that a second instance started by mistake changes nothing of the first one's.
 */
import { readdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { startIndexerAndApi } from "../src/api/start.js";
import { DEMO_CONSORTIUM_KEY, demoConsortium, writeDemoFounders } from "../src/demo/consortium.js";
import { printRegulatorReport } from "../src/demo/report.js";
import { runDemoScenario, type DemoScenarioResult } from "../src/demo/scenario.js";
import { parseConfig } from "../src/indexer/config.js";
import { isStopping, installShutdown, onShutdown, shutdown, spawnChild } from "../src/local/lifecycle.js";
import { localAnvilArgs, startAnvil } from "../src/local/anvil.js";
import { hardhatEnv } from "../src/local/hardhat.js";
import { HARDHAT_CLI, startNode } from "../src/local/node.js";
import { acquirePidLock } from "../src/local/pid-lock.js";
import { parseStartOptions, StartUsageError } from "../src/local/start-options.js";
import { consoleBuilt, startWebServer, VITE_CLI, VITE_CONFIG } from "../src/web/server.js";
import { createConsortia, deploymentPath, readDeployment } from "@consortia/sdk";
import { JsonRpcProvider } from "ethers";

const LOCAL_CHAIN_ID = 1337;
const USAGE_EXIT = 2;
/** The header the printed curl commands send once signed in (nothing with API_AUTH=off). */
const AUTH = process.env.API_AUTH === "off" ? "" : ' -H "Authorization: Bearer $TOKEN"';

installShutdown({ log: (line) => console.log(line) });

const options = await parseStartOptions(process.argv.slice(2)).catch((error: unknown) => {
  if (!(error instanceof StartUsageError)) throw error;
  if (error.message !== "") console.error(`error: ${error.message}`);
  process.exit(error.exitCode);
});
const lock = await acquirePidLock(join(options.dataDir, "npm-start.pid"));
if (!lock.acquired) {
  console.error(
    `error: another npm start (pid ${lock.holder}) uses the data directory ${options.dataDir}; ` +
      "stop it, or pass --data-dir <other>",
  );
  process.exit(USAGE_EXIT);
}

const url = `http://127.0.0.1:${options.port}`;
const deployments = options.deploymentsDir;

console.log("Compiling the contracts (the first compile takes about a minute) ...");
const build = await spawnChild(process.execPath, [HARDHAT_CLI, "build"], {
  stdout: "inherit",
  stderr: "inherit",
  env: hardhatEnv(),
  extendEnv: false,
});
if (build.exitCode !== 0) await fail("Compiling the contracts failed.");
if (!(await consoleBuilt())) {
  console.log("Building the web console (dist/web; `npm run build` builds it too) ...");
  const vite = await spawnChild(process.execPath, [VITE_CLI, "build", "--config", VITE_CONFIG, "--logLevel", "warn"], {
    stdout: "inherit",
    stderr: "inherit",
  });
  if (vite.exitCode !== 0) await fail("Building the web console failed.");
}

console.log(`Starting the local chain (${options.node}) at ${url} ...`);
const node =
  options.node === "anvil"
    ? await startAnvil(localAnvilArgs(LOCAL_CHAIN_ID), options.port)
    : await startNode(options.port);
onShutdown(`local chain (pid ${node.process.pid}) ${url}`, node.stop);
void node.exited.then(() => {
  if (isStopping()) return;
  console.error("The local chain exited unexpectedly.");
  void shutdown(1);
});

// A fresh chain: forget this data directory's Ignition journals, addresses and index of any previous local run.
await removeLocalJournals(join(options.ignitionDir, "deployments"));
await rm(deploymentPath(LOCAL_CHAIN_ID, deployments), { force: true });
await rm(join(options.dataDir, "pglite"), { recursive: true, force: true });

const founders = options.demo
  ? await writeDemoFounders(join(options.dataDir, "demo-founders.json"))
  : "config/founders.local.json";
const deploy = await spawnChild(
  process.execPath,
  [HARDHAT_CLI, "deploy", "--network", "localhost", "--founders", founders, "--deployments", deployments],
  {
    stdout: "inherit",
    stderr: "inherit",
    env: hardhatEnv({ CONSORTIA_LOCAL_RPC_URL: url, CONSORTIA_IGNITION_DIR: options.ignitionDir }),
    extendEnv: false,
  },
);
if (deploy.exitCode !== 0) await fail("Deployment failed.");
const deployment = await readDeployment(deploymentPath(LOCAL_CHAIN_ID, deployments));

console.log("Starting the indexer and the query API ...");
const services = await startIndexerAndApi(
  parseConfig({
    rpcUrl: url,
    deployments: deploymentPath(LOCAL_CHAIN_ID, deployments),
    dataDir: join(options.dataDir, "pglite"),
    apiPort: options.apiPort,
    pollIntervalMs: 250,
    logLevel: "warn",
    progress: "log",
    // Sign-in is on unless API_AUTH=off (local development only: anyone reaching the port then reads every row).
    apiAuth: (process.env.API_AUTH || undefined) as "on" | "off" | undefined,
  }),
).catch((error: unknown) => fail(`The indexer or the query API did not start: ${(error as Error).message}`));
onShutdown(`indexer and query API ${services.url}`, services.stop);

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
  // The regulator's report (issue 20), from the index once it has caught up with the demo.
  try {
    await printRegulatorReport({
      db: services.service.db,
      api: services.url,
      head: await new JsonRpcProvider(url).getBlockNumber(),
      log: (line) => console.log(`  ${line}`),
    });
  } catch (error) {
    console.log(`  (the regulator's report could not be read: ${(error as Error).message})`);
  }
}

const api = services.url;
const token = (await createConsortia({ runner: new JsonRpcProvider(url), deployment })).token;
const symbol = await token.symbol();
// The currency as an ISO 4217 code (what LCs and guarantees carry): a deposit token's symbol is the code with a prefix
// (dCNY); the console refused to issue an LC in "dCNY".
const currency = /[A-Z]{3}$/.exec(symbol)?.[0] ?? symbol;
const web = await startWebServer({
  port: options.webPort,
  apiUrl: api,
  rpcUrl: url,
  deployment,
  token: { decimals: await token.decimals(), symbol, currency },
  demo: options.demo
    ? {
        chainId: LOCAL_CHAIN_ID,
        members: Object.values(demoConsortium()).map(({ key, name, memberId, account, privateKey }) => ({
          key,
          name,
          memberId,
          account,
          privateKey,
        })),
      }
    : undefined,
}).catch((error: unknown) => fail(`The web console did not start: ${(error as Error).message}`));
onShutdown(`web console ${web.url}`, web.stop);
const deploymentsFlag = options.dataDirGiven ? ` --deployments ${deployments}` : "";
console.log(`
Consortia is up.
  chain       ${url}  (${options.node}; chain id ${LOCAL_CHAIN_ID}, hardfork berlin, gas price 0; accounts: the Hardhat test mnemonic)
  deployment  ${deploymentPath(LOCAL_CHAIN_ID, deployments)}
  query API   ${api}  (OpenAPI at ${api}/openapi.json; live events at ${api}/events/stream)
  web console ${web.url}/  (${options.demo ? "sign in with the demo wallet as any demo member; " : ""}verify a guarantee or an e-certificate without a wallet)
${membersSection(options.demo)}
${signInSection(url, deploymentsFlag, api, options.demo)}
Try:
  curl -s ${api}/ready
  curl -s${AUTH} ${api}/members
  curl -s${AUTH} '${api}/token/balances?limit=5'
${demoQueries(api, demo)}  curl -s ${api}/openapi.json | head -c 400
  npx consortia --rpc ${url}${deploymentsFlag} member list
${actAsMember(url, deploymentsFlag, options.demo)}
Press Ctrl-C (or send SIGTERM) to stop.`);

function apiAuthOn(): boolean {
  return process.env.API_AUTH !== "off";
}

/** How to sign in to the query API (sign-in on): a demo member's token for curl. */
function signInSection(rpcUrl: string, deploymentsFlag: string, apiUrl: string, withDemo: boolean): string {
  if (!apiAuthOn()) return "  query API sign-in is OFF (API_AUTH=off): anyone reaching the port reads every row\n";
  const who = withDemo ? "--as regulator" : "(CONSORTIA_PRIVATE_KEY=<a member account's key>)";
  return [
    "Sign in to the query API (the regulator reads every row; a bank, e.g. --as bankA, only the deals it is party to):",
    `  export TOKEN=$(npx consortia --rpc ${rpcUrl}${deploymentsFlag} ${who} api login --api ${apiUrl})`,
    "",
  ].join("\n");
}

/** The members and where their keys come from. */
function membersSection(withDemo: boolean): string {
  if (!withDemo) return "  members     see config/founders.local.json (admin accounts: the Hardhat test mnemonic)";
  const rows = Object.values(demoConsortium()).map(
    (member) => `    ${String(member.memberId).padStart(2)}  ${member.name}  ${member.account}`,
  );
  return [
    "  members     (keys: Hardhat test mnemonic accounts 1..13 - public, demo only; src/demo/consortium.ts)",
    ...rows,
  ].join("\n");
}

/** How to sign as a demo member, and the demo's consortium key for the credit commands. */
function actAsMember(rpcUrl: string, deploymentsFlag: string, withDemo: boolean): string {
  if (!withDemo) return "";
  const bankA = demoConsortium().bankA;
  return [
    "Act as a demo member: --as <member> (bankA ... or its name), or its key (public, demo only):",
    `  npx consortia --rpc ${rpcUrl}${deploymentsFlag} --as bankA whoami`,
    `  CONSORTIA_PRIVATE_KEY=${bankA.privateKey} npx consortia --rpc ${rpcUrl}${deploymentsFlag} token balance`,
    "The demo's consortium key (subject keys of the credit blacklist commands):",
    `  export CONSORTIA_CONSORTIUM_KEY=${DEMO_CONSORTIUM_KEY}`,
  ].join("\n");
}

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
    `${base}/datasets/${dataSharing.datasetId}/access-log`, // with `trail`: verified against the chain's accessHead
    `${base}/credit/subjects/${credit.subjectKey}/queries`,
  ]
    .map((query) => `  curl -s${query.includes("/by-reference/") ? "" : AUTH} '${query}'\n`)
    .join("");
}

/** Removes the local chain's journals (`chain-1337`, `chain-1337-<genesis>`) under `dir`: each run is a fresh chain. */
async function removeLocalJournals(dir: string): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  const local = entries.filter(
    (name) => name === `chain-${LOCAL_CHAIN_ID}` || name.startsWith(`chain-${LOCAL_CHAIN_ID}-`),
  );
  await Promise.all(local.map((name) => rm(resolve(dir, name), { recursive: true, force: true })));
}

async function fail(message: string): Promise<never> {
  console.error(message);
  return shutdown(1);
}
