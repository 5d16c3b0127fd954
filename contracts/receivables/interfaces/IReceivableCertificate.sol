// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ITransferableClaim} from "../../platform/interfaces/ITransferableClaim.sol";
import {IERC3525Metadata} from "./IERC3525Metadata.sol";

/// @title IReceivableCertificate
/// @notice Receivable certificates as ERC-3525 tokens: slot = one confirmed receivable (its id at the desk), value =
/// amount owed by the receivable's obligor in minor units of its currency. Every certificate records its parent,
/// tier and maturity; value locked by a pledge or a pending offer cannot move; certificates move only between accounts
/// of active members allowed to hold receivables, and nothing moves once the receivable matures or a certificate is
/// redeemed. The receivable desk is the only minter and the only one that locks, takes locked value or redeems.
interface IReceivableCertificate is IERC3525Metadata, ITransferableClaim, IERC721Errors {
    /// @notice One certificate, packed in two storage slots.
    /// @param owner Holder; zero once redeemed (the record stays for lineage).
    /// @param slot Receivable id at the desk (the ERC-3525 slot).
    /// @param maturity When the receivable is due (unix seconds); nothing moves from then on.
    /// @param tier Depth in the lineage tree: 1 for the certificate issued on confirmation, parent's tier + 1 after.
    /// @param value Amount owed, minor units.
    /// @param locked Part of `value` that cannot move (pledged, or offered and awaiting the counterparty).
    /// @param parent The certificate this one was split from; 0 for the root.
    /// @param epoch Bumped at every change of owner: approvals given under an older epoch are void.
    struct Certificate {
        address owner;
        uint48 slot;
        uint40 maturity;
        uint8 tier;
        uint88 value;
        uint88 locked;
        uint48 parent;
        uint32 epoch;
    }

    /// @notice A certificate was created: the root of a receivable (`parentId` 0, tier 1) or a split from `parentId`.
    /// @dev With `TransferValue` this lets an indexer rebuild each receivable's tree from logs alone.
    event CertificateDerived(uint256 indexed tokenId, uint256 indexed parentId, uint256 indexed slot, uint8 tier);
    /// @notice Part of a certificate's value was locked (pledge or pending offer); `locked` is the new total.
    event ValueLocked(uint256 indexed tokenId, uint256 value, uint256 locked);
    /// @notice Locked value was released; `locked` is the new total.
    event ValueUnlocked(uint256 indexed tokenId, uint256 value, uint256 locked);
    /// @notice The desk (sole minter) was bound, once.
    event DeskBound(address indexed desk);
    /// @notice The recourse contract was bound, once.
    event RecourseBound(address indexed recourse);
    /// @notice The maturity-arrangements contract (part payments) was bound, once.
    event ArrangementsBound(address indexed arrangements);
    /// @notice Governance changed the base of the metadata URIs.
    event BaseURIChanged(string baseURI);

    /// @notice A certificate carries value allowances for at most `max` operators at once (a change of owner voids
    /// them all and announces each as `ApprovalValue(tokenId, operator, 0)`, so the list is bounded).
    error CertificateTooManyValueApprovals(uint256 tokenId, uint256 max);
    /// @notice Zero value moves, mints or locks nothing.
    error CertificateZeroValue();
    /// @notice The certificate's free value (value minus locked) is below what the step needs.
    error CertificateInsufficientValue(uint256 tokenId, uint256 available, uint256 needed);
    /// @notice The operator's value allowance is below what it tries to move.
    error CertificateInsufficientAllowance(uint256 tokenId, address operator, uint256 allowance, uint256 needed);
    /// @notice Value moves only between certificates of one receivable.
    error CertificateSlotMismatch(uint256 fromTokenId, uint256 toTokenId, uint256 fromSlot, uint256 toSlot);
    /// @notice A certificate cannot be sent to its own holder, nor value from a certificate into itself.
    error CertificateSelfTransfer(uint256 tokenId, address to);
    /// @notice The receivable has matured: its certificates no longer move.
    error CertificateMatured(uint256 tokenId, uint256 maturity);
    /// @notice A certificate with locked value cannot change hands or be redeemed.
    error CertificateLocked(uint256 tokenId, uint256 locked);
    /// @notice The desk tried to release or take more than is locked.
    error CertificateLockExceeded(uint256 tokenId, uint256 locked, uint256 needed);
    /// @notice Lineage is bounded to `type(uint8).max` tiers.
    error CertificateTooDeep(uint256 parentId);
    /// @notice A value above `type(uint88).max`.
    error CertificateValueTooLarge(uint256 value);
    /// @notice A receiving contract refused value (returned something other than the ERC-3525 magic value).
    error CertificateReceiverRejected(address receiver);
    /// @notice Only the receivable desk may do this.
    error CertificateOnlyDesk(address caller);
    /// @notice The desk is bound once, by the deployer.
    error CertificateDeskBinding(address caller, address desk);
    /// @notice Only the recourse contract may do this.
    error CertificateOnlyRecourse(address caller);
    /// @notice The recourse contract is bound once, by the deployer.
    error CertificateRecourseBinding(address caller, address recourse);
    /// @notice Only the maturity-arrangements contract may do this.
    error CertificateOnlyArrangements(address caller);
    /// @notice The maturity-arrangements contract is bound once, by the deployer.
    error CertificateArrangementsBinding(address caller, address arrangements);

