// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsortiumApp} from "../platform/ConsortiumApp.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {IFinancedDocuments} from "../platform/interfaces/IFinancedDocuments.sol";
import {IFreezable} from "../platform/interfaces/IFreezable.sol";
import {IFreezeOrders} from "../platform/interfaces/IFreezeOrders.sol";
import {Roles} from "../platform/libraries/Roles.sol";
import {IWarehouseReceipts} from "./interfaces/IWarehouseReceipts.sol";

/// @title WarehouseReceipts
/// @notice Warehouse receipts pledged to banks, goods released only against repayment (融通仓, 保兑仓). See
/// `IWarehouseReceipts`.
contract WarehouseReceipts is IWarehouseReceipts, IFreezable, ConsortiumApp {
    /// @notice Roles that let a member deposit goods, pledge a receipt or take goods as a dealer.
    uint64 public constant TRADER_ROLES = Roles.RECEIVABLE_HOLDER | Roles.RECEIVABLE_OBLIGOR;

    /// @custom:storage-location erc7201:consortia.storage.WarehouseReceipts
    struct WarehouseReceiptsStorage {
        uint256 _count;
        mapping(uint256 receiptId => Receipt) _receipts;
        mapping(uint256 receiptId => Pledge) _pledges;
        mapping(uint256 receiptId => uint256) _freezeCount;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.WarehouseReceipts")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant WAREHOUSE_RECEIPTS_STORAGE_LOCATION =
        0xaec25fd6dd4c40f0afce837a3dc1e0a0685f2551df407926b4e24696b2281800;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IFinancedDocuments private immutable _documents;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IFreezeOrders private immutable _freezeOrders;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IFinancedDocuments documents_,
        IFreezeOrders freezeOrders_
    ) ConsortiumApp(registry_) {
        if (address(documents_) == address(0)) revert InvalidValue("documents");
        _documents = documents_;
        _freezeOrders = freezeOrders_;
    }

    /// @inheritdoc IWarehouseReceipts
    function initialize() external initializer {
        __ConsortiumApp_init();
    }

    /// @inheritdoc IWarehouseReceipts
    function issue(ReceiptTerms calldata terms) external whenNotPaused returns (uint256 receiptId) {
        uint32 warehouse = _authorize(Roles.WAREHOUSE);
        uint32 depositor = terms.depositor;
        if (depositor == warehouse) revert ReceiptInvalid("depositor");
        registry().authorizeMember(depositor, TRADER_ROLES);
        uint32 dealer = terms.dealer;
        if (terms.mode == Mode.Inventory) {
            if (dealer != 0) revert ReceiptInvalid("dealer");
        } else if (terms.mode == Mode.Confirmed) {
            if (dealer == 0 || dealer == depositor || dealer == warehouse) revert ReceiptInvalid("dealer");
            registry().authorizeMember(dealer, TRADER_ROLES);
        } else {
            revert ReceiptInvalid("mode");
        }
        if (terms.goodsHash == bytes32(0)) revert ReceiptInvalid("goodsHash");
        if (terms.locationHash == bytes32(0)) revert ReceiptInvalid("locationHash");
        if (terms.documentId == bytes32(0)) revert ReceiptInvalid("documentId");
        if (terms.quantity == 0) revert ReceiptInvalid("quantity");
        if (terms.value == 0) revert ReceiptInvalid("value");
        if (terms.currency == bytes3(0)) revert ReceiptInvalid("currency");
        WarehouseReceiptsStorage storage $ = _getWarehouseReceiptsStorage();
        // Cannot overflow: 2^256 receipts are out of reach.
        unchecked {
            receiptId = ++$._count;
        }
        Receipt storage r = $._receipts[receiptId];
        r.warehouse = warehouse;
        r.depositor = depositor;
        r.dealer = dealer;
        r.status = Status.Issued;
        r.mode = terms.mode;
        r.issuedAt = uint40(block.timestamp);
        r.currency = terms.currency;
        r.quantity = terms.quantity;
        r.value = terms.value;
        r.goodsHash = terms.goodsHash;
        r.locationHash = terms.locationHash;
        r.documentId = terms.documentId;
        emit ReceiptIssued(receiptId, warehouse, depositor, r);
    }

    /// @inheritdoc IWarehouseReceipts
    function cancel(uint256 receiptId) external whenNotPaused {
        Receipt storage r = _load(receiptId);
        uint32 warehouse = _authorize(Roles.WAREHOUSE);
        if (warehouse != r.warehouse) revert ReceiptWrongParty(receiptId, warehouse, r.warehouse);
        if (r.status != Status.Issued) revert ReceiptWrongStatus(receiptId, r.status);
        _requireNotFrozen(receiptId, r, r.quantity - r.released);
        r.status = Status.Closed;
        emit ReceiptClosed(receiptId, true);
    }

    /// @inheritdoc IWarehouseReceipts
    function offerPledge(
        uint256 receiptId,
        uint32 financier,
        bytes32 loanRef,
        uint128 principal
    ) external whenNotPaused {
        Receipt storage r = _load(receiptId);
        uint32 depositor = _authorize(TRADER_ROLES);
        if (depositor != r.depositor) revert ReceiptWrongParty(receiptId, depositor, r.depositor);
        if (r.status != Status.Issued) revert ReceiptWrongStatus(receiptId, r.status);
        if (financier == depositor || financier == r.warehouse || financier == r.dealer) {
            revert ReceiptInvalid("financier");
        }
        registry().authorizeMember(financier, Roles.FINANCIER);
        if (loanRef == bytes32(0)) revert ReceiptInvalid("loanRef");
        if (principal == 0) revert ReceiptInvalid("principal");
        _requireNotFrozen(receiptId, r, r.quantity - r.released);
        bytes32 hash = offerHash(receiptId, financier, loanRef, principal);
        _getWarehouseReceiptsStorage()._pledges[receiptId] = Pledge({
            principal: principal,
            repaid: 0,
            loanRef: loanRef,
            offerHash: hash
        });
        r.financier = financier;
        r.status = Status.Offered;
        emit PledgeOffered(receiptId, financier, depositor, loanRef, principal, hash);
    }

    /// @inheritdoc IWarehouseReceipts
    function withdrawPledge(uint256 receiptId) external whenNotPaused {
        Receipt storage r = _load(receiptId);
        if (r.status != Status.Offered) revert ReceiptWrongStatus(receiptId, r.status);
        uint32 member = _authorize(TRADER_ROLES | Roles.FINANCIER);
        if (member != r.depositor && member != r.financier) revert ReceiptWrongParty(receiptId, member, r.depositor);
        _dropOffer(receiptId, r);
        emit PledgeWithdrawn(receiptId, msg.sender);
    }

    /// @inheritdoc IWarehouseReceipts
    function acceptPledge(uint256 receiptId, bytes32 offerHash_) external whenNotPaused returns (bool pledged) {
        Receipt storage r = _load(receiptId);
        if (r.status != Status.Offered) revert ReceiptWrongStatus(receiptId, r.status);
        uint32 bank = _authorize(Roles.FINANCIER);
        if (bank != r.financier) revert ReceiptWrongParty(receiptId, bank, r.financier);
        Pledge storage p = _getWarehouseReceiptsStorage()._pledges[receiptId];
        if (offerHash_ != p.offerHash) revert ReceiptOfferChanged(receiptId, p.offerHash, offerHash_);
        // Every party the pledge stands on, in good standing now: the pledgor, the dealer, the warehouse.
        registry().authorizeMember(r.depositor, TRADER_ROLES);
        if (r.dealer != 0) registry().authorizeMember(r.dealer, TRADER_ROLES);
        registry().authorizeMember(r.warehouse, Roles.WAREHOUSE);
        _requireNotFrozen(receiptId, r, r.quantity - r.released);
        // The goods back one financing: the receipt holds their document for the whole valuation. A refusal is
        // recorded by the register (the attempt, the bank, the holder) and the offer dropped, without a revert.
        pledged = _documents.tryHold(r.documentId, receiptId, r.value, r.currency, r.value, bank, bank);
        if (!pledged) {
            _dropOffer(receiptId, r);
            emit PledgeRefused(receiptId, bank, r.documentId);
            return false;
        }
        r.status = Status.Pledged;
        emit PledgeAccepted(receiptId, bank, p.loanRef, p.principal);
    }

    /// @inheritdoc IWarehouseReceipts
    function recordRepayment(uint256 receiptId, uint128 amount, bytes32 paymentRef) external whenNotPaused {
        Receipt storage r = _load(receiptId);
        if (r.status != Status.Pledged) revert ReceiptWrongStatus(receiptId, r.status);
        uint32 bank = _authorize(Roles.FINANCIER);
        if (bank != r.financier) revert ReceiptWrongParty(receiptId, bank, r.financier);
        if (amount == 0) revert ReceiptInvalid("amount");
        if (paymentRef == bytes32(0)) revert ReceiptInvalid("paymentRef");
        Pledge storage p = _getWarehouseReceiptsStorage()._pledges[receiptId];
        uint256 repaid = uint256(p.repaid) + amount;
        if (repaid > p.principal) revert ReceiptOverRepaid(receiptId, p.principal, p.repaid, amount);
        p.repaid = uint128(repaid);
        emit RepaymentRecorded(receiptId, bank, amount, repaid, paymentRef);
    }

    /// @inheritdoc IWarehouseReceipts
    function instructRelease(uint256 receiptId, uint96 quantity) external whenNotPaused {
        Receipt storage r = _load(receiptId);
        if (r.status != Status.Pledged) revert ReceiptWrongStatus(receiptId, r.status);
        uint32 bank = _authorize(Roles.FINANCIER);
        if (bank != r.financier) revert ReceiptWrongParty(receiptId, bank, r.financier);
        if (quantity == 0) revert ReceiptInvalid("quantity");
        uint256 free = _releasable(r, _getWarehouseReceiptsStorage()._pledges[receiptId]);
        if (quantity > free) revert ReceiptReleaseNotCovered(receiptId, free, quantity);
        // The goods go to a party in good standing: the dealer (保兑仓) or the depositor (融通仓).
        registry().authorizeMember(_recipient(r), TRADER_ROLES);
        _requireNotFrozen(receiptId, r, uint256(r.instructed) + quantity);
        // Cannot overflow: instructed plus released stays at most the quantity (checked through `free`).
        unchecked {
            r.instructed += quantity;
        }
        emit ReleaseInstructed(receiptId, bank, quantity, r.instructed);
    }

    /// @inheritdoc IWarehouseReceipts
    function confirmRelease(uint256 receiptId, uint96 quantity) external whenNotPaused {
        Receipt storage r = _load(receiptId);
        if (r.status != Status.Pledged) revert ReceiptWrongStatus(receiptId, r.status);
        uint32 warehouse = _authorize(Roles.WAREHOUSE);
        if (warehouse != r.warehouse) revert ReceiptWrongParty(receiptId, warehouse, r.warehouse);
        if (quantity == 0) revert ReceiptInvalid("quantity");
        if (quantity > r.instructed) revert ReceiptReleaseNotInstructed(receiptId, r.instructed, quantity);
        _requireNotFrozen(receiptId, r, quantity);
        // Cannot underflow or overflow: quantity is at most instructed, and released plus instructed at most the
        // receipt's quantity.
        unchecked {
            r.instructed -= quantity;
            r.released += quantity;
        }
        uint32 to = _recipient(r);
        emit ReleaseConfirmed(receiptId, warehouse, to, quantity, r.released);
        if (r.released == r.quantity) {
            // Every unit out: only a full repayment covers all of them (floor(q x repaid / principal) = q).
            r.status = Status.Closed;
            emit ReceiptClosed(receiptId, false);
            _documents.release(r.documentId, receiptId, IFinancedDocuments.Closure.Paid, address(0));
        }
    }

    /// @inheritdoc IWarehouseReceipts
    function receipt(uint256 receiptId) external view returns (Receipt memory) {
        return _getWarehouseReceiptsStorage()._receipts[receiptId];
    }

    /// @inheritdoc IWarehouseReceipts
    function pledge(uint256 receiptId) external view returns (Pledge memory) {
        return _getWarehouseReceiptsStorage()._pledges[receiptId];
    }

    /// @inheritdoc IWarehouseReceipts
    function receiptCount() external view returns (uint256) {
        return _getWarehouseReceiptsStorage()._count;
    }

    /// @inheritdoc IWarehouseReceipts
    function releasable(uint256 receiptId) external view returns (uint256) {
        WarehouseReceiptsStorage storage $ = _getWarehouseReceiptsStorage();
        Receipt storage r = $._receipts[receiptId];
        if (r.status != Status.Pledged) return 0;
        return _releasable(r, $._pledges[receiptId]);
    }

    /// @inheritdoc IWarehouseReceipts
    function offerHash(
        uint256 receiptId,
        uint32 financier,
        bytes32 loanRef,
        uint128 principal
    ) public view returns (bytes32) {
        Receipt storage r = _getWarehouseReceiptsStorage()._receipts[receiptId];
        return
            keccak256(
                abi.encode(
                    block.chainid,
                    address(this),
                    receiptId,
                    financier,
                    loanRef,
                    principal,
                    r.depositor,
                    r.dealer,
                    r.quantity - r.released,
                    r.value,
                    r.currency,
                    r.goodsHash,
                    r.documentId
                )
            );
    }

    /// @inheritdoc IFreezable
    function freezeOrders() external view returns (IFreezeOrders) {
        return _freezeOrders;
    }

    /// @inheritdoc IFreezable
    /// @dev Scope `Certificate` with this contract as asset: the units of an open receipt still in store.
    function freezableValue(
        IFreezeOrders.ScopeKind kind,
        address claimContract,
        uint256 id
    ) external view returns (uint256) {
        Receipt storage r = _getWarehouseReceiptsStorage()._receipts[id];
        if (
            kind != IFreezeOrders.ScopeKind.Certificate ||
            claimContract != address(0) ||
            r.status == Status.None ||
            r.status == Status.Closed
        ) {
            revert FreezeScopeUnsupported(kind, claimContract, id);
        }
        return r.quantity - r.released;
    }

    /// @inheritdoc IFreezable
    function freezeCount(address, uint256 id) external view returns (uint256) {
        return _getWarehouseReceiptsStorage()._freezeCount[id];
    }

    /// @inheritdoc IFreezable
    function freezeCountChanged(address, uint256 id, bool added) external {
        if (msg.sender != address(_freezeOrders) || msg.sender == address(0)) revert FreezeNotRegister(msg.sender);
        mapping(uint256 => uint256) storage counts = _getWarehouseReceiptsStorage()._freezeCount;
        // Bounded by the register's orders per target; an order ends only once it was counted.
        unchecked {
            if (added) ++counts[id];
            else --counts[id];
        }
    }

    /// @notice The register of financed documents the receipts hold their goods in.
    function financedDocuments() external view returns (IFinancedDocuments) {
        return _documents;
    }

    function _dropOffer(uint256 receiptId, Receipt storage r) private {
        delete _getWarehouseReceiptsStorage()._pledges[receiptId];
        r.financier = 0;
        r.status = Status.Issued;
    }

    /// @dev Units covered by the repaid share and not yet released or instructed. Cannot underflow: every
    /// instruction was within the cover, and repayments only raise it.
    function _releasable(Receipt storage r, Pledge storage p) private view returns (uint256) {
        uint256 covered = (uint256(r.quantity) * p.repaid) / p.principal;
        return covered - r.released - r.instructed;
    }

    function _recipient(Receipt storage r) private view returns (uint32) {
        return r.mode == Mode.Confirmed ? r.dealer : r.depositor;
    }

    /// @dev Goods under a freeze order in force do not move: `moved` units must leave the frozen units in store.
    function _requireNotFrozen(uint256 receiptId, Receipt storage r, uint256 moved) private view {
        if (_getWarehouseReceiptsStorage()._freezeCount[receiptId] == 0) return;
        uint256 frozen = _freezeOrders.frozenAmount(address(this), address(0), receiptId);
        uint256 inStore = r.quantity - r.released;
        // `frozen` may be type(uint256).max (an order of all of it): compared without adding to it.
        if (frozen != 0 && (frozen > inStore || moved > inStore - frozen)) {
            revert AssetFrozen(address(this), receiptId, frozen, inStore, moved);
        }
    }

    function _load(uint256 receiptId) private view returns (Receipt storage r) {
        r = _getWarehouseReceiptsStorage()._receipts[receiptId];
        if (r.status == Status.None) revert ReceiptUnknown(receiptId);
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getWarehouseReceiptsStorage() private pure returns (WarehouseReceiptsStorage storage $) {
        assembly ("memory-safe") {
            $.slot := WAREHOUSE_RECEIPTS_STORAGE_LOCATION
        }
    }
}
