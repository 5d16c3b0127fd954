// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {MaturityArrangements} from "../../contracts/receivables/MaturityArrangements.sol";
import {IMaturityArrangements} from "../../contracts/receivables/interfaces/IMaturityArrangements.sol";
import {IReceivableCertificate} from "../../contracts/receivables/interfaces/IReceivableCertificate.sol";
import {IReceivableDesk} from "../../contracts/receivables/interfaces/IReceivableDesk.sol";
import {ReceivablesHandlerBase} from "./utils/ReceivablesHandlerBase.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Drives receivables through splits and merges before maturity, then random part payments by the obligor,
/// claims of shares (by any holder, in any order), off-chain payment of the rest by the paying bank, late funding and
/// redemption, and refunds of what no certificate will claim.
contract PartPaymentHandler is ReceivablesHandlerBase {
    MaturityArrangements public arrangements;
    /// @dev Per certificate: its value when its receivable received its first part payment (nothing moves after
    /// maturity in this handler), the shares it was paid, and what the desk paid for it (redeemed or off chain).
    mapping(uint256 tokenId => uint256) public ghostValueAtMaturity;
    mapping(uint256 tokenId => uint256) public ghostShares;
    mapping(uint256 tokenId => uint256) public ghostRedeemedValue;
    mapping(uint256 slot => bool) internal _snapshotted;
    /// @dev Deposit tokens the holders received from the arrangements contract, measured on the token.
    uint256 public ghostSharesPaid;
    uint256 public ghostPaidIn;
    uint256 public ghostRefunded;
    uint256 public ghostClaims;

    constructor() {
        _deployPlatform();
        _deployReceivables();
        arrangements = MaturityArrangements(
            _proxy(
                address(new MaturityArrangements(registry, token, ledger, desk, certificates)),
                abi.encodeCall(MaturityArrangements.initialize, ())
            )
        );
        certificates.bindArrangements(address(arrangements));
        registry.bootstrapSystemContract(address(desk));
        registry.bootstrapSystemContract(address(arrangements));
        registry.endBootstrap(3);
        _holders = [SUPPLIER_1, SUPPLIER_2, SUPPLIER_3, BANK_A, BANK_B];
        for (uint256 i; i < RECEIVABLES; ++i) _openReceivable(i, 10 days, "part payment invoice");
        uint32 payingBank = registry.memberOf(BANK_C);
        vm.prank(CORE);
        desk.setPayingBank(payingBank);
    }

    function holders() external view returns (address[] memory) {
        return _holders;
    }

    // ------------------------------------------------------------------ actions

    function passTime(uint256 seconds_) external {
        vm.warp(block.timestamp + _bound(seconds_, 0, 4 days));
    }

    /// @dev The obligor pays part of what is outstanding (moving to maturity first).
    function payPart(uint256 slotSeed, uint256 amount) external {
        uint256 slot = 1 + (slotSeed % RECEIVABLES);
        IReceivableDesk.Receivable memory r = desk.receivable(slot);
        if (block.timestamp < r.maturity) vm.warp(r.maturity);
        _snapshot(slot);
        uint256 unpaid = arrangements.unpaidOf(slot);
        if (unpaid < 2) return;
        amount = _bound(amount, 1, unpaid - 1);
        _mint(CORE, amount);
        vm.prank(CORE);
        token.approve(address(arrangements), amount);
        vm.prank(CORE);
        try arrangements.pay(slot, amount) {
            ghostPaidIn += amount;
        } catch {}
    }

    /// @dev A holder (or any member) claims a certificate's share.
    function claim(uint256 tokenSeed, uint256 callerSeed) external {
        (uint256 id, IReceivableCertificate.Certificate memory c) = _live(tokenSeed);
        if (id == 0) return;
        uint256 before = token.balanceOf(c.owner);
        vm.prank(_holders[callerSeed % _holders.length]);
        try arrangements.claim(id) returns (uint256 share) {
            uint256 received = token.balanceOf(c.owner) - before;
            ghostSharesPaid += received;
            ghostShares[id] += share;
            ++ghostClaims;
        } catch {}
    }

    /// @dev The paying bank pays a certificate's rest off chain (refused while its share is unclaimed).
    function payOffChain(uint256 tokenSeed) external {
        (uint256 id, IReceivableCertificate.Certificate memory c) = _live(tokenSeed);
        if (id == 0) return;
        vm.prank(BANK_C);
        try desk.payOffChain(id, keccak256(abi.encode("wire", id))) {
            ghostRedeemed[c.slot] += c.value;
            ghostRedeemedValue[id] += c.value;
        } catch {}
    }

    function fundAndRedeem(uint256 slotSeed, uint256 tokenSeed) external {
        uint256 slot = 1 + (slotSeed % RECEIVABLES);
        _fund(slot, true);
        (uint256 id, IReceivableCertificate.Certificate memory c) = _live(tokenSeed);
        if (id == 0 || c.slot != slot) return;
        vm.prank(c.owner);
        try desk.redeem(id) {
            ghostRedeemed[slot] += c.value;
            ghostRedeemedValue[id] += c.value;
        } catch {}
    }

    function refund(uint256 slotSeed) external {
        uint256 slot = 1 + (slotSeed % RECEIVABLES);
        vm.prank(CORE);
        try arrangements.refund(slot) returns (uint256 amount) {
            ghostRefunded += amount;
        } catch {}
    }

    /// @dev Records each certificate's value at the receivable's first part payment.
    function _snapshot(uint256 slot) private {
        if (_snapshotted[slot]) return;
        _snapshotted[slot] = true;
        for (uint256 i; i < _tokens.length; ++i) {
            IReceivableCertificate.Certificate memory c = certificates.certificate(_tokens[i]);
            if (c.slot == slot && c.owner != address(0)) ghostValueAtMaturity[_tokens[i]] = c.value;
        }
    }
}

