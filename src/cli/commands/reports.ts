/**
 * `consortia report exposure|overdue|concentration|duplicate-financing [--csv]` and `consortia report unattested`: the regulator's reports, read from the query API
 * (src/api/routes/reports.ts) after signing in with the CLI's key (the regulator's or an auditor's; other members are
 * refused by the API with 403). `--csv` prints the API's CSV rendering as it is (one implementation of the format).
 */
import type { Command } from "commander";
import { signIn, SignInError } from "@consortia/sdk";
import type { Cli } from "../context.js";
import { UsageError } from "../errors.js";
import { details, table } from "../output.js";

interface ApiOptions {
  api?: string;
  csv?: boolean;
  asOf?: string;
}

/** Minor units as a decimal text: 123456 with 2 decimals is "1234.56" (exact, no rounding). */
export function formatMinor(amount: string, decimals: number): string {
  if (decimals === 0) return amount;
  const digits = amount.padStart(decimals + 1, "0");
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/** Signs in to the query API (`--api` or CONSORTIA_API_URL) with the CLI's key: its base URL and token. */
export async function apiSession(cli: Cli, apiOption: string | undefined): Promise<{ api: string; token: string }> {
  const api = apiOption ?? process.env.CONSORTIA_API_URL;
  if (api === undefined || !/^https?:\/\//.test(api))
    throw new UsageError(`--api: expected the query API's http(s):// URL (or CONSORTIA_API_URL), not ${api ?? "none"}`);
  const wallet = await cli.signer();
  try {
    const session = await signIn({
      api,
      account: await wallet.getAddress(),
      signMessage: (m) => wallet.signMessage(m),
    });
    return { api: api.replace(/\/$/, ""), token: session.token };
  } catch (error) {
    if (error instanceof SignInError) throw new Error(`sign-in refused (${error.status}): ${error.message}`);
    throw error;
  }
}

/** GET a path of the API with the session's token: the body text (200), else an error naming the status. */
export async function apiGet(session: { api: string; token: string }, path: string): Promise<string> {
  const response = await fetch(`${session.api}${path}`, { headers: { authorization: `Bearer ${session.token}` } });
  const text = await response.text();
  const where = path.split("?")[0];
  if (response.status === 400) throw new UsageError(`${where}: ${JSON.parse(text).message as string}`);
  if (response.status !== 200) {
    let message = text;
    try {
      message = (JSON.parse(text) as { message: string }).message;
    } catch {
      // not JSON
    }
    throw new Error(`${where}: the API answered ${response.status}: ${message}`);
  }
  return text;
}

/** GET a report as the signing account's member: JSON, or the CSV text. */
async function fetchReport(cli: Cli, options: ApiOptions, path: string, query: Record<string, string | undefined>) {
  const session = await apiSession(cli, options.api);
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, asOf: options.asOf }))
    if (value !== undefined) params.set(key, value);
  if (options.csv) params.set("format", "csv");
  return apiGet(session, `${path}${params.size > 0 ? `?${params}` : ""}`);
}

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const money = (r: Json, field = "amount") => `${formatMinor(r[field], r.decimals)} ${r.currency}`;
const who = (id: number, name: string | null) => (name === null ? String(id) : `${name} (${id})`);

