// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IConsortiumApp} from "../../platform/interfaces/IConsortiumApp.sol";

/// @title IApprovalProcesses
/// @notice Cross-department administrative approvals (行政审批, the Nansha case): a process defined by consortium vote
/// runs one application through several departments, in stages (the steps of a stage run in parallel, stages in
/// order), each step with a deadline in working days of the consortium calendar; when every step approves, the
/// process's issuing department's e-certificate is issued to the applicant in the same transaction.
/// @dev Only hashes stand on chain: the applicant is a keyed identifier (HMAC with the consortium key), documents and
/// decisions are hashes of files kept off chain (the data-sharing gateway serves them). Days are day numbers of the
/// consortium calendar (`IConsortiumCalendar.today()`).
///
/// Case: `Open` → `Approved` (every step approved, certificate issued) | `Rejected` (one step rejected) |
/// `Withdrawn` (by the applicant). All three ends are final.
/// Step: `Pending` (its stage not reached) → `Open` (clock running) → `Accepted` ⇄ `AwaitingDocuments` (clock paused)
/// → `Approved`; `Open`, `Accepted` and `AwaitingDocuments` may end in `Rejected`.
interface IApprovalProcesses is IConsortiumApp {
    enum CaseState {
        None,
        Open,
        Approved,
        Rejected,
        Withdrawn
    }

    enum StepState {
        Pending,
        Open,
        Accepted,
        AwaitingDocuments,
        Approved,
        Rejected
    }

    /// @notice One step of a process, as governance defines it.
    /// @param department Member that decides the step.
    /// @param stage Stage the step belongs to: 0 for the first; each step's stage equals the previous step's or is one
    /// more (steps are listed stage by stage).
    /// @param deadlineDays Working days the department has from the day the step opens.
    /// @param documentKinds Kinds of document (hashes of their names) a case must bring for this step.
    struct StepDefinition {
        uint32 department;
        uint8 stage;
        uint16 deadlineDays;
        bytes32[] documentKinds;
    }

    /// @notice A process, as governance defines it.
    /// @param issuer Member (holding `CERTIFICATE_ISSUER`) in whose name the result certificate is issued.
    /// @param resultKind E-certificate kind of the result (the issuer's code for this licence).
    /// @param resultValidity Seconds the result certificate is valid from issuance (0: no expiry).
    /// @param termsHash Hash of the published process text (legal basis, forms, fees).
    /// @param steps The steps, stage by stage (1..`MAX_STEPS`).
    struct ProcessDefinition {
        uint32 issuer;
        uint16 resultKind;
        uint64 resultValidity;
        bytes32 termsHash;
        StepDefinition[] steps;
    }

    /// @notice A stored process (two slots; steps are read with `processStep`).
    struct Process {
        uint32 issuer;
        uint16 resultKind;
        uint8 stepCount;
        uint8 stageCount;
        bool retired;
        uint64 resultValidity;
        uint64 definedAt;
        bytes32 termsHash;
    }

    /// @notice A document a case brings: its kind (hash of the kind's name) and the hash of its content.
    struct ApprovalDocument {
        bytes32 kind;
        bytes32 contentHash;
    }

    /// @notice A case (four slots).
    /// @param processId Process the case runs through (its definition never changes).
    /// @param applicant Member that submitted the case (an enterprise, or the member acting for a citizen).
    /// @param state Lifecycle state.
    /// @param stage The stage running now (the last one once the case is approved).
    /// @param stepsLeft Steps of the running stage not yet approved.
    /// @param submittedAt Submission time.
    /// @param closedAt Time the case ended (0 while open).
    /// @param certificateId The result e-certificate (0 until approved).
    /// @param applicantRef Keyed hash of the applicant's identifier (the certificate's holder).
    /// @param recordHash Hash chain over the submitted documents, supplied documents and decisions; the result
    /// certificate's document hash (anyone holding the case's events recomputes it).
    struct Case {
        uint32 processId;
        uint32 applicant;
        CaseState state;
        uint8 stage;
        uint8 stepsLeft;
        uint64 submittedAt;
        uint64 closedAt;
        uint64 certificateId;
        bytes32 applicantRef;
        bytes32 recordHash;
    }

