// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ILetterOfCredit} from "./ILetterOfCredit.sol";

/// @title ILcTransfers
/// @notice Transferable letters of credit (UCP 600 art. 38) and back-to-back LCs linked by reference, beside
/// `LetterOfCredit` (which reads nothing from it and whose terms have no "transferable" flag).
/// @dev Flow. The issuing bank designates an LC "transferable" (art. 38b, `designateTransferable`). The transferring
/// bank is the LC's honouring bank: its nominated bank if it names one, else the issuing bank (art. 38b). The first
/// beneficiary (the LC's beneficiary) requests a transfer of all or part of the credit to a second beneficiary with
/// reduced terms (art. 38g: amount, unit price as the hash of the transferred terms, earlier expiry, earlier latest
/// shipment, shorter presentation period; `requestTransfer`); the request records a fingerprint of the LC's terms. The
/// transferring bank executes it (`executeTransfer`, refused if the LC was amended since the request: the first
/// beneficiary requests again against the current terms) or declines it (art. 38a: no bank is obliged to transfer).
/// Several second beneficiaries only if the LC allows partial drawings (art. 38d); a transferred credit is never
/// transferred again (art. 38d: only the LC's beneficiary requests). The sum transferred never exceeds the LC's amount
/// plus tolerance (art. 30), and each transfer fits what is still available under the LC. The second beneficiary
/// presents its documents (hashes) to the transferring bank (`presentUnderTransfer`), checked against the transferred
/// terms and time. The first beneficiary substitutes its own invoice (and draft) by linking its presentation under the
/// LC (`LetterOfCredit.present`) to second beneficiaries' presentations (art. 38h, `substituteInvoice`); if it does not
/// on the transferring bank's first demand (`demandSubstitution`) within `SUBSTITUTION_PERIOD`, the bank links the
/// second beneficiary's documents as received (art. 38i, `linkAsReceived`). The transferring bank pays a second
/// beneficiary (`paySecondBeneficiary`, deposit tokens or an off-chain reference) only once the linked LC presentation
/// is honoured (paid or accepted under the LC) and never more than that presentation's amount across its linked
/// presentations. Back-to-back LCs are separate LCs issued normally; their issuing bank records the link to the master
/// LC (`linkBackToBack`). Ids: a transfer is `lcId << 16 | index`, a second beneficiary's presentation `transferId <<
/// 16 | index` (indexes from 1).
interface ILcTransfers {
    /// @notice A transfer's lifecycle.
    enum TransferState {
        None,
        /// The first beneficiary requested it; the transferring bank has not acted.
        Requested,
        /// The transferring bank transferred it: the second beneficiary may present.
        Executed,
        /// The transferring bank declined it (art. 38a).
        Declined
    }

    /// @notice A second beneficiary's presentation's lifecycle.
    enum SecondPresentationState {
        None,
        /// Presented to the transferring bank; not yet linked to a presentation under the LC.
        Presented,
        /// The first beneficiary substituted its invoice: linked to its presentation under the LC (art. 38h).
        Substituted,
        /// Linked as received by the transferring bank after the first beneficiary did not substitute (art. 38i).
        LinkedAsReceived,
        /// Paid to the second beneficiary by the transferring bank.
        Paid
    }

    /// @notice What the first beneficiary asks to transfer (art. 38g: reduced, or earlier, or shorter).
    /// @param secondBeneficiary The second beneficiary's account (LC_TRADER of another member).
    /// @param amount Amount transferred (minor units of the LC's currency).
    /// @param expiry Expiry of the transferred credit (at most the LC's).
    /// @param latestShipment Latest shipment under the transferred credit (at most the LC's when it has one).
    /// @param presentationPeriodDays Days after shipment to present (1 up to the LC's presentation period).
    /// @param termsHash Hash of the transferred terms (reduced unit price, names, documents, canonical JSON).
    struct TransferTerms {
        address secondBeneficiary;
        uint80 amount;
        uint40 expiry;
        uint40 latestShipment;
        uint16 presentationPeriodDays;
        bytes32 termsHash;
    }

