import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import PlatformModule from "./Platform.js";

/**
 * Forfaiting market: settles trade prices (tokens or recorded off-chain payments), so it is a system contract.
 * `claimContracts` lists the claim contracts it may trade from the start (the letters-of-credit and receivables
 * contracts); later ones are listed by a governance proposal calling `setClaimContract`.
 */
export default buildModule("Forfaiting", (m) => {
  const { registry, token, ledger } = m.useModule(PlatformModule);
  const claimContracts = m.getParameter<string[]>("claimContracts", []);
  const app = m.contract("ForfaitingMarket", [registry, token, ledger, claimContracts]);
  m.call(registry, "bootstrapSystemContract", [app], { id: "registerForfaitingMarket" });
  return { app };
});
