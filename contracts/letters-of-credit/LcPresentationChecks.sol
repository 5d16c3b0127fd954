// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAuthorityAttestations} from "../attestations/interfaces/IAuthorityAttestations.sol";
import {ConsortiumApp} from "../platform/ConsortiumApp.sol";
import {IConsortiumCalendar} from "../platform/interfaces/IConsortiumCalendar.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {Roles} from "../platform/libraries/Roles.sol";
import {DocumentRef} from "../platform/types/DocumentRef.sol";
import {ILcPresentationChecks, IPresentationHook} from "./interfaces/ILcPresentationChecks.sol";
import {ILetterOfCredit} from "./interfaces/ILetterOfCredit.sol";

/// @title LcPresentationChecks
/// @notice The automatic checks of a presentation under UCP 600, and their hold on the examining bank. See
/// `ILcPresentationChecks`.
/// @dev A companion of `LetterOfCredit` (which is at the contract size limit). The LC contract calls `check` (its
/// `IPresentationHook`) from `present`, `examine` and `refuse` with the step's calldata; a revert here stops the step.
/// Records are kept per calling LC contract (`msg.sender`, which must be a registered system contract), so nothing
/// another caller does touches them (a system contract other than the LC could only write records of its own).
/// No reentrancy guard: `check` only reads the LC contract's and the calendar's views, neither of which calls back.
contract LcPresentationChecks is ILcPresentationChecks, ConsortiumApp {
    /// @notice Days after shipment within which documents must be presented unless the LC says otherwise (art. 14c).
    uint16 public constant PRESENTATION_PERIOD_DAYS = 21;
    /// @notice Longest presentation period an issuing bank may set.
    uint16 public constant MAX_PRESENTATION_PERIOD_DAYS = 365;

    uint8 private constant _DOCUMENTS_MISSING = 1 << 0;
    uint8 private constant _LATE_SHIPMENT = 1 << 1;
    uint8 private constant _LATE_PRESENTATION = 1 << 2;
    uint8 private constant _PRESENTED_AFTER_EXPIRY = 1 << 3;
    uint8 private constant _OVER_TOLERANCE = 1 << 4;
    uint8 private constant _PARTIAL_DRAWING = 1 << 5;
    uint256 private constant _CODE_COUNT = 6;
    /// @dev `LetterOfCredit`'s flag bit for partial drawings allowed.
    uint8 private constant _PARTIAL_DRAWINGS = 1 << 1;
    uint256 private constant _PERCENT = 100;

    /// @custom:storage-location erc7201:consortia.storage.LcPresentationChecks
    struct LcPresentationChecksStorage {
        mapping(address letterOfCredit => mapping(uint256 presentationId => Findings)) _findings;
        /// @dev Zero means the default period (21 days).
        mapping(address letterOfCredit => mapping(uint256 lcId => uint16)) _periods;
        mapping(address account => mapping(bytes32 documentsHash => uint40)) _shipments;
        // appended (issue 22): the subject (keyed identifier) attestations of which back a presentation
        mapping(address account => mapping(bytes32 documentsHash => bytes32 subjectKey)) _statedBacking;
        mapping(address letterOfCredit => mapping(uint256 presentationId => bytes32 subjectKey)) _backing;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.LcPresentationChecks")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant LC_PRESENTATION_CHECKS_STORAGE_LOCATION =
        0xb5efec3e8dfb607bfd2765c988bbfec891f1f6973d91fd3a66b9a0da9140ee00;

    /// @notice The authority attestations whose `LcHonour` policy an issuing bank's presentations must meet (zero:
    /// none, nothing is checked).
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IAuthorityAttestations public immutable attestations;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_, IAuthorityAttestations attestations_) ConsortiumApp(registry_) {
        attestations = attestations_;
    }

    /// @notice Initializes the proxy (run once, by the proxy's constructor).
    function initialize() external initializer {
        __ConsortiumApp_init();
    }

    // ------------------------------------------------------------------ statements and terms

    /// @inheritdoc ILcPresentationChecks
    function stateShipment(bytes32 documentsHash_, uint40 shipmentDate) external whenNotPaused {
        _authorize(Roles.LC_TRADER);
        if (documentsHash_ == bytes32(0)) revert InvalidValue("documentsHash");
        if (shipmentDate == 0 || shipmentDate > block.timestamp) revert InvalidValue("shipmentDate");
        _getStorage()._shipments[msg.sender][documentsHash_] = shipmentDate;
        emit ShipmentStated(msg.sender, documentsHash_, shipmentDate);
    }

    /// @inheritdoc ILcPresentationChecks
    function stateBacking(bytes32 documentsHash_, bytes32 subjectKey) external whenNotPaused {
        _authorize(Roles.LC_TRADER);
        if (documentsHash_ == bytes32(0)) revert InvalidValue("documentsHash");
        if (subjectKey == bytes32(0)) revert InvalidValue("subjectKey");
        _getStorage()._statedBacking[msg.sender][documentsHash_] = subjectKey;
        emit BackingStated(msg.sender, documentsHash_, subjectKey);
    }

    /// @inheritdoc ILcPresentationChecks
    function linkBacking(
        ILetterOfCredit letterOfCredit,
        uint256 presentationId,
        bytes32 subjectKey
    ) external whenNotPaused {
        _requireLetterOfCreditContract(address(letterOfCredit));
        if (subjectKey == bytes32(0)) revert InvalidValue("subjectKey");
        ILetterOfCredit.Presentation memory p = letterOfCredit.presentation(presentationId);
        ILetterOfCredit.LetterOfCreditRecord memory lc = letterOfCredit.letterOfCredit(presentationId >> 16);
        // the issuing bank (its LC_BANK accounts) or the beneficiary (its LC_TRADER accounts); standing checked now
        uint32 member = _authorize(registry().memberOf(msg.sender) == lc.issuingBank ? Roles.LC_BANK : Roles.LC_TRADER);
        if (member != lc.issuingBank && member != lc.beneficiary) revert BackingWrongParty(presentationId, member);
        // before the examination: what the bank examines is not changed under it
        if (p.state != ILetterOfCredit.PresentationState.Presented) revert BackingNotLinkable(presentationId, p.state);
        _getStorage()._backing[address(letterOfCredit)][presentationId] = subjectKey;
        emit PresentationBackingLinked(address(letterOfCredit), presentationId, subjectKey, member, msg.sender);
    }

    /// @inheritdoc ILcPresentationChecks
    function setPresentationPeriod(
        ILetterOfCredit letterOfCredit,
        uint256 lcId,
        uint16 periodDays
    ) external whenNotPaused {
        _requireLetterOfCreditContract(address(letterOfCredit));
        ILetterOfCredit.LetterOfCreditRecord memory lc = letterOfCredit.letterOfCredit(lcId);
        uint32 bank = _authorize(Roles.LC_BANK);
        if (bank != lc.issuingBank) revert ILetterOfCredit.LetterOfCreditWrongParty(lcId, bank, lc.issuingBank);
        if (
            lc.state > ILetterOfCredit.LetterOfCreditState.Issued ||
            periodDays == 0 ||
            periodDays > MAX_PRESENTATION_PERIOD_DAYS
        ) revert PresentationPeriodNotSettable(lcId);
        _getStorage()._periods[address(letterOfCredit)][lcId] = periodDays;
        emit PresentationPeriodSet(address(letterOfCredit), lcId, bank, periodDays);
    }

    // ------------------------------------------------------------------ the hook

    /// @inheritdoc IPresentationHook
    /// @dev `present` records the findings; `examine` and `refuse` must list them; any other step passes.
    function check(uint256 presentationId, address caller) external {
        _requireLetterOfCreditContract(msg.sender);
        // the LC step's calldata, appended after this call's two words (none: no step to check)
        if (msg.data.length < 72) return;
        bytes calldata data = msg.data[68:];
        bytes4 selector = bytes4(data[:4]);
        if (selector == ILetterOfCredit.present.selector) {
            _record(presentationId, caller, data[4:]);
        } else if (selector == ILetterOfCredit.examine.selector) {
            (, bytes32[] memory discrepancies) = abi.decode(data[4:], (uint256, bytes32[]));
            _requireAgreement(presentationId, discrepancies);
            // examined as complying: the issuing bank's determination to honour (art. 15a)
            if (discrepancies.length == 0) {
                _requireBacked(
                    presentationId,
                    ILetterOfCredit(msg.sender).letterOfCredit(presentationId >> 16).issuingBank,
                    true
                );
            }
        } else if (selector == ILetterOfCredit.refuse.selector) {
            (, bytes32[] memory discrepancies, , ) = abi.decode(data[4:], (uint256, bytes32[], bytes32, bool));
            _requireAgreement(presentationId, discrepancies);
        }
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ILcPresentationChecks
    function findings(address letterOfCredit, uint256 presentationId) external view returns (Findings memory) {
        return _getStorage()._findings[letterOfCredit][presentationId];
    }

    /// @inheritdoc ILcPresentationChecks
    function backingOf(address letterOfCredit, uint256 presentationId) external view returns (bytes32) {
        return _getStorage()._backing[letterOfCredit][presentationId];
    }

    /// @inheritdoc ILcPresentationChecks
    function statedBacking(address account, bytes32 documentsHash_) external view returns (bytes32) {
        return _getStorage()._statedBacking[account][documentsHash_];
    }

    /// @inheritdoc ILcPresentationChecks
    function presentationPeriod(address letterOfCredit, uint256 lcId) public view returns (uint16 periodDays) {
        periodDays = _getStorage()._periods[letterOfCredit][lcId];
        if (periodDays == 0) periodDays = PRESENTATION_PERIOD_DAYS;
    }

    /// @inheritdoc ILcPresentationChecks
    function statedShipment(address account, bytes32 documentsHash_) external view returns (uint40) {
        return _getStorage()._shipments[account][documentsHash_];
    }

    /// @inheritdoc ILcPresentationChecks
    function documentsHash(DocumentRef[] calldata documents) external pure returns (bytes32) {
        return keccak256(abi.encode(documents));
    }

    /// @inheritdoc ILcPresentationChecks
    function codeOf(uint256 bit) public pure returns (bytes32) {
        if (bit == 0) return "DOCUMENTS_MISSING";
        if (bit == 1) return "LATE_SHIPMENT";
        if (bit == 2) return "LATE_PRESENTATION";
        if (bit == 3) return "PRESENTED_AFTER_EXPIRY";
        if (bit == 4) return "OVER_TOLERANCE";
        if (bit == 5) return "PARTIAL_DRAWING";
        revert InvalidValue("bit");
    }

    // ------------------------------------------------------------------ internals

    /// @dev Checks a new presentation against its LC (read after `present` reserved its amount) and records the result.
    function _record(uint256 presentationId, address caller, bytes calldata args) private {
        (uint256 lcId, uint80 amount, DocumentRef[] memory documents) = abi.decode(
            args,
            (uint256, uint80, DocumentRef[])
        );
        ILetterOfCredit.LetterOfCreditRecord memory lc = ILetterOfCredit(msg.sender).letterOfCredit(lcId);
        Findings memory f = _termsFindings(lc, amount, documents);
        bytes32 hash = keccak256(abi.encode(documents));
        _shipmentFindings(f, lc, lcId, caller, hash);
        LcPresentationChecksStorage storage $ = _getStorage();
        $._findings[msg.sender][presentationId] = f;
        // the subject the presenting account stated for these documents (used up) backs the presentation
        bytes32 subject = $._statedBacking[caller][hash];
        if (subject != bytes32(0)) {
            delete $._statedBacking[caller][hash];
            $._backing[msg.sender][presentationId] = subject;
        }
        emit PresentationChecked(
            msg.sender,
            presentationId,
            f.codes,
            f.missingKinds,
            f.shipmentStated,
            f.shipmentDate,
            f.lastPresentationDay
        );
        _requireBacked(presentationId, lc.issuingBank, false);
    }

    /// @dev Kinds presented against kinds required, expiry, tolerance across drawings and partial drawings.
    function _termsFindings(
        ILetterOfCredit.LetterOfCreditRecord memory lc,
        uint80 amount,
        DocumentRef[] memory documents
    ) private view returns (Findings memory f) {
        f.checked = true;
        uint32 presented;
        for (uint256 i; i < documents.length; ++i) {
            uint16 kind = documents[i].kind;
            if (kind < 32) presented |= uint32(1) << kind;
        }
        f.missingKinds = lc.requiredDocuments & ~presented;
        if (f.missingKinds != 0) f.codes |= _DOCUMENTS_MISSING;
        if (block.timestamp > lc.expiry) f.codes |= _PRESENTED_AFTER_EXPIRY;
        // the LC's drawings and reservations, this presentation's included
        uint256 total = uint256(lc.drawn) + lc.reserved;
        uint256 face = lc.amount;
        if (total > face + (face * lc.tolerancePlus) / _PERCENT) f.codes |= _OVER_TOLERANCE;
        if (
            lc.flags & _PARTIAL_DRAWINGS == 0 &&
            (total > amount || amount < face - (face * lc.toleranceMinus) / _PERCENT)
        ) f.codes |= _PARTIAL_DRAWING;
    }

    /// @dev The latest shipment date and the presentation period, when the presenting account stated the shipment
    /// date of these very documents (the statement is used up).
    function _shipmentFindings(
        Findings memory f,
        ILetterOfCredit.LetterOfCreditRecord memory lc,
        uint256 lcId,
        address caller,
        bytes32 hash
    ) private {
        LcPresentationChecksStorage storage $ = _getStorage();
        uint40 shipment = $._shipments[caller][hash];
        if (shipment == 0) return;
        delete $._shipments[caller][hash];
        IConsortiumCalendar calendar_ = ILetterOfCredit(msg.sender).calendar();
        f.shipmentStated = true;
        f.shipmentDate = shipment;
        uint32 shipmentDay = calendar_.dayOf(shipment);
        // latest shipment date: compared by day, never extended (art. 29c); 0 is an LC without one
        if (lc.latestShipment != 0 && shipmentDay > calendar_.dayOf(lc.latestShipment)) f.codes |= _LATE_SHIPMENT;
        uint32 lastDay = shipmentDay + presentationPeriod(msg.sender, lcId);
        // a last day on which banks are closed moves to the next banking day (art. 29a)
        if (!calendar_.isWorkingDay(lastDay)) lastDay = calendar_.addWorkingDays(lastDay, 1);
        f.lastPresentationDay = lastDay;
        if (calendar_.dayOf(block.timestamp) > lastDay) f.codes |= _LATE_PRESENTATION;
    }

    /// @dev The findings are a floor: the discrepancies listed must include every finding, and may cite any code
    /// besides (a clean result rests on the presenter's own statements, which do not bind the bank, art. 14a).
    function _requireAgreement(uint256 presentationId, bytes32[] memory discrepancies) private view {
        Findings storage f = _getStorage()._findings[msg.sender][presentationId];
        if (!f.checked) return;
        uint8 codes = f.codes;
        uint8 listed;
        for (uint256 i; i < discrepancies.length; ++i) {
            bytes32 code = discrepancies[i];
            for (uint256 bit; bit < _CODE_COUNT; ++bit) {
                if (code == codeOf(bit)) listed |= uint8(1 << bit);
            }
        }
        uint8 unlisted = codes & ~listed;
        if (unlisted != 0) revert FindingsNotListed(presentationId, unlisted);
    }

    /// @dev The issuing bank's `LcHonour` policy in force now, met by valid attestations (now) on the presentation's
    /// subject, at `present` (a presentation its policy forbids is not made) and at `examine` as complying (revoked,
    /// expired, or its attester suspended or stripped of the role since: refused). The refusal reverts the step with
    /// the register's `AttestationRequired`: it is never a finding, and no discrepancy is recorded. Every check is
    /// recorded (`PresentationBacking`, policy zero: none), for the regulator's view.
    function _requireBacked(uint256 presentationId, uint32 bank, bool examined) private {
        IAuthorityAttestations attestations_ = attestations;
        if (address(attestations_) == address(0)) return;
        bytes32 subject = _getStorage()._backing[msg.sender][presentationId];
        uint256 policy = attestations_.policyOf(bank, IAuthorityAttestations.Application.LcHonour);
        if (policy != 0) attestations_.requireBacked(bank, IAuthorityAttestations.Application.LcHonour, subject);
        emit PresentationBacking(msg.sender, presentationId, bank, subject, policy, examined);
    }

    /// @dev The LC contract is a registered system contract: a stranger can neither write records nor name a fake LC.
    function _requireLetterOfCreditContract(address account) private view {
        if (!registry().isSystemContract(account)) revert NotLetterOfCreditContract(account);
    }

    function _getStorage() private pure returns (LcPresentationChecksStorage storage $) {
        assembly ("memory-safe") {
            $.slot := LC_PRESENTATION_CHECKS_STORAGE_LOCATION
        }
    }
}
