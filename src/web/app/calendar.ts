/**
 * The consortium calendar's UTC offset, read once per signed-in session from the chain (the SDK's
 * `approvals.calendar.utcOffset()`, seconds): the console converts and shows calendar dates (expiry, latest shipment,
 * a stated shipment date) on that calendar's day, as the chain compares them (`ConsortiumCalendar.dayOf`), not in the
 * browser's zone. Without a session, or when the read fails, the offset is `null`: the user's zone, and the pages say
 * so (`calendar.unavailable`).
 */
import { useEffect, useState } from "react";
import type { Consortia } from "@consortia/sdk/client";
import { useApp } from "./context.js";
import { formatCalendarDate, type UtcOffset } from "./format.js";
import { useI18n } from "./i18n.js";

type CalendarReader = Pick<Consortia, "approvals">;

const offsets = new WeakMap<object, Promise<UtcOffset>>();

/** The calendar's offset for this SDK instance: one read per instance (a session), `null` when it fails. */
export function calendarOffsetOf(consortia: CalendarReader): Promise<UtcOffset> {
  let offset = offsets.get(consortia);
  if (offset === undefined) {
    offset = consortia.approvals.calendar.utcOffset().then(
      (seconds) => (Number.isSafeInteger(seconds) ? seconds : null),
      () => null,
    );
    offsets.set(consortia, offset);
  }
  return offset;
}

export interface CalendarDates {
  /** Seconds east of UTC; `null` when unavailable (the user's zone is used), `undefined` while being read. */
  offset: UtcOffset | undefined;
  /** The offset for a form's submit: waits for the (cached) read, so a date is never converted before it is known. */
  read: () => Promise<UtcOffset>;
  /** A calendar date (expiry, shipment) as a date and time on the consortium calendar's clock. */
  date: (unixSeconds: number) => string;
}

export function useCalendar(): CalendarDates {
  const { session } = useApp();
  const { tag } = useI18n();
  const [offset, setOffset] = useState<UtcOffset | undefined>(session === undefined ? null : undefined);
  useEffect(() => {
    let live = true;
    setOffset(session === undefined ? null : undefined);
    if (session !== undefined) {
      void calendarOffsetOf(session.consortia).then((value) => {
        if (live) setOffset(value);
      });
    }
    return () => {
      live = false;
    };
  }, [session]);
  return {
    offset,
    read: () => (session === undefined ? Promise.resolve(null) : calendarOffsetOf(session.consortia)),
    date: (unixSeconds) => formatCalendarDate(unixSeconds, tag, offset ?? null),
  };
}
