import { expect } from "chai";
import { network } from "hardhat";
import { passProposal } from "../helpers/consortium.js";
import { roleSet } from "@consortia/sdk";
import {
  Category,
  DAY,
  deployCredit,
  EntryStatus,
  hash,
  OTHER_SUBJECT,
  Resolution,
  SUBJECT,
  SubjectKind,
  YEAR,
} from "./fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

async function fixture() {
  return deployCredit(connection);
}

describe("CreditBlacklist: update", () => {
  it("records version 2 with the new content, keeps the report date and emits the version's hashes", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    const before = await blacklist.entry(SUBJECT, 1);
    const c = content({
      category: Category.Fraud,
      severity: 4,
      expiresAt: before.reportedAt + 2n * YEAR,
      evidenceHash: hash("evidence v2"),
      payloadHash: hash("payload v2"),
      payloadLocationHash: hash("location v2"),
    });
    const asA = blacklist.connect(platform.accounts.bankA);
    expect(await asA.update.staticCall(SUBJECT, 1, c)).to.equal(2);
    await expect(asA.update(SUBJECT, 1, c))
      .to.emit(blacklist, "EntryUpdated")
      .withArgs(
        SUBJECT,
        1,
        platform.ids.bankA,
        platform.accounts.bankA.address,
        2,
        Category.Fraud,
        4,
        c.expiresAt,
        c.evidenceHash,
        c.payloadHash,
        c.payloadLocationHash,
      );
    const after = await blacklist.entry(SUBJECT, 1);
    expect(after.version).to.equal(2);
    expect(after.category).to.equal(Category.Fraud);
    expect(after.severity).to.equal(4);
    expect(after.expiresAt).to.equal(c.expiresAt);
    expect(after.reportedAt).to.equal(before.reportedAt);
    expect(after.updatedAt).to.equal(BigInt(await networkHelpers.time.latest()));
    expect(after.count).to.equal(1, "the subject's count in entry 1 survives the update");
    expect(after.status).to.equal(EntryStatus.Active);
  });

  it("rejects an update by another reporting member", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    await expect(blacklist.connect(platform.accounts.bankB).update(SUBJECT, 1, content()))
      .to.be.revertedWithCustomError(blacklist, "NotReporter")
      .withArgs(SUBJECT, 1, platform.ids.bankB, platform.ids.bankA);
  });

  it("rejects an update by a member without the reporter role", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    await expect(blacklist.connect(platform.accounts.core).update(SUBJECT, 1, content()))
      .to.be.revertedWithCustomError(platform.registry, "MissingRole")
      .withArgs(platform.ids.core, 1n << 4n);
  });

  it("rejects an update by a suspended reporter", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    const { registry, ids, accounts } = platform;
    await blacklist.connect(accounts.agency).report(OTHER_SUBJECT, SubjectKind.Person, content());
    await passProposal(platform, registry, registry.interface.encodeFunctionData("suspendMember", [ids.agency]));
    await expect(blacklist.connect(accounts.agency).update(OTHER_SUBJECT, 1, content()))
      .to.be.revertedWithCustomError(registry, "MemberNotActive")
      .withArgs(ids.agency, 2);
  });

  it("rejects an update of an unknown entry", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    await expect(blacklist.connect(platform.accounts.bankA).update(SUBJECT, 2, content()))
      .to.be.revertedWithCustomError(blacklist, "UnknownEntry")
      .withArgs(SUBJECT, 2);
  });

  it("rejects an update of a disputed entry (frozen until resolved)", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    await blacklist.connect(platform.accounts.bankB).dispute(SUBJECT, 1, hash("complaint"));
    await expect(blacklist.connect(platform.accounts.bankA).update(SUBJECT, 1, content()))
      .to.be.revertedWithCustomError(blacklist, "EntryWrongStatus")
      .withArgs(SUBJECT, 1, EntryStatus.Disputed, EntryStatus.Active);
  });

  it("rejects an update of a revoked entry", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    await blacklist.connect(platform.accounts.bankA).revoke(SUBJECT, 1, hash("repaid"));
    await expect(blacklist.connect(platform.accounts.bankA).update(SUBJECT, 1, content()))
      .to.be.revertedWithCustomError(blacklist, "EntryWrongStatus")
      .withArgs(SUBJECT, 1, EntryStatus.Revoked, EntryStatus.Active);
  });

  it("rejects an update of an expired entry (report anew instead)", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    const { expiresAt, reportedAt } = await blacklist.entry(SUBJECT, 1);
    await networkHelpers.time.increaseTo(expiresAt);
    await expect(
      blacklist.connect(platform.accounts.bankA).update(SUBJECT, 1, content({ expiresAt: reportedAt + 2n * YEAR })),
    )
      .to.be.revertedWithCustomError(blacklist, "EntryExpired")
      .withArgs(SUBJECT, 1, expiresAt);
  });

  it("rejects an expiry more than MAX_TERM after the first report, however late the update", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    const { reportedAt } = await blacklist.entry(SUBJECT, 1);
    await networkHelpers.time.increase(30n * DAY);
    const tooLate = reportedAt + 5n * YEAR + 1n;
    await expect(blacklist.connect(platform.accounts.bankA).update(SUBJECT, 1, content({ expiresAt: tooLate })))
      .to.be.revertedWithCustomError(blacklist, "InvalidExpiry")
      .withArgs(tooLate, (n: bigint) => n > reportedAt, reportedAt + 5n * YEAR);
  });

  it("rejects invalid content in an update", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    await expect(blacklist.connect(platform.accounts.bankA).update(SUBJECT, 1, content({ severity: 0 })))
      .to.be.revertedWithCustomError(blacklist, "InvalidSeverity")
      .withArgs(0);
  });

  it("rejects an update while the app is paused", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    await passProposal(platform, blacklist, blacklist.interface.encodeFunctionData("pause"));
    await expect(
      blacklist.connect(platform.accounts.bankA).update(SUBJECT, 1, content()),
    ).to.be.revertedWithCustomError(blacklist, "EnforcedPause");
  });
});

