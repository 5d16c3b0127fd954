import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import PlatformModule from "./Platform.js";

/** Data sharing (catalogue, grants, access log) and e-certificates. Neither holds or moves money: no system role. */
export default buildModule("DataSharing", (m) => {
  const { registry } = m.useModule(PlatformModule);
  const dataSharing = m.contract("DataSharing", [registry]);
  const certificates = m.contract("ECertificates", [registry]);
  return { dataSharing, certificates };
});
