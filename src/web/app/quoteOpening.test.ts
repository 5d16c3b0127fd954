import { describe, expect, it } from "vitest";
import { encodeQuoteOpening, quoteCommitment, quoteOpeningAad } from "@consortia/sdk/client";
import { generateEncryptionKeyPair, sealEnvelope } from "@consortia/sdk/envelope";
import { openQuoteOpening } from "./quoteOpening.js";

describe("a sealed quote's opening opened in the browser", () => {
  const seller = generateEncryptionKeyPair();
  const bidder = `0x${"b2".repeat(20)}`;
  const salt = `0x${"5a".repeat(32)}`;
  const quote = { offerId: 7n, bidder, price: 48_000n, salt, commitment: quoteCommitment(7n, bidder, 48_000n, salt) };
  const sealed = async (aadFor = quote) =>
    JSON.stringify(
      (
        await sealEnvelope({
          plaintext: encodeQuoteOpening(quote),
          recipients: [{ memberId: 1, publicKey: seller.publicKey }],
          associatedData: quoteOpeningAad(aadFor.offerId, aadFor.bidder),
        })
      ).envelope,
    );
  const reader = { memberId: 1, privateKey: seller.privateKey };

  it("opens it with the seller's key and checks it against the commitment on chain", async () => {
    const opened = await openQuoteOpening(await sealed(), reader, async () => quote.commitment);
    expect([opened.offerId, opened.bidder, opened.price, opened.salt]).toEqual([7n, bidder, 48_000n, salt]);
  });

  it("refuses an opening whose commitment is not the one on chain, one bound to another offer, and a wrong key", async () => {
    await expect(openQuoteOpening(await sealed(), reader, async () => `0x${"0".repeat(64)}`)).rejects.toThrow(
      /no commitment/,
    );
    await expect(
      openQuoteOpening(await sealed({ ...quote, offerId: 8n }), reader, async () => quote.commitment),
    ).rejects.toThrow(/not bound to offer 7/);
    const other = { memberId: 1, privateKey: generateEncryptionKeyPair().privateKey };
    await expect(openQuoteOpening(await sealed(), other, async () => quote.commitment)).rejects.toThrow();
  });
});
