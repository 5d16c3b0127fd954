import { asContract } from "./runner.js";
import type { Context, Entry } from "./types.js";
import { DAY, h } from "./util.js";
import { deployUpgradeable } from "../../helpers/upgradeable.js";

let invoices = 0;

async function now(ctx: Context): Promise<bigint> {
  return BigInt(await ctx.connection.networkHelpers.time.latest());
}

async function terms(ctx: Context, days = 90n) {
  const n = ++invoices;
  return {
    obligor: ctx.suite.ids.core,
    maturity: (await now(ctx)) + days * DAY,
    faceValue: 1_000_000n,
    currency: "0x434e59",
    invoiceKey: h(`matrix invoice ${n}`),
    contractDoc: { contentHash: h(`contract ${n}`), uriHash: h(`uri contract ${n}`), kind: 1 },
    invoiceDoc: { contentHash: h(`invoice ${n}`), uriHash: h(`uri invoice ${n}`), kind: 2 },
    deliveryDoc: { contentHash: h(`delivery ${n}`), uriHash: h(`uri delivery ${n}`), kind: 3 },
  };
}

interface Issued {
  receivableId: bigint;
  tokenId: bigint;
  maturity: bigint;
}

/** core issued a receivable to supplier1: certificate `tokenId`, 1,000,000, maturing in 90 days. */
async function issued(ctx: Context): Promise<Issued> {
  return ctx.state("receivables: issued", async () => {
    const desk = ctx.suite.receivableDesk.connect(ctx.suite.accounts.core);
    const t = await terms(ctx);
    const [receivableId, tokenId] = await desk.issue.staticCall(t, ctx.suite.accounts.supplier1);
    await desk.issue(t, ctx.suite.accounts.supplier1);
    return { receivableId, tokenId, maturity: BigInt(t.maturity) };
  });
}

/** supplier1 registered a receivable on core (not confirmed). */
export async function registered(ctx: Context): Promise<bigint> {
  return ctx.state("receivables: registered", async () => {
    const desk = ctx.suite.receivableDesk.connect(ctx.suite.accounts.supplier1);
    const t = await terms(ctx);
    const id = await desk.register.staticCall(t);
    await desk.register(t);
    return id;
  });
}

/** As `issued`, with a second certificate of 1,000 for supplier2 (a merge target). */
async function twoCertificates(ctx: Context): Promise<Issued & { otherTokenId: bigint }> {
  return ctx.state("receivables: two certificates", async () => {
    const f = await issued(ctx);
    const c = ctx.suite.receivableCertificates.connect(ctx.suite.accounts.supplier1);
    const otherTokenId = await c["transferFrom(uint256,address,uint256)"].staticCall(
      f.tokenId,
      ctx.suite.accounts.supplier2,
      1_000n,
    );
    await c["transferFrom(uint256,address,uint256)"](f.tokenId, ctx.suite.accounts.supplier2, 1_000n);
    return { ...f, otherTokenId };
  });
}

/** supplier1 offered 100,000 to supplier2 (sign-off), 200,000 to bankA at 190,000 (discount), pledged 50,000 to bankA. */
async function offers(ctx: Context): Promise<Issued & { transferId: bigint; discountId: bigint; pledgeId: bigint }> {
  return ctx.state("receivables: offers", async () => {
    const f = await issued(ctx);
    const { receivableDesk, accounts, ids } = ctx.suite;
    const desk = receivableDesk.connect(accounts.supplier1);
    const deadline = (await now(ctx)) + 10n * DAY;
    const transferId = await desk.offerTransfer.staticCall(f.tokenId, accounts.supplier2, 100_000n, deadline);
    await desk.offerTransfer(f.tokenId, accounts.supplier2, 100_000n, deadline);
    const discountId = await desk.offerDiscount.staticCall(f.tokenId, 200_000n, ids.bankA, 190_000n, deadline);
    await desk.offerDiscount(f.tokenId, 200_000n, ids.bankA, 190_000n, deadline);
    const pledgeId = await desk.pledge.staticCall(f.tokenId, 50_000n, ids.bankA, deadline);
    await desk.pledge(f.tokenId, 50_000n, ids.bankA, deadline);
    return { ...f, transferId, discountId, pledgeId };
  });
}

/** As `issued`, with bankA guaranteeing at core's request, the receivable overdue and its guarantee called. */
async function called(ctx: Context): Promise<Issued> {
  return ctx.state("receivables: guarantee called", async () => {
    const f = await overdue(ctx);
    await ctx.suite.receivableDesk.connect(ctx.suite.accounts.supplier1).callGuarantee(f.tokenId);
    return f;
  });
}

