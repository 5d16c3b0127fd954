/**
 * The demo's second interbank currency (issue 19): USD placements between the three banks, recorded in currency 840
 * and netted in their own run, apart from the CNY run of the letters-of-credit story, in a USD deposit token that
 * governance mapped to 840 by a vote.
 *
 * The USD token is a second `DepositToken` proxy over the suite's own DepositToken implementation (same registry), so
 * the banks issue and redeem it as they do CNY deposits. A rerun finds currency 840 mapped and reuses its token.
 */
import { getAddress, zeroPadValue } from "ethers";
import { hashUtf8, IMPLEMENTATION_SLOT, interbankCurrencyLabel, ISO_NUMERIC_CURRENCIES } from "@consortia/sdk";
import { DepositToken__factory, SuiteProxy__factory } from "@consortia/sdk/typechain";
import type { Actor, ScenarioContext, Story } from "./scenario.js";

export const USD = ISO_NUMERIC_CURRENCIES.USD;

/** What the story did: the USD token, the USD obligations and the run that netted them. */
export interface DemoCurrenciesResult {
  currency: number;
  token: string;
  /** The governance proposal that mapped 840 to the token (undefined when a rerun found it mapped). */
  proposalId?: bigint;
  obligationIds: bigint[];
  nettingRun: bigint;
}

/** Formats minor units of a 2-decimal token as "1,000.00 USD". */
export function usd(minor: bigint): string {
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${whole}.${(abs % 100n).toString().padStart(2, "0")} USD`;
}
const dollars = (amount: number): bigint => BigInt(Math.round(amount * 100));

/** Currency 840's token: the one mapped already, or a new DepositToken proxy mapped by a vote of four. */
async function usdToken(ctx: ScenarioContext): Promise<{ token: string; proposalId?: bigint }> {
  const { bankA, bankB, bankC, regulator } = ctx.actors;
  const positions = bankA.sdk.lettersOfCredit.positions;
  const mapped = await positions.currencyToken(USD);
  if (mapped !== "0x0000000000000000000000000000000000000000") {
    ctx.log(`currency ${interbankCurrencyLabel(USD)} already settles in deposit token ${mapped}`);
    return { token: mapped };
  }
  const cny = ctx.deployment.contracts.DepositToken.address;
  const slot = await ctx.provider.getStorage(cny, IMPLEMENTATION_SLOT);
  const implementation = getAddress(`0x${zeroPadValue(slot, 32).slice(26)}`);
  const init = DepositToken__factory.createInterface().encodeFunctionData("initialize", [
    "Consortia Deposit USD",
    "dUSD",
    2,
  ]);
  const signer = bankA.sdk.signer;
  if (signer === undefined) throw new Error("the demo's banks sign");
  const proxy = await new SuiteProxy__factory(signer).deploy(implementation, init);
  await proxy.waitForDeployment();
  const token = await proxy.getAddress();
  ctx.log(`${bankA.member.shortName} deployed the USD deposit token (dUSD) at ${token}`);
  const description = `map currency ${USD} (USD) to deposit token ${token}`;
  const { proposalId } = await positions.proposeCurrencyToken(USD, token, description);
  const voters = [bankB, bankC, regulator];
  for (const voter of voters) await voter.sdk.registry.approve(proposalId);
  await bankA.sdk.registry.execute(proposalId);
  ctx.log(
    `${bankA.member.shortName}'s proposal #${proposalId} passed with ` +
      `${voters.map((v) => v.member.shortName).join(", ")}: ${description}`,
  );
  return { token, proposalId };
}

/** USD placements recorded in currency 840 and netted apart from CNY: only USD deposit tokens move. */
export const interbankCurrenciesStory: Story = async (ctx) => {
  const { bankA, bankB, bankC } = ctx.actors;
  const { token, proposalId } = await usdToken(ctx);
  const positionsAddress = ctx.deployment.contracts.InterbankPositions.address;
  for (const bank of [bankA, bankB, bankC]) {
    const signer = bank.sdk.signer;
    if (signer === undefined) throw new Error("the demo's banks sign");
    const dusd = DepositToken__factory.connect(token, signer);
    await ctx.send(dusd.mint(bank.address, dollars(1_000_000)));
    await ctx.send(dusd.approve(positionsAddress, 2n ** 255n));
  }
  ctx.log(`the three banks issued ${usd(dollars(1_000_000))} each and approved the interbank contract to settle in it`);

  // The credit lines of the CNY placements (letters-of-credit story) carry these too: a line is per bank pair.
  const dueAt = await ctx.now();
  const placements: [Actor, Actor, bigint, string][] = [
    [bankB, bankC, dollars(60_000), "USD placement MFB-JHB-0321"],
    [bankC, bankA, dollars(90_000), "USD placement JHB-HXB-0322"],
    [bankA, bankB, dollars(40_000), "USD placement HXB-MFB-0323"],
  ];
  const obligationIds: bigint[] = [];
  for (const [debtor, creditor, amount, purpose] of placements) {
    const { obligationId } = await debtor.sdk.lettersOfCredit.positions.recordObligationIn(
      USD,
      creditor.member.memberId,
      amount,
      dueAt,
      hashUtf8(purpose),
    );
    obligationIds.push(obligationId);
    ctx.log(`${debtor.member.shortName} recorded that it owes ${creditor.member.shortName} ${usd(amount)}`);
  }
  const run = await bankB.sdk.lettersOfCredit.positions.runNetting(obligationIds);
  const names = new Map([bankA, bankB, bankC].map((b) => [b.member.memberId, b.member.shortName]));
  const summary = run.banks.map(
    (bank, i) => `${names.get(bank)} ${run.netPositions[i] >= 0n ? "+" : ""}${usd(run.netPositions[i])}`,
  );
  ctx.log(
    `${bankB.member.shortName} ran netting #${run.runId} in ${interbankCurrencyLabel(run.currency)} over ` +
      `${obligationIds.length} obligations, apart from CNY: ${summary.join(", ")}`,
  );
  ctx.result.interbankCurrencies = {
    currency: USD,
    token,
    proposalId,
    obligationIds,
    nettingRun: run.runId,
  };
};
