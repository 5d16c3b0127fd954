// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {InterbankPositions} from "../../contracts/letters-of-credit/InterbankPositions.sol";
import {IInterbankPositions} from "../../contracts/letters-of-credit/interfaces/IInterbankPositions.sol";
import {PlatformFixture} from "./utils/PlatformFixture.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Records random obligations among three banks, releases some, settles some gross and nets random batches
/// of open ones. Every netting run is checked against nets computed independently from the ghost obligations.
contract NettingHandler is PlatformFixture {
    InterbankPositions public positions;
    address[3] internal _banks = [BANK_A, BANK_B, BANK_C];
    uint256 public constant MAX_OPEN = 40;

    struct GhostObligation {
        uint8 debtor;
        uint8 creditor;
        uint128 amount;
    }

    uint256[] internal _open;
    mapping(uint256 id => GhostObligation) internal _ghost;
    bool public ghostNetsDoNotSumToZero;
    bool public ghostNetMismatch;
    bool public ghostBalanceMismatch;
    uint256 public ghostRuns;

    constructor() {
        _deployPlatform();
        positions = InterbankPositions(
            _proxy(
                address(new InterbankPositions(registry, token, ledger)),
                abi.encodeCall(InterbankPositions.initialize, ())
            )
        );
        registry.bootstrapSystemContract(address(positions));
        registry.endBootstrap(3);
        for (uint256 i; i < 3; ++i) {
            _mint(_banks[i], 1e30);
            vm.startPrank(_banks[i]);
            token.approve(address(positions), type(uint256).max);
            positions.setSettlementAccount(_banks[i]);
            for (uint32 grantee = 1; grantee <= 3; ++grantee) {
                if (grantee != i + 1) positions.setCreditLine(grantee, 1e24);
            }
            vm.stopPrank();
        }
    }

    function positionsBalance() external view returns (uint256) {
        return token.balanceOf(address(positions));
    }

    function openCount() external view returns (uint256) {
        return _open.length;
    }

    /// @notice Sum of open ghost obligations from debtor to creditor (bank indexes 0..2).
    function ghostOwed(uint8 debtor, uint8 creditor) external view returns (uint256 sum) {
        for (uint256 i; i < _open.length; ++i) {
            GhostObligation memory g = _ghost[_open[i]];
            if (g.debtor == debtor && g.creditor == creditor) sum += g.amount;
        }
    }

    function record(uint256 debtorSeed, uint256 creditorSeed, uint128 amount) external {
        if (_open.length >= MAX_OPEN) return;
        uint8 debtor = uint8(debtorSeed % 3);
        uint8 creditor = uint8((debtor + 1 + (creditorSeed % 2)) % 3);
        amount = uint128(_bound(amount, 1, 1e18));
        vm.prank(_banks[debtor]);
        uint256 id = positions.recordObligation(creditor + 1, amount, uint40(block.timestamp), bytes32(0));
        _ghost[id] = GhostObligation(debtor, creditor, amount);
        _open.push(id);
    }

    function release(uint256 seed) external {
        if (_open.length == 0) return;
        uint256 index = seed % _open.length;
        uint256 id = _open[index];
        vm.prank(_banks[_ghost[id].creditor]);
        positions.releaseObligation(id);
        _removeAt(index);
    }

    function settleGross(uint256 seed) external {
        if (_open.length == 0) return;
        uint256 index = seed % _open.length;
        uint256 id = _open[index];
        vm.prank(_banks[_ghost[id].debtor]);
        positions.settleObligation(id, bytes32(0));
        _removeAt(index);
    }

    /// @dev Nets `count` open obligations starting at a random offset, checking nets and balances against the ghosts.
    function net(uint256 startSeed, uint256 countSeed) external {
        if (_open.length == 0) return;
        uint256 count = _bound(countSeed, 1, _open.length);
        uint256 start = startSeed % _open.length;
        uint256[] memory batch = new uint256[](count);
        int256[3] memory expected;
        for (uint256 i; i < count; ++i) {
            uint256 id = _open[(start + i) % _open.length];
            batch[i] = id;
            GhostObligation memory g = _ghost[id];
            expected[g.creditor] += int256(uint256(g.amount)); // owed to
            expected[g.debtor] -= int256(uint256(g.amount)); // owes
        }
        uint256[3] memory before;
        for (uint256 b; b < 3; ++b) before[b] = token.balanceOf(_banks[b]);

        vm.prank(_banks[_ghost[batch[0]].debtor]);
        (uint32[] memory banks, int256[] memory nets) = positions.runNetting(batch);
        ++ghostRuns;

        int256 sum;
        for (uint256 k; k < banks.length; ++k) {
            sum += nets[k];
            if (nets[k] != expected[banks[k] - 1]) ghostNetMismatch = true;
        }
        if (sum != 0) ghostNetsDoNotSumToZero = true;
        for (uint256 b; b < 3; ++b) {
            if (int256(token.balanceOf(_banks[b])) - int256(before[b]) != expected[b]) ghostBalanceMismatch = true;
        }
        // drop the netted ids from the open list (they are a contiguous, wrapping run of it)
        for (uint256 i; i < count; ++i) {
            for (uint256 j; j < _open.length; ++j) {
                if (_open[j] == batch[i]) {
                    _removeAt(j);
                    break;
                }
            }
        }
    }

    function _removeAt(uint256 index) internal {
        _open[index] = _open[_open.length - 1];
        _open.pop();
    }
}

/// @notice Invariants of interbank positions and netting.
contract NettingInvariantTest is TestBase {
    NettingHandler internal handler;
    InterbankPositions internal positions;

    function setUp() public {
        handler = new NettingHandler();
        positions = handler.positions();
        _targetContract(address(handler));
    }

    /// @notice In every netting run the net positions sum to zero.
    function invariant_netsSumToZero() public view {
        _assertTrue(!handler.ghostNetsDoNotSumToZero(), "nets do not sum to zero");
    }

    /// @notice In every run each bank's net equals what it is owed minus what it owes in the batch, and its token
    /// balance changes by exactly that net.
    function invariant_netEqualsOwedToMinusOwes() public view {
        _assertTrue(!handler.ghostNetMismatch(), "net != owed to - owes");
        _assertTrue(!handler.ghostBalanceMismatch(), "balance change != net");
    }

    /// @notice Each credit line's use equals the open obligations recorded against it: never above the line.
    function invariant_lineUseEqualsOpenObligations() public view {
        for (uint8 d; d < 3; ++d) {
            for (uint8 c; c < 3; ++c) {
                if (c == d) continue;
                IInterbankPositions.CreditLine memory line = positions.creditLine(c + 1, d + 1);
                _assertEq(line.used, handler.ghostOwed(d, c), "line use != open obligations");
                _assertTrue(line.used <= line.limit, "line exceeded");
            }
        }
    }

    /// @notice The netting contract never keeps tokens: everything paid in is paid out in the same run.
    function invariant_nettingHoldsNothing() public view {
        _assertEq(handler.positionsBalance(), 0, "positions holds tokens");
    }
}
