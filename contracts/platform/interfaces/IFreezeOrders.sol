// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IFreezeOrders
/// @notice The suite's register of freeze orders by a court or regulator (issue 20). An order records a reference
/// hash of the order document (never the document), a keyed hash of the issuing authority, a scope (a receivable
/// certificate, an account's deposit tokens, a forfaiting claim; all of it or a value) and an expiry. It takes effect
/// either by a governance vote (`executeByGovernance`, the registry executing a passed proposal) or by two regulator
/// accounts: one proposes, a different one approves (two-person rule). A release (unfreeze) takes the same paths. At
/// expiry an order lapses by itself: reads and hooks treat it as ended without any action (`lapse` only tidies up).
/// Frozen value cannot move: the asset contracts (`IFreezable`) ask the register before any move of a target that
/// has active orders.
interface IFreezeOrders {
    /// @notice What an order freezes.
    /// `Certificate`: a receivable certificate (`asset` the certificate contract, `id` the certificate).
    /// `Tokens`: an account's deposit tokens (`asset` the deposit token, `id` the account as uint160).
    /// `Claim`: a forfaiting claim traded in the market (`asset` the market, `claimContract` the claim's contract, `id`
    /// the claim), for claims whose own contract cannot check (letters of credit); a certificate is frozen with
    /// `Certificate`, which also stops its trade.
    enum ScopeKind {
        None,
        Certificate,
        Tokens,
        Claim
    }

    /// @notice `Proposed` (one regulator), `Active` (frozen until released or expiry), `Released` (unfrozen),
    /// `Cancelled` (a proposal withdrawn by its proposer before approval), `Lapsed` (expired and tidied up; an
    /// `Active` order past its expiry is already treated as lapsed).
    enum OrderStatus {
        None,
        Proposed,
        Active,
        Released,
        Cancelled,
        Lapsed
    }

    /// @notice How a step was decided: by two regulator accounts, or by a governance vote.
    enum Path {
        None,
        Regulators,
        Governance
    }

    /// @notice What is frozen. `amount` 0 freezes all of the target.
    struct Scope {
        ScopeKind kind;
        address asset;
        address claimContract;
        uint256 id;
        uint256 amount;
    }

    /// @notice An order and its history (who proposed and approved the freeze and the release, when).
    struct Order {
        Scope scope;
        bytes32 referenceHash;
        bytes32 authorityHash;
        uint40 expiry;
        OrderStatus status;
        Path path;
        uint40 proposedAt;
        uint40 activatedAt;
        uint40 releasedAt;
        address proposer;
        address approver;
        address releaseProposer;
        address releaseApprover;
        Path releasePath;
    }

    /// @notice A regulator account proposed a freeze (regulator path).
    event FreezeProposed(
        uint256 indexed orderId,
        address indexed proposer,
        uint32 indexed proposerMember,
        Scope scope,
        bytes32 referenceHash,
        bytes32 authorityHash,
        uint40 expiry
    );
    /// @notice An order took effect: approved by a second regulator account, or executed by a governance vote (then
    /// `approver` is the registry and `approverMember` 0). Carries the whole scope, so that an indexer needs nothing
    /// else.
    event FreezeActivated(
        uint256 indexed orderId,
        address indexed approver,
        uint32 indexed approverMember,
        Path path,
        Scope scope,
        bytes32 referenceHash,
        bytes32 authorityHash,
        uint40 expiry
    );
    /// @notice A regulator account proposed to release an active order.
    event FreezeReleaseProposed(uint256 indexed orderId, address indexed proposer, uint32 indexed proposerMember);
    /// @notice An order was released (unfrozen) by a second regulator account or by a governance vote.
    event FreezeReleased(uint256 indexed orderId, address indexed approver, uint32 indexed approverMember, Path path);
    /// @notice A proposed freeze was withdrawn by its proposer before approval.
    event FreezeCancelled(uint256 indexed orderId, address indexed by);
    /// @notice An expired order was tidied up (it had already stopped freezing at its expiry).
    event FreezeLapsed(uint256 indexed orderId, address indexed by, uint40 expiry);

