import { ConsortiumRegistry__factory } from "@consortia/sdk/typechain/factories/platform/ConsortiumRegistry__factory.js";
import { DepositToken__factory } from "@consortia/sdk/typechain/factories/platform/DepositToken__factory.js";
import { PaymentLedger__factory } from "@consortia/sdk/typechain/factories/platform/PaymentLedger__factory.js";
import { createTableSql, defineProjection, type EventHandler, type TableSpec } from "../projection.js";

/** Enum names of IConsortiumRegistry, by their uint8 value. */
export const MEMBER_KINDS = [
  "None",
  "Bank",
  "Enterprise",
  "CreditAgency",
  "Government",
  "Regulator",
  "ServiceProvider",
] as const;
export const MEMBER_STATUSES = ["None", "Active", "Suspended", "Removed"] as const;
export const ACCOUNT_STATUSES = ["None", "Active", "Suspended", "Blacklisted"] as const;
export const ACCESS_LEVELS = ["None", "ReadOnly", "Transact", "Admin"] as const;

const name = (names: readonly string[], value: unknown): string => names[Number(value)] ?? `Unknown(${String(value)})`;

/** Tables of the platform projection (see README.md "Indexer and query API" for their meaning). */
export const PLATFORM_TABLES = [
  {
    kind: "versioned",
    name: "members",
    key: ["member_id"],
    columns: {
      member_id: "bigint",
      kind: "text",
      name: "text",
      status: "text",
      roles: "numeric",
      registration_hash: "text",
      encryption_key: "text",
      admitted_block: "bigint",
      admitted_tx: "text",
    },
    indexes: [["status"], ["name"]],
  },
  {
    kind: "versioned",
    name: "accounts",
    key: ["address"],
    columns: { address: "text", member_id: "bigint", status: "text", level: "text" },
    indexes: [["member_id"]],
  },
  {
    kind: "versioned",
    name: "nodes",
    key: ["member_id", "node_id"],
    columns: { member_id: "bigint", node_id: "text", enode: "text" },
  },
  {
    kind: "versioned",
    name: "system_contracts",
    key: ["address"],
    columns: { address: "text", allowed: "boolean" },
  },
  {
    kind: "versioned",
    name: "governance",
    key: ["setting"],
    columns: { setting: "text", value: "text" },
  },
  {
    kind: "versioned",
    name: "proposals",
    key: ["proposal_id"],
    columns: {
      proposal_id: "numeric",
      proposer: "bigint",
      target: "text",
      data: "text",
      description_hash: "text",
      expires_at: "bigint",
      status: "text",
      approvals: "integer",
      result: "text",
      created_block: "bigint",
      created_tx: "text",
    },
    indexes: [["status"], ["proposer"]],
  },
  {
    kind: "append",
    name: "proposal_votes",
    columns: { proposal_id: "numeric", member_id: "bigint", approvals: "integer" },
    indexes: [["proposal_id"], ["member_id"]],
  },
  {
    kind: "versioned",
    name: "contract_status",
    key: ["address"],
    columns: { address: "text", contract: "text", paused: "boolean" },
  },
  {
    kind: "versioned",
    name: "token_balances",
    key: ["token", "account"],
    columns: { token: "text", account: "text", balance: "numeric" },
    indexes: [["token", "balance"]],
  },
  {
    kind: "versioned",
    name: "token_supply",
    key: ["token"],
    columns: { token: "text", supply: "numeric" },
  },
  {
    kind: "append",
    name: "token_transfers",
    columns: { token: "text", from_address: "text", to_address: "text", amount: "numeric" },
    indexes: [["from_address"], ["to_address"]],
  },
  {
    kind: "append",
    name: "token_issuance",
    columns: { token: "text", action: "text", issuer: "bigint", account: "text", amount: "numeric" },
    indexes: [["issuer"]],
  },
  {
    kind: "append",
    name: "offchain_payments",
    columns: {
      payment_reference: "text",
      app: "text",
      bank: "bigint",
      payer: "bigint",
      payee: "bigint",
      amount: "numeric",
    },
    indexes: [["payment_reference"], ["bank"], ["payer"], ["payee"], ["app"]],
  },
] as const satisfies readonly TableSpec[];

/**
 * Implementation history (issue 16): each suite proxy's implementation, a version per ERC-1967 `Upgraded` (the first
 * from the proxy's constructor), with the upgrade proposal that did it and what that proposal recorded; and every
 * upgrade proposal's record (`UpgradeProposed`). Added after the first release: migration platform/002.
 */
