/**
 * Transferable letters of credit (LcTransfers, UCP 600 art. 38) and back-to-back LCs linked by reference: the issuing
 * bank designates the LC transferable, the first beneficiary requests a transfer with reduced terms, the transferring
 * bank executes or declines it, the second beneficiary presents, the first beneficiary substitutes its invoice (or the
 * bank links as received after its demand), the bank pays the second beneficiary once the LC paid. Amounts are minor
 * units of the LC's currency.
 */
import { DepositToken__factory } from "../typechain/factories/platform/DepositToken__factory.js";
import { LcTransfers__factory } from "../typechain/factories/letters-of-credit/LcTransfers__factory.js";
import type { LcTransfers } from "../typechain/letters-of-credit/LcTransfers.js";
import { defineClient, type ClientContext, type SendOptions } from "./define.js";
import { eventArgs } from "./events.js";
import { LC_STATE, PRESENTATION_STATE } from "./letters-of-credit.js";

export const TRANSFER_STATE = ["None", "Requested", "Executed", "Declined"] as const;
export type TransferStateName = (typeof TRANSFER_STATE)[number];
export const SECOND_PRESENTATION_STATE = ["None", "Presented", "Substituted", "LinkedAsReceived", "Paid"] as const;
export type SecondPresentationStateName = (typeof SECOND_PRESENTATION_STATE)[number];

/** What the first beneficiary asks to transfer (art. 38g: reduced, earlier, shorter). */
export interface TransferTermsInput {
  /** The second beneficiary's account. */
  secondBeneficiary: string;
  amount: bigint;
  /** Unix seconds, at most the LC's expiry. */
  expiry: bigint;
  /** Unix seconds, at most the LC's latest shipment. */
  latestShipment: bigint;
  presentationPeriodDays: number;
  /** Hash of the transferred terms (reduced unit price, documents). */
  termsHash: string;
}

export interface TransferView {
  transferId: bigint;
  lcId: bigint;
  state: TransferStateName;
  secondBeneficiary: number;
  secondBeneficiaryAccount: string;
  amount: bigint;
  presented: bigint;
  expiry: bigint;
  latestShipment: bigint;
  presentationPeriodDays: number;
  termsHash: string;
  lcFingerprint: string;
}

export interface SecondPresentationView {
  secondPresentationId: bigint;
  transferId: bigint;
  state: SecondPresentationStateName;
  amount: bigint;
  presentedAt: bigint;
  shipmentDate: bigint;
  substitutionDemandedAt: bigint;
  /** The presentation under the LC it is linked to (0n: none). */
  lcPresentationId: bigint;
  documentsHash: string;
}

export type LcTransfersClient = ReturnType<typeof createLcTransfersClient>;