    /// @notice A transfer as stored: four slots.
    /// @param secondBeneficiaryAccount The account named (paid in tokens).
    /// @param secondBeneficiary Its member.
    /// @param state Lifecycle state.
    /// @param presentationPeriodDays Days after shipment to present.
    /// @param presentationCount Second beneficiary's presentations made.
    /// @param amount Amount transferred.
    /// @param presented Total of the second beneficiary's presentations.
    /// @param expiry Expiry of the transferred credit.
    /// @param latestShipment Latest shipment (0: none, as the LC).
    /// @param termsHash Hash of the transferred terms.
    /// @param lcFingerprint The LC's terms when the transfer was requested (see `lcFingerprint`).
    struct Transfer {
        address secondBeneficiaryAccount;
        uint32 secondBeneficiary;
        TransferState state;
        uint16 presentationPeriodDays;
        uint16 presentationCount;
        uint80 amount;
        uint80 presented;
        uint40 expiry;
        uint40 latestShipment;
        bytes32 termsHash;
        bytes32 lcFingerprint;
    }

    /// @notice A second beneficiary's presentation to the transferring bank.
    /// @param amount Amount claimed.
    /// @param state Lifecycle state.
    /// @param presentedAt When it was presented.
    /// @param shipmentDate The shipment date the second beneficiary stated.
    /// @param substitutionDemandedAt When the transferring bank demanded the first beneficiary's substitution (0: not).
    /// @param lcPresentationId The presentation under the LC it is linked to (0: none yet).
    /// @param documentsHash Hash of the documents presented (as `LcPresentationChecks.documentsHash`).
    struct SecondPresentation {
        uint80 amount;
        SecondPresentationState state;
        uint40 presentedAt;
        uint40 shipmentDate;
        uint40 substitutionDemandedAt;
        uint256 lcPresentationId;
        bytes32 documentsHash;
    }

    /// @notice A presentation under the LC linked to second beneficiaries' presentations.
    /// @param linked Total of the second beneficiaries' presentations linked to it.
    /// @param paid Total paid to the second beneficiaries for them.
    /// @param invoiceHash The first beneficiary's substituted invoice (and draft); zero when linked as received.
    struct Link {
        uint80 linked;
        uint80 paid;
        bytes32 invoiceHash;
    }

    /// @notice An LC's transfer account.
    /// @param transferable The issuing bank designated it transferable (art. 38b).
    /// @param transferCount Transfers requested.
    /// @param transferred Total of the transfers executed.
    /// @param paidToSecond Total paid to second beneficiaries.
    struct TransferableCredit {
        bool transferable;
        uint16 transferCount;
        uint80 transferred;
        uint80 paidToSecond;
    }

    /// @notice The issuing bank designated the LC transferable (art. 38b).
    event TransferableDesignated(uint256 indexed lcId, uint32 indexed issuingBank);
    /// @notice The first beneficiary requested a transfer.
    event TransferRequested(
        uint256 indexed transferId,
        uint256 indexed lcId,
        uint32 indexed firstBeneficiary,
        uint32 secondBeneficiary,
        TransferTerms terms,
        bytes32 lcFingerprint
    );
    /// @notice The transferring bank transferred the credit; `transferred` is the LC's new total transferred.
    event TransferExecuted(
        uint256 indexed transferId,
        uint256 indexed lcId,
        uint32 indexed transferringBank,
        uint80 amount,
        uint80 transferred
    );
    /// @notice The transferring bank declined the transfer (art. 38a).
    event TransferDeclined(uint256 indexed transferId, uint256 indexed lcId, uint32 indexed transferringBank);
    /// @notice A second beneficiary presented documents to the transferring bank.
    event SecondBeneficiaryPresented(
        uint256 indexed secondPresentationId,
        uint256 indexed transferId,
        uint32 indexed secondBeneficiary,
        uint80 amount,
        bytes32 documentsHash,
        uint40 shipmentDate
    );
    /// @notice The transferring bank demanded the first beneficiary's invoice (art. 38i).
    event SubstitutionDemanded(uint256 indexed secondPresentationId, uint32 indexed transferringBank, uint40 deadline);
    /// @notice Second beneficiaries' presentations were linked to the LC presentation: substituted by the first
    /// beneficiary (`asReceived` false, art. 38h) or as received by the transferring bank (true, art. 38i).
    event PresentationsLinked(
        uint256 indexed lcPresentationId,
        uint256 indexed lcId,
        uint32 indexed linkedBy,
        uint256[] secondPresentationIds,
        uint80 linked,
        bytes32 invoiceHash,
        bool asReceived
    );
    /// @notice The transferring bank paid a second beneficiary (tokens when `offChainReference` is zero).
    event SecondBeneficiaryPaid(
        uint256 indexed secondPresentationId,
        uint256 indexed lcPresentationId,
        uint32 indexed transferringBank,
        address payee,
        uint80 amount,
        bytes32 offChainReference
    );
    /// @notice A second presentation linked to an LC presentation since refused was unlinked: back to Presented (the
    /// substitution demand cleared); `refunded` is the first beneficiary's escrow for it paid back to the LC's
    /// beneficiary account (zero for a link as received or outside the settlement currency).
    event PresentationUnlinked(uint256 indexed secondPresentationId, uint256 indexed lcPresentationId, uint80 refunded);
    /// @notice The issuing bank of `backToBackLcId` linked it to its master LC.
    event BackToBackLinked(uint256 indexed backToBackLcId, uint256 indexed masterLcId, uint32 indexed issuingBank);

