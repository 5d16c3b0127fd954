/**
 * Freeze orders by a court or regulator (FreezeOrders): a regulator account proposes, a second regulator account
 * approves (two-person rule), or a governance vote orders it; released the same way; lapsed at expiry without any
 * action. Frozen value (a receivable certificate, an account's deposit tokens, a forfaiting claim) cannot move.
 * The order document and the authority stay off chain: only their hashes are recorded.
 */
import { keccak256, toUtf8Bytes, type Interface, type ContractTransactionReceipt } from "ethers";
import { ConsortiumRegistry__factory } from "../typechain/factories/platform/ConsortiumRegistry__factory.js";
import { FreezeOrders__factory } from "../typechain/factories/platform/FreezeOrders__factory.js";
import type { FreezeOrders } from "../typechain/platform/FreezeOrders.js";
import { defineClient, type ClientContext, type SendOptions } from "./define.js";

/** What an order freezes (IFreezeOrders.ScopeKind). */
export const FreezeScopeKind = { None: 0, Certificate: 1, Tokens: 2, Claim: 3 } as const;
export type FreezeScopeKindName = Exclude<keyof typeof FreezeScopeKind, "None">;
/** An order's status (IFreezeOrders.OrderStatus); `Expired` is an `Active` order past its expiry. */
export const FREEZE_STATUSES = ["None", "Proposed", "Active", "Released", "Cancelled", "Lapsed"] as const;
export type FreezeStatus = (typeof FREEZE_STATUSES)[number] | "Expired";
export const FREEZE_PATHS = ["None", "Regulators", "Governance"] as const;

/** A scope: `amount` 0n freezes all of the target. */
export interface FreezeScope {
  kind: number;
  /** The contract that holds the value: the certificate contract, the deposit token, or the forfaiting market. */
  asset: string;
  /** Claim scopes only: the claim's contract (a letter of credit); zero address otherwise. */
  claimContract: string;
  /** The certificate id, the account (as a number), or the claim id. */
  id: bigint;
  amount: bigint;
}

/** An order as read from the chain. */
export interface FreezeOrderView {
  orderId: bigint;
  scope: FreezeScope;
  referenceHash: string;
  authorityHash: string;
  expiry: number;
  status: FreezeStatus;
  path: (typeof FREEZE_PATHS)[number];
  proposer: string;
  approver: string;
  releaseProposer: string;
  releaseApprover: string;
  proposedAt: number;
  activatedAt: number;
  releasedAt: number;
}

const ZERO = "0x0000000000000000000000000000000000000000";

/** The hash recorded for an order document or an authority's name (the clear text never goes on chain). */
export function freezeReferenceHash(text: string): string {
  return keccak256(toUtf8Bytes(text));
}

export type FreezeClient = ReturnType<typeof createFreezeClient>;

