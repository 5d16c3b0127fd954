// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IPaymentLedger
/// @notice Where banks that settle on existing rails record an off-chain payment by its reference hash, so that an
/// application flow continues as if it had settled in tokens. One ledger for the whole suite: a reference is used once.
interface IPaymentLedger {
    /// @notice A paying bank recorded an off-chain payment for an application step.
    /// @param paymentReference Hash of the payment's reference (for example of the interbank payment message id).
    /// @param app The application contract the payment settles a step of.
    /// @param bank The member whose account attested the payment.
    /// @param payer The member that paid (often the bank itself, or its customer).
    /// @param payee The member that was paid.
    /// @param amount Amount in minor units.
    event OffChainPaymentRecorded(
        bytes32 indexed paymentReference,
        address indexed app,
        uint32 indexed bank,
        uint32 payer,
        uint32 payee,
        uint256 amount
    );

    /// @notice Only suite contracts record payments, inside the step they settle.
    error NotSystemContract(address caller);
    /// @notice The reference was recorded before.
    error ReferenceUsed(bytes32 paymentReference);
    /// @notice The reference is empty.
    error EmptyReference();

    /// @notice Marks the ledger's proxy initialized (run once, by the proxy's constructor; the ledger has no settings).
    function initialize() external;

    /// @notice Records an off-chain payment attested by `bankAccount` (which must hold `Roles.PAYMENT_BANK`).
    /// @return bank The member behind `bankAccount`.
    function record(
        address bankAccount,
        uint32 payer,
        uint32 payee,
        uint256 amount,
        bytes32 paymentReference
    ) external returns (uint32 bank);

    /// @notice Whether a reference has been recorded.
    function isRecorded(bytes32 paymentReference) external view returns (bool);
}
