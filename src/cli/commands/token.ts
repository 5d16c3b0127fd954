/** `consortia token ...`: the deposit token (settlement asset). The pattern for an application's command file. */
import type { Command } from "commander";
import type { Consortia } from "@consortia/sdk";
import type { Cli } from "../context.js";
import { table } from "../output.js";
import { parseAddress, parseTokenAmount } from "../parse.js";
import { progress, receiptSummary } from "./shared.js";

/**
 * An account from an address, or a member reference (id or name): the member's first account. Addresses are checked
 * for form only; the contract decides whether they may hold tokens.
 */
async function accountOf(consortia: Consortia, reference: string): Promise<{ account: string; member?: string }> {
  if (reference.startsWith("0x")) return { account: parseAddress(reference) };
  const member = await consortia.registry.findMember(reference);
  if (member.accounts.length === 0) throw new Error(`member ${member.name} has no account`);
  return { account: member.accounts[0], member: member.name };
}

export function register(program: Command, cli: () => Cli): void {
  const token = program.command("token").description("the deposit token (settlement asset, minor units = 1/100)");

  token
    .command("balance")
    .argument("[holder]", "address, or member id or name (default: the signer)")
    .description("show a balance; for a member, every account's")
    .action(async (reference: string | undefined) => {
      const consortia = await cli().consortia();
      let accounts: string[];
      if (reference === undefined) accounts = [await (await cli().signer()).getAddress()];
      else if (reference.startsWith("0x")) accounts = [parseAddress(reference)];
      else accounts = (await consortia.registry.findMember(reference)).accounts;
      const [symbol, balances] = await Promise.all([
        consortia.token.symbol(),
        Promise.all(accounts.map((account) => consortia.token.balanceOf(account))),
      ]);
      const rows = await Promise.all(
        accounts.map(async (account, index) => ({
          account,
          balance: await consortia.token.format(balances[index]),
          minorUnits: balances[index],
        })),
      );
      cli().out.result({ symbol, accounts: rows }, () =>
        table(rows.map(({ account, balance }) => ({ account, [symbol]: balance }))),
      );
    });

  for (const [name, description] of [
    ["mint", "issue deposits to a holder (issuing banks)"],
    ["transfer", "transfer deposits to a holder"],
  ] as const) {
    token
      .command(name)
      .argument("<to>", "address, or member id or name (its first account)")
      .argument("<amount>", "decimal amount, e.g. 1250.50")
      .description(description)
      .action(async (reference: string, amountText: string) => {
        const reader = await cli().consortia();
        const amount = await parseTokenAmount(reader, amountText, "<amount>");
        const { account, member } = await accountOf(reader, reference);
        const consortia = await cli().consortia({ sign: true });
        const receipt = await consortia.token[name](
          account,
          amount,
          progress(cli(), `${name} ${amountText} to ${member ?? account}`),
        );
        const balance = await consortia.token.balanceOf(account);
        const shown = {
          amount: await consortia.token.format(amount),
          balance: await consortia.token.format(balance),
        };
        cli().out.result(
          {
            to: account,
            member,
            amount: shown.amount,
            balance: shown.balance,
            ...receiptSummary(receipt),
          },
          () =>
            `${name === "mint" ? "minted" : "transferred"} ${shown.amount} to ${member ?? account}; balance now ${shown.balance} (tx ${receipt.hash}, block ${receipt.blockNumber})`,
        );
      });
  }
}
