import { expect } from "chai";
import { JsonRpcProvider, keccak256, toUtf8Bytes, Wallet } from "ethers";
import { join } from "node:path";
import { DEMO_MEMBER_KEYS, DEMO_THRESHOLD, demoConsortium, demoFounders } from "../../src/demo/consortium.js";
import { runDemoScenario, type DemoScenarioResult } from "../../src/demo/scenario.js";
import {
  authorization,
  createConsortia,
  createFileSystemPayloadStore,
  type Deployment,
  type Envelope,
  EnvelopeDecryptionError,
  envelopeHash,
  envelopeReaders,
  financingPrice,
  generateEncryptionKeyPair,
  normaliseIdentifier,
  NotARecipientError,
  openEnvelope,
  rewrapForRotatedKey,
  signIn,
} from "@consortia/sdk";
import {
  AuthorityAttestations__factory,
  BankGuarantees__factory,
  ConsortiumRegistry__factory,
  CreditBlacklist__factory,
  DataSharing__factory,
  DepositToken__factory,
  ECertificates__factory,
  FinancingRequests__factory,
  ForfaitingMarket__factory,
  InterbankPositions__factory,
  IssuanceLimits__factory,
  LetterOfCredit__factory,
  PaymentLedger__factory,
  ReceivableCertificate__factory,
  ReceivableDesk__factory,
  RecourseClaims__factory,
} from "@consortia/sdk/typechain";
import { startIndexerAndApi } from "../../src/api/start.js";
import { parseConfig } from "../../src/indexer/config.js";
import { runConsortia } from "../helpers/commands.js";
import { freePort } from "../helpers/node-process.js";
import { useDemoChain } from "../indexer/demo-chain.js";
import { demoDealTerms, KNOWN_LEAKS, readChain, scan } from "./non-party-scan.js";

const yuan = (amount: number): bigint => BigInt(Math.round(amount * 100));

describe("demo consortium", () => {
  it("has thirteen members with valid USCCs, distinct accounts 1..13 and a founders file the deploy command accepts", () => {
    const members = demoConsortium();
    expect(DEMO_MEMBER_KEYS).to.have.length(13);
    const kinds = DEMO_MEMBER_KEYS.map((key) => members[key].kind);
    expect(kinds.filter((kind) => kind === "Bank")).to.have.length(3);
    expect(kinds.filter((kind) => kind === "Enterprise")).to.have.length(6);
    expect(kinds.filter((kind) => kind === "Government")).to.have.length(2);
    expect(kinds.filter((kind) => kind === "CreditAgency")).to.have.length(1);
    expect(kinds.filter((kind) => kind === "Regulator")).to.have.length(1);
    for (const key of DEMO_MEMBER_KEYS)
      expect(normaliseIdentifier("uscc", members[key].uscc)).to.equal(members[key].uscc);
    expect(new Set(DEMO_MEMBER_KEYS.map((key) => members[key].account)).size).to.equal(13);
    expect(members.bankA.account).to.equal("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"); // Hardhat account 1
    expect(new Set(DEMO_MEMBER_KEYS.map((key) => members[key].registrationHash)).size).to.equal(13);
    // Deterministic keys: the scenario and `npm start` derive the same ones in every process.
    expect(demoFounders()).to.deep.equal(demoFounders());
    expect(demoFounders().threshold).to.equal(DEMO_THRESHOLD);
  });
});

