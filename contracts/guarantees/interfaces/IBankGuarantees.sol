// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {DocumentRef} from "../../platform/types/DocumentRef.sol";

/// @title IBankGuarantees
/// @notice Demand guarantees (bid, performance, advance payment) issued by a bank on an applicant's request in favour
/// of a beneficiary, recorded so that anyone holding the reference can verify that a guarantee is genuine, in force and
/// for how much: a forged or lost paper guarantee no longer matters.
/// @dev Modelled on ICC URDG 758: amendments bind the beneficiary only once it accepts them (art. 11); a demand is
/// examined within a set period and rejected only with the reasons (art. 20, 24); a demand may ask to "extend or pay"
/// (art. 23); a reduction clause lowers the amount on set dates (art. 13); paid demands reduce the amount available.
/// Parties are consortium members (ids); accounts are the operator accounts acting for them.
interface IBankGuarantees {
    /// @notice What the guarantee secures.
    /// @dev `Standby` is a standby letter of credit under ISP98 (appended after the URDG 758 kinds: values are stored).
    enum GuaranteeKind {
        Bid,
        Performance,
        AdvancePayment,
        Warranty,
        Payment,
        Standby
    }

    /// @notice A counter-guarantee's lifecycle (URDG 758 art. 2): `Demanded` is `Issued` with one demand under
    /// examination.
    enum CounterState {
        None,
        Issued,
        Demanded,
        Exhausted
    }

    /// @notice A guarantee's lifecycle. `Claimed` is `Issued` with one demand under examination.
    enum GuaranteeState {
        None,
        Applied,
        Issued,
        Claimed,
        Declined,
        Cancelled,
        Released,
        Expired,
        Exhausted
    }

    /// @notice A demand's lifecycle.
    enum ClaimState {
        None,
        Presented,
        Paid,
        Rejected,
        Extended,
        Withdrawn
    }

    /// @notice A step of a reduction schedule: from `date` on, the guarantee amount is at most `amount`.
    /// @dev Packed in one slot (uint64 + uint128).
    struct ReductionStep {
        uint64 date;
        uint128 amount;
    }

    /// @notice What an applicant asks its bank to issue.
    /// @param guarantor An account of the bank asked to issue (member must hold `GUARANTOR`).
    /// @param beneficiary An account of the beneficiary (member must hold `GUARANTEE_PARTY`).
    /// @param kind Bid, performance or advance-payment guarantee.
    /// @param currency ISO 4217 code, for example "CNY" (amounts are in the settlement token's minor units).
    /// @param amount Maximum amount in minor units.
    /// @param expiry Last moment (unix seconds) a demand may be presented.
    /// @param examinationPeriod Legacy, kept for the storage layout: seconds recorded as applied for (1 to
    /// `MAX_EXAMINATION_PERIOD`), shown as agreed terms but setting no deadline; a demand's examination deadline
    /// counts business days on the consortium calendar (`EXAMINATION_DAYS`, `STANDBY_EXAMINATION_DAYS`).
    /// @param termsHash Hash of the guarantee text (its canonical JSON or PDF).
    /// @param tenderReference Hash of the tender or underlying contract reference.
    /// @param schedule Reduction steps: strictly later dates, strictly lower amounts, each below `amount`, none after
    /// `expiry`; at most `MAX_REDUCTION_STEPS`.
    struct Application {
        address guarantor;
        address beneficiary;
        GuaranteeKind kind;
        bytes3 currency;
        uint128 amount;
        uint64 expiry;
        uint32 examinationPeriod;
        bytes32 termsHash;
        bytes32 tenderReference;
        ReductionStep[] schedule;
    }

    /// @notice A demand for payment as the beneficiary presents it.
    /// @param amount Amount demanded (at most what is available now).
    /// @param demandHash Hash of the signed demand statement.
    /// @param documents Supporting documents (hashes only; at most `MAX_DOCUMENTS`).
    /// @param extendTo Non-zero for an "extend or pay" demand: the later expiry the beneficiary accepts instead.
    struct Demand {
        uint128 amount;
        bytes32 demandHash;
        DocumentRef[] documents;
        uint64 extendTo;
    }

