import { FreezeOrders__factory } from "@consortia/sdk/typechain/factories/platform/FreezeOrders__factory.js";
import {
  createTableSql,
  defineProjection,
  type IndexedEvent,
  type ProjectionStore,
  type TableSpec,
} from "../projection.js";

/** What an order freezes (IFreezeOrders.ScopeKind). */
export const FREEZE_SCOPE_KINDS = ["None", "Certificate", "Tokens", "Claim"] as const;
/** How a step was decided (IFreezeOrders.Path). */
export const FREEZE_PATHS = ["None", "Regulators", "Governance"] as const;
/**
 * An order's status as indexed: the contract's, with `ReleaseProposed` for an active order whose release one regulator
 * proposed. An `Active` (or `ReleaseProposed`) order past its expiry is shown as `Expired` by the API (chain time).
 */
export const FREEZE_ORDER_STATUSES = [
  "Proposed",
  "Active",
  "ReleaseProposed",
  "Released",
  "Cancelled",
  "Lapsed",
] as const;

/**
 * Freeze orders by a court or regulator (FreezeOrders): each order with its scope (target kind, asset, claim
 * contract, target id, amount; 0 freezes all of it), the reference and authority hashes, expiry, status, and who
 * proposed, approved, proposed the release and released it, when; and every step with its block time and actor.
 */
export const FREEZE_TABLES = [
  {
    kind: "versioned",
    name: "freeze_orders",
    key: ["order_id"],
    columns: {
      order_id: "numeric",
      scope_kind: "text",
      asset: "text",
      claim_contract: "text",
      target_id: "numeric",
      target_account: "text",
      amount: "numeric",
      reference_hash: "text",
      authority_hash: "text",
      expiry: "bigint",
      status: "text",
      path: "text",
      proposer: "text",
      proposer_member: "bigint",
      approver: "text",
      approver_member: "bigint",
      release_proposer: "text",
      release_proposer_member: "bigint",
      release_approver: "text",
      release_path: "text",
      proposed_at: "bigint",
      activated_at: "bigint",
      ended_at: "bigint",
    },
    indexes: [["asset", "target_id"], ["target_account"], ["status"]],
  },
  {
    kind: "append",
    name: "freeze_order_steps",
    columns: {
      order_id: "numeric",
      step: "text",
      actor: "text",
      actor_member: "bigint",
      path: "text",
      block_time: "bigint",
    },
    indexes: [["order_id"]],
  },
] as const satisfies readonly TableSpec[];

interface Scope {
  kind: unknown;
  asset: string;
  claimContract: string;
  id: bigint;
  amount: bigint;
}

const time = (e: IndexedEvent): number | null => e.blockTime ?? null;

function scopeColumns(scope: Scope): Record<string, unknown> {
  return {
    scope_kind: FREEZE_SCOPE_KINDS[Number(scope.kind)] ?? `Unknown(${String(scope.kind)})`,
    asset: scope.asset,
    claim_contract: scope.claimContract,
    target_id: scope.id,
    // Tokens scopes: the account whose deposits are frozen (the id is the address as a number).
    target_account: Number(scope.kind) === 2 ? `0x${BigInt(scope.id).toString(16).padStart(40, "0")}` : null,
    amount: scope.amount,
  };
}

async function update(store: ProjectionStore, e: IndexedEvent, changes: Record<string, unknown>): Promise<void> {
  const current = await store.get("freeze_orders", { order_id: e.args.orderId });
  store.put("freeze_orders", {
    order_id: e.args.orderId,
    path: "None",
    release_path: "None",
    ...current,
    ...changes,
  });
}

function step(store: ProjectionStore, e: IndexedEvent, name: string, actor: unknown, member: unknown, path = "None") {
  store.append("freeze_order_steps", {
    order_id: e.args.orderId,
    step: name,
    actor,
    actor_member: member ?? null,
    path,
    block_time: time(e),
  });
}

export default defineProjection({
  name: "freeze-orders",
  contracts: { FreezeOrders: FreezeOrders__factory.abi },
  tables: FREEZE_TABLES,
  migrations: [{ id: "freeze-orders/001_tables", sql: FREEZE_TABLES.map(createTableSql).join(";\n") }],
  handlers: {
    FreezeOrders: {
      FreezeProposed: async (e, store) => {
        await update(store, e, {
          ...scopeColumns(e.args.scope as Scope),
          reference_hash: e.args.referenceHash,
          authority_hash: e.args.authorityHash,
          expiry: e.args.expiry,
          status: "Proposed",
          path: "Regulators",
          proposer: e.args.proposer,
          proposer_member: e.args.proposerMember,
          proposed_at: time(e),
        });
        step(store, e, "Proposed", e.args.proposer, e.args.proposerMember, "Regulators");
      },
      FreezeActivated: async (e, store) => {
        const path = FREEZE_PATHS[Number(e.args.path)] ?? String(e.args.path);
        const current = await store.get("freeze_orders", { order_id: e.args.orderId });
        await update(store, e, {
          ...scopeColumns(e.args.scope as Scope),
          reference_hash: e.args.referenceHash,
          authority_hash: e.args.authorityHash,
          expiry: e.args.expiry,
          status: "Active",
          path,
          approver: e.args.approver,
          approver_member: e.args.approverMember,
          // A governance order is recorded and activated in one step (the registry proposes and approves).
          proposer: current?.proposer ?? e.args.approver,
          proposer_member: current?.proposer_member ?? e.args.approverMember,
          proposed_at: current?.proposed_at ?? time(e),
          activated_at: time(e),
        });
        step(store, e, "Activated", e.args.approver, e.args.approverMember, path);
      },
      FreezeReleaseProposed: async (e, store) => {
        await update(store, e, {
          status: "ReleaseProposed",
          release_proposer: e.args.proposer,
          release_proposer_member: e.args.proposerMember,
        });
        step(store, e, "ReleaseProposed", e.args.proposer, e.args.proposerMember, "Regulators");
      },
      FreezeReleased: async (e, store) => {
        const path = FREEZE_PATHS[Number(e.args.path)] ?? String(e.args.path);
        await update(store, e, {
          status: "Released",
          release_approver: e.args.approver,
          release_path: path,
          ended_at: time(e),
        });
        step(store, e, "Released", e.args.approver, e.args.approverMember, path);
      },
      FreezeCancelled: async (e, store) => {
        await update(store, e, { status: "Cancelled" });
        step(store, e, "Cancelled", e.args.by, null);
      },
      FreezeLapsed: async (e, store) => {
        await update(store, e, { status: "Lapsed", ended_at: time(e) });
        step(store, e, "Lapsed", e.args.by, null);
      },
    },
  },
});
