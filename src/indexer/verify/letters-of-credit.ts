import { InterbankPositions__factory } from "@consortia/sdk/typechain/factories/letters-of-credit/InterbankPositions__factory.js";
import { LcPresentationChecks__factory } from "@consortia/sdk/typechain/factories/letters-of-credit/LcPresentationChecks__factory.js";
import { LetterOfCredit__factory } from "@consortia/sdk/typechain/factories/letters-of-credit/LetterOfCredit__factory.js";
import {
  checkCodes,
  currencyCode,
  LC_STATES,
  OBLIGATION_STATUSES,
  PRESENTATION_STATES,
} from "../projections/letters-of-credit.js";
import { asOf, counted, deployed, enumName, groupBy, reader, rowByRow, show, upTo, type Check } from "./check.js";

// LetterOfCreditRecord.flags bits (LetterOfCredit.sol).
const DEFERRED = 1;
const PARTIAL_DRAWINGS = 2;
const CONFIRMED = 4;
const CANCELLATION_REQUESTED = 8;

interface Letter {
  applicant: number;
  issuingBank: number;
  advisingBank: number;
  beneficiary: number;
  nominatedBank: number;
  state: number;
  flags: number;
  tolerancePlus: number;
  toleranceMinus: number;
  expiry: number;
  tenorDays: number;
  amount: bigint;
  drawn: bigint;
  reserved: bigint;
  presentationCount: number;
  termsHash: string;
  beneficiaryAccount: string;
  latestShipment: number;
  requiredDocuments: number;
  currency: string;
}

const flag = (flags: number, bit: number) => (Number(flags) & bit) !== 0;

