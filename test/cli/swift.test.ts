import { expect } from "chai";
import { readFile, writeFile } from "node:fs/promises";
import { hashCanonicalJson, type JsonValue } from "@consortia/sdk";
import { MT700 } from "../../src/cli/swift/mt700.js";
import { MT760 } from "../../src/cli/swift/mt760.js";
import { MT707 } from "../../src/cli/swift/mt707.js";
import { MT767 } from "../../src/cli/swift/mt767.js";
import {
  checkValue,
  formatPattern,
  parseMessage,
  printMessage,
  SwiftMessageError,
  swiftDate,
  toSwiftDate,
} from "../../src/cli/swift/message.js";
import {
  documentKindsOf,
  exportMt700,
  exportMt707,
  exportMt760,
  exportMt767,
  importMt700,
  importMt760,
  mappingMarkdown,
  type SwiftTerms,
  termsHash,
} from "../../src/cli/swift/terms.js";

const FIXTURES = new URL("./swift/", import.meta.url);
const fixture = (name: string) => readFile(new URL(name, FIXTURES), "utf8");
const DOCUMENT = new URL("../../docs/swift.md", import.meta.url);

/** The problems a malformed message is refused with, as `tag@line: message`. */
function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(SwiftMessageError);
    return (error as SwiftMessageError).problems.map((p) => `${p.tag}@${p.line}: ${p.message}`);
  }
  throw new Error("the message was accepted");
}

/** A minimal MT 700 body with `change` applied to its lines. */
const MINIMAL_700 = [
  ":27:1/1",
  ":40A:IRREVOCABLE",
  ":20:LC1",
  ":31C:261201",
  ":40E:UCP LATEST VERSION",
  ":31D:270331SHANGHAI",
  ":50:IMPORTER",
  ":59:EXPORTER",
  ":32B:CNY100,",
  ":41D:ANY BANK",
  "BY PAYMENT",
  ":44C:270301",
  ":46A:+COMMERCIAL INVOICE",
  ":49:WITHOUT",
];
const mt700 = (change: (lines: string[]) => string[] = (l) => l) => change([...MINIMAL_700]).join("\n");

