/**
 * Every client `createConsortia` offers, by the property name it gets. To add an application: write
 * `./<app>.ts` (default export `defineClient({...})`, see ./registry.ts) and add one line here.
 */
import approvals from "./approvals.js";
import arrangements from "./arrangements.js";
import attestations from "./attestations.js";
import credit from "./credit.js";
import dataSharing from "./data-sharing.js";
import documents from "./documents.js";
import financing from "./financing.js";
import forfaiting from "./forfaiting.js";
import freeze from "./freeze.js";
import guarantees from "./guarantees.js";
import lcApplicant from "./lc-applicant.js";
import lcConfirmations from "./lc-confirmations.js";
import lcTransfers from "./lc-transfers.js";
import ledger from "./ledger.js";
import lettersOfCredit from "./letters-of-credit.js";
import limits from "./limits.js";
import receivables from "./receivables.js";
import recourse from "./recourse.js";
import registry from "./registry.js";
import token from "./token.js";
import warehouse from "./warehouse.js";

export const CLIENTS = {
  registry,
  token,
  ledger,
  documents,
  credit,
  lettersOfCredit,
  lcApplicant,
  lcConfirmations,
  lcTransfers,
  guarantees,
  forfaiting,
  receivables,
  financing,
  recourse,
  arrangements,
  limits,
  freeze,
  dataSharing,
  approvals,
  attestations,
  warehouse,
} as const;

export type ClientName = keyof typeof CLIENTS;
