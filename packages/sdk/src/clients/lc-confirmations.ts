/**
 * Confirmation of letters of credit (LcConfirmations, UCP 600 art. 8 and 10): the issuing bank authorises or requests
 * confirmation by the LC's nominated bank, which confirms the LC's terms as they are, declines (art. 8d), and extends
 * its confirmation to each accepted amendment it agrees to be bound by, or records that it does not (art. 10b).
 * `exposure` shows what the confirming bank is bound to beside the LC's current terms. Amounts are minor units of the
 * LC's currency.
 */
import { AbiCoder, keccak256 } from "ethers";
import { LcConfirmations__factory } from "../typechain/factories/letters-of-credit/LcConfirmations__factory.js";
import type { ILcConfirmations, LcConfirmations } from "../typechain/letters-of-credit/LcConfirmations.js";
import { defineClient, type ClientContext, type SendOptions } from "./define.js";
import { eventArgs } from "./events.js";
import { LC_STATE } from "./letters-of-credit.js";

/** The LC terms a confirmation covers. */
export interface ConfirmedTermsView {
  amount: bigint;
  tolerancePlus: number;
  toleranceMinus: number;
  expiry: bigint;
  latestShipment: bigint;
  termsHash: string;
}

/** An LC's confirmation and pending authorization, and the confirming bank's exposure beside the LC's terms now. */
export interface ConfirmationView {
  lcId: bigint;
  /** Pending authorization (null: none): the bank named, request (CONFIRM) or authorisation (MAY ADD). */
  authorization: {
    issuingBank: number;
    confirmingBank: number;
    requested: boolean;
    authorizedAt: bigint;
    termsDigest: string;
  } | null;
  /** Member id of the confirming bank (0: not confirmed). */
  confirmingBank: number;
  confirmedAt: bigint;
  extendedAt: bigint;
  amendmentsExtended: number;
  /** The terms the confirming bank is bound to (null: not confirmed). */
  confirmedTerms: ConfirmedTermsView | null;
  /** The LC's terms now. */
  currentTerms: ConfirmedTermsView;
  /** Digest of the amended terms the bank last declined to extend to (null: none). */
  declinedDigest: string | null;
  /** The confirmation covers the LC's current terms. */
  upToDate: boolean;
  /** The confirming bank is bound now (confirmed, LC open, not past the confirmed expiry). */
  bound: boolean;
  confirmedMaximum: bigint;
  currentMaximum: bigint;
  drawn: bigint;
  /** What the confirming bank may still have to honour: confirmed maximum less drawn (0 when not bound). */
  outstanding: bigint;
}

/** The digest LcConfirmations compares: keccak256 of the ABI-encoded confirmed terms. */
export function confirmedTermsDigest(terms: ConfirmedTermsView): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      [
        "tuple(uint80 amount, uint8 tolerancePlus, uint8 toleranceMinus, uint40 expiry, uint40 latestShipment, bytes32 termsHash)",
      ],
      [[terms.amount, terms.tolerancePlus, terms.toleranceMinus, terms.expiry, terms.latestShipment, terms.termsHash]],
    ),
  );
}

const ZERO = `0x${"0".repeat(64)}`;

function termsView(t: ILcConfirmations.ConfirmedTermsStructOutput): ConfirmedTermsView {
  return {
    amount: t.amount,
    tolerancePlus: Number(t.tolerancePlus),
    toleranceMinus: Number(t.toleranceMinus),
    expiry: t.expiry,
    latestShipment: t.latestShipment,
    termsHash: t.termsHash,
  };
}

export type LcConfirmationsClient = ReturnType<typeof createLcConfirmationsClient>;

