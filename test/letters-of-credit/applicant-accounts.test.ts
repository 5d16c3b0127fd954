import { expect } from "chai";
import { AbiCoder, Interface, keccak256, type FunctionFragment } from "ethers";
import { network } from "hardhat";
import { passProposal } from "../helpers/consortium.js";
import {
  DAY,
  Kind,
  LcState,
  ObligationStatus,
  USD,
  code,
  deployLettersOfCredit,
  documents,
  hash,
  type LcFixture,
} from "./fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

/** LcApplicantAccounts.ReleaseState */
const Release = { None: 0, Held: 1, ReleasedOnTrustReceipt: 2, Settled: 3 } as const;
/** 20 % margin of a 100,000 LC without plus tolerance (the tests below but those of tolerance apply for one). */
const SHARE = 2_000;
const MARGIN = 20_000n;
/** LcApplicantAccounts.MARGIN_EXPOSED_RECLAIM_GRACE */
const EXPOSED_GRACE = 365n * DAY;
const LC_BANK = 1n << 12n;
const DOCS = documents(Kind.INVOICE, Kind.TRANSPORT_DOCUMENT, Kind.INSURANCE);
const DOCS_HASH = keccak256(
  AbiCoder.defaultAbiCoder().encode(
    ["tuple(bytes32 contentHash, bytes32 uriHash, uint16 kind)[]"],
    [DOCS.map((d) => [d.contentHash, d.uriHash, d.kind])],
  ),
);

