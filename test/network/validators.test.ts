import { expect } from "chai";
import { Wallet } from "ethers";
import { network } from "hardhat";
import { createConsortia, type RegistryClient } from "@consortia/sdk";
import { deployPlatform, passProposal, proposeAndGetId, type Platform } from "../helpers/consortium.js";
import { platformDeployment } from "../helpers/deployment.js";
import { enodeUrl, generateNodeKey } from "../../src/network/keys.js";
import {
  enodeAddress,
  requireValidatorDecision,
  sendVote,
  validatorDecision,
  ValidatorDecisionError,
  voteRequest,
  type ValidatorAction,
  type ValidatorDecision,
} from "../../src/network/validators.js";
import { rejection } from "../helpers/rejection.js";
import { startVoteRecorder, type VoteRecorder } from "./fixtures.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

interface Fixture {
  platform: Platform;
  registry: RegistryClient;
  chainId: number;
  /** A node bankA registered in the registry. */
  bankANode: string;
  /** A node of bankC (suspended in some tests). */
  bankCNode: string;
}

async function fixture(): Promise<Fixture> {
  const platform = await deployPlatform(connection);
  await platform.finishBootstrap();
  const deployment = await platformDeployment(platform);
  const nodes = [generateNodeKey(), generateNodeKey()];
  await platform.registry.connect(platform.accounts.bankA).addNode(enodeUrl(nodes[0].nodeId, "10.0.0.1", 30303));
  await platform.registry.connect(platform.accounts.bankC).addNode(enodeUrl(nodes[1].nodeId, "10.0.0.3", 30303));
  const { registry } = await createConsortia({ runner: ethers.provider, deployment });
  return { platform, registry, chainId: deployment.chainId, bankANode: nodes[0].address, bankCNode: nodes[1].address };
}

