// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReceivableCertificate} from "../../contracts/receivables/ReceivableCertificate.sol";
import {ReceivableDesk} from "../../contracts/receivables/ReceivableDesk.sol";
import {IReceivableCertificate} from "../../contracts/receivables/interfaces/IReceivableCertificate.sol";
import {IReceivableDesk} from "../../contracts/receivables/interfaces/IReceivableDesk.sol";
import {ReceivablesHandlerBase} from "./utils/ReceivablesHandlerBase.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Drives receivables through random splits, merges, whole transfers, sign-off transfers, discounts, pledges
/// (release and take), time, funding and redemption, and records every certificate it sees minted.
contract ReceivablesHandler is ReceivablesHandlerBase {
    uint32 internal constant BANK_A_ID = 1;
    uint32 internal constant BANK_B_ID = 2;

    uint256[] internal _pledges;
    uint256 internal _refCounter;

    constructor() {
        _deployPlatform();
        _deployReceivables();
        registry.bootstrapSystemContract(address(desk));
        registry.endBootstrap(3);
        _holders = [SUPPLIER_1, SUPPLIER_2, SUPPLIER_3, BANK_A, BANK_B];
        for (uint256 i; i < RECEIVABLES; ++i) _openReceivable(i, 60 days, "invoice");
    }

    // ------------------------------------------------------------------ actions (splitValue and mergeValue: the base)

    function transferWhole(uint256 tokenSeed, uint256 toSeed) external {
        (uint256 id, IReceivableCertificate.Certificate memory c) = _live(tokenSeed);
        if (id == 0) return;
        address to = _otherHolder(c.owner, toSeed);
        vm.prank(c.owner);
        try certificates.transferFrom(c.owner, to, id) {} catch {}
    }

    function signOff(uint256 tokenSeed, uint256 toSeed, uint256 amount, bool accept) external {
        (uint256 id, IReceivableCertificate.Certificate memory c) = _live(tokenSeed);
        if (id == 0) return;
        address to = _otherHolder(c.owner, toSeed);
        amount = _bound(amount, 1, _free(c));
        vm.prank(c.owner);
        try desk.offerTransfer(id, to, amount, uint40(block.timestamp + 1 hours)) returns (uint256 offerId) {
            vm.prank(to);
            if (accept) {
                try desk.acceptTransfer(offerId) returns (uint256 newId) {
                    if (newId != id) _recordMint(newId);
                } catch {}
            } else {
                try desk.refuseTransfer(offerId, bytes32(0)) {} catch {}
            }
        } catch {}
    }

    function discount(uint256 tokenSeed, uint256 amount, uint256 price, bool bankB) external {
        (uint256 id, IReceivableCertificate.Certificate memory c) = _live(tokenSeed);
        if (id == 0) return;
        (address bank, uint32 bankId) = bankB ? (BANK_B, BANK_B_ID) : (BANK_A, BANK_A_ID);
        amount = _bound(amount, 1, _free(c));
        price = _bound(price, 1, amount);
        vm.prank(c.owner);
        try desk.offerDiscount(id, amount, bankId, price, uint40(block.timestamp + 1 hours)) returns (uint256 offerId) {
            vm.prank(bank);
            try desk.acceptDiscount(offerId, keccak256(abi.encode("ref", ++_refCounter))) returns (uint256 newId) {
                if (newId != id) _recordMint(newId);
            } catch {}
        } catch {}
    }

    function pledge(uint256 tokenSeed, uint256 amount, bool bankB) external {
        (uint256 id, IReceivableCertificate.Certificate memory c) = _live(tokenSeed);
        if (id == 0) return;
        amount = _bound(amount, 1, _free(c));
        vm.prank(c.owner);
        try desk.pledge(id, amount, bankB ? BANK_B_ID : BANK_A_ID, uint40(block.timestamp + 1 hours)) returns (
            uint256 pledgeId
        ) {
            _pledges.push(pledgeId);
        } catch {}
    }

    function settlePledge(uint256 pledgeSeed, bool take) external {
        if (_pledges.length == 0) return;
        uint256 pledgeId = _pledges[pledgeSeed % _pledges.length];
        IReceivableDesk.Pledge memory p = desk.pledgeOf(pledgeId);
        if (p.status != IReceivableDesk.PledgeStatus.Active) return;
        address bank = p.pledgee == BANK_A_ID ? BANK_A : BANK_B;
        vm.prank(bank);
        if (take) {
            if (block.timestamp < p.dueDate) vm.warp(p.dueDate);
            try desk.takePledge(pledgeId) returns (uint256 newId) {
                if (newId != p.tokenId) _recordMint(newId);
            } catch {}
        } else {
            try desk.releasePledge(pledgeId) {} catch {}
        }
    }

    function passTime(uint256 seconds_) external {
        vm.warp(block.timestamp + _bound(seconds_, 0, 20 days));
    }

    function fundAndRedeem(uint256 slotSeed, uint256 tokenSeed) external {
        uint256 slot = 1 + (slotSeed % RECEIVABLES);
        _fund(slot, false);
        _redeem(slot, tokenSeed);
    }
}

/// @notice Invariants of receivable certificates under random sequences of every step that moves value.
contract ReceivablesInvariantTest is TestBase {
    ReceivablesHandler internal handler;
    ReceivableCertificate internal certificates;
    ReceivableDesk internal desk;

    function setUp() public {
        handler = new ReceivablesHandler();
        certificates = handler.certificates();
        desk = handler.desk();
        _targetContract(address(handler));
    }

    /// @notice Per receivable: the values of all its certificates plus what was redeemed equal its face value, and
    /// the desk's redeemed count matches what holders actually redeemed.
    function invariant_valueConservedPerReceivable() public view {
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
    }

    /// @notice No certificate appears that the handler did not see created.
    function invariant_noHiddenMint() public view {
        _assertEq(certificates.totalMinted(), handler.ghostMinted(), "certificates minted behind the handler's back");
    }

    /// @notice Lineage: every certificate's parent is older, of the same receivable and exactly one tier up, so the
    /// tree has no cycle and every certificate reaches its receivable's root.
    function invariant_lineageReachesRoot() public view {
        uint256[] memory ids = handler.tokens();
        for (uint256 i; i < ids.length; ++i) {
            uint256 id = ids[i];
            IReceivableCertificate.Certificate memory c = certificates.certificate(id);
            _assertTrue(c.locked <= c.value, "locked above value");
            (uint256 parent, uint256 root, uint8 tier) = certificates.lineage(id);
            _assertEq(root, desk.receivable(c.slot).rootTokenId, "root is not the receivable's root");
            if (parent == 0) {
                _assertEq(tier, 1, "a root is not tier 1");
                _assertEq(id, root, "a parentless certificate is not its root");
                continue;
            }
            IReceivableCertificate.Certificate memory p = certificates.certificate(parent);
            _assertTrue(parent < id, "parent is not older (cycle possible)");
            _assertEq(p.slot, c.slot, "parent of another receivable");
            _assertEq(uint256(p.tier) + 1, tier, "tier is not parent's + 1");
        }
    }

    /// @notice The desk holds exactly the escrow it owes holders.
    function invariant_escrowMatchesTokens() public view {
        uint256 escrowed;
        uint256 receivables = desk.receivableCount();
        for (uint256 slot = 1; slot <= receivables; ++slot) escrowed += desk.receivable(slot).escrowed;
        _assertEq(IERC20(handler.settlementToken()).balanceOf(address(desk)), escrowed, "desk's tokens != escrow owed");
    }
}
