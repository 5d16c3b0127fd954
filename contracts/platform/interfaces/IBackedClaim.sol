// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IBackedClaim
/// @notice A claim contract that names the keyed identifier of the trade behind each of its claims, so that a buyer's
/// authority-attestation policy can be checked against it (`IAuthorityAttestations.requireBacked`).
/// @dev Optional next to `ITransferableClaim`: the forfaiting market asks for it with a low-level call and takes a
/// contract without it (the letter of credit, which has no room) as naming no subject (zero), which no attestation
/// backs.
interface IBackedClaim {
    /// @notice The keyed identifier of the trade behind claim `claimId` (a receivable certificate: its receivable's
    /// invoice key); zero when the contract knows none.
    function backingSubjectOf(uint256 claimId) external view returns (bytes32);
}
