// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAuthorityAttestations} from "../../attestations/interfaces/IAuthorityAttestations.sol";
import {ITransferableClaim} from "../../platform/interfaces/ITransferableClaim.sol";
import {DocumentRef} from "../../platform/types/DocumentRef.sol";

/// @title IForfaitingMarket
/// @notice An interbank market for payment claims that change hands before maturity (the accepted deferred-payment
/// claim of a letter of credit, a receivable certificate): a selling bank announces a claim it holds, buying banks
/// quote openly or sealed (commit, then reveal), the seller accepts one quote, and the claim moves to the buyer in the
/// same transaction as the price (delivery versus payment), with the transfer deed and notice hashes; the obligor
/// acknowledges the notice, and at maturity pays the current holder. A buyer resells the same way.
/// @dev Claims are read and moved only through `ITransferableClaim`, of contracts governance listed.
interface IForfaitingMarket {
    /// @notice An offer's lifecycle: open for quotes, traded (claim moved, price paid), notice acknowledged by the
    /// obligor, or withdrawn by the seller.
    enum OfferState {
        None,
        Open,
        Traded,
        NoticeAcknowledged,
        Withdrawn
    }

    /// @notice A visible quote's lifecycle (a sealed quote is a commitment until revealed).
    enum QuoteState {
        None,
        Active,
        Withdrawn,
        Accepted
    }

    /// @notice What a selling bank announces. Amount, maturity and obligor are read from the claim itself.
    /// @param asset The claim contract (listed by governance).
    /// @param claimId The claim's id there; the caller must hold it.
    /// @param askingPrice The price the seller asks in minor units (0: none stated).
    /// @param askingDiscountBps The discount the seller asks, in basis points per year (0: none stated).
    /// @param askingTermsHash Hash of the full asking terms (margin, day count, recourse...).
    /// @param quoteDeadline Last moment to quote (open offers) or to commit (sealed offers).
    /// @param revealPeriod Seconds after `quoteDeadline` to reveal sealed quotes; 0 for open quotes.
    /// @param documents Hashes of the documents offered (accepted draft, LC, invoice, transport document...).
    struct Announcement {
        ITransferableClaim asset;
        uint256 claimId;
        uint128 askingPrice;
        uint32 askingDiscountBps;
        bytes32 askingTermsHash;
        uint64 quoteDeadline;
        uint32 revealPeriod;
        DocumentRef[] documents;
    }

    /// @notice An offer as stored.
    /// @dev Slot 0: seller account, seller and obligor members, state. Slot 1: asset, quote deadline, reveal period.
    /// Slot 2: claim id, and the amount and maturity announced, which the claim must still carry when a quote is
    /// accepted (a receivable certificate's value can move after the announcement: a buyer gets what it priced). Claim
    /// ids and amounts above 2^96 are refused at announcement (LC claim ids stay below 2^80, certificate ids below
    /// 2^48; amounts of both below 2^88).
    struct Offer {
        address seller;
        uint32 sellerMember;
        uint32 obligor;
        OfferState state;
        ITransferableClaim asset;
        uint64 quoteDeadline;
        uint32 revealPeriod;
        uint96 claimId;
        uint96 amount;
        uint64 maturity;
    }

    /// @notice A visible quote, keyed by offer and bidder account. One slot.
    struct Quote {
        uint128 price;
        uint32 bidderMember;
        QuoteState state;
    }

    /// @notice What a trade moved, as `ClaimTraded` reports it: `amount` and `maturity` are the claim's as delivered,
    /// equal to those announced.
    struct Trade {
        ITransferableClaim asset;
        uint256 claimId;
        uint256 amount;
        uint64 maturity;
        address sellerAccount;
        address buyerAccount;
        uint128 price;
        bytes32 deedHash;
        bytes32 noticeHash;
        bytes32 offChainReference;
    }