/** As `issued`, guaranteed by bankA at core's request, past maturity and the grace period, marked overdue. */
async function overdue(ctx: Context): Promise<Issued> {
  return ctx.state("receivables: overdue", async () => {
    const f = await guaranteed(ctx);
    await ctx.connection.networkHelpers.time.increaseTo(f.maturity + DAY + 1n);
    await ctx.suite.receivableDesk.connect(ctx.suite.accounts.bankC).markOverdue(f.receivableId);
    return f;
  });
}

async function guaranteed(ctx: Context): Promise<Issued> {
  return ctx.state("receivables: guaranteed", async () => {
    const f = await issued(ctx);
    const { receivableDesk, accounts, ids } = ctx.suite;
    await receivableDesk.connect(accounts.core).requestGuarantee(f.receivableId, ids.bankA);
    await receivableDesk.connect(accounts.bankA).guarantee(f.receivableId);
    return f;
  });
}

const holder = {
  kind: "member",
  member: "supplier1",
  role: "RECEIVABLE_HOLDER",
  noRole: "agency",
  wrong: "supplier2",
} as const;
const obligor = { kind: "member", member: "core", role: "RECEIVABLE_OBLIGOR", noRole: "supplier1" } as const;
const desk = {
  kind: "contract",
  who: "ReceivableDesk",
  account: (ctx: Context) => ctx.suite.receivableDesk.getAddress(),
} as const;

/** As the desk: locks `value` of the certificate first. */
async function lockedByDesk(ctx: Context, value: bigint): Promise<Issued> {
  const f = await issued(ctx);
  const c = ctx.suite.receivableCertificates.connect(
    await asContract(ctx, await ctx.suite.receivableDesk.getAddress()),
  );
  await c.lock(f.tokenId, value);
  return f;
}

const certificateHolderEntry = (signature: string, rule: string, setup: Entry["setup"]): Entry => ({
  contract: "receivableCertificates",
  signature,
  rule,
  party: holder,
  setup,
});

