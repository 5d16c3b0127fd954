import { expect } from "chai";
import { network } from "hardhat";
import { passProposal } from "../helpers/consortium.js";
import { Category, CONSENT, deployCredit, EntryStatus, OTHER_SUBJECT, SUBJECT, SubjectKind, YEAR } from "./fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

async function fixture() {
  return deployCredit(connection);
}

describe("CreditBlacklist: report", () => {
  it("records version 1 of a new entry and emits every field an indexer needs", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    const c = content({ category: Category.Fraud, severity: 5 });
    const tx = blacklist.connect(platform.accounts.bankB).report(OTHER_SUBJECT, SubjectKind.Company, c);
    await expect(tx)
      .to.emit(blacklist, "EntryReported")
      .withArgs(
        OTHER_SUBJECT,
        1,
        platform.ids.bankB,
        platform.accounts.bankB.address,
        SubjectKind.Company,
        Category.Fraud,
        5,
        c.expiresAt,
        c.evidenceHash,
        c.payloadHash,
        c.payloadLocationHash,
      );
    const at = BigInt(await networkHelpers.time.latest());
    const e = await blacklist.entry(OTHER_SUBJECT, 1);
    expect(e.reporter).to.equal(platform.ids.bankB);
    expect(e.subjectKind).to.equal(SubjectKind.Company);
    expect(e.category).to.equal(Category.Fraud);
    expect(e.severity).to.equal(5);
    expect(e.status).to.equal(EntryStatus.Active);
    expect(e.version).to.equal(1);
    expect(e.reportedAt).to.equal(at);
    expect(e.updatedAt).to.equal(at);
    expect(e.expiresAt).to.equal(c.expiresAt);
    expect(e.count).to.equal(1);
  });

  it("numbers a subject's entries 1, 2, 3 and keeps the subject's count in entry 1 only", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    const number = await blacklist
      .connect(platform.accounts.agency)
      .report.staticCall(SUBJECT, SubjectKind.Person, content());
    expect(number).to.equal(2);
    await blacklist.connect(platform.accounts.agency).report(SUBJECT, SubjectKind.Person, content());
    await blacklist.connect(platform.accounts.bankB).report(SUBJECT, SubjectKind.Person, content());
    expect((await blacklist.entry(SUBJECT, 1)).count).to.equal(3);
    expect((await blacklist.entry(SUBJECT, 2)).count).to.equal(0);
    expect((await blacklist.entry(SUBJECT, 3)).reporter).to.equal(platform.ids.bankB);
    expect((await blacklist.entry(SUBJECT, 1)).reporter).to.equal(platform.ids.bankA);
  });

  it("accepts an empty payload location (the envelope sits in the content-addressed store)", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    await expect(
      blacklist
        .connect(platform.accounts.bankA)
        .report(OTHER_SUBJECT, SubjectKind.Person, content({ payloadLocationHash: ethers.ZeroHash })),
    ).to.emit(blacklist, "EntryReported");
  });

  it("makes the entry visible to a query in the block that records it", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    await blacklist.connect(platform.accounts.bankB).report(OTHER_SUBJECT, SubjectKind.Person, content());
    const [listings] = await blacklist.connect(platform.accounts.bankC).query.staticCall(OTHER_SUBJECT, CONSENT, 0, 20);
    expect(listings).to.have.length(1);
  });

  describe("rejections", () => {
    it("rejects a member without the reporter role", async () => {
      const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
      await expect(blacklist.connect(platform.accounts.bankC).report(SUBJECT, SubjectKind.Person, content()))
        .to.be.revertedWithCustomError(platform.registry, "MissingRole")
        .withArgs(platform.ids.bankC, 1n << 4n);
    });

    it("rejects an account that belongs to no member", async () => {
      const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
      const [outsider] = platform.outsiders;
      await expect(blacklist.connect(outsider).report(SUBJECT, SubjectKind.Person, content()))
        .to.be.revertedWithCustomError(platform.registry, "UnknownAccount")
        .withArgs(outsider.address);
    });

    it("rejects a suspended member", async () => {
      const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
      const { registry, ids } = platform;
      await passProposal(platform, registry, registry.interface.encodeFunctionData("suspendMember", [ids.agency]));
      await expect(blacklist.connect(platform.accounts.agency).report(SUBJECT, SubjectKind.Person, content()))
        .to.be.revertedWithCustomError(registry, "MemberNotActive")
        .withArgs(ids.agency, 2);
    });

    it("rejects a report while the app is paused", async () => {
      const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
      await passProposal(platform, blacklist, blacklist.interface.encodeFunctionData("pause"));
      await expect(
        blacklist.connect(platform.accounts.bankA).report(SUBJECT, SubjectKind.Person, content()),
      ).to.be.revertedWithCustomError(blacklist, "EnforcedPause");
    });

    it("rejects an empty subject key", async () => {
      const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
      await expect(blacklist.connect(platform.accounts.bankA).report(ethers.ZeroHash, SubjectKind.Person, content()))
        .to.be.revertedWithCustomError(blacklist, "InvalidValue")
        .withArgs(ethers.encodeBytes32String("subjectKey"));
    });

    it("rejects a subject of no kind", async () => {
      const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
      await expect(blacklist.connect(platform.accounts.bankA).report(OTHER_SUBJECT, SubjectKind.None, content()))
        .to.be.revertedWithCustomError(blacklist, "InvalidValue")
        .withArgs(ethers.encodeBytes32String("subjectKind"));
    });

    it("rejects a subject reported as the other kind than its listed entries", async () => {
      const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
      await expect(blacklist.connect(platform.accounts.bankB).report(SUBJECT, SubjectKind.Company, content()))
        .to.be.revertedWithCustomError(blacklist, "SubjectKindMismatch")
        .withArgs(SUBJECT, SubjectKind.Person, SubjectKind.Company);
    });

    it("rejects an entry without a category", async () => {
      const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
      await expect(
        blacklist
          .connect(platform.accounts.bankA)
          .report(OTHER_SUBJECT, SubjectKind.Person, content({ category: Category.None })),
      )
        .to.be.revertedWithCustomError(blacklist, "InvalidValue")
        .withArgs(ethers.encodeBytes32String("category"));
    });

    it("rejects a category the enum does not define", async () => {
      const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
      await expect(
        blacklist.connect(platform.accounts.bankA).report(OTHER_SUBJECT, SubjectKind.Person, content({ category: 8 })),
      ).to.be.revert(ethers);
    });

    for (const severity of [0, 6]) {
      it(`rejects severity ${severity} (outside 1..MAX_SEVERITY)`, async () => {
        const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
        expect(await blacklist.MAX_SEVERITY()).to.equal(5);
        await expect(
          blacklist.connect(platform.accounts.bankA).report(OTHER_SUBJECT, SubjectKind.Person, content({ severity })),
        )
          .to.be.revertedWithCustomError(blacklist, "InvalidSeverity")
          .withArgs(severity);
      });
    }

    it("rejects an expiry that is not in the future", async () => {
      const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
      const now = BigInt(await networkHelpers.time.latest());
      const at = now + 1n; // the next block's time
      await networkHelpers.time.setNextBlockTimestamp(at);
      await expect(
        blacklist
          .connect(platform.accounts.bankA)
          .report(OTHER_SUBJECT, SubjectKind.Person, content({ expiresAt: at })),
      )
        .to.be.revertedWithCustomError(blacklist, "InvalidExpiry")
        .withArgs(at, at + 1n, at + 5n * YEAR);
    });

    it("rejects an expiry more than MAX_TERM (five years) after the report", async () => {
      const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
      expect(await blacklist.MAX_TERM()).to.equal(5n * YEAR);
      const at = BigInt(await networkHelpers.time.latest()) + 1n;
      await networkHelpers.time.setNextBlockTimestamp(at);
      const tooLate = at + 5n * YEAR + 1n;
      await expect(
        blacklist
          .connect(platform.accounts.bankA)
          .report(OTHER_SUBJECT, SubjectKind.Person, content({ expiresAt: tooLate })),
      )
        .to.be.revertedWithCustomError(blacklist, "InvalidExpiry")
        .withArgs(tooLate, at + 1n, at + 5n * YEAR);
    });

    it("accepts an expiry exactly MAX_TERM after the report", async () => {
      const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
      const at = BigInt(await networkHelpers.time.latest()) + 1n;
      await networkHelpers.time.setNextBlockTimestamp(at);
      await expect(
        blacklist
          .connect(platform.accounts.bankA)
          .report(OTHER_SUBJECT, SubjectKind.Person, content({ expiresAt: at + 5n * YEAR })),
      ).to.emit(blacklist, "EntryReported");
    });

    it("rejects an entry without evidence hash", async () => {
      const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
      await expect(
        blacklist
          .connect(platform.accounts.bankA)
          .report(OTHER_SUBJECT, SubjectKind.Person, content({ evidenceHash: ethers.ZeroHash })),
      )
        .to.be.revertedWithCustomError(blacklist, "InvalidValue")
        .withArgs(ethers.encodeBytes32String("evidenceHash"));
    });

    it("rejects an entry without encrypted payload hash", async () => {
      const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
      await expect(
        blacklist
          .connect(platform.accounts.bankA)
          .report(OTHER_SUBJECT, SubjectKind.Person, content({ payloadHash: ethers.ZeroHash })),
      )
        .to.be.revertedWithCustomError(blacklist, "InvalidValue")
        .withArgs(ethers.encodeBytes32String("payloadHash"));
    });
  });

  describe("views and governance", () => {
    it("reports an unknown entry as such", async () => {
      const { blacklist } = await networkHelpers.loadFixture(fixture);
      await expect(blacklist.entry(SUBJECT, 2))
        .to.be.revertedWithCustomError(blacklist, "UnknownEntry")
        .withArgs(SUBJECT, 2);
      await expect(blacklist.entry(OTHER_SUBJECT, 1))
        .to.be.revertedWithCustomError(blacklist, "UnknownEntry")
        .withArgs(OTHER_SUBJECT, 1);
    });

    it("lets only governance pause and unpause", async () => {
      const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
      await expect(blacklist.connect(platform.accounts.bankA).pause())
        .to.be.revertedWithCustomError(blacklist, "OnlyGovernance")
        .withArgs(platform.accounts.bankA.address);
      await passProposal(platform, blacklist, blacklist.interface.encodeFunctionData("pause"), "pause");
      await passProposal(platform, blacklist, blacklist.interface.encodeFunctionData("unpause"), "unpause");
      await expect(
        blacklist.connect(platform.accounts.bankA).report(OTHER_SUBJECT, SubjectKind.Person, content()),
      ).to.emit(blacklist, "EntryReported");
      expect(await blacklist.registry()).to.equal(await platform.registry.getAddress());
    });

    it("refuses a deployment without registry", async () => {
      const factory = await ethers.getContractFactory("CreditBlacklist");
      await expect(factory.deploy(ethers.ZeroAddress)).to.be.revertedWithCustomError(factory, "InvalidValue");
    });

    it("keeps hashes only: the evidence and payload references are in the events, not in state", async () => {
      const { blacklist } = await networkHelpers.loadFixture(fixture);
      // The stored record is one slot of small fields: no identifier, no document, no hash of either.
      const outputs = blacklist.interface.getFunction("entry").outputs[0].components!.map((c) => `${c.type} ${c.name}`);
      expect(outputs).to.deep.equal([
        "uint32 reporter",
        "uint8 subjectKind",
        "uint8 category",
        "uint8 severity",
        "uint8 status",
        "uint32 version",
        "uint40 reportedAt",
        "uint40 updatedAt",
        "uint40 expiresAt",
        "uint32 count",
      ]);
    });
  });
});
