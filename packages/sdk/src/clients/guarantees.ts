/**
 * Bank guarantees (BankGuarantees, URDG 758 style): apply, issue or decline, verify by reference, amendments binding
 * on the beneficiary's acceptance, demands (claims) paid, rejected or answered by extension, release and expiry.
 * Amounts are minor units of the settlement token; dates unix seconds.
 */
import { ZeroHash, hexlify, toUtf8Bytes, toUtf8String, type ContractTransactionReceipt } from "ethers";
import { BankGuarantees__factory } from "../typechain/factories/guarantees/BankGuarantees__factory.js";
import type { BankGuarantees } from "../typechain/guarantees/BankGuarantees.js";
import { defineClient, type ClientContext, type SendOptions } from "./define.js";
import { eventArgs } from "./events.js";

/** URDG 758 kinds, and `Standby`: a standby letter of credit under ISP98. */
export const GUARANTEE_KIND = ["Bid", "Performance", "AdvancePayment", "Warranty", "Payment", "Standby"] as const;
export const COUNTER_GUARANTEE_STATE = ["None", "Issued", "Demanded", "Exhausted"] as const;
export const GUARANTEE_STATE = [
  "None",
  "Applied",
  "Issued",
  "Claimed",
  "Declined",
  "Cancelled",
  "Released",
  "Expired",
  "Exhausted",
] as const;
export const GUARANTEE_CLAIM_STATE = ["None", "Presented", "Paid", "Rejected", "Extended", "Withdrawn"] as const;

export type GuaranteeKindName = (typeof GUARANTEE_KIND)[number];
export type GuaranteeStateName = (typeof GUARANTEE_STATE)[number];
export type GuaranteeClaimStateName = (typeof GUARANTEE_CLAIM_STATE)[number];
export type CounterGuaranteeStateName = (typeof COUNTER_GUARANTEE_STATE)[number];

/** The terms of a counter-guarantee (URDG 758 art. 2) an instructing bank gives the guarantor. */
export interface CounterGuaranteeTermsInput {
  /** Maximum amount, minor units of the guarantee's currency. */
  amount: bigint;
  /** Last moment (unix seconds) the guarantor may demand. */
  expiry: bigint | number;
  /** Seconds the instructing bank has to examine a demand. */
  examinationPeriod: number;
  /** Hash of the counter-guarantee text. */
  termsHash: string;
}

/** What an applicant asks its bank to issue; accounts for the bank and the beneficiary. */
export interface GuaranteeApplicationInput {
  guarantor: string;
  beneficiary: string;
  kind: GuaranteeKindName;
  /** ISO 4217 code, e.g. "CNY". */
  currency: string;
  amount: bigint;
  expiry: bigint | number;
  /** Seconds the bank has to examine a demand. */
  examinationPeriod: number;
  termsHash: string;
  tenderReference?: string;
  /** Reduction steps: from `date` on, the amount is at most `amount`. */
  schedule?: { date: bigint | number; amount: bigint }[];
}

export interface GuaranteeDemandInput {
  amount: bigint;
  demandHash: string;
  documents?: { contentHash: string; uriHash: string; kind: number }[];
  /** Non-zero: "extend or pay" to this expiry. */
  extendTo?: bigint | number;
}

function named<T extends string>(labels: readonly T[], value: T, what: string): number {
  const index = labels.indexOf(value);
  if (index < 0) throw new Error(`unknown ${what} "${value}": expected one of ${labels.join(", ")}`);
  return index;
}

function currencyCode(code: string): string {
  if (!/^[A-Z]{3}$/.test(code)) throw new Error(`malformed currency "${code}": expected an ISO 4217 code like CNY`);
  return hexlify(toUtf8Bytes(code));
}

export type GuaranteesClient = ReturnType<typeof createGuaranteesClient>;

