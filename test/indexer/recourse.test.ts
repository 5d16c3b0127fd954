import { writeFileSync } from "node:fs";
import { expect } from "chai";
import { keccak256, toUtf8Bytes, type ContractTransactionResponse, type JsonRpcSigner } from "ethers";
import { RecourseClaims__factory, type RecourseClaims } from "@consortia/sdk/typechain";
import { verifyIndex } from "../../src/indexer/verify.js";
import { CLAIM_READERS, OFFER_READERS, SALE_READERS } from "../../src/api/routes/recourse.js";
import { Sql } from "../../src/api/route.js";
import type { Database } from "../../src/indexer/db.js";
import { deployProxy } from "../helpers/upgradeable.js";
import { passProposal, startChain } from "./chain.js";
import { catchUp, createIndexer, indexerApi, indexerOptions, testStores } from "./harness.js";
import { advance, confirmed, DAY, deployReceivables, type ReceivablesChain } from "./receivables-scenario.js";

/** Creation code that returns `block.timestamp` as one word: TIMESTAMP PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN. */
const RETURN_TIMESTAMP = "0x4260005260206000f3";
const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
const FACE = 1_000_000n;
const PART = 400_000n;

async function mined(tx: Promise<ContractTransactionResponse>): Promise<number> {
  return (await (await tx).wait())!.blockNumber;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("indexer: recourse offers, sales and claims down the lineage", function () {
  this.timeout(240_000);
  let chain: ReceivablesChain;
  let recourse: RecourseClaims;
  /** The steps' ids: sale1 supplier1 -> bankA (with recourse), sale2 bankA -> bankB (split, with recourse, prior
   * sale1), sale3 supplier1 -> bankC (without recourse); claim1 bankB on sale2 (honoured by bankA), claim2 bankA on
   * sale1 (exercised, not honoured), claim3 bankA on sale1 for token1 (discharged once paid off chain). */
  const ids = {
    offer1: 0n,
    offer2: 0n,
    cancelled: 0n,
    offer3: 0n,
    sale1: 0n,
    sale2: 0n,
    sale3: 0n,
    token1: 0n,
    token2: 0n,
    claim1: 0n,
    claim2: 0n,
    claim3: 0n,
  };
  const blocks = { sale2: 0, honoured: 0, discharged: 0 };

  before(async () => {
    chain = await deployReceivables(await startChain());
    const implementation = await new RecourseClaims__factory(chain.deployer).deploy(
      chain.registry,
      chain.desk,
      chain.certificates,
      chain.token,
      ZERO_ADDRESS,
    );
    recourse = await deployProxy(implementation, [], chain.deployer);
    const address = await recourse.getAddress();
    await mined(chain.certificates.connect(chain.deployer).bindRecourse(address));
    await passProposal(
      chain,
      await chain.registry.getAddress(),
      chain.registry.interface.encodeFunctionData("setSystemContract", [address, true]),
      "recourse",
    );
    const block = (await recourse.deploymentTransaction()!.wait())!.blockNumber;
    chain.deployments.contracts.RecourseClaims = { address, block };
    writeFileSync(chain.deploymentsPath, JSON.stringify(chain.deployments, null, 2));

    const { accounts } = chain;
    for (const payer of [accounts.bankA, accounts.bankB, accounts.bankC, accounts.supplier1]) {
      await mined(chain.token.connect(accounts.bankA).mint(await payer.getAddress(), 5_000_000n));
      await mined(chain.token.connect(payer).approve(address, 5_000_000n));
    }
    for (const holder of [accounts.supplier1, accounts.bankA, accounts.bankB])
      await mined(chain.certificates.connect(holder).setApprovalForAll(address, true));

    // The chain's clock as the next call sees it (see test/indexer/financing.test.ts).
    const now = async () => BigInt(await chain.provider.call({ data: RETURN_TIMESTAMP }));
    const offer = async (
      seller: JsonRpcSigner,
      tokenId: bigint,
      value: bigint,
      bank: number,
      price: bigint,
      withRecourse: boolean,
    ): Promise<bigint> => {
      const args = [tokenId, value, bank, price, withRecourse, (await now()) + BigInt(DAY)] as const;
      const id = await recourse.connect(seller).offer.staticCall(...args);
      await mined(recourse.connect(seller).offer(...args));
      return id;
    };
    const accept = async (buyer: JsonRpcSigner, offerId: bigint): Promise<[bigint, bigint, number]> => {
      const o = await recourse.offerOf(offerId);
      const [saleId, tokenId] = await recourse.connect(buyer).accept.staticCall(offerId, o.withRecourse, o.price);
      const block = await mined(recourse.connect(buyer).accept(offerId, o.withRecourse, o.price));
      return [saleId, tokenId, block];
    };
    const exercise = async (holder: JsonRpcSigner, tokenId: bigint): Promise<bigint> => {
      const id = await recourse.connect(holder).exercise.staticCall(tokenId);
      await mined(recourse.connect(holder).exercise(tokenId));
      return id;
    };

    const { receivableId, root } = await confirmed(chain, accounts.supplier1, FACE, 30);
    // supplier1 sells the whole certificate to bank A with recourse; bank A resells a part to bank B with recourse.
    ids.offer1 = await offer(accounts.supplier1, root, FACE, chain.ids.bankA, 980_000n, true);
    [ids.sale1, ids.token1] = await accept(accounts.bankA, ids.offer1);
    ids.offer2 = await offer(accounts.bankA, ids.token1, PART, chain.ids.bankB, 395_000n, true);
    [ids.sale2, ids.token2, blocks.sale2] = await accept(accounts.bankB, ids.offer2);
    // Bank A offers the rest to bank C and withdraws.
    ids.cancelled = await offer(accounts.bankA, ids.token1, FACE - PART, chain.ids.bankC, 590_000n, true);
    await mined(recourse.connect(accounts.bankA).cancel(ids.cancelled));
    // Another receivable of supplier1, sold to bank C without recourse.
    const other = await confirmed(chain, accounts.supplier1, 500_000n, 60);
    ids.offer3 = await offer(accounts.supplier1, other.root, 500_000n, chain.ids.bankC, 490_000n, false);
    [ids.sale3] = await accept(accounts.bankC, ids.offer3);

    // The obligor defaults: bank B claims from bank A, bank A pays and takes the part back, then claims from supplier1.
    await advance(chain, 31 * DAY + 60);
    await mined(chain.desk.connect(accounts.supplier1).markOverdue(receivableId));
    ids.claim1 = await exercise(accounts.bankB, ids.token2);
    blocks.honoured = await mined(recourse.connect(accounts.bankA).honour(ids.claim1));
    ids.claim2 = await exercise(accounts.bankA, ids.token2);
    // Bank A claims on the rest of its purchase too; the obligor's paying bank then pays that certificate off chain
    // (the receivable stays overdue for the part bank A took back) and any member discharges the claim.
    ids.claim3 = await exercise(accounts.bankA, ids.token1);
    await mined(chain.desk.connect(accounts.core).setPayingBank(chain.ids.bankC));
    await mined(chain.desk.connect(accounts.bankC).payOffChain(ids.token1, keccak256(toUtf8Bytes("late wire"))));
    blocks.discharged = await mined(recourse.connect(accounts.supplier2).discharge(ids.claim3));
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

      const current = async (table: string, column: string, id: bigint): Promise<Row> => {
        const [row] = await db.query(`SELECT * FROM ${table} WHERE valid_to_block IS NULL AND ${column} = $1`, [
          id.toString(),
        ]);
        expect(row, `${table} ${id}`).to.not.equal(undefined);
        return row;
      };
      type Row = Record<string, unknown>;
      const get = async (url: string): Promise<Json> => {
        const response = await api.inject({ method: "GET", url });
        expect(response.statusCode, `${url}: ${response.body}`).to.equal(200);
        return response.json() as Json;
      };

      it("projects offers: accepted with their sale, cancelled, with and without recourse", async () => {
        expect(await current("recourse_offers", "offer_id", ids.offer1)).to.include({
          status: "Accepted",
          sale_id: ids.sale1.toString(),
          financier: chain.ids.bankA,
          holder_member: chain.ids.supplier1,
          value: FACE.toString(),
          price: "980000",
          with_recourse: true,
        });
        const cancelled = await current("recourse_offers", "offer_id", ids.cancelled);
        expect(cancelled).to.include({ status: "Cancelled", sale_id: null, financier: chain.ids.bankC });
        expect(Number(cancelled.closed_at)).to.be.greaterThanOrEqual(Number(cancelled.offered_at));
        expect(await current("recourse_offers", "offer_id", ids.offer3)).to.include({
          status: "Accepted",
          with_recourse: false,
        });
      });

      it("projects sales with the lineage link, the claimed value and the block time", async () => {
        const sale1 = await current("recourse_sales", "sale_id", ids.sale1);
        expect(sale1).to.include({
          prior: "0",
          seller_member: chain.ids.supplier1,
          buyer_member: chain.ids.bankA,
          with_recourse: true,
          value: FACE.toString(),
          claimed_value: PART.toString(),
        });
        const sale2 = await current("recourse_sales", "sale_id", ids.sale2);
        expect(sale2).to.include({
          prior: ids.sale1.toString(),
          token_id: ids.token2.toString(),
          seller_member: chain.ids.bankA,
          buyer_member: chain.ids.bankB,
          value: PART.toString(),
          claimed_value: PART.toString(),
        });
        const block = await chain.provider.getBlock(blocks.sale2);
        expect(Number(sale2.sold_at)).to.equal(block!.timestamp);
        expect(await current("recourse_sales", "sale_id", ids.sale3)).to.include({
          with_recourse: false,
          buyer_member: chain.ids.bankC,
          claimed_value: "0",
        });
      });

      it("projects claims: exercised, then honoured by the seller who now holds by its own purchase", async () => {
        const claim1 = await current("recourse_claims", "claim_id", ids.claim1);
        expect(claim1).to.include({
          status: "Honoured",
          sale_id: ids.sale2.toString(),
          holder_member: chain.ids.bankB,
          seller_member: chain.ids.bankA,
          payer_member: chain.ids.bankA,
          payer_prior: ids.sale1.toString(),
          value: PART.toString(),
        });
        const block = await chain.provider.getBlock(blocks.honoured);
        expect(Number(claim1.honoured_at)).to.equal(block!.timestamp);
        expect(await current("recourse_claims", "claim_id", ids.claim2)).to.include({
          status: "Exercised",
          sale_id: ids.sale1.toString(),
          holder_member: chain.ids.bankA,
          seller_member: chain.ids.supplier1,
          payer: null,
          honoured_at: null,
        });
      });

      it("projects a discharge: the claim closed with who, why and when, its value released from the sale", async () => {
        const claim3 = await current("recourse_claims", "claim_id", ids.claim3);
        expect(claim3).to.include({
          status: "Discharged",
          sale_id: ids.sale1.toString(),
          token_id: ids.token1.toString(),
          holder_member: chain.ids.bankA,
          value: (FACE - PART).toString(),
          discharged_by: (await chain.accounts.supplier2.getAddress()).toLowerCase(),
          discharge_paid: true,
          discharge_receivable_status: "Overdue",
          payer: null,
        });
        const block = await chain.provider.getBlock(blocks.discharged);
        expect(Number(claim3.discharged_at)).to.equal(block!.timestamp);
        // sale1 counts claim2 only: claim3's value was released.
        expect((await current("recourse_sales", "sale_id", ids.sale1)).claimed_value).to.equal(PART.toString());
        const discharged = await get("/recourse/claims?status=Discharged");
        expect(discharged.items.map((c: Json) => c.id)).to.deep.equal([ids.claim3.toString()]);
        expect(discharged.items[0].discharge).to.deep.equal({
          by: (await chain.accounts.supplier2.getAddress()).toLowerCase(),
          paid: true,
          receivableStatus: "Overdue",
        });
        expect(discharged.items[0].discharged.time).to.equal(block!.timestamp);
        expect(discharged.items[0].honour).to.equal(null);
        const open = await get(`/recourse/claims/${ids.claim2}`);
        expect([open.discharge, open.discharged]).to.deep.equal([null, null]);
      });

      it("serves offers, sales, claims and the chain of recourse through the API", async () => {
        const sales = await get(`/recourse/sales?seller=${chain.ids.bankA}`);
        expect(sales.items.map((s: Json) => s.id)).to.deep.equal([ids.sale2.toString()]);
        const byCertificate = await get(`/recourse/sales?certificate=${ids.token1}&buyer=${chain.ids.bankA}`);
        expect(byCertificate.items.map((s: Json) => s.id)).to.deep.equal([ids.sale1.toString()]);
        const without = await get("/recourse/sales?withRecourse=false");
        expect(without.items.map((s: Json) => s.id)).to.deep.equal([ids.sale3.toString()]);

        const exercised = await get("/recourse/claims?status=Exercised");
        expect(exercised.items.map((c: Json) => c.id)).to.deep.equal([ids.claim2.toString()]);
        const honoured = await get("/recourse/claims?status=Honoured");
        expect(honoured.items[0]).to.deep.include({ id: ids.claim1.toString(), sellerMember: chain.ids.bankA });
        expect(honoured.items[0].honour).to.deep.equal({
          payer: (await chain.accounts.bankA.getAddress()).toLowerCase(),
          payerMember: chain.ids.bankA,
          prior: ids.sale1.toString(),
        });

        const sale = await get(`/recourse/sales/${ids.sale1}`);
        expect(sale).to.deep.include({ prior: null, withRecourse: true, claimedValue: PART.toString() });
        expect(sale.claims.map((c: Json) => c.id).sort()).to.deep.equal([ids.claim2, ids.claim3].map(String).sort());

        const lineage = await get(`/recourse/sales/${ids.sale2}/chain`);
        expect(lineage.sales.map((s: Json) => s.id)).to.deep.equal([ids.sale2, ids.sale1].map(String));
        expect(lineage).to.deep.include({ recourseEndsAt: null, more: false });
        const single = await get(`/recourse/sales/${ids.sale3}/chain`);
        expect(single).to.deep.include({ recourseEndsAt: ids.sale3.toString(), more: false });

        const offers = await get(`/recourse/offers?financier=${chain.ids.bankC}`);
        expect(offers.items.map((o: Json) => o.id)).to.deep.equal([ids.offer3, ids.cancelled].map(String));
        const offer = await get(`/recourse/offers/${ids.cancelled}`);
        expect(offer.status).to.equal("Cancelled");
        expect(offer.closed.time).to.be.a("number");
        expect((await get(`/recourse/claims/${ids.claim2}`)).status).to.equal("Exercised");
        for (const url of [
          "/recourse/offers/999",
          "/recourse/sales/999",
          "/recourse/sales/999/chain",
          "/recourse/claims/999",
        ])
          expect((await api.inject({ method: "GET", url })).statusCode, url).to.equal(404);
      });

      it("access rows: the parties of an offer, a sale and a claim, no one else", async () => {
        const visible = async (
          table: string,
          id: string,
          readers: (alias: string) => (q: Sql, m: number) => string,
          member: number,
        ) => {
          const q = new Sql();
          const where = readers("x")(q, member);
          const rows = await db.query(
            `SELECT x.${id} AS id FROM ${table} x WHERE x.valid_to_block IS NULL AND ${where}`,
            q.params,
          );
          return rows.map((r) => String(r.id)).sort();
        };
        const sorted = (...values: bigint[]) => values.map(String).sort();
        const { supplier1, bankA, bankB, bankC, supplier2 } = chain.ids;
        expect(await visible("recourse_offers", "offer_id", OFFER_READERS, bankB)).to.deep.equal(sorted(ids.offer2));
        expect(await visible("recourse_offers", "offer_id", OFFER_READERS, bankC)).to.deep.equal(
          sorted(ids.cancelled, ids.offer3),
        );
        expect(await visible("recourse_sales", "sale_id", SALE_READERS, supplier1)).to.deep.equal(
          sorted(ids.sale1, ids.sale3),
        );
        expect(await visible("recourse_sales", "sale_id", SALE_READERS, bankA)).to.deep.equal(
          sorted(ids.sale1, ids.sale2),
        );
        expect(await visible("recourse_sales", "sale_id", SALE_READERS, bankB)).to.deep.equal(sorted(ids.sale2));
        expect(await visible("recourse_sales", "sale_id", SALE_READERS, supplier2)).to.deep.equal([]);
        expect(await visible("recourse_claims", "claim_id", CLAIM_READERS, bankA)).to.deep.equal(
          sorted(ids.claim1, ids.claim2, ids.claim3),
        );
        expect(await visible("recourse_claims", "claim_id", CLAIM_READERS, bankB)).to.deep.equal(sorted(ids.claim1));
        expect(await visible("recourse_claims", "claim_id", CLAIM_READERS, supplier1)).to.deep.equal(
          sorted(ids.claim2, ids.claim3),
        );
        expect(await visible("recourse_claims", "claim_id", CLAIM_READERS, bankC)).to.deep.equal([]);
      });

      it("verify finds no drift between the index and the contract's views, and finds a tampered claimed value", async () => {
        const result = await verifyIndex({ db, rpcUrl: chain.url, deployments: chain.deployments });
        expect(result.drift).to.deep.equal([]);
        expect(result.compared["recourse offers, sales and claims"]).to.be.greaterThan(50);
        const rollback = new Error("rollback");
        await db
          .transaction(async (tx) => {
            await tx.query(
              "UPDATE recourse_sales SET claimed_value = claimed_value + 1 WHERE sale_id = $1 AND valid_to_block IS NULL",
              [ids.sale1.toString()],
            );
            const tampered = await verifyIndex({ db: tx, rpcUrl: chain.url, deployments: chain.deployments });
            expect(tampered.drift.map((d) => d.key)).to.deep.equal([`recourse sale ${ids.sale1} claimedValue`]);
            throw rollback;
          })
          .catch((error: unknown) => {
            if (error !== rollback) throw error;
          });
      });
    });
  }
});
