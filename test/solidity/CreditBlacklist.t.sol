// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CreditBlacklist} from "../../contracts/credit/CreditBlacklist.sol";
import {ICreditBlacklist} from "../../contracts/credit/interfaces/ICreditBlacklist.sol";
import {PlatformFixture} from "./utils/PlatformFixture.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Drives the blacklist with random reports, updates, revocations, disputes, resolutions (by reporter,
/// auditor, governance and bystanders), queries and the passing of time. It keeps a model of every entry (status,
/// version, reporter, expiry) and records any call whose outcome the model did not predict, and any query answer that
/// differs from the model's.
contract CreditBlacklistHandler is PlatformFixture {
    struct Model {
        bytes32 subjectKey;
        uint32 number;
        uint32 reporter;
        ICreditBlacklist.EntryStatus status;
        uint32 version;
        uint40 reportedAt;
        uint40 expiresAt;
    }

    CreditBlacklist public blacklist;
    bytes32[3] internal _subjects;
    /// @dev Every member account the handler acts as; CORE has no credit role, REGULATOR holds AUDITOR.
    address[5] internal _actors;

    Model[] internal _models;
    mapping(bytes32 subjectKey => uint32) public ghostReports;
    /// @dev Statuses each entry has ever had, as bits (1 << status).
    mapping(uint256 index => uint256) public ghostStatusesSeen;
    /// @dev Set when a call succeeded or failed against the model's prediction, or a query answered otherwise.
    string public ghostSurprise;
    uint256 public calls;

    constructor() {
        _deployPlatform();
        blacklist = CreditBlacklist(
            _proxy(address(new CreditBlacklist(registry)), abi.encodeCall(CreditBlacklist.initialize, ()))
        );
        registry.endBootstrap(3);
        _subjects = [keccak256("subject 1"), keccak256("subject 2"), keccak256("subject 3")];
        _actors = [BANK_A, BANK_B, BANK_C, CORE, REGULATOR];
        vm.warp(1_700_000_000);
    }

    // --- model accessors for the invariants ---

    function modelCount() external view returns (uint256) {
        return _models.length;
    }

    function model(uint256 index) external view returns (Model memory) {
        return _models[index];
    }

    function subjects() external view returns (bytes32[3] memory) {
        return _subjects;
    }

    // --- actions ---

    function report(uint256 actorSeed, uint256 subjectSeed, uint8 severity, uint256 term) external {
        address actor = _actors[actorSeed % _actors.length];
        bytes32 subjectKey = _subjects[subjectSeed % _subjects.length];
        uint40 expiresAt = uint40(block.timestamp + _bound(term, 1, blacklist.MAX_TERM()));
        ICreditBlacklist.Content memory c = _content(severity, expiresAt);
        bool expected = _isReporter(actor);
        vm.prank(actor);
        try blacklist.report(subjectKey, ICreditBlacklist.SubjectKind.Person, c) returns (uint32 number) {
            _expect(expected, "report succeeded unexpectedly");
            _expect(number == ghostReports[subjectKey] + 1, "report number is not the next one");
            ghostReports[subjectKey] = number;
            _models.push(
                Model(
                    subjectKey,
                    number,
                    _memberOf(actor),
                    ICreditBlacklist.EntryStatus.Active,
                    1,
                    uint40(block.timestamp),
                    expiresAt
                )
            );
            ghostStatusesSeen[_models.length - 1] = 1 << uint8(ICreditBlacklist.EntryStatus.Active);
        } catch {
            _expect(!expected, "report failed unexpectedly");
        }
        ++calls;
    }

    function update(uint256 actorSeed, uint256 entrySeed, uint8 severity, uint256 term) external {
        if (_models.length == 0) return;
        uint256 index = entrySeed % _models.length;
        Model storage m = _models[index];
        address actor = _actors[actorSeed % _actors.length];
        uint40 latest = m.reportedAt + blacklist.MAX_TERM();
        uint40 expiresAt = block.timestamp >= latest ? latest : uint40(_bound(term, block.timestamp + 1, latest));
        bool expected =
            _isReporter(actor) &&
                _memberOf(actor) == m.reporter &&
                m.status == ICreditBlacklist.EntryStatus.Active &&
                m.expiresAt > block.timestamp &&
                expiresAt > block.timestamp;
        vm.prank(actor);
        try blacklist.update(m.subjectKey, m.number, _content(severity, expiresAt)) returns (uint32 version) {
            _expect(expected, "update succeeded unexpectedly");
            _expect(version == m.version + 1, "update did not add exactly one version");
            m.version = version;
            m.expiresAt = expiresAt;
        } catch {
            _expect(!expected, "update failed unexpectedly");
        }
        ++calls;
    }

    function revoke(uint256 actorSeed, uint256 entrySeed) external {
        if (_models.length == 0) return;
        uint256 index = entrySeed % _models.length;
        Model storage m = _models[index];
        address actor = _actors[actorSeed % _actors.length];
        bool expected =
            _memberOf(actor) == m.reporter &&
                (m.status == ICreditBlacklist.EntryStatus.Active || m.status == ICreditBlacklist.EntryStatus.Disputed);
        vm.prank(actor);
        try blacklist.revoke(m.subjectKey, m.number, keccak256("reason")) {
            _expect(expected, "revoke succeeded unexpectedly");
            _setStatus(index, ICreditBlacklist.EntryStatus.Revoked);
        } catch {
            _expect(!expected, "revoke failed unexpectedly");
        }
        ++calls;
    }

    function dispute(uint256 actorSeed, uint256 entrySeed) external {
        if (_models.length == 0) return;
        uint256 index = entrySeed % _models.length;
        Model storage m = _models[index];
        address actor = _actors[actorSeed % _actors.length];
        bool expected =
            _memberOf(actor) != m.reporter &&
                m.status == ICreditBlacklist.EntryStatus.Active &&
                m.expiresAt > block.timestamp;
        vm.prank(actor);
        try blacklist.dispute(m.subjectKey, m.number, keccak256("grounds")) {
            _expect(expected, "dispute succeeded unexpectedly");
            _setStatus(index, ICreditBlacklist.EntryStatus.Disputed);
        } catch {
            _expect(!expected, "dispute failed unexpectedly");
        }
        ++calls;
    }

    /// @param resolverSeed Picks one of the member accounts, or (one time in six) governance: the registry itself.
    function resolve(uint256 resolverSeed, uint256 entrySeed, bool upheld) external {
        if (_models.length == 0) return;
        uint256 index = entrySeed % _models.length;
        Model storage m = _models[index];
        bool governance = resolverSeed % 6 == 5;
        address actor = governance ? address(registry) : _actors[resolverSeed % _actors.length];
        bool mayResolve = governance || actor == REGULATOR || _memberOf(actor) == m.reporter;
        bool expected = mayResolve && m.status == ICreditBlacklist.EntryStatus.Disputed;
        ICreditBlacklist.Resolution resolution =
            upheld ? ICreditBlacklist.Resolution.Upheld : ICreditBlacklist.Resolution.Withdrawn;
        vm.prank(actor);
        try blacklist.resolveDispute(m.subjectKey, m.number, resolution, bytes32(0)) {
            _expect(expected, "resolution succeeded unexpectedly");
            _setStatus(index, upheld ? ICreditBlacklist.EntryStatus.Active : ICreditBlacklist.EntryStatus.Withdrawn);
        } catch {
            _expect(!expected, "resolution failed unexpectedly");
        }
        ++calls;
    }

    function passTime(uint256 seconds_) external {
        vm.warp(block.timestamp + _bound(seconds_, 1, 400 days));
    }

    /// @dev Queries a subject page by page and compares each answer with the model's active, unexpired entries.
    function query(uint256 subjectSeed, uint256 limitSeed) external {
        bytes32 subjectKey = _subjects[subjectSeed % _subjects.length];
        uint256 limit = _bound(limitSeed, 1, blacklist.MAX_QUERY_LIMIT());
        uint32 cursor;
        uint32 expectedNumber = ghostReports[subjectKey];
        do {
            vm.prank(BANK_C);
            (ICreditBlacklist.Listing[] memory listings, uint32 next) = blacklist.query(
                subjectKey,
                keccak256("consent"),
                cursor,
                limit
            );
            for (uint256 i; i < listings.length; ++i) {
                // The model's next listed entry at or below expectedNumber must be this one.
                while (expectedNumber != 0 && !_modelListed(subjectKey, expectedNumber)) --expectedNumber;
                _expect(listings[i].number == expectedNumber, "query returned an entry the model does not list");
                Model memory m = _modelOf(subjectKey, listings[i].number);
                _expect(
                    listings[i].version == m.version &&
                        listings[i].reporter == m.reporter &&
                        listings[i].status == m.status,
                    "query answer differs from the model"
                );
                --expectedNumber;
            }
            cursor = next;
        } while (cursor != 0);
        while (expectedNumber != 0 && !_modelListed(subjectKey, expectedNumber)) --expectedNumber;
        _expect(expectedNumber == 0, "query missed an entry the model lists");
        ++calls;
    }

    // --- helpers ---

    function _content(uint8 severity, uint40 expiresAt) internal pure returns (ICreditBlacklist.Content memory) {
        return
            ICreditBlacklist.Content({
                category: ICreditBlacklist.Category.Default,
                severity: uint8(_bound(severity, 1, 5)),
                expiresAt: expiresAt,
                evidenceHash: keccak256("evidence"),
                payloadHash: keccak256("payload"),
                payloadLocationHash: bytes32(0)
            });
    }

    function _isReporter(address actor) internal pure returns (bool) {
        return actor == BANK_A || actor == BANK_B || actor == BANK_C;
    }

    function _memberOf(address actor) internal view returns (uint32) {
        return registry.memberOf(actor);
    }

    function _setStatus(uint256 index, ICreditBlacklist.EntryStatus status) internal {
        _models[index].status = status;
        ghostStatusesSeen[index] |= 1 << uint8(status);
    }

    function _modelOf(bytes32 subjectKey, uint32 number) internal view returns (Model memory m) {
        for (uint256 i; i < _models.length; ++i) {
            if (_models[i].subjectKey == subjectKey && _models[i].number == number) return _models[i];
        }
    }

    function _modelListed(bytes32 subjectKey, uint32 number) internal view returns (bool) {
        Model memory m = _modelOf(subjectKey, number);
        return
            (m.status == ICreditBlacklist.EntryStatus.Active || m.status == ICreditBlacklist.EntryStatus.Disputed) &&
            m.expiresAt > block.timestamp;
    }

    function _expect(bool condition, string memory surprise) internal {
        if (!condition && bytes(ghostSurprise).length == 0) ghostSurprise = surprise;
    }
}

