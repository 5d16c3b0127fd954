// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {Governed} from "./Governed.sol";
import {IConsortiumApp} from "./interfaces/IConsortiumApp.sol";
import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";

/// @title ConsortiumApp
/// @notice Base of every application contract: asks the registry who may act and lets governance pause it.
abstract contract ConsortiumApp is IConsortiumApp, Governed, PausableUpgradeable {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) Governed(registry_) {}

    /// @inheritdoc IConsortiumApp
    function pause() external onlyGovernance {
        _pause();
    }

    /// @inheritdoc IConsortiumApp
    function unpause() external onlyGovernance {
        _unpause();
    }

    /// @dev Initializes the bases an application shares (call it from the application's `initialize`).
    function __ConsortiumApp_init() internal onlyInitializing {
        __Pausable_init();
    }

    /// @dev The member behind `msg.sender` if it may act now with `role`; reverts with the registry's reason otherwise.
    function _authorize(uint64 role) internal view returns (uint32 memberId) {
        return registry().authorize(msg.sender, role);
    }

    /// @dev The member behind any account if it may act now with `role`.
    function _authorizeAccount(address account, uint64 role) internal view returns (uint32 memberId) {
        return registry().authorize(account, role);
    }
}
