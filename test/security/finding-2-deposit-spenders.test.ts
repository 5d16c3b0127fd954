import { expect } from "chai";
import { network } from "hardhat";
import { AccessLevel } from "../helpers/suite.js";
import { deploySuite, type Suite } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

const AMOUNT = 1_000n;

/**
 * supplier1 approved spenders while they were in good standing: bankC's admin account, bankC's spare account, a
 * second account of bankB (Transact then), and bankA. Then bankB demoted that account to ReadOnly, governance
 * blacklisted bankC's spare account and suspended bankC.
 */
async function approvals(): Promise<Suite> {
  const suite = await deploySuite(connection);
  const { token, registry, accounts, standing, ids } = suite;
  const bankB2 = suite.outsiders[0];
  await registry.connect(accounts.bankB).addAccount(ids.bankB, bankB2, AccessLevel.Transact);
  for (const spender of [accounts.bankC, standing.bankCSpare, bankB2, accounts.bankA]) {
    await token.connect(accounts.supplier1).approve(spender, AMOUNT);
  }
  await registry.connect(accounts.bankB).setAccount(bankB2, 1, AccessLevel.ReadOnly);
  // Blacklist first: bankC votes on that proposal before it is suspended.
  await suite.blacklistAccount(standing.bankCSpare);
  await suite.suspend("bankC");
  return suite;
}

describe("audit finding 2 (medium): a deposit-token spender must be able to act now", () => {
  const cases = [
    ["an account of a suspended member", "suspended", "MemberNotActive"],
    ["a blacklisted account", "blacklisted", "AccountNotActive"],
    ["a ReadOnly account", "readOnly", "AccessLevelTooLow"],
  ] as const;
  for (const [label, who, error] of cases) {
    it(`refuses transferFrom by ${label}, though it holds an allowance granted while it was in good standing`, async () => {
      const suite = await networkHelpers.loadFixture(approvals);
      const { token, registry, accounts, standing, outsiders } = suite;
      const spender = { suspended: accounts.bankC, blacklisted: standing.bankCSpare, readOnly: outsiders[0] }[who];
      expect(await token.allowance(accounts.supplier1, spender)).to.equal(AMOUNT);
      await expect(
        token.connect(spender).transferFrom(accounts.supplier1, accounts.supplier2, AMOUNT),
      ).to.be.revertedWithCustomError(registry, error);
    });
  }

  it("refuses transferFrom by the regulator and by an outsider for want of standing, before any allowance", async () => {
    const { token, registry, accounts, outsiders } = await networkHelpers.loadFixture(approvals);
    await expect(
      token.connect(accounts.regulator).transferFrom(accounts.supplier1, accounts.supplier2, 1n),
    ).to.be.revertedWithCustomError(registry, "MissingRole");
    await expect(
      token.connect(outsiders[1]).transferFrom(accounts.supplier1, accounts.supplier2, 1n),
    ).to.be.revertedWithCustomError(registry, "UnknownAccount");
  });

  it("refuses to grant an allowance to the regulator, an outsider or a non-holder; withdrawing one always works", async () => {
    const { token, registry, accounts, outsiders } = await networkHelpers.loadFixture(approvals);
    const owner = token.connect(accounts.supplier1);
    await expect(owner.approve(accounts.regulator, AMOUNT)).to.be.revertedWithCustomError(registry, "MissingRole");
    await expect(owner.approve(outsiders[1], AMOUNT)).to.be.revertedWithCustomError(registry, "UnknownAccount");
    await expect(owner.approve(accounts.agency, AMOUNT)).to.be.revertedWithCustomError(registry, "MissingRole");
    await expect(owner.approve(accounts.bankC, 0n)).to.emit(token, "Approval");
    await expect(token.connect(accounts.bankC).approve(accounts.bankA, 0n)).to.emit(token, "Approval");
    await expect(token.connect(accounts.bankC).approve(accounts.bankA, 1n)).to.be.revertedWithCustomError(
      registry,
      "MemberNotActive",
    );
  });

  it("lets an active holder spend its allowance", async () => {
    const { token, accounts } = await networkHelpers.loadFixture(approvals);
    await expect(
      token.connect(accounts.bankA).transferFrom(accounts.supplier1, accounts.supplier2, AMOUNT),
    ).to.changeTokenBalances(connection.ethers, token, [accounts.supplier1, accounts.supplier2], [-AMOUNT, AMOUNT]);
  });
});
