import { writeFileSync } from "node:fs";
import { keccak256, toUtf8Bytes, ZeroAddress, ZeroHash, AbiCoder, MaxUint256 } from "ethers";
import {
  ForfaitingMarket__factory,
  InterbankPositions__factory,
  ConsortiumCalendar__factory,
  LcPresentationChecks__factory,
  DepositToken__factory,
  LetterOfCredit__factory,
  type ForfaitingMarket,
  type InterbankPositions,
  type LetterOfCredit,
} from "@consortia/sdk/typechain";
import { rpc } from "../helpers/node-process.js";
import { indexerFeed } from "../../src/api/feed.js";
import { buildApi, loadRoutes } from "../../src/api/server.js";
import { indexerStatus } from "../../src/api/status.js";
import { catchUp, createIndexer, indexerOptions, testStores } from "./harness.js";
import { passProposal, startChain, type TestChain } from "./chain.js";
import { deployProxy } from "../helpers/upgradeable.js";

/** Letters of credit, interbank positions and the forfaiting market deployed on a test chain. */
export interface TradeFinance {
  lc: LetterOfCredit;
  positions: InterbankPositions;
  market: ForfaitingMarket;
  addresses: { lc: string; positions: string; market: string };
}

/** What the scenario created, for the tests to look up. */
export interface TradeFinanceScenario {
  /** Sight LC with nominated bankB: amended, three presentations (paid, waived + refused, refused), cancelled. */
  sightLc: bigint;
  /** Deferred LC from an application: one presentation accepted as a claim, traded twice, paid at maturity. */
  deferredLc: bigint;
  declinedLc: bigint;
  expiredLc: bigint;
  /** The sight LC's three presentations. */
  paidPresentation: bigint;
  waivedPresentation: bigint;
  refusedPresentation: bigint;
  /** The deferred LC's claim. */
  claimId: bigint;
  maturity: bigint;
  /** Offers: open-quote sale bankB → bankC, sealed sale bankC → bankB, withdrawn, still open. */
  openOffer: bigint;
  sealedOffer: bigint;
  withdrawnOffer: bigint;
  pendingOffer: bigint;
  nettingRun: bigint;
  /** A netting run that excluded bankB (7,000 short, no allowance) and settled bankA's 9,000 to bankC. */
  shortRun: bigint;
  /** Currency 840 (USD), mapped by governance to a second deposit token. */
  usdToken: string;
  /** USD obligations: bankA owes bankC 3,000 and bankB owes bankA 1,000, netted in `usdRun` (in USD only). */
  usdObligations: bigint[];
  usdRun: bigint;
  /** Block of the first claim trade. */
  firstTradeBlock: number;
  lastBlock: number;
}

const DAY = 86_400n;
const CNY = "0x434e59";
/** ISO 4217 numeric code of the scenario's second interbank currency. */
const USD = 840;
const hash = (text: string) => keccak256(toUtf8Bytes(text));
const kindMask = (...kinds: number[]) => kinds.reduce((mask, k) => mask | (1 << k), 0);
const docs = (tag: string) =>
  [2, 4, 5].map((kind) => ({ contentHash: hash(`${tag}-doc-${kind}`), uriHash: hash(`${tag}-uri-${kind}`), kind }));

async function latest(chain: TestChain): Promise<bigint> {
  const block = await chain.provider.getBlock("latest");
  return BigInt(block!.timestamp);
}

async function travel(chain: TestChain, seconds: bigint): Promise<void> {
  await rpc(chain.url, "evm_increaseTime", [Number(seconds)]);
  await rpc(chain.url, "evm_mine");
}

