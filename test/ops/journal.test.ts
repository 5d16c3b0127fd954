import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { cp, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readDeployment, type Deployment } from "@consortia/sdk";
import { runHardhat } from "../helpers/commands.js";
import { startNode, type NodeProcess } from "../helpers/node-process.js";

/**
 * Ignition's journal is keyed by deployment id; with the chain id alone, a deploy to a fresh dev chain with the same
 * id (1337) resumed the previous chain's journal and failed on contracts that are not there. The default id now
 * carries the genesis hash, and a legacy `chain-<id>` journal is resumed only on the chain its contracts are on.
 */
describe("deploy: Ignition journals of restarted chains with the same chain id", function () {
  this.timeout(300_000);
  let dir: string;
  let nodes: NodeProcess[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "consortia-journal-"));
  });

  after(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    nodes = [];
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const journals = () => join(dir, "ignition", "deployments");
  const deploy = async (
    node: NodeProcess,
    deployments: string,
  ): Promise<{ stdout: string; deployment: Deployment }> => {
    const { stdout } = await runHardhat(
      ["deploy", "--network", "localhost", "--founders", "config/founders.local.json", "--deployments", deployments],
      { CONSORTIA_LOCAL_RPC_URL: node.url, CONSORTIA_IGNITION_DIR: join(dir, "ignition") },
    );
    return { stdout, deployment: await readDeployment(join(deployments, "1337.json")) };
  };
  const genesisId = async (node: NodeProcess): Promise<string> => {
    const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
    const genesis = await provider.getBlock(0);
    provider.destroy();
    return `chain-1337-${genesis!.hash!.slice(2, 10)}`;
  };
  const allHaveCode = async (node: NodeProcess, deployment: Deployment): Promise<boolean> => {
    const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
    const codes = await Promise.all(Object.values(deployment.contracts).map((c) => provider.getCode(c.address)));
    provider.destroy();
    return codes.every((code) => code !== "0x");
  };

  it("journals under chain-<id>-<genesis>, resumes a legacy journal of the same chain, leaves another chain's alone", async () => {
    const a = await startNode();
    nodes.push(a);
    const first = await deploy(a, join(dir, "a"));
    const idA = await genesisId(a);
    expect(await readdir(journals())).to.deep.equal([idA]);
    expect(await allHaveCode(a, first.deployment)).to.equal(true);

    // A journal under the legacy id, written by this very chain: resumed, nothing deployed twice.
    await cp(join(journals(), idA), join(journals(), "chain-1337"), { recursive: true });
    const resumed = await deploy(a, join(dir, "a2"));
    expect(resumed.stdout).to.contain(`resuming the journal ${join(journals(), "chain-1337")}`);
    expect(resumed.deployment.contracts).to.deep.equal(first.deployment.contracts);

    // A fresh chain with the same chain id (the dev chain restarted): both earlier journals are left alone.
    await a.stop();
    const b = await startNode();
    nodes.push(b);
    const legacyBefore = await readFile(join(journals(), "chain-1337", "journal.jsonl"), "utf8");
    const fresh = await deploy(b, join(dir, "b"));
    expect(fresh.stdout).to.contain(`leaving the journal ${join(journals(), "chain-1337")} alone`);
    const idB = await genesisId(b);
    expect(idB).not.to.equal(idA);
    expect((await readdir(journals())).sort()).to.deep.equal(["chain-1337", idA, idB].sort());
    expect(await readFile(join(journals(), "chain-1337", "journal.jsonl"), "utf8")).to.equal(legacyBefore);
    expect(await allHaveCode(b, fresh.deployment)).to.equal(true);
    expect(fresh.stdout).to.contain("seeded 3 founding members");

    // The same fresh chain again: its own journal resumes.
    const again = await deploy(b, join(dir, "b2"));
    expect(again.deployment.contracts).to.deep.equal(fresh.deployment.contracts);
    expect(again.stdout).to.contain("bootstrap had ended");
  });
});
