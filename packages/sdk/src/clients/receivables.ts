/**
 * Supply-chain finance: the receivable desk (ReceivableDesk) and its ERC-3525 receivable certificates
 * (ReceivableCertificate). Register, confirm, reject, issue directly, split and transfer (with and without the
 * receiver's sign-off), discount, pledge, guarantee, fund, pay off chain, redeem, overdue; the lineage tree of a
 * receivable from its events. Amounts are minor units of the settlement token; dates unix seconds.
 */
import { ZeroHash, hexlify, toUtf8Bytes, toUtf8String, type ContractTransactionReceipt } from "ethers";
import { ReceivableCertificate__factory } from "../typechain/factories/receivables/ReceivableCertificate__factory.js";
import { ReceivableDesk__factory } from "../typechain/factories/receivables/ReceivableDesk__factory.js";
import type { ReceivableCertificate } from "../typechain/receivables/ReceivableCertificate.js";
import type { ReceivableDesk } from "../typechain/receivables/ReceivableDesk.js";
import { FinancedDocuments__factory } from "../typechain/factories/platform/FinancedDocuments__factory.js";
import { DocumentAlreadyFinancedError, documentStanding } from "./documents.js";
import { defineClient, type ClientContext, type SendOptions } from "./define.js";
import { eventArgs, eventsOf } from "./events.js";

export const RECEIVABLE_STATUS = [
  "None",
  "Registered",
  "Rejected",
  "Cancelled",
  "Active",
  "Overdue",
  "GuaranteeCalled",
  "Funded",
  "Settled",
] as const;
export const RECEIVABLE_OFFER_STATUS = ["None", "Pending", "Accepted", "Refused", "Cancelled", "Expired"] as const;
export const PLEDGE_STATUS = ["None", "Active", "Released", "Taken"] as const;

export type ReceivableStatusName = (typeof RECEIVABLE_STATUS)[number];
export type ReceivableOfferStatusName = (typeof RECEIVABLE_OFFER_STATUS)[number];
export type PledgeStatusName = (typeof PLEDGE_STATUS)[number];

/** Document kinds the desk requires (platform `DocumentKinds`). */
const CONTRACT_DOC = 1;
const INVOICE_DOC = 2;
const DELIVERY_DOC = 3;

/** A document's hashes; the desk fixes its kind (contract, invoice, delivery note). */
export interface ReceivableDocumentInput {
  contentHash: string;
  /** keccak-256 of where the document is kept (default zero). */
  uriHash?: string;
}

/** What the supplier registers (or the obligor issues directly). */
export interface ReceivableTermsInput {
  /** The obligor's member id (RECEIVABLE_OBLIGOR). */
  obligor: number;
  maturity: bigint | number;
  faceValue: bigint;
  /** ISO 4217 code (default "CNY"). */
  currency?: string;
  /** Keyed hash of the invoice's official number: one invoice backs at most one live receivable. */
  invoiceKey: string;
  contract: ReceivableDocumentInput;
  invoice: ReceivableDocumentInput;
  delivery: ReceivableDocumentInput;
}

/** One certificate of a lineage tree. `owner` is the zero address and `value` 0 once redeemed. */
export interface CertificateNode {
  tokenId: bigint;
  parent: bigint;
  tier: number;
  owner: string;
  value: bigint;
  locked: bigint;
  redeemed: boolean;
}

function currencyBytes(code: string): string {
  if (!/^[A-Z]{3}$/.test(code)) throw new Error(`malformed currency "${code}": expected an ISO 4217 code like CNY`);
  return hexlify(toUtf8Bytes(code));
}

