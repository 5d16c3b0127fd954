import { expect } from "chai";
import { request } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { z } from "zod";
import { pollingFeed } from "../../src/api/feed.js";
import type { ApiStatus } from "../../src/api/route.js";
import events from "../../src/api/routes/events.js";
import { buildApi, closeApi } from "../../src/api/server.js";
import { publicAccess } from "../../src/api/access.js";
import { defineRoute, defineRoutes } from "../../src/api/route.js";
import { openDatabase, type Database, type Queryable } from "../../src/indexer/db.js";
import { CORE_MIGRATIONS, migrate } from "../../src/indexer/schema.js";

/**
 * Issue 23: the API stops before the database it reads (src/api/start.ts, main.ts). A request still running when the
 * API is closed must not reach the database once it is closed ("Cannot use a pool after calling end on the pool"):
 * closing waits for requests in flight (bounded), ends event streams, and what is still running after the bound gets a
 * clean 503. On PGlite, and on PostgreSQL (a schema of its own) when DATABASE_URL is set: there the pool's end is
 * what a late query meets.
 */
describe("API shutdown with requests in flight", function () {
  this.timeout(60_000);
  let dir: string;
  let db: Database;
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const schema = `api_close_${process.pid}_${Date.now()}`;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "consortia-api-close-"));
    db = await openDatabase({ dataDir: join(dir, "db"), databaseUrl, schema });
    await migrate(db, CORE_MIGRATIONS);
    await db.query(
      `INSERT INTO events (chain_id, block_number, log_index, block_hash, tx_hash, tx_index, address, contract, event, args)
       SELECT 31337, g, 0, '0x' || repeat('0', 64), '0x' || repeat('1', 64), 0, '0x' || repeat('2', 40),
              'PaymentLedger', 'OffChainPaymentRecorded', '{}'::jsonb
       FROM generate_series(1, 50) g`,
    );
    await db.query(`INSERT INTO block_times SELECT g, 1700000000 + g FROM generate_series(1, 50) g`);
  });
  after(async () => {
    if (db?.kind === "postgres") await db.query(`DROP SCHEMA "${schema}" CASCADE`);
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The database as the API sees it: every query takes `delayMs`; one begun after `closed` fails as pg's pool does. */
  function slowDatabase(delayMs: number) {
    const state = { closed: false, afterClose: 0, queries: 0, pages: 0 };
    const slow: Queryable = {
      async query(sql, params, options) {
        state.queries++;
        if (sql.includes("OFFSET") && params?.[0] === 0) state.pages++; // a slow list's handler began
        if (state.closed) {
          state.afterClose++;
          throw new Error("Cannot use a pool after calling end on the pool");
        }
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return db.query(sql, params, options);
      },
    };
    return { slow, state };
  }

  const status = async (): Promise<ApiStatus> => ({
    chainId: 31337,
    indexedBlock: 50,
    headBlock: 50,
    confirmations: 0,
    ready: true,
    eventsTotal: 50,
    eventsPerSecond: 0,
    reorgs: 0,
    nodeBehind: 0,
    indexedBlockTime: 1700000050,
    nodes: [],
    failovers: 0,
  });

  async function startApi(delayMs: number) {
    const { slow, state } = slowDatabase(delayMs);
    const feed = pollingFeed(slow, 50);
    const errors: unknown[] = [];
    const logger = { error: (o: unknown) => errors.push(o), warn() {}, info() {} } as unknown as Logger;
    const api = await buildApi({ auth: "off", db: slow, status, feed, routes: [events, pages], logger });
    const url = await api.listen({ host: "127.0.0.1", port: 0 });
    /** As start.ts stops: the API, then the feed, then the database. */
    const stop = async (app: FastifyInstance, timeoutMs: number) => {
      await closeApi(app, timeoutMs);
      await feed.close();
      state.closed = true;
    };
    return { api, url, state, errors, stop };
  }

  /** A slow list: three pages of events read one after the other, each a query. */
  const LIST = "/pages";
  const pages = defineRoutes({
    name: "pages",
    routes: [
      defineRoute({
        path: LIST,
        access: publicAccess,
        summary: "Events read in three pages",
        tags: ["test"],
        response: z.object({ items: z.array(z.unknown()) }),
        handler: async (_input, ctx) => {
          const items: unknown[] = [];
          for (let page = 0; page < 3; page++) {
            items.push(
              ...(await ctx.db.query(`SELECT * FROM events ORDER BY block_number LIMIT 5 OFFSET $1`, [page * 5])),
            );
          }
          return { items };
        },
      }),
    ],
  });

  /** Resolves once `ready()` holds (polled): e.g. every request's handler started, however loaded the machine. */
  async function until(ready: () => boolean): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!ready()) {
      if (Date.now() > deadline) throw new Error("not reached in 20 s");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** A GET whose answer (status) or failure (the error's code) is recorded; `abort`: the client gives up then. */
  function get(url: string, abort?: Promise<void>): Promise<number | string> {
    return new Promise((resolve) => {
      const req = request(url, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      });
      req.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      void abort?.then(() => req.destroy());
      req.end();
    });
  }

  /** An open event stream: resolves once its first message came; `ended` resolves when the server ends it. */
  async function openStream(url: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${url}/events/stream`, { headers });
    const reader = response.body!.getReader();
    await reader.read();
    const ended = (async () => {
      for (;;) if ((await reader.read()).done) return true;
    })().catch(() => true);
    return { ended };
  }

  it("lets the requests in flight finish before the database closes, and ends open event streams", async () => {
    const { api, url, state, errors, stop } = await startApi(150);
    const stream = await openStream(url);
    const answers = Array.from({ length: 8 }, () => get(`${url}${LIST}`));
    await until(() => state.pages >= 8); // all in flight (each handler began), none answered
    const started = Date.now();
    await stop(api, 5_000);
    expect(Date.now() - started).to.be.lessThan(4_000);
    const statuses = await Promise.all(answers);
    expect(statuses, "requests in flight when closing began complete").to.deep.equal(statuses.map(() => 200));
    expect(await stream.ended).to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, 500)); // anything still running would query by now
    expect(state.afterClose, "queries after the database closed").to.equal(0);
    expect(errors, "errors logged").to.deep.equal([]);
  });

  it("waits for handlers whose clients have gone (as at the end of bench:api) before the database closes", async () => {
    const { api, url, state, errors, stop } = await startApi(150);
    const answers = Array.from({ length: 8 }, () =>
      get(
        `${url}${LIST}`,
        until(() => state.pages >= 8),
      ),
    );
    await Promise.all(answers); // every client gave up; their handlers still run
    const before = state.queries;
    expect(before).to.be.greaterThan(0);
    const started = Date.now();
    await stop(api, 5_000);
    expect(Date.now() - started).to.be.lessThan(4_000);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(state.afterClose, "queries after the database closed").to.equal(0);
    expect(errors, "errors logged").to.deep.equal([]);
  });

  it("bounds the wait: a handler still running after it gets a clean 503, not the closed database's error", async () => {
    const { api, url, state, errors, stop } = await startApi(400);
    const answers = Array.from({ length: 4 }, () =>
      get(
        `${url}${LIST}`,
        until(() => state.pages >= 4),
      ),
    );
    await Promise.all(answers);
    const started = Date.now();
    await stop(api, 200);
    expect(Date.now() - started).to.be.within(150, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(state.afterClose, "queries after the database closed").to.equal(0);
    expect(errors, "errors logged").to.deep.equal([]);
  });

  it("ends a stream still being set up (its replay after Last-Event-ID in flight) before the database closes", async () => {
    const { api, url, state, errors, stop } = await startApi(300);
    // The replay's first page is being read (300 ms) when closing begins: the stream is open but not yet live.
    const response = fetch(`${url}/events/stream`, { headers: { "last-event-id": "0:0" } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await stop(api, 5_000);
    expect(Date.now() - started).to.be.lessThan(4_000);
    const body = await response.then(
      (r) => r.text(),
      () => "",
    );
    // Whatever the stream sent before it was ended, it ended: closing did not wait for a client that stays.
    expect(body).to.not.contain("Cannot use a pool");
    await new Promise((resolve) => setTimeout(resolve, 800)); // a replay going on would query by now
    expect(state.afterClose, "queries after the database closed").to.equal(0);
    expect(errors, "errors logged").to.deep.equal([]);
  });

  it("stops the polling feed before the database closes: a poll in flight runs no further query", async () => {
    const { slow, state } = slowDatabase(60);
    const feed = pollingFeed(slow, 20);
    const messages: unknown[] = [];
    const unsubscribe = feed.subscribe((m) => messages.push(m));
    // The first poll reads the last event (60 ms); the next one, from 80 ms, reads the highest block then the rows.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = state.queries;
    expect(before, "a poll is in flight").to.be.greaterThan(1);
    await feed.close();
    state.closed = true;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(state.afterClose, "queries after the database closed").to.equal(0);
    // Closed for good: subscribing again polls nothing.
    feed.subscribe(() => {})();
    unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(state.afterClose).to.equal(0);
  });
});
