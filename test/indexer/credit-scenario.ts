import { writeFileSync } from "node:fs";
import { keccak256, toUtf8Bytes, type ContractTransactionResponse } from "ethers";
import { CreditBlacklist__factory, type CreditBlacklist, type ICreditBlacklist } from "@consortia/sdk/typechain";
import { passProposal, type TestChain } from "./chain.js";
import { advance, DAY } from "./receivables-scenario.js";
import { deployProxy } from "../helpers/upgradeable.js";

const hash = (label: string) => keccak256(toUtf8Bytes(label));

export interface CreditChain extends TestChain {
  blacklist: CreditBlacklist;
}

/** Subject keys as the SDK derives them off chain (keyed hashes): opaque here. */
export const SUBJECTS = {
  person: hash("indexer subject: person 1"),
  company: hash("indexer subject: company 1"),
  shortLived: hash("indexer subject: person 2"),
  unknown: hash("indexer subject: never reported"),
} as const;

async function send(tx: Promise<ContractTransactionResponse>): Promise<number> {
  return (await (await tx).wait())!.blockNumber;
}

/** Deploys the blacklist on a started test chain and adds it to the deployments file. */
export async function deployCredit(chain: TestChain): Promise<CreditChain> {
  const blacklist = await deployProxy(
    await new CreditBlacklist__factory(chain.deployer).deploy(chain.registry),
    [],
    chain.deployer,
  );
  await blacklist.waitForDeployment();
  const block = (await blacklist.deploymentTransaction()!.wait())!.blockNumber;
  chain.deployments.contracts.CreditBlacklist = { address: await blacklist.getAddress(), block };
  writeFileSync(chain.deploymentsPath, JSON.stringify(chain.deployments, null, 2));
  return Object.assign(chain, { blacklist });
}

export interface CreditScenario {
  /** Block after bankA's first report and before its update (version 1 current). */
  firstReportBlock: number;
  /** Block of the last update of person#1 (version 3). */
  lastUpdateBlock: number;
  consent: string;
}

/**
 * Reports, updates, disputes (upheld by the regulator, withdrawn by the reporter, resolved by governance, ended by a
 * revocation), revocations, expiry and logged queries (paged, by several members).
 */
export async function creditScenario(chain: CreditChain): Promise<CreditScenario> {
  const { blacklist, accounts: a } = chain;
  const now = async () => BigInt((await chain.provider.getBlock("latest"))!.timestamp);
  const content = async (
    label: string,
    overrides: Partial<ICreditBlacklist.ContentStruct> = {},
  ): Promise<ICreditBlacklist.ContentStruct> => ({
    category: 2, // Default
    severity: 3,
    expiresAt: (await now()) + 365n * BigInt(DAY),
    evidenceHash: hash(`evidence ${label}`),
    payloadHash: hash(`payload ${label}`),
    payloadLocationHash: hash(`location ${label}`),
    ...overrides,
  });
  const { person, company, shortLived } = SUBJECTS;

  // person#1 by bankA (Default), person#2 by bankB (Fraud), company#1 by the agency, shortLived#1 expiring in 2 days.
  const firstReportBlock = await send(blacklist.connect(a.bankA).report(person, 1, await content("p1 v1")));
  await send(blacklist.connect(a.bankB).report(person, 1, await content("p2 v1", { category: 1, severity: 5 })));
  await send(blacklist.connect(a.agency).report(company, 2, await content("c1 v1", { category: 3, severity: 2 })));
  await send(
    blacklist
      .connect(a.agency)
      .report(shortLived, 1, await content("s1 v1", { expiresAt: (await now()) + 2n * BigInt(DAY) })),
  );

  // person#1: v2; disputed by bankB, upheld by the regulator; v3; disputed by the agency, resolved by governance.
  await send(blacklist.connect(a.bankA).update(person, 1, await content("p1 v2", { severity: 4 })));
  await send(blacklist.connect(a.bankB).dispute(person, 1, hash("customer repaid")));
  await send(blacklist.connect(a.regulator).resolveDispute(person, 1, 1, hash("evidence stands")));
  const lastUpdateBlock = await send(
    blacklist.connect(a.bankA).update(person, 1, await content("p1 v3", { severity: 5, category: 6 })),
  );
  await send(blacklist.connect(a.agency).dispute(person, 1, hash("court decision reversed")));
  await passProposal(
    chain,
    await blacklist.getAddress(),
    blacklist.interface.encodeFunctionData("resolveDispute", [person, 1, 1, hash("governance: upheld")]),
    "credit dispute",
  );

  // person#2: disputed by supplier1, withdrawn by its reporter. company#1: disputed by core, revoked by the agency.
  await send(blacklist.connect(a.supplier1).dispute(person, 2, hash("identity theft victim")));
  await send(blacklist.connect(a.bankB).resolveDispute(person, 2, 2, hash("withdrawn after review")));
  await send(blacklist.connect(a.core).dispute(company, 1, hash("paid in full")));
  await send(blacklist.connect(a.agency).revoke(company, 1, hash("debt repaid")));

  // Queries: bankC pages person (1 entry per page), the agency asks about company, bankA about shortLived after expiry.
  const consent = hash("consent: loan application 42");
  await send(blacklist.connect(a.bankC).query(person, consent, 0, 1));
  await send(blacklist.connect(a.bankC).query(person, consent, 1, 1));
  await send(blacklist.connect(a.agency).query(company, hash("consent: agency file 7"), 0, 20));
  await send(blacklist.connect(a.bankA).query(shortLived, hash("consent: card 9"), 0, 20));
  await advance(chain, 3 * DAY);
  await send(blacklist.connect(a.bankA).query(shortLived, hash("consent: card 10"), 0, 20));
  return { firstReportBlock, lastUpdateBlock, consent };
}