function termsStruct(terms: ReceivableTermsInput) {
  const doc = (input: ReceivableDocumentInput, kind: number) => ({
    contentHash: input.contentHash,
    uriHash: input.uriHash ?? ZeroHash,
    kind,
  });
  return {
    obligor: terms.obligor,
    maturity: BigInt(terms.maturity),
    faceValue: terms.faceValue,
    currency: currencyBytes(terms.currency ?? "CNY"),
    invoiceKey: terms.invoiceKey,
    contractDoc: doc(terms.contract, CONTRACT_DOC),
    invoiceDoc: doc(terms.invoice, INVOICE_DOC),
    deliveryDoc: doc(terms.delivery, DELIVERY_DOC),
  };
}

export type ReceivablesClient = ReturnType<typeof createReceivablesClient>;

function createReceivablesClient(context: ClientContext) {
  const desk: ReceivableDesk = context.connect("ReceivableDesk", ReceivableDesk__factory);
  const token: ReceivableCertificate = context.connect("ReceivableCertificate", ReceivableCertificate__factory);
  const deskAddress = context.address("ReceivableDesk");
  const tokenAddress = context.address("ReceivableCertificate");
  const deskEvent = (receipt: ContractTransactionReceipt, name: string) =>
    eventArgs(receipt, deskAddress, desk.interface, name);
  /** The certificate a desk or token step created (its `CertificateDerived` event), or the given one if none. */
  const derived = (receipt: ContractTransactionReceipt, fallback: bigint): bigint => {
    const [event] = eventsOf(receipt, tokenAddress, token.interface, "CertificateDerived");
    return event === undefined ? fallback : (event.tokenId as bigint);
  };
  const send = (transaction: () => ReturnType<ReceivableDesk["confirm"]>, options?: SendOptions) =>
    context.send(desk, transaction, options);
  const sendToken = (
    transaction: () => ReturnType<ReceivableCertificate["approve(address,uint256)"]>,
    o?: SendOptions,
  ) => context.send(token, transaction, o);

  /**
   * Before sending: the suite's register of financed documents must accept the invoice for the face value (it is not
   * financed elsewhere), else `DocumentAlreadyFinancedError`. Skipped for a deployment without the register.
   */
  async function requireInvoiceFree(terms: ReceivableTermsInput): Promise<void> {
    if (!context.has("FinancedDocuments")) return;
    const register = context.connect("FinancedDocuments", FinancedDocuments__factory);
    const currency = currencyBytes(terms.currency ?? "CNY");
    if (await register.canFinance(terms.invoiceKey, terms.faceValue, currency, terms.faceValue)) return;
    throw new DocumentAlreadyFinancedError(await documentStanding(register, terms.invoiceKey), terms.faceValue);
  }

  async function receivable(receivableId: bigint) {
    const r = await desk.receivable(receivableId);
    return {
      id: receivableId,
      status: RECEIVABLE_STATUS[Number(r.status)],
      obligor: Number(r.obligor),
      creditor: Number(r.creditor),
      guarantor: Number(r.guarantor),
      creditorAccount: r.creditorAccount,
      maturity: Number(r.maturity),
      currency: toUtf8String(r.currency),
      faceValue: r.faceValue,
      redeemed: r.redeemed,
      escrowed: r.escrowed,
      /** What is still owed: face value less what was redeemed. */
      outstanding: r.faceValue - r.redeemed,
      rootTokenId: r.rootTokenId,
      invoiceKey: r.invoiceKey,
      documentsHash: r.documentsHash,
    };
  }

  async function certificate(tokenId: bigint) {
    const [c, lineage] = await Promise.all([token.certificate(tokenId), token.lineage(tokenId)]);
    return {
      tokenId,
      receivableId: c.slot,
      owner: c.owner,
      value: c.value,
      locked: c.locked,
      free: c.value - c.locked,
      maturity: Number(c.maturity),
      tier: Number(c.tier),
      parent: lineage.parent,
      root: lineage.root,
      redeemed: c.owner === "0x0000000000000000000000000000000000000000",
    };
  }

  /** Every certificate of a receivable (from `CertificateDerived` events), root first, with its current state. */
  async function lineage(receivableId: bigint): Promise<CertificateNode[]> {
    const events = await token.queryFilter(token.filters.CertificateDerived(undefined, undefined, receivableId));
    const nodes = await Promise.all(
      events.map(async (event) => {
        const c = await token.certificate(event.args.tokenId);
        return {
          tokenId: event.args.tokenId,
          parent: event.args.parentId,
          tier: Number(event.args.tier),
          owner: c.owner,
          value: c.value,
          locked: c.locked,
          redeemed: c.owner === "0x0000000000000000000000000000000000000000",
        };
      }),
    );
    return nodes.sort((a, b) => (a.tokenId < b.tokenId ? -1 : 1));
  }

  return {
    contract: desk,
    address: deskAddress,
    // --- registration
    /** A supplier (RECEIVABLE_HOLDER) registers a receivable on its obligor. Returns its id (status Registered). */
    async register(terms: ReceivableTermsInput, options?: SendOptions) {
      await requireInvoiceFree(terms);
      const receipt = await send(() => desk.register(termsStruct(terms)), options);
      return { receivableId: deskEvent(receipt, "ReceivableRegistered").receivableId as bigint, receipt };
    },
    /** The obligor confirms: the root certificate is minted to the supplier. Returns its token id. */
    async confirm(receivableId: bigint, options?: SendOptions) {
      const receipt = await send(() => desk.confirm(receivableId), options);
      return { rootTokenId: deskEvent(receipt, "ReceivableConfirmed").rootTokenId as bigint, receipt };
    },
    reject: (receivableId: bigint, reasonHash: string = ZeroHash, options?: SendOptions) =>
      send(() => desk.reject(receivableId, reasonHash), options),
    cancel: (receivableId: bigint, options?: SendOptions) => send(() => desk.cancel(receivableId), options),
    /** The obligor issues a confirmed receivable straight to a supplier's account. */
    async issue(terms: ReceivableTermsInput, creditorAccount: string, options?: SendOptions) {
      await requireInvoiceFree(terms);
      const receipt = await send(() => desk.issue(termsStruct(terms), creditorAccount), options);
      const confirmed = deskEvent(receipt, "ReceivableConfirmed");
      return {
        receivableId: confirmed.receivableId as bigint,
        rootTokenId: confirmed.rootTokenId as bigint,
        receipt,
      };
    },
    /** The obligor asks bank `bank` (GUARANTOR) to guarantee the receivable; 0 withdraws the request. */
    requestGuarantee: (receivableId: bigint, bank: number, options?: SendOptions) =>
      send(() => desk.requestGuarantee(receivableId, bank), options),
    /** The caller's bank (GUARANTOR), asked by the obligor, guarantees the receivable until maturity. */
    guarantee: (receivableId: bigint, options?: SendOptions) => send(() => desk.guarantee(receivableId), options),
    /** The obligor names the bank that pays its receivables off chain (`payOffChain`). */
    setPayingBank: (bank: number, options?: SendOptions) => send(() => desk.setPayingBank(bank), options),
    // --- moving value
    /** Split without sign-off (ERC-3525 `transferFrom(tokenId, to, value)`): returns the new certificate's id. */
    async split(tokenId: bigint, to: string, value: bigint, options?: SendOptions) {
      const receipt = await sendToken(
        () => token["transferFrom(uint256,address,uint256)"](tokenId, to, value),
        options,
      );
      return { newTokenId: derived(receipt, 0n), receipt };
    },
    /** Moves value between two certificates of the same receivable (ERC-3525 `transferFrom(from, to, value)`). */
    transferValue: (fromTokenId: bigint, toTokenId: bigint, value: bigint, options?: SendOptions) =>
      sendToken(() => token["transferFrom(uint256,uint256,uint256)"](fromTokenId, toTokenId, value), options),
    /** Moves a whole certificate (ERC-721 `transferFrom` from its owner). */
    async transferCertificate(tokenId: bigint, to: string, options?: SendOptions) {
      const from = await token.ownerOf(tokenId);
      return sendToken(() => token["transferFrom(address,address,uint256)"](from, to, tokenId), options);
    },
    /** ERC-3525 value allowance for `operator` on a certificate. */
    approveValue: (tokenId: bigint, operator: string, value: bigint, options?: SendOptions) =>
      sendToken(() => token["approve(uint256,address,uint256)"](tokenId, operator, value), options),
    /** Split with the receiver's sign-off: locks `value` until `to` accepts or refuses. Returns the offer id. */
    async offerTransfer(tokenId: bigint, to: string, value: bigint, deadline: bigint | number, options?: SendOptions) {
      const receipt = await send(() => desk.offerTransfer(tokenId, to, value, BigInt(deadline)), options);
      return { offerId: deskEvent(receipt, "TransferOffered").offerId as bigint, receipt };
    },
    /** The receiver signs off: returns the certificate it received. */
    async acceptTransfer(offerId: bigint, options?: SendOptions) {
      const receipt = await send(() => desk.acceptTransfer(offerId), options);
      return { newTokenId: deskEvent(receipt, "TransferOfferClosed").newTokenId as bigint, receipt };
    },
    refuseTransfer: (offerId: bigint, reasonHash: string = ZeroHash, options?: SendOptions) =>
      send(() => desk.refuseTransfer(offerId, reasonHash), options),
    cancelTransfer: (offerId: bigint, options?: SendOptions) => send(() => desk.cancelTransfer(offerId), options),
    // --- financing
    /** The holder offers `value` of a certificate to bank `financier` (member id) for `price`. Returns the offer id. */
    async offerDiscount(
      tokenId: bigint,
      value: bigint,
      financier: number,
      price: bigint,
      deadline: bigint | number,
      options?: SendOptions,
    ) {
      const receipt = await send(() => desk.offerDiscount(tokenId, value, financier, price, BigInt(deadline)), options);
      return { offerId: deskEvent(receipt, "DiscountOffered").offerId as bigint, receipt };
    },
    /**
     * The bank takes the offer: DvP in tokens (approve the desk for the price first) or, with a reference, an off-chain
     * payment. Returns the certificate the bank now holds (the same id when the whole certificate was offered).
     */
    async acceptDiscount(offerId: bigint, paymentReference: string = ZeroHash, options?: SendOptions) {
      const receipt = await send(() => desk.acceptDiscount(offerId, paymentReference), options);
      return { newTokenId: deskEvent(receipt, "DiscountAccepted").newTokenId as bigint, receipt };
    },
    cancelDiscount: (offerId: bigint, options?: SendOptions) => send(() => desk.cancelDiscount(offerId), options),
    /** The holder pledges `value` of a certificate to bank `pledgee` (member id) until `dueDate`. */
    async pledge(tokenId: bigint, value: bigint, pledgee: number, dueDate: bigint | number, options?: SendOptions) {
      const receipt = await send(() => desk.pledge(tokenId, value, pledgee, BigInt(dueDate)), options);
      return { pledgeId: deskEvent(receipt, "Pledged").pledgeId as bigint, receipt };
    },
    releasePledge: (pledgeId: bigint, options?: SendOptions) => send(() => desk.releasePledge(pledgeId), options),
    /** The pledgee takes the pledged value at default (from the due date on); returns the certificate it now holds. */
    async takePledge(pledgeId: bigint, options?: SendOptions) {
      const receipt = await send(() => desk.takePledge(pledgeId), options);
      return { newTokenId: deskEvent(receipt, "PledgeTaken").newTokenId as bigint, receipt };
    },
    // --- maturity
    /** The obligor escrows the outstanding value (approve the desk for `receivable(id).outstanding` first). */
    fund: (receivableId: bigint, options?: SendOptions) => send(() => desk.fund(receivableId), options),
    /** A holder redeems a certificate from escrow: it is burned and its value paid. Returns the value. */
    async redeem(tokenId: bigint, options?: SendOptions) {
      const receipt = await send(() => desk.redeem(tokenId), options);
      const event = deskEvent(receipt, "CertificateRedeemed");
      return { value: event.value as bigint, holder: event.holder as string, receipt };
    },
    /** The obligor's paying bank (or the guarantor once called) records an off-chain payment of a certificate. */
    async payOffChain(tokenId: bigint, paymentReference: string, options?: SendOptions) {
      const receipt = await send(() => desk.payOffChain(tokenId, paymentReference), options);
      const event = deskEvent(receipt, "CertificateRedeemed");
      return { value: event.value as bigint, holder: event.holder as string, receipt };
    },
    /** The holder acknowledges the called guarantor paid its certificate off chain under `paymentReference`. */
    acknowledgeOffChainPayment: (tokenId: bigint, paymentReference: string, options?: SendOptions) =>
      send(() => desk.acknowledgeOffChainPayment(tokenId, paymentReference), options),
    markOverdue: (receivableId: bigint, options?: SendOptions) => send(() => desk.markOverdue(receivableId), options),
    callGuarantee: (tokenId: bigint, options?: SendOptions) => send(() => desk.callGuarantee(tokenId), options),
    /** The guarantor escrows the outstanding value (approve the desk first). */
    honourGuarantee: (receivableId: bigint, options?: SendOptions) =>
      send(() => desk.honourGuarantee(receivableId), options),
    // --- views
    receivable,
    certificate,
    lineage,
    /** Certificates of `owner` across receivables are not enumerable on chain: filter `lineage(id)` by owner. */
    holdings: async (receivableId: bigint, owner: string) =>
      (await lineage(receivableId)).filter((node) => node.owner.toLowerCase() === owner.toLowerCase()),
    transferOffer: async (offerId: bigint) => {
      const o = await desk.transferOffer(offerId);
      return {
        offerId,
        tokenId: o.tokenId,
        to: o.to,
        value: o.value,
        deadline: Number(o.deadline),
        status: RECEIVABLE_OFFER_STATUS[Number(o.status)],
      };
    },
    discountOffer: async (offerId: bigint) => {
      const o = await desk.discountOffer(offerId);
      return {
        offerId,
        tokenId: o.tokenId,
        financier: Number(o.financier),
        value: o.value,
        price: o.price,
        deadline: Number(o.deadline),
        status: RECEIVABLE_OFFER_STATUS[Number(o.status)],
      };
    },
    pledgeOf: async (pledgeId: bigint) => {
      const p = await desk.pledgeOf(pledgeId);
      return {
        pledgeId,
        tokenId: p.tokenId,
        pledgee: Number(p.pledgee),
        value: p.value,
        dueDate: Number(p.dueDate),
        status: PLEDGE_STATUS[Number(p.status)],
      };
    },
    receivableOfInvoice: (invoiceKey: string) => desk.receivableOfInvoice(invoiceKey),
    payingBankOf: async (obligor: number) => Number(await desk.payingBankOf(obligor)),
    count: () => desk.receivableCount(),
    // --- the certificate token (ERC-3525)
    certificates: {
      contract: token,
      address: tokenAddress,
      ownerOf: (tokenId: bigint) => token.ownerOf(tokenId),
      balanceOf: (tokenId: bigint) => token["balanceOf(uint256)"](tokenId),
      allowance: (tokenId: bigint, operator: string) => token.allowance(tokenId, operator),
      totalMinted: () => token.totalMinted(),
    },
  };
}

