// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IConsortiumCalendar} from "../../platform/interfaces/IConsortiumCalendar.sol";
import {DocumentRef} from "../../platform/types/DocumentRef.sol";
import {IInterbankPositions} from "./IInterbankPositions.sol";

/// @title ILetterOfCredit
/// @notice Domestic documentary letters of credit: application, issue, advice, acknowledgement, amendments binding on
/// the beneficiary's acceptance, presentations of document hashes, examination, waiver, acceptance (deferred payment),
/// payment and closing. The full terms stay off chain; the chain holds their hash and what the rules need.
/// @dev Parties are consortium members (ids); each step is taken by an account of the party's member holding the
/// step's role (LC_BANK for banks, LC_TRADER for applicant and beneficiary). The honouring bank of an LC is its
/// nominated (or confirming) bank if it names one, else the issuing bank: it examines, accepts and pays
/// presentations. A presentation id is `lcId << 16 | index` (index from 1); an accepted deferred presentation is a
/// transferable claim with the same id. Amounts are minor units of the LC's currency.
interface ILetterOfCredit {
    /// @notice An LC's lifecycle. States only move forward (numerically); FullyDrawn, Expired, Cancelled and
    /// Declined are final.
    enum LetterOfCreditState {
        None,
        Applied,
        Issued,
        Advised,
        Acknowledged,
        FullyDrawn,
        Expired,
        Cancelled,
        Declined
    }

    /// @notice A presentation's lifecycle. Paid and Refused are final. States move forward numerically but for Held
    /// (added after the others, UCP 600 art. 16c iii): documents held after a refusal notice, which the applicant's
    /// waiver moves to Waived and the bank's return of the documents to Refused.
    enum PresentationState {
        None,
        Presented,
        Discrepant,
        Waived,
        Compliant,
        Accepted,
        Paid,
        Refused,
        Held
    }

    /// @notice The terms an issuing bank issues (or an applicant applies for). The full text stays off chain.
    /// @param advisingBank Account of the bank that advises the LC to the beneficiary (LC_BANK).
    /// @param nominatedBank Account of the nominated or confirming bank that will honour, or zero for none (LC_BANK).
    /// @param beneficiary The beneficiary's account (LC_TRADER): it is paid and first holds deferred claims.
    /// @param amount Face amount in minor units.
    /// @param currency ISO 4217 code; token settlement only in the settlement currency.
    /// @param tolerancePlus Percent above `amount` that may be drawn (at most `MAX_TOLERANCE_PERCENT`).
    /// @param toleranceMinus Percent below `amount` still deemed a full drawing: without partial drawings, the one
    /// drawing must be at least `amount` less this percent.
    /// @param expiry Last moment for presentations (unix seconds); the place of expiry is in the terms.
    /// @param latestShipment Latest shipment date (unix seconds, at most `expiry`).
    /// @param deferred Deferred payment (accept, then pay at maturity) instead of sight payment.
    /// @param tenorDays For deferred payment: the longest maturity, in days after presentation.
    /// @param partialDrawings Whether several presentations may draw on it.
    /// @param requiredDocuments Bitmask of required document kinds: bit k for `DocumentKinds` k (1..31).
    /// @param termsHash keccak256 of the full terms (canonical JSON).
    struct Terms {
        address advisingBank;
        address nominatedBank;
        address beneficiary;
        uint80 amount;
        bytes3 currency;
        uint8 tolerancePlus;
        uint8 toleranceMinus;
        uint40 expiry;
        uint40 latestShipment;
        bool deferred;
        uint16 tenorDays;
        bool partialDrawings;
        uint32 requiredDocuments;
        bytes32 termsHash;
    }

    /// @notice An LC as stored: four slots.
    /// @dev Amounts are uint80 (1.2e24 minor units; with the suite token's 2 decimals, 1.2e22 currency units) so that
    /// amount, drawn and reserved share one slot: a presentation then reads and writes one money slot. Dates are
    /// uint40 (valid until year 36812).
    struct LetterOfCreditRecord {
        // slot 0: parties and state (read by every step)
        uint32 applicant;
        uint32 issuingBank;
        uint32 advisingBank;
        uint32 beneficiary;
        uint32 nominatedBank;
        LetterOfCreditState state;
        uint8 flags;
        uint8 tolerancePlus;
        uint8 toleranceMinus;
        uint40 expiry;
        uint16 tenorDays;
        // slot 1: money (read and written by every presentation)
        uint80 amount;
        uint80 drawn;
        uint80 reserved;
        uint16 presentationCount;
        // slot 2
        bytes32 termsHash;
        // slot 3
        address beneficiaryAccount;
        uint40 latestShipment;
        uint32 requiredDocuments;
        bytes3 currency;
    }

