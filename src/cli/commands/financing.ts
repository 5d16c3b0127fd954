/**
 * `consortia financing ...`: multi-bank financing requests. A certificate holder asks several banks at once; each
 * quotes an annual rate (ACT/360 or ACT/365) and a fee, in the clear or sealed (commit, then reveal); the holder
 * accepts one and the contract computes the price and settles in one transaction.
 */
import type { Command } from "commander";
import type { DayCountName, FinancingQuoteTerms } from "@consortia/sdk";
import type { Cli } from "../context.js";
import { UsageError } from "../errors.js";
import { details, table } from "../output.js";
import { collect, formatDate, parseBytes32, parseCount, parseDate, parseId, parseTokenAmount } from "../parse.js";
import { memberIdOf, printed } from "./parties.js";
import { progress } from "./shared.js";

/** Values are uint88 (IReceivableCertificate). */
const VALUE_BITS = 88;

interface TermsOptions {
  rate: string;
  dayCount: string;
  fee: string;
  validUntil: string;
}

function parseDayCount(value: string): DayCountName {
  const text = value.trim().toUpperCase();
  if (text === "ACT/360" || text === "360") return "ACT/360";
  if (text === "ACT/365" || text === "365") return "ACT/365";
  throw new UsageError(`unknown day count "${value}": ACT/360 or ACT/365`);
}