export const receivableEntries: Entry[] = [
  // ------------------------------------------------------------------ issuance limits
  {
    contract: "issuanceLimits",
    signature: "setLimit(uint32,uint256)",
    rule: "A financing bank (FINANCIER) in good standing, for its own limit, of an active core enterprise",
    party: { kind: "member", member: "bankA", role: "FINANCIER", noRole: "supplier1" },
    setup: async (ctx) => ({ args: [ctx.suite.ids.core, 5_000_000n] }),
  },
  {
    contract: "issuanceLimits",
    signature: "enforceLimits(uint32,bool)",
    rule: "The core enterprise itself (RECEIVABLE_OBLIGOR), into limits only; governance either way",
    party: { kind: "member", member: "core", role: "RECEIVABLE_OBLIGOR", noRole: "supplier1" },
    setup: async (ctx) => ({ args: [ctx.suite.ids.core, true] }),
  },
  {
    contract: "issuanceLimits",
    signature: "use(uint32,uint256,uint256)",
    rule: "A suite contract, at a confirmation (the receivable desk)",
    party: {
      kind: "contract",
      who: "suite contract (ReceivableDesk here)",
      account: async (ctx) => ctx.suite.receivableDesk.getAddress(),
    },
    setup: async (ctx) => ({ args: [ctx.suite.ids.core, 999n, 1n] }),
  },
  {
    contract: "issuanceLimits",
    signature: "release(uint32,uint256,uint256)",
    rule: "The suite contract whose record used the limit, at a redemption, at most what it used",
    party: {
      kind: "contract",
      who: "suite contract (ReceivableDesk here)",
      account: async (ctx) => ctx.suite.receivableDesk.getAddress(),
    },
    setup: async (ctx) => ({ args: [ctx.suite.ids.core, (await issued(ctx)).receivableId, 1n] }),
  },
  // ------------------------------------------------------------------ certificate: holders
  certificateHolderEntry(
    "approve(address,uint256)",
    "The owner or its operator for all, naming a party that may hold certificates now (clearing needs neither)",
    async (ctx) => ({ args: [ctx.suite.accounts.supplier2.address, (await issued(ctx)).tokenId] }),
  ),
  certificateHolderEntry(
    "approve(uint256,address,uint256)",
    "The owner, its approved account or operator, naming a party that may hold certificates now (0 needs neither)",
    async (ctx) => ({ args: [(await issued(ctx)).tokenId, ctx.suite.accounts.supplier2.address, 100n] }),
  ),
  certificateHolderEntry(
    "approveClaim(uint256,address)",
    "The owner, naming a party that may hold certificates or a suite contract (the market)",
    async (ctx) => ({ args: [(await issued(ctx)).tokenId, await ctx.suite.forfaiting.getAddress()] }),
  ),
  {
    contract: "receivableCertificates",
    signature: "setApprovalForAll(address,bool)",
    rule: "A holder in good standing, naming a party that may hold certificates now (revoking needs neither)",
    party: { kind: "member", member: "supplier1", role: "RECEIVABLE_HOLDER", noRole: "agency" },
    setup: async (ctx) => ({ args: [ctx.suite.accounts.supplier2.address, true] }),
  },
  ...["transferFrom(address,address,uint256)", "safeTransferFrom(address,address,uint256)"].map((signature) =>
    certificateHolderEntry(
      signature,
      "The owner, its approved account or operator (each able to hold certificates now), to an active holder",
      async (ctx) => ({
        args: [ctx.suite.accounts.supplier1.address, ctx.suite.accounts.supplier3.address, (await issued(ctx)).tokenId],
      }),
    ),
  ),
  certificateHolderEntry(
    "safeTransferFrom(address,address,uint256,bytes)",
    "As safeTransferFrom(address,address,uint256)",
    async (ctx) => ({
      args: [
        ctx.suite.accounts.supplier1.address,
        ctx.suite.accounts.supplier3.address,
        (await issued(ctx)).tokenId,
        "0x",
      ],
    }),
  ),
  certificateHolderEntry(
    "transferFrom(uint256,address,uint256)",
    "The owner, its approved account or operator, or a spender within its value allowance (each able to hold certificates now); free value only, before maturity",
    async (ctx) => ({ args: [(await issued(ctx)).tokenId, ctx.suite.accounts.supplier3.address, 100n] }),
  ),
  certificateHolderEntry(
    "transferFrom(uint256,uint256,uint256)",
    "As the split, into a certificate of the same receivable",
    async (ctx) => {
      const f = await twoCertificates(ctx);
      return { args: [f.tokenId, f.otherTokenId, 100n] };
    },
  ),
  certificateHolderEntry(
    "transferClaim(uint256,address)",
    "As transferFrom(address,address,uint256) (the ITransferableClaim view of a whole certificate)",
    async (ctx) => ({ args: [(await issued(ctx)).tokenId, ctx.suite.accounts.supplier3.address] }),
  ),
  // ------------------------------------------------------------------ certificate: desk, deployer, governance
  {
    contract: "receivableCertificates",
    signature: "mint(address,uint256,uint40,uint256)",
    rule: "The receivable desk only (on confirmation or issue), to an active holder",
    party: desk,
    setup: async (ctx) => ({ args: [ctx.suite.accounts.supplier1.address, 77n, (await now(ctx)) + 30n * DAY, 10n] }),
  },
  {
    contract: "receivableCertificates",
    signature: "lock(uint256,uint256)",
    rule: "The receivable desk only (offers and pledges)",
    party: desk,
    setup: async (ctx) => ({ args: [(await issued(ctx)).tokenId, 10n] }),
  },
  {
    contract: "receivableCertificates",
    signature: "unlock(uint256,uint256)",
    rule: "The receivable desk only",
    party: desk,
    setup: async (ctx) => ({ args: [(await lockedByDesk(ctx, 10n)).tokenId, 10n] }),
  },
  {
    contract: "receivableCertificates",
    signature: "takeLocked(uint256,address,uint256)",
    rule: "The receivable desk only (accepted offers, taken pledges), to an active holder",
    party: desk,
    setup: async (ctx) => ({ args: [(await lockedByDesk(ctx, 10n)).tokenId, ctx.suite.accounts.bankA.address, 10n] }),
  },
  {
    contract: "receivableCertificates",
    signature: "burn(uint256)",
    rule: "The receivable desk only (redemption)",
    party: desk,
    setup: async (ctx) => ({ args: [(await issued(ctx)).tokenId] }),
  },
  {
    contract: "receivableCertificates",
    signature: "bindRecourse(address)",
    rule: "The deploying account, once (refused to everyone once bound)",
    party: { kind: "deployer", who: "deployer" },
    setup: async (ctx) => {
      const fresh = await deployUpgradeable(
        ctx.connection.ethers,
        "ReceivableCertificate",
        [ctx.suite.registry, 2, ctx.suite.freezeOrders, ctx.suite.attestations],
        [],
        ctx.suite.deployer,
      );
      return { args: [await ctx.suite.recourseClaims.getAddress()], signer: ctx.suite.deployer, target: fresh };
    },
  },
  {
    contract: "receivableCertificates",
    signature: "returnOnRecourse(uint256,address)",
    rule: "The recourse contract, returning a certificate to a seller that honoured a claim (never locked or frozen)",
    party: {
      kind: "contract",
      who: "RecourseClaims",
      account: (ctx: Context) => ctx.suite.recourseClaims.getAddress(),
    },
    setup: async (ctx) => ({ args: [(await issued(ctx)).tokenId, ctx.suite.accounts.supplier2.address] }),
  },
  {
    contract: "receivableCertificates",
    signature: "bindArrangements(address)",
    rule: "The deploying account, once (refused to everyone once bound)",
    party: { kind: "deployer", who: "deployer" },
    setup: async (ctx) => {
      const fresh = await deployUpgradeable(
        ctx.connection.ethers,
        "ReceivableCertificate",
        [ctx.suite.registry, 2, ctx.suite.freezeOrders, ctx.suite.attestations],
        [],
        ctx.suite.deployer,
      );
      return { args: [await ctx.suite.maturityArrangements.getAddress()], signer: ctx.suite.deployer, target: fresh };
    },
  },
  {
    contract: "receivableCertificates",
    signature: "payDown(uint256,uint256)",
    rule: "The maturity-arrangements contract, paying a certificate down by its share of a part payment",
    party: {
      kind: "contract",
      who: "MaturityArrangements",
      account: (ctx: Context) => ctx.suite.maturityArrangements.getAddress(),
    },
    setup: async (ctx) => ({ args: [(await issued(ctx)).tokenId, 1n] }),
  },
  {
    contract: "receivableCertificates",
    signature: "bindDesk(address)",
    rule: "The deploying account, once (refused to everyone once bound)",
    party: { kind: "deployer", who: "deployer" },
    setup: async (ctx) => {
      const fresh = await deployUpgradeable(
        ctx.connection.ethers,
        "ReceivableCertificate",
        [ctx.suite.registry, 2, ctx.suite.freezeOrders, ctx.suite.attestations],
        [],
        ctx.suite.deployer,
      );
      return { args: [await ctx.suite.receivableDesk.getAddress()], signer: ctx.suite.deployer, target: fresh };
    },
  },
  {
    contract: "receivableCertificates",
    signature: "setBaseURI(string)",
    rule: "Governance (a passed proposal)",
    party: { kind: "governance" },
    setup: async () => ({ args: ["https://consortia.example/certificates/"] }),
  },
  // ------------------------------------------------------------------ desk: registration and issue
  {
    contract: "receivableDesk",
    signature:
      "register((uint32,uint40,uint88,bytes3,bytes32,(bytes32,bytes32,uint16),(bytes32,bytes32,uint16),(bytes32,bytes32,uint16)))",
    rule: "A creditor (RECEIVABLE_HOLDER), on an active obligor",
    party: { kind: "member", member: "supplier1", role: "RECEIVABLE_HOLDER", noRole: "bankB" },
    setup: async (ctx) => ({ args: [await terms(ctx)] }),
  },
  {
    contract: "receivableDesk",
    signature: "confirm(uint256)",
    rule: "The receivable's obligor (RECEIVABLE_OBLIGOR)",
    party: obligor,
    setup: async (ctx) => ({ args: [await registered(ctx)] }),
  },
  {
    contract: "receivableDesk",
    signature: "reject(uint256,bytes32)",
    rule: "The receivable's obligor",
    party: obligor,
    setup: async (ctx) => ({ args: [await registered(ctx), h("no")] }),
  },
  {
    contract: "receivableDesk",
    signature: "cancel(uint256)",
    rule: "The creditor that registered it (RECEIVABLE_HOLDER)",
    party: { ...holder, noRole: "bankB" },
    setup: async (ctx) => ({ args: [await registered(ctx)] }),
  },
  {
    contract: "receivableDesk",
    signature:
      "issue((uint32,uint40,uint88,bytes3,bytes32,(bytes32,bytes32,uint16),(bytes32,bytes32,uint16),(bytes32,bytes32,uint16)),address)",
    rule: "An obligor (RECEIVABLE_OBLIGOR) on itself, to an active creditor account",
    party: obligor,
    setup: async (ctx) => ({ args: [await terms(ctx), ctx.suite.accounts.supplier1.address] }),
  },
  // ------------------------------------------------------------------ desk: guarantee and payment setup
  {
    contract: "receivableDesk",
    signature: "requestGuarantee(uint256,uint32)",
    rule: "The receivable's obligor, naming an active GUARANTOR bank",
    party: obligor,
    setup: async (ctx) => ({ args: [(await issued(ctx)).receivableId, ctx.suite.ids.bankA] }),
  },
  {
    contract: "receivableDesk",
    signature: "guarantee(uint256)",
    rule: "The GUARANTOR bank the obligor asked, before maturity",
    party: { kind: "member", member: "bankA", role: "GUARANTOR", noRole: "supplier1", wrong: "bankB" },
    setup: async (ctx) => {
      const f = await issued(ctx);
      await ctx.suite.receivableDesk
        .connect(ctx.suite.accounts.core)
        .requestGuarantee(f.receivableId, ctx.suite.ids.bankA);
      return { args: [f.receivableId] };
    },
  },
  {
    contract: "receivableDesk",
    signature: "setPayingBank(uint32)",
    rule: "An obligor (RECEIVABLE_OBLIGOR), for itself, naming an active PAYMENT_BANK",
    party: obligor,
    setup: async (ctx) => ({ args: [ctx.suite.ids.bankB] }),
  },
  // ------------------------------------------------------------------ desk: sign-off transfers, discount, pledge
  {
    contract: "receivableDesk",
    signature: "offerTransfer(uint256,address,uint256,uint40)",
    rule: "The certificate's owner or approved account (both able to hold certificates), to an active holder",
    party: holder,
    setup: async (ctx) => ({
      args: [(await issued(ctx)).tokenId, ctx.suite.accounts.supplier3.address, 10n, (await now(ctx)) + DAY],
    }),
  },
  {
    contract: "receivableDesk",
    signature: "acceptTransfer(uint256)",
    rule: "The named receiver; the owner and the offeror still in good standing, the offeror still approved",
    party: { kind: "member", member: "supplier2", role: "RECEIVABLE_HOLDER", wrong: "supplier3" },
    earlier: [{ role: "offeror (owner)", member: "supplier1", allowedWhenSuspended: false }],
    setup: async (ctx) => ({ args: [(await offers(ctx)).transferId] }),
  },
  {
    contract: "receivableDesk",
    signature: "refuseTransfer(uint256,bytes32)",
    rule: "The named receiver (an active member)",
    party: { kind: "member", member: "supplier2", role: "MEMBER", wrong: "supplier3" },
    setup: async (ctx) => ({ args: [(await offers(ctx)).transferId, h("no")] }),
  },
  {
    contract: "receivableDesk",
    signature: "cancelTransfer(uint256)",
    rule: "The owner or approved account before the deadline; any active member after it (expiry)",
    party: holder,
    setup: async (ctx) => ({ args: [(await offers(ctx)).transferId] }),
  },
  {
    contract: "receivableDesk",
    signature: "offerDiscount(uint256,uint256,uint32,uint256,uint40)",
    rule: "The certificate's owner or approved account, to an active FINANCIER bank",
    party: holder,
    setup: async (ctx) => ({
      args: [(await issued(ctx)).tokenId, 1_000n, ctx.suite.ids.bankB, 900n, (await now(ctx)) + DAY],
    }),
  },
  {
    contract: "receivableDesk",
    signature: "acceptDiscount(uint256,bytes32)",
    rule: "The named FINANCIER bank; the owner and the offeror still in good standing, the offeror still approved",
    party: { kind: "member", member: "bankA", role: "FINANCIER", noRole: "supplier3", wrong: "bankB" },
    earlier: [{ role: "offeror (owner)", member: "supplier1", allowedWhenSuspended: false }],
    setup: async (ctx) => ({ args: [(await offers(ctx)).discountId, "0x" + "00".repeat(32)] }),
  },
  {
    contract: "receivableDesk",
    signature: "cancelDiscount(uint256)",
    rule: "The owner or approved account before the deadline; any active member after it (expiry)",
    party: holder,
    setup: async (ctx) => ({ args: [(await offers(ctx)).discountId] }),
  },
  {
    contract: "receivableDesk",
    signature: "pledge(uint256,uint256,uint32,uint40)",
    rule: "The certificate's owner or approved account, to an active FINANCIER bank",
    party: holder,
    setup: async (ctx) => ({
      args: [(await issued(ctx)).tokenId, 1_000n, ctx.suite.ids.bankB, (await now(ctx)) + DAY],
    }),
  },
  {
    contract: "receivableDesk",
    signature: "releasePledge(uint256)",
    rule: "The pledgee bank (FINANCIER)",
    party: { kind: "member", member: "bankA", role: "FINANCIER", noRole: "supplier3", wrong: "bankB" },
    setup: async (ctx) => ({ args: [(await offers(ctx)).pledgeId] }),
  },
  {
    contract: "receivableDesk",
    signature: "takePledge(uint256)",
    rule: "The pledgee bank (FINANCIER), from the due date on",
    party: { kind: "member", member: "bankA", role: "FINANCIER", noRole: "supplier3", wrong: "bankB" },
    earlier: [
      {
        role: "pledgor",
        member: "supplier1",
        allowedWhenSuspended: true,
        note: "a pledge is enforced against a defaulting pledgor: its consent was given when it pledged",
      },
    ],
    setup: async (ctx) => {
      const f = await offers(ctx);
      await ctx.connection.networkHelpers.time.increase(11n * DAY);
      return { args: [f.pledgeId] };
    },
  },
  // ------------------------------------------------------------------ desk: maturity
  {
    contract: "receivableDesk",
    signature: "fund(uint256)",
    rule: "The receivable's obligor, escrowing the outstanding value in tokens",
    party: obligor,
    setup: async (ctx) => ({ args: [(await issued(ctx)).receivableId] }),
  },
  {
    contract: "receivableDesk",
    signature: "markOverdue(uint256)",
    rule: "Any active member, once the grace period after maturity has passed",
    party: { kind: "member", member: "bankC", role: "MEMBER" },
    allowed: ["regulator"],
    setup: async (ctx) => {
      const f = await guaranteed(ctx);
      await ctx.connection.networkHelpers.time.increaseTo(f.maturity + DAY + 1n);
      return { args: [f.receivableId] };
    },
  },
  {
    contract: "receivableDesk",
    signature: "callGuarantee(uint256)",
    rule: "The owner or approved account of a certificate of the overdue receivable",
    party: holder,
    setup: async (ctx) => ({ args: [(await overdue(ctx)).tokenId] }),
  },
  {
    contract: "receivableDesk",
    signature: "honourGuarantee(uint256)",
    rule: "The guarantor bank (GUARANTOR), after a call",
    party: { kind: "member", member: "bankA", role: "GUARANTOR", noRole: "supplier3", wrong: "bankB" },
    setup: async (ctx) => ({ args: [(await called(ctx)).receivableId] }),
  },
  {
    contract: "receivableDesk",
    signature: "redeem(uint256)",
    rule: "The owner or approved account (both able to hold certificates), once funded",
    party: holder,
    setup: async (ctx) => {
      const f = await issued(ctx);
      await ctx.suite.receivableDesk.connect(ctx.suite.accounts.core).fund(f.receivableId);
      return { args: [f.tokenId] };
    },
  },
  {
    contract: "receivableDesk",
    signature: "payOffChain(uint256,bytes32)",
    rule: "The obligor's paying bank (PAYMENT_BANK); after a call, the guarantor with the holder's acknowledgement",
    party: { kind: "member", member: "bankB", role: "PAYMENT_BANK", noRole: "supplier3", wrong: "bankC" },
    setup: async (ctx) => {
      const f = await issued(ctx);
      await ctx.suite.receivableDesk.connect(ctx.suite.accounts.core).setPayingBank(ctx.suite.ids.bankB);
      await ctx.connection.networkHelpers.time.increaseTo(f.maturity);
      return { args: [f.tokenId, h("cnaps payment")] };
    },
  },
  {
    contract: "receivableDesk",
    signature: "recordPaidDown(uint256,uint256)",
    rule: "The certificate contract, counting a certificate paid down by its share of a part payment",
    party: {
      kind: "contract",
      who: "ReceivableCertificate",
      account: (ctx: Context) => ctx.suite.receivableCertificates.getAddress(),
    },
    setup: async (ctx) => ({ args: [(await issued(ctx)).receivableId, 1n] }),
  },
  {
    contract: "receivableDesk",
    signature: "acknowledgeOffChainPayment(uint256,bytes32)",
    rule: "The certificate's owner (able to hold certificates), from maturity on",
    party: holder,
    setup: async (ctx) => ({ args: [(await called(ctx)).tokenId, h("guarantor payment")] }),
  },
];

