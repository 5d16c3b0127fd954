// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @notice A business document kept off chain: only its hashes stand on chain.
/// @param contentHash keccak256 of the document's bytes (or of its canonical JSON).
/// @param uriHash keccak256 of where it is kept (the location itself may reveal business relationships).
/// @param kind What the document is; see `DocumentKinds`.
struct DocumentRef {
    bytes32 contentHash;
    bytes32 uriHash;
    uint16 kind;
}

/// @notice Document kinds shared by the applications and the SDK (`DocumentKind` there).
library DocumentKinds {
    uint16 internal constant CONTRACT = 1;
    uint16 internal constant INVOICE = 2;
    uint16 internal constant DELIVERY = 3;
    uint16 internal constant TRANSPORT_DOCUMENT = 4;
    uint16 internal constant INSURANCE = 5;
    uint16 internal constant INSPECTION = 6;
    uint16 internal constant DEMAND = 7;
    uint16 internal constant DEED = 8;
    uint16 internal constant NOTICE = 9;
    uint16 internal constant EVIDENCE = 10;
    uint16 internal constant LICENCE = 11;
    uint16 internal constant OTHER = 255;
}