export function register(program: Command, cli: () => Cli): void {
  const financing = program
    .command("financing")
    .description("multi-bank financing requests: ask several banks to quote for a certificate, accept one");
  const signed = () => cli().consortia({ sign: true });

  async function terms(options: TermsOptions): Promise<FinancingQuoteTerms> {
    const consortia = await signed();
    return {
      rateBps: parseCount(options.rate, "--rate (basis points)", 10_000),
      dayCount: parseDayCount(options.dayCount),
      fee: await parseTokenAmount(consortia, options.fee, "--fee", { bits: VALUE_BITS, zero: true }),
      validUntil: await parseDate(options.validUntil, "--valid-until", cli().chainTime),
    };
  }
  /**
   * The quote's terms as options. A reveal must repeat the committed terms exactly: its `--valid-until` is required
   * and absolute (a relative date counts from the chain's clock, which has moved since the commitment).
   */
  const withTerms = (command: Command, reveal = false) => {
    const withRate = command
      .requiredOption("--rate <bps>", "annual rate in basis points (350 = 3.50 %)")
      .option("--day-count <convention>", "ACT/360 or ACT/365", "ACT/360")
      .option("--fee <amount>", "flat fee, decimal", "0");
    return reveal
      ? withRate.requiredOption("--valid-until <date>", "the committed validity (unix seconds, as commit printed it)")
      : withRate.option("--valid-until <date>", "last moment the holder may accept", "+5d");
  };

  financing
    .command("request")
    .argument("<token>", "certificate id")
    .argument("<amount>", "value to finance, decimal")
    .requiredOption("--bank <bank>", "a bank to ask: member id, name or account (repeat, up to 8)", collect)
    .option("--quote-deadline <date>", "quotes (or commitments) until", "+2d")
    .option("--sealed", "sealed quotes: banks commit until the quote deadline and reveal after it")
    .option("--reveal-deadline <date>", "with --sealed: reveals until", "+3d")
    .description("ask banks to quote for value of your certificate (holder; approves the contract for it)")
    .action(
      async (
        tokenText: string,
        amountText: string,
        options: { bank: string[]; quoteDeadline: string; sealed?: boolean; revealDeadline: string },
      ) => {
        const tokenId = parseId(tokenText, "certificate id");
        const consortia = await signed();
        const value = await parseTokenAmount(consortia, amountText, "<amount>", { bits: VALUE_BITS });
        const banks = await Promise.all(options.bank.map((bank) => memberIdOf(consortia, bank)));
        const quoteDeadline = await parseDate(options.quoteDeadline, "--quote-deadline", cli().chainTime);
        const revealDeadline =
          options.sealed === true
            ? await parseDate(options.revealDeadline, "--reveal-deadline", cli().chainTime)
            : undefined;
        const requestId = await consortia.financing.request(
          { tokenId, value, banks, quoteDeadline, revealDeadline },
          progress(cli(), `ask ${banks.length} banks to quote for certificate ${tokenId}`),
        );
        cli().out.result(
          { requestId, tokenId, banks, sealed: options.sealed === true },
          () =>
            `financing request ${requestId}: ${banks.length} banks asked to quote for ${amountText} of certificate ${tokenId}`,
        );
      },
    );

  withTerms(financing.command("quote").argument("<request>", "financing request id"))
    .description("quote in the clear for your bank (FINANCIER asked; approves the requested value in tokens)")
    .action(async (requestText: string, options: TermsOptions) => {
      const requestId = parseId(requestText, "request id");
      const t = await terms(options);
      const receipt = await (await signed()).financing.quote(requestId, t, progress(cli(), `quote on ${requestId}`));
      printed(cli(), receipt, { requestId, ...t }, `quoted ${t.rateBps} bps ${t.dayCount} on request ${requestId}`);
    });

  withTerms(financing.command("commit").argument("<request>", "financing request id"))
    .option("--salt <hash>", "the secret salt (random unless given; keep it for the reveal)")
    .description("commit to a sealed quote for your bank (FINANCIER asked): prints the salt to reveal with")
    .action(async (requestText: string, options: TermsOptions & { salt?: string }) => {
      const requestId = parseId(requestText, "request id");
      const t = await terms(options);
      const salt = options.salt === undefined ? undefined : parseBytes32(options.salt, "--salt");
      const sealed = await (
        await signed()
      ).financing.commitQuote(requestId, t, salt, progress(cli(), `commit on ${requestId}`));
      printed(
        cli(),
        sealed.receipt,
        { requestId, salt: sealed.salt, commitment: sealed.commitment, ...t },
        `committed on request ${requestId}: reveal after the quote deadline with the same terms, ` +
          `--valid-until ${t.validUntil} --salt ${sealed.salt}`,
      );
    });

  withTerms(financing.command("reveal").argument("<request>", "financing request id"), true)
    .requiredOption("--salt <hash>", "the salt of the commitment")
    .description("reveal your bank's sealed quote after the quote deadline (approves the requested value in tokens)")
    .action(async (requestText: string, options: TermsOptions & { salt: string }) => {
      const requestId = parseId(requestText, "request id");
      if (options.validUntil.trim().startsWith("+")) {
        throw new UsageError("--valid-until of a reveal is the committed date (unix seconds, as commit printed it)");
      }
      const t = await terms(options);
      const salt = parseBytes32(options.salt, "--salt");
      const receipt = await (
        await signed()
      ).financing.revealQuote(requestId, t, salt, progress(cli(), `reveal on ${requestId}`));
      printed(cli(), receipt, { requestId, ...t }, `revealed ${t.rateBps} bps ${t.dayCount} on request ${requestId}`);
    });

  financing
    .command("withdraw")
    .argument("<request>", "financing request id")
    .description("withdraw your bank's quote while the request is open")
    .action(async (requestText: string) => {
      const requestId = parseId(requestText, "request id");
      const receipt = await (await signed()).financing.withdrawQuote(requestId, progress(cli(), "withdraw quote"));
      printed(cli(), receipt, { requestId }, `withdrew your quote on request ${requestId}`);
    });

  financing
    .command("accept")
    .argument("<request>", "financing request id")
    .argument("<bank>", "the bank whose quote to take: member id, name or account")
    .description("accept a bank's quote: the price is computed now, value and price change hands (requester)")
    .action(async (requestText: string, bankRef: string) => {
      const requestId = parseId(requestText, "request id");
      const consortia = await signed();
      const bank = await memberIdOf(consortia, bankRef);
      const r = await consortia.financing.accept(requestId, bank, progress(cli(), `accept bank ${bank}'s quote`));
      const price = await consortia.token.format(r.price);
      printed(
        cli(),
        r.receipt,
        { requestId, bank, newTokenId: r.newTokenId, daysToMaturity: r.daysToMaturity, interest: r.interest, price },
        `accepted bank ${bank}'s quote on request ${requestId}: received ${price} for certificate ${r.newTokenId}`,
      );
    });

  financing
    .command("cancel")
    .argument("<request>", "financing request id")
    .description("withdraw an open request (requester or holder)")
    .action(async (requestText: string) => {
      const requestId = parseId(requestText, "request id");
      const receipt = await (await signed()).financing.cancel(requestId, progress(cli(), "cancel request"));
      printed(cli(), receipt, { requestId }, `cancelled financing request ${requestId}`);
    });

  financing
    .command("show")
    .argument("<request>", "financing request id")
    .description("a request with the banks asked and their quotes (sealed ones show only their commitment)")
    .action(async (requestText: string) => {
      const requestId = parseId(requestText, "request id");
      const consortia = await cli().consortia();
      const r = await consortia.financing.requestOf(requestId);
      if (r.status === "None") throw new UsageError(`no financing request ${requestId}`);
      const quotes = await consortia.financing.quotesOf(requestId);
      const rows = quotes.map((q) => ({
        bank: q.bank,
        status: q.status,
        rate: q.terms === undefined ? "-" : `${q.terms.rateBps} bps`,
        dayCount: q.terms?.dayCount ?? "-",
        fee: q.terms === undefined ? "-" : q.terms.fee.toString(),
        validUntil: q.terms === undefined ? "-" : formatDate(q.terms.validUntil),
      }));
      const data = {
        requestId,
        status: r.status,
        tokenId: r.tokenId,
        supplier: r.supplier,
        value: await consortia.token.format(r.value),
        maturity: formatDate(r.maturity),
        sealed: r.sealedQuotes,
        quoteDeadline: formatDate(r.quoteDeadline),
        revealDeadline: formatDate(r.revealDeadline),
        // Sealed quotes committed and neither revealed nor withdrawn: while any is left, the holder may accept only
        // after the reveal deadline.
        pendingReveals: r.sealedQuotes ? Number(await consortia.financing.pendingReveals(requestId)) : 0,
        acceptedBank: r.acceptedBank,
      };
      cli().out.result({ ...data, banks: r.banks, quotes: rows }, () =>
        [details(data), table(rows, ["bank", "status", "rate", "dayCount", "fee", "validUntil"])].join("\n"),
      );
    });
}
