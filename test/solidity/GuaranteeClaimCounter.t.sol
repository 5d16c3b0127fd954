// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IAuthorityAttestations} from "../../contracts/attestations/interfaces/IAuthorityAttestations.sol";
import {BankGuarantees} from "../../contracts/guarantees/BankGuarantees.sol";
import {ConsortiumCalendar} from "../../contracts/platform/ConsortiumCalendar.sol";
import {IConsortiumCalendar} from "../../contracts/platform/interfaces/IConsortiumCalendar.sol";
import {IBankGuarantees} from "../../contracts/guarantees/interfaces/IBankGuarantees.sol";
import {DocumentRef} from "../../contracts/platform/types/DocumentRef.sol";
import {PlatformFixture} from "./utils/PlatformFixture.sol";

/// @notice The claim counter of a guarantee is 16 bits wide: a beneficiary presenting and withdrawing demands in a
/// loop must not wrap it back to 0 and overwrite its first demand (issue 23's SafeCast bug).
contract GuaranteeClaimCounterTest is PlatformFixture {
    BankGuarantees internal app;
    ConsortiumCalendar internal calendar;
    uint256 internal guaranteeId;

    /// @dev ERC-1967: bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1).
    bytes32 internal constant IMPLEMENTATION_SLOT = 0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc;

    function setUp() public {
        _deployPlatform();
        calendar = ConsortiumCalendar(
            _proxy(address(new ConsortiumCalendar(registry)), abi.encodeCall(ConsortiumCalendar.initialize, (8 hours)))
        );
        app = BankGuarantees(
            _proxy(
                address(
                    new BankGuarantees(
                        registry,
                        token,
                        ledger,
                        IConsortiumCalendar(address(calendar)),
                        IAuthorityAttestations(address(0))
                    )
                ),
                abi.encodeCall(BankGuarantees.initialize, ())
            )
        );
        registry.bootstrapSystemContract(address(app));
        registry.endBootstrap(3);
        IBankGuarantees.Application memory a = IBankGuarantees.Application({
            guarantor: BANK_A,
            beneficiary: CORE,
            kind: IBankGuarantees.GuaranteeKind.Performance,
            currency: "CNY",
            amount: 1_000_000,
            expiry: uint64(block.timestamp + 365 days),
            examinationPeriod: 5 days,
            termsHash: keccak256("terms"),
            tenderReference: keccak256("tender"),
            schedule: new IBankGuarantees.ReductionStep[](0)
        });
        vm.prank(SUPPLIER_1);
        guaranteeId = app.applyFor(a);
        vm.prank(BANK_A);
        app.issue(guaranteeId, keccak256("reference"));
    }

    /// @dev Walking the counter to 65,535 one demand at a time takes 131,070 calls (minutes, gigabytes of trace):
    /// instead the test finds the storage word that holds the counter (the first word `guarantee()` reads in the
    /// contract's own storage, where a present-and-withdraw changes nothing but the counter) and moves the counter
    /// there, whatever the layout. Behind the proxy, the first read is the ERC-1967 implementation slot: skipped.
    function testPresentingAndWithdrawingInALoopNeverOverwritesTheFirstDemand() public {
        vm.startPrank(CORE);
        vm.record();
        app.guarantee(guaranteeId);
        (bytes32[] memory reads, ) = vm.accesses(address(app));
        _assertTrue(reads[0] == IMPLEMENTATION_SLOT, "the proxy reads its implementation first");
        bytes32 word = reads[1];
        bytes32 before = vm.load(address(app), word);
        app.presentClaim(guaranteeId, _demand(777));
        app.withdrawClaim(guaranteeId, 0);
        uint256 one = uint256(vm.load(address(app), word)) - uint256(before);
        _assertEq(app.guarantee(guaranteeId).claimCount, 1, "claim count after one demand");
        // Exactly one bit changed: the counter's lowest. Move the counter to 65,534 demands presented.
        _assertTrue(one != 0 && one & (one - 1) == 0, "the counter word");
        vm.store(address(app), word, bytes32(uint256(before) + one * (type(uint16).max - 1)));
        _assertEq(app.guarantee(guaranteeId).claimCount, type(uint16).max - 1, "claim count moved");

        app.presentClaim(guaranteeId, _demand(1));
        app.withdrawClaim(guaranteeId, type(uint16).max - 1);
        _assertEq(app.guarantee(guaranteeId).claimCount, type(uint16).max, "claim count at its maximum");
        // The next demand would take index 65535 and make the count 65536: refused, not wrapped to 0.
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 16, 65536));
        app.presentClaim(guaranteeId, _demand(5));
        vm.stopPrank();
        IBankGuarantees.Claim memory first = app.claim(guaranteeId, 0);
        _assertEq(first.amount, 777, "first demand's amount");
        _assertEq(uint256(first.state), uint256(IBankGuarantees.ClaimState.Withdrawn), "first demand's state");
    }

    function _demand(uint128 amount) internal pure returns (IBankGuarantees.Demand memory) {
        return
            IBankGuarantees.Demand({
                amount: amount,
                demandHash: keccak256("demand"),
                documents: new DocumentRef[](0),
                extendTo: 0
            });
    }
}
