import { expect } from "chai";
import { network } from "hardhat";
import { deploySuite, issueReceivable, type Suite } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

const FACE = 1_000_000n;

async function held(): Promise<Suite & { tokenId: bigint }> {
  const suite = await deploySuite(connection);
  const { tokenId } = await issueReceivable(suite, connection, suite.accounts.supplier1, FACE);
  return { ...suite, tokenId };
}

describe("ERC-3525 as wallets and marketplaces use it", () => {
  it("splits value to the owner's own address (the EIP's 'split my certificate' call)", async () => {
    const { receivableCertificates: c, accounts, tokenId } = await networkHelpers.loadFixture(held);
    const owner = c.connect(accounts.supplier1);
    const newId = await owner["transferFrom(uint256,address,uint256)"].staticCall(tokenId, accounts.supplier1, 400n);
    await expect(owner["transferFrom(uint256,address,uint256)"](tokenId, accounts.supplier1, 400n))
      .to.emit(c, "TransferValue")
      .withArgs(tokenId, newId, 400n);
    expect(await c.ownerOf(newId)).to.equal(accounts.supplier1.address);
    expect(await c["balanceOf(uint256)"](newId)).to.equal(400n);
    expect(await c["balanceOf(uint256)"](tokenId)).to.equal(FACE - 400n);
    expect(await c["balanceOf(address)"](accounts.supplier1)).to.equal(2n);
  });

  it("lets an operator approved for all grant value allowances and move value, under the same standing rule", async () => {
    const suite = await networkHelpers.loadFixture(held);
    const { receivableCertificates: c, registry, accounts, tokenId } = suite;
    await c.connect(accounts.supplier1).setApprovalForAll(accounts.supplier2, true);
    const operator = c.connect(accounts.supplier2);
    await expect(operator["approve(uint256,address,uint256)"](tokenId, accounts.bankA, 500n))
      .to.emit(c, "ApprovalValue")
      .withArgs(tokenId, accounts.bankA.address, 500n);
    await expect(operator["transferFrom(uint256,address,uint256)"](tokenId, accounts.supplier3, 100n)).to.emit(
      c,
      "TransferValue",
    );
    await suite.suspend("supplier2");
    await expect(
      operator["approve(uint256,address,uint256)"](tokenId, accounts.bankA, 1n),
    ).to.be.revertedWithCustomError(registry, "MemberNotActive");
    await expect(
      operator["transferFrom(uint256,address,uint256)"](tokenId, accounts.supplier3, 1n),
    ).to.be.revertedWithCustomError(registry, "MemberNotActive");
  });

  it("announces ApprovalValue(token, operator, 0) for every allowance a change of owner voids", async () => {
    const { receivableCertificates: c, accounts, tokenId } = await networkHelpers.loadFixture(held);
    const owner = c.connect(accounts.supplier1);
    await owner["approve(uint256,address,uint256)"](tokenId, accounts.bankA, 500n);
    await owner["approve(uint256,address,uint256)"](tokenId, accounts.bankB, 300n);
    await owner["approve(uint256,address,uint256)"](tokenId, accounts.bankC, 0n);
    const tx = owner["transferFrom(address,address,uint256)"](accounts.supplier1, accounts.supplier2, tokenId);
    await expect(tx)
      .to.emit(c, "ApprovalValue")
      .withArgs(tokenId, accounts.bankA.address, 0n)
      .and.to.emit(c, "ApprovalValue")
      .withArgs(tokenId, accounts.bankB.address, 0n);
    const receipt = await (await tx).wait();
    const voided = receipt!.logs
      .map((log) => c.interface.parseLog(log))
      .filter((parsed) => parsed?.name === "ApprovalValue")
      .map((parsed) => parsed!.args[1]);
    expect(voided).to.deep.equal([accounts.bankA.address, accounts.bankB.address]);
    expect(await c.allowance(tokenId, accounts.bankA)).to.equal(0n);
  });

  it("announces the voided allowance when an allowance is partly spent before the change of owner", async () => {
    const { receivableCertificates: c, accounts, tokenId } = await networkHelpers.loadFixture(held);
    await c.connect(accounts.supplier1)["approve(uint256,address,uint256)"](tokenId, accounts.bankA, 500n);
    await c.connect(accounts.bankA)["transferFrom(uint256,address,uint256)"](tokenId, accounts.bankA, 200n);
    await expect(
      c
        .connect(accounts.supplier1)
        ["transferFrom(address,address,uint256)"](accounts.supplier1, accounts.supplier2, tokenId),
    )
      .to.emit(c, "ApprovalValue")
      .withArgs(tokenId, accounts.bankA.address, 0n);
  });
});
