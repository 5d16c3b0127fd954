/**
 * The forfaiting market (ForfaitingMarket): a selling bank announces a transferable claim it holds, buying banks quote
 * openly or sealed (commit, then the seller opens the chosen commitment at acceptance, or the bidder reveals), the
 * seller accepts a quote (claim against price in one transaction), the
 * obligor acknowledges the transfer notice. Prices are minor units of the settlement token.
 */
import {
  AbiCoder,
  ZeroHash,
  getBytes,
  hexlify,
  keccak256,
  randomBytes,
  type BigNumberish,
  type ContractTransactionReceipt,
} from "ethers";
import { ForfaitingMarket__factory } from "../typechain/factories/forfaiting/ForfaitingMarket__factory.js";
import { ConsortiumRegistry__factory } from "../typechain/factories/platform/ConsortiumRegistry__factory.js";
import { ITransferableClaim__factory } from "../typechain/factories/platform/interfaces/ITransferableClaim__factory.js";
import type { ForfaitingMarket } from "../typechain/forfaiting/ForfaitingMarket.js";
import type { Hex } from "../bytes.js";
import type { Envelope, Reader } from "../envelope.js";
import { envelopeReadersOf } from "./readers.js";
import { defineClient, type ClientContext, type SendOptions } from "./define.js";
import { eventArgs } from "./events.js";

export const OFFER_STATE = ["None", "Open", "Traded", "NoticeAcknowledged", "Withdrawn"] as const;
export const QUOTE_STATE = ["None", "Active", "Withdrawn", "Accepted"] as const;

export type OfferStateName = (typeof OFFER_STATE)[number];
export type QuoteStateName = (typeof QUOTE_STATE)[number];

export interface AnnouncementInput {
  /** The claim contract (e.g. the LetterOfCredit contract); defaults to the suite's LetterOfCredit. */
  asset?: string;
  claimId: bigint;
  askingPrice?: bigint;
  askingDiscountBps?: number;
  askingTermsHash?: string;
  quoteDeadline: bigint | number;
  /** Seconds after the deadline to reveal sealed quotes; 0 (default) for open quotes. */
  revealPeriod?: number;
  documents?: { contentHash: string; uriHash: string; kind: number }[];
}

/** What a sealed bidder must keep until it reveals. */
export interface SealedQuote {
  offerId: bigint;
  bidder: string;
  price: bigint;
  salt: string;
  commitment: string;
}

/** `keccak256(abi.encode(offerId, bidder, price, salt))`: the commitment of a sealed quote. */
export function quoteCommitment(offerId: BigNumberish, bidder: string, price: BigNumberish, salt: string): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(["uint256", "address", "uint128", "bytes32"], [offerId, bidder, price, salt]),
  );
}

/** The associated data a quote opening's envelope is bound to: the offer and the bidder account. */
export function quoteOpeningAad(offerId: BigNumberish, bidder: string): Uint8Array {
  return new TextEncoder().encode(`forfaiting-quote:${BigInt(offerId)}:${bidder.toLowerCase()}`);
}

/** The plaintext of a quote opening (JSON; numbers as decimal strings). */
export function encodeQuoteOpening(quote: SealedQuote): Uint8Array {
  const { offerId, bidder, price, salt, commitment } = quote;
  return new TextEncoder().encode(
    JSON.stringify({ offerId: String(offerId), bidder, price: String(price), salt, commitment }),
  );
}

/**
 * Parses a quote opening and checks it against its own commitment: a bidder that sends the seller a price other than
 * the one it committed is caught here, before the seller's acceptance would revert with the price in its calldata.
 */
export function decodeQuoteOpening(plaintext: Uint8Array): SealedQuote {
  const raw = JSON.parse(new TextDecoder().decode(plaintext)) as Record<string, string>;
  const quote: SealedQuote = {
    offerId: BigInt(raw.offerId),
    bidder: raw.bidder,
    price: BigInt(raw.price),
    salt: raw.salt,
    commitment: raw.commitment,
  };
  if (quoteCommitment(quote.offerId, quote.bidder, quote.price, quote.salt) !== quote.commitment.toLowerCase()) {
    throw new Error(`the quote opening of ${quote.bidder} on offer ${quote.offerId} does not match its commitment`);
  }
  return quote;
}