// ------------------------------------------------------------------ multi-bank financing requests

interface Financing extends Issued {
  requestId: bigint;
}

const quoteTerms = async (ctx: Context, validFor = 5n * DAY) => ({
  rateBps: 360,
  dayCount: 1,
  fee: 100n,
  validUntil: (await now(ctx)) + validFor,
});

/** As `issued`, supplier1 having approved the financing contract for its certificate and asked bankA and bankB. */
async function financingRequested(ctx: Context, sealed: boolean): Promise<Financing> {
  return ctx.state(`financing: requested${sealed ? " (sealed)" : ""}`, async () => {
    const f = await issued(ctx);
    const { financingRequests, receivableCertificates, accounts, ids } = ctx.suite;
    await receivableCertificates.connect(accounts.supplier1)["approve(address,uint256)"](financingRequests, f.tokenId);
    const t = await now(ctx);
    const args = [f.tokenId, 100_000n, [ids.bankA, ids.bankB], sealed, t + 2n * DAY, sealed ? t + 3n * DAY : 0n] as [
      bigint,
      bigint,
      number[],
      boolean,
      bigint,
      bigint,
    ];
    const f2 = financingRequests.connect(accounts.supplier1);
    const requestId = await f2.request.staticCall(...args);
    await f2.request(...args);
    return { ...f, requestId };
  });
}

