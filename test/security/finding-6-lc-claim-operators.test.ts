import { expect } from "chai";
import { network } from "hardhat";
import { acceptedLcClaim, deploySuite, type Suite } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function claim(): Promise<Suite & { claimId: bigint }> {
  const suite = await deploySuite(connection);
  const { claimId } = await acceptedLcClaim(suite, connection);
  return { ...suite, claimId };
}

describe("audit finding 6 (low): an LC claim operator must be able to hold the claim, now", () => {
  it("refuses to approve the regulator, an outsider or a member without a claim-holding role as operator", async () => {
    const { letterOfCredit: lc, registry, accounts, outsiders, claimId } = await networkHelpers.loadFixture(claim);
    const holder = lc.connect(accounts.supplier1);
    await expect(holder.approveClaim(claimId, accounts.regulator)).to.be.revertedWithCustomError(
      registry,
      "MissingRole",
    );
    await expect(holder.approveClaim(claimId, accounts.agency)).to.be.revertedWithCustomError(registry, "MissingRole");
    await expect(holder.approveClaim(claimId, outsiders[0])).to.be.revertedWithCustomError(registry, "UnknownAccount");
  });

  it("refuses a transfer by an approved bank suspended after the approval", async () => {
    const suite = await networkHelpers.loadFixture(claim);
    const { letterOfCredit: lc, registry, accounts, claimId } = suite;
    await lc.connect(accounts.supplier1).approveClaim(claimId, accounts.bankC);
    await suite.suspend("bankC");
    await expect(lc.connect(accounts.bankC).transferClaim(claimId, accounts.bankB)).to.be.revertedWithCustomError(
      registry,
      "MemberNotActive",
    );
    expect((await lc.claimInfo(claimId)).holder).to.equal(accounts.supplier1.address);
  });

  it("lets the holder clear its operator, and an operator in good standing (the market) transfer", async () => {
    const { letterOfCredit: lc, forfaiting, accounts, claimId } = await networkHelpers.loadFixture(claim);
    await expect(
      lc.connect(accounts.supplier1).approveClaim(claimId, "0x0000000000000000000000000000000000000000"),
    ).to.emit(lc, "ClaimApproval");
    await lc.connect(accounts.supplier1).approveClaim(claimId, accounts.bankC);
    await expect(lc.connect(accounts.bankC).transferClaim(claimId, accounts.bankB))
      .to.emit(lc, "ClaimTransferred")
      .withArgs(claimId, accounts.supplier1.address, accounts.bankB.address);
    await expect(lc.connect(accounts.bankB).approveClaim(claimId, forfaiting)).to.emit(lc, "ClaimApproval");
  });
});
