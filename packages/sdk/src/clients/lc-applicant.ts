/**
 * The applicant's side of a letter of credit (LcApplicantAccounts): margin (a share of the most the LC can draw,
 * amount plus tolerance, locked in deposit tokens) and the release of documents against the applicant's reimbursement (付款赎单), with the release on trust
 * receipt as the bank's explicit alternative. Amounts are minor units of the settlement token.
 */
import { AbiCoder, keccak256 } from "ethers";
import { DepositToken__factory } from "../typechain/factories/platform/DepositToken__factory.js";
import { LcApplicantAccounts__factory } from "../typechain/factories/letters-of-credit/LcApplicantAccounts__factory.js";
import type { LcApplicantAccounts } from "../typechain/letters-of-credit/LcApplicantAccounts.js";
import { defineClient, type ClientContext, type SendOptions } from "./define.js";
import { eventArgs } from "./events.js";
import { LC_STATE, PRESENTATION_STATE, type DocumentRefInput } from "./letters-of-credit.js";

export const RELEASE_STATE = ["None", "Held", "ReleasedOnTrustReceipt", "Settled"] as const;
export type ReleaseStateName = (typeof RELEASE_STATE)[number];

/** An LC's margin account, with what the share asks for on the current amount and what is still to lock. */
export interface MarginView {
  lcId: bigint;
  /** Margin share in basis points (0: none set). */
  shareBps: number;
  required: bigint;
  due: bigint;
  locked: bigint;
  applied: bigint;
  released: bigint;
  /** Locked, not applied and not released. */
  free: bigint;
  heldDrawn: bigint;
  outstanding: number;
  /** After this moment (unix seconds) the applicant may take back the margin not applied, whatever the LC's state. */
  reclaimableAt: bigint;
}

/** A presentation's documents as the issuing bank holds them for the applicant. */
export interface DocumentReleaseView {
  presentationId: bigint;
  state: ReleaseStateName;
  amountDue: bigint;
  marginApplied: bigint;
  bankAccount: string;
  documentsHash: string;
}

/**
 * The hash of a presentation's documents as `holdDocuments` records it: keccak256 of the ABI-encoded `DocumentRef[]`
 * (the list the beneficiary presented, in order).
 */
export function documentsHash(documents: DocumentRefInput[]): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["tuple(bytes32 contentHash, bytes32 uriHash, uint16 kind)[]"],
      [documents.map((d) => [d.contentHash, d.uriHash, d.kind])],
    ),
  );
}

/**
 * The margin `shareBps` asks for on an LC of `amount` with `tolerancePlus` percent: the share of the most it can draw
 * (amount plus tolerance, rounded down as LetterOfCredit does), rounded up to the minor unit as the contract does.
 */
export function marginRequired(amount: bigint, shareBps: number, tolerancePlus = 0): bigint {
  const maximum = amount + (amount * BigInt(tolerancePlus)) / 100n;
  return (maximum * BigInt(shareBps) + 9_999n) / 10_000n;
}

export type LcApplicantClient = ReturnType<typeof createLcApplicantClient>;

