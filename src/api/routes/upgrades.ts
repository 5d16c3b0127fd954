/**
 * Implementation history of the suite proxies (issue 16): which implementation each contract runs, since when, and
 * the upgrade proposal (with its source commit and bytecode hash) that put it there. From the platform projection's
 * `contract_implementations` and `upgrade_proposals` (src/indexer/projections/platform.ts).
 */
import { z } from "zod";
import { membersAccess } from "../access.js";
import type { Row } from "../../indexer/db.js";
import {
  asOfFilter,
  asOfQuery,
  checkAsOf,
  defineRoute,
  defineRoutes,
  NotFoundError,
  source,
  sourceOf,
  Sql,
  versionSource,
} from "../route.js";

/** A contract name as in the deployments file (`CreditBlacklist`). */
const contractName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, "expected a contract name as in the deployments file, e.g. CreditBlacklist");

const upgradeSchema = z
  .object({
    proposalId: z.string(),
    sourceCommit: z.string().describe("The git commit the implementation was built from, as the proposal recorded it"),
    bytecodeHash: z.string().describe("keccak256 of the implementation's runtime code, as the proposal recorded it"),
  })
  .nullable()
  .describe("The executed upgrade proposal that set this implementation (null: set when the proxy was deployed)");

const implementationSchema = z.object({
  implementation: z.string(),
  upgrade: upgradeSchema,
  /** The `Upgraded` event's block, transaction and time. */
  source,
  until: z
    .number()
    .int()
    .nullable()
    .describe("The block from which the next implementation ran (null: still current at the block answered for)"),
});

const contractSchema = z.object({
  contract: z.string(),
  address: z.string(),
  implementation: z.string(),
  upgrade: upgradeSchema,
  upgrades: z.number().int().describe("Upgrades since the proxy was deployed"),
  source,
});

const toUpgrade = (r: Row) =>
  r.proposal_id === null || r.proposal_id === undefined
    ? null
    : {
        proposalId: String(r.proposal_id),
        sourceCommit: r.source_commit as string,
        bytecodeHash: r.bytecode_hash as string,
      };

export default defineRoutes({
  name: "upgrades",
  routes: [
    defineRoute({
      path: "/contracts",
      access: membersAccess,
      summary: "Each suite contract's proxy and the implementation it runs (current, or as of a block)",
      tags: ["upgrades"],
      query: z.object({ ...asOfQuery }),
      response: z.array(contractSchema),
      async handler({ query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const upTo = query.asOf === undefined ? "" : ` AND h.valid_from_block <= ${q.p(query.asOf, "bigint")}`;
        const rows = await ctx.db.query(
          `SELECT c.*, (SELECT count(*) - 1 FROM contract_implementations h WHERE h.address = c.address${upTo})::integer
             AS upgrades
           FROM contract_implementations c WHERE ${asOfFilter(q, "c", query.asOf)} ORDER BY c.contract, c.address`,
          q.params,
        );
        return rows.map((r) => ({
          contract: r.contract as string,
          address: r.address as string,
          implementation: r.implementation as string,
          upgrade: toUpgrade(r),
          upgrades: Number(r.upgrades),
          source: versionSource(r),
        }));
      },
    }),
    defineRoute({
      path: "/contracts/:name/implementations",
      access: membersAccess,
      summary: "A contract's implementation history: every implementation its proxy ran, oldest first",
      description:
        "One item per ERC-1967 `Upgraded` event of the contract's proxy (the first from its deployment), with the " +
        "upgrade proposal that executed it. The address stays the same across upgrades; `asOf` answers the history up " +
        "to a block.",
      tags: ["upgrades"],
      params: z.object({ name: contractName }),
      query: z.object({ ...asOfQuery }),
      response: z.object({
        contract: z.string(),
        address: z.string(),
        implementations: z.array(implementationSchema),
      }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const upTo = query.asOf === undefined ? "" : ` AND h.valid_from_block <= ${q.p(query.asOf, "bigint")}`;
        const rows = await ctx.db.query(
          `SELECT * FROM contract_implementations h WHERE h.contract = ${q.p(params.name)}${upTo}
           ORDER BY h.valid_from_block, h.log_index`,
          q.params,
        );
        if (rows.length === 0) throw new NotFoundError(`contract ${params.name} not found (or not behind a proxy)`);
        const until = (r: Row): number | null => {
          const to = r.valid_to_block === null ? null : Number(r.valid_to_block);
          return to === null || (query.asOf !== undefined && to > query.asOf) ? null : to;
        };
        return {
          contract: params.name,
          address: rows[0].address as string,
          implementations: rows.map((r) => ({
            implementation: r.implementation as string,
            upgrade: toUpgrade(r),
            source: sourceOf(r.valid_from_block, r.upgraded_tx, r.log_index),
            until: until(r),
          })),
        };
      },
    }),
  ],
});