// Loaded on first use (a front-end bundler puts the envelope module, about 75 KB gzip, in a chunk of its own); the
// literal specifier lets the bundler follow it.
const loadEnvelope = (): Promise<typeof import("../envelope.js")> => import("../envelope.js");

export type ForfaitingClient = ReturnType<typeof createForfaitingClient>;

function createForfaitingClient(context: ClientContext) {
  const contract: ForfaitingMarket = context.connect("ForfaitingMarket", ForfaitingMarket__factory);
  const address = context.address("ForfaitingMarket");
  const send = (transaction: () => ReturnType<ForfaitingMarket["quote"]>, options?: SendOptions) =>
    context.send(contract, transaction, options);
  const event = (receipt: ContractTransactionReceipt, name: string) =>
    eventArgs(receipt, address, contract.interface, name);
  const registry = context.connect("ConsortiumRegistry", ConsortiumRegistry__factory);
  const claims = (asset: string) => ITransferableClaim__factory.connect(asset, context.runner);
  const defaultAsset = (): string => context.address("LetterOfCredit");

  return {
    contract,
    address,
    /** Announces a claim the caller holds; returns the offer id. Approve the market on the claim before accepting. */
    async announce(announcement: AnnouncementInput, options?: SendOptions) {
      const struct = {
        asset: announcement.asset ?? defaultAsset(),
        claimId: announcement.claimId,
        askingPrice: announcement.askingPrice ?? 0n,
        askingDiscountBps: announcement.askingDiscountBps ?? 0,
        askingTermsHash: announcement.askingTermsHash ?? ZeroHash,
        quoteDeadline: BigInt(announcement.quoteDeadline),
        revealPeriod: announcement.revealPeriod ?? 0,
        documents: announcement.documents ?? [],
      };
      const receipt = await send(() => contract.announce(struct), options);
      return { offerId: event(receipt, "OfferAnnounced").offerId as bigint, receipt };
    },
    withdrawOffer: (offerId: bigint, options?: SendOptions) => send(() => contract.withdrawOffer(offerId), options),
    /** Quotes a price openly on an open offer. */
    quote: (offerId: bigint, price: bigint, options?: SendOptions) =>
      send(() => contract.quote(offerId, price), options),
    /**
     * Commits to a sealed quote. The salt (random unless given) and price are returned: keep them until the reveal
     * period, or the quote is lost.
     */
    async commitQuote(
      offerId: bigint,
      price: bigint,
      salt: string = hexlify(randomBytes(32)),
      options?: SendOptions,
    ): Promise<SealedQuote & { receipt: ContractTransactionReceipt }> {
      const bidder = await context.signerAddress();
      const commitment = quoteCommitment(offerId, bidder, price, salt);
      const receipt = await send(() => contract.commitQuote(offerId, commitment), options);
      return { offerId, bidder, price, salt, commitment, receipt };
    },
    /**
     * The bidder's side of a sealed quote the seller accepts without its ever being revealed: seals the price and salt
     * (`encodeQuoteOpening`) in an envelope to `readers` (default: the seller's member and every active regulator, with
     * their registry encryption keys), bound to the offer and the bidder. Deliver the envelope to the seller off chain; nothing goes
     * on chain. Approve the market for the price before the seller accepts.
     */
    async sealQuoteOpening(quote: SealedQuote, readers?: Reader[]) {
      const { sealEnvelope, envelopeHash } = await loadEnvelope();
      const recipients =
        readers ?? (await envelopeReadersOf(registry, [Number((await contract.offer(quote.offerId)).sellerMember)]));
      const { envelope } = await sealEnvelope({
        plaintext: encodeQuoteOpening(quote),
        recipients,
        associatedData: quoteOpeningAad(quote.offerId, quote.bidder),
        suite: context.deployment.envelopeSuite ?? "standard",
      });
      return { envelope, envelopeHash: envelopeHash(envelope) };
    },
    /**
     * The seller opens a bidder's quote envelope with its own encryption key and checks it against the commitment on
     * chain (so that a mismatched opening never reaches a transaction). Returns the opening to pass to
     * `acceptSealedQuote`.
     */
    async openQuoteOpening(envelope: Envelope, reader: { memberId: number; privateKey: Hex | Uint8Array }) {
      const { openEnvelope, parseEnvelope } = await loadEnvelope();
      const parsed = parseEnvelope(envelope);
      const quote = decodeQuoteOpening(await openEnvelope(parsed, reader));
      const aad = new TextDecoder().decode(quoteOpeningAad(quote.offerId, quote.bidder));
      if (new TextDecoder().decode(getBytes(parsed.aad)) !== aad) {
        throw new Error(`the envelope is not bound to offer ${quote.offerId} and bidder ${quote.bidder}`);
      }
      const onChain = await contract.commitmentOf(quote.offerId, quote.bidder);
      if (onChain.toLowerCase() !== quote.commitment.toLowerCase()) {
        throw new Error(
          `${quote.bidder} has ${onChain === ZeroHash ? "no commitment" : `commitment ${onChain}`} on offer ` +
            `${quote.offerId}, not the one this opening opens`,
        );
      }
      return quote;
    },
    /**
     * The seller accepts a sealed quote by opening its commitment (`price` and `salt` as the bidder sent them): the
     * claim to the buyer, the price to the seller, in one transaction; the other quotes are never revealed. The call is
     * simulated first (on the caller's own node), so that an acceptance bound to fail (the bidder's standing, funds or
     * allowance) does not put the opened price on chain in a reverted transaction.
     */
    async acceptSealedQuote(
      opening: Pick<SealedQuote, "offerId" | "bidder" | "price" | "salt">,
      deedHash: string,
      noticeHash: string,
      offChainReference: string = ZeroHash,
      options?: SendOptions,
    ) {
      const { offerId, bidder, price, salt } = opening;
      const args = [offerId, bidder, price, salt, deedHash, noticeHash, offChainReference] as const;
      await contract.acceptSealedQuote.staticCall(...args);
      return send(() => contract.acceptSealedQuote(...args), options);
    },
    revealQuote: (offerId: bigint, price: bigint, salt: string, options?: SendOptions) =>
      send(() => contract.revealQuote(offerId, price, salt), options),
    withdrawQuote: (offerId: bigint, options?: SendOptions) => send(() => contract.withdrawQuote(offerId), options),
    /** The seller accepts `bidder`'s quote: claim to the buyer, price to the seller, in one transaction. */
    acceptQuote: (
      offerId: bigint,
      bidder: string,
      deedHash: string,
      noticeHash: string,
      offChainReference: string = ZeroHash,
      options?: SendOptions,
    ) => send(() => contract.acceptQuote(offerId, bidder, deedHash, noticeHash, offChainReference), options),
    /** The obligor acknowledges the trade's transfer notice (default: the notice the trade delivered). */
    async acknowledgeNotice(offerId: bigint, noticeHash?: string, options?: SendOptions) {
      const notice = noticeHash ?? (await contract.noticeOf(offerId));
      return send(() => contract.acknowledgeNotice(offerId, notice), options);
    },
    /** Lets the market move the claim (the seller does this before accepting a quote). */
    approveClaim: (claimId: bigint, asset: string = defaultAsset(), options?: SendOptions) => {
      const claim = claims(asset);
      return context.send(claim, () => claim.approveClaim(claimId, address), options);
    },
    async claimInfo(claimId: bigint, asset: string = defaultAsset()) {
      const info = await claims(asset).claimInfo(claimId);
      return {
        asset,
        claimId,
        holder: info.holder,
        obligor: Number(info.obligor),
        maturity: Number(info.maturity),
        amount: info.amount,
        settled: info.settled,
      };
    },
    // --- views
    async offer(offerId: bigint) {
      const record = await contract.offer(offerId);
      if (record.state === 0n) throw new Error(`no offer ${offerId}`);
      return {
        id: offerId,
        state: OFFER_STATE[Number(record.state)],
        seller: record.seller,
        sellerMember: Number(record.sellerMember),
        obligor: Number(record.obligor),
        asset: record.asset,
        claimId: record.claimId,
        quoteDeadline: Number(record.quoteDeadline),
        revealPeriod: Number(record.revealPeriod),
        sealed: record.revealPeriod !== 0n,
      };
    },
    async quoteOf(offerId: bigint, bidder: string) {
      const record = await contract.quoteOf(offerId, bidder);
      return {
        offerId,
        bidder,
        price: record.price,
        bidderMember: Number(record.bidderMember),
        state: QUOTE_STATE[Number(record.state)],
      };
    },
    /** Every visible quote of an offer (from its events), current state read from the contract. */
    async quotes(offerId: bigint) {
      const [submitted, revealed] = await Promise.all([
        contract.queryFilter(contract.filters.QuoteSubmitted(offerId)),
        contract.queryFilter(contract.filters.QuoteRevealed(offerId)),
      ]);
      const bidders = [...new Set([...submitted, ...revealed].map((log) => log.args.bidder))];
      return Promise.all(bidders.map((bidder) => this.quoteOf(offerId, bidder)));
    },
    commitmentOf: (offerId: bigint, bidder: string) => contract.commitmentOf(offerId, bidder),
    noticeOf: (offerId: bigint) => contract.noticeOf(offerId),
    isClaimContract: (asset: string) => contract.isClaimContract(asset),
    /**
     * The keyed identifier the offer's claim contract names for the trade behind the claim (a receivable certificate's
     * invoice key; ZeroHash for an LC claim): what the buyer's ForfaitingPurchase policy is checked on at acceptance
     * (`attestations.missingKind(buyer, "ForfaitingPurchase", subject)` tells in advance what is missing).
     */
    backingSubjectOf: (offerId: bigint) => contract.backingSubjectOf(offerId),
    /** The attestations contract whose ForfaitingPurchase policies the market enforces (ZeroAddress: none). */
    attestationsAddress: () => contract.attestations(),
    count: () => contract.offerCount(),
  };
}

