import { expect } from "chai";
import type { IndexerAndApi } from "../../src/api/start.js";
import { API_TOKEN, appsApi, appsChain, TREE_SIZE, type Apps } from "../indexer/apps-chain.js";
import { expectChainTimesEverywhere } from "./chain-time.js";

describe("API: receivables", function () {
  this.timeout(120_000);
  let apps: Apps;
  let api: IndexerAndApi;

  const get = async (path: string) => {
    const response = await fetch(api.url + path, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    return { status: response.status, body: (await response.json()) as any };
  };
  const ok = async (path: string) => {
    const { status, body } = await get(path);
    expect(status, `${path}: ${JSON.stringify(body)}`).to.equal(200);
    return body;
  };
  const lower = (a: { address: string }) => a.address.toLowerCase();

  before(async () => {
    apps = await appsChain();
    api = await appsApi();
  });

  describe("GET /receivables", () => {
    it("lists receivables by id, filtered by status, creditor, obligor and guarantor", async () => {
      const { r1, r2, r3Rejected, r4Cancelled, r5 } = apps.receivables;
      const all = await ok("/receivables?limit=500");
      expect(all.items.map((r: any) => r.id)).to.deep.equal(
        [r1, r2, r3Rejected, r4Cancelled, r5, apps.tree].map(String),
      );
      expect((await ok("/receivables?status=Settled")).items.map((r: any) => r.id)).to.deep.equal([`${r2}`, `${r5}`]);
      const ids = apps.chain.ids;
      expect((await ok(`/receivables?creditor=${ids.supplier1}`)).items.map((r: any) => r.id)).to.deep.equal(
        [r1, r3Rejected, apps.tree].map(String),
      );
      expect((await ok(`/receivables?guarantor=${ids.bankC}`)).items.map((r: any) => r.id)).to.deep.equal([`${r5}`]);
      expect((await ok(`/receivables?obligor=${ids.supplier1}`)).items).to.deep.equal([]);
    });
    it("pages with cursors both ways; the last page has no cursor", async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const body: any = await ok(`/receivables?limit=4&order=desc${cursor === null ? "" : `&cursor=${cursor}`}`);
        seen.push(...body.items.map((r: any) => r.id));
        cursor = body.nextCursor;
      } while (cursor !== null);
      expect(seen).to.deep.equal(["6", "5", "4", "3", "2", "1"]);
      expect((await ok("/receivables?limit=6")).nextCursor).to.equal(null);
    });
    it("reads the list as of an earlier block", async () => {
      const early = await ok(`/receivables?asOf=${apps.receivables.beforeDiscount}`);
      expect(early.items).to.have.length(5);
      expect(early.items.find((r: any) => r.id === `${apps.receivables.r5}`).status).to.equal("Active");
    });
  });

  describe("GET /receivables/:id", () => {
    it("answers a receivable with documents, offers, financing, redemptions and timeline", async () => {
      const { r1, tokens } = apps.receivables;
      const r = await ok(`/receivables/${r1}`);
      const chainView = await apps.chain.desk.receivable(r1);
      expect(r).to.include({
        status: "Funded",
        faceValue: "1000000",
        redeemed: "690000",
        outstanding: "310000",
        escrowed: "310000",
        currency: "CNY",
        documentsHash: chainView.documentsHash,
        invoiceKey: chainView.invoiceKey,
        rootTokenId: `${tokens.t1}`,
        guarantor: apps.chain.ids.bankA,
        direct: false,
      });
      expect(r.documents.contract.kind).to.equal(1);
      expect(r.offers).to.have.length(7);
      expect(r.financing).to.have.length(14);
      expect(r.redemptions.map((x: any) => [x.tokenId, x.paidFrom])).to.deep.equal([
        [`${tokens.t1}`, "escrow"],
        [`${tokens.t4}`, "escrow"],
      ]);
      expect(r.timeline.map((t: any) => t.action)).to.deep.equal(["Registered", "Confirmed", "Guaranteed", "Funded"]);
      expect(r.source.block).to.be.at.least(apps.receivables.fundedBlock);
    });
    it("shows an off-chain redemption with its payment reference", async () => {
      const r2 = await ok(`/receivables/${apps.receivables.r2}`);
      expect(r2.redemptions).to.have.length(1);
      expect(r2.redemptions[0]).to.include({
        paidFrom: "offchain",
        paymentReference: apps.receivables.offchainReference,
      });
      expect(r2.direct).to.equal(true);
    });
    it("reads a receivable and its history as of a block", async () => {
      const early = await ok(`/receivables/${apps.receivables.r1}?asOf=${apps.receivables.beforeDiscount}`);
      expect(early).to.include({ status: "Active", redeemed: "0" });
      expect(early.financing.map((f: any) => f.action)).to.deep.equal([
        "TransferOffered",
        "TransferAccepted",
        "TransferOffered",
        "TransferRefused",
        "TransferOffered",
        "TransferCancelled",
      ]);
      expect(early.offers).to.have.length(3);
      expect(early.redemptions).to.deep.equal([]);
    });
  });

  describe("GET /receivables/:id/lineage", () => {
    it("lists the tree flat, parents before children, with holders and values", async () => {
      const { r1, tokens } = apps.receivables;
      const tree = await ok(`/receivables/${r1}/lineage`);
      expect(tree).to.include({ count: 5, rootTokenId: `${tokens.t1}`, status: "Funded" });
      const byId = Object.fromEntries(tree.certificates.map((c: any) => [c.tokenId, c]));
      expect(byId[`${tokens.t2}`]).to.include({ parentId: `${tokens.t1}`, tier: 2, value: "210000" });
      expect(byId[`${tokens.t2}`].holder).to.equal(lower(apps.chain.accounts.supplier2));
      expect(byId[`${tokens.t5}`]).to.include({
        parentId: `${tokens.t3}`,
        tier: 4,
        holderMember: apps.chain.ids.bankC,
      });
      expect(byId[`${tokens.t1}`]).to.include({ status: "Redeemed", value: "0", redeemedValue: "490000" });
      const live = await ok(`/receivables/${r1}/lineage?includeRedeemed=false`);
      expect(live.certificates.map((c: any) => c.tokenId)).to.deep.equal([tokens.t2, tokens.t3, tokens.t5].map(String));
    });
    it("nests the tree under its root", async () => {
      const { tokens } = apps.receivables;
      const { tree } = await ok(`/receivables/${apps.receivables.r1}/lineage?format=nested`);
      expect(tree).to.have.length(1);
      const shape = (n: any): unknown => [n.tokenId, n.children.map(shape)];
      expect(shape(tree[0])).to.deep.equal([
        `${tokens.t1}`,
        [
          [`${tokens.t2}`, [[`${tokens.t3}`, [[`${tokens.t5}`, []]]]]],
          [`${tokens.t4}`, []],
        ],
      ]);
      const big = await ok(`/receivables/${apps.tree}/lineage?format=nested`);
      const count = (n: any): number => 1 + n.children.reduce((s: number, c: any) => s + count(c), 0);
      expect(big.count).to.equal(TREE_SIZE);
      expect(count(big.tree[0])).to.equal(TREE_SIZE);
    });
    it("reads the tree as of a block before the discount", async () => {
      const { tokens } = apps.receivables;
      const early = await ok(`/receivables/${apps.receivables.r1}/lineage?asOf=${apps.receivables.beforeDiscount}`);
      expect(early.certificates.map((c: any) => [c.tokenId, c.value])).to.deep.equal([
        [`${tokens.t1}`, "690000"],
        [`${tokens.t2}`, "210000"],
        [`${tokens.t3}`, "100000"],
      ]);
    });
    it("answers an empty tree for a receivable never confirmed", async () => {
      const rejected = await ok(`/receivables/${apps.receivables.r3Rejected}/lineage`);
      expect(rejected).to.include({ count: 0, rootTokenId: null, status: "Rejected" });
      expect(rejected.certificates).to.deep.equal([]);
    });
  });

  describe("GET /receivable-offers", () => {
    const key = (o: any) => `${o.kind}:${o.id}`;
    const all = async (query: string): Promise<any[]> => {
      const items: any[] = [];
      let cursor: string | undefined;
      do {
        const page = await ok(`/receivable-offers?${query}&limit=2${cursor === undefined ? "" : `&cursor=${cursor}`}`);
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return items;
    };

    it("lists a receivable's offers as its page does, each with its receivable", async () => {
      const { r1 } = apps.receivables;
      const expected = (await ok(`/receivables/${r1}`)).offers;
      const listed = await all(`receivable=${r1}`);
      expect(listed.map(key).sort()).to.deep.equal(expected.map(key).sort());
      expect(listed.every((o) => o.receivableId === `${r1}`)).to.equal(true);
    });

    it("filters by the member offered to, kind and status; the filters partition the receivable's offers", async () => {
      const { r1 } = apps.receivables;
      const offers = await all(`receivable=${r1}`);
      const members = [...new Set(offers.map((o) => o.counterpartyMember).filter((m) => m !== null))] as number[];
      expect(members.length).to.be.greaterThan(1);
      const byMember: any[] = [];
      for (const member of members) {
        const mine = await all(`receivable=${r1}&bank=${member}`);
        expect(mine.length).to.be.greaterThan(0);
        expect(mine.every((o) => o.counterpartyMember === member)).to.equal(true);
        byMember.push(...mine);
      }
      expect(byMember.map(key).sort()).to.deep.equal(
        offers
          .filter((o) => o.counterpartyMember !== null)
          .map(key)
          .sort(),
      );
      for (const kind of new Set(offers.map((o) => o.kind))) {
        const ofKind = await all(`receivable=${r1}&kind=${kind}`);
        expect(ofKind.map(key).sort()).to.deep.equal(
          offers
            .filter((o) => o.kind === kind)
            .map(key)
            .sort(),
        );
      }
      for (const status of new Set(offers.map((o) => o.status))) {
        const ofStatus = await all(`receivable=${r1}&status=${status}`);
        expect(ofStatus.map(key).sort()).to.deep.equal(
          offers
            .filter((o) => o.status === status)
            .map(key)
            .sort(),
        );
      }
    });

    it("sorts by deadline, nearest first, across pages", async () => {
      const listed = await all(`receivable=${apps.receivables.r1}&sort=deadline`);
      const deadlines = listed.map((o) => o.deadline);
      expect(deadlines).to.deep.equal([...deadlines].sort((a, b) => a - b));
    });

    it("refuses a malformed member, kind or status (400)", async () => {
      for (const query of ["bank=abc", "kind=loan", "status=Nope"])
        expect((await get(`/receivable-offers?${query}`)).status, query).to.equal(400);
    });
  });

  describe("GET /receivable-certificates", () => {
    it("lists the live certificates of an account, of a member, or redeemed ones", async () => {
      const { chain, receivables: s } = apps;
      const ofBankC = await ok(`/receivable-certificates?holder=${chain.accounts.bankC.address}`);
      expect(ofBankC.items.map((c: any) => c.tokenId)).to.deep.equal([`${s.tokens.t5}`]);
      const ofCore = await ok(`/receivable-certificates?member=${chain.ids.core}`);
      expect(ofCore.items.map((c: any) => c.tokenId)).to.deep.equal([`${s.tokens.t3}`]);
      const redeemed = await ok(`/receivable-certificates?member=${chain.ids.supplier1}&status=Redeemed`);
      expect(redeemed.items.map((c: any) => c.tokenId)).to.deep.equal([`${s.tokens.t1}`]);
      const ofSupplier2 = await ok(
        `/receivable-certificates?member=${chain.ids.supplier2}&receivable=${s.r1}&status=any`,
      );
      expect(ofSupplier2.items.map((c: any) => c.tokenId)).to.deep.equal([`${s.tokens.t2}`]);
      const early = await ok(`/receivable-certificates?member=${chain.ids.core}&asOf=${s.beforeDiscount}`);
      expect(early.items).to.deep.equal([]); // core received t3 later
    });
    it("sorts by value and pages through a receivable's certificates", async () => {
      const seen: string[] = [];
      const values: bigint[] = [];
      let cursor: string | null = null;
      do {
        const body: any = await ok(
          `/receivable-certificates?receivable=${apps.tree}&sort=value&order=desc&limit=7${cursor === null ? "" : `&cursor=${cursor}`}`,
        );
        seen.push(...body.items.map((c: any) => c.tokenId));
        values.push(...body.items.map((c: any) => BigInt(c.value)));
        cursor = body.nextCursor;
      } while (cursor !== null);
      expect(new Set(seen).size).to.equal(TREE_SIZE);
      expect(values).to.deep.equal([...values].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
      const first = await ok(`/receivable-certificates?receivable=${apps.tree}&limit=7`);
      expect(
        (await get(`/receivable-certificates?receivable=${apps.tree}&sort=value&cursor=${first.nextCursor}`)).status,
      ).to.equal(400);
    });
  });

  describe("GET /receivable-certificates/:id", () => {
    it("answers a certificate with its lineage to the root, children, versions and financing", async () => {
      const { tokens } = apps.receivables;
      const t5 = await ok(`/receivable-certificates/${tokens.t5}`);
      expect(t5).to.include({ tier: 4, rootId: `${tokens.t1}`, value: "50000", status: "Live" });
      expect(t5.lineage.map((c: any) => c.tokenId)).to.deep.equal([tokens.t1, tokens.t2, tokens.t3].map(String));
      expect(t5.children).to.deep.equal([]);
      expect(t5.financing.map((f: any) => f.action)).to.deep.equal(["PledgeTaken"]);
      const t1 = await ok(`/receivable-certificates/${tokens.t1}`);
      expect(t1.lineage).to.deep.equal([]);
      expect(t1.children.map((c: any) => c.tokenId)).to.deep.equal([tokens.t2, tokens.t4].map(String));
      expect(t1.history.length).to.be.greaterThan(3);
      expect(t1.history.at(-1).status).to.equal("Redeemed");
      const t3 = await ok(`/receivable-certificates/${tokens.t3}`);
      expect(t3.history.map((h: any) => h.holder)).to.include(lower(apps.chain.accounts.supplier3));
      expect(t3.holder).to.equal(lower(apps.chain.accounts.core));
    });
    it("reads a certificate as of a block, and 404s before it existed", async () => {
      const { tokens, beforeDiscount } = apps.receivables;
      const t1 = await ok(`/receivable-certificates/${tokens.t1}?asOf=${beforeDiscount}`);
      expect(t1).to.include({ value: "690000", status: "Live" });
      expect(t1.children.map((c: any) => c.tokenId)).to.deep.equal([`${tokens.t2}`]);
      expect((await get(`/receivable-certificates/${tokens.t4}?asOf=${beforeDiscount}`)).status).to.equal(404);
    });
  });

  describe("bad requests and unknown ids", () => {
    const cases: [string, number][] = [
      ["/receivables/999", 404],
      ["/receivables/abc", 400],
      ["/receivables/-1", 400],
      ["/receivables/999/lineage", 404],
      ["/receivables/1/lineage?format=tree", 400],
      ["/receivables/1/lineage?includeRedeemed=maybe", 400],
      ["/receivables/1/lineage?asOf=999999999", 400],
      ["/receivables/1?unknown=1", 400],
      ["/receivables?status=Paid", 400],
      ["/receivables?creditor=0", 400],
      ["/receivables?limit=501", 400],
      ["/receivables?cursor=bogus", 400],
      ["/receivable-certificates?holder=0x1234", 400],
      ["/receivable-certificates?status=Burnt", 400],
      ["/receivable-certificates?sort=holder", 400],
      ["/receivable-certificates/99999", 404],
      ["/receivable-certificates/1x", 400],
    ];
    for (const [path, status] of cases) {
      it(`${path} → ${status}`, async () => expect((await get(path)).status).to.equal(status));
    }
  });

  it("documents its endpoints in the OpenAPI document", async () => {
    const doc = await ok("/openapi.json");
    for (const path of [
      "/receivables",
      "/receivables/{id}",
      "/receivables/{id}/lineage",
      "/receivable-certificates",
      "/receivable-certificates/{id}",
    ])
      expect(doc.paths).to.have.property(path);
  });

  describe("chain time", () => {
    it("every source carries its block's time: receivables, certificates, offers and the lineage tree", async () => {
      const { r1 } = apps.receivables;
      const certificate = (await ok("/receivable-certificates")).items[0].tokenId;
      await expectChainTimesEverywhere(ok, apps.chain.url, [
        `/receivables/${r1}`,
        `/receivables/${r1}/lineage`,
        `/receivables/${r1}/lineage?format=nested`,
        `/receivable-certificates/${certificate}`,
      ]);
    });
  });
});
