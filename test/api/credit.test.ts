import { expect } from "chai";
import type { IndexerAndApi } from "../../src/api/start.js";
import { API_TOKEN, appsApi, appsChain, type Apps } from "../indexer/apps-chain.js";
import { SUBJECTS } from "../indexer/credit-scenario.js";
import { expectChainTimesEverywhere } from "./chain-time.js";

describe("API: credit blacklist", function () {
  this.timeout(120_000);
  let apps: Apps;
  let api: IndexerAndApi;
  /** The chain's clock (ahead of the wall clock: the scenarios advance it by months). */
  let chainNow: number;

  const get = async (path: string) => {
    const response = await fetch(api.url + path, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    return { status: response.status, body: (await response.json()) as any };
  };
  const ok = async (path: string) => {
    const { status, body } = await get(path);
    expect(status, `${path}: ${JSON.stringify(body)}`).to.equal(200);
    return body;
  };
  const { person, company, shortLived, unknown } = SUBJECTS;

  before(async () => {
    apps = await appsChain();
    api = await appsApi();
    chainNow = (await apps.chain.provider.getBlock("latest"))!.timestamp;
  });

  describe("GET /credit/subjects/:subjectKey/entries", () => {
    it("lists a subject's entries newest first with status, version, hashes and dispute state", async () => {
      const { items, nextCursor } = await ok(`/credit/subjects/${person}/entries`);
      expect(nextCursor).to.equal(null);
      expect(items.map((e: any) => [e.number, e.status, e.version])).to.deep.equal([
        [2, "Withdrawn", 1],
        [1, "Active", 3],
      ]);
      const e1 = items[1];
      const onChain = await apps.chain.blacklist.entry(person, 1);
      expect(e1).to.include({
        reporter: apps.chain.ids.bankA,
        subjectKind: "Person",
        category: "JudgmentDebtor",
        severity: 5,
        expiresAt: Number(onChain.expiresAt),
        listed: true,
      });
      expect(e1.payloadHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(e1.dispute).to.deep.equal({
        state: "Upheld",
        disputer: apps.chain.ids.agency,
        version: 3,
        reasonHash: e1.dispute.reasonHash,
      });
    });
    it("filters by status, reporter, category and listed (expiry compared with `at`)", async () => {
      const numbers = async (q: string) =>
        (await ok(`/credit/subjects/${person}/entries?${q}`)).items.map((e: any) => e.number);
      expect(await numbers("status=Withdrawn")).to.deep.equal([2]);
      expect(await numbers(`reporter=${apps.chain.ids.bankB}`)).to.deep.equal([2]);
      expect(await numbers("category=JudgmentDebtor")).to.deep.equal([1]);
      expect(await numbers("listed=true")).to.deep.equal([1]);
      expect(await numbers("listed=false")).to.deep.equal([2]);
      const short = (q: string) => ok(`/credit/subjects/${shortLived}/entries?${q}`);
      expect((await short(`listed=true&at=${chainNow}`)).items).to.deep.equal([]); // expired on chain time
      expect((await short(`at=${chainNow}`)).items[0]).to.include({ status: "Active", listed: false });
    });
    it("compares expiry with the chain's latest block time by default, not the server clock; `at` takes a date", async () => {
      const short = (q: string) => ok(`/credit/subjects/${shortLived}/entries?${q}`);
      const status = await ok("/status");
      expect(status.indexedTime).to.equal(chainNow);
      // The entry expired on chain time (the scenarios move it months ahead), not on the wall clock.
      expect((await short("")).items[0]).to.include({ status: "Active", listed: false });
      expect((await short(`at=${Math.floor(Date.now() / 1000)}`)).items[0]).to.include({ listed: true });
      expect(await short(`at=${encodeURIComponent(status.indexedDate)}`)).to.deep.equal(await short(""));
      const clock = new Date().toISOString().slice(0, 10);
      expect((await short(`at=${clock}`)).items[0]).to.include({ listed: true });
    });
    it("pages with cursors and reads as of a block", async () => {
      const first = await ok(`/credit/subjects/${person}/entries?limit=1`);
      expect(first.items.map((e: any) => e.number)).to.deep.equal([2]);
      const second = await ok(`/credit/subjects/${person}/entries?limit=1&cursor=${first.nextCursor}`);
      expect(second.items.map((e: any) => e.number)).to.deep.equal([1]);
      expect(second.nextCursor).to.equal(null);
      const asc = await ok(`/credit/subjects/${person}/entries?order=asc`);
      expect(asc.items.map((e: any) => e.number)).to.deep.equal([1, 2]);
      const early = await ok(`/credit/subjects/${person}/entries?asOf=${apps.credit.firstReportBlock}`);
      expect(early.items.map((e: any) => [e.number, e.version, e.severity])).to.deep.equal([[1, 1, 3]]);
    });
    it("answers an empty list for a subject never reported", async () => {
      expect(await ok(`/credit/subjects/${unknown}/entries`)).to.deep.equal({ items: [], nextCursor: null });
    });
  });

  describe("GET /credit/subjects/:subjectKey/entries/:number", () => {
    it("answers an entry with every version's hashes and its disputes", async () => {
      const e = await ok(`/credit/subjects/${person}/entries/1`);
      expect(e.versions.map((v: any) => [v.version, v.severity])).to.deep.equal([
        [1, 3],
        [2, 4],
        [3, 5],
      ]);
      expect(e.versions[2].payloadHash).to.equal(e.payloadHash);
      expect(e.versions[0].payloadHash).to.not.equal(e.payloadHash);
      expect(e.disputes.map((d: any) => [d.action, d.memberId, d.resolution])).to.deep.equal([
        ["Disputed", apps.chain.ids.bankB, null],
        ["Resolved", apps.chain.ids.regulator, "Upheld"],
        ["Disputed", apps.chain.ids.agency, null],
        ["Resolved", null, "Upheld"],
      ]);
      const revoked = await ok(`/credit/subjects/${company}/entries/1`);
      expect(revoked).to.include({ status: "Revoked", listed: false });
      expect(revoked.revokeReasonHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(revoked.disputes.map((d: any) => d.action)).to.deep.equal(["Disputed", "EndedByRevocation"]);
    });
    it("reads an entry as of its first version", async () => {
      const e = await ok(`/credit/subjects/${person}/entries/1?asOf=${apps.credit.firstReportBlock}`);
      expect(e).to.include({ version: 1, severity: 3, category: "Default" });
      expect(e.versions).to.have.length(1);
      expect(e.disputes).to.deep.equal([]);
    });
  });

  describe("GET /credit/entries", () => {
    it("lists entries across subjects by reporter, status and dispute state", async () => {
      const ofAgency = await ok(`/credit/entries?reporter=${apps.chain.ids.agency}&order=asc`);
      expect(ofAgency.items.map((e: any) => e.subjectKey)).to.deep.equal([company, shortLived]);
      const revoked = await ok("/credit/entries?disputeState=Revoked");
      expect(revoked.items.map((e: any) => e.subjectKey)).to.deep.equal([company]);
      expect((await ok("/credit/entries?status=Active&limit=500")).items).to.have.length(2);
    });
  });

  describe("query log", () => {
    it("lists a member's queries for auditors, newest first, filtered by subject and blocks", async () => {
      const { ids } = apps.chain;
      const log = await ok(`/credit/members/${ids.bankC}/queries`);
      expect(log.items.map((q: any) => [q.cursor, q.nextCursor, q.shown])).to.deep.equal([
        [1, 0, 1],
        [0, 1, 0],
      ]);
      expect(log.items[0]).to.include({
        subjectKey: person,
        consentHash: apps.credit.consent,
        account: apps.chain.accounts.bankC.address.toLowerCase(),
      });
      const asc = await ok(`/credit/members/${ids.bankC}/queries?order=asc&limit=1`);
      expect(asc.items[0].cursor).to.equal(0);
      expect(
        (await ok(`/credit/members/${ids.bankC}/queries?cursor=${asc.nextCursor}&order=asc`)).items,
      ).to.have.length(1);
      expect((await ok(`/credit/members/${ids.bankC}/queries?subjectKey=${company}`)).items).to.deep.equal([]);
      const later = await ok(`/credit/members/${ids.bankC}/queries?fromBlock=${log.items[0].source.block}`);
      expect(later.items).to.have.length(1);
      expect((await ok(`/credit/members/${ids.regulator}/queries`)).items).to.deep.equal([]);
    });
    it("lists the queries of a subject key, filtered by querier", async () => {
      const { ids } = apps.chain;
      const log = await ok(`/credit/subjects/${shortLived}/queries`);
      expect(log.items.map((q: any) => [q.querier, q.shown])).to.deep.equal([
        [ids.bankA, 0],
        [ids.bankA, 1],
      ]);
      expect((await ok(`/credit/subjects/${person}/queries?querier=${ids.bankA}`)).items).to.deep.equal([]);
    });
  });

  describe("bad requests and unknown ids", () => {
    const cases: [string, number][] = [
      [`/credit/subjects/${person}/entries/9`, 404],
      [`/credit/subjects/${person}/entries/0`, 400],
      [`/credit/subjects/${unknown}/entries/1`, 404],
      [`/credit/subjects/0x1234/entries`, 400],
      [`/credit/subjects/${person}/entries?status=Listed`, 400],
      [`/credit/subjects/${person}/entries?listed=yes`, 400],
      [`/credit/subjects/${person}/entries?at=-5`, 400],
      [`/credit/subjects/${person}/entries?asOf=999999999`, 400],
      [`/credit/subjects/${person}/entries?cursor=zz`, 400],
      [`/credit/entries?category=Gambling`, 400],
      [`/credit/members/0/queries`, 400],
      [`/credit/members/1/queries?account=0xabc`, 400],
      [`/credit/subjects/${person}/queries?querier=x`, 400],
      [`/credit/subjects/${person}/queries?limit=0`, 400],
    ];
    for (const [path, status] of cases) {
      it(`${path.replace(person, "<person>")} → ${status}`, async () =>
        expect((await get(path)).status).to.equal(status));
    }
  });

  it("documents its endpoints in the OpenAPI document", async () => {
    const doc = await ok("/openapi.json");
    for (const path of [
      "/credit/subjects/{subjectKey}/entries",
      "/credit/subjects/{subjectKey}/entries/{number}",
      "/credit/entries",
      "/credit/members/{id}/queries",
      "/credit/subjects/{subjectKey}/queries",
    ])
      expect(doc.paths).to.have.property(path);
  });

  describe("chain time", () => {
    it("every source carries its block's time: entries, versions, member and subject query logs", async () => {
      const ids = apps.chain.ids;
      await expectChainTimesEverywhere(ok, apps.chain.url, [
        `/credit/subjects/${person}/entries`,
        `/credit/subjects/${person}/entries/1`,
        `/credit/members/${ids.bankC}/queries`,
        `/credit/subjects/${shortLived}/queries`,
      ]);
    });
  });
});