function createLcConfirmationsClient(context: ClientContext) {
  const contract: LcConfirmations = context.connect("LcConfirmations", LcConfirmations__factory);
  const address = context.address("LcConfirmations");
  const send = (transaction: Parameters<ClientContext["send"]>[1], options?: SendOptions) =>
    context.send(contract, transaction, options);
  const event = (receipt: Parameters<typeof eventArgs>[0], name: string) =>
    eventArgs(receipt, address, contract.interface, name);
  /** The terms the bank gives: those read now unless given (a stale read is refused by the contract). */
  const termsOrCurrent = async (lcId: bigint, terms?: ConfirmedTermsView) =>
    terms ?? termsView(await contract.currentTerms(lcId));

  async function confirmation(lcId: bigint): Promise<ConfirmationView> {
    const [auth, c, now, e] = await Promise.all([
      contract.authorization(lcId),
      contract.confirmation(lcId),
      contract.currentTerms(lcId),
      contract.exposure(lcId),
    ]);
    const confirmingBank = Number(c.confirmingBank);
    return {
      lcId,
      authorization:
        Number(auth.confirmingBank) === 0
          ? null
          : {
              issuingBank: Number(auth.issuingBank),
              confirmingBank: Number(auth.confirmingBank),
              requested: auth.requested,
              authorizedAt: auth.authorizedAt,
              termsDigest: auth.termsDigest,
            },
      confirmingBank,
      confirmedAt: c.confirmedAt,
      extendedAt: c.extendedAt,
      amendmentsExtended: Number(c.amendmentsExtended),
      confirmedTerms: confirmingBank === 0 ? null : termsView(c.terms),
      currentTerms: termsView(now),
      declinedDigest: c.declinedDigest === ZERO ? null : c.declinedDigest,
      upToDate: e.upToDate,
      bound: e.bound,
      confirmedMaximum: e.confirmedMaximum,
      currentMaximum: e.currentMaximum,
      drawn: e.drawn,
      outstanding: e.outstanding,
    };
  }

  return {
    contract,
    address,
    /**
     * The issuing bank authorises (`requested` false: MAY ADD) or requests (true: CONFIRM) the LC's nominated bank
     * (member id) to confirm the LC at its current terms.
     */
    async authorize(lcId: bigint, confirmingBank: number, requested: boolean, options?: SendOptions) {
      const receipt = await send(() => contract.authorizeConfirmation(lcId, confirmingBank, requested), options);
      return { termsDigest: event(receipt, "ConfirmationAuthorized").termsDigest as string, receipt };
    },
    /** The issuing bank withdraws its pending authorization. */
    withdrawAuthorization: (lcId: bigint, options?: SendOptions) =>
      send(() => contract.withdrawAuthorization(lcId), options),
    /** The bank authorised is not prepared to confirm (art. 8d): `noticeHash` of its notice to the issuing bank. */
    declineToConfirm: (lcId: bigint, noticeHash: string, options?: SendOptions) =>
      send(() => contract.declineToConfirm(lcId, noticeHash), options),
    /**
     * The bank authorised confirms `terms` (default: the LC's terms read now); refused if the LC was amended since the
     * authorization or since `terms` were read. Irrevocable from then (art. 8b).
     */
    async confirm(lcId: bigint, terms?: ConfirmedTermsView, options?: SendOptions) {
      const given = await termsOrCurrent(lcId, terms);
      const receipt = await send(() => contract.addConfirmation(lcId, given), options);
      return { terms: given, receipt };
    },
    /** The confirming bank extends its confirmation to the LC as amended (`terms`, default: read now; art. 10b). */
    async extend(lcId: bigint, terms?: ConfirmedTermsView, options?: SendOptions) {
      const given = await termsOrCurrent(lcId, terms);
      const receipt = await send(() => contract.extendConfirmation(lcId, given), options);
      return {
        terms: given,
        amendmentsExtended: Number(event(receipt, "ConfirmationExtended").amendmentsExtended),
        receipt,
      };
    },
    /**
     * The confirming bank records that it does not extend its confirmation to the LC as amended, with the hash of its
     * notice to the issuing bank and the beneficiary (art. 10b).
     */
    async declineAmendment(lcId: bigint, noticeHash: string, terms?: ConfirmedTermsView, options?: SendOptions) {
      const given = await termsOrCurrent(lcId, terms);
      const receipt = await send(() => contract.declineAmendment(lcId, given, noticeHash), options);
      return { terms: given, receipt };
    },
    confirmation,
  };
}

export default defineClient({
  contracts: { LcConfirmations: LcConfirmations__factory },
  enums: { "ILetterOfCredit.LetterOfCreditState": LC_STATE },
  messages: {
    ConfirmingBankNotNominated: (p) =>
      `letter of credit ${p.lcId}: member ${p.bank} is not its nominated bank (member ${p.nominatedBank}): only the bank with which the LC is available may confirm`,
    ConfirmationWrongParty: (p) =>
      `letter of credit ${p.lcId}: member ${p.caller} is not the party (member ${p.expected})`,
    ConfirmationWrongLcState: (p) => `letter of credit ${p.lcId} is ${p.state} (expiry ${p.expiry}): not open`,
    ConfirmationNotAuthorized: (p) => `letter of credit ${p.lcId}: no authorization to confirm is pending`,
    ConfirmationExists: (p) => `letter of credit ${p.lcId} is already confirmed by member ${p.confirmingBank}`,
    ConfirmationUnknown: (p) => `letter of credit ${p.lcId} is not confirmed`,
    ConfirmationTermsChanged: (p) =>
      `letter of credit ${p.lcId} was amended since the issuing bank authorised confirmation: it must authorise again`,
    ConfirmationTermsMismatch: (p) => `letter of credit ${p.lcId}: the terms given are not its current terms`,
    NoAmendmentToConfirm: (p) => `letter of credit ${p.lcId}: no amendment since the confirmation`,
  },
  create: createLcConfirmationsClient,
});