/** An open request that bankA quoted on. */
async function financingQuoted(ctx: Context): Promise<Financing> {
  return ctx.state("financing: quoted", async () => {
    const f = await financingRequested(ctx, false);
    await ctx.suite.financingRequests.connect(ctx.suite.accounts.bankA).quote(f.requestId, await quoteTerms(ctx));
    return f;
  });
}

const SEALED_SALT = h("matrix sealed salt");

/** A sealed request bankA committed to, quoting closed (reveal window open): returns the committed terms too. */
async function financingCommitted(ctx: Context) {
  return ctx.state("financing: committed, quoting closed", async () => {
    const f = await financingRequested(ctx, true);
    const { financingRequests, accounts, ids } = ctx.suite;
    const terms = await quoteTerms(ctx);
    const commitment = await financingRequests.quoteCommitment(f.requestId, ids.bankA, terms, SEALED_SALT);
    await financingRequests.connect(accounts.bankA).commitQuote(f.requestId, commitment);
    await ctx.connection.networkHelpers.time.increase(2n * DAY + 1n);
    return { ...f, terms };
  });
}

const askedBank = { kind: "member", member: "bankA", role: "FINANCIER", noRole: "supplier3", wrong: "bankC" } as const;

export const financingEntries: Entry[] = [
  {
    contract: "financingRequests",
    signature: "request(uint256,uint256,uint32[],bool,uint40,uint40)",
    rule: "The certificate's owner or approved account, asking active FINANCIER banks",
    party: holder,
    setup: async (ctx) => {
      const t = await now(ctx);
      const { ids } = ctx.suite;
      return { args: [(await issued(ctx)).tokenId, 1_000n, [ids.bankA, ids.bankB], false, t + DAY, 0n] };
    },
  },
  {
    contract: "financingRequests",
    signature: "quote(uint256,(uint16,uint8,uint88,uint40))",
    rule: "An account of a FINANCIER bank the request asked, before the quote deadline",
    party: askedBank,
    setup: async (ctx) => ({ args: [(await financingRequested(ctx, false)).requestId, await quoteTerms(ctx)] }),
  },
  {
    contract: "financingRequests",
    signature: "commitQuote(uint256,bytes32)",
    rule: "An account of a FINANCIER bank the sealed request asked, before the quote deadline",
    party: askedBank,
    setup: async (ctx) => ({ args: [(await financingRequested(ctx, true)).requestId, h("matrix commitment")] }),
  },
  {
    contract: "financingRequests",
    signature: "revealQuote(uint256,(uint16,uint8,uint88,uint40),bytes32)",
    rule: "An account of the committing bank, after the quote deadline until the reveal deadline, matching terms",
    party: askedBank,
    setup: async (ctx) => {
      const f = await financingCommitted(ctx);
      return { args: [f.requestId, f.terms, SEALED_SALT] };
    },
  },
  {
    contract: "financingRequests",
    signature: "withdrawQuote(uint256)",
    rule: "An account of the bank that quoted, while the request is open",
    party: askedBank,
    setup: async (ctx) => ({ args: [(await financingQuoted(ctx)).requestId] }),
  },
  {
    contract: "financingRequests",
    signature: "accept(uint256,uint32)",
    rule:
      "The requester (still able to act for the certificate) or the owner it requested for, not another operator; " +
      "the quoting bank still an active FINANCIER",
    party: holder,
    earlier: [{ role: "quoting bank", member: "bankA", allowedWhenSuspended: false }],
    setup: async (ctx) => ({ args: [(await financingQuoted(ctx)).requestId, ctx.suite.ids.bankA] }),
  },
  {
    contract: "financingRequests",
    signature: "cancel(uint256)",
    rule: "The requester or the certificate's owner, while the request is open",
    party: holder,
    setup: async (ctx) => ({ args: [(await financingRequested(ctx, false)).requestId] }),
  },
];

