import { writeFileSync } from "node:fs";
import { expect } from "chai";
import { keccak256, MaxUint256, toUtf8Bytes, ZeroHash } from "ethers";
import { LcTransfers__factory, type LcTransfers } from "@consortia/sdk/typechain";
import type { Database } from "../../src/indexer/db.js";
import { SECOND_PRESENTATION_STATES, TRANSFER_STATES } from "../../src/indexer/projections/lc-transfers.js";
import { verifyIndex } from "../../src/indexer/verify.js";
import { deployProxy } from "../helpers/upgradeable.js";
import { passProposal, startChain, type TestChain } from "./chain.js";
import { catchUp, createIndexer, digests, indexerApi, indexerOptions, testStores } from "./harness.js";
import { deployTradeFinance, type TradeFinance } from "./trade-finance-chain.js";

const DAY = 86_400n;
const CNY = "0x434e59";
const hash = (text: string) => keccak256(toUtf8Bytes(text));
const DOCS = [2, 4, 5].map((kind) => ({ contentHash: hash(`t-doc-${kind}`), uriHash: hash(`t-uri-${kind}`), kind }));

interface Scenario {
  lcId: bigint;
  /** Executed to supplier2 for 60,000; its 40,000 presentation substituted and paid, its 20,000 one linked as
   * received after the demand and paid off chain. */
  executed: bigint;
  /** Requested to core, declined. */
  declined: bigint;
  substituted: bigint;
  asReceived: bigint;
  lcPresentation: bigint;
  lcPresentationAsReceived: bigint;
  /** A back-to-back LC bankC issued for supplier1, linked to `lcId`. */
  backToBack: bigint;
}

