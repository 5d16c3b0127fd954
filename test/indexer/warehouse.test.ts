import { writeFileSync } from "node:fs";
import { expect } from "chai";
import { keccak256, toUtf8Bytes, type ContractTransactionResponse } from "ethers";
import { WarehouseReceipts__factory, type WarehouseReceipts } from "@consortia/sdk/typechain";
import { verifyIndex } from "../../src/indexer/verify.js";
import type { Database } from "../../src/indexer/db.js";
import { deployProxy } from "../helpers/upgradeable.js";
import { passProposal, startChain } from "./chain.js";
import { catchUp, createIndexer, indexerApi, indexerOptions, testStores } from "./harness.js";
import { deployReceivables, type ReceivablesChain } from "./receivables-scenario.js";

const CNY = "0x434e59";
const h = (label: string) => keccak256(toUtf8Bytes(label));
const INVENTORY = 1;
const CONFIRMED = 2;

async function mined(tx: Promise<ContractTransactionResponse>): Promise<number> {
  return (await (await tx).wait())!.blockNumber;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("indexer: warehouse receipts and refused duplicate-financing attempts (issue 20)", function () {
  this.timeout(240_000);
  let chain: ReceivablesChain;
  let receipts: WarehouseReceipts;
  let address: string;
  const refusedBlock = { pledge: 0, check: 0 };

  before(async () => {
    chain = await deployReceivables(await startChain());
    const implementation = await new WarehouseReceipts__factory(chain.deployer).deploy(
      chain.registry,
      chain.documents,
      chain.freezeOrders,
    );
    receipts = await deployProxy(implementation, [], chain.deployer);
    address = await receipts.getAddress();
    await passProposal(
      chain,
      await chain.registry.getAddress(),
      chain.registry.interface.encodeFunctionData("setSystemContract", [address, true]),
      "warehouse receipts",
    );
    const block = (await receipts.deploymentTransaction()!.wait())!.blockNumber;
    chain.deployments.contracts.WarehouseReceipts = { address, block };
    writeFileSync(chain.deploymentsPath, JSON.stringify(chain.deployments, null, 2));

    const { accounts, ids } = chain;
    const w = receipts.connect(accounts.gov2);
    const issue = (depositor: number, mode: number, dealer: number, lot: string) =>
      mined(
        w.issue({
          depositor,
          mode,
          dealer,
          goodsHash: h(`goods ${lot}`),
          locationHash: h(`loc ${lot}`),
          documentId: h(`doc ${lot}`),
          quantity: 1_000n,
          value: 2_000_000n,
          currency: CNY,
        }),
      );
    // Receipt 1 (融通仓): pledged to bankA, half repaid, 400 released, 100 instructed.
    await issue(ids.supplier1, INVENTORY, 0, "a");
    await mined(receipts.connect(accounts.supplier1).offerPledge(1n, ids.bankA, h("loan 1"), 1_000_000n));
    await mined(receipts.connect(accounts.bankA).acceptPledge(1n, (await receipts.pledge(1n)).offerHash));
    await mined(receipts.connect(accounts.bankA).recordRepayment(1n, 500_000n, h("pay 1")));
    await mined(receipts.connect(accounts.bankA).instructRelease(1n, 500n));
    await mined(w.confirmRelease(1n, 400n));
    // Receipt 2 (保兑仓): core's goods for supplier2, fully repaid and released (closed, document paid).
    await issue(ids.core, CONFIRMED, ids.supplier2, "b");
    await mined(receipts.connect(accounts.core).offerPledge(2n, ids.bankB, h("loan 2"), 800_000n));
    await mined(receipts.connect(accounts.bankB).acceptPledge(2n, (await receipts.pledge(2n)).offerHash));
    await mined(receipts.connect(accounts.bankB).recordRepayment(2n, 800_000n, h("pay 2")));
    await mined(receipts.connect(accounts.bankB).instructRelease(2n, 1_000n));
    await mined(w.confirmRelease(2n, 1_000n));
    // Receipt 3: the goods of receipt 1 again; bankC's acceptance is refused and recorded.
    await issue(ids.supplier1, INVENTORY, 0, "a");
    await mined(receipts.connect(accounts.supplier1).offerPledge(3n, ids.bankC, h("loan 3"), 1_000_000n));
    refusedBlock.pledge = await mined(
      receipts.connect(accounts.bankC).acceptPledge(3n, (await receipts.pledge(3n)).offerHash),
    );
    // Receipt 4: offered, then withdrawn; receipt 5 cancelled by the warehouse.
    await issue(ids.supplier1, INVENTORY, 0, "d");
    await mined(receipts.connect(accounts.supplier1).offerPledge(4n, ids.bankA, h("loan 4"), 10n));
    await mined(receipts.connect(accounts.bankA).withdrawPledge(4n));
    await issue(ids.supplier1, INVENTORY, 0, "e");
    await mined(w.cancel(5n));
    // bankB checks the goods of receipt 1 before financing them: recorded, refused; and a free document.
    refusedBlock.check = await mined(
      chain.documents.connect(accounts.bankB).checkFinancing(h("doc a"), 2_000_000n, CNY, 1n),
    );
    await mined(chain.documents.connect(accounts.bankB).checkFinancing(h("doc free"), 10n, CNY, 10n));
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

      const receipt = async (id: number): Promise<Json> => {
        const [row] = await db.query(
          "SELECT * FROM warehouse_receipts WHERE valid_to_block IS NULL AND receipt_id = $1",
          [String(id)],
        );
        expect(row, `receipt ${id}`).to.not.equal(undefined);
        return row;
      };

      it("projects receipts with their pledge, repayments and releases", async () => {
        expect(await receipt(1)).to.include({
          status: "Pledged",
          mode: "Inventory",
          financier: chain.ids.bankA,
          repaid: "500000",
          released: "400",
          instructed: "100",
          document_id: h("doc a"),
        });
        expect(await receipt(2)).to.include({ status: "Closed", mode: "Confirmed", dealer: chain.ids.supplier2 });
        expect(await receipt(3)).to.include({ status: "Issued", financier: null });
        expect(await receipt(4)).to.include({ status: "Issued", financier: null, principal: null });
        expect(await receipt(5)).to.include({ status: "Cancelled" });
        const steps = await db.query(
          "SELECT step FROM warehouse_steps WHERE receipt_id = 3 ORDER BY block_number, log_index",
        );
        expect(steps.map((s) => s.step)).to.deep.equal(["Issued", "PledgeOffered", "PledgeRefused"]);
      });

      it("projects refused attempts: the pledge's (application) and the bank's check", async () => {
        const rows = await db.query("SELECT * FROM financing_refusals ORDER BY block_number, log_index");
        expect(rows).to.have.length(2);
        expect(rows[0]).to.include({
          document_id: h("doc a"),
          member: chain.ids.bankC,
          app: address.toLowerCase(),
          record: "3",
          holder_app: address.toLowerCase(),
          holder_record: "1",
          financed: "2000000",
        });
        expect(Number(rows[0].block_number)).to.equal(refusedBlock.pledge);
        expect(rows[1]).to.include({ member: chain.ids.bankB, app: null, record: null, amount: "1" });
        const checks = await db.query("SELECT financeable FROM financing_checks ORDER BY block_number");
        expect(checks.map((c) => c.financeable)).to.deep.equal([false, true]);
      });

      it("GET /reports/duplicate-financing: the attempts, per member, and as CSV", async () => {
        const response = await api.inject({ method: "GET", url: "/reports/duplicate-financing" });
        expect(response.statusCode, response.body).to.equal(200);
        const report = response.json() as Json;
        expect(report.rows.map((r: Json) => [r.member, r.source, r.record, r.holderRecord])).to.deep.equal([
          [chain.ids.bankC, "application", "3", "1"],
          [chain.ids.bankB, "check", null, "1"],
        ]);
        expect(report.rows[0].appName).to.equal("WarehouseReceipts");
        expect(report.byMember).to.deep.equal(
          [
            { member: chain.ids.bankB, memberName: "bankB", attempts: 1, documents: 1 },
            { member: chain.ids.bankC, memberName: "bankC", attempts: 1, documents: 1 },
          ].sort((a, b) => a.member - b.member),
        );
        const only = await api.inject({ method: "GET", url: `/reports/duplicate-financing?member=${chain.ids.bankB}` });
        expect((only.json() as Json).rows).to.have.length(1);
        const before = await api.inject({
          method: "GET",
          url: `/reports/duplicate-financing?asOf=${refusedBlock.pledge - 1}`,
        });
        expect((before.json() as Json).rows).to.deep.equal([]);
        const csv = await api.inject({ method: "GET", url: "/reports/duplicate-financing?format=csv" });
        expect(csv.statusCode).to.equal(200);
        const lines = csv.body.trim().split(/\r?\n/);
        expect(lines[0]).to.equal(
          "block,time,txHash,member,memberName,source,appName,app,record,documentId,currency,decimals,amount,face," +
            "financed,paid,holderAppName,holderApp,holderRecord",
        );
        expect(lines).to.have.length(3);
      });

      it("verify finds no drift, and finds a tampered receipt", async () => {
        const result = await verifyIndex({ db, rpcUrl: chain.url, deployments: chain.deployments });
        expect(result.drift).to.deep.equal([]);
        expect(result.compared["warehouse receipts and their pledges"]).to.be.greaterThan(50);
        const rollback = new Error("rollback");
        await db
          .transaction(async (tx) => {
            await tx.query(
              "UPDATE warehouse_receipts SET released = released + 1 WHERE receipt_id = 1 AND valid_to_block IS NULL",
            );
            const tampered = await verifyIndex({ db: tx, rpcUrl: chain.url, deployments: chain.deployments });
            expect(tampered.drift.map((d) => d.key)).to.deep.equal(["receipt 1 released"]);
            throw rollback;
          })
          .catch((error: unknown) => {
            if (error !== rollback) throw error;
          });
      });
    });
  }
});
