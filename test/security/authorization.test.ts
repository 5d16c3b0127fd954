import { readFile, writeFile } from "node:fs/promises";
import { expect } from "chai";
import type { BaseContract } from "ethers";
import { network } from "hardhat";
import ConsortiaModule from "../../ignition/modules/Consortia.js";
import { deploySuite, type Suite, type SuiteContracts } from "../helpers/suite.js";
import { approvalEntries } from "./authorization/approvals.js";
import { attestationEntries } from "./authorization/attestations.js";
import { authorizationMarkdown } from "./authorization/document.js";
import { pauseEntries, platformEntries } from "./authorization/platform.js";
import {
  arrangementEntries,
  financingEntries,
  receivableEntries,
  recourseEntries,
} from "./authorization/receivables.js";
import { freezeEntries } from "./authorization/freeze.js";
import { lcApplicantEntries, lcPresentationCheckEntries } from "./authorization/lc-applicant.js";
import { lcConfirmationEntries } from "./authorization/lc-confirmations.js";
import { lcTransferEntries } from "./authorization/lc-transfers.js";
import { recordEntries } from "./authorization/records.js";
import { runEntry, violation, type EntryResult } from "./authorization/runner.js";
import { tradeEntries } from "./authorization/trade.js";
import { upgradeEntries } from "./authorization/upgrades.js";
import { documentAttemptEntries, warehouseEntries } from "./authorization/warehouse.js";
import type { Context, Entry } from "./authorization/types.js";

const connection = await network.create();
const { networkHelpers } = connection;

const DOCUMENT = new URL("../../docs/authorization.md", import.meta.url);

/** Every contract of the deployed suite, in the order the document lists them. */
const CONTRACTS: (keyof SuiteContracts)[] = [
  "registry",
  "token",
  "ledger",
  "financedDocuments",
  "freezeOrders",
  "calendar",
  "blacklist",
  "dataSharing",
  "eCertificates",
  "receivableCertificates",
  "receivableDesk",
  "issuanceLimits",
  "financingRequests",
  "recourseClaims",
  "maturityArrangements",
  "positions",
  "letterOfCredit",
  "lcApplicantAccounts",
  "lcPresentationChecks",
  "lcConfirmations",
  "lcTransfers",
  "guarantees",
  "forfaiting",
  "approvals",
  "attestations",
  "warehouseReceipts",
];

const ENTRIES: Entry[] = [
  ...platformEntries,
  ...recordEntries,
  ...receivableEntries,
  ...financingEntries,
  ...recourseEntries,
  ...arrangementEntries,
  ...freezeEntries,
  ...tradeEntries,
  ...lcApplicantEntries,
  ...lcPresentationCheckEntries,
  ...lcConfirmationEntries,
  ...lcTransferEntries,
  ...approvalEntries,
  ...attestationEntries,
  ...warehouseEntries,
  ...documentAttemptEntries,
  ...upgradeEntries(CONTRACTS),
  ...pauseEntries([
    "token",
    "blacklist",
    "dataSharing",
    "eCertificates",
    "receivableCertificates",
    "receivableDesk",
    "financingRequests",
    "recourseClaims",
    "maturityArrangements",
    "positions",
    "letterOfCredit",
    "lcApplicantAccounts",
    "lcPresentationChecks",
    "lcConfirmations",
    "lcTransfers",
    "guarantees",
    "forfaiting",
    "approvals",
    "attestations",
    "warehouseReceipts",
  ]),
];

