import { AbiCoder, keccak256, toUtf8Bytes, ZeroAddress, ZeroHash } from "ethers";
import { deployPlatform, fund } from "../../../test/helpers/consortium.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";
import { deployUpgradeable } from "../../../test/helpers/upgradeable.js";

const ANNOUNCE_TARGET = 150_000n;
const STEP_TARGET = 80_000n;
const DAY = 86_400n;
const FACE = 10_000_000n;
const h = (text: string) => keccak256(toUtf8Bytes(text));

/**
 * Every business step of a forfaiting trade: announce, open and sealed quotes, the DvP trade, the notice, the maturity
 * payment (of the test claim contract) and a secondary resale. Announcing is the market's creation step and carries the
 * issue's creation ceiling; every later step the 80,000 ceiling.
 */
export const measure: MeasureGas = async (connection) => {
  const { ethers, networkHelpers } = connection;
  const platform = await deployPlatform(connection);
  const { accounts } = platform;
  const claims = await ethers.deployContract("ClaimMock", [platform.registry, platform.token]);
  const market = await deployUpgradeable(ethers, "ForfaitingMarket", [platform.registry, platform.token, platform.ledger, platform.freezeOrders, ZeroAddress], [[await claims.getAddress()]]);
  // The mock claim contract pulls the obligor's tokens at maturity like a suite claim contract: a system contract.
  await platform.finishBootstrap([market, claims]);
  for (const bank of [accounts.bankA, accounts.bankB, accounts.bankC]) {
    await fund(platform, bank, 10n * FACE);
    await platform.token.connect(bank).approve(market, ethers.MaxUint256);
    await platform.token.connect(bank).approve(claims, ethers.MaxUint256);
  }
  let now = BigInt(await networkHelpers.time.latest());
  const maturity = now + 180n * DAY;
  await claims.connect(accounts.bankC).create(accounts.bankA, maturity, FACE);
  await claims.connect(accounts.bankC).create(accounts.bankA, maturity, FACE);
  await claims.connect(accounts.bankC).create(accounts.bankA, maturity, FACE);

  const announcement = (claimId: bigint, revealPeriod = 0n) => ({
    asset: claims.target as string,
    claimId,
    askingPrice: 9_700_000n,
    askingDiscountBps: 600,
    askingTermsHash: h("asking terms"),
    quoteDeadline: now + 3n * DAY,
    revealPeriod,
    documents: [
      { contentHash: h("accepted draft"), uriHash: h("uri:draft"), kind: 8 },
      { contentHash: h("letter of credit"), uriHash: h("uri:lc"), kind: 1 },
    ],
  });
  const rows: GasRow[] = [];
  const row = (step: string, gas: bigint, target = STEP_TARGET) =>
    rows.push({ app: "forfaiting", step, gas, target });
  const seller = market.connect(accounts.bankA);

  // Open quotes on claim 1.
  await claims.connect(accounts.bankA).approveClaim(1n, market);
  row("announce a claim (open quotes)", await gasOf(await seller.announce(announcement(1n))), ANNOUNCE_TARGET);
  row("quote a price", await gasOf(await market.connect(accounts.bankB).quote(1n, 9_650_000n)));
  await market.connect(accounts.bankC).quote(1n, 9_600_000n);
  row("withdraw a quote", await gasOf(await market.connect(accounts.bankC).withdrawQuote(1n)));
  row(
    "accept a quote: claim and price move (DvP)",
    await gasOf(await seller.acceptQuote(1n, accounts.bankB, h("deed"), h("notice"), ZeroHash)),
  );
  row("obligor acknowledges the notice", await gasOf(await market.connect(accounts.bankC).acknowledgeNotice(1n, h("notice"))));

  // Sealed quotes on claim 2.
  await claims.connect(accounts.bankA).approveClaim(2n, market);
  row("announce a claim (sealed quotes)", await gasOf(await seller.announce(announcement(2n, 2n * DAY))), ANNOUNCE_TARGET);
  const salt = h("salt");
  const commitment = keccak256(
    AbiCoder.defaultAbiCoder().encode(["uint256", "address", "uint128", "bytes32"], [2n, accounts.bankB.address, 9_700_000n, salt]),
  );
  row("commit a sealed quote", await gasOf(await market.connect(accounts.bankB).commitQuote(2n, commitment)));
  await networkHelpers.time.increaseTo(now + 3n * DAY + 1n);
  row("reveal a sealed quote", await gasOf(await market.connect(accounts.bankB).revealQuote(2n, 9_700_000n, salt)));
  await networkHelpers.time.increaseTo(now + 5n * DAY + 1n);
  row(
    "accept a quote, price recorded off chain",
    await gasOf(await seller.acceptQuote(2n, accounts.bankB, h("deed 2"), h("notice 2"), h("CNAPS-2"))),
  );

  // Secondary resale of claim 1 by bankB to bankA.
  now = BigInt(await networkHelpers.time.latest());
  await claims.connect(accounts.bankB).approveClaim(1n, market);
  await market.connect(accounts.bankB).announce(announcement(1n));
  await market.connect(accounts.bankA).quote(3n, 9_800_000n);
  row(
    "resell: accept a quote on the secondary market",
    await gasOf(await market.connect(accounts.bankB).acceptQuote(3n, accounts.bankA, h("deed 3"), h("notice 3"), ZeroHash)),
  );
  await claims.connect(accounts.bankB).approveClaim(2n, market);
  await market.connect(accounts.bankB).announce(announcement(2n));
  row("withdraw an offer", await gasOf(await market.connect(accounts.bankB).withdrawOffer(4n)));

  // Issue 21: a sealed offer on claim 3 whose quote the seller accepts by opening the commitment (never revealed).
  now = BigInt(await networkHelpers.time.latest());
  await claims.connect(accounts.bankA).approveClaim(3n, market);
  await seller.announce(announcement(3n, 2n * DAY));
  const commit5 = keccak256(
    AbiCoder.defaultAbiCoder().encode(["uint256", "address", "uint128", "bytes32"], [5n, accounts.bankB.address, 9_700_000n, salt]),
  );
  await market.connect(accounts.bankB).commitQuote(5n, commit5);
  await networkHelpers.time.increaseTo(now + 3n * DAY + 1n);
  row(
    "accept a sealed quote by opening its commitment (DvP)",
    await gasOf(await seller.acceptSealedQuote(5n, accounts.bankB, 9_700_000n, salt, h("deed 5"), h("notice 5"), ZeroHash)),
  );

  await networkHelpers.time.increaseTo(maturity);
  // The claim contract's own step (here the test mock), shown for the whole flow; no ceiling of this market applies.
  rows.push({
    app: "forfaiting",
    step: "pay the holder at maturity (test claim contract)",
    gas: await gasOf(await claims.connect(accounts.bankC).payAtMaturity(1n, accounts.bankA)),
  });
  return rows;
};
