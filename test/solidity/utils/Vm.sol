// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @notice The few Hardhat/Foundry cheatcodes our Solidity tests use (the npm forge-std package is broken).
interface Vm {
    function prank(address sender) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function warp(uint256 timestamp) external;
    function roll(uint256 blockNumber) external;
    function assume(bool condition) external pure;
    function expectRevert() external;
    function expectRevert(bytes4 selector) external;
    function expectRevert(bytes calldata revertData) external;
    function expectEmit() external;
    function label(address account, string calldata name) external;
    function addr(uint256 privateKey) external pure returns (address);
    function record() external;
    function accesses(address target) external returns (bytes32[] memory reads, bytes32[] memory writes);
    function load(address target, bytes32 slot) external view returns (bytes32 data);
    function store(address target, bytes32 slot, bytes32 value) external;
}
