// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

/// @title SuiteProxy
/// @notice The proxy in front of every suite contract: OpenZeppelin's ERC-1967 proxy, unchanged. Its constructor
/// runs the implementation's `initialize` in the deploying transaction, so nobody can initialize it first.
/// @dev A subclass only so that the project compiles an artifact for it (deployments and bindings name it).
contract SuiteProxy is ERC1967Proxy {
    constructor(address implementation, bytes memory data) payable ERC1967Proxy(implementation, data) {}
}
