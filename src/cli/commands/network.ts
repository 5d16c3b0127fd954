/** `consortia network ...`: bootstrap a Besu or GoQuorum QBFT network (see README.md "Running a consortium network"). */
import { resolve } from "node:path";
import type { Command } from "commander";
import { readFounders } from "../../deploy/founders.js";
import { BESU_IMAGE } from "../../network/compose.js";
import { CLIENTS, FORKS, type Client, type Fork } from "../../network/genesis.js";
import { initNetwork, OutputNotEmptyError } from "../../network/init.js";
import {
  enodeAddress,
  requireValidatorDecision,
  sendVote,
  validatorDecision,
  VALIDATOR_ACTIONS,
  voteRequest,
  type ValidatorAction,
  type ValidatorDecision,
} from "../../network/validators.js";
import type { Cli } from "../context.js";
import { UsageError } from "../errors.js";
import { table } from "../output.js";
import { collect, parseAddress, parseCount, parseId, parseIndex } from "../parse.js";
import { progress } from "./shared.js";

/** Defaults of `network init`: a 2 s block, rounds that time out well after it, EIP-170's code size. */
export const NETWORK_DEFAULTS = {
  chainId: "15150",
  blockPeriod: "2",
  requestTimeout: "10",
  epochLength: "30000",
  gasLimit: "100000000",
  contractSizeLimit: "24576",
  fork: "berlin",
  minGasPrice: "0",
  client: "besu",
  rpcHost: "127.0.0.1",
} as const;

interface InitFlags {
  validators: string;
  members: string;
  out: string;
  deployer: string;
  chainId: string;
  blockPeriod: string;
  requestTimeout: string;
  epochLength: string;
  gasLimit: string;
  contractSizeLimit: string;
  fork: string;
  minGasPrice: string;
  client: string;
  rpcHost: string;
  image: string;
  p2pHosts?: string;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`unknown ${what} "${value}": expected ${allowed.join(" or ")}`);
  }
  return value as T;
}

async function init(c: Cli, flags: InitFlags): Promise<void> {
  const founders = await readFounders(resolve(flags.members)).catch((error: Error) => {
    throw new UsageError(error.message);
  });
  const out = resolve(flags.out);
  c.out.progress(`generating ${flags.validators} node keys and the network files in ${out}…`);
  const result = await initNetwork({
    out,
    client: oneOf<Client>(flags.client, CLIENTS, "client"),
    validators: parseCount(flags.validators, "validator count"),
    founders,
    deployer: parseAddress(flags.deployer, "deployer address"),
    rpcHost: flags.rpcHost,
    image: flags.image,
    p2pHosts: flags.p2pHosts?.split(",").map((host) => host.trim()),
    chain: {
      chainId: parseCount(flags.chainId, "chain id"),
      blockPeriodSeconds: parseCount(flags.blockPeriod, "block period"),
      requestTimeoutSeconds: parseCount(flags.requestTimeout, "request timeout"),
      epochLength: parseCount(flags.epochLength, "epoch length"),
      gasLimit: parseIndex(flags.gasLimit, "gas limit"),
      contractSizeLimit: parseCount(flags.contractSizeLimit, "contract size limit"),
      fork: oneOf<Fork>(flags.fork, FORKS, "fork"),
      minGasPrice: parseIndex(flags.minGasPrice, "minimum gas price"),
      timestamp: Math.floor(Date.now() / 1000),
    },
  }).catch((error: Error) => {
    throw error instanceof RangeError || error instanceof OutputNotEmptyError ? new UsageError(error.message) : error;
  });
  c.out.result({ out, files: result.files, ...result.summary }, () =>
    [
      `chain ${result.summary.chainId} (${result.summary.client}), ${result.summary.nodes.length} validators -> ${out}`,
      table(result.summary.nodes, ["name", "operator", "address", "rpc"]),
      `Next: read ${resolve(out, "README.md")}. Node keys are secrets (0600): back them up encrypted, never commit them.`,
    ].join("\n"),
  );
}

/** The decision to `action` `validator` on the node's chain and deployment's registry. */
async function decisionFor(c: Cli, action: ValidatorAction, validator: string): Promise<ValidatorDecision> {
  const deployment = await c.deployment();
  return validatorDecision(
    deployment.chainId,
    deployment.contracts.ConsortiumRegistry.address,
    action,
    parseAddress(validator, "validator address"),
  );
}

async function vote(
  c: Cli,
  action: ValidatorAction,
  validator: string,
  flags: { proposal: string; client: string; send?: string[] },
): Promise<void> {
  const client = oneOf<Client>(flags.client, CLIENTS, "client");
  const decision = await decisionFor(c, action, validator);
  const proposalId = parseId(flags.proposal, "proposal id");
  const { registry } = await c.consortia();
  c.out.progress(`checking proposal ${proposalId} in the registry…`);
  await requireValidatorDecision(registry, proposalId, decision);
  const request = voteRequest(client, decision);
  const nodes = flags.send ?? [];
  if (nodes.length === 0) {
    c.out.result({ proposalId, decision, request }, () =>
      [
        `proposal ${proposalId} decided to ${action} validator ${decision.validator}. Each validator sends to its own node:`,
        `curl -s -X POST -H 'content-type: application/json' --data '${JSON.stringify(request)}' <its RPC URL>`,
        "(or run this command with --send <its RPC URL>). The change takes effect once more than half of the validators voted.",
      ].join("\n"),
    );
    return;
  }
  const results = await sendVote(nodes, request);
  c.out.result({ proposalId, decision, request, results }, () => table(results.map((result) => ({ ...result }))));
  const failed = results.filter((result) => !result.ok);
  if (failed.length > 0) throw new Error(`${failed.length} of ${results.length} nodes did not take the vote`);
}

