// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {FinancedDocuments} from "../../contracts/platform/FinancedDocuments.sol";
import {IFinancedDocuments} from "../../contracts/platform/interfaces/IFinancedDocuments.sol";
import {FinancedDocumentsAppMock} from "../../contracts/mocks/FinancedDocumentsAppMock.sol";
import {PlatformFixture} from "./utils/PlatformFixture.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Drives random holds and releases of a few documents by two applications, with and without financiers and
/// their consent, and keeps a model of what each record holds.
contract FinancedDocumentsHandler is PlatformFixture {
    uint256 internal constant DOCUMENTS = 3;
    uint256 internal constant RECORDS = 4;
    uint256 public constant FACE = 1e6;
    bytes3 internal constant CNY = "CNY";

    FinancedDocuments public documents;
    FinancedDocumentsAppMock[2] internal _apps;
    address[3] internal _banks = [BANK_A, BANK_B, BANK_C];
    /// @dev Model: amount each (app, document, record) holds, and totals per document.
    mapping(uint256 app => mapping(uint256 doc => mapping(uint256 record => uint256))) public ghostHeld;
    mapping(uint256 doc => uint256) public ghostFinanced;
    mapping(uint256 doc => uint256) public ghostPaid;
    uint256 public ghostHolds;
    uint256 public ghostRefusedBeyondFace;
    uint256 public ghostUnexpected;

    constructor() {
        _deployPlatform();
        documents = FinancedDocuments(
            _proxy(address(new FinancedDocuments(registry)), abi.encodeCall(FinancedDocuments.initialize, ()))
        );
        for (uint256 i; i < 2; ++i) {
            _apps[i] = new FinancedDocumentsAppMock(documents);
            registry.bootstrapSystemContract(address(_apps[i]));
        }
        registry.endBootstrap(3);
    }

    function documentId(uint256 doc) public pure returns (bytes32) {
        return keccak256(abi.encode("invoice", doc));
    }

    function hold(
        uint256 appSeed,
        uint256 docSeed,
        uint256 recordSeed,
        uint256 amount,
        uint256 financierSeed
    ) external {
        (uint256 app, uint256 doc, uint256 record) = _pick(appSeed, docSeed, recordSeed);
        amount = _bound(amount, 1, FACE);
        uint32 financier = financierSeed % 4 == 0 ? 0 : registry.memberOf(_banks[financierSeed % 3]);
        bool fits = ghostFinanced[doc] + ghostPaid[doc] + amount <= FACE;
        bool free = ghostHeld[app][doc][record] == 0;
        try _apps[app].hold(documentId(doc), record, FACE, CNY, amount, financier) {
            if (!fits || !free) ++ghostUnexpected;
            ghostHeld[app][doc][record] = amount;
            ghostFinanced[doc] += amount;
            ++ghostHolds;
        } catch (bytes memory reason) {
            if (fits && free) ++ghostUnexpected;
            if (bytes4(reason) == IFinancedDocuments.DocumentOverFinanced.selector) ++ghostRefusedBeyondFace;
        }
    }

    function release(uint256 appSeed, uint256 docSeed, uint256 recordSeed, bool paid, uint256 consentSeed) external {
        (uint256 app, uint256 doc, uint256 record) = _pick(appSeed, docSeed, recordSeed);
        uint256 held = ghostHeld[app][doc][record];
        IFinancedDocuments.Hold memory h = documents.holdOf(documentId(doc), address(_apps[app]), record);
        address consent = consentSeed % 4 == 0 ? address(0) : _banks[consentSeed % 3];
        bool consents = h.financier == 0 || (consent != address(0) && registry.memberOf(consent) == h.financier);
        IFinancedDocuments.Closure closure =
            paid ? IFinancedDocuments.Closure.Paid : IFinancedDocuments.Closure.Cancelled;
        try _apps[app].release(documentId(doc), record, closure, consent) {
            if (held == 0 || (!paid && !consents)) ++ghostUnexpected;
            ghostHeld[app][doc][record] = 0;
            ghostFinanced[doc] -= held;
            if (paid) ghostPaid[doc] += held;
        } catch {
            if (held != 0 && (paid || consents)) ++ghostUnexpected;
        }
    }

    function _pick(
        uint256 appSeed,
        uint256 docSeed,
        uint256 recordSeed
    ) internal pure returns (uint256 app, uint256 doc, uint256 record) {
        return (appSeed % 2, docSeed % DOCUMENTS, 1 + (recordSeed % RECORDS));
    }

    function documentCount() external pure returns (uint256) {
        return DOCUMENTS;
    }
}

/// @notice Financed value per document never above its face, whatever the sequence of holds and releases.
contract FinancedDocumentsInvariantTest is TestBase {
    FinancedDocumentsHandler internal handler;
    FinancedDocuments internal documents;

    function setUp() public {
        handler = new FinancedDocumentsHandler();
        documents = handler.documents();
        _targetContract(address(handler));
    }

    /// @notice The model is exercised: a second financing beyond face is refused and counted, a paid release keeps
    /// the face used up, a consented cancellation frees it.
    function test_handlerRefusesADoubleFinancing() public {
        // Amounts are bounded as 1 + (x % FACE): x = FACE - 1 asks for the whole face, x = 0 for 1.
        handler.hold(0, 0, 0, 1e6 - 1, 1); // app 0, record 1, whole face, financier bankB
        handler.hold(1, 0, 0, 0, 0); // app 1 wants 1 more: refused
        _assertEq(handler.ghostRefusedBeyondFace(), 1, "one refusal beyond face");
        handler.release(0, 0, 0, false, 0); // cancel without consent: refused
        _assertEq(documents.financedAmount(handler.documentId(0)), 1e6, "still held");
        handler.release(0, 0, 0, false, 1); // bankB consents
        _assertEq(documents.financedAmount(handler.documentId(0)), 0, "freed");
        handler.hold(1, 0, 0, 4e5 - 1, 0); // 400,000
        handler.release(1, 0, 0, true, 0); // paid
        handler.hold(0, 0, 1, 6e5, 0); // 600,001: beyond face minus paid, refused
        _assertEq(handler.ghostRefusedBeyondFace(), 2, "two refusals beyond face");
        invariant_financedPlusPaidNeverAboveFace();
        invariant_registerMatchesModel();
        invariant_noUnexpectedOutcome();
    }

    function invariant_financedPlusPaidNeverAboveFace() public view {
        for (uint256 doc; doc < handler.documentCount(); ++doc) {
            FinancedDocuments.Document memory d = documents.document(handler.documentId(doc));
            _assertTrue(uint256(d.financed) + d.paid <= handler.FACE(), "financed plus paid above face");
            _assertTrue(d.financed <= handler.FACE(), "financed above face");
        }
    }

    function invariant_registerMatchesModel() public view {
        for (uint256 doc; doc < handler.documentCount(); ++doc) {
            FinancedDocuments.Document memory d = documents.document(handler.documentId(doc));
            _assertEq(d.financed, handler.ghostFinanced(doc), "financed differs from the model");
            _assertEq(d.paid, handler.ghostPaid(doc), "paid differs from the model");
        }
    }

    function invariant_noUnexpectedOutcome() public view {
        _assertEq(handler.ghostUnexpected(), 0, "a hold or release went against the model");
    }
}
