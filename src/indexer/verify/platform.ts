import type { Abi, AbiFunction, Address } from "viem";
import { IMPLEMENTATION_SLOT } from "@consortia/sdk";
import { ConsortiumRegistry__factory } from "@consortia/sdk/typechain/factories/platform/ConsortiumRegistry__factory.js";
import { DepositToken__factory } from "@consortia/sdk/typechain/factories/platform/DepositToken__factory.js";
import { PaymentLedger__factory } from "@consortia/sdk/typechain/factories/platform/PaymentLedger__factory.js";
import { loadProjections } from "../projections.js";
import { UPGRADEABLE_SOURCES } from "../../upgrades/contracts.js";
import { ACCESS_LEVELS, ACCOUNT_STATUSES, MEMBER_KINDS, MEMBER_STATUSES } from "../projections/platform.js";
import {
  asOf,
  counted,
  deployed,
  enumName,
  reader,
  rowByRow,
  show,
  upTo,
  type Check,
  type Compared,
  type Context,
} from "./check.js";

const PROPOSAL_STATUSES = ["None", "Pending", "Executed", "Cancelled"] as const;

const registry = (ctx: Context) => reader(ctx, "ConsortiumRegistry", ConsortiumRegistry__factory.abi);
const token = (ctx: Context) => reader(ctx, "DepositToken", DepositToken__factory.abi);