// ------------------------------------------------------------------ discounting with or without recourse

/** As `issued`, supplier1 offered the whole certificate to bankA for 990,000 with recourse (approving the contract). */
async function recourseOffered(ctx: Context): Promise<Issued & { offerId: bigint }> {
  return ctx.state("recourse: offered", async () => {
    const f = await issued(ctx);
    const { recourseClaims, receivableCertificates, accounts, ids } = ctx.suite;
    await receivableCertificates.connect(accounts.supplier1)["approve(address,uint256)"](recourseClaims, f.tokenId);
    const r = recourseClaims.connect(accounts.supplier1);
    const args = [f.tokenId, 1_000_000n, ids.bankA, 990_000n, true, (await now(ctx)) + DAY] as const;
    const offerId = await r.offer.staticCall(...args);
    await r.offer(...args);
    return { ...f, offerId };
  });
}

/** bankA bought it, the receivable went unpaid past maturity and the grace period and was marked overdue. */
async function recourseDefaulted(ctx: Context): Promise<Issued> {
  return ctx.state("recourse: sold, defaulted", async () => {
    const f = await recourseOffered(ctx);
    await ctx.suite.recourseClaims.connect(ctx.suite.accounts.bankA).accept(f.offerId, true, 990_000n);
    await ctx.connection.networkHelpers.time.increaseTo(f.maturity + DAY + 1n);
    await ctx.suite.receivableDesk.connect(ctx.suite.accounts.bankC).markOverdue(f.receivableId);
    return f;
  });
}

