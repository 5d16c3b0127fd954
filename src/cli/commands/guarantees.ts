/**
 * `consortia guarantee ...`: bank guarantees (apply, issue, amend, claim, pay, verify, release, expire), and the URDG
 * 758 steps of issue 19: counter-guarantees (counter-issue, counter-demand, counter-pay, counter-reject, chain),
 * extend-or-pay suspension (suspend), advance repayments (reduce) and documentary expiry (expiry-document, end).
 */
import type { Command } from "commander";
import { GUARANTEE_KIND, type GuaranteeKindName } from "@consortia/sdk";
import type { Cli } from "../context.js";
import { UsageError } from "../errors.js";
import { NotFoundError, readFound } from "../found.js";
import { details } from "../output.js";
import {
  collect,
  formatDate,
  parseCount,
  parseCurrency,
  parseDate,
  parseDocument,
  parseHash,
  parseId,
  parseTokenAmount,
  parseIndex,
  parseOptionalHash,
} from "../parse.js";
import { accountOf, ensureAllowance, printed } from "./parties.js";
import { progress } from "./shared.js";

function parseKind(value: string): GuaranteeKindName {
  const wanted = value.replace(/[-_\s]/g, "").toLowerCase();
  const match = GUARANTEE_KIND.find((kind) => kind.toLowerCase() === wanted);
  if (match === undefined)
    throw new UsageError(
      `unknown guarantee kind "${value}": expected bid, performance, advance-payment, warranty, payment or standby`,
    );
  return match;
}

