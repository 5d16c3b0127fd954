import { expect } from "chai";
import { keccak256, toUtf8Bytes, ZeroAddress, ZeroHash, type Interface } from "ethers";
import { network } from "hardhat";
import { MemberKind, Roles } from "@consortia/sdk";
import {
  deployPlatform,
  passProposal,
  proposeAndGetId,
  TEST_MEMBER_ROLES,
  type Platform,
} from "../helpers/consortium.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const AccountStatus = { None: 0, Active: 1, Suspended: 2, Blacklisted: 3 } as const;
const AccessLevel = { None: 0, ReadOnly: 1, Transact: 2, Admin: 3 } as const;
const MemberStatus = { None: 0, Active: 1, Suspended: 2, Removed: 3 } as const;
const REG_HASH = keccak256(toUtf8Bytes("registration:newbank"));
const ENC_KEY = keccak256(toUtf8Bytes("encryption-key:newbank"));
const DAY = 24 * 60 * 60;

async function bootstrapped(): Promise<Platform> {
  const platform = await deployPlatform(connection);
  await platform.finishBootstrap();
  return platform;
}

async function openBootstrap(): Promise<Platform> {
  return deployPlatform(connection);
}

/** Calldata of a registry function, for a proposal. */
function call(platform: Platform, fn: string, args: unknown[]): string {
  const iface: Interface = platform.registry.interface;
  return iface.encodeFunctionData(fn, args);
}

