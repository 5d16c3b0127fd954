import { expect } from "chai";
import { appendFile, cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { ContractFactory, JsonRpcProvider, Wallet } from "ethers";
import { rebuildAtCommit, type Rebuild } from "../../src/upgrades/rebuild.js";
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
  async function deployImplementation(source: string, name: string, artifacts = "artifacts"): Promise<string> {
    const artifact = JSON.parse(await readFile(join(artifacts, source, `${name}.json`), "utf8")) as {
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
    // The approval that passed the vote started the (zero) delay: there is nothing left to schedule.
    const again = await net.run(["upgrade", "schedule", proposed.proposalId], { as: "bankB" });
    expect(again.code).to.equal(1);
    expect(again.stderr).to.include(`upgrade proposal ${proposed.proposalId} is already scheduled`);
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

  describe("verify --rebuild: the contract built from the proposal's source commit", function () {
    // Each rebuild compiles the whole (trimmed) project of the member's clone below.
    this.timeout(600_000);
    let repo: string;
    const commits = {} as Record<"same" | "edited" | "otherCompiler", string>;
    const git = async (...args: string[]) => (await execa("git", ["-C", repo, ...args])).stdout.trim();
    const commit = async (message: string) => {
      await git("add", "-A");
      await git("-c", "user.name=test", "-c", "user.email=test@example.org", "commit", "-qm", message);
      return git("rev-parse", "HEAD");
    };
    let release: Rebuild;
    const propose = async (sourceCommit: string) => {
      const implementation = await deployImplementation(
        "contracts/credit/CreditBlacklist.sol",
        "CreditBlacklist",
        release.artifacts,
      );
      const proposed = await net.json<{ proposalId: string }>(
        ["upgrade", "propose", "CreditBlacklist", "--implementation", implementation, "--commit", sourceCommit],
        { as: "bankA" },
      );
      return proposed.proposalId;
    };

    before(async () => {
      // A member's clone: the suite's sources as they are now (the build the implementation comes from), committed;
      // then a commit that changes a comment of the contract (same code, other metadata hash), then a commit that pins
      // another compiler.
      // Only the sources CreditBlacklist is built from (its folder and the platform it imports): a rebuild compiles the
      // whole project it finds, and three compiles of all 89 suite sources were this file's largest cost in CI. What
      // is checked does not change: the release build and every rebuild compile the same project.
      repo = await mkdtemp(join(tmpdir(), "consortia-rebuild-repo-"));
      for (const path of [
        "contracts/credit",
        "contracts/platform",
        "hardhat.config.ts",
        "package.json",
        "package-lock.json",
      ])
        await cp(path, join(repo, path), { recursive: true });
      await symlink(resolve("node_modules"), join(repo, "node_modules"), "dir");
      await writeFile(join(repo, ".gitignore"), "node_modules\nartifacts\ncache\n");
      await git("init", "-q");
      commits.same = await commit("v1");
      await appendFile(join(repo, "contracts/credit/CreditBlacklist.sol"), "// reviewed\n");
      commits.edited = await commit("a comment");
      const lock = JSON.parse(await readFile(join(repo, "package-lock.json"), "utf8")) as {
        packages: Record<string, { version: string }>;
      };
      lock.packages["node_modules/solc"].version = "0.8.29";
      await writeFile(join(repo, "package-lock.json"), JSON.stringify(lock));
      commits.otherCompiler = await commit("another compiler");
      // The implementation proposed is the release build of the first commit, as the runbook makes it: a working
      // tree's artifacts after incremental builds can carry other metadata hashes (other remappings per build job).
      release = await rebuildAtCommit({ repo, commit: commits.same, source: "contracts/credit/CreditBlacklist.sol" });
    });

    after(async () => {
      await release?.cleanup();
      if (repo !== undefined) await rm(repo, { recursive: true, force: true });
    });

    it("passes when the implementation is the build of its commit, and leaves nothing behind", async () => {
      const id = await propose(commits.same);
      const verified = await net.json<{ matchesLocalBuild: boolean; hashAsVoted: boolean; builtFrom: string }>([
        "upgrade",
        "verify",
        id,
        "--rebuild",
        "--repo",
        repo,
      ]);
      expect(verified).to.deep.include({
        matchesLocalBuild: true,
        hashAsVoted: true,
        builtFrom: `commit ${commits.same}`,
      });
      expect(await git("status", "--porcelain")).to.equal("");
    });

    it("fails (exit 1) when the commit's source differs from what the implementation was built from", async () => {
      const run = await net.run(["upgrade", "verify", await propose(commits.edited), "--rebuild", "--repo", repo]);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include(`is not the build of CreditBlacklist as of commit ${commits.edited}`);
    });

    it("refuses a commit the repository lacks, and one that pins other Solidity inputs, before compiling", async () => {
      const missing = "ab".repeat(20);
      const absent = await net.run(["upgrade", "verify", await propose(missing), "--rebuild", "--repo", repo]);
      expect(absent.code).to.equal(1);
      expect(absent.stderr).to.include(`commit ${missing} is not in the git repository at ${repo}`);
      const other = await net.run([
        "upgrade",
        "verify",
        await propose(commits.otherCompiler),
        "--rebuild",
        "--repo",
        repo,
      ]);
      expect(other.code).to.equal(1);
      expect(other.stderr).to.match(/pins other Solidity inputs than those installed .*solc 0\.8\.29 vs 0\.8\.30/);
    });
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
