// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AuthorityAttestations} from "../../../contracts/attestations/AuthorityAttestations.sol";
import {ReceivableCertificate} from "../../../contracts/receivables/ReceivableCertificate.sol";
import {FinancedDocuments} from "../../../contracts/platform/FinancedDocuments.sol";
import {IssuanceLimits} from "../../../contracts/receivables/IssuanceLimits.sol";
import {ReceivableDesk} from "../../../contracts/receivables/ReceivableDesk.sol";
import {PlatformFixture} from "./PlatformFixture.sol";

/// @notice The platform plus the receivable certificates and their desk, each behind its proxy, bound together.
abstract contract ReceivablesFixture is PlatformFixture {
    AuthorityAttestations public attestations;
    ReceivableCertificate public certificates;
    ReceivableDesk public desk;
    FinancedDocuments public financedDocuments;
    IssuanceLimits public issuanceLimits;

    /// @dev Deploys the authority attestations (whose receivable-financing policies the certificate enforces), the
    /// certificate contract (2 value decimals) and the desk, and binds the desk. Bootstrap stays open.
    function _deployReceivables() internal {
        attestations = AuthorityAttestations(
            _proxy(address(new AuthorityAttestations(registry)), abi.encodeCall(AuthorityAttestations.initialize, ()))
        );
        certificates = ReceivableCertificate(
            _proxy(
                address(new ReceivableCertificate(registry, 2, freezeOrders, attestations)),
                abi.encodeCall(ReceivableCertificate.initialize, ())
            )
        );
        financedDocuments = FinancedDocuments(
            _proxy(address(new FinancedDocuments(registry)), abi.encodeCall(FinancedDocuments.initialize, ()))
        );
        issuanceLimits = IssuanceLimits(
            _proxy(address(new IssuanceLimits(registry)), abi.encodeCall(IssuanceLimits.initialize, ()))
        );
        desk = ReceivableDesk(
            _proxy(
                address(new ReceivableDesk(registry, token, ledger, certificates, financedDocuments, issuanceLimits)),
                abi.encodeCall(ReceivableDesk.initialize, ())
            )
        );
        certificates.bindDesk(address(desk));
    }
}
