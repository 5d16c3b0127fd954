import { BankGuarantees__factory } from "@consortia/sdk/typechain/factories/guarantees/BankGuarantees__factory.js";
import {
  CLAIM_STATES,
  COUNTER_STATES,
  currencyCode,
  GUARANTEE_KINDS,
  GUARANTEE_STATES,
} from "../projections/guarantees.js";
import { asOf, counted, deployed, enumName, reader, rowByRow, type Check } from "./check.js";

interface Guarantee {
  applicant: number;
  guarantor: number;
  beneficiary: number;
  kind: number;
  state: number;
  expiry: bigint;
  examinationPeriod: number;
  stepCount: number;
  claimCount: number;
  currency: string;
  amount: bigint;
  paid: bigint;
  termsHash: string;
}

const steps = (schedule: unknown): string =>
  ((schedule ?? []) as { date: unknown; amount: unknown }[])
    .map((s) => `${String(s.date)}:${String(s.amount)}`)
    .join(",");

export const GUARANTEE_CHECKS: readonly Check[] = [
  {
    name: "guarantees",
    tables: ["guarantees"],
    async run(ctx) {
      if (!deployed(ctx, "BankGuarantees")) return [];
      const call = reader(ctx, "BankGuarantees", BankGuarantees__factory.abi);
      const guarantees = await asOf(ctx, "t.*", "guarantees");
      const schedules = (await Promise.all(guarantees.map((g) => call("schedule", [g.guarantee_id])))) as {
        date: bigint;
        amount: bigint;
      }[][];
      const references = (await Promise.all(
        guarantees.map((g) => (g.reference_id === null ? undefined : call("verify", [g.reference_id]))),
      )) as ({ guaranteeId: bigint } | undefined)[];
      return [
        await counted("guaranteeCount", guarantees, call("guaranteeCount")),
        ...(await rowByRow<Guarantee>(
          guarantees,
          (g) => call("guarantee", [g.guarantee_id]),
          (g) => `guarantee ${String(g.guarantee_id)}`,
          (g, c) => {
            const i = guarantees.indexOf(g);
            return [
              ["applicant", g.applicant, c.applicant],
              ["guarantor", g.guarantor, c.guarantor],
              ["beneficiary", g.beneficiary, c.beneficiary],
              ["kind", g.kind, enumName(GUARANTEE_KINDS, c.kind)],
              ["state", g.state, enumName(GUARANTEE_STATES, c.state)],
              ["expiry", g.expiry, c.expiry],
              ["examinationPeriod", g.examination_period, c.examinationPeriod],
              ["claimCount", g.claim_count, c.claimCount],
              ["currency", g.currency, currencyCode(c.currency)],
              ["amount", g.amount, c.amount],
              ["paid", g.paid, c.paid],
              ["termsHash", g.terms_hash, c.termsHash],
              ["schedule", steps(g.schedule), steps(schedules[i])],
              ["verify(referenceId).guaranteeId", g.guarantee_id, references[i]?.guaranteeId ?? null],
            ];
          },
        )),
      ];
    },
  },
  {
    name: "guarantee demands and amendments",
    tables: ["guarantee_claims", "guarantee_amendments"],
    async run(ctx) {
      if (!deployed(ctx, "BankGuarantees")) return [];
      const call = reader(ctx, "BankGuarantees", BankGuarantees__factory.abi);
      const claims = await asOf(
        ctx,
        "t.guarantee_id, t.claim_index, t.amount, t.payee, t.state, t.extend_to, t.examination_deadline, t.suspended_until",
        "guarantee_claims",
      );
      // The contract keeps the latest amendment of each guarantee; the index's row with that number must match it.
      const guarantees = await asOf(ctx, "t.guarantee_id, t.amendment_count", "guarantees");
      const amendments = new Map(
        (await asOf(ctx, "t.guarantee_id, t.number, t.amount, t.expiry, t.state", "guarantee_amendments")).map((a) => [
          `${String(a.guarantee_id)}#${String(a.number)}`,
          a,
        ]),
      );
      return [
        ...(await rowByRow<{
          amount: bigint;
          examinationDeadline: bigint;
          extendTo: bigint;
          payee: string;
          state: number;
        }>(
          claims,
          (c) => call("claim", [c.guarantee_id, c.claim_index]),
          (c) => `guarantee ${String(c.guarantee_id)} demand ${String(c.claim_index)}`,
          (r, c) => [
            ["amount", r.amount, c.amount],
            ["payee", r.payee, c.payee],
            ["state", r.state, enumName(CLAIM_STATES, c.state)],
            ["extendTo", r.extend_to, c.extendTo],
            ["examinationDeadline", r.examination_deadline, c.examinationDeadline],
          ],
        )),
        ...(await rowByRow<bigint>(
          claims,
          (c) => call("suspendedUntil", [c.guarantee_id, c.claim_index]),
          (c) => `guarantee ${String(c.guarantee_id)} demand ${String(c.claim_index)} suspension`,
          (r, until) => [["suspendedUntil", r.suspended_until ?? 0n, until]],
        )),
        ...(await rowByRow<{ amount: bigint; expiry: bigint; number: number; pending: boolean }>(
          guarantees,
          (g) => call("amendment", [g.guarantee_id]),
          (g) => `guarantee ${String(g.guarantee_id)} amendment`,
          (g, c) => {
            const latest = amendments.get(`${String(g.guarantee_id)}#${String(c.number)}`);
            return [
              ["count", g.amendment_count, c.number],
              ...(Number(c.number) === 0
                ? []
                : ([
                    ["amount", latest?.amount, c.amount],
                    ["expiry", latest?.expiry, c.expiry],
                    ["pending", latest?.state === "Pending", c.pending],
                  ] as [string, unknown, unknown][])),
            ];
          },
        )),
      ];
    },
  },
  {
    name: "counter-guarantees",
    tables: ["counter_guarantees", "guarantees"],
    async run(ctx) {
      if (!deployed(ctx, "BankGuarantees")) return [];
      const call = reader(ctx, "BankGuarantees", BankGuarantees__factory.abi);
      const counters = await asOf(ctx, "t.*", "counter_guarantees");
      const documents = await asOf(ctx, "t.guarantee_id, t.expiry_document", "guarantees");
      return [
        ...(await rowByRow<{
          instructingBank: number;
          state: number;
          expiry: bigint;
          amount: bigint;
          paid: bigint;
          termsHash: string;
        }>(
          counters,
          (c) => call("counterGuarantee", [c.guarantee_id]),
          (c) => `counter-guarantee of guarantee ${String(c.guarantee_id)}`,
          (r, c) => [
            ["instructingBank", r.instructing_bank, c.instructingBank],
            ["state", r.state, enumName(COUNTER_STATES, c.state)],
            ["expiry", r.expiry, c.expiry],
            ["amount", r.amount, c.amount],
            ["paid", r.paid, c.paid],
            ["termsHash", r.terms_hash, c.termsHash],
          ],
        )),
        ...(await rowByRow<string>(
          documents,
          (g) => call("expiryDocument", [g.guarantee_id]),
          (g) => `guarantee ${String(g.guarantee_id)} expiry document`,
          (g, d) => [["expiryDocument", g.expiry_document ?? "0x" + "0".repeat(64), d]],
        )),
      ];
    },
  },
];

export const GUARANTEE_GAPS: Readonly<Record<string, string>> = {
  guarantee_timeline:
    "guarantee history: BankGuarantees keeps the current record only (states and amounts are compared)",
  "guarantee_amendments (earlier)": "amendments before the latest: the contract keeps only the latest one",
  "guarantee_claims.demand_hash/documents/paid_total/available_after/off_chain_reference/reason_hash/new_expiry":
    "the claim view has amount, deadlines, payee and state only (events only)",
  "guarantees.tender_reference": "the guarantee view has no tender reference (events only)",
  "guarantees.reduced_total": "the sum of recorded advance repayments (events only; the amount is compared)",
  counter_demands:
    "demands under counter-guarantees: the contract keeps the one under examination (state and paid are compared)",
};
