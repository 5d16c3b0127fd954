/**
 * `consortia attest ...`: authority attestations (tax bureau, customs, court, business registry, warehouse) on keyed
 * identifiers, and `consortia policy ...`: the attestation kinds a bank requires before it finances.
 */
import type { Command } from "commander";
import {
  ATTESTATION_KINDS,
  FINANCING_APPLICATIONS,
  type AttestationKindName,
  type FinancingApplicationName,
} from "@consortia/sdk";
import type { Cli } from "../context.js";
import { UsageError } from "../errors.js";
import { details } from "../output.js";
import { parseBytes32, parseCurrency, parseDate, parseHash, parseId } from "../parse.js";
import { memberIdOf, printed } from "./parties.js";
import { progress } from "./shared.js";

function parseAttestationKind(value: string): AttestationKindName {
  const kind = ATTESTATION_KINDS.find((k) => k.toLowerCase() === value.trim().toLowerCase());
  if (kind === undefined)
    throw new UsageError(`unknown attestation kind "${value}": one of ${ATTESTATION_KINDS.join(", ")}`);
  return kind;
}

function parseApplication(value: string): FinancingApplicationName {
  const application = FINANCING_APPLICATIONS.find((a) => a.toLowerCase() === value.trim().toLowerCase());
  if (application === undefined) {
    throw new UsageError(`unknown financing application "${value}": one of ${FINANCING_APPLICATIONS.join(", ")}`);
  }
  return application;
}

interface AttestOptions {
  evidence: string;
  from?: string;
  until: string;
  factDate?: string;
  amount?: string;
  currency?: string;
}

export function register(program: Command, cli: () => Cli): void {
  const attest = program
    .command("attest")
    .description("authority attestations on keyed identifiers (tax, customs, court, business registry, warehouse)");

  attest
    .command("add")
    .argument("<kind>", `what is attested: ${ATTESTATION_KINDS.join(", ")}`)
    .argument("<subjectKey>", "the keyed identifier (invoice key, company key): 0x + 64 hex digits")
    .requiredOption("--evidence <hash>", "hash of the authority's record: 0x…, file:<path> or json:<path>")
    .option("--from <date>", "start of validity (default: now)")
    .requiredOption("--until <date>", "end of validity: ISO date, unix seconds or +90d")
    .option("--fact-date <date>", "date of the fact (export declaration date; required for ExportDeclaration)")
    .option("--amount <minor>", "amount in minor units (export declaration, warehouse receipt)")
    .option("--currency <code>", "ISO 4217 code of the amount")
    .description("attest a fact (your member must hold the kind's authority role)")
    .action(async (kindText: string, subjectText: string, options: AttestOptions) => {
      const consortia = await cli().consortia({ sign: true });
      const kind = parseAttestationKind(kindText);
      const subjectKey = parseBytes32(subjectText, "subject key");
      const clock = cli().chainTime;
      const validFrom = options.from === undefined ? await clock() : await parseDate(options.from, "--from", clock);
      const validUntil = await parseDate(options.until, "--until", clock);
      const factDate =
        options.factDate === undefined ? 0 : Number(await parseDate(options.factDate, "--fact-date", clock));
      if (options.amount !== undefined && !/^\d+$/.test(options.amount)) {
        throw new UsageError(`malformed --amount "${options.amount}": expected a whole number of minor units`);
      }
      const { attestationId, receipt } = await consortia.attestations.attest(
        {
          kind,
          subjectKey,
          evidenceHash: await parseHash(options.evidence, "--evidence"),
          validFrom: Number(validFrom),
          validUntil: Number(validUntil),
          factDate,
          amount: options.amount === undefined ? 0n : BigInt(options.amount),
          currency: options.currency === undefined ? undefined : parseCurrency(options.currency),
        },
        progress(cli(), `attest ${kind}`),
      );
      printed(
        cli(),
        receipt,
        { attestationId, kind, subjectKey },
        `attestation ${attestationId}: ${kind} on ${subjectKey}`,
      );
    });

  attest
    .command("revoke")
    .argument("<id>", "the attestation")
    .requiredOption("--reason <hash>", "hash of the reasons: 0x…, file:<path> or json:<path>")
    .description("revoke an attestation of your member")
    .action(async (idText: string, options: { reason: string }) => {
      const consortia = await cli().consortia({ sign: true });
      const id = parseId(idText, "attestation id");
      const reason = await parseHash(options.reason, "--reason");
      const receipt = await consortia.attestations.revoke(id, reason, progress(cli(), `revoke attestation ${id}`));
      printed(cli(), receipt, { attestationId: id, reasonHash: reason }, `revoked attestation ${id}`);
    });

  attest
    .command("show")
    .argument("<id>", "the attestation")
    .description("an attestation and whether it is valid now")
    .action(async (idText: string) => {
      const consortia = await cli().consortia();
      const id = parseId(idText, "attestation id");
      const a = await consortia.attestations.attestationOf(id);
      if (a.attester === 0) throw new UsageError(`no attestation ${id}`);
      const data = {
        ...a,
        id: String(a.id),
        amount: String(a.amount),
        valid: await consortia.attestations.isValid(id),
      };
      cli().out.result(data, () => details(data));
    });

  const policy = program
    .command("policy")
    .description("the attestation kinds your bank requires before it finances, per financing application");

  policy
    .command("set")
    .argument("<application>", `the financing step: ${FINANCING_APPLICATIONS.join(", ")}`)
    .argument("[kinds...]", "attestation kinds required (none: no requirement)")
    .description("set your bank's policy for a financing application (its financing role)")
    .action(async (applicationText: string, kindTexts: string[]) => {
      const consortia = await cli().consortia({ sign: true });
      const application = parseApplication(applicationText);
      const kinds = kindTexts.map(parseAttestationKind);
      const receipt = await consortia.attestations.setPolicy(
        application,
        kinds,
        progress(cli(), `set ${application} policy`),
      );
      printed(
        cli(),
        receipt,
        { application, kinds },
        `your bank requires ${kinds.join(", ") || "nothing"} for ${application}`,
      );
    });

  policy
    .command("check")
    .argument("<bank>", "the bank: member id, name or account")
    .argument("<application>", `the financing step: ${FINANCING_APPLICATIONS.join(", ")}`)
    .argument("<subjectKey>", "the keyed identifier the financing concerns")
    .description("whether the bank's policy lets it finance the subject now (names the missing kind otherwise)")
    .action(async (bankRef: string, applicationText: string, subjectText: string) => {
      const consortia = await cli().consortia();
      const bank = await memberIdOf(consortia, bankRef);
      const application = parseApplication(applicationText);
      const subjectKey = parseBytes32(subjectText, "subject key");
      const [required, missing] = await Promise.all([
        consortia.attestations.policyOf(bank, application),
        consortia.attestations.missingKind(bank, application, subjectKey),
      ]);
      const data = { bank, application, subjectKey, required, backed: missing === undefined, missing: missing ?? null };
      cli().out.result(data, () => details({ ...data, required: required.join(", ") || "-" }));
    });
}
