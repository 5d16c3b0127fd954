// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardUpgradeable.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {IDepositToken} from "../platform/interfaces/IDepositToken.sol";
import {IFreezable} from "../platform/interfaces/IFreezable.sol";
import {IPaymentLedger} from "../platform/interfaces/IPaymentLedger.sol";
import {Roles} from "../platform/libraries/Roles.sol";
import {Settlement} from "../platform/Settlement.sol";
import {IMaturityArrangements, IPartPaymentHook} from "./interfaces/IMaturityArrangements.sol";
import {IReceivableCertificate} from "./interfaces/IReceivableCertificate.sol";
import {IReceivableDesk} from "./interfaces/IReceivableDesk.sol";
import {IRecourseClaims} from "./interfaces/IRecourseClaims.sol";

/// @title MaturityArrangements
/// @notice Part payment of a receivable at maturity, distributed pro rata without a loop over holders. See
/// `IMaturityArrangements`.
/// @dev A registry system contract (it holds the part payments until claimed). Bound once to the certificate, which
/// lets this contract alone pay a certificate down and asks it before every burn.
contract MaturityArrangements is IMaturityArrangements, Settlement, ReentrancyGuardUpgradeable {
    /// @notice Scale of the surviving fraction.
    uint256 public constant RAY = 1e27;
    /// @notice Roles that may hold certificates (as in the certificate contract).
    uint64 private constant HOLDER_ROLES = Roles.RECEIVABLE_HOLDER | Roles.FINANCIER | Roles.SYSTEM;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IReceivableDesk private immutable _desk;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IReceivableCertificate private immutable _certificates;

    /// @custom:storage-location erc7201:consortia.storage.MaturityArrangements
    struct MaturityArrangementsStorage {
        mapping(uint256 receivableId => PartPayments) _parts;
        /// @dev The surviving fraction a certificate last claimed at (0: never claimed, read as RAY). A certificate
        /// born after a part payment (a pledge taken at default) is carved from value that never claimed (claims are
        /// held while value is locked), so it rightly starts at RAY too.
        mapping(uint256 tokenId => uint96) _claimedAt;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.MaturityArrangements")) - 1))
    //     & ~bytes32(uint256(0xff))
    bytes32 private constant MATURITY_ARRANGEMENTS_STORAGE_LOCATION =
        0x24aa2a246ca534240a831a0d5d1002aed07932f50be712f269ed0c07b1977e00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IDepositToken token_,
        IPaymentLedger ledger_,
        IReceivableDesk desk_,
        IReceivableCertificate certificates_
    ) Settlement(registry_, token_, ledger_) {
        if (address(desk_) == address(0)) revert InvalidValue("desk");
        if (address(certificates_) == address(0)) revert InvalidValue("certificates");
        _desk = desk_;
        _certificates = certificates_;
    }

    /// @notice Initializes the proxy (run once, by the proxy's constructor).
    function initialize() external initializer {
        __ConsortiumApp_init();
        __ReentrancyGuard_init();
    }

    // ------------------------------------------------------------------ part payment

    /// @inheritdoc IMaturityArrangements
    function pay(uint256 receivableId, uint256 amount) external whenNotPaused nonReentrant {
        IReceivableDesk.Receivable memory r = _desk.receivable(receivableId);
        _requireObligor(receivableId, r.obligor);
        // Not once the guarantee is called: the guarantor pays holders then (off chain, or funding), and a share paid
        // in meanwhile would pay a holder twice for the value the guarantor pays. The obligor pays the guarantor.
        if (r.status == IReceivableDesk.ReceivableStatus.GuaranteeCalled) {
            revert ArrangementWrongStatus(receivableId, r.status);
        }
        _requireUnpaid(receivableId, r.status);
        if (block.timestamp < r.maturity) revert ArrangementTooEarly(r.maturity);
        PartPayments storage p = _getMaturityArrangementsStorage()._parts[receivableId];
        uint256 outstanding = _unpaid(r, p);
        // Less than all of it: paying everything is funding (`desk.fund`), which redeems every certificate.
        if (amount == 0 || amount >= outstanding) revert ArrangementInvalidAmount(amount, outstanding);
        // Rounded up: a larger surviving fraction means smaller shares, so shares never exceed what was paid in.
        // Never zero: outstanding - amount >= 1 and the fraction before is >= 1.
        uint256 survival = Math.mulDiv(_survival(p), outstanding - amount, outstanding, Math.Rounding.Ceil);
        p.survival = uint96(survival);
        // Cannot overflow: paid in stays below the face value (a uint88); 2^32 payments are out of reach.
        unchecked {
            p.paidIn += uint88(amount);
            ++p.payments;
        }
        emit PartPaymentMade(receivableId, r.obligor, msg.sender, amount, outstanding, survival);
        _pullToEscrow(msg.sender, amount);
    }

    /// @inheritdoc IMaturityArrangements
    function claim(uint256 tokenId) external whenNotPaused nonReentrant returns (uint256 share) {
        MaturityArrangementsStorage storage $ = _getMaturityArrangementsStorage();
        IReceivableCertificate.Certificate memory c = _certificates.certificate(tokenId);
        // The recourse contract (no account) claims the share for the holder as a recourse claim is exercised.
        address recourse = _certificates.recourse();
        if (msg.sender != recourse) _authorize(Roles.MEMBER);
        if (c.owner == address(0)) revert ArrangementNoShare(tokenId);
        _requireUnpaid(c.slot, _desk.receivable(c.slot).status);
        PartPayments storage p = $._parts[c.slot];
        share = _shareOf(tokenId, c.value, p);
        if (share == 0) revert ArrangementNoShare(tokenId);
        // Held, not paid: the share stays here until the lock, the order, the holder's standing or the recourse claim
        // no longer stands in the way (or goes back to the obligor if the receivable is funded meanwhile, the escrow
        // then paying the certificate's whole value).
        if (c.locked != 0) revert ArrangementShareHeld(tokenId, "locked");
        if (IFreezable(address(_certificates)).freezeCount(address(0), tokenId) != 0) {
            revert ArrangementShareHeld(tokenId, "frozen");
        }
        if (!registry().isAuthorized(c.owner, HOLDER_ROLES)) revert ArrangementShareHeld(tokenId, "holder");
        _requireNoOpenRecourse(tokenId, recourse);
        // Never more than the pool holds: rounding dust of earlier claims can make the last share short by units.
        uint256 pool = p.paidIn - p.claimed;
        if (share > pool) share = pool;
        if (share == 0) revert ArrangementNoShare(tokenId);
        $._claimedAt[tokenId] = p.survival;
        // Cannot overflow: claimed <= paid in (capped just above).
        unchecked {
            p.claimed += uint88(share);
        }
        uint32 holderMember = registry().memberOf(c.owner);
        emit PartPaymentShareClaimed(c.slot, tokenId, c.owner, holderMember, share, c.value - share, msg.sender);
        // The certificate refuses locked or frozen value, and paying all of it down.
        _certificates.payDown(tokenId, share);
        _payFromEscrow(c.owner, share);
    }

    /// @inheritdoc IMaturityArrangements
    function refund(uint256 receivableId) external whenNotPaused nonReentrant returns (uint256 amount) {
        IReceivableDesk.Receivable memory r = _desk.receivable(receivableId);
        _requireObligor(receivableId, r.obligor);
        // Funded (the escrow pays every certificate its whole value, so no share is claimed any more) or settled.
        IReceivableDesk.ReceivableStatus status = r.status;
        if (status != IReceivableDesk.ReceivableStatus.Funded && status != IReceivableDesk.ReceivableStatus.Settled) {
            revert ArrangementNothingToRefund(receivableId);
        }
        PartPayments storage p = _getMaturityArrangementsStorage()._parts[receivableId];
        amount = p.paidIn - p.claimed - p.refunded;
        if (amount == 0) revert ArrangementNothingToRefund(receivableId);
        // Cannot overflow: claimed + refunded <= paid in.
        unchecked {
            p.refunded += uint88(amount);
        }
        emit PartPaymentsRefunded(receivableId, msg.sender, amount);
        _payFromEscrow(msg.sender, amount);
    }

    /// @inheritdoc IPartPaymentHook
    function beforeBurn(uint256 tokenId, uint256 receivableId, uint256 value) external view {
        PartPayments storage p = _getMaturityArrangementsStorage()._parts[receivableId];
        if (p.survival == 0) return;
        uint256 share = _shareOf(tokenId, value, p);
        if (share == 0) return;
        if (_desk.receivable(receivableId).status == IReceivableDesk.ReceivableStatus.Funded) return;
        revert ArrangementShareUnclaimed(tokenId, share);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IMaturityArrangements
    function shareOf(uint256 tokenId) external view returns (uint256) {
        IReceivableCertificate.Certificate memory c = _certificates.certificate(tokenId);
        if (c.owner == address(0)) return 0;
        return _shareOf(tokenId, c.value, _getMaturityArrangementsStorage()._parts[c.slot]);
    }

    /// @inheritdoc IMaturityArrangements
    function partPaymentsOf(uint256 receivableId) external view returns (PartPayments memory) {
        return _getMaturityArrangementsStorage()._parts[receivableId];
    }

    /// @inheritdoc IMaturityArrangements
    function unpaidOf(uint256 receivableId) external view returns (uint256) {
        IReceivableDesk.Receivable memory r = _desk.receivable(receivableId);
        IReceivableDesk.ReceivableStatus status = r.status;
        if (status == IReceivableDesk.ReceivableStatus.Funded || status == IReceivableDesk.ReceivableStatus.Settled) {
            return 0;
        }
        if (r.obligor == 0 || r.rootTokenId == 0) return 0;
        return _unpaid(r, _getMaturityArrangementsStorage()._parts[receivableId]);
    }

    /// @inheritdoc IMaturityArrangements
    function desk() external view returns (IReceivableDesk) {
        return _desk;
    }

    /// @inheritdoc IMaturityArrangements
    function certificates() external view returns (IReceivableCertificate) {
        return _certificates;
    }

    // ------------------------------------------------------------------ internals

    /// @dev Face value not redeemed (certificates' values add up to it), less shares paid in and not yet claimed.
    function _unpaid(IReceivableDesk.Receivable memory r, PartPayments storage p) private view returns (uint256) {
        return uint256(r.faceValue) - r.redeemed - (p.paidIn - p.claimed);
    }

    function _survival(PartPayments storage p) private view returns (uint256 survival) {
        survival = p.survival;
        if (survival == 0) survival = RAY;
    }

    /// @dev value - value * survival / claimedAt, the unpaid rest rounded up (so the share rounds down). The
    /// surviving fraction only falls, so it is at most the one the certificate claimed at: the share is below value.
    function _shareOf(uint256 tokenId, uint256 value, PartPayments storage p) private view returns (uint256) {
        uint256 survival = p.survival;
        if (survival == 0) return 0;
        uint256 claimedAt = _getMaturityArrangementsStorage()._claimedAt[tokenId];
        if (claimedAt == 0) claimedAt = RAY;
        return value - Math.mulDiv(value, survival, claimedAt, Math.Rounding.Ceil);
    }

    function _requireObligor(uint256 receivableId, uint32 obligor) private view {
        if (obligor == 0) revert ArrangementWrongStatus(receivableId, IReceivableDesk.ReceivableStatus.None);
        uint32 member = _authorize(Roles.RECEIVABLE_OBLIGOR);
        if (member != obligor) revert ArrangementWrongParty(msg.sender, member, obligor);
    }

    /// @dev Unpaid: `Active` (from maturity on), `Overdue` or `GuaranteeCalled`; not funded, not settled.
    function _requireUnpaid(uint256 receivableId, IReceivableDesk.ReceivableStatus status) private pure {
        if (
            status != IReceivableDesk.ReceivableStatus.Active &&
            status != IReceivableDesk.ReceivableStatus.Overdue &&
            status != IReceivableDesk.ReceivableStatus.GuaranteeCalled
        ) revert ArrangementWrongStatus(receivableId, status);
    }

    /// @dev A recourse claim exercised on the certificate and not yet honoured or discharged holds its share: the
    /// honour needs the value claimed to be there (and returns the certificate with its share to the seller).
    function _requireNoOpenRecourse(uint256 tokenId, address recourse) private view {
        if (recourse == address(0)) return;
        uint256 latest = IRecourseClaims(recourse).latestClaimOf(tokenId);
        if (latest != 0 && IRecourseClaims(recourse).claimOf(latest).status == IRecourseClaims.ClaimStatus.Exercised) {
            revert ArrangementShareHeld(tokenId, "recourse");
        }
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getMaturityArrangementsStorage() private pure returns (MaturityArrangementsStorage storage $) {
        assembly {
            $.slot := MATURITY_ARRANGEMENTS_STORAGE_LOCATION
        }
    }
}
