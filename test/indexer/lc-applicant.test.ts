import { writeFileSync } from "node:fs";
import { expect } from "chai";
import { AbiCoder, keccak256, MaxUint256, toUtf8Bytes, ZeroHash } from "ethers";
import {
  LcApplicantAccounts__factory,
  LetterOfCredit__factory,
  type LcApplicantAccounts,
} from "@consortia/sdk/typechain";
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
  /** Application (5 % plus tolerance): 20% margin of 105,000 locked before issue (21,000), amended to 120,000
   * (126,000 drawable: 4,200 more locked after issue); two drawings: 30,000 (25,200 margin applied, 4,800 paid for
   * release) and 20,000 (held, released on trust receipt, then paid); cancelled. Nothing left to release. */
  secured: bigint;
  /** Issued LC: 50% margin of 105,000 (52,500) locked after issue; one drawing of 10,000 the margin covers;
   * cancelled; 42,500 released. */
  issuedFirst: bigint;
  paidForRelease: bigint;
  trustReceipt: bigint;
  covered: bigint;
  /** LC nominating bankC: 20 % margin (21,000); bankC paid 30,000, bankA reimbursed it (obligation
   * `obligationId`), held (21,000 applied, 9,000 due), named a second account, to which core paid. */
  nominated: bigint;
  byNominated: bigint;
  obligationId: bigint;
  secondAccount: string;
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
  await margin.connect(core).lockMargin(secured, 21_000n);
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
  await margin.connect(core).lockMargin(secured, 4_200n);
  const paidForRelease = await paid(secured, 30_000n);
  const hold = await margin.connect(bankA).holdDocuments(paidForRelease, DOCS_HASH);
  const heldAt = (await chain.provider.getBlock((await hold.wait())!.blockNumber))!.timestamp;
  await margin.connect(core).payForRelease(paidForRelease, 4_800n);
  const trustReceipt = await paid(secured, 20_000n);
  await margin.connect(bankA).holdDocuments(trustReceipt, DOCS_HASH);
  await margin.connect(bankA).releaseOnTrustReceipt(trustReceipt, hash("trust receipt"));
  await margin.connect(core).payForRelease(trustReceipt, 20_000n);
  await cancel(secured);

  const issuedFirst = await lcA.issue.staticCall(core.address, terms);
  await lcA.issue(core.address, terms);
  await operative(issuedFirst);
  await margin.connect(bankA).setMarginShare(issuedFirst, 5_000);
  await margin.connect(core).lockMargin(issuedFirst, 52_500n);
  const covered = await paid(issuedFirst, 10_000n);
  await margin.connect(bankA).holdDocuments(covered, DOCS_HASH);
  await cancel(issuedFirst);
  await margin.connect(core).releaseMargin(issuedFirst);

  const { bankC } = accounts;
  await token.connect(bankA).mint(bankC.address, 1_000_000n);
  await token.connect(bankC).approve(apps.addresses.lc, MaxUint256);
  await token.connect(bankA).approve(apps.addresses.positions, MaxUint256);
  await apps.positions.connect(bankC).setCreditLine(chain.ids.bankA, 1_000_000n);
  await apps.positions.connect(bankC).setSettlementAccount(bankC.address);
  const nominatedTerms = { ...terms, nominatedBank: bankC.address, termsHash: hash("nominated terms") };
  const nominated = await apps.lc.connect(core).submitApplication.staticCall(bankA.address, nominatedTerms);
  await apps.lc.connect(core).submitApplication(bankA.address, nominatedTerms);
  await margin.connect(bankA).setMarginShare(nominated, 2_000);
  await margin.connect(core).lockMargin(nominated, 21_000n);
  await lcA.approveApplication(nominated);
  await operative(nominated);
  const byNominated = await lcS.present.staticCall(nominated, 30_000n, DOCS);
  await lcS.present(nominated, 30_000n, DOCS);
  await apps.lc.connect(bankC).examine(byNominated, []);
  await apps.lc.connect(bankC).pay(byNominated, ZeroHash);
  const obligationId = await apps.positions.obligationCount();
  await apps.positions.connect(bankA).settleObligation(obligationId, ZeroHash);
  await margin.connect(bankA).holdDocumentsAfterReimbursement(byNominated, DOCS_HASH, obligationId);
  const second = chain.outsiders[0];
  await registry.connect(bankA).addAccount(chain.ids.bankA, await second.getAddress(), 2);
  await margin.connect(second).changeReimbursementAccount(byNominated);
  await margin.connect(core).payForRelease(byNominated, 9_000n);
  const secondAccount = (await second.getAddress()).toLowerCase();

  const scenario: Scenario = {
    secured,
    issuedFirst,
    paidForRelease,
    trustReceipt,
    covered,
    nominated,
    byNominated,
    obligationId,
    secondAccount,
    heldAt,
  };
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
        expect(rows.map((r) => r.lc_id)).to.deep.equal([s.secured, s.issuedFirst, s.nominated].map(String));
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
        const [secured, issuedFirst, nominated] = rows;
        expect(nominated).to.include({ locked: "21000", applied: "21000", held_drawn: "30000", outstanding: 0 });
        expect(secured).to.include({ share_bps: 2_000, locked: "25200", applied: "25200", held_drawn: "50000" });
        expect(secured).to.include({ released: "0", outstanding: 0, before_issue: true, required_at_share: "21000" });
        expect(issuedFirst).to.include({ locked: "52500", applied: "10000", released: "42500", before_issue: false });
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
          [String(s.secured), "21000", "21000", true],
          [String(s.secured), "4200", "25200", false],
          [String(s.issuedFirst), "52500", "52500", false],
          [String(s.nominated), "21000", "21000", true],
        ]);
        const events = await margin.queryFilter(margin.filters.MarginLocked());
        expect(rows.map((r) => r.account)).to.deep.equal(events.map((e) => e.args.account.toLowerCase()));
      });

      it("documents held per presentation equal the contract's, with payment, trust receipt and times", async () => {
        const rows = await current("lc_documents_held", "TRUE ORDER BY presentation_id");
        expect(rows).to.have.length(4);
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
          margin_applied: "25200",
          reimbursed: "4800",
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
        expect(byId[String(s.covered)]).to.include({ nominated_bank: null, reimbursement_obligation_id: null });
        // the nominated bank paid; the hold names bankA's reimbursement of it; the second account received the payment
        expect(byId[String(s.byNominated)]).to.include({
          nominated_bank: chain.ids.bankC,
          reimbursement_obligation_id: String(s.obligationId),
          margin_applied: "21000",
          reimbursed: "9000",
          bank_account: s.secondAccount,
          state: "Settled",
        });
        expect(byId[String(s.byNominated)].account_changed_at).to.be.a("number");
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
        // the share asks 20% of the amended 120,000 plus 5 %: all locked, nothing due, all applied
        expect(secured).to.include({ shareBps: 2_000, required: "25200", locked: "25200", due: "0", applied: "25200" });
        expect(secured).to.include({ free: "0", beforeIssue: true, outstanding: 0 });
        const [required, due] = await margin.marginDue(s.secured);
        expect([secured.required, secured.due]).to.deep.equal([String(required), String(due)]);
        // as of the block before the amendment's increase was locked: 4,000 due on the amended amount
        const [lock] = await db.query(
          `SELECT block_number FROM lc_margin_locks WHERE lc_id = $1 AND NOT before_issue`,
          [s.secured],
        );
        const before = await get(`/letters-of-credit/${s.secured}/margin?asOf=${Number(lock.block_number) - 1}`);
        expect(before).to.include({ required: "25200", locked: "21000", due: "4200" });
        const issued = await get(`/letters-of-credit/${s.issuedFirst}/margin`);
        expect(issued).to.include({ released: "42500", free: "0", beforeIssue: false });
        // expiry (+210 days after the amendment) + 30 days' grace, sight LC
        const lcRecord = await LetterOfCredit__factory.connect(
          await margin.letterOfCredit(),
          chain.provider,
        ).letterOfCredit(s.secured);
        expect(secured.reclaimableAt).to.equal(Number(lcRecord.expiry) + 30 * 86_400);
        expect(BigInt(secured.reclaimableAt)).to.equal(await margin.marginReclaimableAt(s.secured));
        const held = await get(`/letters-of-credit/${s.secured}/documents-held`);
        expect(held.items.map((d: { presentationId: string }) => d.presentationId)).to.deep.equal(
          [s.paidForRelease, s.trustReceipt].map(String),
        );
        expect(held.items[1]).to.include({ state: "Settled", undertakingHash: hash("trust receipt") });
        expect(held.items[0]).to.include({
          nominatedBank: null,
          reimbursementObligationId: null,
          accountChangedAt: null,
        });
        const heldNominated = await get(`/letters-of-credit/${s.nominated}/documents-held`);
        expect(heldNominated.items[0]).to.include({
          nominatedBank: chain.ids.bankC,
          reimbursementObligationId: String(s.obligationId),
          bankAccount: s.secondAccount,
        });
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
        const both = [s.secured, s.issuedFirst, s.nominated].map(String);
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
        expect(clean.compared["LC margins"]).to.equal(3 * 8);
        expect(clean.compared["LC documents held"]).to.equal(4 * 5);
        expect(clean.compared["LC presentation checks"]).to.be.greaterThan(0);
        for (const [table, set, key, expected] of [
          ["lc_margins", "locked = locked + 1", "lc_id", (id: string) => [`LC ${id} margin locked`]],
          [
            "lc_documents_held",
            "state = 'Held'",
            "presentation_id",
            (id: string) => [`documents of presentation ${id} state`],
          ],
          // the automatic checks at presentation (LcPresentationChecks)
          [
            "lc_presentations",
            `check_codes = '["LATE_SHIPMENT"]'::jsonb`,
            "presentation_id",
            (id: string) => [`presentation ${id} checks codes`],
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