    /// @notice A guarantee as stored.
    /// @dev Slot 0: the parties (member ids), kind, state, expiry, examination period, counters, currency (32 bytes).
    /// Slot 1: `amount` and `paid` as uint128 (ample for minor units) so both are read and written together.
    /// Slot 2: the terms hash, kept for `verify`. The reference lives only in the reference index and the events.
    struct Guarantee {
        uint32 applicant;
        uint32 guarantor;
        uint32 beneficiary;
        GuaranteeKind kind;
        GuaranteeState state;
        uint64 expiry;
        uint32 examinationPeriod;
        uint8 stepCount;
        uint16 claimCount;
        bytes3 currency;
        uint128 amount;
        uint128 paid;
        bytes32 termsHash;
    }

    /// @notice A demand for payment. Slot 0: amount, deadline, extension asked; slot 1: payee, state, when presented.
    /// @param amount Amount demanded.
    /// @param examinationDeadline Until when the guarantor may reject it (it may pay later, never reject later): the
    /// last second of the fifth business day following the day of presentation (URDG 758 art. 20a), the third for a
    /// `Standby` (ISP98 rule 5.01a), in the consortium calendar's time zone; after it the guarantor is precluded from
    /// rejecting (art. 24f; ISP98 rule 5.03).
    /// @param extendTo Non-zero for an "extend or pay" demand: the expiry the beneficiary accepts instead of payment.
    /// @param payee The beneficiary's account that presented the demand and is paid.
    /// @param state Lifecycle state.
    /// @param presentedAt When the demand was presented (unix seconds).
    struct Claim {
        uint128 amount;
        uint64 examinationDeadline;
        uint64 extendTo;
        address payee;
        ClaimState state;
        // appended (issue 19): the suspension of art. 23a counts from it
        uint64 presentedAt;
    }

    /// @notice An amendment waiting for the beneficiary (one at a time).
    /// @param amount The amount once accepted (higher: increase; lower: reduction).
    /// @param expiry The expiry once accepted (later: extension).
    /// @param number Amendment number, counted per guarantee from 1.
    /// @param pending Whether it awaits the beneficiary's answer.
    struct Amendment {
        uint128 amount;
        uint64 expiry;
        uint16 number;
        bool pending;
    }

    /// @notice The terms of a counter-guarantee an instructing bank gives the guarantor (URDG 758 art. 2, 15b).
    /// @param amount Maximum amount in minor units (the guarantee's currency).
    /// @param expiry Last moment (unix seconds) the guarantor may demand under it.
    /// @param examinationPeriod Seconds the instructing bank has to examine a demand (at most
    /// `MAX_EXAMINATION_PERIOD`).
    /// @param termsHash Hash of the counter-guarantee text.
    struct CounterTerms {
        uint128 amount;
        uint64 expiry;
        uint32 examinationPeriod;
        bytes32 termsHash;
    }

    /// @notice A counter-guarantee as stored, keyed by the guarantee it backs (one per guarantee).
    /// @dev Slot 0: instructing bank, state, expiry, examination period and deadline, the demand it rests on.
    /// Slot 1: amount and paid. Slot 2: amount demanded and the guarantor's account that demanded it.
    /// @param instructingBank The member that issued it (the counter-guarantor).
    /// @param claimIndex The paid demand under the guarantee the demand under examination rests on.
    /// @param demanded Amount of the demand under examination (zero when none).
    /// @param payee The guarantor's account that demanded (and is paid).
    struct CounterGuarantee {
        uint32 instructingBank;
        CounterState state;
        uint64 expiry;
        uint32 examinationPeriod;
        uint64 examinationDeadline;
        uint16 claimIndex;
        uint128 amount;
        uint128 paid;
        uint128 demanded;
        address payee;
        bytes32 termsHash;
    }

    /// @notice What a beneficiary (or anyone holding the reference) learns when verifying a guarantee.
    /// @param genuine The reference belongs to a guarantee that a bank issued through this contract.
    /// @param inForce Issued, not expired, not released, something still available.
    struct Verification {
        bool genuine;
        bool inForce;
        uint256 guaranteeId;
        GuaranteeState state;
        GuaranteeKind kind;
        uint32 guarantor;
        uint32 applicant;
        uint32 beneficiary;
        bytes3 currency;
        uint128 amount;
        uint128 available;
        uint64 expiry;
        bytes32 termsHash;
    }

