/**
 * What a bank may do with an offer addressed to it on a receivable's page, judged against the CHAIN's time (the
 * demo moves the chain clock, so the browser clock is never used): accept a pending discount offer until its deadline
 * (inclusive, as `ReceivableDesk.acceptDiscount` checks), take an active pledge from its due date on
 * (`ReceivableDesk.takePledge`). The contract decides in the end; this only offers the right button and says why not.
 */

export interface OfferRow {
  kind: string;
  id: string;
  status: string;
  deadline: number;
  counterpartyMember: number | null;
}

export type BankAction = "acceptDiscount" | "takePledge";

export type BankActionVerdict =
  { action: BankAction; ok: true } | { action: BankAction; ok: false; reason: "expired" | "notDue"; at: number };

/** The bank action `member` has on `offer` at chain time `chainNow`, or undefined when none is addressed to it. */
export function bankActionFor(offer: OfferRow, member: number, chainNow: number): BankActionVerdict | undefined {
  if (offer.counterpartyMember !== member) return undefined;
  if (offer.kind === "discount" && offer.status === "Pending") {
    return chainNow > offer.deadline
      ? { action: "acceptDiscount", ok: false, reason: "expired", at: offer.deadline }
      : { action: "acceptDiscount", ok: true };
  }
  if (offer.kind === "pledge" && offer.status === "Active") {
    return chainNow < offer.deadline
      ? { action: "takePledge", ok: false, reason: "notDue", at: offer.deadline }
      : { action: "takePledge", ok: true };
  }
  return undefined;
}

/** Raised by `parsePaymentReference` for text that is neither empty nor a 32-byte hex value. */
export class PaymentReferenceError extends Error {
  override name = "PaymentReferenceError";
}

export const ZERO_REFERENCE = `0x${"0".repeat(64)}`;

/** The payment reference a bank types (empty → none, i.e. the zero hash; else exactly 32 bytes of hex). */
export function parsePaymentReference(text: string): string {
  const plain = text.trim();
  if (plain === "") return ZERO_REFERENCE;
  if (!/^0x[0-9a-fA-F]{64}$/.test(plain)) throw new PaymentReferenceError(text);
  return plain.toLowerCase();
}

/** Raised by `deadlineAfterChain` for a date whose end is not after the chain's time. */
export class ChainDateError extends Error {
  override name = "ChainDateError";
  constructor(
    readonly at: number,
    readonly chainNow: number,
  ) {
    super(`date ${at} is not after the chain time ${chainNow}`);
  }
}

/**
 * A date input (YYYY-MM-DD) as unix seconds at the end of that day in the user's zone, refused unless it is after
 * `chainNow` (the chain's latest block time, not the browser clock).
 */
export function deadlineAfterChain(isoDate: string, chainNow: number): number {
  const [year, month, day] = isoDate.split("-").map(Number);
  const at = Math.floor(new Date(year, month - 1, day, 23, 59, 59).getTime() / 1000);
  if (!Number.isFinite(at) || at <= chainNow) throw new ChainDateError(at, chainNow);
  return at;
}

/** An offer on the forfaiting market, as far as accepting one of its quotes goes. */
export interface MarketOffer {
  state: string;
  seller: number;
  sealed: boolean;
  quoteDeadline: number;
  revealPeriod: number;
}

export type AcceptQuoteVerdict = { ok: true } | { ok: false; reason: "revealOpen"; at: number };

/**
 * Whether `member` (the seller) may accept a quote on `offer` at chain time `chainNow`: an open offer of its own; on a
 * sealed offer only once the reveal window is over (`ForfaitingMarket.acceptQuote` refuses at or before the end of
 * the reveal period). Undefined when the member is not the seller or the offer is not open.
 */
export function acceptQuoteFor(offer: MarketOffer, member: number, chainNow: number): AcceptQuoteVerdict | undefined {
  if (offer.seller !== member || offer.state !== "Open") return undefined;
  if (offer.sealed && offer.revealPeriod !== 0) {
    const revealEnd = offer.quoteDeadline + offer.revealPeriod;
    if (chainNow <= revealEnd) return { ok: false, reason: "revealOpen", at: revealEnd };
  }
  return { ok: true };
}

/** The quotes a seller may accept: active (open, or sealed and revealed) with a price, best price first. */
export function acceptableQuotes<Q extends { state: string; price: string | null }>(quotes: Q[]): Q[] {
  return quotes
    .filter((q) => q.state === "Active" && q.price !== null)
    .sort((a, b) => {
      const d = BigInt(b.price!) - BigInt(a.price!);
      return d > 0n ? 1 : d < 0n ? -1 : 0;
    });
}
