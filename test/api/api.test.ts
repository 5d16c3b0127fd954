import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import type { IndexerAndApi } from "../../src/api/start.js";
import { pollingFeed } from "../../src/api/feed.js";
import { buildApi, closeApi, loadRoutes } from "../../src/api/server.js";
import { databaseStatus } from "../../src/api/status.js";
import { platformScenario, startChain, type TestChain } from "../indexer/chain.js";
import { blockTimes, expectChainTimes, expectChainTimesEverywhere } from "./chain-time.js";
import { startChainApi, stopChainApi } from "./harness.js";

const TOKEN = "test-token-0123456789abcdef";

describe("API", function () {
  this.timeout(120_000);
  let chain: TestChain;
  let api: IndexerAndApi;
  let lastBlock: number;

  const get = async (path: string, token: string | null = TOKEN) => {
    const response = await fetch(api.url + path, {
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });
    const text = await response.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: response.status, body };
  };
  const ok = async (path: string) => {
    const { status, body } = await get(path);
    expect(status, `${path}: ${JSON.stringify(body)}`).to.equal(200);
    return body;
  };

  before(async () => {
    chain = await startChain();
    lastBlock = await platformScenario(chain);
    api = await startChainApi(chain, "api", { apiToken: TOKEN });
  });
  after(() => stopChainApi(api, chain));

  describe("access", () => {
    it("requires the bearer token when one is configured", async () => {
      expect((await get("/members", null)).status).to.equal(401);
      expect((await get("/members", "wrong-token-wrong-token")).status).to.equal(401);
      expect((await get("/metrics", null)).status).to.equal(401);
      expect((await get("/members")).status).to.equal(200);
    });
    it("leaves /health and /ready open for probes", async () => {
      expect(await get("/health", null)).to.deep.equal({ status: 200, body: { status: "ok" } });
      const ready = await get("/ready", null);
      expect(ready.status).to.equal(200);
      expect(ready.body).to.include({ ready: true, indexedBlock: lastBlock, headBlock: lastBlock });
    });
    it("listens on localhost", () => expect(api.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/));
    it("answers 404 for unknown routes", async () => expect((await get("/nope")).status).to.equal(404));
  });

  describe("members", () => {
    it("lists the directory with roles, status, accounts and nodes", async () => {
      const { items, nextCursor } = await ok("/members?limit=500");
      expect(items).to.have.length(11);
      expect(nextCursor).to.equal(null);
      const bankC = items.find((m: any) => m.name === "bankC");
      expect(bankC.roles).to.include("LC_BANK");
      expect(bankC.nodes.map((n: any) => n.enode)).to.deep.equal(["enode://c2@10.0.0.4:30303"]);
      const core = items.find((m: any) => m.name === "core");
      expect(core.accounts).to.have.length(2);
      expect(core.kind).to.equal("Enterprise");
    });
    it("filters by status, kind, role and name", async () => {
      expect((await ok("/members?status=Suspended")).items.map((m: any) => m.name)).to.deep.equal(["supplier3"]);
      expect((await ok("/members?kind=Bank")).items).to.have.length(3);
      expect((await ok("/members?role=AUDITOR")).items.map((m: any) => m.name)).to.deep.equal(["regulator"]);
      expect((await ok("/members?name=SUPP")).items).to.have.length(3);
    });
    it("sorts by name both ways", async () => {
      const asc = (await ok("/members?sort=name&limit=500")).items.map((m: any) => m.name);
      expect(asc).to.deep.equal([...asc].sort());
      const desc = (await ok("/members?sort=name&order=desc&limit=500")).items.map((m: any) => m.name);
      expect(desc).to.deep.equal([...asc].reverse());
    });
    it("pages with opaque cursors: every member once, last page has no cursor", async () => {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const body: any = await ok(`/members?limit=4&sort=name${cursor === null ? "" : `&cursor=${cursor}`}`);
        seen.push(...body.items.map((m: any) => m.id));
        cursor = body.nextCursor;
        pages++;
      } while (cursor !== null);
      expect(pages).to.equal(3);
      expect([...seen].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 11 }, (_, i) => i + 1));
      const exact = await ok("/members?limit=11");
      expect(exact.nextCursor).to.equal(null);
      const one = await ok("/members?limit=1");
      expect(one.items).to.have.length(1);
      expect(one.nextCursor).to.be.a("string");
    });
    it("reads a member, and its state as of an earlier block", async () => {
      const now = await ok(`/members/${chain.ids.supplier3}`);
      expect(now.status).to.equal("Suspended");
      const before = await ok(`/members/${chain.ids.supplier3}?asOf=${now.source.block - 1}`);
      expect(before.status).to.equal("Active");
      expect((await get(`/members/${chain.ids.supplier3}?asOf=1`)).status).to.equal(404); // not admitted yet
    });
    it("reads an account", async () => {
      const account = await ok(`/accounts/${chain.accounts.bankA.address}`);
      expect(account).to.include({ memberId: chain.ids.bankA, status: "Active", level: "Admin" });
    });
  });

  describe("governance", () => {
    it("lists proposals newest first, filters by status, and shows one with its votes", async () => {
      const { items } = await ok("/proposals");
      expect(items.map((p: any) => p.id)).to.deep.equal(["4", "3", "2", "1"]);
      expect((await ok("/proposals?status=Cancelled")).items.map((p: any) => p.id)).to.deep.equal(["4"]);
      const p1 = await ok("/proposals/1");
      expect(p1.status).to.equal("Executed");
      expect(p1.votes.map((v: any) => v.memberId)).to.deep.equal([chain.ids.bankA, chain.ids.bankB, chain.ids.bankC]);
      const early = await ok(`/proposals/1?asOf=${p1.created.block}`);
      expect(early.status).to.equal("Pending");
      expect(early.votes).to.have.length(1);
    });
    it("decodes each proposal's call with the suite's ABIs", async () => {
      const calls = (await ok("/proposals")).items.map((p: any) => p.call);
      expect(calls.map((c: any) => c?.text ?? null)).to.deep.equal([
        null, // "0x": no call
        "setVotingPeriod(172800)",
        `setRoles(${chain.ids.gov2}, 64)`,
        `suspendMember(${chain.ids.supplier3})`,
      ]);
      expect((await ok("/proposals/3")).call).to.deep.equal({
        function: "setVotingPeriod",
        args: { votingPeriod_: "172800" },
        text: "setVotingPeriod(172800)",
      });
    });
    it("shows the default voting period before governance changes it", async () => {
      const { body } = await get(`/governance?asOf=${(await ok("/proposals/3")).created.block}`);
      expect(body.votingPeriod).to.equal(7 * 86_400);
    });
    it("shows threshold, voting period and system contracts", async () => {
      const g = await ok("/governance");
      expect(g).to.deep.include({ threshold: 3, votingPeriod: 172_800 });
      expect(g.systemContracts).to.deep.equal([(await chain.flood.getAddress()).toLowerCase()]);
    });
  });

  describe("token", () => {
    it("lists balances by amount and reads an account's balances", async () => {
      const { items } = await ok("/token/balances?limit=500");
      const amounts = items.map((b: any) => BigInt(b.balance));
      expect(amounts).to.deep.equal([...amounts].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
      const [core] = await ok(`/accounts/${chain.accounts.core.address}/balances`);
      expect(core.balance).to.equal((await chain.token.balanceOf(chain.accounts.core.address)).toString());
      expect(
        (await ok(`/token/balances?minBalance=5000`)).items.every((b: any) => BigInt(b.balance) >= 5000n),
      ).to.equal(true);
    });
    it("lists an account's transfers by direction, pages them and reads supply", async () => {
      const incoming = await ok(`/token/transfers?account=${chain.accounts.supplier1.address}&direction=in&limit=500`);
      expect(incoming.items.every((t: any) => t.to === chain.accounts.supplier1.address.toLowerCase())).to.equal(true);
      const outgoing = await ok(`/token/transfers?account=${chain.accounts.supplier1.address}&direction=out`);
      expect(outgoing.items).to.have.length(1);
      expect(outgoing.items[0].amount).to.equal("300");
      const first = await ok(`/token/transfers?limit=3&order=asc`);
      const second = await ok(`/token/transfers?limit=3&order=asc&cursor=${first.nextCursor}`);
      expect(second.items[0].source.block * 1e6 + second.items[0].source.logIndex).to.be.greaterThan(
        first.items[2].source.block * 1e6 + first.items[2].source.logIndex,
      );
      const [supply] = await ok("/token/supply");
      expect(supply.supply).to.equal((await chain.token.totalSupply()).toString());
    });
  });

  describe("payments", () => {
    it("lists payments filtered by bank and reads one by reference", async () => {
      expect((await ok(`/payments?bank=${chain.ids.bankB}`)).items).to.have.length(1);
      const ref = keccak256(toUtf8Bytes("MT103-1"));
      const payment = await ok(`/payments/${ref}`);
      expect(payment).to.include({ reference: ref, amount: "777", payer: chain.ids.core, payee: chain.ids.supplier1 });
      expect((await ok("/payments?sort=amount&order=asc")).items.map((p: any) => p.amount)).to.deep.equal(["1", "777"]);
    });
  });

  describe("events, status, metrics, OpenAPI", () => {
    it("lists raw events filtered by contract and event", async () => {
      const { items } = await ok("/events?contract=ConsortiumRegistry&event=MemberAdmitted&limit=500");
      expect(items).to.have.length(11);
      expect(items[0].args.name).to.equal("bankA");
    });
    it("reports status and Prometheus metrics: the indexer's, request latency by route, process and GC", async () => {
      const status = await ok("/status");
      expect(status).to.include({ chainId: 1337, indexedBlock: lastBlock, lag: 0, ready: true });
      await ok("/members");
      const response = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.headers.get("content-type")).to.match(/^text\/plain; version=0\.0\.4/);
      const metrics = await response.text();
      const types: Record<string, string> = {
        consortia_indexer_indexed_block: "gauge",
        consortia_indexer_head_block: "gauge",
        consortia_indexer_head_lag_blocks: "gauge",
        consortia_indexer_events_total: "counter",
        consortia_indexer_events_per_second: "gauge",
        consortia_indexer_reorgs_total: "counter",
        consortia_indexer_ready: "gauge",
        consortia_api_request_duration_seconds: "histogram",
        process_cpu_user_seconds_total: "counter",
        process_resident_memory_bytes: "gauge",
        nodejs_eventloop_lag_seconds: "gauge",
        nodejs_heap_size_used_bytes: "gauge",
        nodejs_gc_duration_seconds: "histogram",
      };
      for (const [name, type] of Object.entries(types)) expect(metrics).to.include(`\n# TYPE ${name} ${type}\n`);
      const value = (name: string) => metrics.match(new RegExp(`^${name} (\\S+)$`, "m"))?.[1];
      expect(value("consortia_indexer_indexed_block")).to.equal(String(lastBlock));
      expect(value("consortia_indexer_head_block")).to.equal(String(lastBlock));
      expect(value("consortia_indexer_head_lag_blocks")).to.equal("0");
      expect(value("consortia_indexer_events_total")).to.equal(String(status.eventsTotal));
      expect(value("consortia_indexer_reorgs_total")).to.equal("0");
      expect(value("consortia_indexer_ready")).to.equal("1");
      expect(Number(value("process_cpu_user_seconds_total"))).to.be.above(0);
      // The test's own GET /members above is counted under its route pattern and status.
      const counted = metrics.match(
        /^consortia_api_request_duration_seconds_count\{(?=[^}]*route="\/members")(?=[^}]*method="GET")(?=[^}]*status="200")[^}]*\} (\d+)$/m,
      );
      expect(Number(counted?.[1])).to.be.at.least(1);
    });
    it("lets eventsPerSecond fall to 0 once indexing is idle", async () => {
      const realNow = Date.now;
      Date.now = () => realNow() + 10_001;
      try {
        expect(api.service.indexer.eventsPerSecond()).to.equal(0);
        expect((await ok("/status")).eventsPerSecond).to.equal(0);
        expect((await get("/metrics")).body).to.include("consortia_indexer_events_per_second 0\n");
      } finally {
        Date.now = realNow;
      }
      expect(api.service.indexer.eventsPerSecond(api.service.indexer.status.lastPollAt)).to.be.at.least(0);
    });
    it("serves an OpenAPI 3.1 document generated from the route schemas", async () => {
      const doc = await ok("/openapi.json");
      expect(doc.openapi).to.equal("3.1.0");
      for (const path of [
        "/members",
        "/members/{id}",
        "/proposals/{id}",
        "/token/transfers",
        "/payments/{reference}",
        "/events/stream",
      ]) {
        expect(doc.paths).to.have.property(path);
      }
      const limit = doc.paths["/members"].get.parameters.find((p: any) => p.name === "limit");
      expect(limit.schema).to.include({ maximum: 500 });
    });
  });

  describe("bad requests", () => {
    const cases: [string, number][] = [
      ["/members?limit=0", 400],
      ["/members?limit=501", 400],
      ["/members?limit=abc", 400],
      ["/members?status=Sleeping", 400],
      ["/members?role=SYSTEM", 400],
      ["/members?unknown=1", 400],
      ["/members?cursor=not-a-cursor", 400],
      ["/members?asOf=-1", 400],
      ["/members?asOf=999999999", 400],
      ["/members/0", 400],
      ["/members/abc", 400],
      ["/members/999", 404],
      ["/accounts/0x1234", 400],
      ["/accounts/0x000000000000000000000000000000000000dead", 404],
      ["/proposals/999", 404],
      ["/proposals/-1", 400],
      ["/payments/0x12", 400],
      [`/payments/${"0x" + "ab".repeat(32)}`, 404],
      ["/token/transfers?direction=sideways", 400],
      ["/events?contract=Drop%20Table", 400],
      ["/events/stream?contract=a-b", 400],
      // Client input never reaches the database unchecked (each of these answered 500 or 200 before).
      ["/members?name=%00", 400],
      ["/members?name=a%00b", 400],
      ["/members?asOf=", 400],
      ["/members?cursor=", 400],
      ["/members?limit=1&limit=2", 400],
      ["/members?status=Active&status=Suspended", 400],
      ["/members/0x1", 400],
      ["/members/1e3", 400],
      ["/members/01", 400],
      ["/members/+1", 400],
      ["/members/1.0", 400],
      ["/members/4294967296", 400],
      ["/members/%00", 400],
      ["/members?asOf=0x10", 400],
      ["/members?asOf=1e2", 400],
      ["/members?limit=%201", 400],
      [`/proposals/${2n ** 256n}`, 400],
      [`/proposals/${2n ** 256n - 1n}`, 404],
      [`/proposals/${"9".repeat(100)}`, 400],
      ["/token/transfers?fromBlock=5&toBlock=3", 400],
      ["/payments?fromBlock=10&toBlock=9", 400],
      ["/events?contract=NoSuchContract", 400],
      ["/events?event=NoSuchEvent", 400],
      ["/events/stream?contract=NoSuchContract", 400],
      ["/events/stream?contract=PaymentLedger&contract=DepositToken", 400],
      ["/events/stream?event=", 400],
    ];
    for (const [path, status] of cases) {
      it(`${path} → ${status}`, async () => {
        const response = await get(path);
        expect(response.status, JSON.stringify(response.body)).to.equal(status);
        expect(response.body.message).to.be.a("string");
      });
    }
    it("names the parameter in the message", async () => {
      expect((await get("/members?limit=1&limit=2")).body.message).to.equal("limit: given more than once");
      expect((await get("/members?asOf=")).body.message).to.equal("asOf: empty value");
      expect((await get("/members?name=%00")).body.message).to.equal("name: contains a NUL character");
      expect((await get("/members/0x1")).body.message).to.match(/^id: expected a decimal integer/);
      expect((await get("/token/transfers?fromBlock=5&toBlock=3")).body.message).to.equal(
        "fromBlock: 5 is after toBlock 3",
      );
      expect((await get("/events?contract=NoSuchContract")).body.message).to.match(/^contract: unknown contract/);
    });
    it("answers 400 to forged and corrupted cursors of the right shape", async () => {
      const forge = (k: unknown, v: unknown) => Buffer.from(JSON.stringify({ k, v })).toString("base64url");
      const { nextCursor } = await ok("/members?limit=2");
      const real = JSON.parse(Buffer.from(nextCursor, "base64url").toString());
      const balances = JSON.parse(
        Buffer.from((await ok("/token/balances?limit=1")).nextCursor, "base64url").toString(),
      );
      const forged: [string, string][] = [
        ["/members", forge(real.k, ["abc"])],
        ["/members", forge(real.k, [{ a: 1 }])],
        ["/members", forge(real.k, [1e300])],
        ["/members", forge(real.k, [1.5])],
        ["/members", forge(real.k, [null])],
        ["/members", forge(real.k, [])],
        ["/members", forge(real.k, [1, 2])],
        ["/members", forge(real.k, "1")],
        ["/members", forge(7, [1])],
        ["/members", Buffer.from("[1,2]").toString("base64url")],
        ["/members", Buffer.from("null").toString("base64url")],
        ["/token/balances", forge(balances.k, [{}, "a", "b"])],
        ["/token/balances", forge(balances.k, ["1e5", "a", "b"])],
        ["/token/balances", forge(balances.k, [1, "a", "b"])],
        ["/token/balances", forge(balances.k, ["9".repeat(100), "a", "b"])],
        ["/token/balances", forge(balances.k, ["1", "a\u0000", "b"])],
        ["/token/balances", forge(balances.k, ["1", ["a"], "b"])],
        ["/proposals", forge(real.k, [1])],
      ];
      for (const [path, cursor] of forged) {
        const response = await get(`${path}?limit=2&cursor=${cursor}`);
        expect(response.status, `${path} ${Buffer.from(cursor, "base64url").toString()}`).to.equal(400);
        expect(response.body.message).to.match(/^cursor: /);
      }
      expect((await get(`/members?limit=2&cursor=${forge(real.k, [3])}`)).status).to.equal(200);
    });
    it("rejects a cursor from another sort order", async () => {
      const { nextCursor } = await ok("/members?limit=2&sort=name");
      expect((await get(`/members?limit=2&sort=id&cursor=${nextCursor}`)).status).to.equal(400);
    });
  });

  describe("Server-Sent Events", () => {
    it("delivers a newly projected event, filtered by contract and event", async () => {
      const controller = new AbortController();
      const response = await fetch(`${api.url}/events/stream?contract=PaymentLedger&event=OffChainPaymentRecorded`, {
        headers: { authorization: `Bearer ${TOKEN}` },
        signal: controller.signal,
      });
      expect(response.headers.get("content-type")).to.match(/text\/event-stream/);
      const reader = response.body!.getReader();
      const ref = keccak256(toUtf8Bytes("SSE-1"));
      await (await chain.token.connect(chain.accounts.core).transfer(chain.accounts.supplier1.address, 1n)).wait();
      await (
        await chain.flood.connect(chain.accounts.bankA).recordPayment(chain.ids.core, chain.ids.supplier1, 3n, ref)
      ).wait();
      let text = "";
      const deadline = Date.now() + 10_000;
      while (!text.includes("data: {") && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      controller.abort();
      const data = JSON.parse(text.split("data: ")[1].split("\n")[0]);
      expect(data).to.include({ contract: "PaymentLedger", event: "OffChainPaymentRecorded" });
      expect(await expectChainTimes(data, blockTimes(chain.url), "SSE event")).to.equal(1);
      expect(data.args.paymentReference).to.equal(ref);
      expect(text).to.match(/id: \d+:\d+/);
    });
    it("replays events after Last-Event-ID", async () => {
      const controller = new AbortController();
      const response = await fetch(`${api.url}/events/stream?event=MemberAdmitted`, {
        headers: { authorization: `Bearer ${TOKEN}`, "last-event-id": "0:0" },
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      let text = "";
      while ((text.match(/data: /g) ?? []).length < 11) text += new TextDecoder().decode((await reader.read()).value);
      controller.abort();
      expect((text.match(/data: /g) ?? []).length).to.equal(11);
    });
  });

  describe("chain time", () => {
    it("every row source and event of every list carries its block's time in seconds and ISO 8601", async () => {
      const counts = await expectChainTimesEverywhere(ok, chain.url, ["/proposals/1", "/members/1"]);
      for (const path of ["/events", "/members", "/proposals", "/token/transfers", "/payments"])
        expect(counts[path], path).to.be.greaterThan(0);
    });
    it("/status shows the indexed block's time", async () => {
      const status = await ok("/status");
      const time = await blockTimes(chain.url)(status.indexedBlock);
      expect(status).to.include({ indexedTime: time, indexedDate: new Date(time * 1000).toISOString() });
    });
    it("asOf takes a date: the state as of the last block at or before it", async () => {
      const events = (await ok("/events?limit=500")).items as { blockNumber: number; time: number; date: string }[];
      const middle = events[Math.floor(events.length / 2)];
      const block = Math.max(...events.filter((e) => e.time <= middle.time).map((e) => e.blockNumber));
      const byBlock = await ok(`/members?asOf=${block}&limit=500`);
      expect(await ok(`/members?asOf=${encodeURIComponent(middle.date)}&limit=500`)).to.deep.equal(byBlock);
      const offset = new Date(middle.time * 1000 + 8 * 3_600_000).toISOString().replace(".000Z", "+08:00");
      expect(await ok(`/members?asOf=${encodeURIComponent(offset)}&limit=500`)).to.deep.equal(byBlock);
      // Before the first event: nothing yet. After the indexed block's time: not indexed yet.
      expect((await ok("/members?asOf=2000-01-01")).items).to.deep.equal([]);
      const later = new Date((events.at(-1)!.time + 3_600) * 1000).toISOString();
      const future = await get(`/members?asOf=${encodeURIComponent(later)}`);
      expect(future.status).to.equal(400);
      expect(future.body.message).to.match(/asOf: .* is not indexed yet \(indexed up to /);
    });
    it("refuses dates that are not real or have no offset", async () => {
      for (const value of ["2025-02-30", "2025-06-30T24:00:00Z", "2025-06-30T12:00:00", "30/06/2025", "1969-12-31"]) {
        const answer = await get(`/members?asOf=${encodeURIComponent(value)}`);
        expect(answer.status, value).to.equal(400);
        expect(answer.body.message, value).to.match(/asOf/);
      }
    });
  });

  describe("shutdown", () => {
    it("ends open event streams so that closing does not wait for their clients", async () => {
      const feed = pollingFeed(api.service.db, 50);
      const apart = await buildApi({
        auth: "off",
        db: api.service.db,
        status: databaseStatus(api.service.db, 0),
        feed,
        routes: [],
      });
      const url = await apart.listen({ host: "127.0.0.1", port: 0 });
      const response = await fetch(`${url}/events/stream`);
      const reader = response.body!.getReader();
      await reader.read(); // the stream is open
      const started = Date.now();
      await closeApi(apart, 10_000);
      expect(Date.now() - started).to.be.lessThan(2_000);
      let done = false;
      while (!done) done = (await reader.read()).done;
      feed.close();
    });
    it("bounds the wait for a request that does not finish", async () => {
      const apart = await buildApi({
        auth: "off",
        db: api.service.db,
        status: databaseStatus(api.service.db, 0),
        feed: pollingFeed(api.service.db, 50),
        routes: [],
      });
      apart.get("/slow", () => new Promise(() => {})); // never answers
      const url = await apart.listen({ host: "127.0.0.1", port: 0 });
      const pending = fetch(`${url}/slow`).catch((error: unknown) => error);
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      await closeApi(apart, 300);
      expect(Date.now() - started).to.be.within(250, 2_000);
      expect(await pending).to.be.instanceOf(Error);
    });
  });

  describe("API apart from the indexer (reads the database only)", () => {
    it("reports readiness from the checkpoint row and streams new events by polling the events table", async () => {
      const feed = pollingFeed(api.service.db, 50);
      const apart = await buildApi({
        auth: "off",
        db: api.service.db,
        status: databaseStatus(api.service.db, 0),
        feed,
        routes: await loadRoutes(),
      });
      const url = await apart.listen({ host: "127.0.0.1", port: 0 });
      try {
        await new Promise((r) => setTimeout(r, 2_100)); // the idle indexer refreshes its head row every 2 s
        const ready = await fetch(`${url}/ready`);
        expect(ready.status).to.equal(200);
        expect(((await (await fetch(`${url}/status`)).json()) as { indexedBlock: number }).indexedBlock).to.equal(
          api.service.indexer.status.indexedBlock,
        );
        const controller = new AbortController();
        const response = await fetch(`${url}/events/stream?contract=PaymentLedger`, { signal: controller.signal });
        const reader = response.body!.getReader();
        await new Promise((r) => setTimeout(r, 200)); // let the feed note where the table ends
        const ref = keccak256(toUtf8Bytes("SSE-apart"));
        await (
          await chain.flood.connect(chain.accounts.bankA).recordPayment(chain.ids.core, chain.ids.supplier1, 4n, ref)
        ).wait();
        let text = "";
        while (!text.includes(ref)) text += new TextDecoder().decode((await reader.read()).value);
        controller.abort();
        expect(text).to.include("OffChainPaymentRecorded");
        const data = JSON.parse(text.slice(text.lastIndexOf("data: ") + 6).split("\n")[0]);
        expect(await expectChainTimes(data, blockTimes(chain.url), "polled SSE event")).to.equal(1);
        const status = (await (await fetch(`${url}/status`)).json()) as { indexedBlock: number; indexedTime: number };
        expect(status.indexedTime).to.equal(await blockTimes(chain.url)(status.indexedBlock));
      } finally {
        feed.close();
        await apart.close();
      }
    });
  });
});
