import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readDeployment } from "@consortia/sdk";
import { ConsortiumRegistry__factory } from "@consortia/sdk/typechain";
import { runHardhat } from "../helpers/commands.js";
import { startNode, type NodeProcess } from "../helpers/node-process.js";

describe("deployment over a real JSON-RPC node", function () {
  this.timeout(180_000);
  let node: NodeProcess;
  let dir: string;

  before(async () => {
    node = await startNode();
    dir = await mkdtemp(join(tmpdir(), "consortia-deploy-"));
  });

  after(async () => {
    await node?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const deploy = () =>
    runHardhat(["deploy", "--network", "localhost", "--founders", "config/founders.local.json", "--deployments", dir], {
      CONSORTIA_LOCAL_RPC_URL: node.url,
      CONSORTIA_IGNITION_DIR: join(dir, "ignition"),
    });

  it("deploys with the deploy command, writes deployments/<chainId>.json and seeds the founders", async () => {
    const { stdout } = await deploy();
    expect(stdout).to.contain("seeded 3 founding members");
    const deployment = await readDeployment(join(dir, "1337.json"));
    expect(deployment.chainId).to.equal(1337);
    expect(Object.keys(deployment.contracts)).to.include.members([
      "ConsortiumRegistry",
      "DepositToken",
      "PaymentLedger",
      "ConsortiumCalendar",
      "ApprovalProcesses",
    ]);

    const provider = new JsonRpcProvider(node.url);
    const registry = ConsortiumRegistry__factory.connect(deployment.contracts.ConsortiumRegistry.address, provider);
    expect(await registry.memberCount()).to.equal(3n);
    expect(await registry.threshold()).to.equal(2n);
    const bankA = await registry.member(1);
    expect(bankA.name).to.equal("Local Bank A");
    const code = await provider.getCode(
      deployment.contracts.DepositToken.address,
      deployment.contracts.DepositToken.block,
    );
    expect(code).to.not.equal("0x");
    expect(deployment.deploymentBlock).to.be.greaterThan(0);
    // The approvals contract issues e-certificates in a department's name: the deployment registered it.
    expect(await registry.isSystemContract(deployment.contracts.ApprovalProcesses.address)).to.equal(true);
    provider.destroy();
  });

  it("never deploys twice: a second run reports what exists", async () => {
    const before = await readFile(join(dir, "1337.json"), "utf8");
    const { stdout } = await deploy();
    expect(stdout).to.contain("bootstrap had ended");
    expect(await readFile(join(dir, "1337.json"), "utf8")).to.equal(before);
  });

  it("exports the registry as Besu and GoQuorum allowlists", async () => {
    const provider = new JsonRpcProvider(node.url);
    const deployment = await readDeployment(join(dir, "1337.json"));
    const bankAdmin = await provider.getSigner(1);
    const registry = ConsortiumRegistry__factory.connect(deployment.contracts.ConsortiumRegistry.address, bankAdmin);
    const enode = `enode://${"ab".repeat(64)}@10.0.0.1:30303`;
    await (await registry.addNode(enode)).wait();
    provider.destroy();

    const out = join(dir, "permissioning");
    await runHardhat(["permissioning", "--network", "localhost", "--out", out, "--deployments", dir], {
      CONSORTIA_LOCAL_RPC_URL: node.url,
    });
    const toml = await readFile(join(out, "permissions_config.toml"), "utf8");
    expect(toml).to.match(/accounts-allowlist=\["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"/);
    expect(toml).to.contain(`nodes-allowlist=["${enode}"]`);
    expect(JSON.parse(await readFile(join(out, "permissioned-nodes.json"), "utf8"))).to.deep.equal([enode]);
  });
});
