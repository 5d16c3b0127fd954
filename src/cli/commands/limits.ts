/**
 * `consortia limit ...`: issuance limits of core enterprises. A financing bank sets its limit for an obligor; once the
 * obligor is under limits (`limit enforce` by itself, or a governance vote), the receivable desk refuses confirmations
 * beyond the limits of the obligor's banks in good standing.
 */
import type { Command } from "commander";
import type { Cli } from "../context.js";
import { details, table } from "../output.js";
import { parseTokenAmount } from "../parse.js";
import { memberIdOf, printed } from "./parties.js";
import { progress } from "./shared.js";

/** Limits are stored as uint112 (IIssuanceLimits.ObligorLimits). */
const LIMIT_BITS = 112;

export function register(program: Command, cli: () => Cli): void {
  const limit = program.command("limit").description("issuance limits banks set for core enterprises");

  limit
    .command("set")
    .argument("<obligor>", "the core enterprise: member id, name or account")
    .argument("<amount>", "the limit, decimal (0 withdraws it)")
    .description("set your bank's issuance limit for a core enterprise (FINANCIER)")
    .action(async (obligorRef: string, amountText: string) => {
      const consortia = await cli().consortia({ sign: true });
      const obligor = await memberIdOf(consortia, obligorRef);
      const amount = await parseTokenAmount(consortia, amountText, "<amount>", { bits: LIMIT_BITS, zero: true });
      const receipt = await consortia.limits.setLimit(obligor, amount, progress(cli(), `set limit for ${obligor}`));
      const shown = await consortia.token.format(amount);
      printed(cli(), receipt, { obligor, limit: shown }, `set your issuance limit for member ${obligor} to ${shown}`);
    });

  limit
    .command("enforce")
    .description(
      "put your core enterprise under its banks' issuance limits (RECEIVABLE_OBLIGOR; only a vote undoes it)",
    )
    .action(async () => {
      const consortia = await cli().consortia({ sign: true });
      const obligor = await memberIdOf(consortia, await (await cli().signer()).getAddress());
      const receipt = await consortia.limits.enforce(obligor, progress(cli(), `put member ${obligor} under limits`));
      printed(cli(), receipt, { obligor, limited: true }, `member ${obligor} is under its banks' issuance limits`);
    });

  limit
    .command("show")
    .argument("<obligor>", "the core enterprise: member id, name or account")
    .description("a core enterprise's limits per bank, their sum, utilisation and what may still be confirmed")
    .action(async (obligorRef: string) => {
      const consortia = await cli().consortia();
      const obligor = await memberIdOf(consortia, obligorRef);
      const view = await consortia.limits.limitsOf(obligor);
      const format = (amount: bigint) => consortia.token.format(amount);
      const data = {
        obligor,
        limited: view.limited,
        total: await format(view.total),
        utilised: await format(view.utilised),
        available: view.available === undefined ? "unlimited" : await format(view.available),
        banks: await Promise.all(view.banks.map(async (b) => ({ bank: b.bank, limit: await format(b.limit) }))),
      };
      cli().out.result(data, () =>
        [details({ ...data, banks: undefined }), table(data.banks, ["bank", "limit"])].join("\n"),
      );
    });
}
