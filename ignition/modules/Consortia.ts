import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import ApprovalsModule from "./Approvals.js";
import AttestationsModule from "./Attestations.js";
import CreditModule from "./Credit.js";
import DataSharingModule from "./DataSharing.js";
import FinancedDocumentsModule from "./FinancedDocuments.js";
import ForfaitingModule from "./Forfaiting.js";
import GuaranteesModule from "./Guarantees.js";
import LettersOfCreditModule from "./LettersOfCredit.js";
import PlatformModule from "./Platform.js";
import ReceivablesModule from "./Receivables.js";
import WarehouseModule from "./Warehouse.js";

/** The whole suite: the platform and every application. `npm run deploy` deploys this module. */
export default buildModule("Consortia", (m) => {
  const platform = m.useModule(PlatformModule);
  const { financedDocuments } = m.useModule(FinancedDocumentsModule);
  const { blacklist } = m.useModule(CreditModule);
  const { dataSharing, certificates: eCertificates } = m.useModule(DataSharingModule);
  const {
    certificates: receivableCertificates,
    desk: receivableDesk,
    limits: issuanceLimits,
    financing: financingRequests,
    recourse: recourseClaims,
    arrangements: maturityArrangements,
  } = m.useModule(ReceivablesModule);
  const {
    positions,
    letterOfCredit,
    applicantAccounts: lcApplicantAccounts,
    presentationChecks: lcPresentationChecks,
    confirmations: lcConfirmations,
    transfers: lcTransfers,
  } = m.useModule(LettersOfCreditModule);
  const { app: guarantees } = m.useModule(GuaranteesModule);
  const { app: forfaiting } = m.useModule(ForfaitingModule);
  const { app: approvals } = m.useModule(ApprovalsModule);
  const { attestations } = m.useModule(AttestationsModule);
  const { receipts: warehouseReceipts } = m.useModule(WarehouseModule);
  return {
    ...platform,
    financedDocuments,
    blacklist,
    dataSharing,
    eCertificates,
    receivableCertificates,
    receivableDesk,
    issuanceLimits,
    financingRequests,
    recourseClaims,
    maturityArrangements,
    positions,
    letterOfCredit,
    lcApplicantAccounts,
    lcPresentationChecks,
    lcConfirmations,
    lcTransfers,
    guarantees,
    forfaiting,
    approvals,
    attestations,
    warehouseReceipts,
  };
});