function createLcTransfersClient(context: ClientContext) {
  const contract: LcTransfers = context.connect("LcTransfers", LcTransfers__factory);
  const address = context.address("LcTransfers");
  const send = (transaction: Parameters<ClientContext["send"]>[1], options?: SendOptions) =>
    context.send(contract, transaction, options);
  const event = (receipt: Parameters<typeof eventArgs>[0], name: string) =>
    eventArgs(receipt, address, contract.interface, name);

  async function transfer(transferId: bigint): Promise<TransferView> {
    const t = await contract.transfer(transferId);
    return {
      transferId,
      lcId: transferId >> 16n,
      state: TRANSFER_STATE[Number(t.state)],
      secondBeneficiary: Number(t.secondBeneficiary),
      secondBeneficiaryAccount: t.secondBeneficiaryAccount,
      amount: t.amount,
      presented: t.presented,
      expiry: t.expiry,
      latestShipment: t.latestShipment,
      presentationPeriodDays: Number(t.presentationPeriodDays),
      termsHash: t.termsHash,
      lcFingerprint: t.lcFingerprint,
    };
  }

  async function secondPresentation(secondPresentationId: bigint): Promise<SecondPresentationView> {
    const p = await contract.secondPresentation(secondPresentationId);
    return {
      secondPresentationId,
      transferId: secondPresentationId >> 16n,
      state: SECOND_PRESENTATION_STATE[Number(p.state)],
      amount: p.amount,
      presentedAt: p.presentedAt,
      shipmentDate: p.shipmentDate,
      substitutionDemandedAt: p.substitutionDemandedAt,
      lcPresentationId: p.lcPresentationId,
      documentsHash: p.documentsHash,
    };
  }

  return {
    contract,
    address,
    /** The issuing bank designates an open LC transferable (art. 38b). */
    designateTransferable: (lcId: bigint, options?: SendOptions) =>
      send(() => contract.designateTransferable(lcId), options),
    /** The first beneficiary requests a transfer; returns its id. */
    async requestTransfer(lcId: bigint, terms: TransferTermsInput, options?: SendOptions) {
      const receipt = await send(() => contract.requestTransfer(lcId, terms), options);
      return { transferId: event(receipt, "TransferRequested").transferId as bigint, receipt };
    },
    /** The transferring bank transfers (refused if the LC was amended since the request). */
    async executeTransfer(transferId: bigint, options?: SendOptions) {
      const receipt = await send(() => contract.executeTransfer(transferId), options);
      return { transferred: event(receipt, "TransferExecuted").transferred as bigint, receipt };
    },
    /** The transferring bank declines a requested transfer (art. 38a). */
    declineTransfer: (transferId: bigint, options?: SendOptions) =>
      send(() => contract.declineTransfer(transferId), options),
    /** The second beneficiary presents its documents (hash) with the shipment date it states; returns the id. */
    async presentUnderTransfer(
      transferId: bigint,
      amount: bigint,
      documentsHash: string,
      shipmentDate: bigint,
      options?: SendOptions,
    ) {
      const receipt = await send(
        () => contract.presentUnderTransfer(transferId, amount, documentsHash, shipmentDate),
        options,
      );
      return {
        secondPresentationId: event(receipt, "SecondBeneficiaryPresented").secondPresentationId as bigint,
        receipt,
      };
    },
    /**
     * The first beneficiary links its presentation under the LC to second presentations with its invoice (38h). In the
     * settlement currency the contract escrows their total from the caller: approved here for that exact amount
     * unless `approve: false` (an LC in another currency needs no approval; pass `approve: false`).
     */
    async substituteInvoice(
      lcPresentationId: bigint,
      secondPresentationIds: bigint[],
      invoiceHash: string,
      options?: SendOptions & { approve?: boolean },
    ) {
      if (options?.approve !== false) {
        const amounts = await Promise.all(
          secondPresentationIds.map(async (id) => (await contract.secondPresentation(id)).amount),
        );
        const total = amounts.reduce((a, b) => a + b, 0n);
        const token = DepositToken__factory.connect(await contract.settlementToken(), context.runner);
        await context.send(token, () => token.approve(address, total), options);
      }
      return send(() => contract.substituteInvoice(lcPresentationId, secondPresentationIds, invoiceHash), options);
    },
    /** Anyone unlinks a second presentation whose linked LC presentation was refused (escrow refunded). */
    unlink: (secondPresentationId: bigint, options?: SendOptions) =>
      send(() => contract.unlink(secondPresentationId), options),
    /** The transferring bank demands the first beneficiary's substitution (38i). */
    demandSubstitution: (secondPresentationId: bigint, options?: SendOptions) =>
      send(() => contract.demandSubstitution(secondPresentationId), options),
    /** After the substitution period, the transferring bank links the second's documents as received (38i). */
    linkAsReceived: (lcPresentationId: bigint, secondPresentationIds: bigint[], options?: SendOptions) =>
      send(() => contract.linkAsReceived(lcPresentationId, secondPresentationIds), options),
    /**
     * The transferring bank pays a linked second presentation once the LC paid (or the issuing or a confirming bank
     * accepted) its linked presentation. Substituted in the settlement currency: out of the first beneficiary's escrow
     * (no reference, no approval). Linked as received: in tokens from the bank (approving the contract for the amount
     * unless `approve: false`) or, with `offChainReference`, off chain.
     */
    async paySecondBeneficiary(
      secondPresentationId: bigint,
      offChainReference?: string,
      options?: SendOptions & { approve?: boolean },
    ) {
      const reference = offChainReference ?? "0x" + "00".repeat(32);
      const sp = await contract.secondPresentation(secondPresentationId);
      // 3 = LinkedAsReceived: the bank pays from its own account (a substituted one is paid from escrow)
      if (offChainReference === undefined && options?.approve !== false && Number(sp.state) === 3) {
        const amount = sp.amount;
        const token = DepositToken__factory.connect(await contract.settlementToken(), context.runner);
        await context.send(token, () => token.approve(address, amount), options);
      }
      const receipt = await send(() => contract.paySecondBeneficiary(secondPresentationId, reference), options);
      return { amount: event(receipt, "SecondBeneficiaryPaid").amount as bigint, receipt };
    },
    /** The back-to-back LC's issuing bank links it to its master LC. */
    linkBackToBack: (backToBackLcId: bigint, masterLcId: bigint, options?: SendOptions) =>
      send(() => contract.linkBackToBack(backToBackLcId, masterLcId), options),
    transfer,
    secondPresentation,
    /** An LC's transfer account: designated, transfers requested, total transferred and paid to second beneficiaries. */
    async credit(lcId: bigint) {
      const [c, room] = await Promise.all([contract.transferableCredit(lcId), contract.transferable(lcId)]);
      return {
        lcId,
        transferable: c.transferable,
        transferCount: Number(c.transferCount),
        transferred: c.transferred,
        paidToSecond: c.paidToSecond,
        /** What may still be transferred now. */
        room,
      };
    },
    /** The master LC of a back-to-back LC (0n: none). */
    masterOf: (backToBackLcId: bigint) => contract.masterOf(backToBackLcId),
  };
}