    /// @notice An applicant applied for a guarantee.
    event GuaranteeApplied(
        uint256 indexed guaranteeId,
        uint32 indexed applicant,
        uint32 indexed guarantor,
        uint32 beneficiary,
        address applicantAccount,
        Application application
    );
    /// @notice The bank issued the guarantee under `referenceId` (hash of its guarantee number).
    event GuaranteeIssued(
        uint256 indexed guaranteeId,
        uint32 indexed guarantor,
        bytes32 indexed referenceId,
        address account
    );
    /// @notice The bank declined the application.
    event GuaranteeDeclined(uint256 indexed guaranteeId, uint32 indexed guarantor, address account, bytes32 reasonHash);
    /// @notice The applicant withdrew its application before issue.
    event GuaranteeCancelled(uint256 indexed guaranteeId, uint32 indexed applicant, address account);
    /// @notice The bank proposed an amendment; it binds the beneficiary only once accepted.
    event AmendmentProposed(
        uint256 indexed guaranteeId,
        uint16 indexed number,
        uint32 guarantor,
        address account,
        uint128 amount,
        uint64 expiry,
        bytes32 amendmentHash
    );
    /// @notice The bank withdrew a pending amendment.
    event AmendmentWithdrawn(uint256 indexed guaranteeId, uint16 indexed number, address account);
    /// @notice The beneficiary accepted (the guarantee now has `amount` and `expiry`) or refused an amendment.
    event AmendmentAnswered(
        uint256 indexed guaranteeId,
        uint16 indexed number,
        bool accepted,
        address account,
        uint128 amount,
        uint64 expiry
    );
    /// @notice The beneficiary presented a demand (`extendTo` non-zero: "extend or pay").
    event ClaimPresented(
        uint256 indexed guaranteeId,
        uint256 indexed claimIndex,
        uint32 indexed beneficiary,
        address payee,
        uint64 examinationDeadline,
        Demand demand
    );
    /// @notice The bank paid a demand (`offChainReference` zero: in settlement tokens); `available` is what is left.
    event ClaimPaid(
        uint256 indexed guaranteeId,
        uint256 indexed claimIndex,
        address indexed payee,
        address account,
        uint128 amount,
        uint128 paidTotal,
        uint128 available,
        bytes32 offChainReference
    );
    /// @notice The bank rejected a demand, with the hash of its notice listing every discrepancy.
    event ClaimRejected(uint256 indexed guaranteeId, uint256 indexed claimIndex, address account, bytes32 reasonHash);
    /// @notice The bank extended the guarantee as an "extend or pay" demand asked; the demand is withdrawn.
    event ClaimExtended(uint256 indexed guaranteeId, uint256 indexed claimIndex, address account, uint64 newExpiry);
    /// @notice The beneficiary withdrew its demand.
    event ClaimWithdrawn(uint256 indexed guaranteeId, uint256 indexed claimIndex, address account);
    /// @notice Paid demands used up the whole amount.
    event GuaranteeExhausted(uint256 indexed guaranteeId);
    /// @notice The beneficiary released the bank from the guarantee.
    event GuaranteeReleased(uint256 indexed guaranteeId, uint32 indexed beneficiary, address account);
    /// @notice The guarantee was closed after its expiry.
    event GuaranteeExpired(uint256 indexed guaranteeId, address account);

