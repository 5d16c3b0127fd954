// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ILetterOfCredit} from "./ILetterOfCredit.sol";

/// @title ILcConfirmations
/// @notice Confirmation of letters of credit under UCP 600 art. 8 and the confirming bank's consent to amendments
/// (art. 10), beside `LetterOfCredit` (which reads nothing from it). A confirmation is a definite undertaking of the
/// confirming bank in addition to the issuing bank's (art. 2): this contract records which terms the confirming bank is
/// bound to, from the moment it confirms (art. 8b, irrevocable: there is no step that withdraws it).
/// @dev Who may confirm. Art. 2 and 8: the bank that adds its confirmation upon the issuing bank's authorization or
/// request. Here that is the LC's nominated bank (`Terms.nominatedBank`) and no other: the LC contract routes
/// examination and honour to the nominated bank (it is "the bank with which the credit is available", art. 6a, 8a i),
/// so only that bank's undertaking is one the chain can hold to the examination clock (art. 14b, 16f) and to the
/// reimbursement by the issuing bank (art. 8c). The nominated bank may also be the advising bank: art. 9 speaks of "an
/// advising bank that is not a confirming bank", so the rules contemplate an advising bank that confirms (common
/// practice); excluding it would have no basis in the articles. The issuing bank cannot confirm its own LC (an
/// undertaking "in addition to that of the issuing bank" adds nothing; `LetterOfCredit` already refuses a nominated
/// bank that is the issuing bank).
///
/// Flow. The issuing bank authorises (MT700 field 49 MAY ADD) or requests (CONFIRM) confirmation by the nominated bank
/// (`authorizeConfirmation`); the LC's confirmable terms at that moment are recorded. The bank then either adds its
/// confirmation giving the terms it confirms (`addConfirmation`: they must equal the LC's current terms and those
/// authorised, so an LC amended in between is refused), or declines to confirm (`declineToConfirm`, art. 8d). Each
/// amendment the beneficiary accepts afterwards leaves the confirmation at its terms until the confirming bank extends
/// its confirmation to the LC as amended (`extendConfirmation`, art. 10b: bound from that moment) or records that it
/// does not (`declineAmendment`, art. 10b: it must tell the issuing bank and the beneficiary, whom the event names).
/// `exposure` shows what the confirming bank is bound to beside the LC's current terms.
///
/// `LetterOfCredit.confirm` (the nominated bank's flag, release 0.1) is kept for compatibility: it records neither the
/// issuing bank's authorization nor the terms confirmed, so it is a declaration only; this contract's record is the
/// undertaking. The two are independent (the flag is neither needed nor set here).
interface ILcConfirmations {
    /// @notice The LC's terms a confirmation covers (those an amendment can change, and the full terms' hash).
    struct ConfirmedTerms {
        uint80 amount;
        uint8 tolerancePlus;
        uint8 toleranceMinus;
        uint40 expiry;
        uint40 latestShipment;
        bytes32 termsHash;
    }

    /// @notice The issuing bank's authorization (or request) to confirm, until the named bank acts on it.
    /// @param confirmingBank Member id of the bank authorised (zero: none pending).
    /// @param requested Request to confirm (field 49 CONFIRM) rather than authorisation (MAY ADD).
    /// @param authorizedAt When it was given.
    /// @param termsDigest `digest` of the LC's terms when it was given.
    struct Authorization {
        uint32 issuingBank;
        uint32 confirmingBank;
        bool requested;
        uint40 authorizedAt;
        bytes32 termsDigest;
    }

    /// @notice A confirmation as recorded.
    /// @param confirmingBank Member id of the confirming bank (zero: not confirmed).
    /// @param confirmedAt When it confirmed (its undertaking is irrevocable from then, art. 8b).
    /// @param extendedAt When it last extended its confirmation to an amendment (zero: never).
    /// @param amendmentsExtended How many times it extended its confirmation to amended terms.
    /// @param terms The terms it is bound to.
    /// @param declinedDigest `digest` of the amended terms it last recorded not extending to (zero: none).
    struct Confirmation {
        uint32 confirmingBank;
        uint40 confirmedAt;
        uint40 extendedAt;
        uint16 amendmentsExtended;
        ConfirmedTerms terms;
        bytes32 declinedDigest;
    }

