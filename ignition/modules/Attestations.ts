import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { deployUpgradeable } from "./upgradeable.js";
import PlatformModule from "./Platform.js";

/**
 * Authority attestations for trade background: authorities (tax, customs, court, business registry, warehouse)
 * attest facts about keyed identifiers and banks set the kinds they require before financing. It moves no asset, so it
 * is not a system contract; financing applications ask it `requireBacked` (a view).
 */
export default buildModule("Attestations", (m) => {
  const { registry } = m.useModule(PlatformModule);
  const attestations = deployUpgradeable(m, "AuthorityAttestations", [registry]);
  return { attestations };
});
