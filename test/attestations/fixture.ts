import { keccak256, toUtf8Bytes } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import { Roles } from "@consortia/sdk";
import type { AuthorityAttestations } from "@consortia/sdk/typechain";
import type { IAuthorityAttestations } from "@consortia/sdk/typechain/attestations/AuthorityAttestations.js";
import { deployPlatform, passProposal, TEST_MEMBER_ROLES, type Platform } from "../helpers/consortium.js";
import { deployUpgradeable } from "../helpers/upgradeable.js";

export const h = (text: string): string => keccak256(toUtf8Bytes(text));

/** `IAuthorityAttestations.Kind`. */
export const Kind = {
  None: 0,
  InvoiceGenuine: 1,
  ExportDeclaration: 2,
  CompanyRegistered: 3,
  CourtJudgement: 4,
  CourtFreeze: 5,
  WarehouseReceipt: 6,
} as const;

/** `IAuthorityAttestations.Application`. */
export const Application = {
  None: 0,
  ReceivableFinancing: 1,
  LcHonour: 2,
  GuaranteeIssue: 3,
  ForfaitingPurchase: 4,
} as const;

/** A policy's bit for a kind. */
export const bit = (kind: number): bigint => 1n << BigInt(kind);

export const INVOICE_KEY = h("hmac:invoice:4400231130/00012345");
export const COMPANY_KEY = h("hmac:company:91440101MA5XXXXXX1");
export const DAY = 86_400;

export interface AttestationsFixture {
  platform: Platform;
  app: AuthorityAttestations;
  /** Roles after the fixture's vote (bankC also a tax bureau). */
  roles: { gov1: bigint; gov2: bigint; bankC: bigint };
}

/** Deploys the platform and the attestations contract and grants the authority roles by one vote each. */
export async function deployAttestations(connection: NetworkConnection): Promise<AttestationsFixture> {
  const { ethers } = connection;
  const platform = await deployPlatform(connection);
  const { registry, ids } = platform;
  const app = await deployUpgradeable(ethers, "AuthorityAttestations", [registry]);
  await platform.finishBootstrap();
  // The test members: gov1 is tax bureau and business registry, gov2 customs, court and warehouse. bankC is also made
  // a tax bureau here (a bank that could attest its own financing).
  const roles = {
    gov1: TEST_MEMBER_ROLES.gov1,
    gov2: TEST_MEMBER_ROLES.gov2,
    bankC: TEST_MEMBER_ROLES.bankC | Roles.TAX_AUTHORITY,
  };
  await passProposal(platform, registry, registry.interface.encodeFunctionData("setRoles", [ids.bankC, roles.bankC]));
  return { platform, app, roles };
}

/** A fact valid from now for `days` days. */
export async function fact(
  connection: NetworkConnection,
  overrides: Partial<IAuthorityAttestations.FactStruct> = {},
  days = 90,
): Promise<IAuthorityAttestations.FactStruct> {
  const now = await connection.networkHelpers.time.latest();
  return {
    kind: Kind.InvoiceGenuine,
    subjectKey: INVOICE_KEY,
    evidenceHash: h("tax:record:4400231130/00012345"),
    validFrom: now,
    validUntil: now + days * DAY,
    factDate: 0,
    amount: 0,
    currency: "0x000000",
    ...overrides,
  };
}