describe("network: QBFT validator votes follow registry decisions", function () {
  this.timeout(120_000);

  const decide = (f: Fixture, action: ValidatorAction, validator: string, chainId = f.chainId): ValidatorDecision =>
    validatorDecision(chainId, f.registry.address, action, validator);

  /** Proposes `decision` from bankA and returns the id, leaving it pending. */
  const propose = (f: Fixture, decision: ValidatorDecision): Promise<bigint> =>
    proposeAndGetId(f.platform, f.platform.registry, decision.data, decision.description);

  /** Passes a proposal of `data` with `description` (bankA proposes, bankB and the regulator approve: 3 of 5); its id. */
  async function passCall(f: Fixture, data: string, description: string): Promise<bigint> {
    const { registry, accounts } = f.platform;
    const id = await proposeAndGetId(f.platform, registry, data, description);
    await registry.connect(accounts.bankB).approve(id);
    await registry.connect(accounts.regulator).approve(id);
    await registry.connect(accounts.bankA).execute(id);
    return id;
  }

  const pass = (f: Fixture, decision: ValidatorDecision): Promise<bigint> =>
    passCall(f, decision.data, decision.description);

  async function refusal(f: Fixture, id: bigint, decision: ValidatorDecision): Promise<string> {
    const error = await rejection(requireValidatorDecision(f.registry, id, decision));
    expect(error).to.be.instanceOf(ValidatorDecisionError);
    return error.message;
  }

  it("names action, validator, chain and registry in the decision; any change gives another hash", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const add = decide(f, "add", f.bankANode);
    expect(add.description).to.contain(`add ${f.bankANode} on chain ${f.chainId}, registry ${f.registry.address}`);
    const others = [
      decide(f, "remove", f.bankANode),
      decide(f, "add", f.bankCNode),
      decide(f, "add", f.bankANode, f.chainId + 1),
      validatorDecision(f.chainId, Wallet.createRandom().address, "add", f.bankANode),
    ];
    for (const other of others) expect(other.descriptionHash).to.not.equal(add.descriptionHash);
  });

  it("accepts an executed decision and yields each client's vote", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const decision = decide(f, "add", f.bankANode);
    const id = await pass(f, decision);
    const proposal = await requireValidatorDecision(f.registry, id, decision);
    expect(proposal.status).to.equal("Executed");
    expect(voteRequest("besu", decision)).to.deep.equal({
      jsonrpc: "2.0",
      id: 1,
      method: "qbft_proposeValidatorVote",
      params: [f.bankANode, true],
    });
    const removal = decide(f, "remove", f.bankANode);
    expect(voteRequest("goquorum", removal)).to.include({ method: "istanbul_propose" });
    expect(voteRequest("goquorum", removal).params).to.deep.equal([f.bankANode, false]);
  });

  it("refuses a pending proposal: no vote before the consortium decided", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const decision = decide(f, "add", f.bankANode);
    const id = await propose(f, decision);
    expect(await refusal(f, id, decision)).to.match(/is pending, not executed/);
  });

  it("refuses an expired proposal and a cancelled one", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const decision = decide(f, "add", f.bankANode);
    const expired = await propose(f, decision);
    await networkHelpers.time.increase(Number(await f.platform.registry.votingPeriod()) + 1);
    expect(await refusal(f, expired, decision)).to.match(/is expired/);
    const cancelled = await propose(f, decision);
    await f.platform.registry.connect(f.platform.accounts.bankA).cancel(cancelled);
    expect(await refusal(f, cancelled, decision)).to.match(/is cancelled/);
  });

  it("refuses a proposal that decided something else: another validator, action, chain, or any other call", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const decision = decide(f, "add", f.bankANode);
    const id = await pass(f, decision);
    for (const other of [
      decide(f, "add", f.bankCNode),
      decide(f, "remove", f.bankANode),
      decide(f, "add", f.bankANode, f.chainId + 1),
    ]) {
      expect(await refusal(f, id, other)).to.match(/is not the decision/);
    }
    // Same description, another call: a decision proposal calls nothing but the read.
    const registry = f.platform.registry;
    const sameCall = registry.interface.encodeFunctionData("setVotingPeriod", [await registry.votingPeriod()]);
    const disguised = await passCall(f, sameCall, decision.description);
    expect(await refusal(f, disguised, decision)).to.match(/is not the decision/);
  });

  it("refuses a proposal id that does not exist", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    expect(await refusal(f, 999n, decide(f, "add", f.bankANode))).to.match(/no proposal 999/);
  });

  it("refuses a decision a later executed decision reversed, and accepts the later one", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const add = decide(f, "add", f.bankANode);
    const remove = decide(f, "remove", f.bankANode);
    const added = await pass(f, add);
    const removed = await pass(f, remove);
    expect(await refusal(f, added, add)).to.match(new RegExp(`reversed by proposal ${removed}`));
    await requireValidatorDecision(f.registry, removed, remove);
    // A pending reversal does not count: only executed decisions do.
    const readded = await pass(f, add);
    await propose(f, remove);
    await requireValidatorDecision(f.registry, readded, add);
  });

  it("refuses to add a validator that is no registered node of any member", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const stranger = generateNodeKey().address;
    const decision = decide(f, "add", stranger);
    const id = await pass(f, decision);
    expect(await refusal(f, id, decision)).to.match(/no registered node/);
  });

  it("refuses to add a node of a suspended member, but removes one", async () => {
    const f = await networkHelpers.loadFixture(fixture);
    const add = decide(f, "add", f.bankCNode);
    const id = await pass(f, add);
    const { registry, ids } = f.platform;
    await passProposal(f.platform, registry, registry.interface.encodeFunctionData("suspendMember", [ids.bankC]));
    expect(await refusal(f, id, add)).to.match(/bankC, which is suspended/);
    const remove = decide(f, "remove", f.bankCNode);
    await requireValidatorDecision(f.registry, await pass(f, remove), remove);
  });

  it("reads the validator address from an enode URL", () => {
    const key = generateNodeKey();
    expect(enodeAddress(enodeUrl(key.nodeId, "10.0.0.9", 30303))).to.equal(key.address);
    expect(enodeAddress("enode://abc@10.0.0.9:30303")).to.equal(undefined);
  });

  describe("sending votes", () => {
    let recorder: VoteRecorder;

    before(async () => {
      recorder = await startVoteRecorder();
    });

    after(async () => {
      await recorder?.close();
    });

    it("sends the vote to every node and reports each node's answer; one failure does not stop the others", async () => {
      const decision = validatorDecision(1337, Wallet.createRandom().address, "add", generateNodeKey().address);
      const request = voteRequest("besu", decision);
      const unreachable = "http://127.0.0.1:1";
      const results = await sendVote([recorder.url, `${recorder.url}/refuse`, unreachable], request, 5_000);
      expect(results.map((result) => result.ok)).to.deep.equal([true, false, false]);
      expect(results[1].detail).to.equal("Method not found");
      expect(recorder.received).to.deep.equal([request, request]);
    });
  });
});