    /// @notice Governance listed (or delisted) a claim contract.
    event ClaimContractSet(address indexed asset, bool listed);
    /// @notice A selling bank announced a claim it holds.
    event OfferAnnounced(
        uint256 indexed offerId,
        uint32 indexed seller,
        uint32 indexed obligor,
        address sellerAccount,
        uint256 amount,
        uint64 maturity,
        Announcement announcement
    );
    /// @notice The seller withdrew its offer.
    event OfferWithdrawn(uint256 indexed offerId, address account);
    /// @notice A buying bank quoted a price openly.
    event QuoteSubmitted(uint256 indexed offerId, address indexed bidder, uint32 indexed bidderMember, uint128 price);
    /// @notice A buying bank committed to a sealed quote: `commitment = keccak256(abi.encode(offerId, bidder, price,
    /// salt))`.
    event QuoteCommitted(
        uint256 indexed offerId,
        address indexed bidder,
        uint32 indexed bidderMember,
        bytes32 commitment
    );
    /// @notice A sealed quote was revealed and now counts as a visible quote.
    event QuoteRevealed(uint256 indexed offerId, address indexed bidder, uint32 indexed bidderMember, uint128 price);
    /// @notice A bidder withdrew its quote or commitment.
    event QuoteWithdrawn(uint256 indexed offerId, address indexed bidder);
    /// @notice The seller accepted a quote: the claim moved to the buyer and the price was paid, in one transaction.
    event ClaimTraded(uint256 indexed offerId, uint32 indexed seller, uint32 indexed buyer, Trade trade);
    /// @notice The keyed identifier the claim contract names for the trade behind an announced claim (`IBackedClaim`;
    /// zero when it names none): the subject whose attestations back the offer.
    event OfferBacking(uint256 indexed offerId, bytes32 subjectKey);
    /// @notice What a trade was checked against before the claim moved: the keyed identifier the claim contract names
    /// for the trade behind the claim (`IBackedClaim`; zero when it names none) and the buyer's forfaiting-purchase
    /// policy in force (`IAuthorityAttestations` kind bits; zero: none, nothing was required). Emitted with every
    /// trade, so that the regulator's view can list purchases made without attestations.
    event PurchaseBacking(uint256 indexed offerId, uint32 indexed buyer, bytes32 subjectKey, uint256 policy);
    /// @notice The obligor acknowledged the transfer notice: at maturity it pays the new holder `amount`.
    event NoticeAcknowledged(
        uint256 indexed offerId,
        uint32 indexed obligor,
        address account,
        ITransferableClaim asset,
        uint256 claimId,
        uint256 amount,
        bytes32 noticeHash
    );

    /// @notice The offer does not exist.
    error ForfaitingOfferUnknown(uint256 offerId);
    /// @notice The offer is not in the state this step needs.
    error ForfaitingWrongState(uint256 offerId, OfferState current, OfferState expected);
    /// @notice The caller's member is not the party this step needs.
    error ForfaitingWrongParty(uint256 offerId, uint32 caller, uint32 expected);
    /// @notice The claim contract is not listed by governance.
    error ForfaitingAssetNotListed(address asset);
    /// @notice The seller does not hold the claim (any more).
    error ForfaitingSellerNotHolder(address asset, uint256 claimId, address holder, address seller);
    /// @notice The claim no longer carries what was announced (its value moved since, or its maturity or obligor
    /// changed): the buyer would not receive what it priced.
    error ForfaitingClaimChanged(
        uint256 offerId,
        uint256 announcedAmount,
        uint256 amount,
        uint64 announcedMaturity,
        uint64 maturity
    );
    /// @notice The claim is settled or matured, or would be before quoting ends.
    error ForfaitingClaimClosed(address asset, uint256 claimId, uint64 maturity);
    /// @notice Quotes (or commitments) were due by `deadline`.
    error ForfaitingQuotingClosed(uint256 offerId, uint64 deadline);
    /// @notice Sealed quotes are revealed (or opened by the seller's acceptance) only after the commit deadline and up
    /// to the reveal deadline.
    error ForfaitingNotRevealTime(uint256 offerId, uint64 opensAfter, uint64 closesAt);
    /// @notice A sealed offer takes commitments; an open offer takes visible quotes.
    error ForfaitingWrongQuoteMode(uint256 offerId, bool sealedOffer);
    /// @notice The revealed (or, at acceptance, opened) price and salt do not match the commitment.
    error ForfaitingRevealMismatch(uint256 offerId, address bidder);
    /// @notice The bidder has no commitment to reveal or withdraw.
    error ForfaitingNoCommitment(uint256 offerId, address bidder);
    /// @notice The quote is not active.
    error ForfaitingQuoteNotActive(uint256 offerId, address bidder, QuoteState current);
    /// @notice The bidder already has an active quote or a commitment on this offer.
    error ForfaitingQuoteExists(uint256 offerId, address bidder);
    /// @notice A seller cannot quote on its own offer.
    error ForfaitingOwnOffer(uint256 offerId, uint32 memberId);
    /// @notice A sealed offer's quotes can be accepted only once the reveal period has ended.
    error ForfaitingRevealNotOver(uint256 offerId, uint64 revealDeadline);
    /// @notice The acknowledged notice is not the one the trade delivered.
    error ForfaitingNoticeMismatch(uint256 offerId, bytes32 expected, bytes32 given);

    /// @notice Lists or delists a claim contract the market may trade. Governance only.
    function setClaimContract(address asset, bool listed) external;

