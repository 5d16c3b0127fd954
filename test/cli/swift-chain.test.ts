import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider } from "ethers";
import { MT707 } from "../../src/cli/swift/mt707.js";
import { MT767 } from "../../src/cli/swift/mt767.js";
import { parseMessage, toSwiftDate } from "../../src/cli/swift/message.js";
import { importMt700, importMt760, type SwiftTerms } from "../../src/cli/swift/terms.js";
import { appsNetwork, type AppsNetwork } from "./apps.harness.js";

const FIXTURES = new URL("./swift/", import.meta.url);

describe("cli: SWIFT import, issue on chain, export (round trip)", function () {
  this.timeout(300_000);
  let net: AppsNetwork;
  let dir: string;
  /** The fixture with its dates moved to the chain's clock (other test files may have moved it). */
  let mt700 = "";
  let mt760 = "";
  before(async () => {
    net = await appsNetwork();
    dir = await mkdtemp(join(tmpdir(), "consortia-swift-"));
    const provider = new JsonRpcProvider(net.node.url);
    const now = (await provider.getBlock("latest"))!.timestamp;
    provider.destroy();
    const day = (days: number) => toSwiftDate(now + days * 86_400);
    mt700 = (await readFile(new URL("mt700.txt", FIXTURES), "utf8"))
      .replace(":31C:261201", `:31C:${day(0)}`)
      .replace(":31D:270331", `:31D:${day(120)}`)
      .replace(":44C:270228", `:44C:${day(90)}`);
    mt760 = (await readFile(new URL("mt760.txt", FIXTURES), "utf8"))
      .replace(":30:261201", `:30:${day(0)}`)
      .replace(":31E:271130", `:31E:${day(365)}`);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const file = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  it("lc import --issue: 48 sets the presentation period, 49 CONFIRM asks the nominated bank; export reads both back", async () => {
    const provider = new JsonRpcProvider(net.node.url);
    const now = (await provider.getBlock("latest"))!.timestamp;
    provider.destroy();
    const day = (days: number) => toSwiftDate(now + days * 86_400);
    const text = (await readFile(new URL("mt700-confirm.txt", FIXTURES), "utf8"))
      .replace(":31C:261201", `:31C:${day(0)}`)
      .replace(":31D:270331", `:31D:${day(120)}`)
      .replace(":44C:270215", `:44C:${day(90)}`);
    const terms = join(dir, "lc-terms-confirm.json");
    const { lcId, presentationPeriodDays, confirmation } = await net.json<{
      lcId: string;
      presentationPeriodDays: number;
      confirmation: string;
    }>(["lc", "import", "--mt700", await file("mt700-confirm.txt", text), "--out", terms, "--issue"], { as: "bankA" });
    expect([presentationPeriodDays, confirmation]).to.deep.equal([15, "CONFIRM"]);
    const shown = await net.json<{ authorization: { requested: boolean } | null }>([
      "lc",
      "confirmation",
      "show",
      lcId,
    ]);
    expect(shown.authorization).to.include({ requested: true });
    const { message } = await net.json<{ message: string }>(["lc", "export", lcId, "--mt700", "--terms", terms]);
    expect(message).to.include(":48:15/FROM THE DATE OF SHIPMENT").and.to.include(":49:CONFIRM");
    const transferable = await net.run(
      [
        "lc",
        "import",
        "--mt700",
        await file("mt700-transferable.txt", text.replace(":40A:IRREVOCABLE", ":40A:IRREVOCABLE TRANSFERABLE")),
        "--out",
        join(dir, "lc-terms-transferable.json"),
        "--issue",
      ],
      { as: "bankA" },
    );
    expect(transferable.code).to.equal(2);
    expect(transferable.stderr).to.match(/no transferable credits yet/);
  });

  it("lc import --issue puts the MT 700's enforced terms on chain; export gives the same message back", async () => {
    const source = await file("mt700.txt", mt700);
    const terms = join(dir, "lc-terms.json");
    const { lcId, termsHash } = await net.json<{ lcId: string; termsHash: string }>(
      ["lc", "import", "--mt700", source, "--out", terms, "--issue"],
      { as: "bankA" },
    );
    const shown = await net.json<Record<string, unknown>>(["lc", "show", lcId]);
    expect(shown).to.deep.include({
      amount: "10000.00",
      currency: "CNY",
      tolerancePlus: 5,
      toleranceMinus: 5,
      deferred: true,
      tenorDays: 90,
      partialDrawings: true,
      termsHash,
    });
    expect(shown.requiredDocuments).to.have.length(2);
    const exported = join(dir, "lc-export.txt");
    await net.json(["lc", "export", lcId, "--mt700", "--terms", terms, "--out", exported]);
    const held = JSON.parse(await readFile(terms, "utf8")) as SwiftTerms;
    expect(importMt700(await readFile(exported, "utf8")).terms).to.deep.equal(held);
    expect(importMt700(mt700).terms).to.deep.equal(held);

    // The terms file must be the one the chain holds the hash of.
    const tampered = await file(
      "tampered.json",
      JSON.stringify({ ...held, fields: held.fields.map((f) => (f.tag === "71D" ? { ...f, value: "NONE" } : f)) }),
    );
    const refused = await net.run(["lc", "export", lcId, "--mt700", "--terms", tampered]);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.match(/not the terms of this record/);

    // MT 707: the pending amendment (amount up, goods changed) against the issued terms.
    const amended: SwiftTerms = {
      ...held,
      fields: held.fields.map((f) => (f.tag === "45A" ? { ...f, value: "+2500 UNITS OF SOLAR INVERTERS" } : f)),
    };
    const amendedPath = await file("amended.json", JSON.stringify(amended));
    const record = importMt700(mt700);
    await net.json(
      [
        "lc",
        "amend",
        lcId,
        "--amount",
        "12000",
        "--expiry",
        String(record.expiry),
        "--latest-shipment",
        String(record.latestShipment),
        "--terms",
        `json:${amendedPath}`,
      ],
      { as: "bankA" },
    );
    const { message } = await net.json<{ message: string }>([
      "lc",
      "export",
      lcId,
      "--mt707",
      "--terms",
      terms,
      "--amended-terms",
      amendedPath,
    ]);
    const fields = parseMessage(MT707, message);
    const value = (tag: string) => fields.find((f) => f.tag === tag)?.value;
    expect(value("32B")).to.equal("CNY2000,00");
    expect(value("52D")).to.equal("Bank A");
    expect(value("45B")).to.equal("/REPALL/\n+2500 UNITS OF SOLAR INVERTERS");
    expect(value("31D"), "the expiry did not change").to.equal(undefined);
  });

  it("guarantee import --apply, issue under the undertaking number's reference, export MT 760 back", async () => {
    const source = await file("mt760.txt", mt760);
    const terms = join(dir, "g-terms.json");
    const { guaranteeId, reference } = await net.json<{ guaranteeId: string; reference: string }>(
      ["guarantee", "import", "--mt760", source, "--out", terms, "--kind", "performance", "--apply"],
      { as: "importer" },
    );
    await net.json(["guarantee", "issue", guaranteeId, "--reference", reference], { as: "bankA" });
    const { message } = await net.json<{ message: string }>([
      "guarantee",
      "export",
      guaranteeId,
      "--mt760",
      "--terms",
      terms,
    ]);
    expect(importMt760(message).terms).to.deep.equal(JSON.parse(await readFile(terms, "utf8")));

    // MT 767: the accepted amendment (amount down, expiry later) against the issued terms.
    const text = await file("amendment.txt", "AMOUNT REDUCED AFTER PARTIAL DELIVERY\n");
    const issued = importMt760(mt760);
    const later = issued.expiry + 30 * 86_400;
    await net.json(
      ["guarantee", "amend", guaranteeId, "--amount", "40000", "--expiry", String(later), "--hash", `file:${text}`],
      {
        as: "bankA",
      },
    );
    await net.json(["guarantee", "amend-accept", guaranteeId], { as: "exporter" });
    const amendment = await net.json<{ message: string }>([
      "guarantee",
      "export",
      guaranteeId,
      "--mt767",
      "--terms",
      terms,
      "--amendment-text",
      text,
      "--number",
      "1",
    ]);
    const fields = parseMessage(MT767, amendment.message);
    const value = (tag: string) => fields.find((f) => f.tag === tag)?.value;
    expect(value("21")).to.equal("PG2026000042");
    expect(value("33B")).to.equal("CNY10000,00");
    expect(value("31E")).to.equal(toSwiftDate(later));
    expect(value("52D")).to.equal("Bank A");
    expect(value("77U")).to.equal("AMOUNT REDUCED AFTER PARTIAL DELIVERY");
    // The MT 760 terms no longer match once the amendment bound: it exports the amended amount and expiry.
    const after = await net.json<{ message: string }>([
      "guarantee",
      "export",
      guaranteeId,
      "--mt760",
      "--terms",
      terms,
    ]);
    const again = importMt760(after.message);
    expect(again.amount).to.equal("40000.00");
    expect(toSwiftDate(again.expiry)).to.equal(toSwiftDate(later));
    const wrongSigner = await net.run(
      ["guarantee", "import", "--mt760", source, "--out", join(dir, "x.json"), "--kind", "bid", "--apply"],
      { as: "exporter" },
    );
    expect(wrongSigner.code).to.equal(2);
    expect(wrongSigner.stderr).to.match(/field 50 names IMPORTER as applicant; the signer is Exporter/);
  });

  it("a malformed message is refused before anything is sent, every problem by line and tag", async () => {
    const source = await file(
      "bad.txt",
      mt700.replace(":32B:CNY10000,00", ":32B:CNY10000.00").replace(":43T:", ":43X:"),
    );
    const result = await net.run(["lc", "import", "--mt700", source, "--out", join(dir, "bad.json"), "--issue"], {
      as: "bankA",
    });
    expect(result.code).to.equal(2);
    expect(result.stderr).to.match(/line 15, field 32B: does not match the format 3!a15d/);
    expect(result.stderr).to.match(/line 21, field 43X: unknown field in MT 700/);
  });
});
