// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IDepositToken} from "../../platform/interfaces/IDepositToken.sol";
import {IReceivableCertificate} from "./IReceivableCertificate.sol";
import {IReceivableDesk} from "./IReceivableDesk.sol";

/// @title IRecourseClaims
/// @notice Discounting of receivable certificates with or without recourse, and recourse down the lineage.
/// A holder offers value of its certificate to one bank at a price, saying whether it sells with recourse; the bank
/// sees both before it accepts, and acceptance delivers the certificate against the price (DvP) and records the sale.
/// If the obligor has not paid a grace period after maturity (receivable overdue, certificate not redeemed), the
/// holder that bought with recourse claims the certificate's unpaid value from its seller; the seller pays it in
/// deposit tokens and takes the certificate back (DvP), and may in turn claim from its own seller if it bought with
/// recourse, and so on down the lineage. A sale without recourse ends the chain.
/// @dev Recourse follows holdings, not accounts: a sale records the certificate's epoch after delivery, and the buyer
/// (or, after it honoured a claim, the seller) holds "by" that sale only while the epoch is unchanged; a certificate
/// that changed hands any other way carries no recourse.
interface IRecourseClaims {
    /// @notice An offer's lifecycle.
    enum OfferStatus {
        None,
        Pending,
        Accepted,
        Cancelled,
        Expired
    }

    /// @notice A recourse claim's lifecycle: Exercised (the holder claims from its seller) -> Honoured (the seller
    /// paid and took the certificate back), or -> Discharged (the obligor, its guarantor or its paying bank paid the
    /// certificate after the claim, so the seller owes nothing; its value no longer counts against the sale).
    enum ClaimStatus {
        None,
        Exercised,
        Honoured,
        Discharged
    }

    /// @notice A holder's offer of `value` of certificate `tokenId` to bank `financier` for `price`.
    /// @param withRecourse Whether the holder sells with recourse (it answers for the obligor's default).
    /// @param epoch, certificateValue The certificate as it was when offered: a change of owner or value since voids
    /// the offer.
    struct Offer {
        uint48 tokenId;
        uint32 financier;
        uint40 deadline;
        OfferStatus status;
        bool withRecourse;
        uint32 epoch;
        uint88 value;
        uint88 price;
        uint88 certificateValue;
        address holder;
        address offeror;
    }

    /// @notice A sale recorded at acceptance.
    /// @param tokenId The certificate the buyer received (the offered one, or a split of it).
    /// @param prior The sale by which the seller held the value it sold (0: none recorded here, no recourse below).
    /// @param claimedValue Unpaid value claimed on the sale so far (a sale whose value was split on may be claimed on
    /// once per certificate it became; never beyond `value`).
    struct Sale {
        uint48 tokenId;
        uint48 prior;
        uint32 sellerMember;
        uint32 buyerMember;
        bool withRecourse;
        uint88 value;
        uint88 price;
        uint88 claimedValue;
        address seller;
        address buyer;
    }

    /// @notice A claim by the holder of certificate `tokenId` on the seller of sale `saleId` for `value`.
    struct Claim {
        uint48 saleId;
        uint48 tokenId;
        ClaimStatus status;
        uint32 holderMember;
        uint88 value;
        address holder;
    }

    /// @notice What the current owner of a certificate holds it by: sale `saleId`, while the epoch is `epoch`.
    struct Holding {
        uint48 saleId;
        uint32 epoch;
    }

