// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsortiumRegistry} from "../platform/ConsortiumRegistry.sol";

/// @notice Test-only second version of the registry: the same storage and one new function.
contract ConsortiumRegistryV2 is ConsortiumRegistry {
    /// @notice The new function.
    function version() external pure returns (uint256) {
        return 2;
    }
}
