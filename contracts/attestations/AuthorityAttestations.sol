// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsortiumApp} from "../platform/ConsortiumApp.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {Roles} from "../platform/libraries/Roles.sol";
import {IAuthorityAttestations} from "./interfaces/IAuthorityAttestations.sol";

/// @title AuthorityAttestations
/// @notice Authorities attest trade-background facts about keyed identifiers; banks declare which kinds they require
/// before financing. See `IAuthorityAttestations`.
contract AuthorityAttestations is IAuthorityAttestations, ConsortiumApp {
    /// @notice Kinds a policy may require (the court kinds are informational).
    uint256 public constant REQUIRABLE_KINDS =
        (1 << uint8(Kind.InvoiceGenuine)) |
            (1 << uint8(Kind.ExportDeclaration)) |
            (1 << uint8(Kind.CompanyRegistered)) |
            (1 << uint8(Kind.WarehouseReceipt));

    /// @custom:storage-location erc7201:consortia.storage.AuthorityAttestations
    struct AuthorityAttestationsStorage {
        uint256 _count;
        mapping(uint256 attestationId => Attestation) _attestations;
        mapping(bytes32 subjectKey => mapping(Kind kind => uint256 attestationId)) _latest;
        mapping(uint32 bank => mapping(Application application => uint256 kinds)) _policies;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.AuthorityAttestations")) - 1))
    //     & ~bytes32(uint256(0xff))
    bytes32 private constant AUTHORITY_ATTESTATIONS_STORAGE_LOCATION =
        0x70f316d0437ce6326a26209acf58d744f718ea60312162742f2f845a7f81ef00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) ConsortiumApp(registry_) {}

    /// @inheritdoc IAuthorityAttestations
    function initialize() external initializer {
        __ConsortiumApp_init();
    }

    /// @inheritdoc IAuthorityAttestations
    function attest(Fact calldata fact) external whenNotPaused returns (uint256 attestationId) {
        AuthorityAttestationsStorage storage $ = _getAuthorityAttestationsStorage();
        uint64 role = roleOf(fact.kind);
        if (role == 0) revert AttestationInvalid("kind");
        uint32 attester = _authorize(role);
        if (fact.subjectKey == bytes32(0)) revert AttestationInvalid("subjectKey");
        if (fact.evidenceHash == bytes32(0)) revert AttestationInvalid("evidenceHash");
        if (fact.validUntil <= block.timestamp || fact.validUntil <= fact.validFrom) {
            revert AttestationInvalid("validUntil");
        }
        bool needsAmount = fact.kind == Kind.ExportDeclaration || fact.kind == Kind.WarehouseReceipt;
        if (needsAmount && fact.amount == 0) revert AttestationInvalid("amount");
        if ((fact.amount == 0) != (fact.currency == bytes3(0))) revert AttestationInvalid("currency");
        if (fact.kind == Kind.ExportDeclaration && fact.factDate == 0) revert AttestationInvalid("factDate");
        if (fact.factDate > block.timestamp) revert AttestationInvalid("factDate");
        // Cannot overflow: 2^256 attestations are out of reach.
        unchecked {
            attestationId = ++$._count;
        }
        $._attestations[attestationId] = Attestation({
            kind: fact.kind,
            attester: attester,
            validFrom: fact.validFrom,
            validUntil: fact.validUntil,
            revokedAt: 0,
            factDate: fact.factDate,
            amount: fact.amount,
            currency: fact.currency,
            account: msg.sender,
            subjectKey: fact.subjectKey,
            evidenceHash: fact.evidenceHash
        });
        uint256 superseded = $._latest[fact.subjectKey][fact.kind];
        $._latest[fact.subjectKey][fact.kind] = attestationId;
        emit Attested(attestationId, fact.subjectKey, attester, msg.sender, fact, superseded);
    }

    /// @inheritdoc IAuthorityAttestations
    function revoke(uint256 attestationId, bytes32 reasonHash) external whenNotPaused {
        Attestation storage a = _getAuthorityAttestationsStorage()._attestations[attestationId];
        if (a.kind == Kind.None) revert AttestationUnknown(attestationId);
        if (a.revokedAt != 0) revert AttestationAlreadyRevoked(attestationId, a.revokedAt);
        if (reasonHash == bytes32(0)) revert AttestationInvalid("reasonHash");
        bool byGovernance = msg.sender == address(registry());
        if (!byGovernance) {
            // Any active account of the attester's member, even one that lost the role (it may withdraw its word).
            uint32 caller = _authorize(Roles.MEMBER);
            if (caller != a.attester) revert AttestationNotAttester(attestationId, msg.sender, caller, a.attester);
        }
        a.revokedAt = uint40(block.timestamp);
        emit AttestationRevoked(attestationId, a.subjectKey, a.attester, a.kind, msg.sender, byGovernance, reasonHash);
    }

    /// @inheritdoc IAuthorityAttestations
    function setPolicy(Application application, uint256 kinds) external whenNotPaused {
        uint64 role = financingRoleOf(application);
        if (role == 0 || kinds & ~REQUIRABLE_KINDS != 0) revert AttestationPolicyInvalid(application, kinds);
        uint32 bank = _authorize(role);
        _getAuthorityAttestationsStorage()._policies[bank][application] = kinds;
        emit FinancingPolicySet(bank, application, kinds, msg.sender);
    }

    /// @inheritdoc IAuthorityAttestations
    function requireBacked(uint32 bank, Application application, bytes32 subjectKey) external view {
        (Kind kind, uint256 latest) = _missing(bank, application, subjectKey);
        if (kind != Kind.None) revert AttestationRequired(bank, application, subjectKey, kind, latest);
    }

    /// @inheritdoc IAuthorityAttestations
    function missingKind(uint32 bank, Application application, bytes32 subjectKey) external view returns (Kind kind) {
        (kind, ) = _missing(bank, application, subjectKey);
    }

    /// @inheritdoc IAuthorityAttestations
    function isValid(uint256 attestationId, uint32 bank) external view returns (bool) {
        return _isValid(attestationId, bank);
    }

    /// @inheritdoc IAuthorityAttestations
    function attestation(uint256 attestationId) external view returns (Attestation memory) {
        return _getAuthorityAttestationsStorage()._attestations[attestationId];
    }

    /// @inheritdoc IAuthorityAttestations
    function latestOf(bytes32 subjectKey, Kind kind) external view returns (uint256) {
        return _getAuthorityAttestationsStorage()._latest[subjectKey][kind];
    }

    /// @inheritdoc IAuthorityAttestations
    function policyOf(uint32 bank, Application application) external view returns (uint256) {
        return _getAuthorityAttestationsStorage()._policies[bank][application];
    }

    /// @inheritdoc IAuthorityAttestations
    function attestationCount() external view returns (uint256) {
        return _getAuthorityAttestationsStorage()._count;
    }

    /// @inheritdoc IAuthorityAttestations
    function roleOf(Kind kind) public pure returns (uint64) {
        if (kind == Kind.InvoiceGenuine) return Roles.TAX_AUTHORITY;
        if (kind == Kind.ExportDeclaration) return Roles.CUSTOMS;
        if (kind == Kind.CompanyRegistered) return Roles.BUSINESS_REGISTRY;
        if (kind == Kind.CourtJudgement || kind == Kind.CourtFreeze) return Roles.COURT;
        if (kind == Kind.WarehouseReceipt) return Roles.WAREHOUSE;
        return 0;
    }

    /// @inheritdoc IAuthorityAttestations
    function financingRoleOf(Application application) public pure returns (uint64) {
        if (application == Application.ReceivableFinancing) return Roles.FINANCIER;
        if (application == Application.GuaranteeIssue) return Roles.GUARANTOR;
        if (application == Application.ForfaitingPurchase) return Roles.FORFAITER;
        if (application == Application.LcHonour) return Roles.LC_BANK;
        return 0;
    }

    /// @dev The first required kind without a valid attestation, and the latest attestation of that kind. Bounded:
    /// at most one look-up per `Kind` (seven).
    function _missing(
        uint32 bank,
        Application application,
        bytes32 subjectKey
    ) private view returns (Kind kind, uint256 latest) {
        AuthorityAttestationsStorage storage $ = _getAuthorityAttestationsStorage();
        uint256 kinds = $._policies[bank][application];
        for (uint8 k = 1; kinds >> k != 0; ++k) {
            if (kinds & (1 << k) == 0) continue;
            latest = $._latest[subjectKey][Kind(k)];
            if (!_isValid(latest, bank)) return (Kind(k), latest);
        }
        return (Kind.None, 0);
    }

    /// @dev Valid now: known, unrevoked, inside its period, its attester an active member still holding the kind's
    /// role, and not `bank` itself (no bank backs its own financing).
    function _isValid(uint256 attestationId, uint32 bank) private view returns (bool) {
        Attestation storage a = _getAuthorityAttestationsStorage()._attestations[attestationId];
        if (a.kind == Kind.None || a.revokedAt != 0) return false;
        if (block.timestamp < a.validFrom || block.timestamp > a.validUntil) return false;
        if (bank != 0 && a.attester == bank) return false;
        (, IConsortiumRegistry.MemberStatus status, uint64 roles) = registry().memberProfile(a.attester);
        return status == IConsortiumRegistry.MemberStatus.Active && roles & roleOf(a.kind) != 0;
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getAuthorityAttestationsStorage() private pure returns (AuthorityAttestationsStorage storage $) {
        assembly ("memory-safe") {
            $.slot := AUTHORITY_ATTESTATIONS_STORAGE_LOCATION
        }
    }
}
