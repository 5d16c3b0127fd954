import { expect } from "chai";
import { network } from "hardhat";
import { Roles } from "@consortia/sdk";
import { passProposal } from "../helpers/consortium.js";
import { deploySuite, issueReceivable, type Suite } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

const FACE = 1_000_000n;

async function held(): Promise<Suite & { tokenId: bigint }> {
  const suite = await deploySuite(connection);
  const { tokenId } = await issueReceivable(suite, connection, suite.accounts.supplier1, FACE);
  return { ...suite, tokenId };
}

describe("audit finding 5 (low): receivable approvals can be used only by a party that may hold certificates now", () => {
  it("refuses to approve the regulator, or any member without a holder role, for a certificate or its value", async () => {
    const { receivableCertificates: c, registry, accounts, tokenId } = await networkHelpers.loadFixture(held);
    const holder = c.connect(accounts.supplier1);
    for (const spender of [accounts.regulator, accounts.agency]) {
      await expect(holder["approve(address,uint256)"](spender, tokenId)).to.be.revertedWithCustomError(
        registry,
        "MissingRole",
      );
      await expect(holder["approve(uint256,address,uint256)"](tokenId, spender, 10n)).to.be.revertedWithCustomError(
        registry,
        "MissingRole",
      );
      await expect(holder.setApprovalForAll(spender, true)).to.be.revertedWithCustomError(registry, "MissingRole");
    }
  });

  it("always lets an owner clear an approval, whoever it named", async () => {
    const { receivableCertificates: c, accounts, tokenId } = await networkHelpers.loadFixture(held);
    const holder = c.connect(accounts.supplier1);
    await expect(holder["approve(address,uint256)"]("0x0000000000000000000000000000000000000000", tokenId)).to.emit(
      c,
      "Approval",
    );
    await expect(holder["approve(uint256,address,uint256)"](tokenId, accounts.regulator, 0n)).to.emit(
      c,
      "ApprovalValue",
    );
    await expect(holder.setApprovalForAll(accounts.regulator, false)).to.emit(c, "ApprovalForAll");
  });

  it("refuses a whole-certificate transfer by an approved bank that lost its holder role since", async () => {
    const suite = await networkHelpers.loadFixture(held);
    const { receivableCertificates: c, registry, accounts, ids, tokenId } = suite;
    await c.connect(accounts.supplier1)["approve(address,uint256)"](accounts.bankC, tokenId);
    const roles = (await registry.member(ids.bankC)).roles & ~Roles.FINANCIER;
    await passProposal(suite, registry, registry.interface.encodeFunctionData("setRoles", [ids.bankC, roles]));
    await expect(
      c
        .connect(accounts.bankC)
        ["transferFrom(address,address,uint256)"](accounts.supplier1, accounts.supplier2, tokenId),
    ).to.be.revertedWithCustomError(registry, "MissingRole");
  });

  it("refuses a value transfer by a bank with an allowance, suspended since", async () => {
    const suite = await networkHelpers.loadFixture(held);
    const { receivableCertificates: c, registry, accounts, tokenId } = suite;
    await c.connect(accounts.supplier1)["approve(uint256,address,uint256)"](tokenId, accounts.bankC, 100n);
    await suite.suspend("bankC");
    await expect(
      c.connect(accounts.bankC)["transferFrom(uint256,address,uint256)"](tokenId, accounts.supplier2, 100n),
    ).to.be.revertedWithCustomError(registry, "MemberNotActive");
  });

  it("refuses an operator for all whose account was blacklisted since", async () => {
    const suite = await networkHelpers.loadFixture(held);
    const { receivableCertificates: c, registry, accounts, standing, tokenId } = suite;
    await c.connect(accounts.supplier1).setApprovalForAll(standing.bankCSpare, true);
    await suite.blacklistAccount(standing.bankCSpare);
    await expect(
      c.connect(standing.bankCSpare)["transferFrom(uint256,address,uint256)"](tokenId, accounts.supplier2, 100n),
    ).to.be.revertedWithCustomError(registry, "AccountNotActive");
  });
});
