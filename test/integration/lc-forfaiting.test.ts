import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { network } from "hardhat";
import { passProposal } from "../helpers/consortium.js";
import {
  DAY,
  deployLettersOfCredit,
  hash,
  Kind,
  operativeLc,
  presentDocs,
  type LcFixture,
} from "../letters-of-credit/fixture.js";
import type { ForfaitingMarket } from "@consortia/sdk/typechain";
import { deployUpgradeable } from "../helpers/upgradeable.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const AMOUNT = 100_000n;
const PRICE = 97_500n;

/** An accepted deferred-payment LC presentation (a claim on bankA, held by supplier1) and a market listing the LC. */
async function acceptedClaim(): Promise<LcFixture & { market: ForfaitingMarket; claimId: bigint; maturity: bigint }> {
  const f = await deployLettersOfCredit(connection);
  const { platform, lc } = f;
  const { registry, token, ledger, freezeOrders, accounts } = platform;
  const market = await deployUpgradeable(
    ethers,
    "ForfaitingMarket",
    [registry, token, ledger, freezeOrders, ZeroAddress],
    [[lc]],
  );
  await passProposal(
    platform,
    registry,
    registry.interface.encodeFunctionData("setSystemContract", [await market.getAddress(), true]),
  );
  const lcId = await operativeLc(f, { deferred: true, tenorDays: 120 });
  const claimId = await presentDocs(f, lcId, AMOUNT);
  await lc.connect(accounts.bankA).examine(claimId, []);
  const maturity = BigInt(await networkHelpers.time.latest()) + 90n * DAY;
  await lc.connect(accounts.bankA).accept(claimId, maturity);
  return { ...f, market, claimId, maturity };
}

describe("an LC claim through the forfaiting market to payment at maturity", () => {
  it("moves the accepted claim to the buying bank against the price, and the issuing bank pays that bank", async () => {
    const { platform, lc, market, claimId, maturity } = await networkHelpers.loadFixture(acceptedClaim);
    const { token, accounts, ids } = platform;
    const { bankA, bankB, bankC, supplier1 } = accounts;

    // The beneficiary discounts its claim with its bank, which then sells it on in the market.
    await lc.connect(supplier1).transferClaim(claimId, bankB);
    expect((await lc.claimInfo(claimId)).holder).to.equal(bankB.address);

    const now = BigInt(await networkHelpers.time.latest());
    const announcement = {
      asset: await lc.getAddress(),
      claimId,
      askingPrice: 98_000n,
      askingDiscountBps: 200,
      askingTermsHash: hash("asking terms"),
      quoteDeadline: now + 2n * DAY,
      revealPeriod: 0,
      documents: [{ contentHash: hash("accepted draft"), uriHash: hash("vault://draft"), kind: Kind.OTHER }],
    };
    const offerId = await market.connect(bankB).announce.staticCall(announcement);
    await expect(market.connect(bankB).announce(announcement)).to.emit(market, "OfferAnnounced");
    await market.connect(bankC).quote(offerId, PRICE);

    await lc.connect(bankB).approveClaim(claimId, market);
    await token.connect(bankC).approve(market, PRICE);
    const deed = hash("transfer deed");
    const notice = hash("transfer notice");
    const trade = market.connect(bankB).acceptQuote(offerId, bankC, deed, notice, ethers.ZeroHash);
    await expect(trade).to.changeTokenBalances(ethers, token, [bankC, bankB], [-PRICE, PRICE]);
    await expect(trade).to.emit(lc, "ClaimTransferred").withArgs(claimId, bankB.address, bankC.address);

    // The accepting bank (the LC's issuing bank) acknowledges the notice: from now on it owes bankC.
    await expect(market.connect(bankA).acknowledgeNotice(offerId, notice))
      .to.emit(market, "NoticeAcknowledged")
      .withArgs(offerId, ids.bankA, bankA.address, await lc.getAddress(), claimId, AMOUNT, notice);

    // The seller no longer holds the claim: it cannot sell it again.
    await expect(market.connect(bankB).announce({ ...announcement, quoteDeadline: now + 3n * DAY }))
      .to.be.revertedWithCustomError(market, "ForfaitingSellerNotHolder")
      .withArgs(await lc.getAddress(), claimId, bankC.address, bankB.address);

    // At maturity the issuing bank pays, and the payment goes to the current holder only.
    await expect(lc.connect(bankA).pay(claimId, ethers.ZeroHash)).to.be.revertedWithCustomError(lc, "NotMatured");
    await networkHelpers.time.increaseTo(maturity);
    await expect(lc.connect(bankA).pay(claimId, ethers.ZeroHash)).to.changeTokenBalances(
      ethers,
      token,
      [bankA, bankC, supplier1, bankB],
      [-AMOUNT, AMOUNT, 0n, 0n],
    );
    expect((await lc.claimInfo(claimId)).settled).to.equal(true);
    await expect(lc.connect(bankC).transferClaim(claimId, bankB))
      .to.be.revertedWithCustomError(lc, "ClaimNotTransferable")
      .withArgs(claimId);
  });
});
