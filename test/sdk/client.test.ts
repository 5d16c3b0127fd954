import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AbiCoder, id as selectorOf, type Signer } from "ethers";
import { network } from "hardhat";
import { deployPlatform, type Platform } from "../helpers/consortium.js";
import { platformDeployment } from "../helpers/deployment.js";
import {
  type Consortia,
  ContractError,
  createConsortia,
  decodeContractError,
  decodeRevertData,
  type Deployment,
  DeploymentMismatchError,
  formatAmount,
  InvalidAmountError,
  parseAmount,
  ReadOnlyClientError,
  Roles,
  UnknownMemberError,
  writeDeployment,
} from "@consortia/sdk";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

interface Fixture {
  platform: Platform;
  deployment: Deployment;
  as(signer: Signer): Promise<Consortia>;
}

async function fixture(): Promise<Fixture> {
  const platform = await deployPlatform(connection);
  await platform.finishBootstrap();
  const deployment = await platformDeployment(platform);
  return {
    platform,
    deployment,
    as: (signer) => createConsortia({ runner: signer, deployment }),
  };
}

/** Awaits a promise that must reject and returns the rejection. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

async function contractError(promise: Promise<unknown>): Promise<ContractError> {
  const error = await rejection(promise);
  expect(error).to.be.instanceOf(ContractError, String(error));
  return error as ContractError;
}

describe("sdk/client createConsortia", () => {
  describe("building clients", () => {
    it("connects registry, token and ledger at the deployment's addresses", async () => {
      const { platform, as } = await networkHelpers.loadFixture(fixture);
      const consortia = await as(platform.accounts.bankA);
      expect(consortia.registry.address).to.equal(await platform.registry.getAddress());
      expect(consortia.token.address).to.equal(await platform.token.getAddress());
      expect(await consortia.ledger.isRecorded(`0x${"11".repeat(32)}`)).to.equal(false);
      expect(consortia.has("registry")).to.equal(true);
    });

    it("rejects a deployment of another chain (wrong network)", async () => {
      const { platform, deployment } = await networkHelpers.loadFixture(fixture);
      const error = await rejection(
        createConsortia({
          runner: platform.accounts.bankA,
          deployment: { ...deployment, chainId: 31337 },
        }),
      );
      expect(error).to.be.instanceOf(DeploymentMismatchError);
      expect(String(error)).to.match(/wrong network: the node is chain \d+ but the deployment is for chain 31337/);
    });

    it("names the missing contract when the deployment lacks an application", async () => {
      const { platform, deployment } = await networkHelpers.loadFixture(fixture);
      const { DepositToken: _token, ...others } = deployment.contracts;
      const consortia = await createConsortia({
        runner: platform.accounts.bankA,
        deployment: { ...deployment, contracts: others },
      });
      expect(consortia.has("token")).to.equal(false);
      expect(() => consortia.token).to.throw(
        DeploymentMismatchError,
        /no contract DepositToken .*has: ConsortiumRegistry, PaymentLedger/,
      );
    });

    it("rejects a malformed deployment object", async () => {
      const { platform, deployment } = await networkHelpers.loadFixture(fixture);
      const broken = {
        ...deployment,
        contracts: { ConsortiumRegistry: { address: "0x1234", block: 0 } },
      };
      expect(
        await rejection(
          createConsortia({
            runner: platform.accounts.bankA,
            deployment: broken,
          }),
        ),
      ).to.be.instanceOf(DeploymentMismatchError);
    });

    it("loads deployments/<chainId>.json from a directory", async () => {
      const { platform, deployment } = await networkHelpers.loadFixture(fixture);
      const directory = await mkdtemp(join(tmpdir(), "consortia-sdk-"));
      try {
        await writeDeployment(join(directory, `${deployment.chainId}.json`), deployment);
        const consortia = await createConsortia({
          runner: platform.accounts.bankA,
          deployment: { directory },
        });
        expect(consortia.deployment.contracts.DepositToken.address).to.equal(deployment.contracts.DepositToken.address);
        expect((await consortia.registry.members()).length).to.equal(11);
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    });

    it("a provider-only client reads but refuses to send", async () => {
      const { platform, deployment } = await networkHelpers.loadFixture(fixture);
      const consortia = await createConsortia({
        runner: ethers.provider,
        deployment,
      });
      expect((await consortia.registry.findMember("bankB")).id).to.equal(platform.ids.bankB);
      expect(await rejection(consortia.token.mint(platform.accounts.core.address, 1n))).to.be.instanceOf(
        ReadOnlyClientError,
      );
    });
  });

  describe("registry client", () => {
    it("lists members with kinds, statuses and role names", async () => {
      const { platform, as } = await networkHelpers.loadFixture(fixture);
      const members = await (await as(platform.accounts.bankA)).registry.members();
      expect(members.map((member) => member.name)).to.include.members(["bankA", "core", "regulator"]);
      const bankA = members.find((member) => member.name === "bankA")!;
      expect(bankA).to.include({
        id: platform.ids.bankA,
        kind: "Bank",
        status: "Active",
      });
      expect(bankA.roleNames).to.include.members(["VOTER", "TOKEN_ISSUER"]);
      expect(bankA.accounts).to.deep.equal([platform.accounts.bankA.address]);
    });

    it("finds a member by id, name (any case) or account, and rejects unknown references", async () => {
      const { platform, as } = await networkHelpers.loadFixture(fixture);
      const { registry } = await as(platform.accounts.bankA);
      expect((await registry.findMember(platform.ids.core)).name).to.equal("core");
      expect((await registry.findMember("SUPPLIER2")).id).to.equal(platform.ids.supplier2);
      expect((await registry.findMember(platform.accounts.agency.address)).name).to.equal("agency");
      for (const reference of ["nobody", "999", "0", platform.outsiders[0].address]) {
        expect(await rejection(registry.findMember(reference))).to.be.instanceOf(UnknownMemberError);
      }
    });

    it("authorize returns the member id or the decoded reason", async () => {
      const { platform, as } = await networkHelpers.loadFixture(fixture);
      const { registry } = await as(platform.accounts.bankA);
      expect(await registry.authorize(platform.accounts.bankA.address, "TOKEN_ISSUER")).to.equal(platform.ids.bankA);
      expect(await registry.isAuthorized(platform.accounts.core.address, Roles.TOKEN_ISSUER)).to.equal(false);
      const missing = await contractError(registry.authorize(platform.accounts.core.address, "TOKEN_ISSUER"));
      expect(missing.errorName).to.equal("MissingRole");
      expect(missing.contract).to.equal("ConsortiumRegistry");
      expect(missing.decoded.message).to.equal(`member ${platform.ids.core} lacks role TOKEN_ISSUER`);
      const unknown = await contractError(registry.authorize(platform.outsiders[0].address, "MEMBER"));
      expect(unknown.errorName).to.equal("UnknownAccount");
      expect(unknown.args.account).to.equal(platform.outsiders[0].address);
    });

    it("proposes a governance call by name, collects approvals and executes it", async () => {
      const { platform, as } = await networkHelpers.loadFixture(fixture);
      const [bankA, bankB, bankC] = await Promise.all([
        as(platform.accounts.bankA),
        as(platform.accounts.bankB),
        as(platform.accounts.bankC),
      ]);
      const sent: string[] = [];
      const { proposalId } = await bankA.registry.propose(
        "suspendMember",
        [platform.ids.supplier3],
        "supplier3 defaulted",
        {
          onSent: (hash) => sent.push(hash),
        },
      );
      expect(sent).to.have.length(1);
      const open = await bankA.registry.proposals({ pending: true });
      expect(open.map((proposal) => proposal.id)).to.deep.equal([proposalId]);
      expect(open[0]).to.include({
        status: "Pending",
        approvals: 1,
        call: `suspendMember(${platform.ids.supplier3})`,
      });

      await bankB.registry.approve(proposalId);
      await bankC.registry.approve(proposalId);
      await bankA.registry.execute(proposalId);
      expect((await bankA.registry.findMember("supplier3")).status).to.equal("Suspended");
      expect((await bankA.registry.proposal(proposalId)).status).to.equal("Executed");
      expect(await bankA.registry.proposals({ pending: true })).to.deep.equal([]);
    });
  });

  describe("token client", () => {
    it("mints, transfers and reads balances in minor units", async () => {
      const { platform, as } = await networkHelpers.loadFixture(fixture);
      const bankA = await as(platform.accounts.bankA);
      const core = await as(platform.accounts.core);
      await bankA.token.mint(platform.accounts.core.address, await bankA.token.parse("1250.50"));
      await core.token.transfer(platform.accounts.supplier1.address, 50_00n);
      expect(await bankA.token.format(await bankA.token.balanceOf(platform.accounts.core.address))).to.equal("1200.50");
      expect(await bankA.token.balanceOf(platform.accounts.supplier1.address)).to.equal(5000n);
    });

    it("parses amounts strictly and formats them with the token's decimals", () => {
      expect(parseAmount("1250.5", 2)).to.equal(125050n);
      expect(parseAmount("1_000", 2)).to.equal(100000n);
      expect(formatAmount(125050n, 2)).to.equal("1250.50");
      expect(formatAmount(100n, 0)).to.equal("100");
      for (const bad of ["1.234", "-1", "1e3", "", "abc", "0x10", "1."]) {
        expect(() => parseAmount(bad, 2), bad).to.throw(InvalidAmountError);
      }
    });
  });

  describe("decodeContractError", () => {
    it("decodes a role failure bubbling out of the token, naming the called contract", async () => {
      const { platform, as } = await networkHelpers.loadFixture(fixture);
      const core = await as(platform.accounts.core);
      const error = await contractError(core.token.mint(platform.accounts.core.address, 1n));
      expect(error.contract).to.equal("DepositToken");
      expect(error.errorName).to.equal("MissingRole");
      expect(error.args).to.deep.equal({
        memberId: BigInt(platform.ids.core),
        role: Roles.TOKEN_ISSUER,
      });
      expect(error.message).to.equal(
        `DepositToken reverted with MissingRole: member ${platform.ids.core} lacks role TOKEN_ISSUER`,
      );
    });

    it("decodes OpenZeppelin's ERC-20 errors", async () => {
      const { platform, as } = await networkHelpers.loadFixture(fixture);
      const core = await as(platform.accounts.core);
      const error = await contractError(core.token.transfer(platform.accounts.supplier1.address, 1n));
      expect(error.errorName).to.equal("ERC20InsufficientBalance");
      expect(error.decoded.message).to.equal(
        `balance of ${platform.accounts.core.address} is 0, 1 needed (minor units)`,
      );
    });

    it("decodes governance errors with enum and proposal context", async () => {
      const { platform, as } = await networkHelpers.loadFixture(fixture);
      const bankA = await as(platform.accounts.bankA);
      const { proposalId } = await bankA.registry.propose("setThreshold", [1], "too low");
      const again = await contractError(bankA.registry.approve(proposalId));
      expect(again.errorName).to.equal("AlreadyApproved");
      expect(again.decoded.message).to.equal(`member ${platform.ids.bankA} already approved proposal ${proposalId}`);
      const early = await contractError(bankA.registry.execute(proposalId));
      expect(early.decoded.message).to.equal(`proposal ${proposalId} has 1 approvals from active voters; 3 needed`);

      const supplier = await as(platform.accounts.supplier1);
      const notVoter = await contractError(supplier.registry.approve(proposalId));
      expect(notVoter.decoded.message).to.equal(`member ${platform.ids.supplier1} lacks role VOTER`);
    });

    it("decodes the reason inside ProposalCallFailed", async () => {
      const { platform, as } = await networkHelpers.loadFixture(fixture);
      const [bankA, bankB, bankC] = await Promise.all([
        as(platform.accounts.bankA),
        as(platform.accounts.bankB),
        as(platform.accounts.bankC),
      ]);
      const { proposalId } = await bankA.registry.propose("setThreshold", [1], "unsafe");
      await bankB.registry.approve(proposalId);
      await bankC.registry.approve(proposalId);
      const error = await contractError(bankA.registry.execute(proposalId));
      expect(error.errorName).to.equal("ProposalCallFailed");
      expect(error.decoded.message).to.equal(
        `proposal ${proposalId}'s call failed: UnsafeThreshold: threshold 1 is unsafe for 5 active voters (needs a strict majority, at most all)`,
      );
    });

    it("renders enum values by name and decodes raw revert data", () => {
      const coder = AbiCoder.defaultAbiCoder();
      const account = "0x00000000000000000000000000000000000000aa";
      const data =
        selectorOf("AccountNotActive(address,uint8)").slice(0, 10) +
        coder.encode(["address", "uint8"], [account, 3]).slice(2);
      const decoded = decodeRevertData(data);
      expect(decoded).to.include({
        name: "AccountNotActive",
        contract: "ConsortiumRegistry",
        signature: "AccountNotActive(address,uint8)",
      });
      expect(decoded.message).to.equal("account 0x00000000000000000000000000000000000000AA is Blacklisted");
    });

    it("decodes require messages, panics, reason-less reverts and unknown selectors", () => {
      const coder = AbiCoder.defaultAbiCoder();
      expect(decodeRevertData(`0x08c379a0${coder.encode(["string"], ["nope"]).slice(2)}`)).to.include({
        name: "Error",
        message: "nope",
      });
      expect(decodeRevertData(`0x4e487b71${coder.encode(["uint256"], [0x11]).slice(2)}`)).to.include({
        name: "Panic",
        message: "panic: arithmetic overflow or underflow",
      });
      expect(decodeRevertData("0x")).to.include({ name: "Revert" });
      expect(decodeRevertData("0xdeadbeef")).to.include({
        name: "UnknownError",
        message: "unknown custom error 0xdeadbeef",
      });
    });

    it("finds revert data in nested JSON-RPC error shapes and ignores non-reverts", () => {
      const data = selectorOf("EmptyReference()").slice(0, 10);
      const nested = {
        message: "execution reverted",
        error: { code: 3, data: { data } },
      };
      expect(decodeContractError(nested)).to.include({
        name: "EmptyReference",
        contract: "PaymentLedger",
      });
      expect(decodeContractError(new Error("connection refused"))).to.equal(undefined);
    });
  });
});
