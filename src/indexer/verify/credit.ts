import { CreditBlacklist__factory } from "@consortia/sdk/typechain/factories/credit/CreditBlacklist__factory.js";
import { CATEGORIES, ENTRY_STATUSES, SUBJECT_KINDS } from "../projections/credit.js";
import { asOf, deployed, enumName, groupBy, reader, rowByRow, upTo, type Check } from "./check.js";

interface Entry {
  reporter: number;
  subjectKind: number;
  category: number;
  severity: number;
  status: number;
  version: number;
  expiresAt: number;
}

export const CREDIT_CHECKS: readonly Check[] = [
  {
    name: "blacklist entries",
    tables: ["credit_entries", "credit_entry_versions"],
    async run(ctx) {
      if (!deployed(ctx, "CreditBlacklist")) return [];
      const call = reader(ctx, "CreditBlacklist", CreditBlacklist__factory.abi);
      const entries = await asOf(
        ctx,
        "t.subject_key, t.number, t.reporter, t.subject_kind, t.category, t.severity, t.status, t.version, t.expires_at",
        "credit_entries",
      );
      const versions = groupBy(
        (await upTo(ctx, "t.subject_key, t.number, t.version", "credit_entry_versions")).map((v) => ({
          ...v,
          entry: `${String(v.subject_key)}#${String(v.number)}`,
        })),
        "entry",
      );
      return rowByRow<Entry>(
        entries,
        (e) => call("entry", [e.subject_key, e.number]),
        (e) => `entry ${String(e.subject_key)}#${String(e.number)}`,
        (e, c) => [
          ["reporter", e.reporter, c.reporter],
          ["subjectKind", e.subject_kind, enumName(SUBJECT_KINDS, c.subjectKind)],
          ["category", e.category, enumName(CATEGORIES, c.category)],
          ["severity", e.severity, c.severity],
          ["status", e.status, enumName(ENTRY_STATUSES, c.status)],
          ["version", e.version, c.version],
          ["expiresAt", e.expires_at, c.expiresAt],
          // Every version of the entry is indexed once (versions count from 1).
          ["versions indexed", versions.get(`${String(e.subject_key)}#${String(e.number)}`)?.length ?? 0, c.version],
        ],
      );
    },
  },
];

export const CREDIT_GAPS: Readonly<Record<string, string>> = {
  credit_disputes:
    "dispute history: CreditBlacklist keeps only the entry's current status (Disputed is compared in credit_entries), " +
    "not who disputed, when or why",
  credit_queries: "query log: CreditBlacklist keeps no state for a query (events only, by design: an audit trail)",
  "credit_entries.evidence_hash/payload_hash/payload_location_hash/dispute_*/revoke_reason_hash":
    "the entry view returns no hashes and no dispute details (events only)",
};