/// @notice Invariants of the blacklist's entry state machine under random sequences of every operation.
contract CreditBlacklistInvariantTest is TestBase {
    CreditBlacklistHandler internal handler;
    CreditBlacklist internal blacklist;

    function setUp() public {
        handler = new CreditBlacklistHandler();
        blacklist = handler.blacklist();
        _targetContract(address(handler));
    }

    /// @notice Every call succeeded or failed as the model predicted, and every query answered what the model lists.
    function invariant_everyOutcomeMatchesTheModel() public view {
        _assertTrue(bytes(handler.ghostSurprise()).length == 0, handler.ghostSurprise());
    }

    /// @notice Stored status, version and reporter equal the model's: versions only grow by updates, one at a time.
    function invariant_entriesMatchTheModel() public view {
        uint256 n = handler.modelCount();
        for (uint256 i; i < n; ++i) {
            CreditBlacklistHandler.Model memory m = handler.model(i);
            ICreditBlacklist.Entry memory e = blacklist.entry(m.subjectKey, m.number);
            _assertEq(uint8(e.status), uint8(m.status), "status differs from the model");
            _assertEq(e.version, m.version, "version differs from the model");
            _assertEq(e.reporter, m.reporter, "reporter changed");
            _assertEq(e.reportedAt, m.reportedAt, "report date changed");
            _assertEq(e.expiresAt, m.expiresAt, "expiry differs from the model");
        }
    }

    /// @notice An entry never comes back from Revoked or Withdrawn: once either was seen, it is the current status.
    function invariant_terminalStatusesAreFinal() public view {
        uint256 n = handler.modelCount();
        for (uint256 i; i < n; ++i) {
            uint256 seen = handler.ghostStatusesSeen(i);
            CreditBlacklistHandler.Model memory m = handler.model(i);
            ICreditBlacklist.EntryStatus status = blacklist.entry(m.subjectKey, m.number).status;
            if (seen & (1 << uint8(ICreditBlacklist.EntryStatus.Revoked)) != 0) {
                _assertTrue(status == ICreditBlacklist.EntryStatus.Revoked, "entry came back from Revoked");
            }
            if (seen & (1 << uint8(ICreditBlacklist.EntryStatus.Withdrawn)) != 0) {
                _assertTrue(status == ICreditBlacklist.EntryStatus.Withdrawn, "entry came back from Withdrawn");
            }
        }
    }

    /// @notice Each subject's entry 1 counts exactly the reports made for it; no other entry carries a count.
    function invariant_subjectCountsEveryReport() public view {
        bytes32[3] memory subjects = handler.subjects();
        for (uint256 s; s < subjects.length; ++s) {
            uint32 reports = handler.ghostReports(subjects[s]);
            if (reports == 0) continue;
            _assertEq(blacklist.entry(subjects[s], 1).count, reports, "entry 1 does not count the subject's reports");
            if (reports > 1) _assertEq(blacklist.entry(subjects[s], reports).count, 0, "a later entry carries a count");
        }
    }
}

