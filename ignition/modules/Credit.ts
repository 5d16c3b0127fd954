import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { deployUpgradeable } from "./upgradeable.js";
import PlatformModule from "./Platform.js";

/**
 * The shared credit blacklist. It holds and moves no money, so it is not registered as a system contract; it only
 * asks the registry who may report, query, dispute and resolve.
 */
export default buildModule("Credit", (m) => {
  const { registry } = m.useModule(PlatformModule);
  const blacklist = deployUpgradeable(m, "CreditBlacklist", [registry]);
  return { blacklist };
});
