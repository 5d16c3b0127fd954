// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAuthorityAttestations} from "../../contracts/attestations/interfaces/IAuthorityAttestations.sol";
import {BankGuarantees} from "../../contracts/guarantees/BankGuarantees.sol";
import {ConsortiumCalendar} from "../../contracts/platform/ConsortiumCalendar.sol";
import {IConsortiumCalendar} from "../../contracts/platform/interfaces/IConsortiumCalendar.sol";
import {IBankGuarantees} from "../../contracts/guarantees/interfaces/IBankGuarantees.sol";
import {DocumentRef} from "../../contracts/platform/types/DocumentRef.sol";
import {PlatformFixture} from "./utils/PlatformFixture.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Drives guarantees through random sequences of application, issue, demands, payments, rejections,
/// extend-or-pay answers, amendments, releases and the passing of time (across reduction dates and expiries).
contract GuaranteeHandler is PlatformFixture {
    BankGuarantees public app;
    ConsortiumCalendar public calendar;
    uint256 public ghostPaidTotal;
    uint256 public ghostOverpayments;
    uint256 public ghostPayments;
    uint256 internal _references;

    constructor() {
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
        _mint(BANK_A, 1e30);
        vm.prank(BANK_A);
        token.approve(address(app), type(uint256).max);
        _mint(BANK_B, 1e30);
        vm.prank(BANK_B);
        token.approve(address(app), type(uint256).max);
    }

    /// @dev Demands under counter-guarantees paid on a demand the guarantor had not paid (must stay 0).
    uint256 public ghostCounterWithoutPaidDemand;
    uint256 public ghostCounterPaidTotal;

    function applyAndIssue(uint256 amount, uint256 days_, uint256 stepSeed) external {
        amount = _bound(amount, 1, 1e24);
        days_ = _bound(days_, 2, 400);
        IBankGuarantees.ReductionStep[] memory steps = new IBankGuarantees.ReductionStep[](stepSeed % 3);
        uint256 stepAmount = amount;
        for (uint256 i; i < steps.length; ++i) {
            stepAmount = stepAmount / 2;
            steps[i] = IBankGuarantees.ReductionStep(
                uint64(block.timestamp + ((i + 1) * days_ * 1 days) / 3),
                uint128(stepAmount)
            );
        }
        IBankGuarantees.Application memory a = IBankGuarantees.Application({
            guarantor: BANK_A,
            beneficiary: CORE,
            kind: IBankGuarantees.GuaranteeKind(stepSeed % 3),
            currency: "CNY",
            amount: uint128(amount),
            expiry: uint64(block.timestamp + days_ * 1 days),
            examinationPeriod: 5 days,
            termsHash: keccak256("terms"),
            tenderReference: keccak256("tender"),
            schedule: steps
        });
        vm.prank(SUPPLIER_1);
        try app.applyFor(a) returns (uint256 id) {
            if (stepSeed % 2 == 0) {
                // bankB instructs: its counter-guarantee backs the guarantee (sometimes for less than its amount)
                vm.prank(BANK_B);
                app.issueCounterGuarantee(
                    id,
                    IBankGuarantees.CounterTerms(
                        uint128(amount / (1 + (stepSeed % 3))) + 1,
                        a.expiry + 30 days,
                        5 days,
                        keccak256("cg")
                    )
                );
            }
            vm.prank(BANK_A);
            app.issue(id, keccak256(abi.encode("ref", ++_references)));
        } catch {}
    }

    function present(uint256 idSeed, uint256 amount, bool extendOrPay) external {
        uint256 id = _id(idSeed);
        if (id == 0) return;
        uint256 availableNow = app.available(id);
        // One attempt in four asks for more than is available: the contract must refuse it.
        amount = amount % 4 == 0 ? availableNow + 1 : _bound(amount, 1, availableNow == 0 ? 1 : availableNow);
        IBankGuarantees.Demand memory d = IBankGuarantees.Demand({
            amount: uint128(amount),
            demandHash: keccak256("demand"),
            documents: new DocumentRef[](0),
            extendTo: extendOrPay ? uint64(app.guarantee(id).expiry + 30 days) : 0
        });
        vm.prank(CORE);
        try app.presentClaim(id, d) {} catch {}
    }

    function pay(uint256 idSeed, bool offChain) external {
        uint256 id = _id(idSeed);
        if (id == 0) return;
        IBankGuarantees.Guarantee memory g = app.guarantee(id);
        if (g.claimCount == 0) return;
        uint256 index = g.claimCount - 1;
        uint256 amount = app.claim(id, index).amount;
        uint256 before = token.balanceOf(CORE);
        vm.prank(BANK_A);
        try app.payClaim(id, index, offChain ? keccak256(abi.encode("pay", id, index)) : bytes32(0)) {
            ++ghostPayments;
            ghostPaidTotal += amount;
            if (app.guarantee(id).paid > g.amount) ++ghostOverpayments;
            if (!offChain && token.balanceOf(CORE) != before + amount) ++ghostOverpayments;
            if (offChain) ghostOffChain += amount;
        } catch {}
    }

    uint256 public ghostOffChain;

    /// @notice The guarantor demands under the counter-guarantee on any demand (paid or not): the contract decides.
    function counterDemand(uint256 idSeed, uint256 claimSeed, uint256 amount) external {
        uint256 id = _id(idSeed);
        if (id == 0) return;
        uint256 claims = app.guarantee(id).claimCount;
        if (claims == 0) return;
        uint256 index = claimSeed % claims;
        amount = _bound(amount, 1, app.claim(id, index).amount + 1);
        vm.prank(BANK_A);
        try app.demandUnderCounterGuarantee(id, index, uint128(amount), keccak256("statement")) {} catch {}
    }

    function counterPay(uint256 idSeed, bool reject_) external {
        uint256 id = _id(idSeed);
        if (id == 0) return;
        IBankGuarantees.CounterGuarantee memory cg = app.counterGuarantee(id);
        vm.prank(BANK_B);
        if (reject_) {
            try app.rejectCounterDemand(id, keccak256("reasons")) {} catch {}
            return;
        }
        try app.payCounterDemand(id, bytes32(0)) {
            ghostCounterPaidTotal += cg.demanded;
            if (app.claim(id, cg.claimIndex).state != IBankGuarantees.ClaimState.Paid) ++ghostCounterWithoutPaidDemand;
        } catch {}
    }

    function reject(uint256 idSeed) external {
        uint256 id = _id(idSeed);
        if (id == 0) return;
        uint16 count = app.guarantee(id).claimCount;
        if (count == 0) return;
        vm.prank(BANK_A);
        try app.rejectClaim(id, count - 1, keccak256("reasons")) {} catch {}
    }

    function extend(uint256 idSeed) external {
        uint256 id = _id(idSeed);
        if (id == 0) return;
        uint16 count = app.guarantee(id).claimCount;
        if (count == 0) return;
        vm.prank(BANK_A);
        try app.extendInsteadOfPaying(id, count - 1) {} catch {}
    }

    function amend(uint256 idSeed, uint256 amount, uint256 days_, bool accept) external {
        uint256 id = _id(idSeed);
        if (id == 0) return;
        amount = _bound(amount, 1, 1e24);
        days_ = _bound(days_, 1, 400);
        vm.prank(BANK_A);
        try
            app.proposeAmendment(id, uint128(amount), uint64(block.timestamp + days_ * 1 days), keccak256("amend"))
        {} catch {}
        vm.prank(CORE);
        try app.answerAmendment(id, accept) {} catch {}
    }

    function release(uint256 idSeed) external {
        uint256 id = _id(idSeed);
        if (id == 0) return;
        vm.prank(CORE);
        try app.release(id) {} catch {}
    }

    function expire(uint256 idSeed) external {
        uint256 id = _id(idSeed);
        if (id == 0) return;
        vm.prank(BANK_B);
        try app.expire(id) {} catch {}
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + _bound(seconds_, 1, 40 days));
    }

    function tokenBalance() external view returns (uint256) {
        return token.balanceOf(CORE);
    }

    function _id(uint256 seed) internal view returns (uint256) {
        uint256 count = app.guaranteeCount();
        return count == 0 ? 0 : 1 + (seed % count);
    }
}

