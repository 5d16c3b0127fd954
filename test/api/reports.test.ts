/**
 * Regulator reports (issue 20) over the demo chain, with the numbers its scenario makes (src/demo/scenario.ts): on a
 * dev chain everything but one LC draft is paid by its end, so the reports are read as of blocks during it (`asOf`).
 * Sign-in on: the regulator reads them, a bank is refused; the CLI prints them and their CSV.
 *
 * Known numbers (CNY minor units): Huaxin Bank (1) issued the LC for Huaxia Motors (4): three deferred drafts
 * accepted, 480,000 + 720,000 + 60,000; Minfeng Bank (2) discounted the 720,000 claim and sold it in the forfaiting
 * market to Jianghai Bank (3); the 60,000 draft stays unpaid. Receivable of 1,200,000 on Huaxia Motors, guaranteed by
 * Jianghai Bank; 200,000 of it discounted by Minfeng Bank; 300,000 pledged to Huaxin Bank; Huaxin Bank's issuance
 * limit 10,000,000. A court order executed by a vote froze half of Jianghai Bank's deposit tokens and a second vote
 * released it (no certificate or claim is frozen in the demo: every exposure record's frozen part is 0).
 */
import { expect } from "chai";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { JsonRpcProvider, keccak256, verifyMessage, Wallet, ZeroAddress } from "ethers";
import { DepositToken__factory, FreezeOrders__factory } from "@consortia/sdk/typechain";
import { signIn } from "@consortia/sdk";
import type { IndexerAndApi } from "../../src/api/start.js";
import { demoConsortium, type DemoMemberKey } from "../../src/demo/consortium.js";
import { useDemoChain } from "../indexer/demo-chain.js";
import { printRegulatorReport } from "../../src/demo/report.js";
import { exposureReport } from "../../src/api/routes/reports.js";
import { startChainApi, stopChainApi } from "./harness.js";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

const HUAXIN = 1;
const MINFENG = 2;
const JIANGHAI = 3;
const HUAXIA = 4;

