import { expect } from "chai";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, Wallet } from "ethers";
import { readDeployment } from "@consortia/sdk";
import { ConsortiumRegistry__factory } from "@consortia/sdk/typechain";
import { anvilGenesisArgs, startAnvil } from "../../src/local/anvil.js";
import type { NodeProcess } from "../../src/local/node.js";
import { FUNDED_BALANCE, type Genesis } from "../../src/network/genesis.js";
import type { NetworkSummary } from "../../src/network/init.js";
import { startIndexerAndApi } from "../../src/api/start.js";
import { parseConfig } from "../../src/indexer/config.js";
import { freePort } from "../../src/local/node.js";
import { runConsortia } from "../helpers/commands.js";
import { startVoteRecorder } from "./fixtures.js";

const FOUNDERS_FILE = "config/founders.local.json";
/** Hardhat's public development keys of Local Bank A and B's admins in config/founders.local.json (test chains only). */
const BANK_A_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const BANK_B_KEY = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
const CHAIN_ID = 24_680;
const GAS_LIMIT = 90_000_000n;

/**
 * The genesis `consortia network init` writes boots a second EVM implementation (Anvil, `--init`), which takes its
 * chain id and alloc; `consortia deploy` then deploys the whole suite on it with the deployer the genesis names.
 */
