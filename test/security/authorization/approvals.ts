import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { AccessLevel } from "../../helpers/suite.js";
import { governance } from "./runner.js";
import type { Context, Entry } from "./types.js";
import { h } from "./util.js";

const FORM = h("doc:application-form");
const DOCUMENTS = [{ kind: FORM, contentHash: h("file:form.pdf") }];
const gov = { kind: "governance" } as const;

/** Officers of gov1 and gov2: spare accounts of the suite (registered and granted by `withOfficers`). */
function officerAccounts(ctx: Context): { gov1: HardhatEthersSigner; gov2: HardhatEthersSigner } {
  const [gov1, gov2] = ctx.suite.outsiders;
  return { gov1, gov2 };
}

/** Adds the officers as Transact accounts of their departments and grants them the role (inside a state's build). */
async function withOfficers(ctx: Context): Promise<void> {
  const { registry, approvals, accounts, ids } = ctx.suite;
  const { gov1, gov2 } = officerAccounts(ctx);
  await registry.connect(accounts.gov1).addAccount(ids.gov1, gov1, AccessLevel.Transact);
  await registry.connect(accounts.gov2).addAccount(ids.gov2, gov2, AccessLevel.Transact);
  await approvals.connect(accounts.gov1).setOfficer(gov1, true);
  await approvals.connect(accounts.gov2).setOfficer(gov2, true);
}

/** The officers registered and granted. */
async function officers(ctx: Context) {
  await ctx.state("approvals: officers", () => withOfficers(ctx));
  return officerAccounts(ctx);
}

function definition(ctx: Context) {
  const { ids } = ctx.suite;
  return {
    issuer: ids.gov1,
    resultKind: 11,
    resultValidity: 0,
    termsHash: h("process:restaurant-opening"),
    steps: [
      { department: ids.gov1, stage: 0, deadlineDays: 5, documentKinds: [FORM] },
      { department: ids.gov2, stage: 0, deadlineDays: 10, documentKinds: [] },
    ],
  };
}

/** Process 1 (gov1 ‖ gov2, gov1 issues), defined by vote, with one officer per department. */
async function processDefined(ctx: Context): Promise<bigint> {
  return ctx.state("approvals: process", async () => {
    await withOfficers(ctx);
    await ctx.suite.approvals.connect(await governance(ctx)).defineProcess(definition(ctx));
    return 1n;
  });
}

/** supplier1 submitted case 1 to process 1: both steps open. */
async function submitted(ctx: Context): Promise<bigint> {
  return ctx.state("approvals: case submitted", async () => {
    await processDefined(ctx);
    await ctx.suite.approvals.connect(ctx.suite.accounts.supplier1).submit(1, h("hmac:applicant"), DOCUMENTS);
    return 1n;
  });
}

/** As `submitted`, with gov1 having accepted step 0. */
async function accepted(ctx: Context): Promise<bigint> {
  return ctx.state("approvals: step 0 accepted", async () => {
    const caseId = await submitted(ctx);
    await ctx.suite.approvals.connect(officerAccounts(ctx).gov1).accept(caseId, 0);
    return caseId;
  });
}

/** As `accepted`, with gov1 having asked for documents on step 0. */
async function awaitingDocuments(ctx: Context): Promise<bigint> {
  return ctx.state("approvals: step 0 awaiting documents", async () => {
    const caseId = await accepted(ctx);
    await ctx.suite.approvals.connect(officerAccounts(ctx).gov1).requestDocuments(caseId, 0, h("request"));
    return caseId;
  });
}

/** As `accepted`, with gov2 having approved step 1: gov1's approval of step 0 is the last and issues the result. */
async function lastApproval(ctx: Context): Promise<bigint> {
  return ctx.state("approvals: step 1 approved", async () => {
    const caseId = await accepted(ctx);
    const officer = officerAccounts(ctx).gov2;
    await ctx.suite.approvals.connect(officer).accept(caseId, 1);
    await ctx.suite.approvals.connect(officer).approve(caseId, 1, h("decision: gov2"));
    return caseId;
  });
}

