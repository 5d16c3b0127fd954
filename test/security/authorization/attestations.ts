import type { Context, Entry } from "./types.js";
import { DAY, h } from "./util.js";

const INVOICE_KEY = h("hmac:invoice:4400231130/00012345");

async function invoiceFact(ctx: Context) {
  const now = BigInt(await ctx.connection.networkHelpers.time.latest());
  return {
    kind: 1, // InvoiceGenuine
    subjectKey: INVOICE_KEY,
    evidenceHash: h("tax:record"),
    validFrom: now,
    validUntil: now + 90n * DAY,
    factDate: 0,
    amount: 0,
    currency: "0x000000",
  };
}

/** gov1 (tax bureau) attested the invoice: attestation 1. */
async function attested(ctx: Context): Promise<bigint> {
  return ctx.state("attestations: invoice attested", async () => {
    await ctx.suite.attestations.connect(ctx.suite.accounts.gov1).attest(await invoiceFact(ctx));
    return 1n;
  });
}

export const attestationEntries: Entry[] = [
  // ------------------------------------------------------------------ attestations
  {
    contract: "attestations",
    signature: "attest((uint8,bytes32,bytes32,uint40,uint40,uint40,uint96,bytes3))",
    rule: "An active member holding the kind's authority role (here TAX_AUTHORITY for InvoiceGenuine)",
    party: { kind: "member", member: "gov1", role: "TAX_AUTHORITY", noRole: "gov2" },
    setup: async (ctx) => ({ args: [await invoiceFact(ctx)] }),
  },
  {
    contract: "attestations",
    signature: "revoke(uint256,bytes32)",
    rule: "An active account of the attester (or governance, a passed proposal)",
    party: { kind: "member", member: "gov1", role: "MEMBER", wrong: "gov2" },
    setup: async (ctx) => ({ args: [await attested(ctx), h("reason")] }),
  },
  {
    contract: "attestations",
    signature: "setPolicy(uint8,uint256)",
    rule: "A bank holding the application's financing role (FINANCIER for receivable financing), for itself",
    party: { kind: "member", member: "bankA", role: "FINANCIER", noRole: "core" },
    setup: async () => ({ args: [1, 1n << 1n] }),
  },
];
