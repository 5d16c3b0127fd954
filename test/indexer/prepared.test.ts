import { expect } from "chai";
import { MAX_PREPARED, type Database } from "../../src/indexer/db.js";
import { testStores } from "./harness.js";

/** `QueryOptions.prepare` (src/indexer/db.ts): the same answers as an unnamed statement, on every store. */
describe("indexer db: queries run as prepared statements", () => {
  for (const store of testStores()) {
    describe(store.name, () => {
      let db: Database;
      before(async () => {
        db = await store.open();
        await db.query("CREATE TABLE prepared_probe (id bigint PRIMARY KEY, label text)");
        await db.query("INSERT INTO prepared_probe VALUES (1, 'one'), (2, 'two'), (3, 'three')");
      });
      after(async () => {
        await db.close();
        await store.cleanup();
      });

      const SQL = "SELECT p.id, p.label FROM prepared_probe p WHERE p.id >= $1::bigint ORDER BY p.id LIMIT $2::integer";

      it("answers as the unnamed statement does, again and again (past PostgreSQL's switch to a generic plan)", async () => {
        for (let i = 0; i < 8; i++) {
          const from = (i % 3) + 1;
          const limit = (i % 2) + 1;
          expect(await db.query(SQL, [from, limit], { prepare: true }), `run ${i}`).to.deep.equal(
            await db.query(SQL, [from, limit]),
          );
        }
        // Without parameters too.
        const all = "SELECT p.id FROM prepared_probe p ORDER BY p.id";
        for (let i = 0; i < 7; i++)
          expect(await db.query(all, [], { prepare: true })).to.deep.equal([{ id: 1 }, { id: 2 }, { id: 3 }]);
      });

      it("sees writes and a widened table (its named columns keep their type) after the plan was kept", async () => {
        for (let i = 0; i < 6; i++) await db.query(SQL, [1, 10], { prepare: true });
        await db.query("INSERT INTO prepared_probe VALUES (4, 'four')");
        await db.query("ALTER TABLE prepared_probe ADD COLUMN extra text");
        expect((await db.query(SQL, [3, 10], { prepare: true })).map((r) => r.label)).to.deep.equal(["three", "four"]);
        await db.query("DELETE FROM prepared_probe WHERE id = 4");
        expect((await db.query(SQL, [3, 10], { prepare: true })).map((r) => r.label)).to.deep.equal(["three"]);
      });

      if (store.name === "PostgreSQL") {
        it("keeps the statement on the connection that ran it", async () => {
          const sql = "SELECT s.statement FROM pg_prepared_statements s WHERE s.name LIKE 'consortia_%'";
          const rows = await db.query<{ statement: string }>(sql, [], { prepare: true });
          expect(rows.map((r) => r.statement)).to.include(sql);
        });
      }

      it(`beyond ${MAX_PREPARED} distinct texts the rest still answer (run unnamed)`, async () => {
        for (let i = 0; i < MAX_PREPARED + 10; i++) {
          const [row] = await db.query(`SELECT ${i}::integer AS n, count(*)::integer AS rows FROM prepared_probe`, [], {
            prepare: true,
          });
          expect(row).to.deep.equal({ n: i, rows: 3 });
        }
        if (store.name === "PostgreSQL") {
          const [kept] = await db.query<{ n: number }>(
            "SELECT count(*)::integer AS n FROM pg_prepared_statements WHERE name LIKE 'consortia_%'",
          );
          expect(kept.n).to.be.at.most(MAX_PREPARED);
        }
      });
    });
  }
});
