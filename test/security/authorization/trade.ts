import { ZeroAddress, ZeroHash } from "ethers";

import type { Context, Entry } from "./types.js";
import { DAY, h } from "./util.js";

async function now(ctx: Context): Promise<bigint> {
  return BigInt(await ctx.connection.networkHelpers.time.latest());
}

/** Terms: bankB advising, supplier1 beneficiary, 100,000, partial drawings, invoices required; options override. */
async function lcTerms(ctx: Context, overrides: Record<string, unknown> = {}) {
  const t = await now(ctx);
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
    ...overrides,
  };
}

const DOCS = [{ contentHash: h("invoice"), uriHash: h("uri invoice"), kind: 2 }];

/** An LC of bankA for core, advised by bankB and acknowledged by supplier1 (options: deferred, nominated bankC). */
async function operative(ctx: Context, kind: "sight" | "deferred" | "nominated" = "sight"): Promise<bigint> {
  return ctx.state(`lc: operative ${kind}`, async () => {
    const { letterOfCredit: lc, accounts } = ctx.suite;
    const overrides =
      kind === "deferred"
        ? { deferred: true, tenorDays: 120 }
        : kind === "nominated"
          ? { nominatedBank: accounts.bankC.address }
          : {};
    const terms = await lcTerms(ctx, overrides);
    const id = await lc.connect(accounts.bankA).issue.staticCall(accounts.core, terms);
    await lc.connect(accounts.bankA).issue(accounts.core, terms);
    await lc.connect(accounts.bankB).advise(id);
    await lc.connect(accounts.supplier1).acknowledge(id);
    return id;
  });
}

/** supplier1 presented 10,000 under the operative LC; `examined` with or without discrepancies. */
async function presentation(
  ctx: Context,
  kind: "sight" | "deferred",
  examined: "no" | "compliant" | "discrepant",
): Promise<bigint> {
  return ctx.state(`lc: presentation ${kind} ${examined}`, async () => {
    const lcId = await operative(ctx, kind);
    const lc = ctx.suite.letterOfCredit;
    const id = await lc.connect(ctx.suite.accounts.supplier1).present.staticCall(lcId, 10_000n, DOCS);
    await lc.connect(ctx.suite.accounts.supplier1).present(lcId, 10_000n, DOCS);
    if (examined !== "no") {
      await lc.connect(ctx.suite.accounts.bankA).examine(id, examined === "compliant" ? [] : [h("late shipment")]);
    }
    return id;
  });
}

/** An accepted deferred presentation: a claim on bankA held by supplier1, maturing in 60 days. */
async function claim(ctx: Context): Promise<bigint> {
  return ctx.state("lc: accepted claim", async () => {
    const id = await presentation(ctx, "deferred", "compliant");
    await ctx.suite.letterOfCredit.connect(ctx.suite.accounts.bankA).accept(id, (await now(ctx)) + 60n * DAY);
    return id;
  });
}

async function amendment(ctx: Context) {
  return {
    amount: 120_000n,
    expiry: (await now(ctx)) + 100n * DAY,
    latestShipment: (await now(ctx)) + 70n * DAY,
    termsHash: h("v2"),
  };
}

/** An operative LC with a pending amendment by bankA. */
async function amended(ctx: Context): Promise<{ lcId: bigint; amendment: Awaited<ReturnType<typeof amendment>> }> {
  return ctx.state("lc: amendment pending", async () => {
    const lcId = await operative(ctx);
    const a = await amendment(ctx);
    await ctx.suite.letterOfCredit.connect(ctx.suite.accounts.bankA).proposeAmendment(lcId, a);
    return { lcId, amendment: a };
  });
}

const issuing = { kind: "member", member: "bankA", role: "LC_BANK", noRole: "supplier1", wrong: "bankB" } as const;
const beneficiary = {
  kind: "member",
  member: "supplier1",
  role: "LC_TRADER",
  noRole: "bankB",
  wrong: "supplier2",
} as const;

/** Obligations: bankA owes bankB 100 and bankB owes bankA 60, both due now. */
async function obligations(ctx: Context): Promise<{ first: bigint; second: bigint }> {
  return ctx.state("positions: obligations", async () => {
    const { positions, accounts, ids } = ctx.suite;
    const dueAt = (await now(ctx)) + DAY;
    const first = (await positions.obligationCount()) + 1n;
    await positions.connect(accounts.bankA).recordObligation(ids.bankB, 100n, dueAt, h("a owes b"));
    await positions.connect(accounts.bankB).recordObligation(ids.bankA, 60n, dueAt, h("b owes a"));
    await ctx.connection.networkHelpers.time.increaseTo(dueAt);
    return { first, second: first + 1n };
  });
}

/** bankA issued guarantee 1 for supplier1 in favour of core, 1,000,000, a year. */
async function guaranteeIssued(ctx: Context): Promise<bigint> {
  return ctx.state("guarantees: issued", async () => {
    const id = await guaranteeApplied(ctx);
    await ctx.suite.guarantees.connect(ctx.suite.accounts.bankA).issue(id, h(`guarantee reference ${id}`));
    return id;
  });
}

