// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {ERC721Utils} from "@openzeppelin/contracts/token/ERC721/utils/ERC721Utils.sol";
import {ERC165} from "@openzeppelin/contracts/utils/introspection/ERC165.sol";
import {ERC165Checker} from "@openzeppelin/contracts/utils/introspection/ERC165Checker.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {IAuthorityAttestations} from "../attestations/interfaces/IAuthorityAttestations.sol";
import {ConsortiumApp} from "../platform/ConsortiumApp.sol";
import {IBackedClaim} from "../platform/interfaces/IBackedClaim.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {IFreezable} from "../platform/interfaces/IFreezable.sol";
import {IFreezeOrders} from "../platform/interfaces/IFreezeOrders.sol";
import {ITransferableClaim} from "../platform/interfaces/ITransferableClaim.sol";
import {Roles} from "../platform/libraries/Roles.sol";
import {IERC3525} from "./interfaces/IERC3525.sol";
import {IERC3525Metadata} from "./interfaces/IERC3525Metadata.sol";
import {IERC3525Receiver} from "./interfaces/IERC3525Receiver.sol";
import {IReceivableCertificate} from "./interfaces/IReceivableCertificate.sol";
import {IReceivableDesk} from "./interfaces/IReceivableDesk.sol";
import {IPartPaymentHook} from "./interfaces/IMaturityArrangements.sol";

