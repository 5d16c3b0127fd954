/**
 * `consortia document ...`: the suite's register of financed documents (one invoice, financed once). `key` computes an
 * invoice's keyed id locally with the consortium key (`CONSORTIA_CONSORTIUM_KEY`, never an argument); `status` reads
 * what is financed against it and, given a face value, whether a financing would be accepted.
 */
import type { Command } from "commander";
import { deriveDocumentKey } from "@consortia/sdk";
import type { Cli } from "../context.js";
import { ConfigError, UsageError } from "../errors.js";
import { details } from "../output.js";
import { parseBytes32, parseCurrency, parseTokenAmount } from "../parse.js";

interface KeyOptions {
  taxId: string;
  code?: string;
  number: string;
}

/** The invoice's keyed id, derived here: the identity never leaves this process. */
export function documentKeyOf(options: KeyOptions): string {
  const consortiumKey = process.env.CONSORTIA_CONSORTIUM_KEY;
  if (consortiumKey === undefined || consortiumKey === "") {
    throw new ConfigError("set CONSORTIA_CONSORTIUM_KEY (hex) to derive document keys");
  }
  try {
    return deriveDocumentKey({
      consortiumKey: consortiumKey as `0x${string}`,
      issuerTaxId: options.taxId,
      invoiceCode: options.code ?? "",
      invoiceNumber: options.number,
    });
  } catch (error) {
    const name = (error as Error).name;
    if (name === "InvalidConsortiumKeyError")
      throw new ConfigError(`CONSORTIA_CONSORTIUM_KEY: ${(error as Error).message}`);
    throw new UsageError((error as Error).message);
  }
}

export function register(program: Command, cli: () => Cli): void {
  const document = program
    .command("document")
    .description("the register of financed documents: keyed invoice ids, what is financed against them");

  document
    .command("key")
    .description("compute an invoice's keyed id locally (with CONSORTIA_CONSORTIUM_KEY); nothing is sent")
    .requiredOption("--tax-id <id>", "the issuer's taxpayer id (unified social credit code)")
    .option("--code <code>", "the invoice code (10 or 12 digits; none for a fully digital invoice)")
    .requiredOption("--number <number>", "the invoice number (8 digits, or 20 for a fully digital invoice)")
    .action((options: KeyOptions) => {
      const documentId = documentKeyOf(options);
      cli().out.result({ documentId }, () => documentId);
    });

  document
    .command("status")
    .argument("<id>", "the document's keyed id (0x + 64 hex; see `consortia document key`)")
    .option("--face <amount>", "the invoice's face value: also tells whether financing it whole would be accepted")
    .option("--amount <amount>", "with --face: the amount to finance (default the face)")
    .option("--currency <code>", "with --face: ISO 4217 currency", "CNY")
    .description("what is financed against a document, and whether a financing would be accepted")
    .action(async (idText: string, options: { face?: string; amount?: string; currency: string }) => {
      const documentId = parseBytes32(idText, "document id");
      if (options.amount !== undefined && options.face === undefined) throw new UsageError("--amount needs --face");
      const consortia = await cli().consortia();
      const standing = await consortia.documents.standing(documentId);
      const format = (amount: bigint) => consortia.token.format(amount);
      const data: Record<string, unknown> = {
        documentId,
        known: standing.known,
        face: await format(standing.face),
        currency: standing.currency,
        financed: await format(standing.financed),
        paid: await format(standing.paid),
        available: await format(standing.available),
        openHolds: standing.openHolds,
        lastApp: standing.lastApp,
        lastRecord: standing.lastRecord,
      };
      if (options.face !== undefined) {
        const face = await parseTokenAmount(consortia, options.face, "--face", { bits: 96 });
        const amount =
          options.amount === undefined ? face : await parseTokenAmount(consortia, options.amount, "--amount");
        const currency = parseCurrency(options.currency);
        data.canFinance = await consortia.documents.canFinance(documentId, face, currency, amount);
      }
      cli().out.result(data, () => details(data));
    });
}
