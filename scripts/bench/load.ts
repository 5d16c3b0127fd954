/**
 * Load run (a benchmark, not a test): `node --import tsx scripts/bench/load.ts`.
 *
 * 1. Starts a real `hardhat node` (chain 1337), deploys the whole suite with the demo founders into a temporary
 *    deployments directory (its Ignition journal in the same temporary directory, removed afterwards), and sets up what
 *    the business transactions need: deposit tokens, interbank credit lines, a dataset with a grant, a confirmed
 *    receivable, an acknowledged letter of credit, a few credit entries to query.
 * 2. Starts the indexer + API (`startIndexerAndApi`, fresh PGlite directory) in a worker thread, so that the load
 *    generator's event loop is measured alone.
 * 3. Runs ROUNDS rounds of phases, one per side in SIDES (default "sdk,ethers": alternating, so both sides see about the
 *    same machine load). Each phase sends TXS mixed business transactions from 8 member accounts, WINDOW in flight per
 *    account: the SDK side through the SDK clients (each account's `Wallet` wrapped in `ManagedSigner`: local signing,
 *    `ReusedGasEstimates`, receipts through the provider's `ReceiptWatcher`); the bare-ethers side sends the same
 *    operations' calldata and reads (recorded from the SDK clients before the phase) with an ethers `NonceManager` over a
 *    `Wallet`, the same gas limits, and `wait()`. Arguments differ between phases (fresh records each time).
 * 4. Verifies: every sent transaction is in exactly one block, once (block scan), per-account nonces contiguous with
 *    no gap and no duplicate, the account's nonce moved by exactly what it sent, no revert; the indexer's `events`
 *    table (and the API's /status) holds exactly the logs of the receipts.
 * 5. Reports per phase: throughput (first call to last receipt), send→receipt latency p50/p95 (and in block periods),
 *    the load generator's main-thread CPU per transaction (`process.threadCpuUsage`), the whole process's (with the
 *    indexer thread), event-loop busy time, the node's CPU per transaction, JSON-RPC requests and HTTP calls per
 *    transaction by method, the load average before and after; the SDK side's totals and the side-by-side ratio; the
 *    indexing lag after the last receipt. Writes bench/load.json (BENCH_OUT=<dir>: there instead).
 *
 * Env: TXS per phase (6000; BENCH_SIZE=smoke: 40, five per sender, so every entry of each sender's menu runs once),
 * WINDOW (48 in flight per account; smoke: 4), ROUNDS (2; smoke: 1), SIDES ("sdk,ethers"), MINING (block period in
 * ms, 1000; smoke: 250; or "auto" = a block per transaction), POLL_INTERVAL_MS (indexer poll, 100), CPU_PROFILE_DIR
 * (unset; a directory: each phase's main-thread CPU profile written there, `phase-<n>-<side>.cpuprofile`, for Chrome
 * DevTools; the profiler's own cost then inflates that run's CPU figures).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import {
  AbstractSigner,
  JsonRpcProvider,
  NonceManager,
  Wallet,
  type JsonRpcPayload,
  type JsonRpcResult,
  type Provider,
  type TransactionRequest,
} from "ethers";
import { startIndexerAndApi } from "../../src/api/start.js";
import { DEMO_CONSORTIUM_KEY, DEMO_MEMBER_KEYS, demoConsortium } from "../../src/demo/consortium.js";
import { parseConfig } from "../../src/indexer/config.js";
import { loadProjections } from "../../src/indexer/projections.js";
import { rpc, startNode } from "../../src/local/node.js";
import {
  type Consortia,
  createConsortia,
  deploymentPath,
  deriveSubjectKey,
  DocumentKind,
  hashUtf8,
  ManagedSigner,
  NativeCodecJsonRpcProvider,
  ReusedGasEstimates,
} from "@consortia/sdk";
import { processCpuSeconds } from "./cpu.js";
import { CHAIN_ID, deployDemoSuite } from "./deploy.js";
import { latencySummary, round } from "./histogram.js";
import { BENCH_SIZE, sized, writeJsonReport } from "./options.js";

const DAY = 86_400;

// ------------------------------------------------------------------------------------------ indexer worker thread

interface WorkerInput {
  rpcUrl: string;
  deployments: string;
  dataDir: string;
  pollIntervalMs: number;
}
type WorkerRequest = { id: number; kind: "status" } | { id: number; kind: "count"; from: number; to: number } | { id: number; kind: "stop" };

async function indexerWorker(): Promise<void> {
  const input = workerData as WorkerInput;
  const running = await startIndexerAndApi(
    parseConfig({
      rpcUrl: input.rpcUrl,
      deployments: input.deployments,
      dataDir: input.dataDir,
      pollIntervalMs: input.pollIntervalMs,
      apiPort: 0,
      logLevel: "warn",
      progress: "log",
    }),
  );
  parentPort!.on("message", (request: WorkerRequest) => {
    void (async () => {
      try {
        if (request.kind === "status") {
          const s = running.service.indexer.status;
          parentPort!.postMessage({ id: request.id, result: { indexedBlock: s.indexedBlock, headBlock: s.headBlock, eventsTotal: s.eventsTotal, caughtUp: s.caughtUp, lastError: s.lastError, url: running.url } });
        } else if (request.kind === "count") {
          const rows = await running.service.db.query<{ n: number; contract: string }>(
            `SELECT contract, count(*)::int AS n FROM events WHERE block_number BETWEEN $1 AND $2 GROUP BY contract`,
            [request.from, request.to],
          );
          parentPort!.postMessage({ id: request.id, result: Object.fromEntries(rows.map((r) => [r.contract, Number(r.n)])) });
        } else {
          await running.stop();
          parentPort!.postMessage({ id: request.id, result: true });
        }
      } catch (error) {
        parentPort!.postMessage({ id: request.id, error: (error as Error).message });
      }
    })();
  });
  parentPort!.postMessage({ ready: true, url: running.url });
}

class IndexerThread {
  readonly worker: Worker;
  url = "";
  #next = 0;
  #pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  constructor(input: WorkerInput) {
    this.worker = new Worker(new URL(import.meta.url), { workerData: input });
    this.worker.on("message", (message: { id?: number; result?: unknown; error?: string; ready?: boolean; url?: string }) => {
      if (message.ready) return;
      const waiter = this.#pending.get(message.id!);
      this.#pending.delete(message.id!);
      if (message.error !== undefined) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    });
  }
  async ready(): Promise<void> {
    this.url = await new Promise<string>((resolve, reject) => {
      const onMessage = (message: { ready?: boolean; url?: string }) => {
        if (message.ready) {
          this.worker.off("message", onMessage);
          resolve(message.url!);
        }
      };
      this.worker.on("message", onMessage);
      this.worker.once("error", reject);
    });
  }
  request<T>(request: Omit<WorkerRequest, "id"> & Record<string, unknown>): Promise<T> {
    const id = ++this.#next;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...request, id });
    });
  }
  status() {
    return this.request<{ indexedBlock: number; headBlock: number; eventsTotal: number; caughtUp: boolean; lastError?: string; url: string }>({ kind: "status" });
  }
  count(from: number, to: number) {
    return this.request<Record<string, number>>({ kind: "count", from, to });
  }
  async stop(): Promise<void> {
    await this.request({ kind: "stop" });
    await this.worker.terminate();
  }
}

// ------------------------------------------------------------------------------------------------------ load run

const TXS = sized("TXS", 6_000, 40);
const WINDOW = sized("WINDOW", 48, 4);
const ROUNDS = sized("ROUNDS", 2, 1);
const SIDES = (process.env.SIDES ?? "sdk,ethers").split(",").map((side) => side.trim()) as Side[];
const MINING = process.env.MINING ?? (BENCH_SIZE === "smoke" ? "250" : "1000");
const POLL_INTERVAL_MS = Number(process.env.POLL_INTERVAL_MS ?? 100);
/** A directory to write each phase's main-thread CPU profile to (`phase-<n>-<side>.cpuprofile`); unset: none. */
const CPU_PROFILE_DIR = process.env.CPU_PROFILE_DIR || undefined;
for (const side of SIDES) if (side !== "sdk" && side !== "ethers") throw new Error(`SIDES: "sdk" or "ethers", not "${side}"`);

