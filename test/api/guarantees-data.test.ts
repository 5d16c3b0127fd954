import { expect } from "chai";
import { replayAccessChain } from "../../src/indexer/projections/data-sharing.js";
import { IndexCache } from "../../src/api/cache.js";
import { chainReader } from "../../src/api/chain.js";
import { indexerFeed } from "../../src/api/feed.js";
import type { Queryable } from "../../src/indexer/db.js";
import type { ChainTrail } from "../../src/indexer/verify/data-sharing.js";
import { buildApi, loadRoutes } from "../../src/api/server.js";
import type { IndexerAndApi } from "../../src/api/start.js";
import { indexerStatus } from "../../src/api/status.js";
import { startChain, type TestChain } from "../indexer/chain.js";
import { DAY, guaranteesAndDataScenario, h, type AppsC } from "../indexer/guarantees-data-scenario.js";
import { expectChainTimesEverywhere } from "./chain-time.js";
import { startChainApi, stopChainApi } from "./harness.js";

describe("API: guarantees and data sharing", function () {
  this.timeout(120_000);
  let chain: TestChain;
  let api: IndexerAndApi;
  let apps: AppsC;

  const get = async (path: string) => {
    const response = await fetch(api.url + path);
    const body: any = await response.json().catch(() => undefined);
    return { status: response.status, body };
  };
  const ok = async (path: string) => {
    const { status, body } = await get(path);
    expect(status, `${path}: ${JSON.stringify(body)}`).to.equal(200);
    return body;
  };
  const status = async (path: string) => (await get(path)).status;
  /** Every item of a list, page by page; checks the last page has no cursor. */
  const all = async (path: string, limit: number) => {
    const items: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const sep = path.includes("?") ? "&" : "?";
      const body: any = await ok(`${path}${sep}limit=${limit}${cursor === null ? "" : `&cursor=${cursor}`}`);
      items.push(...body.items);
      cursor = body.nextCursor;
      pages++;
    } while (cursor !== null);
    return { items, pages };
  };

  before(async () => {
    chain = await startChain();
    apps = await guaranteesAndDataScenario(chain);
    api = await startChainApi(chain, "api_c");
  });
  after(() => stopChainApi(api, chain));

  describe("guarantees", () => {
    it("lists guarantees newest first, pages through them, and sorts by amount and expiry", async () => {
      const { items, pages } = await all("/guarantees", 3);
      expect(pages).to.equal(3);
      expect(items.map((g: any) => g.id)).to.deep.equal(["7", "6", "5", "4", "3", "2", "1"]);
      expect((await ok("/guarantees?limit=7")).nextCursor).to.equal(null);
      expect((await ok("/guarantees?limit=6")).nextCursor).to.be.a("string");
      const byAmount = (await ok("/guarantees?sort=amount&order=asc")).items.map((g: any) => BigInt(g.amount));
      expect(byAmount).to.deep.equal([...byAmount].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      const byExpiry = (await ok("/guarantees?sort=expiry&order=desc")).items.map((g: any) => g.expiry);
      expect(byExpiry).to.deep.equal([...byExpiry].sort((a, b) => b - a));
      const first = await ok("/guarantees?sort=amount&limit=2");
      expect(await status(`/guarantees?sort=expiry&cursor=${first.nextCursor}`)).to.equal(400);
    });

    it("filters by party, role, state and kind", async () => {
      const { ids: m } = chain;
      const ids = (body: any) => body.items.map((g: any) => g.id);
      expect(ids(await ok(`/guarantees?party=${m.bankB}`))).to.deep.equal(["7", "5"]);
      expect(ids(await ok(`/guarantees?party=${m.supplier2}`))).to.deep.equal(["7", "5"]);
      expect(ids(await ok(`/guarantees?applicant=${m.core}`))).to.deep.equal(["7", "5"]);
      expect(ids(await ok(`/guarantees?beneficiary=${m.core}&guarantor=${m.bankA}`))).to.have.length(5);
      expect(ids(await ok("/guarantees?state=Exhausted"))).to.deep.equal(["4"]);
      expect(ids(await ok("/guarantees?kind=Bid"))).to.deep.equal(["3", "2"]);
      expect(ids(await ok(`/guarantees?party=${m.regulator}`))).to.deep.equal([]);
    });

    it("shows a guarantee with amendments, availability after the reduction step, as the contract computes it", async () => {
      const { guarantees, ids } = apps;
      const g = await ok(`/guarantees/1?at=${apps.now}`);
      const verify = await guarantees.verify(apps.refs.g1);
      expect(g).to.include({
        state: "Issued",
        amount: "1200000",
        paid: "200000",
        available: verify.available.toString(),
        amountAt: verify.amount.toString(),
        inForce: verify.inForce,
        currency: "CNY",
        referenceId: apps.refs.g1,
      });
      expect(g.amendments.map((a: any) => a.state)).to.deep.equal(["Accepted", "Withdrawn", "Refused"]);
      expect(g.pendingAmendment).to.equal(null);
      const later = apps.now + 40 * DAY;
      const reduced = await ok(`/guarantees/1?at=${later}`);
      expect(reduced.amountAt).to.equal((await guarantees.amountAt(ids.g1, later)).toString());
      expect(reduced.available).to.equal("400000");
      const expired = await ok(`/guarantees/1?at=${g.expiry + 1}`);
      expect(expired.inForce).to.equal(false);
    });

    it("reads a guarantee as of an earlier block", async () => {
      const before = await ok(`/guarantees/1?asOf=${apps.marks.g1Issued}`);
      expect(before).to.include({ state: "Issued", amount: "1000000" });
      expect(before.amendments).to.deep.equal([]);
      expect((await ok(`/guarantees/1?asOf=${apps.marks.g1Claimed}`)).state).to.equal("Claimed");
      expect(await status(`/guarantees/1?asOf=${chain.deployments.deploymentBlock}`)).to.equal(404);
      // Its lists: an empty page of a guarantee that exists is 200, of one that does not exist yet 404.
      expect((await ok(`/guarantees/1/claims?asOf=${apps.marks.g1Issued}`)).items).to.deep.equal([]);
      expect(await status(`/guarantees/1/claims?asOf=${chain.deployments.deploymentBlock}`)).to.equal(404);
      expect(await status(`/guarantees/1/timeline?asOf=${chain.deployments.deploymentBlock}`)).to.equal(404);
    });

    it("verifies by reference id: genuine, in force, available; 404 for a reference no bank issued", async () => {
      const v = await ok(`/guarantees/by-reference/${apps.refs.g1}?at=${apps.now}`);
      expect(v).to.include({ genuine: true, id: "1", inForce: true, available: "1000000" });
      // Who issued it, by name: the verifier may not read the member directory.
      expect(v.guarantorName)
        .to.be.a("string")
        .and.equal((await ok(`/members/${v.guarantor}`)).name);
      const exhausted = await ok(`/guarantees/by-reference/${apps.refs.g4}`);
      expect(exhausted).to.include({ state: "Exhausted", inForce: false, available: "0" });
      const expired = await ok(`/guarantees/by-reference/${apps.refs.g6}`);
      expect(expired).to.include({ state: "Expired", inForce: false });
      const forged = await get(`/guarantees/by-reference/${h("BG-FORGED")}`);
      expect(forged.status).to.equal(404);
      expect(forged.body.message).to.match(/not genuine/);
      expect((await apps.guarantees.verify(h("BG-FORGED"))).genuine).to.equal(false);
    });

    it("lists a guarantee's claims with payment, extension and rejection, filtered and paged", async () => {
      const { items, pages } = await all("/guarantees/1/claims", 2);
      expect(pages).to.equal(2);
      expect(items.map((c: any) => c.state)).to.deep.equal(["Paid", "Extended", "Rejected", "Withdrawn"]);
      expect(items[0]).to.include({ amount: "200000", paidTotal: "200000", offChainReference: null });
      expect(items[1]).to.include({ extendOrPay: true });
      expect(items[1].newExpiry).to.equal(items[1].extendTo);
      expect(items[2].reasonHash).to.equal(h("discrepancies"));
      expect(items[0].documents).to.deep.equal([{ contentHash: h("statement"), uriHash: h("uri"), kind: 1 }]);
      expect((await ok("/guarantees/1/claims?state=Rejected")).items.map((c: any) => c.index)).to.deep.equal([2]);
      expect((await ok("/guarantees/1/claims?order=desc&limit=1")).items[0].index).to.equal(3);
      expect((await ok("/guarantees/4/claims")).items[0].offChainReference).to.equal(h("MT103-G4"));
      expect((await ok(`/guarantees/1/claims?asOf=${apps.marks.g1Claimed}`)).items[0].state).to.equal("Presented");
    });

    it("gives a guarantee's timeline in chain order, both ways", async () => {
      const { items } = await all("/guarantees/4/timeline", 2);
      expect(items.map((t: any) => t.event)).to.deep.equal([
        "GuaranteeApplied",
        "GuaranteeIssued",
        "ClaimPresented",
        "ClaimPaid",
        "GuaranteeExhausted",
      ]);
      expect(items[1].details.referenceId).to.equal(apps.refs.g4);
      expect(items[0].account).to.equal(chain.accounts.supplier1.address.toLowerCase());
      const desc = (await ok("/guarantees/4/timeline?order=desc")).items.map((t: any) => t.event);
      expect(desc[0]).to.equal("GuaranteeExhausted");
      const early = await ok(`/guarantees/1/timeline?asOf=${apps.marks.g1Issued}`);
      expect(early.items.map((t: any) => t.event)).to.deep.equal(["GuaranteeApplied", "GuaranteeIssued"]);
    });

    it("answers 400 for bad parameters and 404 for unknown guarantees", async () => {
      for (const path of [
        "/guarantees?state=Bogus",
        "/guarantees?kind=Loan",
        "/guarantees?party=0",
        "/guarantees?limit=0",
        "/guarantees?limit=501",
        "/guarantees?sort=name",
        "/guarantees?colour=red",
        "/guarantees?cursor=garbage",
        "/guarantees/abc",
        "/guarantees/1?at=-1",
        "/guarantees/1?asOf=99999999",
        "/guarantees/by-reference/0x1234",
        "/guarantees/1/claims?state=Lost",
        "/guarantees/1/timeline?order=up",
      ])
        expect(await status(path), path).to.equal(400);
      for (const path of ["/guarantees/99", "/guarantees/99/claims", "/guarantees/99/timeline"])
        expect(await status(path), path).to.equal(404);
    });
  });

  describe("attestations behind guarantees (issue 22)", () => {
    it("/unattested-financing lists every guarantee issued without an attestation on its tender reference", async () => {
      const { ids: m } = chain;
      const issued = await api.service.db.query<{ id: string; guarantor: string }>(
        `SELECT t.guarantee_id::text AS id, g.guarantor::text AS guarantor FROM guarantee_timeline t
         JOIN guarantees g ON g.guarantee_id = t.guarantee_id AND g.valid_to_block IS NULL
         WHERE t.event = 'GuaranteeIssued' ORDER BY t.block_number DESC, t.log_index DESC`,
      );
      expect(issued.length).to.be.greaterThan(2);
      const body = await ok("/unattested-financing?application=GuaranteeIssue");
      expect(body.items.map((i: any) => [i.guaranteeId, String(i.bank)])).to.deep.equal(
        issued.map((r) => [r.id, r.guarantor]),
      );
      for (const item of body.items) {
        expect(item).to.include({ application: "GuaranteeIssue", action: "GuaranteeIssued", subjectKey: h("tender") });
        expect(item.receivableId).to.equal(null);
        expect(item.offerId).to.equal(null);
      }
      const own = await ok(`/unattested-financing?application=GuaranteeIssue&bank=${m.bankB}`);
      expect(own.items.map((i: any) => i.bank)).to.deep.equal(
        issued.filter((r) => r.guarantor === String(m.bankB)).map(() => m.bankB),
      );
    });

    it("/guarantees/:id/attestations: the tender reference and the attestations on it (none here)", async () => {
      const body = await ok("/guarantees/1/attestations");
      expect(body).to.deep.equal({ guaranteeId: "1", tenderReference: h("tender"), attestations: [] });
      expect(await status("/guarantees/99/attestations")).to.equal(404);
    });
  });

  describe("data sharing", () => {
    it("lists datasets of an owner, by classification and status, paged", async () => {
      const { ids: m } = chain;
      const ids = (body: any) => body.items.map((d: any) => d.id);
      expect(ids(await ok(`/datasets?owner=${m.gov1}`))).to.deep.equal([1, 2]);
      expect(ids(await ok(`/datasets?owner=${m.core}`))).to.deep.equal([3]);
      expect(ids(await ok("/datasets?classification=Secret"))).to.deep.equal([2]);
      expect(ids(await ok("/datasets?status=Retired"))).to.deep.equal([3]);
      expect(ids(await ok("/datasets?sort=accesses&order=desc"))).to.deep.equal([1, 2, 3]);
      const { items, pages } = await all("/datasets", 1);
      expect(pages).to.equal(3);
      expect(items.map((d: any) => d.id)).to.deep.equal([1, 2, 3]);
      expect(
        ids(await ok(`/datasets?classification=Confidential&asOf=${apps.marks.d2Confidential - 1}`)),
      ).to.deep.equal([2]);
    });

    it("shows a dataset with its versions and auto-grant policy", async () => {
      const d = await ok("/datasets/1");
      expect(d).to.include({ owner: chain.ids.gov1, classification: "Internal", latestVersion: 2, accessCount: 4 });
      expect(d.versions.map((v: any) => [v.version, v.contentHash, v.hashKind])).to.deep.equal([
        [1, h("d1 v1"), "ContentHash"],
        [2, h("d1 root v2"), "MerkleRoot"],
      ]);
      expect(d.autoGrantPolicy).to.include({ enabled: true, memberKinds: 4, maxScope: "3", mayDelegate: true });
      expect(d.autoGrantPolicy.allowedPurposes).to.deep.equal([h("purpose kyc"), h("purpose statistics")]);
      const d2 = await ok("/datasets/2");
      expect(d2.sensitiveHead).to.equal((await apps.data.dataset(2)).sensitiveHead);
      expect(d2.autoGrantPolicy).to.equal(null);
    });

    it("gives the grants of a dataset as a tree with each grant's validity as the contract computes it", async () => {
      const tree = await ok(`/datasets/1/grants?at=${apps.now}`);
      expect(tree.roots.map((g: any) => g.id)).to.deep.equal([1, 2, 5, 7]);
      const g2 = tree.roots[1];
      expect(g2.children.map((g: any) => g.id)).to.deep.equal([3]);
      expect(g2.children[0].children.map((g: any) => g.id)).to.deep.equal([4]);
      const flat = (nodes: any[]): any[] => nodes.flatMap((n) => [n, ...flat(n.children)]);
      const validity = ["Valid", "Unknown", "NotActive", "Expired", "Revoked", "AncestorExpired", "AncestorRevoked"];
      for (const g of flat(tree.roots)) {
        expect(g.validity, `grant ${g.id}`).to.equal(validity[Number(await apps.data.grantValidity(g.id))]);
      }
      expect(g2.children[0].children[0].validity).to.equal("AncestorRevoked");
      expect(tree.roots[0]).to.include({ byPolicy: true, validity: "Valid" });
      expect(tree.roots[2]).to.include({ status: "Refused", validity: "NotActive" });
      const later = await ok(`/datasets/1/grants?at=${apps.now + 40 * DAY}`);
      expect(later.roots[1].validity).to.equal("Expired");
      const onlyBankA = await ok(`/datasets/1/grants?grantee=${chain.ids.bankA}`);
      expect(onlyBankA.roots.map((g: any) => g.id)).to.deep.equal([2, 5]);
      const asRequested = await ok(`/datasets/1/grants?asOf=${apps.marks.grantRequested}`);
      expect(asRequested.roots.map((g: any) => [g.id, g.status])).to.deep.equal([
        [1, "Active"],
        [2, "Requested"],
      ]);
      expect((await ok("/datasets/3/grants")).roots).to.deep.equal([]);
    });

    it("shows a grant with its chain up to the owner's grant", async () => {
      const g = await ok(`/grants/4?at=${apps.now}`);
      expect(g).to.include({ depth: 2, grantee: chain.ids.bankA, parentId: 3, validity: "AncestorRevoked" });
      expect(g.chain.map((x: any) => [x.id, x.status])).to.deep.equal([
        [3, "Revoked"],
        [2, "Active"],
      ]);
      expect(g.chain[1].request.account).to.equal(chain.accounts.gov2.address.toLowerCase());
      expect((await ok(`/grants/4?at=${apps.now}&asOf=${apps.marks.beforeRevoke}`)).validity).to.equal("Valid");
    });

    it("gives a dataset's access log for auditors, filtered and paged", async () => {
      const { items, pages } = await all("/datasets/1/access-log", 3);
      expect(pages).to.equal(2);
      expect(items.map((a: any) => a.seq)).to.deep.equal([1, 2, 3, 4]);
      expect(items.map((a: any) => a.accessId)).to.deep.equal(["access 1", "access 2", "access 3", "access 5"].map(h));
      expect((await ok(`/datasets/1/access-log?consumer=${chain.ids.gov2}`)).items).to.have.length(2);
      expect((await ok("/datasets/1/access-log?grantId=4")).items.map((a: any) => a.consumer)).to.deep.equal([
        chain.ids.bankA,
      ]);
      expect((await ok("/datasets/1/access-log?version=2")).items).to.have.length(3);
      expect((await ok("/datasets/1/access-log?order=desc&limit=1")).items[0].seq).to.equal(4);
      const last = items[3].source.block;
      expect((await ok(`/datasets/1/access-log?fromBlock=${last}`)).items).to.have.length(1);
      expect((await ok(`/datasets/1/access-log?toBlock=${last - 1}`)).items).to.have.length(3);
    });

    it("verifies the dataset's whole access trail against the contract, whatever the page", async () => {
      const block = api.service.indexer.status.indexedBlock;
      const onChain = await apps.data.dataset(1, { blockTag: block });
      const { trail } = await ok("/datasets/1/access-log?limit=1&consumer=" + chain.ids.gov2);
      expect(trail).to.deep.equal({
        verified: true,
        block,
        entries: 4,
        count: 4,
        head: onChain.accessHead.toLowerCase(),
        chainHead: onChain.accessHead.toLowerCase(),
        problem: null,
      });
      // A dataset nobody accessed: the empty log replays to the seed, which the contract holds.
      const empty = (await ok("/datasets/3/access-log")).trail;
      expect(empty).to.include({ verified: true, entries: 0, count: 0, problem: null });
      expect(empty.head).to.equal(empty.chainHead);
      expect(await status("/datasets/99/access-log")).to.equal(404);
      // The served OpenAPI document describes it.
      const operation = (await ok("/openapi.json")).paths["/datasets/{id}/access-log"].get;
      expect(operation.description).to.contain("`trail`");
      const schema = operation.responses["200"].content["application/json"].schema;
      expect(schema.required).to.include("trail");
      expect(Object.keys(schema.properties.trail.properties)).to.have.members(Object.keys(trail));
      expect(schema.properties.trail.properties.verified.description).to.contain("accessHead");
    });

    it("says the trail is not verified when an indexed access row was altered, and still answers 200", async () => {
      const db = api.service.db;
      const [row] = await db.query<{ purpose_hash: string }>(
        "SELECT purpose_hash FROM data_access_log WHERE dataset_id = 1 AND log_seq = 2",
      );
      await db.query("UPDATE data_access_log SET purpose_hash = $1 WHERE dataset_id = 1 AND log_seq = 2", [
        h("tampered"),
      ]);
      try {
        const { trail } = await ok("/datasets/1/access-log");
        expect(trail).to.include({ verified: false, entries: 4, count: 4 });
        expect(trail.head).to.not.equal(trail.chainHead);
        expect(trail.problem).to.contain("do not replay");
        // Another dataset's trail is not affected: only the dataset asked for is replayed.
        expect((await ok("/datasets/2/access-log")).trail.verified).to.equal(true);
        // A dropped row: the replay stops at the gap in seq.
        await db.query("UPDATE data_access_log SET log_seq = 9 WHERE dataset_id = 1 AND log_seq = 3");
        try {
          const gap = (await ok("/datasets/1/access-log")).trail;
          expect(gap).to.include({ verified: false, head: null });
          expect(gap.problem).to.contain("has seq 4");
        } finally {
          await db.query("UPDATE data_access_log SET log_seq = 3 WHERE dataset_id = 1 AND log_seq = 9");
        }
      } finally {
        await db.query("UPDATE data_access_log SET purpose_hash = $1 WHERE dataset_id = 1 AND log_seq = 2", [
          row.purpose_hash,
        ]);
      }
      expect((await ok("/datasets/1/access-log")).trail.verified).to.equal(true);
    });

    it("an API without a node serves the log and says the trail could not be verified", async () => {
      const feed = indexerFeed(api.service.indexer);
      const replica = await buildApi({
        auth: "off",
        db: api.service.db,
        status: indexerStatus(api.service.indexer),
        feed,
        routes: await loadRoutes(),
      });
      try {
        const answer = await replica.inject({ method: "GET", url: "/datasets/1/access-log" });
        expect(answer.statusCode, answer.body).to.equal(200);
        const body = answer.json();
        expect(body.items).to.have.length(4);
        // The index is replayed all the same; only the contract's side is missing.
        const { trail } = (await ok("/datasets/1/access-log")) as { trail: Record<string, unknown> };
        expect(body.trail).to.deep.equal({
          ...trail,
          verified: false,
          count: null,
          chainHead: null,
          problem: "no node to read the contract from (RPC_URL and DEPLOYMENTS)",
        });
        expect(body.trail.head).to.be.a("string");
      } finally {
        await replica.close();
        feed.close();
      }
    });

    it("gives a consumer's access log across datasets", async () => {
      const { items } = await all(`/consumers/${chain.ids.gov2}/access-log?order=asc`, 2);
      expect(items.map((a: any) => [a.datasetId, a.seq])).to.deep.equal([
        [1, 1],
        [2, 1],
        [1, 4],
      ]);
      expect((await ok(`/consumers/${chain.ids.gov2}/access-log?datasetId=2`)).items).to.have.length(1);
      expect((await ok(`/consumers/${chain.ids.regulator}/access-log`)).items).to.deep.equal([]);
    });

    it("traces an access by its id, and a leaked file by its result hash, to the grant chain and the request", async () => {
      const [trace] = (await ok(`/access-trace?accessId=${h("access 2")}`)).items;
      expect(trace.access).to.include({ consumer: chain.ids.bankA, grantId: 4, version: 2 });
      expect(trace.grantChain.map((g: any) => g.id)).to.deep.equal([4, 3, 2]);
      expect(trace.request).to.include({ grantId: 2, account: chain.accounts.gov2.address.toLowerCase() });
      expect(trace.version.contentHash).to.equal(h("d1 root v2"));
      expect(trace.dataset.id).to.equal(1);
      const leaked = (await ok(`/access-trace?resultHash=${h("result 1")}`)).items;
      expect(leaked.map((t: any) => t.access.accessId)).to.deep.equal([h("access 1"), h("access 3")]);
      expect(leaked[1].request.account).to.equal(chain.accounts.supplier1.address.toLowerCase());
      const direct = (await ok(`/access-trace?accessId=${h("access 4")}`)).items[0];
      expect(direct.request).to.equal(null); // granted without a request
      expect(await status(`/access-trace?accessId=${h("nope")}`)).to.equal(404);
      expect(await status("/access-trace")).to.equal(400);
      expect(await status(`/access-trace?accessId=${h("a")}&resultHash=${h("b")}`)).to.equal(400);
    });

    it("exposes the access-log hash chain check: complete, seed, blocks; the replay reaches the on-chain head", async () => {
      const check = await ok("/datasets/1/access-chain");
      expect(check).to.include({ complete: true, count: 4, indexedEntries: 4 });
      const entries = await Promise.all(
        (await ok("/datasets/1/access-log?limit=500")).items.map(async (a: any) => ({
          ...a,
          timestamp: (await chain.provider.getBlock(a.source.block))!.timestamp,
        })),
      );
      expect(new Set(entries.map((e: any) => e.source.block))).to.deep.equal(new Set(check.blocks));
      expect(replayAccessChain(check.contract, 1, entries)).to.equal((await apps.data.dataset(1)).accessHead);
      const early = await ok(`/datasets/1/access-chain?asOf=${apps.marks.beforeRevoke}`);
      expect(early).to.include({ count: 3, indexedEntries: 3, complete: true });
      expect(await ok("/datasets/3/access-chain")).to.include({ count: 0, complete: true });
    });

    it("lists the sensitive-operation log with chain heads", async () => {
      const { items } = await all("/datasets/2/sensitive-operations", 3);
      expect(items.map((s: any) => s.operation)).to.deep.equal(["Register", "PublishVersion", "Reclassify", "Grant"]);
      expect(items.at(-1).head).to.equal((await apps.data.dataset(2)).sensitiveHead);
      expect((await ok("/datasets/2/sensitive-operations?operation=Grant")).items[0].subjectId).to.equal(6);
      expect((await ok("/datasets/1/sensitive-operations")).items).to.deep.equal([]);
    });

    it("answers 400 for bad parameters and 404 for unknown datasets and grants", async () => {
      for (const path of [
        "/datasets?owner=abc",
        "/datasets?classification=TopSecret",
        "/datasets?sort=name",
        "/datasets/0",
        "/datasets/1/grants?at=soon",
        "/datasets/1/access-log?limit=1000",
        "/datasets/1/access-log?grantId=0",
        "/consumers/0/access-log",
        "/access-trace?accessId=0x12",
        "/datasets/2/sensitive-operations?operation=Delete",
        "/datasets/1/access-chain?asOf=99999999",
        "/grants/x",
      ])
        expect(await status(path), path).to.equal(400);
      for (const path of [
        "/datasets/9",
        "/datasets/9/grants",
        "/datasets/9/access-log",
        "/datasets/9/access-chain",
        "/datasets/9/sensitive-operations",
        "/grants/99",
      ])
        expect(await status(path), path).to.equal(404);
    });
  });

  describe("e-certificates", () => {
    it("shows a certificate's status, validity and latest successor, as the contract verifies it", async () => {
      const validity = ["Unknown", "Valid", "NotYetValid", "Expired", "Revoked", "Replaced"];
      for (let id = 1; id <= 7; id++) {
        const c = await ok(`/ecertificates/${id}?at=${apps.now}`);
        const [v, latest] = await apps.certificates.verify(id);
        expect(c.validity, `certificate ${id}`).to.equal(validity[Number(v)]);
        expect(c.latestId).to.equal(Number(latest));
      }
      const one = await ok("/ecertificates/1");
      expect(one).to.include({ status: "Replaced", replacedBy: 2, latestId: 3 });
      expect((await ok(`/ecertificates/1?asOf=${apps.marks.cert1Issued}`)).status).to.equal("Active");
      expect((await ok(`/ecertificates/5?at=${apps.now + 301 * DAY}`)).validity).to.equal("Valid");
    });

    it("gives a certificate's history: the replacement chain and its events", async () => {
      const history = await ok("/ecertificates/2/history");
      expect(history).to.include({ root: 1, latestId: 3 });
      expect(history.chain.map((c: any) => [c.id, c.status, c.replaces, c.replacedBy])).to.deep.equal([
        [1, "Replaced", null, 2],
        [2, "Replaced", 1, 3],
        [3, "Active", 2, null],
      ]);
      expect(history.events.map((e: any) => [e.certificateId, e.action])).to.deep.equal([
        [1, "Issued"],
        [2, "IssuedAsReplacement"],
        [1, "Replaced"],
        [3, "IssuedAsReplacement"],
        [2, "Replaced"],
      ]);
      expect(history.events[2].reasonHash).to.equal(h("renewal"));
      expect(await status(`/ecertificates/3/history?asOf=${apps.marks.cert1Issued}`)).to.equal(404); // not issued yet
      const revoked = await ok("/ecertificates/4/history");
      expect(revoked.events.map((e: any) => e.action)).to.deep.equal(["Issued", "Revoked"]);
    });

    it("lists certificates by holder, issuer, kind and status, paged", async () => {
      const holder = (await apps.certificates.certificate(3)).holderHash;
      expect((await ok(`/ecertificates?holderHash=${holder}`)).items.map((c: any) => c.id)).to.deep.equal([3]);
      expect((await ok(`/ecertificates?issuer=${chain.ids.gov1}`)).items).to.have.length(7);
      expect((await ok("/ecertificates?kind=2")).items.map((c: any) => c.id)).to.deep.equal([4]);
      expect((await ok("/ecertificates?status=Replaced&order=desc")).items.map((c: any) => c.id)).to.deep.equal([2, 1]);
      const { items, pages } = await all("/ecertificates", 4);
      expect(pages).to.equal(2);
      expect(items).to.have.length(7);
      expect(items[6].validUntil).to.be.greaterThan(Number.MAX_SAFE_INTEGER); // 2^64 - 1, approximated
    });

    it("answers 400 for bad parameters and 404 for unknown certificates", async () => {
      for (const path of [
        "/ecertificates?holderHash=0x12",
        "/ecertificates?kind=0",
        "/ecertificates?status=Lost",
        "/ecertificates/0",
        "/ecertificates/1?at=x",
        "/ecertificates/1/history?asOf=99999999",
      ])
        expect(await status(path), path).to.equal(400);
      expect(await status("/ecertificates/99")).to.equal(404);
      expect(await status("/ecertificates/99/history")).to.equal(404);
    });
  });

  it("documents every route in the OpenAPI document", async () => {
    const doc = await ok("/openapi.json");
    for (const path of [
      "/guarantees",
      "/guarantees/by-reference/{referenceId}",
      "/guarantees/{id}",
      "/guarantees/{id}/claims",
      "/guarantees/{id}/timeline",
      "/datasets",
      "/datasets/{id}",
      "/datasets/{id}/grants",
      "/grants/{id}",
      "/datasets/{id}/access-log",
      "/consumers/{memberId}/access-log",
      "/access-trace",
      "/datasets/{id}/access-chain",
      "/datasets/{id}/sensitive-operations",
      "/ecertificates",
      "/ecertificates/{id}",
      "/ecertificates/{id}/history",
    ])
      expect(doc.paths, path).to.have.property(path);
  });

  describe("chain time", () => {
    it("every source carries its block's time: guarantee steps and claims, grants, access records, certificates", async () => {
      const certificate = (await ok("/ecertificates")).items[0].id;
      await expectChainTimesEverywhere(ok, chain.url, [
        "/guarantees/1",
        "/guarantees/1/claims",
        "/guarantees/1/timeline",
        "/datasets/1",
        "/datasets/1/grants",
        "/datasets/1/access-log",
        `/access-trace?accessId=${h("access 1")}`,
        `/ecertificates/${certificate}/history`,
      ]);
    });
    it("`at` defaults to the latest indexed block's time and takes a date", async () => {
      const status = await ok("/status");
      const g = await ok("/guarantees/1");
      expect(g.at).to.equal(status.indexedTime);
      expect(await ok(`/guarantees/1?at=${encodeURIComponent(status.indexedDate)}`)).to.deep.equal(g);
      const later = new Date((g.expiry + 1) * 1000).toISOString();
      expect(await ok(`/guarantees/1?at=${encodeURIComponent(later)}`)).to.deep.equal(
        await ok(`/guarantees/1?at=${g.expiry + 1}`),
      );
    });
  });

  // Last: it records a new access on chain. The API keeps replayed heads (AccessChainMemo) and the contract's head by
  // block (dropped on each index write) between requests; neither may hide a change of the index or of the chain.
  describe("the access trail's verification kept between requests", () => {
    const trailOf = async (id: number) => (await ok(`/datasets/${id}/access-log`)).trail;

    it("a record tampered after a verified (kept) replay is reported, and verified again once restored", async () => {
      const db = api.service.db;
      const kept = await trailOf(1);
      expect(kept).to.include({ verified: true, entries: 4 });
      expect(await trailOf(1)).to.deep.equal(kept);
      // The last entry: the kept prefix before it still chains, the altered entry does not.
      const [row] = await db.query<{ result_hash: string }>(
        "SELECT result_hash FROM data_access_log WHERE dataset_id = 1 AND log_seq = 4",
      );
      await db.query("UPDATE data_access_log SET result_hash = $1 WHERE dataset_id = 1 AND log_seq = 4", [
        h("tampered"),
      ]);
      try {
        const tampered = await trailOf(1);
        expect(tampered).to.include({ verified: false, entries: 4, count: 4, chainHead: kept.chainHead });
        expect(tampered.head).to.not.equal(kept.head);
        expect(tampered.problem).to.contain("do not replay");
      } finally {
        await db.query("UPDATE data_access_log SET result_hash = $1 WHERE dataset_id = 1 AND log_seq = 4", [
          row.result_hash,
        ]);
      }
      expect(await trailOf(1)).to.deep.equal(kept);
      // An entry moved out of the dataset (dropped from its log): the count no longer matches the kept contract head.
      await db.query("UPDATE data_access_log SET dataset_id = 99 WHERE dataset_id = 1 AND log_seq = 4");
      try {
        const dropped = await trailOf(1);
        expect(dropped).to.include({ verified: false, entries: 3, count: 4 });
        expect(dropped.problem).to.equal("3 entries indexed, the contract counts 4");
      } finally {
        await db.query("UPDATE data_access_log SET dataset_id = 1 WHERE dataset_id = 99 AND log_seq = 4");
      }
      expect(await trailOf(1)).to.deep.equal(kept);
    });

    it("one query per request: the page and the trail's whole log read in one statement, tampering still caught", async () => {
      const db = api.service.db;
      let queries: string[] = [];
      const counted: Queryable = {
        query: (sql, params, options) => {
          queries.push(sql);
          return db.query(sql, params, options);
        },
      };
      const feed = indexerFeed(api.service.indexer);
      // As start.ts builds it: block times and the contract's side kept between requests (no index write here).
      const app = await buildApi({
        auth: "off",
        db: counted,
        status: indexerStatus(api.service.indexer),
        feed,
        routes: await loadRoutes(),
        chain: chainReader(chain.url, api.service.deployments),
        blockTimes: new IndexCache<number, number>(),
        trailViews: new IndexCache<string, ChainTrail>(),
      });
      const page = async (url: string) => {
        const answer = await app.inject({ method: "GET", url });
        expect(answer.statusCode, answer.body).to.equal(200);
        return answer.json();
      };
      try {
        const first = await page("/datasets/1/access-log?limit=2&order=desc");
        expect(first.trail).to.include({ verified: true, entries: 4 });
        expect(first.items.map((a: any) => a.seq)).to.deep.equal([4, 3]);
        queries = [];
        expect(await page("/datasets/1/access-log?limit=2&order=desc")).to.deep.equal(first);
        expect(queries, "queries of a repeated request").to.have.length(1);
        // The next page: the trail is the whole log's whatever the page; once its blocks' times are kept (the first
        // visit reads them), one statement too.
        const next = `/datasets/1/access-log?limit=2&order=desc&cursor=${first.nextCursor}`;
        const second = await page(next);
        expect(second.items.map((a: any) => a.seq)).to.deep.equal([2, 1]);
        expect(second.trail).to.deep.equal(first.trail);
        queries = [];
        expect(await page(next)).to.deep.equal(second);
        expect(queries).to.have.length(1);
        // An entry altered, then two swapped (reordered): the one statement reads them, and the replay fails.
        const [row] = await db.query<{ purpose_hash: string }>(
          "SELECT purpose_hash FROM data_access_log WHERE dataset_id = 1 AND log_seq = 1",
        );
        await db.query("UPDATE data_access_log SET purpose_hash = $1 WHERE dataset_id = 1 AND log_seq = 1", [
          h("tampered"),
        ]);
        try {
          queries = [];
          const tampered = await page("/datasets/1/access-log?limit=2&order=desc");
          expect(queries).to.have.length(1);
          expect(tampered.trail).to.include({ verified: false, entries: 4, count: 4 });
          expect(tampered.trail.problem).to.contain("do not replay");
        } finally {
          await db.query("UPDATE data_access_log SET purpose_hash = $1 WHERE dataset_id = 1 AND log_seq = 1", [
            row.purpose_hash,
          ]);
        }
        await db.query(
          "UPDATE data_access_log SET log_seq = CASE log_seq WHEN 2 THEN 3 ELSE 2 END WHERE dataset_id = 1 AND log_seq IN (2, 3)",
        );
        try {
          const reordered = await page("/datasets/1/access-log?limit=2&order=desc");
          expect(reordered.trail).to.include({ verified: false, entries: 4, count: 4 });
          expect(reordered.trail.problem).to.contain("do not replay");
        } finally {
          await db.query(
            "UPDATE data_access_log SET log_seq = CASE log_seq WHEN 2 THEN 3 ELSE 2 END WHERE dataset_id = 1 AND log_seq IN (2, 3)",
          );
        }
        expect(await page("/datasets/1/access-log?limit=2&order=desc")).to.deep.equal(first);
      } finally {
        await app.close();
        await feed.close();
      }
    });

    it("a new access record on chain: the trail is read at the new indexed block and verifies the longer log", async () => {
      const kept = await trailOf(1);
      const receipt = await (
        await apps.data
          .connect(chain.accounts.gov1)
          .recordAccess(h("access 6"), 2, 1, 2, chain.accounts.gov2.address, h("result 6"))
      ).wait();
      const block = receipt!.blockNumber;
      while (api.service.indexer.status.indexedBlock < block) await new Promise((r) => setTimeout(r, 50));
      const indexed = api.service.indexer.status.indexedBlock;
      const onChain = await apps.data.dataset(1, { blockTag: indexed });
      const trail = await trailOf(1);
      expect(trail).to.deep.equal({
        verified: true,
        block: indexed,
        entries: 5,
        count: 5,
        head: onChain.accessHead.toLowerCase(),
        chainHead: onChain.accessHead.toLowerCase(),
        problem: null,
      });
      expect(trail.head).to.not.equal(kept.head);
      expect((await ok("/datasets/1/access-log?order=desc&limit=1")).items[0].seq).to.equal(5);
    });
  });
});
