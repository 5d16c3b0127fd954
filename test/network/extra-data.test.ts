import { expect } from "chai";
import { decodeQbftExtraData, encodeQbftExtraData } from "../../src/network/extra-data.js";

/**
 * Known answers from Besu's own tests: app/src/test/java/org/hyperledger/besu/cli/subcommands/rlp/RLPSubCommandTest.java
 * (hyperledger/besu at 3fd224e2e49ddd68aa61755525593a0a60c65507), `canEncodeToQbftExtraData` (what
 * `besu rlp encode --type=QBFT_EXTRA_DATA` prints for two validators) and `decodeQBFTWithoutPathMustWriteToStandardOutput`.
 */
const BESU_ENCODE_VECTOR = {
  validators: ["0xbe068f726a13c8d46c44be6ce9d275600e1735a4", "0x5ff6f4b66a46a2b2310a6f3a93aaddc0d9a1c193"],
  extraData:
    "0xf84fa00000000000000000000000000000000000000000000000000000000000000000ea94be068f726a13c8d" +
    "46c44be6ce9d275600e1735a4945ff6f4b66a46a2b2310a6f3a93aaddc0d9a1c193c080c0",
};
const BESU_DECODE_VECTOR = {
  validators: ["0x241f804efb46f71acaa5be94a62f7798e89c3724", "0x6cdf72da457453063ea92e7fa5ac30afbcec28cd"],
  extraData:
    "0xf84fa00000000000000000000000000000000000000000000000000000000000000000ea94241f804efb46f71acaa" +
    "5be94a62f7798e89c3724946cdf72da457453063ea92e7fa5ac30afbcec28cdc080c0",
};

describe("network: QBFT genesis extraData", () => {
  for (const [name, vector] of Object.entries({ BESU_ENCODE_VECTOR, BESU_DECODE_VECTOR })) {
    it(`encodes Besu's known answer exactly (${name})`, () => {
      expect(encodeQbftExtraData(vector.validators)).to.equal(vector.extraData);
    });

    it(`decodes Besu's known answer to its validators (${name})`, () => {
      expect(decodeQbftExtraData(vector.extraData).map((address) => address.toLowerCase())).to.deep.equal(
        vector.validators,
      );
    });
  }

  it("encodes checksummed addresses like lower-case ones and keeps the order", () => {
    const [a, b] = BESU_ENCODE_VECTOR.validators;
    const mixed = encodeQbftExtraData([a.toUpperCase().replace("0X", "0x"), b]);
    expect(mixed).to.equal(BESU_ENCODE_VECTOR.extraData);
    expect(encodeQbftExtraData([b, a])).to.not.equal(BESU_ENCODE_VECTOR.extraData);
  });

  it("rejects an empty validator set", () => {
    expect(() => encodeQbftExtraData([])).to.throw(/at least one validator/);
  });

  it("rejects a validator listed twice", () => {
    const [a] = BESU_ENCODE_VECTOR.validators;
    expect(() => encodeQbftExtraData([a, a.toUpperCase().replace("0X", "0x")])).to.throw(/duplicate/);
  });

  it("rejects a malformed address", () => {
    expect(() => encodeQbftExtraData(["0x1234"])).to.throw();
  });

  it("refuses to decode what is not a QBFT extraData", () => {
    expect(() => decodeQbftExtraData("0xc0")).to.throw(/not a QBFT extraData/);
  });
});
