import { expect } from "chai";
import { Interface } from "ethers";
import { network } from "hardhat";
import { passProposal } from "../helpers/consortium.js";
import { DAY, deployLettersOfCredit, hash, presentDocs, type LcFixture } from "./fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

type Name = keyof LcFixture["platform"]["accounts"];
interface Terms {
  amount: bigint;
  tolerancePlus: bigint;
  toleranceMinus: bigint;
  expiry: bigint;
  latestShipment: bigint;
  termsHash: string;
}

describe("LcConfirmations: confirmation and the confirming bank's consent to amendments (UCP 600 art. 8, 10)", () => {
  const fixture = () => deployLettersOfCredit(connection);
  let f: LcFixture;
  beforeEach(async () => {
    f = await networkHelpers.loadFixture(fixture);
  });
  const acc = () => f.platform.accounts;
  const ids = () => f.platform.ids;
  const conf = (name: Name) => f.confirmations.connect(acc()[name]);
  const lcAs = (name: Name) => f.lc.connect(acc()[name]);
  const govern = (fn: "suspendMember" | "blacklistAccount", arg: number | string) =>
    passProposal(
      f.platform,
      f.platform.registry,
      new Interface([`function ${fn}(${typeof arg === "number" ? "uint32" : "address"})`]).encodeFunctionData(fn, [
        arg,
      ]),
    );
  const current = async (id: bigint): Promise<Terms> => {
    const t = await f.confirmations.currentTerms(id);
    return {
      amount: t.amount,
      tolerancePlus: t.tolerancePlus,
      toleranceMinus: t.toleranceMinus,
      expiry: t.expiry,
      latestShipment: t.latestShipment,
      termsHash: t.termsHash,
    };
  };

  /** bankA issues for core, bankB advises, bankC is the nominated bank; supplier1 acknowledges. */
  async function nominatedLc(overrides = {}): Promise<bigint> {
    const terms = f.terms({ nominatedBank: acc().bankC.address, ...overrides });
    const id = await lcAs("bankA").issue.staticCall(acc().core, terms);
    await lcAs("bankA").issue(acc().core, terms);
    await lcAs("bankB").advise(id);
    await lcAs("supplier1").acknowledge(id);
    return id;
  }

  async function confirmedLc(overrides = {}): Promise<bigint> {
    const id = await nominatedLc(overrides);
    await conf("bankA").authorizeConfirmation(id, ids().bankC, true);
    await conf("bankC").addConfirmation(id, await current(id));
    return id;
  }

  /** bankA proposes and supplier1 accepts an amendment raising the amount to 150,000 and the expiry by 30 days. */
  async function amend(id: bigint, text = "full terms v2"): Promise<Terms> {
    const before = await current(id);
    const amendment = {
      amount: 150_000n,
      expiry: before.expiry + 30n * DAY,
      latestShipment: before.latestShipment,
      termsHash: hash(text),
    };
    await lcAs("bankA").proposeAmendment(id, amendment);
    await lcAs("supplier1").acceptAmendment(id, amendment);
    return current(id);
  }

  describe("authorization and confirmation (art. 8)", () => {
    it("the issuing bank requests, the nominated bank confirms the LC's terms: bound from then", async () => {
      const id = await nominatedLc();
      const terms = await current(id);
      const digest = await f.confirmations.digest(terms);
      await expect(conf("bankA").authorizeConfirmation(id, ids().bankC, true))
        .to.emit(f.confirmations, "ConfirmationAuthorized")
        .withArgs(id, ids().bankA, ids().bankC, true, digest);
      const auth = await f.confirmations.authorization(id);
      expect([auth.issuingBank, auth.confirmingBank, auth.requested, auth.termsDigest]).to.deep.equal([
        BigInt(ids().bankA),
        BigInt(ids().bankC),
        true,
        digest,
      ]);
      await expect(conf("bankC").addConfirmation(id, terms))
        .to.emit(f.confirmations, "ConfirmationAdded")
        .withArgs(id, ids().bankC, ids().bankA, Object.values(terms));
      const c = await f.confirmations.confirmation(id);
      expect(c.confirmingBank).to.equal(ids().bankC);
      expect(c.confirmedAt).to.equal(await networkHelpers.time.latest());
      expect(c.terms.amount).to.equal(100_000n);
      expect((await f.confirmations.authorization(id)).confirmingBank).to.equal(0n);
      const e = await f.confirmations.exposure(id);
      expect([e.confirmed, e.upToDate, e.bound]).to.deep.equal([true, true, true]);
      expect([e.confirmedMaximum, e.currentMaximum, e.drawn, e.outstanding]).to.deep.equal([
        105_000n,
        105_000n,
        0n,
        105_000n,
      ]);
    });

    it("an advising bank that is also the nominated bank may confirm (art. 9 contemplates it)", async () => {
      const id = await nominatedLc({ nominatedBank: acc().bankB.address });
      await conf("bankA").authorizeConfirmation(id, ids().bankB, false);
      await expect(conf("bankB").addConfirmation(id, await current(id))).to.emit(f.confirmations, "ConfirmationAdded");
    });

    it("refuses authorization by anyone but the issuing bank, or naming a bank that is not the nominated bank", async () => {
      const id = await nominatedLc();
      await expect(conf("bankC").authorizeConfirmation(id, ids().bankC, true))
        .to.be.revertedWithCustomError(f.confirmations, "ConfirmationWrongParty")
        .withArgs(id, ids().bankC, ids().bankA);
      await expect(conf("bankA").authorizeConfirmation(id, ids().bankB, true))
        .to.be.revertedWithCustomError(f.confirmations, "ConfirmingBankNotNominated")
        .withArgs(id, ids().bankB, ids().bankC);
      await expect(conf("core").authorizeConfirmation(id, ids().bankC, true)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MissingRole",
      );
      const plain = await nominatedLc({ nominatedBank: ethers.ZeroAddress });
      await expect(conf("bankA").authorizeConfirmation(plain, 0, true))
        .to.be.revertedWithCustomError(f.confirmations, "ConfirmingBankNotNominated")
        .withArgs(plain, 0, 0);
    });

    it("refuses confirmation by a bank not authorised, or with no authorization", async () => {
      const id = await nominatedLc();
      await expect(conf("bankC").addConfirmation(id, await current(id)))
        .to.be.revertedWithCustomError(f.confirmations, "ConfirmationNotAuthorized")
        .withArgs(id);
      await conf("bankA").authorizeConfirmation(id, ids().bankC, true);
      await expect(conf("bankB").addConfirmation(id, await current(id)))
        .to.be.revertedWithCustomError(f.confirmations, "ConfirmationWrongParty")
        .withArgs(id, ids().bankB, ids().bankC);
    });

    it("refuses confirmation when the LC was amended after the authorization (value changed); a new one works", async () => {
      const id = await nominatedLc();
      const authorised = await current(id);
      await conf("bankA").authorizeConfirmation(id, ids().bankC, true);
      const amended = await amend(id);
      const [was, now] = [await f.confirmations.digest(authorised), await f.confirmations.digest(amended)];
      await expect(conf("bankC").addConfirmation(id, amended))
        .to.be.revertedWithCustomError(f.confirmations, "ConfirmationTermsChanged")
        .withArgs(id, was, now);
      await expect(conf("bankC").addConfirmation(id, authorised))
        .to.be.revertedWithCustomError(f.confirmations, "ConfirmationTermsChanged")
        .withArgs(id, was, now);
      await conf("bankA").authorizeConfirmation(id, ids().bankC, true);
      await conf("bankC").addConfirmation(id, amended);
      expect((await f.confirmations.confirmation(id)).terms.amount).to.equal(150_000n);
    });

    it("refuses terms other than the LC's current terms", async () => {
      const id = await nominatedLc();
      await conf("bankA").authorizeConfirmation(id, ids().bankC, true);
      const terms = await current(id);
      const wrong = { ...terms, amount: terms.amount + 1n };
      await expect(conf("bankC").addConfirmation(id, wrong))
        .to.be.revertedWithCustomError(f.confirmations, "ConfirmationTermsMismatch")
        .withArgs(id, await f.confirmations.digest(wrong), await f.confirmations.digest(terms));
    });

    it("refuses confirmation once the issuing bank was suspended since it authorised", async () => {
      const id = await nominatedLc();
      await conf("bankA").authorizeConfirmation(id, ids().bankC, true);
      const terms = await current(id);
      await govern("suspendMember", ids().bankA);
      await expect(conf("bankC").addConfirmation(id, terms))
        .to.be.revertedWithCustomError(f.platform.registry, "MemberNotActive")
        .withArgs(ids().bankA, 2n);
    });

    it("refuses a confirming bank suspended or blacklisted since it was named", async () => {
      const id = await nominatedLc();
      await conf("bankA").authorizeConfirmation(id, ids().bankC, true);
      const terms = await current(id);
      await govern("blacklistAccount", acc().bankC.address);
      await expect(conf("bankC").addConfirmation(id, terms))
        .to.be.revertedWithCustomError(f.platform.registry, "AccountNotActive")
        .withArgs(acc().bankC.address, 3n);
      f = await networkHelpers.loadFixture(fixture);
      const second = await nominatedLc();
      await govern("suspendMember", ids().bankC);
      await expect(conf("bankA").authorizeConfirmation(second, ids().bankC, true))
        .to.be.revertedWithCustomError(f.platform.registry, "MemberNotActive")
        .withArgs(ids().bankC, 2n);
    });

    it("refuses an application, an expired LC and a closed LC (wrong state, wrong time)", async () => {
      const terms = f.terms({ nominatedBank: acc().bankC.address });
      const applied = await lcAs("core").submitApplication.staticCall(acc().bankA, terms);
      await lcAs("core").submitApplication(acc().bankA, terms);
      await expect(conf("bankA").authorizeConfirmation(applied, ids().bankC, true))
        .to.be.revertedWithCustomError(f.confirmations, "ConfirmationWrongLcState")
        .withArgs(applied, 1, terms.expiry);
      const id = await nominatedLc();
      await conf("bankA").authorizeConfirmation(id, ids().bankC, true);
      const t = await current(id);
      await networkHelpers.time.increaseTo(t.expiry + 1n);
      await expect(conf("bankC").addConfirmation(id, t))
        .to.be.revertedWithCustomError(f.confirmations, "ConfirmationWrongLcState")
        .withArgs(id, 4, t.expiry);
      f = await networkHelpers.loadFixture(fixture);
      const cancelled = await nominatedLc();
      await conf("bankA").authorizeConfirmation(cancelled, ids().bankC, true);
      const ct = await current(cancelled);
      await lcAs("bankA").requestCancellation(cancelled);
      await lcAs("supplier1").consentToCancellation(cancelled);
      await expect(conf("bankC").addConfirmation(cancelled, ct))
        .to.be.revertedWithCustomError(f.confirmations, "ConfirmationWrongLcState")
        .withArgs(cancelled, 7, ct.expiry);
    });

    it("is irrevocable and single: no second authorization or confirmation once confirmed", async () => {
      const id = await confirmedLc();
      await expect(conf("bankA").authorizeConfirmation(id, ids().bankC, true))
        .to.be.revertedWithCustomError(f.confirmations, "ConfirmationExists")
        .withArgs(id, ids().bankC);
      await expect(conf("bankC").addConfirmation(id, await current(id)))
        .to.be.revertedWithCustomError(f.confirmations, "ConfirmationNotAuthorized")
        .withArgs(id);
    });

    it("the bank not prepared to confirm declines (art. 8d): the authorization ends", async () => {
      const id = await nominatedLc();
      await conf("bankA").authorizeConfirmation(id, ids().bankC, false);
      await expect(conf("bankB").declineToConfirm(id, hash("notice")))
        .to.be.revertedWithCustomError(f.confirmations, "ConfirmationWrongParty")
        .withArgs(id, ids().bankB, ids().bankC);
      await expect(conf("bankC").declineToConfirm(id, ethers.ZeroHash)).to.be.revertedWithCustomError(
        f.confirmations,
        "InvalidValue",
      );
      await expect(conf("bankC").declineToConfirm(id, hash("notice")))
        .to.emit(f.confirmations, "ConfirmationDeclined")
        .withArgs(id, ids().bankC, ids().bankA, hash("notice"));
      await expect(conf("bankC").addConfirmation(id, await current(id))).to.be.revertedWithCustomError(
        f.confirmations,
        "ConfirmationNotAuthorized",
      );
    });

    it("the issuing bank withdraws a pending authorization; nobody else can", async () => {
      const id = await nominatedLc();
      await expect(conf("bankA").withdrawAuthorization(id)).to.be.revertedWithCustomError(
        f.confirmations,
        "ConfirmationNotAuthorized",
      );
      await conf("bankA").authorizeConfirmation(id, ids().bankC, true);
      await expect(conf("bankC").withdrawAuthorization(id))
        .to.be.revertedWithCustomError(f.confirmations, "ConfirmationWrongParty")
        .withArgs(id, ids().bankC, ids().bankA);
      await expect(conf("bankA").withdrawAuthorization(id))
        .to.emit(f.confirmations, "ConfirmationAuthorizationWithdrawn")
        .withArgs(id, ids().bankA, ids().bankC);
      await expect(conf("bankC").addConfirmation(id, await current(id))).to.be.revertedWithCustomError(
        f.confirmations,
        "ConfirmationNotAuthorized",
      );
    });

    it("the legacy LetterOfCredit.confirm flag is independent: it creates no confirmation", async () => {
      const id = await nominatedLc();
      await lcAs("bankC").confirm(id);
      expect((await f.confirmations.exposure(id)).confirmed).to.equal(false);
      await conf("bankA").authorizeConfirmation(id, ids().bankC, true);
      await expect(conf("bankC").addConfirmation(id, await current(id))).to.emit(f.confirmations, "ConfirmationAdded");
    });

    it("refuses every step while paused", async () => {
      const id = await nominatedLc();
      const confirmed = await confirmedLc();
      const amended = await amend(confirmed);
      await conf("bankA").authorizeConfirmation(id, ids().bankC, true);
      const terms = await current(id);
      await passProposal(f.platform, f.confirmations, f.confirmations.interface.encodeFunctionData("pause"));
      const steps = [
        conf("bankA").authorizeConfirmation(id, ids().bankC, true),
        conf("bankA").withdrawAuthorization(id),
        conf("bankC").declineToConfirm(id, hash("notice")),
        conf("bankC").addConfirmation(id, terms),
        conf("bankC").extendConfirmation(confirmed, amended),
        conf("bankC").declineAmendment(confirmed, amended, hash("advice")),
      ];
      for (const step of steps) await expect(step).to.be.revertedWithCustomError(f.confirmations, "EnforcedPause");
    });
  });

  describe("amendments (art. 10)", () => {
    it("an accepted amendment leaves the confirmation at its terms until the confirming bank extends it", async () => {
      const id = await confirmedLc();
      const before = await f.confirmations.confirmation(id);
      const amended = await amend(id);
      let e = await f.confirmations.exposure(id);
      expect([e.upToDate, e.confirmedMaximum, e.currentMaximum]).to.deep.equal([false, 105_000n, 157_500n]);
      expect(e.confirmedExpiry).to.equal(before.terms.expiry);
      expect(e.currentExpiry).to.equal(amended.expiry);
      await expect(conf("bankC").extendConfirmation(id, amended))
        .to.emit(f.confirmations, "ConfirmationExtended")
        .withArgs(id, ids().bankC, 1, Object.values(amended));
      const c = await f.confirmations.confirmation(id);
      expect([c.amendmentsExtended, c.terms.amount, c.terms.termsHash]).to.deep.equal([
        1n,
        150_000n,
        hash("full terms v2"),
      ]);
      expect(c.extendedAt).to.equal(await networkHelpers.time.latest());
      e = await f.confirmations.exposure(id);
      expect([e.upToDate, e.confirmedMaximum, e.outstanding]).to.deep.equal([true, 157_500n, 157_500n]);
    });

    it("refuses an extension by anyone but the confirming bank, with other terms, or with no amendment", async () => {
      const id = await confirmedLc();
      await expect(conf("bankC").extendConfirmation(id, await current(id)))
        .to.be.revertedWithCustomError(f.confirmations, "NoAmendmentToConfirm")
        .withArgs(id);
      const amended = await amend(id);
      await expect(conf("bankA").extendConfirmation(id, amended))
        .to.be.revertedWithCustomError(f.confirmations, "ConfirmationWrongParty")
        .withArgs(id, ids().bankA, ids().bankC);
      const stale = { ...amended, termsHash: hash("full terms v1") };
      await expect(conf("bankC").extendConfirmation(id, stale)).to.be.revertedWithCustomError(
        f.confirmations,
        "ConfirmationTermsMismatch",
      );
      await conf("bankC").extendConfirmation(id, amended);
      await expect(conf("bankC").extendConfirmation(id, amended)).to.be.revertedWithCustomError(
        f.confirmations,
        "NoAmendmentToConfirm",
      );
    });

    it("refuses an extension of an unconfirmed LC, after expiry, and by a confirming bank suspended since", async () => {
      const plain = await nominatedLc();
      await expect(conf("bankC").extendConfirmation(plain, await current(plain)))
        .to.be.revertedWithCustomError(f.confirmations, "ConfirmationUnknown")
        .withArgs(plain);
      const id = await confirmedLc();
      const amended = await amend(id);
      await govern("suspendMember", ids().bankC);
      await expect(conf("bankC").extendConfirmation(id, amended)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MemberNotActive",
      );
      f = await networkHelpers.loadFixture(fixture);
      const late = await confirmedLc();
      const amendedLate = await amend(late);
      await networkHelpers.time.increaseTo(amendedLate.expiry + 1n);
      await expect(conf("bankC").extendConfirmation(late, amendedLate)).to.be.revertedWithCustomError(
        f.confirmations,
        "ConfirmationWrongLcState",
      );
    });

    it("the confirming bank records that it does not extend: the event names issuing bank and beneficiary", async () => {
      const id = await confirmedLc();
      const amended = await amend(id);
      await expect(conf("bankC").declineAmendment(id, amended, ethers.ZeroHash)).to.be.revertedWithCustomError(
        f.confirmations,
        "InvalidValue",
      );
      await expect(conf("bankB").declineAmendment(id, amended, hash("advice")))
        .to.be.revertedWithCustomError(f.confirmations, "ConfirmationWrongParty")
        .withArgs(id, ids().bankB, ids().bankC);
      await expect(conf("bankC").declineAmendment(id, amended, hash("advice")))
        .to.emit(f.confirmations, "AmendmentNotConfirmed")
        .withArgs(id, ids().bankC, ids().bankA, ids().supplier1, amended.termsHash, hash("advice"));
      const digest = await f.confirmations.digest(amended);
      const c = await f.confirmations.confirmation(id);
      expect([c.terms.amount, c.declinedDigest]).to.deep.equal([100_000n, digest]);
      // still bound to the old terms; it may extend later (the issuing bank may ask again)
      await conf("bankC").extendConfirmation(id, amended);
      expect((await f.confirmations.confirmation(id)).declinedDigest).to.equal(ethers.ZeroHash);
    });

    it("a lapsed confirmation cannot be revived: no extension or decline past the confirmed expiry", async () => {
      const id = await confirmedLc();
      const confirmedExpiry = (await f.confirmations.confirmation(id)).terms.expiry;
      const amended = await amend(id);
      await networkHelpers.time.increaseTo(confirmedExpiry + 1n);
      expect((await f.confirmations.exposure(id)).bound).to.equal(false);
      await expect(conf("bankC").extendConfirmation(id, amended))
        .to.be.revertedWithCustomError(f.confirmations, "ConfirmationWrongLcState")
        .withArgs(id, 4, confirmedExpiry);
      await expect(conf("bankC").declineAmendment(id, amended, hash("advice")))
        .to.be.revertedWithCustomError(f.confirmations, "ConfirmationWrongLcState")
        .withArgs(id, 4, confirmedExpiry);
      expect((await f.confirmations.exposure(id)).bound).to.equal(false);
    });

    it("refuses an extension once the issuing bank was suspended since the amendment", async () => {
      const id = await confirmedLc();
      const amended = await amend(id);
      await govern("suspendMember", ids().bankA);
      await expect(conf("bankC").extendConfirmation(id, amended))
        .to.be.revertedWithCustomError(f.platform.registry, "MemberNotActive")
        .withArgs(ids().bankA, 2n);
    });

    it("declines an amendment again when the LC is amended back to terms declined before", async () => {
      const id = await confirmedLc();
      const toB = await amend(id, "terms B");
      await conf("bankC").declineAmendment(id, toB, hash("advice B"));
      const before = await current(id);
      const backToA = {
        amount: 100_000n,
        expiry: before.expiry,
        latestShipment: before.latestShipment,
        termsHash: hash("terms A"),
      };
      await lcAs("bankA").proposeAmendment(id, backToA);
      await lcAs("supplier1").acceptAmendment(id, backToA);
      const againB = {
        amount: toB.amount,
        expiry: toB.expiry,
        latestShipment: toB.latestShipment,
        termsHash: toB.termsHash,
      };
      await lcAs("bankA").proposeAmendment(id, againB);
      await lcAs("supplier1").acceptAmendment(id, againB);
      const terms = await current(id);
      expect(await f.confirmations.digest(terms)).to.equal(await f.confirmations.digest(toB));
      await expect(conf("bankC").declineAmendment(id, terms, hash("advice B again")))
        .to.emit(f.confirmations, "AmendmentNotConfirmed")
        .withArgs(id, ids().bankC, ids().bankA, ids().supplier1, toB.termsHash, hash("advice B again"));
    });

    it("exposure: confirmed maximum less drawn; not bound after the confirmed expiry when the extension was declined", async () => {
      const id = await confirmedLc();
      await f.positions.connect(acc().bankC).setCreditLine(ids().bankA, 1_000_000n);
      const pid = await presentDocs(f, id, 40_000n);
      await lcAs("bankC").examine(pid, []);
      await lcAs("bankC").pay(pid, ethers.ZeroHash);
      let e = await f.confirmations.exposure(id);
      expect([e.drawn, e.outstanding]).to.deep.equal([40_000n, 65_000n]);
      const confirmedExpiry = e.confirmedExpiry;
      const amended = await amend(id);
      await conf("bankC").declineAmendment(id, amended, hash("advice"));
      await networkHelpers.time.increaseTo(confirmedExpiry + 1n);
      e = await f.confirmations.exposure(id);
      expect([e.confirmed, e.upToDate, e.bound, e.outstanding]).to.deep.equal([true, false, false, 0n]);
    });
  });
});
