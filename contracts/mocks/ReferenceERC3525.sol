// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ERC3525} from "@solvprotocol/erc-3525/ERC3525.sol";

/// @title ReferenceERC3525
/// @notice Benchmark only: Solv's ERC-3525 reference implementation (1.5.0) with an open mint, so that the gas bench
/// measures its split, value transfer and whole transfer side by side with `ReceivableCertificate`. Never deployed.
contract ReferenceERC3525 is ERC3525 {
    constructor() ERC3525("Reference ERC-3525", "REF", 2) {}

    /// @notice Mints a token of `value` in `slot` to `to`. Open to anyone: bench only.
    function mint(address to, uint256 slot, uint256 value) external returns (uint256 tokenId) {
        return _mint(to, slot, value);
    }
}
