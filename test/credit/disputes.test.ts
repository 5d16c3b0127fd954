import { expect } from "chai";
import { network } from "hardhat";
import { passProposal } from "../helpers/consortium.js";
import { deployCredit, EntryStatus, hash, Resolution, SUBJECT } from "./fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

async function fixture() {
  return deployCredit(connection);
}

/** The fixture's entry, disputed by bankB. */
async function disputedFixture() {
  const f = await deployCredit(connection);
  await f.blacklist.connect(f.platform.accounts.bankB).dispute(SUBJECT, 1, hash("customer complaint"));
  return f;
}

describe("CreditBlacklist: dispute", () => {
  it("lets any active member dispute the current version, without the credit roles", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
    await expect(blacklist.connect(platform.accounts.core).dispute(SUBJECT, 1, hash("counter-evidence")))
      .to.emit(blacklist, "EntryDisputed")
      .withArgs(SUBJECT, 1, platform.ids.core, platform.accounts.core.address, 1, hash("counter-evidence"));
    expect((await blacklist.entry(SUBJECT, 1)).status).to.equal(EntryStatus.Disputed);
  });

  it("rejects a dispute without a reason hash", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
    await expect(blacklist.connect(platform.accounts.bankB).dispute(SUBJECT, 1, ethers.ZeroHash))
      .to.be.revertedWithCustomError(blacklist, "InvalidValue")
      .withArgs(ethers.encodeBytes32String("reasonHash"));
  });

  it("rejects a dispute by the reporter of the entry", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
    await expect(blacklist.connect(platform.accounts.bankA).dispute(SUBJECT, 1, hash("x")))
      .to.be.revertedWithCustomError(blacklist, "OwnEntry")
      .withArgs(SUBJECT, 1, platform.ids.bankA);
  });

  it("rejects a second dispute while one is open", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(disputedFixture);
    await expect(blacklist.connect(platform.accounts.bankC).dispute(SUBJECT, 1, hash("me too")))
      .to.be.revertedWithCustomError(blacklist, "EntryWrongStatus")
      .withArgs(SUBJECT, 1, EntryStatus.Disputed, EntryStatus.Active);
  });

  it("rejects a dispute of an expired entry", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
    const { expiresAt } = await blacklist.entry(SUBJECT, 1);
    await networkHelpers.time.increaseTo(expiresAt);
    await expect(blacklist.connect(platform.accounts.bankB).dispute(SUBJECT, 1, hash("x")))
      .to.be.revertedWithCustomError(blacklist, "EntryExpired")
      .withArgs(SUBJECT, 1, expiresAt);
  });

  it("rejects a dispute of an unknown entry", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
    await expect(blacklist.connect(platform.accounts.bankB).dispute(SUBJECT, 9, hash("x")))
      .to.be.revertedWithCustomError(blacklist, "UnknownEntry")
      .withArgs(SUBJECT, 9);
  });

  it("rejects a dispute by an outsider", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
    await expect(blacklist.connect(platform.outsiders[0]).dispute(SUBJECT, 1, hash("x")))
      .to.be.revertedWithCustomError(platform.registry, "UnknownAccount")
      .withArgs(platform.outsiders[0].address);
  });

  it("rejects a dispute by a suspended member", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
    const { registry, ids, accounts } = platform;
    await passProposal(platform, registry, registry.interface.encodeFunctionData("suspendMember", [ids.supplier1]));
    await expect(blacklist.connect(accounts.supplier1).dispute(SUBJECT, 1, hash("x")))
      .to.be.revertedWithCustomError(registry, "MemberNotActive")
      .withArgs(ids.supplier1, 2);
  });

  it("rejects a dispute while the app is paused", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
    await passProposal(platform, blacklist, blacklist.interface.encodeFunctionData("pause"));
    await expect(
      blacklist.connect(platform.accounts.bankB).dispute(SUBJECT, 1, hash("x")),
    ).to.be.revertedWithCustomError(blacklist, "EnforcedPause");
  });
});

