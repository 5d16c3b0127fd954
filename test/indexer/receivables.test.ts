import { expect } from "chai";
import { verifyIndex } from "../../src/indexer/verify.js";
import type { Database } from "../../src/indexer/db.js";
import {
  OFFER_STATUSES,
  PLEDGE_STATUSES,
  RECEIVABLE_STATUSES,
  currencyCode,
} from "../../src/indexer/projections/receivables.js";
import { appsChain } from "./apps-chain.js";
import { catchUp, createIndexer, digests, indexerOptions, testStores } from "./harness.js";
import type { ReceivablesChain, ReceivablesScenario } from "./receivables-scenario.js";

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

describe("indexer: receivables projections", function () {
  this.timeout(120_000);
  let chain: ReceivablesChain;
  let s: ReceivablesScenario;

  before(async () => {
    ({ chain, receivables: s } = await appsChain());
  });

  for (const store of testStores()) {
    describe(`on ${store.name}`, () => {
      let db: Database;
      before(async () => {
        db = await store.open();
        await catchUp(await createIndexer(db, chain.deployments, indexerOptions(chain.url)));
      });
      after(async () => {
        await db?.close();
        await store.cleanup();
      });

      const current = (table: string, where = "TRUE", params: unknown[] = []) =>
        db.query(`SELECT * FROM ${table} WHERE valid_to_block IS NULL AND ${where}`, params);

      it("receivables equal the desk's records: status, parties, amounts, dates, hashes", async () => {
        const count = Number(await chain.desk.receivableCount());
        const rows = await current("receivables", "TRUE ORDER BY receivable_id");
        expect(rows).to.have.length(count);
        for (const row of rows) {
          const r = await chain.desk.receivable(BigInt(row.receivable_id as string));
          expect(row.status).to.equal(RECEIVABLE_STATUSES[Number(r.status)]);
          expect(row).to.include({
            creditor: Number(r.creditor),
            obligor: Number(r.obligor),
            creditor_account: r.creditorAccount.toLowerCase(),
            face_value: r.faceValue.toString(),
            redeemed: r.redeemed.toString(),
            escrowed: r.escrowed.toString(),
            maturity: Number(r.maturity),
            invoice_key: r.invoiceKey,
            documents_hash: r.documentsHash,
            currency: currencyCode(r.currency),
          });
          expect(row.guarantor ?? 0).to.equal(Number(r.guarantor));
          expect(row.root_token_id ?? "0").to.equal(r.rootTokenId.toString());
        }
        const byId = (id: bigint) => rows.find((r) => r.receivable_id === id.toString())!;
        expect(byId(s.r1).status).to.equal("Funded");
        expect(byId(s.r2)).to.include({ status: "Settled", direct: true });
        expect(byId(s.r3Rejected).status).to.equal("Rejected");
        expect(byId(s.r3Rejected).reject_reason_hash).to.match(/^0x[0-9a-f]{64}$/);
        expect(byId(s.r4Cancelled).status).to.equal("Cancelled");
        expect(byId(s.r5)).to.include({ status: "Settled", guarantor: chain.ids.bankC, funded_by: chain.ids.bankC });
        expect(currencyCode("0x434e59")).to.equal("CNY");
      });

      it("financed documents and holds equal the register: held, paid when settled, free when never confirmed", async () => {
        const desk = (await chain.desk.getAddress()).toLowerCase();
        const receivables = await current("receivables", "TRUE ORDER BY receivable_id");
        for (const r of receivables) {
          const documentId = r.invoice_key as string;
          const d = await chain.documents.document(documentId);
          const [row] = await current("financed_documents", "document_id = $1", [documentId]);
          expect(row).to.include({
            face: d.face.toString(),
            currency: currencyCode(d.currency),
            financed: d.financed.toString(),
            paid: d.paid.toString(),
            open_holds: Number(d.holds),
            last_app: d.lastApp.toLowerCase(),
            last_record: d.lastRecord.toString(),
          });
          const [hold] = await current("document_holds", "document_id = $1 AND app = $2 AND record = $3", [
            documentId,
            desk,
            r.receivable_id,
          ]);
          const expected: Record<string, string> = { Settled: "Paid", Rejected: "Cancelled", Cancelled: "Cancelled" };
          expect(hold).to.include({ status: expected[r.status as string] ?? "Held", amount: r.face_value });
          expect(hold.financier).to.equal(null);
        }
        const byId = async (id: bigint) =>
          (await current("receivables", "receivable_id = $1", [id.toString()]))[0].invoice_key as string;
        const [settled] = await current("financed_documents", "document_id = $1", [await byId(s.r2)]);
        expect(settled.paid).to.equal(settled.face);
        const [rejected] = await current("financed_documents", "document_id = $1", [await byId(s.r3Rejected)]);
        expect(rejected).to.include({ financed: "0", paid: "0", open_holds: 0 });
      });

      it("issuance utilisation equals the limits contract: used at confirmation, released at redemption", async () => {
        const obligor = chain.ids.core;
        const o = await chain.limits.obligorLimits(obligor);
        const [row] = await current("obligor_issuance", "obligor = $1", [obligor]);
        expect(row).to.include({ limited: o.limited, total: o.total.toString(), utilised: o.utilised.toString() });
        const uses = await db.query("SELECT * FROM issuance_uses WHERE obligor = $1 ORDER BY block_number, log_index", [
          obligor,
        ]);
        const net = uses.reduce((sum, u) => sum + (u.action === "Used" ? 1n : -1n) * BigInt(u.amount as string), 0n);
        expect(net).to.equal(o.utilised);
        expect(uses.some((u) => u.action === "Released")).to.equal(true);
      });

      it("certificates equal the token's records: holder, value, locked, parent, root, tier", async () => {
        const minted = Number(await chain.certificates.totalMinted());
        const rows = await current("receivable_certificates", "TRUE ORDER BY token_id");
        expect(rows).to.have.length(minted);
        for (const row of rows) {
          const id = BigInt(row.token_id as string);
          const c = await chain.certificates.certificate(id);
          const [parent, root, tier] = await chain.certificates.lineage(id);
          expect(row).to.include({
            receivable_id: c.slot.toString(),
            value: c.value.toString(),
            locked: c.locked.toString(),
            tier: Number(tier),
            root_id: root.toString(),
          });
          expect(row.parent_id ?? "0").to.equal(parent.toString());
          if (c.owner === ZERO_ADDRESS) {
            expect(row.status).to.equal("Redeemed");
          } else {
            expect(row.status).to.equal("Live");
            expect(row.holder).to.equal(c.owner.toLowerCase());
            expect(row.holder_member).to.equal(Number(await chain.registry.memberOf(c.owner)));
          }
        }
        const t3 = rows.find((r) => r.token_id === s.tokens.t3.toString())!;
        expect(t3).to.include({ holder: chain.accounts.core.address.toLowerCase(), tier: 3, value: "50000" });
        const t1 = rows.find((r) => r.token_id === s.tokens.t1.toString())!;
        expect(t1).to.include({ status: "Redeemed", redeemed_value: "490000", value: "0" });
        expect(t1.holder).to.equal(chain.accounts.supplier1.address.toLowerCase()); // redeemed for supplier1
      });

      it("consortia index verify: certificate values, locks, holders and the platform agree with the contracts", async () => {
        const result = await verifyIndex({ db, rpcUrl: chain.url, deployments: chain.deployments });
        expect(result.drift).to.deep.equal([]);
        expect(result.compared["receivable certificates"]).to.be.greaterThan(10);
      });
      it("the certificates of a receivable add up to its outstanding value", async () => {
        for (const id of [s.r1, s.r2, s.r5]) {
          const [{ total }] = await db.query<{ total: string }>(
            `SELECT COALESCE(sum(value), 0)::text AS total FROM receivable_certificates WHERE valid_to_block IS NULL AND receivable_id = $1`,
            [id.toString()],
          );
          const r = await chain.desk.receivable(id);
          expect(total).to.equal((r.faceValue - r.redeemed).toString());
        }
      });

      it("offers and pledges equal the desk's records; the financing log has every step", async () => {
        const offers = await current("receivable_offers", "TRUE ORDER BY kind, offer_id");
        expect(offers).to.have.length(3 + 2 + 2);
        for (const o of offers) {
          const id = BigInt(o.offer_id as string);
          const [status, value, tokenId] =
            o.kind === "transfer"
              ? await chain.desk.transferOffer(id).then((x) => [OFFER_STATUSES[Number(x.status)], x.value, x.tokenId])
              : o.kind === "discount"
                ? await chain.desk.discountOffer(id).then((x) => [OFFER_STATUSES[Number(x.status)], x.value, x.tokenId])
                : await chain.desk.pledgeOf(id).then((x) => [PLEDGE_STATUSES[Number(x.status)], x.value, x.tokenId]);
          expect(o.status).to.equal(status);
          expect(o.value).to.equal(value.toString());
          expect(o.token_id).to.equal(tokenId.toString());
        }
        const discount = offers.find((o) => o.kind === "discount" && o.offer_id === "1")!;
        expect(discount).to.include({ status: "Accepted", new_token_id: s.tokens.t4.toString(), price: "190000" });
        const taken = offers.find((o) => o.kind === "pledge" && o.status === "Taken")!;
        expect(taken.new_token_id).to.equal(s.tokens.t5.toString());
        const log = await db.query(
          `SELECT action FROM receivable_financing WHERE receivable_id = $1 ORDER BY block_number, log_index`,
          [s.r1.toString()],
        );
        expect(log.map((l) => l.action)).to.deep.equal([
          "TransferOffered",
          "TransferAccepted",
          "TransferOffered",
          "TransferRefused",
          "TransferOffered",
          "TransferCancelled",
          "DiscountOffered",
          "DiscountAccepted",
          "DiscountOffered",
          "DiscountCancelled",
          "Pledged",
          "PledgeReleased",
          "Pledged",
          "PledgeTaken",
        ]);
      });

      it("redemptions and timelines record every payment and lifecycle step", async () => {
        const redemptions = await db.query(`SELECT * FROM receivable_redemptions ORDER BY block_number, log_index`);
        const events = await chain.desk.queryFilter(chain.desk.filters.CertificateRedeemed());
        expect(redemptions).to.have.length(events.length).and.to.have.length(4);
        expect(redemptions.find((r) => r.receivable_id === s.r2.toString())).to.include({
          payment_reference: s.offchainReference,
          holder_member: chain.ids.supplier2,
          value: "500000",
        });
        const timeline = async (id: bigint) =>
          (
            await db.query(
              `SELECT action FROM receivable_timeline WHERE receivable_id = $1 ORDER BY block_number, log_index`,
              [id.toString()],
            )
          ).map((r) => r.action);
        expect(await timeline(s.r5)).to.deep.equal([
          "Registered",
          "Confirmed",
          "Guaranteed",
          "Overdue",
          "GuaranteeCalled",
          "Funded",
          "Settled",
        ]);
        expect(await timeline(s.r2)).to.deep.equal(["Registered", "Issued", "Settled"]);
        const [bank] = await current("receivable_paying_banks");
        expect(bank).to.include({ obligor: chain.ids.core, bank: chain.ids.bankA });
      });

      it("keeps history: a certificate's value as of a block before the discount", async () => {
        const rows = await db.query(
          `SELECT value FROM receivable_certificates WHERE token_id = $1 AND valid_from_block <= $2 AND (valid_to_block IS NULL OR valid_to_block > $2)`,
          [s.tokens.t1.toString(), s.beforeDiscount],
        );
        expect(rows.map((r) => r.value)).to.deep.equal(["690000"]);
      });

      it("replaying committed blocks changes nothing", async () => {
        const before = await digests(db);
        await db.query(`UPDATE indexer_state SET block_number = $1, block_hash = NULL`, [
          chain.deployments.deploymentBlock - 1,
        ]);
        await catchUp(await createIndexer(db, chain.deployments, indexerOptions(chain.url, { maxLogRange: 9 })));
        expect(await digests(db)).to.deep.equal(before);
      });
    });
  }
});
