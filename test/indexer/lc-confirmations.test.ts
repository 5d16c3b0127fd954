import { writeFileSync } from "node:fs";
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { LcConfirmations__factory, type LcConfirmations } from "@consortia/sdk/typechain";
import type { Database } from "../../src/indexer/db.js";
import { verifyIndex } from "../../src/indexer/verify.js";
import { deployProxy } from "../helpers/upgradeable.js";
import { startChain, type TestChain } from "./chain.js";
import { catchUp, createIndexer, indexerApi, indexerOptions, testStores } from "./harness.js";
import { deployTradeFinance, type TradeFinance } from "./trade-finance-chain.js";

const DAY = 86_400n;
const hash = (text: string) => keccak256(toUtf8Bytes(text));

interface Scenario {
  /** Confirmed by bankC at 100,000 (+5 %), amended to 150,000: the extension declined, then a second amendment
   * (160,000) extended to. */
  confirmed: bigint;
  /** Confirmed, then amended to 130,000: the amendment not confirmed. */
  declined: bigint;
  /** Authorised, then declined by the bank (art. 8d). */
  refused: bigint;
  /** Authorization pending. */
  pending: bigint;
}

async function confirmationScenario(chain: TestChain, apps: TradeFinance) {
  const { deployer, registry, accounts, ids } = chain;
  const { bankA, bankB, bankC, core, supplier1 } = accounts;
  const confirmations = (await deployProxy(
    await new LcConfirmations__factory(deployer).deploy(registry, apps.lc),
    [],
    deployer,
  )) as LcConfirmations;
  await confirmations.waitForDeployment();
  const address = await confirmations.getAddress();
  const block = (await confirmations.deploymentTransaction()!.wait())!.blockNumber;
  chain.deployments.contracts.LcConfirmations = { address, block };
  writeFileSync(chain.deploymentsPath, JSON.stringify(chain.deployments, null, 2));
  const now = BigInt((await chain.provider.getBlock("latest"))!.timestamp);
  const send = async (tx: Promise<{ wait(): Promise<unknown> }>) => (await tx).wait();
  const open = async (): Promise<bigint> => {
    const terms = {
      advisingBank: bankB.address,
      nominatedBank: bankC.address,
      beneficiary: supplier1.address,
      amount: 100_000n,
      currency: "0x434e59",
      tolerancePlus: 5,
      toleranceMinus: 0,
      expiry: now + 120n * DAY,
      latestShipment: now + 60n * DAY,
      deferred: false,
      tenorDays: 0,
      partialDrawings: true,
      requiredDocuments: 1 << 2,
      termsHash: hash("confirmation terms"),
    };
    const id = await apps.lc.connect(bankA).issue.staticCall(core.address, terms);
    await send(apps.lc.connect(bankA).issue(core.address, terms));
    await send(apps.lc.connect(bankB).advise(id));
    await send(apps.lc.connect(supplier1).acknowledge(id));
    return id;
  };
  const current = async (id: bigint) => {
    const { amount, tolerancePlus, toleranceMinus, expiry, latestShipment, termsHash } =
      await confirmations.currentTerms(id);
    return { amount, tolerancePlus, toleranceMinus, expiry, latestShipment, termsHash };
  };
  const amend = async (id: bigint, amount: bigint, text: string) => {
    const t = await confirmations.currentTerms(id);
    const amendment = { amount, expiry: t.expiry, latestShipment: t.latestShipment, termsHash: hash(text) };
    await send(apps.lc.connect(bankA).proposeAmendment(id, amendment));
    await send(apps.lc.connect(supplier1).acceptAmendment(id, amendment));
  };
  const confirm = async (id: bigint) => {
    await send(confirmations.connect(bankA).authorizeConfirmation(id, ids.bankC, true));
    await send(confirmations.connect(bankC).addConfirmation(id, await current(id)));
  };
  const confirmed = await open();
  await confirm(confirmed);
  await amend(confirmed, 150_000n, "v2");
  await send(confirmations.connect(bankC).declineAmendment(confirmed, await current(confirmed), hash("advice")));
  await amend(confirmed, 160_000n, "v3");
  await send(confirmations.connect(bankC).extendConfirmation(confirmed, await current(confirmed)));
  const declined = await open();
  await confirm(declined);
  await amend(declined, 130_000n, "v2 declined");
  await send(confirmations.connect(bankC).declineAmendment(declined, await current(declined), hash("advice 2")));
  const refused = await open();
  await send(confirmations.connect(bankA).authorizeConfirmation(refused, ids.bankC, false));
  await send(confirmations.connect(bankC).declineToConfirm(refused, hash("not prepared")));
  const pending = await open();
  await send(confirmations.connect(bankA).authorizeConfirmation(pending, ids.bankC, false));
  return { confirmations, scenario: { confirmed, declined, refused, pending } satisfies Scenario };
}

