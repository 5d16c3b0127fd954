/**
 * Discounting with or without recourse (RecourseClaims): a holder offers value of a receivable certificate to one bank
 * at a price, saying whether it sells with recourse; the bank accepts at exactly those terms and the certificate moves
 * against the price. If the obligor has not paid a grace period after maturity, the holder that bought with recourse
 * claims the unpaid value from its seller, which pays in deposit tokens and takes the certificate back, and may claim
 * in turn from its own seller, down the lineage. A claim the obligor's side paid since (the certificate redeemed or
 * paid off chain, or the receivable funded or settled) is discharged by any member: the seller owes nothing.
 */
import type { ContractTransactionReceipt } from "ethers";
import { DepositToken__factory } from "../typechain/factories/platform/DepositToken__factory.js";
import { RecourseClaims__factory } from "../typechain/factories/receivables/RecourseClaims__factory.js";
import { ReceivableCertificate__factory } from "../typechain/factories/receivables/ReceivableCertificate__factory.js";
import type { RecourseClaims } from "../typechain/receivables/RecourseClaims.js";
import { defineClient, type ClientContext, type SendOptions } from "./define.js";
import { eventArgs } from "./events.js";

export const RECOURSE_OFFER_STATUS = ["None", "Pending", "Accepted", "Cancelled", "Expired"] as const;
export const RECOURSE_CLAIM_STATUS = ["None", "Exercised", "Honoured", "Discharged"] as const;

export type RecourseOfferStatusName = (typeof RECOURSE_OFFER_STATUS)[number];
export type RecourseClaimStatusName = (typeof RECOURSE_CLAIM_STATUS)[number];

export interface RecourseOfferInput {
  tokenId: bigint;
  value: bigint;
  /** The bank member offered to. */
  financier: number;
  price: bigint;
  withRecourse: boolean;
  deadline: bigint;
}

export interface RecourseOfferView {
  offerId: bigint;
  status: RecourseOfferStatusName;
  tokenId: bigint;
  financier: number;
  holder: string;
  offeror: string;
  value: bigint;
  price: bigint;
  withRecourse: boolean;
  deadline: bigint;
}

export interface RecourseSaleView {
  saleId: bigint;
  tokenId: bigint;
  seller: string;
  sellerMember: number;
  buyer: string;
  buyerMember: number;
  value: bigint;
  price: bigint;
  withRecourse: boolean;
  /** The sale the seller held the value by (0: none, recourse ends with it). */
  prior: bigint;
  claimedValue: bigint;
}

export interface RecourseClaimView {
  claimId: bigint;
  status: RecourseClaimStatusName;
  saleId: bigint;
  tokenId: bigint;
  holder: string;
  holderMember: number;
  value: bigint;
}

export type RecourseClient = ReturnType<typeof createRecourseClient>;

