/**
 * Waiting for a receipt where blocks come on a clock (QBFT: one every 1 to 5 s, many transactions each) rather than
 * one per transaction: never forever, and with a named error for each way a wait ends without our receipt.
 *
 * Browser-safe.
 */
import { isError, type TransactionReceipt } from "ethers";

/** How long `send` waits for a receipt by default: many QBFT block periods, a round change or two included. */
export const DEFAULT_RECEIPT_TIMEOUT_MS = 120_000;

/** No receipt within the timeout, and the node still knows the transaction: it may yet be mined. */
export class TransactionTimeoutError extends Error {
  override name = "TransactionTimeoutError";
  constructor(
    readonly hash: string,
    readonly timeoutMs: number,
  ) {
    super(
      `transaction ${hash} was not mined within ${timeoutMs / 1000} s; the node still holds it and may mine it later: check it before sending again`,
    );
  }
}

/** The node no longer knows the transaction and its nonce was not used: it will never be mined as sent. */
export class TransactionDroppedError extends Error {
  override name = "TransactionDroppedError";
  constructor(readonly hash: string) {
    super(`transaction ${hash} was dropped: the node no longer knows it and it was not mined; it can be sent again`);
  }
}

/** Another transaction with the same sender and nonce was mined instead. */
export class TransactionReplacedError extends Error {
  override name = "TransactionReplacedError";
  constructor(
    readonly hash: string,
    /** The transaction mined in its place; undefined when the wait saw only that the nonce was used by another. */
    readonly replacement: string | undefined,
    /** ethers' reading: `repriced` (same call, other fees), `cancelled` (empty self-transfer) or `replaced`. */
    readonly reason: string,
  ) {
    super(
      `transaction ${hash} was ${reason} by ${replacement ?? "another transaction of the same sender"}, mined with the same nonce`,
    );
  }
}

export interface WaitOptions {
  /** Confirmations to wait for (default 1). */
  confirmations?: number;
  /** Milliseconds before giving up (default `DEFAULT_RECEIPT_TIMEOUT_MS`). */
  timeoutMs?: number;
}

/** What `waitForReceipt` needs of a sent transaction (ethers' TransactionResponse and ContractTransactionResponse). */
export interface WaitableTransaction<R extends TransactionReceipt> {
  readonly hash: string;
  /** Sender and nonce tell a replaced transaction from a dropped one when the node no longer knows it. */
  readonly from?: string;
  readonly nonce?: number;
  readonly provider: {
    getTransaction(hash: string): Promise<unknown>;
    getTransactionCount?(address: string, blockTag: "latest"): Promise<number>;
  };
  wait(confirmations?: number, timeout?: number): Promise<R | null>;
}

/**
 * The receipt of `response`, or `TransactionTimeoutError`, `TransactionDroppedError` or `TransactionReplacedError`
 * (each naming the hash); a revert is ethers' CALL_EXCEPTION as before.
 */
export async function waitForReceipt<R extends TransactionReceipt>(
  response: WaitableTransaction<R>,
  options: WaitOptions = {},
): Promise<R> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_RECEIPT_TIMEOUT_MS;
  try {
    const receipt = await response.wait(options.confirmations ?? 1, timeoutMs);
    if (receipt === null) throw new TransactionTimeoutError(response.hash, timeoutMs);
    return receipt;
  } catch (error) {
    if (isError(error, "TRANSACTION_REPLACED")) {
      throw new TransactionReplacedError(response.hash, error.replacement.hash, error.reason);
    }
    if (isError(error, "TIMEOUT")) throw await timedOut(response, timeoutMs);
    throw error;
  }
}

/**
 * Why a wait timed out: the node still knows the transaction (timeout), or it does not and its nonce is unused (dropped)
 * or used by another transaction (replaced: ethers saw no block in which to find the replacement, e.g. the replacement
 * was mined before the wait started watching blocks). Unknown answers keep the cautious reading, a timeout.
 */
export async function timedOut<R extends TransactionReceipt>(
  response: Pick<WaitableTransaction<R>, "hash" | "from" | "nonce" | "provider">,
  timeoutMs: number,
): Promise<Error> {
  const { provider, hash, from, nonce } = response;
  const known = await provider.getTransaction(hash).catch(() => undefined);
  if (known !== null) return new TransactionTimeoutError(hash, timeoutMs);
  if (from === undefined || nonce === undefined || provider.getTransactionCount === undefined) {
    return new TransactionDroppedError(hash);
  }
  const used = await provider.getTransactionCount(from, "latest").catch(() => undefined);
  if (used === undefined) return new TransactionTimeoutError(hash, timeoutMs);
  return used > nonce ? new TransactionReplacedError(hash, undefined, "replaced") : new TransactionDroppedError(hash);
}
