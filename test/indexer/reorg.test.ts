import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { closeApi } from "../../src/api/server.js";
import { databaseStatus } from "../../src/api/status.js";
import { rpc } from "../helpers/node-process.js";
import { mine, startChain, type TestChain } from "./chain.js";
import { catchUp, createIndexer, digests, indexerApi, indexerOptions, testStores } from "./harness.js";

/**
 * A dev chain reverts to a snapshot and mines a different branch; the projections must follow the new canonical
 * chain exactly (the same digests as an indexer that only ever saw the new branch).
 */
describe("indexer: reorgs", function () {
  this.timeout(120_000);
  let chain: TestChain;

  before(async () => {
    chain = await startChain();
    await (await chain.token.connect(chain.accounts.bankA).mint(chain.accounts.core.address, 1_000n)).wait();
  });
  after(async () => chain?.stop());

  // The node automines: a transaction is in a block when eth_sendTransaction returns. (ethers' tx.wait() polls for
  // a higher block number than it saw before the revert, so it is not used here.)
  let run = 0;
  async function branchA(): Promise<void> {
    const { token, accounts, flood, ids, registry } = chain;
    await token.connect(accounts.core).transfer(accounts.supplier1.address, 100n);
    await flood
      .connect(accounts.bankA)
      .recordPayment(ids.core, ids.supplier1, 5n, keccak256(toUtf8Bytes(`A-ref-${run}`)));
    await registry.connect(accounts.bankC).addNode(`enode://a${run}@10.0.0.1:30303`);
    await mine(chain.url, 3);
  }

  async function branchB(extraBlocks: number): Promise<void> {
    const { token, accounts, flood, ids } = chain;
    await token.connect(accounts.core).transfer(accounts.supplier2.address, 7n);
    await flood
      .connect(accounts.bankB)
      .recordPayment(ids.core, ids.supplier2, 9n, keccak256(toUtf8Bytes(`B-ref-${run}`)));
    await mine(chain.url, extraBlocks);
  }

  for (const store of testStores()) {
    for (const [confirmations, extraBlocks] of [
      [0, 0],
      [2, 6],
    ] as const) {
      it(`${store.name}, ${confirmations} confirmations, new branch ${extraBlocks > 3 ? "longer" : "shorter"}: follows the new chain`, async () => {
        run++;
        const db = await store.open();
        const reference = await store.open();
        try {
          const options = indexerOptions(chain.url, { confirmations });
          const indexer = await createIndexer(db, chain.deployments, options);
          const snapshot = await rpc<string>(chain.url, "evm_snapshot");
          await branchA();
          await catchUp(indexer);
          expect(
            await db.query(`SELECT * FROM offchain_payments WHERE payment_reference = $1`, [
              keccak256(toUtf8Bytes(`A-ref-${run}`)),
            ]),
          ).to.have.length(1);

          expect(await rpc<boolean>(chain.url, "evm_revert", [snapshot])).to.equal(true);
          await branchB(extraBlocks);
          const checkpoint = indexer.status.indexedBlock;
          if (Number(await rpc<string>(chain.url, "eth_blockNumber")) < checkpoint) {
            // A shorter branch looks like a node behind the index: no hash to compare yet, so the indexer waits
            // (keeping branch A) until the new branch passes the checkpoint and a hash mismatch proves the reorg.
            expect(await indexer.step()).to.equal(false);
            expect(indexer.status.reorgs).to.equal(0);
            expect(indexer.status.nodeBehind).to.be.greaterThan(0);
            expect(indexer.status.indexedBlock).to.equal(checkpoint);
            const head = Number(await rpc<string>(chain.url, "eth_blockNumber"));
            await mine(chain.url, checkpoint - head + 1);
          }
          await catchUp(indexer);
          expect(indexer.status.reorgs).to.equal(1);

          expect(
            await db.query(`SELECT * FROM offchain_payments WHERE payment_reference = $1`, [
              keccak256(toUtf8Bytes(`A-ref-${run}`)),
            ]),
          ).to.have.length(0);
          const fresh = await createIndexer(reference, chain.deployments, options);
          await catchUp(fresh);
          expect(await digests(db)).to.deep.equal(await digests(reference));
          const balance = await db.query(
            `SELECT balance FROM token_balances WHERE account = $1 AND valid_to_block IS NULL`,
            [chain.accounts.supplier2.address.toLowerCase()],
          );
          expect(balance[0].balance).to.equal(
            (await chain.token.balanceOf(chain.accounts.supplier2.address)).toString(),
          );
        } finally {
          await db.close();
          await reference.close();
          await store.cleanup();
        }
      });
    }
  }

  for (const store of testStores()) {
    it(`${store.name}: a reorg deeper than the kept hashes halts (no wipe, /ready 503, API serving); rebuild re-indexes`, async () => {
      run++;
      const db = await store.open();
      const reference = await store.open();
      const paymentA = keccak256(toUtf8Bytes(`A-ref-${run}`));
      try {
        const options = indexerOptions(chain.url, { reorgWindow: 4 });
        const indexer = await createIndexer(db, chain.deployments, options);
        await catchUp(indexer);
        const snapshot = await rpc<string>(chain.url, "evm_snapshot");
        await branchA();
        await mine(chain.url, 10);
        await catchUp(indexer);
        const indexed = indexer.status.indexedBlock;
        const before = await digests(db);

        expect(await rpc<boolean>(chain.url, "evm_revert", [snapshot])).to.equal(true);
        await branchB(20);
        expect(await indexer.step()).to.equal(false);
        expect(indexer.status.halted).to.match(/reorg deeper than the kept block hashes.*consortia index rebuild/);
        expect(indexer.status.reorgs).to.equal(0);
        expect(indexer.status.indexedBlock).to.equal(indexed);
        expect(indexer.isReady()).to.equal(false);
        expect(await digests(db)).to.deep.equal(before);

        // The API keeps serving the last consistent state and says it is not ready, and why.
        const api = await indexerApi(db, indexer);
        try {
          const ready = await api.inject({ url: "/ready" });
          expect(ready.statusCode).to.equal(503);
          expect(ready.json()).to.include({ ready: false, indexedBlock: indexed });
          expect(ready.json().halted).to.match(/reorg deeper/);
          expect((await api.inject({ url: "/metrics" })).body).to.include("consortia_indexer_halted 1\n");
          expect((await api.inject({ url: "/status" })).json().halted).to.match(/reorg deeper/);
          const members = await api.inject({ url: "/members" });
          expect(members.statusCode).to.equal(200);
          expect(members.json().items.length).to.be.greaterThan(0);
        } finally {
          await closeApi(api);
        }
        // An API in another process reads the halt from the database; a restarted indexer stays halted.
        const apart = await databaseStatus(db, 0)();
        expect(apart.ready).to.equal(false);
        expect(apart.halted).to.match(/reorg deeper/);
        const restarted = await createIndexer(db, chain.deployments, options);
        expect(restarted.status.halted).to.match(/reorg deeper/);
        expect(await restarted.step()).to.equal(false);
        expect(await digests(db)).to.deep.equal(before);
        expect(
          await db.query(`SELECT 1 FROM offchain_payments WHERE payment_reference = $1`, [paymentA]),
        ).to.have.length(1);

        // The operator's rebuild re-indexes from the deployment block: the same tables as a fresh index.
        await restarted.rebuild();
        await catchUp(restarted);
        expect(restarted.status.halted).to.equal(undefined);
        expect(restarted.isReady()).to.equal(true);
        expect((await databaseStatus(db, 0)()).halted).to.equal(undefined);
        expect(
          await db.query(`SELECT 1 FROM offchain_payments WHERE payment_reference = $1`, [paymentA]),
        ).to.have.length(0);
        const fresh = await createIndexer(reference, chain.deployments, options);
        await catchUp(fresh);
        expect(await digests(db)).to.deep.equal(await digests(reference));
      } finally {
        await db.close();
        await reference.close();
        await store.cleanup();
      }
    });
  }
});