async function guaranteeApplied(ctx: Context): Promise<bigint> {
  return ctx.state("guarantees: applied", async () => {
    const { guarantees, accounts } = ctx.suite;
    const application = {
      guarantor: accounts.bankA.address,
      beneficiary: accounts.core.address,
      kind: 1,
      currency: "0x434e59",
      amount: 1_000_000n,
      expiry: (await now(ctx)) + 365n * DAY,
      examinationPeriod: 5n * DAY,
      termsHash: h("guarantee terms"),
      tenderReference: h("tender"),
      schedule: [],
    };
    const id = await guarantees.connect(accounts.supplier1).applyFor.staticCall(application);
    await guarantees.connect(accounts.supplier1).applyFor(application);
    return id;
  });
}

const demand = (extendTo = 0n) => ({ amount: 10_000n, demandHash: h("demand"), documents: [], extendTo });

/** core presented a demand (optionally extend-or-pay) on the issued guarantee. */
async function demanded(ctx: Context, extend: boolean): Promise<bigint> {
  return ctx.state(`guarantees: demand ${extend}`, async () => {
    const id = await guaranteeIssued(ctx);
    const { guarantees, accounts } = ctx.suite;
    const extendTo = extend ? (await guarantees.guarantee(id)).expiry + 30n * DAY : 0n;
    await guarantees.connect(accounts.core).presentClaim(id, demand(extendTo));
    return id;
  });
}

async function amendmentProposed(ctx: Context): Promise<bigint> {
  return ctx.state("guarantees: amendment", async () => {
    const id = await guaranteeIssued(ctx);
    await ctx.suite.guarantees
      .connect(ctx.suite.accounts.bankA)
      .proposeAmendment(id, 2_000_000n, (await now(ctx)) + 400n * DAY, h("amendment"));
    return id;
  });
}

/** supplier1 applied for an advance-payment guarantee at bankA in favour of core, and bankA issued it. */
async function advanceIssued(ctx: Context): Promise<bigint> {
  return ctx.state("guarantees: advance payment issued", async () => {
    const { guarantees, accounts } = ctx.suite;
    const application = {
      guarantor: accounts.bankA.address,
      beneficiary: accounts.core.address,
      kind: 2, // AdvancePayment
      currency: "0x434e59",
      amount: 1_000_000n,
      expiry: (await now(ctx)) + 365n * DAY,
      examinationPeriod: 5n * DAY,
      termsHash: h("advance payment guarantee terms"),
      tenderReference: h("contract"),
      schedule: [],
    };
    const id = await guarantees.connect(accounts.supplier1).applyFor.staticCall(application);
    await guarantees.connect(accounts.supplier1).applyFor(application);
    await guarantees.connect(accounts.bankA).issue(id, h(`advance guarantee reference ${id}`));
    return id;
  });
}

/** The issued guarantee ends when the certificate named before issue is presented. */
async function expiryDocumentNamed(ctx: Context): Promise<bigint> {
  return ctx.state("guarantees: expiry document named", async () => {
    const id = await guaranteeApplied(ctx);
    const { guarantees, accounts } = ctx.suite;
    await guarantees.connect(accounts.supplier1).nameExpiryDocument(id, h("taking-over certificate"));
    await guarantees.connect(accounts.bankA).issue(id, h(`guarantee reference ${id}`));
    return id;
  });
}

const counterTerms = async (ctx: Context) => ({
  amount: 1_000_000n,
  expiry: (await now(ctx)) + 400n * DAY,
  examinationPeriod: 5n * DAY,
  termsHash: h("counter-guarantee terms"),
});

/** bankB's counter-guarantee backs the issued guarantee; core's demand 0 was paid by bankA (off chain). */
async function counterBacked(ctx: Context): Promise<bigint> {
  return ctx.state("guarantees: counter-guarantee, demand paid", async () => {
    const id = await guaranteeIssued(ctx);
    const { guarantees, accounts } = ctx.suite;
    await guarantees.connect(accounts.bankB).issueCounterGuarantee(id, await counterTerms(ctx));
    await guarantees.connect(accounts.core).presentClaim(id, demand());
    await guarantees.connect(accounts.bankA).payClaim(id, 0n, h(`guarantee payment ${id}`));
    return id;
  });
}

/** bankA demanded under bankB's counter-guarantee on the paid demand 0. */
async function counterDemanded(ctx: Context): Promise<bigint> {
  return ctx.state("guarantees: counter demand", async () => {
    const id = await counterBacked(ctx);
    await ctx.suite.guarantees
      .connect(ctx.suite.accounts.bankA)
      .demandUnderCounterGuarantee(id, 0n, 10_000n, h("art. 15b statement"));
    return id;
  });
}

const guarantor = { kind: "member", member: "bankA", role: "GUARANTOR", noRole: "supplier1", wrong: "bankB" } as const;
const instructingBank = {
  kind: "member",
  member: "bankB",
  role: "GUARANTOR",
  noRole: "supplier1",
  wrong: "bankC",
} as const;
const gBeneficiary = {
  kind: "member",
  member: "core",
  role: "GUARANTEE_PARTY",
  noRole: "bankB",
  wrong: "supplier2",
} as const;

