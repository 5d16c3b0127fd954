/**
 * Part payment of a receivable at maturity (MaturityArrangements): the obligor pays part of what is outstanding in
 * deposit tokens; each certificate's holder (or any member for it) claims the certificate's pro-rata share, which
 * pays the certificate down to the unpaid rest. The rest stays overdue (recourse, the guarantee and the paying bank
 * then deal with the unpaid rest only). Shares of frozen or pledged certificates, of holders not in good standing,
 * or of certificates under an open recourse claim are held until that ends; once the receivable is funded, what no
 * certificate claimed goes back to the obligor (`refund`).
 */
import type { ContractTransactionReceipt } from "ethers";
import { DepositToken__factory } from "../typechain/factories/platform/DepositToken__factory.js";
import { MaturityArrangements__factory } from "../typechain/factories/receivables/MaturityArrangements__factory.js";
import type { MaturityArrangements } from "../typechain/receivables/MaturityArrangements.js";
import { defineClient, type ClientContext, type SendOptions } from "./define.js";
import { eventArgs } from "./events.js";

export interface PartPaymentsView {
  receivableId: bigint;
  /** Tokens the obligor paid in part. */
  paidIn: bigint;
  /** Shares paid to holders (certificates paid down by as much). */
  claimed: bigint;
  /** Given back to the obligor once funded or settled. */
  refunded: bigint;
  payments: number;
  /** Paid in, neither claimed nor refunded: held here for holders (and rounding dust). */
  pending: bigint;
  /** What the obligor still owes: face value less redeemed, paid down and pending shares (0 once funded). */
  unpaid: bigint;
}

export type ArrangementsClient = ReturnType<typeof createArrangementsClient>;

function createArrangementsClient(context: ClientContext) {
  const contract: MaturityArrangements = context.connect("MaturityArrangements", MaturityArrangements__factory);
  const address = context.address("MaturityArrangements");
  const send = (transaction: () => ReturnType<MaturityArrangements["claim"]>, options?: SendOptions) =>
    context.send(contract, transaction, options);
  const event = (receipt: ContractTransactionReceipt, name: string) =>
    eventArgs(receipt, address, contract.interface, name);

  return {
    contract,
    address,
    /** The obligor pays `amount` of a matured receivable in part (approving the tokens first as needed). */
    async pay(
      receivableId: bigint,
      amount: bigint,
      options?: SendOptions,
    ): Promise<{ outstanding: bigint; receipt: ContractTransactionReceipt }> {
      const token = DepositToken__factory.connect(await contract.settlementToken(), context.runner);
      if ((await token.allowance(await context.signerAddress(), address)) < amount) {
        await context.send(token, () => token.approve(address, amount), options);
      }
      const receipt = await send(() => contract.pay(receivableId, amount), options);
      return { outstanding: event(receipt, "PartPaymentMade").outstanding as bigint, receipt };
    },
    /** Pays a certificate's share to its holder (any member may call it). */
    async claim(
      tokenId: bigint,
      options?: SendOptions,
    ): Promise<{ share: bigint; valueAfter: bigint; holder: string; receipt: ContractTransactionReceipt }> {
      const receipt = await send(() => contract.claim(tokenId), options);
      const e = event(receipt, "PartPaymentShareClaimed");
      return { share: e.share as bigint, valueAfter: e.valueAfter as bigint, holder: e.holder as string, receipt };
    },
    /** The obligor takes back what no certificate will claim, once the receivable is funded or settled. */
    async refund(receivableId: bigint, options?: SendOptions): Promise<{ amount: bigint }> {
      const receipt = await send(() => contract.refund(receivableId), options);
      return { amount: event(receipt, "PartPaymentsRefunded").amount as bigint };
    },
    shareOf: (tokenId: bigint) => contract.shareOf(tokenId),
    async partPaymentsOf(receivableId: bigint): Promise<PartPaymentsView> {
      const [p, unpaid] = await Promise.all([contract.partPaymentsOf(receivableId), contract.unpaidOf(receivableId)]);
      return {
        receivableId,
        paidIn: p.paidIn,
        claimed: p.claimed,
        refunded: p.refunded,
        payments: Number(p.payments),
        pending: p.paidIn - p.claimed - p.refunded,
        unpaid,
      };
    },
  };
}

const HELD: Record<string, string> = {
  locked: "value of it is pledged",
  frozen: "a freeze order is in force on it",
  holder: "its holder is not in good standing",
  recourse: "a recourse claim on it is open",
};

export default defineClient({
  contracts: { MaturityArrangements: MaturityArrangements__factory },
  messages: {
    ArrangementWrongStatus: (p) => `receivable ${p.receivableId} is ${p.current}: not unpaid`,
    ArrangementTooEarly: (p) => `too early: not before ${p.notBefore}`,
    ArrangementInvalidAmount: (p) =>
      `a part payment must be more than 0 and less than the ${p.outstanding} outstanding (fund pays all of it)`,
    ArrangementWrongParty: (p) => `${p.caller} is not the party for this step (member ${p.expected})`,
    ArrangementNoShare: (p) => `certificate ${p.tokenId} has no share to claim`,
    ArrangementShareHeld: (p) => `the share of certificate ${p.tokenId} is held: ${HELD[p.reason] ?? p.reason}`,
    ArrangementShareUnclaimed: (p) =>
      `certificate ${p.tokenId} still has a share of ${p.share} to claim first (consortia receivable claim-share)`,
    ArrangementNothingToRefund: (p) => `nothing to give back for receivable ${p.receivableId} (funded or settled?)`,
  },
  create: createArrangementsClient,
});
