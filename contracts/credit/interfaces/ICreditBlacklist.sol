// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title ICreditBlacklist
/// @notice A blacklist that financial institutions of the consortium share without a central operator and without
/// putting personal data on chain. A reporting member records an entry against a subject key (a keyed hash of the
/// subject's identifier, derived off chain with the consortium key), maintains it (update, revoke); any member may
/// dispute it, and the reporter, an auditor (the regulator) or governance resolves the dispute. A member with the
/// query role asks, with the customer's consent reference, whether a subject is listed: every such query is a
/// transaction whose event records who asked, about whom, under which consent, which page and how many entries it was
/// shown (which entries and versions those were follows from the chain state at the log's position).
/// @dev An entry is addressed by its subject key and its number within that subject (1, 2, ...). The subject's
/// entry 1 also holds the subject's entry count, so that a report writes one new slot and a query of a subject with
/// one entry reads one slot. The evidence and payload hashes of each version live in the events only: the chain keeps
/// no copy that an indexer could not rebuild.
interface ICreditBlacklist {
    /// @notice What the subject is.
    enum SubjectKind {
        None,
        Person,
        Company
    }

    /// @notice Why the subject is listed.
    enum Category {
        None,
        // Fraud (loan, card, insurance or document fraud).
        Fraud,
        // A credit obligation in default (written off or in recovery).
        Default,
        // A serious, still unpaid overdue.
        Overdue,
        // Use of a stolen or forged identity.
        IdentityTheft,
        // Money laundering or terrorist financing.
        MoneyLaundering,
        // A judgment debtor who fails to perform a court decision.
        JudgmentDebtor,
        // Anything else; the encrypted payload says what.
        Other
    }

    /// @notice An entry's lifecycle. Expiry is not a state: an entry past `expiresAt` is simply no longer returned.
    /// @dev Active -> Disputed (dispute) -> Active (upheld) or Withdrawn (final); Active or Disputed -> Revoked
    /// (final). Nothing leaves Revoked or Withdrawn.
    enum EntryStatus {
        None,
        Active,
        Disputed,
        Revoked,
        Withdrawn
    }

    /// @notice How a dispute ends.
    enum Resolution {
        None,
        // The entry stands as it is and becomes Active again.
        Upheld,
        // The entry was wrong: it is withdrawn for good.
        Withdrawn
    }

    /// @notice What the reporter states in a version of an entry.
    /// @param category Why the subject is listed.
    /// @param severity 1 (lowest) to `MAX_SEVERITY`.
    /// @param expiresAt When the entry stops being returned: after now, at most `MAX_TERM` after the first report.
    /// @param evidenceHash Hash of the evidence the reporter keeps (contract, judgment, case file).
    /// @param payloadHash Content hash of the encrypted payload (the envelope the SDK seals for authorised readers).
    /// @param payloadLocationHash Where the envelope is kept: its address in the consortium's content-addressed
    /// payload store (what the SDK's `PayloadStore.put` returns, which changes when a reader is granted while
    /// `payloadHash` does not), or the keccak-256 of another locator; zero when not published.
    struct Content {
        Category category;
        uint8 severity;
        uint40 expiresAt;
        bytes32 evidenceHash;
        bytes32 payloadHash;
        bytes32 payloadLocationHash;
    }

    /// @notice An entry as stored, in one slot.
    /// @param reporter Member that reported the entry and alone may update or revoke it.
    /// @param subjectKind Person or company (the same for every entry of a subject).
    /// @param category Current category.
    /// @param severity Current severity.
    /// @param status Lifecycle state.
    /// @param version 1 at report, +1 on every update; the events of each version carry its hashes.
    /// @param reportedAt When version 1 was recorded.
    /// @param updatedAt When the current version was recorded.
    /// @param expiresAt When the entry stops being returned.
    /// @param count In entry 1 only: how many entries the subject has (the subject's list header, kept in the slot
    /// its first entry already occupies); 0 in every other entry.
    struct Entry {
        uint32 reporter;
        SubjectKind subjectKind;
        Category category;
        uint8 severity;
        EntryStatus status;
        uint32 version;
        uint40 reportedAt;
        uint40 updatedAt;
        uint40 expiresAt;
        uint32 count;
    }

