import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { deployUpgradeable } from "./upgradeable.js";
import PlatformModule from "./Platform.js";

/**
 * Interbank positions and letters of credit. Both hold or move settlement (netting escrow, DvP payments, off-chain
 * payment records), so both are registered as system contracts; the LC contract records nominated banks'
 * reimbursements in InterbankPositions as a system contract.
 */
export default buildModule("LettersOfCredit", (m) => {
  const { registry, token, ledger } = m.useModule(PlatformModule);
  const positions = deployUpgradeable(m, "InterbankPositions", [registry, token, ledger]);
  const letterOfCredit = deployUpgradeable(m, "LetterOfCredit", [
    registry,
    token,
    ledger,
    positions,
    m.getParameter("settlementCurrency", "0x434e59"), // "CNY"
  ]);
  m.call(registry, "bootstrapSystemContract", [positions], {
    id: "registerInterbankPositions",
  });
  m.call(registry, "bootstrapSystemContract", [letterOfCredit], {
    id: "registerLetterOfCredit",
  });
  return { positions, letterOfCredit };
});
