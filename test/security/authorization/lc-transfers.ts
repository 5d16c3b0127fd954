import { ZeroAddress, ZeroHash } from "ethers";

import type { Context, Entry } from "./types.js";
import { DAY, h } from "./util.js";

const DOCS = [{ contentHash: h("invoice"), uriHash: h("uri invoice"), kind: 2 }];

async function now(ctx: Context): Promise<bigint> {
  return BigInt(await ctx.connection.networkHelpers.time.latest());
}

/** bankA issues for core to supplier1 (100,000 CNY, partial drawings), bankB advises, supplier1 acknowledges. */
async function operative(ctx: Context): Promise<bigint> {
  const { letterOfCredit: lc, accounts } = ctx.suite;
  const t = await now(ctx);
  const terms = {
    advisingBank: accounts.bankB.address,
    nominatedBank: ZeroAddress,
    beneficiary: accounts.supplier1.address,
    amount: 100_000n,
    currency: "0x434e59",
    tolerancePlus: 0,
    toleranceMinus: 0,
    expiry: t + 90n * DAY,
    latestShipment: t + 60n * DAY,
    deferred: false,
    tenorDays: 0,
    partialDrawings: true,
    requiredDocuments: 1 << 2,
    termsHash: h("lc terms"),
  };
  const id = await lc.connect(accounts.bankA).issue.staticCall(accounts.core, terms);
  await lc.connect(accounts.bankA).issue(accounts.core, terms);
  await lc.connect(accounts.bankB).advise(id);
  await lc.connect(accounts.supplier1).acknowledge(id);
  return id;
}

async function transferTerms(ctx: Context) {
  const t = await now(ctx);
  return {
    secondBeneficiary: ctx.suite.accounts.supplier2.address,
    amount: 60_000n,
    expiry: t + 80n * DAY,
    latestShipment: t + 50n * DAY,
    presentationPeriodDays: 10,
    termsHash: h("transferred terms"),
  };
}

/** An operative LC designated transferable by bankA. */
async function designated(ctx: Context): Promise<bigint> {
  return ctx.state("lc transfers: designated", async () => {
    const id = await operative(ctx);
    await ctx.suite.lcTransfers.connect(ctx.suite.accounts.bankA).designateTransferable(id);
    return id;
  });
}

/** A transfer of 60,000 to supplier2, requested by supplier1 (and executed by bankA when `execute`). */
async function transfer(ctx: Context, execute: boolean): Promise<bigint> {
  return ctx.state(`lc transfers: ${execute ? "executed" : "requested"}`, async () => {
    if (execute) {
      const id = await transfer(ctx, false);
      await ctx.suite.lcTransfers.connect(ctx.suite.accounts.bankA).executeTransfer(id);
      return id;
    }
    const lcId = await designated(ctx);
    const transfers = ctx.suite.lcTransfers.connect(ctx.suite.accounts.supplier1);
    const terms = await transferTerms(ctx);
    const id = await transfers.requestTransfer.staticCall(lcId, terms);
    await transfers.requestTransfer(lcId, terms);
    return id;
  });
}

/** supplier2 presented 60,000 under the executed transfer; supplier1 presented 60,000 under the LC. */
async function presented(ctx: Context): Promise<{ spId: bigint; pid: bigint }> {
  return ctx.state("lc transfers: both presented", async () => {
    const transferId = await transfer(ctx, true);
    const { lcTransfers, letterOfCredit: lc, accounts } = ctx.suite;
    const args = [transferId, 60_000n, h("second docs"), (await now(ctx)) - DAY] as const;
    const spId = await lcTransfers.connect(accounts.supplier2).presentUnderTransfer.staticCall(...args);
    await lcTransfers.connect(accounts.supplier2).presentUnderTransfer(...args);
    const lcId = transferId >> 16n;
    const pid = await lc.connect(accounts.supplier1).present.staticCall(lcId, 60_000n, DOCS);
    await lc.connect(accounts.supplier1).present(lcId, 60_000n, DOCS);
    return { spId, pid };
  });
}

