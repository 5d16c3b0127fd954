import { z } from "zod";
import type { Row } from "../../indexer/db.js";
import { party, row, rows, type Visible } from "../access.js";
import { eq, key, listRoute } from "../list.js";
import {
  appendSource,
  asOfFilter,
  asOfQuery,
  checkAsOf,
  defineRoute,
  defineRoutes,
  findOne,
  memberId,
  source,
  Sql,
  upTo,
  versionSource,
} from "../route.js";

const bankLimitSchema = z.object({ bank: z.number().int(), account: z.string(), limit: z.string(), source });
const obligorSchema = z.object({
  obligor: z.number().int(),
  limited: z.boolean().describe("Whether any bank ever set a limit: from then on, confirmations beyond it are refused"),
  total: z.string().describe("Sum of the banks' limits"),
  utilised: z.string().describe("Confirmed receivable value not yet redeemed"),
  headroom: z
    .string()
    .nullable()
    .describe("total - utilised (banks in good standing may leave less); null if unlimited"),
  source,
});
const useSchema = z.object({
  app: z.string(),
  record: z.string().describe("The receivable id (desk)"),
  action: z.enum(["Used", "Released"]),
  amount: z.string(),
  utilised: z.string(),
  source,
});

const toObligor = (r: Row) => {
  const total = BigInt(r.total as string);
  const utilised = BigInt(r.utilised as string);
  return {
    obligor: Number(r.obligor),
    limited: r.limited as boolean,
    total: r.total as string,
    utilised: r.utilised as string,
    headroom: r.limited ? (total > utilised ? total - utilised : 0n).toString() : null,
    source: versionSource(r),
  };
};
const toBankLimit = (r: Row) => ({
  bank: Number(r.bank),
  account: r.account as string,
  limit: r.limit_value as string,
  source: versionSource(r),
});
const toUse = (r: Row) => ({
  app: r.app as string,
  record: r.record as string,
  action: r.action as "Used" | "Released",
  amount: r.amount as string,
  utilised: r.utilised as string,
  source: appendSource(r),
});

/** An obligor's limits: the obligor itself and every bank that set it a limit (one still in force or withdrawn). */
const LIMIT_READERS =
  (alias: string): Visible =>
  (q, member) =>
    `(${party(`${alias}.obligor`)(q, member)} OR EXISTS (SELECT 1 FROM issuance_limits il WHERE il.obligor = ${alias}.obligor AND ${party("il.bank")(q, member)}))`;

export default defineRoutes({
  name: "issuance-limits",
  routes: [
    listRoute({
      path: "/issuance-limits",
      access: rows(LIMIT_READERS("o")),
      summary: "Core enterprises' issuance limits: sum of their banks' limits and utilisation",
      tags: ["receivables"],
      from: "obligor_issuance o",
      asOf: "versioned",
      filters: {
        limited: eq(
          "o.limited",
          z.enum(["true", "false"]).transform((v) => v === "true"),
          "boolean",
        ),
      },
      sorts: { obligor: [key("o.obligor", "bigint")] },
      order: "asc",
      item: obligorSchema,
      toItem: toObligor,
    }),
    defineRoute({
      path: "/issuance-limits/:obligor",
      access: row("obligor_issuance o", { obligor: ["obligor", "bigint"] }, LIMIT_READERS("o")),
      summary: "A core enterprise's issuance limits: each bank's limit, utilisation, and every use and release",
      tags: ["receivables"],
      params: z.object({ obligor: memberId }),
      query: z.object({ ...asOfQuery }),
      response: obligorSchema.extend({ banks: z.array(bankLimitSchema), uses: z.array(useSchema) }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const row = await findOne(
          ctx.db,
          { from: "obligor_issuance o", key: { obligor: [params.obligor, "bigint"] }, asOf: query.asOf },
          `no issuance of obligor ${params.obligor}`,
        );
        const qb = new Sql();
        const banks = await ctx.db.query(
          `SELECT * FROM issuance_limits l WHERE l.obligor = ${qb.p(params.obligor, "bigint")} AND ${asOfFilter(qb, "l", query.asOf)} AND l.limit_value > 0 ORDER BY l.bank`,
          qb.params,
        );
        const qu = new Sql();
        const uses = await ctx.db.query(
          `SELECT * FROM issuance_uses u WHERE u.obligor = ${qu.p(params.obligor, "bigint")} AND ${upTo(qu, "u.block_number", query.asOf)} ORDER BY u.block_number, u.log_index, u.seq`,
          qu.params,
        );
        return { ...toObligor(row), banks: banks.map(toBankLimit), uses: uses.map(toUse) };
      },
    }),
  ],
});
