// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {RecourseClaims} from "../../contracts/receivables/RecourseClaims.sol";
import {IRecourseClaims} from "../../contracts/receivables/interfaces/IRecourseClaims.sol";
import {IReceivableCertificate} from "../../contracts/receivables/interfaces/IReceivableCertificate.sol";
import {IReceivableDesk} from "../../contracts/receivables/interfaces/IReceivableDesk.sol";
import {ReceivablesHandlerBase} from "./utils/ReceivablesHandlerBase.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Drives certificates through random sales with or without recourse, plain splits and value merges (into
/// certificates held by a sale too), time, overdue marking, exercises, honours, funding and redemption, payment off
/// chain by the obligor's paying bank, and discharges of claims (attempted whether or not the claim is still due).
contract RecourseHandler is ReceivablesHandlerBase {
    uint256 internal constant MONEY = 100_000_000;

    RecourseClaims public recourse;
    address[] internal _banks;
    uint256[] internal _claims;
    /// @dev Deposit tokens that moved from sellers to claimants at honours, as measured on the token.
    uint256 public ghostHonourPaid;
    /// @dev Deposit tokens that moved from buyers to sellers at sales, as measured on the token.
    uint256 public ghostSalesPaid;
    uint256 public ghostSalesPriced;
    uint256 public ghostHonours;
    uint256 public ghostDischarges;
    /// @dev Discharges that went through while the claim was still due (claimant holding by the sale, in default).
    uint256 public ghostDischargedWhileDue;
    /// @dev Discharges refused although the claim was no longer due (a claim that could never close).
    uint256 public ghostDischargeRefusedWhenPaid;

    constructor() {
        _deployPlatform();
        _deployReceivables();
        recourse = RecourseClaims(
            _proxy(
                address(new RecourseClaims(registry, desk, certificates, token, attestations)),
                abi.encodeCall(RecourseClaims.initialize, ())
            )
        );
        certificates.bindRecourse(address(recourse));
        registry.bootstrapSystemContract(address(desk));
        registry.bootstrapSystemContract(address(recourse));
        registry.endBootstrap(3);
        _holders = [SUPPLIER_1, SUPPLIER_2, SUPPLIER_3, BANK_A, BANK_B, BANK_C];
        _banks = [BANK_A, BANK_B, BANK_C];
        for (uint256 i; i < _holders.length; ++i) {
            address h = _holders[i];
            _mint(h, MONEY);
            vm.prank(h);
            token.approve(address(recourse), type(uint256).max);
            vm.prank(h);
            certificates.setApprovalForAll(address(recourse), true);
        }
        for (uint256 i; i < RECEIVABLES; ++i) _openReceivable(i, 30 days, "recourse invoice");
        // BANK_C pays off chain for the obligor (its paying bank).
        uint32 payingBank = registry.memberOf(BANK_C);
        vm.prank(CORE);
        desk.setPayingBank(payingBank);
    }

    // ------------------------------------------------------------------ views for the invariants

    function claims() external view returns (uint256[] memory) {
        return _claims;
    }

    function holders() external view returns (address[] memory) {
        return _holders;
    }

    // ------------------------------------------------------------------ actions

    function sell(uint256 tokenSeed, uint256 bankSeed, uint256 amount, uint256 price, bool withRecourse) external {
        (uint256 id, IReceivableCertificate.Certificate memory c) = _live(tokenSeed);
        if (id == 0) return;
        address bank = _banks[bankSeed % _banks.length];
        if (bank == c.owner) bank = _banks[(bankSeed + 1) % _banks.length];
        uint32 bankId = registry.memberOf(bank);
        amount = _bound(amount, 1, _free(c));
        price = _bound(price, 1, amount);
        vm.prank(c.owner);
        try recourse.offer(id, amount, bankId, price, withRecourse, uint40(block.timestamp + 1 hours)) returns (
            uint256 offerId
        ) {
            uint256 before = token.balanceOf(c.owner);
            vm.prank(bank);
            try recourse.accept(offerId, withRecourse, price) returns (uint256, uint256 newId) {
                if (newId != id) _recordMint(newId);
                ghostSalesPaid += token.balanceOf(c.owner) - before;
                ghostSalesPriced += price;
            } catch {}
        } catch {}
    }

    function passTime(uint256 seconds_) external {
        vm.warp(block.timestamp + _bound(seconds_, 0, 3 days));
    }

    /// @dev The obligor defaults: past maturity plus the grace period, the receivable marked overdue.
    function defaultOn(uint256 slotSeed) external {
        uint256 slot = 1 + (slotSeed % RECEIVABLES);
        uint256 overdueAt = uint256(desk.receivable(slot).maturity) + 1 days;
        if (block.timestamp < overdueAt) vm.warp(overdueAt);
        vm.prank(BANK_C);
        try desk.markOverdue(slot) {} catch {}
    }

    /// @dev The holder exercises; the seller honours at once when `honourNow`.
    function exercise(uint256 tokenSeed, bool honourNow) external {
        (uint256 id, IReceivableCertificate.Certificate memory c) = _live(tokenSeed);
        if (id == 0) return;
        vm.prank(c.owner);
        try recourse.exercise(id) returns (uint256 claimId) {
            _claims.push(claimId);
            if (honourNow) _honour(claimId);
        } catch {}
    }

    function honour(uint256 claimSeed) external {
        if (_claims.length == 0) return;
        _honour(_claims[claimSeed % _claims.length]);
    }

    /// @dev The claim's seller (the account that sold) honours; measures what the claimant received.
    function _honour(uint256 claimId) private {
        IRecourseClaims.Claim memory k = recourse.claimOf(claimId);
        if (k.status != IRecourseClaims.ClaimStatus.Exercised) return;
        address seller = recourse.saleOf(k.saleId).seller;
        uint256 before = token.balanceOf(k.holder);
        vm.prank(seller);
        try recourse.honour(claimId) {
            ghostHonourPaid += token.balanceOf(k.holder) - before;
            ++ghostHonours;
        } catch {}
    }

    /// @dev The obligor's paying bank records an off-chain payment of a certificate (burned, the holder paid outside).
    function payOffChain(uint256 tokenSeed) external {
        (uint256 id, IReceivableCertificate.Certificate memory c) = _live(tokenSeed);
        if (id == 0) return;
        vm.prank(BANK_C);
        try desk.payOffChain(id, keccak256(abi.encode("wire", id))) {
            ghostRedeemed[c.slot] += c.value;
        } catch {}
    }

    /// @dev A directed path to open claims: a holder sells value with recourse, the receivable defaults (time moves
    /// past maturity and the grace period, for every receivable) and the buyer exercises at once.
    function sellDefaultExercise(uint256 tokenSeed, uint256 bankSeed, uint256 amount, uint256 price) external {
        uint256 sales = recourse.saleCount();
        this.sell(tokenSeed, bankSeed, amount, price, true);
        if (recourse.saleCount() == sales) return;
        IRecourseClaims.Sale memory s = recourse.saleOf(sales + 1);
        IReceivableCertificate.Certificate memory c = certificates.certificate(s.tokenId);
        this.defaultOn(c.slot - 1);
        vm.prank(c.owner);
        try recourse.exercise(s.tokenId) returns (uint256 claimId) {
            _claims.push(claimId);
        } catch {}
    }

    /// @dev Any member tries to discharge a claim, whatever its state (a claim still due included).
    function discharge(uint256 claimSeed, uint256 callerSeed) external {
        if (_claims.length == 0) return;
        _discharge(_claims[claimSeed % _claims.length], callerSeed);
    }

    /// @dev The obligor's side pays an open claim's certificate late (its paying bank off chain, or the obligor funds
    /// the receivable), then a member discharges the claim.
    function payLateAndDischarge(uint256 claimSeed, bool offChain, uint256 callerSeed) external {
        if (_claims.length == 0) return;
        uint256 claimId = _claims[claimSeed % _claims.length];
        IRecourseClaims.Claim memory k = recourse.claimOf(claimId);
        if (k.status != IRecourseClaims.ClaimStatus.Exercised) return;
        IReceivableCertificate.Certificate memory c = certificates.certificate(k.tokenId);
        if (offChain) {
            vm.prank(BANK_C);
            try desk.payOffChain(k.tokenId, keccak256(abi.encode("late wire", k.tokenId))) {
                ghostRedeemed[c.slot] += c.value;
            } catch {}
        } else {
            _fund(c.slot, true);
        }
        _discharge(claimId, callerSeed);
    }

    /// @dev Records a discharge of a claim still due, or a refusal of one no longer due.
    function _discharge(uint256 claimId, uint256 callerSeed) private {
        IRecourseClaims.Claim memory k = recourse.claimOf(claimId);
        if (k.status != IRecourseClaims.ClaimStatus.Exercised) return;
        IReceivableCertificate.Certificate memory c = certificates.certificate(k.tokenId);
        IReceivableDesk.ReceivableStatus status = desk.receivable(c.slot).status;
        bool due =
            c.owner == k.holder &&
                recourse.holdingOf(k.tokenId) == k.saleId &&
                (status == IReceivableDesk.ReceivableStatus.Overdue ||
                    status == IReceivableDesk.ReceivableStatus.GuaranteeCalled);
        vm.prank(_holders[callerSeed % _holders.length]);
        try recourse.discharge(claimId) {
            ++ghostDischarges;
            if (due) ++ghostDischargedWhileDue;
        } catch {
            if (!due) ++ghostDischargeRefusedWhenPaid;
        }
    }

    function fundAndRedeem(uint256 slotSeed, uint256 tokenSeed) external {
        uint256 slot = 1 + (slotSeed % RECEIVABLES);
        _fund(slot, true);
        _redeem(slot, tokenSeed);
    }
}

