import { expect } from "chai";
import { encodeBytes32String, keccak256, toUtf8Bytes, ZeroAddress, ZeroHash } from "ethers";
import { network } from "hardhat";
import { deployPlatform, fund, passProposal, type Platform } from "../helpers/consortium.js";
import type { BankGuarantees, ConsortiumCalendar } from "@consortia/sdk/typechain";
import type { IBankGuarantees } from "@consortia/sdk/typechain/guarantees/BankGuarantees.js";
import { deployUpgradeable } from "../helpers/upgradeable.js";

// Issue 19: a demand's examination deadline counts business days on the consortium calendar: five following the day
// of presentation under URDG 758 (art. 20a), three for a standby under ISP98 (rule 5.01a); the guarantor is precluded
// from rejecting after it (art. 24f; ISP98 rule 5.03), and may still pay.

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const DAY = 86_400n;
const AMOUNT = 1_000_000n;
const UTC_OFFSET = 8 * 3600;
const h = (text: string) => keccak256(toUtf8Bytes(text));

enum Kind {
  Bid,
  Performance,
  AdvancePayment,
  Warranty,
  Payment,
  Standby,
}
enum CState {
  None,
  Presented,
  Paid,
  Rejected,
}

/** Day number (days since 1970-01-01) of an ISO date. */
const dayOf = (isoDate: string): bigint => BigInt(Date.parse(`${isoDate}T00:00:00Z`) / 86_400_000);
/** `hh:mm` local time (UTC+8) on an ISO date, as a timestamp. */
const localTime = (isoDate: string, hour: number, minute = 0): bigint =>
  dayOf(isoDate) * DAY + BigInt(hour * 3600 + minute * 60 - UTC_OFFSET);
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

interface Fixture {
  platform: Platform;
  app: BankGuarantees;
  calendar: ConsortiumCalendar;
}

/** The guarantee app on a calendar with 2027 voted, at 09:00 on Monday 2027-01-04, local time. */
async function fixture(): Promise<Fixture> {
  const platform = await deployPlatform(connection);
  const calendar = await deployUpgradeable(ethers, "ConsortiumCalendar", [platform.registry], [UTC_OFFSET]);
  const app = await deployUpgradeable(ethers, "BankGuarantees", [
    platform.registry,
    platform.token,
    platform.ledger,
    calendar,
    ZeroAddress,
  ]);
  await platform.finishBootstrap([app]);
  await passProposal(
    platform,
    calendar,
    calendar.interface.encodeFunctionData("setWorkingDays", [2027, ...voted2027()]),
  );
  await fund(platform, platform.accounts.bankA, 10n * AMOUNT);
  await platform.token.connect(platform.accounts.bankA).approve(app, ethers.MaxUint256);
  await networkHelpers.time.increaseTo(localTime("2027-01-04", 9));
  return { platform, app, calendar };
}

function application(f: Fixture, kind: Kind, examinationPeriod = 5n * DAY): IBankGuarantees.ApplicationStruct {
  return {
    guarantor: f.platform.accounts.bankA.address,
    beneficiary: f.platform.accounts.core.address,
    kind,
    currency: "0x434e59",
    amount: AMOUNT,
    expiry: localTime("2027-06-30", 0),
    examinationPeriod,
    termsHash: h("terms"),
    tenderReference: h("contract:2027-PORT-4"),
    schedule: [],
  };
}

/** Issues a guarantee of `kind` and returns its id. */
async function issued(f: Fixture, kind: Kind, examinationPeriod = 5n * DAY): Promise<bigint> {
  await f.app.connect(f.platform.accounts.supplier1).applyFor(application(f, kind, examinationPeriod));
  const id = await f.app.guaranteeCount();
  await f.app.connect(f.platform.accounts.bankA).issue(id, h(`reference ${id}`));
  return id;
}

/** Presents a demand at a moment and returns its examination deadline (checked against the event). */
async function presentAt(f: Fixture, id: bigint, at: bigint, expected: bigint): Promise<void> {
  await networkHelpers.time.setNextBlockTimestamp(at);
  const tx = f.app
    .connect(f.platform.accounts.core)
    .presentClaim(id, { amount: 1_000n, demandHash: h("demand"), documents: [], extendTo: 0n });
  await expect(tx)
    .to.emit(f.app, "ClaimPresented")
    .withArgs(id, 0n, f.platform.ids.core, f.platform.accounts.core.address, expected, (d: unknown) => d !== null);
  const c = await f.app.claim(id, 0n);
  expect(c.examinationDeadline).to.equal(expected);
  expect(c.presentedAt).to.equal(at);
}

