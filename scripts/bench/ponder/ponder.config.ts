/**
 * Ponder's side of `npm run bench:indexer` (scripts/bench/indexer.ts copies this folder into a temporary project,
 * installs the pinned `ponder` there and starts `ponder start`): the bench chain's DepositToken transfers into
 * `transfers` and `balances`, the rows our platform projection keeps in `token_transfers` and the current versions
 * of `token_balances`. Everything comes from the environment the bench sets.
 */
import { createConfig } from "ponder";
import { parseAbi } from "viem";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} is not set`);
  return value;
};

export default createConfig({
  database:
    process.env.PONDER_DATABASE_URL === undefined
      ? { kind: "pglite", directory: env("PONDER_PGLITE_DIR") }
      : { kind: "postgres", connectionString: process.env.PONDER_DATABASE_URL },
  chains: { bench: { id: Number(env("PONDER_CHAIN_ID")), rpc: env("PONDER_RPC_URL") } },
  contracts: {
    DepositToken: {
      chain: "bench",
      abi: parseAbi(["event Transfer(address indexed from, address indexed to, uint256 value)"]),
      address: env("PONDER_TOKEN_ADDRESS") as `0x${string}`,
      startBlock: Number(env("PONDER_START_BLOCK")),
    },
  },
});
