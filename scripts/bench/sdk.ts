/**
 * Throughput of the SDK's cryptographic operations on this machine.
 *
 *   npx tsx scripts/bench/sdk.ts [--seconds 1.5]
 *
 * Prints a table and writes bench/sdk.json (BENCH_OUT=<dir>: there instead). Each operation runs for a fixed
 * wall-clock budget after a short warm-up (so the JIT has compiled the hot paths) and reports operations per second
 * and mean latency. BENCH_SIZE=smoke: 0.05 s per operation (--seconds overrides).
 */
import { cpus } from "node:os";
import { round } from "./histogram.js";
import { BENCH_SIZE, writeJsonReport } from "./options.js";
import { deriveSubjectKey, type Envelope, generateConsortiumKey, generateEncryptionKeyPair, grantReader, hashBytes, hashCanonicalJson, openEnvelope, sealEnvelope } from "@consortia/sdk";

type Result = {
  name: string;
  ops: number;
  seconds: number;
  opsPerSecond: number;
  meanMicros: number;
};

async function measure(
  name: string,
  budgetSeconds: number,
  op: (i: number) => unknown,
): Promise<Result> {
  const warmUpEnd = performance.now() + Math.min(250, budgetSeconds * 200);
  let i = 0;
  while (performance.now() < warmUpEnd) await op(i++);
  const start = performance.now();
  const end = start + budgetSeconds * 1000;
  let ops = 0;
  // Check the clock every few operations so that timing itself stays out of the numbers.
  while (performance.now() < end) {
    for (let k = 0; k < 8; k++) await op(ops++);
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    name,
    ops,
    seconds: round(seconds, 3),
    opsPerSecond: round(ops / seconds, 1),
    meanMicros: round((seconds * 1e6) / ops, 1),
  };
}

function secondsArg(): number {
  const index = process.argv.indexOf("--seconds");
  const value = index >= 0 ? Number(process.argv[index + 1]) : BENCH_SIZE === "smoke" ? 0.05 : 1.5;
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error("--seconds must be a positive number");
  }
  return value;
}

async function main(): Promise<void> {
  const budget = secondsArg();
  const members = Array.from({ length: 11 }, (_, i) => ({
    memberId: i + 1,
    ...generateEncryptionKeyPair(),
  }));
  const tenReaders = members
    .slice(0, 10)
    .map(({ memberId, publicKey }) => ({ memberId, publicKey }));
  const newcomer = {
    memberId: members[10].memberId,
    publicKey: members[10].publicKey,
  };
  const opener = {
    memberId: members[0].memberId,
    privateKey: members[0].privateKey,
  };
  const payload1k = new Uint8Array(1024).map((_, i) => i % 256);
  const payload1m = new Uint8Array(1024 * 1024).map((_, i) => i % 256);
  const sealed1k: Envelope = (
    await sealEnvelope({ plaintext: payload1k, recipients: tenReaders })
  ).envelope;
  const sealed1m: Envelope = (
    await sealEnvelope({ plaintext: payload1m, recipients: tenReaders })
  ).envelope;
  const consortiumKey = generateConsortiumKey();
  const entry = {
    subject:
      "0x5089792a01ef66d36fdcf3ffd379bb64ac8e7ccf9818ff871eefc1baed12e6a0",
    category: "default",
    severity: 3,
    evidence: [
      "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    ],
    expiry: "2030-12-31",
  };

  // One after another: a measurement must not share the CPU with the next.
  const steps: [string, (i: number) => unknown][] = [
    ["seal 1 KiB for 10 readers", () => {
      return sealEnvelope({ plaintext: payload1k, recipients: tenReaders });
    }],
    ["seal 1 MiB for 10 readers", () => {
      return sealEnvelope({ plaintext: payload1m, recipients: tenReaders });
    }],
    ["open 1 KiB (reader key)", () => {
      return openEnvelope(sealed1k, opener);
    }],
    ["open 1 MiB (reader key)", () => {
      return openEnvelope(sealed1m, opener);
    }],
    ["grantReader (1 KiB, 10 readers)", () => {
      return grantReader(sealed1k, opener, newcomer);
    }],
    ["deriveSubjectKey (resident-id)", () => {
      deriveSubjectKey({
        consortiumKey,
        kind: "resident-id",
        value: "11010519491231002X",
      });
    }],
    ["deriveSubjectKey (uscc)", () => {
      deriveSubjectKey({
        consortiumKey,
        kind: "uscc",
        value: "91350100M000100Y43",
      });
    }],
    ["hashCanonicalJson (small entry)", () => {
      hashCanonicalJson(entry);
    }],
    ["hashBytes 1 MiB", () => {
      hashBytes(payload1m);
    }],
  ];
  const results: Result[] = [];
  for (const [name, op] of steps) results.push(await measure(name, budget, op));

  console.table(
    results.map(({ name, opsPerSecond, meanMicros, ops }) => ({
      operation: name,
      "ops/s": opsPerSecond,
      "mean µs": meanMicros,
      ops,
    })),
  );

  const report = {
    generatedAt: new Date().toISOString(),
    size: BENCH_SIZE,
    node: process.version,
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    budgetSecondsPerOperation: budget,
    results,
  };
  console.log(`wrote ${await writeJsonReport("sdk.json", report)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
