// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IFinancedDocuments
/// @notice The suite's one register of financed documents, so that no invoice is financed twice across applications.
/// A document is named by a keyed id (HMAC-SHA256 with the consortium key over its issuer's tax id, invoice code and
/// number; see the SDK's `deriveDocumentKey`): its identity never stands on chain in the clear. Suite applications
/// (registry system contracts) hold a document for one of their records (a receivable, a claim offer) with a financed
/// amount against the document's face value; the amounts held plus the amounts already closed as paid never exceed the
/// face. A hold ends only by a recorded closure: paid, or cancelled (with the consent of the financier, when the hold
/// names one).
interface IFinancedDocuments {
    /// @notice How a hold ended. `Paid` keeps its amount used up for good (a paid invoice is not financed again);
    /// `Cancelled` frees it (the record ended before the value was paid, with the financier's consent if it had one).
    enum Closure {
        None,
        Paid,
        Cancelled
    }

    /// @notice A document's standing. Slot 0: face, amount held, currency, open holds. Slot 1: amount paid and the
    /// application of the latest hold. Slot 2: that hold's record.
    /// @param face Face value in minor units of `currency`, set by the first hold; every later hold must name it
    /// (while nothing is held or paid, a hold may set another: a registration rejected for a wrong amount).
    /// @param financed Sum of the open holds.
    /// @param currency ISO 4217 code.
    /// @param holds Number of open holds.
    /// @param paid Sum of the holds closed as paid: no longer financeable.
    /// @param lastApp Application of the latest hold (named when a further hold is refused).
    /// @param lastRecord Record of the latest hold in `lastApp`.
    struct Document {
        uint96 face;
        uint96 financed;
        bytes3 currency;
        uint32 holds;
        uint96 paid;
        address lastApp;
        uint256 lastRecord;
    }

    /// @notice One application record's hold on a document. One slot.
    /// @param amount Amount financed against the document (0 when no hold is open).
    /// @param financier The financing member (0 when none is bound yet, e.g. a receivable not yet confirmed).
    /// @param heldAt When the hold was taken.
    struct Hold {
        uint96 amount;
        uint32 financier;
        uint40 heldAt;
    }

    /// @notice An application holds a document for one of its records.
    /// @param financed The document's total held after this hold.
    event DocumentHeld(
        bytes32 indexed documentId,
        address indexed app,
        uint256 indexed record,
        uint32 financier,
        uint256 amount,
        uint256 face,
        bytes3 currency,
        uint256 financed
    );
    /// @notice A hold ended by a recorded closure.
    /// @param consentAccount The financier's account that consented to a cancellation (zero otherwise).
    /// @param financed The document's total held after the release.
    /// @param paid The document's total closed as paid after the release.
    event DocumentReleased(
        bytes32 indexed documentId,
        address indexed app,
        uint256 indexed record,
        Closure closure,
        uint256 amount,
        address consentAccount,
        uint256 financed,
        uint256 paid
    );

    /// @notice A bank checked whether it may finance a document (as a bank must before financing; the national
    /// receivables registration platform's rule). `financeable` false is also recorded as `FinancingRefused`.
    event FinancingChecked(
        bytes32 indexed documentId,
        uint32 indexed member,
        address indexed account,
        bool financeable,
        uint256 amount
    );
    /// @notice A duplicate-financing attempt refused: `member` tried (or checked before trying) to finance `amount`
    /// of a document that is already financed up to its face (or held or paid with another face or currency).
    /// `app` and `record` name the application step that tried (zero for a bank's own check); `holderApp` and
    /// `holderRecord` the latest hold. The register's only trace of a refusal: a reverted transaction leaves none.
    event FinancingRefused(
        bytes32 indexed documentId,
        uint32 indexed member,
        address indexed app,
        uint256 record,
        uint256 amount,
        uint256 face,
        bytes3 currency,
        uint256 financed,
        uint256 paid,
        address holderApp,
        uint256 holderRecord
    );

    /// @notice Only suite applications (registry system contracts) hold and release documents.
    error DocumentNotSystemContract(address caller);
    /// @notice The hold would finance the document beyond its face value. Names the latest holder (application and
    /// record) and the amounts.
    error DocumentOverFinanced(
        bytes32 documentId,
        uint256 face,
        uint256 financed,
        uint256 paid,
        uint256 requested,
        address holderApp,
        uint256 holderRecord
    );
    /// @notice The face value or currency given differs from the one the document is held (or was paid) with.
    error DocumentFaceMismatch(
        bytes32 documentId,
        uint256 face,
        bytes3 currency,
        uint256 givenFace,
        bytes3 givenCurrency
    );
    /// @notice The record already holds the document.
    error DocumentAlreadyHeld(bytes32 documentId, address app, uint256 record);
    /// @notice The record holds no open hold on the document.
    error DocumentNotHeld(bytes32 documentId, address app, uint256 record);
    /// @notice A cancellation of a financed hold needs an active account of its financier.
    error DocumentNoFinancierConsent(bytes32 documentId, uint32 financier, address consentAccount);
    /// @notice A field is empty or out of range.
    error DocumentInvalid(bytes32 field);

    /// @notice Marks the register's proxy initialized (run once, by the proxy's constructor; it has no settings).
    function initialize() external;

    /// @notice Holds `amount` of the document with face value `face` in `currency` for the caller's `record`.
    /// Suite applications only. `financier` (0: none yet) must be an active member holding a financing role. Refused
    /// with `DocumentOverFinanced` when the held and paid amounts would exceed the face.
    function hold(
        bytes32 documentId,
        uint256 record,
        uint256 face,
        bytes3 currency,
        uint256 amount,
        uint32 financier
    ) external;

    /// @notice As `hold`, but a hold the register refuses for the document's standing (over its face, another face
    /// or currency) is recorded as `FinancingRefused` by `actingMember` (the member whose step tried) and answered
    /// `false` instead of a revert, so that the application can keep the attempt on the chain. Malformed requests
    /// and callers still revert.
    function tryHold(
        bytes32 documentId,
        uint256 record,
        uint256 face,
        bytes3 currency,
        uint256 amount,
        uint32 financier,
        uint32 actingMember
    ) external returns (bool held);

    /// @notice A bank (an active account with a financing role) checks, before financing, whether the document may
    /// be financed for `amount`; the check is recorded (`FinancingChecked`) under the caller's own member and, when
    /// refused, as `FinancingRefused`. Holds nothing.
    function checkFinancing(
        bytes32 documentId,
        uint256 face,
        bytes3 currency,
        uint256 amount
    ) external returns (bool financeable);

    /// @notice Ends the caller's `record`'s hold with a recorded closure. Suite applications only, and only the one
    /// that holds. A `Cancelled` closure of a hold that names a financier needs `consentAccount`, an active account of
    /// that financier (the application checks it signed the step).
    function release(bytes32 documentId, uint256 record, Closure closure, address consentAccount) external;

    /// @notice A document's standing (all zero when never held).
    function document(bytes32 documentId) external view returns (Document memory);

    /// @notice A record's hold on a document.
    function holdOf(bytes32 documentId, address app, uint256 record) external view returns (Hold memory);

    /// @notice The amount held against the document now.
    function financedAmount(bytes32 documentId) external view returns (uint256);

    /// @notice Whether a hold of `amount` on a document with this face and currency would be accepted now (the
    /// SDK and CLI ask before sending). Does not check the caller or the financier.
    function canFinance(bytes32 documentId, uint256 face, bytes3 currency, uint256 amount) external view returns (bool);
}