/** Both presented; supplier1 funded and approving the escrow, then substituted its invoice (art. 38h). */
async function substituted(ctx: Context): Promise<{ spId: bigint; pid: bigint }> {
  return ctx.state("lc transfers: substituted", async () => {
    const p = await presented(ctx);
    await escrowReady(ctx);
    const { lcTransfers, accounts } = ctx.suite;
    await lcTransfers.connect(accounts.supplier1).substituteInvoice(p.pid, [p.spId], h("first invoice"));
    return p;
  });
}

/** supplier1 holds 60,000 and approves LcTransfers for it (the second beneficiary's escrow at substitution). */
async function escrowReady(ctx: Context): Promise<void> {
  const { token, lcTransfers, accounts } = ctx.suite;
  await token.connect(accounts.bankA).mint(accounts.supplier1, 60_000n);
  await token.connect(accounts.supplier1).approve(lcTransfers, 60_000n);
}

const issuing = { kind: "member", member: "bankA", role: "LC_BANK", noRole: "supplier1", wrong: "bankB" } as const;
const first = { kind: "member", member: "supplier1", role: "LC_TRADER", noRole: "bankB", wrong: "core" } as const;
const second = { kind: "member", member: "supplier2", role: "LC_TRADER", noRole: "bankB", wrong: "core" } as const;

