/**
 * `consortia receivable recourse ...`: discounting with or without recourse. A holder offers value of its certificate
 * to one bank at a price, with or without recourse; the bank accepts at those terms; if the obligor has not paid a
 * grace period after maturity, the holder that bought with recourse claims the unpaid value from its seller, which
 * pays and takes the certificate back, and may claim from its own seller in turn, down the lineage. A claim the
 * obligor's side paid since (certificate redeemed or paid off chain, receivable funded or settled) is discharged.
 */
import type { Command } from "commander";
import type { Cli } from "../context.js";
import { UsageError } from "../errors.js";
import { details, table } from "../output.js";
import { parseDate, parseId, parseTokenAmount } from "../parse.js";
import { memberIdOf, printed } from "./parties.js";
import { progress } from "./shared.js";

/** Values are uint88 (IReceivableCertificate). */
const VALUE_BITS = 88;

export function register(program: Command, cli: () => Cli): void {
  const receivable =
    program.commands.find((command) => command.name() === "receivable") ??
    program.command("receivable").description("receivable certificates (supply-chain finance)");
  const recourse = receivable
    .command("recourse")
    .description("discounting with or without recourse, and recourse down the lineage when the obligor defaults");
  const signed = () => cli().consortia({ sign: true });

  recourse
    .command("offer")
    .argument("<token>", "certificate id")
    .argument("<amount>", "value offered, decimal")
    .requiredOption("--bank <bank>", "the bank offered to: member id, name or account")
    .requiredOption("--price <amount>", "price asked, decimal")
    .option("--with-recourse", "sell with recourse: you answer for the obligor's default")
    .option("--deadline <date>", "the bank may accept until", "+1d")
    .description("offer value of your certificate to a bank, with or without recourse (approves the contract for it)")
    .action(
      async (
        tokenText: string,
        amountText: string,
        options: { bank: string; price: string; withRecourse?: boolean; deadline: string },
      ) => {
        const tokenId = parseId(tokenText, "certificate id");
        const consortia = await signed();
        const value = await parseTokenAmount(consortia, amountText, "<amount>", { bits: VALUE_BITS });
        const price = await parseTokenAmount(consortia, options.price, "--price", { bits: VALUE_BITS });
        const financier = await memberIdOf(consortia, options.bank);
        const deadline = await parseDate(options.deadline, "--deadline", cli().chainTime);
        const withRecourse = options.withRecourse === true;
        const offerId = await consortia.recourse.offer(
          { tokenId, value, financier, price, withRecourse, deadline },
          progress(cli(), `offer certificate ${tokenId} to bank ${financier}`),
        );
        cli().out.result(
          { offerId, tokenId, financier, withRecourse },
          () =>
            `recourse offer ${offerId}: ${amountText} of certificate ${tokenId} to bank ${financier} for ` +
            `${options.price}, ${withRecourse ? "with" : "without"} recourse`,
        );
      },
    );

  recourse
    .command("accept")
    .argument("<offer>", "offer id")
    .description("accept an offer for your bank at the terms it shows (approves the price in tokens)")
    .action(async (offerText: string) => {
      const offerId = parseId(offerText, "offer id");
      const consortia = await signed();
      const o = await consortia.recourse.offerOf(offerId);
      if (o.status === "None") throw new UsageError(`no recourse offer ${offerId}`);
      // The terms shown are the terms accepted: the contract refuses if the offer says otherwise.
      const r = await consortia.recourse.accept(
        offerId,
        { withRecourse: o.withRecourse, price: o.price },
        progress(cli(), `accept offer ${offerId}`),
      );
      const price = await consortia.token.format(o.price);
      printed(
        cli(),
        r.receipt,
        { offerId, saleId: r.saleId, tokenId: r.tokenId, price, withRecourse: o.withRecourse },
        `bought certificate ${r.tokenId} for ${price} ${o.withRecourse ? "with" : "without"} recourse (sale ${r.saleId})`,
      );
    });

  recourse
    .command("cancel")
    .argument("<offer>", "offer id")
    .description("withdraw your offer (offeror or holder), or close an expired one (any member)")
    .action(async (offerText: string) => {
      const offerId = parseId(offerText, "offer id");
      const receipt = await (await signed()).recourse.cancel(offerId, progress(cli(), "cancel offer"));
      printed(cli(), receipt, { offerId }, `closed recourse offer ${offerId}`);
    });

  recourse
    .command("exercise")
    .argument("<token>", "certificate id")
    .description("claim the unpaid value of your overdue certificate from the seller you bought it from with recourse")
    .action(async (tokenText: string) => {
      const tokenId = parseId(tokenText, "certificate id");
      const consortia = await signed();
      const r = await consortia.recourse.exercise(tokenId, progress(cli(), `exercise recourse on ${tokenId}`));
      const value = await consortia.token.format(r.value);
      cli().out.result(
        { claimId: r.claimId, tokenId, value },
        () => `recourse claim ${r.claimId}: ${value} on certificate ${tokenId}`,
      );
    });

  recourse
    .command("honour")
    .argument("<claim>", "claim id")
    .description("pay a claim on your sale and take the certificate back (approves the value in tokens)")
    .action(async (claimText: string) => {
      const claimId = parseId(claimText, "claim id");
      const consortia = await signed();
      const receipt = await consortia.recourse.honour(claimId, progress(cli(), `honour claim ${claimId}`));
      const k = await consortia.recourse.claimOf(claimId);
      printed(
        cli(),
        receipt,
        { claimId, tokenId: k.tokenId, value: k.value },
        `honoured claim ${claimId}: paid ${await consortia.token.format(k.value)}, certificate ${k.tokenId} is yours`,
      );
    });

  recourse
    .command("discharge")
    .argument("<claim>", "claim id")
    .description(
      "close a claim the obligor's side paid since: certificate redeemed or paid off chain, or receivable funded (any member)",
    )
    .action(async (claimText: string) => {
      const claimId = parseId(claimText, "claim id");
      const consortia = await signed();
      const r = await consortia.recourse.discharge(claimId, progress(cli(), `discharge claim ${claimId}`));
      const value = await consortia.token.format(r.value);
      printed(
        cli(),
        r.receipt,
        { claimId, value, paid: r.paid },
        `discharged claim ${claimId}: ${value} released, the seller owes nothing`,
      );
    });

  recourse
    .command("chain")
    .argument("<token>", "certificate id")
    .description("who answers for a certificate if the obligor does not pay: the sales below its holder, nearest first")
    .action(async (tokenText: string) => {
      const tokenId = parseId(tokenText, "certificate id");
      const consortia = await cli().consortia();
      const sales = await consortia.recourse.chainOf(tokenId);
      const rows = await Promise.all(
        sales.map(async (s) => ({
          sale: s.saleId,
          seller: s.sellerMember,
          buyer: s.buyerMember,
          value: await consortia.token.format(s.value),
          price: await consortia.token.format(s.price),
          recourse: s.withRecourse ? "with" : "without",
          claimed: await consortia.token.format(s.claimedValue),
        })),
      );
      const claimId = await consortia.recourse.latestClaimOf(tokenId);
      const claim = claimId === 0n ? undefined : await consortia.recourse.claimOf(claimId);
      const data = {
        tokenId,
        latestClaim: claimId,
        claimStatus: claim?.status ?? "-",
      };
      cli().out.result({ ...data, sales: rows }, () =>
        [details(data), table(rows, ["sale", "seller", "buyer", "value", "price", "recourse", "claimed"])].join("\n"),
      );
    });
}
