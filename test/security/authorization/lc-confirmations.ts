import type { Context, Entry } from "./types.js";
import { DAY, h } from "./util.js";

/** bankA issued for core, bankB advised, supplier1 acknowledged; bankC is the nominated bank. */
async function nominatedLc(ctx: Context): Promise<bigint> {
  return ctx.state("lc confirmations: open LC with a nominated bank", async () => {
    const { letterOfCredit: lc, accounts } = ctx.suite;
    const t = BigInt(await ctx.connection.networkHelpers.time.latest());
    const terms = {
      advisingBank: accounts.bankB.address,
      nominatedBank: accounts.bankC.address,
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
  });
}

async function authorized(ctx: Context): Promise<bigint> {
  return ctx.state("lc confirmations: authorised", async () => {
    const id = await nominatedLc(ctx);
    await ctx.suite.lcConfirmations
      .connect(ctx.suite.accounts.bankA)
      .authorizeConfirmation(id, ctx.suite.ids.bankC, true);
    return id;
  });
}

/** Confirmed by bankC, then amended (accepted by the beneficiary): the confirmation is at the old terms. */
async function amended(ctx: Context): Promise<bigint> {
  return ctx.state("lc confirmations: confirmed, then amended", async () => {
    const { letterOfCredit: lc, lcConfirmations: confirmations, accounts } = ctx.suite;
    const id = await authorized(ctx);
    await confirmations.connect(accounts.bankC).addConfirmation(id, current(await confirmations.currentTerms(id)));
    const now = await confirmations.currentTerms(id);
    const amendment = { amount: 120_000n, expiry: now.expiry, latestShipment: now.latestShipment, termsHash: h("v2") };
    await lc.connect(accounts.bankA).proposeAmendment(id, amendment);
    await lc.connect(accounts.supplier1).acceptAmendment(id, amendment);
    return id;
  });
}

const current = (t: {
  amount: bigint;
  tolerancePlus: bigint;
  toleranceMinus: bigint;
  expiry: bigint;
  latestShipment: bigint;
  termsHash: string;
}) => ({
  amount: t.amount,
  tolerancePlus: t.tolerancePlus,
  toleranceMinus: t.toleranceMinus,
  expiry: t.expiry,
  latestShipment: t.latestShipment,
  termsHash: t.termsHash,
});

const issuing = { kind: "member", member: "bankA", role: "LC_BANK", noRole: "supplier1", wrong: "bankB" } as const;
const confirming = { kind: "member", member: "bankC", role: "LC_BANK", noRole: "supplier1", wrong: "bankB" } as const;
const TERMS = "(uint80,uint8,uint8,uint40,uint40,bytes32)";

/** Confirmation (LcConfirmations, UCP 600 art. 8 and 10). */
export const lcConfirmationEntries: Entry[] = [
  {
    contract: "lcConfirmations",
    signature: "authorizeConfirmation(uint256,uint32,bool)",
    rule: "The LC's issuing bank, naming its nominated bank (in good standing), on an open LC not confirmed",
    party: issuing,
    setup: async (ctx) => ({ args: [await nominatedLc(ctx), ctx.suite.ids.bankC, true] }),
    earlier: [
      {
        role: "nominated bank (named to confirm)",
        member: "bankC",
        allowedWhenSuspended: false,
        note: "a bank that cannot act cannot be asked to confirm",
      },
    ],
  },
  {
    contract: "lcConfirmations",
    signature: "withdrawAuthorization(uint256)",
    rule: "The LC's issuing bank, while its authorization is pending",
    party: issuing,
    setup: async (ctx) => ({ args: [await authorized(ctx)] }),
  },
  {
    contract: "lcConfirmations",
    signature: "declineToConfirm(uint256,bytes32)",
    rule: "The bank authorised to confirm (art. 8d)",
    party: confirming,
    setup: async (ctx) => ({ args: [await authorized(ctx), h("notice")] }),
  },
  {
    contract: "lcConfirmations",
    signature: `addConfirmation(uint256,${TERMS})`,
    rule: "The bank authorised, giving the LC's current terms (those authorised); the issuing bank still in good standing",
    party: confirming,
    setup: async (ctx) => {
      const id = await authorized(ctx);
      return { args: [id, current(await ctx.suite.lcConfirmations.currentTerms(id))] };
    },
    earlier: [
      {
        role: "issuing bank (authorised)",
        member: "bankA",
        allowedWhenSuspended: false,
        note: "an authorization from a bank suspended since no longer counts",
      },
    ],
  },
  {
    contract: "lcConfirmations",
    signature: `extendConfirmation(uint256,${TERMS})`,
    rule: "The confirming bank, to the LC's terms as amended since it confirmed (art. 10b)",
    party: confirming,
    setup: async (ctx) => {
      const id = await amended(ctx);
      return { args: [id, current(await ctx.suite.lcConfirmations.currentTerms(id))] };
    },
  },
  {
    contract: "lcConfirmations",
    signature: `declineAmendment(uint256,${TERMS},bytes32)`,
    rule: "The confirming bank, on the LC's terms as amended since it confirmed (art. 10b)",
    party: confirming,
    setup: async (ctx) => {
      const id = await amended(ctx);
      return { args: [id, current(await ctx.suite.lcConfirmations.currentTerms(id)), h("advice")] };
    },
  },
];
