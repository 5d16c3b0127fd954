/**
 * The demo scenario: a realistic story through every application of the suite, over a real JSON-RPC node, with the
 * demo consortium of `./consortium.ts` (seeded by the deploy command from `writeDemoFounders`).
 *
 * Each story is one function over a shared context; `STORIES` runs them in order. Adding an application is one more
 * function in that list (see `receivablesStory`). Every step logs one human line.
 *
 * Made for a fresh chain seeded with the demo founders (it checks that each demo account is the expected member). Ids
 * are read from the chain (`staticCall` before each create), never assumed, so a second run on the same chain tells
 * the story again with new ids. Each member sends through the SDK's nonce manager (`ManagedSigner`), one step after the
 * other, so transactions reach the node in nonce order.
 * On the local dev chain (chain id 1337) the scenario moves time forward (`evm_increaseTime`) for sealed quotes and
 * maturities; on any other chain those steps are skipped.
 */
import { join } from "node:path";
import {
  AbiCoder,
  JsonRpcProvider,
  keccak256,
  Wallet,
  ZeroAddress,
  ZeroHash,
  type ContractTransactionResponse,
} from "ethers";
import {
  type Consortia,
  createConsortia,
  createFileSystemPayloadStore,
  type Deployment,
  deriveDocumentKey,
  DocumentAlreadyFinancedError,
  deriveSubjectKey,
  DocumentKind,
  documentKind,
  documentRef,
  type DocumentRef,
  type Envelope,
  type FinancingQuoteTerms,
  type Hex,
  envelopeHash,
  hashCanonicalJson,
  hashUtf8,
  keyedTermHash,
  type JsonValue,
  MemberKind,
  openEnvelope,
  type PayloadStore,
  Roles,
  sealEnvelope,
  toContractError,
  yearWorkingDays,
} from "@consortia/sdk";
import { datasetPath, gatewayDomain, requestDigest, signDataRequest, type DataRequest } from "../gateway/request.js";
import {
  ConsortiumRegistry__factory,
  CreditBlacklist__factory,
  DataSharing__factory,
  ECertificates__factory,
  ForfaitingMarket__factory,
  BankGuarantees__factory,
  InterbankPositions__factory,
  LetterOfCredit__factory,
} from "@consortia/sdk/typechain";
import {
  DEMO_CONSORTIUM_KEY,
  DEMO_MEMBER_KEYS,
  demoConsortium,
  usccOf,
  type DemoMember,
  type DemoMemberKey,
} from "./consortium.js";
import { interbankCurrenciesStory, type DemoCurrenciesResult } from "./currencies.js";

/** The local dev chain of `npm start` (hardhat.config.ts): the only chain whose clock the scenario moves. */
export const DEV_CHAIN_ID = 1337;
export const DAY = 86_400;
/** "CNY" as the contracts' bytes3 currency code. */
export const CNY = "0x434e59";

export interface DemoScenarioOptions {
  /** JSON-RPC URL of the node. */
  rpcUrl: string;
  /** The suite's deployment on that node (deployments/<chainId>.json), seeded with `demoFounders()`. */
  deployment: Deployment;
  /** Receives one human line per step (default: none). */
  log?: (line: string) => void;
  /** Where sealed payloads are kept (a content-addressed store; default `data/payloads`). */
  dataDir?: string;
  /**
   * Whether to move the clock for sealed quotes and maturities (default true). Only ever on the dev chain (chain id
   * 1337): elsewhere the scenario takes open quotes and leaves the drafts unpaid, whatever this says.
   */
  timeTravel?: boolean;
}

/** Ids the scenario created, for tests and for the example queries `npm start` prints. */
export interface DemoScenarioResult {
  chainId: number;
  /** Whether the chain's clock was moved (sealed quotes revealed, maturities paid). */
  timeTravel: boolean;
  steps: number;
  credit: {
    subjectKey: string;
    entryNumber: number;
    consentHash: string;
    payloadHash: string;
    queryTx: string;
    /** The credit agency's dispute of the entry, which the regulator resolved (upheld: the entry stays Active). */
    disputeReasonHash: string;
  };
  dataSharing: {
    datasetId: bigint;
    grantId: bigint;
    accessId: string;
    resultHash: string;
    certificateId: bigint;
    replacementId: bigint;
    /** Member kinds (bit per IConsortiumRegistry.MemberKind) the dataset's automatic grant policy admits. */
    autoGrantMemberKinds: number;
    /** Purpose hashes the dataset's automatic grant policy allows (what its consumers declare). */
    autoGrantPurposes: string[];
  };
  lettersOfCredit: {
    lcId: bigint;
    discrepantPresentationId: bigint;
    compliantPresentationId: bigint;
    /** Dev chain only: the presentation whose bank let the examination deadline pass (UCP 600 art. 16f). */
    precludedPresentationId?: bigint;
    maturity: number;
    obligationIds: bigint[];
    nettingRun: bigint;
    /** An obligation outside the netting run, settled off chain (recorded in the PaymentLedger) by its debtor. */
    offChainObligationId: bigint;
    offChainReference: string;
  };
  forfaiting: { offerId: bigint; claimId: bigint; buyer: DemoMemberKey; price: bigint; paidAtMaturity: boolean };
  guarantees: { guaranteeId: bigint; referenceId: string; claimIndex: bigint };
  /** USD obligations netted in their own run, apart from the CNY run (issue 19: positions per currency). */
  interbankCurrencies: DemoCurrenciesResult;
  receivables: DemoReceivablesResult;
  recourse: DemoRecourseResult;
  governance: DemoGovernanceResult;
  approvals: DemoApprovalsResult;
  freeze: DemoFreezeResult;
  /** Every deal envelope the scenario sealed (terms, notices, demands): the chain holds only their hashes. */
  deals: DemoDealEnvelope[];
}

/**
 * A deal's terms sealed in an envelope (format v2) for the deal's parties and the regulator; the chain keeps only
 * `payloadHash` (as the deal's terms hash, notice hash, demand hash...), the store keeps the envelope at `location`.
 */
export interface DemoDealEnvelope {
  application: "letters-of-credit" | "forfaiting" | "guarantees";
  /** What the envelope holds ("LC terms", "refusal notice", ...). */
  what: string;
  payloadHash: Hex;
  location: Hex;
  /** The member ids whose keys the data key is wrapped for (the parties, then the regulator). */
  readers: number[];
  /** The sealed terms, for tests (never on chain). */
  terms: JsonValue;
}

/** The freeze order the scenario executed by a vote on part of a bank's deposits, and released by a second vote. */
export interface DemoFreezeResult {
  orderId: bigint;
  /** The frozen value (minor units) of `target`'s deposit tokens. */
  frozen: bigint;
  target: string;
  /** Whether a transfer touching the frozen value was refused (AssetFrozen). */
  moveRefused: boolean;
  freezeProposalId: bigint;
  releaseProposalId: bigint;
}

/** The approvals story: the process voted, the licence case approved, the case left waiting past a deadline. */
export interface DemoApprovalsResult {
  processId: number;
  caseId: bigint;
  certificateId: bigint;
  overdueCaseId: bigint;
  /** Whether the Tax Bureau's step of `overdueCaseId` is overdue (the dev chain's clock moved). */
  overdue: boolean;
}

/** What the consortium's own governance did in the scenario. */
export interface DemoGovernanceResult {
  /** Huaxin Bank's validator node (keccak256 of its enode URL) and whether this run registered it (a rerun finds it). */
  nodeId: string;
  nodeRegistered: boolean;
  /** The application paused and unpaused by two voted proposals; it ends unpaused. */
  pausedContract: string;
  pauseProposalId: bigint;
  unpauseProposalId: bigint;
}

/**
 * A receivable sold on with recourse twice, unpaid at maturity, and traced back to the seller (issue 20): the
 * certificate's last buyer claims from the bank it bought from, which pays and claims in turn from the supplier.
 */
export interface DemoRecourseResult {
  receivableId: bigint;
  /** The supplier's certificate, and the split of it sold to the first bank. */
  rootTokenId: bigint;
  soldTokenId: bigint;
  /** The supplier's sale to the first bank and that bank's sale to the second (both with recourse). */
  saleIds: [bigint, bigint];
  value: bigint;
  prices: [bigint, bigint];
  /** The claims, last buyer's first; empty when the clock could not move to maturity. */
  claimIds: bigint[];
  /** Who holds the sold certificate at the end (the supplier once the default is traced back to it). */
  holder: DemoMemberKey;
}

/** The receivable the scenario financed down Huaxia Motors' supply chain. */
export interface DemoReceivablesResult {
  receivableId: bigint;
  invoiceNumber: string;
  /** The invoice's keyed id in the register of financed documents. */
  invoiceKey: string;
  /** Whether a second financing of the same invoice was refused. */
  doubleFinancingRefused: boolean;
  faceValue: bigint;
  /** Tier 1 (Jiangnan Precision), tier 2 (Hengtai Steel, with sign-off), tier 3 (Haitong Logistics, discounted). */
  rootTokenId: bigint;
  tier2TokenId: bigint;
  tier3TokenId: bigint;
  discountOfferId: bigint;
  discountPrice: bigint;
  pledgeId: bigint;
  /** The bank Huaxia Motors named to settle its receivables off chain (member id). */
  payingBank: number;
  /** Huaxin Bank's issuance limit for Huaxia Motors, set before the confirmation (minor units). */
  issuanceLimit: bigint;
  /** Jiangnan Precision's multi-bank financing request on its certificate (issue 20). */
  financing: DemoFinancingResult;
  /** Whether Huaxia Motors funded at maturity and every holder redeemed (dev chain only). */
  settled: boolean;
  /** Value redeemed per holder (empty when not settled). */
  redeemed: Partial<Record<DemoMemberKey, bigint>>;
}

/**
 * Jiangnan Precision asked Huaxin Bank and Minfeng Bank to finance part of its certificate; both quoted (sealed on the
 * dev chain, open elsewhere) and it accepted the better price, computed on chain.
 */
export interface DemoFinancingResult {
  requestId: bigint;
  /** Sealed quotes (commit, then reveal): only when the clock can be moved past the quote deadline. */
  sealed: boolean;
  /** The value of the certificate financed (minor units). */
  value: bigint;
  /** Each bank's terms (on chain once quoted or revealed) and the price they came to when the supplier chose. */
  quotes: { bank: DemoMemberKey; terms: FinancingQuoteTerms; price: bigint }[];
  acceptedBank: DemoMemberKey;
  /** The bank's certificate (split from the supplier's). */
  newTokenId: bigint;
  /** What the bank paid the supplier: value - interest - fee. */
  price: bigint;
  interest: bigint;
  daysToMaturity: bigint;
}

/** One member as the scenario drives it: its SDK over its own (nonce-managed) signer, and the app contracts. */
export interface Actor {
  member: DemoMember;
  sdk: Consortia;
  address: string;
  apps: ReturnType<typeof connectApps>;
}

