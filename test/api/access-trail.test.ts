import { expect } from "chai";
import { decodeFunctionData, encodeFunctionResult, type Abi, type Hex, type PublicClient } from "viem";
import { DataSharing__factory } from "@consortia/sdk/typechain/factories/data-sharing/DataSharing__factory.js";
import type { Deployment } from "@consortia/sdk";
import { IndexCache } from "../../src/api/cache.js";
import { AccessChainMemo, replayAccessChain } from "../../src/indexer/projections/data-sharing.js";
import { verifyAccessTrail, type ChainTrail } from "../../src/indexer/verify/data-sharing.js";

/**
 * Issue 23: the contract's side of an access trail is read at the indexed block by its hash (EIP-1898, only while it
 * is canonical) and kept by that hash, not by the block number: a reorg the index has not rolled back yet can never
 * pair the index with another block of the same number, nor answer "verified" from a view of that other block.
 */
describe("access trail: the contract read and kept by the indexed block's hash", () => {
  const DATA_SHARING = "0x00000000000000000000000000000000000000d5";
  const abi = DataSharing__factory.abi as Abi;
  const deployments = { chainId: 1337, contracts: { DataSharing: { address: DATA_SHARING } } } as unknown as Deployment;
  const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;

  /** A dataset's indexed log of `n` entries as the API reads it (`accessLogSelect`'s columns). */
  const rows = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      log_seq: i + 1,
      access_id: hash(100 + i),
      grant_id: 1,
      version: 1,
      consumer: 7,
      purpose_hash: hash(200),
      result_hash: hash(300 + i),
      block_time: 1_700_000_000 + i,
    }));
  const headOf = (log: ReturnType<typeof rows>) =>
    replayAccessChain(
      DATA_SHARING,
      1,
      log.map((r) => ({
        seq: String(r.log_seq),
        accessId: r.access_id,
        grantId: String(r.grant_id),
        version: String(r.version),
        consumer: String(r.consumer),
        purposeHash: r.purpose_hash,
        resultHash: r.result_hash,
        timestamp: String(r.block_time),
      })),
    );

  /**
   * A node holding two blocks of number 10: `old` (what the index holds, the log of 3 entries) and `replacing` (a
   * reorg: the third access is gone). Only `replacing` is canonical once `reorged`. Records every eth_call's block.
   */
  function node(log: ReturnType<typeof rows>) {
    const state = { reorged: false, calls: [] as unknown[] };
    const blocks: Record<string, { head: string; count: number }> = {
      [hash(0xa1)]: { head: headOf(log), count: log.length },
      [hash(0xb2)]: { head: headOf(log.slice(0, 2)), count: 2 },
    };
    const client = {
      async request({ method, params }: { method: string; params: [{ data: Hex }, unknown] }) {
        expect(method).to.equal("eth_call");
        const [{ data }, block] = params;
        state.calls.push(block);
        const { blockHash, requireCanonical } = block as { blockHash: string; requireCanonical: boolean };
        const canonical = state.reorged ? hash(0xb2) : hash(0xa1);
        if (requireCanonical && blockHash !== canonical) throw new Error(`block ${blockHash} is not canonical`);
        const { args } = decodeFunctionData({ abi, data });
        expect(args).to.deep.equal([1n]);
        const { head, count } = blocks[blockHash];
        return encodeFunctionResult({
          abi,
          functionName: "dataset",
          result: {
            owner: 1,
            latestVersion: 1,
            classification: 0,
            status: 0,
            fieldMask: 0n,
            sensitiveCount: 0,
            accessCount: BigInt(count),
            accessHead: head as Hex,
            sensitiveHead: hash(0),
          },
        });
      },
      readContract() {
        throw new Error("read by block number: the trail must read by the indexed block's hash");
      },
    } as unknown as PublicClient;
    return { client, state };
  }

  it("reads the contract at the indexed block's hash, canonical only, and keeps the view under that hash", async () => {
    const log = rows(3);
    const { client, state } = node(log);
    const chain = new IndexCache<string, ChainTrail>();
    const cache = { replays: new AccessChainMemo(), chain };
    const ctx = { db: undefined as never, client, deployments, block: 10, cache };
    const first = await verifyAccessTrail({ ...ctx, blockHash: hash(0xa1) }, 1, log);
    expect(first).to.include({ verified: true, entries: 3, count: 3, problem: null });
    expect(state.calls).to.deep.equal([{ blockHash: hash(0xa1), requireCanonical: true }]);
    // Kept: the same block (number and hash) is not read again.
    expect(await verifyAccessTrail({ ...ctx, blockHash: hash(0xa1) }, 1, log)).to.deep.equal(first);
    expect(state.calls).to.have.length(1);

    // The same number, another hash (the index moved to the reorg's block 10, its log of 2): read again, not the view
    // kept for the other block 10 (keyed by number it would be reused, and the longer log would be "verified").
    state.reorged = true;
    const other = await verifyAccessTrail({ ...ctx, blockHash: hash(0xb2) }, 1, log);
    expect(state.calls).to.have.length(2);
    expect(other).to.include({ verified: false, entries: 3, count: 2 });
    expect(other.problem).to.equal("3 entries indexed, the contract counts 2");
    expect((await verifyAccessTrail({ ...ctx, blockHash: hash(0xb2) }, 1, log.slice(0, 2))).verified).to.equal(true);
  });

  it("a reorg the index has not rolled back yet: the indexed block is no longer canonical, so not verified", async () => {
    const log = rows(3);
    const { client, state } = node(log);
    state.reorged = true; // the node moved to the other block 10; the index still holds the old one
    const cache = { replays: new AccessChainMemo(), chain: new IndexCache<string, ChainTrail>() };
    const ctx = { db: undefined as never, client, deployments, block: 10, cache };
    const trail = await verifyAccessTrail({ ...ctx, blockHash: hash(0xa1) }, 1, log);
    expect(trail).to.include({ verified: false, count: null, chainHead: null });
    expect(trail.problem).to.contain("cannot read DataSharing.dataset(1) at block 10");
    expect(trail.problem).to.contain("not canonical");
    // Nothing kept from the failed read: once the node answers, it is read (and verified) again.
    state.reorged = false;
    expect((await verifyAccessTrail({ ...ctx, blockHash: hash(0xa1) }, 1, log)).verified).to.equal(true);
  });
});
