import { keccak256 } from "ethers";
import { Roles } from "@consortia/sdk";
import { AccessLevel } from "../../helpers/suite.js";
import { registered } from "./receivables.js";
import { governance } from "./runner.js";
import type { Context, Entry } from "./types.js";
import { h } from "./util.js";
import { deployUpgradeable, implementationOf } from "../../helpers/upgradeable.js";

const gov = { kind: "governance" } as const;
const governed = (signature: string, rule: string, setup: Entry["setup"]): Entry => ({
  contract: "registry",
  signature,
  rule: `Governance (a passed proposal): ${rule}`,
  party: gov,
  setup,
});

/** A proposal by bankA, pending. */
async function pendingProposal(ctx: Context): Promise<bigint> {
  return ctx.state("registry: pending proposal", async () => {
    const { registry, accounts } = ctx.suite;
    const data = registry.interface.encodeFunctionData("setVotingPeriod", [86_400n * 3n]);
    const id = await registry.connect(accounts.bankA).propose.staticCall(registry, data, h("proposal"));
    await registry.connect(accounts.bankA).propose(registry, data, h("proposal"));
    return id;
  });
}

/** A fresh registry still in bootstrap, its deployer the bootstrapper. */
async function freshRegistry(ctx: Context) {
  const registry = await deployUpgradeable(ctx.connection.ethers, "ConsortiumRegistry", [], [], ctx.suite.deployer);
  return registry;
}

