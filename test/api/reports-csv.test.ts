/**
 * CSV export (src/api/csv.ts) and the report arithmetic (src/api/routes/reports.ts) on fixed records: quoting, exact
 * amounts, concentration shares and the Herfindahl-Hirschman index with known numbers.
 */
import { expect } from "chai";
import type { Queryable, Row } from "../../src/indexer/db.js";
import { csvField, toCsv } from "../../src/api/csv.js";
import { concentrationReport, exposureReport } from "../../src/api/routes/reports.js";
import { formatMinor } from "../../src/cli/commands/reports.js";

/**
 * A database answering the reports' queries with fixed rows: exposure records, member names, no limits, the chain time
 * 1000, no frozen deposits.
 */
function fakeDb(records: Row[]): Queryable {
  return {
    async query<R extends Row = Row>(sql: string): Promise<R[]> {
      if (sql.includes("FROM members m")) {
        return [
          { member_id: 1, name: "Huaxin Bank" },
          { member_id: 2, name: "Minfeng Bank" },
          { member_id: 10, name: 'Huaxia "Motors", Ltd' },
          { member_id: 11, name: "=HYPERLINK(evil)" },
        ] as unknown as R[];
      }
      if (sql.includes("FROM issuance_limits")) return [];
      if (sql.includes("FROM block_times")) return [{ t: "1000" }] as unknown as R[];
      if (sql.includes("token_balances")) return [];
      return records as R[];
    },
  };
}
const rec = (
  bank: number,
  counterparty: number,
  instrument: string,
  amount: bigint,
  currency = "CNY",
  frozen = 0n,
): Row => ({
  bank,
  counterparty,
  instrument,
  currency,
  amount: amount.toString(),
  frozen: frozen.toString(),
  due: null,
});

describe("CSV export", () => {
  it("quotes fields with commas, quotes, line breaks and edge spaces; doubles quotes", () => {
    expect(csvField("plain")).to.equal("plain");
    expect(csvField("a,b")).to.equal('"a,b"');
    expect(csvField('say "hi"')).to.equal('"say ""hi"""');
    expect(csvField("two\nlines")).to.equal('"two\nlines"');
    expect(csvField("cr\rhere")).to.equal('"cr\rhere"');
    expect(csvField(" lead")).to.equal('" lead"');
    expect(csvField("trail ")).to.equal('"trail "');
    expect(csvField("华夏汽车")).to.equal("华夏汽车");
  });
  it("writes amounts as exact integers, never in exponent notation or rounded", () => {
    expect(csvField(123456789012345678901234567890n)).to.equal("123456789012345678901234567890");
    expect(csvField("123456789012345678901234567890")).to.equal("123456789012345678901234567890");
    expect(csvField(0)).to.equal("0");
    expect(csvField(1e21)).to.equal("1000000000000000000000");
    expect(csvField(null)).to.equal("");
    expect(csvField(undefined)).to.equal("");
    expect(csvField(true)).to.equal("true");
  });
  it("defuses text a spreadsheet would run as a formula, but not negative numbers", () => {
    expect(csvField("=1+2")).to.equal("'=1+2");
    expect(csvField("+cmd")).to.equal("'+cmd");
    expect(csvField("@SUM(A1)")).to.equal("'@SUM(A1)");
    expect(csvField("-x")).to.equal("'-x");
    expect(csvField("-42")).to.equal("-42");
    expect(csvField('=HYPERLINK("x","y")')).to.equal(`"'=HYPERLINK(""x"",""y"")"`);
  });
  it("writes a header and CRLF-terminated lines, in the columns' order", () => {
    const text = toCsv(["b", "a"], [{ a: "1", b: "x,y" }, { a: 2n }]);
    expect(text).to.equal('b,a\r\n"x,y",1\r\n,2\r\n');
  });
  it("formats minor units exactly for the CLI's tables", () => {
    expect(formatMinor("20000000", 2)).to.equal("200000.00");
    expect(formatMinor("5", 2)).to.equal("0.05");
    expect(formatMinor("0", 2)).to.equal("0.00");
    expect(formatMinor("123", 0)).to.equal("123");
  });
});

describe("report arithmetic (fixed records)", () => {
  const records = [
    rec(1, 10, "receivable", 600n, "CNY", 250n),
    rec(1, 10, "receivable_pledged", 100n),
    rec(1, 11, "guarantee", 200n),
    rec(1, 12, "lc_undrawn", 100n),
    rec(2, 10, "receivable", 50n),
    rec(2, 10, "lc_claim", 7n, "USD", 7n),
  ];

  it("exposure: sums per bank, counterparty, instrument and currency; totals per bank and per obligor", async () => {
    const r = await exposureReport(fakeDb(records), undefined);
    expect(r.asOf).to.equal(null);
    expect(r.rows).to.have.length(6);
    expect(r.frozenAt).to.equal(1000);
    expect(r.frozenDeposits).to.deep.equal([]);
    expect(r.byBank).to.deep.equal([
      { bank: 1, bankName: "Huaxin Bank", currency: "CNY", decimals: 2, amount: "1000", frozen: "250", records: 4 },
      { bank: 2, bankName: "Minfeng Bank", currency: "CNY", decimals: 2, amount: "50", frozen: "0", records: 1 },
      { bank: 2, bankName: "Minfeng Bank", currency: "USD", decimals: 2, amount: "7", frozen: "7", records: 1 },
    ]);
    expect(r.byObligor.find((o) => o.obligor === 10 && o.currency === "CNY")).to.include({
      amount: "750",
      frozen: "250",
      records: 3,
      obligorName: 'Huaxia "Motors", Ltd',
    });
    expect(r.byObligor.find((o) => o.obligor === 12)).to.include({ amount: "100", obligorName: null });
  });

  it("concentration: top-N share and HHI in basis points, per bank and currency", async () => {
    const r = await concentrationReport(fakeDb(records), undefined, 2);
    const bank1 = r.banks.find((b) => b.bank === 1)!;
    // 700 / 200 / 100 of 1000: shares 70%, 20%, 10%; top 2 = 90%; HHI = 49% + 4% + 1% = 5400.
    expect(bank1).to.include({ currency: "CNY", total: "1000", counterparties: 3, topShareBps: 9000, hhi: 5400 });
    expect(bank1.top).to.deep.equal([
      { rank: 1, counterparty: 10, counterpartyName: 'Huaxia "Motors", Ltd', amount: "700", shareBps: 7000 },
      { rank: 2, counterparty: 11, counterpartyName: "=HYPERLINK(evil)", amount: "200", shareBps: 2000 },
    ]);
    // A single counterparty: the whole share, HHI 10000; each currency apart.
    const bank2 = r.banks.filter((b) => b.bank === 2);
    expect(bank2.map((b) => [b.currency, b.total, b.topShareBps, b.hhi])).to.deep.equal([
      ["CNY", "50", 10000, 10000],
      ["USD", "7", 10000, 10000],
    ]);
  });
});
