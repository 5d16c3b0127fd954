import { keccak256, toUtf8Bytes, ZeroAddress, ZeroHash } from "ethers";
import { deployPlatform, fund } from "../../../test/helpers/consortium.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";
import { deployUpgradeable } from "../../../test/helpers/upgradeable.js";

const ISSUE_TARGET = 150_000n;
const STEP_TARGET = 80_000n;
const DAY = 86_400n;
const h = (text: string) => keccak256(toUtf8Bytes(text));

/** Every business step of a bid guarantee, from application to payment, amendment, release and expiry. */
export const measure: MeasureGas = async (connection) => {
  const { ethers, networkHelpers } = connection;
  const platform = await deployPlatform(connection);
  const { accounts } = platform;
  const calendar = await deployUpgradeable(ethers, "ConsortiumCalendar", [platform.registry], [8 * 3600]);
  const app = await deployUpgradeable(ethers, "BankGuarantees", [
    platform.registry,
    platform.token,
    platform.ledger,
    calendar,
    ZeroAddress,
  ]);
  await platform.finishBootstrap([app]);
  await fund(platform, accounts.bankA, 100_000_000n);
  await platform.token.connect(accounts.bankA).approve(app, ethers.MaxUint256);
  // The beneficiary already holds tokens, as a tendering party does: the payment does not create a balance slot.
  await fund(platform, accounts.core, 1n);

  const now = BigInt(await networkHelpers.time.latest());
  const base = {
    guarantor: accounts.bankA.address,
    beneficiary: accounts.core.address,
    kind: 0,
    currency: "0x434e59",
    amount: 1_000_000n,
    expiry: now + 90n * DAY,
    examinationPeriod: 5n * DAY,
    termsHash: h("terms"),
    tenderReference: h("tender"),
    schedule: [] as { date: bigint; amount: bigint }[],
  };
  const demand = (amount: bigint, extendTo = 0n) => ({
    amount,
    demandHash: h("demand"),
    documents: [{ contentHash: h("doc"), uriHash: h("uri"), kind: 7 }],
    extendTo,
  });
  const applicant = app.connect(accounts.supplier1);
  const bank = app.connect(accounts.bankA);
  const beneficiary = app.connect(accounts.core);
  const rows: GasRow[] = [];
  const row = (step: string, gas: bigint, target = STEP_TARGET) =>
    rows.push({ app: "guarantees", step, gas, target });

  row("apply for a bid guarantee", await gasOf(await applicant.applyFor(base)), ISSUE_TARGET);
  row("issue the guarantee", await gasOf(await bank.issue(1n, h("ref-1"))), ISSUE_TARGET);
  const scheduled = {
    ...base,
    kind: 2,
    schedule: [
      { date: now + 30n * DAY, amount: 600_000n },
      { date: now + 60n * DAY, amount: 300_000n },
    ],
  };
  row("apply with a two-step reduction schedule", await gasOf(await applicant.applyFor(scheduled)), ISSUE_TARGET);
  row("decline an application", await gasOf(await bank.decline(2n, h("reason"))));
  await applicant.applyFor(base);
  row("cancel an application", await gasOf(await applicant.cancel(3n)));

  row(
    "propose an amendment (increase and extend)",
    await gasOf(await bank.proposeAmendment(1n, 1_500_000n, now + 120n * DAY, h("amendment"))),
  );
  row("accept the amendment", await gasOf(await beneficiary.answerAmendment(1n, true)));
  row("present a demand", await gasOf(await beneficiary.presentClaim(1n, demand(400_000n))));
  row("pay the demand in tokens", await gasOf(await bank.payClaim(1n, 0n, ZeroHash)));
  await beneficiary.presentClaim(1n, demand(100_000n));
  row("pay a demand off chain (recorded)", await gasOf(await bank.payClaim(1n, 1n, h("CNAPS-1"))));
  await beneficiary.presentClaim(1n, demand(100_000n));
  row("reject a demand with reasons", await gasOf(await bank.rejectClaim(1n, 2n, h("reasons"))));
  await beneficiary.presentClaim(1n, demand(100_000n, now + 200n * DAY));
  row("extend instead of paying (extend or pay)", await gasOf(await bank.extendInsteadOfPaying(1n, 3n)));
  row("release by the beneficiary", await gasOf(await beneficiary.release(1n)));

  // URDG 758 (issue 19): counter-guarantee, extend-or-pay suspension, advance repayment, documentary expiry.
  await fund(platform, accounts.bankB, 100_000_000n);
  await platform.token.connect(accounts.bankB).approve(app, ethers.MaxUint256);
  const instructing = app.connect(accounts.bankB);
  await applicant.applyFor(base); // 4
  const counterTerms = { amount: 1_000_000n, expiry: now + 120n * DAY, examinationPeriod: 5n * DAY, termsHash: h("cg") };
  row(
    "issue a counter-guarantee (art. 2)",
    await gasOf(await instructing.issueCounterGuarantee(4n, counterTerms)),
    ISSUE_TARGET,
  );
  await bank.issue(4n, h("ref-4"));
  await beneficiary.presentClaim(4n, demand(400_000n, now + 150n * DAY));
  row(
    "suspend an extend-or-pay demand (art. 23)",
    await gasOf(await bank.suspendForExtension(4n, 0n, now + 20n * DAY)),
  );
  await networkHelpers.time.increaseTo(now + 20n * DAY + 1n);
  await bank.payClaim(4n, 0n, ZeroHash);
  row(
    "demand under the counter-guarantee (art. 15b)",
    await gasOf(await bank.demandUnderCounterGuarantee(4n, 0n, 400_000n, h("statement"))),
  );
  row("pay the counter-guarantee demand in tokens", await gasOf(await instructing.payCounterDemand(4n, ZeroHash)));
  await beneficiary.presentClaim(4n, demand(100_000n));
  await bank.payClaim(4n, 1n, ZeroHash);
  await bank.demandUnderCounterGuarantee(4n, 1n, 100_000n, h("statement"));
  row("reject the counter-guarantee demand", await gasOf(await instructing.rejectCounterDemand(4n, h("reasons"))));

  const later = BigInt(await networkHelpers.time.latest());
  await applicant.applyFor({ ...base, kind: 2, expiry: later + 90n * DAY }); // 5
  row("name the expiry certificate (art. 25a iii)", await gasOf(await applicant.nameExpiryDocument(5n, h("cert"))));
  await bank.issue(5n, h("ref-5"));
  row("record an advance repayment (art. 13)", await gasOf(await bank.recordReduction(5n, 250_000n, h("repaid"))));
  row("present the expiry certificate", await gasOf(await applicant.presentExpiryDocument(5n, h("cert"))));

  await applicant.applyFor({ ...base, expiry: later + 90n * DAY }); // 6
  await bank.issue(6n, h("ref-6"));
  await networkHelpers.time.increase(91n * DAY);
  row("close after expiry", await gasOf(await app.connect(accounts.bankC).expire(6n)));
  // The first row above is the contract's first application ever: it also creates the guarantee counter's slot
  // (22,100 instead of 5,000). This one is any later application, as in a register in use.
  row(
    "apply for a bid guarantee, register in use (counter slot exists)",
    await gasOf(await applicant.applyFor({ ...base, expiry: later + 180n * DAY })),
    ISSUE_TARGET,
  );
  return rows;
};