export const platformEntries: Entry[] = [
  // ------------------------------------------------------------------ registry: members' own administration
  {
    contract: "registry",
    signature: "addAccount(uint32,address,uint8)",
    rule: "An Admin account of the member (or governance)",
    party: { kind: "member", member: "bankA", role: "MEMBER", wrong: "bankB" },
    setup: async (ctx) => ({
      args: [ctx.suite.ids.bankA, "0x00000000000000000000000000000000000a0001", AccessLevel.Transact],
    }),
  },
  {
    contract: "registry",
    signature: "setAccount(address,uint8,uint8)",
    rule: "An Admin account of the account's member, not on itself",
    party: { kind: "member", member: "bankA", role: "MEMBER", wrong: "bankB" },
    setup: async (ctx) => ({ args: [ctx.suite.standing.bankA2.address, 2, AccessLevel.Transact] }),
  },
  {
    contract: "registry",
    signature: "setEncryptionKey(bytes32)",
    rule: "An Admin account of the member (its own key)",
    party: { kind: "member", member: "bankA", role: "MEMBER" },
    allowed: ["regulator"],
    setup: async () => ({ args: [h("new key")] }),
  },
  {
    contract: "registry",
    signature: "addNode(string)",
    rule: "An Admin account of the member (its own node)",
    party: { kind: "member", member: "bankA", role: "MEMBER" },
    allowed: ["regulator"],
    setup: async () => ({ args: ["enode://" + "ab".repeat(64) + "@10.0.0.9:30303"] }),
  },
  {
    contract: "registry",
    signature: "removeNode(bytes32)",
    rule: "An Admin account of the node's member",
    party: { kind: "member", member: "bankA", role: "MEMBER", wrong: "bankB" },
    setup: async (ctx) => {
      const enode = "enode://" + "cd".repeat(64) + "@10.0.0.8:30303";
      const { registry, accounts } = ctx.suite;
      const nodeId = await registry.connect(accounts.bankA).addNode.staticCall(enode);
      await registry.connect(accounts.bankA).addNode(enode);
      return { args: [nodeId] };
    },
  },
  // ------------------------------------------------------------------ registry: proposals
  {
    contract: "registry",
    signature: "proposeUpgrade(address,address,bytes20,bytes32,bytes,bytes32)",
    rule: "A voting member (VOTER), naming an implementation with the bytecode hash it has",
    party: { kind: "member", member: "bankA", role: "VOTER", noRole: "core" },
    allowed: ["regulator"],
    setup: async (ctx) => {
      const { blacklist } = ctx.suite;
      const implementation = await implementationOf(ctx.connection.ethers.provider, blacklist);
      const hash = keccak256(await ctx.connection.ethers.provider.getCode(implementation));
      return { args: [await blacklist.getAddress(), implementation, `0x${"ab".repeat(20)}`, hash, "0x", h("u")] };
    },
  },
  {
    contract: "registry",
    signature: "propose(address,bytes,bytes32)",
    rule: "A voting member (VOTER)",
    party: { kind: "member", member: "bankA", role: "VOTER", noRole: "core" },
    allowed: ["regulator"],
    setup: async (ctx) => {
      const { registry } = ctx.suite;
      return {
        args: [await registry.getAddress(), registry.interface.encodeFunctionData("setThreshold", [3]), h("p")],
      };
    },
  },
  {
    contract: "registry",
    signature: "approve(uint256)",
    rule: "A voting member (VOTER) that has not approved yet",
    party: { kind: "member", member: "bankB", role: "VOTER", noRole: "core" },
    allowed: ["regulator"],
    setup: async (ctx) => ({ args: [await pendingProposal(ctx)] }),
  },
  {
    contract: "registry",
    signature: "execute(uint256)",
    rule: "Any active member, once enough active voters approved",
    party: { kind: "member", member: "bankC", role: "MEMBER" },
    allowed: ["regulator"],
    setup: async (ctx) => {
      const id = await pendingProposal(ctx);
      const { registry, accounts } = ctx.suite;
      await registry.connect(accounts.bankB).approve(id);
      await registry.connect(accounts.gov1).approve(id);
      return { args: [id] };
    },
  },
  {
    contract: "registry",
    signature: "scheduleUpgrade(uint256)",
    rule: "Any active member, once enough active voters approved an upgrade that no approval scheduled",
    party: { kind: "member", member: "bankC", role: "MEMBER" },
    allowed: ["regulator"],
    setup: async (ctx) => {
      // gov1 approves, is suspended, bankB's approval then makes three of which two count; gov1 is reinstated.
      const { registry, accounts, ids, blacklist } = ctx.suite;
      const provider = ctx.connection.ethers.provider;
      const implementation = await implementationOf(provider, blacklist);
      const hash = keccak256(await provider.getCode(implementation));
      const args = [await blacklist.getAddress(), implementation, `0x${"cd".repeat(20)}`, hash, "0x", h("s")] as const;
      const id = await registry.connect(accounts.bankA).proposeUpgrade.staticCall(...args);
      await registry.connect(accounts.bankA).proposeUpgrade(...args);
      await registry.connect(accounts.gov1).approve(id);
      const governed = registry.connect(await governance(ctx));
      await governed.suspendMember(ids.gov1);
      await registry.connect(accounts.bankB).approve(id);
      await governed.reinstateMember(ids.gov1);
      return { args: [id] };
    },
  },
  {
    contract: "registry",
    signature: "cancel(uint256)",
    rule: "The proposer (a voting member)",
    party: { kind: "member", member: "bankA", role: "VOTER", noRole: "core", wrong: "bankB" },
    setup: async (ctx) => ({ args: [await pendingProposal(ctx)] }),
  },
  // ------------------------------------------------------------------ registry: governance
  governed("admitMember(uint8,string,bytes32,bytes32,uint64,address)", "admits a member", async () => ({
    args: [
      2,
      "newco",
      h("reg newco"),
      h("key newco"),
      Roles.RECEIVABLE_HOLDER,
      "0x00000000000000000000000000000000000a0002",
    ],
  })),
  governed("suspendMember(uint32)", "suspends a member", async (ctx) => ({ args: [ctx.suite.ids.supplier3] })),
  governed("reinstateMember(uint32)", "reinstates a suspended member", async (ctx) => {
    const { registry, ids } = ctx.suite;
    await registry.connect(await governance(ctx)).suspendMember(ids.supplier3);
    return { args: [ids.supplier3] };
  }),
  governed("removeMember(uint32)", "removes a member", async (ctx) => ({ args: [ctx.suite.ids.supplier3] })),
  governed("setRoles(uint32,uint64)", "sets a member's roles", async (ctx) => ({
    args: [ctx.suite.ids.supplier3, Roles.RECEIVABLE_HOLDER],
  })),
  governed("setThreshold(uint8)", "changes the voting threshold", async () => ({ args: [4] })),
  governed("setVotingPeriod(uint64)", "changes the voting period", async () => ({ args: [86_400n * 2n] })),
  governed("setExecutionDelay(uint64)", "changes the wait before an upgrade executes", async () => ({
    args: [86_400n],
  })),
  governed("blacklistAccount(address)", "blacklists an account", async (ctx) => ({
    args: [ctx.suite.standing.supplier2Spare.address],
  })),
  governed("recoverAccount(address)", "recovers a blacklisted account", async (ctx) => {
    const { registry, standing } = ctx.suite;
    await registry.connect(await governance(ctx)).blacklistAccount(standing.supplier2Spare);
    return { args: [standing.supplier2Spare.address] };
  }),
  governed("setSystemContract(address,bool)", "allows or removes a suite contract", async (ctx) => ({
    args: [await ctx.suite.blacklist.getAddress(), true],
  })),
  // ------------------------------------------------------------------ registry: bootstrap
  ...(["bootstrapMember", "bootstrapSystemContract", "endBootstrap"] as const).map((name): Entry => ({
    contract: "registry",
    signature: {
      bootstrapMember: "bootstrapMember(uint8,string,bytes32,bytes32,uint64,address)",
      bootstrapSystemContract: "bootstrapSystemContract(address)",
      endBootstrap: "endBootstrap(uint8)",
    }[name],
    rule: "The deploying account, before bootstrap ends (refused to everyone once it has)",
    party: { kind: "deployer", who: "bootstrapper" },
    setup: async (ctx) => {
      const registry = await freshRegistry(ctx);
      const { deployer, accounts } = ctx.suite;
      if (name === "endBootstrap") {
        await registry.bootstrapMember(1, "founder", h("r"), h("k"), Roles.VOTER, accounts.bankA);
      }
      const args = {
        bootstrapMember: [1, "founder", h("r"), h("k"), Roles.VOTER, accounts.bankA.address],
        bootstrapSystemContract: [await ctx.suite.receivableDesk.getAddress()],
        endBootstrap: [1],
      }[name];
      return { args, signer: deployer, target: registry };
    },
  })),
  // ------------------------------------------------------------------ deposit token
  {
    contract: "token",
    signature: "mint(address,uint256)",
    rule: "An issuing bank (TOKEN_ISSUER), to an active holder",
    party: { kind: "member", member: "bankA", role: "TOKEN_ISSUER", noRole: "bankC" },
    setup: async (ctx) => ({ args: [ctx.suite.accounts.supplier1.address, 1_000n] }),
  },
  {
    contract: "token",
    signature: "burn(uint256)",
    rule: "An issuing bank (TOKEN_ISSUER), its own deposits",
    party: { kind: "member", member: "bankA", role: "TOKEN_ISSUER", noRole: "bankC" },
    setup: async () => ({ args: [1_000n] }),
  },
  {
    contract: "token",
    signature: "transfer(address,uint256)",
    rule: "An active holder (TOKEN_HOLDER), to an active holder",
    party: { kind: "member", member: "supplier1", role: "TOKEN_HOLDER", noRole: "agency" },
    setup: async (ctx) => ({ args: [ctx.suite.accounts.supplier2.address, 1n] }),
  },
  {
    contract: "token",
    signature: "approve(address,uint256)",
    rule: "An active holder granting an active holder or a suite contract (withdrawing, 0, needs nothing)",
    party: { kind: "member", member: "supplier1", role: "TOKEN_HOLDER", noRole: "agency" },
    setup: async (ctx) => ({ args: [ctx.suite.accounts.supplier2.address, 5n] }),
  },
  {
    contract: "token",
    signature: "transferFrom(address,address,uint256)",
    rule: "A spender that is an active holder or a suite contract, within its allowance; owner and receiver active",
    party: { kind: "member", member: "bankB", role: "TOKEN_HOLDER", noRole: "agency", wrong: "bankC" },
    earlier: [{ role: "owner (approved the spender)", member: "supplier1", allowedWhenSuspended: false }],
    setup: async (ctx) => {
      const { token, accounts } = ctx.suite;
      await token.connect(accounts.supplier1).approve(accounts.bankB, 10n);
      return { args: [accounts.supplier1.address, accounts.supplier2.address, 10n] };
    },
  },
  // ------------------------------------------------------------------ consortium calendar
  {
    contract: "calendar",
    signature: "setWorkingDays(uint16,uint256,uint256)",
    rule: "Governance (a passed proposal): a year's working days",
    party: gov,
    setup: async () => ({ args: [2027, 1n, 0n] }),
  },
  {
    contract: "calendar",
    signature: "clearWorkingDays(uint16)",
    rule: "Governance (a passed proposal): back to Monday to Friday",
    party: gov,
    setup: async () => ({ args: [2027] }),
  },
  // ------------------------------------------------------------------ payment ledger
  {
    contract: "ledger",
    signature: "record(address,uint32,uint32,uint256,bytes32)",
    rule: "A suite contract, inside the step it settles, for a PAYMENT_BANK account",
    party: {
      kind: "contract",
      who: "suite contract (ReceivableDesk here)",
      account: async (ctx) => ctx.suite.receivableDesk.getAddress(),
    },
    setup: async (ctx) => {
      const { accounts, ids } = ctx.suite;
      return { args: [accounts.bankA.address, ids.core, ids.supplier1, 100n, h("ledger ref")] };
    },
  },
  // ------------------------------------------------------------------ register of financed documents
  {
    contract: "financedDocuments",
    signature: "hold(bytes32,uint256,uint256,bytes3,uint256,uint32)",
    rule: "A suite contract, inside the step that finances the document (registering a receivable)",
    party: {
      kind: "contract",
      who: "suite contract (ReceivableDesk here)",
      account: async (ctx) => ctx.suite.receivableDesk.getAddress(),
    },
    setup: async (ctx) => ({ args: [h("matrix document"), 1n, 1_000n, "0x434e59", 1_000n, ctx.suite.ids.bankA] }),
  },
  {
    contract: "financedDocuments",
    signature: "release(bytes32,uint256,uint8,address)",
    rule: "The suite contract that holds the document, at a recorded closure (paid, or cancelled)",
    party: {
      kind: "contract",
      who: "suite contract that holds (ReceivableDesk here)",
      account: async (ctx) => ctx.suite.receivableDesk.getAddress(),
    },
    setup: async (ctx) => {
      const receivableId = await registered(ctx);
      const { invoiceKey } = await ctx.suite.receivableDesk.receivable(receivableId);
      return { args: [invoiceKey, receivableId, 2, "0x0000000000000000000000000000000000000000"] };
    },
  },
];

/** `pause()` and `unpause()` of every application: governance only. */
export function pauseEntries(contracts: Entry["contract"][]): Entry[] {
  return contracts.flatMap((contract): Entry[] => [
    {
      contract,
      signature: "pause()",
      rule: "Governance (a passed proposal): emergency pause",
      party: gov,
      setup: async () => ({ args: [] }),
    },
    {
      contract,
      signature: "unpause()",
      rule: "Governance (a passed proposal): resume",
      party: gov,
      setup: async (ctx) => {
        await (ctx.suite[contract] as unknown as { connect(s: unknown): { pause(): Promise<unknown> } })
          .connect(await governance(ctx))
          .pause();
        return { args: [] };
      },
    },
  ]);
}