    /// @notice One entry in a query's answer (Active or Disputed, unexpired).
    struct Listing {
        uint32 number;
        uint32 reporter;
        SubjectKind subjectKind;
        Category category;
        uint8 severity;
        EntryStatus status;
        uint32 version;
        uint40 reportedAt;
        uint40 updatedAt;
        uint40 expiresAt;
    }

    /// @notice A reporter recorded a new entry (version 1).
    /// @param subjectKey The subject.
    /// @param number The entry's number within the subject.
    /// @param reporter The reporting member.
    /// @param account The reporter's operator account that sent the transaction.
    event EntryReported(
        bytes32 indexed subjectKey,
        uint32 indexed number,
        uint32 indexed reporter,
        address account,
        SubjectKind subjectKind,
        Category category,
        uint8 severity,
        uint40 expiresAt,
        bytes32 evidenceHash,
        bytes32 payloadHash,
        bytes32 payloadLocationHash
    );

    /// @notice The reporter recorded a new version of an entry.
    event EntryUpdated(
        bytes32 indexed subjectKey,
        uint32 indexed number,
        uint32 indexed reporter,
        address account,
        uint32 version,
        Category category,
        uint8 severity,
        uint40 expiresAt,
        bytes32 evidenceHash,
        bytes32 payloadHash,
        bytes32 payloadLocationHash
    );

    /// @notice The reporter revoked an entry for good (debt repaid, error found, ...).
    /// @param previous The status the entry had (Active, or Disputed: the open dispute ends with it).
    event EntryRevoked(
        bytes32 indexed subjectKey,
        uint32 indexed number,
        uint32 indexed reporter,
        address account,
        uint32 version,
        EntryStatus previous,
        bytes32 reasonHash
    );

    /// @notice A member disputed the current version of an entry.
    event EntryDisputed(
        bytes32 indexed subjectKey,
        uint32 indexed number,
        uint32 indexed disputer,
        address account,
        uint32 version,
        bytes32 reasonHash
    );

    /// @notice A dispute was resolved.
    /// @param resolver The resolving member (the reporter or an auditor), or 0 when governance resolved it (then
    /// `account` is the registry).
    event DisputeResolved(
        bytes32 indexed subjectKey,
        uint32 indexed number,
        uint32 indexed resolver,
        address account,
        uint32 version,
        Resolution resolution,
        bytes32 resolutionHash
    );

    /// @notice A member ran a logged query: the audit record of who asked, about whom, under which consent, which
    /// page, and how many entries it was shown. Which entries (and versions) those were follows from the chain state
    /// at this log's position, which every node can replay: an auditor needs no more than the page bounds.
    /// @param querier The querying member.
    /// @param subjectKey The subject asked about.
    /// @param account The querier's operator account that sent the transaction.
    /// @param consentHash Hash of the customer's consent (the authorisation the credit rules require).
    /// @param cursor The entry number the page started at (0: the newest).
    /// @param nextCursor Where the next page starts (0: no more entries).
    /// @param shown How many active, unexpired entries the page returned.
    event SubjectQueried(
        uint32 indexed querier,
        bytes32 indexed subjectKey,
        address account,
        bytes32 consentHash,
        uint32 cursor,
        uint32 nextCursor,
        uint256 shown
    );

    /// @notice The entry does not exist.
    error UnknownEntry(bytes32 subjectKey, uint32 number);
    /// @notice Only the entry's reporter may do this.
    error NotReporter(bytes32 subjectKey, uint32 number, uint32 memberId, uint32 reporter);
    /// @notice The entry is not in the state the step needs.
    error EntryWrongStatus(bytes32 subjectKey, uint32 number, EntryStatus current, EntryStatus expected);
    /// @notice The entry has expired: it can no longer be updated or disputed.
    error EntryExpired(bytes32 subjectKey, uint32 number, uint40 expiresAt);
    /// @notice The reporter cannot dispute its own entry (it updates or revokes it instead).
    error OwnEntry(bytes32 subjectKey, uint32 number, uint32 memberId);
    /// @notice Only the reporter, a member with the auditor role or governance may resolve a dispute.
    error NotResolver(bytes32 subjectKey, uint32 number, address caller);
    /// @notice The subject is already listed as the other kind (a person's key is never a company's).
    error SubjectKindMismatch(bytes32 subjectKey, SubjectKind listed, SubjectKind given);
    /// @notice The expiry is not after now, or more than `MAX_TERM` after the first report.
    error InvalidExpiry(uint40 expiresAt, uint40 earliest, uint40 latest);
    /// @notice Severity must run from 1 to `MAX_SEVERITY`.
    error InvalidSeverity(uint8 severity);
    /// @notice A query needs the customer's consent reference.
    error ConsentRequired();
    /// @notice The cursor is beyond the subject's entries.
    error InvalidCursor(bytes32 subjectKey, uint32 cursor, uint32 count);
    /// @notice A page walks 1 to `MAX_QUERY_LIMIT` entries.
    error InvalidLimit(uint256 limit, uint256 max);

