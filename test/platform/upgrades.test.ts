import { expect } from "chai";
import { keccak256, toUtf8Bytes, ZeroHash, type BaseContract, type Interface } from "ethers";
import { network } from "hardhat";
import {
  deployCredit,
  EntryStatus,
  OTHER_SUBJECT,
  SUBJECT,
  SubjectKind,
  type CreditFixture,
} from "../credit/fixture.js";
import { passProposal, proposeAndGetId, type Platform } from "../helpers/consortium.js";
import { deployUpgradeable, implementationOf as implementationAt } from "../helpers/upgradeable.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const implementationOf = (proxy: BaseContract): Promise<string> => implementationAt(ethers.provider, proxy);
const COMMIT = "0x53d651c0000000000000000000000000000000aa";
const DAY = 86_400;

/** A credit blacklist with one entry, plus a v2 implementation built for the same registry. */
async function fixture(): Promise<CreditFixture & { v2: string }> {
  const credit = await deployCredit(connection);
  const v2 = await ethers.deployContract("CreditBlacklistV2", [credit.platform.registry]);
  return { ...credit, v2: await v2.getAddress() };
}

/** bankA proposes the upgrade of `proxy` to `implementation` (its current code hash); returns the proposal id. */
async function proposeUpgrade(
  { registry, accounts }: Platform,
  proxy: BaseContract,
  implementation: string,
  migration = "0x",
): Promise<bigint> {
  const hash = (await ethers.provider.getCode(implementation)) === "0x" ? ZeroHash : await codeHash(implementation);
  const args = [proxy, implementation, COMMIT, hash, migration, keccak256(toUtf8Bytes("upgrade"))] as const;
  const id = await registry.connect(accounts.bankA).proposeUpgrade.staticCall(...args);
  await registry.connect(accounts.bankA).proposeUpgrade(...args);
  return id;
}

async function codeHash(address: string): Promise<string> {
  return keccak256(await ethers.provider.getCode(address));
}

/** Approves a proposal to the threshold (bankB, bankC) and executes it as bankA. */
async function approveAndExecute({ registry, accounts }: Platform, id: bigint) {
  await registry.connect(accounts.bankB).approve(id);
  await registry.connect(accounts.bankC).approve(id);
  return registry.connect(accounts.bankA).execute(id);
}

/** Approves an upgrade proposal to the threshold and returns the error its call reverts with, by name. */
async function failedUpgrade(platform: Platform, id: bigint, decoder: Interface): Promise<string> {
  const { registry, accounts } = platform;
  await registry.connect(accounts.bankB).approve(id);
  await registry.connect(accounts.bankC).approve(id);
  try {
    await registry.connect(accounts.bankA).execute.staticCall(id);
  } catch (error) {
    const outer = registry.interface.parseError((error as { data: string }).data);
    expect(outer?.name).to.equal("ProposalCallFailed");
    return decoder.parseError(outer!.args.reason)?.name ?? "unknown";
  }
  throw new Error("the proposal's call succeeded");
}