const log = (message: string) => process.stderr.write(`${new Date().toISOString()} ${message}\n`);
const nowMs = () => performance.now();
const hash = (label: string) => hashUtf8(`consortia:load:${label}`);

type Key = (typeof DEMO_MEMBER_KEYS)[number];
type Actors = Record<Key, { sdk: Consortia; address: string; id: number }>;

interface Fixture {
  subjects: string[];
  datasetId: bigint;
  grantId: bigint;
  rootTokenId: bigint;
  lcId: bigint;
  expiresAt: number;
}

/** What the business transactions need, sent under automine, one after the other. */
async function setUp(actors: Actors, provider: JsonRpcProvider): Promise<Fixture> {
  const { bankA, bankB, bankC, coreA, coreB, supplier1, gov1, gov2 } = actors;
  const now = (await provider.getBlock("latest"))!.timestamp;
  const big = 10n ** 15n; // 10 trillion CNY in minor units
  for (const to of [coreA, coreB, supplier1, bankA]) await bankA.sdk.token.mint(to.address, big);
  for (const bank of [bankB, bankC]) await bank.sdk.token.mint(bank.address, big);
  const positions = (actor: Actors[Key]) => actor.sdk.lettersOfCredit.positions;
  await positions(bankB).setCreditLine(bankA.id, 2n ** 127n);
  await positions(bankC).setCreditLine(bankB.id, 2n ** 127n);
  await positions(bankA).setCreditLine(bankC.id, 2n ** 127n);
  for (const bank of [bankA, bankB, bankC]) await positions(bank).setSettlementAccount(bank.address);

  const subjects: string[] = [];
  for (let i = 0; i < 16; i++) {
    const subjectKey = deriveSubjectKey({ consortiumKey: DEMO_CONSORTIUM_KEY, kind: "other", value: `load-subject-${i}` });
    await bankC.sdk.credit.report({ subjectKey }, "Company", {
      category: "Default",
      severity: 3,
      expiresAt: now + 365 * DAY,
      evidenceHash: hash(`evidence-${i}`),
      payload: { payloadHash: hash(`payload-${i}`), payloadLocationHash: hash(`location-${i}`) },
    });
    subjects.push(subjectKey);
  }

  const { datasetId } = await gov1.sdk.dataSharing.registerDataset({
    contentHash: hash("dataset"),
    metadataHash: hash("dataset-metadata"),
    classification: "Confidential",
    fieldMask: 0b1111n,
  });
  const { grantId } = await gov1.sdk.dataSharing.grantDirect(datasetId, gov2.id, hash("purpose"), {
    scope: 0b0111n,
    expiresAt: now + 365 * DAY,
  });

  const { receivableId } = await supplier1.sdk.receivables.register({
    obligor: coreA.id,
    maturity: now + 180 * DAY,
    faceValue: big,
    invoiceKey: hash("invoice"),
    contract: { contentHash: hash("contract") },
    invoice: { contentHash: hash("invoice-pdf") },
    delivery: { contentHash: hash("delivery") },
  });
  const { rootTokenId } = await coreA.sdk.receivables.confirm(receivableId);

  const { lcId } = await bankA.sdk.lettersOfCredit.issue(coreA.address, {
    advisingBank: bankB.address,
    beneficiary: supplier1.address,
    amount: big,
    currency: "CNY",
    expiry: now + 180 * DAY,
    latestShipment: now + 150 * DAY,
    deferred: false,
    partialDrawings: true,
    requiredDocuments: [DocumentKind.Invoice, DocumentKind.TransportDocument],
    termsHash: hash("lc-terms"),
  });
  await bankB.sdk.lettersOfCredit.advise(lcId);
  await supplier1.sdk.lettersOfCredit.acknowledge(lcId);
  return { subjects, datasetId, grantId, rootTokenId, lcId, expiresAt: now + 365 * DAY };
}