    /// @notice An instructing bank issued a counter-guarantee backing the guarantee, in favour of its guarantor.
    event CounterGuaranteeIssued(
        uint256 indexed guaranteeId,
        uint32 indexed instructingBank,
        uint32 indexed guarantor,
        address account,
        CounterTerms terms
    );
    /// @notice The guarantor demanded under the counter-guarantee, with its statement that it received (and paid) the
    /// complying demand `claimIndex` under the guarantee (URDG 758 art. 15b).
    event CounterDemandPresented(
        uint256 indexed guaranteeId,
        uint256 indexed claimIndex,
        uint32 indexed guarantor,
        address payee,
        uint128 amount,
        bytes32 statementHash,
        uint64 examinationDeadline
    );
    /// @notice The instructing bank paid the demand under the counter-guarantee; `available` is what is left.
    event CounterDemandPaid(
        uint256 indexed guaranteeId,
        uint256 indexed claimIndex,
        address indexed payee,
        address account,
        uint128 amount,
        uint128 paidTotal,
        uint128 available,
        bytes32 offChainReference
    );
    /// @notice The instructing bank rejected the demand under the counter-guarantee, with the hash of its notice.
    event CounterDemandRejected(
        uint256 indexed guaranteeId,
        uint256 indexed claimIndex,
        address account,
        bytes32 reasonHash
    );
    /// @notice The guarantor suspended payment of an "extend or pay" demand until `until` (URDG 758 art. 23a); the
    /// event informs the applicant.
    event ClaimSuspended(
        uint256 indexed guaranteeId,
        uint256 indexed claimIndex,
        uint32 indexed applicant,
        address account,
        uint64 until
    );
    /// @notice The guarantor recorded a repayment of the advance: the amount is reduced by `repaid` (URDG 758 art. 13).
    event GuaranteeReduced(
        uint256 indexed guaranteeId,
        address account,
        uint128 repaid,
        uint128 amount,
        bytes32 evidenceHash
    );
    /// @notice The applicant named, before issue, the certificate whose presentation ends the guarantee (art. 25a iii).
    event ExpiryDocumentNamed(uint256 indexed guaranteeId, address account, bytes32 documentHash);
    /// @notice The named certificate was presented: the guarantee expired on that documentary event.
    event GuaranteeExpiredByDocument(uint256 indexed guaranteeId, address account, bytes32 documentHash);

    /// @notice The guarantee does not exist.
    error GuaranteeUnknown(uint256 guaranteeId);
    /// @notice The guarantee is not in the state this step needs.
    error GuaranteeWrongState(uint256 guaranteeId, GuaranteeState current, GuaranteeState expected);
    /// @notice The caller's member is not the party this step needs.
    error GuaranteeWrongParty(uint256 guaranteeId, uint32 caller, uint32 expected);
    /// @notice The guarantee expired at `expiry`.
    error GuaranteeExpiredAt(uint256 guaranteeId, uint64 expiry);
    /// @notice The guarantee has not expired yet.
    error GuaranteeNotExpired(uint256 guaranteeId, uint64 expiry);
    /// @notice The amount asked exceeds what is available.
    error GuaranteeAmountUnavailable(uint256 guaranteeId, uint256 requested, uint256 available);
    /// @notice The reference is empty or names another guarantee already.
    error GuaranteeReferenceTaken(bytes32 referenceId);
    /// @notice Two of the parties are the same member.
    error GuaranteeSameParty(uint32 memberId);
    /// @notice A reduction step is out of order, not a reduction, or after expiry.
    error GuaranteeInvalidSchedule(uint256 index);
    /// @notice No amendment awaits an answer.
    error AmendmentNotPending(uint256 guaranteeId);
    /// @notice An amendment already awaits an answer.
    error AmendmentAlreadyPending(uint256 guaranteeId, uint16 number);
    /// @notice The amendment changes nothing, sets the expiry in the past, or the amount below what was paid.
    error AmendmentInvalid(uint256 guaranteeId, uint128 amount, uint64 expiry);
    /// @notice The demand does not exist or is not under examination.
    error ClaimNotPresented(uint256 guaranteeId, uint256 claimIndex, ClaimState current);
    /// @notice The examination period ended: the demand can no longer be rejected (only paid).
    error ClaimExaminationOver(uint256 guaranteeId, uint256 claimIndex, uint64 deadline);
    /// @notice The demand did not ask to "extend or pay".
    error ClaimNotExtendOrPay(uint256 guaranteeId, uint256 claimIndex);

