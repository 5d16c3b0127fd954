// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IConsortiumApp} from "../../platform/interfaces/IConsortiumApp.sol";

/// @title IDataSharing
/// @notice Cross-organisation data sharing with the owner in control and every access on record: a catalogue of
/// datasets (hashes only; the data stays with its owner), access grants (requested, granted or refused, granted
/// automatically by policy, delegated, revoked), a per-access audit trail, and a tamper-evident log of sensitive
/// operations on highly classified datasets.
/// @dev Grant lifecycle: `requestAccess` creates a grant in `Requested`; the owner moves it to `Active`
/// (`grantAccess`) or `Refused` (`refuseAccess`); a matching auto-grant policy makes it `Active` at once. An owner may
/// also grant without a request (`grantDirect`) and a grantee allowed to delegate creates child grants
/// (`delegateAccess`). `Active` ends in `Revoked` (`revokeAccess`) or lapses at `expiresAt`.
///
/// A grant is valid only while it and every ancestor are `Active` and unexpired. Validity is checked by walking UP the
/// delegation chain (at most `MAX_DELEGATION_DEPTH` steps), never down: revoking a parent therefore revokes its whole
/// subtree in O(1) without touching (or even knowing) its children.
///
/// Scope is a bitmask over the dataset's fields (column groups, files or sections listed, bit by bit, in the dataset's
/// metadata document). A bitmask, unlike an opaque scope hash, lets the contract prove that a grant never exceeds what
/// was requested and that a child grant never exceeds its parent (`child & ~parent == 0`), and lets a delegate narrow
/// what it passes on. Purpose is a hash (of the canonical purpose statement) and is inherited unchanged by delegation:
/// data obtained for one purpose cannot be passed on for another.
interface IDataSharing is IConsortiumApp {
    /// @notice Classification of a dataset. `Confidential` and above are "high": every change to such a dataset is
    /// also written to its sensitive-operation log.
    enum Classification {
        Public,
        Internal,
        Confidential,
        Secret
    }

    /// @notice A dataset's lifecycle: retired datasets accept nothing new but their versions stay verifiable.
    enum DatasetStatus {
        None,
        Active,
        Retired
    }

    /// @notice What a version's `contentHash` is: the keccak256 of one file, or the root of a Merkle tree of files
    /// (leaves `keccak256(bytes.concat(keccak256(abi.encode(fileHash))))`, pairs hashed sorted, as OpenZeppelin's
    /// `MerkleProof`).
    enum HashKind {
        ContentHash,
        MerkleRoot
    }

    /// @notice Stored lifecycle of a grant (expiry is derived from time, not stored as a state).
    enum GrantStatus {
        None,
        Requested,
        Refused,
        Active,
        Revoked
    }

    /// @notice Whether a grant may be used now, and if not, why. The first failing reason on the way up the chain.
    enum GrantValidity {
        Valid,
        Unknown,
        NotActive,
        Expired,
        Revoked,
        AncestorExpired,
        AncestorRevoked,
        DatasetRetired,
        DelegatorInactive
    }

    /// @notice Operations written to a highly classified dataset's sensitive-operation log.
    enum SensitiveOperation {
        Register,
        PublishVersion,
        Reclassify,
        SetPolicy,
        Retire,
        Grant,
        Refuse,
        Revoke,
        Delegate
    }

    /// @notice A catalogue entry (three slots). Slot 0 holds what the access path reads and bumps; the two log heads
    /// follow.
    /// @param owner Member that owns the data and decides who may use it.
    /// @param latestVersion Versions run from 1 to this number (version 1's `publishedAt` is the registration time).
    /// @param classification Current classification.
    /// @param status Lifecycle status.
    /// @param fieldMask The fields a grant's scope may name (bit i = field i of the metadata document).
    /// @param sensitiveCount Entries in the sensitive-operation log.
    /// @param accessCount Entries in the access log (accesses recorded so far).
    /// @param accessHead Head of the access log's hash chain (seeded at registration, see `AccessRecorded`).
    /// @param sensitiveHead Head of the sensitive-operation log's hash chain (zero while empty).
    struct Dataset {
        uint32 owner;
        uint32 latestVersion;
        Classification classification;
        DatasetStatus status;
        uint64 fieldMask;
        uint32 sensitiveCount;
        uint64 accessCount;
        bytes32 accessHead;
        bytes32 sensitiveHead;
    }

