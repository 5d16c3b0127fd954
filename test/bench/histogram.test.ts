import { expect } from "chai";
import { latencyHistogram, latencySummary, round } from "../../scripts/bench/histogram.js";

describe("benchmark percentiles (scripts/bench/histogram.ts)", () => {
  it("gives the smallest value that p % of the samples do not exceed", () => {
    // 1..100 ms: p50 is 50 ms, p95 95 ms, p99 99 ms, the maximum 100 ms (to the histogram's 0.1 % precision).
    const summary = latencySummary(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(summary.count).to.equal(100);
    for (const [p, ms] of [
      [summary.p50, 50],
      [summary.p95, 95],
      [summary.p99, 99],
      [summary.max, 100],
      [summary.mean, 50.5],
    ])
      expect(Math.abs(p - ms), `${p} for ${ms}`).to.be.at.most(ms * 0.001);
  });
  it("keeps sub-millisecond samples (recorded in nanoseconds)", () => {
    const histogram = latencyHistogram();
    for (let i = 0; i < 99; i++) histogram.record(0.25);
    histogram.record(40);
    // (closeTo is Hardhat's bigint matcher here: compare the distance instead)
    expect(Math.abs(histogram.percentile(50) - 0.25)).to.be.at.most(0.00025);
    expect(Math.abs(histogram.percentile(99) - 0.25)).to.be.at.most(0.00025);
    expect(Math.abs(histogram.percentile(100) - 40)).to.be.at.most(0.04);
    expect(histogram.summary(3).p50).to.equal(0.25);
  });
  it("reports nothing rather than zero for an empty run, and refuses a negative or non-finite sample", () => {
    expect(Number.isNaN(latencySummary([]).p99)).to.equal(true);
    const histogram = latencyHistogram();
    expect(() => histogram.record(-1)).to.throw(RangeError);
    expect(() => histogram.record(Number.NaN)).to.throw(RangeError);
    expect(histogram.count).to.equal(0);
  });
  it("rounds to the given decimals", () => {
    expect(round(1.25, 1)).to.equal(1.3);
    expect(round(1234.5678, 2)).to.equal(1234.57);
  });
});
