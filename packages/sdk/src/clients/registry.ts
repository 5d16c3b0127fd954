/** The consortium registry: members, authorization, and M-of-N governance proposals. */
import { getAddress, keccak256, toUtf8Bytes, ZeroAddress, type BigNumberish, type Interface } from "ethers";
import { ConsortiumRegistry__factory } from "../typechain/factories/platform/ConsortiumRegistry__factory.js";
import { SuiteProxy__factory } from "../typechain/factories/platform/SuiteProxy__factory.js";
import type { ConsortiumRegistry } from "../typechain/platform/ConsortiumRegistry.js";
import type { TypedContractMethod } from "../typechain/common.js";
import { MemberKind, Roles, type MemberKindName, type RoleName } from "../roles.js";
import { defineClient, type ClientContext, type SendOptions } from "./define.js";

export const MEMBER_STATUS = ["None", "Active", "Suspended", "Removed"] as const;
export const ACCOUNT_STATUS = ["None", "Active", "Suspended", "Blacklisted"] as const;
export const ACCESS_LEVEL = ["None", "ReadOnly", "Transact", "Admin"] as const;
export const PROPOSAL_STATUS = ["None", "Pending", "Executed", "Cancelled"] as const;
const MEMBER_KIND = ["None", ...Object.keys(MemberKind)] as readonly string[];

export type MemberStatusName = (typeof MEMBER_STATUS)[number];
export type ProposalStatusName = (typeof PROPOSAL_STATUS)[number];

/** A member as the registry holds it, with enum values named and roles spelled out. */
export interface MemberInfo {
  id: number;
  name: string;
  kind: MemberKindName | "None";
  status: MemberStatusName;
  roles: bigint;
  roleNames: RoleName[];
  registrationHash: string;
  encryptionKey: string;
  accounts: string[];
  nodeCount: number;
}

/** The registry functions only a passed proposal may call: what `propose` encodes by name. */
export type GovernanceFunction =
  | "admitMember"
  | "suspendMember"
  | "reinstateMember"
  | "removeMember"
  | "setRoles"
  | "setThreshold"
  | "setVotingPeriod"
  | "setExecutionDelay"
  | "blacklistAccount"
  | "recoverAccount"
  | "setSystemContract"
  | "addAccount";

/** The arguments of a governance function, as TypeChain types them. */
export type GovernanceArgs<F extends GovernanceFunction> =
  ConsortiumRegistry[F] extends TypedContractMethod<infer A, infer _R, infer _S> ? A : never;

/** A proposal with its call decoded when it targets the registry. */
export interface ProposalInfo {
  id: bigint;
  proposer: number;
  status: ProposalStatusName;
  approvals: number;
  expiresAt: number;
  /** Expired: still pending but past its voting period. */
  expired: boolean;
  target: string;
  data: string;
  descriptionHash: string;
  /** `suspendMember(3)`, or the raw selector when the target is not the registry. */
  call: string;
}

/** ERC-1967's implementation slot, where every suite proxy keeps its implementation's address. */
export const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

/** One implementation a suite proxy ran, from the proxy's ERC-1967 `Upgraded` event. */
export interface ImplementationRecord {
  implementation: string;
  blockNumber: number;
  /** The block's time (unix seconds). */
  timestamp: number;
  transactionHash: string;
  /** The upgrade proposal executed in that transaction; undefined for the proxy's first implementation. */
  upgrade: { proposalId: bigint; sourceCommit: string; bytecodeHash: string } | undefined;
}

/** Thrown when a member reference (id, name or account) matches no member. */
export class UnknownMemberError extends Error {
  override name = "UnknownMemberError";
  constructor(readonly reference: string) {
    super(`unknown member: ${reference}`);
  }
}

/** Role names of a role set, lowest bit first. */
export function roleNames(roles: bigint): RoleName[] {
  return (Object.keys(Roles) as RoleName[]).filter((name) => (roles & Roles[name]) !== 0n);
}

/** `keccak256(utf8(description))`: what a proposal stores of its description. */
export function descriptionHash(description: string): string {
  return keccak256(toUtf8Bytes(description));
}

export type RegistryClient = ReturnType<typeof createRegistryClient>;

