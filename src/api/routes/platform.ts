import { z } from "zod";
import type { Queryable, Row } from "../../indexer/db.js";
import { type RoleName, Roles } from "@consortia/sdk";
import { ACCESS_LEVELS, ACCOUNT_STATUSES, MEMBER_KINDS, MEMBER_STATUSES } from "../../indexer/projections/platform.js";
import {
  address,
  appendSource,
  asOfFilter,
  asOfQuery,
  blockRangeQuery,
  bytes32,
  checkAsOf,
  defineRoute,
  defineRoutes,
  fetchPage,
  id32,
  listPage,
  NotFoundError,
  order,
  page,
  pageQuery,
  source,
  Sql,
  uintString,
  versionSource,
} from "../route.js";

const ROLE_NAMES = Object.keys(Roles) as RoleName[];
/** Roles a member can hold (SYSTEM and MEMBER are pseudo-roles of the authorization check). */
const MEMBER_ROLE_NAMES = ROLE_NAMES.filter((n) => n !== "SYSTEM" && n !== "MEMBER") as [RoleName, ...RoleName[]];

/** Role names of a role set. */
export function roleNames(roles: string | bigint): RoleName[] {
  const set = BigInt(roles);
  return MEMBER_ROLE_NAMES.filter((n) => (set & Roles[n]) !== 0n);
}

// ------------------------------------------------------------------------------------------------- schemas

const accountSchema = z.object({
  address: z.string(),
  memberId: z.number().int(),
  status: z.enum(ACCOUNT_STATUSES),
  level: z.enum(ACCESS_LEVELS),
  source,
});
const nodeSchema = z.object({ nodeId: z.string(), enode: z.string(), source });
const memberSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(MEMBER_KINDS),
  status: z.enum(MEMBER_STATUSES),
  roles: z.array(z.string()),
  roleBits: z.string(),
  registrationHash: z.string(),
  encryptionKey: z.string(),
  admitted: source,
  accounts: z.array(accountSchema),
  nodes: z.array(nodeSchema),
  source,
});
const voteSchema = z.object({ memberId: z.number().int(), approvals: z.number().int(), source });
const proposalSchema = z.object({
  id: z.string(),
  proposer: z.number().int(),
  target: z.string(),
  data: z.string(),
  descriptionHash: z.string(),
  expiresAt: z.number().int(),
  status: z.enum(["Pending", "Executed", "Cancelled"]),
  approvals: z.number().int(),
  result: z.string().nullable(),
  created: source,
  source,
});
const balanceSchema = z.object({ token: z.string(), account: z.string(), balance: z.string(), source });
const transferSchema = z.object({ token: z.string(), from: z.string(), to: z.string(), amount: z.string(), source });
const paymentSchema = z.object({
  reference: z.string(),
  app: z.string(),
  bank: z.number().int(),
  payer: z.number().int(),
  payee: z.number().int(),
  amount: z.string(),
  source,
});

// ------------------------------------------------------------------------------------------------- mapping

const toAccount = (r: Row) => ({
  address: r.address as string,
  memberId: r.member_id as number,
  status: r.status as (typeof ACCOUNT_STATUSES)[number],
  level: r.level as (typeof ACCESS_LEVELS)[number],
  source: versionSource(r),
});

