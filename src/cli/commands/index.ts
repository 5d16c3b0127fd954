/**
 * Every command group of the CLI. To add an application: write `./<app>.ts` exporting
 * `register(program, cli)` (see ./token.ts) and add one line here.
 */
import type { Command } from "commander";
import type { Cli } from "../context.js";
import { register as api } from "./api.js";
import { register as approvals } from "./approvals.js";
import { register as attestations } from "./attestations.js";
import { register as credit } from "./credit.js";
import { register as dataSharing } from "./data-sharing.js";
import { register as deploy } from "./deploy.js";
import { register as documents } from "./documents.js";
import { register as financing } from "./financing.js";
import { register as forfaiting } from "./forfaiting.js";
import { register as freeze } from "./freeze.js";
import { register as guarantees } from "./guarantees.js";
import { register as keystore } from "./keystore.js";
import { register as lettersOfCredit } from "./letters-of-credit.js";
import { register as limits } from "./limits.js";
import { register as member } from "./member.js";
import { register as network } from "./network.js";
import { register as partPayments } from "./part-payments.js";
import { register as receivables } from "./receivables.js";
import { register as recourse } from "./recourse.js";
import { register as registrations } from "./registrations.js";
import { register as reports } from "./reports.js";
import { register as services } from "./services.js";
import { register as swift } from "./swift.js";
import { register as token } from "./token.js";
import { register as upgrade } from "./upgrade.js";

export type RegisterCommands = (program: Command, cli: () => Cli) => void;

export const COMMANDS: RegisterCommands[] = [
  deploy,
  member,
  token,
  lettersOfCredit,
  guarantees,
  swift,
  forfaiting,
  credit,
  receivables,
  recourse,
  partPayments,
  financing,
  documents,
  limits,
  freeze,
  dataSharing,
  approvals,
  attestations,
  keystore,
  services,
  network,
  upgrade,
  api,
  reports,
  registrations,
];
