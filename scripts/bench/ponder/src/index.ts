/** The indexing function: what src/indexer/projections/platform.ts does with a DepositToken Transfer. */
import { ponder } from "ponder:registry";
import { balances, transfers } from "ponder:schema";

const ZERO = "0x0000000000000000000000000000000000000000";

ponder.on("DepositToken:Transfer", async ({ event, context }) => {
  const token = event.log.address.toLowerCase() as `0x${string}`;
  const from = event.args.from.toLowerCase() as `0x${string}`;
  const to = event.args.to.toLowerCase() as `0x${string}`;
  const amount = event.args.value;
  await context.db.insert(transfers).values({
    blockNumber: event.block.number,
    logIndex: event.log.logIndex,
    token,
    fromAddress: from,
    toAddress: to,
    amount,
    txHash: event.transaction.hash,
  });
  if (from !== ZERO)
    await context.db
      .insert(balances)
      .values({ token, account: from, balance: -amount })
      .onConflictDoUpdate((row) => ({ balance: row.balance - amount }));
  if (to !== ZERO)
    await context.db
      .insert(balances)
      .values({ token, account: to, balance: amount })
      .onConflictDoUpdate((row) => ({ balance: row.balance + amount }));
});
