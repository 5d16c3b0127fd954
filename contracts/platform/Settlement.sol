// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ConsortiumApp} from "./ConsortiumApp.sol";
import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";
import {IDepositToken} from "./interfaces/IDepositToken.sol";
import {IPaymentLedger} from "./interfaces/IPaymentLedger.sol";

/// @title Settlement
/// @notice Base of applications that move money: settles a step in deposit tokens (delivery versus payment inside
/// the same transaction) or, where banks pay on existing rails, records the off-chain payment in the shared ledger.
/// @dev The application contract must be a registry system contract to pull tokens or record payments.
abstract contract Settlement is ConsortiumApp {
    using SafeERC20 for IDepositToken;

    /// @dev Network constants, the same for every proxy of an implementation.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IDepositToken private immutable _token;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IPaymentLedger private immutable _ledger;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_, IDepositToken token_, IPaymentLedger ledger_) ConsortiumApp(registry_) {
        if (address(token_) == address(0)) revert InvalidValue("token");
        if (address(ledger_) == address(0)) revert InvalidValue("ledger");
        _token = token_;
        _ledger = ledger_;
    }

    /// @notice The settlement token.
    function settlementToken() public view returns (IDepositToken) {
        return _token;
    }

    /// @notice The shared off-chain payment ledger.
    function paymentLedger() public view returns (IPaymentLedger) {
        return _ledger;
    }

    /// @dev Pays `amount` from `payer` to `payee`: in tokens when `offChainReference` is zero (the payer must have
    /// approved this contract), otherwise by recording that `msg.sender`'s bank paid off chain under that reference.
    /// Call it last (checks, effects, interactions).
    function _settle(
        address payer,
        uint32 payerMember,
        address payee,
        uint32 payeeMember,
        uint256 amount,
        bytes32 offChainReference
    ) internal {
        if (offChainReference == bytes32(0)) {
            _token.safeTransferFrom(payer, payee, amount);
        } else {
            _ledger.record(msg.sender, payerMember, payeeMember, amount, offChainReference);
        }
    }

    /// @dev Pulls `amount` tokens from `payer` into this contract's escrow.
    function _pullToEscrow(address payer, uint256 amount) internal {
        _token.safeTransferFrom(payer, address(this), amount);
    }

    /// @dev Pays `amount` tokens out of this contract's escrow.
    function _payFromEscrow(address payee, uint256 amount) internal {
        _token.safeTransfer(payee, amount);
    }

    /// @dev Pulls `amount` of `token` (a deposit token the application settles in) from `payer` into its escrow;
    /// the escrow of each token is that token's balance of this contract, so tokens never mix.
    function _pullToEscrowIn(IDepositToken token, address payer, uint256 amount) internal {
        token.safeTransferFrom(payer, address(this), amount);
    }

    /// @dev Pays `amount` of `token` out of this contract's escrow.
    function _payFromEscrowIn(IDepositToken token, address payee, uint256 amount) internal {
        token.safeTransfer(payee, amount);
    }

    /// @dev Pays `amount` of `token` from `payer` to `payee` directly.
    function _transferIn(IDepositToken token, address payer, address payee, uint256 amount) internal {
        token.safeTransferFrom(payer, payee, amount);
    }
}
