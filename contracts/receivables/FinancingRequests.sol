// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardUpgradeable.sol";
import {IAuthorityAttestations} from "../attestations/interfaces/IAuthorityAttestations.sol";
import {ConsortiumApp} from "../platform/ConsortiumApp.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {IDepositToken} from "../platform/interfaces/IDepositToken.sol";
import {IFreezable} from "../platform/interfaces/IFreezable.sol";
import {Roles} from "../platform/libraries/Roles.sol";
import {IFinancingRequests} from "./interfaces/IFinancingRequests.sol";
import {IReceivableCertificate} from "./interfaces/IReceivableCertificate.sol";
import {IReceivableDesk} from "./interfaces/IReceivableDesk.sol";

/// @title FinancingRequests
/// @notice Multi-bank financing requests for receivable certificates. See `IFinancingRequests`.
/// @dev Settles through paths the certificate and the deposit token already trust: the certificate's
/// approved-operator transfer (which checks maturity, free and frozen value and both parties' standing) and an ERC-20
/// allowance of the bank's account. The attestation policy check is the one the certificate applies to a discount.
contract FinancingRequests is IFinancingRequests, ConsortiumApp, ReentrancyGuardUpgradeable {
    using SafeERC20 for IDepositToken;

    /// @inheritdoc IFinancingRequests
    uint256 public constant MAX_BANKS = 8;
    /// @notice Highest annual rate a quote may carry (100 %), in basis points.
    uint16 public constant MAX_RATE_BPS = 10_000;
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

    /// @custom:storage-location erc7201:consortia.storage.FinancingRequests
    struct FinancingRequestsStorage {
        uint48 _requestCount;
        mapping(uint256 requestId => Request) _requests;
        mapping(uint256 requestId => uint32[]) _banks;
        mapping(uint256 requestId => mapping(uint32 bank => bool)) _asked;
        mapping(uint256 requestId => mapping(uint32 bank => Quote)) _quotes;
        // Sealed quotes committed and neither revealed nor withdrawn (at most MAX_BANKS).
        mapping(uint256 requestId => uint8) _pendingReveals;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.FinancingRequests")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant FINANCING_REQUESTS_STORAGE_LOCATION =
        0xa270f60ce27bb40fd5fcba99b3662a590482d25280d0ec1a77f96088188cec00;

    /// @param desk_ The receivable desk; its certificate contract is the one financed.
    /// @param token_ The settlement token prices are paid in (the desk's).
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

    // ------------------------------------------------------------------ request

    /// @inheritdoc IFinancingRequests
    function request(
        uint256 tokenId,
        uint256 value,
        uint32[] calldata banks,
        bool sealedQuotes,
        uint40 quoteDeadline,
        uint40 revealDeadline
    ) external whenNotPaused returns (uint256 requestId) {
        FinancingRequestsStorage storage $ = _getFinancingRequestsStorage();
        IReceivableCertificate.Certificate memory c = _certificates.certificate(tokenId);
        if (c.owner == address(0) || !_certificates.isApprovedOrOwner(msg.sender, tokenId)) {
            revert FinancingNotHolder(tokenId, msg.sender);
        }
        _authorizeAccount(msg.sender, HOLDER_ROLES);
        uint32 supplier = _authorizeAccount(c.owner, HOLDER_ROLES);
        if (value == 0 || value > c.value) revert FinancingInvalidTerms("value");
        // Value locked under another offer or a pledge, or frozen, is not offered to banks.
        if (c.locked != 0) revert FinancingInvalidTerms("locked");
        if (IFreezable(address(_certificates)).freezeCount(address(0), tokenId) != 0) {
            revert FinancingCertificateFrozen(tokenId);
        }
        _requireWindow(c.maturity, sealedQuotes, quoteDeadline, revealDeadline);
        // Cannot overflow: 2^48 requests are out of reach.
        unchecked {
            requestId = ++$._requestCount;
        }
        _recordBanks(requestId, banks, supplier);
        Request memory r = Request({
            tokenId: uint48(tokenId),
            receivableId: c.slot,
            maturity: c.maturity,
            quoteDeadline: quoteDeadline,
            revealDeadline: revealDeadline,
            status: RequestStatus.Open,
            sealedQuotes: sealedQuotes,
            bankCount: uint8(banks.length),
            supplier: supplier,
            acceptedBank: 0,
            value: uint88(value),
            certificateValue: c.value,
            epoch: c.epoch,
            holder: c.owner,
            requester: msg.sender
        });
        $._requests[requestId] = r;
        emit FinancingRequested(requestId, tokenId, supplier, r, banks);
    }

    /// @inheritdoc IFinancingRequests
    function cancel(uint256 requestId) external whenNotPaused {
        Request storage r = _openRequest(requestId);
        if (msg.sender != r.requester && msg.sender != _certificates.ownerOf(r.tokenId)) {
            revert FinancingNotHolder(r.tokenId, msg.sender);
        }
        _authorizeAccount(msg.sender, HOLDER_ROLES);
        r.status = RequestStatus.Cancelled;
        emit FinancingRequestCancelled(requestId, r.supplier, msg.sender);
    }

    // ------------------------------------------------------------------ quotes

    /// @inheritdoc IFinancingRequests
    function quote(uint256 requestId, QuoteTerms calldata terms) external whenNotPaused {
        Request storage r = _openRequest(requestId);
        if (r.sealedQuotes) revert FinancingQuoteMode(requestId, true);
        uint32 bank = _askedBank(requestId);
        if (block.timestamp > r.quoteDeadline) revert FinancingTooLate(r.quoteDeadline);
        _requireUnchanged(requestId, r);
        Quote storage q = _getFinancingRequestsStorage()._quotes[requestId][bank];
        QuoteStatus status = q.status;
        if (status != QuoteStatus.None && status != QuoteStatus.Quoted) {
            revert FinancingQuoteWrongStatus(requestId, bank, status);
        }
        _validateTerms(r, terms);
        q.status = QuoteStatus.Quoted;
        q.terms = terms;
        q.account = msg.sender;
        emit QuoteSubmitted(requestId, bank, msg.sender, terms, false);
    }

    /// @inheritdoc IFinancingRequests
    function commitQuote(uint256 requestId, bytes32 commitment) external whenNotPaused {
        Request storage r = _openRequest(requestId);
        if (!r.sealedQuotes) revert FinancingQuoteMode(requestId, false);
        uint32 bank = _askedBank(requestId);
        if (block.timestamp > r.quoteDeadline) revert FinancingTooLate(r.quoteDeadline);
        if (commitment == bytes32(0)) revert FinancingInvalidTerms("commitment");
        Quote storage q = _getFinancingRequestsStorage()._quotes[requestId][bank];
        QuoteStatus status = q.status;
        if (status != QuoteStatus.None && status != QuoteStatus.Committed) {
            revert FinancingQuoteWrongStatus(requestId, bank, status);
        }
        // Cannot overflow: one pending reveal per asked bank, at most MAX_BANKS.
        if (status == QuoteStatus.None) {
            unchecked {
                ++_getFinancingRequestsStorage()._pendingReveals[requestId];
            }
        }
        q.status = QuoteStatus.Committed;
        q.account = msg.sender;
        q.commitment = commitment;
        emit QuoteCommitted(requestId, bank, msg.sender, commitment);
    }

    /// @inheritdoc IFinancingRequests
    function revealQuote(uint256 requestId, QuoteTerms calldata terms, bytes32 salt) external whenNotPaused {
        Request storage r = _openRequest(requestId);
        if (!r.sealedQuotes) revert FinancingQuoteMode(requestId, false);
        uint32 bank = _askedBank(requestId);
        if (block.timestamp <= r.quoteDeadline) revert FinancingTooEarly(uint256(r.quoteDeadline) + 1);
        if (block.timestamp > r.revealDeadline) revert FinancingTooLate(r.revealDeadline);
        Quote storage q = _getFinancingRequestsStorage()._quotes[requestId][bank];
        if (q.status != QuoteStatus.Committed) revert FinancingQuoteWrongStatus(requestId, bank, q.status);
        if (q.commitment != _commitment(requestId, bank, terms, salt)) revert FinancingRevealMismatch(requestId, bank);
        _requireUnchanged(requestId, r);
        _validateTerms(r, terms);
        // Cannot underflow: this quote was counted when first committed.
        unchecked {
            --_getFinancingRequestsStorage()._pendingReveals[requestId];
        }
        q.status = QuoteStatus.Quoted;
        q.terms = terms;
        // The account that reveals pays and receives, as the one that quotes in the clear does.
        q.account = msg.sender;
        emit QuoteSubmitted(requestId, bank, msg.sender, terms, true);
    }

    /// @inheritdoc IFinancingRequests
    function withdrawQuote(uint256 requestId) external whenNotPaused {
        _openRequest(requestId);
        uint32 bank = _askedBank(requestId);
        Quote storage q = _getFinancingRequestsStorage()._quotes[requestId][bank];
        QuoteStatus status = q.status;
        if (status != QuoteStatus.Committed && status != QuoteStatus.Quoted) {
            revert FinancingQuoteWrongStatus(requestId, bank, status);
        }
        // A commitment withdrawn unrevealed no longer holds up acceptance. Cannot underflow: it was counted.
        if (status == QuoteStatus.Committed) {
            unchecked {
                --_getFinancingRequestsStorage()._pendingReveals[requestId];
            }
        }
        q.status = QuoteStatus.Withdrawn;
        emit QuoteWithdrawn(requestId, bank, msg.sender);
    }

    // ------------------------------------------------------------------ acceptance

    /// @inheritdoc IFinancingRequests
    function accept(
        uint256 requestId,
        uint32 bank
    ) external whenNotPaused nonReentrant returns (uint256 newTokenId, uint256 price) {
        Request storage r = _openRequest(requestId);
        // The requester (still able to act for the certificate) or the holder it acted for; an operator that did not
        // make the request does not choose the bank. Both able to hold the certificate, the holder in good standing.
        if (msg.sender != r.requester && msg.sender != r.holder) _wrongParty(msg.sender, 0, r.supplier);
        _authorizeAccount(msg.sender, HOLDER_ROLES);
        Quote storage q = _getFinancingRequestsStorage()._quotes[requestId][bank];
        if (q.status != QuoteStatus.Quoted) revert FinancingQuoteWrongStatus(requestId, bank, q.status);
        uint40 validUntil = q.terms.validUntil;
        if (block.timestamp > validUntil) revert FinancingTooLate(validUntil);
        if (r.sealedQuotes) _requireRevealsClosed(requestId, r);
        uint256 tokenId = r.tokenId;
        _requireUnchanged(requestId, r);
        if (!_certificates.isApprovedOrOwner(msg.sender, tokenId)) revert FinancingNotHolder(tokenId, msg.sender);
        if (!_certificates.isApprovedOrOwner(address(this), tokenId)) revert FinancingNotApproved(tokenId);
        _authorizeAccount(r.holder, HOLDER_ROLES);
        // The bank's standing now: its quoting account active, of an active member holding FINANCIER.
        address bankAccount = q.account;
        if (_authorizeAccount(bankAccount, Roles.FINANCIER) != bank) _wrongParty(bankAccount, 0, bank);
        _requireBacked(bank, r.receivableId);
        Pricing memory pricing = _price(r.value, r.maturity, q.terms, block.timestamp);
        r.status = RequestStatus.Accepted;
        r.acceptedBank = bank;
        q.status = QuoteStatus.Accepted;
        newTokenId = _deliver(r, bankAccount);
        price = pricing.price;
        emit FinancingAccepted(requestId, bank, newTokenId, bankAccount, r.holder, pricing);
        _token.safeTransferFrom(bankAccount, r.holder, price);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IFinancingRequests
    function certificates() external view returns (IReceivableCertificate) {
        return _certificates;
    }

    /// @inheritdoc IFinancingRequests
    function desk() external view returns (IReceivableDesk) {
        return _desk;
    }

    /// @notice The settlement token prices are paid in.
    function settlementToken() external view returns (IDepositToken) {
        return _token;
    }

    /// @notice The authority attestations whose receivable-financing policies acceptance meets (zero: none).
    function attestations() external view returns (IAuthorityAttestations) {
        return _attestations;
    }

    /// @inheritdoc IFinancingRequests
    function requestOf(uint256 requestId) external view returns (Request memory) {
        return _getFinancingRequestsStorage()._requests[requestId];
    }

    /// @inheritdoc IFinancingRequests
    function banksOf(uint256 requestId) external view returns (uint32[] memory) {
        return _getFinancingRequestsStorage()._banks[requestId];
    }

    /// @inheritdoc IFinancingRequests
    function quoteOf(uint256 requestId, uint32 bank) external view returns (Quote memory) {
        return _getFinancingRequestsStorage()._quotes[requestId][bank];
    }

    /// @inheritdoc IFinancingRequests
    function pendingReveals(uint256 requestId) external view returns (uint256) {
        return _getFinancingRequestsStorage()._pendingReveals[requestId];
    }

    /// @inheritdoc IFinancingRequests
    function requestCount() external view returns (uint256) {
        return _getFinancingRequestsStorage()._requestCount;
    }

    /// @inheritdoc IFinancingRequests
    function quoteCommitment(
        uint256 requestId,
        uint32 bank,
        QuoteTerms calldata terms,
        bytes32 salt
    ) external view returns (bytes32) {
        return _commitment(requestId, bank, terms, salt);
    }

    /// @inheritdoc IFinancingRequests
    function priceOf(
        uint256 value,
        uint40 maturity,
        QuoteTerms calldata terms,
        uint256 at
    ) external pure returns (Pricing memory) {
        return _price(value, maturity, terms, at);
    }

    // ------------------------------------------------------------------ internals

    /// @dev Moves the request's value to the bank through the certificate's approved-operator path, whose own checks
    /// (maturity, free and frozen value, both parties' standing) apply: the whole certificate when the whole value is
    /// financed, else a split. Returns the bank's certificate.
    function _deliver(Request storage r, address bankAccount) private returns (uint256) {
        uint256 tokenId = r.tokenId;
        if (r.value == r.certificateValue) {
            _certificates.transferFrom(r.holder, bankAccount, tokenId);
            return tokenId;
        }
        return _certificates.transferFrom(tokenId, bankAccount, r.value);
    }

    /// @dev Days from `at` to `maturity`, started days counting whole (ACT); interest on `value` at the annual rate
    /// over the convention's basis, rounded down (minor units); price = value - interest - fee, which must be
    /// positive.
    function _price(
        uint256 value,
        uint40 maturity,
        QuoteTerms memory terms,
        uint256 at
    ) private pure returns (Pricing memory p) {
        if (at >= maturity) revert FinancingTooLate(maturity);
        if (terms.dayCount == DayCount.None) revert FinancingInvalidTerms("dayCount");
        p.value = value;
        p.daysToMaturity = Math.ceilDiv(maturity - at, 1 days);
        uint256 basis = terms.dayCount == DayCount.Act360 ? 360 : 365;
        p.interest = Math.mulDiv(value, uint256(terms.rateBps) * p.daysToMaturity, basis * 10_000);
        p.fee = terms.fee;
        uint256 deductions = p.interest + p.fee;
        if (deductions >= value) revert FinancingInvalidTerms("price");
        // Cannot underflow: checked just above.
        unchecked {
            p.price = value - deductions;
        }
    }

    /// @dev Quotes close after now and before maturity; a sealed request's reveal window follows, also before maturity.
    function _requireWindow(
        uint40 maturity,
        bool sealedQuotes,
        uint40 quoteDeadline,
        uint40 revealDeadline
    ) private view {
        if (quoteDeadline <= block.timestamp || quoteDeadline >= maturity) revert FinancingInvalidTerms("deadline");
        if (sealedQuotes) {
            if (revealDeadline <= quoteDeadline || revealDeadline >= maturity) {
                revert FinancingInvalidTerms("revealDeadline");
            }
        } else if (revealDeadline != 0) {
            revert FinancingInvalidTerms("revealDeadline");
        }
    }

    /// @dev Records the banks asked: 1 to MAX_BANKS distinct active FINANCIER members, none the supplier itself.
    function _recordBanks(uint256 requestId, uint32[] calldata banks, uint32 supplier) private {
        FinancingRequestsStorage storage $ = _getFinancingRequestsStorage();
        uint256 count = banks.length;
        if (count == 0 || count > MAX_BANKS) revert FinancingInvalidTerms("banks");
        mapping(uint32 => bool) storage asked = $._asked[requestId];
        for (uint256 i; i < count; ++i) {
            uint32 bank = banks[i];
            if (bank == supplier || asked[bank]) revert FinancingInvalidTerms("banks");
            _requireMemberRole(bank, Roles.FINANCIER);
            asked[bank] = true;
        }
        $._banks[requestId] = banks;
    }

    /// @dev Sealed quotes are compared only once every sealed quote that can still become known is known: after the
    /// reveal deadline, or earlier once every bank that committed has revealed or withdrawn. Otherwise the holder could
    /// take the first revealed quote while a better one is still sealed, and an early revealer could steer it.
    function _requireRevealsClosed(uint256 requestId, Request storage r) private view {
        if (block.timestamp <= r.quoteDeadline) revert FinancingTooEarly(uint256(r.quoteDeadline) + 1);
        uint40 revealDeadline = r.revealDeadline;
        if (block.timestamp <= revealDeadline && _getFinancingRequestsStorage()._pendingReveals[requestId] != 0) {
            revert FinancingTooEarly(uint256(revealDeadline) + 1);
        }
    }

    /// @dev Terms a bank may quote on `r`: a known convention, a rate up to 100 %, valid past now and before
    /// maturity, and a positive price if accepted now (acceptance later only shortens the days).
    function _validateTerms(Request storage r, QuoteTerms calldata terms) private view {
        if (terms.rateBps > MAX_RATE_BPS) revert FinancingInvalidTerms("rateBps");
        if (terms.validUntil <= block.timestamp || terms.validUntil >= r.maturity) {
            revert FinancingInvalidTerms("validUntil");
        }
        _price(r.value, r.maturity, terms, block.timestamp);
    }

    function _commitment(
        uint256 requestId,
        uint32 bank,
        QuoteTerms calldata terms,
        bytes32 salt
    ) private view returns (bytes32) {
        return keccak256(abi.encode(address(this), requestId, bank, terms, salt));
    }

    /// @dev The certificate is as it was at request time: same owner (and epoch: no change of owner in between),
    /// value, maturity, nothing locked in it (no discount offer, transfer offer or pledge) and no freeze order.
    function _requireUnchanged(uint256 requestId, Request storage r) private view {
        uint256 tokenId = r.tokenId;
        IReceivableCertificate.Certificate memory c = _certificates.certificate(tokenId);
        if (
            c.owner != r.holder ||
            c.epoch != r.epoch ||
            c.value != r.certificateValue ||
            c.maturity != r.maturity ||
            c.locked != 0
        ) revert FinancingCertificateChanged(requestId, tokenId);
        if (IFreezable(address(_certificates)).freezeCount(address(0), tokenId) != 0) {
            revert FinancingCertificateFrozen(tokenId);
        }
    }

    /// @dev The bank's receivable-financing attestation policy, as the certificate applies it to a discount.
    function _requireBacked(uint32 bank, uint256 receivableId) private view {
        if (address(_attestations) == address(0)) return;
        IAuthorityAttestations.Application app = IAuthorityAttestations.Application.ReceivableFinancing;
        if (_attestations.policyOf(bank, app) == 0) return;
        _attestations.requireBacked(bank, app, _desk.receivable(receivableId).invoiceKey);
    }

    /// @dev The caller's bank, which must be an active FINANCIER asked on the request.
    function _askedBank(uint256 requestId) private view returns (uint32 bank) {
        bank = _authorizeAccount(msg.sender, Roles.FINANCIER);
        if (!_getFinancingRequestsStorage()._asked[requestId][bank]) revert FinancingBankNotAsked(requestId, bank);
    }

    function _openRequest(uint256 requestId) private view returns (Request storage r) {
        r = _getFinancingRequestsStorage()._requests[requestId];
        RequestStatus status = r.status;
        if (status == RequestStatus.None) revert FinancingUnknownRequest(requestId);
        if (status != RequestStatus.Open) revert FinancingWrongStatus(requestId, status);
    }

    /// @dev The member must be active and hold `role`.
    function _requireMemberRole(uint32 memberId, uint64 role) private view {
        (, IConsortiumRegistry.MemberStatus status, uint64 roles) = registry().memberProfile(memberId);
        if (status != IConsortiumRegistry.MemberStatus.Active || roles & role == 0) {
            revert FinancingIneligibleMember(memberId, role);
        }
    }

    function _wrongParty(address caller, uint32 member, uint32 expected) private pure {
        revert FinancingWrongParty(caller, member, expected);
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getFinancingRequestsStorage() private pure returns (FinancingRequestsStorage storage $) {
        assembly ("memory-safe") {
            $.slot := FINANCING_REQUESTS_STORAGE_LOCATION
        }
    }
}
