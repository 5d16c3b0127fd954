// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Settlement} from "../platform/Settlement.sol";
import {IConsortiumCalendar} from "../platform/interfaces/IConsortiumCalendar.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {IDepositToken} from "../platform/interfaces/IDepositToken.sol";
import {IPaymentLedger} from "../platform/interfaces/IPaymentLedger.sol";
import {ITransferableClaim} from "../platform/interfaces/ITransferableClaim.sol";
import {Roles} from "../platform/libraries/Roles.sol";
import {DocumentRef} from "../platform/types/DocumentRef.sol";
import {IInterbankPositions} from "./interfaces/IInterbankPositions.sol";
import {IPresentationHook} from "./interfaces/ILcPresentationChecks.sol";
import {ILetterOfCredit} from "./interfaces/ILetterOfCredit.sol";

/// @title LetterOfCredit
/// @notice Domestic documentary letters of credit, from application to closing. Accepted deferred-payment
/// presentations are transferable claims (`ITransferableClaim`) that the forfaiting market trades; at maturity the
/// honouring bank pays whoever holds the claim. When a nominated bank honours, the issuing bank's reimbursement is
/// recorded as an obligation in `InterbankPositions`, against the line the nominated bank granted the issuing bank.
/// @dev No reentrancy guard: every step updates its state before its external calls (checks, effects,
/// interactions), and the only contracts called are the suite's registry, deposit token (an ERC-20 without transfer
/// hooks), payment ledger and interbank positions, none of which calls back. A guard would add ~5,000 gas to the
/// paying steps for no protection.
contract LetterOfCredit is ILetterOfCredit, ITransferableClaim, Settlement {
    /// @notice Largest plus or minus tolerance, in percent (UCP 600 art. 30: "about" allows 10%).
    uint8 public constant MAX_TOLERANCE_PERCENT = 10;
    /// @notice Most documents in one presentation.
    uint256 public constant MAX_DOCUMENTS = 16;
    /// @notice Most discrepancies one examination lists.
    uint256 public constant MAX_DISCREPANCIES = 16;
    /// @notice Roles that may hold an accepted deferred claim.
    uint64 public constant CLAIM_HOLDER_ROLES = Roles.LC_TRADER | Roles.LC_BANK | Roles.FORFAITER;
    /// @notice Roles an approved claim operator needs, at approval and when it transfers: a party that could hold the
    /// claim itself, or a suite contract (the forfaiting market). Never the regulator, which moves no asset.
    uint64 public constant CLAIM_OPERATOR_ROLES = CLAIM_HOLDER_ROLES | Roles.SYSTEM;
    /// @notice Banking days the honouring bank has to examine a presentation (UCP 600 art. 14b).
    uint256 public constant EXAMINATION_DAYS = 5;

    uint8 private constant _DEFERRED = 1 << 0;
    uint8 private constant _PARTIAL_DRAWINGS = 1 << 1;
    uint8 private constant _CONFIRMED = 1 << 2;
    uint8 private constant _CANCELLATION_REQUESTED = 1 << 3;
    uint256 private constant _INDEX_BITS = 16;
    uint256 private constant _PERCENT = 100;

    /// @dev Network constants, the same for every proxy of an implementation.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IInterbankPositions private immutable _positions;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    bytes3 private immutable _settlementCurrency;
    /// @dev The presentation checks (`LcPresentationChecks`, issue 19), called by `present`, `examine` and `refuse`.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IPresentationHook private immutable _checks;

    /// @custom:storage-location erc7201:consortia.storage.LetterOfCredit
    struct LetterOfCreditStorage {
        /// @dev uint64 ids leave room for the 16-bit presentation index in a presentation id.
        uint64 _lcCount;
        mapping(uint256 lcId => LetterOfCreditRecord) _lcs;
        mapping(uint256 presentationId => Presentation) _presentations;
        mapping(uint256 lcId => bytes32) _pendingAmendments;
        /// @dev Zero means the LC's beneficiary account still holds the claim.
        mapping(uint256 claimId => address) _claimHolders;
        mapping(uint256 claimId => address) _claimOperators;
        /// @dev Counts the examination clock's banking days (issue 19; appended).
        IConsortiumCalendar _calendar;
        /// @dev The calendar's time zone, fixed for its life: read once when the calendar is set.
        int32 _utcOffset;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.LetterOfCredit")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant LETTER_OF_CREDIT_STORAGE_LOCATION =
        0x46d55a2d5cddd9bd1bbe09b6393692263ae798e10ceb45ab4a1a914f118c9100;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IDepositToken token_,
        IPaymentLedger ledger_,
        IInterbankPositions positions_,
        bytes3 settlementCurrency_,
        IPresentationHook checks_
    ) Settlement(registry_, token_, ledger_) {
        if (address(positions_) == address(0)) revert InvalidValue("positions");
        if (settlementCurrency_ == bytes3(0)) revert InvalidValue("currency");
        if (address(checks_) == address(0)) revert InvalidValue("checks");
        _positions = positions_;
        _settlementCurrency = settlementCurrency_;
        _checks = checks_;
    }

    /// @notice Initializes the proxy (run once, by the proxy's constructor) with the consortium calendar that counts
    /// the examination clock (a proxy deployed before the clock existed gets it from governance: `setCalendar`).
    function initialize(IConsortiumCalendar calendar_) external initializer {
        __ConsortiumApp_init();
        _setCalendar(calendar_);
    }

    /// @inheritdoc ILetterOfCredit
    function setCalendar(IConsortiumCalendar calendar_) external onlyGovernance {
        _setCalendar(calendar_);
    }

    // ------------------------------------------------------------------ application and issue

    /// @inheritdoc ILetterOfCredit
    function submitApplication(
        address issuingBank,
        Terms calldata terms
    ) external whenNotPaused returns (uint256 lcId) {
        (uint32 applicant, uint32 bank) = registry().authorizePair(
            msg.sender,
            Roles.LC_TRADER,
            issuingBank,
            Roles.LC_BANK
        );
        Parties memory parties;
        (lcId, parties) = _create(applicant, bank, terms, LetterOfCreditState.Applied);
        emit LetterOfCreditApplied(lcId, applicant, bank, parties, terms);
    }

    /// @inheritdoc ILetterOfCredit
    function approveApplication(uint256 lcId) external whenNotPaused {
        LetterOfCreditRecord storage lc = _lc(lcId);
        uint32 bank = _requireParty(lcId, Roles.LC_BANK, lc.issuingBank);
        _requireState(lcId, lc.state, LetterOfCreditState.Applied);
        _requireNotExpired(lcId, lc.expiry);
        lc.state = LetterOfCreditState.Issued;
        emit ApplicationApproved(lcId, bank);
    }

    /// @inheritdoc ILetterOfCredit
    function declineApplication(uint256 lcId, bytes32 reasonHash) external whenNotPaused {
        LetterOfCreditRecord storage lc = _lc(lcId);
        uint32 bank = _requireParty(lcId, Roles.LC_BANK, lc.issuingBank);
        _requireState(lcId, lc.state, LetterOfCreditState.Applied);
        lc.state = LetterOfCreditState.Declined;
        emit ApplicationDeclined(lcId, bank, reasonHash);
    }

    /// @inheritdoc ILetterOfCredit
    function issue(address applicant, Terms calldata terms) external whenNotPaused returns (uint256 lcId) {
        (uint32 bank, uint32 applicantMember) = registry().authorizePair(
            msg.sender,
            Roles.LC_BANK,
            applicant,
            Roles.LC_TRADER
        );
        Parties memory parties;
        (lcId, parties) = _create(applicantMember, bank, terms, LetterOfCreditState.Issued);
        emit LetterOfCreditIssued(lcId, applicantMember, bank, parties, terms);
    }

    // ------------------------------------------------------------------ advice, acknowledgement, confirmation

    /// @inheritdoc ILetterOfCredit
    function advise(uint256 lcId) external whenNotPaused {
        LetterOfCreditRecord storage lc = _lc(lcId);
        uint32 bank = _requireParty(lcId, Roles.LC_BANK, lc.advisingBank);
        _requireState(lcId, lc.state, LetterOfCreditState.Issued);
        _requireNotExpired(lcId, lc.expiry);
        lc.state = LetterOfCreditState.Advised;
        emit LetterOfCreditAdvised(lcId, bank, msg.sender);
    }

    /// @inheritdoc ILetterOfCredit
    function acknowledge(uint256 lcId) external whenNotPaused {
        LetterOfCreditRecord storage lc = _lc(lcId);
        uint32 beneficiary = _requireParty(lcId, Roles.LC_TRADER, lc.beneficiary);
        _requireState(lcId, lc.state, LetterOfCreditState.Advised);
        _requireNotExpired(lcId, lc.expiry);
        lc.state = LetterOfCreditState.Acknowledged;
        emit LetterOfCreditAcknowledged(lcId, beneficiary, msg.sender);
    }

    /// @inheritdoc ILetterOfCredit
    function confirm(uint256 lcId) external whenNotPaused {
        LetterOfCreditRecord storage lc = _lc(lcId);
        uint32 nominated = lc.nominatedBank;
        uint32 bank = _authorize(Roles.LC_BANK);
        if (nominated == 0 || bank != nominated) revert LetterOfCreditWrongParty(lcId, bank, nominated);
        _requireOpen(lcId, lc.state);
        _requireNotExpired(lcId, lc.expiry);
        uint8 flags = lc.flags;
        if (flags & _CONFIRMED != 0) revert AlreadyConfirmed(lcId);
        lc.flags = flags | _CONFIRMED;
        emit LetterOfCreditConfirmed(lcId, bank);
    }

    // ------------------------------------------------------------------ amendments

    /// @inheritdoc ILetterOfCredit
    function proposeAmendment(uint256 lcId, Amendment calldata amendment) external whenNotPaused {
        LetterOfCreditStorage storage $ = _getLetterOfCreditStorage();
        LetterOfCreditRecord storage lc = _lc(lcId);
        uint32 bank = _requireParty(lcId, Roles.LC_BANK, lc.issuingBank);
        _requireOpen(lcId, lc.state);
        _requireNotExpired(lcId, lc.expiry);
        if ($._pendingAmendments[lcId] != bytes32(0)) revert AmendmentPending(lcId);
        _validateAmendment(amendment, lc.tolerancePlus);
        bytes32 amendmentHash = _amendmentHash(lcId, amendment);
        $._pendingAmendments[lcId] = amendmentHash;
        emit AmendmentProposed(lcId, bank, amendmentHash, amendment);
    }

    /// @inheritdoc ILetterOfCredit
    function acceptAmendment(uint256 lcId, Amendment calldata amendment) external whenNotPaused {
        LetterOfCreditStorage storage $ = _getLetterOfCreditStorage();
        LetterOfCreditRecord storage lc = _lc(lcId);
        uint32 beneficiary = _requireParty(lcId, Roles.LC_TRADER, lc.beneficiary);
        _requireOpen(lcId, lc.state);
        _requireNotExpired(lcId, lc.expiry);
        bytes32 pending = $._pendingAmendments[lcId];
        if (pending == bytes32(0) || pending != _amendmentHash(lcId, amendment)) revert AmendmentMismatch(lcId);
        uint256 committed = uint256(lc.drawn) + lc.reserved;
        uint256 newMaximum = _maximum(amendment.amount, lc.tolerancePlus);
        if (newMaximum < committed) revert AmendmentBelowCommitted(lcId, newMaximum, committed);
        delete $._pendingAmendments[lcId];
        lc.expiry = amendment.expiry;
        lc.amount = amendment.amount;
        lc.termsHash = amendment.termsHash;
        lc.latestShipment = amendment.latestShipment;
        emit AmendmentAccepted(lcId, beneficiary, pending, amendment);
    }

    /// @inheritdoc ILetterOfCredit
    function rejectAmendment(uint256 lcId) external whenNotPaused {
        LetterOfCreditStorage storage $ = _getLetterOfCreditStorage();
        LetterOfCreditRecord storage lc = _lc(lcId);
        uint32 beneficiary = _requireParty(lcId, Roles.LC_TRADER, lc.beneficiary);
        bytes32 pending = $._pendingAmendments[lcId];
        if (pending == bytes32(0)) revert AmendmentMismatch(lcId);
        delete $._pendingAmendments[lcId];
        emit AmendmentRejected(lcId, beneficiary, pending);
    }

    // ------------------------------------------------------------------ presentations

    /// @inheritdoc ILetterOfCredit
    function present(
        uint256 lcId,
        uint80 amount,
        DocumentRef[] calldata documents
    ) external whenNotPaused returns (uint256 presentationId) {
        LetterOfCreditStorage storage $ = _getLetterOfCreditStorage();
        LetterOfCreditRecord storage lc = _lc(lcId);
        uint32 beneficiary = _requireParty(lcId, Roles.LC_TRADER, lc.beneficiary);
        _requireState(lcId, lc.state, LetterOfCreditState.Acknowledged);
        _requireNotExpired(lcId, lc.expiry);
        if (amount == 0) revert InvalidValue("amount");
        uint32 presentedKinds = _presentedKinds(documents);

        (uint16 index, uint80 reserved) = _reserve(lcId, lc, amount);
        presentationId = (lcId << _INDEX_BITS) | index;
        uint40 deadline = _examinationDeadline($);
        $._presentations[presentationId] = Presentation(
            amount,
            PresentationState.Presented,
            uint40(block.timestamp),
            0,
            deadline,
            false,
            false
        );
        emit DocumentsPresented(
            presentationId,
            lcId,
            beneficiary,
            msg.sender,
            amount,
            documents,
            presentedKinds,
            reserved
        );
        emit ExaminationClockStarted(presentationId, lcId, deadline);
        _check(presentationId);
    }

    /// @inheritdoc ILetterOfCredit
    function examine(uint256 presentationId, bytes32[] calldata discrepancies) external whenNotPaused {
        (uint256 lcId, LetterOfCreditRecord storage lc, Presentation storage p) = _presentationOf(presentationId);
        uint32 bank = _requireParty(lcId, Roles.LC_BANK, _honouringBank(lc));
        _requirePresentationState(presentationId, p.state, PresentationState.Presented);
        _requireBeforeDeadline(presentationId, p.examinationDeadline);
        uint256 count = discrepancies.length;
        if (count > MAX_DISCREPANCIES) revert InvalidListLength("discrepancies", count, MAX_DISCREPANCIES);
        PresentationState result = count == 0 ? PresentationState.Compliant : PresentationState.Discrepant;
        p.state = result;
        emit PresentationExamined(presentationId, lcId, bank, result, discrepancies);
        _check(presentationId);
    }

    /// @inheritdoc ILetterOfCredit
    function waiveDiscrepancies(uint256 presentationId) external whenNotPaused {
        (uint256 lcId, LetterOfCreditRecord storage lc, Presentation storage p) = _presentationOf(presentationId);
        uint32 applicant = _requireParty(lcId, Roles.LC_TRADER, lc.applicant);
        PresentationState state = p.state;
        if (state != PresentationState.Discrepant && state != PresentationState.Held) {
            revert PresentationWrongState(presentationId, state, PresentationState.Discrepant);
        }
        p.state = PresentationState.Waived;
        emit DiscrepanciesWaived(presentationId, lcId, applicant);
    }

    /// @inheritdoc ILetterOfCredit
    function refuse(
        uint256 presentationId,
        bytes32[] calldata discrepancies,
        bytes32 noticeHash,
        bool holdDocuments
    ) external whenNotPaused {
        (uint256 lcId, LetterOfCreditRecord storage lc, Presentation storage p) = _presentationOf(presentationId);
        uint32 bank = _requireParty(lcId, Roles.LC_BANK, _honouringBank(lc));
        // one notice (art. 16c): a held or refused presentation, or one waived after the notice, had it
        if (p.refusalNoticeSent) revert RefusalNoticeAlreadySent(presentationId);
        // presented, discrepant, or waived by the applicant without the bank accepting the waiver; not honoured
        PresentationState state = p.state;
        if (state > PresentationState.Waived) {
            revert PresentationWrongState(presentationId, state, PresentationState.Discrepant);
        }
        _requireBeforeDeadline(presentationId, p.examinationDeadline);
        uint256 count = discrepancies.length;
        if (count == 0 || count > MAX_DISCREPANCIES) {
            revert InvalidListLength("discrepancies", count, MAX_DISCREPANCIES);
        }
        if (noticeHash == bytes32(0)) revert InvalidValue("noticeHash");
        p.refusalNoticeSent = true;
        p.state = holdDocuments ? PresentationState.Held : PresentationState.Refused;
        emit RefusalNoticeSent(presentationId, lcId, bank, discrepancies, noticeHash, holdDocuments);
        if (!holdDocuments) _release(presentationId, lcId, lc, p, bank);
        _check(presentationId);
    }

    /// @inheritdoc ILetterOfCredit
    function returnDocuments(uint256 presentationId) external whenNotPaused {
        (uint256 lcId, LetterOfCreditRecord storage lc, Presentation storage p) = _presentationOf(presentationId);
        uint32 bank = _requireParty(lcId, Roles.LC_BANK, _honouringBank(lc));
        PresentationState state = p.state;
        // held after the notice, or waived after it (the bank need not accept a waiver, art. 16c iii b)
        if (!p.refusalNoticeSent || (state != PresentationState.Held && state != PresentationState.Waived)) {
            revert PresentationWrongState(presentationId, state, PresentationState.Held);
        }
        p.state = PresentationState.Refused;
        _release(presentationId, lcId, lc, p, bank);
    }

    /// @inheritdoc ILetterOfCredit
    function recordPreclusion(uint256 presentationId) external whenNotPaused {
        (uint256 lcId, LetterOfCreditRecord storage lc, Presentation storage p) = _presentationOf(presentationId);
        uint32 recordedBy = _authorize(Roles.MEMBER);
        // not honoured (compliant, accepted, paid) and no notice sent (held, refused, or waived after a notice)
        PresentationState state = p.state;
        if (state > PresentationState.Waived || p.refusalNoticeSent) {
            revert PresentationWrongState(presentationId, state, PresentationState.Presented);
        }
        uint40 deadline = p.examinationDeadline;
        if (deadline == 0 || block.timestamp <= deadline) revert ExaminationDeadlineNotPassed(presentationId, deadline);
        p.precluded = true;
        p.state = PresentationState.Compliant;
        emit ExaminationPrecluded(presentationId, lcId, _honouringBank(lc), deadline, recordedBy);
    }

    /// @inheritdoc ILetterOfCredit
    function accept(uint256 presentationId, uint40 maturity) external whenNotPaused {
        (uint256 lcId, LetterOfCreditRecord storage lc, Presentation storage p) = _presentationOf(presentationId);
        uint32 bank = _requireParty(lcId, Roles.LC_BANK, _honouringBank(lc));
        if (lc.flags & _DEFERRED == 0) revert WrongPaymentKind(lcId, false);
        _requireHonourable(presentationId, p.state);
        uint40 latest = p.presentedAt + uint40(lc.tenorDays) * 1 days;
        if (maturity <= block.timestamp || maturity > latest) revert InvalidMaturity(presentationId, maturity, latest);

        uint80 amount = p.amount;
        p.state = PresentationState.Accepted;
        p.maturity = maturity;
        uint80 drawn = _draw(lcId, lc, amount);
        address holder = lc.beneficiaryAccount;
        emit PresentationAccepted(presentationId, lcId, bank, holder, amount, maturity, drawn);
        _recordReimbursement(presentationId, lc, amount, maturity);
    }

    /// @inheritdoc ILetterOfCredit
    function pay(uint256 presentationId, bytes32 offChainReference) external whenNotPaused {
        (uint256 lcId, LetterOfCreditRecord storage lc, Presentation storage p) = _presentationOf(presentationId);
        uint32 bank = _requireParty(lcId, Roles.LC_BANK, _honouringBank(lc));
        if (offChainReference == bytes32(0) && lc.currency != _settlementCurrency) {
            revert CurrencyNotSettleable(lcId, lc.currency);
        }
        (address payee, uint80 drawn, bool sight) = _honourPayment(presentationId, lcId, lc, p);
        uint80 amount = p.amount;
        emit PresentationPaid(presentationId, lcId, bank, payee, amount, offChainReference, drawn);
        if (sight) _recordReimbursement(presentationId, lc, amount, uint40(block.timestamp));
        // the payee's member id is only needed to record an off-chain payment
        uint32 payeeMember = offChainReference == bytes32(0) ? 0 : registry().memberOf(payee);
        _settle(msg.sender, bank, payee, payeeMember, amount, offChainReference);
    }

    // ------------------------------------------------------------------ closing

    /// @inheritdoc ILetterOfCredit
    function requestCancellation(uint256 lcId) external whenNotPaused {
        LetterOfCreditRecord storage lc = _lc(lcId);
        uint32 bank = _requireParty(lcId, Roles.LC_BANK, lc.issuingBank);
        _requireOpen(lcId, lc.state);
        _requireNotExpired(lcId, lc.expiry);
        lc.flags |= _CANCELLATION_REQUESTED;
        emit CancellationRequested(lcId, bank);
    }

    /// @inheritdoc ILetterOfCredit
    function consentToCancellation(uint256 lcId) external whenNotPaused {
        LetterOfCreditRecord storage lc = _lc(lcId);
        _requireParty(lcId, Roles.LC_TRADER, lc.beneficiary);
        _requireOpen(lcId, lc.state);
        _requireNotExpired(lcId, lc.expiry);
        if (lc.flags & _CANCELLATION_REQUESTED == 0) revert CancellationNotRequested(lcId);
        uint80 reserved = lc.reserved;
        if (reserved != 0) revert PresentationsPending(lcId, reserved);
        lc.state = LetterOfCreditState.Cancelled;
        emit LetterOfCreditClosed(lcId, LetterOfCreditState.Cancelled, lc.drawn);
    }

    /// @inheritdoc ILetterOfCredit
    function rejectCancellation(uint256 lcId) external whenNotPaused {
        LetterOfCreditRecord storage lc = _lc(lcId);
        uint32 beneficiary = _requireParty(lcId, Roles.LC_TRADER, lc.beneficiary);
        uint8 flags = lc.flags;
        if (flags & _CANCELLATION_REQUESTED == 0) revert CancellationNotRequested(lcId);
        lc.flags = flags & ~_CANCELLATION_REQUESTED;
        emit CancellationRejected(lcId, beneficiary);
    }

    /// @inheritdoc ILetterOfCredit
    function expire(uint256 lcId) external whenNotPaused {
        LetterOfCreditRecord storage lc = _lc(lcId);
        uint32 caller = _authorize(Roles.MEMBER);
        if (
            caller != lc.applicant &&
            caller != lc.issuingBank &&
            caller != lc.beneficiary &&
            caller != lc.advisingBank &&
            caller != lc.nominatedBank
        ) revert LetterOfCreditWrongParty(lcId, caller, lc.issuingBank);
        LetterOfCreditState state = lc.state;
        if (state < LetterOfCreditState.Applied || state > LetterOfCreditState.Acknowledged) {
            revert LetterOfCreditWrongState(lcId, state, LetterOfCreditState.Acknowledged);
        }
        uint40 expiry = lc.expiry;
        if (block.timestamp <= expiry) revert LetterOfCreditNotExpired(lcId, expiry);
        uint80 reserved = lc.reserved;
        if (reserved != 0) revert PresentationsPending(lcId, reserved);
        lc.state = LetterOfCreditState.Expired;
        emit LetterOfCreditClosed(lcId, LetterOfCreditState.Expired, lc.drawn);
    }

    // ------------------------------------------------------------------ transferable claims

    /// @inheritdoc ITransferableClaim
    function claimInfo(uint256 claimId) external view returns (ClaimInfo memory) {
        LetterOfCreditStorage storage $ = _getLetterOfCreditStorage();
        Presentation memory p = $._presentations[claimId];
        if (p.maturity == 0) revert ClaimUnknown(claimId);
        LetterOfCreditRecord storage lc = $._lcs[claimId >> _INDEX_BITS];
        return
            ClaimInfo({
                holder: _holderOf(claimId, lc),
                obligor: _honouringBank(lc),
                maturity: p.maturity,
                amount: p.amount,
                settled: p.state == PresentationState.Paid
            });
    }

    /// @inheritdoc ITransferableClaim
    function approveClaim(uint256 claimId, address operator) external whenNotPaused {
        LetterOfCreditStorage storage $ = _getLetterOfCreditStorage();
        (, address holder) = _transferableClaim(claimId);
        if (msg.sender != holder) revert ClaimNotHolder(claimId, msg.sender);
        // Clearing an operator needs no standing; naming one needs both the holder's and the operator's.
        if (operator != address(0)) {
            registry().authorizePair(msg.sender, CLAIM_HOLDER_ROLES, operator, CLAIM_OPERATOR_ROLES);
        }
        $._claimOperators[claimId] = operator;
        emit ClaimApproval(claimId, holder, operator);
    }

    /// @inheritdoc ITransferableClaim
    function transferClaim(uint256 claimId, address to) external whenNotPaused {
        LetterOfCreditStorage storage $ = _getLetterOfCreditStorage();
        (, address holder) = _transferableClaim(claimId);
        address operator = $._claimOperators[claimId];
        if (msg.sender != holder) {
            if (operator == address(0) || msg.sender != operator) revert ClaimNotHolder(claimId, msg.sender);
            // An operator approved earlier must still be able to act now.
            _authorize(CLAIM_OPERATOR_ROLES);
        }
        registry().authorizePair(holder, CLAIM_HOLDER_ROLES, to, CLAIM_HOLDER_ROLES);
        $._claimHolders[claimId] = to;
        if (operator != address(0)) delete $._claimOperators[claimId];
        emit ClaimTransferred(claimId, holder, to);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ILetterOfCredit
    function letterOfCredit(uint256 lcId) external view returns (LetterOfCreditRecord memory) {
        return _lc(lcId);
    }

    /// @inheritdoc ILetterOfCredit
    function presentation(uint256 presentationId) external view returns (Presentation memory p) {
        LetterOfCreditStorage storage $ = _getLetterOfCreditStorage();
        p = $._presentations[presentationId];
        if (p.state == PresentationState.None) revert PresentationUnknown(presentationId);
    }

    /// @inheritdoc ILetterOfCredit
    function pendingAmendment(uint256 lcId) external view returns (bytes32) {
        LetterOfCreditStorage storage $ = _getLetterOfCreditStorage();
        return $._pendingAmendments[lcId];
    }

    /// @inheritdoc ILetterOfCredit
    function available(uint256 lcId) external view returns (uint256) {
        LetterOfCreditRecord storage lc = _lc(lcId);
        return _maximum(lc.amount, lc.tolerancePlus) - lc.drawn - lc.reserved;
    }

    /// @inheritdoc ILetterOfCredit
    function letterOfCreditCount() external view returns (uint256) {
        LetterOfCreditStorage storage $ = _getLetterOfCreditStorage();
        return $._lcCount;
    }

    /// @inheritdoc ILetterOfCredit
    function interbankPositions() external view returns (IInterbankPositions) {
        return _positions;
    }

    /// @inheritdoc ILetterOfCredit
    function settlementCurrency() external view returns (bytes3) {
        return _settlementCurrency;
    }

    /// @inheritdoc ILetterOfCredit
    function calendar() external view returns (IConsortiumCalendar) {
        return _getLetterOfCreditStorage()._calendar;
    }

    // ------------------------------------------------------------------ internals

    /// @dev Validates the terms, resolves the named accounts to members (each must hold its role now) and stores a
    /// new LC in `state`.
    function _create(
        uint32 applicant,
        uint32 issuingBank,
        Terms calldata terms,
        LetterOfCreditState state
    ) private returns (uint256 lcId, Parties memory parties) {
        LetterOfCreditStorage storage $ = _getLetterOfCreditStorage();
        _validateTerms(terms);
        (parties.advisingBank, parties.beneficiary) = registry().authorizePair(
            terms.advisingBank,
            Roles.LC_BANK,
            terms.beneficiary,
            Roles.LC_TRADER
        );
        if (terms.nominatedBank != address(0))
            parties.nominatedBank = _authorizeAccount(terms.nominatedBank, Roles.LC_BANK);
        if (parties.beneficiary == applicant) revert InvalidValue("beneficiary");
        if (parties.nominatedBank == issuingBank) revert InvalidValue("nominatedBank");
        unchecked {
            // one id per transaction: 2**64 is out of reach
            lcId = ++$._lcCount;
        }
        // slot 0's first 21 bytes: the five parties and the state
        uint256 head =
            uint256(applicant) |
                (uint256(issuingBank) << 32) |
                (uint256(parties.advisingBank) << 64) |
                (uint256(parties.beneficiary) << 96) |
                (uint256(parties.nominatedBank) << 128) |
                (uint256(state) << 160);
        _store(lcId, head, terms);
    }

    /// @dev Writes a new record as four whole slots: a struct copy reads and rewrites a slot once per field, ~4,000 gas
    /// more for this record. Offsets follow Solidity's packing of `LetterOfCreditRecord` (first field in the lowest
    /// bytes); `letterOfCredit` reads the record back through the compiler's layout and the tests compare every field.
    function _store(uint256 lcId, uint256 head, Terms calldata terms) private {
        LetterOfCreditStorage storage $ = _getLetterOfCreditStorage();
        uint256 flags = (terms.deferred ? _DEFERRED : 0) | (terms.partialDrawings ? _PARTIAL_DRAWINGS : 0);
        head |=
            (flags << 168) |
            (uint256(terms.tolerancePlus) << 176) |
            (uint256(terms.toleranceMinus) << 184) |
            (uint256(terms.expiry) << 192) |
            (uint256(terms.tenorDays) << 232);
        uint256 money = terms.amount; // drawn, reserved and presentationCount start at zero
        bytes32 termsHash = terms.termsHash;
        uint256 tail =
            uint256(uint160(terms.beneficiary)) |
                (uint256(terms.latestShipment) << 160) |
                (uint256(terms.requiredDocuments) << 200) |
                (uint256(uint24(terms.currency)) << 232);
        LetterOfCreditRecord storage lc = $._lcs[lcId];
        assembly ("memory-safe") {
            let slot := lc.slot
            sstore(slot, head)
            sstore(add(slot, 1), money)
            sstore(add(slot, 2), termsHash)
            sstore(add(slot, 3), tail)
        }
    }

    function _validateTerms(Terms calldata terms) private view {
        if (terms.amount == 0) revert InvalidValue("amount");
        if (terms.currency == bytes3(0)) revert InvalidValue("currency");
        if (terms.tolerancePlus > MAX_TOLERANCE_PERCENT) revert InvalidValue("tolerancePlus");
        if (terms.toleranceMinus > MAX_TOLERANCE_PERCENT) revert InvalidValue("toleranceMinus");
        if (_maximum(terms.amount, terms.tolerancePlus) > type(uint80).max) revert InvalidValue("amount");
        if (terms.expiry <= block.timestamp) revert InvalidValue("expiry");
        if (terms.latestShipment > terms.expiry) revert InvalidValue("latestShipment");
        if (terms.deferred != (terms.tenorDays != 0)) revert InvalidValue("tenorDays");
        // bit 0 is no document kind (kinds start at 1)
        if (terms.requiredDocuments == 0 || terms.requiredDocuments & 1 != 0) revert InvalidValue("requiredDocuments");
        if (terms.termsHash == bytes32(0)) revert InvalidValue("termsHash");
    }

    function _validateAmendment(Amendment calldata amendment, uint8 tolerancePlus) private view {
        if (amendment.amount == 0 || _maximum(amendment.amount, tolerancePlus) > type(uint80).max) {
            revert InvalidValue("amount");
        }
        if (amendment.expiry <= block.timestamp) revert InvalidValue("expiry");
        if (amendment.latestShipment > amendment.expiry) revert InvalidValue("latestShipment");
        if (amendment.termsHash == bytes32(0)) revert InvalidValue("termsHash");
    }

    /// @dev Binds the amendment to its LC (an accepted or rejected proposal is deleted, so no replay within one LC).
    function _amendmentHash(uint256 lcId, Amendment calldata amendment) private pure returns (bytes32) {
        return keccak256(abi.encode(lcId, amendment));
    }

    /// @dev Checks that `amount` may be drawn now and reserves it for a new presentation; returns its index.
    function _reserve(
        uint256 lcId,
        LetterOfCreditRecord storage lc,
        uint80 amount
    ) private returns (uint16 index, uint80 reserved) {
        uint80 face = lc.amount;
        uint80 drawn = lc.drawn;
        reserved = lc.reserved;
        if (lc.flags & _PARTIAL_DRAWINGS == 0) {
            if (drawn != 0 || reserved != 0) revert PartialDrawingsNotAllowed(lcId);
            uint256 minimum = face - (uint256(face) * lc.toleranceMinus) / _PERCENT;
            if (amount < minimum) revert DrawingBelowMinimum(lcId, amount, minimum);
        }
        // drawn + reserved <= maximum always holds (checked on every presentation and amendment)
        uint256 availableAmount = _maximum(face, lc.tolerancePlus) - drawn - reserved;
        if (amount > availableAmount) revert LetterOfCreditOverdrawn(lcId, amount, availableAmount);
        index = lc.presentationCount;
        if (index == type(uint16).max) revert TooManyPresentations(lcId);
        unchecked {
            // index below type(uint16).max (checked above); reserved + amount <= maximum, which fits uint80
            ++index;
            reserved += amount;
        }
        lc.presentationCount = index;
        lc.reserved = reserved;
    }

    /// @dev Moves an honoured presentation's amount from reserved to drawn; closes the LC as fully drawn when nothing
    /// more can be drawn (the maximum is reached, or the one drawing of an LC without partial drawings is honoured).
    function _draw(uint256 lcId, LetterOfCreditRecord storage lc, uint80 amount) private returns (uint80 drawn) {
        unchecked {
            // the amount is part of reserved (added at presentation); drawn + reserved <= maximum fits uint80
            lc.reserved -= amount;
            drawn = lc.drawn + amount;
        }
        lc.drawn = drawn;
        if (lc.flags & _PARTIAL_DRAWINGS == 0 || drawn == _maximum(lc.amount, lc.tolerancePlus)) {
            lc.state = LetterOfCreditState.FullyDrawn;
            emit LetterOfCreditClosed(lcId, LetterOfCreditState.FullyDrawn, drawn);
        }
    }

    /// @dev Marks a presentation paid: a compliant (or waived) one of a sight LC draws now and pays the beneficiary;
    /// an accepted one pays its claim's holder once matured.
    function _honourPayment(
        uint256 presentationId,
        uint256 lcId,
        LetterOfCreditRecord storage lc,
        Presentation storage p
    ) private returns (address payee, uint80 drawn, bool sight) {
        PresentationState state = p.state;
        sight = state != PresentationState.Accepted;
        if (sight) {
            _requireHonourable(presentationId, state);
            if (lc.flags & _DEFERRED != 0) revert WrongPaymentKind(lcId, true);
            drawn = _draw(lcId, lc, p.amount);
            payee = lc.beneficiaryAccount;
        } else {
            uint40 maturity = p.maturity;
            if (block.timestamp < maturity) revert NotMatured(presentationId, maturity);
            drawn = lc.drawn;
            payee = _holderOf(presentationId, lc);
        }
        p.state = PresentationState.Paid;
    }

    /// @dev When a nominated bank honoured, records that the issuing bank owes it the amount, due at `dueAt`, against
    /// the line the nominated bank granted the issuing bank (refused above it).
    function _recordReimbursement(
        uint256 presentationId,
        LetterOfCreditRecord storage lc,
        uint80 amount,
        uint40 dueAt
    ) private {
        uint32 nominated = lc.nominatedBank;
        if (nominated == 0) return;
        uint32 issuing = lc.issuingBank;
        uint256 obligationId = _positions.recordObligationFor(
            issuing,
            nominated,
            amount,
            dueAt,
            bytes32(presentationId)
        );
        emit ReimbursementRecorded(presentationId, obligationId, issuing, nominated);
    }

    /// @dev Finally refuses: releases the presentation's reserved amount and records the documents' return.
    function _release(
        uint256 presentationId,
        uint256 lcId,
        LetterOfCreditRecord storage lc,
        Presentation storage p,
        uint32 bank
    ) private {
        uint80 reserved = lc.reserved - p.amount;
        lc.reserved = reserved;
        emit DocumentsReturned(presentationId, lcId, bank, reserved);
    }

    function _setCalendar(IConsortiumCalendar calendar_) private {
        if (address(calendar_) == address(0)) revert InvalidValue("calendar");
        LetterOfCreditStorage storage $ = _getLetterOfCreditStorage();
        $._calendar = calendar_;
        $._utcOffset = calendar_.utcOffset();
        emit CalendarSet(calendar_);
    }

    /// @dev The last second of the fifth banking day following today (art. 14b), in the calendar's time zone.
    function _examinationDeadline(LetterOfCreditStorage storage $) private view returns (uint40) {
        IConsortiumCalendar calendar_ = $._calendar;
        if (address(calendar_) == address(0)) revert CalendarNotSet();
        int256 offset = $._utcOffset;
        // local day numbers count days from 1970-01-01 (the calendar's `dayOf`, without the call)
        uint256 today = uint256(int256(block.timestamp) + offset) / 1 days;
        uint32 lastDay = calendar_.addWorkingDays(uint32(today), EXAMINATION_DAYS);
        // local midnight after `lastDay`, back in UTC, less a second
        return uint40(uint256((int256(uint256(lastDay)) + 1) * 1 days - offset) - 1);
    }

    /// @dev Calls the presentation checks' `IPresentationHook.check(presentationId, msg.sender)` with this step's own
    /// calldata appended (see `IPresentationHook`) and bubbles their revert: they record what they find at `present`
    /// and refuse an `examine` or `refuse` that contradicts it. Encoded by hand, which keeps the hook within the size
    /// limit (~140 bytes for the three calls).
    function _check(uint256 presentationId) private {
        address checks = address(_checks);
        assembly ("memory-safe") {
            // the selector in the last 4 bytes of the first word: the call starts at ptr + 28
            let ptr := mload(0x40)
            let size := calldatasize()
            mstore(ptr, 0x007f1f88) // IPresentationHook.check.selector
            mstore(add(ptr, 32), presentationId)
            mstore(add(ptr, 64), caller())
            calldatacopy(add(ptr, 96), 0, size)
            if iszero(call(gas(), checks, 0, add(ptr, 28), add(68, size), 0, 0)) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
        }
    }

    function _presentedKinds(DocumentRef[] calldata documents) private pure returns (uint32 kinds) {
        uint256 count = documents.length;
        if (count == 0 || count > MAX_DOCUMENTS) revert InvalidListLength("documents", count, MAX_DOCUMENTS);
        for (uint256 i; i < count; ++i) {
            if (documents[i].contentHash == bytes32(0)) revert InvalidValue("contentHash");
            uint16 kind = documents[i].kind;
            if (kind < 32) kinds |= uint32(1) << kind;
        }
    }

    /// @dev Amount plus the plus tolerance.
    function _maximum(uint256 amount, uint8 tolerancePlus) private pure returns (uint256) {
        return amount + (amount * tolerancePlus) / _PERCENT;
    }

    function _honouringBank(LetterOfCreditRecord storage lc) private view returns (uint32) {
        uint32 nominated = lc.nominatedBank;
        return nominated != 0 ? nominated : lc.issuingBank;
    }

    function _holderOf(uint256 claimId, LetterOfCreditRecord storage lc) private view returns (address holder) {
        LetterOfCreditStorage storage $ = _getLetterOfCreditStorage();
        holder = $._claimHolders[claimId];
        if (holder == address(0)) holder = lc.beneficiaryAccount;
    }

    /// @dev An accepted, unpaid claim before maturity, with its current holder.
    function _transferableClaim(uint256 claimId) private view returns (Presentation memory p, address holder) {
        LetterOfCreditStorage storage $ = _getLetterOfCreditStorage();
        p = $._presentations[claimId];
        if (p.maturity == 0) revert ClaimUnknown(claimId);
        if (p.state != PresentationState.Accepted || block.timestamp >= p.maturity)
            revert ClaimNotTransferable(claimId);
        holder = _holderOf(claimId, $._lcs[claimId >> _INDEX_BITS]);
    }

    function _lc(uint256 lcId) private view returns (LetterOfCreditRecord storage lc) {
        LetterOfCreditStorage storage $ = _getLetterOfCreditStorage();
        lc = $._lcs[lcId];
        if (lc.state == LetterOfCreditState.None) revert LetterOfCreditUnknown(lcId);
    }

    function _presentationOf(
        uint256 presentationId
    ) private view returns (uint256 lcId, LetterOfCreditRecord storage lc, Presentation storage p) {
        LetterOfCreditStorage storage $ = _getLetterOfCreditStorage();
        p = $._presentations[presentationId];
        if (p.state == PresentationState.None) revert PresentationUnknown(presentationId);
        lcId = presentationId >> _INDEX_BITS;
        lc = $._lcs[lcId];
    }

    /// @dev The caller's member if it holds `role` now and is `expected`; reverts otherwise.
    function _requireParty(uint256 lcId, uint64 role, uint32 expected) private view returns (uint32 caller) {
        caller = _authorize(role);
        if (caller != expected) revert LetterOfCreditWrongParty(lcId, caller, expected);
    }

    function _requireState(uint256 lcId, LetterOfCreditState current, LetterOfCreditState expected) private pure {
        if (current != expected) revert LetterOfCreditWrongState(lcId, current, expected);
    }

    /// @dev Issued, advised or acknowledged: in force and not closed.
    function _requireOpen(uint256 lcId, LetterOfCreditState current) private pure {
        if (current < LetterOfCreditState.Issued || current > LetterOfCreditState.Acknowledged) {
            revert LetterOfCreditWrongState(lcId, current, LetterOfCreditState.Issued);
        }
    }

    function _requireNotExpired(uint256 lcId, uint40 expiry) private view {
        if (block.timestamp > expiry) revert LetterOfCreditExpired(lcId, expiry);
    }

    /// @dev At or before the examination deadline (presentations without a clock have none).
    function _requireBeforeDeadline(uint256 presentationId, uint40 deadline) private view {
        if (deadline != 0 && block.timestamp > deadline) revert ExaminationDeadlinePassed(presentationId, deadline);
    }

    function _requirePresentationState(
        uint256 presentationId,
        PresentationState current,
        PresentationState expected
    ) private pure {
        if (current != expected) revert PresentationWrongState(presentationId, current, expected);
    }

    /// @dev Compliant, or discrepant with the discrepancies waived.
    function _requireHonourable(uint256 presentationId, PresentationState current) private pure {
        if (current != PresentationState.Compliant && current != PresentationState.Waived) {
            revert PresentationWrongState(presentationId, current, PresentationState.Compliant);
        }
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getLetterOfCreditStorage() private pure returns (LetterOfCreditStorage storage $) {
        assembly ("memory-safe") {
            $.slot := LETTER_OF_CREDIT_STORAGE_LOCATION
        }
    }
}
