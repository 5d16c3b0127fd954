import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { keccak256, toUtf8Bytes, type ContractTransactionResponse, type Interface } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import { MemberKind, roleSet } from "@consortia/sdk";
import type {
  AuthorityAttestations,
  FinancedDocuments,
  FinancingRequests,
  IReceivableDesk,
  IssuanceLimits,
  MaturityArrangements,
  ReceivableCertificate,
  ReceivableDesk,
  ReceivableReceiverMock,
  RecourseClaims,
} from "@consortia/sdk/typechain";
import { deployPlatform, type Platform } from "../helpers/consortium.js";
import { deployUpgradeable } from "../helpers/upgradeable.js";

/** Document kinds of contracts/platform/types/DocumentRef.sol used by receivables. */
export const DocumentKind = { CONTRACT: 1, INVOICE: 2, DELIVERY: 3 } as const;

export const CNY = "0x434e59";
export const DAY = 24 * 60 * 60;

/** Receivable statuses of IReceivableDesk. */
export const Status = {
  None: 0n,
  Registered: 1n,
  Rejected: 2n,
  Cancelled: 3n,
  Active: 4n,
  Overdue: 5n,
  GuaranteeCalled: 6n,
  Funded: 7n,
  Settled: 8n,
} as const;

export const OfferStatus = { None: 0n, Pending: 1n, Accepted: 2n, Refused: 3n, Cancelled: 4n, Expired: 5n } as const;
export const PledgeStatus = { None: 0n, Active: 1n, Released: 2n, Taken: 3n } as const;

/** Receiver mock modes. */
export const ReceiverMode = { Accept: 0, WrongAnswer: 1, Revert: 2, Silent: 3, Reenter: 4, Forward: 5 } as const;

export interface Receivables extends Platform {
  certificates: ReceivableCertificate;
  /** The authority attestations whose receivable-financing policies the certificate enforces. */
  attestations: AuthorityAttestations;
  desk: ReceivableDesk;
  /** Multi-bank financing requests over the desk's certificates (a system contract). */
  financing: FinancingRequests;
  /** Discounting with or without recourse, and recourse down the lineage (a system contract bound to the
   * certificate). */
  recourse: RecourseClaims;
  /** Part payments at maturity (a system contract bound to the certificate). */
  arrangements: MaturityArrangements;
  financedDocuments: FinancedDocuments;
  limits: IssuanceLimits;
  /** A contract account of member "receiver" (RECEIVABLE_HOLDER) that implements the receiver hooks. */
  receiver: ReceivableReceiverMock;
  receiverId: number;
  now: () => Promise<number>;
}

function hash(label: string): string {
  return keccak256(toUtf8Bytes(label));
}

/** Deploys the platform, the certificate token and the desk (its only minter), and a receiver-contract member. */
export async function deployReceivables(connection: NetworkConnection): Promise<Receivables> {
  const { ethers, networkHelpers } = connection;
  const platform = await deployPlatform(connection);
  const attestations = await deployUpgradeable(ethers, "AuthorityAttestations", [platform.registry]);
  const certificates = await deployUpgradeable(ethers, "ReceivableCertificate", [
    platform.registry,
    2,
    platform.freezeOrders,
    attestations,
  ]);
  const financedDocuments = await deployUpgradeable(ethers, "FinancedDocuments", [platform.registry]);
  const limits = await deployUpgradeable(ethers, "IssuanceLimits", [platform.registry]);
  const desk = await deployUpgradeable(ethers, "ReceivableDesk", [
    platform.registry,
    platform.token,
    platform.ledger,
    certificates,
    financedDocuments,
    limits,
  ]);
  await certificates.bindDesk(desk);
  const financing = await deployUpgradeable(ethers, "FinancingRequests", [
    platform.registry,
    desk,
    certificates,
    platform.token,
    attestations,
  ]);
  const recourse = await deployUpgradeable(ethers, "RecourseClaims", [
    platform.registry,
    desk,
    certificates,
    platform.token,
    attestations,
  ]);
  await certificates.bindRecourse(recourse);
  const arrangements = await deployUpgradeable(ethers, "MaturityArrangements", [
    platform.registry,
    platform.token,
    platform.ledger,
    desk,
    certificates,
  ]);
  await certificates.bindArrangements(arrangements);
  const receiver = await ethers.deployContract("ReceivableReceiverMock", [certificates]);
  await platform.registry.bootstrapMember(
    MemberKind.Enterprise,
    "receiver",
    hash("registration:receiver"),
    hash("encryption-key:receiver"),
    roleSet("RECEIVABLE_HOLDER", "TOKEN_HOLDER"),
    receiver,
  );
  const receiverId = Number(await platform.registry.memberOf(receiver));
  await platform.finishBootstrap([desk, financing, recourse, arrangements]);
  return {
    ...platform,
    certificates,
    attestations,
    desk,
    financing,
    recourse,
    arrangements,
    financedDocuments,
    limits,
    receiver,
    receiverId,
    now: () => networkHelpers.time.latest(),
  };
}

