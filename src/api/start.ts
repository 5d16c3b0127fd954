import type { FastifyInstance } from "fastify";
import type { Config } from "../indexer/config.js";
import type { ChainTrail } from "../indexer/verify/data-sharing.js";
import { createLogger, startIndexer, type IndexerService } from "../indexer/service.js";
import { chainReader } from "./chain.js";
import type { ApiStatus } from "./route.js";
import { indexerFeed, pollingFeed, type EventFeed } from "./feed.js";
import { authFromConfig, StandingCache } from "./auth.js";
import { IndexCache } from "./cache.js";
import { buildApi, closeApi, loadRoutes } from "./server.js";
import { databaseStatus, indexerStatus } from "./status.js";

export interface IndexerAndApi {
  service: IndexerService;
  api: FastifyInstance;
  /** Base URL the API listens on, e.g. http://127.0.0.1:8080 */
  url: string;
  stop(): Promise<void>;
}

/**
 * The status of a process that may be the writer or a standby (PostgreSQL): the indexer's own while it writes, the
 * writer's progress from the database while it waits.
 */
function serviceStatus(service: IndexerService, config: Config): () => Promise<ApiStatus> {
  if (service.db.kind !== "postgres") return indexerStatus(service.indexer);
  const standby = databaseStatus(service.db, config.confirmations, undefined, "standby");
  return async () => (service.role() === "writer" ? indexerStatus(service.indexer)() : standby());
}

/**
 * Runs the indexer and the API in one process (what `npm start` uses). On PostgreSQL the event stream polls the
 * events table, as an API replica does: a standby has no indexer to push events, and whichever process wrote an
 * event, the stream finds it there, across a takeover.
 */
export async function startIndexerAndApi(config: Config): Promise<IndexerAndApi> {
  const logger = createLogger(config.logLevel, "consortia-indexer");
  // Standing and block times kept between requests while this process's indexer is the only writer (always on
  // PGlite; on PostgreSQL while it holds the writer lock): its write transactions invalidate them (src/api/cache.ts).
  // Their observers are installed by startIndexer before its loop starts: a batch already in flight when they were
  // installed would never be reported, and what a request cached during it would outlive its commit.
  let started: IndexerService | undefined;
  const soleWriter = () => started !== undefined && (started.db.kind === "pglite" || started.role() === "writer");
  const blockTimes = new IndexCache<number, number>(soleWriter);
  const standingCache = new StandingCache(soleWriter);
  // The contract's side of access trails, by block: dropped on every write, so a reorg's rewrite of a block is too.
  const trailViews = new IndexCache<string, ChainTrail>(soleWriter);
  const service = await startIndexer(config, logger, { observers: [blockTimes, standingCache, trailViews] });
  started = service;
  const feed: EventFeed =
    service.db.kind === "postgres"
      ? pollingFeed(service.db, Math.min(config.pollIntervalMs, 500))
      : indexerFeed(service.indexer);
  try {
    const status = serviceStatus(service, config);
    const auth = authFromConfig(config, status);
    if (auth !== "off") auth.standingCache = standingCache;
    const api = await buildApi({
      db: service.db,
      status,
      feed,
      routes: await loadRoutes(),
      chain: chainReader(config.rpcUrl, service.deployments),
      auth,
      blockTimes,
      trailViews,
      trailMemoEntries: config.apiTrailMemoEntries,
      token: config.apiToken,
      logger,
    });
    const url = await api.listen({ host: config.apiHost, port: config.apiPort });
    logger.info({ url }, "API listening");
    return {
      service,
      api,
      url,
      async stop() {
        await closeApi(api);
        await feed.close(); // a poll in flight ends before the indexer's database closes
        await service.stop();
      },
    };
  } catch (error) {
    await feed.close();
    await service.stop();
    throw error;
  }
}