    /// @notice A presentation as stored: one slot.
    /// @param amount Amount drawn by this presentation.
    /// @param state Lifecycle state.
    /// @param presentedAt When the documents were presented.
    /// @param maturity For an accepted deferred presentation: when it is payable (zero otherwise).
    /// @param examinationDeadline Last second of the fifth banking day after the day of presentation (UCP 600 art.
    /// 14b) in the consortium calendar's time zone; zero for presentations made before the examination clock existed.
    /// @param precluded The honouring bank let the deadline pass without honouring or refusing (art. 16f): the
    /// presentation counts as complying.
    /// @param refusalNoticeSent The honouring bank sent its one refusal notice (art. 16c-d).
    struct Presentation {
        uint80 amount;
        PresentationState state;
        uint40 presentedAt;
        uint40 maturity;
        uint40 examinationDeadline;
        bool precluded;
        bool refusalNoticeSent;
    }

    /// @notice An amendment the issuing bank proposes; it binds only once the beneficiary accepts it.
    /// @param amount New face amount (may not bring the LC below what is drawn or reserved).
    /// @param expiry New expiry (in the future).
    /// @param latestShipment New latest shipment date (at most `expiry`).
    /// @param termsHash Hash of the amended full terms.
    struct Amendment {
        uint80 amount;
        uint40 expiry;
        uint40 latestShipment;
        bytes32 termsHash;
    }

    /// @notice Member ids of the parties named by account in the terms, as events carry them (applicant and issuing
    /// bank are indexed topics of the same event).
    struct Parties {
        uint32 advisingBank;
        uint32 beneficiary;
        uint32 nominatedBank;
    }

