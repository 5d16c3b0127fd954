import { FinancingRequests__factory } from "@consortia/sdk/typechain/factories/receivables/FinancingRequests__factory.js";
import { asOf, counted, deployed, enumName, groupBy, reader, rowByRow, type Check } from "./check.js";

const REQUEST_STATUSES = ["None", "Open", "Accepted", "Cancelled"] as const;
const QUOTE_STATUSES = ["None", "Committed", "Quoted", "Accepted", "Withdrawn"] as const;
const DAY_COUNTS = ["None", "ACT/360", "ACT/365"] as const;

interface RequestView {
  tokenId: bigint;
  receivableId: bigint;
  maturity: bigint;
  quoteDeadline: bigint;
  revealDeadline: bigint;
  status: bigint;
  sealedQuotes: boolean;
  bankCount: bigint;
  supplier: bigint;
  acceptedBank: bigint;
  value: bigint;
  holder: string;
  requester: string;
}

interface QuoteView {
  status: bigint;
  terms: { rateBps: bigint; dayCount: bigint; fee: bigint; validUntil: bigint };
  account: string;
  commitment: string;
}

export const FINANCING_CHECKS: readonly Check[] = [
  {
    name: "financing requests, asked banks and quotes",
    tables: ["financing_requests", "financing_request_banks", "financing_quotes"],
    async run(ctx) {
      if (!deployed(ctx, "FinancingRequests")) return [];
      const call = reader(ctx, "FinancingRequests", FinancingRequests__factory.abi);
      const requests = await asOf(ctx, "t.*", "financing_requests");
      const banks = groupBy(await asOf(ctx, "t.request_id, t.bank", "financing_request_banks"), "request_id");
      const quotes = await asOf(ctx, "t.*", "financing_quotes");
      const sorted = (values: readonly unknown[]) =>
        values
          .map(Number)
          .sort((a, b) => a - b)
          .join(",");
      return [
        await counted("requestCount", requests, call("requestCount")),
        ...(await rowByRow<[RequestView, readonly bigint[]]>(
          requests,
          (r) => Promise.all([call("requestOf", [r.request_id]), call("banksOf", [r.request_id])]),
          (r) => `financing request ${String(r.request_id)}`,
          (r, [c, asked]) => [
            ["status", r.status, enumName(REQUEST_STATUSES, c.status)],
            ["tokenId", r.token_id, c.tokenId],
            ["receivableId", r.receivable_id, c.receivableId],
            ["supplier", r.supplier, c.supplier],
            ["holder", r.holder, c.holder],
            ["requester", r.requester, c.requester],
            ["value", r.value, c.value],
            ["maturity", r.maturity, c.maturity],
            ["sealed", r.sealed, c.sealedQuotes],
            ["quoteDeadline", r.quote_deadline, c.quoteDeadline],
            ["revealDeadline", r.reveal_deadline, c.revealDeadline],
            ["bankCount", r.bank_count, c.bankCount],
            ["acceptedBank", r.accepted_bank, c.acceptedBank],
            ["banks", sorted((banks.get(String(r.request_id)) ?? []).map((b) => b.bank)), sorted(asked)],
          ],
        )),
        ...(await rowByRow<QuoteView>(
          quotes,
          (q) => call("quoteOf", [q.request_id, q.bank]),
          (q) => `quote of bank ${String(q.bank)} on financing request ${String(q.request_id)}`,
          (q, c) => [
            ["status", q.status, enumName(QUOTE_STATUSES, c.status)],
            ["account", q.account, c.account],
            ["commitment", q.commitment, c.commitment],
            ["rateBps", q.rate_bps, c.terms.rateBps],
            // A sealed quote has no terms on chain until revealed: both sides show 0 / None.
            ["dayCount", q.day_count ?? "None", enumName(DAY_COUNTS, c.terms.dayCount)],
            ["fee", q.fee, c.terms.fee],
            ["validUntil", q.valid_until, c.terms.validUntil],
          ],
        )),
      ];
    },
  },
];

export const FINANCING_GAPS: Readonly<Record<string, string>> = {
  "financing_requests.bank_account/new_token_id/days_to_maturity/interest/fee/price/cancelled_by":
    "the settlement of the accepted quote and who cancelled: the request view keeps the accepted bank only (events " +
    "only; the bank's certificate is compared by the receivables check)",
};