function createRegistryClient(context: ClientContext) {
  const contract: ConsortiumRegistry = context.connect("ConsortiumRegistry", ConsortiumRegistry__factory);
  const address = context.address("ConsortiumRegistry");

  async function member(memberId: number): Promise<MemberInfo> {
    const [record, accounts] = await Promise.all([contract.member(memberId), contract.accountsOf(memberId)]);
    if (record.status === 0n) throw new UnknownMemberError(String(memberId));
    return {
      id: memberId,
      name: record.name,
      kind: MEMBER_KIND[Number(record.kind)] as MemberKindName,
      status: MEMBER_STATUS[Number(record.status)],
      roles: record.roles,
      roleNames: roleNames(record.roles),
      registrationHash: record.registrationHash,
      encryptionKey: record.encryptionKey,
      accounts: [...accounts],
      nodeCount: Number(record.nodeCount),
    };
  }

  async function members(): Promise<MemberInfo[]> {
    const count = Number(await contract.memberCount());
    return Promise.all(Array.from({ length: count }, (_, index) => member(index + 1)));
  }

  /** The member behind an account (undefined for none), whatever its status. */
  async function memberOf(account: string): Promise<number | undefined> {
    const id = Number(await contract.memberOf(account));
    return id === 0 ? undefined : id;
  }

  /**
   * Resolves a member reference: a numeric id, an account address, or a name (exact, then case-insensitive).
   * Throws `UnknownMemberError`.
   */
  async function findMember(reference: string | number): Promise<MemberInfo> {
    const text = String(reference).trim();
    if (/^\d+$/.test(text)) {
      const id = Number(text);
      if (id === 0 || id > Number(await contract.memberCount())) throw new UnknownMemberError(text);
      return member(id);
    }
    if (/^0x[0-9a-fA-F]{40}$/.test(text)) {
      const id = await memberOf(text);
      if (id === undefined) throw new UnknownMemberError(text);
      return member(id);
    }
    const all = await members();
    const found =
      all.find((candidate) => candidate.name === text) ??
      all.find((candidate) => candidate.name.toLowerCase() === text.toLowerCase());
    if (found === undefined) throw new UnknownMemberError(text);
    return found;
  }

  /**
   * Whether `account` may act now for a member holding any of `roles`: the member id, or the decoded reason
   * (UnknownAccount, AccountNotActive, MemberNotActive, MissingRole, AccessLevelTooLow) as the rejected promise.
   */
  async function authorize(account: string, roles: bigint | RoleName): Promise<number> {
    const set = typeof roles === "bigint" ? roles : Roles[roles];
    try {
      return Number(await contract.authorize(account, set));
    } catch (error) {
      throw context.decode(error, address);
    }
  }

  function encodeGovernance<F extends GovernanceFunction>(fn: F, args: GovernanceArgs<F>): string {
    return (contract.interface as Interface).encodeFunctionData(fn, args as unknown[]);
  }

  /** Proposes any call (for example `pause()` of an application) and returns the new proposal's id. */
  async function proposeCall(
    target: string,
    data: string,
    description: string,
    options?: SendOptions,
  ): Promise<{ proposalId: bigint; transactionHash: string }> {
    const receipt = await context.send(
      contract,
      () => contract.propose(target, data, descriptionHash(description)),
      options,
    );
    for (const log of receipt.logs as readonly {
      address: string;
      topics: readonly string[];
      data: string;
    }[]) {
      if (log.address.toLowerCase() !== address.toLowerCase()) continue;
      const parsed = (contract.interface as Interface).parseLog({
        topics: [...log.topics],
        data: log.data,
      });
      if (parsed?.name === "ProposalCreated")
        return {
          proposalId: parsed.args.proposalId as bigint,
          transactionHash: receipt.hash,
        };
    }
    throw new Error(`transaction ${receipt.hash} created no proposal`);
  }

  /** Proposes a registry governance call by name, e.g. `propose("suspendMember", [3], "suspend supplier 3")`. */
  function propose<F extends GovernanceFunction>(
    fn: F,
    args: GovernanceArgs<F>,
    description: string,
    options?: SendOptions,
  ): Promise<{ proposalId: bigint; transactionHash: string }> {
    return proposeCall(address, encodeGovernance(fn, args), description, options);
  }

  /** Decodes a proposal's call for display: `suspendMember(3)`; other targets show their selector. */
  function describeCall(target: string, data: string): string {
    if (target.toLowerCase() === address.toLowerCase()) {
      try {
        const parsed = contract.interface.parseTransaction({ data });
        if (parsed !== null) return `${parsed.name}(${parsed.args.map((value) => String(value)).join(", ")})`;
      } catch {
        // fall through to the raw selector
      }
    }
    const contractName = Object.entries(context.deployment.contracts).find(
      ([, entry]) => entry.address.toLowerCase() === target.toLowerCase(),
    )?.[0];
    return `${contractName ?? getAddress(target)}:${data.slice(0, 10)}`;
  }

  async function proposal(proposalId: BigNumberish): Promise<ProposalInfo> {
    const [record, block] = await Promise.all([contract.proposal(proposalId), context.provider.getBlock("latest")]);
    const status = PROPOSAL_STATUS[Number(record.status)];
    return {
      id: BigInt(proposalId),
      proposer: Number(record.proposer),
      status,
      approvals: Number(record.approvals),
      expiresAt: Number(record.expiresAt),
      expired: status === "Pending" && block !== null && block.timestamp > Number(record.expiresAt),
      target: record.target,
      data: record.data,
      descriptionHash: record.descriptionHash,
      call: status === "None" ? "" : describeCall(record.target, record.data),
    };
  }

  /** Every proposal from id 1 up, in pages of `pageSize` parallel reads; `pending` keeps open ones only. */
  async function proposals(options: { pending?: boolean; pageSize?: number } = {}): Promise<ProposalInfo[]> {
    const pageSize = options.pageSize ?? 25;
    const found: ProposalInfo[] = [];
    for (let first = 1; ; first += pageSize) {
      const page = await Promise.all(Array.from({ length: pageSize }, (_, index) => proposal(first + index)));
      const existing = page.filter((entry) => entry.status !== "None");
      found.push(...existing);
      if (existing.length < pageSize) break;
    }
    return options.pending === true ? found.filter((entry) => entry.status === "Pending" && !entry.expired) : found;
  }

  /** The implementation a suite contract's proxy runs now (its ERC-1967 slot). */
  async function implementation(contractName: string): Promise<string> {
    const word = await context.provider.getStorage(context.address(contractName), IMPLEMENTATION_SLOT);
    return getAddress(`0x${word.slice(-40)}`);
  }

  /**
   * A suite contract's implementation history, oldest first: every `Upgraded` event of its proxy since the contract's
   * deployment block, each with the upgrade proposal executed in the same transaction (its source commit and bytecode
   * hash, as voted on). The query API answers the same from the index: `GET /contracts/{name}/implementations`.
   */
  async function implementations(contractName: string): Promise<ImplementationRecord[]> {
    const proxy = SuiteProxy__factory.connect(context.address(contractName), context.provider);
    const logs = await proxy.queryFilter(proxy.filters.Upgraded(), context.deployment.contracts[contractName].block);
    const executed = contract.interface.getEvent("ProposalExecuted").topicHash;
    return Promise.all(
      logs.map(async (log): Promise<ImplementationRecord> => {
        const [block, receipt] = await Promise.all([
          context.provider.getBlock(log.blockNumber),
          context.provider.getTransactionReceipt(log.transactionHash),
        ]);
        const execution = receipt?.logs.find(
          (l) => l.address.toLowerCase() === address.toLowerCase() && l.topics[0] === executed && l.index > log.index,
        );
        let upgrade: ImplementationRecord["upgrade"];
        if (execution !== undefined) {
          const proposalId = BigInt(execution.topics[1]);
          const recorded = await contract.upgradeProposal(proposalId);
          if (recorded.proxy !== ZeroAddress && getAddress(recorded.implementation) === getAddress(log.args[0]))
            upgrade = { proposalId, sourceCommit: recorded.sourceCommit, bytecodeHash: recorded.bytecodeHash };
        }
        return {
          implementation: getAddress(log.args[0]),
          blockNumber: log.blockNumber,
          timestamp: block?.timestamp ?? 0,
          transactionHash: log.transactionHash,
          upgrade,
        };
      }),
    );
  }

  return {
    contract,
    address,
    implementation,
    implementations,
    member,
    members,
    memberOf,
    findMember,
    authorize,
    isAuthorized: (account: string, roles: bigint | RoleName) =>
      contract.isAuthorized(account, typeof roles === "bigint" ? roles : Roles[roles]),
    threshold: async () => Number(await contract.threshold()),
    encodeGovernance,
    propose,
    proposeCall,
    approve: (proposalId: BigNumberish, options?: SendOptions) =>
      context.send(contract, () => contract.approve(proposalId), options),
    execute: (proposalId: BigNumberish, options?: SendOptions) =>
      context.send(contract, () => contract.execute(proposalId), options),
    cancel: (proposalId: BigNumberish, options?: SendOptions) =>
      context.send(contract, () => contract.cancel(proposalId), options),
    /** Starts the delay of an upgrade whose vote passed without an approval reaching the threshold. */
    scheduleUpgrade: (proposalId: BigNumberish, options?: SendOptions) =>
      context.send(contract, () => contract.scheduleUpgrade(proposalId), options),
    hasApproved: (proposalId: BigNumberish, memberId: number) => contract.hasApproved(proposalId, memberId),
    proposal,
    proposals,
  };
}

