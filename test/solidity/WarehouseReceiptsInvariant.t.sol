// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {FinancedDocuments} from "../../contracts/platform/FinancedDocuments.sol";
import {IConsortiumRegistry} from "../../contracts/platform/interfaces/IConsortiumRegistry.sol";
import {Roles} from "../../contracts/platform/libraries/Roles.sol";
import {WarehouseReceipts} from "../../contracts/warehouse/WarehouseReceipts.sol";
import {IWarehouseReceipts} from "../../contracts/warehouse/interfaces/IWarehouseReceipts.sol";
import {PlatformFixture} from "./utils/PlatformFixture.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Drives random issues (over three lots of goods, so receipts share documents), pledge offers to two banks,
/// acceptances, repayments, release instructions and confirmed releases.
contract WarehouseReceiptsHandler is PlatformFixture {
    address internal constant WAREHOUSE = address(0x1009);
    uint256 internal constant LOTS = 3;
    uint256 public constant MAX_RECEIPTS = 8;

    WarehouseReceipts public receipts;
    FinancedDocuments public documents;
    address[2] internal _banks = [BANK_A, BANK_B];
    mapping(uint256 receiptId => uint256) public ghostAcceptances;
    uint256 public ghostRefused;
    uint256 public ghostReleased;
    uint256 public ghostUnexpected;

    constructor() {
        _deployPlatform();
        _seed(IConsortiumRegistry.MemberKind.Enterprise, "warehouse", Roles.WAREHOUSE, WAREHOUSE);
        documents = FinancedDocuments(
            _proxy(address(new FinancedDocuments(registry)), abi.encodeCall(FinancedDocuments.initialize, ()))
        );
        receipts = WarehouseReceipts(
            _proxy(
                address(new WarehouseReceipts(registry, documents, freezeOrders)),
                abi.encodeCall(WarehouseReceipts.initialize, ())
            )
        );
        registry.bootstrapSystemContract(address(receipts));
        registry.endBootstrap(3);
    }

    function issue(uint256 lotSeed, uint256 quantity) external {
        if (receipts.receiptCount() >= MAX_RECEIPTS) return;
        uint256 lot = lotSeed % LOTS;
        quantity = _bound(quantity, 1, 10_000);
        IWarehouseReceipts.ReceiptTerms memory terms = IWarehouseReceipts.ReceiptTerms({
            depositor: registry.memberOf(SUPPLIER_1),
            mode: IWarehouseReceipts.Mode.Inventory,
            dealer: 0,
            goodsHash: keccak256(abi.encode("goods", lot)),
            locationHash: keccak256(abi.encode("location", lot)),
            documentId: keccak256(abi.encode("document", lot)),
            quantity: uint96(quantity),
            value: 1e9,
            currency: bytes3("CNY")
        });
        vm.prank(WAREHOUSE);
        try receipts.issue(terms) {} catch {
            ++ghostUnexpected;
        }
    }

    function offer(uint256 receiptSeed, uint256 bankSeed, uint256 principal) external {
        uint256 id = _receipt(receiptSeed);
        if (id == 0) return;
        principal = _bound(principal, 1, 1e9);
        uint32 bank = registry.memberOf(_banks[bankSeed % 2]);
        vm.prank(SUPPLIER_1);
        try receipts.offerPledge(id, bank, keccak256("loan"), uint128(principal)) {} catch {}
    }

    function accept(uint256 receiptSeed) external {
        uint256 id = _receipt(receiptSeed);
        if (id == 0) return;
        IWarehouseReceipts.Receipt memory r = receipts.receipt(id);
        if (r.status != IWarehouseReceipts.Status.Offered) return;
        address bank = r.financier == registry.memberOf(BANK_A) ? BANK_A : BANK_B;
        bytes32 hash = receipts.pledge(id).offerHash;
        vm.prank(bank);
        try receipts.acceptPledge(id, hash) returns (bool pledged) {
            if (pledged) ++ghostAcceptances[id];
            else ++ghostRefused;
        } catch {
            ++ghostUnexpected;
        }
    }

    function repay(uint256 receiptSeed, uint256 amount) external {
        uint256 id = _receipt(receiptSeed);
        if (id == 0) return;
        IWarehouseReceipts.Receipt memory r = receipts.receipt(id);
        if (r.status != IWarehouseReceipts.Status.Pledged) return;
        IWarehouseReceipts.Pledge memory p = receipts.pledge(id);
        amount = _bound(amount, 1, p.principal);
        vm.prank(r.financier == registry.memberOf(BANK_A) ? BANK_A : BANK_B);
        try receipts.recordRepayment(id, uint128(amount), keccak256("payment")) {} catch {}
    }

    function instruct(uint256 receiptSeed, uint256 quantity) external {
        uint256 id = _receipt(receiptSeed);
        if (id == 0) return;
        IWarehouseReceipts.Receipt memory r = receipts.receipt(id);
        if (r.status != IWarehouseReceipts.Status.Pledged) return;
        quantity = _bound(quantity, 1, r.quantity);
        vm.prank(r.financier == registry.memberOf(BANK_A) ? BANK_A : BANK_B);
        try receipts.instructRelease(id, uint96(quantity)) {} catch {}
    }

    function confirm(uint256 receiptSeed, uint256 quantity) external {
        uint256 id = _receipt(receiptSeed);
        if (id == 0) return;
        IWarehouseReceipts.Receipt memory r = receipts.receipt(id);
        quantity = _bound(quantity, 1, r.quantity);
        vm.prank(WAREHOUSE);
        try receipts.confirmRelease(id, uint96(quantity)) {
            ghostReleased += quantity;
        } catch {}
    }

    function _receipt(uint256 seed) internal view returns (uint256) {
        uint256 count = receipts.receiptCount();
        return count == 0 ? 0 : (seed % count) + 1;
    }
}

