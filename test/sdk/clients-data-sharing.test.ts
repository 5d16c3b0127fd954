import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, toUtf8Bytes, type Signer } from "ethers";
import { deployPlatform } from "../helpers/consortium.js";
import { type ContractError, createConsortia, type Deployment, MemberKind, roleSet } from "@consortia/sdk";
import { deployUpgradeable } from "../helpers/upgradeable.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const h = (text: string) => keccak256(toUtf8Bytes(text));
const DAY = 86_400n;

async function fixture() {
  const platform = await deployPlatform(connection);
  const data = await deployUpgradeable(ethers, "DataSharing", [platform.registry]);
  const certificates = await deployUpgradeable(ethers, "ECertificates", [platform.registry]);
  await platform.finishBootstrap([]);
  const entry = async (contract: { getAddress(): Promise<string> }) => ({
    address: await contract.getAddress(),
    block: 0,
  });
  const deployment: Deployment = {
    chainId: Number((await ethers.provider.getNetwork()).chainId),
    deploymentBlock: 0,
    contracts: {
      ConsortiumRegistry: await entry(platform.registry),
      DepositToken: await entry(platform.token),
      PaymentLedger: await entry(platform.ledger),
      DataSharing: await entry(data),
      ECertificates: await entry(certificates),
    },
  };
  const as = (signer: Signer) => createConsortia({ runner: signer, deployment });
  const now = BigInt(await networkHelpers.time.latest());
  return { platform, as, now };
}

