import { ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import { deployPlatform, fund } from "../../../test/helpers/consortium.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";
import { deployUpgradeable } from "../../../test/helpers/upgradeable.js";

const APP = "receivables";
const DAY = 24 * 60 * 60;
const FACE = 1_000_000_00n; // 1,000,000.00 in minor units
const SPLIT = "transferFrom(uint256,address,uint256)";
const MERGE = "transferFrom(uint256,uint256,uint256)";
const WHOLE = "transferFrom(address,address,uint256)";
const REFERENCE = "Solv ERC-3525 1.5.0";

let counter = 0;
function hash(label: string): string {
  return keccak256(toUtf8Bytes(label));
}

/**
 * Gas of every receivable step, with the issue's ceilings, and Solv's ERC-3525 reference implementation measured in
 * the same run for the three token moves (split to a new holder, value transfer between existing tokens, whole
 * transfer). Each compared step runs under the same conditions on both sides: the receiver of a split or whole
 * transfer holds no token yet (the costliest case), value moves between tokens that already hold value.
 */
export const measure: MeasureGas = async (connection) => {
  const { ethers, networkHelpers } = connection;
  const platform = await deployPlatform(connection);
  const { accounts, ids } = platform;
  const attestations = await deployUpgradeable(ethers, "AuthorityAttestations", [platform.registry]);
  const certificates = await deployUpgradeable(ethers, "ReceivableCertificate", [
    platform.registry,
    2,
    platform.freezeOrders,
    attestations,
  ]);
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
  await platform.finishBootstrap([desk]);
  const reference = await ethers.deployContract("ReferenceERC3525");

  const [s1, s2, s3, core, bankA, bankB] = [
    accounts.supplier1,
    accounts.supplier2,
    accounts.supplier3,
    accounts.core,
    accounts.bankA,
    accounts.bankB,
  ];
  const now = async () => networkHelpers.time.latest();
  /** Moves the clock to `t` (or one second on if it is already there). */
  const until = async (t: bigint | number) => {
    const target = BigInt(t);
    const current = BigInt(await now());
    await networkHelpers.time.increaseTo(target > current ? target : current + 1n);
  };
  const terms = async () => {
    const n = ++counter;
    return {
      obligor: ids.core,
      maturity: (await now()) + 90 * DAY,
      faceValue: FACE,
      currency: "0x434e59",
      invoiceKey: hash(`bench-invoice:${n}`),
      contractDoc: { contentHash: hash(`c${n}`), uriHash: hash(`cu${n}`), kind: 1 },
      invoiceDoc: { contentHash: hash(`i${n}`), uriHash: hash(`iu${n}`), kind: 2 },
      deliveryDoc: { contentHash: hash(`d${n}`), uriHash: hash(`du${n}`), kind: 3 },
    };
  };
  const rows: GasRow[] = [];
  const row = (step: string, gas: bigint, target?: bigint, referenceGas?: bigint) =>
    rows.push({
      app: APP,
      step,
      gas,
      ...(target === undefined ? {} : { target }),
      ...(referenceGas === undefined ? {} : { reference: { name: REFERENCE, gas: referenceGas } }),
    });

  // --- registration and confirmation
  const t1 = await terms();
  row("register a receivable (three document hashes)", await gasOf(await desk.connect(s1).register(t1)));
  row("confirm: obligor confirms, root certificate minted", await gasOf(await desk.connect(core).confirm(1)), 150_000n);
  const reject = await terms();
  await desk.connect(s1).register(reject);
  row("reject a registered receivable", await gasOf(await desk.connect(core).reject(2, hash("reason"))));
  row("issue directly to a supplier", await gasOf(await desk.connect(core).issue(await terms(), s3.address)));
  row("obligor asks a bank to guarantee", await gasOf(await desk.connect(core).requestGuarantee(1, ids.bankA)));
  row("bank guarantees a receivable", await gasOf(await desk.connect(bankA).guarantee(1)));

  // --- the three token moves, ours and the reference's under the same conditions
  const refRoot = await reference.mint.staticCall(s1.address, 1, FACE);
  await reference.mint(s1.address, 1, FACE);
  const refSplit = await gasOf(await reference.connect(s1)[SPLIT](refRoot, s2.address, 300_000_00n));
  const split = await gasOf(await certificates.connect(s1)[SPLIT](1, s2.address, 300_000_00n)); // token 3 to s2
  row("split to a new holder (transferFrom(tokenId, to, value))", split, 140_000n, refSplit);
  row("split to a holder that already holds certificates", await gasOf(await certificates.connect(s1)[SPLIT](1, s2.address, 1_000_00n)));
  const refMerge = await gasOf(await reference.connect(s1)[MERGE](refRoot, refRoot + 1n, 1_000_00n));
  const merge = await gasOf(await certificates.connect(s1)[MERGE](1, 3, 1_000_00n));
  row("value transfer between existing certificates (transferFrom(from, to, value))", merge, 60_000n, refMerge);
  // Like with like: on both sides the sender keeps another token after the transfer (here s2 holds certificates 3
  // and 4, and reference tokens refRoot + 1 and refRoot + 2), and the receiver holds none yet.
  await reference.connect(s1)[SPLIT](refRoot, s2.address, 1_000_00n);
  const refWhole = await gasOf(await reference.connect(s2)[WHOLE](s2.address, bankB.address, refRoot + 1n));
  const whole = await gasOf(await certificates.connect(s2)[WHOLE](s2.address, bankB.address, 3));
  row("whole transfer to a new holder (ERC-721 transferFrom)", whole, 80_000n, refWhole);
  // Like with like: a first value allowance on a token that has none; both implementations record the operator so
  // that a change of owner can void (and here announce) its allowance.
  const refApprove = await gasOf(
    await reference.connect(s1)["approve(uint256,address,uint256)"](refRoot, s3.address, 10_00n),
  );
  row(
    "approve value (ERC-3525 approve)",
    await gasOf(await certificates.connect(s1)["approve(uint256,address,uint256)"](1, s3.address, 10_00n)),
    undefined,
    refApprove,
  );

  // --- sign-off transfer
  const deadline = (await now()) + 7 * DAY;
  row("offer a sign-off transfer (value locked)", await gasOf(await desk.connect(s1).offerTransfer(1, s3.address, 50_000_00n, deadline)));
  row("receiver accepts the sign-off transfer", await gasOf(await desk.connect(s3).acceptTransfer(1)));
  await desk.connect(s1).offerTransfer(1, s3.address, 10_000_00n, deadline);
  row("receiver refuses (value unlocked)", await gasOf(await desk.connect(s3).refuseTransfer(2, hash("no"))));

  // --- discount
  await fund(platform, bankA, FACE);
  await platform.token.connect(bankA).approve(desk, FACE);
  row(
    "offer a discount to a bank",
    await gasOf(await desk.connect(s1).offerDiscount(1, 100_000_00n, ids.bankA, 98_000_00n, deadline)),
  );
  row("bank accepts the discount, pays in tokens (DvP)", await gasOf(await desk.connect(bankA).acceptDiscount(1, ZeroHash)));
  await desk.connect(s1).offerDiscount(1, 10_000_00n, ids.bankA, 9_800_00n, deadline);
  row(
    "bank accepts a discount paid off chain (ledger)",
    await gasOf(await desk.connect(bankA).acceptDiscount(2, hash("bench-discount-ref"))),
  );
  // The same acceptance under the bank's policy requiring a tax attestation of the invoice (met): the certificate
  // asks the attestations contract `requireBacked` on the receivable's invoice key. Policy reset afterwards.
  await attestations.connect(bankA).setPolicy(1, 1n << 1n);
  const attestedFrom = await now();
  await attestations.connect(accounts.gov1).attest({
    kind: 1,
    subjectKey: (await desk.receivable(1)).invoiceKey,
    evidenceHash: hash("bench-tax-record"),
    validFrom: attestedFrom,
    validUntil: attestedFrom + 60 * DAY,
    factDate: 0,
    amount: 0,
    currency: "0x000000",
  });
  await desk.connect(s1).offerDiscount(1, 10_000_00n, ids.bankA, 9_800_00n, deadline);
  row(
    "bank accepts the discount under an InvoiceGenuine policy (attested), pays in tokens",
    await gasOf(await desk.connect(bankA).acceptDiscount(3, ZeroHash)),
  );
  await attestations.connect(bankA).setPolicy(1, 0);

  // --- pledge
  const due = (await now()) + 30 * DAY;
  row("pledge value to a bank", await gasOf(await desk.connect(s1).pledge(1, 20_000_00n, ids.bankB, due)));
  row("bank releases the pledge", await gasOf(await desk.connect(bankB).releasePledge(1)));
  await desk.connect(s1).pledge(1, 20_000_00n, ids.bankB, due);
  await until(due);
  row("bank takes pledged value at default", await gasOf(await desk.connect(bankB).takePledge(2)));

  // --- maturity: receivable 1 funded in tokens, each holder redeems
  const r1 = await desk.receivable(1);
  await until(r1.maturity);
  await fund(platform, core, FACE);
  await platform.token.connect(core).approve(desk, FACE);
  row("obligor funds the receivable (escrow)", await gasOf(await desk.connect(core).fund(1)));
  row("holder redeems its certificate", await gasOf(await desk.connect(s2).redeem(4)));

  // --- receivable 3 (issued to supplier3): overdue, guarantee called and honoured
  await until((await desk.receivable(3)).maturity);
  const overdueTerms = await terms();
  await desk.connect(core).issue(overdueTerms, s1.address); // receivable 4, certificate for s1
  const r4 = 4n;
  const root4 = (await desk.receivable(r4)).rootTokenId;
  await desk.connect(core).requestGuarantee(r4, ids.bankB);
  await desk.connect(bankB).guarantee(r4);
  await until(BigInt(overdueTerms.maturity) + BigInt(await desk.GRACE_PERIOD()));
  row("mark a receivable overdue", await gasOf(await desk.connect(s1).markOverdue(r4)));
  row("holder calls the guarantee", await gasOf(await desk.connect(s1).callGuarantee(root4)));
  await fund(platform, bankB, FACE);
  await platform.token.connect(bankB).approve(desk, FACE);
  row("guarantor honours (escrow)", await gasOf(await desk.connect(bankB).honourGuarantee(r4)));

  // --- receivable 3: the obligor's paying bank pays the holder off chain
  await desk.connect(core).setPayingBank(ids.bankC);
  const root3 = (await desk.receivable(3)).rootTokenId;
  row(
    "paying bank pays a holder off chain (redeems)",
    await gasOf(await desk.connect(accounts.bankC).payOffChain(root3, hash("bench-offchain"))),
  );

  // --- receivable 5: a called guarantor pays a holder off chain, once the holder acknowledged that payment
  const guaranteedTerms = await terms();
  await desk.connect(core).issue(guaranteedTerms, s2.address); // receivable 5
  const root5 = (await desk.receivable(5n)).rootTokenId;
  await desk.connect(core).requestGuarantee(5n, ids.bankC);
  await desk.connect(accounts.bankC).guarantee(5n);
  await until(BigInt(guaranteedTerms.maturity) + BigInt(await desk.GRACE_PERIOD()));
  await desk.connect(s2).markOverdue(5n);
  await desk.connect(s2).callGuarantee(root5);
  row(
    "holder acknowledges the guarantor's off-chain payment",
    await gasOf(await desk.connect(s2).acknowledgeOffChainPayment(root5, hash("bench-guarantor-pays"))),
  );
  row(
    "guarantor pays a holder off chain, acknowledged (redeems)",
    await gasOf(await desk.connect(accounts.bankC).payOffChain(root5, hash("bench-guarantor-pays"))),
  );
  return rows;
};
