/** `consortia lc ...`: documentary letters of credit and interbank positions (credit lines, obligations, netting). */
import type { Command } from "commander";
import { encodeBytes32String } from "ethers";
import {
  formatAmount,
  interbankCurrency,
  interbankCurrencyLabel,
  keyedTermHash,
  type Consortia,
  type LcTermsInput,
} from "@consortia/sdk";
import type { Cli } from "../context.js";
import { ConfigError, UsageError } from "../errors.js";
import { readFound } from "../found.js";
import { details, table } from "../output.js";
import {
  collect,
  formatDate,
  parseAddress,
  parseCount,
  parseCurrency,
  parseDate,
  type ChainClock,
  parseDocument,
  parseDocumentKind,
  parseHash,
  parseBytes32,
  parseId,
  parseOptionalHash,
  parseTokenAmount,
} from "../parse.js";
import { registerApplicant } from "./lc-applicant.js";
import { registerConfirmations } from "./lc-confirmations.js";
import { registerTransfers } from "./lc-transfers.js";
import { accountOf, ensureAllowance, memberIdOf, printed } from "./parties.js";
import { progress } from "./shared.js";

/** `--currency` of interbank commands: "USD", "840" or "0" (the settlement token's) -> the chain's uint16. */
function parseInterbankCurrency(text: string): number {
  try {
    return interbankCurrency(text);
  } catch (error) {
    throw new UsageError(`--currency: ${(error as Error).message}`);
  }
}

/** The token amounts of `currency` are in: decimals, formatting and allowances (the settlement token for 0). */
async function currencyToken(consortia: Consortia, currency: number) {
  if (currency === 0) {
    const decimals = await consortia.token.decimals();
    return {
      decimals,
      format: (amount: bigint) => consortia.token.format(amount),
      ensureAllowance: (cli: Cli, spender: string, amount: bigint) => ensureAllowance(cli, consortia, spender, amount),
    };
  }
  const token = await consortia.lettersOfCredit.positions.currencyTokenContract(currency);
  const decimals = Number(await token.decimals());
  return {
    decimals,
    format: (amount: bigint) => Promise.resolve(formatAmount(amount, decimals)),
    async ensureAllowance(cli: Cli, spender: string, amount: bigint) {
      const owner = await (await cli.signer()).getAddress();
      if ((await token.allowance(owner, spender)) >= amount) return;
      progress(cli, `approve ${formatAmount(amount, decimals)} ${interbankCurrencyLabel(currency)} to ${spender}`);
      await (await token.approve(spender, amount)).wait();
    },
  };
}

interface TermsOptions {
  advisingBank: string;
  nominatedBank?: string;
  beneficiary: string;
  amount: string;
  currency: string;
  tolerancePlus: string;
  toleranceMinus: string;
  expiry: string;
  latestShipment: string;
  deferred?: boolean;
  tenorDays: string;
  partial?: boolean;
  documents: string;
  terms: string;
}

function termsOptions(command: Command): Command {
  return command
    .requiredOption("--advising-bank <member>", "bank that advises the LC (member or account)")
    .option("--nominated-bank <member>", "nominated or confirming bank that honours (default: the issuing bank)")
    .requiredOption("--beneficiary <member>", "beneficiary (member or account; paid, and first holder of claims)")
    .requiredOption("--amount <amount>", "face amount, decimal")
    .option("--currency <code>", "ISO 4217 currency", "CNY")
    .option("--tolerance-plus <percent>", "percent above the amount that may be drawn", "0")
    .option("--tolerance-minus <percent>", "percent below the amount still a full drawing", "0")
    .requiredOption("--expiry <date>", "last day for presentations (ISO date, unix seconds or +90d)")
    .requiredOption("--latest-shipment <date>", "latest shipment date (at most the expiry)")
    .option("--deferred", "deferred payment: accept, then pay at maturity")
    .option("--tenor-days <days>", "deferred payment: longest maturity in days after presentation", "0")
    .option("--partial", "allow partial drawings")
    .requiredOption("--documents <kinds>", "required document kinds, comma separated (invoice,transport-document)")
    .requiredOption("--terms <hash>", "hash of the full terms: 0x…, file:<path> or json:<path>");
}

