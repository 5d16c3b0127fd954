/**
 * The automatic checks at presentation (issue 19, UCP 600 art. 14a/c/d, 16c, 29a/c, 30, 31): LcPresentationChecks
 * records what the chain finds when LetterOfCredit's `present` calls it, a floor: `examine` and `refuse` must list
 * every finding, and may cite any code besides (the bank examines the documents, art. 14a). Attack tests first: wrong party, suspended party, wrong state, wrong time, each rule's violation.
 */
import { expect } from "chai";
import { AbiCoder, Interface, keccak256 } from "ethers";
import { network } from "hardhat";
import { passProposal } from "../helpers/consortium.js";
import {
  Kind,
  PresentationState,
  UTC_OFFSET,
  code,
  deployLettersOfCredit,
  hash,
  kindMask,
  operativeLc,
  type LcFixture,
} from "./fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const DAY = 86_400n;
const dayOf = (isoDate: string): bigint => BigInt(Date.parse(`${isoDate}T00:00:00Z`) / 86_400_000);
/** `hh:00` local time (UTC+8) on an ISO date. */
const localTime = (isoDate: string, hour: number): bigint => dayOf(isoDate) * DAY + BigInt(hour * 3600 - UTC_OFFSET);

type Doc = { contentHash: string; uriHash: string; kind: number };
/** Documents of `kinds`, distinct per `tag` (so that each presentation has its own documents hash). */
const docs = (tag: string, ...kinds: number[]): Doc[] =>
  kinds.map((kind) => ({ contentHash: hash(`${tag}-${kind}`), uriHash: hash(`uri-${tag}-${kind}`), kind }));
const documentsHash = (documents: Doc[]): string =>
  keccak256(
    AbiCoder.defaultAbiCoder().encode(["tuple(bytes32 contentHash, bytes32 uriHash, uint16 kind)[]"], [documents]),
  );
const ALL = [Kind.INVOICE, Kind.TRANSPORT_DOCUMENT, Kind.INSURANCE];
const BIT = {
  DOCUMENTS_MISSING: 1,
  LATE_SHIPMENT: 2,
  LATE_PRESENTATION: 4,
  PRESENTED_AFTER_EXPIRY: 8,
  OVER_TOLERANCE: 16,
  PARTIAL_DRAWING: 32,
};

