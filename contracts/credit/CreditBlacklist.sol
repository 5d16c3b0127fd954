// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsortiumApp} from "../platform/ConsortiumApp.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {Roles} from "../platform/libraries/Roles.sol";
import {ICreditBlacklist} from "./interfaces/ICreditBlacklist.sol";

/// @title CreditBlacklist
/// @notice The consortium's shared credit blacklist: keyed subject hashes, versioned entries, disputes, and queries
/// logged with the customer's consent reference. See `ICreditBlacklist`.
/// @dev Storage: `_entries[subjectKey][number]`, one slot per entry, numbers from 1; entry 1 also holds the
/// subject's entry count. A subject's entries only grow (none is ever deleted), so a cursor stays valid, and a query
/// walks them newest first, one bounded page at a time.
contract CreditBlacklist is ICreditBlacklist, ConsortiumApp {
    /// @inheritdoc ICreditBlacklist
    uint8 public constant MAX_SEVERITY = 5;
    /// @inheritdoc ICreditBlacklist
    uint40 public constant MAX_TERM = 5 * 365 days;
    /// @inheritdoc ICreditBlacklist
    uint256 public constant MAX_QUERY_LIMIT = 20;

    /// @dev The number of a subject's first entry, which also holds the subject's entry count.
    uint32 private constant FIRST = 1;

    /// @custom:storage-location erc7201:consortia.storage.CreditBlacklist
    struct CreditBlacklistStorage {
        mapping(bytes32 subjectKey => mapping(uint32 number => Entry)) _entries;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.CreditBlacklist")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant CREDIT_BLACKLIST_STORAGE_LOCATION =
        0x170e1246058df2322fa7a07ffb04a67e3412804c554873603a7e1aa6039c1100;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) ConsortiumApp(registry_) {}

    /// @notice Initializes the proxy (run once, by the proxy's constructor).
    function initialize() external initializer {
        __ConsortiumApp_init();
    }

    // --- reporting ---

    /// @inheritdoc ICreditBlacklist
    function report(
        bytes32 subjectKey,
        SubjectKind subjectKind,
        Content calldata content
    ) external whenNotPaused returns (uint32 number) {
        CreditBlacklistStorage storage $ = _getCreditBlacklistStorage();
        uint32 reporter = _authorize(Roles.CREDIT_REPORTER);
        if (subjectKey == bytes32(0)) revert InvalidValue("subjectKey");
        if (subjectKind == SubjectKind.None) revert InvalidValue("subjectKind");
        uint40 now_ = uint40(block.timestamp);
        _checkContent(content, now_, now_);

        mapping(uint32 => Entry) storage list = $._entries[subjectKey];
        Entry storage first = list[FIRST];
        uint32 count = first.count;
        if (count != 0 && first.subjectKind != subjectKind) {
            revert SubjectKindMismatch(subjectKey, first.subjectKind, subjectKind);
        }
        number = count + 1;
        list[number] = Entry({
            reporter: reporter,
            subjectKind: subjectKind,
            category: content.category,
            severity: content.severity,
            status: EntryStatus.Active,
            version: 1,
            reportedAt: now_,
            updatedAt: now_,
            expiresAt: content.expiresAt,
            count: number == FIRST ? FIRST : 0
        });
        if (number != FIRST) first.count = number;
        _emitReported(subjectKey, number, reporter, subjectKind, content);
    }

    /// @inheritdoc ICreditBlacklist
    function update(
        bytes32 subjectKey,
        uint32 number,
        Content calldata content
    ) external whenNotPaused returns (uint32 version) {
        CreditBlacklistStorage storage $ = _getCreditBlacklistStorage();
        uint32 memberId = _authorize(Roles.CREDIT_REPORTER);
        Entry storage e = $._entries[subjectKey][number];
        Entry memory current = e;
        _requireReporter(subjectKey, number, current, memberId);
        _requireStatus(subjectKey, number, current.status, EntryStatus.Active);
        uint40 now_ = uint40(block.timestamp);
        _requireUnexpired(subjectKey, number, current.expiresAt, now_);
        _checkContent(content, now_, current.reportedAt);

        version = current.version + 1;
        current.version = version;
        current.category = content.category;
        current.severity = content.severity;
        current.expiresAt = content.expiresAt;
        current.updatedAt = now_;
        $._entries[subjectKey][number] = current;
        _emitUpdated(subjectKey, number, memberId, version, content);
    }

    /// @inheritdoc ICreditBlacklist
    function revoke(bytes32 subjectKey, uint32 number, bytes32 reasonHash) external whenNotPaused {
        CreditBlacklistStorage storage $ = _getCreditBlacklistStorage();
        uint32 memberId = _authorize(Roles.MEMBER);
        Entry storage e = $._entries[subjectKey][number];
        Entry memory current = e;
        _requireReporter(subjectKey, number, current, memberId);
        if (current.status != EntryStatus.Active && current.status != EntryStatus.Disputed) {
            revert EntryWrongStatus(subjectKey, number, current.status, EntryStatus.Active);
        }
        e.status = EntryStatus.Revoked;
        emit EntryRevoked(subjectKey, number, memberId, msg.sender, current.version, current.status, reasonHash);
    }

    // --- disputes ---

    /// @inheritdoc ICreditBlacklist
    function dispute(bytes32 subjectKey, uint32 number, bytes32 reasonHash) external whenNotPaused {
        CreditBlacklistStorage storage $ = _getCreditBlacklistStorage();
        uint32 memberId = _authorize(Roles.MEMBER);
        if (reasonHash == bytes32(0)) revert InvalidValue("reasonHash");
        Entry storage e = $._entries[subjectKey][number];
        Entry memory current = e;
        if (current.status == EntryStatus.None) revert UnknownEntry(subjectKey, number);
        if (current.reporter == memberId) revert OwnEntry(subjectKey, number, memberId);
        _requireStatus(subjectKey, number, current.status, EntryStatus.Active);
        _requireUnexpired(subjectKey, number, current.expiresAt, uint40(block.timestamp));
        e.status = EntryStatus.Disputed;
        emit EntryDisputed(subjectKey, number, memberId, msg.sender, current.version, reasonHash);
    }

    /// @inheritdoc ICreditBlacklist
    function resolveDispute(
        bytes32 subjectKey,
        uint32 number,
        Resolution resolution,
        bytes32 resolutionHash
    ) external whenNotPaused {
        CreditBlacklistStorage storage $ = _getCreditBlacklistStorage();
        Entry storage e = $._entries[subjectKey][number];
        Entry memory current = e;
        if (current.status == EntryStatus.None) revert UnknownEntry(subjectKey, number);
        uint32 resolver = _authorizeResolver(subjectKey, number, current.reporter);
        _requireStatus(subjectKey, number, current.status, EntryStatus.Disputed);
        if (resolution == Resolution.Upheld) e.status = EntryStatus.Active;
        else if (resolution == Resolution.Withdrawn) e.status = EntryStatus.Withdrawn;
        else revert InvalidValue("resolution");
        emit DisputeResolved(subjectKey, number, resolver, msg.sender, current.version, resolution, resolutionHash);
    }

    // --- queries ---

    /// @inheritdoc ICreditBlacklist
    function query(
        bytes32 subjectKey,
        bytes32 consentHash,
        uint32 cursor,
        uint256 limit
    ) external whenNotPaused returns (Listing[] memory listings, uint32 nextCursor) {
        CreditBlacklistStorage storage $ = _getCreditBlacklistStorage();
        uint32 querier = _authorize(Roles.CREDIT_QUERIER);
        if (consentHash == bytes32(0)) revert ConsentRequired();
        if (limit == 0 || limit > MAX_QUERY_LIMIT) revert InvalidLimit(limit, MAX_QUERY_LIMIT);
        mapping(uint32 => Entry) storage list = $._entries[subjectKey];
        // Entry 1 holds the count; kept in memory since every walk that reaches the oldest entry shows it too.
        Entry memory first = list[FIRST];
        if (cursor > first.count) revert InvalidCursor(subjectKey, cursor, first.count);
        uint32 number = cursor == 0 ? first.count : cursor;

        listings = _allocateListings(limit);
        uint256 found;
        uint40 now_ = uint40(block.timestamp);
        for (uint256 walked; walked < limit && number != 0; ++walked) {
            Entry memory e = number == FIRST ? first : list[number];
            if (_isListed(e, now_)) {
                listings[found] = _listing(number, e);
                // Cannot overflow: found <= walked < limit <= MAX_QUERY_LIMIT.
                unchecked {
                    ++found;
                }
            }
            // Cannot underflow: number != 0 in the loop.
            unchecked {
                --number;
            }
        }
        // Shrinks the array to the entries found; the slots beyond were never written, and are never read.
        assembly ("memory-safe") {
            mstore(listings, found)
        }
        nextCursor = number;
        emit SubjectQueried(querier, subjectKey, msg.sender, consentHash, cursor, nextCursor, found);
    }

    // --- views ---

    /// @inheritdoc ICreditBlacklist
    function entry(bytes32 subjectKey, uint32 number) external view returns (Entry memory record) {
        CreditBlacklistStorage storage $ = _getCreditBlacklistStorage();
        record = $._entries[subjectKey][number];
        if (record.status == EntryStatus.None) revert UnknownEntry(subjectKey, number);
    }

    // --- internals ---

    /// @dev Emits `EntryReported` (a helper of its own to keep `report` within the stack limit).
    function _emitReported(
        bytes32 subjectKey,
        uint32 number,
        uint32 reporter,
        SubjectKind subjectKind,
        Content calldata content
    ) private {
        emit EntryReported(
            subjectKey,
            number,
            reporter,
            msg.sender,
            subjectKind,
            content.category,
            content.severity,
            content.expiresAt,
            content.evidenceHash,
            content.payloadHash,
            content.payloadLocationHash
        );
    }

    /// @dev Emits `EntryUpdated` (a helper of its own to keep `update` within the stack limit).
    function _emitUpdated(
        bytes32 subjectKey,
        uint32 number,
        uint32 reporter,
        uint32 version,
        Content calldata content
    ) private {
        emit EntryUpdated(
            subjectKey,
            number,
            reporter,
            msg.sender,
            version,
            content.category,
            content.severity,
            content.expiresAt,
            content.evidenceHash,
            content.payloadHash,
            content.payloadLocationHash
        );
    }

    /// @dev Validates what a reporter states in a version: a category, a severity in range, evidence and payload
    /// hashes, and an expiry after now and within `MAX_TERM` of the first report.
    function _checkContent(Content calldata content, uint40 now_, uint40 reportedAt) private pure {
        if (content.category == Category.None) revert InvalidValue("category");
        if (content.severity == 0 || content.severity > MAX_SEVERITY) revert InvalidSeverity(content.severity);
        uint40 latest = reportedAt + MAX_TERM;
        if (content.expiresAt <= now_ || content.expiresAt > latest) {
            revert InvalidExpiry(content.expiresAt, now_ + 1, latest);
        }
        if (content.evidenceHash == bytes32(0)) revert InvalidValue("evidenceHash");
        if (content.payloadHash == bytes32(0)) revert InvalidValue("payloadHash");
    }

    function _requireReporter(bytes32 subjectKey, uint32 number, Entry memory e, uint32 memberId) private pure {
        if (e.status == EntryStatus.None) revert UnknownEntry(subjectKey, number);
        if (e.reporter != memberId) revert NotReporter(subjectKey, number, memberId, e.reporter);
    }

    function _requireStatus(bytes32 subjectKey, uint32 number, EntryStatus current, EntryStatus expected) private pure {
        if (current != expected) revert EntryWrongStatus(subjectKey, number, current, expected);
    }

    function _requireUnexpired(bytes32 subjectKey, uint32 number, uint40 expiresAt, uint40 now_) private pure {
        if (expiresAt <= now_) revert EntryExpired(subjectKey, number, expiresAt);
    }

    /// @dev Governance (the registry executing a proposal) resolves as member 0; otherwise the caller must be an
    /// active member that either reported the entry or holds the auditor role.
    function _authorizeResolver(
        bytes32 subjectKey,
        uint32 number,
        uint32 reporter
    ) private view returns (uint32 memberId) {
        IConsortiumRegistry registry_ = registry();
        if (msg.sender == address(registry_)) return 0;
        memberId = _authorize(Roles.MEMBER);
        if (memberId != reporter && !registry_.isAuthorized(msg.sender, Roles.AUDITOR)) {
            revert NotResolver(subjectKey, number, msg.sender);
        }
    }

    /// @dev Whether a query returns the entry: Active or Disputed (a dispute does not hide it) and unexpired.
    function _isListed(Entry memory e, uint40 now_) private pure returns (bool) {
        return (e.status == EntryStatus.Active || e.status == EntryStatus.Disputed) && e.expiresAt > now_;
    }

    function _listing(uint32 number, Entry memory e) private pure returns (Listing memory) {
        return
            Listing({
                number: number,
                reporter: e.reporter,
                subjectKind: e.subjectKind,
                category: e.category,
                severity: e.severity,
                status: e.status,
                version: e.version,
                reportedAt: e.reportedAt,
                updatedAt: e.updatedAt,
                expiresAt: e.expiresAt
            });
    }

    /// @dev A memory array of `length` element pointers without the zeroed structs `new Listing[](length)` would
    /// allocate behind each: every element is assigned before it is read, and the array is shrunk to those.
    function _allocateListings(uint256 length) private pure returns (Listing[] memory array) {
        assembly ("memory-safe") {
            array := mload(0x40)
            mstore(array, length)
            mstore(0x40, add(array, mul(add(length, 1), 0x20)))
        }
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getCreditBlacklistStorage() private pure returns (CreditBlacklistStorage storage $) {
        assembly ("memory-safe") {
            $.slot := CREDIT_BLACKLIST_STORAGE_LOCATION
        }
    }
}
