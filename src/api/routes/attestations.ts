import { z } from "zod";
import type { Row } from "../../indexer/db.js";
import { ATTESTATION_KINDS, FINANCING_APPLICATIONS } from "../../indexer/projections/attestations.js";
import { membersAccess, party, row, rows } from "../access.js";
import { chainOrder, eq, filter, key, listRoute } from "../list.js";
import {
  appendSource,
  asOfFilter,
  asOfQuery,
  bytes32,
  checkAsOf,
  defineRoute,
  defineRoutes,
  findOne,
  memberId,
  source,
  Sql,
  uint256,
  versionSource,
} from "../route.js";
import { RECEIVABLE_PARTIES } from "./receivables.js";

const KINDS = ATTESTATION_KINDS.slice(1) as unknown as [string, ...string[]];
const APPLICATIONS = FINANCING_APPLICATIONS.slice(1) as unknown as [string, ...string[]];

const attestationSchema = z.object({
  id: z.string(),
  kind: z.enum(KINDS),
  subjectKey: z.string().describe("Keyed identifier the fact is about (invoice key, company key)"),
  attester: z.number().int(),
  account: z.string(),
  evidenceHash: z.string(),
  validFrom: z.number().int(),
  validUntil: z.number().int(),
  factDate: z.number().int().nullable(),
  amount: z.string().nullable(),
  currency: z.string().nullable(),
  supersedes: z.string().nullable(),
  supersededBy: z.string().nullable().describe("A newer attestation of the same kind on the subject replaced it"),
  revoked: z.boolean(),
  revokedByGovernance: z.boolean().nullable(),
  revokeReasonHash: z.string().nullable(),
  source,
});
const policySchema = z.object({
  bank: z.number().int(),
  application: z.enum(APPLICATIONS),
  kinds: z.array(z.enum(KINDS)).describe("Attestation kinds the bank requires before it finances"),
  account: z.string(),
  source,
});
const unattestedSchema = z.object({
  receivableId: z.string(),
  action: z.string().describe("DiscountAccepted or PledgeTaken"),
  bank: z.number().int().nullable(),
  invoiceKey: z.string(),
  value: z.string().nullable(),
  price: z.string().nullable(),
  source,
});

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
const toAttestation = (r: Row) => ({
  id: String(r.attestation_id),
  kind: r.kind as string,
  subjectKey: r.subject_key as string,
  attester: Number(r.attester),
  account: r.account as string,
  evidenceHash: r.evidence_hash as string,
  validFrom: Number(r.valid_from),
  validUntil: Number(r.valid_until),
  factDate: Number(r.fact_date) === 0 ? null : Number(r.fact_date),
  amount: String(r.amount) === "0" ? null : String(r.amount),
  currency: (r.currency as string | null) ?? null,
  supersedes: str(r.supersedes),
  supersededBy: str(r.superseded_by),
  revoked: r.revoked as boolean,
  revokedByGovernance: (r.revoked_by_governance as boolean | null) ?? null,
  revokeReasonHash: (r.revoke_reason_hash as string | null) ?? null,
  source: versionSource(r),
});
const toPolicy = (r: Row) => ({
  bank: Number(r.bank),
  application: r.application as string,
  kinds: r.kind_names as string[],
  account: r.account as string,
  source: versionSource(r),
});

/**
 * A receivable financing (discount bought, pledge taken) without an attestation on its invoice key that stood when it
 * happened: none attested at or before the financing's block, or every such one revoked by then.
 */
const UNATTESTED = `f.action IN ('DiscountAccepted', 'PledgeTaken') AND NOT EXISTS (
  SELECT 1 FROM attestations a WHERE a.subject_key = rr.invoice_key AND a.valid_to_block IS NULL
    AND a.attested_block <= f.block_number AND (a.revoked_block IS NULL OR a.revoked_block > f.block_number))`;

