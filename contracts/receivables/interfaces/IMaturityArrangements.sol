// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IReceivableCertificate} from "./IReceivableCertificate.sol";
import {IReceivableDesk} from "./IReceivableDesk.sol";

/// @title IPartPaymentHook
/// @notice What the certificate asks before it burns a certificate (redemption, off-chain payment).
interface IPartPaymentHook {
    /// @notice Reverts (`ArrangementShareUnclaimed`) while the certificate has a share of a part payment still
    /// unclaimed and its receivable is not funded: the share must be claimed first, so that the rest paid off chain
    /// is the unpaid rest only. A funded receivable's escrow covers the certificate's whole value (the unclaimed shares
    /// then go back to the obligor: `refund`).
    function beforeBurn(uint256 tokenId, uint256 receivableId, uint256 value) external view;
}

/// @title IMaturityArrangements
/// @notice Part payment of a receivable at maturity. From maturity on, while the receivable is unpaid (`Active` or
/// `Overdue`; once the guarantee is called the guarantor pays holders and the obligor pays the guarantor), the
/// obligor pays part of what is outstanding in deposit tokens; the payment is
/// distributed to the receivable's certificates pro rata to their values, without a loop over holders: the
/// receivable keeps a "surviving fraction" of each unit of unpaid value (`survival`, RAY-scaled, falling with each
/// part payment) and each certificate the fraction it last claimed at. Claiming a certificate's share pays its holder
/// and pays the certificate down by that share (its value is always the unpaid rest, which the desk's funding,
/// redemption, off-chain payment and recourse then use). The rest stays overdue.
/// @dev Rounding: the surviving fraction and each certificate's unpaid rest are rounded up, so every share is rounded
/// down and the shares never add up to more than was paid in (also capped at what the pool holds). The dust left
/// goes back to the obligor with `refund` once the receivable is funded or settled.
interface IMaturityArrangements is IPartPaymentHook {
    /// @notice A receivable's part payments.
    /// @param survival Unpaid fraction of a unit of value unpaid before the first part payment, RAY-scaled (0: none
    /// paid yet, read as RAY).
    /// @param paidIn Tokens paid in by the obligor.
    /// @param claimed Shares paid out to holders (certificates paid down by as much).
    /// @param refunded Paid back to the obligor (unclaimed shares and dust, once funded or settled).
    /// @param payments Number of part payments.
    struct PartPayments {
        uint96 survival;
        uint88 paidIn;
        uint32 payments;
        uint88 claimed;
        uint88 refunded;
    }

    /// @notice The obligor paid `amount` of `outstanding` (the unpaid value before this payment).
    event PartPaymentMade(
        uint256 indexed receivableId,
        uint32 indexed obligor,
        address indexed payerAccount,
        uint256 amount,
        uint256 outstanding,
        uint256 survival
    );
    /// @notice A certificate's share was paid to its holder and the certificate paid down to `valueAfter`.
    event PartPaymentShareClaimed(
        uint256 indexed receivableId,
        uint256 indexed tokenId,
        address indexed holder,
        uint32 holderMember,
        uint256 share,
        uint256 valueAfter,
        address caller
    );
    /// @notice What no certificate will claim (shares left when the receivable was funded, rounding dust) went back
    /// to the obligor's account.
    event PartPaymentsRefunded(uint256 indexed receivableId, address indexed account, uint256 amount);

    /// @notice The receivable is not in a status the step allows.
    error ArrangementWrongStatus(uint256 receivableId, IReceivableDesk.ReceivableStatus current);
    /// @notice Too early: not before `notBefore`.
    error ArrangementTooEarly(uint256 notBefore);
    /// @notice A part payment must be more than zero and less than what is outstanding.
    error ArrangementInvalidAmount(uint256 amount, uint256 outstanding);
    /// @notice The caller's member is not the party the step needs.
    error ArrangementWrongParty(address caller, uint32 member, uint32 expected);
    /// @notice The certificate has no share to claim (or no longer exists).
    error ArrangementNoShare(uint256 tokenId);
    /// @notice The certificate's share is held, not paid: `reason` is "locked" (a pledge), "frozen" (a freeze order),
    /// "holder" (not in good standing now) or "recourse" (a recourse claim on it is open).
    error ArrangementShareHeld(uint256 tokenId, bytes32 reason);
    /// @notice The certificate still has a share of a part payment to claim before its rest is paid off chain.
    error ArrangementShareUnclaimed(uint256 tokenId, uint256 share);
    /// @notice Nothing to give back (or not yet: the receivable must be funded or settled).
    error ArrangementNothingToRefund(uint256 receivableId);

    /// @notice The obligor (an account of it with `RECEIVABLE_OBLIGOR`, having approved this contract for
    /// `amount`) pays part of what is outstanding, from maturity on, while unpaid and the guarantee not called. The
    /// desk refuses a guarantee call or an off-chain payment acknowledgment while a certificate's share is unclaimed.
    function pay(uint256 receivableId, uint256 amount) external;

    /// @notice Pays a certificate's share of the part payments to its holder and pays the certificate down by it.
    /// Any active member's account, or the recourse contract as a claim is exercised, may call it (the share goes to
    /// the holder). Held while value is locked, a freeze order is in force, the holder is not in good standing or a
    /// recourse claim on the certificate is open.
    /// @return share What the holder received.
    function claim(uint256 tokenId) external returns (uint256 share);

    /// @notice Once the receivable is funded or settled, gives what no certificate will claim back to the obligor's
    /// calling account.
    function refund(uint256 receivableId) external returns (uint256 amount);

    /// @notice A certificate's share not yet claimed (0 for a burned certificate).
    function shareOf(uint256 tokenId) external view returns (uint256);

    /// @notice A receivable's part payments.
    function partPaymentsOf(uint256 receivableId) external view returns (PartPayments memory);

    /// @notice What is still unpaid of a receivable: face value not redeemed or paid down, less shares paid in and
    /// not yet claimed.
    function unpaidOf(uint256 receivableId) external view returns (uint256);

    /// @notice The desk.
    function desk() external view returns (IReceivableDesk);

    /// @notice The certificates.
    function certificates() external view returns (IReceivableCertificate);
}
