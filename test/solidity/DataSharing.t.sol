// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {DataSharing} from "../../contracts/data-sharing/DataSharing.sol";
import {IDataSharing} from "../../contracts/data-sharing/interfaces/IDataSharing.sol";
import {PlatformFixture} from "./utils/PlatformFixture.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Drives DataSharing with random requests, grants, delegations, revocations and access records by the
/// seeded members, moving time forward by at least one second before every step (so that "revoked before" and
/// "recorded before" never share a timestamp). Ghosts: every access the contract accepted, and the access-log chain.
contract DataSharingHandler is PlatformFixture {
    DataSharing public data;

    struct GhostAccess {
        uint64 grantId;
        uint64 recordedAt;
    }

    GhostAccess[] internal _ghostAccesses;
    mapping(uint64 datasetId => bytes32) public ghostHead;
    mapping(uint64 datasetId => uint64) public ghostCount;
    uint256 internal _nonce;

    bytes32 internal constant PURPOSE = keccak256("purpose");
    uint64 internal constant DATASETS = 2;
    uint32 internal constant MEMBERS = 7; // banks A-C, core, suppliers 1-3 (the regulator holds no data role)

    constructor() {
        _deployPlatform();
        registry.endBootstrap(3);
        data = DataSharing(_proxy(address(new DataSharing(registry)), abi.encodeCall(DataSharing.initialize, ())));
        vm.prank(CORE);
        data.registerDataset(
            keccak256("f1"),
            IDataSharing.HashKind.ContentHash,
            keccak256("m1"),
            IDataSharing.Classification.Internal,
            0xf
        );
        vm.prank(SUPPLIER_1);
        data.registerDataset(
            keccak256("f2"),
            IDataSharing.HashKind.ContentHash,
            keccak256("m2"),
            IDataSharing.Classification.Secret,
            0xf
        );
        for (uint64 id = 1; id <= DATASETS; ++id) ghostHead[id] = keccak256(abi.encode(address(data), id));
    }

    function ghostAccessCount() external view returns (uint256) {
        return _ghostAccesses.length;
    }

    function ghostAccess(uint256 i) external view returns (GhostAccess memory) {
        return _ghostAccesses[i];
    }

    function request(uint256 memberSeed, uint256 datasetSeed, uint64 scope) external {
        _tick(memberSeed);
        vm.prank(_account(_member(memberSeed)));
        try data.requestAccess(_dataset(datasetSeed), PURPOSE, uint64(_bound(scope, 1, 0xf))) {} catch {}
    }

    function grant(uint256 grantSeed, uint64 scope, uint256 duration, bool mayDelegate) external {
        _tick(duration);
        uint64 grantId = _grantIn(grantSeed, IDataSharing.GrantStatus.Requested);
        if (grantId == 0) return;
        vm.prank(_ownerOf(grantId));
        try
            data.grantAccess(
                grantId,
                uint64(_bound(scope, 1, 0xf)),
                uint64(block.timestamp + _bound(duration, 1 hours, 30 days)),
                mayDelegate || grantSeed % 4 != 0
            )
        {} catch {}
    }

    /// @dev Half the time the scope and expiry are fitted inside the parent's (so that chains grow), half the time
    /// they are raw (so that the contract's bounds are what stops an oversized child).
    function delegate(
        uint256 grantSeed,
        uint256 memberSeed,
        uint64 scope,
        uint256 duration,
        bool mayDelegate
    ) external {
        _tick(duration);
        uint64 parentId = _grantIn(grantSeed, IDataSharing.GrantStatus.Active);
        if (parentId == 0) return;
        IDataSharing.Grant memory p = data.grant(parentId);
        uint64 expiresAt = uint64(block.timestamp + _bound(duration, 1 hours, 40 days));
        if (grantSeed % 2 == 0) {
            scope = scope & p.scope == 0 ? p.scope : scope & p.scope;
            if (p.expiresAt > block.timestamp) expiresAt = uint64(_bound(duration, block.timestamp + 1, p.expiresAt));
        } else {
            scope = uint64(_bound(scope, 1, 0xf));
        }
        uint32 grantee = _member(memberSeed);
        if (grantee == p.grantee) grantee = _member(memberSeed + 1);
        vm.prank(_account(p.grantee));
        try data.delegateAccess(parentId, grantee, scope, expiresAt, mayDelegate || grantSeed % 3 != 0) {} catch {}
    }

    function revoke(uint256 grantSeed, bool byOwner) external {
        _tick(grantSeed);
        uint64 grantId = _grantIn(grantSeed, IDataSharing.GrantStatus.Active);
        if (grantId == 0) return;
        vm.prank(byOwner ? _ownerOf(grantId) : _account(data.grant(grantId).grantee));
        try data.revokeAccess(grantId, keccak256("reason")) {} catch {}
    }

    /// @dev The attack the ancestor walk exists for: revoke (as owner) the parent of an active delegated grant.
    function revokeParentOfChild(uint256 seed) external {
        _tick(seed);
        uint64 count = data.grantCount();
        for (uint64 i; i < count; ++i) {
            uint64 id = uint64(1 + ((seed + i) % count));
            IDataSharing.Grant memory g = data.grant(id);
            if (g.parentId == 0 || g.status != IDataSharing.GrantStatus.Active) continue;
            vm.prank(_ownerOf(id));
            try data.revokeAccess(g.parentId, keccak256("parent")) {} catch {}
            return;
        }
    }

    /// @dev Mostly the grantee's account, sometimes another member's; the dataset is the grant's or another one.
    function record(uint256 grantSeed, uint256 consumerSeed, uint256 datasetSeed) external {
        _tick(consumerSeed);
        uint64 grantId = grantSeed % 2 == 0 ? _activeChild(grantSeed) : 0;
        if (grantId == 0) grantId = _grantIn(grantSeed, IDataSharing.GrantStatus.Active);
        if (grantId == 0) return;
        IDataSharing.Grant memory g = data.grant(grantId);
        uint64 datasetId = datasetSeed % 4 == 0 ? _dataset(datasetSeed) : g.datasetId;
        address consumer = consumerSeed % 4 == 0 ? _account(_member(consumerSeed)) : _account(g.grantee);
        bytes32 accessId = keccak256(abi.encode("access", ++_nonce));
        bytes32 resultHash = keccak256(abi.encode("result", _nonce));
        vm.prank(_ownerOf(grantId));
        try data.recordAccess(accessId, grantId, datasetId, 1, consumer, resultHash) {
            _ghostAccesses.push(GhostAccess(grantId, uint64(block.timestamp)));
            uint64 seq = ++ghostCount[datasetId];
            ghostHead[datasetId] = keccak256(
                abi.encode(
                    ghostHead[datasetId],
                    seq,
                    accessId,
                    grantId,
                    uint32(1),
                    g.grantee,
                    g.purposeHash,
                    resultHash,
                    block.timestamp
                )
            );
        } catch {}
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + _bound(seconds_, 1, 10 days));
    }

    function _tick(uint256 seed) internal {
        vm.warp(block.timestamp + 1 + (seed % 1 days));
    }

    function _member(uint256 seed) internal pure returns (uint32) {
        return uint32(1 + (seed % MEMBERS));
    }

    function _account(uint32 memberId) internal pure returns (address) {
        return address(uint160(0x1000 + memberId));
    }

    function _dataset(uint256 seed) internal pure returns (uint64) {
        return uint64(1 + (seed % DATASETS));
    }

    /// @dev A grant in `status` found from a random start (any grant if none is), so that steps are rarely wasted.
    function _grantIn(uint256 seed, IDataSharing.GrantStatus status) internal view returns (uint64) {
        uint64 count = data.grantCount();
        if (count == 0) return 0;
        for (uint64 i; i < count; ++i) {
            uint64 id = uint64(1 + ((seed + i) % count));
            if (data.grant(id).status == status) return id;
        }
        return uint64(1 + (seed % count));
    }

    /// @dev An active delegated grant (0 if none): accesses under delegated grants are the interesting ones.
    function _activeChild(uint256 seed) internal view returns (uint64) {
        uint64 count = data.grantCount();
        for (uint64 i; i < count; ++i) {
            uint64 id = uint64(1 + ((seed + i) % count));
            IDataSharing.Grant memory g = data.grant(id);
            if (g.parentId != 0 && g.status == IDataSharing.GrantStatus.Active) return id;
        }
        return 0;
    }

    function _ownerOf(uint64 grantId) internal view returns (address) {
        return _account(data.dataset(data.grant(grantId).datasetId).owner);
    }
}

