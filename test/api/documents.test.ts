import { expect } from "chai";
import type { IndexerAndApi } from "../../src/api/start.js";
import { API_TOKEN, appsApi, appsChain, type Apps } from "../indexer/apps-chain.js";

describe("API: financed documents", function () {
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
  const invoiceOf = async (receivableId: bigint) => (await apps.chain.desk.receivable(receivableId)).invoiceKey;

  before(async () => {
    apps = await appsChain();
    api = await appsApi();
  });

  it("GET /documents/:documentId answers a document's standing and its holds, as the register has them", async () => {
    const { r1, r2 } = apps.receivables;
    const desk = (await apps.chain.desk.getAddress()).toLowerCase();
    const held = await ok(`/documents/${await invoiceOf(r1)}`);
    expect(held).to.include({ face: "1000000", currency: "CNY", financed: "1000000", paid: "0", available: "0" });
    expect(held).to.include({ openHolds: 1, lastApp: desk, lastRecord: `${r1}` });
    expect(held.holds).to.have.length(1);
    expect(held.holds[0]).to.include({
      app: desk,
      record: `${r1}`,
      status: "Held",
      amount: "1000000",
      financier: null,
    });
    const paid = await ok(`/documents/${await invoiceOf(r2)}`);
    expect(paid).to.include({ financed: "0", available: "0", openHolds: 0 });
    expect(paid.paid).to.equal(paid.face);
    expect(paid.holds[0]).to.include({ status: "Paid" });
    const onChain = await apps.chain.documents.financedAmount(await invoiceOf(r1));
    expect(held.financed).to.equal(onChain.toString());
  });

  it("answers 404 for a document never held and 400 for a malformed id", async () => {
    expect((await get(`/documents/0x${"ab".repeat(32)}`)).status).to.equal(404);
    expect((await get("/documents/0x1234")).status).to.equal(400);
  });

  it("GET /issuance-limits/:obligor answers utilisation, banks and every use and release", async () => {
    const obligor = apps.chain.ids.core;
    const body = await ok(`/issuance-limits/${obligor}`);
    const o = await apps.chain.limits.obligorLimits(obligor);
    expect(body).to.include({ obligor, limited: o.limited, utilised: o.utilised.toString() });
    expect(body.uses.map((u: any) => u.action)).to.include.members(["Used", "Released"]);
    expect((await ok("/issuance-limits")).items.map((i: any) => i.obligor)).to.include(obligor);
    expect((await get("/issuance-limits/999999")).status).to.equal(404);
  });

  it("lists documents and holds, filtered by application and status", async () => {
    const desk = (await apps.chain.desk.getAddress()).toLowerCase();
    const documents = await ok(`/documents?lastApp=${desk}&limit=500`);
    expect(documents.items.length).to.be.greaterThan(0);
    const paid = await ok(`/document-holds?status=Paid&app=${desk}&limit=500`);
    expect(paid.items.map((h: any) => h.record)).to.include(`${apps.receivables.r2}`);
    expect(paid.items.every((h: any) => h.status === "Paid")).to.equal(true);
  });
});
