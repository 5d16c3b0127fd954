import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { keccak256, toUtf8Bytes } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import type { FinancedDocuments, WarehouseReceipts } from "@consortia/sdk/typechain";
import { deployPlatform, passProposal, type Platform } from "../helpers/consortium.js";
import { AccessLevel } from "../helpers/suite.js";
import { deployUpgradeable } from "../helpers/upgradeable.js";

export const CNY = "0x434e59";
/** `IWarehouseReceipts.Mode` and `.Status`. */
export const Mode = { None: 0, Inventory: 1, Confirmed: 2 } as const;
export const ReceiptStatus = { None: 0n, Issued: 1n, Offered: 2n, Pledged: 3n, Closed: 4n } as const;
export const QUANTITY = 1_000n;
export const VALUE = 2_000_000n;
export const PRINCIPAL = 1_000_000n;
export const LOAN = keccak256(toUtf8Bytes("loan: bankA WR-2026-001"));
export const hash = (label: string) => keccak256(toUtf8Bytes(label));

/** `IWarehouseReceipts.ReceiptTerms` for supplier-style tests (defaults: supplier1's 1,000 units in 融通仓). */
export function terms(fx: { ids: Record<string, number> }, changes: Partial<Record<string, unknown>> = {}) {
  return {
    depositor: fx.ids.supplier1,
    mode: Mode.Inventory as number,
    dealer: 0,
    goodsHash: hash("g"),
    locationHash: hash("l"),
    documentId: hash("d"),
    quantity: QUANTITY,
    value: VALUE,
    currency: CNY,
    ...changes,
  };
}

export interface Warehouse extends Platform {
  documents: FinancedDocuments;
  receipts: WarehouseReceipts;
  /** A second Transact account of the regulator (freeze orders need two). */
  regulator2: HardhatEthersSigner;
  suspend(memberId: number): Promise<void>;
}

/**
 * Platform, register of financed documents and warehouse receipts (a system contract); gov2 is the warehouse,
 * supplier1 and core deposit goods, supplier2 is a dealer, bankA and bankB finance.
 */
export async function deployWarehouse(connection: NetworkConnection): Promise<Warehouse> {
  const { ethers } = connection;
  const platform = await deployPlatform(connection);
  const documents = await deployUpgradeable(ethers, "FinancedDocuments", [platform.registry]);
  const receipts = await deployUpgradeable(ethers, "WarehouseReceipts", [
    platform.registry,
    documents,
    platform.freezeOrders,
  ]);
  await platform.finishBootstrap([receipts]);
  const [regulator2] = platform.outsiders;
  await platform.registry
    .connect(platform.accounts.regulator)
    .addAccount(platform.ids.regulator, regulator2, AccessLevel.Transact);
  const suspend = async (memberId: number) => {
    await passProposal(
      platform,
      platform.registry,
      platform.registry.interface.encodeFunctionData("suspendMember", [memberId]),
      `suspend ${memberId}`,
    );
  };
  return { ...platform, documents, receipts, regulator2, suspend };
}

/** gov2 issues a 融通仓 receipt to supplier1 (1,000 units valued 2,000,000) for goods `label`; returns its id. */
export async function issued(fx: Warehouse, label = "lot-1", mode: number = Mode.Inventory): Promise<bigint> {
  const w = fx.receipts.connect(fx.accounts.gov2);
  const depositor = mode === Mode.Confirmed ? fx.ids.core : fx.ids.supplier1;
  const dealer = mode === Mode.Confirmed ? fx.ids.supplier2 : 0;
  const terms = {
    depositor,
    mode,
    dealer,
    goodsHash: hash(`goods:${label}`),
    locationHash: hash(`location:${label}`),
    documentId: hash(`document:${label}`),
    quantity: QUANTITY,
    value: VALUE,
    currency: CNY,
  };
  const id = await w.issue.staticCall(terms);
  await w.issue(terms);
  return id;
}

/** The depositor offers the receipt to bankA for PRINCIPAL; returns the offer hash. */
export async function offered(fx: Warehouse, id: bigint, depositor?: HardhatEthersSigner): Promise<string> {
  await fx.receipts.connect(depositor ?? fx.accounts.supplier1).offerPledge(id, fx.ids.bankA, LOAN, PRINCIPAL);
  return (await fx.receipts.pledge(id)).offerHash;
}

/** Issued, offered and accepted by bankA. */
export async function pledged(fx: Warehouse, label = "lot-1", mode: number = Mode.Inventory): Promise<bigint> {
  const id = await issued(fx, label, mode);
  const depositor = mode === Mode.Confirmed ? fx.accounts.core : fx.accounts.supplier1;
  const offer = await offered(fx, id, depositor);
  await fx.receipts.connect(fx.accounts.bankA).acceptPledge(id, offer);
  return id;
}
