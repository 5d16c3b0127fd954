// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Governed} from "../platform/Governed.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {Roles} from "../platform/libraries/Roles.sol";
import {IIssuanceLimits} from "./interfaces/IIssuanceLimits.sol";

/// @title IssuanceLimits
/// @notice Each financing bank's limit for a core enterprise, and how much of their sum the enterprise's confirmed,
/// unredeemed receivables use. See `IIssuanceLimits`.
contract IssuanceLimits is IIssuanceLimits, Governed {
    /// @notice Most banks with a limit for one obligor: bounds the standing check at each use.
    uint256 public constant MAX_BANKS = 8;

    /// @custom:storage-location erc7201:consortia.storage.IssuanceLimits
    struct IssuanceLimitsStorage {
        mapping(uint32 obligor => ObligorLimits) _obligors;
        mapping(uint32 obligor => uint32[]) _banks;
        mapping(uint32 obligor => mapping(uint32 bank => uint256)) _limits;
        /// @dev Keyed by keccak256(abi.encode(app, record)).
        mapping(bytes32 recordKey => uint256) _used;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.IssuanceLimits")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant ISSUANCE_LIMITS_STORAGE_LOCATION =
        0x5633da64be92da5af77e614e1d4ee923a5fe26afd85cc05caa0bdd30702be800;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) Governed(registry_) {}

    /// @inheritdoc IIssuanceLimits
    function initialize() external initializer {}

    /// @inheritdoc IIssuanceLimits
    function enforceLimits(uint32 obligor, bool limited) external {
        if (msg.sender != address(registry())) {
            // Not a governance vote: only the obligor itself, and only into limits.
            if (!limited || registry().authorize(msg.sender, Roles.RECEIVABLE_OBLIGOR) != obligor) {
                revert IssuanceNotObligorOrGovernance(obligor, msg.sender);
            }
        }
        ObligorLimits storage o = _getIssuanceLimitsStorage()._obligors[obligor];
        // Under limits, utilisation never exceeds their sum: not entered while more is outstanding (bank 0: none).
        if (limited && o.utilised > o.total) revert IssuanceLimitBelowUtilisation(obligor, 0, o.total, o.utilised);
        o.limited = limited;
        emit IssuanceLimitsEnforced(obligor, limited, msg.sender);
    }

    /// @inheritdoc IIssuanceLimits
    function setLimit(uint32 obligor, uint256 limit) external {
        IssuanceLimitsStorage storage $ = _getIssuanceLimitsStorage();
        uint32 bank = registry().authorize(msg.sender, Roles.FINANCIER);
        if (limit > type(uint112).max) revert IssuanceInvalid("limit");
        if (obligor == bank) revert IssuanceIneligibleObligor(obligor);
        (, IConsortiumRegistry.MemberStatus status, uint64 roles) = registry().memberProfile(obligor);
        if (status != IConsortiumRegistry.MemberStatus.Active || roles & Roles.RECEIVABLE_OBLIGOR == 0) {
            revert IssuanceIneligibleObligor(obligor);
        }
        ObligorLimits storage o = $._obligors[obligor];
        uint256 previous = $._limits[obligor][bank];
        uint256 total = uint256(o.total) - previous + limit;
        if (total < o.utilised) revert IssuanceLimitBelowUtilisation(obligor, bank, total, o.utilised);
        if (total > type(uint112).max) revert IssuanceInvalid("total");
        if (previous == 0 && limit != 0) {
            if (o.banks == MAX_BANKS) revert IssuanceTooManyBanks(obligor, MAX_BANKS);
            $._banks[obligor].push(bank);
            ++o.banks;
        } else if (previous != 0 && limit == 0) {
            _removeBank($._banks[obligor], bank);
            --o.banks;
        }
        $._limits[obligor][bank] = limit;
        o.total = uint112(total);
        emit IssuanceLimitSet(obligor, bank, msg.sender, limit, total);
    }

    /// @inheritdoc IIssuanceLimits
    function use(uint32 obligor, uint256 record, uint256 amount) external {
        IssuanceLimitsStorage storage $ = _getIssuanceLimitsStorage();
        if (!registry().isSystemContract(msg.sender)) revert IssuanceNotSystemContract(msg.sender);
        if (amount == 0) revert IssuanceInvalid("amount");
        ObligorLimits storage o = $._obligors[obligor];
        uint256 utilised = uint256(o.utilised) + amount;
        uint256 left = type(uint256).max;
        if (o.limited) {
            uint256 limits = _activeLimits($, obligor);
            if (utilised > limits) {
                uint256 before = o.utilised;
                revert IssuanceLimitExceeded(obligor, limits > before ? limits - before : 0, before, amount);
            }
            left = limits - utilised;
        } else if (utilised > type(uint112).max) {
            revert IssuanceInvalid("amount");
        }
        o.utilised = uint112(utilised);
        // Cannot overflow: a record's use is part of the obligor's utilisation, a uint112.
        unchecked {
            $._used[_recordKey(msg.sender, record)] += amount;
        }
        emit IssuanceUsed(obligor, msg.sender, record, amount, utilised, left);
    }

    /// @inheritdoc IIssuanceLimits
    function release(uint32 obligor, uint256 record, uint256 amount) external {
        IssuanceLimitsStorage storage $ = _getIssuanceLimitsStorage();
        if (!registry().isSystemContract(msg.sender)) revert IssuanceNotSystemContract(msg.sender);
        bytes32 key = _recordKey(msg.sender, record);
        uint256 used = $._used[key];
        if (amount > used) revert IssuanceReleaseExceeds(obligor, msg.sender, record, used, amount);
        ObligorLimits storage o = $._obligors[obligor];
        // Cannot underflow: the record's use (at least `amount`) is part of the obligor's utilisation.
        unchecked {
            $._used[key] = used - amount;
            o.utilised -= uint112(amount);
        }
        emit IssuanceReleased(obligor, msg.sender, record, amount, o.utilised);
    }

    /// @inheritdoc IIssuanceLimits
    function obligorLimits(uint32 obligor) external view returns (ObligorLimits memory) {
        return _getIssuanceLimitsStorage()._obligors[obligor];
    }

    /// @inheritdoc IIssuanceLimits
    function limitOf(uint32 obligor, uint32 bank) external view returns (uint256) {
        return _getIssuanceLimitsStorage()._limits[obligor][bank];
    }

    /// @inheritdoc IIssuanceLimits
    function banksOf(uint32 obligor) external view returns (uint32[] memory) {
        return _getIssuanceLimitsStorage()._banks[obligor];
    }

    /// @inheritdoc IIssuanceLimits
    function available(uint32 obligor) external view returns (uint256) {
        IssuanceLimitsStorage storage $ = _getIssuanceLimitsStorage();
        if (!$._obligors[obligor].limited) return type(uint256).max;
        uint256 limits = _activeLimits($, obligor);
        uint256 utilised = $._obligors[obligor].utilised;
        return limits > utilised ? limits - utilised : 0;
    }

    /// @inheritdoc IIssuanceLimits
    function usedBy(address app, uint256 record) external view returns (uint256) {
        return _getIssuanceLimitsStorage()._used[_recordKey(app, record)];
    }

    /// @dev The sum of the limits of the obligor's banks that are active members holding `FINANCIER` now: a bank
    /// suspended (or stripped of the role) since it set its limit no longer backs new confirmations. At most
    /// `MAX_BANKS` registry reads.
    function _activeLimits(IssuanceLimitsStorage storage $, uint32 obligor) private view returns (uint256 sum) {
        uint32[] storage banks = $._banks[obligor];
        uint256 count = banks.length;
        for (uint256 i; i < count; ++i) {
            uint32 bank = banks[i];
            (, IConsortiumRegistry.MemberStatus status, uint64 roles) = registry().memberProfile(bank);
            if (status == IConsortiumRegistry.MemberStatus.Active && roles & Roles.FINANCIER != 0) {
                sum += $._limits[obligor][bank];
            }
        }
    }

    /// @dev Removes `bank` from the list (swap with the last, pop); it is in the list.
    function _removeBank(uint32[] storage banks, uint32 bank) private {
        uint256 last = banks.length - 1;
        for (uint256 i; i <= last; ++i) {
            if (banks[i] == bank) {
                banks[i] = banks[last];
                banks.pop();
                return;
            }
        }
    }

    function _recordKey(address app, uint256 record) private pure returns (bytes32) {
        return keccak256(abi.encode(app, record));
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getIssuanceLimitsStorage() private pure returns (IssuanceLimitsStorage storage $) {
        assembly ("memory-safe") {
            $.slot := ISSUANCE_LIMITS_STORAGE_LOCATION
        }
    }
}