describe("API and CLI: regulator reports", function () {
  this.timeout(900_000);
  const demo = useDemoChain();
  const members = demoConsortium();
  let api: IndexerAndApi;
  const tokens = new Map<DemoMemberKey, string>();
  /** Blocks of the scenario's steps, from the indexed events. */
  let traded: number;
  let pledged: number;

  const get = async (path: string, as: DemoMemberKey = "regulator", headers: Record<string, string> = {}) => {
    const response = await fetch(api.url + path, {
      headers: { authorization: `Bearer ${tokens.get(as)}`, ...headers },
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  const ok = async (path: string): Promise<Json> => {
    const { status, text } = await get(path);
    expect(status, `${path}: ${text}`).to.equal(200);
    return JSON.parse(text);
  };
  const blockOf = async (contract: string, event: string) =>
    Number(
      (
        await api.service.db.query<{ b: string }>(
          "SELECT min(block_number) AS b FROM events WHERE contract = $1 AND event = $2",
          [contract, event],
        )
      )[0].b,
    );
  const cli = (as: DemoMemberKey, ...args: string[]) =>
    execa(
      process.execPath,
      [
        "bin/consortia.js",
        ...["--rpc", demo.url, "--deployments", dirname(demo.deploymentsPath), "--as", as],
        ...args,
        ...["--api", api.url],
      ],
      { cwd: ROOT, reject: false },
    );
  const row = (bank: number, counterparty: number, instrument: string, amount: string, records = 1) => ({
    bank,
    counterparty,
    instrument,
    currency: "CNY",
    decimals: 2,
    amount,
    frozen: "0",
    records,
  });
  const strip = (rows: Json[]) => rows.map(({ bankName: _b, counterpartyName: _c, ...rest }) => rest);

  before(async () => {
    api = await startChainApi(demo, "reports", { apiAuth: "on", apiAuthSecret: "33".repeat(32) });
    for (const key of ["regulator", "bankA", "bankB", "coreA"] as const) {
      const wallet = new Wallet(members[key].privateKey);
      tokens.set(
        key,
        (await signIn({ api: api.url, account: wallet.address, signMessage: (m) => wallet.signMessage(m) })).token,
      );
    }
    traded = await blockOf("ForfaitingMarket", "ClaimTraded");
    pledged = await blockOf("ReceivableDesk", "Pledged");
    expect(traded).to.be.greaterThan(0);
    expect(pledged).to.be.greaterThan(traded);
  });
  after(async () => stopChainApi(api, undefined));

  describe("exposure", () => {
    it("after the forfaiting trade: the issuing bank's accepted drafts, the claim bought counted as forfaiting", async () => {
      const r = await ok(`/reports/exposure?asOf=${traded}`);
      expect(r.asOf).to.equal(traded);
      expect(strip(r.rows)).to.deep.equal([
        row(HUAXIN, HUAXIA, "lc_accepted", "126000000", 3),
        row(JIANGHAI, HUAXIN, "forfaiting", "72000000"),
      ]);
      expect(r.rows[1]).to.include({ bankName: "Jianghai Bank Co., Ltd.", counterpartyName: "Huaxin Bank Co., Ltd." });
    });

    it("during the receivable: discounted, pledged, guaranteed; totals per bank and per core enterprise; limits", async () => {
      const r = await ok(`/reports/exposure?asOf=${pledged}`);
      expect(strip(r.rows)).to.deep.equal([
        row(HUAXIN, HUAXIA, "lc_accepted", "6000000"),
        row(HUAXIN, HUAXIA, "receivable_pledged", "30000000"),
        row(MINFENG, HUAXIA, "receivable", "20000000"),
        row(JIANGHAI, HUAXIA, "receivable_guarantee", "120000000"),
      ]);
      expect(r.byBank.map((b: Json) => [b.bank, b.amount, b.records])).to.deep.equal([
        [HUAXIN, "36000000", 2],
        [MINFENG, "20000000", 1],
        [JIANGHAI, "120000000", 1],
      ]);
      expect(r.byObligor).to.deep.equal([
        {
          obligor: HUAXIA,
          obligorName: "Huaxia Motors Group Co., Ltd.",
          currency: "CNY",
          decimals: 2,
          amount: "176000000",
          frozen: "0",
          records: 4,
        },
      ]);
      expect(r.limits).to.deep.equal([
        {
          obligor: HUAXIA,
          obligorName: "Huaxia Motors Group Co., Ltd.",
          bank: HUAXIN,
          bankName: "Huaxin Bank Co., Ltd.",
          limit: "1000000000",
          total: "1000000000",
          utilised: "120000000",
          limited: true,
        },
      ]);
    });

    it("the pledge released: gone from the next block's report", async () => {
      const r = await ok(`/reports/exposure?asOf=${pledged + 1}`);
      expect(r.rows.map((x: Json) => x.instrument)).to.not.include("receivable_pledged");
    });

    it("at the end (everything paid but one draft): the unpaid 60,000 draft alone", async () => {
      const r = await ok("/reports/exposure");
      expect(r.asOf).to.equal(null);
      expect(strip(r.rows)).to.deep.equal([row(HUAXIN, HUAXIA, "lc_accepted", "6000000")]);
      expect(r.limits[0]).to.include({ utilised: "0" });
    });

    it("CSV: RFC 4180 quoting of names with commas, exact minor units, currency and decimals; per view", async () => {
      const expected =
        "bank,bankName,counterparty,counterpartyName,instrument,currency,decimals,amount,frozen,records\r\n" +
        '1,"Huaxin Bank Co., Ltd.",4,"Huaxia Motors Group Co., Ltd.",lc_accepted,CNY,2,6000000,0,1\r\n' +
        '1,"Huaxin Bank Co., Ltd.",4,"Huaxia Motors Group Co., Ltd.",receivable_pledged,CNY,2,30000000,0,1\r\n' +
        '2,"Minfeng Bank Co., Ltd.",4,"Huaxia Motors Group Co., Ltd.",receivable,CNY,2,20000000,0,1\r\n' +
        '3,"Jianghai Bank Co., Ltd.",4,"Huaxia Motors Group Co., Ltd.",receivable_guarantee,CNY,2,120000000,0,1\r\n';
      const byParam = await get(`/reports/exposure?asOf=${pledged}&format=csv`);
      expect(byParam.status).to.equal(200);
      expect(byParam.headers.get("content-type")).to.match(/^text\/csv/);
      expect(byParam.headers.get("content-disposition")).to.equal(
        `attachment; filename="exposure-detail-block-${pledged}.csv"`,
      );
      expect(byParam.text).to.equal(expected);
      const byAccept = await get(`/reports/exposure?asOf=${pledged}`, "regulator", { accept: "text/csv" });
      expect(byAccept.text).to.equal(expected);
      const json = await get(`/reports/exposure?asOf=${pledged}&format=json`, "regulator", { accept: "text/csv" });
      expect(JSON.parse(json.text).rows).to.have.length(4);
      const banks = await get(`/reports/exposure?asOf=${pledged}&format=csv&view=bank`);
      expect(banks.text.split("\r\n")[0]).to.equal("bank,bankName,currency,decimals,amount,frozen,records");
      expect(banks.text).to.contain('\r\n3,"Jianghai Bank Co., Ltd.",CNY,2,120000000,0,1\r\n');
      const limits = await get(`/reports/exposure?asOf=${pledged}&format=csv&view=limits`);
      expect(limits.text).to.contain(
        '4,"Huaxia Motors Group Co., Ltd.",1,"Huaxin Bank Co., Ltd.",1000000000,1000000000,120000000,true\r\n',
      );
    });

    it("frozen value: the demo's freeze order as the chain's FreezeOrders and token have it at that block; 0 after", async () => {
      const activated = await blockOf("FreezeOrders", "FreezeActivated");
      const released = await blockOf("FreezeOrders", "FreezeReleased");
      expect(released).to.be.greaterThan(activated);
      const { target, frozen } = demo.result.freeze;
      const r = await ok(`/reports/exposure?asOf=${activated}`);
      expect(r.frozenDeposits).to.have.length(1);
      const [deposit] = r.frozenDeposits;
      const provider = new JsonRpcProvider(demo.url);
      const register = FreezeOrders__factory.connect(
        String(demo.deployments.contracts.FreezeOrders?.address),
        provider,
      );
      const token = DepositToken__factory.connect(deposit.token, provider);
      const blockTag = activated;
      const onChain = await register.frozenAmount(deposit.token, ZeroAddress, BigInt(target), { blockTag });
      const balance = await token.balanceOf(target, { blockTag });
      expect(onChain).to.equal(frozen);
      expect(deposit).to.deep.equal({
        member: JIANGHAI,
        memberName: "Jianghai Bank Co., Ltd.",
        account: target.toLowerCase(),
        token: deposit.token,
        balance: balance.toString(),
        frozen: (onChain < balance ? onChain : balance).toString(),
        orders: 1,
      });
      expect(deposit.frozen).to.equal(frozen.toString());
      expect((await provider.getBlock(activated))?.timestamp).to.equal(r.frozenAt);
      for (const x of [...r.rows, ...r.byBank, ...r.byObligor]) expect(x.frozen).to.equal("0");
      // Judged at chain time: the same block read past the order's expiry freezes nothing.
      const expiry = Number((await register.order(demo.result.freeze.orderId, { blockTag })).expiry);
      expect((await exposureReport(api.service.db, activated, expiry - 1)).frozenDeposits).to.have.length(1);
      expect((await exposureReport(api.service.db, activated, expiry)).frozenDeposits).to.deep.equal([]);
      // Released: nothing frozen from the release's block on.
      const after = await ok(`/reports/exposure?asOf=${released}`);
      expect(after.frozenDeposits).to.deep.equal([]);
      expect(await register.frozenAmount(deposit.token, ZeroAddress, BigInt(target), { blockTag: released })).to.equal(
        0n,
      );
      const csv = await get(`/reports/exposure?asOf=${activated}&format=csv&view=frozen`);
      expect(csv.text).to.equal(
        "member,memberName,account,token,balance,frozen,orders\r\n" +
          `3,"Jianghai Bank Co., Ltd.",${target.toLowerCase()},${deposit.token},${balance},${deposit.frozen},1\r\n`,
      );
      expect((await get(`/reports/exposure?asOf=${released}&format=csv&view=frozen`)).text).to.equal(
        "member,memberName,account,token,balance,frozen,orders\r\n",
      );
    });

    it("refuses an asOf beyond the index and an unknown view (400)", async () => {
      expect((await get("/reports/exposure?asOf=999999999")).status).to.equal(400);
      expect((await get("/reports/exposure?view=everything")).status).to.equal(400);
      expect((await get("/reports/exposure?format=xml")).status).to.equal(400);
    });
  });

  describe("overdue", () => {
    it("judged at the asOf block's time: the 60,000 draft past maturity, not yet the receivable", async () => {
      const r = await ok(`/reports/overdue?asOf=${pledged}`);
      expect(r.rows.map((x: Json) => [x.creditor, x.debtor, x.instrument, x.amount])).to.deep.equal([
        [members.supplier1.memberId, HUAXIN, "lc_claim", "6000000"],
      ]);
      expect(r.rows[0].due).to.be.lessThan(r.at);
      expect(r.rows[0].daysOverdue).to.equal(Math.floor((r.at - r.rows[0].due) / 86_400));
    });

    it("once the receivable matured, before Huaxia Motors funded: every live certificate, by holder", async () => {
      const funded = await blockOf("ReceivableDesk", "ReceivableFunded");
      const r = await ok(`/reports/overdue?asOf=${funded - 1}&overdueAt=${Number.MAX_SAFE_INTEGER}`);
      const receivables = r.rows.filter((x: Json) => x.instrument === "receivable");
      // Jiangnan financed 350,000 of its 700,000 with Huaxin Bank (the demo's multi-bank request).
      expect(receivables.map((x: Json) => [x.creditor, x.amount])).to.have.deep.members([
        [members.supplier1.memberId, "35000000"],
        [members.supplier3.memberId, "30000000"],
        [MINFENG, "20000000"],
        [HUAXIN, "35000000"],
      ]);
      expect(r.byCreditor.find((c: Json) => c.creditor === MINFENG)).to.include({ amount: "20000000", records: 1 });
    });

    it("CSV of the overdue list", async () => {
      const { text } = await get(`/reports/overdue?asOf=${pledged}&format=csv`);
      const [header, first, end] = text.split("\r\n");
      expect(header).to.equal(
        "creditor,creditorName,debtor,debtorName,instrument,record,currency,decimals,amount,due,daysOverdue",
      );
      expect(first).to.match(
        /^6,"Jiangnan Precision Parts Co\., Ltd\.",1,"Huaxin Bank Co\., Ltd\.",lc_claim,\d+,CNY,2,6000000,\d+,\d+$/,
      );
      expect(end).to.equal("");
    });
  });

  describe("concentration", () => {
    it("one counterparty per bank in the demo: the whole share, HHI 10000", async () => {
      const r = await ok(`/reports/concentration?asOf=${pledged}&top=3`);
      expect(r.top).to.equal(3);
      expect(r.banks.map((b: Json) => [b.bank, b.total, b.counterparties, b.topShareBps, b.hhi])).to.deep.equal([
        [HUAXIN, "36000000", 1, 10000, 10000],
        [MINFENG, "20000000", 1, 10000, 10000],
        [JIANGHAI, "120000000", 1, 10000, 10000],
      ]);
      const { text } = await get(`/reports/concentration?asOf=${pledged}&top=3&format=csv`);
      expect(text.split("\r\n")[1]).to.equal(
        '1,"Huaxin Bank Co., Ltd.",CNY,2,36000000,1,10000,10000,1,4,"Huaxia Motors Group Co., Ltd.",36000000,10000',
      );
    });
  });

  describe("access", () => {
    it("refuses a bank and a core enterprise (403), whatever deals they are party to; anonymous 401", async () => {
      for (const path of [
        "/reports/exposure",
        "/reports/overdue",
        "/reports/concentration",
        "/reports/duplicate-financing",
      ]) {
        for (const as of ["bankA", "coreA"] as const) {
          const denied = await get(`${path}?format=csv`, as);
          expect(denied.status, `${path} as ${as}`).to.equal(403);
          expect(JSON.parse(denied.text).message).to.match(/regulator and auditors only/);
        }
        expect((await fetch(api.url + path)).status).to.equal(401);
      }
    });
  });

  describe("CLI", () => {
    it("consortia report exposure --csv prints the API's CSV; the table names banks and amounts in yuan", async () => {
      const csv = await cli("regulator", "report", "exposure", "--as-of", String(pledged), "--csv");
      expect(csv.exitCode, csv.stderr).to.equal(0);
      expect(`${csv.stdout}\n`.replaceAll("\r\n", "\n")).to.equal(
        (await get(`/reports/exposure?asOf=${pledged}&format=csv`)).text.replaceAll("\r\n", "\n"),
      );
      const human = await cli("regulator", "report", "exposure", "--as-of", String(pledged));
      expect(human.exitCode, human.stderr).to.equal(0);
      expect(human.stdout).to.contain(`Exposure as of block ${pledged}`);
      expect(human.stdout).to.match(
        /Jianghai Bank Co\., Ltd\. \(3\)\s+Huaxia Motors Group Co\., Ltd\. \(4\)\s+receivable_guarantee\s+1\s+1200000\.00 CNY/,
      );
      const limits = await cli(
        "regulator",
        "report",
        "exposure",
        "--as-of",
        String(pledged),
        "--csv",
        "--view",
        "limits",
      );
      expect(limits.stdout.split(/\r?\n/)[0]).to.equal(
        "obligor,obligorName,bank,bankName,limit,total,utilised,limited",
      );
      const activated = await blockOf("FreezeOrders", "FreezeActivated");
      const frozen = await cli("regulator", "report", "exposure", "--as-of", String(activated));
      expect(frozen.exitCode, frozen.stderr).to.equal(0);
      expect(frozen.stdout).to.contain("Deposit tokens frozen (orders in force at ");
      expect(frozen.stdout).to.match(
        new RegExp(
          `Jianghai Bank Co\\., Ltd\\. \\(3\\)\\s+${demo.result.freeze.target.toLowerCase()}\\s+0x[0-9a-fA-F]{40}\\s+\\d+\\s+${demo.result.freeze.frozen}\\s+1`,
        ),
      );
      const frozenCsv = await cli(
        "regulator",
        "report",
        "exposure",
        "--as-of",
        String(activated),
        "--csv",
        "--view",
        "frozen",
      );
      expect(frozenCsv.stdout.split(/\r?\n/)[0]).to.equal("member,memberName,account,token,balance,frozen,orders");
    });

    it("consortia report overdue and concentration (--json, --top)", async () => {
      const overdue = await cli("regulator", "--json", "report", "overdue", "--as-of", String(pledged));
      expect(overdue.exitCode, overdue.stderr).to.equal(0);
      expect(JSON.parse(overdue.stdout).rows.map((x: Json) => x.amount)).to.deep.equal(["6000000"]);
      const concentration = await cli("regulator", "report", "concentration", "--as-of", String(pledged), "--top", "3");
      expect(concentration.exitCode, concentration.stderr).to.equal(0);
      expect(concentration.stdout).to.match(/Minfeng Bank Co\., Ltd\. \(2\)\s+200000\.00 CNY\s+1\s+100\.00%\s+10000/);
    });

    it("consortia report unattested: the LC claim Jianghai Bank bought without attestations; a bank sees its own", async () => {
      const zero = `0x${"0".repeat(64)}`;
      const all = await cli("regulator", "--json", "report", "unattested", "--application", "ForfaitingPurchase");
      expect(all.exitCode, all.stderr).to.equal(0);
      const items = JSON.parse(all.stdout).items as Json[];
      expect(items.map((x) => [x.application, x.bank, x.action, x.subjectKey, x.policy, x.value])).to.deep.equal([
        ["ForfaitingPurchase", JIANGHAI, "ClaimTraded", zero, [], "72000000"],
      ]);
      expect(items[0].source.block).to.equal(traded);
      const human = await cli("regulator", "report", "unattested", "--application", "ForfaitingPurchase");
      expect(human.exitCode, human.stderr).to.equal(0);
      expect(human.stdout).to.match(
        new RegExp(`ForfaitingPurchase\\s+offer ${items[0].offerId}\\s+ClaimTraded\\s+3\\s+${zero}\\s+none`),
      );
      const own = await cli("bankA", "--json", "report", "unattested", "--application", "ForfaitingPurchase");
      expect(own.exitCode, own.stderr).to.equal(0);
      expect(JSON.parse(own.stdout).items).to.deep.equal([]);
      const bad = await cli("regulator", "report", "unattested", "--application", "LcHonor");
      expect(bad.exitCode).to.equal(2);
    });

    it("consortia report duplicate-financing: the demo's refused check by Yuehai Bank, as a row and in CSV", async () => {
      const json = await cli("regulator", "--json", "report", "duplicate-financing");
      expect(json.exitCode, json.stderr).to.equal(0);
      const rows = JSON.parse(json.stdout).rows as { member: number; source: string; documentId: string }[];
      // The demo's one refused attempt: Yuehai Bank's recorded check of the invoice already held by the receivable.
      expect(rows.map((r) => [r.member, r.source, r.documentId])).to.deep.equal([
        [demoConsortium().bankC.memberId, "check", demo.result.receivables.invoiceKey],
      ]);
      const human = await cli("regulator", "report", "duplicate-financing");
      expect(human.exitCode, human.stderr).to.equal(0);
      expect(human.stdout).to.not.contain("No refused duplicate-financing attempt.");
      const csv = await cli("regulator", "report", "duplicate-financing", "--csv");
      expect(csv.exitCode, csv.stderr).to.equal(0);
      expect(csv.stdout.split(/\r?\n/)).to.have.length.greaterThan(1);
      expect(csv.stdout.split(/\r?\n/)[0]).to.equal(
        "block,time,txHash,member,memberName,source,appName,app,record,documentId,currency,decimals,amount,face," +
          "financed,paid,holderAppName,holderApp,holderRecord",
      );
      const bad = await cli("regulator", "report", "duplicate-financing", "--member", "bankA");
      expect(bad.exitCode).to.equal(2);
    });

    it("a bank is refused by the API (exit 1, the 403 named); a bad --top is a usage error (exit 2)", async () => {
      const denied = await cli("bankA", "report", "exposure");
      expect(denied.exitCode).to.equal(1);
      expect(denied.stderr).to.match(/403.*regulator and auditors only/);
      const bad = await cli("regulator", "report", "concentration", "--top", "many");
      expect(bad.exitCode).to.equal(2);
    });
  });

  describe("registration-platform export and import", () => {
    const get2 = async (as: DemoMemberKey) => JSON.parse((await get("/registrations?limit=500", as)).text).items;

    it("GET /registrations: the transfer, the discount (factoring) and the pledge with its cancellation", async () => {
      const items = await get2("regulator");
      const invoiceKey = demo.result.receivables.invoiceKey;
      expect(
        items.map((r: Json) => [r.registrationType, r.registrant, r.counterparty, r.amount, r.price, r.status]),
      ).to.deep.equal([
        ["transfer", members.supplier3.memberId, members.supplier1.memberId, "50000000", null, "registered"],
        ["factoring", MINFENG, members.supplier4.memberId, "20000000", "19600000", "registered"],
        ["pledge", HUAXIN, members.supplier1.memberId, "30000000", null, "cancelled"],
      ]);
      for (const r of items) expect(r.property.invoiceKey).to.equal(invoiceKey);
      const pledge = items[2];
      expect(pledge.amendments).to.deep.equal([
        {
          registrationNumber: `${pledge.registrationNumber}-A1`,
          amends: pledge.registrationNumber,
          amendmentType: "cancellation",
          description: "pledge released by the pledgee",
          newTokenId: null,
        },
      ]);
      // A member reads the registrations it is registrant or counterparty of.
      expect((await get2("bankA")).map((r: Json) => r.registrationType)).to.deep.equal(["pledge"]);
      expect((await get2("bankB")).map((r: Json) => r.registrationType)).to.deep.equal(["factoring"]);
      expect(await get2("coreA")).to.deep.equal([]);
    });

    it("consortia registration export --csv: a line per registration and per amendment", async () => {
      const out = await cli("bankA", "registration", "export", "--csv");
      expect(out.exitCode, out.stderr).to.equal(0);
      const lines = out.stdout.split(/\r?\n/);
      expect(lines[0]).to.equal(
        "registrationNumber,registrationType,amends,registrant,counterparty,receivableId,tokenId,invoiceKey," +
          "documentsHash,amount,currency,price,termEnd,status,description",
      );
      expect(
        lines
          .slice(1)
          .filter((l) => l !== "")
          .map((l) => l.split(",").slice(0, 4)),
      ).to.deep.equal([
        ["CNS-PLEDGE-1", "pledge", "", "1"],
        ["CNS-PLEDGE-1-A1", "cancellation", "CNS-PLEDGE-1", "1"],
      ]);
    });

    it("consortia registration import: matched, differing, registered elsewhere, missing, unknown; signed proof", async () => {
      const items = await get2("regulator");
      const [transfer, discount, pledge] = items;
      const queryResult = join(demo.dir, "zdw-query.json");
      const proofFile = join(demo.dir, "zdw-proof.json");
      await writeFile(
        queryResult,
        JSON.stringify({
          records: [
            { ...pledge },
            { ...discount, amount: "1" },
            { registrationNumber: "ZDW-2026-000123", registrationType: "transfer", property: pledge.property },
            { registrationNumber: "ZDW-2026-000999", registrationType: "pledge", property: { invoiceKey: "0x01" } },
          ],
        }),
      );
      const out = await cli("regulator", "--json", "registration", "import", queryResult, "--proof", proofFile);
      expect(out.exitCode, out.stderr).to.equal(0);
      const result = JSON.parse(out.stdout);
      expect(result.matched).to.deep.equal([pledge.registrationNumber]);
      expect(result.differing).to.deep.equal([{ registrationNumber: discount.registrationNumber, fields: ["amount"] }]);
      expect(result.elsewhere.map((e: Json) => e.registrationNumber)).to.deep.equal(["ZDW-2026-000123"]);
      expect(result.missing).to.deep.equal([transfer.registrationNumber]);
      expect(result.unknown).to.deep.equal(["ZDW-2026-000999"]);
      const proof = JSON.parse(await readFile(proofFile, "utf8"));
      expect(proof.queryResultHash).to.equal(keccak256(await readFile(queryResult)));
      expect(verifyMessage(proof.statement, proof.signature)).to.equal(members.regulator.account);
      expect(proof.statement).to.contain(proof.queryResultHash);
      const bad = await cli("regulator", "registration", "import", join(demo.dir, "nothing.json"));
      expect(bad.exitCode).to.equal(2);
    });
  });

  describe("demo step", () => {
    it("prints the regulator's exposure mid-way (as of the pledge) and now, and what is overdue", async () => {
      const lines: string[] = [];
      await printRegulatorReport({ db: api.service.db, api: api.url, head: demo.head, log: (l) => lines.push(l) });
      expect(lines[0]).to.equal(`regulator's exposure report as of the pledge (block ${pledged}):`);
      expect(lines).to.include(
        "  Jianghai Bank Co., Ltd. -> Huaxia Motors Group Co., Ltd.: receivable_guarantee 1,200,000.00 CNY",
      );
      expect(lines.some((l) => l.startsWith("regulator's exposure report as of the freeze order (block "))).to.equal(
        true,
      );
      expect(lines).to.include(
        `  frozen deposits of Jianghai Bank Co., Ltd.: ${demo.result.freeze.frozen} of ` +
          `${(await exposureReport(api.service.db, await blockOf("FreezeOrders", "FreezeActivated"))).frozenDeposits[0].balance} (token minor units)`,
      );
      expect(lines).to.include("regulator's exposure report now:");
      expect(lines).to.include("  Huaxin Bank Co., Ltd. -> Huaxia Motors Group Co., Ltd.: lc_accepted 60,000.00 CNY");
      const overdue = lines.slice(lines.indexOf("overdue now:") + 1);
      expect(overdue[0]).to.match(
        /^ {2}Huaxin Bank Co\., Ltd\. owes Jiangnan Precision Parts Co\., Ltd\. 60,000\.00 CNY \(lc_claim \d+, \d+ days overdue\)$/,
      );
    });
  });
});
