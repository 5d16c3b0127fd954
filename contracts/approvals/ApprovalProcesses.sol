// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsortiumApp} from "../platform/ConsortiumApp.sol";
import {IConsortiumCalendar} from "../platform/interfaces/IConsortiumCalendar.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {Roles} from "../platform/libraries/Roles.sol";
import {IECertificates} from "../data-sharing/interfaces/IECertificates.sol";
import {IApprovalProcesses} from "./interfaces/IApprovalProcesses.sol";

/// @title ApprovalProcesses
/// @notice Cross-department approvals: processes defined by vote, cases through departments in stages, deadlines in
/// working days, the result e-certificate issued when every step approves. See `IApprovalProcesses`.
/// @dev The result is issued through `ECertificates.issueFor` in the name of the process's issuing department, in the
/// same transaction as the last approval: no certificate can exist for a case without every approval, and none can be
/// missing after it. That needs this contract to be a suite (system) contract, which governance grants and can
/// withdraw; the certificate stays the department's own (it alone may revoke or replace it). The calendar and
/// e-certificates are the suite's own contracts (changed only by vote), so their calls cannot re-enter; the
/// certificate call is made last (checks, effects, interactions).
contract ApprovalProcesses is IApprovalProcesses, ConsortiumApp {
    /// @notice Most steps a process may have (bounds every loop over a case's steps).
    uint256 public constant MAX_STEPS = 8;
    /// @notice Most document kinds one step may require.
    uint256 public constant MAX_DOCUMENT_KINDS = 4;
    /// @notice Most documents one submission or supply may list.
    uint256 public constant MAX_DOCUMENTS = 16;
    /// @notice Longest deadline a step may have, in working days.
    uint16 public constant MAX_DEADLINE_DAYS = 60;

    /// @custom:storage-location erc7201:consortia.storage.ApprovalProcesses
    struct ApprovalProcessesStorage {
        uint32 _processCount;
        uint256 _caseCount;
        mapping(uint32 processId => Process) _processes;
        mapping(uint32 processId => mapping(uint256 step => StoredStep)) _steps;
        mapping(uint32 processId => mapping(uint256 slot => bytes32 kind)) _documentKinds;
        mapping(uint256 caseId => Case) _cases;
        mapping(uint256 caseId => mapping(uint256 step => CaseStep)) _caseSteps;
        mapping(address account => uint32 memberId) _officers;
    }

    /// @dev A process step as stored (one slot); its document kinds are at `step * MAX_DOCUMENT_KINDS + i`.
    struct StoredStep {
        uint32 department;
        uint8 stage;
        uint16 deadlineDays;
        uint8 documentKindCount;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.ApprovalProcesses")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant APPROVAL_PROCESSES_STORAGE_LOCATION =
        0xdb2dbcffed437c57860294545290353d41d2c1a63bfbfe943b11ca2db2b7e600;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IConsortiumCalendar private immutable _calendar;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IECertificates private immutable _certificates;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IConsortiumCalendar calendar_,
        IECertificates certificates_
    ) ConsortiumApp(registry_) {
        if (address(calendar_) == address(0)) revert InvalidValue("calendar");
        if (address(certificates_) == address(0)) revert InvalidValue("certificates");
        _calendar = calendar_;
        _certificates = certificates_;
    }

    /// @notice Initializes the proxy (run once, by the proxy's constructor).
    function initialize() external initializer {
        __ConsortiumApp_init();
    }

    /// @notice The calendar deadlines are counted in.
    function calendar() external view returns (IConsortiumCalendar) {
        return _calendar;
    }

    /// @notice The e-certificates application results are issued in.
    function certificates() external view returns (IECertificates) {
        return _certificates;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Governance
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IApprovalProcesses
    function defineProcess(ProcessDefinition calldata definition) external onlyGovernance returns (uint32 processId) {
        ApprovalProcessesStorage storage $ = _getApprovalProcessesStorage();
        IConsortiumRegistry registry_ = registry();
        registry_.authorizeMember(definition.issuer, Roles.CERTIFICATE_ISSUER);
        if (definition.resultKind == 0) revert InvalidValue("resultKind");
        if (definition.termsHash == bytes32(0)) revert InvalidValue("termsHash");
        uint256 count = definition.steps.length;
        if (count == 0 || count > MAX_STEPS) revert InvalidValue("steps");

        processId = ++$._processCount;
        uint8 lastStage;
        for (uint256 i; i < count; ++i) {
            StepDefinition calldata s = definition.steps[i];
            registry_.authorizeMember(s.department, Roles.MEMBER);
            // Stages are listed in order and without gaps: 0 first, then the same stage or the next.
            if (i == 0 ? s.stage != 0 : (s.stage != lastStage && s.stage != lastStage + 1)) {
                revert InvalidStep(i, "stage");
            }
            lastStage = s.stage;
            if (s.deadlineDays == 0 || s.deadlineDays > MAX_DEADLINE_DAYS) revert InvalidStep(i, "deadlineDays");
            // One department decides at most one step of a stage (it would otherwise approve its own parallel step).
            for (uint256 j = i; j != 0;) {
                --j;
                if (definition.steps[j].stage != s.stage) break;
                if (definition.steps[j].department == s.department) revert InvalidStep(i, "department");
            }
            uint256 kinds = s.documentKinds.length;
            if (kinds > MAX_DOCUMENT_KINDS) revert InvalidStep(i, "documentKinds");
            for (uint256 k; k < kinds; ++k) {
                if (s.documentKinds[k] == bytes32(0)) revert InvalidStep(i, "documentKinds");
                $._documentKinds[processId][i * MAX_DOCUMENT_KINDS + k] = s.documentKinds[k];
            }
            // Safe casts: kinds <= MAX_DOCUMENT_KINDS.
            $._steps[processId][i] = StoredStep(s.department, s.stage, s.deadlineDays, uint8(kinds));
        }
        $._processes[processId] = Process({
            issuer: definition.issuer,
            resultKind: definition.resultKind,
            // Safe: count <= MAX_STEPS, lastStage < count.
            stepCount: uint8(count),
            stageCount: lastStage + 1,
            retired: false,
            resultValidity: definition.resultValidity,
            definedAt: uint64(block.timestamp),
            termsHash: definition.termsHash
        });
        emit ProcessDefined(processId, definition);
    }

    /// @inheritdoc IApprovalProcesses
    function retireProcess(uint32 processId) external onlyGovernance {
        Process storage p = _process(processId);
        if (p.retired) revert ProcessIsRetired(processId);
        p.retired = true;
        emit ProcessRetired(processId);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Officers
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IApprovalProcesses
    function setOfficer(address officer, bool allowed) external whenNotPaused {
        IConsortiumRegistry registry_ = registry();
        uint32 memberId = _authorize(Roles.MEMBER);
        if (registry_.account(msg.sender).level != IConsortiumRegistry.AccessLevel.Admin) {
            revert NotDepartmentAdmin(msg.sender, memberId);
        }
        if (registry_.memberOf(officer) != memberId) revert OfficerOfOtherMember(officer, memberId);
        _getApprovalProcessesStorage()._officers[officer] = allowed ? memberId : 0;
        emit OfficerSet(memberId, officer, allowed, msg.sender);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Applicant
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IApprovalProcesses
    function submit(
        uint32 processId,
        bytes32 applicantRef,
        ApprovalDocument[] calldata documents
    ) external whenNotPaused returns (uint256 caseId) {
        ApprovalProcessesStorage storage $ = _getApprovalProcessesStorage();
        uint32 applicant = _authorize(Roles.MEMBER);
        Process storage p = _process(processId);
        if (p.retired) revert ProcessIsRetired(processId);
        if (applicantRef == bytes32(0)) revert InvalidValue("applicantRef");
        _checkDocuments(documents);
        IConsortiumRegistry registry_ = registry();
        // The issuer must still be able to issue, or the case could never end approved.
        registry_.authorizeMember(p.issuer, Roles.CERTIFICATE_ISSUER);
        uint256 count = p.stepCount;
        for (uint256 i; i < count; ++i) {
            StoredStep storage s = $._steps[processId][i];
            uint32 department = s.department;
            if (department == applicant) revert ApplicantIsDepartment(processId, applicant);
            // A department suspended or removed since the process was defined cannot take a case.
            registry_.authorizeMember(department, Roles.MEMBER);
            _requireKinds(processId, i, s.documentKindCount, documents);
        }

        caseId = ++$._caseCount;
        bytes32 recordHash = keccak256(abi.encode(caseId, processId, applicantRef, documents));
        Case storage c = $._cases[caseId];
        c.processId = processId;
        c.applicant = applicant;
        c.state = CaseState.Open;
        c.submittedAt = uint64(block.timestamp);
        c.applicantRef = applicantRef;
        c.recordHash = recordHash;
        emit CaseSubmitted(caseId, processId, applicant, applicantRef, documents, recordHash, msg.sender);
        _openStage(caseId, c, 0);
    }

    /// @inheritdoc IApprovalProcesses
    function withdraw(uint256 caseId) external whenNotPaused {
        Case storage c = _openCase(caseId);
        _requireApplicant(caseId, c);
        c.state = CaseState.Withdrawn;
        c.closedAt = uint64(block.timestamp);
        emit CaseWithdrawn(caseId, msg.sender);
    }

    /// @inheritdoc IApprovalProcesses
    function supplyDocuments(uint256 caseId, uint8 step, ApprovalDocument[] calldata documents) external whenNotPaused {
        Case storage c = _openCase(caseId);
        _requireApplicant(caseId, c);
        CaseStep storage s = _caseStep(caseId, c, step);
        if (s.state != StepState.AwaitingDocuments) revert StepWrongState(caseId, step, s.state);
        _checkDocuments(documents);
        uint32 day = _calendar.today();
        uint32 due = s.dueDay;
        // A step already late when it paused stays late; otherwise the clock resumes with the days that were left.
        if (s.pausedDay <= due) due = _calendar.addWorkingDays(day, s.remainingDays);
        s.dueDay = due;
        s.state = StepState.Accepted;
        bytes32 recordHash = _chain(c, keccak256(abi.encode(step, documents)));
        emit DocumentsSupplied(caseId, step, documents, day, due, recordHash, msg.sender);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Departments
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IApprovalProcesses
    function accept(uint256 caseId, uint8 step) external whenNotPaused {
        (, CaseStep storage s, uint32 department) = _departmentStep(caseId, step);
        if (s.state != StepState.Open) revert StepWrongState(caseId, step, s.state);
        s.state = StepState.Accepted;
        emit StepAccepted(caseId, step, department, _calendar.today(), msg.sender);
    }

    /// @inheritdoc IApprovalProcesses
    function requestDocuments(uint256 caseId, uint8 step, bytes32 requestHash) external whenNotPaused {
        (, CaseStep storage s, uint32 department) = _departmentStep(caseId, step);
        if (s.state != StepState.Accepted) revert StepWrongState(caseId, step, s.state);
        if (requestHash == bytes32(0)) revert InvalidValue("requestHash");
        uint32 day = _calendar.today();
        // Safe: at most the step's deadline (<= MAX_DEADLINE_DAYS) is left.
        uint16 remaining = uint16(_calendar.workingDaysBetween(day, s.dueDay));
        s.state = StepState.AwaitingDocuments;
        s.pausedDay = day;
        s.remainingDays = remaining;
        // Safe: a department asking 65,535 times for documents would have to wait for as many supplies.
        unchecked {
            ++s.documentRequests;
        }
        emit DocumentsRequested(caseId, step, department, requestHash, day, remaining, msg.sender);
    }

    /// @inheritdoc IApprovalProcesses
    function approve(uint256 caseId, uint8 step, bytes32 decisionHash) external whenNotPaused {
        (Case storage c, CaseStep storage s, uint32 department) = _departmentStep(caseId, step);
        if (s.state != StepState.Accepted) revert StepWrongState(caseId, step, s.state);
        if (decisionHash == bytes32(0)) revert InvalidValue("decisionHash");
        uint32 day = _calendar.today();
        s.state = StepState.Approved;
        s.decidedDay = day;
        bytes32 recordHash = _chain(c, keccak256(abi.encode(step, department, decisionHash)));
        emit StepApproved(caseId, step, department, decisionHash, day, s.dueDay, recordHash, msg.sender);

        if (--c.stepsLeft != 0) return;
        uint8 next = c.stage + 1;
        Process storage p = _getApprovalProcessesStorage()._processes[c.processId];
        if (next < p.stageCount) {
            _openStage(caseId, c, next);
        } else {
            _issueResult(caseId, c, p, recordHash);
        }
    }

    /// @inheritdoc IApprovalProcesses
    function reject(uint256 caseId, uint8 step, bytes32 reasonHash) external whenNotPaused {
        (Case storage c, CaseStep storage s, uint32 department) = _departmentStep(caseId, step);
        StepState state = s.state;
        if (state != StepState.Open && state != StepState.Accepted && state != StepState.AwaitingDocuments) {
            revert StepWrongState(caseId, step, state);
        }
        if (reasonHash == bytes32(0)) revert InvalidValue("reasonHash");
        uint32 day = _calendar.today();
        s.state = StepState.Rejected;
        s.decidedDay = day;
        c.state = CaseState.Rejected;
        c.closedAt = uint64(block.timestamp);
        emit StepRejected(caseId, step, department, reasonHash, day, s.dueDay, msg.sender);
        emit CaseRejected(caseId, step);
    }

    /// @inheritdoc IApprovalProcesses
    function delegate(uint256 caseId, uint8 step, uint32 to, bytes32 reasonHash) external whenNotPaused {
        (Case storage c, CaseStep storage s, uint32 department) = _departmentStep(caseId, step);
        if (s.state != StepState.Open && s.state != StepState.Accepted) revert StepWrongState(caseId, step, s.state);
        if (to == department || to == c.applicant) revert InvalidDelegate(caseId, step, to);
        _requireNoOtherStepOfStage(caseId, c, step, to);
        registry().authorizeMember(to, Roles.MEMBER);
        s.department = to;
        emit StepDelegated(caseId, step, department, to, reasonHash, msg.sender);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IApprovalProcesses
    function process(uint32 processId) external view returns (Process memory) {
        return _getApprovalProcessesStorage()._processes[processId];
    }

    /// @inheritdoc IApprovalProcesses
    function processStep(uint32 processId, uint8 step) external view returns (StepDefinition memory d) {
        ApprovalProcessesStorage storage $ = _getApprovalProcessesStorage();
        if (step >= _process(processId).stepCount) revert InvalidStep(step, "step");
        StoredStep storage s = $._steps[processId][step];
        (d.department, d.stage, d.deadlineDays) = (s.department, s.stage, s.deadlineDays);
        d.documentKinds = new bytes32[](s.documentKindCount);
        for (uint256 k; k < d.documentKinds.length; ++k) {
            d.documentKinds[k] = $._documentKinds[processId][uint256(step) * MAX_DOCUMENT_KINDS + k];
        }
    }

    /// @inheritdoc IApprovalProcesses
    function caseRecord(uint256 caseId) external view returns (Case memory) {
        return _getApprovalProcessesStorage()._cases[caseId];
    }

    /// @inheritdoc IApprovalProcesses
    function caseStep(uint256 caseId, uint8 step) external view returns (CaseStep memory) {
        return _getApprovalProcessesStorage()._caseSteps[caseId][step];
    }

    /// @inheritdoc IApprovalProcesses
    function isOverdue(uint256 caseId, uint8 step) external view returns (bool) {
        CaseStep storage s = _getApprovalProcessesStorage()._caseSteps[caseId][step];
        StepState state = s.state;
        if (state == StepState.Pending) return false;
        if (state == StepState.Approved || state == StepState.Rejected) return s.decidedDay > s.dueDay;
        if (state == StepState.AwaitingDocuments) return s.pausedDay > s.dueDay;
        // An open case's running step; a step left undecided by a case closed elsewhere stops counting then.
        Case storage c = _getApprovalProcessesStorage()._cases[caseId];
        uint32 until = c.state == CaseState.Open ? _calendar.today() : _calendar.dayOf(c.closedAt);
        return until > s.dueDay;
    }

    /// @inheritdoc IApprovalProcesses
    function officerOf(address account) external view returns (uint32) {
        return _getApprovalProcessesStorage()._officers[account];
    }

    /// @inheritdoc IApprovalProcesses
    function processCount() external view returns (uint32) {
        return _getApprovalProcessesStorage()._processCount;
    }

    /// @inheritdoc IApprovalProcesses
    function caseCount() external view returns (uint256) {
        return _getApprovalProcessesStorage()._caseCount;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------------------------------

    /// @dev Opens every step of `stage`: each clock starts today, due after the step's working days.
    function _openStage(uint256 caseId, Case storage c, uint8 stage) private {
        ApprovalProcessesStorage storage $ = _getApprovalProcessesStorage();
        uint32 processId = c.processId;
        uint256 count = $._processes[processId].stepCount;
        uint32 day = _calendar.today();
        uint8 opened;
        c.stage = stage;
        for (uint256 i; i < count; ++i) {
            StoredStep storage d = $._steps[processId][i];
            if (d.stage < stage) continue;
            if (d.stage > stage) break;
            uint32 due = _calendar.addWorkingDays(day, d.deadlineDays);
            uint32 department = d.department;
            $._caseSteps[caseId][i] = CaseStep({
                department: department,
                state: StepState.Open,
                openedDay: day,
                dueDay: due,
                pausedDay: 0,
                remainingDays: 0,
                documentRequests: 0,
                decidedDay: 0
            });
            ++opened;
            // Safe: i < MAX_STEPS.
            emit StepOpened(caseId, uint8(i), department, day, due);
        }
        c.stepsLeft = opened;
    }

    /// @dev Closes the case approved and issues its result certificate in the issuer's name (the external call last).
    function _issueResult(uint256 caseId, Case storage c, Process storage p, bytes32 recordHash) private {
        // The certificate goes to an applicant still in good standing.
        registry().authorizeMember(c.applicant, Roles.MEMBER);
        c.state = CaseState.Approved;
        c.closedAt = uint64(block.timestamp);
        uint64 validity = p.resultValidity;
        uint32 issuer = p.issuer;
        IECertificates.Terms memory terms = IECertificates.Terms({
            holderHash: c.applicantRef,
            kind: p.resultKind,
            documentHash: recordHash,
            validFrom: 0,
            validUntil: validity == 0 ? 0 : uint64(block.timestamp) + validity
        });
        uint64 certificateId = _certificates.issueFor(issuer, terms);
        c.certificateId = certificateId;
        emit CaseApproved(caseId, certificateId, issuer, recordHash);
    }

    /// @dev The open case, the step and the department deciding it, which must be the caller's member acting through
    /// an officer account, active now.
    function _departmentStep(
        uint256 caseId,
        uint8 step
    ) private view returns (Case storage c, CaseStep storage s, uint32 department) {
        c = _openCase(caseId);
        s = _caseStep(caseId, c, step);
        uint32 memberId = _authorize(Roles.MEMBER);
        department = s.department;
        if (memberId != department) revert WrongDepartment(caseId, step, memberId, department);
        if (_getApprovalProcessesStorage()._officers[msg.sender] != memberId) revert NotOfficer(msg.sender, memberId);
    }

    /// @dev A department decides at most one step of a stage, as `defineProcess` requires of the definition: a
    /// delegation must not hand it a second one (it would approve its own parallel step). Bounded by MAX_STEPS.
    function _requireNoOtherStepOfStage(uint256 caseId, Case storage c, uint8 step, uint32 to) private view {
        ApprovalProcessesStorage storage $ = _getApprovalProcessesStorage();
        uint32 processId = c.processId;
        uint8 stage = $._steps[processId][step].stage;
        uint256 count = $._processes[processId].stepCount;
        for (uint256 i; i < count; ++i) {
            if (i == step || $._steps[processId][i].stage != stage) continue;
            if ($._caseSteps[caseId][i].department == to) revert InvalidDelegate(caseId, step, to);
        }
    }

    /// @dev The step of an open case, which must exist and whose stage must have been reached.
    function _caseStep(uint256 caseId, Case storage c, uint8 step) private view returns (CaseStep storage s) {
        ApprovalProcessesStorage storage $ = _getApprovalProcessesStorage();
        uint32 processId = c.processId;
        if (step >= $._processes[processId].stepCount) revert UnknownStep(caseId, step);
        s = $._caseSteps[caseId][step];
        if (s.state == StepState.Pending) {
            revert StageNotReached(caseId, step, $._steps[processId][step].stage, c.stage);
        }
    }

    function _openCase(uint256 caseId) private view returns (Case storage c) {
        c = _getApprovalProcessesStorage()._cases[caseId];
        CaseState state = c.state;
        if (state == CaseState.None) revert UnknownCase(caseId);
        if (state != CaseState.Open) revert CaseNotOpen(caseId, state);
    }

    function _requireApplicant(uint256 caseId, Case storage c) private view {
        uint32 memberId = _authorize(Roles.MEMBER);
        if (memberId != c.applicant) revert NotApplicant(caseId, memberId, c.applicant);
    }

    function _process(uint32 processId) private view returns (Process storage p) {
        p = _getApprovalProcessesStorage()._processes[processId];
        if (p.stepCount == 0) revert UnknownProcess(processId);
    }

    /// @dev Extends the case's record hash with one entry and returns it.
    function _chain(Case storage c, bytes32 entry) private returns (bytes32 recordHash) {
        recordHash = keccak256(abi.encode(c.recordHash, entry));
        c.recordHash = recordHash;
    }

    /// @dev 1..MAX_DOCUMENTS documents, each with a kind and a content hash.
    function _checkDocuments(ApprovalDocument[] calldata documents) private pure {
        uint256 count = documents.length;
        if (count == 0 || count > MAX_DOCUMENTS) revert InvalidDocuments(count);
        for (uint256 i; i < count; ++i) {
            if (documents[i].kind == bytes32(0) || documents[i].contentHash == bytes32(0)) revert InvalidDocuments(i);
        }
    }

    /// @dev Reverts unless `documents` hold every kind step `step` requires (at most MAX_DOCUMENT_KINDS x
    /// MAX_DOCUMENTS comparisons).
    function _requireKinds(
        uint32 processId,
        uint256 step,
        uint256 kindCount,
        ApprovalDocument[] calldata documents
    ) private view {
        ApprovalProcessesStorage storage $ = _getApprovalProcessesStorage();
        for (uint256 k; k < kindCount; ++k) {
            bytes32 kind = $._documentKinds[processId][step * MAX_DOCUMENT_KINDS + k];
            bool found;
            for (uint256 i; i < documents.length && !found; ++i) found = documents[i].kind == kind;
            // Safe: step < MAX_STEPS.
            if (!found) revert DocumentMissing(uint8(step), kind);
        }
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getApprovalProcessesStorage() private pure returns (ApprovalProcessesStorage storage $) {
        assembly ("memory-safe") {
            $.slot := APPROVAL_PROCESSES_STORAGE_LOCATION
        }
    }
}
