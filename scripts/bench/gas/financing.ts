import { keccak256, toUtf8Bytes } from "ethers";
import { fund } from "../../../test/helpers/consortium.js";
import { confirmed, deployReceivables } from "../../../test/receivables/fixture.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";

const APP = "financing-requests";
const DAY = 24 * 60 * 60;

/**
 * Gas of multi-bank financing requests (FinancingRequests): a request to two banks, a quote in the clear, a sealed
 * commitment and its reveal, and the acceptance that prices the quote and settles (a split of the certificate to the
 * bank and the price in deposit tokens in one transaction), as part and as the whole certificate.
 */
export const measure: MeasureGas = async (connection) => {
  const { networkHelpers } = connection;
  const fx = await deployReceivables(connection);
  const { accounts, ids, financing } = fx;
  const rows: GasRow[] = [];
  const row = (step: string, gas: bigint) => rows.push({ app: APP, step, gas });
  for (const bank of [accounts.bankA, accounts.bankB]) {
    await fund(fx, bank, 5_000_000n);
    await fx.token.connect(bank).approve(financing, 5_000_000n);
  }
  const terms = async (rateBps: number, dayCount: number, fee: bigint) => ({
    rateBps,
    dayCount,
    fee,
    validUntil: (await fx.now()) + 5 * DAY,
  });
  const supplier = financing.connect(accounts.supplier1);
  const request = async (tokenId: bigint, value: bigint, sealed: boolean, label: string): Promise<bigint> => {
    await fx.certificates.connect(accounts.supplier1)["approve(address,uint256)"](financing, tokenId);
    const now = await fx.now();
    const args = [tokenId, value, [ids.bankA, ids.bankB], sealed, now + 2 * DAY, sealed ? now + 3 * DAY : 0] as [
      bigint,
      bigint,
      number[],
      boolean,
      number,
      number,
    ];
    const requestId = await supplier.request.staticCall(...args);
    row(label, await gasOf(await supplier.request(...args)));
    return requestId;
  };

  const part = await confirmed(fx);
  const open = await request(part.rootTokenId, 400_000n, false, "request to two banks (quotes in the clear)");
  row("bank quotes (first quote)", await gasOf(await financing.connect(accounts.bankA).quote(open, await terms(360, 1, 1_000n))));
  await financing.connect(accounts.bankB).quote(open, await terms(350, 2, 2_000n));
  row(
    "bank replaces its quote",
    await gasOf(await financing.connect(accounts.bankA).quote(open, await terms(340, 1, 1_000n))),
  );
  row("holder accepts: price on chain, split to the bank, price paid", await gasOf(await supplier.accept(open, ids.bankB)));

  const whole = await confirmed(fx);
  const sealed = await request(whole.rootTokenId, 1_000_000n, true, "request to two banks (sealed quotes)");
  const sealedTerms = await terms(300, 2, 500n);
  const salt = keccak256(toUtf8Bytes("gas salt"));
  const commitment = await financing.quoteCommitment(sealed, ids.bankA, sealedTerms, salt);
  row("bank commits a sealed quote", await gasOf(await financing.connect(accounts.bankA).commitQuote(sealed, commitment)));
  await networkHelpers.time.increase(2 * DAY + 1);
  row(
    "bank reveals its sealed quote",
    await gasOf(await financing.connect(accounts.bankA).revealQuote(sealed, sealedTerms, salt)),
  );
  row("holder accepts the whole certificate (whole transfer)", await gasOf(await supplier.accept(sealed, ids.bankA)));

  const third = await confirmed(fx);
  const cancelled = await request(third.rootTokenId, 1_000n, false, "request (to be cancelled)");
  await financing.connect(accounts.bankA).quote(cancelled, await terms(400, 1, 0n));
  row("bank withdraws its quote", await gasOf(await financing.connect(accounts.bankA).withdrawQuote(cancelled)));
  row("holder cancels the request", await gasOf(await supplier.cancel(cancelled)));
  return rows;
};