    /// @notice One published version of a dataset. Old versions stay verifiable for ever.
    /// @param contentHash keccak256 of the file, or a Merkle root of its files (see `hashKind`).
    /// @param metadataHash keccak256 of the canonical metadata document (schema, fields, description).
    /// @param publishedAt Publication time.
    /// @param hashKind What `contentHash` is.
    struct Version {
        bytes32 contentHash;
        bytes32 metadataHash;
        uint64 publishedAt;
        HashKind hashKind;
    }

    /// @notice A grant (or a pending request for one). Slot 0 holds everything the validity walk reads.
    /// @param parentId Grant this one was delegated from (0 for a grant by the owner).
    /// @param datasetId Dataset the grant covers (all its versions).
    /// @param expiresAt The grant is usable while `block.timestamp < expiresAt` (0 while requested).
    /// @param grantee Member the grant is for.
    /// @param depth Delegation depth: 0 for a grant by the owner, parent's depth + 1 for a delegated grant.
    /// @param status Stored lifecycle status.
    /// @param mayDelegate Whether the grantee may delegate (within scope, expiry and `MAX_DELEGATION_DEPTH`).
    /// @param scope Fields granted (or, while requested, asked for).
    /// @param requestedAt When the request (or the grant, if made without request) was created.
    /// @param grantedAt When the grant became active (0 before).
    /// @param revokedAt When the grant was revoked or refused (0 if not).
    /// @param purposeHash keccak256 of the canonical purpose statement.
    struct Grant {
        uint64 parentId;
        uint64 datasetId;
        uint64 expiresAt;
        uint32 grantee;
        uint8 depth;
        GrantStatus status;
        bool mayDelegate;
        uint64 scope;
        uint64 requestedAt;
        uint64 grantedAt;
        uint64 revokedAt;
        bytes32 purposeHash;
    }

    /// @notice A policy under which requests are granted at once, without the owner acting (one slot). Its allowed
    /// purposes are kept beside it (see `setAutoGrantPolicy`).
    /// @param memberKinds Bit `k` set lets members of `IConsortiumRegistry.MemberKind(k)` qualify; 0 disables.
    /// @param mayDelegate Whether auto-granted grants may be delegated.
    /// @param duration Seconds an auto-granted grant lasts.
    /// @param requiredRoles Roles the requesting member must all hold (besides `DATA_CONSUMER`).
    /// @param maxScope Fields an auto-grant may cover; a request for more waits for the owner.
    struct AutoGrantPolicy {
        uint8 memberKinds;
        bool mayDelegate;
        uint32 duration;
        uint64 requiredRoles;
        uint64 maxScope;
    }

