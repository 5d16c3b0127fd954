import { expect } from "chai";
import { network } from "hardhat";
import { passProposal } from "../helpers/consortium.js";
import {
  CNY,
  DAY,
  Kind,
  LcState,
  PresentationState,
  USD,
  code,
  deployLettersOfCredit,
  documents,
  hash,
  kindMask,
  operativeLc,
  presentDocs,
  type LcFixture,
} from "./fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const ZERO = ethers.ZeroHash;

describe("LetterOfCredit", () => {
  const fixture = () => deployLettersOfCredit(connection);
  let f: LcFixture;
  beforeEach(async () => {
    f = await networkHelpers.loadFixture(fixture);
  });
  const acc = () => f.platform.accounts;
  const ids = () => f.platform.ids;
  const as = (name: keyof LcFixture["platform"]["accounts"]) => f.lc.connect(acc()[name]);

  describe("issue and application", () => {
    it("issues an LC storing every term, with parties as member ids", async () => {
      const terms = f.terms({
        nominatedBank: acc().bankC.address,
        deferred: true,
        tenorDays: 90,
      });
      await expect(as("bankA").issue(acc().core, terms))
        .to.emit(f.lc, "LetterOfCreditIssued")
        .withArgs(1n, ids().core, ids().bankA, [ids().bankB, ids().supplier1, ids().bankC], Object.values(terms));
      const lc = await f.lc.letterOfCredit(1);
      expect(lc.applicant).to.equal(ids().core);
      expect(lc.issuingBank).to.equal(ids().bankA);
      expect(lc.advisingBank).to.equal(ids().bankB);
      expect(lc.beneficiary).to.equal(ids().supplier1);
      expect(lc.nominatedBank).to.equal(ids().bankC);
      expect(lc.state).to.equal(LcState.Issued);
      expect(lc.flags).to.equal(1 | 2); // deferred, partial drawings
      expect(lc.tolerancePlus).to.equal(5);
      expect(lc.toleranceMinus).to.equal(5);
      expect(lc.expiry).to.equal(terms.expiry);
      expect(lc.tenorDays).to.equal(90);
      expect(lc.amount).to.equal(100_000n);
      expect(lc.drawn).to.equal(0n);
      expect(lc.reserved).to.equal(0n);
      expect(lc.presentationCount).to.equal(0);
      expect(lc.termsHash).to.equal(terms.termsHash);
      expect(lc.beneficiaryAccount).to.equal(acc().supplier1.address);
      expect(lc.latestShipment).to.equal(terms.latestShipment);
      expect(lc.requiredDocuments).to.equal(terms.requiredDocuments);
      expect(lc.currency).to.equal(CNY);
      expect(await f.lc.available(1)).to.equal(105_000n);
      expect(await f.lc.letterOfCreditCount()).to.equal(1n);
    });

    it("stores extreme values without spilling into neighbouring fields", async () => {
      const max80 = (1n << 80n) - 1n;
      const amount = (max80 * 100n) / 110n;
      const terms = f.terms({
        amount,
        tolerancePlus: 10,
        toleranceMinus: 10,
        deferred: true,
        tenorDays: 65_535,
        expiry: (1n << 40n) - 1n,
        latestShipment: (1n << 40n) - 1n,
        requiredDocuments: 0xfffffffe,
        currency: "0xffffff",
        partialDrawings: false,
      });
      await as("bankA").issue(acc().core, terms);
      const lc = await f.lc.letterOfCredit(1);
      expect([lc.amount, lc.tolerancePlus, lc.toleranceMinus, lc.tenorDays, lc.expiry]).to.deep.equal([
        amount,
        10n,
        10n,
        65_535n,
        (1n << 40n) - 1n,
      ]);
      expect([lc.latestShipment, lc.requiredDocuments, lc.currency, lc.flags]).to.deep.equal([
        (1n << 40n) - 1n,
        0xfffffffen,
        "0xffffff",
        1n,
      ]);
      expect(lc.beneficiaryAccount).to.equal(acc().supplier1.address);
      expect(lc.state).to.equal(LcState.Issued);
    });

    it("only a bank issues, only for a trader applicant and beneficiary", async () => {
      await expect(as("supplier1").issue(acc().core, f.terms())).to.be.revertedWithCustomError(
        f.platform.registry,
        "MissingRole",
      );
      await expect(as("bankA").issue(acc().bankB, f.terms())).to.be.revertedWithCustomError(
        f.platform.registry,
        "MissingRole",
      );
      await expect(
        as("bankA").issue(acc().core, f.terms({ beneficiary: acc().supplier3.address })),
      ).to.be.revertedWithCustomError(f.platform.registry, "MissingRole");
      await expect(
        as("bankA").issue(acc().core, f.terms({ advisingBank: acc().core.address })),
      ).to.be.revertedWithCustomError(f.platform.registry, "MissingRole");
      await expect(
        as("bankA").issue(acc().core, f.terms({ nominatedBank: acc().core.address })),
      ).to.be.revertedWithCustomError(f.platform.registry, "MissingRole");
      await expect(
        as("bankA").issue(acc().core, f.terms({ beneficiary: f.platform.outsiders[0].address })),
      ).to.be.revertedWithCustomError(f.platform.registry, "UnknownAccount");
    });

    it("rejects invalid terms, naming the field", async () => {
      const cases: [string, Parameters<LcFixture["terms"]>[0]][] = [
        ["amount", { amount: 0n }],
        ["amount", { amount: (1n << 80n) - 1n, tolerancePlus: 10 }],
        ["currency", { currency: "0x000000" }],
        ["tolerancePlus", { tolerancePlus: 11 }],
        ["toleranceMinus", { toleranceMinus: 11 }],
        ["expiry", { expiry: f.now }],
        ["latestShipment", { latestShipment: f.now + 91n * DAY }],
        ["tenorDays", { deferred: true, tenorDays: 0 }],
        ["tenorDays", { deferred: false, tenorDays: 30 }],
        ["requiredDocuments", { requiredDocuments: 0 }],
        ["requiredDocuments", { requiredDocuments: 1 | kindMask(Kind.INVOICE) }],
        ["termsHash", { termsHash: ZERO }],
        ["beneficiary", { beneficiary: acc().core.address }],
        ["nominatedBank", { nominatedBank: acc().bankA.address }],
      ];
      for (const [field, override] of cases) {
        await expect(as("bankA").issue(acc().core, f.terms(override)), field)
          .to.be.revertedWithCustomError(f.lc, "InvalidValue")
          .withArgs(ethers.encodeBytes32String(field));
      }
    });

    it("an applicant applies and the issuing bank approves: the LC is issued on the applied terms", async () => {
      const terms = f.terms();
      await expect(as("core").submitApplication(acc().bankA, terms))
        .to.emit(f.lc, "LetterOfCreditApplied")
        .withArgs(1n, ids().core, ids().bankA, [ids().bankB, ids().supplier1, 0], Object.values(terms));
      expect((await f.lc.letterOfCredit(1)).state).to.equal(LcState.Applied);
      await expect(as("bankB").approveApplication(1))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongParty")
        .withArgs(1n, ids().bankB, ids().bankA);
      await expect(as("bankB").advise(1))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongState")
        .withArgs(1n, LcState.Applied, LcState.Issued);
      await expect(as("bankA").approveApplication(1)).to.emit(f.lc, "ApplicationApproved").withArgs(1n, ids().bankA);
      expect((await f.lc.letterOfCredit(1)).state).to.equal(LcState.Issued);
      await expect(as("bankA").approveApplication(1)).to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongState");
    });

    it("only a trader applies, and only to a bank", async () => {
      await expect(as("bankB").submitApplication(acc().bankA, f.terms())).to.be.revertedWithCustomError(
        f.platform.registry,
        "MissingRole",
      );
      await expect(as("core").submitApplication(acc().supplier2, f.terms())).to.be.revertedWithCustomError(
        f.platform.registry,
        "MissingRole",
      );
    });

    it("the issuing bank declines an application for good; an expired application cannot be approved", async () => {
      await as("core").submitApplication(acc().bankA, f.terms());
      await expect(as("core").declineApplication(1, hash("no"))).to.be.revertedWithCustomError(
        f.platform.registry,
        "MissingRole",
      );
      await expect(as("bankA").declineApplication(1, hash("credit limit")))
        .to.emit(f.lc, "ApplicationDeclined")
        .withArgs(1n, ids().bankA, hash("credit limit"));
      await expect(as("bankA").approveApplication(1))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongState")
        .withArgs(1n, LcState.Declined, LcState.Applied);
      await as("core").submitApplication(acc().bankA, f.terms());
      await networkHelpers.time.increase(91n * DAY);
      await expect(as("bankA").approveApplication(2)).to.be.revertedWithCustomError(f.lc, "LetterOfCreditExpired");
      await expect(as("core").expire(2)).to.emit(f.lc, "LetterOfCreditClosed").withArgs(2n, LcState.Expired, 0n);
    });

    it("reverts for unknown LCs and presentations", async () => {
      await expect(f.lc.letterOfCredit(9)).to.be.revertedWithCustomError(f.lc, "LetterOfCreditUnknown").withArgs(9n);
      await expect(as("bankB").advise(9)).to.be.revertedWithCustomError(f.lc, "LetterOfCreditUnknown");
      await expect(f.lc.presentation(9)).to.be.revertedWithCustomError(f.lc, "PresentationUnknown").withArgs(9n);
      await expect(as("bankA").examine(9, [])).to.be.revertedWithCustomError(f.lc, "PresentationUnknown");
      await expect(f.lc.available(9)).to.be.revertedWithCustomError(f.lc, "LetterOfCreditUnknown");
    });
  });

  describe("advice, acknowledgement and confirmation", () => {
    beforeEach(async () => {
      await as("bankA").issue(acc().core, f.terms({ nominatedBank: acc().bankC.address }));
    });

    it("only the advising bank advises, once, and only the beneficiary acknowledges after advice", async () => {
      await expect(as("supplier1").acknowledge(1))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongState")
        .withArgs(1n, LcState.Issued, LcState.Advised);
      await expect(as("bankC").advise(1))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongParty")
        .withArgs(1n, ids().bankC, ids().bankB);
      await expect(as("bankB").advise(1))
        .to.emit(f.lc, "LetterOfCreditAdvised")
        .withArgs(1n, ids().bankB, acc().bankB.address);
      await expect(as("bankB").advise(1)).to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongState");
      await expect(as("supplier2").acknowledge(1))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongParty")
        .withArgs(1n, ids().supplier2, ids().supplier1);
      await expect(as("supplier1").acknowledge(1))
        .to.emit(f.lc, "LetterOfCreditAcknowledged")
        .withArgs(1n, ids().supplier1, acc().supplier1.address);
      expect((await f.lc.letterOfCredit(1)).state).to.equal(LcState.Acknowledged);
    });

    it("nothing is advised or acknowledged after expiry", async () => {
      await networkHelpers.time.increase(91n * DAY);
      await expect(as("bankB").advise(1)).to.be.revertedWithCustomError(f.lc, "LetterOfCreditExpired");
    });

    it("only the nominated bank confirms, once", async () => {
      await expect(as("bankB").confirm(1))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongParty")
        .withArgs(1n, ids().bankB, ids().bankC);
      await expect(as("bankC").confirm(1)).to.emit(f.lc, "LetterOfCreditConfirmed").withArgs(1n, ids().bankC);
      expect((await f.lc.letterOfCredit(1)).flags & 4n).to.equal(4n);
      await expect(as("bankC").confirm(1)).to.be.revertedWithCustomError(f.lc, "AlreadyConfirmed").withArgs(1n);
      await as("bankA").issue(acc().core, f.terms());
      await expect(as("bankC").confirm(2))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongParty")
        .withArgs(2n, ids().bankC, 0);
    });
  });

  describe("amendments", () => {
    let lcId: bigint;
    const amendment = () => ({
      amount: 150_000n,
      expiry: f.now + 120n * DAY,
      latestShipment: f.now + 100n * DAY,
      termsHash: hash("full terms v2"),
    });
    beforeEach(async () => {
      lcId = await operativeLc(f);
    });

    it("an amendment changes nothing until the beneficiary accepts it, then binds", async () => {
      const a = amendment();
      const amendmentHash = ethers.keccak256(
        ethers.AbiCoder.defaultAbiCoder().encode(
          ["uint256", "tuple(uint80,uint40,uint40,bytes32)"],
          [lcId, Object.values(a)],
        ),
      );
      const before = await f.lc.letterOfCredit(lcId);
      await expect(as("bankA").proposeAmendment(lcId, a))
        .to.emit(f.lc, "AmendmentProposed")
        .withArgs(lcId, ids().bankA, amendmentHash, Object.values(a));
      expect(await f.lc.letterOfCredit(lcId)).to.deep.equal(before);
      expect(await f.lc.pendingAmendment(lcId)).to.equal(amendmentHash);
      await expect(as("supplier1").acceptAmendment(lcId, a))
        .to.emit(f.lc, "AmendmentAccepted")
        .withArgs(lcId, ids().supplier1, amendmentHash, Object.values(a));
      const after = await f.lc.letterOfCredit(lcId);
      expect([after.amount, after.expiry, after.latestShipment, after.termsHash]).to.deep.equal(Object.values(a));
      expect(await f.lc.pendingAmendment(lcId)).to.equal(ZERO);
    });

    it("a rejected amendment changes nothing and cannot be accepted afterwards", async () => {
      const before = await f.lc.letterOfCredit(lcId);
      await as("bankA").proposeAmendment(lcId, amendment());
      await expect(as("supplier1").rejectAmendment(lcId)).to.emit(f.lc, "AmendmentRejected");
      expect(await f.lc.letterOfCredit(lcId)).to.deep.equal(before);
      await expect(as("supplier1").acceptAmendment(lcId, amendment()))
        .to.be.revertedWithCustomError(f.lc, "AmendmentMismatch")
        .withArgs(lcId);
      await expect(as("supplier1").rejectAmendment(lcId)).to.be.revertedWithCustomError(f.lc, "AmendmentMismatch");
    });

    it("the beneficiary can only accept exactly what was proposed", async () => {
      await as("bankA").proposeAmendment(lcId, amendment());
      await expect(
        as("supplier1").acceptAmendment(lcId, {
          ...amendment(),
          amount: 999_999n,
        }),
      ).to.be.revertedWithCustomError(f.lc, "AmendmentMismatch");
    });

    it("only the issuing bank proposes, one at a time; only the beneficiary answers", async () => {
      await expect(as("bankB").proposeAmendment(lcId, amendment()))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongParty")
        .withArgs(lcId, ids().bankB, ids().bankA);
      await as("bankA").proposeAmendment(lcId, amendment());
      await expect(as("bankA").proposeAmendment(lcId, amendment()))
        .to.be.revertedWithCustomError(f.lc, "AmendmentPending")
        .withArgs(lcId);
      await expect(as("core").acceptAmendment(lcId, amendment()))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongParty")
        .withArgs(lcId, ids().core, ids().supplier1);
      await expect(as("core").rejectAmendment(lcId)).to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongParty");
    });

    it("rejects invalid amendments", async () => {
      const cases: [string, object][] = [
        ["amount", { amount: 0n }],
        ["amount", { amount: (1n << 80n) - 1n }],
        ["expiry", { expiry: f.now }],
        ["latestShipment", { latestShipment: f.now + 121n * DAY }],
        ["termsHash", { termsHash: ZERO }],
      ];
      for (const [field, override] of cases) {
        await expect(as("bankA").proposeAmendment(lcId, { ...amendment(), ...override }), field)
          .to.be.revertedWithCustomError(f.lc, "InvalidValue")
          .withArgs(ethers.encodeBytes32String(field));
      }
    });

    it("an amendment cannot bring the amount below what is drawn and reserved", async () => {
      await presentDocs(f, lcId, 80_000n);
      const low = { ...amendment(), amount: 70_000n }; // 73,500 with tolerance < 80,000 reserved
      await as("bankA").proposeAmendment(lcId, low);
      await expect(as("supplier1").acceptAmendment(lcId, low))
        .to.be.revertedWithCustomError(f.lc, "AmendmentBelowCommitted")
        .withArgs(lcId, 73_500n, 80_000n);
    });

    it("nothing is amended after expiry", async () => {
      await as("bankA").proposeAmendment(lcId, amendment());
      await networkHelpers.time.increase(91n * DAY);
      await expect(as("supplier1").acceptAmendment(lcId, amendment())).to.be.revertedWithCustomError(
        f.lc,
        "LetterOfCreditExpired",
      );
      await expect(as("bankA").proposeAmendment(lcId, amendment())).to.be.revertedWithCustomError(
        f.lc,
        "LetterOfCreditExpired",
      );
    });
  });

  describe("presentation and examination", () => {
    let lcId: bigint;
    beforeEach(async () => {
      lcId = await operativeLc(f);
    });

    it("records a presentation reserving its amount, with presented document kinds", async () => {
      const docs = documents(Kind.INVOICE, Kind.TRANSPORT_DOCUMENT, Kind.OTHER);
      const pid = (lcId << 16n) | 1n;
      await expect(as("supplier1").present(lcId, 40_000n, docs))
        .to.emit(f.lc, "DocumentsPresented")
        .withArgs(
          pid,
          lcId,
          ids().supplier1,
          acc().supplier1.address,
          40_000n,
          docs.map(Object.values),
          kindMask(Kind.INVOICE, Kind.TRANSPORT_DOCUMENT),
          40_000n,
        );
      const p = await f.lc.presentation(pid);
      expect(p.state).to.equal(PresentationState.Presented);
      expect(p.amount).to.equal(40_000n);
      expect(p.maturity).to.equal(0n);
      expect((await f.lc.letterOfCredit(lcId)).reserved).to.equal(40_000n);
      expect(await f.lc.available(lcId)).to.equal(65_000n);
    });

    it("only the beneficiary presents, only on an acknowledged LC, before expiry", async () => {
      await expect(as("core").present(lcId, 1n, documents(Kind.INVOICE)))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongParty")
        .withArgs(lcId, ids().core, ids().supplier1);
      await as("bankA").issue(acc().core, f.terms());
      await expect(as("supplier1").present(2, 1n, documents(Kind.INVOICE)))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongState")
        .withArgs(2n, LcState.Issued, LcState.Acknowledged);
      const expiry = (await f.lc.letterOfCredit(lcId)).expiry;
      await networkHelpers.time.increaseTo(expiry + 1n);
      await expect(as("supplier1").present(lcId, 1n, documents(Kind.INVOICE)))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditExpired")
        .withArgs(lcId, expiry);
    });

    it("rejects bad presentations: zero amount, no or too many documents, empty hash, above amount plus tolerance", async () => {
      await expect(as("supplier1").present(lcId, 0n, documents(Kind.INVOICE)))
        .to.be.revertedWithCustomError(f.lc, "InvalidValue")
        .withArgs(ethers.encodeBytes32String("amount"));
      await expect(as("supplier1").present(lcId, 1n, []))
        .to.be.revertedWithCustomError(f.lc, "InvalidListLength")
        .withArgs(ethers.encodeBytes32String("documents"), 0n, 16n);
      await expect(
        as("supplier1").present(lcId, 1n, documents(...Array(17).fill(Kind.INVOICE))),
      ).to.be.revertedWithCustomError(f.lc, "InvalidListLength");
      await expect(as("supplier1").present(lcId, 1n, [{ contentHash: ZERO, uriHash: ZERO, kind: 2 }]))
        .to.be.revertedWithCustomError(f.lc, "InvalidValue")
        .withArgs(ethers.encodeBytes32String("contentHash"));
      await expect(as("supplier1").present(lcId, 105_001n, documents(Kind.INVOICE)))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditOverdrawn")
        .withArgs(lcId, 105_001n, 105_000n);
      await presentDocs(f, lcId, 100_000n);
      await expect(as("supplier1").present(lcId, 5_001n, documents(Kind.INVOICE)))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditOverdrawn")
        .withArgs(lcId, 5_001n, 5_000n);
    });

    it("without partial drawings: one drawing of at least amount less the minus tolerance", async () => {
      const single = await operativeLc(f, { partialDrawings: false });
      await expect(as("supplier1").present(single, 94_999n, documents(Kind.INVOICE)))
        .to.be.revertedWithCustomError(f.lc, "DrawingBelowMinimum")
        .withArgs(single, 94_999n, 95_000n);
      const pid = await presentDocs(f, single, 95_000n);
      await expect(as("supplier1").present(single, 95_000n, documents(Kind.INVOICE)))
        .to.be.revertedWithCustomError(f.lc, "PartialDrawingsNotAllowed")
        .withArgs(single);
      await as("bankA").examine(pid, []);
      await expect(as("bankA").pay(pid, ZERO))
        .to.emit(f.lc, "LetterOfCreditClosed")
        .withArgs(single, LcState.FullyDrawn, 95_000n);
      await expect(as("supplier1").present(single, 1n, documents(Kind.INVOICE)))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongState")
        .withArgs(single, LcState.FullyDrawn, LcState.Acknowledged);
    });

    it("a discrepant presentation, waived by the applicant, is paid; a compliant one is paid", async () => {
      const pid = await presentDocs(f, lcId, 40_000n);
      const discrepancies = [code("LATE_SHIPMENT"), hash("invoice amount differs from draft")];
      await expect(as("bankA").examine(pid, discrepancies))
        .to.emit(f.lc, "PresentationExamined")
        .withArgs(pid, lcId, ids().bankA, PresentationState.Discrepant, discrepancies);
      await expect(as("bankA").pay(pid, ZERO))
        .to.be.revertedWithCustomError(f.lc, "PresentationWrongState")
        .withArgs(pid, PresentationState.Discrepant, PresentationState.Compliant);
      await expect(as("supplier1").waiveDiscrepancies(pid))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongParty")
        .withArgs(lcId, ids().supplier1, ids().core);
      await expect(as("core").waiveDiscrepancies(pid))
        .to.emit(f.lc, "DiscrepanciesWaived")
        .withArgs(pid, lcId, ids().core);
      await expect(as("core").waiveDiscrepancies(pid)).to.be.revertedWithCustomError(f.lc, "PresentationWrongState");
      await expect(as("bankA").pay(pid, ZERO)).to.changeTokenBalances(
        ethers,
        f.platform.token,
        [acc().bankA, acc().supplier1],
        [-40_000n, 40_000n],
      );
      const second = await presentDocs(f, lcId, 10_000n);
      await expect(as("bankA").examine(second, []))
        .to.emit(f.lc, "PresentationExamined")
        .withArgs(second, lcId, ids().bankA, PresentationState.Compliant, []);
      await expect(as("bankA").pay(second, ZERO))
        .to.emit(f.lc, "PresentationPaid")
        .withArgs(second, lcId, ids().bankA, acc().supplier1.address, 10_000n, ZERO, 50_000n);
      const lc = await f.lc.letterOfCredit(lcId);
      expect([lc.drawn, lc.reserved, lc.state]).to.deep.equal([50_000n, 0n, BigInt(LcState.Acknowledged)]);
    });

    it("only the honouring bank examines, once, with a bounded list of discrepancies", async () => {
      const pid = await presentDocs(f, lcId, 1_000n);
      await expect(as("bankB").examine(pid, []))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongParty")
        .withArgs(lcId, ids().bankB, ids().bankA);
      await expect(as("bankA").examine(pid, Array(17).fill(code("X"))))
        .to.be.revertedWithCustomError(f.lc, "InvalidListLength")
        .withArgs(ethers.encodeBytes32String("discrepancies"), 17n, 16n);
      await as("bankA").examine(pid, []);
      await expect(as("bankA").examine(pid, []))
        .to.be.revertedWithCustomError(f.lc, "PresentationWrongState")
        .withArgs(pid, PresentationState.Compliant, PresentationState.Presented);
    });

    it("the bank refuses with its notice, returning the documents and releasing the amount; not once honoured", async () => {
      const pid = await presentDocs(f, lcId, 60_000n);
      await as("bankA").examine(pid, [code("LATE_SHIPMENT")]);
      await expect(
        as("bankB").refuse(pid, [code("LATE_SHIPMENT")], hash("notice"), false),
      ).to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongParty");
      await expect(as("bankA").refuse(pid, [code("LATE_SHIPMENT")], hash("notice"), false))
        .to.emit(f.lc, "RefusalNoticeSent")
        .withArgs(pid, lcId, ids().bankA, [code("LATE_SHIPMENT")], hash("notice"), false)
        .and.to.emit(f.lc, "DocumentsReturned")
        .withArgs(pid, lcId, ids().bankA, 0n);
      expect(await f.lc.available(lcId)).to.equal(105_000n);
      await expect(as("bankA").pay(pid, ZERO)).to.be.revertedWithCustomError(f.lc, "PresentationWrongState");
      const compliant = await presentDocs(f, lcId, 1_000n);
      await as("bankA").examine(compliant, []);
      await expect(as("bankA").refuse(compliant, [code("X")], hash("notice"), false))
        .to.be.revertedWithCustomError(f.lc, "PresentationWrongState")
        .withArgs(compliant, PresentationState.Compliant, PresentationState.Discrepant);
    });

    it("a waived presentation may still be refused by the bank", async () => {
      const pid = await presentDocs(f, lcId, 1_000n);
      await as("bankA").examine(pid, [code("X")]);
      await as("core").waiveDiscrepancies(pid);
      await expect(as("bankA").refuse(pid, [code("X")], hash("notice"), false)).to.emit(f.lc, "DocumentsReturned");
    });

    it("drawing up to amount plus tolerance closes the LC as fully drawn; nothing more is presented", async () => {
      const pid = await presentDocs(f, lcId, 105_000n);
      await as("bankA").examine(pid, []);
      await expect(as("bankA").pay(pid, ZERO))
        .to.emit(f.lc, "LetterOfCreditClosed")
        .withArgs(lcId, LcState.FullyDrawn, 105_000n);
      await expect(as("supplier1").present(lcId, 1n, documents(Kind.INVOICE))).to.be.revertedWithCustomError(
        f.lc,
        "LetterOfCreditWrongState",
      );
    });

    it("a timely presentation is examined and paid after expiry", async () => {
      await networkHelpers.time.increaseTo(f.now + 90n * DAY - 100n);
      const pid = await presentDocs(f, lcId, 1_000n);
      await networkHelpers.time.increase(200n); // past expiry, within the examination clock
      await as("bankA").examine(pid, []);
      await expect(as("bankA").pay(pid, ZERO)).to.emit(f.lc, "PresentationPaid");
    });
  });

  describe("payment", () => {
    let lcId: bigint;
    let pid: bigint;
    beforeEach(async () => {
      lcId = await operativeLc(f);
      pid = await presentDocs(f, lcId, 30_000n);
      await as("bankA").examine(pid, []);
    });

    it("only the honouring bank pays", async () => {
      await expect(as("bankB").pay(pid, ZERO))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongParty")
        .withArgs(lcId, ids().bankB, ids().bankA);
    });

    it("records an off-chain payment under its reference, usable once", async () => {
      const reference = hash("CNAPS 2024-0001");
      await expect(as("bankA").pay(pid, reference))
        .to.emit(f.platform.ledger, "OffChainPaymentRecorded")
        .withArgs(reference, await f.lc.getAddress(), ids().bankA, ids().bankA, ids().supplier1, 30_000n);
      expect(await f.platform.token.balanceOf(acc().supplier1)).to.equal(0n);
      const second = await presentDocs(f, lcId, 1_000n);
      await as("bankA").examine(second, []);
      await expect(as("bankA").pay(second, reference)).to.be.revertedWithCustomError(
        f.platform.ledger,
        "ReferenceUsed",
      );
    });

    it("pays in tokens only in the settlement currency; other currencies pay off chain", async () => {
      const usd = await operativeLc(f, { currency: USD });
      const p = await presentDocs(f, usd, 1_000n);
      await as("bankA").examine(p, []);
      await expect(as("bankA").pay(p, ZERO))
        .to.be.revertedWithCustomError(f.lc, "CurrencyNotSettleable")
        .withArgs(usd, USD);
      await expect(as("bankA").pay(p, hash("SWIFT-1"))).to.emit(f.lc, "PresentationPaid");
      expect(await f.lc.settlementCurrency()).to.equal(CNY);
    });

    it("a sight LC has no acceptance; a payment reverts when the bank has not approved enough tokens", async () => {
      await expect(as("bankA").accept(pid, f.now + 10n * DAY))
        .to.be.revertedWithCustomError(f.lc, "WrongPaymentKind")
        .withArgs(lcId, false);
      await f.platform.token.connect(acc().bankA).approve(f.lc, 0n);
      await expect(as("bankA").pay(pid, ZERO)).to.be.revertedWithCustomError(
        f.platform.token,
        "ERC20InsufficientAllowance",
      );
    });
  });

  describe("deferred payment and transferable claims", () => {
    let lcId: bigint;
    let pid: bigint;
    let maturity: bigint;
    beforeEach(async () => {
      lcId = await operativeLc(f, { deferred: true, tenorDays: 90 });
      pid = await presentDocs(f, lcId, 50_000n);
      await as("bankA").examine(pid, []);
      maturity = BigInt(await networkHelpers.time.latest()) + 60n * DAY;
    });

    it("accepts with a maturity within the tenor; the claim is payable to its holder at maturity only", async () => {
      await expect(as("bankA").pay(pid, ZERO))
        .to.be.revertedWithCustomError(f.lc, "WrongPaymentKind")
        .withArgs(lcId, true);
      const presentedAt = (await f.lc.presentation(pid)).presentedAt;
      const latest = presentedAt + 90n * DAY;
      await expect(as("bankA").accept(pid, latest + 1n))
        .to.be.revertedWithCustomError(f.lc, "InvalidMaturity")
        .withArgs(pid, latest + 1n, latest);
      const now = BigInt(await networkHelpers.time.latest());
      await expect(as("bankA").accept(pid, now)).to.be.revertedWithCustomError(f.lc, "InvalidMaturity");
      await expect(as("bankB").accept(pid, maturity)).to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongParty");
      await expect(as("bankA").accept(pid, maturity))
        .to.emit(f.lc, "PresentationAccepted")
        .withArgs(pid, lcId, ids().bankA, acc().supplier1.address, 50_000n, maturity, 50_000n);
      expect(await f.lc.claimInfo(pid)).to.deep.equal([
        acc().supplier1.address,
        BigInt(ids().bankA),
        maturity,
        50_000n,
        false,
      ]);
      await expect(as("bankA").accept(pid, maturity)).to.be.revertedWithCustomError(f.lc, "PresentationWrongState");
      await expect(as("bankA").pay(pid, ZERO))
        .to.be.revertedWithCustomError(f.lc, "NotMatured")
        .withArgs(pid, maturity);
      await networkHelpers.time.increaseTo(maturity);
      await expect(as("bankA").pay(pid, ZERO)).to.changeTokenBalances(
        ethers,
        f.platform.token,
        [acc().bankA, acc().supplier1],
        [-50_000n, 50_000n],
      );
      expect((await f.lc.claimInfo(pid)).settled).to.equal(true);
      await expect(as("bankA").pay(pid, ZERO)).to.be.revertedWithCustomError(f.lc, "PresentationWrongState");
    });

    it("the holder transfers the claim; at maturity the bank pays the current holder and nobody else", async () => {
      await as("bankA").accept(pid, maturity);
      await expect(as("supplier1").transferClaim(pid, acc().bankC))
        .to.emit(f.lc, "ClaimTransferred")
        .withArgs(pid, acc().supplier1.address, acc().bankC.address);
      expect((await f.lc.claimInfo(pid)).holder).to.equal(acc().bankC.address);
      await expect(as("supplier1").transferClaim(pid, acc().supplier2))
        .to.be.revertedWithCustomError(f.lc, "ClaimNotHolder")
        .withArgs(pid, acc().supplier1.address);
      await networkHelpers.time.increaseTo(maturity);
      await expect(as("bankA").pay(pid, ZERO)).to.changeTokenBalances(
        ethers,
        f.platform.token,
        [acc().bankA, acc().bankC, acc().supplier1],
        [-50_000n, 50_000n, 0n],
      );
    });

    it("an approved operator (the forfaiting market) transfers the claim once", async () => {
      await as("bankA").accept(pid, maturity);
      const market = acc().bankB;
      await expect(as("bankB").approveClaim(pid, market)).to.be.revertedWithCustomError(f.lc, "ClaimNotHolder");
      await expect(as("supplier1").approveClaim(pid, market))
        .to.emit(f.lc, "ClaimApproval")
        .withArgs(pid, acc().supplier1.address, market.address);
      await expect(f.lc.connect(market).transferClaim(pid, acc().bankC)).to.emit(f.lc, "ClaimTransferred");
      await expect(as("bankC").transferClaim(pid, acc().supplier2)).to.emit(f.lc, "ClaimTransferred");
      await expect(f.lc.connect(market).transferClaim(pid, market)).to.be.revertedWithCustomError(
        f.lc,
        "ClaimNotHolder",
      );
    });

    it("a claim moves only to an account allowed to hold it, and never once matured or paid", async () => {
      await expect(f.lc.claimInfo(pid)).to.be.revertedWithCustomError(f.lc, "ClaimUnknown").withArgs(pid);
      await expect(as("supplier1").transferClaim(pid, acc().bankC)).to.be.revertedWithCustomError(f.lc, "ClaimUnknown");
      await as("bankA").accept(pid, maturity);
      await expect(as("supplier1").transferClaim(pid, acc().supplier3)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MissingRole",
      );
      await networkHelpers.time.increaseTo(maturity);
      await expect(as("supplier1").transferClaim(pid, acc().bankC))
        .to.be.revertedWithCustomError(f.lc, "ClaimNotTransferable")
        .withArgs(pid);
      await expect(as("supplier1").approveClaim(pid, acc().bankC)).to.be.revertedWithCustomError(
        f.lc,
        "ClaimNotTransferable",
      );
    });

    it("a suspended holder cannot move its claim", async () => {
      await as("bankA").accept(pid, maturity);
      await as("supplier1").approveClaim(pid, acc().bankB);
      await passProposal(
        f.platform,
        f.platform.registry,
        f.platform.registry.interface.encodeFunctionData("suspendMember", [ids().supplier1]),
      );
      await expect(as("bankB").transferClaim(pid, acc().bankC)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MemberNotActive",
      );
    });
  });

  describe("nominated bank and interbank reimbursement", () => {
    let lcId: bigint;
    beforeEach(async () => {
      await f.positions.connect(acc().bankC).setCreditLine(ids().bankA, 80_000n);
    });

    it("the nominated bank honours a sight presentation; the issuing bank's reimbursement is recorded", async () => {
      lcId = await operativeLc(f, { nominatedBank: acc().bankC.address });
      const pid = await presentDocs(f, lcId, 30_000n);
      await expect(as("bankA").examine(pid, []))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongParty")
        .withArgs(lcId, ids().bankA, ids().bankC);
      await as("bankC").examine(pid, []);
      const tx = as("bankC").pay(pid, ZERO);
      await expect(tx).to.emit(f.lc, "ReimbursementRecorded").withArgs(pid, 1n, ids().bankA, ids().bankC);
      await expect(tx)
        .to.emit(f.positions, "ObligationRecorded")
        .withArgs(
          1n,
          ids().bankA,
          ids().bankC,
          30_000n,
          (v: bigint) => v > 0n,
          await f.lc.getAddress(),
          ethers.toBeHex(pid, 32),
          30_000n,
        );
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.platform.token,
        [acc().bankC, acc().supplier1],
        [-30_000n, 30_000n],
      );
      expect((await f.positions.creditLine(ids().bankC, ids().bankA)).used).to.equal(30_000n);
    });

    it("a deferred acceptance by the nominated bank records an obligation due at maturity; refused above the line", async () => {
      lcId = await operativeLc(f, {
        nominatedBank: acc().bankC.address,
        deferred: true,
        tenorDays: 90,
      });
      const first = await presentDocs(f, lcId, 50_000n);
      const second = await presentDocs(f, lcId, 40_000n);
      await as("bankC").examine(first, []);
      await as("bankC").examine(second, []);
      const maturity = BigInt(await networkHelpers.time.latest()) + 30n * DAY;
      await as("bankC").accept(first, maturity);
      const o = await f.positions.obligation(1);
      expect([o.debtor, o.creditor, o.dueAt, o.amount]).to.deep.equal([
        BigInt(ids().bankA),
        BigInt(ids().bankC),
        maturity,
        50_000n,
      ]);
      expect((await f.lc.claimInfo(first)).obligor).to.equal(ids().bankC);
      await expect(as("bankC").accept(second, maturity))
        .to.be.revertedWithCustomError(f.positions, "CreditLineExceeded")
        .withArgs(ids().bankC, ids().bankA, 80_000n, 50_000n, 40_000n);
    });
  });

  describe("closing", () => {
    let lcId: bigint;
    beforeEach(async () => {
      lcId = await operativeLc(f);
    });

    it("cancels only with the beneficiary's consent to the issuing bank's request", async () => {
      await expect(as("supplier1").consentToCancellation(lcId))
        .to.be.revertedWithCustomError(f.lc, "CancellationNotRequested")
        .withArgs(lcId);
      await expect(as("bankB").requestCancellation(lcId)).to.be.revertedWithCustomError(
        f.lc,
        "LetterOfCreditWrongParty",
      );
      await expect(as("bankA").requestCancellation(lcId))
        .to.emit(f.lc, "CancellationRequested")
        .withArgs(lcId, ids().bankA);
      await expect(as("core").consentToCancellation(lcId)).to.be.revertedWithCustomError(
        f.lc,
        "LetterOfCreditWrongParty",
      );
      await expect(as("supplier1").consentToCancellation(lcId))
        .to.emit(f.lc, "LetterOfCreditClosed")
        .withArgs(lcId, LcState.Cancelled, 0n);
      await expect(as("supplier1").present(lcId, 1n, documents(Kind.INVOICE))).to.be.revertedWithCustomError(
        f.lc,
        "LetterOfCreditWrongState",
      );
      await expect(as("bankA").requestCancellation(lcId))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongState")
        .withArgs(lcId, LcState.Cancelled, LcState.Issued);
    });

    it("the beneficiary may refuse the cancellation; the LC stays in force", async () => {
      await expect(as("supplier1").rejectCancellation(lcId)).to.be.revertedWithCustomError(
        f.lc,
        "CancellationNotRequested",
      );
      await as("bankA").requestCancellation(lcId);
      await expect(as("supplier1").rejectCancellation(lcId))
        .to.emit(f.lc, "CancellationRejected")
        .withArgs(lcId, ids().supplier1);
      await expect(as("supplier1").consentToCancellation(lcId)).to.be.revertedWithCustomError(
        f.lc,
        "CancellationNotRequested",
      );
      expect((await f.lc.letterOfCredit(lcId)).state).to.equal(LcState.Acknowledged);
    });

    it("neither cancels nor expires while a presentation is pending", async () => {
      const pid = await presentDocs(f, lcId, 1_000n);
      await as("bankA").requestCancellation(lcId);
      await expect(as("supplier1").consentToCancellation(lcId))
        .to.be.revertedWithCustomError(f.lc, "PresentationsPending")
        .withArgs(lcId, 1_000n);
      await networkHelpers.time.increase(91n * DAY);
      await expect(as("bankA").expire(lcId)).to.be.revertedWithCustomError(f.lc, "PresentationsPending");
      // the bank let its examination deadline pass: precluded, it must honour before the LC can close
      await as("supplier1").recordPreclusion(pid);
      await as("bankA").pay(pid, ZERO);
      await expect(as("bankA").expire(lcId))
        .to.emit(f.lc, "LetterOfCreditClosed")
        .withArgs(lcId, LcState.Expired, 1_000n);
    });

    it("expires only after expiry, by a party; nothing happens after", async () => {
      await expect(as("bankA").expire(lcId)).to.be.revertedWithCustomError(f.lc, "LetterOfCreditNotExpired");
      await networkHelpers.time.increase(91n * DAY);
      await expect(as("supplier2").expire(lcId))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongParty")
        .withArgs(lcId, ids().supplier2, ids().bankA);
      await expect(as("supplier1").consentToCancellation(lcId)).to.be.revertedWithCustomError(
        f.lc,
        "LetterOfCreditExpired",
      );
      await expect(as("bankA").requestCancellation(lcId)).to.be.revertedWithCustomError(f.lc, "LetterOfCreditExpired");
      await expect(as("bankB").expire(lcId)).to.emit(f.lc, "LetterOfCreditClosed");
      await expect(as("bankB").expire(lcId))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongState")
        .withArgs(lcId, LcState.Expired, LcState.Acknowledged);
      await expect(
        as("bankA").proposeAmendment(lcId, {
          amount: 1n,
          expiry: f.now + 200n * DAY,
          latestShipment: 0n,
          termsHash: hash("x"),
        }),
      ).to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongState");
    });

    it("an accepted claim stays payable after the LC closes", async () => {
      const deferred = await operativeLc(f, {
        deferred: true,
        tenorDays: 90,
        partialDrawings: false,
      });
      const pid = await presentDocs(f, deferred, 100_000n);
      await as("bankA").examine(pid, []);
      const maturity = BigInt(await networkHelpers.time.latest()) + 89n * DAY;
      await expect(as("bankA").accept(pid, maturity))
        .to.emit(f.lc, "LetterOfCreditClosed")
        .withArgs(deferred, LcState.FullyDrawn, 100_000n);
      await networkHelpers.time.increaseTo(maturity);
      await expect(as("bankA").pay(pid, ZERO)).to.emit(f.lc, "PresentationPaid");
    });
  });

  describe("governance and membership", () => {
    it("a suspended member can do nothing new", async () => {
      const lcId = await operativeLc(f);
      await passProposal(
        f.platform,
        f.platform.registry,
        f.platform.registry.interface.encodeFunctionData("suspendMember", [ids().supplier1]),
      );
      await expect(as("supplier1").present(lcId, 1n, documents(Kind.INVOICE))).to.be.revertedWithCustomError(
        f.platform.registry,
        "MemberNotActive",
      );
      await expect(as("bankA").issue(acc().core, f.terms())).to.be.revertedWithCustomError(
        f.platform.registry,
        "MemberNotActive",
      );
    });

    it("a paused application refuses every step until governance unpauses it", async () => {
      const lcId = await operativeLc(f);
      await passProposal(f.platform, f.lc, f.lc.interface.encodeFunctionData("pause"));
      await expect(as("supplier1").present(lcId, 1n, documents(Kind.INVOICE))).to.be.revertedWithCustomError(
        f.lc,
        "EnforcedPause",
      );
      await expect(as("bankA").issue(acc().core, f.terms())).to.be.revertedWithCustomError(f.lc, "EnforcedPause");
      await expect(as("bankA").pause()).to.be.revertedWithCustomError(f.lc, "OnlyGovernance");
      await passProposal(f.platform, f.lc, f.lc.interface.encodeFunctionData("unpause"), "unpause");
      await expect(as("supplier1").present(lcId, 1n, documents(Kind.INVOICE))).to.emit(f.lc, "DocumentsPresented");
    });

    it("refuses a deployment without positions or currency", async () => {
      const { registry, token, ledger } = f.platform;
      await expect(
        ethers.deployContract("LetterOfCredit", [
          registry,
          token,
          ledger,
          ethers.ZeroAddress,
          CNY,
          f.presentationChecks,
        ]),
      ).to.be.revertedWithCustomError(f.lc, "InvalidValue");
      await expect(
        ethers.deployContract("LetterOfCredit", [
          registry,
          token,
          ledger,
          f.positions,
          "0x000000",
          f.presentationChecks,
        ]),
      ).to.be.revertedWithCustomError(f.lc, "InvalidValue");
      await expect(
        ethers.deployContract("LetterOfCredit", [registry, token, ledger, f.positions, CNY, ethers.ZeroAddress]),
      ).to.be.revertedWithCustomError(f.lc, "InvalidValue");
      expect(await f.lc.interbankPositions()).to.equal(await f.positions.getAddress());
    });
  });
});
