// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ConsortiumApp} from "./ConsortiumApp.sol";
import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";
import {IDepositToken} from "./interfaces/IDepositToken.sol";
import {IFreezable} from "./interfaces/IFreezable.sol";
import {IFreezeOrders} from "./interfaces/IFreezeOrders.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title DepositToken
/// @notice A permissioned ERC-20 of tokenised bank deposits, the settlement asset of the suite.
/// @dev Every balance change asks the registry about both sides in one call (one storage slot each), so a transfer
/// costs a few thousand gas more than a plain ERC-20 transfer, not a compliance framework's hundreds of thousands.
contract DepositToken is IDepositToken, IFreezable, ERC20Upgradeable, ConsortiumApp {
    /// @dev Roles that may hold deposits: member holders, and suite contracts settling for members.
    uint64 private constant HOLDS = Roles.TOKEN_HOLDER | Roles.SYSTEM;

    /// @custom:storage-location erc7201:consortia.storage.DepositToken
    struct DepositTokenStorage {
        uint8 _decimals;
        /// @dev Active freeze orders per account (the register is asked only while it is not zero).
        mapping(address account => uint256) _freezeCount;
    }

    /// @dev The register of freeze orders (a network constant; zero on a network without one).
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IFreezeOrders private immutable _freezeOrders;

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.DepositToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant DEPOSIT_TOKEN_STORAGE_LOCATION =
        0xb1c2b4c2e65cfc1ad6f7898823683ecbaf656d940154d005a91c01c883be3000;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_, IFreezeOrders freezeOrders_) ConsortiumApp(registry_) {
        _freezeOrders = freezeOrders_;
    }

    /// @inheritdoc IDepositToken
    function initialize(string calldata name_, string calldata symbol_, uint8 decimals_) external initializer {
        __ERC20_init(name_, symbol_);
        __ConsortiumApp_init();
        _getDepositTokenStorage()._decimals = decimals_;
    }

    /// @notice Minor units per major unit (2 for a currency in cents).
    function decimals() public view override returns (uint8) {
        return _getDepositTokenStorage()._decimals;
    }

    /// @inheritdoc IDepositToken
    function mint(address to, uint256 amount) external {
        uint32 issuer = _authorize(Roles.TOKEN_ISSUER);
        _mint(to, amount);
        emit Issued(issuer, to, amount);
    }

    /// @inheritdoc IDepositToken
    function burn(uint256 amount) external {
        uint32 issuer = _authorize(Roles.TOKEN_ISSUER);
        _burn(msg.sender, amount);
        emit Redeemed(issuer, msg.sender, amount);
    }

    /// @notice ERC-20 approve. Granting an allowance (any non-zero value) needs the owner and the spender to be able
    /// to hold deposits now (active holders, or a suite contract as spender); withdrawing one (zero) needs nothing.
    function approve(address spender, uint256 value) public override(ERC20Upgradeable, IERC20) returns (bool) {
        if (value != 0) {
            (uint64 ownerRoles, uint64 spenderRoles) = _effectiveRoles(msg.sender, spender);
            if ((ownerRoles & HOLDS) == 0 || (spenderRoles & HOLDS) == 0) {
                _revertNotHolder(msg.sender, ownerRoles, spender);
            }
        }
        return super.approve(spender, value);
    }

    /// @dev Every spender must be able to act now, whatever allowance it holds: an active account (Transact or Admin)
    /// of an active member holding `TOKEN_HOLDER`, or a suite contract settling for members. The regulator, an
    /// outsider, a suspended member, a blacklisted or ReadOnly account never moves tokens, approved or not.
    function _spendAllowance(address owner, address spender, uint256 value) internal override {
        _authorizeAccount(spender, HOLDS);
        super._spendAllowance(owner, spender, value);
    }

    /// @dev The permission check for every mint, burn and transfer: each side that is not the zero address must be an
    /// active holder or a suite contract. The reason is looked up only when the check fails.
    function _update(address from, address to, uint256 value) internal override whenNotPaused {
        (uint64 fromRoles, uint64 toRoles) = _effectiveRoles(from, to);
        // Mint (from 0) and burn (to 0) count as allowed on that side.
        if (from == address(0)) fromRoles = Roles.SYSTEM;
        if (to == address(0)) toRoles = Roles.SYSTEM;
        if ((fromRoles & HOLDS) == 0 || (toRoles & HOLDS) == 0) _revertNotHolder(from, fromRoles, to);
        // One storage read when nothing is frozen on the sender.
        if (from != address(0) && _getDepositTokenStorage()._freezeCount[from] != 0) _requireUnfrozen(from, value);
        super._update(from, to, value);
    }

    // ------------------------------------------------------------------ freeze orders

    /// @inheritdoc IFreezable
    function freezeOrders() external view returns (IFreezeOrders) {
        return _freezeOrders;
    }

    /// @inheritdoc IFreezable
    /// @dev An account's balance; never a suite contract's (escrow belongs to the members it settles for).
    function freezableValue(
        IFreezeOrders.ScopeKind kind,
        address claimContract,
        uint256 id
    ) external view returns (uint256) {
        if (
            kind != IFreezeOrders.ScopeKind.Tokens ||
            claimContract != address(0) ||
            id == 0 ||
            id > type(uint160).max ||
            registry().isSystemContract(address(uint160(id)))
        ) revert FreezeScopeUnsupported(kind, claimContract, id);
        return balanceOf(address(uint160(id)));
    }

    /// @inheritdoc IFreezable
    function freezeCount(address, uint256 id) external view returns (uint256) {
        return _getDepositTokenStorage()._freezeCount[address(uint160(id))];
    }

    /// @inheritdoc IFreezable
    function freezeCountChanged(address, uint256 id, bool added) external {
        if (msg.sender != address(_freezeOrders) || msg.sender == address(0)) revert FreezeNotRegister(msg.sender);
        mapping(address => uint256) storage counts = _getDepositTokenStorage()._freezeCount;
        // Bounded by the register's orders per target; an order ends only once it was counted.
        unchecked {
            if (added) ++counts[address(uint160(id))];
            else --counts[address(uint160(id))];
        }
    }

    /// @dev Frozen tokens never leave an account: what stays after the move must cover what the orders in force
    /// freeze. Called only for an account with active orders.
    function _requireUnfrozen(address from, uint256 value) private view {
        uint256 frozen = _freezeOrders.frozenAmount(address(this), address(0), uint256(uint160(from)));
        if (frozen == 0) return;
        uint256 balance = balanceOf(from);
        if (value > balance || balance - value < frozen) {
            revert AssetFrozen(address(this), uint256(uint160(from)), frozen, balance, value);
        }
    }

    /// @dev Looks up why a side may not hold deposits (the registry reverts with the reason).
    function _revertNotHolder(address from, uint64 fromRoles, address to) private view {
        registry().authorize(fromRoles & HOLDS == 0 ? from : to, Roles.TOKEN_HOLDER);
    }

    /// @dev `registry().effectiveRoles(from, to)` without the ABI encoder's overhead: this runs on every transfer.
    function _effectiveRoles(address from, address to) private view returns (uint64 fromRoles, uint64 toRoles) {
        address registry_ = address(registry());
        bytes4 selector = IConsortiumRegistry.effectiveRoles.selector;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 0x04), from)
            mstore(add(ptr, 0x24), to)
            // Two statements, not or(): Yul evaluates arguments right to left, so returndatasize() would run first.
            if iszero(staticcall(gas(), registry_, ptr, 0x44, ptr, 0x40)) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
            if lt(returndatasize(), 0x40) {
                revert(0, 0)
            }
            fromRoles := and(mload(ptr), 0xffffffffffffffff)
            toRoles := and(mload(add(ptr, 0x20)), 0xffffffffffffffff)
        }
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getDepositTokenStorage() private pure returns (DepositTokenStorage storage $) {
        assembly ("memory-safe") {
            $.slot := DEPOSIT_TOKEN_STORAGE_LOCATION
        }
    }
}
