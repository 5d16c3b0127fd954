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
