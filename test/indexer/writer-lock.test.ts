/**
 * The writer lock (src/indexer/writer-lock.ts) and the writer/standby services over it (src/indexer/service.ts), in
 * this process against the PostgreSQL of DATABASE_URL (skipped without one, as the other PostgreSQL tests).
 */
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import pg from "pg";
import { parseConfig } from "../../src/indexer/config.js";
import { startIndexer, WriterLockHeldError, type IndexerService } from "../../src/indexer/service.js";
import {
  holdsWriterLock,
  LostWriterLockError,
  tryWriterLock,
  WRITER_LOCK_CLASS,
  writerLockKey,
  type WriterLock,
} from "../../src/indexer/writer-lock.js";
import { floodTransfers } from "./chain.js";
import { digests, directDigests, silent, useFloodedChain } from "./harness.js";
import { rpc } from "../helpers/node-process.js";

const url = process.env.DATABASE_URL ?? "";

/** Backend pids holding the writer lock of `schema`. */
async function holders(client: pg.Client, schema: string): Promise<number[]> {
  const { rows } = await client.query<{ pid: number }>(
    `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2
       AND classid = $1::int8::oid AND objid = $2::int8::oid`,
    [WRITER_LOCK_CLASS, writerLockKey(schema)],
  );
  return rows.map((r) => r.pid);
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - started;
}

