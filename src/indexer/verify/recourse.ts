import { RecourseClaims__factory } from "@consortia/sdk/typechain/factories/receivables/RecourseClaims__factory.js";
import { RECOURSE_CLAIM_STATUSES, RECOURSE_OFFER_STATUSES } from "../projections/recourse.js";
import { asOf, counted, deployed, enumName, reader, rowByRow, type Check } from "./check.js";

interface OfferView {
  tokenId: bigint;
  financier: bigint;
  deadline: bigint;
  status: bigint;
  withRecourse: boolean;
  value: bigint;
  price: bigint;
  holder: string;
}

interface SaleView {
  tokenId: bigint;
  prior: bigint;
  sellerMember: bigint;
  buyerMember: bigint;
  withRecourse: boolean;
  value: bigint;
  price: bigint;
  claimedValue: bigint;
  seller: string;
  buyer: string;
}

interface ClaimView {
  saleId: bigint;
  tokenId: bigint;
  status: bigint;
  holderMember: bigint;
  value: bigint;
  holder: string;
}

export const RECOURSE_CHECKS: readonly Check[] = [
  {
    name: "recourse offers, sales and claims",
    tables: ["recourse_offers", "recourse_sales", "recourse_claims"],
    async run(ctx) {
      if (!deployed(ctx, "RecourseClaims")) return [];
      const call = reader(ctx, "RecourseClaims", RecourseClaims__factory.abi);
      const offers = await asOf(ctx, "t.*", "recourse_offers");
      const sales = await asOf(ctx, "t.*", "recourse_sales");
      const claims = await asOf(ctx, "t.*", "recourse_claims");
      return [
        await counted("offerCount", offers, call("offerCount")),
        await counted("saleCount", sales, call("saleCount")),
        await counted("claimCount", claims, call("claimCount")),
        ...(await rowByRow<OfferView>(
          offers,
          (o) => call("offerOf", [o.offer_id]),
          (o) => `recourse offer ${String(o.offer_id)}`,
          (o, c) => [
            ["status", o.status, enumName(RECOURSE_OFFER_STATUSES, c.status)],
            ["tokenId", o.token_id, c.tokenId],
            ["financier", o.financier, c.financier],
            ["holder", o.holder, c.holder],
            ["value", o.value, c.value],
            ["price", o.price, c.price],
            ["withRecourse", o.with_recourse, c.withRecourse],
            ["deadline", o.deadline, c.deadline],
          ],
        )),
        ...(await rowByRow<SaleView>(
          sales,
          (s) => call("saleOf", [s.sale_id]),
          (s) => `recourse sale ${String(s.sale_id)}`,
          (s, c) => [
            ["tokenId", s.token_id, c.tokenId],
            ["prior", s.prior, c.prior],
            ["seller", s.seller, c.seller],
            ["sellerMember", s.seller_member, c.sellerMember],
            ["buyer", s.buyer, c.buyer],
            ["buyerMember", s.buyer_member, c.buyerMember],
            ["withRecourse", s.with_recourse, c.withRecourse],
            ["value", s.value, c.value],
            ["price", s.price, c.price],
            ["claimedValue", s.claimed_value, c.claimedValue],
          ],
        )),
        ...(await rowByRow<ClaimView>(
          claims,
          (k) => call("claimOf", [k.claim_id]),
          (k) => `recourse claim ${String(k.claim_id)}`,
          (k, c) => [
            ["status", k.status, enumName(RECOURSE_CLAIM_STATUSES, c.status)],
            ["saleId", k.sale_id, c.saleId],
            ["tokenId", k.token_id, c.tokenId],
            ["holder", k.holder, c.holder],
            ["holderMember", k.holder_member, c.holderMember],
            ["value", k.value, c.value],
          ],
        )),
      ];
    },
  },
];

export const RECOURSE_GAPS: Readonly<Record<string, string>> = {
  "recourse_offers.holder_member/sale_id/offered_at/closed_at":
    "the offer view keeps the terms and the status (compared); the holder's member, the sale it became and the " +
    "times are in events (the sale is compared in recourse_sales)",
  "recourse_sales.offer_id/receivable_id/sold_at":
    "the sale view keeps the parties and terms (compared); the offer, the receivable and the time are in events",
  "recourse_claims.receivable_id/seller_member/payer/payer_member/payer_prior/exercised_at/honoured_at":
    "the claim view keeps the holder, the sale and the value (compared); the seller's member is the sale's " +
    "(compared there), who paid and the times are in events",
  "recourse_claims.discharged_by/discharge_paid/discharge_receivable_status/discharged_at":
    "a discharge is the claim's status (compared, Discharged) and the sale's claimed value (compared, released); " +
    "who closed it, why (the certificate paid, the receivable's status then) and when are in events",
};
