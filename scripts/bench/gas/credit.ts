import { keccak256, toUtf8Bytes } from "ethers";
import { deployPlatform } from "../../../test/helpers/consortium.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";
import { deployUpgradeable } from "../../../test/helpers/upgradeable.js";

const APP = "credit";
const DAY = 24n * 60n * 60n;
const SubjectKind = { Person: 1 } as const;
const Category = { Fraud: 1, Default: 2 } as const;
const Resolution = { Upheld: 1, Withdrawn: 2 } as const;

const hash = (label: string): string => keccak256(toUtf8Bytes(label));

/**
 * Gas of the blacklist's business steps: report (first entry of a subject, and a second entry of the same subject),
 * update, dispute, resolve (upheld, withdrawn), revoke, and logged queries (one active entry; a full page).
 */
export const measure: MeasureGas = async (connection) => {
  const { ethers } = connection;
  const platform = await deployPlatform(connection);
  const blacklist = await deployUpgradeable(ethers, "CreditBlacklist", [platform.registry]);
  await platform.finishBootstrap();
  const { bankA, bankB, bankC, regulator } = platform.accounts;
  const latest = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  const content = (label: string, category: number = Category.Default, severity = 3) => ({
    category,
    severity,
    expiresAt: latest + 365n * DAY,
    evidenceHash: hash(`evidence:${label}`),
    payloadHash: hash(`payload:${label}`),
    payloadLocationHash: hash(`location:${label}`),
  });
  const rows: GasRow[] = [];
  const row = (step: string, gas: bigint, target?: bigint) => rows.push({ app: APP, step, gas, target });

  const subject = hash("subject:benchmark-person");
  const asA = blacklist.connect(bankA);
  row(
    "report an entry (first of its subject)",
    await gasOf(await asA.report(subject, SubjectKind.Person, content("one"))),
    120_000n,
  );
  const consent = hash("consent:benchmark");
  row(
    "logged query (subject with one active entry)",
    await gasOf(await blacklist.connect(bankB).query(subject, consent, 0, 20)),
    40_000n,
  );
  row(
    "report an entry (subject already listed)",
    await gasOf(await asA.report(subject, SubjectKind.Person, content("two", Category.Fraud, 5))),
    120_000n,
  );
  row("update an entry (version 2)", await gasOf(await asA.update(subject, 1, content("one-v2", Category.Default, 4))));
  row("dispute an entry", await gasOf(await blacklist.connect(bankB).dispute(subject, 1, hash("reason"))));
  row(
    "resolve a dispute: upheld (reporter)",
    await gasOf(await asA.resolveDispute(subject, 1, Resolution.Upheld, hash("resolution"))),
  );
  await blacklist.connect(bankC).dispute(subject, 2, hash("reason-2"));
  row(
    "resolve a dispute: withdrawn (auditor)",
    await gasOf(await blacklist.connect(regulator).resolveDispute(subject, 2, Resolution.Withdrawn, hash("decision"))),
  );
  row(
    "logged query (two entries walked, one active)",
    await gasOf(await blacklist.connect(bankB).query(subject, consent, 0, 20)),
  );
  row("revoke an entry", await gasOf(await asA.revoke(subject, 1, hash("repaid"))));

  const crowded = hash("subject:crowded");
  for (let i = 0; i < 20; i++) await asA.report(crowded, SubjectKind.Person, content(`crowded-${i}`));
  row(
    "logged query (full page: 20 active entries)",
    await gasOf(await blacklist.connect(bankB).query(crowded, consent, 0, 20)),
  );
  return rows;
};
