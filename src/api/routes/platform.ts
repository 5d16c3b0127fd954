import { z } from "zod";
import { accountOf, membersAccess, party, row, rows } from "../access.js";
import type { Row } from "../../indexer/db.js";
import { type RoleName, Roles } from "@consortia/sdk";
import { ACCESS_LEVELS, ACCOUNT_STATUSES, MEMBER_KINDS, MEMBER_STATUSES } from "../../indexer/projections/platform.js";
import { decodeCall } from "../contracts.js";
import { atLeast, chainOrder, contains, eq, filter, key, listRoute } from "../list.js";
import {
  address,
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
  sourceOf,
  Sql,
  uint256,
  versionSource,
} from "../route.js";

const ROLE_NAMES = Object.keys(Roles) as RoleName[];
const PROPOSAL_STATUSES = ["Pending", "Executed", "Cancelled"] as const;
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
  status: z.enum(PROPOSAL_STATUSES),
  approvals: z.number().int(),
  result: z.string().nullable(),
  call: z
    .object({ function: z.string(), args: z.record(z.string(), z.unknown()), text: z.string() })
    .nullable()
    .describe("The call decoded with the suite's ABIs (null: no known function has its selector)"),
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

/**
 * A member's columns with its accounts and nodes, as of the same block, aggregated in the same query: one round trip
 * per page instead of three (the member directory is the API's most requested list).
 */
function memberColumns(q: Sql, asOf: number | undefined): string {
  const related = (table: string, alias: string, order: string) =>
    `(SELECT coalesce(json_agg(${alias} ORDER BY ${alias}.${order}), '[]'::json) FROM ${table} ${alias} ` +
    `WHERE ${alias}.member_id = m.member_id AND ${asOfFilter(q, alias, asOf)})`;
  return `m.*, ${related("accounts", "a", "address")} AS member_accounts, ${related("nodes", "n", "node_id")} AS member_nodes`;
}

/** A row of `memberColumns` as the API shows it. */
const toMember = (r: Row) => ({
  id: r.member_id as number,
  name: r.name as string,
  kind: r.kind as (typeof MEMBER_KINDS)[number],
  status: r.status as (typeof MEMBER_STATUSES)[number],
  roles: roleNames(r.roles as string),
  roleBits: r.roles as string,
  registrationHash: r.registration_hash as string,
  encryptionKey: r.encryption_key as string,
  admitted: sourceOf(r.admitted_block, r.admitted_tx),
  accounts: (r.member_accounts as Row[]).map(toAccount),
  nodes: (r.member_nodes as Row[]).map((n) => ({
    nodeId: n.node_id as string,
    enode: n.enode as string,
    source: versionSource(n),
  })),
  source: versionSource(r),
});

const toProposal = (r: Row) => ({
  id: r.proposal_id as string,
  proposer: r.proposer as number,
  target: r.target as string,
  data: r.data as string,
  descriptionHash: r.description_hash as string,
  expiresAt: r.expires_at as number,
  status: r.status as (typeof PROPOSAL_STATUSES)[number],
  approvals: r.approvals as number,
  result: (r.result as string | null) ?? null,
  call: decodeCall(r.data as string),
  created: sourceOf(r.created_block, r.created_tx),
  source: versionSource(r),
});

