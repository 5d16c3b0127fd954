import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { ZeroHash } from "ethers";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startNode, type NodeProcess } from "../helpers/node-process.js";
import { announcement, DAY, deploySuite, h, issueReceivable } from "./fixture.js";

const FACE = 1_000_000n;
const DISCOUNT_PRICE = 960_000n;
const FORFAIT_PRICE = 975_000n;

/**
 * A receivable certificate from issue to payment at maturity through the forfaiting market, on the suite as
 * `npm run deploy` deploys it: core issues it to supplier1, supplier1 discounts it to bankA, bankA sells it in the
 * market to bankB, core acknowledges the transfer notice and at maturity pays bankB. At every step the wrong party,
 * a party without the role and a party suspended since are refused before the right one goes through.
 */
describe("end to end: a receivable certificate forfaited through the market and paid to the buyer at maturity", function () {
  this.timeout(300_000);
  /** The suite on a real `hardhat node` process (JSON-RPC over HTTP), as operators run it. */
  let node: NodeProcess;
  let connection: NetworkConnection;
  /** Ignition's journal of this deployment: a temporary directory, never the work tree. */
  let ignitionDir: string;

  before(async () => {
    ignitionDir = await mkdtemp(join(tmpdir(), "consortia-e2e-forfaiting-"));
    node = await startNode();
    connection = await network.create({ network: "localhost", override: { url: node.url } });
  });

  after(async () => {
    await node?.stop();
    if (ignitionDir !== undefined) await rm(ignitionDir, { recursive: true, force: true });
  });

  it("moves the certificate and the money between the right parties only, each in good standing", async () => {
    const { networkHelpers } = connection;
    const suite = await deploySuite(connection, { ignitionDir });
    expect(await readdir(join(ignitionDir, "deployments"))).to.have.length(1);
    const { receivableDesk: desk, receivableCertificates: certificates, forfaiting: market, token, registry } = suite;
    const { accounts, ids } = suite;
    const { core, supplier1, bankA, bankB, bankC, regulator } = accounts;
    for (const signer of [core, bankA, bankB, bankC]) {
      await token.connect(signer).approve(desk, 10n ** 12n);
      await token.connect(signer).approve(market, 10n ** 12n);
    }

    // 1. Issue: core owes supplier1 FACE at maturity.
    const { receivableId, tokenId, maturity } = await issueReceivable(suite, connection, supplier1, FACE);
    expect((await certificates.claimInfo(tokenId)).obligor).to.equal(BigInt(ids.core));

    // 2. Discount: supplier1 sells the whole certificate to bankA, delivery versus payment.
    const deadline = BigInt(await networkHelpers.time.latest()) + 5n * DAY;
    await expect(
      desk.connect(regulator).offerDiscount(tokenId, FACE, ids.bankA, DISCOUNT_PRICE, deadline),
    ).to.be.revertedWithCustomError(desk, "ReceivableNotHolder");
    const discountId = await desk
      .connect(supplier1)
      .offerDiscount.staticCall(tokenId, FACE, ids.bankA, DISCOUNT_PRICE, deadline);
    await desk.connect(supplier1).offerDiscount(tokenId, FACE, ids.bankA, DISCOUNT_PRICE, deadline);
    await expect(desk.connect(bankB).acceptDiscount(discountId, ZeroHash)).to.be.revertedWithCustomError(
      desk,
      "ReceivableWrongParty",
    );
    await suite.suspend("supplier1");
    await expect(desk.connect(bankA).acceptDiscount(discountId, ZeroHash)).to.be.revertedWithCustomError(
      registry,
      "MemberNotActive",
    );
    await suite.reinstate("supplier1");
    await expect(desk.connect(bankA).acceptDiscount(discountId, ZeroHash)).to.changeTokenBalances(
      connection.ethers,
      token,
      [bankA, supplier1],
      [-DISCOUNT_PRICE, DISCOUNT_PRICE],
    );
    expect(await certificates.ownerOf(tokenId)).to.equal(bankA.address);

    // 3. Announce: only a forfaiter holding the certificate.
    const offer = await announcement(connection, await certificates.getAddress(), tokenId);
    await expect(market.connect(supplier1).announce(offer)).to.be.revertedWithCustomError(registry, "MissingRole");
    await expect(market.connect(bankB).announce(offer)).to.be.revertedWithCustomError(
      market,
      "ForfaitingSellerNotHolder",
    );
    const offerId = await market.connect(bankA).announce.staticCall(offer);
    await expect(market.connect(bankA).announce(offer))
      .to.emit(market, "OfferAnnounced")
      .withArgs(offerId, ids.bankA, ids.core, bankA.address, FACE, maturity, anyValue);

    // 4. Quotes: the regulator and the seller cannot quote; bankB and bankC do.
    await expect(market.connect(regulator).quote(offerId, FORFAIT_PRICE)).to.be.revertedWithCustomError(
      registry,
      "MissingRole",
    );
    await expect(market.connect(bankA).quote(offerId, FORFAIT_PRICE)).to.be.revertedWithCustomError(
      market,
      "ForfaitingOwnOffer",
    );
    await market.connect(bankB).quote(offerId, FORFAIT_PRICE);
    await market.connect(bankC).quote(offerId, FORFAIT_PRICE + 1_000n);

    // 5. Trade: bankC, suspended after quoting, cannot be the buyer; bankB's quote goes through.
    await certificates.connect(bankA).approveClaim(tokenId, market);
    await suite.suspend("bankC");
    await expect(
      market.connect(bankA).acceptQuote(offerId, bankC, h("deed"), h("notice"), ZeroHash),
    ).to.be.revertedWithCustomError(registry, "MemberNotActive");
    await expect(
      market.connect(bankB).acceptQuote(offerId, bankB, h("deed"), h("notice"), ZeroHash),
    ).to.be.revertedWithCustomError(market, "ForfaitingWrongParty");
    const trade = market.connect(bankA).acceptQuote(offerId, bankB, h("deed"), h("notice"), ZeroHash);
    await expect(trade).to.changeTokenBalances(
      connection.ethers,
      token,
      [bankB, bankA],
      [-FORFAIT_PRICE, FORFAIT_PRICE],
    );
    const traded = (await (await trade).wait())!.logs
      .map((log) => market.interface.parseLog(log))
      .find((parsed) => parsed?.name === "ClaimTraded")!;
    expect(traded.args.trade.amount).to.equal(FACE);
    expect(traded.args.trade.maturity).to.equal(maturity);
    expect(await certificates.ownerOf(tokenId)).to.equal(bankB.address);
    expect(await certificates["balanceOf(uint256)"](tokenId)).to.equal(FACE);
    // The seller's approval died with the change of owner: the market cannot move the certificate again.
    expect(await certificates.getApproved(tokenId)).to.equal(connection.ethers.ZeroAddress);

    // 6. Notice: only the obligor acknowledges it, and only while in good standing.
    expect(await market.noticeOf(offerId)).to.equal(h("notice"));
    await expect(market.connect(supplier1).acknowledgeNotice(offerId, h("notice"))).to.be.revertedWithCustomError(
      market,
      "ForfaitingWrongParty",
    );
    await suite.suspend("core");
    await expect(market.connect(core).acknowledgeNotice(offerId, h("notice"))).to.be.revertedWithCustomError(
      registry,
      "MemberNotActive",
    );
    await suite.reinstate("core");
    await expect(market.connect(core).acknowledgeNotice(offerId, h("notice")))
      .to.emit(market, "NoticeAcknowledged")
      .withArgs(offerId, ids.core, core.address, await certificates.getAddress(), tokenId, FACE, h("notice"));

    // 7. Maturity: core funds, and the buyer, not the seller nor the regulator, redeems the face value.
    await networkHelpers.time.increaseTo(maturity);
    await expect(desk.connect(bankA).fund(receivableId)).to.be.revertedWithCustomError(registry, "MissingRole");
    await desk.connect(core).fund(receivableId);
    await expect(desk.connect(bankA).redeem(tokenId)).to.be.revertedWithCustomError(desk, "ReceivableNotHolder");
    await expect(desk.connect(regulator).redeem(tokenId)).to.be.revertedWithCustomError(desk, "ReceivableNotHolder");
    await expect(desk.connect(bankB).redeem(tokenId)).to.changeTokenBalances(
      connection.ethers,
      token,
      [desk, bankB],
      [-FACE, FACE],
    );
    expect((await desk.receivable(receivableId)).status).to.equal(8n); // Settled
    // bankB paid FORFAIT_PRICE and was paid FACE: the forfaiting discount is its return.
  });
});
