import type { Context, Entry } from "./types.js";
import { h } from "./util.js";

const CNY = "0x434e59";
const INVENTORY = 1;
const PRINCIPAL = 1_000_000n;

/** gov2 (the warehouse) issued a 融通仓 receipt to supplier1: 1,000 units valued 2,000,000 CNY. */
async function issued(ctx: Context): Promise<bigint> {
  return ctx.state("warehouse: receipt issued", async () => {
    const { warehouseReceipts: w, accounts, ids } = ctx.suite;
    const args = [
      {
        depositor: ids.supplier1,
        mode: INVENTORY,
        dealer: 0,
        goodsHash: h("matrix goods"),
        locationHash: h("matrix location"),
        documentId: h("matrix goods document"),
        quantity: 1_000n,
        value: 2_000_000n,
        currency: CNY,
      },
    ] as const;
    const id = await w.connect(accounts.gov2).issue.staticCall(...args);
    await w.connect(accounts.gov2).issue(...args);
    return id;
  });
}

/** The receipt offered to bankA as a pledge; returns it and the offer hash. */
async function offered(ctx: Context): Promise<{ id: bigint; offerHash: string }> {
  return ctx.state("warehouse: pledge offered", async () => {
    const id = await issued(ctx);
    const { warehouseReceipts: w, accounts, ids } = ctx.suite;
    await w.connect(accounts.supplier1).offerPledge(id, ids.bankA, h("matrix loan"), PRINCIPAL);
    return { id, offerHash: (await w.pledge(id)).offerHash };
  });
}

/** Pledged to bankA, half repaid, 300 units instructed for release. */
async function instructed(ctx: Context): Promise<bigint> {
  return ctx.state("warehouse: pledged, half repaid, 300 instructed", async () => {
    const { id, offerHash } = await offered(ctx);
    const w = ctx.suite.warehouseReceipts.connect(ctx.suite.accounts.bankA);
    await w.acceptPledge(id, offerHash);
    await w.recordRepayment(id, PRINCIPAL / 2n, h("matrix payment"));
    await w.instructRelease(id, 300n);
    return id;
  });
}

const warehouse = { kind: "member", member: "gov2", role: "WAREHOUSE", noRole: "bankA" } as const;
const depositor = {
  kind: "member",
  member: "supplier1",
  role: "RECEIVABLE_HOLDER",
  noRole: "gov2",
  wrong: "supplier2",
} as const;
const bank = { kind: "member", member: "bankA", role: "FINANCIER", noRole: "supplier1", wrong: "bankB" } as const;

export const warehouseEntries: Entry[] = [
  {
    contract: "warehouseReceipts",
    signature: "issue((uint32,uint8,uint32,bytes32,bytes32,bytes32,uint96,uint96,bytes3))",
    rule: "A warehouse (WAREHOUSE) in good standing, for a depositor (and a 保兑仓 dealer) in good standing",
    party: warehouse,
    setup: async (ctx) => ({
      args: [
        {
          depositor: ctx.suite.ids.supplier1,
          mode: INVENTORY,
          dealer: 0,
          goodsHash: h("g"),
          locationHash: h("l"),
          documentId: h("d"),
          quantity: 10n,
          value: 10n,
          currency: CNY,
        },
      ],
    }),
  },
  {
    contract: "warehouseReceipts",
    signature: "cancel(uint256)",
    rule: "The issuing warehouse, while the receipt is not offered or pledged",
    party: warehouse,
    setup: async (ctx) => ({ args: [await issued(ctx)] }),
  },
  {
    contract: "warehouseReceipts",
    signature: "offerPledge(uint256,uint32,bytes32,uint128)",
    rule: "The depositor, to an active bank (FINANCIER), while the receipt is unencumbered and not frozen",
    party: depositor,
    setup: async (ctx) => ({ args: [await issued(ctx), ctx.suite.ids.bankA, h("loan"), PRINCIPAL] }),
  },
  {
    contract: "warehouseReceipts",
    signature: "withdrawPledge(uint256)",
    rule: "The depositor or the named bank, while the offer stands",
    party: depositor,
    allowed: [],
    setup: async (ctx) => ({ args: [(await offered(ctx)).id] }),
  },
  {
    contract: "warehouseReceipts",
    signature: "acceptPledge(uint256,bytes32)",
    rule: "The named bank, on the terms it priced; the depositor and the warehouse in good standing then",
    party: bank,
    earlier: [
      { role: "pledgor (depositor)", member: "supplier1", allowedWhenSuspended: false },
      { role: "warehouse", member: "gov2", allowedWhenSuspended: false },
    ],
    setup: async (ctx) => {
      const { id, offerHash } = await offered(ctx);
      return { args: [id, offerHash] };
    },
  },
  {
    contract: "warehouseReceipts",
    signature: "recordRepayment(uint256,uint128,bytes32)",
    rule: "The pledgee bank, while pledged, never beyond the principal",
    party: bank,
    setup: async (ctx) => ({ args: [await instructed(ctx), 1n, h("payment")] }),
  },
  {
    contract: "warehouseReceipts",
    signature: "instructRelease(uint256,uint96)",
    rule: "The pledgee bank, within the repaid share, to a recipient in good standing",
    party: bank,
    earlier: [{ role: "recipient (depositor)", member: "supplier1", allowedWhenSuspended: false }],
    setup: async (ctx) => ({ args: [await instructed(ctx), 100n] }),
  },
  {
    contract: "warehouseReceipts",
    signature: "confirmRelease(uint256,uint96)",
    rule: "The issuing warehouse, within the bank's instruction",
    party: warehouse,
    setup: async (ctx) => ({ args: [await instructed(ctx), 300n] }),
  },
];

/** The register's recorded attempts (issue 20: duplicate-financing attempts refused). */
export const documentAttemptEntries: Entry[] = [
  {
    contract: "financedDocuments",
    signature: "tryHold(bytes32,uint256,uint256,bytes3,uint256,uint32,uint32)",
    rule: "A suite contract, inside the step that finances the document (a warehouse receipt's pledge); a refusal is recorded",
    party: {
      kind: "contract",
      who: "suite contract (WarehouseReceipts here)",
      account: async (ctx) => ctx.suite.warehouseReceipts.getAddress(),
    },
    setup: async (ctx) => ({
      args: [h("matrix try document"), 1n, 1_000n, CNY, 1_000n, ctx.suite.ids.bankA, ctx.suite.ids.bankA],
    }),
  },
  {
    contract: "financedDocuments",
    signature: "checkFinancing(bytes32,uint256,bytes3,uint256)",
    rule: "A bank (FINANCIER, FORFAITER or LC_BANK) in good standing; recorded under its own member",
    party: { kind: "member", member: "bankA", role: "FINANCIER", noRole: "supplier1" },
    setup: async () => ({ args: [h("matrix checked document"), 1_000n, CNY, 1_000n] }),
  },
];
