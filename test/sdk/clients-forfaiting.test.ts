import { expect } from "chai";
import { network } from "hardhat";
import { AbiCoder, keccak256, toUtf8Bytes } from "ethers";
import {
  type ContractError,
  decodeQuoteOpening,
  encodeQuoteOpening,
  envelopeReaders,
  generateEncryptionKeyPair,
  quoteCommitment,
} from "@consortia/sdk";
import { deployApps } from "./clients-apps.fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;
const h = (text: string) => keccak256(toUtf8Bytes(text));
const DAY = 86_400n;

/** An accepted deferred LC claim (bankA owes 100,000.00 at maturity) held by bankB. */
async function fixture() {
  const f = await deployApps(connection);
  const { accounts } = f.platform;
  const [bankA, bankB, supplier] = await Promise.all([
    f.as(accounts.bankA),
    f.as(accounts.bankB),
    f.as(accounts.supplier1),
  ]);
  const { lcId } = await bankA.lettersOfCredit.issue(accounts.core.address, {
    advisingBank: accounts.bankB.address,
    beneficiary: accounts.supplier1.address,
    amount: 10_000_000n,
    currency: "CNY",
    expiry: f.now + 90n * DAY,
    latestShipment: f.now + 60n * DAY,
    deferred: true,
    tenorDays: 180,
    requiredDocuments: [2],
    termsHash: h("terms"),
  });
  await bankB.lettersOfCredit.advise(lcId);
  await supplier.lettersOfCredit.acknowledge(lcId);
  const { presentationId } = await supplier.lettersOfCredit.present(lcId, 10_000_000n, [
    { contentHash: h("inv"), uriHash: h("u"), kind: 2 },
  ]);
  await bankA.lettersOfCredit.examine(presentationId);
  await bankA.lettersOfCredit.accept(presentationId, f.now + 150n * DAY);
  await supplier.lettersOfCredit.transferClaim(presentationId, accounts.bankB.address);
  return { ...f, claimId: presentationId };
}