/** One business transaction: its label and the SDK call (which resolves with the receipt). */
type Operation = { kind: string; run(onSent: (hash: string) => void): Promise<{ receipt: { hash: string; blockNumber: number; logs: readonly { address: string }[]; status: number | null } }> };

/**
 * The mix: each of the 8 senders has its own weighted menu of business transactions (what that member does in a day).
 */
function menus(actors: Actors, fixture: Fixture): Record<string, [number, (i: number) => Operation][]> {
  const { bankA, bankB, bankC, coreA, coreB, supplier1, supplier2, supplier3, supplier4, agency, gov1, gov2 } = actors;
  const wrap = (kind: string, run: Operation["run"]): Operation => ({ kind, run });
  const obligation = (debtor: Actors[Key], creditor: Actors[Key]) => (i: number) =>
    wrap("lc.recordObligation", (onSent) =>
      debtor.sdk.lettersOfCredit.positions.recordObligation(creditor.id, 1_000_00n + BigInt(i), fixture.expiresAt, hash(`obl-${debtor.id}-${i}`), { onSent }),
    );
  const transfer = (from: Actors[Key], to: Actors[Key]) => (i: number) =>
    wrap("token.transfer", async (onSent) => ({ receipt: await from.sdk.token.transfer(to.address, 100n + BigInt(i % 1000), { onSent }) }));
  const report = (reporter: Actors[Key], prefix: string) => (i: number) =>
    wrap("credit.report", (onSent) =>
      reporter.sdk.credit.report(
        { subjectKey: deriveSubjectKey({ consortiumKey: DEMO_CONSORTIUM_KEY, kind: "other", value: `${prefix}-${i}` }) },
        "Person",
        { category: "Fraud", severity: 2, expiresAt: fixture.expiresAt, evidenceHash: hash(`ev-${prefix}-${i}`), payload: { payloadHash: hash(`pl-${prefix}-${i}`), payloadLocationHash: hash(`loc-${prefix}-${i}`) } },
        { onSent },
      ),
    );
  const query = (querier: Actors[Key]) => (i: number) =>
    wrap("credit.query", (onSent) => querier.sdk.credit.query(fixture.subjects[i % fixture.subjects.length], hash(`consent-${querier.id}-${i}`), { limit: 5 }, { onSent }));
  return {
    // Banks: interbank obligations, logged credit queries, credit reports, deposit transfers.
    bankA: [
      [2, obligation(bankA, bankB)],
      [2, query(bankA)],
      [1, transfer(bankA, coreB)],
    ],
    bankB: [
      [2, obligation(bankB, bankC)],
      [2, transfer(bankB, supplier1)],
      [1, query(bankB)],
    ],
    bankC: [
      [2, report(bankC, "bankC")],
      [2, obligation(bankC, bankA)],
    ],
    // The core enterprise pays its suppliers.
    coreA: [[1, transfer(coreA, supplier1)], [1, transfer(coreA, supplier3)], [1, transfer(coreA, supplier4)]],
    // Tier-1 supplier: splits its receivable down the chain, presents documents under its LC, pays a sub-supplier.
    supplier1: [
      [2, (i) => wrap("receivables.split", (onSent) => supplier1.sdk.receivables.split(fixture.rootTokenId, i % 2 ? supplier3.address : supplier4.address, 10_000_00n + BigInt(i), { onSent }))],
      [2, (i) =>
        wrap("lc.present", (onSent) =>
          supplier1.sdk.lettersOfCredit.present(fixture.lcId, 5_000_00n + BigInt(i), [
            { contentHash: hash(`inv-${i}`), uriHash: hash(`inv-uri-${i}`), kind: DocumentKind.Invoice },
            { contentHash: hash(`bl-${i}`), uriHash: hash(`bl-uri-${i}`), kind: DocumentKind.TransportDocument },
          ], { onSent }),
        )],
      [1, transfer(supplier1, supplier3)],
    ],
    // A bidder applies for bid guarantees tender after tender.
    supplier2: [
      [1, (i) =>
        wrap("guarantees.applyFor", (onSent) =>
          supplier2.sdk.guarantees.applyFor({
            guarantor: bankC.address,
            beneficiary: coreB.address,
            kind: "Bid",
            currency: "CNY",
            amount: 200_000_00n,
            expiry: fixture.expiresAt,
            examinationPeriod: 5 * DAY,
            termsHash: hash(`terms-${i}`),
            tenderReference: hash(`tender-${i}`),
          }, { onSent }),
        )],
    ],
    // The credit agency reports and queries.
    agency: [
      [1, report(agency, "agency")],
      [1, query(agency)],
    ],
    // The land registry's gateway records every access by the tax bureau before serving it.
    gov1: [
      [1, (i) =>
        wrap("data.recordAccess", (onSent) =>
          gov1.sdk.dataSharing.recordAccess({ accessId: hash(`access-${i}`), grantId: fixture.grantId, datasetId: fixture.datasetId, version: 1, consumerAccount: gov2.address, resultHash: hash(`result-${i}`) }, { onSent }),
        )],
    ],
  };
}


type Side = "sdk" | "ethers";

interface Sample {
  phase: number;
  sender: string;
  kind: string;
  hash?: string;
  start: number;
  sent?: number;
  done?: number;
  block?: number;
  logs?: number;
  /** Log counts by emitting contract address (lower case). */
  emitters?: Record<string, number>;
  error?: string;
}