describe("indexer: lc-confirmations projection (UCP 600 art. 8, 10)", function () {
  this.timeout(240_000);
  let chain: TestChain;
  let confirmations: LcConfirmations;
  let s: Scenario;

  before(async () => {
    chain = await startChain();
    const apps = await deployTradeFinance(chain);
    ({ confirmations, scenario: s } = await confirmationScenario(chain, apps));
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
      const row = async (id: bigint) =>
        (
          await db.query(`SELECT * FROM lc_confirmations WHERE lc_id = $1 AND valid_to_block IS NULL`, [id])
        )[0] as Record<string, unknown>;

      it("each confirmation's terms, extensions and declined amendment equal the contract's", async () => {
        const c = await confirmations.confirmation(s.confirmed);
        expect(await row(s.confirmed)).to.include({
          status: "Confirmed",
          confirming_bank: chain.ids.bankC,
          issuing_bank: chain.ids.bankA,
          amount: String(c.terms.amount),
          amendments_extended: 1,
          terms_hash: hash("v3"),
          declined_terms_hash: null,
        });
        expect(await row(s.declined)).to.include({
          status: "Confirmed",
          amount: "100000",
          declined_terms_hash: hash("v2 declined"),
          declined_notice_hash: hash("advice 2"),
        });
        expect(await row(s.refused)).to.include({ status: "Declined", requested: false });
        expect(await row(s.pending)).to.include({ status: "Authorized" });
        const steps = await db.query(`SELECT step FROM lc_confirmation_steps WHERE lc_id = $1 ORDER BY block_time`, [
          s.confirmed,
        ]);
        expect(steps.map((r) => r.step)).to.deep.equal([
          "Authorized",
          "Confirmed",
          "AmendmentNotConfirmed",
          "Extended",
        ]);
      });

      it("serves the confirmed exposure beside the LC's current terms; 404 for an unknown LC", async () => {
        const get = async (url: string) => {
          const response = await api.inject({ method: "GET", url });
          expect(response.statusCode, url).to.equal(200);
          return response.json() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        };
        const declined = await get(`/letters-of-credit/${s.declined}/confirmation`);
        expect(declined).to.include({
          status: "Confirmed",
          upToDate: false,
          bound: true,
          confirmedMaximum: "105000",
          currentMaximum: "136500",
          outstanding: "105000",
          declinedTermsHash: hash("v2 declined"),
        });
        const e = await confirmations.exposure(s.declined);
        expect([declined.confirmedMaximum, declined.currentMaximum, declined.outstanding]).to.deep.equal([
          String(e.confirmedMaximum),
          String(e.currentMaximum),
          String(e.outstanding),
        ]);
        const confirmed = await get(`/letters-of-credit/${s.confirmed}/confirmation`);
        expect(confirmed).to.include({ upToDate: true, confirmedMaximum: "168000", amendmentsExtended: 1 });
        const late = await get(`/letters-of-credit/${s.confirmed}/confirmation?at=${Number(e.confirmedExpiry) + 1}`);
        expect(late).to.include({ bound: false, outstanding: "0" });
        const list = await get(`/lc-confirmations?bank=${chain.ids.bankC}&amendmentDeclined=true`);
        expect(list.items.map((i: { lcId: string }) => i.lcId)).to.deep.equal([String(s.declined)]);
        const none = await api.inject({ method: "GET", url: `/letters-of-credit/999/confirmation` });
        expect(none.statusCode).to.equal(404);
      });

      it("index verify: no drift; a tampered confirmation or authorization is that drift", async () => {
        const clean = await verifyIndex({ db, rpcUrl: chain.url, deployments: chain.deployments });
        expect(clean.drift).to.deep.equal([]);
        expect(clean.compared["LC confirmations"]).to.equal(2 * 8 + 2 * 2);
        for (const [set, id, expected] of [
          ["amount = amount + 1", s.declined, [`LC ${s.declined} confirmation amount`]],
          [
            "status = 'Withdrawn'",
            s.pending,
            [
              `LC ${s.pending} authorization to confirm confirmingBank`,
              `LC ${s.pending} authorization to confirm termsDigest`,
            ],
          ],
        ] as const) {
          const rollback = new Error("rollback");
          let found: string[] = [];
          await db
            .transaction(async (tx) => {
              await tx.query(`UPDATE lc_confirmations SET ${set} WHERE lc_id = $1 AND valid_to_block IS NULL`, [id]);
              const result = await verifyIndex({ db: tx, rpcUrl: chain.url, deployments: chain.deployments });
              found = result.drift.map((d) => d.key);
              throw rollback;
            })
            .catch((error: unknown) => {
              if (error !== rollback) throw error;
            });
          expect(found).to.deep.equal(expected);
        }
      });
    });
  }
});