/// @title ReceivableCertificate
/// @notice ERC-3525 receivable certificates (slot = receivable, value = amount owed) with lineage, locks and
/// consortium eligibility on every move. Also an `ITransferableClaim`, so that the forfaiting market can trade a
/// whole certificate.
/// @dev Not enumerable: the indexer rebuilds holdings and lineage trees from `Transfer`, `TransferValue`,
/// `SlotChanged` and `CertificateDerived`, which keeps a split to about half the reference implementation's gas.
/// Each certificate is two storage slots. Approvals are keyed by an epoch that changes with every change of owner,
/// so a transfer voids them without touching their storage. External calls (registry views, receiver hooks) come
/// after every state change, so a receiver that re-enters sees the value already moved.
contract ReceivableCertificate is IReceivableCertificate, IBackedClaim, IFreezable, ConsortiumApp, ERC165 {
    using Strings for uint256;

    /// @notice Roles that may hold certificates: suppliers and enterprises, banks, and suite contracts.
    uint64 public constant HOLDER_ROLES = Roles.RECEIVABLE_HOLDER | Roles.FINANCIER | Roles.SYSTEM;
    /// @notice Largest value a certificate can carry (about 3.1e26 minor units).
    uint256 public constant MAX_VALUE = type(uint88).max;
    /// @notice Most operators holding a value allowance on one certificate at once (bounds the loop that voids them).
    uint256 public constant MAX_VALUE_APPROVALS = 8;

    string private constant NAME = "Consortia Receivable Certificate";
    string private constant SYMBOL = "CRC";

    /// @dev A network constant, the same for every proxy of an implementation.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    uint8 private immutable _valueDecimals;

    /// @dev The register of freeze orders (a network constant; zero on a network without one).
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IFreezeOrders private immutable _freezeOrders;

    /// @dev The authority attestations whose per-bank receivable-financing policy every take of locked value (discount
    /// acceptance, pledge take, accepted transfer) must meet (a network constant; zero on a network without one).
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IAuthorityAttestations private immutable _attestations;

    /// @custom:storage-location erc7201:consortia.storage.ReceivableCertificate
    struct ReceivableCertificateStorage {
        /// @dev Read together on every mint and split.
        address _desk;
        uint48 _lastTokenId;
        string _baseURI;
        mapping(uint256 tokenId => Certificate) _certificates;
        mapping(address owner => uint256) _balances;
        mapping(address owner => mapping(address operator => bool)) _operators;
        mapping(uint256 tokenId => TokenApproval) _tokenApprovals;
        mapping(uint256 tokenId => mapping(uint32 epoch => mapping(address operator => uint256))) _allowances;
        /// @dev Operators given a value allowance under an epoch, so that a change of owner can announce each voided
        /// one.
        mapping(uint256 tokenId => mapping(uint32 epoch => address[])) _valueOperators;
        /// @dev The account that initialized the proxy: the only one that may bind the desk, once.
        address _deployer;
        /// @dev Active freeze orders per certificate (the register is asked only while it is not zero).
        mapping(uint256 tokenId => uint256) _freezeCount;
        /// @dev The recourse contract: the only account that returns a matured certificate to a seller that honoured
        /// a recourse claim. Bound once by the deployer.
        address _recourse;
        /// @dev The maturity-arrangements contract: the only account that pays a certificate down by its share of a
        /// part payment, asked before every burn. Bound once by the deployer.
        address _arrangements;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.ReceivableCertificate")) - 1))
    //     & ~bytes32(uint256(0xff))
    bytes32 private constant RECEIVABLE_CERTIFICATE_STORAGE_LOCATION =
        0x079853ab5ddf01a09437441c7286f3a50ee895e5d092c5b045aab6974741e000;

    /// @dev An ERC-721 approval, valid only while the certificate's epoch is `epoch`.
    struct TokenApproval {
        address approved;
        uint32 epoch;
    }

    modifier onlyDesk() {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        if (msg.sender != $._desk) revert CertificateOnlyDesk(msg.sender);
        _;
    }

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        uint8 valueDecimals_,
        IFreezeOrders freezeOrders_,
        IAuthorityAttestations attestations_
    ) ConsortiumApp(registry_) {
        _valueDecimals = valueDecimals_;
        _freezeOrders = freezeOrders_;
        _attestations = attestations_;
    }

    /// @notice Initializes the proxy (run once, by the proxy's constructor); its caller may bind the desk once.
    function initialize() external initializer {
        __ConsortiumApp_init();
        _getReceivableCertificateStorage()._deployer = msg.sender;
    }

    // ------------------------------------------------------------------ ERC-165 and metadata

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) public view override(ERC165, IERC165) returns (bool) {
        return
            interfaceId == type(IERC721).interfaceId ||
            interfaceId == type(IERC721Metadata).interfaceId ||
            interfaceId == type(IERC3525).interfaceId ||
            interfaceId == type(IERC3525Metadata).interfaceId ||
            interfaceId == type(ITransferableClaim).interfaceId ||
            interfaceId == type(IBackedClaim).interfaceId ||
            super.supportsInterface(interfaceId);
    }

    /// @inheritdoc IERC721Metadata
    function name() external pure returns (string memory) {
        return NAME;
    }

    /// @inheritdoc IERC721Metadata
    function symbol() external pure returns (string memory) {
        return SYMBOL;
    }

    /// @inheritdoc IERC721Metadata
    function tokenURI(uint256 tokenId) external view returns (string memory) {
        _ownerOf(tokenId);
        return _uri(string.concat("token/", tokenId.toString()));
    }

    /// @inheritdoc IERC3525Metadata
    function contractURI() external view returns (string memory) {
        return _uri("contract");
    }

    /// @inheritdoc IERC3525Metadata
    function slotURI(uint256 slot) external view returns (string memory) {
        return _uri(string.concat("slot/", slot.toString()));
    }

    /// @inheritdoc IReceivableCertificate
    function setBaseURI(string calldata baseURI) external onlyGovernance {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        $._baseURI = baseURI;
        emit BaseURIChanged(baseURI);
    }

    // ------------------------------------------------------------------ ERC-721

    /// @inheritdoc IERC721
    function balanceOf(address owner) external view returns (uint256) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        if (owner == address(0)) revert ERC721InvalidOwner(address(0));
        return $._balances[owner];
    }

    /// @inheritdoc IERC721
    function ownerOf(uint256 tokenId) external view returns (address) {
        return _ownerOf(tokenId);
    }

    /// @inheritdoc IERC721
    function approve(address to, uint256 tokenId) public whenNotPaused {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        Certificate storage c = $._certificates[tokenId];
        address owner = _ownerOf(tokenId);
        if (msg.sender != owner && !$._operators[owner][msg.sender]) revert ERC721InvalidApprover(msg.sender);
        if (to != address(0)) _requireCanGrant(to);
        $._tokenApprovals[tokenId] = TokenApproval(to, c.epoch);
        emit Approval(owner, to, tokenId);
    }

    /// @inheritdoc IERC721
    function getApproved(uint256 tokenId) public view returns (address) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        _ownerOf(tokenId);
        return _approvedOf(tokenId, $._certificates[tokenId].epoch);
    }

    /// @inheritdoc IERC721
    function setApprovalForAll(address operator, bool approved) external whenNotPaused {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        if (operator == address(0) || operator == msg.sender) revert ERC721InvalidOperator(operator);
        if (approved) _requireCanGrant(operator);
        $._operators[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    /// @inheritdoc IERC721
    function isApprovedForAll(address owner, address operator) external view returns (bool) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        return $._operators[owner][operator];
    }

    /// @inheritdoc IERC721
    function transferFrom(address from, address to, uint256 tokenId) public whenNotPaused {
        _transferWhole(from, to, tokenId);
    }

    /// @inheritdoc IERC721
    function safeTransferFrom(address from, address to, uint256 tokenId) external {
        safeTransferFrom(from, to, tokenId, "");
    }

    /// @inheritdoc IERC721
    function safeTransferFrom(address from, address to, uint256 tokenId, bytes memory data) public whenNotPaused {
        _transferWhole(from, to, tokenId);
        ERC721Utils.checkOnERC721Received(msg.sender, from, to, tokenId, data);
    }

    // ------------------------------------------------------------------ ERC-3525

    /// @inheritdoc IERC3525
    function valueDecimals() external view returns (uint8) {
        return _valueDecimals;
    }

    /// @inheritdoc IERC3525
    function balanceOf(uint256 tokenId) external view returns (uint256) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        _ownerOf(tokenId);
        return $._certificates[tokenId].value;
    }

    /// @inheritdoc IERC3525
    function slotOf(uint256 tokenId) external view returns (uint256) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        _ownerOf(tokenId);
        return $._certificates[tokenId].slot;
    }

    /// @inheritdoc IERC3525
    function approve(uint256 tokenId, address operator, uint256 value) external whenNotPaused {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        Certificate storage c = $._certificates[tokenId];
        address owner = _ownerOf(tokenId);
        uint32 epoch = c.epoch;
        if (!_isApprovedOrOwner(msg.sender, tokenId, owner, epoch)) revert ERC721InvalidApprover(msg.sender);
        if (operator == address(0) || operator == owner) revert ERC721InvalidOperator(operator);
        if (value != 0) {
            _requireCanGrant(operator);
            _recordValueOperator(tokenId, epoch, operator);
        }
        $._allowances[tokenId][epoch][operator] = value;
        emit ApprovalValue(tokenId, operator, value);
    }

    /// @inheritdoc IERC3525
    function allowance(uint256 tokenId, address operator) external view returns (uint256) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        _ownerOf(tokenId);
        return $._allowances[tokenId][$._certificates[tokenId].epoch][operator];
    }

    /// @inheritdoc IERC3525
    function transferFrom(uint256 fromTokenId, uint256 toTokenId, uint256 value) external whenNotPaused {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        if (fromTokenId == toTokenId) revert CertificateSelfTransfer(fromTokenId, address(0));
        if (value == 0) revert CertificateZeroValue();
        Certificate storage from = $._certificates[fromTokenId];
        Certificate storage to = $._certificates[toTokenId];
        address owner = _ownerOf(fromTokenId);
        address toOwner = _ownerOf(toTokenId);
        if (from.slot != to.slot) revert CertificateSlotMismatch(fromTokenId, toTokenId, from.slot, to.slot);
        _spend(fromTokenId, owner, from.epoch, value);
        _requireMovable(fromTokenId, from.maturity);
        _requireFree(fromTokenId, from, value);
        _requireEligible(owner, toOwner);
        // Cannot underflow: value <= free value (checked above). Cannot overflow: the values of one slot add up to its
        // face value, itself at most MAX_VALUE.
        unchecked {
            from.value -= uint88(value);
            to.value += uint88(value);
        }
        emit TransferValue(fromTokenId, toTokenId, value);
        _checkOnERC3525Received(toOwner, fromTokenId, toTokenId, value);
    }

    /// @inheritdoc IERC3525
    function transferFrom(uint256 fromTokenId, address to, uint256 value) external whenNotPaused returns (uint256) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        if (value == 0) revert CertificateZeroValue();
        Certificate storage from = $._certificates[fromTokenId];
        address owner = _ownerOf(fromTokenId);
        // A split to the owner's own address is the usual "split my certificate" call (the EIP allows it).
        if (to == address(0)) revert ERC721InvalidReceiver(address(0));
        _spend(fromTokenId, owner, from.epoch, value);
        _requireMovable(fromTokenId, from.maturity);
        _requireFree(fromTokenId, from, value);
        _requireEligible(owner, to);
        uint256 newTokenId = _split(fromTokenId, from, to, value);
        _checkOnERC3525Received(to, fromTokenId, newTokenId, value);
        return newTokenId;
    }

    // ------------------------------------------------------------------ ITransferableClaim

    /// @inheritdoc ITransferableClaim
    function claimInfo(uint256 claimId) external view returns (ClaimInfo memory) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        Certificate storage c = $._certificates[claimId];
        if (c.slot == 0) revert ERC721NonexistentToken(claimId);
        return
            ClaimInfo({
                holder: c.owner,
                obligor: IReceivableDesk($._desk).obligorOf(c.slot),
                maturity: c.maturity,
                amount: c.value,
                settled: c.owner == address(0)
            });
    }

    /// @inheritdoc ITransferableClaim
    function approveClaim(uint256 claimId, address operator) external {
        address owner = _ownerOf(claimId);
        if (msg.sender != owner) revert ERC721InvalidApprover(msg.sender);
        approve(operator, claimId);
        emit ClaimApproval(claimId, owner, operator);
    }

    /// @inheritdoc ITransferableClaim
    function transferClaim(uint256 claimId, address to) external {
        transferFrom(_ownerOf(claimId), to, claimId);
    }

    // ------------------------------------------------------------------ desk

    /// @inheritdoc IReceivableCertificate
    function bindDesk(address desk_) external {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        if (msg.sender != $._deployer || $._desk != address(0) || desk_ == address(0)) {
            revert CertificateDeskBinding(msg.sender, desk_);
        }
        $._desk = desk_;
        emit DeskBound(desk_);
    }

    /// @inheritdoc IReceivableCertificate
    function bindRecourse(address recourse_) external {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        if (msg.sender != $._deployer || $._recourse != address(0) || recourse_ == address(0)) {
            revert CertificateRecourseBinding(msg.sender, recourse_);
        }
        $._recourse = recourse_;
        emit RecourseBound(recourse_);
    }

    /// @inheritdoc IReceivableCertificate
    function returnOnRecourse(uint256 tokenId, address to) external whenNotPaused {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        if (msg.sender != $._recourse) revert CertificateOnlyRecourse(msg.sender);
        Certificate storage c = $._certificates[tokenId];
        address owner = _ownerOf(tokenId);
        if (to == owner) revert CertificateSelfTransfer(tokenId, to);
        if (c.locked != 0) revert CertificateLocked(tokenId, c.locked);
        _requireNotFrozen(tokenId, c, c.value);
        registry().authorize(to, HOLDER_ROLES);
        _changeOwner(tokenId, c, owner, to);
    }

    /// @inheritdoc IReceivableCertificate
    function bindArrangements(address arrangements_) external {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        if (msg.sender != $._deployer || $._arrangements != address(0) || arrangements_ == address(0)) {
            revert CertificateArrangementsBinding(msg.sender, arrangements_);
        }
        $._arrangements = arrangements_;
        emit ArrangementsBound(arrangements_);
    }

    /// @inheritdoc IReceivableCertificate
    function payDown(uint256 tokenId, uint256 value) external whenNotPaused {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        if (msg.sender != $._arrangements) revert CertificateOnlyArrangements(msg.sender);
        Certificate storage c = $._certificates[tokenId];
        _ownerOf(tokenId);
        if (value == 0) revert CertificateZeroValue();
        if (c.locked != 0) revert CertificateLocked(tokenId, c.locked);
        // Never all of it: a certificate paid in full is redeemed (burned) by the desk, not paid down to zero.
        if (value >= c.value) revert CertificateInsufficientValue(tokenId, c.value, value);
        _requireNotFrozen(tokenId, c, value);
        // Cannot underflow: value < c.value (checked just above).
        unchecked {
            c.value -= uint88(value);
        }
        emit TransferValue(tokenId, 0, value);
        IReceivableDesk($._desk).recordPaidDown(c.slot, value);
    }

    /// @inheritdoc IReceivableCertificate
    function arrangements() external view returns (address) {
        return _getReceivableCertificateStorage()._arrangements;
    }

    /// @inheritdoc IReceivableCertificate
    function recourse() external view returns (address) {
        return _getReceivableCertificateStorage()._recourse;
    }

    /// @inheritdoc IReceivableCertificate
    function mint(
        address to,
        uint256 slot,
        uint40 maturity,
        uint256 value
    ) external onlyDesk whenNotPaused returns (uint256 tokenId) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        if (value == 0) revert CertificateZeroValue();
        if (value > MAX_VALUE) revert CertificateValueTooLarge(value);
        registry().authorize(to, HOLDER_ROLES);
        // Cannot overflow: 2^48 certificates would cost far more gas than any chain will ever process.
        unchecked {
            tokenId = ++$._lastTokenId;
        }
        $._certificates[tokenId] = Certificate({
            owner: to,
            // The desk's receivable ids are uint48 counters; SafeCast keeps a wider id from aliasing another slot.
            slot: SafeCast.toUint48(slot),
            maturity: maturity,
            tier: 1,
            value: uint88(value),
            locked: 0,
            parent: 0,
            epoch: 0
        });
        // Cannot overflow: bounded by the number of certificates.
        unchecked {
            ++$._balances[to];
        }
        emit Transfer(address(0), to, tokenId);
        emit SlotChanged(tokenId, 0, slot);
        emit TransferValue(0, tokenId, value);
        emit CertificateDerived(tokenId, 0, slot, 1);
    }

    /// @inheritdoc IReceivableCertificate
    function lock(uint256 tokenId, uint256 value) external onlyDesk whenNotPaused {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        if (value == 0) revert CertificateZeroValue();
        Certificate storage c = $._certificates[tokenId];
        _ownerOf(tokenId);
        _requireMovable(tokenId, c.maturity);
        _requireFree(tokenId, c, value);
        // Cannot overflow: locked + value <= value of the certificate (checked just above).
        unchecked {
            c.locked += uint88(value);
        }
        emit ValueLocked(tokenId, value, c.locked);
    }

    /// @inheritdoc IReceivableCertificate
    function unlock(uint256 tokenId, uint256 value) external onlyDesk whenNotPaused {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        Certificate storage c = $._certificates[tokenId];
        _ownerOf(tokenId);
        _releaseLock(tokenId, c, value);
        emit ValueUnlocked(tokenId, value, c.locked);
    }

    /// @inheritdoc IReceivableCertificate
    function takeLocked(uint256 tokenId, address to, uint256 value) external onlyDesk whenNotPaused returns (uint256) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        if (value == 0) revert CertificateZeroValue();
        Certificate storage c = $._certificates[tokenId];
        address owner = _ownerOf(tokenId);
        if (to == owner) revert CertificateSelfTransfer(tokenId, to);
        uint32 taker = registry().authorize(to, HOLDER_ROLES);
        _requireBacked(taker, c.slot, $._desk);
        _releaseLock(tokenId, c, value);
        _requireNotFrozen(tokenId, c, value);
        emit ValueUnlocked(tokenId, value, c.locked);
        if (value == c.value) {
            _changeOwner(tokenId, c, owner, to);
            return tokenId;
        }
        uint256 newTokenId = _split(tokenId, c, to, value);
        _checkOnERC3525Received(to, tokenId, newTokenId, value);
        return newTokenId;
    }

    /// @inheritdoc IReceivableCertificate
    function burn(uint256 tokenId) external onlyDesk whenNotPaused returns (address owner, uint256 value) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        Certificate storage c = $._certificates[tokenId];
        owner = _ownerOf(tokenId);
        if (c.locked != 0) revert CertificateLocked(tokenId, c.locked);
        value = c.value;
        _requireNotFrozen(tokenId, c, value);
        // A share of a part payment still unclaimed must be claimed (paying the certificate down) before the rest
        // is paid off chain; the arrangements contract reverts then (a funded receivable's escrow covers it all).
        address arrangements_ = $._arrangements;
        if (arrangements_ != address(0)) IPartPaymentHook(arrangements_).beforeBurn(tokenId, c.slot, value);
        uint256 slot = c.slot;
        c.owner = address(0);
        c.value = 0;
        // Wraps only after 2^32 changes of owner of one certificate, which no chain will ever process.
        unchecked {
            ++c.epoch;
            --$._balances[owner];
        }
        emit TransferValue(tokenId, 0, value);
        emit SlotChanged(tokenId, slot, 0);
        emit Transfer(owner, address(0), tokenId);
    }

    // ------------------------------------------------------------------ authority attestations

    /// @notice The authority attestations whose receivable-financing policies takes of locked value must meet (zero:
    /// none on this network).
    function attestations() external view returns (IAuthorityAttestations) {
        return _attestations;
    }

    /// @inheritdoc IBackedClaim
    /// @dev The invoice key of the certificate's receivable, read from the desk.
    function backingSubjectOf(uint256 claimId) external view returns (bytes32) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        uint256 slot = $._certificates[claimId].slot;
        if (slot == 0) revert ERC721NonexistentToken(claimId);
        return IReceivableDesk($._desk).receivable(slot).invoiceKey;
    }

    /// @dev Reverts with the register's `AttestationRequired` unless the taker's receivable-financing policy is met on
    /// the invoice key of receivable `slot`. Reads the invoice key only when the taker has a policy.
    function _requireBacked(uint32 taker, uint256 slot, address desk_) private view {
        if (address(_attestations) == address(0)) return;
        IAuthorityAttestations.Application app = IAuthorityAttestations.Application.ReceivableFinancing;
        if (_attestations.policyOf(taker, app) == 0) return;
        _attestations.requireBacked(taker, app, IReceivableDesk(desk_).receivable(slot).invoiceKey);
    }

    // ------------------------------------------------------------------ freeze orders

    /// @inheritdoc IFreezable
    function freezeOrders() external view returns (IFreezeOrders) {
        return _freezeOrders;
    }

    /// @inheritdoc IFreezable
    /// @dev A live certificate's value (reverts for one redeemed or never minted).
    function freezableValue(
        IFreezeOrders.ScopeKind kind,
        address claimContract,
        uint256 id
    ) external view returns (uint256) {
        if (kind != IFreezeOrders.ScopeKind.Certificate || claimContract != address(0)) {
            revert FreezeScopeUnsupported(kind, claimContract, id);
        }
        _ownerOf(id);
        return _getReceivableCertificateStorage()._certificates[id].value;
    }

    /// @inheritdoc IFreezable
    function freezeCount(address, uint256 id) external view returns (uint256) {
        return _getReceivableCertificateStorage()._freezeCount[id];
    }

    /// @inheritdoc IFreezable
    function freezeCountChanged(address, uint256 id, bool added) external {
        if (msg.sender != address(_freezeOrders) || msg.sender == address(0)) revert FreezeNotRegister(msg.sender);
        mapping(uint256 => uint256) storage counts = _getReceivableCertificateStorage()._freezeCount;
        // Bounded by the register's orders per target; an order ends only once it was counted.
        unchecked {
            if (added) ++counts[id];
            else --counts[id];
        }
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IReceivableCertificate
    function desk() external view returns (address) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        return $._desk;
    }

    /// @inheritdoc IReceivableCertificate
    function certificate(uint256 tokenId) external view returns (Certificate memory c) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        c = $._certificates[tokenId];
        if (c.slot == 0) revert ERC721NonexistentToken(tokenId);
    }

    /// @inheritdoc IReceivableCertificate
    function certificateShareClaimed(uint256 tokenId) external view returns (Certificate memory c) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        c = $._certificates[tokenId];
        if (c.slot == 0) revert ERC721NonexistentToken(tokenId);
        address arrangements_ = $._arrangements;
        if (arrangements_ != address(0)) IPartPaymentHook(arrangements_).beforeBurn(tokenId, c.slot, c.value);
    }

    /// @inheritdoc IReceivableCertificate
    function lineage(uint256 tokenId) external view returns (uint256 parent, uint256 root, uint8 tier) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        Certificate storage c = $._certificates[tokenId];
        if (c.slot == 0) revert ERC721NonexistentToken(tokenId);
        parent = c.parent;
        tier = c.tier;
        root = tokenId;
        // Bounded by the tier (at most 255 steps): every parent has a tier one lower.
        for (uint256 up = c.parent; up != 0; up = $._certificates[up].parent) root = up;
    }

    /// @inheritdoc IReceivableCertificate
    function isApprovedOrOwner(address spender, uint256 tokenId) external view returns (bool) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        address owner = _ownerOf(tokenId);
        return _isApprovedOrOwner(spender, tokenId, owner, $._certificates[tokenId].epoch);
    }

    /// @inheritdoc IReceivableCertificate
    function totalMinted() external view returns (uint256) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        return $._lastTokenId;
    }

    // ------------------------------------------------------------------ internals

    /// @dev Moves a whole certificate after checking the caller, the state and both parties.
    function _transferWhole(address from, address to, uint256 tokenId) private {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        Certificate storage c = $._certificates[tokenId];
        address owner = _ownerOf(tokenId);
        if (owner != from) revert ERC721IncorrectOwner(from, tokenId, owner);
        if (to == address(0)) revert ERC721InvalidReceiver(address(0));
        if (to == owner) revert CertificateSelfTransfer(tokenId, to);
        if (!_isApprovedOrOwner(msg.sender, tokenId, owner, c.epoch)) {
            revert ERC721InsufficientApproval(msg.sender, tokenId);
        }
        _requireMovable(tokenId, c.maturity);
        if (c.locked != 0) revert CertificateLocked(tokenId, c.locked);
        _requireNotFrozen(tokenId, c, c.value);
        _requireEligible(owner, to);
        _changeOwner(tokenId, c, owner, to);
    }

    /// @dev Hands a certificate to a new owner, voiding its approvals (and announcing each voided value allowance).
    function _changeOwner(uint256 tokenId, Certificate storage c, address from, address to) private {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        uint32 epoch = c.epoch;
        c.owner = to;
        // Epoch wraps only after 2^32 changes of owner of one certificate; balances are bounded by the number of
        // certificates and `from` holds this one.
        unchecked {
            c.epoch = epoch + 1;
            --$._balances[from];
            ++$._balances[to];
        }
        _announceVoidedAllowances(tokenId, epoch);
        emit Transfer(from, to, tokenId);
        emit ClaimTransferred(tokenId, from, to);
    }

    /// @dev Emits `ApprovalValue(tokenId, operator, 0)` for every allowance of `epoch` still open, so that allowance
    /// trackers see it end with the change of owner. At most MAX_VALUE_APPROVALS operators; nothing is written (the
    /// epoch already voids them).
    function _announceVoidedAllowances(uint256 tokenId, uint32 epoch) private {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        address[] storage operators = $._valueOperators[tokenId][epoch];
        uint256 count = operators.length;
        for (uint256 i; i < count; ++i) {
            address operator = operators[i];
            if ($._allowances[tokenId][epoch][operator] != 0) emit ApprovalValue(tokenId, operator, 0);
        }
    }

    /// @dev Adds `operator` to the operators holding a value allowance under `epoch`, once.
    function _recordValueOperator(uint256 tokenId, uint32 epoch, address operator) private {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        address[] storage operators = $._valueOperators[tokenId][epoch];
        uint256 count = operators.length;
        for (uint256 i; i < count; ++i) if (operators[i] == operator) return;
        if (count == MAX_VALUE_APPROVALS) revert CertificateTooManyValueApprovals(tokenId, MAX_VALUE_APPROVALS);
        operators.push(operator);
    }

    /// @dev Splits `value` off `parent` into a new certificate of `to`, one tier down. Free value is checked by the
    /// caller.
    function _split(
        uint256 parentId,
        Certificate storage parent,
        address to,
        uint256 value
    ) private returns (uint256 tokenId) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        uint8 tier = parent.tier;
        if (tier == type(uint8).max) revert CertificateTooDeep(parentId);
        uint48 slot = parent.slot;
        // Cannot underflow: the caller checked value <= free value. Cannot overflow: 2^48 certificates and 255
        // tiers are out of reach (the tier is checked above).
        unchecked {
            parent.value -= uint88(value);
            tokenId = ++$._lastTokenId;
            ++tier;
            ++$._balances[to];
        }
        $._certificates[tokenId] = Certificate({
            owner: to,
            slot: slot,
            maturity: parent.maturity,
            tier: tier,
            value: uint88(value),
            locked: 0,
            parent: uint48(parentId),
            epoch: 0
        });
        emit Transfer(address(0), to, tokenId);
        emit SlotChanged(tokenId, 0, slot);
        emit TransferValue(parentId, tokenId, value);
        emit CertificateDerived(tokenId, parentId, slot, tier);
    }

    /// @dev Spends `value` of the caller's allowance unless it may move the whole certificate.
    function _spend(uint256 tokenId, address owner, uint32 epoch, uint256 value) private {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        if (_isApprovedOrOwner(msg.sender, tokenId, owner, epoch)) return;
        uint256 current = $._allowances[tokenId][epoch][msg.sender];
        if (current == type(uint256).max) return;
        if (current < value) revert CertificateInsufficientAllowance(tokenId, msg.sender, current, value);
        // Cannot underflow: checked just above.
        unchecked {
            $._allowances[tokenId][epoch][msg.sender] = current - value;
        }
        emit ApprovalValue(tokenId, msg.sender, current - value);
    }

    /// @dev Unlocks `value`, reverting if less is locked.
    function _releaseLock(uint256 tokenId, Certificate storage c, uint256 value) private {
        uint256 locked = c.locked;
        if (value > locked) revert CertificateLockExceeded(tokenId, locked, value);
        // Cannot underflow: checked just above.
        unchecked {
            c.locked = uint88(locked - value);
        }
    }

    /// @dev Reverts unless both parties may hold certificates now and, when the caller acts for the owner (approved,
    /// operator for all, or with an allowance), the caller may too: an approval is used only by a party that could
    /// hold the certificate itself at the moment it acts. The registry tells the precise reason only on failure.
    function _requireEligible(address owner, address to) private view {
        IConsortiumRegistry registry_ = registry();
        (uint64 ownerRoles, uint64 toRoles) = registry_.effectiveRoles(owner, to);
        if (ownerRoles & HOLDER_ROLES == 0) registry_.authorize(owner, HOLDER_ROLES);
        if (toRoles & HOLDER_ROLES == 0) registry_.authorize(to, HOLDER_ROLES);
        if (msg.sender != owner) registry_.authorize(msg.sender, HOLDER_ROLES);
    }

    /// @dev Granting an approval, an operator or a value allowance: both the granting account and the party named must
    /// be able to hold certificates now (the regulator, which moves no asset, never can). Clearing needs neither.
    function _requireCanGrant(address grantee) private view {
        IConsortiumRegistry registry_ = registry();
        (uint64 granterRoles, uint64 granteeRoles) = registry_.effectiveRoles(msg.sender, grantee);
        if (granterRoles & HOLDER_ROLES == 0) registry_.authorize(msg.sender, HOLDER_ROLES);
        if (granteeRoles & HOLDER_ROLES == 0) registry_.authorize(grantee, HOLDER_ROLES);
    }

    /// @dev Reverts once the receivable has matured.
    function _requireMovable(uint256 tokenId, uint40 maturity) private view {
        if (block.timestamp >= maturity) revert CertificateMatured(tokenId, maturity);
    }

    /// @dev Reverts unless `value` is at most the certificate's free (unlocked) value.
    function _requireFree(uint256 tokenId, Certificate storage c, uint256 value) private view {
        uint256 free = c.value - c.locked;
        if (value > free) revert CertificateInsufficientValue(tokenId, free, value);
        _requireNotFrozen(tokenId, c, value);
    }

    /// @dev Frozen value never leaves a certificate: what stays after moving `value` out must cover what the orders in
    /// force freeze. One storage read when nothing is frozen on it.
    function _requireNotFrozen(uint256 tokenId, Certificate storage c, uint256 value) private view {
        if (_getReceivableCertificateStorage()._freezeCount[tokenId] == 0) return;
        uint256 frozen = _freezeOrders.frozenAmount(address(this), address(0), tokenId);
        uint256 current = c.value;
        if (frozen != 0 && current - value < frozen) revert AssetFrozen(address(this), tokenId, frozen, current, value);
    }

    /// @dev The owner of a live certificate; reverts for one never minted or redeemed.
    function _ownerOf(uint256 tokenId) private view returns (address owner) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        owner = $._certificates[tokenId].owner;
        if (owner == address(0)) revert ERC721NonexistentToken(tokenId);
    }

    /// @dev The address approved for a certificate under its current epoch (zero if none).
    function _approvedOf(uint256 tokenId, uint32 epoch) private view returns (address) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        TokenApproval storage a = $._tokenApprovals[tokenId];
        return a.epoch == epoch ? a.approved : address(0);
    }

    function _isApprovedOrOwner(
        address spender,
        uint256 tokenId,
        address owner,
        uint32 epoch
    ) private view returns (bool) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        return spender == owner || $._operators[owner][spender] || _approvedOf(tokenId, epoch) == spender;
    }

    /// @dev Calls the ERC-3525 receiver hook when the receiving owner is a contract that declares it (ERC-165).
    function _checkOnERC3525Received(address receiver, uint256 fromTokenId, uint256 toTokenId, uint256 value) private {
        if (receiver.code.length == 0) return;
        if (!ERC165Checker.supportsERC165InterfaceUnchecked(receiver, type(IERC3525Receiver).interfaceId)) return;
        bytes4 answer = IERC3525Receiver(receiver).onERC3525Received(msg.sender, fromTokenId, toTokenId, value, "");
        if (answer != IERC3525Receiver.onERC3525Received.selector) revert CertificateReceiverRejected(receiver);
    }

    function _uri(string memory path) private view returns (string memory) {
        ReceivableCertificateStorage storage $ = _getReceivableCertificateStorage();
        string memory base = $._baseURI;
        return bytes(base).length == 0 ? "" : string.concat(base, path);
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getReceivableCertificateStorage() private pure returns (ReceivableCertificateStorage storage $) {
        assembly ("memory-safe") {
            $.slot := RECEIVABLE_CERTIFICATE_STORAGE_LOCATION
        }
    }
}