describe("BankGuarantees: examination in business days (URDG 758 art. 20a, ISP98 rule 5.01a)", () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await networkHelpers.loadFixture(fixture);
  });

  it("reads the consortium calendar and states the rules' day counts", async () => {
    expect(await f.app.calendar()).to.equal(await f.calendar.getAddress());
    expect(await f.app.EXAMINATION_DAYS()).to.equal(5n);
    expect(await f.app.STANDBY_EXAMINATION_DAYS()).to.equal(3n);
  });

  it("refuses an implementation without a calendar", async () => {
    await expect(
      ethers.deployContract("BankGuarantees", [
        f.platform.registry,
        f.platform.token,
        f.platform.ledger,
        ZeroAddress,
        ZeroAddress,
      ]),
    )
      .to.be.revertedWithCustomError(f.app, "InvalidValue")
      .withArgs(encodeBytes32String("calendar"));
  });

  describe("across a weekend", () => {
    it("URDG 758: a demand on Friday is examined until the end of the next Friday (Mon 11 .. Fri 15)", async () => {
      const id = await issued(f, Kind.Performance);
      await presentAt(f, id, localTime("2027-01-08", 10), deadlineOn("2027-01-15"));
    });

    it("ISP98: a demand on Friday under a standby is examined until the end of Wednesday (Mon 11 .. Wed 13)", async () => {
      const id = await issued(f, Kind.Standby);
      await presentAt(f, id, localTime("2027-01-08", 10), deadlineOn("2027-01-13"));
    });

    it("counts the day of presentation in the calendar's time zone, not UTC (07:00 Friday local is Thursday UTC)", async () => {
      const urdg = await issued(f, Kind.Bid);
      const standby = await issued(f, Kind.Standby);
      await presentAt(f, urdg, localTime("2027-01-08", 7), deadlineOn("2027-01-15"));
      await presentAt(f, standby, localTime("2027-01-08", 7, 1), deadlineOn("2027-01-13"));
    });

    it("a demand presented on a Saturday counts from the next business day on", async () => {
      const urdg = await issued(f, Kind.Warranty);
      const standby = await issued(f, Kind.Standby);
      await presentAt(f, urdg, localTime("2027-01-09", 11), deadlineOn("2027-01-15"));
      await presentAt(f, standby, localTime("2027-01-09", 12), deadlineOn("2027-01-13"));
    });
  });

  describe("across a voted holiday", () => {
    it("URDG 758: Thursday 4 Feb: Fri 5, make-up Sat 6, the festival 8..12 and the weekend skipped, Mon 15 .. Wed 17", async () => {
      const id = await issued(f, Kind.Payment);
      await presentAt(f, id, localTime("2027-02-04", 15), deadlineOn("2027-02-17"));
    });

    it("ISP98: Thursday 4 Feb under a standby: Fri 5, make-up Sat 6, then Mon 15 after the festival", async () => {
      const id = await issued(f, Kind.Standby);
      await presentAt(f, id, localTime("2027-02-04", 15), deadlineOn("2027-02-15"));
    });
  });

  it("ignores the legacy examination period the application recorded", async () => {
    const long = await issued(f, Kind.Performance, 30n * DAY);
    const short = await issued(f, Kind.Standby, 1n);
    expect((await f.app.guarantee(long)).examinationPeriod).to.equal(30n * DAY);
    await presentAt(f, long, localTime("2027-01-08", 10), deadlineOn("2027-01-15"));
    await presentAt(f, short, localTime("2027-01-08", 11), deadlineOn("2027-01-13"));
  });

  describe("wrong time: preclusion after the deadline (art. 24f; ISP98 rule 5.03)", () => {
    for (const [kind, label, last] of [
      [Kind.Performance, "URDG 758", "2027-01-15"],
      [Kind.Standby, "ISP98", "2027-01-13"],
    ] as const) {
      it(`${label}: the guarantor may reject in the last second of the deadline`, async () => {
        const id = await issued(f, kind);
        await presentAt(f, id, localTime("2027-01-08", 10), deadlineOn(last));
        await networkHelpers.time.setNextBlockTimestamp(deadlineOn(last));
        await f.app.connect(f.platform.accounts.bankA).rejectClaim(id, 0n, h("discrepant"));
        expect((await f.app.claim(id, 0n)).state).to.equal(CState.Rejected);
      });

      it(`${label}: a rejection one second after the deadline is refused; payment is still possible`, async () => {
        const id = await issued(f, kind);
        await presentAt(f, id, localTime("2027-01-08", 10), deadlineOn(last));
        const bankA = f.app.connect(f.platform.accounts.bankA);
        await networkHelpers.time.setNextBlockTimestamp(deadlineOn(last) + 1n);
        await expect(bankA.rejectClaim(id, 0n, h("discrepant")))
          .to.be.revertedWithCustomError(f.app, "ClaimExaminationOver")
          .withArgs(id, 0n, deadlineOn(last));
        await bankA.payClaim(id, 0n, ZeroHash);
        expect((await f.app.claim(id, 0n)).state).to.equal(CState.Paid);
      });
    }

    it("a voted holiday moves the preclusion: a standby demand of 4 Feb may still be rejected on 12 Feb", async () => {
      const id = await issued(f, Kind.Standby);
      await presentAt(f, id, localTime("2027-02-04", 15), deadlineOn("2027-02-15"));
      // three calendar days of seconds would have ended on 7 Feb
      await networkHelpers.time.setNextBlockTimestamp(localTime("2027-02-12", 18));
      await f.app.connect(f.platform.accounts.bankA).rejectClaim(id, 0n, h("discrepant"));
      expect((await f.app.claim(id, 0n)).state).to.equal(CState.Rejected);
    });
  });
});
