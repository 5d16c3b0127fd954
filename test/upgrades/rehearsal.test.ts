/**
 * Upgrade rehearsal (issue 16): deploy v1 as operators do (`hardhat deploy`, Ignition, proxies), run the demo scenario,
 * upgrade every suite contract by consortium vote to a v2 that adds a field and a function
 * (contracts/mocks/RehearsalV2.sol), then check that every view of every contract answers byte for byte as before
 * and that every projection table of the indexer that followed the chain is unchanged (but for the upgrade's own
 * governance rows), and that the operations the story had left for maturity run on the old records under v2.
 * README "Upgrading a live network" cites this test as its proof.
 */
import { expect } from "chai";
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ContractFactory,
  encodeBytes32String,
  JsonRpcProvider,
  keccak256,
  toUtf8Bytes,
  Wallet,
  ZeroHash,
  type InterfaceAbi,
} from "ethers";
import { createConsortia, readDeployment, type Deployment } from "@consortia/sdk";
import {
  ConsortiumRegistry__factory,
  CreditBlacklist__factory,
  DataSharing__factory,
  ECertificates__factory,
  LetterOfCredit__factory,
  ReceivableCertificate__factory,
  ReceivableDesk__factory,
} from "@consortia/sdk/typechain";
import { demoConsortium, writeDemoFounders } from "../../src/demo/consortium.js";
import { CNY, runDemoScenario, type DemoScenarioResult } from "../../src/demo/scenario.js";
import type { Database } from "../../src/indexer/db.js";
import type { Indexer } from "../../src/indexer/indexer.js";
import { allTables, loadProjections } from "../../src/indexer/projections.js";
import { tableDigests } from "../../src/indexer/schema.js";
import { verifyIndex } from "../../src/indexer/verify.js";
import { UPGRADEABLE_SOURCES } from "../../src/upgrades/contracts.js";
import { runHardhat } from "../helpers/commands.js";
import { startNode, type NodeProcess } from "../helpers/node-process.js";
import { implementationOf } from "../helpers/upgradeable.js";
import { catchUp, createIndexer, indexerOptions, openTestPglite } from "../indexer/harness.js";
import { snapshotViews, viewCalls, type ViewCall } from "./views.js";

type Name = keyof typeof UPGRADEABLE_SOURCES;
const NAMES = Object.keys(UPGRADEABLE_SOURCES) as Name[];
const COMMIT = "0x2222222222222222222222222222222222222222";
/** Tables the upgrade proposals themselves write (proposals, votes, the implementation history): all others stay. */
const UPGRADE_TABLES = ["proposals", "proposal_votes", "contract_implementations", "upgrade_proposals"];

/** The v2 of each contract is built with the same network constants as its v1 (its immutables). */
function constructorArgs(name: Name, at: (n: string) => string, valueDecimals: bigint): unknown[] {
  const [registry, token, ledger] = [at("ConsortiumRegistry"), at("DepositToken"), at("PaymentLedger")];
  switch (name) {
    case "ConsortiumRegistry":
      return [];
    case "DepositToken":
      return [registry, at("FreezeOrders")];
    case "ReceivableCertificate":
      return [registry, valueDecimals, at("FreezeOrders"), at("AuthorityAttestations")];
    case "ReceivableDesk":
      return [registry, token, ledger, at("ReceivableCertificate"), at("FinancedDocuments"), at("IssuanceLimits")];
    case "FinancingRequests":
    case "RecourseClaims":
      return [registry, at("ReceivableDesk"), at("ReceivableCertificate"), token, at("AuthorityAttestations")];
    case "MaturityArrangements":
      return [registry, token, ledger, at("ReceivableDesk"), at("ReceivableCertificate")];
    case "LetterOfCredit":
      return [registry, token, ledger, at("InterbankPositions"), CNY, at("LcPresentationChecks")];
    case "ApprovalProcesses":
      return [registry, at("ConsortiumCalendar"), at("ECertificates")];
    case "ForfaitingMarket":
      return [registry, token, ledger, at("FreezeOrders"), at("AuthorityAttestations")];
    case "BankGuarantees":
      return [registry, token, ledger, at("ConsortiumCalendar"), at("AuthorityAttestations")];
    case "InterbankPositions":
      return [registry, token, ledger];
    case "WarehouseReceipts":
      return [registry, at("FinancedDocuments"), at("FreezeOrders")];
    case "LcApplicantAccounts":
      return [registry, at("LetterOfCredit"), token];
    case "LcConfirmations":
      return [registry, at("LetterOfCredit")];
    case "LcTransfers":
      return [registry, token, ledger, at("LetterOfCredit"), at("LcPresentationChecks")];
    case "LcPresentationChecks":
      return [registry, at("AuthorityAttestations")];
    default:
      return [registry];
  }
}