/// @notice A guarantee's paid total never exceeds its amount; paid demands are exactly the tokens the beneficiary
/// received (plus recorded off-chain payments).
contract GuaranteeInvariantTest is TestBase {
    GuaranteeHandler internal handler;
    BankGuarantees internal app;

    function setUp() public {
        handler = new GuaranteeHandler();
        app = handler.app();
        _targetContract(address(handler));
    }

    function invariant_paidNeverExceedsAmount() public view {
        uint256 count = app.guaranteeCount();
        for (uint256 id = 1; id <= count; ++id) {
            IBankGuarantees.Guarantee memory g = app.guarantee(id);
            _assertTrue(g.paid <= g.amount, "paid > amount");
        }
        _assertEq(handler.ghostOverpayments(), 0, "a payment exceeded the amount or moved the wrong sum");
    }

    function invariant_paidTotalsMatchMoneyMoved() public view {
        uint256 count = app.guaranteeCount();
        uint256 sum;
        for (uint256 id = 1; id <= count; ++id) sum += app.guarantee(id).paid;
        _assertEq(sum, handler.ghostPaidTotal(), "sum of paid != payments made");
        _assertEq(
            handler.tokenBalance(),
            handler.ghostPaidTotal() - handler.ghostOffChain(),
            "beneficiary tokens != paid in tokens"
        );
    }

    /// @notice A counter-guarantee is paid only after a complying (paid) demand under the guarantee, never for more
    /// than the guarantor paid under it, nor more than its own amount (issue 19).
    function invariant_counterGuaranteePaidOnlyAfterPaidDemand() public view {
        _assertEq(handler.ghostCounterWithoutPaidDemand(), 0, "counter-guarantee paid without a paid demand");
        uint256 count = app.guaranteeCount();
        uint256 sum;
        for (uint256 id = 1; id <= count; ++id) {
            IBankGuarantees.CounterGuarantee memory cg = app.counterGuarantee(id);
            _assertTrue(cg.paid <= app.guarantee(id).paid, "counter-guarantee paid more than the guarantor paid");
            _assertTrue(cg.paid <= cg.amount, "counter-guarantee paid above its amount");
            sum += cg.paid;
        }
        _assertEq(sum, handler.ghostCounterPaidTotal(), "counter-guarantee paid totals != payments made");
    }

    function invariant_exhaustedMeansNothingAvailable() public view {
        uint256 count = app.guaranteeCount();
        for (uint256 id = 1; id <= count; ++id) {
            IBankGuarantees.Guarantee memory g = app.guarantee(id);
            if (g.state == IBankGuarantees.GuaranteeState.Exhausted) {
                _assertEq(app.available(id), 0, "exhausted with something available");
            }
        }
    }
}

