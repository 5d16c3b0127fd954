// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Vm} from "./Vm.sol";

/// @notice What forge-std's Test gives that our Solidity tests need: the cheatcode handle, invariant targets and a
/// few assertions with readable messages.
abstract contract TestBase {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    address[] private _targetContracts;
    FuzzSelector[] private _selectors;

    /// @notice Read by the invariant runner: only these contracts receive random calls.
    function targetContracts() public view returns (address[] memory) {
        return _targetContracts;
    }

    /// @notice Read by the invariant runner: only these functions of the targets are called.
    function targetSelectors() public view returns (FuzzSelector[] memory) {
        return _selectors;
    }

    function _targetContract(address target) internal {
        _targetContracts.push(target);
    }

    function _targetSelectors(address target, bytes4[] memory selectors) internal {
        _selectors.push(FuzzSelector(target, selectors));
    }

    /// @dev Maps any fuzzed value into [min, max] without rejecting inputs.
    function _bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (max == type(uint256).max && min == 0) return x;
        return min + (x % (max - min + 1));
    }

    function _assertEq(uint256 a, uint256 b, string memory message) internal pure {
        if (a != b) revert(string.concat(message, ": ", _toString(a), " != ", _toString(b)));
    }

    function _assertTrue(bool condition, string memory message) internal pure {
        if (!condition) revert(message);
    }

    function _toString(uint256 value) internal pure returns (string memory) {
        if (value == 0) return "0";
        uint256 digits;
        for (uint256 v = value; v != 0; v /= 10) ++digits;
        bytes memory buffer = new bytes(digits);
        for (; value != 0; value /= 10) buffer[--digits] = bytes1(uint8(48 + (value % 10)));
        return string(buffer);
    }
}
