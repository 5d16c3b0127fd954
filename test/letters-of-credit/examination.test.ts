import { expect } from "chai";
import { network } from "hardhat";
import { passProposal } from "../helpers/consortium.js";
import {
  PresentationState,
  UTC_OFFSET,
  code,
  deployLettersOfCredit,
  hash,
  operativeLc,
  presentDocs,
  type LcFixture,
} from "./fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const ZERO = ethers.ZeroHash;

/** Day number (days since 1970-01-01) of an ISO date. */
const dayOf = (isoDate: string): bigint => BigInt(Date.parse(`${isoDate}T00:00:00Z`) / 86_400_000);
/** `hh:00` local time (UTC+8) on an ISO date, as a timestamp. */
const localTime = (isoDate: string, hour: number): bigint =>
  dayOf(isoDate) * 86_400n + BigInt(hour * 3600 - UTC_OFFSET);
/** The examination deadline that ends on an ISO date: its last second, local time. */
const deadlineOn = (isoDate: string): bigint => localTime(isoDate, 24) - 1n;

/** 2027 as voted: weekends off, the spring festival 2027-02-08..12 off, Saturday 2027-02-06 on (make-up day). */
function voted2027(): [bigint, bigint] {
  let first = 0n;
  let last = 0n;
  for (let i = 0; i < 365; i++) {
    const date = new Date(Date.UTC(2027, 0, 1 + i));
    const iso = date.toISOString().slice(0, 10);
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
    const holiday = iso >= "2027-02-08" && iso <= "2027-02-12";
    const working = iso === "2027-02-06" || (!weekend && !holiday);
    if (!working) continue;
    if (i < 256) first |= 1n << BigInt(i);
    else last |= 1n << BigInt(i - 256);
  }
  return [first, last];
}