function createLcApplicantClient(context: ClientContext) {
  const contract: LcApplicantAccounts = context.connect("LcApplicantAccounts", LcApplicantAccounts__factory);
  const address = context.address("LcApplicantAccounts");
  const send = (transaction: Parameters<ClientContext["send"]>[1], options?: SendOptions) =>
    context.send(contract, transaction, options);
  const event = (receipt: Parameters<typeof eventArgs>[0], name: string) =>
    eventArgs(receipt, address, contract.interface, name);

  async function margin(lcId: bigint): Promise<MarginView> {
    const [account, [required, due], reclaimableAt] = await Promise.all([
      contract.marginAccount(lcId),
      contract.marginDue(lcId),
      contract.marginReclaimableAt(lcId),
    ]);
    return {
      lcId,
      shareBps: Number(account.shareBps),
      required,
      due,
      locked: account.locked,
      applied: account.applied,
      released: account.released,
      free: account.locked - account.applied - account.released,
      heldDrawn: account.heldDrawn,
      outstanding: Number(account.outstanding),
      reclaimableAt,
    };
  }

  async function documentRelease(presentationId: bigint): Promise<DocumentReleaseView> {
    const r = await contract.documentRelease(presentationId);
    return {
      presentationId,
      state: RELEASE_STATE[Number(r.state)],
      amountDue: r.amountDue,
      marginApplied: r.marginApplied,
      bankAccount: r.bankAccount,
      documentsHash: r.documentsHash,
    };
  }

  return {
    contract,
    address,
    /** The issuing bank sets the margin share (basis points, 1..10,000) before any margin is locked. */
    async setMarginShare(lcId: bigint, shareBps: number, options?: SendOptions) {
      const receipt = await send(() => contract.setMarginShare(lcId, shareBps), options);
      return { required: event(receipt, "MarginShareSet").required as bigint, receipt };
    },
    /**
     * The applicant locks the margin due. `agreed` is the amount it agreed to (default: what `marginDue` reads now);
     * the contract refuses it if the share or the LC amount changed since. Approves the contract for that amount
     * first when `approve` is true (default).
     */
    async lockMargin(lcId: bigint, agreed?: bigint, options?: SendOptions & { approve?: boolean }) {
      const amount = agreed ?? (await contract.marginDue(lcId))[1];
      if (options?.approve !== false) {
        const token = DepositToken__factory.connect(await contract.settlementToken(), context.runner);
        await context.send(token, () => token.approve(address, amount), options);
      }
      const receipt = await send(() => contract.lockMargin(lcId, amount), options);
      const args = event(receipt, "MarginLocked");
      return { amount: args.amount as bigint, locked: args.locked as bigint, receipt };
    },
    /**
     * The issuing bank records a paid presentation's documents as held for the applicant: the free margin is applied
     * (paid to the caller) and the rest is due. Give the documents (hashed here) or their hash.
     */
    async holdDocuments(presentationId: bigint, documents: DocumentRefInput[] | string, options?: SendOptions) {
      const hash = typeof documents === "string" ? documents : documentsHash(documents);
      const receipt = await send(() => contract.holdDocuments(presentationId, hash), options);
      const args = event(receipt, "DocumentsHeld");
      return {
        documentsHash: hash,
        marginApplied: args.marginApplied as bigint,
        amountDue: args.amountDue as bigint,
        receipt,
      };
    },
    /**
     * The issuing bank holds the documents of a presentation its nominated bank paid, once it reimbursed the nominated
     * bank: `obligationId` is the interbank obligation LetterOfCredit recorded (`ReimbursementRecorded`), settled or
     * netted.
     */
    async holdDocumentsAfterReimbursement(
      presentationId: bigint,
      documents: DocumentRefInput[] | string,
      obligationId: bigint,
      options?: SendOptions,
    ) {
      const hash = typeof documents === "string" ? documents : documentsHash(documents);
      const receipt = await send(
        () => contract.holdDocumentsAfterReimbursement(presentationId, hash, obligationId),
        options,
      );
      const args = event(receipt, "DocumentsHeld");
      return {
        documentsHash: hash,
        marginApplied: args.marginApplied as bigint,
        amountDue: args.amountDue as bigint,
        receipt,
      };
    },
    /** The caller (an account of the issuing bank) becomes the account the reimbursement due is paid to. */
    changeReimbursementAccount: (presentationId: bigint, options?: SendOptions) =>
      send(() => contract.changeReimbursementAccount(presentationId), options),
    /**
     * The applicant pays the reimbursement due (default: what the contract reads now) and takes up the documents.
     * Approves the contract for that amount first when `approve` is true (default).
     */
    async payForRelease(presentationId: bigint, agreed?: bigint, options?: SendOptions & { approve?: boolean }) {
      const amount = agreed ?? (await contract.documentRelease(presentationId)).amountDue;
      if (options?.approve !== false && amount > 0n) {
        const token = DepositToken__factory.connect(await contract.settlementToken(), context.runner);
        await context.send(token, () => token.approve(address, amount), options);
      }
      const receipt = await send(() => contract.payForRelease(presentationId, amount), options);
      const args = event(receipt, "ReimbursementPaid");
      return { amount: args.amount as bigint, released: args.released as boolean, receipt };
    },
    /** The issuing bank releases held documents without payment against the applicant's trust receipt (its hash). */
    releaseOnTrustReceipt: (presentationId: bigint, undertakingHash: string, options?: SendOptions) =>
      send(() => contract.releaseOnTrustReceipt(presentationId, undertakingHash), options),
    /**
     * The applicant takes back the margin left once the LC is closed and every drawing reimbursed, or in any case
     * after `margin(lcId).reclaimableAt`.
     */
    async releaseMargin(lcId: bigint, options?: SendOptions) {
      const receipt = await send(() => contract.releaseMargin(lcId), options);
      return { amount: event(receipt, "MarginReleased").amount as bigint, receipt };
    },
    margin,
    documentRelease,
  };
}

