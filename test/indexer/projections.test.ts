import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import type { Database } from "../../src/indexer/db.js";
import {
  ACCESS_LEVELS,
  ACCOUNT_STATUSES,
  MEMBER_KINDS,
  MEMBER_STATUSES,
} from "../../src/indexer/projections/platform.js";
import { floodTransfers, platformScenario, startChain, type TestChain } from "./chain.js";
import { catchUp, createIndexer, digests, indexerOptions, testStores } from "./harness.js";

describe("indexer: platform projections", function () {
  this.timeout(120_000);
  let chain: TestChain;

  before(async () => {
    chain = await startChain();
    await platformScenario(chain);
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

      it("members, accounts and nodes equal the registry's state", async () => {
        const count = Number(await chain.registry.memberCount());
        const members = await current("members", "TRUE ORDER BY member_id");
        expect(members).to.have.length(count);
        for (const row of members) {
          const m = await chain.registry.member(row.member_id as number);
          expect(row.name).to.equal(m.name);
          expect(row.kind).to.equal(MEMBER_KINDS[Number(m.kind)]);
          expect(row.status).to.equal(MEMBER_STATUSES[Number(m.status)]);
          expect(row.roles).to.equal(m.roles.toString());
          expect(row.encryption_key).to.equal(m.encryptionKey);
          const accounts = await chain.registry.accountsOf(row.member_id as number);
          const rows = await current("accounts", "member_id = $1", [row.member_id]);
          expect(rows.map((r) => r.address).sort()).to.deep.equal(accounts.map((a) => a.toLowerCase()).sort());
          for (const r of rows) {
            const a = await chain.registry.account(r.address as string);
            expect(r.status).to.equal(ACCOUNT_STATUSES[Number(a.status)]);
            expect(r.level).to.equal(ACCESS_LEVELS[Number(a.level)]);
          }
          const nodes = await chain.registry.nodesOf(row.member_id as number);
          const nodeRows = await current("nodes", "member_id = $1", [row.member_id]);
          expect(nodeRows.map((n) => n.enode).sort()).to.deep.equal([...nodes].sort());
        }
        expect((await current("members", "member_id = $1", [chain.ids.supplier3]))[0].status).to.equal("Suspended");
        expect(await current("nodes")).to.have.length(1);
      });

      it("proposals and votes equal the registry's state", async () => {
        const rows = await current("proposals", "TRUE ORDER BY proposal_id");
        expect(rows).to.have.length(4);
        for (const row of rows) {
          const p = await chain.registry.proposal(BigInt(row.proposal_id as string));
          expect(row.status).to.equal(["None", "Pending", "Executed", "Cancelled"][Number(p.status)]);
          expect(row.approvals).to.equal(Number(p.approvals));
          expect(row.target).to.equal(p.target.toLowerCase());
          const votes = await db.query(`SELECT member_id FROM proposal_votes WHERE proposal_id = $1`, [
            row.proposal_id,
          ]);
          for (const v of votes)
            expect(await chain.registry.hasApproved(BigInt(row.proposal_id as string), v.member_id as number)).to.equal(
              true,
            );
          expect(votes).to.have.length(Number(p.approvals));
        }
        const [threshold] = await current("governance", "setting = 'threshold'");
        expect(threshold.value).to.equal(String(await chain.registry.threshold()));
        const [period] = await current("governance", "setting = 'votingPeriod'");
        expect(period.value).to.equal(String(await chain.registry.votingPeriod()));
      });

      it("token balances, supply and transfers equal the token's state", async () => {
        const balances = await current("token_balances");
        expect(balances.length).to.be.greaterThan(4);
        for (const b of balances)
          expect(b.balance).to.equal((await chain.token.balanceOf(b.account as string)).toString());
        const [supply] = await current("token_supply");
        expect(supply.supply).to.equal((await chain.token.totalSupply()).toString());
        const transfers = await chain.token.queryFilter(chain.token.filters.Transfer());
        const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM token_transfers`);
        expect(n).to.equal(transfers.length);
      });

      it("off-chain payments equal the ledger's records", async () => {
        const rows = await db.query(`SELECT * FROM offchain_payments ORDER BY block_number`);
        expect(rows.map((r) => r.payment_reference)).to.deep.equal([
          keccak256(toUtf8Bytes("MT103-1")),
          keccak256(toUtf8Bytes("MT103-2")),
        ]);
        for (const r of rows) expect(await chain.ledger.isRecorded(r.payment_reference as string)).to.equal(true);
        expect(rows[0]).to.include({
          bank: chain.ids.bankB,
          payer: chain.ids.core,
          payee: chain.ids.supplier1,
          amount: "777",
        });
      });

      it("keeps history: a member's state as of a block before a change", async () => {
        const versions = await db.query(
          `SELECT status, valid_from_block, valid_to_block FROM members WHERE member_id = $1 ORDER BY valid_from_block`,
          [chain.ids.supplier3],
        );
        expect(versions.map((v) => v.status)).to.deep.equal(["Active", "Suspended"]);
        expect(versions[0].valid_to_block).to.equal(versions[1].valid_from_block);
      });

      it("replaying committed blocks changes nothing", async () => {
        const before = await digests(db);
        await db.query(`UPDATE indexer_state SET block_number = $1, block_hash = NULL`, [
          chain.deployments.deploymentBlock - 1,
        ]);
        await catchUp(await createIndexer(db, chain.deployments, indexerOptions(chain.url, { maxLogRange: 7 })));
        expect(await digests(db)).to.deep.equal(before);
      });

      it("resumes from its checkpoint after a restart and indexes new blocks", async () => {
        const before = await db.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM token_transfers`);
        await floodTransfers(chain, 1, 2);
        await catchUp(await createIndexer(db, chain.deployments, indexerOptions(chain.url)));
        const after = await db.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM token_transfers`);
        expect(after[0].n - before[0].n).to.equal(7); // the mint + 6 flood transfers
      });
    });
  }

  it("gives the same digests on every store (same SQL, same results)", async function () {
    const stores = testStores();
    if (stores.length < 2) this.skip();
    const results: Record<string, string>[] = [];
    for (const store of stores) {
      const db = await store.open();
      await catchUp(await createIndexer(db, chain.deployments, indexerOptions(chain.url)));
      results.push(await digests(db));
      await db.close();
      await store.cleanup();
    }
    expect(results[1]).to.deep.equal(results[0]);
  });
});
