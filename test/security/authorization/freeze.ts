import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { AccessLevel } from "../../helpers/suite.js";
import type { Context, Entry } from "./types.js";
import { DAY, h } from "./util.js";

const ZERO = "0x0000000000000000000000000000000000000000";
const REFERENCE = h("matrix freeze order");
const AUTHORITY = h("matrix court");

async function now(ctx: Context): Promise<bigint> {
  return BigInt(await ctx.connection.networkHelpers.time.latest());
}

/** A freeze of 100 of supplier1's deposit tokens. */
function scope(ctx: Context) {
  return {
    kind: 2,
    asset: ctx.suite.token.target,
    claimContract: ZERO,
    id: BigInt(ctx.suite.accounts.supplier1.address),
    amount: 100n,
  };
}

/** The regulator's second Transact account (the second person of the two-person rule). */
async function regulator2(ctx: Context): Promise<HardhatEthersSigner> {
  return ctx.state("freeze: second regulator account", async () => {
    const { registry, accounts, ids, outsiders } = ctx.suite;
    await registry.connect(accounts.regulator).addAccount(ids.regulator, outsiders[0], AccessLevel.Transact);
    return outsiders[0];
  });
}

interface Order {
  id: bigint;
  second: HardhatEthersSigner;
}

/** Order 1 proposed by the regulator's admin account. (Each state builds on the one before inside its build.) */
async function proposed(ctx: Context): Promise<Order> {
  return ctx.state("freeze: proposed", async () => {
    const second = await regulator2(ctx);
    const orders = ctx.suite.freezeOrders.connect(ctx.suite.accounts.regulator);
    const expiry = (await now(ctx)) + 30n * DAY;
    const id = await orders.propose.staticCall(scope(ctx), REFERENCE, AUTHORITY, expiry);
    await orders.propose(scope(ctx), REFERENCE, AUTHORITY, expiry);
    return { id, second };
  });
}

/** Order 1 in force (approved by the second regulator account). */
async function active(ctx: Context): Promise<Order> {
  return ctx.state("freeze: active", async () => {
    const order = await proposed(ctx);
    await ctx.suite.freezeOrders.connect(order.second).approve(order.id);
    return order;
  });
}

/** Order 1 in force, its release proposed by the regulator's admin account. */
async function releaseProposed(ctx: Context): Promise<Order> {
  return ctx.state("freeze: release proposed", async () => {
    const order = await active(ctx);
    await ctx.suite.freezeOrders.connect(ctx.suite.accounts.regulator).proposeRelease(order.id);
    return order;
  });
}

/** Order 1 past its expiry (30 days), not tidied up. */
async function expired(ctx: Context): Promise<Order> {
  return ctx.state("freeze: expired", async () => {
    const order = await active(ctx);
    await ctx.connection.networkHelpers.time.increase(31n * DAY);
    return order;
  });
}

const regulator = { kind: "member", member: "regulator", role: "AUDITOR", noRole: "bankA" } as const;
const RULE_FIRST = "A regulator account (member of kind Regulator with AUDITOR) in good standing";
const RULE_SECOND =
  "Another account of a regulator (not the one that proposed), both in good standing when it takes effect";

const freezeCount = (contract: Entry["contract"]): Entry => ({
  contract,
  signature: "freezeCountChanged(address,uint256,bool)",
  rule: "The register of freeze orders this contract was built with, when an order takes effect or ends",
  party: { kind: "contract", who: "FreezeOrders", account: async (ctx) => ctx.suite.freezeOrders.getAddress() },
  setup: async () => ({ args: [ZERO, 1n, true] }),
});

export const freezeEntries: Entry[] = [
  {
    contract: "freezeOrders",
    signature: "propose((uint8,address,address,uint256,uint256),bytes32,bytes32,uint40)",
    rule: RULE_FIRST,
    party: regulator,
    allowed: ["regulator"],
    setup: async (ctx) => ({ args: [scope(ctx), REFERENCE, AUTHORITY, (await now(ctx)) + 30n * DAY] }),
  },
  {
    contract: "freezeOrders",
    signature: "approve(uint256)",
    rule: RULE_SECOND,
    party: regulator,
    setup: async (ctx) => {
      const { id, second } = await proposed(ctx);
      return { args: [id], signer: second };
    },
  },
  {
    contract: "freezeOrders",
    signature: "cancel(uint256)",
    rule: "The regulator account that proposed, before approval",
    party: regulator,
    allowed: ["regulator"],
    setup: async (ctx) => ({ args: [(await proposed(ctx)).id] }),
  },
  {
    contract: "freezeOrders",
    signature: "executeByGovernance((uint8,address,address,uint256,uint256),bytes32,bytes32,uint40)",
    rule: "Governance (a passed proposal): the order takes effect at once",
    party: { kind: "governance" },
    setup: async (ctx) => ({ args: [scope(ctx), REFERENCE, AUTHORITY, (await now(ctx)) + 30n * DAY] }),
  },
  {
    contract: "freezeOrders",
    signature: "proposeRelease(uint256)",
    rule: RULE_FIRST + ", on an order in force",
    party: regulator,
    allowed: ["regulator"],
    setup: async (ctx) => ({ args: [(await active(ctx)).id] }),
  },
  {
    contract: "freezeOrders",
    signature: "approveRelease(uint256)",
    rule: RULE_SECOND.replace("proposed", "proposed the release"),
    party: regulator,
    setup: async (ctx) => {
      const { id, second } = await releaseProposed(ctx);
      return { args: [id], signer: second };
    },
  },
  {
    contract: "freezeOrders",
    signature: "releaseByGovernance(uint256)",
    rule: "Governance (a passed proposal), on an order in force",
    party: { kind: "governance" },
    setup: async (ctx) => ({ args: [(await active(ctx)).id] }),
  },
  {
    contract: "freezeOrders",
    signature: "lapse(uint256)",
    rule: "Any active member, once the order is past its expiry (it froze nothing since)",
    party: { kind: "member", member: "supplier1", role: "MEMBER" },
    allowed: ["regulator"],
    setup: async (ctx) => ({ args: [(await expired(ctx)).id] }),
  },
  freezeCount("token"),
  freezeCount("receivableCertificates"),
  freezeCount("forfaiting"),
  freezeCount("warehouseReceipts"),
];
