/**
 * Model test of the indexer's BatchStore (fast-check): random put / remove / get / append sequences over a few keys,
 * cut into batches at block boundaries (as the indexer cuts them) and flushed to PGlite, against a plain in-memory
 * model of versioned rows. After every run the tables hold exactly the model's history (valid_from / valid_to per
 * version) and facts; during a batch `get` answers what the model says is current. Fixed seed, bounded runs.
 */
import { expect } from "chai";
import fc from "fast-check";
import { openDatabase, type Database } from "../../src/indexer/db.js";
import { BatchStore, createTableSql, type IndexedEvent, type TableSpec } from "../../src/indexer/projection.js";

const SEED = Number(process.env.FC_SEED ?? 23);
const RUNS = Number(process.env.FC_RUNS ?? 40);

const TABLES: TableSpec[] = [
  { kind: "versioned", name: "items", key: ["id"], columns: { id: "integer", value: "numeric", label: "text" } },
  { kind: "append", name: "facts", columns: { id: "integer", note: "text" } },
];

type Op =
  | { op: "put"; id: number; value: bigint; label: string }
  | { op: "remove"; id: number }
  | { op: "get"; id: number }
  | { op: "append"; id: number; note: string };

const id = fc.integer({ min: 1, max: 4 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant("put" as const),
    id,
    value: fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
    label: fc.string({ maxLength: 8 }).filter((s) => !s.includes("\0")),
  }),
  fc.record({ op: fc.constant("remove" as const), id }),
  fc.record({ op: fc.constant("get" as const), id }),
  fc.record({
    op: fc.constant("append" as const),
    id,
    note: fc.string({ maxLength: 8 }).filter((s) => !s.includes("\0")),
  }),
);
/** One event each: the block advances by 0..2 (several events of a block), and the batch may end after it. */
const steps = fc.array(
  fc.record({ blockGap: fc.integer({ min: 0, max: 2 }), ops: fc.array(op, { maxLength: 3 }), endBatch: fc.boolean() }),
  { minLength: 1, maxLength: 40 },
);

interface ModelVersion {
  from: number;
  to: number | null;
  row: { id: number; value: string; label: string };
}

/** The model: every version of every key, and every fact in order. */
class Model {
  readonly versions = new Map<number, ModelVersion[]>();
  readonly facts: { id: number; note: string; block: number; logIndex: number; seq: number }[] = [];

  current(key: number): ModelVersion | undefined {
    const last = this.versions.get(key)?.at(-1);
    return last?.to === null ? last : undefined;
  }

  write(key: number, block: number, row: ModelVersion["row"] | undefined): void {
    const list = this.versions.get(key) ?? [];
    this.versions.set(key, list);
    const open = this.current(key);
    if (open !== undefined && open.from === block) {
      // A second change in the same block replaces that block's version.
      if (row === undefined) list.pop();
      else open.row = row;
      return;
    }
    if (open !== undefined) open.to = block;
    if (row !== undefined) list.push({ from: block, to: null, row });
  }
}

describe("indexer: BatchStore against a model (fast-check)", function () {
  this.timeout(300_000);
  let db: Database;

  before(async () => {
    db = await openDatabase({});
  });
  after(async () => {
    await db?.close();
  });

  it("flushed tables hold the model's versions and facts; get sees the batch's own writes", async () => {
    await fc.assert(
      fc.asyncProperty(steps, async (run) => {
        await db.query("DROP TABLE IF EXISTS items");
        await db.query("DROP TABLE IF EXISTS facts");
        for (const table of TABLES) for (const sql of createTableSql(table).split(";\n")) await db.query(sql);
        const model = new Model();
        let block = 1;
        let logIndex = 0;
        let store = new BatchStore(db, TABLES);
        for (const [i, step] of run.entries()) {
          if (step.blockGap > 0) {
            block += step.blockGap;
            logIndex = 0;
          }
          const event: IndexedEvent = {
            chainId: 1337,
            blockNumber: block,
            blockHash: `0x${block.toString(16).padStart(64, "0")}`,
            txHash: `0x${(block * 1000 + logIndex).toString(16).padStart(64, "0")}`,
            txIndex: 0,
            logIndex: logIndex++,
            address: "0x0000000000000000000000000000000000000001",
            contract: "Model",
            event: "Step",
            args: {},
          };
          store.setEvent(event);
          let seq = 0;
          for (const o of step.ops) {
            if (o.op === "put") {
              store.put("items", { id: o.id, value: o.value, label: o.label });
              model.write(o.id, block, { id: o.id, value: o.value.toString(), label: o.label });
            } else if (o.op === "remove") {
              store.remove("items", { id: o.id });
              model.write(o.id, block, undefined);
            } else if (o.op === "append") {
              store.append("facts", { id: o.id, note: o.note });
              model.facts.push({ id: o.id, note: o.note, block, logIndex: event.logIndex, seq: seq++ });
            } else {
              const row = await store.get<{ id: number; value: string; label: string }>("items", { id: o.id });
              const expected = model.current(o.id)?.row;
              expect(
                row === undefined ? undefined : { id: row.id, value: String(row.value), label: row.label },
              ).to.deep.equal(expected);
            }
          }
          // The indexer cuts batches between blocks only: a block never spans two flushes.
          const nextStartsNewBlock = i + 1 === run.length || run[i + 1].blockGap > 0;
          if (step.endBatch && nextStartsNewBlock) {
            await store.flush();
            store = new BatchStore(db, TABLES);
          }
        }
        await store.flush();

        const rows = await db.query<{
          id: number;
          value: string;
          label: string;
          valid_from_block: number;
          valid_to_block: number | null;
        }>("SELECT id, value, label, valid_from_block, valid_to_block FROM items ORDER BY id, valid_from_block");
        const expectedRows = [...model.versions.entries()]
          .sort(([a], [b]) => a - b)
          .flatMap(([, list]) => list.map((v) => ({ ...v.row, valid_from_block: v.from, valid_to_block: v.to })));
        expect(rows.map((r) => ({ ...r, value: String(r.value) }))).to.deep.equal(expectedRows);
        // At most one current version per key (the partial unique index holds it too).
        const current = rows.filter((r) => r.valid_to_block === null).map((r) => r.id);
        expect(new Set(current).size).to.equal(current.length);

        const facts = await db.query<{
          id: number;
          note: string;
          block_number: number;
          log_index: number;
          seq: number;
        }>("SELECT id, note, block_number, log_index, seq FROM facts ORDER BY block_number, log_index, seq");
        expect(facts).to.deep.equal(
          model.facts.map((f) => ({
            id: f.id,
            note: f.note,
            block_number: f.block,
            log_index: f.logIndex,
            seq: f.seq,
          })),
        );
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