/** The announcement of the LC claim held by bankB (supplier1 sold it to bankB), open quotes for two days. */
async function announced(ctx: Context): Promise<{ offerId: bigint; claimId: bigint }> {
  return ctx.state("forfaiting: announced", async () => {
    const claimId = await claim(ctx);
    const { letterOfCredit: lc, forfaiting: market, accounts } = ctx.suite;
    await lc.connect(accounts.supplier1).transferClaim(claimId, accounts.bankB);
    const offerId = (await market.offerCount()) + 1n;
    await market.connect(accounts.bankB).announce(await announcement(ctx, claimId, 0));
    await lc.connect(accounts.bankB).approveClaim(claimId, market);
    return { offerId, claimId };
  });
}

async function announcement(ctx: Context, claimId: bigint, revealPeriod: number) {
  return {
    asset: await ctx.suite.letterOfCredit.getAddress(),
    claimId,
    askingPrice: 9_500n,
    askingDiscountBps: 500,
    askingTermsHash: h("asking"),
    quoteDeadline: (await now(ctx)) + 2n * DAY,
    revealPeriod,
    documents: [{ contentHash: h("draft"), uriHash: h("uri draft"), kind: 255 }],
  };
}

/** As `announced`, with bankC quoting 9,600. */
async function quoted(ctx: Context): Promise<{ offerId: bigint; claimId: bigint }> {
  return ctx.state("forfaiting: quoted", async () => {
    const f = await announced(ctx);
    await ctx.suite.forfaiting.connect(ctx.suite.accounts.bankC).quote(f.offerId, 9_600n);
    return f;
  });
}

/** A sealed offer of the claim by bankB, reveal period one day. */
async function sealedOffer(ctx: Context): Promise<{ offerId: bigint; claimId: bigint }> {
  return ctx.state("forfaiting: sealed", async () => {
    const claimId = await claim(ctx);
    const { letterOfCredit: lc, forfaiting: market, accounts } = ctx.suite;
    await lc.connect(accounts.supplier1).transferClaim(claimId, accounts.bankB);
    const offerId = (await market.offerCount()) + 1n;
    await market.connect(accounts.bankB).announce(await announcement(ctx, claimId, 86_400));
    return { offerId, claimId };
  });
}

const commitment = (ctx: Context, offerId: bigint, bidder: string, price: bigint) =>
  ctx.connection.ethers.keccak256(
    ctx.connection.ethers.AbiCoder.defaultAbiCoder().encode(
      ["uint256", "address", "uint128", "bytes32"],
      [offerId, bidder, price, h("salt")],
    ),
  );

const seller = { kind: "member", member: "bankB", role: "FORFAITER", noRole: "supplier1", wrong: "bankA" } as const;
const bidder = { kind: "member", member: "bankC", role: "FORFAITER", noRole: "supplier1" } as const;

