import { writeFileSync } from "node:fs";
import { expect } from "chai";
import { AbiCoder, keccak256, MaxUint256, toUtf8Bytes, ZeroHash } from "ethers";
import { LcApplicantAccounts__factory, type LcApplicantAccounts } from "@consortia/sdk/typechain";
import type { Database } from "../../src/indexer/db.js";
import { RELEASE_STATES } from "../../src/indexer/projections/lc-applicant.js";
import { verifyIndex } from "../../src/indexer/verify.js";
import { APPLICANT_SIDE_OF } from "../../src/api/routes/lc-applicant.js";
import { Sql } from "../../src/api/route.js";
import { deployProxy } from "../helpers/upgradeable.js";
import { passProposal, startChain, type TestChain } from "./chain.js";
import { catchUp, createIndexer, digests, indexerApi, indexerOptions, testStores } from "./harness.js";
import { deployTradeFinance, type TradeFinance } from "./trade-finance-chain.js";

const DAY = 86_400n;
const CNY = "0x434e59";
const hash = (text: string) => keccak256(toUtf8Bytes(text));
const DOCS = [2, 4, 5].map((kind) => ({ contentHash: hash(`m-doc-${kind}`), uriHash: hash(`m-uri-${kind}`), kind }));
const DOCS_HASH = keccak256(
  AbiCoder.defaultAbiCoder().encode(["tuple(bytes32 contentHash, bytes32 uriHash, uint8 kind)[]"], [DOCS]),
);

interface Scenario {
  /** Application: 20% margin locked before issue (20,000), amended to 120,000 (4,000 more locked after issue); two
   * drawings: 30,000 (24,000 margin applied, 6,000 paid for release) and 20,000 (held, released on trust receipt,
   * then paid); cancelled. Nothing left to release. */
  secured: bigint;
  /** Issued LC: 50% margin (50,000) locked after issue; one drawing of 10,000 the margin covers; cancelled; 40,000
   * released. */
  issuedFirst: bigint;
  paidForRelease: bigint;
  trustReceipt: bigint;
  covered: bigint;
  /** The held presentation's block time (from the node). */
  heldAt: number;
}

