// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {IERC3525} from "./IERC3525.sol";

/// @title IERC3525Metadata
/// @notice ERC-3525 metadata extension: URIs of the contract and of a slot. ERC-165 identifier 0xe1600902.
interface IERC3525Metadata is IERC3525, IERC721Metadata {
    /// @notice URI describing the contract.
    function contractURI() external view returns (string memory);

    /// @notice URI describing a slot (here: one receivable).
    function slotURI(uint256 _slot) external view returns (string memory);
}
