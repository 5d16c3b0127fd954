/**
 * Documentary letters of credit (LetterOfCredit) and the interbank positions behind them (InterbankPositions): issue,
 * advise, acknowledge, amend, present, examine, waive, refuse (UCP 600 refusal notice), return documents, record
 * a preclusion, accept, pay, close; the automatic UCP 600 checks at presentation (LcPresentationChecks: shipment date
 * statements, presentation periods, findings); credit lines, obligations and
 * netting runs (`positions`). Amounts are minor units of the settlement token; dates unix seconds.
 */
import {
  AbiCoder,
  ZeroAddress,
  ZeroHash,
  hexlify,
  keccak256,
  toUtf8Bytes,
  toUtf8String,
  type ContractTransactionReceipt,
  type Interface,
} from "ethers";
import { DepositToken__factory } from "../typechain/factories/platform/DepositToken__factory.js";
import { ConsortiumRegistry__factory } from "../typechain/factories/platform/ConsortiumRegistry__factory.js";
import { InterbankPositions__factory } from "../typechain/factories/letters-of-credit/InterbankPositions__factory.js";
import { LetterOfCredit__factory } from "../typechain/factories/letters-of-credit/LetterOfCredit__factory.js";
import { LcPresentationChecks__factory } from "../typechain/factories/letters-of-credit/LcPresentationChecks__factory.js";
import type { LcPresentationChecks } from "../typechain/letters-of-credit/LcPresentationChecks.js";
import type { InterbankPositions } from "../typechain/letters-of-credit/InterbankPositions.js";
import type { LetterOfCredit } from "../typechain/letters-of-credit/LetterOfCredit.js";
import { defineClient, type ClientContext, type SendOptions } from "./define.js";
import { eventArgs, eventsOf } from "./events.js";

export const LC_STATE = [
  "None",
  "Applied",
  "Issued",
  "Advised",
  "Acknowledged",
  "FullyDrawn",
  "Expired",
  "Cancelled",
  "Declined",
] as const;
export const PRESENTATION_STATE = [
  "None",
  "Presented",
  "Discrepant",
  "Waived",
  "Compliant",
  "Accepted",
  "Paid",
  "Refused",
  "Held",
] as const;
export const OBLIGATION_STATUS = ["None", "Open", "Settled", "Netted", "Released"] as const;

export type LcStateName = (typeof LC_STATE)[number];
export type PresentationStateName = (typeof PRESENTATION_STATE)[number];
export type ObligationStatusName = (typeof OBLIGATION_STATUS)[number];

/** A document as the chain holds it: hashes only. */
export interface DocumentRefInput {
  contentHash: string;
  uriHash: string;
  kind: number;
}

/** LC terms. Accounts for the parties; `currency` an ISO 4217 code ("CNY"); `requiredDocuments` document kinds. */
export interface LcTermsInput {
  advisingBank: string;
  nominatedBank?: string;
  beneficiary: string;
  amount: bigint;
  currency: string;
  tolerancePlus?: number;
  toleranceMinus?: number;
  expiry: bigint | number;
  latestShipment: bigint | number;
  deferred?: boolean;
  tenorDays?: number;
  partialDrawings?: boolean;
  requiredDocuments: number[];
  termsHash: string;
}

export interface LcAmendmentInput {
  amount: bigint;
  expiry: bigint | number;
  latestShipment: bigint | number;
  termsHash: string;
}

/** "CNY" -> 0x434e59 (bytes3). */
export function currencyCode(code: string): string {
  if (!/^[A-Z]{3}$/.test(code)) throw new Error(`malformed currency "${code}": expected an ISO 4217 code like CNY`);
  return hexlify(toUtf8Bytes(code));
}

/** 0x434e59 -> "CNY". */
export function currencyName(bytes3: string): string {
  return toUtf8String(bytes3);
}

/**
 * ISO 4217 numeric codes of the currencies interbank obligations are usually recorded in (a `uint16` on chain; 0 is
 * the settlement token's, whatever its currency). Any other numeric code may be used once governance maps it.
 */
export const ISO_NUMERIC_CURRENCIES: Readonly<Record<string, number>> = {
  CNY: 156,
  HKD: 344,
  JPY: 392,
  SGD: 702,
  GBP: 826,
  USD: 840,
  EUR: 978,
};