export const LC_CHECKS: readonly Check[] = [
  {
    name: "letters of credit",
    tables: ["lc_letters", "lc_amendments"],
    async run(ctx) {
      if (!deployed(ctx, "LetterOfCredit")) return [];
      const call = reader(ctx, "LetterOfCredit", LetterOfCredit__factory.abi);
      const letters = await asOf(ctx, "t.*", "lc_letters");
      // The amendment awaiting an answer (at most one per LC) is the contract's pending amendment.
      const proposed = new Map(
        (await asOf(ctx, "t.lc_id, t.amendment_hash", "lc_amendments", "t.status = 'Proposed'")).map((a) => [
          String(a.lc_id),
          a.amendment_hash,
        ]),
      );
      const pending = await Promise.all(letters.map((l) => call("pendingAmendment", [l.lc_id])));
      return [
        await counted("letterOfCreditCount", letters, call("letterOfCreditCount")),
        ...letters.map((l, i) => ({
          key: `LC ${String(l.lc_id)} pendingAmendment`,
          indexed: show(l.pending_amendment),
          chain: show(pending[i]),
        })),
        ...letters.map((l, i) => ({
          key: `LC ${String(l.lc_id)} proposed amendment`,
          indexed: show(proposed.get(String(l.lc_id))),
          chain: show(pending[i]),
        })),
        ...(await rowByRow<Letter>(
          letters,
          (l) => call("letterOfCredit", [l.lc_id]),
          (l) => `LC ${String(l.lc_id)}`,
          (l, c) => [
            ["applicant", l.applicant, c.applicant],
            ["issuingBank", l.issuing_bank, c.issuingBank],
            ["advisingBank", l.advising_bank, c.advisingBank],
            ["beneficiary", l.beneficiary, c.beneficiary],
            ["nominatedBank", l.nominated_bank, c.nominatedBank],
            ["state", l.state, enumName(LC_STATES, c.state)],
            ["deferred", l.deferred, flag(c.flags, DEFERRED)],
            ["partialDrawings", l.partial_drawings, flag(c.flags, PARTIAL_DRAWINGS)],
            ["confirmed", l.confirmed, flag(c.flags, CONFIRMED)],
            ["cancellationRequested", l.cancellation_requested, flag(c.flags, CANCELLATION_REQUESTED)],
            ["tolerancePlus", l.tolerance_plus, c.tolerancePlus],
            ["toleranceMinus", l.tolerance_minus, c.toleranceMinus],
            ["expiry", l.expiry, c.expiry],
            ["tenorDays", l.tenor_days, c.tenorDays],
            ["amount", l.amount, c.amount],
            ["drawn", l.drawn, c.drawn],
            ["reserved", l.reserved, c.reserved],
            ["presentationCount", l.presentation_count, c.presentationCount],
            ["termsHash", l.terms_hash, c.termsHash],
            ["beneficiaryAccount", l.beneficiary_account, c.beneficiaryAccount],
            ["latestShipment", l.latest_shipment, c.latestShipment],
            ["requiredDocuments", l.required_documents, c.requiredDocuments],
            ["currency", l.currency, currencyCode(c.currency)],
          ],
        )),
      ];
    },
  },
  {
    name: "LC presentations and claims",
    tables: ["lc_presentations", "lc_claim_holders"],
    async run(ctx) {
      if (!deployed(ctx, "LetterOfCredit")) return [];
      const call = reader(ctx, "LetterOfCredit", LetterOfCredit__factory.abi);
      const presentations = await asOf(
        ctx,
        "t.presentation_id, t.amount, t.state, t.maturity, t.holder, t.examination_deadline, t.precluded, " +
          "t.refusal_notice_hash, t.presented_at",
        "lc_presentations",
      );
      const holders = groupBy(await upTo(ctx, "t.claim_id, t.holder", "lc_claim_holders"), "claim_id");
      const claims = presentations.filter((p) => p.maturity !== null && Number(p.maturity) !== 0);
      return [
        ...(await rowByRow<{
          amount: bigint;
          state: number;
          maturity: number;
          examinationDeadline: number;
          precluded: boolean;
          refusalNoticeSent: boolean;
          presentedAt: bigint;
        }>(
          presentations,
          (p) => call("presentation", [p.presentation_id]),
          (p) => `presentation ${String(p.presentation_id)}`,
          (p, c) => [
            ["amount", p.amount, c.amount],
            ["state", p.state, enumName(PRESENTATION_STATES, c.state)],
            ["maturity", p.maturity, c.maturity],
            // the UCP 600 examination (a presentation made before the clock existed has none: 0 on chain)
            ["examinationDeadline", p.examination_deadline ?? 0, c.examinationDeadline],
            ["precluded", p.precluded ?? false, c.precluded],
            ["refusalNoticeSent", p.refusal_notice_hash !== null, c.refusalNoticeSent],
            // the block time of DocumentsPresented (null when it was indexed without block times)
            ["presentedAt", p.presented_at ?? c.presentedAt, c.presentedAt],
          ],
        )),
        // A deferred-payment presentation is a transferable claim: its holder, in the row and as the last transfer.
        ...(await rowByRow<{ holder: string; amount: bigint; maturity: bigint }>(
          claims,
          (p) => call("claimInfo", [p.presentation_id]),
          (p) => `claim ${String(p.presentation_id)}`,
          (p, c) => [
            ["holder", p.holder, c.holder],
            ["last holder indexed", holders.get(String(p.presentation_id))?.at(-1)?.holder ?? null, c.holder],
          ],
        )),
      ];
    },
  },
  {
    // the automatic checks at presentation (LcPresentationChecks): what the chain found on each presentation
    name: "LC presentation checks",
    tables: ["lc_presentations"],
    async run(ctx) {
      if (!deployed(ctx, "LetterOfCredit") || !deployed(ctx, "LcPresentationChecks")) return [];
      const call = reader(ctx, "LcPresentationChecks", LcPresentationChecks__factory.abi);
      const lc = ctx.deployments.contracts.LetterOfCredit!.address;
      const presentations = await asOf(
        ctx,
        "t.presentation_id, t.check_codes, t.check_missing_kinds, t.shipment_date, t.last_presentation_day",
        "lc_presentations",
      );
      return rowByRow<{
        codes: number;
        checked: boolean;
        shipmentStated: boolean;
        shipmentDate: bigint;
        lastPresentationDay: number;
        missingKinds: number;
      }>(
        presentations,
        (p) => call("findings", [lc, p.presentation_id]),
        (p) => `presentation ${String(p.presentation_id)} checks`,
        (p, c) => [
          // a presentation made before the checks existed has none (checked false on chain, null indexed)
          [
            "codes",
            p.check_codes === null ? "unchecked" : (p.check_codes as string[]).join(",") || "none",
            c.checked ? checkCodes(Number(c.codes)).join(",") || "none" : "unchecked",
          ],
          ["missingKinds", p.check_missing_kinds ?? 0, c.missingKinds],
          ["shipmentDate", p.shipment_date, c.shipmentStated ? c.shipmentDate : null],
          ["lastPresentationDay", p.last_presentation_day, c.shipmentStated ? c.lastPresentationDay : null],
        ],
      );
    },
  },
  {
    // the attestation backing of presentations (issue 22): the subject each presentation names
    name: "LC presentation backing",
    tables: ["lc_presentations"],
    async run(ctx) {
      if (!deployed(ctx, "LetterOfCredit") || !deployed(ctx, "LcPresentationChecks")) return [];
      const call = reader(ctx, "LcPresentationChecks", LcPresentationChecks__factory.abi);
      const lc = ctx.deployments.contracts.LetterOfCredit!.address;
      const presentations = await asOf(ctx, "t.presentation_id, t.backing_subject_key", "lc_presentations");
      return rowByRow<string>(
        presentations,
        (p) => call("backingOf", [lc, p.presentation_id]),
        (p) => `presentation ${String(p.presentation_id)} backing`,
        (p, subject) => [["subjectKey", p.backing_subject_key ?? null, /^0x0{64}$/.test(subject) ? null : subject]],
      );
    },
  },
  {
    name: "interbank positions",
    tables: ["ib_credit_lines", "ib_settlement_accounts", "ib_obligations", "ib_netting_runs", "ib_currency_tokens"],
    async run(ctx) {
      if (!deployed(ctx, "InterbankPositions")) return [];
      const call = reader(ctx, "InterbankPositions", InterbankPositions__factory.abi);
      const obligations = await asOf(
        ctx,
        "t.obligation_id, t.debtor, t.creditor, t.amount, t.due_at, t.status, t.currency, t.netting_run_id",
        "ib_obligations",
      );
      const runRows = await upTo(ctx, "t.run_id, t.currency", "ib_netting_runs");
      const runs = [...new Set(runRows.map((r) => Number(r.run_id)))];
      const positionCurrencies = groupBy(await upTo(ctx, "t.run_id, t.currency", "ib_netting_positions"), "run_id");
      const nettedBy = groupBy(
        obligations.filter((o) => o.netting_run_id !== null),
        "netting_run_id",
      );
      const runCount = Number(await call("nettingRunCount"));
      return [
        await counted("obligationCount", obligations, call("obligationCount")),
        // Runs are numbered from 1: every run is indexed once.
        {
          key: "netting runs",
          indexed: runs.sort((a, b) => a - b).join(","),
          chain: Array.from({ length: runCount }, (_, i) => i + 1).join(","),
        },
        ...(await rowByRow<{ limit: bigint; used: bigint }>(
          await asOf(ctx, "t.grantor, t.grantee, t.credit_limit, t.used", "ib_credit_lines"),
          (l) => call("creditLine", [l.grantor, l.grantee]),
          (l) => `creditLine(${String(l.grantor)}, ${String(l.grantee)})`,
          (l, c) => [
            ["limit", l.credit_limit, c.limit],
            ["used", l.used, c.used],
          ],
        )),
        ...(await rowByRow<string>(
          await asOf(ctx, "t.bank, t.account", "ib_settlement_accounts"),
          (a) => call("settlementAccount", [a.bank]),
          (a) => `settlementAccount(${String(a.bank)})`,
          (a, c) => [["", a.account, c]],
        )),
        ...(await rowByRow<string>(
          await asOf(ctx, "t.currency, t.token", "ib_currency_tokens"),
          (t) => call("currencyToken", [t.currency]),
          (t) => `currencyToken(${String(t.currency)})`,
          (t, c) => [["", t.token, c]],
        )),
        ...(await rowByRow<{
          debtor: number;
          creditor: number;
          dueAt: number;
          status: number;
          amount: bigint;
          currency: number;
        }>(
          obligations,
          (o) => call("obligation", [o.obligation_id]),
          (o) => `obligation ${String(o.obligation_id)}`,
          (o, c) => [
            ["debtor", o.debtor, c.debtor],
            ["creditor", o.creditor, c.creditor],
            ["amount", o.amount, c.amount],
            ["dueAt", o.due_at, c.dueAt],
            ["status", o.status, enumName(OBLIGATION_STATUSES, c.status)],
            ["currency", o.currency, c.currency],
          ],
        )),
        // A run nets one currency (the chain keeps no run record): the run's and its positions' currency is that of
        // every obligation it netted, which the rows above compare with the chain.
        ...runRows.flatMap((r) => {
          const netted = nettedBy.get(String(r.run_id)) ?? [];
          const positions = positionCurrencies.get(String(r.run_id)) ?? [];
          return [
            {
              key: `netting run ${String(r.run_id)} currency of its obligations`,
              indexed: show(r.currency),
              chain: show([...new Set(netted.map((o) => o.currency))].join(",") || r.currency),
            },
            {
              key: `netting run ${String(r.run_id)} currency of its positions`,
              indexed: show(r.currency),
              chain: show([...new Set(positions.map((p) => p.currency))].join(",") || r.currency),
            },
          ];
        }),
      ];
    },
  },
];