/// @notice Released goods never exceed the repaid share; a receipt is never pledged twice; goods (a document) back at
/// most one open pledge; the register holds a document exactly while one of its receipts is pledged.
contract WarehouseReceiptsInvariantTest is TestBase {
    WarehouseReceiptsHandler internal handler;
    WarehouseReceipts internal receipts;
    FinancedDocuments internal documents;

    function setUp() public {
        handler = new WarehouseReceiptsHandler();
        receipts = handler.receipts();
        documents = handler.documents();
        _targetContract(address(handler));
    }

    /// @notice The model is exercised: two receipts over one lot, the second pledge refused; a half repayment frees
    /// half the goods, not one unit more.
    function test_handlerRefusesDoubleFinancingAndUncoveredRelease() public {
        handler.issue(0, 1_000);
        handler.issue(3, 1_000); // the same lot again
        handler.offer(0, 0, 1e6);
        handler.offer(1, 1, 1e6);
        handler.accept(0);
        handler.accept(1);
        _assertEq(handler.ghostAcceptances(1), 1, "first pledged");
        _assertEq(handler.ghostRefused(), 1, "second refused");
        handler.repay(0, 5e5 - 1); // 500,000
        handler.instruct(0, 501 - 1); // 501 units: not covered
        _assertEq(receipts.receipt(1).instructed, 0, "release beyond the repaid share refused");
        handler.instruct(0, 500 - 1);
        handler.confirm(0, 500 - 1);
        _assertEq(receipts.receipt(1).released, 500, "half released");
        invariant_releasedNeverAboveRepaidShare();
        invariant_receiptNeverPledgedTwice();
        invariant_goodsBackOneOpenPledge();
        invariant_noUnexpectedOutcome();
    }

    function invariant_releasedNeverAboveRepaidShare() public view {
        uint256 count = receipts.receiptCount();
        for (uint256 id = 1; id <= count; ++id) {
            IWarehouseReceipts.Receipt memory r = receipts.receipt(id);
            IWarehouseReceipts.Pledge memory p = receipts.pledge(id);
            if (p.principal == 0) {
                _assertEq(r.released + r.instructed, 0, "goods out without a pledge");
                continue;
            }
            uint256 covered = (uint256(r.quantity) * p.repaid) / p.principal;
            _assertTrue(uint256(r.released) + r.instructed <= covered, "released beyond the repaid share");
            _assertTrue(p.repaid <= p.principal, "repaid beyond the principal");
        }
    }

    function invariant_receiptNeverPledgedTwice() public view {
        uint256 count = receipts.receiptCount();
        for (uint256 id = 1; id <= count; ++id) {
            _assertTrue(handler.ghostAcceptances(id) <= 1, "a receipt pledged twice");
        }
    }

    function invariant_goodsBackOneOpenPledge() public view {
        uint256 count = receipts.receiptCount();
        for (uint256 lot; lot < 3; ++lot) {
            bytes32 documentId = keccak256(abi.encode("document", lot));
            uint256 open;
            for (uint256 id = 1; id <= count; ++id) {
                IWarehouseReceipts.Receipt memory r = receipts.receipt(id);
                if (r.documentId == documentId && r.status == IWarehouseReceipts.Status.Pledged) ++open;
            }
            _assertTrue(open <= 1, "goods back two open pledges");
            _assertEq(documents.document(documentId).holds, open, "register holds differ from open pledges");
        }
    }

    function invariant_noUnexpectedOutcome() public view {
        _assertEq(handler.ghostUnexpected(), 0, "an issue or acceptance reverted against the model");
    }
}