function createRecourseClient(context: ClientContext) {
  const contract: RecourseClaims = context.connect("RecourseClaims", RecourseClaims__factory);
  const address = context.address("RecourseClaims");
  const send = (transaction: () => ReturnType<RecourseClaims["cancel"]>, options?: SendOptions) =>
    context.send(contract, transaction, options);
  const event = (receipt: ContractTransactionReceipt, name: string) =>
    eventArgs(receipt, address, contract.interface, name);
  /** The caller lets the contract pull `amount` deposit tokens (price at acceptance, claimed value at honour). */
  const ensureAllowance = async (amount: bigint, options?: SendOptions): Promise<void> => {
    const token = DepositToken__factory.connect(await contract.settlementToken(), context.runner);
    if ((await token.allowance(await context.signerAddress(), address)) >= amount) return;
    await context.send(token, () => token.approve(address, amount), options);
  };

  async function saleOf(saleId: bigint): Promise<RecourseSaleView> {
    const s = await contract.saleOf(saleId);
    return {
      saleId,
      tokenId: s.tokenId,
      seller: s.seller,
      sellerMember: Number(s.sellerMember),
      buyer: s.buyer,
      buyerMember: Number(s.buyerMember),
      value: s.value,
      price: s.price,
      withRecourse: s.withRecourse,
      prior: s.prior,
      claimedValue: s.claimedValue,
    };
  }

  return {
    contract,
    address,
    /**
     * Offers value of a certificate to a bank, with or without recourse; approves this contract for the certificate
     * first (it moves the value at acceptance). Returns the offer id.
     */
    async offer(input: RecourseOfferInput, options?: SendOptions): Promise<bigint> {
      const certificates = ReceivableCertificate__factory.connect(await contract.certificates(), context.runner);
      if (!(await certificates.isApprovedOrOwner(address, input.tokenId))) {
        await context.send(
          certificates,
          () => certificates["approve(address,uint256)"](address, input.tokenId),
          options,
        );
      }
      const receipt = await send(
        () =>
          contract.offer(input.tokenId, input.value, input.financier, input.price, input.withRecourse, input.deadline),
        options,
      );
      return event(receipt, "RecourseOffered").offerId as bigint;
    },
    cancel: (offerId: bigint, options?: SendOptions) => send(() => contract.cancel(offerId), options),
    /**
     * The bank accepts at the terms it priced (`withRecourse`, `price`: refused if the offer says otherwise),
     * approving the price in tokens first. Returns the sale and the certificate received.
     */
    async accept(
      offerId: bigint,
      terms: { withRecourse: boolean; price: bigint },
      options?: SendOptions,
    ): Promise<{ saleId: bigint; tokenId: bigint; receipt: ContractTransactionReceipt }> {
      await ensureAllowance(terms.price, options);
      const receipt = await send(() => contract.accept(offerId, terms.withRecourse, terms.price), options);
      const e = event(receipt, "RecourseSaleRecorded");
      return { saleId: e.saleId as bigint, tokenId: e.tokenId as bigint, receipt };
    },
    /** The holder of an unpaid certificate claims its value from the seller it bought it from with recourse. */
    async exercise(tokenId: bigint, options?: SendOptions): Promise<{ claimId: bigint; value: bigint }> {
      const receipt = await send(() => contract.exercise(tokenId), options);
      const e = event(receipt, "RecourseExercised");
      return { claimId: e.claimId as bigint, value: e.value as bigint };
    },
    /** The seller pays a claim (approving the value in tokens first) and takes the certificate back. */
    async honour(claimId: bigint, options?: SendOptions) {
      await ensureAllowance((await contract.claimOf(claimId)).value, options);
      return send(() => contract.honour(claimId), options);
    },
    /**
     * Closes an exercised claim the obligor's side paid since (any member's account): the certificate redeemed or
     * paid off chain, or the receivable funded or settled. Refused while the claim is still due.
     */
    async discharge(
      claimId: bigint,
      options?: SendOptions,
    ): Promise<{ value: bigint; paid: boolean; receipt: ContractTransactionReceipt }> {
      const receipt = await send(() => contract.discharge(claimId), options);
      const e = event(receipt, "RecourseDischarged");
      return { value: e.value as bigint, paid: e.paid as boolean, receipt };
    },
    async offerOf(offerId: bigint): Promise<RecourseOfferView> {
      const o = await contract.offerOf(offerId);
      return {
        offerId,
        status: RECOURSE_OFFER_STATUS[Number(o.status)],
        tokenId: o.tokenId,
        financier: Number(o.financier),
        holder: o.holder,
        offeror: o.offeror,
        value: o.value,
        price: o.price,
        withRecourse: o.withRecourse,
        deadline: o.deadline,
      };
    },
    saleOf,
    async claimOf(claimId: bigint): Promise<RecourseClaimView> {
      const k = await contract.claimOf(claimId);
      return {
        claimId,
        status: RECOURSE_CLAIM_STATUS[Number(k.status)],
        saleId: k.saleId,
        tokenId: k.tokenId,
        holder: k.holder,
        holderMember: Number(k.holderMember),
        value: k.value,
      };
    },
    /** The sales below the current owner of a certificate, nearest first: who answers for it, in order. */
    async chainOf(tokenId: bigint, max = 16): Promise<RecourseSaleView[]> {
      const chain: RecourseSaleView[] = [];
      let saleId = await contract.holdingOf(tokenId);
      while (saleId !== 0n && chain.length < max) {
        const sale = await saleOf(saleId);
        chain.push(sale);
        saleId = sale.prior;
      }
      return chain;
    },
    holdingOf: (tokenId: bigint) => contract.holdingOf(tokenId),
    latestClaimOf: (tokenId: bigint) => contract.latestClaimOf(tokenId),
  };
}

const party = (p: Record<string, string>) => `${p.caller} is not the party for this step (member ${p.expected})`;

export default defineClient({
  contracts: { RecourseClaims: RecourseClaims__factory },
  enums: {
    "IRecourseClaims.OfferStatus": RECOURSE_OFFER_STATUS,
    "IRecourseClaims.ClaimStatus": RECOURSE_CLAIM_STATUS,
  },
  messages: {
    RecourseNotHolder: (p) => `${p.caller} neither holds nor may move certificate ${p.tokenId}`,
    RecourseWrongParty: (p) => party(p),
    RecourseInvalidTerms: (p) => `invalid ${p.field}`,
    RecourseIneligibleMember: (p) => `member ${p.memberId} is not an active member with role ${p.role}`,
    RecourseOfferWrongStatus: (p) => `recourse offer ${p.offerId} is ${p.status}`,
    RecourseClaimWrongStatus: (p) => `recourse claim ${p.claimId} is ${p.status}`,
    RecourseAlreadyExercised: (p) => `recourse on certificate ${p.tokenId} was already exercised (claim ${p.claimId})`,
    RecourseCertificateChanged: (p) => `certificate ${p.tokenId} changed (owner, value, lock or redeemed)`,
    RecourseCertificateFrozen: (p) => `certificate ${p.tokenId} is under a freeze order`,
    RecourseNoSale: (p) => `the holder of certificate ${p.tokenId} bought it by no sale recorded for recourse`,
    RecourseNotAgreed: (p) => `sale ${p.saleId} was made without recourse`,
    RecourseReceivableNotDefaulted: (p) => `receivable ${p.receivableId} is ${p.status}, not unpaid and overdue`,
    RecourseClaimStillDue: (p) =>
      `recourse claim ${p.claimId} is still due: its claimant holds the certificate and receivable ${p.receivableId} is ${p.status}`,
    RecourseTooEarly: (p) => `too early: not before ${p.notBefore}`,
    RecourseTooLate: (p) => `too late: the deadline was ${p.deadline}`,
    RecourseTermsMismatch: (p) => `recourse offer ${p.offerId} does not carry the terms priced (recourse or price)`,
    RecourseShareUnclaimed: (p) =>
      `certificate ${p.tokenId} has a share of ${p.share} of a part payment to claim first: recourse is for the unpaid rest`,
    RecourseNotApproved: (p) => `the holder has not approved the recourse contract for certificate ${p.tokenId}`,
  },
  create: createRecourseClient,
});
