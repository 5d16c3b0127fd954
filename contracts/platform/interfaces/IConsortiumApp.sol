// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IConsortiumRegistry} from "./IConsortiumRegistry.sol";

/// @title IConsortiumApp
/// @notice What every application contract of the suite shares: the registry it asks, and an emergency pause that
/// only governance (an executed registry proposal) can pull or release.
interface IConsortiumApp {
    /// @notice Only the registry, executing a passed proposal, may do this.
    error OnlyGovernance(address caller);
    /// @notice A required value is zero, empty or out of range.
    error InvalidValue(bytes32 field);

    /// @notice The registry this application asks who may act.
    function registry() external view returns (IConsortiumRegistry);

    /// @notice Stops every state-changing operation of this application. Governance only.
    function pause() external;

    /// @notice Resumes operations. Governance only.
    function unpause() external;
}
