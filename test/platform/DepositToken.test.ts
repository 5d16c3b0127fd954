import { expect } from "chai";
import { network } from "hardhat";
import { Roles } from "@consortia/sdk";
import { deployPlatform, fund, passProposal, type Platform } from "../helpers/consortium.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function bootstrapped(): Promise<Platform> {
  const platform = await deployPlatform(connection);
  await platform.finishBootstrap();
  await fund(platform, platform.accounts.core, 10_000n);
  return platform;
}

describe("DepositToken", () => {
  describe("metadata", () => {
    it("is a two-decimal deposit token named by its deployer", async () => {
      const { token, registry } = await networkHelpers.loadFixture(bootstrapped);
      expect(await token.decimals()).to.equal(2);
      expect(await token.symbol()).to.equal("dCNY");
      expect(await token.registry()).to.equal(await registry.getAddress());
    });
  });

  describe("mint and burn", () => {
    it("lets an issuing bank mint to a holder and burn what it holds", async () => {
      const { token, accounts, ids } = await networkHelpers.loadFixture(bootstrapped);
      await expect(token.connect(accounts.bankB).mint(accounts.supplier1, 500n))
        .to.emit(token, "Issued")
        .withArgs(ids.bankB, accounts.supplier1.address, 500n);
      await token.connect(accounts.bankB).mint(accounts.bankB, 300n);
      await expect(token.connect(accounts.bankB).burn(200n))
        .to.emit(token, "Redeemed")
        .withArgs(ids.bankB, accounts.bankB.address, 200n);
      expect(await token.totalSupply()).to.equal(10_000n + 500n + 100n);
    });

    it("rejects mint and burn by a non-issuer", async () => {
      const { token, registry, accounts, ids } = await networkHelpers.loadFixture(bootstrapped);
      await expect(token.connect(accounts.bankC).mint(accounts.bankC, 1n))
        .to.be.revertedWithCustomError(registry, "MissingRole")
        .withArgs(ids.bankC, Roles.TOKEN_ISSUER);
      await expect(token.connect(accounts.core).burn(1n))
        .to.be.revertedWithCustomError(registry, "MissingRole")
        .withArgs(ids.core, Roles.TOKEN_ISSUER);
    });

    it("rejects minting to an account that may not hold deposits", async () => {
      const { token, registry, accounts, ids, outsiders } = await networkHelpers.loadFixture(bootstrapped);
      await expect(token.connect(accounts.bankA).mint(outsiders[0], 1n)).to.be.revertedWithCustomError(
        registry,
        "UnknownAccount",
      );
      await expect(token.connect(accounts.bankA).mint(accounts.regulator, 1n))
        .to.be.revertedWithCustomError(registry, "MissingRole")
        .withArgs(ids.regulator, Roles.TOKEN_HOLDER);
    });
  });

  describe("transfers", () => {
    it("moves deposits between active holders", async () => {
      const { token, accounts } = await networkHelpers.loadFixture(bootstrapped);
      await expect(token.connect(accounts.core).transfer(accounts.supplier1, 400n)).to.changeTokenBalances(
        connection.ethers,
        token,
        [accounts.core, accounts.supplier1],
        [-400n, 400n],
      );
    });

    it("rejects a transfer to a non-member", async () => {
      const { token, registry, accounts, outsiders } = await networkHelpers.loadFixture(bootstrapped);
      await expect(token.connect(accounts.core).transfer(outsiders[0], 1n))
        .to.be.revertedWithCustomError(registry, "UnknownAccount")
        .withArgs(outsiders[0].address);
    });

    it("rejects a transfer from or to a suspended member", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { token, registry, accounts, ids } = platform;
      await token.connect(accounts.core).transfer(accounts.supplier1, 100n);
      await passProposal(platform, registry, registry.interface.encodeFunctionData("suspendMember", [ids.supplier1]));
      await expect(token.connect(accounts.supplier1).transfer(accounts.core, 1n))
        .to.be.revertedWithCustomError(registry, "MemberNotActive")
        .withArgs(ids.supplier1, 2);
      await expect(token.connect(accounts.core).transfer(accounts.supplier1, 1n))
        .to.be.revertedWithCustomError(registry, "MemberNotActive")
        .withArgs(ids.supplier1, 2);
    });

    it("rejects a transfer from a blacklisted account even through an allowance", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { token, registry, accounts } = platform;
      await token.connect(accounts.core).approve(accounts.supplier1, 100n);
      await passProposal(
        platform,
        registry,
        registry.interface.encodeFunctionData("blacklistAccount", [accounts.core.address]),
      );
      await expect(
        token.connect(accounts.supplier1).transferFrom(accounts.core, accounts.supplier1, 1n),
      ).to.be.revertedWithCustomError(registry, "AccountNotActive");
    });

    it("stops every transfer while governance pauses it, and resumes", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { token, accounts } = platform;
      await passProposal(platform, token, token.interface.encodeFunctionData("pause"));
      await expect(token.connect(accounts.core).transfer(accounts.supplier1, 1n)).to.be.revertedWithCustomError(
        token,
        "EnforcedPause",
      );
      await expect(token.connect(accounts.bankA).mint(accounts.core, 1n)).to.be.revertedWithCustomError(
        token,
        "EnforcedPause",
      );
      await passProposal(platform, token, token.interface.encodeFunctionData("unpause"));
      await token.connect(accounts.core).transfer(accounts.supplier1, 1n);
    });

    it("lets nobody but governance pause", async () => {
      const { token, accounts } = await networkHelpers.loadFixture(bootstrapped);
      await expect(token.connect(accounts.bankA).pause())
        .to.be.revertedWithCustomError(token, "OnlyGovernance")
        .withArgs(accounts.bankA.address);
      await expect(token.connect(accounts.bankA).unpause()).to.be.revertedWithCustomError(token, "OnlyGovernance");
    });
  });
});