/** Deploys the three contracts, registers them as system contracts and adds them to the deployments file. */
export async function deployTradeFinance(chain: TestChain): Promise<TradeFinance> {
  const { deployer, registry, token, ledger } = chain;
  const positions = await deployProxy(
    await new InterbankPositions__factory(deployer).deploy(registry, token, ledger),
    [],
    deployer,
  );
  await positions.waitForDeployment();
  // the examination clock's banking days (UTC+8)
  const calendar = await deployProxy(
    await new ConsortiumCalendar__factory(deployer).deploy(registry),
    [8 * 3600],
    deployer,
  );
  const checks = await deployProxy(
    await new LcPresentationChecks__factory(deployer).deploy(registry, ZeroAddress),
    [],
    deployer,
  );
  await checks.waitForDeployment();
  const lc = await deployProxy(
    await new LetterOfCredit__factory(deployer).deploy(registry, token, ledger, positions, CNY, checks),
    [await calendar.getAddress()],
    deployer,
  );
  await lc.waitForDeployment();
  const market = await deployProxy(
    await new ForfaitingMarket__factory(deployer).deploy(registry, token, ledger, chain.freezeOrders, ZeroAddress),
    [[await lc.getAddress()]],
    deployer,
  );
  await market.waitForDeployment();
  const block = (await positions.deploymentTransaction()!.wait())!.blockNumber;
  const addresses = {
    lc: await lc.getAddress(),
    positions: await positions.getAddress(),
    market: await market.getAddress(),
  };
  const registryAddress = await registry.getAddress();
  for (const address of Object.values(addresses)) {
    await passProposal(
      chain,
      registryAddress,
      registry.interface.encodeFunctionData("setSystemContract", [address, true]),
      `system ${address}`,
    );
  }
  chain.deployments.contracts.InterbankPositions = { address: addresses.positions, block };
  chain.deployments.contracts.LetterOfCredit = { address: addresses.lc, block };
  chain.deployments.contracts.LcPresentationChecks = { address: await checks.getAddress(), block };
  chain.deployments.contracts.ForfaitingMarket = { address: addresses.market, block };
  writeFileSync(chain.deploymentsPath, JSON.stringify(chain.deployments, null, 2));
  return { lc, positions, market, addresses };
}

/**
 * A scripted scenario over every event of LetterOfCredit, InterbankPositions and ForfaitingMarket: LCs issued and
 * applied for, amended, presented, examined, waived, refused, paid, accepted, cancelled, declined and expired; credit
 * lines, obligations settled, released and netted; an accepted claim traded twice (open quotes, then sealed quotes)
 * and paid to its last holder at maturity.
 */
