import { z } from "zod";
import { party, rows, type Visible } from "../access.js";
import type { Row } from "../../indexer/db.js";
import { SECOND_PRESENTATION_STATES, TRANSFER_STATES } from "../../indexer/projections/lc-transfers.js";
import { eq, key, listRoute } from "../list.js";
import { defineRoutes, memberId, source, sourceOf, uint256, versionSource } from "../route.js";

const TRANSFER_STATE_VALUES = TRANSFER_STATES.filter((s) => s !== "None") as [string, ...string[]];
const SECOND_STATE_VALUES = SECOND_PRESENTATION_STATES.filter((s) => s !== "None") as [string, ...string[]];
const time = z.number().int().nullable();
const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

// ------------------------------------------------------------------------------------------------- schemas

const transferSchema = z.object({
  transferId: z.string().describe("lcId << 16 | index"),
  lcId: z.string(),
  firstBeneficiary: z.number().int(),
  secondBeneficiary: z.number().int(),
  secondBeneficiaryAccount: z.string(),
  transferringBank: z.number().int().nullable().describe("The bank that executed or declined it (null: not yet)"),
  state: z.enum(TRANSFER_STATES),
  amount: z.string().describe("Amount transferred (UCP 600 art. 38g: at most the LC's)"),
  presented: z.string().describe("Total the second beneficiary presented under it"),
  expiry: z.number().int(),
  latestShipment: z.number().int(),
  presentationPeriodDays: z.number().int(),
  termsHash: z.string().describe("Hash of the transferred terms (reduced unit price, documents)"),
  lcFingerprint: z.string().describe("The LC's terms the request was made against"),
  requestedAt: time,
  executedAt: time,
  declinedAt: time,
  requested: source,
  source,
});
const secondPresentationSchema = z.object({
  secondPresentationId: z.string().describe("transferId << 16 | index"),
  transferId: z.string(),
  lcId: z.string(),
  secondBeneficiary: z.number().int(),
  state: z.enum(SECOND_PRESENTATION_STATES),
  amount: z.string(),
  documentsHash: z.string(),
  shipmentDate: z.number().int(),
  presentedAt: time,
  substitutionDemandedAt: time.describe("The transferring bank's demand (art. 38i)"),
  lcPresentationId: z.string().nullable().describe("The presentation under the LC it is linked to"),
  invoiceHash: z.string().nullable().describe("The first beneficiary's substituted invoice (art. 38h)"),
  asReceived: z.boolean().nullable().describe("Linked as received by the transferring bank (art. 38i)"),
  linkedAt: time,
  payee: z.string().nullable(),
  offChainReference: z.string().nullable(),
  paidAt: time,
  source,
});
const backToBackSchema = z.object({
  backToBackLcId: z.string(),
  masterLcId: z.string(),
  issuingBank: z.number().int().describe("The back-to-back LC's issuing bank, which recorded the link"),
  linkedAt: time,
  linked: source,
  source,
});

// ------------------------------------------------------------------------------------------------- mapping

const toTransfer = (r: Row) => ({
  transferId: r.transfer_id as string,
  lcId: r.lc_id as string,
  firstBeneficiary: Number(r.first_beneficiary),
  secondBeneficiary: Number(r.second_beneficiary),
  secondBeneficiaryAccount: r.second_beneficiary_account as string,
  transferringBank: num(r.transferring_bank),
  state: r.state as (typeof TRANSFER_STATES)[number],
  amount: r.amount as string,
  presented: r.presented as string,
  expiry: Number(r.expiry),
  latestShipment: Number(r.latest_shipment),
  presentationPeriodDays: Number(r.presentation_period_days),
  termsHash: r.terms_hash as string,
  lcFingerprint: r.lc_fingerprint as string,
  requestedAt: num(r.requested_at),
  executedAt: num(r.executed_at),
  declinedAt: num(r.declined_at),
  requested: sourceOf(r.requested_block, r.requested_tx),
  source: versionSource(r),
});

