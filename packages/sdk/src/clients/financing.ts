/**
 * Multi-bank financing requests (FinancingRequests): the holder of a receivable certificate asks several banks at
 * once; each quotes an annual rate (ACT/360 or ACT/365) and a fee, in the clear or sealed (commit, then reveal once
 * quoting closes); the holder accepts one quote and the contract computes the price from the rate and the days to
 * maturity, moving the certificate's value to the bank and the price to the holder in one transaction.
 */
import { AbiCoder, hexlify, keccak256, randomBytes, type BigNumberish, type ContractTransactionReceipt } from "ethers";
import { ConsortiumRegistry__factory } from "../typechain/factories/platform/ConsortiumRegistry__factory.js";
import { DepositToken__factory } from "../typechain/factories/platform/DepositToken__factory.js";
import { FinancingRequests__factory } from "../typechain/factories/receivables/FinancingRequests__factory.js";
import { ReceivableCertificate__factory } from "../typechain/factories/receivables/ReceivableCertificate__factory.js";
import type { FinancingRequests, IFinancingRequests } from "../typechain/receivables/FinancingRequests.js";
import { defineClient, type ClientContext, type SendOptions } from "./define.js";
import { eventArgs } from "./events.js";

export const FINANCING_REQUEST_STATUS = ["None", "Open", "Accepted", "Cancelled"] as const;
export const FINANCING_QUOTE_STATUS = ["None", "Committed", "Quoted", "Accepted", "Withdrawn"] as const;
export const DAY_COUNT = ["None", "ACT/360", "ACT/365"] as const;

export type FinancingRequestStatusName = (typeof FINANCING_REQUEST_STATUS)[number];
export type FinancingQuoteStatusName = (typeof FINANCING_QUOTE_STATUS)[number];
export type DayCountName = "ACT/360" | "ACT/365";

/** A bank's terms: annual rate in basis points, convention, flat fee (token minor units), acceptable until. */
export interface FinancingQuoteTerms {
  rateBps: number;
  dayCount: DayCountName;
  fee: bigint;
  validUntil: bigint;
}

export interface FinancingRequestInput {
  tokenId: bigint;
  value: bigint;
  banks: number[];
  quoteDeadline: bigint;
  /** Sealed quotes: banks commit until `quoteDeadline` and reveal until this second. */
  revealDeadline?: bigint;
}

export interface FinancingRequestView {
  requestId: bigint;
  status: FinancingRequestStatusName;
  tokenId: bigint;
  receivableId: bigint;
  supplier: number;
  holder: string;
  requester: string;
  value: bigint;
  maturity: bigint;
  sealedQuotes: boolean;
  quoteDeadline: bigint;
  revealDeadline: bigint;
  banks: number[];
  acceptedBank: number;
}

export interface FinancingQuoteView {
  bank: number;
  status: FinancingQuoteStatusName;
  account: string;
  /** Undefined while sealed. */
  terms: FinancingQuoteTerms | undefined;
  commitment: string;
}

/** A sealed quote's secret: keep the salt and terms until the reveal. */
export interface SealedFinancingQuote {
  requestId: bigint;
  bank: number;
  terms: FinancingQuoteTerms;
  salt: string;
  commitment: string;
}

export interface FinancingPrice {
  daysToMaturity: bigint;
  interest: bigint;
  price: bigint;
}

/** `IFinancingRequests.QuoteTerms` as the contract takes it. */
export function encodeQuoteTerms(terms: FinancingQuoteTerms): IFinancingRequests.QuoteTermsStruct {
  const dayCount = DAY_COUNT.indexOf(terms.dayCount);
  if (dayCount < 1) throw new Error(`unknown day count ${terms.dayCount as string}: ACT/360 or ACT/365`);
  return { rateBps: terms.rateBps, dayCount, fee: terms.fee, validUntil: terms.validUntil };
}

/** keccak256(abi.encode(contract, requestId, bank, terms, salt)): the commitment of a sealed financing quote. */
export function financingQuoteCommitment(
  contract: string,
  requestId: BigNumberish,
  bank: number,
  terms: FinancingQuoteTerms,
  salt: string,
): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["address", "uint256", "uint32", "tuple(uint16,uint8,uint88,uint40)", "bytes32"],
      [contract, requestId, bank, Object.values(encodeQuoteTerms(terms)), salt],
    ),
  );
}

/**
 * The price a quote gives, computed as the contract does: started days count whole, interest rounded down,
 * price = value - interest - fee (throws when not positive).
 */
