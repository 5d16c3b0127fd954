import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, toUtf8Bytes } from "ethers";
import { deployPlatform, type Platform } from "../helpers/consortium.js";
import {
  type Consortia,
  ContractError,
  createConsortia,
  createMemoryPayloadStore,
  type Deployment,
  ENVELOPE_GM_SUITE,
  envelopeHash,
  deriveSubjectKey,
  envelopeReaders,
  generateConsortiumKey,
  generateEncryptionKeyPair,
} from "@consortia/sdk";
import { deployUpgradeable } from "../helpers/upgradeable.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const h = (text: string) => keccak256(toUtf8Bytes(text));
const CONSORTIUM_KEY = generateConsortiumKey();
const IDENTIFIER = { kind: "resident-id", value: "11010519491231002X" } as const;

async function fixture() {
  const platform: Platform = await deployPlatform(connection);
  const blacklist = await deployUpgradeable(ethers, "CreditBlacklist", [platform.registry]);
  await platform.finishBootstrap();
  const keys = { bankB: generateEncryptionKeyPair(), regulator: generateEncryptionKeyPair() };
  await platform.registry.connect(platform.accounts.bankB).setEncryptionKey(keys.bankB.publicKey);
  await platform.registry.connect(platform.accounts.regulator).setEncryptionKey(keys.regulator.publicKey);
  const deployment: Deployment = {
    chainId: Number((await ethers.provider.getNetwork()).chainId),
    deploymentBlock: 0,
    contracts: {
      ConsortiumRegistry: { address: await platform.registry.getAddress(), block: 0 },
      DepositToken: { address: await platform.token.getAddress(), block: 0 },
      PaymentLedger: { address: await platform.ledger.getAddress(), block: 0 },
      CreditBlacklist: { address: await blacklist.getAddress(), block: 0 },
    },
  };
  const as = (signer: Parameters<typeof createConsortia>[0]["runner"]): Promise<Consortia> =>
    createConsortia({ runner: signer, deployment });
  const now = BigInt(await networkHelpers.time.latest());
  return { platform, keys, as, now };
}