    /// @notice The caller's member is not the party for this step.
    error TransferWrongParty(uint256 id, uint32 caller, uint32 expected);
    /// @notice The LC is not in a state for the step (open: issued, advised or acknowledged as the step needs).
    error TransferLcWrongState(uint256 lcId, ILetterOfCredit.LetterOfCreditState state);
    /// @notice Too late: `deadline` passed.
    error TransferTooLate(uint256 id, uint256 deadline);
    /// @notice The issuing bank has not designated the LC transferable (art. 38b).
    error NotTransferable(uint256 lcId);
    /// @notice The LC was already designated transferable.
    error AlreadyTransferable(uint256 lcId);
    /// @notice The transferred terms are not within the LC's (art. 38g); `field` names the first one that is not.
    error TransferTermsExceedLc(uint256 lcId, bytes32 field);
    /// @notice Without partial drawings the credit is transferred to one second beneficiary only (art. 38d).
    error SeveralTransfersNotAllowed(uint256 lcId);
    /// @notice The transfer would exceed the LC's amount plus tolerance less transferred, or what is still available.
    error TransferExceedsLc(uint256 lcId, uint256 requested, uint256 available);
    /// @notice The LC's terms changed since the transfer was requested (an amendment): request again.
    error LcChangedSinceRequest(uint256 transferId, bytes32 requested, bytes32 current);
    /// @notice The transfer is not in the state the step needs.
    error TransferWrongState(uint256 transferId, TransferState state);
    /// @notice No such transfer.
    error TransferUnknown(uint256 transferId);
    /// @notice No such second beneficiary's presentation.
    error SecondPresentationUnknown(uint256 secondPresentationId);
    /// @notice The second beneficiary's presentation is not in the state the step needs.
    error SecondPresentationWrongState(uint256 secondPresentationId, SecondPresentationState state);
    /// @notice The second beneficiary's presentation does not comply with the transferred terms; `field` says how.
    error SecondPresentationNotCompliant(uint256 secondPresentationId, bytes32 field);
    /// @notice The presentations would claim more than the transfer's amount.
    error TransferOverdrawn(uint256 transferId, uint256 requested, uint256 available);
    /// @notice The LC presentation cannot take these second presentations (another LC, refused, already linked, or
    /// its amount is below their total).
    error LinkNotAllowed(uint256 lcPresentationId, uint256 secondPresentationId);
    /// @notice The first beneficiary's time to substitute has not run out (art. 38i).
    error SubstitutionPending(uint256 secondPresentationId, uint256 deadline);
    /// @notice The linked LC presentation is not honoured (paid or accepted) under the LC.
    error LcPresentationNotHonoured(uint256 lcPresentationId, ILetterOfCredit.PresentationState state);
    /// @notice The linked LC presentation is not refused: the second presentation stays linked.
    error LcPresentationNotRefused(uint256 lcPresentationId, ILetterOfCredit.PresentationState state);
    /// @notice A presentation paid from the first beneficiary's escrow takes no off-chain reference.
    error EscrowedPayment(uint256 secondPresentationId);
    /// @notice Token payment only in the settlement currency.
    error TransferCurrencyNotSettleable(uint256 lcId, bytes3 currency);
    /// @notice The back-to-back LC is not consistent with its master; `field` says how.
    error BackToBackMismatch(uint256 backToBackLcId, uint256 masterLcId, bytes32 field);
    /// @notice The LC is already linked to a master LC.
    error AlreadyLinked(uint256 backToBackLcId, uint256 masterLcId);

    /// @notice The issuing bank designates an open LC (issued, advised or acknowledged) transferable, before expiry.
    function designateTransferable(uint256 lcId) external;

    /// @notice The first beneficiary (the LC's beneficiary, LC acknowledged, before expiry) asks the transferring bank
    /// to transfer `terms`. Returns the transfer id.
    function requestTransfer(uint256 lcId, TransferTerms calldata terms) external returns (uint256 transferId);

