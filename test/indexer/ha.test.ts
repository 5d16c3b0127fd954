/**
 * High availability on PostgreSQL with real processes and real signals: two `src/api/main.ts --with-indexer` (what
 * `consortia serve --with-indexer` runs) and one API replica on one fresh schema. One writes, the other waits; the
 * writer is SIGKILLed and the standby takes over within seconds, and the index it completes equals the chain.
 */
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { execa, type ResultPromise } from "execa";
import pg from "pg";
import { openDatabase } from "../../src/indexer/db.js";
import { floodTransfers, platformScenario, startChain, type TestChain } from "./chain.js";
import { digests, directDigests, runVerify } from "./harness.js";
import { freePort, rpc } from "../helpers/node-process.js";

const url = process.env.DATABASE_URL ?? "";

interface Status {
  role: string;
  indexedBlock: number;
  headBlock: number;
  ready: boolean;
}

interface Service {
  name: string;
  child: ResultPromise;
  port: number;
  status(): Promise<Status | undefined>;
  metrics(): Promise<string>;
}

(url === "" ? describe.skip : describe)("indexer: writer and standby processes on PostgreSQL", function () {
  this.timeout(120_000);
  let chain: TestChain;
  const schema = `ha_e2e_${process.pid}_${randomBytes(4).toString("hex")}`;
  const services: Service[] = [];

  before(async () => {
    chain = await startChain();
    await platformScenario(chain);
    await floodTransfers(chain, 4, 10);
  });
  after(async () => {
    for (const service of services) service.child.kill("SIGKILL");
    await Promise.all(services.map((s) => s.child.catch(() => undefined)));
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
    await chain?.stop();
  });

  const env = () => ({
    RPC_URL: chain.url,
    DEPLOYMENTS: chain.deploymentsPath,
    DATABASE_URL: url,
    DATABASE_SCHEMA: schema,
  });

  async function start(name: string, args: string[]): Promise<Service> {
    const port = await freePort();
    const child = execa(process.execPath, ["--import", "tsx", "src/api/main.ts", ...args], {
      env: { ...env(), API_PORT: String(port), POLL_INTERVAL_MS: "100", LOG_LEVEL: "warn" },
      reject: false,
      all: true,
    });
    const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2_000) });
    const service: Service = {
      name,
      child,
      port,
      async status() {
        try {
          return (await (await get("/status")).json()) as Status;
        } catch {
          return undefined; // not listening (yet, or any more)
        }
      },
      async metrics() {
        return (await get("/metrics")).text();
      },
    };
    services.push(service);
    return service;
  }

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) {
        const output = await Promise.all(services.map(async (s) => `${s.name}: ${(s.child as { all?: string }).all}`));
        throw new Error(`timed out waiting for ${what}\n${output.join("\n")}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const head = async () => Number(await rpc<string>(chain.url, "eth_blockNumber"));
  /** The service's status once it reports `role` at `block` (undefined before). */
  const at = (service: Service, role: string, block: number) => async () => {
    const status = await service.status();
    return status?.role === role && status.indexedBlock === block ? status : undefined;
  };

  it("one writes and one waits; SIGKILL the writer: the standby writes within seconds and its index equals the chain", async () => {
    const first = await start("first", ["--with-indexer"]);
    // The second starts once the first holds the lock, so that which one writes is known.
    await waitFor(
      "the first to write",
      async () => ((await first.status())?.role === "writer" ? true : undefined),
      60_000,
    );
    const second = await start("second", ["--with-indexer"]);
    const replica = await start("replica", []);
    await waitFor("the second to answer", () => second.status(), 60_000);
    await waitFor("the replica to answer", () => replica.status(), 60_000);

    // Sampled all along: never two processes reporting `writer` at once.
    const overlaps: string[] = [];
    let samples = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const roles = await Promise.all([first, second].map(async (s) => (await s.status())?.role));
        if (roles.filter((r) => r === "writer").length > 1) overlaps.push(roles.join(","));
        samples++;
        await new Promise((r) => setTimeout(r, 25));
      }
    })();

    await floodTransfers(chain, 2, 10);
    let target = await head();
    await waitFor("the writer at the head", at(first, "writer", target), 30_000);
    // The standby and the replica serve the writer's progress from the database, and are ready.
    const standby = await waitFor("the standby at the head", at(second, "standby", target), 10_000);
    const reading = await waitFor("the replica at the head", at(replica, "replica", target), 10_000);
    expect([standby.ready, reading.ready]).to.deep.equal([true, true]);
    expect((await fetch(`http://127.0.0.1:${second.port}/ready`)).status).to.equal(200);
    expect(await first.metrics()).to.include("consortia_indexer_writer 1\n");
    expect(await second.metrics()).to.include("consortia_indexer_writer 0\n");
    expect(await replica.metrics()).to.include("consortia_indexer_writer 0\n");

    first.child.kill("SIGKILL");
    const killedAt = Date.now();
    await first.child;
    // New events while nobody writes: the standby must pick them up from the checkpoint the writer left.
    const flood = floodTransfers(chain, 2, 10);
    const tookOver = await waitFor(
      "the standby to take over",
      async () => {
        const status = await second.status();
        return status?.role === "writer" ? status : undefined;
      },
      10_000,
    );
    const failoverMs = Date.now() - killedAt;
    // README "High availability" quotes this line.
    console.log(`      failover: the standby reported writer ${failoverMs} ms after the writer's SIGKILL`);
    // It resumed from the checkpoint the killed writer left: no wipe, no re-index from the deployment block.
    expect(tookOver.indexedBlock).to.be.at.least(target);
    await flood;
    target = await head();
    await waitFor("the new writer at the head", at(second, "writer", target), 20_000);
    await waitFor("the replica at the head", at(replica, "replica", target), 10_000);
    sampling = false;
    await sampler;
    expect(overlaps).to.deep.equal([]);
    expect(samples).to.be.greaterThan(10);
    // Default WRITER_RETRY_MS (1 s): the lock frees as the killed session ends, the standby takes it at its next try.
    expect(failoverMs).to.be.below(5_000);

    const verified = await runVerify(env());
    expect(verified.code, verified.stderr).to.equal(0);
    expect(verified.stdout).to.match(/\nno drift\n$/);
    const db = await openDatabase({ databaseUrl: url, schema });
    try {
      expect(await digests(db)).to.deep.equal(await directDigests(chain));
    } finally {
      await db.close();
    }
  });
});
