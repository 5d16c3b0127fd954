import { expect } from "chai";
import { keccak256, toUtf8Bytes, ZeroAddress, ZeroHash } from "ethers";
import { network } from "hardhat";
import { Roles } from "@consortia/sdk";
import { deployPlatform, fund, type Platform } from "../helpers/consortium.js";
import type { SettlementHarness } from "@consortia/sdk/typechain";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const REFERENCE = keccak256(toUtf8Bytes("CNAPS-2026-11-26-000123"));

async function withHarness(): Promise<Platform & { app: SettlementHarness }> {
  const platform = await deployPlatform(connection);
  const { registry, token, ledger } = platform;
  const app = await ethers.deployContract("SettlementHarness", [registry, token, ledger]);
  await platform.finishBootstrap([app]);
  await fund(platform, platform.accounts.core, 1_000n);
  await token.connect(platform.accounts.core).approve(app, 1_000n);
  return { ...platform, app };
}

describe("Settlement and PaymentLedger", () => {
  it("settles in tokens, delivery versus payment, when no off-chain reference is given", async () => {
    const { app, token, ledger, accounts } = await networkHelpers.loadFixture(withHarness);
    expect(await app.settlementToken()).to.equal(await token.getAddress());
    expect(await app.paymentLedger()).to.equal(await ledger.getAddress());
    await expect(app.connect(accounts.core).settle(accounts.supplier1, 250n, ZeroHash)).to.changeTokenBalances(
      ethers,
      token,
      [accounts.core, accounts.supplier1],
      [-250n, 250n],
    );
  });

  it("records a bank's off-chain payment once, under its reference", async () => {
    const { app, ledger, accounts, ids } = await networkHelpers.loadFixture(withHarness);
    await expect(app.connect(accounts.bankA).settle(accounts.supplier1, 250n, REFERENCE))
      .to.emit(ledger, "OffChainPaymentRecorded")
      .withArgs(REFERENCE, await app.getAddress(), ids.bankA, ids.bankA, ids.supplier1, 250n);
    expect(await ledger.isRecorded(REFERENCE)).to.equal(true);
    await expect(app.connect(accounts.bankA).settle(accounts.supplier1, 250n, REFERENCE))
      .to.be.revertedWithCustomError(ledger, "ReferenceUsed")
      .withArgs(REFERENCE);
  });

  it("refuses an off-chain payment attested by a member that is not a paying bank", async () => {
    const { app, registry, accounts, ids } = await networkHelpers.loadFixture(withHarness);
    await expect(app.connect(accounts.core).settle(accounts.supplier1, 1n, REFERENCE))
      .to.be.revertedWithCustomError(registry, "MissingRole")
      .withArgs(ids.core, Roles.PAYMENT_BANK);
  });

  it("refuses records from anything but a suite contract, and empty references", async () => {
    const { ledger, accounts, deployer, registry, token } = await networkHelpers.loadFixture(withHarness);
    await expect(ledger.connect(accounts.bankA).record(accounts.bankA, 1, 2, 3n, REFERENCE))
      .to.be.revertedWithCustomError(ledger, "NotSystemContract")
      .withArgs(accounts.bankA.address);
    const other = await ethers.deployContract("SettlementHarness", [registry, token, ledger]);
    await expect(other.connect(deployer).settle(accounts.supplier1, 1n, REFERENCE)).to.be.revertedWithCustomError(
      registry,
      "UnknownAccount",
    );
    const { app } = await networkHelpers.loadFixture(withHarness);
    const harness = app.connect(accounts.bankA);
    await expect(harness.settle(accounts.supplier1, 1n, ZeroHash)).to.be.revertedWithCustomError(
      token,
      "ERC20InsufficientAllowance",
    );
  });

  it("rejects an empty reference even from a suite contract", async () => {
    const { app, ledger, accounts } = await networkHelpers.loadFixture(withHarness);
    await networkHelpers.setBalance(await app.getAddress(), 10n ** 18n);
    const asApp = await ethers.getImpersonatedSigner(await app.getAddress());
    await expect(ledger.connect(asApp).record(accounts.bankA, 1, 2, 3n, ZeroHash)).to.be.revertedWithCustomError(
      ledger,
      "EmptyReference",
    );
  });

  it("holds tokens in escrow for a suite contract and pays out of it", async () => {
    const { app, token, accounts } = await networkHelpers.loadFixture(withHarness);
    await app.connect(accounts.core).deposit(400n);
    expect(await token.balanceOf(app)).to.equal(400n);
    await app.connect(accounts.core).withdraw(accounts.supplier2, 150n);
    expect(await token.balanceOf(accounts.supplier2)).to.equal(150n);
  });

  it("refuses to deploy an application without registry, token or ledger", async () => {
    const { registry, token, ledger } = await networkHelpers.loadFixture(withHarness);
    const factory = await ethers.getContractFactory("SettlementHarness");
    for (const args of [
      [ZeroAddress, token, ledger],
      [registry, ZeroAddress, ledger],
      [registry, token, ZeroAddress],
    ]) {
      await expect(factory.deploy(...(args as [string, string, string]))).to.be.revertedWithCustomError(
        factory,
        "InvalidValue",
      );
    }
  });
});
