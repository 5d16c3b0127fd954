/**
 * `consortia blacklist ...`: the shared credit blacklist. The consortium key (subject keys) comes from the environment
 * (`CONSORTIA_CONSORTIUM_KEY`), never from arguments; the payload store is a directory (`--store`, default
 * `CONSORTIA_PAYLOAD_STORE` or `payloads`).
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import {
  createFileSystemPayloadStore,
  CREDIT_CATEGORY,
  CREDIT_SUBJECT_KIND,
  type CreditCategory,
  type CreditContent,
  type CreditSubjectKind,
  deriveSubjectKey,
  SUBJECT_KINDS,
  type SubjectKind,
} from "@consortia/sdk";
import type { Cli } from "../context.js";
import { ConfigError, UsageError } from "../errors.js";
import { table } from "../output.js";
import { formatDate, parseBytes32, parseCount, parseDate, parseHash, parseOptionalHash } from "../parse.js";
import { memberIdOf, printed } from "./parties.js";
import { progress } from "./shared.js";
import { readStdin } from "../stdin.js";

interface SubjectOptions {
  subject?: string;
  idKind?: string;
  id?: string;
}

function named<T extends string>(labels: readonly T[], value: string, what: string): T {
  const wanted = value.replace(/[-_\s]/g, "").toLowerCase();
  const match = labels.slice(1).find((label) => label.toLowerCase() === wanted);
  if (match === undefined)
    throw new UsageError(`unknown ${what} "${value}": expected one of ${labels.slice(1).join(", ")}`);
  return match;
}

/** `--id -`: the identifier comes from standard input. */
const STDIN = "-";

/**
 * The subject key: given (`--subject 0x…`), or derived from `--id-kind`/`--id` with the consortium key; `--id -` reads
 * the identifier from standard input, so that a person's identifier is not left in the shell history.
 */
async function subjectKeyOf(options: SubjectOptions): Promise<string> {
  if (options.subject !== undefined) {
    if (options.id !== undefined) throw new UsageError("give --subject or --id, not both");
    return parseBytes32(options.subject, "subject key");
  }
  if (options.id === undefined)
    throw new UsageError("give the subject: --subject <key>, or --id-kind <kind> --id <number>");
  const kind = (options.idKind ?? "resident-id") as SubjectKind;
  if (!SUBJECT_KINDS.includes(kind))
    throw new UsageError(`unknown identifier kind "${options.idKind}": expected ${SUBJECT_KINDS.join(", ")}`);
  const consortiumKey = process.env.CONSORTIA_CONSORTIUM_KEY;
  if (consortiumKey === undefined || consortiumKey === "") {
    throw new ConfigError("set CONSORTIA_CONSORTIUM_KEY (hex) to derive subject keys from identifiers");
  }
  const id = options.id === STDIN ? await readStdin("identifier, then Enter and Ctrl-D: ") : options.id;
  if (id === "") throw new UsageError("--id -: standard input held no identifier");
  try {
    return deriveSubjectKey({ consortiumKey: consortiumKey as `0x${string}`, kind, value: id });
  } catch (error) {
    const name = (error as Error).name;
    if (name === "InvalidConsortiumKeyError")
      throw new ConfigError(`CONSORTIA_CONSORTIUM_KEY: ${(error as Error).message}`);
    throw new UsageError((error as Error).message);
  }
}

const subjectOptions = (command: Command) =>
  command
    .option("--subject <key>", "subject key (0x + 64 hex)")
    .option("--id-kind <kind>", `identifier kind: ${SUBJECT_KINDS.join(", ")}`, "resident-id")
    .option(
      "--id <number>",
      "identifier (derives the subject key with CONSORTIA_CONSORTIUM_KEY); - reads it from stdin",
    );

interface ContentOptions {
  category: string;
  severity: string;
  expires: string;
  evidence: string;
  payload: string;
  readers?: string;
  store?: string;
}

const contentOptions = (command: Command) =>
  command
    .requiredOption("--category <category>", `why: ${CREDIT_CATEGORY.slice(1).join(", ")}`)
    .requiredOption("--severity <n>", "1 (lowest) to 5")
    .requiredOption("--expires <date>", "when the entry stops being returned (at most 5 years after the report)")
    .requiredOption("--evidence <hash>", "hash of the evidence the reporter keeps: 0x…, file:<path> or json:<path>")
    .requiredOption("--payload <file>", "details to seal for --readers and the regulator (only hashes go on chain)")
    .option("--readers <members>", "members who may read the payload (comma separated; the regulator is added)")
    .option("--store <dir>", "payload store directory (default CONSORTIA_PAYLOAD_STORE or ./payloads)");

