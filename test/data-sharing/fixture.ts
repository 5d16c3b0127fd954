import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { keccak256, toUtf8Bytes } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import { deployPlatform, type Platform } from "../helpers/consortium.js";
import type { DataSharing, ECertificates } from "@consortia/sdk/typechain";
import { deployUpgradeable } from "../helpers/upgradeable.js";

/** Classification levels of IDataSharing. */
export const Classification = {
  Public: 0,
  Internal: 1,
  Confidential: 2,
  Secret: 3,
} as const;
export const HashKind = { ContentHash: 0, MerkleRoot: 1 } as const;
export const GrantStatus = {
  None: 0,
  Requested: 1,
  Refused: 2,
  Active: 3,
  Revoked: 4,
} as const;
export const GrantValidity = {
  Valid: 0,
  Unknown: 1,
  NotActive: 2,
  Expired: 3,
  Revoked: 4,
  AncestorExpired: 5,
  AncestorRevoked: 6,
  DatasetRetired: 7,
} as const;
export const SensitiveOperation = {
  Register: 0,
  PublishVersion: 1,
  Reclassify: 2,
  SetPolicy: 3,
  Retire: 4,
  Grant: 5,
  Refuse: 6,
  Revoke: 7,
  Delegate: 8,
} as const;
export const CertificateStatus = {
  None: 0,
  Active: 1,
  Revoked: 2,
  Replaced: 3,
} as const;
export const Validity = {
  Unknown: 0,
  Valid: 1,
  NotYetValid: 2,
  Expired: 3,
  Revoked: 4,
  Replaced: 5,
} as const;

export const DAY = 24n * 3600n;
/** Four fields: bits 0..3. */
export const ALL_FIELDS = 0b1111n;

export const h = (text: string): string => keccak256(toUtf8Bytes(text));

export interface DataFixture {
  platform: Platform;
  data: DataSharing;
  certificates: ECertificates;
  /** gov1 (owner of dataset 1), gov2 (consumer, may delegate), core, supplier1, bankA: consumers. */
  owner: HardhatEthersSigner;
  consumer: HardhatEthersSigner;
  /** Dataset 1 (Internal, four fields) registered by gov1. */
  datasetId: bigint;
}

/** Deploys the platform, DataSharing and ECertificates; gov1 registers dataset 1 (Internal, four fields). */
export async function deployDataSharing(connection: NetworkConnection): Promise<DataFixture> {
  const { ethers } = connection;
  const platform = await deployPlatform(connection);
  const data = await deployUpgradeable(ethers, "DataSharing", [platform.registry]);
  const certificates = await deployUpgradeable(ethers, "ECertificates", [platform.registry]);
  await platform.finishBootstrap();
  const owner = platform.accounts.gov1;
  await data
    .connect(owner)
    .registerDataset(h("file v1"), HashKind.ContentHash, h("metadata v1"), Classification.Internal, ALL_FIELDS);
  return {
    platform,
    data,
    certificates,
    owner,
    consumer: platform.accounts.gov2,
    datasetId: 1n,
  };
}