    /// @notice A dataset was registered; its first version is announced by `VersionPublished`.
    event DatasetRegistered(
        uint64 indexed datasetId,
        uint32 indexed owner,
        address account,
        Classification classification,
        uint64 fieldMask
    );
    /// @notice A version was published (version 1 at registration).
    event VersionPublished(
        uint64 indexed datasetId,
        uint32 indexed version,
        bytes32 contentHash,
        HashKind hashKind,
        bytes32 metadataHash,
        address account
    );
    /// @notice A dataset's classification changed.
    event ClassificationChanged(
        uint64 indexed datasetId,
        Classification previous,
        Classification current,
        address account
    );
    /// @notice A dataset was retired.
    event DatasetRetired(uint64 indexed datasetId, address account);
    /// @notice The auto-grant policy of a dataset was set (`memberKinds == 0`: disabled).
    event AutoGrantPolicySet(
        uint64 indexed datasetId,
        uint8 memberKinds,
        uint64 requiredRoles,
        uint64 maxScope,
        uint32 duration,
        bool mayDelegate,
        address account
    );
    /// @notice The purposes for which the auto-grant policy of a dataset grants (emitted with every
    /// `AutoGrantPolicySet`; empty when the policy is disabled). Each is the keccak256 of a canonical purpose
    /// statement.
    event AutoGrantPurposesSet(uint64 indexed datasetId, bytes32[] allowedPurposes, address account);
    /// @notice A consumer asked for access.
    event AccessRequested(
        uint64 indexed grantId,
        uint64 indexed datasetId,
        uint32 indexed consumer,
        bytes32 purposeHash,
        uint64 scope,
        address account
    );
    /// @notice A grant became active: on a request by the owner or by policy, directly by the owner, or by
    /// delegation (`parentId != 0`).
    event AccessGranted(
        uint64 indexed grantId,
        uint64 indexed datasetId,
        uint32 indexed grantee,
        uint64 parentId,
        uint8 depth,
        bytes32 purposeHash,
        uint64 scope,
        uint64 expiresAt,
        bool mayDelegate,
        bool byPolicy,
        address account
    );
    /// @notice The owner refused a request.
    event AccessRefused(uint64 indexed grantId, uint64 indexed datasetId, bytes32 reasonHash, address account);
    /// @notice A grant was revoked; every grant delegated from it is invalid from now on.
    event AccessRevoked(
        uint64 indexed grantId,
        uint64 indexed datasetId,
        uint32 indexed byMember,
        bytes32 reasonHash,
        address account
    );
    /// @notice Data was served under a grant: entry `seq` (from 1) of the dataset's access log. Search by `resultHash`
    /// to trace a leaked file to its access, its grant and the consumer's signed request (`accessId`).
    /// @dev The log is a hash chain committed on chain: `head_0 = keccak256(abi.encode(address(this), datasetId))`,
    /// `head_seq = keccak256(abi.encode(head_{seq-1}, seq, accessId, grantId, version, consumer, purposeHash,
    /// resultHash,
    /// block.timestamp))`; replaying the events must reach `dataset(datasetId).accessHead`, so a dropped, altered or
    /// invented record is detected.
    event AccessRecorded(
        bytes32 indexed accessId,
        uint64 indexed grantId,
        bytes32 indexed resultHash,
        uint64 datasetId,
        uint64 seq,
        uint32 version,
        uint32 consumer,
        address consumerAccount,
        bytes32 purposeHash
    );
    /// @notice An entry of a highly classified dataset's sensitive-operation log. `head` chains every entry:
    /// `head = keccak256(abi.encode(previousHead, datasetId, seq, operation, member, account, subjectId, detailHash,
    /// block.timestamp))`; replaying the events must reach `dataset(datasetId).sensitiveHead`.
    event SensitiveOperationRecorded(
        uint64 indexed datasetId,
        uint32 indexed seq,
        SensitiveOperation indexed operation,
        uint32 member,
        address account,
        uint64 subjectId,
        bytes32 detailHash,
        bytes32 head
    );

