import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { pino } from "pino";
import { Writable } from "node:stream";
import { CreditBlacklistV2__factory, type CreditBlacklistV2 } from "@consortia/sdk/typechain";
import { createConsortia } from "@consortia/sdk";
import type { Database } from "../../src/indexer/db.js";
import { Indexer } from "../../src/indexer/indexer.js";
import type { Projection } from "../../src/indexer/projection.js";
import { checkProjections, loadProjections } from "../../src/indexer/projections.js";
import { implementationOf } from "../helpers/upgradeable.js";
import { startChain } from "./chain.js";
import { deployCredit, SUBJECTS, type CreditChain } from "./credit-scenario.js";
import { DAY } from "./receivables-scenario.js";
import { indexerApi, indexerOptions, silent, testStores } from "./harness.js";

const COMMIT = "0x1111111111111111111111111111111111111111";
const hash = (label: string) => keccak256(toUtf8Bytes(label));

/** The projections of a release built with CreditBlacklistV2's ABI: what an operator runs after that upgrade. */
async function v2Projections(): Promise<Projection[]> {
  return (await loadProjections()).map((p) =>
    p.name === "credit" ? { ...p, contracts: { CreditBlacklist: CreditBlacklistV2__factory.abi } } : p,
  );
}

/** A logger that keeps what it writes (for the warning about events no ABI decodes). */
function capturingLogger(lines: string[]) {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return pino({ level: "warn" }, sink);
}

