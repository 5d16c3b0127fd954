import { expect } from "chai";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ContractFactory, JsonRpcProvider, Wallet } from "ethers";
import { appsNetwork, KEYS, type AppsNetwork } from "./apps.harness.js";

const COMMIT = "53d651c0e1d8a1b2c3d4e5f60718293a4b5c6d7e";

interface Status {
  contracts: { name: string; proxy: string; implementation: string }[];
  proposals: { id: string; status: string; contract: string; implementation: string }[];
}

describe("cli: upgrade commands against a real node", function () {
  this.timeout(180_000);
  let net: AppsNetwork;
  let registry: string;

  /** Deploys an implementation from the local build, built for the deployment's registry. */
  async function deployImplementation(source: string, name: string): Promise<string> {
    const artifact = JSON.parse(await readFile(join("artifacts", source, `${name}.json`), "utf8")) as {
      abi: [];
      bytecode: string;
    };
    const deployer = new Wallet(KEYS.deployer, new JsonRpcProvider(net.node.url));
    const contract = await new ContractFactory(artifact.abi, artifact.bytecode, deployer).deploy(registry);
    await contract.waitForDeployment();
    return contract.getAddress();
  }

  before(async () => {
    net = await appsNetwork();
    const deployment = JSON.parse(await readFile(join(net.deployments, "1337.json"), "utf8")) as {
      contracts: Record<string, { address: string }>;
    };
    registry = deployment.contracts.ConsortiumRegistry.address;
  });

  it("status, propose, verify against the local build, vote, and status shows the new implementation", async () => {
    const before = await net.json<Status>(["upgrade", "status"]);
    const blacklist = before.contracts.find((c) => c.name === "CreditBlacklist")!;
    expect(before.contracts.map((c) => c.name)).to.include.members(["ConsortiumRegistry", "DepositToken"]);

    const implementation = await deployImplementation("contracts/credit/CreditBlacklist.sol", "CreditBlacklist");
    const proposed = await net.json<{ proposalId: string; codeHash: string }>(
      ["upgrade", "propose", "CreditBlacklist", "--implementation", implementation, "--commit", COMMIT],
      { as: "bankA" },
    );
    const verified = await net.json<{ matchesLocalBuild: boolean; hashAsVoted: boolean; commit: string }>([
      "upgrade",
      "verify",
      proposed.proposalId,
    ]);
    expect(verified).to.deep.include({ matchesLocalBuild: true, hashAsVoted: true, commit: `0x${COMMIT}` });

    await net.json(["member", "approve", proposed.proposalId], { as: "bankB" });
    await net.json(["member", "execute", proposed.proposalId], { as: "bankB" });
    const after = await net.json<Status>(["upgrade", "status"]);
    const upgraded = after.contracts.find((c) => c.name === "CreditBlacklist")!;
    expect(upgraded.proxy).to.equal(blacklist.proxy);
    expect(upgraded.implementation).to.equal(implementation);
    expect(after.proposals.find((p) => p.id === proposed.proposalId)).to.deep.include({
      status: "Executed",
      contract: "CreditBlacklist",
      implementation,
    });
  });

  it("verify fails (exit 1) for an implementation that is not the local build of the contract it upgrades", async () => {
    const implementation = await deployImplementation("contracts/mocks/CreditBlacklistV2.sol", "CreditBlacklistV2");
    const proposed = await net.json<{ proposalId: string }>(
      ["upgrade", "propose", "CreditBlacklist", "--implementation", implementation, "--commit", COMMIT],
      { as: "bankA" },
    );
    const run = await net.run(["upgrade", "verify", proposed.proposalId]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/is not the local build of CreditBlacklist in artifacts/);
  });

  it("refuses to propose for an unknown contract or an account without code, before sending anything", async () => {
    const unknown = await net.run(["upgrade", "propose", "Nope", "--implementation", registry, "--commit", COMMIT], {
      as: "bankA",
    });
    expect(unknown.code).to.not.equal(0);
    expect(unknown.stderr).to.match(/Nope is not an upgradeable suite contract/);
    const empty = await net.run(
      ["upgrade", "propose", "CreditBlacklist", "--implementation", `0x${"12".repeat(20)}`, "--commit", COMMIT],
      { as: "bankA" },
    );
    expect(empty.code).to.not.equal(0);
    expect(empty.stderr).to.match(/has no code/);
  });
});
