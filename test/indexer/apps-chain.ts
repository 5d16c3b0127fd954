/**
 * One chain for the receivables and credit tests (indexer and API): started once per test process, with both
 * applications deployed and their scenarios run, and one indexer + API over it; stopped by a root `after` hook.
 * Import only from mocha test files (the hook registers at import).
 */
import { parseConfig } from "../../src/indexer/config.js";
import { startIndexerAndApi, type IndexerAndApi } from "../../src/api/start.js";
import { startChain } from "./chain.js";
import { creditScenario, deployCredit, type CreditChain, type CreditScenario } from "./credit-scenario.js";
import {
  deployReceivables,
  receivablesScenario,
  splitTree,
  type ReceivablesChain,
  type ReceivablesScenario,
} from "./receivables-scenario.js";

export type AppsChain = ReceivablesChain & CreditChain;

export interface Apps {
  chain: AppsChain;
  receivables: ReceivablesScenario;
  credit: CreditScenario;
  /** A receivable split into TREE_SIZE certificates. */
  tree: bigint;
  lastBlock: number;
}

export const TREE_SIZE = 40;

let apps: Promise<Apps> | undefined;
let api: Promise<IndexerAndApi> | undefined;

export function appsChain(): Promise<Apps> {
  apps ??= (async () => {
    const base = await startChain();
    const chain = (await deployCredit(await deployReceivables(base))) as AppsChain;
    const receivables = await receivablesScenario(chain);
    const credit = await creditScenario(chain);
    const tree = await splitTree(chain, TREE_SIZE);
    return { chain, receivables, credit, tree, lastBlock: await chain.provider.getBlockNumber() };
  })();
  return apps;
}

export const API_TOKEN = "apps-test-token-0123456789";

/** The indexer and API over the apps chain (PostgreSQL when DATABASE_URL is set, else PGlite), caught up. */
export function appsApi(): Promise<IndexerAndApi> {
  api ??= (async () => {
    const { chain } = await appsChain();
    const started = await startIndexerAndApi(
      parseConfig({
        apiAuth: "off",
        rpcUrl: chain.url,
        deployments: chain.deploymentsPath,
        dataDir: `${chain.dir}/apps-api-db`,
        databaseUrl: process.env.DATABASE_URL || undefined,
        databaseSchema: `apps_${process.pid}_${Date.now()}`,
        pollIntervalMs: 50,
        apiPort: 0,
        apiToken: API_TOKEN,
        logLevel: "silent",
      }),
    );
    while (!started.service.indexer.isReady()) await new Promise((r) => setTimeout(r, 50));
    return started;
  })();
  return api;
}

after(async () => {
  if (api !== undefined) {
    const started = await api;
    if (started.service.db.kind === "postgres") {
      const [{ s }] = await started.service.db.query<{ s: string }>("SELECT current_schema() AS s");
      await started.service.db.query(`DROP SCHEMA "${s}" CASCADE`);
    }
    await started.stop();
  }
  if (apps !== undefined) await (await apps).chain.stop();
});
