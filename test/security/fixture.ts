import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { keccak256, toUtf8Bytes } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import type { IReceivableDesk } from "@consortia/sdk/typechain";
import { deploySuite, type Suite } from "../helpers/suite.js";

export const DAY = 86_400n;
export const CNY = "0x434e59";
export const h = (text: string): string => keccak256(toUtf8Bytes(text));

let invoices = 0;

/** Receivable terms against core for `faceValue`, maturing in `days` days, with a fresh invoice. */
export async function receivableTerms(
  suite: Suite,
  connection: NetworkConnection,
  faceValue = 1_000_000n,
  days = 90n,
): Promise<IReceivableDesk.ReceivableTermsStruct> {
  const n = ++invoices;
  const now = BigInt(await connection.networkHelpers.time.latest());
  return {
    obligor: suite.ids.core,
    maturity: now + days * DAY,
    faceValue,
    currency: CNY,
    invoiceKey: h(`security invoice ${n}`),
    contractDoc: { contentHash: h(`contract ${n}`), uriHash: h(`uri contract ${n}`), kind: 1 },
    invoiceDoc: { contentHash: h(`invoice ${n}`), uriHash: h(`uri invoice ${n}`), kind: 2 },
    deliveryDoc: { contentHash: h(`delivery ${n}`), uriHash: h(`uri delivery ${n}`), kind: 3 },
  };
}

/** core issues a receivable directly to `creditor`; returns the receivable and its root certificate. */
export async function issueReceivable(
  suite: Suite,
  connection: NetworkConnection,
  creditor: HardhatEthersSigner,
  faceValue = 1_000_000n,
  days = 90n,
): Promise<{ receivableId: bigint; tokenId: bigint; maturity: bigint }> {
  const terms = await receivableTerms(suite, connection, faceValue, days);
  const desk = suite.receivableDesk.connect(suite.accounts.core);
  const [receivableId, tokenId] = await desk.issue.staticCall(terms, creditor);
  await desk.issue(terms, creditor);
  return { receivableId, tokenId, maturity: BigInt(terms.maturity) };
}

/** Splits `value` off `tokenId` to `to` as `signer`; returns the new certificate. */
export async function split(
  suite: Suite,
  signer: HardhatEthersSigner,
  tokenId: bigint,
  to: string,
  value: bigint,
): Promise<bigint> {
  const c = suite.receivableCertificates.connect(signer);
  const id = await c["transferFrom(uint256,address,uint256)"].staticCall(tokenId, to, value);
  await c["transferFrom(uint256,address,uint256)"](tokenId, to, value);
  return id;
}

/** The announcement of a whole certificate (or any listed claim) with open quotes until `now + 2 days`. */
export async function announcement(
  connection: NetworkConnection,
  asset: string,
  claimId: bigint,
): Promise<{
  asset: string;
  claimId: bigint;
  askingPrice: bigint;
  askingDiscountBps: number;
  askingTermsHash: string;
  quoteDeadline: bigint;
  revealPeriod: number;
  documents: { contentHash: string; uriHash: string; kind: number }[];
}> {
  const now = BigInt(await connection.networkHelpers.time.latest());
  return {
    asset,
    claimId,
    askingPrice: 0n,
    askingDiscountBps: 0,
    askingTermsHash: h("asking terms"),
    quoteDeadline: now + 2n * DAY,
    revealPeriod: 0,
    documents: [{ contentHash: h("receivable certificate"), uriHash: h("uri certificate"), kind: 255 }],
  };
}

/**
 * An accepted deferred-payment LC presentation: bankA issues for core, bankB advises, supplier1 (the beneficiary)
 * presents `amount` and bankA accepts it, maturing in `days` days. The claim on bankA is held by supplier1.
 */
export async function acceptedLcClaim(
  suite: Suite,
  connection: NetworkConnection,
  amount = 100_000n,
  days = 60n,
): Promise<{ lcId: bigint; claimId: bigint; maturity: bigint }> {
  const { letterOfCredit: lc, accounts } = suite;
  const now = BigInt(await connection.networkHelpers.time.latest());
  const terms = {
    advisingBank: accounts.bankB.address,
    nominatedBank: "0x0000000000000000000000000000000000000000",
    beneficiary: accounts.supplier1.address,
    amount,
    currency: CNY,
    tolerancePlus: 0,
    toleranceMinus: 0,
    expiry: now + 90n * DAY,
    latestShipment: now + 60n * DAY,
    deferred: true,
    tenorDays: 120,
    partialDrawings: true,
    requiredDocuments: 1 << 2,
    termsHash: h("lc terms"),
  };
  const lcId = await lc.connect(accounts.bankA).issue.staticCall(accounts.core, terms);
  await lc.connect(accounts.bankA).issue(accounts.core, terms);
  await lc.connect(accounts.bankB).advise(lcId);
  await lc.connect(accounts.supplier1).acknowledge(lcId);
  const docs = [{ contentHash: h("invoice"), uriHash: h("uri invoice"), kind: 2 }];
  const claimId = await lc.connect(accounts.supplier1).present.staticCall(lcId, amount, docs);
  await lc.connect(accounts.supplier1).present(lcId, amount, docs);
  await lc.connect(accounts.bankA).examine(claimId, []);
  const maturity = BigInt(await connection.networkHelpers.time.latest()) + days * DAY;
  await lc.connect(accounts.bankA).accept(claimId, maturity);
  return { lcId, claimId, maturity };
}

export { deploySuite, type Suite };
