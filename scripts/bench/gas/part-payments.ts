import { fund } from "../../../test/helpers/consortium.js";
import { confirmed, deployReceivables, split } from "../../../test/receivables/fixture.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";

const APP = "part-payments";

/**
 * Gas of part payments at maturity (MaturityArrangements): the obligor's first and second part payment, a holder's
 * claim of its share (paid and paid down), a claim after two payments, the paying bank's off-chain payment of the
 * rest, and the obligor's refund of unclaimed shares once it funded.
 */
export const measure: MeasureGas = async (connection) => {
  const { networkHelpers } = connection;
  const fx = await deployReceivables(connection);
  const { accounts, arrangements } = fx;
  const rows: GasRow[] = [];
  const row = (step: string, gas: bigint) => rows.push({ app: APP, step, gas });
  const { receivableId, rootTokenId, maturity } = await confirmed(fx);
  const t2 = await split(fx, accounts.supplier1, rootTokenId, accounts.supplier2, 300_000n);
  const t3 = await split(fx, accounts.supplier1, rootTokenId, accounts.bankA, 100_000n);
  await fund(fx, accounts.core, 5_000_000n);
  await fx.token.connect(accounts.core).approve(arrangements, 5_000_000n);
  await fx.token.connect(accounts.core).approve(fx.desk, 5_000_000n);
  await fx.desk.connect(accounts.core).setPayingBank(fx.ids.bankB);
  await networkHelpers.time.increaseTo(maturity);

  const core = arrangements.connect(accounts.core);
  row("obligor pays part (first part payment)", await gasOf(await core.pay(receivableId, 400_000n)));
  row("holder claims its share (paid, certificate paid down)", await gasOf(await arrangements.connect(accounts.supplier2).claim(t2)));
  row("paying bank pays the rest off chain (share claimed before)", await gasOf(await fx.desk.connect(accounts.bankB).payOffChain(t2, `0x${"ab".repeat(32)}`)));
  row("obligor pays part again", await gasOf(await core.pay(receivableId, 100_000n)));
  row("holder claims its share of two part payments", await gasOf(await arrangements.connect(accounts.supplier1).claim(rootTokenId)));
  await fx.desk.connect(accounts.core).fund(receivableId);
  row("holder redeems from escrow after part payments (share unclaimed)", await gasOf(await fx.desk.connect(accounts.bankA).redeem(t3)));
  row("obligor takes back unclaimed shares once funded", await gasOf(await core.refund(receivableId)));
  return rows;
};
