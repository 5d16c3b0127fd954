// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IDepositToken} from "../../platform/interfaces/IDepositToken.sol";
import {ILetterOfCredit} from "./ILetterOfCredit.sol";

/// @title ILcApplicantAccounts
/// @notice The applicant's side of a letter of credit, beside `LetterOfCredit` (which reads nothing from it): the
/// margin (a share of the LC amount the applicant locks in deposit tokens) and the release of documents against the
/// applicant's reimbursement (付款赎单). UCP 600 does not govern either: they are bank practice under the applicant
/// agreement between applicant and issuing bank. LC state, amounts and presentations are read from `LetterOfCredit`.
/// @dev Flow. The issuing bank sets the margin share (basis points) on the application (or on an open LC before any
/// margin is locked); the applicant locks that share of the most the LC can draw (amount plus tolerance, UCP 600 art.
/// 30), and of any increase by amendment, with `lockMargin` (the amount it agreed to is given again and must match).
/// Locked margin never returns to the applicant while the LC can still be drawn. When the issuing bank honoured a
/// presentation (state Paid in `LetterOfCredit`), it records the documents held for the applicant (`holdDocuments`):
/// the margin still free is applied toward the applicant's reimbursement (paid to the bank's account) and the rest is
/// due. The applicant pays it and takes up the documents (`payForRelease`). When a nominated bank honoured, its payment
/// was not the issuing bank's: the issuing bank takes the applicant's money only once it reimbursed the nominated bank
/// (the interbank obligation `LetterOfCredit` recorded is settled or netted; `holdDocumentsAfterReimbursement`), as it
/// is then itself bound and paid for the presentation (UCP 600 art. 7c, 12, 13). A bank that releases without payment
/// does so by the explicit step `releaseOnTrustReceipt` (the reimbursement stays due). When the LC is closed and every
/// drawing was held and reimbursed, the applicant takes back the margin left (`releaseMargin`); and whatever the LC's
/// state, after its expiry plus tenor plus `MARGIN_RECLAIM_GRACE` (`marginReclaimableAt`), the part not exposed to
/// presentations still reserved or drawings not held (all of it after `MARGIN_EXPOSED_RECLAIM_GRACE`, or once the
/// issuing bank is no longer in good standing). The margin share applies to
/// the most the LC can draw, amount plus tolerance (UCP 600 art. 30), rounded up. Amounts are minor units of the
/// settlement currency: margin exists only for LCs in the currency the deposit token settles.
interface ILcApplicantAccounts {
    /// @notice A presentation's documents as the issuing bank holds them for the applicant.
    enum ReleaseState {
        None,
        /// Held by the issuing bank until the applicant pays the reimbursement due.
        Held,
        /// Released to the applicant against its trust receipt (undertaking): the reimbursement is still due.
        ReleasedOnTrustReceipt,
        /// Reimbursed in full; the documents are (or were, on trust receipt) released to the applicant.
        Settled
    }

    /// @notice An LC's margin account: one slot for the money, one for the bookkeeping.
    /// @param shareBps Margin share of the LC amount, in basis points (zero: no margin agreed).
    /// @param locked Total the applicant locked.
    /// @param applied Total applied toward reimbursements (paid to the issuing bank).
    /// @param heldDrawn Total of the drawings whose documents the issuing bank recorded as held.
    /// @param released Total returned to the applicant at the end.
    /// @param outstanding Number of held presentations not yet reimbursed.
    struct MarginAccount {
        uint16 shareBps;
        uint80 locked;
        uint80 applied;
        uint80 heldDrawn;
        uint80 released;
        uint32 outstanding;
    }

    /// @notice A presentation's documents held for the applicant.
    /// @param state Lifecycle state.
    /// @param amountDue Reimbursement the applicant owes: amount paid less margin applied (zero once settled).
    /// @param marginApplied Margin applied toward this presentation's reimbursement.
    /// @param bankAccount The issuing bank's account that recorded the hold and receives the reimbursement.
    /// @param documentsHash Hash of the documents held (keccak256 of the presentation's `DocumentRef[]`, ABI-encoded).
    struct DocumentRelease {
        ReleaseState state;
        uint80 amountDue;
        uint80 marginApplied;
        address bankAccount;
        bytes32 documentsHash;
    }