export function financingPrice(
  value: bigint,
  maturity: bigint,
  terms: Pick<FinancingQuoteTerms, "rateBps" | "dayCount" | "fee">,
  at: bigint,
): FinancingPrice {
  if (at >= maturity) throw new Error(`matured at ${maturity}`);
  const daysToMaturity = (maturity - at + 86_399n) / 86_400n;
  const basis = terms.dayCount === "ACT/360" ? 360n : 365n;
  const interest = (value * BigInt(terms.rateBps) * daysToMaturity) / (basis * 10_000n);
  const price = value - interest - terms.fee;
  if (price <= 0n) throw new Error("the quote leaves no positive price");
  return { daysToMaturity, interest, price };
}

function decodeTerms(t: IFinancingRequests.QuoteTermsStructOutput): FinancingQuoteTerms {
  return {
    rateBps: Number(t.rateBps),
    dayCount: DAY_COUNT[Number(t.dayCount)] as DayCountName,
    fee: t.fee,
    validUntil: t.validUntil,
  };
}

export type FinancingClient = ReturnType<typeof createFinancingClient>;

function createFinancingClient(context: ClientContext) {
  const contract: FinancingRequests = context.connect("FinancingRequests", FinancingRequests__factory);
  const address = context.address("FinancingRequests");
  const send = (transaction: () => ReturnType<FinancingRequests["cancel"]>, options?: SendOptions) =>
    context.send(contract, transaction, options);
  const event = (receipt: ContractTransactionReceipt, name: string) =>
    eventArgs(receipt, address, contract.interface, name);
  const bankOf = async (): Promise<number> => {
    const registry = ConsortiumRegistry__factory.connect(await contract.registry(), context.runner);
    return Number(await registry.memberOf(await context.signerAddress()));
  };
  /** The bank's account lets the contract pull up to the requested value (the price is always below it). */
  const ensureAllowance = async (requestId: bigint, options?: SendOptions): Promise<void> => {
    const token = DepositToken__factory.connect(await contract.settlementToken(), context.runner);
    const needed = (await contract.requestOf(requestId)).value;
    if ((await token.allowance(await context.signerAddress(), address)) >= needed) return;
    await context.send(token, () => token.approve(address, needed), options);
  };

  async function requestOf(requestId: bigint): Promise<FinancingRequestView> {
    const [r, banks] = await Promise.all([contract.requestOf(requestId), contract.banksOf(requestId)]);
    return {
      requestId,
      status: FINANCING_REQUEST_STATUS[Number(r.status)],
      tokenId: r.tokenId,
      receivableId: r.receivableId,
      supplier: Number(r.supplier),
      holder: r.holder,
      requester: r.requester,
      value: r.value,
      maturity: r.maturity,
      sealedQuotes: r.sealedQuotes,
      quoteDeadline: r.quoteDeadline,
      revealDeadline: r.revealDeadline,
      banks: banks.map(Number),
      acceptedBank: Number(r.acceptedBank),
    };
  }

  async function quoteOf(requestId: bigint, bank: number): Promise<FinancingQuoteView> {
    const q = await contract.quoteOf(requestId, bank);
    const status = FINANCING_QUOTE_STATUS[Number(q.status)];
    const known = status === "Quoted" || status === "Accepted" || (status === "Withdrawn" && q.terms.dayCount !== 0n);
    return {
      bank,
      status,
      account: q.account,
      terms: known ? decodeTerms(q.terms) : undefined,
      commitment: q.commitment,
    };
  }

  return {
    contract,
    address,
    /**
     * Asks banks to quote for value of a certificate; approves this contract for the certificate first (it moves the
     * value at acceptance). Returns the request id.
     */
    async request(input: FinancingRequestInput, options?: SendOptions): Promise<bigint> {
      const certificates = ReceivableCertificate__factory.connect(await contract.certificates(), context.runner);
      if (!(await certificates.isApprovedOrOwner(address, input.tokenId))) {
        await context.send(
          certificates,
          () => certificates["approve(address,uint256)"](address, input.tokenId),
          options,
        );
      }
      const sealed = input.revealDeadline !== undefined;
      const receipt = await send(
        () =>
          contract.request(
            input.tokenId,
            input.value,
            input.banks,
            sealed,
            input.quoteDeadline,
            input.revealDeadline ?? 0n,
          ),
        options,
      );
      return event(receipt, "FinancingRequested").requestId as bigint;
    },
    /** The caller's bank quotes in the clear (approving the requested value in tokens first). */
    async quote(requestId: bigint, terms: FinancingQuoteTerms, options?: SendOptions) {
      await ensureAllowance(requestId, options);
      return send(() => contract.quote(requestId, encodeQuoteTerms(terms)), options);
    },
    /** The caller's bank commits to sealed terms; keep the returned salt for the reveal. */
    async commitQuote(
      requestId: bigint,
      terms: FinancingQuoteTerms,
      salt: string = hexlify(randomBytes(32)),
      options?: SendOptions,
    ): Promise<SealedFinancingQuote & { receipt: ContractTransactionReceipt }> {
      encodeQuoteTerms(terms);
      const bank = await bankOf();
      const commitment = financingQuoteCommitment(address, requestId, bank, terms, salt);
      const receipt = await send(() => contract.commitQuote(requestId, commitment), options);
      return { requestId, bank, terms, salt, commitment, receipt };
    },
    /** Reveals sealed terms after quoting closed (approving the requested value in tokens first). */
    async revealQuote(requestId: bigint, terms: FinancingQuoteTerms, salt: string, options?: SendOptions) {
      await ensureAllowance(requestId, options);
      return send(() => contract.revealQuote(requestId, encodeQuoteTerms(terms), salt), options);
    },
    withdrawQuote: (requestId: bigint, options?: SendOptions) => send(() => contract.withdrawQuote(requestId), options),
    /** The requester accepts a bank's quote: returns the bank's certificate and what was paid. */
    async accept(
      requestId: bigint,
      bank: number,
      options?: SendOptions,
    ): Promise<FinancingPrice & { newTokenId: bigint; receipt: ContractTransactionReceipt }> {
      const receipt = await send(() => contract.accept(requestId, bank), options);
      const e = event(receipt, "FinancingAccepted");
      const pricing = e.pricing as { daysToMaturity: bigint; interest: bigint; price: bigint };
      return {
        newTokenId: e.newTokenId as bigint,
        daysToMaturity: pricing.daysToMaturity,
        interest: pricing.interest,
        price: pricing.price,
        receipt,
      };
    },
    cancel: (requestId: bigint, options?: SendOptions) => send(() => contract.cancel(requestId), options),
    requestOf,
    quoteOf,
    /** Every asked bank's quote on a request. */
    async quotesOf(requestId: bigint): Promise<FinancingQuoteView[]> {
      const banks = await contract.banksOf(requestId);
      return Promise.all(banks.map((bank) => quoteOf(requestId, Number(bank))));
    },
    /** The price the contract would compute now (or at `at`) for terms on a request. */
    async priceOf(requestId: bigint, terms: FinancingQuoteTerms, at?: bigint): Promise<FinancingPrice> {
      const r = await contract.requestOf(requestId);
      const when = at ?? BigInt((await context.provider.getBlock("latest"))?.timestamp ?? 0);
      const p = await contract.priceOf(r.value, r.maturity, encodeQuoteTerms(terms), when);
      return { daysToMaturity: p.daysToMaturity, interest: p.interest, price: p.price };
    },
    requestCount: () => contract.requestCount(),
    /**
     * Sealed quotes committed and neither revealed nor withdrawn: while any remain, no quote is accepted before the
     * reveal deadline.
     */
    pendingReveals: (requestId: bigint) => contract.pendingReveals(requestId),
  };
}