async function v1Abi(name: Name): Promise<InterfaceAbi> {
  const path = `artifacts/${UPGRADEABLE_SOURCES[name]}/${name}.json`;
  return (JSON.parse(await readFile(path, "utf8")) as { abi: InterfaceAbi }).abi;
}

async function v2Artifact(name: Name): Promise<{ abi: InterfaceAbi; bytecode: string }> {
  const path = `artifacts/contracts/mocks/RehearsalV2.sol/${name}RehearsalV2.json`;
  return JSON.parse(await readFile(path, "utf8")) as { abi: InterfaceAbi; bytecode: string };
}

describe("upgrade rehearsal: the demo network upgraded contract by contract, by vote (issue 16)", function () {
  this.timeout(300_000);
  const members = demoConsortium();
  let node: NodeProcess;
  let dir: string;
  let provider: JsonRpcProvider;
  let deployment: Deployment;
  let story: DemoScenarioResult;
  let db: Database;
  let indexer: Indexer;
  let calls: ViewCall[];
  let pre: { block: number; views: Map<string, string>; tables: Record<string, string> };
  let post: { block: number; views: Map<string, string>; tables: Record<string, string> };
  const v1 = {} as Record<Name, string>;
  const v2 = {} as Record<Name, string>;
  const proposals = {} as Record<Name, bigint>;
  const at = (name: string): string => deployment.contracts[name].address;
  const wallet = (key: keyof typeof members) => new Wallet(members[key].privateKey, provider);

  const snapshot = async (block: number) => ({
    block,
    views: await snapshotViews(provider, calls, block),
    tables: await tableDigests(db, allTables(await loadProjections())),
  });

  before(async () => {
    node = await startNode();
    dir = await mkdtemp(join(tmpdir(), "consortia-rehearsal-"));
    const founders = await writeDemoFounders(join(dir, "founders.json"));
    await runHardhat(
      ["deploy", "--network", "localhost", "--founders", founders, "--deployments", join(dir, "deployments")],
      { CONSORTIA_LOCAL_RPC_URL: node.url, CONSORTIA_IGNITION_DIR: join(dir, "ignition") },
    );
    deployment = await readDeployment(join(dir, "deployments", "1337.json"));
    expect(
      Object.keys(UPGRADEABLE_SOURCES).filter((name) => deployment.contracts[name] === undefined),
      "upgradeable contracts the deployment lacks",
    ).to.deep.equal([]);
    // The story without its maturity steps: the drafts, the forfaited claim and the certificates stay open for v2.
    story = await runDemoScenario({ rpcUrl: node.url, deployment, dataDir: join(dir, "payloads"), timeTravel: false });
    // No cache: each member sends transaction after transaction and needs the fresh nonce every time.
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    db = await openTestPglite();
    indexer = await createIndexer(db, deployment, indexerOptions(node.url));
    await catchUp(indexer);

    const events = await db.query<{ args: Record<string, unknown> }>(`SELECT args FROM events`);
    const contracts = await Promise.all(
      NAMES.map(async (name) => ({ name, address: at(name), abi: await v1Abi(name) })),
    );
    calls = viewCalls(contracts, events);
    pre = await snapshot(indexer.status.indexedBlock);

    // Every contract, the registry last (its own vote upgrades it): deploy v2, propose, three more voters, execute.
    const deployer = new Wallet("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", provider);
    const valueDecimals = await ReceivableCertificate__factory.connect(
      at("ReceivableCertificate"),
      provider,
    ).valueDecimals();
    const registry = ConsortiumRegistry__factory.connect(at("ConsortiumRegistry"), provider);
    const order = [...NAMES.filter((n) => n !== "ConsortiumRegistry"), "ConsortiumRegistry" as const];
    for (const name of order) {
      v1[name] = await implementationOf(provider, { getAddress: async () => at(name) });
      const { abi, bytecode } = await v2Artifact(name);
      const factory = new ContractFactory(abi, bytecode, deployer);
      const implementation = await factory.deploy(...constructorArgs(name, at, valueDecimals));
      await implementation.waitForDeployment();
      v2[name] = await implementation.getAddress();
      const codeHash = keccak256(await provider.getCode(v2[name]));
      const migration = factory.interface.encodeFunctionData("migrateToV2", [encodeBytes32String(`v2 ${name}`)]);
      const args = [
        at(name),
        v2[name],
        COMMIT,
        codeHash,
        migration,
        keccak256(toUtf8Bytes(`upgrade ${name}`)),
      ] as const;
      const proposer = registry.connect(wallet("bankA"));
      proposals[name] = await proposer.proposeUpgrade.staticCall(...args);
      await (await proposer.proposeUpgrade(...args)).wait();
      for (const voter of ["bankB", "bankC", "gov1"] as const)
        await (await registry.connect(wallet(voter)).approve(proposals[name])).wait();
      await (await proposer.execute(proposals[name])).wait();
    }
    await catchUp(indexer);
    post = await snapshot(indexer.status.indexedBlock);
  });

  after(async () => {
    provider?.destroy();
    await db?.close();
    await node?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("every proxy runs its v2 at the same address, with the new field set once by the migration", async () => {
    for (const name of NAMES) {
      expect(await implementationOf(provider, { getAddress: async () => at(name) }), name).to.equal(v2[name]);
      expect(v2[name]).to.not.equal(v1[name]);
      const { abi } = await v2Artifact(name);
      const proxy = new ContractFactory(abi, "0x").attach(at(name)).connect(provider) as unknown as {
        rehearsalLabel(): Promise<string>;
      };
      expect(await proxy.rehearsalLabel(), name).to.equal(encodeBytes32String(`v2 ${name}`));
    }
    const { abi } = await v2Artifact("CreditBlacklist");
    const again = new ContractFactory(abi, "0x").attach(at("CreditBlacklist")).connect(wallet("bankA"));
    const rerun = (again as unknown as { migrateToV2: { staticCall(l: string): Promise<void> } }).migrateToV2;
    const refused = await rerun.staticCall(ZeroHash).then(
      () => undefined,
      (error: { data?: string }) => error,
    );
    expect(refused?.data, "a second migration").to.equal(
      new ContractFactory(abi, "0x").interface.getError("InvalidInitialization")!.selector,
    );
  });

  it("every view of every contract answers byte for byte as before the upgrades", () => {
    // Hundreds of calls: ids, keys and accounts the scenario's events carried, by parameter name.
    expect(calls.length).to.be.greaterThan(500);
    expect(new Set(calls.map((c) => c.key.split(".")[0]))).to.have.lengthOf(NAMES.length);
    const changed = [...pre.views].filter(([key, answer]) => post.views.get(key) !== answer).map(([key]) => key);
    // The upgrades are proposals: the registry's views of the new proposal ids answer them. Nothing else may differ.
    const created = new Set(Object.values(proposals).map(String));
    const aboutNewProposal = (key: string) => {
      const id = /^ConsortiumRegistry\.(?:proposal|upgradeProposal|hasApproved)\((\d+)[,)]/.exec(key)?.[1];
      return id !== undefined && created.has(id);
    };
    expect(changed.filter((key) => !aboutNewProposal(key))).to.deep.equal([]);
    // The probe reaches the registry's proposals: the demo's own (its governance votes, ids from its events) were
    // read before the upgrades, as executed proposals, and answer the same after them (checked above).
    const registryAbi = ConsortiumRegistry__factory.createInterface();
    for (const id of [story.governance.pauseProposalId, story.governance.unpauseProposalId]) {
      const answer = pre.views.get(`ConsortiumRegistry.proposal(${id})`);
      expect(answer, `the probe reaches the registry's proposal ${id}`).to.be.a("string");
      expect(registryAbi.decodeFunctionResult("proposal", answer!)[0].status).to.equal(2n); // Executed
    }
    const answered = [...pre.views.values()].filter((a) => !a.startsWith("revert:")).length;
    expect(answered).to.be.greaterThan(calls.length / 4);
  });

  it("every projection table is as before, but the upgrade proposals' own rows", () => {
    const changed = Object.keys(pre.tables).filter((t) => pre.tables[t] !== post.tables[t]);
    expect(changed.sort()).to.deep.equal([...UPGRADE_TABLES].sort());
    expect(Object.keys(pre.tables).length).to.be.greaterThan(30);
  });

  it("the indexer records every contract's two implementations, the second with its proposal", async () => {
    const rows = await db.query(
      `SELECT contract, implementation, proposal_id, source_commit FROM contract_implementations
       WHERE contract = ANY($1::text[]) ORDER BY contract, valid_from_block`,
      [NAMES],
    );
    for (const name of NAMES) {
      const history = rows.filter((r) => r.contract === name);
      expect(
        history.map((r) => r.implementation),
        name,
      ).to.deep.equal([v1[name].toLowerCase(), v2[name].toLowerCase()]);
      expect(String(history[1].proposal_id)).to.equal(String(proposals[name]));
      expect(history[1].source_commit).to.equal(COMMIT);
    }
  });

  it("operations left for maturity run on the old records under v2, and the indexer projects them", async () => {
    const lc = LetterOfCredit__factory.connect(at("LetterOfCredit"), wallet("bankA"));
    const { maturity, discrepantPresentationId } = story.lettersOfCredit;
    const now = (await provider.getBlock("latest"))!.timestamp;
    if (maturity > now) await provider.send("evm_increaseTime", [maturity - now + 1]);
    await provider.send("evm_mine", []);
    // Letters of credit and forfaiting: the first draft to the beneficiary, the forfaited one to its buyer.
    await (await lc.pay(discrepantPresentationId, ZeroHash)).wait();
    await (await lc.pay(story.forfaiting.claimId, ZeroHash)).wait();
    expect((await lc.presentation(discrepantPresentationId)).state).to.equal(6n); // Paid
    expect((await lc.claimInfo(story.forfaiting.claimId)).settled).to.equal(true);
    // Receivables: the obligor funds at maturity, every holder redeems its certificate.
    const r = story.receivables;
    const coreA = await createConsortia({ runner: wallet("coreA"), deployment });
    const face = (await ReceivableDesk__factory.connect(at("ReceivableDesk"), provider).receivable(r.receivableId))
      .faceValue;
    await coreA.token.approve(at("ReceivableDesk"), face);
    await (await ReceivableDesk__factory.connect(at("ReceivableDesk"), wallet("coreA")).fund(r.receivableId)).wait();
    // Every certificate of the lineage, including the part the multi-bank financing request moved to the bank.
    for (const [holder, tokenId] of [
      ["supplier1", r.rootTokenId],
      ["supplier3", r.tier2TokenId],
      ["bankB", r.tier3TokenId],
      [r.financing.acceptedBank, r.financing.newTokenId],
    ] as const) {
      const sdk = await createConsortia({ runner: wallet(holder), deployment });
      await sdk.receivables.redeem(tokenId);
    }
    expect(
      (await ReceivableDesk__factory.connect(at("ReceivableDesk"), provider).receivable(r.receivableId)).status,
    ).to.equal(8n); // Settled
    // Credit, data sharing, certificates: a dispute of the old entry, the old grant revoked, the old voucher revoked.
    const blacklist = CreditBlacklist__factory.connect(at("CreditBlacklist"), wallet("bankA"));
    await (
      await blacklist.dispute(story.credit.subjectKey, story.credit.entryNumber, keccak256(toUtf8Bytes("repaid")))
    ).wait();
    const sharing = DataSharing__factory.connect(at("DataSharing"), wallet("gov1"));
    await (await sharing.revokeAccess(story.dataSharing.grantId, keccak256(toUtf8Bytes("assessment done")))).wait();
    const vouchers = ECertificates__factory.connect(at("ECertificates"), wallet("gov1"));
    await (await vouchers.revoke(story.dataSharing.replacementId, keccak256(toUtf8Bytes("plant sold")))).wait();

    await catchUp(indexer);
    const events = await db.query<{ contract: string; event: string }>(
      `SELECT contract, event FROM events WHERE block_number > $1 ORDER BY block_number, log_index`,
      [post.block],
    );
    const names = events.map((e) => `${e.contract}.${e.event}`);
    for (const expected of [
      "LetterOfCredit.PresentationPaid",
      "ReceivableDesk.ReceivableFunded",
      "ReceivableCertificate.Transfer",
      "CreditBlacklist.EntryDisputed",
      "DataSharing.AccessRevoked",
      "ECertificates.CertificateRevoked",
    ])
      expect(names, expected).to.include(expected);
    // The projections follow: platform balances and certificates reconcile with the v2 contracts' views.
    const verification = await verifyIndex({ db, rpcUrl: node.url, deployments: deployment });
    expect(verification.drift).to.deep.equal([]);
  });
});
