// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IConsortiumRegistry} from "../../contracts/platform/interfaces/IConsortiumRegistry.sol";
import {DepositToken} from "../../contracts/platform/DepositToken.sol";
import {PlatformFixture} from "./utils/PlatformFixture.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Drives the token with random mints, burns, transfers and suspensions, tracking every holder it touches.
/// @dev startPrank rather than prank: coverage instrumentation makes calls of its own, which would use up a one-call
/// prank before the token call.
contract DepositTokenHandler is PlatformFixture {
    function tokenAddress() external view returns (address) {
        return address(token);
    }

    address[] internal _actors;
    uint256 public ghostMinted;
    uint256 public ghostBurned;
    /// @dev Token calls that succeeded, whatever their kind.
    uint256 public ghostSuccesses;

    constructor() {
        _deployPlatform();
        registry.endBootstrap(3);
        _actors = [BANK_A, BANK_B, BANK_C, CORE, SUPPLIER_1, SUPPLIER_2, SUPPLIER_3];
    }

    function actors() external view returns (address[] memory) {
        return _actors;
    }

    function mint(uint256 actorSeed, uint256 amount) external {
        address to = _actors[actorSeed % _actors.length];
        amount = _bound(amount, 1, 1e18);
        vm.startPrank(BANK_A);
        try token.mint(to, amount) {
            ghostMinted += amount;
            ++ghostSuccesses;
        } catch {}
        vm.stopPrank();
    }

    function burn(uint256 issuerSeed, uint256 amount) external {
        address issuer = issuerSeed % 2 == 0 ? BANK_A : BANK_B;
        amount = _bound(amount, 0, token.balanceOf(issuer));
        vm.startPrank(issuer);
        try token.burn(amount) {
            ghostBurned += amount;
            ++ghostSuccesses;
        } catch {}
        vm.stopPrank();
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _actors[fromSeed % _actors.length];
        address to = _actors[toSeed % _actors.length];
        amount = _bound(amount, 0, token.balanceOf(from));
        vm.startPrank(from);
        try token.transfer(to, amount) {
            ++ghostSuccesses;
        } catch {}
        vm.stopPrank();
    }

    /// @dev Suspends or reinstates a supplier through a real proposal of three banks.
    function toggleSupplier(uint256 seed) external {
        uint32 memberId = uint32(5 + (seed % 3));
        bool active = registry.member(memberId).status == IConsortiumRegistry.MemberStatus.Active;
        bytes memory call =
            active
                ? abi.encodeCall(registry.suspendMember, (memberId))
                : abi.encodeCall(registry.reinstateMember, (memberId));
        vm.startPrank(BANK_A);
        uint256 id = registry.propose(address(registry), call, bytes32(0));
        vm.stopPrank();
        vm.startPrank(BANK_B);
        registry.approve(id);
        vm.stopPrank();
        vm.startPrank(BANK_C);
        registry.approve(id);
        vm.stopPrank();
        vm.startPrank(BANK_A);
        registry.execute(id);
        vm.stopPrank();
    }
}

/// @notice Invariants of the settlement token under random sequences of mint, burn, transfer and suspension.
contract DepositTokenInvariantTest is TestBase {
    DepositTokenHandler internal handler;
    DepositToken internal token;

    function setUp() public {
        handler = new DepositTokenHandler();
        token = DepositToken(handler.tokenAddress());
        _targetContract(address(handler));
        bytes4[] memory actions = new bytes4[](4);
        actions[0] = DepositTokenHandler.mint.selector;
        actions[1] = DepositTokenHandler.burn.selector;
        actions[2] = DepositTokenHandler.transfer.selector;
        actions[3] = DepositTokenHandler.toggleSupplier.selector;
        _targetSelectors(address(handler), actions);
    }

    /// @notice Total supply equals the sum of all balances (every holder is one of the handler's actors).
    function invariant_supplyEqualsSumOfBalances() public view {
        address[] memory actors = handler.actors();
        uint256 sum;
        for (uint256 i; i < actors.length; ++i) sum += token.balanceOf(actors[i]);
        _assertEq(token.totalSupply(), sum, "supply != sum of balances");
    }

    /// @notice Each random sequence really reaches the token (a run whose calls all revert would prove nothing).
    function afterInvariant() public view {
        _assertTrue(handler.ghostSuccesses() > 0, "no token call of the run succeeded");
    }

    /// @notice Supply is exactly what was minted minus what was burned: no value created or lost by transfers.
    function invariant_supplyEqualsMintedMinusBurned() public view {
        _assertEq(token.totalSupply(), handler.ghostMinted() - handler.ghostBurned(), "supply != minted - burned");
    }
}