async function withAccountsAndNodes(db: Queryable, rows: Row[], asOf: number | undefined) {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.member_id as number);
  const qa = new Sql();
  const accounts = await db.query(
    `SELECT * FROM accounts a WHERE a.member_id = ANY(${qa.p(ids, "bigint[]")}) AND ${asOfFilter(qa, "a", asOf)} ORDER BY a.address`,
    qa.params,
  );
  const qn = new Sql();
  const nodes = await db.query(
    `SELECT * FROM nodes n WHERE n.member_id = ANY(${qn.p(ids, "bigint[]")}) AND ${asOfFilter(qn, "n", asOf)} ORDER BY n.node_id`,
    qn.params,
  );
  return rows.map((r) => ({
    id: r.member_id as number,
    name: r.name as string,
    kind: r.kind as (typeof MEMBER_KINDS)[number],
    status: r.status as (typeof MEMBER_STATUSES)[number],
    roles: roleNames(r.roles as string),
    roleBits: r.roles as string,
    registrationHash: r.registration_hash as string,
    encryptionKey: r.encryption_key as string,
    admitted: { block: r.admitted_block as number, tx: r.admitted_tx as string, logIndex: 0 },
    accounts: accounts.filter((a) => a.member_id === r.member_id).map(toAccount),
    nodes: nodes
      .filter((n) => n.member_id === r.member_id)
      .map((n) => ({ nodeId: n.node_id as string, enode: n.enode as string, source: versionSource(n) })),
    source: versionSource(r),
  }));
}

const toProposal = (r: Row) => ({
  id: r.proposal_id as string,
  proposer: r.proposer as number,
  target: r.target as string,
  data: r.data as string,
  descriptionHash: r.description_hash as string,
  expiresAt: r.expires_at as number,
  status: r.status as "Pending" | "Executed" | "Cancelled",
  approvals: r.approvals as number,
  result: (r.result as string | null) ?? null,
  created: { block: r.created_block as number, tx: r.created_tx as string, logIndex: 0 },
  source: versionSource(r),
});

const toTransfer = (r: Row) => ({
  token: r.token as string,
  from: r.from_address as string,
  to: r.to_address as string,
  amount: r.amount as string,
  source: appendSource(r),
});

const toPayment = (r: Row) => ({
  reference: r.payment_reference as string,
  app: r.app as string,
  bank: r.bank as number,
  payer: r.payer as number,
  payee: r.payee as number,
  amount: r.amount as string,
  source: appendSource(r),
});

/** Appends block-range conditions on `column`. */
function blockRange(
  q: Sql,
  where: string[],
  column: string,
  range: { fromBlock?: number | undefined; toBlock?: number | undefined },
) {
  if (range.fromBlock !== undefined) where.push(`${column} >= ${q.p(range.fromBlock, "bigint")}`);
  if (range.toBlock !== undefined) where.push(`${column} <= ${q.p(range.toBlock, "bigint")}`);
}

// ------------------------------------------------------------------------------------------------- routes

const memberSorts = {
  id: [{ sql: "m.member_id", field: "member_id", type: "bigint" }],
  name: [
    { sql: "m.name", field: "name", type: "text" },
    { sql: "m.member_id", field: "member_id", type: "bigint" },
  ],
} as const;

