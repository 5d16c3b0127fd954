import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { AbiCoder, encodeBytes32String, keccak256, toUtf8Bytes, ZeroHash, type Signer } from "ethers";
import { network } from "hardhat";
import { deployPlatform, fund, passProposal, type Platform } from "../helpers/consortium.js";
import type { ClaimMock, ForfaitingMarket } from "@consortia/sdk/typechain";
import type { IForfaitingMarket } from "@consortia/sdk/typechain/forfaiting/ForfaitingMarket.js";
import { deployUpgradeable } from "../helpers/upgradeable.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const DAY = 86_400n;
const FACE = 10_000_000n; // 100,000.00
const h = (text: string) => keccak256(toUtf8Bytes(text));
const DEED = h("transfer deed");
const NOTICE = h("transfer notice");

enum OState {
  None,
  Open,
  Traded,
  NoticeAcknowledged,
  Withdrawn,
}
enum QState {
  None,
  Active,
  Withdrawn,
  Accepted,
}

interface Fixture {
  platform: Platform;
  market: ForfaitingMarket;
  claims: ClaimMock;
  now: bigint;
  maturity: bigint;
}

/**
 * bankC (the accepting bank of a deferred-payment LC) owes FACE at maturity to bankA, which sells the claim; bankB and
 * bankC... bankB buys. supplier1 is no forfaiter.
 */
async function fixture(): Promise<Fixture> {
  const platform = await deployPlatform(connection);
  const claims = await ethers.deployContract("ClaimMock", [platform.registry, platform.token]);
  const market = await deployUpgradeable(
    ethers,
    "ForfaitingMarket",
    [platform.registry, platform.token, platform.ledger, platform.freezeOrders, ethers.ZeroAddress],
    [[await claims.getAddress()]],
  );
  // The mock claim contract pulls the obligor's tokens at maturity, as a suite claim contract does: it is a system
  // contract (a token spender must be one, or an active holder).
  await platform.finishBootstrap([market, claims]);
  const { accounts } = platform;
  const now = BigInt(await networkHelpers.time.latest());
  const maturity = now + 180n * DAY;
  await claims.connect(accounts.bankC).create(accounts.bankA, maturity, FACE);
  for (const bank of [accounts.bankA, accounts.bankB, accounts.bankC]) {
    await fund(platform, bank, 10n * FACE);
    await platform.token.connect(bank).approve(market, ethers.MaxUint256);
    await platform.token.connect(bank).approve(claims, ethers.MaxUint256);
  }
  await claims.connect(accounts.bankA).approveClaim(1n, market);
  return { platform, market, claims, now, maturity };
}

function announcement(f: Fixture, overrides: Partial<IForfaitingMarket.AnnouncementStruct> = {}) {
  return {
    asset: f.claims.target as string,
    claimId: 1n,
    askingPrice: 9_700_000n,
    askingDiscountBps: 600,
    askingTermsHash: h("asking terms"),
    quoteDeadline: f.now + 3n * DAY,
    revealPeriod: 0n,
    documents: [
      { contentHash: h("accepted draft"), uriHash: h("uri:draft"), kind: 8 },
      { contentHash: h("letter of credit"), uriHash: h("uri:lc"), kind: 1 },
    ],
    ...overrides,
  } satisfies IForfaitingMarket.AnnouncementStruct;
}

async function openOfferFixture() {
  const f = await fixture();
  await f.market.connect(f.platform.accounts.bankA).announce(announcement(f));
  return { ...f, id: 1n };
}

async function quotedFixture() {
  const f = await openOfferFixture();
  await f.market.connect(f.platform.accounts.bankB).quote(f.id, 9_650_000n);
  return f;
}

async function tradedFixture() {
  const f = await quotedFixture();
  await f.market
    .connect(f.platform.accounts.bankA)
    .acceptQuote(f.id, f.platform.accounts.bankB, DEED, NOTICE, ZeroHash);
  return f;
}

async function sealedOfferFixture() {
  const f = await fixture();
  await f.market.connect(f.platform.accounts.bankA).announce(announcement(f, { revealPeriod: 2n * DAY }));
  return { ...f, id: 1n };
}

function commitment(offerId: bigint, bidder: string, price: bigint, salt: string) {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(["uint256", "address", "uint128", "bytes32"], [offerId, bidder, price, salt]),
  );
}

async function addr(signer: Signer) {
  return signer.getAddress();
}