/// @notice Invariants of DataSharing: no access without a grant that was valid (with all its ancestors) at its time;
/// no child grant outlives or exceeds its parent; the on-chain access log commits to exactly the accepted accesses.
contract DataSharingInvariantTest is TestBase {
    DataSharingHandler internal handler;
    DataSharing internal data;

    function setUp() public {
        handler = new DataSharingHandler();
        data = handler.data();
        _targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](7);
        selectors[6] = DataSharingHandler.revokeParentOfChild.selector;
        selectors[0] = DataSharingHandler.request.selector;
        selectors[1] = DataSharingHandler.grant.selector;
        selectors[2] = DataSharingHandler.delegate.selector;
        selectors[3] = DataSharingHandler.revoke.selector;
        selectors[4] = DataSharingHandler.record.selector;
        selectors[5] = DataSharingHandler.warp.selector;
        _targetSelectors(address(handler), selectors);
    }

    /// @notice Every accepted access: its grant and every ancestor were granted by then, not yet expired, and not
    /// revoked before it (`revokedAt` is 0 or later: each handler step moves time forward).
    function invariant_noAccessWithoutValidGrantAtItsTime() public view {
        uint256 n = handler.ghostAccessCount();
        for (uint256 i; i < n; ++i) {
            DataSharingHandler.GhostAccess memory a = handler.ghostAccess(i);
            uint64 id = a.grantId;
            for (uint256 hops; id != 0; ++hops) {
                _assertTrue(hops <= data.MAX_DELEGATION_DEPTH(), "chain deeper than MAX_DELEGATION_DEPTH");
                IDataSharing.Grant memory g = data.grant(id);
                _assertTrue(
                    g.status == IDataSharing.GrantStatus.Active || g.status == IDataSharing.GrantStatus.Revoked,
                    "access under a grant never active"
                );
                _assertTrue(g.grantedAt != 0 && g.grantedAt <= a.recordedAt, "access before the grant");
                _assertTrue(a.recordedAt < g.expiresAt, "access after expiry");
                _assertTrue(g.revokedAt == 0 || g.revokedAt > a.recordedAt, "access after revocation");
                id = g.parentId;
            }
        }
    }

    /// @notice A child grant never outlives or exceeds its parent, keeps its purpose and dataset, and is one level
    /// deeper, at most MAX_DELEGATION_DEPTH.
    function invariant_childWithinParent() public view {
        uint64 count = data.grantCount();
        for (uint64 id = 1; id <= count; ++id) {
            IDataSharing.Grant memory g = data.grant(id);
            if (g.parentId == 0) {
                _assertEq(g.depth, 0, "root grant with depth");
                continue;
            }
            IDataSharing.Grant memory p = data.grant(g.parentId);
            _assertTrue(g.expiresAt <= p.expiresAt, "child outlives parent");
            _assertEq(g.scope & ~p.scope, 0, "child scope exceeds parent");
            _assertEq(g.depth, uint256(p.depth) + 1, "depth");
            _assertTrue(g.depth <= data.MAX_DELEGATION_DEPTH(), "too deep");
            _assertTrue(g.purposeHash == p.purposeHash, "purpose changed");
            _assertEq(g.datasetId, p.datasetId, "dataset changed");
            _assertTrue(g.grantedAt >= p.grantedAt, "child before parent");
        }
    }

    /// @notice The access log on chain (count and hash-chain head) is exactly the accepted accesses, in order.
    function invariant_accessLogCommitsToAcceptedAccesses() public view {
        for (uint64 id = 1; id <= 2; ++id) {
            IDataSharing.Dataset memory d = data.dataset(id);
            _assertEq(d.accessCount, handler.ghostCount(id), "access count");
            _assertTrue(d.accessHead == handler.ghostHead(id), "access log head");
        }
    }
}
