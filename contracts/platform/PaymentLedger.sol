// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";
import {IPaymentLedger} from "./interfaces/IPaymentLedger.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title PaymentLedger
/// @notice The suite's one record of off-chain payments, so that no payment reference settles two steps.
contract PaymentLedger is IPaymentLedger {
    IConsortiumRegistry public immutable registry;
    mapping(bytes32 paymentReference => bool) private _recorded;

    constructor(IConsortiumRegistry registry_) {
        registry = registry_;
    }

    /// @inheritdoc IPaymentLedger
    function record(
        address bankAccount,
        uint32 payer,
        uint32 payee,
        uint256 amount,
        bytes32 paymentReference
    ) external returns (uint32 bank) {
        if (!registry.isSystemContract(msg.sender)) revert NotSystemContract(msg.sender);
        bank = registry.authorize(bankAccount, Roles.PAYMENT_BANK);
        if (paymentReference == bytes32(0)) revert EmptyReference();
        if (_recorded[paymentReference]) revert ReferenceUsed(paymentReference);
        _recorded[paymentReference] = true;
        emit OffChainPaymentRecorded(paymentReference, msg.sender, bank, payer, payee, amount);
    }

    /// @inheritdoc IPaymentLedger
    function isRecorded(bytes32 paymentReference) external view returns (bool) {
        return _recorded[paymentReference];
    }
}
