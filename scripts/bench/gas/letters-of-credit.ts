import { keccak256, toUtf8Bytes, ZeroHash } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import { MemberKind, roleSet } from "@consortia/sdk";
import { deployPlatform, fund, passProposal } from "../../../test/helpers/consortium.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";
import { deployUpgradeable } from "../../../test/helpers/upgradeable.js";

const APP = "letters-of-credit";
const ISSUE_TARGET = 150_000n;
const STEP_TARGET = 60_000n;
const DAY = 86_400n;
const CNY = "0x434e59";
/** ISO 4217 numeric code of the second interbank currency (a second deposit token). */
const USD = 840;
const hash = (text: string): string => keccak256(toUtf8Bytes(text));
const docs = (n: number) =>
  [2, 4, 5, 6]
    .slice(0, n)
    .map((kind, i) => ({
      contentHash: hash(`doc${i}`),
      uriHash: hash(`uri${i}`),
      kind,
    }));

/**
 * Every LC step (issue target 150,000 gas; each later step 60,000) and netting runs over N = 10 and N = 100 due
 * obligations among K banks, with the number of token transfers each run makes (at most K).
 */
export const measure: MeasureGas = async (connection: NetworkConnection) => {
  const { ethers, networkHelpers } = connection;
  const platform = await deployPlatform(connection);
  const { registry, token, accounts } = platform;

  // Five more banks (bootstrap is still open) so that netting can run among K = 8 banks.
  const extraBanks = platform.outsiders.slice(0, 5);
  const bankRoles = roleSet("TOKEN_HOLDER", "PAYMENT_BANK", "LC_BANK");
  for (const [i, signer] of extraBanks.entries()) {
    await registry.bootstrapMember(
      MemberKind.Bank,
      `bank${i + 4}`,
      hash(`reg${i}`),
      hash(`key${i}`),
      bankRoles,
      signer,
    );
  }
  const positions = await deployUpgradeable(ethers, "InterbankPositions", [registry, token, platform.ledger]);
  const calendar = await deployUpgradeable(ethers, "ConsortiumCalendar", [registry], [8 * 3600]);
  const presentationChecks = await deployUpgradeable(ethers, "LcPresentationChecks", [registry, ethers.ZeroAddress]);
  const lc = await deployUpgradeable(
    ethers,
    "LetterOfCredit",
    [registry, token, platform.ledger, positions, CNY, presentationChecks],
    [calendar],
  );
  await platform.finishBootstrap([positions, lc]);

  const banks = [accounts.bankA, accounts.bankB, accounts.bankC, ...extraBanks];
  const bankIds: number[] = [];
  for (const bank of banks) {
    await fund(platform, bank, 1_000_000_000n);
    await token.connect(bank).approve(lc, ethers.MaxUint256);
    await token.connect(bank).approve(positions, ethers.MaxUint256);
    await positions.connect(bank).setSettlementAccount(bank);
    bankIds.push(Number(await registry.memberOf(bank)));
  }
  for (const grantor of banks) {
    for (const granteeId of bankIds) {
      if (granteeId !== Number(await registry.memberOf(grantor))) {
        await positions.connect(grantor).setCreditLine(granteeId, 10n ** 15n);
      }
    }
  }

  // The beneficiary already holds deposits, so that payments measure the steady state (a first-ever balance costs
  // ~17,000 more for the new storage slot in the token).
  await fund(platform, accounts.supplier1, 1n);

  const rows: GasRow[] = [];
  const row = (step: string, gas: bigint, target?: bigint) =>
    rows.push({ app: APP, step, gas, target });
  const now = BigInt(await networkHelpers.time.latest());
  const terms = (over: Record<string, unknown> = {}) => ({
    advisingBank: accounts.bankB.address,
    nominatedBank: ethers.ZeroAddress,
    beneficiary: accounts.supplier1.address,
    amount: 100_000n,
    currency: CNY,
    tolerancePlus: 5,
    toleranceMinus: 5,
    expiry: now + 365n * DAY,
    latestShipment: now + 300n * DAY,
    deferred: false,
    tenorDays: 0,
    partialDrawings: true,
    requiredDocuments: (1 << 2) | (1 << 4) | (1 << 5),
    termsHash: hash("terms"),
    ...over,
  });
  const issuer = lc.connect(accounts.bankA);
  const beneficiary = lc.connect(accounts.supplier1);
  let lcCount = 0n;
  const issue = async (over: Record<string, unknown> = {}) => {
    const tx = await issuer.issue(accounts.core, terms(over));
    return { id: ++lcCount, gas: await gasOf(tx) };
  };
  const operative = async (over: Record<string, unknown> = {}) => {
    const { id } = await issue(over);
    await lc.connect(accounts.bankB).advise(id);
    await beneficiary.acknowledge(id);
    return id;
  };
  const presentations = new Map<bigint, number>();
  const present = async (id: bigint, amount: bigint, n = 3) => {
    const index = (presentations.get(id) ?? 0) + 1;
    presentations.set(id, index);
    const gas = await gasOf(await beneficiary.present(id, amount, docs(n)));
    return { pid: (id << 16n) | BigInt(index), gas };
  };

  // Warm-up LC so that the measured issue is the steady state (the very first LC also creates the id counter).
  const first = await issue();
  row("issue: first LC ever (creates the id counter)", first.gas, ISSUE_TARGET);

  // --- sight LC: issue, advise, acknowledge, amend, discrepant then compliant presentation, pay
  const sight = await issue();
  row("issue (sight, direct by issuing bank)", sight.gas, ISSUE_TARGET);
  row(
    "set the presentation period (issuing bank, before advising)",
    await gasOf(await presentationChecks.connect(accounts.bankA).setPresentationPeriod(lc, sight.id, 15)),
    STEP_TARGET,
  );
  const nominated = await issue({
    nominatedBank: accounts.bankC.address,
    deferred: true,
    tenorDays: 90,
  });
  row("issue (deferred, with nominated bank)", nominated.gas, ISSUE_TARGET);
  row(
    "advise",
    await gasOf(await lc.connect(accounts.bankB).advise(sight.id)),
    STEP_TARGET,
  );
  row(
    "acknowledge",
    await gasOf(await beneficiary.acknowledge(sight.id)),
    STEP_TARGET,
  );
  row(
    "confirm (nominated bank)",
    await gasOf(await lc.connect(accounts.bankC).confirm(nominated.id)),
    STEP_TARGET,
  );
  const amendment = {
    amount: 120_000n,
    expiry: now + 400n * DAY,
    latestShipment: now + 300n * DAY,
    termsHash: hash("v2"),
  };
  row(
    "propose amendment",
    await gasOf(await issuer.proposeAmendment(sight.id, amendment)),
    STEP_TARGET,
  );
  row(
    "accept amendment",
    await gasOf(await beneficiary.acceptAmendment(sight.id, amendment)),
    STEP_TARGET,
  );
  await issuer.proposeAmendment(sight.id, {
    ...amendment,
    termsHash: hash("v3"),
  });
  row(
    "reject amendment",
    await gasOf(await beneficiary.rejectAmendment(sight.id)),
    STEP_TARGET,
  );

  const d1 = await present(sight.id, 40_000n, 3);
  row("present (3 documents)", d1.gas, STEP_TARGET);
  const discrepancies = [hash("late shipment"), hash("invoice amount differs")];
  row(
    "examine: discrepant (2 discrepancies)",
    await gasOf(await issuer.examine(d1.pid, discrepancies)),
    STEP_TARGET,
  );
  row(
    "waive discrepancies (applicant)",
    await gasOf(await lc.connect(accounts.core).waiveDiscrepancies(d1.pid)),
    STEP_TARGET,
  );
  row(
    "pay at sight (tokens, DvP)",
    await gasOf(await issuer.pay(d1.pid, ZeroHash)),
    STEP_TARGET,
  );
  // The automatic checks (LcPresentationChecks): every required kind presented, the shipment date stated first by the
  // presenter (bound to these documents), so the chain checks shipment and presentation period too.
  row(
    "state the shipment date (beneficiary)",
    await gasOf(
      await presentationChecks
        .connect(accounts.supplier1)
        .stateShipment(await presentationChecks.documentsHash(docs(3)), BigInt(await networkHelpers.time.latest())),
    ),
    STEP_TARGET,
  );
  const d2 = await present(sight.id, 30_000n, 3);
  row("present (3 documents, shipment date stated)", d2.gas, STEP_TARGET);
  row(
    "examine: compliant",
    await gasOf(await issuer.examine(d2.pid, [])),
    STEP_TARGET,
  );
  row(
    "pay at sight (off-chain reference)",
    await gasOf(await issuer.pay(d2.pid, hash("CNAPS-0001"))),
    STEP_TARGET,
  );
  const d3 = await present(sight.id, 10_000n, 3);
  await issuer.examine(d3.pid, discrepancies);
  row(
    "refusal notice, documents returned",
    await gasOf(await issuer.refuse(d3.pid, discrepancies, hash("refusal notice"), false)),
    STEP_TARGET,
  );
  const held = await present(sight.id, 10_000n, 3);
  row(
    "refusal notice, documents held",
    await gasOf(await issuer.refuse(held.pid, discrepancies, hash("refusal notice"), true)),
    STEP_TARGET,
  );
  row("return held documents", await gasOf(await issuer.returnDocuments(held.pid)), STEP_TARGET);
  const d6 = await present(sight.id, 10_000n, 3);
  await networkHelpers.time.increase(8n * DAY); // past five banking days
  row(
    "record preclusion (after the deadline)",
    await gasOf(await beneficiary.recordPreclusion(d6.pid)),
    STEP_TARGET,
  );

  // --- deferred LC honoured by the issuing bank: accept, transfer the claim, pay the holder at maturity
  const deferred = await operative({ deferred: true, tenorDays: 90 });
  const d4 = await present(deferred, 50_000n, 3);
  await issuer.examine(d4.pid, []);
  const maturity = BigInt(await networkHelpers.time.latest()) + 60n * DAY;
  row(
    "accept deferred presentation (issuing bank)",
    await gasOf(await issuer.accept(d4.pid, maturity)),
    STEP_TARGET,
  );
  row(
    "transfer claim to forfaiter",
    await gasOf(await beneficiary.transferClaim(d4.pid, accounts.bankB)),
    STEP_TARGET,
  );
  // The new holder names an operator (checked: it could hold the claim) that moves it on (checked again, issue 13).
  row(
    "approve a claim operator",
    await gasOf(await lc.connect(accounts.bankB).approveClaim(d4.pid, accounts.bankC)),
    STEP_TARGET,
  );
  row(
    "operator transfers the claim",
    await gasOf(await lc.connect(accounts.bankC).transferClaim(d4.pid, accounts.bankA)),
    STEP_TARGET,
  );

  // --- deferred LC with a nominated bank: acceptance records the issuing bank's reimbursement obligation
  await lc.connect(accounts.bankB).advise(nominated.id);
  await beneficiary.acknowledge(nominated.id);
  const d5 = await present(nominated.id, 50_000n, 3);
  await lc.connect(accounts.bankC).examine(d5.pid, []);
  row(
    "accept by nominated bank + record reimbursement obligation",
    await gasOf(await lc.connect(accounts.bankC).accept(d5.pid, maturity)),
    STEP_TARGET,
  );
  await networkHelpers.time.increaseTo(maturity);
  row(
    "pay claim holder at maturity (tokens)",
    await gasOf(await issuer.pay(d4.pid, ZeroHash)),
    STEP_TARGET,
  );

  // --- application, cancellation and expiry
  const applied = await lc
    .connect(accounts.core)
    .submitApplication(accounts.bankA, terms({ expiry: now + 500n * DAY }));
  row("submit application (applicant)", await gasOf(applied), ISSUE_TARGET);
  const appliedId = ++lcCount;
  row(
    "approve application (issuing bank)",
    await gasOf(await issuer.approveApplication(appliedId)),
    STEP_TARGET,
  );
  row(
    "request cancellation",
    await gasOf(await issuer.requestCancellation(appliedId)),
    STEP_TARGET,
  );
  row(
    "consent to cancellation (beneficiary)",
    await gasOf(await beneficiary.consentToCancellation(appliedId)),
    STEP_TARGET,
  );
  const short = await issue({
    expiry: BigInt(await networkHelpers.time.latest()) + DAY,
    latestShipment: 0n,
  });
  await networkHelpers.time.increase(2n * DAY);
  row("expire", await gasOf(await issuer.expire(short.id)), STEP_TARGET);

  // --- interbank positions
  row(
    "set credit line",
    await gasOf(
      await positions
        .connect(accounts.bankA)
        .setCreditLine(bankIds[1], 10n ** 15n + 1n),
    ),
  );
  const recordTx = await positions
    .connect(accounts.bankA)
    .recordObligation(bankIds[1], 1_000n, 0, hash("o"));
  row("record obligation (debtor bank)", await gasOf(recordTx));
  const firstObligation = await positions.obligationCount();
  row(
    "settle one obligation gross (tokens)",
    await gasOf(
      await positions
        .connect(accounts.bankA)
        .settleObligation(firstObligation, ZeroHash),
    ),
  );

  const transferTopic = token.interface.getEvent("Transfer").topicHash;
  const netting = async (n: number, k: number, excludeOne = false) => {
    const ids: bigint[] = [];
    for (let i = 0; i < n; i++) {
      // a ring with varying amounts: bank i owes bank i+1 (mod k), plus a chord so that nets are not all equal
      const debtor = banks[i % k];
      const creditor = bankIds[(i + 1 + (i % 3 === 0 ? 1 : 0)) % k];
      await positions
        .connect(debtor)
        .recordObligation(
          creditor,
          BigInt(1_000 + 37 * i),
          0,
          hash(`n${n}k${k}i${i}`),
        );
      ids.push(await positions.obligationCount());
    }
    // The largest net debtor may pay nothing: the run excludes it (and whoever its exclusion leaves short).
    let short: (typeof banks)[number] | undefined;
    if (excludeOne) {
      const [runBanks, nets] = await positions.connect(banks[0]).runNetting.staticCall(ids);
      const worst = nets.reduce((w, net, i) => (net < nets[w] ? i : w), 0);
      short = banks[bankIds.indexOf(Number(runBanks[worst]))];
      await token.connect(short).approve(positions, 0n);
    }
    const tx = await positions.connect(banks[0]).runNetting(ids);
    const receipt = await tx.wait();
    if (short !== undefined) await token.connect(short).approve(positions, ethers.MaxUint256);
    const transfers = receipt!.logs.filter(
      (log) => log.topics[0] === transferTopic,
    ).length;
    const excluded = receipt!.logs.filter(
      (log) => log.topics[0] === positions.interface.getEvent("NettingBankExcluded").topicHash,
    ).length;
    row(
      excludeOne
        ? `netting run N=${n} K=${k}, ${excluded} net debtor(s) excluded (${transfers} token transfers)`
        : `netting run N=${n} K=${k} (${transfers} token transfers)`,
      receipt!.gasUsed,
    );
  };
  await netting(10, 3);
  await netting(100, 3);
  await netting(10, 8);
  await netting(100, 8);
  await netting(100, 8, true);

  // --- positions per currency: a second deposit token mapped to USD by governance; its obligations net apart
  const usd = await deployUpgradeable(
    ethers,
    "DepositToken",
    [registry, platform.freezeOrders],
    ["Consortia Deposit USD", "dUSD", 2],
  );
  await passProposal(
    platform,
    positions,
    positions.interface.encodeFunctionData("setCurrencyToken", [USD, await usd.getAddress()]),
  );
  for (const bank of banks) {
    await usd.connect(accounts.bankA).mint(bank, 1_000_000_000n);
    await usd.connect(bank).approve(positions, ethers.MaxUint256);
  }
  row(
    "record obligation in a currency (USD, debtor bank)",
    await gasOf(await positions.connect(accounts.bankA).recordObligationIn(USD, bankIds[1], 1_000n, 0, hash("u"))),
  );
  row(
    "settle one obligation gross in a currency (USD tokens)",
    await gasOf(await positions.connect(accounts.bankA).settleObligation(await positions.obligationCount(), ZeroHash)),
  );
  const usdTransferTopic = usd.interface.getEvent("Transfer").topicHash;
  for (const [n, k] of [
    [10, 3],
    [100, 8],
  ] as const) {
    const ids: bigint[] = [];
    for (let i = 0; i < n; i++) {
      const creditor = bankIds[(i + 1 + (i % 3 === 0 ? 1 : 0)) % k];
      await positions.connect(banks[i % k]).recordObligationIn(USD, creditor, BigInt(1_000 + 37 * i), 0, hash(`u${n}k${k}i${i}`));
      ids.push(await positions.obligationCount());
    }
    const receipt = await (await positions.connect(banks[0]).runNetting(ids)).wait();
    const transfers = receipt!.logs.filter((log) => log.topics[0] === usdTransferTopic).length;
    row(`netting run in a currency (USD) N=${n} K=${k} (${transfers} token transfers)`, receipt!.gasUsed);
  }
  return rows;
};
