import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { keccak256, toUtf8Bytes, type BaseContract, type Interface } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import { MemberKind, roleSet } from "@consortia/sdk";
import type { ApprovalProcesses, ConsortiumCalendar, ECertificates } from "@consortia/sdk/typechain";
import type { IApprovalProcesses } from "@consortia/sdk/typechain/approvals/ApprovalProcesses.js";
import { deployPlatform, passProposal, proposeAndGetId, type Platform } from "../helpers/consortium.js";
import { deployUpgradeable } from "../helpers/upgradeable.js";

export const h = (text: string): string => keccak256(toUtf8Bytes(text));

/** China's offset: the calendar's days start at 00:00 UTC+8. */
export const UTC_OFFSET = 8 * 3600;
/** Day numbers (days since 1970-01-01). */
export const MONDAY = 20_822; // 2027-01-04
export const dayOf = (isoDate: string): number => Date.parse(`${isoDate}T00:00:00Z`) / 86_400_000;
/** 09:00 local time on `day`, as a timestamp. */
export const nineAm = (day: number): number => day * 86_400 + 9 * 3600 - UTC_OFFSET;

export const CaseState = { None: 0, Open: 1, Approved: 2, Rejected: 3, Withdrawn: 4 } as const;
export const StepState = {
  Pending: 0,
  Open: 1,
  Accepted: 2,
  AwaitingDocuments: 3,
  Approved: 4,
  Rejected: 5,
} as const;

export const KIND = {
  form: h("doc:application-form"),
  firePlan: h("doc:fire-safety-plan"),
  lease: h("doc:lease"),
};
export const RESULT_KIND = 11;
export const RESULT_VALIDITY = 365 * 86_400;
export const APPLICANT_REF = h("hmac:91440101MA5XXXXXX1");

export interface ApprovalsFixture {
  platform: Platform;
  calendar: ConsortiumCalendar;
  certificates: ECertificates;
  app: ApprovalProcesses;
  /** gov1 (market regulation, issuer), gov2 (fire), gov3 (environment, admitted by vote). */
  ids: { gov1: number; gov2: number; gov3: number; applicant: number };
  /** Admin accounts of the departments and the applicant (supplier1). */
  admins: { gov1: HardhatEthersSigner; gov2: HardhatEthersSigner; gov3: HardhatEthersSigner };
  applicant: HardhatEthersSigner;
  /** Officer accounts the departments granted. */
  officers: { gov1: HardhatEthersSigner; gov2: HardhatEthersSigner; gov3: HardhatEthersSigner };
  /** An account of gov1 at Transact level that gov1 did not make an officer. */
  clerk: HardhatEthersSigner;
  outsider: HardhatEthersSigner;
  /** Process 1: stage 0 = gov1 (5 days, form) ‖ gov2 (10 days, fire plan); stage 1 = gov3 (5 days). */
  processId: bigint;
}

/** The standard process: two parallel steps, then one. */
export function definition(
  f: Pick<ApprovalsFixture, "ids">,
  overrides: Partial<IApprovalProcesses.ProcessDefinitionStruct> = {},
): IApprovalProcesses.ProcessDefinitionStruct {
  return {
    issuer: f.ids.gov1,
    resultKind: RESULT_KIND,
    resultValidity: RESULT_VALIDITY,
    termsHash: h("process:restaurant-opening"),
    steps: [
      { department: f.ids.gov1, stage: 0, deadlineDays: 5, documentKinds: [KIND.form] },
      { department: f.ids.gov2, stage: 0, deadlineDays: 10, documentKinds: [KIND.firePlan] },
      { department: f.ids.gov3, stage: 1, deadlineDays: 5, documentKinds: [] },
    ],
    ...overrides,
  };
}

export const DOCUMENTS: IApprovalProcesses.ApprovalDocumentStruct[] = [
  { kind: KIND.form, contentHash: h("file:form.pdf") },
  { kind: KIND.firePlan, contentHash: h("file:fire-plan.pdf") },
];