/** An officer of gov1 deciding step 0; gov2's admin (no officer of this step) is the wrong member. */
async function gov1Officer(ctx: Context) {
  return officerAccounts(ctx).gov1;
}
const department = { kind: "member", member: "gov1", role: "MEMBER", wrong: "gov2" } as const;
const applicant = { kind: "member", member: "supplier1", role: "MEMBER", wrong: "supplier2" } as const;

export const approvalEntries: Entry[] = [
  // ------------------------------------------------------------------ approvals
  {
    contract: "approvals",
    signature: "defineProcess((uint32,uint16,uint64,bytes32,(uint32,uint8,uint16,bytes32[])[]))",
    rule: "Governance (a passed proposal): departments active, issuer a CERTIFICATE_ISSUER",
    party: gov,
    setup: async (ctx) => ({ args: [definition(ctx)] }),
  },
  {
    contract: "approvals",
    signature: "retireProcess(uint32)",
    rule: "Governance (a passed proposal)",
    party: gov,
    setup: async (ctx) => ({ args: [await processDefined(ctx)] }),
  },
  {
    contract: "approvals",
    signature: "setOfficer(address,bool)",
    rule: "An Admin account of the member, for one of its own accounts",
    party: { kind: "member", member: "gov1", role: "MEMBER", wrong: "gov2" },
    setup: async (ctx) => ({ args: [(await officers(ctx)).gov1.address, false] }),
  },
  {
    contract: "approvals",
    signature: "submit(uint32,bytes32,(bytes32,bytes32)[])",
    rule: "Any active member but the process's departments (the applicant); every department active",
    party: { kind: "member", member: "supplier1", role: "MEMBER" },
    allowed: ["regulator"],
    earlier: [{ role: "department of the process", member: "gov2", allowedWhenSuspended: false }],
    setup: async (ctx) => ({ args: [await processDefined(ctx), h("hmac:applicant"), DOCUMENTS] }),
  },
  {
    contract: "approvals",
    signature: "withdraw(uint256)",
    rule: "The case's applicant",
    party: applicant,
    setup: async (ctx) => ({ args: [await submitted(ctx)] }),
  },
  {
    contract: "approvals",
    signature: "supplyDocuments(uint256,uint8,(bytes32,bytes32)[])",
    rule: "The case's applicant, on a step awaiting documents",
    party: applicant,
    setup: async (ctx) => ({ args: [await awaitingDocuments(ctx), 0, DOCUMENTS] }),
  },
  {
    contract: "approvals",
    signature: "accept(uint256,uint8)",
    rule: "An officer of the department deciding the step",
    party: department,
    setup: async (ctx) => ({ args: [await submitted(ctx), 0], signer: await gov1Officer(ctx) }),
  },
  {
    contract: "approvals",
    signature: "requestDocuments(uint256,uint8,bytes32)",
    rule: "An officer of the department deciding the step, once accepted",
    party: department,
    setup: async (ctx) => ({ args: [await accepted(ctx), 0, h("request")], signer: await gov1Officer(ctx) }),
  },
  {
    contract: "approvals",
    signature: "approve(uint256,uint8,bytes32)",
    rule: "An officer of the department deciding the step; the last approval issues the result to an active applicant",
    party: department,
    earlier: [{ role: "applicant (certificate holder)", member: "supplier1", allowedWhenSuspended: false }],
    setup: async (ctx) => ({ args: [await lastApproval(ctx), 0, h("decision")], signer: await gov1Officer(ctx) }),
  },
  {
    contract: "approvals",
    signature: "reject(uint256,uint8,bytes32)",
    rule: "An officer of the department deciding the step, with the hash of its reasons",
    party: department,
    setup: async (ctx) => ({ args: [await accepted(ctx), 0, h("reasons")], signer: await gov1Officer(ctx) }),
  },
  {
    contract: "approvals",
    signature: "delegate(uint256,uint8,uint32,bytes32)",
    rule: "An officer of the department deciding the step, to another active member",
    party: department,
    earlier: [{ role: "department delegated to", member: "core", allowedWhenSuspended: false }],
    setup: async (ctx) => ({
      args: [await submitted(ctx), 0, ctx.suite.ids.core, h("handed over")],
      signer: await gov1Officer(ctx),
    }),
  },
];