/** Transferable LCs (UCP 600 art. 38) and back-to-back links (LcTransfers, issue 19). */
export const lcTransferEntries: Entry[] = [
  {
    contract: "lcTransfers",
    signature: "designateTransferable(uint256)",
    rule: "The issuing bank, an open LC before expiry (art. 38b)",
    party: issuing,
    setup: async (ctx) => ({ args: [await ctx.state("lc transfers: operative", () => operative(ctx))] }),
  },
  {
    contract: "lcTransfers",
    signature: "requestTransfer(uint256,(address,uint80,uint40,uint40,uint16,bytes32))",
    rule: "The first beneficiary (the LC's beneficiary), a transferable acknowledged LC, to a second beneficiary in good standing",
    party: first,
    earlier: [
      {
        role: "second beneficiary (named)",
        member: "supplier2",
        allowedWhenSuspended: false,
        note: "a suspended member is not named as second beneficiary",
      },
    ],
    setup: async (ctx) => ({ args: [await designated(ctx), await transferTerms(ctx)] }),
  },
  {
    contract: "lcTransfers",
    signature: "executeTransfer(uint256)",
    rule: "The transferring bank (nominated bank, else issuing bank), LC unchanged since the request, both beneficiaries in good standing",
    party: issuing,
    earlier: [
      { role: "first beneficiary (requested)", member: "supplier1", allowedWhenSuspended: false },
      { role: "second beneficiary (named)", member: "supplier2", allowedWhenSuspended: false },
    ],
    setup: async (ctx) => ({ args: [await transfer(ctx, false)] }),
  },
  {
    contract: "lcTransfers",
    signature: "declineTransfer(uint256)",
    rule: "The transferring bank, a requested transfer (art. 38a)",
    party: issuing,
    setup: async (ctx) => ({ args: [await transfer(ctx, false)] }),
  },
  {
    contract: "lcTransfers",
    signature: "presentUnderTransfer(uint256,uint80,bytes32,uint40)",
    rule: "The second beneficiary, an executed transfer, within its terms and time (art. 38g)",
    party: second,
    setup: async (ctx) => ({
      args: [await transfer(ctx, true), 10_000n, h("second docs"), (await now(ctx)) - DAY],
    }),
  },
  {
    contract: "lcTransfers",
    signature: "substituteInvoice(uint256,uint256[],bytes32)",
    rule: "The first beneficiary, its presentation under the LC covering the second's (art. 38h)",
    party: first,
    setup: async (ctx) => {
      const { spId, pid } = await ctx.state("lc transfers: both presented, escrow approved", async () => {
        const p = await presented(ctx);
        await escrowReady(ctx);
        return p;
      });
      return { args: [pid, [spId], h("first invoice")] };
    },
  },
  {
    contract: "lcTransfers",
    signature: "demandSubstitution(uint256)",
    rule: "The transferring bank, a second beneficiary's presentation not linked (art. 38i)",
    party: issuing,
    setup: async (ctx) => ({ args: [(await presented(ctx)).spId] }),
  },
  {
    contract: "lcTransfers",
    signature: "linkAsReceived(uint256,uint256[])",
    rule: "The transferring bank, after its demand and the substitution period (art. 38i)",
    party: issuing,
    setup: async (ctx) => {
      const ids = await ctx.state("lc transfers: substitution demanded, period over", async () => {
        const p = await presented(ctx);
        await ctx.suite.lcTransfers.connect(ctx.suite.accounts.bankA).demandSubstitution(p.spId);
        await ctx.connection.networkHelpers.time.increase(5n * DAY + 1n);
        return p;
      });
      return { args: [ids.pid, [ids.spId]] };
    },
  },
  {
    contract: "lcTransfers",
    signature: "paySecondBeneficiary(uint256,bytes32)",
    rule: "The transferring bank, once the linked LC presentation is paid or accepted, to a second beneficiary in good standing",
    party: issuing,
    earlier: [
      {
        role: "second beneficiary (paid)",
        member: "supplier2",
        allowedWhenSuspended: false,
        note: "the payee's account must be in good standing when paid",
      },
    ],
    setup: async (ctx) => {
      const spId = await ctx.state("lc transfers: substituted and paid under the LC", async () => {
        const { pid, spId } = await substituted(ctx);
        const { letterOfCredit: lc, accounts } = ctx.suite;
        await lc.connect(accounts.bankA).examine(pid, []);
        await lc.connect(accounts.bankA).pay(pid, ZeroHash);
        return spId;
      });
      return { args: [spId, ZeroHash] };
    },
  },
  {
    contract: "lcTransfers",
    signature: "unlink(uint256)",
    rule: "The second or first beneficiary or the transferring bank, once the linked LC presentation is refused (escrow refunded)",
    party: { kind: "member", member: "supplier2", role: "MEMBER", wrong: "core" },
    setup: async (ctx) => {
      const spId = await ctx.state("lc transfers: substituted, LC presentation refused", async () => {
        const { spId, pid } = await substituted(ctx);
        const { letterOfCredit: lc, accounts } = ctx.suite;
        await lc.connect(accounts.bankA).refuse(pid, [h("DISCREPANT")], h("notice"), false);
        return spId;
      });
      return { args: [spId] };
    },
  },
  {
    contract: "lcTransfers",
    signature: "linkBackToBack(uint256,uint256)",
    rule: "The issuing bank of the back-to-back LC, whose applicant is the master's beneficiary (in good standing)",
    party: { kind: "member", member: "bankC", role: "LC_BANK", noRole: "supplier1", wrong: "bankA" },
    earlier: [
      {
        role: "master's beneficiary (back-to-back applicant)",
        member: "supplier1",
        allowedWhenSuspended: false,
      },
    ],
    setup: async (ctx) => {
      const ids = await ctx.state("lc transfers: master and back-to-back issued", async () => {
        const master = await operative(ctx);
        const { letterOfCredit: lc, accounts } = ctx.suite;
        const t = await now(ctx);
        const terms = {
          advisingBank: accounts.bankB.address,
          nominatedBank: ZeroAddress,
          beneficiary: accounts.supplier2.address,
          amount: 90_000n,
          currency: "0x434e59",
          tolerancePlus: 0,
          toleranceMinus: 0,
          expiry: t + 80n * DAY,
          latestShipment: t + 50n * DAY,
          deferred: false,
          tenorDays: 0,
          partialDrawings: true,
          requiredDocuments: 1 << 2,
          termsHash: h("back-to-back terms"),
        };
        const back = await lc.connect(accounts.bankC).issue.staticCall(accounts.supplier1, terms);
        await lc.connect(accounts.bankC).issue(accounts.supplier1, terms);
        return { master, back };
      });
      return { args: [ids.back, ids.master] };
    },
  },
];