/** The suite with every holder's tokens approved to the applications and the banks' settlement accounts and lines. */
async function base(): Promise<Suite> {
  const suite = await deploySuite(connection);
  const { token, accounts, ids, positions } = suite;
  const spenders: BaseContract[] = [
    suite.receivableDesk,
    suite.financingRequests,
    suite.recourseClaims,
    suite.maturityArrangements,
    suite.letterOfCredit,
    suite.lcApplicantAccounts,
    suite.lcTransfers,
    suite.positions,
    suite.guarantees,
    suite.forfaiting,
  ];
  for (const name of ["bankA", "bankB", "bankC", "core", "supplier1", "supplier2"] as const) {
    for (const spender of spenders) await token.connect(accounts[name]).approve(spender, 10n ** 30n);
  }
  for (const bank of ["bankA", "bankB", "bankC"] as const) {
    await positions.connect(accounts[bank]).setSettlementAccount(accounts[bank]);
    for (const other of ["bankA", "bankB", "bankC"] as const) {
      if (other !== bank) await positions.connect(accounts[bank]).setCreditLine(ids[other], 1_000_000n);
    }
  }
  return suite;
}

/** The external state-changing functions of a contract's ABI, as signatures. */
function stateChanging(contract: BaseContract): string[] {
  const signatures: string[] = [];
  contract.interface.forEachFunction((f) => {
    if (f.stateMutability !== "view" && f.stateMutability !== "pure") signatures.push(f.format("sighash"));
  });
  return signatures.sort();
}

describe("authorization matrix: every external state-changing function of the deployed suite × every kind of caller", function () {
  // Around 170 functions, nine rows each, every row from a snapshot: a minute or two.
  this.timeout(600_000);
  const results = new Map<string, EntryResult>();
  let suite: Suite;

  before(async () => {
    suite = await networkHelpers.loadFixture(base);
  });

  it("covers every contract the Consortia module deploys", async () => {
    const deployed = Object.keys(ConsortiaModule.results).sort();
    expect(deployed).to.deep.equal([...CONTRACTS].sort());
  });

  it("has rows for every external state-changing function, and none for a function that does not exist", async () => {
    const missing: string[] = [];
    const unknown: string[] = [];
    for (const name of CONTRACTS) {
      const functions = stateChanging(suite[name] as unknown as BaseContract);
      const declared = ENTRIES.filter((e) => e.contract === name).map((e) => e.signature);
      for (const f of functions) if (!declared.includes(f)) missing.push(`${name}.${f}`);
      for (const d of declared) if (!functions.includes(d)) unknown.push(`${name}.${d}`);
      expect(new Set(declared).size, `${name}: a function declared twice`).to.equal(declared.length);
    }
    expect(missing, "functions without rows in test/security/authorization/").to.deep.equal([]);
    expect(unknown, "rows for functions the contract does not have").to.deep.equal([]);
  });

  for (const entry of ENTRIES) {
    it(`${entry.contract}.${entry.signature}: ${entry.rule}`, async () => {
      const snapshot = await networkHelpers.takeSnapshot();
      const states = new Map<string, { value: unknown; restore: () => Promise<void> }>();
      const ctx: Context = {
        suite,
        connection,
        async state<T>(name: string, build: () => Promise<T>): Promise<T> {
          const known = states.get(name);
          if (known !== undefined) {
            await known.restore();
            return known.value as T;
          }
          const value = await build();
          const taken = await networkHelpers.takeSnapshot();
          states.set(name, { value, restore: () => taken.restore() });
          return value;
        },
      };
      try {
        const result = await runEntry(ctx, entry);
        results.set(`${entry.contract}.${entry.signature}`, result);
        expect(violation(result)).to.equal(null);
      } finally {
        await snapshot.restore();
      }
    });
  }

  it("docs/authorization.md is the matrix as run (UPDATE_AUTHORIZATION=1 rewrites it)", async function () {
    if (results.size !== ENTRIES.length) this.skip();
    const ordered = CONTRACTS.flatMap((name) =>
      ENTRIES.filter((e) => e.contract === name).map((e) => results.get(`${e.contract}.${e.signature}`)!),
    );
    const generated = authorizationMarkdown(ordered);
    if (process.env.UPDATE_AUTHORIZATION === "1") await writeFile(DOCUMENT, generated);
    expect(await readFile(DOCUMENT, "utf8")).to.equal(generated);
  });
});