const party = (p: Record<string, string>) =>
  p.expected === "0"
    ? `${p.caller} (member ${p.member}) is not the party for this step`
    : `member ${p.member} is not the party for this step (member ${p.expected})`;

export default defineClient({
  contracts: { ReceivableDesk: ReceivableDesk__factory, ReceivableCertificate: ReceivableCertificate__factory },
  enums: {
    "IReceivableDesk.ReceivableStatus": RECEIVABLE_STATUS,
    "IReceivableDesk.OfferStatus": RECEIVABLE_OFFER_STATUS,
    "IReceivableDesk.PledgeStatus": PLEDGE_STATUS,
  },
  messages: {
    ReceivableUnknown: (p) => `no receivable ${p.receivableId}`,
    ReceivableWrongStatus: (p) => `receivable ${p.receivableId} is ${p.current}`,
    ReceivableWrongParty: (p) => party(p),
    ReceivableInvoiceUsed: (p) => `invoice ${p.invoiceKey} already backs receivable ${p.receivableId}`,
    ReceivableInvalidTerms: (p) => `invalid ${p.field}`,
    ReceivableIneligibleMember: (p) => `member ${p.member} lacks role ${p.role}`,
    ReceivableTooEarly: (p) => `too early: not before ${p.notBefore}`,
    ReceivableTooLate: (p) => `too late: the deadline was ${p.deadline}`,
    ReceivableNotHolder: (p) => `${p.caller} neither holds nor may move certificate ${p.tokenId}`,
    ReceivableCertificateMismatch: (p) => `certificate ${p.tokenId} is not of receivable ${p.receivableId}`,
    ReceivableOfferWrongStatus: (p) => `offer ${p.offerId} is ${p.current}`,
    ReceivablePledgeWrongStatus: (p) => `pledge ${p.pledgeId} is ${p.current}`,
    ReceivableGuarantee: (p) =>
      p.guarantor === "0"
        ? `receivable ${p.receivableId} has no guarantor`
        : `receivable ${p.receivableId} is already guaranteed by member ${p.guarantor}`,
    ReceivableGuaranteeNotRequested: (p) =>
      p.requested === "0"
        ? `the obligor of receivable ${p.receivableId} asked no bank to guarantee it`
        : `the obligor of receivable ${p.receivableId} asked member ${p.requested}, not ${p.bank}, to guarantee it`,
    ReceivablePaymentNotAcknowledged: (p) =>
      `the holder of certificate ${p.tokenId} has not acknowledged payment ${p.paymentReference}`,
    CertificateTooManyValueApprovals: (p) =>
      `certificate ${p.tokenId} already carries value allowances for ${p.max} operators`,
    CertificateZeroValue: () => "a certificate move needs a value above zero",
    CertificateInsufficientValue: (p) =>
      `certificate ${p.tokenId}: ${p.needed} needed, ${p.available} free (value not locked)`,
    CertificateInsufficientAllowance: (p) =>
      `certificate ${p.tokenId}: ${p.operator} may move ${p.allowance}, ${p.needed} needed`,
    CertificateSlotMismatch: (p) =>
      `certificates ${p.fromTokenId} and ${p.toTokenId} are of different receivables (${p.fromSlot}, ${p.toSlot})`,
    CertificateSelfTransfer: (p) => `certificate ${p.tokenId} already belongs to ${p.to}`,
    CertificateMatured: (p) => `certificate ${p.tokenId} matured at ${p.maturity}: it no longer moves`,
    CertificateLocked: (p) => `certificate ${p.tokenId} has ${p.locked} locked (offers or pledges pending)`,
    CertificateLockExceeded: (p) => `certificate ${p.tokenId}: ${p.needed} to unlock, only ${p.locked} locked`,
    CertificateTooDeep: (p) => `certificate ${p.parentId} is at the deepest tier`,
    CertificateValueTooLarge: (p) => `value ${p.value} is too large`,
    CertificateReceiverRejected: (p) => `receiver ${p.receiver} rejected the certificate`,
    CertificateOnlyDesk: (p) => `only the receivable desk may do this (caller ${p.caller})`,
  },
  create: createReceivablesClient,
});
