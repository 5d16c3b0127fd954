/**
 * `consortia receivable pay-partial|claim-share|part-payments|refund-part-payments`: part payment of a receivable at
 * maturity (MaturityArrangements). The obligor pays part of what is outstanding; each certificate's share (pro rata to
 * its value) is claimed for its holder, paying the certificate down to the unpaid rest, which stays overdue.
 */
import type { Command } from "commander";
import type { Cli } from "../context.js";
import { details } from "../output.js";
import { parseId, parseTokenAmount } from "../parse.js";
import { printed } from "./parties.js";
import { progress } from "./shared.js";

/** Values are uint88 (IReceivableCertificate). */
const VALUE_BITS = 88;

export function register(program: Command, cli: () => Cli): void {
  const receivable =
    program.commands.find((command) => command.name() === "receivable") ??
    program.command("receivable").description("receivable certificates (supply-chain finance)");
  const signed = () => cli().consortia({ sign: true });

  receivable
    .command("pay-partial")
    .argument("<id>", "receivable id")
    .argument("<amount>", "amount paid now, decimal (less than what is outstanding)")
    .description("pay part of a matured receivable (obligor; approves the tokens as needed): holders claim pro rata")
    .action(async (idText: string, amountText: string) => {
      const receivableId = parseId(idText, "receivable id");
      const consortia = await signed();
      const amount = await parseTokenAmount(consortia, amountText, "<amount>", { bits: VALUE_BITS });
      const r = await consortia.arrangements.pay(
        receivableId,
        amount,
        progress(cli(), `pay ${amountText} of receivable ${receivableId}`),
      );
      const rest = await consortia.token.format(r.outstanding - amount);
      printed(
        cli(),
        r.receipt,
        { receivableId, amount: amountText, unpaid: rest },
        `paid ${amountText} of receivable ${receivableId}; ${rest} stays unpaid`,
      );
    });

  receivable
    .command("claim-share")
    .argument("<token>", "certificate id")
    .description("pay a certificate's share of the part payments to its holder (any member)")
    .action(async (tokenText: string) => {
      const tokenId = parseId(tokenText, "certificate id");
      const consortia = await signed();
      const r = await consortia.arrangements.claim(tokenId, progress(cli(), `claim the share of ${tokenId}`));
      const share = await consortia.token.format(r.share);
      const rest = await consortia.token.format(r.valueAfter);
      printed(
        cli(),
        r.receipt,
        { tokenId, holder: r.holder, share, valueAfter: rest },
        `paid ${share} to ${r.holder}; certificate ${tokenId} is now ${rest}`,
      );
    });

  receivable
    .command("part-payments")
    .argument("<id>", "receivable id")
    .description("what the obligor paid in part, what holders claimed, what is held and what is still unpaid")
    .action(async (idText: string) => {
      const receivableId = parseId(idText, "receivable id");
      const consortia = await cli().consortia();
      const p = await consortia.arrangements.partPaymentsOf(receivableId);
      const format = (v: bigint) => consortia.token.format(v);
      const view = {
        receivable: receivableId,
        payments: p.payments,
        paidIn: await format(p.paidIn),
        claimed: await format(p.claimed),
        pending: await format(p.pending),
        refunded: await format(p.refunded),
        unpaid: await format(p.unpaid),
      };
      cli().out.result(view, () => details(view));
    });

  receivable
    .command("refund-part-payments")
    .argument("<id>", "receivable id")
    .description("take back shares no certificate will claim, once the receivable is funded or settled (obligor)")
    .action(async (idText: string) => {
      const receivableId = parseId(idText, "receivable id");
      const consortia = await signed();
      const r = await consortia.arrangements.refund(receivableId, progress(cli(), `refund ${receivableId}`));
      const amount = await consortia.token.format(r.amount);
      cli().out.result({ receivableId, amount }, () => `${amount} of part payments back to you`);
    });
}