export default defineRoutes({
  name: "platform",
  routes: [
    defineRoute({
      path: "/members",
      summary: "Member directory: members with roles, status, accounts and nodes",
      tags: ["platform"],
      query: z.object({
        status: z.enum(MEMBER_STATUSES).optional(),
        kind: z.enum(MEMBER_KINDS).optional(),
        role: z.enum(MEMBER_ROLE_NAMES).optional().describe("Members holding this role"),
        name: z.string().min(1).max(100).optional().describe("Case-insensitive substring of the name"),
        sort: z.enum(["id", "name"]).default("id"),
        order,
        ...asOfQuery,
        ...pageQuery,
      }),
      response: page(memberSchema),
      async handler({ query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const where = [asOfFilter(q, "m", query.asOf)];
        if (query.status !== undefined) where.push(`m.status = ${q.p(query.status)}`);
        if (query.kind !== undefined) where.push(`m.kind = ${q.p(query.kind)}`);
        if (query.role !== undefined) {
          where.push(`(m.roles::bigint & ${q.p(Roles[query.role], "bigint")}) <> 0`);
        }
        if (query.name !== undefined) where.push(`m.name ILIKE ${q.p(`%${query.name.replace(/[\\%_]/g, "\\$&")}%`)}`);
        const { rows, nextCursor } = await fetchPage(ctx.db, {
          select: "SELECT m.* FROM members m",
          where,
          q,
          sort: memberSorts[query.sort],
          order: query.order,
          limit: query.limit,
          cursor: query.cursor,
        });
        return { items: await withAccountsAndNodes(ctx.db, rows, query.asOf), nextCursor };
      },
    }),
    defineRoute({
      path: "/members/:id",
      summary: "One member with its roles, status, accounts and nodes",
      tags: ["platform"],
      params: z.object({ id: id32 }),
      query: z.object({ ...asOfQuery }),
      response: memberSchema,
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const rows = await ctx.db.query(
          `SELECT m.* FROM members m WHERE m.member_id = ${q.p(params.id, "bigint")} AND ${asOfFilter(q, "m", query.asOf)}`,
          q.params,
        );
        if (rows.length === 0) throw new NotFoundError(`member ${params.id} not found`);
        return (await withAccountsAndNodes(ctx.db, rows, query.asOf))[0];
      },
    }),
    defineRoute({
      path: "/accounts/:address",
      summary: "An operator account: its member, status and access level",
      tags: ["platform"],
      params: z.object({ address }),
      query: z.object({ ...asOfQuery }),
      response: accountSchema,
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const [row] = await ctx.db.query(
          `SELECT * FROM accounts a WHERE a.address = ${q.p(params.address)} AND ${asOfFilter(q, "a", query.asOf)}`,
          q.params,
        );
        if (row === undefined) throw new NotFoundError(`account ${params.address} not found`);
        return toAccount(row);
      },
    }),
    defineRoute({
      path: "/governance",
      summary: "Threshold, voting period, bootstrap, system contracts and paused contracts",
      tags: ["platform"],
      query: z.object({ ...asOfQuery }),
      response: z.object({
        threshold: z.number().int().nullable(),
        votingPeriod: z.number().int().nullable(),
        bootstrapEndedBy: z.string().nullable(),
        systemContracts: z.array(z.string()),
        pausedContracts: z.array(z.object({ address: z.string(), contract: z.string() })),
      }),
      async handler({ query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const settings = await ctx.db.query(
          `SELECT * FROM governance g WHERE ${asOfFilter(q, "g", query.asOf)}`,
          q.params,
        );
        const get = (s: string) => settings.find((r) => r.setting === s)?.value as string | undefined;
        const qs = new Sql();
        const system = await ctx.db.query(
          `SELECT address FROM system_contracts s WHERE s.allowed AND ${asOfFilter(qs, "s", query.asOf)} ORDER BY address`,
          qs.params,
        );
        const qp = new Sql();
        const paused = await ctx.db.query(
          `SELECT address, contract FROM contract_status c WHERE c.paused AND ${asOfFilter(qp, "c", query.asOf)} ORDER BY address`,
          qp.params,
        );
        const num = (v: string | undefined) => (v === undefined ? null : Number(v));
        return {
          threshold: num(get("threshold")),
          votingPeriod: num(get("votingPeriod")),
          bootstrapEndedBy: get("bootstrapEndedBy") ?? null,
          systemContracts: system.map((r) => r.address as string),
          pausedContracts: paused.map((r) => ({ address: r.address as string, contract: r.contract as string })),
        };
      },
    }),
    defineRoute({
      path: "/proposals",
      summary: "Governance proposals",
      tags: ["platform"],
      query: z.object({
        status: z.enum(["Pending", "Executed", "Cancelled"]).optional(),
        proposer: id32.optional(),
        target: address.optional(),
        order: z.enum(["asc", "desc"]).default("desc"),
        ...asOfQuery,
        ...pageQuery,
      }),
      response: page(proposalSchema),
      async handler({ query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const where = [asOfFilter(q, "p", query.asOf)];
        if (query.status !== undefined) where.push(`p.status = ${q.p(query.status)}`);
        if (query.proposer !== undefined) where.push(`p.proposer = ${q.p(query.proposer, "bigint")}`);
        if (query.target !== undefined) where.push(`p.target = ${q.p(query.target)}`);
        return listPage(
          ctx.db,
          {
            select: "SELECT p.* FROM proposals p",
            where,
            q,
            sort: [{ sql: "p.proposal_id", field: "proposal_id", type: "numeric" }],
          },
          query,
          toProposal,
        );
      },
    }),
    defineRoute({
      path: "/proposals/:id",
      summary: "One proposal with its votes",
      tags: ["platform"],
      params: z.object({ id: uintString }),
      query: z.object({ ...asOfQuery }),
      response: proposalSchema.extend({ votes: z.array(voteSchema) }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const [row] = await ctx.db.query(
          `SELECT * FROM proposals p WHERE p.proposal_id = ${q.p(params.id, "numeric")} AND ${asOfFilter(q, "p", query.asOf)}`,
          q.params,
        );
        if (row === undefined) throw new NotFoundError(`proposal ${params.id} not found`);
        const qv = new Sql();
        const votes = await ctx.db.query(
          `SELECT * FROM proposal_votes v WHERE v.proposal_id = ${qv.p(params.id, "numeric")}${
            query.asOf === undefined ? "" : ` AND v.block_number <= ${qv.p(query.asOf, "bigint")}`
          } ORDER BY block_number, log_index`,
          qv.params,
        );
        return {
          ...toProposal(row),
          votes: votes.map((v) => ({
            memberId: v.member_id as number,
            approvals: v.approvals as number,
            source: appendSource(v),
          })),
        };
      },
    }),
    defineRoute({
      path: "/token/balances",
      summary: "Token balances (current, or as of a block)",
      tags: ["token"],
      query: z.object({
        token: address.optional(),
        account: address.optional(),
        minBalance: uintString.optional(),
        sort: z.enum(["balance", "account"]).default("balance"),
        order: z.enum(["asc", "desc"]).default("desc"),
        ...asOfQuery,
        ...pageQuery,
      }),
      response: page(balanceSchema),
      async handler({ query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const where = [asOfFilter(q, "b", query.asOf)];
        if (query.token !== undefined) where.push(`b.token = ${q.p(query.token)}`);
        if (query.account !== undefined) where.push(`b.account = ${q.p(query.account)}`);
        if (query.minBalance !== undefined) where.push(`b.balance >= ${q.p(query.minBalance, "numeric")}`);
        const tail = [
          { sql: "b.account", field: "account", type: "text" },
          { sql: "b.token", field: "token", type: "text" },
        ] as const;
        const { rows, nextCursor } = await fetchPage(ctx.db, {
          select: "SELECT b.* FROM token_balances b",
          where,
          q,
          sort: query.sort === "balance" ? [{ sql: "b.balance", field: "balance", type: "numeric" }, ...tail] : tail,
          order: query.order,
          limit: query.limit,
          cursor: query.cursor,
        });
        return {
          items: rows.map((r) => ({
            token: r.token as string,
            account: r.account as string,
            balance: r.balance as string,
            source: versionSource(r),
          })),
          nextCursor,
        };
      },
    }),
    defineRoute({
      path: "/token/supply",
      summary: "Total supply of each token",
      tags: ["token"],
      query: z.object({ ...asOfQuery }),
      response: z.array(z.object({ token: z.string(), supply: z.string(), source })),
      async handler({ query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const rows = await ctx.db.query(
          `SELECT * FROM token_supply s WHERE ${asOfFilter(q, "s", query.asOf)} ORDER BY token`,
          q.params,
        );
        return rows.map((r) => ({ token: r.token as string, supply: r.supply as string, source: versionSource(r) }));
      },
    }),
    defineRoute({
      path: "/accounts/:address/balances",
      summary: "Token balances of an account",
      tags: ["token"],
      params: z.object({ address }),
      query: z.object({ ...asOfQuery }),
      response: z.array(balanceSchema),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const q = new Sql();
        const rows = await ctx.db.query(
          `SELECT * FROM token_balances b WHERE b.account = ${q.p(params.address)} AND ${asOfFilter(q, "b", query.asOf)} ORDER BY token`,
          q.params,
        );
        return rows.map((r) => ({
          token: r.token as string,
          account: r.account as string,
          balance: r.balance as string,
          source: versionSource(r),
        }));
      },
    }),
    defineRoute({
      path: "/token/transfers",
      summary: "Token transfers, filtered by account, direction, token, amount and blocks",
      tags: ["token"],
      query: z.object({
        account: address.optional().describe("Transfers from or to this account (see direction)"),
        direction: z.enum(["in", "out", "any"]).default("any"),
        token: address.optional(),
        minAmount: uintString.optional(),
        order: z.enum(["asc", "desc"]).default("desc"),
        ...blockRangeQuery,
        ...pageQuery,
      }),
      response: page(transferSchema),
      async handler({ query }, ctx) {
        const q = new Sql();
        const where: string[] = [];
        if (query.account !== undefined) {
          const a = q.p(query.account);
          where.push(
            query.direction === "in"
              ? `t.to_address = ${a}`
              : query.direction === "out"
                ? `t.from_address = ${a}`
                : `(t.from_address = ${a} OR t.to_address = ${a})`,
          );
        }
        if (query.token !== undefined) where.push(`t.token = ${q.p(query.token)}`);
        if (query.minAmount !== undefined) where.push(`t.amount >= ${q.p(query.minAmount, "numeric")}`);
        blockRange(q, where, "t.block_number", query);
        return listPage(
          ctx.db,
          {
            select: "SELECT t.* FROM token_transfers t",
            where,
            q,
            sort: [
              { sql: "t.block_number", field: "block_number", type: "bigint" },
              { sql: "t.log_index", field: "log_index", type: "integer" },
              { sql: "t.seq", field: "seq", type: "integer" },
            ],
          },
          query,
          toTransfer,
        );
      },
    }),
    defineRoute({
      path: "/payments",
      summary: "Off-chain payments recorded in the PaymentLedger",
      tags: ["payments"],
      query: z.object({
        bank: id32.optional(),
        payer: id32.optional(),
        payee: id32.optional(),
        app: address.optional(),
        sort: z.enum(["block", "amount"]).default("block"),
        order: z.enum(["asc", "desc"]).default("desc"),
        ...blockRangeQuery,
        ...pageQuery,
      }),
      response: page(paymentSchema),
      async handler({ query }, ctx) {
        const q = new Sql();
        const where: string[] = [];
        for (const field of ["bank", "payer", "payee"] as const) {
          if (query[field] !== undefined) where.push(`p.${field} = ${q.p(query[field], "bigint")}`);
        }
        if (query.app !== undefined) where.push(`p.app = ${q.p(query.app)}`);
        blockRange(q, where, "p.block_number", query);
        const position = [
          { sql: "p.block_number", field: "block_number", type: "bigint" },
          { sql: "p.log_index", field: "log_index", type: "integer" },
        ] as const;
        return listPage(
          ctx.db,
          {
            select: "SELECT p.* FROM offchain_payments p",
            where,
            q,
            sort:
              query.sort === "amount" ? [{ sql: "p.amount", field: "amount", type: "numeric" }, ...position] : position,
          },
          query,
          toPayment,
        );
      },
    }),
    defineRoute({
      path: "/payments/:reference",
      summary: "The off-chain payment recorded under a reference hash",
      tags: ["payments"],
      params: z.object({ reference: bytes32 }),
      response: paymentSchema,
      async handler({ params }, ctx) {
        const [row] = await ctx.db.query(`SELECT * FROM offchain_payments WHERE payment_reference = $1`, [
          params.reference,
        ]);
        if (row === undefined) throw new NotFoundError(`payment ${params.reference} not found`);
        return toPayment(row);
      },
    }),
  ],
});
