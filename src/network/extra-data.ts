/**
 * QBFT genesis extraData as Besu and GoQuorum read it: RLP([32-byte vanity, [validator addresses], vote, round,
 * [committed seals]]). In a genesis block there is no vote (an empty list), round 0 (the empty byte string) and no
 * seals. Encoded with ethers' RLP codec.
 */
import { decodeRlp, encodeRlp, getAddress, zeroPadValue } from "ethers";

const VANITY = zeroPadValue("0x", 32);
const NO_VOTE: string[] = [];
const ROUND_ZERO = "0x";
const NO_SEALS: string[] = [];

/** The genesis extraData naming `validators` (in the given order) as the initial QBFT validator set. */
export function encodeQbftExtraData(validators: readonly string[]): string {
  if (validators.length === 0) throw new Error("a QBFT network needs at least one validator");
  const addresses = validators.map((validator) => getAddress(validator).toLowerCase());
  if (new Set(addresses).size !== addresses.length) throw new Error("duplicate validator address in extraData");
  return encodeRlp([VANITY, addresses, NO_VOTE, ROUND_ZERO, NO_SEALS]);
}

/** The validator addresses (checksummed) of a QBFT extraData; throws when it is not one. */
export function decodeQbftExtraData(extraData: string): string[] {
  const decoded = decodeRlp(extraData);
  if (!Array.isArray(decoded) || decoded.length < 5 || !Array.isArray(decoded[1])) {
    throw new Error("not a QBFT extraData: expected RLP([vanity, [validators], vote, round, seals])");
  }
  return decoded[1].map((entry) => {
    if (typeof entry !== "string" || entry.length !== 42) throw new Error(`not a validator address: ${String(entry)}`);
    return getAddress(entry);
  });
}