/** A JSON-RPC provider that counts what it sends: requests, and HTTP calls (a batch is one). */
/** JSON-RPC requests and HTTP calls by method. */
class RpcCounter {
  requests = 0;
  httpCalls = 0;
  byMethod: Record<string, number> = {};
  count(payload: JsonRpcPayload | JsonRpcPayload[]): void {
    const list = Array.isArray(payload) ? payload : [payload];
    this.httpCalls++;
    this.requests += list.length;
    for (const p of list) this.byMethod[p.method] = (this.byMethod[p.method] ?? 0) + 1;
  }
  counters() {
    return { requests: this.requests, httpCalls: this.httpCalls, byMethod: { ...this.byMethod } };
  }
}

/** The bare-ethers side's provider: ethers' `JsonRpcProvider`, counted. */
class CountingProvider extends JsonRpcProvider {
  readonly counter = new RpcCounter();
  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    this.counter.count(payload);
    return super._send(payload);
  }
  counters() {
    return this.counter.counters();
  }
}

/** The SDK side's provider: the SDK's `NativeCodecJsonRpcProvider` (ethers' provider, native UTF-8 bodies), counted. */
class SdkCountingProvider extends NativeCodecJsonRpcProvider {
  readonly counter = new RpcCounter();
  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    this.counter.count(payload);
    return super._send(payload);
  }
  counters() {
    return this.counter.counters();
  }
}

/**
 * The providers both sides use: the same options (ethers' default batching, 50 ms polling, no chain-id calls); the
 * bare-ethers side on ethers' `JsonRpcProvider` as is.
 */
const providerOptions = { staticNetwork: true, pollingInterval: 50 } as const;
const newProvider = (url: string) => new SdkCountingProvider(url, CHAIN_ID, providerOptions);
const newEthersProvider = (url: string) => new CountingProvider(url, CHAIN_ID, providerOptions);

/**
 * For the bare-ethers side: a signer that records the transaction an SDK call would send instead of sending it, so
 * that ethers sends exactly the SDK's calldata (captured before the phase, outside its measured time).
 */
class RecordingSigner extends AbstractSigner {
  recorded: TransactionRequest | undefined;
  /** Reads the operation makes before sending (the logged credit query reads its page): replayed by ethers too. */
  reads: TransactionRequest[] = [];
  constructor(
    readonly address: string,
    provider: Provider,
  ) {
    super(provider);
  }
  async getAddress(): Promise<string> {
    return this.address;
  }
  connect(): RecordingSigner {
    return this;
  }
  signTransaction(): Promise<string> {
    throw new Error("recording only");
  }
  signMessage(): Promise<string> {
    throw new Error("recording only");
  }
  signTypedData(): Promise<string> {
    throw new Error("recording only");
  }
  override async call(tx: TransactionRequest): Promise<string> {
    this.reads.push({ to: tx.to, data: tx.data });
    return super.call(tx);
  }
  override async sendTransaction(tx: TransactionRequest): Promise<never> {
    this.recorded = { to: tx.to, data: tx.data };
    throw new Error("recorded");
  }
}

/** One bare-ethers transaction: the SDK operation's calldata and the reads it makes first. */
interface Recorded {
  kind: string;
  request: TransactionRequest;
  reads: TransactionRequest[];
}