    /// @notice A step of one case (one slot).
    /// @param department Member deciding it now (the process's department unless delegated).
    /// @param state Lifecycle state.
    /// @param openedDay Day the step opened (its stage was reached).
    /// @param dueDay Last day for the decision (moves on when the clock resumes after a pause).
    /// @param pausedDay Day of the last request for documents (0 if none).
    /// @param remainingDays Working days left when the clock paused.
    /// @param documentRequests Times the department asked for more documents.
    /// @param decidedDay Day of the approval or rejection (0 before).
    struct CaseStep {
        uint32 department;
        StepState state;
        uint32 openedDay;
        uint32 dueDay;
        uint32 pausedDay;
        uint16 remainingDays;
        uint16 documentRequests;
        uint32 decidedDay;
    }

    /// @notice A process was defined by vote.
    event ProcessDefined(uint32 indexed processId, ProcessDefinition definition);
    /// @notice A process takes no new cases (cases already submitted continue).
    event ProcessRetired(uint32 indexed processId);
    /// @notice A department's admin granted or withdrew the officer role of one of its accounts.
    event OfficerSet(uint32 indexed department, address indexed officer, bool allowed, address account);
    /// @notice A case was submitted; the steps of its first stage open with it.
    event CaseSubmitted(
        uint256 indexed caseId,
        uint32 indexed processId,
        uint32 indexed applicant,
        bytes32 applicantRef,
        ApprovalDocument[] documents,
        bytes32 recordHash,
        address account
    );
    /// @notice A step's stage was reached: its clock starts.
    event StepOpened(
        uint256 indexed caseId,
        uint8 indexed step,
        uint32 indexed department,
        uint32 openedDay,
        uint32 dueDay
    );
    /// @notice The department accepted the step for review (受理).
    event StepAccepted(
        uint256 indexed caseId,
        uint8 indexed step,
        uint32 indexed department,
        uint32 day,
        address account
    );
    /// @notice The department asked for more documents: the step's clock pauses with `remainingDays` left.
    event DocumentsRequested(
        uint256 indexed caseId,
        uint8 indexed step,
        uint32 indexed department,
        bytes32 requestHash,
        uint32 day,
        uint16 remainingDays,
        address account
    );
    /// @notice The applicant supplied the documents asked for: the clock resumes with the new due day.
    event DocumentsSupplied(
        uint256 indexed caseId,
        uint8 indexed step,
        ApprovalDocument[] documents,
        uint32 day,
        uint32 dueDay,
        bytes32 recordHash,
        address account
    );
    /// @notice The department approved the step (`decidedDay > dueDay`: it was late).
    event StepApproved(
        uint256 indexed caseId,
        uint8 indexed step,
        uint32 indexed department,
        bytes32 decisionHash,
        uint32 decidedDay,
        uint32 dueDay,
        bytes32 recordHash,
        address account
    );
    /// @notice The department rejected the step, and with it the case.
    event StepRejected(
        uint256 indexed caseId,
        uint8 indexed step,
        uint32 indexed department,
        bytes32 reasonHash,
        uint32 decidedDay,
        uint32 dueDay,
        address account
    );
    /// @notice The department handed the step to another department (the clock keeps running).
    event StepDelegated(
        uint256 indexed caseId,
        uint8 indexed step,
        uint32 indexed from,
        uint32 to,
        bytes32 reasonHash,
        address account
    );
    /// @notice Every step approved: the result certificate was issued.
    event CaseApproved(uint256 indexed caseId, uint64 indexed certificateId, uint32 issuer, bytes32 recordHash);
    /// @notice A step's rejection ended the case.
    event CaseRejected(uint256 indexed caseId, uint8 step);
    /// @notice The applicant withdrew the case.
    event CaseWithdrawn(uint256 indexed caseId, address account);