const roleList = (value: string): string => {
  const names = roleNames(BigInt(value));
  return names.length === 0 ? value : names.join("|");
};

export default defineClient({
  contracts: { ConsortiumRegistry: ConsortiumRegistry__factory },
  enums: {
    "IConsortiumRegistry.MemberKind": MEMBER_KIND,
    "IConsortiumRegistry.MemberStatus": MEMBER_STATUS,
    "IConsortiumRegistry.AccountStatus": ACCOUNT_STATUS,
    "IConsortiumRegistry.AccessLevel": ACCESS_LEVEL,
    "IConsortiumRegistry.ProposalStatus": PROPOSAL_STATUS,
  },
  messages: {
    BootstrapOver: (p) => `bootstrap is over (or ${p.caller} is not the bootstrapper)`,
    OnlyGovernance: (p) => `only a passed governance proposal may do this (called by ${p.caller})`,
    BytecodeMismatch: (p) => `implementation ${p.implementation} has code hash ${p.actual}, not ${p.expected}`,
    UpgradeNotYetExecutable: (p) =>
      BigInt(p.executableAt) === 0n
        ? `upgrade proposal ${p.proposalId} has no execution time yet: its delay starts when its vote passes ` +
          `(scheduleUpgrade, if it passed without an approval reaching the threshold)`
        : `upgrade proposal ${p.proposalId} may execute from ${p.executableAt} (unix time)`,
    NotAnUpgrade: (p) => `proposal ${p.proposalId} is not an upgrade proposal`,
    UpgradeAlreadyScheduled: (p) => `upgrade proposal ${p.proposalId} is already scheduled, from ${p.executableAt}`,
    UpgradeNeedsProposeUpgrade: (p) => `propose the upgrade of ${p.target} with proposeUpgrade, not propose`,
    UnknownAccount: (p) => `account ${p.account} belongs to no member`,
    UnknownMember: (p) => `member ${p.memberId} does not exist`,
    AccountNotActive: (p) => `account ${p.account} is ${p.status}`,
    AccessLevelTooLow: (p) => `account ${p.account} has access level ${p.level}; ${p.required} is required`,
    MemberNotActive: (p) => `member ${p.memberId} is ${p.status}`,
    MissingRole: (p) => `member ${p.memberId} lacks role ${roleList(p.role)}`,
    AccountTaken: (p) => `account ${p.account} already belongs to member ${p.memberId} (or is a system contract)`,
    NotMemberAdmin: (p) => `${p.caller} is not an admin account of member ${p.memberId}`,
    LimitReached: (p) => `member ${p.memberId} reached the limit of ${p.limit}`,
    InvalidTransition: (p) => `status transition ${p.from} -> ${p.to} is not allowed`,
    InvalidRoles: (p) => `role set ${roleList(p.roles)} is not valid for a ${p.kind} member`,
    InvalidValue: (p) => `invalid value: ${p.field}`,
    UnsafeThreshold: (p) =>
      `threshold ${p.threshold} is unsafe for ${p.voters} active voters (needs a strict majority, at most all)`,
    WouldBreakQuorum: (p) =>
      `the change would leave ${p.votersAfter} active voters, fewer than the threshold ${p.threshold}`,
    ProposalNotPending: (p) => `proposal ${p.proposalId} does not exist or is not pending`,
    ProposalExpired: (p) => `proposal ${p.proposalId} expired at ${new Date(Number(p.expiresAt) * 1000).toISOString()}`,
    AlreadyApproved: (p) => `member ${p.memberId} already approved proposal ${p.proposalId}`,
    ThresholdNotMet: (p) =>
      `proposal ${p.proposalId} has ${p.approvals} approvals from active voters; ${p.threshold} needed`,
    NotProposer: (p) => `member ${p.memberId} did not make proposal ${p.proposalId}`,
    ProposalCallFailed: (p) => `proposal ${p.proposalId}'s call failed: ${p.reason}`,
    UnknownNode: (p) => `node ${p.nodeId} is not registered for member ${p.memberId}`,
  },
  create: createRegistryClient,
});
