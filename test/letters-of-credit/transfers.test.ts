import { expect } from "chai";
import { Interface, encodeBytes32String } from "ethers";
import { network } from "hardhat";
import type { ILcTransfers } from "@consortia/sdk/typechain/letters-of-credit/LcTransfers.js";
import { fund, passProposal } from "../helpers/consortium.js";
import {
  DAY,
  Kind,
  PresentationState,
  USD,
  deployLettersOfCredit,
  documents,
  hash,
  type LcFixture,
} from "./fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

/** ILcTransfers.TransferState / SecondPresentationState */
const Transfer = { None: 0, Requested: 1, Executed: 2, Declined: 3 } as const;
const Second = { None: 0, Presented: 1, Substituted: 2, LinkedAsReceived: 3, Paid: 4 } as const;
const DOCS = documents(Kind.INVOICE, Kind.TRANSPORT_DOCUMENT, Kind.INSURANCE);
const SUBSTITUTION_PERIOD = 5n * DAY;
const b32 = (text: string) => encodeBytes32String(text);

describe("LcTransfers: transferable LCs (UCP 600 art. 38) and back-to-back LCs", () => {
  /** The LC fixture; the first beneficiary (supplier1) funded and approving this contract (its escrow, art. 38h). */
  const fixture = async () => {
    const lcs = await deployLettersOfCredit(connection);
    await fund(lcs.platform, lcs.platform.accounts.supplier1, 1_000_000n);
    await lcs.platform.token.connect(lcs.platform.accounts.supplier1).approve(lcs.transfers, ethers.MaxUint256);
    return lcs;
  };
  let f: LcFixture;
  beforeEach(async () => {
    f = await networkHelpers.loadFixture(fixture);
  });
  type Name = keyof LcFixture["platform"]["accounts"];
  const acc = () => f.platform.accounts;
  const ids = () => f.platform.ids;
  const tr = (name: Name) => f.transfers.connect(acc()[name]);
  const lcAs = (name: Name) => f.lc.connect(acc()[name]);
  const balance = (name: Name) => f.platform.token.balanceOf(acc()[name]);
  const now = async () => BigInt(await networkHelpers.time.latest());
  const govern = (fn: "suspendMember" | "reinstateMember" | "blacklistAccount", arg: number | string) =>
    passProposal(
      f.platform,
      f.platform.registry,
      new Interface([`function ${fn}(${typeof arg === "number" ? "uint32" : "address"})`]).encodeFunctionData(fn, [
        arg,
      ]),
    );

  /** bankA issues for core to supplier1 (advised by bankB), supplier1 acknowledges; bankA designates it transferable. */
  async function transferableLc(overrides = {}, designate = true): Promise<bigint> {
    const terms = f.terms(overrides);
    const id = await lcAs("bankA").issue.staticCall(acc().core, terms);
    await lcAs("bankA").issue(acc().core, terms);
    await lcAs("bankB").advise(id);
    await lcAs("supplier1").acknowledge(id);
    if (designate) await tr("bankA").designateTransferable(id);
    return id;
  }

  const transferTerms = (
    overrides: Partial<ILcTransfers.TransferTermsStruct> = {},
  ): ILcTransfers.TransferTermsStruct => ({
    secondBeneficiary: acc().supplier2.address,
    amount: 60_000n,
    expiry: f.now + 80n * DAY,
    latestShipment: f.now + 50n * DAY,
    presentationPeriodDays: 10,
    termsHash: hash("transferred terms: unit price 9.50"),
    ...overrides,
  });

  async function request(lcId: bigint, overrides: Partial<ILcTransfers.TransferTermsStruct> = {}): Promise<bigint> {
    const terms = transferTerms(overrides);
    const id = await tr("supplier1").requestTransfer.staticCall(lcId, terms);
    await tr("supplier1").requestTransfer(lcId, terms);
    return id;
  }

  async function executed(lcId: bigint, overrides: Partial<ILcTransfers.TransferTermsStruct> = {}): Promise<bigint> {
    const id = await request(lcId, overrides);
    await tr("bankA").executeTransfer(id);
    return id;
  }

  async function secondPresents(transferId: bigint, amount: bigint, shippedDaysAgo = 1n): Promise<bigint> {
    const shipment = (await now()) - shippedDaysAgo * DAY;
    const args = [transferId, amount, hash(`second docs ${amount}`), shipment] as const;
    const id = await tr("supplier2").presentUnderTransfer.staticCall(...args);
    await tr("supplier2").presentUnderTransfer(...args);
    return id;
  }

  async function firstPresents(lcId: bigint, amount: bigint): Promise<bigint> {
    const pid = await lcAs("supplier1").present.staticCall(lcId, amount, DOCS);
    await lcAs("supplier1").present(lcId, amount, DOCS);
    return pid;
  }

  /** LC -> transfer of 60,000 -> second presents 60,000 -> first presents 70,000 and substitutes. */
  async function substituted(): Promise<{ lcId: bigint; transferId: bigint; spId: bigint; pid: bigint }> {
    const lcId = await transferableLc();
    const transferId = await executed(lcId);
    const spId = await secondPresents(transferId, 60_000n);
    const pid = await firstPresents(lcId, 70_000n);
    await tr("supplier1").substituteInvoice(pid, [spId], hash("first beneficiary's invoice"));
    return { lcId, transferId, spId, pid };
  }

  describe("designation (art. 38b)", () => {
    it("only the issuing bank designates, once, an open LC before expiry", async () => {
      const id = await transferableLc({}, false);
      await expect(tr("bankB").designateTransferable(id))
        .to.be.revertedWithCustomError(f.transfers, "TransferWrongParty")
        .withArgs(id, ids().bankB, ids().bankA);
      await expect(tr("supplier1").designateTransferable(id)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MissingRole",
      );
      await expect(tr("bankA").designateTransferable(id))
        .to.emit(f.transfers, "TransferableDesignated")
        .withArgs(id, ids().bankA);
      await expect(tr("bankA").designateTransferable(id)).to.be.revertedWithCustomError(
        f.transfers,
        "AlreadyTransferable",
      );
      const late = await transferableLc({}, false);
      await networkHelpers.time.increaseTo(f.now + 91n * DAY);
      await expect(tr("bankA").designateTransferable(late)).to.be.revertedWithCustomError(
        f.transfers,
        "TransferTooLate",
      );
    });

    it("an LC not designated cannot be transferred", async () => {
      const id = await transferableLc({}, false);
      await expect(tr("supplier1").requestTransfer(id, transferTerms()))
        .to.be.revertedWithCustomError(f.transfers, "NotTransferable")
        .withArgs(id);
    });
  });

  describe("request and execution (art. 38d, 38g)", () => {
    it("transfers part to a second beneficiary with reduced terms", async () => {
      const lcId = await transferableLc();
      const terms = transferTerms();
      const fingerprint = await f.transfers.lcFingerprint(lcId);
      const transferId = (lcId << 16n) | 1n;
      await expect(tr("supplier1").requestTransfer(lcId, terms))
        .to.emit(f.transfers, "TransferRequested")
        .withArgs(transferId, lcId, ids().supplier1, ids().supplier2, Object.values(terms), fingerprint);
      await expect(tr("bankA").executeTransfer(transferId))
        .to.emit(f.transfers, "TransferExecuted")
        .withArgs(transferId, lcId, ids().bankA, 60_000n, 60_000n);
      const t = await f.transfers.transfer(transferId);
      expect(t.state).to.equal(Transfer.Executed);
      expect(t.secondBeneficiary).to.equal(ids().supplier2);
      expect((await f.transfers.transferableCredit(lcId)).transferred).to.equal(60_000n);
      // 105,000 (5 % tolerance) less 60,000
      expect(await f.transfers.transferable(lcId)).to.equal(45_000n);
    });

    it("only the first beneficiary requests: a second beneficiary never transfers again (38d)", async () => {
      const lcId = await transferableLc();
      await executed(lcId);
      await expect(tr("supplier2").requestTransfer(lcId, transferTerms({ secondBeneficiary: acc().core.address })))
        .to.be.revertedWithCustomError(f.transfers, "TransferWrongParty")
        .withArgs(lcId, ids().supplier2, ids().supplier1);
      await expect(
        tr("supplier1").requestTransfer(lcId, transferTerms({ secondBeneficiary: acc().supplier1.address })),
      ).to.be.revertedWithCustomError(f.transfers, "InvalidValue");
    });

    it("refuses terms not reduced, earlier or shorter (38g)", async () => {
      const lcId = await transferableLc();
      const cases: [Partial<ILcTransfers.TransferTermsStruct>, string][] = [
        [{ expiry: f.now + 91n * DAY }, "expiry"],
        [{ latestShipment: f.now + 61n * DAY }, "latestShipment"],
        [{ latestShipment: 0n }, "latestShipment"],
        [{ presentationPeriodDays: 22 }, "presentationPeriod"],
        [{ presentationPeriodDays: 0 }, "presentationPeriod"],
      ];
      for (const [overrides, field] of cases) {
        await expect(tr("supplier1").requestTransfer(lcId, transferTerms(overrides)))
          .to.be.revertedWithCustomError(f.transfers, "TransferTermsExceedLc")
          .withArgs(lcId, b32(field));
      }
      await expect(tr("supplier1").requestTransfer(lcId, transferTerms({ amount: 105_001n })))
        .to.be.revertedWithCustomError(f.transfers, "TransferExceedsLc")
        .withArgs(lcId, 105_001n, 105_000n);
    });

    it("never transfers above amount plus tolerance across transfers (art. 30)", async () => {
      const lcId = await transferableLc();
      await executed(lcId, { amount: 60_000n });
      const second = await request(lcId, { amount: 45_000n, secondBeneficiary: acc().core.address });
      await tr("bankA").executeTransfer(second);
      expect(await f.transfers.transferable(lcId)).to.equal(0n);
      await expect(tr("supplier1").requestTransfer(lcId, transferTerms({ amount: 1n })))
        .to.be.revertedWithCustomError(f.transfers, "TransferExceedsLc")
        .withArgs(lcId, 1n, 0n);
    });

    it("two requests each within the LC cannot both be executed above it", async () => {
      const lcId = await transferableLc();
      const a = await request(lcId, { amount: 60_000n });
      const b = await request(lcId, { amount: 60_000n, secondBeneficiary: acc().core.address });
      await tr("bankA").executeTransfer(a);
      await expect(tr("bankA").executeTransfer(b))
        .to.be.revertedWithCustomError(f.transfers, "TransferExceedsLc")
        .withArgs(lcId, 60_000n, 45_000n);
    });

    it("without partial drawings, one second beneficiary only (38d)", async () => {
      const lcId = await transferableLc({ partialDrawings: false });
      await request(lcId, { amount: 100_000n });
      await expect(
        tr("supplier1").requestTransfer(lcId, transferTerms({ secondBeneficiary: acc().core.address })),
      ).to.be.revertedWithCustomError(f.transfers, "SeveralTransfersNotAllowed");
    });

    it("a declined transfer frees its place (38a)", async () => {
      const lcId = await transferableLc({ partialDrawings: false });
      const id = await request(lcId, { amount: 100_000n });
      await expect(tr("supplier1").declineTransfer(id)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MissingRole",
      );
      await expect(tr("bankA").declineTransfer(id)).to.emit(f.transfers, "TransferDeclined");
      await expect(tr("bankA").executeTransfer(id))
        .to.be.revertedWithCustomError(f.transfers, "TransferWrongState")
        .withArgs(id, Transfer.Declined);
      await request(lcId, { amount: 100_000n, secondBeneficiary: acc().core.address });
    });

    it("the transferring bank is the nominated bank when the LC names one", async () => {
      const lcId = await transferableLc({ nominatedBank: acc().bankC.address });
      const id = await request(lcId);
      await expect(tr("bankA").executeTransfer(id))
        .to.be.revertedWithCustomError(f.transfers, "TransferWrongParty")
        .withArgs(id, ids().bankA, ids().bankC);
      await tr("bankC").executeTransfer(id);
    });

    it("refuses execution once the LC was amended after the request", async () => {
      const lcId = await transferableLc();
      const id = await request(lcId);
      const requested = await f.lc.letterOfCredit(lcId);
      const amendment = {
        amount: 80_000n,
        expiry: requested.expiry,
        latestShipment: requested.latestShipment,
        termsHash: hash("full terms v2"),
      };
      await lcAs("bankA").proposeAmendment(lcId, amendment);
      await lcAs("supplier1").acceptAmendment(lcId, amendment);
      await expect(tr("bankA").executeTransfer(id))
        .to.be.revertedWithCustomError(f.transfers, "LcChangedSinceRequest")
        .withArgs(id, (await f.transfers.transfer(id)).lcFingerprint, await f.transfers.lcFingerprint(lcId));
      // requested again against the current terms: executed
      await executed(lcId);
    });

    it("refuses execution after the transferred expiry, and requests after the LC's", async () => {
      const lcId = await transferableLc();
      const id = await request(lcId, { expiry: f.now + 30n * DAY, latestShipment: f.now + 20n * DAY });
      await networkHelpers.time.increaseTo(f.now + 31n * DAY);
      await expect(tr("bankA").executeTransfer(id)).to.be.revertedWithCustomError(f.transfers, "TransferTooLate");
      await networkHelpers.time.increaseTo(f.now + 91n * DAY);
      await expect(tr("supplier1").requestTransfer(lcId, transferTerms())).to.be.revertedWithCustomError(
        f.transfers,
        "TransferTooLate",
      );
    });

    it("checks every party's standing when the bank executes", async () => {
      const lcId = await transferableLc();
      const id = await request(lcId);
      await govern("suspendMember", ids().supplier1);
      await expect(tr("bankA").executeTransfer(id))
        .to.be.revertedWithCustomError(f.platform.registry, "MemberNotActive")
        .withArgs(ids().supplier1, 2);
      await govern("reinstateMember", ids().supplier1);
      await govern("blacklistAccount", acc().supplier2.address);
      await expect(tr("bankA").executeTransfer(id)).to.be.revertedWithCustomError(
        f.platform.registry,
        "AccountNotActive",
      );
    });

    it("refuses a request naming a suspended second beneficiary", async () => {
      const lcId = await transferableLc();
      await govern("suspendMember", ids().supplier2);
      await expect(tr("supplier1").requestTransfer(lcId, transferTerms())).to.be.revertedWithCustomError(
        f.platform.registry,
        "MemberNotActive",
      );
    });
  });

  describe("the second beneficiary's presentation", () => {
    it("records documents within the transferred terms and time", async () => {
      const lcId = await transferableLc();
      const transferId = await executed(lcId);
      const spId = await secondPresents(transferId, 40_000n);
      expect(spId).to.equal((transferId << 16n) | 1n);
      const sp = await f.transfers.secondPresentation(spId);
      expect(sp.state).to.equal(Second.Presented);
      expect(sp.amount).to.equal(40_000n);
      await expect(secondPresents(transferId, 20_001n))
        .to.be.revertedWithCustomError(f.transfers, "TransferOverdrawn")
        .withArgs(transferId, 20_001n, 20_000n);
    });

    it("refuses the wrong party, a suspended second beneficiary, an unexecuted transfer", async () => {
      const lcId = await transferableLc();
      const requested = await request(lcId);
      await expect(
        tr("supplier2").presentUnderTransfer(requested, 1n, hash("d"), (await now()) - DAY),
      ).to.be.revertedWithCustomError(f.transfers, "TransferWrongState");
      await tr("bankA").executeTransfer(requested);
      await expect(tr("supplier1").presentUnderTransfer(requested, 1n, hash("d"), (await now()) - DAY))
        .to.be.revertedWithCustomError(f.transfers, "TransferWrongParty")
        .withArgs(requested, ids().supplier1, ids().supplier2);
      await govern("suspendMember", ids().supplier2);
      await expect(
        tr("supplier2").presentUnderTransfer(requested, 1n, hash("d"), (await now()) - DAY),
      ).to.be.revertedWithCustomError(f.platform.registry, "MemberNotActive");
    });

    it("refuses late shipment, late presentation and presentation after the transferred expiry (38g)", async () => {
      const lcId = await transferableLc();
      const transferId = await executed(lcId, { expiry: f.now + 40n * DAY, latestShipment: f.now + 20n * DAY });
      await networkHelpers.time.increaseTo(f.now + 25n * DAY);
      const spId = (transferId << 16n) | 1n;
      await expect(tr("supplier2").presentUnderTransfer(transferId, 1n, hash("d"), f.now + 21n * DAY))
        .to.be.revertedWithCustomError(f.transfers, "SecondPresentationNotCompliant")
        .withArgs(spId, b32("LATE_SHIPMENT"));
      // shipped 11 days ago, 10 days to present
      await expect(tr("supplier2").presentUnderTransfer(transferId, 1n, hash("d"), f.now + 14n * DAY - 1n))
        .to.be.revertedWithCustomError(f.transfers, "SecondPresentationNotCompliant")
        .withArgs(spId, b32("LATE_PRESENTATION"));
      await networkHelpers.time.increaseTo(f.now + 41n * DAY);
      await expect(
        tr("supplier2").presentUnderTransfer(transferId, 1n, hash("d"), f.now + 39n * DAY),
      ).to.be.revertedWithCustomError(f.transfers, "TransferTooLate");
    });
  });

  describe("the LC's own limits after execution", () => {
    it("refuses a second presentation after the LC's expiry, amended below the transferred one", async () => {
      const lcId = await transferableLc();
      const transferId = await executed(lcId);
      const amendment = {
        amount: 100_000n,
        expiry: f.now + 30n * DAY,
        latestShipment: f.now + 20n * DAY,
        termsHash: hash("full terms v2"),
      };
      await lcAs("bankA").proposeAmendment(lcId, amendment);
      await lcAs("supplier1").acceptAmendment(lcId, amendment);
      await networkHelpers.time.increaseTo(f.now + 31n * DAY);
      await expect(tr("supplier2").presentUnderTransfer(transferId, 1n, hash("d"), f.now + 25n * DAY))
        .to.be.revertedWithCustomError(f.transfers, "TransferTooLate")
        .withArgs(lcId, f.now + 30n * DAY);
    });
  });

  describe("substitution (38h), fallback (38i) and payment", () => {
    it("the first beneficiary substitutes; the bank pays the second only once the LC paid", async () => {
      const { spId, pid } = await substituted();
      expect((await f.transfers.secondPresentation(spId)).state).to.equal(Second.Substituted);
      expect((await f.transfers.link(pid)).linked).to.equal(60_000n);
      await expect(tr("bankA").paySecondBeneficiary(spId, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.transfers, "LcPresentationNotHonoured")
        .withArgs(pid, PresentationState.Presented);
      await lcAs("bankA").examine(pid, []);
      await lcAs("bankA").pay(pid, ethers.ZeroHash);
      const before = await balance("supplier2");
      await expect(tr("bankA").paySecondBeneficiary(spId, ethers.ZeroHash))
        .to.emit(f.transfers, "SecondBeneficiaryPaid")
        .withArgs(spId, pid, ids().bankA, acc().supplier2.address, 60_000n, ethers.ZeroHash);
      expect(await balance("supplier2")).to.equal(before + 60_000n);
      await expect(tr("bankA").paySecondBeneficiary(spId, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.transfers, "SecondPresentationWrongState")
        .withArgs(spId, Second.Paid);
      expect((await f.transfers.transferableCredit(pid >> 16n)).paidToSecond).to.equal(60_000n);
    });

    it("refuses a substitution below the second beneficiaries' total, by another party, or twice", async () => {
      const lcId = await transferableLc();
      const transferId = await executed(lcId);
      const a = await secondPresents(transferId, 30_000n);
      const b = await secondPresents(transferId, 30_000n);
      const small = await firstPresents(lcId, 50_000n);
      await expect(tr("supplier1").substituteInvoice(small, [a, b], hash("inv")))
        .to.be.revertedWithCustomError(f.transfers, "LinkNotAllowed")
        .withArgs(small, b);
      await expect(tr("supplier2").substituteInvoice(small, [a], hash("inv")))
        .to.be.revertedWithCustomError(f.transfers, "TransferWrongParty")
        .withArgs(lcId, ids().supplier2, ids().supplier1);
      await tr("supplier1").substituteInvoice(small, [a], hash("inv"));
      await expect(tr("supplier1").substituteInvoice(small, [b], hash("inv")))
        .to.be.revertedWithCustomError(f.transfers, "LinkNotAllowed")
        .withArgs(small, b);
      const other = await firstPresents(lcId, 40_000n);
      await expect(tr("supplier1").substituteInvoice(other, [a], hash("inv")))
        .to.be.revertedWithCustomError(f.transfers, "SecondPresentationWrongState")
        .withArgs(a, Second.Substituted);
    });

    it("refuses linking to another LC's presentation or a refused one", async () => {
      const lcId = await transferableLc();
      const transferId = await executed(lcId);
      const sp = await secondPresents(transferId, 30_000n);
      const otherLc = await transferableLc();
      const otherPid = await firstPresents(otherLc, 50_000n);
      await expect(tr("supplier1").substituteInvoice(otherPid, [sp], hash("inv")))
        .to.be.revertedWithCustomError(f.transfers, "LinkNotAllowed")
        .withArgs(otherPid, sp);
      const refused = await firstPresents(lcId, 50_000n);
      await lcAs("bankA").refuse(refused, [b32("LATE_SHIPMENT")], hash("notice"), false);
      await expect(tr("supplier1").substituteInvoice(refused, [sp], hash("inv")))
        .to.be.revertedWithCustomError(f.transfers, "LinkNotAllowed")
        .withArgs(refused, sp);
    });

    it("38i: the bank links as received only after its demand and the substitution period", async () => {
      const lcId = await transferableLc();
      const transferId = await executed(lcId);
      const spId = await secondPresents(transferId, 60_000n);
      const pid = await firstPresents(lcId, 60_000n);
      await expect(tr("bankA").linkAsReceived(pid, [spId]))
        .to.be.revertedWithCustomError(f.transfers, "SubstitutionPending")
        .withArgs(spId, 0);
      await expect(tr("supplier1").demandSubstitution(spId)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MissingRole",
      );
      await tr("bankA").demandSubstitution(spId);
      const demandedAt = await now();
      await expect(tr("bankA").linkAsReceived(pid, [spId]))
        .to.be.revertedWithCustomError(f.transfers, "SubstitutionPending")
        .withArgs(spId, demandedAt + SUBSTITUTION_PERIOD);
      await networkHelpers.time.increaseTo(demandedAt + SUBSTITUTION_PERIOD + 1n);
      await expect(tr("bankA").linkAsReceived(pid, [spId]))
        .to.emit(f.transfers, "PresentationsLinked")
        .withArgs(pid, lcId, ids().bankA, [spId], 60_000n, ethers.ZeroHash, true);
      await lcAs("bankA").examine(pid, []);
      await lcAs("bankA").pay(pid, hash("wire 1"));
      await tr("bankA").paySecondBeneficiary(spId, hash("wire 2"));
      expect((await f.transfers.secondPresentation(spId)).state).to.equal(Second.Paid);
    });

    it("pays only the transferring bank, a second beneficiary in good standing, in the settlement currency", async () => {
      const { spId, pid } = await substituted();
      await lcAs("bankA").examine(pid, []);
      await lcAs("bankA").pay(pid, ethers.ZeroHash);
      await expect(tr("bankB").paySecondBeneficiary(spId, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.transfers, "TransferWrongParty")
        .withArgs(spId, ids().bankB, ids().bankA);
      await govern("blacklistAccount", acc().supplier2.address);
      await expect(tr("bankA").paySecondBeneficiary(spId, ethers.ZeroHash)).to.be.revertedWithCustomError(
        f.platform.registry,
        "AccountNotActive",
      );
    });

    it("an accepted deferred presentation counts as honoured", async () => {
      const lcId = await transferableLc({ deferred: true, tenorDays: 90 });
      const transferId = await executed(lcId);
      const spId = await secondPresents(transferId, 60_000n);
      const pid = await firstPresents(lcId, 60_000n);
      await tr("supplier1").substituteInvoice(pid, [spId], hash("inv"));
      await lcAs("bankA").examine(pid, []);
      await lcAs("bankA").accept(pid, (await now()) + 30n * DAY);
      // escrowed: paid out of the first beneficiary's money, never by an off-chain reference
      await expect(tr("bankA").paySecondBeneficiary(spId, hash("wire")))
        .to.be.revertedWithCustomError(f.transfers, "EscrowedPayment")
        .withArgs(spId);
      await tr("bankA").paySecondBeneficiary(spId, ethers.ZeroHash);
    });

    it("a nominated bank's acceptance, unconfirmed, does not bind the issuing bank (art. 12a)", async () => {
      const lcId = await transferableLc({ deferred: true, tenorDays: 90, nominatedBank: acc().bankC.address });
      const id = await request(lcId);
      await tr("bankC").executeTransfer(id);
      const spId = await secondPresents(id, 60_000n);
      const pid = await firstPresents(lcId, 60_000n);
      await tr("supplier1").substituteInvoice(pid, [spId], hash("inv"));
      await lcAs("bankC").examine(pid, []);
      await f.positions.connect(acc().bankC).setCreditLine(ids().bankA, 1_000_000n);
      await lcAs("bankC").accept(pid, (await now()) + 30n * DAY);
      await expect(tr("bankC").paySecondBeneficiary(spId, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.transfers, "LcPresentationNotHonoured")
        .withArgs(pid, PresentationState.Accepted);
      await lcAs("bankC").confirm(lcId);
      await tr("bankC").paySecondBeneficiary(spId, ethers.ZeroHash);
      expect((await f.transfers.secondPresentation(spId)).state).to.equal(Second.Paid);
    });

    it("the bank pays the presentation once: the second beneficiary out of the first's escrow (conservation)", async () => {
      const parties = ["bankA", "supplier1", "supplier2"] as const;
      const before = await Promise.all(parties.map((name) => balance(name)));
      const held = await f.platform.token.balanceOf(f.transfers);
      const { spId, pid } = await substituted();
      expect(await f.platform.token.balanceOf(f.transfers)).to.equal(held + 60_000n);
      await lcAs("bankA").examine(pid, []);
      await lcAs("bankA").pay(pid, ethers.ZeroHash);
      await tr("bankA").paySecondBeneficiary(spId, ethers.ZeroHash);
      const after = await Promise.all(parties.map((name) => balance(name)));
      const delta = after.map((value, i) => value - before[i]);
      // the review's attack: the bank was out 130,000 for a 70,000 presentation
      expect(delta).to.deep.equal([-70_000n, 10_000n, 60_000n]);
      expect(delta.reduce((a, b) => a + b, 0n)).to.equal(0n);
      expect(await f.platform.token.balanceOf(f.transfers)).to.equal(held);
    });

    it("a substitution without the first beneficiary's money fails", async () => {
      const lcId = await transferableLc();
      const transferId = await executed(lcId);
      const spId = await secondPresents(transferId, 60_000n);
      const pid = await firstPresents(lcId, 70_000n);
      await f.platform.token.connect(acc().supplier1).approve(f.transfers, 0n);
      await expect(tr("supplier1").substituteInvoice(pid, [spId], hash("inv"))).to.be.revertedWithCustomError(
        f.platform.token,
        "ERC20InsufficientAllowance",
      );
    });

    it("a refused decoy presentation no longer blocks the second beneficiary: unlink refunds the escrow", async () => {
      const lcId = await transferableLc();
      const transferId = await executed(lcId);
      const spId = await secondPresents(transferId, 60_000n);
      const decoy = await firstPresents(lcId, 60_000n);
      await tr("supplier1").substituteInvoice(decoy, [spId], hash("inv"));
      await expect(tr("supplier2").unlink(spId))
        .to.be.revertedWithCustomError(f.transfers, "LcPresentationNotRefused")
        .withArgs(decoy, PresentationState.Presented);
      await lcAs("bankA").refuse(decoy, [b32("DISCREPANT")], hash("notice"), false);
      const first = await balance("supplier1");
      await expect(tr("supplier2").unlink(spId))
        .to.emit(f.transfers, "PresentationUnlinked")
        .withArgs(spId, decoy, 60_000n);
      expect(await balance("supplier1")).to.equal(first + 60_000n);
      const sp = await f.transfers.secondPresentation(spId);
      expect([sp.state, sp.lcPresentationId, sp.substitutionDemandedAt]).to.deep.equal([Second.Presented, 0n, 0n]);
      expect((await f.transfers.link(decoy)).linked).to.equal(0n);
      await expect(tr("supplier2").unlink(spId))
        .to.be.revertedWithCustomError(f.transfers, "SecondPresentationWrongState")
        .withArgs(spId, Second.Presented);
      // the review's sequence: the real presentation is paid and the second beneficiary with it
      const real = await firstPresents(lcId, 70_000n);
      await tr("supplier1").substituteInvoice(real, [spId], hash("inv 2"));
      await lcAs("bankA").examine(real, []);
      await lcAs("bankA").pay(real, ethers.ZeroHash);
      const second = await balance("supplier2");
      await tr("bankA").paySecondBeneficiary(spId, ethers.ZeroHash);
      expect(await balance("supplier2")).to.equal(second + 60_000n);
    });

    it("unlinks a link as received without refund (the bank's own risk, 38i)", async () => {
      const lcId = await transferableLc();
      const transferId = await executed(lcId);
      const spId = await secondPresents(transferId, 60_000n);
      const pid = await firstPresents(lcId, 60_000n);
      await tr("bankA").demandSubstitution(spId);
      await networkHelpers.time.increase(SUBSTITUTION_PERIOD + 1n);
      await tr("bankA").linkAsReceived(pid, [spId]);
      await lcAs("bankA").refuse(pid, [b32("DISCREPANT")], hash("notice"), false);
      await expect(tr("bankA").unlink(spId)).to.emit(f.transfers, "PresentationUnlinked").withArgs(spId, pid, 0n);
      expect((await f.transfers.secondPresentation(spId)).substitutionDemandedAt).to.equal(0n);
    });

    it("refuses token payment outside the settlement currency", async () => {
      const lcId = await transferableLc({ currency: USD });
      const transferId = await executed(lcId);
      const spId = await secondPresents(transferId, 60_000n);
      const pid = await firstPresents(lcId, 60_000n);
      await tr("supplier1").substituteInvoice(pid, [spId], hash("inv"));
      await lcAs("bankA").examine(pid, []);
      await lcAs("bankA").pay(pid, hash("wire 1"));
      await expect(tr("bankA").paySecondBeneficiary(spId, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.transfers, "TransferCurrencyNotSettleable")
        .withArgs(lcId, USD);
      await tr("bankA").paySecondBeneficiary(spId, hash("wire 2"));
    });
  });

  describe("back-to-back LCs", () => {
    /** supplier1 (the master's beneficiary) applies through bankC for supplier2. */
    async function backLc(overrides = {}): Promise<bigint> {
      const terms = f.terms({
        beneficiary: acc().supplier2.address,
        amount: 90_000n,
        expiry: f.now + 80n * DAY,
        latestShipment: f.now + 50n * DAY,
        ...overrides,
      });
      const id = await lcAs("bankC").issue.staticCall(acc().supplier1, terms);
      await lcAs("bankC").issue(acc().supplier1, terms);
      return id;
    }

    it("the back-to-back LC's issuing bank links it to its master", async () => {
      const master = await transferableLc({}, false);
      const back = await backLc();
      await expect(tr("bankA").linkBackToBack(back, master))
        .to.be.revertedWithCustomError(f.transfers, "TransferWrongParty")
        .withArgs(back, ids().bankA, ids().bankC);
      await expect(tr("bankC").linkBackToBack(back, master))
        .to.emit(f.transfers, "BackToBackLinked")
        .withArgs(back, master, ids().bankC);
      expect(await f.transfers.masterOf(back)).to.equal(master);
      await expect(tr("bankC").linkBackToBack(back, master))
        .to.be.revertedWithCustomError(f.transfers, "AlreadyLinked")
        .withArgs(back, master);
    });

    it("refuses a back-to-back above its master, expiring with or after it, of another applicant", async () => {
      const master = await transferableLc({}, false);
      const cases: [object, string][] = [
        [{ amount: 101_000n }, "amount"],
        [{ expiry: f.now + 90n * DAY }, "expiry"],
        [{ latestShipment: f.now + 61n * DAY }, "latestShipment"],
        [{ currency: USD }, "currency"],
      ];
      for (const [overrides, field] of cases) {
        const back = await backLc(overrides);
        await expect(tr("bankC").linkBackToBack(back, master))
          .to.be.revertedWithCustomError(f.transfers, "BackToBackMismatch")
          .withArgs(back, master, b32(field));
      }
      const terms = f.terms({ beneficiary: acc().supplier2.address, amount: 90_000n, expiry: f.now + 80n * DAY });
      const other = await lcAs("bankC").issue.staticCall(acc().core, terms);
      await lcAs("bankC").issue(acc().core, terms);
      await expect(tr("bankC").linkBackToBack(other, master))
        .to.be.revertedWithCustomError(f.transfers, "BackToBackMismatch")
        .withArgs(other, master, b32("applicant"));
    });

    it("refuses a link once the master expired or its beneficiary is suspended", async () => {
      const master = await transferableLc({}, false);
      const back = await backLc();
      await govern("suspendMember", ids().supplier1);
      await expect(tr("bankC").linkBackToBack(back, master)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MemberNotActive",
      );
      await govern("reinstateMember", ids().supplier1);
      await networkHelpers.time.increaseTo(f.now + 81n * DAY);
      await expect(tr("bankC").linkBackToBack(back, master)).to.be.revertedWithCustomError(
        f.transfers,
        "TransferTooLate",
      );
    });
  });

  it("pause stops every step", async () => {
    const lcId = await transferableLc({}, false);
    const pause = new Interface(["function pause()"]).encodeFunctionData("pause");
    await passProposal(f.platform, f.transfers, pause);
    await expect(tr("bankA").designateTransferable(lcId)).to.be.revertedWithCustomError(f.transfers, "EnforcedPause");
  });
});
