// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ReentrancyGuardUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardUpgradeable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IAuthorityAttestations} from "../attestations/interfaces/IAuthorityAttestations.sol";
import {Settlement} from "../platform/Settlement.sol";
import {IBackedClaim} from "../platform/interfaces/IBackedClaim.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {IDepositToken} from "../platform/interfaces/IDepositToken.sol";
import {IFreezable} from "../platform/interfaces/IFreezable.sol";
import {IFreezeOrders} from "../platform/interfaces/IFreezeOrders.sol";
import {IPaymentLedger} from "../platform/interfaces/IPaymentLedger.sol";
import {ITransferableClaim} from "../platform/interfaces/ITransferableClaim.sol";
import {Roles} from "../platform/libraries/Roles.sol";
import {IForfaitingMarket} from "./interfaces/IForfaitingMarket.sol";

/// @title ForfaitingMarket
/// @notice Announce, quote (open or sealed), trade with delivery versus payment, acknowledge. See `IForfaitingMarket`.
/// @dev Trades only claim contracts governance listed: an unlisted contract could report any obligor, amount or holder
/// to a buyer. The trade calls the claim contract and the token after every effect, under `nonReentrant`.
contract ForfaitingMarket is IForfaitingMarket, IFreezable, Settlement, ReentrancyGuardUpgradeable {
    /// @notice Most documents one announcement may list.
    uint256 public constant MAX_DOCUMENTS = 16;
    /// @notice Longest reveal period of a sealed offer.
    uint32 public constant MAX_REVEAL_PERIOD = 30 days;

    /// @custom:storage-location erc7201:consortia.storage.ForfaitingMarket
    struct ForfaitingMarketStorage {
        uint256 _count;
        mapping(address asset => bool) _listed;
        mapping(uint256 offerId => Offer) _offers;
        mapping(uint256 offerId => mapping(address bidder => Quote)) _quotes;
        mapping(uint256 offerId => mapping(address bidder => bytes32)) _commitments;
        mapping(uint256 offerId => bytes32) _notices;
        /// @dev Active freeze orders per claim, keyed by keccak256(abi.encode(claimContract, claimId)).
        mapping(bytes32 claimKey => uint256) _freezeCount;
    }

    /// @dev The register of freeze orders (a network constant; zero on a network without one).
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IFreezeOrders private immutable _freezeOrders;
    /// @dev The authority attestations whose forfaiting-purchase policy a buyer must meet when it takes a claim (a
    /// network constant; zero on a network without them).
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IAuthorityAttestations private immutable _attestations;

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.ForfaitingMarket")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant FORFAITING_MARKET_STORAGE_LOCATION =
        0xee1907c4c25f0ead0b25e1d996a8118e2186e978708913f8d60786394f5f9b00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IDepositToken token_,
        IPaymentLedger ledger_,
        IFreezeOrders freezeOrders_,
        IAuthorityAttestations attestations_
    ) Settlement(registry_, token_, ledger_) {
        _freezeOrders = freezeOrders_;
        _attestations = attestations_;
    }

    /// @notice Initializes the proxy (run once, by the proxy's constructor) and lists the first claim contracts.
    /// @param claimContracts Claim contracts listed from the start (the suite's letters of credit and receivables).
    function initialize(address[] calldata claimContracts) external initializer {
        __ConsortiumApp_init();
        __ReentrancyGuard_init();
        for (uint256 i; i < claimContracts.length; ++i) _setClaimContract(claimContracts[i], true);
    }

    /// @inheritdoc IForfaitingMarket
    function setClaimContract(address asset, bool listed) external onlyGovernance {
        _setClaimContract(asset, listed);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Offers
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IForfaitingMarket
    function announce(Announcement calldata announcement) external whenNotPaused returns (uint256 offerId) {
        ForfaitingMarketStorage storage $ = _getForfaitingMarketStorage();
        uint32 seller = _authorize(Roles.FORFAITER);
        ITransferableClaim asset = announcement.asset;
        if (!$._listed[address(asset)]) revert ForfaitingAssetNotListed(address(asset));
        uint64 quoteDeadline = announcement.quoteDeadline;
        uint32 revealPeriod = announcement.revealPeriod;
        if (quoteDeadline <= block.timestamp) revert InvalidValue("quoteDeadline");
        if (revealPeriod > MAX_REVEAL_PERIOD) revert InvalidValue("revealPeriod");
        if (announcement.documents.length > MAX_DOCUMENTS) revert InvalidValue("documents");

        uint256 claimId = announcement.claimId;
        ITransferableClaim.ClaimInfo memory info = asset.claimInfo(claimId);
        if (info.holder != msg.sender)
            revert ForfaitingSellerNotHolder(address(asset), claimId, info.holder, msg.sender);
        // Quoting (and revealing) must end before maturity, or the claim could not move when a quote is accepted.
        if (info.settled || uint256(quoteDeadline) + revealPeriod >= info.maturity) {
            revert ForfaitingClaimClosed(address(asset), claimId, info.maturity);
        }

        offerId = ++$._count;
        $._offers[offerId] = Offer({
            seller: msg.sender,
            sellerMember: seller,
            obligor: info.obligor,
            state: OfferState.Open,
            asset: asset,
            quoteDeadline: quoteDeadline,
            revealPeriod: revealPeriod,
            claimId: SafeCast.toUint96(claimId),
            amount: SafeCast.toUint96(info.amount),
            maturity: info.maturity
        });
        emit OfferAnnounced(offerId, seller, info.obligor, msg.sender, info.amount, info.maturity, announcement);
        emit OfferBacking(offerId, _backingSubject(asset, claimId));
    }

    /// @inheritdoc IForfaitingMarket
    function withdrawOffer(uint256 offerId) external whenNotPaused {
        Offer storage o = _loadOpen(offerId);
        _requireParty(offerId, _authorize(Roles.FORFAITER), o.sellerMember);
        o.state = OfferState.Withdrawn;
        emit OfferWithdrawn(offerId, msg.sender);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Quotes
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IForfaitingMarket
    function quote(uint256 offerId, uint128 price) external whenNotPaused {
        ForfaitingMarketStorage storage $ = _getForfaitingMarketStorage();
        Offer storage o = _loadOpen(offerId);
        uint32 bidder = _authorizeBidder(offerId, o);
        if (o.revealPeriod != 0) revert ForfaitingWrongQuoteMode(offerId, true);
        if (block.timestamp > o.quoteDeadline) revert ForfaitingQuotingClosed(offerId, o.quoteDeadline);
        if (price == 0) revert InvalidValue("price");
        Quote storage q = $._quotes[offerId][msg.sender];
        if (q.state == QuoteState.Active) revert ForfaitingQuoteExists(offerId, msg.sender);
        $._quotes[offerId][msg.sender] = Quote({price: price, bidderMember: bidder, state: QuoteState.Active});
        emit QuoteSubmitted(offerId, msg.sender, bidder, price);
    }

    /// @inheritdoc IForfaitingMarket
    function commitQuote(uint256 offerId, bytes32 commitment) external whenNotPaused {
        ForfaitingMarketStorage storage $ = _getForfaitingMarketStorage();
        Offer storage o = _loadOpen(offerId);
        uint32 bidder = _authorizeBidder(offerId, o);
        if (o.revealPeriod == 0) revert ForfaitingWrongQuoteMode(offerId, false);
        if (block.timestamp > o.quoteDeadline) revert ForfaitingQuotingClosed(offerId, o.quoteDeadline);
        if (commitment == bytes32(0)) revert InvalidValue("commitment");
        // No visible quote can exist yet: reveals open only after the commit deadline.
        if ($._commitments[offerId][msg.sender] != bytes32(0)) revert ForfaitingQuoteExists(offerId, msg.sender);
        $._commitments[offerId][msg.sender] = commitment;
        emit QuoteCommitted(offerId, msg.sender, bidder, commitment);
    }

    /// @inheritdoc IForfaitingMarket
    function revealQuote(uint256 offerId, uint128 price, bytes32 salt) external whenNotPaused {
        ForfaitingMarketStorage storage $ = _getForfaitingMarketStorage();
        Offer storage o = _loadOpen(offerId);
        uint32 bidder = _authorizeBidder(offerId, o);
        uint64 opensAfter = o.quoteDeadline;
        uint64 closesAt = opensAfter + o.revealPeriod;
        if (o.revealPeriod == 0) revert ForfaitingWrongQuoteMode(offerId, false);
        if (block.timestamp <= opensAfter || block.timestamp > closesAt) {
            revert ForfaitingNotRevealTime(offerId, opensAfter, closesAt);
        }
        bytes32 commitment = $._commitments[offerId][msg.sender];
        if (commitment == bytes32(0)) revert ForfaitingNoCommitment(offerId, msg.sender);
        if (keccak256(abi.encode(offerId, msg.sender, price, salt)) != commitment) {
            revert ForfaitingRevealMismatch(offerId, msg.sender);
        }
        if (price == 0) revert InvalidValue("price");
        delete $._commitments[offerId][msg.sender];
        $._quotes[offerId][msg.sender] = Quote({price: price, bidderMember: bidder, state: QuoteState.Active});
        emit QuoteRevealed(offerId, msg.sender, bidder, price);
    }

    /// @inheritdoc IForfaitingMarket
    function withdrawQuote(uint256 offerId) external whenNotPaused {
        ForfaitingMarketStorage storage $ = _getForfaitingMarketStorage();
        _loadOpen(offerId);
        _authorize(Roles.FORFAITER);
        Quote storage q = $._quotes[offerId][msg.sender];
        if (q.state == QuoteState.Active) {
            q.state = QuoteState.Withdrawn;
        } else if ($._commitments[offerId][msg.sender] != bytes32(0)) {
            delete $._commitments[offerId][msg.sender];
        } else {
            revert ForfaitingQuoteNotActive(offerId, msg.sender, q.state);
        }
        emit QuoteWithdrawn(offerId, msg.sender);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Trade and notice
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IForfaitingMarket
    function acceptQuote(
        uint256 offerId,
        address bidder,
        bytes32 deedHash,
        bytes32 noticeHash,
        bytes32 offChainReference
    ) external whenNotPaused nonReentrant {
        Offer storage o = _loadOpen(offerId);
        uint32 seller = _authorize(Roles.FORFAITER);
        _requireParty(offerId, seller, o.sellerMember);
        if (o.revealPeriod != 0) {
            uint64 revealDeadline = o.quoteDeadline + o.revealPeriod;
            if (block.timestamp <= revealDeadline) revert ForfaitingRevealNotOver(offerId, revealDeadline);
        }
        Quote storage q = _getForfaitingMarketStorage()._quotes[offerId][bidder];
        if (q.state != QuoteState.Active) revert ForfaitingQuoteNotActive(offerId, bidder, q.state);
        uint32 buyer = q.bidderMember;
        // The buyer's bank must still be an active forfaiter, with the same account it quoted from.
        _requireParty(offerId, _authorizeAccount(bidder, Roles.FORFAITER), buyer);
        q.state = QuoteState.Accepted;
        _trade(offerId, o, seller, buyer, bidder, q.price, deedHash, noticeHash, offChainReference);
    }

    /// @inheritdoc IForfaitingMarket
    function acceptSealedQuote(
        uint256 offerId,
        address bidder,
        uint128 price,
        bytes32 salt,
        bytes32 deedHash,
        bytes32 noticeHash,
        bytes32 offChainReference
    ) external whenNotPaused nonReentrant {
        ForfaitingMarketStorage storage $ = _getForfaitingMarketStorage();
        Offer storage o = _loadOpen(offerId);
        uint32 seller = _authorize(Roles.FORFAITER);
        _requireParty(offerId, seller, o.sellerMember);
        if (o.revealPeriod == 0) revert ForfaitingWrongQuoteMode(offerId, false);
        {
            // The acceptance window is the reveal period: all commitments are in, and a sealed price can be accepted
            // only until the reveal deadline (after it, only revealed quotes can be accepted). A bidder is not bound
            // to it: `withdrawQuote` deletes its commitment at any time while the offer is Open.
            uint64 opensAfter = o.quoteDeadline;
            uint64 closesAt = opensAfter + o.revealPeriod;
            if (block.timestamp <= opensAfter || block.timestamp > closesAt) {
                revert ForfaitingNotRevealTime(offerId, opensAfter, closesAt);
            }
        }
        bytes32 commitment = $._commitments[offerId][bidder];
        if (commitment == bytes32(0)) revert ForfaitingNoCommitment(offerId, bidder);
        // The commitment binds offer, bidder account, price and salt: the seller cannot open it at another price, nor
        // open a commitment another bidder copied.
        if (keccak256(abi.encode(offerId, bidder, price, salt)) != commitment) {
            revert ForfaitingRevealMismatch(offerId, bidder);
        }
        if (price == 0) revert InvalidValue("price");
        // The bidder's standing now, not at commitment: an account stays with its member for life, so the member is
        // the one that committed; it must still be an active forfaiter (not suspended, role kept).
        uint32 buyer = _authorizeAccount(bidder, Roles.FORFAITER);
        if (buyer == seller) revert ForfaitingOwnOffer(offerId, buyer);
        delete $._commitments[offerId][bidder];
        $._quotes[offerId][bidder] = Quote({price: price, bidderMember: buyer, state: QuoteState.Accepted});
        _trade(offerId, o, seller, buyer, bidder, price, deedHash, noticeHash, offChainReference);
    }

    /// @dev The trade behind both acceptances, once the quote is settled on: checks the claim still carries what was
    /// announced and may move to the buyer, records the trade, then moves the claim and the price.
    function _trade(
        uint256 offerId,
        Offer storage o,
        uint32 seller,
        uint32 buyer,
        address bidder,
        uint128 price,
        bytes32 deedHash,
        bytes32 noticeHash,
        bytes32 offChainReference
    ) private {
        if (deedHash == bytes32(0)) revert InvalidValue("deedHash");
        if (noticeHash == bytes32(0)) revert InvalidValue("noticeHash");
        Trade memory trade = Trade({
            asset: o.asset,
            claimId: o.claimId,
            amount: o.amount,
            maturity: o.maturity,
            sellerAccount: o.seller,
            buyerAccount: bidder,
            price: price,
            deedHash: deedHash,
            noticeHash: noticeHash,
            offChainReference: offChainReference
        });
        ITransferableClaim.ClaimInfo memory info = trade.asset.claimInfo(trade.claimId);
        if (info.holder != trade.sellerAccount) {
            revert ForfaitingSellerNotHolder(address(trade.asset), trade.claimId, info.holder, trade.sellerAccount);
        }
        // What the buyer priced is exactly what it receives: a certificate's value may have been split off or merged
        // in since the announcement.
        if (info.amount != trade.amount || info.maturity != trade.maturity || info.obligor != o.obligor) {
            revert ForfaitingClaimChanged(offerId, trade.amount, info.amount, trade.maturity, info.maturity);
        }
        _requireDeliverable(offerId, buyer, trade.asset, trade.claimId, info.amount);

        o.state = OfferState.Traded;
        _getForfaitingMarketStorage()._notices[offerId] = noticeHash;
        emit ClaimTraded(offerId, seller, buyer, trade);

        trade.asset.transferClaim(trade.claimId, bidder);
        _settle(bidder, buyer, trade.sellerAccount, seller, trade.price, offChainReference);
    }

    /// @inheritdoc IForfaitingMarket
    function acknowledgeNotice(uint256 offerId, bytes32 noticeHash) external whenNotPaused {
        ForfaitingMarketStorage storage $ = _getForfaitingMarketStorage();
        Offer storage o = _load(offerId);
        uint32 obligor = _authorize(Roles.MEMBER);
        _requireParty(offerId, obligor, o.obligor);
        if (o.state != OfferState.Traded) revert ForfaitingWrongState(offerId, o.state, OfferState.Traded);
        bytes32 expected = $._notices[offerId];
        if (noticeHash != expected) revert ForfaitingNoticeMismatch(offerId, expected, noticeHash);
        o.state = OfferState.NoticeAcknowledged;
        emit NoticeAcknowledged(offerId, obligor, msg.sender, o.asset, o.claimId, o.amount, noticeHash);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IFreezable
    function freezeOrders() external view returns (IFreezeOrders) {
        return _freezeOrders;
    }

    /// @inheritdoc IFreezable
    /// @dev The amount of an unsettled claim of a listed claim contract.
    function freezableValue(
        IFreezeOrders.ScopeKind kind,
        address claimContract,
        uint256 id
    ) external view returns (uint256) {
        if (kind != IFreezeOrders.ScopeKind.Claim || !_getForfaitingMarketStorage()._listed[claimContract]) {
            revert FreezeScopeUnsupported(kind, claimContract, id);
        }
        ITransferableClaim.ClaimInfo memory info = ITransferableClaim(claimContract).claimInfo(id);
        return info.settled ? 0 : info.amount;
    }

    /// @inheritdoc IFreezable
    function freezeCount(address claimContract, uint256 id) external view returns (uint256) {
        return _getForfaitingMarketStorage()._freezeCount[keccak256(abi.encode(claimContract, id))];
    }

    /// @inheritdoc IFreezable
    function freezeCountChanged(address claimContract, uint256 id, bool added) external {
        if (msg.sender != address(_freezeOrders) || msg.sender == address(0)) revert FreezeNotRegister(msg.sender);
        mapping(bytes32 => uint256) storage counts = _getForfaitingMarketStorage()._freezeCount;
        bytes32 claimKey = keccak256(abi.encode(claimContract, id));
        // Bounded by the register's orders per target; an order ends only once it was counted.
        unchecked {
            if (added) ++counts[claimKey];
            else --counts[claimKey];
        }
    }

    /// @inheritdoc IForfaitingMarket
    function attestations() external view returns (IAuthorityAttestations) {
        return _attestations;
    }

    /// @inheritdoc IForfaitingMarket
    function backingSubjectOf(uint256 offerId) external view returns (bytes32) {
        Offer storage o = _load(offerId);
        return _backingSubject(o.asset, o.claimId);
    }

    /// @inheritdoc IForfaitingMarket
    function isClaimContract(address asset) external view returns (bool) {
        ForfaitingMarketStorage storage $ = _getForfaitingMarketStorage();
        return $._listed[asset];
    }

    /// @inheritdoc IForfaitingMarket
    function offer(uint256 offerId) external view returns (Offer memory) {
        return _load(offerId);
    }

    /// @inheritdoc IForfaitingMarket
    function quoteOf(uint256 offerId, address bidder) external view returns (Quote memory) {
        ForfaitingMarketStorage storage $ = _getForfaitingMarketStorage();
        return $._quotes[offerId][bidder];
    }

    /// @inheritdoc IForfaitingMarket
    function commitmentOf(uint256 offerId, address bidder) external view returns (bytes32) {
        ForfaitingMarketStorage storage $ = _getForfaitingMarketStorage();
        return $._commitments[offerId][bidder];
    }

    /// @inheritdoc IForfaitingMarket
    function noticeOf(uint256 offerId) external view returns (bytes32) {
        ForfaitingMarketStorage storage $ = _getForfaitingMarketStorage();
        return $._notices[offerId];
    }

    /// @inheritdoc IForfaitingMarket
    function offerCount() external view returns (uint256) {
        ForfaitingMarketStorage storage $ = _getForfaitingMarketStorage();
        return $._count;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------------------------------

    function _setClaimContract(address asset, bool listed) private {
        ForfaitingMarketStorage storage $ = _getForfaitingMarketStorage();
        if (asset == address(0)) revert InvalidValue("asset");
        $._listed[asset] = listed;
        emit ClaimContractSet(asset, listed);
    }

    /// @dev A claim under a freeze order in force does not change hands (one storage read when none is active).
    function _requireNotFrozen(address claimContract, uint256 claimId, uint256 amount) private view {
        bytes32 claimKey = keccak256(abi.encode(claimContract, claimId));
        if (_getForfaitingMarketStorage()._freezeCount[claimKey] == 0) return;
        uint256 frozen = _freezeOrders.frozenAmount(address(this), claimContract, claimId);
        if (frozen != 0) revert AssetFrozen(claimContract, claimId, frozen, amount, amount);
    }

    /// @dev The claim may move to `buyer`: under no freeze order in force, and backed as the buyer's policy requires.
    function _requireDeliverable(
        uint256 offerId,
        uint32 buyer,
        ITransferableClaim asset,
        uint256 claimId,
        uint256 amount
    ) private {
        _requireNotFrozen(address(asset), claimId, amount);
        // The buyer finances the seller: its policy in force now (not when it quoted) must be met.
        _requireBacked(offerId, buyer, asset, claimId);
    }

    /// @dev Reverts with the register's `AttestationRequired` unless `buyer`'s forfaiting-purchase policy is met on the
    /// subject the claim contract names (a contract naming none backs nothing: a buyer with a policy cannot buy its
    /// claims). Emits `PurchaseBacking` with what was checked.
    function _requireBacked(uint256 offerId, uint32 buyer, ITransferableClaim asset, uint256 claimId) private {
        bytes32 subjectKey = _backingSubject(asset, claimId);
        uint256 policy;
        if (address(_attestations) != address(0)) {
            IAuthorityAttestations.Application app = IAuthorityAttestations.Application.ForfaitingPurchase;
            policy = _attestations.policyOf(buyer, app);
            if (policy != 0) _attestations.requireBacked(buyer, app, subjectKey);
        }
        emit PurchaseBacking(offerId, buyer, subjectKey, policy);
    }

    /// @dev The subject `asset` names for `claimId` (`IBackedClaim`), zero when it implements no such view or answers
    /// anything but one word. A bounded static call: a listed contract cannot change state here.
    function _backingSubject(ITransferableClaim asset, uint256 claimId) private view returns (bytes32 subjectKey) {
        (bool ok, bytes memory data) = address(asset).staticcall(
            abi.encodeCall(IBackedClaim.backingSubjectOf, (claimId))
        );
        if (ok && data.length == 32) subjectKey = abi.decode(data, (bytes32));
    }

    /// @dev The caller's member if it may quote on the offer: an active forfaiter other than the seller.
    function _authorizeBidder(uint256 offerId, Offer storage o) private view returns (uint32 bidder) {
        bidder = _authorize(Roles.FORFAITER);
        if (bidder == o.sellerMember) revert ForfaitingOwnOffer(offerId, bidder);
    }

    function _load(uint256 offerId) private view returns (Offer storage o) {
        ForfaitingMarketStorage storage $ = _getForfaitingMarketStorage();
        o = $._offers[offerId];
        if (o.state == OfferState.None) revert ForfaitingOfferUnknown(offerId);
    }

    function _loadOpen(uint256 offerId) private view returns (Offer storage o) {
        o = _load(offerId);
        if (o.state != OfferState.Open) revert ForfaitingWrongState(offerId, o.state, OfferState.Open);
    }

    function _requireParty(uint256 offerId, uint32 caller, uint32 expected) private pure {
        if (caller != expected) revert ForfaitingWrongParty(offerId, caller, expected);
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getForfaitingMarketStorage() private pure returns (ForfaitingMarketStorage storage $) {
        assembly ("memory-safe") {
            $.slot := FORFAITING_MARKET_STORAGE_LOCATION
        }
    }
}
