// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Governed} from "./Governed.sol";
import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";
import {IPaymentLedger} from "./interfaces/IPaymentLedger.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title PaymentLedger
/// @notice The suite's one record of off-chain payments, so that no payment reference settles two steps.
contract PaymentLedger is IPaymentLedger, Governed {
    /// @custom:storage-location erc7201:consortia.storage.PaymentLedger
    struct PaymentLedgerStorage {
        mapping(bytes32 paymentReference => bool) _recorded;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.PaymentLedger")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant PAYMENT_LEDGER_STORAGE_LOCATION =
        0x7a14e57951282b73c368528fe95228e603907074ba00ec131b131395b75b6300;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) Governed(registry_) {}

    /// @inheritdoc IPaymentLedger
    function initialize() external initializer {}

    /// @inheritdoc IPaymentLedger
    function record(
        address bankAccount,
        uint32 payer,
        uint32 payee,
        uint256 amount,
        bytes32 paymentReference
    ) external returns (uint32 bank) {
        PaymentLedgerStorage storage $ = _getPaymentLedgerStorage();
        if (!registry().isSystemContract(msg.sender)) revert NotSystemContract(msg.sender);
        bank = registry().authorize(bankAccount, Roles.PAYMENT_BANK);
        if (paymentReference == bytes32(0)) revert EmptyReference();
        if ($._recorded[paymentReference]) revert ReferenceUsed(paymentReference);
        $._recorded[paymentReference] = true;
        emit OffChainPaymentRecorded(paymentReference, msg.sender, bank, payer, payee, amount);
    }

    /// @inheritdoc IPaymentLedger
    function isRecorded(bytes32 paymentReference) external view returns (bool) {
        PaymentLedgerStorage storage $ = _getPaymentLedgerStorage();
        return $._recorded[paymentReference];
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getPaymentLedgerStorage() private pure returns (PaymentLedgerStorage storage $) {
        assembly ("memory-safe") {
            $.slot := PAYMENT_LEDGER_STORAGE_LOCATION
        }
    }
}