/// @notice Fuzz tests of the reduction schedule.
contract GuaranteeScheduleFuzzTest is PlatformFixture {
    BankGuarantees internal app;
    ConsortiumCalendar internal calendar;

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
        registry.endBootstrap(3);
    }

    /// @notice The amount never rises with time and never exceeds the issued amount.
    function testFuzz_amountNeverRisesWithTime(uint128 amount, uint64 t1, uint64 t2) public {
        amount = uint128(_bound(amount, 8, type(uint128).max));
        IBankGuarantees.ReductionStep[] memory steps = new IBankGuarantees.ReductionStep[](3);
        for (uint256 i; i < 3; ++i) {
            steps[i] = IBankGuarantees.ReductionStep(
                uint64(block.timestamp + (i + 1) * 10 days),
                amount / uint128(2 ** (i + 1))
            );
        }
        IBankGuarantees.Application memory a = IBankGuarantees.Application({
            guarantor: BANK_A,
            beneficiary: CORE,
            kind: IBankGuarantees.GuaranteeKind.AdvancePayment,
            currency: "CNY",
            amount: amount,
            expiry: uint64(block.timestamp + 100 days),
            examinationPeriod: 5 days,
            termsHash: keccak256("terms"),
            tenderReference: bytes32(0),
            schedule: steps
        });
        vm.prank(SUPPLIER_1);
        uint256 id = app.applyFor(a);
        if (t1 > t2) (t1, t2) = (t2, t1);
        uint128 early = app.amountAt(id, t1);
        uint128 late = app.amountAt(id, t2);
        _assertTrue(late <= early, "amount rose with time");
        _assertTrue(early <= amount, "amount above issued");
    }
}
