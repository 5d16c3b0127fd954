/**
 * Reading a client's own events back from a receipt: every client finds the id a transaction created this way.
 *
 * Browser-safe.
 */
import type { ContractTransactionReceipt, Interface, Result } from "ethers";
import { eventArgsIn } from "../eventLogs.js";

/** Every event `name` that the contract at `target` emitted in the receipt, in log order. */
export function eventsOf(
  receipt: ContractTransactionReceipt,
  target: string,
  iface: Interface,
  name: string,
): Result[] {
  return eventArgsIn(receipt.logs, target, iface, name);
}

/** The first event `name` that the contract at `target` emitted in the receipt; an error names the transaction. */
export function eventArgs(receipt: ContractTransactionReceipt, target: string, iface: Interface, name: string): Result {
  const [first] = eventsOf(receipt, target, iface, name);
  if (first === undefined) throw new Error(`transaction ${receipt.hash} emitted no ${name}`);
  return first;
}
