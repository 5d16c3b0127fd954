// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IConsortiumApp} from "./interfaces/IConsortiumApp.sol";
import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";

/// @title ConsortiumApp
/// @notice Base of every application contract: asks the registry who may act and lets governance pause it.
abstract contract ConsortiumApp is IConsortiumApp, Pausable {
    IConsortiumRegistry private immutable _registry;

    modifier onlyGovernance() {
        if (msg.sender != address(_registry)) revert OnlyGovernance(msg.sender);
        _;
    }

    constructor(IConsortiumRegistry registry_) {
        if (address(registry_) == address(0)) revert InvalidValue("registry");
        _registry = registry_;
    }

    /// @inheritdoc IConsortiumApp
    function registry() public view returns (IConsortiumRegistry) {
        return _registry;
    }

    /// @inheritdoc IConsortiumApp
    function pause() external onlyGovernance {
        _pause();
    }

    /// @inheritdoc IConsortiumApp
    function unpause() external onlyGovernance {
        _unpause();
    }

    /// @dev The member behind `msg.sender` if it may act now with `role`; reverts with the registry's reason otherwise.
    function _authorize(uint64 role) internal view returns (uint32 memberId) {
        return _registry.authorize(msg.sender, role);
    }

    /// @dev The member behind any account if it may act now with `role`.
    function _authorizeAccount(address account, uint64 role) internal view returns (uint32 memberId) {
        return _registry.authorize(account, role);
    }
}
