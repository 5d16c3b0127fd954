import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import {
  AccessChainMemo,
  accessChainSeed,
  replayAccessChain,
  type AccessChainEntry,
} from "../../src/indexer/projections/data-sharing.js";

const h = (text: string): string => keccak256(toUtf8Bytes(text));
const CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

const entry = (seq: number): AccessChainEntry => ({
  seq,
  accessId: h(`access ${seq}`),
  grantId: seq % 3,
  version: 1,
  consumer: 7 + seq,
  purposeHash: h(`purpose ${seq}`),
  resultHash: h(`result ${seq}`),
  timestamp: 1_700_000_000 + seq * 12,
});

/** Counts the entries a memo hashes (the kept size grows by one per hashed entry while nothing is dropped). */
function hashed(memo: AccessChainMemo, replay: () => string): { head: string; hashed: number } {
  const before = memo.size;
  const head = replay();
  return { head, hashed: memo.size - before };
}

describe("indexer: access-log replays kept between calls (AccessChainMemo)", () => {
  const log = [1, 2, 3, 4, 5].map(entry);

  it("answers what a replay from scratch answers, and hashes only what it has not seen", () => {
    const memo = new AccessChainMemo();
    expect(memo.replay(CONTRACT, 1, [])).to.equal(accessChainSeed(CONTRACT, 1));
    const first = hashed(memo, () => memo.replay(CONTRACT, 1, log.slice(0, 4)));
    expect(first).to.deep.equal({ head: replayAccessChain(CONTRACT, 1, log.slice(0, 4)), hashed: 4 });
    // Again: nothing hashed. A new entry: one hashed.
    expect(hashed(memo, () => memo.replay(CONTRACT, 1, log.slice(0, 4)))).to.deep.equal({ ...first, hashed: 0 });
    expect(hashed(memo, () => memo.replay(CONTRACT, 1, log))).to.deep.equal({
      head: replayAccessChain(CONTRACT, 1, log),
      hashed: 1,
    });
    // Another dataset (same entries) chains from its own seed; another contract too.
    expect(memo.replay(CONTRACT, 2, log)).to.equal(replayAccessChain(CONTRACT, 2, log));
    expect(memo.replay(CONTRACT, 2, log)).to.not.equal(replayAccessChain(CONTRACT, 1, log));
    const other = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
    expect(memo.replay(other, 1, log)).to.equal(replayAccessChain(other, 1, log));
    // The same replay through replayAccessChain with the memo.
    expect(replayAccessChain(CONTRACT, 1, log, memo)).to.equal(replayAccessChain(CONTRACT, 1, log));
  });

  it("a tampered entry after a kept replay is hashed again: the head changes, and is right again once restored", () => {
    const memo = new AccessChainMemo();
    const honest = memo.replay(CONTRACT, 1, log);
    for (const field of ["accessId", "grantId", "version", "consumer", "purposeHash", "resultHash", "timestamp"]) {
      const altered = log.map((e) => ({ ...e }));
      (altered[1] as unknown as Record<string, unknown>)[field] =
        typeof log[1][field as keyof AccessChainEntry] === "string" ? h("tampered") : 99;
      const head = memo.replay(CONTRACT, 1, altered);
      expect(head, field).to.equal(replayAccessChain(CONTRACT, 1, altered));
      expect(head, field).to.not.equal(honest);
      expect(memo.replay(CONTRACT, 1, log), field).to.equal(honest);
    }
    // A number given as a string or a bigint is the same entry (the same encoding): the same head.
    expect(
      memo.replay(
        CONTRACT,
        1,
        log.map((e) => ({ ...e, grantId: BigInt(e.grantId), seq: String(e.seq) })),
      ),
    ).to.equal(honest);
  });

  it("a dropped, repeated, reordered or truncated entry is no longer the kept chain", () => {
    const memo = new AccessChainMemo();
    const honest = memo.replay(CONTRACT, 1, log);
    expect(() => memo.replay(CONTRACT, 1, [log[0], log[2], log[3]])).to.throw(/entry 2 has seq 3/);
    expect(() => memo.replay(CONTRACT, 1, [log[0], log[0]])).to.throw(/entry 2 has seq 1/);
    expect(() => memo.replay(CONTRACT, 1, [log[1], log[0]])).to.throw(/entry 1 has seq 2/);
    const truncated = memo.replay(CONTRACT, 1, log.slice(0, 3));
    expect(truncated).to.equal(replayAccessChain(CONTRACT, 1, log.slice(0, 3)));
    expect(truncated).to.not.equal(honest);
    // An entry replaced by another with its seq (an invented one) chains elsewhere.
    const invented = [...log.slice(0, 2), { ...entry(3), accessId: h("invented") }, ...log.slice(3)];
    expect(memo.replay(CONTRACT, 1, invented)).to.not.equal(honest);
    expect(memo.replay(CONTRACT, 1, log)).to.equal(honest);
  });

  it("beyond its bound drops the datasets replayed least recently, and still answers right", () => {
    const memo = new AccessChainMemo(6);
    memo.replay(CONTRACT, 1, log.slice(0, 3));
    memo.replay(CONTRACT, 2, log.slice(0, 2));
    // Dataset 1 replayed again: now the most recent; dataset 3 pushes the total to 7, dropping dataset 2 only.
    expect(hashed(memo, () => memo.replay(CONTRACT, 1, log.slice(0, 3))).hashed).to.equal(0);
    expect(memo.replay(CONTRACT, 3, log.slice(0, 2))).to.equal(replayAccessChain(CONTRACT, 3, log.slice(0, 2)));
    expect({ size: memo.size, datasets: memo.datasets }).to.deep.equal({ size: 5, datasets: 2 });
    expect(hashed(memo, () => memo.replay(CONTRACT, 1, log.slice(0, 3))).hashed).to.equal(0);
    expect(hashed(memo, () => memo.replay(CONTRACT, 3, log.slice(0, 2))).hashed).to.equal(0);
    expect(hashed(memo, () => memo.replay(CONTRACT, 2, log.slice(0, 2)))).to.deep.equal({
      head: replayAccessChain(CONTRACT, 2, log.slice(0, 2)),
      hashed: 2 - 3, // hashed again (2 kept), dropping dataset 1 (3), the least recent
    });
    expect(memo.datasets).to.equal(2);
    // The default bound is 100k entries; a bad bound is refused.
    expect(() => new AccessChainMemo(-1)).to.throw(/bad memo bound/);
  });

  it("a log longer than its bound is verified without being kept, and wipes no other dataset", () => {
    const memo = new AccessChainMemo(4);
    memo.replay(CONTRACT, 1, log.slice(0, 2));
    for (let round = 0; round < 2; round++) {
      expect(memo.replay(CONTRACT, 2, log)).to.equal(replayAccessChain(CONTRACT, 2, log));
      expect(() => memo.replay(CONTRACT, 2, [...log.slice(0, 4), entry(6)])).to.throw(/entry 5 has seq 6/);
      expect({ size: memo.size, datasets: memo.datasets }).to.deep.equal({ size: 2, datasets: 1 });
    }
    expect(hashed(memo, () => memo.replay(CONTRACT, 1, log.slice(0, 2))).hashed).to.equal(0);
    // A kept log that grows beyond the bound is dropped with it.
    memo.replay(CONTRACT, 2, log.slice(0, 2));
    expect(memo.replay(CONTRACT, 2, log)).to.equal(replayAccessChain(CONTRACT, 2, log));
    expect({ size: memo.size, datasets: memo.datasets }).to.deep.equal({ size: 2, datasets: 1 });
  });

  it("keeps within its bound when a replay stops at a gap in seq", () => {
    const memo = new AccessChainMemo(4);
    memo.replay(CONTRACT, 1, log.slice(0, 3));
    expect(() => memo.replay(CONTRACT, 2, [log[0], log[1], log[3]])).to.throw(/entry 3 has seq 4/);
    expect(memo.size).to.be.at.most(4);
    expect({ size: memo.size, datasets: memo.datasets }).to.deep.equal({ size: 2, datasets: 1 });
    expect(memo.replay(CONTRACT, 1, log.slice(0, 3))).to.equal(replayAccessChain(CONTRACT, 1, log.slice(0, 3)));
  });
});
