import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { deployUpgradeable } from "./upgradeable.js";
import DataSharingModule from "./DataSharing.js";
import PlatformModule from "./Platform.js";

/**
 * Cross-department approvals: issues a case's result e-certificate in the issuing department's name
 * (`ECertificates.issueFor`), so it is a system contract.
 */
export default buildModule("Approvals", (m) => {
  const { registry, calendar } = m.useModule(PlatformModule);
  const { certificates } = m.useModule(DataSharingModule);
  const app = deployUpgradeable(m, "ApprovalProcesses", [registry, calendar, certificates]);
  m.call(registry, "bootstrapSystemContract", [app], { id: "registerApprovalProcesses" });
  return { app };
});
