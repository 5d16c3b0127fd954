import { expect } from "chai";
import { keccak256, toUtf8Bytes, ZeroHash } from "ethers";
import type { Database } from "../../src/indexer/db.js";
import { OFFER_STATES } from "../../src/indexer/projections/forfaiting.js";
import { startChain, type TestChain } from "./chain.js";
import { catchUp, createIndexer, indexerOptions, testStores } from "./harness.js";
import {
  deployTradeFinance,
  tradeFinanceScenario,
  type TradeFinance,
  type TradeFinanceScenario,
} from "./trade-finance-chain.js";

const CONTRACT_QUOTE_STATES = ["None", "Active", "Withdrawn", "Accepted"];
const hash = (text: string) => keccak256(toUtf8Bytes(text));

describe("indexer: forfaiting projection", function () {
  this.timeout(180_000);
  let chain: TestChain;
  let apps: TradeFinance;
  let s: TradeFinanceScenario;

  before(async () => {
    chain = await startChain();
    apps = await deployTradeFinance(chain);
    s = await tradeFinanceScenario(chain, apps);
  });
  after(async () => chain?.stop());

  for (const store of testStores()) {
    describe(`on ${store.name}`, () => {
      let db: Database;
      before(async () => {
        db = await store.open();
        await catchUp(await createIndexer(db, chain.deployments, indexerOptions(chain.url)));
      });
      after(async () => {
        await db?.close();
        await store.cleanup();
      });

      const current = (table: string, where = "TRUE", params: unknown[] = []) =>
        db.query(`SELECT * FROM ${table} WHERE valid_to_block IS NULL AND ${where}`, params);

      it("every offer equals the market's record, with amount and maturity from the claim", async () => {
        const count = Number(await apps.market.offerCount());
        const rows = await current("ff_offers", "TRUE ORDER BY offer_id");
        expect(rows).to.have.length(count);
        const info = await apps.lc.claimInfo(s.claimId);
        for (const row of rows) {
          const o = await apps.market.offer(BigInt(row.offer_id as string));
          expect(row.state).to.equal(OFFER_STATES[Number(o.state)]);
          expect(row.seller_account).to.equal(o.seller.toLowerCase());
          expect([row.seller, row.obligor]).to.deep.equal([Number(o.sellerMember), Number(o.obligor)]);
          expect(row.asset).to.equal(o.asset.toLowerCase());
          expect(row.claim_id).to.equal(o.claimId.toString());
          expect([row.quote_deadline, row.reveal_period]).to.deep.equal([
            Number(o.quoteDeadline),
            Number(o.revealPeriod),
          ]);
          expect(row.amount).to.equal(info.amount.toString());
          expect(row.maturity).to.equal(Number(info.maturity));
          expect(row.notice_hash ?? ZeroHash).to.equal(await apps.market.noticeOf(BigInt(row.offer_id as string)));
        }
        expect(rows.map((r) => r.state)).to.deep.equal(["NoticeAcknowledged", "Traded", "Withdrawn", "Open"]);
        expect(rows[1]).to.include({ sealed: true, buyer: chain.ids.bankB, price: "97500" });
        expect(rows[1].payment_reference).to.equal(hash("MT103-ff"));
      });

      it("every quote equals the market's quote or commitment (sealed prices only once revealed)", async () => {
        const rows = await current("ff_quotes", "TRUE ORDER BY offer_id, bidder");
        expect(rows).to.have.length(6);
        for (const row of rows) {
          const q = await apps.market.quoteOf(BigInt(row.offer_id as string), row.bidder as string);
          const commitment = await apps.market.commitmentOf(BigInt(row.offer_id as string), row.bidder as string);
          if (row.state === "Committed") {
            expect(commitment).to.equal(row.commitment);
            expect(row.price).to.equal(null);
          } else {
            expect(row.state).to.equal(CONTRACT_QUOTE_STATES[Number(q.state)]);
            expect(row.price).to.equal(q.price.toString());
            expect(row.bidder_member).to.equal(Number(q.bidderMember));
          }
        }
        const sealed = await current("ff_quotes", "offer_id = $1 ORDER BY price", [s.sealedOffer]);
        expect(sealed.map((q) => [q.state, q.price, q.sealed])).to.deep.equal([
          ["Active", "95000", true],
          ["Accepted", "97500", true],
        ]);
        const history = await db.query(
          `SELECT action, price FROM ff_quote_events WHERE offer_id = $1 AND bidder = $2 ORDER BY block_number, log_index`,
          [s.openOffer, chain.accounts.bankA.address.toLowerCase()],
        );
        expect(history.map((h) => [h.action, h.price])).to.deep.equal([
          ["submitted", "96000"],
          ["withdrawn", null],
          ["submitted", "96500"],
        ]);
      });

      it("trades give the claim's sale history, matching the claim contract's transfers", async () => {
        const trades = await db.query(
          `SELECT * FROM ff_trades WHERE asset = $1 AND claim_id = $2 ORDER BY block_number, log_index`,
          [apps.addresses.lc.toLowerCase(), s.claimId],
        );
        expect(trades.map((t) => [t.seller, t.buyer, t.price])).to.deep.equal([
          [chain.ids.bankB, chain.ids.bankC, "97000"],
          [chain.ids.bankC, chain.ids.bankB, "97500"],
        ]);
        expect(trades[0].deed_hash).to.equal(hash("deed 1"));
        expect(trades[0].block_number).to.equal(s.firstTradeBlock);
        const transfers = await apps.lc.queryFilter(apps.lc.filters.ClaimTransferred(s.claimId));
        const byMarket = transfers.filter((t) => trades.some((tr) => tr.tx_hash === t.transactionHash));
        expect(byMarket.map((t) => t.args.to.toLowerCase())).to.deep.equal(trades.map((t) => t.buyer_account));
      });

      it("notices are pending until the obligor acknowledges them", async () => {
        const notices = await current("ff_notices", "TRUE ORDER BY offer_id");
        expect(notices.map((n) => [n.offer_id, n.status, n.notice_hash, n.obligor])).to.deep.equal([
          [s.openOffer.toString(), "Acknowledged", hash("notice 1"), chain.ids.bankA],
          [s.sealedOffer.toString(), "Pending", hash("notice 2"), chain.ids.bankA],
        ]);
        expect(notices[0].acknowledged_by).to.equal(chain.accounts.bankA.address.toLowerCase());
      });

      it("lists the claim contracts governance listed", async () => {
        const rows = await current("ff_claim_contracts");
        expect(rows.map((r) => [r.asset, r.listed])).to.deep.equal([[apps.addresses.lc.toLowerCase(), true]]);
        expect(await apps.market.isClaimContract(apps.addresses.lc)).to.equal(true);
      });

      it("keeps an offer's history: open before its trade", async () => {
        const versions = await db.query(
          `SELECT state, valid_to_block FROM ff_offers WHERE offer_id = $1 ORDER BY valid_from_block`,
          [s.openOffer],
        );
        expect(versions.map((v) => v.state)).to.deep.equal(["Open", "Traded", "NoticeAcknowledged"]);
        expect(versions[0].valid_to_block).to.equal(s.firstTradeBlock);
      });
    });
  }
});
