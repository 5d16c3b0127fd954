import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { deployUpgradeable } from "./upgradeable.js";
import PlatformModule from "./Platform.js";

/**
 * The suite's register of financed documents (one invoice, financed once). Applications that finance documents take
 * it as a constructor argument and must be registry system contracts to hold documents in it.
 */
export default buildModule("FinancedDocuments", (m) => {
  const { registry } = m.useModule(PlatformModule);
  const financedDocuments = deployUpgradeable(m, "FinancedDocuments", [registry]);
  return { financedDocuments };
});
