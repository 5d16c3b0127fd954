import { z } from "zod";
import type { Row } from "../../indexer/db.js";
import { FREEZE_ORDER_STATUSES, FREEZE_PATHS, FREEZE_SCOPE_KINDS } from "../../indexer/projections/freeze-orders.js";
import { accountOf, either, row, rows, type Visible } from "../access.js";
import { eq, filter, key, listRoute } from "../list.js";
import {
  address,
  appendSource,
  asOfQuery,
  atQuery,
  checkAsOf,
  defineRoute,
  defineRoutes,
  findOne,
  resolveAt,
  source,
  Sql,
  uint256,
  upTo,
  versionSource,
} from "../route.js";

/** An order's status at `at` (chain time): an order in force past its expiry is `Expired` (it freezes nothing). */
const FREEZE_VIEW_STATUSES = [...FREEZE_ORDER_STATUSES, "Expired"] as const;
const SCOPE_KINDS = FREEZE_SCOPE_KINDS.filter((k) => k !== "None") as [string, ...string[]];

const stepSchema = z.object({
  step: z.enum(["Proposed", "Activated", "ReleaseProposed", "Released", "Cancelled", "Lapsed"]),
  actor: z.string().describe("The acting account (the registry for a governance vote)"),
  actorMember: z.number().int().nullable().describe("The acting regulator member; 0 for a governance vote"),
  path: z.enum(FREEZE_PATHS),
  source,
});
const orderSchema = z.object({
  id: z.string(),
  scope: z.object({
    kind: z.enum(SCOPE_KINDS),
    asset: z.string().describe("The certificate contract, the deposit token or the forfaiting market"),
    claimContract: z.string().describe("Claim scopes: the claim's contract (zero address otherwise)"),
    target: z.string().describe("The certificate id, the account as a number, or the claim id"),
    account: z.string().nullable().describe("Tokens scopes: the account whose deposits are frozen"),
    amount: z.string().describe("The frozen value; 0 freezes all of the target"),
  }),
  referenceHash: z.string().describe("Hash of the order document (the document stays off chain)"),
  authorityHash: z.string().describe("Keyed hash of the issuing authority"),
  expiry: z.number().int(),
  status: z.enum(FREEZE_VIEW_STATUSES),
  inForce: z.boolean().describe("Whether it freezes at `at`: active (or release proposed) and before its expiry"),
  path: z.enum(FREEZE_PATHS),
  proposer: z.string().nullable(),
  approver: z.string().nullable(),
  releaseProposer: z.string().nullable(),
  releaseApprover: z.string().nullable(),
  releasePath: z.enum(FREEZE_PATHS),
  proposedAt: z.number().int().nullable(),
  activatedAt: z.number().int().nullable(),
  endedAt: z.number().int().nullable().describe("When it was released or lapsed"),
  source,
});

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const text = (v: unknown): string | null => (v === null || v === undefined ? null : (v as string));

const toOrder = (r: Row, at: number) => {
  const stored = r.status as (typeof FREEZE_ORDER_STATUSES)[number];
  const active = stored === "Active" || stored === "ReleaseProposed";
  const expired = active && at >= Number(r.expiry);
  return {
    id: r.order_id as string,
    scope: {
      kind: r.scope_kind as string,
      asset: r.asset as string,
      claimContract: r.claim_contract as string,
      target: r.target_id as string,
      account: text(r.target_account),
      amount: r.amount as string,
    },
    referenceHash: r.reference_hash as string,
    authorityHash: r.authority_hash as string,
    expiry: Number(r.expiry),
    status: expired ? ("Expired" as const) : stored,
    inForce: active && !expired,
    path: r.path as (typeof FREEZE_PATHS)[number],
    proposer: text(r.proposer),
    approver: text(r.approver),
    releaseProposer: text(r.release_proposer),
    releaseApprover: text(r.release_approver),
    releasePath: r.release_path as (typeof FREEZE_PATHS)[number],
    proposedAt: num(r.proposed_at),
    activatedAt: num(r.activated_at),
    endedAt: num(r.ended_at),
    source: versionSource(r),
  };
};

const toStep = (r: Row) => ({
  step: r.step as z.infer<typeof stepSchema>["step"],
  actor: r.actor as string,
  actorMember: num(r.actor_member),
  path: r.path as (typeof FREEZE_PATHS)[number],
  source: appendSource(r),
});

/**
 * The member whose asset an order targets: the account of a tokens scope, the current holder of a certificate, the
 * seller or buyer of a traded claim. (Regulators and auditors read every order.)
 */
const TARGET_MEMBER =
  (alias: string): Visible =>
  (q, member) =>
    either(accountOf(`${alias}.target_account`), (q2, m) => {
      const p = q2.p(m, "bigint");
      return `((${alias}.scope_kind = 'Certificate' AND EXISTS (SELECT 1 FROM receivable_certificates fc WHERE fc.token_id = ${alias}.target_id AND fc.valid_to_block IS NULL AND fc.holder_member = ${p}))
        OR (${alias}.scope_kind = 'Claim' AND EXISTS (SELECT 1 FROM ff_offers fo WHERE fo.asset = ${alias}.claim_contract AND fo.claim_id = ${alias}.target_id AND fo.valid_to_block IS NULL AND (fo.seller = ${p} OR fo.buyer = ${p}))))`;
    })(q, member);

const at = atQuery("expiry is judged at");

export default defineRoutes({
  name: "freeze-orders",
  routes: [
    listRoute({
      path: "/freeze-orders",
      access: rows(TARGET_MEMBER("f")),
      summary: "Freeze orders by a court or regulator: scope, hashes, expiry and status (Expired by chain time)",
      tags: ["supervision"],
      from: "freeze_orders f",
      asOf: "versioned",
      filters: {
        status: filter(
          z
            .enum([...FREEZE_ORDER_STATUSES] as [string, ...string[]])
            .optional()
            .describe("Stored status"),
          (status, q) => (status === undefined ? undefined : `f.status = ${q.p(status)}`),
        ),
        kind: eq("f.scope_kind", z.enum(SCOPE_KINDS)),
        asset: eq("f.asset", address),
        target: eq("f.target_id", uint256, "numeric"),
        account: eq("f.target_account", address),
      },
      query: at,
      sorts: { id: [key("f.order_id", "numeric")], expiry: [key("f.expiry", "bigint"), key("f.order_id", "numeric")] },
      order: "desc",
      item: orderSchema,
      toItem: (r, { query }) => toOrder(r, resolveAt(query)),
    }),
    defineRoute({
      path: "/freeze-orders/:id",
      access: row("freeze_orders f", { order_id: ["id", "numeric"] }, TARGET_MEMBER("f")),
      summary: "One freeze order with its step history (who proposed, approved, released; when; by which path)",
      tags: ["supervision"],
      params: z.object({ id: uint256 }),
      query: z.object({ ...asOfQuery, ...at }),
      response: orderSchema.extend({ history: z.array(stepSchema) }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const found = await findOne(
          ctx.db,
          { from: "freeze_orders f", key: { order_id: [params.id, "numeric"] }, asOf: query.asOf },
          `freeze order ${params.id} not found`,
        );
        const q = new Sql();
        const steps = await ctx.db.query(
          `SELECT * FROM freeze_order_steps s WHERE s.order_id = ${q.p(params.id, "numeric")} AND ${upTo(q, "s.block_number", query.asOf)}
           ORDER BY s.block_number, s.log_index, s.seq`,
          q.params,
        );
        return { ...toOrder(found, resolveAt(query)), history: steps.map(toStep) };
      },
    }),
  ],
});