export const UPGRADE_TABLES = [
  {
    kind: "versioned",
    name: "contract_implementations",
    key: ["address"],
    columns: {
      address: "text",
      contract: "text",
      implementation: "text",
      /** The transaction of the `Upgraded` event: how the executed proposal of the same transaction finds the row. */
      upgraded_tx: "text",
      proposal_id: "numeric",
      source_commit: "text",
      bytecode_hash: "text",
    },
    indexes: [["contract"]],
  },
  {
    kind: "versioned",
    name: "upgrade_proposals",
    key: ["proposal_id"],
    columns: {
      proposal_id: "numeric",
      proxy: "text",
      implementation: "text",
      source_commit: "text",
      bytecode_hash: "text",
      executable_at: "bigint",
    },
    indexes: [["proxy"]],
  },
] as const satisfies readonly TableSpec[];

const ZERO = "0x0000000000000000000000000000000000000000";

/** `Paused`/`Unpaused` of any ConsortiumApp (OZ Pausable): applications reuse these in their handlers. */
export const onPaused: EventHandler = (e, store) =>
  store.put("contract_status", { address: e.address, contract: e.contract, paused: true });
export const onUnpaused: EventHandler = (e, store) =>
  store.put("contract_status", { address: e.address, contract: e.contract, paused: false });

async function setMember(
  store: Parameters<EventHandler>[1],
  memberId: unknown,
  changes: Record<string, unknown>,
): Promise<void> {
  const current = await store.get("members", { member_id: memberId });
  if (current === undefined) throw new Error(`member ${String(memberId)} changed before it was admitted`);
  store.put("members", { ...current, ...changes });
}

async function setProposal(
  store: Parameters<EventHandler>[1],
  proposalId: unknown,
  changes: Record<string, unknown>,
): Promise<void> {
  const current = await store.get("proposals", { proposal_id: proposalId });
  if (current === undefined) throw new Error(`proposal ${String(proposalId)} changed before it was created`);
  store.put("proposals", { ...current, ...changes });
}

/** ERC-1967 `Upgraded` of any suite proxy: a new current implementation (its proposal is filled in below). */
const onUpgraded: EventHandler = (e, store) =>
  store.put("contract_implementations", {
    address: e.address,
    contract: e.contract,
    implementation: e.args.implementation,
    upgraded_tx: e.txHash,
    proposal_id: null,
    source_commit: null,
    bytecode_hash: null,
  });

/**
 * `ProposalExecuted` of an upgrade proposal: the proxy emitted `Upgraded` earlier in the same transaction (the
 * registry emits after the call); that version of the proxy's implementation gets the proposal and what it recorded.
 */
async function linkUpgrade(store: Parameters<EventHandler>[1], e: Parameters<EventHandler>[0]): Promise<void> {
  const upgrade = await store.get("upgrade_proposals", { proposal_id: e.args.proposalId });
  if (upgrade === undefined) return;
  const current = await store.get("contract_implementations", { address: upgrade.proxy });
  if (current === undefined || current.upgraded_tx !== e.txHash || current.implementation !== upgrade.implementation)
    return;
  store.put("contract_implementations", {
    ...current,
    proposal_id: e.args.proposalId,
    source_commit: upgrade.source_commit,
    bytecode_hash: upgrade.bytecode_hash,
  });
}

async function addToBalance(
  store: Parameters<EventHandler>[1],
  token: string,
  account: string,
  delta: bigint,
): Promise<void> {
  const current = await store.get<{ balance: string }>("token_balances", { token, account });
  store.put("token_balances", { token, account, balance: BigInt(current?.balance ?? 0) + delta });
}