/** Deploys LcApplicantAccounts beside the trade-finance contracts and runs the margin/documents scenario. */
async function applicantScenario(chain: TestChain, apps: TradeFinance) {
  const { deployer, registry, token, accounts } = chain;
  const { bankA, bankB, core, supplier1 } = accounts;
  const margin = (await deployProxy(
    await new LcApplicantAccounts__factory(deployer).deploy(registry, apps.lc, token),
    [],
    deployer,
  )) as LcApplicantAccounts;
  await margin.waitForDeployment();
  const address = await margin.getAddress();
  const block = (await margin.deploymentTransaction()!.wait())!.blockNumber;
  await passProposal(
    chain,
    await registry.getAddress(),
    registry.interface.encodeFunctionData("setSystemContract", [address, true]),
    `system ${address}`,
  );
  chain.deployments.contracts.LcApplicantAccounts = { address, block };
  writeFileSync(chain.deploymentsPath, JSON.stringify(chain.deployments, null, 2));

  await token.connect(bankA).mint(bankA.address, 10_000_000n);
  await token.connect(bankA).mint(core.address, 1_000_000n);
  await token.connect(bankA).approve(apps.addresses.lc, MaxUint256);
  await token.connect(core).approve(address, MaxUint256);
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
    termsHash: hash("margin terms"),
  };
  const operative = async (id: bigint) => {
    await apps.lc.connect(bankB).advise(id);
    await lcS.acknowledge(id);
  };
  const paid = async (lcId: bigint, amount: bigint) => {
    const id = await lcS.present.staticCall(lcId, amount, DOCS);
    await lcS.present(lcId, amount, DOCS);
    await lcA.examine(id, []);
    await lcA.pay(id, ZeroHash);
    return id;
  };
  const cancel = async (id: bigint) => {
    await lcA.requestCancellation(id);
    await lcS.consentToCancellation(id);
  };

  const secured = await apps.lc.connect(core).submitApplication.staticCall(bankA.address, terms);
  await apps.lc.connect(core).submitApplication(bankA.address, terms);
  await margin.connect(bankA).setMarginShare(secured, 2_000);
  await margin.connect(core).lockMargin(secured, 20_000n);
  await lcA.approveApplication(secured);
  await operative(secured);
  const amendment = {
    amount: 120_000n,
    expiry: now + 210n * DAY,
    latestShipment: now + 70n * DAY,
    termsHash: hash("margin terms v2"),
  };
  await lcA.proposeAmendment(secured, amendment);
  await lcS.acceptAmendment(secured, amendment);
  await margin.connect(core).lockMargin(secured, 4_000n);
  const paidForRelease = await paid(secured, 30_000n);
  const hold = await margin.connect(bankA).holdDocuments(paidForRelease, DOCS_HASH);
  const heldAt = (await chain.provider.getBlock((await hold.wait())!.blockNumber))!.timestamp;
  await margin.connect(core).payForRelease(paidForRelease, 6_000n);
  const trustReceipt = await paid(secured, 20_000n);
  await margin.connect(bankA).holdDocuments(trustReceipt, DOCS_HASH);
  await margin.connect(bankA).releaseOnTrustReceipt(trustReceipt, hash("trust receipt"));
  await margin.connect(core).payForRelease(trustReceipt, 20_000n);
  await cancel(secured);

  const issuedFirst = await lcA.issue.staticCall(core.address, terms);
  await lcA.issue(core.address, terms);
  await operative(issuedFirst);
  await margin.connect(bankA).setMarginShare(issuedFirst, 5_000);
  await margin.connect(core).lockMargin(issuedFirst, 50_000n);
  const covered = await paid(issuedFirst, 10_000n);
  await margin.connect(bankA).holdDocuments(covered, DOCS_HASH);
  await cancel(issuedFirst);
  await margin.connect(core).releaseMargin(issuedFirst);
  const scenario: Scenario = { secured, issuedFirst, paidForRelease, trustReceipt, covered, heldAt };
  return { margin, scenario };
}

