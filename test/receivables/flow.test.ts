import { expect } from "chai";
import { ZeroHash } from "ethers";
import { network } from "hardhat";
import { fund } from "../helpers/consortium.js";
import { DAY, Status, deployReceivables, makeTerms, split } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

const VALUE_OF = "balanceOf(uint256)";
const FACE = 1_000_000_00n;

describe("Receivables: the README walk-through", () => {
  it("registers, confirms, splits through two tiers with sign-off, discounts and redeems pro rata", async () => {
    const fx = await deployReceivables(connection);
    const { desk, certificates, token, accounts, ids } = fx;
    const [core, s1, s2, s3, bankA] = [
      accounts.core,
      accounts.supplier1,
      accounts.supplier2,
      accounts.supplier3,
      accounts.bankA,
    ];

    // 1-2. register and confirm
    const terms = await makeTerms(fx, { faceValue: FACE });
    await desk.connect(s1).register(terms);
    await desk.connect(core).confirm(1);
    expect(await certificates.ownerOf(1)).to.equal(s1.address);

    // 3. guarantee, at the obligor's request
    await desk.connect(core).requestGuarantee(1, fx.ids.bankA);
    await desk.connect(bankA).guarantee(1);

    // 4. tier 2 with sign-off
    await desk.connect(s1).offerTransfer(1, s2.address, 400_000_00n, (await fx.now()) + 7 * DAY);
    await desk.connect(s2).acceptTransfer(1);
    expect(await certificates.lineage(2)).to.deep.equal([1n, 1n, 2n]);

    // 5. tier 3, plain ERC-3525 split
    const tier3 = await split(fx, s2, 2n, s3, 150_000_00n);
    expect(tier3).to.equal(3n);
    expect(await certificates.lineage(3)).to.deep.equal([2n, 1n, 3n]);

    // 6. discount of the whole tier-3 certificate to bankA, paid in tokens in the same transaction
    await desk.connect(s3).offerDiscount(3, 150_000_00n, ids.bankA, 147_000_00n, (await fx.now()) + 3 * DAY);
    await fund(fx, bankA, 147_000_00n);
    await token.connect(bankA).approve(desk, 147_000_00n);
    await expect(desk.connect(bankA).acceptDiscount(1, ZeroHash)).to.changeTokenBalances(
      connection.ethers,
      token,
      [bankA, s3],
      [-147_000_00n, 147_000_00n],
    );
    expect(await certificates.ownerOf(3)).to.equal(bankA.address);

    // 8. maturity: core funds, every holder redeems its own value
    await networkHelpers.time.increaseTo(terms.maturity);
    await fund(fx, core, FACE);
    await token.connect(core).approve(desk, FACE);
    await desk.connect(core).fund(1);
    const holdings: [typeof s1, bigint, bigint][] = [
      [s1, 1n, 600_000_00n],
      [s2, 2n, 250_000_00n],
      [bankA, 3n, 150_000_00n],
    ];
    for (const [holder, tokenId, value] of holdings) {
      expect(await certificates[VALUE_OF](tokenId)).to.equal(value);
      await expect(desk.connect(holder).redeem(tokenId)).to.changeTokenBalances(
        connection.ethers,
        token,
        [holder],
        [value],
      );
    }
    const r = await desk.receivable(1);
    expect(r.status).to.equal(Status.Settled);
    expect(r.redeemed).to.equal(FACE);
    expect(await token.balanceOf(desk)).to.equal(0n);
  });
});
