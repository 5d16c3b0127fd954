// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAuthorityAttestations} from "../../contracts/attestations/interfaces/IAuthorityAttestations.sol";
import {ReceivableCertificate} from "../../contracts/receivables/ReceivableCertificate.sol";
import {IReceivableCertificate} from "../../contracts/receivables/interfaces/IReceivableCertificate.sol";
import {PlatformFixture} from "./utils/PlatformFixture.sol";

/// @notice Fuzz tests of the certificate token's arithmetic and of its desk-only guards. The test contract binds
/// itself as the desk, so it can mint, lock and take locked value directly.
contract ReceivablesCertificateTest is PlatformFixture {
    ReceivableCertificate internal certificates;
    uint256 internal constant SLOT = 7;

    function setUp() public {
        _deployPlatform();
        certificates = ReceivableCertificate(
            _proxy(
                address(new ReceivableCertificate(registry, 2, freezeOrders, IAuthorityAttestations(address(0)))),
                abi.encodeCall(ReceivableCertificate.initialize, ())
            )
        );
        certificates.bindDesk(address(this));
        registry.endBootstrap(3);
    }

    function _mintRoot(uint256 face) internal returns (uint256) {
        return certificates.mint(SUPPLIER_1, SLOT, uint40(block.timestamp + 30 days), face);
    }

    /// @notice A split then a merge back never creates or loses value, whatever the amounts.
    function testFuzz_splitAndMergeConserveValue(uint256 face, uint256 out, uint256 back) public {
        face = _bound(face, 1, type(uint88).max);
        out = _bound(out, 1, face);
        back = _bound(back, 1, out);
        uint256 root = _mintRoot(face);
        vm.prank(SUPPLIER_1);
        uint256 child = certificates.transferFrom(root, SUPPLIER_2, out);
        vm.prank(SUPPLIER_2);
        certificates.transferFrom(child, root, back);
        _assertEq(certificates.balanceOf(root) + certificates.balanceOf(child), face, "value created or lost");
        _assertEq(certificates.balanceOf(child), out - back, "child value");
    }

    /// @notice Locked value never moves: a split succeeds exactly when it fits in the free value.
    function testFuzz_lockedValueCannotMove(uint256 face, uint256 locked, uint256 amount) public {
        face = _bound(face, 2, type(uint88).max);
        locked = _bound(locked, 1, face);
        amount = _bound(amount, 1, face);
        uint256 root = _mintRoot(face);
        certificates.lock(root, locked);
        uint256 free = face - locked;
        vm.prank(SUPPLIER_1);
        if (amount > free) {
            vm.expectRevert(
                abi.encodeWithSelector(IReceivableCertificate.CertificateInsufficientValue.selector, root, free, amount)
            );
        }
        certificates.transferFrom(root, SUPPLIER_2, amount);
        _assertEq(certificates.certificate(root).locked, locked, "lock changed by a transfer");
    }

    /// @notice Taking locked value moves exactly that value to the taker, as a whole transfer when it is all of it.
    function testFuzz_takeLocked(uint256 face, uint256 locked) public {
        face = _bound(face, 1, type(uint88).max);
        locked = _bound(locked, 1, face);
        uint256 root = _mintRoot(face);
        certificates.lock(root, locked);
        uint256 taken = certificates.takeLocked(root, BANK_A, locked);
        _assertEq(certificates.balanceOf(taken), locked, "taken value");
        _assertEq(certificates.certificate(root).locked, 0, "lock left");
        if (locked == face) {
            _assertEq(taken, root, "whole certificate should keep its id");
        } else {
            _assertEq(certificates.balanceOf(root), face - locked, "remaining value");
        }
        _assertTrue(certificates.ownerOf(taken) == BANK_A, "taker does not hold it");
    }

    function test_deskGuardsRejectBadInput() public {
        vm.expectRevert(IReceivableCertificate.CertificateZeroValue.selector);
        certificates.mint(SUPPLIER_1, SLOT, uint40(block.timestamp + 1 days), 0);
        uint256 tooLarge = uint256(type(uint88).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(IReceivableCertificate.CertificateValueTooLarge.selector, tooLarge));
        certificates.mint(SUPPLIER_1, SLOT, uint40(block.timestamp + 1 days), tooLarge);
        uint256 root = _mintRoot(100);
        vm.expectRevert(IReceivableCertificate.CertificateZeroValue.selector);
        certificates.lock(root, 0);
        vm.expectRevert(IReceivableCertificate.CertificateZeroValue.selector);
        certificates.takeLocked(root, BANK_A, 0);
        certificates.lock(root, 10);
        vm.expectRevert(
            abi.encodeWithSelector(IReceivableCertificate.CertificateSelfTransfer.selector, root, SUPPLIER_1)
        );
        certificates.takeLocked(root, SUPPLIER_1, 10);
        vm.expectRevert(abi.encodeWithSelector(IReceivableCertificate.CertificateLockExceeded.selector, root, 10, 11));
        certificates.unlock(root, 11);
        vm.expectRevert(abi.encodeWithSelector(IReceivableCertificate.CertificateLocked.selector, root, 10));
        certificates.burn(root);
    }

    /// @notice Lineage depth is bounded: the 255th tier cannot split further.
    function test_lineageDepthIsBounded() public {
        uint256 id = _mintRoot(1000);
        address holder = SUPPLIER_1;
        for (uint256 tier = 1; tier < type(uint8).max; ++tier) {
            address next = holder == SUPPLIER_1 ? SUPPLIER_2 : SUPPLIER_1;
            vm.prank(holder);
            id = certificates.transferFrom(id, next, 1);
            holder = next;
        }
        (, uint256 root, uint8 tier_) = certificates.lineage(id);
        _assertEq(tier_, 255, "tier");
        _assertEq(root, 1, "root");
        vm.prank(holder);
        vm.expectRevert(abi.encodeWithSelector(IReceivableCertificate.CertificateTooDeep.selector, id));
        certificates.transferFrom(id, SUPPLIER_3, 1);
    }
}
