// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ReentrancyGuardUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardUpgradeable.sol";
import {Settlement} from "../platform/Settlement.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {IDepositToken} from "../platform/interfaces/IDepositToken.sol";
import {IFinancedDocuments} from "../platform/interfaces/IFinancedDocuments.sol";
import {IIssuanceLimits} from "./interfaces/IIssuanceLimits.sol";
import {IPaymentLedger} from "../platform/interfaces/IPaymentLedger.sol";
import {Roles} from "../platform/libraries/Roles.sol";
import {DocumentKinds, DocumentRef} from "../platform/types/DocumentRef.sol";
import {IReceivableCertificate} from "./interfaces/IReceivableCertificate.sol";
import {IReceivableDesk} from "./interfaces/IReceivableDesk.sol";

/// @title ReceivableDesk
/// @notice Registration, confirmation, issue, sign-off transfers, discounting, pledges, guarantees, funding and
/// redemption of receivables whose certificates live in `ReceivableCertificate` (the desk is its only minter).
/// @dev Holds the settlement tokens escrowed for holders, so it must be a registry system contract. Offers and
/// pledges lock value inside the holder's certificate instead of moving it into escrow: the value never leaves its
/// tree until the counterparty takes it, and a refusal or expiry just unlocks it.
contract ReceivableDesk is IReceivableDesk, Settlement, ReentrancyGuardUpgradeable {
    /// @notice Time after maturity within which the obligor may fund before the receivable can be marked overdue.
    uint40 public constant GRACE_PERIOD = 1 days;
    /// @notice Roles that may hold certificates (as in the certificate contract).
    uint64 private constant HOLDER_ROLES = Roles.RECEIVABLE_HOLDER | Roles.FINANCIER | Roles.SYSTEM;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IReceivableCertificate private immutable _certificates;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IFinancedDocuments private immutable _documents;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IIssuanceLimits private immutable _limits;

    /// @custom:storage-location erc7201:consortia.storage.ReceivableDesk
    struct ReceivableDeskStorage {
        /// @dev Counters packed in one slot.
        uint48 _receivableCount;
        uint48 _transferOfferCount;
        uint48 _discountOfferCount;
        uint48 _pledgeCount;
        mapping(uint256 receivableId => Receivable) _receivables;
        mapping(bytes32 invoiceKey => uint256 receivableId) _invoices;
        mapping(uint32 obligor => uint32 bank) _payingBanks;
        mapping(uint256 offerId => TransferOffer) _transferOffers;
        mapping(uint256 offerId => DiscountOffer) _discountOffers;
        mapping(uint256 pledgeId => Pledge) _pledges;
        /// @dev keccak256(abi.encode(paymentReference, value)) a holder acknowledged for a certificate.
        mapping(uint256 tokenId => bytes32) _acknowledgedPayments;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.ReceivableDesk")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant RECEIVABLE_DESK_STORAGE_LOCATION =
        0xd688cb9e954321ec28fbdfebd9f926fa68c16a7bb9c8f3ea5e3ad987356df800;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IDepositToken token_,
        IPaymentLedger ledger_,
        IReceivableCertificate certificates_,
        IFinancedDocuments documents_,
        IIssuanceLimits limits_
    ) Settlement(registry_, token_, ledger_) {
        if (address(certificates_) == address(0)) revert InvalidValue("certificates");
        if (address(documents_) == address(0)) revert InvalidValue("documents");
        _certificates = certificates_;
        _documents = documents_;
        if (address(limits_) == address(0)) revert InvalidValue("limits");
        _limits = limits_;
    }

    /// @notice Initializes the proxy (run once, by the proxy's constructor).
    function initialize() external initializer {
        __ConsortiumApp_init();
        __ReentrancyGuard_init();
    }

    // ------------------------------------------------------------------ registration and issue

    /// @inheritdoc IReceivableDesk
    function register(ReceivableTerms calldata terms) external whenNotPaused returns (uint256 receivableId) {
        uint32 creditor = _authorize(Roles.RECEIVABLE_HOLDER);
        receivableId = _record(terms, creditor, msg.sender, ReceivableStatus.Registered);
    }

    /// @inheritdoc IReceivableDesk
    function confirm(uint256 receivableId) external whenNotPaused returns (uint256 rootTokenId) {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        Receivable storage r = $._receivables[receivableId];
        _requireObligor(receivableId, r);
        _requireStatus(receivableId, r.status, ReceivableStatus.Registered);
        if (block.timestamp >= r.maturity) _tooLate(r.maturity);
        rootTokenId = _activate(receivableId, r, false);
    }

    /// @inheritdoc IReceivableDesk
    function reject(uint256 receivableId, bytes32 reasonHash) external whenNotPaused {
        Receivable storage r = _getReceivableDeskStorage()._receivables[receivableId];
        uint32 obligor = _requireObligor(receivableId, r);
        _withdraw(receivableId, r, ReceivableStatus.Rejected);
        emit ReceivableRejected(receivableId, obligor, reasonHash);
    }

    /// @inheritdoc IReceivableDesk
    function cancel(uint256 receivableId) external whenNotPaused {
        Receivable storage r = _getReceivableDeskStorage()._receivables[receivableId];
        _requireKnown(receivableId, r);
        uint32 member = _authorize(Roles.RECEIVABLE_HOLDER);
        if (member != r.creditor) _wrongParty(msg.sender, member, r.creditor);
        _withdraw(receivableId, r, ReceivableStatus.Cancelled);
        emit ReceivableCancelled(receivableId, member);
    }

    /// @inheritdoc IReceivableDesk
    function issue(
        ReceivableTerms calldata terms,
        address creditorAccount
    ) external whenNotPaused returns (uint256 receivableId, uint256 rootTokenId) {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        uint32 obligor = _authorize(Roles.RECEIVABLE_OBLIGOR);
        if (terms.obligor != obligor) _wrongParty(msg.sender, obligor, terms.obligor);
        uint32 creditor = _authorizeAccount(creditorAccount, Roles.RECEIVABLE_HOLDER);
        receivableId = _record(terms, creditor, creditorAccount, ReceivableStatus.Active);
        rootTokenId = _activate(receivableId, $._receivables[receivableId], true);
    }

    // ------------------------------------------------------------------ guarantee and payment setup

    /// @inheritdoc IReceivableDesk
    function requestGuarantee(uint256 receivableId, uint32 bank) external whenNotPaused {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        Receivable storage r = $._receivables[receivableId];
        uint32 obligor = _requireObligor(receivableId, r);
        _requireStatus(receivableId, r.status, ReceivableStatus.Active);
        if (r.guarantor != 0) revert ReceivableGuarantee(receivableId, r.guarantor);
        if (bank != 0) {
            if (bank == obligor) _wrongParty(msg.sender, bank, 0);
            _requireMemberRole(bank, Roles.GUARANTOR);
        }
        r.guaranteeRequest = bank;
        emit GuaranteeRequested(receivableId, obligor, bank, msg.sender);
    }

    /// @inheritdoc IReceivableDesk
    function guarantee(uint256 receivableId) external whenNotPaused {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        Receivable storage r = $._receivables[receivableId];
        _requireKnown(receivableId, r);
        uint32 bank = _authorize(Roles.GUARANTOR);
        _requireStatus(receivableId, r.status, ReceivableStatus.Active);
        if (block.timestamp >= r.maturity) _tooLate(r.maturity);
        if (r.guarantor != 0) revert ReceivableGuarantee(receivableId, r.guarantor);
        // Consent: a bank attaches itself as guarantor only at the obligor's request.
        uint32 requested = r.guaranteeRequest;
        if (bank != requested) revert ReceivableGuaranteeNotRequested(receivableId, bank, requested);
        r.guarantor = bank;
        r.guaranteeRequest = 0;
        emit ReceivableGuaranteed(receivableId, bank, msg.sender);
    }

    /// @inheritdoc IReceivableDesk
    function setPayingBank(uint32 bank) external whenNotPaused {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        uint32 obligor = _authorize(Roles.RECEIVABLE_OBLIGOR);
        if (bank != 0) _requireMemberRole(bank, Roles.PAYMENT_BANK);
        $._payingBanks[obligor] = bank;
        emit PayingBankSet(obligor, bank);
    }

    // ------------------------------------------------------------------ sign-off transfers

    /// @inheritdoc IReceivableDesk
    function offerTransfer(
        uint256 tokenId,
        address to,
        uint256 value,
        uint40 deadline
    ) external whenNotPaused returns (uint256 offerId) {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        (address holder, , uint40 maturity) = _requireHolder(tokenId);
        if (to == holder) _wrongParty(to, 0, 0);
        _authorizeAccount(to, HOLDER_ROLES);
        _requireDeadline(deadline, maturity);
        _certificates.lock(tokenId, value);
        // Cannot overflow: 2^48 offers are out of reach.
        unchecked {
            offerId = ++$._transferOfferCount;
        }
        $._transferOffers[offerId] = TransferOffer({
            tokenId: uint48(tokenId),
            to: to,
            deadline: deadline,
            status: OfferStatus.Pending,
            value: uint88(value),
            offeror: msg.sender
        });
        emit TransferOffered(offerId, tokenId, to, holder, value, deadline);
    }

    /// @inheritdoc IReceivableDesk
    function acceptTransfer(uint256 offerId) external whenNotPaused nonReentrant returns (uint256 newTokenId) {
        TransferOffer storage o = _pendingTransfer(offerId);
        if (msg.sender != o.to) _wrongParty(msg.sender, 0, 0);
        if (block.timestamp > o.deadline) _tooLate(o.deadline);
        _requireOfferorStanding(o.tokenId, o.offeror);
        o.status = OfferStatus.Accepted;
        newTokenId = _certificates.takeLocked(o.tokenId, msg.sender, o.value);
        emit TransferOfferClosed(offerId, OfferStatus.Accepted, newTokenId, 0);
    }

    /// @inheritdoc IReceivableDesk
    function refuseTransfer(uint256 offerId, bytes32 reasonHash) external whenNotPaused {
        TransferOffer storage o = _pendingTransfer(offerId);
        if (msg.sender != o.to) _wrongParty(msg.sender, 0, 0);
        _authorize(Roles.MEMBER);
        o.status = OfferStatus.Refused;
        _certificates.unlock(o.tokenId, o.value);
        emit TransferOfferClosed(offerId, OfferStatus.Refused, 0, reasonHash);
    }

    /// @inheritdoc IReceivableDesk
    function cancelTransfer(uint256 offerId) external whenNotPaused {
        TransferOffer storage o = _pendingTransfer(offerId);
        OfferStatus status = _closingStatus(o.tokenId, o.deadline);
        o.status = status;
        _certificates.unlock(o.tokenId, o.value);
        emit TransferOfferClosed(offerId, status, 0, 0);
    }

    // ------------------------------------------------------------------ discount

    /// @inheritdoc IReceivableDesk
    function offerDiscount(
        uint256 tokenId,
        uint256 value,
        uint32 financier,
        uint256 price,
        uint40 deadline
    ) external whenNotPaused returns (uint256 offerId) {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        (address holder, uint32 holderMember, uint40 maturity) = _requireHolder(tokenId);
        _requireMemberRole(financier, Roles.FINANCIER);
        if (financier == holderMember) _wrongParty(msg.sender, holderMember, financier);
        if (price == 0 || price > value) _invalidTerms("price");
        _requireDeadline(deadline, maturity);
        _certificates.lock(tokenId, value);
        // Cannot overflow: 2^48 offers are out of reach.
        unchecked {
            offerId = ++$._discountOfferCount;
        }
        $._discountOffers[offerId] = DiscountOffer({
            tokenId: uint48(tokenId),
            financier: financier,
            deadline: deadline,
            status: OfferStatus.Pending,
            value: uint88(value),
            price: uint88(price),
            offeror: msg.sender
        });
        emit DiscountOffered(offerId, tokenId, financier, holder, value, price, deadline);
    }

    /// @inheritdoc IReceivableDesk
    function acceptDiscount(
        uint256 offerId,
        bytes32 paymentReference
    ) external whenNotPaused nonReentrant returns (uint256 newTokenId) {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        DiscountOffer storage o = $._discountOffers[offerId];
        if (o.status != OfferStatus.Pending) revert ReceivableOfferWrongStatus(offerId, o.status);
        uint32 bank = _authorize(Roles.FINANCIER);
        if (bank != o.financier) _wrongParty(msg.sender, bank, o.financier);
        if (block.timestamp > o.deadline) _tooLate(o.deadline);
        uint256 tokenId = o.tokenId;
        (address holder, uint32 holderMember) = _requireOfferorStanding(tokenId, o.offeror);
        o.status = OfferStatus.Accepted;
        newTokenId = _certificates.takeLocked(tokenId, msg.sender, o.value);
        emit DiscountAccepted(offerId, newTokenId, msg.sender, o.price, paymentReference);
        _settle(msg.sender, bank, holder, holderMember, o.price, paymentReference);
    }

    /// @inheritdoc IReceivableDesk
    function cancelDiscount(uint256 offerId) external whenNotPaused {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        DiscountOffer storage o = $._discountOffers[offerId];
        if (o.status != OfferStatus.Pending) revert ReceivableOfferWrongStatus(offerId, o.status);
        OfferStatus status = _closingStatus(o.tokenId, o.deadline);
        o.status = status;
        _certificates.unlock(o.tokenId, o.value);
        emit DiscountOfferClosed(offerId, status);
    }

    // ------------------------------------------------------------------ pledge

    /// @inheritdoc IReceivableDesk
    function pledge(
        uint256 tokenId,
        uint256 value,
        uint32 pledgee,
        uint40 dueDate
    ) external whenNotPaused returns (uint256 pledgeId) {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        (address holder, uint32 holderMember, ) = _requireHolder(tokenId);
        _requireMemberRole(pledgee, Roles.FINANCIER);
        if (pledgee == holderMember) _wrongParty(msg.sender, holderMember, pledgee);
        if (dueDate <= block.timestamp) _tooLate(dueDate);
        _certificates.lock(tokenId, value);
        // Cannot overflow: 2^48 pledges are out of reach.
        unchecked {
            pledgeId = ++$._pledgeCount;
        }
        $._pledges[pledgeId] = Pledge({
            tokenId: uint48(tokenId),
            pledgee: pledgee,
            dueDate: dueDate,
            status: PledgeStatus.Active,
            value: uint88(value)
        });
        emit Pledged(pledgeId, tokenId, pledgee, holder, value, dueDate);
    }

    /// @inheritdoc IReceivableDesk
    function releasePledge(uint256 pledgeId) external whenNotPaused {
        Pledge storage p = _activePledge(pledgeId);
        p.status = PledgeStatus.Released;
        _certificates.unlock(p.tokenId, p.value);
        emit PledgeReleased(pledgeId);
    }

    /// @inheritdoc IReceivableDesk
    function takePledge(uint256 pledgeId) external whenNotPaused nonReentrant returns (uint256 newTokenId) {
        Pledge storage p = _activePledge(pledgeId);
        if (block.timestamp < p.dueDate) _tooEarly(p.dueDate);
        p.status = PledgeStatus.Taken;
        newTokenId = _certificates.takeLocked(p.tokenId, msg.sender, p.value);
        emit PledgeTaken(pledgeId, newTokenId, msg.sender);
    }

    // ------------------------------------------------------------------ maturity

    /// @inheritdoc IReceivableDesk
    function fund(uint256 receivableId) external whenNotPaused nonReentrant {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        Receivable storage r = $._receivables[receivableId];
        uint32 obligor = _requireObligor(receivableId, r);
        ReceivableStatus status = r.status;
        if (status != ReceivableStatus.Active && status != ReceivableStatus.Overdue) {
            if (status != ReceivableStatus.GuaranteeCalled) revert ReceivableWrongStatus(receivableId, status);
        }
        _escrow(receivableId, r, obligor);
    }

    /// @inheritdoc IReceivableDesk
    function markOverdue(uint256 receivableId) external whenNotPaused {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        Receivable storage r = $._receivables[receivableId];
        _requireKnown(receivableId, r);
        _authorize(Roles.MEMBER);
        _requireStatus(receivableId, r.status, ReceivableStatus.Active);
        uint256 overdueAt = uint256(r.maturity) + GRACE_PERIOD;
        if (block.timestamp < overdueAt) _tooEarly(overdueAt);
        r.status = ReceivableStatus.Overdue;
        emit ReceivableOverdue(receivableId, r.faceValue - r.redeemed);
    }

    /// @inheritdoc IReceivableDesk
    function callGuarantee(uint256 tokenId) external whenNotPaused {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        (address holder, , ) = _requireHolder(tokenId);
        // Refused while the certificate's share of a part payment is unclaimed: the guarantor pays the rest only.
        uint256 receivableId = _certificates.certificateShareClaimed(tokenId).slot;
        Receivable storage r = $._receivables[receivableId];
        _requireStatus(receivableId, r.status, ReceivableStatus.Overdue);
        if (r.guarantor == 0) revert ReceivableGuarantee(receivableId, 0);
        r.status = ReceivableStatus.GuaranteeCalled;
        emit GuaranteeCalled(receivableId, r.guarantor, tokenId, holder);
    }

    /// @inheritdoc IReceivableDesk
    function honourGuarantee(uint256 receivableId) external whenNotPaused nonReentrant {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        Receivable storage r = $._receivables[receivableId];
        _requireKnown(receivableId, r);
        uint32 bank = _authorize(Roles.GUARANTOR);
        if (bank != r.guarantor) _wrongParty(msg.sender, bank, r.guarantor);
        _requireStatus(receivableId, r.status, ReceivableStatus.GuaranteeCalled);
        _escrow(receivableId, r, bank);
    }

    /// @inheritdoc IReceivableDesk
    function redeem(uint256 tokenId) external whenNotPaused nonReentrant {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        (, uint32 holderMember, ) = _requireHolder(tokenId);
        uint256 receivableId = _certificates.certificate(tokenId).slot;
        Receivable storage r = $._receivables[receivableId];
        _requireStatus(receivableId, r.status, ReceivableStatus.Funded);
        (address holder, uint256 value) = _certificates.burn(tokenId);
        // Cannot underflow: the escrow holds the outstanding value, of which this certificate is a part.
        unchecked {
            r.escrowed -= uint88(value);
        }
        _recordRedemption(receivableId, r, tokenId, holder, holderMember, value, 0);
        _payFromEscrow(holder, value);
    }

    /// @inheritdoc IReceivableDesk
    function payOffChain(uint256 tokenId, bytes32 paymentReference) external whenNotPaused nonReentrant {
        if (paymentReference == bytes32(0)) _invalidTerms("paymentReference");
        IReceivableCertificate.Certificate memory c = _certificates.certificate(tokenId);
        Receivable storage r = _getReceivableDeskStorage()._receivables[c.slot];
        ReceivableStatus status = r.status;
        uint32 payer = r.obligor;
        uint32 bank = _authorize(Roles.PAYMENT_BANK);
        if (status == ReceivableStatus.GuaranteeCalled && bank == r.guarantor) {
            // The guarantor is no paying bank of the obligor's choosing: its word alone does not end a holder's claim.
            if (
                _getReceivableDeskStorage()._acknowledgedPayments[tokenId] !=
                keccak256(abi.encode(paymentReference, c.value))
            ) {
                revert ReceivablePaymentNotAcknowledged(tokenId, paymentReference);
            }
            delete _getReceivableDeskStorage()._acknowledgedPayments[tokenId];
            payer = bank;
        } else if (bank != _getReceivableDeskStorage()._payingBanks[payer] || bank == 0) {
            _wrongParty(msg.sender, bank, _getReceivableDeskStorage()._payingBanks[payer]);
        }
        if (status != ReceivableStatus.Active && status != ReceivableStatus.Overdue) {
            if (status != ReceivableStatus.GuaranteeCalled) revert ReceivableWrongStatus(c.slot, status);
        }
        if (block.timestamp < r.maturity) _tooEarly(r.maturity);
        (address holder, uint256 value) = _certificates.burn(tokenId);
        uint32 holderMember = registry().memberOf(holder);
        _recordRedemption(c.slot, r, tokenId, holder, holderMember, value, paymentReference);
        _settle(address(0), payer, holder, holderMember, value, paymentReference);
    }

    /// @inheritdoc IReceivableDesk
    function recordPaidDown(uint256 receivableId, uint256 value) external {
        if (msg.sender != address(_certificates)) _wrongParty(msg.sender, 0, 0);
        Receivable storage r = _getReceivableDeskStorage()._receivables[receivableId];
        // Cannot overflow: a certificate is paid down by less than its value, a part of the face value not redeemed.
        unchecked {
            r.redeemed += uint88(value);
        }
        _limits.release(r.obligor, receivableId, value);
    }

    /// @inheritdoc IReceivableDesk
    function acknowledgeOffChainPayment(uint256 tokenId, bytes32 paymentReference) external whenNotPaused {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        if (paymentReference == bytes32(0)) _invalidTerms("paymentReference");
        // Refused while a share is unclaimed: the value acknowledged is what is left once the share is claimed.
        IReceivableCertificate.Certificate memory c = _certificates.certificateShareClaimed(tokenId);
        if (c.owner != msg.sender) revert ReceivableNotHolder(tokenId, msg.sender);
        _authorize(HOLDER_ROLES);
        if (block.timestamp < c.maturity) _tooEarly(c.maturity);
        $._acknowledgedPayments[tokenId] = keccak256(abi.encode(paymentReference, c.value));
        emit OffChainPaymentAcknowledged(tokenId, c.slot, msg.sender, c.value, paymentReference);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IReceivableDesk
    function certificates() external view returns (IReceivableCertificate) {
        return _certificates;
    }

    /// @inheritdoc IReceivableDesk
    function financedDocuments() external view returns (IFinancedDocuments) {
        return _documents;
    }

    /// @inheritdoc IReceivableDesk
    function issuanceLimits() external view returns (IIssuanceLimits) {
        return _limits;
    }

    /// @inheritdoc IReceivableDesk
    function receivable(uint256 receivableId) external view returns (Receivable memory) {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        return $._receivables[receivableId];
    }

    /// @inheritdoc IReceivableDesk
    function obligorOf(uint256 receivableId) external view returns (uint32) {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        return $._receivables[receivableId].obligor;
    }

    /// @inheritdoc IReceivableDesk
    function receivableOfInvoice(bytes32 invoiceKey) external view returns (uint256) {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        return $._invoices[invoiceKey];
    }

    /// @inheritdoc IReceivableDesk
    function payingBankOf(uint32 obligor) external view returns (uint32) {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        return $._payingBanks[obligor];
    }

    /// @inheritdoc IReceivableDesk
    function transferOffer(uint256 offerId) external view returns (TransferOffer memory) {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        return $._transferOffers[offerId];
    }

    /// @inheritdoc IReceivableDesk
    function discountOffer(uint256 offerId) external view returns (DiscountOffer memory) {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        return $._discountOffers[offerId];
    }

    /// @inheritdoc IReceivableDesk
    function pledgeOf(uint256 pledgeId) external view returns (Pledge memory) {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        return $._pledges[pledgeId];
    }

    /// @inheritdoc IReceivableDesk
    function receivableCount() external view returns (uint256) {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        return $._receivableCount;
    }

    // ------------------------------------------------------------------ internals

    /// @dev Ends a registration the obligor never confirmed (rejected, or withdrawn by its creditor). No certificate
    /// exists, so nothing was financed: the invoice is free again, here and in the suite's register.
    function _withdraw(uint256 receivableId, Receivable storage r, ReceivableStatus status) private {
        _requireStatus(receivableId, r.status, ReceivableStatus.Registered);
        r.status = status;
        bytes32 invoiceKey = r.invoiceKey;
        delete _getReceivableDeskStorage()._invoices[invoiceKey];
        _releaseInvoice(receivableId, invoiceKey, IFinancedDocuments.Closure.Cancelled);
    }

    /// @dev Ends the receivable's hold on its invoice in the suite's register (no financier consent: a receivable's
    /// hold names none).
    function _releaseInvoice(uint256 receivableId, bytes32 invoiceKey, IFinancedDocuments.Closure closure) private {
        _documents.release(invoiceKey, receivableId, closure, address(0));
    }

    /// @dev Validates terms, stores a new receivable and holds its invoice in the suite's register.
    function _record(
        ReceivableTerms calldata terms,
        uint32 creditor,
        address creditorAccount,
        ReceivableStatus status
    ) private returns (uint256 receivableId) {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        _validate(terms, creditor);
        // One invoice, one live receivable: the suite's register (held below for the face value) refuses an invoice a
        // receivable here or any other application holds, or one already paid.
        // Cannot overflow: 2^48 receivables are out of reach.
        unchecked {
            receivableId = ++$._receivableCount;
        }
        $._invoices[terms.invoiceKey] = receivableId;
        Receivable storage r = $._receivables[receivableId];
        r.obligor = terms.obligor;
        r.creditor = creditor;
        r.maturity = terms.maturity;
        r.status = status;
        r.currency = terms.currency;
        r.creditorAccount = creditorAccount;
        r.faceValue = terms.faceValue;
        r.invoiceKey = terms.invoiceKey;
        r.documentsHash = keccak256(abi.encode(terms.contractDoc, terms.invoiceDoc, terms.deliveryDoc));
        emit ReceivableRegistered(receivableId, creditor, terms.obligor, creditorAccount, terms);
        // Suite-wide: the invoice backs this receivable for its face value until it is paid or withdrawn.
        _documents.hold(terms.invoiceKey, receivableId, terms.faceValue, terms.currency, terms.faceValue, 0);
    }

    /// @dev Rejects incomplete or inconsistent terms.
    function _validate(ReceivableTerms calldata terms, uint32 creditor) private view {
        if (terms.faceValue == 0) _invalidTerms("faceValue");
        if (terms.maturity <= block.timestamp) _invalidTerms("maturity");
        if (terms.currency == bytes3(0)) _invalidTerms("currency");
        if (terms.invoiceKey == bytes32(0)) _invalidTerms("invoiceKey");
        if (terms.obligor == creditor) _invalidTerms("obligor");
        _requireDocument(terms.contractDoc, DocumentKinds.CONTRACT, "contractDoc");
        _requireDocument(terms.invoiceDoc, DocumentKinds.INVOICE, "invoiceDoc");
        _requireDocument(terms.deliveryDoc, DocumentKinds.DELIVERY, "deliveryDoc");
        _requireMemberRole(terms.obligor, Roles.RECEIVABLE_OBLIGOR);
    }

    function _requireDocument(DocumentRef calldata doc, uint16 kind, bytes32 field) private pure {
        if (doc.contentHash == bytes32(0) || doc.kind != kind) _invalidTerms(field);
    }

    /// @dev Mints the root certificate of an active receivable to its creditor.
    function _activate(uint256 receivableId, Receivable storage r, bool direct) private returns (uint256 rootTokenId) {
        r.status = ReceivableStatus.Active;
        // The obligor's banks' issuance limits must cover the face value (from the first limit a bank set).
        _limits.use(r.obligor, receivableId, r.faceValue);
        rootTokenId = _certificates.mint(r.creditorAccount, receivableId, r.maturity, r.faceValue);
        r.rootTokenId = uint48(rootTokenId);
        emit ReceivableConfirmed(receivableId, r.obligor, rootTokenId, msg.sender, direct);
    }

    /// @dev Escrows the outstanding value from the caller, paying for `payer`.
    function _escrow(uint256 receivableId, Receivable storage r, uint32 payer) private {
        uint256 outstanding = r.faceValue - r.redeemed;
        r.status = ReceivableStatus.Funded;
        r.escrowed = uint88(outstanding);
        emit ReceivableFunded(receivableId, payer, msg.sender, outstanding);
        _pullToEscrow(msg.sender, outstanding);
    }

    /// @dev Counts a redemption and settles the receivable once all of it is redeemed.
    function _recordRedemption(
        uint256 receivableId,
        Receivable storage r,
        uint256 tokenId,
        address holder,
        uint32 holderMember,
        uint256 value,
        bytes32 paymentReference
    ) private {
        // Cannot overflow: redeemed values are parts of the face value.
        unchecked {
            r.redeemed += uint88(value);
        }
        emit CertificateRedeemed(receivableId, tokenId, holder, holderMember, value, paymentReference);
        _limits.release(r.obligor, receivableId, value);
        if (r.redeemed == r.faceValue) {
            r.status = ReceivableStatus.Settled;
            emit ReceivableSettled(receivableId);
            _releaseInvoice(receivableId, r.invoiceKey, IFinancedDocuments.Closure.Paid);
        }
    }

    /// @dev The status a pending offer closes with when withdrawn: Cancelled by its holder before the deadline,
    /// Expired by anyone after it.
    function _closingStatus(uint256 tokenId, uint40 deadline) private view returns (OfferStatus) {
        if (block.timestamp > deadline) {
            _authorize(Roles.MEMBER);
            return OfferStatus.Expired;
        }
        if (!_certificates.isApprovedOrOwner(msg.sender, tokenId)) revert ReceivableNotHolder(tokenId, msg.sender);
        _authorize(HOLDER_ROLES);
        return OfferStatus.Cancelled;
    }

    /// @dev The caller acts for a certificate: it must be its owner or approved, and both it and the owner must be
    /// active holders.
    function _requireHolder(
        uint256 tokenId
    ) private view returns (address holder, uint32 holderMember, uint40 maturity) {
        IReceivableCertificate.Certificate memory c = _certificates.certificate(tokenId);
        holder = c.owner;
        if (holder == address(0) || !_certificates.isApprovedOrOwner(msg.sender, tokenId)) {
            revert ReceivableNotHolder(tokenId, msg.sender);
        }
        _authorize(HOLDER_ROLES);
        holderMember = _authorizeAccount(holder, HOLDER_ROLES);
        maturity = c.maturity;
    }

    /// @dev At the acceptance of an offer: the certificate's owner must still be in good standing, and so must the
    /// account that made the offer, which must also still be the owner or approved (an approval withdrawn since, or
    /// an operator suspended since, ends the offer's force). Returns the owner and its member.
    function _requireOfferorStanding(
        uint256 tokenId,
        address offeror
    ) private view returns (address holder, uint32 holderMember) {
        holder = _certificates.ownerOf(tokenId);
        holderMember = _authorizeAccount(holder, HOLDER_ROLES);
        if (offeror != holder) {
            if (!_certificates.isApprovedOrOwner(offeror, tokenId)) revert ReceivableNotHolder(tokenId, offeror);
            _authorizeAccount(offeror, HOLDER_ROLES);
        }
    }

    /// @dev The caller must be an account of the receivable's obligor.
    function _requireObligor(uint256 receivableId, Receivable storage r) private view returns (uint32 obligor) {
        obligor = r.obligor;
        if (obligor == 0) revert ReceivableUnknown(receivableId);
        uint32 member = _authorize(Roles.RECEIVABLE_OBLIGOR);
        if (member != obligor) _wrongParty(msg.sender, member, obligor);
    }

    function _pendingTransfer(uint256 offerId) private view returns (TransferOffer storage o) {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        o = $._transferOffers[offerId];
        if (o.status != OfferStatus.Pending) revert ReceivableOfferWrongStatus(offerId, o.status);
    }

    /// @dev A pledge still active, acted on by an account of its pledgee.
    function _activePledge(uint256 pledgeId) private view returns (Pledge storage p) {
        ReceivableDeskStorage storage $ = _getReceivableDeskStorage();
        p = $._pledges[pledgeId];
        if (p.status != PledgeStatus.Active) revert ReceivablePledgeWrongStatus(pledgeId, p.status);
        uint32 bank = _authorize(Roles.FINANCIER);
        if (bank != p.pledgee) _wrongParty(msg.sender, bank, p.pledgee);
    }

    /// @dev Offers must be answered strictly before maturity, and later than now.
    function _requireDeadline(uint40 deadline, uint40 maturity) private view {
        if (deadline <= block.timestamp || deadline >= maturity) _invalidTerms("deadline");
    }

    function _requireKnown(uint256 receivableId, Receivable storage r) private view {
        if (r.status == ReceivableStatus.None) revert ReceivableUnknown(receivableId);
    }

    function _requireStatus(uint256 receivableId, ReceivableStatus current, ReceivableStatus expected) private pure {
        if (current != expected) revert ReceivableWrongStatus(receivableId, current);
    }

    /// @dev The member must be active and hold `role` (one slot read: kind, status and roles, not the whole record).
    function _requireMemberRole(uint32 memberId, uint64 role) private view {
        (, IConsortiumRegistry.MemberStatus status, uint64 roles) = registry().memberProfile(memberId);
        if (status != IConsortiumRegistry.MemberStatus.Active || roles & role == 0) {
            revert ReceivableIneligibleMember(memberId, role);
        }
    }

    /// @dev Shared reverts: one copy of each error's encoding instead of one per check (the desk is near 24 KB).
    function _wrongParty(address caller, uint32 member, uint32 expected) private pure {
        revert ReceivableWrongParty(caller, member, expected);
    }

    function _invalidTerms(bytes32 field) private pure {
        revert ReceivableInvalidTerms(field);
    }

    function _tooLate(uint256 deadline) private pure {
        revert ReceivableTooLate(deadline);
    }

    function _tooEarly(uint256 notBefore) private pure {
        revert ReceivableTooEarly(notBefore);
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getReceivableDeskStorage() private pure returns (ReceivableDeskStorage storage $) {
        assembly ("memory-safe") {
            $.slot := RECEIVABLE_DESK_STORAGE_LOCATION
        }
    }
}
