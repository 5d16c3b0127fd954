// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ApprovalProcesses} from "../../contracts/approvals/ApprovalProcesses.sol";
import {IApprovalProcesses} from "../../contracts/approvals/interfaces/IApprovalProcesses.sol";
import {ECertificates} from "../../contracts/data-sharing/ECertificates.sol";
import {IECertificates} from "../../contracts/data-sharing/interfaces/IECertificates.sol";
import {ConsortiumCalendar} from "../../contracts/platform/ConsortiumCalendar.sol";
import {IConsortiumRegistry} from "../../contracts/platform/interfaces/IConsortiumRegistry.sol";
import {Roles} from "../../contracts/platform/libraries/Roles.sol";
import {PlatformFixture} from "./utils/PlatformFixture.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Drives cases of a three-step, two-stage process through random acceptances, approvals (by the right and
/// the wrong department), rejections, requests for documents and supplies, delegations, withdrawals, suspensions of
/// a department and the passing of days; records every certificate it sees appear.
contract ApprovalHandler is PlatformFixture {
    address internal constant GOV_1 = address(0x2001);
    address internal constant GOV_2 = address(0x2002);
    address internal constant GOV_3 = address(0x2003);

    ApprovalProcesses public app;
    ECertificates public certificates;
    ConsortiumCalendar public calendar;
    address[3] internal _departments = [GOV_1, GOV_2, GOV_3];
    /// @dev Certificates that appeared during a call that did not close a case approved.
    uint256 public ghostStrayCertificates;
    uint256 public ghostApprovedCases;

    constructor() {
        _deployPlatform();
        _seed(IConsortiumRegistry.MemberKind.Government, "gov1", Roles.CERTIFICATE_ISSUER, GOV_1);
        _seed(IConsortiumRegistry.MemberKind.Government, "gov2", Roles.DATA_OWNER, GOV_2);
        _seed(IConsortiumRegistry.MemberKind.Government, "gov3", Roles.DATA_OWNER, GOV_3);
        calendar = ConsortiumCalendar(
            _proxy(address(new ConsortiumCalendar(registry)), abi.encodeCall(ConsortiumCalendar.initialize, (8 hours)))
        );
        certificates = ECertificates(
            _proxy(address(new ECertificates(registry)), abi.encodeCall(ECertificates.initialize, ()))
        );
        app = ApprovalProcesses(
            _proxy(
                address(new ApprovalProcesses(registry, calendar, certificates)),
                abi.encodeCall(ApprovalProcesses.initialize, ())
            )
        );
        registry.bootstrapSystemContract(address(app));
        registry.endBootstrap(3);
        for (uint256 i; i < 3; ++i) {
            vm.prank(_departments[i]);
            app.setOfficer(_departments[i], true);
        }
        IApprovalProcesses.StepDefinition[] memory steps = new IApprovalProcesses.StepDefinition[](3);
        steps[0] = IApprovalProcesses.StepDefinition(_id(GOV_1), 0, 5, new bytes32[](0));
        steps[1] = IApprovalProcesses.StepDefinition(_id(GOV_2), 0, 10, new bytes32[](0));
        steps[2] = IApprovalProcesses.StepDefinition(_id(GOV_3), 1, 5, new bytes32[](0));
        IApprovalProcesses.ProcessDefinition memory definition = IApprovalProcesses.ProcessDefinition(
            _id(GOV_1),
            11,
            0,
            keccak256("terms"),
            steps
        );
        // The prank covers the next call only: its arguments are built first.
        vm.prank(address(registry));
        app.defineProcess(definition);
    }

    function submit(uint256 seed) external {
        IApprovalProcesses.ApprovalDocument[] memory documents = new IApprovalProcesses.ApprovalDocument[](1);
        documents[0] = IApprovalProcesses.ApprovalDocument(keccak256("form"), keccak256(abi.encode(seed)));
        _watch(
            seed % 2 == 0 ? SUPPLIER_1 : CORE,
            abi.encodeCall(app.submit, (1, keccak256(abi.encode("applicant", seed)), documents))
        );
    }

    /// @dev One department action on a step of a case; the acting department is usually the step's, sometimes not.
    function act(uint256 caseSeed, uint256 stepSeed, uint256 actionSeed, uint256 actorSeed) external {
        (uint256 caseId, uint8 step) = _pick(caseSeed, stepSeed);
        if (caseId == 0) return;
        address actor = _actor(caseId, step, actorSeed);
        uint256 action = actionSeed % 8;
        bytes memory call;
        if (action == 0 || action == 1) call = abi.encodeCall(app.accept, (caseId, step));
        else if (action <= 4) call = abi.encodeCall(app.approve, (caseId, step, keccak256(abi.encode(actionSeed))));
        else if (action == 5) call = abi.encodeCall(app.requestDocuments, (caseId, step, keccak256("more")));
        else if (action == 6) call = abi.encodeCall(app.delegate, (caseId, step, _id(_departments[actorSeed % 3]), 0));
        else call = abi.encodeCall(app.reject, (caseId, step, keccak256("no")));
        // Rejections are rarer than the other actions, so that cases reach their end.
        if (action == 7 && actorSeed % 4 != 0) return;
        _watch(actor, call);
    }

    /// @dev The next regular move of a case (so that sequences reach approvals): the right department accepts or
    /// approves the first undecided step of the running stage, or the applicant supplies the documents it awaits.
    function advance(uint256 caseSeed, uint256 moves) external {
        (uint256 caseId, ) = _pick(caseSeed, 0);
        if (caseId == 0) return;
        for (uint256 i = moves % 6; i != 0; --i) _advance(caseId);
    }

    function _advance(uint256 caseId) private {
        for (uint8 step; step < 3; ++step) {
            IApprovalProcesses.CaseStep memory s = app.caseStep(caseId, step);
            if (s.state == IApprovalProcesses.StepState.Open) {
                _watch(_actor(caseId, step, 1), abi.encodeCall(app.accept, (caseId, step)));
                return;
            }
            if (s.state == IApprovalProcesses.StepState.Accepted) {
                _watch(_actor(caseId, step, 1), abi.encodeCall(app.approve, (caseId, step, keccak256("ok"))));
                return;
            }
            if (s.state == IApprovalProcesses.StepState.AwaitingDocuments) {
                this.supply(caseId - 1, step);
                return;
            }
        }
    }

    function supply(uint256 caseSeed, uint256 stepSeed) external {
        (uint256 caseId, uint8 step) = _pick(caseSeed, stepSeed);
        if (caseId == 0) return;
        IApprovalProcesses.ApprovalDocument[] memory documents = new IApprovalProcesses.ApprovalDocument[](1);
        documents[0] = IApprovalProcesses.ApprovalDocument(keccak256("form"), keccak256("v2"));
        address applicant = app.caseRecord(caseId).applicant == _id(CORE) ? CORE : SUPPLIER_1;
        _watch(applicant, abi.encodeCall(app.supplyDocuments, (caseId, step, documents)));
    }

    function withdraw(uint256 caseSeed) external {
        (uint256 caseId, ) = _pick(caseSeed, 0);
        if (caseId == 0 || caseSeed % 8 != 0) return;
        _watch(
            app.caseRecord(caseId).applicant == _id(CORE) ? CORE : SUPPLIER_1,
            abi.encodeCall(app.withdraw, (caseId))
        );
    }

    function toggleSuspension(uint256 seed) external {
        uint32 memberId = _id(_departments[seed % 3]);
        (, IConsortiumRegistry.MemberStatus status, ) = registry.memberProfile(memberId);
        // Suspensions are rarer than reinstatements, so that departments are mostly in good standing.
        if (status == IConsortiumRegistry.MemberStatus.Active && seed % 4 != 0) return;
        vm.prank(address(registry));
        if (status == IConsortiumRegistry.MemberStatus.Active) registry.suspendMember(memberId);
        else registry.reinstateMember(memberId);
    }

    function passDays(uint256 days_) external {
        vm.warp(block.timestamp + _bound(days_, 1, 20) * 1 days);
    }

    /// @dev Makes the call and checks that a certificate appears exactly when the call closed a case approved.
    function _watch(address actor, bytes memory call) private {
        uint64 before = certificates.certificateCount();
        uint256 approvedBefore = _approvedCases();
        vm.prank(actor);
        (bool ok, ) = address(app).call(call);
        uint256 issued = certificates.certificateCount() - before;
        uint256 closed = _approvedCases() - approvedBefore;
        if (!ok) closed = 0;
        if (issued != closed) ++ghostStrayCertificates;
        ghostApprovedCases += closed;
    }

    function _approvedCases() private view returns (uint256 n) {
        uint256 count = app.caseCount();
        for (uint256 id = 1; id <= count; ++id) {
            if (app.caseRecord(id).state == IApprovalProcesses.CaseState.Approved) ++n;
        }
    }

    function _pick(uint256 caseSeed, uint256 stepSeed) private view returns (uint256 caseId, uint8 step) {
        uint256 count = app.caseCount();
        if (count == 0) return (0, 0);
        return (1 + (caseSeed % count), uint8(stepSeed % 3));
    }

    /// @dev The step's department three times in four, another department otherwise.
    function _actor(uint256 caseId, uint8 step, uint256 seed) private view returns (address) {
        if (seed % 4 == 0) return _departments[(seed / 4) % 3];
        uint32 department = app.caseStep(caseId, step).department;
        for (uint256 i; i < 3; ++i) if (_id(_departments[i]) == department) return _departments[i];
        return _departments[0];
    }

    function _id(address account) private view returns (uint32) {
        return registry.memberOf(account);
    }
}