    /// @notice The issuing bank set the margin share of an LC; `required` is the margin it asks for now.
    event MarginShareSet(uint256 indexed lcId, uint32 indexed issuingBank, uint16 shareBps, uint80 required);
    /// @notice The applicant locked `amount` of margin (total `locked`); `beforeIssue` when the LC was still an
    /// application (false: locked after the issuing bank issued, or the share of an amendment's increase).
    event MarginLocked(
        uint256 indexed lcId,
        uint32 indexed applicant,
        address account,
        uint80 amount,
        uint80 locked,
        bool beforeIssue
    );
    /// @notice The issuing bank honoured a presentation and holds its documents for the applicant: `marginApplied`
    /// went from the margin to `bankAccount`; `amountDue` is what the applicant pays to take up the documents.
    event DocumentsHeld(
        uint256 indexed presentationId,
        uint256 indexed lcId,
        uint32 indexed issuingBank,
        address bankAccount,
        bytes32 documentsHash,
        uint80 amountPaid,
        uint80 marginApplied,
        uint80 amountDue
    );
    /// @notice The issuing bank released the documents without payment, against the applicant's trust receipt
    /// (`undertakingHash`, its text kept off chain): `amountDue` stays owed.
    event DocumentsReleasedOnTrustReceipt(
        uint256 indexed presentationId,
        uint256 indexed lcId,
        uint32 indexed issuingBank,
        bytes32 documentsHash,
        bytes32 undertakingHash,
        uint80 amountDue
    );
    /// @notice The applicant paid the reimbursement due (`amount`, possibly zero when margin covered it all) to the
    /// issuing bank's account; `released` when this payment released the documents (false: released earlier on trust
    /// receipt).
    event ReimbursementPaid(
        uint256 indexed presentationId,
        uint256 indexed lcId,
        uint32 indexed applicant,
        address account,
        address bankAccount,
        uint80 amount,
        bytes32 documentsHash,
        bool released
    );
    /// @notice The issuing bank reimbursed the nominated bank that honoured the presentation: interbank obligation
    /// `obligationId` is settled or netted (emitted just before `DocumentsHeld`).
    event NominatedBankReimbursed(
        uint256 indexed presentationId,
        uint256 indexed lcId,
        uint32 indexed nominatedBank,
        uint256 obligationId
    );
    /// @notice The issuing bank named `account` (its own, in good standing) to receive the reimbursement due instead of
    /// `previous` (blacklisted, frozen or retired, say).
    event ReimbursementAccountChanged(
        uint256 indexed presentationId,
        uint256 indexed lcId,
        uint32 indexed issuingBank,
        address previous,
        address account
    );
    /// @notice The margin left after the LC closed went back to the applicant's `account`.
    event MarginReleased(uint256 indexed lcId, uint32 indexed applicant, address account, uint80 amount);

    /// @notice The LC is not in a state the step accepts (`current` as `LetterOfCredit` reports it).
    error MarginWrongLcState(uint256 lcId, ILetterOfCredit.LetterOfCreditState current);
    /// @notice The caller's member is not the LC's party for this step.
    error MarginWrongParty(uint256 lcId, uint32 caller, uint32 expected);
    /// @notice The LC is not in the currency the deposit token settles: no margin in tokens.
    error MarginCurrencyNotSettleable(uint256 lcId, bytes3 currency);
    /// @notice Margin is already locked: the share can no longer change.
    error MarginAlreadyLocked(uint256 lcId, uint80 locked);
    /// @notice No margin share is set, or the locked margin already covers it.
    error NoMarginDue(uint256 lcId);
    /// @notice The amount agreed is not the amount due now (the share or the LC amount changed since).
    error MarginAmountChanged(uint256 lcId, uint256 agreed, uint256 due);
    /// @notice The LC expired: no more margin is locked on it.
    error MarginLcExpired(uint256 lcId, uint40 expiry);
    /// @notice The presentation is not paid in `LetterOfCredit` (the bank has not honoured it yet).
    error PresentationNotHonoured(uint256 presentationId, ILetterOfCredit.PresentationState current);
    /// @notice The documents of the presentation are not in the state the step needs.
    error ReleaseWrongState(uint256 presentationId, ReleaseState current);
    /// @notice The reimbursement agreed is not the amount due.
    error ReimbursementAmountChanged(uint256 presentationId, uint256 agreed, uint256 due);
    /// @notice Drawings remain whose documents were not held and reimbursed; the margin stays locked.
    error ReimbursementsOutstanding(uint256 lcId, uint80 drawn, uint80 heldDrawn, uint32 outstanding);
    /// @notice The LC names a nominated bank whose payment the issuing bank has not been shown to reimburse
    /// (`obligationId` zero: `holdDocuments` was used where `holdDocumentsAfterReimbursement` is needed; else the
    /// obligation is still open or was released).
    error NominatedBankNotReimbursed(uint256 presentationId, uint32 nominatedBank, uint256 obligationId);
    /// @notice The LC names no nominated bank: the issuing bank honoured itself (`holdDocuments`).
    error NoNominatedBank(uint256 lcId);
    /// @notice The obligation is not the issuing bank's debt to the nominated bank of this presentation's amount in the
    /// settlement token.
    error ReimbursementObligationMismatch(uint256 presentationId, uint256 obligationId);
    /// @notice The obligation already backed the hold of presentation `presentationId`.
    error ReimbursementObligationUsed(uint256 obligationId, uint256 presentationId);
    /// @notice Nothing left to release.
    error NoMarginToRelease(uint256 lcId);
    /// @notice After the grace, all the `rest` of the margin still covers presentations reserved or drawings not held
    /// while the issuing bank is in good standing: it returns at `releasableAt` (or once the bank is not in good
    /// standing).
    error MarginExposed(uint256 lcId, uint80 rest, uint256 releasableAt);

