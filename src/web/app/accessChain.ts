/**
 * A dataset's access trail checked in the browser: the access log is a hash chain committed on chain
 * (`IDataSharing.AccessRecorded`): head_0 = keccak256(abi.encode(contract, datasetId)), head_n = keccak256(abi.encode(
 * head_n-1, seq, accessId, grantId, version, consumer, purposeHash, resultHash, block time)). The console replays the
 * entries the API lists and compares the head with the contract's `dataset(id).accessHead`, read from the node: an
 * entry dropped, altered or invented by the API (or anything between) shows as a mismatch.
 */
import { AbiCoder, keccak256 } from "ethers";

export interface AccessEntry {
  seq: number;
  accessId: string;
  grantId: number;
  version: number;
  consumer: number;
  purposeHash: string;
  resultHash: string;
  /** The block time of the entry (unix seconds). */
  time: number;
}

const coder = AbiCoder.defaultAbiCoder();

export function accessChainSeed(contract: string, datasetId: number | bigint): string {
  return keccak256(coder.encode(["address", "uint64"], [contract, datasetId]));
}

/** The head after `entries` (in seq order, 1..n); throws on a gap or a repeat. */
export function replayAccessChain(
  contract: string,
  datasetId: number | bigint,
  entries: readonly AccessEntry[],
): string {
  let head = accessChainSeed(contract, datasetId);
  entries.forEach((e, i) => {
    if (e.seq !== i + 1) throw new Error(`access log: entry ${i + 1} has seq ${e.seq}`);
    head = keccak256(
      coder.encode(
        ["bytes32", "uint64", "bytes32", "uint64", "uint32", "uint32", "bytes32", "bytes32", "uint256"],
        [head, e.seq, e.accessId, e.grantId, e.version, e.consumer, e.purposeHash, e.resultHash, e.time],
      ),
    );
  });
  return head;
}

export type TrailCheck =
  | { verified: true; count: number; head: string }
  | { verified: false; count: number; reason: "gap" | "count" | "head"; detail: string };

/** Compares the replayed log with the chain's count and head. */
export function checkTrail(
  contract: string,
  datasetId: number | bigint,
  entries: readonly AccessEntry[],
  onChain: { accessCount: bigint | number; accessHead: string },
): TrailCheck {
  let head: string;
  try {
    head = replayAccessChain(contract, datasetId, entries);
  } catch (failure) {
    return { verified: false, count: entries.length, reason: "gap", detail: (failure as Error).message };
  }
  if (BigInt(onChain.accessCount) !== BigInt(entries.length))
    return {
      verified: false,
      count: entries.length,
      reason: "count",
      detail: `${entries.length} entries listed, ${String(onChain.accessCount)} on chain`,
    };
  if (head.toLowerCase() !== onChain.accessHead.toLowerCase())
    return { verified: false, count: entries.length, reason: "head", detail: `${head} ≠ ${onChain.accessHead}` };
  return { verified: true, count: entries.length, head };
}