describe("LcPresentationChecks: automatic checks at presentation (UCP 600)", () => {
  /** The LC fixture at 09:00 on Monday 2027-01-04, local time. */
  const fixture = async () => {
    const f = await deployLettersOfCredit(connection);
    await networkHelpers.time.increaseTo(localTime("2027-01-04", 9));
    return f;
  };
  let f: LcFixture;
  let lcId: bigint;
  beforeEach(async () => {
    f = await networkHelpers.loadFixture(fixture);
    lcId = await operativeLc(f, {
      expiry: localTime("2027-03-31", 0),
      latestShipment: localTime("2027-01-10", 0),
    });
  });
  const acc = () => f.platform.accounts;
  const as = (name: keyof LcFixture["platform"]["accounts"]) => f.lc.connect(acc()[name]);
  const checks = (name: keyof LcFixture["platform"]["accounts"]) => f.presentationChecks.connect(acc()[name]);
  const lcAddress = () => f.lc.getAddress();
  const present = async (documents: Doc[], amount = 10_000n, id = lcId): Promise<bigint> => {
    const pid = await as("supplier1").present.staticCall(id, amount, documents);
    await as("supplier1").present(id, amount, documents);
    return pid;
  };
  const findings = async (pid: bigint) => f.presentationChecks.findings(await lcAddress(), pid);
  const govern = (fn: "suspendMember", arg: number) =>
    passProposal(
      f.platform,
      f.platform.registry,
      new Interface([`function ${fn}(uint32)`]).encodeFunctionData(fn, [arg]),
    );

  describe("document kinds (art. 14a, 14d): a missing kind is a discrepancy on its own", () => {
    it("records the missing kind; the bank cannot examine it as complying, nor refuse without listing it", async () => {
      const pid = await present(docs("a", Kind.INVOICE, Kind.TRANSPORT_DOCUMENT));
      const found = await findings(pid);
      expect(found.checked).to.equal(true);
      expect(found.codes).to.equal(BIT.DOCUMENTS_MISSING);
      expect(found.missingKinds).to.equal(kindMask(Kind.INSURANCE));
      await expect(as("bankA").examine(pid, []))
        .to.be.revertedWithCustomError(f.presentationChecks, "FindingsNotListed")
        .withArgs(pid, BIT.DOCUMENTS_MISSING);
      await expect(as("bankA").refuse(pid, [code("INVOICE_AMOUNT")], hash("notice"), true))
        .to.be.revertedWithCustomError(f.presentationChecks, "FindingsNotListed")
        .withArgs(pid, BIT.DOCUMENTS_MISSING);
      await as("bankA").examine(pid, [code("DOCUMENTS_MISSING")]);
      expect((await f.lc.presentation(pid)).state).to.equal(PresentationState.Discrepant);
      // only the applicant's waiver makes it payable
      await expect(as("bankA").pay(pid, ethers.ZeroHash)).to.be.revertedWithCustomError(f.lc, "PresentationWrongState");
      await as("core").waiveDiscrepancies(pid);
      await as("bankA").pay(pid, ethers.ZeroHash);
    });

    it("kinds are the presenter's own labels: the bank may refuse a clean presentation for a missing kind", async () => {
      // attack: the beneficiary labels a packing list as the insurance document; the chain finds every kind
      const pid = await present(docs("b", ...ALL, Kind.INSPECTION));
      expect((await findings(pid)).codes).to.equal(0);
      await as("bankA").refuse(pid, [code("DOCUMENTS_MISSING")], hash("notice"), false);
      expect((await f.lc.presentation(pid)).state).to.equal(PresentationState.Refused);
      const other = await present(docs("b2", ...ALL));
      await as("bankA").examine(other, [code("OVER_TOLERANCE"), code("INVOICE_AMOUNT"), code("LATE_SHIPMENT")]);
    });
  });

  describe("latest shipment date (art. 14c, 29c), stated by the beneficiary, hash-bound to the documents", () => {
    it("a shipment date after the latest shipment date is a finding; a date on it is clean", async () => {
      const late = docs("late", ...ALL);
      await networkHelpers.time.increaseTo(localTime("2027-01-12", 9));
      await checks("supplier1").stateShipment(documentsHash(late), localTime("2027-01-11", 10)); // latest: 10 Jan
      const pid = await present(late);
      const found = await findings(pid);
      expect(found.shipmentStated).to.equal(true);
      expect(found.codes).to.equal(BIT.LATE_SHIPMENT);
      await expect(as("bankA").examine(pid, [])).to.be.revertedWithCustomError(
        f.presentationChecks,
        "FindingsNotListed",
      );
      await as("bankA").refuse(pid, [code("LATE_SHIPMENT"), code("INVOICE_AMOUNT")], hash("notice"), true);

      const onTime = docs("ontime", ...ALL);
      await checks("supplier1").stateShipment(documentsHash(onTime), localTime("2027-01-10", 23)); // local 10 Jan
      const clean = await present(onTime);
      expect((await findings(clean)).codes).to.equal(0);
      await as("bankA").examine(clean, []);
      // the statement is used once
      expect(await f.presentationChecks.statedShipment(acc().supplier1, documentsHash(onTime))).to.equal(0n);
    });

    it("a stated date binds only the presenter: the bank refuses for LATE_SHIPMENT whatever the statement", async () => {
      // attack: the B/L is dated 12 January, after the latest shipment date (10 January); the beneficiary states
      // 10 January, so the chain finds the shipment clean. The bank, examining the B/L, refuses citing LATE_SHIPMENT.
      const bl = docs("bl", ...ALL);
      await networkHelpers.time.increaseTo(localTime("2027-01-13", 9));
      await checks("supplier1").stateShipment(documentsHash(bl), localTime("2027-01-10", 12));
      const pid = await present(bl);
      expect((await findings(pid)).codes).to.equal(0);
      await as("bankA").refuse(pid, [code("LATE_SHIPMENT")], hash("notice"), false);
      expect((await f.lc.presentation(pid)).state).to.equal(PresentationState.Refused);
      // and late presentation likewise, by examine
      const bl2 = docs("bl2", ...ALL);
      await checks("supplier1").stateShipment(documentsHash(bl2), localTime("2027-01-10", 12));
      const pid2 = await present(bl2);
      await as("bankA").examine(pid2, [code("LATE_PRESENTATION")]);
      expect((await f.lc.presentation(pid2)).state).to.equal(PresentationState.Discrepant);
    });

    it("an LC without a latest shipment date (0): a stated shipment is never LATE_SHIPMENT", async () => {
      const id = await operativeLc(f, { expiry: localTime("2027-03-31", 0), latestShipment: 0 });
      const d = docs("nolatest", ...ALL);
      await checks("supplier1").stateShipment(documentsHash(d), localTime("2027-01-03", 12));
      const pid = await present(d, 10_000n, id);
      const found = await findings(pid);
      expect(found.shipmentStated).to.equal(true);
      expect(found.codes).to.equal(0);
      await as("bankA").examine(pid, []);
    });

    it("a statement binds only the stating account's own presentation of those very documents", async () => {
      const mine = docs("mine", ...ALL);
      // another trader states a late date for the beneficiary's documents: ignored
      await checks("supplier2").stateShipment(documentsHash(mine), localTime("2027-01-03", 10));
      // the beneficiary states for other documents: ignored
      await checks("supplier1").stateShipment(documentsHash(docs("other", ...ALL)), localTime("2027-01-03", 10));
      const pid = await present(mine);
      const found = await findings(pid);
      expect(found.shipmentStated).to.equal(false);
      expect(found.lastPresentationDay).to.equal(0n);
    });

    it("refuses a statement by a bank, a suspended trader, without documents, with no date or a future date", async () => {
      const h = documentsHash(docs("x", ...ALL));
      const now = BigInt(await networkHelpers.time.latest());
      await expect(checks("bankA").stateShipment(h, now)).to.be.revert(ethers);
      await expect(checks("supplier1").stateShipment(ethers.ZeroHash, now)).to.be.revertedWithCustomError(
        f.presentationChecks,
        "InvalidValue",
      );
      await expect(checks("supplier1").stateShipment(h, 0)).to.be.revertedWithCustomError(
        f.presentationChecks,
        "InvalidValue",
      );
      await expect(checks("supplier1").stateShipment(h, now + 3600n)).to.be.revertedWithCustomError(
        f.presentationChecks,
        "InvalidValue",
      );
      await govern("suspendMember", f.platform.ids.supplier1);
      await expect(checks("supplier1").stateShipment(h, now)).to.be.revert(ethers);
    });
  });

  describe("presentation period (art. 14c, 29a): 21 days after shipment, extended over a closed day", () => {
    it("a last day on a Saturday moves to Monday: presented on Monday is clean, on Tuesday late", async () => {
      // shipped Saturday 2 January: day 21 is Saturday 23 January, banks closed -> Monday 25 January
      const monday = docs("monday", ...ALL);
      const tuesday = docs("tuesday", ...ALL);
      await checks("supplier1").stateShipment(documentsHash(monday), localTime("2027-01-02", 12));
      await checks("supplier1").stateShipment(documentsHash(tuesday), localTime("2027-01-02", 12));
      await networkHelpers.time.increaseTo(localTime("2027-01-25", 23));
      const onTime = await present(monday);
      const found = await findings(onTime);
      expect(found.lastPresentationDay).to.equal(dayOf("2027-01-25"));
      expect(found.codes).to.equal(0);
      await networkHelpers.time.increaseTo(localTime("2027-01-26", 0) + 60n);
      const late = await present(tuesday);
      expect((await findings(late)).codes).to.equal(BIT.LATE_PRESENTATION);
      await expect(as("bankA").examine(late, [])).to.be.revertedWithCustomError(
        f.presentationChecks,
        "FindingsNotListed",
      );
      await as("bankA").examine(late, [code("LATE_PRESENTATION")]);
    });

    it("the issuing bank may set another period before advising; not another party, not afterwards", async () => {
      const id = await f.lc
        .connect(acc().bankA)
        .issue.staticCall(acc().core, f.terms({ expiry: localTime("2027-03-31", 0) }));
      await f.lc.connect(acc().bankA).issue(acc().core, f.terms({ expiry: localTime("2027-03-31", 0) }));
      await expect(checks("bankB").setPresentationPeriod(await lcAddress(), id, 10)).to.be.revertedWithCustomError(
        f.lc,
        "LetterOfCreditWrongParty",
      );
      await expect(checks("bankA").setPresentationPeriod(await lcAddress(), id, 0)).to.be.revertedWithCustomError(
        f.presentationChecks,
        "PresentationPeriodNotSettable",
      );
      // a contract that is not a suite system contract is no LC here
      await expect(
        checks("bankA").setPresentationPeriod(await f.presentationChecks.getAddress(), id, 10),
      ).to.be.revertedWithCustomError(f.presentationChecks, "NotLetterOfCreditContract");
      await expect(checks("bankA").setPresentationPeriod(await lcAddress(), id, 10))
        .to.emit(f.presentationChecks, "PresentationPeriodSet")
        .withArgs(await lcAddress(), id, f.platform.ids.bankA, 10);
      expect(await f.presentationChecks.presentationPeriod(await lcAddress(), id)).to.equal(10n);
      await f.lc.connect(acc().bankB).advise(id);
      await expect(checks("bankA").setPresentationPeriod(await lcAddress(), id, 21)).to.be.revertedWithCustomError(
        f.presentationChecks,
        "PresentationPeriodNotSettable",
      );
      await f.lc.connect(acc().supplier1).acknowledge(id);
      // shipped Monday 4 January: day 10 is Thursday 14 January
      const d = docs("ten", ...ALL);
      await checks("supplier1").stateShipment(documentsHash(d), localTime("2027-01-04", 8));
      await networkHelpers.time.increaseTo(localTime("2027-01-15", 9));
      const pid = await present(d, 10_000n, id);
      expect((await findings(pid)).lastPresentationDay).to.equal(dayOf("2027-01-14"));
      expect((await findings(pid)).codes).to.equal(BIT.LATE_PRESENTATION);
    });
  });

  describe("amounts (art. 30, 31): LetterOfCredit refuses what the checks would find", () => {
    it("over tolerance across two partial drawings: the second presentation is refused", async () => {
      const first = await present(docs("p1", ...ALL), 60_000n);
      expect((await findings(first)).codes).to.equal(0);
      // maximum 105,000 (amount 100,000 plus 5%): 60,000 + 50,000 is above it
      await expect(as("supplier1").present(lcId, 50_000n, docs("p2", ...ALL))).to.be.revertedWithCustomError(
        f.lc,
        "LetterOfCreditOverdrawn",
      );
      const second = await present(docs("p3", ...ALL), 45_000n);
      expect((await findings(second)).codes).to.equal(0);
    });

    it("a partial drawing when the LC does not allow them is refused", async () => {
      const id = await operativeLc(f, { partialDrawings: false, expiry: localTime("2027-03-31", 0) });
      await expect(as("supplier1").present(id, 50_000n, docs("q", ...ALL))).to.be.revertedWithCustomError(
        f.lc,
        "DrawingBelowMinimum",
      );
      const pid = await present(docs("r", ...ALL), 100_000n, id);
      await expect(as("supplier1").present(id, 5_000n, docs("s", ...ALL))).to.be.revertedWithCustomError(
        f.lc,
        "PartialDrawingsNotAllowed",
      );
      await as("bankA").examine(pid, [code("PARTIAL_DRAWING")]);
    });
  });

  describe("the hook", () => {
    it("refuses a caller that is not a suite system contract (no one writes findings for the LC)", async () => {
      const data = f.lc.interface.encodeFunctionData("examine", [1n << 16n, []]);
      const call = f.presentationChecks.interface.encodeFunctionData("check", [1n << 16n, acc().bankA.address]);
      await expect(acc().bankA.sendTransaction({ to: f.presentationChecks, data: call + data.slice(2) }))
        .to.be.revertedWithCustomError(f.presentationChecks, "NotLetterOfCreditContract")
        .withArgs(acc().bankA.address);
    });

    it("emits PresentationChecked with the findings; the wrong party and wrong state are still the LC's", async () => {
      const d = docs("e", Kind.INVOICE);
      const pid = (lcId << 16n) | 1n;
      await expect(as("supplier1").present(lcId, 10_000n, d))
        .to.emit(f.presentationChecks, "PresentationChecked")
        .withArgs(
          await lcAddress(),
          pid,
          BIT.DOCUMENTS_MISSING,
          kindMask(Kind.TRANSPORT_DOCUMENT, Kind.INSURANCE),
          false,
          0,
          0,
        );
      await expect(as("bankB").examine(pid, [code("DOCUMENTS_MISSING")])).to.be.revertedWithCustomError(
        f.lc,
        "LetterOfCreditWrongParty",
      );
      await as("bankA").refuse(pid, [code("DOCUMENTS_MISSING")], hash("notice"), false);
      await expect(as("bankA").examine(pid, [code("DOCUMENTS_MISSING")])).to.be.revertedWithCustomError(
        f.lc,
        "PresentationWrongState",
      );
      expect(await f.presentationChecks.codeOf(0)).to.equal(code("DOCUMENTS_MISSING"));
    });

    it("a bank that lets a presentation with findings lie past its deadline is still precluded (art. 16f)", async () => {
      const pid = await present(docs("lie", Kind.INVOICE));
      await networkHelpers.time.increaseTo(localTime("2027-01-12", 0));
      await as("supplier1").recordPreclusion(pid);
      expect((await f.lc.presentation(pid)).state).to.equal(PresentationState.Compliant);
    });
  });
});