describe("network: the generated genesis boots Anvil and the suite deploys on it", function () {
  this.timeout(300_000);
  const deployer = Wallet.createRandom();
  let dir: string;
  let node: NodeProcess;
  let genesis: Genesis;
  let summary: NetworkSummary;
  let provider: JsonRpcProvider;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "consortia-anvil-genesis-"));
    const out = join(dir, "network");
    // A paid-gas genesis so that the alloc is not empty; the node itself accepts gas price 0 as the suite sends.
    summary = JSON.parse(
      await runConsortia([
        "network",
        "init",
        "--json",
        ...["--validators", "4", "--members", FOUNDERS_FILE, "--out", out, "--deployer", deployer.address],
        ...["--chain-id", String(CHAIN_ID), "--gas-limit", GAS_LIMIT.toString(), "--min-gas-price", "1"],
      ]),
    ) as NetworkSummary;
    const genesisPath = join(out, "genesis.json");
    genesis = JSON.parse(await readFile(genesisPath, "utf8")) as Genesis;
    // A block every second, as QBFT makes them: nothing below may assume a transaction is mined before the next.
    node = await startAnvil([...(await anvilGenesisArgs(genesisPath)), "--block-time", "1"]);
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
  });

  after(async () => {
    provider?.destroy();
    await node?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("answers the genesis chain id, block gas limit and timestamp", async () => {
    expect(summary.chainId).to.equal(CHAIN_ID);
    expect(Number(await provider.send("eth_chainId", []))).to.equal(CHAIN_ID);
    const block0 = (await provider.send("eth_getBlockByNumber", ["0x0", false])) as {
      gasLimit: string;
      timestamp: string;
    };
    expect(BigInt(block0.gasLimit)).to.equal(GAS_LIMIT);
    expect(block0.timestamp).to.equal(genesis.timestamp);
  });

  it("funds exactly the genesis alloc: the deployer and the founders' admins", async () => {
    const admins = (JSON.parse(await readFile(FOUNDERS_FILE, "utf8")) as { members: { admin: string }[] }).members;
    expect(Object.keys(genesis.alloc)).to.have.length(1 + admins.length);
    expect(await provider.getBalance(deployer.address)).to.equal(FUNDED_BALANCE);
    for (const { admin } of admins) expect(await provider.getBalance(admin)).to.equal(FUNDED_BALANCE);
    expect(await provider.send("eth_accounts", [])).to.deep.equal([]);
  });

  it("deploys the suite with `consortia deploy` and seeds the founders", async () => {
    const deployments = join(dir, "deployments");
    await runConsortia(["deploy", "--rpc", node.url, "--founders", FOUNDERS_FILE, "--deployments", deployments], {
      CONSORTIA_PRIVATE_KEY: deployer.privateKey,
      CONSORTIA_IGNITION_DIR: join(dir, "ignition"),
    });
    const deployment = await readDeployment(join(deployments, `${CHAIN_ID}.json`));
    expect(deployment.chainId).to.equal(CHAIN_ID);
    const registry = ConsortiumRegistry__factory.connect(deployment.contracts.ConsortiumRegistry.address, provider);
    expect(await registry.memberCount()).to.equal(3n);
    expect(await registry.threshold()).to.equal(2n);
    // Gas price 0 throughout: the deployer's genesis balance is untouched.
    expect(await provider.getBalance(deployer.address)).to.equal(FUNDED_BALANCE);
  });

  describe("validator votes from the CLI, after the suite is deployed", () => {
    const consortia = async (
      key: string | undefined,
      args: string[],
    ): Promise<{ code: number; stdout: string; stderr: string }> => {
      const env: Record<string, string> = { CONSORTIA_RPC_URL: node.url };
      if (key !== undefined) env.CONSORTIA_PRIVATE_KEY = key;
      return runConsortia(["--json", "--deployments", join(dir, "deployments"), ...args], env).then(
        (stdout) => ({ code: 0, stdout, stderr: "" }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    };

    it("registers a node, proposes its addition, refuses the vote until executed, then sends it", async () => {
      const [first] = summary.nodes;
      const registered = await consortia(BANK_A_KEY, ["network", "register-node", first.enode]);
      expect(registered.code, registered.stderr).to.equal(0);
      expect(JSON.parse(registered.stdout)).to.include({ address: first.address });

      const proposed = await consortia(BANK_A_KEY, ["network", "propose-validator", "add", first.address]);
      expect(proposed.code, proposed.stderr).to.equal(0);
      const { proposalId } = JSON.parse(proposed.stdout) as { proposalId: string };

      const early = await consortia(undefined, ["network", "add-validator", first.address, "--proposal", proposalId]);
      expect(early.code).to.equal(1);
      expect(early.stderr).to.match(/is pending, not executed/);

      for (const [key, verb] of [
        [BANK_B_KEY, "approve"],
        [BANK_A_KEY, "execute"],
      ] as const) {
        const step = await consortia(key, ["member", verb, proposalId]);
        expect(step.code, step.stderr).to.equal(0);
      }

      const wrong = await consortia(undefined, [
        "network",
        "remove-validator",
        first.address,
        "--proposal",
        proposalId,
      ]);
      expect(wrong.code).to.equal(1);
      expect(wrong.stderr).to.match(/is not the decision/);

      const recorder = await startVoteRecorder();
      try {
        const sent = await consortia(undefined, [
          ...["network", "add-validator", first.address, "--proposal", proposalId],
          ...["--send", recorder.url, "--send", `${recorder.url}/second`],
        ]);
        expect(sent.code, sent.stderr).to.equal(0);
        const vote = { jsonrpc: "2.0", id: 1, method: "qbft_proposeValidatorVote", params: [first.address, true] };
        expect(recorder.received).to.deep.equal([vote, vote]);
        const printed = await consortia(undefined, [
          "network",
          "add-validator",
          first.address,
          "--proposal",
          proposalId,
        ]);
        expect(JSON.parse(printed.stdout)).to.deep.include({ request: vote });
      } finally {
        await recorder.close();
      }
    });
  });

  // After the CLI flow (mocha runs nested suites after this suite's own tests): its proposal must be indexed.
  describe("indexing", () => {
    it("the indexer, run over this chain of 1 s blocks, holds what the chain holds", async () => {
      const deployments = join(dir, "deployments", `${CHAIN_ID}.json`);
      const services = await startIndexerAndApi(
        parseConfig({
          apiAuth: "off",
          rpcUrl: node.url,
          deployments,
          dataDir: join(dir, "pglite"),
          apiPort: await freePort(),
          pollIntervalMs: 250,
          logLevel: "warn",
          progress: "log",
        }),
      );
      try {
        const head = await provider.getBlockNumber();
        const deadline = Date.now() + 60_000;
        let ready: { ready: boolean; indexedBlock: number } = { ready: false, indexedBlock: 0 };
        while (!(ready.ready && ready.indexedBlock >= head)) {
          expect(Date.now(), `indexer not at block ${head}: ${JSON.stringify(ready)}`).to.be.lessThan(deadline);
          await new Promise((resolve) => setTimeout(resolve, 250));
          ready = (await (await fetch(`${services.url}/ready`)).json()) as typeof ready;
        }
        const deployment = await readDeployment(deployments);
        const registry = ConsortiumRegistry__factory.connect(deployment.contracts.ConsortiumRegistry.address, provider);
        const members = (await (await fetch(`${services.url}/members`)).json()) as { items: { name: string }[] };
        const count = Number(await registry.memberCount());
        const names = await Promise.all(
          Array.from({ length: count }, async (_, index) => (await registry.member(index + 1)).name),
        );
        expect(members.items.map((member) => member.name).sort()).to.deep.equal(names.sort());
        const proposals = (await (await fetch(`${services.url}/proposals`)).json()) as {
          items: { id: string; status: string }[];
        };
        expect(proposals.items).to.have.length(1);
        const onChain = await registry.proposal(proposals.items[0].id);
        expect(proposals.items[0].status).to.equal(
          ["None", "Pending", "Executed", "Cancelled"][Number(onChain.status)],
        );
        expect(proposals.items[0].status).to.equal("Executed");
      } finally {
        await services.stop();
      }
    });
  });
});