describe("CreditBlacklist: resolve a dispute", () => {
  it("lets the reporter uphold: the entry is Active again, same version, and may be disputed again", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(disputedFixture);
    await expect(
      blacklist.connect(platform.accounts.bankA).resolveDispute(SUBJECT, 1, Resolution.Upheld, hash("checked")),
    )
      .to.emit(blacklist, "DisputeResolved")
      .withArgs(SUBJECT, 1, platform.ids.bankA, platform.accounts.bankA.address, 1, Resolution.Upheld, hash("checked"));
    const e = await blacklist.entry(SUBJECT, 1);
    expect(e.status).to.equal(EntryStatus.Active);
    expect(e.version).to.equal(1);
    await expect(blacklist.connect(platform.accounts.bankC).dispute(SUBJECT, 1, hash("escalate"))).to.emit(
      blacklist,
      "EntryDisputed",
    );
  });

  it("lets the reporter withdraw its entry: Withdrawn is final", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(disputedFixture);
    const asA = blacklist.connect(platform.accounts.bankA);
    await expect(asA.resolveDispute(SUBJECT, 1, Resolution.Withdrawn, ethers.ZeroHash))
      .to.emit(blacklist, "DisputeResolved")
      .withArgs(
        SUBJECT,
        1,
        platform.ids.bankA,
        platform.accounts.bankA.address,
        1,
        Resolution.Withdrawn,
        ethers.ZeroHash,
      );
    expect((await blacklist.entry(SUBJECT, 1)).status).to.equal(EntryStatus.Withdrawn);
    await expect(asA.update(SUBJECT, 1, content())).to.be.revertedWithCustomError(blacklist, "EntryWrongStatus");
    await expect(asA.revoke(SUBJECT, 1, hash("x")))
      .to.be.revertedWithCustomError(blacklist, "EntryWrongStatus")
      .withArgs(SUBJECT, 1, EntryStatus.Withdrawn, EntryStatus.Active);
    await expect(
      blacklist.connect(platform.accounts.bankB).dispute(SUBJECT, 1, hash("x")),
    ).to.be.revertedWithCustomError(blacklist, "EntryWrongStatus");
  });

  it("lets a member with the auditor role (the regulator) resolve", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(disputedFixture);
    await expect(
      blacklist.connect(platform.accounts.regulator).resolveDispute(SUBJECT, 1, Resolution.Withdrawn, hash("ruling")),
    )
      .to.emit(blacklist, "DisputeResolved")
      .withArgs(
        SUBJECT,
        1,
        platform.ids.regulator,
        platform.accounts.regulator.address,
        1,
        Resolution.Withdrawn,
        hash("ruling"),
      );
  });

  it("lets governance (a passed proposal) resolve, as member 0 with the registry as account", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(disputedFixture);
    const call = blacklist.interface.encodeFunctionData("resolveDispute", [
      SUBJECT,
      1,
      Resolution.Withdrawn,
      hash("vote"),
    ]);
    await expect(passProposal(platform, blacklist, call))
      .to.emit(blacklist, "DisputeResolved")
      .withArgs(SUBJECT, 1, 0, await platform.registry.getAddress(), 1, Resolution.Withdrawn, hash("vote"));
    expect((await blacklist.entry(SUBJECT, 1)).status).to.equal(EntryStatus.Withdrawn);
  });

  it("rejects a resolution by a bystander member", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(disputedFixture);
    await expect(
      blacklist.connect(platform.accounts.bankC).resolveDispute(SUBJECT, 1, Resolution.Withdrawn, ethers.ZeroHash),
    )
      .to.be.revertedWithCustomError(blacklist, "NotResolver")
      .withArgs(SUBJECT, 1, platform.accounts.bankC.address);
  });

  it("rejects a resolution by the disputing member itself", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(disputedFixture);
    await expect(
      blacklist.connect(platform.accounts.bankB).resolveDispute(SUBJECT, 1, Resolution.Withdrawn, ethers.ZeroHash),
    )
      .to.be.revertedWithCustomError(blacklist, "NotResolver")
      .withArgs(SUBJECT, 1, platform.accounts.bankB.address);
  });

  it("rejects a resolution by an outsider", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(disputedFixture);
    await expect(
      blacklist.connect(platform.outsiders[0]).resolveDispute(SUBJECT, 1, Resolution.Withdrawn, ethers.ZeroHash),
    ).to.be.revertedWithCustomError(platform.registry, "UnknownAccount");
  });

  it("rejects a resolution by a suspended reporter", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(disputedFixture);
    const { registry, ids, accounts } = platform;
    await passProposal(platform, registry, registry.interface.encodeFunctionData("suspendMember", [ids.bankA]));
    await expect(blacklist.connect(accounts.bankA).resolveDispute(SUBJECT, 1, Resolution.Upheld, ethers.ZeroHash))
      .to.be.revertedWithCustomError(registry, "MemberNotActive")
      .withArgs(ids.bankA, 2);
  });

  it("rejects a resolution of an entry that is not disputed", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
    await expect(
      blacklist.connect(platform.accounts.bankA).resolveDispute(SUBJECT, 1, Resolution.Upheld, ethers.ZeroHash),
    )
      .to.be.revertedWithCustomError(blacklist, "EntryWrongStatus")
      .withArgs(SUBJECT, 1, EntryStatus.Active, EntryStatus.Disputed);
  });

  it("rejects a resolution that is neither upheld nor withdrawn", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(disputedFixture);
    await expect(
      blacklist.connect(platform.accounts.bankA).resolveDispute(SUBJECT, 1, Resolution.None, ethers.ZeroHash),
    )
      .to.be.revertedWithCustomError(blacklist, "InvalidValue")
      .withArgs(ethers.encodeBytes32String("resolution"));
  });

  it("rejects a resolution of an unknown entry", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
    await expect(
      blacklist.connect(platform.accounts.regulator).resolveDispute(SUBJECT, 5, Resolution.Upheld, ethers.ZeroHash),
    )
      .to.be.revertedWithCustomError(blacklist, "UnknownEntry")
      .withArgs(SUBJECT, 5);
  });

  it("rejects a resolution while the app is paused", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(disputedFixture);
    await passProposal(platform, blacklist, blacklist.interface.encodeFunctionData("pause"));
    await expect(
      blacklist.connect(platform.accounts.bankA).resolveDispute(SUBJECT, 1, Resolution.Upheld, ethers.ZeroHash),
    ).to.be.revertedWithCustomError(blacklist, "EnforcedPause");
  });
});
