import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { deployUpgradeable } from "./upgradeable.js";

/**
 * Registry, register of freeze orders, settlement token, off-chain payment ledger and calendar: what every application
 * module builds on. The freeze register comes before the token, which obeys it (a constructor constant).
 */
export default buildModule("Platform", (m) => {
  // The deploying account becomes the bootstrapper (the registry's initializer runs in the proxy's constructor).
  const registry = deployUpgradeable(m, "ConsortiumRegistry", []);
  const freezeOrders = deployUpgradeable(m, "FreezeOrders", [registry]);
  const token = deployUpgradeable(
    m,
    "DepositToken",
    [registry, freezeOrders],
    [
      m.getParameter("tokenName", "Consortia Deposit CNY"),
      m.getParameter("tokenSymbol", "dCNY"),
      m.getParameter("tokenDecimals", 2),
    ],
  );
  const ledger = deployUpgradeable(m, "PaymentLedger", [registry]);
  // The consortium's working days (set by governance vote per year), in its time zone (UTC+8 by default).
  const calendar = deployUpgradeable(m, "ConsortiumCalendar", [registry], [m.getParameter("utcOffset", 28_800)]);
  return { registry, freezeOrders, token, ledger, calendar };
});
