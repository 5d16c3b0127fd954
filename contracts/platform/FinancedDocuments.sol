// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Governed} from "./Governed.sol";
import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";
import {IFinancedDocuments} from "./interfaces/IFinancedDocuments.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title FinancedDocuments
/// @notice The suite's one register of financed documents (invoices): one invoice, financed once. See
/// `IFinancedDocuments`.
contract FinancedDocuments is IFinancedDocuments, Governed {
    /// @notice Roles that make a member a financier of a hold.
    uint64 public constant FINANCIER_ROLES = Roles.FINANCIER | Roles.FORFAITER | Roles.LC_BANK;

    /// @custom:storage-location erc7201:consortia.storage.FinancedDocuments
    struct FinancedDocumentsStorage {
        mapping(bytes32 documentId => Document) _documents;
        /// @dev Keyed by keccak256(abi.encode(documentId, app, record)).
        mapping(bytes32 holdKey => Hold) _holds;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.FinancedDocuments")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant FINANCED_DOCUMENTS_STORAGE_LOCATION =
        0xafaf180b2d8e1519d4c274fd442d96b93041eb2669053445c1cfc2665c136d00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) Governed(registry_) {}

    /// @inheritdoc IFinancedDocuments
    function initialize() external initializer {}

    /// @inheritdoc IFinancedDocuments
    function hold(
        bytes32 documentId,
        uint256 record,
        uint256 face,
        bytes3 currency,
        uint256 amount,
        uint32 financier
    ) external {
        _checkHold(documentId, face, currency, amount, financier);
        _hold(documentId, record, face, currency, amount, financier);
    }

    /// @inheritdoc IFinancedDocuments
    function tryHold(
        bytes32 documentId,
        uint256 record,
        uint256 face,
        bytes3 currency,
        uint256 amount,
        uint32 financier,
        uint32 actingMember
    ) external returns (bool held) {
        _checkHold(documentId, face, currency, amount, financier);
        if (actingMember == 0) revert DocumentInvalid("actingMember");
        if (!_financeable(documentId, face, currency, amount)) {
            _recordRefusal(documentId, actingMember, msg.sender, record, face, currency, amount);
            return false;
        }
        _hold(documentId, record, face, currency, amount, financier);
        return true;
    }

    /// @inheritdoc IFinancedDocuments
    function checkFinancing(
        bytes32 documentId,
        uint256 face,
        bytes3 currency,
        uint256 amount
    ) external returns (bool financeable) {
        uint32 member = registry().authorize(msg.sender, FINANCIER_ROLES);
        if (documentId == bytes32(0)) revert DocumentInvalid("documentId");
        if (face == 0 || face > type(uint96).max) revert DocumentInvalid("face");
        if (currency == bytes3(0)) revert DocumentInvalid("currency");
        if (amount == 0 || amount > face) revert DocumentInvalid("amount");
        financeable = _financeable(documentId, face, currency, amount);
        emit FinancingChecked(documentId, member, msg.sender, financeable, amount);
        if (!financeable) _recordRefusal(documentId, member, address(0), 0, face, currency, amount);
    }

    /// @dev Caller and fields of a hold (reverts: a malformed request is no financing attempt).
    function _checkHold(
        bytes32 documentId,
        uint256 face,
        bytes3 currency,
        uint256 amount,
        uint32 financier
    ) private view {
        if (!registry().isSystemContract(msg.sender)) revert DocumentNotSystemContract(msg.sender);
        if (documentId == bytes32(0)) revert DocumentInvalid("documentId");
        if (face == 0 || face > type(uint96).max) revert DocumentInvalid("face");
        if (currency == bytes3(0)) revert DocumentInvalid("currency");
        if (amount == 0 || amount > face) revert DocumentInvalid("amount");
        if (financier != 0) registry().authorizeMember(financier, FINANCIER_ROLES);
    }

    /// @dev Whether the held and paid amounts leave room for `amount` with this face and currency.
    function _financeable(
        bytes32 documentId,
        uint256 face,
        bytes3 currency,
        uint256 amount
    ) private view returns (bool) {
        Document storage d = _getFinancedDocumentsStorage()._documents[documentId];
        uint256 used = uint256(d.financed) + d.paid;
        if (used != 0 && (d.face != face || d.currency != currency)) return false;
        return used + amount <= face;
    }

    function _recordRefusal(
        bytes32 documentId,
        uint32 member,
        address app,
        uint256 record,
        uint256 face,
        bytes3 currency,
        uint256 amount
    ) private {
        Document storage d = _getFinancedDocumentsStorage()._documents[documentId];
        emit FinancingRefused(
            documentId,
            member,
            app,
            record,
            amount,
            face,
            currency,
            d.financed,
            d.paid,
            d.lastApp,
            d.lastRecord
        );
    }

    function _hold(
        bytes32 documentId,
        uint256 record,
        uint256 face,
        bytes3 currency,
        uint256 amount,
        uint32 financier
    ) private {
        FinancedDocumentsStorage storage $ = _getFinancedDocumentsStorage();
        Document storage d = $._documents[documentId];
        // The first hold fixes the face; while nothing is held or paid (every earlier hold cancelled), a hold may
        // correct it (a registration rejected for a wrong amount).
        if (d.financed == 0 && d.paid == 0) {
            d.face = uint96(face);
            d.currency = currency;
        } else if (d.face != face || d.currency != currency) {
            revert DocumentFaceMismatch(documentId, d.face, d.currency, face, currency);
        }
        uint256 used = uint256(d.financed) + d.paid;
        if (used + amount > face) {
            revert DocumentOverFinanced(documentId, face, d.financed, d.paid, amount, d.lastApp, d.lastRecord);
        }
        Hold storage h = $._holds[_holdKey(documentId, msg.sender, record)];
        if (h.amount != 0) revert DocumentAlreadyHeld(documentId, msg.sender, record);
        h.amount = uint96(amount);
        h.financier = financier;
        h.heldAt = uint40(block.timestamp);
        // Cannot overflow: financed stays at most face (checked above), a uint96; 2^32 open holds are out of reach.
        unchecked {
            d.financed += uint96(amount);
            ++d.holds;
        }
        d.lastApp = msg.sender;
        d.lastRecord = record;
        emit DocumentHeld(documentId, msg.sender, record, financier, amount, face, currency, d.financed);
    }

    /// @inheritdoc IFinancedDocuments
    function release(bytes32 documentId, uint256 record, Closure closure, address consentAccount) external {
        FinancedDocumentsStorage storage $ = _getFinancedDocumentsStorage();
        if (!registry().isSystemContract(msg.sender)) revert DocumentNotSystemContract(msg.sender);
        Hold storage h = $._holds[_holdKey(documentId, msg.sender, record)];
        uint96 amount = h.amount;
        if (amount == 0) revert DocumentNotHeld(documentId, msg.sender, record);
        if (closure == Closure.Cancelled) {
            uint32 financier = h.financier;
            if (financier != 0) {
                // The financier's consent: an active account of that very member, named by the application.
                if (
                    consentAccount == address(0) || registry().authorize(consentAccount, FINANCIER_ROLES) != financier
                ) {
                    revert DocumentNoFinancierConsent(documentId, financier, consentAccount);
                }
            }
        } else if (closure != Closure.Paid) {
            revert DocumentInvalid("closure");
        }
        Document storage d = $._documents[documentId];
        delete $._holds[_holdKey(documentId, msg.sender, record)];
        // Cannot underflow: the document's financed total and hold count include this open hold. Cannot overflow:
        // paid plus financed stays at most the face, a uint96.
        unchecked {
            d.financed -= amount;
            --d.holds;
            if (closure == Closure.Paid) d.paid += amount;
        }
        emit DocumentReleased(documentId, msg.sender, record, closure, amount, consentAccount, d.financed, d.paid);
    }

    /// @inheritdoc IFinancedDocuments
    function document(bytes32 documentId) external view returns (Document memory) {
        return _getFinancedDocumentsStorage()._documents[documentId];
    }

    /// @inheritdoc IFinancedDocuments
    function holdOf(bytes32 documentId, address app, uint256 record) external view returns (Hold memory) {
        return _getFinancedDocumentsStorage()._holds[_holdKey(documentId, app, record)];
    }

    /// @inheritdoc IFinancedDocuments
    function financedAmount(bytes32 documentId) external view returns (uint256) {
        return _getFinancedDocumentsStorage()._documents[documentId].financed;
    }

    /// @inheritdoc IFinancedDocuments
    function canFinance(
        bytes32 documentId,
        uint256 face,
        bytes3 currency,
        uint256 amount
    ) external view returns (bool) {
        if (documentId == bytes32(0) || face == 0 || face > type(uint96).max || currency == bytes3(0)) return false;
        if (amount == 0 || amount > face) return false;
        Document storage d = _getFinancedDocumentsStorage()._documents[documentId];
        uint256 used = uint256(d.financed) + d.paid;
        if (used != 0 && (d.face != face || d.currency != currency)) return false;
        return used + amount <= face;
    }

    function _holdKey(bytes32 documentId, address app, uint256 record) private pure returns (bytes32) {
        return keccak256(abi.encode(documentId, app, record));
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getFinancedDocumentsStorage() private pure returns (FinancedDocumentsStorage storage $) {
        assembly ("memory-safe") {
            $.slot := FINANCED_DOCUMENTS_STORAGE_LOCATION
        }
    }
}
