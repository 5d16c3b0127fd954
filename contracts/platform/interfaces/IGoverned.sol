// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IConsortiumRegistry} from "./IConsortiumRegistry.sol";

/// @title IGoverned
/// @notice What every suite contract but the registry shares: it sits behind a UUPS proxy that only the registry,
/// executing a passed proposal, may upgrade, and only to an implementation built for the same registry.
interface IGoverned {
    /// @notice Only the registry, executing a passed proposal, may do this.
    error OnlyGovernance(address caller);
    /// @notice A required value is zero, empty or out of range.
    error InvalidValue(bytes32 field);
    /// @notice `implementation` is not a suite implementation bound to this contract's registry (an account without
    /// code, a foreign contract, or an implementation built for another network's registry).
    error IncompatibleImplementation(address implementation);

    /// @notice The registry this contract asks who may act, and whose executed proposals may upgrade it.
    function registry() external view returns (IConsortiumRegistry);
}