    /// @notice Announces a claim the caller holds. Selling bank (`FORFAITER`) only. The caller approves the market
    /// (`approveClaim(claimId, market)`) before accepting a quote.
    /// @return offerId The new offer's id.
    function announce(Announcement calldata announcement) external returns (uint256 offerId);

    /// @notice Withdraws an open offer. Seller only.
    function withdrawOffer(uint256 offerId) external;

    /// @notice Quotes `price` on an open offer up to its quote deadline. Buying bank (`FORFAITER`), not the seller.
    function quote(uint256 offerId, uint128 price) external;

    /// @notice Commits to a sealed quote up to the offer's quote deadline: `commitment = keccak256(abi.encode(offerId,
    /// msg.sender, price, salt))`. Buying bank only, not the seller.
    function commitQuote(uint256 offerId, bytes32 commitment) external;

    /// @notice Reveals a sealed quote after the quote deadline, up to the reveal deadline. The committing account only.
    /// Kept for commitments whose bidder chooses to quote in the open (and for offers sealed before
    /// `acceptSealedQuote` existed): the seller can accept a sealed quote without it ever being revealed.
    function revealQuote(uint256 offerId, uint128 price, bytes32 salt) external;

    /// @notice Withdraws the caller's quote or commitment while the offer is open.
    function withdrawQuote(uint256 offerId) external;

    /// @notice Accepts `bidder`'s quote: the claim moves from the seller to `bidder` and the price from `bidder` to
    /// the seller in the same transaction (tokens, approved to the market, when `offChainReference` is zero; else the
    /// caller's bank records it received the price off chain under that reference). Seller only, open offer, a sealed
    /// offer only after its reveal deadline; rejected if the seller no longer holds the claim or the claim no longer
    /// carries the announced amount, maturity and obligor, or (`IAuthorityAttestations.AttestationRequired`) unless the
    /// buyer's forfaiting-purchase policy in force now is met on the subject the claim contract names
    /// (`backingSubjectOf`); emits `PurchaseBacking` with what was checked.
    function acceptQuote(
        uint256 offerId,
        address bidder,
        bytes32 deedHash,
        bytes32 noticeHash,
        bytes32 offChainReference
    ) external;

    /// @notice Accepts `bidder`'s sealed quote by opening its commitment, without the quote ever being revealed: the
    /// bidder sent `price` and `salt` to the seller alone (in an envelope); the market checks
    /// `keccak256(abi.encode(offerId, bidder, price, salt))` against the commitment, then trades as `acceptQuote` does
    /// (the claim to `bidder`, `price` to the seller, in one transaction). Quotes not accepted stay commitments: their
    /// prices never reach the chain. Seller only, sealed offer, after the quote deadline and up to the reveal deadline
    /// (the bidder is not bound: it may withdraw its commitment while the offer is open); the bidder's account must
    /// still be an active forfaiter now
    /// and must have approved the price (tokens) unless `offChainReference` is set. The accepted price is public once
    /// traded, as with `acceptQuote`: it moves in deposit tokens and `ClaimTraded` reports it.
    function acceptSealedQuote(
        uint256 offerId,
        address bidder,
        uint128 price,
        bytes32 salt,
        bytes32 deedHash,
        bytes32 noticeHash,
        bytes32 offChainReference
    ) external;

    /// @notice Acknowledges the transfer notice of a trade: the obligor will pay the new holder at maturity. Obligor
    /// (any active account of the obligor member) only.
    function acknowledgeNotice(uint256 offerId, bytes32 noticeHash) external;

    /// @notice The authority attestations whose forfaiting-purchase policy a buyer must meet when it takes a claim
    /// (zero: none on this network).
    function attestations() external view returns (IAuthorityAttestations);

    /// @notice The keyed identifier the offer's claim contract names for the trade behind the claim (zero: none; a
    /// buyer with a forfaiting-purchase policy cannot take such a claim).
    function backingSubjectOf(uint256 offerId) external view returns (bytes32);

    /// @notice Whether governance listed the claim contract.
    function isClaimContract(address asset) external view returns (bool);

    /// @notice The offer as stored.
    function offer(uint256 offerId) external view returns (Offer memory);

    /// @notice A bidder's visible quote.
    function quoteOf(uint256 offerId, address bidder) external view returns (Quote memory);

    /// @notice A bidder's sealed commitment (zero when none or revealed).
    function commitmentOf(uint256 offerId, address bidder) external view returns (bytes32);

    /// @notice The transfer notice hash of a traded offer.
    function noticeOf(uint256 offerId) external view returns (bytes32);

    /// @notice Number of offers announced.
    function offerCount() external view returns (uint256);
}
