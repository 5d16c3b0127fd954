import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";
import { encodeQuoteTerms, financingPrice, financingQuoteCommitment, type FinancingQuoteTerms } from "@consortia/sdk";
import { deployReceivables } from "../receivables/fixture.js";

const connection = await network.create();
const DAY = 86_400n;

describe("SDK financing: commitments and prices computed as the contract does", () => {
  it("financingQuoteCommitment equals the contract's quoteCommitment; financingPrice equals priceOf", async () => {
    const fx = await deployReceivables(connection);
    const address = await fx.financing.getAddress();
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 20; ++i) {
      const terms: FinancingQuoteTerms = {
        rateBps: next(10_001),
        dayCount: next(2) === 0 ? "ACT/360" : "ACT/365",
        fee: BigInt(next(1_000)),
        validUntil: BigInt(1_900_000_000 + next(1_000_000)),
      };
      const salt = keccak256(toUtf8Bytes(`salt ${i}`));
      const requestId = BigInt(1 + next(1_000));
      const bank = 1 + next(50);
      expect(financingQuoteCommitment(address, requestId, bank, terms, salt)).to.equal(
        await fx.financing.quoteCommitment(requestId, bank, encodeQuoteTerms(terms), salt),
      );
      const value = 1_000_000n + BigInt(next(10_000_000));
      const at = 1_800_000_000n;
      const maturity = at + BigInt(1 + next(400)) * DAY - BigInt(next(86_400));
      let local: ReturnType<typeof financingPrice> | undefined;
      try {
        local = financingPrice(value, maturity, terms, at);
      } catch {
        await expect(fx.financing.priceOf(value, maturity, encodeQuoteTerms(terms), at)).to.be.revertedWithCustomError(
          fx.financing,
          "FinancingInvalidTerms",
        );
        continue;
      }
      const chain = await fx.financing.priceOf(value, maturity, encodeQuoteTerms(terms), at);
      expect([local.daysToMaturity, local.interest, local.price]).to.deep.equal([
        chain.daysToMaturity,
        chain.interest,
        chain.price,
      ]);
    }
    expect(() => encodeQuoteTerms({ rateBps: 1, dayCount: "30/360" as "ACT/360", fee: 0n, validUntil: 1n })).to.throw(
      /ACT\/360 or ACT\/365/,
    );
  });
});