/// @notice Fuzz tests of single rules.
contract CreditBlacklistFuzzTest is PlatformFixture {
    CreditBlacklist internal blacklist;
    bytes32 internal constant SUBJECT = keccak256("fuzz subject");

    function setUp() public {
        _deployPlatform();
        blacklist = CreditBlacklist(
            _proxy(address(new CreditBlacklist(registry)), abi.encodeCall(CreditBlacklist.initialize, ()))
        );
        registry.endBootstrap(3);
        vm.warp(1_700_000_000);
    }

    /// @notice Any expiry in (now, now + MAX_TERM] is accepted; anything else is refused.
    function testFuzz_reportAcceptsExactlyTheAllowedExpiries(uint40 expiresAt) public {
        uint256 now_ = block.timestamp;
        bool valid = expiresAt > now_ && expiresAt <= now_ + blacklist.MAX_TERM();
        vm.prank(BANK_A);
        try blacklist.report(SUBJECT, ICreditBlacklist.SubjectKind.Company, _content(3, expiresAt)) {
            _assertTrue(valid, "accepted an expiry outside (now, now + MAX_TERM]");
        } catch {
            _assertTrue(!valid, "refused a valid expiry");
        }
    }

    /// @notice After any number of updates the version is that number plus one, and the report date never moves.
    function testFuzz_versionsGrowByOnePerUpdate(uint8 updates, uint256 seed) public {
        updates = uint8(_bound(updates, 0, 30));
        vm.prank(BANK_A);
        blacklist.report(
            SUBJECT,
            ICreditBlacklist.SubjectKind.Person,
            _content(1, uint40(block.timestamp + 3650 days / 10))
        );
        uint40 reportedAt = blacklist.entry(SUBJECT, 1).reportedAt;
        for (uint256 i; i < updates; ++i) {
            vm.warp(block.timestamp + _bound(uint256(keccak256(abi.encode(seed, i))), 1, 3 days));
            vm.prank(BANK_A);
            uint32 version = blacklist.update(
                SUBJECT,
                1,
                _content(uint8(1 + (i % 5)), uint40(block.timestamp + 365 days))
            );
            _assertEq(version, i + 2, "version is not updates + 1");
        }
        _assertEq(blacklist.entry(SUBJECT, 1).version, uint256(updates) + 1, "stored version is not updates + 1");
        _assertEq(blacklist.entry(SUBJECT, 1).reportedAt, reportedAt, "report date moved");
    }

    /// @notice A query never returns an entry at or past its expiry, whatever the time.
    function testFuzz_queryHidesExpiredEntries(uint32 lifetime, uint32 elapsed) public {
        lifetime = uint32(_bound(lifetime, 1, blacklist.MAX_TERM()));
        vm.prank(BANK_A);
        blacklist.report(SUBJECT, ICreditBlacklist.SubjectKind.Person, _content(2, uint40(block.timestamp + lifetime)));
        vm.warp(block.timestamp + elapsed);
        vm.prank(BANK_B);
        (ICreditBlacklist.Listing[] memory listings, ) = blacklist.query(SUBJECT, keccak256("consent"), 0, 1);
        _assertEq(listings.length, elapsed < lifetime ? 1 : 0, "expired entry returned, or live entry hidden");
    }

    function _content(uint8 severity, uint40 expiresAt) internal pure returns (ICreditBlacklist.Content memory) {
        return
            ICreditBlacklist.Content({
                category: ICreditBlacklist.Category.Fraud,
                severity: severity,
                expiresAt: expiresAt,
                evidenceHash: keccak256("evidence"),
                payloadHash: keccak256("payload"),
                payloadLocationHash: keccak256("location")
            });
    }
}
