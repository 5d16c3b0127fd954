// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAuthorityAttestations} from "../../contracts/attestations/interfaces/IAuthorityAttestations.sol";
import {InterbankPositions} from "../../contracts/letters-of-credit/InterbankPositions.sol";
import {LcPresentationChecks} from "../../contracts/letters-of-credit/LcPresentationChecks.sol";
import {LcTransfers} from "../../contracts/letters-of-credit/LcTransfers.sol";
import {LetterOfCredit} from "../../contracts/letters-of-credit/LetterOfCredit.sol";
import {ILcTransfers} from "../../contracts/letters-of-credit/interfaces/ILcTransfers.sol";
import {ILetterOfCredit} from "../../contracts/letters-of-credit/interfaces/ILetterOfCredit.sol";
import {ConsortiumCalendar} from "../../contracts/platform/ConsortiumCalendar.sol";
import {IConsortiumCalendar} from "../../contracts/platform/interfaces/IConsortiumCalendar.sol";
import {DocumentRef} from "../../contracts/platform/types/DocumentRef.sol";
import {PlatformFixture} from "./utils/PlatformFixture.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Drives transferable LCs through random sequences of issue, amendment, transfer requests and executions,
/// second beneficiaries' presentations, the first beneficiary's presentations and substitutions, the LC's examination
/// and payment, payments to second beneficiaries and time, keeping ghost totals of what was paid to whom.
contract LcTransfersHandler is PlatformFixture {
    LetterOfCredit public lc;
    LcTransfers public transfers;

    uint256 public constant MAX_LCS = 4;
    uint256[] internal _lcIds;
    uint256[] internal _transferIds;
    uint256[] internal _secondIds;
    uint256[] internal _presentationIds;
    mapping(uint256 transferId => address) internal _secondOf;
    /// @dev Paid to second beneficiaries, as the handler saw it.
    uint256 public ghostPaidToSecond;
    /// @dev A transfer executed above the LC's amount plus tolerance at that moment.
    bool public ghostTransferredAboveLc;
    /// @dev A second beneficiary's presentation paid twice.
    bool public ghostPaidTwice;
    mapping(uint256 secondPresentationId => bool) internal _paid;
    /// @dev Bank A's payments under the LC (`LetterOfCredit.pay`).
    uint256 public ghostLcPaid;

    constructor() {
        _deployPlatform();
        InterbankPositions positions = InterbankPositions(
            _proxy(
                address(new InterbankPositions(registry, token, ledger)),
                abi.encodeCall(InterbankPositions.initialize, ())
            )
        );
        ConsortiumCalendar calendar = ConsortiumCalendar(
            _proxy(address(new ConsortiumCalendar(registry)), abi.encodeCall(ConsortiumCalendar.initialize, (8 hours)))
        );
        LcPresentationChecks checks = LcPresentationChecks(
            _proxy(
                address(new LcPresentationChecks(registry, IAuthorityAttestations(address(0)))),
                abi.encodeCall(LcPresentationChecks.initialize, ())
            )
        );
        lc = LetterOfCredit(
            _proxy(
                address(new LetterOfCredit(registry, token, ledger, positions, bytes3("CNY"), checks)),
                abi.encodeCall(LetterOfCredit.initialize, (IConsortiumCalendar(address(calendar))))
            )
        );
        transfers = LcTransfers(
            _proxy(
                address(new LcTransfers(registry, token, ledger, lc, checks)),
                abi.encodeCall(LcTransfers.initialize, ())
            )
        );
        registry.bootstrapSystemContract(address(positions));
        registry.bootstrapSystemContract(address(lc));
        registry.bootstrapSystemContract(address(transfers));
        registry.endBootstrap(3);
        _mint(BANK_A, 1e30);
        vm.prank(BANK_A);
        token.approve(address(lc), type(uint256).max);
        vm.prank(BANK_A);
        token.approve(address(transfers), type(uint256).max);
        // the first beneficiary funds the second beneficiaries' escrow at substitution
        _mint(SUPPLIER_1, 1e30);
        vm.prank(SUPPLIER_1);
        token.approve(address(transfers), type(uint256).max);
    }

    /// @dev Bank A's tokens out, other than through `LetterOfCredit.pay` (must stay zero: it never pays twice).
    function bankPaidOutsideLc() external view returns (uint256) {
        return 1e30 - token.balanceOf(BANK_A) - ghostLcPaid;
    }

    function escrowHeld() external view returns (uint256) {
        return token.balanceOf(address(transfers));
    }

    /// @dev What the escrow must hold: the substituted, unpaid second presentations (all LCs in the settlement
    /// currency here).
    function escrowDue() external view returns (uint256 due) {
        for (uint256 i; i < _secondIds.length; ++i) {
            ILcTransfers.SecondPresentation memory sp = transfers.secondPresentation(_secondIds[i]);
            if (sp.state == ILcTransfers.SecondPresentationState.Substituted) due += sp.amount;
        }
    }

    function lcIds() external view returns (uint256[] memory) {
        return _lcIds;
    }

    function presentationIds() external view returns (uint256[] memory) {
        return _presentationIds;
    }

    function secondBalances() external view returns (uint256) {
        return token.balanceOf(SUPPLIER_2) + token.balanceOf(CORE);
    }

    // ------------------------------------------------------------------ actions

    function issue(uint80 amount, uint8 tolerance, bool partialDrawings) external {
        if (_lcIds.length >= MAX_LCS) return;
        ILetterOfCredit.Terms memory terms = ILetterOfCredit.Terms({
            advisingBank: BANK_B,
            nominatedBank: address(0),
            beneficiary: SUPPLIER_1,
            amount: uint80(_bound(amount, 1, 1e12)),
            currency: bytes3("CNY"),
            tolerancePlus: uint8(tolerance % 11),
            toleranceMinus: uint8(tolerance % 11),
            expiry: uint40(block.timestamp + 30 days),
            latestShipment: uint40(block.timestamp + 20 days),
            deferred: false,
            tenorDays: 0,
            partialDrawings: partialDrawings,
            requiredDocuments: 1 << 2,
            termsHash: keccak256(abi.encode(_lcIds.length))
        });
        vm.prank(BANK_A);
        uint256 id = lc.issue(CORE, terms);
        vm.prank(BANK_B);
        lc.advise(id);
        vm.prank(SUPPLIER_1);
        lc.acknowledge(id);
        vm.prank(BANK_A);
        transfers.designateTransferable(id);
        _lcIds.push(id);
    }

    function amend(uint256 lcSeed, uint80 amount) external {
        if (_lcIds.length == 0) return;
        uint256 id = _lcIds[lcSeed % _lcIds.length];
        ILetterOfCredit.LetterOfCreditRecord memory r = lc.letterOfCredit(id);
        ILetterOfCredit.Amendment memory a = ILetterOfCredit.Amendment({
            amount: uint80(_bound(amount, 1, 1e12)),
            expiry: r.expiry,
            latestShipment: r.latestShipment,
            termsHash: keccak256(abi.encode(id, amount))
        });
        vm.prank(BANK_A);
        try lc.proposeAmendment(id, a) {
            vm.prank(SUPPLIER_1);
            try lc.acceptAmendment(id, a) {} catch {}
        } catch {}
    }

    function requestTransfer(uint256 lcSeed, uint80 amount, bool toCore) external {
        if (_lcIds.length == 0) return;
        uint256 id = _lcIds[lcSeed % _lcIds.length];
        address second = toCore ? CORE : SUPPLIER_2;
        ILcTransfers.TransferTerms memory terms = ILcTransfers.TransferTerms({
            secondBeneficiary: second,
            amount: uint80(_bound(amount, 1, 2e12)),
            expiry: uint40(block.timestamp + 10 days),
            latestShipment: uint40(block.timestamp + 5 days),
            presentationPeriodDays: 10,
            termsHash: keccak256(abi.encode(id, amount))
        });
        vm.prank(SUPPLIER_1);
        try transfers.requestTransfer(id, terms) returns (uint256 transferId) {
            _transferIds.push(transferId);
            _secondOf[transferId] = second;
        } catch {}
    }

    function executeTransfer(uint256 seed) external {
        if (_transferIds.length == 0) return;
        uint256 transferId = _transferIds[seed % _transferIds.length];
        vm.prank(BANK_A);
        try transfers.executeTransfer(transferId) {
            uint256 lcId = transferId >> 16;
            ILetterOfCredit.LetterOfCreditRecord memory r = lc.letterOfCredit(lcId);
            uint256 maximum = uint256(r.amount) + (uint256(r.amount) * r.tolerancePlus) / 100;
            if (transfers.transferableCredit(lcId).transferred > maximum) ghostTransferredAboveLc = true;
        } catch {}
    }

    function presentSecond(uint256 seed, uint80 amount) external {
        if (_transferIds.length == 0) return;
        uint256 transferId = _transferIds[seed % _transferIds.length];
        vm.prank(_secondOf[transferId]);
        try
            transfers.presentUnderTransfer(
                transferId,
                uint80(_bound(amount, 1, 1e12)),
                keccak256(abi.encode(transferId, amount)),
                uint40(block.timestamp - 1)
            )
        returns (uint256 id) {
            _secondIds.push(id);
        } catch {}
    }

    function presentFirst(uint256 lcSeed, uint80 amount) external {
        if (_lcIds.length == 0) return;
        uint256 id = _lcIds[lcSeed % _lcIds.length];
        DocumentRef[] memory docs = new DocumentRef[](1);
        docs[0] = DocumentRef(keccak256(abi.encode(id, amount)), bytes32(uint256(1)), 2);
        vm.prank(SUPPLIER_1);
        try lc.present(id, uint80(_bound(amount, 1, 1e12)), docs) returns (uint256 pid) {
            _presentationIds.push(pid);
        } catch {}
    }

    function substitute(uint256 pSeed, uint256 sSeed, uint256 count) external {
        if (_presentationIds.length == 0 || _secondIds.length == 0) return;
        uint256 pid = _presentationIds[pSeed % _presentationIds.length];
        uint256 n = _bound(count, 1, 3);
        uint256[] memory ids = new uint256[](n);
        for (uint256 i; i < n; ++i) ids[i] = _secondIds[(sSeed + i) % _secondIds.length];
        vm.prank(SUPPLIER_1);
        try transfers.substituteInvoice(pid, ids, keccak256(abi.encode(pid))) {} catch {}
    }

    function examineAndPay(uint256 pSeed, bool accepted) external {
        if (_presentationIds.length == 0) return;
        uint256 pid = _presentationIds[pSeed % _presentationIds.length];
        vm.startPrank(BANK_A);
        try lc.examine(pid, new bytes32[](0)) {} catch {}
        if (accepted) {
            uint256 before = token.balanceOf(BANK_A);
            try lc.pay(pid, bytes32(0)) {} catch {}
            ghostLcPaid += before - token.balanceOf(BANK_A);
        } else {
            bytes32[] memory d = new bytes32[](1);
            d[0] = bytes32("DOCUMENTS_MISSING");
            try lc.refuse(pid, d, keccak256("notice"), false) {} catch {}
        }
        vm.stopPrank();
    }

    function paySecond(uint256 seed, bool offChain) external {
        if (_secondIds.length == 0) return;
        uint256 id = _secondIds[seed % _secondIds.length];
        uint80 amount = transfers.secondPresentation(id).amount;
        vm.prank(BANK_A);
        try transfers.paySecondBeneficiary(id, offChain ? keccak256(abi.encode("wire", id)) : bytes32(0)) {
            if (_paid[id]) ghostPaidTwice = true;
            _paid[id] = true;
            if (!offChain) ghostPaidToSecond += amount;
        } catch {}
    }

    function unlink(uint256 seed) external {
        if (_secondIds.length == 0) return;
        try transfers.unlink(_secondIds[seed % _secondIds.length]) {} catch {}
    }

    function warp(uint256 secondsAhead) external {
        vm.warp(block.timestamp + _bound(secondsAhead, 1, 3 days));
    }
}

