import { FinancingRequests__factory } from "@consortia/sdk/typechain/factories/receivables/FinancingRequests__factory.js";
import { createTableSql, defineProjection, type ProjectionStore, type TableSpec } from "../projection.js";

/**
 * Multi-bank financing requests (FinancingRequests): each request with the banks it asked, each bank's quote
 * (sealed commitment, then terms), and the accepted quote's settlement (price, interest, fee, days).
 */
export const FINANCING_TABLES = [
  {
    kind: "versioned",
    name: "financing_requests",
    key: ["request_id"],
    columns: {
      request_id: "numeric",
      status: "text",
      token_id: "numeric",
      receivable_id: "numeric",
      supplier: "bigint",
      holder: "text",
      requester: "text",
      value: "numeric",
      maturity: "bigint",
      sealed: "boolean",
      quote_deadline: "bigint",
      reveal_deadline: "bigint",
      bank_count: "integer",
      accepted_bank: "bigint",
      bank_account: "text",
      new_token_id: "numeric",
      days_to_maturity: "integer",
      interest: "numeric",
      fee: "numeric",
      price: "numeric",
      cancelled_by: "text",
    },
    indexes: [["supplier"], ["token_id"]],
  },
  {
    kind: "versioned",
    name: "financing_request_banks",
    key: ["request_id", "bank"],
    columns: { request_id: "numeric", bank: "bigint" },
    indexes: [["bank"]],
  },
  {
    kind: "versioned",
    name: "financing_quotes",
    key: ["request_id", "bank"],
    columns: {
      request_id: "numeric",
      bank: "bigint",
      status: "text",
      account: "text",
      commitment: "text",
      rate_bps: "integer",
      day_count: "text",
      fee: "numeric",
      valid_until: "bigint",
    },
    indexes: [["bank"]],
  },
] as const satisfies readonly TableSpec[];

type Row = Record<string, unknown>;
const DAY_COUNTS = ["None", "ACT/360", "ACT/365"] as const;

async function load(store: ProjectionStore, table: string, key: Row, what: string): Promise<Row> {
  const row = await store.get(table, key);
  if (row === undefined) throw new Error(`${what} changed before it was created`);
  return row;
}

async function updateRequest(store: ProjectionStore, requestId: unknown, changes: Row): Promise<void> {
  const key = { request_id: requestId };
  store.put("financing_requests", {
    ...(await load(store, "financing_requests", key, `financing request ${String(requestId)}`)),
    ...changes,
  });
}

async function updateQuote(store: ProjectionStore, requestId: unknown, bank: unknown, changes: Row): Promise<void> {
  const key = { request_id: requestId, bank };
  const current = await store.get("financing_quotes", key);
  store.put("financing_quotes", {
    request_id: requestId,
    bank,
    status: "None",
    account: null,
    commitment: null,
    rate_bps: null,
    day_count: null,
    fee: null,
    valid_until: null,
    ...current,
    ...changes,
  });
}

export default defineProjection({
  name: "financing",
  contracts: { FinancingRequests: FinancingRequests__factory.abi },
  tables: FINANCING_TABLES,
  migrations: [{ id: "financing/001_tables", sql: FINANCING_TABLES.map(createTableSql).join(";\n") }],
  handlers: {
    FinancingRequests: {
      FinancingRequested: (e, store) => {
        const banks = e.args.banks as readonly bigint[];
        const r = e.args.request as Row;
        store.put("financing_requests", {
          request_id: e.args.requestId,
          status: "Open",
          token_id: e.args.tokenId,
          receivable_id: r.receivableId,
          supplier: e.args.supplier,
          holder: r.holder,
          requester: r.requester,
          value: r.value,
          maturity: r.maturity,
          sealed: r.sealedQuotes,
          quote_deadline: r.quoteDeadline,
          reveal_deadline: r.revealDeadline,
          bank_count: banks.length,
          accepted_bank: null,
          bank_account: null,
          new_token_id: null,
          days_to_maturity: null,
          interest: null,
          fee: null,
          price: null,
          cancelled_by: null,
        });
        for (const bank of banks) store.put("financing_request_banks", { request_id: e.args.requestId, bank });
      },
      QuoteCommitted: (e, store) =>
        updateQuote(store, e.args.requestId, e.args.bank, {
          status: "Committed",
          account: e.args.account,
          commitment: e.args.commitment,
        }),
      QuoteSubmitted: (e, store) => {
        const t = e.args.terms as Row;
        return updateQuote(store, e.args.requestId, e.args.bank, {
          status: "Quoted",
          account: e.args.account,
          rate_bps: Number(t.rateBps),
          day_count: DAY_COUNTS[Number(t.dayCount)],
          fee: t.fee,
          valid_until: t.validUntil,
        });
      },
      QuoteWithdrawn: (e, store) => updateQuote(store, e.args.requestId, e.args.bank, { status: "Withdrawn" }),
      FinancingAccepted: async (e, store) => {
        const p = e.args.pricing as Row;
        await updateQuote(store, e.args.requestId, e.args.bank, { status: "Accepted" });
        await updateRequest(store, e.args.requestId, {
          status: "Accepted",
          accepted_bank: e.args.bank,
          bank_account: e.args.bankAccount,
          new_token_id: e.args.newTokenId,
          days_to_maturity: Number(p.daysToMaturity),
          interest: p.interest,
          fee: p.fee,
          price: p.price,
        });
      },
      FinancingRequestCancelled: (e, store) =>
        updateRequest(store, e.args.requestId, { status: "Cancelled", cancelled_by: e.args.account }),
    },
  },
});