/// @notice Value conservation across the certificates and the recourse claims: recourse moves certificates and deposit
/// tokens between parties but creates or destroys neither, and never claims more than a sale sold.
contract RecourseInvariantTest is TestBase {
    RecourseHandler internal handler;
    IReceivableCertificate internal certificates;
    IReceivableDesk internal desk;
    RecourseClaims internal recourse;

    function setUp() public {
        handler = new RecourseHandler();
        certificates = IReceivableCertificate(address(handler.certificates()));
        desk = IReceivableDesk(address(handler.desk()));
        recourse = handler.recourse();
        _targetContract(address(handler));
    }

    /// @notice Per receivable: the live certificates' values plus what was redeemed equal its face value (returns on
    /// recourse move certificates, never value).
    function invariant_certificateValueConserved() public view {
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
            _assertEq(r.redeemed, handler.ghostRedeemed(slot), "desk redeemed != redeemed by holders");
        }
        _assertEq(certificates.totalMinted(), handler.ghostMinted(), "certificates minted behind the handler's back");
    }

    /// @notice Deposit tokens: all of the supply sits with the parties or the desk's escrow; the recourse contract holds
    /// neither tokens nor certificates; sellers received exactly the prices and claimants exactly the claims honoured.
    function invariant_tokensConserved() public view {
        IERC20 token = IERC20(handler.settlementToken());
        address[] memory parties = handler.holders();
        // The escrow and the obligor (CORE, 0x1004), which the handler mints for to fund.
        uint256 sum = token.balanceOf(address(desk)) + token.balanceOf(address(0x1004));
        for (uint256 i; i < parties.length; ++i) sum += token.balanceOf(parties[i]);
        _assertEq(sum, token.totalSupply(), "deposit tokens outside the parties and the escrow");
        _assertEq(token.balanceOf(address(recourse)), 0, "recourse contract holds deposit tokens");
        _assertEq(
            IERC20(address(certificates)).balanceOf(address(recourse)),
            0,
            "recourse contract holds certificates"
        );
        _assertEq(handler.ghostSalesPaid(), handler.ghostSalesPriced(), "sellers not paid the price");
        uint256 honoured;
        uint256[] memory ids = handler.claims();
        for (uint256 i; i < ids.length; ++i) {
            IRecourseClaims.Claim memory k = recourse.claimOf(ids[i]);
            if (k.status == IRecourseClaims.ClaimStatus.Honoured) honoured += k.value;
        }
        _assertEq(handler.ghostHonourPaid(), honoured, "claimants not paid the claims honoured");
    }

    /// @notice Per sale: the claims on it still counting (exercised or honoured; a discharged claim never counts) add
    /// up to its claimed value, never above the value sold.
    function invariant_claimsWithinSales() public view {
        uint256 sales = recourse.saleCount();
        uint256 claimCount = recourse.claimCount();
        for (uint256 saleId = 1; saleId <= sales; ++saleId) {
            IRecourseClaims.Sale memory s = recourse.saleOf(saleId);
            uint256 claimed;
            for (uint256 k = 1; k <= claimCount; ++k) {
                IRecourseClaims.Claim memory c = recourse.claimOf(k);
                if (c.saleId == saleId && c.status != IRecourseClaims.ClaimStatus.Discharged) claimed += c.value;
            }
            _assertEq(claimed, s.claimedValue, "claims on a sale != its claimed value");
            _assertTrue(s.claimedValue <= s.value, "claimed above the value sold");
            _assertTrue(s.withRecourse || s.claimedValue == 0, "claim on a sale without recourse");
        }
    }

    /// @notice A claim is discharged exactly when it is no longer due: never while its claimant holds the certificate by
    /// the sale and the receivable is in default, and never refused once the obligor's side paid (no claim stays open
    /// forever). An open claim's certificate is still held by its claimant by the sale, or was paid since.
    function invariant_dischargeOnlyWhenPaid() public view {
        _assertEq(handler.ghostDischargedWhileDue(), 0, "a claim still due was discharged");
        _assertEq(handler.ghostDischargeRefusedWhenPaid(), 0, "a claim no longer due could not be discharged");
        uint256[] memory ids = handler.claims();
        for (uint256 i; i < ids.length; ++i) {
            IRecourseClaims.Claim memory k = recourse.claimOf(ids[i]);
            if (k.status != IRecourseClaims.ClaimStatus.Discharged) continue;
            IReceivableCertificate.Certificate memory c = certificates.certificate(k.tokenId);
            IReceivableDesk.ReceivableStatus status = desk.receivable(c.slot).status;
            _assertTrue(
                c.owner != k.holder ||
                    (status != IReceivableDesk.ReceivableStatus.Overdue &&
                        status != IReceivableDesk.ReceivableStatus.GuaranteeCalled),
                "a discharged claim's certificate is unpaid and still held by the claimant"
            );
        }
    }
}
