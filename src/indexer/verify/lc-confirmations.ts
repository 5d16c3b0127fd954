import { LcConfirmations__factory } from "@consortia/sdk/typechain/factories/letters-of-credit/LcConfirmations__factory.js";
import { asOf, deployed, reader, rowByRow, type Check } from "./check.js";

interface ConfirmedTerms {
  amount: bigint;
  tolerancePlus: number;
  toleranceMinus: number;
  expiry: bigint;
  latestShipment: bigint;
  termsHash: string;
}

interface Confirmation {
  confirmingBank: number;
  confirmedAt: bigint;
  extendedAt: bigint;
  amendmentsExtended: number;
  terms: ConfirmedTerms;
}

interface Authorization {
  issuingBank: number;
  confirmingBank: number;
  requested: boolean;
  termsDigest: string;
}

/** LcConfirmations: each indexed confirmation (or pending authorization) against the contract's views. */
export const LC_CONFIRMATION_CHECKS: readonly Check[] = [
  {
    name: "LC confirmations",
    tables: ["lc_confirmations"],
    async run(ctx) {
      if (!deployed(ctx, "LcConfirmations")) return [];
      const call = reader(ctx, "LcConfirmations", LcConfirmations__factory.abi);
      const rows = await asOf(ctx, "t.*", "lc_confirmations");
      const confirmed = rows.filter((r) => r.status === "Confirmed");
      const pending = rows.filter((r) => r.status !== "Confirmed");
      return [
        ...(await rowByRow<Confirmation>(
          confirmed,
          (r) => call("confirmation", [r.lc_id]),
          (r) => `LC ${String(r.lc_id)} confirmation`,
          (r, c) => [
            ["confirmingBank", r.confirming_bank, c.confirmingBank],
            ["amendmentsExtended", r.amendments_extended, c.amendmentsExtended],
            ["amount", r.amount, c.terms.amount],
            ["tolerancePlus", r.tolerance_plus, c.terms.tolerancePlus],
            ["toleranceMinus", r.tolerance_minus, c.terms.toleranceMinus],
            ["expiry", r.expiry, c.terms.expiry],
            ["latestShipment", r.latest_shipment, c.terms.latestShipment],
            ["termsHash", r.terms_hash, c.terms.termsHash],
          ],
        )),
        // not confirmed: an authorization is pending exactly while the index says Authorized
        ...(await rowByRow<Authorization>(
          pending,
          (r) => call("authorization", [r.lc_id]),
          (r) => `LC ${String(r.lc_id)} authorization to confirm`,
          (r, c) => [
            ["confirmingBank", r.status === "Authorized" ? r.confirming_bank : 0, c.confirmingBank],
            ["termsDigest", r.status === "Authorized" ? r.authorized_digest : `0x${"0".repeat(64)}`, c.termsDigest],
          ],
        )),
      ];
    },
  },
];

export const LC_CONFIRMATION_GAPS: Readonly<Record<string, string>> = {
  lc_confirmation_steps: "history of the authorization, confirmation and amendment steps (events only)",
  "lc_confirmations.requested/authorized_at/confirmed_at/extended_at/declined_terms_hash/declined_notice_hash/declined_at":
    "the views keep the current authorization and confirmation only; notices and times of steps are events only",
};
