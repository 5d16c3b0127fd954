import { isContractAddressInBloom } from "ethereum-bloom-filters";
import type { BlockHeader, RawLog } from "./rpc.js";

/**
 * The proof that an eth_getLogs answer covers a block range on the canonical chain, checked before the checkpoint
 * moves (docs/indexer-coverage.md says why each check is there):
 * - every header of the range is present and each links to the one before by parentHash, the first to the checkpoint;
 * - every log lies in the range, is not removed, and carries the hash of its block's header;
 * - a block whose logsBloom may hold one of the indexed addresses but that came back without a log is suspect: its
 *   logs are fetched again by block hash (EIP-234), which a node without the block refuses instead of answering short.
 */
export class RangeNotCoveredError extends Error {
  constructor(
    readonly from: number,
    readonly to: number,
    readonly reason: string,
  ) {
    super(`blocks ${from}..${to} not covered: ${reason}`);
  }
}

export interface CoverageInput {
  from: number;
  /** Headers of from, from+1, ... in order (undefined: the node that answered does not have the block). */
  headers: readonly (BlockHeader | undefined)[];
  /** The checkpoint's hash, which the first header's parentHash must equal (null: nothing to link to). */
  parentHash: string | null;
  logs: readonly RawLog[];
  /** Indexed addresses, lower case. */
  addresses: readonly string[];
}

export interface Coverage {
  /** Last block of the proven prefix (from − 1 when none). */
  to: number;
  headers: BlockHeader[];
  /** Logs of blocks from..to. */
  logs: RawLog[];
  /** Blocks whose bloom may hold an indexed address but that returned no log: to fetch again by hash. */
  suspects: BlockHeader[];
}

const EMPTY_BLOOM = /^0x0*$/;

/** Whether a block's logsBloom may contain a log of one of `addresses` (false positives possible, no false negatives). */
export function bloomMayContain(bloom: string, addresses: readonly string[]): boolean {
  if (EMPTY_BLOOM.test(bloom)) return false;
  return addresses.some((address) => isContractAddressInBloom(bloom, address));
}

/**
 * Checks a range's headers and logs. The proven range ends before the first header the node did not have (a node
 * below the range): the blocks after it are fetched again later, never committed unproven. Throws
 * RangeNotCoveredError when not even the first block is proven or when the answers contradict each other.
 */
export function checkCoverage(input: CoverageInput): Coverage {
  const { from, parentHash, addresses } = input;
  const missing = input.headers.findIndex((h) => h === undefined);
  const headers = (missing === -1 ? input.headers : input.headers.slice(0, missing)) as BlockHeader[];
  const to = from + headers.length - 1;
  if (headers.length === 0)
    throw new RangeNotCoveredError(
      from,
      from + input.headers.length - 1,
      `no header of block ${from}: the node is behind`,
    );
  let previous = parentHash;
  for (const [i, header] of headers.entries()) {
    if (header.number !== from + i)
      throw new RangeNotCoveredError(from, to, `asked for block ${from + i}, got block ${header.number}`);
    if (previous !== null && header.parentHash !== previous)
      throw new RangeNotCoveredError(
        from,
        to,
        `block ${header.number} does not link to ${i === 0 ? "the checkpoint" : `block ${header.number - 1}`} (answers from different chains)`,
      );
    previous = header.hash;
  }
  const logged = new Set<number>();
  const logs: RawLog[] = [];
  for (const log of input.logs) {
    const n = Number(log.blockNumber);
    if (n < from || n > from + input.headers.length - 1)
      throw new RangeNotCoveredError(from, to, `log of block ${n} outside the range asked for`);
    if (n > to) continue; // beyond the proven prefix: fetched again with the rest
    if (log.removed === true) throw new RangeNotCoveredError(from, to, `log of block ${n} marked removed`);
    if (log.blockHash !== headers[n - from].hash)
      throw new RangeNotCoveredError(from, to, `log of block ${n} is from block ${log.blockHash}, not the header's`);
    logged.add(n);
    logs.push(log);
  }
  const suspects = headers.filter((h) => !logged.has(h.number) && bloomMayContain(h.logsBloom, addresses));
  return { to, headers, logs, suspects };
}
