// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsortiumApp} from "../platform/ConsortiumApp.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {ICreditBlacklist} from "../credit/interfaces/ICreditBlacklist.sol";

/// @notice Test-only "v2" of the credit blacklist that the storage-layout check must refuse: it inserts a field before
/// `_entries` in the blacklist's namespace, which would move every entry to another slot.
contract CreditBlacklistIncompatible is ConsortiumApp {
    /// @custom:storage-location erc7201:consortia.storage.CreditBlacklist
    struct CreditBlacklistStorage {
        uint256 _reportCount;
        mapping(bytes32 subjectKey => mapping(uint32 number => ICreditBlacklist.Entry)) _entries;
    }

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) ConsortiumApp(registry_) {}

    /// @notice Initializes the proxy.
    function initialize() external initializer {
        __ConsortiumApp_init();
    }
}
