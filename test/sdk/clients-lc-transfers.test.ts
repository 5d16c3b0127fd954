import { expect } from "chai";
import { network } from "hardhat";
import { ContractError, createConsortia, type Deployment } from "../../packages/sdk/src/index.js";
import { fund } from "../helpers/consortium.js";
import { DAY, Kind, deployLettersOfCredit, documents, hash } from "../letters-of-credit/fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

async function fixture() {
  const f = await deployLettersOfCredit(connection);
  const entry = async (contract: { getAddress(): Promise<string> }) => ({
    address: await contract.getAddress(),
    block: 0,
  });
  const deployment: Deployment = {
    chainId: Number((await ethers.provider.getNetwork()).chainId),
    deploymentBlock: 0,
    contracts: {
      ConsortiumRegistry: await entry(f.platform.registry),
      DepositToken: await entry(f.platform.token),
      PaymentLedger: await entry(f.platform.ledger),
      InterbankPositions: await entry(f.positions),
      LetterOfCredit: await entry(f.lc),
      LcTransfers: await entry(f.transfers),
    },
  };
  return { f, deployment };
}

describe("sdk/clients lcTransfers", () => {
  it("designate, request, execute, present, substitute, pay (approving), views, decoded errors", async () => {
    const { f, deployment } = await networkHelpers.loadFixture(fixture);
    const { accounts } = f.platform;
    const client = (runner: (typeof accounts)["bankA"]) => createConsortia({ runner, deployment, manageNonces: false });
    const [bank, first, second] = await Promise.all([
      client(accounts.bankA),
      client(accounts.supplier1),
      client(accounts.supplier2),
    ]);
    const lcId = await f.lc.connect(accounts.bankA).issue.staticCall(accounts.core, f.terms());
    await f.lc.connect(accounts.bankA).issue(accounts.core, f.terms());
    await f.lc.connect(accounts.bankB).advise(lcId);
    await f.lc.connect(accounts.supplier1).acknowledge(lcId);

    const terms = {
      secondBeneficiary: accounts.supplier2.address,
      amount: 60_000n,
      expiry: f.now + 80n * DAY,
      latestShipment: f.now + 50n * DAY,
      presentationPeriodDays: 10,
      termsHash: hash("transferred terms"),
    };
    const refused = await first.lcTransfers.requestTransfer(lcId, terms).catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(ContractError);
    expect((refused as Error).message).to.match(/not designated transferable by its issuing bank \(art\. 38b\)/);

    await bank.lcTransfers.designateTransferable(lcId);
    const { transferId } = await first.lcTransfers.requestTransfer(lcId, terms);
    expect(transferId).to.equal((lcId << 16n) | 1n);
    const { transferred } = await bank.lcTransfers.executeTransfer(transferId);
    expect(transferred).to.equal(60_000n);
    expect(await bank.lcTransfers.transfer(transferId)).to.deep.include({
      state: "Executed",
      amount: 60_000n,
      lcId,
      secondBeneficiaryAccount: accounts.supplier2.address,
    });
    expect(await bank.lcTransfers.credit(lcId)).to.deep.include({
      transferable: true,
      transferred: 60_000n,
      room: 45_000n,
    });

    const shipped = BigInt(await networkHelpers.time.latest()) - DAY;
    const { secondPresentationId } = await second.lcTransfers.presentUnderTransfer(
      transferId,
      60_000n,
      hash("second docs"),
      shipped,
    );
    const docs = documents(Kind.INVOICE, Kind.TRANSPORT_DOCUMENT, Kind.INSURANCE);
    const pid = await f.lc.connect(accounts.supplier1).present.staticCall(lcId, 70_000n, docs);
    await f.lc.connect(accounts.supplier1).present(lcId, 70_000n, docs);
    // The first beneficiary funds what the second is owed: the substitution escrows it (the client approves it).
    await fund(f.platform, accounts.supplier1, 60_000n);
    const firstBefore = await f.platform.token.balanceOf(accounts.supplier1);
    await first.lcTransfers.substituteInvoice(pid, [secondPresentationId], hash("invoice"));
    expect(await f.platform.token.balanceOf(accounts.supplier1)).to.equal(firstBefore - 60_000n);
    expect(await bank.lcTransfers.secondPresentation(secondPresentationId)).to.deep.include({
      state: "Substituted",
      lcPresentationId: pid,
    });

    const early = await bank.lcTransfers.paySecondBeneficiary(secondPresentationId).catch((error: unknown) => error);
    expect((early as Error).message).to.match(/is Presented: the LC has not paid or accepted it/);
    await f.lc.connect(accounts.bankA).examine(pid, []);
    await f.lc.connect(accounts.bankA).pay(pid, ethers.ZeroHash);
    // The bank's own tokens are not touched (no allowance): the second beneficiary is paid out of the escrow.
    await f.platform.token.connect(accounts.bankA).approve(f.transfers, 0n);
    const before = await f.platform.token.balanceOf(accounts.supplier2);
    const bankBefore = await f.platform.token.balanceOf(accounts.bankA);
    const { amount } = await bank.lcTransfers.paySecondBeneficiary(secondPresentationId);
    expect(amount).to.equal(60_000n);
    expect(await f.platform.token.balanceOf(accounts.supplier2)).to.equal(before + 60_000n);
    expect(await f.platform.token.balanceOf(accounts.bankA)).to.equal(bankBefore);
    expect((await bank.lcTransfers.secondPresentation(secondPresentationId)).state).to.equal("Paid");
    expect(await bank.lcTransfers.masterOf(lcId)).to.equal(0n);
  });
});