    /// @notice A holder offered value of a certificate to a bank, with or without recourse.
    event RecourseOffered(
        uint256 indexed offerId,
        uint256 indexed tokenId,
        uint32 indexed financier,
        address holder,
        uint32 holderMember,
        uint256 value,
        uint256 price,
        bool withRecourse,
        uint40 deadline
    );
    /// @notice An offer was withdrawn by its holder (Cancelled) or closed after its deadline (Expired).
    event RecourseOfferClosed(uint256 indexed offerId, OfferStatus status);
    /// @notice A bank accepted an offer: sale `saleId` (as stored: seller and buyer with their members, value,
    /// price, `withRecourse`, `prior`) delivered value of receivable `receivableId` as certificate `tokenId`.
    event RecourseSaleRecorded(
        uint256 indexed saleId,
        uint256 indexed offerId,
        uint256 indexed tokenId,
        uint256 receivableId,
        Sale sale
    );
    /// @notice The holder of certificate `tokenId`, unpaid by the obligor, claimed `value` from the seller of `saleId`.
    event RecourseExercised(
        uint256 indexed claimId,
        uint256 saleId,
        uint256 indexed tokenId,
        uint256 indexed receivableId,
        address holder,
        uint32 holderMember,
        uint32 sellerMember,
        uint256 value
    );
    /// @notice The seller of `saleId` paid `value` to the holder and took certificate `tokenId` back; it now holds it
    /// by sale `prior` (0: it has no recourse further down).
    event RecourseHonoured(
        uint256 indexed claimId,
        uint256 saleId,
        uint256 indexed tokenId,
        uint256 indexed receivableId,
        address payer,
        uint32 payerMember,
        address holder,
        uint32 holderMember,
        uint256 value,
        uint256 prior
    );

    /// @notice Exercised claim `claimId` lapsed: its certificate was paid since (`paid`: redeemed from escrow or paid
    /// off chain, so no longer held by the claimant by the sale) or its receivable is out of default
    /// (`receivableStatus`: funded or settled). `value` was released from sale `saleId`'s claimed value.
    event RecourseDischarged(
        uint256 indexed claimId,
        uint256 saleId,
        uint256 indexed tokenId,
        uint256 indexed receivableId,
        address caller,
        uint256 value,
        bool paid,
        IReceivableDesk.ReceivableStatus receivableStatus
    );

    /// @notice The certificate still has a share of an obligor's part payment to claim (`MaturityArrangements.claim`).
    /// No longer raised (`exercise` claims the share for the holder); kept in the ABI for decoders of past reverts.
    error RecourseShareUnclaimed(uint256 tokenId, uint256 share);
    /// @notice The caller does not act for the certificate (neither its owner nor approved), or it was redeemed.
    error RecourseNotHolder(uint256 tokenId, address caller);
    /// @notice The caller's member is not the party the step needs.
    error RecourseWrongParty(address caller, uint32 member, uint32 expected);
    /// @notice A term is out of bounds (`field` names it).
    error RecourseInvalidTerms(bytes32 field);
    /// @notice The member named is not active or lacks `role`.
    error RecourseIneligibleMember(uint32 memberId, uint64 role);
    /// @notice The offer is unknown or not pending.
    error RecourseOfferWrongStatus(uint256 offerId, OfferStatus status);
    /// @notice The claim is not in the state the step needs (unknown, or already honoured).
    error RecourseClaimWrongStatus(uint256 claimId, ClaimStatus status);
    /// @notice Recourse was already exercised for the certificate as it is held now (claim `claimId`, not honoured).
    error RecourseAlreadyExercised(uint256 tokenId, uint256 claimId);
    /// @notice The certificate changed since the offer or the claim (owner, epoch, value, locked value, redeemed).
    error RecourseCertificateChanged(uint256 tokenId);
    /// @notice The certificate carries a freeze order: it is not offered.
    error RecourseCertificateFrozen(uint256 tokenId);
    /// @notice The certificate's current owner holds it by no sale recorded here.
    error RecourseNoSale(uint256 tokenId);
    /// @notice The sale was made without recourse.
    error RecourseNotAgreed(uint256 saleId);
    /// @notice The receivable is not unpaid-overdue (still active, or funded or settled by the obligor or guarantor).
    error RecourseReceivableNotDefaulted(uint256 receivableId, IReceivableDesk.ReceivableStatus status);
    /// @notice The claim is still due: its claimant holds the certificate by the sale and the receivable is in default
    /// (`status`), so only an honour closes it.
    error RecourseClaimStillDue(uint256 claimId, uint256 receivableId, IReceivableDesk.ReceivableStatus status);
    /// @notice Too early: not before `notBefore`.
    error RecourseTooEarly(uint256 notBefore);
    /// @notice Too late: the deadline `deadline` has passed.
    error RecourseTooLate(uint256 deadline);
    /// @notice The terms the bank priced (`withRecourse`, price) are not the offer's.
    error RecourseTermsMismatch(uint256 offerId);
    /// @notice This contract is not approved to move the certificate for its owner.
    error RecourseNotApproved(uint256 tokenId);