async function parseContent(cli: Cli, options: ContentOptions) {
  const category: CreditCategory = named(CREDIT_CATEGORY, options.category, "category");
  const severity = parseCount(options.severity, "severity", 255);
  const expiresAt = await parseDate(options.expires, "expiry", cli.chainTime);
  const evidenceHash = await parseHash(options.evidence, "evidence hash");
  let plaintext: Uint8Array;
  try {
    plaintext = new Uint8Array(await readFile(options.payload));
  } catch (error) {
    throw new UsageError(`cannot read payload ${options.payload}: ${(error as Error).message}`);
  }
  const readerRefs = (options.readers ?? "").split(",").filter((reader) => reader.trim() !== "");
  return async (consortia: Awaited<ReturnType<Cli["consortia"]>>): Promise<CreditContent> => {
    const signer = await (await cli.signer()).getAddress();
    const self = await consortia.registry.memberOf(signer);
    const readers = await Promise.all(readerRefs.map((reference) => memberIdOf(consortia, reference)));
    const store = createFileSystemPayloadStore(options.store ?? process.env.CONSORTIA_PAYLOAD_STORE ?? "payloads");
    const payload = { plaintext, readers: self === undefined ? readers : [self, ...readers], store };
    return { category, severity, expiresAt, evidenceHash, payload };
  };
}

