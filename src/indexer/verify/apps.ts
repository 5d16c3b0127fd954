import { APPROVAL_CHECKS, APPROVAL_GAPS } from "./approvals.js";
import { ATTESTATION_CHECKS, ATTESTATION_GAPS } from "./attestations.js";
import type { Check } from "./check.js";
import { CREDIT_CHECKS, CREDIT_GAPS } from "./credit.js";
import { DATA_SHARING_CHECKS, DATA_SHARING_GAPS } from "./data-sharing.js";
import { DOCUMENT_CHECKS, DOCUMENT_GAPS } from "./documents.js";
import { FINANCING_CHECKS, FINANCING_GAPS } from "./financing.js";
import { FREEZE_CHECKS, FREEZE_GAPS } from "./freeze-orders.js";
import { FORFAITING_CHECKS, FORFAITING_GAPS } from "./forfaiting.js";
import { GUARANTEE_CHECKS, GUARANTEE_GAPS } from "./guarantees.js";
import { LC_CHECKS, LC_GAPS } from "./letters-of-credit.js";
import { LC_APPLICANT_CHECKS, LC_APPLICANT_GAPS } from "./lc-applicant.js";
import { LC_CONFIRMATION_CHECKS, LC_CONFIRMATION_GAPS } from "./lc-confirmations.js";
import { LC_TRANSFER_CHECKS, LC_TRANSFER_GAPS } from "./lc-transfers.js";
import { PART_PAYMENT_CHECKS, PART_PAYMENT_GAPS } from "./part-payments.js";
import { PLATFORM_GAPS } from "./platform.js";
import { RECEIVABLE_CHECKS, RECEIVABLE_GAPS } from "./receivables.js";
import { RECOURSE_CHECKS, RECOURSE_GAPS } from "./recourse.js";
import { WAREHOUSE_CHECKS, WAREHOUSE_GAPS } from "./warehouse.js";

/** The applications' checks, in the order they run (after the platform's). */
export const APP_CHECKS: readonly Check[] = [
  ...RECEIVABLE_CHECKS,
  ...DOCUMENT_CHECKS,
  ...FINANCING_CHECKS,
  ...RECOURSE_CHECKS,
  ...PART_PAYMENT_CHECKS,
  ...CREDIT_CHECKS,
  ...DATA_SHARING_CHECKS,
  ...LC_CHECKS,
  ...LC_APPLICANT_CHECKS,
  ...LC_CONFIRMATION_CHECKS,
  ...LC_TRANSFER_CHECKS,
  ...FORFAITING_CHECKS,
  ...GUARANTEE_CHECKS,
  ...APPROVAL_CHECKS,
  ...ATTESTATION_CHECKS,
  ...FREEZE_CHECKS,
  ...WAREHOUSE_CHECKS,
];

/**
 * What verify cannot compare, and why: `table` (no check reads it) or `table.columns` / `table (rows)` (a check reads
 * the table, but these values have no view). Mostly history: contracts keep current state, the index keeps events.
 * docs/indexer-verify.md is this list.
 */
export const VERIFY_GAPS: Readonly<Record<string, string>> = {
  ...PLATFORM_GAPS,
  ...RECEIVABLE_GAPS,
  ...DOCUMENT_GAPS,
  ...FINANCING_GAPS,
  ...RECOURSE_GAPS,
  ...PART_PAYMENT_GAPS,
  ...CREDIT_GAPS,
  ...DATA_SHARING_GAPS,
  ...LC_GAPS,
  ...LC_APPLICANT_GAPS,
  ...LC_CONFIRMATION_GAPS,
  ...LC_TRANSFER_GAPS,
  ...FORFAITING_GAPS,
  ...GUARANTEE_GAPS,
  ...APPROVAL_GAPS,
  ...ATTESTATION_GAPS,
  ...FREEZE_GAPS,
  ...WAREHOUSE_GAPS,
};
