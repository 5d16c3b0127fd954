import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { deployUpgradeable } from "./upgradeable.js";
import AttestationsModule from "./Attestations.js";
import PlatformModule from "./Platform.js";

/**
 * Bank guarantees: pays demands in settlement tokens or records off-chain payments, so it is a system contract. The
 * platform's calendar counts the business days of demand examination (URDG 758 art. 20a, ISP98 rule 5.01a).
 */
export default buildModule("Guarantees", (m) => {
  const { registry, token, ledger, calendar } = m.useModule(PlatformModule);
  const { attestations } = m.useModule(AttestationsModule);
  const app = deployUpgradeable(m, "BankGuarantees", [registry, token, ledger, calendar, attestations]);
  m.call(registry, "bootstrapSystemContract", [app], { id: "registerBankGuarantees" });
  return { app };
});