/**
 * An interbank currency as the chain stores it: "USD" or "840" -> 840, "0" -> 0 (the settlement token's). Throws on
 * a letter code outside `ISO_NUMERIC_CURRENCIES` (give its numeric code) and on a number outside uint16.
 */
export function interbankCurrency(text: string): number {
  const value = text.trim().toUpperCase();
  if (/^(0|[1-9][0-9]{0,4})$/.test(value) && Number(value) <= 65_535) return Number(value);
  const code = ISO_NUMERIC_CURRENCIES[value];
  if (code === undefined) {
    throw new Error(`unknown currency "${text}": give its ISO 4217 numeric code (e.g. 840 for USD) or 0`);
  }
  return code;
}

/** 840 -> "USD (840)", 0 -> "settlement token (0)": for messages and tables. */
export function interbankCurrencyLabel(currency: number): string {
  if (currency === 0) return "settlement token (0)";
  const letters = Object.entries(ISO_NUMERIC_CURRENCIES).find(([, code]) => code === currency)?.[0];
  return letters === undefined ? String(currency) : `${letters} (${currency})`;
}

/** Document kinds -> the `requiredDocuments` bitmask (bit k for kind k, 1..31). */
export function documentMask(kinds: number[]): number {
  return kinds.reduce((mask, kind) => {
    if (!Number.isInteger(kind) || kind < 1 || kind > 31) throw new Error(`document kind ${kind} is not 1..31`);
    return (mask | (1 << kind)) >>> 0;
  }, 0);
}

/** The kinds of a `requiredDocuments` bitmask. */
export function documentKinds(mask: number): number[] {
  return Array.from({ length: 31 }, (_, index) => index + 1).filter((kind) => (mask & (1 << kind)) !== 0);
}

/**
 * The codes of the automatic checks (LcPresentationChecks), by finding bit: bytes32 text the bank lists in `examine`
 * and `refuse` (UCP 600 art. 14a/d, 14c/29c, 14c/29a, 6d, 30, 31).
 */
export const PRESENTATION_CHECK_CODES = [
  "DOCUMENTS_MISSING",
  "LATE_SHIPMENT",
  "LATE_PRESENTATION",
  "PRESENTED_AFTER_EXPIRY",
  "OVER_TOLERANCE",
  "PARTIAL_DRAWING",
] as const;
export type PresentationCheckCode = (typeof PRESENTATION_CHECK_CODES)[number];

/** The codes of a findings bitmask, in bit order. */
export function presentationCheckCodes(mask: number): PresentationCheckCode[] {
  return PRESENTATION_CHECK_CODES.filter((_, bit) => (mask & (1 << bit)) !== 0);
}

/**
 * The hash a shipment date statement binds to: `keccak256(abi.encode(documents))`, the documents exactly as they are
 * then presented (same order).
 */
export function presentationDocumentsHash(documents: DocumentRefInput[]): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["tuple(bytes32 contentHash, bytes32 uriHash, uint16 kind)[]"],
      [documents.map((d) => [d.contentHash, d.uriHash, d.kind])],
    ),
  );
}

/** A presentation id is `lcId << 16 | index`. */
export function presentationId(lcId: bigint, index: number): bigint {
  return (lcId << 16n) | BigInt(index);
}

export function splitPresentationId(id: bigint): { lcId: bigint; index: number } {
  return { lcId: id >> 16n, index: Number(id & 0xffffn) };
}

function termsStruct(terms: LcTermsInput) {
  return {
    advisingBank: terms.advisingBank,
    nominatedBank: terms.nominatedBank ?? ZeroAddress,
    beneficiary: terms.beneficiary,
    amount: terms.amount,
    currency: currencyCode(terms.currency),
    tolerancePlus: terms.tolerancePlus ?? 0,
    toleranceMinus: terms.toleranceMinus ?? 0,
    expiry: BigInt(terms.expiry),
    latestShipment: BigInt(terms.latestShipment),
    deferred: terms.deferred ?? false,
    tenorDays: terms.tenorDays ?? 0,
    partialDrawings: terms.partialDrawings ?? false,
    requiredDocuments: documentMask(terms.requiredDocuments),
    termsHash: terms.termsHash,
  };
}

