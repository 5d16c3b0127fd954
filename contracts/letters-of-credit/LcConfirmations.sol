// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsortiumApp} from "../platform/ConsortiumApp.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {Roles} from "../platform/libraries/Roles.sol";
import {ILcConfirmations} from "./interfaces/ILcConfirmations.sol";
import {ILetterOfCredit} from "./interfaces/ILetterOfCredit.sol";

/// @title LcConfirmations
/// @notice Confirmation of letters of credit and the confirming bank's consent to amendments (UCP 600 art. 8, 10).
/// See `ILcConfirmations`.
/// @dev A companion of `LetterOfCredit` (which is at the contract size limit): it reads the LC through its views and
/// never writes it. It moves no tokens and calls only views, so it needs no reentrancy guard. Each step checks the
/// acting bank's standing when it acts (`_authorize`), and confirmation also the issuing bank's (an authorization
/// from a bank suspended or removed since it gave it no longer counts).
contract LcConfirmations is ILcConfirmations, ConsortiumApp {
    uint256 private constant _PERCENT = 100;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ILetterOfCredit private immutable _letterOfCredit;

    /// @custom:storage-location erc7201:consortia.storage.LcConfirmations
    struct LcConfirmationsStorage {
        mapping(uint256 lcId => Authorization) _authorizations;
        mapping(uint256 lcId => Confirmation) _confirmations;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.LcConfirmations")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant LC_CONFIRMATIONS_STORAGE_LOCATION =
        0xde71e59b6ab7a6599465c91d64bc62510fc314f22bbb78d5c18947f94f33e900;

    /// @param letterOfCredit_ The letters of credit served.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_, ILetterOfCredit letterOfCredit_) ConsortiumApp(registry_) {
        if (address(letterOfCredit_) == address(0)) revert InvalidValue("letterOfCredit");
        _letterOfCredit = letterOfCredit_;
    }

    /// @notice Initializes the proxy (run once, by the proxy's constructor).
    function initialize() external initializer {
        __ConsortiumApp_init();
    }

    // ------------------------------------------------------------------ authorization (art. 8)

    /// @inheritdoc ILcConfirmations
    function authorizeConfirmation(uint256 lcId, uint32 confirmingBank, bool requested) external whenNotPaused {
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(lcId);
        uint32 bank = _requireParty(lcId, lc.issuingBank);
        _requireOpen(lcId, lc);
        if (confirmingBank == 0 || confirmingBank != lc.nominatedBank) {
            revert ConfirmingBankNotNominated(lcId, confirmingBank, lc.nominatedBank);
        }
        LcConfirmationsStorage storage $ = _getStorage();
        uint32 confirmed = $._confirmations[lcId].confirmingBank;
        if (confirmed != 0) revert ConfirmationExists(lcId, confirmed);
        // the bank named must be able to act now (a suspended bank cannot be asked)
        registry().authorizeMember(confirmingBank, Roles.LC_BANK);
        bytes32 termsDigest = _digest(_termsOf(lc));
        $._authorizations[lcId] = Authorization({
            issuingBank: bank,
            confirmingBank: confirmingBank,
            requested: requested,
            authorizedAt: uint40(block.timestamp),
            termsDigest: termsDigest
        });
        emit ConfirmationAuthorized(lcId, bank, confirmingBank, requested, termsDigest);
    }

    /// @inheritdoc ILcConfirmations
    function withdrawAuthorization(uint256 lcId) external whenNotPaused {
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(lcId);
        uint32 bank = _requireParty(lcId, lc.issuingBank);
        LcConfirmationsStorage storage $ = _getStorage();
        uint32 named = $._authorizations[lcId].confirmingBank;
        if (named == 0) revert ConfirmationNotAuthorized(lcId);
        delete $._authorizations[lcId];
        emit ConfirmationAuthorizationWithdrawn(lcId, bank, named);
    }

    /// @inheritdoc ILcConfirmations
    function declineToConfirm(uint256 lcId, bytes32 noticeHash) external whenNotPaused {
        LcConfirmationsStorage storage $ = _getStorage();
        Authorization memory auth = $._authorizations[lcId];
        if (auth.confirmingBank == 0) revert ConfirmationNotAuthorized(lcId);
        uint32 bank = _requireParty(lcId, auth.confirmingBank);
        if (noticeHash == bytes32(0)) revert InvalidValue("noticeHash");
        delete $._authorizations[lcId];
        emit ConfirmationDeclined(lcId, bank, auth.issuingBank, noticeHash);
    }

    // ------------------------------------------------------------------ confirmation (art. 8b)

    /// @inheritdoc ILcConfirmations
    function addConfirmation(uint256 lcId, ConfirmedTerms calldata terms) external whenNotPaused {
        LcConfirmationsStorage storage $ = _getStorage();
        Authorization memory auth = $._authorizations[lcId];
        if (auth.confirmingBank == 0) revert ConfirmationNotAuthorized(lcId);
        uint32 bank = _requireParty(lcId, auth.confirmingBank);
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(lcId);
        _requireOpen(lcId, lc);
        // the authorization stands only while the bank that gave it may still act as an issuing bank
        registry().authorizeMember(lc.issuingBank, Roles.LC_BANK);
        ConfirmedTerms memory current = _termsOf(lc);
        bytes32 currentDigest = _digest(current);
        if (currentDigest != auth.termsDigest) revert ConfirmationTermsChanged(lcId, auth.termsDigest, currentDigest);
        _requireGiven(lcId, terms, currentDigest);
        delete $._authorizations[lcId];
        Confirmation storage c = $._confirmations[lcId];
        c.confirmingBank = bank;
        c.confirmedAt = uint40(block.timestamp);
        c.terms = current;
        emit ConfirmationAdded(lcId, bank, lc.issuingBank, current);
    }

    // ------------------------------------------------------------------ amendments (art. 10)

    /// @inheritdoc ILcConfirmations
    function extendConfirmation(uint256 lcId, ConfirmedTerms calldata terms) external whenNotPaused {
        (Confirmation storage c, uint32 bank, , ConfirmedTerms memory current, ) = _amended(lcId, terms);
        uint16 extended = c.amendmentsExtended + 1;
        c.amendmentsExtended = extended;
        c.extendedAt = uint40(block.timestamp);
        c.terms = current;
        // a later amendment is compared with these terms
        delete c.declinedDigest;
        emit ConfirmationExtended(lcId, bank, extended, current);
    }

    /// @inheritdoc ILcConfirmations
    function declineAmendment(uint256 lcId, ConfirmedTerms calldata terms, bytes32 noticeHash) external whenNotPaused {
        if (noticeHash == bytes32(0)) revert InvalidValue("noticeHash");
        (
            Confirmation storage c,
            uint32 bank,
            ILetterOfCredit.LetterOfCreditRecord memory lc,
            ConfirmedTerms memory current,
            bytes32 currentDigest
        ) = _amended(lcId, terms);
        // no duplicate check: the LC may be amended back to terms declined before, and declined again
        c.declinedDigest = currentDigest;
        emit AmendmentNotConfirmed(lcId, bank, lc.issuingBank, lc.beneficiary, current.termsHash, noticeHash);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ILcConfirmations
    function letterOfCredit() external view returns (ILetterOfCredit) {
        return _letterOfCredit;
    }

    /// @inheritdoc ILcConfirmations
    function authorization(uint256 lcId) external view returns (Authorization memory) {
        return _getStorage()._authorizations[lcId];
    }

    /// @inheritdoc ILcConfirmations
    function confirmation(uint256 lcId) external view returns (Confirmation memory) {
        return _getStorage()._confirmations[lcId];
    }

    /// @inheritdoc ILcConfirmations
    function currentTerms(uint256 lcId) external view returns (ConfirmedTerms memory) {
        return _termsOf(_letterOfCredit.letterOfCredit(lcId));
    }

    /// @inheritdoc ILcConfirmations
    function exposure(uint256 lcId) external view returns (Exposure memory e) {
        ILetterOfCredit.LetterOfCreditRecord memory lc = _letterOfCredit.letterOfCredit(lcId);
        Confirmation storage c = _getStorage()._confirmations[lcId];
        e.currentMaximum = _maximum(lc.amount, lc.tolerancePlus);
        e.currentExpiry = lc.expiry;
        e.drawn = lc.drawn;
        if (c.confirmingBank == 0) return e;
        ConfirmedTerms memory confirmed = c.terms;
        e.confirmed = true;
        e.upToDate = _digest(confirmed) == _digest(_termsOf(lc));
        e.confirmedMaximum = _maximum(confirmed.amount, confirmed.tolerancePlus);
        e.confirmedExpiry = confirmed.expiry;
        e.bound =
            lc.state >= ILetterOfCredit.LetterOfCreditState.Issued &&
            lc.state <= ILetterOfCredit.LetterOfCreditState.Acknowledged &&
            block.timestamp <= confirmed.expiry;
        if (e.bound && e.confirmedMaximum > e.drawn) e.outstanding = e.confirmedMaximum - e.drawn;
    }

    /// @inheritdoc ILcConfirmations
    function digest(ConfirmedTerms memory terms) external pure returns (bytes32) {
        return _digest(terms);
    }

    // ------------------------------------------------------------------ internals

    /// @dev The confirming bank acting on an LC amended since it confirmed (or last extended), giving its current
    /// terms; not past the confirmed expiry, and the issuing bank still in standing.
    function _amended(
        uint256 lcId,
        ConfirmedTerms calldata terms
    )
        private
        view
        returns (
            Confirmation storage c,
            uint32 bank,
            ILetterOfCredit.LetterOfCreditRecord memory lc,
            ConfirmedTerms memory current,
            bytes32 currentDigest
        )
    {
        c = _getStorage()._confirmations[lcId];
        uint32 confirming = c.confirmingBank;
        if (confirming == 0) revert ConfirmationUnknown(lcId);
        bank = _requireParty(lcId, confirming);
        lc = _letterOfCredit.letterOfCredit(lcId);
        _requireOpen(lcId, lc);
        // a confirmation lapsed at its confirmed expiry cannot be revived by the confirming bank alone (art. 10b: the
        // extension answers an amendment while the confirmation stands), and the issuing bank must still be able to act
        uint40 confirmedExpiry = c.terms.expiry;
        if (block.timestamp > confirmedExpiry) revert ConfirmationWrongLcState(lcId, lc.state, confirmedExpiry);
        registry().authorizeMember(lc.issuingBank, Roles.LC_BANK);
        current = _termsOf(lc);
        currentDigest = _digest(current);
        if (currentDigest == _digest(c.terms)) revert NoAmendmentToConfirm(lcId);
        _requireGiven(lcId, terms, currentDigest);
    }

    function _termsOf(ILetterOfCredit.LetterOfCreditRecord memory lc) private pure returns (ConfirmedTerms memory) {
        return
            ConfirmedTerms({
                amount: lc.amount,
                tolerancePlus: lc.tolerancePlus,
                toleranceMinus: lc.toleranceMinus,
                expiry: lc.expiry,
                latestShipment: lc.latestShipment,
                termsHash: lc.termsHash
            });
    }

    function _digest(ConfirmedTerms memory terms) private pure returns (bytes32) {
        return keccak256(abi.encode(terms));
    }

    /// @dev The terms the bank gives are the LC's current terms.
    function _requireGiven(uint256 lcId, ConfirmedTerms calldata terms, bytes32 currentDigest) private pure {
        bytes32 given = _digest(terms);
        if (given != currentDigest) revert ConfirmationTermsMismatch(lcId, given, currentDigest);
    }

    /// @dev The caller's member if it holds LC_BANK now and is `expected`.
    function _requireParty(uint256 lcId, uint32 expected) private view returns (uint32 caller) {
        caller = _authorize(Roles.LC_BANK);
        if (caller != expected) revert ConfirmationWrongParty(lcId, caller, expected);
    }

    /// @dev Issued, advised or acknowledged, before its expiry.
    function _requireOpen(uint256 lcId, ILetterOfCredit.LetterOfCreditRecord memory lc) private view {
        if (
            lc.state < ILetterOfCredit.LetterOfCreditState.Issued ||
            lc.state > ILetterOfCredit.LetterOfCreditState.Acknowledged ||
            block.timestamp > lc.expiry
        ) revert ConfirmationWrongLcState(lcId, lc.state, lc.expiry);
    }

    function _maximum(uint256 amount, uint8 tolerancePlus) private pure returns (uint256) {
        return amount + (amount * tolerancePlus) / _PERCENT;
    }

    function _getStorage() private pure returns (LcConfirmationsStorage storage $) {
        assembly ("memory-safe") {
            $.slot := LC_CONFIRMATIONS_STORAGE_LOCATION
        }
    }
}