    /// @notice Records a new entry against a subject. Reporter role.
    /// @param subjectKey Keyed hash of the subject's normalised identifier (never a plain hash, never the identifier).
    /// @param subjectKind Person or company.
    /// @param content Category, severity, expiry, evidence and encrypted-payload hashes.
    /// @return number The entry's number within the subject (1 for its first entry).
    function report(
        bytes32 subjectKey,
        SubjectKind subjectKind,
        Content calldata content
    ) external returns (uint32 number);

    /// @notice Records a new version of an Active, unexpired entry. Its reporter only, holding the reporter role.
    /// @dev A disputed entry is frozen until its dispute is resolved: a dispute concerns one version.
    /// @return version The new version number.
    function update(bytes32 subjectKey, uint32 number, Content calldata content) external returns (uint32 version);

    /// @notice Revokes an Active or Disputed entry for good. Its reporter only (any active membership suffices: a
    /// member that lost the reporter role can still take its entries down).
    /// @param reasonHash Hash of why (optional).
    function revoke(bytes32 subjectKey, uint32 number, bytes32 reasonHash) external;

    /// @notice Disputes the current version of an Active, unexpired entry. Any active member but the reporter.
    /// @param reasonHash Hash of the grounds (the customer's complaint, counter-evidence); required.
    function dispute(bytes32 subjectKey, uint32 number, bytes32 reasonHash) external;

    /// @notice Resolves the open dispute of an entry: upheld (Active again) or withdrawn (final).
    /// @dev By the reporter, by a member holding the auditor role (the regulator arbitrates credit disputes and
    /// moves no asset doing so), or by governance (the registry executing a proposal).
    /// @param resolutionHash Hash of the decision's grounds (optional).
    function resolveDispute(bytes32 subjectKey, uint32 number, Resolution resolution, bytes32 resolutionHash) external;

    /// @notice Asks whether a subject is listed; logs the query and returns the active, unexpired entries of one
    /// page. Query role.
    /// @dev Walks at most `limit` of the subject's entries, newest first, from `cursor` (0: the newest); continue
    /// with `nextCursor` until it is 0. Answer and `SubjectQueried` log come from the same transaction: there is no
    /// read path through this contract that skips the log (what a node replicates is readable anyway; the compliant
    /// read is the logged one, whose transaction hash the querier files with the customer's credit file).
    /// @param subjectKey The subject asked about.
    /// @param consentHash Hash of the customer's consent reference; required.
    /// @param cursor 0 to start at the newest entry, or a `nextCursor` of a previous page.
    /// @param limit How many entries to walk, 1 to `MAX_QUERY_LIMIT`.
    /// @return listings The active, unexpired entries found.
    /// @return nextCursor Where the next page starts (0: done).
    function query(
        bytes32 subjectKey,
        bytes32 consentHash,
        uint32 cursor,
        uint256 limit
    ) external returns (Listing[] memory listings, uint32 nextCursor);

    /// @notice An entry's record (for its reporter's maintenance and for indexers).
    /// @dev Not a substitute for `query`: state is readable by every node, but a customer check is compliant only
    /// as a logged query with consent, which is what the regulator audits.
    function entry(bytes32 subjectKey, uint32 number) external view returns (Entry memory);

    /// @notice Highest severity.
    function MAX_SEVERITY() external view returns (uint8);

    /// @notice Longest an entry may be kept, counted from its first report (the five years credit rules allow for
    /// negative information).
    function MAX_TERM() external view returns (uint40);

    /// @notice Most entries one query page walks.
    function MAX_QUERY_LIMIT() external view returns (uint256);
}
