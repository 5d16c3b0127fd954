import type { Context, Entry } from "./types.js";
import { DAY, h } from "./util.js";

const SUBJECT = h("subject: company 91310000MA1FL0XX");

async function now(ctx: Context): Promise<bigint> {
  return BigInt(await ctx.connection.networkHelpers.time.latest());
}

async function content(ctx: Context) {
  return {
    category: 1,
    severity: 3,
    expiresAt: (await now(ctx)) + 365n * DAY,
    evidenceHash: h("evidence"),
    payloadHash: h("payload"),
    payloadLocationHash: h("payload location"),
  };
}

/** bankA reported entry 1 on SUBJECT. */
async function reported(ctx: Context): Promise<void> {
  await ctx.state("credit: reported", async () => {
    await ctx.suite.blacklist.connect(ctx.suite.accounts.bankA).report(SUBJECT, 2, await content(ctx));
  });
}

/** As `reported`, with bankB disputing it. */
async function disputed(ctx: Context): Promise<void> {
  await ctx.state("credit: disputed", async () => {
    await reported(ctx);
    await ctx.suite.blacklist.connect(ctx.suite.accounts.bankB).dispute(SUBJECT, 1, h("grounds"));
  });
}

/** gov1 owns dataset 1 (Internal). */
async function dataset(ctx: Context): Promise<bigint> {
  return ctx.state("data: dataset", async () => {
    const owner = ctx.suite.dataSharing.connect(ctx.suite.accounts.gov1);
    const id = await owner.registerDataset.staticCall(h("content"), 0, h("metadata"), 1, 1);
    await owner.registerDataset(h("content"), 0, h("metadata"), 1, 1);
    return id;
  });
}

/** supplier1 requested access to gov1's dataset. */
async function requested(ctx: Context): Promise<{ datasetId: bigint; grantId: bigint }> {
  return ctx.state("data: requested", async () => {
    const datasetId = await dataset(ctx);
    const consumer = ctx.suite.dataSharing.connect(ctx.suite.accounts.supplier1);
    const grantId = await consumer.requestAccess.staticCall(datasetId, h("purpose"), 1);
    await consumer.requestAccess(datasetId, h("purpose"), 1);
    return { datasetId, grantId };
  });
}

/** gov1 granted bankA access with the right to delegate. */
async function granted(ctx: Context): Promise<{ datasetId: bigint; grantId: bigint }> {
  return ctx.state("data: granted", async () => {
    const datasetId = await dataset(ctx);
    const { dataSharing, accounts, ids } = ctx.suite;
    const owner = dataSharing.connect(accounts.gov1);
    const expiresAt = (await now(ctx)) + 30n * DAY;
    const grantId = await owner.grantDirect.staticCall(datasetId, ids.bankA, h("purpose"), 1, expiresAt, true);
    await owner.grantDirect(datasetId, ids.bankA, h("purpose"), 1, expiresAt, true);
    return { datasetId, grantId };
  });
}

/** gov1 issued e-certificate 1. */
async function eCertificate(ctx: Context): Promise<bigint> {
  return ctx.state("e-certificate: issued", async () => {
    const issuer = ctx.suite.eCertificates.connect(ctx.suite.accounts.gov1);
    const terms = await certificateTerms(ctx);
    const id = await issuer.issue.staticCall(terms);
    await issuer.issue(terms);
    return id;
  });
}

async function certificateTerms(ctx: Context) {
  return {
    holderHash: h("holder"),
    kind: 1,
    documentHash: h("licence"),
    validFrom: 0n,
    validUntil: (await now(ctx)) + 365n * DAY,
  };
}

const owner = { kind: "member", member: "gov1", role: "DATA_OWNER", noRole: "bankB", wrong: "gov2" } as const;

