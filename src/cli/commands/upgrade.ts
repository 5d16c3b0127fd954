/** `consortia upgrade ...`: upgrades of suite contracts by consortium vote (propose, verify, status). */
import type { Command } from "commander";
import { getAddress, keccak256, toUtf8Bytes, ZeroAddress } from "ethers";
import { IMPLEMENTATION_SLOT, UPGRADEABLE_SOURCES } from "../../upgrades/contracts.js";
import { compareWithBuild, readArtifact } from "../../upgrades/verify.js";
import { PACKAGE_ROOT, type Cli } from "../context.js";
import { readFound } from "../found.js";
import { details, table } from "../output.js";
import { parseAddress, parseId } from "../parse.js";
import { progress, receiptSummary } from "./shared.js";

type UpgradeableName = keyof typeof UPGRADEABLE_SOURCES;

/** When an upgrade may run: its delay starts when its vote passes, so there is no time before that. */
const executableAt = (at: bigint): string =>
  at === 0n ? "after the vote passes, plus the delay" : new Date(Number(at) * 1000).toISOString();

function upgradeableName(name: string): UpgradeableName {
  if (!(name in UPGRADEABLE_SOURCES)) {
    throw new Error(`${name} is not an upgradeable suite contract (${Object.keys(UPGRADEABLE_SOURCES).join(", ")})`);
  }
  return name as UpgradeableName;
}

/** The deployed contracts behind suite proxies, with the implementation each runs now. */
async function proxies(c: Cli): Promise<{ name: UpgradeableName; proxy: string; implementation: string }[]> {
  const [deployment, provider] = await Promise.all([c.deployment(), c.provider()]);
  const names = Object.keys(deployment.contracts).filter((name) => name in UPGRADEABLE_SOURCES) as UpgradeableName[];
  return Promise.all(
    names.map(async (name) => {
      const proxy = deployment.contracts[name].address;
      const word = await provider.getStorage(proxy, IMPLEMENTATION_SLOT);
      return { name, proxy, implementation: getAddress(`0x${word.slice(26)}`) };
    }),
  );
}