contract LcTransfersInvariantTest is TestBase {
    LcTransfersHandler internal handler;
    LetterOfCredit internal lc;
    LcTransfers internal transfers;

    function setUp() public {
        handler = new LcTransfersHandler();
        lc = handler.lc();
        transfers = handler.transfers();
        _targetContract(address(handler));
    }

    /// @notice What second beneficiaries were paid never exceeds what the LC honoured on the first beneficiary's
    /// presentations linked to theirs, nor what the LC drew in all.
    function invariant_secondPaidWithinLinkedLcPayments() public view {
        uint256[] memory lcs = handler.lcIds();
        uint256[] memory pids = handler.presentationIds();
        for (uint256 i; i < lcs.length; ++i) {
            uint256 honouredLinked;
            for (uint256 j; j < pids.length; ++j) {
                if (pids[j] >> 16 != lcs[i] || transfers.link(pids[j]).linked == 0) continue;
                ILetterOfCredit.Presentation memory p = lc.presentation(pids[j]);
                if (
                    p.state == ILetterOfCredit.PresentationState.Paid ||
                    p.state == ILetterOfCredit.PresentationState.Accepted
                ) honouredLinked += p.amount;
            }
            uint256 paid = transfers.transferableCredit(lcs[i]).paidToSecond;
            _assertTrue(paid <= honouredLinked, "paid to second > LC honoured on linked presentations");
            _assertTrue(paid <= lc.letterOfCredit(lcs[i]).drawn, "paid to second > drawn");
        }
    }

    /// @notice Each linked presentation's second beneficiaries are paid at most its amount; linked at most its amount.
    function invariant_linkWithinPresentation() public view {
        uint256[] memory pids = handler.presentationIds();
        for (uint256 j; j < pids.length; ++j) {
            ILcTransfers.Link memory l = transfers.link(pids[j]);
            uint256 amount = lc.presentation(pids[j]).amount;
            _assertTrue(l.linked <= amount && l.paid <= l.linked, "link above its presentation");
        }
    }

    /// @notice Transfers executed never exceeded the LC's amount plus tolerance when executed.
    function invariant_transferredWithinLc() public view {
        _assertTrue(!handler.ghostTransferredAboveLc(), "transferred above amount + tolerance");
    }

    /// @notice The bank pays each LC presentation once: second beneficiaries are paid out of the first beneficiary's
    /// escrow, which holds exactly the substituted presentations not yet paid (nor unlinked).
    function invariant_bankPaysOnceEscrowExact() public view {
        _assertEq(handler.bankPaidOutsideLc(), 0, "bank paid outside the LC");
        _assertEq(handler.escrowHeld(), handler.escrowDue(), "escrow");
    }

    /// @notice Second beneficiaries hold exactly what they were paid in tokens, each presentation paid at most once.
    function invariant_secondPaidExactlyOnce() public view {
        _assertEq(handler.secondBalances(), handler.ghostPaidToSecond(), "second beneficiaries' balances");
        _assertTrue(!handler.ghostPaidTwice(), "a second presentation paid twice");
    }
}