export function register(program: Command, cli: () => Cli): void {
  const network = program.command("network").description("bootstrap and steer a Besu or GoQuorum QBFT network");
  const d = NETWORK_DEFAULTS;
  network
    .command("init")
    .description("write node keys, a QBFT genesis, node configs, static nodes, allowlists and docker-compose.yml")
    .requiredOption("--validators <n>", "number of validator nodes")
    .requiredOption("--members <file>", "founders file (as for `consortia deploy --founders`): allowlisted accounts")
    .requiredOption("--out <dir>", "directory to create (must be absent or empty)")
    .requiredOption("--deployer <address>", "account that will deploy the suite (allowlisted; funded if gas is paid)")
    .option("--chain-id <id>", "chain id", d.chainId)
    .option("--block-period <seconds>", "QBFT block period", d.blockPeriod)
    .option("--request-timeout <seconds>", "QBFT round timeout", d.requestTimeout)
    .option("--epoch-length <blocks>", "QBFT epoch (votes reset)", d.epochLength)
    .option("--gas-limit <gas>", "block gas limit", d.gasLimit)
    .option("--contract-size-limit <bytes>", "largest contract", d.contractSizeLimit)
    .option("--fork <name>", `EVM rules: ${FORKS.join(" or ")} (London: zero base fee; Besu only)`, d.fork)
    .option("--min-gas-price <wei>", "lowest gas price the nodes accept (0: free gas)", d.minGasPrice)
    .option("--client <name>", `node software: ${CLIENTS.join(" or ")}`, d.client)
    .option("--rpc-host <ip>", "the operator's interface: the only one JSON-RPC listens on", d.rpcHost)
    .option("--p2p-hosts <ips>", "comma-separated IP address of each node's host (default: all nodes on one host)")
    .option("--image <ref>", "Besu image for docker-compose.yml (default: the pinned official image)", BESU_IMAGE)
    .action((flags: InitFlags) => init(cli(), flags));

  network
    .command("register-node")
    .argument("<enode>", "enode://<node id>@<host>:<port> of a node your member runs")
    .description("register one of your member's nodes in the registry (allowlists and validator votes follow it)")
    .action(async (enode: string) => {
      const c = cli();
      const address = enodeAddress(enode);
      if (address === undefined)
        throw new UsageError(`malformed enode URL "${enode}": expected enode://<128 hex>@host:port`);
      const { registry } = await c.consortia({ sign: true });
      c.out.progress(`registering node ${address}…`);
      const receipt = await (await registry.contract.addNode(enode)).wait();
      c.out.result(
        { enode, address, transactionHash: receipt?.hash },
        () => `registered ${enode} (validator address ${address})`,
      );
    });

  network
    .command("propose-validator")
    .argument("<action>", VALIDATOR_ACTIONS.join(" or "))
    .argument("<validator>", "the validator's (node's) address")
    .description("propose the governance decision to add or remove a QBFT validator")
    .action(async (action: string, validator: string) => {
      const c = cli();
      const decision = await decisionFor(c, oneOf<ValidatorAction>(action, VALIDATOR_ACTIONS, "action"), validator);
      const { registry } = await c.consortia({ sign: true });
      const { proposalId, transactionHash } = await registry.proposeCall(
        decision.target,
        decision.data,
        decision.description,
        progress(c, `proposing to ${decision.action} validator ${decision.validator}`),
      );
      c.out.result(
        { proposalId, transactionHash, description: decision.description },
        () =>
          `proposal ${proposalId} created (tx ${transactionHash}): ${decision.description}. Voters approve with \`consortia member approve ${proposalId}\`; once executed, run \`consortia network ${decision.action}-validator ${decision.validator} --proposal ${proposalId}\`.`,
      );
    });

  for (const action of VALIDATOR_ACTIONS) {
    network
      .command(`${action}-validator`)
      .argument("<validator>", "the validator's (node's) address")
      .requiredOption("--proposal <id>", "the executed registry proposal that decided it")
      .option("--client <name>", `node software: ${CLIENTS.join(" or ")}`, d.client)
      .option(
        "--send <url>",
        "send the vote to this validator node's JSON-RPC (repeatable); default: print it",
        collect,
      )
      .description(`the QBFT vote to ${action} a validator, once the registry decided it`)
      .action((validator: string, flags: { proposal: string; client: string; send?: string[] }) =>
        vote(cli(), action, validator, flags),
      );
  }
}
