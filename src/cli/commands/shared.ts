/** Helpers the command files share. */
import type { ContractTransactionReceipt } from "ethers";
import type { SendOptions } from "@consortia/sdk";
import type { Cli } from "../context.js";

/** Progress lines for a transaction: "label: sent 0x…, waiting for confirmation". */
export function progress(cli: Cli, label: string): SendOptions {
  cli.out.progress(`${label}…`);
  return {
    onSent: (hash) => cli.out.progress(`${label}: sent ${hash}, waiting for confirmation`),
  };
}

/** What every state-changing command prints about its transaction. */
export function receiptSummary(receipt: ContractTransactionReceipt): {
  transactionHash: string;
  blockNumber: number;
  gasUsed: bigint;
} {
  return {
    transactionHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    gasUsed: receipt.gasUsed,
  };
}
