import type { FastifyInstance } from "fastify";
import type { Config } from "../indexer/config.js";
import { createLogger, startIndexer, type IndexerService } from "../indexer/service.js";
import { chainReader } from "./chain.js";
import { indexerFeed } from "./feed.js";
import { buildApi, closeApi, loadRoutes } from "./server.js";
import { indexerStatus } from "./status.js";

export interface IndexerAndApi {
  service: IndexerService;
  api: FastifyInstance;
  /** Base URL the API listens on, e.g. http://127.0.0.1:8080 */
  url: string;
  stop(): Promise<void>;
}

/** Runs the indexer and the API in one process (what `npm start` uses). */
export async function startIndexerAndApi(config: Config): Promise<IndexerAndApi> {
  const logger = createLogger(config.logLevel, "consortia-indexer");
  const service = await startIndexer(config, logger);
  const feed = indexerFeed(service.indexer);
  try {
    const api = await buildApi({
      db: service.db,
      status: indexerStatus(service.indexer),
      feed,
      routes: await loadRoutes(),
      chain: chainReader(config.rpcUrl, service.deployments),
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
        feed.close();
        await service.stop();
      },
    };
  } catch (error) {
    feed.close();
    await service.stop();
    throw error;
  }
}