let invoiceCounter = 0;

/** Complete terms against `obligor`, maturing in 90 days, with a fresh invoice. */
export async function makeTerms(
  fx: Receivables,
  overrides: Partial<IReceivableDesk.ReceivableTermsStruct> = {},
): Promise<IReceivableDesk.ReceivableTermsStruct> {
  const n = ++invoiceCounter;
  return {
    obligor: fx.ids.core,
    maturity: (await fx.now()) + 90 * DAY,
    faceValue: 1_000_000n,
    currency: CNY,
    invoiceKey: hash(`invoice:${n}`),
    contractDoc: {
      contentHash: hash(`contract:${n}`),
      uriHash: hash(`uri:contract:${n}`),
      kind: DocumentKind.CONTRACT,
    },
    invoiceDoc: {
      contentHash: hash(`invoice-doc:${n}`),
      uriHash: hash(`uri:invoice:${n}`),
      kind: DocumentKind.INVOICE,
    },
    deliveryDoc: {
      contentHash: hash(`delivery:${n}`),
      uriHash: hash(`uri:delivery:${n}`),
      kind: DocumentKind.DELIVERY,
    },
    ...overrides,
  };
}

/** Supplier1 registers, core confirms: returns the receivable and its root certificate (held by supplier1). */
export async function confirmed(
  fx: Receivables,
  overrides: Partial<IReceivableDesk.ReceivableTermsStruct> = {},
  holder: HardhatEthersSigner = fx.accounts.supplier1,
): Promise<{ receivableId: bigint; rootTokenId: bigint; maturity: bigint }> {
  const terms = await makeTerms(fx, overrides);
  const receivableId = await fx.desk.connect(holder).register.staticCall(terms);
  await fx.desk.connect(holder).register(terms);
  const rootTokenId = await fx.desk.connect(fx.accounts.core).confirm.staticCall(receivableId);
  await fx.desk.connect(fx.accounts.core).confirm(receivableId);
  return { receivableId, rootTokenId, maturity: BigInt(terms.maturity) };
}

/** Splits `value` of `fromTokenId` to `to` (as `signer`) and returns the new certificate id. */
export async function split(
  fx: Receivables,
  signer: HardhatEthersSigner,
  fromTokenId: bigint,
  to: string | { getAddress(): Promise<string> },
  value: bigint,
): Promise<bigint> {
  const c = fx.certificates.connect(signer);
  const address = typeof to === "string" ? to : await to.getAddress();
  const id = await c["transferFrom(uint256,address,uint256)"].staticCall(fromTokenId, address, value);
  await c["transferFrom(uint256,address,uint256)"](fromTokenId, address, value);
  return id;
}

/** Names of the events a transaction emitted from `contract`, in order. */
export async function eventNames(
  tx: ContractTransactionResponse,
  contract: { interface: Interface; getAddress(): Promise<string> },
): Promise<string[]> {
  const receipt = await tx.wait();
  const address = (await contract.getAddress()).toLowerCase();
  const names: string[] = [];
  for (const log of receipt?.logs ?? []) {
    if (log.address.toLowerCase() !== address) continue;
    const parsed = contract.interface.parseLog(log);
    if (parsed !== null) names.push(parsed.name);
  }
  return names;
}