/**
 * Deploys the platform, the calendar (UTC+8), e-certificates and the approvals contract (a system contract), admits
 * gov3, grants one officer per department, defines the standard process by vote, and moves the clock to Monday
 * 2027-01-04 09:00 local time.
 */
export async function deployApprovals(connection: NetworkConnection): Promise<ApprovalsFixture> {
  const { ethers, networkHelpers } = connection;
  const platform = await deployPlatform(connection);
  const { registry, accounts, outsiders } = platform;
  const calendar = await deployUpgradeable(ethers, "ConsortiumCalendar", [registry], [UTC_OFFSET]);
  const certificates = await deployUpgradeable(ethers, "ECertificates", [registry]);
  const app = await deployUpgradeable(ethers, "ApprovalProcesses", [registry, calendar, certificates]);
  await platform.finishBootstrap([app]);

  const [gov3Admin, officer1, officer2, officer3, clerk, outsider] = outsiders;
  await passProposal(
    platform,
    registry,
    registry.interface.encodeFunctionData("admitMember", [
      MemberKind.Government,
      "gov3",
      h("registration:gov3"),
      h("encryption-key:gov3"),
      roleSet("DATA_OWNER"),
      gov3Admin.address,
    ]),
  );
  const ids = {
    gov1: platform.ids.gov1,
    gov2: platform.ids.gov2,
    gov3: Number(await registry.memberOf(gov3Admin)),
    applicant: platform.ids.supplier1,
  };
  const admins = { gov1: accounts.gov1, gov2: accounts.gov2, gov3: gov3Admin };
  const officers = { gov1: officer1, gov2: officer2, gov3: officer3 };
  const Transact = 2;
  for (const name of ["gov1", "gov2", "gov3"] as const) {
    await registry.connect(admins[name]).addAccount(ids[name], officers[name], Transact);
    await app.connect(admins[name]).setOfficer(officers[name], true);
  }
  await registry.connect(accounts.gov1).addAccount(ids.gov1, clerk, Transact);

  await networkHelpers.time.increaseTo(nineAm(MONDAY) - 60);
  const f = {
    platform,
    calendar,
    certificates,
    app,
    ids,
    admins,
    applicant: accounts.supplier1,
    officers,
    clerk,
    outsider,
  };
  await passProposal(platform, app, app.interface.encodeFunctionData("defineProcess", [definition(f)]));
  await networkHelpers.time.increaseTo(nineAm(MONDAY));
  return { ...f, processId: 1n };
}

/** Submits a case of process 1 as the applicant with both documents; returns its id. */
export async function submitCase(f: ApprovalsFixture, processId = f.processId): Promise<bigint> {
  const app = f.app.connect(f.applicant);
  const caseId = await app.submit.staticCall(processId, APPLICANT_REF, DOCUMENTS);
  await app.submit(processId, APPLICANT_REF, DOCUMENTS);
  return caseId;
}

/** The error a governance proposal's call reverts with, decoded by `decoder` (by name), without executing it. */
export async function governanceError(platform: Platform, target: BaseContract, data: string, decoder: Interface) {
  const { registry, accounts } = platform;
  const id = await proposeAndGetId(platform, target, data);
  await registry.connect(accounts.bankB).approve(id);
  await registry.connect(accounts.bankC).approve(id);
  try {
    await registry.connect(accounts.bankA).execute.staticCall(id);
  } catch (error) {
    const outer = registry.interface.parseError((error as { data: string }).data);
    expect(outer?.name).to.equal("ProposalCallFailed");
    const inner = decoder.parseError(outer!.args.reason as string) ?? registry.interface.parseError(outer!.args.reason);
    return { name: inner?.name ?? "unknown", args: inner?.args };
  }
  throw new Error("the proposal's call succeeded");
}
