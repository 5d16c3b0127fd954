import { expect } from "chai";
import { network } from "hardhat";
import { passProposal } from "../helpers/consortium.js";
import { DAY, ObligationStatus, deployLettersOfCredit, hash, type LcFixture } from "./fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const ZERO = ethers.ZeroHash;

describe("InterbankPositions", () => {
  const fixture = async () => {
    const f = await deployLettersOfCredit(connection);
    const { accounts, ids } = f.platform;
    for (const bank of [accounts.bankA, accounts.bankB, accounts.bankC]) {
      await f.positions.connect(bank).setSettlementAccount(bank);
    }
    // every bank grants every other bank a line of 1,000,000
    for (const [grantor, self] of [
      [accounts.bankA, ids.bankA],
      [accounts.bankB, ids.bankB],
      [accounts.bankC, ids.bankC],
    ] as const) {
      for (const grantee of [ids.bankA, ids.bankB, ids.bankC]) {
        if (grantee !== self) await f.positions.connect(grantor).setCreditLine(grantee, 1_000_000n);
      }
    }
    return f;
  };
  let f: LcFixture;
  beforeEach(async () => {
    f = await networkHelpers.loadFixture(fixture);
  });
  const acc = () => f.platform.accounts;
  const ids = () => f.platform.ids;
  const as = (name: "bankA" | "bankB" | "bankC" | "core") => f.positions.connect(acc()[name]);
  const owe = async (
    debtor: "bankA" | "bankB" | "bankC",
    creditor: "bankA" | "bankB" | "bankC",
    amount: bigint,
    dueAt = 0n,
  ) => {
    await as(debtor).recordObligation(ids()[creditor], amount, dueAt, hash(`${debtor}->${creditor}:${amount}`));
    return f.positions.obligationCount();
  };

  describe("credit lines", () => {
    it("the granting bank sets and changes its line to another bank", async () => {
      await expect(as("bankA").setCreditLine(ids().bankB, 5_000n))
        .to.emit(f.positions, "CreditLineSet")
        .withArgs(ids().bankA, ids().bankB, 1_000_000n, 5_000n, 0n);
      expect(await f.positions.creditLine(ids().bankA, ids().bankB)).to.deep.equal([5_000n, 0n]);
    });

    it("rejects a line to itself or to no bank, and from a non-bank", async () => {
      await expect(as("bankA").setCreditLine(ids().bankA, 1n))
        .to.be.revertedWithCustomError(f.positions, "SelfObligation")
        .withArgs(ids().bankA);
      await expect(as("bankA").setCreditLine(0, 1n)).to.be.revertedWithCustomError(f.positions, "InvalidValue");
      await expect(as("core").setCreditLine(ids().bankA, 1n)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MissingRole",
      );
    });

    it("an obligation is refused above the creditor's line; lowering the line keeps open obligations", async () => {
      await as("bankB").setCreditLine(ids().bankA, 10_000n);
      await owe("bankA", "bankB", 6_000n);
      await expect(as("bankA").recordObligation(ids().bankB, 4_001n, 0, ZERO))
        .to.be.revertedWithCustomError(f.positions, "CreditLineExceeded")
        .withArgs(ids().bankB, ids().bankA, 10_000n, 6_000n, 4_001n);
      await owe("bankA", "bankB", 4_000n);
      await as("bankB").setCreditLine(ids().bankA, 5_000n);
      expect(await f.positions.creditLine(ids().bankB, ids().bankA)).to.deep.equal([5_000n, 10_000n]);
      await expect(as("bankA").recordObligation(ids().bankB, 1n, 0, ZERO)).to.be.revertedWithCustomError(
        f.positions,
        "CreditLineExceeded",
      );
      await as("bankB").releaseObligation(1);
      await as("bankB").releaseObligation(2);
      await owe("bankA", "bankB", 5_000n);
    });

    it("no line, no obligation", async () => {
      await as("bankB").setCreditLine(ids().bankA, 0n);
      await expect(as("bankA").recordObligation(ids().bankB, 1n, 0, ZERO)).to.be.revertedWithCustomError(
        f.positions,
        "CreditLineExceeded",
      );
    });
  });

  describe("obligations", () => {
    it("the debtor records what it owes, with its purpose", async () => {
      await expect(as("bankA").recordObligation(ids().bankB, 700n, 123n, hash("LC 1")))
        .to.emit(f.positions, "ObligationRecorded")
        .withArgs(1n, ids().bankA, ids().bankB, 700n, 123n, acc().bankA.address, hash("LC 1"), 700n);
      expect(await f.positions.obligation(1)).to.deep.equal([
        BigInt(ids().bankA),
        BigInt(ids().bankB),
        123n,
        BigInt(ObligationStatus.Open),
        700n,
      ]);
    });

    it("rejects zero amounts, self obligations and unknown obligations", async () => {
      await expect(as("bankA").recordObligation(ids().bankB, 0n, 0, ZERO)).to.be.revertedWithCustomError(
        f.positions,
        "InvalidValue",
      );
      await expect(as("bankA").recordObligation(ids().bankA, 1n, 0, ZERO)).to.be.revertedWithCustomError(
        f.positions,
        "SelfObligation",
      );
      await expect(f.positions.obligation(7))
        .to.be.revertedWithCustomError(f.positions, "ObligationUnknown")
        .withArgs(7n);
      await expect(as("bankA").settleObligation(7, ZERO)).to.be.revertedWithCustomError(
        f.positions,
        "ObligationUnknown",
      );
    });

    it("only suite contracts record obligations for other banks", async () => {
      await expect(as("bankC").recordObligationFor(ids().bankA, ids().bankC, 1n, 0, ZERO))
        .to.be.revertedWithCustomError(f.positions, "NotRecorder")
        .withArgs(acc().bankC.address);
    });

    it("the debtor settles a due obligation gross in tokens, freeing the line", async () => {
      const now = BigInt(await networkHelpers.time.latest());
      const id = await owe("bankA", "bankB", 2_000n, now + DAY);
      await expect(as("bankB").settleObligation(id, ZERO))
        .to.be.revertedWithCustomError(f.positions, "ObligationWrongParty")
        .withArgs(id, ids().bankB, ids().bankA);
      await expect(as("bankA").settleObligation(id, ZERO))
        .to.be.revertedWithCustomError(f.positions, "ObligationNotDue")
        .withArgs(id, now + DAY);
      await networkHelpers.time.increase(DAY);
      const tx = as("bankA").settleObligation(id, ZERO);
      await expect(tx).to.emit(f.positions, "ObligationSettled").withArgs(id, ids().bankA, ids().bankB, 2_000n, ZERO);
      await expect(tx).to.changeTokenBalances(ethers, f.platform.token, [acc().bankA, acc().bankB], [-2_000n, 2_000n]);
      expect((await f.positions.obligation(id)).status).to.equal(ObligationStatus.Settled);
      expect((await f.positions.creditLine(ids().bankB, ids().bankA)).used).to.equal(0n);
      await expect(as("bankA").settleObligation(id, ZERO))
        .to.be.revertedWithCustomError(f.positions, "ObligationWrongStatus")
        .withArgs(id, ObligationStatus.Settled, ObligationStatus.Open);
    });

    it("the debtor settles off chain with a payment reference", async () => {
      const id = await owe("bankA", "bankB", 2_000n);
      await expect(as("bankA").settleObligation(id, hash("HVPS-1"))).to.emit(
        f.platform.ledger,
        "OffChainPaymentRecorded",
      );
      expect(await f.platform.ledger.isRecorded(hash("HVPS-1"))).to.equal(true);
    });

    it("only the creditor releases an obligation", async () => {
      const id = await owe("bankA", "bankB", 2_000n);
      await expect(as("bankA").releaseObligation(id)).to.be.revertedWithCustomError(
        f.positions,
        "ObligationWrongParty",
      );
      await expect(as("bankB").releaseObligation(id))
        .to.emit(f.positions, "ObligationReleased")
        .withArgs(id, ids().bankA, ids().bankB, 2_000n);
      expect((await f.positions.obligation(id)).status).to.equal(ObligationStatus.Released);
    });

    it("a settlement account must be one of the bank's own token accounts", async () => {
      await expect(as("bankA").setSettlementAccount(acc().bankB))
        .to.be.revertedWithCustomError(f.positions, "SettlementAccountNotOwned")
        .withArgs(acc().bankB.address, ids().bankA);
      await expect(as("bankA").setSettlementAccount(f.platform.outsiders[0])).to.be.revertedWithCustomError(
        f.positions,
        "SettlementAccountNotOwned",
      );
      await expect(as("bankA").setSettlementAccount(acc().bankA))
        .to.emit(f.positions, "SettlementAccountSet")
        .withArgs(ids().bankA, acc().bankA.address);
      expect(await f.positions.settlementAccount(ids().bankA)).to.equal(acc().bankA.address);
    });
  });

  describe("netting", () => {
    it("settles only net amounts, one transfer per bank, and closes every obligation of the batch", async () => {
      // A owes B 500, B owes C 300, C owes A 200, A owes C 100: nets A -400, B +200, C +200
      const batch = [
        await owe("bankA", "bankB", 500n),
        await owe("bankB", "bankC", 300n),
        await owe("bankC", "bankA", 200n),
        await owe("bankA", "bankC", 100n),
      ];
      const [banks, nets] = await as("bankB").runNetting.staticCall(batch);
      expect(banks).to.deep.equal([BigInt(ids().bankA), BigInt(ids().bankB), BigInt(ids().bankC)]);
      expect(nets).to.deep.equal([-400n, 200n, 200n]);
      const tx = as("bankB").runNetting(batch);
      await expect(tx).to.emit(f.positions, "NettingRun").withArgs(1n, ids().bankB, batch, banks, nets);
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.platform.token,
        [acc().bankA, acc().bankB, acc().bankC, f.positions],
        [-400n, 200n, 200n, 0n],
      );
      const receipt = await (await tx).wait();
      const transfers = receipt!.logs.filter(
        (l) => l.topics[0] === f.platform.token.interface.getEvent("Transfer").topicHash,
      );
      expect(transfers.length).to.equal(3);
      for (const id of batch) expect((await f.positions.obligation(id)).status).to.equal(ObligationStatus.Netted);
      expect((await f.positions.creditLine(ids().bankB, ids().bankA)).used).to.equal(0n);
      expect(await f.positions.nettingRunCount()).to.equal(1n);
    });

    it("a bank whose obligations cancel out moves no tokens", async () => {
      const batch = [await owe("bankA", "bankB", 500n), await owe("bankB", "bankA", 500n)];
      const tx = as("bankA").runNetting(batch);
      await expect(tx).to.changeTokenBalances(ethers, f.platform.token, [acc().bankA, acc().bankB], [0n, 0n]);
      const receipt = await (await tx).wait();
      expect(receipt!.logs.filter((l) => l.address === (f.platform.token.target as string)).length).to.equal(0);
    });

    it("refuses repeated, closed, undue and unknown obligations in a batch", async () => {
      const now = BigInt(await networkHelpers.time.latest());
      const a = await owe("bankA", "bankB", 500n);
      const later = await owe("bankA", "bankB", 500n, now + DAY);
      await expect(as("bankA").runNetting([a, a]))
        .to.be.revertedWithCustomError(f.positions, "ObligationWrongStatus")
        .withArgs(a, ObligationStatus.Netted, ObligationStatus.Open);
      await expect(as("bankA").runNetting([a, later]))
        .to.be.revertedWithCustomError(f.positions, "ObligationNotDue")
        .withArgs(later, now + DAY);
      await expect(as("bankA").runNetting([99])).to.be.revertedWithCustomError(f.positions, "ObligationUnknown");
    });

    it("refuses empty and oversized batches, and banks not party to the batch", async () => {
      await expect(as("bankA").runNetting([]))
        .to.be.revertedWithCustomError(f.positions, "NettingBatchSize")
        .withArgs(0n, 200n);
      await expect(as("bankA").runNetting(Array.from({ length: 201 }, (_, i) => i + 1)))
        .to.be.revertedWithCustomError(f.positions, "NettingBatchSize")
        .withArgs(201n, 200n);
      const id = await owe("bankA", "bankB", 500n);
      await expect(as("bankC").runNetting([id]))
        .to.be.revertedWithCustomError(f.positions, "NettingNotParticipant")
        .withArgs(ids().bankC);
      await expect(as("core").runNetting([id])).to.be.revertedWithCustomError(f.platform.registry, "MissingRole");
    });

    it("a net debtor without a settlement account or allowance makes the whole run revert", async () => {
      const id = await owe("bankA", "bankB", 500n);
      await f.platform.token.connect(acc().bankA).approve(f.positions, 0n);
      await expect(as("bankA").runNetting([id])).to.be.revertedWithCustomError(
        f.platform.token,
        "ERC20InsufficientAllowance",
      );
      expect((await f.positions.obligation(id)).status).to.equal(ObligationStatus.Open);
    });

    it("refuses gross settlement to a creditor without a settlement account", async () => {
      const f2 = await deployLettersOfCredit(connection);
      await f2.positions.connect(f2.platform.accounts.bankB).setCreditLine(f2.platform.ids.bankA, 1_000n);
      await f2.positions.connect(f2.platform.accounts.bankA).recordObligation(f2.platform.ids.bankB, 10n, 0, ZERO);
      await expect(f2.positions.connect(f2.platform.accounts.bankA).settleObligation(1, ZERO))
        .to.be.revertedWithCustomError(f2.positions, "SettlementAccountMissing")
        .withArgs(f2.platform.ids.bankB);
      await expect(f2.positions.connect(f2.platform.accounts.bankA).runNetting([1])).to.be.revertedWithCustomError(
        f2.positions,
        "SettlementAccountMissing",
      );
    });
  });

  describe("governance", () => {
    it("a paused positions contract refuses every step", async () => {
      const id = await owe("bankA", "bankB", 500n);
      await passProposal(f.platform, f.positions, f.positions.interface.encodeFunctionData("pause"));
      await expect(as("bankA").runNetting([id])).to.be.revertedWithCustomError(f.positions, "EnforcedPause");
      await expect(as("bankA").setCreditLine(ids().bankB, 1n)).to.be.revertedWithCustomError(
        f.positions,
        "EnforcedPause",
      );
      await expect(as("bankA").recordObligation(ids().bankB, 1n, 0, ZERO)).to.be.revertedWithCustomError(
        f.positions,
        "EnforcedPause",
      );
    });

    it("a suspended bank can do nothing new", async () => {
      await passProposal(
        f.platform,
        f.platform.registry,
        f.platform.registry.interface.encodeFunctionData("suspendMember", [ids().bankC]),
      );
      await expect(as("bankC").recordObligation(ids().bankA, 1n, 0, ZERO)).to.be.revertedWithCustomError(
        f.platform.registry,
        "MemberNotActive",
      );
    });
  });
});
