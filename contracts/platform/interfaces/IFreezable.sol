// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IFreezeOrders} from "./IFreezeOrders.sol";

/// @title IFreezable
/// @notice A suite contract that holds value a court or regulator order can freeze (`IFreezeOrders`): the deposit
/// token (an account's tokens), the receivable certificates (a certificate, whole or a value of it) and the forfaiting
/// market (a listed claim). It keeps, per target, how many orders of the register are active on it, so that a move of
/// value with nothing frozen pays one storage read; only when an order is active does it ask the register how much is
/// frozen (expired orders count for nothing, without any action).
interface IFreezable {
    /// @notice Frozen value would move: `frozen` of target `id` (certificate, account as uint160, claim) must stay,
    /// the target holds `value` and the step would move `moved` of it.
    error AssetFrozen(address asset, uint256 id, uint256 frozen, uint256 value, uint256 moved);
    /// @notice Only the register of freeze orders this contract was built with changes its freeze counts.
    error FreezeNotRegister(address caller);
    /// @notice The contract does not hold value of this scope (kind, claim contract or target).
    error FreezeScopeUnsupported(IFreezeOrders.ScopeKind kind, address claimContract, uint256 id);

    /// @notice The register of freeze orders this contract obeys (zero: a network without one; nothing freezes).
    function freezeOrders() external view returns (IFreezeOrders);

    /// @notice The value a freeze of this scope would cover now (the certificate's value, the account's balance,
    /// the claim's amount); reverts with `FreezeScopeUnsupported` (or the asset's own error) when there is none.
    function freezableValue(
        IFreezeOrders.ScopeKind kind,
        address claimContract,
        uint256 id
    ) external view returns (uint256);

    /// @notice Active orders on a target (the hook asks the register only while it is not zero).
    function freezeCount(address claimContract, uint256 id) external view returns (uint256);

    /// @notice The register announces that an order on the target became active (`added`) or ended. Register only.
    function freezeCountChanged(address claimContract, uint256 id, bool added) external;
}