describe("LcApplicantAccounts: margin and release of documents", () => {
  const fixture = async () => {
    const f = await deployLettersOfCredit(connection);
    const { platform } = f;
    await platform.token.connect(platform.accounts.bankA).mint(platform.accounts.core, 1_000_000n);
    await platform.token.connect(platform.accounts.core).approve(f.applicantAccounts, ethers.MaxUint256);
    return f;
  };
  let f: LcFixture;
  beforeEach(async () => {
    f = await networkHelpers.loadFixture(fixture);
  });
  const acc = () => f.platform.accounts;
  const ids = () => f.platform.ids;
  const margin = (name: keyof LcFixture["platform"]["accounts"]) => f.applicantAccounts.connect(acc()[name]);
  const lcAs = (name: keyof LcFixture["platform"]["accounts"]) => f.lc.connect(acc()[name]);
  const balance = (name: keyof LcFixture["platform"]["accounts"]) => f.platform.token.balanceOf(acc()[name]);
  const govern = (fn: "suspendMember" | "reinstateMember" | "blacklistAccount", arg: number | string) =>
    passProposal(
      f.platform,
      f.platform.registry,
      new Interface([`function ${fn}(${typeof arg === "number" ? "uint32" : "address"})`]).encodeFunctionData(fn, [
        arg,
      ]),
    );

  /** core applies to bankA (no plus tolerance unless overridden); returns the application's id. */
  async function application(overrides = {}): Promise<bigint> {
    const core = lcAs("core");
    const terms = f.terms({ tolerancePlus: 0, ...overrides });
    const id = await core.submitApplication.staticCall(acc().bankA, terms);
    await core.submitApplication(acc().bankA, terms);
    return id;
  }

  /** An application with the margin set and locked, then approved, advised and acknowledged. */
  async function securedLc(overrides = {}): Promise<bigint> {
    const id = await application(overrides);
    await margin("bankA").setMarginShare(id, SHARE);
    await margin("core").lockMargin(id, MARGIN);
    await lcAs("bankA").approveApplication(id);
    await lcAs("bankB").advise(id);
    await lcAs("supplier1").acknowledge(id);
    return id;
  }

  /** supplier1 presents `amount`; bankA finds it compliant and pays it in tokens. */
  async function paidPresentation(lcId: bigint, amount: bigint): Promise<bigint> {
    const pid = await lcAs("supplier1").present.staticCall(lcId, amount, DOCS);
    await lcAs("supplier1").present(lcId, amount, DOCS);
    await lcAs("bankA").examine(pid, []);
    await lcAs("bankA").pay(pid, ethers.ZeroHash);
    return pid;
  }

  describe("margin: set and lock", () => {
    it("the issuing bank sets the share; the applicant locks exactly that share into escrow", async () => {
      const id = await application();
      await expect(margin("bankA").setMarginShare(id, SHARE))
        .to.emit(f.applicantAccounts, "MarginShareSet")
        .withArgs(id, ids().bankA, SHARE, MARGIN);
      expect(await f.applicantAccounts.marginDue(id)).to.deep.equal([MARGIN, MARGIN]);
      const before = await balance("core");
      await expect(margin("core").lockMargin(id, MARGIN))
        .to.emit(f.applicantAccounts, "MarginLocked")
        .withArgs(id, ids().core, acc().core.address, MARGIN, MARGIN, true);
      expect(await balance("core")).to.equal(before - MARGIN);
      expect(await f.platform.token.balanceOf(f.applicantAccounts)).to.equal(MARGIN);
      expect(await f.applicantAccounts.marginDue(id)).to.deep.equal([MARGIN, 0n]);
      const account = await f.applicantAccounts.marginAccount(id);
      expect(account.shareBps).to.equal(SHARE);
      expect(account.locked).to.equal(MARGIN);
    });

    it("rounds the share up to the minor unit", async () => {
      const id = await application({ amount: 100_001n });
      await margin("bankA").setMarginShare(id, 1);
      expect(await f.applicantAccounts.marginDue(id)).to.deep.equal([11n, 11n]);
    });

    it("refuses a share set by anyone but the issuing bank, and a lock by anyone but the applicant", async () => {
      const id = await application();
      await expect(margin("bankB").setMarginShare(id, SHARE))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginWrongParty")
        .withArgs(id, ids().bankB, ids().bankA);
      await expect(margin("core").setMarginShare(id, SHARE))
        .to.be.revertedWithCustomError(f.platform.registry, "MissingRole")
        .withArgs(ids().core, LC_BANK);
      await margin("bankA").setMarginShare(id, SHARE);
      await expect(margin("supplier1").lockMargin(id, MARGIN))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginWrongParty")
        .withArgs(id, ids().supplier1, ids().core);
      await expect(margin("bankA").lockMargin(id, MARGIN)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MissingRole",
      );
    });

    it("refuses shares of zero or above 100 %, LCs outside the settlement currency, unknown LCs", async () => {
      const id = await application();
      for (const bps of [0, 10_001]) {
        await expect(margin("bankA").setMarginShare(id, bps))
          .to.be.revertedWithCustomError(f.applicantAccounts, "InvalidValue")
          .withArgs(ethers.encodeBytes32String("shareBps"));
      }
      const usd = await application({ currency: USD });
      await expect(margin("bankA").setMarginShare(usd, SHARE))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginCurrencyNotSettleable")
        .withArgs(usd, USD);
      await expect(margin("bankA").setMarginShare(99n, SHARE))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditUnknown")
        .withArgs(99n);
    });

    it("refuses a lock when the bank changed the share after the applicant agreed to the amount", async () => {
      const id = await application();
      await margin("bankA").setMarginShare(id, SHARE);
      await margin("bankA").setMarginShare(id, 5_000);
      await expect(margin("core").lockMargin(id, MARGIN))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginAmountChanged")
        .withArgs(id, MARGIN, 50_000n);
    });

    it("fixes the share once margin is locked", async () => {
      const id = await application();
      await margin("bankA").setMarginShare(id, SHARE);
      await margin("core").lockMargin(id, MARGIN);
      await expect(margin("bankA").setMarginShare(id, 5_000))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginAlreadyLocked")
        .withArgs(id, MARGIN);
    });

    it("refuses a lock with no share set, with nothing more due, and the same lock twice", async () => {
      const id = await application();
      await expect(margin("core").lockMargin(id, 0n))
        .to.be.revertedWithCustomError(f.applicantAccounts, "NoMarginDue")
        .withArgs(id);
      await margin("bankA").setMarginShare(id, SHARE);
      await margin("core").lockMargin(id, MARGIN);
      await expect(margin("core").lockMargin(id, MARGIN))
        .to.be.revertedWithCustomError(f.applicantAccounts, "NoMarginDue")
        .withArgs(id);
    });

    it("shows a bank that issued before the margin was locked: the shortfall, then a lock marked after issue", async () => {
      const id = await application();
      await margin("bankA").setMarginShare(id, SHARE);
      await lcAs("bankA").approveApplication(id);
      expect(await f.applicantAccounts.marginDue(id)).to.deep.equal([MARGIN, MARGIN]);
      await expect(margin("core").lockMargin(id, MARGIN))
        .to.emit(f.applicantAccounts, "MarginLocked")
        .withArgs(id, ids().core, acc().core.address, MARGIN, MARGIN, false);
    });

    it("asks for the share of an amendment's increase, not of the old amount again", async () => {
      const id = await securedLc();
      const amendment = {
        amount: 150_000n,
        expiry: f.now + 120n * DAY,
        latestShipment: f.now + 90n * DAY,
        termsHash: hash("full terms v2"),
      };
      await lcAs("bankA").proposeAmendment(id, amendment);
      await lcAs("supplier1").acceptAmendment(id, amendment);
      expect(await f.applicantAccounts.marginDue(id)).to.deep.equal([30_000n, 10_000n]);
      // the amount agreed before the amendment is not the amount due now
      await expect(margin("core").lockMargin(id, MARGIN))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginAmountChanged")
        .withArgs(id, MARGIN, 10_000n);
      await expect(margin("core").lockMargin(id, 10_000n))
        .to.emit(f.applicantAccounts, "MarginLocked")
        .withArgs(id, ids().core, acc().core.address, 10_000n, 30_000n, false);
    });

    it("refuses a lock by an applicant suspended or blacklisted since the bank set the share", async () => {
      const id = await application();
      await margin("bankA").setMarginShare(id, SHARE);
      await govern("blacklistAccount", acc().core.address);
      await expect(margin("core").lockMargin(id, MARGIN))
        .to.be.revertedWithCustomError(f.platform.registry, "AccountNotActive")
        .withArgs(acc().core.address, 3n);
      const again = await networkHelpers.loadFixture(fixture);
      f = again;
      const second = await application();
      await margin("bankA").setMarginShare(second, SHARE);
      await govern("suspendMember", ids().core);
      await expect(margin("core").lockMargin(second, MARGIN))
        .to.be.revertedWithCustomError(f.platform.registry, "MemberNotActive")
        .withArgs(ids().core, 2n);
    });

    it("refuses a lock on a declined application, after expiry, and while paused", async () => {
      const id = await application();
      await margin("bankA").setMarginShare(id, SHARE);
      await lcAs("bankA").declineApplication(id, hash("no limit"));
      await expect(margin("core").lockMargin(id, MARGIN))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginWrongLcState")
        .withArgs(id, LcState.Declined);
      await expect(margin("bankA").setMarginShare(id, SHARE))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginWrongLcState")
        .withArgs(id, LcState.Declined);

      const late = await application();
      await margin("bankA").setMarginShare(late, SHARE);
      const expiry = (await f.lc.letterOfCredit(late)).expiry;
      await networkHelpers.time.increaseTo(expiry + 1n);
      await expect(margin("core").lockMargin(late, MARGIN))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginLcExpired")
        .withArgs(late, expiry);
    });

    it("does not move tokens a freeze order holds", async () => {
      const id = await application();
      await margin("bankA").setMarginShare(id, SHARE);
      const { freezeOrders, registry, token } = f.platform;
      const [regulator2] = f.platform.outsiders;
      await registry.connect(acc().regulator).addAccount(ids().regulator, regulator2, 2);
      const held = await balance("core");
      const scope = {
        kind: 2,
        asset: token.target,
        claimContract: ethers.ZeroAddress,
        id: BigInt(acc().core.address),
        amount: held,
      };
      const ref = hash("court order");
      const until = BigInt(await networkHelpers.time.latest()) + 30n * DAY;
      const orderId = await freezeOrders.connect(acc().regulator).propose.staticCall(scope, ref, ref, until);
      await freezeOrders.connect(acc().regulator).propose(scope, ref, ref, until);
      await freezeOrders.connect(regulator2).approve(orderId);
      await expect(margin("core").lockMargin(id, MARGIN)).to.be.revertedWithCustomError(token, "AssetFrozen");
      expect(await balance("core")).to.equal(held);
    });

    it("does not take a reimbursement from tokens a freeze order holds", async () => {
      const id = await securedLc();
      const pid = await paidPresentation(id, 50_000n);
      await margin("bankA").holdDocuments(pid, DOCS_HASH);
      const { freezeOrders, registry, token } = f.platform;
      const [regulator2] = f.platform.outsiders;
      await registry.connect(acc().regulator).addAccount(ids().regulator, regulator2, 2);
      const held = await balance("core");
      const scope = {
        kind: 2,
        asset: token.target,
        claimContract: ethers.ZeroAddress,
        id: BigInt(acc().core.address),
        amount: held,
      };
      const ref = hash("court order 2");
      const until = BigInt(await networkHelpers.time.latest()) + 30n * DAY;
      const orderId = await freezeOrders.connect(acc().regulator).propose.staticCall(scope, ref, ref, until);
      await freezeOrders.connect(acc().regulator).propose(scope, ref, ref, until);
      await freezeOrders.connect(regulator2).approve(orderId);
      await expect(margin("core").payForRelease(pid, 30_000n)).to.be.revertedWithCustomError(token, "AssetFrozen");
      expect((await f.applicantAccounts.documentRelease(pid)).state).to.equal(Release.Held);
    });
  });

  describe("margin: release", () => {
    it("cannot be taken back while the LC can still be drawn", async () => {
      const id = await securedLc();
      await expect(margin("core").releaseMargin(id))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginWrongLcState")
        .withArgs(id, LcState.Acknowledged);
    });

    it("goes back to the applicant when the LC expires unused, once, and to nobody else", async () => {
      const id = await securedLc();
      const expiry = (await f.lc.letterOfCredit(id)).expiry;
      await networkHelpers.time.increaseTo(expiry + 1n);
      await lcAs("core").expire(id);
      await expect(margin("bankA").releaseMargin(id)).to.be.revertedWithCustomError(f.platform.registry, "MissingRole");
      await expect(margin("supplier1").releaseMargin(id))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginWrongParty")
        .withArgs(id, ids().supplier1, ids().core);
      const before = await balance("core");
      await expect(margin("core").releaseMargin(id))
        .to.emit(f.applicantAccounts, "MarginReleased")
        .withArgs(id, ids().core, acc().core.address, MARGIN);
      expect(await balance("core")).to.equal(before + MARGIN);
      await expect(margin("core").releaseMargin(id))
        .to.be.revertedWithCustomError(f.applicantAccounts, "NoMarginToRelease")
        .withArgs(id);
    });

    it("goes back when the application is declined", async () => {
      const id = await application();
      await margin("bankA").setMarginShare(id, SHARE);
      await margin("core").lockMargin(id, MARGIN);
      await lcAs("bankA").declineApplication(id, hash("no limit"));
      await expect(margin("core").releaseMargin(id))
        .to.emit(f.applicantAccounts, "MarginReleased")
        .withArgs(id, ids().core, acc().core.address, MARGIN);
    });

    it("goes back when the LC is cancelled, to an applicant still in good standing", async () => {
      const id = await securedLc();
      await lcAs("bankA").requestCancellation(id);
      await lcAs("supplier1").consentToCancellation(id);
      await govern("suspendMember", ids().core);
      await expect(margin("core").releaseMargin(id))
        .to.be.revertedWithCustomError(f.platform.registry, "MemberNotActive")
        .withArgs(ids().core, 2n);
    });

    it("stays locked while a drawing's documents are not held or not reimbursed", async () => {
      const id = await securedLc({ partialDrawings: false });
      const pid = await paidPresentation(id, 100_000n);
      expect((await f.lc.letterOfCredit(id)).state).to.equal(LcState.FullyDrawn);
      await expect(margin("core").releaseMargin(id))
        .to.be.revertedWithCustomError(f.applicantAccounts, "ReimbursementsOutstanding")
        .withArgs(id, 100_000n, 0n, 0);
      await margin("bankA").holdDocuments(pid, DOCS_HASH);
      await expect(margin("core").releaseMargin(id))
        .to.be.revertedWithCustomError(f.applicantAccounts, "ReimbursementsOutstanding")
        .withArgs(id, 100_000n, 100_000n, 1);
      await margin("core").payForRelease(pid, 80_000n);
      // all the margin was applied: nothing left
      await expect(margin("core").releaseMargin(id))
        .to.be.revertedWithCustomError(f.applicantAccounts, "NoMarginToRelease")
        .withArgs(id);
    });
  });

  describe("release of documents (付款赎单)", () => {
    it("applies the margin toward the reimbursement, then releases the documents against payment of the rest", async () => {
      const id = await securedLc();
      const pid = await paidPresentation(id, 50_000n);
      const bankBefore = await balance("bankA");
      await expect(margin("bankA").holdDocuments(pid, DOCS_HASH))
        .to.emit(f.applicantAccounts, "DocumentsHeld")
        .withArgs(pid, id, ids().bankA, acc().bankA.address, DOCS_HASH, 50_000n, MARGIN, 30_000n);
      expect(await balance("bankA")).to.equal(bankBefore + MARGIN);
      const held = await f.applicantAccounts.documentRelease(pid);
      expect(held.state).to.equal(Release.Held);
      expect(held.amountDue).to.equal(30_000n);
      expect(held.marginApplied).to.equal(MARGIN);

      const coreBefore = await balance("core");
      await expect(margin("core").payForRelease(pid, 30_000n))
        .to.emit(f.applicantAccounts, "ReimbursementPaid")
        .withArgs(pid, id, ids().core, acc().core.address, acc().bankA.address, 30_000n, DOCS_HASH, true);
      expect(await balance("core")).to.equal(coreBefore - 30_000n);
      expect(await balance("bankA")).to.equal(bankBefore + 50_000n);
      expect((await f.applicantAccounts.documentRelease(pid)).state).to.equal(Release.Settled);
      await expect(margin("core").payForRelease(pid, 0n))
        .to.be.revertedWithCustomError(f.applicantAccounts, "ReleaseWrongState")
        .withArgs(pid, Release.Settled);

      // the second drawing: no margin left, the applicant pays it all
      const second = await paidPresentation(id, 50_000n);
      await expect(margin("bankA").holdDocuments(second, DOCS_HASH))
        .to.emit(f.applicantAccounts, "DocumentsHeld")
        .withArgs(second, id, ids().bankA, acc().bankA.address, DOCS_HASH, 50_000n, 0n, 50_000n);
    });

    it("releases at once when the margin covers the whole drawing, and returns the rest at the end", async () => {
      const id = await securedLc();
      const pid = await paidPresentation(id, 15_000n);
      await expect(margin("bankA").holdDocuments(pid, DOCS_HASH))
        .to.emit(f.applicantAccounts, "ReimbursementPaid")
        .withArgs(pid, id, ids().core, ethers.ZeroAddress, acc().bankA.address, 0n, DOCS_HASH, true);
      expect((await f.applicantAccounts.documentRelease(pid)).state).to.equal(Release.Settled);
      const expiry = (await f.lc.letterOfCredit(id)).expiry;
      await networkHelpers.time.increaseTo(expiry + 1n);
      await lcAs("bankA").expire(id);
      await expect(margin("core").releaseMargin(id))
        .to.emit(f.applicantAccounts, "MarginReleased")
        .withArgs(id, ids().core, acc().core.address, 5_000n);
    });

    it("refuses to hold documents the bank has not paid, twice, by another bank, or without their hash", async () => {
      const id = await securedLc();
      const pid = await lcAs("supplier1").present.staticCall(id, 50_000n, DOCS);
      await lcAs("supplier1").present(id, 50_000n, DOCS);
      await lcAs("bankA").examine(pid, []);
      await expect(margin("bankA").holdDocuments(pid, DOCS_HASH))
        .to.be.revertedWithCustomError(f.applicantAccounts, "PresentationNotHonoured")
        .withArgs(pid, 4);
      await lcAs("bankA").pay(pid, ethers.ZeroHash);
      await expect(margin("bankB").holdDocuments(pid, DOCS_HASH))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginWrongParty")
        .withArgs(id, ids().bankB, ids().bankA);
      await expect(margin("core").holdDocuments(pid, DOCS_HASH)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MissingRole",
      );
      await expect(margin("bankA").holdDocuments(pid, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.applicantAccounts, "InvalidValue")
        .withArgs(ethers.encodeBytes32String("documentsHash"));
      await margin("bankA").holdDocuments(pid, DOCS_HASH);
      await expect(margin("bankA").holdDocuments(pid, DOCS_HASH))
        .to.be.revertedWithCustomError(f.applicantAccounts, "ReleaseWrongState")
        .withArgs(pid, Release.Held);
      await expect(margin("bankA").holdDocuments((id << 16n) | 9n, DOCS_HASH))
        .to.be.revertedWithCustomError(f.lc, "PresentationUnknown")
        .withArgs((id << 16n) | 9n);
    });

    it("refuses payment by another party, of another amount, before the documents are held", async () => {
      const id = await securedLc();
      const pid = await paidPresentation(id, 50_000n);
      await expect(margin("core").payForRelease(pid, 30_000n))
        .to.be.revertedWithCustomError(f.applicantAccounts, "ReleaseWrongState")
        .withArgs(pid, Release.None);
      await margin("bankA").holdDocuments(pid, DOCS_HASH);
      await expect(margin("supplier1").payForRelease(pid, 30_000n))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginWrongParty")
        .withArgs(id, ids().supplier1, ids().core);
      await expect(margin("core").payForRelease(pid, 29_999n))
        .to.be.revertedWithCustomError(f.applicantAccounts, "ReimbursementAmountChanged")
        .withArgs(pid, 29_999n, 30_000n);
    });

    it("refuses payment by an applicant suspended since, and to a bank account blacklisted since", async () => {
      const id = await securedLc();
      const pid = await paidPresentation(id, 50_000n);
      await margin("bankA").holdDocuments(pid, DOCS_HASH);
      await govern("suspendMember", ids().core);
      await expect(margin("core").payForRelease(pid, 30_000n))
        .to.be.revertedWithCustomError(f.platform.registry, "MemberNotActive")
        .withArgs(ids().core, 2n);
      await govern("reinstateMember", ids().core);
      await govern("blacklistAccount", acc().bankA.address);
      await expect(margin("core").payForRelease(pid, 30_000n))
        .to.be.revertedWithCustomError(f.platform.registry, "AccountNotActive")
        .withArgs(acc().bankA.address, 3n);
    });

    it("releases without payment only by the explicit trust-receipt step; the reimbursement stays due", async () => {
      const id = await securedLc();
      const pid = await paidPresentation(id, 50_000n);
      const undertaking = hash("trust receipt TR-1");
      await expect(margin("bankA").releaseOnTrustReceipt(pid, undertaking))
        .to.be.revertedWithCustomError(f.applicantAccounts, "ReleaseWrongState")
        .withArgs(pid, Release.None);
      await margin("bankA").holdDocuments(pid, DOCS_HASH);
      await expect(margin("core").releaseOnTrustReceipt(pid, undertaking)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MissingRole",
      );
      await expect(margin("bankB").releaseOnTrustReceipt(pid, undertaking))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginWrongParty")
        .withArgs(id, ids().bankB, ids().bankA);
      await expect(margin("bankA").releaseOnTrustReceipt(pid, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.applicantAccounts, "InvalidValue")
        .withArgs(ethers.encodeBytes32String("undertakingHash"));
      await expect(margin("bankA").releaseOnTrustReceipt(pid, undertaking))
        .to.emit(f.applicantAccounts, "DocumentsReleasedOnTrustReceipt")
        .withArgs(pid, id, ids().bankA, DOCS_HASH, undertaking, 30_000n);
      await expect(margin("bankA").releaseOnTrustReceipt(pid, undertaking))
        .to.be.revertedWithCustomError(f.applicantAccounts, "ReleaseWrongState")
        .withArgs(pid, Release.ReleasedOnTrustReceipt);
      await expect(margin("core").payForRelease(pid, 30_000n))
        .to.emit(f.applicantAccounts, "ReimbursementPaid")
        .withArgs(pid, id, ids().core, acc().core.address, acc().bankA.address, 30_000n, DOCS_HASH, false);
      const settled = await f.applicantAccounts.documentRelease(pid);
      expect(settled.state).to.equal(Release.Settled);
      expect(settled.amountDue).to.equal(0n);
    });

    it("stops every step while paused", async () => {
      const id = await application();
      await passProposal(f.platform, f.applicantAccounts, f.applicantAccounts.interface.encodeFunctionData("pause"));
      await expect(margin("bankA").setMarginShare(id, SHARE)).to.be.revertedWithCustomError(
        f.applicantAccounts,
        "EnforcedPause",
      );
      await expect(margin("core").lockMargin(id, MARGIN)).to.be.revertedWithCustomError(
        f.applicantAccounts,
        "EnforcedPause",
      );
    });
  });

  describe("margin covers the most the LC can draw (UCP 600 art. 30)", () => {
    it("takes the share of amount plus tolerance, rounded up", async () => {
      // 100,000 + 5 % = 105,000; 20 % of it is 21,000
      const id = await application({ tolerancePlus: 5 });
      await expect(margin("bankA").setMarginShare(id, SHARE))
        .to.emit(f.applicantAccounts, "MarginShareSet")
        .withArgs(id, ids().bankA, SHARE, 21_000n);
      expect(await f.applicantAccounts.marginDue(id)).to.deep.equal([21_000n, 21_000n]);
      // 100,001 + floor(5,000.05) = 105,001 (as LetterOfCredit rounds it); 33.33 % of it is 34,996.83…: 34,997
      const odd = await application({ amount: 100_001n, tolerancePlus: 5 });
      await margin("bankA").setMarginShare(odd, 3_333);
      expect(await f.applicantAccounts.marginDue(odd)).to.deep.equal([34_997n, 34_997n]);
    });

    it("full cash cover covers a drawing of the whole tolerance: nothing left due", async () => {
      const id = await application({ tolerancePlus: 5, partialDrawings: false });
      await margin("bankA").setMarginShare(id, 10_000);
      await margin("core").lockMargin(id, 105_000n);
      await lcAs("bankA").approveApplication(id);
      await lcAs("bankB").advise(id);
      await lcAs("supplier1").acknowledge(id);
      const pid = await paidPresentation(id, 105_000n);
      await expect(margin("bankA").holdDocuments(pid, DOCS_HASH))
        .to.emit(f.applicantAccounts, "DocumentsHeld")
        .withArgs(pid, id, ids().bankA, acc().bankA.address, DOCS_HASH, 105_000n, 105_000n, 0n);
    });
  });

  describe("nominated bank: the issuing bank takes the applicant's money only once it reimbursed it", () => {
    /** A margined LC nominating bankC (which granted bankA a line and named its settlement account). */
    async function nominatedLc(overrides = {}): Promise<bigint> {
      await f.positions.connect(acc().bankC).setCreditLine(ids().bankA, 1_000_000n);
      await f.positions.connect(acc().bankC).setSettlementAccount(acc().bankC);
      return securedLc({ nominatedBank: acc().bankC.address, ...overrides });
    }
    /** supplier1 presents `amount`; bankC (the nominated bank) examines and pays it. */
    async function paidByNominated(lcId: bigint, amount: bigint): Promise<bigint> {
      const pid = await lcAs("supplier1").present.staticCall(lcId, amount, DOCS);
      await lcAs("supplier1").present(lcId, amount, DOCS);
      await lcAs("bankC").examine(pid, []);
      await lcAs("bankC").pay(pid, ethers.ZeroHash);
      return pid;
    }

    it("refuses the hold, the margin and the payment for release before the nominated bank is reimbursed", async () => {
      const id = await nominatedLc();
      const pid = await paidByNominated(id, 50_000n);
      const bankBefore = await balance("bankA");
      // the attack: bankA never paid, yet would take the margin and the applicant's payment
      await expect(margin("bankA").holdDocuments(pid, DOCS_HASH))
        .to.be.revertedWithCustomError(f.applicantAccounts, "NominatedBankNotReimbursed")
        .withArgs(pid, ids().bankC, 0n);
      await expect(margin("bankA").holdDocumentsAfterReimbursement(pid, DOCS_HASH, 1n))
        .to.be.revertedWithCustomError(f.applicantAccounts, "NominatedBankNotReimbursed")
        .withArgs(pid, ids().bankC, 1n);
      await expect(margin("core").payForRelease(pid, 30_000n))
        .to.be.revertedWithCustomError(f.applicantAccounts, "ReleaseWrongState")
        .withArgs(pid, Release.None);
      expect(await balance("bankA")).to.equal(bankBefore);

      // bankA reimburses bankC; then it holds, the margin goes to it, and the applicant pays it
      await f.positions.connect(acc().bankA).settleObligation(1n, ethers.ZeroHash);
      const tx = margin("bankA").holdDocumentsAfterReimbursement(pid, DOCS_HASH, 1n);
      await expect(tx).to.emit(f.applicantAccounts, "NominatedBankReimbursed").withArgs(pid, id, ids().bankC, 1n);
      await expect(tx)
        .to.emit(f.applicantAccounts, "DocumentsHeld")
        .withArgs(pid, id, ids().bankA, acc().bankA.address, DOCS_HASH, 50_000n, MARGIN, 30_000n);
      expect(await f.applicantAccounts.reimbursementHold(1n)).to.equal(pid);
      await expect(margin("core").payForRelease(pid, 30_000n))
        .to.emit(f.applicantAccounts, "ReimbursementPaid")
        .withArgs(pid, id, ids().core, acc().core.address, acc().bankA.address, 30_000n, DOCS_HASH, true);
      // bankA paid bankC 50,000 and received 50,000 from the applicant
      expect(await balance("bankA")).to.equal(bankBefore);
    });

    it("refuses an obligation used twice, of another amount or party, released, or by another bank", async () => {
      const id = await nominatedLc();
      const first = await paidByNominated(id, 30_000n);
      const second = await paidByNominated(id, 30_000n);
      await f.positions.connect(acc().bankA).settleObligation(1n, ethers.ZeroHash);
      await expect(margin("bankB").holdDocumentsAfterReimbursement(first, DOCS_HASH, 1n))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginWrongParty")
        .withArgs(id, ids().bankB, ids().bankA);
      await expect(margin("bankC").holdDocumentsAfterReimbursement(first, DOCS_HASH, 1n))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginWrongParty")
        .withArgs(id, ids().bankC, ids().bankA);
      await margin("bankA").holdDocumentsAfterReimbursement(first, DOCS_HASH, 1n);
      // the same reimbursement cannot back the second presentation of the same amount: its purpose is the first
      // (`ReimbursementObligationUsed` stays as a second guard, unreachable while purposes bind one presentation)
      await expect(margin("bankA").holdDocumentsAfterReimbursement(second, DOCS_HASH, 1n))
        .to.be.revertedWithCustomError(f.applicantAccounts, "ReimbursementObligationMismatch")
        .withArgs(second, 1n);
      expect(await f.applicantAccounts.reimbursementHold(1n)).to.equal(first);
      // an obligation of bankA to bankC of another amount (recorded by bankA itself, settled)
      await f.positions.connect(acc().bankA).recordObligation(ids().bankC, 29_999n, 0, ethers.ZeroHash);
      await f.positions.connect(acc().bankA).settleObligation(3n, ethers.ZeroHash);
      await expect(margin("bankA").holdDocumentsAfterReimbursement(second, DOCS_HASH, 3n))
        .to.be.revertedWithCustomError(f.applicantAccounts, "ReimbursementObligationMismatch")
        .withArgs(second, 3n);
      // bankC releases bankA from the second reimbursement: bankA paid nothing for it
      await f.positions.connect(acc().bankC).releaseObligation(2n);
      await expect(margin("bankA").holdDocumentsAfterReimbursement(second, DOCS_HASH, 2n))
        .to.be.revertedWithCustomError(f.applicantAccounts, "NominatedBankNotReimbursed")
        .withArgs(second, ids().bankC, 2n);
    });

    it("refuses an obligation the issuing bank recorded and settled on its own word, or another presentation's", async () => {
      const id = await nominatedLc();
      const pid = await paidByNominated(id, 50_000n);
      const purpose = ethers.zeroPadValue(ethers.toBeHex(pid), 32);
      expect(await f.positions.recordedPurpose(1n, f.lc)).to.equal(purpose);
      // the attack: bankA records its own obligation to bankC of the same amount (even naming this presentation)
      // and "settles" it with an off-chain reference: no token moves, while LetterOfCredit's obligation 1 stays open
      await f.positions.connect(acc().bankA).recordObligation(ids().bankC, 50_000n, 0, ethers.ZeroHash);
      await f.positions.connect(acc().bankA).settleObligation(2n, hash("wire that never happened"));
      await f.positions.connect(acc().bankA).recordObligation(ids().bankC, 50_000n, 0, purpose);
      await f.positions.connect(acc().bankA).settleObligation(3n, hash("another wire that never happened"));
      expect(await f.positions.recordedPurpose(3n, f.lc)).to.equal(ethers.ZeroHash);
      const bankBefore = await balance("bankA");
      for (const forged of [2n, 3n]) {
        await expect(margin("bankA").holdDocumentsAfterReimbursement(pid, DOCS_HASH, forged))
          .to.be.revertedWithCustomError(f.applicantAccounts, "ReimbursementObligationMismatch")
          .withArgs(pid, forged);
      }
      // the variant: bankA really reimbursed bankC, but for another LC's presentation of the same amount
      const other = await nominatedLc();
      const otherPid = await paidByNominated(other, 50_000n);
      await f.positions.connect(acc().bankA).settleObligation(4n, ethers.ZeroHash);
      await expect(margin("bankA").holdDocumentsAfterReimbursement(pid, DOCS_HASH, 4n))
        .to.be.revertedWithCustomError(f.applicantAccounts, "ReimbursementObligationMismatch")
        .withArgs(pid, 4n);
      expect((await f.positions.obligation(1n)).status).to.equal(ObligationStatus.Open);
      expect(await balance("bankA")).to.equal(bankBefore - 50_000n);
      // each reimbursement backs its own presentation only
      await margin("bankA").holdDocumentsAfterReimbursement(otherPid, DOCS_HASH, 4n);
      await f.positions.connect(acc().bankA).settleObligation(1n, ethers.ZeroHash);
      await expect(margin("bankA").holdDocumentsAfterReimbursement(pid, DOCS_HASH, 1n))
        .to.emit(f.applicantAccounts, "NominatedBankReimbursed")
        .withArgs(pid, id, ids().bankC, 1n);
    });

    it("keeps the exposed margin after the grace: a presentation held by the nominated bank keeps its security", async () => {
      const id = await nominatedLc();
      const expiry = (await f.lc.letterOfCredit(id)).expiry;
      // presented on the expiry date; bankC refuses, holding the documents pending the applicant's waiver
      await networkHelpers.time.increaseTo(expiry - 3600n);
      const pid = await lcAs("supplier1").present.staticCall(id, 10_000n, DOCS);
      await lcAs("supplier1").present(id, 10_000n, DOCS);
      await lcAs("bankC").refuse(pid, [code("LATE_SHIPMENT")], hash("notice"), true);
      await networkHelpers.time.increaseTo((await f.applicantAccounts.marginReclaimableAt(id)) + 1n);
      // the attack: take the whole margin back, then waive. Only what the held presentation cannot call on returns.
      await expect(margin("core").releaseMargin(id))
        .to.emit(f.applicantAccounts, "MarginReleased")
        .withArgs(id, ids().core, acc().core.address, MARGIN - 10_000n);
      await expect(margin("core").releaseMargin(id))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginExposed")
        .withArgs(id, 10_000n, expiry + EXPOSED_GRACE);
      await lcAs("core").waiveDiscrepancies(pid);
      await lcAs("bankC").pay(pid, ethers.ZeroHash);
      await f.positions.connect(acc().bankA).settleObligation(1n, ethers.ZeroHash);
      // the issuing bank that reimbursed the nominated bank still has the margin toward the drawing
      await expect(margin("bankA").holdDocumentsAfterReimbursement(pid, DOCS_HASH, 1n))
        .to.emit(f.applicantAccounts, "DocumentsHeld")
        .withArgs(pid, id, ids().bankA, acc().bankA.address, DOCS_HASH, 10_000n, 10_000n, 0n);
      await expect(margin("core").releaseMargin(id))
        .to.be.revertedWithCustomError(f.applicantAccounts, "NoMarginToRelease")
        .withArgs(id);
    });

    it("refuses the nominated-bank step on an LC the issuing bank honours itself", async () => {
      const id = await securedLc();
      const pid = await paidPresentation(id, 50_000n);
      await expect(margin("bankA").holdDocumentsAfterReimbursement(pid, DOCS_HASH, 1n))
        .to.be.revertedWithCustomError(f.applicantAccounts, "NoNominatedBank")
        .withArgs(id);
    });
  });

  describe("fallbacks: margin and payment never locked by the bank", () => {
    it("returns the margin after expiry + tenor + grace when the bank paid but never recorded a hold", async () => {
      const id = await securedLc({ partialDrawings: false });
      await paidPresentation(id, 100_000n);
      const expiry = (await f.lc.letterOfCredit(id)).expiry;
      const at = await f.applicantAccounts.marginReclaimableAt(id);
      expect(at).to.equal(expiry + 30n * DAY);
      await networkHelpers.time.increaseTo(at - 10n);
      await expect(margin("core").releaseMargin(id))
        .to.be.revertedWithCustomError(f.applicantAccounts, "ReimbursementsOutstanding")
        .withArgs(id, 100_000n, 0n, 0);
      await networkHelpers.time.increaseTo(at + 1n);
      await expect(margin("supplier1").releaseMargin(id))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginWrongParty")
        .withArgs(id, ids().supplier1, ids().core);
      // the drawing paid and not held may still be held: the margin stays its security until the second deadline
      await expect(margin("core").releaseMargin(id))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginExposed")
        .withArgs(id, MARGIN, expiry + EXPOSED_GRACE);
      await networkHelpers.time.increaseTo(expiry + EXPOSED_GRACE + 1n);
      await expect(margin("core").releaseMargin(id))
        .to.emit(f.applicantAccounts, "MarginReleased")
        .withArgs(id, ids().core, acc().core.address, MARGIN);
    });

    it("returns the exposed margin after the grace once the issuing bank is no longer in good standing", async () => {
      const id = await securedLc();
      await lcAs("supplier1").present(id, 50_000n, DOCS);
      await networkHelpers.time.increaseTo((await f.applicantAccounts.marginReclaimableAt(id)) + 1n);
      const expiry = (await f.lc.letterOfCredit(id)).expiry;
      await expect(margin("core").releaseMargin(id))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginExposed")
        .withArgs(id, MARGIN, expiry + EXPOSED_GRACE);
      await govern("suspendMember", ids().bankA);
      await expect(margin("core").releaseMargin(id))
        .to.emit(f.applicantAccounts, "MarginReleased")
        .withArgs(id, ids().core, acc().core.address, MARGIN);
    });

    it("returns the margin after the grace when a suspended bank leaves a presentation pending forever", async () => {
      const id = await securedLc({ deferred: true, tenorDays: 60 });
      await lcAs("supplier1").present(id, 50_000n, DOCS);
      await govern("suspendMember", ids().bankA);
      const expiry = (await f.lc.letterOfCredit(id)).expiry;
      const at = await f.applicantAccounts.marginReclaimableAt(id);
      expect(at).to.equal(expiry + 60n * DAY + 30n * DAY);
      await networkHelpers.time.increaseTo(expiry + 1n);
      await expect(margin("core").releaseMargin(id))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginWrongLcState")
        .withArgs(id, LcState.Acknowledged);
      await networkHelpers.time.increaseTo(at + 1n);
      await expect(margin("core").releaseMargin(id))
        .to.emit(f.applicantAccounts, "MarginReleased")
        .withArgs(id, ids().core, acc().core.address, MARGIN);
    });

    it("lets the issuing bank name a new account when the recorded one is blacklisted; the applicant then pays", async () => {
      const id = await securedLc();
      const pid = await paidPresentation(id, 50_000n);
      await margin("bankA").holdDocuments(pid, DOCS_HASH);
      const [, , newAccount] = f.platform.outsiders;
      await f.platform.registry.connect(acc().bankA).addAccount(ids().bankA, newAccount, 2);
      await govern("blacklistAccount", acc().bankA.address);
      await expect(margin("core").payForRelease(pid, 30_000n))
        .to.be.revertedWithCustomError(f.platform.registry, "AccountNotActive")
        .withArgs(acc().bankA.address, 3n);
      await expect(margin("bankA").changeReimbursementAccount(pid)).to.be.revertedWithCustomError(
        f.platform.registry,
        "AccountNotActive",
      );
      await expect(margin("bankB").changeReimbursementAccount(pid))
        .to.be.revertedWithCustomError(f.applicantAccounts, "MarginWrongParty")
        .withArgs(id, ids().bankB, ids().bankA);
      await expect(f.applicantAccounts.connect(newAccount).changeReimbursementAccount(pid))
        .to.emit(f.applicantAccounts, "ReimbursementAccountChanged")
        .withArgs(pid, id, ids().bankA, acc().bankA.address, newAccount.address);
      await expect(f.applicantAccounts.connect(newAccount).changeReimbursementAccount(pid))
        .to.be.revertedWithCustomError(f.applicantAccounts, "InvalidValue")
        .withArgs(ethers.encodeBytes32String("account"));
      await expect(margin("core").payForRelease(pid, 30_000n))
        .to.emit(f.applicantAccounts, "ReimbursementPaid")
        .withArgs(pid, id, ids().core, acc().core.address, newAccount.address, 30_000n, DOCS_HASH, true);
      expect(await f.platform.token.balanceOf(newAccount)).to.equal(30_000n);
      await expect(f.applicantAccounts.connect(newAccount).changeReimbursementAccount(pid))
        .to.be.revertedWithCustomError(f.applicantAccounts, "ReleaseWrongState")
        .withArgs(pid, Release.Settled);
      const unheld = (id << 16n) | 9n;
      await expect(f.applicantAccounts.connect(newAccount).changeReimbursementAccount(unheld))
        .to.be.revertedWithCustomError(f.applicantAccounts, "ReleaseWrongState")
        .withArgs(unheld, Release.None);
    });

    it("refuses a release on trust receipt to an applicant suspended since the hold", async () => {
      const id = await securedLc();
      const pid = await paidPresentation(id, 50_000n);
      await margin("bankA").holdDocuments(pid, DOCS_HASH);
      await govern("suspendMember", ids().core);
      await expect(margin("bankA").releaseOnTrustReceipt(pid, hash("trust receipt TR-2")))
        .to.be.revertedWithCustomError(f.platform.registry, "MemberNotActive")
        .withArgs(ids().core, 2n);
    });
  });

  it("has no way for the applicant to withdraw locked margin but releaseMargin", () => {
    const steps = f.applicantAccounts.interface.fragments
      .filter((fragment): fragment is FunctionFragment => fragment.type === "function")
      .filter((fn) => fn.stateMutability !== "view" && fn.stateMutability !== "pure")
      .map((fn) => fn.name)
      .sort();
    expect(steps).to.deep.equal(
      [
        "changeReimbursementAccount",
        "holdDocuments",
        "holdDocumentsAfterReimbursement",
        "initialize",
        "lockMargin",
        "pause",
        "payForRelease",
        "releaseMargin",
        "releaseOnTrustReceipt",
        "setMarginShare",
        "unpause",
        "upgradeToAndCall",
      ].sort(),
    );
  });
});
