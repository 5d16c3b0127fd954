/** The tables Ponder fills in the bench: one row per transfer, and each account's current balance. */
import { onchainTable, primaryKey } from "ponder";

export const transfers = onchainTable(
  "transfers",
  (t) => ({
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    token: t.hex().notNull(),
    fromAddress: t.hex().notNull(),
    toAddress: t.hex().notNull(),
    amount: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.blockNumber, table.logIndex] }) }),
);

export const balances = onchainTable(
  "balances",
  (t) => ({
    token: t.hex().notNull(),
    account: t.hex().notNull(),
    balance: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.token, table.account] }) }),
);
