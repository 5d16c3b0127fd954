// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";

/// @title IERC3525
/// @notice ERC-3525 semi-fungible token: an ERC-721 token that also carries a `value` and belongs to a `slot`; value
/// moves between tokens of the same slot. See https://eips.ethereum.org/EIPS/eip-3525.
/// @dev ERC-165 identifier 0xd5358140. The ERC declares `approve` and both `transferFrom` overloads `payable`; as
/// OpenZeppelin does for ERC-721, this interface declares them non-payable (the ERC-721 text allows an
/// implementation to strengthen mutability), so no ether can be sent to a certificate contract. The identifier does
/// not depend on mutability.
interface IERC3525 is IERC721 {
    /// @notice Value moved from one token to another of the same slot; `_fromTokenId` is 0 when value is created and
    /// `_toTokenId` is 0 when it is destroyed.
    event TransferValue(uint256 indexed _fromTokenId, uint256 indexed _toTokenId, uint256 _value);

    /// @notice The value of `_tokenId` that `_operator` may move was set.
    event ApprovalValue(uint256 indexed _tokenId, address indexed _operator, uint256 _value);

    /// @notice The slot of a token was set (`_oldSlot` 0 at creation) or cleared (`_newSlot` 0 at destruction).
    event SlotChanged(uint256 indexed _tokenId, uint256 indexed _oldSlot, uint256 indexed _newSlot);

    /// @notice Decimals of a token's value (those of the settlement currency).
    function valueDecimals() external view returns (uint8);

    /// @notice The value of a token.
    function balanceOf(uint256 _tokenId) external view returns (uint256);

    /// @notice The slot of a token.
    function slotOf(uint256 _tokenId) external view returns (uint256);

    /// @notice Allows `_operator` to move up to `_value` of `_tokenId`. Owner, approved address or operator only.
    function approve(uint256 _tokenId, address _operator, uint256 _value) external;

    /// @notice The value of `_tokenId` that `_operator` may still move.
    function allowance(uint256 _tokenId, address _operator) external view returns (uint256);

    /// @notice Moves `_value` from `_fromTokenId` to `_toTokenId` (same slot).
    function transferFrom(uint256 _fromTokenId, uint256 _toTokenId, uint256 _value) external;

    /// @notice Moves `_value` from `_fromTokenId` into a new token of the same slot owned by `_to`.
    /// @return The new token's id.
    function transferFrom(uint256 _fromTokenId, address _to, uint256 _value) external returns (uint256);
}