const party = (p: Record<string, string>) => `${p.caller} is not the party for this step (member ${p.expected})`;

export default defineClient({
  contracts: { FinancingRequests: FinancingRequests__factory },
  enums: {
    "IFinancingRequests.RequestStatus": FINANCING_REQUEST_STATUS,
    "IFinancingRequests.QuoteStatus": FINANCING_QUOTE_STATUS,
  },
  messages: {
    FinancingUnknownRequest: (p) => `no financing request ${p.requestId}`,
    FinancingWrongStatus: (p) => `financing request ${p.requestId} is ${p.current}`,
    FinancingWrongParty: (p) => party(p),
    FinancingBankNotAsked: (p) => `member ${p.bank} was not asked to quote on financing request ${p.requestId}`,
    FinancingInvalidTerms: (p) => `invalid ${p.field}`,
    FinancingIneligibleMember: (p) => `member ${p.member} is not an active member with role ${p.role}`,
    FinancingTooEarly: (p) => `too early: not before ${p.notBefore}`,
    FinancingTooLate: (p) => `too late: the deadline was ${p.deadline}`,
    FinancingQuoteWrongStatus: (p) => `bank ${p.bank}'s quote on financing request ${p.requestId} is ${p.current}`,
    FinancingQuoteMode: (p) =>
      p.sealedQuotes === "true"
        ? `financing request ${p.requestId} takes sealed quotes only (commit, then reveal)`
        : `financing request ${p.requestId} takes quotes in the clear only`,
    FinancingRevealMismatch: (p) =>
      `financing request ${p.requestId}: terms and salt do not match bank ${p.bank}'s commitment`,
    FinancingCertificateChanged: (p) =>
      `certificate ${p.tokenId} changed since financing request ${p.requestId} (owner, value, maturity or lock)`,
    FinancingCertificateFrozen: (p) => `certificate ${p.tokenId} is under a freeze order`,
    FinancingNotApproved: (p) => `the holder has not approved the financing contract for certificate ${p.tokenId}`,
    FinancingNotHolder: (p) => `${p.caller} neither holds nor may move certificate ${p.tokenId}`,
  },
  create: createFinancingClient,
});