/// @notice Part payments conserve value: never more distributed than paid in, each certificate paid down by exactly
/// the share its holder received and never by all of its value, certificates plus redeemed (paid down included) equal
/// the face value, and the arrangements contract holds exactly what is paid in and neither claimed nor refunded.
contract PartPaymentInvariantTest is TestBase {
    PartPaymentHandler internal handler;
    IReceivableCertificate internal certificates;
    IReceivableDesk internal desk;
    MaturityArrangements internal arrangements;

    function setUp() public {
        handler = new PartPaymentHandler();
        certificates = IReceivableCertificate(address(handler.certificates()));
        desk = IReceivableDesk(address(handler.desk()));
        arrangements = handler.arrangements();
        _targetContract(address(handler));
    }

    /// @notice Per receivable: shares claimed plus refunds never exceed what the obligor paid in; the contract's
    /// balance is exactly the rest; holders received exactly the shares claimed.
    function invariant_neverMoreOutThanIn() public view {
        uint256 receivables = desk.receivableCount();
        uint256 pool;
        uint256 paidIn;
        for (uint256 slot = 1; slot <= receivables; ++slot) {
            IMaturityArrangements.PartPayments memory p = arrangements.partPaymentsOf(slot);
            _assertTrue(uint256(p.claimed) + p.refunded <= p.paidIn, "more distributed than paid in");
            pool += p.paidIn - p.claimed - p.refunded;
            paidIn += p.paidIn;
        }
        _assertEq(paidIn, handler.ghostPaidIn(), "paid in behind the handler's back");
        _assertEq(IERC20(handler.settlementToken()).balanceOf(address(arrangements)), pool, "pool != balance");
        _assertEq(handler.ghostSharesPaid() + handler.ghostRefunded() + pool, paidIn, "tokens out != shares + refunds");
    }

    /// @notice Per certificate: shares received plus its value now (or what the desk paid for it) equal its value at
    /// maturity, and no certificate received all of its value as shares.
    function invariant_certificatePaidWithinValue() public view {
        uint256[] memory ids = handler.tokens();
        for (uint256 i; i < ids.length; ++i) {
            uint256 id = ids[i];
            uint256 atMaturity = handler.ghostValueAtMaturity(id);
            if (atMaturity == 0) continue;
            IReceivableCertificate.Certificate memory c = certificates.certificate(id);
            uint256 shares = handler.ghostShares(id);
            _assertTrue(shares < atMaturity, "a certificate paid all of its value as shares");
            _assertEq(shares + c.value + handler.ghostRedeemedValue(id), atMaturity, "paid down != shares received");
        }
    }

    /// @notice Per receivable: live certificates' values plus redeemed (paid down included) equal the face value.
    function invariant_valueConserved() public view {
        uint256[] memory ids = handler.tokens();
        uint256 receivables = desk.receivableCount();
        for (uint256 slot = 1; slot <= receivables; ++slot) {
            uint256 sum;
            for (uint256 i; i < ids.length; ++i) {
                IReceivableCertificate.Certificate memory c = certificates.certificate(ids[i]);
                if (c.slot == slot) sum += c.value;
            }
            IReceivableDesk.Receivable memory r = desk.receivable(slot);
            _assertEq(sum + r.redeemed, r.faceValue, "live values + redeemed != face value");
            IMaturityArrangements.PartPayments memory p = arrangements.partPaymentsOf(slot);
            _assertEq(r.redeemed, handler.ghostRedeemed(slot) + p.claimed, "desk redeemed != redeemed + paid down");
        }
    }
}