(url === "" ? describe.skip : describe)("indexer: writer lock (PostgreSQL high availability)", function () {
  this.timeout(120_000);
  const schemas: string[] = [];
  const locks: WriterLock[] = [];
  let admin: pg.Client;
  const newSchema = () => {
    const schema = `ha_${process.pid}_${randomBytes(4).toString("hex")}`;
    schemas.push(schema);
    return schema;
  };
  const lock = async (schema: string) => {
    const held = await tryWriterLock({ databaseUrl: url, schema, heartbeatMs: 100 });
    if (held !== undefined) locks.push(held);
    return held;
  };

  before(async () => {
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
  });
  afterEach(async () => {
    for (const held of locks.splice(0)) await held.release();
  });
  after(async () => {
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin?.end();
  });

  it("one session holds a schema's lock; another schema's is apart; it frees when the holder's session ends", async () => {
    const [one, other] = [newSchema(), newSchema()];
    expect(writerLockKey(one)).not.to.equal(writerLockKey(other));
    const first = await lock(one);
    expect(first).not.to.equal(undefined);
    expect(await lock(one)).to.equal(undefined);
    expect(await holders(admin, one)).to.deep.equal([first!.pid]);
    // Another consortium on the same database (its own schema) is not blocked.
    const apart = await lock(other);
    expect(apart).not.to.equal(undefined);
    expect(await holders(admin, other)).to.deep.equal([apart!.pid]);

    await first!.release();
    expect(await first!.lost).to.equal("released");
    const second = await lock(one);
    expect(second).not.to.equal(undefined);
    expect(await holders(admin, one)).to.deep.equal([second!.pid]);
  });

  it("a terminated lock session ends the term and fails the fence: the write transaction rolls back", async () => {
    const schema = newSchema();
    const held = (await lock(schema))!;
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.query(`CREATE TABLE "${schema}".scratch (n integer)`);
    const writer = new pg.Client({ connectionString: url });
    await writer.connect();
    try {
      const tx = {
        query: async (sql: string, params?: readonly unknown[]) => (await writer.query(sql, params as unknown[])).rows,
      };
      await writer.query("BEGIN");
      await held.fence(tx);
      expect(await holdsWriterLock(tx, schema, held.pid)).to.equal(true);
      expect(await holdsWriterLock(tx, `${schema}_other`, held.pid)).to.equal(false);
      expect(await holdsWriterLock(tx, schema, held.pid + 1)).to.equal(false);
      await writer.query(`INSERT INTO "${schema}".scratch VALUES (1)`);
      await writer.query("COMMIT");

      await writer.query("BEGIN");
      await writer.query(`INSERT INTO "${schema}".scratch VALUES (2)`);
      // The database restarts, a network cut, or an operator: the session that held the lock is gone.
      await admin.query(`SELECT pg_terminate_backend($1)`, [held.pid]);
      // Once the session is gone the lock is free for another process: from then on the fence must refuse. (Before,
      // the fence may pass: the lock is still ours, and a new writer reads the checkpoint row after this transaction.)
      await waitFor("the session to end", async () => (await holders(admin, schema)).length === 0, 5_000);
      let failed: unknown;
      await held.fence(tx).catch((error: unknown) => (failed = error));
      // What the fence asks the database, whether or not the lock's own connection has noticed yet.
      expect(await holdsWriterLock(tx, schema, held.pid)).to.equal(false);
      expect(failed).to.be.instanceOf(LostWriterLockError);
      await writer.query("ROLLBACK");
      expect(await held.lost).to.match(/lock connection|no longer holds it/);
      const { rows } = await admin.query<{ n: number }>(`SELECT n FROM "${schema}".scratch ORDER BY n`);
      expect(rows.map((r) => r.n)).to.deep.equal([1]);
      expect(await holders(admin, schema)).to.deep.equal([]);
      expect(await lock(schema)).not.to.equal(undefined);
    } finally {
      await writer.end();
    }
  });

  describe("writer and standby services on one schema", () => {
    const flooded = useFloodedChain();
    const services: IndexerService[] = [];
    afterEach(async () => {
      for (const service of services.splice(0)) await service.stop();
    });

    it("exactly one writes; its lock session terminated, it stops and a standby resumes from the checkpoint", async () => {
      const { chain } = flooded;
      const schema = newSchema();
      const config = parseConfig({
        rpcUrl: chain.url,
        deployments: chain.deploymentsPath,
        databaseUrl: url,
        databaseSchema: schema,
        pollIntervalMs: 50,
        writerRetryMs: 200,
        logLevel: "silent",
      });
      // The first writer retries late once it has lost the lock, so that the standby is the one that takes over.
      const a = await startIndexer({ ...config, writerRetryMs: 3_000 }, silent);
      services.push(a);
      const b = await startIndexer(config, silent);
      services.push(b);
      expect([a.role(), b.role()]).to.deep.equal(["writer", "standby"]);

      // Sampled all along: never two writers, never two sessions holding the lock.
      let samples = 0;
      const overlaps: string[] = [];
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const roles = [a.role(), b.role()];
          if (roles.filter((r) => r === "writer").length > 1) overlaps.push(roles.join(","));
          if ((await holders(admin, schema)).length > 1) overlaps.push("two lock holders");
          samples++;
          await new Promise((r) => setTimeout(r, 10));
        }
      })();

      const head = async () => Number(await rpc<string>(chain.url, "eth_blockNumber"));
      await waitFor("the writer to catch up", async () => a.indexer.status.indexedBlock === (await head()), 30_000);
      const [lockPid] = await holders(admin, schema);
      await admin.query(`SELECT pg_terminate_backend($1)`, [lockPid]);
      const stoppedMs = await waitFor("the writer to stop", () => a.role() === "standby", 5_000);
      const tookOverMs = await waitFor("the standby to take over", () => b.role() === "writer", 5_000);
      expect(stoppedMs).to.be.below(2_000);

      // The new writer resumed from the checkpoint (no wipe), and follows new blocks.
      expect(b.indexer.status.indexedBlock).to.be.at.least(a.indexer.status.indexedBlock);
      await floodTransfers(chain, 2, 5);
      const target = await head();
      await waitFor("the new writer to reach the head", () => b.indexer.status.indexedBlock === target, 30_000);
      sampling = false;
      await sampler;
      expect(overlaps).to.deep.equal([]);
      expect(samples).to.be.greaterThan(10);
      expect(a.role()).to.equal("standby");
      expect(tookOverMs).to.be.below(5_000);
      expect(await digests(b.db)).to.deep.equal(await directDigests(chain));

      // The operator's rebuild needs the lock: refused at once while another process writes.
      let refused: unknown;
      await startIndexer(config, silent, { rebuild: true }).catch((error: unknown) => (refused = error));
      expect(refused).to.be.instanceOf(WriterLockHeldError);
    });

    it("four processes started at once, the writer's lock session ended three times: never two writers", async () => {
      const { chain } = flooded;
      const head = Number(await rpc<string>(chain.url, "eth_blockNumber"));
      const schema = newSchema();
      const config = parseConfig({
        rpcUrl: chain.url,
        deployments: chain.deploymentsPath,
        databaseUrl: url,
        databaseSchema: schema,
        pollIntervalMs: 50,
        writerRetryMs: 100,
        logLevel: "silent",
      });
      const started = await Promise.all(Array.from({ length: 4 }, () => startIndexer(config, silent)));
      services.push(...started);
      const writers = () => started.filter((s) => s.role() === "writer");
      expect(writers()).to.have.length(1);

      const overlaps: string[] = [];
      let samples = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          if (writers().length > 1) overlaps.push(started.map((s) => s.role()).join(","));
          if ((await holders(admin, schema)).length > 1) overlaps.push("two lock holders");
          samples++;
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      for (let round = 0; round < 3; round++) {
        const [writer] = writers();
        await waitFor(
          "some progress",
          () => writer.indexer.status.indexedBlock > chain.deployments.deploymentBlock,
          30_000,
        );
        const [pid] = await holders(admin, schema);
        await admin.query(`SELECT pg_terminate_backend($1)`, [pid]);
        await waitFor("the writer to stop", () => writer.role() === "standby", 5_000);
        await waitFor("a writer again", () => writers().length === 1, 5_000);
      }
      await waitFor("the last writer at the head", () => writers()[0]?.indexer.status.indexedBlock === head, 30_000);
      sampling = false;
      await sampler;
      expect(overlaps).to.deep.equal([]);
      expect(samples).to.be.greaterThan(20);
      expect(await digests(started[0].db)).to.deep.equal(await directDigests(chain));
    });

    it("a database restart (every session ended): both survive, one writes again and reaches the head", async () => {
      const { chain } = flooded;
      // A database of its own: ending all of its sessions touches nothing else on the server.
      const name = `ha_restart_${process.pid}_${randomBytes(4).toString("hex")}`;
      await admin.query(`CREATE DATABASE "${name}"`);
      const databaseUrl = Object.assign(new URL(url), { pathname: `/${name}` }).href;
      try {
        const config = parseConfig({
          rpcUrl: chain.url,
          deployments: chain.deploymentsPath,
          databaseUrl,
          pollIntervalMs: 50,
          writerRetryMs: 200,
          logLevel: "silent",
        });
        const a = await startIndexer(config, silent);
        services.push(a);
        const b = await startIndexer(config, silent);
        services.push(b);
        const head = async () => Number(await rpc<string>(chain.url, "eth_blockNumber"));
        await waitFor("the writer to catch up", async () => a.indexer.status.indexedBlock === (await head()), 30_000);

        const seen = new Set<string>();
        let sampling = true;
        const sampler = (async () => {
          while (sampling) {
            seen.add(`a:${a.role()}`);
            if (a.role() === "writer" && b.role() === "writer") seen.add("two writers");
            await new Promise((r) => setTimeout(r, 5));
          }
        })();
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [name]);
        await waitFor("the writer to notice", () => seen.has("a:standby"), 5_000);
        await waitFor("a writer again", () => a.role() === "writer" || b.role() === "writer", 5_000);
        await floodTransfers(chain, 1, 5);
        const target = await head();
        const writer = () => (a.role() === "writer" ? a : b);
        await waitFor("the writer to reach the head", () => writer().indexer.status.indexedBlock === target, 30_000);
        sampling = false;
        await sampler;
        expect(seen.has("two writers")).to.equal(false);
        expect(await digests(writer().db)).to.deep.equal(await directDigests(chain));
      } finally {
        for (const service of services.splice(0)) await service.stop();
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }
    });
  });
});