    /// @notice The dataset does not exist.
    error UnknownDataset(uint64 datasetId);
    /// @notice The dataset is not in the state the action needs.
    error DatasetWrongStatus(uint64 datasetId, DatasetStatus current, DatasetStatus expected);
    /// @notice The caller's member does not own the dataset.
    error NotDatasetOwner(uint64 datasetId, uint32 memberId, uint32 owner);
    /// @notice The version does not exist.
    error UnknownVersion(uint64 datasetId, uint32 version, uint32 latestVersion);
    /// @notice The grant does not exist.
    error UnknownGrant(uint64 grantId);
    /// @notice The grant is not in the state the action needs.
    error GrantWrongStatus(uint64 grantId, GrantStatus current, GrantStatus expected);
    /// @notice The grant (or an ancestor) cannot be used now; `validity` says why.
    error GrantNotValid(uint64 grantId, GrantValidity validity);
    /// @notice The grant covers another dataset.
    error GrantForOtherDataset(uint64 grantId, uint64 grantDatasetId, uint64 datasetId);
    /// @notice The member is not the grant's grantee.
    error NotGrantee(uint64 grantId, uint32 memberId, uint32 grantee);
    /// @notice The caller's member may not revoke this grant (only the owner, the delegator or the grantee may).
    error NotRevoker(uint64 grantId, uint32 memberId);
    /// @notice The scope is empty or names fields outside `allowed`.
    error ScopeNotAllowed(uint64 scope, uint64 allowed);
    /// @notice The expiry is not in the future, or is later than `limit` (the parent's expiry).
    error ExpiryNotAllowed(uint64 expiresAt, uint64 limit);
    /// @notice The parent grant does not allow delegation.
    error DelegationNotAllowed(uint64 parentId);
    /// @notice Delegating would exceed `MAX_DELEGATION_DEPTH`.
    error DelegationTooDeep(uint64 parentId, uint8 depth);
    /// @notice The member cannot receive a grant (not active, or lacks `DATA_CONSUMER`).
    error NotEligibleGrantee(uint32 memberId);
    /// @notice A policy names more allowed purposes than `MAX_POLICY_PURPOSES`.
    error TooManyPolicyPurposes(uint256 count, uint256 max);

    /// @notice Registers a dataset with its first version. By a `DATA_OWNER` member, which becomes its owner.
    /// @param contentHash keccak256 of the file or Merkle root of the files (non-zero).
    /// @param hashKind What `contentHash` is.
    /// @param metadataHash keccak256 of the canonical metadata document (non-zero).
    /// @param classification Classification level.
    /// @param fieldMask Fields a grant may name (non-zero).
    /// @return datasetId The new dataset's id (from 1).
    function registerDataset(
        bytes32 contentHash,
        HashKind hashKind,
        bytes32 metadataHash,
        Classification classification,
        uint64 fieldMask
    ) external returns (uint64 datasetId);

    /// @notice Publishes a new version; earlier versions stay verifiable. By the owner, while active.
    /// @return version The new version number.
    function publishVersion(
        uint64 datasetId,
        bytes32 contentHash,
        HashKind hashKind,
        bytes32 metadataHash
    ) external returns (uint32 version);

    /// @notice Changes the classification. By the owner, while active. Logged as sensitive if either level is high.
    function setClassification(uint64 datasetId, Classification classification) external;

    /// @notice Retires a dataset: no new versions, requests, grants or accesses. By the owner.
    function retireDataset(uint64 datasetId) external;

    /// @notice Sets (or, with `memberKinds == 0`, disables) the auto-grant policy. By the owner, while active.
    /// @dev Allowed purposes are a bounded list of purpose hashes rather than a bitmap of purpose codes: a purpose on
    /// chain is already the keccak256 of its canonical statement (what requests and grants carry and what delegation
    /// inherits), so a list compares like with like and needs no code table that every member would have to agree on
    /// and keep in step. At most `MAX_POLICY_PURPOSES` entries keep the check on every request to a bounded loop
    /// (one storage read per entry); a policy update replaces the whole list.
    /// @param allowedPurposes Purposes a request must declare to be granted by the policy: 1 to `MAX_POLICY_PURPOSES`
    /// distinct non-zero hashes while the policy is enabled, none to disable it.
    function setAutoGrantPolicy(
        uint64 datasetId,
        AutoGrantPolicy calldata policy,
        bytes32[] calldata allowedPurposes
    ) external;

    /// @notice Asks for access to a dataset. By a `DATA_CONSUMER` member. Granted at once if the dataset's policy
    /// matches the member and the scope and allows the purpose; otherwise (another purpose included) left for the
    /// owner.
    /// @param purposeHash keccak256 of the canonical purpose statement (non-zero).
    /// @param scope Fields asked for (non-empty, within the dataset's fields).
    /// @return grantId The request's id, which becomes the grant's id.
    function requestAccess(uint64 datasetId, bytes32 purposeHash, uint64 scope) external returns (uint64 grantId);