    // --- desk only ---

    /// @notice Binds the desk, the only account that mints, locks, takes locked value and redeems. Deployer, once.
    function bindDesk(address desk) external;

    /// @notice Mints the root certificate of a confirmed receivable to its creditor. Desk only.
    /// @return tokenId The root certificate.
    function mint(address to, uint256 slot, uint40 maturity, uint256 value) external returns (uint256 tokenId);

    /// @notice Locks `value` of a certificate's free value (pledge or pending offer). Desk only; before maturity.
    function lock(uint256 tokenId, uint256 value) external;

    /// @notice Releases `value` of a certificate's locked value. Desk only.
    function unlock(uint256 tokenId, uint256 value) external;

    /// @notice Moves `value` of locked value to `to`: the whole certificate changes hands when `value` is all of it,
    /// otherwise a child certificate is split off for `to`. Desk only (accepted offer, pledge taken at default).
    /// @return tokenId The certificate `to` now holds.
    function takeLocked(uint256 tokenId, address to, uint256 value) external returns (uint256);

    /// @notice Redeems a certificate: its value leaves circulation and its owner is cleared; its lineage stays.
    /// Desk only; never with locked value.
    /// @return owner The holder it was redeemed for.
    /// @return value The value redeemed.
    function burn(uint256 tokenId) external returns (address owner, uint256 value);

    // --- recourse contract only ---

    /// @notice Binds the recourse contract, the only account that returns certificates on recourse. Deployer, once.
    function bindRecourse(address recourse) external;

    /// @notice Returns a whole certificate to `to`, the seller that honoured a recourse claim on it, also after
    /// maturity (when nothing else moves). Recourse contract only; never locked or frozen value; `to` must be able to
    /// hold certificates now.
    function returnOnRecourse(uint256 tokenId, address to) external;

    // --- maturity-arrangements contract only ---

    /// @notice Binds the maturity-arrangements contract, the only account that pays certificates down by their share
    /// of a part payment (and is asked before a burn whether a share is still unclaimed). Deployer, once.
    function bindArrangements(address arrangements) external;

    /// @notice Pays a certificate down by `value`, its share of an obligor's part payment (paid to its holder by the
    /// arrangements contract in the same transaction): the value leaves circulation (`TransferValue(tokenId, 0,
    /// value)`) and the desk counts it as paid. Arrangements contract only; never all of the value, never locked
    /// or frozen value.
    function payDown(uint256 tokenId, uint256 value) external;

    // --- governance ---

    /// @notice Sets the base of token, slot and contract URIs (the consortium's metadata service). Governance only.
    function setBaseURI(string calldata baseURI) external;

    // --- views ---

    /// @notice The receivable desk.
    function desk() external view returns (address);

    /// @notice The recourse contract (zero until bound).
    function recourse() external view returns (address);

    /// @notice The maturity-arrangements contract (zero until bound).
    function arrangements() external view returns (address);

    /// @notice A certificate's record, also after redemption; reverts if it was never minted.
    function certificate(uint256 tokenId) external view returns (Certificate memory);

    /// @notice `certificate`, reverting (the arrangements contract's `ArrangementShareUnclaimed`) while the certificate
    /// has a share of a part payment unclaimed and the receivable is not funded: the desk reads it before a guarantee
    /// is called or an off-chain payment acknowledged, so neither counts value a share is about to pay down.
    function certificateShareClaimed(uint256 tokenId) external view returns (Certificate memory);

    /// @notice A certificate's lineage: its parent (0 for a root), the root of its tree and its tier.
    function lineage(uint256 tokenId) external view returns (uint256 parent, uint256 root, uint8 tier);

    /// @notice Whether `spender` may move the whole of `tokenId` (owner, approved address or operator).
    function isApprovedOrOwner(address spender, uint256 tokenId) external view returns (bool);

    /// @notice Certificates ever minted (ids run from 1 to this number).
    function totalMinted() external view returns (uint256);
}
