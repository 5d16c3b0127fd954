import { expect } from "chai";
import { network } from "hardhat";
import type { ConsortiumCalendar } from "@consortia/sdk/typechain";
import { deployPlatform, passProposal, type Platform } from "../helpers/consortium.js";
import { rejection } from "../helpers/rejection.js";
import { deployUpgradeable } from "../helpers/upgradeable.js";
import { dayOf, governanceError, MONDAY, UTC_OFFSET } from "../approvals/fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

interface Fixture {
  platform: Platform;
  calendar: ConsortiumCalendar;
}

async function fixture(): Promise<Fixture> {
  const platform = await deployPlatform(connection);
  const calendar = await deployUpgradeable(ethers, "ConsortiumCalendar", [platform.registry], [UTC_OFFSET]);
  await platform.finishBootstrap();
  return { platform, calendar };
}

/** The 366-bit map of a year as (days 0..255, days 256..365), from the working days' day-of-year indexes. */
function bitmap(year: number, isWorking: (date: Date) => boolean): [bigint, bigint] {
  let first = 0n;
  let last = 0n;
  for (let i = 0; ; i++) {
    const date = new Date(Date.UTC(year, 0, 1 + i));
    if (date.getUTCFullYear() !== year) break;
    if (!isWorking(date)) continue;
    if (i < 256) first |= 1n << BigInt(i);
    else last |= 1n << BigInt(i - 256);
  }
  return [first, last];
}

