// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IDepositToken
/// @notice Tokenised bank deposits: the consortium's settlement asset. Moves only between accounts of active members
/// allowed to hold it (and suite contracts settling for them); minted and burned by issuing banks.
interface IDepositToken is IERC20 {
    /// @notice An issuing bank created deposits (also a `Transfer` from the zero address).
    event Issued(uint32 indexed issuer, address indexed to, uint256 amount);
    /// @notice An issuing bank redeemed deposits it holds (also a `Transfer` to the zero address).
    event Redeemed(uint32 indexed issuer, address indexed from, uint256 amount);

    /// @notice Sets the token's name, symbol and decimals behind its proxy (run once, by the proxy's constructor).
    function initialize(string calldata name_, string calldata symbol_, uint8 decimals_) external;

    /// @notice Issues deposits to a holder. Issuing banks only.
    function mint(address to, uint256 amount) external;

    /// @notice Burns deposits the calling issuing bank holds (a holder redeems by transferring to its bank first).
    function burn(uint256 amount) external;
}
