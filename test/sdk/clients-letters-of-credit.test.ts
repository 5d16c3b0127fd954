import { expect } from "chai";
import { network } from "hardhat";
import { encodeBytes32String, keccak256, toUtf8Bytes } from "ethers";
import { ContractError, presentationDocumentsHash, type LcTermsInput } from "@consortia/sdk";
import { deployApps } from "./clients-apps.fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;
const h = (text: string) => keccak256(toUtf8Bytes(text));
const DAY = 86_400n;
const fixture = () => deployApps(connection);

describe("sdk/clients lettersOfCredit", () => {
  it("issue, advise, acknowledge, amend, present, examine, pay: ids come back from the events", async () => {
    const { platform, as, now } = await networkHelpers.loadFixture(fixture);
    const { accounts } = platform;
    const [bankA, bankB, supplier, core] = await Promise.all([
      as(accounts.bankA),
      as(accounts.bankB),
      as(accounts.supplier1),
      as(accounts.core),
    ]);
    const terms: LcTermsInput = {
      advisingBank: accounts.bankB.address,
      beneficiary: accounts.supplier1.address,
      amount: 100_000n,
      currency: "CNY",
      tolerancePlus: 5,
      expiry: now + 90n * DAY,
      latestShipment: now + 60n * DAY,
      partialDrawings: true,
      requiredDocuments: [2, 4],
      termsHash: h("terms"),
    };
    const { lcId } = await bankA.lettersOfCredit.issue(accounts.core.address, terms);
    expect(lcId).to.equal(1n);
    await bankB.lettersOfCredit.advise(lcId);
    await supplier.lettersOfCredit.acknowledge(lcId);
    const amendment = {
      amount: 120_000n,
      expiry: now + 100n * DAY,
      latestShipment: now + 70n * DAY,
      termsHash: h("v2"),
    };
    const { amendmentHash } = await bankA.lettersOfCredit.proposeAmendment(lcId, amendment);
    expect((await supplier.lettersOfCredit.pendingAmendment(lcId))?.amendmentHash).to.equal(amendmentHash);
    await supplier.lettersOfCredit.acceptAmendment(lcId); // terms read back from the AmendmentProposed event
    const docs = [2, 4].map((kind) => ({ contentHash: h(`doc ${kind}`), uriHash: h(`uri ${kind}`), kind }));
    const { presentationId } = await supplier.lettersOfCredit.present(lcId, 70_000n, docs);
    expect(presentationId).to.equal((lcId << 16n) | 1n);
    const discrepant = await bankA.lettersOfCredit.examine(presentationId, [h("late shipment")]);
    expect(discrepant.result).to.equal("Discrepant");
    await core.lettersOfCredit.waive(presentationId);
    await bankA.token.approve(bankA.lettersOfCredit.address, 70_000n);
    await bankA.lettersOfCredit.pay(presentationId);
    const record = await bankA.lettersOfCredit.letterOfCredit(lcId);
    expect(record).to.deep.include({
      state: "Acknowledged",
      amount: 120_000n,
      drawn: 70_000n,
      currency: "CNY",
      partialDrawings: true,
      deferred: false,
    });
    expect(record.requiredDocuments).to.deep.equal([2, 4]);
    expect((await bankA.lettersOfCredit.presentation(presentationId)).state).to.equal("Paid");

    const error = await bankB.lettersOfCredit.advise(lcId).catch((caught: unknown) => caught);
    expect((error as ContractError).decoded.message).to.equal("letter of credit 1 is Acknowledged, expected Issued");
  });

  it("presentation checks: period, shipment statement, findings by code, and the bank held to them", async () => {
    const { platform, as, now } = await networkHelpers.loadFixture(fixture);
    const { accounts } = platform;
    const [bankA, bankB, supplier] = await Promise.all([
      as(accounts.bankA),
      as(accounts.bankB),
      as(accounts.supplier1),
    ]);
    const { lcId } = await bankA.lettersOfCredit.issue(accounts.core.address, {
      advisingBank: accounts.bankB.address,
      beneficiary: accounts.supplier1.address,
      amount: 100_000n,
      currency: "CNY",
      expiry: now + 90n * DAY,
      latestShipment: now + 60n * DAY,
      partialDrawings: true,
      requiredDocuments: [2, 4, 5],
      termsHash: h("checks"),
    });
    await bankA.lettersOfCredit.setPresentationPeriod(lcId, 10);
    expect(await bankA.lettersOfCredit.presentationPeriod(lcId)).to.equal(10);
    await bankB.lettersOfCredit.advise(lcId);
    await supplier.lettersOfCredit.acknowledge(lcId);
    const docs = [2, 4].map((kind) => ({ contentHash: h(`c ${kind}`), uriHash: h(`u ${kind}`), kind }));
    await supplier.lettersOfCredit.stateShipment(docs, now - 20n * DAY);
    const { presentationId, findings } = await supplier.lettersOfCredit.present(lcId, 10_000n, docs);
    expect(findings).to.deep.include({
      checked: true,
      codes: ["DOCUMENTS_MISSING", "LATE_PRESENTATION"],
      missingKinds: [5],
      shipmentStated: true,
      shipmentDate: Number(now - 20n * DAY),
    });
    const refused = await bankA.lettersOfCredit.examine(presentationId, []).catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(ContractError);
    expect((refused as ContractError).message).to.contain("DOCUMENTS_MISSING, LATE_PRESENTATION");
    // the findings are a floor: the bank may also cite a code the chain found clean
    const { result } = await bankA.lettersOfCredit.examine(presentationId, [
      encodeBytes32String("DOCUMENTS_MISSING"),
      encodeBytes32String("LATE_PRESENTATION"),
      encodeBytes32String("LATE_SHIPMENT"),
    ]);
    expect(result).to.equal("Discrepant");
    expect(presentationDocumentsHash(docs)).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("positions: credit lines, obligations and a netting run with decoded net positions", async () => {
    const { platform, as } = await networkHelpers.loadFixture(fixture);
    const { accounts, ids } = platform;
    const [bankA, bankB] = await Promise.all([as(accounts.bankA), as(accounts.bankB)]);
    await bankA.lettersOfCredit.positions.setCreditLine(ids.bankB, 50_000n);
    await bankB.lettersOfCredit.positions.setCreditLine(ids.bankA, 50_000n);
    for (const [client, account] of [
      [bankA, accounts.bankA],
      [bankB, accounts.bankB],
    ] as const) {
      await client.lettersOfCredit.positions.setSettlementAccount(account.address);
      await client.token.approve(client.lettersOfCredit.positions.address, 50_000n);
    }
    const one = await bankA.lettersOfCredit.positions.recordObligation(ids.bankB, 30_000n, 1n);
    const two = await bankB.lettersOfCredit.positions.recordObligation(ids.bankA, 12_000n, 1n);
    expect(await bankA.lettersOfCredit.positions.creditLine(ids.bankB, ids.bankA)).to.deep.include({
      limit: 50_000n,
      used: 30_000n,
    });
    const run = await bankA.lettersOfCredit.positions.runNetting([one.obligationId, two.obligationId]);
    expect(run.banks).to.deep.equal([ids.bankA, ids.bankB]);
    expect(run.netPositions).to.deep.equal([-18_000n, 18_000n]);
    expect((await bankA.lettersOfCredit.positions.obligation(one.obligationId)).status).to.equal("Netted");
  });

  it("positions: a netting run reports the banks it excluded for a shortfall and the obligations left open", async () => {
    const { platform, as } = await networkHelpers.loadFixture(fixture);
    const { accounts, ids } = platform;
    const [bankA, bankB, bankC] = await Promise.all([as(accounts.bankA), as(accounts.bankB), as(accounts.bankC)]);
    await bankB.lettersOfCredit.positions.setCreditLine(ids.bankA, 50_000n);
    await bankC.lettersOfCredit.positions.setCreditLine(ids.bankB, 50_000n);
    for (const [client, account, allowance] of [
      [bankA, accounts.bankA, 0n], // bankA cannot pay anything: it is excluded
      [bankB, accounts.bankB, 50_000n],
      [bankC, accounts.bankC, 0n],
    ] as const) {
      await client.lettersOfCredit.positions.setSettlementAccount(account.address);
      await client.token.approve(client.lettersOfCredit.positions.address, allowance);
    }
    const aOwesB = await bankA.lettersOfCredit.positions.recordObligation(ids.bankB, 5_000n, 1n);
    const bOwesC = await bankB.lettersOfCredit.positions.recordObligation(ids.bankC, 1_000n, 1n);
    const run = await bankB.lettersOfCredit.positions.runNetting([aOwesB.obligationId, bOwesC.obligationId]);
    expect(run.netted).to.deep.equal([bOwesC.obligationId]);
    expect(run.leftOpen).to.deep.equal([aOwesB.obligationId]);
    expect(run.banks).to.deep.equal([ids.bankB, ids.bankC]);
    expect(run.netPositions).to.deep.equal([-1_000n, 1_000n]);
    expect(run.excluded).to.deep.equal([{ bank: ids.bankA, netDebit: 5_000n, available: 0n, shortfall: 5_000n }]);
    expect((await bankA.lettersOfCredit.positions.obligation(aOwesB.obligationId)).status).to.equal("Open");
  });
});
