import { expect } from "chai";
import { network } from "hardhat";
import { deploySuite, type Suite } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

const AMOUNT = 1_000n;

/** supplier1 has approved five spenders that may not move tokens now, and bankA, which may. */
async function approvals(): Promise<Suite> {
  const suite = await deploySuite(connection);
  const { token, accounts, standing, outsiders } = suite;
  for (const spender of [
    accounts.regulator,
    outsiders[0],
    accounts.bankC,
    standing.bankCSpare,
    standing.bankBReadOnly,
    accounts.bankA,
  ]) {
    await token.connect(accounts.supplier1).approve(spender, AMOUNT);
  }
  // Blacklist first: bankC votes on that proposal before it is suspended.
  await suite.blacklistAccount(standing.bankCSpare);
  await suite.suspend("bankC");
  return suite;
}

describe("audit finding 2 (medium): a deposit-token spender must be able to act now", () => {
  const cases = [
    ["the regulator, which moves no asset", "regulator", "MissingRole"],
    ["an outsider", "outsider", "UnknownAccount"],
    ["an account of a suspended member", "suspended", "MemberNotActive"],
    ["a blacklisted account", "blacklisted", "AccountNotActive"],
    ["a ReadOnly account", "readOnly", "AccessLevelTooLow"],
  ] as const;
  for (const [label, who, error] of cases) {
    it(`refuses transferFrom by ${label}, even with an allowance`, async () => {
      const suite = await networkHelpers.loadFixture(approvals);
      const { token, registry, accounts, standing, outsiders } = suite;
      const spender = {
        regulator: accounts.regulator,
        outsider: outsiders[0],
        suspended: accounts.bankC,
        blacklisted: standing.bankCSpare,
        readOnly: standing.bankBReadOnly,
      }[who];
      expect(await token.allowance(accounts.supplier1, spender)).to.equal(AMOUNT);
      await expect(
        token.connect(spender).transferFrom(accounts.supplier1, accounts.supplier2, AMOUNT),
      ).to.be.revertedWithCustomError(registry, error);
    });
  }

  it("lets an active holder spend its allowance", async () => {
    const { token, accounts } = await networkHelpers.loadFixture(approvals);
    await expect(
      token.connect(accounts.bankA).transferFrom(accounts.supplier1, accounts.supplier2, AMOUNT),
    ).to.changeTokenBalances(connection.ethers, token, [accounts.supplier1, accounts.supplier2], [-AMOUNT, AMOUNT]);
  });
});
