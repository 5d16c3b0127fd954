// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Governed} from "./Governed.sol";
import {IConsortiumCalendar} from "./interfaces/IConsortiumCalendar.sol";
import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";

/// @title ConsortiumCalendar
/// @notice The consortium's working days: Monday to Friday by default, a year's bitmap once governance votes one.
/// See `IConsortiumCalendar`.
contract ConsortiumCalendar is IConsortiumCalendar, Governed {
    /// @notice First year the calendar covers (day 0 is 1970-01-01).
    uint16 public constant FIRST_YEAR = 1970;
    /// @notice Last year the calendar covers; later days are refused rather than computed on a wrapped year.
    uint16 public constant LAST_YEAR = 2199;
    /// @notice Last day number covered (2199-12-31).
    uint32 public constant LAST_DAY = 84_005;
    /// @notice Most working days one deadline may count.
    uint256 public constant MAX_WORKING_DAYS = 250;
    /// @notice Most calendar days one walk may pass (bounds every loop; two years hold far more than
    /// `MAX_WORKING_DAYS` working days unless a vote takes most of them away).
    uint256 public constant MAX_SPAN = 731;
    /// @notice Widest time-zone offset accepted (UTC-14h..UTC+14h).
    int32 public constant MAX_UTC_OFFSET = 14 hours;

    /// @dev Bit 255 of `lastDays`: the year was set by vote (day 365 is bit 109, so the marker never collides).
    uint256 private constant VOTED = 1 << 255;

    /// @custom:storage-location erc7201:consortia.storage.ConsortiumCalendar
    struct ConsortiumCalendarStorage {
        int32 _utcOffset;
        mapping(uint16 year => YearDays) _years;
    }

    /// @dev A year's working days: bit `i` of the 366-bit map is day `i` of the year.
    struct YearDays {
        uint256 firstDays;
        uint256 lastDays;
    }

    /// @dev Walk state: the year being walked is loaded once, not per day.
    struct Cursor {
        uint32 day;
        uint16 year;
        uint256 dayOfYear;
        uint256 daysInYear;
        uint256 weekday;
        uint256 firstDays;
        uint256 lastDays;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.ConsortiumCalendar")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant CONSORTIUM_CALENDAR_STORAGE_LOCATION =
        0xde243031697dc8f7ce97f28b3b2c75ee931aac5d6e3d7a0f70d0ba55c22df300;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) Governed(registry_) {}

    /// @notice Initializes the proxy (run once, by the proxy's constructor) with the consortium's time zone.
    /// @param utcOffset_ Seconds added to UTC for local time (28,800 for China); fixed for the calendar's life, since
    /// moving it would move every deadline already counted.
    function initialize(int32 utcOffset_) external initializer {
        if (utcOffset_ > MAX_UTC_OFFSET || utcOffset_ < -MAX_UTC_OFFSET) revert InvalidValue("utcOffset");
        _getConsortiumCalendarStorage()._utcOffset = utcOffset_;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Governance
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IConsortiumCalendar
    function setWorkingDays(uint16 year, uint256 firstDays, uint256 lastDays) external onlyGovernance {
        uint256 daysInYear = _daysInYear(_checkYear(year));
        if (lastDays >> (daysInYear - 256) != 0) revert CalendarDaysBeyondYear(year, daysInYear);
        _getConsortiumCalendarStorage()._years[year] = YearDays(firstDays, lastDays | VOTED);
        emit WorkingDaysSet(year, firstDays, lastDays, uint16(_popcount(firstDays) + _popcount(lastDays)));
    }

    /// @inheritdoc IConsortiumCalendar
    function clearWorkingDays(uint16 year) external onlyGovernance {
        delete _getConsortiumCalendarStorage()._years[_checkYear(year)];
        emit WorkingDaysCleared(year);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IConsortiumCalendar
    function utcOffset() external view returns (int32) {
        return _getConsortiumCalendarStorage()._utcOffset;
    }

    /// @inheritdoc IConsortiumCalendar
    function dayOf(uint256 timestamp) public view returns (uint32) {
        int256 local = int256(timestamp) + _getConsortiumCalendarStorage()._utcOffset;
        uint256 day = local < 0 ? 0 : uint256(local) / 1 days;
        if (day > LAST_DAY) revert CalendarYearOutOfRange(LAST_YEAR + 1);
        // Safe: at most LAST_DAY (checked above).
        return uint32(day);
    }

    /// @inheritdoc IConsortiumCalendar
    function today() external view returns (uint32) {
        return dayOf(block.timestamp);
    }

    /// @inheritdoc IConsortiumCalendar
    function yearOf(uint32 day) external pure returns (uint16 year) {
        (year, ) = _split(day);
    }

    /// @inheritdoc IConsortiumCalendar
    function isWorkingDay(uint32 day) external view returns (bool) {
        return _isWorking(_cursor(day));
    }

    /// @inheritdoc IConsortiumCalendar
    function addWorkingDays(uint32 start, uint256 count) external view returns (uint32) {
        if (count > MAX_WORKING_DAYS) revert CalendarTooManyDays(count, MAX_WORKING_DAYS);
        Cursor memory c = _cursor(start);
        for (uint256 walked; count != 0; ++walked) {
            if (walked == MAX_SPAN) revert CalendarSpanExceeded(start, MAX_SPAN);
            _next(c);
            if (_isWorking(c)) --count;
        }
        return c.day;
    }

    /// @inheritdoc IConsortiumCalendar
    function workingDaysBetween(uint32 fromDay, uint32 toDay) external view returns (uint256 count) {
        if (toDay <= fromDay) return 0;
        if (toDay - fromDay > MAX_SPAN) revert CalendarSpanExceeded(fromDay, MAX_SPAN);
        Cursor memory c = _cursor(fromDay);
        while (c.day < toDay) {
            _next(c);
            if (_isWorking(c)) ++count;
        }
    }

    /// @inheritdoc IConsortiumCalendar
    function workingDaysOf(uint16 year) external view returns (uint256 firstDays, uint256 lastDays, bool voted) {
        YearDays storage y = _getConsortiumCalendarStorage()._years[year];
        (firstDays, lastDays) = (y.firstDays, y.lastDays);
        voted = lastDays & VOTED != 0;
        lastDays &= ~VOTED;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------------------------------

    /// @dev A cursor on `day`, its year's bitmap loaded.
    function _cursor(uint32 day) private view returns (Cursor memory c) {
        (uint16 year, uint256 dayOfYear) = _split(day);
        c.day = day;
        c.dayOfYear = dayOfYear;
        // 1970-01-01 was a Thursday: Monday is 0.
        c.weekday = (uint256(day) + 3) % 7;
        _load(c, year);
    }

    /// @dev Moves the cursor one day on, loading the next year's bitmap when the year turns.
    function _next(Cursor memory c) private view {
        if (c.day == LAST_DAY) revert CalendarYearOutOfRange(LAST_YEAR + 1);
        ++c.day;
        c.weekday = c.weekday == 6 ? 0 : c.weekday + 1;
        if (++c.dayOfYear == c.daysInYear) {
            c.dayOfYear = 0;
            _load(c, c.year + 1);
        }
    }

    function _load(Cursor memory c, uint16 year) private view {
        YearDays storage y = _getConsortiumCalendarStorage()._years[year];
        c.year = year;
        c.daysInYear = _daysInYear(year);
        c.firstDays = y.firstDays;
        c.lastDays = y.lastDays;
    }

    function _isWorking(Cursor memory c) private pure returns (bool) {
        if (c.lastDays & VOTED == 0) return c.weekday < 5;
        uint256 i = c.dayOfYear;
        return (i < 256 ? c.firstDays >> i : c.lastDays >> (i - 256)) & 1 == 1;
    }

    /// @dev Year and day of year of a day number (Howard Hinnant's `civil_from_days`, for days from 1970 on).
    function _split(uint32 day) private pure returns (uint16 year, uint256 dayOfYear) {
        if (day > LAST_DAY) revert CalendarYearOutOfRange(LAST_YEAR + 1);
        uint256 z = uint256(day) + 719_468;
        uint256 era = z / 146_097;
        uint256 doe = z - era * 146_097;
        uint256 yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        uint256 y = yoe + era * 400;
        uint256 doyFromMarch = doe - (365 * yoe + yoe / 4 - yoe / 100);
        // Months from March: January and February (10 and 11) belong to the next civil year.
        if ((5 * doyFromMarch + 2) / 153 >= 10) ++y;
        // Safe: day <= LAST_DAY keeps y <= LAST_YEAR.
        year = uint16(y);
        dayOfYear = uint256(day) - _firstDay(y);
    }

    /// @dev Day number of 1 January of `year` (`days_from_civil(year, 1, 1)`; `year >= 1970`).
    function _firstDay(uint256 year) private pure returns (uint256) {
        uint256 y = year - 1; // January counts in the previous March-based year
        uint256 era = y / 400;
        uint256 yoe = y - era * 400;
        // 306: days from 1 March to 1 January.
        return era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + 306 - 719_468;
    }

    function _daysInYear(uint256 year) private pure returns (uint256) {
        return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 366 : 365;
    }

    function _checkYear(uint16 year) private pure returns (uint16) {
        if (year < FIRST_YEAR || year > LAST_YEAR) revert CalendarYearOutOfRange(year);
        return year;
    }

    function _popcount(uint256 x) private pure returns (uint256 n) {
        for (; x != 0; ++n) x &= x - 1;
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getConsortiumCalendarStorage() private pure returns (ConsortiumCalendarStorage storage $) {
        assembly ("memory-safe") {
            $.slot := CONSORTIUM_CALENDAR_STORAGE_LOCATION
        }
    }
}