describe("swift: SWIFT MT 700/707/760/767", () => {
  describe("format notation and character sets", () => {
    it("compiles fixed, variable, multi-line, decimal and optional components", () => {
      expect(formatPattern("6!n").test("270331")).to.equal(true);
      expect(formatPattern("6!n").test("27033")).to.equal(false);
      expect(formatPattern("3!a15d").test("CNY10000,00")).to.equal(true);
      expect(formatPattern("3!a15d").test("CNY10000.00"), "a decimal point is not SWIFT").to.equal(false);
      expect(formatPattern("3!a15d").test("CNY1000"), "the comma is mandatory").to.equal(false);
      expect(formatPattern("3!a15d").test("CNY1234567890123,45"), "at most 15 characters").to.equal(false);
      expect(formatPattern("4*35x").test("A\nB\nC\nD")).to.equal(true);
      expect(formatPattern("4*35x").test("A\nB\nC\nD\nE"), "at most four lines").to.equal(false);
      expect(formatPattern("4*35x").test("X".repeat(36)), "at most 35 characters a line").to.equal(false);
      expect(formatPattern("[/34x]\n4*35x").test("/ACCOUNT\nNAME")).to.equal(true);
      expect(formatPattern("[/34x]\n4*35x").test("NAME")).to.equal(true);
      expect(formatPattern("4!c\n[6*35x]").test("BENE")).to.equal(true);
      expect(formatPattern("4!c\n[6*35x]").test("BENE\nBY COURIER")).to.equal(true);
      expect(formatPattern("30x[/35x]").test("OTHR/OUR RULES")).to.equal(true);
    });

    it("refuses characters outside the X set in x fields, and allows the Z set only in z fields", () => {
      const name = MT700.fields.find((f) => f.tag === "50")!;
      const goods = MT700.fields.find((f) => f.tag === "45A")!;
      expect(checkValue(name, "50", "A@B")).to.match(/outside the SWIFT X character set/);
      expect(checkValue(goods, "45A", "A@B")).to.equal(undefined);
      expect(checkValue(goods, "45A", "PRICE 5€")).to.match(/outside the SWIFT Z character set/);
    });

    it("a line of a field may not start with a hyphen or a colon", () => {
      const name = MT700.fields.find((f) => f.tag === "50")!;
      expect(checkValue(name, "50", "IMPORTER\n-SHANGHAI")).to.match(/line 2 of the field starts with "-"/);
    });

    it("dates are whole days: YYMMDD to the day's end and back", () => {
      expect(swiftDate("270331")).to.equal(Date.UTC(2027, 2, 31) / 1000 + 86_399);
      expect(toSwiftDate(swiftDate("270331"))).to.equal("270331");
      expect(() => swiftDate("270231")).to.throw(/no such date/);
    });
  });

  describe("MT 700 import", () => {
    it("maps the sample credit to the suite's terms, parties by name and hashed full terms", async () => {
      const lc = importMt700(await fixture("mt700.txt"));
      expect(lc.parties).to.deep.equal({
        applicant: "IMPORTER",
        beneficiary: "EXPORTER",
        nominatedBank: "BANK B",
        advisingBank: "BANK B",
      });
      expect(lc).to.deep.include({
        amount: "10000.00",
        currency: "CNY",
        tolerancePlus: 5,
        toleranceMinus: 5,
        deferred: true,
        tenorDays: 90,
        partialDrawings: true,
        expiry: swiftDate("270331"),
        latestShipment: swiftDate("270228"),
      });
      expect(lc.requiredDocuments).to.deep.equal([2, 4]); // invoice, transport document
      expect(lc.documentsInTermsOnly).to.deep.equal(["CERTIFICATE OF ORIGIN ISSUED BY CCPIT"]);
      expect(lc.termsHash).to.equal(hashCanonicalJson(lc.terms as unknown as JsonValue));
      expect(lc.terms.fields.find((f) => f.tag === "45A")?.value).to.match(/^\+2000 UNITS/);
    });

    it("accepts the text block alone, LF or CRLF", () => {
      expect(importMt700(mt700()).amount).to.equal("100");
      expect(importMt700(mt700().replace(/\n/g, "\r\n")).termsHash).to.equal(importMt700(mt700()).termsHash);
    });

    it("reports an unknown field by tag and line", () => {
      expect(
        problems(() => importMt700(mt700((l) => [...l.slice(0, 3), ":99Z:SOMETHING", ...l.slice(3)]))),
      ).to.deep.equal(["99Z@4: unknown field in MT 700"]);
    });

    it("reports a field out of order or repeated by tag and line", () => {
      expect(problems(() => importMt700(mt700((l) => [...l, ":20:LC2"])))).to.deep.equal([
        "20@15: out of order or repeated",
      ]);
    });

    it("reports a malformed amount, a bad letter option and a missing mandatory field, all at once", () => {
      const found = problems(() =>
        importMt700(
          mt700((l) =>
            l
              .map((line) => (line === ":32B:CNY100," ? ":32B:CNY100.00" : line))
              .map((line) => (line === ":41D:ANY BANK" ? ":41X:ANY BANK" : line))
              .filter((line) => line !== ":49:WITHOUT"),
          ),
        ),
      );
      expect(found).to.deep.equal([
        "32B@9: does not match the format 3!a15d",
        "41X@10: option X is not one of A, D",
        "49@13: mandatory field 49 (Confirmation Instructions) is missing",
      ]);
    });

    it("reports a name line longer than 35 characters and a character outside the X set", () => {
      const found = problems(() =>
        importMt700(
          mt700((l) =>
            l.map((line) =>
              line === ":50:IMPORTER" ? `:50:${"I".repeat(36)}` : line.replace(":59:EXPORTER", ":59:EXPORTER & CO"),
            ),
          ),
        ),
      );
      expect(found).to.deep.equal([
        "50@7: does not match the format 4*35x",
        '59@8: character "&" is outside the SWIFT X character set',
      ]);
    });

    it("reports text before the first tag", () => {
      expect(problems(() => importMt700(`HELLO\n${mt700()}`))).to.deep.equal(["-@1: text before the first field tag"]);
    });

    it("refuses terms the chain cannot hold: no latest shipment, shipment after expiry, an impossible date, BICs", () => {
      expect(problems(() => importMt700(mt700((l) => l.filter((line) => !line.startsWith(":44C:")))))).to.deep.equal([
        "44C@0: the suite checks the latest shipment date: 44C is required",
      ]);
      expect(
        problems(() => importMt700(mt700((l) => l.map((x) => x.replace(":44C:270301", ":44C:270401"))))),
      ).to.deep.equal(["44C@12: the latest shipment date is after the expiry (31D)"]);
      expect(
        problems(() => importMt700(mt700((l) => l.map((x) => x.replace(":31D:270331", ":31D:270231"))))),
      ).to.deep.equal(["31D@6: no such date 270231"]);
      expect(
        problems(() => importMt700(mt700((l) => l.map((x) => x.replace(":41D:ANY BANK", ":41A:BKBBCNBJ"))))),
      ).to.deep.equal(["41A@10: give the nominated bank by name (41D): the suite names members, not BICs"]);
      expect(problems(() => importMt700(mt700((l) => l.map((x) => x.replace(":27:1/1", ":27:1/2")))))[0]).to.match(
        /^27@1: only a complete credit/,
      );
      expect(
        problems(() =>
          importMt700(mt700((l) => l.map((x) => x.replace("+COMMERCIAL INVOICE", "+CERTIFICATE OF ORIGIN")))),
        ),
      ).to.deep.equal(["46A@13: no document the suite can check is required (invoice, transport document, …)"]);
    });

    it("a deferred credit needs its tenor in days", () => {
      const deferred = (l: string[]) => l.map((x) => (x === "BY PAYMENT" ? "BY DEF PAYMENT" : x));
      expect(problems(() => importMt700(mt700(deferred)))[0]).to.match(/tenor as <n> DAYS/);
      const lc = importMt700(mt700((l) => [...deferred(l).slice(0, 11), ":42P:60 DAYS AFTER SIGHT", ...l.slice(11)]));
      expect(lc).to.deep.include({ deferred: true, tenorDays: 60 });
    });

    it("maps 40A, 48 and 49 (with 58D) from a sample confirmed credit: the nominated bank asked to confirm", async () => {
      const lc = importMt700(await fixture("mt700-confirm.txt"));
      expect(lc.parties.nominatedBank).to.equal("BANK C");
      expect(lc).to.deep.include({
        transferable: false,
        presentationPeriodDays: 15,
        confirmation: "CONFIRM",
        amount: "25000.00",
        partialDrawings: false,
      });
      expect(lc.requiredDocuments).to.deep.equal([2, 3, 4, 5]); // invoice, packing list, transport, insurance
      const minimal = importMt700(mt700());
      expect(minimal).to.deep.include({
        transferable: false,
        presentationPeriodDays: undefined,
        confirmation: "WITHOUT",
      });
      const transferable = importMt700(
        mt700((l) => l.map((x) => x.replace(":40A:IRREVOCABLE", ":40A:IRREVOCABLE TRANSFERABLE"))),
      );
      expect(transferable.transferable).to.equal(true);
      const mayAdd = importMt700(
        mt700((l) => l.map((x) => x.replace(":41D:ANY BANK", ":41D:BANK C").replace(":49:WITHOUT", ":49:MAY ADD"))),
      );
      expect(mayAdd).to.deep.include({ confirmation: "MAY ADD" });
    });

    it("reports a form, period, confirmation instruction or confirmation party the suite cannot hold, by tag and line", () => {
      const replaced = (from: string, to: string) => (l: string[]) => l.map((x) => x.replace(from, to));
      expect(problems(() => importMt700(mt700(replaced(":40A:IRREVOCABLE", ":40A:REVOCABLE"))))).to.deep.equal([
        "40A@2: a credit is IRREVOCABLE or IRREVOCABLE TRANSFERABLE (UCP 600 art. 3, 38)",
      ]);
      const withPeriod = (days: string) => (l: string[]) => [...l.slice(0, 13), `:48:${days}`, ...l.slice(13)];
      for (const days of ["0", "400"]) {
        expect(problems(() => importMt700(mt700(withPeriod(days))))).to.deep.equal([
          "48@14: the period for presentation is 1 to 365 days",
        ]);
      }
      expect(problems(() => importMt700(mt700(replaced(":49:WITHOUT", ":49:PERHAPS"))))).to.deep.equal([
        "49@14: the confirmation instruction is CONFIRM, MAY ADD or WITHOUT",
      ]);
      expect(problems(() => importMt700(mt700(replaced(":49:WITHOUT", ":49:CONFIRM"))))).to.deep.equal([
        "49@14: only the nominated bank (41D) confirms in the suite: name it, or WITHOUT",
      ]);
      const confirmBy = (party: string) => (l: string[]) => [
        ...l.map((x) => x.replace(":41D:ANY BANK", ":41D:BANK C").replace(":49:WITHOUT", ":49:CONFIRM")),
        party,
      ];
      expect(problems(() => importMt700(mt700(confirmBy(":58D:BANK D"))))).to.deep.equal([
        "58D@15: the requested confirmation party must be the nominated bank (41D)",
      ]);
      expect(problems(() => importMt700(mt700(confirmBy(":58A:BKCCCNBJ"))))).to.deep.equal([
        "58A@15: give the requested confirmation party by name (58D): the suite names members",
      ]);
    });

    it("recognises document kinds line by line", () => {
      expect(documentKindsOf("+PACKING LIST\n+INSURANCE POLICY FOR 110 PCT\n+AIR WAYBILL").kinds).to.deep.equal([
        3, 4, 5,
      ]);
    });
  });

  describe("MT 700 export", () => {
    it("prints the parsed fields back unchanged (the printer is the parser's inverse)", async () => {
      const lc = importMt700(await fixture("mt700.txt"));
      const printed = printMessage(MT700, lc.terms.fields);
      expect(importMt700(printed).terms).to.deep.equal(lc.terms);
    });

    it("exports from the chain's record and the terms it hashes; refuses terms of another record", async () => {
      const lc = importMt700(await fixture("mt700.txt"));
      const record = {
        amount: "10000.00",
        currency: "CNY",
        tolerancePlus: 5,
        toleranceMinus: 5,
        expiry: lc.expiry,
        latestShipment: lc.latestShipment,
        partialDrawings: true,
        termsHash: lc.termsHash,
      };
      expect(importMt700(exportMt700(record, lc.terms)).terms).to.deep.equal(lc.terms);
      expect(() => exportMt700({ ...record, termsHash: `0x${"11".repeat(32)}` }, lc.terms)).to.throw(
        /not the terms of this record/,
      );
      const other: SwiftTerms = { ...lc.terms, message: "MT760" };
      expect(() => exportMt700({ ...record, termsHash: termsHash(other) }, other)).to.throw(
        /holds MT760 terms, not MT700/,
      );
    });

    it("exports 48 from the chain's presentation period and 49 from the confirmation record", async () => {
      const lc = importMt700(await fixture("mt700.txt"));
      const record = {
        amount: "10000.00",
        currency: "CNY",
        tolerancePlus: 5,
        toleranceMinus: 5,
        expiry: lc.expiry,
        latestShipment: lc.latestShipment,
        partialDrawings: true,
        termsHash: lc.termsHash,
      };
      const exported = importMt700(
        exportMt700({ ...record, presentationPeriodDays: 30, confirmation: "MAY ADD" }, lc.terms),
      );
      const value = (tag: string) => exported.terms.fields.find((f) => f.tag === tag)?.value;
      expect([value("48"), value("49")]).to.deep.equal(["30/FROM THE DATE OF SHIPMENT", "MAY ADD"]);
      // a deployment without the companions: 48 and 49 as in the terms
      expect(importMt700(exportMt700(record, lc.terms)).terms).to.deep.equal(lc.terms);
      const minimal = importMt700(mt700());
      const bare = { ...record, termsHash: minimal.termsHash };
      const noPeriod = importMt700(exportMt700({ ...bare, presentationPeriodDays: 21 }, minimal.terms));
      expect(
        noPeriod.terms.fields.some((f) => f.tag === "48"),
        "21 days is art. 14c's default: no 48",
      ).to.equal(false);
      const period = importMt700(
        exportMt700({ ...bare, presentationPeriodDays: 45, confirmation: "WITHOUT" }, minimal.terms),
      );
      expect(period.presentationPeriodDays).to.equal(45);
    });

    it("refuses to print a value that breaks its field's format", () => {
      expect(() => printMessage(MT700, [{ tag: "32B", value: "CNY1.5" }])).to.throw(
        SwiftMessageError,
        /32B: does not match/,
      );
    });
  });

  describe("MT 707 export", () => {
    it("states the increase, the new expiry and latest shipment, and the replaced goods description", async () => {
      const lc = importMt700(await fixture("mt700.txt"));
      const amended: SwiftTerms = {
        ...lc.terms,
        fields: lc.terms.fields.map((f) => (f.tag === "45A" ? { ...f, value: "+2500 UNITS OF SOLAR INVERTERS" } : f)),
      };
      const text = exportMt707(
        lc.terms,
        {
          amount: "12000.00",
          previousAmount: "10000.00",
          currency: "CNY",
          expiry: swiftDate("270430"),
          latestShipment: swiftDate("270331"),
          termsHash: termsHash(amended),
          number: 1,
          date: swiftDate("261215"),
          issuingBank: "BANK A",
        },
        amended,
      );
      const fields = parseMessage(MT707, text);
      const value = (tag: string) => fields.find((f) => f.tag === tag)?.value;
      expect(value("20")).to.equal("LC2026IMP0001");
      expect(value("32B")).to.equal("CNY2000,00");
      expect(value("33B")).to.equal(undefined);
      expect(value("31D")).to.equal("270430SHANGHAI");
      expect(value("44C")).to.equal("270331");
      expect(value("45B")).to.equal("/REPALL/\n+2500 UNITS OF SOLAR INVERTERS");
      expect(value("26E")).to.equal("1");
    });
  });

  describe("MT 760 import and export, MT 767", () => {
    it("maps the sample guarantee: parties by name, amount, fixed expiry, reference from the undertaking number", async () => {
      const g = importMt760(await fixture("mt760.txt"));
      expect(g.parties).to.deep.equal({ applicant: "IMPORTER", guarantor: "BANK A", beneficiary: "EXPORTER" });
      expect(g).to.deep.include({
        amount: "50000.00",
        currency: "CNY",
        expiry: swiftDate("271130"),
        undertakingNumber: "PG2026000042",
      });
      expect(g.tenderReference).to.match(/^0x[0-9a-f]{64}$/);
      expect(g.termsHash).to.equal(termsHash(g.terms));
    });

    it("refuses counter-undertakings, standbys, open expiry and a missing sequence B field, by tag and line", async () => {
      const text = await fixture("mt760.txt");
      expect(problems(() => importMt760(text.replace(":22A:ISSU", ":22A:ISCO")))[0]).to.match(
        /^22A@3: ISCO: only a direct undertaking/,
      );
      expect(problems(() => importMt760(text.replace(":22D:DGAR", ":22D:STBY")))[0]).to.match(/^22D@7: STBY/);
      expect(problems(() => importMt760(text.replace(":23B:FIXD", ":23B:OPEN")))[0]).to.match(/^23B@9: OPEN/);
      expect(problems(() => importMt760(text.replace(/:77U:[^:]*/, "")))).to.deep.equal([
        "77U@22: mandatory field 77U (Undertaking Terms and Conditions) is missing",
      ]);
    });

    it("a tag repeated in another sequence is read in that sequence", async () => {
      const text = `${(await fixture("mt760.txt")).trimEnd()}\n:15C:\n:22D:DGAR\n:40C:URDG\n:22K:PERF\n:23B:FIXD\n:52D:BANK C\n:59:EXPORTER\n:32B:CNY50000,00\n:77L:LOCAL TERMS\n`;
      const fields = parseMessage(MT760, text);
      expect(fields.filter((f) => f.tag === "32B").map((f) => f.spec.sequence)).to.deep.equal(["B", "C"]);
      expect(problems(() => parseMessage(MT760, text.replace(":22K:PERF\n", "")))).to.deep.equal([
        "22K@34: mandatory field 22K (Type of Undertaking) is missing",
      ]);
    });

    it("exports MT 760 from the record and the terms it hashes", async () => {
      const g = importMt760(await fixture("mt760.txt"));
      const record = { amount: "50000.00", currency: "CNY", expiry: g.expiry, termsHash: g.termsHash };
      expect(importMt760(exportMt760(record, g.terms)).terms).to.deep.equal(g.terms);
      expect(() => exportMt760({ ...record, termsHash: `0x${"22".repeat(32)}` }, g.terms)).to.throw(/not the terms/);
    });

    it("exports MT 767 with the decrease and the new expiry", async () => {
      const g = importMt760(await fixture("mt760.txt"));
      const text = exportMt767(g.terms, {
        amount: "40000.00",
        previousAmount: "50000.00",
        currency: "CNY",
        expiry: swiftDate("280131"),
        previousExpiry: g.expiry,
        number: 2,
        date: swiftDate("270115"),
        issuer: "BANK A",
        text: "AMOUNT REDUCED AFTER PARTIAL DELIVERY",
      });
      const fields = parseMessage(MT767, text);
      const value = (tag: string) => fields.find((f) => f.tag === tag)?.value;
      expect(value("21")).to.equal("PG2026000042");
      expect(value("33B")).to.equal("CNY10000,00");
      expect(value("31E")).to.equal("280131");
      expect(value("26E")).to.equal("2");
      expect(value("77U")).to.equal("AMOUNT REDUCED AFTER PARTIAL DELIVERY");
    });
  });

  it("docs/swift.md is the mapping table generated from the declared tables (UPDATE_SWIFT_DOCS=1 rewrites it)", async () => {
    const generated = mappingMarkdown();
    if (process.env.UPDATE_SWIFT_DOCS === "1") await writeFile(DOCUMENT, generated);
    expect(await readFile(DOCUMENT, "utf8")).to.equal(generated);
    for (const spec of [MT700, MT707, MT760, MT767]) {
      for (const field of spec.fields)
        expect(generated).to.include(`| ${field.tag} | ${field.name.replace(/\|/g, "\\|")} |`);
    }
  });
});
