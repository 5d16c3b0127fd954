// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IIssuanceLimits
/// @notice Issuance limits of core enterprises: each financing bank sets how much receivable value it stands behind
/// for an obligor (a core enterprise); once the obligor is under limits — put there by itself or by a governance
/// vote, never by a bank alone (a bank with no business with it could otherwise cap its issuance) — the receivable
/// desk confirms (or issues) receivables of that obligor only while its outstanding confirmed value stays within the
/// sum of the limits of its banks in good standing. Utilisation is tracked for every obligor (used at confirmation,
/// released as certificates are redeemed) and never exceeds the sum of the limits of a limited obligor: no bank can
/// set a limit that would leave it uncovered.
interface IIssuanceLimits {
    /// @notice An obligor's standing. One slot.
    /// @param total Sum of the limits its banks set.
    /// @param utilised Confirmed receivable value not yet redeemed.
    /// @param banks How many banks set a non-zero limit (at most `MAX_BANKS`).
    /// @param limited Whether the obligor is under limits (`enforceLimits`): confirmations beyond the limits are
    /// refused (even when every bank withdrew its limit).
    struct ObligorLimits {
        uint112 total;
        uint112 utilised;
        uint8 banks;
        bool limited;
    }

    /// @notice An obligor was put under its banks' limits, or released from them (governance only).
    /// @param by The obligor's account, or the registry for a governance vote.
    event IssuanceLimitsEnforced(uint32 indexed obligor, bool limited, address by);
    /// @notice A bank set (or changed, or withdrew with 0) its limit for an obligor.
    /// @param total The obligor's sum of limits after the change.
    event IssuanceLimitSet(uint32 indexed obligor, uint32 indexed bank, address account, uint256 limit, uint256 total);
    /// @notice An application confirmed value of an obligor against its limits.
    event IssuanceUsed(
        uint32 indexed obligor,
        address indexed app,
        uint256 indexed record,
        uint256 amount,
        uint256 utilised,
        uint256 available
    );
    /// @notice Value of an obligor was redeemed: its utilisation went down.
    event IssuanceReleased(
        uint32 indexed obligor,
        address indexed app,
        uint256 indexed record,
        uint256 amount,
        uint256 utilised
    );

    /// @notice Only suite applications (registry system contracts) use and release limits.
    error IssuanceNotSystemContract(address caller);
    /// @notice The confirmation would take the obligor's utilisation above the limits of its banks in good standing.
    error IssuanceLimitExceeded(uint32 obligor, uint256 available, uint256 utilised, uint256 requested);
    /// @notice The change would leave the obligor's utilisation above the sum of its limits.
    error IssuanceLimitBelowUtilisation(uint32 obligor, uint32 bank, uint256 totalAfter, uint256 utilised);
    /// @notice The obligor is not an active member with `RECEIVABLE_OBLIGOR`, or is the bank itself.
    error IssuanceIneligibleObligor(uint32 obligor);
    /// @notice The obligor already has `MAX_BANKS` banks with a limit.
    error IssuanceTooManyBanks(uint32 obligor, uint256 max);
    /// @notice The record releases more than it used.
    error IssuanceReleaseExceeds(uint32 obligor, address app, uint256 record, uint256 used, uint256 amount);
    /// @notice A field is empty or out of range.
    error IssuanceInvalid(bytes32 field);
    /// @notice Only governance may release an obligor from its limits, and only the obligor itself (or governance) may
    /// put it under them.
    error IssuanceNotObligorOrGovernance(uint32 obligor, address caller);

    /// @notice Marks the proxy initialized (run once, by the proxy's constructor; it has no settings).
    function initialize() external;

    /// @notice Puts `obligor` under its banks' limits (`limited` true) or releases it (false). The obligor's own
    /// account (an active `RECEIVABLE_OBLIGOR` of that member) may put itself under limits; only governance may do
    /// either. Refused while the obligor's utilisation is above the sum of its limits.
    function enforceLimits(uint32 obligor, bool limited) external;

    /// @notice Sets the caller's bank's limit for `obligor` (0 withdraws it); it binds once the obligor is under
    /// limits (`enforceLimits`).
    /// `FINANCIER` only; the obligor must be an active `RECEIVABLE_OBLIGOR`; refused when the obligor's limits would
    /// fall below its utilisation.
    function setLimit(uint32 obligor, uint256 limit) external;

    /// @notice Uses `amount` of the obligor's limits for the caller's `record`. Suite applications only; for a limited
    /// obligor, refused above what the limits of its banks in good standing leave.
    function use(uint32 obligor, uint256 record, uint256 amount) external;

    /// @notice Releases `amount` of what the caller's `record` used (at redemption). Suite applications only.
    function release(uint32 obligor, uint256 record, uint256 amount) external;

    /// @notice An obligor's sum of limits, utilisation and number of banks.
    function obligorLimits(uint32 obligor) external view returns (ObligorLimits memory);

    /// @notice One bank's limit for an obligor.
    function limitOf(uint32 obligor, uint32 bank) external view returns (uint256);

    /// @notice The banks with a limit for an obligor (at most `MAX_BANKS`).
    function banksOf(uint32 obligor) external view returns (uint32[] memory);

    /// @notice What may still be confirmed for the obligor now: the limits of its banks in good standing minus its
    /// utilisation (0 when below); `type(uint256).max` for an obligor not under limits.
    function available(uint32 obligor) external view returns (uint256);

    /// @notice What a record of an application used and has not released.
    function usedBy(address app, uint256 record) external view returns (uint256);
}
