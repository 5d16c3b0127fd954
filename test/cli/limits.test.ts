import { expect } from "chai";
import { appsNetwork, type AppsNetwork } from "./apps.harness.js";

describe("cli: issuance limit commands against a real node", function () {
  this.timeout(300_000);
  let net: AppsNetwork;
  before(async () => {
    net = await appsNetwork();
  });

  it("a bank sets its limit for a core enterprise; limit show lists banks, sum, utilisation and what is left", async () => {
    // Generous: the CLI tests that run after this one confirm receivables of the Importer under it.
    const set = await net.json<{ obligor: number; limit: string }>(["limit", "set", "Importer", "100000000"], {
      as: "bankA",
    });
    expect(set.limit).to.equal("100000000.00");
    // A bank's limit binds nothing until the core enterprise enters its limits; another member cannot do it for it.
    const before = await net.json<{ limited: boolean }>(["limit", "show", "Importer"]);
    expect(before.limited).to.equal(false);
    const refused = await net.run(["limit", "enforce"], { as: "exporter" });
    expect(refused.code).to.equal(1);
    const entered = await net.json<{ obligor: number; limited: boolean }>(["limit", "enforce"], { as: "importer" });
    expect(entered).to.deep.include({ obligor: set.obligor, limited: true });
    const shown = await net.json<{
      limited: boolean;
      total: string;
      available: string;
      banks: { bank: number; limit: string }[];
    }>(["limit", "show", "Importer"]);
    expect(shown).to.deep.include({ limited: true, total: "100000000.00" });
    expect(shown.banks).to.deep.equal([{ bank: shown.banks[0].bank, limit: "100000000.00" }]);
    const text = await net.run(["limit", "show", "Importer"]);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.match(/limited:\s+true/);
  });

  it("a member that is not a financing bank is refused, decoded (exit 1); a bad amount is a usage error", async () => {
    const refused = await net.run(["limit", "set", "Importer", "5"], { as: "exporter" });
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.match(/MissingRole/);
    const bad = await net.run(["limit", "set", "Importer", "1.234"], { as: "bankA" });
    expect(bad.code).to.equal(2);
  });
});
