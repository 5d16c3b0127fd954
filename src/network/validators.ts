/**
 * QBFT validator votes that follow the consortium's governance. A validator change is decided by a registry proposal
 * whose description names the change exactly (action, validator, chain, registry) and whose call is a read of the
 * registry (`threshold()`), so passing it changes nothing but the record. Only an executed decision that no later
 * executed decision about the same validator reverses yields the votes each validator then sends to its own node
 * (`qbft_proposeValidatorVote` on Besu, `istanbul_propose` on GoQuorum).
 */
import { computeAddress, getAddress } from "ethers";
import { descriptionHash, type ProposalInfo, type RegistryClient } from "@consortia/sdk";
import { ConsortiumRegistry__factory } from "@consortia/sdk/typechain/factories/platform/ConsortiumRegistry__factory.js";
import type { Client } from "./genesis.js";

export const VALIDATOR_ACTIONS = ["add", "remove"] as const;
export type ValidatorAction = (typeof VALIDATOR_ACTIONS)[number];

/** What a decision proposal calls: a read, so executing it records the decision and changes nothing else. */
const DECISION_CALL = ConsortiumRegistry__factory.createInterface().encodeFunctionData("threshold");
/** Each client's vote method: the same parameters (validator address, true to add). */
const VOTE_METHOD: Record<Client, string> = { besu: "qbft_proposeValidatorVote", goquorum: "istanbul_propose" };

export interface ValidatorDecision {
  action: ValidatorAction;
  validator: string;
  chainId: number;
  registry: string;
  /** The proposal's description; its keccak256 goes on chain. */
  description: string;
  descriptionHash: string;
  target: string;
  data: string;
}

/** A validator change cannot be voted: no such decision, not (yet) taken, reversed, or for a party without standing. */
export class ValidatorDecisionError extends Error {
  override name = "ValidatorDecisionError";
}

/** The decision to `action` `validator` on this chain's registry, as a proposal states it. */
export function validatorDecision(
  chainId: number,
  registry: string,
  action: ValidatorAction,
  validator: string,
): ValidatorDecision {
  const address = getAddress(validator);
  const target = getAddress(registry);
  const description = `consortia qbft-validator v1: ${action} ${address} on chain ${chainId}, registry ${target}`;
  return {
    action,
    validator: address,
    chainId,
    registry: target,
    description,
    descriptionHash: descriptionHash(description),
    target,
    data: DECISION_CALL,
  };
}

const opposite = (action: ValidatorAction): ValidatorAction => (action === "add" ? "remove" : "add");

function states(proposal: ProposalInfo, decision: ValidatorDecision): boolean {
  return (
    proposal.descriptionHash === decision.descriptionHash &&
    proposal.target.toLowerCase() === decision.target.toLowerCase() &&
    proposal.data === decision.data
  );
}

/** The validator address of an enode URL (the address of its node key). */
export function enodeAddress(enode: string): string | undefined {
  const match = /^enode:\/\/([0-9a-fA-F]{128})@/.exec(enode);
  return match === null ? undefined : computeAddress(`0x04${match[1]}`);
}

/**
 * Checks that proposal `proposalId` is `decision`, executed, and not reversed by a later executed decision about the
 * same validator; for an addition, that the validator is a node an active member has registered. Returns the
 * proposal; throws `ValidatorDecisionError` otherwise.
 */
export async function requireValidatorDecision(
  registry: RegistryClient,
  proposalId: bigint,
  decision: ValidatorDecision,
): Promise<ProposalInfo> {
  const what = `${decision.action} validator ${decision.validator}`;
  const proposal = await registry.proposal(proposalId);
  if (proposal.status === "None") throw new ValidatorDecisionError(`there is no proposal ${proposalId}`);
  if (!states(proposal, decision)) {
    throw new ValidatorDecisionError(
      `proposal ${proposalId} is not the decision to ${what} on chain ${decision.chainId} (create it with \`consortia network propose-validator ${decision.action} ${decision.validator}\`)`,
    );
  }
  if (proposal.status !== "Executed") {
    const state = proposal.expired ? "expired" : proposal.status.toLowerCase();
    throw new ValidatorDecisionError(
      `proposal ${proposalId} to ${what} is ${state}, not executed: no vote before it passes`,
    );
  }
  const reversal = validatorDecision(
    decision.chainId,
    decision.registry,
    opposite(decision.action),
    decision.validator,
  );
  const later = (await registry.proposals()).find(
    (other) => other.id > proposalId && other.status === "Executed" && states(other, reversal),
  );
  if (later !== undefined) {
    throw new ValidatorDecisionError(
      `proposal ${proposalId} to ${what} was reversed by proposal ${later.id} (${reversal.action}): vote that one instead`,
    );
  }
  if (decision.action === "add") await requireActiveOperator(registry, decision.validator);
  return proposal;
}

/** An added validator must be a node of a member that is active now (a suspended member gains no validator). */
async function requireActiveOperator(registry: RegistryClient, validator: string): Promise<void> {
  for (const member of await registry.members()) {
    if (member.nodeCount === 0) continue;
    const enodes = await registry.contract.nodesOf(member.id);
    if (!enodes.some((enode) => enodeAddress(enode) === validator)) continue;
    if (member.status === "Active") return;
    throw new ValidatorDecisionError(
      `validator ${validator} is a node of ${member.name}, which is ${member.status.toLowerCase()}: no vote to add it`,
    );
  }
  throw new ValidatorDecisionError(
    `validator ${validator} is no registered node of any member: its operator registers the enode first (\`consortia network register-node\`)`,
  );
}

export interface JsonRpcRequest {
  jsonrpc: "2.0";
  id: number;
  method: string;
  params: [string, boolean];
}

/** The JSON-RPC request that casts this node's vote for `decision`. */
export function voteRequest(client: Client, decision: ValidatorDecision): JsonRpcRequest {
  return {
    jsonrpc: "2.0",
    id: 1,
    method: VOTE_METHOD[client],
    params: [decision.validator, decision.action === "add"],
  };
}

export interface VoteResult {
  node: string;
  ok: boolean;
  /** The node's answer, or why it gave none. */
  detail: string;
}

/** Sends `request` to each node's JSON-RPC; one node's failure does not stop the others. */
export async function sendVote(
  nodes: readonly string[],
  request: JsonRpcRequest,
  timeoutMs = 15_000,
): Promise<VoteResult[]> {
  return Promise.all(
    nodes.map(async (node): Promise<VoteResult> => {
      try {
        const response = await fetch(node, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(request),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const body = (await response.json()) as { result?: unknown; error?: { message?: string } };
        if (body.error !== undefined)
          return { node, ok: false, detail: body.error.message ?? JSON.stringify(body.error) };
        // Besu answers true, GoQuorum null: the vote is queued for the node's next block proposals.
        return { node, ok: true, detail: JSON.stringify(body.result ?? null) };
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause;
        return { node, ok: false, detail: cause?.code ?? (error as Error).message };
      }
    }),
  );
}