/** Validates the terms options (before connecting) and returns a resolver that needs the chain for parties. */
async function parseTerms(options: TermsOptions, now: ChainClock) {
  const currency = parseCurrency(options.currency);
  const tolerancePlus = parseCount(options.tolerancePlus, "tolerance-plus", 100);
  const toleranceMinus = parseCount(options.toleranceMinus, "tolerance-minus", 100);
  const expiry = await parseDate(options.expiry, "expiry", now);
  const latestShipment = await parseDate(options.latestShipment, "latest shipment date", now);
  const tenorDays = parseCount(options.tenorDays, "tenor days", 65_535);
  const requiredDocuments = options.documents
    .split(",")
    .filter((kind) => kind.trim() !== "")
    .map(parseDocumentKind);
  if (requiredDocuments.some((kind) => kind > 31)) throw new UsageError("required document kinds must be 1..31");
  const termsHash = await parseHash(options.terms, "terms hash");
  return async (consortia: Consortia): Promise<LcTermsInput> => ({
    advisingBank: await accountOf(consortia, options.advisingBank, "advising bank"),
    nominatedBank:
      options.nominatedBank === undefined
        ? undefined
        : await accountOf(consortia, options.nominatedBank, "nominated bank"),
    beneficiary: await accountOf(consortia, options.beneficiary, "beneficiary"),
    amount: await parseTokenAmount(consortia, options.amount, "--amount", { bits: 80 }),
    currency,
    tolerancePlus,
    toleranceMinus,
    expiry,
    latestShipment,
    deferred: options.deferred === true,
    tenorDays,
    partialDrawings: options.partial === true,
    requiredDocuments,
    termsHash,
  });
}

/**
 * A discrepancy: a short code (`LATE_SHIPMENT`, stored as bytes32 text, or with `--code-key` as its keyed hash so that
 * no outsider reads it) or a hash of its wording.
 */
async function parseDiscrepancy(value: string, keyed: boolean): Promise<string> {
  if (/^(0x|file:|json:)/.test(value)) return parseHash(value, "discrepancy");
  if (!/^[\x20-\x7e]{1,31}$/.test(value)) {
    throw new UsageError(`malformed discrepancy "${value}": a code of at most 31 ASCII characters, or a hash`);
  }
  return keyed ? discrepancyKey(value) : encodeBytes32String(value);
}

/** The code's term key (SDK `keyedTermHash`, field "discrepancy") with the consortium key from the environment. */
function discrepancyKey(code: string): string {
  const consortiumKey = process.env.CONSORTIA_CONSORTIUM_KEY;
  if (consortiumKey === undefined || consortiumKey === "") {
    throw new ConfigError("set CONSORTIA_CONSORTIUM_KEY (hex) to key discrepancy codes (--code-key)");
  }
  try {
    return keyedTermHash({ consortiumKey: consortiumKey as `0x${string}`, field: "discrepancy", value: code });
  } catch (error) {
    throw new ConfigError(`CONSORTIA_CONSORTIUM_KEY: ${(error as Error).message}`);
  }
}

type RefuseOptions = { discrepancy: string[]; notice: string; returnDocuments?: boolean; codeKey?: boolean };

const CODE_KEY_HELP = "key the codes with the consortium key (CONSORTIA_CONSORTIUM_KEY) instead of bytes32 text";

