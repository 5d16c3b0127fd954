// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Settlement} from "../platform/Settlement.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {IDepositToken} from "../platform/interfaces/IDepositToken.sol";
import {IPaymentLedger} from "../platform/interfaces/IPaymentLedger.sol";
import {Roles} from "../platform/libraries/Roles.sol";
import {ILcPresentationChecks} from "./interfaces/ILcPresentationChecks.sol";
import {ILcTransfers} from "./interfaces/ILcTransfers.sol";
import {ILetterOfCredit} from "./interfaces/ILetterOfCredit.sol";

/// @title LcTransfers
/// @notice Transferable letters of credit (UCP 600 art. 38) and back-to-back LCs linked by reference. See
/// `ILcTransfers`.
/// @dev A companion of `LetterOfCredit` (which is at the contract size limit): it reads the LC's state through its
/// views and never writes it. It pays substituted second beneficiaries out of the first beneficiary's escrow (pulled at
/// substitution, settlement currency only) and linked-as-received ones from the transferring bank's account (a
/// registered system contract, `Settlement`). No reentrancy guard: every step writes its state before the token or
/// ledger call, and the deposit token (an ERC-20 without transfer hooks), the ledger, `LetterOfCredit` and
/// `LcPresentationChecks` (views only) do not call back.
contract LcTransfers is ILcTransfers, Settlement {
    /// @notice Time the first beneficiary has, from the transferring bank's demand, to substitute its invoice before
    /// the bank may link the second beneficiary's documents as received (art. 38i: "on first demand"; five days is a
    /// banking week, the art. 14b examination time).
    uint256 public constant SUBSTITUTION_PERIOD = 5 days;

    uint256 private constant _INDEX_BITS = 16;
    uint256 private constant _MAX_INDEX = type(uint16).max;
    uint256 private constant _PERCENT = 100;
    /// @dev `LetterOfCredit`'s flag bit for partial drawings allowed.
    uint8 private constant _PARTIAL_DRAWINGS = 1 << 1;
    /// @dev `LetterOfCredit`'s flag bit for a confirmed LC (the nominated bank's undertaking).
    uint8 private constant _CONFIRMED = 1 << 2;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ILetterOfCredit private immutable _letterOfCredit;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ILcPresentationChecks private immutable _checks;

    /// @custom:storage-location erc7201:consortia.storage.LcTransfers
    struct LcTransfersStorage {
        mapping(uint256 lcId => TransferableCredit) _credits;
        /// @dev Transfers requested and not declined (at most one without partial drawings).
        mapping(uint256 lcId => uint16) _liveTransfers;
        mapping(uint256 transferId => Transfer) _transfers;
        mapping(uint256 secondPresentationId => SecondPresentation) _presentations;
        mapping(uint256 lcPresentationId => Link) _links;
        mapping(uint256 backToBackLcId => uint256 masterLcId) _masters;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.LcTransfers")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant LC_TRANSFERS_STORAGE_LOCATION =
        0x062aafe04d04ee2b44bd442151b982b4b6dfaea7e29037a1cf73ace422406100;

    /// @param letterOfCredit_ The letters of credit served.
    /// @param presentationChecks_ Where each LC's presentation period is set (the transferred one may only be shorter).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IDepositToken token_,
        IPaymentLedger ledger_,
        ILetterOfCredit letterOfCredit_,
        ILcPresentationChecks presentationChecks_
    ) Settlement(registry_, token_, ledger_) {
        if (address(letterOfCredit_) == address(0)) revert InvalidValue("letterOfCredit");
        if (address(presentationChecks_) == address(0)) revert InvalidValue("presentationChecks");
        _letterOfCredit = letterOfCredit_;
        _checks = presentationChecks_;
    }

    /// @notice Initializes the proxy (run once, by the proxy's constructor).
    function initialize() external initializer {
        __ConsortiumApp_init();
    }

    // ------------------------------------------------------------------ transfers

    /// @inheritdoc ILcTransfers
    function designateTransferable(uint256 lcId) external whenNotPaused {
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(lcId);
        uint32 bank = _requireParty(lcId, Roles.LC_BANK, lc.issuingBank);
        if (
            lc.state < ILetterOfCredit.LetterOfCreditState.Issued ||
            lc.state > ILetterOfCredit.LetterOfCreditState.Acknowledged
        ) revert TransferLcWrongState(lcId, lc.state);
        if (block.timestamp > lc.expiry) revert TransferTooLate(lcId, lc.expiry);
        TransferableCredit storage credit = _getStorage()._credits[lcId];
        if (credit.transferable) revert AlreadyTransferable(lcId);
        credit.transferable = true;
        emit TransferableDesignated(lcId, bank);
    }

    /// @inheritdoc ILcTransfers
    function requestTransfer(
        uint256 lcId,
        TransferTerms calldata terms
    ) external whenNotPaused returns (uint256 transferId) {
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(lcId);
        // only the LC's own beneficiary: a second beneficiary never transfers again (art. 38d)
        uint32 first = _requireParty(lcId, Roles.LC_TRADER, lc.beneficiary);
        _requireAcknowledged(lcId, lc);
        if (block.timestamp > lc.expiry) revert TransferTooLate(lcId, lc.expiry);
        LcTransfersStorage storage $ = _getStorage();
        TransferableCredit storage credit = $._credits[lcId];
        if (!credit.transferable) revert NotTransferable(lcId);
        uint32 second = _authorizeAccount(terms.secondBeneficiary, Roles.LC_TRADER);
        if (second == first) revert InvalidValue("secondBeneficiary");
        _requireWithinLc(lcId, lc, terms);
        _requireRoom(lcId, lc, credit, terms.amount);
        uint16 live = $._liveTransfers[lcId];
        if (live != 0 && lc.flags & _PARTIAL_DRAWINGS == 0) revert SeveralTransfersNotAllowed(lcId);
        $._liveTransfers[lcId] = live + 1;
        transferId = _storeTransfer($, lcId, credit, terms, second, lc);
        emit TransferRequested(transferId, lcId, first, second, terms, $._transfers[transferId].lcFingerprint);
    }

    /// @inheritdoc ILcTransfers
    function executeTransfer(uint256 transferId) external whenNotPaused {
        uint256 lcId = transferId >> _INDEX_BITS;
        LcTransfersStorage storage $ = _getStorage();
        Transfer storage t = _transferIn($, transferId, TransferState.Requested);
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(lcId);
        uint32 bank = _requireParty(transferId, Roles.LC_BANK, _transferringBank(lc));
        _requireAcknowledged(lcId, lc);
        _requireUnchanged(transferId, t, lc);
        // the LC's presentation period may have been shortened since the request (art. 38g)
        if (t.presentationPeriodDays > _checks.presentationPeriod(address(_letterOfCredit), lcId)) {
            revert TransferTermsExceedLc(lcId, "presentationPeriod");
        }
        // both beneficiaries in good standing now
        registry().authorizeMember(lc.beneficiary, Roles.LC_TRADER);
        _requireSecondBeneficiary(transferId, t);
        TransferableCredit storage credit = $._credits[lcId];
        uint80 amount = t.amount;
        _requireRoom(lcId, lc, credit, amount);
        uint80 transferred = credit.transferred + amount;
        credit.transferred = transferred;
        t.state = TransferState.Executed;
        emit TransferExecuted(transferId, lcId, bank, amount, transferred);
    }

    /// @inheritdoc ILcTransfers
    function declineTransfer(uint256 transferId) external whenNotPaused {
        uint256 lcId = transferId >> _INDEX_BITS;
        LcTransfersStorage storage $ = _getStorage();
        Transfer storage t = _transferIn($, transferId, TransferState.Requested);
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(lcId);
        uint32 bank = _requireParty(transferId, Roles.LC_BANK, _transferringBank(lc));
        t.state = TransferState.Declined;
        --$._liveTransfers[lcId];
        emit TransferDeclined(transferId, lcId, bank);
    }

    // ------------------------------------------------------------------ the second beneficiary's documents

    /// @inheritdoc ILcTransfers
    function presentUnderTransfer(
        uint256 transferId,
        uint80 amount,
        bytes32 documentsHash,
        uint40 shipmentDate
    ) external whenNotPaused returns (uint256 secondPresentationId) {
        LcTransfersStorage storage $ = _getStorage();
        Transfer storage t = _transferIn($, transferId, TransferState.Executed);
        uint32 second = _requireParty(transferId, Roles.LC_TRADER, t.secondBeneficiary);
        uint256 lcId = transferId >> _INDEX_BITS;
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(lcId);
        _requireAcknowledged(lcId, lc);
        if (block.timestamp > lc.expiry) revert TransferTooLate(lcId, lc.expiry);
        if (amount == 0) revert InvalidValue("amount");
        if (documentsHash == bytes32(0)) revert InvalidValue("documentsHash");
        if (shipmentDate == 0 || shipmentDate > block.timestamp) revert InvalidValue("shipmentDate");
        secondPresentationId = _takePresentation(transferId, t, amount, shipmentDate);
        SecondPresentation storage sp = $._presentations[secondPresentationId];
        sp.amount = amount;
        sp.state = SecondPresentationState.Presented;
        sp.presentedAt = uint40(block.timestamp);
        sp.shipmentDate = shipmentDate;
        sp.documentsHash = documentsHash;
        emit SecondBeneficiaryPresented(secondPresentationId, transferId, second, amount, documentsHash, shipmentDate);
    }

    /// @inheritdoc ILcTransfers
    function substituteInvoice(
        uint256 lcPresentationId,
        uint256[] calldata secondPresentationIds,
        bytes32 invoiceHash
    ) external whenNotPaused {
        uint256 lcId = lcPresentationId >> _INDEX_BITS;
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(lcId);
        uint32 first = _requireParty(lcId, Roles.LC_TRADER, lc.beneficiary);
        if (invoiceHash == bytes32(0)) revert InvalidValue("invoiceHash");
        uint80 total = _link(lcId, lcPresentationId, secondPresentationIds, first, invoiceHash, false);
        // the second beneficiaries are paid out of the first beneficiary's money, held until the LC honours
        if (lc.currency == _letterOfCredit.settlementCurrency()) _pullToEscrow(msg.sender, total);
    }

    /// @inheritdoc ILcTransfers
    function demandSubstitution(uint256 secondPresentationId) external whenNotPaused {
        SecondPresentation storage sp = _presentationIn(_getStorage(), secondPresentationId);
        uint256 lcId = secondPresentationId >> (2 * _INDEX_BITS);
        uint32 bank = _requireParty(
            secondPresentationId,
            Roles.LC_BANK,
            _transferringBank(_letterOfCredit.letterOfCredit(lcId))
        );
        if (sp.state != SecondPresentationState.Presented || sp.substitutionDemandedAt != 0) {
            revert SecondPresentationWrongState(secondPresentationId, sp.state);
        }
        sp.substitutionDemandedAt = uint40(block.timestamp);
        emit SubstitutionDemanded(secondPresentationId, bank, uint40(block.timestamp + SUBSTITUTION_PERIOD));
    }

    /// @inheritdoc ILcTransfers
    function linkAsReceived(uint256 lcPresentationId, uint256[] calldata secondPresentationIds) external whenNotPaused {
        uint256 lcId = lcPresentationId >> _INDEX_BITS;
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(lcId);
        uint32 bank = _requireParty(lcPresentationId, Roles.LC_BANK, _transferringBank(lc));
        LcTransfersStorage storage $ = _getStorage();
        for (uint256 i; i < secondPresentationIds.length; ++i) {
            uint256 id = secondPresentationIds[i];
            uint256 demandedAt = _presentationIn($, id).substitutionDemandedAt;
            // demanded, and the first beneficiary's time ran out without its substitution (art. 38i)
            if (demandedAt == 0 || block.timestamp <= demandedAt + SUBSTITUTION_PERIOD) {
                revert SubstitutionPending(id, demandedAt == 0 ? 0 : demandedAt + SUBSTITUTION_PERIOD);
            }
        }
        _link(lcId, lcPresentationId, secondPresentationIds, bank, bytes32(0), true);
    }

    // ------------------------------------------------------------------ payment

    /// @inheritdoc ILcTransfers
    function paySecondBeneficiary(uint256 secondPresentationId, bytes32 offChainReference) external whenNotPaused {
        LcTransfersStorage storage $ = _getStorage();
        uint256 transferId = secondPresentationId >> _INDEX_BITS;
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(transferId >> _INDEX_BITS);
        uint32 bank = _requirePayingBank(transferId >> _INDEX_BITS, lc, secondPresentationId, offChainReference);
        Transfer storage t = $._transfers[transferId];
        // the payee in good standing now, still the second beneficiary's account
        _requireSecondBeneficiary(transferId, t);
        (uint80 amount, uint256 lcPresentationId, bool escrowed) = _bookPayment($, secondPresentationId, lc);
        if (escrowed && offChainReference != bytes32(0)) revert EscrowedPayment(secondPresentationId);
        address payee = t.secondBeneficiaryAccount;
        emit SecondBeneficiaryPaid(secondPresentationId, lcPresentationId, bank, payee, amount, offChainReference);
        if (escrowed) _payFromEscrow(payee, amount);
        else _settle(msg.sender, bank, payee, t.secondBeneficiary, amount, offChainReference);
    }

    /// @inheritdoc ILcTransfers
    function unlink(uint256 secondPresentationId) external whenNotPaused {
        LcTransfersStorage storage $ = _getStorage();
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(
            secondPresentationId >> (2 * _INDEX_BITS)
        );
        // a party: the refusal is on record, so the caller decides nothing
        uint32 caller = _authorize(Roles.MEMBER);
        uint32 second = $._transfers[secondPresentationId >> _INDEX_BITS].secondBeneficiary;
        if (caller != second && caller != lc.beneficiary && caller != _transferringBank(lc)) {
            revert TransferWrongParty(secondPresentationId, caller, second);
        }
        SecondPresentation storage sp = _presentationIn($, secondPresentationId);
        SecondPresentationState state = sp.state;
        if (state != SecondPresentationState.Substituted && state != SecondPresentationState.LinkedAsReceived) {
            revert SecondPresentationWrongState(secondPresentationId, state);
        }
        uint256 lcPresentationId = sp.lcPresentationId;
        ILetterOfCredit.PresentationState p = _letterOfCredit.presentation(lcPresentationId).state;
        // refused, or documents returned after a refusal notice (Held moves to Refused)
        if (p != ILetterOfCredit.PresentationState.Refused) revert LcPresentationNotRefused(lcPresentationId, p);
        uint80 amount = sp.amount;
        sp.state = SecondPresentationState.Presented;
        sp.lcPresentationId = 0;
        sp.substitutionDemandedAt = 0;
        $._links[lcPresentationId].linked -= amount;
        uint80 refunded =
            state == SecondPresentationState.Substituted && lc.currency == _letterOfCredit.settlementCurrency()
                ? amount
                : 0;
        emit PresentationUnlinked(secondPresentationId, lcPresentationId, refunded);
        if (refunded != 0) _payFromEscrow(lc.beneficiaryAccount, refunded);
    }

    // ------------------------------------------------------------------ back-to-back

    /// @inheritdoc ILcTransfers
    function linkBackToBack(uint256 backToBackLcId, uint256 masterLcId) external whenNotPaused {
        ILetterOfCredit.LetterOfCreditRecord memory back = _letterOfCredit.letterOfCredit(backToBackLcId);
        ILetterOfCredit.LetterOfCreditRecord memory master = _letterOfCredit.letterOfCredit(masterLcId);
        uint32 bank = _requireParty(backToBackLcId, Roles.LC_BANK, back.issuingBank);
        LcTransfersStorage storage $ = _getStorage();
        uint256 linked = $._masters[backToBackLcId];
        if (linked != 0) revert AlreadyLinked(backToBackLcId, linked);
        if (backToBackLcId == masterLcId) revert BackToBackMismatch(backToBackLcId, masterLcId, "lcId");
        _requireOpen(backToBackLcId, back);
        _requireOpen(masterLcId, master);
        if (block.timestamp > master.expiry) revert TransferTooLate(masterLcId, master.expiry);
        if (block.timestamp > back.expiry) revert TransferTooLate(backToBackLcId, back.expiry);
        // the back-to-back LC's applicant is the master's beneficiary, in good standing now
        if (back.applicant != master.beneficiary) {
            revert BackToBackMismatch(backToBackLcId, masterLcId, "applicant");
        }
        registry().authorizeMember(back.applicant, Roles.LC_TRADER);
        if (back.currency != master.currency) revert BackToBackMismatch(backToBackLcId, masterLcId, "currency");
        if (_maximum(back) > _maximum(master)) revert BackToBackMismatch(backToBackLcId, masterLcId, "amount");
        if (back.expiry >= master.expiry) revert BackToBackMismatch(backToBackLcId, masterLcId, "expiry");
        if (master.latestShipment != 0 && (back.latestShipment == 0 || back.latestShipment > master.latestShipment)) {
            revert BackToBackMismatch(backToBackLcId, masterLcId, "latestShipment");
        }
        $._masters[backToBackLcId] = masterLcId;
        emit BackToBackLinked(backToBackLcId, masterLcId, bank);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ILcTransfers
    function transferableCredit(uint256 lcId) external view returns (TransferableCredit memory) {
        return _getStorage()._credits[lcId];
    }

    /// @inheritdoc ILcTransfers
    function transfer(uint256 transferId) external view returns (Transfer memory t) {
        t = _getStorage()._transfers[transferId];
        if (t.state == TransferState.None) revert TransferUnknown(transferId);
    }

    /// @inheritdoc ILcTransfers
    function secondPresentation(uint256 secondPresentationId) external view returns (SecondPresentation memory) {
        return _presentationIn(_getStorage(), secondPresentationId);
    }

    /// @inheritdoc ILcTransfers
    function link(uint256 lcPresentationId) external view returns (Link memory) {
        return _getStorage()._links[lcPresentationId];
    }

    /// @inheritdoc ILcTransfers
    function masterOf(uint256 backToBackLcId) external view returns (uint256) {
        return _getStorage()._masters[backToBackLcId];
    }

    /// @inheritdoc ILcTransfers
    function lcFingerprint(uint256 lcId) external view returns (bytes32) {
        return _fingerprint(_letterOfCredit.letterOfCredit(lcId));
    }

    /// @inheritdoc ILcTransfers
    function transferable(uint256 lcId) external view returns (uint256) {
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(lcId);
        return _transferable(lcId, lc, _getStorage()._credits[lcId]);
    }

    /// @inheritdoc ILcTransfers
    function letterOfCredit() external view returns (ILetterOfCredit) {
        return _letterOfCredit;
    }

    // ------------------------------------------------------------------ internals

    /// @dev Links second beneficiaries' presentations (Presented, under transfers of `lcId`) to a presentation under
    /// the LC not refused and not linked before, whose amount covers their total.
    function _link(
        uint256 lcId,
        uint256 lcPresentationId,
        uint256[] calldata ids,
        uint32 linkedBy,
        bytes32 invoiceHash,
        bool asReceived
    ) private returns (uint80 total) {
        if (ids.length == 0) revert InvalidValue("secondPresentationIds");
        total = _linkEach(lcId, lcPresentationId, ids, asReceived);
        Link storage entry = _getStorage()._links[lcPresentationId];
        entry.linked = total;
        entry.invoiceHash = invoiceHash;
        emit PresentationsLinked(lcPresentationId, lcId, linkedBy, ids, total, invoiceHash, asReceived);
    }

    /// @dev Moves each second presentation to its linked state; their total may not exceed the LC presentation's
    /// amount (the first beneficiary's invoice may not be below the second's it replaces, art. 38h).
    function _linkEach(
        uint256 lcId,
        uint256 lcPresentationId,
        uint256[] calldata ids,
        bool asReceived
    ) private returns (uint80) {
        LcTransfersStorage storage $ = _getStorage();
        ILetterOfCredit.Presentation memory p = _letterOfCredit.presentation(lcPresentationId);
        if (p.state == ILetterOfCredit.PresentationState.Refused || $._links[lcPresentationId].linked != 0) {
            revert LinkNotAllowed(lcPresentationId, ids[0]);
        }
        uint256 total;
        for (uint256 i; i < ids.length; ++i) {
            uint256 id = ids[i];
            if (id >> (2 * _INDEX_BITS) != lcId) revert LinkNotAllowed(lcPresentationId, id);
            SecondPresentation storage sp = _presentationIn($, id);
            if (sp.state != SecondPresentationState.Presented) revert SecondPresentationWrongState(id, sp.state);
            sp.state = asReceived ? SecondPresentationState.LinkedAsReceived : SecondPresentationState.Substituted;
            sp.lcPresentationId = lcPresentationId;
            total += sp.amount;
            if (total > p.amount) revert LinkNotAllowed(lcPresentationId, id);
        }
        return uint80(total);
    }

    /// @dev The caller is the transferring bank now; tokens only in the settlement currency.
    function _requirePayingBank(
        uint256 lcId,
        ILetterOfCredit.LetterOfCreditRecord memory lc,
        uint256 secondPresentationId,
        bytes32 offChainReference
    ) private view returns (uint32 bank) {
        bank = _requireParty(secondPresentationId, Roles.LC_BANK, _transferringBank(lc));
        if (offChainReference == bytes32(0) && lc.currency != _letterOfCredit.settlementCurrency()) {
            revert TransferCurrencyNotSettleable(lcId, lc.currency);
        }
    }

    /// @dev A second presentation linked (substituted or as received) whose LC presentation is honoured under the LC
    /// (paid, sight or at maturity, or accepted by the issuing bank or a confirming bank: a deferred undertaking that
    /// binds the issuing bank; a nominated bank's acceptance alone does not, art. 12a), and what its second
    /// presentations are paid stays within its amount: records the payment. `escrowed`: substituted in the
    /// settlement currency, so paid out of the first beneficiary's escrow.
    function _bookPayment(
        LcTransfersStorage storage $,
        uint256 secondPresentationId,
        ILetterOfCredit.LetterOfCreditRecord memory lc
    ) private returns (uint80 amount, uint256 lcPresentationId, bool escrowed) {
        SecondPresentation storage sp = _presentationIn($, secondPresentationId);
        SecondPresentationState state = sp.state;
        if (state != SecondPresentationState.Substituted && state != SecondPresentationState.LinkedAsReceived) {
            revert SecondPresentationWrongState(secondPresentationId, state);
        }
        lcPresentationId = sp.lcPresentationId;
        ILetterOfCredit.Presentation memory p = _letterOfCredit.presentation(lcPresentationId);
        if (
            p.state != ILetterOfCredit.PresentationState.Paid &&
            (p.state != ILetterOfCredit.PresentationState.Accepted ||
                (_transferringBank(lc) != lc.issuingBank && lc.flags & _CONFIRMED == 0))
        ) {
            revert LcPresentationNotHonoured(lcPresentationId, p.state);
        }
        escrowed = state == SecondPresentationState.Substituted && lc.currency == _letterOfCredit.settlementCurrency();
        amount = sp.amount;
        Link storage entry = $._links[lcPresentationId];
        uint80 paid = entry.paid + amount;
        // never more than the LC paid for the presentation (the link already holds it; kept against any other path)
        if (paid > p.amount) revert LinkNotAllowed(lcPresentationId, secondPresentationId);
        entry.paid = paid;
        sp.state = SecondPresentationState.Paid;
        $._credits[secondPresentationId >> (2 * _INDEX_BITS)].paidToSecond += amount;
    }

    /// @dev Records a requested transfer under the LC's next index, with the fingerprint of the LC's terms now.
    function _storeTransfer(
        LcTransfersStorage storage $,
        uint256 lcId,
        TransferableCredit storage credit,
        TransferTerms calldata terms,
        uint32 second,
        ILetterOfCredit.LetterOfCreditRecord memory lc
    ) private returns (uint256 transferId) {
        uint256 index = uint256(credit.transferCount) + 1;
        if (index > _MAX_INDEX) revert InvalidValue("transferCount");
        credit.transferCount = uint16(index);
        transferId = (lcId << _INDEX_BITS) | index;
        Transfer storage t = $._transfers[transferId];
        t.secondBeneficiaryAccount = terms.secondBeneficiary;
        t.secondBeneficiary = second;
        t.state = TransferState.Requested;
        t.presentationPeriodDays = terms.presentationPeriodDays;
        t.amount = terms.amount;
        t.expiry = terms.expiry;
        t.latestShipment = terms.latestShipment;
        t.termsHash = terms.termsHash;
        t.lcFingerprint = _fingerprint(lc);
    }

    /// @dev Before the transferred expiry, and the LC the request was made against: an amendment since then needs a
    /// new request.
    function _requireUnchanged(
        uint256 transferId,
        Transfer storage t,
        ILetterOfCredit.LetterOfCreditRecord memory lc
    ) private view {
        uint40 expiry = t.expiry;
        if (block.timestamp > expiry) revert TransferTooLate(transferId, expiry);
        bytes32 requested = t.lcFingerprint;
        bytes32 current = _fingerprint(lc);
        if (requested != current) revert LcChangedSinceRequest(transferId, requested, current);
    }

    /// @dev The transferred terms (art. 38g): before the transferred expiry, shipped by its latest shipment (the
    /// second beneficiary's statement) and presented within its period after shipment, within the amount transferred.
    /// Counts the presentation and returns its id.
    function _takePresentation(
        uint256 transferId,
        Transfer storage t,
        uint80 amount,
        uint40 shipmentDate
    ) private returns (uint256 secondPresentationId) {
        uint40 expiry = t.expiry;
        if (block.timestamp > expiry) revert TransferTooLate(transferId, expiry);
        uint256 index = uint256(t.presentationCount) + 1;
        if (index > _MAX_INDEX) revert InvalidValue("presentationCount");
        secondPresentationId = (transferId << _INDEX_BITS) | index;
        uint40 latestShipment = t.latestShipment;
        if (latestShipment != 0 && shipmentDate > latestShipment) {
            revert SecondPresentationNotCompliant(secondPresentationId, "LATE_SHIPMENT");
        }
        if (block.timestamp > uint256(shipmentDate) + uint256(t.presentationPeriodDays) * 1 days) {
            revert SecondPresentationNotCompliant(secondPresentationId, "LATE_PRESENTATION");
        }
        uint80 presented = t.presented;
        uint80 transferAmount = t.amount;
        if (uint256(presented) + amount > transferAmount) {
            revert TransferOverdrawn(transferId, amount, transferAmount - presented);
        }
        t.presented = presented + amount;
        t.presentationCount = uint16(index);
    }

    /// @dev `amount` fits what may still be transferred (`_transferable`).
    function _requireRoom(
        uint256 lcId,
        ILetterOfCredit.LetterOfCreditRecord memory lc,
        TransferableCredit storage credit,
        uint256 amount
    ) private view {
        uint256 room = _transferable(lcId, lc, credit);
        if (amount > room) revert TransferExceedsLc(lcId, amount, room);
    }

    /// @dev Art. 38g: amount, expiry, latest shipment and presentation period only reduced, earlier or shorter.
    function _requireWithinLc(
        uint256 lcId,
        ILetterOfCredit.LetterOfCreditRecord memory lc,
        TransferTerms calldata terms
    ) private view {
        if (terms.amount == 0) revert InvalidValue("amount");
        if (terms.termsHash == bytes32(0)) revert InvalidValue("termsHash");
        if (terms.expiry > lc.expiry || terms.expiry <= block.timestamp) revert TransferTermsExceedLc(lcId, "expiry");
        if (
            terms.latestShipment > terms.expiry ||
            (lc.latestShipment != 0 && (terms.latestShipment == 0 || terms.latestShipment > lc.latestShipment))
        ) revert TransferTermsExceedLc(lcId, "latestShipment");
        uint16 period = terms.presentationPeriodDays;
        if (period == 0 || period > _checks.presentationPeriod(address(_letterOfCredit), lcId)) {
            revert TransferTermsExceedLc(lcId, "presentationPeriod");
        }
    }

    /// @dev The lesser of amount plus tolerance less transferred, and what the LC still has available.
    function _transferable(
        uint256 lcId,
        ILetterOfCredit.LetterOfCreditRecord memory lc,
        TransferableCredit storage credit
    ) private view returns (uint256) {
        uint256 maximum = _maximum(lc);
        uint256 transferred = credit.transferred;
        uint256 room = maximum > transferred ? maximum - transferred : 0;
        uint256 available = _letterOfCredit.available(lcId);
        return available < room ? available : room;
    }

    /// @dev The LC terms a transfer rests on.
    function _fingerprint(ILetterOfCredit.LetterOfCreditRecord memory lc) private pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    lc.termsHash,
                    lc.amount,
                    lc.tolerancePlus,
                    lc.toleranceMinus,
                    lc.expiry,
                    lc.latestShipment,
                    lc.beneficiary
                )
            );
    }

    /// @dev The most the LC can draw: amount plus the plus tolerance, rounded as `LetterOfCredit` rounds it (art. 30).
    function _maximum(ILetterOfCredit.LetterOfCreditRecord memory lc) private pure returns (uint256) {
        uint256 amount = lc.amount;
        return amount + (amount * lc.tolerancePlus) / _PERCENT;
    }

    /// @dev The transferring bank: the nominated bank if the LC names one, else the issuing bank (art. 38b).
    function _transferringBank(ILetterOfCredit.LetterOfCreditRecord memory lc) private pure returns (uint32) {
        return lc.nominatedBank != 0 ? lc.nominatedBank : lc.issuingBank;
    }

    /// @dev The second beneficiary's account may act now (LC_TRADER) and is still its member's.
    function _requireSecondBeneficiary(uint256 transferId, Transfer storage t) private view {
        uint32 member = _authorizeAccount(t.secondBeneficiaryAccount, Roles.LC_TRADER);
        uint32 expected = t.secondBeneficiary;
        if (member != expected) revert TransferWrongParty(transferId, member, expected);
    }

    function _requireAcknowledged(uint256 lcId, ILetterOfCredit.LetterOfCreditRecord memory lc) private pure {
        if (lc.state != ILetterOfCredit.LetterOfCreditState.Acknowledged) revert TransferLcWrongState(lcId, lc.state);
    }

    function _requireOpen(uint256 lcId, ILetterOfCredit.LetterOfCreditRecord memory lc) private pure {
        if (
            lc.state < ILetterOfCredit.LetterOfCreditState.Issued ||
            lc.state > ILetterOfCredit.LetterOfCreditState.Acknowledged
        ) revert TransferLcWrongState(lcId, lc.state);
    }

    function _transferIn(
        LcTransfersStorage storage $,
        uint256 transferId,
        TransferState expected
    ) private view returns (Transfer storage t) {
        t = $._transfers[transferId];
        TransferState state = t.state;
        if (state == TransferState.None) revert TransferUnknown(transferId);
        if (state != expected) revert TransferWrongState(transferId, state);
    }

    function _presentationIn(
        LcTransfersStorage storage $,
        uint256 secondPresentationId
    ) private view returns (SecondPresentation storage sp) {
        sp = $._presentations[secondPresentationId];
        if (sp.state == SecondPresentationState.None) revert SecondPresentationUnknown(secondPresentationId);
    }

    /// @dev The caller's member if it holds `role` now and is `expected`; reverts otherwise.
    function _requireParty(uint256 id, uint64 role, uint32 expected) private view returns (uint32 caller) {
        caller = _authorize(role);
        if (caller != expected) revert TransferWrongParty(id, caller, expected);
    }

    function _getStorage() private pure returns (LcTransfersStorage storage $) {
        assembly ("memory-safe") {
            $.slot := LC_TRANSFERS_STORAGE_LOCATION
        }
    }
}
