import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { deployUpgradeable } from "./upgradeable.js";
import AttestationsModule from "./Attestations.js";
import PlatformModule from "./Platform.js";

/**
 * Interbank positions and letters of credit. Both hold or move settlement (netting escrow, DvP payments, off-chain
 * payment records), so both are registered as system contracts; the LC contract records nominated banks'
 * reimbursements in InterbankPositions as a system contract. The platform's calendar counts the examination clock.
 * LcApplicantAccounts (margin and release of documents) escrows the applicants' margin: a system contract too.
 * LcPresentationChecks (the automatic UCP 600 checks) is an LC constructor argument; it moves nothing and is not a
 * system contract (it accepts calls from system contracts: the LC contract).
 * LcConfirmations (confirmation, UCP 600 art. 8 and 10) reads the LC's views and moves nothing: not a system contract.
 * LcTransfers (transferable LCs, UCP 600 art. 38, and back-to-back links) pays second beneficiaries from the
 * transferring bank's account (tokens or the payment ledger): a system contract too.
 */
export default buildModule("LettersOfCredit", (m) => {
  const { registry, token, ledger, calendar } = m.useModule(PlatformModule);
  const positions = deployUpgradeable(m, "InterbankPositions", [registry, token, ledger]);
  const { attestations } = m.useModule(AttestationsModule);
  // the automatic checks at presentation (UCP 600), which LetterOfCredit calls from present, examine and refuse, and
  // the issuing bank's attestation policy (LcHonour) they enforce at present and at examine as complying
  const presentationChecks = deployUpgradeable(m, "LcPresentationChecks", [registry, attestations]);
  const letterOfCredit = deployUpgradeable(
    m,
    "LetterOfCredit",
    [registry, token, ledger, positions, m.getParameter("settlementCurrency", "0x434e59"), presentationChecks], // "CNY"
    [calendar], // counts the UCP 600 examination clock
  );
  m.call(registry, "bootstrapSystemContract", [positions], {
    id: "registerInterbankPositions",
  });
  m.call(registry, "bootstrapSystemContract", [letterOfCredit], {
    id: "registerLetterOfCredit",
  });
  const applicantAccounts = deployUpgradeable(m, "LcApplicantAccounts", [registry, letterOfCredit, token]);
  m.call(registry, "bootstrapSystemContract", [applicantAccounts], {
    id: "registerLcApplicantAccounts",
  });
  const confirmations = deployUpgradeable(m, "LcConfirmations", [registry, letterOfCredit]);
  const transfers = deployUpgradeable(m, "LcTransfers", [registry, token, ledger, letterOfCredit, presentationChecks]);
  m.call(registry, "bootstrapSystemContract", [transfers], {
    id: "registerLcTransfers",
  });
  return { positions, letterOfCredit, applicantAccounts, presentationChecks, confirmations, transfers };
});
