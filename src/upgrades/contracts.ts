/**
 * Every suite contract that sits behind a proxy: its artifact name and its source under the project (kept apart from
 * layout.ts so that the CLI names them without loading a compiler).
 */
export const UPGRADEABLE_SOURCES = {
  ConsortiumRegistry: "contracts/platform/ConsortiumRegistry.sol",
  DepositToken: "contracts/platform/DepositToken.sol",
  PaymentLedger: "contracts/platform/PaymentLedger.sol",
  FinancedDocuments: "contracts/platform/FinancedDocuments.sol",
  FreezeOrders: "contracts/platform/FreezeOrders.sol",
  CreditBlacklist: "contracts/credit/CreditBlacklist.sol",
  DataSharing: "contracts/data-sharing/DataSharing.sol",
  ECertificates: "contracts/data-sharing/ECertificates.sol",
  ReceivableCertificate: "contracts/receivables/ReceivableCertificate.sol",
  ReceivableDesk: "contracts/receivables/ReceivableDesk.sol",
  IssuanceLimits: "contracts/receivables/IssuanceLimits.sol",
  FinancingRequests: "contracts/receivables/FinancingRequests.sol",
  RecourseClaims: "contracts/receivables/RecourseClaims.sol",
  MaturityArrangements: "contracts/receivables/MaturityArrangements.sol",
  InterbankPositions: "contracts/letters-of-credit/InterbankPositions.sol",
  LetterOfCredit: "contracts/letters-of-credit/LetterOfCredit.sol",
  LcApplicantAccounts: "contracts/letters-of-credit/LcApplicantAccounts.sol",
  LcPresentationChecks: "contracts/letters-of-credit/LcPresentationChecks.sol",
  LcConfirmations: "contracts/letters-of-credit/LcConfirmations.sol",
  LcTransfers: "contracts/letters-of-credit/LcTransfers.sol",
  BankGuarantees: "contracts/guarantees/BankGuarantees.sol",
  ForfaitingMarket: "contracts/forfaiting/ForfaitingMarket.sol",
  ConsortiumCalendar: "contracts/platform/ConsortiumCalendar.sol",
  ApprovalProcesses: "contracts/approvals/ApprovalProcesses.sol",
  AuthorityAttestations: "contracts/attestations/AuthorityAttestations.sol",
  WarehouseReceipts: "contracts/warehouse/WarehouseReceipts.sol",
} as const;

/** ERC-1967's implementation slot, where every suite proxy keeps its implementation's address (declared in the SDK). */
export { IMPLEMENTATION_SLOT } from "@consortia/sdk";