/** Deploys LcTransfers beside the trade-finance contracts and runs a transfer and a back-to-back link. */
async function transferScenario(chain: TestChain, apps: TradeFinance) {
  const { deployer, registry, token, ledger, accounts } = chain;
  const { bankA, bankB, bankC, core, supplier1, supplier2 } = accounts;
  const checks = chain.deployments.contracts.LcPresentationChecks!.address;
  const transfers = (await deployProxy(
    await new LcTransfers__factory(deployer).deploy(registry, token, ledger, apps.lc, checks),
    [],
    deployer,
  )) as LcTransfers;
  await transfers.waitForDeployment();
  const address = await transfers.getAddress();
  const block = (await transfers.deploymentTransaction()!.wait())!.blockNumber;
  await passProposal(
    chain,
    await registry.getAddress(),
    registry.interface.encodeFunctionData("setSystemContract", [address, true]),
    `system ${address}`,
  );
  chain.deployments.contracts.LcTransfers = { address, block };
  writeFileSync(chain.deploymentsPath, JSON.stringify(chain.deployments, null, 2));

  await token.connect(bankA).mint(bankA.address, 10_000_000n);
  await token.connect(bankA).approve(apps.addresses.lc, MaxUint256);
  await token.connect(bankA).approve(address, MaxUint256);
  // the first beneficiary funds the second beneficiaries' escrow at substitution (art. 38h)
  await token.connect(bankA).mint(supplier1.address, 1_000_000n);
  await token.connect(supplier1).approve(address, MaxUint256);
  const lcA = apps.lc.connect(bankA);
  const lcS = apps.lc.connect(supplier1);
  const now = BigInt((await chain.provider.getBlock("latest"))!.timestamp);
  const terms = {
    advisingBank: bankB.address,
    nominatedBank: "0x0000000000000000000000000000000000000000",
    beneficiary: supplier1.address,
    amount: 100_000n,
    currency: CNY,
    tolerancePlus: 5,
    toleranceMinus: 5,
    expiry: now + 200n * DAY,
    latestShipment: now + 60n * DAY,
    deferred: false,
    tenorDays: 0,
    partialDrawings: true,
    requiredDocuments: (1 << 2) | (1 << 4) | (1 << 5),
    termsHash: hash("transfer terms"),
  };
  const lcId = await lcA.issue.staticCall(core.address, terms);
  await lcA.issue(core.address, terms);
  await apps.lc.connect(bankB).advise(lcId);
  await lcS.acknowledge(lcId);
  await transfers.connect(bankA).designateTransferable(lcId);
  const transferTerms = (second: string, amount: bigint) => ({
    secondBeneficiary: second,
    amount,
    expiry: now + 150n * DAY,
    latestShipment: now + 50n * DAY,
    presentationPeriodDays: 10,
    termsHash: hash(`transferred to ${second}`),
  });
  const request = async (second: string, amount: bigint) => {
    const id = await transfers.connect(supplier1).requestTransfer.staticCall(lcId, transferTerms(second, amount));
    await transfers.connect(supplier1).requestTransfer(lcId, transferTerms(second, amount));
    return id;
  };
  const executed = await request(supplier2.address, 60_000n);
  await transfers.connect(bankA).executeTransfer(executed);
  const declined = await request(core.address, 10_000n);
  await transfers.connect(bankA).declineTransfer(declined);
  const present = async (amount: bigint) => {
    const shipped = BigInt((await chain.provider.getBlock("latest"))!.timestamp) - DAY;
    const args = [executed, amount, hash(`second docs ${amount}`), shipped] as const;
    const id = await transfers.connect(supplier2).presentUnderTransfer.staticCall(...args);
    await transfers.connect(supplier2).presentUnderTransfer(...args);
    return id;
  };
  const substituted = await present(40_000n);
  const asReceived = await present(20_000n);
  const presentLc = async (amount: bigint) => {
    const id = await lcS.present.staticCall(lcId, amount, DOCS);
    await lcS.present(lcId, amount, DOCS);
    return id;
  };
  const lcPresentation = await presentLc(45_000n);
  await transfers.connect(supplier1).substituteInvoice(lcPresentation, [substituted], hash("first invoice"));
  await lcA.examine(lcPresentation, []);
  await lcA.pay(lcPresentation, ZeroHash);
  await transfers.connect(bankA).paySecondBeneficiary(substituted, ZeroHash);
  await transfers.connect(bankA).demandSubstitution(asReceived);
  await chain.provider.send("evm_increaseTime", [Number(5n * DAY + 1n)]);
  await chain.provider.send("evm_mine", []);
  const lcPresentationAsReceived = await presentLc(20_000n);
  await transfers.connect(bankA).linkAsReceived(lcPresentationAsReceived, [asReceived]);
  await lcA.examine(lcPresentationAsReceived, []);
  await lcA.pay(lcPresentationAsReceived, hash("wire lc"));
  await transfers.connect(bankA).paySecondBeneficiary(asReceived, hash("wire second"));

  const backTerms = {
    ...terms,
    beneficiary: supplier2.address,
    amount: 90_000n,
    expiry: now + 150n * DAY,
    latestShipment: now + 50n * DAY,
    termsHash: hash("back-to-back terms"),
  };
  const backToBack = await apps.lc.connect(bankC).issue.staticCall(supplier1.address, backTerms);
  await apps.lc.connect(bankC).issue(supplier1.address, backTerms);
  await transfers.connect(bankC).linkBackToBack(backToBack, lcId);
  const scenario: Scenario = {
    lcId,
    executed,
    declined,
    substituted,
    asReceived,
    lcPresentation,
    lcPresentationAsReceived,
    backToBack,
  };
  return { transfers, scenario };
}

