import { expect } from "chai";
import { keccak256, AbiCoder } from "ethers";
import type { Database } from "../../src/indexer/db.js";
import { CLAIM_STATES, GUARANTEE_KINDS, GUARANTEE_STATES } from "../../src/indexer/projections/guarantees.js";
import {
  CERTIFICATE_STATUSES,
  CLASSIFICATIONS,
  DATASET_STATUSES,
  GRANT_STATUSES,
  HASH_KINDS,
  replayAccessChain,
  SENSITIVE_OPERATIONS,
} from "../../src/indexer/projections/data-sharing.js";
import { startChain, type TestChain } from "./chain.js";
import { guaranteesAndDataScenario, type AppsC } from "./guarantees-data-scenario.js";
import { catchUp, createIndexer, digests, indexerOptions, testStores } from "./harness.js";

describe("indexer: guarantees and data-sharing projections", function () {
  this.timeout(120_000);
  let chain: TestChain;
  let apps: AppsC;
  const timestamps = new Map<number, number>();
  const timestampOf = async (block: number) => {
    if (!timestamps.has(block)) timestamps.set(block, (await chain.provider.getBlock(block))!.timestamp);
    return timestamps.get(block)!;
  };

  before(async () => {
    chain = await startChain();
    apps = await guaranteesAndDataScenario(chain);
  });
  after(async () => chain?.stop());

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

      it("guarantees equal the contract's records: parties, kind, state, amounts, expiry, schedule", async () => {
        const { guarantees } = apps;
        const rows = await current("guarantees", "TRUE ORDER BY guarantee_id");
        expect(rows).to.have.length(Number(await guarantees.guaranteeCount()));
        for (const row of rows) {
          const g = await guarantees.guarantee(BigInt(row.guarantee_id as string));
          expect(row, `guarantee ${String(row.guarantee_id)}`).to.include({
            applicant: Number(g.applicant),
            guarantor: Number(g.guarantor),
            beneficiary: Number(g.beneficiary),
            kind: GUARANTEE_KINDS[Number(g.kind)],
            state: GUARANTEE_STATES[Number(g.state)],
            amount: g.amount.toString(),
            paid: g.paid.toString(),
            expiry: g.expiry.toString(),
            terms_hash: g.termsHash,
            claim_count: Number(g.claimCount),
            currency: "CNY",
          });
          const schedule = await guarantees.schedule(BigInt(row.guarantee_id as string));
          expect(row.schedule).to.deep.equal(
            schedule.map((s) => ({ date: s.date.toString(), amount: s.amount.toString() })),
          );
        }
        const states = rows.map((r) => r.state);
        expect(states).to.deep.equal([
          "Issued",
          "Declined",
          "Cancelled",
          "Exhausted",
          "Released",
          "Expired",
          "Applied",
        ]);
        for (const [name, ref] of Object.entries(apps.refs)) {
          const v = await guarantees.verify(ref);
          const [row] = await current("guarantees", "reference_id = $1", [ref]);
          expect(row.guarantee_id, name).to.equal(v.guaranteeId.toString());
        }
      });

      it("claims equal the contract's demands: amount, state, payee, deadline, extension", async () => {
        const rows = await current("guarantee_claims", "TRUE ORDER BY guarantee_id, claim_index");
        expect(rows).to.have.length(5);
        for (const row of rows) {
          const c = await apps.guarantees.claim(BigInt(row.guarantee_id as string), row.claim_index as number);
          expect(row).to.include({
            amount: c.amount.toString(),
            state: CLAIM_STATES[Number(c.state)],
            payee: c.payee.toLowerCase(),
            examination_deadline: c.examinationDeadline.toString(),
          });
          expect(row.extend_to).to.equal(c.extendTo === 0n ? null : c.extendTo.toString());
        }
        expect(rows.map((r) => r.state)).to.deep.equal(["Paid", "Extended", "Rejected", "Withdrawn", "Paid"]);
        expect(rows[4]).to.include({ available_after: "0", paid_total: "300000" });
        expect(rows[4].off_chain_reference).to.not.equal(null);
        expect(rows[1].new_expiry).to.equal((await apps.guarantees.guarantee(apps.ids.g1)).expiry.toString());
      });

      it("amendments keep every proposal and its fate; the last equals the contract's", async () => {
        const rows = await current("guarantee_amendments", "guarantee_id = $1 ORDER BY number", [
          apps.ids.g1.toString(),
        ]);
        expect(rows.map((r) => r.state)).to.deep.equal(["Accepted", "Withdrawn", "Refused"]);
        const last = await apps.guarantees.amendment(apps.ids.g1);
        expect(rows[2]).to.include({ number: Number(last.number), amount: last.amount.toString() });
        expect(last.pending).to.equal(false);
      });

      it("keeps a timeline per guarantee in chain order, and versions for reads as of a block", async () => {
        const events = await db.query(
          `SELECT event FROM guarantee_timeline WHERE guarantee_id = $1 ORDER BY block_number, log_index`,
          [apps.ids.g1.toString()],
        );
        expect(events.map((e) => e.event)).to.deep.equal([
          "GuaranteeApplied",
          "GuaranteeIssued",
          "AmendmentProposed",
          "AmendmentAnswered",
          "ClaimPresented",
          "ClaimPaid",
          "ClaimPresented",
          "ClaimExtended",
          "ClaimPresented",
          "ClaimRejected",
          "ClaimPresented",
          "ClaimWithdrawn",
          "AmendmentProposed",
          "AmendmentWithdrawn",
          "AmendmentProposed",
          "AmendmentAnswered",
        ]);
        const [asIssued] = await db.query(
          `SELECT amount, state FROM guarantees WHERE guarantee_id = $1 AND valid_from_block <= $2
             AND (valid_to_block IS NULL OR valid_to_block > $2)`,
          [apps.ids.g1.toString(), apps.marks.g1Issued],
        );
        expect(asIssued).to.deep.equal({ amount: "1000000", state: "Issued" });
      });

      it("datasets, versions and auto-grant policies equal the contract's", async () => {
        const { data } = apps;
        const rows = await current("datasets", "TRUE ORDER BY dataset_id");
        expect(rows).to.have.length(Number(await data.datasetCount()));
        for (const row of rows) {
          const d = await data.dataset(row.dataset_id as number);
          expect(row).to.include({
            owner: Number(d.owner),
            classification: CLASSIFICATIONS[Number(d.classification)],
            status: DATASET_STATUSES[Number(d.status)],
            field_mask: d.fieldMask.toString(),
            latest_version: Number(d.latestVersion),
            access_count: Number(d.accessCount),
            sensitive_count: Number(d.sensitiveCount),
          });
          expect(row.sensitive_head ?? "0x" + "0".repeat(64)).to.equal(d.sensitiveHead);
          const versions = await db.query(`SELECT * FROM dataset_versions WHERE dataset_id = $1 ORDER BY version`, [
            row.dataset_id,
          ]);
          expect(versions).to.have.length(Number(d.latestVersion));
          for (const v of versions) {
            const onChain = await data.version(row.dataset_id as number, v.version as number);
            expect(v).to.include({
              content_hash: onChain.contentHash,
              metadata_hash: onChain.metadataHash,
              hash_kind: HASH_KINDS[Number(onChain.hashKind)],
            });
          }
        }
        const [policy] = await current("data_auto_grant_policies", "dataset_id = 1");
        const p = await data.autoGrantPolicy(1);
        expect(policy).to.include({
          member_kinds: Number(p.memberKinds),
          max_scope: p.maxScope.toString(),
          duration: Number(p.duration),
          may_delegate: p.mayDelegate,
          enabled: true,
        });
        expect(policy.allowed_purposes).to.deep.equal([...(await data.autoGrantPurposes(1))]);
      });

      it("grants equal the contract's: grantee, parent, depth, scope, purpose, expiry, status", async () => {
        const { data } = apps;
        const rows = await current("data_grants", "TRUE ORDER BY grant_id");
        expect(rows).to.have.length(Number(await data.grantCount()));
        for (const row of rows) {
          const g = await data.grant(row.grant_id as number);
          expect(row, `grant ${String(row.grant_id)}`).to.include({
            dataset_id: Number(g.datasetId),
            grantee: Number(g.grantee),
            parent_id: Number(g.parentId),
            depth: Number(g.depth),
            status: GRANT_STATUSES[Number(g.status)],
            scope: g.scope.toString(),
            purpose_hash: g.purposeHash,
            may_delegate: g.mayDelegate,
          });
          expect(row.expires_at).to.equal(g.expiresAt === 0n ? null : g.expiresAt.toString());
        }
        expect(rows.map((r) => r.by_policy)).to.deep.equal([true, false, false, false, false, false, false]);
        expect(rows[1].requested_scope).to.equal("7"); // asked for 0b111, granted 0b101
      });

      it("the access log equals the events, and replaying it reproduces each dataset's on-chain hash chain head", async () => {
        const { data } = apps;
        for (const datasetId of [1, 2, 3]) {
          const rows = await db.query(`SELECT * FROM data_access_log WHERE dataset_id = $1 ORDER BY log_seq`, [
            datasetId,
          ]);
          const d = await data.dataset(datasetId);
          expect(rows).to.have.length(Number(d.accessCount));
          const entries = await Promise.all(
            rows.map(async (r) => ({
              seq: r.log_seq as number,
              accessId: r.access_id as string,
              grantId: r.grant_id as number,
              version: r.version as number,
              consumer: r.consumer as number,
              purposeHash: r.purpose_hash as string,
              resultHash: r.result_hash as string,
              timestamp: await timestampOf(r.block_number as number),
            })),
          );
          const address = await data.getAddress();
          expect(replayAccessChain(address, datasetId, entries), `dataset ${datasetId}`).to.equal(d.accessHead);
          if (entries.length > 1) {
            // A dropped, altered or reordered record is detected.
            expect(() => replayAccessChain(address, datasetId, entries.slice(1))).to.throw(/seq/);
            const altered = entries.map((e, i) => (i === 0 ? { ...e, resultHash: keccak256("0x01") } : e));
            expect(replayAccessChain(address, datasetId, altered)).to.not.equal(d.accessHead);
            expect(replayAccessChain(address, datasetId, entries.slice(0, -1))).to.not.equal(d.accessHead);
          }
        }
      });

      it("the sensitive-operation log equals the contract's chain, entry by entry", async () => {
        const { data } = apps;
        const coder = AbiCoder.defaultAbiCoder();
        const rows = await db.query(`SELECT * FROM data_sensitive_ops WHERE dataset_id = 2 ORDER BY log_seq`);
        expect(rows.map((r) => r.operation)).to.deep.equal(["Register", "PublishVersion", "Reclassify", "Grant"]);
        let head = "0x" + "0".repeat(64);
        for (const r of rows) {
          head = keccak256(
            coder.encode(
              ["bytes32", "uint64", "uint32", "uint8", "uint32", "address", "uint64", "bytes32", "uint256"],
              [
                head,
                2,
                r.log_seq,
                SENSITIVE_OPERATIONS.indexOf(r.operation as (typeof SENSITIVE_OPERATIONS)[number]),
                r.member_id,
                r.account,
                r.subject_id,
                r.detail_hash,
                await timestampOf(r.block_number as number),
              ],
            ),
          );
          expect(r.head).to.equal(head);
        }
        expect(head).to.equal((await data.dataset(2)).sensitiveHead);
      });

      it("e-certificates equal the contract's records and lineage", async () => {
        const { certificates } = apps;
        const rows = await current("ecertificates", "TRUE ORDER BY certificate_id");
        expect(rows).to.have.length(Number(await certificates.certificateCount()));
        for (const row of rows) {
          const c = await certificates.certificate(row.certificate_id as number);
          expect(row).to.include({
            issuer: Number(c.issuer),
            holder_hash: c.holderHash,
            document_hash: c.documentHash,
            kind: Number(c.kind),
            status: CERTIFICATE_STATUSES[Number(c.status)],
            root: Number(c.root),
            valid_from: c.validFrom.toString(),
          });
          expect(row.valid_until).to.equal(c.validUntil === 0n ? null : c.validUntil.toString());
          expect(row.replaces).to.equal(c.replaces === 0n ? null : Number(c.replaces));
          expect(row.replaced_by).to.equal(c.replacedBy === 0n ? null : Number(c.replacedBy));
        }
        expect(rows[6].valid_until).to.equal((2n ** 64n - 1n).toString()); // above bigint: numeric column
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