describe("LetterOfCredit: UCP 600 examination", () => {
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
    lcId = await operativeLc(f, { expiry: localTime("2027-03-31", 0) });
  });
  const acc = () => f.platform.accounts;
  const ids = () => f.platform.ids;
  const as = (name: keyof LcFixture["platform"]["accounts"]) => f.lc.connect(acc()[name]);
  const discrepancies = [code("LATE_SHIPMENT"), code("INVOICE_AMOUNT"), hash("insurance dated after shipment")];
  const suspend = (member: number) =>
    passProposal(
      f.platform,
      f.platform.registry,
      f.platform.registry.interface.encodeFunctionData("suspendMember", [member]),
    );

  describe("examination clock (art. 14b)", () => {
    it("a presentation gives the bank five banking days following the day of presentation, weekends excluded", async () => {
      const beneficiary = as("supplier1");
      const tx = beneficiary.present(lcId, 1_000n, [{ contentHash: hash("invoice"), uriHash: ZERO, kind: 2 }]);
      const pid = (lcId << 16n) | 1n;
      // Tuesday 5 .. Friday 8, Monday 11
      await expect(tx).to.emit(f.lc, "ExaminationClockStarted").withArgs(pid, lcId, deadlineOn("2027-01-11"));
      expect((await f.lc.presentation(pid)).examinationDeadline).to.equal(deadlineOn("2027-01-11"));
      expect(await f.lc.EXAMINATION_DAYS()).to.equal(5n);
      expect(await f.lc.calendar()).to.equal(await f.calendar.getAddress());
    });

    it("counts the voted calendar: holidays are not banking days, a make-up Saturday is", async () => {
      await passProposal(
        f.platform,
        f.calendar,
        f.calendar.interface.encodeFunctionData("setWorkingDays", [2027, ...voted2027()]),
      );
      await networkHelpers.time.increaseTo(localTime("2027-02-05", 17)); // Friday before the festival
      const pid = await presentDocs(f, lcId, 1_000n);
      // Saturday 6 (make-up), then Monday 15 .. Thursday 18; without the vote it would end on Friday 12
      expect((await f.lc.presentation(pid)).examinationDeadline).to.equal(deadlineOn("2027-02-18"));
    });

    it("the bank examines and refuses up to the deadline's last second, not after (wrong time)", async () => {
      const early = await presentDocs(f, lcId, 1_000n);
      const late = await presentDocs(f, lcId, 1_000n);
      await networkHelpers.time.setNextBlockTimestamp(deadlineOn("2027-01-11"));
      await expect(as("bankA").examine(early, [])).to.emit(f.lc, "PresentationExamined");
      await expect(as("bankA").examine(late, []))
        .to.be.revertedWithCustomError(f.lc, "ExaminationDeadlinePassed")
        .withArgs(late, deadlineOn("2027-01-11"));
      await expect(as("bankA").refuse(late, discrepancies, hash("notice"), true))
        .to.be.revertedWithCustomError(f.lc, "ExaminationDeadlinePassed")
        .withArgs(late, deadlineOn("2027-01-11"));
    });

    it("only governance sets the calendar, never to zero; a proxy is never initialized without one", async () => {
      await expect(as("bankA").setCalendar(f.calendar)).to.be.revertedWithCustomError(f.lc, "OnlyGovernance");
      await expect(
        passProposal(f.platform, f.lc, f.lc.interface.encodeFunctionData("setCalendar", [ethers.ZeroAddress])),
      ).to.be.revert(ethers);
      const calendar = await f.calendar.getAddress();
      await expect(passProposal(f.platform, f.lc, f.lc.interface.encodeFunctionData("setCalendar", [calendar])))
        .to.emit(f.lc, "CalendarSet")
        .withArgs(calendar);
      const implementation = await ethers.deployContract("LetterOfCredit", [
        f.platform.registry,
        f.platform.token,
        f.platform.ledger,
        f.positions,
        "0x434e59",
        f.presentationChecks,
      ]);
      const data = implementation.interface.encodeFunctionData("initialize", [ethers.ZeroAddress]);
      await expect(ethers.deployContract("SuiteProxy", [implementation, data])).to.be.revertedWithCustomError(
        f.lc,
        "InvalidValue",
      );
    });
  });

  describe("preclusion (art. 16f)", () => {
    it("after the deadline any member records it: the presentation complies and the bank must honour", async () => {
      const pid = await presentDocs(f, lcId, 40_000n);
      await as("bankA").examine(pid, [code("LATE_SHIPMENT")]); // a finding is not a refusal notice
      await networkHelpers.time.increaseTo(deadlineOn("2027-01-11") + 1n);
      await expect(as("supplier1").recordPreclusion(pid))
        .to.emit(f.lc, "ExaminationPrecluded")
        .withArgs(pid, lcId, ids().bankA, deadlineOn("2027-01-11"), ids().supplier1);
      const p = await f.lc.presentation(pid);
      expect([p.state, p.precluded, p.refusalNoticeSent]).to.deep.equal([
        BigInt(PresentationState.Compliant),
        true,
        false,
      ]);
      await expect(as("bankA").refuse(pid, discrepancies, hash("notice"), false)).to.be.revertedWithCustomError(
        f.lc,
        "PresentationWrongState",
      );
      await expect(as("bankA").pay(pid, ZERO)).to.changeTokenBalances(
        ethers,
        f.platform.token,
        [acc().bankA, acc().supplier1],
        [-40_000n, 40_000n],
      );
      await expect(as("supplier1").recordPreclusion(pid)).to.be.revertedWithCustomError(f.lc, "PresentationWrongState");
    });

    it("not at or before the deadline (wrong time)", async () => {
      const pid = await presentDocs(f, lcId, 1_000n);
      await networkHelpers.time.setNextBlockTimestamp(deadlineOn("2027-01-11"));
      await expect(as("supplier1").recordPreclusion(pid))
        .to.be.revertedWithCustomError(f.lc, "ExaminationDeadlineNotPassed")
        .withArgs(pid, deadlineOn("2027-01-11"));
    });

    it("not once the bank honoured or sent its notice (wrong state)", async () => {
      const honoured = await presentDocs(f, lcId, 1_000n);
      const held = await presentDocs(f, lcId, 1_000n);
      const waivedAfterNotice = await presentDocs(f, lcId, 1_000n);
      await as("bankA").examine(honoured, []);
      await as("bankA").refuse(held, discrepancies, hash("notice"), true);
      await as("bankA").refuse(waivedAfterNotice, discrepancies, hash("notice"), true);
      await as("core").waiveDiscrepancies(waivedAfterNotice);
      await networkHelpers.time.increaseTo(deadlineOn("2027-01-11") + 1n);
      for (const [pid, state] of [
        [honoured, PresentationState.Compliant],
        [held, PresentationState.Held],
        [waivedAfterNotice, PresentationState.Waived],
      ] as const) {
        await expect(as("supplier1").recordPreclusion(pid))
          .to.be.revertedWithCustomError(f.lc, "PresentationWrongState")
          .withArgs(pid, state, PresentationState.Presented);
      }
    });

    it("not by an account of no member, nor by a member suspended since (wrong party)", async () => {
      const pid = await presentDocs(f, lcId, 1_000n);
      await networkHelpers.time.increaseTo(deadlineOn("2027-01-11") + 1n);
      await expect(f.lc.connect(f.platform.outsiders[0]).recordPreclusion(pid)).to.be.revertedWithCustomError(
        f.platform.registry,
        "UnknownAccount",
      );
      await suspend(ids().supplier1);
      await expect(as("supplier1").recordPreclusion(pid)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MemberNotActive",
      );
      await expect(as("bankB").recordPreclusion(pid)).to.emit(f.lc, "ExaminationPrecluded");
    });
  });

  describe("one refusal notice (art. 16c)", () => {
    it("states every discrepancy at once; holds the documents; a second notice is refused", async () => {
      const pid = await presentDocs(f, lcId, 60_000n);
      await expect(as("bankA").refuse(pid, discrepancies, hash("notice"), true))
        .to.emit(f.lc, "RefusalNoticeSent")
        .withArgs(pid, lcId, ids().bankA, discrepancies, hash("notice"), true)
        .and.not.to.emit(f.lc, "DocumentsReturned");
      const p = await f.lc.presentation(pid);
      expect([p.state, p.refusalNoticeSent]).to.deep.equal([BigInt(PresentationState.Held), true]);
      expect(await f.lc.available(lcId)).to.equal(45_000n); // still reserved while held
      await expect(as("bankA").refuse(pid, [code("ANOTHER")], hash("notice 2"), true))
        .to.be.revertedWithCustomError(f.lc, "RefusalNoticeAlreadySent")
        .withArgs(pid);
      await as("core").waiveDiscrepancies(pid);
      await expect(as("bankA").refuse(pid, [code("ANOTHER")], hash("notice 2"), false))
        .to.be.revertedWithCustomError(f.lc, "RefusalNoticeAlreadySent")
        .withArgs(pid);
    });

    it("refuses an empty or overlong list and a missing notice hash", async () => {
      const pid = await presentDocs(f, lcId, 1_000n);
      await expect(as("bankA").refuse(pid, [], hash("notice"), true))
        .to.be.revertedWithCustomError(f.lc, "InvalidListLength")
        .withArgs(ethers.encodeBytes32String("discrepancies"), 0n, 16n);
      await expect(as("bankA").refuse(pid, Array(17).fill(code("X")), hash("notice"), true))
        .to.be.revertedWithCustomError(f.lc, "InvalidListLength")
        .withArgs(ethers.encodeBytes32String("discrepancies"), 17n, 16n);
      await expect(as("bankA").refuse(pid, discrepancies, ZERO, true)).to.be.revertedWithCustomError(
        f.lc,
        "InvalidValue",
      );
    });

    it("only the honouring bank sends it, and not once suspended (wrong party)", async () => {
      const pid = await presentDocs(f, lcId, 1_000n);
      await expect(as("bankB").refuse(pid, discrepancies, hash("notice"), true))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongParty")
        .withArgs(lcId, ids().bankB, ids().bankA);
      for (const name of ["core", "supplier1"] as const) {
        await expect(as(name).refuse(pid, discrepancies, hash("notice"), true)).to.be.revertedWithCustomError(
          f.platform.registry,
          "MissingRole",
        );
      }
      await suspend(ids().bankA);
      await expect(as("bankA").refuse(pid, discrepancies, hash("notice"), true)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MemberNotActive",
      );
    });
  });

  describe("documents held, waived and released, or returned (art. 16c iii)", () => {
    it("the applicant's waiver releases held documents: the bank honours", async () => {
      const pid = await presentDocs(f, lcId, 60_000n);
      await as("bankA").refuse(pid, discrepancies, hash("notice"), true);
      await expect(as("supplier1").waiveDiscrepancies(pid))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongParty")
        .withArgs(lcId, ids().supplier1, ids().core);
      await expect(as("core").waiveDiscrepancies(pid))
        .to.emit(f.lc, "DiscrepanciesWaived")
        .withArgs(pid, lcId, ids().core);
      await expect(as("core").waiveDiscrepancies(pid))
        .to.be.revertedWithCustomError(f.lc, "PresentationWrongState")
        .withArgs(pid, PresentationState.Waived, PresentationState.Discrepant);
      // the waiver may come after the examination deadline: the bank honours then
      await networkHelpers.time.increaseTo(deadlineOn("2027-01-11") + 1n);
      await expect(as("bankA").pay(pid, ZERO))
        .to.emit(f.lc, "PresentationPaid")
        .withArgs(pid, lcId, ids().bankA, acc().supplier1.address, 60_000n, ZERO, 60_000n);
    });

    it("the bank returns held documents (or declines the waiver): refused, the amount released", async () => {
      const held = await presentDocs(f, lcId, 60_000n);
      const waived = await presentDocs(f, lcId, 10_000n);
      await as("bankA").refuse(held, discrepancies, hash("notice"), true);
      await as("bankA").refuse(waived, discrepancies, hash("notice"), true);
      await as("core").waiveDiscrepancies(waived);
      await expect(as("bankB").returnDocuments(held))
        .to.be.revertedWithCustomError(f.lc, "LetterOfCreditWrongParty")
        .withArgs(lcId, ids().bankB, ids().bankA);
      await expect(as("bankA").returnDocuments(held))
        .to.emit(f.lc, "DocumentsReturned")
        .withArgs(held, lcId, ids().bankA, 10_000n);
      await expect(as("bankA").returnDocuments(waived))
        .to.emit(f.lc, "DocumentsReturned")
        .withArgs(waived, lcId, ids().bankA, 0n);
      expect(await f.lc.available(lcId)).to.equal(105_000n);
      await expect(as("core").waiveDiscrepancies(held))
        .to.be.revertedWithCustomError(f.lc, "PresentationWrongState")
        .withArgs(held, PresentationState.Refused, PresentationState.Discrepant);
      await expect(as("bankA").pay(held, ZERO)).to.be.revertedWithCustomError(f.lc, "PresentationWrongState");
    });

    it("returns only documents held after a notice (wrong state), and not once suspended", async () => {
      const presented = await presentDocs(f, lcId, 1_000n);
      const waivedWithoutNotice = await presentDocs(f, lcId, 1_000n);
      await as("bankA").examine(waivedWithoutNotice, [code("X")]);
      await as("core").waiveDiscrepancies(waivedWithoutNotice);
      for (const [pid, state] of [
        [presented, PresentationState.Presented],
        [waivedWithoutNotice, PresentationState.Waived],
      ] as const) {
        await expect(as("bankA").returnDocuments(pid))
          .to.be.revertedWithCustomError(f.lc, "PresentationWrongState")
          .withArgs(pid, state, PresentationState.Held);
      }
      await as("bankA").refuse(presented, discrepancies, hash("notice"), true);
      await suspend(ids().bankA);
      await expect(as("bankA").returnDocuments(presented)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MemberNotActive",
      );
    });
  });
});
