/**
 * Gateway benchmark: requests per second and latency of serving a small file through the data gateway, each request
 * checked on chain and recorded on chain (a `recordAccess` transaction mined) before the bytes are served.
 *
 *   npx tsx scripts/bench/gateway.ts            (writes bench/gateway.json; BENCH_OUT=<dir>: there instead)
 *
 * Runs a real `hardhat node` (automine: one block per transaction; BENCH_RPC_URL: that node instead, see options.ts)
 * and the gateway in this process. BENCH_REQUESTS
 * requests per run (400; BENCH_SIZE=smoke: 8).
 */
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { keccak256, toUtf8Bytes } from "ethers";
import {
  GatewayClient,
  GatewayRequestError,
} from "../../src/gateway/client.js";
import { loadConfig } from "../../src/gateway/config.js";
import { latencyHistogram, round } from "./histogram.js";
import { benchNode } from "./deploy.js";
import { BENCH_SIZE, sized, writeJsonReport } from "./options.js";
import { startGateway } from "../../src/gateway/server.js";
import {
  deployOnNode,
  gatewayEnv,
  writeDataFile,
} from "../../test/data-sharing/gateway-fixture.js";

const REQUESTS = sized("BENCH_REQUESTS", 400, 8);
const CONCURRENCY = [1, 8];
const FILE_BYTES = 1024;
const PURPOSE = keccak256(toUtf8Bytes("benchmark purpose"));

interface Run {
  scenario: string;
  concurrency: number;
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
}


async function run(
  scenario: string,
  concurrency: number,
  requests: number,
  one: () => Promise<void>,
): Promise<Run> {
  const latencies = latencyHistogram();
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < requests) {
      next++;
      const t = performance.now();
      await one();
      latencies.record(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const { p50, p95, p99, max } = latencies.summary();
  return {
    scenario,
    concurrency,
    requests,
    seconds: round(seconds),
    requestsPerSecond: round(requests / seconds),
    latencyMs: { p50, p95, p99, max },
  };
}

const f = await deployOnNode(await benchNode());
try {
  const content = "x".repeat(FILE_BYTES - 1) + "\n";
  const file = await writeDataFile(f.dir, "small.bin", content);
  await (
    await f.data
      .connect(f.owner)
      .registerDataset(file.hash, 0, keccak256(toUtf8Bytes("meta")), 1, 1n)
  ).wait();
  await (await f.data.connect(f.consumer).requestAccess(1, PURPOSE, 1n)).wait();
  const until =
    BigInt((await f.provider.getBlock("latest"))!.timestamp) + 30n * 86_400n;
  await (await f.data.connect(f.owner).grantAccess(1, 1n, until, false)).wait();
  const manifest = join(f.dir, "manifest.json");
  await writeFile(
    manifest,
    JSON.stringify({
      files: [{ datasetId: "1", version: 1, path: "small.bin" }],
    }),
  );
  const gateway = await startGateway(await loadConfig(gatewayEnv(f, manifest)));
  const client = await GatewayClient.connect(gateway.url, f.consumer);
  const served = () =>
    client
      .fetchDataset({ datasetId: 1n, grantId: 1n, purpose: PURPOSE })
      .then(() => undefined);
  const refused = () =>
    client.fetchDataset({ datasetId: 1n, grantId: 99n, purpose: PURPOSE }).then(
      () => {
        throw new Error("served an unknown grant");
      },
      (error: unknown) => {
        if (!(error instanceof GatewayRequestError)) throw error;
      },
    );

  await run("warm-up", 4, Math.min(20, REQUESTS), served);
  const runs: Run[] = [];
  for (const c of CONCURRENCY)
    runs.push(
      await run(
        "serve 1 KiB: chain check + recordAccess mined + serve",
        c,
        REQUESTS,
        served,
      ),
    );
  runs.push(
    await run(
      "refuse (unknown grant): signature + chain check only",
      8,
      REQUESTS,
      refused,
    ),
  );
  const recorded = (await f.data.dataset(1)).accessCount;
  await gateway.close();

  const result = {
    generatedAt: new Date().toISOString(),
    command: "npx tsx scripts/bench/gateway.ts",
    size: BENCH_SIZE,
    setup: {
      node: "hardhat node (EDR, automine, chain id 1337, berlin), same machine",
      fileBytes: FILE_BYTES,
      signer: "EIP-712, ethers Wallet (consumer side)",
      accessesRecordedOnChain: Number(recorded),
      cpus: (await import("node:os")).cpus().length,
    },
    runs,
  };
  await writeJsonReport("gateway.json", result);
  console.table(
    runs.map((r) => ({
      scenario: r.scenario,
      c: r.concurrency,
      rps: r.requestsPerSecond,
      ...r.latencyMs,
    })),
  );
} finally {
  await f.node.stop();
  await rm(f.dir, { recursive: true, force: true });
}
