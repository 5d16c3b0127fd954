import { writeFileSync } from "node:fs";
import { keccak256, toUtf8Bytes, ZeroAddress, ZeroHash, type ContractTransactionResponse } from "ethers";
import {
  BankGuarantees__factory,
  ConsortiumCalendar__factory,
  DataSharing__factory,
  ECertificates__factory,
  type BankGuarantees,
  type DataSharing,
  type ECertificates,
} from "@consortia/sdk/typechain";
import { rpc } from "../helpers/node-process.js";
import { passProposal, type TestChain } from "./chain.js";
import { deployProxy } from "../helpers/upgradeable.js";

/**
 * Scripted scenarios of the bank guarantees and the data-sharing applications over a real node, shared by
 * test/indexer/guarantees-data.test.ts and test/api/guarantees-data.test.ts.
 */
export const h = (text: string): string => keccak256(toUtf8Bytes(text));
export const DAY = 86_400;

export interface AppsC {
  guarantees: BankGuarantees;
  data: DataSharing;
  certificates: ECertificates;
  /** Blocks worth reading "as of". */
  marks: Record<string, number>;
  /** Guarantee ids, reference ids, grant ids, certificate ids by scenario name. */
  ids: Record<string, bigint>;
  refs: Record<string, string>;
  /** The chain's clock at the end of the scenario. */
  now: number;
}

async function mined(tx: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await tx).wait();
  return receipt!.blockNumber;
}

export async function latestTimestamp(chain: TestChain): Promise<number> {
  const block = await rpc<{ timestamp: string }>(chain.url, "eth_getBlockByNumber", ["latest", false]);
  return Number(block.timestamp);
}

async function travel(chain: TestChain, seconds: number): Promise<void> {
  await rpc(chain.url, "evm_increaseTime", [seconds]);
  await rpc(chain.url, "evm_mine");
}

