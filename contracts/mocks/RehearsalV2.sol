// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {ApprovalProcesses} from "../approvals/ApprovalProcesses.sol";
import {AuthorityAttestations} from "../attestations/AuthorityAttestations.sol";
import {BankGuarantees} from "../guarantees/BankGuarantees.sol";
import {ConsortiumCalendar} from "../platform/ConsortiumCalendar.sol";
import {ConsortiumRegistry} from "../platform/ConsortiumRegistry.sol";
import {CreditBlacklist} from "../credit/CreditBlacklist.sol";
import {DataSharing} from "../data-sharing/DataSharing.sol";
import {DepositToken} from "../platform/DepositToken.sol";
import {FreezeOrders} from "../platform/FreezeOrders.sol";
import {IFreezeOrders} from "../platform/interfaces/IFreezeOrders.sol";
import {ECertificates} from "../data-sharing/ECertificates.sol";
import {FinancedDocuments} from "../platform/FinancedDocuments.sol";
import {ForfaitingMarket} from "../forfaiting/ForfaitingMarket.sol";
import {InterbankPositions} from "../letters-of-credit/InterbankPositions.sol";
import {LetterOfCredit} from "../letters-of-credit/LetterOfCredit.sol";
import {LcApplicantAccounts} from "../letters-of-credit/LcApplicantAccounts.sol";
import {LcPresentationChecks} from "../letters-of-credit/LcPresentationChecks.sol";
import {LcConfirmations} from "../letters-of-credit/LcConfirmations.sol";
import {LcTransfers} from "../letters-of-credit/LcTransfers.sol";
import {ILcPresentationChecks} from "../letters-of-credit/interfaces/ILcPresentationChecks.sol";
import {ILetterOfCredit} from "../letters-of-credit/interfaces/ILetterOfCredit.sol";
import {IPresentationHook} from "../letters-of-credit/interfaces/ILcPresentationChecks.sol";
import {PaymentLedger} from "../platform/PaymentLedger.sol";
import {IAuthorityAttestations} from "../attestations/interfaces/IAuthorityAttestations.sol";
import {ReceivableCertificate} from "../receivables/ReceivableCertificate.sol";
import {ReceivableDesk} from "../receivables/ReceivableDesk.sol";
import {IConsortiumCalendar} from "../platform/interfaces/IConsortiumCalendar.sol";
import {IECertificates} from "../data-sharing/interfaces/IECertificates.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {IDepositToken} from "../platform/interfaces/IDepositToken.sol";
import {IFinancedDocuments} from "../platform/interfaces/IFinancedDocuments.sol";
import {WarehouseReceipts} from "../warehouse/WarehouseReceipts.sol";
import {IIssuanceLimits} from "../receivables/interfaces/IIssuanceLimits.sol";
import {IReceivableDesk} from "../receivables/interfaces/IReceivableDesk.sol";
import {FinancingRequests} from "../receivables/FinancingRequests.sol";
import {RecourseClaims} from "../receivables/RecourseClaims.sol";
import {MaturityArrangements} from "../receivables/MaturityArrangements.sol";
import {IssuanceLimits} from "../receivables/IssuanceLimits.sol";
import {IPaymentLedger} from "../platform/interfaces/IPaymentLedger.sol";
import {IInterbankPositions} from "../letters-of-credit/interfaces/IInterbankPositions.sol";
import {IReceivableCertificate} from "../receivables/interfaces/IReceivableCertificate.sol";

/// @notice Test-only: what the upgrade rehearsal (test/upgrades/rehearsal.test.ts) adds to every suite contract in
/// its v2 — a field in a new ERC-7201 namespace (the v1 layout is untouched), a migration that sets it once through
/// the proposal's `upgradeToAndCall`, and a function. One pattern, mixed into each contract below.
abstract contract RehearsalV2 is Initializable {
    /// @custom:storage-location erc7201:consortia.storage.RehearsalV2
    struct RehearsalV2Storage {
        bytes32 _label;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.RehearsalV2")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant REHEARSAL_V2_STORAGE_LOCATION =
        0x570ed9afa5389a7c60eb559c049fb462cb8fb1677130bcac0b4f74ca0f0f7b00;

    /// @notice The v2 migration ran.
    event MigratedToV2(bytes32 label);

    /// @notice The v2 migration: sets the new field. Runs once (a second call reverts `InvalidInitialization`).
    /// @custom:oz-upgrades-validate-as-initializer
    function migrateToV2(bytes32 label_) external reinitializer(2) {
        _getRehearsalV2Storage()._label = label_;
        emit MigratedToV2(label_);
    }

    /// @notice The new function: the new field.
    function rehearsalLabel() external view returns (bytes32) {
        return _getRehearsalV2Storage()._label;
    }

    function _getRehearsalV2Storage() private pure returns (RehearsalV2Storage storage $) {
        assembly ("memory-safe") {
            $.slot := REHEARSAL_V2_STORAGE_LOCATION
        }
    }
}

contract ConsortiumRegistryRehearsalV2 is ConsortiumRegistry, RehearsalV2 {}

contract DepositTokenRehearsalV2 is DepositToken, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_, IFreezeOrders freezeOrders_) DepositToken(registry_, freezeOrders_) {}
}