const recourseBuyer = { kind: "member", member: "bankA", role: "FINANCIER", noRole: "agency", wrong: "bankC" } as const;

export const recourseEntries: Entry[] = [
  {
    contract: "recourseClaims",
    signature: "offer(uint256,uint256,uint32,uint256,bool,uint40)",
    rule: "The certificate's owner or approved account, offering to an active FINANCIER bank",
    party: holder,
    setup: async (ctx) => ({
      args: [(await issued(ctx)).tokenId, 1_000n, ctx.suite.ids.bankA, 900n, true, (await now(ctx)) + DAY],
    }),
  },
  {
    contract: "recourseClaims",
    signature: "cancel(uint256)",
    rule: "The offeror or the certificate's owner before the deadline; any active member after it",
    party: holder,
    setup: async (ctx) => ({ args: [(await recourseOffered(ctx)).offerId] }),
  },
  {
    contract: "recourseClaims",
    signature: "accept(uint256,bool,uint256)",
    rule: "An account of the bank offered to, at the offer's terms; the holder and offeror still in good standing",
    party: { kind: "member", member: "bankA", role: "FINANCIER", noRole: "supplier3", wrong: "bankC" },
    earlier: [{ role: "offeror", member: "supplier1", allowedWhenSuspended: false }],
    setup: async (ctx) => ({ args: [(await recourseOffered(ctx)).offerId, true, 990_000n] }),
  },
  {
    contract: "recourseClaims",
    signature: "exercise(uint256)",
    rule: "The owner or approved account of a certificate bought with recourse, unpaid after maturity and grace",
    party: recourseBuyer,
    earlier: [
      {
        role: "seller",
        member: "supplier1",
        allowedWhenSuspended: true,
        note: "a claim is made on the seller whatever its standing; it pays only in good standing",
      },
    ],
    setup: async (ctx) => ({ args: [(await recourseDefaulted(ctx)).tokenId] }),
  },
  {
    contract: "recourseClaims",
    signature: "honour(uint256)",
    rule: "An account of the seller, paying the claimant in tokens against the certificate",
    party: holder,
    earlier: [{ role: "claimant", member: "bankA", allowedWhenSuspended: false }],
    setup: async (ctx) => {
      const f = await recourseDefaulted(ctx);
      const r = ctx.suite.recourseClaims.connect(ctx.suite.accounts.bankA);
      const claimId = await r.exercise.staticCall(f.tokenId);
      await r.exercise(f.tokenId);
      return { args: [claimId] };
    },
  },
  {
    contract: "recourseClaims",
    signature: "discharge(uint256)",
    rule: "Any active member, once the obligor's side paid since the claim (certificate redeemed or paid off chain, receivable funded or settled)",
    party: { kind: "member", member: "bankC", role: "MEMBER" },
    allowed: ["regulator"],
    setup: async (ctx) => {
      const f = await recourseDefaulted(ctx);
      const r = ctx.suite.recourseClaims.connect(ctx.suite.accounts.bankA);
      const claimId = await r.exercise.staticCall(f.tokenId);
      await r.exercise(f.tokenId);
      await ctx.suite.receivableDesk.connect(ctx.suite.accounts.core).fund(f.receivableId);
      return { args: [claimId] };
    },
  },
];

