// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IERC3525Receiver
/// @notice Implemented by a contract that wants to be told (and may refuse) when ERC-3525 value arrives in one of its
/// tokens. ERC-165 identifier 0x009ce20b.
interface IERC3525Receiver {
    /// @notice Called after value moved into `_toTokenId`, owned by this contract.
    /// @return `IERC3525Receiver.onERC3525Received.selector` to accept; anything else (or a revert) refuses.
    function onERC3525Received(
        address _operator,
        uint256 _fromTokenId,
        uint256 _toTokenId,
        uint256 _value,
        bytes calldata _data
    ) external returns (bytes4);
}