    /// @notice The account is not an active account of an active regulator member (kind Regulator, role AUDITOR).
    error FreezeNotRegulator(address account);
    /// @notice The second approval must come from another account than the one that proposed.
    error FreezeSameRegulator(uint256 orderId, address account);
    /// @notice The order is not in the state the step needs.
    error FreezeWrongStatus(uint256 orderId, OrderStatus status);
    /// @notice The order (or the proposed expiry) is past its expiry.
    error FreezeExpired(uint256 orderId, uint40 expiry);
    /// @notice No release was proposed for the order.
    error FreezeNoReleaseProposed(uint256 orderId);
    /// @notice The order is not past its expiry (it cannot lapse yet).
    error FreezeNotExpired(uint256 orderId, uint40 expiry);
    /// @notice The target does not hold the value the order freezes (it has moved, or never was there).
    error FreezeValueNotThere(uint256 orderId, uint256 available, uint256 amount);
    /// @notice The asset contract is not bound to this register, or the scope is malformed.
    error FreezeInvalidScope(ScopeKind kind, address asset);
    /// @notice At most `MAX_ACTIVE_PER_TARGET` orders are active on one target at once.
    error FreezeTooManyOrders(address asset, uint256 id);
    /// @notice An empty or out-of-range field.
    error FreezeInvalid(bytes32 field);
    /// @notice No such order.
    error FreezeUnknownOrder(uint256 orderId);

    /// @notice Marks the register's proxy initialized (run once, by the proxy's constructor; it has no settings).
    function initialize() external;

    /// @notice A regulator account proposes a freeze; another regulator account must approve it. Returns its id.
    function propose(
        Scope calldata scope,
        bytes32 referenceHash,
        bytes32 authorityHash,
        uint40 expiry
    ) external returns (uint256 orderId);

    /// @notice A second regulator account (not the proposer) approves a proposed freeze: it takes effect now, if the
    /// target still holds the value and both regulators are in good standing.
    function approve(uint256 orderId) external;

    /// @notice The proposer withdraws a freeze not approved yet.
    function cancel(uint256 orderId) external;

    /// @notice A governance vote orders a freeze: it takes effect at once. Registry only (an executed proposal).
    function executeByGovernance(
        Scope calldata scope,
        bytes32 referenceHash,
        bytes32 authorityHash,
        uint40 expiry
    ) external returns (uint256 orderId);

    /// @notice A regulator account proposes to release an active order; another regulator account must approve.
    function proposeRelease(uint256 orderId) external;

    /// @notice A second regulator account (not the one that proposed the release) releases the order.
    function approveRelease(uint256 orderId) external;

    /// @notice A governance vote releases an active order. Registry only.
    function releaseByGovernance(uint256 orderId) external;

    /// @notice Any active member tidies up an active order past its expiry (it froze nothing since its expiry).
    function lapse(uint256 orderId) external;

    /// @notice An order; reverts for an unknown id.
    function order(uint256 orderId) external view returns (Order memory);

    /// @notice Number of orders ever proposed or executed (ids run from 1).
    function orderCount() external view returns (uint256);

    /// @notice Whether the order freezes now (active and not past its expiry).
    function isInForce(uint256 orderId) external view returns (bool);

    /// @notice What the orders in force on a target freeze now (type(uint256).max when one freezes all of it). The
    /// asset contracts call it before a move of a target with active orders.
    function frozenAmount(address asset, address claimContract, uint256 id) external view returns (uint256);

    /// @notice The active orders on a target (in force or expired but not tidied up).
    function activeOrders(address asset, address claimContract, uint256 id) external view returns (uint256[] memory);

    /// @notice Whether the account may act as a regulator now.
    function isRegulator(address account) external view returns (bool);
}
