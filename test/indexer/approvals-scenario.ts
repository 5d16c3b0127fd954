import { writeFileSync } from "node:fs";
import { keccak256, toUtf8Bytes, type JsonRpcSigner } from "ethers";
import {
  ApprovalProcesses__factory,
  ConsortiumCalendar__factory,
  ECertificates__factory,
} from "@consortia/sdk/typechain";
import { createConsortia, documentKind, yearWorkingDays, type Consortia } from "@consortia/sdk";
import { rpc } from "../helpers/node-process.js";
import { deployProxy } from "../helpers/upgradeable.js";
import type { TestMemberName } from "../helpers/consortium.js";
import type { TestChain } from "./chain.js";

/**
 * A scripted approvals scenario over a real node, through the SDK client, shared by test/indexer/approvals.test.ts,
 * test/sdk/clients-approvals.test.ts and test/api/approvals.test.ts. Process 1: gov1 (5 working days, form) ‖ gov2
 * (10 days, fire plan), then agency (3 days). Case 1 gets a document request, is supplied, gov2 decides late, agency
 * delegates its step to gov2, and the case ends approved with its certificate; case 2 is rejected by gov1; case 3
 * withdrawn; case 4 stays open with both first steps overdue.
 */
export const h = (text: string): string => keccak256(toUtf8Bytes(text));
export const UTC_OFFSET = 8 * 3600;
/** 2027-01-04, a Monday (day number). */
export const MONDAY = 20_822;
export const KIND = { form: documentKind("application-form"), firePlan: documentKind("fire-safety-plan") };
export const APPLICANT_REF = h("hmac:91440101MA5XXXXXX1");
export const DOCUMENTS = [
  { kind: KIND.form, contentHash: h("file:form.pdf") },
  { kind: KIND.firePlan, contentHash: h("file:fire-plan.pdf") },
];
/** 2027's working days: Monday to Friday, with 2027-01-05 off and Saturday 2027-01-09 on (a vote). */
export const HOLIDAY = "2027-01-05";
export const MAKE_UP = "2027-01-09";

export interface ApprovalsScenario {
  sdk: Record<TestMemberName | "officer1" | "officer2" | "officer3", Consortia>;
  officers: { gov1: JsonRpcSigner; gov2: JsonRpcSigner; agency: JsonRpcSigner };
  cases: { approved: bigint; rejected: bigint; withdrawn: bigint; open: bigint };
  certificateId: bigint;
  marks: Record<string, number>;
}

async function travelTo(chain: TestChain, timestamp: number): Promise<void> {
  await rpc(chain.url, "evm_setNextBlockTimestamp", [timestamp]);
  await rpc(chain.url, "evm_mine");
}

/** 09:00 local time on day `day`. */
export const nineAm = (day: number): number => day * 86_400 + 9 * 3600 - UTC_OFFSET;

async function vote(chain: TestChain, proposalId: bigint): Promise<void> {
  const { registry, accounts } = chain;
  await (await registry.connect(accounts.bankB).approve(proposalId)).wait();
  await (await registry.connect(accounts.bankC).approve(proposalId)).wait();
  await (await registry.connect(accounts.bankA).execute(proposalId)).wait();
}