const amendmentStruct = (amendment: LcAmendmentInput) => ({
  amount: amendment.amount,
  expiry: BigInt(amendment.expiry),
  latestShipment: BigInt(amendment.latestShipment),
  termsHash: amendment.termsHash,
});

/** The arguments of every event `name` that `target` emitted in the receipt, in log order. */
function allEventArgs(receipt: ContractTransactionReceipt, target: string, iface: Interface, name: string) {
  return eventsOf(receipt, target, iface, name);
}

/** A bank a netting run left out: its settlement account could not pay its net debit; its obligations stay open. */
export interface NettingExclusion {
  bank: number;
  netDebit: bigint;
  available: bigint;
  shortfall: bigint;
}

export type LettersOfCreditClient = ReturnType<typeof createLettersOfCreditClient>;

function createLettersOfCreditClient(context: ClientContext) {
  const lc: LetterOfCredit = context.connect("LetterOfCredit", LetterOfCredit__factory);
  const positions: InterbankPositions = context.connect("InterbankPositions", InterbankPositions__factory);
  const lcAddress = context.address("LetterOfCredit");
  const positionsAddress = context.address("InterbankPositions");
  const lcEvent = (receipt: ContractTransactionReceipt, name: string) =>
    eventArgs(receipt, lcAddress, lc.interface, name);
  // the automatic checks: absent from deployments made before them
  const hasChecks = context.has("LcPresentationChecks");
  const checks = (): LcPresentationChecks => {
    if (!hasChecks) throw new Error("this deployment has no LcPresentationChecks (the automatic presentation checks)");
    return context.connect("LcPresentationChecks", LcPresentationChecks__factory);
  };
  const sendChecks = (transaction: () => ReturnType<LcPresentationChecks["stateShipment"]>, options?: SendOptions) =>
    context.send(checks(), transaction, options);
  /** What the chain found on a presentation (UCP 600), with the codes by name. */
  async function findings(presentationId: bigint) {
    const f = await checks().findings(lcAddress, presentationId);
    return {
      checked: f.checked,
      codes: presentationCheckCodes(Number(f.codes)),
      mask: Number(f.codes),
      missingKinds: documentKinds(Number(f.missingKinds)),
      shipmentStated: f.shipmentStated,
      shipmentDate: Number(f.shipmentDate),
      /** Last day for presentation (day number on the consortium calendar); 0 without a stated shipment date. */
      lastPresentationDay: Number(f.lastPresentationDay),
    };
  }
  const send = (transaction: () => ReturnType<LetterOfCredit["advise"]>, options?: SendOptions) =>
    context.send(lc, transaction, options);
  const sendPositions = (transaction: () => ReturnType<InterbankPositions["setCreditLine"]>, options?: SendOptions) =>
    context.send(positions, transaction, options);

  async function letterOfCredit(lcId: bigint) {
    const record = await lc.letterOfCredit(lcId);
    return {
      id: lcId,
      state: LC_STATE[Number(record.state)],
      applicant: Number(record.applicant),
      issuingBank: Number(record.issuingBank),
      advisingBank: Number(record.advisingBank),
      beneficiary: Number(record.beneficiary),
      nominatedBank: Number(record.nominatedBank),
      beneficiaryAccount: record.beneficiaryAccount,
      amount: record.amount,
      drawn: record.drawn,
      reserved: record.reserved,
      currency: currencyName(record.currency),
      tolerancePlus: Number(record.tolerancePlus),
      toleranceMinus: Number(record.toleranceMinus),
      expiry: Number(record.expiry),
      latestShipment: Number(record.latestShipment),
      deferred: (Number(record.flags) & 1) !== 0,
      partialDrawings: (Number(record.flags) & 2) !== 0,
      confirmed: (Number(record.flags) & 4) !== 0,
      cancellationRequested: (Number(record.flags) & 8) !== 0,
      tenorDays: Number(record.tenorDays),
      presentationCount: Number(record.presentationCount),
      requiredDocuments: documentKinds(Number(record.requiredDocuments)),
      termsHash: record.termsHash,
    };
  }

  async function presentation(id: bigint) {
    const record = await lc.presentation(id);
    return {
      id,
      ...splitPresentationId(id),
      state: PRESENTATION_STATE[Number(record.state)],
      amount: record.amount,
      presentedAt: Number(record.presentedAt),
      maturity: Number(record.maturity),
      /** Last second of the bank's five banking days (UCP 600 art. 14b); 0 for presentations before the clock. */
      examinationDeadline: Number(record.examinationDeadline),
      precluded: record.precluded,
      refusalNoticeSent: record.refusalNoticeSent,
    };
  }

  /** The pending amendment as proposed (from its `AmendmentProposed` event), or undefined. */
  async function pendingAmendment(lcId: bigint) {
    const hash = await lc.pendingAmendment(lcId);
    if (hash === ZeroHash) return undefined;
    const events = await lc.queryFilter(lc.filters.AmendmentProposed(lcId));
    const event = events.reverse().find((candidate) => candidate.args.amendmentHash === hash);
    if (event === undefined) throw new Error(`no AmendmentProposed event for the pending amendment ${hash}`);
    const { amount, expiry, latestShipment, termsHash } = event.args.amendment;
    return { amendmentHash: hash, amount, expiry: Number(expiry), latestShipment: Number(latestShipment), termsHash };
  }

  async function obligation(obligationId: bigint) {
    const record = await positions.obligation(obligationId);
    return {
      id: obligationId,
      debtor: Number(record.debtor),
      creditor: Number(record.creditor),
      amount: record.amount,
      dueAt: Number(record.dueAt),
      status: OBLIGATION_STATUS[Number(record.status)],
      currency: Number(record.currency),
    };
  }

  return {
    contract: lc,
    address: lcAddress,
    // --- lifecycle
    /** An applicant applies to `issuingBank` (an account of the bank). Returns the LC id (state Applied). */
    async submitApplication(issuingBank: string, terms: LcTermsInput, options?: SendOptions) {
      const receipt = await send(() => lc.submitApplication(issuingBank, termsStruct(terms)), options);
      return { lcId: lcEvent(receipt, "LetterOfCreditApplied").lcId as bigint, receipt };
    },
    approveApplication: (lcId: bigint, options?: SendOptions) => send(() => lc.approveApplication(lcId), options),
    declineApplication: (lcId: bigint, reasonHash: string = ZeroHash, options?: SendOptions) =>
      send(() => lc.declineApplication(lcId, reasonHash), options),
    /** The caller's bank issues an LC for `applicant` (an account). Returns the LC id. */
    async issue(applicant: string, terms: LcTermsInput, options?: SendOptions) {
      const receipt = await send(() => lc.issue(applicant, termsStruct(terms)), options);
      return { lcId: lcEvent(receipt, "LetterOfCreditIssued").lcId as bigint, receipt };
    },
    advise: (lcId: bigint, options?: SendOptions) => send(() => lc.advise(lcId), options),
    acknowledge: (lcId: bigint, options?: SendOptions) => send(() => lc.acknowledge(lcId), options),
    confirm: (lcId: bigint, options?: SendOptions) => send(() => lc.confirm(lcId), options),
    /** The issuing bank proposes an amendment; returns its hash (what the beneficiary answers). */
    async proposeAmendment(lcId: bigint, amendment: LcAmendmentInput, options?: SendOptions) {
      const receipt = await send(() => lc.proposeAmendment(lcId, amendmentStruct(amendment)), options);
      return { amendmentHash: lcEvent(receipt, "AmendmentProposed").amendmentHash as string, receipt };
    },
    /** The beneficiary accepts the pending amendment (read from its event when not given). */
    async acceptAmendment(lcId: bigint, amendment?: LcAmendmentInput, options?: SendOptions) {
      const terms = amendment ?? (await pendingAmendment(lcId));
      if (terms === undefined) throw new Error(`letter of credit ${lcId} has no pending amendment`);
      return send(() => lc.acceptAmendment(lcId, amendmentStruct(terms)), options);
    },
    rejectAmendment: (lcId: bigint, options?: SendOptions) => send(() => lc.rejectAmendment(lcId), options),
    pendingAmendment,
    /**
     * The beneficiary presents documents drawing `amount`; returns the presentation id and the examination deadline
     * (unix seconds: the last second of the fifth banking day following the day of presentation).
     */
    async present(lcId: bigint, amount: bigint, documents: DocumentRefInput[], options?: SendOptions) {
      const receipt = await send(() => lc.present(lcId, amount, documents), options);
      const examinationDeadline = Number(lcEvent(receipt, "ExaminationClockStarted").examinationDeadline);
      const presentationId = lcEvent(receipt, "DocumentsPresented").presentationId as bigint;
      return {
        presentationId,
        examinationDeadline,
        /** What the automatic checks found (null on a deployment without them). */
        findings: hasChecks ? await findings(presentationId) : null,
        receipt,
      };
    },
    /**
     * The beneficiary's presenting account states the shipment date (unix seconds, not in the future) of the documents
     * it is about to present, bound to their hash: the latest shipment date and the presentation period are then
     * checked at presentation (without it they are left to the bank). Present the same documents in the same order.
     */
    stateShipment: (documents: DocumentRefInput[], shipmentDate: bigint | number, options?: SendOptions) =>
      sendChecks(() => checks().stateShipment(presentationDocumentsHash(documents), BigInt(shipmentDate)), options),
    /**
     * The shipment date `account` stated for these documents and has not yet used in a presentation (unix seconds), 0
     * without one (or on a deployment without the checks): a presentation of the same documents uses it.
     */
    statedShipment: async (documents: DocumentRefInput[], account: string) =>
      hasChecks ? Number(await checks().statedShipment(account, presentationDocumentsHash(documents))) : 0,
    /**
     * The beneficiary's presenting account states the subject (a keyed identifier: export declaration, invoice or
     * company key) whose authority attestations back the documents it is about to present (hash-bound, used once):
     * an issuing bank with an `LcHonour` policy refuses a presentation without valid attestations on it (issue 22).
     */
    stateBacking: (documents: DocumentRefInput[], subjectKey: string, options?: SendOptions) =>
      sendChecks(() => checks().stateBacking(presentationDocumentsHash(documents), subjectKey), options),
    /** The beneficiary or the issuing bank links a presentation not yet examined to another backing subject. */
    linkBacking: (presentationId: bigint, subjectKey: string, options?: SendOptions) =>
      sendChecks(() => checks().linkBacking(lcAddress, presentationId, subjectKey), options),
    /** The subject backing a presentation (null: none). */
    async backingOf(presentationId: bigint): Promise<string | null> {
      const subject = await checks().backingOf(lcAddress, presentationId);
      return /^0x0{64}$/.test(subject) ? null : subject;
    },
    /** The issuing bank sets an LC's presentation period (days after shipment, art. 14c; 21 unless set) before advice. */
    setPresentationPeriod: (lcId: bigint, periodDays: number, options?: SendOptions) =>
      sendChecks(() => checks().setPresentationPeriod(lcAddress, lcId, periodDays), options),
    /** An LC's presentation period in days. */
    presentationPeriod: async (lcId: bigint) => Number(await checks().presentationPeriod(lcAddress, lcId)),
    findings,
    /** The honouring bank examines: compliant without discrepancies, else discrepant. Returns the result. */
    async examine(presentationId: bigint, discrepancies: string[] = [], options?: SendOptions) {
      const receipt = await send(() => lc.examine(presentationId, discrepancies), options);
      const result = PRESENTATION_STATE[Number(lcEvent(receipt, "PresentationExamined").result)];
      return { result, receipt };
    },
    waive: (presentationId: bigint, options?: SendOptions) =>
      send(() => lc.waiveDiscrepancies(presentationId), options),
    /**
     * The honouring bank's one refusal notice (UCP 600 art. 16c): every discrepancy at once (bytes32 codes), the
     * notice text's hash, and whether it holds the documents pending the applicant's waiver (default) or returns them.
     */
    refuse: (
      presentationId: bigint,
      discrepancies: string[],
      noticeHash: string,
      holdDocuments = true,
      options?: SendOptions,
    ) => send(() => lc.refuse(presentationId, discrepancies, noticeHash, holdDocuments), options),
    /** The honouring bank returns documents it held after its notice: the presentation is refused. */
    returnDocuments: (presentationId: bigint, options?: SendOptions) =>
      send(() => lc.returnDocuments(presentationId), options),
    /** Any member records the bank's preclusion after the examination deadline (art. 16f): it must honour. */
    recordPreclusion: (presentationId: bigint, options?: SendOptions) =>
      send(() => lc.recordPreclusion(presentationId), options),
    /** Accepts a deferred presentation payable at `maturity`: it becomes a transferable claim with the same id. */
    accept: (presentationId: bigint, maturity: bigint | number, options?: SendOptions) =>
      send(() => lc.accept(presentationId, BigInt(maturity)), options),
    /** Pays in tokens (approve the contract first) or, with a reference, records an off-chain payment. */
    pay: (presentationId: bigint, offChainReference: string = ZeroHash, options?: SendOptions) =>
      send(() => lc.pay(presentationId, offChainReference), options),
    requestCancellation: (lcId: bigint, options?: SendOptions) => send(() => lc.requestCancellation(lcId), options),
    consentToCancellation: (lcId: bigint, options?: SendOptions) => send(() => lc.consentToCancellation(lcId), options),
    rejectCancellation: (lcId: bigint, options?: SendOptions) => send(() => lc.rejectCancellation(lcId), options),
    /** Closes an LC after its expiry once nothing is pending. */
    expire: (lcId: bigint, options?: SendOptions) => send(() => lc.expire(lcId), options),
    // --- claims (accepted deferred presentations)
    claimInfo: (claimId: bigint) => lc.claimInfo(claimId),
    approveClaim: (claimId: bigint, operator: string, options?: SendOptions) =>
      send(() => lc.approveClaim(claimId, operator), options),
    transferClaim: (claimId: bigint, to: string, options?: SendOptions) =>
      send(() => lc.transferClaim(claimId, to), options),
    // --- views
    letterOfCredit,
    presentation,
    available: (lcId: bigint) => lc.available(lcId),
    count: async () => lc.letterOfCreditCount(),
    settlementCurrency: async () => currencyName(await lc.settlementCurrency()),
    /** The consortium calendar that counts the examination clock. */
    calendar: () => lc.calendar(),
    // --- interbank positions
    positions: {
      contract: positions,
      address: positionsAddress,
      setCreditLine: (grantee: number, limit: bigint, options?: SendOptions) =>
        sendPositions(() => positions.setCreditLine(grantee, limit), options),
      setSettlementAccount: (account: string, options?: SendOptions) =>
        sendPositions(() => positions.setSettlementAccount(account), options),
      /** The caller's bank records that it owes `creditor`; returns the obligation id. */
      async recordObligation(
        creditor: number,
        amount: bigint,
        dueAt: bigint | number,
        purpose: string = ZeroHash,
        options?: SendOptions,
      ) {
        const receipt = await sendPositions(
          () => positions.recordObligation(creditor, amount, BigInt(dueAt), purpose),
          options,
        );
        const args = eventArgs(receipt, positionsAddress, positions.interface, "ObligationRecorded");
        return { obligationId: args.obligationId as bigint, receipt };
      },
      /**
       * As `recordObligation`, in `currency` (an ISO 4217 numeric code governance mapped to a deposit token; 0 is the
       * settlement token's). Obligations of different currencies never net together.
       */
      async recordObligationIn(
        currency: number,
        creditor: number,
        amount: bigint,
        dueAt: bigint | number,
        purpose: string = ZeroHash,
        options?: SendOptions,
      ) {
        const receipt = await sendPositions(
          () => positions.recordObligationIn(currency, creditor, amount, BigInt(dueAt), purpose),
          options,
        );
        const args = eventArgs(receipt, positionsAddress, positions.interface, "ObligationRecorded");
        return { obligationId: args.obligationId as bigint, currency, receipt };
      },
      settleObligation: (obligationId: bigint, offChainReference: string = ZeroHash, options?: SendOptions) =>
        sendPositions(() => positions.settleObligation(obligationId, offChainReference), options),
      releaseObligation: (obligationId: bigint, options?: SendOptions) =>
        sendPositions(() => positions.releaseObligation(obligationId), options),
      /**
       * Nets a batch of open, due obligations; returns the run id, the obligations netted, each settled bank's net
       * position and the banks excluded for a shortfall (their obligations in the batch stay open).
       */
      async runNetting(obligationIds: bigint[], options?: SendOptions) {
        const receipt = await sendPositions(() => positions.runNetting(obligationIds), options);
        const args = eventArgs(receipt, positionsAddress, positions.interface, "NettingRun");
        const banks = (args.banks as bigint[]).map(Number);
        const netPositions = [...(args.netPositions as bigint[])];
        const netted = [...(args.obligationIds as bigint[])];
        const excluded: NettingExclusion[] = allEventArgs(
          receipt,
          positionsAddress,
          positions.interface,
          "NettingBankExcluded",
        ).map((x) => ({
          bank: Number(x.bank),
          netDebit: x.netDebit as bigint,
          available: x.available as bigint,
          shortfall: x.shortfall as bigint,
        }));
        const netSet = new Set(netted);
        const leftOpen = obligationIds.filter((id) => !netSet.has(id));
        const inCurrency = allEventArgs(receipt, positionsAddress, positions.interface, "NettingRunCurrency");
        const currency = inCurrency.length === 0 ? 0 : Number(inCurrency[0].currency);
        return { runId: args.runId as bigint, currency, netted, leftOpen, banks, netPositions, excluded, receipt };
      },
      creditLine: async (grantor: number, grantee: number) => {
        const line = await positions.creditLine(grantor, grantee);
        return { grantor, grantee, limit: line.limit, used: line.used };
      },
      obligation,
      settlementAccount: (bank: number) => positions.settlementAccount(bank),
      obligationCount: () => positions.obligationCount(),
      nettingRunCount: () => positions.nettingRunCount(),
      /** What `bank` was short of in netting run `runId` (zero unless the run left it out). */
      nettingShortfall: (runId: bigint, bank: number) => positions.nettingShortfall(runId, bank),
      /** The deposit token `currency` settles in (0: the settlement token); the zero address when unmapped. */
      currencyToken: (currency: number) => positions.currencyToken(currency),
      /**
       * The deposit token `currency` settles in, connected to this client's signer (approve it for netting and gross
       * settlement in that currency); throws when governance has not mapped the currency.
       */
      async currencyTokenContract(currency: number) {
        const address = await positions.currencyToken(currency);
        if (address === ZeroAddress) {
          throw new Error(`no deposit token is mapped to currency ${currency}: governance maps it first`);
        }
        return DepositToken__factory.connect(address, context.runner);
      },
      /**
       * Proposes the governance vote that maps `currency` (not 0) to its deposit token, once (a currency's token never
       * changes). Other voters approve and execute it with the registry client.
       */
      async proposeCurrencyToken(currency: number, token: string, description: string, options?: SendOptions) {
        const registry = context.connect("ConsortiumRegistry", ConsortiumRegistry__factory);
        const registryAddress = context.address("ConsortiumRegistry");
        const data = positions.interface.encodeFunctionData("setCurrencyToken", [currency, token]);
        const receipt = await context.send(
          registry,
          () => registry.propose(positionsAddress, data, keccak256(toUtf8Bytes(description))),
          options,
        );
        const args = eventArgs(receipt, registryAddress, registry.interface as Interface, "ProposalCreated");
        return { proposalId: args.proposalId as bigint, receipt };
      },
    },
  };
}