/** Deploys BankGuarantees, DataSharing and ECertificates, adds them to the deployments file, runs both scenarios. */
export async function guaranteesAndDataScenario(chain: TestChain): Promise<AppsC> {
  const { deployer, registry, accounts: a, ids: m } = chain;
  // the calendar that counts demand examination (issue 19): weekends only, UTC+8; not indexed here
  const calendar = await deployProxy(
    await new ConsortiumCalendar__factory(deployer).deploy(registry),
    [8 * 3600],
    deployer,
  );
  await calendar.waitForDeployment();
  const guarantees = await deployProxy(
    await new BankGuarantees__factory(deployer).deploy(registry, chain.token, chain.ledger, calendar, ZeroAddress),
    [],
    deployer,
  );
  const data = await deployProxy(await new DataSharing__factory(deployer).deploy(registry), [], deployer);
  const certificates = await deployProxy(await new ECertificates__factory(deployer).deploy(registry), [], deployer);
  await Promise.all([guarantees, data, certificates].map((c) => c.waitForDeployment()));
  for (const [name, c] of Object.entries({
    BankGuarantees: guarantees,
    DataSharing: data,
    ECertificates: certificates,
  }))
    chain.deployments.contracts[name] = { address: await c.getAddress(), block: chain.deployments.deploymentBlock };
  writeFileSync(chain.deploymentsPath, JSON.stringify(chain.deployments, null, 2));
  await passProposal(
    chain,
    await registry.getAddress(),
    registry.interface.encodeFunctionData("setSystemContract", [await guarantees.getAddress(), true]),
    "guarantees",
  );

  const marks: Record<string, number> = {};
  const ids: Record<string, bigint> = {};
  const refs: Record<string, string> = {};
  let now = await latestTimestamp(chain);

  // ------------------------------------------------------------------------------------------ guarantees
  const bankA = guarantees.connect(a.bankA);
  const bankB = guarantees.connect(a.bankB);
  const s1 = guarantees.connect(a.supplier1);
  const core = guarantees.connect(a.core);
  await (await chain.token.connect(a.bankA).mint(a.bankA.address, 5_000_000n)).wait();
  await (await chain.token.connect(a.bankA).approve(await guarantees.getAddress(), 5_000_000n)).wait();
  const application = (over: Record<string, unknown> = {}) => ({
    guarantor: a.bankA.address,
    beneficiary: a.core.address,
    kind: 1,
    currency: "0x434e59", // CNY
    amount: 1_000_000n,
    expiry: BigInt(now + 100 * DAY),
    examinationPeriod: 5 * DAY,
    termsHash: h("terms"),
    tenderReference: h("tender"),
    schedule: [] as { date: bigint; amount: bigint }[],
    ...over,
  });
  const demand = (amount: bigint, extendTo = 0n) => ({
    amount,
    demandHash: h(`demand ${amount}`),
    documents: [{ contentHash: h("statement"), uriHash: h("uri"), kind: 1 }],
    extendTo,
  });
  let next = 0n;
  const apply = async (name: string, over: Record<string, unknown> = {}, by = s1) => {
    await mined(by.applyFor(application(over)));
    ids[name] = ++next;
  };

  // G1: performance guarantee with a reduction step; amendment, four demands (paid, extend-or-pay, rejected,
  // withdrawn), two more amendments (withdrawn, refused).
  await apply("g1", { schedule: [{ date: BigInt(now + 30 * DAY), amount: 600_000n }] });
  refs.g1 = h("BG-0001");
  marks.g1Issued = await mined(bankA.issue(ids.g1, refs.g1));
  await mined(bankA.proposeAmendment(ids.g1, 1_200_000n, BigInt(now + 120 * DAY), h("amendment 1")));
  marks.g1Amending = await mined(core.answerAmendment(ids.g1, true));
  marks.g1Claimed = await mined(core.presentClaim(ids.g1, demand(200_000n)));
  await mined(bankA.payClaim(ids.g1, 0, ZeroHash));
  await mined(core.presentClaim(ids.g1, demand(100_000n, BigInt(now + 150 * DAY))));
  await mined(bankA.extendInsteadOfPaying(ids.g1, 1));
  await mined(core.presentClaim(ids.g1, demand(50_000n)));
  await mined(bankA.rejectClaim(ids.g1, 2, h("discrepancies")));
  await mined(core.presentClaim(ids.g1, demand(10_000n)));
  await mined(core.withdrawClaim(ids.g1, 3));
  await mined(bankA.proposeAmendment(ids.g1, 900_000n, BigInt(now + 150 * DAY), h("amendment 2")));
  await mined(bankA.withdrawAmendment(ids.g1));
  await mined(bankA.proposeAmendment(ids.g1, 1_500_000n, BigInt(now + 150 * DAY), h("amendment 3")));
  await mined(core.answerAmendment(ids.g1, false));
  // G2 declined, G3 cancelled.
  await apply("g2", { kind: 0 });
  await mined(bankA.decline(ids.g2, h("credit limit")));
  await apply("g3", { kind: 0 });
  await mined(s1.cancel(ids.g3));
  // G4: advance payment, paid in full off chain: exhausted.
  await apply("g4", { kind: 2, amount: 300_000n });
  refs.g4 = h("BG-0004");
  await mined(bankA.issue(ids.g4, refs.g4));
  await mined(core.presentClaim(ids.g4, demand(300_000n)));
  await mined(bankA.payClaim(ids.g4, 0, h("MT103-G4")));
  // G5: bankB for core in favour of supplier2, released. G7 stays open at bankB (never issued).
  await apply("g5", { guarantor: a.bankB.address, beneficiary: a.supplier2.address }, core);
  refs.g5 = h("BG-0005");
  await mined(bankB.issue(ids.g5, refs.g5));
  await mined(guarantees.connect(a.supplier2).release(ids.g5));
  // G6: expires.
  await apply("g6", { expiry: BigInt(now + 2 * DAY) });
  refs.g6 = h("BG-0006");
  await mined(bankA.issue(ids.g6, refs.g6));
  await apply("g7", { guarantor: a.bankB.address, beneficiary: a.supplier2.address }, core);

  // ------------------------------------------------------------------------------------------ data sharing
  const gov1 = data.connect(a.gov1);
  await mined(gov1.registerDataset(h("d1 v1"), 0, h("d1 meta"), 1, 0b1111n)); // 1: Internal
  await mined(gov1.publishVersion(1, h("d1 root v2"), 1, h("d1 meta v2")));
  await mined(gov1.registerDataset(h("d2 v1"), 0, h("d2 meta"), 2, 0b11n)); // 2: Confidential (sensitive log)
  await mined(gov1.publishVersion(2, h("d2 v2"), 0, h("d2 meta v2")));
  marks.d2Confidential = await mined(gov1.setClassification(2, 3));
  await mined(data.connect(a.core).registerDataset(h("d3"), 0, h("d3 meta"), 0, 1n)); // 3: Public, core's
  await mined(data.connect(a.core).retireDataset(3));
  const policy = { memberKinds: 1 << 2, mayDelegate: true, duration: 10 * DAY, requiredRoles: 0n, maxScope: 0b11n };
  await mined(gov1.setAutoGrantPolicy(1, policy, [h("purpose kyc"), h("purpose statistics")]));
  await mined(data.connect(a.supplier1).requestAccess(1, h("purpose kyc"), 0b1n)); // grant 1, by policy
  ids.grantPolicy = 1n;
  marks.grantRequested = await mined(data.connect(a.gov2).requestAccess(1, h("purpose audit"), 0b111n)); // grant 2
  ids.grantRequested = 2n;
  await mined(gov1.grantAccess(2, 0b101n, BigInt(now + 30 * DAY), true));
  await mined(data.connect(a.gov2).delegateAccess(2, m.core, 0b1n, BigInt(now + 20 * DAY), true)); // grant 3
  await mined(data.connect(a.core).delegateAccess(3, m.bankA, 0b1n, BigInt(now + 10 * DAY), false)); // grant 4
  ids.grantDelegated = 3n;
  ids.grantLeaf = 4n;
  await mined(data.connect(a.bankA).requestAccess(1, h("purpose marketing"), 0b1n)); // grant 5
  await mined(gov1.refuseAccess(5, h("not a valid purpose")));
  ids.grantRefused = 5n;
  await mined(gov1.grantDirect(2, m.gov2, h("purpose audit"), 0b11n, BigInt(now + 5 * DAY), false)); // grant 6
  ids.grantDirect = 6n;
  await mined(gov1.recordAccess(h("access 1"), 2, 1, 1, a.gov2.address, h("result 1")));
  await mined(gov1.recordAccess(h("access 2"), 4, 1, 2, a.bankA.address, h("result 2")));
  await mined(gov1.recordAccess(h("access 3"), 1, 1, 2, a.supplier1.address, h("result 1")));
  marks.beforeRevoke = await mined(gov1.recordAccess(h("access 4"), 6, 2, 1, a.gov2.address, h("result 4")));
  await mined(data.connect(a.gov2).revokeAccess(3, h("no longer needed")));
  await mined(gov1.recordAccess(h("access 5"), 2, 1, 2, a.gov2.address, h("result 5")));

  // ------------------------------------------------------------------------------------------ e-certificates
  const issuer = certificates.connect(a.gov1);
  const terms = (holder: string, over: Record<string, unknown> = {}) => ({
    holderHash: h(`holder ${holder}`),
    kind: 1,
    documentHash: h(`document ${holder} ${JSON.stringify(over, (_k, v: unknown) => String(v))}`),
    validFrom: 0n,
    validUntil: 0n,
    ...over,
  });
  marks.cert1Issued = await mined(issuer.issue(terms("alice"))); // 1
  await mined(issuer.replace(1, terms("alice", { kind: 1, validUntil: BigInt(now + 400 * DAY) }), h("renewal"))); // 2
  await mined(issuer.replace(2, terms("alice2", { kind: 1 }), h("change of holder"))); // 3
  await mined(issuer.issue(terms("bob", { kind: 2 }))); // 4
  await mined(issuer.revoke(4, h("fraud")));
  await mined(issuer.issue(terms("carol", { validFrom: BigInt(now + 300 * DAY) }))); // 5: not yet valid
  await mined(issuer.issue(terms("dave", { validUntil: BigInt(now + DAY) }))); // 6: expires below
  await mined(issuer.issue(terms("erin", { validUntil: 2n ** 64n - 1n }))); // 7: "never" (above 2^63)

  // ------------------------------------------------------------------------------------------ time passes
  await travel(chain, 3 * DAY);
  await mined(guarantees.connect(a.bankC).expire(ids.g6));
  await mined(data.connect(a.gov2).requestAccess(1, h("purpose audit"), 0b1n)); // grant 7, waits for the owner
  ids.grantPending = 7n;
  now = await latestTimestamp(chain);

  return { guarantees, data, certificates, marks, ids, refs, now };
}
