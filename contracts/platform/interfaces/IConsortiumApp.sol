// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IGoverned} from "./IGoverned.sol";

/// @title IConsortiumApp
/// @notice What every application contract of the suite shares: the registry it asks, and an emergency pause that
/// only governance (an executed registry proposal) can pull or release.
interface IConsortiumApp is IGoverned {
    /// @notice Stops every state-changing operation of this application. Governance only.
    function pause() external;

    /// @notice Resumes operations. Governance only.
    function unpause() external;
}
