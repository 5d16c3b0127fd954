/**
 * A seller opens a bidder's sealed-quote opening in the browser: the envelope (`forfaiting seal-opening`) is opened with
 * the seller member's encryption key, the plaintext checked against its own commitment, its binding to the offer and
 * bidder, and the commitment on chain — what the SDK's `forfaiting.openQuoteOpening` does, with the envelope module
 * the console bundles (`@consortia/sdk/envelope`, loaded on first use; the SDK client's own import is left to Node).
 */
import { decodeQuoteOpening, quoteOpeningAad, type SealedQuote } from "@consortia/sdk/client";

const ZERO_HASH = `0x${"0".repeat(64)}`;

export async function openQuoteOpening(
  envelopeText: string,
  reader: { memberId: number; privateKey: `0x${string}` },
  commitmentOf: (offerId: bigint, bidder: string) => Promise<string>,
): Promise<SealedQuote> {
  const { openEnvelope, parseEnvelope } = await import("@consortia/sdk/envelope");
  const parsed = parseEnvelope(JSON.parse(envelopeText));
  const quote = decodeQuoteOpening(await openEnvelope(parsed, reader));
  const aad = new TextDecoder().decode(quoteOpeningAad(quote.offerId, quote.bidder));
  const bound = parsed.aad.startsWith("0x") ? parsed.aad.slice(2) : parsed.aad;
  const bytes = Uint8Array.from(bound.match(/../g) ?? [], (pair) => parseInt(pair, 16));
  if (new TextDecoder().decode(bytes) !== aad)
    throw new Error(`the envelope is not bound to offer ${quote.offerId} and bidder ${quote.bidder}`);
  const onChain = await commitmentOf(quote.offerId, quote.bidder);
  if (onChain.toLowerCase() !== quote.commitment.toLowerCase()) {
    throw new Error(
      `${quote.bidder} has ${onChain === ZERO_HASH ? "no commitment" : `commitment ${onChain}`} on offer ` +
        `${quote.offerId}, not the one this opening opens`,
    );
  }
  return quote;
}
