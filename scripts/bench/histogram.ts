/**
 * The one percentile definition of the benchmarks: Node's HDR histogram (`perf_hooks.createHistogram`, three
 * significant digits). Latencies are given in milliseconds and recorded as integer nanoseconds; the p-th percentile is
 * the smallest recorded value that at least p % of the samples do not exceed (to the histogram's precision, 0.1 %).
 */
import { createHistogram, type RecordableHistogram } from "node:perf_hooks";

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const NS_PER_MS = 1e6;

/** A latency histogram in milliseconds. */
export interface LatencyHistogram {
  record(ms: number): void;
  readonly count: number;
  /** The p-th percentile in milliseconds (NaN when nothing was recorded). */
  percentile(p: number): number;
  summary(digits?: number): LatencySummary;
}

/** Rounds to `digits` decimals (what the benchmarks print). */
export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

export function latencyHistogram(): LatencyHistogram {
  const histogram: RecordableHistogram = createHistogram();
  const empty = () => histogram.count === 0;
  const percentile = (p: number) => (empty() ? NaN : histogram.percentile(p) / NS_PER_MS);
  return {
    record(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency ${ms} ms is not a duration`);
      // The histogram records integers >= 1: a sub-nanosecond sample counts as 1 ns.
      histogram.record(Math.max(1, Math.round(ms * NS_PER_MS)));
    },
    get count() {
      return histogram.count;
    },
    percentile,
    summary(digits = 1) {
      return {
        count: histogram.count,
        mean: empty() ? NaN : round(histogram.mean / NS_PER_MS, digits),
        p50: round(percentile(50), digits),
        p95: round(percentile(95), digits),
        p99: round(percentile(99), digits),
        max: empty() ? NaN : round(histogram.max / NS_PER_MS, digits),
      };
    },
  };
}

/** Summary of latencies already collected (milliseconds). */
export function latencySummary(samplesMs: Iterable<number>, digits = 1): LatencySummary {
  const histogram = latencyHistogram();
  for (const ms of samplesMs) histogram.record(ms);
  return histogram.summary(digits);
}
