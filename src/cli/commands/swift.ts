/**
 * `consortia lc import|export` and `consortia guarantee import|export`: SWIFT MT 700/707 and MT 760/767 in and out
 * (field tables and mapping in src/cli/swift/, docs/swift.md). The message's fields are the full terms: import writes
 * them to a local terms file (`--out`) and puts only their hash on chain; export checks the file against the chain's
 * hash and takes what the contracts hold (amount, dates, …) from the chain.
 */
import { readFile, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import type { Consortia } from "@consortia/sdk";
import type { Cli } from "../context.js";
import { UsageError } from "../errors.js";
import { readFound } from "../found.js";
import { parseCount, parseId, parseTokenAmount } from "../parse.js";
import { SwiftMessageError, swiftAmount, swiftDate } from "../swift/message.js";
import {
  exportMt700,
  exportMt707,
  exportMt760,
  exportMt767,
  importMt700,
  importMt760,
  DEFAULT_PRESENTATION_PERIOD_DAYS,
  type ConfirmationInstruction,
  type SwiftTerms,
} from "../swift/terms.js";
import { accountOf, memberIdOf, printed } from "./parties.js";
import { progress } from "./shared.js";

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path}: ${(error as Error).message}`);
  }
}

async function readTerms(path: string): Promise<SwiftTerms> {
  const text = await readText(path, "terms file");
  try {
    const terms = JSON.parse(text) as SwiftTerms;
    if (typeof terms.message !== "string" || !Array.isArray(terms.fields)) throw new Error("not a SWIFT terms file");
    return terms;
  } catch (error) {
    throw new UsageError(`malformed terms file ${path}: ${(error as Error).message}`);
  }
}

/** Parses with the message's problems as a usage error (exit code 2, every problem with its tag and line). */
function parsed<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof SwiftMessageError) throw new UsageError(error.message);
    throw error;
  }
}

async function exported(cli: Cli, text: string, out: string | undefined): Promise<void> {
  if (out === undefined) {
    cli.out.result({ message: text }, () => text.trimEnd());
    return;
  }
  await writeFile(out, text);
  cli.out.result({ file: out }, () => `wrote ${out}`);
}

/**
 * Field 49 from LcConfirmations: CONFIRM once confirmed or when the issuing bank requested it, MAY ADD while only
 * authorised, WITHOUT otherwise; undefined on a deployment without LcConfirmations (49 stays as in the terms).
 */
async function confirmationInstruction(consortia: Consortia, id: bigint): Promise<ConfirmationInstruction | undefined> {
  let view;
  try {
    view = await consortia.lcConfirmations.confirmation(id);
  } catch {
    return undefined;
  }
  if (view.confirmingBank !== 0) return "CONFIRM";
  if (view.authorization === null) return "WITHOUT";
  return view.authorization.requested ? "CONFIRM" : "MAY ADD";
}

const exclusive = (options: Record<string, unknown>, names: string[]): string => {
  const given = names.filter((name) => options[name] === true);
  if (given.length !== 1) throw new UsageError(`give exactly one of ${names.map((n) => `--${n}`).join(", ")}`);
  return given[0];
};

const memberName = async (consortia: Consortia, id: number) => (await consortia.registry.findMember(id)).name;

export function register(program: Command, cli: () => Cli): void {
  const group = (name: string) => {
    const found = program.commands.find((command) => command.name() === name);
    if (found === undefined) throw new Error(`the ${name} command group is registered after swift`);
    return found;
  };
  const lc = group("lc");
  const guarantee = group("guarantee");

  lc.command("import")
    .requiredOption("--mt700 <file>", "SWIFT MT 700 (FIN message or its text block)")
    .requiredOption("--out <file>", "where to keep the full terms (JSON; only its hash goes on chain)")
    .option("--issue", "issue the LC now (the signer is the issuing bank)")
    .option("--applicant <member>", "applicant (default: field 50's first line)")
    .option("--beneficiary <member>", "beneficiary (default: field 59's name)")
    .option("--advising-bank <member>", "advising bank (default: field 57D's first line)")
    .option("--nominated-bank <member>", "nominated bank (default: field 41D's first line; ANY BANK: none)")
    .description("map an MT 700 to LC terms; write the terms file and, with --issue, issue it")
    .action(
      async (options: {
        mt700: string;
        out: string;
        issue?: boolean;
        applicant?: string;
        beneficiary?: string;
        advisingBank?: string;
        nominatedBank?: string;
      }) => {
        const message = await readText(options.mt700, "MT 700");
        const lcTerms = parsed(() => importMt700(message));
        const parties = {
          applicant: options.applicant ?? lcTerms.parties.applicant,
          beneficiary: options.beneficiary ?? lcTerms.parties.beneficiary,
          advisingBank: options.advisingBank ?? lcTerms.parties.advisingBank,
          nominatedBank: options.nominatedBank ?? lcTerms.parties.nominatedBank,
        };
        if (parties.advisingBank === undefined) {
          throw new UsageError("name the advising bank: field 57D or --advising-bank");
        }
        await writeFile(options.out, `${JSON.stringify(lcTerms.terms, null, 2)}\n`);
        const { terms: _full, ...mapped } = lcTerms;
        const summary = { ...mapped, parties, termsFile: options.out };
        if (options.issue !== true) {
          cli().out.result(summary, () =>
            [
              `MT 700 ${lcTerms.terms.fields.find((f) => f.tag === "20")?.value}: ${lcTerms.currency} ${lcTerms.amount}`,
              `terms kept in ${options.out}, hash ${lcTerms.termsHash}`,
              ...(lcTerms.documentsInTermsOnly.length === 0
                ? []
                : [`documents checked off chain only: ${lcTerms.documentsInTermsOnly.join("; ")}`]),
            ].join("\n"),
          );
          return;
        }
        if (lcTerms.transferable) {
          throw new UsageError(
            "40A IRREVOCABLE TRANSFERABLE: the suite issues no transferable credits yet (UCP 600 art. 38); import without --issue",
          );
        }
        const consortia = await cli().consortia({ sign: true });
        const { lcId, receipt } = await consortia.lettersOfCredit.issue(
          await accountOf(consortia, parties.applicant, "applicant"),
          {
            advisingBank: await accountOf(consortia, parties.advisingBank, "advising bank"),
            nominatedBank:
              parties.nominatedBank === undefined
                ? undefined
                : await accountOf(consortia, parties.nominatedBank, "nominated bank"),
            beneficiary: await accountOf(consortia, parties.beneficiary, "beneficiary"),
            amount: await parseTokenAmount(consortia, lcTerms.amount, "32B amount", { bits: 80 }),
            currency: lcTerms.currency,
            tolerancePlus: lcTerms.tolerancePlus,
            toleranceMinus: lcTerms.toleranceMinus,
            expiry: lcTerms.expiry,
            latestShipment: lcTerms.latestShipment,
            deferred: lcTerms.deferred,
            tenorDays: lcTerms.tenorDays,
            partialDrawings: lcTerms.partialDrawings,
            requiredDocuments: lcTerms.requiredDocuments,
            termsHash: lcTerms.termsHash,
          },
          progress(cli(), "issue letter of credit from MT 700"),
        );
        // 48: a period other than the 21 days of art. 14c binds the automatic checks (before the LC is advised)
        const period = lcTerms.presentationPeriodDays;
        if (period !== undefined && period !== DEFAULT_PRESENTATION_PERIOD_DAYS) {
          await consortia.lettersOfCredit.setPresentationPeriod(lcId, period, progress(cli(), "set field 48's period"));
        }
        // 49: CONFIRM requests, MAY ADD authorises the nominated bank to confirm (UCP 600 art. 8)
        if (lcTerms.confirmation !== "WITHOUT") {
          await consortia.lcConfirmations.authorize(
            lcId,
            await memberIdOf(consortia, parties.nominatedBank!),
            lcTerms.confirmation === "CONFIRM",
            progress(cli(), `field 49 ${lcTerms.confirmation}: authorise the nominated bank to confirm`),
          );
        }
        printed(
          cli(),
          receipt,
          {
            lcId,
            termsHash: lcTerms.termsHash,
            presentationPeriodDays: period ?? DEFAULT_PRESENTATION_PERIOD_DAYS,
            confirmation: lcTerms.confirmation,
          },
          `issued letter of credit ${lcId} from MT 700`,
        );
      },
    );

  lc.command("export")
    .argument("<id>", "letter of credit id")
    .option("--mt700", "MT 700: the LC as issued (or as amended, with the amended terms file)")
    .option("--mt707", "MT 707: its pending amendment, or the accepted one against the issued terms")
    .requiredOption("--terms <file>", "the terms file (lc import --out); MT 707: the terms the LC was issued with")
    .option("--amended-terms <file>", "MT 707: the amended terms file (its hash is the amendment's)")
    .option("--number <n>", "MT 707: number of the amendment (26E)", "1")
    .option("--out <file>", "write the message to this file instead of printing it")
    .description("produce an MT 700 or MT 707 from the chain's record and the locally held terms")
    .action(
      async (
        idText: string,
        options: {
          mt700?: boolean;
          mt707?: boolean;
          terms: string;
          amendedTerms?: string;
          number: string;
          out?: string;
        },
      ) => {
        const which = exclusive(options, ["mt700", "mt707"]);
        const id = parseId(idText, "letter of credit id");
        const number = parseCount(options.number, "amendment number", 999);
        const terms = await readTerms(options.terms);
        const amended = options.amendedTerms === undefined ? undefined : await readTerms(options.amendedTerms);
        const consortia = await cli().consortia();
        const record = await readFound("letter of credit", id, () => consortia.lettersOfCredit.letterOfCredit(id));
        const format = consortia.token.format;
        const text = await (async () => {
          if (which === "mt700") {
            const [presentationPeriodDays, confirmation] = await Promise.all([
              consortia.lettersOfCredit.presentationPeriod(id).catch(() => undefined),
              confirmationInstruction(consortia, id),
            ]);
            return exportMt700(
              {
                amount: await format(record.amount),
                currency: record.currency,
                tolerancePlus: record.tolerancePlus,
                toleranceMinus: record.toleranceMinus,
                expiry: record.expiry,
                latestShipment: record.latestShipment,
                partialDrawings: record.partialDrawings,
                termsHash: record.termsHash,
                presentationPeriodDays,
                confirmation,
              },
              amended ?? terms,
            );
          }
          const pending = await consortia.lettersOfCredit.pendingAmendment(id);
          const issued = terms.fields.find((f) => f.tag === "32B")?.value ?? "";
          const now = pending ?? { ...record, termsHash: record.termsHash };
          return exportMt707(
            terms,
            {
              amount: await format(now.amount),
              previousAmount:
                pending === undefined ? issued.slice(3).replace(",", ".") || "0" : await format(record.amount),
              currency: record.currency,
              expiry: now.expiry,
              latestShipment: now.latestShipment,
              termsHash: now.termsHash,
              number,
              date: Number(await cli().chainTime()),
              issuingBank: await memberName(consortia, record.issuingBank),
            },
            amended,
          );
        })().catch((error: unknown) => {
          if (error instanceof SwiftMessageError || !(error instanceof Error)) throw error;
          throw new UsageError(error.message);
        });
        await exported(cli(), text, options.out);
      },
    );

  guarantee
    .command("import")
    .requiredOption("--mt760 <file>", "SWIFT MT 760 (FIN message or its text block)")
    .requiredOption("--out <file>", "where to keep the full terms (JSON; only its hash goes on chain)")
    .requiredOption("--kind <kind>", "bid, performance or advance-payment (MT 760 sequence B has no type field)")
    .option("--examination-days <days>", "days the bank has to examine a demand (URDG 758 art. 20: five)", "5")
    .option("--apply", "apply for it now (the signer is the applicant, field 50)")
    .description("map an MT 760 to guarantee terms; write the terms file and, with --apply, apply for it")
    .action(async (options: { mt760: string; out: string; kind: string; examinationDays: string; apply?: boolean }) => {
      const kinds = { bid: "Bid", performance: "Performance", advancepayment: "AdvancePayment" } as const;
      const kind = kinds[options.kind.replace(/[-_\s]/g, "").toLowerCase() as keyof typeof kinds];
      if (kind === undefined) {
        throw new UsageError(`unknown guarantee kind "${options.kind}": expected bid, performance or advance-payment`);
      }
      const examinationPeriod = parseCount(options.examinationDays, "examination days", 3650) * 86_400;
      const message = await readText(options.mt760, "MT 760");
      const g = parsed(() => importMt760(message));
      await writeFile(options.out, `${JSON.stringify(g.terms, null, 2)}\n`);
      const { terms: _full, ...mapped } = g;
      const summary = { ...mapped, kind, termsFile: options.out };
      if (options.apply !== true) {
        cli().out.result(summary, () =>
          [
            `MT 760 ${g.undertakingNumber}: ${kind} guarantee, ${g.currency} ${g.amount}, issuer ${g.parties.guarantor}`,
            `terms kept in ${options.out}, hash ${g.termsHash}; issue reference ${g.reference}`,
          ].join("\n"),
        );
        return;
      }
      const consortia = await cli().consortia({ sign: true });
      if (g.parties.applicant !== undefined) {
        const signer = await consortia.registry.findMember(await (await cli().signer()).getAddress());
        if (signer.name.toLowerCase() !== g.parties.applicant.toLowerCase()) {
          throw new UsageError(`field 50 names ${g.parties.applicant} as applicant; the signer is ${signer.name}`);
        }
      }
      const { guaranteeId, receipt } = await consortia.guarantees.applyFor(
        {
          guarantor: await accountOf(consortia, g.parties.guarantor, "guarantor"),
          beneficiary: await accountOf(consortia, g.parties.beneficiary, "beneficiary"),
          kind,
          currency: g.currency,
          amount: await parseTokenAmount(consortia, g.amount, "32B amount", { bits: 128 }),
          expiry: g.expiry,
          examinationPeriod,
          termsHash: g.termsHash,
          tenderReference: g.tenderReference,
        },
        progress(cli(), "apply for guarantee from MT 760"),
      );
      printed(
        cli(),
        receipt,
        { guaranteeId, termsHash: g.termsHash, reference: g.reference },
        `applied: guarantee ${guaranteeId} from MT 760 awaits ${g.parties.guarantor} (issue reference ${g.reference})`,
      );
    });

  guarantee
    .command("export")
    .argument("<id>", "guarantee id")
    .option("--mt760", "MT 760: the guarantee as issued")
    .option("--mt767", "MT 767: its accepted amendment against the issued terms")
    .requiredOption("--terms <file>", "the terms file (guarantee import --out)")
    .option("--amendment-text <file>", "MT 767: the amendment's text (77U)")
    .option("--number <n>", "MT 767: number of the amendment (26E)", "1")
    .option("--out <file>", "write the message to this file instead of printing it")
    .description("produce an MT 760 or MT 767 from the chain's record and the locally held terms")
    .action(
      async (
        idText: string,
        options: {
          mt760?: boolean;
          mt767?: boolean;
          terms: string;
          amendmentText?: string;
          number: string;
          out?: string;
        },
      ) => {
        const which = exclusive(options, ["mt760", "mt767"]);
        const id = parseId(idText, "guarantee id");
        const number = parseCount(options.number, "amendment number", 999);
        const terms = await readTerms(options.terms);
        const amendmentText =
          options.amendmentText === undefined
            ? undefined
            : (await readText(options.amendmentText, "amendment text")).trimEnd();
        const consortia = await cli().consortia();
        const record = await readFound("guarantee", id, () => consortia.guarantees.guarantee(id));
        const amount = await consortia.token.format(record.amount);
        const text = await (async () => {
          if (which === "mt760") {
            return exportMt760(
              { amount, currency: record.currency, expiry: record.expiry, termsHash: record.termsHash },
              terms,
            );
          }
          const value = (tag: string) => terms.fields.find((f) => f.tag === tag && f.sequence === "B")?.value ?? "";
          return exportMt767(terms, {
            amount,
            previousAmount: swiftAmount(value("32B").slice(3)) || "0",
            currency: record.currency,
            expiry: record.expiry,
            previousExpiry: value("31E") === "" ? record.expiry : swiftDate(value("31E")),
            number,
            date: Number(await cli().chainTime()),
            issuer: await memberName(consortia, record.guarantor),
            text: amendmentText,
          });
        })().catch((error: unknown) => {
          if (error instanceof SwiftMessageError || !(error instanceof Error)) throw error;
          throw new UsageError(error.message);
        });
        await exported(cli(), text, options.out);
      },
    );
}