export const LC_GAPS: Readonly<Record<string, string>> = {
  lc_timeline: "LC history: LetterOfCredit keeps the current record only (states and amounts are compared)",
  ib_netting_positions:
    "each bank's net position in a netting run: InterbankPositions keeps no per-run view (the run count and each " +
    "obligation's Netted status are compared; the positions' currency is checked against the run's obligations)",
  ib_netting_exclusions:
    "banks a netting run excluded for a shortfall, and the shortfalls: events only (each excluded obligation's Open " +
    "status is compared)",
  "lc_amendments (answered)": "accepted and rejected amendments: the contract keeps only the pending one",
  "lc_presentations.documents/discrepancies/examined_by/refusal_notice_hash/payee/payment_reference":
    "the presentation view has amount, state and maturity only (events only)",
  lc_presentation_backing:
    "each check of a presentation's attestation backing against the issuing bank's LcHonour policy (at present and " +
    "at examination as complying): events only, LcPresentationChecks keeps no log of its checks",
  "lc_presentations.backing_subject_key":
    "not yet compared with LcPresentationChecks.backingOf (a check to add; the regulator's unattested view reads it)",
  "ib_obligations.recorder/purpose/settlement_reference/netting_run_id":
    "the obligation view has no recorder, purpose or settlement reference (events only)",
};
