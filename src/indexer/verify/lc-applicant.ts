import { LcApplicantAccounts__factory } from "@consortia/sdk/typechain/factories/letters-of-credit/LcApplicantAccounts__factory.js";
import { RELEASE_STATES, requiredMargin } from "../projections/lc-applicant.js";
import { asOf, deployed, enumName, reader, rowByRow, type Check, type Field } from "./check.js";

interface MarginAccount {
  shareBps: number;
  locked: bigint;
  applied: bigint;
  heldDrawn: bigint;
  released: bigint;
  outstanding: number;
}

interface DocumentRelease {
  state: number;
  amountDue: bigint;
  marginApplied: bigint;
  bankAccount: string;
  documentsHash: string;
}

/** LcApplicantAccounts: each indexed margin account and documents held against the contract's views. */
export const LC_APPLICANT_CHECKS: readonly Check[] = [
  {
    name: "LC margins",
    tables: ["lc_margins"],
    async run(ctx) {
      if (!deployed(ctx, "LcApplicantAccounts")) return [];
      const call = reader(ctx, "LcApplicantAccounts", LcApplicantAccounts__factory.abi);
      const margins = await asOf(ctx, "t.*", "lc_margins");
      // the LC's amount and tolerance as indexed at the same block: what the share asks for now (amendments included)
      const letters = new Map(
        (await asOf(ctx, "t.lc_id, t.amount, t.tolerance_plus", "lc_letters")).map((l) => [
          String(l.lc_id),
          { amount: BigInt(l.amount as string), tolerancePlus: BigInt(Number(l.tolerance_plus ?? 0)) },
        ]),
      );
      const required = (m: Record<string, unknown>) => {
        const lc = letters.get(String(m.lc_id));
        return Number(m.share_bps) === 0 || lc === undefined
          ? 0n
          : requiredMargin(lc.amount, BigInt(Number(m.share_bps)), lc.tolerancePlus);
      };
      return [
        ...(await rowByRow<MarginAccount>(
          margins,
          (m) => call("marginAccount", [m.lc_id]),
          (m) => `LC ${String(m.lc_id)} margin`,
          (m, c) => [
            ["shareBps", m.share_bps, c.shareBps],
            ["locked", m.locked, c.locked],
            ["applied", m.applied, c.applied],
            ["heldDrawn", m.held_drawn, c.heldDrawn],
            ["released", m.released, c.released],
            ["outstanding", m.outstanding, c.outstanding],
          ],
        )),
        ...(await rowByRow<readonly [required: bigint, due: bigint]>(
          margins,
          // two outputs: viem answers a tuple
          (m) => call("marginDue", [m.lc_id]),
          (m) => `LC ${String(m.lc_id)} marginDue`,
          (m, c): Field[] => {
            const asked = required(m);
            const locked = BigInt(m.locked as string);
            return [
              ["required", asked, c[0]],
              ["due", asked > locked ? asked - locked : 0n, c[1]],
            ];
          },
        )),
      ];
    },
  },
  {
    name: "LC documents held",
    tables: ["lc_documents_held"],
    async run(ctx) {
      if (!deployed(ctx, "LcApplicantAccounts")) return [];
      const call = reader(ctx, "LcApplicantAccounts", LcApplicantAccounts__factory.abi);
      const rows = await asOf(ctx, "t.*", "lc_documents_held");
      return rowByRow<DocumentRelease>(
        rows,
        (d) => call("documentRelease", [d.presentation_id]),
        (d) => `documents of presentation ${String(d.presentation_id)}`,
        (d, c) => [
          ["state", d.state, enumName(RELEASE_STATES, c.state)],
          ["amountDue", d.amount_due, c.amountDue],
          ["marginApplied", d.margin_applied, c.marginApplied],
          ["bankAccount", d.bank_account, c.bankAccount],
          ["documentsHash", d.documents_hash, c.documentsHash],
        ],
      );
    },
  },
];

export const LC_APPLICANT_GAPS: Readonly<Record<string, string>> = {
  lc_margin_locks: "each margin lock and its beforeIssue flag: events only (the account's total locked is compared)",
  "lc_margins.before_issue/required_at_share": "the margin account view has no lock history (events only)",
  "lc_documents_held.amount_paid/reimbursed/payer/undertaking_hash/released_on_payment/nominated_bank/reimbursement_obligation_id/account_changed_at":
    "the release view keeps state, amount due, margin applied, bank account and documents hash only (events only)",
};
