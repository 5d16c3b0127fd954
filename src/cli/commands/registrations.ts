/**
 * `consortia registration export|import`: the registration-platform (中登网) export of the receivables' transfers,
 * discounts and pledges the signing member is party to (GET /registrations), and the check of a platform query result
 * against it.
 *
 * Import: the query result (JSON: an array of records, or `{ "records": [...] }`, each with `registrationNumber`,
 * `registrationType`, `registrant`, `counterparty`, `amount` and optionally `property.invoiceKey`) is compared with
 * the export: matched, differing (fields named), registered elsewhere (the platform names an invoice of ours under
 * another registration: financed outside the suite), and missing (ours, still registered, that the platform lacks).
 * The proof that the bank checked is the keccak-256 of the query result's bytes, signed by the checking account
 * (EIP-191) with the chain time of the check; `--proof <file>` writes it.
 */
import { readFile, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { JsonRpcProvider, keccak256 } from "ethers";
import { toCsv, type CsvCell } from "../../api/csv.js";
import type { Cli } from "../context.js";
import { UsageError } from "../errors.js";
import { table } from "../output.js";
import { apiGet, apiSession } from "./reports.js";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The CSV columns of an export: the platform form's fields, flattened; amendments as rows of their own. */
export const REGISTRATION_COLUMNS = [
  "registrationNumber",
  "registrationType",
  "amends",
  "registrant",
  "counterparty",
  "receivableId",
  "tokenId",
  "invoiceKey",
  "documentsHash",
  "amount",
  "currency",
  "price",
  "termEnd",
  "status",
  "description",
] as const;

/** Every registration the signed-in member may read (all pages). */
async function exportAll(session: { api: string; token: string }, asOf: string | undefined): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | undefined;
  do {
    const params = new URLSearchParams({ limit: "500" });
    if (asOf !== undefined) params.set("asOf", asOf);
    if (cursor !== undefined) params.set("cursor", cursor);
    const page = JSON.parse(await apiGet(session, `/registrations?${params}`)) as Json;
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return items;
}

/** Registration and amendment rows for the CSV. */
export function registrationRows(items: readonly Json[]): Record<string, CsvCell>[] {
  return items.flatMap((r) => [
    {
      registrationNumber: r.registrationNumber,
      registrationType: r.registrationType,
      amends: null,
      registrant: r.registrant,
      counterparty: r.counterparty,
      ...r.property,
      amount: r.amount,
      currency: r.currency,
      price: r.price,
      termEnd: r.termEnd,
      status: r.status,
      description: null,
    },
    ...r.amendments.map((a: Json) => ({
      registrationNumber: a.registrationNumber,
      registrationType: a.amendmentType,
      amends: a.amends,
      registrant: r.registrant,
      counterparty: r.counterparty,
      ...r.property,
      amount: r.amount,
      currency: r.currency,
      termEnd: r.termEnd,
      status: r.status,
      description: a.description,
      newTokenId: a.newTokenId,
    })),
  ]);
}

/** What a platform query result says against the register. */
export function compareRegistrations(ours: readonly Json[], platform: readonly Json[]) {
  const byNumber = new Map(ours.map((r) => [r.registrationNumber as string, r]));
  const byInvoice = new Map(ours.map((r) => [r.property.invoiceKey as string, r]));
  const seen = new Set<string>();
  const matched: string[] = [];
  const differing: { registrationNumber: string; fields: string[] }[] = [];
  const elsewhere: { registrationNumber: string; invoiceKey: string; ours: string }[] = [];
  const unknown: string[] = [];
  for (const p of platform) {
    const number = String(p.registrationNumber ?? "");
    const mine = byNumber.get(number);
    if (mine !== undefined) {
      seen.add(number);
      const fields = (["registrationType", "registrant", "counterparty", "amount"] as const).filter(
        (f) => String(p[f]) !== String(mine[f]),
      );
      if (fields.length === 0) matched.push(number);
      else differing.push({ registrationNumber: number, fields });
      continue;
    }
    const invoiceKey = p.property?.invoiceKey as string | undefined;
    const same = invoiceKey === undefined ? undefined : byInvoice.get(invoiceKey);
    if (same !== undefined)
      elsewhere.push({ registrationNumber: number, invoiceKey: invoiceKey!, ours: same.registrationNumber });
    else unknown.push(number);
  }
  const missing = ours
    .filter((r) => r.status === "registered" && !seen.has(r.registrationNumber))
    .map((r) => r.registrationNumber as string);
  return { matched, differing, elsewhere, unknown, missing };
}

export function register(program: Command, cli: () => Cli): void {
  const registration = program
    .command("registration")
    .description("registration-platform (中登网) export of transfers, discounts and pledges; check of a query result");

  registration
    .command("export")
    .option("--api <url>", "the query API's base URL (default: CONSORTIA_API_URL)")
    .option("--as-of <block|date>", "the register as of a block number or an ISO 8601 date")
    .option("--csv", "CSV: one line per registration and per amendment")
    .description("the registrations (and amendments) of the transfers, discounts and pledges you are party to")
    .action(async (options: { api?: string; asOf?: string; csv?: boolean }) => {
      const c = cli();
      const items = await exportAll(await apiSession(c, options.api), options.asOf);
      if (options.csv) return void process.stdout.write(toCsv(REGISTRATION_COLUMNS, registrationRows(items)));
      c.out.result({ registrations: items }, () =>
        table(
          registrationRows(items).map((r) => ({
            number: r.registrationNumber,
            type: r.registrationType,
            amends: r.amends,
            registrant: r.registrant,
            counterparty: r.counterparty,
            amount: `${String(r.amount)} ${String(r.currency)}`,
            status: r.status,
          })),
        ),
      );
    });

  registration
    .command("import")
    .argument("<query-result>", "the platform's query result, JSON")
    .option("--api <url>", "the query API's base URL (default: CONSORTIA_API_URL)")
    .option("--proof <file>", "write the signed proof of the check (hash of the query result, checker, chain time)")
    .description("check a registration platform's query result against the register; sign the proof of the check")
    .action(async (file: string, options: { api?: string; proof?: string }) => {
      const c = cli();
      let bytes: Buffer;
      let platform: Json[];
      try {
        bytes = await readFile(file);
        const parsed = JSON.parse(bytes.toString("utf8")) as Json;
        platform = Array.isArray(parsed) ? parsed : parsed?.records;
      } catch (error) {
        throw new UsageError(`<query-result>: cannot read ${file} as JSON: ${(error as Error).message}`);
      }
      if (!Array.isArray(platform)) throw new UsageError(`<query-result>: expected an array of records or { records }`);
      const ours = await exportAll(await apiSession(c, options.api), undefined);
      const result = compareRegistrations(ours, platform);
      const wallet = await c.signer();
      const block = await new JsonRpcProvider(c.rpcUrl()).getBlock("latest");
      const queryResultHash = keccak256(bytes);
      const statement = `consortia registration check: query result ${queryResultHash} checked at chain time ${block?.timestamp} (block ${block?.number})`;
      const proof = {
        queryResultHash,
        checker: await wallet.getAddress(),
        chainTime: block?.timestamp ?? null,
        block: block?.number ?? null,
        statement,
        signature: await wallet.signMessage(statement),
      };
      if (options.proof !== undefined) await writeFile(options.proof, `${JSON.stringify(proof, null, 2)}\n`);
      c.out.result({ ...result, proof }, () =>
        [
          `matched: ${result.matched.length}`,
          `differing: ${result.differing.map((d) => `${d.registrationNumber} (${d.fields.join(", ")})`).join("; ") || "none"}`,
          `registered elsewhere (our invoice under another registration): ${result.elsewhere.map((e) => `${e.registrationNumber} = our ${e.ours}`).join("; ") || "none"}`,
          `missing on the platform: ${result.missing.join(", ") || "none"}`,
          `unknown to the register: ${result.unknown.join(", ") || "none"}`,
          `proof: ${queryResultHash} signed by ${proof.checker}${options.proof === undefined ? "" : ` (written to ${options.proof})`}`,
        ].join("\n"),
      );
    });
}