    /// @notice Grants a pending request. By the dataset's owner.
    /// @param scope Fields granted: the request's scope or a part of it.
    /// @param expiresAt End of the grant (in the future).
    /// @param mayDelegate Whether the grantee may delegate.
    function grantAccess(uint64 grantId, uint64 scope, uint64 expiresAt, bool mayDelegate) external;

    /// @notice Refuses a pending request. By the dataset's owner.
    function refuseAccess(uint64 grantId, bytes32 reasonHash) external;

    /// @notice Grants access without a request. By the dataset's owner, to an active `DATA_CONSUMER` member.
    /// @return grantId The new grant's id.
    function grantDirect(
        uint64 datasetId,
        uint32 grantee,
        bytes32 purposeHash,
        uint64 scope,
        uint64 expiresAt,
        bool mayDelegate
    ) external returns (uint64 grantId);

    /// @notice Delegates a valid grant that allows it to another active `DATA_CONSUMER` member: same purpose, a scope
    /// within the parent's, an expiry no later than the parent's, depth at most `MAX_DELEGATION_DEPTH`. By the parent's
    /// grantee.
    /// @return grantId The child grant's id.
    function delegateAccess(
        uint64 parentId,
        uint32 grantee,
        uint64 scope,
        uint64 expiresAt,
        bool mayDelegate
    ) external returns (uint64 grantId);

    /// @notice Revokes an active grant and, implicitly, everything delegated from it. By the dataset's owner (any grant
    /// of its dataset), by the delegator (a grant it delegated), or by the grantee (renouncing).
    function revokeAccess(uint64 grantId, bytes32 reasonHash) external;

    /// @notice Records that data was served under a grant: appends to the dataset's access log. By the dataset's owner
    /// (its gateway), before it releases the data. Refused unless the grant and every ancestor are active and
    /// unexpired, the grant covers `datasetId`, the version exists and `consumerAccount` may act now for the grantee
    /// with `DATA_CONSUMER`.
    /// @param accessId Id of the access: the EIP-712 digest of the consumer's signed request (non-zero), so that each
    /// record points at a signature only the consumer could have made.
    /// @param resultHash keccak256 of exactly what was served.
    function recordAccess(
        bytes32 accessId,
        uint64 grantId,
        uint64 datasetId,
        uint32 versionNumber,
        address consumerAccount,
        bytes32 resultHash
    ) external;

    /// @notice Deepest delegation allowed: a grant by the owner is depth 0.
    function MAX_DELEGATION_DEPTH() external view returns (uint8);

    /// @notice Most allowed purposes an auto-grant policy may name.
    function MAX_POLICY_PURPOSES() external view returns (uint8);

    /// @notice A dataset's catalogue entry.
    function dataset(uint64 datasetId) external view returns (Dataset memory);

    /// @notice One version of a dataset.
    function version(uint64 datasetId, uint32 versionNumber) external view returns (Version memory);

    /// @notice Whether `fileHash` is the registered content hash of that version (for a `ContentHash` version).
    function verifyFile(uint64 datasetId, uint32 versionNumber, bytes32 fileHash) external view returns (bool);

    /// @notice Whether `fileHash` belongs to the Merkle tree of that version (for a `MerkleRoot` version).
    function verifyFileInTree(
        uint64 datasetId,
        uint32 versionNumber,
        bytes32 fileHash,
        bytes32[] calldata proof
    ) external view returns (bool);

    /// @notice The auto-grant policy of a dataset.
    function autoGrantPolicy(uint64 datasetId) external view returns (AutoGrantPolicy memory);

    /// @notice The purposes for which the auto-grant policy of a dataset grants (empty while it is disabled).
    function autoGrantPurposes(uint64 datasetId) external view returns (bytes32[] memory);

    /// @notice A grant's record.
    function grant(uint64 grantId) external view returns (Grant memory);

    /// @notice Whether a grant may be used now and, if not, the first reason found walking up its chain.
    function grantValidity(uint64 grantId) external view returns (GrantValidity);

    /// @notice Datasets registered so far (ids 1..n).
    function datasetCount() external view returns (uint64);

    /// @notice Grants and requests created so far (ids 1..n).
    function grantCount() external view returns (uint64);
}
