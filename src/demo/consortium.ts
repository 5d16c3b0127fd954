/**
 * The demo consortium that `npm start` seeds: three banks, two core enterprises, four suppliers, a credit agency, two
 * government departments and a regulator. The institutions are fictional; their kinds, roles and the stories the
 * scenario tells follow the seed cases (Suning Finance's blacklist sharing, Loudi's real-estate certificates, Nansha's
 * approvals, Minsheng Bank's domestic letters of credit, Industrial Bank's bid guarantees, CCB's forfaiting market).
 *
 * Everything here is deterministic and PUBLIC: the accounts are the Hardhat test mnemonic's, and the consortium key and
 * the members' X25519 keys are derived from a fixed demo seed. Never use any of it outside a local dev chain.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { HDNodeWallet } from "ethers";
import { foundersSchema, type Founders } from "../deploy/founders.js";
import {
  deriveSubjectKey,
  type EncryptionKeyPair,
  encryptionPublicKey,
  type Hex,
  type MemberKindName,
  type RoleName,
  toHex,
  usccCheckCharacter,
  utf8,
} from "@consortia/sdk";

/** The Hardhat test mnemonic: account 0 deploys, accounts 1..13 act for the demo members. */
export const DEMO_MNEMONIC = "test test test test test test test test test test test junk";
/** Seed every demo secret is derived from (public: demo only). */
export const DEMO_SEED = "consortia:demo:v1";
/** Approvals a proposal needs: a majority (4) of the six voting members (three banks, two departments, regulator). */
export const DEMO_THRESHOLD = 4;

/**
 * The consortium key (HMAC key of subject keys) the demo members share. A real consortium generates one with
 * `generateConsortiumKey()` and keeps it off chain; this one is derived from the public demo seed.
 */
export const DEMO_CONSORTIUM_KEY: Hex = toHex(sha256(utf8(`${DEMO_SEED}:consortium-key`)));

/** Short names the scenario and tests use for the members. */
export const DEMO_MEMBER_KEYS = [
  "bankA",
  "bankB",
  "bankC",
  "coreA",
  "coreB",
  "supplier1",
  "supplier2",
  "supplier3",
  "supplier4",
  "agency",
  "gov1",
  "gov2",
  "regulator",
] as const;
export type DemoMemberKey = (typeof DEMO_MEMBER_KEYS)[number];

const BANK_ROLES: RoleName[] = [
  "VOTER",
  "TOKEN_ISSUER",
  "TOKEN_HOLDER",
  "PAYMENT_BANK",
  "CREDIT_REPORTER",
  "CREDIT_QUERIER",
  "FINANCIER",
  "LC_BANK",
  "GUARANTOR",
  "FORFAITER",
];
const CORE_ROLES: RoleName[] = [
  "TOKEN_HOLDER",
  "RECEIVABLE_OBLIGOR",
  "RECEIVABLE_HOLDER",
  "LC_TRADER",
  "GUARANTEE_PARTY",
  "DATA_CONSUMER",
];
const SUPPLIER_ROLES: RoleName[] = ["TOKEN_HOLDER", "RECEIVABLE_HOLDER", "LC_TRADER", "GUARANTEE_PARTY"];
const DEPARTMENT_ROLES: RoleName[] = ["VOTER", "DATA_OWNER", "DATA_CONSUMER", "CERTIFICATE_ISSUER"];

/** A demo member as written in the source: everything but the derived keys. */
interface MemberSpec {
  kind: MemberKindName;
  name: string;
  /** How the scenario's log lines name it. */
  shortName: string;
  /** The first 17 characters of its unified social credit code; the check character is computed. */
  uscc17: string;
  roles: RoleName[];
  /** What it does in the scenario (for the printed summary). */
  part: string;
}