describe("demo scenario over a real JSON-RPC node", function () {
  this.timeout(180_000);
  // The run's shared demo chain (deployed as `npm start` does, the whole scenario run once); this suite's own chain
  // changes are undone when it ends.
  const demo = useDemoChain();
  let node: { url: string };
  let dir: string;
  let deployment: Deployment;
  let result: DemoScenarioResult;
  let provider: JsonRpcProvider;
  let lines: string[];
  const members = demoConsortium();

  before(() => {
    ({ node, dir, deployments: deployment, result, lines } = demo);
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
  });

  after(() => provider?.destroy());

  const at = (name: string): string => deployment.contracts[name].address;

  it("seeds the thirteen demo members with their keys and ends bootstrap", async () => {
    const registry = ConsortiumRegistry__factory.connect(at("ConsortiumRegistry"), provider);
    expect(await registry.memberCount()).to.equal(13n);
    expect(await registry.threshold()).to.equal(BigInt(DEMO_THRESHOLD));
    const bankA = await registry.member(members.bankA.memberId);
    expect(bankA.name).to.equal(members.bankA.name);
    expect(bankA.encryptionKey).to.equal(members.bankA.encryptionKeyPair.publicKey);
    expect(bankA.registrationHash).to.equal(members.bankA.registrationHash);
  });

  it("logs one human line per step, amounts formatted", () => {
    expect(result.steps).to.equal(lines.length);
    expect(lines.length).to.be.greaterThan(40);
    expect(lines).to.include(
      "Huaxin Bank issued LC #1 for Huaxia Motors: 1,000,000.00 CNY, 90 days deferred, to Jiangnan Precision",
    );
    expect(result.timeTravel).to.equal(true);
  });

  it("credit: the defaulter is listed, and the bank's query was logged with the consent reference", async () => {
    const blacklist = CreditBlacklist__factory.connect(at("CreditBlacklist"), provider);
    const entry = await blacklist.entry(result.credit.subjectKey, result.credit.entryNumber);
    expect(entry.reporter).to.equal(BigInt(members.bankC.memberId));
    expect(entry.status).to.equal(1n); // Active
    expect(entry.category).to.equal(2n); // Default
    const queries = await blacklist.queryFilter(blacklist.filters.SubjectQueried(members.bankA.memberId));
    expect(queries).to.have.length(1);
    expect(queries[0].transactionHash).to.equal(result.credit.queryTx);
    expect(queries[0].args.consentHash).to.equal(result.credit.consentHash);
    // The credit agency disputed the entry; the regulator upheld it (the entry is Active again, as checked above).
    const disputes = await blacklist.queryFilter(blacklist.filters.EntryDisputed(result.credit.subjectKey));
    expect(disputes.map((d) => [d.args.disputer, d.args.reasonHash])).to.deep.equal([
      [BigInt(members.agency.memberId), result.credit.disputeReasonHash],
    ]);
    const resolutions = await blacklist.queryFilter(blacklist.filters.DisputeResolved(result.credit.subjectKey));
    expect(resolutions.map((r) => [r.args.resolver, r.args.resolution])).to.deep.equal([
      [BigInt(members.regulator.memberId), 1n], // Upheld
    ]);
  });

  it("data sharing: the grant is active, the access is logged, the voucher was replaced", async () => {
    const dataSharing = DataSharing__factory.connect(at("DataSharing"), provider);
    const { datasetId, grantId, accessId, certificateId, replacementId } = result.dataSharing;
    const dataset = await dataSharing.dataset(datasetId);
    expect(dataset.owner).to.equal(BigInt(members.gov1.memberId));
    expect(dataset.accessCount).to.equal(1n);
    const grant = await dataSharing.grant(grantId);
    expect(grant.grantee).to.equal(BigInt(members.gov2.memberId));
    expect(grant.status).to.equal(3n); // Active
    expect(await dataSharing.grantValidity(grantId)).to.equal(0n); // Valid
    const accesses = await dataSharing.queryFilter(dataSharing.filters.AccessRecorded(accessId));
    expect(accesses).to.have.length(1);
    // Government departments consuming data get holder and location automatically for 90 days.
    const policy = await dataSharing.autoGrantPolicy(datasetId);
    expect(policy.memberKinds).to.equal(BigInt(result.dataSharing.autoGrantMemberKinds));
    expect(policy.memberKinds).to.equal(1n << 4n); // Government
    expect(policy.maxScope).to.equal(0b00110n);
    expect(policy.duration).to.equal(90n * 86_400n);
    // ... for the purposes its consumers declare: the tax bureau's request purpose is one of them.
    expect(await dataSharing.autoGrantPurposes(datasetId)).to.deep.equal(result.dataSharing.autoGrantPurposes);
    expect(result.dataSharing.autoGrantPurposes).to.include(grant.purposeHash);

    const certificates = ECertificates__factory.connect(at("ECertificates"), provider);
    expect(await certificates.verify(certificateId)).to.deep.equal([5n, replacementId]); // Replaced
    expect(await certificates.verify(replacementId)).to.deep.equal([1n, replacementId]); // Valid
  });

  it("letters of credit and netting: the LC is amended and fully drawn, the obligations are netted", async () => {
    const lc = LetterOfCredit__factory.connect(at("LetterOfCredit"), provider);
    const record = await lc.letterOfCredit(result.lettersOfCredit.lcId);
    expect(record.amount).to.equal(yuan(1_200_000));
    // two shipments, and a third the bank let lie past its examination deadline (precluded, then accepted)
    expect(record.drawn).to.equal(yuan(1_260_000));
    expect(record.issuingBank).to.equal(BigInt(members.bankA.memberId));
    expect(record.applicant).to.equal(BigInt(members.coreA.memberId));
    expect((await lc.presentation(result.lettersOfCredit.discrepantPresentationId)).state).to.equal(6n); // Paid
    expect((await lc.presentation(result.lettersOfCredit.compliantPresentationId)).state).to.equal(6n); // Paid
    const precluded = await lc.presentation(result.lettersOfCredit.precludedPresentationId!);
    expect([precluded.state, precluded.precluded]).to.deep.equal([5n, true]); // Accepted after the preclusion
    expect((await lc.presentation(result.lettersOfCredit.discrepantPresentationId)).refusalNoticeSent).to.equal(true);

    const positions = InterbankPositions__factory.connect(at("InterbankPositions"), provider);
    // the CNY run, then the USD run of the interbank-currencies story
    expect(await positions.nettingRunCount()).to.equal(2n);
    for (const id of result.lettersOfCredit.obligationIds) {
      expect((await positions.obligation(id)).status).to.equal(3n); // Netted
    }
    expect((await positions.creditLine(members.bankB.memberId, members.bankA.memberId)).used).to.equal(0n);
    // The overnight placement outside the run was repaid through HVPS: settled, its reference in the ledger.
    const { offChainObligationId, offChainReference } = result.lettersOfCredit;
    expect(result.lettersOfCredit.obligationIds).to.not.include(offChainObligationId);
    expect((await positions.obligation(offChainObligationId)).status).to.equal(2n); // Settled
    const ledger = PaymentLedger__factory.connect(at("PaymentLedger"), provider);
    expect(await ledger.isRecorded(offChainReference)).to.equal(true);
    const recorded = await ledger.queryFilter(ledger.filters.OffChainPaymentRecorded(offChainReference));
    expect(recorded.map((e) => [e.args.bank, e.args.payer, e.args.payee, e.args.amount])).to.deep.equal([
      [BigInt(members.bankA.memberId), BigInt(members.bankA.memberId), BigInt(members.bankB.memberId), yuan(250_000)],
    ]);
  });

  it("forfaiting: the claim went to the buying bank, which the issuing bank paid at maturity", async () => {
    const market = ForfaitingMarket__factory.connect(at("ForfaitingMarket"), provider);
    const offer = await market.offer(result.forfaiting.offerId);
    expect(offer.state).to.equal(3n); // NoticeAcknowledged
    const lc = LetterOfCredit__factory.connect(at("LetterOfCredit"), provider);
    const claim = await lc.claimInfo(result.forfaiting.claimId);
    expect(claim.holder).to.equal(members.bankC.account);
    expect(claim.settled).to.equal(true);
    expect(result.forfaiting.paidAtMaturity).to.equal(true);
  });

  it("guarantees: the bid guarantee was extended, claimed and paid in full, then the counter-guarantee", async () => {
    const guarantees = BankGuarantees__factory.connect(at("BankGuarantees"), provider);
    const guarantee = await guarantees.guarantee(result.guarantees.guaranteeId);
    expect(guarantee.state).to.equal(8n); // Exhausted
    expect(guarantee.paid).to.equal(yuan(200_000));
    const counter = await guarantees.counterGuarantee(result.guarantees.guaranteeId);
    expect(counter.instructingBank).to.equal(BigInt(members.bankA.memberId));
    expect(counter.state).to.equal(3n); // Exhausted: paid in full on the guarantor's art. 15b demand
    expect(counter.paid).to.equal(yuan(200_000));
    expect((await guarantees.amendment(result.guarantees.guaranteeId)).number).to.equal(1n);
    const verification = await guarantees.verify(result.guarantees.referenceId);
    expect(verification.genuine).to.equal(true);
    expect(verification.inForce).to.equal(false);
  });

  it("receivables: confirmed, split down three tiers, discounted, pledged and released, funded and redeemed", async () => {
    const desk = ReceivableDesk__factory.connect(at("ReceivableDesk"), provider);
    const certificates = ReceivableCertificate__factory.connect(at("ReceivableCertificate"), provider);
    const r = result.receivables;
    const receivable = await desk.receivable(r.receivableId);
    expect(receivable.obligor).to.equal(BigInt(members.coreA.memberId));
    expect(receivable.creditor).to.equal(BigInt(members.supplier1.memberId));
    expect(receivable.guarantor).to.equal(BigInt(members.bankC.memberId));
    expect(receivable.faceValue).to.equal(yuan(1_200_000));
    expect(receivable.redeemed).to.equal(yuan(1_200_000));
    expect(receivable.status).to.equal(8n); // Settled
    expect(r.settled).to.equal(true);
    // Lineage survives redemption: tier 3 -> tier 2 -> root.
    expect(await certificates.lineage(r.rootTokenId)).to.deep.equal([0n, r.rootTokenId, 1n]);
    expect(await certificates.lineage(r.tier2TokenId)).to.deep.equal([r.rootTokenId, r.rootTokenId, 2n]);
    expect(await certificates.lineage(r.tier3TokenId)).to.deep.equal([r.tier2TokenId, r.rootTokenId, 3n]);
    // Holders at maturity, from the redemption events: Jiangnan 350k (it financed 350k of its 700k with Huaxin
    // Bank), Hengtai 300k, Minfeng Bank (discounted) 200k, Huaxin Bank (the multi-bank request) 350k.
    const redemptions = await desk.queryFilter(desk.filters.CertificateRedeemed(r.receivableId));
    expect(redemptions.map((event) => [event.args.tokenId, event.args.holder, event.args.value])).to.deep.equal([
      [r.rootTokenId, members.supplier1.account, yuan(350_000)],
      [r.tier2TokenId, members.supplier3.account, yuan(300_000)],
      [r.tier3TokenId, members.bankB.account, yuan(200_000)],
      [r.financing.newTokenId, members.bankA.account, yuan(350_000)],
    ]);
    expect(r.redeemed).to.deep.equal({
      supplier1: yuan(350_000),
      supplier3: yuan(300_000),
      bankB: yuan(200_000),
      bankA: yuan(350_000),
    });
    expect(await certificates.lineage(r.financing.newTokenId)).to.deep.equal([r.rootTokenId, r.rootTokenId, 2n]);
    const discount = await desk.discountOffer(r.discountOfferId);
    expect(discount.status).to.equal(2n); // Accepted
    expect(discount.price).to.equal(yuan(196_000));
    expect((await desk.pledgeOf(r.pledgeId)).status).to.equal(2n); // Released
    expect(await desk.payingBankOf(members.coreA.memberId)).to.equal(BigInt(members.bankA.memberId));
    expect(r.payingBank).to.equal(members.bankA.memberId);
    // Huaxin Bank's issuance limit for Huaxia Motors, set before the confirmation (which used it) and freed again by
    // the redemptions.
    const limits = IssuanceLimits__factory.connect(at("IssuanceLimits"), provider);
    expect(r.issuanceLimit).to.equal(yuan(10_000_000));
    expect(await limits.limitOf(members.coreA.memberId, members.bankA.memberId)).to.equal(yuan(10_000_000));
    expect(await limits.banksOf(members.coreA.memberId)).to.deep.equal([BigInt(members.bankA.memberId)]);
    const standing = await limits.obligorLimits(members.coreA.memberId);
    expect([standing.limited, standing.total, standing.utilised]).to.deep.equal([true, yuan(10_000_000), 0n]);
    // Minfeng Bank requires a tax attestation before financing a receivable: refused without it, the Tax Bureau
    // attested the invoice key, then the discount went through.
    const attestations = AuthorityAttestations__factory.connect(at("AuthorityAttestations"), provider);
    expect(await attestations.policyOf(members.bankB.memberId, 1)).to.equal(1n << 1n); // InvoiceGenuine
    const attestationId = await attestations.latestOf(r.invoiceKey, 1);
    expect((await attestations.attestation(attestationId)).attester).to.equal(BigInt(members.gov2.memberId));
    expect(lines.some((line) => line.includes("financing refused, InvoiceGenuine missing"))).to.equal(true);
    const [limitSet] = await limits.queryFilter(limits.filters.IssuanceLimitSet(members.coreA.memberId));
    const used = await limits.queryFilter(limits.filters.IssuanceUsed(members.coreA.memberId, at("ReceivableDesk")));
    expect(used.map((e) => [e.args.record, e.args.amount, e.args.available])).to.deep.equal([
      [r.receivableId, yuan(1_200_000), yuan(8_800_000)],
    ]);
    expect(limitSet.blockNumber).to.be.lessThan(used[0].blockNumber);
    expect(lines).to.include(
      "Huaxin Bank set an issuance limit of 10,000,000.00 CNY for Huaxia Motors, which put itself under its banks' " +
        "limits: its receivables are confirmed within them",
    );
    expect(lines).to.include(
      "issuance limits of Huaxia Motors after the confirmation: 1,200,000.00 CNY of 10,000,000.00 CNY used, 8,800,000.00 CNY available",
    );
    expect(lines).to.include(
      `Jiangnan Precision registered receivable #${r.receivableId} on Huaxia Motors: 1,200,000.00 CNY, 60 days, ` +
        `invoice ${r.invoiceNumber} with contract and delivery note hashes`,
    );
  });

  it("recourse: sold on twice with recourse, unpaid at maturity, traced back to the supplier that first sold it", async () => {
    const r = result.recourse;
    const desk = ReceivableDesk__factory.connect(at("ReceivableDesk"), provider);
    expect((await desk.receivable(r.receivableId)).status).to.equal(5n); // Overdue
    const recourse = RecourseClaims__factory.connect(at("RecourseClaims"), provider);
    const [first, second] = await Promise.all(r.saleIds.map((id) => recourse.saleOf(id)));
    expect([first.seller, first.buyer, first.withRecourse]).to.deep.equal([
      members.supplier2.account,
      members.bankA.account,
      true,
    ]);
    expect([second.seller, second.buyer, second.prior]).to.deep.equal([
      members.bankA.account,
      members.bankC.account,
      BigInt(r.saleIds[0]),
    ]);
    expect(r.claimIds).to.have.length(2);
    for (const id of r.claimIds) expect((await recourse.claimOf(id)).status).to.equal(2n); // Honoured
    const certificates = ReceivableCertificate__factory.connect(at("ReceivableCertificate"), provider);
    expect(await certificates.ownerOf(r.soldTokenId)).to.equal(members.supplier2.account);
  });

  it("approvals: the licence case paused for a document, approved across two departments, certificate issued; one department overdue", async () => {
    const sdk = await createConsortia({ runner: provider, deployment });
    const a = result.approvals;
    expect(a.processId).to.equal(1);
    const process = await sdk.approvals.process(a.processId);
    expect(process.steps.map((s) => [s.department, s.stage])).to.deep.equal([
      [members.gov1.memberId, 0],
      [members.gov2.memberId, 0],
      [members.gov1.memberId, 1],
    ]);
    const licence = await sdk.approvals.case(a.caseId);
    expect(licence).to.include({
      state: "Approved",
      applicant: members.coreB.memberId,
      certificateId: a.certificateId,
    });
    expect(licence.steps[0].documentRequests).to.equal(1);
    expect(licence.steps[2].department).to.equal(members.gov2.memberId);
    const certificate = await ECertificates__factory.connect(at("ECertificates"), provider).certificate(
      a.certificateId,
    );
    expect(certificate.issuer).to.equal(BigInt(members.gov1.memberId));
    expect(certificate.documentHash).to.equal(licence.recordHash);
    expect(a.overdue).to.equal(true);
    const late = await sdk.approvals.deadline(a.overdueCaseId, 1);
    expect(late).to.include({ overdue: true, workingDaysLeft: 0, state: "Accepted" });
    expect(lines.some((line) => line.includes("Loudi Tax Bureau's step is overdue"))).to.equal(true);
  });

  it("governance: a bank's node registered; the forfaiting market paused and resumed by two voted proposals", async () => {
    const registry = ConsortiumRegistry__factory.connect(at("ConsortiumRegistry"), provider);
    const g = result.governance;
    expect(g.nodeRegistered).to.equal(true);
    const [enode] = await registry.nodesOf(members.bankA.memberId);
    expect(keccak256(toUtf8Bytes(enode))).to.equal(g.nodeId);
    expect(enode).to.match(/^enode:\/\/[0-9a-f]{128}@10\.20\.1\.11:30303$/);
    // Proposals 1 and 2 are the approvals story's (the year's working days, the licence process).
    expect([g.pauseProposalId, g.unpauseProposalId]).to.deep.equal([3n, 4n]);
    for (const id of [g.pauseProposalId, g.unpauseProposalId]) {
      const proposal = await registry.proposal(id);
      expect(proposal.status).to.equal(2n); // Executed
      expect(proposal.approvals).to.equal(BigInt(DEMO_THRESHOLD));
      expect(proposal.proposer).to.equal(BigInt(members.regulator.memberId));
      expect(proposal.target).to.equal(at("ForfaitingMarket"));
    }
    const market = ForfaitingMarket__factory.connect(at("ForfaitingMarket"), provider);
    const paused = await market.queryFilter(market.filters.Paused());
    const unpaused = await market.queryFilter(market.filters.Unpaused());
    expect([paused.length, unpaused.length]).to.deep.equal([1, 1]);
    expect(paused[0].args.account).to.equal(at("ConsortiumRegistry")); // governance, not a member, paused it
    expect(await market.paused()).to.equal(false);
  });

  it("freeze: a voted court order froze half of a bank's deposits, a transfer of them was refused, a second vote released it", async () => {
    const f = result.freeze;
    expect(f.moveRefused).to.equal(true);
    expect(f.target).to.equal(members.bankC.account);
    expect([f.freezeProposalId, f.releaseProposalId]).to.deep.equal([5n, 6n]);
    const sdk = await createConsortia({ runner: provider, deployment });
    const order = await sdk.freeze.order(f.orderId);
    expect(order).to.deep.include({ status: "Released", path: "Governance" });
    expect(order.scope.amount).to.equal(f.frozen);
    expect(f.frozen).to.be.greaterThan(0n);
    expect(await sdk.freeze.isInForce(f.orderId)).to.equal(false);
    expect(await sdk.freeze.frozenAmount(order.scope)).to.equal(0n);
    expect(lines.some((line) => line.includes("tried to transfer all") && line.includes("refused"))).to.equal(true);
  });

  it("interbank currencies: USD obligations netted in their own run, in the USD token governance mapped", async () => {
    const positions = InterbankPositions__factory.connect(at("InterbankPositions"), provider);
    const { currency, token, obligationIds, nettingRun, proposalId } = result.interbankCurrencies;
    expect(currency).to.equal(840);
    // (Not `.not.equal(undefined)`: with Hardhat's chai matchers loaded a bigint compared with undefined throws.)
    expect(proposalId).to.be.a("bigint");
    expect(await positions.currencyToken(840)).to.equal(token);
    expect(nettingRun).to.equal(2n);
    for (const id of obligationIds) {
      const o = await positions.obligation(id);
      expect([o.status, o.currency]).to.deep.equal([3n, 840n]); // Netted, in USD
    }
    const usd = DepositToken__factory.connect(token, provider);
    // Bank B owes 60,000 and is owed 40,000; Bank C owes 90,000 and is owed 60,000; Bank A is owed 90,000, owes 40,000
    expect(await usd.balanceOf(members.bankA.account)).to.equal(yuan(1_000_000) + yuan(50_000));
    expect(await usd.balanceOf(members.bankB.account)).to.equal(yuan(1_000_000) - yuan(20_000));
    expect(await usd.balanceOf(members.bankC.account)).to.equal(yuan(1_000_000) - yuan(30_000));
  });

  it("financing: two banks quoted sealed, both revealed, the supplier took the better price computed on chain", async () => {
    const financing = FinancingRequests__factory.connect(at("FinancingRequests"), provider);
    const f = result.receivables.financing;
    expect(f.sealed).to.equal(true);
    const request = await financing.requestOf(f.requestId);
    expect(request.status).to.equal(2n); // Accepted
    expect(request.sealedQuotes).to.equal(true);
    expect(request.supplier).to.equal(BigInt(members.supplier1.memberId));
    expect(request.tokenId).to.equal(result.receivables.rootTokenId);
    expect(request.value).to.equal(yuan(350_000));
    expect(request.acceptedBank).to.equal(BigInt(members.bankA.memberId));
    expect(await financing.banksOf(f.requestId)).to.deep.equal([
      BigInt(members.bankA.memberId),
      BigInt(members.bankB.memberId),
    ]);
    expect(await financing.pendingReveals(f.requestId)).to.equal(0n);
    // Both banks committed (hashes only), then revealed after the quote deadline.
    const commits = await financing.queryFilter(financing.filters.QuoteCommitted(f.requestId));
    const reveals = await financing.queryFilter(financing.filters.QuoteSubmitted(f.requestId));
    expect(commits.map((e) => e.args.bank)).to.deep.equal([members.bankA.memberId, members.bankB.memberId].map(BigInt));
    expect(reveals.map((e) => [e.args.bank, e.args.revealed])).to.deep.equal([
      [BigInt(members.bankA.memberId), true],
      [BigInt(members.bankB.memberId), true],
    ]);
    const revealedAt = (await provider.getBlock(reveals[0].blockNumber))!.timestamp;
    expect(BigInt(revealedAt)).to.be.greaterThan(request.quoteDeadline);
    // Accepted before the reveal deadline: allowed because every committed quote was revealed.
    const [accepted] = await financing.queryFilter(financing.filters.FinancingAccepted(f.requestId));
    const acceptedAt = BigInt((await provider.getBlock(accepted.blockNumber))!.timestamp);
    expect(acceptedAt).to.be.lessThanOrEqual(request.revealDeadline);
    expect(accepted.args.bank).to.equal(BigInt(members.bankA.memberId));
    expect(accepted.args.newTokenId).to.equal(f.newTokenId);
    expect(accepted.args.holder).to.equal(members.supplier1.account);
    // The price the contract computed is the SDK's formula at the acceptance's time, and the better of the two.
    const [a, b] = f.quotes;
    expect([a.bank, b.bank]).to.deep.equal(["bankA", "bankB"]);
    const expected = financingPrice(f.value, request.maturity, a.terms, acceptedAt);
    expect(accepted.args.pricing.price).to.equal(expected.price);
    expect(f.price).to.equal(expected.price);
    expect(f.price).to.be.greaterThan(financingPrice(f.value, request.maturity, b.terms, acceptedAt).price);
    expect(lines.some((line) => line.includes("every committed quote is revealed"))).to.equal(true);
  });

  it("settlement: every token movement of the story adds up", async () => {
    const token = DepositToken__factory.connect(at("DepositToken"), provider);
    const balance = (key: keyof typeof members) => token.balanceOf(members[key].account);
    // Supplier 1: discount price of the second draft, plus the first draft paid at maturity, plus the price Huaxin
    // Bank paid for 350,000 of its receivable certificate, plus the rest of the certificate redeemed.
    const financed = result.receivables.financing.price;
    expect(await balance("supplier1")).to.equal(yuan(705_600) + yuan(480_000) + financed + yuan(350_000));
    // Huaxia Motors: its deposits less the receivable it funded at maturity.
    expect(await balance("coreA")).to.equal(yuan(3_000_000) - yuan(1_200_000));
    // Hengtai Steel redeemed its tier-2 certificate; Haitong Logistics discounted its tier-3 one.
    expect(await balance("supplier3")).to.equal(yuan(300_000));
    expect(await balance("supplier4")).to.equal(yuan(196_000));
    // Nansha Port: its deposits plus the guarantee it called.
    expect(await balance("coreB")).to.equal(yuan(1_000_000) + yuan(200_000));
    // Bank A: 20m, paid both drafts, net -500,000 in netting, paid its counter-guarantee to Bank C, paid the price of
    // the financed receivable value and redeemed it at maturity.
    // Recourse: it bought 500,000 from Lianchuang for 490,000, sold it to Bank C for 495,000, paid Bank C's claim of
    // 500,000 and was paid its own claim of 500,000 by Lianchuang: +5,000.
    expect(await balance("bankA")).to.equal(
      yuan(20_000_000) - yuan(1_200_000) - yuan(500_000) - yuan(200_000) - financed + yuan(350_000) + yuan(5_000),
    );
    // Bank B: 20m, paid the discount, received the forfaiting price, net +300,000; discounted the tier-3 receivable
    // certificate and redeemed it.
    expect(await balance("bankB")).to.equal(
      yuan(20_000_000) - yuan(705_600) + yuan(708_900) + yuan(300_000) - yuan(196_000) + yuan(200_000),
    );
    // Bank C: 20m, paid the price and the guarantee, received the draft, net +200,000, and was reimbursed the
    // guarantee under Bank A's counter-guarantee.
    // Recourse: it paid 495,000 for the certificate and was paid 500,000 on its claim.
    expect(await balance("bankC")).to.equal(
      yuan(20_000_000) - yuan(708_900) - yuan(200_000) + yuan(720_000) + yuan(200_000) + yuan(200_000) + yuan(5_000),
    );
    // Lianchuang: 50,000 issued to it, 490,000 price received, 500,000 paid on the claim.
    expect(await balance("supplier2")).to.equal(yuan(50_000) + yuan(490_000) - yuan(500_000));
    expect(await token.totalSupply()).to.equal(yuan(64_050_000));
  });

  // Issue 21: what a bank that is party to none of these deals reads on its own node (docs/confidentiality.md).
  it("a non-party bank reading every event, storage write and calldata finds no deal term beyond the pinned ones", async function () {
    this.timeout(300_000);
    const addresses = Object.values(deployment.contracts).map((entry) => entry.address);
    // Storage: every word the deal applications' transactions touched, in any contract they called.
    const traced = [
      "CreditBlacklist",
      "LetterOfCredit",
      "InterbankPositions",
      "ForfaitingMarket",
      "BankGuarantees",
      "ReceivableDesk",
      "ReceivableCertificate",
      "IssuanceLimits",
      "FinancingRequests",
    ].map(at);
    const copy = await readChain(provider, addresses, traced, 0, await provider.getBlockNumber());
    // The copy is the whole story, and the scan finds what is public: the beneficiary's account in the LC's storage,
    // the banks' deposit issuance in Transfer events and mint calldata.
    expect(copy.transactions).to.be.greaterThan(150);
    expect(copy.traced).to.be.greaterThan(50);
    expect(copy.storageWrites).to.be.greaterThan(500);
    const canaries = scan(copy, [
      { name: "beneficiary account", value: BigInt(members.supplier1.account) },
      { name: "deposit issuance", value: yuan(20_000_000) },
    ]);
    const sourcesOf = (name: string) => canaries.find((leak) => leak.name === name)?.sources ?? [];
    expect(sourcesOf("beneficiary account")).to.include.members(["event", "storage", "calldata"]);
    expect(sourcesOf("deposit issuance")).to.include.members(["event", "calldata"]);
    const leaks = scan(copy, demoDealTerms(result));
    const found = leaks.map((leak) => leak.name).sort();
    const pinned = Object.keys(KNOWN_LEAKS).sort();
    expect(
      found.filter((name) => !pinned.includes(name)),
      "terms in the clear, not pinned",
    ).to.deep.equal([]);
    expect(
      pinned.filter((name) => !found.includes(name)),
      "pinned leaks no longer found: unpin them",
    ).to.deep.equal([]);
    // Small terms the scan cannot search by value: the forfaiting offer states no asking price or discount on chain
    // (both sealed in its asking terms).
    const market = ForfaitingMarket__factory.connect(at("ForfaitingMarket"), provider);
    const [announced] = await market.queryFilter(market.filters.OfferAnnounced(result.forfaiting.offerId));
    expect([announced.args.announcement.askingPrice, announced.args.announcement.askingDiscountBps]).to.deep.equal([
      0n,
      0n,
    ]);
    // The financing quotes' rates (basis points) are on chain once revealed, as docs/confidentiality.md says: the
    // contract prices from them. Before quoting closed the commitments carried none of them (only hashes).
    const financing = FinancingRequests__factory.connect(at("FinancingRequests"), provider);
    const requestId = result.receivables.financing.requestId;
    const submitted = await financing.queryFilter(financing.filters.QuoteSubmitted(requestId));
    expect(submitted.map((e) => Number(e.args.terms.rateBps))).to.deep.equal(
      result.receivables.financing.quotes.map((q) => q.terms.rateBps),
    );
    const committed = await financing.queryFilter(financing.filters.QuoteCommitted(requestId));
    expect(committed.map((e) => e.args.commitment)).to.have.length(2);
    for (const e of committed) expect(e.blockNumber).to.be.lessThan(submitted[0].blockNumber);
  });

  it("the regulator opens every deal envelope the demo sealed; a bank outside the deal cannot; the chain holds their hashes", async () => {
    const store = createFileSystemPayloadStore(join(dir, "payloads"));
    const deals = result.deals;
    expect(deals.map((deal) => deal.application)).to.include.members(["letters-of-credit", "forfaiting", "guarantees"]);
    for (const deal of deals) {
      const envelope = JSON.parse(new TextDecoder().decode(await store.get(deal.location))) as Envelope;
      expect(envelopeHash(envelope)).to.equal(deal.payloadHash);
      expect(envelopeReaders(envelope)).to.deep.equal(deal.readers);
      expect(deal.readers).to.include(members.regulator.memberId);
      const opened = await openEnvelope(
        envelope,
        { memberId: members.regulator.memberId, privateKey: members.regulator.encryptionKeyPair.privateKey },
        { expectedHash: deal.payloadHash },
      );
      expect(JSON.parse(new TextDecoder().decode(opened)), deal.what).to.deep.equal(deal.terms);
      // Every deal has a bank outside it (Minfeng Bank is no party to the guarantee, Huaxin Bank to the asking terms).
      const outsider = [members.bankA, members.bankB, members.bankC].find(
        (bank) => !deal.readers.includes(bank.memberId),
      );
      if (outsider !== undefined) {
        let refused: unknown;
        try {
          await openEnvelope(envelope, {
            memberId: outsider.memberId,
            privateKey: outsider.encryptionKeyPair.privateKey,
          });
        } catch (error) {
          refused = error;
        }
        expect(refused, `${outsider.name} opened ${deal.what}`).to.be.instanceOf(NotARecipientError);
      }
    }
    const hashOf = (what: string): string => deals.find((deal) => deal.what === what)!.payloadHash;
    const lc = LetterOfCredit__factory.connect(at("LetterOfCredit"), provider);
    expect((await lc.letterOfCredit(result.lettersOfCredit.lcId)).termsHash).to.equal(hashOf("LC amendment 1"));
    const guarantees = BankGuarantees__factory.connect(at("BankGuarantees"), provider);
    expect((await guarantees.guarantee(result.guarantees.guaranteeId)).termsHash).to.equal(hashOf("guarantee terms"));
    const market = ForfaitingMarket__factory.connect(at("ForfaitingMarket"), provider);
    const [announced] = await market.queryFilter(market.filters.OfferAnnounced(result.forfaiting.offerId));
    expect(announced.args.announcement.askingTermsHash).to.equal(hashOf("asking terms"));
  });

  it("a bank that rotated its encryption key re-wraps its old deals and still reads them; no payload is re-encrypted", async () => {
    const store = createFileSystemPayloadStore(join(dir, "payloads"));
    const bank = members.bankA;
    const next = generateEncryptionKeyPair();
    const own = result.deals.filter((deal) => deal.readers.includes(bank.memberId));
    expect(own.length).to.be.greaterThan(5);
    for (const deal of own) {
      const envelope = JSON.parse(new TextDecoder().decode(await store.get(deal.location))) as Envelope;
      const rotated = await rewrapForRotatedKey(envelope, {
        memberId: bank.memberId,
        oldPrivateKey: bank.encryptionKeyPair.privateKey,
        newPublicKey: next.publicKey,
      });
      expect([rotated.ciphertext, rotated.nonce, envelopeHash(rotated)]).to.deep.equal([
        envelope.ciphertext,
        envelope.nonce,
        deal.payloadHash,
      ]);
      const opened = await openEnvelope(rotated, { memberId: bank.memberId, privateKey: next.privateKey });
      expect(JSON.parse(new TextDecoder().decode(opened))).to.deep.equal(deal.terms);
      let stale: unknown;
      try {
        await openEnvelope(rotated, { memberId: bank.memberId, privateKey: bank.encryptionKeyPair.privateKey });
      } catch (error) {
        stale = error;
      }
      expect(stale, deal.what).to.be.instanceOf(EnvelopeDecryptionError);
      // The other readers' entries are untouched: the regulator still opens the re-wrapped copy.
      await openEnvelope(rotated, {
        memberId: members.regulator.memberId,
        privateKey: members.regulator.encryptionKeyPair.privateKey,
      });
    }
  });

  it("the indexer and the API project every application of the story; the CLI reads it", async () => {
    const services = await startIndexerAndApi(
      parseConfig({
        rpcUrl: node.url,
        deployments: join(dir, "deployments", "1337.json"),
        dataDir: join(dir, "pglite"),
        apiPort: await freePort(),
        pollIntervalMs: 100,
        logLevel: "silent",
        progress: "log",
      }),
    );
    try {
      const deadline = Date.now() + 60_000;
      while (!(await fetch(`${services.url}/ready`)).ok) {
        if (Date.now() > deadline) throw new Error("the indexer did not catch up within 60 s");
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // Signed in (once the registry is indexed) as the regulator, who may read every application's rows (README,
      // "Who may read what").
      const regulator = new Wallet(members.regulator.privateKey);
      const session = await signIn({
        api: services.url,
        account: regulator.address,
        signMessage: (message) => regulator.signMessage(message),
      });
      const api = async <T>(path: string): Promise<T> => {
        const response = await fetch(`${services.url}${path}`, { headers: authorization(session) });
        const body = await response.text();
        expect(response.status, `${path}: ${body}`).to.equal(200);
        return JSON.parse(body) as T;
      };
      type List = { items: Record<string, unknown>[] };
      const dump = (value: unknown): string => JSON.stringify(value);
      /** A JSON field with a value, whether the API renders the number as a number or a decimal string. */
      const field = (name: string, value: bigint | number): RegExp => new RegExp(`"${name}":"?${value}"?[,}]`);

      expect((await api<List>("/members")).items).to.have.length(13);

      const { credit, dataSharing, lettersOfCredit, forfaiting, guarantees, receivables } = result;
      const entries = await api<List>(`/credit/subjects/${credit.subjectKey}/entries`);
      expect(entries.items, dump(entries)).to.have.length(1);
      const queries = await api<List>(`/credit/subjects/${credit.subjectKey}/queries`);
      expect(dump(queries)).to.contain(credit.consentHash);

      const accessLog = await api<List & { trail: { verified: boolean; entries: number } }>(
        `/datasets/${dataSharing.datasetId}/access-log`,
      );
      expect(dump(accessLog)).to.contain(dataSharing.accessId);
      expect(accessLog.trail, dump(accessLog.trail)).to.include({ verified: true, entries: 1 });
      const trace = await api<unknown>(`/access-trace?accessId=${dataSharing.accessId}`);
      expect(dump(trace)).to.match(field("grantId", dataSharing.grantId));
      const history = await api<unknown>(`/ecertificates/${dataSharing.replacementId}/history`);
      expect(dump(history)).to.match(field("id", dataSharing.certificateId));

      const receivable = await api<Record<string, unknown>>(`/receivables/${receivables.receivableId}`);
      expect(dump(receivable)).to.match(/"status":"(Settled|Funded)"/);
      const lineage = await api<unknown>(`/receivables/${receivables.receivableId}/lineage?includeRedeemed=true`);
      for (const tokenId of [receivables.rootTokenId, receivables.tier2TokenId, receivables.tier3TokenId]) {
        expect(dump(lineage)).to.match(field("tokenId", tokenId));
      }

      const lc = await api<Record<string, unknown>>(`/letters-of-credit/${lettersOfCredit.lcId}`);
      // Drawn in full with the 5% tolerance (1,260,000.00): the third, precluded presentation took the last 60,000.00.
      expect(dump(lc)).to.match(field("drawn", 126_000_000n));
      expect(dump(lc)).to.match(/"event":"PresentationPaid"/);
      expect(dump(lc)).to.match(/"event":"RefusalNoticeSent"/);
      expect(dump(lc)).to.match(/"event":"ExaminationPrecluded"/);
      expect(dump(lc)).to.match(/"examinationDeadline":\d+/);
      const run = await api<unknown>(`/netting-runs/${lettersOfCredit.nettingRun}`);
      expect(dump(run)).to.contain("-50000000");
      const usdRun = await api<{ currency: number }>(`/netting-runs/${result.interbankCurrencies.nettingRun}`);
      expect(usdRun.currency).to.equal(840);

      const offer = await api<unknown>(`/forfaiting/offers/${forfaiting.offerId}`);
      expect(dump(offer)).to.match(field("price", forfaiting.price));

      const guarantee = await api<unknown>(`/guarantees/${guarantees.guaranteeId}`);
      expect(dump(guarantee)).to.contain('"state":"Exhausted"');
      const verified = await api<unknown>(`/guarantees/by-reference/${guarantees.referenceId}`);
      expect(dump(verified)).to.contain('"genuine":true');

      // The freeze order with its steps (issue 20): activated and released by two votes, the target's account shown.
      const order = await api<{
        status: string;
        inForce: boolean;
        path: string;
        scope: { kind: string; account: string; amount: string };
        history: { step: string; path: string }[];
      }>(`/freeze-orders/${result.freeze.orderId}`);
      expect(order, dump(order)).to.include({ status: "Released", inForce: false, path: "Governance" });
      expect(order.scope).to.deep.include({
        kind: "Tokens",
        account: members.bankC.account.toLowerCase(),
        amount: String(result.freeze.frozen),
      });
      expect(order.history.map((h) => `${h.step}/${h.path}`)).to.deep.equal([
        "Activated/Governance",
        "Released/Governance",
      ]);
      const orders = await api<List>(`/freeze-orders?account=${members.bankC.account}`);
      expect(orders.items.map((o) => o.id)).to.deep.equal([String(result.freeze.orderId)]);
    } finally {
      await services.stop();
    }

    const cli = await runConsortia([
      "--rpc",
      node.url,
      "--deployments",
      join(dir, "deployments"),
      "--json",
      "member",
      "list",
    ]);
    expect(JSON.parse(cli)).to.have.length(13);
  });

  it("runs again on the same chain with new ids; without time travel it takes open quotes and leaves drafts unpaid", async () => {
    const token = DepositToken__factory.connect(at("DepositToken"), provider);
    const supplyBefore = await token.totalSupply();
    const again = await runDemoScenario({
      rpcUrl: node.url,
      deployment,
      dataDir: join(dir, "payloads"),
      timeTravel: false,
    });
    expect(again.timeTravel).to.equal(false);
    expect(again.lettersOfCredit.lcId).to.equal(2n);
    expect(again.guarantees.guaranteeId).to.equal(2n);
    expect(again.forfaiting.paidAtMaturity).to.equal(false);
    // The node stays registered once; governance votes again with new proposals and leaves the market open.
    expect(again.governance.nodeRegistered).to.equal(false);
    // (Proposals 5 and 6 of the first run are the freeze story's; the USD mapping's vote is one more.)
    expect([again.governance.pauseProposalId, again.governance.unpauseProposalId]).to.deep.equal([10n, 11n]);
    expect([again.freeze.freezeProposalId, again.freeze.releaseProposalId]).to.deep.equal([12n, 13n]);
    expect(again.freeze.orderId).to.equal(2n);
    // USD again: the currency is mapped already (no vote), a third run nets the new USD placements
    expect(again.interbankCurrencies.token).to.equal(result.interbankCurrencies.token);
    expect(again.interbankCurrencies.proposalId).to.equal(undefined);
    expect(again.interbankCurrencies.nettingRun).to.equal(4n);
    // Approvals again: a second process and its cases; without time travel nobody is overdue.
    expect(again.approvals.processId).to.equal(2);
    expect(again.approvals.overdue).to.equal(false);
    expect(await ForfaitingMarket__factory.connect(at("ForfaitingMarket"), provider).paused()).to.equal(false);
    const lc = LetterOfCredit__factory.connect(at("LetterOfCredit"), provider);
    const claim = await lc.claimInfo(again.forfaiting.claimId);
    expect(claim.holder).to.equal(members.bankC.account);
    expect(claim.settled).to.equal(false);
    expect((await lc.presentation(again.lettersOfCredit.discrepantPresentationId)).state).to.equal(5n); // Accepted
    const market = ForfaitingMarket__factory.connect(at("ForfaitingMarket"), provider);
    expect((await market.offer(again.forfaiting.offerId)).state).to.equal(3n); // NoticeAcknowledged
    expect(await token.totalSupply()).to.equal(supplyBefore + yuan(64_050_000));
    // The second receivable (new invoice number) is split and discounted but not yet due.
    const desk = ReceivableDesk__factory.connect(at("ReceivableDesk"), provider);
    // (the recourse story's receivable comes between)
    expect(again.receivables.receivableId).to.equal(result.receivables.receivableId + 2n);
    expect(again.recourse.receivableId).to.equal(again.receivables.receivableId + 1n);
    expect(again.recourse.claimIds).to.deep.equal([]);
    expect(again.recourse.holder).to.equal("bankC");
    expect(again.receivables.invoiceNumber).to.not.equal(result.receivables.invoiceNumber);
    expect(again.receivables.settled).to.equal(false);
    expect((await desk.receivable(again.receivables.receivableId)).status).to.equal(4n); // Active
    const certificates = ReceivableCertificate__factory.connect(at("ReceivableCertificate"), provider);
    expect(await certificates.ownerOf(again.receivables.tier3TokenId)).to.equal(members.bankB.account);
    // The first receivable was redeemed: the limit is set again at 10m and the second one, outstanding, uses it.
    const limits = IssuanceLimits__factory.connect(at("IssuanceLimits"), provider);
    expect(again.receivables.issuanceLimit).to.equal(yuan(10_000_000));
    expect((await limits.obligorLimits(members.coreA.memberId)).utilised).to.equal(yuan(1_200_000));
  });
});