    /// @notice An applicant applied for an LC; the issuing bank may approve (issue) or decline it.
    event LetterOfCreditApplied(
        uint256 indexed lcId,
        uint32 indexed applicant,
        uint32 indexed issuingBank,
        Parties parties,
        Terms terms
    );
    /// @notice An issuing bank issued an LC directly.
    event LetterOfCreditIssued(
        uint256 indexed lcId,
        uint32 indexed applicant,
        uint32 indexed issuingBank,
        Parties parties,
        Terms terms
    );
    /// @notice The issuing bank approved an application: the LC is issued on the applied terms.
    event ApplicationApproved(uint256 indexed lcId, uint32 indexed issuingBank);
    /// @notice The issuing bank declined an application (reason kept off chain).
    event ApplicationDeclined(uint256 indexed lcId, uint32 indexed issuingBank, bytes32 reasonHash);
    /// @notice The advising bank authenticated the LC and advised it to the beneficiary.
    event LetterOfCreditAdvised(uint256 indexed lcId, uint32 indexed advisingBank, address account);
    /// @notice The beneficiary acknowledged the advised LC: it may now present.
    event LetterOfCreditAcknowledged(uint256 indexed lcId, uint32 indexed beneficiary, address account);
    /// @notice The nominated bank added its confirmation.
    event LetterOfCreditConfirmed(uint256 indexed lcId, uint32 indexed confirmingBank);
    /// @notice The issuing bank proposed an amendment; `amendmentHash` identifies it until the beneficiary answers.
    event AmendmentProposed(
        uint256 indexed lcId,
        uint32 indexed issuingBank,
        bytes32 amendmentHash,
        Amendment amendment
    );
    /// @notice The beneficiary accepted the pending amendment: the LC now has these terms.
    event AmendmentAccepted(
        uint256 indexed lcId,
        uint32 indexed beneficiary,
        bytes32 amendmentHash,
        Amendment amendment
    );
    /// @notice The beneficiary rejected the pending amendment: nothing changed.
    event AmendmentRejected(uint256 indexed lcId, uint32 indexed beneficiary, bytes32 amendmentHash);
    /// @notice The beneficiary presented documents drawing `amount`.
    /// @param presentedKinds Bitmask of the presented kinds (bit k for kind k < 32): `requiredDocuments &
    /// ~presentedKinds`
    /// are the missing kinds, for the examiner.
    event DocumentsPresented(
        uint256 indexed presentationId,
        uint256 indexed lcId,
        uint32 indexed beneficiary,
        address presenter,
        uint80 amount,
        DocumentRef[] documents,
        uint32 presentedKinds,
        uint80 reserved
    );
    /// @notice The documents were presented: the honouring bank examines them until `examinationDeadline`.
    event ExaminationClockStarted(uint256 indexed presentationId, uint256 indexed lcId, uint40 examinationDeadline);
    /// @notice The honouring bank examined a presentation: compliant (no discrepancies) or discrepant.
    event PresentationExamined(
        uint256 indexed presentationId,
        uint256 indexed lcId,
        uint32 indexed bank,
        PresentationState result,
        bytes32[] discrepancies
    );
    /// @notice The applicant waived a discrepant presentation's discrepancies.
    event DiscrepanciesWaived(uint256 indexed presentationId, uint256 indexed lcId, uint32 indexed applicant);
    /// @notice The honouring bank sent its one refusal notice (UCP 600 art. 16c): every discrepancy at once (codes)
    /// and the hash of the notice's text (kept off chain); the documents are held pending the applicant's waiver
    /// (`documentsHeld`) or returned at once (then `DocumentsReturned` follows in the same transaction).
    event RefusalNoticeSent(
        uint256 indexed presentationId,
        uint256 indexed lcId,
        uint32 indexed bank,
        bytes32[] discrepancies,
        bytes32 noticeHash,
        bool documentsHeld
    );
    /// @notice Emitted by implementations before the UCP 600 refusal notice (release 0.1.0) where `RefusalNoticeSent`
    /// and `DocumentsReturned` are now; no longer emitted, declared so that indexers and clients still decode the
    /// history of an upgraded deployment.
    event PresentationRefused(
        uint256 indexed presentationId,
        uint256 indexed lcId,
        uint32 indexed bank,
        bytes32 noticeHash,
        uint80 reserved
    );
    /// @notice The honouring bank returned a refused presentation's documents: the presentation is finally refused and
    /// its amount released.
    event DocumentsReturned(uint256 indexed presentationId, uint256 indexed lcId, uint32 indexed bank, uint80 reserved);
    /// @notice The honouring bank neither honoured nor refused by the examination deadline (UCP 600 art. 16f): the
    /// presentation counts as complying and may be honoured; `recordedBy` is the member that recorded it.
    event ExaminationPrecluded(
        uint256 indexed presentationId,
        uint256 indexed lcId,
        uint32 indexed bank,
        uint40 examinationDeadline,
        uint32 recordedBy
    );
    /// @notice Governance named the consortium calendar whose banking days count the examination clock.
    event CalendarSet(IConsortiumCalendar calendar);
    /// @notice The honouring bank accepted a deferred presentation: a claim payable at `maturity` to its holder.
    event PresentationAccepted(
        uint256 indexed presentationId,
        uint256 indexed lcId,
        uint32 indexed bank,
        address holder,
        uint80 amount,
        uint40 maturity,
        uint80 drawn
    );
    /// @notice The honouring bank paid a presentation (sight, or an accepted one at maturity) to `payee`.
    event PresentationPaid(
        uint256 indexed presentationId,
        uint256 indexed lcId,
        uint32 indexed bank,
        address payee,
        uint80 amount,
        bytes32 offChainReference,
        uint80 drawn
    );
    /// @notice The nominated bank honoured: the issuing bank's reimbursement was recorded as an interbank obligation.
    event ReimbursementRecorded(
        uint256 indexed presentationId,
        uint256 indexed obligationId,
        uint32 indexed issuingBank,
        uint32 nominatedBank
    );
    /// @notice The issuing bank asked the beneficiary to agree to cancel the LC.
    event CancellationRequested(uint256 indexed lcId, uint32 indexed issuingBank);
    /// @notice The beneficiary refused the cancellation: the LC stays in force.
    event CancellationRejected(uint256 indexed lcId, uint32 indexed beneficiary);
    /// @notice The LC closed (fully drawn, expired or cancelled with the beneficiary's consent).
    event LetterOfCreditClosed(uint256 indexed lcId, LetterOfCreditState state, uint80 drawn);

