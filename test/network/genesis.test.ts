import { expect } from "chai";
import { Wallet } from "ethers";
import { decodeQbftExtraData } from "../../src/network/extra-data.js";
import {
  BFT_MIX_HASH,
  besuGenesis,
  checkChainParameters,
  FUNDED_BALANCE,
  genesisFor,
  goQuorumGenesis,
  type ChainParameters,
} from "../../src/network/genesis.js";
import { TEST_CHAIN } from "./fixtures.js";

const validators = [Wallet.createRandom().address, Wallet.createRandom().address];
const deployer = Wallet.createRandom().address;

function parameters(overrides: Partial<ChainParameters> = {}): ChainParameters {
  return { ...TEST_CHAIN, validators, funded: [deployer], ...overrides };
}

/** Every fork to Berlin, in Besu's and GoQuorum's genesis names. */
const BERLIN_FORKS = "homestead eip150 eip155 eip158 byzantium constantinople petersburg istanbul muirGlacier berlin"
  .split(" ")
  .map((name) => `${name}Block`);

describe("network: genesis files", () => {
  describe("Besu", () => {
    it("describes a QBFT chain: block period, epoch, round timeout, chain id, code size, gas limit", () => {
      const genesis = besuGenesis(parameters());
      expect(genesis.config).to.deep.include({ chainId: 4242, contractSizeLimit: 24_576 });
      expect(genesis.config.qbft).to.deep.equal({
        blockperiodseconds: 2,
        epochlength: 30_000,
        requesttimeoutseconds: 10,
      });
      expect(genesis.gasLimit).to.equal("0x5f5e100");
      expect(genesis.mixHash).to.equal(BFT_MIX_HASH);
      expect(genesis.difficulty).to.equal("0x1");
      expect(genesis.timestamp).to.equal("0x6553f100");
    });

    it("names the validators in extraData, in order", () => {
      expect(decodeQbftExtraData(besuGenesis(parameters()).extraData)).to.deep.equal(validators);
    });

    it("activates every fork up to Berlin at block 0 and nothing later under Berlin rules", () => {
      const { config } = besuGenesis(parameters());
      for (const fork of BERLIN_FORKS) expect(config[fork], fork).to.equal(0);
      expect(config).to.not.have.property("londonBlock");
      expect(config).to.not.have.property("zeroBaseFee");
      expect(besuGenesis(parameters())).to.not.have.property("baseFeePerGas");
    });

    it("under London rules sets a zero base fee, as Besu's free-gas networks run", () => {
      const genesis = besuGenesis(parameters({ fork: "london" }));
      expect(genesis.config).to.include({ londonBlock: 0, berlinBlock: 0, zeroBaseFee: true });
      expect(genesis.baseFeePerGas).to.equal("0x0");
    });

    it("funds no one on a free-gas network", () => {
      expect(besuGenesis(parameters()).alloc).to.deep.equal({});
    });

    it("funds the deployer and the listed accounts when gas is not free", () => {
      const admin = Wallet.createRandom().address;
      const { alloc } = besuGenesis(parameters({ minGasPrice: 1_000_000_000n, funded: [deployer, admin] }));
      expect(Object.keys(alloc)).to.deep.equal([deployer, admin]);
      expect(BigInt(alloc[deployer].balance)).to.equal(FUNDED_BALANCE);
    });
  });

  describe("GoQuorum", () => {
    it("uses GoQuorum's form: isQuorum, a proposer policy, code size in KiB, a transaction size limit", () => {
      const genesis = goQuorumGenesis(parameters());
      expect(genesis.config).to.deep.include({ chainId: 4242, isQuorum: true, txnSizeLimit: 64 });
      expect(genesis.config.maxCodeSizeConfig).to.deep.equal([{ block: 0, size: 24 }]);
      expect(genesis.config.qbft).to.deep.equal({
        blockperiodseconds: 2,
        epochlength: 30_000,
        requesttimeoutseconds: 10,
        policy: 0,
        ceil2Nby3Block: 0,
      });
      for (const fork of BERLIN_FORKS) expect(genesis.config[fork], fork).to.equal(0);
      expect(genesis.config).to.not.have.property("contractSizeLimit");
      expect(decodeQbftExtraData(genesis.extraData)).to.deep.equal(validators);
    });

    it("switches gas price on only when gas is not free", () => {
      expect(goQuorumGenesis(parameters()).config).to.not.have.property("enableGasPriceBlock");
      expect(goQuorumGenesis(parameters({ minGasPrice: 1n })).config).to.include({ enableGasPriceBlock: 0 });
    });
  });

  describe("rejected parameters", () => {
    it("rejects London rules on GoQuorum (its EVM stops at Berlin)", () => {
      expect(() => genesisFor("goquorum", parameters({ fork: "london" }))).to.throw(RangeError, /Berlin/);
      expect(() => genesisFor("besu", parameters({ fork: "london" }))).to.not.throw();
    });

    it("rejects a round timeout that does not exceed the block period", () => {
      expect(() => checkChainParameters(parameters({ requestTimeoutSeconds: 2 }), "besu")).to.throw(/timeout/);
    });

    it("rejects a zero block period and a zero chain id", () => {
      expect(() => checkChainParameters(parameters({ blockPeriodSeconds: 0 }), "besu")).to.throw(/block period/);
      expect(() => checkChainParameters(parameters({ chainId: 0 }), "besu")).to.throw(/chain id/);
    });

    it("rejects a gas limit too small to deploy the suite", () => {
      expect(() => checkChainParameters(parameters({ gasLimit: 4_999_999n }), "besu")).to.throw(/gas limit/);
    });

    it("rejects a code size limit GoQuorum does not accept", () => {
      expect(() => checkChainParameters(parameters({ contractSizeLimit: 200 * 1024 }), "goquorum")).to.throw(/KiB/);
      expect(() => checkChainParameters(parameters({ contractSizeLimit: 200 * 1024 }), "besu")).to.not.throw();
    });
  });
});
