import { LcTransfers__factory } from "@consortia/sdk/typechain/factories/letters-of-credit/LcTransfers__factory.js";
import { SECOND_PRESENTATION_STATES, TRANSFER_STATES } from "../projections/lc-transfers.js";
import { asOf, deployed, enumName, reader, rowByRow, type Check } from "./check.js";

interface TransferableCredit {
  transferable: boolean;
  transferCount: number;
  transferred: bigint;
  paidToSecond: bigint;
}

interface Transfer {
  secondBeneficiaryAccount: string;
  secondBeneficiary: number;
  state: number;
  presentationPeriodDays: number;
  amount: bigint;
  presented: bigint;
  expiry: number;
  latestShipment: number;
  termsHash: string;
  lcFingerprint: string;
}

interface SecondPresentation {
  amount: bigint;
  state: number;
  shipmentDate: number;
  substitutionDemandedAt: number;
  lcPresentationId: bigint;
  documentsHash: string;
}

/** LcTransfers: each indexed transferable LC, transfer, second presentation and back-to-back link against its views. */
export const LC_TRANSFER_CHECKS: readonly Check[] = [
  {
    name: "LC transfers",
    tables: ["lc_transferable", "lc_transfers"],
    async run(ctx) {
      if (!deployed(ctx, "LcTransfers")) return [];
      const call = reader(ctx, "LcTransfers", LcTransfers__factory.abi);
      return [
        ...(await rowByRow<TransferableCredit>(
          await asOf(ctx, "t.*", "lc_transferable"),
          (c) => call("transferableCredit", [c.lc_id]),
          (c) => `transferable LC ${String(c.lc_id)}`,
          (c, v) => [
            ["transferable", true, v.transferable],
            ["transferCount", c.transfer_count, v.transferCount],
            ["transferred", c.transferred, v.transferred],
            ["paidToSecond", c.paid_to_second, v.paidToSecond],
          ],
        )),
        ...(await rowByRow<Transfer>(
          await asOf(ctx, "t.*", "lc_transfers"),
          (t) => call("transfer", [t.transfer_id]),
          (t) => `transfer ${String(t.transfer_id)}`,
          (t, v) => [
            ["state", t.state, enumName(TRANSFER_STATES, v.state)],
            ["secondBeneficiary", t.second_beneficiary, v.secondBeneficiary],
            ["secondBeneficiaryAccount", t.second_beneficiary_account, v.secondBeneficiaryAccount],
            ["amount", t.amount, v.amount],
            ["presented", t.presented, v.presented],
            ["expiry", t.expiry, v.expiry],
            ["latestShipment", t.latest_shipment, v.latestShipment],
            ["presentationPeriodDays", t.presentation_period_days, v.presentationPeriodDays],
            ["termsHash", t.terms_hash, v.termsHash],
            ["lcFingerprint", t.lc_fingerprint, v.lcFingerprint],
          ],
        )),
      ];
    },
  },
  {
    name: "LC second beneficiaries' presentations",
    tables: ["lc_transfer_presentations"],
    async run(ctx) {
      if (!deployed(ctx, "LcTransfers")) return [];
      const call = reader(ctx, "LcTransfers", LcTransfers__factory.abi);
      return rowByRow<SecondPresentation>(
        await asOf(ctx, "t.*", "lc_transfer_presentations"),
        (p) => call("secondPresentation", [p.second_presentation_id]),
        (p) => `second presentation ${String(p.second_presentation_id)}`,
        (p, v) => [
          ["state", p.state, enumName(SECOND_PRESENTATION_STATES, v.state)],
          ["amount", p.amount, v.amount],
          ["shipmentDate", p.shipment_date, v.shipmentDate],
          ["substitutionDemandedAt", p.substitution_demanded_at ?? 0, v.substitutionDemandedAt],
          ["lcPresentationId", p.lc_presentation_id ?? 0n, v.lcPresentationId],
          ["documentsHash", p.documents_hash, v.documentsHash],
        ],
      );
    },
  },
  {
    name: "LC back-to-back links",
    tables: ["lc_back_to_back"],
    async run(ctx) {
      if (!deployed(ctx, "LcTransfers")) return [];
      const call = reader(ctx, "LcTransfers", LcTransfers__factory.abi);
      return rowByRow<bigint>(
        await asOf(ctx, "t.*", "lc_back_to_back"),
        (b) => call("masterOf", [b.back_to_back_lc_id]),
        (b) => `back-to-back LC ${String(b.back_to_back_lc_id)}`,
        (b, master) => [["masterOf", b.master_lc_id, master]],
      );
    },
  },
];

export const LC_TRANSFER_GAPS: Readonly<Record<string, string>> = {
  "lc_transferable.issuing_bank/designated_at":
    "the transfer account view keeps the flag and totals only (events only)",
  "lc_transfers.first_beneficiary/transferring_bank/requested_at/executed_at/declined_at":
    "who requested and executed, and when: events only (the transfer view keeps the terms and state)",
  "lc_transfer_presentations.invoice_hash/as_received/payee/off_chain_reference/presented_at/linked_at/paid_at":
    "the substitution's invoice and the payment's reference: events only (`link` keeps the invoice per LC presentation)",
  "lc_back_to_back.issuing_bank/linked_at": "who linked and when: events only (`masterOf` is compared)",
};
