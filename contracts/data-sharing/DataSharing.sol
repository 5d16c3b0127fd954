// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ConsortiumApp} from "../platform/ConsortiumApp.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {Roles} from "../platform/libraries/Roles.sol";
import {IDataSharing} from "./interfaces/IDataSharing.sol";

/// @title DataSharing
/// @notice Dataset catalogue, access grants with bounded delegation, per-access audit records and a sensitive-operation
/// log for highly classified datasets. See `IDataSharing` for the model.
contract DataSharing is IDataSharing, ConsortiumApp {
    /// @inheritdoc IDataSharing
    uint8 public constant MAX_DELEGATION_DEPTH = 3;
    /// @inheritdoc IDataSharing
    uint8 public constant MAX_POLICY_PURPOSES = 8;

    /// @dev Classifications at or above this level get a sensitive-operation log.
    Classification private constant HIGH_CLASSIFICATION = Classification.Confidential;
    /// @dev Highest `MemberKind` value a policy may name (ServiceProvider = 6): bits 1..6 of `memberKinds`.
    uint8 private constant VALID_KIND_BITS = 0x7e;

    /// @custom:storage-location erc7201:consortia.storage.DataSharing
    struct DataSharingStorage {
        uint64 _datasetCount;
        uint64 _grantCount;
        mapping(uint64 datasetId => Dataset) _datasets;
        mapping(uint64 datasetId => mapping(uint32 version => Version)) _versions;
        mapping(uint64 datasetId => AutoGrantPolicy) _policies;
        mapping(uint64 grantId => Grant) _grants;
        mapping(uint64 datasetId => bytes32[]) _policyPurposes;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.DataSharing")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant DATA_SHARING_STORAGE_LOCATION =
        0xa87b788a42f226de61185d845cc9f550c005ad1b12e774dc16447f2e53773700;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) ConsortiumApp(registry_) {}

    /// @notice Initializes the proxy (run once, by the proxy's constructor).
    function initialize() external initializer {
        __ConsortiumApp_init();
    }

    // ------------------------------------------------------------------ catalogue

    /// @inheritdoc IDataSharing
    function registerDataset(
        bytes32 contentHash,
        HashKind hashKind,
        bytes32 metadataHash,
        Classification classification,
        uint64 fieldMask
    ) external whenNotPaused returns (uint64 datasetId) {
        DataSharingStorage storage $ = _getDataSharingStorage();
        uint32 owner = _authorize(Roles.DATA_OWNER);
        _checkVersionHashes(contentHash, metadataHash);
        if (fieldMask == 0) revert InvalidValue("fieldMask");

        datasetId = ++$._datasetCount;
        Dataset storage d = $._datasets[datasetId];
        d.owner = owner;
        d.latestVersion = 1;
        d.classification = classification;
        d.status = DatasetStatus.Active;
        d.fieldMask = fieldMask;
        // A non-zero seed makes every append a non-zero to non-zero write: each access costs the same.
        d.accessHead = keccak256(abi.encode(address(this), datasetId));
        $._versions[datasetId][1] = Version(contentHash, metadataHash, uint64(block.timestamp), hashKind);

        emit DatasetRegistered(datasetId, owner, msg.sender, classification, fieldMask);
        emit VersionPublished(datasetId, 1, contentHash, hashKind, metadataHash, msg.sender);
        if (classification >= HIGH_CLASSIFICATION) {
            bytes32 detail = keccak256(abi.encode(contentHash, hashKind, metadataHash, classification, fieldMask));
            _logSensitive(datasetId, d, SensitiveOperation.Register, owner, datasetId, detail);
        }
    }

    /// @inheritdoc IDataSharing
    function publishVersion(
        uint64 datasetId,
        bytes32 contentHash,
        HashKind hashKind,
        bytes32 metadataHash
    ) external whenNotPaused returns (uint32 newVersion) {
        DataSharingStorage storage $ = _getDataSharingStorage();
        (Dataset storage d, uint32 owner) = _ownedActiveDataset(datasetId);
        _checkVersionHashes(contentHash, metadataHash);

        newVersion = ++d.latestVersion;
        $._versions[datasetId][newVersion] = Version(contentHash, metadataHash, uint64(block.timestamp), hashKind);

        emit VersionPublished(datasetId, newVersion, contentHash, hashKind, metadataHash, msg.sender);
        if (d.classification >= HIGH_CLASSIFICATION) {
            bytes32 detail = keccak256(abi.encode(newVersion, contentHash, hashKind, metadataHash));
            _logSensitive(datasetId, d, SensitiveOperation.PublishVersion, owner, newVersion, detail);
        }
    }

    /// @inheritdoc IDataSharing
    function setClassification(uint64 datasetId, Classification classification) external whenNotPaused {
        (Dataset storage d, uint32 owner) = _ownedActiveDataset(datasetId);
        Classification previous = d.classification;
        d.classification = classification;

        emit ClassificationChanged(datasetId, previous, classification, msg.sender);
        // A downgrade out of the high levels is itself sensitive: it is what an insider would do first.
        if (previous >= HIGH_CLASSIFICATION || classification >= HIGH_CLASSIFICATION) {
            bytes32 detail = keccak256(abi.encode(previous, classification));
            _logSensitive(datasetId, d, SensitiveOperation.Reclassify, owner, datasetId, detail);
        }
    }

    /// @inheritdoc IDataSharing
    function retireDataset(uint64 datasetId) external whenNotPaused {
        (Dataset storage d, uint32 owner) = _ownedActiveDataset(datasetId);
        d.status = DatasetStatus.Retired;

        emit DatasetRetired(datasetId, msg.sender);
        if (d.classification >= HIGH_CLASSIFICATION) {
            _logSensitive(datasetId, d, SensitiveOperation.Retire, owner, datasetId, bytes32(0));
        }
    }

    /// @inheritdoc IDataSharing
    function setAutoGrantPolicy(
        uint64 datasetId,
        AutoGrantPolicy calldata policy,
        bytes32[] calldata allowedPurposes
    ) external whenNotPaused {
        DataSharingStorage storage $ = _getDataSharingStorage();
        (Dataset storage d, uint32 owner) = _ownedActiveDataset(datasetId);
        if (policy.memberKinds != 0) {
            if (policy.memberKinds & ~VALID_KIND_BITS != 0) revert InvalidValue("memberKinds");
            if (policy.duration == 0) revert InvalidValue("duration");
            _checkScope(policy.maxScope, d.fieldMask);
            _checkPurposes(allowedPurposes);
        } else if (allowedPurposes.length != 0) {
            revert InvalidValue("allowedPurposes");
        }
        $._policies[datasetId] = policy;
        bytes32[] storage purposes = $._policyPurposes[datasetId];
        // Both lengths are at most MAX_POLICY_PURPOSES (checked above and at every earlier set): a bounded rewrite.
        uint256 previous = purposes.length;
        uint256 count = allowedPurposes.length;
        for (uint256 i; i < count; ++i) {
            if (i < previous) purposes[i] = allowedPurposes[i];
            else purposes.push(allowedPurposes[i]);
        }
        for (uint256 i = count; i < previous; ++i) {
            purposes.pop();
        }

        emit AutoGrantPolicySet(
            datasetId,
            policy.memberKinds,
            policy.requiredRoles,
            policy.maxScope,
            policy.duration,
            policy.mayDelegate,
            msg.sender
        );
        emit AutoGrantPurposesSet(datasetId, allowedPurposes, msg.sender);
        if (d.classification >= HIGH_CLASSIFICATION) {
            bytes32 detail = keccak256(abi.encode(policy, allowedPurposes));
            _logSensitive(datasetId, d, SensitiveOperation.SetPolicy, owner, datasetId, detail);
        }
    }

    // ------------------------------------------------------------------ grants

    /// @inheritdoc IDataSharing
    function requestAccess(
        uint64 datasetId,
        bytes32 purposeHash,
        uint64 scope
    ) external whenNotPaused returns (uint64 grantId) {
        uint32 consumer = _authorize(Roles.DATA_CONSUMER);
        Dataset storage d = _activeDataset(datasetId);
        if (purposeHash == bytes32(0)) revert InvalidValue("purposeHash");
        _checkScope(scope, d.fieldMask);

        grantId = ++_getDataSharingStorage()._grantCount;
        emit AccessRequested(grantId, datasetId, consumer, purposeHash, scope, msg.sender);

        AutoGrantPolicy memory policy = _getDataSharingStorage()._policies[datasetId];
        // A purpose the policy does not allow is not refused: like another kind or a wider scope, it waits for the
        // owner, who may still grant it (the policy only decides what needs no decision).
        if (
            policy.memberKinds == 0 ||
            !_policyMatches(policy, d.owner, consumer, scope) ||
            !_purposeAllowed(datasetId, purposeHash)
        ) {
            Grant memory request = _newGrant(0, datasetId, 0, consumer, 0, false, scope, purposeHash);
            request.status = GrantStatus.Requested;
            request.grantedAt = 0;
            _getDataSharingStorage()._grants[grantId] = request;
        } else {
            uint64 expiresAt = uint64(block.timestamp) + policy.duration;
            Grant memory g = _newGrant(0, datasetId, expiresAt, consumer, 0, policy.mayDelegate, scope, purposeHash);
            _getDataSharingStorage()._grants[grantId] = g;
            _emitGranted(grantId, g, true);
            if (d.classification >= HIGH_CLASSIFICATION) {
                bytes32 detail = keccak256(abi.encode(consumer, purposeHash, scope, expiresAt, policy.mayDelegate));
                _logSensitive(datasetId, d, SensitiveOperation.Grant, consumer, grantId, detail);
            }
        }
    }

    /// @inheritdoc IDataSharing
    function grantAccess(uint64 grantId, uint64 scope, uint64 expiresAt, bool mayDelegate) external whenNotPaused {
        Grant storage g = _existingGrant(grantId);
        uint64 datasetId = g.datasetId;
        (Dataset storage d, uint32 owner) = _ownedActiveDataset(datasetId);
        _requireGrantStatus(grantId, g.status, GrantStatus.Requested);
        _checkScope(scope, g.scope);
        _checkExpiry(expiresAt, type(uint64).max);

        g.status = GrantStatus.Active;
        g.expiresAt = expiresAt;
        g.mayDelegate = mayDelegate;
        g.scope = scope;
        g.grantedAt = uint64(block.timestamp);

        bytes32 purposeHash = g.purposeHash;
        uint32 grantee = g.grantee;
        emit AccessGranted(
            grantId,
            datasetId,
            grantee,
            0,
            0,
            purposeHash,
            scope,
            expiresAt,
            mayDelegate,
            false,
            msg.sender
        );
        if (d.classification >= HIGH_CLASSIFICATION) {
            bytes32 detail = keccak256(abi.encode(grantee, purposeHash, scope, expiresAt, mayDelegate));
            _logSensitive(datasetId, d, SensitiveOperation.Grant, owner, grantId, detail);
        }
    }

    /// @inheritdoc IDataSharing
    function refuseAccess(uint64 grantId, bytes32 reasonHash) external whenNotPaused {
        Grant storage g = _existingGrant(grantId);
        uint64 datasetId = g.datasetId;
        (Dataset storage d, uint32 owner) = _ownedActiveDataset(datasetId);
        _requireGrantStatus(grantId, g.status, GrantStatus.Requested);

        g.status = GrantStatus.Refused;
        g.revokedAt = uint64(block.timestamp);

        emit AccessRefused(grantId, datasetId, reasonHash, msg.sender);
        if (d.classification >= HIGH_CLASSIFICATION) {
            _logSensitive(datasetId, d, SensitiveOperation.Refuse, owner, grantId, reasonHash);
        }
    }

    /// @inheritdoc IDataSharing
    function grantDirect(
        uint64 datasetId,
        uint32 grantee,
        bytes32 purposeHash,
        uint64 scope,
        uint64 expiresAt,
        bool mayDelegate
    ) external whenNotPaused returns (uint64 grantId) {
        (Dataset storage d, uint32 owner) = _ownedActiveDataset(datasetId);
        if (purposeHash == bytes32(0)) revert InvalidValue("purposeHash");
        _checkScope(scope, d.fieldMask);
        _checkExpiry(expiresAt, type(uint64).max);
        _requireEligibleGrantee(grantee);

        grantId = ++_getDataSharingStorage()._grantCount;
        Grant memory g = _newGrant(0, datasetId, expiresAt, grantee, 0, mayDelegate, scope, purposeHash);
        _getDataSharingStorage()._grants[grantId] = g;
        _emitGranted(grantId, g, false);
        if (d.classification >= HIGH_CLASSIFICATION) {
            bytes32 detail = keccak256(abi.encode(grantee, purposeHash, scope, expiresAt, mayDelegate));
            _logSensitive(datasetId, d, SensitiveOperation.Grant, owner, grantId, detail);
        }
    }

    /// @inheritdoc IDataSharing
    function delegateAccess(
        uint64 parentId,
        uint32 grantee,
        uint64 scope,
        uint64 expiresAt,
        bool mayDelegate
    ) external whenNotPaused returns (uint64 grantId) {
        DataSharingStorage storage $ = _getDataSharingStorage();
        uint32 delegator = _authorize(Roles.DATA_CONSUMER);
        Grant memory child = _childOf(parentId, delegator);
        _checkScope(scope, child.scope);
        _checkExpiry(expiresAt, child.expiresAt);
        if (grantee == delegator) revert InvalidValue("grantee");
        _requireEligibleGrantee(grantee);
        child.grantee = grantee;
        child.scope = scope;
        child.expiresAt = expiresAt;
        child.mayDelegate = mayDelegate;

        grantId = ++$._grantCount;
        $._grants[grantId] = child;
        _emitGranted(grantId, child, false);
        Dataset storage d = $._datasets[child.datasetId];
        if (d.classification >= HIGH_CLASSIFICATION) {
            bytes32 detail = keccak256(abi.encode(parentId, grantee, scope, expiresAt, mayDelegate));
            _logSensitive(child.datasetId, d, SensitiveOperation.Delegate, delegator, grantId, detail);
        }
    }

    /// @inheritdoc IDataSharing
    function revokeAccess(uint64 grantId, bytes32 reasonHash) external whenNotPaused {
        DataSharingStorage storage $ = _getDataSharingStorage();
        uint32 caller = _authorize(Roles.DATA_OWNER | Roles.DATA_CONSUMER);
        Grant storage g = _existingGrant(grantId);
        _requireGrantStatus(grantId, g.status, GrantStatus.Active);
        uint64 datasetId = g.datasetId;
        Dataset storage d = $._datasets[datasetId];
        uint64 parentId = g.parentId;
        bool allowed =
            caller == d.owner || caller == g.grantee || (parentId != 0 && caller == $._grants[parentId].grantee);
        if (!allowed) revert NotRevoker(grantId, caller);

        g.status = GrantStatus.Revoked;
        g.revokedAt = uint64(block.timestamp);

        emit AccessRevoked(grantId, datasetId, caller, reasonHash, msg.sender);
        if (d.classification >= HIGH_CLASSIFICATION) {
            _logSensitive(datasetId, d, SensitiveOperation.Revoke, caller, grantId, reasonHash);
        }
    }

    // ------------------------------------------------------------------ access records

    /// @inheritdoc IDataSharing
    function recordAccess(
        bytes32 accessId,
        uint64 grantId,
        uint64 datasetId,
        uint32 accessedVersion,
        address consumerAccount,
        bytes32 resultHash
    ) external whenNotPaused {
        (uint32 server, uint32 consumer) = registry().authorizePair(
            msg.sender,
            Roles.DATA_OWNER,
            consumerAccount,
            Roles.DATA_CONSUMER
        );
        if (accessId == bytes32(0)) revert InvalidValue("accessId");
        if (resultHash == bytes32(0)) revert InvalidValue("resultHash");

        Grant storage g = _existingGrant(grantId);
        if (g.datasetId != datasetId) revert GrantForOtherDataset(grantId, g.datasetId, datasetId);
        Dataset storage d = _getDataSharingStorage()._datasets[datasetId];
        if (d.owner != server) revert NotDatasetOwner(datasetId, server, d.owner);
        if (g.grantee != consumer) revert NotGrantee(grantId, consumer, g.grantee);
        uint32 latest = d.latestVersion;
        if (accessedVersion == 0 || accessedVersion > latest) {
            revert UnknownVersion(datasetId, accessedVersion, latest);
        }
        GrantValidity validity = d.status == DatasetStatus.Active ? _chainValidity(g) : GrantValidity.DatasetRetired;
        if (validity != GrantValidity.Valid) revert GrantNotValid(grantId, validity);

        _appendAccess(d, accessId, grantId, accessedVersion, consumer, g.purposeHash, resultHash);
        emit AccessRecorded(
            accessId,
            grantId,
            resultHash,
            datasetId,
            d.accessCount,
            accessedVersion,
            consumer,
            consumerAccount,
            g.purposeHash
        );
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IDataSharing
    function dataset(uint64 datasetId) external view returns (Dataset memory) {
        DataSharingStorage storage $ = _getDataSharingStorage();
        return $._datasets[datasetId];
    }

    /// @inheritdoc IDataSharing
    function version(uint64 datasetId, uint32 version_) external view returns (Version memory) {
        DataSharingStorage storage $ = _getDataSharingStorage();
        return $._versions[datasetId][version_];
    }

    /// @inheritdoc IDataSharing
    function verifyFile(uint64 datasetId, uint32 version_, bytes32 fileHash) external view returns (bool) {
        DataSharingStorage storage $ = _getDataSharingStorage();
        Version storage v = $._versions[datasetId][version_];
        return fileHash != bytes32(0) && v.hashKind == HashKind.ContentHash && v.contentHash == fileHash;
    }

    /// @inheritdoc IDataSharing
    function verifyFileInTree(
        uint64 datasetId,
        uint32 version_,
        bytes32 fileHash,
        bytes32[] calldata proof
    ) external view returns (bool) {
        DataSharingStorage storage $ = _getDataSharingStorage();
        Version storage v = $._versions[datasetId][version_];
        if (v.hashKind != HashKind.MerkleRoot || v.contentHash == bytes32(0)) return false;
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(fileHash))));
        return MerkleProof.verifyCalldata(proof, v.contentHash, leaf);
    }

    /// @inheritdoc IDataSharing
    function autoGrantPolicy(uint64 datasetId) external view returns (AutoGrantPolicy memory) {
        DataSharingStorage storage $ = _getDataSharingStorage();
        return $._policies[datasetId];
    }

    /// @inheritdoc IDataSharing
    function autoGrantPurposes(uint64 datasetId) external view returns (bytes32[] memory) {
        DataSharingStorage storage $ = _getDataSharingStorage();
        return $._policyPurposes[datasetId];
    }

    /// @inheritdoc IDataSharing
    function grant(uint64 grantId) external view returns (Grant memory) {
        DataSharingStorage storage $ = _getDataSharingStorage();
        return $._grants[grantId];
    }

    /// @inheritdoc IDataSharing
    function grantValidity(uint64 grantId) external view returns (GrantValidity) {
        return _validity(grantId);
    }

    /// @inheritdoc IDataSharing
    function datasetCount() external view returns (uint64) {
        DataSharingStorage storage $ = _getDataSharingStorage();
        return $._datasetCount;
    }

    /// @inheritdoc IDataSharing
    function grantCount() external view returns (uint64) {
        DataSharingStorage storage $ = _getDataSharingStorage();
        return $._grantCount;
    }

    // ------------------------------------------------------------------ internals

    /// @dev The dataset, which must exist and be active.
    function _activeDataset(uint64 datasetId) private view returns (Dataset storage d) {
        DataSharingStorage storage $ = _getDataSharingStorage();
        d = $._datasets[datasetId];
        DatasetStatus status = d.status;
        if (status == DatasetStatus.None) revert UnknownDataset(datasetId);
        if (status != DatasetStatus.Active) {
            revert DatasetWrongStatus(datasetId, status, DatasetStatus.Active);
        }
    }

    /// @dev The dataset, which must be active and owned by the member behind `msg.sender` (acting as `DATA_OWNER`).
    function _ownedActiveDataset(uint64 datasetId) private view returns (Dataset storage d, uint32 owner) {
        owner = _authorize(Roles.DATA_OWNER);
        d = _activeDataset(datasetId);
        if (d.owner != owner) revert NotDatasetOwner(datasetId, owner, d.owner);
    }

    function _existingGrant(uint64 grantId) private view returns (Grant storage g) {
        DataSharingStorage storage $ = _getDataSharingStorage();
        g = $._grants[grantId];
        if (g.status == GrantStatus.None) revert UnknownGrant(grantId);
    }

    function _requireGrantStatus(uint64 grantId, GrantStatus current, GrantStatus expected) private pure {
        if (current != expected) revert GrantWrongStatus(grantId, current, expected);
    }

    /// @dev A non-empty scope within `allowed`.
    function _checkScope(uint64 scope, uint64 allowed) private pure {
        if (scope == 0 || scope & ~allowed != 0) revert ScopeNotAllowed(scope, allowed);
    }

    /// @dev An expiry in the future and no later than `limit`.
    function _checkExpiry(uint64 expiresAt, uint64 limit) private view {
        if (expiresAt <= block.timestamp || expiresAt > limit) revert ExpiryNotAllowed(expiresAt, limit);
    }

    function _checkVersionHashes(bytes32 contentHash, bytes32 metadataHash) private pure {
        if (contentHash == bytes32(0)) revert InvalidValue("contentHash");
        if (metadataHash == bytes32(0)) revert InvalidValue("metadataHash");
    }

    /// @dev A grantee named by the granting side (owner or delegator) must be an active member holding
    /// `DATA_CONSUMER`; a requester proved it by calling.
    function _requireEligibleGrantee(uint32 grantee) private view {
        (, IConsortiumRegistry.MemberStatus status, uint64 roles) = registry().memberProfile(grantee);
        if (status != IConsortiumRegistry.MemberStatus.Active || roles & Roles.DATA_CONSUMER == 0) {
            revert NotEligibleGrantee(grantee);
        }
    }

    /// @dev Whether the requesting member's kind and roles, and the requested scope, fall under the policy. The policy
    /// acts for the owner, so it acts only while the owner is in good standing: a suspended owner's policy grants
    /// nothing (requests wait for the owner's decision).
    function _policyMatches(
        AutoGrantPolicy memory policy,
        uint32 owner,
        uint32 consumer,
        uint64 scope
    ) private view returns (bool) {
        if (scope & ~policy.maxScope != 0) return false;
        IConsortiumRegistry registry_ = registry();
        (, IConsortiumRegistry.MemberStatus ownerStatus, ) = registry_.memberProfile(owner);
        if (ownerStatus != IConsortiumRegistry.MemberStatus.Active) return false;
        (IConsortiumRegistry.MemberKind kind, , uint64 roles) = registry_.memberProfile(consumer);
        return (policy.memberKinds >> uint8(kind)) & 1 == 1 && roles & policy.requiredRoles == policy.requiredRoles;
    }

    /// @dev 1 to `MAX_POLICY_PURPOSES` distinct non-zero purpose hashes (the pairwise check is at most 28 comparisons).
    function _checkPurposes(bytes32[] calldata purposes) private pure {
        uint256 count = purposes.length;
        if (count == 0) revert InvalidValue("allowedPurposes");
        if (count > MAX_POLICY_PURPOSES) revert TooManyPolicyPurposes(count, MAX_POLICY_PURPOSES);
        for (uint256 i; i < count; ++i) {
            bytes32 purpose = purposes[i];
            if (purpose == bytes32(0)) revert InvalidValue("allowedPurposes");
            for (uint256 j; j < i; ++j) {
                if (purposes[j] == purpose) revert InvalidValue("allowedPurposes");
            }
        }
    }

    /// @dev Whether the dataset's policy allows the purpose: at most `MAX_POLICY_PURPOSES` storage reads.
    function _purposeAllowed(uint64 datasetId, bytes32 purposeHash) private view returns (bool) {
        bytes32[] storage purposes = _getDataSharingStorage()._policyPurposes[datasetId];
        uint256 count = purposes.length;
        for (uint256 i; i < count; ++i) {
            if (purposes[i] == purposeHash) return true;
        }
        return false;
    }

    function _newGrant(
        uint64 parentId,
        uint64 datasetId,
        uint64 expiresAt,
        uint32 grantee,
        uint8 depth,
        bool mayDelegate,
        uint64 scope,
        bytes32 purposeHash
    ) private view returns (Grant memory) {
        uint64 nowTs = uint64(block.timestamp);
        return
            Grant({
                parentId: parentId,
                datasetId: datasetId,
                expiresAt: expiresAt,
                grantee: grantee,
                depth: depth,
                status: GrantStatus.Active,
                mayDelegate: mayDelegate,
                scope: scope,
                requestedAt: nowTs,
                grantedAt: nowTs,
                revokedAt: 0,
                purposeHash: purposeHash
            });
    }

    /// @dev Checks that `delegator` may delegate `parentId` now and returns the child template: the parent's dataset,
    /// purpose, scope and expiry (the caller narrows them), depth + 1, active from now.
    function _childOf(uint64 parentId, uint32 delegator) private view returns (Grant memory child) {
        Grant storage parent = _existingGrant(parentId);
        if (parent.grantee != delegator) revert NotGrantee(parentId, delegator, parent.grantee);
        GrantValidity validity = _validity(parentId);
        if (validity != GrantValidity.Valid) revert GrantNotValid(parentId, validity);
        if (!parent.mayDelegate) revert DelegationNotAllowed(parentId);
        uint8 depth = parent.depth;
        if (depth >= MAX_DELEGATION_DEPTH) revert DelegationTooDeep(parentId, depth);
        // Checked above: depth < MAX_DELEGATION_DEPTH, so depth + 1 cannot overflow.
        unchecked {
            ++depth;
        }
        child = _newGrant(
            parentId,
            parent.datasetId,
            parent.expiresAt,
            delegator,
            depth,
            false,
            parent.scope,
            parent.purposeHash
        );
    }

    function _emitGranted(uint64 grantId, Grant memory g, bool byPolicy) private {
        emit AccessGranted(
            grantId,
            g.datasetId,
            g.grantee,
            g.parentId,
            g.depth,
            g.purposeHash,
            g.scope,
            g.expiresAt,
            g.mayDelegate,
            byPolicy,
            msg.sender
        );
    }

    /// @dev Full validity of a grant: it exists, its dataset is active, and it and every ancestor are usable now.
    function _validity(uint64 grantId) private view returns (GrantValidity) {
        DataSharingStorage storage $ = _getDataSharingStorage();
        Grant storage g = $._grants[grantId];
        if (g.status == GrantStatus.None) return GrantValidity.Unknown;
        if ($._datasets[g.datasetId].status != DatasetStatus.Active) return GrantValidity.DatasetRetired;
        return _chainValidity(g);
    }

    /// @dev Walks UP from the grant to its root: each step reads one slot (status, expiry and parent share slot 0).
    /// Bounded by `MAX_DELEGATION_DEPTH`, which `delegateAccess` enforces on every grant's depth; the loop guard
    /// repeats the bound so that no state can make it longer.
    function _chainValidity(Grant storage g) private view returns (GrantValidity) {
        DataSharingStorage storage $ = _getDataSharingStorage();
        GrantStatus status = g.status;
        if (status != GrantStatus.Active) {
            return status == GrantStatus.Revoked ? GrantValidity.Revoked : GrantValidity.NotActive;
        }
        if (block.timestamp >= g.expiresAt) return GrantValidity.Expired;
        uint64 parentId = g.parentId;
        IConsortiumRegistry registry_ = registry();
        for (uint256 i; parentId != 0 && i < MAX_DELEGATION_DEPTH; ++i) {
            Grant storage parent = $._grants[parentId];
            // A parent was active when the child was made; `Revoked` is the only way out of `Active`.
            if (parent.status != GrantStatus.Active) return GrantValidity.AncestorRevoked;
            if (block.timestamp >= parent.expiresAt) return GrantValidity.AncestorExpired;
            // The member that delegated (the parent's grantee) must still be in good standing: a suspended member
            // reads nothing itself, and must not keep reading through the members it delegated to.
            (, IConsortiumRegistry.MemberStatus delegator, ) = registry_.memberProfile(parent.grantee);
            if (delegator != IConsortiumRegistry.MemberStatus.Active) return GrantValidity.DelegatorInactive;
            parentId = parent.parentId;
        }
        return GrantValidity.Valid;
    }

    /// @dev Appends an entry to the dataset's access log (see `AccessRecorded` for the chain).
    function _appendAccess(
        Dataset storage d,
        bytes32 accessId,
        uint64 grantId,
        uint32 accessedVersion,
        uint32 consumer,
        bytes32 purposeHash,
        bytes32 resultHash
    ) private {
        uint64 seq = ++d.accessCount;
        d.accessHead = keccak256(
            abi.encode(
                d.accessHead,
                seq,
                accessId,
                grantId,
                accessedVersion,
                consumer,
                purposeHash,
                resultHash,
                block.timestamp
            )
        );
    }

    /// @dev Appends an entry to the dataset's sensitive-operation hash chain.
    function _logSensitive(
        uint64 datasetId,
        Dataset storage d,
        SensitiveOperation operation,
        uint32 memberId,
        uint64 subjectId,
        bytes32 detailHash
    ) private {
        uint32 seq = ++d.sensitiveCount;
        bytes32 head = keccak256(
            abi.encode(
                d.sensitiveHead,
                datasetId,
                seq,
                operation,
                memberId,
                msg.sender,
                subjectId,
                detailHash,
                block.timestamp
            )
        );
        d.sensitiveHead = head;
        emit SensitiveOperationRecorded(datasetId, seq, operation, memberId, msg.sender, subjectId, detailHash, head);
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getDataSharingStorage() private pure returns (DataSharingStorage storage $) {
        assembly ("memory-safe") {
            $.slot := DATA_SHARING_STORAGE_LOCATION
        }
    }
}