const iso = (date: Date) => date.toISOString().slice(0, 10);
/** 2027 as voted: weekends off, New Year's Day and 2027-02-08..12 off, Saturday 2027-02-06 on (make-up day). */
const HOLIDAYS = new Set(["2027-01-01", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12"]);
const MAKE_UP = new Set(["2027-02-06"]);
const vote2027 = bitmap(2027, (date) => {
  const day = iso(date);
  if (MAKE_UP.has(day)) return true;
  if (HOLIDAYS.has(day)) return false;
  return date.getUTCDay() !== 0 && date.getUTCDay() !== 6;
});

async function voted(): Promise<Fixture> {
  const f = await fixture();
  const { calendar } = f;
  await passProposal(
    f.platform,
    calendar,
    calendar.interface.encodeFunctionData("setWorkingDays", [2027, ...vote2027]),
  );
  return f;
}

describe("ConsortiumCalendar", () => {
  describe("without a vote: Monday to Friday", () => {
    it("marks Monday to Friday working and the weekend not", async () => {
      const { calendar } = await networkHelpers.loadFixture(fixture);
      const week = await Promise.all([0, 1, 2, 3, 4, 5, 6].map((i) => calendar.isWorkingDay(MONDAY + i)));
      expect(week).to.deep.equal([true, true, true, true, true, false, false]);
    });

    it("adds working days over the weekend; 0 days is the start itself; from a Saturday the next is Monday", async () => {
      const { calendar } = await networkHelpers.loadFixture(fixture);
      expect(await calendar.addWorkingDays(MONDAY, 0)).to.equal(MONDAY);
      expect(await calendar.addWorkingDays(MONDAY + 4, 1)).to.equal(MONDAY + 7); // Friday + 1 = Monday
      expect(await calendar.addWorkingDays(MONDAY, 5)).to.equal(MONDAY + 7);
      expect(await calendar.addWorkingDays(MONDAY + 5, 1)).to.equal(MONDAY + 7); // Saturday + 1 = Monday
      expect(await calendar.addWorkingDays(MONDAY, 10)).to.equal(MONDAY + 14);
    });

    it("counts working days in (from, to]", async () => {
      const { calendar } = await networkHelpers.loadFixture(fixture);
      expect(await calendar.workingDaysBetween(MONDAY, MONDAY + 7)).to.equal(5n);
      expect(await calendar.workingDaysBetween(MONDAY + 4, MONDAY + 6)).to.equal(0n);
      expect(await calendar.workingDaysBetween(MONDAY + 7, MONDAY)).to.equal(0n);
      expect(await calendar.workingDaysBetween(MONDAY, MONDAY)).to.equal(0n);
    });

    it("splits years at 1 January, leap years included", async () => {
      const { calendar } = await networkHelpers.loadFixture(fixture);
      expect(await calendar.yearOf(0)).to.equal(1970n);
      expect(await calendar.yearOf(dayOf("2024-02-29"))).to.equal(2024n);
      expect(await calendar.yearOf(dayOf("2024-12-31"))).to.equal(2024n);
      expect(await calendar.yearOf(dayOf("2025-01-01"))).to.equal(2025n);
      expect(await calendar.yearOf(dayOf("2199-12-31"))).to.equal(2199n);
      await expect(calendar.yearOf(dayOf("2200-01-01")))
        .to.be.revertedWithCustomError(calendar, "CalendarYearOutOfRange")
        .withArgs(2200);
    });

    it("counts days in the consortium's time zone (UTC+8)", async () => {
      const { calendar } = await networkHelpers.loadFixture(fixture);
      const mondayUtc = MONDAY * 86_400;
      expect(await calendar.utcOffset()).to.equal(BigInt(UTC_OFFSET));
      expect(await calendar.dayOf(mondayUtc + 15 * 3600 + 59 * 60)).to.equal(MONDAY); // 23:59 local
      expect(await calendar.dayOf(mondayUtc + 16 * 3600)).to.equal(MONDAY + 1); // 00:00 local, Tuesday
      expect(await calendar.dayOf(mondayUtc - 8 * 3600)).to.equal(MONDAY); // 00:00 local, Monday
    });
  });

  describe("a year set by vote", () => {
    it("takes holidays off and make-up Saturdays on, and says the year was voted", async () => {
      const { calendar } = await networkHelpers.loadFixture(voted);
      expect(await calendar.isWorkingDay(dayOf("2027-01-01"))).to.equal(false); // a Friday, New Year
      expect(await calendar.isWorkingDay(dayOf("2027-02-06"))).to.equal(true); // a Saturday, make-up day
      expect(await calendar.isWorkingDay(dayOf("2027-02-10"))).to.equal(false); // a Wednesday, Spring Festival
      expect(await calendar.isWorkingDay(dayOf("2027-12-31"))).to.equal(true); // day 364, in the second word
      expect(await calendar.workingDaysOf(2027)).to.deep.equal([...vote2027, true]);
      expect((await calendar.workingDaysOf(2028))[2]).to.equal(false);
    });

    it("skips the holidays when adding working days, across the year's end into an unvoted year", async () => {
      const { calendar } = await networkHelpers.loadFixture(voted);
      // Friday 2027-02-05 + 1 = the make-up Saturday; + 2 = Monday 2027-02-15 after the holiday week.
      expect(await calendar.addWorkingDays(dayOf("2027-02-05"), 1)).to.equal(dayOf("2027-02-06"));
      expect(await calendar.addWorkingDays(dayOf("2027-02-05"), 2)).to.equal(dayOf("2027-02-15"));
      expect(await calendar.workingDaysBetween(dayOf("2027-02-05"), dayOf("2027-02-15"))).to.equal(2n);
      // 2027-12-31 (Friday) + 1 = Monday 2028-01-03, by the weekday rule of 2028.
      expect(await calendar.addWorkingDays(dayOf("2027-12-31"), 1)).to.equal(dayOf("2028-01-03"));
    });

    it("announces the vote with the number of working days", async () => {
      const { platform, calendar } = await networkHelpers.loadFixture(fixture);
      const data = calendar.interface.encodeFunctionData("setWorkingDays", [2027, ...vote2027]);
      // 2027 has 261 weekdays; six of them are holidays and one Saturday is worked.
      await expect(passProposal(platform, calendar, data))
        .to.emit(calendar, "WorkingDaysSet")
        .withArgs(2027, ...vote2027, 256);
    });

    it("a cleared year falls back to Monday to Friday", async () => {
      const { platform, calendar } = await networkHelpers.loadFixture(voted);
      const data = calendar.interface.encodeFunctionData("clearWorkingDays", [2027]);
      await expect(passProposal(platform, calendar, data))
        .to.emit(calendar, "WorkingDaysCleared")
        .withArgs(2027);
      expect(await calendar.isWorkingDay(dayOf("2027-01-01"))).to.equal(true);
      expect(await calendar.isWorkingDay(dayOf("2027-02-06"))).to.equal(false);
    });
  });

  describe("refusals", () => {
    it("refuses a member setting or clearing a year directly: only a passed proposal may", async () => {
      const { platform, calendar } = await networkHelpers.loadFixture(fixture);
      const bankA = calendar.connect(platform.accounts.bankA);
      await expect(bankA.setWorkingDays(2027, ...vote2027)).to.be.revertedWithCustomError(calendar, "OnlyGovernance");
      await expect(bankA.clearWorkingDays(2027)).to.be.revertedWithCustomError(calendar, "OnlyGovernance");
    });

    it("refuses a year outside 1970..2199 and a bitmap with days beyond the year's end", async () => {
      const { platform, calendar } = await networkHelpers.loadFixture(fixture);
      const set = (year: number, first: bigint, last: bigint) =>
        governanceError(
          platform,
          calendar,
          calendar.interface.encodeFunctionData("setWorkingDays", [year, first, last]),
          calendar.interface,
        );
      expect(await set(1969, 1n, 0n)).to.deep.include({ name: "CalendarYearOutOfRange" });
      expect(await set(2200, 1n, 0n)).to.deep.include({ name: "CalendarYearOutOfRange" });
      // 2027 has 365 days: bit 109 of the second word would be day 365.
      const beyond = await set(2027, 1n, 1n << 109n);
      expect(beyond.name).to.equal("CalendarDaysBeyondYear");
      expect(beyond.args?.[1]).to.equal(365n);
      // 2028 is a leap year: day 365 exists, day 366 does not.
      expect(await set(2028, 1n, 1n << 110n)).to.deep.include({ name: "CalendarDaysBeyondYear" });
      // The marker bit cannot be forged into a year either.
      expect(await set(2027, 1n, 1n << 255n)).to.deep.include({ name: "CalendarDaysBeyondYear" });
    });

    it("refuses a deadline over MAX_WORKING_DAYS, and a walk over a voted year without working days", async () => {
      const { platform, calendar } = await networkHelpers.loadFixture(fixture);
      await expect(calendar.addWorkingDays(MONDAY, 251))
        .to.be.revertedWithCustomError(calendar, "CalendarTooManyDays")
        .withArgs(251, 250);
      // A vote that takes every day of 2028 and 2029 away: no deadline can be counted across them.
      for (const year of [2028, 2029]) {
        await passProposal(platform, calendar, calendar.interface.encodeFunctionData("setWorkingDays", [year, 0, 0]));
      }
      await expect(calendar.addWorkingDays(dayOf("2027-12-31"), 1))
        .to.be.revertedWithCustomError(calendar, "CalendarSpanExceeded")
        .withArgs(dayOf("2027-12-31"), 731);
      await expect(
        calendar.workingDaysBetween(dayOf("2027-01-01"), dayOf("2027-01-01") + 732),
      ).to.be.revertedWithCustomError(calendar, "CalendarSpanExceeded");
    });

    it("refuses a time zone beyond ±14 hours at initialization", async () => {
      const { platform } = await networkHelpers.loadFixture(fixture);
      const error = await rejection(
        deployUpgradeable(ethers, "ConsortiumCalendar", [platform.registry], [14 * 3600 + 1]),
      );
      expect(error.message).to.match(/revert/);
      await deployUpgradeable(ethers, "ConsortiumCalendar", [platform.registry], [-14 * 3600]);
    });
  });
});