/** A phase's own counters (CPU of the client's main thread and process, the node's, JSON-RPC requests). */
interface PhaseCounters {
  loadAverage: { before: number[]; after: number[] };
  client: { mainThreadCpuMsPerTx: number; processCpuMsPerTx: number; busyMsPerTx: number; eventLoopUtilization: number };
  nodeCpuMsPerTx: number;
  rpc: { requestsPerTx: number; httpCallsPerTx: number; byMethodPerTx: Record<string, number> };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const load = () => loadavg().map((v) => round(v, 2));

async function main(): Promise<void> {
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), node ${process.version}`;
  log(`starting hardhat node (${machine})`);
  const node = await startNode();
  const dir = await mkdtemp(join(tmpdir(), "consortia-load-"));
  let indexer: IndexerThread | undefined;
  const providers: (CountingProvider | SdkCountingProvider)[] = [];
  try {
    const deployment = await deployDemoSuite(node, dir);
    log(`deployed the suite (${Object.keys(deployment.contracts).length} contracts)`);
    const provider = newProvider(node.url);
    const ethersProvider = newEthersProvider(node.url);
    providers.push(provider, ethersProvider);
    // One table for every sender: the first call of each function is estimated, later ones reuse it (x1.5).
    const gasLimits = new ReusedGasEstimates(1.5);
    const members = demoConsortium();
    const actors = {} as Actors;
    const recorders = {} as Actors;
    const recording = {} as Record<Key, RecordingSigner>;
    for (const key of DEMO_MEMBER_KEYS) {
      const member = members[key];
      actors[key] = {
        sdk: await createConsortia({ runner: new Wallet(member.privateKey, provider), deployment, checkChainId: false, gasLimits }),
        address: member.account,
        id: member.memberId,
      };
      recording[key] = new RecordingSigner(member.account, ethersProvider);
      recorders[key] = {
        sdk: await createConsortia({ runner: recording[key], deployment, checkChainId: false, manageNonces: false }),
        address: member.account,
        id: member.memberId,
      };
    }
    const fixture = await setUp(actors, provider);
    log("set up tokens, credit lines, dataset grant, receivable, letter of credit, credit entries");

    indexer = new IndexerThread({
      rpcUrl: node.url,
      deployments: deploymentPath(CHAIN_ID, join(dir, "deployments")),
      dataDir: join(dir, "pglite"),
      pollIntervalMs: POLL_INTERVAL_MS,
    });
    await indexer.ready();
    while (!(await indexer.status()).caughtUp) await new Promise((r) => setTimeout(r, 50));
    log(`indexer + API caught up (${indexer.url})`);

    if (MINING !== "auto") {
      await rpc(node.url, "evm_setAutomine", [false]);
      await rpc(node.url, "evm_setIntervalMining", [Number(MINING)]);
    }

    const plan = menus(actors, fixture);
    const recordedPlan = menus(recorders, fixture);
    const senders = Object.keys(plan) as Key[];
    const startNonce: Record<string, number> = {};
    for (const s of senders) startNonce[s] = await rpc<string>(node.url, "eth_getTransactionCount", [actors[s].address, "latest"]).then(Number);
    const startBlock = Number(await rpc<string>(node.url, "eth_blockNumber"));
    // Split TXS over the senders evenly; each sender walks its weighted menu.
    const perSender = senders.map((_, i) => Math.floor(TXS / senders.length) + (i < TXS % senders.length ? 1 : 0));
    const samples: Sample[] = [];
    const phases: ReturnType<typeof summarise>[] = [];
    const menuOf = (p: typeof plan, sender: Key) => p[sender].flatMap(([weight, make]) => Array.from({ length: weight }, () => make));
    /** Arguments differ between phases (fresh records each time): phase p uses indexes p * 1,000,000 + i. */
    const argument = (phase: number, i: number) => phase * 1_000_000 + i;

    /** The bare-ethers side's transactions: the SDK's calldata for the same operations, recorded beforehand. */
    async function recordPhase(phase: number): Promise<Record<string, Recorded[]>> {
      const out: Record<string, Recorded[]> = {};
      await Promise.all(
        senders.map(async (sender, index) => {
          const menu = menuOf(recordedPlan, sender);
          out[sender] = [];
          for (let i = 0; i < perSender[index]; i++) {
            const operation = menu[i % menu.length](argument(phase, i));
            recording[sender].recorded = undefined;
            recording[sender].reads = [];
            let failure: unknown;
            await operation.run(() => {}).catch((error: unknown) => (failure = error));
            const request = recording[sender].recorded;
            if (request === undefined) throw new Error(`${sender} ${operation.kind}: nothing recorded (${String(failure)})`);
            out[sender].push({ kind: operation.kind, request, reads: recording[sender].reads });
          }
        }),
      );
      return out;
    }

    function summarise(side: Side, phase: number, seconds: number, own: Sample[], counters: PhaseCounters) {
      const ok = own.filter((s) => s.error === undefined);
      const sendToReceipt = ok.map((s) => s.done! - s.sent!);
      return {
        phase,
        side,
        transactions: own.length,
        mined: ok.length,
        errors: own.length - ok.length,
        seconds: round(seconds, 2),
        txPerSecond: round(ok.length / seconds),
        latencyMs: {
          callToReceipt: latencySummary(ok.map((s) => s.done! - s.start)),
          sendToReceipt: latencySummary(sendToReceipt),
          callToSent: latencySummary(ok.map((s) => s.sent! - s.start)),
        },
        sendToReceiptP95BlockPeriods: MINING === "auto" ? null : round(percentile(sendToReceipt, 95) / Number(MINING), 2),
        blocks: ok.length === 0 ? null : { first: Math.min(...ok.map((s) => s.block!)), last: Math.max(...ok.map((s) => s.block!)) },
        ...counters,
      };
    }

    async function runPhase(side: Side, phase: number): Promise<void> {
      const recorded = side === "ethers" ? await recordPhase(phase) : undefined;
      // Fresh ethers nonce managers; the SDK's managers forget their count after another side sent.
      const managers = Object.fromEntries(senders.map((s) => [s, new NonceManager(new Wallet(members[s].privateKey, ethersProvider))]));
      for (const s of senders) (actors[s].sdk.signer as ManagedSigner).reset();
      const rpcProvider = side === "sdk" ? provider : ethersProvider;
      const rpc0 = rpcProvider.counters();
      const own: Sample[] = [];
      const loadBefore = load();
      const nodeCpu0 = processCpuSeconds(node.process.pid!);
      const elu0 = performance.eventLoopUtilization();
      const thread0 = process.threadCpuUsage();
      const cpu0 = process.cpuUsage();
      const phaseStart = nowMs();
      let completed = 0;
      const progress = setInterval(() => log(`phase ${phase} (${side}): ${completed}/${TXS} mined`), 10_000);
      const profiler = CPU_PROFILE_DIR === undefined ? undefined : new Session();
      if (profiler !== undefined) {
        profiler.connect();
        await profiler.post("Profiler.enable");
        await profiler.post("Profiler.start");
      }
      await Promise.all(
        senders.map(async (sender, index) => {
          const menu = menuOf(plan, sender);
          let issued = 0;
          const lane = async () => {
            for (;;) {
              const i = issued++;
              if (i >= perSender[index]) return;
              const sample: Sample = { phase, sender, kind: "", start: nowMs() };
              own.push(sample);
              try {
                const onSent = (h: string) => {
                  sample.hash = h;
                  sample.sent = nowMs();
                };
                let receipt: Awaited<ReturnType<Operation["run"]>>["receipt"];
                if (recorded === undefined) {
                  const operation = menu[i % menu.length](argument(phase, i));
                  sample.kind = operation.kind;
                  receipt = (await operation.run(onSent)).receipt;
                } else {
                  const { kind, request, reads } = recorded[sender][i];
                  sample.kind = kind;
                  for (const read of reads) await ethersProvider.call({ ...read, from: actors[sender].address });
                  // Bare ethers: its NonceManager, populateTransaction, broadcastTransaction and wait; the same gas
                  // limit the SDK uses (so that neither side pays an estimate per transaction).
                  const response = await managers[sender].sendTransaction({ ...request, gasLimit: gasLimits.limit(request) });
                  onSent(response.hash);
                  const mined = await response.wait(1, 120_000);
                  if (mined === null) throw new Error("no receipt");
                  receipt = mined;
                }
                sample.done = nowMs();
                sample.block = receipt.blockNumber;
                sample.logs = receipt.logs.length;
                sample.emitters = {};
                for (const l of receipt.logs) sample.emitters[l.address.toLowerCase()] = (sample.emitters[l.address.toLowerCase()] ?? 0) + 1;
                if (receipt.status !== 1) sample.error = `status ${receipt.status}`;
              } catch (error) {
                sample.error = (error as Error).message.slice(0, 300);
              }
              completed++;
            }
          };
          await Promise.all(Array.from({ length: WINDOW }, lane));
        }),
      );
      const seconds = (nowMs() - phaseStart) / 1000;
      clearInterval(progress);
      if (profiler !== undefined) {
        const { profile } = await profiler.post("Profiler.stop");
        profiler.disconnect();
        await mkdir(CPU_PROFILE_DIR!, { recursive: true });
        await writeFile(join(CPU_PROFILE_DIR!, `phase-${phase}-${side}.cpuprofile`), JSON.stringify(profile));
      }
      const elu = performance.eventLoopUtilization(elu0);
      const thread = process.threadCpuUsage(thread0);
      const cpu = process.cpuUsage(cpu0);
      const nodeCpu = processCpuSeconds(node.process.pid!) - nodeCpu0;
      const rpc1 = rpcProvider.counters();
      const n = own.length;
      samples.push(...own);
      const byMethod = Object.fromEntries(
        Object.entries(rpc1.byMethod)
          .map(([method, count]) => [method, round((count - (rpc0.byMethod[method] ?? 0)) / n, 2)] as const)
          .filter(([, perTx]) => perTx > 0),
      );
      const summary = summarise(side, phase, seconds, own, {
        loadAverage: { before: loadBefore, after: load() },
        client: {
          mainThreadCpuMsPerTx: round((thread.user + thread.system) / 1000 / n, 3),
          processCpuMsPerTx: round((cpu.user + cpu.system) / 1000 / n, 3),
          busyMsPerTx: round(elu.active / n, 3),
          eventLoopUtilization: round(elu.utilization, 3),
        },
        nodeCpuMsPerTx: round((nodeCpu * 1000) / n, 3),
        rpc: {
          requestsPerTx: round((rpc1.requests - rpc0.requests) / n, 2),
          httpCallsPerTx: round((rpc1.httpCalls - rpc0.httpCalls) / n, 2),
          byMethodPerTx: byMethod,
        },
      });
      phases.push(summary);
      log(
        `phase ${phase} (${side}): ${summary.mined}/${n} mined in ${summary.seconds} s = ${summary.txPerSecond} tx/s, ` +
          `send->receipt p95 ${summary.latencyMs.sendToReceipt.p95} ms, main thread ${summary.client.mainThreadCpuMsPerTx} ms/tx, ` +
          `load ${summary.loadAverage.before[0]} -> ${summary.loadAverage.after[0]}`,
      );
      for (const failed of own.filter((s) => s.error !== undefined).slice(0, 3))
        log(`  failed: ${failed.sender} ${failed.kind}: ${failed.error}`);
    }

    const loadStart = nowMs();
    let phase = 0;
    for (let round = 0; round < ROUNDS; round++) for (const side of SIDES) await runPhase(side, phase++);
    const loadEnd = nowMs();
    log(`load done in ${((loadEnd - loadStart) / 1000).toFixed(1)} s; measuring indexing lag`);

    // Indexing lag: from the last receipt until the indexer has the last load block.
    const ok = samples.filter((s) => s.error === undefined);
    const lastBlock = Math.max(...ok.map((s) => s.block!));
    const firstBlock = Math.min(...ok.map((s) => s.block!));
    let status = await indexer.status();
    const lagBlocksAtEnd = Math.max(0, lastBlock - status.indexedBlock);
    while (status.indexedBlock < lastBlock) {
      await new Promise((r) => setTimeout(r, 10));
      status = await indexer.status();
    }
    const indexLagMs = nowMs() - loadEnd;
    if (MINING !== "auto") await rpc(node.url, "evm_setIntervalMining", [0]);
    log(`indexed to block ${lastBlock} ${indexLagMs.toFixed(0)} ms after the last receipt; verifying`);
    // Verification 1: scan every block of the run; each of our transactions exactly once, nothing else sent by them.
    const ours = new Map(ok.map((s) => [s.hash!.toLowerCase(), s]));
    const seen = new Map<string, number>();
    const nonces: Record<string, number[]> = Object.fromEntries(senders.map((s) => [s, []]));
    const bySender = new Map(senders.map((s) => [actors[s].address.toLowerCase(), s]));
    const endBlock = Number(await rpc<string>(node.url, "eth_blockNumber"));
    let blockTxs = 0;
    let foreign = 0;
    let fullestBlock = 0;
    for (let b = startBlock + 1; b <= endBlock; b++) {
      const block = await rpc<{ transactions: { hash: string; from: string; nonce: string }[] }>(node.url, "eth_getBlockByNumber", [`0x${b.toString(16)}`, true]);
      fullestBlock = Math.max(fullestBlock, block.transactions.length);
      for (const tx of block.transactions) {
        blockTxs++;
        const h = tx.hash.toLowerCase();
        seen.set(h, (seen.get(h) ?? 0) + 1);
        const sender = bySender.get(tx.from.toLowerCase());
        if (sender === undefined || !ours.has(h)) foreign++;
        if (sender !== undefined) nonces[sender].push(Number(tx.nonce));
      }
    }
    const duplicates = [...seen.values()].filter((n) => n > 1).length;
    const missing = [...ours.keys()].filter((h) => seen.get(h) !== 1).length;
    const nonceReport: Record<string, { sent: number; first: number; last: number; gaps: number; duplicates: number; nonceDelta: number }> = {};
    for (const sender of senders) {
      const list = [...nonces[sender]].sort((a, b) => a - b);
      let gaps = 0;
      let dups = 0;
      for (let i = 1; i < list.length; i++) {
        if (list[i] === list[i - 1]) dups++;
        else if (list[i] !== list[i - 1] + 1) gaps++;
      }
      if (list.length > 0 && list[0] !== startNonce[sender]) gaps++;
      const end = Number(await rpc<string>(node.url, "eth_getTransactionCount", [actors[sender].address, "latest"]));
      nonceReport[sender] = {
        sent: ok.filter((s) => s.sender === sender).length,
        first: list[0],
        last: list[list.length - 1],
        gaps,
        duplicates: dups,
        nonceDelta: end - startNonce[sender],
      };
    }
    const noncesOk = senders.every((s) => {
      const r = nonceReport[s];
      return r.gaps === 0 && r.duplicates === 0 && r.nonceDelta === r.sent;
    });

    // Verification 2: the indexer holds exactly the receipts' logs (the run's blocks hold only our transactions).
    // Compared per contract: the indexer only follows the contracts it has a projection for.
    const receiptLogs = ok.reduce((sum, s) => sum + s.logs!, 0);
    const nameOf = new Map(Object.entries(deployment.contracts).map(([name, c]) => [c.address.toLowerCase(), name]));
    const receiptLogsByContract: Record<string, number> = {};
    for (const s of ok) for (const [address, n] of Object.entries(s.emitters!)) {
      const name = nameOf.get(address) ?? address;
      receiptLogsByContract[name] = (receiptLogsByContract[name] ?? 0) + n;
    }
    const indexedByContract = await indexer.count(firstBlock, lastBlock);
    const indexedEvents = Object.values(indexedByContract).reduce((a, b) => a + b, 0);
    const followed = await indexedContracts();
    const expectedIndexed = Object.entries(receiptLogsByContract).filter(([name]) => followed.includes(name)).reduce((a, [, n]) => a + n, 0);
    const perContractMatch = Object.entries(receiptLogsByContract).every(([name, n]) => !followed.includes(name) || indexedByContract[name] === n);
    const notFollowed = Object.fromEntries(Object.entries(receiptLogsByContract).filter(([name]) => !followed.includes(name)));
    const api = (await (await fetch(`${indexer.url}/status`)).json()) as { indexedBlock: number; eventsTotal: number; lag: number };

    // The top-level figures are the SDK side's (all its phases); each phase, both sides, is in `phases`.
    const sideOf = (p: number) => phases.find((x) => x.phase === p)!.side;
    const sdkOk = ok.filter((s) => sideOf(s.phase) === "sdk");
    const sdkPhases = phases.filter((p) => p.side === "sdk");
    const ethersPhases = phases.filter((p) => p.side === "ethers");
    const sum = (list: typeof phases, f: (p: (typeof phases)[number]) => number) => list.reduce((a, p) => a + f(p), 0);
    const sideFigures = (list: typeof phases) =>
      list.length === 0
        ? null
        : {
            phases: list.length,
            txPerSecond: round(sum(list, (p) => p.mined) / sum(list, (p) => p.seconds)),
            sendToReceiptP95Ms: Math.max(...list.map((p) => p.latencyMs.sendToReceipt.p95)),
            mainThreadCpuMsPerTx: round(sum(list, (p) => p.client.mainThreadCpuMsPerTx * p.transactions) / sum(list, (p) => p.transactions), 3),
            processCpuMsPerTx: round(sum(list, (p) => p.client.processCpuMsPerTx * p.transactions) / sum(list, (p) => p.transactions), 3),
            rpcRequestsPerTx: round(sum(list, (p) => p.rpc.requestsPerTx * p.transactions) / sum(list, (p) => p.transactions), 2),
          };
    const sdkSide = sideFigures(sdkPhases);
    const ethersSide = sideFigures(ethersPhases);
    const kinds: Record<string, number> = {};
    for (const s of samples) kinds[s.kind] = (kinds[s.kind] ?? 0) + 1;
    const errors = samples.filter((s) => s.error !== undefined);
    const workerElu = indexer.worker.performance.eventLoopUtilization();
    const result = {
      date: new Date().toISOString(),
      machine,
      command: "node --import tsx scripts/bench/load.ts",
      size: BENCH_SIZE,
      node: "hardhat node (EDR, in-process), chain 1337, hardfork berlin, gas price 0",
      mining: MINING === "auto" ? "automine (one block per transaction)" : `interval mining every ${MINING} ms (automine off)`,
      senders: senders.length,
      inFlightPerSender: WINDOW,
      transactions: samples.length,
      transactionsPerPhase: TXS,
      mix: kinds,
      blocks: { first: firstBlock, last: lastBlock, count: lastBlock - firstBlock + 1, fullest: fullestBlock },
      throughput: { seconds: round(sum(sdkPhases, (p) => p.seconds), 2), txPerSecond: sdkSide?.txPerSecond ?? 0 },
      latencyMs: {
        callToReceipt: latencySummary(sdkOk.map((s) => s.done! - s.start)),
        sendToReceipt: latencySummary(sdkOk.map((s) => s.done! - s.sent!)),
        callToSent: latencySummary(sdkOk.map((s) => s.sent! - s.start)),
      },
      client: {
        mainThreadCpuMsPerTx: sdkSide?.mainThreadCpuMsPerTx ?? 0,
        cpuMsPerTx: sdkSide?.processCpuMsPerTx ?? 0,
        busyMsPerTx: round(sum(sdkPhases, (p) => p.client.busyMsPerTx * p.transactions) / Math.max(1, sum(sdkPhases, (p) => p.transactions)), 3),
        eventLoopUtilization: round(sum(sdkPhases, (p) => p.client.eventLoopUtilization) / Math.max(1, sdkPhases.length), 3),
        note: "SDK phases. mainThreadCpu = the load generator's thread CPU (process.threadCpuUsage); cpu = the whole client process incl. the indexer thread; busy = event-loop active time (wall clock: on a loaded machine it includes time the thread waited for a core)",
      },
      sideBySide: {
        sdk: sdkSide,
        ethers: ethersSide,
        sdkToEthersThroughput: sdkSide && ethersSide ? round(sdkSide.txPerSecond / ethersSide.txPerSecond, 2) : null,
        ethersSide: "ethers 6 Wallet + NonceManager on its own JsonRpcProvider (same options): the SDK's calldata recorded before the phase (and the reads an operation makes first: the logged query's page, eth_call), sent with sendTransaction({ to, data, gasLimit }) and awaited with wait(1, 120 s)",
      },
      phases,
      nodeCpuMsPerTx: round(sum(sdkPhases, (p) => p.nodeCpuMsPerTx * p.transactions) / Math.max(1, sum(sdkPhases, (p) => p.transactions)), 3),
      indexer: {
        eventLoopUtilizationOverall: round(workerElu.utilization, 3),
        lagBlocksAtLastReceipt: lagBlocksAtEnd,
        lagMsAfterLastReceipt: round(indexLagMs),
        pollIntervalMs: POLL_INTERVAL_MS,
      },
      verification: {
        mined: ok.length,
        errors: errors.length,
        firstErrors: errors.slice(0, 5).map((e) => `${e.sender} ${e.kind}: ${e.error}`),
        blockTransactions: blockTxs,
        foreignTransactions: foreign,
        duplicateHashes: duplicates,
        notMinedExactlyOnce: missing,
        noncesContiguous: noncesOk,
        nonces: nonceReport,
        receiptLogs,
        receiptLogsByContract,
        indexerFollows: followed,
        expectedIndexed,
        indexedEvents,
        indexedByContract,
        notFollowedByIndexer: notFollowed,
        apiStatus: api,
        followedIndexed: perContractMatch && indexedEvents === expectedIndexed,
        allIndexed: indexedEvents === receiptLogs,
      },
    };
    const passed = errors.length === 0 && duplicates === 0 && missing === 0 && foreign === 0 && noncesOk && result.verification.followedIndexed && blockTxs === samples.length;
    const goals = goalCheck(result, passed);
    await writeJsonReport("load.json", { ...result, goals });
    process.stdout.write(`${JSON.stringify({ ...result, goals }, null, 2)}\n`);
    process.stderr.write(goals.text);
    if (!passed) {
      log("VERIFICATION FAILED");
      process.exitCode = 1;
    } else
      log(
        `verified: every transaction mined once, nonces contiguous, no revert, every event of the followed contracts indexed` +
          (result.verification.allIndexed ? "" : ` (NOT followed by the indexer: ${JSON.stringify(notFollowed)})`),
      );
  } finally {
    for (const p of providers) p.destroy();
    await indexer?.stop().catch(() => {});
    await node.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Issue 17's goals for the load run, checked against this run's own figures (printed at the end; in load.json). */
function goalCheck(
  result: {
    mining: string;
    sideBySide: {
      sdk: { txPerSecond: number; sendToReceiptP95Ms: number; mainThreadCpuMsPerTx: number } | null;
      ethers: { txPerSecond: number } | null;
      sdkToEthersThroughput: number | null;
    };
    phases: { loadAverage: { before: number[]; after: number[] } }[];
    verification: { mined: number };
    transactions: number;
  },
  verified: boolean,
) {
  const sdk = result.sideBySide.sdk;
  const period = MINING === "auto" ? NaN : Number(MINING);
  const loads = result.phases.flatMap((p) => [p.loadAverage.before[0], p.loadAverage.after[0]]);
  const rows = [
    {
      goal: "SDK sustains >= 200 business tx/s at 1 s blocks",
      value: sdk === null ? "no SDK phase" : `${sdk.txPerSecond} tx/s`,
      met: sdk !== null && period === 1000 && sdk.txPerSecond >= 200,
    },
    {
      goal: "p95 send->receipt <= 2 block periods",
      value: sdk === null ? "-" : `${sdk.sendToReceiptP95Ms} ms (${round(sdk.sendToReceiptP95Ms / period, 2)} periods)`,
      met: sdk !== null && sdk.sendToReceiptP95Ms <= 2 * period,
    },
    {
      goal: "nothing lost or duplicated (verified)",
      value: `${result.verification.mined} of ${result.transactions} mined once`,
      met: verified,
    },
    {
      goal: "client CPU <= 3 ms per transaction (main thread)",
      value: sdk === null ? "-" : `${sdk.mainThreadCpuMsPerTx} ms`,
      met: sdk !== null && sdk.mainThreadCpuMsPerTx <= 3,
    },
    {
      goal: "SDK >= 0.9x bare ethers (throughput, same run)",
      value:
        result.sideBySide.sdkToEthersThroughput === null
          ? "no ethers phase"
          : `${result.sideBySide.sdkToEthersThroughput}x (${sdk?.txPerSecond} / ${result.sideBySide.ethers?.txPerSecond} tx/s)`,
      met: (result.sideBySide.sdkToEthersThroughput ?? 0) >= 0.9,
    },
  ];
  const width = Math.max(...rows.map((r) => r.goal.length));
  const text =
    `\nGoal check (issue 17), ${result.mining}, load average (1 min) ${Math.min(...loads)}-${Math.max(...loads)} ` +
    `on ${cpus().length} cores:\n` +
    rows.map((r) => `  ${r.met ? "MET    " : "NOT MET"}  ${r.goal.padEnd(width)}  ${r.value}\n`).join("") +
    (period === 1000 ? "" : `  (the throughput goal is for MINING=1000; this run: MINING=${MINING})\n`);
  return { rows, allMet: rows.every((r) => r.met), text };
}

/** Contract names the indexer's projections follow (the others' logs are not indexed). */
async function indexedContracts(): Promise<string[]> {
  const projections = await loadProjections();
  return [...new Set(projections.flatMap((p) => Object.keys(p.contracts)))];
}

if (isMainThread) await main();
else await indexerWorker();