/** What every story sees. */
export interface ScenarioContext {
  provider: JsonRpcProvider;
  deployment: Deployment;
  chainId: number;
  timeTravel: boolean;
  store: PayloadStore;
  actors: Record<DemoMemberKey, Actor>;
  log: (line: string) => void;
  /** Sends a transaction and waits for it; a revert becomes a readable ContractError. */
  send(what: Promise<ContractTransactionResponse>): Promise<string>;
  /** The latest block's timestamp. */
  now(): Promise<number>;
  /** Moves the dev chain's clock forward and mines a block (only when `timeTravel`). */
  advance(seconds: number): Promise<void>;
  result: Partial<DemoScenarioResult>;
}

export type Story = (context: ScenarioContext) => Promise<void>;

/** Formats minor units of the 2-decimal settlement token as "1,000,000.00 CNY". */
export function cny(minor: bigint): string {
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${whole}.${(abs % 100n).toString().padStart(2, "0")} CNY`;
}

/** A human amount in CNY ("1,000,000.00") as minor units. */
const yuan = (amount: number): bigint => BigInt(Math.round(amount * 100));
/** A chain time as an ISO date-time in UTC. */
const isoTime = (seconds: bigint | number): string => new Date(Number(seconds) * 1000).toISOString();

function connectApps(deployment: Deployment, runner: Consortia["runner"]) {
  const at = (name: string): string => {
    const entry = deployment.contracts[name];
    if (entry === undefined)
      throw new Error(`the deployment has no ${name}: deploy the whole suite (Consortia module)`);
    return entry.address;
  };
  return {
    registry: ConsortiumRegistry__factory.connect(at("ConsortiumRegistry"), runner),
    blacklist: CreditBlacklist__factory.connect(at("CreditBlacklist"), runner),
    dataSharing: DataSharing__factory.connect(at("DataSharing"), runner),
    certificates: ECertificates__factory.connect(at("ECertificates"), runner),
    letterOfCredit: LetterOfCredit__factory.connect(at("LetterOfCredit"), runner),
    positions: InterbankPositions__factory.connect(at("InterbankPositions"), runner),
    guarantees: BankGuarantees__factory.connect(at("BankGuarantees"), runner),
    market: ForfaitingMarket__factory.connect(at("ForfaitingMarket"), runner),
  };
}

const doc = (kind: DocumentKind, label: string, content: JsonValue): DocumentRef =>
  documentRef({ contentHash: hashCanonicalJson(content), uri: `vault://demo/${label}`, kind });

/**
 * A term the chain compares but no outsider may read (a discrepancy code, a tender reference, a placement's purpose):
 * its keyed hash with the consortium key (see the SDK's termKey.ts), never the bare text or a bare hash of it.
 */
const termKey = (field: string, value: string): string =>
  keyedTermHash({ consortiumKey: DEMO_CONSORTIUM_KEY, field, value });

/**
 * Seals a deal's terms once for its parties and the regulator (the regulator reads every deal), keeps the envelope in
 * the payload store and returns its hash, the only thing that goes on chain.
 */
async function sealDeal(
  ctx: ScenarioContext,
  application: DemoDealEnvelope["application"],
  what: string,
  parties: Actor[],
  terms: JsonValue,
): Promise<Hex> {
  const readers = [...new Set([...parties, ctx.actors.regulator].map((actor) => actor.member.memberId))];
  const byId = new Map(parties.concat(ctx.actors.regulator).map((actor) => [actor.member.memberId, actor]));
  const { envelope } = await sealEnvelope({
    plaintext: new TextEncoder().encode(JSON.stringify(terms)),
    recipients: readers.map((memberId) => ({
      memberId,
      publicKey: byId.get(memberId)!.member.encryptionKeyPair.publicKey,
    })),
    associatedData: new TextEncoder().encode(`${application}:${what}`),
  });
  const location = await ctx.store.put(new TextEncoder().encode(JSON.stringify(envelope)));
  const payloadHash = envelopeHash(envelope);
  (ctx.result.deals ??= []).push({ application, what, payloadHash, location, readers, terms });
  return payloadHash;
}

// ---------------------------------------------------------------------------------------------------- the stories

/** Settlement: the banks issue tokenised deposits and let the applications pull from them (DvP). */
export const settlementStory: Story = async (ctx) => {
  const { bankA, bankB, bankC, coreA, coreB } = ctx.actors;
  for (const bank of [bankA, bankB, bankC]) {
    const amount = yuan(20_000_000);
    await bank.sdk.token.mint(bank.address, amount);
    ctx.log(`${bank.member.shortName} issued ${cny(amount)} of deposit tokens to its own settlement account`);
  }
  await bankA.sdk.token.mint(coreA.address, yuan(3_000_000));
  ctx.log(`${bankA.member.shortName} issued ${cny(yuan(3_000_000))} of deposits to ${coreA.member.shortName}`);
  await bankB.sdk.token.mint(coreB.address, yuan(1_000_000));
  ctx.log(`${bankB.member.shortName} issued ${cny(yuan(1_000_000))} of deposits to ${coreB.member.shortName}`);
  const spenders = ["LetterOfCredit", "InterbankPositions", "BankGuarantees", "ForfaitingMarket"];
  for (const bank of [bankA, bankB, bankC]) {
    for (const name of spenders) {
      await bank.sdk.token.approve(ctx.deployment.contracts[name].address, 2n ** 255n);
    }
  }
  ctx.log(
    `the three banks approved the LC, interbank, guarantee and forfaiting contracts to settle from their deposits`,
  );
};

/** Credit: a bank reports a defaulting company; another bank queries it with the customer's consent and reads why. */
export const creditStory: Story = async (ctx) => {
  const { agency, bankA, bankC, regulator } = ctx.actors;
  const defaulter = { name: "Hunan Xinda Trading Co., Ltd.", uscc: usccOf("91430100MA4XD0777") };
  const subjectKey = deriveSubjectKey({ consortiumKey: DEMO_CONSORTIUM_KEY, kind: "uscc", value: defaulter.uscc });
  const now = await ctx.now();

  // The details are sealed once for the reporter, the bank that will query and the regulator.
  const details = {
    company: defaulter.name,
    uscc: defaulter.uscc,
    facility: "working-capital loan JHB-WCL-2023-0412",
    principal: "3,500,000.00 CNY",
    overdueSince: "2024-11-20",
    status: "written off; recovery proceedings at Changsha Intermediate People's Court",
  };
  const readers = [bankC, bankA, regulator].map((actor) => ({
    memberId: actor.member.memberId,
    publicKey: actor.member.encryptionKeyPair.publicKey,
  }));
  const { envelope } = await sealEnvelope({
    plaintext: new TextEncoder().encode(JSON.stringify(details)),
    recipients: readers,
    associatedData: new TextEncoder().encode(`credit:${subjectKey}`),
  });
  const location = await ctx.store.put(new TextEncoder().encode(JSON.stringify(envelope)));
  const payloadHash = envelopeHash(envelope);
  const content = {
    category: 2, // Default
    severity: 4,
    expiresAt: now + 3 * 365 * DAY,
    evidenceHash: hashCanonicalJson({ caseFile: "JHB-RISK-2024-118", judgment: "(2024) Xiang 01 Min Chu 5521" }),
    payloadHash,
    payloadLocationHash: location,
  };
  const blacklist = bankC.apps.blacklist;
  const entryNumber = Number(await blacklist.report.staticCall(subjectKey, 2 /* Company */, content));
  await ctx.send(blacklist.report(subjectKey, 2, content));
  ctx.log(
    `${bankC.member.shortName} listed a defaulting company (entry #${entryNumber}, category Default, severity 4); ` +
      `details sealed for itself, ${bankA.member.shortName} and the regulator`,
  );

  // Bank A checks the company before lending, with its written consent, and files the query's transaction hash.
  const consentHash = hashCanonicalJson({
    customer: defaulter.uscc,
    purpose: "credit line application HXB-CL-2025-0031",
    signedAt: "2025-03-02",
  });
  const [listings] = await bankA.apps.blacklist.query.staticCall(subjectKey, consentHash, 0, 20);
  const queryTx = await ctx.send(bankA.apps.blacklist.query(subjectKey, consentHash, 0, 20));
  const sealed = JSON.parse(new TextDecoder().decode(await ctx.store.get(location))) as Envelope;
  const opened = JSON.parse(
    new TextDecoder().decode(
      await openEnvelope(
        sealed,
        { memberId: bankA.member.memberId, privateKey: bankA.member.encryptionKeyPair.privateKey },
        { expectedHash: payloadHash },
      ),
    ),
  ) as typeof details;
  ctx.log(
    `${bankA.member.shortName} queried the company with consent (${listings.length} listing, logged in ${queryTx.slice(0, 10)}…) ` +
      `and opened the sealed details: ${opened.facility}, ${opened.principal} overdue since ${opened.overdueSince}`,
  );
  // The regulator audits the same entry with its own key: nothing was re-encrypted for it.
  await openEnvelope(
    sealed,
    { memberId: regulator.member.memberId, privateKey: regulator.member.encryptionKeyPair.privateKey },
    { expectedHash: payloadHash },
  );
  ctx.log(`the ${regulator.member.shortName} opened the same sealed details with its own key (audit)`);

  // The credit agency holds a restructuring agreement it believes ends the default: it disputes the entry (a dispute
  // does not hide it). The regulator reviews the court file and upholds the listing: the entry is Active again.
  const disputeReasonHash = hashCanonicalJson({
    claim: "debt restructured, default cured",
    evidence: "restructuring agreement JHB-RS-2025-007 (unsigned by the lender)",
  });
  await ctx.send(agency.apps.blacklist.dispute(subjectKey, entryNumber, disputeReasonHash));
  ctx.log(
    `${agency.member.shortName} disputed entry #${entryNumber}: it holds a restructuring agreement it says cures the default`,
  );
  const resolutionHash = hashCanonicalJson({
    finding: "the agreement was never signed by the lender; the judgment stands",
    file: "HNFR-CD-2025-014",
  });
  await ctx.send(regulator.apps.blacklist.resolveDispute(subjectKey, entryNumber, 1 /* Upheld */, resolutionHash));
  ctx.log(
    `the ${regulator.member.shortName} upheld entry #${entryNumber}: the agreement was never signed, the listing stands`,
  );
  ctx.result.credit = { subjectKey, entryNumber, consentHash, payloadHash, queryTx, disputeReasonHash };
};

/** Data sharing: real-estate registrations shared with the tax bureau, an audited access, a real-estate voucher. */
export const dataSharingStory: Story = async (ctx) => {
  const { gov1, gov2, coreA } = ctx.actors;
  const owner = gov1.apps.dataSharing;
  const now = await ctx.now();

  // Fields of the dataset (bit i = field i): certificate number, holder, location, area, encumbrances.
  const fields = ["certificateNumber", "holder", "location", "floorArea", "encumbrances"];
  const fieldMask = (1n << BigInt(fields.length)) - 1n;
  const extract =
    "certificateNumber,holder,location,floorArea\nXiang(2025)Loudi-0001123,<keyed>,Louxing District,18250.00\n";
  const contentHash = hashUtf8(`loudi-real-estate-registrations-2025Q1.csv\n${extract}`);
  const metadataHash = hashCanonicalJson({ title: "Loudi real-estate registrations 2025 Q1", fields });
  const datasetId = await owner.registerDataset.staticCall(contentHash, 0, metadataHash, 2, fieldMask);
  await ctx.send(
    owner.registerDataset(contentHash, 0 /* ContentHash */, metadataHash, 2 /* Confidential */, fieldMask),
  );
  ctx.log(
    `${gov1.member.shortName} registered dataset #${datasetId} "real-estate registrations 2025 Q1" (Confidential, 5 fields)`,
  );

  const purposeHash = hashCanonicalJson({
    purpose: "property-tax assessment 2025",
    legalBasis: "Property Tax Regulations art. 2",
  });
  const scope = 0b01110n; // holder, location, floor area
  const grantId = await gov2.apps.dataSharing.requestAccess.staticCall(datasetId, purposeHash, scope);
  await ctx.send(gov2.apps.dataSharing.requestAccess(datasetId, purposeHash, scope));
  ctx.log(
    `${gov2.member.shortName} requested access #${grantId} (holder, location, floor area) for property-tax assessment`,
  );
  await ctx.send(owner.grantAccess(grantId, scope, now + 365 * DAY, false));
  ctx.log(`${gov1.member.shortName} granted access #${grantId} for one year`);

  // Other departments need the holder and location for routine checks: the owner grants those automatically, for 90
  // days, to government members that consume data, instead of reviewing each request, but only for the purposes its
  // consumers declare (the tax assessment above and the holder check of subsidy and pension files); any other purpose
  // is refused at once.
  const autoGrantMemberKinds = 1 << MemberKind.Government;
  const holderCheckPurpose = hashCanonicalJson({
    purpose: "real-estate holder and location check for subsidy and pension files",
    legalBasis: "Real Estate Registration Regulations art. 27",
  });
  const autoGrantPurposes = [purposeHash, holderCheckPurpose];
  await ctx.send(
    owner.setAutoGrantPolicy(
      datasetId,
      {
        memberKinds: autoGrantMemberKinds,
        mayDelegate: false,
        duration: 90 * DAY,
        requiredRoles: Roles.DATA_CONSUMER,
        maxScope: 0b00110n, // holder, location
      },
      autoGrantPurposes,
    ),
  );
  ctx.log(
    `${gov1.member.shortName} set an automatic grant policy on dataset #${datasetId}: ` +
      `government departments get holder and location for 90 days without review, for tax assessment and holder checks`,
  );

  // The tax bureau signs its request (EIP-712); the owner's gateway records the access before serving the extract.
  const domain = gatewayDomain(ctx.chainId, ctx.deployment.contracts.DataSharing.address);
  const request: DataRequest = {
    method: "GET",
    path: datasetPath(datasetId, 1),
    datasetId,
    version: 1,
    grantId,
    purpose: purposeHash,
    timestamp: BigInt(now),
    nonce: keccak256(new TextEncoder().encode(`demo-request-${datasetId}-${grantId}`)),
  };
  await signDataRequest(new Wallet(gov2.member.privateKey), domain, request);
  const accessId = requestDigest(domain, request);
  const resultHash = hashUtf8(extract);
  await ctx.send(owner.recordAccess(accessId, grantId, datasetId, 1, gov2.address, resultHash));
  ctx.log(
    `${gov1.member.shortName}'s gateway recorded access ${accessId.slice(0, 10)}… by ${gov2.member.shortName} before serving the extract`,
  );
  const verified = await gov2.apps.dataSharing.verifyFile(datasetId, 1, contentHash);
  ctx.log(
    `${gov2.member.shortName} verified the received file against the catalogue: ${verified ? "genuine" : "MISMATCH"}`,
  );

  // A real-estate voucher for Huaxia Motors' plant, then a replacement after the plant's extension was registered.
  const certificates = gov1.apps.certificates;
  const holderHash = deriveSubjectKey({ consortiumKey: DEMO_CONSORTIUM_KEY, kind: "uscc", value: coreA.member.uscc });
  const voucher = (area: string, number: string) => ({
    holderHash,
    kind: 1, // real-estate title certificate
    documentHash: hashCanonicalJson({ number, parcel: "431302-008-0137", use: "industrial", area }),
    validFrom: 0,
    validUntil: 0,
  });
  const first = voucher("18250.00 m2", "Xiang(2025)Loudi-0001123");
  const certificateId = await certificates.issue.staticCall(first);
  await ctx.send(certificates.issue(first));
  ctx.log(
    `${gov1.member.shortName} issued real-estate voucher #${certificateId} to ${coreA.member.shortName} (plant, 18,250 m2)`,
  );
  const [validity] = await coreA.apps.certificates.verify(certificateId);
  ctx.log(
    `${coreA.member.shortName} verified voucher #${certificateId} before pledging it: ${VALIDITY[Number(validity)]}`,
  );
  const second = voucher("24600.00 m2", "Xiang(2025)Loudi-0002871");
  const replacementId = await certificates.replace.staticCall(
    certificateId,
    second,
    hashUtf8("plant extension registered"),
  );
  await ctx.send(certificates.replace(certificateId, second, hashUtf8("plant extension registered")));
  const [oldValidity, latest] = await certificates.verify(certificateId);
  ctx.log(
    `${gov1.member.shortName} replaced voucher #${certificateId} by #${replacementId} after the plant extension ` +
      `(old one now ${VALIDITY[Number(oldValidity)]}, latest #${latest})`,
  );
  ctx.result.dataSharing = {
    datasetId,
    grantId,
    accessId,
    resultHash,
    certificateId,
    replacementId,
    autoGrantMemberKinds,
    autoGrantPurposes,
  };
};

const VALIDITY = ["Unknown", "Valid", "NotYetValid", "Expired", "Revoked", "Replaced"];

/** Letters of credit: issue, advise, amend, a discrepant then a compliant presentation, deferred acceptance; netting. */
export const lettersOfCreditStory: Story = async (ctx) => {
  const { bankA, bankB, bankC, coreA, supplier1 } = ctx.actors;
  const lc = bankA.apps.letterOfCredit;
  const now = await ctx.now();
  const fullTerms = {
    applicant: coreA.member.name,
    beneficiary: supplier1.member.name,
    goods: "12,000 brake calipers, model HX-BC220, CIP Loudi",
    rules: "Domestic LC Settlement Measures (2016)",
    amount: "1,000,000.00 CNY",
    tolerance: "+/-5%",
    tenor: "90 days after acceptance",
  };
  // The LC's parties (and the regulator) read its terms; the chain keeps their envelope's hash.
  const lcParties = [bankA, bankB, coreA, supplier1];
  const terms = {
    advisingBank: bankB.address,
    nominatedBank: ZeroAddress,
    beneficiary: supplier1.address,
    amount: yuan(1_000_000),
    currency: CNY,
    tolerancePlus: 5,
    toleranceMinus: 5,
    expiry: now + 120 * DAY,
    latestShipment: now + 90 * DAY,
    deferred: true,
    tenorDays: 90,
    partialDrawings: true,
    requiredDocuments:
      (1 << DocumentKind.Invoice) | (1 << DocumentKind.TransportDocument) | (1 << DocumentKind.Insurance),
    termsHash: await sealDeal(ctx, "letters-of-credit", "LC terms", lcParties, fullTerms),
  };
  const lcId = await lc.issue.staticCall(coreA.address, terms);
  await ctx.send(lc.issue(coreA.address, terms));
  ctx.log(
    `${bankA.member.shortName} issued LC #${lcId} for ${coreA.member.shortName}: ${cny(terms.amount)}, 90 days deferred, to ${supplier1.member.shortName}`,
  );
  await ctx.send(bankB.apps.letterOfCredit.advise(lcId));
  ctx.log(`${bankB.member.shortName} advised LC #${lcId} to ${supplier1.member.shortName}`);
  await ctx.send(supplier1.apps.letterOfCredit.acknowledge(lcId));
  ctx.log(`${supplier1.member.shortName} acknowledged LC #${lcId}`);

  const amendment = {
    amount: yuan(1_200_000),
    expiry: now + 150 * DAY,
    latestShipment: now + 100 * DAY,
    termsHash: await sealDeal(ctx, "letters-of-credit", "LC amendment 1", lcParties, {
      ...fullTerms,
      goods: "14,400 brake calipers, model HX-BC220, CIP Loudi",
      amount: "1,200,000.00 CNY",
    }),
  };
  await ctx.send(lc.proposeAmendment(lcId, amendment));
  ctx.log(`${bankA.member.shortName} proposed amendment 1 to LC #${lcId}: ${cny(amendment.amount)}, expiry +30 days`);
  await ctx.send(supplier1.apps.letterOfCredit.acceptAmendment(lcId, amendment));
  ctx.log(`${supplier1.member.shortName} accepted the amendment: LC #${lcId} is now ${cny(amendment.amount)}`);

  const documents = (batch: string) => [
    doc(DocumentKind.Invoice, `${batch}/invoice.pdf`, { invoice: `JN-INV-${batch}` }),
    doc(DocumentKind.TransportDocument, `${batch}/waybill.pdf`, { waybill: `HT-WB-${batch}` }),
    doc(DocumentKind.Insurance, `${batch}/insurance.pdf`, { policy: `PICC-${batch}` }),
  ];
  const beneficiary = supplier1.apps.letterOfCredit;
  const firstAmount = yuan(480_000);
  const discrepant = await beneficiary.present.staticCall(lcId, firstAmount, documents("2025-001"));
  await ctx.send(beneficiary.present(lcId, firstAmount, documents("2025-001")));
  ctx.log(
    `${supplier1.member.shortName} presented documents for ${cny(firstAmount)} (first shipment) under LC #${lcId}`,
  );
  const { examinationDeadline } = await lc.presentation(discrepant);
  ctx.log(
    `the examination clock runs: ${bankA.member.shortName} must honour or refuse by ${isoTime(examinationDeadline)}`,
  );
  // UCP 600 art. 16c: one refusal notice stating every discrepancy, the documents held pending the applicant's waiver
  // Codes the chain compares (the same code keys the same discrepancy), keyed so that no outsider reads them; the
  // notice's text is sealed for the LC's parties.
  const discrepancies = [termKey("discrepancy", "LATE_SHIPMENT"), termKey("discrepancy", "INSURANCE_AFTER_SHIPMENT")];
  const notice = await sealDeal(ctx, "letters-of-credit", "refusal notice", lcParties, {
    notice: `HXB-REF-${discrepant}`,
    discrepancies: ["LATE_SHIPMENT: late shipment", "INSURANCE_AFTER_SHIPMENT: insurance dated after shipment"],
  });
  await ctx.send(lc.refuse(discrepant, discrepancies, notice, true));
  ctx.log(
    `${bankA.member.shortName} refused the first presentation (late shipment, insurance dated after shipment), holding the documents`,
  );
  await ctx.send(coreA.apps.letterOfCredit.waiveDiscrepancies(discrepant));
  ctx.log(`${coreA.member.shortName} waived the discrepancies: the documents are released to the bank's honour`);

  const secondAmount = yuan(720_000);
  const compliant = await beneficiary.present.staticCall(lcId, secondAmount, documents("2025-002"));
  await ctx.send(beneficiary.present(lcId, secondAmount, documents("2025-002")));
  ctx.log(`${supplier1.member.shortName} presented documents for ${cny(secondAmount)} (second shipment)`);
  await ctx.send(lc.examine(compliant, []));
  ctx.log(`${bankA.member.shortName} found the second presentation compliant`);

  const maturity = (await ctx.now()) + 60 * DAY;
  await ctx.send(lc.accept(discrepant, maturity));
  await ctx.send(lc.accept(compliant, maturity));
  ctx.log(
    `${bankA.member.shortName} accepted both drafts, payable at maturity in 60 days (claims held by ${supplier1.member.shortName})`,
  );

  // UCP 600 art. 16f (dev chain only: it needs the clock moved): a third presentation the bank lets lie past its
  // five banking days is precluded: the beneficiary records it and the bank must honour.
  let precludedPresentationId: bigint | undefined;
  if (ctx.timeTravel) {
    const thirdAmount = yuan(60_000);
    precludedPresentationId = await beneficiary.present.staticCall(lcId, thirdAmount, documents("2025-003"));
    await ctx.send(beneficiary.present(lcId, thirdAmount, documents("2025-003")));
    const deadline = (await lc.presentation(precludedPresentationId)).examinationDeadline;
    ctx.log(
      `${supplier1.member.shortName} presented ${cny(thirdAmount)} (third shipment); deadline ${isoTime(deadline)}`,
    );
    await ctx.advance(Number(deadline) - (await ctx.now()) + 1);
    await ctx.send(beneficiary.recordPreclusion(precludedPresentationId));
    ctx.log(`${bankA.member.shortName} let the deadline pass: ${supplier1.member.shortName} recorded its preclusion`);
    await ctx.send(lc.accept(precludedPresentationId, maturity));
    ctx.log(`${bankA.member.shortName}, precluded, accepted the third draft`);
  }

  // Interbank positions: each bank grants another a credit line, obligations are recorded, one netting run settles.
  const lines: [Actor, Actor, bigint][] = [
    [bankB, bankA, yuan(5_000_000)],
    [bankC, bankB, yuan(3_000_000)],
    [bankA, bankC, yuan(3_000_000)],
  ];
  for (const [grantor, grantee, limit] of lines) {
    await ctx.send(grantor.apps.positions.setCreditLine(grantee.member.memberId, limit));
    ctx.log(
      `${grantor.member.shortName} granted ${grantee.member.shortName} an interbank credit line of ${cny(limit)}`,
    );
  }
  for (const bank of [bankA, bankB, bankC]) await ctx.send(bank.apps.positions.setSettlementAccount(bank.address));
  const dueAt = await ctx.now();
  const obligations: [Actor, Actor, bigint, string][] = [
    [bankA, bankB, yuan(800_000), "interbank placement HXB-MFB-0317"],
    [bankB, bankC, yuan(500_000), "interbank placement MFB-JHB-0318"],
    [bankC, bankA, yuan(300_000), "interbank placement JHB-HXB-0319"],
  ];
  const obligationIds: bigint[] = [];
  for (const [debtor, creditor, amount, purpose] of obligations) {
    const positions = debtor.apps.positions;
    const args = [creditor.member.memberId, amount, dueAt, termKey("purpose", purpose)] as const;
    obligationIds.push(await positions.recordObligation.staticCall(...args));
    await ctx.send(positions.recordObligation(...args));
    ctx.log(`${debtor.member.shortName} recorded that it owes ${creditor.member.shortName} ${cny(amount)}`);
  }
  const [banks, nets] = await bankA.apps.positions.runNetting.staticCall(obligationIds);
  await ctx.send(bankA.apps.positions.runNetting(obligationIds));
  const nettingRun = await bankA.apps.positions.nettingRunCount();
  const byId = new Map(
    DEMO_MEMBER_KEYS.map((key) => [ctx.actors[key].member.memberId, ctx.actors[key].member.shortName]),
  );
  const summary = banks.map((bank, i) => `${byId.get(Number(bank))} ${nets[i] >= 0n ? "+" : ""}${cny(nets[i])}`);
  ctx.log(
    `${bankA.member.shortName} ran netting #${nettingRun} over ${obligationIds.length} obligations: ${summary.join(", ")}`,
  );

  // An overnight placement outside the netting cycle: Huaxin Bank repays it through the central bank's high-value
  // payment system (HVPS), off chain; settling the obligation records the transfer's reference in the PaymentLedger,
  // so the same HVPS transfer can never settle a second step.
  const [overnightDebtor, overnightCreditor, overnightAmount] = [bankA, bankB, yuan(250_000)];
  const overnight = [
    overnightCreditor.member.memberId,
    overnightAmount,
    await ctx.now(),
    termKey("purpose", "overnight placement HXB-MFB-0320"),
  ] as const;
  const offChainObligationId = await overnightDebtor.apps.positions.recordObligation.staticCall(...overnight);
  await ctx.send(overnightDebtor.apps.positions.recordObligation(...overnight));
  ctx.log(
    `${overnightDebtor.member.shortName} recorded that it owes ${overnightCreditor.member.shortName} ${cny(overnightAmount)} (overnight placement)`,
  );
  // The HVPS message id of the transfer, hashed with the obligation (a rerun repays its own obligation).
  const offChainReference = termKey("payment-reference", `HVPS-2025-0320-HXB-000417/${offChainObligationId}`);
  await ctx.send(overnightDebtor.apps.positions.settleObligation(offChainObligationId, offChainReference));
  ctx.log(
    `${overnightDebtor.member.shortName} repaid obligation #${offChainObligationId} through HVPS: the payment is recorded in the ledger, no token moved`,
  );

  ctx.result.lettersOfCredit = {
    lcId,
    discrepantPresentationId: discrepant,
    compliantPresentationId: compliant,
    precludedPresentationId,
    maturity,
    obligationIds,
    nettingRun,
    offChainObligationId,
    offChainReference,
  };
};

/** Forfaiting: the supplier discounts its accepted claim with bank B, which sells it through sealed quotes to bank C. */
export const forfaitingStory: Story = async (ctx) => {
  const lcResult = ctx.result.lettersOfCredit;
  if (lcResult === undefined) throw new Error("the forfaiting story needs the letters-of-credit story first");
  const { bankA, bankB, bankC, supplier1 } = ctx.actors;
  const claimId = lcResult.compliantPresentationId;
  const lcAddress = ctx.deployment.contracts.LetterOfCredit.address;
  const info = await bankB.apps.letterOfCredit.claimInfo(claimId);

  // The supplier sells its claim to its bank (without recourse) and is paid at once.
  const discountPrice = yuan(705_600); // 2% discount for 60 days
  await ctx.send(supplier1.apps.letterOfCredit.transferClaim(claimId, bankB.address));
  await bankB.sdk.token.transfer(supplier1.address, discountPrice);
  ctx.log(
    `${supplier1.member.shortName} discounted its ${cny(info.amount)} claim with ${bankB.member.shortName} for ${cny(discountPrice)}`,
  );

  const now = await ctx.now();
  const sealed = ctx.timeTravel;
  // The asking price and discount are sealed for the banks the seller invites to quote (and the regulator): on chain
  // the offer states none (0) and carries the envelope's hash.
  const askingPrice = yuan(708_000);
  const announcement = {
    asset: lcAddress,
    claimId,
    askingPrice: 0n,
    askingDiscountBps: 0,
    askingTermsHash: await sealDeal(ctx, "forfaiting", "asking terms", [bankB, bankC], {
      askingPrice: cny(askingPrice),
      askingDiscountBps: 170,
      recourse: "without",
      governingLaw: "PRC",
    }),
    quoteDeadline: now + DAY,
    revealPeriod: sealed ? DAY : 0,
    documents: [
      doc(DocumentKind.Other, "forfaiting/accepted-draft.pdf", {
        draft: `LC-${lcResult.lcId}-P2`,
        acceptedBy: bankA.member.name,
      }),
      doc(DocumentKind.Invoice, "forfaiting/invoice.pdf", { invoice: "JN-INV-2025-002" }),
    ],
  };
  const market = bankB.apps.market;
  const offerId = await market.announce.staticCall(announcement);
  await ctx.send(market.announce(announcement));
  ctx.log(
    `${bankB.member.shortName} announced offer #${offerId}: the ${cny(info.amount)} claim on ${bankA.member.shortName}, ` +
      `asking ${cny(askingPrice)} (sealed for the invited banks; ${sealed ? "sealed quotes" : "open quotes"})`,
  );

  const price = yuan(708_900);
  if (sealed) {
    const salt = keccak256(new TextEncoder().encode("jianghai-bank-demo-salt"));
    const commitment = keccak256(
      AbiCoder.defaultAbiCoder().encode(
        ["uint256", "address", "uint128", "bytes32"],
        [offerId, bankC.address, price, salt],
      ),
    );
    await ctx.send(bankC.apps.market.commitQuote(offerId, commitment));
    ctx.log(`${bankC.member.shortName} committed a sealed quote on offer #${offerId}`);
    await ctx.advance(DAY + 1);
    await ctx.send(bankC.apps.market.revealQuote(offerId, price, salt));
    ctx.log(`after the quote deadline ${bankC.member.shortName} revealed its quote: ${cny(price)}`);
    await ctx.advance(DAY);
  } else {
    await ctx.send(bankC.apps.market.quote(offerId, price));
    ctx.log(`${bankC.member.shortName} quoted ${cny(price)} on offer #${offerId}`);
  }

  await ctx.send(bankB.apps.letterOfCredit.approveClaim(claimId, ctx.deployment.contracts.ForfaitingMarket.address));
  const deedHash = await sealDeal(ctx, "forfaiting", "assignment deed", [bankB, bankC], {
    deed: `MFB-FF-${offerId}`,
    seller: bankB.member.name,
    buyer: bankC.member.name,
    price: cny(price),
  });
  const noticeHash = await sealDeal(ctx, "forfaiting", "transfer notice", [bankB, bankC, bankA], {
    notice: `MFB-FF-${offerId}-N`,
    to: bankA.member.name,
    payTo: bankC.member.name,
  });
  await ctx.send(market.acceptQuote(offerId, bankC.address, deedHash, noticeHash, ZeroHash));
  ctx.log(
    `${bankB.member.shortName} accepted ${bankC.member.shortName}'s quote: the claim and ${cny(price)} changed hands in one transaction`,
  );
  // Issue 22: an LC claim names no subject an authority could attest; the buyer has no forfaiting-purchase policy, so
  // the trade passes and the regulator's /unattested-financing lists it.
  const subject = await market.backingSubjectOf(offerId);
  ctx.log(
    `the claim names ${subject === ZeroHash ? "no attested subject" : `subject ${subject}`}: ` +
      `${bankC.member.shortName} has no forfaiting-purchase policy, so the regulator's unattested-financing view lists this purchase`,
  );
  await ctx.send(bankA.apps.market.acknowledgeNotice(offerId, noticeHash));
  ctx.log(
    `${bankA.member.shortName} acknowledged the transfer notice: it will pay ${bankC.member.shortName} at maturity`,
  );

  let paidAtMaturity = false;
  if (ctx.timeTravel) {
    const wait = lcResult.maturity - (await ctx.now());
    if (wait > 0) await ctx.advance(wait);
    await ctx.send(bankA.apps.letterOfCredit.pay(lcResult.discrepantPresentationId, ZeroHash));
    ctx.log(
      `at maturity ${bankA.member.shortName} paid the first draft to ${supplier1.member.shortName}: ${cny(yuan(480_000))}`,
    );
    await ctx.send(bankA.apps.letterOfCredit.pay(claimId, ZeroHash));
    ctx.log(
      `at maturity ${bankA.member.shortName} paid the forfaited draft to its holder ${bankC.member.shortName}: ${cny(info.amount)}`,
    );
    paidAtMaturity = true;
  } else {
    ctx.log(`(not a dev chain: the drafts stay unpaid until their maturity)`);
  }
  ctx.result.forfaiting = { offerId, claimId, buyer: "bankC", price, paidAtMaturity };
};

/**
 * Guarantees: a supplier's bid bond in favour of a port group's tender, backed by its house bank's counter-guarantee
 * (URDG 758 art. 2): issued, verified, extended, claimed and paid; the guarantor then demands under the
 * counter-guarantee with its art. 15b statement, and the instructing bank pays.
 */
export const guaranteesStory: Story = async (ctx) => {
  const { bankA, bankC, coreB, supplier2 } = ctx.actors;
  const now = await ctx.now();
  // The guarantee's parties: applicant, guarantor, beneficiary and the instructing (counter-guaranteeing) bank.
  const guaranteeParties = [supplier2, bankC, coreB, bankA];
  const application = {
    guarantor: bankC.address,
    beneficiary: coreB.address,
    kind: 0, // Bid
    currency: CNY,
    amount: yuan(200_000),
    expiry: now + 90 * DAY,
    examinationPeriod: 5 * DAY,
    termsHash: await sealDeal(ctx, "guarantees", "guarantee terms", guaranteeParties, {
      text: "URDG 758 bid guarantee",
      tender: "NSPC-2025-ZB-017 Berth 4 dredging",
      amount: "200,000.00 CNY",
    }),
    tenderReference: termKey("tender", "NSPC-2025-ZB-017"),
    schedule: [],
  };
  const guaranteeId = await supplier2.apps.guarantees.applyFor.staticCall(application);
  await ctx.send(supplier2.apps.guarantees.applyFor(application));
  ctx.log(
    `${supplier2.member.shortName} applied to ${bankC.member.shortName} for a ${cny(application.amount)} bid guarantee ` +
      `in favour of ${coreB.member.shortName} (tender NSPC-2025-ZB-017)`,
  );
  // The supplier's house bank instructs the local guarantor and stands behind it with a counter-guarantee.
  await ctx.send(
    bankA.apps.guarantees.issueCounterGuarantee(guaranteeId, {
      amount: application.amount,
      expiry: now + 150 * DAY,
      examinationPeriod: 5 * DAY,
      termsHash: await sealDeal(ctx, "guarantees", "counter-guarantee terms", [bankA, bankC, supplier2], {
        text: "URDG 758 counter-guarantee",
        tender: "NSPC-2025-ZB-017",
        amount: "200,000.00 CNY",
      }),
    }),
  );
  ctx.log(
    `${bankA.member.shortName} issued a ${cny(application.amount)} counter-guarantee in favour of ` +
      `${bankC.member.shortName}, backing guarantee #${guaranteeId} (URDG 758 art. 2)`,
  );
  // The bank's guarantee number, keyed like an identifier (a reference is unique suite-wide).
  const guaranteeNumber = `JHB-BG-2025-${guaranteeId.toString().padStart(5, "0")}`;
  const referenceId = deriveSubjectKey({ consortiumKey: DEMO_CONSORTIUM_KEY, kind: "other", value: guaranteeNumber });
  await ctx.send(bankC.apps.guarantees.issue(guaranteeId, referenceId));
  ctx.log(`${bankC.member.shortName} issued guarantee #${guaranteeId} (reference ${guaranteeNumber})`);
  const check = await coreB.apps.guarantees.verify(referenceId);
  ctx.log(
    `${coreB.member.shortName} verified the guarantee: ${check.genuine ? "genuine" : "NOT genuine"}, ${check.inForce ? "in force" : "not in force"}, ${cny(check.available)} available`,
  );

  const newExpiry = now + 120 * DAY;
  await ctx.send(
    bankC.apps.guarantees.proposeAmendment(
      guaranteeId,
      application.amount,
      newExpiry,
      await sealDeal(ctx, "guarantees", "amendment 1", guaranteeParties, { amendment: "bid validity +30 days" }),
    ),
  );
  ctx.log(`${bankC.member.shortName} proposed to extend guarantee #${guaranteeId} by 30 days (tender extended)`);
  await ctx.send(coreB.apps.guarantees.answerAmendment(guaranteeId, true));
  ctx.log(`${coreB.member.shortName} accepted the extension`);

  const demand = {
    amount: application.amount,
    demandHash: await sealDeal(ctx, "guarantees", "demand", guaranteeParties, {
      demand: "bidder withdrew its bid after award",
      tender: "NSPC-2025-ZB-017",
    }),
    documents: [doc(DocumentKind.Demand, "guarantee/demand.pdf", { statement: "art. 15 URDG 758" })],
    extendTo: 0,
  };
  const claimIndex = await coreB.apps.guarantees.presentClaim.staticCall(guaranteeId, demand);
  await ctx.send(coreB.apps.guarantees.presentClaim(guaranteeId, demand));
  ctx.log(
    `${coreB.member.shortName} claimed ${cny(demand.amount)}: ${supplier2.member.shortName} refused to sign the awarded contract`,
  );
  await ctx.send(bankC.apps.guarantees.payClaim(guaranteeId, claimIndex, ZeroHash));
  ctx.log(`${bankC.member.shortName} paid the demand in deposit tokens: guarantee #${guaranteeId} is exhausted`);
  const statementHash = await sealDeal(ctx, "guarantees", "counter-demand statement", [bankC, bankA], {
    statement: "complying demand received under the guarantee (URDG 758 art. 15b)",
    guarantee: guaranteeNumber,
  });
  await ctx.send(
    bankC.apps.guarantees.demandUnderCounterGuarantee(guaranteeId, claimIndex, demand.amount, statementHash),
  );
  ctx.log(
    `${bankC.member.shortName} demanded ${cny(demand.amount)} under ${bankA.member.shortName}'s counter-guarantee ` +
      `with its statement that it received a complying demand (art. 15b)`,
  );
  await ctx.send(bankA.apps.guarantees.payCounterDemand(guaranteeId, ZeroHash));
  ctx.log(`${bankA.member.shortName} paid the counter-guarantee demand: the chain is settled`);
  ctx.result.guarantees = { guaranteeId, referenceId, claimIndex };
};

/**
 * Receivables (supply-chain finance, ERC-3525 certificates): Jiangnan Precision registers a receivable on Huaxia Motors,
 * which confirms it (the root certificate); Jianghai Bank guarantees it. Jiangnan Precision pays Hengtai Steel with
 * part of it (with sign-off), Hengtai Steel pays Haitong Logistics (a plain ERC-3525 split), which discounts its piece
 * with Minfeng Bank (DvP in deposit tokens). Jiangnan Precision pledges part of its certificate to Huaxin Bank for a
 * short loan and gets it released. At maturity Huaxia Motors funds and every holder redeems (dev chain only).
 */
export const receivablesStory: Story = async (ctx) => {
  const { bankA, bankB, bankC, coreA, gov2, supplier1, supplier3, supplier4 } = ctx.actors;
  const desk = coreA.sdk.receivables;
  const now = await ctx.now();
  const maturity = now + 60 * DAY;
  const faceValue = yuan(1_200_000);
  // Huaxia Motors names its house bank the paying bank of its receivables: the bank that may pay a certificate off
  // chain on its behalf.
  await desk.setPayingBank(bankA.member.memberId);
  ctx.log(`${coreA.member.shortName} named ${bankA.member.shortName} the paying bank of its receivables`);
  // Huaxin Bank stands behind Huaxia Motors' receivables up to a limit: from then on the desk confirms them only
  // within the limits of its banks. On a chain where earlier runs left receivables outstanding, the limit covers them.
  const { utilised } = await bankA.sdk.limits.limitsOf(coreA.member.memberId);
  const issuanceLimit = utilised + yuan(10_000_000);
  await bankA.sdk.limits.setLimit(coreA.member.memberId, issuanceLimit);
  // A bank's limit binds only once the core enterprise (or a governance vote) puts it under its banks' limits.
  if (!(await coreA.sdk.limits.limitsOf(coreA.member.memberId)).limited) {
    await coreA.sdk.limits.enforce(coreA.member.memberId);
  }
  ctx.log(
    `${bankA.member.shortName} set an issuance limit of ${cny(issuanceLimit)} for ${coreA.member.shortName}, which ` +
      `put itself under its banks' limits: its receivables are confirmed within them`,
  );
  // The invoice's identity (issuer's tax id, invoice code and number), keyed with the consortium key: the suite's
  // register of financed documents knows it only by this id, and finances it at most once, across applications.
  const invoiceNumber = ((await desk.count()) + 1n).toString().padStart(8, "0");
  const invoiceKey = deriveDocumentKey({
    consortiumKey: DEMO_CONSORTIUM_KEY,
    issuerTaxId: supplier1.member.uscc,
    invoiceCode: "032002500111",
    invoiceNumber,
  });
  const order = {
    buyer: coreA.member.name,
    seller: supplier1.member.name,
    item: "brake calipers BC-220",
    units: 24_000,
  };
  const { receivableId } = await supplier1.sdk.receivables.register({
    obligor: coreA.member.memberId,
    maturity,
    faceValue,
    invoiceKey,
    contract: doc(DocumentKind.Contract, `receivables/${invoiceNumber}/contract.pdf`, order),
    invoice: doc(DocumentKind.Invoice, `receivables/${invoiceNumber}/invoice.pdf`, {
      invoiceNumber,
      faceValue: 1_200_000,
    }),
    delivery: doc(DocumentKind.Delivery, `receivables/${invoiceNumber}/delivery.pdf`, { ...order, received: true }),
  });
  ctx.log(
    `${supplier1.member.shortName} registered receivable #${receivableId} on ${coreA.member.shortName}: ` +
      `${cny(faceValue)}, 60 days, invoice ${invoiceNumber} with contract and delivery note hashes`,
  );
  // The same invoice again, as a second receivable to finance it twice: the SDK asks the register before sending,
  // and the register itself refuses a hold beyond the invoice's face (DocumentOverFinanced).
  try {
    await supplier1.sdk.receivables.register({
      obligor: coreA.member.memberId,
      maturity,
      faceValue,
      invoiceKey,
      contract: doc(DocumentKind.Contract, `receivables/${invoiceNumber}/contract-2.pdf`, order),
      invoice: doc(DocumentKind.Invoice, `receivables/${invoiceNumber}/invoice-2.pdf`, { invoiceNumber }),
      delivery: doc(DocumentKind.Delivery, `receivables/${invoiceNumber}/delivery-2.pdf`, order),
    });
    throw new Error(`invoice ${invoiceNumber} was financed twice`);
  } catch (error) {
    if (!(error instanceof DocumentAlreadyFinancedError)) throw error;
    ctx.log(
      `${supplier1.member.shortName} tried to finance invoice ${invoiceNumber} a second time: refused, ` +
        `${cny(error.standing.financed)} of ${cny(error.standing.face)} is already held by receivable #${error.standing.lastRecord}`,
    );
  }
  // A bank offered the same invoice elsewhere checks the register first, as a bank must before financing: the check is
  // recorded on chain under its name, and a refused one is what the regulator's duplicate-financing report lists.
  await bankC.sdk.documents.checkFinancing(invoiceKey, faceValue, "CNY", faceValue);
  ctx.log(
    `${bankC.member.shortName}, asked to finance invoice ${invoiceNumber} too, checked the register: refused, and the ` +
      `refusal is recorded for the regulator`,
  );
  const { rootTokenId } = await desk.confirm(receivableId);
  ctx.log(
    `${coreA.member.shortName} confirmed it: certificate #${rootTokenId} (ERC-3525) of ${cny(faceValue)} to ${supplier1.member.shortName}`,
  );
  const limits = await bankA.sdk.limits.limitsOf(coreA.member.memberId);
  ctx.log(
    `issuance limits of ${coreA.member.shortName} after the confirmation: ${cny(limits.utilised)} of ${cny(limits.total)} used, ` +
      `${cny(limits.available ?? 0n)} available`,
  );
  await desk.requestGuarantee(receivableId, bankC.member.memberId);
  await bankC.sdk.receivables.guarantee(receivableId);
  ctx.log(
    `${bankC.member.shortName} guaranteed receivable #${receivableId}: it pays if ${coreA.member.shortName} does not`,
  );

  const tier2Value = yuan(500_000);
  const transfer = await supplier1.sdk.receivables.offerTransfer(
    rootTokenId,
    supplier3.address,
    tier2Value,
    now + 7 * DAY,
  );
  const { newTokenId: tier2TokenId } = await supplier3.sdk.receivables.acceptTransfer(transfer.offerId);
  ctx.log(
    `${supplier1.member.shortName} paid ${supplier3.member.shortName} with ${cny(tier2Value)} of it; ` +
      `${supplier3.member.shortName} signed off: certificate #${tier2TokenId} (tier 2)`,
  );
  const tier3Value = yuan(200_000);
  const { newTokenId: tier3TokenId } = await supplier3.sdk.receivables.split(
    tier2TokenId,
    supplier4.address,
    tier3Value,
  );
  ctx.log(
    `${supplier3.member.shortName} split ${cny(tier3Value)} to ${supplier4.member.shortName}: certificate #${tier3TokenId} (tier 3)`,
  );

  // Minfeng Bank finances receivables only when the tax bureau attested the invoice genuine (its financing policy).
  // Without the attestation the check refuses the financing; the Tax Bureau attests the invoice key (never the
  // invoice itself) and the discount goes through.
  const attestations = bankB.sdk.attestations;
  await attestations.setPolicy("ReceivableFinancing", ["InvoiceGenuine"]);
  const missing = await attestations.missingKind(bankB.member.memberId, "ReceivableFinancing", invoiceKey);
  ctx.log(
    `${bankB.member.shortName} requires a tax attestation before financing a receivable: ` +
      (missing === undefined ? "the invoice is already attested" : `financing refused, ${missing} missing`),
  );
  if (missing !== undefined) {
    const { attestationId } = await gov2.sdk.attestations.attest({
      kind: "InvoiceGenuine",
      subjectKey: invoiceKey,
      evidenceHash: hashUtf8(`tax record of invoice ${invoiceKey}`),
      validFrom: now,
      validUntil: maturity,
    });
    ctx.log(`${gov2.member.shortName} attested the invoice genuine: attestation #${attestationId}`);
  }

  const discountPrice = yuan(196_000);
  const discount = await supplier4.sdk.receivables.offerDiscount(
    tier3TokenId,
    tier3Value,
    bankB.member.memberId,
    discountPrice,
    now + 7 * DAY,
  );
  await bankB.sdk.token.approve(bankB.sdk.receivables.address, discountPrice);
  await bankB.sdk.receivables.acceptDiscount(discount.offerId);
  ctx.log(
    `${bankB.member.shortName} discounted ${supplier4.member.shortName}'s certificate #${tier3TokenId}: ` +
      `${cny(discountPrice)} paid against ${cny(tier3Value)} in one transaction`,
  );

  const pledgeValue = yuan(300_000);
  const { pledgeId } = await supplier1.sdk.receivables.pledge(
    rootTokenId,
    pledgeValue,
    bankA.member.memberId,
    now + 30 * DAY,
  );
  ctx.log(
    `${supplier1.member.shortName} pledged ${cny(pledgeValue)} of certificate #${rootTokenId} to ${bankA.member.shortName} for a working-capital loan`,
  );
  await bankA.sdk.receivables.releasePledge(pledgeId);
  ctx.log(`${bankA.member.shortName} released the pledge: the loan was repaid`);

  const financing = await multiBankFinancing(ctx, rootTokenId);

  const lineage = await desk.lineage(receivableId);
  ctx.log(
    `lineage of receivable #${receivableId}: ` +
      lineage.map((node) => `#${node.tokenId} tier ${node.tier} ${cny(node.value)}`).join(", "),
  );

  const redeemed: Partial<Record<DemoMemberKey, bigint>> = {};
  let settled = false;
  if (ctx.timeTravel) {
    const wait = maturity - (await ctx.now());
    if (wait > 0) await ctx.advance(wait);
    await coreA.sdk.token.approve(desk.address, faceValue);
    await desk.fund(receivableId);
    ctx.log(`at maturity ${coreA.member.shortName} funded receivable #${receivableId}: ${cny(faceValue)} in escrow`);
    for (const [holder, tokenId] of [
      [supplier1, rootTokenId],
      [supplier3, tier2TokenId],
      [bankB, tier3TokenId],
      [ctx.actors[financing.acceptedBank], financing.newTokenId],
    ] as const) {
      const { value } = await holder.sdk.receivables.redeem(tokenId);
      redeemed[holder.member.key] = value;
      ctx.log(`${holder.member.shortName} redeemed certificate #${tokenId}: ${cny(value)}`);
    }
    settled = (await desk.receivable(receivableId)).status === "Settled";
  } else {
    ctx.log(`(not a dev chain: the certificates stay outstanding until maturity)`);
  }
  ctx.result.receivables = {
    receivableId,
    invoiceNumber,
    invoiceKey,
    doubleFinancingRefused: true,
    faceValue,
    rootTokenId,
    tier2TokenId,
    tier3TokenId,
    discountOfferId: discount.offerId,
    discountPrice,
    pledgeId,
    financing,
    payingBank: bankA.member.memberId,
    issuanceLimit,
    settled,
    redeemed,
  };
};

/**
 * Recourse (issue 20): Lianchuang Electronics sells 500,000 of a receivable on Nansha Port Group to Huaxin Bank with
 * recourse; Huaxin Bank sells the certificate on to Yuehai Bank, again with recourse. On the dev chain the clock passes
 * maturity and the grace period without Nansha Port paying: the receivable is overdue, Yuehai Bank claims from Huaxin
 * Bank, which pays and takes the certificate back, then claims from Lianchuang, which pays: the default ends with the
 * seller that first sold the value, whose claim on the port group stands (the regulator's overdue report shows it).
 */
export const recourseStory: Story = async (ctx) => {
  const { bankA, bankC, coreB, supplier2 } = ctx.actors;
  const now = await ctx.now();
  const maturity = now + 30 * DAY;
  const faceValue = yuan(800_000);
  // Lianchuang's operating account at Huaxin Bank: what it will need if it has to answer for the sale.
  await bankA.sdk.token.mint(supplier2.address, yuan(50_000));
  ctx.log(`${bankA.member.shortName} issued ${cny(yuan(50_000))} of deposits to ${supplier2.member.shortName}`);
  const invoiceNumber = (90_000_000n + (await supplier2.sdk.receivables.count()) + 1n).toString();
  const order = { buyer: coreB.member.name, seller: supplier2.member.name, item: "crane controllers CC-9", units: 40 };
  const { receivableId } = await supplier2.sdk.receivables.register({
    obligor: coreB.member.memberId,
    maturity,
    faceValue,
    invoiceKey: deriveDocumentKey({
      consortiumKey: DEMO_CONSORTIUM_KEY,
      issuerTaxId: supplier2.member.uscc,
      invoiceCode: "044002500222",
      invoiceNumber,
    }),
    contract: doc(DocumentKind.Contract, `receivables/${invoiceNumber}/contract.pdf`, order),
    invoice: doc(DocumentKind.Invoice, `receivables/${invoiceNumber}/invoice.pdf`, {
      invoiceNumber,
      faceValue: 800_000,
    }),
    delivery: doc(DocumentKind.Delivery, `receivables/${invoiceNumber}/delivery.pdf`, { ...order, received: true }),
  });
  const { rootTokenId } = await coreB.sdk.receivables.confirm(receivableId);
  ctx.log(
    `${supplier2.member.shortName} registered receivable #${receivableId} on ${coreB.member.shortName} ` +
      `(${cny(faceValue)}, 30 days), confirmed: certificate #${rootTokenId}`,
  );

  const value = yuan(500_000);
  const prices: [bigint, bigint] = [yuan(490_000), yuan(495_000)];
  const deadline = BigInt(now + 7 * DAY);
  const firstOffer = await supplier2.sdk.recourse.offer({
    tokenId: rootTokenId,
    value,
    financier: bankA.member.memberId,
    price: prices[0],
    withRecourse: true,
    deadline,
  });
  const first = await bankA.sdk.recourse.accept(firstOffer, { withRecourse: true, price: prices[0] });
  ctx.log(
    `${bankA.member.shortName} bought ${cny(value)} of certificate #${rootTokenId} from ${supplier2.member.shortName} ` +
      `with recourse for ${cny(prices[0])}: certificate #${first.tokenId}, sale #${first.saleId}`,
  );
  const secondOffer = await bankA.sdk.recourse.offer({
    tokenId: first.tokenId,
    value,
    financier: bankC.member.memberId,
    price: prices[1],
    withRecourse: true,
    deadline,
  });
  const second = await bankC.sdk.recourse.accept(secondOffer, { withRecourse: true, price: prices[1] });
  ctx.log(
    `${bankC.member.shortName} bought certificate #${second.tokenId} from ${bankA.member.shortName} with recourse ` +
      `for ${cny(prices[1])}: sale #${second.saleId} (prior sale #${first.saleId})`,
  );

  const claimIds: bigint[] = [];
  let holder: DemoMemberKey = "bankC";
  if (ctx.timeTravel) {
    await ctx.advance(maturity + DAY + 1 - (await ctx.now()));
    await bankC.sdk.receivables.markOverdue(receivableId);
    ctx.log(
      `${coreB.member.shortName} did not pay at maturity: receivable #${receivableId} is overdue after the grace day`,
    );
    for (const [claimant, seller] of [
      [bankC, bankA],
      [bankA, supplier2],
    ] as const) {
      const claim = await claimant.sdk.recourse.exercise(second.tokenId);
      await seller.sdk.recourse.honour(claim.claimId);
      claimIds.push(claim.claimId);
      holder = seller.member.key;
      ctx.log(
        `${claimant.member.shortName} claimed ${cny(claim.value)} from ${seller.member.shortName} (claim ` +
          `#${claim.claimId}); ${seller.member.shortName} paid and took certificate #${second.tokenId} back`,
      );
    }
    ctx.log(
      `the default is traced to ${supplier2.member.shortName}, the first seller: its claim on ` +
        `${coreB.member.shortName} stands, overdue`,
    );
  } else {
    ctx.log(`(not a dev chain: the certificate is not yet due)`);
  }
  ctx.result.recourse = {
    receivableId,
    rootTokenId,
    soldTokenId: second.tokenId,
    saleIds: [first.saleId, second.saleId],
    value,
    prices,
    claimIds,
    holder,
  };
};

/**
 * A multi-bank financing request (issue 20): Jiangnan Precision asks Huaxin Bank and Minfeng Bank at once to finance
 * 350,000 of its certificate. On the dev chain the quotes are sealed: each bank commits to its terms (only a hash on
 * chain), the clock passes the quote deadline, both reveal; with every committed quote known, Jiangnan may choose before
 * the reveal deadline (it could not while one was still sealed). Elsewhere the quotes are open. The contract prices
 * each quote from its annual rate, day count (ACT/365, ACT/360), the days to maturity and the fee; Jiangnan accepts the
 * higher price, and the value moves to the bank against the price in one transaction.
 */
async function multiBankFinancing(ctx: ScenarioContext, tokenId: bigint): Promise<DemoFinancingResult> {
  const { bankA, bankB, supplier1 } = ctx.actors;
  const financing = supplier1.sdk.financing;
  const value = yuan(350_000);
  const sealed = ctx.timeTravel;
  const start = BigInt(await ctx.now());
  const quoteDeadline = start + BigInt(DAY);
  const revealDeadline = sealed ? quoteDeadline + BigInt(DAY) : undefined;
  const banks = [bankA, bankB];
  const requestId = await financing.request({
    tokenId,
    value,
    banks: banks.map((bank) => bank.member.memberId),
    quoteDeadline,
    revealDeadline,
  });
  ctx.log(
    `${supplier1.member.shortName} asked ${bankA.member.shortName} and ${bankB.member.shortName} at once to finance ` +
      `${cny(value)} of certificate #${tokenId}: financing request #${requestId}, ` +
      (sealed
        ? `sealed quotes until ${isoTime(quoteDeadline)}, revealed until ${isoTime(revealDeadline!)}`
        : `open quotes until ${isoTime(quoteDeadline)}`),
  );
  const validUntil = start + 5n * BigInt(DAY);
  const offers: [Actor, FinancingQuoteTerms][] = [
    [bankA, { rateBps: 340, dayCount: "ACT/365", fee: yuan(700), validUntil }],
    [bankB, { rateBps: 385, dayCount: "ACT/360", fee: yuan(900), validUntil }],
  ];
  const describe = (t: FinancingQuoteTerms) => `${(t.rateBps / 100).toFixed(2)} % ${t.dayCount}, fee ${cny(t.fee)}`;
  if (sealed) {
    const salts: string[] = [];
    for (const [bank, terms] of offers) {
      salts.push((await bank.sdk.financing.commitQuote(requestId, terms)).salt);
      ctx.log(`${bank.member.shortName} committed a sealed quote on request #${requestId}: only its hash is on chain`);
    }
    await ctx.advance(Number(quoteDeadline) - (await ctx.now()) + 1);
    for (const [i, [bank, terms]] of offers.entries()) {
      await bank.sdk.financing.revealQuote(requestId, terms, salts[i]);
      ctx.log(`quoting closed: ${bank.member.shortName} revealed ${describe(terms)}`);
    }
    const pending = await financing.pendingReveals(requestId);
    ctx.log(
      `${pending === 0n ? "every committed quote is revealed" : `${pending} quote(s) still sealed`}: ` +
        `${supplier1.member.shortName} may choose before the reveal deadline`,
    );
  } else {
    for (const [bank, terms] of offers) {
      await bank.sdk.financing.quote(requestId, terms);
      ctx.log(`${bank.member.shortName} quoted ${describe(terms)} on request #${requestId}`);
    }
  }
  const quotes: DemoFinancingResult["quotes"] = [];
  for (const [bank, terms] of offers) {
    const { price } = await financing.priceOf(requestId, terms);
    quotes.push({ bank: bank.member.key, terms, price });
    ctx.log(`on chain, ${bank.member.shortName}'s quote prices ${cny(value)} at ${cny(price)} now`);
  }
  const best = quotes.reduce((a, b) => (b.price > a.price ? b : a));
  const winner = ctx.actors[best.bank];
  const accepted = await financing.accept(requestId, winner.member.memberId);
  ctx.log(
    `${supplier1.member.shortName} accepted ${winner.member.shortName}'s quote: ${cny(value)} of certificate ` +
      `#${tokenId} moved to it as certificate #${accepted.newTokenId} against ${cny(accepted.price)} ` +
      `(${accepted.daysToMaturity} days, interest ${cny(accepted.interest)}, fee ${cny(best.terms.fee)}), one transaction`,
  );
  return {
    requestId,
    sealed,
    value,
    quotes,
    acceptedBank: best.bank,
    newTokenId: accepted.newTokenId,
    price: accepted.price,
    interest: accepted.interest,
    daysToMaturity: accepted.daysToMaturity,
  };
}

/**
 * Cross-department approvals (the Nansha case): the consortium votes the year's working days and a process for a
 * bonded-warehouse operating licence — the Real Estate Registration (title) and the Tax Bureau (tax clearance) in
 * parallel, then the Registration's final review, which issues the licence as an e-certificate. Nansha Port Group
 * applies; the Registration asks for a missing document (the clock pauses), gets it, approves; the final review is
 * handed to the Tax Bureau, which approves, and the licence is issued. Huaxia Motors' application waits on the Tax
 * Bureau past its deadline (dev chain: the clock moves 20 days): the Tax Bureau is overdue.
 */
export const approvalsStory: Story = async (ctx) => {
  const { bankA, bankB, bankC, coreA, coreB, gov1, gov2, regulator } = ctx.actors;
  const approvals = (actor: Actor) => actor.sdk.approvals;
  /** The proposer's proposal passes with three more voters (the demo's threshold is four). */
  const vote = async (
    proposer: Actor,
    proposal: Promise<{ proposalId: bigint }>,
    description: string,
  ): Promise<bigint> => {
    const { proposalId } = await proposal;
    const voters = [bankA, bankB, bankC, regulator].filter((v) => v !== proposer).slice(0, 3);
    for (const voter of voters) await voter.sdk.registry.approve(proposalId);
    await proposer.sdk.registry.execute(proposalId);
    ctx.log(
      `${proposer.member.shortName}'s proposal #${proposalId} passed with ` +
        `${voters.map((v) => v.member.shortName).join(", ")}: ${description}`,
    );
    return proposalId;
  };

  // The year's working days: Monday to Friday but New Year's Day, Labour Day and National Day.
  const year = new Date((await ctx.now()) * 1000 + 8 * 3600_000).getUTCFullYear();
  const holidays = [`${year}-01-01`, `${year}-05-01`, `${year}-10-01`];
  const days = yearWorkingDays(year, holidays);
  await vote(
    bankA,
    approvals(bankA).calendar.proposeWorkingDays(year, days, `${year} working days (public holidays off)`),
    `${days.length} working days in ${year}`,
  );

  // The departments' admins make their own accounts officers of the approvals application.
  for (const department of [gov1, gov2]) {
    if ((await approvals(department).officerOf(department.address)) !== department.member.memberId) {
      await approvals(department).setOfficer(department.address, true);
    }
  }
  ctx.log(`${gov1.member.shortName} and ${gov2.member.shortName} granted the officer role to their accounts`);

  const kind = {
    title: documentKind("property-title"),
    tax: documentKind("tax-clearance"),
    plan: documentKind("site-plan"),
  };
  const processId = (await approvals(bankA).processCount()) + 1;
  await vote(
    regulator,
    approvals(regulator).proposeDefineProcess(
      {
        issuer: gov1.member.memberId,
        resultKind: 701,
        resultValidity: 3 * 365 * DAY,
        termsHash: hashCanonicalJson({ process: "bonded warehouse operating licence", basis: "NS-ADM-2025-07" }),
        steps: [
          { department: gov1.member.memberId, stage: 0, deadlineDays: 5, documentKinds: [kind.title] },
          { department: gov2.member.memberId, stage: 0, deadlineDays: 10, documentKinds: [kind.tax] },
          { department: gov1.member.memberId, stage: 1, deadlineDays: 3 },
        ],
      },
      "define the bonded-warehouse licence process",
    ),
    `process #${processId}: ${gov1.member.shortName} ‖ ${gov2.member.shortName}, then ${gov1.member.shortName}`,
  );

  // Nansha Port Group applies: keyed identifier, documents by hash (the files stay in its vault).
  const applicantRef = deriveSubjectKey({ consortiumKey: DEMO_CONSORTIUM_KEY, kind: "uscc", value: coreB.member.uscc });
  const documents = [
    { kind: kind.title, contentHash: hashCanonicalJson({ title: "Nansha warehouse lot 7", deed: "NS-2019-004412" }) },
    { kind: kind.tax, contentHash: hashCanonicalJson({ taxClearance: "LD-TAX-2025-8871" }) },
  ];
  const { caseId } = await approvals(coreB).submit(processId, applicantRef, documents);
  ctx.log(`${coreB.member.shortName} submitted case #${caseId} with ${documents.length} documents (hashes only)`);
  await approvals(gov1).accept(caseId, 0);
  await approvals(gov1).requestDocuments(caseId, 0, hashCanonicalJson({ missing: "site plan with fire exits" }));
  ctx.log(`${gov1.member.shortName} accepted step 0 and asked for a site plan: its clock paused`);
  if (ctx.timeTravel) await ctx.advance(DAY);
  await approvals(coreB).supplyDocuments(caseId, 0, [
    { kind: kind.plan, contentHash: hashCanonicalJson({ sitePlan: "NS-WH7-fire-exits-v2" }) },
  ]);
  await approvals(gov1).approve(caseId, 0, hashCanonicalJson({ decision: "title verified" }));
  await approvals(gov2).accept(caseId, 1);
  await approvals(gov2).approve(caseId, 1, hashCanonicalJson({ decision: "no tax arrears" }));
  ctx.log(`${coreB.member.shortName} supplied the site plan; both departments approved stage 0`);
  await approvals(gov1).delegate(
    caseId,
    2,
    gov2.member.memberId,
    hashCanonicalJson({ reason: "bonded goods: customs-tax review" }),
  );
  await approvals(gov2).accept(caseId, 2);
  const { certificateId } = await approvals(gov2).approve(
    caseId,
    2,
    hashCanonicalJson({ decision: "licence granted" }),
  );
  ctx.log(
    `${gov1.member.shortName} handed the final review to ${gov2.member.shortName}, which approved: ` +
      `e-certificate #${certificateId} issued in ${gov1.member.shortName}'s name`,
  );

  // Huaxia Motors applies too; the Tax Bureau accepts and then lets the deadline pass.
  const { caseId: overdueCaseId } = await approvals(coreA).submit(
    processId,
    deriveSubjectKey({ consortiumKey: DEMO_CONSORTIUM_KEY, kind: "uscc", value: coreA.member.uscc }),
    documents,
  );
  await approvals(gov1).accept(overdueCaseId, 0);
  await approvals(gov1).approve(overdueCaseId, 0, hashCanonicalJson({ decision: "title verified" }));
  await approvals(gov2).accept(overdueCaseId, 1);
  if (ctx.timeTravel) await ctx.advance(20 * DAY);
  const late = (await approvals(bankA).deadline(overdueCaseId, 1)).overdue;
  ctx.log(
    `case #${overdueCaseId} of ${coreA.member.shortName}: ${gov2.member.shortName}'s step is ` +
      `${late ? "overdue" : "within its deadline (the clock moves on the dev chain only)"}`,
  );
  ctx.result.approvals = { processId, caseId, certificateId: certificateId!, overdueCaseId, overdue: late };
};

/**
 * Governance and the network: Huaxin Bank registers its validator node; the regulator proposes pausing the forfaiting
 * market for a review of its rule book, four voters pass it and the market stops; after the review a second proposal
 * resumes it. Runs last so that no story meets a paused market; the market ends unpaused.
 */
export const governanceStory: Story = async (ctx) => {
  const { bankA, bankB, bankC, gov1, gov2, regulator } = ctx.actors;

  // The node's enode URL (public key and address; demo values). A member registers its own nodes.
  const enode = `enode://${hashUtf8("huaxin-bank-validator-1").slice(2).repeat(2)}@10.20.1.11:30303`;
  const nodeId = keccak256(new TextEncoder().encode(enode));
  const nodeRegistered = !(await bankA.apps.registry.nodesOf(bankA.member.memberId)).includes(enode);
  if (nodeRegistered) {
    await ctx.send(bankA.apps.registry.addNode(enode));
    ctx.log(`${bankA.member.shortName} registered its validator node ${enode.slice(0, 20)}…@10.20.1.11:30303`);
  } else {
    ctx.log(`${bankA.member.shortName}'s validator node is already registered`);
  }

  // A passed proposal is the only way to pause an application: proposer plus three voters reach the threshold (4).
  const market = ctx.deployment.contracts.ForfaitingMarket.address;
  const voteAndExecute = async (
    proposer: Actor,
    voters: readonly Actor[],
    data: string,
    description: string,
  ): Promise<bigint> => {
    const { proposalId } = await proposer.sdk.registry.proposeCall(market, data, description);
    ctx.log(`${proposer.member.shortName} proposed #${proposalId}: ${description}`);
    for (const voter of voters) await voter.sdk.registry.approve(proposalId);
    ctx.log(`${voters.map((v) => v.member.shortName).join(", ")} approved proposal #${proposalId}`);
    await proposer.sdk.registry.execute(proposalId);
    return proposalId;
  };
  const calls = bankA.apps.market.interface;
  const pauseProposalId = await voteAndExecute(
    regulator,
    [bankA, bankB, bankC],
    calls.encodeFunctionData("pause"),
    "pause the forfaiting market during the review of its rule book (HNFR-2025-FF-02)",
  );
  ctx.log(
    `proposal #${pauseProposalId} executed: the forfaiting market is ${(await bankA.apps.market.paused()) ? "paused" : "NOT paused"}`,
  );
  const unpauseProposalId = await voteAndExecute(
    regulator,
    [gov1, gov2, bankA],
    calls.encodeFunctionData("unpause"),
    "resume the forfaiting market: rule book reviewed, no change needed",
  );
  ctx.log(
    `proposal #${unpauseProposalId} executed: the forfaiting market is ${(await bankA.apps.market.paused()) ? "STILL paused" : "open again"}`,
  );
  ctx.result.governance = {
    nodeId,
    nodeRegistered,
    pausedContract: "ForfaitingMarket",
    pauseProposalId,
    unpauseProposalId,
  };
};

/**
 * A court order executed by a governance vote freezes part of a bank's deposit tokens: a transfer that would touch
 * the frozen value is refused, a transfer of the free part goes through, and a second vote releases the order.
 */
export const freezeStory: Story = async (ctx) => {
  const { bankA, bankB, bankC, gov1, regulator } = ctx.actors;
  const balance = await bankC.sdk.token.balanceOf(bankC.address);
  if (balance < yuan(2)) throw new Error(`${bankC.member.shortName} holds ${cny(balance)}: nothing to freeze`);
  const frozen = balance / 2n;
  const scope = regulator.sdk.freeze.tokensScope(bankC.address, frozen);
  const referenceHash = hashUtf8("(2026) Xiang 01 Zhi Bao No. 117: asset preservation order");
  const authorityHash = hashUtf8("Changsha Intermediate People's Court");
  const expiry = (await ctx.now()) + 180 * 24 * 3600;
  const vote = async (proposalId: bigint): Promise<void> => {
    for (const voter of [bankA, bankB, gov1]) await voter.sdk.registry.approve(proposalId);
    await regulator.sdk.registry.execute(proposalId);
  };
  const freeze = await regulator.sdk.freeze.proposeFreezeByVote(
    scope,
    referenceHash,
    authorityHash,
    expiry,
    "execute the court's preservation order on Jianghai Bank's deposits",
  );
  await vote(freeze.proposalId);
  const orderId = await regulator.sdk.freeze.orderCount();
  const order = await regulator.sdk.freeze.order(orderId);
  if (order.status !== "Active") throw new Error(`freeze order ${orderId} is ${order.status} after the vote`);
  ctx.log(
    `proposal #${freeze.proposalId} executed: freeze order #${orderId} holds ${cny(frozen)} of ` +
      `${bankC.member.shortName}'s ${cny(balance)} (court order by hash only, until ${isoTime(expiry)})`,
  );
  let moveRefused = false;
  try {
    await bankC.sdk.token.transfer(bankA.address, balance);
  } catch (error) {
    if ((error as { errorName?: string }).errorName !== "AssetFrozen") throw error;
    moveRefused = true;
  }
  if (!moveRefused) throw new Error(`${bankC.member.shortName} moved frozen deposits`);
  ctx.log(`${bankC.member.shortName} tried to transfer all ${cny(balance)}: refused, ${cny(frozen)} is frozen`);
  const release = await regulator.sdk.freeze.proposeReleaseByVote(
    orderId,
    "release the preservation order: case settled",
  );
  await vote(release.proposalId);
  const released = await regulator.sdk.freeze.order(orderId);
  if (released.status !== "Released")
    throw new Error(`freeze order ${orderId} is ${released.status} after the release`);
  ctx.log(`proposal #${release.proposalId} executed: freeze order #${orderId} released, the deposits move again`);
  ctx.result.freeze = {
    orderId,
    frozen,
    target: bankC.address,
    moveRefused,
    freezeProposalId: freeze.proposalId,
    releaseProposalId: release.proposalId,
  };
};

/** The stories in the order they run. */
export const STORIES: readonly [string, Story][] = [
  ["settlement", settlementStory],
  ["credit", creditStory],
  ["data sharing", dataSharingStory],
  ["letters of credit", lettersOfCreditStory],
  ["forfaiting", forfaitingStory],
  ["guarantees", guaranteesStory],
  ["receivables", receivablesStory],
  ["recourse", recourseStory],
  ["approvals", approvalsStory],
  ["governance", governanceStory],
  ["freeze", freezeStory],
  // last: its one governance vote (first run only) leaves the other stories' proposal ids as they were
  ["interbank currencies", interbankCurrenciesStory],
];

/** Runs the demo scenario over the node at `rpcUrl`. */
export async function runDemoScenario(options: DemoScenarioOptions): Promise<DemoScenarioResult> {
  const provider = new JsonRpcProvider(options.rpcUrl, undefined, { staticNetwork: true, pollingInterval: 100 });
  try {
    const chainId = Number((await provider.getNetwork()).chainId);
    if (chainId !== options.deployment.chainId) {
      throw new Error(`the node is chain ${chainId} but the deployment is for chain ${options.deployment.chainId}`);
    }
    const members = demoConsortium();
    const registry = await createConsortia({ runner: provider, deployment: options.deployment });
    const actors = {} as Record<DemoMemberKey, Actor>;
    for (const key of DEMO_MEMBER_KEYS) {
      const member = members[key];
      const onChain = (await registry.registry.memberOf(member.account)) ?? 0;
      if (onChain !== member.memberId) {
        throw new Error(
          `${member.name}'s account ${member.account} is member ${onChain} on chain, expected ${member.memberId}: ` +
            "deploy with the demo founders (writeDemoFounders) on a fresh chain",
        );
      }
      const sdk = await createConsortia({
        runner: new Wallet(member.privateKey, provider),
        deployment: options.deployment,
        checkChainId: false,
      });
      actors[key] = { member, sdk, address: member.account, apps: connectApps(options.deployment, sdk.runner) };
    }

    let steps = 0;
    const log = (line: string): void => {
      steps += 1;
      options.log?.(line);
    };
    const timeTravel = (options.timeTravel ?? true) && chainId === DEV_CHAIN_ID;
    const context: ScenarioContext = {
      provider,
      deployment: options.deployment,
      chainId,
      timeTravel,
      store: createFileSystemPayloadStore(options.dataDir ?? join("data", "payloads")),
      actors,
      log,
      result: { deals: [] },
      async send(what) {
        try {
          const response = await what;
          const receipt = await response.wait();
          if (receipt === null) throw new Error(`transaction ${response.hash} was not mined`);
          return receipt.hash;
        } catch (error) {
          throw toContractError(error, { deployment: options.deployment });
        }
      },
      async now() {
        const block = await provider.getBlock("latest");
        if (block === null) throw new Error("the node returned no latest block");
        return block.timestamp;
      },
      async advance(seconds) {
        if (!timeTravel) throw new Error(`refusing to move the clock of chain ${chainId}: only the dev chain's`);
        await provider.send("evm_increaseTime", [seconds]);
        await provider.send("evm_mine", []);
      },
    };

    for (const [name, story] of STORIES) {
      try {
        await story(context);
      } catch (error) {
        throw new Error(`demo scenario, ${name} story: ${(error as Error).message}`, { cause: error });
      }
    }
    return { chainId, timeTravel, steps, ...context.result } as DemoScenarioResult;
  } finally {
    provider.destroy();
  }
}
