import { keccak256, toUtf8Bytes, ZeroHash } from "ethers";
import { deployPlatform, fund } from "../../../test/helpers/consortium.js";
import { deployUpgradeable } from "../../../test/helpers/upgradeable.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";

const APP = "attestations";
const h = (text: string) => keccak256(toUtf8Bytes(text));
const DAY = 86_400;

/**
 * Gas of authority attestations: an authority attests and revokes, a bank sets its policy, and the check a financing
 * application makes (`requireBacked`, a view: its gas is what a financing step adds when it calls it); then the
 * enforced steps of the forfaiting market (a purchase under a met policy) and of bank guarantees (an issue under a
 * met policy), next to the same steps without a policy.
 */
export const measure: MeasureGas = async (connection) => {
  const { ethers, networkHelpers } = connection;
  const platform = await deployPlatform(connection);
  const { ids, accounts } = platform;
  const app = await deployUpgradeable(ethers, "AuthorityAttestations", [platform.registry]);
  const claims = await ethers.deployContract("ClaimMock", [platform.registry, platform.token]);
  const market = await deployUpgradeable(
    ethers,
    "ForfaitingMarket",
    [platform.registry, platform.token, platform.ledger, platform.freezeOrders, app],
    [[await claims.getAddress()]],
  );
  const calendar = await deployUpgradeable(ethers, "ConsortiumCalendar", [platform.registry], [8 * 3600]);
  const guarantees = await deployUpgradeable(ethers, "BankGuarantees", [
    platform.registry,
    platform.token,
    platform.ledger,
    calendar,
    app,
  ]);
  await platform.finishBootstrap([market, claims, guarantees]);
  const rows: GasRow[] = [];
  const row = (step: string, gas: bigint) => rows.push({ app: APP, step, gas });
  const now = await networkHelpers.time.latest();
  const fact = (subjectKey: string) => ({
    kind: 1,
    subjectKey,
    evidenceHash: h("tax:record"),
    validFrom: now,
    validUntil: now + 90 * DAY,
    factDate: 0,
    amount: 0,
    currency: "0x000000",
  });
  const tax = app.connect(accounts.gov1);
  row("tax bureau attests an invoice genuine", await gasOf(await tax.attest(fact(h("invoice:1")))));
  row("a newer attestation supersedes the latest", await gasOf(await tax.attest(fact(h("invoice:1")))));
  row(
    "customs attests an export declaration (amount, date)",
    await gasOf(
      await app.connect(accounts.gov2).attest({
        ...fact(h("invoice:1")),
        kind: 2,
        factDate: now - DAY,
        amount: 1_000_000n,
        currency: "0x434e59",
      }),
    ),
  );
  row(
    "bank sets its receivable-financing policy (two kinds)",
    await gasOf(await app.connect(accounts.bankA).setPolicy(1, (1n << 1n) | (1n << 2n))),
  );
  row(
    "financing check (requireBacked, two kinds; view called by a financing step)",
    await app.requireBacked.estimateGas(ids.bankA, 1, h("invoice:1")),
  );
  row("tax bureau revokes an attestation", await gasOf(await tax.revoke(1, h("reason"))));

  // Forfaiting: bankA sells claims on bankC backed by invoice:1 (attested); bankB buys, first without a policy, then
  // with an InvoiceGenuine forfaiting-purchase policy (met).
  await fund(platform, accounts.bankB, 10_000_000n);
  await platform.token.connect(accounts.bankB).approve(market, ethers.MaxUint256);
  const sell = async (label: string) => {
    const id = await claims.claimCount();
    await claims.connect(accounts.bankC).create(accounts.bankA, now + 180 * DAY, 1_000_000n);
    const claimId = id + 1n;
    await claims.setBackingSubject(claimId, h("invoice:1"));
    await claims.connect(accounts.bankA).approveClaim(claimId, market);
    const t = await networkHelpers.time.latest();
    const announcement = {
      asset: await claims.getAddress(),
      claimId,
      askingPrice: 970_000n,
      askingDiscountBps: 300,
      askingTermsHash: h(`terms ${label}`),
      quoteDeadline: t + DAY,
      revealPeriod: 0,
      documents: [],
    };
    const offerId = (await market.offerCount()) + 1n;
    const announced = await gasOf(await market.connect(accounts.bankA).announce(announcement));
    await market.connect(accounts.bankB).quote(offerId, 965_000n);
    const accept = () =>
      market.connect(accounts.bankA).acceptQuote(offerId, accounts.bankB, h("deed"), h("notice"), ZeroHash);
    return { announced, accept };
  };
  const plain = await sell("plain");
  row("forfaiting: announce (names the claim's subject, OfferBacking)", plain.announced);
  row("forfaiting: accept a quote, buyer without a policy (PurchaseBacking)", await gasOf(await plain.accept()));
  await app.connect(accounts.bankB).setPolicy(4, 1n << 1n);
  const checked = await sell("checked");
  row("forfaiting: accept a quote, buyer's InvoiceGenuine policy met", await gasOf(await checked.accept()));

  // Guarantees: bankA issues, first without a policy, then under a met InvoiceGenuine guarantee-issue policy.
  const apply = async (n: number) => {
    const t = await networkHelpers.time.latest();
    const gas = await gasOf(
      await guarantees.connect(accounts.supplier1).applyFor({
        guarantor: accounts.bankA.address,
        beneficiary: accounts.core.address,
        kind: 1,
        currency: "0x434e59",
        amount: 1_000_000n,
        expiry: t + 90 * DAY,
        examinationPeriod: 5 * DAY,
        termsHash: h(`terms ${n}`),
        tenderReference: h("invoice:1"),
        schedule: [],
      }),
    );
    return { gas, issue: () => guarantees.connect(accounts.bankA).issue(n, h(`guarantee ${n}`)) };
  };
  const first = await apply(1);
  row("guarantees: apply (stores the tender reference)", first.gas);
  row("guarantees: issue, guarantor without a policy", await gasOf(await first.issue()));
  await app.connect(accounts.bankA).setPolicy(3, 1n << 1n);
  const second = await apply(2);
  row("guarantees: issue, guarantor's InvoiceGenuine policy met", await gasOf(await second.issue()));
  return rows;
};
