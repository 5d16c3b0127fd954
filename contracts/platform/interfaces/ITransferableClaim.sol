// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title ITransferableClaim
/// @notice A payment claim on an obligor that can change hands before maturity, and that the obligor pays to whoever
/// holds it at maturity: the accepted deferred-payment claim of a letter of credit, or a receivable certificate. The
/// forfaiting market trades any contract that implements this.
interface ITransferableClaim {
    /// @notice A claim's state as a buyer needs to see it.
    /// @param holder Who is paid at maturity.
    /// @param obligor The member that owes the payment (the accepting bank, or the core enterprise).
    /// @param maturity When payment is due (unix seconds).
    /// @param amount Amount due in minor units.
    /// @param settled Whether it has been paid (a settled claim no longer moves).
    struct ClaimInfo {
        address holder;
        uint32 obligor;
        uint64 maturity;
        uint256 amount;
        bool settled;
    }

    /// @notice The claim changed hands.
    event ClaimTransferred(uint256 indexed claimId, address indexed from, address indexed to);
    /// @notice The holder allowed (or, with the zero address, stopped allowing) an operator to transfer the claim.
    event ClaimApproval(uint256 indexed claimId, address indexed holder, address indexed operator);

    /// @notice The claim's current state; reverts for an unknown claim.
    function claimInfo(uint256 claimId) external view returns (ClaimInfo memory);

    /// @notice Lets `operator` (for example the forfaiting market) transfer the claim once, or clears the operator with
    /// the zero address. Holder only; the operator must be a party that could hold the claim, or a suite contract.
    function approveClaim(uint256 claimId, address operator) external;

    /// @notice Transfers the claim to `to`, an account of an active member allowed to hold it. Holder or approved
    /// operator only, each in good standing when it acts; never a settled or matured claim.
    function transferClaim(uint256 claimId, address to) external;
}