export function register(program: Command, cli: () => Cli): void {
  const blacklist = program
    .command("blacklist")
    .description("the shared credit blacklist (keyed subjects, logged queries)");

  subjectOptions(contentOptions(blacklist.command("report")))
    .requiredOption("--kind <kind>", "person or company")
    .description("report a new entry (CREDIT_REPORTER)")
    .action(async (options: SubjectOptions & ContentOptions & { kind: string }) => {
      const subjectKey = await subjectKeyOf(options);
      const kind: CreditSubjectKind = named(CREDIT_SUBJECT_KIND, options.kind, "subject kind");
      const content = await parseContent(cli(), options);
      const consortia = await cli().consortia({ sign: true });
      const result = await consortia.credit.report(
        { subjectKey },
        kind,
        await content(consortia),
        progress(cli(), "report entry"),
      );
      printed(
        cli(),
        result.receipt,
        {
          subjectKey,
          number: result.number,
          payloadHash: result.payloadHash,
          payloadLocationHash: result.payloadLocationHash,
        },
        `reported entry ${result.number} of subject ${subjectKey}`,
      );
    });

  contentOptions(blacklist.command("update"))
    .argument("<subject>", "subject key")
    .argument("<number>", "entry number")
    .description("record a new version of an active entry (its reporter)")
    .action(async (subjectText: string, numberText: string, options: ContentOptions) => {
      const subjectKey = parseBytes32(subjectText, "subject key");
      const number = parseCount(numberText, "entry number", 2 ** 32 - 1);
      const content = await parseContent(cli(), options);
      const consortia = await cli().consortia({ sign: true });
      const result = await consortia.credit.update(
        subjectKey,
        number,
        await content(consortia),
        progress(cli(), `update entry ${number}`),
      );
      printed(
        cli(),
        result.receipt,
        { subjectKey, number, version: result.version },
        `entry ${number} is now version ${result.version}`,
      );
    });

  const entryStep = (name: string, description: string) =>
    blacklist
      .command(name)
      .argument("<subject>", "subject key")
      .argument("<number>", "entry number")
      .description(description);
  const entryArgs = (subjectText: string, numberText: string) => ({
    subjectKey: parseBytes32(subjectText, "subject key"),
    number: parseCount(numberText, "entry number", 2 ** 32 - 1),
  });

  entryStep("revoke", "revoke an entry for good (its reporter)")
    .option("--reason <hash>", "hash of why")
    .action(async (subjectText: string, numberText: string, options: { reason?: string }) => {
      const { subjectKey, number } = entryArgs(subjectText, numberText);
      const reason = await parseOptionalHash(options.reason, "reason");
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.credit.revoke(
        subjectKey,
        number,
        reason,
        progress(cli(), `revoke entry ${number}`),
      );
      printed(cli(), receipt, { subjectKey, number }, `revoked entry ${number}`);
    });
  entryStep("dispute", "dispute an entry (any member but its reporter)")
    .requiredOption("--reason <hash>", "hash of the grounds")
    .action(async (subjectText: string, numberText: string, options: { reason: string }) => {
      const { subjectKey, number } = entryArgs(subjectText, numberText);
      const reason = await parseHash(options.reason, "reason");
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.credit.dispute(
        subjectKey,
        number,
        reason,
        progress(cli(), `dispute entry ${number}`),
      );
      printed(cli(), receipt, { subjectKey, number }, `disputed entry ${number}`);
    });
  entryStep("resolve", "resolve a dispute: upheld or withdrawn (reporter or auditor)")
    .argument("<resolution>", "upheld or withdrawn")
    .option("--grounds <hash>", "hash of the decision's grounds")
    .action(async (subjectText: string, numberText: string, resolutionText: string, options: { grounds?: string }) => {
      const { subjectKey, number } = entryArgs(subjectText, numberText);
      const resolution = named(["None", "Upheld", "Withdrawn"] as const, resolutionText, "resolution") as
        "Upheld" | "Withdrawn";
      const grounds = await parseOptionalHash(options.grounds, "grounds");
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.credit.resolve(
        subjectKey,
        number,
        resolution,
        grounds,
        progress(cli(), `resolve entry ${number}`),
      );
      printed(cli(), receipt, { subjectKey, number, resolution }, `dispute of entry ${number} resolved: ${resolution}`);
    });

  subjectOptions(blacklist.command("query"))
    .requiredOption("--consent <hash>", "hash of the customer's consent")
    .option("--cursor <n>", "where the page starts (0: newest)", "0")
    .option("--limit <n>", "entries to walk (1..20)")
    .option("--all", "every page (one logged transaction per page)")
    .description("logged query (CREDIT_QUERIER): whether a subject is listed; file the transaction hash")
    .action(async (options: SubjectOptions & { consent: string; cursor: string; limit?: string; all?: boolean }) => {
      const subjectKey = await subjectKeyOf(options);
      const consent = await parseHash(options.consent, "consent hash");
      const cursor = parseCount(options.cursor, "cursor", 2 ** 32 - 1);
      const limit = options.limit === undefined ? undefined : parseCount(options.limit, "limit", 1000);
      const consortia = await cli().consortia({ sign: true });
      const pages = [];
      let next = cursor;
      do {
        const page = await consortia.credit.query(
          subjectKey,
          consent,
          { cursor: next, limit },
          progress(cli(), "logged query"),
        );
        pages.push(page);
        next = page.nextCursor;
      } while (options.all === true && next !== 0);
      const listings = pages.flatMap((page) => page.listings);
      const transactions = pages.map((page) => page.receipt.hash);
      const nextCursor = pages[pages.length - 1].nextCursor;
      const consistent = pages.every((page) => page.consistent);
      if (!consistent)
        cli().out.progress("warning: the subject changed while querying; query again for a consistent page");
      cli().out.result(
        { subjectKey, listed: listings.length > 0, listings, nextCursor, transactions, consistent },
        () =>
          [
            listings.length === 0
              ? `subject ${subjectKey} is not listed`
              : `subject ${subjectKey}: ${listings.length} active entries`,
            ...(listings.length === 0
              ? []
              : [
                  table(
                    listings.map((entry) => ({
                      ...entry,
                      reportedAt: formatDate(entry.reportedAt),
                      expiresAt: formatDate(entry.expiresAt),
                    })),
                    ["number", "reporter", "category", "severity", "status", "version", "reportedAt", "expiresAt"],
                  ),
                ]),
            nextCursor === 0 ? "" : `more: --cursor ${nextCursor}`,
            `logged in ${transactions.join(", ")}`,
          ]
            .filter((line) => line !== "")
            .join("\n"),
      );
    });

  entryStep("entry", "an entry's record (maintenance; not a compliant customer check)").action(
    async (subjectText: string, numberText: string) => {
      const { subjectKey, number } = entryArgs(subjectText, numberText);
      const consortia = await cli().consortia();
      const entry = await consortia.credit.entry(subjectKey, number);
      cli().out.result({ subjectKey, ...entry }, () => table([{ ...entry, expiresAt: formatDate(entry.expiresAt) }]));
    },
  );
}
