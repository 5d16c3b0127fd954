// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IssuanceLimits} from "../../contracts/receivables/IssuanceLimits.sol";
import {IIssuanceLimits} from "../../contracts/receivables/interfaces/IIssuanceLimits.sol";
import {IssuanceLimitsAppMock} from "../../contracts/mocks/IssuanceLimitsAppMock.sol";
import {PlatformFixture} from "./utils/PlatformFixture.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Drives random limit changes and withdrawals by three banks for one core enterprise, and confirmations
/// (uses) and redemptions (releases) by an application, before and after the enterprise is first limited.
contract IssuanceLimitsHandler is PlatformFixture {
    uint256 internal constant RECORDS = 6;
    uint256 internal constant MAX_AMOUNT = 1e6;

    IssuanceLimits public limits;
    IssuanceLimitsAppMock internal _app;
    address[3] internal _banks = [BANK_A, BANK_B, BANK_C];
    uint32 public obligor;
    mapping(uint256 record => uint256) public ghostUsed;
    uint256 public ghostUtilised;
    uint256 public ghostRefusedBeyondLimit;
    uint256 public ghostUses;
    uint256 public ghostUnexpected;

    constructor() {
        _deployPlatform();
        limits = IssuanceLimits(
            _proxy(address(new IssuanceLimits(registry)), abi.encodeCall(IssuanceLimits.initialize, ()))
        );
        _app = new IssuanceLimitsAppMock(limits);
        registry.bootstrapSystemContract(address(_app));
        registry.endBootstrap(3);
        obligor = registry.memberOf(CORE);
    }

    function setLimit(uint256 bankSeed, uint256 limit) external {
        limit = _bound(limit, 0, 2 * MAX_AMOUNT);
        vm.prank(_banks[bankSeed % 3]);
        try limits.setLimit(obligor, limit) {} catch {}
    }

    function use(uint256 recordSeed, uint256 amount) external {
        uint256 record = recordSeed % RECORDS;
        amount = _bound(amount, 1, MAX_AMOUNT);
        bool limited = limits.obligorLimits(obligor).limited;
        bool fits = !limited || ghostUtilised + amount <= _activeLimits();
        try _app.use(obligor, record, amount) {
            if (!fits) ++ghostUnexpected;
            ghostUsed[record] += amount;
            ghostUtilised += amount;
            ++ghostUses;
        } catch (bytes memory reason) {
            if (fits) ++ghostUnexpected;
            if (bytes4(reason) == IIssuanceLimits.IssuanceLimitExceeded.selector) ++ghostRefusedBeyondLimit;
        }
    }

    function release(uint256 recordSeed, uint256 amount) external {
        uint256 record = recordSeed % RECORDS;
        amount = _bound(amount, 0, ghostUsed[record]);
        try _app.release(obligor, record, amount) {
            ghostUsed[record] -= amount;
            ghostUtilised -= amount;
        } catch {
            ++ghostUnexpected;
        }
    }

    /// @dev The obligor puts itself under its banks' limits (refused while more is outstanding than they cover).
    function enforce() external {
        vm.prank(CORE);
        try limits.enforceLimits(obligor, true) {} catch {}
    }

    /// @dev A bank withdraws its limit (refused while that would leave the utilisation uncovered).
    function withdraw(uint256 bankSeed) external {
        vm.prank(_banks[bankSeed % 3]);
        try limits.setLimit(obligor, 0) {} catch {}
    }

    function _activeLimits() internal view returns (uint256 sum) {
        uint32[] memory banks = limits.banksOf(obligor);
        for (uint256 i; i < banks.length; ++i) sum += limits.limitOf(obligor, banks[i]);
    }
}

/// @notice Utilisation never above the sum of the limits of a limited obligor, and always what was used minus what
/// was released.
contract IssuanceLimitsInvariantTest is TestBase {
    IssuanceLimitsHandler internal handler;
    IssuanceLimits internal limits;

    function setUp() public {
        handler = new IssuanceLimitsHandler();
        limits = handler.limits();
        _targetContract(address(handler));
    }

    /// @notice The model is exercised: a use beyond the limits is refused and counted; a limit cannot drop below
    /// what is used.
    function test_handlerRefusesBeyondTheLimits() public {
        handler.setLimit(0, 5e5); // bankA 500,000
        handler.enforce(); // core puts itself under the limits
        handler.use(0, 4e5 - 1); // 400,000
        handler.use(1, 2e5 - 1); // 200,000 more: refused
        _assertEq(handler.ghostRefusedBeyondLimit(), 1, "one refusal beyond the limit");
        handler.withdraw(0); // bankA cannot withdraw below utilisation
        _assertEq(limits.limitOf(handler.obligor(), limits.banksOf(handler.obligor())[0]), 5e5, "limit kept");
        handler.release(0, 4e5);
        handler.withdraw(0);
        _assertEq(limits.obligorLimits(handler.obligor()).total, 0, "withdrawn once nothing is used");
        invariant_utilisationNeverAboveTheLimits();
        invariant_utilisationMatchesModel();
        invariant_noUnexpectedOutcome();
    }

    function invariant_utilisationNeverAboveTheLimits() public view {
        IIssuanceLimits.ObligorLimits memory o = limits.obligorLimits(handler.obligor());
        if (o.limited) _assertTrue(o.utilised <= o.total, "utilisation above the limits");
    }

    function invariant_utilisationMatchesModel() public view {
        _assertEq(limits.obligorLimits(handler.obligor()).utilised, handler.ghostUtilised(), "utilisation differs");
    }

    function invariant_noUnexpectedOutcome() public view {
        _assertEq(handler.ghostUnexpected(), 0, "a use or release went against the model");
    }
}
