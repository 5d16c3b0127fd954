import { expect } from "chai";
import { MAX_PREPARED, preparedStatementName, type Database } from "../../src/indexer/db.js";
import { testStores } from "./harness.js";

async function expectRejected(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error?.message).to.match(pattern);
}

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
          const sql = "SELECT s.statement FROM pg_prepared_statements s WHERE s.name LIKE 'c\\_%'";
          const rows = await db.query<{ statement: string }>(sql, [], { prepare: true });
          expect(rows.map((r) => r.statement)).to.include(sql);
        });
      }

      if (store.name === "PostgreSQL") {
        it("names a statement by a hash of its text (the same name in every process, whatever ran before)", async () => {
          const sql = "SELECT s.name FROM pg_prepared_statements s WHERE s.statement = $1::text";
          expect(preparedStatementName(sql)).to.match(/^c_[0-9a-f]{16}$/);
          expect(preparedStatementName(sql)).to.equal(preparedStatementName(sql));
          expect(preparedStatementName(sql)).to.not.equal(preparedStatementName(`${sql} `));
          for (let i = 0; i < 3; i++) {
            const rows = await db.query<{ name: string }>(sql, [sql], { prepare: true });
            expect(rows).to.deep.equal([{ name: preparedStatementName(sql) }]);
          }
          // Another process (another pool) gives it the same name, though it prepared other texts before.
          const other = await store.open();
          try {
            await other.query("SELECT 1 AS one", [], { prepare: true });
            expect(await other.query(sql, [sql], { prepare: true })).to.deep.equal([
              { name: preparedStatementName(sql) },
            ]);
          } finally {
            await other.close();
          }
        });

        it("runs a query again unnamed when a column's type changed under its kept plan (0A000)", async () => {
          await db.query("CREATE TABLE retyped_probe (id bigint PRIMARY KEY, amount integer)");
          await db.query("INSERT INTO retyped_probe VALUES (1, 10), (2, 20)");
          const sql = "SELECT r.id, r.amount FROM retyped_probe r ORDER BY r.id";
          // Kept on every pooled connection (several at once: the pool opens more than one).
          for (let i = 0; i < 3; i++) {
            const runs = Array.from({ length: 8 }, () => db.query(sql, [], { prepare: true }));
            for (const rows of await Promise.all(runs))
              expect(rows).to.deep.equal([
                { id: 1, amount: 10 },
                { id: 2, amount: 20 },
              ]);
          }
          await db.query("ALTER TABLE retyped_probe ALTER COLUMN amount TYPE text");
          for (let i = 0; i < 3; i++) {
            const runs = Array.from({ length: 8 }, () => db.query(sql, [], { prepare: true }));
            for (const rows of await Promise.all(runs))
              expect(rows).to.deep.equal([
                { id: 1, amount: "10" },
                { id: 2, amount: "20" },
              ]);
          }
          // Another error is not retried.
          await db.query("DROP TABLE retyped_probe");
          await expectRejected(db.query(sql, [], { prepare: true }), /retyped_probe/);
        });

        it("runs a query again unnamed when the connection lost its statement (26000, as behind a pooler)", async () => {
          const sql = "SELECT p.id FROM prepared_probe p WHERE p.id = $1::bigint";
          expect(await db.query(sql, [2], { prepare: true })).to.deep.equal([{ id: 2 }]);
          // Every pooled connection forgets it (what a pooler's move to another server connection looks like).
          for (let i = 0; i < 3; i++) await Promise.all(Array.from({ length: 8 }, () => db.query(`DEALLOCATE ALL`)));
          for (let i = 0; i < 3; i++) {
            const runs = Array.from({ length: 8 }, () => db.query(sql, [2], { prepare: true }));
            for (const rows of await Promise.all(runs)) expect(rows).to.deep.equal([{ id: 2 }]);
          }
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
            "SELECT count(*)::integer AS n FROM pg_prepared_statements WHERE name LIKE 'c\\_%'",
          );
          expect(kept.n).to.be.at.most(MAX_PREPARED);
        }
      });
    });
  }
});
