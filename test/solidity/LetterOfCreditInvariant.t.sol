// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAuthorityAttestations} from "../../contracts/attestations/interfaces/IAuthorityAttestations.sol";
import {InterbankPositions} from "../../contracts/letters-of-credit/InterbankPositions.sol";
import {LcPresentationChecks} from "../../contracts/letters-of-credit/LcPresentationChecks.sol";
import {LetterOfCredit} from "../../contracts/letters-of-credit/LetterOfCredit.sol";
import {ILetterOfCredit} from "../../contracts/letters-of-credit/interfaces/ILetterOfCredit.sol";
import {ConsortiumCalendar} from "../../contracts/platform/ConsortiumCalendar.sol";
import {IConsortiumCalendar} from "../../contracts/platform/interfaces/IConsortiumCalendar.sol";
import {DocumentRef} from "../../contracts/platform/types/DocumentRef.sol";
import {PlatformFixture} from "./utils/PlatformFixture.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Drives letters of credit through random sequences of issue, amendment, presentation, examination, waiver,
/// refusal notices (documents held or returned), preclusion, acceptance, payment, expiry and time, keeping ghost
/// totals of what was honoured and paid and a ghost record of every presentation's examination steps.
contract LetterOfCreditHandler is PlatformFixture {
    LetterOfCredit public lc;
    InterbankPositions public positions;

    uint256 public constant MAX_LCS = 6;
    uint256[] internal _lcIds;
    uint256[] internal _presentationIds;
    mapping(uint256 lcId => uint256) public ghostHonoured;
    mapping(uint256 lcId => uint8) internal _lastLcState;
    mapping(uint256 presentationId => uint8) internal _lastPresentationState;
    uint256 public ghostPaidToBeneficiary;
    bool public ghostMovedBackward;
    /// @dev A presentation paid a second time.
    bool public ghostPaidTwice;
    /// @dev A presentation both refused (documents returned) and honoured (accepted or paid).
    bool public ghostRefusedAndHonoured;
    /// @dev A preclusion recorded at or before the presentation's examination deadline.
    bool public ghostPrecludedEarly;
    /// @dev A presentation the checks found discrepant examined as complying (issue 19: only a waiver or preclusion).
    bool public ghostCompliantDespiteFindings;
    uint256 public ghostPreclusions;
    uint256 public ghostNotices;
    mapping(uint256 presentationId => uint256) internal _payments;
    mapping(uint256 presentationId => bool) internal _honoured;
    mapping(uint256 presentationId => bool) internal _returned;
    ConsortiumCalendar public calendar;
    LcPresentationChecks public checks;

    constructor() {
        _deployPlatform();
        positions = InterbankPositions(
            _proxy(
                address(new InterbankPositions(registry, token, ledger)),
                abi.encodeCall(InterbankPositions.initialize, ())
            )
        );
        calendar = ConsortiumCalendar(
            _proxy(address(new ConsortiumCalendar(registry)), abi.encodeCall(ConsortiumCalendar.initialize, (8 hours)))
        );
        checks = LcPresentationChecks(
            _proxy(
                address(new LcPresentationChecks(registry, IAuthorityAttestations(address(0)))),
                abi.encodeCall(LcPresentationChecks.initialize, ())
            )
        );
        lc = LetterOfCredit(
            _proxy(
                address(new LetterOfCredit(registry, token, ledger, positions, bytes3("CNY"), checks)),
                abi.encodeCall(LetterOfCredit.initialize, (IConsortiumCalendar(address(calendar))))
            )
        );
        registry.bootstrapSystemContract(address(positions));
        registry.bootstrapSystemContract(address(lc));
        registry.endBootstrap(3);
        _mint(BANK_A, 1e30);
        _mint(BANK_C, 1e30);
        vm.prank(BANK_A);
        token.approve(address(lc), type(uint256).max);
        vm.prank(BANK_C);
        token.approve(address(lc), type(uint256).max);
        vm.prank(BANK_C);
        positions.setCreditLine(1, type(uint128).max); // bankC (nominated) lends to bankA (issuing, member 1)
    }

    function beneficiaryBalance() external view returns (uint256) {
        return token.balanceOf(SUPPLIER_1);
    }

    function lcIds() external view returns (uint256[] memory) {
        return _lcIds;
    }

    // ------------------------------------------------------------------ actions

    function issue(uint80 amount, uint8 tolerance, bool partialDrawings, bool deferred, bool nominated) external {
        if (_lcIds.length >= MAX_LCS) return;
        ILetterOfCredit.Terms memory terms = ILetterOfCredit.Terms({
            advisingBank: BANK_B,
            nominatedBank: nominated ? BANK_C : address(0),
            beneficiary: SUPPLIER_1,
            amount: uint80(_bound(amount, 1, 1e12)),
            currency: bytes3("CNY"),
            tolerancePlus: uint8(tolerance % 11),
            toleranceMinus: uint8(tolerance % 11),
            expiry: uint40(block.timestamp + 30 days),
            latestShipment: uint40(block.timestamp + 20 days),
            deferred: deferred,
            tenorDays: deferred ? 60 : 0,
            partialDrawings: partialDrawings,
            requiredDocuments: 1 << 2,
            termsHash: keccak256(abi.encode(_lcIds.length))
        });
        vm.prank(BANK_A);
        uint256 id = lc.issue(CORE, terms);
        vm.prank(BANK_B);
        lc.advise(id);
        vm.prank(SUPPLIER_1);
        lc.acknowledge(id);
        _lcIds.push(id);
        _observe(id);
    }

    function amend(uint256 lcSeed, uint80 amount, bool accepted) external {
        if (_lcIds.length == 0) return;
        uint256 id = _lcIds[lcSeed % _lcIds.length];
        ILetterOfCredit.Amendment memory a = ILetterOfCredit.Amendment({
            amount: uint80(_bound(amount, 1, 1e12)),
            expiry: uint40(block.timestamp + 30 days),
            latestShipment: 0,
            termsHash: keccak256(abi.encode(id, amount))
        });
        vm.prank(BANK_A);
        try lc.proposeAmendment(id, a) {} catch {}
        vm.prank(SUPPLIER_1);
        if (accepted) {
            try lc.acceptAmendment(id, a) {} catch {}
        } else {
            try lc.rejectAmendment(id) {} catch {}
        }
        _observe(id);
    }

    function present(uint256 lcSeed, uint80 amount) external {
        if (_lcIds.length == 0) return;
        uint256 id = _lcIds[lcSeed % _lcIds.length];
        _present(id, amount, keccak256(abi.encode(id, amount)), 2);
    }

    /// @dev Presents without the required kind (2): the checks record DOCUMENTS_MISSING.
    function presentIncomplete(uint256 lcSeed, uint80 amount) external {
        if (_lcIds.length == 0) return;
        uint256 id = _lcIds[lcSeed % _lcIds.length];
        _present(id, amount, keccak256(abi.encode(id, amount, "incomplete")), 3);
    }

    /// @dev The beneficiary presents one document of `kind` under LC `id`; the presentation is kept and observed.
    function _present(uint256 id, uint80 amount, bytes32 documentHash, uint16 kind) internal {
        DocumentRef[] memory docs = new DocumentRef[](1);
        docs[0] = DocumentRef(documentHash, bytes32(0), kind);
        vm.prank(SUPPLIER_1);
        try lc.present(id, uint80(_bound(amount, 1, 2e12)), docs) returns (uint256 pid) {
            _presentationIds.push(pid);
            _observePresentation(pid);
        } catch {}
        _observe(id);
    }

    function examine(uint256 seed, bool discrepant) external {
        (bool ok, uint256 pid, address bank) = _pick(seed);
        if (!ok) return;
        bytes32[] memory discrepancies = new bytes32[](discrepant ? 1 : 0);
        if (discrepant) discrepancies[0] = seed % 2 == 0 ? bytes32("LATE_SHIPMENT") : bytes32("DOCUMENTS_MISSING");
        vm.prank(bank);
        try lc.examine(pid, discrepancies) {
            if (!discrepant && checks.findings(address(lc), pid).codes != 0) ghostCompliantDespiteFindings = true;
        } catch {}
        _observePresentation(pid);
    }

    function waive(uint256 seed) external {
        (bool ok, uint256 pid, ) = _pick(seed);
        if (!ok) return;
        vm.prank(CORE);
        try lc.waiveDiscrepancies(pid) {} catch {}
        _observePresentation(pid);
    }

    function refuse(uint256 seed, bool holdDocuments) external {
        (bool ok, uint256 pid, address bank) = _pick(seed);
        if (!ok) return;
        bytes32[] memory discrepancies = new bytes32[](1);
        discrepancies[0] = seed % 2 == 0 ? bytes32("LATE_PRESENTATION") : bytes32("DOCUMENTS_MISSING");
        vm.prank(bank);
        try lc.refuse(pid, discrepancies, bytes32("notice"), holdDocuments) {
            ++ghostNotices;
            if (!holdDocuments) _returnedNow(pid);
        } catch {}
        _observePresentation(pid);
        _observe(pid >> 16);
    }

    function returnDocuments(uint256 seed) external {
        (bool ok, uint256 pid, address bank) = _pick(seed);
        if (!ok) return;
        vm.prank(bank);
        try lc.returnDocuments(pid) {
            _returnedNow(pid);
        } catch {}
        _observePresentation(pid);
        _observe(pid >> 16);
    }

    function recordPreclusion(uint256 seed) external {
        (bool ok, uint256 pid, ) = _pick(seed);
        if (!ok) return;
        uint40 deadline = lc.presentation(pid).examinationDeadline;
        vm.prank(SUPPLIER_1);
        try lc.recordPreclusion(pid) {
            ++ghostPreclusions;
            if (block.timestamp <= deadline) ghostPrecludedEarly = true;
        } catch {}
        _observePresentation(pid);
    }

    function accept(uint256 seed, uint256 days_) external {
        (bool ok, uint256 pid, address bank) = _pick(seed);
        if (!ok) return;
        uint80 amount = lc.presentation(pid).amount;
        vm.prank(bank);
        try lc.accept(pid, uint40(block.timestamp + _bound(days_, 1, 30) * 1 days)) {
            ghostHonoured[pid >> 16] += amount;
            _honouredNow(pid);
        } catch {}
        _observePresentation(pid);
        _observe(pid >> 16);
    }

    function pay(uint256 seed) external {
        (bool ok, uint256 pid, address bank) = _pick(seed);
        if (!ok) return;
        ILetterOfCredit.Presentation memory p = lc.presentation(pid);
        vm.prank(bank);
        try lc.pay(pid, bytes32(0)) {
            if (p.state != ILetterOfCredit.PresentationState.Accepted) ghostHonoured[pid >> 16] += p.amount;
            ghostPaidToBeneficiary += p.amount;
            if (++_payments[pid] > 1) ghostPaidTwice = true;
            _honouredNow(pid);
        } catch {}
        _observePresentation(pid);
        _observe(pid >> 16);
    }

    function expire(uint256 lcSeed) external {
        if (_lcIds.length == 0) return;
        uint256 id = _lcIds[lcSeed % _lcIds.length];
        vm.prank(SUPPLIER_1);
        try lc.expire(id) {} catch {}
        _observe(id);
    }

    function warp(uint256 secondsAhead) external {
        vm.warp(block.timestamp + _bound(secondsAhead, 1, 20 days));
    }

    /// @dev Short steps too, so that examinations and preclusions land on both sides of the five-day deadline.
    function warpHours(uint256 hoursAhead) external {
        vm.warp(block.timestamp + _bound(hoursAhead, 1, 72) * 1 hours);
    }

    // ------------------------------------------------------------------ ghosts

    function _pick(uint256 seed) internal view returns (bool ok, uint256 pid, address bank) {
        if (_presentationIds.length == 0) return (false, 0, address(0));
        pid = _presentationIds[seed % _presentationIds.length];
        bank = lc.letterOfCredit(pid >> 16).nominatedBank != 0 ? BANK_C : BANK_A;
        ok = true;
    }

    function _observe(uint256 id) internal {
        uint8 state = uint8(lc.letterOfCredit(id).state);
        if (state < _lastLcState[id]) ghostMovedBackward = true;
        _lastLcState[id] = state;
    }

    function _observePresentation(uint256 pid) internal {
        uint8 state = uint8(lc.presentation(pid).state);
        uint8 last = _lastPresentationState[pid];
        // Held (8) is the one state that moves back: to Waived on the applicant's waiver, to Refused on return
        bool fromHeld =
            last == uint8(ILetterOfCredit.PresentationState.Held) &&
                (state == uint8(ILetterOfCredit.PresentationState.Waived) ||
                    state == uint8(ILetterOfCredit.PresentationState.Refused));
        if (state < last && !fromHeld) ghostMovedBackward = true;
        _lastPresentationState[pid] = state;
    }

    function _honouredNow(uint256 pid) internal {
        _honoured[pid] = true;
        if (_returned[pid]) ghostRefusedAndHonoured = true;
    }

    function _returnedNow(uint256 pid) internal {
        _returned[pid] = true;
        if (_honoured[pid]) ghostRefusedAndHonoured = true;
    }
}