describe("indexer: lc-applicant projection (margin and documents held)", function () {
  this.timeout(240_000);
  let chain: TestChain;
  let margin: LcApplicantAccounts;
  let s: Scenario;

  before(async () => {
    chain = await startChain();
    const apps = await deployTradeFinance(chain);
    ({ margin, scenario: s } = await applicantScenario(chain, apps));
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

      const current = (table: string, where = "TRUE", params: unknown[] = []) =>
        db.query(`SELECT * FROM ${table} WHERE valid_to_block IS NULL AND ${where}`, params);

      it("each LC's margin account equals the contract's, with the first lock's beforeIssue", async () => {
        const rows = await current("lc_margins", "TRUE ORDER BY lc_id");
        expect(rows.map((r) => r.lc_id)).to.deep.equal([String(s.secured), String(s.issuedFirst)]);
        for (const row of rows) {
          const account = await margin.marginAccount(BigInt(row.lc_id as string));
          expect([row.share_bps, row.outstanding]).to.deep.equal([
            Number(account.shareBps),
            Number(account.outstanding),
          ]);
          expect([row.locked, row.applied, row.held_drawn, row.released]).to.deep.equal(
            [account.locked, account.applied, account.heldDrawn, account.released].map(String),
          );
          expect([row.issuing_bank, row.applicant]).to.deep.equal([chain.ids.bankA, chain.ids.core]);
        }
        const [secured, issuedFirst] = rows;
        expect(secured).to.include({ share_bps: 2_000, locked: "24000", applied: "24000", held_drawn: "50000" });
        expect(secured).to.include({ released: "0", outstanding: 0, before_issue: true, required_at_share: "20000" });
        expect(issuedFirst).to.include({ locked: "50000", applied: "10000", released: "40000", before_issue: false });
        for (const r of rows) {
          for (const column of ["share_set_at", "first_locked_at", "last_locked_at"])
            expect(r[column], column).to.be.a("number");
        }
        expect(secured.released_at).to.equal(null);
        expect(issuedFirst.released_at).to.be.a("number");
      });

      it("keeps every lock: before issue, then the amendment's increase after it", async () => {
        const rows = await db.query(`SELECT * FROM lc_margin_locks ORDER BY block_number, log_index`);
        expect(rows.map((r) => [r.lc_id, r.amount, r.locked, r.before_issue])).to.deep.equal([
          [String(s.secured), "20000", "20000", true],
          [String(s.secured), "4000", "24000", false],
          [String(s.issuedFirst), "50000", "50000", false],
        ]);
        const events = await margin.queryFilter(margin.filters.MarginLocked());
        expect(rows.map((r) => r.account)).to.deep.equal(events.map((e) => e.args.account.toLowerCase()));
      });

      it("documents held per presentation equal the contract's, with payment, trust receipt and times", async () => {
        const rows = await current("lc_documents_held", "TRUE ORDER BY presentation_id");
        expect(rows).to.have.length(3);
        for (const row of rows) {
          const release = await margin.documentRelease(BigInt(row.presentation_id as string));
          expect(row.state).to.equal(RELEASE_STATES[Number(release.state)]);
          expect([row.amount_due, row.margin_applied]).to.deep.equal(
            [release.amountDue, release.marginApplied].map(String),
          );
          expect(row.bank_account).to.equal(release.bankAccount.toLowerCase());
          expect(row.documents_hash).to.equal(DOCS_HASH);
        }
        const byId = Object.fromEntries(rows.map((r) => [r.presentation_id, r]));
        const core = chain.accounts.core.address.toLowerCase();
        expect(byId[String(s.paidForRelease)]).to.include({
          amount_paid: "30000",
          margin_applied: "24000",
          reimbursed: "6000",
          payer: core,
          released_on_payment: true,
          undertaking_hash: null,
          held_at: s.heldAt,
        });
        expect(byId[String(s.trustReceipt)]).to.include({
          amount_paid: "20000",
          margin_applied: "0",
          reimbursed: "20000",
          released_on_payment: false,
          undertaking_hash: hash("trust receipt"),
        });
        expect(byId[String(s.trustReceipt)].trust_receipt_at).to.be.a("number");
        expect(byId[String(s.covered)]).to.include({ amount_paid: "10000", margin_applied: "10000", reimbursed: "0" });
        expect(byId[String(s.covered)]).to.include({ payer: null, released_on_payment: true, state: "Settled" });
        // the versions of the trust-receipt presentation: held, released on trust receipt, settled
        const versions = await db.query(
          `SELECT state, amount_due FROM lc_documents_held WHERE presentation_id = $1 ORDER BY valid_from_block`,
          [s.trustReceipt],
        );
        expect(versions.map((v) => [v.state, v.amount_due])).to.deep.equal([
          ["Held", "20000"],
          ["ReleasedOnTrustReceipt", "20000"],
          ["Settled", "0"],
        ]);
        const margins = await db.query(
          `SELECT outstanding FROM lc_margins WHERE lc_id = $1 ORDER BY valid_from_block`,
          [s.secured],
        );
        expect(margins.map((m) => m.outstanding)).to.deep.equal([0, 0, 0, 1, 0, 1, 0]);
      });

      it("serves the margin and documents held on the LC, and the lists for banks and the regulator", async () => {
        const get = async (url: string) => {
          const response = await api.inject({ method: "GET", url });
          expect(response.statusCode, url).to.equal(200);
          return response.json() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        };
        const secured = await get(`/letters-of-credit/${s.secured}/margin`);
        // the share asks 20% of the amended 120,000: all locked, nothing due, all applied
        expect(secured).to.include({ shareBps: 2_000, required: "24000", locked: "24000", due: "0", applied: "24000" });
        expect(secured).to.include({ free: "0", beforeIssue: true, outstanding: 0 });
        const [required, due] = await margin.marginDue(s.secured);
        expect([secured.required, secured.due]).to.deep.equal([String(required), String(due)]);
        // as of the block before the amendment's increase was locked: 4,000 due on the amended amount
        const [lock] = await db.query(
          `SELECT block_number FROM lc_margin_locks WHERE lc_id = $1 AND NOT before_issue`,
          [s.secured],
        );
        const before = await get(`/letters-of-credit/${s.secured}/margin?asOf=${Number(lock.block_number) - 1}`);
        expect(before).to.include({ required: "24000", locked: "20000", due: "4000" });
        const issued = await get(`/letters-of-credit/${s.issuedFirst}/margin`);
        expect(issued).to.include({ released: "40000", free: "0", beforeIssue: false });
        const held = await get(`/letters-of-credit/${s.secured}/documents-held`);
        expect(held.items.map((d: { presentationId: string }) => d.presentationId)).to.deep.equal(
          [s.paidForRelease, s.trustReceipt].map(String),
        );
        expect(held.items[1]).to.include({ state: "Settled", undertakingHash: hash("trust receipt") });
        const issuedLate = await get(`/lc-margins?bank=${chain.ids.bankA}&beforeIssue=false`);
        expect(issuedLate.items.map((m: { lcId: string }) => m.lcId)).to.deep.equal([String(s.issuedFirst)]);
        expect((await get(`/lc-margins?bank=${chain.ids.bankB}`)).items).to.deep.equal([]);
        const onTrust = await get(`/lc-documents-held?bank=${chain.ids.bankA}&lcId=${s.secured}`);
        expect(onTrust.items).to.have.length(2);
        const none = await api.inject({ method: "GET", url: `/letters-of-credit/${s.secured + 100n}/margin` });
        expect(none.statusCode).to.equal(404);
      });

      it("access rows: the LC's applicant and issuing bank read its margin and documents, no other party", async () => {
        const visible = async (table: string, member: number) => {
          const q = new Sql();
          const where = APPLICANT_SIDE_OF("t")(q, member);
          const rows = await db.query(
            `SELECT DISTINCT t.lc_id FROM ${table} t WHERE t.valid_to_block IS NULL AND ${where} ORDER BY t.lc_id`,
            q.params,
          );
          return rows.map((r) => String(r.lc_id));
        };
        const both = [s.secured, s.issuedFirst].map(String);
        for (const table of ["lc_margins", "lc_documents_held"]) {
          expect(await visible(table, chain.ids.core), table).to.deep.equal(both);
          expect(await visible(table, chain.ids.bankA), table).to.deep.equal(both);
          // the advising bank and the beneficiary are parties of the LC, not of the applicant's side
          expect(await visible(table, chain.ids.bankB), table).to.deep.equal([]);
          expect(await visible(table, chain.ids.supplier1), table).to.deep.equal([]);
        }
      });

      it("index verify: no drift; a tampered margin or release is that drift", async () => {
        const clean = await verifyIndex({ db, rpcUrl: chain.url, deployments: chain.deployments });
        expect(clean.drift).to.deep.equal([]);
        expect(clean.compared["LC margins"]).to.equal(2 * 8);
        expect(clean.compared["LC documents held"]).to.equal(3 * 5);
        for (const [table, set, key, expected] of [
          ["lc_margins", "locked = locked + 1", "lc_id", (id: string) => [`LC ${id} margin locked`]],
          [
            "lc_documents_held",
            "state = 'Held'",
            "presentation_id",
            (id: string) => [`documents of presentation ${id} state`],
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
