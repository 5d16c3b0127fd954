import { expect } from "chai";
import stringWidth from "string-width";
import { UsageError } from "../../src/cli/errors.js";
import { details, table } from "../../src/cli/output.js";
import { parseDate } from "../../src/cli/parse.js";

/** Absolute dates never ask the chain for its time. */
const noClock = (): Promise<bigint> => Promise.reject(new Error("the clock was asked for an absolute date"));
const date = (text: string) => parseDate(text, "date", noClock);

describe("cli: table layout and date parsing", () => {
  it("aligns columns by display width: Chinese member names take two columns a character", () => {
    const text = table([
      { id: 1, name: "中国工商银行江苏分行", kind: "Bank" },
      { id: 12, name: "Local Bank A", kind: "Bank" },
      { id: 3, name: "苏州市民政局", kind: "GovernmentDepartment" },
    ]);
    const lines = text.split("\n");
    expect(lines).to.have.length(4);
    // The KIND column starts at the same terminal column on every line.
    const kindColumn = (line: string) => stringWidth(line.slice(0, line.search(/(KIND|Bank|GovernmentDepartment)$/)));
    const columns = lines.map(kindColumn);
    expect(new Set(columns).size, text).to.equal(1);
    // 20 columns for the widest name, then two spaces.
    expect(columns[0]).to.equal(stringWidth("ID  ") + 20 + 2);
    expect(lines[1]).to.equal("1   中国工商银行江苏分行  Bank");
    expect(lines[3]).to.equal("3   苏州市民政局          GovernmentDepartment");
  });

  it("details pads keys, and a table keeps ASCII layouts as before", () => {
    expect(table([{ a: "x", bb: "yy" }])).to.equal("A  BB\nx  yy");
    expect(details({ name: "苏州市民政局", id: 3 })).to.equal("name: 苏州市民政局\nid:   3");
  });

  it("accepts real dates and times", async () => {
    expect(await date("2025-06-30")).to.equal(BigInt(Date.UTC(2025, 5, 30) / 1000));
    expect(await date("2024-02-29")).to.equal(BigInt(Date.UTC(2024, 1, 29) / 1000));
    expect(await date("2025-06-30T12:00:00Z")).to.equal(BigInt(Date.UTC(2025, 5, 30, 12) / 1000));
    expect(await date("2025-06-30T23:59:59+08:00")).to.equal(BigInt(Date.UTC(2025, 5, 30, 15, 59, 59) / 1000));
    expect(await date("2025-12-31 08:30")).to.be.a("bigint");
  });

  it("counts relative dates from the clock it is given (the chain's), not from the local clock", async () => {
    const chainNow = 4_000_000_000n; // year 2096: far from any local clock
    let asked = 0;
    const clock = async () => {
      asked += 1;
      return chainNow;
    };
    expect(await parseDate("+90d", "--expiry", clock)).to.equal(chainNow + 90n * 86_400n);
    expect(await parseDate("+12h", "--expiry", clock)).to.equal(chainNow + 12n * 3_600n);
    expect(await parseDate("+30m", "--expiry", clock)).to.equal(chainNow + 1_800n);
    expect(await parseDate("+45s", "--expiry", clock)).to.equal(chainNow + 45n);
    expect(asked).to.equal(4);
    // A malformed relative date is refused before the node is asked.
    for (const bad of ["+90", "+d", "+1.5d", "-90d", "+90w"]) {
      await expectUsageError(parseDate(bad, "--expiry", noClock), 'malformed --expiry "');
    }
  });

  it("rejects dates and times that do not round-trip (2025-02-30 is not 2 March)", async () => {
    for (const bad of [
      "2025-02-30",
      "2025-02-29",
      "2023-02-29",
      "2025-04-31",
      "2025-13-01",
      "2025-00-10",
      "2025-06-00",
      "2025-06-30T24:00:00Z",
      "2025-06-30T12:60:00Z",
      "2025-06-30T12:00:60Z",
      "2025-02-30T00:00:00Z",
    ]) {
      await expectUsageError(date(bad), "not a real date or time of day");
    }
    await expectUsageError(date("30/06/2025"), "malformed date");
  });
});

async function expectUsageError(promise: Promise<unknown>, message: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).to.be.instanceOf(UsageError);
  expect((error as Error).message).to.contain(message);
}