function createFreezeClient(context: ClientContext) {
  const contract: FreezeOrders = context.connect("FreezeOrders", FreezeOrders__factory);
  const address = context.address("FreezeOrders");
  const send = (tx: () => ReturnType<FreezeOrders["lapse"]>, options?: SendOptions) =>
    context.send(contract, tx, options);

  function orderId(receipt: ContractTransactionReceipt, name: string): bigint {
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() !== address.toLowerCase()) continue;
      const parsed = (contract.interface as Interface).parseLog(log);
      if (parsed?.name === name) return parsed.args.orderId as bigint;
    }
    throw new Error(`no ${name} event in ${receipt.hash}`);
  }

  async function propose(target: string, data: string, description: string, options?: SendOptions) {
    const registry = context.connect("ConsortiumRegistry", ConsortiumRegistry__factory);
    const registryAddress = context.address("ConsortiumRegistry");
    const receipt = await context.send(
      registry,
      () => registry.propose(target, data, keccak256(toUtf8Bytes(description))),
      options,
    );
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() !== registryAddress.toLowerCase()) continue;
      const parsed = (registry.interface as Interface).parseLog(log);
      if (parsed?.name === "ProposalCreated") return { proposalId: parsed.args.proposalId as bigint, receipt };
    }
    throw new Error(`no ProposalCreated event in ${receipt.hash}`);
  }

  async function order(id: bigint): Promise<FreezeOrderView> {
    const [o, block] = await Promise.all([contract.order(id), context.provider.getBlock("latest")]);
    let status: FreezeStatus = FREEZE_STATUSES[Number(o.status)];
    if (status === "Active" && block !== null && block.timestamp >= Number(o.expiry)) status = "Expired";
    return {
      orderId: id,
      scope: {
        kind: Number(o.scope.kind),
        asset: o.scope.asset,
        claimContract: o.scope.claimContract,
        id: o.scope.id,
        amount: o.scope.amount,
      },
      referenceHash: o.referenceHash,
      authorityHash: o.authorityHash,
      expiry: Number(o.expiry),
      status,
      path: FREEZE_PATHS[Number(o.path)],
      proposer: o.proposer,
      approver: o.approver,
      releaseProposer: o.releaseProposer,
      releaseApprover: o.releaseApprover,
      proposedAt: Number(o.proposedAt),
      activatedAt: Number(o.activatedAt),
      releasedAt: Number(o.releasedAt),
    };
  }

  return {
    contract,
    address,
    // --- scopes
    /** A receivable certificate (all of it with amount 0n). */
    certificateScope: (tokenId: bigint, amount = 0n): FreezeScope => ({
      kind: FreezeScopeKind.Certificate,
      asset: context.address("ReceivableCertificate"),
      claimContract: ZERO,
      id: tokenId,
      amount,
    }),
    /** An account's deposit tokens (all of them with amount 0n). */
    tokensScope: (account: string, amount = 0n): FreezeScope => ({
      kind: FreezeScopeKind.Tokens,
      asset: context.address("DepositToken"),
      claimContract: ZERO,
      id: BigInt(account),
      amount,
    }),
    /** A claim traded in the forfaiting market (a letter of credit's accepted presentation by default). */
    claimScope: (claimId: bigint, claimContract = context.address("LetterOfCredit")): FreezeScope => ({
      kind: FreezeScopeKind.Claim,
      asset: context.address("ForfaitingMarket"),
      claimContract,
      id: claimId,
      amount: 0n,
    }),
    // --- regulators (two-person rule)
    /** A regulator account proposes a freeze; returns the order id. */
    async propose(
      scope: FreezeScope,
      referenceHash: string,
      authorityHash: string,
      expiry: number,
      options?: SendOptions,
    ) {
      const receipt = await send(() => contract.propose(scope, referenceHash, authorityHash, expiry), options);
      return { orderId: orderId(receipt, "FreezeProposed"), receipt };
    },
    /** A second regulator account approves: the order takes effect. */
    approve: (id: bigint, options?: SendOptions) => send(() => contract.approve(id), options),
    /** The proposer withdraws a proposal not approved yet. */
    cancel: (id: bigint, options?: SendOptions) => send(() => contract.cancel(id), options),
    /** A regulator account proposes to release an order in force. */
    proposeRelease: (id: bigint, options?: SendOptions) => send(() => contract.proposeRelease(id), options),
    /** A second regulator account releases it. */
    approveRelease: (id: bigint, options?: SendOptions) => send(() => contract.approveRelease(id), options),
    /** Any member tidies up an order past its expiry (it stopped freezing at its expiry). */
    lapse: (id: bigint, options?: SendOptions) => send(() => contract.lapse(id), options),
    // --- governance
    /** Proposes a freeze to the consortium's vote (it takes effect when the proposal executes). */
    proposeFreezeByVote: (
      scope: FreezeScope,
      referenceHash: string,
      authorityHash: string,
      expiry: number,
      description: string,
      options?: SendOptions,
    ) =>
      propose(
        address,
        contract.interface.encodeFunctionData("executeByGovernance", [scope, referenceHash, authorityHash, expiry]),
        description,
        options,
      ),
    /** Proposes a release to the consortium's vote. */
    proposeReleaseByVote: (id: bigint, description: string, options?: SendOptions) =>
      propose(address, contract.interface.encodeFunctionData("releaseByGovernance", [id]), description, options),
    // --- reads
    order,
    orderCount: () => contract.orderCount(),
    isInForce: (id: bigint) => contract.isInForce(id),
    /** What the orders in force freeze on a target now (2^256-1 when one freezes all of it). */
    frozenAmount: (scope: Pick<FreezeScope, "asset" | "claimContract" | "id">) =>
      contract.frozenAmount(scope.asset, scope.claimContract, scope.id),
    activeOrders: (scope: Pick<FreezeScope, "asset" | "claimContract" | "id">) =>
      contract.activeOrders(scope.asset, scope.claimContract, scope.id),
    isRegulator: (account: string) => contract.isRegulator(account),
  };
}

export default defineClient({
  contracts: { FreezeOrders: FreezeOrders__factory },
  messages: {
    FreezeNotRegulator: (p) => `${p.account} is not an active account of a regulator`,
    FreezeSameRegulator: (p) =>
      `${p.account} proposed order ${p.orderId}: a second regulator account must approve (two-person rule)`,
    FreezeWrongStatus: (p) => `order ${p.orderId} is ${FREEZE_STATUSES[Number(p.status)] ?? p.status}`,
    FreezeExpired: (p) => `order ${p.orderId} expired at ${p.expiry}`,
    FreezeNoReleaseProposed: (p) => `no release of order ${p.orderId} was proposed`,
    FreezeNotExpired: (p) => `order ${p.orderId} runs until ${p.expiry}`,
    FreezeValueNotThere: (p) => `order ${p.orderId}: the target holds ${p.available}, not ${p.amount} (moved?)`,
    FreezeInvalidScope: (p) => `scope of kind ${p.kind} on ${p.asset} is not one this register freezes`,
    FreezeTooManyOrders: (p) => `${p.asset} target ${p.id} already has the most active orders`,
    FreezeInvalid: (p) => `invalid ${p.field}`,
    FreezeUnknownOrder: (p) => `no freeze order ${p.orderId}`,
    AssetFrozen: (p) => `${p.frozen} of target ${p.id} is frozen by a court or regulator order; it cannot move`,
  },
  create: createFreezeClient,
});