export function register(program: Command, cli: () => Cli): void {
  const report = program
    .command("report")
    .description(
      "regulator reports from the query API: exposure, overdue, concentration, duplicate financing (regulator and auditors)",
    );
  const common = (command: Command) =>
    command
      .option("--api <url>", "the query API's base URL (default: CONSORTIA_API_URL)")
      .option("--as-of <block|date>", "the state as of a block number or an ISO 8601 date")
      .option("--csv", "print the report as CSV (amounts in minor units, with currency and decimals columns)");
  /** Prints the CSV text, or the JSON with --json, or `human(json)`. */
  const print = (text: string, options: ApiOptions, human: (json: Json) => string) => {
    const c = cli();
    if (options.csv) return void process.stdout.write(text);
    const json = JSON.parse(text) as Json;
    c.out.result(json, () => human(json));
  };

  common(report.command("exposure"))
    .option("--view <view>", "with --csv: detail, bank, obligor, limits or frozen (deposits)", "detail")
    .description("exposure per bank and per core enterprise: receivables, pledges, LCs, guarantees, forfaiting, limits")
    .action(async (options: ApiOptions & { view: string }) => {
      const text = await fetchReport(cli(), options, "/reports/exposure", {
        view: options.csv ? options.view : undefined,
      });
      print(text, options, (r) =>
        [
          `Exposure as of ${r.asOf === null ? "the latest indexed block" : `block ${r.asOf}`}`,
          table(
            r.rows.map((x: Json) => ({
              bank: who(x.bank, x.bankName),
              counterparty: who(x.counterparty, x.counterpartyName),
              instrument: x.instrument,
              records: x.records,
              amount: money(x),
              frozen: money(x, "frozen"),
            })),
          ),
          "",
          "Per bank",
          table(
            r.byBank.map((x: Json) => ({
              bank: who(x.bank, x.bankName),
              records: x.records,
              amount: money(x),
              frozen: money(x, "frozen"),
            })),
          ),
          "",
          "Per core enterprise (obligor)",
          table(
            r.byObligor.map((x: Json) => ({
              obligor: who(x.obligor, x.obligorName),
              records: x.records,
              amount: money(x),
              frozen: money(x, "frozen"),
            })),
          ),
          "",
          "Issuance limits",
          table(
            r.limits.map((x: Json) => ({
              obligor: who(x.obligor, x.obligorName),
              bank: who(x.bank, x.bankName),
              limit: x.limit,
              total: x.total,
              utilised: x.utilised,
              limited: x.limited,
            })),
          ),
          "",
          `Deposit tokens frozen (orders in force at ${r.frozenAt})`,
          table(
            r.frozenDeposits.map((x: Json) => ({
              member: x.member === null ? "-" : who(x.member, x.memberName),
              account: x.account,
              token: x.token,
              balance: x.balance,
              frozen: x.frozen,
              orders: x.orders,
            })),
          ),
        ].join("\n"),
      );
    });

  common(report.command("overdue"))
    .option(
      "--at <time>",
      "judge overdue at this moment: unix seconds or ISO 8601 (default: the --as-of block's or latest indexed time)",
    )
    .description("receivables past maturity unpaid, LC claims past maturity, guarantee claims past their deadline")
    .action(async (options: ApiOptions & { at?: string }) => {
      const text = await fetchReport(cli(), options, "/reports/overdue", { overdueAt: options.at });
      print(text, options, (r) =>
        [
          details({ at: new Date(r.at * 1000).toISOString(), asOf: r.asOf ?? "latest" }),
          table(
            r.rows.map((x: Json) => ({
              creditor: who(x.creditor, x.creditorName),
              debtor: who(x.debtor, x.debtorName),
              instrument: x.instrument,
              record: x.record,
              amount: money(x),
              due: new Date(x.due * 1000).toISOString().slice(0, 10),
              days: x.daysOverdue,
            })),
          ),
        ].join("\n"),
      );
    });

  report
    .command("unattested")
    .option("--api <url>", "the query API's base URL (default: CONSORTIA_API_URL)")
    .option("--as-of <block|date>", "the state as of a block number or an ISO 8601 date")
    .option("--bank <member>", "one bank's financings (member id)")
    .option("--application <name>", "ReceivableFinancing, ForfaitingPurchase, GuaranteeIssue or LcHonour")
    .option("--limit <n>", "at most this many rows (newest first)", "100")
    .description(
      "financings done without an authority attestation on their subject (receivable discounts and pledges, " +
        "forfaiting purchases, guarantee issues, LC honours): the regulator and auditors see every bank's, a bank its own",
    )
    .action(async (options: ApiOptions & { bank?: string; application?: string; limit: string }) => {
      const text = await fetchReport(cli(), options, "/unattested-financing", {
        bank: options.bank,
        application: options.application,
        limit: options.limit,
      });
      const json = JSON.parse(text) as Json;
      cli().out.result(json, () =>
        json.items.length === 0
          ? "No financing without attestations."
          : table(
              json.items.map((x: Json) => ({
                application: x.application,
                financing:
                  x.receivableId !== null
                    ? `receivable ${x.receivableId}`
                    : x.offerId !== null
                      ? `offer ${x.offerId}`
                      : x.presentationId !== null && x.presentationId !== undefined
                        ? `presentation ${x.presentationId}`
                        : `guarantee ${x.guaranteeId}`,
                action: x.action,
                bank: x.bank === null ? "" : String(x.bank),
                subject: x.subjectKey,
                policy: x.policy === null ? "" : x.policy.length === 0 ? "none" : x.policy.join("+"),
                value: x.value ?? "",
                price: x.price ?? "",
                block: x.source.block,
              })),
            ),
      );
    });

  common(report.command("duplicate-financing"))
    .option("--member <id>", "only the attempts of this member")
    .description(
      "duplicate-financing attempts the register of financed documents refused: banks' recorded checks that found " +
        "the document financed and application steps refused (a warehouse receipt's pledge), with the latest holder",
    )
    .action(async (options: ApiOptions & { member?: string }) => {
      if (options.member !== undefined && !/^[0-9]+$/.test(options.member))
        throw new UsageError(`--member: expected a member id, not ${options.member}`);
      const text = await fetchReport(cli(), options, "/reports/duplicate-financing", { member: options.member });
      print(text, options, (r) =>
        r.rows.length === 0
          ? "No refused duplicate-financing attempt."
          : [
              table(
                r.rows.map((x: Json) => ({
                  block: x.block,
                  member: who(x.member, x.memberName),
                  source: x.source === "check" ? "check" : `${x.appName ?? x.app} ${x.record}`,
                  document: x.documentId,
                  amount: money(x),
                  held: money(x, "financed"),
                  paid: money(x, "paid"),
                  holder: x.holderApp === null ? "" : `${x.holderAppName ?? x.holderApp} ${x.holderRecord}`,
                })),
              ),
              "",
              "Per member",
              table(
                r.byMember.map((x: Json) => ({
                  member: who(x.member, x.memberName),
                  attempts: x.attempts,
                  documents: x.documents,
                })),
              ),
            ].join("\n"),
      );
    });

  common(report.command("concentration"))
    .option("--top <n>", "how many of the largest counterparties per bank", "5")
    .description("share of each bank's top counterparties and the Herfindahl-Hirschman index")
    .action(async (options: ApiOptions & { top: string }) => {
      if (!/^[0-9]+$/.test(options.top)) throw new UsageError(`--top: expected a whole number, not ${options.top}`);
      const text = await fetchReport(cli(), options, "/reports/concentration", { top: options.top });
      print(text, options, (r) =>
        table(
          r.banks.map((b: Json) => ({
            bank: who(b.bank, b.bankName),
            total: money(b, "total"),
            counterparties: b.counterparties,
            [`top ${r.top} share`]: `${(b.topShareBps / 100).toFixed(2)}%`,
            hhi: b.hhi,
            largest: b.top.length === 0 ? "" : `${who(b.top[0].counterparty, b.top[0].counterpartyName)}`,
          })),
        ),
      );
    });
}