function createGuaranteesClient(context: ClientContext) {
  const contract: BankGuarantees = context.connect("BankGuarantees", BankGuarantees__factory);
  const address = context.address("BankGuarantees");
  const send = (transaction: () => ReturnType<BankGuarantees["issue"]>, options?: SendOptions) =>
    context.send(contract, transaction, options);
  const event = (receipt: ContractTransactionReceipt, name: string) =>
    eventArgs(receipt, address, contract.interface, name);

  async function guarantee(guaranteeId: bigint) {
    const [record, available] = await Promise.all([contract.guarantee(guaranteeId), contract.available(guaranteeId)]);
    if (record.state === 0n) throw new Error(`no guarantee ${guaranteeId}`);
    return {
      id: guaranteeId,
      state: GUARANTEE_STATE[Number(record.state)],
      kind: GUARANTEE_KIND[Number(record.kind)],
      applicant: Number(record.applicant),
      guarantor: Number(record.guarantor),
      beneficiary: Number(record.beneficiary),
      currency: toUtf8String(record.currency),
      amount: record.amount,
      paid: record.paid,
      available,
      expiry: Number(record.expiry),
      examinationPeriod: Number(record.examinationPeriod),
      claimCount: Number(record.claimCount),
      termsHash: record.termsHash,
    };
  }

  return {
    contract,
    address,
    /** Applies for a guarantee (applicant, GUARANTEE_PARTY); returns its id. */
    async applyFor(application: GuaranteeApplicationInput, options?: SendOptions) {
      const struct = {
        guarantor: application.guarantor,
        beneficiary: application.beneficiary,
        kind: named(GUARANTEE_KIND, application.kind, "guarantee kind"),
        currency: currencyCode(application.currency),
        amount: application.amount,
        expiry: BigInt(application.expiry),
        examinationPeriod: application.examinationPeriod,
        termsHash: application.termsHash,
        tenderReference: application.tenderReference ?? ZeroHash,
        schedule: (application.schedule ?? []).map((step) => ({ date: BigInt(step.date), amount: step.amount })),
      };
      const receipt = await send(() => contract.applyFor(struct), options);
      return { guaranteeId: event(receipt, "GuaranteeApplied").guaranteeId as bigint, receipt };
    },
    cancel: (guaranteeId: bigint, options?: SendOptions) => send(() => contract.cancel(guaranteeId), options),
    /** Issues under `referenceId` (hash of the bank's guarantee number; what `verify` takes). Guarantor only. */
    issue: (guaranteeId: bigint, referenceId: string, options?: SendOptions) =>
      send(() => contract.issue(guaranteeId, referenceId), options),
    decline: (guaranteeId: bigint, reasonHash: string = ZeroHash, options?: SendOptions) =>
      send(() => contract.decline(guaranteeId, reasonHash), options),
    /** Proposes an amendment (new amount and expiry); returns its number. Binds once the beneficiary accepts. */
    async proposeAmendment(
      guaranteeId: bigint,
      amendment: { amount: bigint; expiry: bigint | number; amendmentHash: string },
      options?: SendOptions,
    ) {
      const receipt = await send(
        () =>
          contract.proposeAmendment(guaranteeId, amendment.amount, BigInt(amendment.expiry), amendment.amendmentHash),
        options,
      );
      return { number: Number(event(receipt, "AmendmentProposed").number), receipt };
    },
    withdrawAmendment: (guaranteeId: bigint, options?: SendOptions) =>
      send(() => contract.withdrawAmendment(guaranteeId), options),
    /** The beneficiary accepts (true) or refuses (false) the pending amendment. */
    answerAmendment: (guaranteeId: bigint, accept: boolean, options?: SendOptions) =>
      send(() => contract.answerAmendment(guaranteeId, accept), options),
    /** The beneficiary presents a demand; returns its claim index (from 0). */
    async presentClaim(guaranteeId: bigint, demand: GuaranteeDemandInput, options?: SendOptions) {
      const struct = {
        amount: demand.amount,
        demandHash: demand.demandHash,
        documents: demand.documents ?? [],
        extendTo: BigInt(demand.extendTo ?? 0),
      };
      const receipt = await send(() => contract.presentClaim(guaranteeId, struct), options);
      const presented = event(receipt, "ClaimPresented");
      return {
        claimIndex: presented.claimIndex as bigint,
        /** The last second the guarantor may reject: five business days on the consortium calendar (URDG 758 art.
         * 20a), three for a standby (ISP98 rule 5.01a). */
        examinationDeadline: presented.examinationDeadline as bigint,
        receipt,
      };
    },
    /** Pays a demand in tokens (approve the contract first) or records an off-chain payment under a reference. */
    payClaim: (guaranteeId: bigint, claimIndex: bigint, offChainReference: string = ZeroHash, options?: SendOptions) =>
      send(() => contract.payClaim(guaranteeId, claimIndex, offChainReference), options),
    rejectClaim: (guaranteeId: bigint, claimIndex: bigint, reasonHash: string, options?: SendOptions) =>
      send(() => contract.rejectClaim(guaranteeId, claimIndex, reasonHash), options),
    /** Answers an "extend or pay" demand by extending to the date it asked. */
    extendInsteadOfPaying: (guaranteeId: bigint, claimIndex: bigint, options?: SendOptions) =>
      send(() => contract.extendInsteadOfPaying(guaranteeId, claimIndex), options),
    withdrawClaim: (guaranteeId: bigint, claimIndex: bigint, options?: SendOptions) =>
      send(() => contract.withdrawClaim(guaranteeId, claimIndex), options),
    /** Suspends payment of an "extend or pay" demand until `until` (at most 30 days after it; URDG 758 art. 23). */
    suspendForExtension: (guaranteeId: bigint, claimIndex: bigint, until: bigint | number, options?: SendOptions) =>
      send(() => contract.suspendForExtension(guaranteeId, claimIndex, BigInt(until)), options),
    /** Records a repayment of the advance (advance-payment guarantees): the amount falls by `repaid` (art. 13). */
    recordReduction: (guaranteeId: bigint, repaid: bigint, evidenceHash: string, options?: SendOptions) =>
      send(() => contract.recordReduction(guaranteeId, repaid, evidenceHash), options),
    /** The applicant names, before issue, the certificate whose presentation ends the guarantee (art. 25a iii). */
    nameExpiryDocument: (guaranteeId: bigint, documentHash: string, options?: SendOptions) =>
      send(() => contract.nameExpiryDocument(guaranteeId, documentHash), options),
    /** Presents the named certificate (applicant or guarantor): the guarantee expires. */
    presentExpiryDocument: (guaranteeId: bigint, documentHash: string, options?: SendOptions) =>
      send(() => contract.presentExpiryDocument(guaranteeId, documentHash), options),
    /** An instructing bank issues a counter-guarantee backing the guarantee, in favour of its guarantor. */
    issueCounterGuarantee: (guaranteeId: bigint, terms: CounterGuaranteeTermsInput, options?: SendOptions) =>
      send(
        () =>
          contract.issueCounterGuarantee(guaranteeId, {
            amount: terms.amount,
            expiry: BigInt(terms.expiry),
            examinationPeriod: terms.examinationPeriod,
            termsHash: terms.termsHash,
          }),
        options,
      ),
    /** The guarantor demands under the counter-guarantee on the paid demand `claimIndex`, with its art. 15b statement. */
    demandUnderCounterGuarantee: (
      guaranteeId: bigint,
      claimIndex: bigint,
      amount: bigint,
      statementHash: string,
      options?: SendOptions,
    ) => send(() => contract.demandUnderCounterGuarantee(guaranteeId, claimIndex, amount, statementHash), options),
    /** The instructing bank pays the demand under the counter-guarantee (tokens, or off chain under a reference). */
    payCounterDemand: (guaranteeId: bigint, offChainReference: string = ZeroHash, options?: SendOptions) =>
      send(() => contract.payCounterDemand(guaranteeId, offChainReference), options),
    rejectCounterDemand: (guaranteeId: bigint, reasonHash: string, options?: SendOptions) =>
      send(() => contract.rejectCounterDemand(guaranteeId, reasonHash), options),
    release: (guaranteeId: bigint, options?: SendOptions) => send(() => contract.release(guaranteeId), options),
    expire: (guaranteeId: bigint, options?: SendOptions) => send(() => contract.expire(guaranteeId), options),
    // --- views
    guarantee,
    async claim(guaranteeId: bigint, claimIndex: bigint) {
      const record = await contract.claim(guaranteeId, claimIndex);
      return {
        guaranteeId,
        claimIndex,
        state: GUARANTEE_CLAIM_STATE[Number(record.state)],
        amount: record.amount,
        payee: record.payee,
        examinationDeadline: Number(record.examinationDeadline),
        extendTo: Number(record.extendTo),
      };
    },
    async amendment(guaranteeId: bigint) {
      const record = await contract.amendment(guaranteeId);
      return {
        number: Number(record.number),
        pending: record.pending,
        amount: record.amount,
        expiry: Number(record.expiry),
      };
    },
    /** The counter-guarantee backing the guarantee (`state` "None" when there is none). */
    async counterGuarantee(guaranteeId: bigint) {
      const record = await contract.counterGuarantee(guaranteeId);
      return {
        guaranteeId,
        state: COUNTER_GUARANTEE_STATE[Number(record.state)],
        instructingBank: Number(record.instructingBank),
        amount: record.amount,
        paid: record.paid,
        available: record.amount - record.paid,
        expiry: Number(record.expiry),
        examinationPeriod: Number(record.examinationPeriod),
        termsHash: record.termsHash,
        demand:
          record.state === 2n
            ? {
                claimIndex: BigInt(record.claimIndex),
                amount: record.demanded,
                payee: record.payee,
                examinationDeadline: Number(record.examinationDeadline),
              }
            : null,
      };
    },
    suspendedUntil: async (guaranteeId: bigint, claimIndex: bigint) =>
      Number(await contract.suspendedUntil(guaranteeId, claimIndex)),
    expiryDocument: (guaranteeId: bigint) => contract.expiryDocument(guaranteeId),
    schedule: async (guaranteeId: bigint) =>
      (await contract.schedule(guaranteeId)).map((step) => ({ date: Number(step.date), amount: step.amount })),
    amountAt: (guaranteeId: bigint, timestamp: bigint | number) => contract.amountAt(guaranteeId, BigInt(timestamp)),
    available: (guaranteeId: bigint) => contract.available(guaranteeId),
    /** Verifies a guarantee by its reference: genuine, in force, amounts, expiry. */
    async verify(referenceId: string) {
      const result = await contract.verify(referenceId);
      return {
        referenceId,
        genuine: result.genuine,
        inForce: result.inForce,
        guaranteeId: result.guaranteeId,
        state: GUARANTEE_STATE[Number(result.state)],
        kind: GUARANTEE_KIND[Number(result.kind)],
        guarantor: Number(result.guarantor),
        applicant: Number(result.applicant),
        beneficiary: Number(result.beneficiary),
        currency: result.genuine ? toUtf8String(result.currency) : "",
        amount: result.amount,
        available: result.available,
        expiry: Number(result.expiry),
        termsHash: result.termsHash,
      };
    },
    count: () => contract.guaranteeCount(),
  };
}

