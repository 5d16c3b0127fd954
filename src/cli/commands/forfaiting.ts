/** `consortia forfaiting ...`: the interbank market for transferable claims (open and sealed quotes). */
import { readFile, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import type { Cli } from "../context.js";
import { ConfigError, UsageError } from "../errors.js";
import { readFound } from "../found.js";
import { details, table } from "../output.js";
import {
  collect,
  formatDate,
  parseAddress,
  parseBytes32,
  parseCount,
  parseDate,
  parseDocument,
  parseHash,
  parseId,
  parseOptionalHash,
  parseTokenAmount,
} from "../parse.js";
import { accountOf, ensureAllowance, printed } from "./parties.js";
import { progress } from "./shared.js";

export function register(program: Command, cli: () => Cli): void {
  const forfaiting = program.command("forfaiting").description("the forfaiting market for transferable claims");

  forfaiting
    .command("announce")
    .argument("<claim>", "claim id (an accepted LC presentation id by default)")
    .requiredOption("--deadline <date>", "last moment to quote (or to commit, when sealed)")
    .option("--asset <address>", "claim contract (default: the suite's LetterOfCredit)")
    .option("--asking-price <amount>", "price asked, decimal")
    .option("--discount-bps <bps>", "discount asked, basis points per year")
    .option("--terms <hash>", "hash of the full asking terms")
    .option("--sealed <hours>", "sealed quotes: hours after the deadline to reveal")
    .option("--document <kind=hash[@uri]>", "a document offered (repeat)", collect, [])
    .option("--no-approve", "do not approve the market to move the claim (needed before accepting)")
    .description("announce a claim the signer holds (selling bank, FORFAITER)")
    .action(
      async (
        claimText: string,
        options: {
          deadline: string;
          asset?: string;
          askingPrice?: string;
          discountBps?: string;
          terms?: string;
          sealed?: string;
          document: string[];
          approve: boolean;
        },
      ) => {
        const claimId = parseId(claimText, "claim id");
        const quoteDeadline = await parseDate(options.deadline, "quote deadline", cli().chainTime);
        const asset = options.asset === undefined ? undefined : parseAddress(options.asset, "claim contract");
        const askingDiscountBps =
          options.discountBps === undefined ? 0 : parseCount(options.discountBps, "discount", 1e6);
        const askingTermsHash = await parseOptionalHash(options.terms, "terms hash");
        const revealPeriod =
          options.sealed === undefined ? 0 : parseCount(options.sealed, "reveal hours", 24 * 365) * 3600;
        if (options.sealed !== undefined && revealPeriod === 0)
          throw new UsageError("a sealed offer needs a reveal period of at least 1 hour");
        const documents = await Promise.all(options.document.map(parseDocument));
        const consortia = await cli().consortia({ sign: true });
        // 0 asks no price (the discount or the terms say what is asked).
        const askingPrice =
          options.askingPrice === undefined
            ? 0n
            : await parseTokenAmount(consortia, options.askingPrice, "--asking-price", { bits: 128, zero: true });
        const { offerId, receipt } = await consortia.forfaiting.announce(
          { asset, claimId, askingPrice, askingDiscountBps, askingTermsHash, quoteDeadline, revealPeriod, documents },
          progress(cli(), `announce claim ${claimId}`),
        );
        if (options.approve)
          await consortia.forfaiting.approveClaim(claimId, asset, progress(cli(), "approve the market on the claim"));
        printed(
          cli(),
          receipt,
          { offerId, claimId, sealed: revealPeriod !== 0 },
          `announced claim ${claimId}: offer ${offerId}`,
        );
      },
    );

  forfaiting
    .command("quote")
    .argument("<offer>", "offer id")
    .argument("<price>", "price, decimal")
    .description("quote openly (buying bank); approves the market for the price")
    .action(async (offerText: string, priceText: string) => {
      const offerId = parseId(offerText, "offer id");
      const consortia = await cli().consortia({ sign: true });
      const price = await parseTokenAmount(consortia, priceText, "<price>", { bits: 128 });
      await ensureAllowance(cli(), consortia, consortia.forfaiting.address, price);
      const receipt = await consortia.forfaiting.quote(
        offerId,
        price,
        progress(cli(), `quote ${priceText} on offer ${offerId}`),
      );
      const shown = await consortia.token.format(price);
      printed(cli(), receipt, { offerId, price: shown }, `quoted ${shown} on offer ${offerId}`);
    });

  forfaiting
    .command("commit")
    .argument("<offer>", "offer id")
    .argument("<price>", "price, decimal")
    .requiredOption("--salt-file <file>", "where to keep the price and salt until the reveal (created, mode 0600)")
    .description("commit to a sealed quote (buying bank); the salt stays in --salt-file")
    .action(async (offerText: string, priceText: string, options: { saltFile: string }) => {
      const offerId = parseId(offerText, "offer id");
      const consortia = await cli().consortia({ sign: true });
      const price = await parseTokenAmount(consortia, priceText, "<price>", { bits: 128 });
      const sealed = await consortia.forfaiting.commitQuote(
        offerId,
        price,
        undefined,
        progress(cli(), `commit on offer ${offerId}`),
      );
      const { receipt, ...kept } = sealed;
      try {
        await writeFile(
          options.saltFile,
          `${JSON.stringify({ ...kept, offerId: String(offerId), price: String(price) }, null, 2)}\n`,
          {
            flag: "wx",
            mode: 0o600,
          },
        );
      } catch (error) {
        cli().out.progress(`could not write ${options.saltFile}; keep this salt to reveal: ${kept.salt}`);
        throw new ConfigError(`cannot write salt file ${options.saltFile}: ${(error as Error).message}`);
      }
      printed(
        cli(),
        receipt,
        { offerId, commitment: kept.commitment, saltFile: options.saltFile },
        `committed to a sealed quote on offer ${offerId}; salt kept in ${options.saltFile}`,
      );
    });

  forfaiting
    .command("reveal")
    .argument("<offer>", "offer id")
    .option("--salt-file <file>", "the file `commit` wrote")
    .option("--price <amount>", "the committed price (without --salt-file)")
    .option("--salt <hex>", "the committed salt (without --salt-file)")
    .description("reveal a sealed quote (after the deadline); approves the market for the price")
    .action(async (offerText: string, options: { saltFile?: string; price?: string; salt?: string }) => {
      const offerId = parseId(offerText, "offer id");
      let salt: string;
      let priceMinor: bigint | undefined;
      if (options.saltFile !== undefined) {
        let kept: { offerId: string; price: string; salt: string };
        try {
          kept = JSON.parse(await readFile(options.saltFile, "utf8")) as typeof kept;
        } catch (error) {
          throw new UsageError(`cannot read salt file ${options.saltFile}: ${(error as Error).message}`);
        }
        if (BigInt(kept.offerId) !== offerId)
          throw new UsageError(`${options.saltFile} is for offer ${kept.offerId}, not ${offerId}`);
        salt = parseBytes32(kept.salt, "salt");
        priceMinor = BigInt(kept.price);
      } else {
        if (options.price === undefined || options.salt === undefined)
          throw new UsageError("give --salt-file, or --price and --salt");
        salt = parseBytes32(options.salt, "salt");
      }
      const consortia = await cli().consortia({ sign: true });
      const price = priceMinor ?? (await parseTokenAmount(consortia, options.price!, "--price", { bits: 128 }));
      await ensureAllowance(cli(), consortia, consortia.forfaiting.address, price);
      const receipt = await consortia.forfaiting.revealQuote(
        offerId,
        price,
        salt,
        progress(cli(), `reveal on offer ${offerId}`),
      );
      const shown = await consortia.token.format(price);
      printed(cli(), receipt, { offerId, price: shown }, `revealed ${shown} on offer ${offerId}`);
    });

  forfaiting
    .command("seal-opening")
    .argument("<offer>", "offer id")
    .requiredOption("--salt-file <file>", "the file `commit` wrote")
    .requiredOption("--out <file>", "where to write the envelope for the seller (created)")
    .description(
      "seal the committed price and salt to the seller and the regulator (buying bank): the seller accepts by " +
        "opening the commitment, and the quote is never revealed on chain",
    )
    .action(async (offerText: string, options: { saltFile: string; out: string }) => {
      const offerId = parseId(offerText, "offer id");
      const kept = await readSaltFile(options.saltFile, offerId);
      const consortia = await cli().consortia({ sign: true });
      const { envelope, envelopeHash } = await consortia.forfaiting.sealQuoteOpening(kept);
      try {
        await writeFile(options.out, `${JSON.stringify(envelope, null, 2)}\n`, { flag: "wx" });
      } catch (error) {
        throw new ConfigError(`cannot write ${options.out}: ${(error as Error).message}`);
      }
      // Nothing goes on chain: approve the market for the price, so that the seller's acceptance can pay it.
      await ensureAllowance(cli(), consortia, consortia.forfaiting.address, kept.price);
      cli().out.result(
        { offerId, envelopeHash, readers: envelope.recipients.map((entry) => entry.memberId), out: options.out },
        () =>
          `sealed the opening of the quote on offer ${offerId} to members ` +
          `${envelope.recipients.map((entry) => entry.memberId).join(", ")} in ${options.out}; send it to the seller`,
      );
    });

  forfaiting
    .command("accept-sealed")
    .argument("<offer>", "offer id")
    .argument("<bidder>", "bidder whose sealed quote is accepted (member or account)")
    .option("--opening <file>", "the bidder's envelope (`seal-opening`), opened with --encryption-key-file")
    .option("--encryption-key-file <file>", "the caller's member encryption private key (hex), to open --opening")
    .option("--salt-file <file>", "the price and salt as a plain file (instead of --opening)")
    .requiredOption("--deed <hash>", "hash of the transfer deed")
    .requiredOption("--notice <hash>", "hash of the transfer notice to the obligor")
    .option("--reference <hash>", "off-chain payment reference (else the price moves in tokens)")
    .description(
      "accept a sealed quote by opening its commitment (seller, during the reveal period): the other quotes are " +
        "never revealed; the call is simulated before it is sent",
    )
    .action(
      async (
        offerText: string,
        bidderText: string,
        options: {
          opening?: string;
          encryptionKeyFile?: string;
          saltFile?: string;
          deed: string;
          notice: string;
          reference?: string;
        },
      ) => {
        const offerId = parseId(offerText, "offer id");
        const deed = await parseHash(options.deed, "deed hash");
        const notice = await parseHash(options.notice, "notice hash");
        const reference = await parseOptionalHash(options.reference, "payment reference");
        if ((options.opening === undefined) === (options.saltFile === undefined))
          throw new UsageError("give --opening (with --encryption-key-file) or --salt-file");
        const consortia = await cli().consortia({ sign: true });
        const bidder = await accountOf(consortia, bidderText, "bidder");
        let opening: { offerId: bigint; bidder: string; price: bigint; salt: string };
        if (options.opening !== undefined) {
          if (options.encryptionKeyFile === undefined)
            throw new UsageError("--opening needs --encryption-key-file (the key the envelope was sealed to)");
          const envelope = JSON.parse(await readText(options.opening)) as Parameters<
            typeof consortia.forfaiting.openQuoteOpening
          >[0];
          const privateKey = (await readText(options.encryptionKeyFile)).trim() as `0x${string}`;
          const signer = await (await cli().signer()).getAddress();
          const memberId = await consortia.registry.memberOf(signer);
          if (memberId === undefined) throw new UsageError(`${signer} is no member's account`);
          opening = await consortia.forfaiting.openQuoteOpening(envelope, { memberId, privateKey });
        } else {
          opening = { ...(await readSaltFile(options.saltFile!, offerId)), bidder };
        }
        if (opening.offerId !== offerId) throw new UsageError(`the opening is for offer ${opening.offerId}`);
        if (opening.bidder.toLowerCase() !== bidder.toLowerCase())
          throw new UsageError(`the opening is ${opening.bidder}'s, not ${bidder}'s`);
        const receipt = await consortia.forfaiting.acceptSealedQuote(
          opening,
          deed,
          notice,
          reference,
          progress(cli(), `accept sealed quote on offer ${offerId}`),
        );
        const shown = await consortia.token.format(opening.price);
        printed(
          cli(),
          receipt,
          { offerId, buyer: bidder, price: shown },
          `sold the claim of offer ${offerId} to ${bidder} for ${shown} (sealed quote opened at acceptance)`,
        );
      },
    );

  forfaiting
    .command("withdraw-quote")
    .argument("<offer>", "offer id")
    .description("withdraw the signer's quote or commitment")
    .action(async (offerText: string) => {
      const offerId = parseId(offerText, "offer id");
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.forfaiting.withdrawQuote(
        offerId,
        progress(cli(), `withdraw quote on ${offerId}`),
      );
      printed(cli(), receipt, { offerId }, `withdrew the quote on offer ${offerId}`);
    });
  forfaiting
    .command("withdraw")
    .argument("<offer>", "offer id")
    .description("withdraw an open offer (seller)")
    .action(async (offerText: string) => {
      const offerId = parseId(offerText, "offer id");
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.forfaiting.withdrawOffer(offerId, progress(cli(), `withdraw offer ${offerId}`));
      printed(cli(), receipt, { offerId }, `withdrew offer ${offerId}`);
    });

  forfaiting
    .command("accept")
    .argument("<offer>", "offer id")
    .argument("<bidder>", "bidder whose quote is accepted (member or account)")
    .requiredOption("--deed <hash>", "hash of the transfer deed")
    .requiredOption("--notice <hash>", "hash of the transfer notice to the obligor")
    .option("--reference <hash>", "off-chain payment reference (else the price moves in tokens)")
    .description("accept a quote (seller): claim to the buyer, price to the seller, in one transaction")
    .action(
      async (offerText: string, bidderText: string, options: { deed: string; notice: string; reference?: string }) => {
        const offerId = parseId(offerText, "offer id");
        const deed = await parseHash(options.deed, "deed hash");
        const notice = await parseHash(options.notice, "notice hash");
        const reference = await parseOptionalHash(options.reference, "payment reference");
        const consortia = await cli().consortia({ sign: true });
        const bidder = await accountOf(consortia, bidderText, "bidder");
        const { price } = await consortia.forfaiting.quoteOf(offerId, bidder);
        const receipt = await consortia.forfaiting.acceptQuote(
          offerId,
          bidder,
          deed,
          notice,
          reference,
          progress(cli(), `accept quote on offer ${offerId}`),
        );
        const shown = await consortia.token.format(price);
        printed(
          cli(),
          receipt,
          { offerId, buyer: bidder, price: shown },
          `sold the claim of offer ${offerId} to ${bidder} for ${shown}`,
        );
      },
    );

  forfaiting
    .command("acknowledge")
    .argument("<offer>", "offer id")
    .option("--notice <hash>", "the transfer notice (default: the one the trade delivered)")
    .description("acknowledge the transfer notice (obligor): it pays the new holder at maturity")
    .action(async (offerText: string, options: { notice?: string }) => {
      const offerId = parseId(offerText, "offer id");
      const notice = options.notice === undefined ? undefined : await parseHash(options.notice, "notice hash");
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.forfaiting.acknowledgeNotice(
        offerId,
        notice,
        progress(cli(), `acknowledge offer ${offerId}`),
      );
      printed(cli(), receipt, { offerId }, `acknowledged the transfer notice of offer ${offerId}`);
    });

  forfaiting
    .command("show")
    .argument("<offer>", "offer id")
    .description("show an offer, its claim and its visible quotes")
    .action(async (offerText: string) => {
      const offerId = parseId(offerText, "offer id");
      const consortia = await cli().consortia();
      const offer = await readFound("offer", offerId, () => consortia.forfaiting.offer(offerId));
      const [claim, quotes] = await Promise.all([
        consortia.forfaiting.claimInfo(offer.claimId, offer.asset),
        consortia.forfaiting.quotes(offerId),
      ]);
      const format = consortia.token.format;
      const rows = await Promise.all(quotes.map(async (quote) => ({ ...quote, price: await format(quote.price) })));
      const data = { ...offer, claim: { ...claim, amount: await format(claim.amount) }, quotes: rows };
      cli().out.result(data, () =>
        [
          details({
            ...offer,
            quoteDeadline: formatDate(offer.quoteDeadline),
            holder: claim.holder,
            amount: data.claim.amount,
            maturity: formatDate(claim.maturity),
          }),
          table(rows, ["bidder", "bidderMember", "price", "state"]),
        ].join("\n"),
      );
    });
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** The price and salt `commit` kept, for `offerId`. */
async function readSaltFile(file: string, offerId: bigint) {
  let kept: { offerId: string; bidder: string; price: string; salt: string; commitment: string };
  try {
    kept = JSON.parse(await readText(file)) as typeof kept;
  } catch (error) {
    throw new UsageError(`cannot read salt file ${file}: ${(error as Error).message}`);
  }
  if (BigInt(kept.offerId) !== offerId) throw new UsageError(`${file} is for offer ${kept.offerId}, not ${offerId}`);
  return {
    offerId,
    bidder: kept.bidder,
    price: BigInt(kept.price),
    salt: parseBytes32(kept.salt, "salt"),
    commitment: kept.commitment,
  };
}