describe("sdk/clients data sharing", () => {
  it("register, version, verify, request, grant, delegate, record access, revoke; the access log", async () => {
    const { platform, as, now } = await networkHelpers.loadFixture(fixture);
    const { accounts, ids } = platform;
    const [owner, consumer, delegate] = await Promise.all([
      as(accounts.gov1),
      as(accounts.gov2),
      as(accounts.supplier1),
    ]);
    const { datasetId, version } = await owner.dataSharing.registerDataset({
      contentHash: h("people-v1.csv"),
      metadataHash: h("metadata"),
      classification: "Confidential",
      fieldMask: 0b1111n,
    });
    expect(version).to.equal(1);
    const published = await owner.dataSharing.publishVersion(datasetId, {
      contentHash: h("people-v2.csv"),
      metadataHash: h("metadata"),
    });
    expect(published.version).to.equal(2);
    expect(await consumer.dataSharing.verifyFile(datasetId, 2, h("people-v2.csv"))).to.equal(true);
    expect(await consumer.dataSharing.verifyFile(datasetId, 2, h("people-v1.csv"))).to.equal(false);
    expect(await owner.dataSharing.dataset(datasetId)).to.deep.include({
      owner: ids.gov1,
      status: "Active",
      classification: "Confidential",
      latestVersion: 2,
      fieldMask: 15n,
    });

    const { grantId, granted } = await consumer.dataSharing.requestAccess(datasetId, h("pension audit"), 0b0111n);
    expect(granted).to.equal(false);
    expect((await owner.dataSharing.grant(grantId)).status).to.equal("Requested");
    await owner.dataSharing.grantAccess(grantId, { scope: 0b0011n, expiresAt: now + 30n * DAY, mayDelegate: true });
    expect(await owner.dataSharing.grant(grantId)).to.deep.include({
      status: "Active",
      validity: "Valid",
      grantee: ids.gov2,
      scope: 3n,
      mayDelegate: true,
    });
    const child = await consumer.dataSharing.delegateAccess(grantId, ids.supplier1, {
      scope: 0b0001n,
      expiresAt: now + 10n * DAY,
    });
    expect((await delegate.dataSharing.grant(child.grantId)).depth).to.equal(1);

    const { seq } = await owner.dataSharing.recordAccess({
      accessId: h("access 1"),
      grantId,
      datasetId,
      version: 2,
      consumerAccount: accounts.gov2.address,
      resultHash: h("people-v2.csv"),
    });
    expect(seq).to.equal(1n);
    const log = await delegate.dataSharing.accessLog(datasetId);
    expect(log.map((entry) => [entry.seq, entry.accessId, entry.grantId, entry.consumer])).to.deep.equal([
      [1n, h("access 1"), grantId, ids.gov2],
    ]);

    await owner.dataSharing.revokeAccess(grantId, h("audit done"));
    expect(await owner.dataSharing.grantValidity(child.grantId)).to.equal("AncestorRevoked");
    const refused = await owner.dataSharing
      .recordAccess({
        accessId: h("access 2"),
        grantId: child.grantId,
        datasetId,
        version: 2,
        consumerAccount: accounts.supplier1.address,
        resultHash: h("x"),
      })
      .catch((caught: unknown) => caught);
    expect((refused as ContractError).decoded.message).to.equal(`grant ${child.grantId} is not valid: AncestorRevoked`);
  });

  it("an auto-grant policy grants at once; a non-owner is refused with a decoded reason", async () => {
    const { platform, as } = await networkHelpers.loadFixture(fixture);
    const { accounts, ids } = platform;
    const [owner, consumer] = await Promise.all([as(accounts.gov1), as(accounts.gov2)]);
    const { datasetId } = await owner.dataSharing.registerDataset({
      contentHash: h("roads"),
      metadataHash: h("roads metadata"),
      classification: "Internal",
      fieldMask: 0xffn,
    });
    await owner.dataSharing.setAutoGrantPolicy(datasetId, {
      memberKinds: [MemberKind.Government],
      requiredRoles: roleSet("DATA_CONSUMER"),
      maxScope: 0x0fn,
      duration: 86_400,
      allowedPurposes: [h("planning")],
    });
    expect(await owner.dataSharing.autoGrantPolicy(datasetId)).to.deep.include({
      allowedPurposes: [h("planning")],
      memberKinds: [MemberKind.Government],
      maxScope: 15n,
      duration: 86_400,
    });
    const { grantId, granted } = await consumer.dataSharing.requestAccess(datasetId, h("planning"), 0x03n);
    expect(granted).to.equal(true);
    expect((await consumer.dataSharing.grant(grantId)).status).to.equal("Active");
    // Another purpose is not the policy's to grant: the request waits for the owner.
    const other = await consumer.dataSharing.requestAccess(datasetId, h("advertising"), 0x03n);
    expect(other.granted).to.equal(false);
    expect((await consumer.dataSharing.grant(other.grantId)).status).to.equal("Requested");
    const wrong = await consumer.dataSharing.retireDataset(datasetId).catch((caught: unknown) => caught);
    expect((wrong as ContractError).decoded.message).to.equal(
      `member ${ids.gov2} does not own dataset ${datasetId} (member ${ids.gov1} does)`,
    );
  });

  it("e-certificates: issue, verify with holder and document, replace, revoke", async () => {
    const { platform, as, now } = await networkHelpers.loadFixture(fixture);
    const [agency, anyone] = await Promise.all([as(platform.accounts.gov1), as(platform.accounts.supplier2)]);
    const terms = {
      holderHash: h("holder"),
      kind: 3,
      documentHash: h("licence v1"),
      validFrom: now,
      validUntil: now + 365n * DAY,
    };
    const { certificateId } = await agency.dataSharing.certificates.issue(terms);
    expect(await anyone.dataSharing.certificates.verify(certificateId)).to.deep.equal({
      certificateId,
      validity: "Valid",
      latestId: certificateId,
    });
    const presented = await anyone.dataSharing.certificates.verify(certificateId, {
      holderHash: h("holder"),
      documentHash: h("forged"),
    });
    expect(presented.matches).to.equal(false);
    const { newId } = await agency.dataSharing.certificates.replace(
      certificateId,
      { ...terms, documentHash: h("licence v2") },
      h("address changed"),
    );
    expect((await anyone.dataSharing.certificates.verify(certificateId)).validity).to.equal("Replaced");
    expect((await anyone.dataSharing.certificates.certificate(newId)).replaces).to.equal(certificateId);
    await agency.dataSharing.certificates.revoke(newId, h("withdrawn"));
    expect((await anyone.dataSharing.certificates.verify(newId)).validity).to.equal("Revoked");
    const again = await agency.dataSharing.certificates.revoke(newId).catch((caught: unknown) => caught);
    expect((again as ContractError).decoded.message).to.equal(`certificate ${newId} is Revoked, expected Active`);
  });
});
