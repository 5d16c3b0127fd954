// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IGoverned} from "./IGoverned.sol";

/// @title IConsortiumCalendar
/// @notice The consortium's calendar of working days, shared by every application that counts deadlines in working
/// (or banking) days: administrative approval steps, UCP 600 examination periods. A day is a whole day number since
/// 1970-01-01 in the consortium's time zone (`utcOffset`). Without a vote for a year, Monday to Friday are working
/// days; a governance vote sets a year's working days as a bitmap (public holidays off, make-up Saturdays on).
/// @dev Two words per year (bit `i` is day `i` of the year, 1 January being 0; bit 255 of the second word marks a year
/// set by vote), so `isWorkingDay` reads one slot and every walk over days is bounded by `MAX_SPAN`.
interface IConsortiumCalendar is IGoverned {
    /// @notice A year's working days were set by vote.
    /// @param year Calendar year.
    /// @param firstDays Bits for days 0..255 of the year.
    /// @param lastDays Bits for days 256..365 of the year (no bit beyond the year's last day).
    /// @param workingDays Number of working days in the year.
    event WorkingDaysSet(uint16 indexed year, uint256 firstDays, uint256 lastDays, uint16 workingDays);
    /// @notice A year's vote was withdrawn: Monday to Friday are its working days again.
    event WorkingDaysCleared(uint16 indexed year);

    /// @notice The year is outside the range the calendar covers (`FIRST_YEAR`..`LAST_YEAR`).
    error CalendarYearOutOfRange(uint256 year);
    /// @notice The bitmap marks days beyond the year's last day.
    error CalendarDaysBeyondYear(uint16 year, uint256 daysInYear);
    /// @notice More working days were asked for than a deadline may span.
    error CalendarTooManyDays(uint256 count, uint256 max);
    /// @notice The walk over days would pass `MAX_SPAN` calendar days (a stretch of the calendar without enough
    /// working days, or an interval too long).
    error CalendarSpanExceeded(uint32 fromDay, uint256 maxSpan);

    /// @notice Sets a year's working days (bit `i` of the 366-bit map is day `i` of the year). Governance only.
    function setWorkingDays(uint16 year, uint256 firstDays, uint256 lastDays) external;

    /// @notice Withdraws a year's vote: Monday to Friday become its working days again. Governance only.
    function clearWorkingDays(uint16 year) external;

    /// @notice Seconds added to UTC to get the consortium's local time (fixed at deployment; +8 h for China).
    function utcOffset() external view returns (int32);

    /// @notice The day number (days since 1970-01-01, local time) of a timestamp.
    function dayOf(uint256 timestamp) external view returns (uint32);

    /// @notice The day number of the current block.
    function today() external view returns (uint32);

    /// @notice The calendar year of a day number.
    function yearOf(uint32 day) external pure returns (uint16);

    /// @notice Whether `day` is a working day.
    function isWorkingDay(uint32 day) external view returns (bool);

    /// @notice The day on which `count` working days after `start` have passed: the `count`-th working day strictly
    /// after `start` (`start` itself for 0).
    function addWorkingDays(uint32 start, uint256 count) external view returns (uint32);

    /// @notice The number of working days in `(fromDay, toDay]` (0 when `toDay <= fromDay`).
    function workingDaysBetween(uint32 fromDay, uint32 toDay) external view returns (uint256);

    /// @notice A year's bitmap as stored, and whether a vote set it (otherwise the weekday rule applies).
    function workingDaysOf(uint16 year) external view returns (uint256 firstDays, uint256 lastDays, bool voted);
}