export const PLATFORM_CHECKS: readonly Check[] = [
  {
    name: "token supply and balances",
    tables: ["token_supply", "token_balances"],
    async run(ctx) {
      if (!deployed(ctx, "DepositToken")) return [];
      const call = token(ctx);
      const address = ctx.deployments.contracts.DepositToken.address.toLowerCase();
      const [supply] = await asOf(ctx, "t.supply", "token_supply", "t.token = $2::text", [address]);
      const balances = await asOf(ctx, "t.account, t.balance", "token_balances", "t.token = $2::text", [address]);
      const chainSupply = String(await call("totalSupply"));
      const indexedSum = balances.reduce((sum, b) => sum + BigInt(b.balance as string), 0n);
      const chainBalances = await Promise.all(balances.map((b) => call("balanceOf", [b.account])));
      return [
        { key: "totalSupply", indexed: String(supply?.supply ?? "0"), chain: chainSupply },
        // Balances of accounts the index has never seen would be missing: their sum must be the supply.
        { key: "sum of indexed balances = totalSupply", indexed: String(indexedSum), chain: chainSupply },
        ...balances.map((b, i) => ({
          key: `balanceOf(${String(b.account)})`,
          indexed: String(b.balance),
          chain: String(chainBalances[i]),
        })),
      ];
    },
  },
  {
    name: "members",
    tables: ["members"],
    async run(ctx) {
      const call = registry(ctx);
      const members = await asOf(
        ctx,
        "t.member_id, t.kind, t.status, t.roles, t.name, t.registration_hash, t.encryption_key",
        "members",
      );
      return [
        await counted("memberCount", members, call("memberCount")),
        ...(await rowByRow<{
          kind: number;
          status: number;
          roles: bigint;
          name: string;
          registrationHash: string;
          encryptionKey: string;
        }>(
          members,
          (m) => call("member", [m.member_id]),
          (m) => `member ${String(m.member_id)}`,
          (m, c) => [
            ["kind", m.kind, enumName(MEMBER_KINDS, c.kind)],
            ["status", m.status, enumName(MEMBER_STATUSES, c.status)],
            ["roles", m.roles, c.roles],
            ["name", m.name, c.name],
            ["registrationHash", m.registration_hash, c.registrationHash],
            ["encryptionKey", m.encryption_key, c.encryptionKey],
          ],
        )),
      ];
    },
  },
  {
    name: "accounts",
    tables: ["accounts"],
    async run(ctx) {
      const call = registry(ctx);
      const accounts = await asOf(ctx, "t.address, t.member_id, t.status, t.level", "accounts");
      const members = await asOf(ctx, "t.member_id", "members");
      // Every member's accounts on chain are indexed (an account the index never saw would otherwise pass).
      const onChain = (await Promise.all(members.map((m) => call("accountsOf", [m.member_id])))) as string[][];
      return [
        ...members.map((m, i) => ({
          key: `accountsOf(${String(m.member_id)})`,
          indexed: accounts
            .filter((a) => Number(a.member_id) === Number(m.member_id))
            .map((a) => String(a.address))
            .sort()
            .join(","),
          chain: onChain[i]
            .map((a) => a.toLowerCase())
            .sort()
            .join(","),
        })),
        ...(await rowByRow<{ memberId: number; status: number; level: number }>(
          accounts,
          (a) => call("account", [a.address]),
          (a) => `account ${String(a.address)}`,
          (a, c) => [
            ["member", a.member_id, c.memberId],
            ["status", a.status, enumName(ACCOUNT_STATUSES, c.status)],
            ["level", a.level, enumName(ACCESS_LEVELS, c.level)],
          ],
        )),
      ];
    },
  },
  {
    name: "nodes",
    tables: ["nodes"],
    async run(ctx) {
      const call = registry(ctx);
      const members = await asOf(ctx, "t.member_id", "members");
      const nodes = await asOf(ctx, "t.member_id, t.enode", "nodes");
      const onChain = (await Promise.all(members.map((m) => call("nodesOf", [m.member_id])))) as string[][];
      return members.map((m, i) => ({
        key: `nodesOf(${String(m.member_id)})`,
        indexed: nodes
          .filter((n) => Number(n.member_id) === Number(m.member_id))
          .map((n) => String(n.enode))
          .sort()
          .join(","),
        chain: [...onChain[i]].sort().join(","),
      }));
    },
  },
  {
    name: "system contracts",
    tables: ["system_contracts"],
    async run(ctx) {
      const call = registry(ctx);
      return rowByRow<boolean>(
        await asOf(ctx, "t.address, t.allowed", "system_contracts"),
        (s) => call("isSystemContract", [s.address]),
        (s) => `isSystemContract(${String(s.address)})`,
        (s, c) => [["allowed", s.allowed, c]],
      );
    },
  },
  {
    name: "proposals and governance",
    tables: ["proposals", "governance"],
    async run(ctx) {
      const call = registry(ctx);
      const proposals = await rowByRow<{
        proposer: number;
        status: number;
        approvals: number;
        expiresAt: bigint;
        target: string;
        descriptionHash: string;
        data: string;
      }>(
        await asOf(
          ctx,
          "t.proposal_id, t.proposer, t.target, t.data, t.description_hash, t.status, t.approvals, t.expires_at",
          "proposals",
        ),
        (p) => call("proposal", [p.proposal_id]),
        (p) => `proposal ${String(p.proposal_id)}`,
        (p, c) => [
          ["proposer", p.proposer, c.proposer],
          ["status", p.status, enumName(PROPOSAL_STATUSES, c.status)],
          ["approvals", p.approvals, c.approvals],
          ["expiresAt", p.expires_at, c.expiresAt],
          ["target", p.target, c.target],
          ["descriptionHash", p.description_hash, c.descriptionHash],
          ["data", p.data, c.data],
        ],
      );
      const settings = new Map(
        (await asOf(ctx, "t.setting, t.value", "governance")).map((s) => [String(s.setting), String(s.value)]),
      );
      const governance = await Promise.all(
        (["threshold", "votingPeriod"] as const)
          .filter((setting) => settings.has(setting))
          .map(async (setting) => ({
            key: setting,
            indexed: settings.get(setting)!,
            chain: String(await call(setting)),
          })),
      );
      return [...governance, ...proposals];
    },
  },
  {
    name: "votes",
    tables: ["proposal_votes"],
    async run(ctx) {
      const call = registry(ctx);
      const votes = await upTo(ctx, "t.proposal_id, t.member_id, t.approvals", "proposal_votes");
      const proposals = await asOf(ctx, "t.proposal_id, t.approvals", "proposals");
      return [
        // Each indexed vote is one the contract records, and no vote is missing: the votes add up to the approvals.
        ...(await rowByRow<boolean>(
          votes,
          (v) => call("hasApproved", [v.proposal_id, v.member_id]),
          (v) => `hasApproved(${String(v.proposal_id)}, ${String(v.member_id)})`,
          (_v, c) => [["", true, c]],
        )),
        ...(await rowByRow<{ approvals: number }>(
          proposals,
          (p) => call("proposal", [p.proposal_id]),
          (p) => `proposal ${String(p.proposal_id)}`,
          (p, c) => [
            ["votes indexed", votes.filter((v) => String(v.proposal_id) === String(p.proposal_id)).length, c.approvals],
          ],
        )),
      ];
    },
  },
  {
    name: "implementations and upgrade proposals",
    tables: ["contract_implementations", "upgrade_proposals"],
    async run(ctx) {
      const call = registry(ctx);
      type UpgradeProposal = {
        proxy: string;
        implementation: string;
        sourceCommit: string;
        bytecodeHash: string;
        executableAt: bigint;
      };
      const rows = new Map(
        (
          await asOf(
            ctx,
            "t.address, t.implementation, t.proposal_id, t.source_commit, t.bytecode_hash",
            "contract_implementations",
          )
        ).map((r) => [String(r.address), r]),
      );
      const compared: Compared[] = [];
      // Every deployed proxy: its ERC-1967 slot at the block is the indexed current implementation.
      for (const contract of Object.keys(UPGRADEABLE_SOURCES).filter((name) => deployed(ctx, name))) {
        const address = ctx.deployments.contracts[contract].address.toLowerCase();
        const slot = await ctx.client.getStorageAt({
          address: address as Address,
          slot: IMPLEMENTATION_SLOT as `0x${string}`,
          blockNumber: BigInt(ctx.block),
        });
        const row = rows.get(address);
        compared.push({
          key: `${contract} implementation`,
          indexed: show(row?.implementation),
          chain: show(`0x${(slot ?? "0x").slice(2).padStart(64, "0").slice(-40)}`),
        });
        // A version an upgrade proposal installed carries that proposal's record.
        if (row?.proposal_id !== null && row?.proposal_id !== undefined) {
          const proposal = (await call("upgradeProposal", [row.proposal_id])) as UpgradeProposal;
          compared.push(
            ...(
              [
                ["proxy", address, proposal.proxy],
                ["implementation", row.implementation, proposal.implementation],
                ["sourceCommit", row.source_commit, proposal.sourceCommit],
                ["bytecodeHash", row.bytecode_hash, proposal.bytecodeHash],
              ] as const
            ).map(([field, indexed, chain]) => ({
              key: `${contract} implementation's proposal ${String(row.proposal_id)} ${field}`,
              indexed: show(indexed),
              chain: show(chain),
            })),
          );
        }
        rows.delete(address);
      }
      for (const [address, row] of rows)
        compared.push({
          key: `${address} implementation`,
          indexed: show(row.implementation),
          chain: "not a deployed proxy",
        });
      // Every indexed upgrade proposal is the registry's record, and every proposal the registry holds as an upgrade
      // is indexed as one (the proposals themselves are compared above).
      const upgrades = await asOf(
        ctx,
        "t.proposal_id, t.proxy, t.implementation, t.source_commit, t.bytecode_hash, t.executable_at",
        "upgrade_proposals",
      );
      const indexedIds = new Set(upgrades.map((u) => String(u.proposal_id)));
      const proposals = await asOf(ctx, "t.proposal_id", "proposals");
      const records = (await Promise.all(
        proposals.map((p) => call("upgradeProposal", [p.proposal_id])),
      )) as UpgradeProposal[];
      return [
        ...compared,
        ...proposals.map((p, i) => ({
          key: `proposal ${String(p.proposal_id)} is an upgrade`,
          indexed: String(indexedIds.has(String(p.proposal_id))),
          chain: String(show(records[i].proxy) !== "0"),
        })),
        ...(await rowByRow<UpgradeProposal>(
          upgrades,
          (u) => call("upgradeProposal", [u.proposal_id]),
          (u) => `upgrade proposal ${String(u.proposal_id)}`,
          (u, c) => [
            ["proxy", u.proxy, c.proxy],
            ["implementation", u.implementation, c.implementation],
            ["sourceCommit", u.source_commit, c.sourceCommit],
            ["bytecodeHash", u.bytecode_hash, c.bytecodeHash],
            ["executableAt", u.executable_at, c.executableAt],
          ],
        )),
      ];
    },
  },
  {
    name: "contract status",
    tables: ["contract_status"],
    async run(ctx) {
      // Every deployed contract an indexed projection reads and that can be paused: not indexed means not paused.
      const pausable = new Map<string, Abi>();
      for (const projection of await loadProjections())
        for (const [contract, abi] of Object.entries(projection.contracts))
          if (
            deployed(ctx, contract) &&
            (abi as Abi).some((item) => item.type === "function" && (item as AbiFunction).name === "paused")
          )
            pausable.set(contract, abi as Abi);
      const rows = new Map(
        (await asOf(ctx, "t.address, t.paused", "contract_status")).map((r) => [String(r.address), r.paused]),
      );
      const compared: Compared[] = [];
      for (const [contract, abi] of pausable) {
        const address = ctx.deployments.contracts[contract].address.toLowerCase();
        compared.push({
          key: `${contract} paused`,
          indexed: String(rows.get(address) ?? false),
          chain: String(await reader(ctx, contract, abi)("paused")),
        });
        rows.delete(address);
      }
      // A status row of a contract that is not deployed here is drift too.
      for (const [address, paused] of rows)
        compared.push({ key: `${address} paused`, indexed: String(paused), chain: "not a deployed contract" });
      return compared;
    },
  },
  {
    name: "off-chain payments",
    tables: ["offchain_payments"],
    async run(ctx) {
      const call = reader(ctx, "PaymentLedger", PaymentLedger__factory.abi);
      if (!deployed(ctx, "PaymentLedger")) return [];
      return rowByRow<boolean>(
        await upTo(ctx, "t.payment_reference", "offchain_payments"),
        (p) => call("isRecorded", [p.payment_reference]),
        (p) => `isRecorded(${show(p.payment_reference)})`,
        (_p, c) => [["", true, c]],
      );
    },
  },
];

export const PLATFORM_GAPS: Readonly<Record<string, string>> = {
  token_transfers: "transfer history: the token keeps balances (compared), not past transfers",
  token_issuance: "issue/redeem history: the token keeps balances and supply (compared), not past operations",
  "governance (bootstrapEndedBy)": "the registry has no view of who ended bootstrap",
  "proposals.result": "the result of an executed proposal's call is in its event only",
};
