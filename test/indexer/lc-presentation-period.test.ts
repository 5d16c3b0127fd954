/**
 * The letters-of-credit projection's `PresentationPeriodSet` handler applies a period only when the event names the
 * indexed LetterOfCredit (attack: another registered LC contract sets a period for an lcId of the same number).
 */
import { expect } from "chai";
import type { Row } from "../../src/indexer/db.js";
import type { IndexedEvent, ProjectionStore } from "../../src/indexer/projection.js";
import projection from "../../src/indexer/projections/letters-of-credit.js";

const LC = "0x00000000000000000000000000000000000000aa";
const OTHER = "0x00000000000000000000000000000000000000bb";

/** A store of current rows by table and key, enough for one handler. */
function fakeStore(rows: Record<string, Row[]>) {
  const puts: { table: string; row: Row }[] = [];
  const store: ProjectionStore = {
    get: async <R extends Row = Row>(table: string, key: Row) =>
      (rows[table] ?? []).find((row) => Object.entries(key).every(([k, v]) => String(row[k]) === String(v))) as
        R | undefined,
    put: (table, row) => void puts.push({ table, row }),
    remove: () => undefined,
    append: () => undefined,
  };
  return { store, puts };
}

const event = (letterOfCredit: string): IndexedEvent =>
  ({
    chainId: 1337,
    blockNumber: 10,
    blockHash: "0x01",
    txHash: "0x02",
    txIndex: 0,
    logIndex: 0,
    address: "0x00000000000000000000000000000000000000cc",
    contract: "LcPresentationChecks",
    event: "PresentationPeriodSet",
    args: { letterOfCredit, lcId: 1n, bank: 1, periodDays: 10n },
  }) as IndexedEvent;

describe("indexer: PresentationPeriodSet applies only to the indexed LetterOfCredit", () => {
  const handler = projection.handlers.LcPresentationChecks!.PresentationPeriodSet!;
  const rows = () => ({
    contract_implementations: [
      { address: LC, contract: "LetterOfCredit" },
      { address: OTHER, contract: "RehearsalV2" },
    ],
    lc_letters: [{ lc_id: "1", presentation_period_days: null }],
  });

  it("ignores a period another LC contract set for the same lcId", async () => {
    const { store, puts } = fakeStore(rows());
    await handler(event(OTHER), store);
    await handler(event("0x00000000000000000000000000000000000000dd"), store);
    expect(puts).to.deep.equal([]);
  });

  it("applies the indexed LetterOfCredit's period", async () => {
    const { store, puts } = fakeStore(rows());
    await handler(event(LC), store);
    expect(puts).to.have.length(1);
    expect(puts[0]!.row.presentation_period_days).to.equal(10);
  });
});