describe("CreditBlacklist: revoke", () => {
  it("revokes an active entry for good and emits the version and reason", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
    await expect(blacklist.connect(platform.accounts.bankA).revoke(SUBJECT, 1, hash("repaid")))
      .to.emit(blacklist, "EntryRevoked")
      .withArgs(SUBJECT, 1, platform.ids.bankA, platform.accounts.bankA.address, 1, EntryStatus.Active, hash("repaid"));
    expect((await blacklist.entry(SUBJECT, 1)).status).to.equal(EntryStatus.Revoked);
  });

  it("revokes a disputed entry, which ends the dispute", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
    await blacklist.connect(platform.accounts.bankB).dispute(SUBJECT, 1, hash("complaint"));
    await expect(blacklist.connect(platform.accounts.bankA).revoke(SUBJECT, 1, ethers.ZeroHash))
      .to.emit(blacklist, "EntryRevoked")
      .withArgs(
        SUBJECT,
        1,
        platform.ids.bankA,
        platform.accounts.bankA.address,
        1,
        EntryStatus.Disputed,
        ethers.ZeroHash,
      );
    await expect(
      blacklist.connect(platform.accounts.bankA).resolveDispute(SUBJECT, 1, Resolution.Upheld, ethers.ZeroHash),
    )
      .to.be.revertedWithCustomError(blacklist, "EntryWrongStatus")
      .withArgs(SUBJECT, 1, EntryStatus.Revoked, EntryStatus.Disputed);
  });

  it("rejects a revocation by another member", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
    await expect(blacklist.connect(platform.accounts.bankB).revoke(SUBJECT, 1, hash("not mine")))
      .to.be.revertedWithCustomError(blacklist, "NotReporter")
      .withArgs(SUBJECT, 1, platform.ids.bankB, platform.ids.bankA);
  });

  it("rejects a revocation by an outsider", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
    await expect(blacklist.connect(platform.outsiders[0]).revoke(SUBJECT, 1, hash("x"))).to.be.revertedWithCustomError(
      platform.registry,
      "UnknownAccount",
    );
  });

  it("never brings a revoked entry back: revoke, update, dispute and resolve all refuse it", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    const asA = blacklist.connect(platform.accounts.bankA);
    await asA.revoke(SUBJECT, 1, hash("repaid"));
    await expect(asA.revoke(SUBJECT, 1, hash("again")))
      .to.be.revertedWithCustomError(blacklist, "EntryWrongStatus")
      .withArgs(SUBJECT, 1, EntryStatus.Revoked, EntryStatus.Active);
    await expect(asA.update(SUBJECT, 1, content())).to.be.revertedWithCustomError(blacklist, "EntryWrongStatus");
    await expect(blacklist.connect(platform.accounts.bankB).dispute(SUBJECT, 1, hash("c")))
      .to.be.revertedWithCustomError(blacklist, "EntryWrongStatus")
      .withArgs(SUBJECT, 1, EntryStatus.Revoked, EntryStatus.Active);
    await expect(asA.resolveDispute(SUBJECT, 1, Resolution.Upheld, ethers.ZeroHash)).to.be.revertedWithCustomError(
      blacklist,
      "EntryWrongStatus",
    );
    expect((await blacklist.entry(SUBJECT, 1)).status).to.equal(EntryStatus.Revoked);
  });

  it("lets a reporter that lost the reporter role still revoke its own entry", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    const { registry, ids, accounts } = platform;
    await passProposal(
      platform,
      registry,
      registry.interface.encodeFunctionData("setRoles", [ids.bankA, roleSet("VOTER", "CREDIT_QUERIER")]),
    );
    await expect(blacklist.connect(accounts.bankA).update(SUBJECT, 1, content())).to.be.revertedWithCustomError(
      registry,
      "MissingRole",
    );
    await expect(blacklist.connect(accounts.bankA).revoke(SUBJECT, 1, hash("role withdrawn"))).to.emit(
      blacklist,
      "EntryRevoked",
    );
  });

  it("rejects a revocation by a suspended reporter", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    const { registry, ids, accounts } = platform;
    await blacklist.connect(accounts.agency).report(OTHER_SUBJECT, SubjectKind.Person, content());
    await passProposal(platform, registry, registry.interface.encodeFunctionData("suspendMember", [ids.agency]));
    await expect(blacklist.connect(accounts.agency).revoke(OTHER_SUBJECT, 1, hash("x")))
      .to.be.revertedWithCustomError(registry, "MemberNotActive")
      .withArgs(ids.agency, 2);
  });

  it("rejects a revocation of an unknown entry", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
    await expect(blacklist.connect(platform.accounts.bankA).revoke(OTHER_SUBJECT, 1, hash("x")))
      .to.be.revertedWithCustomError(blacklist, "UnknownEntry")
      .withArgs(OTHER_SUBJECT, 1);
  });

  it("rejects a revocation while the app is paused", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
    await passProposal(platform, blacklist, blacklist.interface.encodeFunctionData("pause"));
    await expect(
      blacklist.connect(platform.accounts.bankA).revoke(SUBJECT, 1, hash("x")),
    ).to.be.revertedWithCustomError(blacklist, "EnforcedPause");
  });
});
