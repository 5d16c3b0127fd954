import { encodeBytes32String, keccak256, toUtf8Bytes, ZeroHash } from "ethers";
import { fund } from "../../../test/helpers/consortium.js";
import { deployLettersOfCredit, documents, Kind } from "../../../test/letters-of-credit/fixture.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";

const APP = "lc-transfers";
const DAY = 86_400n;
const hash = (text: string): string => keccak256(toUtf8Bytes(text));

/**
 * Gas of transferable LCs (LcTransfers, UCP 600 art. 38) and back-to-back links: the issuing bank designates the LC
 * transferable, the first beneficiary requests a transfer, the transferring bank executes it, the second beneficiary
 * presents, the first beneficiary substitutes its invoice, the bank pays the second beneficiary (tokens, and off
 * chain), the 38i demand and link as received, a declined transfer, and a back-to-back link.
 */
export const measure: MeasureGas = async (connection) => {
  const { networkHelpers } = connection;
  const f = await deployLettersOfCredit(connection);
  const { platform, lc, transfers } = f;
  const { accounts } = platform;
  const rows: GasRow[] = [];
  const row = (step: string, gas: bigint) => rows.push({ app: APP, step, gas });
  const docs = documents(Kind.INVOICE, Kind.TRANSPORT_DOCUMENT, Kind.INSURANCE);
  const now = async () => BigInt(await networkHelpers.time.latest());
  // the first beneficiary funds the second beneficiaries' escrow at substitution
  await fund(platform, accounts.supplier1, 1_000_000n);
  await platform.token.connect(accounts.supplier1).approve(transfers, 1_000_000n);

  const lcId = await lc.connect(accounts.bankA).issue.staticCall(accounts.core, f.terms());
  await lc.connect(accounts.bankA).issue(accounts.core, f.terms());
  await lc.connect(accounts.bankB).advise(lcId);
  await lc.connect(accounts.supplier1).acknowledge(lcId);
  row("issuing bank designates the LC transferable", await gasOf(await transfers.connect(accounts.bankA).designateTransferable(lcId)));

  const terms = (second: string, amount: bigint) => ({
    secondBeneficiary: second,
    amount,
    expiry: f.now + 80n * DAY,
    latestShipment: f.now + 50n * DAY,
    presentationPeriodDays: 10,
    termsHash: hash("transferred terms"),
  });
  const request = async (second: string, amount: bigint): Promise<[bigint, bigint]> => {
    const id = await transfers.connect(accounts.supplier1).requestTransfer.staticCall(lcId, terms(second, amount));
    const gas = await gasOf(await transfers.connect(accounts.supplier1).requestTransfer(lcId, terms(second, amount)));
    return [id, gas];
  };
  const [first, requestGas] = await request(accounts.supplier2.address, 50_000n);
  row("first beneficiary requests a transfer", requestGas);
  row("transferring bank executes the transfer", await gasOf(await transfers.connect(accounts.bankA).executeTransfer(first)));
  const [declined] = await request(accounts.core.address, 10_000n);
  row("transferring bank declines a transfer (art. 38a)", await gasOf(await transfers.connect(accounts.bankA).declineTransfer(declined)));

  const present = async (amount: bigint): Promise<[bigint, bigint]> => {
    const args = [first, amount, hash(`second docs ${amount}`), (await now()) - DAY] as const;
    const id = await transfers.connect(accounts.supplier2).presentUnderTransfer.staticCall(...args);
    return [id, await gasOf(await transfers.connect(accounts.supplier2).presentUnderTransfer(...args))];
  };
  const [a, presentGas] = await present(20_000n);
  row("second beneficiary presents to the transferring bank", presentGas);
  const [b] = await present(20_000n);
  const presentLc = async (amount: bigint): Promise<bigint> => {
    const pid = await lc.connect(accounts.supplier1).present.staticCall(lcId, amount, docs);
    await lc.connect(accounts.supplier1).present(lcId, amount, docs);
    return pid;
  };
  const pid = await presentLc(30_000n);
  row(
    "first beneficiary substitutes its invoice (art. 38h), one presentation linked, its amount escrowed",
    await gasOf(await transfers.connect(accounts.supplier1).substituteInvoice(pid, [a], hash("invoice"))),
  );
  await lc.connect(accounts.bankA).examine(pid, []);
  await lc.connect(accounts.bankA).pay(pid, ZeroHash);
  row(
    "transferring bank pays the second beneficiary out of the escrow (token transfer)",
    await gasOf(await transfers.connect(accounts.bankA).paySecondBeneficiary(a, ZeroHash)),
  );

  row("transferring bank demands substitution (art. 38i)", await gasOf(await transfers.connect(accounts.bankA).demandSubstitution(b)));
  await networkHelpers.time.increase(5n * DAY + 1n);
  const asReceived = await presentLc(20_000n);
  row(
    "transferring bank links as received (art. 38i), one presentation",
    await gasOf(await transfers.connect(accounts.bankA).linkAsReceived(asReceived, [b])),
  );
  await lc.connect(accounts.bankA).examine(asReceived, []);
  await lc.connect(accounts.bankA).pay(asReceived, hash("wire 1"));
  row(
    "transferring bank pays the second beneficiary off chain (ledger record)",
    await gasOf(await transfers.connect(accounts.bankA).paySecondBeneficiary(b, hash("wire 2"))),
  );
  const [c] = await present(10_000n);
  const decoy = await presentLc(10_000n);
  await transfers.connect(accounts.supplier1).substituteInvoice(decoy, [c], hash("decoy invoice"));
  await lc.connect(accounts.bankA).refuse(decoy, [encodeBytes32String("DISCREPANT")], hash("notice"), false);
  row(
    "second beneficiary unlinks from a refused LC presentation (escrow refunded)",
    await gasOf(await transfers.connect(accounts.supplier2).unlink(c)),
  );

  const backTerms = f.terms({
    beneficiary: accounts.supplier2.address,
    amount: 90_000n,
    expiry: f.now + 80n * DAY,
    latestShipment: f.now + 50n * DAY,
  });
  const back = await lc.connect(accounts.bankC).issue.staticCall(accounts.supplier1, backTerms);
  await lc.connect(accounts.bankC).issue(accounts.supplier1, backTerms);
  row("back-to-back LC's issuing bank links it to its master", await gasOf(await transfers.connect(accounts.bankC).linkBackToBack(back, lcId)));
  return rows;
};
