// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IDataSharing} from "../../contracts/data-sharing/interfaces/IDataSharing.sol";
import {DataSharingHandler} from "./DataSharing.t.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Deterministic scenarios and fuzz tests on the same handler the invariant test drives.
contract DataSharingScenariosTest is TestBase {
    DataSharingHandler internal handler;

    function setUp() public {
        handler = new DataSharingHandler();
    }

    /// @notice The attack the upward walk exists for: a parent is revoked, its child is untouched, and yet no access
    /// is accepted under the child.
    function test_revokedParentBlocksAccessUnderChild() public {
        handler.request(0, 0, 3);
        handler.grant(0, 3, 10 days, true);
        handler.delegate(0, 1, 1, 5 days, true);
        _assertEq(handler.data().grantCount(), 2, "delegated");
        handler.revokeParentOfChild(0);
        _assertEq(uint8(handler.data().grant(1).status), uint8(IDataSharing.GrantStatus.Revoked), "parent revoked");
        _assertEq(uint8(handler.data().grant(2).status), uint8(IDataSharing.GrantStatus.Active), "child untouched");
        handler.record(0, 1, 1);
        _assertEq(handler.ghostAccessCount(), 0, "access under a child of a revoked parent");
        _assertEq(
            uint8(handler.data().grantValidity(2)),
            uint8(IDataSharing.GrantValidity.AncestorRevoked),
            "validity"
        );
    }

    /// @notice Whatever scope and expiry a delegate asks for, a child that exists lies within its parent.
    function testFuzz_delegationNeverExceedsParent(uint64 scope, uint256 duration, uint256 memberSeed) public {
        handler.request(0, 0, 0xf);
        handler.grant(1, 0x5, 10 days, true); // parent: fields 0 and 2
        handler.delegate(1, memberSeed, scope, duration, true); // odd seed: raw scope and expiry
        IDataSharing.Grant memory parent = handler.data().grant(1);
        if (handler.data().grantCount() < 2) return;
        IDataSharing.Grant memory child = handler.data().grant(2);
        _assertEq(child.scope & ~parent.scope, 0, "scope");
        _assertTrue(child.expiresAt <= parent.expiresAt, "expiry");
        _assertEq(child.depth, 1, "depth");
    }
}
