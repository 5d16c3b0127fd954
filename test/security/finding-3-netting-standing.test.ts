import { expect } from "chai";
import { network } from "hardhat";
import { Roles } from "@consortia/sdk";
import { passProposal } from "../helpers/consortium.js";
import { DAY, deploySuite, h, type Suite } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

/**
 * bankA owes bankB 100 and bankB owes bankA 100 (both due), bankC owes bankA 50 and bankA owes bankC 30: bankB's net
 * position in a run over the first two is zero. Settlement accounts set, lines granted.
 */
async function obligations(): Promise<Suite & { ids4: bigint[] }> {
  const suite = await deploySuite(connection);
  const { positions, accounts, ids, token } = suite;
  const { bankA, bankB, bankC } = accounts;
  for (const bank of [bankA, bankB, bankC]) {
    await positions.connect(bank).setSettlementAccount(bank);
    await token.connect(bank).approve(positions, 1_000_000n);
  }
  await positions.connect(bankA).setCreditLine(ids.bankB, 1_000n);
  await positions.connect(bankB).setCreditLine(ids.bankA, 1_000n);
  await positions.connect(bankA).setCreditLine(ids.bankC, 1_000n);
  await positions.connect(bankC).setCreditLine(ids.bankA, 1_000n);
  const dueAt = BigInt(await networkHelpers.time.latest()) + DAY;
  const first = (await positions.obligationCount()) + 1n;
  await positions.connect(bankA).recordObligation(ids.bankB, 100n, dueAt, h("a owes b"));
  await positions.connect(bankB).recordObligation(ids.bankA, 100n, dueAt, h("b owes a"));
  await positions.connect(bankC).recordObligation(ids.bankA, 50n, dueAt, h("c owes a"));
  await positions.connect(bankA).recordObligation(ids.bankC, 30n, dueAt, h("a owes c"));
  await networkHelpers.time.increaseTo(dueAt);
  return { ...suite, ids4: [first, first + 1n, first + 2n, first + 3n] };
}

describe("audit finding 3 (medium): every bank named in a netting run must be in good standing", () => {
  it("refuses a run that closes obligations of a suspended bank whose net position is zero", async () => {
    const suite = await networkHelpers.loadFixture(obligations);
    const { positions, registry, accounts, ids, ids4 } = suite;
    await suite.suspend("bankB");
    await expect(positions.connect(accounts.bankA).runNetting([ids4[0], ids4[1]]))
      .to.be.revertedWithCustomError(registry, "MemberNotActive")
      .withArgs(ids.bankB, 2);
  });

  it("refuses a run naming a bank that no longer holds the LC bank role, whatever its net", async () => {
    const suite = await networkHelpers.loadFixture(obligations);
    const { positions, registry, accounts, ids, ids4 } = suite;
    const roles = (await registry.member(ids.bankB)).roles & ~Roles.LC_BANK;
    await passProposal(suite, registry, registry.interface.encodeFunctionData("setRoles", [ids.bankB, roles]));
    await expect(positions.connect(accounts.bankA).runNetting([ids4[0], ids4[1]]))
      .to.be.revertedWithCustomError(registry, "MissingRole")
      .withArgs(ids.bankB, Roles.LC_BANK);
  });

  it("nets obligations among banks in good standing", async () => {
    const { positions, accounts, ids4 } = await networkHelpers.loadFixture(obligations);
    await expect(positions.connect(accounts.bankA).runNetting([ids4[0], ids4[1], ids4[2], ids4[3]])).to.emit(
      positions,
      "NettingRun",
    );
  });
});