/// @notice A case's result certificate exists exactly when every step of the case approved; no certificate appears
/// in any other way.
contract ApprovalInvariantTest is TestBase {
    ApprovalHandler internal handler;
    ApprovalProcesses internal app;
    ECertificates internal certificates;

    function setUp() public {
        handler = new ApprovalHandler();
        app = handler.app();
        certificates = handler.certificates();
        _targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](7);
        selectors[0] = ApprovalHandler.submit.selector;
        selectors[1] = ApprovalHandler.act.selector;
        selectors[2] = ApprovalHandler.advance.selector;
        selectors[3] = ApprovalHandler.supply.selector;
        selectors[4] = ApprovalHandler.withdraw.selector;
        selectors[5] = ApprovalHandler.toggleSuspension.selector;
        selectors[6] = ApprovalHandler.passDays.selector;
        _targetSelectors(address(handler), selectors);
    }

    function invariant_certificateOnlyWhenEveryStepApproved() public view {
        uint256 count = app.caseCount();
        for (uint256 id = 1; id <= count; ++id) {
            IApprovalProcesses.Case memory c = app.caseRecord(id);
            bool everyStepApproved = true;
            for (uint8 step; step < 3; ++step) {
                if (app.caseStep(id, step).state != IApprovalProcesses.StepState.Approved) everyStepApproved = false;
            }
            _assertTrue(
                (c.state == IApprovalProcesses.CaseState.Approved) == everyStepApproved,
                "approved != all steps"
            );
            _assertTrue((c.certificateId != 0) == everyStepApproved, "certificate != all steps approved");
            if (c.certificateId != 0) {
                IECertificates.Certificate memory cert = certificates.certificate(c.certificateId);
                _assertTrue(cert.holderHash == c.applicantRef, "certificate holder");
                _assertTrue(cert.documentHash == c.recordHash, "certificate document");
            }
        }
    }

    function invariant_noStrayCertificate() public view {
        _assertEq(handler.ghostStrayCertificates(), 0, "a certificate appeared without closing a case approved");
        _assertEq(certificates.certificateCount(), handler.ghostApprovedCases(), "certificates != approved cases");
    }

    function invariant_stepsLeftMatchesOpenSteps() public view {
        uint256 count = app.caseCount();
        for (uint256 id = 1; id <= count; ++id) {
            IApprovalProcesses.Case memory c = app.caseRecord(id);
            if (c.state != IApprovalProcesses.CaseState.Open) continue;
            uint256 undecided;
            for (uint8 step; step < 3; ++step) {
                IApprovalProcesses.StepState s = app.caseStep(id, step).state;
                if (s != IApprovalProcesses.StepState.Pending && s != IApprovalProcesses.StepState.Approved) {
                    ++undecided;
                }
            }
            _assertEq(c.stepsLeft, undecided, "stepsLeft != undecided open steps");
        }
    }
}
