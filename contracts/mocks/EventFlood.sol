// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IPaymentLedger} from "../platform/interfaces/IPaymentLedger.sol";

/// @title EventFlood
/// @notice Test and benchmark helper for the indexer: a suite contract (registered as a system contract) that makes
/// many real DepositToken transfers in one transaction, and records off-chain payments in the PaymentLedger as an
/// application step would. Not part of any deployment.
contract EventFlood {
    IERC20 public immutable token;
    IPaymentLedger public immutable ledger;

    constructor(IERC20 token_, IPaymentLedger ledger_) {
        token = token_;
        ledger = ledger_;
    }

    /// @notice Transfers `amount` of the tokens this contract holds to each recipient in turn, `rounds` times.
    function flood(address[] calldata recipients, uint256 amount, uint256 rounds) external {
        for (uint256 r; r < rounds; ++r) {
            for (uint256 i; i < recipients.length; ++i) {
                token.transfer(recipients[i], amount);
            }
        }
    }

    /// @notice Records an off-chain payment attested by the caller (a PAYMENT_BANK account).
    function recordPayment(uint32 payer, uint32 payee, uint256 amount, bytes32 paymentReference) external {
        ledger.record(msg.sender, payer, payee, amount, paymentReference);
    }
}