    /// @notice What the confirming bank is bound to, beside the LC's terms now.
    /// @param confirmed Whether a confirmation exists.
    /// @param upToDate The confirmation covers the LC's current terms (no amendment since it confirmed or extended).
    /// @param bound The confirming bank is bound now: confirmed, LC open, not past the confirmed expiry.
    /// @param confirmedMaximum Confirmed amount plus its plus tolerance (art. 30).
    /// @param currentMaximum The LC's amount plus tolerance now.
    /// @param drawn Drawn on the LC so far.
    /// @param outstanding Undrawn under the confirmation: confirmed maximum less drawn (floor zero; zero when not
    /// bound). Not what the bank still owes: an accepted deferred presentation counts as drawn (and may close the LC
    /// FullyDrawn, `bound` false) but the confirming bank owes it until paid at maturity (see the LC's presentations).
    /// A cancelled LC is not bound here, even though art. 10a needs the confirming bank's agreement: known limit.
    /// @param confirmedExpiry The expiry confirmed; `currentExpiry` is the LC's.
    struct Exposure {
        bool confirmed;
        bool upToDate;
        bool bound;
        uint256 confirmedMaximum;
        uint256 currentMaximum;
        uint256 drawn;
        uint256 outstanding;
        uint40 confirmedExpiry;
        uint40 currentExpiry;
    }

    /// @notice The issuing bank authorised (or requested) the nominated bank to confirm the LC at its current terms.
    event ConfirmationAuthorized(
        uint256 indexed lcId,
        uint32 indexed issuingBank,
        uint32 indexed confirmingBank,
        bool requested,
        bytes32 termsDigest
    );
    /// @notice The issuing bank withdrew its authorization before the bank confirmed.
    event ConfirmationAuthorizationWithdrawn(uint256 indexed lcId, uint32 indexed issuingBank, uint32 confirmingBank);
    /// @notice The bank authorised is not prepared to confirm (art. 8d); it informs the issuing bank (notice hash).
    event ConfirmationDeclined(
        uint256 indexed lcId,
        uint32 indexed confirmingBank,
        uint32 indexed issuingBank,
        bytes32 noticeHash
    );
    /// @notice The bank added its confirmation: bound to `terms` from now (art. 8b).
    event ConfirmationAdded(
        uint256 indexed lcId,
        uint32 indexed confirmingBank,
        uint32 indexed issuingBank,
        ConfirmedTerms terms
    );
    /// @notice The confirming bank extended its confirmation to the LC as amended: bound to `terms` from now
    /// (art. 10b).
    event ConfirmationExtended(
        uint256 indexed lcId,
        uint32 indexed confirmingBank,
        uint16 amendmentsExtended,
        ConfirmedTerms terms
    );
    /// @notice The confirming bank does not extend its confirmation to the LC as amended (art. 10b): it stays bound to
    /// the terms it confirmed; the issuing bank and the beneficiary are named so that both are informed.
    event AmendmentNotConfirmed(
        uint256 indexed lcId,
        uint32 indexed confirmingBank,
        uint32 indexed issuingBank,
        uint32 beneficiary,
        bytes32 amendedTermsHash,
        bytes32 noticeHash
    );

