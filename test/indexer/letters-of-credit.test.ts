import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import type { Database } from "../../src/indexer/db.js";
import {
  LC_STATES,
  OBLIGATION_STATUSES,
  PRESENTATION_STATES,
} from "../../src/indexer/projections/letters-of-credit.js";
import { startChain, type TestChain } from "./chain.js";
import { catchUp, createIndexer, digests, indexerOptions, testStores } from "./harness.js";
import {
  deployTradeFinance,
  tradeFinanceScenario,
  type TradeFinance,
  type TradeFinanceScenario,
} from "./trade-finance-chain.js";

const CONFIRMED = 1 << 2;
const CANCELLATION_REQUESTED = 1 << 3;
const hash = (text: string) => keccak256(toUtf8Bytes(text));

describe("indexer: letters-of-credit projection", function () {
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

      it("every LC equals the contract's record (parties, state, money, dates, flags, pending amendment)", async () => {
        const count = Number(await apps.lc.letterOfCreditCount());
        const rows = await current("lc_letters", "TRUE ORDER BY lc_id");
        expect(rows).to.have.length(count);
        for (const row of rows) {
          const id = BigInt(row.lc_id as string);
          const lc = await apps.lc.letterOfCredit(id);
          expect(row.state, `LC ${id}`).to.equal(LC_STATES[Number(lc.state)]);
          expect([row.applicant, row.issuing_bank, row.advising_bank, row.beneficiary]).to.deep.equal(
            [lc.applicant, lc.issuingBank, lc.advisingBank, lc.beneficiary].map(Number),
          );
          expect(row.nominated_bank ?? 0).to.equal(Number(lc.nominatedBank));
          expect([row.amount, row.drawn, row.reserved]).to.deep.equal([lc.amount, lc.drawn, lc.reserved].map(String));
          expect(row.presentation_count).to.equal(Number(lc.presentationCount));
          expect([row.expiry, row.latest_shipment]).to.deep.equal([Number(lc.expiry), Number(lc.latestShipment)]);
          expect([row.tolerance_plus, row.tolerance_minus]).to.deep.equal([
            Number(lc.tolerancePlus),
            Number(lc.toleranceMinus),
          ]);
          expect(row.terms_hash).to.equal(lc.termsHash);
          expect(row.beneficiary_account).to.equal(lc.beneficiaryAccount.toLowerCase());
          expect(row.currency).to.equal("CNY");
          expect(row.confirmed).to.equal((Number(lc.flags) & CONFIRMED) !== 0);
          expect(row.cancellation_requested).to.equal((Number(lc.flags) & CANCELLATION_REQUESTED) !== 0);
          const pending = await apps.lc.pendingAmendment(id);
          expect(row.pending_amendment ?? "0x" + "0".repeat(64)).to.equal(pending);
        }
        const states = Object.fromEntries(rows.map((r) => [r.lc_id, r.state]));
        expect(states).to.deep.equal({
          [String(s.sightLc)]: "Cancelled",
          [String(s.deferredLc)]: "FullyDrawn",
          [String(s.declinedLc)]: "Declined",
          [String(s.expiredLc)]: "Expired",
        });
      });

      it("every presentation and claim equals the contract's (state, amount, maturity, holder)", async () => {
        const rows = await current("lc_presentations", "TRUE ORDER BY presentation_id");
        expect(rows).to.have.length(4);
        for (const row of rows) {
          const id = BigInt(row.presentation_id as string);
          const p = await apps.lc.presentation(id);
          expect(row.state).to.equal(PRESENTATION_STATES[Number(p.state)]);
          expect(row.amount).to.equal(p.amount.toString());
          expect(row.maturity ?? 0).to.equal(Number(p.maturity));
          expect(BigInt(row.lc_id as string)).to.equal(id >> 16n);
        }
        const claim = (await current("lc_presentations", "presentation_id = $1", [s.claimId]))[0];
        const info = await apps.lc.claimInfo(s.claimId);
        expect(claim.holder).to.equal(info.holder.toLowerCase());
        expect(claim.holder_member).to.equal(chain.ids.bankB);
        expect(claim.state).to.equal("Paid");
        expect(claim.payee).to.equal(chain.accounts.bankB.address.toLowerCase());
        const waived = (await current("lc_presentations", "presentation_id = $1", [s.waivedPresentation]))[0];
        expect(waived.refusal_notice_hash).to.equal(hash("refusal notice 2"));
        expect(waived.discrepancies).to.deep.equal([hash("late shipment")]);
        const paid = (await current("lc_presentations", "presentation_id = $1", [s.paidPresentation]))[0];
        expect(paid.reimbursement_obligation_id).to.equal("1");
        expect((paid.documents as { kind: number }[]).map((d) => d.kind)).to.deep.equal([2, 4, 5]);
      });

      it("keeps the claim's holder history: beneficiary, its bank, then the market's buyers", async () => {
        const rows = await db.query(
          `SELECT * FROM lc_claim_holders WHERE claim_id = $1 ORDER BY block_number, log_index`,
          [s.claimId],
        );
        expect(rows.map((r) => [r.reason, r.holder_member])).to.deep.equal([
          ["accepted", chain.ids.supplier1],
          ["transferred", chain.ids.bankB],
          ["transferred", chain.ids.bankC],
          ["transferred", chain.ids.bankB],
        ]);
        const events = await apps.lc.queryFilter(apps.lc.filters.ClaimTransferred(s.claimId));
        expect(rows.slice(1).map((r) => r.holder)).to.deep.equal(events.map((e) => e.args.to.toLowerCase()));
      });

      it("the timeline holds every event of an LC in chain order with the acting member and hashes", async () => {
        const rows = await db.query(
          `SELECT * FROM lc_timeline WHERE lc_id = $1 ORDER BY block_number, log_index, seq`,
          [s.sightLc],
        );
        const lcEvents = (await apps.lc.queryFilter("*" as never)).filter((e) => {
          const args = (e as unknown as { args?: { lcId?: bigint; presentationId?: bigint } }).args;
          const lcId = args?.lcId ?? (args?.presentationId === undefined ? undefined : args.presentationId >> 16n);
          return lcId === s.sightLc;
        });
        // LcPresentationChecks' PresentationChecked follows each DocumentsPresented, in the same transaction
        const own = rows.filter((r) => r.event !== "PresentationChecked");
        expect(own.map((r) => r.event)).to.deep.equal(
          lcEvents.map((e) => (e as unknown as { eventName: string }).eventName),
        );
        const checked = rows.filter((r) => r.event === "PresentationChecked");
        const presented = rows.filter((r) => r.event === "DocumentsPresented");
        expect(checked.map((r) => r.tx_hash)).to.deep.equal(presented.map((r) => r.tx_hash));
        const presentations = await current("lc_presentations", "lc_id = $1", [s.sightLc]);
        for (const p of presentations) expect(p.check_codes).to.be.an("array");
        expect(rows[0]).to.include({ event: "LetterOfCreditIssued", member_id: chain.ids.bankA, state: "Issued" });
        const acceptedAmendment = rows.find((r) => r.event === "AmendmentAccepted")!;
        expect(acceptedAmendment.member_id).to.equal(chain.ids.supplier1);
        expect((acceptedAmendment.hashes as Record<string, string>).termsHash).to.equal(hash("terms v2"));
        const waived = rows.find((r) => r.event === "DiscrepanciesWaived")!;
        expect(waived.member_id).to.equal(chain.ids.core);
        expect(rows.at(-1)).to.include({ event: "LetterOfCreditClosed", state: "Cancelled" });
        for (const r of rows) expect(r.tx_hash).to.match(/^0x[0-9a-f]{64}$/);
      });

      it("amendments are versioned with their answer", async () => {
        const rows = await current("lc_amendments", "lc_id = $1 ORDER BY proposed_block", [s.sightLc]);
        expect(rows.map((r) => [r.status, r.amount, r.answered_by])).to.deep.equal([
          ["Accepted", "120000", chain.ids.supplier1],
          ["Rejected", "150000", chain.ids.supplier1],
        ]);
      });

      it("credit lines and obligations equal InterbankPositions' state", async () => {
        const lines = await current("ib_credit_lines");
        expect(lines).to.have.length(3);
        for (const l of lines) {
          const line = await apps.positions.creditLine(l.grantor as number, l.grantee as number);
          expect([l.credit_limit, l.used]).to.deep.equal([line.limit.toString(), line.used.toString()]);
        }
        const count = Number(await apps.positions.obligationCount());
        const obligations = await current("ib_obligations", "TRUE ORDER BY obligation_id");
        expect(obligations).to.have.length(count);
        for (const o of obligations) {
          const chainO = await apps.positions.obligation(BigInt(o.obligation_id as string));
          expect(o.status).to.equal(OBLIGATION_STATUSES[Number(chainO.status)]);
          expect([o.debtor, o.creditor, o.due_at]).to.deep.equal(
            [chainO.debtor, chainO.creditor, chainO.dueAt].map(Number),
          );
          expect(o.amount).to.equal(chainO.amount.toString());
          expect(o.currency).to.equal(Number(chainO.currency));
        }
        expect(obligations.map((o) => o.status)).to.deep.equal([
          "Netted",
          "Settled",
          "Released",
          "Netted",
          "Netted",
          "Open",
          "Netted",
          "Netted",
          "Netted",
        ]);
        expect(obligations.map((o) => o.currency)).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 840, 840]);
        const accounts = await current("ib_settlement_accounts");
        for (const a of accounts)
          expect(a.account).to.equal((await apps.positions.settlementAccount(a.bank as number)).toLowerCase());
      });

      it("netting runs keep each bank's net position (summing to zero)", async () => {
        const [run] = await db.query(`SELECT * FROM ib_netting_runs WHERE run_id = $1::numeric`, [s.nettingRun]);
        expect(run.run_id).to.equal(s.nettingRun.toString());
        expect(run.initiator).to.equal(chain.ids.bankC);
        expect(run.total_netted).to.equal("80000");
        const positions = await db.query(
          `SELECT bank, net_position FROM ib_netting_positions WHERE run_id = $1::numeric ORDER BY bank`,
          [s.nettingRun],
        );
        expect(positions.map((p) => [p.bank, p.net_position])).to.deep.equal([
          [chain.ids.bankA, "-50000"],
          [chain.ids.bankB, "25000"],
          [chain.ids.bankC, "25000"],
        ]);
      });

      it("a run that excluded a short bank records its shortfall and lists only what it netted", async () => {
        const [run] = await db.query(`SELECT * FROM ib_netting_runs WHERE run_id = $1::numeric`, [s.shortRun]);
        expect(run.initiator).to.equal(chain.ids.bankA);
        expect(run.total_netted).to.equal("9000");
        expect(run.banks).to.deep.equal([chain.ids.bankA, chain.ids.bankC]);
        const exclusions = await db.query(`SELECT * FROM ib_netting_exclusions`);
        expect(exclusions.map((x) => [x.run_id, x.bank, x.net_debit, x.available, x.shortfall])).to.deep.equal([
          [s.shortRun.toString(), chain.ids.bankB, "7000", "0", "7000"],
        ]);
        const open = await current("ib_obligations", "status = 'Open'");
        expect(open.map((o) => [o.debtor, o.amount, o.netting_run_id])).to.deep.equal([
          [chain.ids.bankB, "7000", null],
        ]);
      });

      it("positions per currency: the USD run nets only USD obligations, its positions carry the currency", async () => {
        const runs = await db.query(`SELECT run_id, currency, total_netted FROM ib_netting_runs ORDER BY run_id`);
        expect(runs.map((r) => [r.run_id, r.currency, r.total_netted])).to.deep.equal([
          [s.nettingRun.toString(), 0, "80000"],
          [s.shortRun.toString(), 0, "9000"],
          [s.usdRun.toString(), 840, "4000"],
        ]);
        const positions = await db.query(
          `SELECT bank, net_position, currency FROM ib_netting_positions WHERE run_id = $1::numeric ORDER BY bank`,
          [s.usdRun],
        );
        expect(positions.map((p) => [p.bank, p.net_position, p.currency])).to.deep.equal([
          [chain.ids.bankA, "-2000", 840],
          [chain.ids.bankB, "-1000", 840],
          [chain.ids.bankC, "3000", 840],
        ]);
        const netted = await current("ib_obligations", "netting_run_id = $1 ORDER BY obligation_id", [s.usdRun]);
        expect(netted.map((o) => o.obligation_id)).to.deep.equal(s.usdObligations.map(String));
        const tokens = await current("ib_currency_tokens");
        expect(tokens.map((t) => [t.currency, t.token])).to.deep.equal([[840, s.usdToken.toLowerCase()]]);
      });

      it("a presentation's presentedAt is the block time of its presentation (the contract's)", async () => {
        const rows = await current("lc_presentations", "TRUE ORDER BY presentation_id");
        for (const row of rows) {
          const p = await apps.lc.presentation(BigInt(row.presentation_id as string));
          expect(row.presented_at, `presentation ${String(row.presentation_id)}`).to.equal(Number(p.presentedAt));
        }
      });

      it("reads an LC as of a block before its closing", async () => {
        const versions = await db.query(
          `SELECT state, valid_from_block FROM lc_letters WHERE lc_id = $1 ORDER BY valid_from_block`,
          [s.deferredLc],
        );
        expect(versions.map((v) => v.state)).to.deep.equal([
          "Applied",
          "Issued",
          "Advised",
          "Acknowledged",
          "Acknowledged",
          "FullyDrawn",
        ]);
      });

      it("replaying committed blocks changes nothing", async () => {
        const before = await digests(db);
        await db.query(`UPDATE indexer_state SET block_number = $1, block_hash = NULL`, [
          chain.deployments.deploymentBlock - 1,
        ]);
        await catchUp(await createIndexer(db, chain.deployments, indexerOptions(chain.url, { maxLogRange: 13 })));
        expect(await digests(db)).to.deep.equal(before);
      });
    });
  }
});
