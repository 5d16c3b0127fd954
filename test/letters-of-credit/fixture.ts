import { encodeBytes32String, keccak256, toUtf8Bytes, type BigNumberish } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import type {
  AuthorityAttestations,
  ConsortiumCalendar,
  InterbankPositions,
  LcApplicantAccounts,
  LcConfirmations,
  LcPresentationChecks,
  LcTransfers,
  LetterOfCredit,
} from "@consortia/sdk/typechain";
import type { ILetterOfCredit } from "@consortia/sdk/typechain/letters-of-credit/LetterOfCredit.js";
import { deployPlatform, fund, type Platform } from "../helpers/consortium.js";
import { deployUpgradeable } from "../helpers/upgradeable.js";

/** The calendar's time zone in the LC tests: UTC+8. */
export const UTC_OFFSET = 8 * 3600;

export const DAY = 24n * 3600n;
/** "CNY" as bytes3. */
export const CNY = "0x434e59";
export const USD = "0x555344";

/** Document kinds of contracts/platform/types/DocumentRef.sol. */
export const Kind = {
  INVOICE: 2,
  TRANSPORT_DOCUMENT: 4,
  INSURANCE: 5,
  INSPECTION: 6,
  OTHER: 255,
} as const;
export const kindMask = (...kinds: number[]): number => kinds.reduce((mask, k) => mask | (1 << k), 0);

export const LcState = {
  None: 0,
  Applied: 1,
  Issued: 2,
  Advised: 3,
  Acknowledged: 4,
  FullyDrawn: 5,
  Expired: 6,
  Cancelled: 7,
  Declined: 8,
} as const;

export const PresentationState = {
  None: 0,
  Presented: 1,
  Discrepant: 2,
  Waived: 3,
  Compliant: 4,
  Accepted: 5,
  Paid: 6,
  Refused: 7,
  Held: 8,
} as const;

export const ObligationStatus = {
  None: 0,
  Open: 1,
  Settled: 2,
  Netted: 3,
  Released: 4,
} as const;

export const hash = (text: string): string => keccak256(toUtf8Bytes(text));
export const code = (text: string): string => encodeBytes32String(text);

export function documents(...kinds: number[]): { contentHash: string; uriHash: string; kind: number }[] {
  return kinds.map((kind, i) => ({
    contentHash: hash(`doc-${kind}-${i}`),
    uriHash: hash(`uri-${kind}-${i}`),
    kind,
  }));
}

export interface LcFixture {
  platform: Platform;
  lc: LetterOfCredit;
  /** The applicant's side: margin and release of documents. */
  applicantAccounts: LcApplicantAccounts;
  presentationChecks: LcPresentationChecks;
  /** Confirmation (UCP 600 art. 8, 10). */
  confirmations: LcConfirmations;
  /** Transferable LCs (UCP 600 art. 38) and back-to-back links. */
  transfers: LcTransfers;
  /** The attestations register the checks enforce issuing banks' LcHonour policies of (only with `attestations`). */
  attestations?: AuthorityAttestations;
  positions: InterbankPositions;
  calendar: ConsortiumCalendar;
  now: bigint;
  /** Terms with bankB advising, supplier1 beneficiary, sight, partial drawings, 5% plus tolerance. */
  terms(overrides?: Partial<ILetterOfCredit.TermsStruct>): ILetterOfCredit.TermsStruct;
}

/** Deploys the platform, InterbankPositions, LetterOfCredit and LcApplicantAccounts, registers them, funds the banks and approves. */
export async function deployLettersOfCredit(
  connection: NetworkConnection,
  options: { attestations?: boolean } = {},
): Promise<LcFixture> {
  const { ethers, networkHelpers } = connection;
  const platform = await deployPlatform(connection);
  const attestations = options.attestations
    ? await deployUpgradeable(ethers, "AuthorityAttestations", [platform.registry])
    : undefined;
  const positions = await deployUpgradeable(ethers, "InterbankPositions", [
    platform.registry,
    platform.token,
    platform.ledger,
  ]);
  const calendar = await deployUpgradeable(ethers, "ConsortiumCalendar", [platform.registry], [UTC_OFFSET]);
  const presentationChecks = await deployUpgradeable(ethers, "LcPresentationChecks", [
    platform.registry,
    attestations ?? ethers.ZeroAddress,
  ]);
  const lc = await deployUpgradeable(
    ethers,
    "LetterOfCredit",
    [platform.registry, platform.token, platform.ledger, positions, CNY, presentationChecks],
    [calendar],
  );
  const applicantAccounts = await deployUpgradeable(ethers, "LcApplicantAccounts", [
    platform.registry,
    lc,
    platform.token,
  ]);
  const confirmations = await deployUpgradeable(ethers, "LcConfirmations", [platform.registry, lc]);
  const transfers = await deployUpgradeable(ethers, "LcTransfers", [
    platform.registry,
    platform.token,
    platform.ledger,
    lc,
    presentationChecks,
  ]);
  await platform.finishBootstrap([positions, lc, applicantAccounts, transfers]);
  for (const bank of [platform.accounts.bankA, platform.accounts.bankB, platform.accounts.bankC]) {
    await fund(platform, bank, 10_000_000n);
    await platform.token.connect(bank).approve(lc, ethers.MaxUint256);
    await platform.token.connect(bank).approve(positions, ethers.MaxUint256);
    await platform.token.connect(bank).approve(transfers, ethers.MaxUint256);
  }
  const now = BigInt(await networkHelpers.time.latest());
  const terms = (overrides: Partial<ILetterOfCredit.TermsStruct> = {}): ILetterOfCredit.TermsStruct => ({
    advisingBank: platform.accounts.bankB.address,
    nominatedBank: ethers.ZeroAddress,
    beneficiary: platform.accounts.supplier1.address,
    amount: 100_000n,
    currency: CNY,
    tolerancePlus: 5,
    toleranceMinus: 5,
    expiry: now + 90n * DAY,
    latestShipment: now + 60n * DAY,
    deferred: false,
    tenorDays: 0,
    partialDrawings: true,
    requiredDocuments: kindMask(Kind.INVOICE, Kind.TRANSPORT_DOCUMENT, Kind.INSURANCE),
    termsHash: hash("full terms v1"),
    ...overrides,
  });
  return {
    platform,
    lc,
    applicantAccounts,
    presentationChecks,
    confirmations,
    transfers,
    attestations,
    positions,
    calendar,
    now,
    terms,
  };
}

/** Issues (bankA for core) an LC, advises (bankB) and acknowledges (supplier1); returns its id. */
export async function operativeLc(f: LcFixture, overrides: Partial<ILetterOfCredit.TermsStruct> = {}): Promise<bigint> {
  const { lc, platform } = f;
  const { accounts } = platform;
  const id = await lc.connect(accounts.bankA).issue.staticCall(accounts.core, f.terms(overrides));
  await lc.connect(accounts.bankA).issue(accounts.core, f.terms(overrides));
  await lc.connect(accounts.bankB).advise(id);
  await lc.connect(accounts.supplier1).acknowledge(id);
  return id;
}

/** Presents the three required documents for `amount`; returns the presentation id. */
export async function presentDocs(f: LcFixture, lcId: BigNumberish, amount: bigint): Promise<bigint> {
  const beneficiary = f.lc.connect(f.platform.accounts.supplier1);
  const docs = documents(Kind.INVOICE, Kind.TRANSPORT_DOCUMENT, Kind.INSURANCE);
  const id = await beneficiary.present.staticCall(lcId, amount, docs);
  await beneficiary.present(lcId, amount, docs);
  return id;
}
