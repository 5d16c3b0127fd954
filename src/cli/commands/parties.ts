/** Helpers the application command files share: parties by member reference, token allowances, transaction output. */
import type { ContractTransactionReceipt } from "ethers";
import type { Consortia } from "@consortia/sdk";
import type { Cli } from "../context.js";
import { UsageError } from "../errors.js";
import { parseAddress } from "../parse.js";
import { progress, receiptSummary } from "./shared.js";

/** An account from an address, or from a member id or name (its first account). */
export async function accountOf(consortia: Consortia, reference: string, what = "party"): Promise<string> {
  if (reference.trim().startsWith("0x")) return parseAddress(reference, `${what} address`);
  const member = await consortia.registry.findMember(reference);
  if (member.accounts.length === 0) throw new UsageError(`member ${member.name} (${what}) has no account`);
  return member.accounts[0];
}

/** A member id from an id, name or account. */
export async function memberIdOf(consortia: Consortia, reference: string): Promise<number> {
  return (await consortia.registry.findMember(reference)).id;
}

/**
 * Makes sure the signer allowed `spender` to pull `amount` deposit tokens (for a DvP payment step); approves exactly
 * the missing amount's total otherwise. Never approves more than asked.
 */
export async function ensureAllowance(cli: Cli, consortia: Consortia, spender: string, amount: bigint): Promise<void> {
  const owner = await (await cli.signer()).getAddress();
  const current = await consortia.token.allowance(owner, spender);
  if (current >= amount) return;
  const shown = await consortia.token.format(amount);
  await consortia.token.approve(spender, amount, progress(cli, `approve ${shown} to ${spender}`));
}

/** Prints the outcome of a transaction: JSON with the receipt summary, or a sentence with the transaction hash. */
export function printed(
  cli: Cli,
  receipt: ContractTransactionReceipt,
  data: Record<string, unknown>,
  sentence: string,
) {
  cli.out.result(
    { ...data, ...receiptSummary(receipt) },
    () => `${sentence} (tx ${receipt.hash}, block ${receipt.blockNumber})`,
  );
}
