// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IFinancedDocuments} from "../platform/interfaces/IFinancedDocuments.sol";

/// @notice Test-only: an application that holds and releases documents in the register on anyone's say (the tests
/// make it a system contract, or leave it out to show the register refuses it).
contract FinancedDocumentsAppMock {
    IFinancedDocuments public immutable documents;

    constructor(IFinancedDocuments documents_) {
        documents = documents_;
    }

    function hold(
        bytes32 documentId,
        uint256 record,
        uint256 face,
        bytes3 currency,
        uint256 amount,
        uint32 financier
    ) external {
        documents.hold(documentId, record, face, currency, amount, financier);
    }

    function release(
        bytes32 documentId,
        uint256 record,
        IFinancedDocuments.Closure closure,
        address consentAccount
    ) external {
        documents.release(documentId, record, closure, consentAccount);
    }
}