/** Deploys the calendar, e-certificates and approvals, adds them to the deployments file, runs the scenario. */
export async function approvalsScenario(chain: TestChain): Promise<ApprovalsScenario> {
  const { deployer, registry, accounts: a, ids, outsiders } = chain;
  const calendar = await deployProxy(
    await new ConsortiumCalendar__factory(deployer).deploy(registry),
    [UTC_OFFSET],
    deployer,
  );
  const certificates = await deployProxy(await new ECertificates__factory(deployer).deploy(registry), [], deployer);
  await Promise.all([calendar, certificates].map((c) => c.waitForDeployment()));
  const app = await deployProxy(
    await new ApprovalProcesses__factory(deployer).deploy(registry, calendar, certificates),
    [],
    deployer,
  );
  await app.waitForDeployment();
  for (const [name, c] of Object.entries({
    ConsortiumCalendar: calendar,
    ECertificates: certificates,
    ApprovalProcesses: app,
  }))
    chain.deployments.contracts[name] = { address: await c.getAddress(), block: chain.deployments.deploymentBlock };
  writeFileSync(chain.deploymentsPath, JSON.stringify(chain.deployments, null, 2));

  const connect = (runner: JsonRpcSigner) => createConsortia({ runner, deployment: chain.deployments });
  const [officer1, officer2, officer3] = outsiders;
  const sdk = {} as ApprovalsScenario["sdk"];
  for (const name of Object.keys(a) as TestMemberName[]) sdk[name] = await connect(a[name]);
  sdk.officer1 = await connect(officer1);
  sdk.officer2 = await connect(officer2);
  sdk.officer3 = await connect(officer3);
  const marks: Record<string, number> = {};

  // Governance: the approvals contract issues certificates (system contract), the 2027 calendar, the process.
  await vote(
    chain,
    (
      await sdk.bankA.registry.proposeCall(
        await registry.getAddress(),
        registry.interface.encodeFunctionData("setSystemContract", [await app.getAddress(), true]),
        "approvals issue e-certificates",
      )
    ).proposalId,
  );
  const days = yearWorkingDays(2027, [HOLIDAY], [MAKE_UP]);
  await vote(chain, (await sdk.bankA.approvals.calendar.proposeWorkingDays(2027, days, "2027 calendar")).proposalId);
  for (const [member, officer] of [
    ["gov1", officer1],
    ["gov2", officer2],
    ["agency", officer3],
  ] as const) {
    await (await registry.connect(a[member]).addAccount(ids[member], officer.address, 2)).wait();
    await sdk[member].approvals.setOfficer(officer.address, true);
  }
  await travelTo(chain, nineAm(MONDAY) - 600);
  const process = {
    issuer: ids.gov1,
    resultKind: 11,
    resultValidity: 365 * 86_400,
    termsHash: h("process:restaurant-opening"),
    steps: [
      { department: ids.gov1, stage: 0, deadlineDays: 5, documentKinds: [KIND.form] },
      { department: ids.gov2, stage: 0, deadlineDays: 10, documentKinds: [KIND.firePlan] },
      { department: ids.agency, stage: 1, deadlineDays: 3 },
    ],
  };
  await vote(chain, (await sdk.bankA.approvals.proposeDefineProcess(process, "restaurant opening")).proposalId);
  marks.defined = await chain.provider.getBlockNumber();

  // Case 1: documents asked for and supplied, gov2 late, agency delegates to gov2, approved with its certificate.
  await travelTo(chain, nineAm(MONDAY));
  const approved = (await sdk.supplier1.approvals.submit(1, APPLICANT_REF, DOCUMENTS)).caseId;
  await sdk.officer1.approvals.accept(approved, 0);
  await sdk.officer1.approvals.requestDocuments(approved, 0, h("request: signed lease"));
  marks.paused = await chain.provider.getBlockNumber();
  await travelTo(chain, nineAm(MONDAY + 2));
  await sdk.supplier1.approvals.supplyDocuments(approved, 0, [{ kind: h("doc:lease"), contentHash: h("file:lease") }]);
  await sdk.officer1.approvals.approve(approved, 0, h("decision: gov1"));
  await sdk.officer2.approvals.accept(approved, 1);
  await travelTo(chain, nineAm(MONDAY + 21));
  await sdk.officer2.approvals.approve(approved, 1, h("decision: gov2"));
  await sdk.officer3.approvals.delegate(approved, 2, ids.gov2, h("fire safety decides the signage too"));
  await sdk.officer2.approvals.accept(approved, 2);
  const { certificateId } = await sdk.officer2.approvals.approve(approved, 2, h("decision: signage"));
  marks.approved = await chain.provider.getBlockNumber();

  // Case 2 rejected by gov1; case 3 withdrawn; case 4 left open until both first steps are overdue.
  const rejected = (await sdk.supplier2.approvals.submit(1, h("hmac:other"), DOCUMENTS)).caseId;
  await sdk.officer1.approvals.reject(rejected, 0, h("reasons: zoning"));
  const withdrawn = (await sdk.supplier1.approvals.submit(1, h("hmac:third"), DOCUMENTS)).caseId;
  await sdk.supplier1.approvals.withdraw(withdrawn);
  const open = (await sdk.supplier1.approvals.submit(1, h("hmac:fourth"), DOCUMENTS)).caseId;
  await sdk.officer1.approvals.accept(open, 0);
  await travelTo(chain, nineAm(MONDAY + 42));
  marks.end = await chain.provider.getBlockNumber();
  return {
    sdk,
    officers: { gov1: officer1, gov2: officer2, agency: officer3 },
    cases: { approved, rejected, withdrawn, open },
    certificateId: certificateId!,
    marks,
  };
}