describe("ForfaitingMarket", () => {
  describe("listing of claim contracts", () => {
    it("lists the claim contracts given at deployment", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      expect(await f.market.isClaimContract(f.claims)).to.equal(true);
    });

    it("is changed only by governance", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      await expect(f.market.connect(f.platform.accounts.bankA).setClaimContract(f.claims, false))
        .to.be.revertedWithCustomError(f.market, "OnlyGovernance")
        .withArgs(f.platform.accounts.bankA.address);
      await expect(
        passProposal(
          f.platform,
          f.market,
          f.market.interface.encodeFunctionData("setClaimContract", [await f.claims.getAddress(), false]),
        ),
      )
        .to.emit(f.market, "ClaimContractSet")
        .withArgs(await f.claims.getAddress(), false);
      await expect(f.market.connect(f.platform.accounts.bankA).announce(announcement(f)))
        .to.be.revertedWithCustomError(f.market, "ForfaitingAssetNotListed")
        .withArgs(await f.claims.getAddress());
    });

    it("refuses the zero address", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      await expect(
        deployUpgradeable(
          ethers,
          "ForfaitingMarket",
          [f.platform.registry, f.platform.token, f.platform.ledger, f.platform.freezeOrders, ethers.ZeroAddress],
          [[ethers.ZeroAddress]],
        ),
      ).to.be.revertedWithCustomError(f.market, "InvalidValue");
    });
  });

  describe("announcement", () => {
    it("announces a claim the seller holds, with amount, maturity and obligor read from the claim", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const { accounts, ids } = f.platform;
      await expect(f.market.connect(accounts.bankA).announce(announcement(f)))
        .to.emit(f.market, "OfferAnnounced")
        .withArgs(1n, ids.bankA, ids.bankC, accounts.bankA.address, FACE, f.maturity, anyValue);
      const o = await f.market.offer(1n);
      expect(o.state).to.equal(OState.Open);
      expect(o.seller).to.equal(accounts.bankA.address);
      expect(o.obligor).to.equal(ids.bankC);
      expect(o.claimId).to.equal(1n);
      expect(await f.market.offerCount()).to.equal(1n);
    });

    it("rejects a seller that does not hold the claim", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      await expect(f.market.connect(f.platform.accounts.bankB).announce(announcement(f)))
        .to.be.revertedWithCustomError(f.market, "ForfaitingSellerNotHolder")
        .withArgs(
          await f.claims.getAddress(),
          1n,
          f.platform.accounts.bankA.address,
          f.platform.accounts.bankB.address,
        );
    });

    it("rejects a seller without the forfaiter role", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      await expect(
        f.market.connect(f.platform.accounts.supplier1).announce(announcement(f)),
      ).to.be.revertedWithCustomError(f.platform.registry, "MissingRole");
    });

    it("rejects quoting that would end at or after maturity", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      await expect(f.market.connect(f.platform.accounts.bankA).announce(announcement(f, { quoteDeadline: f.maturity })))
        .to.be.revertedWithCustomError(f.market, "ForfaitingClaimClosed")
        .withArgs(await f.claims.getAddress(), 1n, f.maturity);
    });

    it("rejects a past deadline, an overlong reveal period and too many documents", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const bank = f.market.connect(f.platform.accounts.bankA);
      const doc = { contentHash: h("d"), uriHash: h("u"), kind: 255 };
      const cases: [Partial<IForfaitingMarket.AnnouncementStruct>, string][] = [
        [{ quoteDeadline: f.now }, "quoteDeadline"],
        [{ revealPeriod: 31n * DAY }, "revealPeriod"],
        [{ documents: Array(17).fill(doc) }, "documents"],
      ];
      for (const [overrides, field] of cases) {
        await expect(bank.announce(announcement(f, overrides)))
          .to.be.revertedWithCustomError(f.market, "InvalidValue")
          .withArgs(encodeBytes32String(field));
      }
    });

    it("lets only the seller withdraw an open offer", async () => {
      const f = await networkHelpers.loadFixture(quotedFixture);
      await expect(f.market.connect(f.platform.accounts.bankB).withdrawOffer(f.id))
        .to.be.revertedWithCustomError(f.market, "ForfaitingWrongParty")
        .withArgs(f.id, f.platform.ids.bankB, f.platform.ids.bankA);
      await expect(f.market.connect(f.platform.accounts.bankA).withdrawOffer(f.id))
        .to.emit(f.market, "OfferWithdrawn")
        .withArgs(f.id, f.platform.accounts.bankA.address);
      await expect(
        f.market
          .connect(f.platform.accounts.bankA)
          .acceptQuote(f.id, f.platform.accounts.bankB, DEED, NOTICE, ZeroHash),
      )
        .to.be.revertedWithCustomError(f.market, "ForfaitingWrongState")
        .withArgs(f.id, OState.Withdrawn, OState.Open);
    });

    it("rejects steps on an unknown offer", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      await expect(f.market.connect(f.platform.accounts.bankB).quote(9n, 1n))
        .to.be.revertedWithCustomError(f.market, "ForfaitingOfferUnknown")
        .withArgs(9n);
      await expect(f.market.offer(9n)).to.be.revertedWithCustomError(f.market, "ForfaitingOfferUnknown");
    });
  });

  describe("open quotes", () => {
    it("records a quote by a buying bank", async () => {
      const f = await networkHelpers.loadFixture(openOfferFixture);
      await expect(f.market.connect(f.platform.accounts.bankB).quote(f.id, 9_650_000n))
        .to.emit(f.market, "QuoteSubmitted")
        .withArgs(f.id, f.platform.accounts.bankB.address, f.platform.ids.bankB, 9_650_000n);
      const q = await f.market.quoteOf(f.id, f.platform.accounts.bankB);
      expect(q.state).to.equal(QState.Active);
      expect(q.price).to.equal(9_650_000n);
    });

    it("rejects a quote after the deadline", async () => {
      const f = await networkHelpers.loadFixture(openOfferFixture);
      await networkHelpers.time.increaseTo(f.now + 3n * DAY + 1n);
      await expect(f.market.connect(f.platform.accounts.bankB).quote(f.id, 1n))
        .to.be.revertedWithCustomError(f.market, "ForfaitingQuotingClosed")
        .withArgs(f.id, f.now + 3n * DAY);
    });

    it("rejects a quote by the seller, by a non-forfaiter, of zero, or twice", async () => {
      const f = await networkHelpers.loadFixture(quotedFixture);
      await expect(f.market.connect(f.platform.accounts.bankA).quote(f.id, 1n))
        .to.be.revertedWithCustomError(f.market, "ForfaitingOwnOffer")
        .withArgs(f.id, f.platform.ids.bankA);
      await expect(f.market.connect(f.platform.accounts.supplier1).quote(f.id, 1n)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MissingRole",
      );
      await expect(f.market.connect(f.platform.accounts.bankC).quote(f.id, 0n))
        .to.be.revertedWithCustomError(f.market, "InvalidValue")
        .withArgs(encodeBytes32String("price"));
      await expect(f.market.connect(f.platform.accounts.bankB).quote(f.id, 2n))
        .to.be.revertedWithCustomError(f.market, "ForfaitingQuoteExists")
        .withArgs(f.id, f.platform.accounts.bankB.address);
    });

    it("rejects a commitment on an open offer", async () => {
      const f = await networkHelpers.loadFixture(openOfferFixture);
      await expect(f.market.connect(f.platform.accounts.bankB).commitQuote(f.id, h("c")))
        .to.be.revertedWithCustomError(f.market, "ForfaitingWrongQuoteMode")
        .withArgs(f.id, false);
    });

    it("lets a bidder withdraw its quote before acceptance and quote again", async () => {
      const f = await networkHelpers.loadFixture(quotedFixture);
      const b = f.market.connect(f.platform.accounts.bankB);
      await expect(b.withdrawQuote(f.id))
        .to.emit(f.market, "QuoteWithdrawn")
        .withArgs(f.id, f.platform.accounts.bankB.address);
      await expect(
        f.market
          .connect(f.platform.accounts.bankA)
          .acceptQuote(f.id, f.platform.accounts.bankB, DEED, NOTICE, ZeroHash),
      )
        .to.be.revertedWithCustomError(f.market, "ForfaitingQuoteNotActive")
        .withArgs(f.id, f.platform.accounts.bankB.address, QState.Withdrawn);
      await expect(b.withdrawQuote(f.id))
        .to.be.revertedWithCustomError(f.market, "ForfaitingQuoteNotActive")
        .withArgs(f.id, f.platform.accounts.bankB.address, QState.Withdrawn);
      await expect(b.quote(f.id, 9_600_000n)).to.emit(f.market, "QuoteSubmitted");
    });
  });

  describe("sealed quotes", () => {
    const SALT = h("salt-bankB");

    it("hides prices until the commit deadline, then reveals them", async () => {
      const f = await networkHelpers.loadFixture(sealedOfferFixture);
      const { accounts, ids } = f.platform;
      const c = commitment(f.id, accounts.bankB.address, 9_700_000n, SALT);
      await expect(f.market.connect(accounts.bankB).commitQuote(f.id, c))
        .to.emit(f.market, "QuoteCommitted")
        .withArgs(f.id, accounts.bankB.address, ids.bankB, c);
      expect(await f.market.commitmentOf(f.id, accounts.bankB)).to.equal(c);
      expect((await f.market.quoteOf(f.id, accounts.bankB)).price).to.equal(0n);
      await expect(f.market.connect(accounts.bankB).revealQuote(f.id, 9_700_000n, SALT))
        .to.be.revertedWithCustomError(f.market, "ForfaitingNotRevealTime")
        .withArgs(f.id, f.now + 3n * DAY, f.now + 5n * DAY);
      await networkHelpers.time.increaseTo(f.now + 3n * DAY + 1n);
      await expect(f.market.connect(accounts.bankB).revealQuote(f.id, 9_700_000n, SALT))
        .to.emit(f.market, "QuoteRevealed")
        .withArgs(f.id, accounts.bankB.address, ids.bankB, 9_700_000n);
      expect(await f.market.commitmentOf(f.id, accounts.bankB)).to.equal(ZeroHash);
      expect((await f.market.quoteOf(f.id, accounts.bankB)).price).to.equal(9_700_000n);
    });

    it("rejects a reveal that does not match its commitment", async () => {
      const f = await networkHelpers.loadFixture(sealedOfferFixture);
      const b = f.platform.accounts.bankB;
      await f.market.connect(b).commitQuote(f.id, commitment(f.id, b.address, 9_700_000n, SALT));
      await networkHelpers.time.increaseTo(f.now + 3n * DAY + 1n);
      await expect(f.market.connect(b).revealQuote(f.id, 9_800_000n, SALT))
        .to.be.revertedWithCustomError(f.market, "ForfaitingRevealMismatch")
        .withArgs(f.id, b.address);
    });

    it("rejects a copied commitment revealed by another bank", async () => {
      const f = await networkHelpers.loadFixture(sealedOfferFixture);
      const { bankB, bankC } = f.platform.accounts;
      const c = commitment(f.id, bankB.address, 9_700_000n, SALT);
      await f.market.connect(bankB).commitQuote(f.id, c);
      await f.market.connect(bankC).commitQuote(f.id, c);
      await networkHelpers.time.increaseTo(f.now + 3n * DAY + 1n);
      await expect(f.market.connect(bankC).revealQuote(f.id, 9_700_000n, SALT))
        .to.be.revertedWithCustomError(f.market, "ForfaitingRevealMismatch")
        .withArgs(f.id, bankC.address);
    });

    it("rejects a commitment after the deadline, a second one, an empty one, and a visible quote", async () => {
      const f = await networkHelpers.loadFixture(sealedOfferFixture);
      const b = f.market.connect(f.platform.accounts.bankB);
      await expect(b.quote(f.id, 1n))
        .to.be.revertedWithCustomError(f.market, "ForfaitingWrongQuoteMode")
        .withArgs(f.id, true);
      await expect(b.commitQuote(f.id, ZeroHash))
        .to.be.revertedWithCustomError(f.market, "InvalidValue")
        .withArgs(encodeBytes32String("commitment"));
      await b.commitQuote(f.id, h("c1"));
      await expect(b.commitQuote(f.id, h("c2"))).to.be.revertedWithCustomError(f.market, "ForfaitingQuoteExists");
      await networkHelpers.time.increaseTo(f.now + 3n * DAY + 1n);
      await expect(f.market.connect(f.platform.accounts.bankC).commitQuote(f.id, h("c3")))
        .to.be.revertedWithCustomError(f.market, "ForfaitingQuotingClosed")
        .withArgs(f.id, f.now + 3n * DAY);
    });

    it("rejects a reveal after the reveal deadline, without commitment, or of a zero price", async () => {
      const f = await networkHelpers.loadFixture(sealedOfferFixture);
      const { bankB, bankC } = f.platform.accounts;
      await f.market.connect(bankB).commitQuote(f.id, commitment(f.id, bankB.address, 0n, SALT));
      await networkHelpers.time.increaseTo(f.now + 3n * DAY + 1n);
      await expect(f.market.connect(bankC).revealQuote(f.id, 1n, SALT))
        .to.be.revertedWithCustomError(f.market, "ForfaitingNoCommitment")
        .withArgs(f.id, bankC.address);
      await expect(f.market.connect(bankB).revealQuote(f.id, 0n, SALT))
        .to.be.revertedWithCustomError(f.market, "InvalidValue")
        .withArgs(encodeBytes32String("price"));
      await networkHelpers.time.increaseTo(f.now + 5n * DAY + 1n);
      await expect(f.market.connect(bankB).revealQuote(f.id, 0n, SALT)).to.be.revertedWithCustomError(
        f.market,
        "ForfaitingNotRevealTime",
      );
    });

    it("rejects a reveal on an open offer", async () => {
      const f = await networkHelpers.loadFixture(openOfferFixture);
      await expect(f.market.connect(f.platform.accounts.bankB).revealQuote(f.id, 1n, SALT))
        .to.be.revertedWithCustomError(f.market, "ForfaitingWrongQuoteMode")
        .withArgs(f.id, false);
    });

    it("lets a bidder withdraw its commitment", async () => {
      const f = await networkHelpers.loadFixture(sealedOfferFixture);
      const b = f.platform.accounts.bankB;
      await f.market.connect(b).commitQuote(f.id, h("c"));
      await expect(f.market.connect(b).withdrawQuote(f.id))
        .to.emit(f.market, "QuoteWithdrawn")
        .withArgs(f.id, b.address);
      expect(await f.market.commitmentOf(f.id, b)).to.equal(ZeroHash);
    });

    it("accepts a revealed quote only after the reveal deadline", async () => {
      const f = await networkHelpers.loadFixture(sealedOfferFixture);
      const { bankA, bankB } = f.platform.accounts;
      await f.market.connect(bankB).commitQuote(f.id, commitment(f.id, bankB.address, 9_700_000n, SALT));
      await networkHelpers.time.increaseTo(f.now + 3n * DAY + 1n);
      await f.market.connect(bankB).revealQuote(f.id, 9_700_000n, SALT);
      await expect(f.market.connect(bankA).acceptQuote(f.id, bankB, DEED, NOTICE, ZeroHash))
        .to.be.revertedWithCustomError(f.market, "ForfaitingRevealNotOver")
        .withArgs(f.id, f.now + 5n * DAY);
      await networkHelpers.time.increaseTo(f.now + 5n * DAY + 1n);
      await expect(f.market.connect(bankA).acceptQuote(f.id, bankB, DEED, NOTICE, ZeroHash)).to.emit(
        f.market,
        "ClaimTraded",
      );
      expect((await f.claims.claimInfo(1n)).holder).to.equal(bankB.address);
    });
  });

  describe("trade", () => {
    it("moves the claim and the price in one transaction", async () => {
      const f = await networkHelpers.loadFixture(quotedFixture);
      const { accounts, ids, token } = f.platform;
      const tx = f.market.connect(accounts.bankA).acceptQuote(f.id, accounts.bankB, DEED, NOTICE, ZeroHash);
      await expect(tx)
        .to.emit(f.market, "ClaimTraded")
        .withArgs(f.id, ids.bankA, ids.bankB, [
          await f.claims.getAddress(),
          1n,
          FACE,
          f.maturity,
          accounts.bankA.address,
          accounts.bankB.address,
          9_650_000n,
          DEED,
          NOTICE,
          ZeroHash,
        ]);
      await expect(tx)
        .to.emit(f.claims, "ClaimTransferred")
        .withArgs(1n, accounts.bankA.address, accounts.bankB.address);
      await expect(tx).to.changeTokenBalances(
        ethers,
        token,
        [accounts.bankB, accounts.bankA],
        [-9_650_000n, 9_650_000n],
      );
      expect((await f.claims.claimInfo(1n)).holder).to.equal(accounts.bankB.address);
      expect((await f.market.offer(f.id)).state).to.equal(OState.Traded);
      expect((await f.market.quoteOf(f.id, accounts.bankB)).state).to.equal(QState.Accepted);
      expect(await f.market.noticeOf(f.id)).to.equal(NOTICE);
    });

    it("settles off chain when the seller records the price as received", async () => {
      const f = await networkHelpers.loadFixture(quotedFixture);
      const { accounts, ids, ledger } = f.platform;
      const reference = h("CNAPS:price");
      await expect(f.market.connect(accounts.bankA).acceptQuote(f.id, accounts.bankB, DEED, NOTICE, reference))
        .to.emit(ledger, "OffChainPaymentRecorded")
        .withArgs(reference, await f.market.getAddress(), ids.bankA, ids.bankB, ids.bankA, 9_650_000n);
      expect((await f.claims.claimInfo(1n)).holder).to.equal(accounts.bankB.address);
    });

    it("rejects a second acceptance", async () => {
      const f = await networkHelpers.loadFixture(tradedFixture);
      await expect(
        f.market
          .connect(f.platform.accounts.bankA)
          .acceptQuote(f.id, f.platform.accounts.bankB, DEED, NOTICE, ZeroHash),
      )
        .to.be.revertedWithCustomError(f.market, "ForfaitingWrongState")
        .withArgs(f.id, OState.Traded, OState.Open);
    });

    it("rejects the sale of a claim the seller no longer holds", async () => {
      const f = await networkHelpers.loadFixture(quotedFixture);
      const { bankA, bankB, bankC } = f.platform.accounts;
      await f.claims.connect(bankA).transferClaim(1n, bankC); // sold elsewhere after announcing
      await expect(f.market.connect(bankA).acceptQuote(f.id, bankB, DEED, NOTICE, ZeroHash))
        .to.be.revertedWithCustomError(f.market, "ForfaitingSellerNotHolder")
        .withArgs(await f.claims.getAddress(), 1n, bankC.address, bankA.address);
    });

    it("fails whole when the seller did not approve the market: no price moves without the claim", async () => {
      const f = await networkHelpers.loadFixture(quotedFixture);
      const { bankA, bankB } = f.platform.accounts;
      await f.claims.connect(bankA).approveClaim(1n, ethers.ZeroAddress);
      const before = await f.platform.token.balanceOf(bankB);
      await expect(
        f.market.connect(bankA).acceptQuote(f.id, bankB, DEED, NOTICE, ZeroHash),
      ).to.be.revertedWithCustomError(f.claims, "ClaimNotAllowed");
      expect(await f.platform.token.balanceOf(bankB)).to.equal(before);
    });

    it("fails whole when the buyer cannot pay: the claim does not move", async () => {
      const f = await networkHelpers.loadFixture(quotedFixture);
      const { bankA, bankB } = f.platform.accounts;
      await f.platform.token.connect(bankB).approve(f.market, 0n);
      await expect(
        f.market.connect(bankA).acceptQuote(f.id, bankB, DEED, NOTICE, ZeroHash),
      ).to.be.revertedWithCustomError(f.platform.token, "ERC20InsufficientAllowance");
      expect((await f.claims.claimInfo(1n)).holder).to.equal(bankA.address);
    });

    it("lets only the seller accept, with deed and notice hashes, a quote that exists", async () => {
      const f = await networkHelpers.loadFixture(quotedFixture);
      const { bankA, bankB, bankC } = f.platform.accounts;
      await expect(f.market.connect(bankC).acceptQuote(f.id, bankB, DEED, NOTICE, ZeroHash))
        .to.be.revertedWithCustomError(f.market, "ForfaitingWrongParty")
        .withArgs(f.id, f.platform.ids.bankC, f.platform.ids.bankA);
      await expect(f.market.connect(bankA).acceptQuote(f.id, bankB, ZeroHash, NOTICE, ZeroHash))
        .to.be.revertedWithCustomError(f.market, "InvalidValue")
        .withArgs(encodeBytes32String("deedHash"));
      await expect(f.market.connect(bankA).acceptQuote(f.id, bankB, DEED, ZeroHash, ZeroHash))
        .to.be.revertedWithCustomError(f.market, "InvalidValue")
        .withArgs(encodeBytes32String("noticeHash"));
      await expect(f.market.connect(bankA).acceptQuote(f.id, bankC, DEED, NOTICE, ZeroHash))
        .to.be.revertedWithCustomError(f.market, "ForfaitingQuoteNotActive")
        .withArgs(f.id, bankC.address, QState.None);
    });

    it("rejects a trade with a buyer whose bank was suspended", async () => {
      const f = await networkHelpers.loadFixture(quotedFixture);
      const { registry, accounts, ids } = f.platform;
      await passProposal(f.platform, registry, registry.interface.encodeFunctionData("suspendMember", [ids.bankB]));
      await expect(f.market.connect(accounts.bankA).acceptQuote(f.id, accounts.bankB, DEED, NOTICE, ZeroHash))
        .to.be.revertedWithCustomError(registry, "MemberNotActive")
        .withArgs(ids.bankB, 2);
    });

    it("rejects every step while paused", async () => {
      const f = await networkHelpers.loadFixture(quotedFixture);
      await passProposal(f.platform, f.market, f.market.interface.encodeFunctionData("pause"));
      await expect(
        f.market
          .connect(f.platform.accounts.bankA)
          .acceptQuote(f.id, f.platform.accounts.bankB, DEED, NOTICE, ZeroHash),
      ).to.be.revertedWithCustomError(f.market, "EnforcedPause");
      await expect(f.market.connect(f.platform.accounts.bankC).quote(f.id, 1n)).to.be.revertedWithCustomError(
        f.market,
        "EnforcedPause",
      );
    });
  });

  describe("notice and maturity", () => {
    it("lets the obligor acknowledge the notice the trade delivered", async () => {
      const f = await networkHelpers.loadFixture(tradedFixture);
      const { accounts, ids } = f.platform;
      await expect(f.market.connect(accounts.bankB).acknowledgeNotice(f.id, NOTICE))
        .to.be.revertedWithCustomError(f.market, "ForfaitingWrongParty")
        .withArgs(f.id, ids.bankB, ids.bankC);
      await expect(f.market.connect(accounts.bankC).acknowledgeNotice(f.id, h("other notice")))
        .to.be.revertedWithCustomError(f.market, "ForfaitingNoticeMismatch")
        .withArgs(f.id, NOTICE, h("other notice"));
      await expect(f.market.connect(accounts.bankC).acknowledgeNotice(f.id, NOTICE))
        .to.emit(f.market, "NoticeAcknowledged")
        .withArgs(f.id, ids.bankC, accounts.bankC.address, await f.claims.getAddress(), 1n, FACE, NOTICE);
      expect((await f.market.offer(f.id)).state).to.equal(OState.NoticeAcknowledged);
      await expect(f.market.connect(accounts.bankC).acknowledgeNotice(f.id, NOTICE))
        .to.be.revertedWithCustomError(f.market, "ForfaitingWrongState")
        .withArgs(f.id, OState.NoticeAcknowledged, OState.Traded);
    });

    it("rejects acknowledging an offer not traded", async () => {
      const f = await networkHelpers.loadFixture(quotedFixture);
      await expect(f.market.connect(f.platform.accounts.bankC).acknowledgeNotice(f.id, NOTICE))
        .to.be.revertedWithCustomError(f.market, "ForfaitingWrongState")
        .withArgs(f.id, OState.Open, OState.Traded);
    });

    it("pays the current holder at maturity, and no one else", async () => {
      const f = await networkHelpers.loadFixture(tradedFixture);
      const { accounts, token } = f.platform;
      await f.market.connect(accounts.bankC).acknowledgeNotice(f.id, NOTICE);
      await expect(f.claims.connect(accounts.bankC).payAtMaturity(1n, accounts.bankB)).to.be.revertedWithCustomError(
        f.claims,
        "ClaimNotMature",
      );
      await networkHelpers.time.increaseTo(f.maturity);
      await expect(f.claims.connect(accounts.bankC).payAtMaturity(1n, accounts.bankA))
        .to.be.revertedWithCustomError(f.claims, "ClaimPayeeNotHolder")
        .withArgs(1n, accounts.bankA.address, accounts.bankB.address);
      const tx = f.claims.connect(accounts.bankC).payAtMaturity(1n, accounts.bankB);
      await expect(tx).to.changeTokenBalances(ethers, token, [accounts.bankC, accounts.bankB], [-FACE, FACE]);
      expect((await f.claims.claimInfo(1n)).settled).to.equal(true);
    });

    it("resells the claim on the secondary market the same way", async () => {
      const f = await networkHelpers.loadFixture(tradedFixture);
      const { accounts, ids } = f.platform;
      await f.claims.connect(accounts.bankB).approveClaim(1n, f.market);
      const now = BigInt(await networkHelpers.time.latest());
      await expect(f.market.connect(accounts.bankB).announce(announcement({ ...f, now }, { askingPrice: 9_800_000n })))
        .to.emit(f.market, "OfferAnnounced")
        .withArgs(2n, ids.bankB, ids.bankC, accounts.bankB.address, FACE, f.maturity, anyValue);
      // The first seller can no longer announce it.
      await expect(
        f.market.connect(accounts.bankA).announce(announcement({ ...f, now })),
      ).to.be.revertedWithCustomError(f.market, "ForfaitingSellerNotHolder");
      await f.market.connect(accounts.bankA).quote(2n, 9_800_000n);
      await f.market.connect(accounts.bankB).acceptQuote(2n, accounts.bankA, h("deed 2"), h("notice 2"), ZeroHash);
      expect((await f.claims.claimInfo(1n)).holder).to.equal(await addr(accounts.bankA));
      await f.market.connect(accounts.bankC).acknowledgeNotice(2n, h("notice 2"));
      await networkHelpers.time.increaseTo(f.maturity);
      await expect(f.claims.connect(accounts.bankC).payAtMaturity(1n, accounts.bankA)).to.emit(f.claims, "ClaimPaid");
    });

    it("rejects announcing a settled claim", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const { accounts } = f.platform;
      await networkHelpers.time.increaseTo(f.maturity);
      await f.claims.connect(accounts.bankC).payAtMaturity(1n, accounts.bankA);
      const now = BigInt(await networkHelpers.time.latest());
      await expect(f.market.connect(accounts.bankA).announce(announcement({ ...f, now })))
        .to.be.revertedWithCustomError(f.market, "ForfaitingClaimClosed")
        .withArgs(await f.claims.getAddress(), 1n, f.maturity);
    });
  });

  describe("ClaimMock (the test claim contract)", () => {
    it("refuses a zero amount or a past maturity", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const c = f.claims.connect(f.platform.accounts.bankC);
      await expect(c.create(f.platform.accounts.bankA, f.maturity, 0n))
        .to.be.revertedWithCustomError(f.claims, "ClaimInvalid")
        .withArgs(encodeBytes32String("amount"));
      await expect(c.create(f.platform.accounts.bankA, f.now, 1n))
        .to.be.revertedWithCustomError(f.claims, "ClaimInvalid")
        .withArgs(encodeBytes32String("maturity"));
    });

    it("lets only the holder approve and only holder or operator transfer, never after maturity", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const { bankA, bankB } = f.platform.accounts;
      await expect(f.claims.connect(bankB).approveClaim(1n, bankB))
        .to.be.revertedWithCustomError(f.claims, "ClaimNotAllowed")
        .withArgs(1n, bankB.address);
      await expect(f.claims.connect(bankB).transferClaim(1n, bankB)).to.be.revertedWithCustomError(
        f.claims,
        "ClaimNotAllowed",
      );
      await expect(f.claims.claimInfo(9n)).to.be.revertedWithCustomError(f.claims, "ClaimUnknown").withArgs(9n);
      await networkHelpers.time.increaseTo(f.maturity);
      await expect(f.claims.connect(bankA).transferClaim(1n, bankB)).to.be.revertedWithCustomError(
        f.claims,
        "ClaimClosed",
      );
    });

    it("is paid once, by the obligor only", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const { bankA, bankB, bankC } = f.platform.accounts;
      await networkHelpers.time.increaseTo(f.maturity);
      await expect(f.claims.connect(bankB).payAtMaturity(1n, bankA))
        .to.be.revertedWithCustomError(f.claims, "ClaimNotObligor")
        .withArgs(1n, f.platform.ids.bankB, f.platform.ids.bankC);
      await f.claims.connect(bankC).payAtMaturity(1n, bankA);
      await expect(f.claims.connect(bankC).payAtMaturity(1n, bankA)).to.be.revertedWithCustomError(
        f.claims,
        "ClaimClosed",
      );
    });
  });
});