export default defineClient({
  contracts: { LcTransfers: LcTransfers__factory },
  enums: {
    "ILetterOfCredit.LetterOfCreditState": LC_STATE,
    "ILetterOfCredit.PresentationState": PRESENTATION_STATE,
    "ILcTransfers.TransferState": TRANSFER_STATE,
    "ILcTransfers.SecondPresentationState": SECOND_PRESENTATION_STATE,
  },
  messages: {
    TransferWrongParty: (p) => `${p.id}: member ${p.caller} is not the party (member ${p.expected})`,
    TransferLcWrongState: (p) => `letter of credit ${p.lcId} is ${p.state}: not a state this transfer step accepts`,
    TransferTooLate: (p) => `${p.id}: too late, the deadline ${p.deadline} passed`,
    NotTransferable: (p) => `letter of credit ${p.lcId} is not designated transferable by its issuing bank (art. 38b)`,
    AlreadyTransferable: (p) => `letter of credit ${p.lcId} is already transferable`,
    TransferTermsExceedLc: (p) =>
      `letter of credit ${p.lcId}: the transferred ${p.field} is not within the LC's (art. 38g)`,
    SeveralTransfersNotAllowed: (p) =>
      `letter of credit ${p.lcId} does not allow partial drawings: one second beneficiary only (art. 38d)`,
    TransferExceedsLc: (p) =>
      `letter of credit ${p.lcId}: ${p.requested} asked, ${p.available} may still be transferred`,
    LcChangedSinceRequest: (p) => `transfer ${p.transferId}: the LC was amended since the request; request again`,
    TransferWrongState: (p) => `transfer ${p.transferId} is ${p.state}`,
    TransferUnknown: (p) => `no transfer ${p.transferId}`,
    SecondPresentationUnknown: (p) => `no second beneficiary's presentation ${p.secondPresentationId}`,
    SecondPresentationWrongState: (p) => `second beneficiary's presentation ${p.secondPresentationId} is ${p.state}`,
    SecondPresentationNotCompliant: (p) =>
      `second beneficiary's presentation ${p.secondPresentationId} does not comply: ${p.field}`,
    TransferOverdrawn: (p) => `transfer ${p.transferId}: ${p.requested} presented, ${p.available} left`,
    LinkNotAllowed: (p) =>
      `presentation ${p.lcPresentationId} cannot take second presentation ${p.secondPresentationId} (other LC, refused, linked, or too small)`,
    SubstitutionPending: (p) =>
      `second beneficiary's presentation ${p.secondPresentationId}: the first beneficiary may substitute until ${p.deadline} (0: not demanded)`,
    LcPresentationNotHonoured: (p) =>
      `presentation ${p.lcPresentationId} is ${p.state}: the LC has not paid or accepted it`,
    TransferCurrencyNotSettleable: (p) => `letter of credit ${p.lcId} is not in the settlement currency: pay off chain`,
    BackToBackMismatch: (p) => `back-to-back ${p.backToBackLcId} does not fit master ${p.masterLcId}: ${p.field}`,
    AlreadyLinked: (p) => `letter of credit ${p.backToBackLcId} is already linked to master ${p.masterLcId}`,
  },
  create: createLcTransfersClient,
});
