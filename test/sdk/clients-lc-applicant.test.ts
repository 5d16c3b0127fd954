import { expect } from "chai";
import { network } from "hardhat";
import { ZeroHash } from "ethers";
import { ContractError, createConsortia, documentsHash, marginRequired, type Deployment } from "@consortia/sdk";
import { fund } from "../helpers/consortium.js";
import { Kind, deployLettersOfCredit, documents } from "../letters-of-credit/fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

async function fixture() {
  const f = await deployLettersOfCredit(connection);
  await fund(f.platform, f.platform.accounts.core, 1_000_000n);
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
      LcApplicantAccounts: await entry(f.applicantAccounts),
    },
  };
  return { f, deployment };
}

describe("sdk/clients lcApplicant", () => {
  it("share, lock (approving), hold with the documents' hash, pay for release (approving), views", async () => {
    const { f, deployment } = await networkHelpers.loadFixture(fixture);
    const { accounts } = f.platform;
    const bank = await createConsortia({ runner: accounts.bankA, deployment, manageNonces: false });
    const applicant = await createConsortia({ runner: accounts.core, deployment, manageNonces: false });
    const lcId = await f.lc.connect(accounts.core).submitApplication.staticCall(accounts.bankA, f.terms());
    await f.lc.connect(accounts.core).submitApplication(accounts.bankA, f.terms());

    const { required } = await bank.lcApplicant.setMarginShare(lcId, 2_500);
    // the share of amount plus the fixture's 5 % tolerance
    expect(required)
      .to.equal(marginRequired(100_000n, 2_500, 5))
      .and.to.equal(26_250n);
    const wrong = await applicant.lcApplicant.lockMargin(lcId, 1n).catch((error: unknown) => error);
    expect(wrong).to.be.instanceOf(ContractError);
    expect((wrong as Error).message).to.match(/26250 margin is due now, not the 1 agreed/);
    const { amount, locked } = await applicant.lcApplicant.lockMargin(lcId);
    expect([amount, locked]).to.deep.equal([26_250n, 26_250n]);
    const view = await applicant.lcApplicant.margin(lcId);
    expect(view).to.deep.include({ shareBps: 2_500, required: 26_250n, due: 0n, locked: 26_250n, free: 26_250n });

    await f.lc.connect(accounts.bankA).approveApplication(lcId);
    await f.lc.connect(accounts.bankB).advise(lcId);
    await f.lc.connect(accounts.supplier1).acknowledge(lcId);
    // every kind the LC requires: a missing kind is a discrepancy the chain finds (LcPresentationChecks)
    const docs = documents(Kind.INVOICE, Kind.TRANSPORT_DOCUMENT, Kind.INSURANCE);
    const pid = await f.lc.connect(accounts.supplier1).present.staticCall(lcId, 60_000n, docs);
    await f.lc.connect(accounts.supplier1).present(lcId, 60_000n, docs);
    await f.lc.connect(accounts.bankA).examine(pid, []);
    await f.lc.connect(accounts.bankA).pay(pid, ZeroHash);

    const held = await bank.lcApplicant.holdDocuments(pid, docs);
    expect(held).to.deep.include({ documentsHash: documentsHash(docs), marginApplied: 26_250n, amountDue: 33_750n });
    expect(await applicant.lcApplicant.documentRelease(pid)).to.deep.include({
      state: "Held",
      amountDue: 33_750n,
      bankAccount: accounts.bankA.address,
      documentsHash: documentsHash(docs),
    });
    const paid = await applicant.lcApplicant.payForRelease(pid);
    expect(paid).to.deep.include({ amount: 33_750n, released: true });
    expect((await applicant.lcApplicant.documentRelease(pid)).state).to.equal("Settled");
    expect((await applicant.lcApplicant.margin(lcId)).free).to.equal(0n);
  });
});