export async function tradeFinanceScenario(chain: TestChain, apps: TradeFinance): Promise<TradeFinanceScenario> {
  const { accounts, ids, token } = chain;
  const { bankA, bankB, bankC, core, supplier1 } = accounts;
  // The node automines: a transaction is mined when eth_sendTransaction answers (no receipt polling needed).
  const send = async (tx: Promise<unknown>) => {
    await tx;
  };
  const lcA = apps.lc.connect(bankA);
  const lcB = apps.lc.connect(bankB);
  const lcS = apps.lc.connect(supplier1);
  const lcCore = apps.lc.connect(core);

  for (const bank of [bankA, bankB, bankC]) {
    await send(token.connect(bankA).mint(bank.address, 10_000_000n));
    for (const spender of Object.values(apps.addresses)) await send(token.connect(bank).approve(spender, MaxUint256));
    await send(apps.positions.connect(bank).setSettlementAccount(bank.address));
  }
  await send(apps.positions.connect(bankB).setCreditLine(ids.bankA, 500_000n));
  await send(apps.positions.connect(bankA).setCreditLine(ids.bankB, 300_000n));
  await send(apps.positions.connect(bankC).setCreditLine(ids.bankA, 100_000n));
  await send(apps.positions.connect(bankC).setCreditLine(ids.bankA, 200_000n));

  const now = await latest(chain);
  const terms = (overrides: Record<string, unknown> = {}) => ({
    advisingBank: bankB.address,
    nominatedBank: ZeroAddress,
    beneficiary: supplier1.address,
    amount: 100_000n,
    currency: CNY,
    tolerancePlus: 5,
    toleranceMinus: 5,
    expiry: now + 200n * DAY,
    latestShipment: now + 60n * DAY,
    deferred: false,
    tenorDays: 0,
    partialDrawings: true,
    requiredDocuments: kindMask(2, 4, 5),
    termsHash: hash("terms v1"),
    ...overrides,
  });
  const nextLc = async () => (await apps.lc.letterOfCreditCount()) + 1n;

  // Sight LC, nominated (and confirming) bankB.
  const sightLc = await nextLc();
  await send(lcA.issue(core.address, terms({ nominatedBank: bankB.address })));
  await send(lcB.advise(sightLc));
  await send(lcS.acknowledge(sightLc));
  await send(lcB.confirm(sightLc));
  const amendment = {
    amount: 120_000n,
    expiry: now + 210n * DAY,
    latestShipment: now + 70n * DAY,
    termsHash: hash("terms v2"),
  };
  await send(lcA.proposeAmendment(sightLc, amendment));
  await send(lcS.acceptAmendment(sightLc, amendment));
  await send(lcA.proposeAmendment(sightLc, { ...amendment, amount: 150_000n, termsHash: hash("terms v3") }));
  await send(lcS.rejectAmendment(sightLc));
  const present = async (lcId: bigint, amount: bigint, tag: string) => {
    const id = await lcS.present.staticCall(lcId, amount, docs(tag));
    await send(lcS.present(lcId, amount, docs(tag)));
    return id;
  };
  const paidPresentation = await present(sightLc, 40_000n, "p1");
  await send(lcB.examine(paidPresentation, []));
  await send(lcB.pay(paidPresentation, ZeroHash));
  const waivedPresentation = await present(sightLc, 30_000n, "p2");
  await send(lcB.examine(waivedPresentation, [hash("late shipment")]));
  await send(lcCore.waiveDiscrepancies(waivedPresentation));
  // the bank does not accept the waiver: its one notice returns the documents (UCP 600 art. 16c)
  await send(lcB.refuse(waivedPresentation, [hash("late shipment")], hash("refusal notice 2"), false));
  const refusedPresentation = await present(sightLc, 20_000n, "p3");
  await send(lcB.examine(refusedPresentation, [hash("missing insurance"), hash("amount mismatch")]));
  // held pending the applicant's waiver, which does not come: the bank returns the documents
  const notice3 = [hash("missing insurance"), hash("amount mismatch")];
  await send(lcB.refuse(refusedPresentation, notice3, hash("refusal notice 3"), true));
  await send(lcB.returnDocuments(refusedPresentation));
  await send(lcA.requestCancellation(sightLc));
  await send(lcS.rejectCancellation(sightLc));
  await send(lcA.requestCancellation(sightLc));
  await send(lcS.consentToCancellation(sightLc));

  // Deferred LC from an application; its one presentation becomes a claim on bankA.
  const deferredLc = await nextLc();
  await send(
    lcCore.submitApplication(
      bankA.address,
      terms({ deferred: true, tenorDays: 120, partialDrawings: false, termsHash: hash("deferred terms") }),
    ),
  );
  await send(lcA.approveApplication(deferredLc));
  await send(lcB.advise(deferredLc));
  await send(lcS.acknowledge(deferredLc));
  const claimId = await present(deferredLc, 100_000n, "d1");
  await send(lcA.examine(claimId, []));
  const maturity = (await latest(chain)) + 90n * DAY;
  await send(lcA.accept(claimId, maturity));
  await send(lcS.approveClaim(claimId, bankA.address));
  await send(lcS.approveClaim(claimId, ZeroAddress));
  await send(lcS.transferClaim(claimId, bankB.address));

  // An application declined, and an LC left to expire.
  const declinedLc = await nextLc();
  await send(lcCore.submitApplication(bankA.address, terms({ termsHash: hash("declined terms") })));
  await send(lcA.declineApplication(declinedLc, hash("no collateral")));
  const expiredLc = await nextLc();
  await send(lcA.issue(core.address, terms({ expiry: now + 10n * DAY, latestShipment: now + 5n * DAY })));

  // Interbank positions: gross settlement, release, netting (with the reimbursement the sight payment recorded).
  const nowObl = await latest(chain);
  const record = async (signer: typeof bankA, creditor: number, amount: bigint, purpose: string) => {
    const id = await apps.positions
      .connect(signer)
      .recordObligation.staticCall(creditor, amount, nowObl, hash(purpose));
    await send(apps.positions.connect(signer).recordObligation(creditor, amount, nowObl, hash(purpose)));
    return id;
  };
  const settled = await record(bankB, ids.bankA, 5_000n, "settled");
  await send(apps.positions.connect(bankB).settleObligation(settled, ZeroHash));
  const released = await record(bankB, ids.bankA, 6_000n, "released");
  await send(apps.positions.connect(bankA).releaseObligation(released));
  const aOwesC = await record(bankA, ids.bankC, 25_000n, "a owes c");
  const bOwesA = await record(bankB, ids.bankA, 15_000n, "b owes a");
  const leftOpen = await record(bankB, ids.bankA, 7_000n, "left open");
  const reimbursement = 1n; // the sight payment's reimbursement: bankA owes bankB 40,000
  await send(apps.positions.connect(bankC).runNetting([reimbursement, aOwesC, bOwesA]));
  const nettingRun = await apps.positions.nettingRunCount();
  // A second run excludes bankB: with no allowance it cannot pay its 7,000, so that obligation stays open and only
  // bankA's 9,000 to bankC settles.
  const aOwesCAgain = await record(bankA, ids.bankC, 9_000n, "a owes c again");
  await send(token.connect(bankB).approve(apps.addresses.positions, 0n));
  await send(apps.positions.connect(bankA).runNetting([leftOpen, aOwesCAgain]));
  await send(token.connect(bankB).approve(apps.addresses.positions, MaxUint256));
  const shortRun = await apps.positions.nettingRunCount();
  // Positions per currency: a second deposit token mapped to USD (840) by governance; USD obligations net apart.
  const usd = await deployProxy(
    await new DepositToken__factory(chain.deployer).deploy(chain.registry, chain.freezeOrders),
    ["Consortia Deposit USD", "dUSD", 2],
    chain.deployer,
  );
  await usd.waitForDeployment();
  const usdToken = await usd.getAddress();
  await passProposal(
    chain,
    apps.addresses.positions,
    apps.positions.interface.encodeFunctionData("setCurrencyToken", [USD, usdToken]),
    "map USD",
  );
  for (const bank of [bankA, bankB, bankC]) {
    await send(usd.connect(bankA).mint(bank.address, 100_000n));
    await send(usd.connect(bank).approve(apps.addresses.positions, MaxUint256));
  }
  const recordUsd = async (signer: typeof bankA, creditor: number, amount: bigint, purpose: string) => {
    const id = (await apps.positions.obligationCount()) + 1n;
    await send(apps.positions.connect(signer).recordObligationIn(USD, creditor, amount, nowObl, hash(purpose)));
    return id;
  };
  const usdObligations = [
    await recordUsd(bankA, ids.bankC, 3_000n, "usd a owes c"),
    await recordUsd(bankB, ids.bankA, 1_000n, "usd b owes a"),
  ];
  await send(apps.positions.connect(bankA).runNetting(usdObligations));
  const usdRun = await apps.positions.nettingRunCount();

  // Forfaiting: bankB sells the claim to bankC on open quotes; bankA (the obligor) acknowledges the notice.
  const { market } = apps;
  const announce = async (signer: typeof bankA, deadline: bigint, revealPeriod: number, tag: string) => {
    const announcement = {
      asset: apps.addresses.lc,
      claimId,
      askingPrice: 98_000n,
      askingDiscountBps: 250,
      askingTermsHash: hash(`asking ${tag}`),
      quoteDeadline: deadline,
      revealPeriod,
      documents: [{ contentHash: hash(`draft ${tag}`), uriHash: hash(`vault ${tag}`), kind: 255 }],
    };
    const id = await market.connect(signer).announce.staticCall(announcement);
    await send(market.connect(signer).announce(announcement));
    return id;
  };
  let t = await latest(chain);
  const openOffer = await announce(bankB, t + 2n * DAY, 0, "open");
  await send(market.connect(bankC).quote(openOffer, 97_000n));
  await send(market.connect(bankA).quote(openOffer, 96_000n));
  await send(market.connect(bankA).withdrawQuote(openOffer));
  await send(market.connect(bankA).quote(openOffer, 96_500n));
  await send(lcB.approveClaim(claimId, apps.addresses.market));
  const trade1 = await market
    .connect(bankB)
    .acceptQuote(openOffer, bankC.address, hash("deed 1"), hash("notice 1"), ZeroHash);
  const firstTradeBlock = (await chain.provider.getTransactionReceipt(trade1.hash))!.blockNumber;
  await send(market.connect(bankA).acknowledgeNotice(openOffer, hash("notice 1")));

  // bankC resells on sealed quotes to bankB, paid off chain; the notice stays unacknowledged.
  t = await latest(chain);
  const sealedOffer = await announce(bankC, t + DAY, Number(DAY), "sealed");
  const commit = (offer: bigint, bidder: string, price: bigint, salt: string) =>
    keccak256(
      AbiCoder.defaultAbiCoder().encode(["uint256", "address", "uint128", "bytes32"], [offer, bidder, price, salt]),
    );
  await send(market.connect(bankA).commitQuote(sealedOffer, commit(sealedOffer, bankA.address, 95_000n, hash("sa"))));
  await send(market.connect(bankB).commitQuote(sealedOffer, commit(sealedOffer, bankB.address, 97_500n, hash("sb"))));
  await travel(chain, DAY + 1n);
  await send(market.connect(bankA).revealQuote(sealedOffer, 95_000n, hash("sa")));
  await send(market.connect(bankB).revealQuote(sealedOffer, 97_500n, hash("sb")));
  await travel(chain, DAY);
  await send(apps.lc.connect(bankC).approveClaim(claimId, apps.addresses.market));
  await send(
    market.connect(bankC).acceptQuote(sealedOffer, bankB.address, hash("deed 2"), hash("notice 2"), hash("MT103-ff")),
  );

  // bankB announces again and withdraws; then announces once more and leaves it open with a quote.
  t = await latest(chain);
  const withdrawnOffer = await announce(bankB, t + 5n * DAY, 0, "withdrawn");
  await send(market.connect(bankC).quote(withdrawnOffer, 90_000n));
  await send(market.connect(bankB).withdrawOffer(withdrawnOffer));
  const pendingOffer = await announce(bankB, t + 20n * DAY, 0, "pending");
  await send(market.connect(bankA).quote(pendingOffer, 96_000n));

  // Maturity: bankA pays the claim's holder (bankB); the short LC has expired by then.
  await travel(chain, maturity - (await latest(chain)));
  await send(lcA.pay(claimId, ZeroHash));
  await send(lcCore.expire(expiredLc));
  return {
    sightLc,
    deferredLc,
    declinedLc,
    expiredLc,
    paidPresentation,
    waivedPresentation,
    refusedPresentation,
    claimId,
    maturity,
    openOffer,
    sealedOffer,
    withdrawnOffer,
    pendingOffer,
    nettingRun,
    shortRun,
    usdToken,
    usdObligations,
    usdRun,
    firstTradeBlock,
    lastBlock: Number(await rpc<string>(chain.url, "eth_blockNumber")),
  };
}