export default defineProjection({
  name: "platform",
  contracts: {
    ConsortiumRegistry: ConsortiumRegistry__factory.abi,
    DepositToken: DepositToken__factory.abi,
    PaymentLedger: PaymentLedger__factory.abi,
  },
  tables: [...PLATFORM_TABLES, ...UPGRADE_TABLES],
  migrations: [
    { id: "platform/001_tables", sql: PLATFORM_TABLES.map(createTableSql).join(";\n") },
    { id: "platform/002_upgrades", sql: UPGRADE_TABLES.map(createTableSql).join(";\n") },
  ],
  everyContract: { Upgraded: onUpgraded },
  handlers: {
    ConsortiumRegistry: {
      MemberAdmitted: (e, store) =>
        store.put("members", {
          member_id: e.args.memberId,
          kind: name(MEMBER_KINDS, e.args.kind),
          name: e.args.name,
          status: "Active",
          roles: e.args.roles,
          registration_hash: e.args.registrationHash,
          encryption_key: e.args.encryptionKey,
          admitted_block: e.blockNumber,
          admitted_tx: e.txHash,
        }),
      MemberStatusChanged: (e, store) =>
        setMember(store, e.args.memberId, { status: name(MEMBER_STATUSES, e.args.current) }),
      MemberRolesChanged: (e, store) => setMember(store, e.args.memberId, { roles: e.args.current }),
      EncryptionKeyChanged: (e, store) => setMember(store, e.args.memberId, { encryption_key: e.args.encryptionKey }),
      AccountAdded: (e, store) =>
        store.put("accounts", {
          address: e.args.account,
          member_id: e.args.memberId,
          status: "None",
          level: name(ACCESS_LEVELS, e.args.level),
        }),
      AccountChanged: (e, store) =>
        store.put("accounts", {
          address: e.args.account,
          member_id: e.args.memberId,
          status: name(ACCOUNT_STATUSES, e.args.status),
          level: name(ACCESS_LEVELS, e.args.level),
        }),
      NodeAdded: (e, store) =>
        store.put("nodes", { member_id: e.args.memberId, node_id: e.args.nodeId, enode: e.args.enode }),
      NodeRemoved: (e, store) => store.remove("nodes", { member_id: e.args.memberId, node_id: e.args.nodeId }),
      SystemContractSet: (e, store) =>
        store.put("system_contracts", { address: e.args.account, allowed: e.args.allowed }),
      BootstrapEnded: (e, store) =>
        store.put("governance", { setting: "bootstrapEndedBy", value: e.args.bootstrapper }),
      ThresholdChanged: (e, store) => store.put("governance", { setting: "threshold", value: String(e.args.current) }),
      VotingPeriodChanged: (e, store) =>
        store.put("governance", { setting: "votingPeriod", value: String(e.args.current) }),
      ProposalCreated: (e, store) =>
        store.put("proposals", {
          proposal_id: e.args.proposalId,
          proposer: e.args.proposer,
          target: e.args.target,
          data: e.args.data,
          description_hash: e.args.descriptionHash,
          expires_at: e.args.expiresAt,
          status: "Pending",
          approvals: 0,
          result: null,
          created_block: e.blockNumber,
          created_tx: e.txHash,
        }),
      ProposalApproved: async (e, store) => {
        store.append("proposal_votes", {
          proposal_id: e.args.proposalId,
          member_id: e.args.memberId,
          approvals: e.args.approvals,
        });
        await setProposal(store, e.args.proposalId, { approvals: e.args.approvals });
      },
      ProposalExecuted: async (e, store) => {
        await setProposal(store, e.args.proposalId, { status: "Executed", result: e.args.result });
        await linkUpgrade(store, e);
      },
      UpgradeProposed: (e, store) =>
        store.put("upgrade_proposals", {
          proposal_id: e.args.proposalId,
          proxy: e.args.proxy,
          implementation: e.args.implementation,
          source_commit: e.args.sourceCommit,
          bytecode_hash: e.args.bytecodeHash,
          // Set when the vote passes (UpgradeScheduled): the delay runs from then.
          executable_at: null,
        }),
      UpgradeScheduled: async (e, store) => {
        const current = await store.get("upgrade_proposals", { proposal_id: e.args.proposalId });
        if (current === undefined) throw new Error(`upgrade ${String(e.args.proposalId)} scheduled before proposed`);
        store.put("upgrade_proposals", { ...current, executable_at: e.args.executableAt });
      },
      ProposalCancelled: (e, store) => setProposal(store, e.args.proposalId, { status: "Cancelled" }),
    },
    DepositToken: {
      Transfer: async (e, store) => {
        const from = e.args.from as string;
        const to = e.args.to as string;
        const amount = e.args.value as bigint;
        store.append("token_transfers", { token: e.address, from_address: from, to_address: to, amount });
        if (from !== ZERO) await addToBalance(store, e.address, from, -amount);
        if (to !== ZERO) await addToBalance(store, e.address, to, amount);
        if (from === ZERO || to === ZERO) {
          const supply = await store.get<{ supply: string }>("token_supply", { token: e.address });
          const delta = from === ZERO ? amount : -amount;
          store.put("token_supply", { token: e.address, supply: BigInt(supply?.supply ?? 0) + delta });
        }
      },
      Issued: (e, store) =>
        store.append("token_issuance", {
          token: e.address,
          action: "issued",
          issuer: e.args.issuer,
          account: e.args.to,
          amount: e.args.amount,
        }),
      Redeemed: (e, store) =>
        store.append("token_issuance", {
          token: e.address,
          action: "redeemed",
          issuer: e.args.issuer,
          account: e.args.from,
          amount: e.args.amount,
        }),
      Paused: onPaused,
      Unpaused: onUnpaused,
    },
    PaymentLedger: {
      OffChainPaymentRecorded: (e, store) =>
        store.append("offchain_payments", {
          payment_reference: e.args.paymentReference,
          app: e.args.app,
          bank: e.args.bank,
          payer: e.args.payer,
          payee: e.args.payee,
          amount: e.args.amount,
        }),
    },
  },
});
