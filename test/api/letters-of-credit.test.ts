import { expect } from "chai";
import { startTradeFinanceApi, type TradeFinanceApi } from "../indexer/trade-finance-chain.js";
import { expectChainTimesEverywhere } from "./chain-time.js";

describe("API: letters of credit and interbank positions", function () {
  this.timeout(180_000);
  let t: TradeFinanceApi;
  let ids: TradeFinanceApi["chain"]["ids"];

  before(async () => {
    t = await startTradeFinanceApi();
    ids = t.chain.ids;
  });
  after(async () => t?.stop());

  const idsOf = (items: { id: string }[]) => items.map((i) => i.id);

  describe("/letters-of-credit", () => {
    it("lists every LC with its state, and filters by party, role, state and payment kind", async () => {
      const s = t.scenario;
      const all = await t.ok("/letters-of-credit");
      expect(idsOf(all.items)).to.deep.equal([s.sightLc, s.deferredLc, s.declinedLc, s.expiredLc].map(String));
      expect(all.nextCursor).to.equal(null);
      expect(idsOf((await t.ok(`/letters-of-credit?party=${ids.core}`)).items)).to.have.length(4);
      expect(idsOf((await t.ok(`/letters-of-credit?party=${ids.bankC}`)).items)).to.deep.equal([]);
      expect(idsOf((await t.ok(`/letters-of-credit?nominatedBank=${ids.bankB}`)).items)).to.deep.equal([
        String(s.sightLc),
      ]);
      expect(idsOf((await t.ok(`/letters-of-credit?party=${ids.bankB}&state=Cancelled`)).items)).to.deep.equal([
        String(s.sightLc),
      ]);
      expect(idsOf((await t.ok("/letters-of-credit?deferred=true")).items)).to.deep.equal([String(s.deferredLc)]);
      expect(idsOf((await t.ok(`/letters-of-credit?issuingBank=${ids.bankB}`)).items)).to.deep.equal([]);
      const declined = (await t.ok("/letters-of-credit?state=Declined")).items[0];
      expect(declined).to.include({ id: String(s.declinedLc), applicant: ids.core, issuingBank: ids.bankA });
    });

    it("equals the contract's record", async () => {
      const lc = await t.ok(`/letters-of-credit/${t.scenario.sightLc}`);
      const chainLc = await t.apps.lc.letterOfCredit(t.scenario.sightLc);
      expect(lc).to.include({
        state: "Cancelled",
        amount: chainLc.amount.toString(),
        drawn: chainLc.drawn.toString(),
        reserved: "0",
        currency: "CNY",
        confirmed: true,
        termsHash: chainLc.termsHash,
        nominatedBank: ids.bankB,
        expiry: Number(chainLc.expiry),
      });
      expect(lc.tolerance).to.deep.equal({ plus: 5, minus: 5 });
    });

    it("sorts by amount and expiry, and pages with cursors bound to their sort", async () => {
      const byAmount = (await t.ok("/letters-of-credit?sort=amount&order=desc")).items.map((l: any) =>
        BigInt(l.amount),
      );
      expect(byAmount).to.deep.equal([...byAmount].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
      const byExpiry = (await t.ok("/letters-of-credit?sort=expiry")).items.map((l: any) => l.expiry);
      expect(byExpiry).to.deep.equal([...byExpiry].sort((a, b) => a - b));
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const body: any = await t.ok(`/letters-of-credit?limit=3&sort=expiry${cursor ? `&cursor=${cursor}` : ""}`);
        seen.push(...idsOf(body.items));
        cursor = body.nextCursor;
        pages++;
      } while (cursor !== null);
      expect(pages).to.equal(2);
      expect([...seen].sort()).to.deep.equal(["1", "2", "3", "4"]);
      expect((await t.ok("/letters-of-credit?limit=4")).nextCursor).to.equal(null);
      const first = await t.ok("/letters-of-credit?limit=1&sort=amount");
      expect(first.nextCursor).to.be.a("string");
      expect((await t.get(`/letters-of-credit?limit=1&sort=id&cursor=${first.nextCursor}`)).status).to.equal(400);
    });

    it("shows one LC with presentations, amendments and timeline, also as of an earlier block", async () => {
      const s = t.scenario;
      const lc = await t.ok(`/letters-of-credit/${s.sightLc}`);
      expect(lc.presentations.map((p: any) => [p.id, p.state])).to.deep.equal([
        [String(s.paidPresentation), "Paid"],
        [String(s.waivedPresentation), "Refused"],
        [String(s.refusedPresentation), "Refused"],
      ]);
      expect(lc.amendments.map((a: any) => [a.status, a.amount])).to.deep.equal([
        ["Accepted", "120000"],
        ["Rejected", "150000"],
      ]);
      expect(lc.timeline[0]).to.include({ event: "LetterOfCreditIssued", memberId: ids.bankA, state: "Issued" });
      expect(lc.timeline.at(-1)).to.include({
        event: "LetterOfCreditClosed",
        state: "Cancelled",
        memberId: ids.supplier1,
      });
      const closing = lc.source.block;
      const before = await t.ok(`/letters-of-credit/${s.sightLc}?asOf=${closing - 1}`);
      expect(before.state).to.equal("Acknowledged");
      expect(before.cancellationRequested).to.equal(true);
      expect(before.timeline).to.have.length(lc.timeline.length - 1);
      expect((await t.get(`/letters-of-credit/${s.sightLc}?asOf=${lc.created.block - 1}`)).status).to.equal(404);
    });

    it("pages an LC's timeline and filters it by event and member", async () => {
      const s = t.scenario;
      const full = await t.ok(`/letters-of-credit/${s.sightLc}/timeline?limit=500`);
      const first = await t.ok(`/letters-of-credit/${s.sightLc}/timeline?limit=10`);
      const second = await t.ok(`/letters-of-credit/${s.sightLc}/timeline?limit=500&cursor=${first.nextCursor}`);
      expect([...first.items, ...second.items]).to.deep.equal(full.items);
      const desc = await t.ok(`/letters-of-credit/${s.sightLc}/timeline?limit=500&order=desc`);
      expect(desc.items).to.deep.equal([...full.items].reverse());
      const presented = await t.ok(`/letters-of-credit/${s.sightLc}/timeline?event=DocumentsPresented`);
      expect(presented.items).to.have.length(3);
      expect(presented.items[0].hashes.documents).to.have.length(3);
      const byCore = await t.ok(`/letters-of-credit/${s.sightLc}/timeline?member=${ids.core}`);
      expect(byCore.items.map((e: any) => e.event)).to.deep.equal(["DiscrepanciesWaived"]);
    });
  });

  describe("/lc-presentations", () => {
    it("lists presentations by LC, state, holder and maturity", async () => {
      const s = t.scenario;
      expect((await t.ok(`/lc-presentations?lcId=${s.sightLc}`)).items).to.have.length(3);
      expect(idsOf((await t.ok("/lc-presentations?state=Refused")).items)).to.deep.equal(
        [s.waivedPresentation, s.refusedPresentation].map(String),
      );
      expect(idsOf((await t.ok(`/lc-presentations?holderMember=${ids.bankB}`)).items)).to.deep.equal([
        String(s.claimId),
      ]);
      const holder = t.chain.accounts.bankB.address;
      expect(idsOf((await t.ok(`/lc-presentations?holder=${holder}`)).items)).to.deep.equal([String(s.claimId)]);
      expect(
        (await t.ok(`/lc-presentations?maturityFrom=${s.maturity}&maturityTo=${s.maturity}`)).items,
      ).to.have.length(1);
      expect((await t.ok(`/lc-presentations?maturityFrom=${s.maturity + 1n}`)).items).to.have.length(0);
      const byMaturity = await t.ok("/lc-presentations?sort=maturity&order=desc&limit=1");
      expect(byMaturity.items[0].id).to.equal(String(s.claimId));
      const rest = await t.ok(`/lc-presentations?sort=maturity&order=desc&limit=10&cursor=${byMaturity.nextCursor}`);
      expect(rest.items).to.have.length(3);
    });

    it("shows what the automatic checks found on each presentation, as LcPresentationChecks records it", async () => {
      const lc = await t.apps.lc.getAddress();
      const checks = t.chain.deployments.contracts.LcPresentationChecks!.address;
      const { LcPresentationChecks__factory } = await import("@consortia/sdk/typechain");
      const contract = LcPresentationChecks__factory.connect(checks, t.apps.lc.runner);
      const { items } = await t.ok(`/lc-presentations?lcId=${t.scenario.sightLc}`);
      expect(items).to.have.length(3);
      for (const item of items) {
        const f = await contract.findings(lc, BigInt(item.id));
        expect(item.checks).to.not.equal(null);
        expect(item.checks.missingKinds).to.equal(Number(f.missingKinds));
        expect(item.checks.codes.length > 0).to.equal(f.codes !== 0n);
        expect(item.checks.shipmentDate).to.equal(f.shipmentStated ? Number(f.shipmentDate) : null);
      }
      const one = await t.ok(`/lc-presentations/${items[0].id}`);
      expect(one.checks).to.deep.equal(items[0].checks);
    });

    it("shows a claim with its holder history, also as of before its first sale", async () => {
      const s = t.scenario;
      const claim = await t.ok(`/lc-presentations/${s.claimId}`);
      const info = await t.apps.lc.claimInfo(s.claimId);
      expect(claim).to.include({ state: "Paid", holder: info.holder.toLowerCase(), maturity: Number(info.maturity) });
      expect(claim.holders.map((h: any) => [h.reason, h.holderMember])).to.deep.equal([
        ["accepted", ids.supplier1],
        ["transferred", ids.bankB],
        ["transferred", ids.bankC],
        ["transferred", ids.bankB],
      ]);
      expect(claim.timeline.map((e: any) => e.event)).to.include.members(["ClaimApproval", "ClaimTransferred"]);
      const before = await t.ok(`/lc-presentations/${s.claimId}?asOf=${s.firstTradeBlock - 1}`);
      expect(before).to.include({ state: "Accepted", holderMember: ids.bankB });
      expect(before.holders).to.have.length(2);
    });
  });

  describe("interbank positions", () => {
    it("gives a bank's credit lines granted and received, equal to the contract's", async () => {
      const lines = await t.ok(`/banks/${ids.bankA}/credit-lines`);
      expect(lines.settlementAccount).to.equal(t.chain.accounts.bankA.address.toLowerCase());
      expect(lines.granted.map((l: any) => l.grantee)).to.deep.equal([ids.bankB]);
      expect(lines.received.map((l: any) => l.grantor)).to.deep.equal([ids.bankB, ids.bankC]);
      for (const l of [...lines.granted, ...lines.received]) {
        const line = await t.apps.positions.creditLine(l.grantor, l.grantee);
        expect([l.limit, l.used]).to.deep.equal([line.limit.toString(), line.used.toString()]);
        expect(BigInt(l.available)).to.equal(line.limit - line.used);
      }
      const changes = await t.apps.positions.queryFilter(t.apps.positions.filters.CreditLineSet(ids.bankC, ids.bankA));
      expect(changes.map((c) => c.args.limit)).to.deep.equal([100_000n, 200_000n]);
      const earlier = await t.ok(`/banks/${ids.bankA}/credit-lines?asOf=${changes[1].blockNumber - 1}`);
      expect(earlier.received.find((l: any) => l.grantor === ids.bankC).limit).to.equal("100000");
    });

    it("lists a bank's obligations by status and role, with open totals", async () => {
      const open = await t.ok(`/banks/${ids.bankA}/obligations?status=Open`);
      expect(open.items.map((o: any) => [o.debtor, o.creditor, o.amount])).to.deep.equal([
        [ids.bankB, ids.bankA, "7000"],
      ]);
      expect(open.totals).to.deep.equal({ owes: "0", owed: "7000" });
      const asDebtor = await t.ok(`/banks/${ids.bankA}/obligations?role=debtor`);
      expect(asDebtor.items.map((o: any) => [o.status, o.currency])).to.deep.equal([
        ["Netted", 0],
        ["Netted", 0],
        ["Netted", 0],
        ["Netted", 840],
      ]);
      const netted = await t.ok(`/banks/${ids.bankB}/obligations?status=Netted&counterparty=${ids.bankA}`);
      expect(netted.items.map((o: any) => o.currency)).to.deep.equal([0, 0, 840]);
      const byAmount = await t.ok(`/banks/${ids.bankA}/obligations?sort=amount&order=desc&limit=2`);
      expect(byAmount.items.map((o: any) => o.amount)).to.deep.equal(["40000", "25000"]);
      const next = await t.ok(
        `/banks/${ids.bankA}/obligations?sort=amount&order=desc&limit=10&cursor=${byAmount.nextCursor}`,
      );
      expect(next.items.map((o: any) => o.amount)).to.deep.equal([
        "15000",
        "9000",
        "7000",
        "6000",
        "5000",
        "3000",
        "1000",
      ]);
      const run = await t.ok(`/netting-runs/${t.scenario.nettingRun}`);
      const beforeNetting = await t.ok(`/banks/${ids.bankA}/obligations?status=Open&asOf=${run.source.block - 1}`);
      expect(beforeNetting.totals).to.deep.equal({ owes: "65000", owed: "22000" });
    });

    it("gives a bank's last netting result and the run with its obligations", async () => {
      // bankA's last run is the USD one; in currency 0 the one that excluded bankB (short of allowance): only bankA's
      // 9,000 to bankC settled
      const lastAny = await t.ok(`/banks/${ids.bankA}/netting`);
      expect(lastAny).to.include({ id: String(t.scenario.usdRun), currency: 840, netPosition: "-2000" });
      const last = await t.ok(`/banks/${ids.bankA}/netting?currency=0`);
      expect(last).to.include({ id: String(t.scenario.shortRun), bank: ids.bankA, netPosition: "-9000", currency: 0 });
      expect((await t.ok(`/banks/${ids.bankC}/netting?currency=0`)).netPosition).to.equal("9000");
      expect((await t.ok(`/banks/${ids.bankC}/netting?currency=840`)).netPosition).to.equal("3000");
      expect((await t.get(`/banks/${ids.bankC}/netting?currency=978`)).status).to.equal(404);
      const a = await t.ok(`/banks/${ids.bankA}/netting?asOf=${last.source.block - 1}`);
      expect(a).to.include({ id: String(t.scenario.nettingRun), bank: ids.bankA, netPosition: "-50000" });
      expect(a.positions.reduce((sum: bigint, p: any) => sum + BigInt(p.netPosition), 0n)).to.equal(0n);
      expect((await t.ok(`/banks/${ids.bankC}/netting?asOf=${last.source.block - 1}`)).netPosition).to.equal("25000");
      expect((await t.get(`/banks/${ids.bankA}/netting?asOf=${a.source.block - 1}`)).status).to.equal(404);
      const run = await t.ok(`/netting-runs/${t.scenario.nettingRun}`);
      expect(run.initiator).to.equal(ids.bankC);
      expect(run.obligations.map((o: any) => o.status)).to.deep.equal(["Netted", "Netted", "Netted"]);
      expect(run.obligationIds).to.deep.equal(run.obligations.map((o: any) => o.id));
      expect(run.excluded).to.deep.equal([]);
      const short = await t.ok(`/netting-runs/${t.scenario.shortRun}`);
      expect(short.excluded).to.deep.equal([{ bank: ids.bankB, netDebit: "7000", available: "0", shortfall: "7000" }]);
      expect(short.obligations.map((o: any) => [o.debtor, o.creditor, o.amount])).to.deep.equal([
        [ids.bankA, ids.bankC, "9000"],
      ]);
      // bankB was excluded from run 2: it took part in run 1 and the USD run only
      expect(idsOf((await t.ok(`/netting-runs?bank=${ids.bankB}`)).items)).to.deep.equal([
        String(t.scenario.usdRun),
        "1",
      ]);
      expect(idsOf((await t.ok(`/netting-runs?bank=${ids.bankB}&currency=0`)).items)).to.deep.equal(["1"]);
      expect((await t.ok(`/netting-runs?bank=${ids.core}`)).items).to.deep.equal([]);
      const reimbursement = await t.ok("/obligations/1");
      expect(reimbursement).to.include({ debtor: ids.bankA, creditor: ids.bankB, status: "Netted", nettingRunId: "1" });
      expect(reimbursement.recorder).to.equal(t.apps.addresses.lc.toLowerCase());
      expect((await t.ok(`/obligations/1?asOf=${run.source.block - 1}`)).status).to.equal("Open");
    });

    it("keeps positions per currency: the USD run, obligations and open totals never add two currencies", async () => {
      const s = t.scenario;
      const usdRun = await t.ok(`/netting-runs/${s.usdRun}`);
      expect(usdRun.currency).to.equal(840);
      expect(usdRun.obligations.map((o: any) => [o.id, o.currency])).to.deep.equal(
        s.usdObligations.map((id) => [String(id), 840]),
      );
      expect(usdRun.positions.reduce((sum: bigint, p: any) => sum + BigInt(p.netPosition), 0n)).to.equal(0n);
      expect(idsOf((await t.ok("/netting-runs?currency=840")).items)).to.deep.equal([String(s.usdRun)]);
      expect(idsOf((await t.ok("/netting-runs?currency=0")).items)).to.deep.equal([String(s.shortRun), "1"]);
      const usdOnly = await t.ok(`/banks/${ids.bankA}/obligations?currency=840`);
      expect(usdOnly.items.map((o: any) => o.id)).to.deep.equal(s.usdObligations.map(String));
      // Before the USD run: bankA owes 3,000 USD and is owed 1,000 USD, apart from its CNY totals
      const before = `asOf=${usdRun.source.block - 1}`;
      const positions = await t.ok(`/banks/${ids.bankA}/positions?${before}`);
      expect(positions.positions).to.deep.equal([
        { currency: 0, owes: "0", owed: "7000", net: "7000", obligations: 1 },
        { currency: 840, owes: "3000", owed: "1000", net: "-2000", obligations: 2 },
      ]);
      const usdTotals = await t.ok(`/banks/${ids.bankA}/obligations?currency=840&${before}`);
      expect(usdTotals.totals).to.deep.equal({ owes: "3000", owed: "1000" });
      expect(usdTotals.totalsByCurrency).to.deep.equal(positions.positions);
      // now: only the CNY obligation left open by the short run; a currency with nothing open answers zeros
      expect((await t.ok(`/banks/${ids.bankA}/positions`)).positions).to.deep.equal([
        { currency: 0, owes: "0", owed: "7000", net: "7000", obligations: 1 },
      ]);
      expect((await t.ok(`/banks/${ids.bankA}/positions?currency=840`)).positions).to.deep.equal([
        { currency: 840, owes: "0", owed: "0", net: "0", obligations: 0 },
      ]);
      const currencies = await t.ok("/interbank/currencies");
      expect(currencies.currencies.map((c: any) => [c.currency, c.token])).to.deep.equal([
        [840, s.usdToken.toLowerCase()],
      ]);
      expect(await t.apps.positions.currencyToken(840)).to.equal(s.usdToken);
    });

    it("shows each presentation's presentedAt (the contract's) beside its source", async () => {
      const id = t.scenario.paidPresentation;
      const p = await t.ok(`/lc-presentations/${id}`);
      expect(p.presentedAt).to.equal(Number((await t.apps.lc.presentation(id)).presentedAt));
      expect(p.presentedAt).to.equal(p.presented.time);
    });
  });

  it("answers 400 for bad parameters and 404 for unknown ids", async () => {
    const cases: [string, number][] = [
      ["/letters-of-credit?state=Open", 400],
      ["/letters-of-credit?party=0", 400],
      ["/letters-of-credit?deferred=maybe", 400],
      ["/letters-of-credit?sort=beneficiary", 400],
      ["/letters-of-credit?limit=0", 400],
      ["/letters-of-credit?asOf=99999999", 400],
      ["/letters-of-credit?x=1", 400],
      ["/letters-of-credit?cursor=junk", 400],
      ["/letters-of-credit/abc", 400],
      ["/letters-of-credit/999", 404],
      ["/letters-of-credit/999/timeline", 404],
      ["/letters-of-credit/1/timeline?event=a-b", 400],
      ["/lc-presentations?holder=0x12", 400],
      ["/lc-presentations?state=Lost", 400],
      ["/lc-presentations/65537999", 404],
      ["/lc-presentations/-1", 400],
      ["/banks/0/credit-lines", 400],
      [`/banks/${ids.regulator}/credit-lines`, 404],
      ["/banks/1/obligations?role=guarantor", 400],
      ["/banks/1/obligations?status=Open&status=Settled", 400],
      [`/banks/${ids.core}/netting`, 404],
      ["/netting-runs/9", 404],
      ["/netting-runs?order=up", 400],
      ["/netting-runs?currency=65536", 400],
      ["/netting-runs?currency=USD", 400],
      ["/banks/1/positions?currency=-1", 400],
      [`/banks/${ids.bankA}/netting?currency=01`, 400],
      ["/obligations/999", 404],
      ["/obligations/x", 400],
    ];
    for (const [path, status] of cases) expect((await t.get(path)).status, path).to.equal(status);
  });

  describe("chain time", () => {
    it("every source carries its block's time: LC steps, presentations, netting runs, obligations", async () => {
      const first = (await t.ok("/letters-of-credit")).items[0].id;
      await expectChainTimesEverywhere(t.ok, t.chain.url, [
        `/letters-of-credit/${first}`,
        `/letters-of-credit/${first}/timeline`,
        `/lc-presentations/${t.scenario.claimId}`,
        `/netting-runs/${t.scenario.nettingRun}`,
        "/obligations/1",
      ]);
    });
  });
});
