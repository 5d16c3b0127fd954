// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IAuthorityAttestations} from "../attestations/interfaces/IAuthorityAttestations.sol";
import {Settlement} from "../platform/Settlement.sol";
import {IConsortiumCalendar} from "../platform/interfaces/IConsortiumCalendar.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {IDepositToken} from "../platform/interfaces/IDepositToken.sol";
import {IPaymentLedger} from "../platform/interfaces/IPaymentLedger.sol";
import {Roles} from "../platform/libraries/Roles.sol";
import {IBankGuarantees} from "./interfaces/IBankGuarantees.sol";

/// @title BankGuarantees
/// @notice Bank guarantees from application to issue, amendment, demand, payment and release. See `IBankGuarantees`.
/// @dev Money moves only in `payClaim`, from the guarantor's own account (or on existing rails, recorded in the shared
/// ledger); the token and ledger are the suite's own contracts (changed only by a consortium vote), without hooks, so
/// the one external call made there cannot re-enter, and it is made last (checks, effects, interactions).
contract BankGuarantees is IBankGuarantees, Settlement {
    /// @notice Most reduction steps a guarantee may carry (bounds every loop over a schedule).
    uint256 public constant MAX_REDUCTION_STEPS = 8;
    /// @notice Bound on the legacy `examinationPeriod` an application records (it no longer sets any deadline).
    uint32 public constant MAX_EXAMINATION_PERIOD = 30 days;
    /// @notice Business days a guarantor has to examine a demand, following the day of presentation (URDG 758
    /// art. 20a).
    uint256 public constant EXAMINATION_DAYS = 5;
    /// @notice Business days for a demand under a `Standby` (ISP98 rule 5.01a: three business days are not
    /// unreasonable).
    uint256 public constant STANDBY_EXAMINATION_DAYS = 3;
    /// @notice Most supporting documents one demand may list.
    uint256 public constant MAX_DOCUMENTS = 16;
    /// @notice Longest suspension of an "extend or pay" demand, counted from the demand (URDG 758 art. 23a).
    uint64 public constant MAX_SUSPENSION = 30 days;

    /// @dev The party a step is taken for (`_loadAs`): the member field of the guarantee the caller must be.
    enum Party {
        Applicant,
        Guarantor,
        Beneficiary
    }

    /// @custom:storage-location erc7201:consortia.storage.BankGuarantees
    struct BankGuaranteesStorage {
        uint256 _count;
        mapping(uint256 guaranteeId => Guarantee) _guarantees;
        mapping(uint256 guaranteeId => mapping(uint256 index => ReductionStep)) _schedules;
        mapping(uint256 guaranteeId => mapping(uint256 claimIndex => Claim)) _claims;
        mapping(uint256 guaranteeId => Amendment) _amendments;
        mapping(bytes32 referenceId => uint256 guaranteeId) _byReference;
        /// @dev Counter-guarantees, keyed by the guarantee they back (issue 19; appended).
        mapping(uint256 guaranteeId => CounterGuarantee) _counters;
        /// @dev Paid demands under the guarantee that a demand under the counter-guarantee rests on (once each).
        mapping(uint256 guaranteeId => mapping(uint256 claimIndex => bool)) _counterDemanded;
        /// @dev Suspensions of "extend or pay" demands (art. 23): until when.
        mapping(uint256 guaranteeId => mapping(uint256 claimIndex => uint64)) _suspendedUntil;
        /// @dev Certificates whose presentation ends a guarantee (documentary expiry event).
        mapping(uint256 guaranteeId => bytes32) _expiryDocuments;
        /// @dev The application's tender reference: the subject the guarantor's attestation policy is checked on at
        /// issue (issue 22; appended).
        mapping(uint256 guaranteeId => bytes32) _tenderReferences;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.BankGuarantees")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant BANK_GUARANTEES_STORAGE_LOCATION =
        0xea5db4954df97938a20018aacbb8a50c863f8f44c9c76e49ca96df175ffc9f00;

    /// @notice The consortium calendar whose business days count the examination of demands (issue 19).
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IConsortiumCalendar public immutable calendar;
    /// @dev The calendar's time zone, fixed for its life: read once here.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    int32 private immutable _utcOffset;
    /// @notice The authority attestations whose guarantee-issue policy a guarantor must meet when it issues (zero: none
    /// on this network).
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IAuthorityAttestations public immutable attestations;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IDepositToken token_,
        IPaymentLedger ledger_,
        IConsortiumCalendar calendar_,
        IAuthorityAttestations attestations_
    ) Settlement(registry_, token_, ledger_) {
        if (address(calendar_) == address(0)) revert InvalidValue("calendar");
        calendar = calendar_;
        attestations = attestations_;
        _utcOffset = calendar_.utcOffset();
    }

    /// @notice Initializes the proxy (run once, by the proxy's constructor).
    function initialize() external initializer {
        __ConsortiumApp_init();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Application and issue
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IBankGuarantees
    function applyFor(Application calldata application) external whenNotPaused returns (uint256 guaranteeId) {
        BankGuaranteesStorage storage $ = _getBankGuaranteesStorage();
        uint32 applicant = _authorize(Roles.GUARANTEE_PARTY);
        (uint32 guarantor, uint32 beneficiary) = registry().authorizePair(
            application.guarantor,
            Roles.GUARANTOR,
            application.beneficiary,
            Roles.GUARANTEE_PARTY
        );
        if (guarantor == applicant) revert GuaranteeSameParty(guarantor);
        if (beneficiary == applicant || beneficiary == guarantor) revert GuaranteeSameParty(beneficiary);
        if (application.amount == 0) revert InvalidValue("amount");
        if (application.expiry <= block.timestamp) revert InvalidValue("expiry");
        if (application.examinationPeriod == 0 || application.examinationPeriod > MAX_EXAMINATION_PERIOD) {
            revert InvalidValue("examinationPeriod");
        }
        if (application.termsHash == bytes32(0)) revert InvalidValue("termsHash");
        if (application.schedule.length > MAX_REDUCTION_STEPS) revert InvalidValue("schedule");

        guaranteeId = ++$._count;
        _storeSchedule(guaranteeId, application);
        $._tenderReferences[guaranteeId] = application.tenderReference;
        $._guarantees[guaranteeId] = Guarantee({
            applicant: applicant,
            guarantor: guarantor,
            beneficiary: beneficiary,
            kind: application.kind,
            state: GuaranteeState.Applied,
            expiry: application.expiry,
            examinationPeriod: application.examinationPeriod,
            // Safe: at most MAX_REDUCTION_STEPS (checked above).
            stepCount: uint8(application.schedule.length),
            claimCount: 0,
            currency: application.currency,
            amount: application.amount,
            paid: 0,
            termsHash: application.termsHash
        });
        emit GuaranteeApplied(guaranteeId, applicant, guarantor, beneficiary, msg.sender, application);
    }

    /// @inheritdoc IBankGuarantees
    function cancel(uint256 guaranteeId) external whenNotPaused {
        (Guarantee storage g, uint32 applicant) = _loadAs(guaranteeId, Party.Applicant, GuaranteeState.Applied);
        g.state = GuaranteeState.Cancelled;
        emit GuaranteeCancelled(guaranteeId, applicant, msg.sender);
    }

    /// @inheritdoc IBankGuarantees
    function issue(uint256 guaranteeId, bytes32 referenceId) external whenNotPaused {
        BankGuaranteesStorage storage $ = _getBankGuaranteesStorage();
        (Guarantee storage g, uint32 guarantor) = _loadAs(guaranteeId, Party.Guarantor, GuaranteeState.Applied);
        if (block.timestamp > g.expiry) revert GuaranteeExpiredAt(guaranteeId, g.expiry);
        if (referenceId == bytes32(0) || $._byReference[referenceId] != 0) revert GuaranteeReferenceTaken(referenceId);
        // The guarantor's policy in force now, on the tender reference the applicant gave (no policy: passes).
        if (address(attestations) != address(0)) {
            attestations.requireBacked(
                guarantor,
                IAuthorityAttestations.Application.GuaranteeIssue,
                $._tenderReferences[guaranteeId]
            );
        }
        g.state = GuaranteeState.Issued;
        $._byReference[referenceId] = guaranteeId;
        emit GuaranteeIssued(guaranteeId, guarantor, referenceId, msg.sender);
    }

    /// @inheritdoc IBankGuarantees
    function decline(uint256 guaranteeId, bytes32 reasonHash) external whenNotPaused {
        (Guarantee storage g, uint32 guarantor) = _loadAs(guaranteeId, Party.Guarantor, GuaranteeState.Applied);
        if (reasonHash == bytes32(0)) revert InvalidValue("reasonHash");
        g.state = GuaranteeState.Declined;
        emit GuaranteeDeclined(guaranteeId, guarantor, msg.sender, reasonHash);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Amendments
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IBankGuarantees
    function proposeAmendment(
        uint256 guaranteeId,
        uint128 amount,
        uint64 expiry,
        bytes32 amendmentHash
    ) external whenNotPaused {
        BankGuaranteesStorage storage $ = _getBankGuaranteesStorage();
        (Guarantee storage g, uint32 guarantor) = _loadAs(guaranteeId, Party.Guarantor, GuaranteeState.Issued);
        Amendment storage a = $._amendments[guaranteeId];
        if (a.pending) revert AmendmentAlreadyPending(guaranteeId, a.number);
        if (amendmentHash == bytes32(0)) revert InvalidValue("amendmentHash");
        if (amount <= g.paid || expiry <= block.timestamp || (amount == g.amount && expiry == g.expiry))
            revert AmendmentInvalid(guaranteeId, amount, expiry);
        uint16 number = a.number + 1;
        $._amendments[guaranteeId] = Amendment({amount: amount, expiry: expiry, number: number, pending: true});
        emit AmendmentProposed(guaranteeId, number, guarantor, msg.sender, amount, expiry, amendmentHash);
    }

    /// @inheritdoc IBankGuarantees
    function withdrawAmendment(uint256 guaranteeId) external whenNotPaused {
        BankGuaranteesStorage storage $ = _getBankGuaranteesStorage();
        _loadAs(guaranteeId, Party.Guarantor, GuaranteeState.None);
        Amendment storage a = $._amendments[guaranteeId];
        if (!a.pending) revert AmendmentNotPending(guaranteeId);
        a.pending = false;
        emit AmendmentWithdrawn(guaranteeId, a.number, msg.sender);
    }

    /// @inheritdoc IBankGuarantees
    function answerAmendment(uint256 guaranteeId, bool accept) external whenNotPaused {
        BankGuaranteesStorage storage $ = _getBankGuaranteesStorage();
        (Guarantee storage g, ) = _loadAs(guaranteeId, Party.Beneficiary, GuaranteeState.Issued);
        if (block.timestamp > g.expiry) revert GuaranteeExpiredAt(guaranteeId, g.expiry);
        Amendment storage a = $._amendments[guaranteeId];
        if (!a.pending) revert AmendmentNotPending(guaranteeId);
        (uint128 amount, uint64 expiry) = (a.amount, a.expiry);
        a.pending = false;
        if (accept) {
            // A demand paid since the proposal may have raised `paid`; the expiry may have passed meanwhile.
            if (amount <= g.paid || expiry <= block.timestamp) revert AmendmentInvalid(guaranteeId, amount, expiry);
            g.amount = amount;
            g.expiry = expiry;
        }
        emit AmendmentAnswered(guaranteeId, a.number, accept, msg.sender, amount, expiry);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Demands
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IBankGuarantees
    function presentClaim(
        uint256 guaranteeId,
        Demand calldata demand
    ) external whenNotPaused returns (uint256 claimIndex) {
        BankGuaranteesStorage storage $ = _getBankGuaranteesStorage();
        (Guarantee storage g, ) = _loadAs(guaranteeId, Party.Beneficiary, GuaranteeState.Issued);
        uint64 expiry = g.expiry;
        if (block.timestamp > expiry) revert GuaranteeExpiredAt(guaranteeId, expiry);
        uint128 amount = demand.amount;
        uint64 extendTo = demand.extendTo;
        if (amount == 0) revert InvalidValue("amount");
        if (demand.demandHash == bytes32(0)) revert InvalidValue("demandHash");
        if (demand.documents.length > MAX_DOCUMENTS) revert InvalidValue("documents");
        if (extendTo != 0 && extendTo <= expiry) revert InvalidValue("extendTo");
        uint128 availableNow = _available(guaranteeId, g);
        if (amount > availableNow) revert GuaranteeAmountUnavailable(guaranteeId, amount, availableNow);

        claimIndex = g.claimCount;
        // A beneficiary presenting and withdrawing demands in a loop must not wrap the counter back to 0 and overwrite
        // its first demand: the 65,536th demand of one guarantee is refused.
        g.claimCount = SafeCast.toUint16(claimIndex + 1);
        g.state = GuaranteeState.Claimed;
        uint64 deadline = _examinationDeadline(
            g.kind == GuaranteeKind.Standby ? STANDBY_EXAMINATION_DAYS : EXAMINATION_DAYS
        );
        $._claims[guaranteeId][claimIndex] = Claim({
            amount: amount,
            examinationDeadline: deadline,
            extendTo: extendTo,
            payee: msg.sender,
            state: ClaimState.Presented,
            presentedAt: uint64(block.timestamp)
        });
        emit ClaimPresented(guaranteeId, claimIndex, g.beneficiary, msg.sender, deadline, demand);
    }

    /// @inheritdoc IBankGuarantees
    function payClaim(uint256 guaranteeId, uint256 claimIndex, bytes32 offChainReference) external whenNotPaused {
        (Guarantee storage g, uint32 guarantor) = _loadAs(guaranteeId, Party.Guarantor, GuaranteeState.None);
        Claim storage c = _presented(guaranteeId, claimIndex);
        uint64 until = _getBankGuaranteesStorage()._suspendedUntil[guaranteeId][claimIndex];
        if (block.timestamp <= until) revert ClaimSuspendedUntil(guaranteeId, claimIndex, until);
        (uint128 amount, address payee) = _recordPayment(guaranteeId, claimIndex, g, c, offChainReference);
        // The payee's standing now, not when it presented: held (reverts, the demand stays Presented) while its
        // member is suspended or its account blacklisted, on either rail (the ledger path checks no account).
        _authorizeAccount(payee, Roles.GUARANTEE_PARTY);
        _settle(msg.sender, guarantor, payee, g.beneficiary, amount, offChainReference);
    }

    /// @inheritdoc IBankGuarantees
    function rejectClaim(uint256 guaranteeId, uint256 claimIndex, bytes32 reasonHash) external whenNotPaused {
        (Guarantee storage g, ) = _loadAs(guaranteeId, Party.Guarantor, GuaranteeState.None);
        Claim storage c = _presented(guaranteeId, claimIndex);
        _requireExamining(guaranteeId, claimIndex, c);
        // a suspended demand was found complying (art. 23a): it is extended or paid, not rejected
        uint64 until = _getBankGuaranteesStorage()._suspendedUntil[guaranteeId][claimIndex];
        if (until != 0) revert ClaimSuspendedUntil(guaranteeId, claimIndex, until);
        if (reasonHash == bytes32(0)) revert InvalidValue("reasonHash");
        c.state = ClaimState.Rejected;
        g.state = GuaranteeState.Issued;
        emit ClaimRejected(guaranteeId, claimIndex, msg.sender, reasonHash);
    }

    /// @inheritdoc IBankGuarantees
    function extendInsteadOfPaying(uint256 guaranteeId, uint256 claimIndex) external whenNotPaused {
        (Guarantee storage g, ) = _loadAs(guaranteeId, Party.Guarantor, GuaranteeState.None);
        Claim storage c = _presented(guaranteeId, claimIndex);
        // within the examination period, or within the suspension the guarantor set (art. 23a, c)
        uint64 until = _getBankGuaranteesStorage()._suspendedUntil[guaranteeId][claimIndex];
        if (until == 0) _requireExamining(guaranteeId, claimIndex, c);
        else if (block.timestamp > until) revert ClaimExaminationOver(guaranteeId, claimIndex, until);
        uint64 newExpiry = c.extendTo;
        if (newExpiry == 0) revert ClaimNotExtendOrPay(guaranteeId, claimIndex);
        c.state = ClaimState.Extended;
        g.expiry = newExpiry;
        g.state = GuaranteeState.Issued;
        emit ClaimExtended(guaranteeId, claimIndex, msg.sender, newExpiry);
    }

    /// @inheritdoc IBankGuarantees
    function withdrawClaim(uint256 guaranteeId, uint256 claimIndex) external whenNotPaused {
        (Guarantee storage g, ) = _loadAs(guaranteeId, Party.Beneficiary, GuaranteeState.None);
        Claim storage c = _presented(guaranteeId, claimIndex);
        c.state = ClaimState.Withdrawn;
        g.state = GuaranteeState.Issued;
        emit ClaimWithdrawn(guaranteeId, claimIndex, msg.sender);
    }

    /// @inheritdoc IBankGuarantees
    function suspendForExtension(uint256 guaranteeId, uint256 claimIndex, uint64 until) external whenNotPaused {
        BankGuaranteesStorage storage $ = _getBankGuaranteesStorage();
        (Guarantee storage g, ) = _loadAs(guaranteeId, Party.Guarantor, GuaranteeState.None);
        Claim storage c = _presented(guaranteeId, claimIndex);
        _requireExamining(guaranteeId, claimIndex, c);
        if (c.extendTo == 0) revert ClaimNotExtendOrPay(guaranteeId, claimIndex);
        // thirty calendar days following the demand (art. 23a)
        uint64 latest = c.presentedAt + MAX_SUSPENSION;
        if ($._suspendedUntil[guaranteeId][claimIndex] != 0 || until <= block.timestamp || until > latest) {
            revert ClaimSuspensionInvalid(guaranteeId, claimIndex, until, latest);
        }
        $._suspendedUntil[guaranteeId][claimIndex] = until;
        emit ClaimSuspended(guaranteeId, claimIndex, g.applicant, msg.sender, until);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Counter-guarantees (URDG 758 art. 2, 15b)
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IBankGuarantees
    function issueCounterGuarantee(uint256 guaranteeId, CounterTerms calldata terms) external whenNotPaused {
        BankGuaranteesStorage storage $ = _getBankGuaranteesStorage();
        Guarantee storage g = _load(guaranteeId);
        uint32 instructing = _authorize(Roles.GUARANTOR);
        uint32 guarantor = g.guarantor;
        if (instructing == guarantor) revert GuaranteeSameParty(instructing);
        GuaranteeState state = g.state;
        if (state != GuaranteeState.Applied) _requireState(guaranteeId, state, GuaranteeState.Issued);
        CounterGuarantee storage cg = $._counters[guaranteeId];
        _requireCounterState(guaranteeId, cg.state, CounterState.None);
        if (terms.amount == 0) revert InvalidValue("amount");
        if (terms.expiry <= block.timestamp) revert InvalidValue("expiry");
        if (terms.examinationPeriod == 0 || terms.examinationPeriod > MAX_EXAMINATION_PERIOD) {
            revert InvalidValue("examinationPeriod");
        }
        if (terms.termsHash == bytes32(0)) revert InvalidValue("termsHash");
        cg.instructingBank = instructing;
        cg.state = CounterState.Issued;
        cg.expiry = terms.expiry;
        cg.examinationPeriod = terms.examinationPeriod;
        cg.amount = terms.amount;
        cg.termsHash = terms.termsHash;
        emit CounterGuaranteeIssued(guaranteeId, instructing, guarantor, msg.sender, terms);
    }

    /// @inheritdoc IBankGuarantees
    function demandUnderCounterGuarantee(
        uint256 guaranteeId,
        uint256 claimIndex,
        uint128 amount,
        bytes32 statementHash
    ) external whenNotPaused {
        BankGuaranteesStorage storage $ = _getBankGuaranteesStorage();
        (, uint32 guarantor) = _loadAs(guaranteeId, Party.Guarantor, GuaranteeState.None);
        CounterGuarantee storage cg = $._counters[guaranteeId];
        _requireCounterState(guaranteeId, cg.state, CounterState.Issued);
        if (block.timestamp > cg.expiry) revert CounterGuaranteeExpiredAt(guaranteeId, cg.expiry);
        // the complying demand under the guarantee, honoured on chain, each backing one demand (invariant)
        ClaimState claimState = $._claims[guaranteeId][claimIndex].state;
        if (claimState != ClaimState.Paid || $._counterDemanded[guaranteeId][claimIndex]) {
            revert CounterDemandNotBacked(guaranteeId, claimIndex, claimState);
        }
        if (statementHash == bytes32(0)) revert InvalidValue("statementHash");
        uint128 availableNow = cg.amount - cg.paid;
        uint128 claimAmount = $._claims[guaranteeId][claimIndex].amount;
        if (amount == 0 || amount > claimAmount) revert InvalidValue("amount");
        if (amount > availableNow) revert GuaranteeAmountUnavailable(guaranteeId, amount, availableNow);
        $._counterDemanded[guaranteeId][claimIndex] = true;
        uint64 deadline = uint64(block.timestamp) + cg.examinationPeriod;
        cg.state = CounterState.Demanded;
        cg.examinationDeadline = deadline;
        // Safe: claim indices are below 2^16 (the claim counter is a uint16).
        cg.claimIndex = uint16(claimIndex);
        cg.demanded = amount;
        cg.payee = msg.sender;
        emit CounterDemandPresented(guaranteeId, claimIndex, guarantor, msg.sender, amount, statementHash, deadline);
    }

    /// @inheritdoc IBankGuarantees
    function payCounterDemand(uint256 guaranteeId, bytes32 offChainReference) external whenNotPaused {
        CounterGuarantee storage cg = _counterDemand(guaranteeId);
        uint32 instructing = cg.instructingBank;
        _requireParty(guaranteeId, _authorize(Roles.GUARANTOR), instructing);
        address payee = cg.payee;
        uint32 guarantor = _authorizeAccount(payee, Roles.GUARANTOR);
        uint128 amount = cg.demanded;
        // Cannot exceed `cg.amount`: the demand was at most what was available, and nothing else moves `paid`.
        uint128 paidTotal = cg.paid + amount;
        uint128 left = cg.amount - paidTotal;
        cg.paid = paidTotal;
        cg.demanded = 0;
        cg.state = left == 0 ? CounterState.Exhausted : CounterState.Issued;
        emit CounterDemandPaid(
            guaranteeId,
            cg.claimIndex,
            payee,
            msg.sender,
            amount,
            paidTotal,
            left,
            offChainReference
        );
        _settle(msg.sender, instructing, payee, guarantor, amount, offChainReference);
    }

    /// @inheritdoc IBankGuarantees
    function rejectCounterDemand(uint256 guaranteeId, bytes32 reasonHash) external whenNotPaused {
        BankGuaranteesStorage storage $ = _getBankGuaranteesStorage();
        CounterGuarantee storage cg = _counterDemand(guaranteeId);
        _requireParty(guaranteeId, _authorize(Roles.GUARANTOR), cg.instructingBank);
        if (block.timestamp > cg.examinationDeadline) {
            revert ClaimExaminationOver(guaranteeId, cg.claimIndex, cg.examinationDeadline);
        }
        if (reasonHash == bytes32(0)) revert InvalidValue("reasonHash");
        uint256 claimIndex = cg.claimIndex;
        // the guarantor may demand again on the same paid demand, with a corrected statement
        $._counterDemanded[guaranteeId][claimIndex] = false;
        cg.demanded = 0;
        cg.state = CounterState.Issued;
        emit CounterDemandRejected(guaranteeId, claimIndex, msg.sender, reasonHash);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Types and expiry
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IBankGuarantees
    function recordReduction(uint256 guaranteeId, uint128 repaid, bytes32 evidenceHash) external whenNotPaused {
        (Guarantee storage g, ) = _loadAs(guaranteeId, Party.Guarantor, GuaranteeState.Issued);
        if (g.kind != GuaranteeKind.AdvancePayment) revert GuaranteeWrongKind(guaranteeId, g.kind);
        if (evidenceHash == bytes32(0)) revert InvalidValue("evidenceHash");
        uint128 availableNow = _available(guaranteeId, g);
        // the reduced amount stays above what was paid: the guarantee is closed by release or expiry, not reduction
        if (repaid == 0 || repaid >= availableNow) revert GuaranteeAmountUnavailable(guaranteeId, repaid, availableNow);
        uint128 amount = g.amount - repaid;
        g.amount = amount;
        emit GuaranteeReduced(guaranteeId, msg.sender, repaid, amount, evidenceHash);
    }

    /// @inheritdoc IBankGuarantees
    function nameExpiryDocument(uint256 guaranteeId, bytes32 documentHash) external whenNotPaused {
        _loadAs(guaranteeId, Party.Applicant, GuaranteeState.Applied);
        if (documentHash == bytes32(0)) revert InvalidValue("documentHash");
        _getBankGuaranteesStorage()._expiryDocuments[guaranteeId] = documentHash;
        emit ExpiryDocumentNamed(guaranteeId, msg.sender, documentHash);
    }

    /// @inheritdoc IBankGuarantees
    function presentExpiryDocument(uint256 guaranteeId, bytes32 documentHash) external whenNotPaused {
        Guarantee storage g = _load(guaranteeId);
        uint32 caller = registry().memberOf(msg.sender);
        uint32 applicant = g.applicant;
        if (caller == applicant) _authorize(Roles.GUARANTEE_PARTY);
        else _requireParty(guaranteeId, _authorize(Roles.GUARANTOR), g.guarantor);
        _requireState(guaranteeId, g.state, GuaranteeState.Issued);
        bytes32 named = _getBankGuaranteesStorage()._expiryDocuments[guaranteeId];
        if (named == bytes32(0) || documentHash != named) revert ExpiryDocumentMismatch(guaranteeId, documentHash);
        g.state = GuaranteeState.Expired;
        emit GuaranteeExpiredByDocument(guaranteeId, msg.sender, documentHash);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // End of life
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IBankGuarantees
    function release(uint256 guaranteeId) external whenNotPaused {
        (Guarantee storage g, uint32 beneficiary) = _loadAs(guaranteeId, Party.Beneficiary, GuaranteeState.Issued);
        g.state = GuaranteeState.Released;
        emit GuaranteeReleased(guaranteeId, beneficiary, msg.sender);
    }

    /// @inheritdoc IBankGuarantees
    function expire(uint256 guaranteeId) external whenNotPaused {
        Guarantee storage g = _load(guaranteeId);
        _authorize(Roles.MEMBER);
        _requireState(guaranteeId, g.state, GuaranteeState.Issued);
        if (block.timestamp <= g.expiry) revert GuaranteeNotExpired(guaranteeId, g.expiry);
        g.state = GuaranteeState.Expired;
        emit GuaranteeExpired(guaranteeId, msg.sender);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IBankGuarantees
    function guarantee(uint256 guaranteeId) external view returns (Guarantee memory) {
        return _load(guaranteeId);
    }

    /// @inheritdoc IBankGuarantees
    function claim(uint256 guaranteeId, uint256 claimIndex) external view returns (Claim memory) {
        BankGuaranteesStorage storage $ = _getBankGuaranteesStorage();
        return $._claims[guaranteeId][claimIndex];
    }

    /// @inheritdoc IBankGuarantees
    function amendment(uint256 guaranteeId) external view returns (Amendment memory) {
        BankGuaranteesStorage storage $ = _getBankGuaranteesStorage();
        return $._amendments[guaranteeId];
    }

    /// @inheritdoc IBankGuarantees
    function schedule(uint256 guaranteeId) external view returns (ReductionStep[] memory steps) {
        BankGuaranteesStorage storage $ = _getBankGuaranteesStorage();
        uint256 count = _load(guaranteeId).stepCount;
        steps = new ReductionStep[](count);
        for (uint256 i; i < count; ++i) steps[i] = $._schedules[guaranteeId][i];
    }

    /// @inheritdoc IBankGuarantees
    function amountAt(uint256 guaranteeId, uint64 timestamp) external view returns (uint128) {
        return _amountAt(guaranteeId, _load(guaranteeId), timestamp);
    }

    /// @inheritdoc IBankGuarantees
    function available(uint256 guaranteeId) external view returns (uint128) {
        return _available(guaranteeId, _load(guaranteeId));
    }

    /// @inheritdoc IBankGuarantees
    function verify(bytes32 referenceId) external view returns (Verification memory v) {
        BankGuaranteesStorage storage $ = _getBankGuaranteesStorage();
        uint256 guaranteeId = $._byReference[referenceId];
        if (guaranteeId == 0) return v;
        Guarantee storage g = $._guarantees[guaranteeId];
        GuaranteeState state = g.state;
        v.genuine = true;
        v.guaranteeId = guaranteeId;
        v.state = state;
        v.kind = g.kind;
        v.guarantor = g.guarantor;
        v.applicant = g.applicant;
        v.beneficiary = g.beneficiary;
        v.currency = g.currency;
        v.expiry = g.expiry;
        v.termsHash = g.termsHash;
        v.amount = _amountAt(guaranteeId, g, uint64(block.timestamp));
        if (state == GuaranteeState.Issued || state == GuaranteeState.Claimed) {
            v.available = _available(guaranteeId, g);
            v.inForce = block.timestamp <= v.expiry && v.available != 0;
        }
    }

    /// @inheritdoc IBankGuarantees
    function counterGuarantee(uint256 guaranteeId) external view returns (CounterGuarantee memory) {
        return _getBankGuaranteesStorage()._counters[guaranteeId];
    }

    /// @inheritdoc IBankGuarantees
    function suspendedUntil(uint256 guaranteeId, uint256 claimIndex) external view returns (uint64) {
        return _getBankGuaranteesStorage()._suspendedUntil[guaranteeId][claimIndex];
    }

    /// @inheritdoc IBankGuarantees
    function expiryDocument(uint256 guaranteeId) external view returns (bytes32) {
        return _getBankGuaranteesStorage()._expiryDocuments[guaranteeId];
    }

    /// @inheritdoc IBankGuarantees
    function guaranteeCount() external view returns (uint256) {
        BankGuaranteesStorage storage $ = _getBankGuaranteesStorage();
        return $._count;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------------------------------

    /// @dev Marks the demand paid and adds it to the paid total; the guarantee is exhausted once nothing is left.
    function _recordPayment(
        uint256 guaranteeId,
        uint256 claimIndex,
        Guarantee storage g,
        Claim storage c,
        bytes32 offChainReference
    ) private returns (uint128 amount, address payee) {
        (amount, payee) = (c.amount, c.payee);
        // Cannot exceed `g.amount`: the demand was at most what was available when presented, and no other demand or
        // amendment can change the guarantee while one is under examination.
        uint128 paidTotal = g.paid + amount;
        g.paid = paidTotal;
        c.state = ClaimState.Paid;
        uint128 left = _available(guaranteeId, g);
        g.state = left == 0 ? GuaranteeState.Exhausted : GuaranteeState.Issued;
        emit ClaimPaid(guaranteeId, claimIndex, payee, msg.sender, amount, paidTotal, left, offChainReference);
        if (left == 0) emit GuaranteeExhausted(guaranteeId);
    }

    /// @dev Validates and stores the reduction schedule: strictly later dates (after now, not after expiry), strictly
    /// lower amounts, the first below the guarantee amount.
    function _storeSchedule(uint256 guaranteeId, Application calldata application) private {
        BankGuaranteesStorage storage $ = _getBankGuaranteesStorage();
        uint256 lastDate = block.timestamp;
        uint256 lastAmount = application.amount;
        uint256 count = application.schedule.length;
        for (uint256 i; i < count; ++i) {
            ReductionStep calldata step = application.schedule[i];
            if (step.date <= lastDate || step.date > application.expiry || step.amount >= lastAmount) {
                revert GuaranteeInvalidSchedule(i);
            }
            $._schedules[guaranteeId][i] = step;
            (lastDate, lastAmount) = (step.date, step.amount);
        }
    }

    /// @dev The amount at `timestamp`: the guarantee amount, capped by the last reduction step reached by then.
    function _amountAt(
        uint256 guaranteeId,
        Guarantee storage g,
        uint64 timestamp
    ) private view returns (uint128 amount) {
        BankGuaranteesStorage storage $ = _getBankGuaranteesStorage();
        amount = g.amount;
        uint256 count = g.stepCount;
        for (uint256 i; i < count; ++i) {
            ReductionStep storage step = $._schedules[guaranteeId][i];
            if (step.date > timestamp) break;
            if (step.amount < amount) amount = step.amount;
        }
    }

    /// @dev What a demand may ask for now.
    function _available(uint256 guaranteeId, Guarantee storage g) private view returns (uint128) {
        uint128 amount = _amountAt(guaranteeId, g, uint64(block.timestamp));
        uint128 paid = g.paid;
        // Checked above: `amount > paid`, so the subtraction cannot underflow.
        unchecked {
            return amount > paid ? amount - paid : 0;
        }
    }

    /// @dev The last second of the `count`th business day following today, in the calendar's time zone (URDG 758
    /// art. 20a; ISP98 rule 5.01a): the LC examination clock's computation, one call to the calendar.
    function _examinationDeadline(uint256 count) private view returns (uint64) {
        int256 offset = _utcOffset;
        // local day numbers count days from 1970-01-01 (the calendar's `dayOf`, without the call)
        uint256 today = uint256(int256(block.timestamp) + offset) / 1 days;
        uint32 lastDay = calendar.addWorkingDays(uint32(today), count);
        // local midnight after `lastDay`, back in UTC, less a second
        return uint64(uint256((int256(uint256(lastDay)) + 1) * 1 days - offset) - 1);
    }

    /// @dev Loads guarantee `guaranteeId` and checks that the caller acts for `party` now: an account of the member
    /// the guarantee names, with the party's role (the registry's reason otherwise); then, unless `state` is `None`,
    /// that the guarantee is in `state`. One place for the checks every party's step starts with (code size).
    function _loadAs(
        uint256 guaranteeId,
        Party party,
        GuaranteeState state
    ) private view returns (Guarantee storage g, uint32 caller) {
        g = _getBankGuaranteesStorage()._guarantees[guaranteeId];
        // read once: the registry's answer (a static call) cannot change it
        GuaranteeState current = g.state;
        if (current == GuaranteeState.None) revert GuaranteeUnknown(guaranteeId);
        caller = _authorize(party == Party.Guarantor ? Roles.GUARANTOR : Roles.GUARANTEE_PARTY);
        uint32 expected =
            party == Party.Applicant
                ? g.applicant
                : party == Party.Guarantor
                    ? g.guarantor
                    : g.beneficiary;
        _requireParty(guaranteeId, caller, expected);
        if (state != GuaranteeState.None) _requireState(guaranteeId, current, state);
    }

    function _load(uint256 guaranteeId) private view returns (Guarantee storage g) {
        BankGuaranteesStorage storage $ = _getBankGuaranteesStorage();
        g = $._guarantees[guaranteeId];
        if (g.state == GuaranteeState.None) revert GuaranteeUnknown(guaranteeId);
    }

    function _presented(uint256 guaranteeId, uint256 claimIndex) private view returns (Claim storage c) {
        BankGuaranteesStorage storage $ = _getBankGuaranteesStorage();
        c = $._claims[guaranteeId][claimIndex];
        if (c.state != ClaimState.Presented) revert ClaimNotPresented(guaranteeId, claimIndex, c.state);
    }

    function _requireExamining(uint256 guaranteeId, uint256 claimIndex, Claim storage c) private view {
        if (block.timestamp > c.examinationDeadline) {
            revert ClaimExaminationOver(guaranteeId, claimIndex, c.examinationDeadline);
        }
    }

    function _counterDemand(uint256 guaranteeId) private view returns (CounterGuarantee storage cg) {
        cg = _getBankGuaranteesStorage()._counters[guaranteeId];
        _requireCounterState(guaranteeId, cg.state, CounterState.Demanded);
    }

    function _requireCounterState(uint256 guaranteeId, CounterState current, CounterState expected) private pure {
        if (current != expected) revert CounterGuaranteeWrongState(guaranteeId, current, expected);
    }

    function _requireParty(uint256 guaranteeId, uint32 caller, uint32 expected) private pure {
        if (caller != expected) revert GuaranteeWrongParty(guaranteeId, caller, expected);
    }

    function _requireState(uint256 guaranteeId, GuaranteeState current, GuaranteeState expected) private pure {
        if (current != expected) revert GuaranteeWrongState(guaranteeId, current, expected);
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getBankGuaranteesStorage() private pure returns (BankGuaranteesStorage storage $) {
        assembly ("memory-safe") {
            $.slot := BANK_GUARANTEES_STORAGE_LOCATION
        }
    }
}
