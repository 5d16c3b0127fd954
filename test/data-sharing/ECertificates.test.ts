import { expect } from "chai";
import { ZeroHash } from "ethers";
import { network } from "hardhat";
import { passProposal } from "../helpers/consortium.js";
import { CertificateStatus, DAY, deployDataSharing, h, Validity } from "./fixture.js";

// Coverage instruments the platform's registry past the 24 KB limit of the default network: lift it only then.
const connection = await network.create(
  process.argv.includes("--coverage") ? { override: { allowUnlimitedContractSize: true } } : undefined,
);
const { ethers, networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;

const LICENCE = 11;

async function fixture() {
  const f = await deployDataSharing(connection);
  const agency = f.platform.accounts.gov1; // CERTIFICATE_ISSUER
  const now = BigInt(await time.latest());
  const terms = {
    holderHash: h("hmac:holder-id"),
    kind: LICENCE,
    documentHash: h("licence.pdf"),
    validFrom: 0n,
    validUntil: now + 365n * DAY,
  };
  await f.certificates.connect(agency).issue(terms);
  return { ...f, agency, terms };
}

describe("ECertificates", () => {
  it("issues a certificate that anyone can verify by its reference", async () => {
    const { certificates, agency, terms, platform } = await loadFixture(fixture);
    const validFrom = BigInt(await time.latest()) + 1n;
    await expect(certificates.connect(agency).issue({ ...terms, validFrom: 0n }))
      .to.emit(certificates, "CertificateIssued")
      .withArgs(
        2,
        platform.ids.gov1,
        terms.holderHash,
        LICENCE,
        terms.documentHash,
        validFrom,
        terms.validUntil,
        0,
        2,
        agency.address,
      );
    const anyone = certificates.connect(platform.outsiders[0]);
    const [validity, latest] = await anyone.verify(1);
    expect(validity).to.equal(Validity.Valid);
    expect(latest).to.equal(1);
    const c = await anyone.certificate(1);
    expect(c.status).to.equal(CertificateStatus.Active);
    expect(c.root).to.equal(1);
    expect(await certificates.certificateCount()).to.equal(2);
  });

  it("matches the presented holder and document, and nothing else", async () => {
    const { certificates, terms } = await loadFixture(fixture);
    let [validity, matches] = await certificates.verifyDocument(1, terms.holderHash, terms.documentHash);
    expect([validity, matches]).to.deep.equal([BigInt(Validity.Valid), true]);
    [, matches] = await certificates.verifyDocument(1, terms.holderHash, h("forged.pdf"));
    expect(matches).to.equal(false);
    [, matches] = await certificates.verifyDocument(1, h("hmac:someone else"), terms.documentHash);
    expect(matches).to.equal(false);
    [validity, matches] = await certificates.verifyDocument(9, terms.holderHash, terms.documentHash);
    expect([validity, matches]).to.deep.equal([BigInt(Validity.Unknown), false]);
  });

  it("rejects issuance by an agency without CERTIFICATE_ISSUER", async () => {
    const { certificates, terms, platform } = await loadFixture(fixture);
    await expect(certificates.connect(platform.accounts.agency).issue(terms))
      .to.be.revertedWithCustomError(platform.registry, "MissingRole")
      .withArgs(platform.ids.agency, 1n << 8n);
    await expect(certificates.connect(platform.outsiders[0]).issue(terms)).to.be.revertedWithCustomError(
      platform.registry,
      "UnknownAccount",
    );
  });

  it("rejects empty hashes, kind 0 and an empty or past validity", async () => {
    const { certificates, agency, terms } = await loadFixture(fixture);
    const asAgency = certificates.connect(agency);
    await expect(asAgency.issue({ ...terms, holderHash: ZeroHash }))
      .to.be.revertedWithCustomError(certificates, "InvalidValue")
      .withArgs(ethers.encodeBytes32String("holderHash"));
    await expect(asAgency.issue({ ...terms, documentHash: ZeroHash }))
      .to.be.revertedWithCustomError(certificates, "InvalidValue")
      .withArgs(ethers.encodeBytes32String("documentHash"));
    await expect(asAgency.issue({ ...terms, kind: 0 }))
      .to.be.revertedWithCustomError(certificates, "InvalidValue")
      .withArgs(ethers.encodeBytes32String("kind"));
    const now = BigInt(await time.latest());
    await expect(asAgency.issue({ ...terms, validFrom: now + 10n, validUntil: now + 10n }))
      .to.be.revertedWithCustomError(certificates, "InvalidValidity")
      .withArgs(now + 10n, now + 10n);
    await expect(
      asAgency.issue({ ...terms, validFrom: now - 100n, validUntil: now - 1n }),
    ).to.be.revertedWithCustomError(certificates, "InvalidValidity");
  });

  it("reports not-yet-valid, expired and perpetual certificates", async () => {
    const { certificates, agency, terms } = await loadFixture(fixture);
    const now = BigInt(await time.latest());
    await certificates.connect(agency).issue({ ...terms, validFrom: now + DAY, validUntil: now + 2n * DAY }); // 2
    await certificates.connect(agency).issue({ ...terms, validUntil: 0n }); // 3: no expiry
    expect((await certificates.verify(2))[0]).to.equal(Validity.NotYetValid);
    await time.increaseTo(now + DAY);
    expect((await certificates.verify(2))[0]).to.equal(Validity.Valid);
    await time.increaseTo(now + 2n * DAY);
    expect((await certificates.verify(2))[0]).to.equal(Validity.Expired);
    await time.increase(3650n * DAY);
    expect((await certificates.verify(3))[0]).to.equal(Validity.Valid);
  });

  it("replaces a certificate: old links to new, the lineage's latest moves, history stays readable", async () => {
    const { certificates, agency, terms } = await loadFixture(fixture);
    const renewed = { ...terms, documentHash: h("licence-2.pdf") };
    await expect(certificates.connect(agency).replace(1, renewed, h("renewal")))
      .to.emit(certificates, "CertificateReplaced")
      .withArgs(1, 2, 1, h("renewal"), agency.address)
      .and.to.emit(certificates, "CertificateIssued");
    await certificates.connect(agency).replace(2, { ...renewed, holderHash: h("hmac:buyer") }, h("transfer"));
    const [validity, latest] = await certificates.verify(1);
    expect(validity).to.equal(Validity.Replaced);
    expect(latest).to.equal(3);
    expect(await certificates.latestOf(2)).to.equal(3);
    expect(await certificates.latestOf(99)).to.equal(0);
    // History: follow the links back from the latest.
    const chain: bigint[] = [];
    for (let id = 3n; id !== 0n; id = (await certificates.certificate(id)).replaces) chain.push(id);
    expect(chain).to.deep.equal([3n, 2n, 1n]);
    expect((await certificates.certificate(1)).replacedBy).to.equal(2);
    expect((await certificates.certificate(3)).root).to.equal(1);
    expect((await certificates.verify(3))[0]).to.equal(Validity.Valid);
  });

  it("revokes a certificate: verification reports it revoked, and it cannot be revived or replaced", async () => {
    const { certificates, agency, terms, platform } = await loadFixture(fixture);
    await expect(certificates.connect(agency).revoke(1, h("obtained by fraud")))
      .to.emit(certificates, "CertificateRevoked")
      .withArgs(1, platform.ids.gov1, h("obtained by fraud"), agency.address);
    const [validity, ,] = await certificates.verifyDocument(1, terms.holderHash, terms.documentHash);
    expect(validity).to.equal(Validity.Revoked);
    await expect(certificates.connect(agency).revoke(1, h("again")))
      .to.be.revertedWithCustomError(certificates, "CertificateWrongStatus")
      .withArgs(1, CertificateStatus.Revoked, CertificateStatus.Active);
    await expect(certificates.connect(agency).replace(1, terms, h("r")))
      .to.be.revertedWithCustomError(certificates, "CertificateWrongStatus")
      .withArgs(1, CertificateStatus.Revoked, CertificateStatus.Active);
  });

  it("rejects replacing a replaced certificate", async () => {
    const { certificates, agency, terms } = await loadFixture(fixture);
    await certificates.connect(agency).replace(1, terms, h("r"));
    await expect(certificates.connect(agency).replace(1, terms, h("r")))
      .to.be.revertedWithCustomError(certificates, "CertificateWrongStatus")
      .withArgs(1, CertificateStatus.Replaced, CertificateStatus.Active);
  });

  it("rejects replacement or revocation by another issuing agency, or of an unknown certificate", async () => {
    const { certificates, agency, terms, platform } = await loadFixture(fixture);
    // Give gov2 the issuer role so that only "not the issuer" is in the way.
    const roles = (await platform.registry.member(platform.ids.gov2)).roles | (1n << 8n);
    await passProposal(
      platform,
      platform.registry,
      platform.registry.interface.encodeFunctionData("setRoles", [platform.ids.gov2, roles]),
    );
    const other = certificates.connect(platform.accounts.gov2);
    await expect(other.revoke(1, h("r")))
      .to.be.revertedWithCustomError(certificates, "NotIssuer")
      .withArgs(1, platform.ids.gov2, platform.ids.gov1);
    await expect(other.replace(1, terms, h("r"))).to.be.revertedWithCustomError(certificates, "NotIssuer");
    await expect(certificates.connect(agency).revoke(5, h("r")))
      .to.be.revertedWithCustomError(certificates, "UnknownCertificate")
      .withArgs(5);
    await expect(certificates.connect(platform.accounts.agency).revoke(1, h("r"))).to.be.revertedWithCustomError(
      platform.registry,
      "MissingRole",
    );
  });

  it("a suspended agency issues nothing; a paused contract changes nothing but still verifies", async () => {
    const { certificates, agency, terms, platform } = await loadFixture(fixture);
    const snapshot = await networkHelpers.takeSnapshot();
    await passProposal(
      platform,
      platform.registry,
      platform.registry.interface.encodeFunctionData("suspendMember", [platform.ids.gov1]),
    );
    await expect(certificates.connect(agency).issue(terms)).to.be.revertedWithCustomError(
      platform.registry,
      "MemberNotActive",
    );
    await snapshot.restore();
    await passProposal(platform, certificates, certificates.interface.encodeFunctionData("pause"));
    await expect(certificates.connect(agency).issue(terms)).to.be.revertedWithCustomError(
      certificates,
      "EnforcedPause",
    );
    await expect(certificates.connect(agency).replace(1, terms, h("r"))).to.be.revertedWithCustomError(
      certificates,
      "EnforcedPause",
    );
    await expect(certificates.connect(agency).revoke(1, h("r"))).to.be.revertedWithCustomError(
      certificates,
      "EnforcedPause",
    );
    expect((await certificates.verify(1))[0]).to.equal(Validity.Valid);
  });
});