describe("indexer: implementation history and following a contract across an upgrade (issue 16)", function () {
  this.timeout(180_000);
  let chain: CreditChain;
  let v1: string;
  let v2: string;
  let proposalId: bigint;
  let upgradeBlock: number;
  let afterReportBlock: number;
  let head: number;

  const content = async (label: string) => ({
    category: 2,
    severity: 3,
    expiresAt: BigInt((await chain.provider.getBlock("latest"))!.timestamp) + 365n * BigInt(DAY),
    evidenceHash: hash(`evidence ${label}`),
    payloadHash: hash(`payload ${label}`),
    payloadLocationHash: hash(`location ${label}`),
  });

  before(async () => {
    chain = await deployCredit(await startChain());
    await (await chain.blacklist.connect(chain.accounts.bankA).report(SUBJECTS.person, 1, await content("v1"))).wait();
    v1 = await implementationOf(chain.provider, chain.blacklist);
  });
  after(async () => chain?.stop());

  for (const store of testStores()) {
    describe(`on ${store.name}`, () => {
      let db: Database;
      let dbV2: Database;
      let indexer: Indexer;
      let indexerV2: Indexer;
      const warnings: string[] = [];

      before(async () => {
        db = await store.open();
        dbV2 = await store.open();
        indexer = new Indexer(
          db,
          chain.deployments,
          await loadProjections(),
          indexerOptions(chain.url),
          capturingLogger(warnings),
        );
        indexerV2 = new Indexer(
          dbV2,
          chain.deployments,
          checkProjections(await v2Projections()),
          indexerOptions(chain.url),
          silent,
        );
        await Promise.all([indexer.init(), indexerV2.init()]);
        // Both indexers run (poll every 50 ms) while the upgrade is proposed, approved and executed.
        indexer.start();
        indexerV2.start();
        if (proposalId === undefined) {
          const implementation = await new CreditBlacklistV2__factory(chain.deployer).deploy(chain.registry);
          await implementation.waitForDeployment();
          v2 = await implementation.getAddress();
          const migration = implementation.interface.encodeFunctionData("migrateToV2", ["v2 label"]);
          const codeHash = keccak256(await chain.provider.getCode(v2));
          const { registry, accounts } = chain;
          const args = [chain.blacklist, v2, COMMIT, codeHash, migration, hash("upgrade credit")] as const;
          proposalId = await registry.connect(accounts.bankA).proposeUpgrade.staticCall(...args);
          await (await registry.connect(accounts.bankA).proposeUpgrade(...args)).wait();
          await (await registry.connect(accounts.bankB).approve(proposalId)).wait();
          await (await registry.connect(accounts.bankC).approve(proposalId)).wait();
          upgradeBlock = (await (await registry.connect(accounts.bankA).execute(proposalId)).wait())!.blockNumber;
          const upgraded = chain.blacklist as unknown as CreditBlacklistV2;
          const v2Proxy = CreditBlacklistV2__factory.connect(await upgraded.getAddress(), chain.accounts.bankB);
          afterReportBlock = (await (await v2Proxy.report(SUBJECTS.company, 1, await content("v2"))).wait())!
            .blockNumber;
          head = afterReportBlock; // the last transaction's block (ethers caches getBlockNumber for a while)
        }
        // Each store's indexers started before the upgrade (the second store's after it, from the same blocks).
        const until = Date.now() + 60_000;
        while ((indexer.status.indexedBlock < head || indexerV2.status.indexedBlock < head) && Date.now() < until)
          await new Promise((r) => setTimeout(r, 20));
        await Promise.all([indexer.stop(), indexerV2.stop()]);
        // The node may mine empty blocks meanwhile: at least up to the last transaction's block.
        expect(indexer.status.indexedBlock).to.be.at.least(head);
        expect(indexerV2.status.indexedBlock).to.be.at.least(head);
      });
      after(async () => {
        await db?.close();
        await dbV2?.close();
        await store.cleanup();
      });

      const history = (database: Database, contract: string) =>
        database.query(
          `SELECT * FROM contract_implementations WHERE contract = $1 ORDER BY valid_from_block, log_index`,
          [contract],
        );

      it("projects every proxy's first implementation, from its deployment, with no proposal", async () => {
        const rows = await db.query(`SELECT * FROM contract_implementations ORDER BY contract`);
        expect(rows.map((r) => r.contract)).to.have.members([
          "ConsortiumRegistry",
          "CreditBlacklist",
          "CreditBlacklist",
          "DepositToken",
          "FreezeOrders",
          "PaymentLedger",
        ]);
        const proxies = {
          ConsortiumRegistry: chain.registry,
          DepositToken: chain.token,
          FreezeOrders: chain.freezeOrders,
          PaymentLedger: chain.ledger,
        };
        for (const [name, proxy] of Object.entries(proxies)) {
          const [row] = await history(db, name);
          expect(row).to.include({
            address: (await proxy.getAddress()).toLowerCase(),
            implementation: (await implementationOf(chain.provider, proxy)).toLowerCase(),
            proposal_id: null,
            valid_to_block: null,
          });
        }
        const [first] = await history(db, "CreditBlacklist");
        expect(first).to.include({ implementation: v1.toLowerCase(), proposal_id: null, source_commit: null });
      });

      it("an executed upgrade proposal closes the old version and adds the new one with its proposal, commit and bytecode hash", async () => {
        const [first, second] = await history(db, "CreditBlacklist");
        expect(Number(first.valid_to_block)).to.equal(upgradeBlock);
        expect(second).to.include({
          address: (await chain.blacklist.getAddress()).toLowerCase(),
          implementation: v2.toLowerCase(),
          source_commit: COMMIT,
          bytecode_hash: keccak256(await chain.provider.getCode(v2)),
          valid_to_block: null,
        });
        expect(String(second.proposal_id)).to.equal(String(proposalId));
        expect(Number(second.valid_from_block)).to.equal(upgradeBlock);
        const [recorded] = await db.query(`SELECT * FROM upgrade_proposals WHERE proposal_id = $1`, [
          proposalId.toString(),
        ]);
        expect(recorded).to.include({ proxy: first.address, implementation: v2.toLowerCase(), source_commit: COMMIT });
      });

      it("keeps following the contract at its address: what the new implementation emits is projected", async () => {
        for (const database of [db, dbV2]) {
          const [entry] = await database.query(
            `SELECT * FROM credit_entries WHERE subject_key = $1 AND valid_to_block IS NULL`,
            [SUBJECTS.company],
          );
          expect(entry, "entry reported through v2").to.not.equal(undefined);
          expect(Number(entry.valid_from_block)).to.equal(afterReportBlock);
          expect(entry).to.include({ reporter: chain.ids.bankB, status: "Active" });
          // The record v1 wrote is still there, and v2's new function reads it.
          const [old] = await database.query(
            `SELECT status FROM credit_entries WHERE subject_key = $1 AND valid_to_block IS NULL`,
            [SUBJECTS.person],
          );
          expect(old.status).to.equal("Active");
        }
        const v2Proxy = CreditBlacklistV2__factory.connect(await chain.blacklist.getAddress(), chain.provider);
        expect(await v2Proxy.isListed(SUBJECTS.person, 1)).to.equal(true);
      });

      it("an indexer built with the v2 ABI decodes the v2-only event; one with v1's skips it with a warning", async () => {
        const [labelled] = await dbV2.query(
          `SELECT * FROM events WHERE contract = 'CreditBlacklist' AND event = 'LabelSet'`,
        );
        expect(labelled.args).to.deep.equal({ label: "v2 label" });
        expect(Number(labelled.block_number)).to.equal(upgradeBlock);
        expect(await db.query(`SELECT * FROM events WHERE event = 'LabelSet'`)).to.have.length(0);
        const warning = warnings
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .find((l) => l.topic !== undefined);
        expect(warning).to.include({
          contract: "CreditBlacklist",
          topic: CreditBlacklistV2__factory.createInterface().getEvent("LabelSet").topicHash,
          block: upgradeBlock,
        });
        expect(warning?.msg).to.match(/not in this indexer's ABI/);
      });

      it("the API answers each contract's implementation now and its history, as of any block", async () => {
        const api = await indexerApi(db, indexer);
        try {
          const contracts = (await api.inject({ url: "/contracts" })).json();
          const credit = contracts.find((c: { contract: string }) => c.contract === "CreditBlacklist");
          expect(credit).to.deep.include({
            implementation: v2.toLowerCase(),
            upgrades: 1,
            upgrade: {
              proposalId: String(proposalId),
              sourceCommit: COMMIT,
              bytecodeHash: keccak256(await chain.provider.getCode(v2)),
            },
          });
          expect(credit.source.block).to.equal(upgradeBlock);
          expect(credit.source.time).to.be.a("number");
          const before = (await api.inject({ url: `/contracts?asOf=${upgradeBlock - 1}` })).json();
          expect(before.find((c: { contract: string }) => c.contract === "CreditBlacklist")).to.deep.include({
            implementation: v1.toLowerCase(),
            upgrades: 0,
            upgrade: null,
          });

          const response = await api.inject({ url: "/contracts/CreditBlacklist/implementations" });
          expect(response.statusCode).to.equal(200);
          const body = response.json();
          expect(body.address).to.equal((await chain.blacklist.getAddress()).toLowerCase());
          expect(body.implementations.map((i: { implementation: string }) => i.implementation)).to.deep.equal([
            v1.toLowerCase(),
            v2.toLowerCase(),
          ]);
          expect(body.implementations[0]).to.deep.include({ upgrade: null, until: upgradeBlock });
          expect(body.implementations[1].until).to.equal(null);
          expect(body.implementations[1].source.block).to.equal(upgradeBlock);

          const asOf = (
            await api.inject({ url: `/contracts/CreditBlacklist/implementations?asOf=${upgradeBlock - 1}` })
          ).json();
          expect(asOf.implementations).to.have.length(1);
          expect(asOf.implementations[0].until).to.equal(null);
          expect((await api.inject({ url: "/contracts/NoSuchContract/implementations" })).statusCode).to.equal(404);
          expect((await api.inject({ url: "/contracts/0x12/implementations" })).statusCode).to.equal(400);
          expect((await api.inject({ url: `/contracts?asOf=${head + 100}` })).statusCode).to.equal(400);

          // The SDK reads the same history from the chain.
          const consortia = await createConsortia({ runner: chain.provider, deployment: chain.deployments });
          const fromChain = await consortia.registry.implementations("CreditBlacklist");
          expect(
            fromChain.map((r) => [r.implementation.toLowerCase(), r.blockNumber, r.upgrade?.proposalId.toString()]),
          ).to.deep.equal(
            body.implementations.map(
              (i: { implementation: string; source: { block: number }; upgrade: { proposalId: string } | null }) => [
                i.implementation,
                i.source.block,
                i.upgrade?.proposalId,
              ],
            ),
          );
          expect(fromChain[1].upgrade).to.deep.include({ sourceCommit: COMMIT });
          expect(fromChain[1].transactionHash).to.equal(body.implementations[1].source.tx);
          expect((await consortia.registry.implementation("CreditBlacklist")).toLowerCase()).to.equal(v2.toLowerCase());
        } finally {
          await api.close();
        }
      });
    });
  }
});
