import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, toUtf8Bytes } from "ethers";
import { ContractError, confirmedTermsDigest, createConsortia, type Deployment } from "@consortia/sdk";
import { deployLettersOfCredit } from "../letters-of-credit/fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const hash = (text: string) => keccak256(toUtf8Bytes(text));

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
      LcConfirmations: await entry(f.confirmations),
    },
  };
  return { f, deployment };
}

describe("sdk/clients lcConfirmations", () => {
  it("authorize, confirm (terms read now), amendment declined then extended; views and decoded errors", async () => {
    const { f, deployment } = await networkHelpers.loadFixture(fixture);
    const { accounts, ids } = f.platform;
    const issuer = await createConsortia({ runner: accounts.bankA, deployment, manageNonces: false });
    const bank = await createConsortia({ runner: accounts.bankC, deployment, manageNonces: false });
    const terms = f.terms({ nominatedBank: accounts.bankC.address });
    const lcId = await f.lc.connect(accounts.bankA).issue.staticCall(accounts.core, terms);
    await f.lc.connect(accounts.bankA).issue(accounts.core, terms);

    const wrong = await issuer.lcConfirmations.authorize(lcId, ids.bankB, true).catch((error: unknown) => error);
    expect(wrong).to.be.instanceOf(ContractError);
    expect((wrong as Error).message).to.match(/is not its nominated bank/);
    const { termsDigest } = await issuer.lcConfirmations.authorize(lcId, ids.bankC, true);
    let view = await bank.lcConfirmations.confirmation(lcId);
    expect(view.authorization).to.deep.include({ confirmingBank: ids.bankC, requested: true, termsDigest });
    expect(confirmedTermsDigest(view.currentTerms)).to.equal(termsDigest);

    await bank.lcConfirmations.confirm(lcId);
    const amendment = {
      amount: 120_000n,
      expiry: terms.expiry,
      latestShipment: terms.latestShipment,
      termsHash: hash("v2"),
    };
    await f.lc.connect(accounts.bankA).proposeAmendment(lcId, amendment);
    await f.lc.connect(accounts.supplier1).acceptAmendment(lcId, amendment);
    await bank.lcConfirmations.declineAmendment(lcId, hash("advice"));
    view = await bank.lcConfirmations.confirmation(lcId);
    expect(view).to.deep.include({
      confirmingBank: ids.bankC,
      authorization: null,
      upToDate: false,
      bound: true,
      confirmedMaximum: 105_000n,
      currentMaximum: 126_000n,
      outstanding: 105_000n,
    });
    expect(view.declinedDigest).to.equal(confirmedTermsDigest(view.currentTerms));
    const { amendmentsExtended } = await bank.lcConfirmations.extend(lcId);
    expect(amendmentsExtended).to.equal(1);
    view = await bank.lcConfirmations.confirmation(lcId);
    expect(view).to.deep.include({ upToDate: true, confirmedMaximum: 126_000n, declinedDigest: null });
    const again = await bank.lcConfirmations.extend(lcId).catch((error: unknown) => error);
    expect((again as Error).message).to.match(/no amendment since the confirmation/);
  });
});
