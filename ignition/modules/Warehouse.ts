import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { deployUpgradeable } from "./upgradeable.js";
import FinancedDocumentsModule from "./FinancedDocuments.js";
import PlatformModule from "./Platform.js";

/**
 * Warehouse receipts pledged to banks (融通仓, 保兑仓). The receipts hold their goods' document in the register of
 * financed documents, so the contract is registered as a system contract (bootstrap only; after bootstrap, pass a
 * `setSystemContract` proposal instead). Freeze orders of the platform's register stop their goods.
 */
export default buildModule("Warehouse", (m) => {
  const { registry, freezeOrders } = m.useModule(PlatformModule);
  const { financedDocuments } = m.useModule(FinancedDocumentsModule);
  const receipts = deployUpgradeable(m, "WarehouseReceipts", [registry, financedDocuments, freezeOrders]);
  m.call(registry, "bootstrapSystemContract", [receipts], { id: "registerWarehouseReceipts" });
  return { receipts };
});
