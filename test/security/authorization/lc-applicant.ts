import { ZeroAddress, ZeroHash } from "ethers";

import type { Context, Entry } from "./types.js";
import { DAY, h } from "./util.js";

/** Terms: bankB advising, supplier1 beneficiary, 100,000 CNY (the settlement currency), partial drawings. */
async function lcTerms(ctx: Context) {
  const t = BigInt(await ctx.connection.networkHelpers.time.latest());
  return {
    advisingBank: ctx.suite.accounts.bankB.address,
    nominatedBank: ZeroAddress,
    beneficiary: ctx.suite.accounts.supplier1.address,
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
}

const DOCS = [{ contentHash: h("invoice"), uriHash: h("uri invoice"), kind: 2 }];

/** core applied to bankA; bankA set a 20 % margin share. */
async function shareSet(ctx: Context): Promise<bigint> {
  return ctx.state("lc applicant: margin share set", async () => {
    const { letterOfCredit: lc, lcApplicantAccounts: margin, accounts } = ctx.suite;
    const terms = await lcTerms(ctx);
    const id = await lc.connect(accounts.core).submitApplication.staticCall(accounts.bankA, terms);
    await lc.connect(accounts.core).submitApplication(accounts.bankA, terms);
    await margin.connect(accounts.bankA).setMarginShare(id, 2_000);
    return id;
  });
}

/** A paid sight presentation of 10,000 under an LC of bankA for core, its documents held by bankA when `held`. */
async function paid(ctx: Context, held: boolean): Promise<bigint> {
  return ctx.state(`lc applicant: paid presentation${held ? ", documents held" : ""}`, async () => {
    const { letterOfCredit: lc, lcApplicantAccounts: margin, accounts } = ctx.suite;
    if (held) {
      const id = await paid(ctx, false);
      await margin.connect(accounts.bankA).holdDocuments(id, h("documents"));
      return id;
    }
    const terms = await lcTerms(ctx);
    const lcId = await lc.connect(accounts.bankA).issue.staticCall(accounts.core, terms);
    await lc.connect(accounts.bankA).issue(accounts.core, terms);
    await lc.connect(accounts.bankB).advise(lcId);
    await lc.connect(accounts.supplier1).acknowledge(lcId);
    const id = await lc.connect(accounts.supplier1).present.staticCall(lcId, 10_000n, DOCS);
    await lc.connect(accounts.supplier1).present(lcId, 10_000n, DOCS);
    await lc.connect(accounts.bankA).examine(id, []);
    await lc.connect(accounts.bankA).pay(id, ZeroHash);
    return id;
  });
}

/** A paid sight presentation of 10,000 under an LC nominating bankC, which paid it; bankA reimbursed bankC. */
async function reimbursed(ctx: Context): Promise<{ id: bigint; obligationId: bigint }> {
  return ctx.state("lc applicant: paid by the nominated bank, reimbursed", async () => {
    const { letterOfCredit: lc, positions, token, accounts, ids } = ctx.suite;
    await positions.connect(accounts.bankC).setCreditLine(ids.bankA, 1_000_000n);
    await positions.connect(accounts.bankC).setSettlementAccount(accounts.bankC);
    await token.connect(accounts.bankA).approve(positions, 10_000n);
    await token.connect(accounts.bankC).approve(lc, 10_000n);
    const terms = { ...(await lcTerms(ctx)), nominatedBank: accounts.bankC.address };
    const lcId = await lc.connect(accounts.bankA).issue.staticCall(accounts.core, terms);
    await lc.connect(accounts.bankA).issue(accounts.core, terms);
    await lc.connect(accounts.bankB).advise(lcId);
    await lc.connect(accounts.supplier1).acknowledge(lcId);
    const id = await lc.connect(accounts.supplier1).present.staticCall(lcId, 10_000n, DOCS);
    await lc.connect(accounts.supplier1).present(lcId, 10_000n, DOCS);
    await lc.connect(accounts.bankC).examine(id, []);
    await lc.connect(accounts.bankC).pay(id, ZeroHash);
    const obligationId = await positions.obligationCount();
    await positions.connect(accounts.bankA).settleObligation(obligationId, ZeroHash);
    return { id, obligationId };
  });
}

const issuing = { kind: "member", member: "bankA", role: "LC_BANK", noRole: "supplier1", wrong: "bankB" } as const;

/** The automatic checks at presentation (LcPresentationChecks, issue 19). */
export const lcPresentationCheckEntries: Entry[] = [
  {
    contract: "lcPresentationChecks",
    signature: "stateShipment(bytes32,uint40)",
    rule: "A trader (LC_TRADER) states the shipment date of documents it is about to present; used by its own presentation only",
    party: { kind: "member", member: "supplier1", role: "LC_TRADER", noRole: "bankB" },
    setup: async (ctx) => ({
      args: [h("documents about to be presented"), BigInt(await ctx.connection.networkHelpers.time.latest()) - DAY],
    }),
  },
  {
    contract: "lcPresentationChecks",
    signature: "setPresentationPeriod(address,uint256,uint16)",
    rule: "The LC's issuing bank, before the LC is advised (a suite LC contract only)",
    party: issuing,
    setup: async (ctx) => {
      const id = await ctx.state("lc checks: issued, not advised", async () => {
        const { letterOfCredit: lc, accounts } = ctx.suite;
        const terms = await lcTerms(ctx);
        const lcId = await lc.connect(accounts.bankA).issue.staticCall(accounts.core, terms);
        await lc.connect(accounts.bankA).issue(accounts.core, terms);
        return lcId;
      });
      return { args: [await ctx.suite.letterOfCredit.getAddress(), id, 10] };
    },
  },
  {
    contract: "lcPresentationChecks",
    signature: "stateBacking(bytes32,bytes32)",
    rule: "A trader (LC_TRADER) states the subject backing documents it is about to present; used by its own presentation only",
    party: { kind: "member", member: "supplier1", role: "LC_TRADER", noRole: "bankB" },
    setup: async () => ({ args: [h("documents about to be presented"), h("subject key: export declaration")] }),
  },
  {
    contract: "lcPresentationChecks",
    signature: "linkBacking(address,uint256,bytes32)",
    rule: "The LC's beneficiary (LC_TRADER) or issuing bank (LC_BANK), on a presentation not yet examined (a suite LC contract only)",
    party: { kind: "member", member: "supplier1", role: "LC_TRADER", noRole: "bankB", wrong: "supplier2" },
    setup: async (ctx) => {
      const id = await ctx.state("lc checks: presented, not examined", async () => {
        const { letterOfCredit: lc, accounts } = ctx.suite;
        const terms = await lcTerms(ctx);
        const lcId = await lc.connect(accounts.bankA).issue.staticCall(accounts.core, terms);
        await lc.connect(accounts.bankA).issue(accounts.core, terms);
        await lc.connect(accounts.bankB).advise(lcId);
        await lc.connect(accounts.supplier1).acknowledge(lcId);
        const presentationId = await lc.connect(accounts.supplier1).present.staticCall(lcId, 10_000n, DOCS);
        await lc.connect(accounts.supplier1).present(lcId, 10_000n, DOCS);
        return presentationId;
      });
      return { args: [await ctx.suite.letterOfCredit.getAddress(), id, h("subject key: export declaration")] };
    },
  },
  {
    contract: "lcPresentationChecks",
    signature: "check(uint256,address)",
    rule: "A suite contract (LetterOfCredit, from present, examine and refuse); records under the caller only",
    party: { kind: "contract", who: "LetterOfCredit", account: (ctx) => ctx.suite.letterOfCredit.getAddress() },
    setup: async (ctx) => ({ args: [1n << 16n, ctx.suite.accounts.supplier1.address] }),
  },
];
const applicant = { kind: "member", member: "core", role: "LC_TRADER", noRole: "bankB", wrong: "supplier2" } as const;

export const lcApplicantEntries: Entry[] = [
  {
    contract: "lcApplicantAccounts",
    signature: "setMarginShare(uint256,uint16)",
    rule: "The issuing bank, on an application or open LC before any margin is locked",
    party: issuing,
    setup: async (ctx) => {
      const id = await ctx.state("lc applicant: applied", async () => {
        const { letterOfCredit: lc, accounts } = ctx.suite;
        const terms = await lcTerms(ctx);
        const lcId = await lc.connect(accounts.core).submitApplication.staticCall(accounts.bankA, terms);
        await lc.connect(accounts.core).submitApplication(accounts.bankA, terms);
        return lcId;
      });
      return { args: [id, 2_000] };
    },
  },
  {
    contract: "lcApplicantAccounts",
    signature: "lockMargin(uint256,uint80)",
    rule: "The applicant, exactly the margin due now (the amount it agreed)",
    party: applicant,
    setup: async (ctx) => ({ args: [await shareSet(ctx), 20_000n] }),
  },
  {
    contract: "lcApplicantAccounts",
    signature: "releaseMargin(uint256)",
    rule: "The applicant, once the LC is closed and every drawing reimbursed",
    party: applicant,
    setup: async (ctx) => {
      const id = await ctx.state("lc applicant: margin locked, application declined", async () => {
        const lcId = await shareSet(ctx);
        const { letterOfCredit: lc, lcApplicantAccounts: margin, accounts } = ctx.suite;
        await margin.connect(accounts.core).lockMargin(lcId, 20_000n);
        await lc.connect(accounts.bankA).declineApplication(lcId, h("declined"));
        return lcId;
      });
      return { args: [id] };
    },
  },
  {
    contract: "lcApplicantAccounts",
    signature: "holdDocuments(uint256,bytes32)",
    rule: "The issuing bank, a presentation paid under its LC: applies the margin, the rest due",
    party: issuing,
    setup: async (ctx) => ({ args: [await paid(ctx, false), h("documents")] }),
  },
  {
    contract: "lcApplicantAccounts",
    signature: "holdDocumentsAfterReimbursement(uint256,bytes32,uint256)",
    rule: "The issuing bank, a presentation its nominated bank paid, once it settled its reimbursement obligation",
    party: issuing,
    earlier: [
      {
        role: "nominated bank (reimbursed)",
        member: "bankC",
        allowedWhenSuspended: true,
        note: "the nominated bank was paid already; the hold moves money between applicant and issuing bank only",
      },
    ],
    setup: async (ctx) => {
      const { id, obligationId } = await reimbursed(ctx);
      return { args: [id, h("documents"), obligationId] };
    },
  },
  {
    contract: "lcApplicantAccounts",
    signature: "changeReimbursementAccount(uint256)",
    rule: "An account of the issuing bank in good standing (it becomes the payee), documents held and not reimbursed",
    party: issuing,
    setup: async (ctx) => ({ args: [await paid(ctx, true)], signer: ctx.suite.standing.bankA2 }),
  },
  {
    contract: "lcApplicantAccounts",
    signature: "payForRelease(uint256,uint80)",
    rule: "The applicant, exactly the reimbursement due, to the issuing bank's account in good standing",
    party: applicant,
    earlier: [
      {
        role: "issuing bank (paid)",
        member: "bankA",
        allowedWhenSuspended: false,
        note: "the applicant pays the bank's account that held the documents: it must still be in good standing",
      },
    ],
    setup: async (ctx) => ({ args: [await paid(ctx, true), 10_000n] }),
  },
  {
    contract: "lcApplicantAccounts",
    signature: "releaseOnTrustReceipt(uint256,bytes32)",
    rule: "The issuing bank, documents it holds, to an applicant in good standing: the reimbursement stays due",
    party: issuing,
    earlier: [
      {
        role: "applicant (gives the trust receipt)",
        member: "core",
        allowedWhenSuspended: false,
        note: "the undertaking is the applicant's: a suspended applicant gives none",
      },
    ],
    setup: async (ctx) => ({ args: [await paid(ctx, true), h("trust receipt")] }),
  },
];
