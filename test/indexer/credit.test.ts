import { expect } from "chai";
import type { Database } from "../../src/indexer/db.js";
import { CATEGORIES, ENTRY_STATUSES, SUBJECT_KINDS } from "../../src/indexer/projections/credit.js";
import { appsChain } from "./apps-chain.js";
import { SUBJECTS, type CreditChain, type CreditScenario } from "./credit-scenario.js";
import { catchUp, createIndexer, indexerOptions, testStores } from "./harness.js";

describe("indexer: credit blacklist projections", function () {
  this.timeout(120_000);
  let chain: CreditChain;
  let s: CreditScenario;

  before(async () => {
    ({ chain, credit: s } = await appsChain());
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

      it("entries equal the contract's records: reporter, kind, category, severity, status, version, expiry", async () => {
        const rows = await current("credit_entries", "TRUE ORDER BY subject_key, number");
        expect(rows).to.have.length(4);
        for (const row of rows) {
          const e = await chain.blacklist.entry(row.subject_key as string, row.number as number);
          expect(row).to.include({
            reporter: Number(e.reporter),
            subject_kind: SUBJECT_KINDS[Number(e.subjectKind)],
            category: CATEGORIES[Number(e.category)],
            severity: Number(e.severity),
            status: ENTRY_STATUSES[Number(e.status)],
            version: Number(e.version),
            expires_at: Number(e.expiresAt),
          });
        }
        const entry = (key: string, n: number) => rows.find((r) => r.subject_key === key && r.number === n)!;
        expect(entry(SUBJECTS.person, 1)).to.include({ version: 3, status: "Active", dispute_state: "Upheld" });
        expect(entry(SUBJECTS.person, 1).disputer).to.equal(chain.ids.agency);
        expect(entry(SUBJECTS.person, 2)).to.include({ status: "Withdrawn", dispute_state: "Withdrawn" });
        expect(entry(SUBJECTS.company, 1)).to.include({ status: "Revoked", dispute_state: "Revoked" });
      });

      it("keeps each version's hashes exactly as emitted (never decrypted)", async () => {
        const versions = await db.query(
          `SELECT * FROM credit_entry_versions WHERE subject_key = $1 AND number = 1 ORDER BY version`,
          [SUBJECTS.person],
        );
        expect(versions.map((v) => v.version)).to.deep.equal([1, 2, 3]);
        const reported = await chain.blacklist.queryFilter(chain.blacklist.filters.EntryReported(SUBJECTS.person, 1));
        const updated = await chain.blacklist.queryFilter(chain.blacklist.filters.EntryUpdated(SUBJECTS.person, 1));
        const emitted = [...reported, ...updated].map((l) => [
          l.args.evidenceHash,
          l.args.payloadHash,
          l.args.payloadLocationHash,
        ]);
        expect(versions.map((v) => [v.evidence_hash, v.payload_hash, v.payload_location_hash])).to.deep.equal(emitted);
        const [row] = await current("credit_entries", "subject_key = $1 AND number = 1", [SUBJECTS.person]);
        expect(row.payload_hash).to.equal(emitted[2][1]);
      });

      it("records disputes in order, with governance resolutions as resolver null", async () => {
        const disputes = await db.query(
          `SELECT * FROM credit_disputes WHERE subject_key = $1 AND number = 1 ORDER BY block_number, log_index`,
          [SUBJECTS.person],
        );
        expect(disputes.map((d) => [d.action, d.member_id, d.resolution, d.version])).to.deep.equal([
          ["Disputed", chain.ids.bankB, null, 2],
          ["Resolved", chain.ids.regulator, "Upheld", 2],
          ["Disputed", chain.ids.agency, null, 3],
          ["Resolved", null, "Upheld", 3],
        ]);
        expect(disputes[3].account).to.equal((await chain.registry.getAddress()).toLowerCase());
        const ended = await db.query(`SELECT * FROM credit_disputes WHERE subject_key = $1 ORDER BY block_number`, [
          SUBJECTS.company,
        ]);
        expect(ended.map((d) => d.action)).to.deep.equal(["Disputed", "EndedByRevocation"]);
      });

      it("logs every query: member, account, subject, consent, page and count shown", async () => {
        const rows = await db.query(`SELECT * FROM credit_queries ORDER BY block_number, log_index`);
        const events = await chain.blacklist.queryFilter(chain.blacklist.filters.SubjectQueried());
        expect(rows).to.have.length(events.length).and.to.have.length(5);
        rows.forEach((r, i) => {
          const e = events[i].args;
          expect(r).to.include({
            querier: Number(e.querier),
            account: e.account.toLowerCase(),
            subject_key: e.subjectKey,
            consent_hash: e.consentHash,
            page_cursor: Number(e.cursor),
            next_cursor: Number(e.nextCursor),
            shown: Number(e.shown),
          });
        });
        expect(rows.slice(0, 2).map((r) => [r.page_cursor, r.next_cursor, r.shown])).to.deep.equal([
          [0, 1, 0],
          [1, 0, 1],
        ]);
        expect(rows[0].consent_hash).to.equal(s.consent);
        expect(rows.slice(3).map((r) => r.shown)).to.deep.equal([1, 0]); // shortLived expired in between
      });

      it("keeps history: an entry as of its first version", async () => {
        const rows = await db.query(
          `SELECT version, severity FROM credit_entries WHERE subject_key = $1 AND number = 1 AND valid_from_block <= $2 AND (valid_to_block IS NULL OR valid_to_block > $2)`,
          [SUBJECTS.person, s.firstReportBlock],
        );
        expect(rows).to.deep.equal([{ version: 1, severity: 3 }]);
      });
    });
  }
});
