/**
 * The demo's last step: the regulator's report (issue 20), as `GET /reports/exposure` and `/reports/overdue` compute it
 * from the index, once the index has caught up with the demo. On a dev chain the demo pays everything at maturity but
 * one LC draft, so the exposure is also shown as of the block where the receivable was pledged, mid-way.
 */
import type { Queryable } from "../indexer/db.js";
import { duplicateFinancingReport, exposureReport, overdueReport } from "../api/routes/reports.js";

export interface RegulatorReportOptions {
  db: Queryable;
  /** The query API's base URL (its public /status says how far the index is). */
  api: string;
  /** The chain's head after the demo: the index must reach it. */
  head: number;
  log(line: string): void;
}

const yuan = (minor: string, decimals: number, currency: string) => {
  const digits = minor.padStart(decimals + 1, "0");
  const whole = BigInt(digits.slice(0, digits.length - decimals)).toLocaleString("en-US");
  return `${whole}${decimals > 0 ? `.${digits.slice(-decimals)}` : ""} ${currency}`;
};

/** Prints the exposure per bank and counterparty, and what is overdue, as the regulator reads them. */
export async function printRegulatorReport(options: RegulatorReportOptions): Promise<void> {
  const { db, log } = options;
  for (let i = 0; i < 600; i++) {
    const status = (await (await fetch(`${options.api}/status`)).json()) as { indexedBlock: number };
    if (status.indexedBlock >= options.head) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const [pledge] = await db.query<{ b: string | null }>(
    "SELECT max(block_number) AS b FROM events WHERE contract = 'ReceivableDesk' AND event = 'Pledged'",
  );
  const print = async (asOf: number | undefined, title: string) => {
    const report = await exposureReport(db, asOf);
    log(`${title}:`);
    if (report.rows.length === 0) log("  (no exposure)");
    for (const r of report.rows)
      log(
        `  ${r.bankName ?? r.bank} -> ${r.counterpartyName ?? r.counterparty}: ${r.instrument} ${yuan(r.amount, r.decimals, r.currency)}` +
          (r.frozen === "0" ? "" : ` (${yuan(r.frozen, r.decimals, r.currency)} frozen)`),
      );
    for (const d of report.frozenDeposits)
      log(`  frozen deposits of ${d.memberName ?? d.account}: ${d.frozen} of ${d.balance} (token minor units)`);
  };
  if (pledge?.b !== null && pledge?.b !== undefined)
    await print(Number(pledge.b), `regulator's exposure report as of the pledge (block ${pledge.b})`);
  const [frozen] = await db.query<{ b: string | null }>(
    "SELECT max(block_number) AS b FROM events WHERE contract = 'FreezeOrders' AND event = 'FreezeActivated'",
  );
  if (frozen?.b !== null && frozen?.b !== undefined)
    await print(Number(frozen.b), `regulator's exposure report as of the freeze order (block ${frozen.b})`);
  await print(undefined, "regulator's exposure report now");
  const overdue = await overdueReport(
    db,
    undefined,
    Number(
      (await db.query<{ t: string | null }>("SELECT max(block_time) AS t FROM block_times"))[0]?.t ??
        Math.floor(Date.now() / 1000),
    ),
  );
  log("overdue now:");
  if (overdue.rows.length === 0) log("  (nothing overdue)");
  for (const r of overdue.rows)
    log(
      `  ${r.debtorName ?? r.debtor} owes ${r.creditorName ?? r.creditor} ${yuan(r.amount, r.decimals, r.currency)} ` +
        `(${r.instrument} ${r.record}, ${r.daysOverdue} days overdue)`,
    );
  const duplicates = await duplicateFinancingReport(db, undefined, undefined);
  log("duplicate-financing attempts refused:");
  if (duplicates.rows.length === 0) log("  (none)");
  for (const r of duplicates.rows)
    log(
      `  ${r.memberName ?? r.member} (${r.source}) ${yuan(r.amount, r.decimals, r.currency)} of document ` +
        `${r.documentId.slice(0, 10)}…, already held by ${r.holderAppName ?? r.holderApp} #${r.holderRecord}`,
    );
  log(
    "(GET /reports/exposure, /reports/overdue, /reports/concentration, /reports/duplicate-financing as the regulator; " +
      "CSV with ?format=csv)",
  );
}