describe("ConsortiumRegistry", () => {
  describe("bootstrap", () => {
    it("seeds founding members with roles, kinds and an admin account", async () => {
      const { registry, ids, accounts } = await networkHelpers.loadFixture(openBootstrap);
      const bankA = await registry.member(ids.bankA);
      expect(bankA.kind).to.equal(MemberKind.Bank);
      expect(bankA.status).to.equal(MemberStatus.Active);
      expect(bankA.roles).to.equal(TEST_MEMBER_ROLES.bankA);
      expect(await registry.memberProfile(ids.bankA)).to.deep.equal([
        BigInt(MemberKind.Bank),
        BigInt(MemberStatus.Active),
        TEST_MEMBER_ROLES.bankA,
      ]);
      expect(await registry.memberOf(accounts.bankA)).to.equal(ids.bankA);
      const account = await registry.account(accounts.bankA);
      expect(account.level).to.equal(AccessLevel.Admin);
      expect(await registry.voterCount()).to.equal(5n);
      expect(await registry.memberCount()).to.equal(11n);
    });

    it("rejects bootstrap calls from anyone but the deployer", async () => {
      const { registry, accounts } = await networkHelpers.loadFixture(openBootstrap);
      await expect(
        registry
          .connect(accounts.bankA)
          .bootstrapMember(MemberKind.Bank, "x", REG_HASH, ENC_KEY, Roles.VOTER, accounts.bankA),
      )
        .to.be.revertedWithCustomError(registry, "BootstrapOver")
        .withArgs(accounts.bankA.address);
      await expect(registry.connect(accounts.bankA).endBootstrap(3)).to.be.revertedWithCustomError(
        registry,
        "BootstrapOver",
      );
    });

    it("gives up every bootstrap power for good when it ends", async () => {
      const { registry, deployer, outsiders, token } = await networkHelpers.loadFixture(bootstrapped);
      await expect(registry.bootstrapMember(MemberKind.Bank, "late", REG_HASH, ENC_KEY, Roles.VOTER, outsiders[0]))
        .to.be.revertedWithCustomError(registry, "BootstrapOver")
        .withArgs(deployer.address);
      await expect(registry.bootstrapSystemContract(token)).to.be.revertedWithCustomError(registry, "BootstrapOver");
      await expect(registry.endBootstrap(3)).to.be.revertedWithCustomError(registry, "BootstrapOver");
    });

    it("refuses to end bootstrap with a threshold below a strict majority or above the voters", async () => {
      const { registry } = await networkHelpers.loadFixture(openBootstrap);
      await expect(registry.endBootstrap(2)).to.be.revertedWithCustomError(registry, "UnsafeThreshold").withArgs(2, 5);
      await expect(registry.endBootstrap(6)).to.be.revertedWithCustomError(registry, "UnsafeThreshold").withArgs(6, 5);
      await expect(registry.endBootstrap(0)).to.be.revertedWithCustomError(registry, "UnsafeThreshold");
      await expect(registry.endBootstrap(3)).to.emit(registry, "BootstrapEnded");
    });

    it("validates founding members' fields", async () => {
      const { registry, outsiders } = await networkHelpers.loadFixture(openBootstrap);
      const who = outsiders[0];
      await expect(registry.bootstrapMember(0, "x", REG_HASH, ENC_KEY, 0, who))
        .to.be.revertedWithCustomError(registry, "InvalidValue")
        .withArgs(ethers.encodeBytes32String("kind"));
      await expect(registry.bootstrapMember(MemberKind.Bank, "", REG_HASH, ENC_KEY, 0, who))
        .to.be.revertedWithCustomError(registry, "InvalidValue")
        .withArgs(ethers.encodeBytes32String("name"));
      await expect(registry.bootstrapMember(MemberKind.Bank, "x", ZeroHash, ENC_KEY, 0, who))
        .to.be.revertedWithCustomError(registry, "InvalidValue")
        .withArgs(ethers.encodeBytes32String("registrationHash"));
      await expect(registry.bootstrapMember(MemberKind.Bank, "x", REG_HASH, ENC_KEY, 0, ZeroAddress))
        .to.be.revertedWithCustomError(registry, "InvalidValue")
        .withArgs(ethers.encodeBytes32String("account"));
      await expect(registry.bootstrapMember(MemberKind.Bank, "x", REG_HASH, ENC_KEY, 1n << 40n, who))
        .to.be.revertedWithCustomError(registry, "InvalidRoles")
        .withArgs(MemberKind.Bank, 1n << 40n);
    });

    it("caps the active voting members", async () => {
      const { registry } = await networkHelpers.loadFixture(openBootstrap);
      // Five founders vote already; 59 more reach MAX_VOTERS (64).
      for (let i = 0; i < 59; i++) {
        const who = ethers.Wallet.createRandom().address;
        await registry.bootstrapMember(MemberKind.Bank, `voter${i}`, REG_HASH, ENC_KEY, Roles.VOTER, who);
      }
      const one = ethers.Wallet.createRandom().address;
      await expect(registry.bootstrapMember(MemberKind.Bank, "one too many", REG_HASH, ENC_KEY, Roles.VOTER, one))
        .to.be.revertedWithCustomError(registry, "LimitReached")
        .withArgs(0, 64);
    });

    it("never gives a regulator a role that moves assets", async () => {
      const { registry, outsiders } = await networkHelpers.loadFixture(openBootstrap);
      await expect(
        registry.bootstrapMember(MemberKind.Regulator, "pboc", REG_HASH, ENC_KEY, Roles.TOKEN_HOLDER, outsiders[0]),
      ).to.be.revertedWithCustomError(registry, "InvalidRoles");
    });
  });

  describe("authorize", () => {
    it("returns the member behind an active account holding the role", async () => {
      const { registry, accounts, ids } = await networkHelpers.loadFixture(bootstrapped);
      expect(await registry.authorize(accounts.bankA, Roles.LC_BANK)).to.equal(ids.bankA);
      expect(await registry.authorize(accounts.supplier1, Roles.MEMBER)).to.equal(ids.supplier1);
      expect(await registry.isAuthorized(accounts.supplier1, Roles.LC_BANK)).to.equal(false);
    });

    it("names the reason an account may not act", async () => {
      const { registry, accounts, outsiders, ids } = await networkHelpers.loadFixture(bootstrapped);
      await expect(registry.authorize(outsiders[0], Roles.MEMBER))
        .to.be.revertedWithCustomError(registry, "UnknownAccount")
        .withArgs(outsiders[0].address);
      await expect(registry.authorize(accounts.supplier1, Roles.LC_BANK))
        .to.be.revertedWithCustomError(registry, "MissingRole")
        .withArgs(ids.supplier1, Roles.LC_BANK);
    });

    it("answers for two accounts in one call", async () => {
      const { registry, accounts, ids } = await networkHelpers.loadFixture(bootstrapped);
      const [a, b] = await registry.authorizePair(accounts.bankA, Roles.LC_BANK, accounts.core, Roles.LC_TRADER);
      expect([a, b]).to.deep.equal([BigInt(ids.bankA), BigInt(ids.core)]);
    });
  });

  describe("proposals", () => {
    it("admits a member when 3 of 5 voters approve, and raises the threshold to stay a majority", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry, outsiders } = platform;
      const data = call(platform, "admitMember", [
        MemberKind.Bank,
        "newbank",
        REG_HASH,
        ENC_KEY,
        Roles.VOTER | Roles.TOKEN_HOLDER,
        outsiders[0].address,
      ]);
      await expect(passProposal(platform, registry, data))
        .to.emit(registry, "MemberAdmitted")
        .withArgs(12, MemberKind.Bank, "newbank", REG_HASH, ENC_KEY, Roles.VOTER | Roles.TOKEN_HOLDER)
        .and.to.emit(registry, "ThresholdChanged")
        .withArgs(3, 4);
      expect(await registry.voterCount()).to.equal(6n);
      expect(await registry.threshold()).to.equal(4);
      expect(await registry.memberOf(outsiders[0])).to.equal(12);
    });

    it("rejects a proposal from a non-member, a non-voter and a suspended voter", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry, accounts, outsiders, ids } = platform;
      const data = call(platform, "setVotingPeriod", [DAY]);
      await expect(registry.connect(outsiders[0]).propose(registry, data, ZeroHash)).to.be.revertedWithCustomError(
        registry,
        "UnknownAccount",
      );
      await expect(registry.connect(accounts.core).propose(registry, data, ZeroHash))
        .to.be.revertedWithCustomError(registry, "MissingRole")
        .withArgs(ids.core, Roles.VOTER);
      await passProposal(platform, registry, call(platform, "suspendMember", [ids.gov1]));
      await expect(registry.connect(accounts.gov1).propose(registry, data, ZeroHash))
        .to.be.revertedWithCustomError(registry, "MemberNotActive")
        .withArgs(ids.gov1, MemberStatus.Suspended);
    });

    it("rejects an empty target", async () => {
      const { registry, accounts } = await networkHelpers.loadFixture(bootstrapped);
      await expect(registry.connect(accounts.bankA).propose(ZeroAddress, "0x", ZeroHash)).to.be.revertedWithCustomError(
        registry,
        "InvalidValue",
      );
    });

    it("refuses proposals while bootstrap is still open", async () => {
      const { registry, accounts } = await networkHelpers.loadFixture(openBootstrap);
      await expect(registry.connect(accounts.bankA).propose(registry, "0x", ZeroHash)).to.be.revertedWithCustomError(
        registry,
        "BootstrapOver",
      );
    });

    it("rejects a double vote", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry, accounts, ids } = platform;
      const id = await proposeAndGetId(platform, registry, call(platform, "setVotingPeriod", [DAY]));
      await expect(registry.connect(accounts.bankA).approve(id))
        .to.be.revertedWithCustomError(registry, "AlreadyApproved")
        .withArgs(id, ids.bankA);
    });

    it("rejects a vote and an execution after expiry", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry, accounts } = platform;
      const id = await proposeAndGetId(platform, registry, call(platform, "setVotingPeriod", [DAY]));
      await registry.connect(accounts.bankB).approve(id);
      await networkHelpers.time.increase(7 * DAY);
      const { expiresAt } = await registry.proposal(id);
      await expect(registry.connect(accounts.bankC).approve(id))
        .to.be.revertedWithCustomError(registry, "ProposalExpired")
        .withArgs(id, expiresAt);
      await expect(registry.connect(accounts.bankA).execute(id)).to.be.revertedWithCustomError(
        registry,
        "ProposalExpired",
      );
    });

    it("rejects execution below the threshold", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry, accounts } = platform;
      const id = await proposeAndGetId(platform, registry, call(platform, "setVotingPeriod", [DAY]));
      await registry.connect(accounts.bankB).approve(id);
      await expect(registry.connect(accounts.bankA).execute(id))
        .to.be.revertedWithCustomError(registry, "ThresholdNotMet")
        .withArgs(id, 2, 3);
    });

    it("does not count approvals of voters suspended since they voted", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry, accounts, ids } = platform;
      const id = await proposeAndGetId(platform, registry, call(platform, "setVotingPeriod", [DAY]));
      await registry.connect(accounts.bankB).approve(id);
      await registry.connect(accounts.bankC).approve(id);
      await passProposal(platform, registry, call(platform, "suspendMember", [ids.bankC]));
      await expect(registry.connect(accounts.bankA).execute(id))
        .to.be.revertedWithCustomError(registry, "ThresholdNotMet")
        .withArgs(id, 2, 3);
      await registry.connect(accounts.gov1).approve(id);
      await expect(registry.connect(accounts.bankA).execute(id))
        .to.emit(registry, "VotingPeriodChanged")
        .withArgs(7 * DAY, DAY);
    });

    it("executes once only", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry, accounts } = platform;
      const id = await proposeAndGetId(platform, registry, call(platform, "setVotingPeriod", [DAY]));
      await registry.connect(accounts.bankB).approve(id);
      await registry.connect(accounts.bankC).approve(id);
      await registry.connect(accounts.bankA).execute(id);
      await expect(registry.connect(accounts.bankA).execute(id))
        .to.be.revertedWithCustomError(registry, "ProposalNotPending")
        .withArgs(id);
      await expect(registry.connect(accounts.gov1).approve(id)).to.be.revertedWithCustomError(
        registry,
        "ProposalNotPending",
      );
    });

    it("reverts the whole execution when the proposed call fails, naming the reason", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry, accounts } = platform;
      const id = await proposeAndGetId(platform, registry, call(platform, "setVotingPeriod", [60]));
      await registry.connect(accounts.bankB).approve(id);
      await registry.connect(accounts.bankC).approve(id);
      const inner = registry.interface.encodeErrorResult("InvalidValue", [ethers.encodeBytes32String("votingPeriod")]);
      await expect(registry.connect(accounts.bankA).execute(id))
        .to.be.revertedWithCustomError(registry, "ProposalCallFailed")
        .withArgs(id, inner);
      expect((await registry.proposal(id)).status).to.equal(1);
    });

    it("lets only the proposer cancel a pending proposal", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry, accounts, ids } = platform;
      const id = await proposeAndGetId(platform, registry, call(platform, "setVotingPeriod", [DAY]));
      await expect(registry.connect(accounts.bankB).cancel(id))
        .to.be.revertedWithCustomError(registry, "NotProposer")
        .withArgs(id, ids.bankB);
      await expect(registry.connect(accounts.bankA).cancel(id)).to.emit(registry, "ProposalCancelled").withArgs(id);
      await expect(registry.connect(accounts.bankA).cancel(id)).to.be.revertedWithCustomError(
        registry,
        "ProposalNotPending",
      );
    });

    it("can execute only by an active member account", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry, outsiders } = platform;
      const id = await proposeAndGetId(platform, registry, call(platform, "setVotingPeriod", [DAY]));
      await expect(registry.connect(outsiders[0]).execute(id)).to.be.revertedWithCustomError(
        registry,
        "UnknownAccount",
      );
    });

    it("records approvals", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry, ids } = platform;
      const id = await proposeAndGetId(platform, registry, call(platform, "setVotingPeriod", [DAY]));
      expect(await registry.hasApproved(id, ids.bankA)).to.equal(true);
      expect(await registry.hasApproved(id, ids.bankB)).to.equal(false);
      expect((await registry.proposal(id)).approvals).to.equal(1);
    });
  });

  describe("governance functions", () => {
    it("are callable only through an executed proposal", async () => {
      const { registry, accounts, ids, token } = await networkHelpers.loadFixture(bootstrapped);
      const a = registry.connect(accounts.bankA);
      const rejects = [
        () => a.admitMember(MemberKind.Bank, "x", REG_HASH, ENC_KEY, 0, accounts.bankA),
        () => a.suspendMember(ids.core),
        () => a.reinstateMember(ids.core),
        () => a.removeMember(ids.core),
        () => a.setRoles(ids.core, 0),
        () => a.setThreshold(4),
        () => a.setVotingPeriod(DAY),
        () => a.blacklistAccount(accounts.core),
        () => a.recoverAccount(accounts.core),
        () => a.setSystemContract(token, true),
      ];
      for (const send of rejects) {
        await expect(send()).to.be.revertedWithCustomError(registry, "OnlyGovernance").withArgs(accounts.bankA.address);
      }
    });

    it("suspends a member so that it can do nothing new, and reinstates it", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry, accounts, ids } = platform;
      await expect(passProposal(platform, registry, call(platform, "suspendMember", [ids.supplier1])))
        .to.emit(registry, "MemberStatusChanged")
        .withArgs(ids.supplier1, MemberStatus.Active, MemberStatus.Suspended);
      await expect(registry.authorize(accounts.supplier1, Roles.MEMBER))
        .to.be.revertedWithCustomError(registry, "MemberNotActive")
        .withArgs(ids.supplier1, MemberStatus.Suspended);
      await expect(
        passProposal(platform, registry, call(platform, "suspendMember", [ids.supplier1])),
      ).to.be.revertedWithCustomError(registry, "ProposalCallFailed");
      await passProposal(platform, registry, call(platform, "reinstateMember", [ids.supplier1]));
      expect(await registry.authorize(accounts.supplier1, Roles.MEMBER)).to.equal(ids.supplier1);
    });

    it("removes a member for good", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry, accounts, ids } = platform;
      await passProposal(platform, registry, call(platform, "removeMember", [ids.supplier2]));
      expect((await registry.member(ids.supplier2)).status).to.equal(MemberStatus.Removed);
      await expect(registry.authorize(accounts.supplier2, Roles.MEMBER)).to.be.revertedWithCustomError(
        registry,
        "MemberNotActive",
      );
      for (const fn of ["removeMember", "reinstateMember"]) {
        await expect(
          passProposal(platform, registry, call(platform, fn, [ids.supplier2])),
        ).to.be.revertedWithCustomError(registry, "ProposalCallFailed");
      }
      await expect(
        passProposal(platform, registry, call(platform, "suspendMember", [999])),
      ).to.be.revertedWithCustomError(registry, "ProposalCallFailed");
    });

    it("refuses to remove voters below the threshold, and the last voter", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry, ids } = platform;
      // 5 voters, threshold 3: removing two leaves 3; a third removal would leave 2 < 3.
      await passProposal(platform, registry, call(platform, "removeMember", [ids.gov1]));
      await passProposal(platform, registry, call(platform, "removeMember", [ids.regulator]));
      const inner = registry.interface.encodeErrorResult("WouldBreakQuorum", [2, 3]);
      const id = await proposeAndGetId(platform, registry, call(platform, "removeMember", [ids.bankC]));
      await registry.connect(platform.accounts.bankB).approve(id);
      await registry.connect(platform.accounts.bankC).approve(id);
      await expect(registry.connect(platform.accounts.bankA).execute(id))
        .to.be.revertedWithCustomError(registry, "ProposalCallFailed")
        .withArgs(id, inner);
    });

    it("refuses to take the voter role away below the threshold", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry, ids } = platform;
      await passProposal(platform, registry, call(platform, "setRoles", [ids.gov1, Roles.DATA_OWNER]));
      await passProposal(platform, registry, call(platform, "setRoles", [ids.regulator, Roles.AUDITOR]));
      expect(await registry.voterCount()).to.equal(3n);
      await expect(
        passProposal(platform, registry, call(platform, "setRoles", [ids.bankC, Roles.TOKEN_HOLDER])),
      ).to.be.revertedWithCustomError(registry, "ProposalCallFailed");
    });

    it("changes the threshold only to a strict majority of active voters", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry } = platform;
      await expect(passProposal(platform, registry, call(platform, "setThreshold", [4])))
        .to.emit(registry, "ThresholdChanged")
        .withArgs(3, 4);
      // Lowering below a majority (2 of 5) is refused.
      const id = await proposeAndGetId(platform, registry, call(platform, "setThreshold", [2]));
      for (const voter of ["bankB", "bankC", "gov1"] as const)
        await registry.connect(platform.accounts[voter]).approve(id);
      await expect(registry.connect(platform.accounts.bankA).execute(id))
        .to.be.revertedWithCustomError(registry, "ProposalCallFailed")
        .withArgs(id, registry.interface.encodeErrorResult("UnsafeThreshold", [2, 5]));
    });

    it("changes a member's roles and the accounts' effective roles with them", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry, accounts, ids } = platform;
      await expect(passProposal(platform, registry, call(platform, "setRoles", [ids.supplier3, Roles.LC_TRADER])))
        .to.emit(registry, "MemberRolesChanged")
        .withArgs(ids.supplier3, TEST_MEMBER_ROLES.supplier3, Roles.LC_TRADER);
      expect(await registry.isAuthorized(accounts.supplier3, Roles.LC_TRADER)).to.equal(true);
      expect(await registry.isAuthorized(accounts.supplier3, Roles.TOKEN_HOLDER)).to.equal(false);
      await expect(
        passProposal(platform, registry, call(platform, "setRoles", [ids.regulator, Roles.FINANCIER])),
      ).to.be.revertedWithCustomError(registry, "ProposalCallFailed");
      await expect(
        passProposal(platform, registry, call(platform, "setRoles", [999, Roles.FINANCIER])),
      ).to.be.revertedWithCustomError(registry, "ProposalCallFailed");
    });

    it("bounds the voting period", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry } = platform;
      await expect(
        passProposal(platform, registry, call(platform, "setVotingPeriod", [91 * DAY])),
      ).to.be.revertedWithCustomError(registry, "ProposalCallFailed");
      await passProposal(platform, registry, call(platform, "setVotingPeriod", [2 * DAY]));
      expect(await registry.votingPeriod()).to.equal(BigInt(2 * DAY));
    });

    it("blacklists an account, and only a vote recovers it", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry, accounts, ids, outsiders } = platform;
      await registry.connect(accounts.core).addAccount(ids.core, outsiders[0], AccessLevel.Transact);
      await expect(passProposal(platform, registry, call(platform, "blacklistAccount", [outsiders[0].address])))
        .to.emit(registry, "AccountChanged")
        .withArgs(ids.core, outsiders[0].address, AccountStatus.Blacklisted, AccessLevel.Transact);
      await expect(registry.authorize(outsiders[0], Roles.MEMBER))
        .to.be.revertedWithCustomError(registry, "AccountNotActive")
        .withArgs(outsiders[0].address, AccountStatus.Blacklisted);
      // The member's own admin cannot lift a blacklisting.
      await expect(
        registry.connect(accounts.core).setAccount(outsiders[0], AccountStatus.Active, AccessLevel.Transact),
      ).to.be.revertedWithCustomError(registry, "InvalidTransition");
      await expect(
        passProposal(platform, registry, call(platform, "blacklistAccount", [outsiders[0].address])),
      ).to.be.revertedWithCustomError(registry, "ProposalCallFailed");
      await passProposal(platform, registry, call(platform, "recoverAccount", [outsiders[0].address]));
      expect(await registry.authorize(outsiders[0], Roles.MEMBER)).to.equal(ids.core);
      await expect(
        passProposal(platform, registry, call(platform, "recoverAccount", [outsiders[0].address])),
      ).to.be.revertedWithCustomError(registry, "ProposalCallFailed");
      await expect(
        passProposal(platform, registry, call(platform, "blacklistAccount", [outsiders[1].address])),
      ).to.be.revertedWithCustomError(registry, "ProposalCallFailed");
    });

    it("lets governance add an account to a member that lost its keys", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry, ids, outsiders } = platform;
      await passProposal(
        platform,
        registry,
        call(platform, "addAccount", [ids.core, outsiders[0].address, AccessLevel.Admin]),
      );
      expect(await registry.memberOf(outsiders[0])).to.equal(ids.core);
    });

    it("allows and disallows suite contracts, contracts only", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry, ledger, accounts } = platform;
      await expect(
        passProposal(platform, registry, call(platform, "setSystemContract", [await ledger.getAddress(), true])),
      )
        .to.emit(registry, "SystemContractSet")
        .withArgs(await ledger.getAddress(), true);
      expect(await registry.isSystemContract(ledger)).to.equal(true);
      const [roles] = await registry.effectiveRoles(ledger, ZeroAddress);
      expect(roles).to.equal(Roles.SYSTEM);
      await passProposal(platform, registry, call(platform, "setSystemContract", [await ledger.getAddress(), false]));
      expect(await registry.isSystemContract(ledger)).to.equal(false);
      await expect(
        passProposal(platform, registry, call(platform, "setSystemContract", [accounts.core.address, true])),
      ).to.be.revertedWithCustomError(registry, "ProposalCallFailed");
      // A contract that acts as a member's operator account (a multisig, say) cannot become a suite contract.
      await registry.connect(accounts.core).addAccount(platform.ids.core, await platform.token.getAddress(), 2);
      const id = await proposeAndGetId(
        platform,
        registry,
        call(platform, "setSystemContract", [await platform.token.getAddress(), true]),
      );
      await registry.connect(accounts.bankB).approve(id);
      await registry.connect(accounts.bankC).approve(id);
      await expect(registry.connect(accounts.bankA).execute(id))
        .to.be.revertedWithCustomError(registry, "ProposalCallFailed")
        .withArgs(
          id,
          registry.interface.encodeErrorResult("AccountTaken", [await platform.token.getAddress(), platform.ids.core]),
        );
    });
  });

  describe("member administration", () => {
    it("lets a member's admin add transact and read-only accounts", async () => {
      const { registry, accounts, ids, outsiders } = await networkHelpers.loadFixture(bootstrapped);
      await expect(registry.connect(accounts.core).addAccount(ids.core, outsiders[0], AccessLevel.Transact))
        .to.emit(registry, "AccountAdded")
        .withArgs(ids.core, outsiders[0].address, AccessLevel.Transact);
      await registry.connect(accounts.core).addAccount(ids.core, outsiders[1], AccessLevel.ReadOnly);
      expect(await registry.authorize(outsiders[0], Roles.RECEIVABLE_OBLIGOR)).to.equal(ids.core);
      await expect(registry.authorize(outsiders[1], Roles.MEMBER))
        .to.be.revertedWithCustomError(registry, "AccessLevelTooLow")
        .withArgs(outsiders[1].address, AccessLevel.ReadOnly, AccessLevel.Transact);
      expect(await registry.accountsOf(ids.core)).to.deep.equal([
        accounts.core.address,
        outsiders[0].address,
        outsiders[1].address,
      ]);
    });

    it("rejects account changes by a non-admin, another member's admin, or for a taken account", async () => {
      const { registry, accounts, ids, outsiders } = await networkHelpers.loadFixture(bootstrapped);
      await registry.connect(accounts.core).addAccount(ids.core, outsiders[0], AccessLevel.Transact);
      await expect(registry.connect(outsiders[0]).addAccount(ids.core, outsiders[1], AccessLevel.Transact))
        .to.be.revertedWithCustomError(registry, "AccessLevelTooLow")
        .withArgs(outsiders[0].address, AccessLevel.Transact, AccessLevel.Admin);
      await expect(registry.connect(accounts.bankA).addAccount(ids.core, outsiders[1], AccessLevel.Transact))
        .to.be.revertedWithCustomError(registry, "NotMemberAdmin")
        .withArgs(accounts.bankA.address, ids.core);
      await expect(registry.connect(accounts.bankA).addAccount(ids.bankA, outsiders[0], AccessLevel.Transact))
        .to.be.revertedWithCustomError(registry, "AccountTaken")
        .withArgs(outsiders[0].address, ids.core);
      await expect(
        registry.connect(accounts.bankA).addAccount(ids.bankA, outsiders[1], AccessLevel.None),
      ).to.be.revertedWithCustomError(registry, "InvalidValue");
      await expect(
        registry.connect(accounts.bankA).setAccount(outsiders[0], AccountStatus.Suspended, AccessLevel.Transact),
      )
        .to.be.revertedWithCustomError(registry, "NotMemberAdmin")
        .withArgs(accounts.bankA.address, ids.core);
    });

    it("caps the accounts of a member", async () => {
      const { registry, accounts, ids } = await networkHelpers.loadFixture(bootstrapped);
      for (let i = 1; i < 16; i++) {
        await registry.connect(accounts.core).addAccount(ids.core, ethers.Wallet.createRandom().address, 2);
      }
      await expect(registry.connect(accounts.core).addAccount(ids.core, ethers.Wallet.createRandom().address, 2))
        .to.be.revertedWithCustomError(registry, "LimitReached")
        .withArgs(ids.core, 16);
    });

    it("lets an admin suspend and reactivate its member's account but not its own", async () => {
      const { registry, accounts, ids, outsiders } = await networkHelpers.loadFixture(bootstrapped);
      await registry.connect(accounts.core).addAccount(ids.core, outsiders[0], AccessLevel.Transact);
      await registry.connect(accounts.core).setAccount(outsiders[0], AccountStatus.Suspended, AccessLevel.Transact);
      await expect(registry.authorize(outsiders[0], Roles.MEMBER)).to.be.revertedWithCustomError(
        registry,
        "AccountNotActive",
      );
      await registry.connect(accounts.core).setAccount(outsiders[0], AccountStatus.Active, AccessLevel.Transact);
      expect(await registry.authorize(outsiders[0], Roles.MEMBER)).to.equal(ids.core);
      await expect(
        registry.connect(accounts.core).setAccount(accounts.core, AccountStatus.Suspended, AccessLevel.Admin),
      ).to.be.revertedWithCustomError(registry, "InvalidValue");
      await expect(
        registry.connect(accounts.core).setAccount(outsiders[0], AccountStatus.Blacklisted, AccessLevel.Transact),
      ).to.be.revertedWithCustomError(registry, "InvalidValue");
      await expect(
        registry.connect(accounts.core).setAccount(outsiders[0], AccountStatus.Active, AccessLevel.None),
      ).to.be.revertedWithCustomError(registry, "InvalidValue");
      await expect(
        registry.connect(accounts.core).setAccount(outsiders[1], AccountStatus.Active, AccessLevel.Transact),
      ).to.be.revertedWithCustomError(registry, "UnknownAccount");
    });

    it("a removed member gets no new accounts", async () => {
      const platform = await networkHelpers.loadFixture(bootstrapped);
      const { registry, ids, outsiders } = platform;
      await passProposal(platform, registry, call(platform, "removeMember", [ids.supplier3]));
      await expect(
        passProposal(platform, registry, call(platform, "addAccount", [ids.supplier3, outsiders[0].address, 2])),
      ).to.be.revertedWithCustomError(registry, "ProposalCallFailed");
    });

    it("publishes a new encryption key by the member's admin only", async () => {
      const { registry, accounts, ids, outsiders } = await networkHelpers.loadFixture(bootstrapped);
      const key = keccak256(toUtf8Bytes("rotated"));
      await expect(registry.connect(accounts.core).setEncryptionKey(key))
        .to.emit(registry, "EncryptionKeyChanged")
        .withArgs(ids.core, key);
      expect((await registry.member(ids.core)).encryptionKey).to.equal(key);
      await expect(registry.connect(accounts.core).setEncryptionKey(ZeroHash)).to.be.revertedWithCustomError(
        registry,
        "InvalidValue",
      );
      await expect(registry.connect(outsiders[0]).setEncryptionKey(key)).to.be.revertedWithCustomError(
        registry,
        "UnknownAccount",
      );
    });

    it("registers and removes node identities", async () => {
      const { registry, accounts, ids } = await networkHelpers.loadFixture(bootstrapped);
      const enode = `enode://${"ab".repeat(64)}@10.0.0.1:30303`;
      const nodeId = keccak256(toUtf8Bytes(enode));
      await expect(registry.connect(accounts.bankA).addNode(enode))
        .to.emit(registry, "NodeAdded")
        .withArgs(ids.bankA, nodeId, enode);
      expect(await registry.nodesOf(ids.bankA)).to.deep.equal([enode]);
      await expect(registry.connect(accounts.bankB).addNode(enode)).to.be.revertedWithCustomError(
        registry,
        "InvalidValue",
      );
      await expect(registry.connect(accounts.bankA).addNode("")).to.be.revertedWithCustomError(
        registry,
        "InvalidValue",
      );
      await expect(registry.connect(accounts.bankB).removeNode(nodeId))
        .to.be.revertedWithCustomError(registry, "UnknownNode")
        .withArgs(ids.bankB, nodeId);
      await registry.connect(accounts.bankA).addNode(`${enode}1`);
      await expect(registry.connect(accounts.bankA).removeNode(nodeId))
        .to.emit(registry, "NodeRemoved")
        .withArgs(ids.bankA, nodeId);
      expect(await registry.nodesOf(ids.bankA)).to.deep.equal([`${enode}1`]);
    });

    it("caps the nodes of a member", async () => {
      const { registry, accounts, ids } = await networkHelpers.loadFixture(bootstrapped);
      for (let i = 0; i < 8; i++) await registry.connect(accounts.bankA).addNode(`enode://${i}@host:30303`);
      await expect(registry.connect(accounts.bankA).addNode("enode://9@host:30303"))
        .to.be.revertedWithCustomError(registry, "LimitReached")
        .withArgs(ids.bankA, 8);
    });
  });
});