    /// @notice The process does not exist.
    error UnknownProcess(uint32 processId);
    /// @notice The process was retired and takes no new cases.
    error ProcessIsRetired(uint32 processId);
    /// @notice A step of the definition is invalid (`field` says what).
    error InvalidStep(uint256 step, bytes32 field);
    /// @notice The case does not exist.
    error UnknownCase(uint256 caseId);
    /// @notice The step index is beyond the case's process.
    error UnknownStep(uint256 caseId, uint256 step);
    /// @notice The case is not open.
    error CaseNotOpen(uint256 caseId, CaseState state);
    /// @notice The step's stage has not been reached: an earlier stage is not complete.
    error StageNotReached(uint256 caseId, uint8 step, uint8 stage, uint8 currentStage);
    /// @notice The step is not in a state the action accepts.
    error StepWrongState(uint256 caseId, uint8 step, StepState state);
    /// @notice The caller's member is not the department deciding the step.
    error WrongDepartment(uint256 caseId, uint8 step, uint32 memberId, uint32 department);
    /// @notice The account is not an officer of its member (the member's admin has not granted it).
    error NotOfficer(address account, uint32 memberId);
    /// @notice Only an admin account of the member may grant or withdraw its officers.
    error NotDepartmentAdmin(address account, uint32 memberId);
    /// @notice The account does not belong to the granting member.
    error OfficerOfOtherMember(address officer, uint32 memberId);
    /// @notice The caller's member is not the case's applicant.
    error NotApplicant(uint256 caseId, uint32 memberId, uint32 applicant);
    /// @notice The applicant is one of the process's departments (it may not decide its own case).
    error ApplicantIsDepartment(uint32 processId, uint32 applicant);
    /// @notice The case lacks a document kind a step requires.
    error DocumentMissing(uint8 step, bytes32 kind);
    /// @notice A document has a zero kind or hash, or the list is empty or too long.
    error InvalidDocuments(uint256 index);
    /// @notice A step cannot be delegated to this member (its current department, the applicant, or a department
    /// deciding another step of the same stage).
    error InvalidDelegate(uint256 caseId, uint8 step, uint32 to);

    /// @notice Defines a process; it takes cases at once. Governance only.
    /// @dev Checks every department is active now and the issuer holds `CERTIFICATE_ISSUER`.
    function defineProcess(ProcessDefinition calldata definition) external returns (uint32 processId);

    /// @notice Stops a process taking new cases. Governance only.
    function retireProcess(uint32 processId) external;

    /// @notice Grants or withdraws the officer role of an account of the caller's member. By an admin account.
    /// @dev An officer acts for its department on cases; the member's other accounts cannot.
    function setOfficer(address officer, bool allowed) external;

    /// @notice Submits a case to a process. By an active member (the applicant), which may not be a department of
    /// the process; every department must be active and every document kind the steps require present.
    function submit(
        uint32 processId,
        bytes32 applicantRef,
        ApprovalDocument[] calldata documents
    ) external returns (uint256 caseId);

    /// @notice The applicant withdraws its open case.
    function withdraw(uint256 caseId) external;

    /// @notice The department accepts an open step for review. By an officer of the step's department.
    function accept(uint256 caseId, uint8 step) external;

    /// @notice The department approves an accepted step; the last approval of a stage opens the next, the last of
    /// all issues the result certificate. By an officer of the step's department.
    function approve(uint256 caseId, uint8 step, bytes32 decisionHash) external;

    /// @notice The department rejects the step (open, accepted or awaiting documents), ending the case. By an officer
    /// of the step's department.
    function reject(uint256 caseId, uint8 step, bytes32 reasonHash) external;

    /// @notice The department asks for more documents on an accepted step: its clock pauses. By an officer of the
    /// step's department.
    function requestDocuments(uint256 caseId, uint8 step, bytes32 requestHash) external;

    /// @notice The applicant supplies the documents asked for: the clock resumes with the working days that were
    /// left (a step already late when paused stays late). By an account of the applicant.
    function supplyDocuments(uint256 caseId, uint8 step, ApprovalDocument[] calldata documents) external;

    /// @notice The department hands an open or accepted step to another active member, which decides it from then
    /// on; the deadline does not move. By an officer of the step's department.
    function delegate(uint256 caseId, uint8 step, uint32 to, bytes32 reasonHash) external;

    /// @notice A process's record.
    function process(uint32 processId) external view returns (Process memory);

    /// @notice One step of a process's definition.
    function processStep(uint32 processId, uint8 step) external view returns (StepDefinition memory);

    /// @notice A case's record.
    function caseRecord(uint256 caseId) external view returns (Case memory);

    /// @notice One step of a case.
    function caseStep(uint256 caseId, uint8 step) external view returns (CaseStep memory);

    /// @notice Whether the step missed its deadline: still undecided after its due day (a paused step counts if it
    /// was already late when paused), or decided after it.
    function isOverdue(uint256 caseId, uint8 step) external view returns (bool);

    /// @notice The member an officer acts for (0: not an officer).
    function officerOf(address account) external view returns (uint32);

    /// @notice Processes defined so far (ids 1..n).
    function processCount() external view returns (uint32);

    /// @notice Cases submitted so far (ids 1..n).
    function caseCount() external view returns (uint256);
}
