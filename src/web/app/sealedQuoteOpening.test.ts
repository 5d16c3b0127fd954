import { describe, expect, it } from "vitest";
import { AbiCoder, type Provider } from "ethers";
import {
  createConsortia,
  encodeQuoteOpening,
  quoteCommitment,
  quoteOpeningAad,
  type Deployment,
} from "@consortia/sdk/client";
import { generateEncryptionKeyPair, sealEnvelope } from "@consortia/sdk/envelope";

// The console opens a sealed quote's opening with the SDK's `forfaiting.openQuoteOpening` (its envelope module loaded
// on first use, bundled by Vite): the same client, with the market's commitmentOf answered by a stand-in provider.
describe("a sealed quote's opening opened in the browser", () => {
  const seller = generateEncryptionKeyPair();
  const bidder = `0x${"b2".repeat(20)}`;
  const salt = `0x${"5a".repeat(32)}`;
  const quote = { offerId: 7n, bidder, price: 48_000n, salt, commitment: quoteCommitment(7n, bidder, 48_000n, salt) };
  const sealed = async (aadFor = quote) =>
    JSON.parse(
      JSON.stringify(
        (
          await sealEnvelope({
            plaintext: encodeQuoteOpening(quote),
            recipients: [{ memberId: 1, publicKey: seller.publicKey }],
            associatedData: quoteOpeningAad(aadFor.offerId, aadFor.bidder),
          })
        ).envelope,
      ),
    );
  const reader = { memberId: 1, privateKey: seller.privateKey };
  const forfaiting = async (onChain: string) => {
    const runner = {
      provider: null,
      getNetwork: async () => ({ chainId: 1337n }),
      call: async () => AbiCoder.defaultAbiCoder().encode(["bytes32"], [onChain]),
    };
    const deployment: Deployment = {
      chainId: 1337,
      deploymentBlock: 0,
      contracts: {
        ForfaitingMarket: { address: `0x${"11".repeat(20)}`, block: 0 },
        ConsortiumRegistry: { address: `0x${"22".repeat(20)}`, block: 0 },
      },
    } as Deployment;
    return (await createConsortia({ runner: runner as unknown as Provider, deployment, checkChainId: false }))
      .forfaiting;
  };

  it("opens it with the seller's key and checks it against the commitment on chain", async () => {
    const opened = await (await forfaiting(quote.commitment)).openQuoteOpening(await sealed(), reader);
    expect([opened.offerId, opened.bidder, opened.price, opened.salt]).toEqual([7n, bidder, 48_000n, salt]);
  });

  it("refuses an opening whose commitment is not the one on chain, one bound to another offer, and a wrong key", async () => {
    await expect((await forfaiting(`0x${"0".repeat(64)}`)).openQuoteOpening(await sealed(), reader)).rejects.toThrow(
      /no commitment/,
    );
    const market = await forfaiting(quote.commitment);
    await expect(market.openQuoteOpening(await sealed({ ...quote, offerId: 8n }), reader)).rejects.toThrow(
      /not bound to offer 7/,
    );
    const other = { memberId: 1, privateKey: generateEncryptionKeyPair().privateKey };
    await expect(market.openQuoteOpening(await sealed(), other)).rejects.toThrow();
  });
});
