import { expect } from "chai";
import { network } from "hardhat";
import { passProposal } from "../helpers/consortium.js";
import {
  Category,
  CONSENT,
  DAY,
  deployCredit,
  EntryStatus,
  hash,
  OTHER_SUBJECT,
  Resolution,
  SUBJECT,
  SubjectKind,
} from "./fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const MAX = 20;

async function fixture() {
  return deployCredit(connection);
}

describe("CreditBlacklist: logged query", () => {
  it("returns the active entry with reporter, category, severity and dates, and logs querier, subject and consent", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
    const asB = blacklist.connect(platform.accounts.bankB);
    const [listings, nextCursor] = await asB.query.staticCall(SUBJECT, CONSENT, 0, MAX);
    const stored = await blacklist.entry(SUBJECT, 1);
    expect(nextCursor).to.equal(0);
    expect(listings).to.have.length(1);
    const [l] = listings;
    expect(l.number).to.equal(1);
    expect(l.reporter).to.equal(platform.ids.bankA);
    expect(l.subjectKind).to.equal(SubjectKind.Person);
    expect(l.category).to.equal(Category.Default);
    expect(l.severity).to.equal(3);
    expect(l.status).to.equal(EntryStatus.Active);
    expect(l.version).to.equal(1);
    expect(l.reportedAt).to.equal(stored.reportedAt);
    expect(l.updatedAt).to.equal(stored.updatedAt);
    expect(l.expiresAt).to.equal(stored.expiresAt);

    await expect(asB.query(SUBJECT, CONSENT, 0, MAX))
      .to.emit(blacklist, "SubjectQueried")
      .withArgs(platform.ids.bankB, SUBJECT, platform.accounts.bankB.address, CONSENT, 0, 0, 1);
  });

  it("logs a query of a subject that is not listed too (the answer 'not listed' is a read as well)", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
    const asC = blacklist.connect(platform.accounts.bankC);
    const [listings, nextCursor] = await asC.query.staticCall(OTHER_SUBJECT, CONSENT, 0, MAX);
    expect(listings).to.have.length(0);
    expect(nextCursor).to.equal(0);
    await expect(asC.query(OTHER_SUBJECT, CONSENT, 0, MAX))
      .to.emit(blacklist, "SubjectQueried")
      .withArgs(platform.ids.bankC, OTHER_SUBJECT, platform.accounts.bankC.address, CONSENT, 0, 0, 0);
  });

  it("does not return expired entries", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
    const { expiresAt } = await blacklist.entry(SUBJECT, 1);
    await networkHelpers.time.increaseTo(expiresAt - 2n);
    const asB = blacklist.connect(platform.accounts.bankB);
    expect((await asB.query.staticCall(SUBJECT, CONSENT, 0, MAX))[0]).to.have.length(1, "still listed before expiry");
    await networkHelpers.time.increaseTo(expiresAt);
    await expect(asB.query(SUBJECT, CONSENT, 0, MAX))
      .to.emit(blacklist, "SubjectQueried")
      .withArgs(platform.ids.bankB, SUBJECT, platform.accounts.bankB.address, CONSENT, 0, 0, 0);
    expect((await asB.query.staticCall(SUBJECT, CONSENT, 0, MAX))[0]).to.have.length(0);
  });

  it("does not return revoked or withdrawn entries; returns a disputed one flagged as Disputed", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    const { bankA, bankB, agency } = platform.accounts;
    await blacklist.connect(bankB).report(SUBJECT, SubjectKind.Person, content({ category: Category.Fraud })); // 2
    await blacklist.connect(agency).report(SUBJECT, SubjectKind.Person, content({ category: Category.Overdue })); // 3
    await blacklist.connect(bankA).report(SUBJECT, SubjectKind.Person, content({ category: Category.Other })); // 4
    await blacklist.connect(bankA).revoke(SUBJECT, 1, hash("repaid"));
    await blacklist.connect(bankA).dispute(SUBJECT, 2, hash("wrong person"));
    await blacklist.connect(bankB).dispute(SUBJECT, 3, hash("paid in time"));
    await blacklist.connect(agency).resolveDispute(SUBJECT, 3, Resolution.Withdrawn, hash("agreed"));
    const [listings] = await blacklist.connect(platform.accounts.bankC).query.staticCall(SUBJECT, CONSENT, 0, MAX);
    expect(listings.map((l) => [l.number, l.status])).to.deep.equal([
      [4n, BigInt(EntryStatus.Active)],
      [2n, BigInt(EntryStatus.Disputed)],
    ]);
  });

  it("returns the current version of an updated entry", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    await blacklist.connect(platform.accounts.bankA).update(SUBJECT, 1, content({ severity: 1 }));
    const [[l]] = await blacklist.connect(platform.accounts.bankB).query.staticCall(SUBJECT, CONSENT, 0, MAX);
    expect(l.version).to.equal(2);
    expect(l.severity).to.equal(1);
  });

  it("pages through a long list newest first, MAX_QUERY_LIMIT entries at most per call", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    expect(await blacklist.MAX_QUERY_LIMIT()).to.equal(MAX);
    const asA = blacklist.connect(platform.accounts.bankA);
    for (let i = 2; i <= 25; i++) await asA.report(SUBJECT, SubjectKind.Person, content({ severity: 1 + (i % 5) }));
    await asA.revoke(SUBJECT, 24, hash("x"));
    const asB = blacklist.connect(platform.accounts.bankB);

    const [page1, cursor1] = await asB.query.staticCall(SUBJECT, CONSENT, 0, MAX);
    expect(page1.map((l) => Number(l.number))).to.deep.equal([
      25, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6,
    ]);
    expect(cursor1).to.equal(5);
    await expect(asB.query(SUBJECT, CONSENT, 0, MAX))
      .to.emit(blacklist, "SubjectQueried")
      .withArgs(platform.ids.bankB, SUBJECT, platform.accounts.bankB.address, CONSENT, 0, 5, 19);

    const [page2, cursor2] = await asB.query.staticCall(SUBJECT, CONSENT, cursor1, MAX);
    expect(page2.map((l) => Number(l.number))).to.deep.equal([5, 4, 3, 2, 1]);
    expect(cursor2).to.equal(0);

    const [small, smallCursor] = await asB.query.staticCall(SUBJECT, CONSENT, 0, 2);
    expect(small.map((l) => Number(l.number))).to.deep.equal([25]);
    expect(smallCursor).to.equal(23);
  });

  it("keeps the gas of a full page bounded whatever the length of the list", async () => {
    const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
    const asA = blacklist.connect(platform.accounts.bankA);
    for (let i = 0; i < 45; i++) await asA.report(SUBJECT, SubjectKind.Person, content());
    const gas = await blacklist.connect(platform.accounts.bankB).query.estimateGas(SUBJECT, CONSENT, 0, MAX);
    expect(gas).to.be.lessThan(200_000n);
  });

  describe("rejections", () => {
    it("refuses a query without a consent reference", async () => {
      const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
      await expect(
        blacklist.connect(platform.accounts.bankB).query(SUBJECT, ethers.ZeroHash, 0, MAX),
      ).to.be.revertedWithCustomError(blacklist, "ConsentRequired");
    });

    it("refuses a member without the query role", async () => {
      const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
      await expect(blacklist.connect(platform.accounts.core).query(SUBJECT, CONSENT, 0, MAX))
        .to.be.revertedWithCustomError(platform.registry, "MissingRole")
        .withArgs(platform.ids.core, 1n << 5n);
      await expect(blacklist.connect(platform.accounts.regulator).query(SUBJECT, CONSENT, 0, MAX))
        .to.be.revertedWithCustomError(platform.registry, "MissingRole")
        .withArgs(platform.ids.regulator, 1n << 5n);
    });

    it("refuses an outsider", async () => {
      const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
      await expect(blacklist.connect(platform.outsiders[0]).query(SUBJECT, CONSENT, 0, MAX))
        .to.be.revertedWithCustomError(platform.registry, "UnknownAccount")
        .withArgs(platform.outsiders[0].address);
    });

    it("refuses a suspended member", async () => {
      const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
      const { registry, ids, accounts } = platform;
      await passProposal(platform, registry, registry.interface.encodeFunctionData("suspendMember", [ids.agency]));
      await expect(blacklist.connect(accounts.agency).query(SUBJECT, CONSENT, 0, MAX))
        .to.be.revertedWithCustomError(registry, "MemberNotActive")
        .withArgs(ids.agency, 2);
    });

    it("refuses a query while the app is paused", async () => {
      const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
      await passProposal(platform, blacklist, blacklist.interface.encodeFunctionData("pause"));
      await expect(
        blacklist.connect(platform.accounts.bankB).query(SUBJECT, CONSENT, 0, MAX),
      ).to.be.revertedWithCustomError(blacklist, "EnforcedPause");
    });

    for (const limit of [0, MAX + 1]) {
      it(`refuses a page of ${limit} entries`, async () => {
        const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
        await expect(blacklist.connect(platform.accounts.bankB).query(SUBJECT, CONSENT, 0, limit))
          .to.be.revertedWithCustomError(blacklist, "InvalidLimit")
          .withArgs(limit, MAX);
      });
    }

    it("refuses a cursor beyond the subject's entries (no reading another subject's list through it)", async () => {
      const { platform, blacklist, content } = await networkHelpers.loadFixture(fixture);
      const asA = blacklist.connect(platform.accounts.bankA);
      for (let i = 0; i < 3; i++) await asA.report(OTHER_SUBJECT, SubjectKind.Person, content());
      await expect(blacklist.connect(platform.accounts.bankB).query(SUBJECT, CONSENT, 2, MAX))
        .to.be.revertedWithCustomError(blacklist, "InvalidCursor")
        .withArgs(SUBJECT, 2, 1);
      await expect(blacklist.connect(platform.accounts.bankB).query(hash("unlisted"), CONSENT, 1, MAX))
        .to.be.revertedWithCustomError(blacklist, "InvalidCursor")
        .withArgs(hash("unlisted"), 1, 0);
    });
  });

  it("logs the count and next cursor of exactly the answer it returns", async () => {
    const { platform, blacklist } = await networkHelpers.loadFixture(fixture);
    await networkHelpers.time.increase(DAY);
    const asB = blacklist.connect(platform.accounts.bankB);
    const preview = await asB.query.staticCall(SUBJECT, CONSENT, 0, MAX);
    const receipt = await (await asB.query(SUBJECT, CONSENT, 0, MAX)).wait();
    const log = receipt!.logs.map((l) => blacklist.interface.parseLog(l)).find((l) => l?.name === "SubjectQueried");
    expect(log!.args.shown).to.equal(BigInt(preview[0].length));
    expect(log!.args.nextCursor).to.equal(preview[1]);
  });
});