    /// @notice The issuing bank (LC_BANK) sets the margin share in basis points (1..10,000) of an application or an
    /// open LC in the settlement currency, before any margin is locked.
    function setMarginShare(uint256 lcId, uint16 shareBps) external;

    /// @notice The applicant (LC_TRADER) locks the margin due now: the share of amount plus tolerance less what is
    /// locked. `agreed` must equal that amount (else `MarginAmountChanged`). Application or open LC, before expiry. The
    /// caller's account must have approved this contract; frozen tokens do not move (the token refuses).
    function lockMargin(uint256 lcId, uint80 agreed) external;

    /// @notice The issuing bank (LC_BANK) records that it honoured (paid) a presentation and holds its documents
    /// (`documentsHash`) for the applicant: the free margin, up to the amount paid, is applied and paid to the
    /// caller's account; the rest is due from the applicant. Only for LCs without a nominated bank (else
    /// `NominatedBankNotReimbursed`: use `holdDocumentsAfterReimbursement`).
    function holdDocuments(uint256 presentationId, bytes32 documentsHash) external;

    /// @notice `holdDocuments` for an LC whose nominated bank honoured (paid) the presentation: the issuing bank
    /// (LC_BANK) shows that it reimbursed the nominated bank, by interbank obligation `obligationId` (the one
    /// `LetterOfCredit` recorded: `ReimbursementRecorded`) now settled or netted. Each obligation backs one hold.
    /// @dev `InterbankPositions` does not store an obligation's purpose, so the check is of debtor (issuing bank),
    /// creditor (nominated bank), amount, currency and status, and that the obligation backs no other hold: the bank
    /// cannot take more of the applicant's money than it paid the nominated bank. An obligation settled off chain
    /// counts on the debtor's record, as `LetterOfCredit` counts its off-chain payments.
    function holdDocumentsAfterReimbursement(
        uint256 presentationId,
        bytes32 documentsHash,
        uint256 obligationId
    ) external;

    /// @notice The applicant (LC_TRADER) pays the reimbursement due (`agreed` must equal it) to the bank's account and
    /// takes up the documents held, or settles what it owes after a release on trust receipt. Applicant and the bank's
    /// account must be in good standing when it pays (a blacklisted account: the bank names another,
    /// `changeReimbursementAccount`).
    function payForRelease(uint256 presentationId, uint80 agreed) external;

    /// @notice The issuing bank (LC_BANK) releases held documents without payment, against the applicant's trust
    /// receipt (`undertakingHash`): the recorded step a silent release would skip. The reimbursement stays due. The
    /// applicant must be in good standing (its undertaking).
    function releaseOnTrustReceipt(uint256 presentationId, bytes32 undertakingHash) external;

    /// @notice An account of the issuing bank (LC_BANK, in good standing) becomes the account the reimbursement due on
    /// held (or trust-receipt) documents is paid to, in place of the one that recorded the hold.
    function changeReimbursementAccount(uint256 presentationId) external;

    /// @notice The applicant (LC_TRADER) takes back the margin left once the LC is closed (fully drawn, expired,
    /// cancelled or declined) and every drawing's documents were held and reimbursed; or, whatever the LC's state and
    /// the bank's records, after `marginReclaimableAt(lcId)`: then the margin left less what is exposed (the LC's
    /// reserved amount plus drawings paid but not held), all of it once the issuing bank is not in good standing or
    /// after expiry plus tenor plus `MARGIN_EXPOSED_RECLAIM_GRACE`. Paid to the caller's account.
    function releaseMargin(uint256 lcId) external;

    /// @notice When the applicant may take back the margin not applied in any case: expiry plus tenor plus
    /// `MARGIN_RECLAIM_GRACE` (moves with an amendment of the expiry).
    function marginReclaimableAt(uint256 lcId) external view returns (uint256);

    /// @notice The presentation whose hold interbank obligation `obligationId` backs (zero: none).
    function reimbursementHold(uint256 obligationId) external view returns (uint256 presentationId);

    /// @notice The LC's margin account.
    function marginAccount(uint256 lcId) external view returns (MarginAccount memory);

    /// @notice Margin the share asks for on the most the LC can draw now (amount plus tolerance), and what the
    /// applicant must still lock.
    function marginDue(uint256 lcId) external view returns (uint80 required, uint80 due);

    /// @notice A presentation's documents held for the applicant (state None if never held).
    function documentRelease(uint256 presentationId) external view returns (DocumentRelease memory);

    /// @notice The letters of credit this contract serves.
    function letterOfCredit() external view returns (ILetterOfCredit);

    /// @notice The deposit token margin and reimbursements move in.
    function settlementToken() external view returns (IDepositToken);
}
