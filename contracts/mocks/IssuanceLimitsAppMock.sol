// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IIssuanceLimits} from "../receivables/interfaces/IIssuanceLimits.sol";

/// @notice Test-only: an application that uses and releases issuance limits on anyone's say (the tests make it a
/// system contract).
contract IssuanceLimitsAppMock {
    IIssuanceLimits public immutable limits;

    constructor(IIssuanceLimits limits_) {
        limits = limits_;
    }

    function use(uint32 obligor, uint256 record, uint256 amount) external {
        limits.use(obligor, record, amount);
    }

    function release(uint32 obligor, uint256 record, uint256 amount) external {
        limits.release(obligor, record, amount);
    }
}