// USCC layout (GB 32100-2015): registration authority (9 = market regulation, 1 = state organ), organisation category
// (1 = enterprise / organ), 6-digit administrative division, 9-character organisation code, check character.
const SPECS: Record<DemoMemberKey, MemberSpec> = {
  bankA: {
    shortName: "Huaxin Bank",
    kind: "Bank",
    name: "Huaxin Bank Co., Ltd.",
    uscc17: "91330100MA27HX001",
    roles: BANK_ROLES,
    part: "issuing bank of Huaxia Motors' letter of credit",
  },
  bankB: {
    shortName: "Minfeng Bank",
    kind: "Bank",
    name: "Minfeng Bank Co., Ltd.",
    uscc17: "91110000MA01MF002",
    roles: BANK_ROLES,
    part: "advising bank; discounts the supplier's accepted claim and sells it on",
  },
  bankC: {
    shortName: "Jianghai Bank",
    kind: "Bank",
    name: "Jianghai Bank Co., Ltd.",
    uscc17: "91440300MA5DJH003",
    roles: BANK_ROLES,
    part: "reports a defaulter; guarantor of a bid bond; buys the claim in the forfaiting market",
  },
  coreA: {
    shortName: "Huaxia Motors",
    kind: "Enterprise",
    name: "Huaxia Motors Group Co., Ltd.",
    uscc17: "91431300MA4RHM004",
    roles: CORE_ROLES,
    part: "core enterprise; applicant of the letter of credit",
  },
  coreB: {
    shortName: "Nansha Port Group",
    kind: "Enterprise",
    name: "Nansha Port Construction Group Co., Ltd.",
    uscc17: "91440115MA59NP005",
    roles: CORE_ROLES,
    part: "core enterprise; runs a tender and holds the bid guarantee",
  },
  supplier1: {
    shortName: "Jiangnan Precision",
    kind: "Enterprise",
    name: "Jiangnan Precision Parts Co., Ltd.",
    uscc17: "91320500MA1JN0006",
    roles: SUPPLIER_ROLES,
    part: "supplier; beneficiary of the letter of credit",
  },
  supplier2: {
    shortName: "Lianchuang Electronics",
    kind: "Enterprise",
    name: "Shenzhen Lianchuang Electronics Co., Ltd.",
    uscc17: "91440300MA5LC0007",
    roles: SUPPLIER_ROLES,
    part: "supplier; bids in Nansha Port's tender with a bank guarantee",
  },
  supplier3: {
    shortName: "Hengtai Steel",
    kind: "Enterprise",
    name: "Loudi Hengtai Steel Components Co., Ltd.",
    uscc17: "91431300MA4HT0008",
    roles: SUPPLIER_ROLES,
    part: "second-tier supplier (receivables)",
  },
  supplier4: {
    shortName: "Haitong Logistics",
    kind: "Enterprise",
    name: "Ningbo Haitong Logistics Co., Ltd.",
    uscc17: "91330200MA2HT0009",
    roles: SUPPLIER_ROLES,
    part: "logistics supplier (receivables)",
  },
  agency: {
    shortName: "Qianhai Credit",
    kind: "CreditAgency",
    name: "Qianhai Credit Reference Co., Ltd.",
    uscc17: "91440300MA5QH0010",
    roles: ["CREDIT_REPORTER", "CREDIT_QUERIER", "DATA_CONSUMER"],
    part: "credit agency",
  },
  gov1: {
    shortName: "Loudi Real Estate Registration",
    kind: "Government",
    name: "Loudi Municipal Real Estate Registration Center",
    uscc17: "12431300MB1RE0011",
    roles: DEPARTMENT_ROLES,
    part: "owns the real-estate registrations; issues real-estate vouchers",
  },
  gov2: {
    shortName: "Loudi Tax Bureau",
    kind: "Government",
    name: "Loudi Municipal Taxation Bureau",
    uscc17: "11431300MB1TX0012",
    roles: [...DEPARTMENT_ROLES, "TAX_AUTHORITY"],
    part: "requests the real-estate registrations for property-tax assessment; attests invoices as genuine",
  },
  regulator: {
    shortName: "Hunan Financial Regulator",
    kind: "Regulator",
    name: "Hunan Financial Regulatory Bureau",
    uscc17: "11430000MB1FR0013",
    roles: ["VOTER", "AUDITOR"],
    part: "regulator: reads every sealed payload, resolves disputes, moves no asset",
  },
};

