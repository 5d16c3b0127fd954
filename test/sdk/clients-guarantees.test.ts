import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, toUtf8Bytes } from "ethers";
import type { ContractError } from "@consortia/sdk";
import { deployApps } from "./clients-apps.fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;
const h = (text: string) => keccak256(toUtf8Bytes(text));
const DAY = 86_400n;
const fixture = () => deployApps(connection);

describe("sdk/clients guarantees", () => {
  it("apply, issue, verify, amend, claim, pay, release", async () => {
    const { platform, as, now } = await networkHelpers.loadFixture(fixture);
    const { accounts } = platform;
    const [bankA, applicant, beneficiary] = await Promise.all([
      as(accounts.bankA),
      as(accounts.supplier1),
      as(accounts.core),
    ]);
    const { guaranteeId } = await applicant.guarantees.applyFor({
      guarantor: accounts.bankA.address,
      beneficiary: accounts.core.address,
      kind: "Performance",
      currency: "CNY",
      amount: 1_000_000n,
      expiry: now + 90n * DAY,
      examinationPeriod: 5 * 86_400,
      termsHash: h("terms"),
      schedule: [{ date: now + 60n * DAY, amount: 500_000n }],
    });
    const reference = h("BG-1");
    await bankA.guarantees.issue(guaranteeId, reference);
    const verified = await beneficiary.guarantees.verify(reference);
    expect(verified).to.deep.include({
      genuine: true,
      inForce: true,
      guaranteeId,
      state: "Issued",
      kind: "Performance",
      currency: "CNY",
      amount: 1_000_000n,
    });
    expect((await beneficiary.guarantees.verify(h("forged"))).genuine).to.equal(false);
    expect(await bankA.guarantees.schedule(guaranteeId)).to.deep.equal([
      { date: Number(now + 60n * DAY), amount: 500_000n },
    ]);

    const { number } = await bankA.guarantees.proposeAmendment(guaranteeId, {
      amount: 1_200_000n,
      expiry: now + 120n * DAY,
      amendmentHash: h("a1"),
    });
    expect(number).to.equal(1);
    await beneficiary.guarantees.answerAmendment(guaranteeId, true);
    const { claimIndex } = await beneficiary.guarantees.presentClaim(guaranteeId, {
      amount: 300_000n,
      demandHash: h("demand"),
    });
    expect(claimIndex).to.equal(0n);
    await bankA.token.approve(bankA.guarantees.address, 300_000n);
    await bankA.guarantees.payClaim(guaranteeId, claimIndex);
    expect(await bankA.guarantees.claim(guaranteeId, claimIndex)).to.deep.include({
      state: "Paid",
      amount: 300_000n,
      payee: accounts.core.address,
    });
    const shown = await bankA.guarantees.guarantee(guaranteeId);
    expect(shown).to.deep.include({ state: "Issued", amount: 1_200_000n, paid: 300_000n, available: 900_000n });

    const wrong = await applicant.guarantees.release(guaranteeId).catch((caught: unknown) => caught);
    expect((wrong as ContractError).decoded.message).to.equal(
      `guarantee ${guaranteeId}: member ${platform.ids.supplier1} is not the party for this step (member ${platform.ids.core})`,
    );
    await beneficiary.guarantees.release(guaranteeId);
    expect((await bankA.guarantees.guarantee(guaranteeId)).state).to.equal("Released");
  });
});