const party = (p: Record<string, string>) => `member ${p.caller} is not the party for this step (member ${p.expected})`;

export default defineClient({
  contracts: {
    LetterOfCredit: LetterOfCredit__factory,
    InterbankPositions: InterbankPositions__factory,
    LcPresentationChecks: LcPresentationChecks__factory,
  },
  enums: {
    "ILetterOfCredit.LetterOfCreditState": LC_STATE,
    "ILetterOfCredit.PresentationState": PRESENTATION_STATE,
    "IInterbankPositions.ObligationStatus": OBLIGATION_STATUS,
  },
  messages: {
    LetterOfCreditUnknown: (p) => `no letter of credit ${p.lcId}`,
    LetterOfCreditWrongState: (p) => `letter of credit ${p.lcId} is ${p.current}, expected ${p.expected}`,
    LetterOfCreditWrongParty: (p) => `letter of credit ${p.lcId}: ${party(p)}`,
    LetterOfCreditExpired: (p) => `letter of credit ${p.lcId} expired at ${p.expiry}`,
    LetterOfCreditNotExpired: (p) => `letter of credit ${p.lcId} expires only at ${p.expiry}`,
    LetterOfCreditOverdrawn: (p) => `letter of credit ${p.lcId}: ${p.requested} requested, ${p.available} available`,
    PartialDrawingsNotAllowed: (p) => `letter of credit ${p.lcId} allows no partial drawings`,
    DrawingBelowMinimum: (p) => `letter of credit ${p.lcId}: drawing ${p.amount} is below the minimum ${p.minimum}`,
    PresentationsPending: (p) => `letter of credit ${p.lcId} has presentations pending (${p.reserved} reserved)`,
    PresentationUnknown: (p) => `no presentation ${p.presentationId}`,
    PresentationWrongState: (p) => `presentation ${p.presentationId} is ${p.current}, expected ${p.expected}`,
    WrongPaymentKind: (p) => `letter of credit ${p.lcId} is ${p.deferred === "true" ? "deferred" : "sight"} payment`,
    InvalidMaturity: (p) =>
      `maturity ${p.maturity} of presentation ${p.presentationId} is after the latest ${p.latest}`,
    NotMatured: (p) => `presentation ${p.presentationId} matures only at ${p.maturity}`,
    AmendmentPending: (p) => `letter of credit ${p.lcId} already has an amendment pending`,
    AmendmentMismatch: (p) => `letter of credit ${p.lcId}: no such amendment pending`,
    AmendmentBelowCommitted: (p) =>
      `letter of credit ${p.lcId}: amended maximum ${p.newMaximum} is below the committed ${p.committed}`,
    CalendarNotSet: () => "no consortium calendar is set: governance must set one (setCalendar)",
    ExaminationDeadlinePassed: (p) =>
      `presentation ${p.presentationId}: the examination deadline ${p.examinationDeadline} passed (the bank is precluded)`,
    ExaminationDeadlineNotPassed: (p) =>
      `presentation ${p.presentationId}: the examination deadline ${p.examinationDeadline} has not passed`,
    RefusalNoticeAlreadySent: (p) => `presentation ${p.presentationId}: the refusal notice was already sent`,
    FindingsNotListed: (p) =>
      `presentation ${p.presentationId}: the chain found ${presentationCheckCodes(Number(p.unlisted)).join(", ")}; list them (only the applicant can waive them)`,
    NotLetterOfCreditContract: (p) => `${p.account} is not a suite letter-of-credit contract`,
    PresentationPeriodNotSettable: (p) =>
      `letter of credit ${p.lcId}: the presentation period is 1 to 365 days, set before the LC is advised`,
    CurrencyNotSettleable: (p) => `letter of credit ${p.lcId} is in another currency: pay off chain with a reference`,
    CreditLineExceeded: (p) =>
      `credit line of member ${p.grantor} to member ${p.grantee}: limit ${p.limit}, used ${p.used}, ${p.amount} more asked`,
    ObligationUnknown: (p) => `no obligation ${p.obligationId}`,
    ObligationWrongStatus: (p) => `obligation ${p.obligationId} is ${p.current}, expected ${p.expected}`,
    ObligationWrongParty: (p) => `obligation ${p.obligationId}: ${party(p)}`,
    ObligationNotDue: (p) => `obligation ${p.obligationId} is due only at ${p.dueAt}`,
    NettingNotParticipant: (p) => `member ${p.bank} is party to none of the batch's obligations`,
    SettlementAccountMissing: (p) => `member ${p.bank} has not named a settlement account`,
    CurrencyUnknown: (p) =>
      `no deposit token is mapped to currency ${p.currency}: governance maps it (setCurrencyToken)`,
    CurrencyTokenAlreadySet: (p) =>
      `currency ${p.currency} already settles in token ${p.token}; a new token takes a new code`,
    NettingCurrencyMixed: (p) =>
      `obligation ${p.obligationId} is in currency ${p.currency}, the run in ${p.expected}: net each currency apart`,
    NettingNothingSettles: (p) =>
      `every obligation of the batch involves a bank short of tokens (members ${p.banks}, short ${p.shortfalls})`,
  },
  create: createLettersOfCreditClient,
});
