import { keccak256, toUtf8Bytes } from "ethers";
import { deployLettersOfCredit } from "../../../test/letters-of-credit/fixture.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";

const APP = "lc-confirmations";
const hash = (text: string): string => keccak256(toUtf8Bytes(text));

/**
 * Gas of confirmation (LcConfirmations, UCP 600 art. 8 and 10): the issuing bank authorises its nominated bank, which
 * confirms; an accepted amendment, then the extension to it, a second amendment declined; an authorization declined
 * (art. 8d) and one withdrawn.
 */
export const measure: MeasureGas = async (connection) => {
  const f = await deployLettersOfCredit(connection);
  const { platform, lc, confirmations } = f;
  const { accounts, ids } = platform;
  const rows: GasRow[] = [];
  const row = (step: string, gas: bigint) => rows.push({ app: APP, step, gas });
  const terms = async (id: bigint) => {
    const { amount, tolerancePlus, toleranceMinus, expiry, latestShipment, termsHash } =
      await confirmations.currentTerms(id);
    return { amount, tolerancePlus, toleranceMinus, expiry, latestShipment, termsHash };
  };
  const open = async (): Promise<bigint> => {
    const t = f.terms({ nominatedBank: accounts.bankC.address });
    const id = await lc.connect(accounts.bankA).issue.staticCall(accounts.core, t);
    await lc.connect(accounts.bankA).issue(accounts.core, t);
    await lc.connect(accounts.bankB).advise(id);
    await lc.connect(accounts.supplier1).acknowledge(id);
    return id;
  };
  const amend = async (id: bigint, text: string) => {
    const now = await confirmations.currentTerms(id);
    const amendment = { amount: now.amount + 10_000n, expiry: now.expiry, latestShipment: now.latestShipment, termsHash: hash(text) };
    await lc.connect(accounts.bankA).proposeAmendment(id, amendment);
    await lc.connect(accounts.supplier1).acceptAmendment(id, amendment);
  };
  const bank = confirmations.connect(accounts.bankC);
  const issuer = confirmations.connect(accounts.bankA);

  const id = await open();
  row("issuing bank requests confirmation (art. 8)", await gasOf(await issuer.authorizeConfirmation(id, ids.bankC, true)));
  row("nominated bank adds its confirmation", await gasOf(await bank.addConfirmation(id, await terms(id))));
  await amend(id, "v2");
  row("confirming bank extends to an amendment (art. 10b)", await gasOf(await bank.extendConfirmation(id, await terms(id))));
  await amend(id, "v3");
  row(
    "confirming bank does not extend to an amendment (art. 10b)",
    await gasOf(await bank.declineAmendment(id, await terms(id), hash("advice"))),
  );
  const second = await open();
  await issuer.authorizeConfirmation(second, ids.bankC, false);
  row("bank declines to confirm (art. 8d)", await gasOf(await bank.declineToConfirm(second, hash("notice"))));
  await issuer.authorizeConfirmation(second, ids.bankC, false);
  row("issuing bank withdraws its authorization", await gasOf(await issuer.withdrawAuthorization(second)));
  return rows;
};
