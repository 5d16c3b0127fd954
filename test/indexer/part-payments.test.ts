import { writeFileSync } from "node:fs";
import { expect } from "chai";
import { type ContractTransactionResponse } from "ethers";
import { MaturityArrangements__factory, type MaturityArrangements } from "@consortia/sdk/typechain";
import { verifyIndex } from "../../src/indexer/verify.js";
import { overdueReport } from "../../src/api/routes/reports.js";
import type { Database } from "../../src/indexer/db.js";
import { deployProxy } from "../helpers/upgradeable.js";
import { passProposal, startChain } from "./chain.js";
import { catchUp, createIndexer, indexerApi, indexerOptions, testStores } from "./harness.js";
import { advance, confirmed, DAY, deployReceivables, type ReceivablesChain } from "./receivables-scenario.js";

const FACE = 1_000_000n;

async function mined(tx: Promise<ContractTransactionResponse>): Promise<number> {
  return (await (await tx).wait())!.blockNumber;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("indexer: part payments at maturity", function () {
  this.timeout(240_000);
  let chain: ReceivablesChain;
  let arrangements: MaturityArrangements;
  const ids = { receivableId: 0n, root: 0n, split: 0n };

  before(async () => {
    chain = await deployReceivables(await startChain());
    const implementation = await new MaturityArrangements__factory(chain.deployer).deploy(
      chain.registry,
      chain.token,
      chain.ledger,
      chain.desk,
      chain.certificates,
    );
    arrangements = await deployProxy(implementation, [], chain.deployer);
    const address = await arrangements.getAddress();
    await mined(chain.certificates.connect(chain.deployer).bindArrangements(address));
    await passProposal(
      chain,
      await chain.registry.getAddress(),
      chain.registry.interface.encodeFunctionData("setSystemContract", [address, true]),
      "arrangements",
    );
    const block = (await arrangements.deploymentTransaction()!.wait())!.blockNumber;
    chain.deployments.contracts.MaturityArrangements = { address, block };
    writeFileSync(chain.deploymentsPath, JSON.stringify(chain.deployments, null, 2));

    const { accounts } = chain;
    await mined(chain.token.connect(accounts.bankA).mint(await accounts.core.getAddress(), 5_000_000n));
    await mined(chain.token.connect(accounts.core).approve(address, 5_000_000n));
    const { receivableId, root } = await confirmed(chain, accounts.supplier1, FACE, 30);
    ids.receivableId = receivableId;
    ids.root = root;
    const c = chain.certificates.connect(accounts.supplier1);
    const to = await accounts.supplier2.getAddress();
    ids.split = await c["transferFrom(uint256,address,uint256)"].staticCall(root, to, 250_000n);
    await mined(c["transferFrom(uint256,address,uint256)"](root, to, 250_000n));
    // At maturity the obligor pays 400,000 of 1,000,000; supplier1's share (300,000) is claimed, supplier2's (100,000)
    // is not; a day later the receivable is marked overdue for the rest.
    await advance(chain, 30 * DAY + 60);
    await mined(arrangements.connect(accounts.core).pay(receivableId, 400_000n));
    await mined(arrangements.connect(accounts.bankB).claim(root));
    await advance(chain, DAY + 60);
    await mined(chain.desk.connect(accounts.supplier1).markOverdue(receivableId));
  });

  after(async () => {
    await chain?.stop();
  });

  for (const store of testStores()) {
    describe(`on ${store.name}`, () => {
      let db: Database;
      let api: Awaited<ReturnType<typeof indexerApi>>;
      before(async () => {
        db = await store.open();
        const indexer = await createIndexer(db, chain.deployments, indexerOptions(chain.url));
        await catchUp(indexer);
        api = await indexerApi(db, indexer);
      });
      after(async () => {
        await api?.close();
        await db?.close();
        await store.cleanup();
      });

      it("projects the part payment, the claimed share (paid down, counted as redeemed) and the steps", async () => {
        const [p] = await db.query("SELECT * FROM part_payments WHERE valid_to_block IS NULL");
        expect(p).to.include({ paid_in: "400000", claimed: "300000", refunded: "0", payments: 1 });
        const [r] = await db.query(
          "SELECT redeemed FROM receivables WHERE valid_to_block IS NULL AND receivable_id = $1",
          [ids.receivableId.toString()],
        );
        expect(r.redeemed).to.equal("300000");
        const [root] = await db.query(
          "SELECT value, status FROM receivable_certificates WHERE valid_to_block IS NULL AND token_id = $1",
          [ids.root.toString()],
        );
        expect(root).to.include({ value: "450000", status: "Live" });
        const steps = await db.query("SELECT step, amount FROM part_payment_steps ORDER BY block_number, log_index");
        expect(steps.map((s) => [s.step, s.amount])).to.deep.equal([
          ["Paid", "400000"],
          ["ShareClaimed", "300000"],
        ]);
      });

      it("serves paid, unpaid and overdue; the overdue report counts the unpaid rest only", async () => {
        const response = await api.inject({ method: "GET", url: `/receivables/${ids.receivableId}` });
        expect(response.statusCode, response.body).to.equal(200);
        const body = response.json() as Json;
        expect(body.partPayments).to.deep.equal({
          payments: 1,
          paidIn: "400000",
          claimed: "300000",
          pending: "100000",
          refunded: "0",
          paid: "400000",
          unpaid: "600000",
          overdue: "600000",
        });
        const report = await overdueReport(db, undefined, Math.floor(Date.now() / 1000) + 40 * DAY);
        const amounts = Object.fromEntries(report.rows.map((row) => [row.record, row.amount]));
        // supplier1's certificate paid down to 450,000; supplier2's 250,000 with 100,000 paid in for it: 150,000.
        expect(amounts[ids.root.toString()]).to.equal("450000");
        expect(amounts[ids.split.toString()]).to.equal("150000");
      });

      it("verify finds no drift (redeemed includes the shares) and finds a tampered part payment", async () => {
        const result = await verifyIndex({ db, rpcUrl: chain.url, deployments: chain.deployments });
        expect(result.drift).to.deep.equal([]);
        const rollback = new Error("rollback");
        await db
          .transaction(async (tx) => {
            await tx.query("UPDATE part_payments SET paid_in = paid_in + 1 WHERE valid_to_block IS NULL");
            const tampered = await verifyIndex({ db: tx, rpcUrl: chain.url, deployments: chain.deployments });
            expect(tampered.drift.map((d) => d.key)).to.deep.equal([
              `part payments of receivable ${ids.receivableId} paidIn`,
            ]);
            throw rollback;
          })
          .catch((error: unknown) => {
            if (error !== rollback) throw error;
          });
      });
    });
  }
});