    /// @notice The guarantee already has a counter-guarantee, or has none.
    error CounterGuaranteeWrongState(uint256 guaranteeId, CounterState current, CounterState expected);
    /// @notice The demand under the guarantee was not paid (not established as complying) or backs a demand under
    /// the counter-guarantee already.
    error CounterDemandNotBacked(uint256 guaranteeId, uint256 claimIndex, ClaimState claimState);
    /// @notice The counter-guarantee expired at `expiry`.
    error CounterGuaranteeExpiredAt(uint256 guaranteeId, uint64 expiry);
    /// @notice Payment of the demand is suspended until `until` (art. 23).
    error ClaimSuspendedUntil(uint256 guaranteeId, uint256 claimIndex, uint64 until);
    /// @notice The suspension is already set, ends in the past, or ends later than 30 days after the demand.
    error ClaimSuspensionInvalid(uint256 guaranteeId, uint256 claimIndex, uint64 until, uint64 latest);
    /// @notice The step needs another kind of guarantee.
    error GuaranteeWrongKind(uint256 guaranteeId, GuaranteeKind kind);
    /// @notice The certificate presented is not the one named at issue (or none was named).
    error ExpiryDocumentMismatch(uint256 guaranteeId, bytes32 documentHash);

    /// @notice Applies for a guarantee. Applicant (`GUARANTEE_PARTY`) only.
    /// @return guaranteeId The new guarantee's id.
    function applyFor(Application calldata application) external returns (uint256 guaranteeId);

    /// @notice Withdraws an application before issue. Applicant only, state `Applied`.
    function cancel(uint256 guaranteeId) external;

    /// @notice Issues the guarantee under `referenceId` (keyed hash of the bank's guarantee number, unique). Guarantor
    /// (`GUARANTOR`) only, state `Applied`, before expiry; refused (`IAuthorityAttestations.AttestationRequired`)
    /// unless the guarantor's `GuaranteeIssue` attestation policy in force now is met on the application's tender
    /// reference.
    function issue(uint256 guaranteeId, bytes32 referenceId) external;

    /// @notice Declines the application with the hash of the reasons. Guarantor only, state `Applied`.
    function decline(uint256 guaranteeId, bytes32 reasonHash) external;

    /// @notice Proposes an amendment (increase, reduction and/or extension) on the applicant's instruction. Guarantor
    /// only, state `Issued`, none pending. Binds nobody until the beneficiary accepts.
    function proposeAmendment(uint256 guaranteeId, uint128 amount, uint64 expiry, bytes32 amendmentHash) external;

    /// @notice Withdraws the pending amendment. Guarantor only.
    function withdrawAmendment(uint256 guaranteeId) external;

    /// @notice Accepts or refuses the pending amendment. Beneficiary (`GUARANTEE_PARTY`) only, state `Issued`, before
    /// expiry; an accepted amendment may not set the amount below what was paid.
    function answerAmendment(uint256 guaranteeId, bool accept) external;

    /// @notice Presents a demand (at most what is available now), before expiry, with the demand statement's hash and
    /// the supporting documents; `extendTo` non-zero makes it an "extend or pay" demand.
    /// Beneficiary only, state `Issued` (one demand at a time). The caller's account is paid.
    /// @return claimIndex The demand's index under the guarantee (from 0).
    function presentClaim(uint256 guaranteeId, Demand calldata demand) external returns (uint256 claimIndex);

    /// @notice Pays the demand: in settlement tokens from the caller's account (approved to this contract) when
    /// `offChainReference` is zero, else records that the caller's bank paid off chain under that reference.
    /// Guarantor only, demand under examination (also after the examination period). The payee (the beneficiary's
    /// account that presented) must still be in good standing: a beneficiary suspended, or an account blacklisted,
    /// since it presented is not paid. The payment is held, not refused (URDG 758 art. 20: the demand stays complying
    /// and `Presented`; rejection under art. 24 is for discrepancies only): it is paid once the payee is reinstated.
    function payClaim(uint256 guaranteeId, uint256 claimIndex, bytes32 offChainReference) external;

    /// @notice Rejects the demand with the hash of the notice listing every reason. Guarantor only, within the
    /// examination period.
    function rejectClaim(uint256 guaranteeId, uint256 claimIndex, bytes32 reasonHash) external;

    /// @notice Answers an "extend or pay" demand by extending the expiry to the date it asked; the demand is withdrawn.
    /// Guarantor only, within the examination period.
    function extendInsteadOfPaying(uint256 guaranteeId, uint256 claimIndex) external;

    /// @notice Withdraws a demand under examination. Beneficiary only.
    function withdrawClaim(uint256 guaranteeId, uint256 claimIndex) external;