export function register(program: Command, cli: () => Cli): void {
  const upgrade = program
    .command("upgrade")
    .description("upgrade suite contracts by consortium vote: propose, verify what is voted on, schedule, status");

  upgrade
    .command("propose")
    .argument("<contract>", "the suite contract to upgrade, by name (e.g. CreditBlacklist, ConsortiumRegistry)")
    .requiredOption("--implementation <address>", "the new implementation, deployed")
    .requiredOption("--commit <sha>", "the git commit the implementation was built from (40 hex digits)")
    .option("--migration <calldata>", "a call the upgrade runs once (a reinitializer of the new version)", "0x")
    .option("--description <text>", "what the proposal is for (its hash goes on chain)")
    .description("propose an upgrade; records the implementation's code hash and source commit (voters)")
    .action(
      async (
        name: string,
        options: { implementation: string; commit: string; migration: string; description?: string },
      ) => {
        const contract = upgradeableName(name);
        const implementation = parseAddress(options.implementation, "implementation");
        if (!/^(0x)?[0-9a-fA-F]{40}$/.test(options.commit))
          throw new Error("--commit: 40 hex digits (a git commit id)");
        const commit = `0x${options.commit.replace(/^0x/, "").toLowerCase()}`;
        const c = cli();
        const proxy = (await c.deployment()).contracts[contract].address;
        const code = await (await c.provider()).getCode(implementation);
        if (code === "0x") throw new Error(`${implementation} has no code`);
        const codeHash = keccak256(code);
        const description = options.description ?? `upgrade ${contract} to ${implementation} (commit ${commit})`;
        const { registry } = await c.consortia({ sign: true });
        const label = `proposing the upgrade of ${contract}`;
        const sending = progress(c, label);
        const tx = await registry.contract.proposeUpgrade(
          proxy,
          implementation,
          commit,
          codeHash,
          options.migration,
          keccak256(toUtf8Bytes(description)),
        );
        sending.onSent?.(tx.hash);
        const receipt = (await tx.wait())!;
        const event = receipt.logs
          .map((log) => registry.contract.interface.parseLog(log))
          .find((parsed) => parsed?.name === "UpgradeProposed");
        const proposalId = event!.args.proposalId as bigint;
        c.out.result(
          { proposalId, contract, proxy, implementation, commit, codeHash, description, ...receiptSummary(receipt) },
          () =>
            `upgrade proposal ${proposalId}: ${contract} -> ${implementation} (code hash ${codeHash}); ` +
            `members check it with \`consortia upgrade verify ${proposalId}\`, then approve`,
        );
      },
    );

  upgrade
    .command("schedule")
    .argument("<proposalId>", "an upgrade proposal whose vote passed")
    .description(
      "start the delay of an upgrade whose vote passed without an approval reaching the threshold (any member)",
    )
    .action(async (idText: string) => {
      const c = cli();
      const id = parseId(idText, "proposal id");
      const { registry } = await c.consortia({ sign: true });
      const receipt = await registry.scheduleUpgrade(id, progress(c, `scheduling upgrade proposal ${id}`));
      const { executableAt: at } = await registry.contract.upgradeProposal(id);
      const result = { proposalId: id, executableAt: executableAt(at), ...receiptSummary(receipt) };
      c.out.result(result, () => `upgrade proposal ${id} may execute from ${result.executableAt}`);
    });

  upgrade
    .command("verify")
    .argument("<proposalId>", "an upgrade proposal")
    .option("--artifacts <dir>", "the local build to compare with (build the proposal's commit first)", "artifacts")
    .option("--rebuild", "build the contract from the proposal's source commit, taken from the git repository --repo")
    .option("--repo <dir>", "the suite's git repository, dependencies installed (with --rebuild)", PACKAGE_ROOT)
    .description("check that an upgrade proposal's implementation is the build of the contract it upgrades")
    .action(async (idText: string, options: { artifacts: string; rebuild?: boolean; repo: string }) => {
      const c = cli();
      const id = parseId(idText, "proposal id");
      const { registry } = await c.consortia();
      const proposal = await readFound(
        "upgrade proposal",
        id,
        () => registry.contract.upgradeProposal(id),
        (recorded) => recorded.proxy !== ZeroAddress,
      );
      const target = (await proxies(c)).find((p) => p.proxy.toLowerCase() === proposal.proxy.toLowerCase());
      if (target === undefined)
        throw new Error(`proposal ${id} upgrades ${proposal.proxy}, not a deployed suite proxy`);
      const code = await (await c.provider()).getCode(proposal.implementation);
      const source = UPGRADEABLE_SOURCES[target.name];
      // Imported here, not when the CLI starts: the rebuild (and execa) serves only this command.
      const rebuildAtCommit = options.rebuild ? (await import("../../upgrades/rebuild.js")).rebuildAtCommit : undefined;
      const rebuild = rebuildAtCommit
        ? await rebuildAtCommit({ repo: options.repo, commit: proposal.sourceCommit, source, progress: c.out.progress })
        : undefined;
      const built = rebuild?.artifacts ?? options.artifacts;
      const artifact = await readArtifact(built, source, target.name).finally(() => rebuild?.cleanup());
      const { matches, codeHash } = compareWithBuild(code, artifact);
      const hashAsVoted = codeHash === proposal.bytecodeHash;
      const result = {
        proposalId: id,
        contract: target.name,
        implementation: proposal.implementation,
        commit: proposal.sourceCommit,
        codeHash,
        hashAsVoted,
        builtFrom: rebuild === undefined ? options.artifacts : `commit ${proposal.sourceCommit.slice(2)}`,
        matchesLocalBuild: matches,
        delaySeconds: Number(proposal.delay),
        executableAt: executableAt(proposal.executableAt),
      };
      c.out.result(result, () => details(result));
      if (!matches || !hashAsVoted) {
        throw new Error(
          !hashAsVoted
            ? `the implementation's code hash ${codeHash} is not the one proposed (${proposal.bytecodeHash})`
            : rebuild !== undefined
              ? `the implementation is not the build of ${target.name} as of commit ` +
                `${proposal.sourceCommit.slice(2)}: do not approve`
              : `the implementation is not the local build of ${target.name} in ${options.artifacts}: ` +
                `build commit ${proposal.sourceCommit.slice(2)} and verify again, or do not approve`,
        );
      }
    });

  upgrade
    .command("status")
    .description("the implementation each suite proxy runs, and the upgrade proposals")
    .action(async () => {
      const c = cli();
      const { registry } = await c.consortia();
      const current = await proxies(c);
      const proposals: Record<string, unknown>[] = [];
      for (const proposal of await registry.proposals()) {
        const recorded = await registry.contract.upgradeProposal(proposal.id);
        if (recorded.proxy === ZeroAddress) continue;
        const target = current.find((p) => p.proxy.toLowerCase() === recorded.proxy.toLowerCase());
        proposals.push({
          id: proposal.id,
          status: proposal.expired ? "Expired" : proposal.status,
          contract: target?.name ?? recorded.proxy,
          implementation: recorded.implementation,
          commit: recorded.sourceCommit,
          executableAt: executableAt(recorded.executableAt),
        });
      }
      c.out.result({ contracts: current, proposals }, () =>
        [table(current), "", proposals.length === 0 ? "no upgrade proposals" : table(proposals)].join("\n"),
      );
    });
}
