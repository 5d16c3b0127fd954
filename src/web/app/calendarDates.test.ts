/**
 * Calendar dates are days of the consortium calendar (a fixed UTC offset, as `ConsortiumCalendar.dayOf` counts them),
 * whatever the browser's zone: run under Asia/Tokyo (east of UTC+8: the old local-zone conversion put 2026-12-07 on
 * consortium day 2026-12-06, and a late shipment went unflagged) and America/New_York (west: the end of a day landed
 * on the next consortium day). `process.env.TZ` is set here and each test checks that the zone really changed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calendarOffsetOf } from "./calendar.js";
import { calendarDay, endOfDay, formatCalendarDate, startOfDay, utcOffsetLabel } from "./format.js";
import { checkPendingStatement } from "./presentation.js";
import { LC_ISSUE, parseForm, parseShipmentDate } from "./tradeForms.js";
import { presentationDocumentsHash } from "../../../packages/sdk/src/clients/letters-of-credit.js";

const UTC8 = 28_800;
const DAY = 86_400;
/** The chain's day number (ConsortiumCalendar.dayOf): days since 1970-01-01 in the consortium's zone. */
const dayOf = (timestamp: number, offset = UTC8) => Math.floor((timestamp + offset) / DAY);
const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000 / DAY;

const zones = [
  { tz: "Asia/Tokyo", minutesWestInDecember: -540 },
  { tz: "America/New_York", minutesWestInDecember: 300 },
];
const originalTz = process.env.TZ;

