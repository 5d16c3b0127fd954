// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {DocumentRef} from "../../platform/types/DocumentRef.sol";
import {ILetterOfCredit} from "./ILetterOfCredit.sol";

/// @title IPresentationHook
/// @notice What `LetterOfCredit` calls on `present`, `examine` and `refuse`: the presentation's id and the account that
/// called the step, followed by the step's own calldata as the LC contract received it (selector first), appended
/// raw after the two ABI words (`msg.data[68:]`; the ABI decoder ignores it, so the LC contract forwards it without
/// re-encoding). A revert stops the step. General on purpose: another check on presentations (e.g. their attestation
/// backing, issue 22) reads the same call and decides on it.
interface IPresentationHook {
    /// @param presentationId The presentation the step is about (for `present`, the id it is given).
    /// @param caller The account that called the step on the LC contract.
    function check(uint256 presentationId, address caller) external;
}

/// @title ILcPresentationChecks
/// @notice The checks of a presentation the chain can make itself (UCP 600), recorded at presentation, and binding on
/// the examining bank. Codes are `bytes32` text (`encodeBytes32String`), the same the bank lists in `examine` and
/// `refuse`:
/// - `DOCUMENTS_MISSING`: a kind the LC requires (its `requiredDocuments` bitmask) is not presented (art. 14a, 14d);
/// - `LATE_SHIPMENT`: the shipment date stated is after the LC's latest shipment date (art. 14c, 29c: never extended;
///   none when the LC has no latest shipment date, `latestShipment` 0);
/// - `LATE_PRESENTATION`: presented after the last day for presentation: the shipment day plus the LC's presentation
///   period (21 calendar days unless the LC says otherwise, art. 14c), extended to the next banking day on the
///   consortium calendar when it is not one (art. 29a);
/// - `PRESENTED_AFTER_EXPIRY` (art. 6d, 29a), `OVER_TOLERANCE` (the drawings' total above amount plus tolerance,
///   art. 30a-b), `PARTIAL_DRAWING` (a partial drawing when the LC does not allow them, art. 31): `LetterOfCredit`
///   already refuses such a presentation, so these are recorded clean; a later LC release that admits them would be
///   caught here.
/// Binding: the findings are a floor. A presentation with findings cannot be examined as complying (`examine` with no
/// discrepancy) and `examine` or the refusal notice must list every finding (art. 16c, one notice); the bank may cite
/// any code besides, a code the chain found clean included (it examines the documents, art. 14a).
/// The shipment date is not on chain: the beneficiary's presenting account states it before presenting
/// (`stateShipment`), bound to the documents' hash; without it the two shipment codes are not checked. The shipment
/// date and the document kinds (`DocumentRef.kind`) are the presenter's own statements: they bind only the presenter
/// (a late date it states is a finding), never the bank (a B/L dated after the latest shipment date is
/// `LATE_SHIPMENT` whatever date was stated).
interface ILcPresentationChecks is IPresentationHook {
    /// @notice What the chain found on one presentation.
    /// @param codes Bitmask of findings (bit i = `codeOf(i)`); zero on a clean presentation.
    /// @param checked Whether the presentation was checked (false: presented before the checks existed, or unknown).
    /// @param shipmentStated Whether the beneficiary stated the shipment date (else the shipment codes are unchecked).
    /// @param shipmentDate The shipment date stated (0 if none).
    /// @param lastPresentationDay The last day for presentation (local day number on the consortium calendar), 0 if
    /// no shipment date was stated.
    /// @param missingKinds Bitmask of the required document kinds not presented.
    struct Findings {
        uint8 codes;
        bool checked;
        bool shipmentStated;
        uint40 shipmentDate;
        uint32 lastPresentationDay;
        uint32 missingKinds;
    }

    /// @notice The beneficiary's account stated the shipment date of the documents that hash to `documentsHash`.
    event ShipmentStated(address indexed account, bytes32 indexed documentsHash, uint40 shipmentDate);
    /// @notice The issuing bank set an LC's presentation period (art. 14c) before the LC was advised.
    event PresentationPeriodSet(address indexed letterOfCredit, uint256 indexed lcId, uint32 bank, uint16 periodDays);
    /// @notice A presentation was checked at presentation.
    event PresentationChecked(
        address indexed letterOfCredit,
        uint256 indexed presentationId,
        uint8 codes,
        uint32 missingKinds,
        bool shipmentStated,
        uint40 shipmentDate,
        uint32 lastPresentationDay
    );