/** As `issued`, at maturity core paid 400,000 of the 1,000,000 in part (supplier1's certificate has a share). */
async function partPaid(ctx: Context): Promise<Issued> {
  return ctx.state("arrangements: part paid", async () => {
    const f = await issued(ctx);
    const { maturityArrangements, accounts } = ctx.suite;
    await ctx.connection.networkHelpers.time.increaseTo(f.maturity);
    await maturityArrangements.connect(accounts.core).pay(f.receivableId, 400_000n);
    return f;
  });
}

export const arrangementEntries: Entry[] = [
  {
    contract: "maturityArrangements",
    signature: "pay(uint256,uint256)",
    rule: "The receivable's obligor, from maturity on, paying part of what is outstanding in tokens",
    party: obligor,
    setup: async (ctx) => {
      const f = await issued(ctx);
      await ctx.connection.networkHelpers.time.increaseTo(f.maturity);
      return { args: [f.receivableId, 1_000n] };
    },
  },
  {
    contract: "maturityArrangements",
    signature: "claim(uint256)",
    rule: "Any active member, paying a certificate's share to its holder (held while the holder is not in good standing)",
    party: { kind: "member", member: "bankC", role: "MEMBER" },
    allowed: ["regulator"],
    earlier: [{ role: "holder", member: "supplier1", allowedWhenSuspended: false }],
    setup: async (ctx) => ({ args: [(await partPaid(ctx)).tokenId] }),
  },
  {
    contract: "maturityArrangements",
    signature: "refund(uint256)",
    rule: "The receivable's obligor, once funded or settled, taking back shares no certificate will claim",
    party: obligor,
    setup: async (ctx) => {
      const f = await partPaid(ctx);
      await ctx.suite.receivableDesk.connect(ctx.suite.accounts.core).fund(f.receivableId);
      return { args: [f.receivableId] };
    },
  },
];
