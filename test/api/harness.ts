import { startIndexerAndApi, type IndexerAndApi } from "../../src/api/start.js";
import { parseConfig, type ConfigInput } from "../../src/indexer/config.js";
import type { TestChain } from "../indexer/chain.js";

/**
 * The query API over a test chain, as the data tests run it: a fresh PGlite directory, or a fresh PostgreSQL schema
 * when DATABASE_URL is set, polled every 50 ms, caught up before it returns. Sign-in is off: these tests are about the
 * data; who may read what is test/api/auth.test.ts's.
 */
export async function startChainApi(
  chain: Pick<TestChain, "url" | "deploymentsPath" | "dir">,
  name: string,
  options: Partial<ConfigInput> = {},
): Promise<IndexerAndApi> {
  const api = await startIndexerAndApi(
    parseConfig({
      apiAuth: "off",
      rpcUrl: chain.url,
      deployments: chain.deploymentsPath,
      dataDir: `${chain.dir}/${name}-db`,
      databaseUrl: process.env.DATABASE_URL || undefined,
      databaseSchema: `${name}_${process.pid}_${Date.now()}`,
      pollIntervalMs: 50,
      apiPort: 0,
      logLevel: "silent",
      ...options,
    }),
  );
  while (!api.service.indexer.isReady()) await new Promise((resolve) => setTimeout(resolve, 50));
  return api;
}

/** Stops what `startChainApi` started, dropping its PostgreSQL schema, then the chain. */
export async function stopChainApi(api: IndexerAndApi | undefined, chain: TestChain | undefined): Promise<void> {
  if (api !== undefined) {
    if (api.service.db.kind === "postgres") {
      const schema = (await api.service.db.query<{ s: string }>("SELECT current_schema() AS s"))[0].s;
      await api.service.db.query(`DROP SCHEMA "${schema}" CASCADE`);
    }
    await api.stop();
  }
  await chain?.stop();
}