export const tradeEntries: Entry[] = [
  // ------------------------------------------------------------------ letters of credit
  {
    contract: "letterOfCredit",
    signature:
      "submitApplication(address,(address,address,address,uint80,bytes3,uint8,uint8,uint40,uint40,bool,uint16,bool,uint32,bytes32))",
    rule: "An applicant (LC_TRADER), to an active LC_BANK",
    party: { kind: "member", member: "core", role: "LC_TRADER", noRole: "bankA" },
    setup: async (ctx) => ({ args: [ctx.suite.accounts.bankA.address, await lcTerms(ctx)] }),
  },
  ...(["approveApplication", "declineApplication"] as const).map((name): Entry => ({
    contract: "letterOfCredit",
    signature: name === "approveApplication" ? "approveApplication(uint256)" : "declineApplication(uint256,bytes32)",
    rule: "The issuing bank the applicant named",
    party: issuing,
    setup: async (ctx) => {
      const lcId = await ctx.state("lc: applied", async () => {
        const lc = ctx.suite.letterOfCredit.connect(ctx.suite.accounts.core);
        const terms = await lcTerms(ctx);
        const id = await lc.submitApplication.staticCall(ctx.suite.accounts.bankA, terms);
        await lc.submitApplication(ctx.suite.accounts.bankA, terms);
        return id;
      });
      return { args: name === "approveApplication" ? [lcId] : [lcId, h("declined")] };
    },
  })),
  {
    contract: "letterOfCredit",
    signature:
      "issue(address,(address,address,address,uint80,bytes3,uint8,uint8,uint40,uint40,bool,uint16,bool,uint32,bytes32))",
    rule: "An issuing bank (LC_BANK), for an active LC_TRADER applicant",
    party: { kind: "member", member: "bankA", role: "LC_BANK", noRole: "supplier1" },
    setup: async (ctx) => ({ args: [ctx.suite.accounts.core.address, await lcTerms(ctx)] }),
  },
  {
    contract: "letterOfCredit",
    signature: "advise(uint256)",
    rule: "The advising bank named in the terms",
    party: { kind: "member", member: "bankB", role: "LC_BANK", noRole: "supplier1", wrong: "bankC" },
    setup: async (ctx) => {
      const id = await ctx.state("lc: issued", async () => {
        const lc = ctx.suite.letterOfCredit.connect(ctx.suite.accounts.bankA);
        const terms = await lcTerms(ctx);
        const lcId = await lc.issue.staticCall(ctx.suite.accounts.core, terms);
        await lc.issue(ctx.suite.accounts.core, terms);
        return lcId;
      });
      return { args: [id] };
    },
  },
  {
    contract: "letterOfCredit",
    signature: "acknowledge(uint256)",
    rule: "The beneficiary (LC_TRADER)",
    party: beneficiary,
    setup: async (ctx) => {
      const id = await ctx.state("lc: advised", async () => {
        const lc = ctx.suite.letterOfCredit;
        const terms = await lcTerms(ctx);
        const lcId = await lc.connect(ctx.suite.accounts.bankA).issue.staticCall(ctx.suite.accounts.core, terms);
        await lc.connect(ctx.suite.accounts.bankA).issue(ctx.suite.accounts.core, terms);
        await lc.connect(ctx.suite.accounts.bankB).advise(lcId);
        return lcId;
      });
      return { args: [id] };
    },
  },
  {
    contract: "letterOfCredit",
    signature: "confirm(uint256)",
    rule: "The nominated bank (LC_BANK)",
    party: { kind: "member", member: "bankC", role: "LC_BANK", noRole: "supplier1", wrong: "bankB" },
    setup: async (ctx) => ({ args: [await operative(ctx, "nominated")] }),
  },
  {
    contract: "letterOfCredit",
    signature: "proposeAmendment(uint256,(uint80,uint40,uint40,bytes32))",
    rule: "The issuing bank",
    party: issuing,
    setup: async (ctx) => ({ args: [await operative(ctx), await amendment(ctx)] }),
  },
  {
    contract: "letterOfCredit",
    signature: "acceptAmendment(uint256,(uint80,uint40,uint40,bytes32))",
    rule: "The beneficiary: an amendment binds only once it accepts",
    party: beneficiary,
    setup: async (ctx) => {
      const { lcId, amendment: a } = await amended(ctx);
      return { args: [lcId, a] };
    },
  },
  {
    contract: "letterOfCredit",
    signature: "rejectAmendment(uint256)",
    rule: "The beneficiary",
    party: beneficiary,
    setup: async (ctx) => ({ args: [(await amended(ctx)).lcId] }),
  },
  {
    contract: "letterOfCredit",
    signature: "present(uint256,uint80,(bytes32,bytes32,uint16)[])",
    rule: "The beneficiary, before expiry, within the available amount",
    party: beneficiary,
    setup: async (ctx) => ({ args: [await operative(ctx), 10_000n, DOCS] }),
  },
  {
    contract: "letterOfCredit",
    signature: "examine(uint256,bytes32[])",
    rule: "The honouring bank (the nominated bank if any, else the issuing bank)",
    party: issuing,
    setup: async (ctx) => ({ args: [await presentation(ctx, "sight", "no"), []] }),
  },
  {
    contract: "letterOfCredit",
    signature: "waiveDiscrepancies(uint256)",
    rule: "The applicant (LC_TRADER)",
    party: { kind: "member", member: "core", role: "LC_TRADER", noRole: "bankB", wrong: "supplier2" },
    setup: async (ctx) => ({ args: [await presentation(ctx, "sight", "discrepant")] }),
  },
  {
    contract: "letterOfCredit",
    signature: "refuse(uint256,bytes32[],bytes32,bool)",
    rule: "The honouring bank, once, before the examination deadline, a presentation it has not honoured",
    party: issuing,
    setup: async (ctx) => ({
      args: [await presentation(ctx, "sight", "discrepant"), [h("late shipment")], h("refusal notice"), true],
    }),
  },
  {
    contract: "letterOfCredit",
    signature: "returnDocuments(uint256)",
    rule: "The honouring bank, documents it held after its refusal notice",
    party: issuing,
    setup: async (ctx) => {
      const id = await presentation(ctx, "sight", "discrepant");
      await ctx.suite.letterOfCredit.connect(ctx.suite.accounts.bankA).refuse(id, [h("x")], h("notice"), true);
      return { args: [id] };
    },
  },
  {
    contract: "letterOfCredit",
    signature: "recordPreclusion(uint256)",
    rule: "Any active member, after the examination deadline, neither honoured nor refused",
    party: { kind: "member", member: "supplier1", role: "MEMBER" },
    allowed: ["regulator"],
    setup: async (ctx) => {
      const id = await presentation(ctx, "sight", "no");
      await ctx.connection.networkHelpers.time.increase(10n * DAY);
      return { args: [id] };
    },
  },
  {
    contract: "letterOfCredit",
    signature: "setCalendar(address)",
    rule: "Governance (a passed proposal): the calendar of the examination clock",
    party: { kind: "governance" },
    setup: async (ctx) => ({ args: [await ctx.suite.calendar.getAddress()] }),
  },
  {
    contract: "letterOfCredit",
    signature: "accept(uint256,uint40)",
    rule: "The honouring bank, a compliant presentation of a deferred LC",
    party: issuing,
    setup: async (ctx) => ({ args: [await presentation(ctx, "deferred", "compliant"), (await now(ctx)) + 60n * DAY] }),
  },
  {
    contract: "letterOfCredit",
    signature: "pay(uint256,bytes32)",
    rule: "The honouring bank: a compliant sight presentation, or an accepted claim at maturity to its holder",
    party: issuing,
    setup: async (ctx) => ({ args: [await presentation(ctx, "sight", "compliant"), ZeroHash] }),
  },
  {
    contract: "letterOfCredit",
    signature: "requestCancellation(uint256)",
    rule: "The issuing bank",
    party: issuing,
    setup: async (ctx) => ({ args: [await operative(ctx)] }),
  },
  ...(["consentToCancellation", "rejectCancellation"] as const).map((name): Entry => ({
    contract: "letterOfCredit",
    signature: `${name}(uint256)`,
    rule: "The beneficiary, after the issuing bank asked",
    party: beneficiary,
    setup: async (ctx) => {
      const lcId = await ctx.state("lc: cancellation requested", async () => {
        const id = await operative(ctx);
        await ctx.suite.letterOfCredit.connect(ctx.suite.accounts.bankA).requestCancellation(id);
        return id;
      });
      return { args: [lcId] };
    },
  })),
  {
    contract: "letterOfCredit",
    signature: "expire(uint256)",
    rule: "Any party of the LC (an active member), after expiry with nothing pending",
    party: { kind: "member", member: "bankB", role: "MEMBER", wrong: "bankC" },
    setup: async (ctx) => {
      const lcId = await operative(ctx);
      await ctx.connection.networkHelpers.time.increase(91n * DAY);
      return { args: [lcId] };
    },
  },
  {
    contract: "letterOfCredit",
    signature: "approveClaim(uint256,address)",
    rule: "The claim's holder, naming a party that may hold the claim or a suite contract (clearing needs no standing)",
    party: { ...beneficiary, role: "LC_TRADER" },
    setup: async (ctx) => ({ args: [await claim(ctx), ctx.suite.accounts.bankC.address] }),
  },
  {
    contract: "letterOfCredit",
    signature: "transferClaim(uint256,address)",
    rule: "The holder or its approved operator, each in good standing when it acts; to an active claim holder",
    party: { kind: "member", member: "bankC", role: "LC_BANK", noRole: "supplier3", wrong: "bankB" },
    earlier: [{ role: "holder (approved the operator)", member: "supplier1", allowedWhenSuspended: false }],
    setup: async (ctx) => {
      const claimId = await claim(ctx);
      await ctx.suite.letterOfCredit
        .connect(ctx.suite.accounts.supplier1)
        .approveClaim(claimId, ctx.suite.accounts.bankC);
      return { args: [claimId, ctx.suite.accounts.bankA.address] };
    },
  },
  // ------------------------------------------------------------------ interbank positions
  {
    contract: "positions",
    signature: "setCreditLine(uint32,uint128)",
    rule: "A bank (LC_BANK), for lines it grants",
    party: { kind: "member", member: "bankA", role: "LC_BANK", noRole: "supplier1" },
    setup: async (ctx) => ({ args: [ctx.suite.ids.bankC, 5_000n] }),
  },
  {
    contract: "positions",
    signature: "setSettlementAccount(address)",
    rule: "A bank (LC_BANK), naming one of its own TOKEN_HOLDER accounts",
    party: { kind: "member", member: "bankA", role: "LC_BANK", noRole: "supplier1" },
    setup: async (ctx) => ({ args: [ctx.suite.standing.bankA2.address] }),
  },
  {
    contract: "positions",
    signature: "recordObligation(uint32,uint128,uint40,bytes32)",
    rule: "A bank (LC_BANK) recording its own debt, within the line the creditor (in good standing) granted it",
    party: { kind: "member", member: "bankA", role: "LC_BANK", noRole: "supplier1" },
    earlier: [{ role: "creditor", member: "bankB", allowedWhenSuspended: false }],
    setup: async (ctx) => ({ args: [ctx.suite.ids.bankB, 10n, (await now(ctx)) + DAY, h("purpose")] }),
  },
  {
    contract: "positions",
    signature: "recordObligationIn(uint16,uint32,uint128,uint40,bytes32)",
    rule: "A bank (LC_BANK) recording its own debt in a currency with a deposit token, within the creditor's line",
    party: { kind: "member", member: "bankA", role: "LC_BANK", noRole: "supplier1" },
    earlier: [{ role: "creditor", member: "bankB", allowedWhenSuspended: false }],
    setup: async (ctx) => ({ args: [0, ctx.suite.ids.bankB, 10n, (await now(ctx)) + DAY, h("purpose")] }),
  },
  {
    contract: "positions",
    signature: "setCurrencyToken(uint16,address)",
    rule: "Governance (a passed proposal): the deposit token of a currency, set once",
    party: { kind: "governance" },
    setup: async (ctx) => ({ args: [840, await ctx.suite.token.getAddress()] }),
  },
  {
    contract: "positions",
    signature: "recordObligationFor(uint32,uint32,uint128,uint40,bytes32)",
    rule: "A suite contract (LetterOfCredit, for a nominated bank's reimbursement); both banks in good standing",
    party: { kind: "contract", who: "LetterOfCredit", account: (ctx) => ctx.suite.letterOfCredit.getAddress() },
    setup: async (ctx) => ({
      args: [ctx.suite.ids.bankA, ctx.suite.ids.bankB, 10n, (await now(ctx)) + DAY, h("reimbursement")],
    }),
  },
  {
    contract: "positions",
    signature: "settleObligation(uint256,bytes32)",
    rule: "The debtor bank, once due; the creditor in good standing",
    party: { kind: "member", member: "bankA", role: "LC_BANK", noRole: "supplier1", wrong: "bankC" },
    earlier: [{ role: "creditor", member: "bankB", allowedWhenSuspended: false }],
    setup: async (ctx) => ({ args: [(await obligations(ctx)).first, ZeroHash] }),
  },
  {
    contract: "positions",
    signature: "releaseObligation(uint256)",
    rule: "The creditor bank (forgives it)",
    party: { kind: "member", member: "bankB", role: "LC_BANK", noRole: "supplier1", wrong: "bankC" },
    setup: async (ctx) => ({ args: [(await obligations(ctx)).first] }),
  },
  {
    contract: "positions",
    signature: "runNetting(uint256[])",
    rule: "A bank party to the run; every bank named in it in good standing, whatever its net",
    party: { kind: "member", member: "bankA", role: "LC_BANK", noRole: "supplier1", wrong: "bankC" },
    earlier: [{ role: "counterparty bank", member: "bankB", allowedWhenSuspended: false }],
    setup: async (ctx) => {
      const o = await obligations(ctx);
      return { args: [[o.first, o.second]] };
    },
  },
  // ------------------------------------------------------------------ bank guarantees
  {
    contract: "guarantees",
    signature: "applyFor((address,address,uint8,bytes3,uint128,uint64,uint32,bytes32,bytes32,(uint64,uint128)[]))",
    rule: "An applicant (GUARANTEE_PARTY), naming an active GUARANTOR and an active beneficiary",
    party: { kind: "member", member: "supplier1", role: "GUARANTEE_PARTY", noRole: "bankB" },
    setup: async (ctx) => ({
      args: [
        {
          guarantor: ctx.suite.accounts.bankA.address,
          beneficiary: ctx.suite.accounts.core.address,
          kind: 0,
          currency: "0x434e59",
          amount: 1_000n,
          expiry: (await now(ctx)) + 30n * DAY,
          examinationPeriod: DAY,
          termsHash: h("terms"),
          tenderReference: h("tender"),
          schedule: [],
        },
      ],
    }),
  },
  {
    contract: "guarantees",
    signature: "cancel(uint256)",
    rule: "The applicant, before issue",
    party: { kind: "member", member: "supplier1", role: "GUARANTEE_PARTY", noRole: "bankB", wrong: "supplier2" },
    setup: async (ctx) => ({ args: [await guaranteeApplied(ctx)] }),
  },
  {
    contract: "guarantees",
    signature: "issue(uint256,bytes32)",
    rule: "The guarantor bank named in the application, its GuaranteeIssue attestation policy in force met on the tender reference",
    party: guarantor,
    setup: async (ctx) => ({ args: [await guaranteeApplied(ctx), h("a fresh reference")] }),
  },
  {
    contract: "guarantees",
    signature: "decline(uint256,bytes32)",
    rule: "The guarantor bank named in the application",
    party: guarantor,
    setup: async (ctx) => ({ args: [await guaranteeApplied(ctx), h("declined")] }),
  },
  {
    contract: "guarantees",
    signature: "proposeAmendment(uint256,uint128,uint64,bytes32)",
    rule: "The guarantor",
    party: guarantor,
    setup: async (ctx) => ({
      args: [await guaranteeIssued(ctx), 2_000_000n, (await now(ctx)) + 400n * DAY, h("amendment")],
    }),
  },
  {
    contract: "guarantees",
    signature: "withdrawAmendment(uint256)",
    rule: "The guarantor",
    party: guarantor,
    setup: async (ctx) => ({ args: [await amendmentProposed(ctx)] }),
  },
  {
    contract: "guarantees",
    signature: "answerAmendment(uint256,bool)",
    rule: "The beneficiary: an amendment binds only once it accepts",
    party: gBeneficiary,
    setup: async (ctx) => ({ args: [await amendmentProposed(ctx), true] }),
  },
  {
    contract: "guarantees",
    signature: "presentClaim(uint256,(uint128,bytes32,(bytes32,bytes32,uint16)[],uint64))",
    rule: "The beneficiary, before expiry, within the available amount",
    party: gBeneficiary,
    setup: async (ctx) => ({ args: [await guaranteeIssued(ctx), demand()] }),
  },
  {
    contract: "guarantees",
    signature: "payClaim(uint256,uint256,bytes32)",
    rule: "The guarantor; held while the payee (the beneficiary's account) is suspended or blacklisted",
    party: guarantor,
    setup: async (ctx) => ({ args: [await demanded(ctx, false), 0n, ZeroHash] }),
  },
  {
    contract: "guarantees",
    signature: "rejectClaim(uint256,uint256,bytes32)",
    rule: "The guarantor, within the examination period",
    party: guarantor,
    setup: async (ctx) => ({ args: [await demanded(ctx, false), 0n, h("rejected")] }),
  },
  {
    contract: "guarantees",
    signature: "extendInsteadOfPaying(uint256,uint256)",
    rule: "The guarantor, answering an extend-or-pay demand",
    party: guarantor,
    setup: async (ctx) => ({ args: [await demanded(ctx, true), 0n] }),
  },
  {
    contract: "guarantees",
    signature: "withdrawClaim(uint256,uint256)",
    rule: "The beneficiary",
    party: gBeneficiary,
    setup: async (ctx) => ({ args: [await demanded(ctx, false), 0n] }),
  },
  {
    contract: "guarantees",
    signature: "release(uint256)",
    rule: "The beneficiary",
    party: gBeneficiary,
    setup: async (ctx) => ({ args: [await guaranteeIssued(ctx)] }),
  },
  {
    contract: "guarantees",
    signature: "expire(uint256)",
    rule: "Any active member, after expiry",
    party: { kind: "member", member: "bankC", role: "MEMBER" },
    allowed: ["regulator"],
    setup: async (ctx) => {
      const id = await guaranteeIssued(ctx);
      await ctx.connection.networkHelpers.time.increase(366n * DAY);
      return { args: [id] };
    },
  },
  {
    contract: "guarantees",
    signature: "suspendForExtension(uint256,uint256,uint64)",
    rule: "The guarantor, on an extend-or-pay demand, within the examination period (URDG 758 art. 23)",
    party: guarantor,
    setup: async (ctx) => ({ args: [await demanded(ctx, true), 0n, (await now(ctx)) + 10n * DAY] }),
  },
  {
    contract: "guarantees",
    signature: "recordReduction(uint256,uint128,bytes32)",
    rule: "The guarantor of an advance-payment guarantee, on evidence of repayment (art. 13)",
    party: guarantor,
    setup: async (ctx) => ({ args: [await advanceIssued(ctx), 100_000n, h("repayment evidence")] }),
  },
  {
    contract: "guarantees",
    signature: "nameExpiryDocument(uint256,bytes32)",
    rule: "The applicant, before issue",
    party: { kind: "member", member: "supplier1", role: "GUARANTEE_PARTY", noRole: "bankB", wrong: "supplier2" },
    setup: async (ctx) => ({ args: [await guaranteeApplied(ctx), h("taking-over certificate")] }),
  },
  {
    contract: "guarantees",
    signature: "presentExpiryDocument(uint256,bytes32)",
    rule: "The applicant (or the guarantor), with the certificate named before issue",
    party: { kind: "member", member: "supplier1", role: "GUARANTEE_PARTY", noRole: "bankB", wrong: "supplier2" },
    setup: async (ctx) => ({ args: [await expiryDocumentNamed(ctx), h("taking-over certificate")] }),
  },
  {
    contract: "guarantees",
    signature: "issueCounterGuarantee(uint256,(uint128,uint64,uint32,bytes32))",
    rule: "An instructing bank (GUARANTOR, not the guarantor), once per guarantee (URDG 758 art. 2)",
    party: { kind: "member", member: "bankB", role: "GUARANTOR", noRole: "supplier1" },
    setup: async (ctx) => ({ args: [await guaranteeIssued(ctx), await counterTerms(ctx)] }),
  },
  {
    contract: "guarantees",
    signature: "demandUnderCounterGuarantee(uint256,uint256,uint128,bytes32)",
    rule: "The guarantor, on a demand it paid under the guarantee, with its statement (art. 15b)",
    party: guarantor,
    setup: async (ctx) => ({ args: [await counterBacked(ctx), 0n, 10_000n, h("art. 15b statement")] }),
  },
  {
    contract: "guarantees",
    signature: "payCounterDemand(uint256,bytes32)",
    rule: "The instructing bank; the guarantor (payee) in good standing",
    party: instructingBank,
    earlier: [{ role: "guarantor (payee)", member: "bankA", allowedWhenSuspended: false }],
    setup: async (ctx) => ({ args: [await counterDemanded(ctx), h("counter-guarantee payment")] }),
  },
  {
    contract: "guarantees",
    signature: "rejectCounterDemand(uint256,bytes32)",
    rule: "The instructing bank, within its examination period",
    party: instructingBank,
    setup: async (ctx) => ({ args: [await counterDemanded(ctx), h("counter demand rejected")] }),
  },
  // ------------------------------------------------------------------ forfaiting market
  {
    contract: "forfaiting",
    signature: "setClaimContract(address,bool)",
    rule: "Governance (a passed proposal)",
    party: { kind: "governance" },
    setup: async (ctx) => ({ args: [await ctx.suite.receivableCertificates.getAddress(), false] }),
  },
  {
    contract: "forfaiting",
    signature: "announce((address,uint256,uint128,uint32,bytes32,uint64,uint32,(bytes32,bytes32,uint16)[]))",
    rule: "A FORFAITER holding the listed claim, quoting to end before maturity",
    party: { kind: "member", member: "bankB", role: "FORFAITER", noRole: "supplier1", wrong: "bankA" },
    setup: async (ctx) => {
      const claimId = await claim(ctx);
      await ctx.suite.letterOfCredit
        .connect(ctx.suite.accounts.supplier1)
        .transferClaim(claimId, ctx.suite.accounts.bankB);
      return { args: [await announcement(ctx, claimId, 0)] };
    },
  },
  {
    contract: "forfaiting",
    signature: "withdrawOffer(uint256)",
    rule: "The seller",
    party: seller,
    setup: async (ctx) => ({ args: [(await announced(ctx)).offerId] }),
  },
  {
    contract: "forfaiting",
    signature: "quote(uint256,uint128)",
    rule: "A FORFAITER other than the seller, before the quote deadline",
    party: bidder,
    setup: async (ctx) => ({ args: [(await announced(ctx)).offerId, 9_600n] }),
  },
  {
    contract: "forfaiting",
    signature: "commitQuote(uint256,bytes32)",
    rule: "A FORFAITER other than the seller, before the commit deadline of a sealed offer",
    party: bidder,
    setup: async (ctx) => {
      const { offerId } = await sealedOffer(ctx);
      return { args: [offerId, commitment(ctx, offerId, ctx.suite.accounts.bankC.address, 9_600n)] };
    },
  },
  {
    contract: "forfaiting",
    signature: "revealQuote(uint256,uint128,bytes32)",
    rule: "The committing bidder, in good standing, during the reveal period",
    party: { ...bidder, wrong: "bankA" },
    setup: async (ctx) => {
      const { offerId } = await sealedOffer(ctx);
      const { forfaiting, accounts } = ctx.suite;
      await forfaiting
        .connect(accounts.bankC)
        .commitQuote(offerId, commitment(ctx, offerId, accounts.bankC.address, 9_600n));
      await ctx.connection.networkHelpers.time.increase(2n * DAY + 1n);
      return { args: [offerId, 9_600n, h("salt")] };
    },
  },
  {
    contract: "forfaiting",
    signature: "withdrawQuote(uint256)",
    rule: "The bidder (FORFAITER), its own quote or commitment",
    party: { ...bidder, wrong: "bankA" },
    setup: async (ctx) => ({ args: [(await quoted(ctx)).offerId] }),
  },
  {
    contract: "forfaiting",
    signature: "acceptQuote(uint256,address,bytes32,bytes32,bytes32)",
    rule:
      "The seller, the claim still its own and carrying what was announced; the buyer still an active FORFAITER " +
      "whose ForfaitingPurchase attestation policy in force is met on the subject the claim names",
    party: seller,
    earlier: [{ role: "buyer (quoted)", member: "bankC", allowedWhenSuspended: false }],
    setup: async (ctx) => ({
      args: [(await quoted(ctx)).offerId, ctx.suite.accounts.bankC.address, h("deed"), h("notice"), ZeroHash],
    }),
  },
  {
    contract: "forfaiting",
    signature: "acceptSealedQuote(uint256,address,uint128,bytes32,bytes32,bytes32,bytes32)",
    rule:
      "The seller, during the reveal period of a sealed offer, opening the bidder's commitment (offer, bidder, price, " +
      "salt); the claim still its own and carrying what was announced; the buyer still an active FORFAITER whose " +
      "ForfaitingPurchase attestation policy in force is met",
    party: seller,
    earlier: [{ role: "buyer (committed)", member: "bankC", allowedWhenSuspended: false }],
    setup: async (ctx) => {
      const { offerId, claimId } = await sealedOffer(ctx);
      const { forfaiting, letterOfCredit, accounts } = ctx.suite;
      await letterOfCredit.connect(accounts.bankB).approveClaim(claimId, forfaiting);
      await forfaiting
        .connect(accounts.bankC)
        .commitQuote(offerId, commitment(ctx, offerId, accounts.bankC.address, 9_600n));
      await ctx.connection.networkHelpers.time.increase(2n * DAY + 1n);
      return { args: [offerId, accounts.bankC.address, 9_600n, h("salt"), h("deed"), h("notice"), ZeroHash] };
    },
  },
  {
    contract: "forfaiting",
    signature: "acknowledgeNotice(uint256,bytes32)",
    rule: "The claim's obligor (any active account of it), after the trade",
    party: { kind: "member", member: "bankA", role: "MEMBER", wrong: "bankC" },
    setup: async (ctx) => {
      const { offerId } = await quoted(ctx);
      await ctx.suite.forfaiting
        .connect(ctx.suite.accounts.bankB)
        .acceptQuote(offerId, ctx.suite.accounts.bankC, h("deed"), h("notice"), ZeroHash);
      return { args: [offerId, h("notice")] };
    },
  },
];
