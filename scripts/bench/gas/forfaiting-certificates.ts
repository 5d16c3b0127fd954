import { keccak256, toUtf8Bytes, ZeroAddress, ZeroHash } from "ethers";
import { deployPlatform, fund } from "../../../test/helpers/consortium.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";
import { deployUpgradeable } from "../../../test/helpers/upgradeable.js";

const ANNOUNCE_TARGET = 150_000n;
const STEP_TARGET = 80_000n;
const DAY = 86_400n;
const FACE = 1_000_000_00n;
const h = (text: string) => keccak256(toUtf8Bytes(text));

/**
 * Forfaiting a receivable certificate (the ERC-3525 claim the market lists beside LC claims): announce, trade, notice.
 * The trade reads the certificate's value and maturity again and compares them with those announced (issue 13).
 */
export const measure: MeasureGas = async (connection) => {
  const { ethers, networkHelpers } = connection;
  const platform = await deployPlatform(connection);
  const { accounts, ids } = platform;
  const certificates = await deployUpgradeable(ethers, "ReceivableCertificate", [platform.registry, 2, platform.freezeOrders, ZeroAddress]);
  const documents = await deployUpgradeable(ethers, "FinancedDocuments", [platform.registry]);
  const limits = await deployUpgradeable(ethers, "IssuanceLimits", [platform.registry]);
  const desk = await deployUpgradeable(ethers, "ReceivableDesk", [
    platform.registry,
    platform.token,
    platform.ledger,
    certificates,
    documents,
    limits,
  ]);
  await certificates.bindDesk(desk);
  const market = await deployUpgradeable(ethers, "ForfaitingMarket", [platform.registry, platform.token, platform.ledger, platform.freezeOrders, ZeroAddress], [[await certificates.getAddress()]]);
  await platform.finishBootstrap([desk, market]);
  await fund(platform, accounts.bankB, FACE);
  await platform.token.connect(accounts.bankB).approve(market, FACE);

  const now = BigInt(await networkHelpers.time.latest());
  const n = "bench certificate";
  const terms = {
    obligor: ids.core,
    maturity: now + 90n * DAY,
    faceValue: FACE,
    currency: "0x434e59",
    invoiceKey: h(`${n} invoice`),
    contractDoc: { contentHash: h(`${n} c`), uriHash: h(`${n} cu`), kind: 1 },
    invoiceDoc: { contentHash: h(`${n} i`), uriHash: h(`${n} iu`), kind: 2 },
    deliveryDoc: { contentHash: h(`${n} d`), uriHash: h(`${n} du`), kind: 3 },
  };
  await desk.connect(accounts.core).issue(terms, accounts.supplier1);
  await certificates
    .connect(accounts.supplier1)
    ["transferFrom(address,address,uint256)"](accounts.supplier1, accounts.bankA, 1n);

  const rows: GasRow[] = [];
  const row = (step: string, gas: bigint, target: bigint | null = STEP_TARGET) =>
    rows.push({ app: "forfaiting", step, gas, ...(target === null ? {} : { target }) });
  const announcement = {
    asset: await certificates.getAddress(),
    claimId: 1n,
    askingPrice: 0n,
    askingDiscountBps: 0,
    askingTermsHash: h("asking terms"),
    quoteDeadline: now + 3n * DAY,
    revealPeriod: 0n,
    documents: [{ contentHash: h("certificate"), uriHash: h("uri:certificate"), kind: 255 }],
  };
  row("announce a receivable certificate", await gasOf(await market.connect(accounts.bankA).announce(announcement)), ANNOUNCE_TARGET);
  await market.connect(accounts.bankB).quote(1n, 97_000_00n);
  await certificates.connect(accounts.bankA).approveClaim(1n, market);
  row(
    "accept a quote on a receivable certificate (value checked, DvP)",
    await gasOf(await market.connect(accounts.bankA).acceptQuote(1n, accounts.bankB, h("deed"), h("notice"), ZeroHash)),
    // A whole certificate moves through ERC-721 transferFrom with its eligibility checks: the LC claim's ceiling
    // does not apply; shown without a target.
    null,
  );
  row("obligor acknowledges the certificate's notice", await gasOf(await market.connect(accounts.core).acknowledgeNotice(1n, h("notice"))));
  return rows;
};
