// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ConsortiumApp} from "../platform/ConsortiumApp.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {IDepositToken} from "../platform/interfaces/IDepositToken.sol";
import {Roles} from "../platform/libraries/Roles.sol";
import {IInterbankPositions} from "./interfaces/IInterbankPositions.sol";
import {ILcApplicantAccounts} from "./interfaces/ILcApplicantAccounts.sol";
import {ILetterOfCredit} from "./interfaces/ILetterOfCredit.sol";

/// @title LcApplicantAccounts
/// @notice Margin and release of documents for letters of credit. See `ILcApplicantAccounts`.
/// @dev A companion of `LetterOfCredit` (which is at the contract size limit): it reads the LC's state through its
/// views and never writes it. Margin is held in this contract's token balance (a registered system contract).
/// No reentrancy guard: every step writes its state before the token call, and the deposit token (an ERC-20 without
/// transfer hooks), `LetterOfCredit` and `InterbankPositions` (views only) do not call back.
///
/// What is enforced, and what is not ("margin locked at issue"). `LetterOfCredit` does not read this contract (it is at
/// the size limit): an issuing bank can approve or issue an LC with no margin, or before the applicant locked it. That
/// is the bank's own credit decision (the margin is its security, not the beneficiary's), so nothing here can or needs
/// to stop it; what this contract guarantees is the applicant's side: the share cannot change once margin is locked,
/// the amount locked is the one the applicant agreed to (`agreed`), `MarginLocked.beforeIssue` records whether it was
/// locked before the LC was issued (the API and CLI show it), margin goes to the issuing bank only toward a
/// presentation the bank itself paid, or for which it reimbursed the nominated bank
/// (`holdDocumentsAfterReimbursement`), and margin not so applied returns to the applicant (`releaseMargin`, with the
/// fallback after `marginReclaimableAt`).
contract LcApplicantAccounts is ILcApplicantAccounts, ConsortiumApp {
    using SafeERC20 for IDepositToken;

    /// @notice Basis points in the whole (a margin share of 10,000 is full cash cover).
    uint16 public constant BPS = 10_000;
    uint256 private constant _INDEX_BITS = 16;
    uint256 private constant _PERCENT = 100;
    /// @notice Time after an LC's expiry plus its tenor after which the applicant may take back the margin not applied
    /// and not exposed (see `MARGIN_EXPOSED_RECLAIM_GRACE`), whatever the state of the LC (`releaseMargin`). It covers
    /// the examination clock of a presentation made on the expiry date (five banking days, UCP 600 art. 14b, which
    /// holidays can stretch to about two calendar weeks), payment at the latest maturity (tenor), the issuing bank's
    /// reimbursement of a nominated bank, and its recording of the hold, with time to spare. Without it, margin would
    /// stay locked forever when the bank never records a hold, is suspended, or loses its role; after it, the bank's
    /// claims against the applicant stay (documents held, trust receipts) but no longer have the margin as security.
    uint256 public constant MARGIN_RECLAIM_GRACE = 30 days;
    /// @notice Time after an LC's expiry plus its tenor after which the fallback of `releaseMargin` also returns the
    /// exposed margin: the part that covers what the LC may still have to pay or reimburse (presentations reserved
    /// and not finally refused, and drawings paid whose documents the issuing bank has not held). `LetterOfCredit`
    /// sets no time limit on paying a presentation that is compliant, waived, held by a refusing nominated bank or
    /// precluded, so after `MARGIN_RECLAIM_GRACE` the applicant could otherwise take the margin back and then waive,
    /// leaving the issuing bank to reimburse with no security. While the issuing bank is in good standing (active,
    /// with LC_BANK), the exposed part therefore stays until this second deadline; a bank suspended or without its
    /// role cannot pay, hold or record anything, so nothing then protects it and the exposed part returns at once.
    /// One year: beyond any examination, waiver, payment and reimbursement cycle (UCP 600 art. 14b, 16), and a
    /// presentation still unpaid that long after the latest maturity is a dispute for the parties' agreement or the
    /// courts, not a reason to hold the applicant's cash forever; the bank's claims against the applicant remain.
    uint256 public constant MARGIN_EXPOSED_RECLAIM_GRACE = 365 days;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ILetterOfCredit private immutable _letterOfCredit;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IDepositToken private immutable _token;

    /// @custom:storage-location erc7201:consortia.storage.LcApplicantAccounts
    struct LcApplicantAccountsStorage {
        mapping(uint256 lcId => MarginAccount) _accounts;
        mapping(uint256 presentationId => DocumentRelease) _releases;
        // appended (release 0.4): the interbank obligation that reimbursed a nominated bank, once it backed a hold
        mapping(uint256 obligationId => uint256 presentationId) _reimbursementHolds;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.LcApplicantAccounts")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant LC_APPLICANT_ACCOUNTS_STORAGE_LOCATION =
        0xf9a634ce1d35d8d9556ee47c115fff29942cf2d8f016f8f673b7dc98871c2a00;

    /// @param letterOfCredit_ The letters of credit served.
    /// @param token_ The deposit token margin and reimbursements move in (the LCs' settlement token).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        ILetterOfCredit letterOfCredit_,
        IDepositToken token_
    ) ConsortiumApp(registry_) {
        if (address(letterOfCredit_) == address(0)) revert InvalidValue("letterOfCredit");
        if (address(token_) == address(0)) revert InvalidValue("token");
        _letterOfCredit = letterOfCredit_;
        _token = token_;
    }

    /// @notice Initializes the proxy (run once, by the proxy's constructor).
    function initialize() external initializer {
        __ConsortiumApp_init();
    }

    // ------------------------------------------------------------------ margin

    /// @inheritdoc ILcApplicantAccounts
    function setMarginShare(uint256 lcId, uint16 shareBps) external whenNotPaused {
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(lcId);
        uint32 bank = _requireParty(lcId, Roles.LC_BANK, lc.issuingBank);
        _requireLive(lcId, lc);
        _requireSettleable(lcId, lc.currency);
        if (shareBps == 0 || shareBps > BPS) revert InvalidValue("shareBps");
        MarginAccount storage account = _getStorage()._accounts[lcId];
        uint80 locked = account.locked;
        if (locked != 0) revert MarginAlreadyLocked(lcId, locked);
        account.shareBps = shareBps;
        emit MarginShareSet(lcId, bank, shareBps, _required(_maximum(lc), shareBps));
    }

    /// @inheritdoc ILcApplicantAccounts
    function lockMargin(uint256 lcId, uint80 agreed) external whenNotPaused {
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(lcId);
        uint32 applicant = _requireParty(lcId, Roles.LC_TRADER, lc.applicant);
        _requireLive(lcId, lc);
        MarginAccount storage account = _getStorage()._accounts[lcId];
        (, uint80 due) = _due(account, lc);
        if (due == 0) revert NoMarginDue(lcId);
        if (agreed != due) revert MarginAmountChanged(lcId, agreed, due);
        uint80 locked = account.locked + due;
        account.locked = locked;
        emit MarginLocked(
            lcId,
            applicant,
            msg.sender,
            due,
            locked,
            lc.state == ILetterOfCredit.LetterOfCreditState.Applied
        );
        _token.safeTransferFrom(msg.sender, address(this), due);
    }

    /// @inheritdoc ILcApplicantAccounts
    function releaseMargin(uint256 lcId) external whenNotPaused {
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(lcId);
        uint32 applicant = _requireParty(lcId, Roles.LC_TRADER, lc.applicant);
        MarginAccount storage account = _getStorage()._accounts[lcId];
        // after the grace the margin returns whatever the bank did or did not record (see MARGIN_RECLAIM_GRACE)
        if (block.timestamp <= _reclaimableAt(lc)) {
            // closed: fully drawn, expired, cancelled or declined (nothing more can be drawn)
            if (lc.state < ILetterOfCredit.LetterOfCreditState.FullyDrawn) revert MarginWrongLcState(lcId, lc.state);
            uint80 heldDrawn = account.heldDrawn;
            uint32 outstanding = account.outstanding;
            if (heldDrawn != lc.drawn || outstanding != 0) {
                revert ReimbursementsOutstanding(lcId, lc.drawn, heldDrawn, outstanding);
            }
        }
        uint80 released = account.released;
        uint80 rest = account.locked - account.applied - released;
        if (rest == 0) revert NoMarginToRelease(lcId);
        if (block.timestamp > _reclaimableAt(lc)) {
            // the fallback returns only what no drawing can still call on (see MARGIN_EXPOSED_RECLAIM_GRACE)
            uint256 exposed = _exposed(lc, account);
            if (exposed != 0) {
                if (exposed >= rest) revert MarginExposed(lcId, rest, _exposedReclaimableAt(lc));
                rest -= uint80(exposed);
            }
        }
        account.released = released + rest;
        emit MarginReleased(lcId, applicant, msg.sender, rest);
        _token.safeTransfer(msg.sender, rest);
    }

    // ------------------------------------------------------------------ release of documents

    /// @inheritdoc ILcApplicantAccounts
    function holdDocuments(uint256 presentationId, bytes32 documentsHash) external whenNotPaused {
        uint256 lcId = presentationId >> _INDEX_BITS;
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(lcId);
        uint32 bank = _requireParty(lcId, Roles.LC_BANK, lc.issuingBank);
        // with a nominated bank, the presentation's payment was the nominated bank's, not the issuing bank's
        if (lc.nominatedBank != 0) revert NominatedBankNotReimbursed(presentationId, lc.nominatedBank, 0);
        _holdPaid(presentationId, lcId, lc, bank, documentsHash);
    }

    /// @inheritdoc ILcApplicantAccounts
    function holdDocumentsAfterReimbursement(
        uint256 presentationId,
        bytes32 documentsHash,
        uint256 obligationId
    ) external whenNotPaused {
        uint256 lcId = presentationId >> _INDEX_BITS;
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(lcId);
        uint32 nominated = lc.nominatedBank;
        if (nominated == 0) revert NoNominatedBank(lcId);
        uint32 bank = _requireParty(lcId, Roles.LC_BANK, lc.issuingBank);
        uint80 amount = _letterOfCredit.presentation(presentationId).amount;
        IInterbankPositions positions = _letterOfCredit.interbankPositions();
        IInterbankPositions.Obligation memory o = positions.obligation(obligationId);
        // the issuing bank owed the nominated bank this presentation's amount (in the settlement token) and paid it,
        // and the obligation is the one LetterOfCredit recorded for this presentation when the nominated bank paid
        // (its purpose is the presentation id): not one the issuing bank recorded and "settled" on its own word, nor
        // the reimbursement of another presentation of the same amount
        if (
            o.debtor != lc.issuingBank ||
            o.creditor != nominated ||
            o.amount != amount ||
            o.currency != 0 ||
            positions.recordedPurpose(obligationId, address(_letterOfCredit)) != bytes32(presentationId)
        ) {
            revert ReimbursementObligationMismatch(presentationId, obligationId);
        }
        if (
            o.status != IInterbankPositions.ObligationStatus.Settled &&
            o.status != IInterbankPositions.ObligationStatus.Netted
        ) {
            revert NominatedBankNotReimbursed(presentationId, nominated, obligationId);
        }
        LcApplicantAccountsStorage storage $ = _getStorage();
        uint256 usedBy = $._reimbursementHolds[obligationId];
        if (usedBy != 0) revert ReimbursementObligationUsed(obligationId, usedBy);
        $._reimbursementHolds[obligationId] = presentationId;
        emit NominatedBankReimbursed(presentationId, lcId, nominated, obligationId);
        _holdPaid(presentationId, lcId, lc, bank, documentsHash);
    }

    /// @inheritdoc ILcApplicantAccounts
    function payForRelease(uint256 presentationId, uint80 agreed) external whenNotPaused {
        uint256 lcId = presentationId >> _INDEX_BITS;
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(lcId);
        LcApplicantAccountsStorage storage $ = _getStorage();
        DocumentRelease storage release = $._releases[presentationId];
        ReleaseState state = release.state;
        if (state != ReleaseState.Held && state != ReleaseState.ReleasedOnTrustReceipt) {
            revert ReleaseWrongState(presentationId, state);
        }
        address bankAccount = release.bankAccount;
        // the applicant pays, and the bank's account it pays must still be the issuing bank's, in good standing
        (uint32 applicant, uint32 bank) = registry().authorizePair(
            msg.sender,
            Roles.LC_TRADER,
            bankAccount,
            Roles.LC_BANK
        );
        if (applicant != lc.applicant) revert MarginWrongParty(lcId, applicant, lc.applicant);
        if (bank != lc.issuingBank) revert MarginWrongParty(lcId, bank, lc.issuingBank);
        uint80 amountDue = release.amountDue;
        if (agreed != amountDue) revert ReimbursementAmountChanged(presentationId, agreed, amountDue);
        release.state = ReleaseState.Settled;
        release.amountDue = 0;
        --$._accounts[lcId].outstanding;
        emit ReimbursementPaid(
            presentationId,
            lcId,
            applicant,
            msg.sender,
            bankAccount,
            amountDue,
            release.documentsHash,
            state == ReleaseState.Held
        );
        _token.safeTransferFrom(msg.sender, bankAccount, amountDue);
    }

    /// @inheritdoc ILcApplicantAccounts
    function releaseOnTrustReceipt(uint256 presentationId, bytes32 undertakingHash) external whenNotPaused {
        uint256 lcId = presentationId >> _INDEX_BITS;
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(lcId);
        uint32 bank = _requireParty(lcId, Roles.LC_BANK, lc.issuingBank);
        // the undertaking is the applicant's: a suspended applicant (or one without its role) gives none
        registry().authorizeMember(lc.applicant, Roles.LC_TRADER);
        if (undertakingHash == bytes32(0)) revert InvalidValue("undertakingHash");
        DocumentRelease storage release = _getStorage()._releases[presentationId];
        ReleaseState state = release.state;
        if (state != ReleaseState.Held) revert ReleaseWrongState(presentationId, state);
        release.state = ReleaseState.ReleasedOnTrustReceipt;
        emit DocumentsReleasedOnTrustReceipt(
            presentationId,
            lcId,
            bank,
            release.documentsHash,
            undertakingHash,
            release.amountDue
        );
    }

    /// @inheritdoc ILcApplicantAccounts
    function changeReimbursementAccount(uint256 presentationId) external whenNotPaused {
        uint256 lcId = presentationId >> _INDEX_BITS;
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(lcId);
        // the caller, an account of the issuing bank in good standing now, is the new account
        uint32 bank = _requireParty(lcId, Roles.LC_BANK, lc.issuingBank);
        DocumentRelease storage release = _getStorage()._releases[presentationId];
        ReleaseState state = release.state;
        if (state != ReleaseState.Held && state != ReleaseState.ReleasedOnTrustReceipt) {
            revert ReleaseWrongState(presentationId, state);
        }
        address previous = release.bankAccount;
        if (previous == msg.sender) revert InvalidValue("account");
        release.bankAccount = msg.sender;
        emit ReimbursementAccountChanged(presentationId, lcId, bank, previous, msg.sender);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ILcApplicantAccounts
    function marginReclaimableAt(uint256 lcId) external view returns (uint256) {
        return _reclaimableAt(_letterOfCredit.letterOfCredit(lcId));
    }

    /// @inheritdoc ILcApplicantAccounts
    function reimbursementHold(uint256 obligationId) external view returns (uint256 presentationId) {
        return _getStorage()._reimbursementHolds[obligationId];
    }

    /// @inheritdoc ILcApplicantAccounts
    function marginAccount(uint256 lcId) external view returns (MarginAccount memory) {
        return _getStorage()._accounts[lcId];
    }

    /// @inheritdoc ILcApplicantAccounts
    function marginDue(uint256 lcId) external view returns (uint80 required, uint80 due) {
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(lcId);
        return _due(_getStorage()._accounts[lcId], lc);
    }

    /// @inheritdoc ILcApplicantAccounts
    function documentRelease(uint256 presentationId) external view returns (DocumentRelease memory) {
        return _getStorage()._releases[presentationId];
    }

    /// @inheritdoc ILcApplicantAccounts
    function letterOfCredit() external view returns (ILetterOfCredit) {
        return _letterOfCredit;
    }

    /// @inheritdoc ILcApplicantAccounts
    function settlementToken() external view returns (IDepositToken) {
        return _token;
    }

    // ------------------------------------------------------------------ internals

    /// @dev Records the documents of a paid presentation as held by the caller (the issuing bank's account) and pays
    /// it the margin applied.
    function _holdPaid(
        uint256 presentationId,
        uint256 lcId,
        ILetterOfCredit.LetterOfCreditRecord memory lc,
        uint32 bank,
        bytes32 documentsHash
    ) private {
        _requireSettleable(lcId, lc.currency);
        ILetterOfCredit.Presentation memory p = _letterOfCredit.presentation(presentationId);
        if (p.state != ILetterOfCredit.PresentationState.Paid) revert PresentationNotHonoured(presentationId, p.state);
        if (documentsHash == bytes32(0)) revert InvalidValue("documentsHash");
        (uint80 marginApplied, uint80 amountDue) = _hold(presentationId, lcId, p.amount, documentsHash);
        emit DocumentsHeld(presentationId, lcId, bank, msg.sender, documentsHash, p.amount, marginApplied, amountDue);
        if (amountDue == 0) {
            // the margin reimbursed it all: the documents go to the applicant with nothing to pay
            emit ReimbursementPaid(presentationId, lcId, lc.applicant, address(0), msg.sender, 0, documentsHash, true);
        }
        if (marginApplied != 0) _token.safeTransfer(msg.sender, marginApplied);
    }

    /// @dev Records a paid presentation's documents as held by the caller's account: applies the free margin up to
    /// `amount`, the rest due (none due: settled at once).
    function _hold(
        uint256 presentationId,
        uint256 lcId,
        uint80 amount,
        bytes32 documentsHash
    ) private returns (uint80 marginApplied, uint80 amountDue) {
        LcApplicantAccountsStorage storage $ = _getStorage();
        DocumentRelease storage release = $._releases[presentationId];
        if (release.state != ReleaseState.None) revert ReleaseWrongState(presentationId, release.state);
        MarginAccount storage account = $._accounts[lcId];
        uint80 applied = account.applied;
        uint80 free = account.locked - applied - account.released;
        marginApplied = free < amount ? free : amount;
        amountDue = amount - marginApplied;
        account.applied = applied + marginApplied;
        account.heldDrawn += amount;
        if (amountDue != 0) ++account.outstanding;
        $._releases[presentationId] = DocumentRelease(
            amountDue == 0 ? ReleaseState.Settled : ReleaseState.Held,
            amountDue,
            marginApplied,
            msg.sender,
            documentsHash
        );
    }

    /// @dev The share of the most the LC can draw (amount plus tolerance, UCP 600 art. 30), rounded up (the bank is
    /// never short of a minor unit), and what is still to lock.
    function _due(
        MarginAccount storage account,
        ILetterOfCredit.LetterOfCreditRecord memory lc
    ) private view returns (uint80 required, uint80 due) {
        uint16 shareBps = account.shareBps;
        if (shareBps == 0) return (0, 0);
        required = _required(_maximum(lc), shareBps);
        uint80 locked = account.locked;
        due = required > locked ? required - locked : 0;
    }

    function _required(uint256 maximum, uint16 shareBps) private pure returns (uint80) {
        // maximum < 2**80 (LetterOfCredit refuses terms above it) and shareBps <= 10,000: the result fits uint80
        return uint80((maximum * shareBps + BPS - 1) / BPS);
    }

    /// @dev The most the LC can draw: amount plus the plus tolerance, rounded as `LetterOfCredit` rounds it.
    function _maximum(ILetterOfCredit.LetterOfCreditRecord memory lc) private pure returns (uint256) {
        uint256 amount = lc.amount;
        return amount + (amount * lc.tolerancePlus) / _PERCENT;
    }

    /// @dev After this moment the applicant may take back the margin not applied (`MARGIN_RECLAIM_GRACE`).
    function _reclaimableAt(ILetterOfCredit.LetterOfCreditRecord memory lc) private pure returns (uint256) {
        return uint256(lc.expiry) + uint256(lc.tenorDays) * 1 days + MARGIN_RECLAIM_GRACE;
    }

    /// @dev After this moment the fallback also returns the exposed margin (`MARGIN_EXPOSED_RECLAIM_GRACE`).
    function _exposedReclaimableAt(ILetterOfCredit.LetterOfCreditRecord memory lc) private pure returns (uint256) {
        return uint256(lc.expiry) + uint256(lc.tenorDays) * 1 days + MARGIN_EXPOSED_RECLAIM_GRACE;
    }

    /// @dev What the LC may still call on the margin for: presentations reserved (not finally refused) plus drawings
    /// paid whose documents were not held; zero after `_exposedReclaimableAt` or once the issuing bank is no longer in
    /// good standing (suspended, removed, or without LC_BANK).
    function _exposed(
        ILetterOfCredit.LetterOfCreditRecord memory lc,
        MarginAccount storage account
    ) private view returns (uint256) {
        if (block.timestamp > _exposedReclaimableAt(lc)) return 0;
        (, IConsortiumRegistry.MemberStatus status, uint64 roles) = registry().memberProfile(lc.issuingBank);
        if (status != IConsortiumRegistry.MemberStatus.Active || roles & Roles.LC_BANK == 0) return 0;
        uint256 heldDrawn = account.heldDrawn;
        uint256 unheld = lc.drawn > heldDrawn ? lc.drawn - heldDrawn : 0;
        return uint256(lc.reserved) + unheld;
    }

    /// @dev An application or an open LC (issued, advised, acknowledged), before its expiry.
    function _requireLive(uint256 lcId, ILetterOfCredit.LetterOfCreditRecord memory lc) private view {
        if (lc.state > ILetterOfCredit.LetterOfCreditState.Acknowledged) revert MarginWrongLcState(lcId, lc.state);
        if (block.timestamp > lc.expiry) revert MarginLcExpired(lcId, lc.expiry);
    }

    function _requireSettleable(uint256 lcId, bytes3 currency) private view {
        if (currency != _letterOfCredit.settlementCurrency()) revert MarginCurrencyNotSettleable(lcId, currency);
    }

    /// @dev The caller's member if it holds `role` now and is `expected`; reverts otherwise.
    function _requireParty(uint256 lcId, uint64 role, uint32 expected) private view returns (uint32 caller) {
        caller = _authorize(role);
        if (caller != expected) revert MarginWrongParty(lcId, caller, expected);
    }

    function _getStorage() private pure returns (LcApplicantAccountsStorage storage $) {
        assembly ("memory-safe") {
            $.slot := LC_APPLICANT_ACCOUNTS_STORAGE_LOCATION
        }
    }
}
