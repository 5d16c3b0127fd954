import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { deployUpgradeable } from "./upgradeable.js";
import AttestationsModule from "./Attestations.js";
import LettersOfCreditModule from "./LettersOfCredit.js";
import PlatformModule from "./Platform.js";
import ReceivablesModule from "./Receivables.js";

/**
 * Forfaiting market: settles trade prices (tokens or recorded off-chain payments), so it is a system contract. It
 * trades the claims of the suite's claim contracts (accepted deferred-payment letters of credit, receivable
 * certificates); a claim contract added later is listed by a governance proposal calling `setClaimContract`.
 */
export default buildModule("Forfaiting", (m) => {
  const { registry, token, ledger, freezeOrders } = m.useModule(PlatformModule);
  const { letterOfCredit } = m.useModule(LettersOfCreditModule);
  const { certificates } = m.useModule(ReceivablesModule);
  const { attestations } = m.useModule(AttestationsModule);
  const app = deployUpgradeable(
    m,
    "ForfaitingMarket",
    [registry, token, ledger, freezeOrders, attestations],
    [[letterOfCredit, certificates]],
  );
  m.call(registry, "bootstrapSystemContract", [app], { id: "registerForfaitingMarket" });
  return { app };
});