export default defineRoutes({
  name: "attestations",
  routes: [
    listRoute({
      path: "/attestations",
      access: membersAccess,
      summary: "Authority attestations (tax, customs, registry, court, warehouse) on keyed identifiers",
      description:
        "Every member reads them: banks check the trade background before they finance. Validity now is " +
        "`validFrom <= now <= validUntil`, not revoked, not superseded, and the attester still an authority in standing.",
      tags: ["attestations"],
      from: "attestations a",
      asOf: "versioned",
      filters: {
        subjectKey: eq("a.subject_key", bytes32),
        kind: eq("a.kind", z.enum(KINDS)),
        attester: eq("a.attester", memberId, "bigint"),
        revoked: eq(
          "a.revoked",
          z.enum(["true", "false"]).transform((v) => v === "true"),
          "boolean",
        ),
      },
      sorts: { id: [key("a.attestation_id", "bigint")] },
      order: "desc",
      item: attestationSchema,
      toItem: toAttestation,
    }),
    defineRoute({
      path: "/attestations/:id",
      access: membersAccess,
      summary: "One authority attestation",
      tags: ["attestations"],
      params: z.object({ id: uint256 }),
      query: z.object({ ...asOfQuery }),
      response: attestationSchema,
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const r = await findOne(
          ctx.db,
          { from: "attestations a", key: { attestation_id: [params.id, "numeric"] }, asOf: query.asOf },
          `no attestation ${params.id}`,
        );
        return toAttestation(r);
      },
    }),
    listRoute({
      path: "/financing-policies",
      access: membersAccess,
      summary: "Banks' financing policies: the attestation kinds each requires per financing application",
      tags: ["attestations"],
      from: "financing_policies p",
      asOf: "versioned",
      filters: {
        bank: eq("p.bank", memberId, "bigint"),
        application: eq("p.application", z.enum(APPLICATIONS)),
      },
      sorts: { bank: [key("p.bank", "bigint"), key("p.application", "text")] },
      order: "asc",
      item: policySchema,
      toItem: toPolicy,
    }),
    listRoute({
      path: "/unattested-financing",
      access: rows(party("f.member_id")),
      summary:
        "Receivable financings (discounts bought, pledges taken) without an authority attestation on the invoice",
      description:
        "The regulator's view (regulators and AUDITOR holders read every row; a bank reads its own): financings " +
        "whose invoice key had no unrevoked attestation of any kind when they happened.",
      tags: ["attestations"],
      from: "receivable_financing f JOIN receivables rr ON rr.receivable_id = f.receivable_id AND rr.valid_to_block IS NULL",
      select: "f.*, rr.invoice_key",
      asOf: { upTo: "f.block_number" },
      blocks: "f.block_number",
      scope: () => [UNATTESTED],
      filters: { bank: filter(memberId, (value, q) => `f.member_id = ${q.p(value, "bigint")}`) },
      sorts: { chain: chainOrder("f") },
      order: "desc",
      item: unattestedSchema,
      toItem: (r) => ({
        receivableId: String(r.receivable_id),
        action: r.action as string,
        bank: r.member_id === null ? null : Number(r.member_id),
        invoiceKey: r.invoice_key as string,
        value: str(r.value),
        price: str(r.price),
        source: appendSource(r),
      }),
    }),
    defineRoute({
      path: "/receivables/:id/attestations",
      access: row("receivables r", { receivable_id: ["id", "numeric"] }, RECEIVABLE_PARTIES("r")),
      summary: "The authority attestations on a receivable's invoice key (what backs its financing)",
      tags: ["attestations", "receivables"],
      params: z.object({ id: uint256 }),
      query: z.object({ ...asOfQuery }),
      response: z.object({
        receivableId: z.string(),
        invoiceKey: z.string(),
        attestations: z.array(attestationSchema),
      }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const r = await findOne(
          ctx.db,
          { from: "receivables r", key: { receivable_id: [params.id, "numeric"] }, asOf: query.asOf },
          `no receivable ${params.id}`,
        );
        const q = new Sql();
        const found = await ctx.db.query(
          `SELECT * FROM attestations a WHERE a.subject_key = ${q.p(r.invoice_key, "text")} AND ${asOfFilter(q, "a", query.asOf)} ORDER BY a.attestation_id`,
          q.params,
        );
        return {
          receivableId: String(params.id),
          invoiceKey: r.invoice_key as string,
          attestations: found.map(toAttestation),
        };
      },
    }),
  ],
});
