import { expect } from "chai";
import { ZeroHash } from "ethers";
import { network } from "hardhat";
import { DAY, deploySuite, h, issueReceivable, type Suite } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

const FACE = 1_000_000n;

interface Offers extends Suite {
  tokenId: bigint;
  transferOfferId: bigint;
  discountOfferId: bigint;
}

/** supplier1 offers 100,000 to supplier2 (sign-off transfer) and 200,000 to bankA at 190,000 (discount). */
async function offers(): Promise<Offers> {
  const suite = await deploySuite(connection);
  const { receivableDesk: desk, accounts, ids } = suite;
  const { tokenId } = await issueReceivable(suite, connection, accounts.supplier1, FACE);
  const deadline = BigInt(await networkHelpers.time.latest()) + 10n * DAY;
  const holder = desk.connect(accounts.supplier1);
  const transferOfferId = await holder.offerTransfer.staticCall(tokenId, accounts.supplier2, 100_000n, deadline);
  await holder.offerTransfer(tokenId, accounts.supplier2, 100_000n, deadline);
  const discountOfferId = await holder.offerDiscount.staticCall(tokenId, 200_000n, ids.bankA, 190_000n, deadline);
  await holder.offerDiscount(tokenId, 200_000n, ids.bankA, 190_000n, deadline);
  await suite.token.connect(accounts.bankA).approve(desk, 190_000n);
  return { ...suite, tokenId, transferOfferId, discountOfferId };
}

describe("audit finding 7 (low/medium): every party of a step must be in good standing when it executes", () => {
  it("refuses a transfer offer of a member suspended after offering", async () => {
    const suite = await networkHelpers.loadFixture(offers);
    const { receivableDesk: desk, registry, accounts, ids, transferOfferId } = suite;
    await suite.suspend("supplier1");
    await expect(desk.connect(accounts.supplier2).acceptTransfer(transferOfferId))
      .to.be.revertedWithCustomError(registry, "MemberNotActive")
      .withArgs(ids.supplier1, 2);
  });

  it("refuses a discount offer of a member suspended after offering, when the bank pays off chain", async () => {
    const suite = await networkHelpers.loadFixture(offers);
    const { receivableDesk: desk, registry, accounts, ids, discountOfferId } = suite;
    await suite.suspend("supplier1");
    await expect(desk.connect(accounts.bankA).acceptDiscount(discountOfferId, h("off-chain payment")))
      .to.be.revertedWithCustomError(registry, "MemberNotActive")
      .withArgs(ids.supplier1, 2);
  });

  it("refuses a discount offer of a member suspended after offering, when the bank pays in tokens", async () => {
    const suite = await networkHelpers.loadFixture(offers);
    const { receivableDesk: desk, registry, accounts, discountOfferId } = suite;
    await suite.suspend("supplier1");
    await expect(desk.connect(accounts.bankA).acceptDiscount(discountOfferId, ZeroHash)).to.be.revertedWithCustomError(
      registry,
      "MemberNotActive",
    );
  });

  it("refuses an offer made by an operator whose approval has been withdrawn since", async () => {
    const suite = await networkHelpers.loadFixture(offers);
    const { receivableDesk: desk, receivableCertificates: certificates, accounts, tokenId } = suite;
    await certificates.connect(accounts.supplier1).setApprovalForAll(accounts.supplier2, true);
    const deadline = BigInt(await networkHelpers.time.latest()) + 10n * DAY;
    const operator = desk.connect(accounts.supplier2);
    const offerId = await operator.offerTransfer.staticCall(tokenId, accounts.core, 50_000n, deadline);
    await operator.offerTransfer(tokenId, accounts.core, 50_000n, deadline);
    await certificates.connect(accounts.supplier1).setApprovalForAll(accounts.supplier2, false);
    await expect(desk.connect(accounts.core).acceptTransfer(offerId))
      .to.be.revertedWithCustomError(desk, "ReceivableNotHolder")
      .withArgs(tokenId, accounts.supplier2.address);
  });

  it("accepts both offers while everyone is in good standing, and again after the member is reinstated", async () => {
    const suite = await networkHelpers.loadFixture(offers);
    const { receivableDesk: desk, accounts, transferOfferId, discountOfferId } = suite;
    await suite.suspend("supplier1");
    await suite.reinstate("supplier1");
    await expect(desk.connect(accounts.supplier2).acceptTransfer(transferOfferId)).to.emit(desk, "TransferOfferClosed");
    await expect(desk.connect(accounts.bankA).acceptDiscount(discountOfferId, ZeroHash)).to.emit(
      desk,
      "DiscountAccepted",
    );
  });
});
