import { expect } from "chai";
import { network } from "hardhat";
import { passProposal } from "../helpers/consortium.js";
import { deployUpgradeable } from "../helpers/upgradeable.js";
import { DAY, ObligationStatus, deployLettersOfCredit, hash, type LcFixture } from "./fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const ZERO = ethers.ZeroHash;
/** Matches any event or error argument. */
const anyValue = (): boolean => true;

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
        0n, // currency 0: the settlement token
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

    it("a run whose only net debtor has no allowance settles nothing and reverts, leaving its obligation open", async () => {
      const id = await owe("bankA", "bankB", 500n);
      await f.platform.token.connect(acc().bankA).approve(f.positions, 0n);
      await expect(as("bankA").runNetting([id]))
        .to.be.revertedWithCustomError(f.positions, "NettingNothingSettles")
        .withArgs([ids().bankA], [500n]);
      expect((await f.positions.obligation(id)).status).to.equal(ObligationStatus.Open);
      expect(await f.positions.nettingRunCount()).to.equal(0n);
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

  describe("netting with a net debtor short of tokens", () => {
    const token = () => f.platform.token;
    /** Leaves `bank` exactly `amount` tokens (the rest goes to the core enterprise, an outsider to netting). */
    const leaveBalance = async (bank: "bankA" | "bankB" | "bankC", amount: bigint) => {
      const balance = await token().balanceOf(acc()[bank]);
      await token()
        .connect(acc()[bank])
        .transfer(acc().core, balance - amount);
    };

    it("excludes a debtor short of allowance: the rest settle, value is conserved, its obligation stays open", async () => {
      // A owes B 500, C owes B 300, B owes C 100: nets A -500, B +700, C -200; A may pay only 400
      const a1 = await owe("bankA", "bankB", 500n);
      const c1 = await owe("bankC", "bankB", 300n);
      const b1 = await owe("bankB", "bankC", 100n);
      await token().connect(acc().bankA).approve(f.positions, 400n);
      const [banks, nets] = await as("bankB").runNetting.staticCall([a1, c1, b1]);
      expect(banks).to.deep.equal([BigInt(ids().bankB), BigInt(ids().bankC)]);
      expect(nets).to.deep.equal([200n, -200n]);
      const tx = as("bankB").runNetting([a1, c1, b1]);
      await expect(tx)
        .to.emit(f.positions, "NettingRun")
        .withArgs(1n, ids().bankB, [c1, b1], [ids().bankB, ids().bankC], [200n, -200n]);
      await expect(tx).to.emit(f.positions, "NettingBankExcluded").withArgs(1n, ids().bankA, 500n, 400n, 100n);
      await expect(tx).to.changeTokenBalances(
        ethers,
        token(),
        [acc().bankA, acc().bankB, acc().bankC, f.positions],
        [0n, 200n, -200n, 0n],
      );
      expect((await f.positions.obligation(a1)).status).to.equal(ObligationStatus.Open);
      expect((await f.positions.obligation(c1)).status).to.equal(ObligationStatus.Netted);
      expect((await f.positions.obligation(b1)).status).to.equal(ObligationStatus.Netted);
      // the excluded obligation still uses B's line to A; the netted ones no longer use theirs
      expect((await f.positions.creditLine(ids().bankB, ids().bankA)).used).to.equal(500n);
      expect((await f.positions.creditLine(ids().bankB, ids().bankC)).used).to.equal(0n);
      expect(await token().allowance(acc().bankA, f.positions)).to.equal(400n);
      // the run records A's shortfall; the banks it netted, and other runs, have none
      expect(await f.positions.nettingShortfall(1n, ids().bankA)).to.equal(100n);
      expect(await f.positions.nettingShortfall(1n, ids().bankB)).to.equal(0n);
      expect(await f.positions.nettingShortfall(1n, ids().bankC)).to.equal(0n);
      expect(await f.positions.nettingShortfall(2n, ids().bankA)).to.equal(0n);

      // once A can pay, the open obligation settles in a later run
      await token().connect(acc().bankA).approve(f.positions, 500n);
      const later = as("bankA").runNetting([a1]);
      await expect(later)
        .to.emit(f.positions, "NettingRun")
        .withArgs(2n, ids().bankA, [a1], [ids().bankA, ids().bankB], [-500n, 500n]);
      await expect(later).not.to.emit(f.positions, "NettingBankExcluded");
      expect(await f.positions.nettingShortfall(2n, ids().bankA)).to.equal(0n);
      expect(await f.positions.nettingShortfall(1n, ids().bankA), "run 1's record stays").to.equal(100n);
      expect((await f.positions.obligation(a1)).status).to.equal(ObligationStatus.Netted);
      expect((await f.positions.creditLine(ids().bankB, ids().bankA)).used).to.equal(0n);
    });

    it("refuses a run whose initiator is excluded for its own shortfall: it may not net the others' obligations", async () => {
      // A owes B 500 and may pay 100; C owes B 300. Without A's obligation, A is no party to what would settle.
      const a1 = await owe("bankA", "bankB", 500n);
      const c1 = await owe("bankC", "bankB", 300n);
      await token().connect(acc().bankA).approve(f.positions, 100n);
      await expect(as("bankA").runNetting([a1, c1]))
        .to.be.revertedWithCustomError(f.positions, "NettingNotParticipant")
        .withArgs(ids().bankA);
      expect((await f.positions.obligation(c1)).status).to.equal(ObligationStatus.Open);
      expect(await f.positions.nettingRunCount(), "a refused run records nothing").to.equal(0n);
      expect(await f.positions.nettingShortfall(1n, ids().bankA)).to.equal(0n);
      // B, a party to the obligation that settles, may run it.
      await expect(as("bankB").runNetting([a1, c1]))
        .to.emit(f.positions, "NettingBankExcluded")
        .withArgs(1n, ids().bankA, 500n, 100n, 400n);
    });

    it("excludes a debtor short of balance (allowance unlimited); its obligation can then settle gross", async () => {
      const a1 = await owe("bankA", "bankB", 500n);
      const c1 = await owe("bankC", "bankB", 300n);
      await leaveBalance("bankA", 150n);
      const tx = as("bankC").runNetting([a1, c1]);
      await expect(tx)
        .to.emit(f.positions, "NettingRun")
        .withArgs(1n, ids().bankC, [c1], [ids().bankB, ids().bankC], [300n, -300n]);
      await expect(tx).to.emit(f.positions, "NettingBankExcluded").withArgs(1n, ids().bankA, 500n, 150n, 350n);
      await expect(tx).to.changeTokenBalances(ethers, token(), [acc().bankA, acc().bankB], [0n, 300n]);
      expect((await f.positions.obligation(a1)).status).to.equal(ObligationStatus.Open);

      await token().connect(acc().core).transfer(acc().bankA, 350n);
      await expect(as("bankA").settleObligation(a1, ZERO)).to.changeTokenBalances(
        ethers,
        token(),
        [acc().bankA, acc().bankB],
        [-500n, 500n],
      );
      expect((await f.positions.obligation(a1)).status).to.equal(ObligationStatus.Settled);
    });

    it("a debtor that can pay exactly its net is not excluded", async () => {
      const a1 = await owe("bankA", "bankB", 500n);
      await token().connect(acc().bankA).approve(f.positions, 500n);
      await leaveBalance("bankA", 500n);
      const tx = as("bankA").runNetting([a1]);
      await expect(tx).not.to.emit(f.positions, "NettingBankExcluded");
      await expect(tx).to.changeTokenBalances(ethers, token(), [acc().bankA, acc().bankB], [-500n, 500n]);
    });

    it("cascades to a fixed point: excluding A makes B short, and a run that then settles nothing reverts", async () => {
      // A owes B 500, B owes C 600: nets A -500, B -100, C +600. A can pay nothing, B only 300: B is short
      // only once A's 500 no longer comes in.
      const a1 = await owe("bankA", "bankB", 500n);
      const b1 = await owe("bankB", "bankC", 600n);
      await token().connect(acc().bankA).approve(f.positions, 0n);
      await token().connect(acc().bankB).approve(f.positions, 300n);
      await expect(as("bankC").runNetting([a1, b1]))
        .to.be.revertedWithCustomError(f.positions, "NettingNothingSettles")
        .withArgs([ids().bankA, ids().bankB], [500n, 300n]);
      for (const id of [a1, b1]) expect((await f.positions.obligation(id)).status).to.equal(ObligationStatus.Open);
      expect((await f.positions.creditLine(ids().bankB, ids().bankA)).used).to.equal(500n);
      expect((await f.positions.creditLine(ids().bankC, ids().bankB)).used).to.equal(600n);
    });

    it("excludes the largest shortfall first, so a debtor short only through it is kept", async () => {
      // B owes A 100, A owes C 1000, C owes B 50: nets A -900, B -50, C +950. A can pay 0 (short 900), B only 20
      // (short 30). Excluding A first takes out B->A and A->C: B's net becomes +50 and C's -50, both can pay.
      const b1 = await owe("bankB", "bankA", 100n);
      const a1 = await owe("bankA", "bankC", 1000n);
      const c1 = await owe("bankC", "bankB", 50n);
      await token().connect(acc().bankA).approve(f.positions, 0n);
      await token().connect(acc().bankB).approve(f.positions, 20n);
      const tx = as("bankB").runNetting([b1, a1, c1]);
      await expect(tx)
        .to.emit(f.positions, "NettingRun")
        .withArgs(1n, ids().bankB, [c1], [ids().bankB, ids().bankC], [50n, -50n]);
      await expect(tx).to.emit(f.positions, "NettingBankExcluded").withArgs(1n, ids().bankA, 900n, 0n, 900n);
      const receipt = await (await tx).wait();
      const excluded = receipt!.logs.filter(
        (l) => l.topics[0] === f.positions.interface.getEvent("NettingBankExcluded").topicHash,
      );
      expect(excluded.length).to.equal(1);
      for (const id of [b1, a1]) expect((await f.positions.obligation(id)).status).to.equal(ObligationStatus.Open);
    });

    it("a short bank not in good standing still makes the whole run revert (a rule, not a shortfall)", async () => {
      const a1 = await owe("bankA", "bankB", 500n);
      const c1 = await owe("bankC", "bankB", 300n);
      await token().connect(acc().bankA).approve(f.positions, 0n);
      await passProposal(
        f.platform,
        f.platform.registry,
        f.platform.registry.interface.encodeFunctionData("suspendMember", [ids().bankA]),
      );
      await expect(as("bankC").runNetting([a1, c1]))
        .to.be.revertedWithCustomError(f.platform.registry, "MemberNotActive")
        .withArgs(ids().bankA, 2);
    });
  });

  describe("currencies (one deposit token per currency, netted apart)", () => {
    const USD = 840;
    /** A second deposit token mapped to currency 840 by governance; every bank holds 10,000 and approves. */
    const withUsd = async () => {
      const usd = await deployUpgradeable(
        ethers,
        "DepositToken",
        [f.platform.registry, f.platform.freezeOrders],
        ["Consortia Deposit USD", "dUSD", 2],
      );
      await passProposal(
        f.platform,
        f.positions,
        f.positions.interface.encodeFunctionData("setCurrencyToken", [USD, await usd.getAddress()]),
      );
      for (const bank of ["bankA", "bankB", "bankC"] as const) {
        await usd.connect(acc().bankA).mint(acc()[bank], 10_000n);
        await usd.connect(acc()[bank]).approve(f.positions, ethers.MaxUint256);
      }
      return usd;
    };
    const oweIn = async (
      debtor: "bankA" | "bankB" | "bankC",
      creditor: "bankA" | "bankB" | "bankC",
      amount: bigint,
    ) => {
      await as(debtor).recordObligationIn(USD, ids()[creditor], amount, 0, ZERO);
      return f.positions.obligationCount();
    };

    it("existing obligations are in currency 0, the settlement token", async () => {
      const id = await owe("bankA", "bankB", 500n);
      expect((await f.positions.obligation(id)).currency).to.equal(0n);
      expect(await f.positions.currencyToken(0)).to.equal(f.platform.token.target);
      await expect(as("bankA").recordObligationIn(0, ids().bankB, 1n, 0, ZERO)).not.to.emit(
        f.positions,
        "ObligationCurrency",
      );
    });

    it("only governance maps a currency to its token, once; currency 0 and the zero address are refused", async () => {
      await expect(f.positions.connect(acc().bankA).setCurrencyToken(USD, acc().bankA))
        .to.be.revertedWithCustomError(f.positions, "OnlyGovernance")
        .withArgs(acc().bankA.address);
      const usd = await withUsd();
      expect(await f.positions.currencyToken(USD)).to.equal(usd.target);
      // remapping while obligations may be open in it would change the token they settle in: refused, always
      const encode = (c: number, t: string) => f.positions.interface.encodeFunctionData("setCurrencyToken", [c, t]);
      const refused = (data: string, description: string, error: string, args: unknown[]) =>
        expect(passProposal(f.platform, f.positions, data, description))
          .to.be.revertedWithCustomError(f.platform.registry, "ProposalCallFailed")
          .withArgs(anyValue, f.positions.interface.encodeErrorResult(error, args));
      await refused(encode(USD, acc().bankA.address), "remap", "CurrencyTokenAlreadySet", [USD, usd.target]);
      expect(await f.positions.currencyToken(USD)).to.equal(usd.target);
      await refused(encode(0, acc().bankA.address), "zero", "CurrencyTokenAlreadySet", [0, f.platform.token.target]);
      await refused(encode(7, ethers.ZeroAddress), "none", "InvalidValue", [ethers.encodeBytes32String("token")]);
      expect(await f.positions.currencyToken(7)).to.equal(ethers.ZeroAddress);
    });

    it("an obligation in a currency with no token is refused", async () => {
      await expect(as("bankA").recordObligationIn(USD, ids().bankB, 1n, 0, ZERO))
        .to.be.revertedWithCustomError(f.positions, "CurrencyUnknown")
        .withArgs(USD);
    });

    it("an obligation in a currency records it and settles gross in that currency's token", async () => {
      const usd = await withUsd();
      const tx = as("bankA").recordObligationIn(USD, ids().bankB, 700n, 0, ZERO);
      await expect(tx).to.emit(f.positions, "ObligationCurrency").withArgs(1n, USD);
      expect((await f.positions.obligation(1n)).currency).to.equal(BigInt(USD));
      const settle = as("bankA").settleObligation(1n, ZERO);
      await expect(settle).to.changeTokenBalances(ethers, usd, [acc().bankA, acc().bankB], [-700n, 700n]);
      await expect(settle).to.changeTokenBalances(ethers, f.platform.token, [acc().bankA, acc().bankB], [0n, 0n]);
    });

    it("a batch mixing currencies is refused: one net position never adds two currencies", async () => {
      await withUsd();
      const cny = await owe("bankA", "bankB", 500n);
      const usd = await oweIn("bankB", "bankA", 500n);
      await expect(as("bankA").runNetting([cny, usd]))
        .to.be.revertedWithCustomError(f.positions, "NettingCurrencyMixed")
        .withArgs(usd, USD, 0);
      await expect(as("bankA").runNetting([usd, cny]))
        .to.be.revertedWithCustomError(f.positions, "NettingCurrencyMixed")
        .withArgs(cny, 0, USD);
      expect((await f.positions.obligation(cny)).status).to.equal(ObligationStatus.Open);
    });

    it("a run in a currency nets and settles in its token only", async () => {
      const usd = await withUsd();
      const a1 = await oweIn("bankA", "bankB", 500n);
      const b1 = await oweIn("bankB", "bankC", 200n);
      const tx = as("bankA").runNetting([a1, b1]);
      await expect(tx)
        .to.emit(f.positions, "NettingRun")
        .withArgs(1n, ids().bankA, [a1, b1], [ids().bankA, ids().bankB, ids().bankC], [-500n, 300n, 200n]);
      await expect(tx).to.emit(f.positions, "NettingRunCurrency").withArgs(1n, USD);
      await expect(tx).to.changeTokenBalances(
        ethers,
        usd,
        [acc().bankA, acc().bankB, acc().bankC],
        [-500n, 300n, 200n],
      );
      await expect(tx).to.changeTokenBalances(ethers, f.platform.token, [acc().bankA, acc().bankB], [0n, 0n]);
      expect(await usd.balanceOf(f.positions)).to.equal(0n);
    });

    it("a bank short in one currency is excluded in that currency only", async () => {
      const usd = await withUsd();
      await usd.connect(acc().bankA).approve(f.positions, 100n); // A can pay 100 in USD, all it needs in CNY
      const u1 = await oweIn("bankA", "bankB", 500n);
      const u2 = await oweIn("bankC", "bankB", 300n);
      const c1 = await owe("bankA", "bankB", 500n);
      const usdRun = as("bankB").runNetting([u1, u2]);
      await expect(usdRun).to.emit(f.positions, "NettingBankExcluded").withArgs(1n, ids().bankA, 500n, 100n, 400n);
      await expect(usdRun).to.emit(f.positions, "NettingRunCurrency").withArgs(1n, USD);
      expect(await f.positions.nettingShortfall(1n, ids().bankA)).to.equal(400n);
      const cnyRun = as("bankB").runNetting([c1]);
      await expect(cnyRun).not.to.emit(f.positions, "NettingBankExcluded");
      await expect(cnyRun).not.to.emit(f.positions, "NettingRunCurrency");
      await expect(cnyRun).to.changeTokenBalances(ethers, f.platform.token, [acc().bankA, acc().bankB], [-500n, 500n]);
      expect((await f.positions.obligation(u1)).status).to.equal(ObligationStatus.Open);
      expect((await f.positions.obligation(c1)).status).to.equal(ObligationStatus.Netted);
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