export const recordEntries: Entry[] = [
  // ------------------------------------------------------------------ credit blacklist
  {
    contract: "blacklist",
    signature: "report(bytes32,uint8,(uint8,uint8,uint40,bytes32,bytes32,bytes32))",
    rule: "A reporting member (CREDIT_REPORTER)",
    party: { kind: "member", member: "bankA", role: "CREDIT_REPORTER", noRole: "core" },
    setup: async (ctx) => ({ args: [h("another subject"), 2, await content(ctx)] }),
  },
  {
    contract: "blacklist",
    signature: "update(bytes32,uint32,(uint8,uint8,uint40,bytes32,bytes32,bytes32))",
    rule: "The entry's reporter, holding CREDIT_REPORTER",
    party: { kind: "member", member: "bankA", role: "CREDIT_REPORTER", noRole: "core", wrong: "bankB" },
    setup: async (ctx) => {
      await reported(ctx);
      return { args: [SUBJECT, 1, { ...(await content(ctx)), severity: 4 }] };
    },
  },
  {
    contract: "blacklist",
    signature: "revoke(bytes32,uint32,bytes32)",
    rule: "The entry's reporter (any active membership: a reporter that lost the role can take its entries down)",
    party: { kind: "member", member: "bankA", role: "MEMBER", wrong: "bankB" },
    setup: async (ctx) => {
      await reported(ctx);
      return { args: [SUBJECT, 1, h("reason")] };
    },
  },
  {
    contract: "blacklist",
    signature: "dispute(bytes32,uint32,bytes32)",
    rule: "Any active member but the reporter",
    party: { kind: "member", member: "bankB", role: "MEMBER" },
    allowed: ["regulator"],
    setup: async (ctx) => {
      await reported(ctx);
      return { args: [SUBJECT, 1, h("grounds")] };
    },
  },
  {
    contract: "blacklist",
    signature: "resolveDispute(bytes32,uint32,uint8,bytes32)",
    rule: "The reporter, an AUDITOR (the regulator arbitrates), or governance",
    party: { kind: "member", member: "bankA", role: "MEMBER", wrong: "bankC" },
    allowed: ["regulator"],
    setup: async (ctx) => {
      await disputed(ctx);
      return { args: [SUBJECT, 1, 1, h("decision")] };
    },
  },
  {
    contract: "blacklist",
    signature: "query(bytes32,bytes32,uint32,uint256)",
    rule: "A querying member (CREDIT_QUERIER), with the customer's consent reference; every query is logged",
    party: { kind: "member", member: "bankC", role: "CREDIT_QUERIER", noRole: "core" },
    setup: async (ctx) => {
      await reported(ctx);
      return { args: [SUBJECT, h("consent"), 0, 5] };
    },
  },
  // ------------------------------------------------------------------ data sharing
  {
    contract: "dataSharing",
    signature: "registerDataset(bytes32,uint8,bytes32,uint8,uint64)",
    rule: "A data owner (DATA_OWNER)",
    party: { kind: "member", member: "gov1", role: "DATA_OWNER", noRole: "bankB" },
    setup: async () => ({ args: [h("other content"), 0, h("other metadata"), 1, 1] }),
  },
  {
    contract: "dataSharing",
    signature: "publishVersion(uint64,bytes32,uint8,bytes32)",
    rule: "The dataset's owner",
    party: owner,
    setup: async (ctx) => ({ args: [await dataset(ctx), h("content v2"), 0, h("metadata v2")] }),
  },
  {
    contract: "dataSharing",
    signature: "setClassification(uint64,uint8)",
    rule: "The dataset's owner",
    party: owner,
    setup: async (ctx) => ({ args: [await dataset(ctx), 2] }),
  },
  {
    contract: "dataSharing",
    signature: "retireDataset(uint64)",
    rule: "The dataset's owner",
    party: owner,
    setup: async (ctx) => ({ args: [await dataset(ctx)] }),
  },
  {
    contract: "dataSharing",
    signature: "setAutoGrantPolicy(uint64,(uint8,bool,uint32,uint64,uint64),bytes32[])",
    rule: "The dataset's owner",
    party: owner,
    setup: async (ctx) => ({
      args: [
        await dataset(ctx),
        { memberKinds: 1 << 1, mayDelegate: false, duration: 86_400, requiredRoles: 0, maxScope: 1 },
        [h("purpose")],
      ],
    }),
  },
  {
    contract: "dataSharing",
    signature: "requestAccess(uint64,bytes32,uint64)",
    rule: "A data consumer (DATA_CONSUMER)",
    party: { kind: "member", member: "supplier1", role: "DATA_CONSUMER", noRole: "bankB" },
    setup: async (ctx) => ({ args: [await dataset(ctx), h("purpose"), 1] }),
  },
  {
    contract: "dataSharing",
    signature: "grantAccess(uint64,uint64,uint64,bool)",
    rule: "The dataset's owner, answering a request",
    party: owner,
    setup: async (ctx) => {
      const { grantId } = await requested(ctx);
      return { args: [grantId, 1, (await now(ctx)) + 30n * DAY, false] };
    },
  },
  {
    contract: "dataSharing",
    signature: "refuseAccess(uint64,bytes32)",
    rule: "The dataset's owner, answering a request",
    party: owner,
    setup: async (ctx) => ({ args: [(await requested(ctx)).grantId, h("no")] }),
  },
  {
    contract: "dataSharing",
    signature: "grantDirect(uint64,uint32,bytes32,uint64,uint64,bool)",
    rule: "The dataset's owner, to an active DATA_CONSUMER",
    party: owner,
    setup: async (ctx) => ({
      args: [await dataset(ctx), ctx.suite.ids.supplier1, h("purpose"), 1, (await now(ctx)) + 30n * DAY, false],
    }),
  },
  {
    contract: "dataSharing",
    signature: "delegateAccess(uint64,uint32,uint64,uint64,bool)",
    rule: "The grantee of a grant that may be delegated (DATA_CONSUMER), within its scope and expiry",
    party: { kind: "member", member: "bankA", role: "DATA_CONSUMER", noRole: "bankB", wrong: "supplier1" },
    setup: async (ctx) => {
      const { grantId } = await granted(ctx);
      return { args: [grantId, ctx.suite.ids.core, 1, (await now(ctx)) + 10n * DAY, false] };
    },
  },
  {
    contract: "dataSharing",
    signature: "revokeAccess(uint64,bytes32)",
    rule: "The dataset's owner, the grantee, or the member that delegated the grant",
    party: { kind: "member", member: "gov1", role: "DATA_OWNER", noRole: "bankB", wrong: "gov2" },
    setup: async (ctx) => ({ args: [(await granted(ctx)).grantId, h("revoked")] }),
  },
  {
    contract: "dataSharing",
    signature: "recordAccess(bytes32,uint64,uint64,uint32,address,bytes32)",
    rule: "The dataset's owner serving the data, for an active grantee account, under a valid grant",
    party: owner,
    earlier: [{ role: "grantee (consumer served)", member: "bankA", allowedWhenSuspended: false }],
    setup: async (ctx) => {
      const { datasetId, grantId } = await granted(ctx);
      return { args: [h("access"), grantId, datasetId, 1, ctx.suite.accounts.bankA.address, h("result")] };
    },
  },
  // ------------------------------------------------------------------ e-certificates
  {
    contract: "eCertificates",
    signature: "issue((bytes32,uint16,bytes32,uint64,uint64))",
    rule: "A certificate-issuing agency (CERTIFICATE_ISSUER)",
    party: { kind: "member", member: "gov1", role: "CERTIFICATE_ISSUER", noRole: "gov2" },
    setup: async (ctx) => ({ args: [await certificateTerms(ctx)] }),
  },
  {
    contract: "eCertificates",
    signature: "issueFor(uint32,(bytes32,uint16,bytes32,uint64,uint64))",
    rule: "A suite contract (ApprovalProcesses, at a case's last approval; ReceivableDesk here), for an active CERTIFICATE_ISSUER",
    party: {
      kind: "contract",
      who: "suite contract (ReceivableDesk here)",
      account: async (ctx) => ctx.suite.receivableDesk.getAddress(),
    },
    earlier: [{ role: "issuer named", member: "gov1", allowedWhenSuspended: false }],
    setup: async (ctx) => ({ args: [ctx.suite.ids.gov1, await certificateTerms(ctx)] }),
  },
  {
    contract: "eCertificates",
    signature: "replace(uint64,(bytes32,uint16,bytes32,uint64,uint64),bytes32)",
    rule: "The certificate's issuer (CERTIFICATE_ISSUER)",
    party: { kind: "member", member: "gov1", role: "CERTIFICATE_ISSUER", noRole: "gov2" },
    setup: async (ctx) => ({ args: [await eCertificate(ctx), await certificateTerms(ctx), h("replaced")] }),
  },
  {
    contract: "eCertificates",
    signature: "revoke(uint64,bytes32)",
    rule: "The certificate's issuer (CERTIFICATE_ISSUER)",
    party: { kind: "member", member: "gov1", role: "CERTIFICATE_ISSUER", noRole: "gov2" },
    setup: async (ctx) => ({ args: [await eCertificate(ctx), h("revoked")] }),
  },
];
