// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {InterbankPositions} from "../../contracts/letters-of-credit/InterbankPositions.sol";
import {DepositToken} from "../../contracts/platform/DepositToken.sol";
import {IInterbankPositions} from "../../contracts/letters-of-credit/interfaces/IInterbankPositions.sol";
import {PlatformFixture} from "./utils/PlatformFixture.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Records random obligations among three banks, releases some, settles some gross, lowers allowances and nets
/// random batches of open ones. Every netting run is checked against a model computed independently from the ghost
/// obligations and each bank's balance and allowance: which banks it excludes for a shortfall, and the others' nets.
/// Obligations are in two currencies (0: the settlement token, 1: a second deposit token); a run nets one currency,
/// and a batch mixing both is refused.
contract NettingHandler is PlatformFixture {
    InterbankPositions public positions;
    /// @notice The deposit token of currency 1.
    DepositToken public token1;
    address[3] internal _banks = [BANK_A, BANK_B, BANK_C];
    uint256 public constant MAX_OPEN = 40;

    struct GhostObligation {
        uint8 debtor;
        uint8 creditor;
        uint128 amount;
        uint16 currency;
    }

    uint256[] internal _open;
    uint16 internal _runCurrency;
    uint256[3] internal _otherBefore; // the banks' balances of the other currency's token before a run
    mapping(uint256 id => GhostObligation) internal _ghost;
    bool public ghostNetsDoNotSumToZero;
    bool public ghostNetMismatch;
    bool public ghostBalanceMismatch;
    bool public ghostModelMismatch;
    bool public ghostExcludedNotOpen;
    bool public ghostShortfallMismatch;
    bool public ghostMixedNotRefused;
    uint256 public ghostRunsInCurrency1;
    uint256 public ghostRuns;
    uint256 public ghostRunsWithExclusions;
    uint256 public ghostRunsRefused;
    uint256 public constant TOTAL_SUPPLY = 3e30;

    constructor() {
        _deployPlatform();
        positions = InterbankPositions(
            _proxy(
                address(new InterbankPositions(registry, token, ledger)),
                abi.encodeCall(InterbankPositions.initialize, ())
            )
        );
        registry.bootstrapSystemContract(address(positions));
        token1 = DepositToken(
            _proxy(
                address(new DepositToken(registry, freezeOrders)),
                abi.encodeCall(DepositToken.initialize, ("Consortia Deposit USD", "dUSD", 2))
            )
        );
        vm.prank(address(registry));
        positions.setCurrencyToken(1, address(token1));
        registry.endBootstrap(3);
        for (uint256 i; i < 3; ++i) {
            _mint(_banks[i], TOTAL_SUPPLY / 3);
            vm.prank(BANK_A);
            token1.mint(_banks[i], TOTAL_SUPPLY / 3);
            vm.startPrank(_banks[i]);
            token.approve(address(positions), type(uint256).max);
            token1.approve(address(positions), type(uint256).max);
            positions.setSettlementAccount(_banks[i]);
            for (uint32 grantee = 1; grantee <= 3; ++grantee) {
                if (grantee != i + 1) positions.setCreditLine(grantee, 1e24);
            }
            vm.stopPrank();
        }
    }

    /// @notice The deposit token of `currency` (0 or 1).
    function tokenOf(uint16 currency) public view returns (DepositToken) {
        return currency == 0 ? token : token1;
    }

    function positionsBalance(uint16 currency) external view returns (uint256) {
        return tokenOf(currency).balanceOf(address(positions));
    }

    /// @notice Tokens of `currency` held by the three banks and the netting contract together.
    function heldValue(uint16 currency) external view returns (uint256 sum) {
        DepositToken t = tokenOf(currency);
        for (uint256 b; b < 3; ++b) sum += t.balanceOf(_banks[b]);
        sum += t.balanceOf(address(positions));
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
        _recordIn(0, debtorSeed, creditorSeed, amount);
    }

    /// @notice Records an obligation in currency `currencySeed % 2` (currency 0 through `recordObligation`).
    function recordIn(uint256 currencySeed, uint256 debtorSeed, uint256 creditorSeed, uint128 amount) external {
        _recordIn(uint16(currencySeed % 2), debtorSeed, creditorSeed, amount);
    }

    function _recordIn(uint16 currency, uint256 debtorSeed, uint256 creditorSeed, uint128 amount) internal {
        if (_open.length >= MAX_OPEN) return;
        uint8 debtor = uint8(debtorSeed % 3);
        uint8 creditor = uint8((debtor + 1 + (creditorSeed % 2)) % 3);
        amount = uint128(_bound(amount, 1, 1e18));
        vm.prank(_banks[debtor]);
        uint256 id =
            currency == 0
                ? positions.recordObligation(creditor + 1, amount, uint40(block.timestamp), bytes32(0))
                : positions.recordObligationIn(currency, creditor + 1, amount, uint40(block.timestamp), bytes32(0));
        _ghost[id] = GhostObligation(debtor, creditor, amount, currency);
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

    /// @notice Lowers (or restores) a bank's allowance to the netting contract, so some runs find it short.
    function limitAllowance(uint256 bankSeed, uint256 amount) external {
        uint256 b = bankSeed % 3;
        amount = amount % 4 == 0 ? type(uint256).max : _bound(amount, 0, 3e18);
        // bank seeds 3-5 limit the allowance in currency 1 (bounded seeds keep the tests below on currency 0)
        DepositToken t = tokenOf(uint16((bankSeed / 3) % 2));
        vm.prank(_banks[b]);
        t.approve(address(positions), amount);
    }

    /// @notice A batch with obligations in both currencies is refused whole, and changes nothing.
    function netMixed(uint256 seedA, uint256 seedB) external {
        if (_open.length < 2) return;
        uint256 a = _open[seedA % _open.length];
        uint256 b = _open[seedB % _open.length];
        if (_ghost[a].currency == _ghost[b].currency) return;
        uint256[] memory batch = new uint256[](2);
        (batch[0], batch[1]) = (a, b);
        vm.prank(_banks[_ghost[a].debtor]);
        try positions.runNetting(batch) {
            ghostMixedNotRefused = true;
        } catch (bytes memory reason) {
            if (bytes4(reason) != IInterbankPositions.NettingCurrencyMixed.selector) ghostMixedNotRefused = true;
        }
    }

    /// @dev Nets `count` open obligations starting at a random offset, checking nets, exclusions and balances against
    /// a model computed independently from the ghost obligations and each bank's balance and allowance.
    function net(uint256 startSeed, uint256 countSeed) external {
        if (_open.length == 0) return;
        uint256[] memory batch = _batchOf(startSeed, countSeed);
        uint256 count = batch.length;
        _snapshotOther(_ghost[batch[0]].currency);
        (int256[3] memory expected, uint256 excluded, bool settles) = _model(batch, tokenOf(_runCurrency));
        uint256[3] memory before;
        for (uint256 b; b < 3; ++b) before[b] = tokenOf(_runCurrency).balanceOf(_banks[b]);

        // The initiator: a party to an obligation that settles (a bank excluded for its own shortfall may not run
        // it, test/letters-of-credit/interbank-positions.test.ts), else the first obligation's debtor.
        uint8 initiator = _ghost[batch[0]].debtor;
        for (uint256 i; i < count; ++i) {
            GhostObligation memory g = _ghost[batch[i]];
            if (((excluded >> g.debtor) | (excluded >> g.creditor)) & 1 == 0) {
                initiator = g.debtor;
                break;
            }
        }
        vm.prank(_banks[initiator]);
        try positions.runNetting(batch) returns (uint32[] memory banks, int256[] memory nets) {
            ++ghostRuns;
            _checkOtherUnmoved();
            if (!settles) ghostModelMismatch = true;
            if (excluded != 0) ++ghostRunsWithExclusions;
            int256 sum;
            for (uint256 k; k < banks.length; ++k) {
                sum += nets[k];
                if ((excluded >> (banks[k] - 1)) & 1 == 1) ghostModelMismatch = true; // an excluded bank settled
                if (nets[k] != expected[banks[k] - 1]) ghostNetMismatch = true;
            }
            if (sum != 0) ghostNetsDoNotSumToZero = true;
            // the run records a shortfall for exactly the banks it left out
            uint256 runId = positions.nettingRunCount();
            for (uint256 b; b < 3; ++b) {
                bool recorded = positions.nettingShortfall(runId, uint32(b + 1)) != 0;
                if (recorded != ((excluded >> b) & 1 == 1)) ghostShortfallMismatch = true;
            }
            for (uint256 b; b < 3; ++b) {
                if (int256(tokenOf(_runCurrency).balanceOf(_banks[b])) - int256(before[b]) != expected[b])
                    ghostBalanceMismatch = true;
            }
            // netted obligations leave the open list; those of an excluded bank stay open and on it
            for (uint256 i; i < count; ++i) {
                GhostObligation memory g = _ghost[batch[i]];
                bool left = ((excluded >> g.debtor) | (excluded >> g.creditor)) & 1 == 1;
                IInterbankPositions.ObligationStatus status = _statusOf(batch[i]);
                if (left) {
                    if (status != IInterbankPositions.ObligationStatus.Open) ghostExcludedNotOpen = true;
                    continue;
                }
                if (status != IInterbankPositions.ObligationStatus.Netted) ghostNetMismatch = true;
                for (uint256 j; j < _open.length; ++j) {
                    if (_open[j] == batch[i]) {
                        _removeAt(j);
                        break;
                    }
                }
            }
        } catch (bytes memory reason) {
            // the only refusal expected here: every obligation involves an excluded bank
            if (settles || bytes4(reason) != IInterbankPositions.NettingNothingSettles.selector) {
                ghostModelMismatch = true;
            }
            ++ghostRunsRefused;
            for (uint256 i; i < count; ++i) {
                if (_statusOf(batch[i]) != IInterbankPositions.ObligationStatus.Open) {
                    ghostExcludedNotOpen = true;
                }
            }
        }
    }

    function _statusOf(uint256 id) internal view returns (IInterbankPositions.ObligationStatus) {
        return positions.obligation(id).status;
    }

    /// @dev Keeps the banks' balances of the token of the currency other than `currency` (the run's).
    function _snapshotOther(uint16 currency) internal {
        _runCurrency = currency;
        for (uint256 b; b < 3; ++b) _otherBefore[b] = tokenOf(1 - currency).balanceOf(_banks[b]);
    }

    /// @dev A run moves no token of the other currency; counts the runs in currency 1.
    function _checkOtherUnmoved() internal {
        if (_runCurrency == 1) ++ghostRunsInCurrency1;
        for (uint256 b; b < 3; ++b) {
            if (tokenOf(1 - _runCurrency).balanceOf(_banks[b]) != _otherBefore[b]) ghostBalanceMismatch = true;
        }
    }

    /// @dev Up to `countSeed`-bounded open obligations from a random start on, all in the first one's currency.
    function _batchOf(uint256 startSeed, uint256 countSeed) internal view returns (uint256[] memory batch) {
        uint256 want = _bound(countSeed, 1, _open.length);
        uint256 start = startSeed % _open.length;
        uint16 currency = _ghost[_open[start]].currency;
        batch = new uint256[](want);
        uint256 count;
        for (uint256 i; i < want; ++i) {
            uint256 id = _open[(start + i) % _open.length];
            if (_ghost[id].currency == currency) batch[count++] = id;
        }
        assembly ("memory-safe") {
            mstore(batch, count)
        }
    }

    /// @dev The clearing-house model: exclude the net debtor with the largest shortfall (ties: first to appear in the
    /// batch), recompute every net from scratch without its obligations, repeat until every net debtor can pay.
    function _model(
        uint256[] memory batch,
        DepositToken t
    ) internal view returns (int256[3] memory nets, uint256 excluded, bool settles) {
        uint256[3] memory available;
        for (uint256 b; b < 3; ++b) {
            uint256 balance = t.balanceOf(_banks[b]);
            uint256 allowance = t.allowance(_banks[b], address(positions));
            available[b] = balance < allowance ? balance : allowance;
        }
        uint8[3] memory order; // banks in order of first appearance
        uint256 seen;
        uint256 known;
        for (uint256 i; i < batch.length; ++i) {
            GhostObligation memory g = _ghost[batch[i]];
            for (uint256 side; side < 2; ++side) {
                uint8 b = side == 0 ? g.debtor : g.creditor;
                if ((known >> b) & 1 == 0) {
                    known |= 1 << b;
                    order[seen++] = b;
                }
            }
        }
        while (true) {
            nets = [int256(0), 0, 0];
            settles = false;
            for (uint256 i; i < batch.length; ++i) {
                GhostObligation memory g = _ghost[batch[i]];
                if (((excluded >> g.debtor) | (excluded >> g.creditor)) & 1 == 1) continue;
                settles = true;
                nets[g.creditor] += int256(uint256(g.amount));
                nets[g.debtor] -= int256(uint256(g.amount));
            }
            uint256 worstShortfall;
            uint256 worst = 3;
            for (uint256 k; k < seen; ++k) {
                uint8 b = order[k];
                if ((excluded >> b) & 1 == 1 || nets[b] >= 0) continue;
                uint256 debit = uint256(-nets[b]);
                if (debit > available[b] && debit - available[b] > worstShortfall) {
                    worstShortfall = debit - available[b];
                    worst = b;
                }
            }
            if (worst == 3) break;
            excluded |= 1 << worst;
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

    /// @notice The handler's runs do exclude short banks (the model is exercised, not vacuous): bank 0 owes bank 1
    /// 5e17 and may pay only 1e17, bank 2 owes bank 1 3e17 with no limit; a run over both excludes bank 0 only, and a
    /// run over bank 0's obligation alone is refused.
    function test_handlerExcludesAShortBank() public {
        handler.record(0, 0, 5e17); // bank 0 owes bank 1
        handler.record(2, 1, 3e17); // bank 2 owes bank 1 ((2 + 1 + 1) % 3)
        handler.limitAllowance(0, 1e17 + 1); // not a multiple of 4: bounded, not unlimited
        handler.net(0, 1); // count = 1 + (1 % 2) = 2: both obligations
        _assertEq(handler.ghostRuns(), 1, "one run");
        _assertEq(handler.ghostRunsWithExclusions(), 1, "one run with an exclusion");
        _assertEq(handler.openCount(), 1, "the short bank's obligation stays open");
        handler.net(0, 1);
        _assertEq(handler.ghostRunsRefused(), 1, "nothing to settle: refused");
        _assertTrue(!handler.ghostModelMismatch() && !handler.ghostExcludedNotOpen(), "model");
        invariant_netEqualsOwedToMinusOwes();
        invariant_valueConserved();
        invariant_lineUseEqualsOpenObligations();
    }

    /// @notice The largest shortfall goes first: bank 1 owes bank 0 1e17, bank 0 owes bank 2 9e17, bank 2 owes bank
    /// 1 5e16 (the handler adds 1 to each); bank 0 may pay nothing (short 8e17), bank 1 only 2e16 (short 3e16).
    /// Excluding bank 0 turns bank 1 into a net creditor, so bank 1 is kept and bank 2 pays it 5e16 (excluding bank 1
    /// first, the first short bank of the batch, would leave bank 0 short too and settle nothing).
    /// @notice Currencies net apart: bank 0 owes bank 1 5e17 in currency 1 and may pay only 1e17 of it there, and owes
    /// bank 1 5e17 in currency 0 with no limit. Bank 0 is excluded in currency 1 only: the currency 0 run settles it.
    /// A batch with both obligations is refused as mixed.
    function test_handlerExcludesAShortBankInOneCurrencyOnly() public {
        handler.recordIn(1, 0, 0, 5e17); // currency 1: bank 0 owes bank 1
        handler.recordIn(0, 0, 0, 5e17); // currency 0: bank 0 owes bank 1
        handler.recordIn(1, 2, 1, 3e17); // currency 1: bank 2 owes bank 1
        handler.limitAllowance(3, 1e17 + 1); // bank 0, currency 1
        handler.netMixed(0, 1);
        _assertTrue(!handler.ghostMixedNotRefused(), "mixed batch refused");
        handler.net(0, 2); // from obligation 1 (currency 1), count 3: the two in currency 1
        _assertEq(handler.ghostRunsWithExclusions(), 1, "bank 0 excluded in currency 1");
        _assertEq(handler.ghostRunsInCurrency1(), 1, "a run in currency 1");
        handler.net(1, 0); // obligation 2 alone (currency 0): bank 0 pays in full
        _assertEq(handler.ghostRuns(), 2, "two runs");
        _assertEq(handler.ghostRunsWithExclusions(), 1, "not excluded in currency 0");
        _assertEq(handler.openCount(), 1, "only bank 0's currency 1 obligation stays open");
        _assertTrue(!handler.ghostModelMismatch() && !handler.ghostExcludedNotOpen(), "model");
        invariant_netEqualsOwedToMinusOwes();
        invariant_valueConserved();
        invariant_nettingHoldsNothing();
        invariant_lineUseEqualsOpenObligations();
    }

    function test_handlerExcludesTheLargestShortfallFirst() public {
        handler.record(1, 1, 1e17); // bank 1 owes bank 0 ((1 + 1 + 1) % 3)
        handler.record(0, 1, 9e17); // bank 0 owes bank 2
        handler.record(2, 1, 5e16); // bank 2 owes bank 1
        handler.limitAllowance(0, 3e18 + 1); // bound to 0 (not a multiple of 4: not unlimited)
        handler.limitAllowance(1, 2e16 + 1); // 2e16 + 1
        handler.net(0, 2); // count = 1 + (2 % 3) = 3: all three
        _assertEq(handler.ghostRuns(), 1, "one run");
        _assertEq(handler.ghostRunsWithExclusions(), 1, "one bank excluded");
        _assertEq(handler.openCount(), 2, "bank 0's two obligations stay open");
        _assertTrue(!handler.ghostModelMismatch() && !handler.ghostExcludedNotOpen(), "model");
        invariant_netEqualsOwedToMinusOwes();
        invariant_valueConserved();
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

    /// @notice A run settles exactly the banks the clearing-house model keeps (excluding short debtors to a fixed
    /// point), and is refused only when that leaves nothing to settle.
    function invariant_exclusionsMatchModel() public view {
        _assertTrue(!handler.ghostModelMismatch(), "exclusions differ from the model");
    }

    /// @notice The obligations of an excluded bank stay open (and count in the line use, checked above).
    function invariant_excludedObligationsStayOpen() public view {
        _assertTrue(!handler.ghostExcludedNotOpen(), "an excluded obligation was closed");
    }

    /// @notice Each run records a (non-zero) shortfall for exactly the banks it left out, and for no other.
    function invariant_shortfallRecordedForExactlyTheExcluded() public view {
        _assertTrue(!handler.ghostShortfallMismatch(), "shortfall record differs from the exclusions");
    }

    /// @notice Netting and gross settlement only move tokens between the banks: in each currency their total never
    /// changes (a run in one currency moves no other currency's token, checked per run by the handler).
    function invariant_valueConserved() public view {
        _assertEq(handler.heldValue(0), handler.TOTAL_SUPPLY(), "currency 0: value not conserved");
        _assertEq(handler.heldValue(1), handler.TOTAL_SUPPLY(), "currency 1: value not conserved");
    }

    /// @notice The netting contract never keeps tokens of any currency: everything paid in is paid out in the run.
    function invariant_nettingHoldsNothing() public view {
        _assertEq(handler.positionsBalance(0), 0, "positions holds currency 0 tokens");
        _assertEq(handler.positionsBalance(1), 0, "positions holds currency 1 tokens");
    }

    /// @notice A batch mixing currencies is always refused with `NettingCurrencyMixed`.
    function invariant_mixedCurrenciesRefused() public view {
        _assertTrue(!handler.ghostMixedNotRefused(), "a mixed-currency batch was not refused");
    }
}