export function register(program: Command, cli: () => Cli): void {
  const lc = program.command("lc").description("documentary letters of credit and interbank netting");

  /** One-step LC transaction: `lc <name> <id>`. */
  const simple = (
    name: string,
    description: string,
    what: string,
    step: (
      consortia: Consortia,
      id: bigint,
      label: string,
    ) => Promise<Awaited<ReturnType<Consortia["lettersOfCredit"]["advise"]>>>,
    done: string,
  ) =>
    lc
      .command(name)
      .argument("<id>", `${what} id`)
      .description(description)
      .action(async (idText: string) => {
        const id = parseId(idText, `${what} id`);
        const consortia = await cli().consortia({ sign: true });
        const receipt = await step(consortia, id, `${name} ${what} ${id}`);
        printed(cli(), receipt, { id }, `${done} ${what} ${id}`);
      });

  termsOptions(lc.command("issue"))
    .description("issue an LC for an applicant (issuing bank, LC_BANK)")
    .requiredOption("--applicant <member>", "applicant (member or account)")
    .action(async (options: TermsOptions & { applicant: string }) => {
      const terms = await parseTerms(options, cli().chainTime);
      const consortia = await cli().consortia({ sign: true });
      const applicant = await accountOf(consortia, options.applicant, "applicant");
      const { lcId, receipt } = await consortia.lettersOfCredit.issue(
        applicant,
        await terms(consortia),
        progress(cli(), "issue letter of credit"),
      );
      printed(cli(), receipt, { lcId }, `issued letter of credit ${lcId}`);
    });

  termsOptions(lc.command("apply"))
    .description("apply for an LC at an issuing bank (applicant, LC_TRADER)")
    .requiredOption("--issuing-bank <member>", "issuing bank (member or account)")
    .action(async (options: TermsOptions & { issuingBank: string }) => {
      const terms = await parseTerms(options, cli().chainTime);
      const consortia = await cli().consortia({ sign: true });
      const bank = await accountOf(consortia, options.issuingBank, "issuing bank");
      const { lcId, receipt } = await consortia.lettersOfCredit.submitApplication(
        bank,
        await terms(consortia),
        progress(cli(), "apply for letter of credit"),
      );
      printed(cli(), receipt, { lcId }, `applied: letter of credit ${lcId} awaits the issuing bank`);
    });

  simple(
    "approve",
    "approve an application: the LC is issued (issuing bank)",
    "letter of credit",
    (c, id, label) => c.lettersOfCredit.approveApplication(id, progress(cli(), label)),
    "approved",
  );
  lc.command("decline")
    .argument("<id>", "letter of credit id")
    .option("--reason <hash>", "hash of the reasons")
    .description("decline an application (issuing bank)")
    .action(async (idText: string, options: { reason?: string }) => {
      const id = parseId(idText, "letter of credit id");
      const reason = await parseOptionalHash(options.reason, "reason hash");
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.lettersOfCredit.declineApplication(id, reason, progress(cli(), `decline ${id}`));
      printed(cli(), receipt, { id }, `declined letter of credit ${id}`);
    });
  simple(
    "advise",
    "advise the LC to the beneficiary (advising bank)",
    "letter of credit",
    (c, id, label) => c.lettersOfCredit.advise(id, progress(cli(), label)),
    "advised",
  );
  simple(
    "acknowledge",
    "acknowledge the advised LC (beneficiary)",
    "letter of credit",
    (c, id, label) => c.lettersOfCredit.acknowledge(id, progress(cli(), label)),
    "acknowledged",
  );
  simple(
    "confirm",
    "set the nominated bank's legacy confirmation flag (no terms recorded; see lc confirmation)",
    "letter of credit",
    (c, id, label) => c.lettersOfCredit.confirm(id, progress(cli(), label)),
    "confirmed",
  );

  lc.command("amend")
    .argument("<id>", "letter of credit id")
    .requiredOption("--amount <amount>", "new face amount")
    .requiredOption("--expiry <date>", "new expiry")
    .requiredOption("--latest-shipment <date>", "new latest shipment date")
    .requiredOption("--terms <hash>", "hash of the amended full terms")
    .description("propose an amendment (issuing bank); binds once the beneficiary accepts")
    .action(
      async (idText: string, options: { amount: string; expiry: string; latestShipment: string; terms: string }) => {
        const id = parseId(idText, "letter of credit id");
        const expiry = await parseDate(options.expiry, "expiry", cli().chainTime);
        const latestShipment = await parseDate(options.latestShipment, "latest shipment date", cli().chainTime);
        const termsHash = await parseHash(options.terms, "terms hash");
        const consortia = await cli().consortia({ sign: true });
        const amount = await parseTokenAmount(consortia, options.amount, "--amount", { bits: 80 });
        const { amendmentHash, receipt } = await consortia.lettersOfCredit.proposeAmendment(
          id,
          { amount, expiry, latestShipment, termsHash },
          progress(cli(), `amend letter of credit ${id}`),
        );
        printed(cli(), receipt, { id, amendmentHash }, `proposed amendment ${amendmentHash} to letter of credit ${id}`);
      },
    );
  simple(
    "amend-accept",
    "accept the pending amendment (beneficiary)",
    "letter of credit",
    (c, id, label) => c.lettersOfCredit.acceptAmendment(id, undefined, progress(cli(), label)),
    "accepted the amendment of",
  );
  simple(
    "amend-reject",
    "reject the pending amendment (beneficiary)",
    "letter of credit",
    (c, id, label) => c.lettersOfCredit.rejectAmendment(id, progress(cli(), label)),
    "rejected the amendment of",
  );

  lc.command("present")
    .argument("<id>", "letter of credit id")
    .argument("<amount>", "amount drawn, decimal")
    .option("--document <kind=hash[@uri]>", "a presented document (repeat)", collect, [])
    .option(
      "--shipped <date>",
      "shipment date on the transport document: stated first (bound to the documents' hash) so that the chain checks " +
        "the latest shipment date and the presentation period (UCP 600 art. 14c)",
    )
    .option(
      "--backing <subjectKey>",
      "the keyed identifier (export declaration, invoice, company key) whose authority attestations back the documents: " +
        "stated first (bound to the documents' hash); an issuing bank with an LcHonour policy requires it",
    )
    .description("present documents drawing an amount (beneficiary); prints what the automatic checks found")
    .action(
      async (
        idText: string,
        amountText: string,
        options: { document: string[]; shipped?: string; backing?: string },
      ) => {
        const id = parseId(idText, "letter of credit id");
        const documents = await Promise.all(options.document.map(parseDocument));
        if (documents.length === 0) throw new UsageError("present at least one --document <kind>=<hash>");
        const shipped =
          options.shipped === undefined
            ? undefined
            : await parseDate(options.shipped, "shipment date", cli().chainTime);
        const backing =
          options.backing === undefined ? undefined : parseBytes32(options.backing, "backing subject key");
        const consortia = await cli().consortia({ sign: true });
        const amount = await parseTokenAmount(consortia, amountText, "<amount>", { bits: 80 });
        if (backing !== undefined) {
          await consortia.lettersOfCredit.stateBacking(
            documents,
            backing,
            progress(cli(), `state the subject backing the documents`),
          );
        }
        if (shipped !== undefined) {
          await consortia.lettersOfCredit.stateShipment(
            documents,
            shipped,
            progress(cli(), `state the shipment date of the documents`),
          );
        }
        const { presentationId, examinationDeadline, findings, receipt } = await consortia.lettersOfCredit.present(
          id,
          amount,
          documents,
          progress(cli(), `present ${amountText} under letter of credit ${id}`),
        );
        const found = findings === null ? "" : `; the chain found ${findings.codes.join(", ") || "no discrepancy"}`;
        printed(
          cli(),
          receipt,
          { lcId: id, presentationId, examinationDeadline, findings },
          `presented: presentation ${presentationId}, examination deadline ${formatDate(examinationDeadline)}${found}`,
        );
      },
    );

  lc.command("link-backing")
    .argument("<presentation>", "presentation id (presented, not yet examined)")
    .argument("<subjectKey>", "the keyed identifier whose authority attestations back it: 0x + 64 hex digits")
    .description("link a presentation to the subject backing it (beneficiary or issuing bank; issue 22)")
    .action(async (idText: string, subjectText: string) => {
      const id = parseId(idText, "presentation id");
      const subjectKey = parseBytes32(subjectText, "subject key");
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.lettersOfCredit.linkBacking(
        id,
        subjectKey,
        progress(cli(), `link presentation ${id} to its backing`),
      );
      printed(cli(), receipt, { presentationId: id, subjectKey }, `presentation ${id}: backed by ${subjectKey}`);
    });

  lc.command("presentation-period")
    .argument("<id>", "letter of credit id")
    .argument("<days>", "days after shipment within which documents must be presented (1 to 365)")
    .description("set an LC's presentation period, art. 14c (issuing bank, before the LC is advised; default 21)")
    .action(async (idText: string, daysText: string) => {
      const id = parseId(idText, "letter of credit id");
      const days = Number(daysText);
      if (!Number.isInteger(days) || days < 1 || days > 365) {
        throw new UsageError(`<days> must be a whole number of days from 1 to 365, got "${daysText}"`);
      }
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.lettersOfCredit.setPresentationPeriod(
        id,
        days,
        progress(cli(), `presentation period of letter of credit ${id}`),
      );
      printed(
        cli(),
        receipt,
        { lcId: id, presentationPeriodDays: days },
        `letter of credit ${id}: documents to be presented within ${days} days after shipment`,
      );
    });

  lc.command("examine")
    .argument("<presentation>", "presentation id")
    .option("--discrepancy <code|hash>", "a discrepancy found (repeat); none: compliant", collect, [])
    .option("--code-key", CODE_KEY_HELP)
    .description("examine a presentation (honouring bank): compliant, or discrepant with the discrepancies")
    .action(async (idText: string, options: { discrepancy: string[]; codeKey?: boolean }) => {
      const id = parseId(idText, "presentation id");
      const discrepancies = await Promise.all(
        options.discrepancy.map((value) => parseDiscrepancy(value, options.codeKey === true)),
      );
      const consortia = await cli().consortia({ sign: true });
      const { result, receipt } = await consortia.lettersOfCredit.examine(
        id,
        discrepancies,
        progress(cli(), `examine presentation ${id}`),
      );
      printed(cli(), receipt, { presentationId: id, result }, `presentation ${id} is ${result}`);
    });
  simple(
    "waive",
    "waive a discrepant presentation's discrepancies (applicant)",
    "presentation",
    (c, id, label) => c.lettersOfCredit.waive(id, progress(cli(), label)),
    "waived the discrepancies of",
  );
  lc.command("refuse")
    .argument("<presentation>", "presentation id")
    .option("--discrepancy <code|hash>", "every discrepancy of the notice (repeat; at least one)", collect, [])
    .requiredOption("--notice <hash>", "hash of the refusal notice's text")
    .option("--return-documents", "return the documents now (default: hold them pending the applicant's waiver)")
    .option("--code-key", CODE_KEY_HELP)
    .description("send the one refusal notice (honouring bank, before the examination deadline; UCP 600 art. 16c)")
    .action(async (idText: string, options: RefuseOptions) => {
      const id = parseId(idText, "presentation id");
      const discrepancies = await Promise.all(
        options.discrepancy.map((value) => parseDiscrepancy(value, options.codeKey === true)),
      );
      if (discrepancies.length === 0) throw new UsageError("a refusal notice states its discrepancies: --discrepancy");
      const notice = await parseHash(options.notice, "notice hash");
      const hold = options.returnDocuments !== true;
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.lettersOfCredit.refuse(
        id,
        discrepancies,
        notice,
        hold,
        progress(cli(), `refuse presentation ${id}`),
      );
      printed(
        cli(),
        receipt,
        { presentationId: id, discrepancies: discrepancies.length, documents: hold ? "held" : "returned" },
        `refused presentation ${id} (${discrepancies.length} discrepancies), documents ${hold ? "held" : "returned"}`,
      );
    });
  simple(
    "return-documents",
    "return the documents held after a refusal notice (honouring bank): the presentation is refused",
    "presentation",
    (c, id, label) => c.lettersOfCredit.returnDocuments(id, progress(cli(), label)),
    "returned the documents of",
  );
  simple(
    "preclude",
    "record that the bank let the examination deadline pass (any member; UCP 600 art. 16f): it must honour",
    "presentation",
    (c, id, label) => c.lettersOfCredit.recordPreclusion(id, progress(cli(), label)),
    "recorded the preclusion of",
  );
  lc.command("accept")
    .argument("<presentation>", "presentation id")
    .requiredOption("--maturity <date>", "when the accepted claim is payable")
    .description("accept a deferred presentation payable at maturity (honouring bank): a transferable claim")
    .action(async (idText: string, options: { maturity: string }) => {
      const id = parseId(idText, "presentation id");
      const maturity = await parseDate(options.maturity, "maturity", cli().chainTime);
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.lettersOfCredit.accept(
        id,
        maturity,
        progress(cli(), `accept presentation ${id}`),
      );
      printed(
        cli(),
        receipt,
        { presentationId: id, maturity },
        `accepted presentation ${id}, payable ${formatDate(maturity)}`,
      );
    });
  lc.command("pay")
    .argument("<presentation>", "presentation id")
    .option("--reference <hash>", "off-chain payment reference (else paid in deposit tokens)")
    .description("pay a presentation (honouring bank): in tokens (approving the contract as needed) or off chain")
    .action(async (idText: string, options: { reference?: string }) => {
      const id = parseId(idText, "presentation id");
      const reference = await parseOptionalHash(options.reference, "payment reference");
      const consortia = await cli().consortia({ sign: true });
      const { amount } = await consortia.lettersOfCredit.presentation(id);
      if (options.reference === undefined) {
        await ensureAllowance(cli(), consortia, consortia.lettersOfCredit.address, amount);
      }
      const receipt = await consortia.lettersOfCredit.pay(id, reference, progress(cli(), `pay presentation ${id}`));
      const shown = await consortia.token.format(amount);
      printed(cli(), receipt, { presentationId: id, amount: shown }, `paid ${shown} on presentation ${id}`);
    });
  simple(
    "cancel-request",
    "ask the beneficiary to agree to cancel (issuing bank)",
    "letter of credit",
    (c, id, label) => c.lettersOfCredit.requestCancellation(id, progress(cli(), label)),
    "requested cancellation of",
  );
  simple(
    "cancel-consent",
    "agree to the requested cancellation (beneficiary)",
    "letter of credit",
    (c, id, label) => c.lettersOfCredit.consentToCancellation(id, progress(cli(), label)),
    "cancelled",
  );
  simple(
    "cancel-reject",
    "refuse the requested cancellation (beneficiary)",
    "letter of credit",
    (c, id, label) => c.lettersOfCredit.rejectCancellation(id, progress(cli(), label)),
    "refused cancelling",
  );
  simple(
    "expire",
    "close an LC after its expiry",
    "letter of credit",
    (c, id, label) => c.lettersOfCredit.expire(id, progress(cli(), label)),
    "closed",
  );
  lc.command("transfer-claim")
    .argument("<claim>", "claim id (the accepted presentation's id)")
    .argument("<to>", "new holder (member or account)")
    .description("transfer an accepted deferred claim you hold")
    .action(async (idText: string, to: string) => {
      const id = parseId(idText, "claim id");
      const consortia = await cli().consortia({ sign: true });
      const account = await accountOf(consortia, to, "new holder");
      const receipt = await consortia.lettersOfCredit.transferClaim(
        id,
        account,
        progress(cli(), `transfer claim ${id}`),
      );
      printed(cli(), receipt, { claimId: id, to: account }, `transferred claim ${id} to ${account}`);
    });

  lc.command("show")
    .argument("<id>", "letter of credit id")
    .description("show an LC with what is still available")
    .action(async (idText: string) => {
      const id = parseId(idText, "letter of credit id");
      const consortia = await cli().consortia();
      const record = await readFound("letter of credit", id, () => consortia.lettersOfCredit.letterOfCredit(id));
      const format = consortia.token.format;
      const [available, amount, drawn, reserved] = await Promise.all([
        consortia.lettersOfCredit.available(id).then(format),
        format(record.amount),
        format(record.drawn),
        format(record.reserved),
      ]);
      const data = { ...record, amount, drawn, reserved, available };
      cli().out.result(data, () =>
        details({ ...data, expiry: formatDate(record.expiry), latestShipment: formatDate(record.latestShipment) }),
      );
    });
  lc.command("presentation")
    .argument("<presentation>", "presentation id")
    .description("show a presentation")
    .action(async (idText: string) => {
      const id = parseId(idText, "presentation id");
      const consortia = await cli().consortia();
      const record = await readFound("presentation", id, () => consortia.lettersOfCredit.presentation(id));
      // what the automatic checks found (absent from deployments made before them)
      const hasChecks = consortia.deployment.contracts.LcPresentationChecks !== undefined;
      const findings = hasChecks ? await consortia.lettersOfCredit.findings(id) : null;
      const backing = hasChecks ? await consortia.lettersOfCredit.backingOf(id) : null;
      const data = { ...record, amount: await consortia.token.format(record.amount), findings, backing };
      cli().out.result(data, () =>
        details({
          ...record,
          amount: data.amount,
          presentedAt: formatDate(record.presentedAt),
          examinationDeadline: formatDate(record.examinationDeadline),
          maturity: formatDate(record.maturity),
          ...(findings === null
            ? {}
            : {
                checked: findings.checked,
                chainFindings: findings.codes.join(", ") || "none",
                missingKinds: findings.missingKinds.join(", ") || "none",
                shipmentDate: findings.shipmentStated ? formatDate(findings.shipmentDate) : "not stated",
                backing: backing ?? "none",
              }),
        }),
      );
    });

  // --- interbank positions
  lc.command("credit-line")
    .argument("<grantee>", "bank granted the line (member)")
    .argument("<limit>", "limit, decimal")
    .description("set the credit line the signer's bank grants another bank")
    .action(async (grantee: string, limitText: string) => {
      const consortia = await cli().consortia({ sign: true });
      // A limit of 0 closes the line.
      const limit = await parseTokenAmount(consortia, limitText, "<limit>", { bits: 128, zero: true });
      const granteeId = await memberIdOf(consortia, grantee);
      const receipt = await consortia.lettersOfCredit.positions.setCreditLine(
        granteeId,
        limit,
        progress(cli(), `credit line to member ${granteeId}`),
      );
      printed(
        cli(),
        receipt,
        { grantee: granteeId, limit: limitText },
        `credit line to member ${granteeId} set to ${limitText}`,
      );
    });
  lc.command("settlement-account")
    .argument("<account>", "one of the bank's own accounts (address)")
    .option("--allowance <amount>", "also approve the positions contract to pull this much from the signer")
    .description("name the bank's netting settlement account")
    .action(async (accountText: string, options: { allowance?: string }) => {
      const account = parseAddress(accountText, "settlement account");
      const consortia = await cli().consortia({ sign: true });
      const allowance =
        options.allowance === undefined
          ? undefined
          : await parseTokenAmount(consortia, options.allowance, "--allowance", { zero: true });
      const receipt = await consortia.lettersOfCredit.positions.setSettlementAccount(
        account,
        progress(cli(), "set settlement account"),
      );
      if (allowance !== undefined) {
        await ensureAllowance(cli(), consortia, consortia.lettersOfCredit.positions.address, allowance);
      }
      printed(cli(), receipt, { account }, `settlement account set to ${account}`);
    });
  lc.command("propose-currency")
    .argument("<currency>", "ISO 4217 code or numeric code (USD or 840), not 0")
    .argument("<token>", "the deposit token obligations in it settle in (address)")
    .option("--description <text>", "what the proposal is for (its hash goes on chain)")
    .description("propose the governance vote that maps a currency to its deposit token (once; never remapped)")
    .action(async (currencyText: string, tokenText: string, options: { description?: string }) => {
      const currency = parseInterbankCurrency(currencyText);
      if (currency === 0) throw new UsageError("currency 0 is the settlement token's: it is never mapped");
      const token = parseAddress(tokenText, "token");
      const consortia = await cli().consortia({ sign: true });
      const text = options.description ?? `map currency ${interbankCurrencyLabel(currency)} to deposit token ${token}`;
      const { proposalId, receipt } = await consortia.lettersOfCredit.positions.proposeCurrencyToken(
        currency,
        token,
        text,
        progress(cli(), `propose currency ${currency}`),
      );
      printed(
        cli(),
        receipt,
        { proposalId, currency, token, description: text },
        `proposal ${proposalId} created: ${text}; voters approve with \`consortia member approve ${proposalId}\``,
      );
    });
  lc.command("currency")
    .argument("<currency>", "ISO 4217 code or numeric code (USD or 840; 0 for the settlement token)")
    .description("show the deposit token a currency's obligations settle in")
    .action(async (currencyText: string) => {
      const currency = parseInterbankCurrency(currencyText);
      const consortia = await cli().consortia();
      const token = await consortia.lettersOfCredit.positions.currencyToken(currency);
      const mapped = token !== "0x0000000000000000000000000000000000000000";
      cli().out.result({ currency, token: mapped ? token : null }, () =>
        mapped
          ? `${interbankCurrencyLabel(currency)} settles in deposit token ${token}`
          : `${interbankCurrencyLabel(currency)} has no deposit token: propose one with \`consortia lc propose-currency\``,
      );
    });
  lc.command("obligation")
    .argument("<creditor>", "bank owed (member)")
    .argument("<amount>", "amount, decimal")
    .requiredOption("--due <date>", "when it may be settled or netted")
    .option("--purpose <hash>", "what it is for")
    .option("--currency <code>", "its currency: ISO 4217 (USD or 840), 0 for the settlement token's", "0")
    .description(
      "record that the signer's bank owes another bank (against the creditor's line), in one currency: " +
        "each currency nets apart, in the deposit token governance mapped it to",
    )
    .action(
      async (creditor: string, amountText: string, options: { due: string; purpose?: string; currency: string }) => {
        const currency = parseInterbankCurrency(options.currency);
        const due = await parseDate(options.due, "due date", cli().chainTime);
        const purpose = await parseOptionalHash(options.purpose, "purpose");
        const consortia = await cli().consortia({ sign: true });
        const { decimals } = await currencyToken(consortia, currency);
        const amount = await parseTokenAmount(consortia, amountText, "<amount>", { bits: 128, decimals });
        const creditorId = await memberIdOf(consortia, creditor);
        const { obligationId, receipt } = await consortia.lettersOfCredit.positions.recordObligationIn(
          currency,
          creditorId,
          amount,
          due,
          purpose,
          progress(cli(), `record obligation to member ${creditorId}`),
        );
        const inCurrency = currency === 0 ? "" : ` ${interbankCurrencyLabel(currency)}`;
        printed(
          cli(),
          receipt,
          { obligationId, currency },
          `recorded obligation ${obligationId}: ${amountText}${inCurrency} to member ${creditorId}`,
        );
      },
    );
  lc.command("settle")
    .argument("<obligation>", "obligation id")
    .option("--reference <hash>", "off-chain payment reference (else paid in tokens)")
    .description("settle one due obligation gross (debtor)")
    .action(async (idText: string, options: { reference?: string }) => {
      const id = parseId(idText, "obligation id");
      const reference = await parseOptionalHash(options.reference, "payment reference");
      const consortia = await cli().consortia({ sign: true });
      if (options.reference === undefined) {
        const { amount, currency } = await consortia.lettersOfCredit.positions.obligation(id);
        const token = await currencyToken(consortia, currency);
        await token.ensureAllowance(cli(), consortia.lettersOfCredit.positions.address, amount);
      }
      const receipt = await consortia.lettersOfCredit.positions.settleObligation(
        id,
        reference,
        progress(cli(), `settle obligation ${id}`),
      );
      printed(cli(), receipt, { obligationId: id }, `settled obligation ${id}`);
    });
  lc.command("release")
    .argument("<obligation>", "obligation id")
    .description("release the debtor from an open obligation (creditor)")
    .action(async (idText: string) => {
      const id = parseId(idText, "obligation id");
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.lettersOfCredit.positions.releaseObligation(id, progress(cli(), `release ${id}`));
      printed(cli(), receipt, { obligationId: id }, `released obligation ${id}`);
    });
  lc.command("net")
    .argument("<obligations...>", "ids of open, due obligations")
    .description("net a batch of obligations: only each bank's net amount moves")
    .action(async (idTexts: string[]) => {
      const ids = idTexts.map((text) => parseId(text, "obligation id"));
      const consortia = await cli().consortia({ sign: true });
      const result = await consortia.lettersOfCredit.positions.runNetting(
        ids,
        progress(cli(), `net ${ids.length} obligations`),
      );
      const token = await currencyToken(consortia, result.currency);
      const rows = await Promise.all(
        result.banks.map(async (bank, index) => {
          const net = result.netPositions[index];
          const magnitude = await token.format(net < 0n ? -net : net);
          return { bank, net: `${net < 0n ? "-" : ""}${magnitude}`, minorUnits: net };
        }),
      );
      const excluded = await Promise.all(
        result.excluded.map(async (x) => ({
          bank: x.bank,
          shortfall: await token.format(x.shortfall),
          netDebit: x.netDebit,
          available: x.available,
          minorUnits: x.shortfall,
        })),
      );
      const leftOut =
        excluded.length === 0
          ? ""
          : `\nexcluded for a shortfall (their ${result.leftOpen.length} obligations stay open: ` +
            `${result.leftOpen.join(" ")})\n${table(excluded, ["bank", "shortfall"])}`;
      cli().out.result(
        {
          runId: result.runId,
          currency: result.currency,
          obligations: result.netted,
          leftOpen: result.leftOpen,
          positions: rows,
          excluded,
          transactionHash: result.receipt.hash,
        },
        () =>
          `netting run ${result.runId}${result.currency === 0 ? "" : ` in ${interbankCurrencyLabel(result.currency)}`} ` +
          `closed ${result.netted.length} obligations (tx ${result.receipt.hash})\n` +
          `${table(rows, ["bank", "net"])}${leftOut}`,
      );
    });
  lc.command("position")
    .argument("<obligation>", "obligation id")
    .description("show an obligation")
    .action(async (idText: string) => {
      const id = parseId(idText, "obligation id");
      const consortia = await cli().consortia();
      const record = await readFound("obligation", id, () => consortia.lettersOfCredit.positions.obligation(id));
      const token = await currencyToken(consortia, record.currency);
      const data = { ...record, amount: await token.format(record.amount) };
      cli().out.result(data, () =>
        details({ ...data, currency: interbankCurrencyLabel(record.currency), dueAt: formatDate(record.dueAt) }),
      );
    });

  registerApplicant(lc, cli);
  registerConfirmations(lc, cli);
  registerTransfers(lc, cli);
}
