import { expect } from "chai";
import { AbiCoder, keccak256, solidityPackedKeccak256, ZeroHash } from "ethers";
import { network } from "hardhat";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { passProposal } from "../helpers/consortium.js";
import {
  ALL_FIELDS,
  Classification,
  DAY,
  deployDataSharing,
  GrantStatus,
  GrantValidity,
  h,
  HashKind,
  SensitiveOperation,
} from "./fixture.js";

// Coverage instruments the platform's registry past the 24 KB limit of the default network: lift it only then.
const connection = await network.create(
  process.argv.includes("--coverage") ? { override: { allowUnlimitedContractSize: true } } : undefined,
);
const { ethers, networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;
const abi = AbiCoder.defaultAbiCoder();
const PURPOSE = h("purpose: social-security eligibility check");

async function fixture() {
  return deployDataSharing(connection);
}

/** Dataset 1 with grant 1 (gov2, fields 0..1, 30 days, may delegate). */
async function grantedFixture() {
  const f = await deployDataSharing(connection);
  await f.data.connect(f.consumer).requestAccess(1, PURPOSE, 0b0011n);
  const expiresAt = BigInt(await time.latest()) + 30n * DAY;
  await f.data.connect(f.owner).grantAccess(1, 0b0011n, expiresAt, true);
  return { ...f, expiresAt, grantId: 1n };
}

/** grantedFixture + grant 2 delegated by gov2 to core (field 0, may delegate). */
async function delegatedFixture() {
  const f = await grantedFixture();
  const { platform } = f;
  await f.data.connect(f.consumer).delegateAccess(1, platform.ids.core, 0b0001n, f.expiresAt - DAY, true);
  return { ...f, childId: 2n };
}

describe("DataSharing: catalogue", () => {
  it("registers a dataset with its first version and emits everything an indexer needs", async () => {
    const { data, owner, platform } = await loadFixture(fixture);
    await expect(data.connect(owner).registerDataset(h("f"), HashKind.MerkleRoot, h("m"), Classification.Public, 0b1n))
      .to.emit(data, "DatasetRegistered")
      .withArgs(2, platform.ids.gov1, owner.address, Classification.Public, 0b1n)
      .and.to.emit(data, "VersionPublished")
      .withArgs(2, 1, h("f"), HashKind.MerkleRoot, h("m"), owner.address);
    const d = await data.dataset(2);
    expect(d.owner).to.equal(platform.ids.gov1);
    expect(d.latestVersion).to.equal(1);
    expect(d.status).to.equal(1);
    expect(d.accessHead).to.equal(keccak256(abi.encode(["address", "uint64"], [await data.getAddress(), 2])));
    expect(await data.datasetCount()).to.equal(2);
  });

  it("rejects registration by a member without DATA_OWNER", async () => {
    const { data, platform } = await loadFixture(fixture);
    await expect(
      data.connect(platform.accounts.bankA).registerDataset(h("f"), 0, h("m"), 0, 1n),
    ).to.be.revertedWithCustomError(platform.registry, "MissingRole");
  });

  it("rejects registration by an outsider", async () => {
    const { data, platform } = await loadFixture(fixture);
    await expect(data.connect(platform.outsiders[0]).registerDataset(h("f"), 0, h("m"), 0, 1n))
      .to.be.revertedWithCustomError(platform.registry, "UnknownAccount")
      .withArgs(platform.outsiders[0].address);
  });

  it("rejects empty hashes and an empty field mask", async () => {
    const { data, owner } = await loadFixture(fixture);
    const asOwner = data.connect(owner);
    await expect(asOwner.registerDataset(ZeroHash, 0, h("m"), 0, 1n))
      .to.be.revertedWithCustomError(data, "InvalidValue")
      .withArgs(ethers.encodeBytes32String("contentHash"));
    await expect(asOwner.registerDataset(h("f"), 0, ZeroHash, 0, 1n))
      .to.be.revertedWithCustomError(data, "InvalidValue")
      .withArgs(ethers.encodeBytes32String("metadataHash"));
    await expect(asOwner.registerDataset(h("f"), 0, h("m"), 0, 0n))
      .to.be.revertedWithCustomError(data, "InvalidValue")
      .withArgs(ethers.encodeBytes32String("fieldMask"));
  });

  it("publishes new versions and keeps every old version verifiable", async () => {
    const { data, owner } = await loadFixture(fixture);
    await expect(data.connect(owner).publishVersion(1, h("file v2"), HashKind.ContentHash, h("metadata v2")))
      .to.emit(data, "VersionPublished")
      .withArgs(1, 2, h("file v2"), HashKind.ContentHash, h("metadata v2"), owner.address);
    expect((await data.dataset(1)).latestVersion).to.equal(2);
    expect(await data.verifyFile(1, 1, h("file v1"))).to.equal(true);
    expect(await data.verifyFile(1, 2, h("file v2"))).to.equal(true);
    expect(await data.verifyFile(1, 1, h("file v2"))).to.equal(false);
    expect(await data.verifyFile(1, 3, h("file v2"))).to.equal(false);
    expect(await data.verifyFile(1, 1, ZeroHash)).to.equal(false);
    expect((await data.version(1, 1)).metadataHash).to.equal(h("metadata v1"));
  });

  it("verifies a file against a Merkle root with a proof", async () => {
    const { data, owner } = await loadFixture(fixture);
    const files = ["a.pdf", "b.pdf", "c.pdf"].map((name) => h(name));
    const leaf = (fileHash: string) => keccak256(keccak256(abi.encode(["bytes32"], [fileHash])));
    const pair = (a: string, b: string) =>
      BigInt(a) < BigInt(b)
        ? solidityPackedKeccak256(["bytes32", "bytes32"], [a, b])
        : solidityPackedKeccak256(["bytes32", "bytes32"], [b, a]);
    const [la, lb, lc] = files.map(leaf);
    const ab = pair(la, lb);
    const root = pair(ab, lc);
    await data.connect(owner).publishVersion(1, root, HashKind.MerkleRoot, h("metadata v2"));
    expect(await data.verifyFileInTree(1, 2, files[0], [lb, lc])).to.equal(true);
    expect(await data.verifyFileInTree(1, 2, files[2], [ab])).to.equal(true);
    expect(await data.verifyFileInTree(1, 2, h("forged.pdf"), [ab])).to.equal(false);
    // A Merkle version is not a single-file hash and vice versa.
    expect(await data.verifyFile(1, 2, root)).to.equal(false);
    expect(await data.verifyFileInTree(1, 1, h("file v1"), [])).to.equal(false);
  });

  it("rejects a new version, reclassification, policy or retirement by another member", async () => {
    const { data, platform } = await loadFixture(fixture);
    const asOther = data.connect(platform.accounts.gov2);
    const gov2 = platform.ids.gov2;
    const gov1 = platform.ids.gov1;
    await expect(asOther.publishVersion(1, h("x"), 0, h("y")))
      .to.be.revertedWithCustomError(data, "NotDatasetOwner")
      .withArgs(1, gov2, gov1);
    await expect(asOther.setClassification(1, Classification.Public)).to.be.revertedWithCustomError(
      data,
      "NotDatasetOwner",
    );
    await expect(asOther.retireDataset(1)).to.be.revertedWithCustomError(data, "NotDatasetOwner");
    await expect(
      asOther.setAutoGrantPolicy(
        1,
        {
          memberKinds: 2,
          mayDelegate: false,
          duration: 1,
          requiredRoles: 0,
          maxScope: 1,
        },
        [PURPOSE],
      ),
    ).to.be.revertedWithCustomError(data, "NotDatasetOwner");
  });

  it("rejects actions on an unknown dataset", async () => {
    const { data, owner, consumer } = await loadFixture(fixture);
    await expect(data.connect(owner).publishVersion(9, h("x"), 0, h("y")))
      .to.be.revertedWithCustomError(data, "UnknownDataset")
      .withArgs(9);
    await expect(data.connect(consumer).requestAccess(9, PURPOSE, 1n))
      .to.be.revertedWithCustomError(data, "UnknownDataset")
      .withArgs(9);
  });

  it("retires a dataset: nothing new, old versions still verifiable, grants no longer valid", async () => {
    const { data, owner, consumer } = await loadFixture(grantedFixture);
    await expect(data.connect(owner).retireDataset(1)).to.emit(data, "DatasetRetired").withArgs(1, owner.address);
    await expect(data.connect(owner).publishVersion(1, h("x"), 0, h("y")))
      .to.be.revertedWithCustomError(data, "DatasetWrongStatus")
      .withArgs(1, 2, 1);
    await expect(data.connect(consumer).requestAccess(1, PURPOSE, 1n)).to.be.revertedWithCustomError(
      data,
      "DatasetWrongStatus",
    );
    expect(await data.grantValidity(1)).to.equal(GrantValidity.DatasetRetired);
    await expect(data.connect(owner).recordAccess(h("a"), 1, 1, 1, consumer.address, h("r")))
      .to.be.revertedWithCustomError(data, "GrantNotValid")
      .withArgs(1, GrantValidity.DatasetRetired);
    expect(await data.verifyFile(1, 1, h("file v1"))).to.equal(true);
  });
});

describe("DataSharing: requests and grants", () => {
  it("records a request and grants it within the requested scope", async () => {
    const { data, owner, consumer, platform } = await loadFixture(fixture);
    await expect(data.connect(consumer).requestAccess(1, PURPOSE, 0b0111n))
      .to.emit(data, "AccessRequested")
      .withArgs(1, 1, platform.ids.gov2, PURPOSE, 0b0111n, consumer.address);
    let g = await data.grant(1);
    expect(g.status).to.equal(GrantStatus.Requested);
    expect(await data.grantCount()).to.equal(1);
    expect(await data.grantValidity(1)).to.equal(GrantValidity.NotActive);
    const expiresAt = BigInt(await time.latest()) + DAY;
    await expect(data.connect(owner).grantAccess(1, 0b0101n, expiresAt, false))
      .to.emit(data, "AccessGranted")
      .withArgs(1, 1, platform.ids.gov2, 0, 0, PURPOSE, 0b0101n, expiresAt, false, false, owner.address);
    g = await data.grant(1);
    expect(g.status).to.equal(GrantStatus.Active);
    expect(g.scope).to.equal(0b0101n);
    expect(await data.grantValidity(1)).to.equal(GrantValidity.Valid);
  });

  it("rejects a request by a member without DATA_CONSUMER", async () => {
    const { data, platform } = await loadFixture(fixture);
    await expect(data.connect(platform.accounts.supplier2).requestAccess(1, PURPOSE, 1n))
      .to.be.revertedWithCustomError(platform.registry, "MissingRole")
      .withArgs(platform.ids.supplier2, 1n << 7n);
  });

  it("rejects a request without purpose or with a scope outside the dataset's fields", async () => {
    const { data, consumer } = await loadFixture(fixture);
    await expect(data.connect(consumer).requestAccess(1, ZeroHash, 1n))
      .to.be.revertedWithCustomError(data, "InvalidValue")
      .withArgs(ethers.encodeBytes32String("purposeHash"));
    await expect(data.connect(consumer).requestAccess(1, PURPOSE, 0n))
      .to.be.revertedWithCustomError(data, "ScopeNotAllowed")
      .withArgs(0, ALL_FIELDS);
    await expect(data.connect(consumer).requestAccess(1, PURPOSE, 0b10000n))
      .to.be.revertedWithCustomError(data, "ScopeNotAllowed")
      .withArgs(0b10000n, ALL_FIELDS);
  });

  it("rejects a grant by a member other than the owner", async () => {
    const { data, consumer, platform } = await loadFixture(fixture);
    await data.connect(consumer).requestAccess(1, PURPOSE, 1n);
    const expiresAt = BigInt(await time.latest()) + DAY;
    await expect(data.connect(platform.accounts.core).grantAccess(1, 1n, expiresAt, false))
      .to.be.revertedWithCustomError(data, "NotDatasetOwner")
      .withArgs(1, platform.ids.core, platform.ids.gov1);
    await expect(data.connect(platform.accounts.core).refuseAccess(1, h("no"))).to.be.revertedWithCustomError(
      data,
      "NotDatasetOwner",
    );
  });

  it("rejects a grant beyond the requested scope, or with a past expiry", async () => {
    const { data, owner, consumer } = await loadFixture(fixture);
    await data.connect(consumer).requestAccess(1, PURPOSE, 0b0011n);
    const now = BigInt(await time.latest());
    await expect(data.connect(owner).grantAccess(1, 0b0111n, now + DAY, false))
      .to.be.revertedWithCustomError(data, "ScopeNotAllowed")
      .withArgs(0b0111n, 0b0011n);
    await expect(data.connect(owner).grantAccess(1, 0b0001n, now, false))
      .to.be.revertedWithCustomError(data, "ExpiryNotAllowed")
      .withArgs(now, 2n ** 64n - 1n);
  });

  it("rejects granting an unknown grant or one that is not pending", async () => {
    const { data, owner } = await loadFixture(grantedFixture);
    const expiresAt = BigInt(await time.latest()) + DAY;
    await expect(data.connect(owner).grantAccess(7, 1n, expiresAt, false))
      .to.be.revertedWithCustomError(data, "UnknownGrant")
      .withArgs(7);
    await expect(data.connect(owner).grantAccess(1, 1n, expiresAt, false))
      .to.be.revertedWithCustomError(data, "GrantWrongStatus")
      .withArgs(1, GrantStatus.Active, GrantStatus.Requested);
    await expect(data.connect(owner).refuseAccess(1, h("late")))
      .to.be.revertedWithCustomError(data, "GrantWrongStatus")
      .withArgs(1, GrantStatus.Active, GrantStatus.Requested);
  });

  it("refuses a request for good", async () => {
    const { data, owner, consumer } = await loadFixture(fixture);
    await data.connect(consumer).requestAccess(1, PURPOSE, 1n);
    await expect(data.connect(owner).refuseAccess(1, h("purpose not covered by law")))
      .to.emit(data, "AccessRefused")
      .withArgs(1, 1, h("purpose not covered by law"), owner.address);
    expect((await data.grant(1)).status).to.equal(GrantStatus.Refused);
    const expiresAt = BigInt(await time.latest()) + DAY;
    await expect(data.connect(owner).grantAccess(1, 1n, expiresAt, false)).to.be.revertedWithCustomError(
      data,
      "GrantWrongStatus",
    );
  });

  it("grants directly to an active DATA_CONSUMER member, and to no one else", async () => {
    const { data, owner, platform } = await loadFixture(fixture);
    const expiresAt = BigInt(await time.latest()) + DAY;
    await expect(data.connect(owner).grantDirect(1, platform.ids.bankA, PURPOSE, 1n, expiresAt, false))
      .to.emit(data, "AccessGranted")
      .withArgs(1, 1, platform.ids.bankA, 0, 0, PURPOSE, 1n, expiresAt, false, false, owner.address);
    await expect(data.connect(owner).grantDirect(1, platform.ids.supplier2, PURPOSE, 1n, expiresAt, false))
      .to.be.revertedWithCustomError(data, "NotEligibleGrantee")
      .withArgs(platform.ids.supplier2);
    await expect(data.connect(owner).grantDirect(1, 99, PURPOSE, 1n, expiresAt, false))
      .to.be.revertedWithCustomError(data, "NotEligibleGrantee")
      .withArgs(99);
    await expect(data.connect(owner).grantDirect(1, platform.ids.bankA, ZeroHash, 1n, expiresAt, false))
      .to.be.revertedWithCustomError(data, "InvalidValue")
      .withArgs(ethers.encodeBytes32String("purposeHash"));
  });

  it("expires a grant at its expiry", async () => {
    const { data, expiresAt } = await loadFixture(grantedFixture);
    await time.increaseTo(expiresAt - 1n);
    expect(await data.grantValidity(1)).to.equal(GrantValidity.Valid);
    await time.increaseTo(expiresAt);
    expect(await data.grantValidity(1)).to.equal(GrantValidity.Expired);
    expect(await data.grantValidity(99)).to.equal(GrantValidity.Unknown);
  });
});

describe("DataSharing: auto-grant policy", () => {
  const policy = {
    memberKinds: 1 << 4,
    mayDelegate: true,
    duration: 3600,
    requiredRoles: 1n << 6n,
    maxScope: 0b0011n,
  };
  const OTHER_PURPOSE = h("purpose: marketing");
  const purposes = [PURPOSE, h("purpose: pension audit")];

  it("grants at once to a member of a listed kind holding the required roles, within the policy's scope", async () => {
    const { data, owner, consumer, platform } = await loadFixture(fixture);
    await expect(data.connect(owner).setAutoGrantPolicy(1, policy, purposes))
      .to.emit(data, "AutoGrantPolicySet")
      .withArgs(1, policy.memberKinds, policy.requiredRoles, policy.maxScope, policy.duration, true, owner.address)
      .and.to.emit(data, "AutoGrantPurposesSet")
      .withArgs(1, purposes, owner.address);
    expect(await data.autoGrantPurposes(1)).to.deep.equal(purposes);
    const tx = data.connect(consumer).requestAccess(1, PURPOSE, 0b0001n);
    await expect(tx).to.emit(data, "AccessGranted");
    const g = await data.grant(1);
    expect(g.status).to.equal(GrantStatus.Active);
    expect(g.expiresAt).to.equal(BigInt(await time.latest()) + 3600n);
    expect(g.mayDelegate).to.equal(true);
    expect(g.grantee).to.equal(platform.ids.gov2);
    expect(g.purposeHash).to.equal(PURPOSE);
  });

  it("does not grant a request the policy covers but whose purpose it does not allow: it waits for the owner", async () => {
    const { data, owner, consumer, platform } = await loadFixture(fixture);
    await data.connect(owner).setAutoGrantPolicy(1, policy, purposes);
    await expect(data.connect(consumer).requestAccess(1, OTHER_PURPOSE, 0b0001n))
      .to.emit(data, "AccessRequested")
      .and.not.to.emit(data, "AccessGranted");
    expect((await data.grant(1)).status).to.equal(GrantStatus.Requested);
    expect((await data.grant(1)).purposeHash).to.equal(OTHER_PURPOSE);
    // The owner decides it; the other allowed purpose is granted by the policy.
    await data.connect(owner).grantAccess(1, 0b0001n, BigInt(await time.latest()) + 3600n, false);
    expect((await data.grant(1)).status).to.equal(GrantStatus.Active);
    await expect(data.connect(consumer).requestAccess(1, purposes[1], 0b0001n))
      .to.emit(data, "AccessGranted")
      .withArgs(2, 1, platform.ids.gov2, 0, 0, purposes[1], 0b0001n, anyValue, true, true, consumer.address);
  });

  it("a policy update replaces what is allowed", async () => {
    const { data, owner, consumer } = await loadFixture(fixture);
    await data.connect(owner).setAutoGrantPolicy(1, policy, purposes);
    await data.connect(owner).setAutoGrantPolicy(1, policy, [OTHER_PURPOSE]);
    expect(await data.autoGrantPurposes(1)).to.deep.equal([OTHER_PURPOSE]);
    await data.connect(consumer).requestAccess(1, PURPOSE, 0b0001n);
    expect((await data.grant(1)).status).to.equal(GrantStatus.Requested);
    await data.connect(consumer).requestAccess(1, OTHER_PURPOSE, 0b0001n);
    expect((await data.grant(2)).status).to.equal(GrantStatus.Active);
    // Growing the list again (shorter, then longer) keeps exactly the new entries.
    const three = [h("p1"), h("p2"), h("p3")];
    await data.connect(owner).setAutoGrantPolicy(1, policy, three);
    expect(await data.autoGrantPurposes(1)).to.deep.equal(three);
    await data.connect(consumer).requestAccess(1, OTHER_PURPOSE, 0b0001n);
    expect((await data.grant(3)).status).to.equal(GrantStatus.Requested);
  });

  it("leaves the request pending for another kind, missing roles, or a wider scope, whatever its purpose", async () => {
    const { data, owner, consumer, platform } = await loadFixture(fixture);
    await data.connect(owner).setAutoGrantPolicy(1, policy, purposes);
    await data.connect(platform.accounts.supplier1).requestAccess(1, OTHER_PURPOSE, 0b0001n); // enterprise
    await data.connect(consumer).requestAccess(1, PURPOSE, 0b0100n); // beyond maxScope
    await data.connect(owner).setAutoGrantPolicy(
      1,
      {
        ...policy,
        memberKinds: (1 << 4) | (1 << 1),
        requiredRoles: 1n << 8n,
      },
      purposes,
    );
    await data.connect(platform.accounts.bankA).requestAccess(1, PURPOSE, 0b0001n); // bank, lacks CERTIFICATE_ISSUER
    for (const id of [1, 2, 3]) expect((await data.grant(id)).status).to.equal(GrantStatus.Requested);
  });

  it("disables the policy with no member kinds and clears its purposes", async () => {
    const { data, owner, consumer } = await loadFixture(fixture);
    await data.connect(owner).setAutoGrantPolicy(1, policy, purposes);
    await expect(data.connect(owner).setAutoGrantPolicy(1, { ...policy, memberKinds: 0 }, []))
      .to.emit(data, "AutoGrantPurposesSet")
      .withArgs(1, [], owner.address);
    await data.connect(consumer).requestAccess(1, OTHER_PURPOSE, 0b0001n);
    expect((await data.grant(1)).status).to.equal(GrantStatus.Requested);
    expect((await data.autoGrantPolicy(1)).memberKinds).to.equal(0);
    expect(await data.autoGrantPurposes(1)).to.deep.equal([]);
  });

  it("rejects an invalid policy", async () => {
    const { data, owner } = await loadFixture(fixture);
    const asOwner = data.connect(owner);
    await expect(asOwner.setAutoGrantPolicy(1, { ...policy, memberKinds: 1 }, purposes))
      .to.be.revertedWithCustomError(data, "InvalidValue")
      .withArgs(ethers.encodeBytes32String("memberKinds"));
    await expect(
      asOwner.setAutoGrantPolicy(1, { ...policy, memberKinds: 0x80 }, purposes),
    ).to.be.revertedWithCustomError(data, "InvalidValue");
    await expect(asOwner.setAutoGrantPolicy(1, { ...policy, duration: 0 }, purposes))
      .to.be.revertedWithCustomError(data, "InvalidValue")
      .withArgs(ethers.encodeBytes32String("duration"));
    await expect(asOwner.setAutoGrantPolicy(1, { ...policy, maxScope: 0b10000n }, purposes))
      .to.be.revertedWithCustomError(data, "ScopeNotAllowed")
      .withArgs(0b10000n, ALL_FIELDS);
    const badPurposes = ethers.encodeBytes32String("allowedPurposes");
    for (const list of [[], [ZeroHash], [PURPOSE, PURPOSE]]) {
      await expect(asOwner.setAutoGrantPolicy(1, policy, list))
        .to.be.revertedWithCustomError(data, "InvalidValue")
        .withArgs(badPurposes);
    }
    await expect(asOwner.setAutoGrantPolicy(1, { ...policy, memberKinds: 0 }, purposes))
      .to.be.revertedWithCustomError(data, "InvalidValue")
      .withArgs(badPurposes);
    const nine = Array.from({ length: 9 }, (_, i) => h(`purpose ${i}`));
    await expect(asOwner.setAutoGrantPolicy(1, policy, nine))
      .to.be.revertedWithCustomError(data, "TooManyPolicyPurposes")
      .withArgs(9, 8);
    await asOwner.setAutoGrantPolicy(1, policy, nine.slice(0, 8));
    expect(await data.autoGrantPurposes(1)).to.have.length(8);
  });

  it("rejects a policy set by another data owner or by a member without DATA_OWNER", async () => {
    const { data, platform } = await loadFixture(fixture);
    await expect(data.connect(platform.accounts.gov2).setAutoGrantPolicy(1, policy, purposes))
      .to.be.revertedWithCustomError(data, "NotDatasetOwner")
      .withArgs(1, platform.ids.gov2, platform.ids.gov1);
    await expect(data.connect(platform.accounts.supplier1).setAutoGrantPolicy(1, policy, purposes))
      .to.be.revertedWithCustomError(platform.registry, "MissingRole")
      .withArgs(platform.ids.supplier1, anyValue);
    expect(await data.autoGrantPurposes(1)).to.deep.equal([]);
  });

  it("a suspended owner cannot set a policy, and its policy grants nothing while it is suspended", async () => {
    const { data, owner, consumer, platform } = await loadFixture(fixture);
    await data.connect(owner).setAutoGrantPolicy(1, policy, purposes);
    await passProposal(
      platform,
      platform.registry,
      platform.registry.interface.encodeFunctionData("suspendMember", [platform.ids.gov1]),
    );
    await expect(data.connect(owner).setAutoGrantPolicy(1, policy, [OTHER_PURPOSE]))
      .to.be.revertedWithCustomError(platform.registry, "MemberNotActive")
      .withArgs(platform.ids.gov1, 2);
    await expect(data.connect(consumer).requestAccess(1, PURPOSE, 0b0001n)).not.to.emit(data, "AccessGranted");
    expect((await data.grant(1)).status).to.equal(GrantStatus.Requested);
    expect(await data.autoGrantPurposes(1)).to.deep.equal(purposes);
  });
});

describe("DataSharing: delegation", () => {
  it("creates a child grant with the parent's purpose, within its scope and expiry, one level deeper", async () => {
    const { data, consumer, platform, expiresAt } = await loadFixture(grantedFixture);
    await expect(data.connect(consumer).delegateAccess(1, platform.ids.core, 0b0001n, expiresAt, false))
      .to.emit(data, "AccessGranted")
      .withArgs(2, 1, platform.ids.core, 1, 1, PURPOSE, 0b0001n, expiresAt, false, false, consumer.address);
    const child = await data.grant(2);
    expect(child.parentId).to.equal(1);
    expect(child.depth).to.equal(1);
    expect(child.purposeHash).to.equal(PURPOSE);
    expect(await data.grantValidity(2)).to.equal(GrantValidity.Valid);
  });

  it("rejects delegation beyond the parent's scope", async () => {
    const { data, consumer, platform, expiresAt } = await loadFixture(grantedFixture);
    await expect(data.connect(consumer).delegateAccess(1, platform.ids.core, 0b0100n, expiresAt, false))
      .to.be.revertedWithCustomError(data, "ScopeNotAllowed")
      .withArgs(0b0100n, 0b0011n);
  });

  it("rejects delegation that would outlive the parent", async () => {
    const { data, consumer, platform, expiresAt } = await loadFixture(grantedFixture);
    await expect(data.connect(consumer).delegateAccess(1, platform.ids.core, 0b0001n, expiresAt + 1n, false))
      .to.be.revertedWithCustomError(data, "ExpiryNotAllowed")
      .withArgs(expiresAt + 1n, expiresAt);
  });

  it("rejects delegation by anyone but the parent's grantee", async () => {
    const { data, owner, platform, expiresAt } = await loadFixture(grantedFixture);
    await expect(data.connect(platform.accounts.core).delegateAccess(1, platform.ids.bankA, 1n, expiresAt, false))
      .to.be.revertedWithCustomError(data, "NotGrantee")
      .withArgs(1, platform.ids.core, platform.ids.gov2);
    await expect(data.connect(owner).delegateAccess(1, platform.ids.bankA, 1n, expiresAt, false))
      .to.be.revertedWithCustomError(data, "NotGrantee")
      .withArgs(1, platform.ids.gov1, platform.ids.gov2);
  });

  it("rejects delegation of a grant that does not allow it", async () => {
    const { data, platform, expiresAt } = await loadFixture(delegatedFixture);
    await data.connect(platform.accounts.core).delegateAccess(2, platform.ids.supplier1, 1n, expiresAt - DAY, false);
    await expect(
      data.connect(platform.accounts.supplier1).delegateAccess(3, platform.ids.bankA, 1n, expiresAt - DAY, false),
    )
      .to.be.revertedWithCustomError(data, "DelegationNotAllowed")
      .withArgs(3);
  });

  it("rejects delegation deeper than MAX_DELEGATION_DEPTH", async () => {
    const { data, platform, expiresAt } = await loadFixture(delegatedFixture);
    expect(await data.MAX_DELEGATION_DEPTH()).to.equal(3);
    const until = expiresAt - DAY;
    await data.connect(platform.accounts.core).delegateAccess(2, platform.ids.supplier1, 1n, until, true); // depth 2
    await data.connect(platform.accounts.supplier1).delegateAccess(3, platform.ids.bankA, 1n, until, true); // depth 3
    expect((await data.grant(4)).depth).to.equal(3);
    await expect(data.connect(platform.accounts.bankA).delegateAccess(4, platform.ids.gov2, 1n, until, true))
      .to.be.revertedWithCustomError(data, "DelegationTooDeep")
      .withArgs(4, 3);
  });

  it("rejects delegation to itself or to a member that cannot consume data", async () => {
    const { data, consumer, platform, expiresAt } = await loadFixture(grantedFixture);
    await expect(data.connect(consumer).delegateAccess(1, platform.ids.gov2, 1n, expiresAt, false))
      .to.be.revertedWithCustomError(data, "InvalidValue")
      .withArgs(ethers.encodeBytes32String("grantee"));
    await expect(data.connect(consumer).delegateAccess(1, platform.ids.supplier2, 1n, expiresAt, false))
      .to.be.revertedWithCustomError(data, "NotEligibleGrantee")
      .withArgs(platform.ids.supplier2);
  });

  it("rejects delegation of a revoked, expired or unknown parent", async () => {
    const { data, owner, consumer, platform, expiresAt } = await loadFixture(grantedFixture);
    await expect(data.connect(consumer).delegateAccess(5, platform.ids.core, 1n, expiresAt, false))
      .to.be.revertedWithCustomError(data, "UnknownGrant")
      .withArgs(5);
    const snapshot = await networkHelpers.takeSnapshot();
    await time.increaseTo(expiresAt);
    await expect(data.connect(consumer).delegateAccess(1, platform.ids.core, 1n, expiresAt, false))
      .to.be.revertedWithCustomError(data, "GrantNotValid")
      .withArgs(1, GrantValidity.Expired);
    await snapshot.restore();
    await data.connect(owner).revokeAccess(1, h("r"));
    await expect(data.connect(consumer).delegateAccess(1, platform.ids.core, 1n, expiresAt, false))
      .to.be.revertedWithCustomError(data, "GrantNotValid")
      .withArgs(1, GrantValidity.Revoked);
  });

  it("invalidates the whole subtree when a parent is revoked, without touching the children", async () => {
    const { data, owner, platform, expiresAt } = await loadFixture(delegatedFixture);
    await data.connect(platform.accounts.core).delegateAccess(2, platform.ids.supplier1, 1n, expiresAt - DAY, false);
    await data.connect(owner).revokeAccess(1, h("revoked at source"));
    expect((await data.grant(2)).status).to.equal(GrantStatus.Active); // untouched...
    expect(await data.grantValidity(2)).to.equal(GrantValidity.AncestorRevoked); // ...but dead
    expect(await data.grantValidity(3)).to.equal(GrantValidity.AncestorRevoked);
    await expect(data.connect(owner).recordAccess(h("a"), 3, 1, 1, platform.accounts.supplier1.address, h("r")))
      .to.be.revertedWithCustomError(data, "GrantNotValid")
      .withArgs(3, GrantValidity.AncestorRevoked);
    await expect(data.connect(platform.accounts.core).delegateAccess(2, platform.ids.bankA, 1n, expiresAt - DAY, false))
      .to.be.revertedWithCustomError(data, "GrantNotValid")
      .withArgs(2, GrantValidity.AncestorRevoked);
  });

  it("a child expires no later than its parent (capped at delegation)", async () => {
    const { data, expiresAt } = await loadFixture(delegatedFixture);
    expect((await data.grant(2)).expiresAt).to.be.lessThanOrEqual((await data.grant(1)).expiresAt);
    await time.increaseTo(expiresAt - DAY);
    expect(await data.grantValidity(2)).to.equal(GrantValidity.Expired);
    expect(await data.grantValidity(1)).to.equal(GrantValidity.Valid);
    await time.increaseTo(expiresAt);
    expect(await data.grantValidity(1)).to.equal(GrantValidity.Expired);
  });
});

describe("DataSharing: revocation", () => {
  it("lets the owner, the delegator and the grantee revoke, and no one else", async () => {
    const { data, owner, consumer, platform } = await loadFixture(delegatedFixture);
    await expect(data.connect(platform.accounts.bankA).revokeAccess(2, h("r")))
      .to.be.revertedWithCustomError(data, "NotRevoker")
      .withArgs(2, platform.ids.bankA);
    await expect(data.connect(platform.accounts.core).revokeAccess(1, h("r")))
      .to.be.revertedWithCustomError(data, "NotRevoker")
      .withArgs(1, platform.ids.core);
    const snapshot = await networkHelpers.takeSnapshot();
    await expect(data.connect(consumer).revokeAccess(2, h("delegator")))
      .to.emit(data, "AccessRevoked")
      .withArgs(2, 1, platform.ids.gov2, h("delegator"), consumer.address);
    await snapshot.restore();
    await expect(data.connect(platform.accounts.core).revokeAccess(2, h("renounce")))
      .to.emit(data, "AccessRevoked")
      .withArgs(2, 1, platform.ids.core, h("renounce"), platform.accounts.core.address);
    await snapshot.restore();
    await expect(data.connect(owner).revokeAccess(2, h("owner")))
      .to.emit(data, "AccessRevoked")
      .withArgs(2, 1, platform.ids.gov1, h("owner"), owner.address);
    const g = await data.grant(2);
    expect(g.status).to.equal(GrantStatus.Revoked);
    expect(g.revokedAt).to.equal(await time.latest());
  });

  it("rejects revoking a grant twice, a pending request or an unknown grant", async () => {
    const { data, owner, consumer } = await loadFixture(grantedFixture);
    await data.connect(owner).revokeAccess(1, h("r"));
    await expect(data.connect(owner).revokeAccess(1, h("r")))
      .to.be.revertedWithCustomError(data, "GrantWrongStatus")
      .withArgs(1, GrantStatus.Revoked, GrantStatus.Active);
    await data.connect(consumer).requestAccess(1, PURPOSE, 1n);
    await expect(data.connect(owner).revokeAccess(2, h("r")))
      .to.be.revertedWithCustomError(data, "GrantWrongStatus")
      .withArgs(2, GrantStatus.Requested, GrantStatus.Active);
    await expect(data.connect(owner).revokeAccess(3, h("r")))
      .to.be.revertedWithCustomError(data, "UnknownGrant")
      .withArgs(3);
  });
});

describe("DataSharing: access records", () => {
  it("records an access under a valid grant and extends the access log's hash chain", async () => {
    const { data, owner, consumer, platform } = await loadFixture(grantedFixture);
    const before = (await data.dataset(1)).accessHead;
    const tx = data.connect(owner).recordAccess(h("access-1"), 1, 1, 1, consumer.address, h("served bytes"));
    await expect(tx)
      .to.emit(data, "AccessRecorded")
      .withArgs(h("access-1"), 1, h("served bytes"), 1, 1, 1, platform.ids.gov2, consumer.address, PURPOSE);
    const d = await data.dataset(1);
    expect(d.accessCount).to.equal(1);
    const expected = keccak256(
      abi.encode(
        ["bytes32", "uint64", "bytes32", "uint64", "uint32", "uint32", "bytes32", "bytes32", "uint256"],
        [before, 1, h("access-1"), 1, 1, platform.ids.gov2, PURPOSE, h("served bytes"), await time.latest()],
      ),
    );
    expect(d.accessHead).to.equal(expected);
  });

  it("records an access under a delegated grant for the delegate", async () => {
    const { data, owner, platform } = await loadFixture(delegatedFixture);
    await expect(data.connect(owner).recordAccess(h("a"), 2, 1, 1, platform.accounts.core.address, h("r"))).to.emit(
      data,
      "AccessRecorded",
    );
  });

  it("refuses an access without a grant (a request that was never granted, or no grant at all)", async () => {
    const { data, owner, consumer } = await loadFixture(fixture);
    await expect(data.connect(owner).recordAccess(h("a"), 1, 1, 1, consumer.address, h("r")))
      .to.be.revertedWithCustomError(data, "UnknownGrant")
      .withArgs(1);
    await data.connect(consumer).requestAccess(1, PURPOSE, 1n);
    await expect(data.connect(owner).recordAccess(h("a"), 1, 1, 1, consumer.address, h("r")))
      .to.be.revertedWithCustomError(data, "GrantNotValid")
      .withArgs(1, GrantValidity.NotActive);
  });

  it("refuses an access under an expired grant", async () => {
    const { data, owner, consumer, expiresAt } = await loadFixture(grantedFixture);
    await time.increaseTo(expiresAt);
    await expect(data.connect(owner).recordAccess(h("a"), 1, 1, 1, consumer.address, h("r")))
      .to.be.revertedWithCustomError(data, "GrantNotValid")
      .withArgs(1, GrantValidity.Expired);
  });

  it("refuses an access under a revoked grant", async () => {
    const { data, owner, consumer } = await loadFixture(grantedFixture);
    await data.connect(owner).revokeAccess(1, h("r"));
    await expect(data.connect(owner).recordAccess(h("a"), 1, 1, 1, consumer.address, h("r")))
      .to.be.revertedWithCustomError(data, "GrantNotValid")
      .withArgs(1, GrantValidity.Revoked);
  });

  it("refuses an access to another dataset than the grant's", async () => {
    const { data, owner, consumer } = await loadFixture(grantedFixture);
    await data.connect(owner).registerDataset(h("f"), 0, h("m"), 0, 1n);
    await expect(data.connect(owner).recordAccess(h("a"), 1, 2, 1, consumer.address, h("r")))
      .to.be.revertedWithCustomError(data, "GrantForOtherDataset")
      .withArgs(1, 1, 2);
  });

  it("refuses an access for a consumer account that is not the grantee's", async () => {
    const { data, owner, platform } = await loadFixture(grantedFixture);
    await expect(data.connect(owner).recordAccess(h("a"), 1, 1, 1, platform.accounts.core.address, h("r")))
      .to.be.revertedWithCustomError(data, "NotGrantee")
      .withArgs(1, platform.ids.core, platform.ids.gov2);
    await expect(data.connect(owner).recordAccess(h("a"), 1, 1, 1, platform.outsiders[0].address, h("r")))
      .to.be.revertedWithCustomError(platform.registry, "UnknownAccount")
      .withArgs(platform.outsiders[0].address);
  });

  it("refuses a record by anyone but the dataset's owner", async () => {
    const { data, consumer, platform } = await loadFixture(grantedFixture);
    await expect(data.connect(platform.accounts.core).recordAccess(h("a"), 1, 1, 1, consumer.address, h("r")))
      .to.be.revertedWithCustomError(data, "NotDatasetOwner")
      .withArgs(1, platform.ids.core, platform.ids.gov1);
    // The consumer cannot record its own accesses either (it lacks nothing but ownership).
    await expect(data.connect(consumer).recordAccess(h("a"), 1, 1, 1, consumer.address, h("r")))
      .to.be.revertedWithCustomError(data, "NotDatasetOwner")
      .withArgs(1, platform.ids.gov2, platform.ids.gov1);
  });

  it("refuses an unknown version, an empty access id or an empty result hash", async () => {
    const { data, owner, consumer } = await loadFixture(grantedFixture);
    const asOwner = data.connect(owner);
    await expect(asOwner.recordAccess(h("a"), 1, 1, 2, consumer.address, h("r")))
      .to.be.revertedWithCustomError(data, "UnknownVersion")
      .withArgs(1, 2, 1);
    await expect(asOwner.recordAccess(h("a"), 1, 1, 0, consumer.address, h("r")))
      .to.be.revertedWithCustomError(data, "UnknownVersion")
      .withArgs(1, 0, 1);
    await expect(asOwner.recordAccess(ZeroHash, 1, 1, 1, consumer.address, h("r")))
      .to.be.revertedWithCustomError(data, "InvalidValue")
      .withArgs(ethers.encodeBytes32String("accessId"));
    await expect(asOwner.recordAccess(h("a"), 1, 1, 1, consumer.address, ZeroHash))
      .to.be.revertedWithCustomError(data, "InvalidValue")
      .withArgs(ethers.encodeBytes32String("resultHash"));
  });

  it("traces a leaked file back to its access, grant, request and owner from logs alone", async () => {
    const { data, owner, platform } = await loadFixture(delegatedFixture);
    const leaked = h("leaked spreadsheet bytes");
    await data.connect(owner).recordAccess(h("other"), 1, 1, 1, platform.accounts.gov2.address, h("other bytes"));
    await data.connect(owner).recordAccess(h("req-77"), 2, 1, 1, platform.accounts.core.address, leaked);
    // The auditor filters AccessRecorded by the leaked file's hash (an indexed topic).
    const [event] = await data.queryFilter(data.filters.AccessRecorded(undefined, undefined, leaked));
    expect(event.args.accessId).to.equal(h("req-77"));
    expect(event.args.consumer).to.equal(platform.ids.core);
    // ...then walks the grant up to the owner's decision.
    const grant = await data.grant(event.args.grantId);
    expect(grant.parentId).to.equal(1);
    const [granted] = await data.queryFilter(data.filters.AccessGranted(grant.parentId));
    expect(granted.args.account).to.equal(owner.address);
    const [requested] = await data.queryFilter(data.filters.AccessRequested(grant.parentId));
    expect(requested.args.consumer).to.equal(platform.ids.gov2);
  });
});

describe("DataSharing: sensitive-operation log", () => {
  it("chains every change to a confidential dataset, including a downgrade out of the high levels", async () => {
    const { data, owner, consumer, platform } = await loadFixture(fixture);
    await data.connect(owner).registerDataset(h("s"), 0, h("sm"), Classification.Secret, ALL_FIELDS); // 2
    const asOwner = data.connect(owner);
    const expiresAt = BigInt(await time.latest()) + DAY;
    await asOwner.publishVersion(2, h("s2"), 0, h("sm2"));
    await data.connect(consumer).requestAccess(2, PURPOSE, 1n); // 1
    await asOwner.grantAccess(1, 1n, expiresAt, true);
    await data.connect(consumer).requestAccess(2, PURPOSE, 1n); // 2
    await asOwner.refuseAccess(2, h("no"));
    await data.connect(consumer).delegateAccess(1, platform.ids.core, 1n, expiresAt, false); // 3
    await asOwner.revokeAccess(3, h("r"));
    await asOwner.grantDirect(2, platform.ids.bankA, PURPOSE, 1n, expiresAt, false); // 4
    await asOwner.setAutoGrantPolicy(
      2,
      {
        memberKinds: 1 << 4,
        mayDelegate: false,
        duration: 60,
        requiredRoles: 0,
        maxScope: 1,
      },
      [PURPOSE],
    );
    await data.connect(consumer).requestAccess(2, PURPOSE, 1n); // 5, by policy
    await asOwner.setClassification(2, Classification.Public);
    await asOwner.setClassification(2, Classification.Internal); // not logged: neither level is high
    await asOwner.retireDataset(2); // not logged: now internal

    const events = await data.queryFilter(data.filters.SensitiveOperationRecorded(2));
    expect(events.map((e) => Number(e.args.operation))).to.deep.equal([
      SensitiveOperation.Register,
      SensitiveOperation.PublishVersion,
      SensitiveOperation.Grant,
      SensitiveOperation.Refuse,
      SensitiveOperation.Delegate,
      SensitiveOperation.Revoke,
      SensitiveOperation.Grant,
      SensitiveOperation.SetPolicy,
      SensitiveOperation.Grant,
      SensitiveOperation.Reclassify,
    ]);
    // An auditor replays the chain from the events and must reach the head stored on chain.
    let head = ZeroHash;
    for (const e of events) {
      const block = await e.getBlock();
      head = keccak256(
        abi.encode(
          ["bytes32", "uint64", "uint32", "uint8", "uint32", "address", "uint64", "bytes32", "uint256"],
          [
            head,
            2,
            e.args.seq,
            e.args.operation,
            e.args.member,
            e.args.account,
            e.args.subjectId,
            e.args.detailHash,
            block.timestamp,
          ],
        ),
      );
      expect(e.args.head).to.equal(head);
    }
    const d = await data.dataset(2);
    expect(d.sensitiveHead).to.equal(head);
    expect(d.sensitiveCount).to.equal(events.length);
    // Dataset 1 is internal: nothing logged.
    expect((await data.dataset(1)).sensitiveCount).to.equal(0);
  });

  it("logs a retirement and an upgrade into the high levels", async () => {
    const { data, owner } = await loadFixture(fixture);
    await data.connect(owner).setClassification(1, Classification.Confidential);
    await data.connect(owner).retireDataset(1);
    const events = await data.queryFilter(data.filters.SensitiveOperationRecorded(1));
    expect(events.map((e) => Number(e.args.operation))).to.deep.equal([
      SensitiveOperation.Reclassify,
      SensitiveOperation.Retire,
    ]);
  });
});

describe("DataSharing: suspended members and pause", () => {
  it("a suspended consumer can neither request nor be served", async () => {
    const f = await loadFixture(grantedFixture);
    const { data, platform, owner, consumer } = f;
    await passProposal(
      platform,
      platform.registry,
      platform.registry.interface.encodeFunctionData("suspendMember", [platform.ids.gov2]),
    );
    await expect(data.connect(consumer).requestAccess(1, PURPOSE, 1n))
      .to.be.revertedWithCustomError(platform.registry, "MemberNotActive")
      .withArgs(platform.ids.gov2, 2);
    await expect(data.connect(owner).recordAccess(h("a"), 1, 1, 1, consumer.address, h("r")))
      .to.be.revertedWithCustomError(platform.registry, "MemberNotActive")
      .withArgs(platform.ids.gov2, 2);
  });

  it("a suspended owner can change nothing and serve nothing", async () => {
    const { data, platform, owner, consumer } = await loadFixture(grantedFixture);
    await passProposal(
      platform,
      platform.registry,
      platform.registry.interface.encodeFunctionData("suspendMember", [platform.ids.gov1]),
    );
    await expect(data.connect(owner).publishVersion(1, h("x"), 0, h("y"))).to.be.revertedWithCustomError(
      platform.registry,
      "MemberNotActive",
    );
    await expect(
      data.connect(owner).recordAccess(h("a"), 1, 1, 1, consumer.address, h("r")),
    ).to.be.revertedWithCustomError(platform.registry, "MemberNotActive");
  });

  it("governance pauses every state change and resumes", async () => {
    const { data, platform, owner, consumer, expiresAt } = await loadFixture(grantedFixture);
    await expect(data.connect(owner).pause()).to.be.revertedWithCustomError(data, "OnlyGovernance");
    await passProposal(platform, data, data.interface.encodeFunctionData("pause"));
    const paused = [
      data.connect(owner).registerDataset(h("f"), 0, h("m"), 0, 1n),
      data.connect(owner).publishVersion(1, h("f"), 0, h("m")),
      data.connect(owner).setClassification(1, 0),
      data.connect(owner).retireDataset(1),
      data.connect(owner).setAutoGrantPolicy(
        1,
        {
          memberKinds: 0,
          mayDelegate: false,
          duration: 0,
          requiredRoles: 0,
          maxScope: 0,
        },
        [],
      ),
      data.connect(consumer).requestAccess(1, PURPOSE, 1n),
      data.connect(owner).grantAccess(1, 1n, expiresAt, false),
      data.connect(owner).refuseAccess(1, h("r")),
      data.connect(owner).grantDirect(1, platform.ids.core, PURPOSE, 1n, expiresAt, false),
      data.connect(consumer).delegateAccess(1, platform.ids.core, 1n, expiresAt, false),
      data.connect(owner).revokeAccess(1, h("r")),
      data.connect(owner).recordAccess(h("a"), 1, 1, 1, consumer.address, h("r")),
    ];
    for (const tx of paused) await expect(tx).to.be.revertedWithCustomError(data, "EnforcedPause");
    await passProposal(platform, data, data.interface.encodeFunctionData("unpause"), "unpause");
    await expect(data.connect(owner).recordAccess(h("a"), 1, 1, 1, consumer.address, h("r"))).to.emit(
      data,
      "AccessRecorded",
    );
  });

  it("refuses a zero registry at deployment", async () => {
    await expect(ethers.deployContract("DataSharing", [ethers.ZeroAddress])).to.be.revertedWithCustomError(
      await ethers.getContractFactory("DataSharing"),
      "InvalidValue",
    );
  });
});