    /// @notice The transferring bank transfers: the LC is unchanged since the request, open, before expiry, the first
    /// and second beneficiaries in good standing now, and the total transferred within the LC (art. 30, 38).
    function executeTransfer(uint256 transferId) external;

    /// @notice The transferring bank declines a requested transfer (art. 38a).
    function declineTransfer(uint256 transferId) external;

    /// @notice The second beneficiary presents documents to the transferring bank: before the transferred expiry,
    /// shipped by the transferred latest shipment and presented within the transferred period after shipment, within
    /// the amount transferred. Returns the presentation's id.
    function presentUnderTransfer(
        uint256 transferId,
        uint80 amount,
        bytes32 documentsHash,
        uint40 shipmentDate
    ) external returns (uint256 secondPresentationId);

    /// @notice The first beneficiary substitutes its invoice (and draft): links its presentation under the LC to
    /// second beneficiaries' presentations of that LC, whose total may not exceed it (art. 38h). In the settlement
    /// currency their total is pulled from the caller's account into this contract's escrow (the caller approves this
    /// contract): the second beneficiaries are paid out of the first beneficiary's proceeds, never twice by the bank.
    function substituteInvoice(
        uint256 lcPresentationId,
        uint256[] calldata secondPresentationIds,
        bytes32 invoiceHash
    ) external;

    /// @notice The transferring bank demands the first beneficiary's substitution for a presentation (art. 38i).
    function demandSubstitution(uint256 secondPresentationId) external;

    /// @notice After `SUBSTITUTION_PERIOD` from its demand, the transferring bank links second beneficiaries'
    /// presentations as received to a presentation under the LC (art. 38i).
    function linkAsReceived(uint256 lcPresentationId, uint256[] calldata secondPresentationIds) external;

    /// @notice The transferring bank pays a linked second beneficiary's presentation once the LC presentation it is
    /// linked to is paid under the LC, or accepted by the issuing bank or a confirming bank (a nominated bank's
    /// acceptance does not bind the issuing bank, art. 12a). Substituted in the settlement currency: in tokens out of
    /// the first beneficiary's escrow (`offChainReference` must be zero). Linked as received (art. 38i, the first
    /// beneficiary did not fund it): from the caller's account at the bank's own risk when `offChainReference` is
    /// zero (the caller approves this contract), else recorded as paid off chain; other currencies off chain only.
    function paySecondBeneficiary(uint256 secondPresentationId, bytes32 offChainReference) external;

    /// @notice The second beneficiary, the first beneficiary or the transferring bank unlinks a second presentation
    /// whose linked LC presentation was refused (or its documents returned): it goes back to Presented, the link's
    /// total and the substitution demand are cleared, and the first beneficiary's escrow for it is refunded to the
    /// LC's beneficiary account. It can then be linked again.
    function unlink(uint256 secondPresentationId) external;

    /// @notice The issuing bank of `backToBackLcId` links it to `masterLcId`: its applicant is the master's
    /// beneficiary, same currency, amount plus tolerance not above the master's, expiring before it; both open and
    /// unexpired.
    function linkBackToBack(uint256 backToBackLcId, uint256 masterLcId) external;

    // --- views

    /// @notice An LC's transfer account.
    function transferableCredit(uint256 lcId) external view returns (TransferableCredit memory);

    /// @notice A transfer; reverts for an unknown one.
    function transfer(uint256 transferId) external view returns (Transfer memory);

    /// @notice A second beneficiary's presentation; reverts for an unknown one.
    function secondPresentation(uint256 secondPresentationId) external view returns (SecondPresentation memory);

    /// @notice The link of a presentation under the LC (zeros if none).
    function link(uint256 lcPresentationId) external view returns (Link memory);

    /// @notice The master LC of a back-to-back LC (0 if none).
    function masterOf(uint256 backToBackLcId) external view returns (uint256);

    /// @notice The fingerprint of the LC's current terms: keccak256 of its terms hash, amount, tolerances, expiry and
    /// latest shipment. A transfer request records it; execution requires it unchanged.
    function lcFingerprint(uint256 lcId) external view returns (bytes32);

    /// @notice The most that may still be transferred: the lesser of amount plus tolerance less transferred and what
    /// is still available under the LC (`LetterOfCredit.available`).
    function transferable(uint256 lcId) external view returns (uint256);

    /// @notice The letters of credit served.
    function letterOfCredit() external view returns (ILetterOfCredit);
}