/// @notice Invariants of letters of credit under random sequences.
contract LetterOfCreditInvariantTest is TestBase {
    LetterOfCreditHandler internal handler;
    LetterOfCredit internal lc;

    function setUp() public {
        handler = new LetterOfCreditHandler();
        lc = handler.lc();
        _targetContract(address(handler));
    }

    /// @notice Drawn plus reserved never exceeds amount plus tolerance (so neither does drawn).
    function invariant_drawnWithinAmountPlusTolerance() public view {
        uint256[] memory ids = handler.lcIds();
        for (uint256 i; i < ids.length; ++i) {
            ILetterOfCredit.LetterOfCreditRecord memory r = lc.letterOfCredit(ids[i]);
            uint256 maximum = uint256(r.amount) + (uint256(r.amount) * r.tolerancePlus) / 100;
            _assertTrue(uint256(r.drawn) + r.reserved <= maximum, "drawn + reserved > amount + tolerance");
        }
    }

    /// @notice Drawn is exactly the sum of the honoured (accepted or sight-paid) presentations.
    function invariant_drawnEqualsHonoured() public view {
        uint256[] memory ids = handler.lcIds();
        for (uint256 i; i < ids.length; ++i) {
            _assertEq(lc.letterOfCredit(ids[i]).drawn, handler.ghostHonoured(ids[i]), "drawn != honoured");
        }
    }

    /// @notice The beneficiary received exactly what was paid to it (no claim was transferred in this run).
    function invariant_beneficiaryPaidExactly() public view {
        _assertEq(handler.beneficiaryBalance(), handler.ghostPaidToBeneficiary(), "beneficiary balance");
    }

    /// @notice No LC or presentation state ever moved backward (but out of Held, to Waived or Refused).
    function invariant_statesOnlyMoveForward() public view {
        _assertTrue(!handler.ghostMovedBackward(), "a state moved backward");
    }

    /// @notice A presentation is paid at most once.
    function invariant_paidAtMostOnce() public view {
        _assertTrue(!handler.ghostPaidTwice(), "a presentation was paid twice");
    }

    /// @notice No presentation is both refused (documents returned) and honoured (accepted or paid).
    function invariant_neverRefusedAndHonoured() public view {
        _assertTrue(!handler.ghostRefusedAndHonoured(), "a presentation was refused and honoured");
    }

    /// @notice A preclusion is recorded only after the presentation's examination deadline.
    function invariant_precludedOnlyAfterDeadline() public view {
        _assertTrue(!handler.ghostPrecludedEarly(), "a preclusion before the deadline");
    }

    function invariant_findingsNeverExaminedCompliant() public view {
        _assertTrue(!handler.ghostCompliantDespiteFindings(), "a presentation with findings examined as complying");
    }
}