    /// @notice No such LC.
    error LetterOfCreditUnknown(uint256 lcId);
    /// @notice The LC is not in the state the step needs.
    error LetterOfCreditWrongState(uint256 lcId, LetterOfCreditState current, LetterOfCreditState expected);
    /// @notice The caller's member is not the LC's party for this step.
    error LetterOfCreditWrongParty(uint256 lcId, uint32 caller, uint32 expected);
    /// @notice The LC expired: nothing more can be presented, advised or amended.
    error LetterOfCreditExpired(uint256 lcId, uint40 expiry);
    /// @notice The LC has not expired yet.
    error LetterOfCreditNotExpired(uint256 lcId, uint40 expiry);
    /// @notice The drawing would take drawn plus reserved above amount plus tolerance.
    error LetterOfCreditOverdrawn(uint256 lcId, uint256 requested, uint256 available);
    /// @notice A single drawing was made (or is pending) on an LC that does not allow partial drawings.
    error PartialDrawingsNotAllowed(uint256 lcId);
    /// @notice Without partial drawings, the one drawing must be at least amount less the minus tolerance.
    error DrawingBelowMinimum(uint256 lcId, uint256 amount, uint256 minimum);
    /// @notice The nominated bank already confirmed the LC.
    error AlreadyConfirmed(uint256 lcId);
    /// @notice Presentations are still pending examination or decision.
    error PresentationsPending(uint256 lcId, uint80 reserved);
    /// @notice The LC has reached the most presentations it can hold.
    error TooManyPresentations(uint256 lcId);
    /// @notice No such presentation.
    error PresentationUnknown(uint256 presentationId);
    /// @notice The presentation is not in the state the step needs.
    error PresentationWrongState(uint256 presentationId, PresentationState current, PresentationState expected);
    /// @notice The step needs a deferred (or a sight) LC.
    error WrongPaymentKind(uint256 lcId, bool deferred);
    /// @notice The maturity is not after now, or beyond presentation plus tenor.
    error InvalidMaturity(uint256 presentationId, uint40 maturity, uint40 latest);
    /// @notice A deferred presentation cannot be paid before maturity.
    error NotMatured(uint256 presentationId, uint40 maturity);
    /// @notice An amendment is waiting for the beneficiary's answer.
    error AmendmentPending(uint256 lcId);
    /// @notice No amendment is pending, or the one given is not the one proposed.
    error AmendmentMismatch(uint256 lcId);
    /// @notice The amended amount would fall below what is drawn or reserved.
    error AmendmentBelowCommitted(uint256 lcId, uint256 newMaximum, uint256 committed);
    /// @notice The issuing bank has not asked to cancel.
    error CancellationNotRequested(uint256 lcId);
    /// @notice Token settlement is only possible in the settlement currency; pay off chain with a reference.
    error CurrencyNotSettleable(uint256 lcId, bytes3 currency);
    /// @notice A list is empty or longer than its bound.
    error InvalidListLength(bytes32 field, uint256 length, uint256 max);
    /// @notice No such claim (the presentation was not accepted as a deferred claim).
    error ClaimUnknown(uint256 claimId);
    /// @notice The caller is neither the claim's holder nor its approved operator.
    error ClaimNotHolder(uint256 claimId, address caller);
    /// @notice A paid or matured claim no longer changes hands.
    error ClaimNotTransferable(uint256 claimId);
    /// @notice No consortium calendar is set: presentations wait until governance sets one (`setCalendar`).
    error CalendarNotSet();
    /// @notice The examination deadline passed: the bank may no longer examine or refuse (art. 16f), only honour.
    error ExaminationDeadlinePassed(uint256 presentationId, uint40 examinationDeadline);
    /// @notice The examination deadline has not passed yet (or the presentation has no examination clock).
    error ExaminationDeadlineNotPassed(uint256 presentationId, uint40 examinationDeadline);
    /// @notice The bank already sent its refusal notice for this presentation: one notice only (art. 16c).
    error RefusalNoticeAlreadySent(uint256 presentationId);

    // --- lifecycle

    /// @notice An applicant applies for an LC from `issuingBank` (an account of the bank). LC_TRADER only.
    function submitApplication(address issuingBank, Terms calldata terms) external returns (uint256 lcId);

    /// @notice The issuing bank approves an application: the LC is issued on the applied terms. LC_BANK only.
    function approveApplication(uint256 lcId) external;

    /// @notice The issuing bank declines an application. LC_BANK only.
    function declineApplication(uint256 lcId, bytes32 reasonHash) external;

    /// @notice The caller's bank issues an LC for `applicant` (an account of the applicant). LC_BANK only.
    function issue(address applicant, Terms calldata terms) external returns (uint256 lcId);

    /// @notice The advising bank advises the issued LC to the beneficiary. Before expiry.
    function advise(uint256 lcId) external;

    /// @notice The beneficiary acknowledges the advised LC. Before expiry.
    function acknowledge(uint256 lcId) external;

    /// @notice The nominated bank adds its confirmation (it becomes the confirming bank). Before expiry.
    function confirm(uint256 lcId) external;

    /// @notice The issuing bank proposes an amendment; only one may be pending. Before expiry.
    function proposeAmendment(uint256 lcId, Amendment calldata amendment) external;

    /// @notice The beneficiary accepts the pending amendment (given again in full): it binds from now. Before expiry.
    function acceptAmendment(uint256 lcId, Amendment calldata amendment) external;

    /// @notice The beneficiary rejects the pending amendment: nothing changes.
    function rejectAmendment(uint256 lcId) external;

