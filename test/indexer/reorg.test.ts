import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { rpc } from "../helpers/node-process.js";
import { mine, startChain, type TestChain } from "./chain.js";
import { catchUp, createIndexer, digests, indexerOptions, testStores } from "./harness.js";

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
});
