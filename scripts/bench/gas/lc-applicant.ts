import { AbiCoder, keccak256, toUtf8Bytes, ZeroHash } from "ethers";
import { fund } from "../../../test/helpers/consortium.js";
import { deployLettersOfCredit, documents, Kind } from "../../../test/letters-of-credit/fixture.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";

const APP = "lc-applicant";
const hash = (text: string): string => keccak256(toUtf8Bytes(text));

/**
 * Gas of the applicant's side of an LC (LcApplicantAccounts): the bank sets the margin share, the applicant locks the
 * margin (first lock, and the top-up after an amendment), the bank holds a paid presentation's documents with the
 * margin applied, the applicant pays for their release, a release on trust receipt and the payment after it, the
 * bank naming a new account for a reimbursement, the hold after reimbursing a nominated bank, and the margin returned
 * after closing. The fixture's terms have a 5 % plus tolerance: the margin is the share of 105,000.
 */
export const measure: MeasureGas = async (connection) => {
  const { ethers } = connection;
  const f = await deployLettersOfCredit(connection);
  const { platform, lc, applicantAccounts: margin } = f;
  const { accounts } = platform;
  const rows: GasRow[] = [];
  const row = (step: string, gas: bigint) => rows.push({ app: APP, step, gas });
  await fund(platform, accounts.core, 1_000_000n);
  await platform.token.connect(accounts.core).approve(margin, ethers.MaxUint256);
  const docs = documents(Kind.INVOICE, Kind.TRANSPORT_DOCUMENT, Kind.INSURANCE);
  const docsHash = keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["tuple(bytes32 contentHash, bytes32 uriHash, uint16 kind)[]"],
      [docs.map((d) => [d.contentHash, d.uriHash, d.kind])],
    ),
  );

  const apply = async (): Promise<bigint> => {
    const id = await lc.connect(accounts.core).submitApplication.staticCall(accounts.bankA, f.terms());
    await lc.connect(accounts.core).submitApplication(accounts.bankA, f.terms());
    return id;
  };
  const paid = async (lcId: bigint, amount: bigint): Promise<bigint> => {
    const pid = await lc.connect(accounts.supplier1).present.staticCall(lcId, amount, docs);
    await lc.connect(accounts.supplier1).present(lcId, amount, docs);
    await lc.connect(accounts.bankA).examine(pid, []);
    await lc.connect(accounts.bankA).pay(pid, ZeroHash);
    return pid;
  };

  const lcId = await apply();
  row("issuing bank sets the margin share", await gasOf(await margin.connect(accounts.bankA).setMarginShare(lcId, 2_000)));
  row("applicant locks the margin (first lock)", await gasOf(await margin.connect(accounts.core).lockMargin(lcId, 21_000n)));
  await lc.connect(accounts.bankA).approveApplication(lcId);
  await lc.connect(accounts.bankB).advise(lcId);
  await lc.connect(accounts.supplier1).acknowledge(lcId);
  const amendment = { amount: 150_000n, expiry: f.now + 120n * 86_400n, latestShipment: f.now + 90n * 86_400n, termsHash: hash("v2") };
  await lc.connect(accounts.bankA).proposeAmendment(lcId, amendment);
  await lc.connect(accounts.supplier1).acceptAmendment(lcId, amendment);
  row(
    "applicant locks the share of an amendment's increase (top-up)",
    await gasOf(await margin.connect(accounts.core).lockMargin(lcId, 10_500n)),
  );

  const first = await paid(lcId, 50_000n);
  row(
    "issuing bank holds paid documents, margin applied (token transfer)",
    await gasOf(await margin.connect(accounts.bankA).holdDocuments(first, docsHash)),
  );
  row(
    "applicant pays for release of the documents (付款赎单)",
    await gasOf(await margin.connect(accounts.core).payForRelease(first, 18_500n)),
  );
  const second = await paid(lcId, 40_000n);
  row(
    "issuing bank holds paid documents, no margin left",
    await gasOf(await margin.connect(accounts.bankA).holdDocuments(second, docsHash)),
  );
  row(
    "issuing bank releases on trust receipt",
    await gasOf(await margin.connect(accounts.bankA).releaseOnTrustReceipt(second, hash("trust receipt"))),
  );
  row(
    "applicant pays after a trust-receipt release",
    await gasOf(await margin.connect(accounts.core).payForRelease(second, 40_000n)),
  );

  const third = await paid(lcId, 10_000n);
  await margin.connect(accounts.bankA).holdDocuments(third, docsHash);
  const [, , newAccount] = platform.outsiders;
  await platform.registry.connect(accounts.bankA).addAccount(platform.ids.bankA, newAccount, 2);
  row(
    "issuing bank names a new account for a reimbursement due",
    await gasOf(await margin.connect(newAccount).changeReimbursementAccount(third)),
  );

  // a nominated bank (bankC) honours; bankA reimburses it, then holds
  await f.positions.connect(accounts.bankC).setCreditLine(platform.ids.bankA, 1_000_000n);
  await f.positions.connect(accounts.bankC).setSettlementAccount(accounts.bankC);
  const nominatedTerms = f.terms({ nominatedBank: accounts.bankC.address });
  const nominated = await lc.connect(accounts.core).submitApplication.staticCall(accounts.bankA, nominatedTerms);
  await lc.connect(accounts.core).submitApplication(accounts.bankA, nominatedTerms);
  await margin.connect(accounts.bankA).setMarginShare(nominated, 2_000);
  await margin.connect(accounts.core).lockMargin(nominated, 21_000n);
  await lc.connect(accounts.bankA).approveApplication(nominated);
  await lc.connect(accounts.bankB).advise(nominated);
  await lc.connect(accounts.supplier1).acknowledge(nominated);
  const byNominated = await lc.connect(accounts.supplier1).present.staticCall(nominated, 50_000n, docs);
  await lc.connect(accounts.supplier1).present(nominated, 50_000n, docs);
  await lc.connect(accounts.bankC).examine(byNominated, []);
  await lc.connect(accounts.bankC).pay(byNominated, ZeroHash);
  const obligationId = await f.positions.obligationCount();
  await f.positions.connect(accounts.bankA).settleObligation(obligationId, ZeroHash);
  row(
    "issuing bank holds documents after reimbursing the nominated bank, margin applied",
    await gasOf(
      await margin.connect(accounts.bankA).holdDocumentsAfterReimbursement(byNominated, docsHash, obligationId),
    ),
  );

  const unused = await apply();
  await margin.connect(accounts.bankA).setMarginShare(unused, 1_000);
  await margin.connect(accounts.core).lockMargin(unused, 10_500n);
  await lc.connect(accounts.bankA).declineApplication(unused, hash("declined"));
  row("applicant takes back the margin after closing", await gasOf(await margin.connect(accounts.core).releaseMargin(unused)));
  return rows;
};
