import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { deployUpgradeable } from "./upgradeable.js";
import AttestationsModule from "./Attestations.js";
import FinancedDocumentsModule from "./FinancedDocuments.js";
import PlatformModule from "./Platform.js";

/**
 * Receivable certificates (ERC-3525), the desk that is their only minter, multi-bank financing requests and
 * discounting with or without recourse over them. The desk escrows settlement tokens for
 * holders, so it is registered as a system contract (bootstrap only; after bootstrap, pass a `setSystemContract`
 * proposal instead).
 */
export default buildModule("Receivables", (m) => {
  const { registry, token, ledger, freezeOrders } = m.useModule(PlatformModule);
  const { financedDocuments } = m.useModule(FinancedDocumentsModule);
  const { attestations } = m.useModule(AttestationsModule);
  const certificates = deployUpgradeable(m, "ReceivableCertificate", [
    registry,
    m.getParameter("valueDecimals", 2),
    freezeOrders,
    attestations,
  ]);
  const limits = deployUpgradeable(m, "IssuanceLimits", [registry]);
  const desk = deployUpgradeable(m, "ReceivableDesk", [
    registry,
    token,
    ledger,
    certificates,
    financedDocuments,
    limits,
  ]);
  m.call(certificates, "bindDesk", [desk], { id: "bindReceivableDesk" });
  m.call(registry, "bootstrapSystemContract", [desk], { id: "registerReceivableDesk" });
  // Multi-bank financing requests settle through the certificate's approved-operator path and token allowances,
  // which accept only accounts that may hold assets or system contracts.
  const financing = deployUpgradeable(m, "FinancingRequests", [registry, desk, certificates, token, attestations]);
  m.call(registry, "bootstrapSystemContract", [financing], { id: "registerFinancingRequests" });
  // Discounting with or without recourse: the certificate lets this contract alone return a matured certificate to a
  // seller that honoured a recourse claim.
  const recourse = deployUpgradeable(m, "RecourseClaims", [registry, desk, certificates, token, attestations]);
  m.call(certificates, "bindRecourse", [recourse], { id: "bindRecourseClaims" });
  m.call(registry, "bootstrapSystemContract", [recourse], { id: "registerRecourseClaims" });
  // Part payments at maturity: the certificate lets this contract alone pay a certificate down by its share, and asks
  // it before every burn; it holds the part payments until claimed, so it is a system contract.
  const arrangements = deployUpgradeable(m, "MaturityArrangements", [registry, token, ledger, desk, certificates]);
  m.call(certificates, "bindArrangements", [arrangements], { id: "bindMaturityArrangements" });
  m.call(registry, "bootstrapSystemContract", [arrangements], { id: "registerMaturityArrangements" });
  return { certificates, desk, limits, financing, recourse, arrangements };
});
