import { keccak256, toUtf8Bytes } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import { deployPlatform, type Platform } from "../helpers/consortium.js";
import type { CreditBlacklist } from "@consortia/sdk/typechain";
import type { ICreditBlacklist } from "@consortia/sdk/typechain/credit/CreditBlacklist.js";
import { deployUpgradeable } from "../helpers/upgradeable.js";

/** Mirrors of the contract's enums. */
export const SubjectKind = { None: 0, Person: 1, Company: 2 } as const;
export const Category = {
  None: 0,
  Fraud: 1,
  Default: 2,
  Overdue: 3,
  IdentityTheft: 4,
  MoneyLaundering: 5,
  JudgmentDebtor: 6,
  Other: 7,
} as const;
export const EntryStatus = { None: 0, Active: 1, Disputed: 2, Revoked: 3, Withdrawn: 4 } as const;
export const Resolution = { None: 0, Upheld: 1, Withdrawn: 2 } as const;

export const DAY = 24n * 60n * 60n;
export const YEAR = 365n * DAY;

export const hash = (label: string): string => keccak256(toUtf8Bytes(label));

/** Subject keys as the SDK derives them off chain (HMAC-SHA256 with the consortium key); opaque here. */
export const SUBJECT = hash("test subject key: person 1");
export const OTHER_SUBJECT = hash("test subject key: person 2");
export const CONSENT = hash("consent reference: loan application 2024-001");

export interface CreditFixture {
  platform: Platform;
  blacklist: CreditBlacklist;
  /** Block time when the fixture was taken. */
  now: bigint;
  /** Content of a default entry that expires in a year. */
  content(overrides?: Partial<ICreditBlacklist.ContentStruct>): ICreditBlacklist.ContentStruct;
}

/**
 * Platform plus blacklist with bootstrap ended, and one entry: bankA reported SUBJECT (a person) for a default,
 * severity 3, expiring in a year (entry 1 of SUBJECT).
 */
export async function deployCredit(connection: NetworkConnection): Promise<CreditFixture> {
  const { ethers, networkHelpers } = connection;
  const platform = await deployPlatform(connection);
  const blacklist = await deployUpgradeable(ethers, "CreditBlacklist", [platform.registry]);
  await platform.finishBootstrap();
  const start = BigInt(await networkHelpers.time.latest());
  const content = (overrides: Partial<ICreditBlacklist.ContentStruct> = {}): ICreditBlacklist.ContentStruct => ({
    category: Category.Default,
    severity: 3,
    expiresAt: start + YEAR,
    evidenceHash: hash("evidence: loan contract and overdue notices"),
    payloadHash: hash("payload: sealed envelope"),
    payloadLocationHash: hash("location: payload store"),
    ...overrides,
  });
  await blacklist.connect(platform.accounts.bankA).report(SUBJECT, SubjectKind.Person, content());
  const now = BigInt(await networkHelpers.time.latest());
  return { platform, blacklist, now, content };
}
