import { fund } from "../../../test/helpers/consortium.js";
import { confirmed, deployReceivables } from "../../../test/receivables/fixture.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";

const APP = "recourse-claims";
const DAY = 24 * 60 * 60;

/**
 * Gas of discounting with or without recourse (RecourseClaims): an offer, its acceptance (whole certificate, then a
 * split sold on), and at default the exercise and the honour (the certificate back against tokens) at both levels;
 * then a claim the obligor's late funding discharges.
 */
export const measure: MeasureGas = async (connection) => {
  const { networkHelpers } = connection;
  const fx = await deployReceivables(connection);
  const { accounts, ids, recourse } = fx;
  const rows: GasRow[] = [];
  const row = (step: string, gas: bigint) => rows.push({ app: APP, step, gas });
  for (const payer of [accounts.bankA, accounts.bankB, accounts.supplier1]) {
    await fund(fx, payer, 5_000_000n);
    await fx.token.connect(payer).approve(recourse, 5_000_000n);
  }
  for (const holder of [accounts.supplier1, accounts.bankA]) {
    await fx.certificates.connect(holder).setApprovalForAll(recourse, true);
  }
  const { receivableId, rootTokenId, maturity } = await confirmed(fx);
  const deadline = async () => (await fx.now()) + DAY;

  const supplier = recourse.connect(accounts.supplier1);
  row(
    "holder offers with recourse",
    await gasOf(await supplier.offer(rootTokenId, 1_000_000n, ids.bankA, 980_000n, true, await deadline())),
  );
  row("bank accepts the whole certificate (sale recorded)", await gasOf(await recourse.connect(accounts.bankA).accept(1n, true, 980_000n)));
  await recourse.connect(accounts.bankA).offer(rootTokenId, 400_000n, ids.bankB, 395_000n, true, await deadline());
  const [, split] = await recourse.connect(accounts.bankB).accept.staticCall(2n, true, 395_000n);
  row("bank accepts a split sold on (sale linked to the one below)", await gasOf(await recourse.connect(accounts.bankB).accept(2n, true, 395_000n)));

  await networkHelpers.time.increaseTo(maturity + BigInt(DAY));
  await fx.desk.connect(accounts.bankC).markOverdue(receivableId);
  row("holder exercises recourse", await gasOf(await recourse.connect(accounts.bankB).exercise(split)));
  row("seller honours: pays, certificate returned", await gasOf(await recourse.connect(accounts.bankA).honour(1n)));
  row("seller exercises in turn, down the lineage", await gasOf(await recourse.connect(accounts.bankA).exercise(split)));
  row("original seller honours", await gasOf(await supplier.honour(2n)));
  // bankA claims on the rest of its purchase; the obligor then funds late and any member discharges the claim.
  await recourse.connect(accounts.bankA).exercise(rootTokenId);
  await fund(fx, accounts.core, 1_000_000n);
  await fx.token.connect(accounts.core).approve(fx.desk, 1_000_000n);
  await fx.desk.connect(accounts.core).fund(receivableId);
  row("any member discharges a claim paid since", await gasOf(await recourse.connect(accounts.bankC).discharge(3n)));
  return rows;
};