const offerOf = (p: Record<string, string>) => `offer ${p.offerId}`;

export default defineClient({
  contracts: { ForfaitingMarket: ForfaitingMarket__factory },
  enums: { "IForfaitingMarket.OfferState": OFFER_STATE, "IForfaitingMarket.QuoteState": QUOTE_STATE },
  messages: {
    ForfaitingOfferUnknown: (p) => `no ${offerOf(p)}`,
    ForfaitingWrongState: (p) => `${offerOf(p)} is ${p.current}, expected ${p.expected}`,
    ForfaitingWrongParty: (p) =>
      `${offerOf(p)}: member ${p.caller} is not the party for this step (member ${p.expected})`,
    ForfaitingAssetNotListed: (p) => `claim contract ${p.asset} is not listed on the market`,
    ForfaitingSellerNotHolder: (p) => `claim ${p.claimId} is held by ${p.holder}, not the seller ${p.seller}`,
    ForfaitingClaimChanged: (p) =>
      `${offerOf(p)}: the claim now carries ${p.amount} due ${p.maturity}, not the ${p.announcedAmount} due ` +
      `${p.announcedMaturity} announced`,
    ForfaitingClaimClosed: (p) => `claim ${p.claimId} is settled or matures (${p.maturity}) before quoting ends`,
    ForfaitingQuotingClosed: (p) => `${offerOf(p)}: quoting closed at ${p.deadline}`,
    ForfaitingNotRevealTime: (p) => `${offerOf(p)}: reveal only after ${p.opensAfter} and until ${p.closesAt}`,
    ForfaitingWrongQuoteMode: (p) =>
      `${offerOf(p)} is ${p.sealedOffer === "true" ? "sealed: commit, then reveal" : "open: quote openly"}`,
    ForfaitingRevealMismatch: (p) => `${offerOf(p)}: price and salt do not match ${p.bidder}'s commitment`,
    ForfaitingNoCommitment: (p) => `${offerOf(p)}: ${p.bidder} has no commitment`,
    ForfaitingQuoteNotActive: (p) => `${offerOf(p)}: the quote of ${p.bidder} is ${p.current}`,
    ForfaitingQuoteExists: (p) => `${offerOf(p)}: ${p.bidder} already quoted or committed`,
    ForfaitingOwnOffer: (p) => `${offerOf(p)}: member ${p.memberId} cannot quote on its own offer`,
    ForfaitingRevealNotOver: (p) => `${offerOf(p)}: sealed quotes can be accepted after ${p.revealDeadline}`,
    ForfaitingNoticeMismatch: (p) => `${offerOf(p)}: the notice is ${p.expected}, not ${p.given}`,
  },
  create: createForfaitingClient,
});
