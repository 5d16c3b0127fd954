import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { startTradeFinanceApi, type TradeFinanceApi } from "../indexer/trade-finance-chain.js";
import { expectChainTimesEverywhere } from "./chain-time.js";

const hash = (text: string) => keccak256(toUtf8Bytes(text));

describe("API: forfaiting market", function () {
  this.timeout(180_000);
  let t: TradeFinanceApi;
  let ids: TradeFinanceApi["chain"]["ids"];
  let asset: string;

  before(async () => {
    t = await startTradeFinanceApi();
    ids = t.chain.ids;
    asset = t.apps.addresses.lc.toLowerCase();
  });
  after(async () => t?.stop());

  const idsOf = (items: { id: string }[]) => items.map((i) => i.id);

  describe("/forfaiting/offers", () => {
    it("lists open offers by default, any state on request, and filters by state, obligor, seller and claim", async () => {
      const s = t.scenario;
      expect(idsOf((await t.ok("/forfaiting/offers")).items)).to.deep.equal([String(s.pendingOffer)]);
      const all = await t.ok("/forfaiting/offers?state=any");
      expect(idsOf(all.items)).to.deep.equal(
        [s.openOffer, s.sealedOffer, s.withdrawnOffer, s.pendingOffer].map(String),
      );
      expect(all.items.map((o: any) => o.state)).to.deep.equal(["NoticeAcknowledged", "Traded", "Withdrawn", "Open"]);
      expect(idsOf((await t.ok("/forfaiting/offers?state=Withdrawn")).items)).to.deep.equal([String(s.withdrawnOffer)]);
      expect((await t.ok(`/forfaiting/offers?state=any&obligor=${ids.bankA}`)).items).to.have.length(4);
      expect((await t.ok(`/forfaiting/offers?state=any&obligor=${ids.bankB}`)).items).to.have.length(0);
      expect(idsOf((await t.ok(`/forfaiting/offers?state=any&seller=${ids.bankC}`)).items)).to.deep.equal([
        String(s.sealedOffer),
      ]);
      expect((await t.ok(`/forfaiting/offers?state=any&asset=${asset}&claimId=${s.claimId}`)).items).to.have.length(4);
      expect((await t.ok(`/forfaiting/offers?state=any&claimId=1`)).items).to.have.length(0);
    });

    it("filters by maturity range", async () => {
      const m = t.scenario.maturity;
      expect((await t.ok(`/forfaiting/offers?state=any&maturityFrom=${m}&maturityTo=${m}`)).items).to.have.length(4);
      expect((await t.ok(`/forfaiting/offers?state=any&maturityTo=${m - 1n}`)).items).to.have.length(0);
      expect((await t.ok(`/forfaiting/offers?state=any&maturityFrom=${m + 1n}`)).items).to.have.length(0);
    });

    it("sorts and pages; a cursor is bound to its sort", async () => {
      const desc = await t.ok("/forfaiting/offers?state=any&order=desc");
      expect(idsOf(desc.items)).to.deep.equal(["4", "3", "2", "1"]);
      const byDeadline = (await t.ok("/forfaiting/offers?state=any&sort=quoteDeadline")).items.map(
        (o: any) => o.quoteDeadline,
      );
      expect(byDeadline).to.deep.equal([...byDeadline].sort((a, b) => a - b));
      const page1 = await t.ok("/forfaiting/offers?state=any&limit=3&sort=maturity");
      expect(page1.items).to.have.length(3);
      const page2 = await t.ok(`/forfaiting/offers?state=any&limit=3&sort=maturity&cursor=${page1.nextCursor}`);
      expect(page2.items).to.have.length(1);
      expect(page2.nextCursor).to.equal(null);
      expect([...idsOf(page1.items), ...idsOf(page2.items)].sort()).to.deep.equal(["1", "2", "3", "4"]);
      expect((await t.ok("/forfaiting/offers?state=any&limit=4")).nextCursor).to.equal(null);
      const wrong = await t.get(`/forfaiting/offers?state=any&limit=3&sort=amount&cursor=${page1.nextCursor}`);
      expect(wrong.status).to.equal(400);
    });

    it("reads the open offers as of a block before the first trade", async () => {
      const open = await t.ok(`/forfaiting/offers?asOf=${t.scenario.firstTradeBlock - 1}`);
      expect(idsOf(open.items)).to.deep.equal([String(t.scenario.openOffer)]);
    });
  });

  describe("/forfaiting/offers/:id", () => {
    it("shows an open-quote offer with its quotes, quote history, trade and acknowledged notice", async () => {
      const s = t.scenario;
      const offer = await t.ok(`/forfaiting/offers/${s.openOffer}`);
      const chainOffer = await t.apps.market.offer(s.openOffer);
      expect(offer).to.include({
        state: "NoticeAcknowledged",
        asset,
        claimId: String(s.claimId),
        seller: ids.bankB,
        obligor: Number(chainOffer.obligor),
        quoteDeadline: Number(chainOffer.quoteDeadline),
        sealed: false,
        buyer: ids.bankC,
        price: "97000",
        deedHash: hash("deed 1"),
        noticeHash: hash("notice 1"),
        paymentReference: null,
        askingPrice: "98000",
      });
      expect(offer.documents[0]).to.deep.equal({
        contentHash: hash("draft open"),
        uriHash: hash("vault open"),
        kind: 255,
      });
      expect(offer.quotes.map((q: any) => [q.bidderMember, q.price, q.state])).to.deep.equal([
        [ids.bankC, "97000", "Accepted"],
        [ids.bankA, "96500", "Active"],
      ]);
      expect(offer.quoteHistory.map((h: any) => h.action)).to.deep.equal([
        "submitted",
        "submitted",
        "withdrawn",
        "submitted",
        "accepted",
      ]);
      expect(offer.trade).to.include({ buyer: ids.bankC, seller: ids.bankB, price: "97000" });
      expect(offer.notice).to.include({ status: "Acknowledged", obligor: ids.bankA });
      expect(offer.notice.acknowledgedBy).to.equal(t.chain.accounts.bankA.address.toLowerCase());
    });

    it("shows a sealed offer's commitments without prices before the reveal, and with them after", async () => {
      const s = t.scenario;
      const offer = await t.ok(`/forfaiting/offers/${s.sealedOffer}`);
      expect(offer).to.include({ sealed: true, state: "Traded", paymentReference: hash("MT103-ff") });
      expect(offer.notice.status).to.equal("Pending");
      const reveal = offer.quoteHistory.find((h: any) => h.action === "revealed");
      const before = await t.ok(`/forfaiting/offers/${s.sealedOffer}?asOf=${reveal.source.block - 1}`);
      expect(before.state).to.equal("Open");
      expect(before.trade).to.equal(null);
      expect(before.notice).to.equal(null);
      expect(before.quotes.map((q: any) => [q.state, q.price])).to.deep.equal([
        ["Committed", null],
        ["Committed", null],
      ]);
      for (const q of before.quotes) expect(q.commitment).to.match(/^0x[0-9a-f]{64}$/);
      expect(offer.quotes.map((q: any) => [q.bidderMember, q.price, q.state])).to.deep.equal([
        [ids.bankB, "97500", "Accepted"],
        [ids.bankA, "95000", "Active"],
      ]);
      expect((await t.get(`/forfaiting/offers/${s.sealedOffer}?asOf=${offer.announced.block - 1}`)).status).to.equal(
        404,
      );
    });
  });

  describe("/forfaiting/claims/:asset/:claimId", () => {
    it("gives every sale of a claim and who held it from when to when", async () => {
      const s = t.scenario;
      const claim = await t.ok(`/forfaiting/claims/${asset}/${s.claimId}`);
      expect(claim).to.include({ obligor: ids.bankA, amount: "100000", maturity: Number(s.maturity) });
      expect(claim.offers).to.have.length(4);
      expect(claim.trades.map((tr: any) => [tr.seller, tr.buyer, tr.price])).to.deep.equal([
        [ids.bankB, ids.bankC, "97000"],
        [ids.bankC, ids.bankB, "97500"],
      ]);
      expect(claim.holders.map((h: any) => h.member)).to.deep.equal([ids.bankB, ids.bankC, ids.bankB]);
      expect(claim.holders[0].since).to.equal(null);
      expect(claim.holders[1].since).to.deep.equal(claim.trades[0].source);
      expect(claim.holders[1].until).to.deep.equal(claim.trades[1].source);
      expect(claim.holders[2].until).to.equal(null);
      // The market's view agrees with the claim contract's.
      expect(claim.holders.at(-1).account).to.equal((await t.apps.lc.claimInfo(s.claimId)).holder.toLowerCase());
      const early = await t.ok(`/forfaiting/claims/${asset}/${s.claimId}?asOf=${s.firstTradeBlock}`);
      expect(early.trades).to.have.length(1);
      expect(early.holders.map((h: any) => h.member)).to.deep.equal([ids.bankB, ids.bankC]);
    });
  });

  describe("/forfaiting/quotes", () => {
    it("lists quotes across offers by bidder, offer, quote state and the offer's state (a forfaiter's open quotes in one request)", async () => {
      const s = t.scenario;
      const offersOf = (items: { offerId: string }[]) => items.map((q) => q.offerId);
      const byA = (await t.ok(`/forfaiting/quotes?bidder=${ids.bankA}`)).items;
      expect(offersOf(byA)).to.deep.equal([s.openOffer, s.sealedOffer, s.pendingOffer].map(String));
      expect(byA.every((q: any) => q.bidderMember === ids.bankA)).to.equal(true);
      const openByA = (await t.ok(`/forfaiting/quotes?bidder=${ids.bankA}&offerState=Open`)).items;
      expect(openByA.map((q: any) => [q.offerId, q.price, q.state, q.sealed])).to.deep.equal([
        [String(s.pendingOffer), "96000", "Active", false],
      ]);
      expect(offersOf((await t.ok(`/forfaiting/quotes?bidder=${ids.bankC}`)).items)).to.deep.equal(
        [s.openOffer, s.withdrawnOffer].map(String),
      );
      expect((await t.ok(`/forfaiting/quotes?bidder=${ids.bankC}&offerState=Open`)).items).to.deep.equal([]);
      const onOpen = (await t.ok(`/forfaiting/quotes?offer=${s.openOffer}`)).items;
      expect(onOpen.map((q: any) => [q.bidderMember, q.state]).sort()).to.deep.equal(
        [
          [ids.bankA, "Active"],
          [ids.bankC, "Accepted"],
        ].sort(),
      );
      expect(offersOf((await t.ok("/forfaiting/quotes?state=Accepted")).items)).to.deep.equal(
        [s.openOffer, s.sealedOffer].map(String),
      );
      expect((await t.get("/forfaiting/quotes?offerState=Nope")).status).to.equal(400);
      expect((await t.get("/forfaiting/quotes?bidder=x")).status).to.equal(400);
    });
  });

  describe("/forfaiting/trades and /forfaiting/claim-contracts", () => {
    it("lists trades newest first, filtered by member, seller, buyer, obligor and blocks", async () => {
      const trades = await t.ok("/forfaiting/trades");
      expect(trades.items.map((tr: any) => tr.offerId)).to.deep.equal(["2", "1"]);
      expect((await t.ok(`/forfaiting/trades?seller=${ids.bankC}`)).items.map((tr: any) => tr.offerId)).to.deep.equal([
        "2",
      ]);
      expect((await t.ok(`/forfaiting/trades?buyer=${ids.bankC}`)).items.map((tr: any) => tr.offerId)).to.deep.equal([
        "1",
      ]);
      expect((await t.ok(`/forfaiting/trades?member=${ids.bankB}`)).items).to.have.length(2);
      expect((await t.ok(`/forfaiting/trades?obligor=${ids.bankB}`)).items).to.have.length(0);
      const fb = t.scenario.firstTradeBlock;
      expect((await t.ok(`/forfaiting/trades?fromBlock=${fb}&toBlock=${fb}`)).items).to.have.length(1);
      const cheapest = await t.ok("/forfaiting/trades?sort=price&order=asc&limit=1");
      expect(cheapest.items[0].price).to.equal("97000");
      const next = await t.ok(`/forfaiting/trades?sort=price&order=asc&limit=1&cursor=${cheapest.nextCursor}`);
      expect(next.items[0].price).to.equal("97500");
      expect(next.nextCursor).to.equal(null);
    });

    it("lists the claim contracts governance listed", async () => {
      const listed = await t.ok("/forfaiting/claim-contracts");
      expect(listed.map((c: any) => [c.asset, c.listed])).to.deep.equal([[asset, true]]);
    });
  });

  it("answers 400 for bad parameters and 404 for unknown ids", async () => {
    const cases: [string, number][] = [
      ["/forfaiting/offers?state=Sold", 400],
      ["/forfaiting/offers?obligor=0", 400],
      ["/forfaiting/offers?asset=0x12", 400],
      ["/forfaiting/offers?maturityFrom=-5", 400],
      ["/forfaiting/offers?sort=price", 400],
      ["/forfaiting/offers?limit=501", 400],
      ["/forfaiting/offers?asOf=99999999", 400],
      ["/forfaiting/offers?bogus=1", 400],
      ["/forfaiting/offers/x", 400],
      ["/forfaiting/offers/99", 404],
      [`/forfaiting/claims/0x12/1`, 400],
      [`/forfaiting/claims/${asset}/abc`, 400],
      [`/forfaiting/claims/${asset}/1`, 404],
      [`/forfaiting/claims/0x000000000000000000000000000000000000dead/${t.scenario.claimId}`, 404],
      ["/forfaiting/trades?sort=amount", 400],
      ["/forfaiting/trades?fromBlock=x", 400],
      ["/forfaiting/claim-contracts?asOf=-1", 400],
    ];
    for (const [path, status] of cases) expect((await t.get(path)).status, path).to.equal(status);
  });

  describe("attestations behind forfaiting (issue 22)", () => {
    const ZERO = `0x${"0".repeat(64)}`;

    it("/unattested-financing lists the LC claims bought without attestations, per buyer", async () => {
      const s = t.scenario;
      const all = await t.ok("/unattested-financing?application=ForfaitingPurchase");
      expect(all.items.map((i: any) => [i.offerId, i.bank, i.action, i.subjectKey, i.policy])).to.deep.equal([
        [String(s.sealedOffer), ids.bankB, "ClaimTraded", ZERO, []],
        [String(s.openOffer), ids.bankC, "ClaimTraded", ZERO, []],
      ]);
      expect(all.items.every((i: any) => i.application === "ForfaitingPurchase" && i.receivableId === null)).to.equal(
        true,
      );
      const own = await t.ok(`/unattested-financing?bank=${ids.bankC}`);
      expect(own.items.filter((i: any) => i.offerId !== null).map((i: any) => i.offerId)).to.deep.equal([
        String(s.openOffer),
      ]);
      expect(own.items.every((i: any) => i.bank === ids.bankC)).to.equal(true);
      expect((await t.ok("/unattested-financing?application=ReceivableFinancing")).items).to.deep.equal([]);
      // LC honours (issue 22): this chain's checks have no attestations register, so every presentation names no
      // subject, and each acceptance or sight payment is listed under its issuing bank
      const honours = (await t.ok("/unattested-financing?application=LcHonour")).items;
      expect(honours.length).to.be.greaterThan(0);
      for (const i of honours) {
        expect(i.presentationId).to.be.a("string");
        expect(["PresentationAccepted", "PresentationPaid"]).to.include(i.action);
        expect(i.subjectKey).to.equal(null);
      }
      expect((await t.get("/unattested-financing?application=LcHonor")).status).to.equal(400);
    });

    it("/forfaiting/offers/:id/attestations: an LC claim names no subject; the purchase and its policy", async () => {
      const s = t.scenario;
      const open = await t.ok(`/forfaiting/offers/${s.openOffer}/attestations`);
      expect(open.subjectKey).to.equal(null);
      expect(open.attestations).to.deep.equal([]);
      expect(open.purchase.buyer).to.equal(ids.bankC);
      expect(open.purchase.policy).to.deep.equal([]);
      const pending = await t.ok(`/forfaiting/offers/${s.pendingOffer}/attestations`);
      expect(pending.purchase).to.equal(null);
      expect((await t.get("/forfaiting/offers/99/attestations")).status).to.equal(404);
    });
  });

  describe("chain time", () => {
    it("every source carries its block's time: offers, quotes, trades", async () => {
      await expectChainTimesEverywhere(t.ok, t.chain.url, [
        `/forfaiting/offers/${t.scenario.openOffer}`,
        `/forfaiting/offers/${t.scenario.sealedOffer}`,
      ]);
    });
  });
});