    /// @notice Offers `value` of certificate `tokenId` to bank `financier` for `price`, with or without recourse, open
    /// until `deadline` (before maturity). Owner or approved account, both able to hold certificates; the certificate
    /// must carry no locked value and no freeze order. The owner approves this contract on the certificate before
    /// the bank accepts.
    function offer(
        uint256 tokenId,
        uint256 value,
        uint32 financier,
        uint256 price,
        bool withRecourse,
        uint40 deadline
    ) external returns (uint256 offerId);

    /// @notice Withdraws a pending offer: its offeror or the certificate's owner before the deadline (Cancelled), any
    /// active member after it (Expired).
    function cancel(uint256 offerId) external;

    /// @notice Accepts an offer as an account of its bank: the certificate must be as it was when offered; the value
    /// goes to the caller (the whole certificate, or a split) and the price from the caller to the holder, and the
    /// sale is recorded. `withRecourse` and `price` are what the bank priced: a mismatch is refused.
    /// @return saleId The sale.
    /// @return tokenId The certificate the caller received.
    function accept(
        uint256 offerId,
        bool withRecourse,
        uint256 price
    ) external returns (uint256 saleId, uint256 tokenId);

    /// @notice Claims the unpaid value of certificate `tokenId` from the seller its owner bought it from with
    /// recourse. Owner or approved account, both able to hold certificates, from maturity plus the grace period
    /// while the receivable is overdue (or its guarantee called) and the certificate unredeemed. The claim is the
    /// certificate's value capped at what the sale has not had claimed (value merged into the certificate by an
    /// ERC-3525 value transfer was not sold with recourse; the honour returns the whole certificate). A share of a
    /// part payment unclaimed is first claimed for the holder (`MaturityArrangements.claim`): the claim is for the
    /// unpaid rest.
    /// @return claimId The claim; its sale's seller now owes the value.
    function exercise(uint256 tokenId) external returns (uint256 claimId);

    /// @notice Pays an exercised claim as an account of the seller: the certificate goes to the caller and the
    /// claimed value from the caller to the holder in deposit tokens (the caller approves this contract first).
    function honour(uint256 claimId) external;

    /// @notice Closes an exercised claim the obligor's side paid since: the claimant no longer holds the certificate
    /// by the sale claimed on (redeemed from escrow, paid off chain by the paying bank), or the receivable is out of
    /// default (funded by the obligor or the guarantor, or settled). Any active member's account may call it (it only
    /// records what the chain shows); the claim's value is released from its sale's claimed value. A claim still due
    /// is refused (`RecourseClaimStillDue`); an honoured or discharged one too (`RecourseClaimWrongStatus`).
    function discharge(uint256 claimId) external;

    // --- views ---

    /// @notice The grace period after maturity before recourse may be exercised (the desk's).
    function GRACE_PERIOD() external view returns (uint40);

    function offerOf(uint256 offerId) external view returns (Offer memory);

    function saleOf(uint256 saleId) external view returns (Sale memory);

    function claimOf(uint256 claimId) external view returns (Claim memory);

    /// @notice The latest claim exercised on certificate `tokenId` (0: none).
    function latestClaimOf(uint256 tokenId) external view returns (uint256 claimId);

    /// @notice The sale the current owner of `tokenId` holds it by, 0 if none (changed hands otherwise since).
    function holdingOf(uint256 tokenId) external view returns (uint256 saleId);

    /// @notice The chain of recourse below the current owner of `tokenId`: the sale it holds by, that sale's prior,
    /// and so on, up to `max` sales (ends at the first sale without a prior).
    function recourseChain(uint256 tokenId, uint256 max) external view returns (Sale[] memory chain);

    function offerCount() external view returns (uint256);

    function saleCount() external view returns (uint256);

    function claimCount() external view returns (uint256);

    function certificates() external view returns (IReceivableCertificate);

    function desk() external view returns (IReceivableDesk);

    /// @notice The deposit token prices and claims are paid in (the desk's).
    function settlementToken() external view returns (IDepositToken);
}