describe("sdk/clients credit", () => {
  it("report derives the subject key, seals for the readers plus the regulator, and puts only hashes on chain", async () => {
    const { platform, keys, as, now } = await networkHelpers.loadFixture(fixture);
    const bankA = await as(platform.accounts.bankA);
    const store = createMemoryPayloadStore();
    const details = new TextEncoder().encode(JSON.stringify({ loan: "L-1" }));
    const reported = await bankA.credit.report({ identifier: IDENTIFIER, consortiumKey: CONSORTIUM_KEY }, "Person", {
      category: "Default",
      severity: 4,
      expiresAt: now + 365n * 86_400n,
      evidenceHash: h("evidence"),
      payload: { plaintext: details, readers: [platform.ids.bankB], store },
    });
    expect(reported.subjectKey).to.equal(deriveSubjectKey({ consortiumKey: CONSORTIUM_KEY, ...IDENTIFIER }));
    expect(reported.number).to.equal(1);
    expect(envelopeReaders(reported.envelope!)).to.have.members([platform.ids.bankB, platform.ids.regulator]);
    expect(await store.has(reported.payloadLocationHash as `0x${string}`)).to.equal(true);
    const hashes = await bankA.credit.versionHashes(reported.subjectKey, 1);
    expect(hashes).to.deep.equal({
      version: 1,
      evidenceHash: h("evidence"),
      payloadHash: reported.payloadHash,
      payloadLocationHash: reported.payloadLocationHash,
    });
    // The regulator (added automatically) and bank B open it; the plaintext never went on chain.
    const bankB = await as(platform.accounts.bankB);
    const opened = await bankB.credit.openPayload(
      reported.subjectKey,
      1,
      { memberId: platform.ids.regulator, privateKey: keys.regulator.privateKey },
      store,
    );
    expect(new TextDecoder().decode(opened)).to.equal(JSON.stringify({ loan: "L-1" }));
    const receipt = await ethers.provider.getTransaction(reported.receipt.hash);
    expect(receipt!.data).not.to.contain(Buffer.from("L-1").toString("hex"));
  });

  it("a consortium deployed with the GM suite seals with SM2/SM3/SM4 (format v3) to its members' SM2 keys", async () => {
    const { platform, as, now } = await networkHelpers.loadFixture(fixture);
    const gm = { bankB: generateEncryptionKeyPair("gm"), regulator: generateEncryptionKeyPair("gm") };
    await platform.registry.connect(platform.accounts.bankB).setEncryptionKey(gm.bankB.publicKey);
    await platform.registry.connect(platform.accounts.regulator).setEncryptionKey(gm.regulator.publicKey);
    const standard = await as(platform.accounts.bankA);
    const bankA = await createConsortia({
      runner: platform.accounts.bankA,
      deployment: { ...standard.deployment, envelopeSuite: "gm" },
    });
    const store = createMemoryPayloadStore();
    const reported = await bankA.credit.report({ subjectKey: h("gm subject") }, "Company", {
      category: "Default",
      severity: 3,
      expiresAt: now + 86_400n * 90n,
      evidenceHash: h("gm evidence"),
      payload: { plaintext: new TextEncoder().encode("逾期 90 天"), readers: [platform.ids.bankB], store },
    });
    expect(reported.envelope).to.deep.include({ version: 3, suite: ENVELOPE_GM_SUITE });
    expect(reported.payloadHash).to.equal(envelopeHash(reported.envelope!));
    for (const [memberId, key] of [
      [platform.ids.bankB, gm.bankB],
      [platform.ids.regulator, gm.regulator],
    ] as const) {
      const opened = await bankA.credit.openPayload(
        reported.subjectKey,
        1,
        { memberId, privateKey: key.privateKey },
        store,
      );
      expect(new TextDecoder().decode(opened)).to.equal("逾期 90 天");
    }
  });

  it("query sends the logged transaction and returns the decoded page; update, dispute, resolve, revoke", async () => {
    const { platform, as, now } = await networkHelpers.loadFixture(fixture);
    const bankA = await as(platform.accounts.bankA);
    const bankB = await as(platform.accounts.bankB);
    const content = {
      category: "Fraud",
      severity: 2,
      expiresAt: now + 86_400n * 30n,
      evidenceHash: h("e"),
      payload: { payloadHash: h("p"), payloadLocationHash: h("l") },
    } as const;
    const { subjectKey } = await bankA.credit.report({ subjectKey: h("subject") }, "Company", content);
    const page = await bankB.credit.query(subjectKey, h("consent"));
    expect(page.listings).to.have.length(1);
    expect(page.listings[0]).to.deep.include({
      number: 1,
      reporter: platform.ids.bankA,
      subjectKind: "Company",
      category: "Fraud",
      status: "Active",
      version: 1,
    });
    expect(page).to.deep.include({ nextCursor: 0, shown: 1, consistent: true });
    const log = await ethers.provider.getTransactionReceipt(page.receipt.hash);
    expect(log!.logs).to.have.length(1); // SubjectQueried: the read is on the record

    const updated = await bankA.credit.update(subjectKey, 1, { ...content, severity: 3 });
    expect(updated.version).to.equal(2);
    await bankB.credit.dispute(subjectKey, 1, h("complaint"));
    expect((await bankA.credit.entry(subjectKey, 1)).status).to.equal("Disputed");
    await bankA.credit.resolve(subjectKey, 1, "Upheld");
    await bankA.credit.revoke(subjectKey, 1, h("repaid"));
    const after = await bankB.credit.queryAll(subjectKey, h("consent 2"));
    expect(after.listings).to.deep.equal([]);
  });

  it("reverts decode with the credit messages", async () => {
    const { platform, as, now } = await networkHelpers.loadFixture(fixture);
    const bankA = await as(platform.accounts.bankA);
    const { subjectKey } = await bankA.credit.report({ subjectKey: h("s") }, "Person", {
      category: "Other",
      severity: 1,
      expiresAt: now + 86_400n,
      evidenceHash: h("e"),
      payload: { payloadHash: h("p"), payloadLocationHash: h("l") },
    });
    const error = await bankA.credit.dispute(subjectKey, 1, h("r")).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(ContractError);
    expect((error as ContractError).decoded.message).to.equal(
      `member ${platform.ids.bankA} reported entry 1 itself: update or revoke it instead`,
    );
    const consent = await (
      await as(platform.accounts.bankB)
    ).credit
      .query(subjectKey, ethers.ZeroHash)
      .catch((caught: unknown) => caught);
    expect((consent as ContractError).decoded.name).to.equal("ConsentRequired");
  });
});