describe("upgrades by consortium vote", () => {
  describe("a passed upgrade proposal", () => {
    it("upgrades an application: address and records kept, migration run once, Upgraded announced", async () => {
      const { platform, blacklist, v2, content } = await networkHelpers.loadFixture(fixture);
      const before = await blacklist.entry(SUBJECT, 1);
      const v2Interface = (await ethers.getContractFactory("CreditBlacklistV2")).interface;
      const migration = v2Interface.encodeFunctionData("migrateToV2", ["v2"]);
      const id = await proposeUpgrade(platform, blacklist, v2, migration);
      await expect(approveAndExecute(platform, id)).to.emit(blacklist, "Upgraded").withArgs(v2);

      expect(await implementationOf(blacklist)).to.equal(v2);
      const upgraded = await ethers.getContractAt("CreditBlacklistV2", blacklist);
      expect(await upgraded.entry(SUBJECT, 1)).to.deep.equal(before);
      expect(await upgraded.label()).to.equal("v2");
      // The new function works on a record the old code wrote; the old functions still write.
      expect(await upgraded.isListed(SUBJECT, 1)).to.equal(true);
      await upgraded.connect(platform.accounts.bankA).report(OTHER_SUBJECT, SubjectKind.Person, content());
      expect((await upgraded.entry(OTHER_SUBJECT, 1)).status).to.equal(EntryStatus.Active);
      // The migration ran once: nobody can run it again, not even by a second passed proposal.
      await expect(upgraded.migrateToV2("again")).to.be.revertedWithCustomError(upgraded, "InvalidInitialization");
      const again = await proposeAndGetId(platform, upgraded, v2Interface.encodeFunctionData("migrateToV2", ["x"]));
      await platform.registry.connect(platform.accounts.bankB).approve(again);
      await platform.registry.connect(platform.accounts.bankC).approve(again);
      await expect(platform.registry.connect(platform.accounts.bankA).execute(again)).to.be.revertedWithCustomError(
        platform.registry,
        "ProposalCallFailed",
      );
    });

    it("records what is voted on: proxy, implementation, source commit, bytecode hash", async () => {
      const { platform, blacklist, v2 } = await networkHelpers.loadFixture(fixture);
      const { registry, accounts } = platform;
      const hash = await codeHash(v2);
      const args = [blacklist, v2, COMMIT, hash, "0x", keccak256(toUtf8Bytes("upgrade"))] as const;
      // The last field is the execution delay in force (none by default); the delay runs once the vote passes.
      await expect(registry.connect(accounts.bankA).proposeUpgrade(...args))
        .to.emit(registry, "UpgradeProposed")
        .withArgs(1n, await blacklist.getAddress(), v2, COMMIT, hash, 0n)
        .and.to.emit(registry, "ProposalCreated");
      const recorded = await registry.upgradeProposal(1n);
      expect([recorded.proxy, recorded.implementation, recorded.sourceCommit, recorded.bytecodeHash]).to.deep.equal([
        await blacklist.getAddress(),
        v2,
        COMMIT,
        hash,
      ]);
      expect((await registry.proposal(1n)).data).to.equal(
        blacklist.interface.encodeFunctionData("upgradeToAndCall", [v2, "0x"]),
      );
    });

    it("upgrades the registry by its own vote, keeping members, threshold and proposals", async () => {
      const { platform } = await networkHelpers.loadFixture(fixture);
      const { registry } = platform;
      const v2 = await (await ethers.deployContract("ConsortiumRegistryV2")).getAddress();
      const [members, threshold, voters] = await Promise.all([
        registry.memberCount(),
        registry.threshold(),
        registry.voterCount(),
      ]);
      const id = await proposeUpgrade(platform, registry, v2);
      await expect(approveAndExecute(platform, id)).to.emit(registry, "Upgraded").withArgs(v2);
      const upgraded = await ethers.getContractAt("ConsortiumRegistryV2", registry);
      expect(await upgraded.version()).to.equal(2n);
      expect(await upgraded.memberCount()).to.equal(members);
      expect(await upgraded.threshold()).to.equal(threshold);
      expect(await upgraded.voterCount()).to.equal(voters);
      // The proposal that upgraded the registry is recorded as executed, in the storage the new code reads.
      const executed = await upgraded.proposal(id);
      expect(executed.target).to.equal(await registry.getAddress());
      expect(executed.status).to.equal(2n);
      expect((await upgraded.upgradeProposal(id)).implementation).to.equal(v2);
      expect((await upgraded.member(platform.ids.bankA)).roles).to.equal(
        (await registry.member(platform.ids.bankA)).roles,
      );
    });

    it("waits for the execution delay after the vote passed, as in force when proposed; the vote stays open longer", async () => {
      const { platform, blacklist, v2 } = await networkHelpers.loadFixture(fixture);
      const { registry, accounts } = platform;
      await expect(
        passProposal(platform, registry, registry.interface.encodeFunctionData("setExecutionDelay", [2 * DAY])),
      )
        .to.emit(registry, "ExecutionDelayChanged")
        .withArgs(0n, BigInt(2 * DAY));
      const id = await proposeUpgrade(platform, blacklist, v2);
      const proposedAt = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
      const recorded = await registry.upgradeProposal(id);
      expect([recorded.executableAt, recorded.delay]).to.deep.equal([0n, BigInt(2 * DAY)]);
      expect((await registry.proposal(id)).expiresAt).to.equal(
        proposedAt + BigInt(2 * DAY) + (await registry.votingPeriod()),
      );
      // Before the vote passed there is no execution time, whatever the clock says.
      await registry.connect(accounts.bankB).approve(id);
      await networkHelpers.time.increase(3 * DAY);
      await expect(registry.connect(accounts.bankA).execute(id)).to.be.revertedWithCustomError(
        registry,
        "ThresholdNotMet",
      );
      // The approval that reaches the threshold starts the delay.
      const passing = await registry.connect(accounts.bankC).approve(id);
      const passedAt = BigInt((await passing.getBlock())!.timestamp);
      const executableAt = passedAt + BigInt(2 * DAY);
      await expect(passing).to.emit(registry, "UpgradeScheduled").withArgs(id, executableAt);
      expect((await registry.upgradeProposal(id)).executableAt).to.equal(executableAt);
      // A shorter delay voted now does not shorten this proposal's wait.
      await passProposal(platform, registry, registry.interface.encodeFunctionData("setExecutionDelay", [0]));
      await expect(registry.connect(accounts.bankA).execute(id))
        .to.be.revertedWithCustomError(registry, "UpgradeNotYetExecutable")
        .withArgs(id, executableAt);
      await networkHelpers.time.increaseTo(executableAt);
      await expect(registry.connect(accounts.bankA).execute(id)).to.emit(blacklist, "Upgraded").withArgs(v2);
    });

    it("scheduleUpgrade starts the delay of a vote that passed without an approval reaching the threshold", async () => {
      const { platform, blacklist, v2 } = await networkHelpers.loadFixture(fixture);
      const { registry, accounts, ids } = platform;
      await passProposal(platform, registry, registry.interface.encodeFunctionData("setExecutionDelay", [DAY]));
      const id = await proposeUpgrade(platform, blacklist, v2);
      // gov1 approves and is then suspended: bankB's approval makes three, of which two count.
      await registry.connect(accounts.gov1).approve(id);
      await passProposal(platform, registry, registry.interface.encodeFunctionData("suspendMember", [ids.gov1]));
      await expect(registry.connect(accounts.bankB).approve(id)).to.not.emit(registry, "UpgradeScheduled");
      await expect(registry.connect(accounts.bankA).scheduleUpgrade(id))
        .to.be.revertedWithCustomError(registry, "ThresholdNotMet")
        .withArgs(id, 2n, 3n);
      // gov1 reinstated: the vote has passed, but no approval started the delay.
      const reinstate = await proposeAndGetId(
        platform,
        registry,
        registry.interface.encodeFunctionData("reinstateMember", [ids.gov1]),
      );
      await registry.connect(accounts.bankB).approve(reinstate);
      await registry.connect(accounts.bankC).approve(reinstate);
      await registry.connect(accounts.bankA).execute(reinstate);
      await expect(registry.connect(accounts.bankA).execute(id))
        .to.be.revertedWithCustomError(registry, "UpgradeNotYetExecutable")
        .withArgs(id, 0n);
      const scheduled = await registry.connect(accounts.supplier1).scheduleUpgrade(id);
      const executableAt = BigInt((await scheduled.getBlock())!.timestamp) + BigInt(DAY);
      await expect(scheduled).to.emit(registry, "UpgradeScheduled").withArgs(id, executableAt);
      await expect(registry.connect(accounts.bankA).scheduleUpgrade(id))
        .to.be.revertedWithCustomError(registry, "UpgradeAlreadyScheduled")
        .withArgs(id, executableAt);
      await networkHelpers.time.increaseTo(executableAt);
      await expect(registry.connect(accounts.bankA).execute(id)).to.emit(blacklist, "Upgraded").withArgs(v2);
    });

    it("scheduleUpgrade refuses a plain proposal, and an outsider", async () => {
      const { platform, blacklist, v2 } = await networkHelpers.loadFixture(fixture);
      const { registry, accounts, outsiders } = platform;
      const plain = await proposeAndGetId(
        platform,
        registry,
        registry.interface.encodeFunctionData("setVotingPeriod", [3 * DAY]),
      );
      await expect(registry.connect(accounts.bankA).scheduleUpgrade(plain))
        .to.be.revertedWithCustomError(registry, "NotAnUpgrade")
        .withArgs(plain);
      const id = await proposeUpgrade(platform, blacklist, v2);
      await expect(registry.connect(outsiders[0]).scheduleUpgrade(id)).to.be.revertedWithCustomError(
        registry,
        "UnknownAccount",
      );
    });

    it("refuses an execution delay above the maximum, and a delay set directly", async () => {
      const { platform } = await networkHelpers.loadFixture(fixture);
      const { registry, accounts } = platform;
      const tooLong = (await registry.MAX_EXECUTION_DELAY()) + 1n;
      const id = await proposeAndGetId(
        platform,
        registry,
        registry.interface.encodeFunctionData("setExecutionDelay", [tooLong]),
      );
      await registry.connect(accounts.bankB).approve(id);
      await registry.connect(accounts.bankC).approve(id);
      await expect(registry.connect(accounts.bankA).execute(id)).to.be.revertedWithCustomError(
        registry,
        "ProposalCallFailed",
      );
      await expect(registry.connect(accounts.bankA).setExecutionDelay(DAY))
        .to.be.revertedWithCustomError(registry, "OnlyGovernance")
        .withArgs(accounts.bankA.address);
    });
  });

  describe("attacks", () => {
    it("refuses an upgrade called directly: by a voter, by the bootstrapper, by an outsider", async () => {
      const { platform, blacklist, v2 } = await networkHelpers.loadFixture(fixture);
      const { registry, accounts, deployer, outsiders } = platform;
      for (const caller of [accounts.bankA, deployer, outsiders[0]]) {
        await expect(blacklist.connect(caller).upgradeToAndCall(v2, "0x"))
          .to.be.revertedWithCustomError(blacklist, "OnlyGovernance")
          .withArgs(caller.address);
        await expect(registry.connect(caller).upgradeToAndCall(v2, "0x"))
          .to.be.revertedWithCustomError(registry, "OnlyGovernance")
          .withArgs(caller.address);
      }
    });

    it("refuses an upgrade as a plain proposal (it would skip the recorded hash and the delay)", async () => {
      const { platform, blacklist, v2 } = await networkHelpers.loadFixture(fixture);
      const { registry, accounts } = platform;
      const data = blacklist.interface.encodeFunctionData("upgradeToAndCall", [v2, "0x"]);
      await expect(registry.connect(accounts.bankA).propose(blacklist, data, ZeroHash))
        .to.be.revertedWithCustomError(registry, "UpgradeNeedsProposeUpgrade")
        .withArgs(await blacklist.getAddress());
    });

    it("refuses an upgrade proposal by a non-voter, and one whose bytecode hash is not the implementation's", async () => {
      const { platform, blacklist, v2 } = await networkHelpers.loadFixture(fixture);
      const { registry, accounts, outsiders } = platform;
      const hash = await codeHash(v2);
      const description = keccak256(toUtf8Bytes("upgrade"));
      await expect(
        registry.connect(accounts.core).proposeUpgrade(blacklist, v2, COMMIT, hash, "0x", description),
      ).to.be.revertedWithCustomError(registry, "MissingRole");
      await expect(
        registry.connect(outsiders[0]).proposeUpgrade(blacklist, v2, COMMIT, hash, "0x", description),
      ).to.be.revertedWithCustomError(registry, "UnknownAccount");
      const other = await codeHash(await blacklist.getAddress());
      await expect(registry.connect(accounts.bankA).proposeUpgrade(blacklist, v2, COMMIT, other, "0x", description))
        .to.be.revertedWithCustomError(registry, "BytecodeMismatch")
        .withArgs(v2, other, hash);
      await expect(
        registry.connect(accounts.bankA).proposeUpgrade(blacklist, outsiders[1], COMMIT, ZeroHash, "0x", description),
      ).to.be.revertedWithCustomError(registry, "InvalidValue");
    });

    it("refuses to execute an upgrade proposal without the threshold", async () => {
      const { platform, blacklist, v2 } = await networkHelpers.loadFixture(fixture);
      const { registry, accounts } = platform;
      const id = await proposeUpgrade(platform, blacklist, v2);
      await registry.connect(accounts.bankB).approve(id);
      await expect(registry.connect(accounts.bankA).execute(id)).to.be.revertedWithCustomError(
        registry,
        "ThresholdNotMet",
      );
    });

    it("refuses a suspended voter's proposal and approval, and no longer counts its earlier approval", async () => {
      const { platform, blacklist, v2 } = await networkHelpers.loadFixture(fixture);
      const { registry, accounts, ids } = platform;
      const id = await proposeUpgrade(platform, blacklist, v2);
      await registry.connect(accounts.bankB).approve(id);
      await registry.connect(accounts.bankC).approve(id);
      await passProposal(platform, registry, registry.interface.encodeFunctionData("suspendMember", [ids.bankC]));
      await expect(registry.connect(accounts.bankC).approve(id)).to.be.revertedWithCustomError(
        registry,
        "MemberNotActive",
      );
      await expect(
        registry.connect(accounts.bankC).proposeUpgrade(blacklist, v2, COMMIT, await codeHash(v2), "0x", ZeroHash),
      ).to.be.revertedWithCustomError(registry, "MemberNotActive");
      await expect(registry.connect(accounts.bankA).execute(id))
        .to.be.revertedWithCustomError(registry, "ThresholdNotMet")
        .withArgs(id, 2n, 3n);
      expect(await implementationOf(blacklist)).to.not.equal(v2);
    });

    it("refuses an implementation that is not a suite contract of this registry", async () => {
      const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
      const other = await deployUpgradeable(ethers, "ConsortiumRegistry");
      const candidates = {
        "a foreign contract": await (await ethers.deployContract("PlainERC20")).getAddress(),
        "an implementation built for another registry": await (
          await ethers.deployContract("CreditBlacklistV2", [other])
        ).getAddress(),
        "the registry's proxy": await platform.registry.getAddress(),
      };
      for (const [what, implementation] of Object.entries(candidates)) {
        const id = await proposeUpgrade(platform, blacklist, implementation);
        expect(await failedUpgrade(platform, id, blacklist.interface), what).to.equal("IncompatibleImplementation");
      }
    });

    it("refuses a registry implementation that is not UUPS", async () => {
      const { platform } = await networkHelpers.loadFixture(fixture);
      const { registry } = platform;
      const id = await proposeUpgrade(
        platform,
        registry,
        await (await ethers.deployContract("PlainERC20")).getAddress(),
      );
      expect(await failedUpgrade(platform, id, registry.interface)).to.equal("ERC1967InvalidImplementation");
    });

    it("refuses to initialize a proxy again or an implementation at all", async () => {
      const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
      const { registry, token, ledger, deployer, outsiders } = platform;
      for (const caller of [deployer, outsiders[0]]) {
        await expect(registry.connect(caller).initialize()).to.be.revertedWithCustomError(
          registry,
          "InvalidInitialization",
        );
        await expect(token.connect(caller).initialize("X", "X", 0)).to.be.revertedWithCustomError(
          token,
          "InvalidInitialization",
        );
        await expect(ledger.connect(caller).initialize()).to.be.revertedWithCustomError(
          ledger,
          "InvalidInitialization",
        );
        await expect(blacklist.connect(caller).initialize()).to.be.revertedWithCustomError(
          blacklist,
          "InvalidInitialization",
        );
      }
      for (const proxy of [registry, blacklist, ledger] as const) {
        const implementation = await ethers.getContractAt("PaymentLedger", await implementationOf(proxy));
        await expect(implementation.connect(outsiders[0]).initialize()).to.be.revertedWithCustomError(
          implementation,
          "InvalidInitialization",
        );
      }
    });

    it("refuses an upgrade called on an implementation instead of its proxy", async () => {
      const { platform, blacklist, v2 } = await networkHelpers.loadFixture(fixture);
      const implementation = await ethers.getContractAt("CreditBlacklist", await implementationOf(blacklist));
      const asRegistry = await ethers.getImpersonatedSigner(await platform.registry.getAddress());
      await networkHelpers.setBalance(asRegistry.address, 10n ** 18n);
      await expect(implementation.connect(asRegistry).upgradeToAndCall(v2, "0x")).to.be.revertedWithCustomError(
        implementation,
        "UUPSUnauthorizedCallContext",
      );
    });

    it("refuses to deploy an implementation without a registry", async () => {
      const factory = await ethers.getContractFactory("CreditBlacklistV2");
      await expect(factory.deploy(ethers.ZeroAddress)).to.be.revertedWithCustomError(factory, "InvalidValue");
    });
  });
});