/** A demo member with its account, key and derived identifiers. */
export interface DemoMember {
  key: DemoMemberKey;
  kind: MemberKindName;
  /** Registered name (fictional). */
  name: string;
  /** How the scenario's log lines name it. */
  shortName: string;
  /** Its unified social credit code (valid check character). */
  uscc: string;
  /** `deriveSubjectKey({ consortiumKey: DEMO_CONSORTIUM_KEY, kind: "uscc", value: uscc })`: its registration hash. */
  registrationHash: Hex;
  roles: RoleName[];
  /** Member id on a fresh chain (bootstrap admits founders in order, from 1). */
  memberId: number;
  /** Hardhat mnemonic index of its admin account (1..13). */
  accountIndex: number;
  /** Its admin account. */
  account: string;
  /** The admin account's private key (Hardhat test mnemonic: public, demo only). */
  privateKey: Hex;
  /** X25519 key pair; the public key is its registry `encryptionKey`. */
  encryptionKeyPair: EncryptionKeyPair;
  part: string;
}

export type DemoConsortium = Record<DemoMemberKey, DemoMember>;

/** A valid USCC from its first 17 characters. */
export function usccOf(first17: string): string {
  return `${first17}${usccCheckCharacter(first17)}`;
}

/** The demo member's X25519 key pair, derived from the demo seed (an X25519 private key is any 32 bytes). */
export function demoEncryptionKeyPair(key: string): EncryptionKeyPair {
  const privateKey = toHex(sha256(utf8(`${DEMO_SEED}:encryption-key:${key}`)));
  return { privateKey, publicKey: encryptionPublicKey(privateKey) };
}

let cached: DemoConsortium | undefined;

/** The thirteen demo members, keyed by short name (deterministic; derived once per process). */
export function demoConsortium(): DemoConsortium {
  if (cached !== undefined) return cached;
  // Derive the account parent once: a PBKDF2 run per account would cost ~100 ms each.
  const parent = HDNodeWallet.fromPhrase(DEMO_MNEMONIC, undefined, "m/44'/60'/0'/0");
  const members = {} as DemoConsortium;
  DEMO_MEMBER_KEYS.forEach((key, index) => {
    const spec = SPECS[key];
    const accountIndex = index + 1;
    const wallet = parent.deriveChild(accountIndex);
    const uscc = usccOf(spec.uscc17);
    members[key] = {
      key,
      kind: spec.kind,
      name: spec.name,
      shortName: spec.shortName,
      uscc,
      registrationHash: deriveSubjectKey({ consortiumKey: DEMO_CONSORTIUM_KEY, kind: "uscc", value: uscc }),
      roles: [...spec.roles],
      memberId: index + 1,
      accountIndex,
      account: wallet.address,
      privateKey: wallet.privateKey as Hex,
      encryptionKeyPair: demoEncryptionKeyPair(key),
      part: spec.part,
    };
  });
  cached = members;
  return members;
}

/** The founders file content for the deploy command (`--founders`), validated against its schema. */
export function demoFounders(): Founders {
  const members = demoConsortium();
  return foundersSchema.parse({
    threshold: DEMO_THRESHOLD,
    members: DEMO_MEMBER_KEYS.map((key) => {
      const member = members[key];
      return {
        kind: member.kind,
        name: member.name,
        registrationHash: member.registrationHash,
        encryptionKey: member.encryptionKeyPair.publicKey,
        roles: member.roles,
        admin: member.account,
      };
    }),
  });
}

/** Writes the demo founders file to `path` (creating its directory) and returns the path. */
export async function writeDemoFounders(path: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(demoFounders(), null, 2)}\n`);
  return path;
}