describe("indexer: lc-transfers projection (transferable LCs, back-to-back links)", function () {
  this.timeout(240_000);
  let chain: TestChain;
  let transfers: LcTransfers;
  let s: Scenario;

  before(async () => {
    chain = await startChain();
    const apps = await deployTradeFinance(chain);
    ({ transfers, scenario: s } = await transferScenario(chain, apps));
  });
  after(async () => chain?.stop());

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

      const current = (table: string, where = "TRUE") =>
        db.query(`SELECT * FROM ${table} WHERE valid_to_block IS NULL AND ${where}`);

      it("the transferable LC, its transfers and second presentations equal the contract's", async () => {
        const [credit] = await current("lc_transferable");
        expect(credit).to.include({
          lc_id: String(s.lcId),
          issuing_bank: chain.ids.bankA,
          transfer_count: 2,
          transferred: "60000",
          paid_to_second: "60000",
        });
        const rows = await current("lc_transfers", "TRUE ORDER BY transfer_id");
        expect(rows.map((r) => [r.transfer_id, r.state])).to.deep.equal([
          [String(s.executed), "Executed"],
          [String(s.declined), "Declined"],
        ]);
        for (const row of rows) {
          const t = await transfers.transfer(BigInt(row.transfer_id as string));
          expect(row.state).to.equal(TRANSFER_STATES[Number(t.state)]);
          expect([row.amount, row.presented]).to.deep.equal([t.amount, t.presented].map(String));
          expect(row.lc_fingerprint).to.equal(t.lcFingerprint);
        }
        expect(rows[0]).to.include({ transferring_bank: chain.ids.bankA, second_beneficiary: chain.ids.supplier2 });
        const presentations = await current("lc_transfer_presentations", "TRUE ORDER BY second_presentation_id");
        for (const row of presentations) {
          const p = await transfers.secondPresentation(BigInt(row.second_presentation_id as string));
          expect(row.state).to.equal(SECOND_PRESENTATION_STATES[Number(p.state)]);
          expect(row.lc_presentation_id).to.equal(String(p.lcPresentationId));
        }
        expect(presentations[0]).to.include({ state: "Paid", as_received: false, invoice_hash: hash("first invoice") });
        expect(presentations[0]).to.include({
          off_chain_reference: null,
          lc_presentation_id: String(s.lcPresentation),
        });
        expect(presentations[1]).to.include({
          as_received: true,
          invoice_hash: null,
          off_chain_reference: hash("wire second"),
        });
        expect(presentations[1].substitution_demanded_at).to.be.a("number");
      });

      it("serves transfers, second presentations and the back-to-back link", async () => {
        const get = async (url: string) => {
          const response = await api.inject({ method: "GET", url });
          expect(response.statusCode, url).to.equal(200);
          return response.json() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        };
        const list = await get(`/lc-transfers?lcId=${s.lcId}&state=Executed`);
        expect(list.items.map((t: { transferId: string }) => t.transferId)).to.deep.equal([String(s.executed)]);
        expect(list.items[0]).to.include({ amount: "60000", presented: "60000", transferringBank: chain.ids.bankA });
        const seconds = await get(`/lc-transfer-presentations?transferId=${s.executed}`);
        expect(seconds.items.map((p: { state: string }) => p.state)).to.deep.equal(["Paid", "Paid"]);
        const b2b = await get(`/lc-back-to-back?master=${s.lcId}`);
        expect(b2b.items).to.have.length(1);
        expect(b2b.items[0]).to.include({
          backToBackLcId: String(s.backToBack),
          masterLcId: String(s.lcId),
          issuingBank: chain.ids.bankC,
        });
        expect((await get(`/lc-back-to-back?master=${s.backToBack}`)).items).to.deep.equal([]);
      });

      it("index verify: no drift; a tampered transfer, presentation, credit or link is that drift", async () => {
        const clean = await verifyIndex({ db, rpcUrl: chain.url, deployments: chain.deployments });
        expect(clean.drift).to.deep.equal([]);
        expect(clean.compared["LC transfers"]).to.equal(4 + 2 * 10);
        expect(clean.compared["LC second beneficiaries' presentations"]).to.equal(2 * 6);
        expect(clean.compared["LC back-to-back links"]).to.equal(1);
        for (const [table, set, key, expected] of [
          [
            "lc_transferable",
            "transferred = transferred + 1",
            "lc_id",
            (id: string) => [`transferable LC ${id} transferred`],
          ],
          ["lc_transfers", "state = 'Requested'", "transfer_id", (id: string) => [`transfer ${id} state`]],
          [
            "lc_transfer_presentations",
            "state = 'Presented'",
            "second_presentation_id",
            (id: string) => [`second presentation ${id} state`],
          ],
          [
            "lc_back_to_back",
            "master_lc_id = master_lc_id + 1",
            "back_to_back_lc_id",
            (id: string) => [`back-to-back LC ${id} masterOf`],
          ],
        ] as const) {
          const rollback = new Error("rollback");
          let found: string[] = [];
          let want: string[] = [];
          await db
            .transaction(async (tx) => {
              const [row] = await tx.query(`SELECT ${key} FROM ${table} WHERE valid_to_block IS NULL LIMIT 1`);
              await tx.query(`UPDATE ${table} SET ${set} WHERE ${key} = $1 AND valid_to_block IS NULL`, [row[key]]);
              const result = await verifyIndex({ db: tx, rpcUrl: chain.url, deployments: chain.deployments });
              found = result.drift.map((d) => d.key);
              want = expected(String(row[key]));
              throw rollback;
            })
            .catch((error: unknown) => {
              if (error !== rollback) throw error;
            });
          expect(want, table).to.have.length(1);
          expect(found, table).to.deep.equal(want);
        }
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