export default defineClient({
  contracts: { LcApplicantAccounts: LcApplicantAccounts__factory },
  enums: {
    "ILetterOfCredit.LetterOfCreditState": LC_STATE,
    "ILetterOfCredit.PresentationState": PRESENTATION_STATE,
    "ILcApplicantAccounts.ReleaseState": RELEASE_STATE,
  },
  messages: {
    MarginWrongLcState: (p) => `letter of credit ${p.lcId} is ${p.current}: not a state this margin step accepts`,
    MarginWrongParty: (p) => `letter of credit ${p.lcId}: member ${p.caller} is not the party (member ${p.expected})`,
    MarginCurrencyNotSettleable: (p) => `letter of credit ${p.lcId} is not in the settlement currency: no margin`,
    MarginAlreadyLocked: (p) => `letter of credit ${p.lcId}: ${p.locked} margin is locked, the share is fixed`,
    NoMarginDue: (p) => `letter of credit ${p.lcId}: no margin is due`,
    MarginAmountChanged: (p) =>
      `letter of credit ${p.lcId}: ${p.due} margin is due now, not the ${p.agreed} agreed (share or amount changed)`,
    MarginLcExpired: (p) => `letter of credit ${p.lcId} expired at ${p.expiry}`,
    PresentationNotHonoured: (p) => `presentation ${p.presentationId} is ${p.current}: the bank has not paid it`,
    ReleaseWrongState: (p) => `documents of presentation ${p.presentationId} are ${p.current}`,
    ReimbursementAmountChanged: (p) =>
      `presentation ${p.presentationId}: ${p.due} is due for release, not the ${p.agreed} agreed`,
    ReimbursementsOutstanding: (p) =>
      `letter of credit ${p.lcId}: drawn ${p.drawn}, held ${p.heldDrawn}, ${p.outstanding} unreimbursed: margin stays`,
    NoMarginToRelease: (p) => `letter of credit ${p.lcId}: no margin left to release`,
    NominatedBankNotReimbursed: (p) =>
      Number(p.obligationId) === 0
        ? `presentation ${p.presentationId}: nominated bank ${p.nominatedBank} paid it; hold after reimbursing it (give the obligation)`
        : `presentation ${p.presentationId}: obligation ${p.obligationId} to nominated bank ${p.nominatedBank} is not settled`,
    NoNominatedBank: (p) => `letter of credit ${p.lcId} names no nominated bank: hold without an obligation`,
    ReimbursementObligationMismatch: (p) =>
      `presentation ${p.presentationId}: obligation ${p.obligationId} is not the issuing bank's reimbursement of it`,
    ReimbursementObligationUsed: (p) =>
      `obligation ${p.obligationId} already backs the hold of presentation ${p.presentationId}`,
  },
  create: createLcApplicantClient,
});