const toSecondPresentation = (r: Row) => ({
  secondPresentationId: r.second_presentation_id as string,
  transferId: r.transfer_id as string,
  lcId: r.lc_id as string,
  secondBeneficiary: Number(r.second_beneficiary),
  state: r.state as (typeof SECOND_PRESENTATION_STATES)[number],
  amount: r.amount as string,
  documentsHash: r.documents_hash as string,
  shipmentDate: Number(r.shipment_date),
  presentedAt: num(r.presented_at),
  substitutionDemandedAt: num(r.substitution_demanded_at),
  lcPresentationId: (r.lc_presentation_id as string | null) ?? null,
  invoiceHash: (r.invoice_hash as string | null) ?? null,
  asReceived: (r.as_received as boolean | null) ?? null,
  linkedAt: num(r.linked_at),
  payee: (r.payee as string | null) ?? null,
  offChainReference: (r.off_chain_reference as string | null) ?? null,
  paidAt: num(r.paid_at),
  source: versionSource(r),
});

const toBackToBack = (r: Row) => ({
  backToBackLcId: r.back_to_back_lc_id as string,
  masterLcId: r.master_lc_id as string,
  issuingBank: Number(r.issuing_bank),
  linkedAt: num(r.linked_at),
  linked: sourceOf(r.linked_block, r.linked_tx),
  source: versionSource(r),
});

// ------------------------------------------------------------------------------------------------- who sees what

const LC_PARTIES = party("l.applicant", "l.issuing_bank", "l.advising_bank", "l.beneficiary", "l.nominated_bank");
/** A transfer or second presentation: the LC's parties and the second beneficiary (regulators read every row). */
const TRANSFER_SIDE =
  (alias: string): Visible =>
  (q, member) =>
    `(${party(`${alias}.second_beneficiary`)(q, member)} OR EXISTS (SELECT 1 FROM lc_letters l WHERE l.lc_id = ${alias}.lc_id AND ${LC_PARTIES(q, member)}))`;
/** A back-to-back link: the parties of either LC. */
const BACK_TO_BACK_SIDE: Visible = (q, member) =>
  `EXISTS (SELECT 1 FROM lc_letters l WHERE l.lc_id IN (b.back_to_back_lc_id, b.master_lc_id) AND ${LC_PARTIES(q, member)})`;

// ------------------------------------------------------------------------------------------------- routes

export default defineRoutes({
  name: "lc-transfers",
  routes: [
    listRoute({
      path: "/lc-transfers",
      access: rows(TRANSFER_SIDE("t")),
      summary: "Transfers of transferable LCs (UCP 600 art. 38), by LC, second beneficiary and state",
      tags: ["letters-of-credit"],
      from: "lc_transfers t",
      asOf: "versioned",
      filters: {
        lcId: eq("t.lc_id", uint256, "numeric"),
        secondBeneficiary: eq("t.second_beneficiary", memberId.describe("Transfers to this member"), "bigint"),
        state: eq("t.state", z.enum(TRANSFER_STATE_VALUES)),
      },
      sorts: { id: [key("t.transfer_id", "numeric")] },
      order: "asc",
      item: transferSchema,
      toItem: toTransfer,
    }),
    listRoute({
      path: "/lc-transfer-presentations",
      access: rows(TRANSFER_SIDE("p")),
      summary: "Second beneficiaries' presentations, their substitution or link as received, and their payment",
      tags: ["letters-of-credit"],
      from: "lc_transfer_presentations p",
      asOf: "versioned",
      filters: {
        lcId: eq("p.lc_id", uint256, "numeric"),
        transferId: eq("p.transfer_id", uint256, "numeric"),
        lcPresentationId: eq("p.lc_presentation_id", uint256, "numeric"),
        state: eq("p.state", z.enum(SECOND_STATE_VALUES)),
      },
      sorts: { id: [key("p.second_presentation_id", "numeric")] },
      order: "asc",
      item: secondPresentationSchema,
      toItem: toSecondPresentation,
    }),
    listRoute({
      path: "/lc-back-to-back",
      access: rows(BACK_TO_BACK_SIDE),
      summary: "Back-to-back LCs linked to their master LC by the back-to-back LC's issuing bank",
      tags: ["letters-of-credit"],
      from: "lc_back_to_back b",
      asOf: "versioned",
      filters: {
        master: eq("b.master_lc_id", uint256.describe("Back-to-back LCs of this master LC"), "numeric"),
        backToBack: eq("b.back_to_back_lc_id", uint256.describe("The master of this LC"), "numeric"),
      },
      sorts: { id: [key("b.back_to_back_lc_id", "numeric")] },
      order: "asc",
      item: backToBackSchema,
      toItem: toBackToBack,
    }),
  ],
});
