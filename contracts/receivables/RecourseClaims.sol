// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardUpgradeable.sol";
import {IAuthorityAttestations} from "../attestations/interfaces/IAuthorityAttestations.sol";
import {ConsortiumApp} from "../platform/ConsortiumApp.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {IDepositToken} from "../platform/interfaces/IDepositToken.sol";
import {IFreezable} from "../platform/interfaces/IFreezable.sol";
import {Roles} from "../platform/libraries/Roles.sol";
import {IMaturityArrangements} from "./interfaces/IMaturityArrangements.sol";
import {IRecourseClaims} from "./interfaces/IRecourseClaims.sol";
import {IReceivableCertificate} from "./interfaces/IReceivableCertificate.sol";
import {IReceivableDesk} from "./interfaces/IReceivableDesk.sol";

/// @title RecourseClaims
/// @notice Discounting with or without recourse, and recourse down the lineage. See `IRecourseClaims`.
/// @dev Sales settle through paths the certificate and the deposit token already trust: the certificate's
/// approved-operator transfer (maturity, free and frozen value, both parties' standing) and an ERC-20 allowance of the
/// payer. After maturity certificates no longer move, so a certificate goes back to a seller that honoured a claim
/// through `IReceivableCertificate.returnOnRecourse`, which the certificate allows this contract alone (bound once)
/// and which keeps frozen and locked value where it is.
contract RecourseClaims is IRecourseClaims, ConsortiumApp, ReentrancyGuardUpgradeable {
    using SafeERC20 for IDepositToken;

    /// @inheritdoc IRecourseClaims
    uint40 public constant GRACE_PERIOD = 1 days;
    /// @notice Roles that may hold certificates (as in the certificate contract).
    uint64 private constant HOLDER_ROLES = Roles.RECEIVABLE_HOLDER | Roles.FINANCIER | Roles.SYSTEM;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IReceivableDesk private immutable _desk;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IReceivableCertificate private immutable _certificates;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IDepositToken private immutable _token;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IAuthorityAttestations private immutable _attestations;

    /// @custom:storage-location erc7201:consortia.storage.RecourseClaims
    struct RecourseClaimsStorage {
        uint48 _offerCount;
        uint48 _saleCount;
        uint48 _claimCount;
        mapping(uint256 offerId => Offer) _offers;
        mapping(uint256 saleId => Sale) _sales;
        mapping(uint256 tokenId => Holding) _holdings;
        mapping(uint256 claimId => Claim) _claims;
        mapping(uint256 tokenId => uint256 claimId) _latestClaims;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.RecourseClaims")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant RECOURSE_CLAIMS_STORAGE_LOCATION =
        0xef13d774aa8216280d3b341b2fcea5cbede24372e4d62462d64d955bb5670000;

    /// @param desk_ The receivable desk (its receivables' status tells whether the obligor paid).
    /// @param certificates_ The desk's certificates.
    /// @param token_ The deposit token prices and claims are paid in (the desk's).
    /// @param attestations_ The authority attestations the certificate enforces on discounts (zero: none).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IReceivableDesk desk_,
        IReceivableCertificate certificates_,
        IDepositToken token_,
        IAuthorityAttestations attestations_
    ) ConsortiumApp(registry_) {
        if (address(desk_) == address(0)) revert InvalidValue("desk");
        if (address(certificates_) == address(0)) revert InvalidValue("certificates");
        if (address(token_) == address(0)) revert InvalidValue("token");
        _desk = desk_;
        _certificates = certificates_;
        _token = token_;
        _attestations = attestations_;
    }

    /// @notice Initializes the proxy (run once, by the proxy's constructor).
    function initialize() external initializer {
        __ConsortiumApp_init();
        __ReentrancyGuard_init();
    }

    // ------------------------------------------------------------------ sale

    /// @inheritdoc IRecourseClaims
    function offer(
        uint256 tokenId,
        uint256 value,
        uint32 financier,
        uint256 price,
        bool withRecourse,
        uint40 deadline
    ) external whenNotPaused returns (uint256 offerId) {
        RecourseClaimsStorage storage $ = _getRecourseClaimsStorage();
        IReceivableCertificate.Certificate memory c = _actingHolder(tokenId);
        uint32 holderMember = _authorizeAccount(c.owner, HOLDER_ROLES);
        _requireMemberRole(financier, Roles.FINANCIER);
        if (financier == holderMember) revert RecourseWrongParty(msg.sender, holderMember, financier);
        if (value == 0 || value > c.value) revert RecourseInvalidTerms("value");
        if (price == 0 || price > value) revert RecourseInvalidTerms("price");
        if (deadline <= block.timestamp || deadline >= c.maturity) revert RecourseInvalidTerms("deadline");
        // Value locked under another offer or a pledge, or frozen, is not offered.
        if (c.locked != 0) revert RecourseInvalidTerms("locked");
        _requireNotFrozen(tokenId);
        // Cannot overflow: 2^48 offers are out of reach.
        unchecked {
            offerId = ++$._offerCount;
        }
        $._offers[offerId] = Offer({
            tokenId: uint48(tokenId),
            financier: financier,
            deadline: deadline,
            status: OfferStatus.Pending,
            withRecourse: withRecourse,
            epoch: c.epoch,
            value: uint88(value),
            price: uint88(price),
            certificateValue: c.value,
            holder: c.owner,
            offeror: msg.sender
        });
        emit RecourseOffered(offerId, tokenId, financier, c.owner, holderMember, value, price, withRecourse, deadline);
    }

    /// @inheritdoc IRecourseClaims
    function cancel(uint256 offerId) external whenNotPaused {
        Offer storage o = _pendingOffer(offerId);
        OfferStatus status;
        if (block.timestamp > o.deadline) {
            _authorizeAccount(msg.sender, Roles.MEMBER);
            status = OfferStatus.Expired;
        } else {
            if (msg.sender != o.offeror && msg.sender != _certificates.ownerOf(o.tokenId)) {
                revert RecourseNotHolder(o.tokenId, msg.sender);
            }
            _authorizeAccount(msg.sender, HOLDER_ROLES);
            status = OfferStatus.Cancelled;
        }
        o.status = status;
        emit RecourseOfferClosed(offerId, status);
    }

    /// @inheritdoc IRecourseClaims
    function accept(
        uint256 offerId,
        bool withRecourse,
        uint256 price
    ) external whenNotPaused nonReentrant returns (uint256 saleId, uint256 newTokenId) {
        Offer storage o = _pendingOffer(offerId);
        uint32 bank = _authorizeAccount(msg.sender, Roles.FINANCIER);
        if (bank != o.financier) revert RecourseWrongParty(msg.sender, bank, o.financier);
        if (block.timestamp > o.deadline) revert RecourseTooLate(o.deadline);
        if (withRecourse != o.withRecourse || price != o.price) revert RecourseTermsMismatch(offerId);
        uint256 receivableId = _requireAsOffered(o, bank);
        o.status = OfferStatus.Accepted;
        Sale storage s;
        (saleId, s) = _openSale(o, bank);
        // The whole certificate when all its value is sold, else a split, through the approved-operator path.
        uint256 tokenId = o.tokenId;
        newTokenId =
            o.value == o.certificateValue
                ? _moveWhole(o.holder, msg.sender, tokenId)
                : _certificates.transferFrom(tokenId, msg.sender, o.value);
        s.tokenId = uint48(newTokenId);
        // The buyer must hold what it bought: a contract buyer's receiver hook could pass the certificate on during
        // the transfer, and the holding (the right of recourse) would go to an owner that bought nothing here.
        IReceivableCertificate.Certificate memory bought = _certificates.certificate(newTokenId);
        if (bought.owner != msg.sender) revert RecourseCertificateChanged(newTokenId);
        _getRecourseClaimsStorage()._holdings[newTokenId] = Holding({saleId: uint48(saleId), epoch: bought.epoch});
        emit RecourseSaleRecorded(saleId, offerId, newTokenId, receivableId, s);
        _token.safeTransferFrom(msg.sender, o.holder, price);
    }

    // ------------------------------------------------------------------ recourse

    /// @inheritdoc IRecourseClaims
    function exercise(uint256 tokenId) external whenNotPaused returns (uint256 claimId) {
        RecourseClaimsStorage storage $ = _getRecourseClaimsStorage();
        IReceivableCertificate.Certificate memory c = _actingHolder(tokenId);
        uint32 holderMember = _authorizeAccount(c.owner, HOLDER_ROLES);
        uint256 notBefore = uint256(c.maturity) + GRACE_PERIOD;
        if (block.timestamp < notBefore) revert RecourseTooEarly(notBefore);
        _requireDefaulted(c.slot);
        uint256 latest = $._latestClaims[tokenId];
        if (latest != 0 && $._claims[latest].status == ClaimStatus.Exercised) {
            revert RecourseAlreadyExercised(tokenId, latest);
        }
        uint256 saleId = _currentHolding(tokenId, c.epoch);
        if (saleId == 0) revert RecourseNoSale(tokenId);
        Sale storage s = $._sales[saleId];
        if (!s.withRecourse) revert RecourseNotAgreed(saleId);
        if (c.locked != 0) revert RecourseCertificateChanged(tokenId);
        // After a part payment the claim is for the unpaid rest only: a share unclaimed is claimed here for the holder
        // (paid to it, paying the certificate down), so the value claimed is what the obligor still owes on it. Not
        // refused: else the obligor could stall recourse by a tiny part payment ahead of each exercise.
        address arrangements = _certificates.arrangements();
        if (arrangements != address(0) && IMaturityArrangements(arrangements).shareOf(tokenId) != 0) {
            // Cannot underflow: a share is below the certificate's value.
            c.value -= uint88(IMaturityArrangements(arrangements).claim(tokenId));
        }
        // No path claims more than was sold: value merged into a held certificate (an ERC-3525 value transfer keeps
        // its owner and epoch) is not sold value. The claim is capped at what the sale has left rather than refused:
        // else the seller could push one unit into the buyer's certificate before maturity, when it no longer moves,
        // and escape recourse. The honour returns the whole certificate, merged value included, for the claim.
        uint256 value = s.value - s.claimedValue;
        if (c.value < value) value = c.value;
        if (value == 0) revert RecourseInvalidTerms("value");
        // Cannot overflow: at most the sale's value, a uint88.
        s.claimedValue += uint88(value);
        // Cannot overflow: 2^48 claims are out of reach.
        unchecked {
            claimId = ++$._claimCount;
        }
        $._claims[claimId] = Claim({
            saleId: uint48(saleId),
            tokenId: uint48(tokenId),
            status: ClaimStatus.Exercised,
            holderMember: holderMember,
            value: uint88(value),
            holder: c.owner
        });
        $._latestClaims[tokenId] = claimId;
        emit RecourseExercised(claimId, saleId, tokenId, c.slot, c.owner, holderMember, s.sellerMember, value);
    }

    /// @inheritdoc IRecourseClaims
    function honour(uint256 claimId) external whenNotPaused nonReentrant {
        RecourseClaimsStorage storage $ = _getRecourseClaimsStorage();
        Claim storage k = $._claims[claimId];
        if (k.status != ClaimStatus.Exercised) revert RecourseClaimWrongStatus(claimId, k.status);
        uint256 saleId = k.saleId;
        Sale storage s = $._sales[saleId];
        uint32 payerMember = _authorizeAccount(msg.sender, HOLDER_ROLES);
        if (payerMember != s.sellerMember) revert RecourseWrongParty(msg.sender, payerMember, s.sellerMember);
        uint256 tokenId = k.tokenId;
        IReceivableCertificate.Certificate memory c = _certificates.certificate(tokenId);
        // Still held by the claimant by the sale claimed on (not redeemed or paid off chain since), for at least the
        // value claimed (a matured certificate's value no longer moves); the obligor still in default.
        if (c.owner != k.holder || _currentHolding(tokenId, c.epoch) != saleId || c.value < k.value) {
            revert RecourseCertificateChanged(tokenId);
        }
        _requireDefaulted(c.slot);
        // From here `c.value` is the value claimed (at most the certificate's value): paid, and announced.
        c.value = k.value;
        address holder = c.owner;
        uint32 holderMember = _authorizeAccount(holder, HOLDER_ROLES);
        uint48 prior = s.prior;
        k.status = ClaimStatus.Honoured;
        // The seller holds the certificate again by the sale it bought it by (its own recourse, if any): the return
        // below is one change of owner, which bumps the epoch by one.
        // Cannot overflow in practice: see the certificate's epoch.
        unchecked {
            $._holdings[tokenId] = Holding({saleId: prior, epoch: c.epoch + 1});
        }
        emit RecourseHonoured(
            claimId,
            saleId,
            tokenId,
            c.slot,
            msg.sender,
            payerMember,
            holder,
            holderMember,
            c.value,
            prior
        );
        // DvP: the certificate (the certificate refuses to move frozen or locked value) against the value claimed.
        _certificates.returnOnRecourse(tokenId, msg.sender);
        _token.safeTransferFrom(msg.sender, holder, c.value);
    }

    /// @inheritdoc IRecourseClaims
    function discharge(uint256 claimId) external whenNotPaused {
        RecourseClaimsStorage storage $ = _getRecourseClaimsStorage();
        Claim storage k = $._claims[claimId];
        if (k.status != ClaimStatus.Exercised) revert RecourseClaimWrongStatus(claimId, k.status);
        _authorizeAccount(msg.sender, Roles.MEMBER);
        uint256 saleId = k.saleId;
        uint256 tokenId = k.tokenId;
        // A burned certificate keeps its slot (the receivable) and has no owner.
        IReceivableCertificate.Certificate memory c = _certificates.certificate(tokenId);
        bool held = c.owner == k.holder && _currentHolding(tokenId, c.epoch) == saleId;
        IReceivableDesk.ReceivableStatus status = _desk.receivable(c.slot).status;
        // The holding and the default that `honour` checks (it also needs the certificate's value to cover the claim,
        // and the holder's and seller's standing, which a discharge does not look at): while both hold, the claim is
        // still due.
        if (held && _isDefault(status)) revert RecourseClaimStillDue(claimId, c.slot, status);
        uint256 value = k.value;
        k.status = ClaimStatus.Discharged;
        // Cannot underflow: the claim's value was added to the sale's claimed value at the exercise.
        unchecked {
            $._sales[saleId].claimedValue -= uint88(value);
        }
        emit RecourseDischarged(claimId, saleId, tokenId, c.slot, msg.sender, value, !held, status);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IRecourseClaims
    function offerOf(uint256 offerId) external view returns (Offer memory) {
        return _getRecourseClaimsStorage()._offers[offerId];
    }

    /// @inheritdoc IRecourseClaims
    function saleOf(uint256 saleId) external view returns (Sale memory) {
        return _getRecourseClaimsStorage()._sales[saleId];
    }

    /// @inheritdoc IRecourseClaims
    function holdingOf(uint256 tokenId) external view returns (uint256) {
        IReceivableCertificate.Certificate memory c = _certificates.certificate(tokenId);
        if (c.owner == address(0)) return 0;
        return _currentHolding(tokenId, c.epoch);
    }

    /// @inheritdoc IRecourseClaims
    function recourseChain(uint256 tokenId, uint256 max) external view returns (Sale[] memory chain) {
        RecourseClaimsStorage storage $ = _getRecourseClaimsStorage();
        IReceivableCertificate.Certificate memory c = _certificates.certificate(tokenId);
        uint256 saleId = c.owner == address(0) ? 0 : _currentHolding(tokenId, c.epoch);
        Sale[] memory found = new Sale[](max);
        uint256 n;
        // Bounded by the caller's `max`.
        while (saleId != 0 && n < max) {
            Sale memory s = $._sales[saleId];
            found[n++] = s;
            saleId = s.prior;
        }
        chain = new Sale[](n);
        for (uint256 i; i < n; ++i) chain[i] = found[i];
    }

    /// @inheritdoc IRecourseClaims
    function claimOf(uint256 claimId) external view returns (Claim memory) {
        return _getRecourseClaimsStorage()._claims[claimId];
    }

    /// @inheritdoc IRecourseClaims
    function latestClaimOf(uint256 tokenId) external view returns (uint256) {
        return _getRecourseClaimsStorage()._latestClaims[tokenId];
    }

    /// @inheritdoc IRecourseClaims
    function claimCount() external view returns (uint256) {
        return _getRecourseClaimsStorage()._claimCount;
    }

    /// @inheritdoc IRecourseClaims
    function offerCount() external view returns (uint256) {
        return _getRecourseClaimsStorage()._offerCount;
    }

    /// @inheritdoc IRecourseClaims
    function saleCount() external view returns (uint256) {
        return _getRecourseClaimsStorage()._saleCount;
    }

    /// @inheritdoc IRecourseClaims
    function certificates() external view returns (IReceivableCertificate) {
        return _certificates;
    }

    /// @inheritdoc IRecourseClaims
    function desk() external view returns (IReceivableDesk) {
        return _desk;
    }

    /// @inheritdoc IRecourseClaims
    function settlementToken() external view returns (IDepositToken) {
        return _token;
    }

    // ------------------------------------------------------------------ internals

    /// @dev At acceptance: the certificate exactly as offered (same owner and epoch, so no change of owner; value;
    /// nothing locked; no freeze order), the holder and the offeror in good standing now, the offeror still acting for
    /// the certificate, this contract approved, and the bank's attestation policy met. Returns the receivable.
    function _requireAsOffered(Offer storage o, uint32 bank) private view returns (uint256 receivableId) {
        uint256 tokenId = o.tokenId;
        IReceivableCertificate.Certificate memory c = _certificates.certificate(tokenId);
        if (c.owner != o.holder || c.epoch != o.epoch || c.value != o.certificateValue || c.locked != 0) {
            revert RecourseCertificateChanged(tokenId);
        }
        _requireNotFrozen(tokenId);
        _authorizeAccount(c.owner, HOLDER_ROLES);
        address offeror = o.offeror;
        if (offeror != c.owner) {
            if (!_certificates.isApprovedOrOwner(offeror, tokenId)) revert RecourseNotHolder(tokenId, offeror);
            _authorizeAccount(offeror, HOLDER_ROLES);
        }
        if (!_certificates.isApprovedOrOwner(address(this), tokenId)) revert RecourseNotApproved(tokenId);
        receivableId = c.slot;
        _requireBacked(bank, receivableId);
    }

    /// @dev Records the sale of an accepted offer (its certificate is set once delivered); its prior is the sale the
    /// seller holds the offered certificate by.
    function _openSale(Offer storage o, uint32 bank) private returns (uint256 saleId, Sale storage s) {
        RecourseClaimsStorage storage $ = _getRecourseClaimsStorage();
        // Cannot overflow: 2^48 sales are out of reach.
        unchecked {
            saleId = ++$._saleCount;
        }
        s = $._sales[saleId];
        s.prior = _currentHolding(o.tokenId, o.epoch);
        s.sellerMember = registry().memberOf(o.holder);
        s.buyerMember = bank;
        s.withRecourse = o.withRecourse;
        s.value = o.value;
        s.price = o.price;
        s.seller = o.holder;
        s.buyer = msg.sender;
    }

    /// @dev Moves the whole certificate through the approved-operator path; it keeps its id.
    function _moveWhole(address holder, address to, uint256 tokenId) private returns (uint256) {
        _certificates.transferFrom(holder, to, tokenId);
        return tokenId;
    }

    /// @dev The sale the certificate's current owner holds it by: recorded for the certificate at its current epoch
    /// (any change of owner since voids it), else 0.
    function _currentHolding(uint256 tokenId, uint32 epoch) private view returns (uint48) {
        Holding memory h = _getRecourseClaimsStorage()._holdings[tokenId];
        return h.epoch == epoch ? h.saleId : 0;
    }

    /// @dev The caller acts for a live certificate (owner or approved) and may hold certificates now.
    function _actingHolder(uint256 tokenId) private view returns (IReceivableCertificate.Certificate memory c) {
        c = _certificates.certificate(tokenId);
        if (c.owner == address(0) || !_certificates.isApprovedOrOwner(msg.sender, tokenId)) {
            revert RecourseNotHolder(tokenId, msg.sender);
        }
        _authorizeAccount(msg.sender, HOLDER_ROLES);
    }

    /// @dev The obligor did not pay: the receivable is overdue, or its guarantee called and not honoured. Funded
    /// (holders redeem from escrow) or settled ends recourse, as does an active receivable not yet marked overdue.
    function _requireDefaulted(uint256 receivableId) private view {
        IReceivableDesk.ReceivableStatus status = _desk.receivable(receivableId).status;
        if (!_isDefault(status)) revert RecourseReceivableNotDefaulted(receivableId, status);
    }

    function _isDefault(IReceivableDesk.ReceivableStatus status) private pure returns (bool) {
        return
            status == IReceivableDesk.ReceivableStatus.Overdue ||
            status == IReceivableDesk.ReceivableStatus.GuaranteeCalled;
    }

    function _requireNotFrozen(uint256 tokenId) private view {
        if (IFreezable(address(_certificates)).freezeCount(address(0), tokenId) != 0) {
            revert RecourseCertificateFrozen(tokenId);
        }
    }

    /// @dev The bank's receivable-financing attestation policy, as the certificate applies it to a discount.
    function _requireBacked(uint32 bank, uint256 receivableId) private view {
        if (address(_attestations) == address(0)) return;
        IAuthorityAttestations.Application app = IAuthorityAttestations.Application.ReceivableFinancing;
        if (_attestations.policyOf(bank, app) == 0) return;
        _attestations.requireBacked(bank, app, _desk.receivable(receivableId).invoiceKey);
    }

    function _pendingOffer(uint256 offerId) private view returns (Offer storage o) {
        o = _getRecourseClaimsStorage()._offers[offerId];
        if (o.status != OfferStatus.Pending) revert RecourseOfferWrongStatus(offerId, o.status);
    }

    /// @dev The member must be active and hold `role`.
    function _requireMemberRole(uint32 memberId, uint64 role) private view {
        (, IConsortiumRegistry.MemberStatus status, uint64 roles) = registry().memberProfile(memberId);
        if (status != IConsortiumRegistry.MemberStatus.Active || roles & role == 0) {
            revert RecourseIneligibleMember(memberId, role);
        }
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getRecourseClaimsStorage() private pure returns (RecourseClaimsStorage storage $) {
        assembly ("memory-safe") {
            $.slot := RECOURSE_CLAIMS_STORAGE_LOCATION
        }
    }
}
