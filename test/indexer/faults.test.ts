import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { expect } from "chai";
import { openDatabase } from "../../src/indexer/db.js";
import { floodTransfers, platformScenario, startChain, type TestChain } from "./chain.js";
import { startFaultyProxy } from "./faulty-proxy.js";
import { createIndexer, digests, directDigests, indexerOptions, runVerify, testStores } from "./harness.js";

describe("indexer: faults", function () {
  this.timeout(180_000);
  let chain: TestChain;
  let expected: Record<string, string>;

  before(async () => {
    chain = await startChain();
    await platformScenario(chain);
    await floodTransfers(chain, 30, 100); // 9,000 transfers over 30 blocks
    expected = await directDigests(chain);
  });
  after(async () => chain?.stop());

  for (const store of testStores()) {
    it(`${store.name}: a node that drops, delays and fails a fifth of requests loses and duplicates nothing`, async () => {
      const proxy = await startFaultyProxy(chain.url, 0.2, 700);
      const db = await store.open();
      try {
        const options = indexerOptions(proxy.url, { requestTimeoutMs: 500, maxLogRange: 8, maxRetries: 50 });
        const indexer = await createIndexer(db, chain.deployments, options);
        for (;;) {
          try {
            await indexer.step();
            if (indexer.status.caughtUp) break;
          } catch {
            // What the run loop does: back off and try again (retries are exhausted rarely with maxRetries 50).
          }
        }
        expect(await digests(db)).to.deep.equal(expected);
        expect(proxy.faults.dropped).to.be.greaterThan(0);
        expect(proxy.faults.delayed).to.be.greaterThan(0);
        expect(proxy.faults.httpErrors).to.be.greaterThan(0);
        expect(proxy.faults.rpcErrors).to.be.greaterThan(0);
      } finally {
        await db.close();
        await proxy.stop();
        await store.cleanup();
      }
    });
  }

  /** Runs src/indexer/main.ts as a child process. */
  function runIndexer(env: Record<string, string>): {
    child: ChildProcess;
    batches: () => number;
    caughtUp: Promise<void>;
    exited: Promise<void>;
  } {
    const inherited = { ...process.env };
    delete inherited.DATABASE_URL; // PGlite unless the test passes DATABASE_URL itself
    const child = spawn(process.execPath, ["--import", "tsx", "src/indexer/main.ts"], {
      env: { ...inherited, ...env, LOG_LEVEL: "debug", PROGRESS: "log" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let batches = 0;
    let output = "";
    let onCaughtUp: () => void = () => undefined;
    const caughtUp = new Promise<void>((resolve) => (onCaughtUp = resolve));
    child.stderr?.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      output = (output + text).slice(-4000);
      batches += text.split('"batch committed"').length - 1;
      if (text.includes('"caught up"')) onCaughtUp();
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    void exited.then(() => {
      if (child.exitCode !== null && child.exitCode !== 0) process.stderr.write(output);
    });
    return { child, batches: () => batches, caughtUp, exited };
  }

  for (const store of testStores()) {
    it(`${store.name}: SIGKILL during backfill three times, then restart: every table equals an uninterrupted run`, async () => {
      const dataDir = join(chain.dir, `crash-${Date.now()}`);
      const schema = `crash_${process.pid}_${Date.now()}`;
      const env: Record<string, string> = {
        RPC_URL: chain.url,
        DEPLOYMENTS: chain.deploymentsPath,
        DATA_DIR: dataDir,
        MAX_LOG_RANGE: "2",
        MIN_LOG_RANGE: "1",
        POLL_INTERVAL_MS: "100",
      };
      if (store.name === "PostgreSQL")
        Object.assign(env, { DATABASE_URL: process.env.DATABASE_URL ?? "", DATABASE_SCHEMA: schema });
      const killedAt: number[] = [];
      for (let kill = 0; kill < 3; kill++) {
        const run = runIndexer(env);
        const target = 1 + Math.floor(Math.random() * 6);
        while (run.batches() < target) {
          if (run.child.exitCode !== null) throw new Error("indexer exited early");
          await new Promise((r) => setTimeout(r, 5));
        }
        run.child.kill("SIGKILL");
        await run.exited;
        killedAt.push(run.batches());
      }
      const final = runIndexer(env);
      await final.caughtUp;
      final.child.kill("SIGTERM");
      await final.exited;
      // The contracts' own views agree with the projections at the indexed block.
      const verified = await runVerify(env);
      expect(verified.code, verified.stderr).to.equal(0);
      expect(verified.stdout).to.match(/\nno drift\n$/);
      const db = await openDatabase(
        store.name === "PostgreSQL" ? { databaseUrl: process.env.DATABASE_URL, schema } : { dataDir },
      );
      try {
        expect(await digests(db)).to.deep.equal(expected);
      } finally {
        await db.close();
        await store.cleanup();
        if (store.name === "PostgreSQL") {
          const pg = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
          await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          await pg.close();
        }
      }
      expect(killedAt.every((n) => n >= 1)).to.equal(true);
    });
  }
});