describe.each(zones)("consortium calendar dates with the browser in $tz", ({ tz, minutesWestInDecember }) => {
  beforeAll(() => {
    process.env.TZ = tz;
  });
  afterAll(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it("runs in that zone", () => {
    expect(new Date(2026, 11, 7).getTimezoneOffset()).toBe(minutesWestInDecember);
  });

  it("a stated shipment date is the first second of that consortium day", () => {
    const start = startOfDay("2026-12-07", UTC8);
    expect(start).toBe(Date.parse("2026-12-07T00:00:00+08:00") / 1000);
    expect(dayOf(start)).toBe(dayNumber("2026-12-07"));
    expect(dayOf(start - 1)).toBe(dayNumber("2026-12-06"));
    expect(calendarDay(start, UTC8)).toBe("2026-12-07");
  });

  it("an expiry or latest shipment date is the last second of that consortium day", () => {
    const end = endOfDay("2026-12-07", UTC8);
    expect(end).toBe(Date.parse("2026-12-07T23:59:59+08:00") / 1000);
    expect(dayOf(end)).toBe(dayNumber("2026-12-07"));
    expect(dayOf(end + 1)).toBe(dayNumber("2026-12-08"));
    expect(calendarDay(end, UTC8)).toBe("2026-12-07");
  });

  it("takes any calendar's offset (UTC-5, UTC+5:30)", () => {
    expect(dayOf(startOfDay("2026-12-07", -18_000), -18_000)).toBe(dayNumber("2026-12-07"));
    expect(dayOf(endOfDay("2026-12-07", 19_800), 19_800)).toBe(dayNumber("2026-12-07"));
    expect(dayOf(endOfDay("2026-12-07", 19_800) + 1, 19_800)).toBe(dayNumber("2026-12-08"));
  });

  it("the forms convert on the consortium calendar: the LC's dates and the stated shipment date", () => {
    const now = Date.parse("2026-12-08T12:00:00Z") / 1000;
    const parsed = parseForm(
      LC_ISSUE,
      {
        applicant: "3",
        beneficiary: "4",
        advisingBank: "5",
        amount: "100",
        expiry: "2027-02-01",
        latestShipment: "2027-01-15",
        terms: `0x${"ab".repeat(32)}`,
        documents: ["Invoice"],
      },
      { decimals: 2, now, utcOffset: UTC8 },
    );
    expect(parsed.ok ? {} : parsed.errors).toEqual({});
    if (!parsed.ok) return;
    expect(dayOf(parsed.values.expiry as number)).toBe(dayNumber("2027-02-01"));
    expect(dayOf((parsed.values.expiry as number) + 1)).toBe(dayNumber("2027-02-02"));
    expect(dayOf(parsed.values.latestShipment as number)).toBe(dayNumber("2027-01-15"));
    const shipped = parseShipmentDate("2026-12-07", now, (iso) => startOfDay(iso, UTC8));
    expect(dayOf(shipped.value!)).toBe(dayNumber("2026-12-07"));
  });

  it("shows a calendar date on the consortium calendar's clock, with its offset", () => {
    const end = endOfDay("2026-12-07", UTC8);
    expect(formatCalendarDate(end, "en", UTC8)).toMatch(/Dec 7, 2026.*11:59.*PM UTC\+08:00$/);
    expect(formatCalendarDate(startOfDay("2026-12-07", UTC8), "en", UTC8)).toMatch(/Dec 7, 2026.*12:00.*AM/);
  });
});

describe("the calendar offset of a session", () => {
  it("is read once per SDK instance, and is null (the user's zone) when it cannot be read", async () => {
    let reads = 0;
    const sdk = { approvals: { calendar: { utcOffset: async () => (reads++, UTC8) } } };
    const failing = { approvals: { calendar: { utcOffset: async () => Promise.reject(new Error("no calendar")) } } };
    const asSdk = (value: unknown) => value as Parameters<typeof calendarOffsetOf>[0];
    expect(await calendarOffsetOf(asSdk(sdk))).toBe(UTC8);
    expect(await calendarOffsetOf(asSdk(sdk))).toBe(UTC8);
    expect(reads).toBe(1);
    expect(await calendarOffsetOf(asSdk(failing))).toBeNull();
    expect(utcOffsetLabel(UTC8)).toBe("UTC+08:00");
    expect(utcOffsetLabel(-12_600)).toBe("UTC-03:30");
  });
});

describe("a shipment date left pending before presenting", () => {
  const documents = [{ contentHash: `0x${"11".repeat(32)}`, uriHash: `0x${"00".repeat(32)}`, kind: 1 }];
  const account = "0x00000000000000000000000000000000000000aa";
  const chain = (stated: number) => {
    const asked: string[] = [];
    return {
      asked,
      client: {
        lettersOfCredit: {
          statedShipment: async (docs: typeof documents, who: string) => {
            asked.push(`${who}:${presentationDocumentsHash(docs)}`);
            return stated;
          },
        },
      },
    };
  };

  it("stops a presentation without a date when one is pending for these documents, and shows it", async () => {
    const { client, asked } = chain(1_796_000_000);
    const check = await checkPendingStatement(client, account, documents, undefined, undefined);
    expect(check).toEqual({
      proceed: false,
      pending: { date: 1_796_000_000, documentsHash: presentationDocumentsHash(documents) },
    });
    expect(asked).toEqual([`${account}:${presentationDocumentsHash(documents)}`]);
  });

  it("goes on once the user presents again for the same documents (not for other documents)", async () => {
    const { client } = chain(1_796_000_000);
    const hash = presentationDocumentsHash(documents);
    expect(await checkPendingStatement(client, account, documents, undefined, hash)).toEqual({ proceed: true });
    expect((await checkPendingStatement(client, account, documents, undefined, `0x${"22".repeat(32)}`)).proceed).toBe(
      false,
    );
  });

  it("goes on without a pending statement, and always states a typed date anew (no read)", async () => {
    expect(await checkPendingStatement(chain(0).client, account, documents, undefined, undefined)).toEqual({
      proceed: true,
    });
    const { client, asked } = chain(1_796_000_000);
    expect(await checkPendingStatement(client, account, documents, 1_797_000_000, undefined)).toEqual({
      proceed: true,
    });
    expect(asked).toEqual([]);
  });
});