export function register(program: Command, cli: () => Cli): void {
  const guarantee = program.command("guarantee").description("bank guarantees (demand guarantees, URDG 758)");

  guarantee
    .command("apply")
    .requiredOption("--guarantor <member>", "bank asked to issue (member or account)")
    .requiredOption("--beneficiary <member>", "beneficiary (member or account)")
    .requiredOption("--kind <kind>", "bid, performance, advance-payment, warranty, payment or standby (ISP98)")
    .requiredOption("--amount <amount>", "maximum amount, decimal")
    .option("--currency <code>", "ISO 4217 currency", "CNY")
    .requiredOption("--expiry <date>", "last moment a demand may be presented")
    .option("--examination-days <days>", "recorded only: demands are examined in business days (5; standby 3)", "5")
    .requiredOption("--terms <hash>", "hash of the guarantee text")
    .option("--tender <hash>", "hash of the tender or contract reference")
    .option("--reduction <date=amount>", "reduction step: from date on at most amount (repeat)", collect, [])
    .description("apply for a guarantee (applicant, GUARANTEE_PARTY)")
    .action(
      async (options: {
        guarantor: string;
        beneficiary: string;
        kind: string;
        amount: string;
        currency: string;
        expiry: string;
        examinationDays: string;
        terms: string;
        tender?: string;
        reduction: string[];
      }) => {
        const kind = parseKind(options.kind);
        const currency = parseCurrency(options.currency);
        const expiry = await parseDate(options.expiry, "expiry", cli().chainTime);
        const examinationPeriod = parseCount(options.examinationDays, "examination days", 3650) * 86_400;
        const termsHash = await parseHash(options.terms, "terms hash");
        const tenderReference = await parseOptionalHash(options.tender, "tender reference");
        const steps = await Promise.all(
          options.reduction.map(async (step) => {
            const [date, amount] = step.split("=");
            if (amount === undefined) throw new UsageError(`malformed reduction "${step}": expected <date>=<amount>`);
            return { date: await parseDate(date, "reduction date", cli().chainTime), amount };
          }),
        );
        const consortia = await cli().consortia({ sign: true });
        const schedule = await Promise.all(
          // A step may bring the maximum down to 0 (nothing claimable from its date on).
          steps.map(async (step) => ({
            date: step.date,
            amount: await parseTokenAmount(consortia, step.amount, "--reduction amount", { bits: 128, zero: true }),
          })),
        );
        const { guaranteeId, receipt } = await consortia.guarantees.applyFor(
          {
            guarantor: await accountOf(consortia, options.guarantor, "guarantor"),
            beneficiary: await accountOf(consortia, options.beneficiary, "beneficiary"),
            kind,
            currency,
            amount: await parseTokenAmount(consortia, options.amount, "--amount", { bits: 128 }),
            expiry,
            examinationPeriod,
            termsHash,
            tenderReference,
            schedule,
          },
          progress(cli(), "apply for guarantee"),
        );
        printed(cli(), receipt, { guaranteeId }, `applied: guarantee ${guaranteeId} awaits the bank`);
      },
    );

  const oneStep = (
    name: string,
    description: string,
    step: (id: bigint, label: string) => Promise<import("ethers").ContractTransactionReceipt>,
    done: string,
  ) =>
    guarantee
      .command(name)
      .argument("<id>", "guarantee id")
      .description(description)
      .action(async (idText: string) => {
        const id = parseId(idText, "guarantee id");
        const receipt = await step(id, `${name} guarantee ${id}`);
        printed(cli(), receipt, { guaranteeId: id }, `${done} guarantee ${id}`);
      });
  const client = async () => (await cli().consortia({ sign: true })).guarantees;

  oneStep(
    "cancel",
    "withdraw an application before issue (applicant)",
    async (id, label) => (await client()).cancel(id, progress(cli(), label)),
    "cancelled",
  );

  guarantee
    .command("issue")
    .argument("<id>", "guarantee id")
    .requiredOption("--reference <hash>", "reference id: hash of the bank's guarantee number (what verify takes)")
    .description("issue an applied guarantee (guarantor)")
    .action(async (idText: string, options: { reference: string }) => {
      const id = parseId(idText, "guarantee id");
      const reference = await parseHash(options.reference, "reference");
      const receipt = await (await client()).issue(id, reference, progress(cli(), `issue guarantee ${id}`));
      printed(cli(), receipt, { guaranteeId: id, referenceId: reference }, `issued guarantee ${id} under ${reference}`);
    });
  guarantee
    .command("decline")
    .argument("<id>", "guarantee id")
    .option("--reason <hash>", "hash of the reasons")
    .description("decline an application (guarantor)")
    .action(async (idText: string, options: { reason?: string }) => {
      const id = parseId(idText, "guarantee id");
      const reason = await parseOptionalHash(options.reason, "reason");
      const receipt = await (await client()).decline(id, reason, progress(cli(), `decline guarantee ${id}`));
      printed(cli(), receipt, { guaranteeId: id }, `declined guarantee ${id}`);
    });
  guarantee
    .command("amend")
    .argument("<id>", "guarantee id")
    .requiredOption("--amount <amount>", "amount once accepted")
    .requiredOption("--expiry <date>", "expiry once accepted")
    .requiredOption("--hash <hash>", "hash of the amendment text")
    .description("propose an amendment (guarantor); binds once the beneficiary accepts")
    .action(async (idText: string, options: { amount: string; expiry: string; hash: string }) => {
      const id = parseId(idText, "guarantee id");
      const expiry = await parseDate(options.expiry, "expiry", cli().chainTime);
      const amendmentHash = await parseHash(options.hash, "amendment hash");
      const consortia = await cli().consortia({ sign: true });
      const amount = await parseTokenAmount(consortia, options.amount, "--amount", { bits: 128 });
      const { number, receipt } = await consortia.guarantees.proposeAmendment(
        id,
        { amount, expiry, amendmentHash },
        progress(cli(), `amend guarantee ${id}`),
      );
      printed(cli(), receipt, { guaranteeId: id, number }, `proposed amendment ${number} of guarantee ${id}`);
    });
  oneStep(
    "amend-withdraw",
    "withdraw the pending amendment (guarantor)",
    async (id, label) => (await client()).withdrawAmendment(id, progress(cli(), label)),
    "withdrew the amendment of",
  );
  oneStep(
    "amend-accept",
    "accept the pending amendment (beneficiary)",
    async (id, label) => (await client()).answerAmendment(id, true, progress(cli(), label)),
    "accepted the amendment of",
  );
  oneStep(
    "amend-refuse",
    "refuse the pending amendment (beneficiary)",
    async (id, label) => (await client()).answerAmendment(id, false, progress(cli(), label)),
    "refused the amendment of",
  );

  guarantee
    .command("claim")
    .argument("<id>", "guarantee id")
    .argument("<amount>", "amount demanded, decimal")
    .requiredOption("--demand <hash>", "hash of the signed demand statement")
    .option("--document <kind=hash[@uri]>", "a supporting document (repeat)", collect, [])
    .option("--extend-to <date>", "extend or pay: the later expiry accepted instead of payment")
    .description("present a demand (beneficiary)")
    .action(
      async (
        idText: string,
        amountText: string,
        options: { demand: string; document: string[]; extendTo?: string },
      ) => {
        const id = parseId(idText, "guarantee id");
        const demandHash = await parseHash(options.demand, "demand hash");
        const documents = await Promise.all(options.document.map(parseDocument));
        const extendTo =
          options.extendTo === undefined ? 0n : await parseDate(options.extendTo, "extend-to date", cli().chainTime);
        const consortia = await cli().consortia({ sign: true });
        const amount = await parseTokenAmount(consortia, amountText, "<amount>", { bits: 128 });
        const { claimIndex, examinationDeadline, receipt } = await consortia.guarantees.presentClaim(
          id,
          { amount, demandHash, documents, extendTo },
          progress(cli(), `claim ${amountText} on guarantee ${id}`),
        );
        printed(
          cli(),
          receipt,
          { guaranteeId: id, claimIndex, examinationDeadline },
          `presented demand ${claimIndex} on guarantee ${id}, examination deadline ${formatDate(examinationDeadline)}`,
        );
      },
    );

  const claimStep = (name: string, description: string) =>
    guarantee
      .command(name)
      .argument("<id>", "guarantee id")
      .argument("<claim>", "demand index (from 0)")
      .description(description);
  claimStep("pay", "pay a demand (guarantor): in tokens (approving the contract as needed) or off chain")
    .option("--reference <hash>", "off-chain payment reference")
    .action(async (idText: string, claimText: string, options: { reference?: string }) => {
      const id = parseId(idText, "guarantee id");
      const claimIndex = parseIndex(claimText, "demand index");
      const reference = await parseOptionalHash(options.reference, "payment reference");
      const consortia = await cli().consortia({ sign: true });
      const { amount } = await consortia.guarantees.claim(id, claimIndex);
      if (options.reference === undefined)
        await ensureAllowance(cli(), consortia, consortia.guarantees.address, amount);
      const receipt = await consortia.guarantees.payClaim(
        id,
        claimIndex,
        reference,
        progress(cli(), `pay demand ${claimIndex}`),
      );
      const shown = await consortia.token.format(amount);
      printed(
        cli(),
        receipt,
        { guaranteeId: id, claimIndex, amount: shown },
        `paid ${shown} on demand ${claimIndex} of guarantee ${id}`,
      );
    });
  claimStep("reject", "reject a demand within the examination period (guarantor)")
    .requiredOption("--reason <hash>", "hash of the notice listing every reason")
    .action(async (idText: string, claimText: string, options: { reason: string }) => {
      const id = parseId(idText, "guarantee id");
      const claimIndex = parseIndex(claimText, "demand index");
      const reason = await parseHash(options.reason, "reason");
      const receipt = await (
        await client()
      ).rejectClaim(id, claimIndex, reason, progress(cli(), `reject demand ${claimIndex}`));
      printed(cli(), receipt, { guaranteeId: id, claimIndex }, `rejected demand ${claimIndex} of guarantee ${id}`);
    });
  claimStep("extend", "answer an extend-or-pay demand by extending (guarantor)").action(
    async (idText: string, claimText: string) => {
      const id = parseId(idText, "guarantee id");
      const claimIndex = parseIndex(claimText, "demand index");
      const receipt = await (
        await client()
      ).extendInsteadOfPaying(id, claimIndex, progress(cli(), `extend guarantee ${id}`));
      printed(
        cli(),
        receipt,
        { guaranteeId: id, claimIndex },
        `extended guarantee ${id} instead of paying demand ${claimIndex}`,
      );
    },
  );
  claimStep("withdraw-claim", "withdraw a demand under examination (beneficiary)").action(
    async (idText: string, claimText: string) => {
      const id = parseId(idText, "guarantee id");
      const claimIndex = parseIndex(claimText, "demand index");
      const receipt = await (
        await client()
      ).withdrawClaim(id, claimIndex, progress(cli(), `withdraw demand ${claimIndex}`));
      printed(cli(), receipt, { guaranteeId: id, claimIndex }, `withdrew demand ${claimIndex} of guarantee ${id}`);
    },
  );
  claimStep(
    "suspend",
    "suspend payment of an extend-or-pay demand, at most 30 days after it (guarantor, URDG 758 art. 23)",
  )
    .requiredOption("--until <date>", "end of the suspension")
    .action(async (idText: string, claimText: string, options: { until: string }) => {
      const id = parseId(idText, "guarantee id");
      const claimIndex = parseIndex(claimText, "demand index");
      const until = await parseDate(options.until, "until", cli().chainTime);
      const receipt = await (
        await client()
      ).suspendForExtension(id, claimIndex, until, progress(cli(), `suspend demand ${claimIndex}`));
      printed(
        cli(),
        receipt,
        { guaranteeId: id, claimIndex, until: Number(until) },
        `suspended payment of demand ${claimIndex} of guarantee ${id} until ${formatDate(Number(until))}`,
      );
    });
  guarantee
    .command("reduce")
    .argument("<id>", "guarantee id")
    .argument("<repaid>", "advance repaid, decimal")
    .requiredOption("--evidence <hash>", "hash of the evidence of repayment")
    .description("record a repayment of the advance: the amount falls by it (guarantor, advance payment, art. 13)")
    .action(async (idText: string, repaidText: string, options: { evidence: string }) => {
      const id = parseId(idText, "guarantee id");
      const evidence = await parseHash(options.evidence, "evidence");
      const consortia = await cli().consortia({ sign: true });
      const repaid = await parseTokenAmount(consortia, repaidText, "<repaid>", { bits: 128 });
      const receipt = await consortia.guarantees.recordReduction(id, repaid, evidence, progress(cli(), `reduce ${id}`));
      printed(cli(), receipt, { guaranteeId: id, repaid: repaidText }, `reduced guarantee ${id} by ${repaidText}`);
    });
  guarantee
    .command("expiry-document")
    .argument("<id>", "guarantee id")
    .argument("<hash>", "hash of the certificate whose presentation ends the guarantee")
    .description("name the expiry certificate before issue (applicant, URDG 758 art. 25a iii)")
    .action(async (idText: string, hashText: string) => {
      const id = parseId(idText, "guarantee id");
      const documentHash = await parseHash(hashText, "certificate hash");
      const receipt = await (
        await client()
      ).nameExpiryDocument(id, documentHash, progress(cli(), `name expiry document of ${id}`));
      printed(
        cli(),
        receipt,
        { guaranteeId: id, documentHash },
        `guarantee ${id} ends when ${documentHash} is presented`,
      );
    });
  guarantee
    .command("end")
    .argument("<id>", "guarantee id")
    .argument("<hash>", "hash of the certificate named at issue")
    .description("present the expiry certificate: the guarantee expires (applicant or guarantor)")
    .action(async (idText: string, hashText: string) => {
      const id = parseId(idText, "guarantee id");
      const documentHash = await parseHash(hashText, "certificate hash");
      const receipt = await (
        await client()
      ).presentExpiryDocument(id, documentHash, progress(cli(), `present expiry document of ${id}`));
      printed(cli(), receipt, { guaranteeId: id, documentHash }, `guarantee ${id} expired on its documentary event`);
    });

  // --- counter-guarantees (URDG 758 art. 2, 15b)
  guarantee
    .command("counter-issue")
    .argument("<id>", "the guarantee it backs")
    .requiredOption("--amount <amount>", "maximum amount, decimal")
    .requiredOption("--expiry <date>", "last moment the guarantor may demand")
    .option("--examination-days <days>", "days the instructing bank has to examine a demand", "5")
    .requiredOption("--terms <hash>", "hash of the counter-guarantee text")
    .description("issue a counter-guarantee in favour of the guarantor (instructing bank, GUARANTOR)")
    .action(
      async (idText: string, options: { amount: string; expiry: string; examinationDays: string; terms: string }) => {
        const id = parseId(idText, "guarantee id");
        const expiry = await parseDate(options.expiry, "expiry", cli().chainTime);
        const termsHash = await parseHash(options.terms, "terms hash");
        const days = parseCount(options.examinationDays, "--examination-days");
        const consortia = await cli().consortia({ sign: true });
        const amount = await parseTokenAmount(consortia, options.amount, "--amount", { bits: 128 });
        const receipt = await consortia.guarantees.issueCounterGuarantee(
          id,
          { amount, expiry, examinationPeriod: days * 86_400, termsHash },
          progress(cli(), `counter-guarantee ${id}`),
        );
        printed(cli(), receipt, { guaranteeId: id }, `issued a counter-guarantee backing guarantee ${id}`);
      },
    );
  guarantee
    .command("counter-demand")
    .argument("<id>", "guarantee id")
    .argument("<claim>", "the paid demand under the guarantee (index)")
    .argument("<amount>", "amount demanded, decimal")
    .requiredOption("--statement <hash>", "hash of the statement that a complying demand was received (art. 15b)")
    .description("demand under the counter-guarantee after paying a complying demand (guarantor)")
    .action(async (idText: string, claimText: string, amountText: string, options: { statement: string }) => {
      const id = parseId(idText, "guarantee id");
      const claimIndex = parseIndex(claimText, "demand index");
      const statement = await parseHash(options.statement, "statement");
      const consortia = await cli().consortia({ sign: true });
      const amount = await parseTokenAmount(consortia, amountText, "<amount>", { bits: 128 });
      const receipt = await consortia.guarantees.demandUnderCounterGuarantee(
        id,
        claimIndex,
        amount,
        statement,
        progress(cli(), `counter-demand on guarantee ${id}`),
      );
      printed(
        cli(),
        receipt,
        { guaranteeId: id, claimIndex },
        `demanded ${amountText} under the counter-guarantee of guarantee ${id}`,
      );
    });
  guarantee
    .command("counter-pay")
    .argument("<id>", "guarantee id")
    .option("--reference <hash>", "off-chain payment reference")
    .description("pay the demand under the counter-guarantee (instructing bank)")
    .action(async (idText: string, options: { reference?: string }) => {
      const id = parseId(idText, "guarantee id");
      const reference = await parseOptionalHash(options.reference, "payment reference");
      const consortia = await cli().consortia({ sign: true });
      const counter = await consortia.guarantees.counterGuarantee(id);
      const amount = counter.demand?.amount ?? 0n;
      if (options.reference === undefined && amount !== 0n)
        await ensureAllowance(cli(), consortia, consortia.guarantees.address, amount);
      const receipt = await consortia.guarantees.payCounterDemand(id, reference, progress(cli(), `counter-pay ${id}`));
      const shown = await consortia.token.format(amount);
      printed(cli(), receipt, { guaranteeId: id, amount: shown }, `paid ${shown} under the counter-guarantee of ${id}`);
    });
  guarantee
    .command("counter-reject")
    .argument("<id>", "guarantee id")
    .requiredOption("--reason <hash>", "hash of the notice")
    .description("reject the demand under the counter-guarantee within the examination period (instructing bank)")
    .action(async (idText: string, options: { reason: string }) => {
      const id = parseId(idText, "guarantee id");
      const reason = await parseHash(options.reason, "reason");
      const receipt = await (await client()).rejectCounterDemand(id, reason, progress(cli(), `counter-reject ${id}`));
      printed(cli(), receipt, { guaranteeId: id }, `rejected the demand under the counter-guarantee of ${id}`);
    });
  guarantee
    .command("chain")
    .argument("<id>", "guarantee id")
    .description("show a guarantee, its counter-guarantee and its demands as one chain")
    .action(async (idText: string) => {
      const id = parseId(idText, "guarantee id");
      const consortia = await cli().consortia();
      const record = await readFound("guarantee", id, () => consortia.guarantees.guarantee(id));
      const counter = await consortia.guarantees.counterGuarantee(id);
      const format = consortia.token.format;
      const demands: { index: number; state: string; amount: string; suspendedUntil: number }[] = [];
      for (let i = 0n; i < BigInt(record.claimCount); i++) {
        const claim = await consortia.guarantees.claim(id, i);
        demands.push({
          index: Number(i),
          state: claim.state,
          amount: await format(claim.amount),
          suspendedUntil: await consortia.guarantees.suspendedUntil(id, i),
        });
      }
      const data = {
        guarantee: { id: String(id), kind: record.kind, state: record.state, guarantor: record.guarantor },
        counterGuarantee:
          counter.state === "None"
            ? null
            : {
                instructingBank: counter.instructingBank,
                state: counter.state,
                amount: await format(counter.amount),
                paid: await format(counter.paid),
                expiry: counter.expiry,
              },
        demands,
      };
      cli().out.result(data, () =>
        [
          `guarantee ${id}: ${record.kind}, ${record.state}, guarantor member ${record.guarantor}`,
          data.counterGuarantee === null
            ? "  no counter-guarantee"
            : `  counter-guarantee by member ${data.counterGuarantee.instructingBank}: ${data.counterGuarantee.state}, ` +
              `${data.counterGuarantee.paid} of ${data.counterGuarantee.amount} paid, expires ${formatDate(counter.expiry)}`,
          ...demands.map((d) => `  demand ${d.index}: ${d.amount}, ${d.state}`),
        ].join("\n"),
      );
    });
  oneStep(
    "release",
    "release the bank from the guarantee (beneficiary)",
    async (id, label) => (await client()).release(id, progress(cli(), label)),
    "released",
  );
  oneStep(
    "expire",
    "close an issued guarantee after its expiry",
    async (id, label) => (await client()).expire(id, progress(cli(), label)),
    "closed",
  );

  guarantee
    .command("show")
    .argument("<id>", "guarantee id")
    .description("show a guarantee")
    .action(async (idText: string) => {
      const id = parseId(idText, "guarantee id");
      const consortia = await cli().consortia();
      const record = await readFound("guarantee", id, () => consortia.guarantees.guarantee(id));
      const format = consortia.token.format;
      const data = {
        ...record,
        amount: await format(record.amount),
        paid: await format(record.paid),
        available: await format(record.available),
      };
      cli().out.result(data, () => details({ ...data, expiry: formatDate(record.expiry) }));
    });
  guarantee
    .command("verify")
    .argument("<reference>", "reference id (hash of the guarantee number)")
    .description("verify a guarantee by its reference: genuine, in force, amount available")
    .action(async (referenceText: string) => {
      const reference = await parseHash(referenceText, "reference");
      const consortia = await cli().consortia();
      const result = await consortia.guarantees.verify(reference);
      // Nothing issued under the reference is "not found" (exit 2, as for an unknown certificate): a script that
      // checks the exit code never takes a forged reference for a genuine guarantee.
      if (!result.genuine) throw new NotFoundError("guarantee", reference);
      const format = consortia.token.format;
      const data = { ...result, amount: await format(result.amount), available: await format(result.available) };
      cli().out.result(data, () => details({ ...data, expiry: formatDate(result.expiry) }));
    });
}