const guaranteeOf = (p: Record<string, string>) => `guarantee ${p.guaranteeId}`;

export default defineClient({
  contracts: { BankGuarantees: BankGuarantees__factory },
  enums: {
    "IBankGuarantees.GuaranteeKind": GUARANTEE_KIND,
    "IBankGuarantees.GuaranteeState": GUARANTEE_STATE,
    "IBankGuarantees.ClaimState": GUARANTEE_CLAIM_STATE,
    "IBankGuarantees.CounterState": COUNTER_GUARANTEE_STATE,
  },
  messages: {
    GuaranteeUnknown: (p) => `no ${guaranteeOf(p)}`,
    GuaranteeWrongState: (p) => `${guaranteeOf(p)} is ${p.current}, expected ${p.expected}`,
    GuaranteeWrongParty: (p) =>
      `${guaranteeOf(p)}: member ${p.caller} is not the party for this step (member ${p.expected})`,
    GuaranteeExpiredAt: (p) => `${guaranteeOf(p)} expired at ${p.expiry}`,
    GuaranteeNotExpired: (p) => `${guaranteeOf(p)} expires only at ${p.expiry}`,
    GuaranteeAmountUnavailable: (p) => `${guaranteeOf(p)}: ${p.requested} requested, ${p.available} available`,
    GuaranteeReferenceTaken: (p) => `reference ${p.referenceId} is empty or names another guarantee`,
    GuaranteeSameParty: (p) => `member ${p.memberId} cannot be two parties of one guarantee`,
    GuaranteeInvalidSchedule: (p) => `reduction step ${p.index} is out of order, not a reduction, or after expiry`,
    AmendmentNotPending: (p) => `${guaranteeOf(p)} has no amendment pending`,
    AmendmentAlreadyPending: (p) => `${guaranteeOf(p)} already has amendment ${p.number} pending`,
    AmendmentInvalid: (p) => `${guaranteeOf(p)}: amendment to ${p.amount} until ${p.expiry} is not valid`,
    ClaimNotPresented: (p) => `${guaranteeOf(p)}: demand ${p.claimIndex} is ${p.current}, not under examination`,
    ClaimExaminationOver: (p) => `${guaranteeOf(p)}: examination of demand ${p.claimIndex} ended at ${p.deadline}`,
    ClaimNotExtendOrPay: (p) => `${guaranteeOf(p)}: demand ${p.claimIndex} did not ask to extend or pay`,
    CounterGuaranteeWrongState: (p) => `${guaranteeOf(p)}: counter-guarantee is ${p.current}, expected ${p.expected}`,
    CounterDemandNotBacked: (p) =>
      `${guaranteeOf(p)}: demand ${p.claimIndex} is ${p.claimState} or backs a counter demand already; the guarantor demands under the counter-guarantee only on a demand it paid (URDG 758 art. 15b)`,
    CounterGuaranteeExpiredAt: (p) => `${guaranteeOf(p)}: counter-guarantee expired at ${p.expiry}`,
    ClaimSuspendedUntil: (p) =>
      `${guaranteeOf(p)}: payment of demand ${p.claimIndex} is suspended until ${p.until} (extend or pay, art. 23)`,
    ClaimSuspensionInvalid: (p) =>
      `${guaranteeOf(p)}: demand ${p.claimIndex} is suspended already, or ${p.until} is past or after ${p.latest} (30 days after the demand)`,
    GuaranteeWrongKind: (p) => `${guaranteeOf(p)} is a ${p.kind} guarantee; this step needs another kind`,
    ExpiryDocumentMismatch: (p) => `${guaranteeOf(p)}: ${p.documentHash} is not the certificate named at issue`,
  },
  create: createGuaranteesClient,
});
