// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Governed} from "./Governed.sol";
import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";
import {IFreezable} from "./interfaces/IFreezable.sol";
import {IFreezeOrders} from "./interfaces/IFreezeOrders.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title FreezeOrders
/// @notice The register of freeze orders by a court or regulator. See `IFreezeOrders`.
/// @dev The asset contracts keep a count of active orders per target and ask `frozenAmount` only while it is not
/// zero, so a move with nothing frozen pays one storage read. A target holds at most `MAX_ACTIVE_PER_TARGET` active
/// orders, which bounds every loop here.
contract FreezeOrders is IFreezeOrders, Governed {
    /// @notice Most orders active on one target at once (an expired one frees its place through `lapse`).
    uint256 public constant MAX_ACTIVE_PER_TARGET = 8;
    /// @notice Longest time an order may run (a court renews a freeze by a new order).
    uint256 public constant MAX_DURATION = 3 * 365 days;

    /// @custom:storage-location erc7201:consortia.storage.FreezeOrders
    struct FreezeOrdersStorage {
        uint256 _count;
        mapping(uint256 orderId => Order) _orders;
        /// @dev Keyed by keccak256(abi.encode(asset, claimContract, id)).
        mapping(bytes32 targetKey => uint256[]) _active;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.FreezeOrders")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant FREEZE_ORDERS_STORAGE_LOCATION =
        0x92edb4ac9d9408851dc5b4d33e9783417b1b98cec7a57dc13a7f101cdd007600;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) Governed(registry_) {}

    /// @inheritdoc IFreezeOrders
    function initialize() external initializer {}

    // ------------------------------------------------------------------ freeze

    /// @inheritdoc IFreezeOrders
    function propose(
        Scope calldata scope,
        bytes32 referenceHash,
        bytes32 authorityHash,
        uint40 expiry
    ) external returns (uint256 orderId) {
        uint32 member = _authorizeRegulator(msg.sender);
        orderId = _record(scope, referenceHash, authorityHash, expiry);
        Order storage o = _getFreezeOrdersStorage()._orders[orderId];
        o.status = OrderStatus.Proposed;
        o.path = Path.Regulators;
        o.proposer = msg.sender;
        // The value must be there when proposed, and again when approved.
        _requireValue(orderId, scope);
        emit FreezeProposed(orderId, msg.sender, member, scope, referenceHash, authorityHash, expiry);
    }

    /// @inheritdoc IFreezeOrders
    function approve(uint256 orderId) external {
        uint32 member = _authorizeRegulator(msg.sender);
        Order storage o = _load(orderId);
        if (o.status != OrderStatus.Proposed) revert FreezeWrongStatus(orderId, o.status);
        if (msg.sender == o.proposer) revert FreezeSameRegulator(orderId, msg.sender);
        if (block.timestamp >= o.expiry) revert FreezeExpired(orderId, o.expiry);
        // The proposer must still be a regulator in good standing when its proposal takes effect.
        _authorizeRegulator(o.proposer);
        o.approver = msg.sender;
        _activate(orderId, o, member);
    }

    /// @inheritdoc IFreezeOrders
    function cancel(uint256 orderId) external {
        _authorizeRegulator(msg.sender);
        Order storage o = _load(orderId);
        if (o.status != OrderStatus.Proposed) revert FreezeWrongStatus(orderId, o.status);
        if (msg.sender != o.proposer) revert FreezeNotRegulator(msg.sender);
        o.status = OrderStatus.Cancelled;
        emit FreezeCancelled(orderId, msg.sender);
    }

    /// @inheritdoc IFreezeOrders
    function executeByGovernance(
        Scope calldata scope,
        bytes32 referenceHash,
        bytes32 authorityHash,
        uint40 expiry
    ) external onlyGovernance returns (uint256 orderId) {
        orderId = _record(scope, referenceHash, authorityHash, expiry);
        Order storage o = _getFreezeOrdersStorage()._orders[orderId];
        o.path = Path.Governance;
        o.proposer = msg.sender;
        o.approver = msg.sender;
        _activate(orderId, o, 0);
    }

    // ------------------------------------------------------------------ release

    /// @inheritdoc IFreezeOrders
    function proposeRelease(uint256 orderId) external {
        uint32 member = _authorizeRegulator(msg.sender);
        Order storage o = _loadInForce(orderId);
        if (o.releaseProposer != address(0)) revert FreezeWrongStatus(orderId, o.status);
        o.releaseProposer = msg.sender;
        emit FreezeReleaseProposed(orderId, msg.sender, member);
    }

    /// @inheritdoc IFreezeOrders
    function approveRelease(uint256 orderId) external {
        uint32 member = _authorizeRegulator(msg.sender);
        Order storage o = _loadInForce(orderId);
        address releaseProposer = o.releaseProposer;
        if (releaseProposer == address(0)) revert FreezeNoReleaseProposed(orderId);
        if (msg.sender == releaseProposer) revert FreezeSameRegulator(orderId, msg.sender);
        _authorizeRegulator(releaseProposer);
        o.releaseApprover = msg.sender;
        o.releasePath = Path.Regulators;
        _end(orderId, o, OrderStatus.Released);
        emit FreezeReleased(orderId, msg.sender, member, Path.Regulators);
    }

    /// @inheritdoc IFreezeOrders
    function releaseByGovernance(uint256 orderId) external onlyGovernance {
        Order storage o = _loadInForce(orderId);
        o.releaseApprover = msg.sender;
        o.releasePath = Path.Governance;
        _end(orderId, o, OrderStatus.Released);
        emit FreezeReleased(orderId, msg.sender, 0, Path.Governance);
    }

    /// @inheritdoc IFreezeOrders
    function lapse(uint256 orderId) external {
        registry().authorize(msg.sender, Roles.MEMBER);
        Order storage o = _load(orderId);
        if (o.status != OrderStatus.Active) revert FreezeWrongStatus(orderId, o.status);
        if (block.timestamp < o.expiry) revert FreezeNotExpired(orderId, o.expiry);
        _end(orderId, o, OrderStatus.Lapsed);
        emit FreezeLapsed(orderId, msg.sender, o.expiry);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IFreezeOrders
    function order(uint256 orderId) external view returns (Order memory) {
        return _load(orderId);
    }

    /// @inheritdoc IFreezeOrders
    function orderCount() external view returns (uint256) {
        return _getFreezeOrdersStorage()._count;
    }

    /// @inheritdoc IFreezeOrders
    function isInForce(uint256 orderId) external view returns (bool) {
        Order storage o = _getFreezeOrdersStorage()._orders[orderId];
        return o.status == OrderStatus.Active && block.timestamp < o.expiry;
    }

    /// @inheritdoc IFreezeOrders
    function frozenAmount(address asset, address claimContract, uint256 id) external view returns (uint256 frozen) {
        FreezeOrdersStorage storage $ = _getFreezeOrdersStorage();
        uint256[] storage active = $._active[_targetKey(asset, claimContract, id)];
        uint256 count = active.length;
        // Bounded: at most MAX_ACTIVE_PER_TARGET entries.
        for (uint256 i; i < count; ++i) {
            Order storage o = $._orders[active[i]];
            if (block.timestamp >= o.expiry) continue;
            uint256 amount = o.scope.amount;
            if (amount == 0) return type(uint256).max;
            frozen += amount;
        }
    }

    /// @inheritdoc IFreezeOrders
    function activeOrders(address asset, address claimContract, uint256 id) external view returns (uint256[] memory) {
        return _getFreezeOrdersStorage()._active[_targetKey(asset, claimContract, id)];
    }

    /// @inheritdoc IFreezeOrders
    function isRegulator(address account) external view returns (bool) {
        if (!registry().isAuthorized(account, Roles.AUDITOR)) return false;
        (IConsortiumRegistry.MemberKind kind, , ) = registry().memberProfile(registry().memberOf(account));
        return kind == IConsortiumRegistry.MemberKind.Regulator;
    }

    // ------------------------------------------------------------------ internals

    /// @dev Records a new order's scope and terms after checking them; returns its id.
    function _record(
        Scope calldata scope,
        bytes32 referenceHash,
        bytes32 authorityHash,
        uint40 expiry
    ) private returns (uint256 orderId) {
        if (referenceHash == bytes32(0)) revert FreezeInvalid("referenceHash");
        if (authorityHash == bytes32(0)) revert FreezeInvalid("authorityHash");
        if (expiry <= block.timestamp) revert FreezeExpired(0, expiry);
        if (expiry > block.timestamp + MAX_DURATION) revert FreezeInvalid("expiry");
        ScopeKind kind = scope.kind;
        if (kind == ScopeKind.None || scope.asset.code.length == 0) revert FreezeInvalidScope(kind, scope.asset);
        if ((kind == ScopeKind.Claim) != (scope.claimContract != address(0))) {
            revert FreezeInvalidScope(kind, scope.asset);
        }
        // The asset must obey this very register (a foreign contract could report anything).
        if (address(IFreezable(scope.asset).freezeOrders()) != address(this)) {
            revert FreezeInvalidScope(kind, scope.asset);
        }
        FreezeOrdersStorage storage $ = _getFreezeOrdersStorage();
        // Cannot overflow: 2^256 orders are out of reach.
        unchecked {
            orderId = ++$._count;
        }
        Order storage o = $._orders[orderId];
        o.scope = scope;
        o.referenceHash = referenceHash;
        o.authorityHash = authorityHash;
        o.expiry = expiry;
        o.proposedAt = uint40(block.timestamp);
    }

    /// @dev Puts an order in force: the value must still be there; the asset counts one more active order.
    function _activate(uint256 orderId, Order storage o, uint32 approverMember) private {
        Scope memory scope = o.scope;
        _requireValue(orderId, scope);
        uint256[] storage active = _getFreezeOrdersStorage()._active[
            _targetKey(scope.asset, scope.claimContract, scope.id)
        ];
        if (active.length == MAX_ACTIVE_PER_TARGET) revert FreezeTooManyOrders(scope.asset, scope.id);
        active.push(orderId);
        o.status = OrderStatus.Active;
        o.activatedAt = uint40(block.timestamp);
        emit FreezeActivated(
            orderId,
            msg.sender,
            approverMember,
            o.path,
            scope,
            o.referenceHash,
            o.authorityHash,
            o.expiry
        );
        // Interaction last: the asset contract is bound to this register (checked at `_record`).
        IFreezable(scope.asset).freezeCountChanged(scope.claimContract, scope.id, true);
    }

    /// @dev Ends an active order (released or lapsed): off the target's list, and the asset counts one less.
    function _end(uint256 orderId, Order storage o, OrderStatus status) private {
        Scope memory scope = o.scope;
        uint256[] storage active = _getFreezeOrdersStorage()._active[
            _targetKey(scope.asset, scope.claimContract, scope.id)
        ];
        uint256 count = active.length;
        // Bounded: at most MAX_ACTIVE_PER_TARGET entries; the order is on the list while it is active.
        for (uint256 i; i < count; ++i) {
            if (active[i] == orderId) {
                active[i] = active[count - 1];
                active.pop();
                break;
            }
        }
        o.status = status;
        o.releasedAt = uint40(block.timestamp);
        IFreezable(scope.asset).freezeCountChanged(scope.claimContract, scope.id, false);
    }

    /// @dev Reverts unless the target holds the value the order freezes now (all of it: some value).
    function _requireValue(uint256 orderId, Scope memory scope) private view {
        uint256 available = IFreezable(scope.asset).freezableValue(scope.kind, scope.claimContract, scope.id);
        uint256 amount = scope.amount;
        if (available == 0 || amount > available) revert FreezeValueNotThere(orderId, available, amount);
    }

    /// @dev The member behind an active account of an active regulator (kind Regulator, role AUDITOR).
    function _authorizeRegulator(address account) private view returns (uint32 member) {
        IConsortiumRegistry registry_ = registry();
        member = registry_.authorize(account, Roles.AUDITOR);
        (IConsortiumRegistry.MemberKind kind, , ) = registry_.memberProfile(member);
        if (kind != IConsortiumRegistry.MemberKind.Regulator) revert FreezeNotRegulator(account);
    }

    function _load(uint256 orderId) private view returns (Order storage o) {
        o = _getFreezeOrdersStorage()._orders[orderId];
        if (o.status == OrderStatus.None) revert FreezeUnknownOrder(orderId);
    }

    /// @dev An active order not past its expiry (an expired one lapses; it cannot be released).
    function _loadInForce(uint256 orderId) private view returns (Order storage o) {
        o = _load(orderId);
        if (o.status != OrderStatus.Active) revert FreezeWrongStatus(orderId, o.status);
        if (block.timestamp >= o.expiry) revert FreezeExpired(orderId, o.expiry);
    }

    function _targetKey(address asset, address claimContract, uint256 id) private pure returns (bytes32) {
        return keccak256(abi.encode(asset, claimContract, id));
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getFreezeOrdersStorage() private pure returns (FreezeOrdersStorage storage $) {
        assembly ("memory-safe") {
            $.slot := FREEZE_ORDERS_STORAGE_LOCATION
        }
    }
}
