import { expect } from "chai";
import { network } from "hardhat";
import { DAY, deploySuite, h, type Suite } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

const DELEGATOR_INACTIVE = 8n;

/** gov1 owns a dataset and grants bankA access with the right to delegate; bankA delegates to core. */
async function delegated(): Promise<Suite & { datasetId: bigint; grantId: bigint; childId: bigint }> {
  const suite = await deploySuite(connection);
  const { dataSharing, accounts, ids } = suite;
  const expiresAt = BigInt(await networkHelpers.time.latest()) + 30n * DAY;
  const owner = dataSharing.connect(accounts.gov1);
  const datasetId = await owner.registerDataset.staticCall(h("content"), 0, h("metadata"), 1, 1);
  await owner.registerDataset(h("content"), 0, h("metadata"), 1, 1);
  const grantId = await owner.grantDirect.staticCall(datasetId, ids.bankA, h("purpose"), 1, expiresAt, true);
  await owner.grantDirect(datasetId, ids.bankA, h("purpose"), 1, expiresAt, true);
  const delegator = dataSharing.connect(accounts.bankA);
  const childId = await delegator.delegateAccess.staticCall(grantId, ids.core, 1, expiresAt, false);
  await delegator.delegateAccess(grantId, ids.core, 1, expiresAt, false);
  return { ...suite, datasetId, grantId, childId };
}

describe("re-read (data sharing): a delegation lasts only while its delegator is in good standing", () => {
  it("serves the delegate while the delegator is active", async () => {
    const { dataSharing, accounts, datasetId, childId } = await networkHelpers.loadFixture(delegated);
    expect(await dataSharing.grantValidity(childId)).to.equal(0n);
    await expect(
      dataSharing.connect(accounts.gov1).recordAccess(h("access 1"), childId, datasetId, 1, accounts.core, h("result")),
    ).to.emit(dataSharing, "AccessRecorded");
  });

  it("stops the delegate's access once the delegator is suspended, and restores it on reinstatement", async () => {
    const suite = await networkHelpers.loadFixture(delegated);
    const { dataSharing, accounts, datasetId, childId } = suite;
    await suite.suspend("bankA");
    expect(await dataSharing.grantValidity(childId)).to.equal(DELEGATOR_INACTIVE);
    await expect(
      dataSharing.connect(accounts.gov1).recordAccess(h("access 2"), childId, datasetId, 1, accounts.core, h("result")),
    )
      .to.be.revertedWithCustomError(dataSharing, "GrantNotValid")
      .withArgs(childId, DELEGATOR_INACTIVE);
    await suite.reinstate("bankA");
    expect(await dataSharing.grantValidity(childId)).to.equal(0n);
  });
});
