import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { ZeroHash } from "ethers";
import { network } from "hardhat";
import { announcement, deploySuite, h, issueReceivable, split, type Suite } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

const FACE = 1_000_000n;
const PRICE = 950_000n;

interface Quoted {
  suite: Suite;
  offerId: bigint;
  tokenId: bigint;
  /** A second certificate of the same receivable, held by the seller. */
  otherTokenId: bigint;
}

/**
 * supplier1 is paid a receivable certificate by core (FACE); it sells the certificate to bankA, keeping a small part
 * in a second certificate that it also hands to bankA. bankA announces the big certificate on the market and bankB
 * quotes PRICE for it.
 */
async function quoted(): Promise<Quoted> {
  const suite = await deploySuite(connection);
  const { accounts, receivableCertificates: certificates, forfaiting: market } = suite;
  const { bankA, bankB, supplier1 } = accounts;
  const { tokenId } = await issueReceivable(suite, connection, supplier1, FACE + 1_000n);
  const otherTokenId = await split(suite, supplier1, tokenId, bankA.address, 1_000n);
  await certificates.connect(supplier1)["transferFrom(address,address,uint256)"](supplier1, bankA, tokenId);

  const offerId = (await market.offerCount()) + 1n;
  await market.connect(bankA).announce(await announcement(connection, await certificates.getAddress(), tokenId));
  await market.connect(bankB).quote(offerId, PRICE);
  await certificates.connect(bankA).approveClaim(tokenId, market);
  await suite.token.connect(bankB).approve(market, PRICE);
  return { suite, offerId, tokenId, otherTokenId };
}

describe("audit finding 1 (critical): a buyer of a receivable certificate receives exactly the value it quoted on", () => {
  it("refuses the trade after the seller split value out of the certificate to another account of its own", async () => {
    const { suite, offerId, tokenId } = await networkHelpers.loadFixture(quoted);
    const { accounts, receivableCertificates: certificates, forfaiting: market, token, standing } = suite;
    await split(suite, accounts.bankA, tokenId, standing.bankA2.address, FACE - 1n);
    const before = await token.balanceOf(accounts.bankB);
    await expect(market.connect(accounts.bankA).acceptQuote(offerId, accounts.bankB, h("deed"), h("notice"), ZeroHash))
      .to.be.revertedWithCustomError(market, "ForfaitingClaimChanged")
      .withArgs(offerId, FACE, 1n, anyValue, anyValue);
    expect(await token.balanceOf(accounts.bankB)).to.equal(before);
    expect(await certificates.ownerOf(tokenId)).to.equal(accounts.bankA.address);
  });

  it("refuses the trade after the seller merged value into another certificate it holds", async () => {
    const { suite, offerId, tokenId, otherTokenId } = await networkHelpers.loadFixture(quoted);
    const { accounts, receivableCertificates: certificates, forfaiting: market } = suite;
    await certificates
      .connect(accounts.bankA)
      ["transferFrom(uint256,uint256,uint256)"](tokenId, otherTokenId, FACE - 10n);
    await expect(
      market.connect(accounts.bankA).acceptQuote(offerId, accounts.bankB, h("deed"), h("notice"), ZeroHash),
    ).to.be.revertedWithCustomError(market, "ForfaitingClaimChanged");
  });

  it("refuses the trade after value was merged into the certificate too (the buyer gets what it priced, not more)", async () => {
    const { suite, offerId, tokenId, otherTokenId } = await networkHelpers.loadFixture(quoted);
    const { accounts, receivableCertificates: certificates, forfaiting: market } = suite;
    await certificates.connect(accounts.bankA)["transferFrom(uint256,uint256,uint256)"](otherTokenId, tokenId, 1_000n);
    await expect(
      market.connect(accounts.bankA).acceptQuote(offerId, accounts.bankB, h("deed"), h("notice"), ZeroHash),
    ).to.be.revertedWithCustomError(market, "ForfaitingClaimChanged");
  });

  it("trades the untouched certificate: the buyer receives the announced value, and the trade and notice carry it", async () => {
    const { suite, offerId, tokenId } = await networkHelpers.loadFixture(quoted);
    const { accounts, ids, receivableCertificates: certificates, forfaiting: market, token } = suite;
    const sellerBefore = await token.balanceOf(accounts.bankA);
    const tx = market.connect(accounts.bankA).acceptQuote(offerId, accounts.bankB, h("deed"), h("notice"), ZeroHash);
    await expect(tx).to.emit(market, "ClaimTraded");
    const receipt = await (await tx).wait();
    const traded = receipt!.logs
      .map((log) => market.interface.parseLog(log))
      .find((parsed) => parsed?.name === "ClaimTraded");
    expect(traded!.args.trade.amount).to.equal(FACE);
    expect(traded!.args.trade.maturity).to.be.greaterThan(0n);
    expect(await certificates.ownerOf(tokenId)).to.equal(accounts.bankB.address);
    expect(await certificates["balanceOf(uint256)"](tokenId)).to.equal(FACE);
    expect(await token.balanceOf(accounts.bankA)).to.equal(sellerBefore + PRICE);
    await expect(market.connect(accounts.core).acknowledgeNotice(offerId, h("notice")))
      .to.emit(market, "NoticeAcknowledged")
      .withArgs(offerId, ids.core, accounts.core.address, await certificates.getAddress(), tokenId, FACE, h("notice"));
  });
});