    /// @notice Releases the bank from the guarantee. Beneficiary only, state `Issued`.
    function release(uint256 guaranteeId) external;

    /// @notice Closes an issued guarantee after its expiry. Any active member.
    function expire(uint256 guaranteeId) external;

    /// @notice Suspends payment of an "extend or pay" demand until `until`, at most 30 calendar days after the demand
    /// (URDG 758 art. 23a); the applicant is informed by the event. Guarantor only, within the examination period,
    /// once. A suspended demand is complying: it can no longer be rejected, only extended (until `until`) or paid
    /// (after `until`).
    function suspendForExtension(uint256 guaranteeId, uint256 claimIndex, uint64 until) external;

    /// @notice Records a repayment of the advance, reducing the amount by `repaid` (not to or below what was paid),
    /// with the hash of the evidence. Guarantor only, advance-payment guarantees, state `Issued`.
    function recordReduction(uint256 guaranteeId, uint128 repaid, bytes32 evidenceHash) external;

    /// @notice Names the certificate (by hash) whose presentation ends the guarantee. Applicant only, before issue.
    function nameExpiryDocument(uint256 guaranteeId, bytes32 documentHash) external;

    /// @notice Presents the certificate named at issue: the guarantee expires. Applicant or guarantor, state `Issued`.
    function presentExpiryDocument(uint256 guaranteeId, bytes32 documentHash) external;

    /// @notice Issues a counter-guarantee backing the guarantee, in favour of its guarantor. Instructing bank
    /// (`GUARANTOR`, not the guarantor) only, guarantee applied for or issued, one per guarantee.
    function issueCounterGuarantee(uint256 guaranteeId, CounterTerms calldata terms) external;

    /// @notice Demands under the counter-guarantee, with the statement that the demand `claimIndex` under the
    /// guarantee was complying (it was paid; art. 15b), for at most that demand's amount and what is available.
    /// Guarantor only, before the counter-guarantee's expiry, one demand per paid demand, one at a time.
    function demandUnderCounterGuarantee(
        uint256 guaranteeId,
        uint256 claimIndex,
        uint128 amount,
        bytes32 statementHash
    ) external;

    /// @notice Pays the demand under the counter-guarantee (tokens from the caller's account, or off chain under
    /// `offChainReference`). Instructing bank only; the guarantor must still be in good standing.
    function payCounterDemand(uint256 guaranteeId, bytes32 offChainReference) external;

    /// @notice Rejects the demand under the counter-guarantee with the hash of the notice. Instructing bank only,
    /// within its examination period.
    function rejectCounterDemand(uint256 guaranteeId, bytes32 reasonHash) external;

    /// @notice The counter-guarantee backing a guarantee (state `None` when there is none).
    function counterGuarantee(uint256 guaranteeId) external view returns (CounterGuarantee memory);

    /// @notice Until when payment of a demand is suspended (zero: not suspended).
    function suspendedUntil(uint256 guaranteeId, uint256 claimIndex) external view returns (uint64);

    /// @notice The certificate named at issue whose presentation ends the guarantee (zero: none).
    function expiryDocument(uint256 guaranteeId) external view returns (bytes32);

    /// @notice The guarantee as stored.
    function guarantee(uint256 guaranteeId) external view returns (Guarantee memory);

    /// @notice A demand as stored.
    function claim(uint256 guaranteeId, uint256 claimIndex) external view returns (Claim memory);

    /// @notice The pending or last amendment.
    function amendment(uint256 guaranteeId) external view returns (Amendment memory);

    /// @notice The reduction schedule.
    function schedule(uint256 guaranteeId) external view returns (ReductionStep[] memory);

    /// @notice The guarantee amount at `timestamp`: the amount, lowered by the reduction steps reached by then.
    function amountAt(uint256 guaranteeId, uint64 timestamp) external view returns (uint128);

    /// @notice What a demand may ask for now: the current amount less what was paid (zero once exhausted).
    function available(uint256 guaranteeId) external view returns (uint128);

    /// @notice Verifies a guarantee by its reference id: genuine, in force, amount and what is available now.
    function verify(bytes32 referenceId) external view returns (Verification memory);

    /// @notice Number of guarantees applied for.
    function guaranteeCount() external view returns (uint256);
}
