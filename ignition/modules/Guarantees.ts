import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { deployUpgradeable } from "./upgradeable.js";
import PlatformModule from "./Platform.js";

/** Bank guarantees: pays demands in settlement tokens or records off-chain payments, so it is a system contract. */
export default buildModule("Guarantees", (m) => {
  const { registry, token, ledger } = m.useModule(PlatformModule);
  const app = deployUpgradeable(m, "BankGuarantees", [registry, token, ledger]);
  m.call(registry, "bootstrapSystemContract", [app], { id: "registerBankGuarantees" });
  return { app };
});
