/**
 * QBFT genesis files for Besu and GoQuorum. One set of chain parameters, two renderings: the clients name the same
 * things differently (Besu: config.qbft + contractSizeLimit + zeroBaseFee; GoQuorum: config.qbft with a proposer
 * policy, isQuorum, txnSizeLimit and maxCodeSizeConfig in KiB).
 */
import { getAddress, toBeHex, toQuantity, ZeroAddress } from "ethers";
import { encodeQbftExtraData } from "./extra-data.js";

export const CLIENTS = ["besu", "goquorum"] as const;
export type Client = (typeof CLIENTS)[number];

/** Berlin is what GoQuorum's EVM and the suite's compiler target stop at; London only on Besu. */
export const FORKS = ["berlin", "london"] as const;
export type Fork = (typeof FORKS)[number];

/** Every fork up to and including Berlin, activated at block 0. */
const FORKS_TO_BERLIN = [
  "homesteadBlock",
  "eip150Block",
  "eip155Block",
  "eip158Block",
  "byzantiumBlock",
  "constantinopleBlock",
  "petersburgBlock",
  "istanbulBlock",
  "muirGlacierBlock",
  "berlinBlock",
] as const;

/** The BFT mix hash ("ctical byzantine fault tolerance") both clients expect in a QBFT genesis. */
export const BFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";
/** Balance of an account funded at genesis when gas is not free: 1,000,000 ether. */
export const FUNDED_BALANCE = 10n ** 24n;
/** GoQuorum bounds its code size limit (KiB) and transaction size limit (KiB). */
const QUORUM_CODE_SIZE_KIB = { min: 24, max: 128 } as const;
const QUORUM_TX_SIZE_LIMIT_KIB = 64;
/** GoQuorum's round-robin proposer policy. */
const QUORUM_PROPOSER_POLICY_ROUND_ROBIN = 0;

export interface ChainParameters {
  chainId: number;
  /** The initial validator set (node addresses), in extraData order. */
  validators: string[];
  blockPeriodSeconds: number;
  requestTimeoutSeconds: number;
  epochLength: number;
  gasLimit: bigint;
  /** Largest contract in bytes (EIP-170's 24576 by default). */
  contractSizeLimit: number;
  fork: Fork;
  /** The lowest gas price the nodes accept: 0 is a free-gas network. */
  minGasPrice: bigint;
  /** Accounts funded at genesis when gas is not free (the deployer and the founders' admins). */
  funded: string[];
  /** Genesis timestamp in seconds. */
  timestamp: number;
}

/** The genesis block's header fields and allocations (hex quantities, as both clients read them). */
export interface GenesisHeader {
  nonce: string;
  timestamp: string;
  extraData: string;
  gasLimit: string;
  difficulty: string;
  mixHash: string;
  coinbase: string;
  alloc: Record<string, { balance: string }>;
  number: string;
  gasUsed: string;
  parentHash: string;
  /** London rules only. */
  baseFeePerGas?: string;
}

export interface Genesis extends GenesisHeader {
  config: Record<string, unknown>;
}

/** Checks what a genesis cannot be started with; returns the parameters unchanged. */
export function checkChainParameters(parameters: ChainParameters, client: Client): ChainParameters {
  const fail = (message: string): never => {
    throw new RangeError(message);
  };
  if (!Number.isSafeInteger(parameters.chainId) || parameters.chainId <= 0) fail("chain id must be a positive integer");
  if (parameters.blockPeriodSeconds < 1) fail("block period must be at least 1 second");
  if (parameters.requestTimeoutSeconds <= parameters.blockPeriodSeconds) {
    fail("the QBFT request timeout must exceed the block period, or rounds time out before blocks are due");
  }
  if (parameters.gasLimit < 5_000_000n) fail("gas limit below 5,000,000 cannot deploy the suite's contracts");
  if (client === "goquorum" && parameters.fork !== "berlin") fail("GoQuorum's EVM stops at Berlin: use --fork berlin");
  if (client === "goquorum") {
    const kib = Math.ceil(parameters.contractSizeLimit / 1024);
    if (kib < QUORUM_CODE_SIZE_KIB.min || kib > QUORUM_CODE_SIZE_KIB.max) {
      fail(`GoQuorum accepts a contract size limit of ${QUORUM_CODE_SIZE_KIB.min} to ${QUORUM_CODE_SIZE_KIB.max} KiB`);
    }
  }
  return parameters;
}

function forks(fork: Fork): Record<string, number> {
  const activated: Record<string, number> = Object.fromEntries(FORKS_TO_BERLIN.map((name) => [name, 0]));
  if (fork === "london") activated.londonBlock = 0;
  return activated;
}

function alloc(parameters: ChainParameters): Genesis["alloc"] {
  if (parameters.minGasPrice === 0n) return {};
  return Object.fromEntries(
    parameters.funded.map((account) => [getAddress(account), { balance: toQuantity(FUNDED_BALANCE) }]),
  );
}

function header(parameters: ChainParameters): GenesisHeader {
  return {
    nonce: "0x0",
    timestamp: toQuantity(parameters.timestamp),
    extraData: encodeQbftExtraData(parameters.validators),
    gasLimit: toQuantity(parameters.gasLimit),
    difficulty: "0x1",
    mixHash: BFT_MIX_HASH,
    coinbase: ZeroAddress,
    alloc: alloc(parameters),
    number: "0x0",
    gasUsed: "0x0",
    parentHash: toBeHex(0, 32),
  };
}

/** Besu's QBFT genesis (block-header validator selection). */
export function besuGenesis(parameters: ChainParameters): Genesis {
  const london = parameters.fork === "london";
  const genesis: Genesis = {
    config: {
      chainId: parameters.chainId,
      ...forks(parameters.fork),
      // A consortium burns no fees: base fee 0 on London rules, as Besu's free-gas networks run.
      ...(london ? { zeroBaseFee: true } : {}),
      contractSizeLimit: parameters.contractSizeLimit,
      qbft: {
        blockperiodseconds: parameters.blockPeriodSeconds,
        epochlength: parameters.epochLength,
        requesttimeoutseconds: parameters.requestTimeoutSeconds,
      },
    },
    ...header(parameters),
  };
  if (london) genesis.baseFeePerGas = "0x0";
  return genesis;
}

/** GoQuorum's QBFT genesis. */
export function goQuorumGenesis(parameters: ChainParameters): Genesis {
  return {
    config: {
      chainId: parameters.chainId,
      ...forks(parameters.fork),
      isQuorum: true,
      txnSizeLimit: QUORUM_TX_SIZE_LIMIT_KIB,
      maxCodeSizeConfig: [{ block: 0, size: Math.ceil(parameters.contractSizeLimit / 1024) }],
      // GoQuorum is free-gas unless gas price is switched on.
      ...(parameters.minGasPrice > 0n ? { enableGasPriceBlock: 0 } : {}),
      qbft: {
        blockperiodseconds: parameters.blockPeriodSeconds,
        epochlength: parameters.epochLength,
        requesttimeoutseconds: parameters.requestTimeoutSeconds,
        policy: QUORUM_PROPOSER_POLICY_ROUND_ROBIN,
        ceil2Nby3Block: 0,
      },
    },
    ...header(parameters),
  };
}

/** The genesis for `client`. */
export function genesisFor(client: Client, parameters: ChainParameters): Genesis {
  checkChainParameters(parameters, client);
  return client === "besu" ? besuGenesis(parameters) : goQuorumGenesis(parameters);
}