/**
 * Issue 21: a sealed quote the seller does not take is never revealed on chain. The bidder sends its price and salt to
 * the seller alone (an envelope, off chain); the seller accepts by opening the commitment, which the market checks.
 */
describe("ForfaitingMarket: acceptance of a sealed quote by opening its commitment", () => {
  const SALT_B = h("salt-bankB");
  const SALT_C = h("salt-bankC");
  const PRICE_B = 9_700_000n;
  const PRICE_C = 9_650_000n;

  async function committedFixture() {
    const f = await sealedOfferFixture();
    const { bankB, bankC } = f.platform.accounts;
    await f.market.connect(bankB).commitQuote(f.id, commitment(f.id, bankB.address, PRICE_B, SALT_B));
    await f.market.connect(bankC).commitQuote(f.id, commitment(f.id, bankC.address, PRICE_C, SALT_C));
    await networkHelpers.time.increaseTo(f.now + 3n * DAY + 1n);
    return f;
  }

  it("trades at the opened price; the other quote stays a commitment, its price nowhere on chain", async () => {
    const f = await networkHelpers.loadFixture(committedFixture);
    const { accounts, ids, token } = f.platform;
    const { bankA, bankB, bankC } = accounts;
    const before = await token.balanceOf(bankA);
    const tx = f.market.connect(bankA).acceptSealedQuote(f.id, bankB, PRICE_B, SALT_B, DEED, NOTICE, ZeroHash);
    await expect(tx)
      .to.emit(f.market, "ClaimTraded")
      .withArgs(f.id, ids.bankA, ids.bankB, anyValue)
      .and.not.to.emit(f.market, "QuoteRevealed");
    expect(await token.balanceOf(bankA)).to.equal(before + PRICE_B);
    expect((await f.claims.claimInfo(1n)).holder).to.equal(bankB.address);
    const q = await f.market.quoteOf(f.id, bankB);
    expect([q.price, q.bidderMember, q.state]).to.deep.equal([PRICE_B, BigInt(ids.bankB), BigInt(QState.Accepted)]);
    expect(await f.market.commitmentOf(f.id, bankB)).to.equal(ZeroHash);
    // The losing quote: still only its commitment, and its price in no log, calldata or storage of the offer's life.
    expect((await f.market.quoteOf(f.id, bankC)).state).to.equal(BigInt(QState.None));
    expect(await f.market.commitmentOf(f.id, bankC)).to.not.equal(ZeroHash);
    const hidden = PRICE_C.toString(16).padStart(32, "0");
    const blocks = await ethers.provider.getBlockNumber();
    for (let n = 0; n <= blocks; n++) {
      const block = await ethers.provider.getBlock(n, true);
      for (const t of block!.prefetchedTransactions) expect(t.data.toLowerCase()).to.not.include(hidden);
    }
    const logs = await ethers.provider.getLogs({ fromBlock: 0, toBlock: blocks });
    for (const log of logs) expect(log.data.toLowerCase()).to.not.include(hidden);
    // Market storage: the quote slot of bankC (mapping offerId => bidder => Quote) is empty.
    const base = BigInt("0xee1907c4c25f0ead0b25e1d996a8118e2186e978708913f8d60786394f5f9b00") + 3n;
    const coder = AbiCoder.defaultAbiCoder();
    const inner = keccak256(coder.encode(["uint256", "uint256"], [f.id, base]));
    const slot = keccak256(coder.encode(["address", "bytes32"], [bankC.address, inner]));
    expect(await ethers.provider.getStorage(f.market, slot)).to.equal(ZeroHash);
  });

  it("rejects an opening at another price or with another salt", async () => {
    const f = await networkHelpers.loadFixture(committedFixture);
    const { bankA, bankB } = f.platform.accounts;
    const seller = f.market.connect(bankA);
    for (const [price, salt] of [
      [PRICE_B + 1n, SALT_B],
      [PRICE_B - 1n, SALT_B],
      [PRICE_B, SALT_C],
    ] as const) {
      await expect(seller.acceptSealedQuote(f.id, bankB, price, salt, DEED, NOTICE, ZeroHash))
        .to.be.revertedWithCustomError(f.market, "ForfaitingRevealMismatch")
        .withArgs(f.id, bankB.address);
    }
  });

  it("rejects an opening of a copied commitment under the copier's account", async () => {
    const f = await networkHelpers.loadFixture(sealedOfferFixture);
    const { bankA, bankB, bankC } = f.platform.accounts;
    const c = commitment(f.id, bankB.address, PRICE_B, SALT_B);
    await f.market.connect(bankB).commitQuote(f.id, c);
    await f.market.connect(bankC).commitQuote(f.id, c);
    await networkHelpers.time.increaseTo(f.now + 3n * DAY + 1n);
    await expect(f.market.connect(bankA).acceptSealedQuote(f.id, bankC, PRICE_B, SALT_B, DEED, NOTICE, ZeroHash))
      .to.be.revertedWithCustomError(f.market, "ForfaitingRevealMismatch")
      .withArgs(f.id, bankC.address);
  });

  it("lets only the seller open, and only within the reveal period of a sealed offer", async () => {
    const f = await networkHelpers.loadFixture(sealedOfferFixture);
    const { bankA, bankB, bankC } = f.platform.accounts;
    const { ids } = f.platform;
    await f.market.connect(bankB).commitQuote(f.id, commitment(f.id, bankB.address, PRICE_B, SALT_B));
    const open = (signer: typeof bankA) =>
      f.market.connect(signer).acceptSealedQuote(f.id, bankB, PRICE_B, SALT_B, DEED, NOTICE, ZeroHash);
    // Before the commit deadline: bidders are still committing.
    await expect(open(bankA))
      .to.be.revertedWithCustomError(f.market, "ForfaitingNotRevealTime")
      .withArgs(f.id, f.now + 3n * DAY, f.now + 5n * DAY);
    await networkHelpers.time.increaseTo(f.now + 3n * DAY + 1n);
    await expect(open(bankC))
      .to.be.revertedWithCustomError(f.market, "ForfaitingWrongParty")
      .withArgs(f.id, ids.bankC, ids.bankA);
    await expect(open(bankB))
      .to.be.revertedWithCustomError(f.market, "ForfaitingWrongParty")
      .withArgs(f.id, ids.bankB, ids.bankA);
    await expect(
      f.market.connect(bankA).acceptSealedQuote(f.id, bankB, PRICE_B, SALT_B, ZeroHash, NOTICE, ZeroHash),
    ).to.be.revertedWithCustomError(f.market, "InvalidValue");
    // After the reveal deadline the bidder is no longer bound to its sealed price.
    await networkHelpers.time.increaseTo(f.now + 5n * DAY + 1n);
    await expect(open(bankA))
      .to.be.revertedWithCustomError(f.market, "ForfaitingNotRevealTime")
      .withArgs(f.id, f.now + 3n * DAY, f.now + 5n * DAY);
  });

  it("rejects an opening on an open offer, of a zero price, or of no commitment", async () => {
    const open = await networkHelpers.loadFixture(quotedFixture);
    await expect(
      open.market
        .connect(open.platform.accounts.bankA)
        .acceptSealedQuote(open.id, open.platform.accounts.bankB, 9_650_000n, SALT_B, DEED, NOTICE, ZeroHash),
    )
      .to.be.revertedWithCustomError(open.market, "ForfaitingWrongQuoteMode")
      .withArgs(open.id, false);
    const f = await networkHelpers.loadFixture(sealedOfferFixture);
    const { bankA, bankB, bankC } = f.platform.accounts;
    await f.market.connect(bankB).commitQuote(f.id, commitment(f.id, bankB.address, 0n, SALT_B));
    await networkHelpers.time.increaseTo(f.now + 3n * DAY + 1n);
    await expect(f.market.connect(bankA).acceptSealedQuote(f.id, bankB, 0n, SALT_B, DEED, NOTICE, ZeroHash))
      .to.be.revertedWithCustomError(f.market, "InvalidValue")
      .withArgs(encodeBytes32String("price"));
    await expect(f.market.connect(bankA).acceptSealedQuote(f.id, bankC, PRICE_C, SALT_C, DEED, NOTICE, ZeroHash))
      .to.be.revertedWithCustomError(f.market, "ForfaitingNoCommitment")
      .withArgs(f.id, bankC.address);
  });

  it("rejects an opening of a withdrawn commitment, and a second acceptance", async () => {
    const f = await networkHelpers.loadFixture(committedFixture);
    const { bankA, bankB, bankC } = f.platform.accounts;
    await f.market.connect(bankC).withdrawQuote(f.id);
    await expect(f.market.connect(bankA).acceptSealedQuote(f.id, bankC, PRICE_C, SALT_C, DEED, NOTICE, ZeroHash))
      .to.be.revertedWithCustomError(f.market, "ForfaitingNoCommitment")
      .withArgs(f.id, bankC.address);
    await f.market.connect(bankA).acceptSealedQuote(f.id, bankB, PRICE_B, SALT_B, DEED, NOTICE, ZeroHash);
    await expect(f.market.connect(bankA).acceptSealedQuote(f.id, bankB, PRICE_B, SALT_B, DEED, NOTICE, ZeroHash))
      .to.be.revertedWithCustomError(f.market, "ForfaitingWrongState")
      .withArgs(f.id, OState.Traded, OState.Open);
  });

  it("checks the bidder's standing at acceptance: forfaiter role lost, bank suspended", async () => {
    const f = await networkHelpers.loadFixture(committedFixture);
    const { registry, accounts, ids } = f.platform;
    const { bankA, bankB } = accounts;
    const open = () => f.market.connect(bankA).acceptSealedQuote(f.id, bankB, PRICE_B, SALT_B, DEED, NOTICE, ZeroHash);
    const roles = (await registry.member(ids.bankB)).roles;
    await passProposal(
      f.platform,
      registry,
      registry.interface.encodeFunctionData("setRoles", [ids.bankB, roles & ~(1n << 16n)]),
    );
    await expect(open()).to.be.revertedWithCustomError(registry, "MissingRole");
    await passProposal(f.platform, registry, registry.interface.encodeFunctionData("setRoles", [ids.bankB, roles]));
    await passProposal(f.platform, registry, registry.interface.encodeFunctionData("suspendMember", [ids.bankB]));
    await expect(open()).to.be.revertedWithCustomError(registry, "MemberNotActive").withArgs(ids.bankB, 2);
  });

  it("fails whole when the bidder cannot pay the opened price: nothing moves", async () => {
    const f = await networkHelpers.loadFixture(committedFixture);
    const { token, accounts } = f.platform;
    const { bankA, bankB } = accounts;
    await token.connect(bankB).approve(f.market, 0n);
    await expect(
      f.market.connect(bankA).acceptSealedQuote(f.id, bankB, PRICE_B, SALT_B, DEED, NOTICE, ZeroHash),
    ).to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance");
    expect((await f.claims.claimInfo(1n)).holder).to.equal(bankA.address);
    expect(await f.market.commitmentOf(f.id, bankB)).to.not.equal(ZeroHash);
    expect((await f.market.offer(f.id)).state).to.equal(BigInt(OState.Open));
  });

  it("is refused while paused", async () => {
    const f = await networkHelpers.loadFixture(committedFixture);
    await passProposal(f.platform, f.market, f.market.interface.encodeFunctionData("pause"));
    await expect(
      f.market
        .connect(f.platform.accounts.bankA)
        .acceptSealedQuote(f.id, f.platform.accounts.bankB, PRICE_B, SALT_B, DEED, NOTICE, ZeroHash),
    ).to.be.revertedWithCustomError(f.market, "EnforcedPause");
  });
});