const toBalance = (r: Row) => ({
  token: r.token as string,
  account: r.account as string,
  balance: r.balance as string,
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

// ------------------------------------------------------------------------------------------------- who sees what

/** An off-chain payment: the bank that recorded it, its payer and its payee. */
const PAYMENT_PARTIES = party("p.bank", "p.payer", "p.payee");

// ------------------------------------------------------------------------------------------------- routes

export default defineRoutes({
  name: "platform",
  routes: [
    listRoute({
      path: "/members",
      access: membersAccess,
      summary: "Member directory: members with roles, status, accounts and nodes",
      tags: ["platform"],
      from: "members m",
      asOf: "versioned",
      filters: {
        status: eq("m.status", z.enum(MEMBER_STATUSES)),
        kind: eq("m.kind", z.enum(MEMBER_KINDS)),
        role: filter(
          z.enum(MEMBER_ROLE_NAMES).describe("Members holding this role"),
          (role, q) => `(m.roles::bigint & ${q.p(Roles[role], "bigint")}) <> 0`,
        ),
        name: contains("m.name", z.string().max(100).describe("Case-insensitive substring of the name")),
      },
      sorts: { id: [key("m.member_id", "bigint")], name: [key("m.name", "text"), key("m.member_id", "bigint")] },
      order: "asc",
      item: memberSchema,
      select: ({ query }, q) => memberColumns(q, query.asOf),
      toItem: toMember,
    }),
    defineRoute({
      path: "/members/:id",
      access: membersAccess,
      summary: "One member with its roles, status, accounts and nodes",
      tags: ["platform"],
      params: z.object({ id: memberId }),
      query: z.object({ ...asOfQuery }),
      response: memberSchema,
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const row = await findOne(
          ctx.db,
          {
            from: "members m",
            key: { member_id: [params.id, "bigint"] },
            asOf: query.asOf,
            select: (q) => memberColumns(q, query.asOf),
          },
          `member ${params.id} not found`,
        );
        return toMember(row);
      },
    }),
    defineRoute({
      path: "/accounts/:address",
      access: membersAccess,
      summary: "An operator account: its member, status and access level",
      tags: ["platform"],
      params: z.object({ address }),
      query: z.object({ ...asOfQuery }),
      response: accountSchema,
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const row = await findOne(
          ctx.db,
          { from: "accounts a", key: { address: [params.address, "text"] }, asOf: query.asOf },
          `account ${params.address} not found`,
        );
        return toAccount(row);
      },
    }),
    defineRoute({
      path: "/governance",
      access: membersAccess,
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
    listRoute({
      path: "/proposals",
      access: membersAccess,
      summary: "Governance proposals, with their calls decoded",
      tags: ["platform"],
      from: "proposals p",
      asOf: "versioned",
      filters: {
        status: eq("p.status", z.enum(PROPOSAL_STATUSES)),
        proposer: eq("p.proposer", memberId, "bigint"),
        target: eq("p.target", address),
      },
      sorts: { id: [key("p.proposal_id", "numeric")] },
      order: "desc",
      item: proposalSchema,
      toItem: toProposal,
    }),
    defineRoute({
      path: "/proposals/:id",
      access: membersAccess,
      summary: "One proposal with its votes",
      tags: ["platform"],
      params: z.object({ id: uint256 }),
      query: z.object({ ...asOfQuery }),
      response: proposalSchema.extend({ votes: z.array(voteSchema) }),
      async handler({ params, query }, ctx) {
        await checkAsOf(ctx, query.asOf);
        const row = await findOne(
          ctx.db,
          { from: "proposals p", key: { proposal_id: [params.id, "numeric"] }, asOf: query.asOf },
          `proposal ${params.id} not found`,
        );
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
    listRoute({
      path: "/token/balances",
      access: rows(accountOf("b.account")),
      summary: "Token balances (current, or as of a block)",
      tags: ["token"],
      from: "token_balances b",
      asOf: "versioned",
      filters: {
        token: eq("b.token", address),
        account: eq("b.account", address),
        minBalance: atLeast("b.balance", uint256, "numeric"),
      },
      sorts: {
        balance: [key("b.balance", "numeric"), key("b.account", "text"), key("b.token", "text")],
        account: [key("b.account", "text"), key("b.token", "text")],
      },
      order: "desc",
      item: balanceSchema,
      toItem: toBalance,
    }),
    defineRoute({
      path: "/token/supply",
      access: membersAccess,
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
      access: row("accounts a", { address: ["address", "text"] }, party("a.member_id")),
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
        return rows.map(toBalance);
      },
    }),
    listRoute({
      path: "/token/transfers",
      access: rows(accountOf("t.from_address", "t.to_address")),
      summary: "Token transfers, filtered by account, direction, token, amount and blocks",
      tags: ["token"],
      from: "token_transfers t",
      blocks: "t.block_number",
      filters: {
        account: filter(address.describe("Transfers from or to this account (see direction)"), (account, q, query) => {
          const a = q.p(account);
          return query.direction === "in"
            ? `t.to_address = ${a}`
            : query.direction === "out"
              ? `t.from_address = ${a}`
              : `(t.from_address = ${a} OR t.to_address = ${a})`;
        }),
        token: eq("t.token", address),
        minAmount: atLeast("t.amount", uint256, "numeric"),
      },
      query: { direction: z.enum(["in", "out", "any"]).default("any") },
      sorts: { chain: chainOrder("t") },
      order: "desc",
      item: transferSchema,
      toItem: toTransfer,
    }),
    listRoute({
      path: "/payments",
      access: rows(PAYMENT_PARTIES),
      summary: "Off-chain payments recorded in the PaymentLedger",
      tags: ["payments"],
      from: "offchain_payments p",
      blocks: "p.block_number",
      filters: {
        bank: eq("p.bank", memberId, "bigint"),
        payer: eq("p.payer", memberId, "bigint"),
        payee: eq("p.payee", memberId, "bigint"),
        app: eq("p.app", address),
      },
      sorts: { block: chainOrder("p", false), amount: [key("p.amount", "numeric"), ...chainOrder("p", false)] },
      order: "desc",
      item: paymentSchema,
      toItem: toPayment,
    }),
    defineRoute({
      path: "/payments/:reference",
      access: row("offchain_payments p", { payment_reference: ["reference", "text"] }, PAYMENT_PARTIES),
      summary: "The off-chain payment recorded under a reference hash",
      tags: ["payments"],
      params: z.object({ reference: bytes32 }),
      response: paymentSchema,
      async handler({ params }, ctx) {
        const row = await findOne(
          ctx.db,
          { from: "offchain_payments p", key: { payment_reference: [params.reference, "text"] }, asOf: null },
          `payment ${params.reference} not found`,
        );
        return toPayment(row);
      },
    }),
  ],
});
