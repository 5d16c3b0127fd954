import { IssuanceLimits__factory } from "@consortia/sdk/typechain/factories/receivables/IssuanceLimits__factory.js";
import { createTableSql, defineProjection, type ProjectionStore, type TableSpec } from "../projection.js";

/**
 * Issuance limits (IssuanceLimits): each bank's limit per core enterprise, each enterprise's sum of limits and
 * utilisation, and every use (confirmation) and release (redemption).
 */
export const ISSUANCE_TABLES = [
  {
    kind: "versioned",
    name: "issuance_limits",
    key: ["obligor", "bank"],
    columns: { obligor: "bigint", bank: "bigint", account: "text", limit_value: "numeric" },
    indexes: [["bank"]],
  },
  {
    kind: "versioned",
    name: "obligor_issuance",
    key: ["obligor"],
    columns: { obligor: "bigint", limited: "boolean", total: "numeric", utilised: "numeric" },
  },
  {
    kind: "append",
    name: "issuance_uses",
    columns: {
      obligor: "bigint",
      app: "text",
      record: "numeric",
      action: "text",
      amount: "numeric",
      utilised: "numeric",
    },
    indexes: [["obligor"], ["app", "record"]],
  },
] as const satisfies readonly TableSpec[];

async function setObligor(store: ProjectionStore, obligor: unknown, changes: Record<string, unknown>): Promise<void> {
  const current = await store.get("obligor_issuance", { obligor });
  store.put("obligor_issuance", {
    obligor,
    limited: false,
    total: 0n,
    utilised: 0n,
    ...current,
    ...changes,
  });
}

export default defineProjection({
  name: "issuance",
  contracts: { IssuanceLimits: IssuanceLimits__factory.abi },
  tables: ISSUANCE_TABLES,
  migrations: [{ id: "issuance/001_tables", sql: ISSUANCE_TABLES.map(createTableSql).join(";\n") }],
  handlers: {
    IssuanceLimits: {
      IssuanceLimitSet: async (e, store) => {
        store.put("issuance_limits", {
          obligor: e.args.obligor,
          bank: e.args.bank,
          account: e.args.account,
          limit_value: e.args.limit,
        });
        await setObligor(store, e.args.obligor, { total: e.args.total });
      },
      IssuanceLimitsEnforced: async (e, store) => {
        await setObligor(store, e.args.obligor, { limited: e.args.limited });
      },
      IssuanceUsed: async (e, store) => {
        store.append("issuance_uses", {
          obligor: e.args.obligor,
          app: e.args.app,
          record: e.args.record,
          action: "Used",
          amount: e.args.amount,
          utilised: e.args.utilised,
        });
        await setObligor(store, e.args.obligor, { utilised: e.args.utilised });
      },
      IssuanceReleased: async (e, store) => {
        store.append("issuance_uses", {
          obligor: e.args.obligor,
          app: e.args.app,
          record: e.args.record,
          action: "Released",
          amount: e.args.amount,
          utilised: e.args.utilised,
        });
        await setObligor(store, e.args.obligor, { utilised: e.args.utilised });
      },
    },
  },
});