    /// @notice The beneficiary presents documents drawing `amount`. Acknowledged LC, before expiry, within amount
    /// plus tolerance less what is drawn and reserved; at most `MAX_DOCUMENTS` documents. Starts the examination
    /// clock: five banking days of the consortium calendar following the day of presentation (art. 14b).
    /// @return presentationId `lcId << 16 | index`.
    function present(
        uint256 lcId,
        uint80 amount,
        DocumentRef[] calldata documents
    ) external returns (uint256 presentationId);

    /// @notice The honouring bank examines a presentation: compliant when `discrepancies` is empty, else discrepant
    /// with at most `MAX_DISCREPANCIES` discrepancies (codes, or hashes of their wording). Before the examination
    /// deadline; a discrepant finding is not a refusal (the bank may approach the applicant for a waiver, art. 16b).
    function examine(uint256 presentationId, bytes32[] calldata discrepancies) external;

    /// @notice The applicant waives a discrepant presentation's discrepancies, or those of a refusal notice whose
    /// documents the bank holds (art. 16c iii b); the bank then honours (releasing the documents) or returns them.
    function waiveDiscrepancies(uint256 presentationId) external;

    /// @notice The honouring bank sends its one refusal notice (UCP 600 art. 16c) on a presentation it has not
    /// honoured (presented, discrepant, or waived when it does not accept the waiver), before the examination
    /// deadline: every discrepancy at once (1..`MAX_DISCREPANCIES` codes) and the notice text's hash. With
    /// `holdDocuments` the documents are held pending the applicant's waiver (state Held); otherwise they are returned
    /// and the presentation is refused, its amount released.
    function refuse(
        uint256 presentationId,
        bytes32[] calldata discrepancies,
        bytes32 noticeHash,
        bool holdDocuments
    ) external;

    /// @notice The honouring bank returns the documents it held after its refusal notice (or does not accept the
    /// applicant's waiver): the presentation is refused and its amount released.
    function returnDocuments(uint256 presentationId) external;

    /// @notice Any member records that the honouring bank let the examination deadline pass without honouring or
    /// refusing (UCP 600 art. 16f): the presentation counts as complying and the bank may honour it (pay or accept).
    function recordPreclusion(uint256 presentationId) external;

    /// @notice Governance names the consortium calendar that counts the examination clock's banking days.
    function setCalendar(IConsortiumCalendar calendar_) external;

    /// @notice The honouring bank accepts a compliant (or waived) presentation of a deferred LC, payable at
    /// `maturity` (after now, at most presentation date plus tenor). The presentation becomes a transferable claim.
    function accept(uint256 presentationId, uint40 maturity) external;

    /// @notice The honouring bank pays: a compliant (or waived) presentation of a sight LC now, or an accepted one at
    /// or after maturity to the claim's current holder. In tokens from the caller's account when `offChainReference`
    /// is zero (the caller approves this contract), else recorded as paid off chain by the caller's bank.
    function pay(uint256 presentationId, bytes32 offChainReference) external;

    /// @notice The issuing bank asks the beneficiary to agree to cancel the LC.
    function requestCancellation(uint256 lcId) external;

    /// @notice The beneficiary agrees to the requested cancellation: the LC closes as Cancelled.
    function consentToCancellation(uint256 lcId) external;

    /// @notice The beneficiary refuses the requested cancellation.
    function rejectCancellation(uint256 lcId) external;

    /// @notice Any party closes an LC (or application) after its expiry once no presentation is pending.
    function expire(uint256 lcId) external;

    // --- views

    /// @notice The LC record; reverts for an unknown LC.
    function letterOfCredit(uint256 lcId) external view returns (LetterOfCreditRecord memory);

    /// @notice A presentation; reverts for an unknown one.
    function presentation(uint256 presentationId) external view returns (Presentation memory);

    /// @notice Hash of the pending amendment (zero if none).
    function pendingAmendment(uint256 lcId) external view returns (bytes32);

    /// @notice What may still be presented: amount plus tolerance, less drawn and reserved.
    function available(uint256 lcId) external view returns (uint256);

    /// @notice Number of LCs (and applications) ever created; ids run from 1.
    function letterOfCreditCount() external view returns (uint256);

    /// @notice Where reimbursements of nominated banks are recorded.
    function interbankPositions() external view returns (IInterbankPositions);

    /// @notice The currency the settlement token is denominated in.
    function settlementCurrency() external view returns (bytes3);

    /// @notice The consortium calendar that counts the examination clock (zero until set).
    function calendar() external view returns (IConsortiumCalendar);
}