    /// @notice The confirming bank must be the LC's nominated bank (the bank with which it is available).
    error ConfirmingBankNotNominated(uint256 lcId, uint32 bank, uint32 nominatedBank);
    /// @notice The caller's bank is not the one this step needs.
    error ConfirmationWrongParty(uint256 lcId, uint32 caller, uint32 expected);
    /// @notice The LC is not open (issued, advised or acknowledged) or has expired.
    error ConfirmationWrongLcState(uint256 lcId, ILetterOfCredit.LetterOfCreditState state, uint40 expiry);
    /// @notice No authorization to confirm is pending.
    error ConfirmationNotAuthorized(uint256 lcId);
    /// @notice The LC is already confirmed (a confirmation cannot be replaced).
    error ConfirmationExists(uint256 lcId, uint32 confirmingBank);
    /// @notice The LC is not confirmed.
    error ConfirmationUnknown(uint256 lcId);
    /// @notice The LC's terms changed since the issuing bank authorised confirmation: it must authorise again.
    error ConfirmationTermsChanged(uint256 lcId, bytes32 authorized, bytes32 current);
    /// @notice The terms given are not the LC's current terms (digests compared).
    error ConfirmationTermsMismatch(uint256 lcId, bytes32 given, bytes32 current);
    /// @notice No amendment since the confirmation (or its last extension): nothing to extend to or decline.
    error NoAmendmentToConfirm(uint256 lcId);

    /// @notice The issuing bank authorises (`requested` false: MAY ADD) or requests (true: CONFIRM) `confirmingBank`,
    /// the LC's nominated bank, to confirm the LC at its current terms. Open LC before expiry, not confirmed; replaces
    /// an authorization still pending (after an amendment, authorise again). Both banks in good standing. LC_BANK only.
    function authorizeConfirmation(uint256 lcId, uint32 confirmingBank, bool requested) external;

    /// @notice The issuing bank withdraws its pending authorization. LC_BANK only.
    function withdrawAuthorization(uint256 lcId) external;

    /// @notice The bank authorised declines to confirm (art. 8d); the authorization ends. LC_BANK only.
    function declineToConfirm(uint256 lcId, bytes32 noticeHash) external;

    /// @notice The bank authorised adds its confirmation of `terms`, which must be the LC's current terms and those the
    /// issuing bank authorised (an amendment in between is refused). Open LC before expiry; the issuing bank still in
    /// good standing. Irrevocable from now (art. 8b). LC_BANK only.
    function addConfirmation(uint256 lcId, ConfirmedTerms calldata terms) external;

    /// @notice The confirming bank extends its confirmation to the LC as amended (`terms`: its current terms, which
    /// must differ from those confirmed). Bound to them from now (art. 10b). Open LC before expiry, not past the
    /// confirmed expiry (a lapsed confirmation is not revived), the issuing bank still in good standing. LC_BANK only.
    function extendConfirmation(uint256 lcId, ConfirmedTerms calldata terms) external;

    /// @notice The confirming bank records that it does not extend its confirmation to the LC as amended (`terms`, its
    /// current terms) and gives the hash of its notice to the issuing bank and the beneficiary (art. 10b). It stays
    /// bound to the terms confirmed; it may still extend later. Same conditions as `extendConfirmation`; declining
    /// again (e.g. the LC amended back to terms declined before) is recorded again. LC_BANK only.
    function declineAmendment(uint256 lcId, ConfirmedTerms calldata terms, bytes32 noticeHash) external;

    /// @notice The letters of credit served.
    function letterOfCredit() external view returns (ILetterOfCredit);

    /// @notice The pending authorization (confirmingBank zero: none).
    function authorization(uint256 lcId) external view returns (Authorization memory);

    /// @notice The confirmation (confirmingBank zero: none).
    function confirmation(uint256 lcId) external view returns (Confirmation memory);

    /// @notice The LC's confirmable terms now, as a confirmation records them.
    function currentTerms(uint256 lcId) external view returns (ConfirmedTerms memory);

    /// @notice What the confirming bank is bound to beside the LC's current terms.
    function exposure(uint256 lcId) external view returns (Exposure memory);

    /// @notice keccak256 of the ABI-encoded terms: what authorisations and declines compare.
    function digest(ConfirmedTerms memory terms) external pure returns (bytes32);
}
