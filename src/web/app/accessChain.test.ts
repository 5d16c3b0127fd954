import { describe, expect, it } from "vitest";
import { accessChainSeed, checkTrail, replayAccessChain, type AccessEntry } from "./accessChain.js";

const contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const h = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
const entries: AccessEntry[] = [1, 2, 3].map((seq) => ({
  seq,
  accessId: h(100 + seq),
  grantId: seq,
  version: 1,
  consumer: 4,
  purposeHash: h(7),
  resultHash: h(200 + seq),
  time: 1_700_000_000 + seq,
}));

describe("access trail replayed in the browser", () => {
  it("computes the same head as the indexer's replay", () => {
    // `replayAccessChain` of src/indexer/projections/data-sharing.ts over these entries (the indexer imports the
    // SDK's TypeChain bindings, which the console's tests do not build).
    const theirs = "0xeafbec2f513a561ff3abe61a7760793fab11e77610456afad8b6e9078e847659";
    expect(replayAccessChain(contract, 9, entries)).toBe(theirs);
    expect(replayAccessChain(contract, 9, [])).toBe(accessChainSeed(contract, 9));
  });

  it("verifies a complete, unaltered trail against the chain's count and head", () => {
    const head = replayAccessChain(contract, 9, entries);
    expect(checkTrail(contract, 9, entries, { accessCount: 3n, accessHead: head })).toEqual({
      verified: true,
      count: 3,
      head,
    });
  });

  it("fails on an altered, dropped or reordered entry", () => {
    const head = replayAccessChain(contract, 9, entries);
    const altered = entries.map((e, i) => (i === 1 ? { ...e, consumer: 5 } : e));
    expect(checkTrail(contract, 9, altered, { accessCount: 3n, accessHead: head })).toMatchObject({ reason: "head" });
    expect(checkTrail(contract, 9, entries.slice(0, 2), { accessCount: 3n, accessHead: head })).toMatchObject({
      reason: "count",
    });
    expect(
      checkTrail(contract, 9, [entries[1], entries[0], entries[2]], { accessCount: 3n, accessHead: head }),
    ).toMatchObject({ reason: "gap" });
    // Another dataset's chain starts elsewhere.
    expect(checkTrail(contract, 8, entries, { accessCount: 3n, accessHead: head })).toMatchObject({ reason: "head" });
  });
});
