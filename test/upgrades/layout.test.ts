import { readFile } from "node:fs/promises";
import { expect } from "chai";
import {
  UPGRADEABLE_SOURCES,
  checkUpgrade,
  layoutOf,
  validateBuild,
  type LayoutSnapshot,
  type ValidatedBuild,
} from "../../src/upgrades/layout.js";

// `hardhat test` builds the contracts first, so the artifacts and their build info are current.
const ARTIFACTS = new URL("../../artifacts", import.meta.url).pathname;
const snapshot = JSON.parse(
  await readFile(new URL("../../upgrades/layouts.json", import.meta.url), "utf8"),
) as LayoutSnapshot;

const MOCKS = {
  CreditBlacklistV2: "contracts/mocks/CreditBlacklistV2.sol",
  CreditBlacklistIncompatible: "contracts/mocks/CreditBlacklistIncompatible.sol",
};

describe("upgrade safety: every implementation against the last release's layouts (upgrades/layouts.json)", function () {
  this.timeout(120_000);
  let validated: ValidatedBuild;

  before(async () => {
    const sources = { ...UPGRADEABLE_SOURCES, ...MOCKS };
    validated = await validateBuild(
      ARTIFACTS,
      Object.entries(sources).map(([name, source]) => ({ name, source })),
    );
  });

  for (const name of Object.keys(UPGRADEABLE_SOURCES)) {
    it(`${name}: upgrade-safe, and its layout keeps every variable of ${snapshot.release}`, () => {
      const check = checkUpgrade(validated, name, snapshot.layouts[name]);
      expect(check.errors, `${name}: upgrade-safety errors`).to.deep.equal([]);
      expect(check.layout, `${name}: storage layout`).to.equal("");
    });
  }

  it("RecourseClaims: the claim status gains Discharged after the release's members (appended, none reordered)", () => {
    const members = (layout: { types: Record<string, { label: string; members?: unknown }> } | undefined) =>
      Object.values(layout?.types ?? {}).find((t) => t.label === "enum IRecourseClaims.ClaimStatus")?.members;
    const released = members(snapshot.layouts.RecourseClaims);
    expect(released).to.deep.equal(["None", "Exercised", "Honoured"]);
    expect(members(layoutOf(validated, "RecourseClaims"))).to.deep.equal([...(released as string[]), "Discharged"]);
    // No field was added: the discharge is a status and the sale's claimed value, both already stored.
    const fields = (layout: { namespaces?: Record<string, { label: string }[]> } | undefined) =>
      (layout?.namespaces?.["erc7201:consortia.storage.RecourseClaims"] ?? []).map((f) => f.label);
    expect(fields(snapshot.layouts.RecourseClaims)).to.include("_latestClaims");
    expect(fields(layoutOf(validated, "RecourseClaims"))).to.deep.equal(fields(snapshot.layouts.RecourseClaims));
  });

  it("accepts a v2 that adds a namespace and a migration (the upgrade tests' CreditBlacklistV2)", () => {
    const check = checkUpgrade(validated, "CreditBlacklistV2", snapshot.layouts.CreditBlacklist);
    expect(check).to.deep.equal({ contract: "CreditBlacklistV2", errors: [], layout: "" });
  });

  it("refuses a v2 that inserts a field into the blacklist's namespace, naming the field", () => {
    const check = checkUpgrade(validated, "CreditBlacklistIncompatible", snapshot.layouts.CreditBlacklist);
    expect(check.layout).to.contain("Inserted `_reportCount`");
    expect(check.layout).to.contain("CreditBlacklistIncompatible.sol");
  });

  it("refuses an implementation whose layout the snapshot does not know", () => {
    const check = checkUpgrade(validated, "CreditBlacklistV2", snapshot.layouts.Unknown);
    expect(check.layout).to.equal("no layout of CreditBlacklistV2 in the release snapshot");
  });
});