/** A chain with the trade-finance scenario, indexed, and the API over it (no bearer token). */
export interface TradeFinanceApi {
  chain: TestChain;
  apps: TradeFinance;
  scenario: TradeFinanceScenario;
  url: string;
  /** GET a path: status and parsed body. */
  get(path: string): Promise<{ status: number; body: any }>;
  /** GET a path that must answer 200. */
  ok(path: string): Promise<any>;
  stop(): Promise<void>;
}

/**
 * Starts a chain, runs the scenario, indexes it into a fresh store (PostgreSQL when DATABASE_URL is set, else an
 * in-memory PGlite from the harness's template: no initdb per test file) and serves the API over it.
 */
export async function startTradeFinanceApi(): Promise<TradeFinanceApi> {
  const chain = await startChain();
  const apps = await deployTradeFinance(chain);
  const scenario = await tradeFinanceScenario(chain, apps);
  const store = testStores().at(-1)!;
  const db = await store.open();
  const indexer = await createIndexer(db, chain.deployments, indexerOptions(chain.url));
  await catchUp(indexer);
  const feed = indexerFeed(indexer);
  const api = await buildApi({ auth: "off", db, status: indexerStatus(indexer), feed, routes: await loadRoutes() });
  const url = await api.listen({ host: "127.0.0.1", port: 0 });
  const get = async (path: string) => {
    const response = await fetch(url + path);
    const text = await response.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: response.status, body };
  };
  return {
    chain,
    apps,
    scenario,
    url,
    get,
    async ok(path: string) {
      const { status, body } = await get(path);
      if (status !== 200) throw new Error(`${path}: ${status} ${JSON.stringify(body)}`);
      return body;
    },
    async stop() {
      await api.close();
      feed.close();
      await db.close();
      await store.cleanup();
      await chain.stop();
    },
  };
}