    /// @notice The presenting account stated the subject (keyed identifier) whose attestations back the documents that
    /// hash to `documentsHash` (used by its next presentation of them).
    event BackingStated(address indexed account, bytes32 indexed documentsHash, bytes32 subjectKey);
    /// @notice The beneficiary or the issuing bank (member `linkedBy`, through `account`) linked a presented
    /// presentation to the subject whose attestations back it (replacing any earlier subject).
    event PresentationBackingLinked(
        address indexed letterOfCredit,
        uint256 indexed presentationId,
        bytes32 subjectKey,
        uint32 linkedBy,
        address account
    );
    /// @notice A presentation's backing was checked against the issuing bank's `LcHonour` policy (`policy`, the kinds
    /// bitmask in force; zero: none) at `present` (`examined` false) or at `examine` as complying (`examined` true).
    /// Emitted only when the check passed (a refused step reverts).
    event PresentationBacking(
        address indexed letterOfCredit,
        uint256 indexed presentationId,
        uint32 indexed bank,
        bytes32 subjectKey,
        uint256 policy,
        bool examined
    );

    /// @notice `linkBacking` by a member neither the LC's issuing bank nor its beneficiary.
    error BackingWrongParty(uint256 presentationId, uint32 caller);
    /// @notice `linkBacking` on a presentation no longer `Presented` (examined, refused or honoured).
    error BackingNotLinkable(uint256 presentationId, ILetterOfCredit.PresentationState state);
    /// @notice The bank examined as complying, or listed fewer codes than the chain found (bitmask `unlisted`).
    error FindingsNotListed(uint256 presentationId, uint8 unlisted);
    /// @notice Only a registered system contract calls the hook / is an LC here (records are kept per caller, so
    /// another system contract could only write its own).
    error NotLetterOfCreditContract(address account);
    /// @notice A presentation period outside 1..`MAX_PRESENTATION_PERIOD_DAYS`, or set after the LC was advised.
    error PresentationPeriodNotSettable(uint256 lcId);

    /// @notice States the shipment date of documents about to be presented (hash-bound: `documentsHash` is
    /// `documentsHash(documents)` of the very documents `present` receives). The presenting account's statement
    /// is used once, by its next presentation of those documents. By an active `LC_TRADER` account; the date must be
    /// set and not in the future.
    function stateShipment(bytes32 documentsHash, uint40 shipmentDate) external;

    /// @notice States the subject (a keyed identifier: export declaration, invoice or company key) whose authority
    /// attestations back the documents about to be presented (hash-bound like `stateShipment`; used once, by the
    /// presenting account's next presentation of those documents). By an active `LC_TRADER` account.
    function stateBacking(bytes32 documentsHash, bytes32 subjectKey) external;

    /// @notice Links a presentation still `Presented` (not yet examined) to the subject whose attestations back it,
    /// replacing the one stated at presentation: by an active account of the beneficiary (`LC_TRADER`) or of the
    /// issuing bank (`LC_BANK`).
    function linkBacking(ILetterOfCredit letterOfCredit, uint256 presentationId, bytes32 subjectKey) external;

    /// @notice The subject backing a presentation of `letterOfCredit` (zero: none).
    function backingOf(address letterOfCredit, uint256 presentationId) external view returns (bytes32);

    /// @notice The subject `account` stated for `documentsHash` and not yet used (zero if none).
    function statedBacking(address account, bytes32 documentsHash) external view returns (bytes32);

    /// @notice Sets the presentation period of an LC (days after shipment, art. 14c), by its issuing bank while the LC
    /// is applied for or issued and not yet advised (after that it is part of the terms the beneficiary relies on).
    /// The period is not in the terms hash: it must be the one the LC text states (field 48 of the MT700, "period for
    /// presentation"); the applicant and the beneficiary check it against that text (view `presentationPeriod`).
    function setPresentationPeriod(ILetterOfCredit letterOfCredit, uint256 lcId, uint16 periodDays) external;

    /// @notice The findings on a presentation of `letterOfCredit`.
    function findings(address letterOfCredit, uint256 presentationId) external view returns (Findings memory);

    /// @notice An LC's presentation period in days (21 unless its issuing bank set another).
    function presentationPeriod(address letterOfCredit, uint256 lcId) external view returns (uint16);

    /// @notice The shipment date `account` stated for `documentsHash` and not yet used (0 if none).
    function statedShipment(address account, bytes32 documentsHash) external view returns (uint40);

    /// @notice The hash a shipment statement binds to: `keccak256(abi.encode(documents))`, the documents as `present`
    /// receives them, in the same order.
    function documentsHash(DocumentRef[] calldata documents) external pure returns (bytes32);

    /// @notice The code of finding bit `bit` (0 to 5).
    function codeOf(uint256 bit) external pure returns (bytes32);
}
