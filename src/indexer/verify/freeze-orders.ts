import { FreezeOrders__factory } from "@consortia/sdk/typechain/factories/platform/FreezeOrders__factory.js";
import { FREEZE_PATHS, FREEZE_SCOPE_KINDS } from "../projections/freeze-orders.js";
import { asOf, counted, deployed, enumName, reader, rowByRow, type Check } from "./check.js";

const CHAIN_STATUSES = ["None", "Proposed", "Active", "Released", "Cancelled", "Lapsed"] as const;

interface Order {
  scope: { kind: number; asset: string; claimContract: string; id: bigint; amount: bigint };
  referenceHash: string;
  authorityHash: string;
  expiry: number;
  status: number;
  path: number;
  proposedAt: number;
  activatedAt: number;
  releasedAt: number;
  proposer: string;
  approver: string;
  releaseProposer: string;
  releaseApprover: string;
  releasePath: number;
}

export const FREEZE_CHECKS: readonly Check[] = [
  {
    name: "freeze orders",
    tables: ["freeze_orders"],
    async run(ctx) {
      if (!deployed(ctx, "FreezeOrders")) return [];
      const call = reader(ctx, "FreezeOrders", FreezeOrders__factory.abi);
      const orders = await asOf(ctx, "t.*", "freeze_orders");
      return [
        await counted("orderCount", orders, call("orderCount")),
        ...(await rowByRow<Order>(
          orders,
          (o) => call("order", [o.order_id]),
          (o) => `freeze order ${String(o.order_id)}`,
          (o, c) => {
            const status = enumName(CHAIN_STATUSES, c.status);
            return [
              // The index shows an active order whose release one regulator proposed as ReleaseProposed.
              [
                "status",
                o.status,
                status === "Active" && BigInt(c.releaseProposer) !== 0n ? "ReleaseProposed" : status,
              ],
              ["scope kind", o.scope_kind, enumName(FREEZE_SCOPE_KINDS, c.scope.kind)],
              ["asset", o.asset, c.scope.asset],
              ["claimContract", o.claim_contract, c.scope.claimContract],
              ["target", o.target_id, c.scope.id],
              ["amount", o.amount, c.scope.amount],
              ["referenceHash", o.reference_hash, c.referenceHash],
              ["authorityHash", o.authority_hash, c.authorityHash],
              ["expiry", o.expiry, c.expiry],
              ["path", o.path, enumName(FREEZE_PATHS, c.path)],
              ["proposer", o.proposer, c.proposer],
              ["approver", o.approver, c.approver],
              ["releaseProposer", o.release_proposer, c.releaseProposer],
              ["releaseApprover", o.release_approver, c.releaseApprover],
              ["releasePath", o.release_path, enumName(FREEZE_PATHS, c.releasePath)],
              ["proposedAt", o.proposed_at, c.proposedAt],
              ["activatedAt", o.activated_at, c.activatedAt],
              ["releasedAt", o.ended_at, c.releasedAt],
            ];
          },
        )),
      ];
    },
  },
];

export const FREEZE_GAPS: Readonly<Record<string, string>> = {
  freeze_order_steps: "step history (who acted when, by which path): the order view keeps the last actor of each step",
  "freeze_orders.proposer_member/approver_member/release_proposer_member":
    "members of the acting accounts: the order view keeps the accounts (events only)",
  "freeze_orders.target_account": "the tokens scope's id as an address (derived from the compared target id)",
};
