import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { deployUpgradeable } from "./upgradeable.js";
import PlatformModule from "./Platform.js";

/** Data sharing (catalogue, grants, access log) and e-certificates. Neither holds or moves money: no system role. */
export default buildModule("DataSharing", (m) => {
  const { registry } = m.useModule(PlatformModule);
  const dataSharing = deployUpgradeable(m, "DataSharing", [registry]);
  const certificates = deployUpgradeable(m, "ECertificates", [registry]);
  return { dataSharing, certificates };
});