contract FreezeOrdersRehearsalV2 is FreezeOrders, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) FreezeOrders(registry_) {}
}

contract ConsortiumCalendarRehearsalV2 is ConsortiumCalendar, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) ConsortiumCalendar(registry_) {}
}

contract PaymentLedgerRehearsalV2 is PaymentLedger, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) PaymentLedger(registry_) {}
}

contract FinancedDocumentsRehearsalV2 is FinancedDocuments, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) FinancedDocuments(registry_) {}
}

contract IssuanceLimitsRehearsalV2 is IssuanceLimits, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) IssuanceLimits(registry_) {}
}

contract FinancingRequestsRehearsalV2 is FinancingRequests, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IReceivableDesk desk_,
        IReceivableCertificate certificates_,
        IDepositToken token_,
        IAuthorityAttestations attestations_
    ) FinancingRequests(registry_, desk_, certificates_, token_, attestations_) {}
}

contract RecourseClaimsRehearsalV2 is RecourseClaims, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IReceivableDesk desk_,
        IReceivableCertificate certificates_,
        IDepositToken token_,
        IAuthorityAttestations attestations_
    ) RecourseClaims(registry_, desk_, certificates_, token_, attestations_) {}
}

contract MaturityArrangementsRehearsalV2 is MaturityArrangements, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IDepositToken token_,
        IPaymentLedger ledger_,
        IReceivableDesk desk_,
        IReceivableCertificate certificates_
    ) MaturityArrangements(registry_, token_, ledger_, desk_, certificates_) {}
}

contract CreditBlacklistRehearsalV2 is CreditBlacklist, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) CreditBlacklist(registry_) {}
}

contract DataSharingRehearsalV2 is DataSharing, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) DataSharing(registry_) {}
}

contract ECertificatesRehearsalV2 is ECertificates, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) ECertificates(registry_) {}
}

contract ReceivableCertificateRehearsalV2 is ReceivableCertificate, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        uint8 valueDecimals_,
        IFreezeOrders freezeOrders_,
        IAuthorityAttestations attestations_
    ) ReceivableCertificate(registry_, valueDecimals_, freezeOrders_, attestations_) {}
}

contract ReceivableDeskRehearsalV2 is ReceivableDesk, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IDepositToken token_,
        IPaymentLedger ledger_,
        IReceivableCertificate certificates_,
        IFinancedDocuments documents_,
        IIssuanceLimits limits_
    ) ReceivableDesk(registry_, token_, ledger_, certificates_, documents_, limits_) {}
}

contract InterbankPositionsRehearsalV2 is InterbankPositions, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IDepositToken token_,
        IPaymentLedger ledger_
    ) InterbankPositions(registry_, token_, ledger_) {}
}

contract LetterOfCreditRehearsalV2 is LetterOfCredit, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IDepositToken token_,
        IPaymentLedger ledger_,
        IInterbankPositions positions_,
        bytes3 settlementCurrency_,
        IPresentationHook checks_
    ) LetterOfCredit(registry_, token_, ledger_, positions_, settlementCurrency_, checks_) {}
}

contract LcApplicantAccountsRehearsalV2 is LcApplicantAccounts, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        ILetterOfCredit letterOfCredit_,
        IDepositToken token_
    ) LcApplicantAccounts(registry_, letterOfCredit_, token_) {}
}

contract LcPresentationChecksRehearsalV2 is LcPresentationChecks, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IAuthorityAttestations attestations_
    ) LcPresentationChecks(registry_, attestations_) {}
}

contract LcConfirmationsRehearsalV2 is LcConfirmations, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        ILetterOfCredit letterOfCredit_
    ) LcConfirmations(registry_, letterOfCredit_) {}
}

contract LcTransfersRehearsalV2 is LcTransfers, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IDepositToken token_,
        IPaymentLedger ledger_,
        ILetterOfCredit letterOfCredit_,
        ILcPresentationChecks presentationChecks_
    ) LcTransfers(registry_, token_, ledger_, letterOfCredit_, presentationChecks_) {}
}

contract BankGuaranteesRehearsalV2 is BankGuarantees, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IDepositToken token_,
        IPaymentLedger ledger_,
        IConsortiumCalendar calendar_,
        IAuthorityAttestations attestations_
    ) BankGuarantees(registry_, token_, ledger_, calendar_, attestations_) {}
}

contract ForfaitingMarketRehearsalV2 is ForfaitingMarket, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IDepositToken token_,
        IPaymentLedger ledger_,
        IFreezeOrders freezeOrders_,
        IAuthorityAttestations attestations_
    ) ForfaitingMarket(registry_, token_, ledger_, freezeOrders_, attestations_) {}
}

contract ApprovalProcessesRehearsalV2 is ApprovalProcesses, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IConsortiumCalendar calendar_,
        IECertificates certificates_
    ) ApprovalProcesses(registry_, calendar_, certificates_) {}
}

contract AuthorityAttestationsRehearsalV2 is AuthorityAttestations, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) AuthorityAttestations(registry_) {}
}

contract WarehouseReceiptsRehearsalV2 is WarehouseReceipts, RehearsalV2 {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IFinancedDocuments documents_,
        IFreezeOrders freezeOrders_
    ) WarehouseReceipts(registry_, documents_, freezeOrders_) {}
}