describe("sdk/clients forfaiting", () => {
  it("the commitment matches keccak256(abi.encode(offerId, bidder, price, salt))", () => {
    const salt = h("salt");
    const bidder = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    expect(quoteCommitment(7n, bidder, 123n, salt)).to.equal(
      keccak256(
        AbiCoder.defaultAbiCoder().encode(["uint256", "address", "uint128", "bytes32"], [7n, bidder, 123n, salt]),
      ),
    );
  });

  it("announce, quote, accept, acknowledge an LC claim (asset defaults to the suite's LetterOfCredit)", async () => {
    const { platform, as, now, claimId } = await networkHelpers.loadFixture(fixture);
    const { accounts, ids } = platform;
    const [bankA, bankB, bankC] = await Promise.all([as(accounts.bankA), as(accounts.bankB), as(accounts.bankC)]);
    const { offerId } = await bankB.forfaiting.announce({
      claimId,
      quoteDeadline: now + 2n * DAY,
      askingPrice: 9_700_000n,
    });
    await bankB.forfaiting.approveClaim(claimId);
    await bankC.token.approve(bankC.forfaiting.address, 9_650_000n);
    await bankC.forfaiting.quote(offerId, 9_650_000n);
    expect(await bankB.forfaiting.quotes(offerId)).to.deep.equal([
      { offerId, bidder: accounts.bankC.address, price: 9_650_000n, bidderMember: ids.bankC, state: "Active" },
    ]);
    await bankB.forfaiting.acceptQuote(offerId, accounts.bankC.address, h("deed"), h("notice"));
    await bankA.forfaiting.acknowledgeNotice(offerId); // the notice is read from the trade
    expect((await bankA.forfaiting.offer(offerId)).state).to.equal("NoticeAcknowledged");
    expect((await bankA.forfaiting.claimInfo(claimId)).holder).to.equal(accounts.bankC.address);
  });

  it("sealed: commitQuote keeps the salt; reveal after the deadline; a wrong price is rejected decoded", async () => {
    const { platform, as, now, claimId } = await networkHelpers.loadFixture(fixture);
    const { accounts } = platform;
    const [bankB, bankC] = await Promise.all([as(accounts.bankB), as(accounts.bankC)]);
    const { offerId } = await bankB.forfaiting.announce({ claimId, quoteDeadline: now + DAY, revealPeriod: 86_400 });
    const sealed = await bankC.forfaiting.commitQuote(offerId, 9_600_000n);
    expect(sealed.salt).to.match(/^0x[0-9a-f]{64}$/);
    expect(await bankC.forfaiting.commitmentOf(offerId, accounts.bankC.address)).to.equal(sealed.commitment);
    await networkHelpers.time.increase(Number(DAY) + 1);
    const wrong = await bankC.forfaiting
      .revealQuote(offerId, 9_700_000n, sealed.salt)
      .catch((caught: unknown) => caught);
    expect((wrong as ContractError).decoded.name).to.equal("ForfaitingRevealMismatch");
    await bankC.forfaiting.revealQuote(offerId, sealed.price, sealed.salt);
    expect((await bankC.forfaiting.quoteOf(offerId, accounts.bankC.address)).state).to.equal("Active");
  });

  it("sealed, never revealed: the bidder seals price and salt to the seller and the regulator, the seller opens and accepts", async () => {
    const { platform, as, now, claimId } = await networkHelpers.loadFixture(fixture);
    const { accounts, ids, registry } = platform;
    const keys = { bankB: generateEncryptionKeyPair(), regulator: generateEncryptionKeyPair() };
    await registry.connect(accounts.bankB).setEncryptionKey(keys.bankB.publicKey);
    await registry.connect(accounts.regulator).setEncryptionKey(keys.regulator.publicKey);
    const [bankB, bankC, bankA] = await Promise.all([as(accounts.bankB), as(accounts.bankC), as(accounts.bankA)]);
    const { offerId } = await bankB.forfaiting.announce({ claimId, quoteDeadline: now + DAY, revealPeriod: 86_400 });
    await bankB.forfaiting.approveClaim(claimId);
    const sealed = await bankC.forfaiting.commitQuote(offerId, 9_600_000n);
    const { receipt: _receipt, ...quote } = sealed;
    const { envelope } = await bankC.forfaiting.sealQuoteOpening(quote);
    expect(envelopeReaders(envelope).sort()).to.deep.equal([ids.bankB, ids.regulator].sort());
    // A bank outside the deal cannot open it; an opening that does not match its commitment is refused locally.
    const outsider = await bankA.forfaiting
      .openQuoteOpening(envelope, { memberId: ids.bankA, privateKey: generateEncryptionKeyPair().privateKey })
      .catch((caught: unknown) => caught);
    expect(outsider).to.be.instanceOf(Error);
    expect(() => decodeQuoteOpening(encodeQuoteOpening({ ...quote, price: quote.price + 1n }))).to.throw(
      /does not match its commitment/,
    );
    const opened = await bankB.forfaiting.openQuoteOpening(envelope, {
      memberId: ids.bankB,
      privateKey: keys.bankB.privateKey,
    });
    expect(opened.price).to.equal(9_600_000n);
    // The regulator reads it too.
    const asRegulator = await bankB.forfaiting.openQuoteOpening(envelope, {
      memberId: ids.regulator,
      privateKey: keys.regulator.privateKey,
    });
    expect(asRegulator.price).to.equal(9_600_000n);
    // Before the quote deadline the simulation refuses the acceptance: nothing is sent.
    const early = await bankB.forfaiting
      .acceptSealedQuote(opened, h("deed"), h("notice"))
      .catch((caught: unknown) => caught);
    expect(early).to.be.instanceOf(Error);
    await networkHelpers.time.increase(Number(DAY) + 1);
    await bankC.token.approve(bankC.forfaiting.address, 9_600_000n);
    await bankB.forfaiting.acceptSealedQuote(opened, h("deed"), h("notice"));
    expect(await bankB.forfaiting.quoteOf(offerId, accounts.bankC.address)).to.deep.equal({
      offerId,
      bidder: accounts.bankC.address,
      price: 9_600_000n,
      bidderMember: ids.bankC,
      state: "Accepted",
    });
    expect((await bankA.forfaiting.claimInfo(claimId)).holder).to.equal(accounts.bankC.address);
  });
});
