// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ConsortiumApp} from "./ConsortiumApp.sol";
import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";
import {IDepositToken} from "./interfaces/IDepositToken.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title DepositToken
/// @notice A permissioned ERC-20 of tokenised bank deposits, the settlement asset of the suite.
/// @dev Every balance change asks the registry about both sides in one call (one storage slot each), so a transfer
/// costs a few thousand gas more than a plain ERC-20 transfer, not a compliance framework's hundreds of thousands.
contract DepositToken is IDepositToken, ERC20, ConsortiumApp {
    uint8 private immutable _decimals;

    constructor(
        IConsortiumRegistry registry_,
        string memory name_,
        string memory symbol_,
        uint8 decimals_
    ) ERC20(name_, symbol_) ConsortiumApp(registry_) {
        _decimals = decimals_;
    }

    /// @notice Minor units per major unit (2 for a currency in cents).
    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    /// @inheritdoc IDepositToken
    function mint(address to, uint256 amount) external {
        uint32 issuer = _authorize(Roles.TOKEN_ISSUER);
        _mint(to, amount);
        emit Issued(issuer, to, amount);
    }

    /// @inheritdoc IDepositToken
    function burn(uint256 amount) external {
        uint32 issuer = _authorize(Roles.TOKEN_ISSUER);
        _burn(msg.sender, amount);
        emit Redeemed(issuer, msg.sender, amount);
    }

    /// @dev The permission check for every mint, burn and transfer: each side that is not the zero address must be an
    /// active holder or a suite contract. The reason is looked up only when the check fails.
    function _update(address from, address to, uint256 value) internal override whenNotPaused {
        IConsortiumRegistry registry_ = registry();
        (uint64 fromRoles, uint64 toRoles) = registry_.effectiveRoles(from, to);
        if (from != address(0) && fromRoles & (Roles.TOKEN_HOLDER | Roles.SYSTEM) == 0) {
            registry_.authorize(from, Roles.TOKEN_HOLDER);
        }
        if (to != address(0) && toRoles & (Roles.TOKEN_HOLDER | Roles.SYSTEM) == 0) {
            registry_.authorize(to, Roles.TOKEN_HOLDER);
        }
        super._update(from, to, value);
    }
}
